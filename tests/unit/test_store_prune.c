/* Downsampling and retention, on a simulated clock: raw metric samples
 * past the raw window become 5-minute aggregates (and are never counted
 * twice), per-poll numbers and the poll log are thinned, and history past
 * the retention goes, except what says how things stood at its edge. */
#include <config.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "core/timeutil.h"
#include "store/history.h"
#include "store/store.h"
#include "store_tmp.h"

#define path_of(name) store_tmp_path(name)
#define count(name, sql) store_tmp_query(name, sql)

static int64_t fake_now;

/* Whole days, so 5-minute buckets and hours line up with the test's math. */
#define DAY0 (1795305600000LL)	/* 2026-11-22T00:00:00Z */

static int64_t
fake_clock(void)
{
	return fake_now;
}

static struct store *
open_fake(const char *name, int64_t retention, int64_t raw)
{
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;

	store_options_init(&o);
	o.path = path_of(name);
	o.clock = fake_clock;
	o.retention_ms = retention;
	o.raw_ms = raw;
	assert_int_equal(store_open(&st, &o, &err), 0);
	return st;
}

/* One minute's samples of two series: CPU = minute of the hour, and a
 * constant. */
static struct batch *
minute(int64_t t)
{
	struct batch *b = batch_new("cloudwatch", t + 30 * TIME_SEC);
	struct m_metric *m = batch_add(b, M_METRIC);

	m_str_set(&m->instance, "db-a");
	m_str_set(&m->name, "CPUUtilization");
	m_str_set(&m->unit, "Percent");
	m->period_s = 60;
	m->time = t;
	m->value = (double)(t / TIME_MIN % 60);
	m = batch_add(b, M_METRIC);
	m_str_set(&m->instance, "db-a");
	m_str_set(&m->name, "DatabaseConnections");
	m->time = t;
	m->value = 7;
	return b;
}

static int
count_aggregates(void *ctx, const struct store_item *it)
{
	int *n = ctx;

	if (it->what == STORE_ITEM_AGGREGATE)
		(*n)++;
	return 0;
}

static void
test_prune_downsamples_metrics(void **state)
{
	struct store *st;
	struct rw_error err = RW_ERROR_INIT;
	struct snapshot s;
	struct snapshot_windows w = snapshot_windows_default;
	struct store_query q = { DAY0, DAY0 + TIME_HOUR - 1, NULL, 0 };
	int n = 0;

	(void)state;
	fake_now = DAY0;
	st = open_fake("metrics.db", 30 * TIME_DAY, 48 * TIME_HOUR);
	for (int64_t t = DAY0; t < DAY0 + 3 * TIME_DAY; t += TIME_MIN)
		store_submit(st, minute(t));
	fake_now = DAY0 + 3 * TIME_DAY;
	assert_int_equal(store_prune_now(st, fake_now, &err), 0);

	/* Raw: only the last 48 hours. */
	assert_int_equal(count("metrics.db", "SELECT count(*) FROM metric_samples"), 2 * 48 * 60);
	assert_int_equal(count("metrics.db", "SELECT min(time) FROM metric_samples"),
	    DAY0 + TIME_DAY);
	/* The first day: one chunk per series and hour. */
	assert_int_equal(count("metrics.db", "SELECT count(*) FROM metric_5m"), 2 * 24);

	/* A re-poll of an old, already folded sample is not counted again. */
	store_submit(st, minute(DAY0 + 5 * TIME_MIN));
	assert_int_equal(store_prune_now(st, fake_now, &err), 0);
	assert_int_equal(count("metrics.db", "SELECT count(*) FROM metric_samples"), 2 * 48 * 60);

	/* The first hour from history: twelve 5-minute points per series,
	 * each the average of its five samples. */
	w.metrics_ms = TIME_HOUR;
	assert_int_equal(store_snapshot_at(st, DAY0 + TIME_HOUR - 1, &w, &s, &err), 0);
	assert_int_equal(s.kinds[M_METRIC].n, 2 * 12);
	M_VEC_EACH(&s.kinds[M_METRIC], struct m_metric, m) {
		int64_t first = (m->time - DAY0) / TIME_MIN;

		assert_int_equal(m->period_s, 300);
		if (strcmp(m->name, "CPUUtilization") == 0) {
			assert_true(fabs(m->value - (double)(first + 2)) < 1e-4);
			assert_string_equal(m->unit, "Percent");
		} else {
			assert_true(fabs(m->value - 7) < 1e-9);
		}
	}
	snapshot_free(&s);
	assert_int_equal(store_history_aggregates(st, &q, count_aggregates, &n, &err), 0);
	assert_int_equal(n, 2 * 12);
	store_close(st);
}

static struct batch *
pg_poll(int64_t t, int with_session, int connections)
{
	struct batch *b = batch_new("pg", t);
	struct m_pg_health *h;

	batch_cover(b, "db-a");
	batch_mark_complete(b, M_SESSION);
	batch_mark_complete(b, M_PG_HEALTH);
	if (with_session) {
		struct m_session *s = batch_add(b, M_SESSION);

		m_str_set(&s->instance, "db-a");
		s->pid = 7;
		s->backend_start = DAY0;
		m_str_set(&s->state, "idle");
	}
	h = batch_add(b, M_PG_HEALTH);
	m_str_set(&h->instance, "db-a");
	h->connected = 1;
	h->connections = connections;
	h->observed_at = t;
	return b;
}

/* Retention 3 days, raw 12 hours (the defaults are 30 days and 48 hours;
 * the rules are the same, the test is shorter). */
static void
test_prune_thins_and_retains(void **state)
{
	struct store *st;
	struct rw_error err = RW_ERROR_INIT;
	struct snapshot s;
	struct batch *b;
	struct m_event *e;
	int64_t end = DAY0 + 4 * TIME_DAY, n;

	(void)state;
	fake_now = DAY0;
	st = open_fake("retain.db", 3 * TIME_DAY, 12 * TIME_HOUR);
	/* An event on the first day, one on the last. */
	for (int i = 0; i < 2; i++) {
		b = batch_new("rds", i == 0 ? DAY0 : end - TIME_HOUR);
		e = batch_add(b, M_EVENT);
		m_str_set(&e->source_id, "db-a");
		e->time = b->polled_at;
		m_str_set(&e->message, i == 0 ? "old" : "new");
		store_submit(st, b);
	}
	/* The pg source every 30 s: connections change every poll; a
	 * session lives for the first 12 hours. */
	for (int64_t t = DAY0; t < end; t += 30 * TIME_SEC)
		store_submit(st, pg_poll(t, t < DAY0 + 12 * TIME_HOUR, 5 + (int)(t / 30000 % 3)));
	store_flush(st);
	assert_int_equal(count("retain.db", "SELECT count(*) FROM pg_health_s"), 4 * 2880);

	fake_now = end;
	assert_int_equal(store_prune_now(st, fake_now, &err), 0);
	/* Events: the old one is past retention. */
	assert_int_equal(count("retain.db", "SELECT count(*) FROM events"), 1);
	/* The session ended 3.5 days ago: gone, with its versions. */
	assert_int_equal(count("retain.db", "SELECT count(*) FROM sessions"), 0);
	assert_int_equal(count("retain.db", "SELECT count(*) FROM sessions_v"), 0);
	/* pg_health samples: every poll of the last 12 hours, then the last
	 * of each 5 minutes back to the retention's edge (2.5 days), plus
	 * the one that says what held at the edge. */
	assert_int_equal(count("retain.db", "SELECT count(*) FROM pg_health_s WHERE _t >= "
	    "(SELECT max(_t) FROM pg_health_s) - 12 * 3600000 + 30000"), 12 * 120);
	n = count("retain.db", "SELECT count(*) FROM pg_health_s");
	assert_true(n >= 12 * 120 + 720 && n <= 12 * 120 + 722);
	/* The poll log likewise. */
	n = count("retain.db", "SELECT count(*) FROM scope_polls");
	assert_true(n >= 12 * 120 + 720 && n <= 12 * 120 + 722);
	/* The open interval keeps its state at the cutoff. */
	assert_int_equal(count("retain.db", "SELECT count(*) FROM pg_health"), 1);
	assert_int_equal(count("retain.db", "SELECT count(*) FROM pg_health_s WHERE _t < "
	    "(SELECT max(_t) FROM pg_health_s) + 30000 - 3 * 86400000"), 1);

	/* A snapshot 2 days back: pg_health as of those 5 minutes. */
	assert_int_equal(store_snapshot_at(st, end - 2 * TIME_DAY + 299 * TIME_SEC, NULL, &s, &err), 0);
	assert_int_equal(s.kinds[M_PG_HEALTH].n, 1);
	{
		struct m_pg_health *h = s.kinds[M_PG_HEALTH].items;

		assert_true(h->connections >= 5 && h->connections <= 7);
		assert_int_equal(h->observed_at, end - 2 * TIME_DAY + 270 * TIME_SEC);
	}
	snapshot_free(&s);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prune_downsamples_metrics),
		cmocka_unit_test(test_prune_thins_and_retains),
	};

	return cmocka_run_group_tests(tests, store_tmp_setup, store_tmp_teardown);
}
