/* The scheduler: concurrent polls, deadlines, abandoned polls, health. */
#include <config.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "sources/scheduler.h"
#include "view/snapshot.h"

struct sink {
	pthread_mutex_t lock;
	struct snapshot snap;
	int batches;
	int late_records;
	int marks_slow, marks_quick;	/* "updating" marks per source */
	int slow_after_result;		/* a mark of "slow" after its result */
	int slow_results;
};

static void
sink_apply(void *ctx, struct batch *b)
{
	struct sink *s = ctx;

	pthread_mutex_lock(&s->lock);
	s->batches++;
	M_VEC_EACH(&b->kinds[M_EVENT], struct m_event, e)
		s->late_records += strcmp(e->message, "late") == 0;
	M_VEC_EACH(&b->kinds[M_SOURCE_HEALTH], struct m_source_health, h) {
		int slow = strcmp(h->instance, "slow") == 0;

		if (h->updating) {
			*(slow ? &s->marks_slow : &s->marks_quick) += 1;
			s->slow_after_result += slow && s->slow_results > s->marks_slow - 1;
		} else if (slow && b->kinds[M_EVENT].n > 0) {
			s->slow_results++;
		}
	}
	snapshot_apply(&s->snap, b, NULL);
	pthread_mutex_unlock(&s->lock);
	batch_free(b);
}

struct fake {
	int sleep_ms;		/* how long a poll takes */
	int fail;
	int polls;
};

static int
fake_poll(struct source *src, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct fake *f = src->priv;
	struct m_event *e = batch_add(b, M_EVENT);

	(void)deadline;
	__atomic_add_fetch(&f->polls, 1, __ATOMIC_SEQ_CST);
	usleep((useconds_t)f->sleep_ms * 1000);
	src->calls++;
	m_str_set(&e->source_id, src->name);
	e->time = b->polled_at;
	m_str_set(&e->message, f->sleep_ms > 1000 ? "late" : "on time");
	if (f->fail) {
		err_set(err, ERR_DENIED, "rds", "DescribeDBInstances", "not authorized");
		err_set_code(err, "AccessDenied");
		return -1;
	}
	return 0;
}

static const struct source_ops fake_ops = { "fake", fake_poll, NULL, NULL };

static struct source *
fake_source(const char *name, struct fake *f, int64_t interval, int64_t timeout)
{
	struct source *s = source_new(&fake_ops, name, name, interval, timeout);

	s->priv = f;
	return s;
}

static void
sink_init(struct sink *s)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	snapshot_init(&s->snap, time_now_ms(), 1);
	s->snap.windows.events_ms = 0;
}

static void
test_sched_run_once_respects_deadline(void **state)
{
	struct fake fast = { 10, 0, 0 }, denied = { 10, 1, 0 }, slow = { 3000, 0, 0 };
	struct sink sink;
	struct scheduler *sc;
	int64_t t0, elapsed;
	const struct m_source_health *h;

	(void)state;
	sink_init(&sink);
	sc = sched_new(sink_apply, &sink);
	sched_add(sc, fake_source("fast", &fast, 1000, 1000));
	sched_add(sc, fake_source("denied", &denied, 1000, 1000));
	sched_add(sc, fake_source("slow", &slow, 1000, 1000));
	t0 = time_mono_ms();
	/* Before the watchdog would give up on the slow poll (its timeout
	 * and grace, 1.5 s): the run's own deadline is what stops it. */
	assert_int_equal(sched_run_once(sc, t0 + 1200), 1);
	elapsed = time_mono_ms() - t0;
	assert_true(elapsed < 1900);

	pthread_mutex_lock(&sink.lock);
	h = snapshot_source_health(&sink.snap, "fake", "fast");
	assert_non_null(h);
	assert_int_equal(h->ok, 1);
	assert_int_equal(h->updating, 0);
	assert_int_equal(h->calls, 1);
	h = snapshot_source_health(&sink.snap, "fake", "denied");
	assert_int_equal(h->ok, 0);
	assert_string_equal(h->error_code, "AccessDenied");
	assert_string_equal(h->missing_action, "rds:DescribeDBInstances");
	h = snapshot_source_health(&sink.snap, "fake", "slow");
	assert_int_equal(h->ok, 0);
	assert_string_equal(h->error_kind, "timeout");
	assert_int_equal(h->consecutive_failures, 1);
	pthread_mutex_unlock(&sink.lock);

	/* The slow poll finishes later: its records are discarded. */
	sched_free(sc, 2500);
	assert_int_equal(sink.late_records, 0);
	snapshot_free(&sink.snap);
}

static void
test_sched_live_polls_and_controls(void **state)
{
	struct fake a = { 1, 0, 0 }, hung = { 2000, 0, 0 };
	struct sink sink;
	struct scheduler *sc;
	int before;

	(void)state;
	sink_init(&sink);
	sc = sched_new(sink_apply, &sink);
	sched_add(sc, fake_source("a", &a, 100, 1000));
	sched_add(sc, fake_source("hung", &hung, 60000, 300));
	sched_start(sc);
	usleep(1500 * 1000);
	/* ~100 ms interval with jitter over 1.5 s: many polls, not a burst. */
	assert_true(__atomic_load_n(&a.polls, __ATOMIC_SEQ_CST) >= 8);
	assert_true(__atomic_load_n(&a.polls, __ATOMIC_SEQ_CST) <= 20);
	pthread_mutex_lock(&sink.lock);
	assert_string_equal(snapshot_source_health(&sink.snap, "fake", "hung")->error_kind, "timeout");
	assert_int_equal(snapshot_source_health(&sink.snap, "fake", "a")->ok, 1);
	pthread_mutex_unlock(&sink.lock);

	/* Paused: no polls; poll-now still polls. */
	sched_set_paused(sc, 1);
	usleep(200 * 1000);
	before = __atomic_load_n(&a.polls, __ATOMIC_SEQ_CST);
	usleep(400 * 1000);
	assert_int_equal(__atomic_load_n(&a.polls, __ATOMIC_SEQ_CST), before);
	sched_poll_now(sc, "a");
	usleep(200 * 1000);
	assert_int_equal(__atomic_load_n(&a.polls, __ATOMIC_SEQ_CST), before + 1);
	assert_true(sched_paused(sc));
	sched_set_paused(sc, 0);
	assert_int_equal(sched_scale_intervals(sc, 2.0, 50, 10000), 200);

	sched_free(sc, 3000);
	assert_int_equal(sink.late_records, 0);
	snapshot_free(&sink.snap);
}

/* A local source (the rules) says nothing before a poll, and nothing at
 * all for a poll with nothing to do. */
static int
local_poll(struct source *src, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct fake *f = src->priv;
	int n = __atomic_add_fetch(&f->polls, 1, __ATOMIC_SEQ_CST);

	(void)deadline, (void)err;
	if (n % 2 == 0)
		return SOURCE_POLL_IDLE;
	m_str_set(&((struct m_event *)batch_add(b, M_EVENT))->message, "judged");
	return 0;
}

static const struct source_ops local_ops = { "local", local_poll, NULL, NULL };

static void
test_sched_local_source(void **state)
{
	struct fake f = { 0, 0, 0 };
	struct sink sink;
	struct scheduler *sc;
	struct source *src = source_new(&local_ops, "local", NULL, 50, 1000);
	int polls;

	(void)state;
	sink_init(&sink);
	src->priv = &f;
	src->local = 1;
	sc = sched_new(sink_apply, &sink);
	sched_add(sc, src);
	sched_start(sc);
	/* The first poll starts within 500 ms, then every 50 ms or so. */
	for (int i = 0; i < 100 && __atomic_load_n(&f.polls, __ATOMIC_SEQ_CST) < 6; i++)
		usleep(50 * 1000);
	sched_free(sc, 1000);
	polls = __atomic_load_n(&f.polls, __ATOMIC_SEQ_CST);
	assert_true(polls >= 6);
	/* One batch per poll that did something: no marks, no idle ones. */
	assert_int_equal(sink.batches, (polls + 1) / 2);
	assert_int_equal(snapshot_source_health(&sink.snap, "local", "")->updating, 0);
	snapshot_free(&sink.snap);
}

/* Only a poll still running after a quarter of a second is marked
 * updating, and its result lands after the mark. */
static void
test_sched_marks_slow_polls(void **state)
{
	struct fake quick = { 1, 0, 0 }, slow = { 600, 0, 0 };
	struct sink sink;
	struct scheduler *sc;
	int results = 0, marks = 0;

	(void)state;
	sink_init(&sink);
	sc = sched_new(sink_apply, &sink);
	sched_add(sc, fake_source("quick", &quick, 100, 1000));
	sched_add(sc, fake_source("slow", &slow, 700, 5000));
	sched_start(sc);
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&sink.lock);
		results = sink.slow_results;
		marks = sink.marks_slow;
		pthread_mutex_unlock(&sink.lock);
		if (results >= 3)
			break;
		usleep(50 * 1000);
	}
	sched_free(sc, 3000);
	assert_true(quick.polls >= 10);
	assert_int_equal(sink.marks_quick, 0);
	/* Every slow poll that returned was marked before its result (the
	 * one the stop cut short may not have been). */
	assert_true(results >= 3);
	assert_true(marks >= results);
	assert_true(sink.marks_slow <= sink.slow_results + 1);
	assert_int_equal(sink.slow_after_result, 0);
	snapshot_free(&sink.snap);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_run_once_respects_deadline),
		cmocka_unit_test(test_sched_live_polls_and_controls),
		cmocka_unit_test(test_sched_local_source),
		cmocka_unit_test(test_sched_marks_slow_polls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
