/* The dashboard without a terminal: a live feed (no sources; batches
 * applied as a source's sink would) and keys, drawn on the text grid. */
#include <config.h>

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "fleet.h"
#include "panes/pane.h"
#include "ui/dash.h"
#include "ui/feed_live.h"
#include "ui/keys.h"
#include "view/textcanvas.h"

static struct feed *feed;
static struct dash *dash;
static struct text_canvas *grid;
static int64_t now;

static int
setup(void **state)
{
	struct dash_config cfg = {
		.refresh_ms = 5 * TIME_SEC,
		.attention_ms = 5 * TIME_SEC,
		.bell = 1,
		.user = "tester@host",
	};
	char *why = NULL;

	(void)state;
	now = time_now_ms();
	feed = feed_live_new(&why);
	assert_non_null(feed);
	feed_live_apply(feed, fleet_batch(now));
	dash = dash_new(feed, &cfg);
	dash_refresh(dash, now);
	grid = NULL;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dash_free(dash);
	feed_free(feed);
	text_canvas_free(grid);
	return 0;
}

static char *
draw(int rows, int cols)
{
	text_canvas_free(grid);
	grid = text_canvas_new(rows, cols, 0);
	dash_draw(dash, text_canvas_base(grid), now);
	return text_canvas_text(grid);
}

static void
keys(const char *s)
{
	for (; *s != '\0'; s++)
		assert_int_equal(dash_key(dash, (unsigned char)*s, now), 0);
}

static void
key(int k)
{
	assert_int_equal(dash_key(dash, k, now), 0);
}

static void
expect(int rows, int cols, const char *needle)
{
	char *s = draw(rows, cols);

	if (strstr(s, needle) == NULL)
		fail_msg("'%s' is not on the screen:\n%s", needle, s);
	free(s);
}

static void
expect_not(int rows, int cols, const char *needle)
{
	char *s = draw(rows, cols);

	if (strstr(s, needle) != NULL)
		fail_msg("'%s' should not be on the screen:\n%s", needle, s);
	free(s);
}

static int
style_at(const char *needle)
{
	int row, col;

	assert_true(text_canvas_find(grid, needle, &row, &col));
	return text_canvas_style(grid, row, col);
}

static void
test_dash_layout_80x24(void **state)
{
	char *line;

	(void)state;
	expect(24, 80, "1 Over 2 Alrt 3 Sess");
	/* The status line: account, mode, sources, interval, UTC time. */
	line = text_canvas_line(grid, 23);
	assert_non_null(strstr(line, "demo/eu-west-1"));
	assert_non_null(strstr(line, "LIVE"));
	assert_non_null(strstr(line, "updating"));
	assert_non_null(strstr(line, "logs failing 6m"));
	assert_non_null(strstr(line, "UTC"));
	free(line);
	assert_int_equal(CANVAS_ROLE(style_at("logs failing")), CANVAS_STALE);
	/* Wide: the full tab names and the interval. */
	expect(60, 200, "1 Overview 2 Alerts 3 Sessions 4 Logins");
	expect(60, 200, "every 5s");
	expect(60, 200, "CRIT 1  WARN 1");
	assert_int_equal(CANVAS_ROLE(style_at("CRIT 1  WARN 1")), CANVAS_CRITICAL);
}

static void
test_dash_too_small(void **state)
{
	(void)state;
	expect(24, 79, "terminal too small: 79x24");
	expect(23, 80, "rdswatch needs at least 80x24");
	expect_not(23, 80, "Overview");
	/* Keys do nothing unseen; q still quits. */
	keys("3?");
	expect(24, 80, "Overview  2 of 2");
	assert_int_equal(dash_key(dash, 'q', now), 1);
}

static void
test_dash_switches_panes(void **state)
{
	(void)state;
	keys("3");
	assert_int_equal(dash_current_pane(dash), 2);
	expect(24, 80, "Sessions  [all]");
	key(UIK_TAB);
	assert_int_equal(dash_current_pane(dash), 3);
	key(UIK_BTAB);
	key(UIK_BTAB);
	assert_int_equal(dash_current_pane(dash), 1);
	keys("0");
	assert_int_equal(dash_current_pane(dash), 9);
	expect(24, 80, "Health");
	keys("n");
	assert_int_equal(dash_current_pane(dash), 0);
	keys("p");
	assert_int_equal(dash_current_pane(dash), 9);
	/* Every pane by its number. */
	for (int i = 0; pane_table[i] != NULL; i++) {
		char k[2] = { (char)('0' + (i + 1) % 10), '\0' };

		keys(k);
		assert_int_equal(dash_current_pane(dash), (size_t)i);
		expect(24, 80, pane_table[i]->title);
	}
}

static void
test_dash_help_and_unknown_keys(void **state)
{
	(void)state;
	keys("?");
	expect(24, 80, "rdswatch help: keys that work everywhere");
	expect(24, 80, "quit rdswatch");
	key(UIK_ESC);
	expect_not(24, 80, "rdswatch help");
	/* The pane's own keys are in its help. */
	keys("2?");
	expect_not(24, 80, "Keys in Alerts");	/* below the first page */
	keys("G");
	expect(24, 80, "Keys in Alerts");
	expect(24, 80, "acknowledge the selected alert");
	keys("h");
	keys("Z");
	expect(24, 80, "Z does nothing here; ? shows the keys");
	key(UIK_F(12));
	expect(24, 80, "F12 does nothing here");
}

static void
test_dash_attention_and_bell(void **state)
{
	struct batch *b;
	struct m_alert *a;

	(void)state;
	/* The fleet's critical alert is new at start: reverse video, bell. */
	expect(24, 80, "CRIT 1 active critical alert: Plaintext session from a public address");
	assert_true(style_at("CRIT 1 active") & CANVAS_REVERSE);
	assert_int_equal(CANVAS_ROLE(style_at("CRIT 1 active")), CANVAS_CRITICAL);
	assert_int_equal(dash_take_bell(dash), 1);
	assert_int_equal(dash_take_bell(dash), 0);
	assert_true(dash_next_deadline(dash) > now);
	/* Some seconds later: still shown, no longer reversed. */
	now += 6 * TIME_SEC;
	dash_refresh(dash, now);
	expect(24, 80, "CRIT 1 active critical alert");
	assert_false(style_at("CRIT 1 active") & CANVAS_REVERSE);
	assert_int_equal(dash_take_bell(dash), 0);
	/* Another one opens. */
	b = batch_new("rules", now);
	a = batch_add(b, M_ALERT);
	m_str_set(&a->key, "cpu/prod-db");
	m_str_set(&a->instance, "prod-db");
	m_str_set(&a->severity, "critical");
	m_str_set(&a->title, "CPU over 90% for 5 minutes");
	m_str_set(&a->state, "active");
	a->opened_at = now;
	feed_live_apply(feed, b);
	dash_refresh(dash, now);
	expect(24, 80, "CRIT 2 active critical alerts: CPU over 90%");
	assert_true(style_at("CRIT 2 active") & CANVAS_REVERSE);
	assert_int_equal(dash_take_bell(dash), 1);
}

static void
test_dash_acknowledge_through_the_feed(void **state)
{
	struct snapshot s;
	const struct m_alert *acked = NULL;

	(void)state;
	keys("2");
	keys("a");
	expect(24, 80, "Acknowledge \"Plaintext session from a public address\"");
	/* Typing, with a multibyte character and Backspace. */
	keys("on it ");
	key(0xe9);
	key(0x7f);
	keys("!");
	expect(24, 80, "on it !");
	key(UIK_ENTER);
	/* The frame with the message shows the alert acknowledged already,
	 * not a refresh later. */
	expect(24, 80, "acknowledged: Plaintext session");
	expect(24, 80, "CRIT acked   prod-db          Plaintext session");
	feed_snapshot(feed, &s, now);
	M_VEC_EACH(&s.kinds[M_ALERT], const struct m_alert, a) {
		if (strcmp(a->key, "no_tls/prod-db/102") == 0)
			acked = a;
	}
	assert_non_null(acked);
	assert_string_equal(acked->state, "acknowledged");
	assert_string_equal(acked->acked_by, "tester@host");
	assert_string_equal(acked->ack_note, "on it !");
	snapshot_free(&s);
	/* And after the wake-up: no active critical alert is left. */
	dash_refresh(dash, now);
	expect_not(24, 80, "active critical alert");
	expect(24, 80, "CRIT acked   prod-db          Plaintext session");
	/* Esc cancels a prompt: nothing changes. */
	keys("s");
	expect(24, 80, "Snooze");
	key(UIK_ESC);
	expect(24, 80, "cancelled");
}

static void
test_dash_instance_picker(void **state)
{
	(void)state;
	keys("3i");
	expect(24, 80, "Choose an instance");
	expect(24, 80, "all instances");
	expect(24, 80, "staging-db");
	keys("j");
	key(UIK_ENTER);
	expect(24, 80, "instance prod-db");
	keys("i");
	keys("jj");
	key(UIK_ENTER);
	expect(24, 80, "instance staging-db");
	expect(24, 80, "(no client sessions");
	keys("ig");
	key(UIK_ENTER);
	expect_not(24, 80, "instance staging-db");
}

static void
test_dash_refresh_controls(void **state)
{
	(void)state;
	keys("+");
	expect(24, 80, "refresh every 10s");
	expect(24, 80, "every 10s");
	keys("----");
	expect(24, 80, "refresh every 1s (the limit)");
	keys(" ");
	assert_true(feed_paused(feed));
	expect(24, 80, "PAUSED");
	expect(24, 80, "polling paused");
	keys(" ");
	assert_false(feed_paused(feed));
	expect(24, 80, "LIVE");
	keys("R");
	expect(24, 80, "polling every source now");
	key(UIK_CTRL_L);
	assert_int_equal(dash_take_redraw(dash), 1);
	assert_int_equal(dash_take_redraw(dash), 0);
}

static void
test_dash_mouse(void **state)
{
	int row, col;

	(void)state;
	free(draw(24, 80));
	/* A click on a tab, then on a row; the wheel scrolls. */
	assert_true(text_canvas_find(grid, "3 Sess", &row, &col));
	dash_mouse(dash, row, col + 2, 0, now);
	assert_int_equal(dash_current_pane(dash), 2);
	expect(24, 80, "Sessions");
	assert_true(text_canvas_find(grid, "203.0.113.9", &row, &col));
	dash_mouse(dash, row, col, 0, now);
	free(draw(24, 80));
	assert_int_equal(CANVAS_ROLE(style_at("203.0.113.9")), CANVAS_SELECTED);
	dash_mouse(dash, 10, 10, 1, now);
	free(draw(24, 80));
	assert_int_equal(CANVAS_ROLE(style_at("203.0.113.9")), CANVAS_NORMAL);
	dash_mouse(dash, 10, 10, -1, now);
	dash_mouse(dash, 10, 10, -1, now);
	free(draw(24, 80));
	assert_int_equal(CANVAS_ROLE(style_at("10.0.0.4")), CANVAS_SELECTED);
}

static void
test_dash_local_time(void **state)
{
	char *line;

	(void)state;
	/* A POSIX TZ needs no time zone database. */
	setenv("TZ", "CET-1", 1);
	tzset();
	free(draw(24, 80));
	line = text_canvas_line(grid, 23);
	assert_non_null(strstr(line, "UTC"));
	assert_non_null(strstr(line, "CET"));
	free(line);
	setenv("TZ", "UTC0", 1);
	tzset();
	free(draw(24, 80));
	line = text_canvas_line(grid, 23);
	assert_null(strstr(line, "CET"));
	free(line);
}

static void
test_dash_stale_data_looks_stale(void **state)
{
	(void)state;
	/* A minute later nothing was polled: the rds source is late. */
	now += 90 * TIME_SEC;
	dash_refresh(dash, now);
	expect(24, 80, "rds stale 1m");
	assert_int_equal(CANVAS_ROLE(style_at("rds stale")), CANVAS_STALE);
	/* The Overview's title says how old its data is. */
	keys("1");
	expect(24, 80, "rds stale 1m");
}

static struct batch *
source_health_batch(const char *source, const char *instance, int64_t at, int ok,
    int64_t failures)
{
	struct batch *b = batch_new(source, at);
	struct m_source_health *h = batch_add(b, M_SOURCE_HEALTH);

	m_str_set(&h->source, source);
	m_str_set(&h->instance, instance);
	h->ok = ok;
	h->last_attempt = at;
	h->last_success = ok ? at : 0;
	h->latency_ms = 10 + (at % 7);
	h->consecutive_failures = failures;
	return b;
}

static struct batch *
health_batch(int64_t at, int ok, int64_t failures)
{
	return source_health_batch("pg", "prod-db", at, ok, failures);
}

/* Failing sources on the status line: the fleet-wide ones first (each
 * blinds every instance), whatever order they failed in. */
static void
test_dash_status_fleet_sources_first(void **state)
{
	char *screen, *fleet, *pg;

	(void)state;
	for (int i = 0; i < 4; i++) {
		char id[16];

		snprintf(id, sizeof id, "db-%d", i);
		feed_live_apply(feed, source_health_batch("pg", id, now + 100, 0, 3));
	}
	feed_live_apply(feed, source_health_batch("guardduty", "", now + 200, 0, 3));
	dash_refresh(dash, now + 300);
	screen = draw(24, 120);
	fleet = strstr(screen, "guardduty failing");
	pg = strstr(screen, "pg:db-0 failing");
	assert_non_null(fleet);
	assert_true(pg == NULL || fleet < pg);
	free(screen);
}

/* A wake-up draws when what is shown changed: not when a source only
 * polled again as before (its ages move with the clock's tick). */
static void
test_dash_refresh_says_what_changed(void **state)
{
	(void)state;
	assert_false(dash_refresh(dash, now + 100));
	feed_live_apply(feed, health_batch(now + 200, 1, 0));
	assert_true(dash_refresh(dash, now + 300));
	feed_live_apply(feed, health_batch(now + 2200, 1, 0));
	assert_false(dash_refresh(dash, now + 2300));
	feed_live_apply(feed, health_batch(now + 4200, 0, 1));
	assert_true(dash_refresh(dash, now + 4300));
}

/* Sessions' "last seen" is followed by the dashboard's copy only while
 * the Sessions pane shows, and is up to date the moment it is chosen. */
static void
test_dash_sessions_last_seen(void **state)
{
	struct batch *b = fleet_batch(now);
	int64_t later = now + 90 * TIME_SEC;

	(void)state;
	b->polled_at = later;		/* the same sessions, a poll later */
	feed_live_apply(feed, b);
	assert_false(dash_refresh(dash, later));
	now = later;
	keys("3");
	key('\r');
	expect(40, 120, "last 0s ago");
	expect_not(40, 120, "last 1m");
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_dash_layout_80x24),
		T(test_dash_too_small),
		T(test_dash_switches_panes),
		T(test_dash_help_and_unknown_keys),
		T(test_dash_attention_and_bell),
		T(test_dash_acknowledge_through_the_feed),
		T(test_dash_instance_picker),
		T(test_dash_refresh_controls),
		T(test_dash_mouse),
		T(test_dash_local_time),
		T(test_dash_stale_data_looks_stale),
		T(test_dash_refresh_says_what_changed),
		T(test_dash_status_fleet_sources_first),
		T(test_dash_sessions_last_seen),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
