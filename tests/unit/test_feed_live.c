/* The live feed over the real scheduler: a source's batches land in the
 * feed's snapshot and wake its descriptor; the dashboard's controls (poll
 * now, pause, scale) reach the scheduler; a user batch applies at once. */
#include <config.h>

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "rules/lifecycle.h"
#include "ui/feed_live.h"

static int fake_polls;

static int
fake_poll(struct source *src, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct m_session *s = batch_add(b, M_SESSION);

	(void)deadline;
	(void)err;
	__atomic_add_fetch(&fake_polls, 1, __ATOMIC_SEQ_CST);
	batch_cover(b, src->instance);
	batch_mark_complete(b, M_SESSION);
	m_str_set(&s->instance, src->instance);
	s->pid = 4242;
	s->backend_start = 1;
	m_str_set(&s->user, "app");
	s->ssl = 0;
	return 0;
}

static const struct source_ops fake_ops = { "fake", fake_poll, NULL, NULL };

/* Waits up to MS for the feed's descriptor; returns 1 when it woke. */
static int
wait_wake(struct feed *f, int ms)
{
	struct pollfd p = { feed_wake_fd(f), POLLIN, 0 };
	int r = poll(&p, 1, ms);

	if (r == 1)
		feed_drain(f);
	return r == 1;
}

static size_t
sessions(struct feed *f)
{
	struct snapshot s;
	size_t n;

	feed_snapshot(f, &s, time_now_ms());
	n = s.kinds[M_SESSION].n;
	snapshot_free(&s);
	return n;
}

static void
test_feed_live_sources_wake_and_fill(void **state)
{
	char *why = NULL;
	struct feed *f = feed_live_new(&why);
	struct source *src = source_new(&fake_ops, "fake:db", "db", 60 * TIME_SEC, 5 * TIME_SEC);
	struct snapshot s;
	const struct m_source_health *h;
	int64_t until;
	int polls;

	(void)state;
	assert_non_null(f);
	sched_add(feed_live_scheduler(f), src);
	assert_false(wait_wake(f, 0));
	feed_live_start(f);
	/* The first poll lands: woken, and the session is in the snapshot. */
	until = time_mono_ms() + 10 * TIME_SEC;
	while (sessions(f) == 0 && time_mono_ms() < until)
		wait_wake(f, 200);
	assert_int_equal(sessions(f), 1);
	feed_snapshot(f, &s, time_now_ms());
	h = snapshot_source_health(&s, "fake", "db");
	assert_non_null(h);
	until = time_mono_ms() + 5 * TIME_SEC;
	while (h->ok != 1 && time_mono_ms() < until) {
		snapshot_free(&s);
		wait_wake(f, 200);
		feed_snapshot(f, &s, time_now_ms());
		h = snapshot_source_health(&s, "fake", "db");
	}
	assert_int_equal(h->ok, 1);
	assert_true(h->last_success > 0);
	snapshot_free(&s);

	/* Poll now: another poll although the interval is a minute. */
	polls = __atomic_load_n(&fake_polls, __ATOMIC_SEQ_CST);
	feed_poll_now(f);
	until = time_mono_ms() + 5 * TIME_SEC;
	while (__atomic_load_n(&fake_polls, __ATOMIC_SEQ_CST) == polls && time_mono_ms() < until)
		wait_wake(f, 100);
	assert_true(__atomic_load_n(&fake_polls, __ATOMIC_SEQ_CST) > polls);

	/* Pause and scale reach the scheduler. */
	feed_set_paused(f, 1);
	assert_true(feed_paused(f));
	feed_set_paused(f, 0);
	assert_false(feed_paused(f));
	feed_scale_interval(f, 0.5);
	assert_int_equal(__atomic_load_n(&src->interval_ms, __ATOMIC_SEQ_CST), 30 * TIME_SEC);
	feed_scale_interval(f, 1e-6);
	assert_int_equal(__atomic_load_n(&src->interval_ms, __ATOMIC_SEQ_CST), FEED_LIVE_MIN_INTERVAL_MS);
	feed_free(f);
}

/* The rules' batch, evaluated at AT, with alert "k" active. */
static struct batch *
rules_batch(int64_t at)
{
	struct batch *b = batch_new("rules", at);
	struct m_alert *a = batch_add(b, M_ALERT);

	m_str_set(&a->key, "k");
	m_str_set(&a->severity, "critical");
	m_str_set(&a->state, "active");
	m_str_set(&a->title, "t");
	batch_mark_complete(b, M_ALERT);
	return b;
}

static void
test_feed_live_user_batch(void **state)
{
	char *why = NULL;
	struct feed *f = feed_live_new(&why);
	struct rw_error err = RW_ERROR_INIT;
	struct batch *b;
	struct snapshot s;
	const struct m_alert *got;

	(void)state;
	feed_live_apply(f, rules_batch(1000));
	assert_true(wait_wake(f, 1000));
	feed_snapshot(f, &s, time_now_ms());
	assert_int_equal(s.kinds[M_ALERT].n, 1);
	b = lifecycle_ack(&s, "k", "me@here", "", 2000, &err);
	assert_non_null(b);
	snapshot_free(&s);
	assert_int_equal(feed_submit(f, b, &err), 0);
	/* Then a rules batch evaluated before the acknowledgement (polled
	 * at 1500) lands after it: the acknowledgement stays. */
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			feed_live_apply(f, rules_batch(1500));
		assert_true(wait_wake(f, 1000));
		feed_snapshot(f, &s, time_now_ms());
		assert_int_equal(s.kinds[M_ALERT].n, 1);
		got = m_vec_at(&s.kinds[M_ALERT], 0);
		assert_string_equal(got->state, "acknowledged");
		assert_string_equal(got->acked_by, "me@here");
		assert_null(got->ack_note);
		assert_string_equal(got->title, "t");
		snapshot_free(&s);
	}
	feed_free(f);
}

/* A copy kept with feed_sync costs what changed: a batch of one kind
 * copies that kind only (the others are the same memory as before), the
 * window dropping an old fact copies that kind, and the copy always
 * equals a whole snapshot taken at the same moment. */
static void
test_feed_live_sync_copies_what_changed(void **state)
{
	char *why = NULL;
	struct feed *f = feed_live_new(&why);
	struct snapshot mine, whole;
	struct feed_gens gens;
	struct batch *b;
	struct m_event *e;
	struct m_source_health *h;
	const void *alerts;
	int64_t now = time_now_ms();

	(void)state;
	feed_live_apply(f, rules_batch(1000));
	b = batch_new("rds", now);
	e = batch_add(b, M_EVENT);
	m_str_set(&e->source_id, "db-1");
	m_str_set(&e->message, "failover");
	e->time = now - 6 * TIME_DAY;	/* the events window is 7 days */
	feed_live_apply(f, b);

	snapshot_init(&mine, 0, 1);
	feed_gens_reset(&gens);
	assert_int_equal(feed_sync(f, &mine, &gens, now), SNAPSHOT_ALL_KINDS);
	assert_int_equal(mine.kinds[M_ALERT].n, 1);
	assert_int_equal(mine.kinds[M_EVENT].n, 1);
	assert_int_equal(mine.at, now);
	/* Nothing new: nothing copied. */
	assert_int_equal(feed_sync(f, &mine, &gens, now + 1), 0);
	assert_int_equal(mine.at, now + 1);

	/* A health batch: only the health is copied. */
	alerts = mine.kinds[M_ALERT].items;
	b = batch_new("rds", now + 2);
	h = batch_add(b, M_SOURCE_HEALTH);
	m_str_set(&h->source, "rds");
	m_str_set(&h->instance, "");
	h->updating = 1;
	feed_live_apply(f, b);
	assert_int_equal(feed_sync(f, &mine, &gens, now + 2), SNAPSHOT_KIND(M_SOURCE_HEALTH));
	assert_ptr_equal(mine.kinds[M_ALERT].items, alerts);
	assert_int_equal(mine.kinds[M_SOURCE_HEALTH].n, 1);

	/* The rules again, the alert the same but for its poll time: nothing
	 * reported changed, no copy, the poll time taken. */
	b = rules_batch(1000);
	((struct m_alert *)m_vec_at(&b->kinds[M_ALERT], 0))->updated_at = now + 3;
	feed_live_apply(f, b);
	assert_int_equal(feed_sync(f, &mine, &gens, now + 3), 0);
	assert_ptr_equal(mine.kinds[M_ALERT].items, alerts);
	assert_int_equal(((struct m_alert *)m_vec_at(&mine.kinds[M_ALERT], 0))->updated_at, now + 3);
	/* A copy that does not follow the alerts' poll times keeps its own;
	 * a change still comes whole. */
	{
		struct snapshot other;
		struct feed_gens og;

		snapshot_init(&other, 0, 1);
		feed_gens_reset(&og);
		og.untouched = SNAPSHOT_KIND(M_ALERT);
		feed_sync(f, &other, &og, now + 3);
		b = rules_batch(now + 4);
		((struct m_alert *)m_vec_at(&b->kinds[M_ALERT], 0))->updated_at = now + 4;
		feed_live_apply(f, b);
		assert_int_equal(feed_sync(f, &other, &og, now + 4), 0);
		assert_int_equal(og.untouched, SNAPSHOT_KIND(M_ALERT));
		assert_int_equal(((struct m_alert *)m_vec_at(&other.kinds[M_ALERT], 0))->updated_at,
		    now + 3);
		assert_int_equal(feed_sync(f, &mine, &gens, now + 4), 0);
		assert_int_equal(((struct m_alert *)m_vec_at(&mine.kinds[M_ALERT], 0))->updated_at,
		    now + 4);
		b = rules_batch(now + 5);
		m_str_set(&((struct m_alert *)m_vec_at(&b->kinds[M_ALERT], 0))->title, "t2");
		feed_live_apply(f, b);
		assert_int_equal(feed_sync(f, &other, &og, now + 5) & SNAPSHOT_KIND(M_ALERT),
		    SNAPSHOT_KIND(M_ALERT));
		snapshot_free(&other);
		feed_sync(f, &mine, &gens, now + 5);
	}

	/* Two days later the event is out of the window: dropped here too. */
	assert_int_equal(feed_sync(f, &mine, &gens, now + 2 * TIME_DAY), SNAPSHOT_KIND(M_EVENT));
	assert_int_equal(mine.kinds[M_EVENT].n, 0);

	feed_snapshot(f, &whole, now + 2 * TIME_DAY);
	for (int k = 0; k < M_KIND_COUNT; k++)
		assert_int_equal(mine.kinds[k].n, whole.kinds[k].n);
	snapshot_free(&whole);
	snapshot_free(&mine);
	feed_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_live_sources_wake_and_fill),
		cmocka_unit_test(test_feed_live_user_batch),
		cmocka_unit_test(test_feed_live_sync_copies_what_changed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
