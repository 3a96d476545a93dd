/* Every pane drawn on the text grid from a hand-built fleet
 * (tests/lib/fleet.c): what it shows, what it highlights (the role of
 * the cells), its filters, sorting and detail views, hostile strings as
 * harmless visible text, and 80-column clipping. */
#include <config.h>

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "fleet.h"
#include "panes/pane.h"
#include "rules/rules.h"
#include "view/freshness.h"
#include "view/textcanvas.h"

#define NOW (1795356300000LL)

/* What a pane asked of the dashboard. */
struct calls {
	int prompts;
	int prompt_id;
	char *prompt_label;
	char *prompt_initial;
	struct batch *submitted;
	char *message;
	int message_style;
};

static struct calls calls;

static void
fake_prompt(void *ctx, int id, const char *label, const char *initial)
{
	(void)ctx;
	calls.prompts++;
	calls.prompt_id = id;
	free(calls.prompt_label);
	free(calls.prompt_initial);
	calls.prompt_label = xstrdup(label);
	calls.prompt_initial = xstrdup(initial);
}

static int
fake_submit(void *ctx, struct batch *b)
{
	(void)ctx;
	batch_free(calls.submitted);
	calls.submitted = b;
	return 0;
}

static void
fake_message(void *ctx, int style, const char *text)
{
	(void)ctx;
	free(calls.message);
	calls.message = xstrdup(text);
	calls.message_style = style;
}

struct fixture {
	struct snapshot snap;
	struct text_canvas *grid;
	struct pane_env env;
	struct rules_config rules;
	struct pane *pane;
};

static struct fixture fx;

static int
setup(void **state)
{
	struct batch *b = fleet_batch(NOW);

	(void)state;
	snapshot_init(&fx.snap, NOW, 1);
	snapshot_apply(&fx.snap, b, NULL);
	batch_free(b);
	memset(&fx.env, 0, sizeof fx.env);
	rules_config_init(&fx.rules);
	fx.env.rules = &fx.rules;
	fx.env.now = NOW;
	fx.env.user = "tester@host";
	fx.env.prompt = fake_prompt;
	fx.env.submit = fake_submit;
	fx.env.message = fake_message;
	memset(&calls, 0, sizeof calls);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	snapshot_free(&fx.snap);
	rules_config_free(&fx.rules);
	pane_free(fx.pane);
	text_canvas_free(fx.grid);
	fx.pane = NULL;
	fx.grid = NULL;
	free(calls.prompt_label);
	free(calls.prompt_initial);
	free(calls.message);
	batch_free(calls.submitted);
	memset(&calls, 0, sizeof calls);
	return 0;
}

/* Draws pane OPS (made once per test) on a fresh ROWS x COLS grid. */
static void
draw(const struct pane_ops *ops, int rows, int cols)
{
	struct canvas_area a;

	if (fx.pane == NULL)
		fx.pane = pane_new(ops);
	text_canvas_free(fx.grid);
	fx.grid = text_canvas_new(rows, cols, 0);
	fx.env.canvas = text_canvas_base(fx.grid);
	a = canvas_whole(text_canvas_base(fx.grid));
	pane_draw(fx.pane, &fx.snap, &a, &fx.env);
}

static void
act(enum pane_action a)
{
	pane_handle(fx.pane, a, &fx.snap, &fx.env);
}

static char *
screen(void)
{
	return text_canvas_text(fx.grid);
}

static void
assert_shows(const char *needle)
{
	char *s = screen();

	if (strstr(s, needle) == NULL)
		fail_msg("'%s' is not on the screen:\n%s", needle, s);
	free(s);
}

static void
assert_hides(const char *needle)
{
	char *s = screen();

	if (strstr(s, needle) != NULL)
		fail_msg("'%s' should not be on the screen:\n%s", needle, s);
	free(s);
}

/* The role of the first cell of NEEDLE. */
static int
role_of(const char *needle)
{
	int row, col;

	if (!text_canvas_find(fx.grid, needle, &row, &col))
		fail_msg("'%s' is not on the screen", needle);
	return CANVAS_ROLE(text_canvas_style(fx.grid, row, col));
}

/* The line holding NEEDLE. */
static char *
line_of(const char *needle)
{
	int row, col;

	if (!text_canvas_find(fx.grid, needle, &row, &col))
		fail_msg("'%s' is not on the screen", needle);
	return text_canvas_line(fx.grid, row);
}

static void
assert_line_has(const char *key, const char *needle)
{
	char *line = line_of(key);

	if (strstr(line, needle) == NULL)
		fail_msg("the line of '%s' lacks '%s': %s", key, needle, line);
	free(line);
}

/* The data rows (after the title and header lines) as shown. */
static size_t
rows_shown(void)
{
	return fx.pane->table.nshown;
}

static int
row_has_pid(size_t i, long pid)
{
	const struct m_session *s = fx.pane->table.rows[fx.pane->table.order[i]].rec;

	return s->pid == pid;
}

static int
shown_pids_are(const long *pids, size_t n)
{
	if (rows_shown() != n)
		return 0;
	for (size_t k = 0; k < n; k++) {
		int found = 0;

		for (size_t i = 0; i < rows_shown(); i++)
			found |= row_has_pid(i, pids[k]);
		if (!found)
			return 0;
	}
	return 1;
}

static void
test_sessions_columns_and_highlights(void **state)
{
	(void)state;
	draw(&pane_sessions_ops, 24, 200);
	assert_int_equal(rows_shown(), 6);
	assert_shows("Sessions");
	assert_shows("[all]");
	/* Wide: every column. */
	assert_shows("DB");
	assert_shows("App");
	assert_shows("Wait");
	assert_shows("Blk by");
	/* A plaintext session from a public address is critical, from a
	 * private one a warning; the word NO is there either way. */
	assert_line_has("203.0.113.9", "NO");
	assert_int_equal(role_of("203.0.113.9"), CANVAS_NORMAL);
	assert_line_has("admin_x", "rdsSU");
	assert_line_has("rdsadmin", "AWS");
	assert_line_has("10.0.0.7", "idle-tx");
	assert_line_has("Lock:transact", "105");
	assert_line_has("select * from orders", "TLSv1.3");
}

static void
test_sessions_tls_and_su_roles(void **state)
{
	int row, col;

	(void)state;
	draw(&pane_sessions_ops, 24, 200);
	/* Find the TLS column from the header, then read its cells. */
	assert_true(text_canvas_find(fx.grid, "TLS", &row, &col));
	{
		int r, c;

		text_canvas_find(fx.grid, "203.0.113.9", &r, &c);
		assert_int_equal(CANVAS_ROLE(text_canvas_style(fx.grid, r, col)), CANVAS_CRITICAL);
		text_canvas_find(fx.grid, "10.0.0.7", &r, &c);
		assert_int_equal(CANVAS_ROLE(text_canvas_style(fx.grid, r, col)), CANVAS_WARNING);
		/* (the first row is selected: the row of 106) */
		text_canvas_find(fx.grid, "update orders", &r, &c);
		assert_int_equal(CANVAS_ROLE(text_canvas_style(fx.grid, r, col)), CANVAS_OK);
	}
	assert_int_equal(role_of("rdsSU"), CANVAS_CRITICAL);
	assert_int_equal(role_of("AWS"), CANVAS_DIM);
}

static void
test_sessions_quick_filters(void **state)
{
	(void)state;
	draw(&pane_sessions_ops, 24, 120);
	act(PA_SHOW_NO_TLS);
	draw(&pane_sessions_ops, 24, 120);
	assert_true(shown_pids_are((long[]){ 102, 105 }, 2));
	assert_shows("[no TLS]");
	act(PA_SHOW_SUPERUSER);
	draw(&pane_sessions_ops, 24, 120);
	assert_true(shown_pids_are((long[]){ 103, 104 }, 2));
	act(PA_SHOW_IDLE_TX);
	draw(&pane_sessions_ops, 24, 120);
	assert_true(shown_pids_are((long[]){ 105 }, 1));
	act(PA_SHOW_LONG);
	draw(&pane_sessions_ops, 24, 120);
	assert_true(shown_pids_are((long[]){ 105, 106 }, 2));
	act(PA_SHOW_BLOCKED);
	draw(&pane_sessions_ops, 24, 120);
	assert_true(shown_pids_are((long[]){ 106 }, 1));
	act(PA_SHOW_ALL);
	draw(&pane_sessions_ops, 24, 120);
	assert_int_equal(rows_shown(), 6);
}

static void
test_sessions_sort_and_reverse(void **state)
{
	const struct table *t;

	(void)state;
	draw(&pane_sessions_ops, 24, 200);
	/* Sort by PID: step from Age back to the first column. */
	t = &fx.pane->table;
	while (t->sort_col != 0)
		act(PA_SORT_NEXT);
	draw(&pane_sessions_ops, 24, 200);
	assert_true(row_has_pid(0, 106));	/* reversed from the Age sort */
	act(PA_REVERSE);
	draw(&pane_sessions_ops, 24, 200);
	assert_true(row_has_pid(0, 101));
	assert_true(row_has_pid(5, 106));
	/* The header marks the sort column. */
	assert_shows("PID\xe2\x96\xb2");
	act(PA_SORT_PREV);
	draw(&pane_sessions_ops, 24, 200);
	assert_shows("Query\xe2\x96\xb2");
}

static void
test_sessions_regex_filter(void **state)
{
	(void)state;
	draw(&pane_sessions_ops, 24, 120);
	act(PA_FILTER);
	assert_int_equal(calls.prompts, 1);
	assert_int_equal(calls.prompt_id, PANE_PROMPT_FILTER);
	pane_prompt_done(fx.pane, PANE_PROMPT_FILTER, "ADMIN", &fx.snap, &fx.env);
	draw(&pane_sessions_ops, 24, 120);
	assert_true(shown_pids_are((long[]){ 103, 104 }, 2));
	assert_shows("filter /ADMIN/");
	/* Alternation, anchored at a column's start by its tab. */
	pane_prompt_done(fx.pane, PANE_PROMPT_FILTER, "\tadmin_x|rdsadmin", &fx.snap, &fx.env);
	draw(&pane_sessions_ops, 24, 120);
	assert_true(shown_pids_are((long[]){ 103, 104 }, 2));
	/* Across columns: an address. */
	pane_prompt_done(fx.pane, PANE_PROMPT_FILTER, "203\\.0\\.113", &fx.snap, &fx.env);
	draw(&pane_sessions_ops, 24, 120);
	assert_true(shown_pids_are((long[]){ 102 }, 1));
	/* A broken regex keeps the old filter and says why. */
	pane_prompt_done(fx.pane, PANE_PROMPT_FILTER, "(", &fx.snap, &fx.env);
	assert_non_null(calls.message);
	assert_non_null(strstr(calls.message, "bad filter"));
	assert_int_equal(calls.message_style, CANVAS_CRITICAL);
	draw(&pane_sessions_ops, 24, 120);
	assert_int_equal(rows_shown(), 1);
	/* Esc clears it. */
	act(PA_CLOSE);
	draw(&pane_sessions_ops, 24, 120);
	assert_int_equal(rows_shown(), 6);
	pane_prompt_done(fx.pane, PANE_PROMPT_FILTER, "no such thing", &fx.snap, &fx.env);
	draw(&pane_sessions_ops, 24, 120);
	assert_shows("(nothing matches the filter)");
}

static void
test_sessions_detail(void **state)
{
	(void)state;
	draw(&pane_sessions_ops, 24, 100);
	pane_prompt_done(fx.pane, PANE_PROMPT_FILTER, "203\\.0\\.113", &fx.snap, &fx.env);
	act(PA_OPEN);
	draw(&pane_sessions_ops, 24, 100);
	assert_int_equal(fx.pane->detail, 1);
	assert_shows("NO: the connection is not encrypted");
	assert_shows("203.0.113.9 port 50102");
	assert_int_equal(role_of("NO: the connection"), CANVAS_CRITICAL);
	act(PA_CLOSE);
	draw(&pane_sessions_ops, 24, 100);
	assert_int_equal(fx.pane->detail, 0);
	assert_shows("Client");
}

static void
test_sessions_hostile_strings_are_visible_text(void **state)
{
	char *all;

	(void)state;
	draw(&pane_sessions_ops, 24, 200);
	assert_shows("evil\\x1b");
	assert_shows("raw\\x1b[3\xe2\x80\xa6");
	assert_shows("select 1 \\x1b[2J");
	all = screen();
	for (const char *p = all; *p != '\0'; p++)
		assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
	assert_null(strchr(all, '\033'));
	free(all);
	/* The detail view shows the whole query, still escaped. */
	pane_prompt_done(fx.pane, PANE_PROMPT_FILTER, "pwned", &fx.snap, &fx.env);
	act(PA_OPEN);
	draw(&pane_sessions_ops, 24, 200);
	assert_shows(FLEET_HOSTILE_ROLE_SHOWN);
	assert_shows(FLEET_HOSTILE_QUERY_SHOWN);
	assert_shows(FLEET_RAW_APP_SHOWN);
}

static void
test_sessions_at_80_columns(void **state)
{
	char *line;

	(void)state;
	draw(&pane_sessions_ops, 24, 80);
	/* The essential columns stay; the optional ones go. */
	line = text_canvas_line(fx.grid, 1);
	assert_non_null(strstr(line, "PID"));
	assert_non_null(strstr(line, "User"));
	assert_non_null(strstr(line, "Client"));
	assert_non_null(strstr(line, "TLS"));
	assert_non_null(strstr(line, "SU"));
	assert_non_null(strstr(line, "State"));
	assert_non_null(strstr(line, "Query"));
	assert_null(strstr(line, "App"));
	assert_null(strstr(line, "Wait"));
	free(line);
	/* Long values end in an ellipsis rather than running over. */
	assert_shows("evil\\x1b]\xe2\x80\xa6");
	assert_line_has("203.0.113.9", "NO");
}

static void
test_logins_groups_and_burst(void **state)
{
	(void)state;
	draw(&pane_logins_ops, 24, 120);
	assert_int_equal(rows_shown(), 2);
	assert_shows("by client address");
	assert_line_has(FLEET_BURST_ADDR, "BURST");
	assert_line_has(FLEET_BURST_ADDR, "postgres");
	assert_line_has(FLEET_BURST_ADDR, "wrong_password");
	assert_line_has(FLEET_BURST_ADDR, "log_export");
	/* The burst sorts first (5-minute count). */
	{
		char *l = text_canvas_line(fx.grid, 2);

		assert_non_null(strstr(l, FLEET_BURST_ADDR));
		assert_non_null(strstr(l, " 7 "));
		free(l);
	}
	/* 10.0.0.9: none in 5 minutes, 2 in the hour. */
	assert_line_has("10.0.0.9", " 0     2     2 ");
	assert_int_equal(role_of("10.0.0.9"), CANVAS_NORMAL);
	/* Off the selection, the burst row is critical. */
	act(PA_DOWN);
	draw(&pane_logins_ops, 24, 120);
	assert_int_equal(role_of("BURST"), CANVAS_CRITICAL);
	assert_int_equal(role_of(FLEET_BURST_ADDR), CANVAS_CRITICAL);
	act(PA_TOP);
	act(PA_GROUP);
	draw(&pane_logins_ops, 24, 120);
	assert_shows("by user");
	assert_line_has("postgres", FLEET_BURST_ADDR);
	act(PA_OPEN);
	draw(&pane_logins_ops, 24, 120);
	assert_shows("Failed logins for user postgres");
	assert_shows("wrong_password (log_export)");
}

static void
test_backup_flags(void **state)
{
	(void)state;
	draw(&pane_backup_ops, 24, 80);
	assert_line_has("staging-db", "OFF");
	assert_line_has("staging-db", "FORCED in 3d");
	assert_int_equal(role_of("OFF"), CANVAS_CRITICAL);
	assert_int_equal(role_of("FORCED"), CANVAS_CRITICAL);
	assert_line_has("staging-db", "in 20d");
	assert_int_equal(role_of("in 20d"), CANVAS_CRITICAL);
	assert_line_has("prod-db", "7d");
	assert_line_has("prod-db", "3m");
	assert_line_has("prod-db", "15.4 (+2)");
	act(PA_DOWN);
	act(PA_OPEN);
	draw(&pane_backup_ops, 24, 80);
	assert_shows("Pending maintenance");
	assert_shows("system-update");
	assert_shows("OFF: automated backups are disabled");
}

static void
test_posture_checks(void **state)
{
	char *first;

	(void)state;
	draw(&pane_posture_ops, 24, 100);
	first = text_canvas_line(fx.grid, 2);
	assert_non_null(strstr(first, "FAIL"));
	assert_non_null(strstr(first, "RDS.11"));
	assert_non_null(strstr(first, "BackupRetentionPeriod is 0"));
	free(first);
	assert_line_has("GuardDuty.9", "unknown");
	assert_int_equal(role_of("unknown"), CANVAS_STALE);
	assert_line_has("RDS.3", "pass");
	assert_int_equal(role_of("pass"), CANVAS_OK);
	act(PA_BOTTOM);
	draw(&pane_posture_ops, 24, 100);
	assert_int_equal(role_of("FAIL"), CANVAS_CRITICAL);
}

static void
test_events_and_findings(void **state)
{
	char *first;

	(void)state;
	draw(&pane_events_ops, 24, 100);
	first = text_canvas_line(fx.grid, 2);
	assert_non_null(strstr(first, "failover"));
	assert_non_null(strstr(first, "WARN"));
	free(first);
	assert_line_has("backup", "INFO");
	act(PA_OPEN);
	draw(&pane_events_ops, 24, 100);
	assert_shows("RDS-EVENT-0049");
	pane_free(fx.pane);
	fx.pane = NULL;

	draw(&pane_findings_ops, 24, 100);
	assert_line_has("HIGH 8.0", "CredentialAccess:RDS/");
	act(PA_OPEN);
	draw(&pane_findings_ops, 24, 100);
	assert_shows("SuccessfulBruteForce");
	assert_int_equal(role_of("CRIT 8.0 (high)"), CANVAS_CRITICAL);
	assert_shows("Nowhere");
	assert_shows("AS64500 Example Networks");
	assert_shows(FLEET_BURST_ADDR);
	assert_shows("RDS_LOGIN_ATTEMPT");
	assert_shows("postgres");
}

static void
test_metrics_summary_and_sparkline(void **state)
{
	char *line;
	const char *spark;

	(void)state;
	draw(&pane_metrics_ops, 24, 120);
	assert_shows("instance prod-db, last 3h");
	assert_line_has("CPUUtilization", "95.0%");
	assert_line_has("CPUUtilization", "10.0%");
	assert_line_has("FreeStorageSpace", "20.0G");
	/* The CPU trend rises from the lowest block to the highest. */
	line = line_of("CPUUtilization");
	spark = strstr(line, "\xe2\x96");
	assert_non_null(spark);
	/* 0-100 scale: 10% is the second level, 95% the top. */
	assert_memory_equal(spark, "\xe2\x96\x82", 3);
	assert_non_null(strstr(line, "\xe2\x96\x88"));
	free(line);
}

static void
test_health_rows(void **state)
{
	(void)state;
	draw(&pane_health_ops, 24, 120);
	assert_line_has("in use", "85 of 97 usable (88%");
	assert_line_has("in use", "WARN");
	assert_line_has("oldest database", "1.2G in app");
	assert_line_has("slot_a", "INACTIVE");
	assert_line_has("slot_a", "5.0G WAL retained");
	assert_line_has("logs", "FAIL");
	assert_line_has("logs", "ThrottlingException");
	assert_line_has("logs", "failing 6m");
	assert_int_equal(role_of("FAIL"), CANVAS_STALE);
	assert_line_has("upd ", "pg");
}

/* The age is since the last success; a source that never had one says
 * so instead of an age. */
static void
test_freshness_words(void **state)
{
	struct freshness f = { FRESH_FAILING, 6 * TIME_MIN };
	char buf[48];

	(void)state;
	assert_string_equal(freshness_describe(&f, buf, sizeof buf), "failing 6m");
	f.age_ms = -1;
	assert_string_equal(freshness_describe(&f, buf, sizeof buf), "failing, never ok");
	f.state = FRESH_STALE;
	assert_string_equal(freshness_describe(&f, buf, sizeof buf), "stale");
	f.state = FRESH_NONE;
	assert_string_equal(freshness_describe(&f, buf, sizeof buf), "no data");
}

/* Nothing is verified without a connection: the TLS row says so (and a
 * weak setting still warns). */
static void
test_health_tls_without_connection(void **state)
{
	struct batch *b = batch_new("pg", NOW);
	struct m_pg_health *h = batch_add(b, M_PG_HEALTH);
	char *line;

	(void)state;
	m_str_set(&h->instance, "down-db");
	h->connected = 0;
	m_str_set(&h->tls_mode, "verify-full");
	h->tls_verified = 1;
	h->observed_at = NOW;
	h = batch_add(b, M_PG_HEALTH);
	m_str_set(&h->instance, "weak-db");
	h->connected = 0;
	m_str_set(&h->tls_mode, "require");
	h->tls_verified = 0;
	h->observed_at = NOW;
	snapshot_apply(&fx.snap, b, NULL);
	batch_free(b);
	draw(&pane_health_ops, 30, 120);
	assert_line_has("sslmode verify-full, not connected", "down-db");
	assert_line_has("sslmode require, TLS NOT VERIFIED", "weak-db");
	assert_line_has("sslmode require, TLS NOT VERIFIED", "WARN");
	assert_line_has("sslmode verify-full, server verified", "prod-db");
	line = line_of("not connected");
	assert_null(strstr(line, " ok "));
	free(line);
}

static void
test_alerts_list_ack_and_snooze(void **state)
{
	const struct m_alert *a;
	char *first;

	(void)state;
	draw(&pane_alerts_ops, 24, 100);
	assert_int_equal(rows_shown(), 3);
	first = text_canvas_line(fx.grid, 2);
	assert_non_null(strstr(first, "CRIT"));
	assert_non_null(strstr(first, "active"));
	assert_non_null(strstr(first, "Plaintext session"));
	free(first);
	assert_line_has("Automated backups are off", "acked");
	assert_int_equal(role_of("Automated backups"), CANVAS_DIM);
	act(PA_BOTTOM);
	draw(&pane_alerts_ops, 24, 100);
	assert_int_equal(role_of("Plaintext session"), CANVAS_CRITICAL);
	act(PA_TOP);

	/* a: a prompt for the note, then a user batch acknowledging it. */
	act(PA_ACK);
	assert_int_equal(calls.prompts, 1);
	assert_non_null(strstr(calls.prompt_label, "Plaintext session"));
	pane_prompt_done(fx.pane, calls.prompt_id, "looking into it", &fx.snap, &fx.env);
	assert_non_null(calls.submitted);
	assert_string_equal(calls.submitted->source, "user");
	assert_int_equal(calls.submitted->kinds[M_ALERT].n, 1);
	a = m_vec_at(&calls.submitted->kinds[M_ALERT], 0);
	assert_string_equal(a->key, "no_tls/prod-db/102");
	assert_string_equal(a->state, "acknowledged");
	assert_string_equal(a->acked_by, "tester@host");
	assert_string_equal(a->ack_note, "looking into it");
	assert_int_equal(a->acked_at, NOW);
	assert_string_equal(a->title, "Plaintext session from a public address");
	assert_int_equal(calls.message_style, CANVAS_OK);

	/* Applied, it shows as acknowledged. */
	snapshot_apply(&fx.snap, calls.submitted, NULL);
	draw(&pane_alerts_ops, 24, 100);
	assert_line_has("Plaintext session", "acked");

	/* s: snooze for a duration; a bad one is refused. */
	batch_free(calls.submitted);
	calls.submitted = NULL;
	act(PA_SNOOZE);
	assert_string_equal(calls.prompt_initial, "1h");
	pane_prompt_done(fx.pane, calls.prompt_id, "soon", &fx.snap, &fx.env);
	assert_null(calls.submitted);
	assert_int_equal(calls.message_style, CANVAS_CRITICAL);
	pane_prompt_done(fx.pane, calls.prompt_id, "30m", &fx.snap, &fx.env);
	assert_non_null(calls.submitted);
	a = m_vec_at(&calls.submitted->kinds[M_ALERT], 0);
	assert_string_equal(a->state, "snoozed");
	assert_int_equal(a->snoozed_until, NOW + 30 * TIME_MIN);

	/* The detail view. */
	act(PA_OPEN);
	draw(&pane_alerts_ops, 24, 100);
	assert_shows("Acknowledged");
	assert_shows("tester@host");
}

static void
test_overview_rows(void **state)
{
	(void)state;
	draw(&pane_overview_ops, 24, 80);
	assert_line_has("prod-db", "CRIT 1");
	assert_line_has("prod-db", "available");
	/* 2 plaintext, 1 superuser (the provider's own not counted), 9 failed. */
	assert_line_has("prod-db", "      2   1      9");
	assert_line_has("staging-db", "OFF");
	assert_line_has("staging-db", "FORCED");
	assert_line_has("staging-db", "1 FAIL");
	assert_line_has("staging-db", "acked");
	assert_hides("CPU");
	draw(&pane_overview_ops, 24, 200);
	assert_shows("CPU");
	assert_line_has("prod-db", "95.0%");
	assert_line_has("prod-db", "20%");
	act(PA_OPEN);
	draw(&pane_overview_ops, 24, 200);
	assert_shows("DB instance");
	assert_shows("engine_version");
	assert_shows("15.4");
}

/* The counts kept between frames follow the records, and the clock's
 * part moves with the clock. */
static void
test_overview_follows_changes(void **state)
{
	struct batch *b = batch_new("test", NOW);
	struct m_session *x = batch_add(b, M_SESSION);
	uint64_t v;

	(void)state;
	draw(&pane_overview_ops, 24, 80);
	assert_line_has("prod-db", "      2   1      9");
	m_str_set(&x->instance, "prod-db");
	x->pid = 4242;
	x->ssl = 0;
	x->superuser = 0;
	v = fx.snap.version[M_SESSION];
	snapshot_apply(&fx.snap, b, NULL);
	batch_free(b);
	assert_true(fx.snap.version[M_SESSION] != v);
	draw(&pane_overview_ops, 24, 80);
	assert_line_has("prod-db", "      3   1      9");
	/* The oldest failed login (31 minutes old) leaves the hour to the
	 * millisecond, with no record changed; a clock set back counts again. */
	fx.env.now += 29 * TIME_MIN;
	draw(&pane_overview_ops, 24, 80);
	assert_line_has("prod-db", "      3   1      9");
	fx.env.now += 1;
	draw(&pane_overview_ops, 24, 80);
	assert_line_has("prod-db", "      3   1      8");
	fx.env.now -= 29 * TIME_MIN + 1;
	draw(&pane_overview_ops, 24, 80);
	assert_line_has("prod-db", "      3   1      9");
	fx.env.now += 2 * TIME_HOUR;
	draw(&pane_overview_ops, 24, 80);
	assert_line_has("prod-db", "      3   1      0");
	fx.env.now -= 2 * TIME_HOUR;
}

/* Many instances: each row counts only its own sessions and samples (the
 * rows are gathered in one pass by instance id). */
static void
test_overview_many_instances(void **state)
{
	struct batch *b = batch_new("test", NOW);
	char id[16];

	(void)state;
	for (int k = 0; k < 40; k++) {
		struct m_instance *i = batch_add(b, M_INSTANCE);
		struct m_metric *m = batch_add(b, M_METRIC);

		snprintf(id, sizeof id, "db-%02d", k);
		m_str_set(&i->id, id);
		m_str_set(&i->status, "available");
		for (int j = 0; j < k % 5; j++) {
			struct m_session *x = batch_add(b, M_SESSION);

			m_str_set(&x->instance, id);
			x->pid = 1000 * k + j;
			x->ssl = 0;
		}
		m_str_set(&m->instance, id);
		m_str_set(&m->name, "CPUUtilization");
		m_str_set(&m->unit, "Percent");
		m->time = NOW - TIME_MIN;
		m->value = k;
	}
	snapshot_free(&fx.snap);
	snapshot_init(&fx.snap, NOW, 1);
	snapshot_apply(&fx.snap, b, NULL);
	batch_free(b);
	draw(&pane_overview_ops, 50, 200);
	assert_line_has("db-00", "    0   0      0");
	assert_line_has("db-07", "    2   0      0");
	assert_line_has("db-07", " 7.0%");
	assert_line_has("db-39", "    4   0      0");
	assert_line_has("db-39", " 39.0%");
}

static void
test_chosen_instance_filters_panes(void **state)
{
	(void)state;
	fx.env.instance = "staging-db";
	draw(&pane_sessions_ops, 24, 100);
	assert_int_equal(rows_shown(), 0);
	assert_shows("instance staging-db");
	assert_shows("(no client sessions");
	pane_free(fx.pane);
	fx.pane = NULL;
	draw(&pane_alerts_ops, 24, 100);
	assert_int_equal(rows_shown(), 1);
	assert_shows("Automated backups are off");
}

static void
test_every_pane_draws_at_80x24_and_in_ascii(void **state)
{
	(void)state;
	for (size_t i = 0; pane_table[i] != NULL; i++) {
		struct text_canvas *g = text_canvas_new(21, 80, 1);
		struct canvas_area a = canvas_whole(text_canvas_base(g));
		struct pane *p = pane_new(pane_table[i]);
		char *all;

		fx.env.canvas = text_canvas_base(g);
		pane_draw(p, &fx.snap, &a, &fx.env);
		all = text_canvas_text(g);
		assert_non_null(strstr(all, pane_table[i]->title));
		for (const unsigned char *c = (const unsigned char *)all; *c != '\0'; c++)
			assert_true(*c == '\n' || (*c >= 0x20 && *c < 0x7f));
		/* Detail views too. */
		pane_handle(p, PA_OPEN, &fx.snap, &fx.env);
		pane_draw(p, &fx.snap, &a, &fx.env);
		free(all);
		all = text_canvas_text(g);
		for (const unsigned char *c = (const unsigned char *)all; *c != '\0'; c++)
			assert_true(*c == '\n' || (*c >= 0x20 && *c < 0x7f));
		free(all);
		pane_free(p);
		text_canvas_free(g);
	}
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_sessions_columns_and_highlights),
		T(test_sessions_tls_and_su_roles),
		T(test_sessions_quick_filters),
		T(test_sessions_sort_and_reverse),
		T(test_sessions_regex_filter),
		T(test_sessions_detail),
		T(test_sessions_hostile_strings_are_visible_text),
		T(test_sessions_at_80_columns),
		T(test_logins_groups_and_burst),
		T(test_backup_flags),
		T(test_posture_checks),
		T(test_events_and_findings),
		T(test_metrics_summary_and_sparkline),
		T(test_health_rows),
		T(test_freshness_words),
		T(test_health_tls_without_connection),
		T(test_alerts_list_ack_and_snooze),
		T(test_overview_rows),
		T(test_overview_follows_changes),
		T(test_overview_many_instances),
		T(test_chosen_instance_filters_panes),
		T(test_every_pane_draws_at_80x24_and_in_ascii),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
