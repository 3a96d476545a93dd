/* Where the dashboard gets its snapshots and sends what the user does.
 * The dashboard loop only ever talks to a feed: it never touches the
 * network, a source or the store. A feed is a small vtable:
 *   - the live feed (feed_live.c): the scheduler's pollers apply their
 *     batches to an in-memory snapshot (and hand them to the history
 *     store) and wake the loop; it starts from the last known state in
 *     history and answers replay requests from it;
 *   - the history feed (feed_history.c, `rdswatch replay`): snapshots at
 *     any past T from history, no polling.
 * Every call is non-blocking, so the UI thread never waits on I/O: a
 * snapshot from history is read by a thread of its own (ui/replayer.h)
 * and announced on the wake descriptor. */
#ifndef RW_UI_FEED_H
#define RW_UI_FEED_H

#include <stdint.h>

#include "core/err.h"
#include "model/batch.h"
#include "view/snapshot.h"

struct feed;

/* What a copy kept by feed_sync holds: the feed's change counter of
 * each kind when it was copied. */
struct feed_gens {
	uint64_t kind[M_KIND_COUNT];
	uint64_t touch[M_KIND_COUNT];	/* the same for poll times only */
	/* Kinds whose poll times alone the copy does not follow (its owner
	 * never reads them): set by the owner, kept by feed_sync. */
	snapshot_kinds untouched;
};

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
	/* Replay (NULL when the feed has no history): asks for the
	 * snapshot of AT; the answer comes later, with a wake-up. */
	void (*request_at)(struct feed *f, int64_t at);
	/* 1 and uninitialized OUT filled when the snapshot of AT is ready;
	 * 0 while it is read; -1 with *WHY when it cannot be. */
	int (*snapshot_at)(struct feed *f, int64_t at, struct snapshot *out, char **why);
	/* What the status line should say about the feed itself
	 * ("discovering...", "history read-only", the age of the state
	 * shown from history) and in which colour role; NULL when nothing.
	 * May be NULL. */
	char *(*note)(struct feed *f, int64_t now, int *style);
	/* Whether the feed polls (0: history only). May be NULL (it polls). */
	int (*polls)(struct feed *f);
	/* Brings OUT (a snapshot this call filled before, or an empty one
	 * with GENS from feed_gens_reset) to the current snapshot moved to
	 * NOW, copying only the kinds that changed since (GENS records what
	 * OUT holds), so the dashboard and the rules keep their copies
	 * without copying the fleet every tick (a kind whose records only
	 * had their poll times move costs those times). Returns the kinds
	 * whose records changed.
	 * May be NULL (a whole copy every time). */
	snapshot_kinds (*sync)(struct feed *f, struct snapshot *out, struct feed_gens *gens,
	    int64_t now);
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

static inline int
feed_has_history(struct feed *f)
{
	return f->ops->request_at != NULL && f->ops->snapshot_at != NULL;
}

static inline void
feed_request_at(struct feed *f, int64_t at)
{
	if (feed_has_history(f))
		f->ops->request_at(f, at);
}

static inline int
feed_snapshot_at(struct feed *f, int64_t at, struct snapshot *out, char **why)
{
	if (!feed_has_history(f)) {
		*why = NULL;
		return -1;
	}
	return f->ops->snapshot_at(f, at, out, why);
}

static inline char *
feed_note(struct feed *f, int64_t now, int *style)
{
	return f->ops->note != NULL ? f->ops->note(f, now, style) : NULL;
}

static inline int
feed_polls(struct feed *f)
{
	return f->ops->polls == NULL || f->ops->polls(f);
}

/* Marks a copy as holding nothing known: the next feed_sync copies
 * every kind. */
static inline void
feed_gens_reset(struct feed_gens *g)
{
	for (int k = 0; k < M_KIND_COUNT; k++)
		g->kind[k] = g->touch[k] = UINT64_MAX;
	g->untouched = 0;
}

static inline snapshot_kinds
feed_sync(struct feed *f, struct snapshot *out, struct feed_gens *gens, int64_t now)
{
	if (f->ops->sync != NULL)
		return f->ops->sync(f, out, gens, now);
	snapshot_free(out);
	f->ops->snapshot(f, out, now);
	return SNAPSHOT_ALL_KINDS;
}

static inline void
feed_free(struct feed *f)
{
	if (f != NULL)
		f->ops->free(f);
}

#endif
