/* The history feed (`rdswatch replay`): snapshots at any past T read from
 * a history file, and nothing else. It never polls (its polls op says
 * so, and the dashboard refuses refresh, pause and acknowledgements); it
 * answers request_at/snapshot_at with the replayer (ui/replayer.h), so
 * the UI thread never waits on SQLite. */
#ifndef RW_UI_FEED_HISTORY_H
#define RW_UI_FEED_HISTORY_H

#include <stdint.h>

#include "store/store.h"
#include "ui/feed.h"

/* A feed on ST (a read-only store, which passes to the feed: feed_free
 * closes it) at moment AT, whose snapshot is asked for at once. Returns
 * NULL with *why set when the feed's eventfd cannot be made (ST is then
 * still the caller's). */
struct feed *feed_history_new(struct store *st, int64_t at, char **why);

#endif
