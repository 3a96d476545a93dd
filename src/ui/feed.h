/* Where the dashboard gets its snapshots and sends what the user does.
 * The dashboard loop only ever talks to a feed: it never touches the
 * network, a source or the store. A feed is a small vtable:
 *   - the live feed (feed_live.c): the scheduler's pollers apply their
 *     batches to an in-memory snapshot and wake the loop;
 *   - a history feed (when the store lands): the same, starting from the
 *     last known state in history, with snapshots at any past T for
 *     replay.
 * Every call is non-blocking, so the UI thread never waits on I/O. */
#ifndef RW_UI_FEED_H
#define RW_UI_FEED_H

#include <stdint.h>

#include "core/err.h"
#include "model/batch.h"
#include "view/snapshot.h"

struct feed;

struct feed_ops {
	/* A deep copy of the current snapshot, moved to NOW, into
	 * uninitialized OUT. */
	void (*snapshot)(struct feed *f, struct snapshot *out, int64_t now);
	/* A descriptor that becomes readable when new data has landed. */
	int (*wake_fd)(struct feed *f);
	/* Empties the wake descriptor (after poll(2) said it was readable). */
	void (*drain)(struct feed *f);
	void (*poll_now)(struct feed *f);
	void (*set_paused)(struct feed *f, int paused);
	int (*paused)(struct feed *f);
	/* Multiplies every source's interval by FACTOR (within the feed's
	 * bounds). */
	void (*scale_interval)(struct feed *f, double factor);
	/* Takes a batch the user made (an acknowledgement): ownership
	 * passes. Returns 0, or -1 with ERR set. */
	int (*submit)(struct feed *f, struct batch *b, struct rw_error *err);
	void (*free)(struct feed *f);
};

struct feed {
	const struct feed_ops *ops;
};

static inline void
feed_snapshot(struct feed *f, struct snapshot *out, int64_t now)
{
	f->ops->snapshot(f, out, now);
}

static inline int
feed_wake_fd(struct feed *f)
{
	return f->ops->wake_fd(f);
}

static inline void
feed_drain(struct feed *f)
{
	f->ops->drain(f);
}

static inline void
feed_poll_now(struct feed *f)
{
	f->ops->poll_now(f);
}

static inline void
feed_set_paused(struct feed *f, int paused)
{
	f->ops->set_paused(f, paused);
}

static inline int
feed_paused(struct feed *f)
{
	return f->ops->paused(f);
}

static inline void
feed_scale_interval(struct feed *f, double factor)
{
	f->ops->scale_interval(f, factor);
}

static inline int
feed_submit(struct feed *f, struct batch *b, struct rw_error *err)
{
	return f->ops->submit(f, b, err);
}

static inline void
feed_free(struct feed *f)
{
	if (f != NULL)
		f->ops->free(f);
}

#endif
