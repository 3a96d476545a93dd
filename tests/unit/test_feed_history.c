/* The live feed with a history, on a real store in a scratch file: the
 * replayer answers snapshots of past moments on its own thread; every
 * batch reaches the history; a new feed starts from the last known state
 * (an acknowledgement included) with a "from history" note until a poll
 * lands; replay requests through the feed; and the setup thread: pause
 * and scaling made during it apply when polling starts, and freeing the
 * feed during it does not wait. */
#include <config.h>

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "store/store.h"
#include "ui/feed_live.h"
#include "ui/replayer.h"
#include "view/canvas.h"
#include "store_tmp.h"

static int64_t T0;

static int
setup(void **state)
{
	T0 = time_now_ms() - TIME_HOUR;
	return store_tmp_setup(state);
}

#define open_store(name, readonly) store_tmp_open(name, readonly)

/* A pg poll at AT with sessions 1..N and its health. */
static struct batch *
pg_poll(int64_t at, int n)
{
	struct batch *b = batch_new("pg", at);
	struct m_source_health *h;

	batch_cover(b, "db-a");
	batch_mark_complete(b, M_SESSION);
	for (int pid = 1; pid <= n; pid++) {
		struct m_session *s = batch_add(b, M_SESSION);

		m_str_set(&s->instance, "db-a");
		s->pid = pid;
		s->backend_start = T0 - 1000 * pid;
		m_str_set(&s->user, "app");
		m_str_set(&s->state, "idle");
		s->ssl = 1;
	}
	h = batch_add(b, M_SOURCE_HEALTH);
	m_str_set(&h->source, "pg");
	m_str_set(&h->instance, "db-a");
	h->ok = 1;
	h->updating = 0;
	h->last_attempt = h->last_success = at;
	return b;
}

/* The rules' alert, and the user's acknowledgement of it. */
static struct batch *
alert_batch(const char *source, int64_t at, const char *state_word)
{
	struct batch *b = batch_new(source, at);
	struct m_alert *a = batch_add(b, M_ALERT);

	m_str_set(&a->key, "backup:db-a");
	m_str_set(&a->instance, "db-a");
	m_str_set(&a->rule, "backup");
	m_str_set(&a->severity, "critical");
	m_str_set(&a->title, "automated backups off");
	m_str_set(&a->state, state_word);
	a->opened_at = T0;
	a->updated_at = at;
	a->band = 0;
	if (strcmp(state_word, "acknowledged") == 0) {
		m_str_set(&a->acked_by, "oncall@host");
		a->acked_at = at;
	}
	return b;
}

static int wakes;

static void
count_wake(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&wakes, 1, __ATOMIC_SEQ_CST);
}

/* Waits up to 10 s for the replayer's answer for AT. */
static int
replayer_wait(struct replayer *r, int64_t at, struct snapshot *out)
{
	int64_t until = time_mono_ms() + 10 * TIME_SEC;
	char *why = NULL;
	int rc;

	while ((rc = replayer_take(r, at, out, &why)) == 0 && time_mono_ms() < until)
		usleep(10000);
	if (rc < 0) {
		fprintf(stderr, "replayer: %s\n", why);
		free(why);
	}
	return rc;
}

static void
test_replayer_past_moments(void **state)
{
	struct store *st = open_store("replayer.db", 0);
	struct replayer *r;
	struct snapshot s;
	char *why = NULL;

	(void)state;
	assert_non_null(st);
	store_submit(st, pg_poll(T0, 1));
	store_submit(st, pg_poll(T0 + TIME_MIN, 2));
	store_flush(st);
	r = replayer_new(st, count_wake, NULL);
	/* Never asked for: nothing, no thread. */
	assert_int_equal(replayer_take(r, T0, &s, &why), 0);

	replayer_request(r, T0 + 30 * TIME_SEC);
	assert_int_equal(replayer_wait(r, T0 + 30 * TIME_SEC, &s), 1);
	assert_int_equal(s.kinds[M_SESSION].n, 1);
	assert_int_equal(s.at, T0 + 30 * TIME_SEC);
	snapshot_free(&s);
	assert_true(__atomic_load_n(&wakes, __ATOMIC_SEQ_CST) >= 1);
	/* Another moment: only its answer is handed out. */
	replayer_request(r, T0 + 90 * TIME_SEC);
	assert_int_equal(replayer_wait(r, T0 + 90 * TIME_SEC, &s), 1);
	assert_int_equal(s.kinds[M_SESSION].n, 2);
	snapshot_free(&s);
	assert_int_equal(replayer_take(r, T0 + 30 * TIME_SEC, &s, &why), 0);
	replayer_free(r);
	store_close(st);
}

static int
wait_wake(struct feed *f, int ms)
{
	struct pollfd p = { feed_wake_fd(f), POLLIN, 0 };
	int rc = poll(&p, 1, ms);

	if (rc > 0)
		feed_drain(f);
	return rc > 0;
}

static const struct m_alert *
find_alert(const struct snapshot *s)
{
	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
		if (strcmp(a->key, "backup:db-a") == 0)
			return a;
	}
	return NULL;
}

static void
test_feed_records_and_restarts_from_history(void **state)
{
	char *why = NULL, *note;
	struct feed *f = feed_live_new(&why);
	struct snapshot s;
	const struct m_alert *a;
	int64_t now = time_now_ms(), until;
	int style;

	(void)state;
	/* First run: a poll, the rules' alert, the user's ack. */
	feed_live_set_history(f, open_store("feed.db", 0), 1, NULL);
	feed_live_start(f);
	note = feed_note(f, now, &style);
	assert_null(note);
	feed_live_apply(f, pg_poll(now - 12 * TIME_MIN, 2));
	feed_live_apply(f, alert_batch("rules", now - 12 * TIME_MIN, "active"));
	assert_int_equal(feed_submit(f, alert_batch("user", now - 11 * TIME_MIN, "acknowledged"),
	    NULL), 0);
	feed_free(f);	/* commits */

	/* Second run: the last known state, at once, with its age. */
	f = feed_live_new(&why);
	feed_live_set_history(f, open_store("feed.db", 0), 1, NULL);
	feed_live_start(f);
	feed_snapshot(f, &s, time_now_ms());
	assert_true(s.live);
	assert_int_equal(s.kinds[M_SESSION].n, 2);
	a = find_alert(&s);
	assert_non_null(a);
	assert_string_equal(a->state, "acknowledged");
	assert_string_equal(a->acked_by, "oncall@host");
	assert_non_null(snapshot_source_health(&s, "pg", "db-a"));
	assert_int_equal(snapshot_source_health(&s, "pg", "db-a")->last_success, now - 12 * TIME_MIN);
	snapshot_free(&s);
	note = feed_note(f, now, &style);
	assert_non_null(note);
	assert_string_equal(note, "from history, 11m old");
	assert_int_equal(style, CANVAS_STALE);
	free(note);
	/* The rules' next batch (before any poll) does not end it; a poll does. */
	feed_live_apply(f, alert_batch("rules", now, "acknowledged"));
	note = feed_note(f, now, &style);
	assert_non_null(note);
	free(note);
	feed_live_apply(f, pg_poll(now, 1));
	assert_null(feed_note(f, now, &style));

	/* Replay through the feed: the answer comes with a wake-up. */
	assert_true(feed_has_history(f));
	while (wait_wake(f, 0))
		;
	assert_int_equal(feed_snapshot_at(f, now - 12 * TIME_MIN + 1, &s, &why), 0);
	feed_request_at(f, now - 12 * TIME_MIN + 1);
	until = time_mono_ms() + 10 * TIME_SEC;
	while (feed_snapshot_at(f, now - 12 * TIME_MIN + 1, &s, &why) == 0 &&
	    time_mono_ms() < until)
		wait_wake(f, 100);
	assert_int_equal(s.kinds[M_SESSION].n, 2);
	a = find_alert(&s);
	assert_non_null(a);
	assert_string_equal(a->state, "active");
	snapshot_free(&s);
	feed_free(f);

	/* A read-only history: shown, not recorded, and the note says so. */
	f = feed_live_new(&why);
	feed_live_set_history(f, open_store("feed.db", 1), 0, "not recording: in use by pid 7");
	feed_live_start(f);
	feed_live_apply(f, pg_poll(now + TIME_SEC, 5));
	note = feed_note(f, now, &style);
	assert_string_equal(note, "not recording: in use by pid 7");
	assert_int_equal(style, CANVAS_WARNING);
	free(note);
	feed_free(f);
	f = feed_live_new(&why);
	feed_live_set_history(f, open_store("feed.db", 1), 0, NULL);
	feed_live_start(f);
	feed_snapshot(f, &s, time_now_ms());
	assert_int_equal(s.kinds[M_SESSION].n, 1);	/* the 5 were not recorded */
	snapshot_free(&s);
	feed_free(f);
}

/* A setup that takes a while, like discovery against a slow endpoint. */
static int setup_release, ctx_freed;
static struct source *setup_source;

static int
noop_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	(void)s, (void)b, (void)deadline, (void)err;
	return 0;
}

static const struct source_ops noop_ops = { "noop", noop_poll, NULL, NULL };

static int
slow_setup(void *ctx, struct scheduler *sc, struct rw_error *err)
{
	int64_t until = time_mono_ms() + 3 * TIME_SEC;

	(void)ctx, (void)err;
	while (!__atomic_load_n(&setup_release, __ATOMIC_SEQ_CST) && time_mono_ms() < until)
		usleep(5000);
	setup_source = source_new(&noop_ops, "noop", NULL, 60 * TIME_SEC, 5 * TIME_SEC);
	sched_add(sc, setup_source);
	return 0;
}

static void
mark_freed(void *ctx)
{
	(void)ctx;
	__atomic_store_n(&ctx_freed, 1, __ATOMIC_SEQ_CST);
}

static void
test_feed_setup_thread(void **state)
{
	char *why = NULL, *note;
	struct feed *f = feed_live_new(&why);
	int64_t until, t;
	int style;

	(void)state;
	feed_live_start_async(f, slow_setup, NULL, mark_freed);
	note = feed_note(f, time_now_ms(), &style);
	assert_non_null(note);
	assert_string_equal(note, "discovering...");
	free(note);
	/* The user pauses and doubles the interval meanwhile. */
	feed_set_paused(f, 1);
	feed_scale_interval(f, 2.0);
	__atomic_store_n(&setup_release, 1, __ATOMIC_SEQ_CST);
	until = time_mono_ms() + 10 * TIME_SEC;
	while (!__atomic_load_n(&ctx_freed, __ATOMIC_SEQ_CST) && time_mono_ms() < until)
		wait_wake(f, 100);
	while ((note = feed_note(f, time_now_ms(), &style)) != NULL && time_mono_ms() < until) {
		free(note);
		wait_wake(f, 100);
	}
	assert_null(note);
	assert_true(feed_paused(f));
	assert_int_equal(__atomic_load_n(&setup_source->interval_ms, __ATOMIC_SEQ_CST),
	    120 * TIME_SEC);
	feed_free(f);

	/* Quitting during the setup does not wait for it. */
	__atomic_store_n(&setup_release, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&ctx_freed, 0, __ATOMIC_SEQ_CST);
	f = feed_live_new(&why);
	feed_live_set_history(f, open_store("setup.db", 0), 1, NULL);
	feed_live_start_async(f, slow_setup, NULL, mark_freed);
	usleep(100000);
	t = time_mono_ms();
	feed_free(f);
	assert_true(time_mono_ms() - t < 1000);
	assert_false(__atomic_load_n(&ctx_freed, __ATOMIC_SEQ_CST));
	/* The thread finishes by itself and lets go of its context. */
	until = time_mono_ms() + 10 * TIME_SEC;
	while (!__atomic_load_n(&ctx_freed, __ATOMIC_SEQ_CST) && time_mono_ms() < until)
		usleep(10000);
	assert_true(__atomic_load_n(&ctx_freed, __ATOMIC_SEQ_CST));
	usleep(100000);	/* its last steps, after the context */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replayer_past_moments),
		cmocka_unit_test(test_feed_records_and_restarts_from_history),
		cmocka_unit_test(test_feed_setup_thread),
	};

	return cmocka_run_group_tests(tests, setup, store_tmp_teardown);
}
