/* Exports: cells escaped for their format and neutralized for
 * spreadsheets, the Markdown timeline (ASCII sparklines without UTF-8),
 * JSON Lines that read back into the same records, CSV tables. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "core/timeutil.h"
#include "export/export.h"
#include "store/store.h"
#include "store_tmp.h"

static struct store *st;
static int64_t T0;

static void
submit_incident(void)
{
	struct batch *b;
	struct m_failed_login *f;
	struct m_event *e;
	struct m_session *s;
	struct m_alert *a;

	b = batch_new("logs", T0 + 20 * TIME_SEC);
	for (int i = 0; i < 4; i++) {
		f = batch_add(b, M_FAILED_LOGIN);
		m_str_set(&f->instance, "db-a");
		f->time = T0 + i * TIME_SEC;
		m_str_set(&f->client_addr, "203.0.113.9");
		m_str_set(&f->user, "app");
		m_str_set(&f->reason, "wrong_password");
	}
	store_submit(st, b);
	for (int i = 0; i < 3; i++) {
		b = batch_new("pg", T0 + (30 + 10 * i) * TIME_SEC);
		batch_cover(b, "db-a");
		batch_mark_complete(b, M_SESSION);
		if (i < 2) {
			s = batch_add(b, M_SESSION);
			m_str_set(&s->instance, "db-a");
			s->pid = 77;
			s->backend_start = T0;
			m_str_set(&s->user, "|evil*user_");
			s->ssl = 0;
			m_str_set(&s->state, i == 0 ? "idle" : "active");
		}
		store_submit(st, b);
	}
	b = batch_new("rds", T0 + 60 * TIME_SEC);
	e = batch_add(b, M_EVENT);
	m_str_set(&e->source_id, "db-a");
	m_str_set(&e->instance, "db-a");
	e->time = T0 + 55 * TIME_SEC;
	m_str_set(&e->message, "=HYPERLINK(\"http://evil\",\"x\") <b>|pipe|</b> [a](b)");
	m_list_add(&e->categories, "failover");
	store_submit(st, b);
	b = batch_new("rules", T0 + 70 * TIME_SEC);
	batch_mark_complete(b, M_ALERT);
	batch_cover(b, "db-a");
	a = batch_add(b, M_ALERT);
	m_str_set(&a->key, "k");
	m_str_set(&a->instance, "db-a");
	m_str_set(&a->severity, "critical");
	m_str_set(&a->title, "+cmd|' /C calc'!A0");
	store_submit(st, b);
	/* A source failing, a poll under way (neither ok nor failing), still
	 * failing, then ok: one outage, one recovery. */
	for (int i = 0; i < 4; i++) {
		static const int ok[] = { 0, -1, 0, 1 };
		struct m_source_health *h;

		b = batch_new("pg", T0 + (80 + 5 * i) * TIME_SEC);
		h = batch_add(b, M_SOURCE_HEALTH);
		m_str_set(&h->source, "pg");
		m_str_set(&h->instance, "db-b");
		h->ok = ok[i];
		h->updating = ok[i] < 0;
		h->last_attempt = b->polled_at;
		m_str_set(&h->error_message, ok[i] == 0 ? "connection refused" : NULL);
		store_submit(st, b);
	}
	for (int i = 0; i < 10; i++) {
		struct m_metric *m;

		b = batch_new("cloudwatch", T0 + i * TIME_MIN + 30 * TIME_SEC);
		m = batch_add(b, M_METRIC);
		m_str_set(&m->instance, "db-a");
		m_str_set(&m->name, "CPUUtilization");
		m_str_set(&m->unit, "Percent");
		m->time = T0 + i * TIME_MIN;
		m->value = i == 5 ? 97 : 10 + i;
		store_submit(st, b);
	}
	store_flush(st);
}

static int
setup(void **state)
{
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;

	if (store_tmp_setup(state) != 0)
		return -1;
	T0 = time_now_ms() / TIME_HOUR * TIME_HOUR - TIME_HOUR;
	store_options_init(&o);
	o.path = store_tmp_path("h.db");
	if (store_open(&st, &o, &err) != 0)
		return -1;
	submit_incident();
	return 0;
}

static int
teardown(void **state)
{
	store_close(st);
	return store_tmp_teardown(state);
}

static char *
cell(void (*fn)(struct buf *, const char *), const char *text)
{
	struct buf b = BUF_INIT;

	fn(&b, text);
	return buf_detach(&b);
}

static void
check_cell(void (*fn)(struct buf *, const char *), const char *in, const char *want)
{
	char *got = cell(fn, in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_export_cells(void **state)
{
	(void)state;
	check_cell(export_cell_csv, "plain", "\"plain\"");
	check_cell(export_cell_csv, "say \"hi\", ok", "\"say \"\"hi\"\", ok\"");
	check_cell(export_cell_csv, "=1+1", "\"'=1+1\"");
	check_cell(export_cell_csv, "+cmd", "\"'+cmd\"");
	check_cell(export_cell_csv, "-2+3", "\"'-2+3\"");
	check_cell(export_cell_csv, "@SUM(A1)", "\"'@SUM(A1)\"");
	check_cell(export_cell_csv, "\tx", "\"'\tx\"");
	check_cell(export_cell_csv, "a=b", "\"a=b\"");
	check_cell(export_cell_markdown, "a|b*c_d`e", "a\\|b\\*c\\_d\\`e");
	check_cell(export_cell_markdown, "<script>[x](y)", "\\<script\\>\\[x\\](y)");
	check_cell(export_cell_markdown, "=cmd", "\\=cmd");
	check_cell(export_cell_markdown, "-1", "\\-1");
	check_cell(export_cell_markdown, "a-1 & ~b~ !x", "a-1 \\& \\~b\\~ \\!x");
	check_cell(export_cell_markdown, "back\\slash", "back\\\\slash");
}

static char *
run_export(int (*write)(FILE *, struct store *, const struct export_opts *, struct rw_error *),
    int utf8)
{
	struct export_opts o;
	struct rw_error err = RW_ERROR_INIT;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	memset(&o, 0, sizeof o);
	o.q.from = T0 - TIME_MIN;
	o.q.to = T0 + 30 * TIME_MIN;
	o.utf8 = utf8;
	o.now = T0 + TIME_HOUR;
	assert_int_equal(write(f, st, &o, &err), 0);
	fclose(f);
	return text;
}

static void
test_export_markdown(void **state)
{
	char *md = run_export(export_markdown_write, 0), *md8;
	const char *login, *appeared, *ended, *event, *alert, *outage, *recovered;

	(void)state;
	/* Without UTF-8, not one byte outside ASCII. */
	for (const unsigned char *p = (const unsigned char *)md; *p != '\0'; p++)
		assert_true(*p < 0x80);
	login = strstr(md, "| failed login x4 | user app from 203.0.113.9: wrong\\_password");
	appeared = strstr(md, "| non-TLS session appeared | pid 77, \\|evil\\*user\\_@?");
	ended = strstr(md, "| non-TLS session ended |");
	event = strstr(md, "| RDS event | failover: =HYPERLINK(\"http://evil\",\"x\") \\<b\\>\\|pipe\\|\\</b\\> "
	    "\\[a\\](b) |");
	alert = strstr(md, "| alert opened | critical: +cmd\\|' /C calc'\\!A0 |");
	assert_non_null(login);
	assert_non_null(appeared);
	assert_non_null(ended);
	assert_non_null(event);
	assert_non_null(alert);
	/* In time order. */
	assert_true(login < appeared && appeared < ended && ended < event && event < alert);
	assert_non_null(strstr(md, "| db-a | CPUUtilization (Percent) | 10 | "));
	assert_non_null(strstr(md, "| 97 | "));
	assert_non_null(strstr(md, "`"));
	/* A poll under way inside an outage neither ends nor restarts it. */
	outage = strstr(md, "| source outage | pg (db-b) failing: connection refused |");
	recovered = strstr(md, "| source recovered | pg (db-b) ok again after 15s |");
	assert_non_null(outage);
	assert_non_null(recovered);
	assert_true(outage < recovered);
	assert_null(strstr(outage + 1, "| source outage |"));
	assert_null(strstr(recovered + 1, "| source recovered |"));
	free(md);

	md8 = run_export(export_markdown_write, 1);
	assert_non_null(strstr(md8, "\u2588"));	/* the spike, a full block */
	free(md8);
}

#define sql_count(sql) store_tmp_query("h.db", sql)

static void
test_export_jsonl_round_trip(void **state)
{
	char *text = run_export(export_jsonl_write, 0), *save = NULL;
	size_t counts[32] = { 0 };

	(void)state;
	for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		cJSON *obj = cJSON_Parse(line);
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(obj, "type");
		const cJSON *fields = cJSON_GetObjectItemCaseSensitive(obj, "fields");
		const struct export_type *t;
		void *rec;
		cJSON *again;
		char *a, *b;

		assert_non_null(obj);
		assert_true(cJSON_IsString(type));
		assert_non_null(cJSON_GetObjectItemCaseSensitive(obj, "time"));
		assert_non_null(cJSON_GetObjectItemCaseSensitive(obj, "instance"));
		t = export_type_find(type->valuestring);
		assert_non_null(t);
		counts[t - export_types]++;
		/* The fields read back into the record they came from. */
		rec = calloc(1, t->type->size);
		m_init(t->type, rec);
		assert_int_equal(m_from_json(t->type, rec, fields), 0);
		again = m_to_json(t->type, rec);
		if (t->what == STORE_ITEM_AGGREGATE) {
			cJSON_DeleteItemFromObject((cJSON *)fields, "min");
			cJSON_DeleteItemFromObject((cJSON *)fields, "max");
			cJSON_DeleteItemFromObject((cJSON *)fields, "samples");
		}
		a = cJSON_PrintUnformatted(fields);
		b = cJSON_PrintUnformatted(again);
		assert_string_equal(a, b);
		cJSON_free(a);
		cJSON_free(b);
		cJSON_Delete(again);
		m_free(t->type, rec);
		free(rec);
		cJSON_Delete(obj);
	}
	free(text);
	/* As many as the store holds. */
	assert_int_equal(counts[export_type_find("failed_login") - export_types],
	    sql_count("SELECT count(*) FROM failed_logins"));
	assert_int_equal(counts[export_type_find("event") - export_types],
	    sql_count("SELECT count(*) FROM events"));
	assert_int_equal(counts[export_type_find("metric") - export_types],
	    sql_count("SELECT count(*) FROM metric_samples"));
	assert_int_equal(counts[export_type_find("session") - export_types],
	    sql_count("SELECT count(*) FROM sessions_v"));
	assert_int_equal(counts[export_type_find("alert_event") - export_types],
	    sql_count("SELECT count(*) FROM alert_events"));
	assert_int_equal(counts[export_type_find("session") - export_types], 2);
	assert_int_equal(counts[export_type_find("failed_login") - export_types], 4);
}

static int
write_events_csv(FILE *f, struct store *s, const struct export_opts *o, struct rw_error *err)
{
	return export_csv_write(f, s, o, export_type_find("event"), err);
}

static int
write_sessions_csv(FILE *f, struct store *s, const struct export_opts *o, struct rw_error *err)
{
	return export_csv_write(f, s, o, export_type_find("session"), err);
}

static void
test_export_csv(void **state)
{
	char *events = run_export(write_events_csv, 0);
	char *sessions = run_export(write_sessions_csv, 0);

	(void)state;
	assert_true(strncmp(events, "source_id,time,message,instance,source_type,categories,event_id,"
	    "source_arn\r\n", 76) == 0);
	assert_non_null(strstr(events, ",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\") <b>|pipe|</b> "
	    "[a](b)\",\"db-a\","));
	assert_true(strncmp(sessions, "valid_from,valid_to,instance,pid,backend_start,", 47) == 0);
	assert_non_null(strstr(sessions, ",\"|evil*user_\","));
	assert_non_null(strstr(sessions, "\r\n"));
	free(events);
	free(sessions);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_cells),
		cmocka_unit_test(test_export_markdown),
		cmocka_unit_test(test_export_jsonl_round_trip),
		cmocka_unit_test(test_export_csv),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
