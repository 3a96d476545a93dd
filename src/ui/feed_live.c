#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "rules/lifecycle.h"
#include "ui/feed_live.h"
#include "ui/replayer.h"
#include "ui/wakefd.h"
#include "view/canvas.h"

/* Polls in flight get this long to finish when the dashboard quits. */
#define FEED_LIVE_STOP_GRACE_MS 500

enum feed_live_setup {
	SETUP_NONE,		/* not started (or started on the caller's thread) */
	SETUP_HISTORY,		/* the thread reads the last known state */
	SETUP_SOURCES,		/* the thread builds the sources (discovery) */
	SETUP_DONE,
};

struct feed_live {
	struct feed base;	/* first */
	/* The snapshot, applied to from the scheduler's workers. */
	pthread_mutex_t lock;
	struct snapshot snap;
	size_t applied;		/* batches applied so far */
	uint64_t generation;	/* counts the snapshot's changes */
	struct feed_gens gens;	/* the generation each kind last changed at */
	uint64_t state[M_KIND_COUNT];	/* for snapshot_state_changed (waking) */
	int64_t history_at;	/* the newest time in the state loaded from history; 0 none */
	int landed;		/* a poll has finished since the start */
	/* The history (may be NULL). */
	struct store *store;
	int recording;
	char *not_recording;
	struct replayer *replayer;
	int efd;
	/* Starting (CTL, not LOCK: the scheduler's workers call the sink
	 * with the scheduler's lock held, and the controls below take the
	 * scheduler's lock). */
	pthread_mutex_t ctl;
	pthread_cond_t ctl_cond;
	struct scheduler *sched;
	int started;
	enum feed_live_setup setup;
	char *setup_error;
	int abandoned;		/* freed while the setup thread ran */
	int refs;		/* the dashboard's, and the setup thread's while it runs */
	double scale;		/* scaling asked for before the start */
	feed_live_setup_fn setup_fn;
	void *setup_ctx;
	void (*setup_ctx_free)(void *ctx);
};

/* Records that KINDS of the snapshot changed, and that only the poll
 * times of TOUCHED moved. Call with LOCK held. */
static void
feed_live_changed(struct feed_live *l, snapshot_kinds kinds, snapshot_kinds touched)
{
	if ((kinds | touched) == 0)
		return;
	l->generation++;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		if (kinds & SNAPSHOT_KIND(k))
			l->gens.kind[k] = l->generation;
		else if (touched & SNAPSHOT_KIND(k))
			l->gens.touch[k] = l->generation;
	}
}

static void
feed_live_wake(struct feed_live *l)
{
	wakefd_signal(l->efd);
}

static void
feed_live_wake_cb(void *ctx)
{
	feed_live_wake(ctx);
}

/* Whether B ends a poll (not only the "updating" mark a poll starts
 * with, not the rules' or the user's batch). */
static int
feed_live_is_poll(const struct batch *b)
{
	if (b->source == NULL || strcmp(b->source, "rules") == 0 || strcmp(b->source, "user") == 0)
		return 0;
	M_VEC_EACH(&b->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		if (h->updating != 1)
			return 1;
	}
	return 0;
}

/* Whether B is only a poll's "updating" mark (sched_run_poll). */
static int
feed_live_is_mark(const struct batch *b)
{
	if (b->kinds[M_SOURCE_HEALTH].n == 0 || batch_count(b) != b->kinds[M_SOURCE_HEALTH].n)
		return 0;
	M_VEC_EACH(&b->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		if (h->updating != 1)
			return 0;
	}
	return 1;
}

void
feed_live_apply(struct feed *f, struct batch *b)
{
	struct feed_live *l = (struct feed_live *)f;
	snapshot_kinds touched, changed;
	int wake;

	pthread_mutex_lock(&l->lock);
	/* The rules judged a copy: what the user did since is kept. */
	if (b->source != NULL && strcmp(b->source, "rules") == 0)
		lifecycle_reconcile(&l->snap, b);
	changed = snapshot_apply(&l->snap, b, &touched);
	feed_live_changed(l, changed, touched);
	/* The dashboard wakes for what it would draw: not for poll times and
	 * figures that move with the clock, nor for a poll's "updating" mark
	 * (its tick draws those within a second). */
	wake = !feed_live_is_mark(b) &&
	    snapshot_state_changed(&l->snap, changed, l->state) != 0;
	if (!l->landed && feed_live_is_poll(b)) {
		l->landed = 1;
		wake = 1;	/* the note "from history" goes */
	}
	pthread_mutex_unlock(&l->lock);
	log_debug(LOG_UI, "feed: applied a %s batch of %zu records", b->source, batch_count(b));
	/* The snapshot copied what it keeps: the batch itself goes to the
	 * history as it is. */
	if (l->store != NULL && l->recording)
		store_submit(l->store, b);
	else
		batch_free(b);
	if (wake)
		feed_live_wake(l);
}

/* The scheduler's sink: called on worker threads. */
static void
feed_live_sink(void *ctx, struct batch *b)
{
	feed_live_apply(ctx, b);
}

/* The newest moment the state from history speaks of: the last poll
 * attempted, else the last alert change. */
static int64_t
feed_live_state_time(const struct snapshot *s)
{
	int64_t t = 0;

	M_VEC_EACH(&s->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		if (h->last_attempt > t)
			t = h->last_attempt;
		if (h->last_success > t)
			t = h->last_success;
	}
	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
		if (a->updated_at > t)
			t = a->updated_at;
	}
	return t;
}

/* The last known state from history becomes the live snapshot: sessions,
 * alerts with their acknowledgements, sources' health with their last
 * success (so stale ages show). Called before polling starts. */
static void
feed_live_load_history(struct feed_live *l)
{
	struct rw_error err = RW_ERROR_INIT;
	struct snapshot hs;
	int64_t now = time_now_ms();

	if (l->store == NULL)
		return;
	if (store_snapshot_at(l->store, now, NULL, &hs, &err) != 0) {
		char *msg = err_format(&err);

		log_debug(LOG_STORE, "history: cannot read the last known state: %s", msg);
		free(msg);
		err_clear(&err);
		snapshot_free(&hs);
		return;
	}
	/* No poll of the previous run is in flight any more. */
	M_VEC_EACH(&hs.kinds[M_SOURCE_HEALTH], struct m_source_health, h)
		h->updating = 0;
	hs.live = 1;
	pthread_mutex_lock(&l->lock);
	/* Whatever landed already is newer than history. */
	if (l->applied == 0) {
		snapshot_free(&l->snap);
		l->snap = hs;
		feed_live_changed(l, SNAPSHOT_ALL_KINDS, 0);
		l->history_at = feed_live_state_time(&hs);
		log_debug(LOG_UI, "feed: state from history, as of %lld", (long long)l->history_at);
	} else {
		snapshot_free(&hs);
	}
	pthread_mutex_unlock(&l->lock);
	feed_live_wake(l);
}

/* Starts the scheduler unless the feed is gone. Call with CTL held. */
static void
feed_live_go(struct feed_live *l)
{
	if (l->started || l->abandoned)
		return;
	if (l->scale != 1.0)
		sched_scale_intervals(l->sched, l->scale, FEED_LIVE_MIN_INTERVAL_MS,
		    FEED_LIVE_MAX_INTERVAL_MS);
	sched_start(l->sched);
	l->started = 1;
}

static void feed_live_destroy(struct feed_live *l);

static void
feed_live_unref(struct feed_live *l)
{
	int last;

	pthread_mutex_lock(&l->ctl);
	last = --l->refs == 0;
	pthread_mutex_unlock(&l->ctl);
	if (last)
		feed_live_destroy(l);
}

static void *
feed_live_setup_main(void *arg)
{
	struct feed_live *l = arg;
	struct rw_error err = RW_ERROR_INIT;
	int rc, abandoned;

	feed_live_load_history(l);
	pthread_mutex_lock(&l->ctl);
	l->setup = SETUP_SOURCES;
	pthread_cond_broadcast(&l->ctl_cond);
	abandoned = l->abandoned;
	pthread_mutex_unlock(&l->ctl);
	/* Discovery: seconds against a slow endpoint. The scheduler is not
	 * started, so nobody else touches it meanwhile. */
	rc = abandoned ? 0 : l->setup_fn(l->setup_ctx, l->sched, &err);
	pthread_mutex_lock(&l->ctl);
	l->setup = SETUP_DONE;
	if (rc != 0) {
		l->setup_error = err_format(&err);
		log_debug(LOG_UI, "cannot start polling: %s", l->setup_error);
	}
	err_clear(&err);
	feed_live_go(l);
	abandoned = l->abandoned;
	pthread_mutex_unlock(&l->ctl);
	if (abandoned) {
		/* The dashboard has quit: nobody waits for these. */
		sched_free(l->sched, 0);
		l->sched = NULL;
	}
	/* Last: the caller may take this as the end of the thread's work. */
	if (l->setup_ctx_free != NULL)
		l->setup_ctx_free(l->setup_ctx);
	if (!abandoned)
		feed_live_wake(l);
	feed_live_unref(l);
	return NULL;
}

void
feed_live_start_async(struct feed *f, feed_live_setup_fn setup, void *ctx,
    void (*ctx_free)(void *ctx))
{
	struct feed_live *l = (struct feed_live *)f;
	pthread_attr_t attr;
	pthread_t t;
	struct rw_error err = RW_ERROR_INIT;

	l->setup_fn = setup;
	l->setup_ctx = ctx;
	l->setup_ctx_free = ctx_free;
	l->setup = SETUP_HISTORY;
	l->refs++;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, feed_live_setup_main, l) != 0) {
		/* No thread: do it here, late rather than never. */
		log_debug(LOG_UI, "feed: cannot start the setup thread: %s", strerror(errno));
		feed_live_load_history(l);
		if (setup(ctx, l->sched, &err) != 0) {
			l->setup_error = err_format(&err);
			err_clear(&err);
		}
		if (ctx_free != NULL)
			ctx_free(ctx);
		pthread_mutex_lock(&l->ctl);
		l->setup = SETUP_DONE;
		l->refs--;
		feed_live_go(l);
		pthread_mutex_unlock(&l->ctl);
	}
	pthread_attr_destroy(&attr);
}

void
feed_live_start(struct feed *f)
{
	struct feed_live *l = (struct feed_live *)f;

	if (l->setup == SETUP_NONE && !l->started)
		feed_live_load_history(l);
	pthread_mutex_lock(&l->ctl);
	feed_live_go(l);
	pthread_mutex_unlock(&l->ctl);
}

static snapshot_kinds
feed_live_sync(struct feed *f, struct snapshot *out, struct feed_gens *gens, int64_t now)
{
	struct feed_live *l = (struct feed_live *)f;
	snapshot_kinds stale = 0, touched = 0, untouched;

	pthread_mutex_lock(&l->lock);
	feed_live_changed(l, snapshot_advance(&l->snap, now), 0);
	for (int k = 0; k < M_KIND_COUNT; k++) {
		if (gens->kind[k] != l->gens.kind[k])
			stale |= SNAPSHOT_KIND(k);
		else if (gens->touch[k] != l->gens.touch[k])
			touched |= SNAPSHOT_KIND(k);
	}
	snapshot_copy_kinds(out, &l->snap, stale);
	snapshot_touch_kinds(out, &l->snap, touched & ~gens->untouched);
	untouched = gens->untouched;
	*gens = l->gens;
	gens->untouched = untouched;
	pthread_mutex_unlock(&l->lock);
	return stale;
}

/* A whole copy: a sync of a copy that holds nothing yet. */
static void
feed_live_snapshot(struct feed *f, struct snapshot *out, int64_t now)
{
	struct feed_gens none;

	snapshot_init(out, now, 1);
	feed_gens_reset(&none);
	feed_live_sync(f, out, &none, now);
}

static int
feed_live_wake_fd(struct feed *f)
{
	return ((struct feed_live *)f)->efd;
}

static void
feed_live_drain(struct feed *f)
{
	wakefd_drain(((struct feed_live *)f)->efd);
}

/* Before the start the setup thread may be adding sources; they all
 * poll at once when it is done anyway. */
static void
feed_live_poll_now(struct feed *f)
{
	struct feed_live *l = (struct feed_live *)f;

	pthread_mutex_lock(&l->ctl);
	if (l->started)
		sched_poll_now(l->sched, NULL);
	pthread_mutex_unlock(&l->ctl);
}

/* The scheduler keeps the flag before it starts too. */
static void
feed_live_set_paused(struct feed *f, int paused)
{
	sched_set_paused(((struct feed_live *)f)->sched, paused);
}

static int
feed_live_paused(struct feed *f)
{
	return sched_paused(((struct feed_live *)f)->sched);
}

static void
feed_live_scale_interval(struct feed *f, double factor)
{
	struct feed_live *l = (struct feed_live *)f;

	pthread_mutex_lock(&l->ctl);
	if (l->started)
		sched_scale_intervals(l->sched, factor, FEED_LIVE_MIN_INTERVAL_MS,
		    FEED_LIVE_MAX_INTERVAL_MS);
	else
		l->scale *= factor;	/* the sources are not there yet */
	pthread_mutex_unlock(&l->ctl);
}

static int
feed_live_submit(struct feed *f, struct batch *b, struct rw_error *err)
{
	(void)err;
	feed_live_apply(f, b);
	return 0;
}

static void
feed_live_request_at(struct feed *f, int64_t at)
{
	struct feed_live *l = (struct feed_live *)f;

	if (l->store == NULL)
		return;
	if (l->replayer == NULL)
		l->replayer = replayer_new(l->store, feed_live_wake_cb, l);
	replayer_request(l->replayer, at);
}

static int
feed_live_snapshot_at(struct feed *f, int64_t at, struct snapshot *out, char **why)
{
	struct feed_live *l = (struct feed_live *)f;

	if (l->store == NULL) {
		*why = xstrdup("no history (--no-history)");
		return -1;
	}
	if (l->replayer == NULL)
		return 0;	/* never asked for */
	return replayer_take(l->replayer, at, out, why);
}

static void
feed_live_note_add(struct buf *b, const char *text)
{
	if (b->len > 0)
		buf_append_str(b, "; ");
	buf_append_str(b, text);
}

/* Most important first: the status line cuts the end when narrow. */
static char *
feed_live_note(struct feed *f, int64_t now, int *style)
{
	struct feed_live *l = (struct feed_live *)f;
	struct buf b = BUF_INIT;
	int64_t history_at;
	int landed;

	*style = CANVAS_INFO;
	pthread_mutex_lock(&l->lock);
	history_at = l->history_at;
	landed = l->landed;
	pthread_mutex_unlock(&l->lock);
	if (!landed && history_at > 0) {
		char age[32];

		buf_printf(&b, "from history, %s old",
		    time_format_age(now > history_at ? now - history_at : 0, age, sizeof age));
		*style = CANVAS_STALE;
	}
	if (l->store != NULL && !l->recording) {
		feed_live_note_add(&b, l->not_recording != NULL ? l->not_recording :
		    "not recording");
		*style = CANVAS_WARNING;
	}
	pthread_mutex_lock(&l->ctl);
	if (l->setup_error != NULL) {
		feed_live_note_add(&b, "cannot start polling: ");
		buf_append_str(&b, l->setup_error);
		*style = CANVAS_CRITICAL;
	}
	if (l->setup == SETUP_HISTORY && l->store != NULL)
		feed_live_note_add(&b, "reading history...");
	else if (l->setup == SETUP_HISTORY || l->setup == SETUP_SOURCES)
		feed_live_note_add(&b, "discovering...");
	pthread_mutex_unlock(&l->ctl);
	return b.len > 0 ? buf_detach(&b) : (buf_free(&b), NULL);
}

/* The last of the feed: its memory. */
static void
feed_live_destroy(struct feed_live *l)
{
	snapshot_free(&l->snap);
	free(l->not_recording);
	free(l->setup_error);
	pthread_cond_destroy(&l->ctl_cond);
	pthread_mutex_destroy(&l->ctl);
	pthread_mutex_destroy(&l->lock);
	close(l->efd);
	free(l);
}

static void
feed_live_free(struct feed *f)
{
	struct feed_live *l = (struct feed_live *)f;
	int running;

	pthread_mutex_lock(&l->ctl);
	/* The history is read on the setup thread before discovery: short,
	 * and the store must outlive it. */
	while (l->setup == SETUP_HISTORY)
		pthread_cond_wait(&l->ctl_cond, &l->ctl);
	running = l->setup == SETUP_SOURCES;
	l->abandoned = running;
	pthread_mutex_unlock(&l->ctl);
	/* Workers first: the sink must not run on a freed snapshot or store.
	 * A setup thread still in discovery keeps the scheduler (not started)
	 * and frees it, and the rest, when it is done. */
	if (!running)
		sched_free(l->sched, FEED_LIVE_STOP_GRACE_MS);
	replayer_free(l->replayer);
	l->replayer = NULL;
	/* Commits what is queued: the user's acknowledgements included. */
	store_close(l->store);
	l->store = NULL;
	if (running)
		log_debug(LOG_UI, "feed: quitting during discovery; the setup thread is left behind");
	feed_live_unref(l);
}

static const struct feed_ops feed_live_ops = {
	.snapshot = feed_live_snapshot,
	.wake_fd = feed_live_wake_fd,
	.drain = feed_live_drain,
	.poll_now = feed_live_poll_now,
	.set_paused = feed_live_set_paused,
	.paused = feed_live_paused,
	.scale_interval = feed_live_scale_interval,
	.submit = feed_live_submit,
	.free = feed_live_free,
	.request_at = feed_live_request_at,
	.snapshot_at = feed_live_snapshot_at,
	.note = feed_live_note,
	.sync = feed_live_sync,
};

struct feed *
feed_live_new(char **why)
{
	struct feed_live *l;
	int efd = wakefd_open(why);

	if (efd < 0)
		return NULL;
	l = xcalloc(1, sizeof *l);
	l->base.ops = &feed_live_ops;
	l->efd = efd;
	l->scale = 1.0;
	l->refs = 1;
	pthread_mutex_init(&l->lock, NULL);
	pthread_mutex_init(&l->ctl, NULL);
	pthread_cond_init(&l->ctl_cond, NULL);
	snapshot_init(&l->snap, time_now_ms(), 1);
	l->sched = sched_new(feed_live_sink, l);
	return &l->base;
}

void
feed_live_set_history(struct feed *f, struct store *st, int recording, const char *why_not)
{
	struct feed_live *l = (struct feed_live *)f;

	l->store = st;
	l->recording = recording;
	free(l->not_recording);
	l->not_recording = why_not != NULL ? xstrdup(why_not) : NULL;
}

struct scheduler *
feed_live_scheduler(struct feed *f)
{
	return ((struct feed_live *)f)->sched;
}
