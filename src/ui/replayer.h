/* Snapshots from history for the dashboard, read on a thread of their
 * own so the UI thread never waits on SQLite: the UI asks for a moment T,
 * the thread reads store_snapshot_at(T) and calls WAKE (the feed signals
 * its wake descriptor); the UI then takes the answer for the T it wants.
 * Only the newest request counts: stepping through time quickly reads
 * what the user stops at, not every step. */
#ifndef RW_UI_REPLAYER_H
#define RW_UI_REPLAYER_H

#include <stdint.h>

#include "store/store.h"
#include "view/snapshot.h"

struct replayer;

/* ST stays the caller's and must outlive the replayer. */
struct replayer *replayer_new(struct store *st, void (*wake)(void *ctx), void *ctx);
void replayer_free(struct replayer *r);
/* Asks for the snapshot of AT (non-blocking). */
void replayer_request(struct replayer *r, int64_t at);
/* 1 and uninitialized OUT filled (a copy) when the snapshot of AT is
 * ready; 0 while it is being read (or was never asked for); -1 with *WHY
 * (newly allocated) when it could not be read. */
int replayer_take(struct replayer *r, int64_t at, struct snapshot *out, char **why);

#endif
