/* Replay: the history feed over a real history file (snapshots read on
 * the replayer's thread, announced on the wake descriptor), and the
 * dashboard's replay mode: entering it, stepping, clamping to now,
 * keeping the previous snapshot marked while the next one is read,
 * refusing what would change state, and going back to live. */
#include <config.h>

#include <poll.h>
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
#include "store/store.h"
#include "store_tmp.h"
#include "ui/dash.h"
#include "ui/feed_history.h"
#include "ui/keys.h"
#include "view/textcanvas.h"

#define STEP (60 * TIME_SEC)

static const struct dash_config cfg = {
	.refresh_ms = STEP,
	.attention_ms = 5 * TIME_SEC,
	.user = "tester@host",
};

static char *
draw(struct dash *d, int64_t now)
{
	struct text_canvas *t = text_canvas_new(24, 80, 0);
	char *s;

	dash_draw(d, text_canvas_base(t), now);
	s = text_canvas_text(t);
	text_canvas_free(t);
	return s;
}

static void
expect(struct dash *d, int64_t now, const char *needle, int present)
{
	char *s = draw(d, now);

	if ((strstr(s, needle) != NULL) != present)
		fail_msg("'%s' should%s be on the screen:\n%s", needle, present ? "" : " not", s);
	free(s);
}

static void
key(struct dash *d, int k, int64_t now)
{
	assert_int_equal(dash_key(d, k, now), 0);
}

/* --- the history feed over a real store ---------------------------------- */

static void
pg_batch(struct store *st, int64_t at, int with_plain)
{
	struct batch *b = batch_new("pg", at);
	struct m_source_health *h;

	batch_cover(b, "db-a");
	batch_mark_complete(b, M_SESSION);
	for (int pid = 501; pid <= (with_plain ? 502 : 501); pid++) {
		struct m_session *x = batch_add(b, M_SESSION);

		m_str_set(&x->instance, "db-a");
		x->pid = pid;
		x->backend_start = at - TIME_MIN + pid;
		m_str_set(&x->user, pid == 502 ? "plain_app" : "app");
		m_str_set(&x->client_addr, pid == 502 ? "198.51.100.23" : "10.0.0.5");
		x->ssl = pid != 502;
		m_str_set(&x->state, "active");
	}
	h = batch_add(b, M_SOURCE_HEALTH);
	m_str_set(&h->source, "pg");
	m_str_set(&h->instance, "db-a");
	h->ok = 1;
	h->last_attempt = h->last_success = at;
	store_submit(st, b);
}

/* Waits for the feed's wake-ups (the replayer read a snapshot) until the
 * dashboard has the one it asked for: a wake-up may be an earlier
 * request's. */
static void
await(struct dash *d, struct feed *f, int64_t now)
{
	for (int i = 0; i < 100; i++) {
		struct pollfd p = { feed_wake_fd(f), POLLIN, 0 };
		char *s;
		int reading;

		if (poll(&p, 1, 100) == 1)
			feed_drain(f);
		dash_refresh(d, now);
		s = draw(d, now);
		reading = strstr(s, "reading history") != NULL;
		free(s);
		if (!reading)
			return;
	}
	fail_msg("the replayed snapshot never came");
}

static void
test_replay_history_feed(void **state)
{
	struct store_options so;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	struct feed *f;
	struct dash *d;
	char *why = NULL;
	int64_t now = time_now_ms(), t0 = now - now % TIME_SEC - 90 * TIME_MIN;

	(void)state;
	store_options_init(&so);
	so.path = store_tmp_path("replay.db");
	assert_int_equal(store_open(&st, &so, &err), 0);
	/* A plaintext session from t0 to t0 + 2 min, then gone. */
	for (int m = 0; m <= 2; m++)
		pg_batch(st, t0 + m * TIME_MIN, 1);
	pg_batch(st, t0 + 3 * TIME_MIN, 0);
	store_close(st);

	so.readonly = 1;
	assert_int_equal(store_open(&st, &so, &err), 0);
	f = feed_history_new(st, t0 + 90 * TIME_SEC, &why);
	assert_non_null(f);
	assert_false(feed_polls(f));
	d = dash_new(f, &cfg);
	/* A history feed is replayed from the start, at its moment. */
	assert_int_equal(dash_replay_at(d), t0 + 90 * TIME_SEC);
	await(d, f, now);
	key(d, '3', now);
	expect(d, now, "plain_app", 1);
	expect(d, now, "replay at", 1);
	expect(d, now, "reading history", 0);
	expect(d, now, "LIVE", 0);

	/* ] a step on: the session is still there; ] ] later it is gone. */
	key(d, ']', now);
	assert_int_equal(dash_replay_at(d), t0 + 150 * TIME_SEC);
	await(d, f, now);
	expect(d, now, "plain_app", 1);
	key(d, ']', now);
	key(d, ']', now);
	assert_int_equal(dash_replay_at(d), t0 + 270 * TIME_SEC);
	await(d, f, now);
	expect(d, now, "plain_app", 0);
	expect(d, now, "10.0.0.5", 1);
	/* [ back into it. */
	key(d, '[', now);
	key(d, '[', now);
	assert_int_equal(dash_replay_at(d), t0 + 150 * TIME_SEC);
	await(d, f, now);
	expect(d, now, "plain_app", 1);
	/* { an hour before: nothing recorded yet. */
	key(d, '{', now);
	assert_int_equal(dash_replay_at(d), t0 + 150 * TIME_SEC - TIME_HOUR);
	await(d, f, now);
	expect(d, now, "10.0.0.5", 0);
	/* } } } never past now. */
	for (int i = 0; i < 3; i++)
		key(d, '}', now);
	assert_int_equal(dash_replay_at(d), now - now % TIME_SEC);
	expect(d, now, "history goes no further", 1);

	/* No live feed to go back to; nothing to poll, pause or acknowledge. */
	key(d, 'L', now);
	expect(d, now, "no live data here", 1);
	assert_int_equal(dash_replay_at(d), now - now % TIME_SEC);
	key(d, 'R', now);
	expect(d, now, "R is refused: a replay shows history", 1);
	key(d, ' ', now);
	expect(d, now, "Space is refused", 1);
	key(d, '2', now);
	key(d, 'a', now);
	expect(d, now, "a is refused", 1);
	key(d, 's', now);
	expect(d, now, "s is refused", 1);
	expect(d, now, "Acknowledge", 0);
	dash_free(d);
	feed_free(f);
}

/* --- a feed whose answers the test releases -------------------------------- */

struct fake {
	struct feed base;
	int polls;
	int ready;		/* snapshot_at answers */
	int64_t asked;
	int submitted;
};

static void
fake_instance(struct snapshot *s, const char *id)
{
	struct batch *b = batch_new("rds", s->at);
	struct m_instance *i = batch_add(b, M_INSTANCE);

	m_str_set(&i->id, id);
	m_str_set(&i->status, "available");
	snapshot_apply(s, b, NULL);
	batch_free(b);
}

static void
fake_snapshot(struct feed *f, struct snapshot *out, int64_t now)
{
	(void)f;
	snapshot_init(out, now, 1);
	fake_instance(out, "live-db");
}

static int fake_wake_fd(struct feed *f) { (void)f; return -1; }
static void fake_drain(struct feed *f) { (void)f; }
static void fake_poll_now(struct feed *f) { (void)f; fail_msg("polled in a replay"); }
static void fake_set_paused(struct feed *f, int p) { (void)f, (void)p; fail_msg("paused"); }
static int fake_paused(struct feed *f) { (void)f; return 0; }
static void fake_scale(struct feed *f, double x) { (void)f, (void)x; }
static int fake_polls(struct feed *f) { return ((struct fake *)f)->polls; }

static int
fake_submit(struct feed *f, struct batch *b, struct rw_error *err)
{
	(void)err;
	((struct fake *)f)->submitted++;
	batch_free(b);
	return 0;
}

static void
fake_request_at(struct feed *f, int64_t at)
{
	((struct fake *)f)->asked = at;
}

static int
fake_snapshot_at(struct feed *f, int64_t at, struct snapshot *out, char **why)
{
	struct fake *k = (struct fake *)f;

	(void)why;
	if (!k->ready || at != k->asked)
		return 0;
	snapshot_init(out, at, 0);
	fake_instance(out, "past-db");
	return 1;
}

static void fake_free(struct feed *f) { (void)f; }

static const struct feed_ops fake_ops = {
	.snapshot = fake_snapshot, .wake_fd = fake_wake_fd, .drain = fake_drain,
	.poll_now = fake_poll_now, .set_paused = fake_set_paused, .paused = fake_paused,
	.scale_interval = fake_scale, .submit = fake_submit, .free = fake_free,
	.request_at = fake_request_at, .snapshot_at = fake_snapshot_at, .polls = fake_polls,
};

static void
test_replay_from_live(void **state)
{
	struct fake k = { { &fake_ops }, 1, 0, 0, 0 };
	int64_t now = time_now_ms(), sec = now - now % TIME_SEC;
	struct dash *d = dash_new(&k.base, &cfg);

	(void)state;
	dash_refresh(d, now);
	assert_int_equal(dash_replay_at(d), 0);
	expect(d, now, "LIVE", 1);
	expect(d, now, "live-db", 1);
	/* ] in live: nowhere to go. */
	key(d, ']', now);
	expect(d, now, "live shows now", 1);
	assert_int_equal(dash_replay_at(d), 0);

	/* H: replay from now; the live snapshot stays, marked, until read. */
	key(d, 'H', now);
	assert_int_equal(dash_replay_at(d), sec);
	assert_int_equal(k.asked, sec);
	dash_refresh(d, now);
	expect(d, now, "reading history...", 1);
	expect(d, now, "live-db", 1);
	k.ready = 1;
	dash_refresh(d, now);
	expect(d, now, "reading history", 0);
	expect(d, now, "past-db", 1);
	expect(d, now, "live-db", 0);
	/* [ asks for the previous step; until read, past-db stays. */
	k.ready = 0;
	key(d, '[', now);
	assert_int_equal(k.asked, sec - STEP);
	expect(d, now, "reading history...", 1);
	expect(d, now, "past-db", 1);
	/* Refused: nothing polls, pauses or is acknowledged. */
	key(d, 'R', now);
	expect(d, now, "(L goes back to live)", 1);
	key(d, ' ', now);
	/* L: live again. */
	key(d, 'L', now);
	assert_int_equal(dash_replay_at(d), 0);
	expect(d, now, "LIVE", 1);
	expect(d, now, "live-db", 1);
	expect(d, now, "replay at", 0);
	/* [ from live goes a step back. */
	key(d, '[', now);
	assert_int_equal(dash_replay_at(d), sec - STEP);
	key(d, 'L', now);
	key(d, '{', now);
	assert_int_equal(dash_replay_at(d), sec - TIME_HOUR);
	assert_int_equal(k.submitted, 0);
	dash_free(d);

	/* A feed with no history: H says so, and stays live. */
	{
		struct feed_ops ops = fake_ops;
		struct fake n = { { &ops }, 1, 0, 0, 0 };

		ops.request_at = NULL;
		ops.snapshot_at = NULL;
		d = dash_new(&n.base, &cfg);
		dash_refresh(d, now);
		key(d, 'H', now);
		expect(d, now, "no history to replay", 1);
		assert_int_equal(dash_replay_at(d), 0);
		key(d, '[', now);
		assert_int_equal(dash_replay_at(d), 0);
		dash_free(d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_history_feed),
		cmocka_unit_test(test_replay_from_live),
	};

	return cmocka_run_group_tests(tests, store_tmp_setup, store_tmp_teardown);
}
