/* The `once` reports: the JSON document parsed back with cJSON and
 * checked key by key, the text report within 80 columns, and the
 * monitoring exit status for each case. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/sanitize.h"
#include "rules/posture.h"
#include "rules/rules.h"
#include "view/report.h"
#include "rules_fixture.h"

/* A fleet: a standalone instance with a bit of everything, an Aurora
 * cluster and its writer, a server only the pg source knows, a failing
 * source; evaluated and applied as `once` does. */
static void
fleet(struct snapshot *s)
{
	struct m_instance *c, *m;
	struct m_session *x;
	struct m_maintenance *pm;
	struct rules_config cfg;
	struct batch *b;

	snapshot_init(s, NOW, 1);
	fx_good_instance(s, "prod-db")->publicly_accessible = 1;
	fx_session(s, "prod-db", 101, "app_user", "10.0.0.5", 1, 0);
	x = fx_session(s, "prod-db", 102, "app_user", "203.0.113.9", 0, 0);
	m_str_set(&x->application_name, "\x1b[31mred\xff");
	m_list_add(&x->blocked_by, "101");
	m_list_add(&x->blocked_by, "99");
	fx_session(s, "prod-db", 103, "k7admin", "10.0.0.6", 1, 1);
	for (int i = 0; i < 6; i++)
		fx_failed_login(s, "prod-db", NOW - 3 * TIME_MIN + i * TIME_SEC, "198.51.100.1", "postgres");
	fx_failed_login(s, "prod-db", NOW - 2 * TIME_HOUR, "198.51.100.1", "postgres");
	fx_event(s, "prod-db", NOW - 10 * TIME_MIN, "failover", "RDS-EVENT-0049", "Multi-AZ failover completed.");
	fx_finding(s, "prod-db", "gd-1", 8.0);
	fx_metric(s, "prod-db", "CPUUtilization", NOW - 2 * TIME_MIN, 40, 60);
	fx_metric(s, "prod-db", "CPUUtilization", NOW - TIME_MIN, 42.5, 60);
	fx_metric(s, "prod-db", "FreeStorageSpace", NOW - TIME_MIN, 50 * GIB, 60);
	pm = m_vec_push(&s->kinds[M_MAINTENANCE]);
	m_str_set(&pm->instance, "prod-db");
	m_str_set(&pm->action, "system-update");
	pm->forced_apply_date = NOW + 5 * TIME_DAY;

	c = fx_good_instance(s, "prod-aurora");
	m_str_set(&c->kind, "cluster");
	m_str_set(&c->engine, "aurora-postgresql");
	m = fx_good_instance(s, "prod-aurora-1");
	m_str_set(&m->engine, "aurora-postgresql");
	m_str_set(&m->cluster_id, "prod-aurora");
	m->backup_retention_days = M_INT_NONE;

	fx_pg_health(s, "selfhost")->connections = 3;
	fx_session(s, "selfhost", 7, "postgres", NULL, 0, 1);

	fx_source(s, "rds", "", 1, 0);
	fx_source(s, "guardduty", "", 0, 5);

	rules_config_init(&cfg);
	b = batch_new("rules", NOW);
	rules_evaluate(s, &cfg, NOW, b);
	snapshot_apply(s, b, NULL);
	batch_free(b);
	rules_config_free(&cfg);
}

static const cJSON *
get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL)
		fail_msg("no key \"%s\"", key);
	return v;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	if (!cJSON_IsString(v))
		fail_msg("\"%s\" is not a string", key);
	return v->valuestring;
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	if (!cJSON_IsNumber(v))
		fail_msg("\"%s\" is not a number", key);
	return v->valuedouble;
}

static void
keys_are(const cJSON *o, const char *const *want)
{
	const cJSON *item;
	size_t n = 0, k = 0;

	for (; want[n] != NULL; n++)
		get(o, want[n]);
	cJSON_ArrayForEach(item, o)
		k++;
	if (k != n)
		fail_msg("%zu keys, want %zu", k, n);
}

static const cJSON *
find_by(const cJSON *arr, const char *key, const char *value)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, arr) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, key);

		if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0)
			return item;
	}
	fail_msg("no element with %s = %s", key, value);
	return NULL;
}

static void
test_report_json(void **state)
{
	static const char *const top[] = { "generated_at", "summary", "sources", "accounts", "alerts",
		"instances", NULL };
	static const char *const nested[] = { "sessions", "failed_logins", "events", "findings",
		"metrics", "pending_maintenance", "backup", "security_groups", "certificate",
		"parameters", "pg_health", "xid_ages", "replication_slots", "alerts", "checks", NULL };
	struct snapshot s;
	char *text;
	cJSON *doc;
	const cJSON *srcs, *inst, *db, *sess, *item, *arr;

	(void)state;
	fleet(&s);
	text = report_json_string(&s);
	/* The raw escape never reaches the output, not even escaped by cJSON
	 * as \u001b: the model turned it into visible text first. */
	assert_null(strchr(text, 0x1b));
	assert_null(strstr(text, "\\u001b"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	doc = cJSON_Parse(text);
	assert_non_null(doc);
	keys_are(doc, top);
	assert_string_equal(str(doc, "generated_at"), "2026-11-22T12:00:00Z");

	srcs = get(doc, "sources");
	assert_int_equal(cJSON_GetArraySize(srcs), 2);
	item = find_by(srcs, "name", "guardduty");
	assert_true(cJSON_IsFalse(get(item, "ok")));
	assert_true(cJSON_IsNull(get(item, "instance")));
	assert_string_equal(str(item, "error"),
	    "ThrottlingException HTTP 400: Rate exceeded (guardduty ListDetectors)");
	assert_string_equal(str(item, "error_code"), "ThrottlingException");
	assert_int_equal(num(item, "consecutive_failures"), 5);
	item = find_by(srcs, "name", "rds");
	assert_true(cJSON_IsTrue(get(item, "ok")));
	assert_true(cJSON_IsNull(get(item, "error")));
	assert_null(cJSON_GetObjectItemCaseSensitive(item, "source"));

	/* Fleet-level alerts: the failing source. */
	arr = get(doc, "alerts");
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	assert_string_equal(str(cJSON_GetArrayItem(arr, 0), "key"), "source_failing::guardduty");

	inst = get(doc, "instances");
	assert_int_equal(cJSON_GetArraySize(inst), 4);
	assert_string_equal(str(cJSON_GetArrayItem(inst, 0), "id"), "prod-aurora");
	assert_string_equal(str(cJSON_GetArrayItem(inst, 1), "id"), "prod-aurora-1");
	assert_string_equal(str(cJSON_GetArrayItem(inst, 2), "id"), "prod-db");
	assert_string_equal(str(cJSON_GetArrayItem(inst, 3), "id"), "selfhost");
	cJSON_ArrayForEach(item, inst) {
		for (size_t k = 0; nested[k] != NULL; k++)
			get(item, nested[k]);
		get(item, "engine");
		get(item, "engine_version");
		get(item, "status");
	}

	db = find_by(inst, "id", "prod-db");
	assert_string_equal(str(db, "engine"), "postgres");
	assert_string_equal(str(db, "engine_version"), "15.4");
	assert_string_equal(str(db, "status"), "available");
	assert_true(cJSON_IsTrue(get(db, "publicly_accessible")));

	sess = get(db, "sessions");
	assert_int_equal(cJSON_GetArraySize(sess), 3);
	item = cJSON_GetArrayItem(sess, 1);		/* by pid */
	assert_int_equal(num(item, "pid"), 102);
	assert_string_equal(str(item, "user"), "app_user");
	assert_string_equal(str(item, "database"), "app");
	assert_string_equal(str(item, "application_name"), "\\x1b[31mred\\xff");
	assert_string_equal(str(item, "client_addr"), "203.0.113.9");
	assert_string_equal(str(item, "state"), "idle");
	assert_true(cJSON_IsFalse(get(item, "ssl")));
	assert_true(cJSON_IsNull(get(item, "ssl_version")));
	assert_true(cJSON_IsFalse(get(item, "superuser")));
	arr = get(item, "blocked_by");
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	assert_true(cJSON_IsNumber(cJSON_GetArrayItem(arr, 0)));
	assert_int_equal(cJSON_GetArrayItem(arr, 0)->valuedouble, 101);
	assert_null(cJSON_GetObjectItemCaseSensitive(item, "instance"));
	item = cJSON_GetArrayItem(sess, 0);
	assert_true(cJSON_IsTrue(get(item, "ssl")));
	assert_string_equal(str(item, "ssl_version"), "TLSv1.3");
	assert_true(cJSON_IsTrue(get(cJSON_GetArrayItem(sess, 2), "superuser")));

	/* Facts: in time order, all kept (the snapshot's window decides). */
	assert_int_equal(cJSON_GetArraySize(get(db, "failed_logins")), 7);
	assert_string_equal(str(cJSON_GetArrayItem(get(db, "failed_logins"), 0), "time"),
	    "2026-11-22T10:00:00Z");
	assert_string_equal(str(cJSON_GetArrayItem(get(db, "events"), 0), "event_id"), "RDS-EVENT-0049");
	item = cJSON_GetArrayItem(get(db, "findings"), 0);
	assert_string_equal(str(item, "id"), "gd-1");
	assert_int_equal(num(item, "severity"), 8);
	/* Metrics: the newest sample of each. */
	arr = get(db, "metrics");
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	item = find_by(arr, "name", "CPUUtilization");
	assert_true(num(item, "value") == 42.5);
	assert_string_equal(str(item, "time"), "2026-11-22T11:59:00Z");
	assert_int_equal(num(item, "period_s"), 60);
	item = cJSON_GetArrayItem(get(db, "pending_maintenance"), 0);
	assert_string_equal(str(item, "action"), "system-update");
	assert_string_equal(str(item, "forced_apply_date"), "2026-11-27T12:00:00Z");

	item = get(db, "backup");
	assert_true(cJSON_IsTrue(get(item, "enabled")));
	assert_int_equal(num(item, "retention_days"), 7);
	assert_int_equal(num(item, "restore_lag_s"), 120);
	item = get(db, "certificate");
	assert_string_equal(str(item, "ca_certificate_id"), "rds-ca-rsa2048-g1");
	assert_int_equal(num(item, "days_left"), 400);
	arr = get(db, "security_groups");
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	item = cJSON_GetArrayItem(arr, 0);
	assert_string_equal(str(item, "group_id"), "sg-1");
	assert_string_equal(str(item, "group_name"), "db");
	item = cJSON_GetArrayItem(get(item, "rules"), 0);
	assert_string_equal(str(item, "source"), "10.0.0.0/16");
	assert_true(cJSON_IsFalse(get(item, "wide_open")));
	item = find_by(get(db, "parameters"), "name", "rds.force_ssl");
	assert_string_equal(str(item, "value"), "1");
	assert_string_equal(str(item, "source"), "parameter_group");
	assert_true(cJSON_IsObject(get(db, "pg_health")));

	/* Alerts of the instance, worst first, with their lifecycle. */
	arr = get(db, "alerts");
	item = cJSON_GetArrayItem(arr, 0);
	assert_string_equal(str(item, "severity"), "critical");
	item = find_by(arr, "key", "non_tls_session:prod-db:203.0.113.9:app_user");
	assert_string_equal(str(item, "rule"), "non_tls_session");
	assert_string_equal(str(item, "severity"), "critical");
	assert_string_equal(str(item, "state"), "active");
	assert_string_equal(str(item, "opened_at"), "2026-11-22T12:00:00Z");
	assert_true(cJSON_IsNull(get(item, "acked_by")));
	find_by(arr, "key", "superuser_session:prod-db:10.0.0.6:k7admin");
	find_by(arr, "key", "failed_login_burst:prod-db:addr:198.51.100.1");
	find_by(arr, "key", "guardduty_finding:prod-db:gd-1");
	find_by(arr, "key", "rds_event:prod-db:failover");
	find_by(arr, "key", "forced_maintenance:prod-db:system-update");
	/* Checks: every one, with status and reason. */
	arr = get(db, "checks");
	assert_int_equal(cJSON_GetArraySize(arr), posture_check_count);
	item = find_by(arr, "check_id", "public_access");
	assert_string_equal(str(item, "control"), "RDS.2");
	assert_string_equal(str(item, "status"), "fail");
	assert_string_equal(str(item, "severity"), "critical");
	assert_string_equal(str(item, "reason"), "PubliclyAccessible = true");

	/* The Aurora member reads its backups from the cluster. */
	item = find_by(inst, "id", "prod-aurora-1");
	assert_string_equal(str(get(item, "backup"), "from"), "prod-aurora");
	assert_int_equal(num(get(item, "backup"), "retention_days"), 7);

	/* Known only to the pg source: the same keys, nulls for RDS's. */
	item = find_by(inst, "id", "selfhost");
	assert_true(cJSON_IsNull(get(item, "engine")));
	assert_int_equal(cJSON_GetArraySize(get(item, "sessions")), 1);
	assert_int_equal(cJSON_GetArraySize(get(item, "checks")), 0);
	assert_int_equal(num(get(item, "pg_health"), "connections"), 3);
	find_by(get(item, "alerts"), "key", "superuser_session:selfhost:local:postgres");

	item = get(doc, "summary");
	assert_int_equal(num(item, "critical"), 2);
	assert_int_equal(num(item, "warning"), 6);
	assert_int_equal(num(item, "sources_failed"), 1);
	assert_int_equal(num(item, "exit_code"), 2);

	cJSON_Delete(doc);
	free(text);
	snapshot_free(&s);
}

/* Columns of a UTF-8 line (one per code point). */
static size_t
columns(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)p[i] & 0xc0) != 0x80;
	return n;
}

static void
check_lines(const char *text, int width)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');

		assert_non_null(nl);
		if (columns(p, (size_t)(nl - p)) > (size_t)width)
			fail_msg("line over %d columns: %.*s", width, (int)(nl - p), p);
		/* Still valid UTF-8 after the cut (no half character). */
		{
			char *line = strndup(p, (size_t)(nl - p));

			assert_true(sanitize_is_clean(line));
			free(line);
		}
		p = nl + 1;
	}
}

static void
test_report_text(void **state)
{
	struct snapshot s;
	char *text;

	(void)state;
	fleet(&s);
	/* A long UTF-8 user name: cut at a character, not inside one. */
	fx_session(&s, "prod-db", 104,
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    "192.0.2.1", 0, 0);
	{
		struct rules_config cfg;
		struct batch *b = batch_new("rules", NOW);

		rules_config_init(&cfg);
		rules_evaluate(&s, &cfg, NOW, b);
		snapshot_apply(&s, b, NULL);
		batch_free(b);
		rules_config_free(&cfg);
	}
	text = report_text(&s, 80);
	check_lines(text, 80);
	assert_non_null(strstr(text, "2026-11-22T12:00:00Z  4 instances  3 critical  6 warning  1/2 sources failed\n"));
	assert_non_null(strstr(text, "\nSOURCE guardduty failed: ThrottlingException HTTP 400: Rate exceeded"));
	assert_non_null(strstr(text, "\nWARN source guardduty: 5 failed polls in a row"));
	assert_non_null(strstr(text, "\nprod-db  postgres 15.4  available  standalone\n"));
	assert_non_null(strstr(text, "\n  CRIT 1 session without TLS from public 203.0.113.9 as app_user (pid 102)\n"));
	assert_non_null(strstr(text, "\n  FAIL [RDS.2] not publicly accessible: PubliclyAccessible = true\n"));
	assert_non_null(strstr(text, "\n  checks: 24 pass, 2 fail, 0 unknown\n"));
	assert_non_null(strstr(text, "\n  sessions 4: 2 without TLS, 1 superuser; failed logins 1h: 6\n"));
	assert_non_null(strstr(text, "\n  backup: retention 7d, restorable 2m ago, snapshot 3h ago\n"));
	assert_non_null(strstr(text, "\n  patch: postgres 15.4; pending: system-update forced 2026-11-27\n"));
	assert_non_null(strstr(text, "\n  backup: (cluster) retention 7d"));
	assert_non_null(strstr(text, "\nselfhost (not in the RDS inventory)\n"));
	assert_non_null(strstr(text, "(+"));			/* more than five alerts */
	assert_non_null(strstr(text, "..."));			/* the long line was cut */
	free(text);

	/* Narrower still: every line fits. */
	text = report_text(&s, 60);
	check_lines(text, 60);
	free(text);
	snapshot_free(&s);
}

static void
add_alert(struct snapshot *s, const char *key, const char *severity, const char *state)
{
	struct m_alert *a = m_vec_push(&s->kinds[M_ALERT]);

	m_str_set(&a->key, key);
	m_str_set(&a->instance, "db");
	m_str_set(&a->rule, "test");
	m_str_set(&a->severity, severity);
	m_str_set(&a->state, state);
}

static void
test_report_exit_codes(void **state)
{
	struct snapshot s;
	enum report_fail_on on;

	(void)state;
	assert_int_equal(report_fail_on_parse("warning", &on), 0);
	assert_int_equal(on, REPORT_FAIL_ON_WARNING);
	assert_int_equal(report_fail_on_parse("critical", &on), 0);
	assert_int_equal(on, REPORT_FAIL_ON_CRITICAL);
	assert_int_equal(report_fail_on_parse("Critical", &on), -1);
	assert_int_equal(report_fail_on_parse(NULL, &on), -1);

	snapshot_init(&s, NOW, 1);
	fx_source(&s, "rds", "", 1, 0);
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_WARNING), 0);	/* clean */
	add_alert(&s, "i", "info", "active");
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_WARNING), 0);	/* info never counts */
	add_alert(&s, "w", "warning", "active");
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_WARNING), 1);
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_CRITICAL), 0);
	fx_source(&s, "guardduty", "", 0, 1);
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_WARNING), 3);	/* source failed, no critical */
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_CRITICAL), 3);
	add_alert(&s, "c", "critical", "acknowledged");		/* still a problem */
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_WARNING), 2);	/* critical beats a failed source */
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_CRITICAL), 2);
	snapshot_free(&s);

	snapshot_init(&s, NOW, 1);
	add_alert(&s, "c", "critical", "snoozed");
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_CRITICAL), 2);
	snapshot_free(&s);

	snapshot_init(&s, NOW, 1);
	fx_source(&s, "pg", "db", 0, 1);
	assert_int_equal(report_exit_code(&s, REPORT_FAIL_ON_WARNING), 3);
	snapshot_free(&s);
}

/* Every key the JSON writes is in rdswatch(1). */
static void
test_report_keys_documented(void **state)
{
	static const enum m_kind kinds[] = { M_INSTANCE, M_SESSION, M_FAILED_LOGIN, M_EVENT,
		M_FINDING, M_METRIC, M_MAINTENANCE, M_SG_RULE, M_PARAMETER, M_PG_HEALTH, M_XID_AGE,
		M_REPL_SLOT, M_SOURCE_HEALTH, M_ACCOUNT, M_ALERT, M_CHECK };
	char *man = fx_slurp("man/rdswatch.1");
	struct snapshot s;
	cJSON *doc;
	const cJSON *item, *key;

	(void)state;
	assert_non_null(man);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const struct m_type *t = m_kind_type(kinds[k]);

		for (size_t f = 0; f < t->nfields; f++) {
			char want[128];

			/* (an instance's security_groups is the nested key) */
			if (strcmp(t->fields[f].name, "instance") == 0 ||
			    (kinds[k] == M_INSTANCE && strcmp(t->fields[f].name, "security_groups") == 0) ||
			    (kinds[k] == M_SOURCE_HEALTH && strcmp(t->fields[f].name, "source") == 0))
				continue;
			snprintf(want, sizeof want, "\\fB%s\\fR", t->fields[f].name);
			if (strstr(man, want) == NULL)
				fail_msg("rdswatch(1) lacks %s of %s", t->fields[f].name, t->name);
		}
	}
	/* And the keys built here: top level, and each instance's. */
	fleet(&s);
	doc = report_json(&s);
	cJSON_ArrayForEach(key, doc) {
		char want[128];

		snprintf(want, sizeof want, ".B %s\n", key->string);
		if (strstr(man, want) == NULL)
			fail_msg("rdswatch(1) lacks top-level key %s", key->string);
	}
	item = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "instances"), 0);
	cJSON_ArrayForEach(key, item) {
		char a[128], b[128];

		snprintf(a, sizeof a, ".B %s\n", key->string);
		snprintf(b, sizeof b, "\\fB%s\\fR", key->string);
		if (strstr(man, a) == NULL && strstr(man, b) == NULL)
			fail_msg("rdswatch(1) lacks instance key %s", key->string);
	}
	cJSON_Delete(doc);
	snapshot_free(&s);
	free(man);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_report_text),
		cmocka_unit_test(test_report_exit_codes),
		cmocka_unit_test(test_report_keys_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
