/* One poll of a whole fleet into an in-memory snapshot, shared by `once`
 * and `doctor`: every source polls once, concurrently, through the
 * scheduler; each batch is applied to the snapshot and then handed on to
 * HISTORY when one is given (the seam for the history store: its
 * store_submit is a scheduler sink), else freed. Returns within the
 * sources' largest poll timeout plus a second, whatever hangs. */
#ifndef RW_CMD_CMD_POLL_H
#define RW_CMD_CMD_POLL_H

#include "sources/fleet.h"
#include "sources/scheduler.h"
#include "view/snapshot.h"

struct cmd_poll_sink {
	sched_sink history;	/* NULL: no history */
	void *history_ctx;
	/* Called first with each batch (NULL: none): what was known before
	 * this process (history) amends it for the snapshot and history. */
	void (*prepare)(void *ctx, struct batch *b);
	void *prepare_ctx;
};

/* Polls F's sources once into SNAP (initialized by the caller, live).
 * The sources are handed to a scheduler and freed with it. Returns how
 * many polls timed out. */
int cmd_poll_once(struct fleet *f, struct snapshot *snap, const struct cmd_poll_sink *sink);

/* Prepares B (SINK's prepare), hands it to SNAP and on to SINK's history
 * (or frees it). */
void cmd_poll_deliver(struct snapshot *snap, const struct cmd_poll_sink *sink, struct batch *b);

#endif
