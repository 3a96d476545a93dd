#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "ui/feed_history.h"
#include "ui/replayer.h"
#include "ui/wakefd.h"

struct feed_history {
	struct feed base;	/* first */
	struct store *st;
	struct replayer *rp;
	int efd;
	/* The moment asked for last, and the newest snapshot read (the
	 * previous moment's while the current one is being read). */
	int64_t at;
	struct snapshot last;
};

/* The replayer's wake-up, on its thread: only the eventfd is touched. */
static void
feed_history_wake(void *ctx)
{
	wakefd_signal(((struct feed_history *)ctx)->efd);
}

/* A replay does not move with the clock: NOW is not used. */
static void
feed_history_snapshot(struct feed *f, struct snapshot *out, int64_t now)
{
	struct feed_history *h = (struct feed_history *)f;
	struct snapshot fresh;
	char *why = NULL;

	(void)now;
	if (replayer_take(h->rp, h->at, &fresh, &why) == 1) {
		snapshot_free(&h->last);
		h->last = fresh;
	}
	free(why);
	snapshot_copy(out, &h->last);
}

static int
feed_history_wake_fd(struct feed *f)
{
	return ((struct feed_history *)f)->efd;
}

static void
feed_history_drain(struct feed *f)
{
	wakefd_drain(((struct feed_history *)f)->efd);
}

/* Polling controls: there is nothing to poll. The dashboard asks
 * feed_polls() and refuses these keys with a message instead. */
static void
feed_history_poll_now(struct feed *f)
{
	(void)f;
}

static void
feed_history_set_paused(struct feed *f, int paused)
{
	(void)f, (void)paused;
}

static int
feed_history_paused(struct feed *f)
{
	(void)f;
	return 0;
}

static void
feed_history_scale_interval(struct feed *f, double factor)
{
	(void)f, (void)factor;
}

static int
feed_history_submit(struct feed *f, struct batch *b, struct rw_error *err)
{
	(void)f;
	batch_free(b);
	err_set(err, ERR_INTERNAL, "history", "submit",
	    "a replay changes nothing: the history is open read-only");
	return -1;
}

static void
feed_history_request_at(struct feed *f, int64_t at)
{
	struct feed_history *h = (struct feed_history *)f;

	h->at = at;
	replayer_request(h->rp, at);
}

static int
feed_history_snapshot_at(struct feed *f, int64_t at, struct snapshot *out, char **why)
{
	return replayer_take(((struct feed_history *)f)->rp, at, out, why);
}

static int
feed_history_polls(struct feed *f)
{
	(void)f;
	return 0;
}

static void
feed_history_free(struct feed *f)
{
	struct feed_history *h = (struct feed_history *)f;

	/* The replayer's thread first: it reads the store. */
	replayer_free(h->rp);
	store_close(h->st);
	snapshot_free(&h->last);
	close(h->efd);
	free(h);
}

static const struct feed_ops feed_history_ops = {
	.snapshot = feed_history_snapshot,
	.wake_fd = feed_history_wake_fd,
	.drain = feed_history_drain,
	.poll_now = feed_history_poll_now,
	.set_paused = feed_history_set_paused,
	.paused = feed_history_paused,
	.scale_interval = feed_history_scale_interval,
	.submit = feed_history_submit,
	.free = feed_history_free,
	.request_at = feed_history_request_at,
	.snapshot_at = feed_history_snapshot_at,
	.polls = feed_history_polls,
};

struct feed *
feed_history_new(struct store *st, int64_t at, char **why)
{
	struct feed_history *h;
	int efd = wakefd_open(why);

	if (efd < 0)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->base.ops = &feed_history_ops;
	h->st = st;
	h->efd = efd;
	h->at = at;
	/* Until the first answer: the moment, empty, as a replay. */
	snapshot_init(&h->last, at, 0);
	h->rp = replayer_new(st, feed_history_wake, h);
	replayer_request(h->rp, at);
	return &h->base;
}
