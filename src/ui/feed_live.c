#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "ui/feed_live.h"

/* Polls in flight get this long to finish when the dashboard quits. */
#define FEED_LIVE_STOP_GRACE_MS 500

struct feed_live {
	struct feed base;	/* first */
	pthread_mutex_t lock;
	struct snapshot snap;
	struct scheduler *sched;
	int started;
	int efd;
};

static void
feed_live_wake(struct feed_live *l)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is already non-zero: awake anyway. */
	if (write(l->efd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_debug(LOG_UI, "feed: cannot signal the eventfd: %s", strerror(errno));
}

void
feed_live_apply(struct feed *f, struct batch *b)
{
	struct feed_live *l = (struct feed_live *)f;

	pthread_mutex_lock(&l->lock);
	snapshot_apply(&l->snap, b);
	pthread_mutex_unlock(&l->lock);
	log_debug(LOG_UI, "feed: applied a %s batch of %zu records", b->source, batch_count(b));
	batch_free(b);
	feed_live_wake(l);
}

/* The scheduler's sink: called on worker threads. */
static void
feed_live_sink(void *ctx, struct batch *b)
{
	feed_live_apply(ctx, b);
}

static void
feed_live_snapshot(struct feed *f, struct snapshot *out, int64_t now)
{
	struct feed_live *l = (struct feed_live *)f;

	pthread_mutex_lock(&l->lock);
	snapshot_advance(&l->snap, now);
	snapshot_copy(out, &l->snap);
	pthread_mutex_unlock(&l->lock);
}

static int
feed_live_wake_fd(struct feed *f)
{
	return ((struct feed_live *)f)->efd;
}

static void
feed_live_drain(struct feed *f)
{
	uint64_t n;

	while (read(((struct feed_live *)f)->efd, &n, sizeof n) == (ssize_t)sizeof n)
		;
}

static void
feed_live_poll_now(struct feed *f)
{
	sched_poll_now(((struct feed_live *)f)->sched, NULL);
}

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
	sched_scale_intervals(((struct feed_live *)f)->sched, factor, FEED_LIVE_MIN_INTERVAL_MS,
	    FEED_LIVE_MAX_INTERVAL_MS);
}

static int
feed_live_submit(struct feed *f, struct batch *b, struct rw_error *err)
{
	(void)err;
	feed_live_apply(f, b);
	return 0;
}

static void
feed_live_free(struct feed *f)
{
	struct feed_live *l = (struct feed_live *)f;

	/* Workers first: the sink must not run on a freed snapshot. */
	sched_free(l->sched, FEED_LIVE_STOP_GRACE_MS);
	snapshot_free(&l->snap);
	pthread_mutex_destroy(&l->lock);
	close(l->efd);
	free(l);
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
};

struct feed *
feed_live_new(char **why)
{
	struct feed_live *l;
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (efd < 0) {
		*why = xasprintf("cannot create an eventfd: %s", strerror(errno));
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->base.ops = &feed_live_ops;
	l->efd = efd;
	pthread_mutex_init(&l->lock, NULL);
	snapshot_init(&l->snap, time_now_ms(), 1);
	l->sched = sched_new(feed_live_sink, l);
	return &l->base;
}

struct scheduler *
feed_live_scheduler(struct feed *f)
{
	return ((struct feed_live *)f)->sched;
}

void
feed_live_start(struct feed *f)
{
	struct feed_live *l = (struct feed_live *)f;

	if (!l->started) {
		sched_start(l->sched);
		l->started = 1;
	}
}
