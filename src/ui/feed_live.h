/* The live feed: a scheduler's batches applied to an in-memory snapshot
 * under a mutex, each one signalling an eventfd the dashboard polls.
 *
 * With a history (feed_live_set_history), every batch - each poll's and
 * the user's acknowledgements and snoozes - is applied to the snapshot
 * and then handed to the store; the snapshot starts from the last known
 * state in history (the status note says how old it is until the first
 * poll lands), and replay requests are answered from it (ui/replayer.h).
 *
 * feed_live_start_async() builds the sources (discovery can take
 * seconds) on a thread of its own, so the screen opens at once; pausing
 * and scaling the interval meanwhile take effect when polling starts,
 * and freeing the feed meanwhile does not wait for discovery. */
#ifndef RW_UI_FEED_LIVE_H
#define RW_UI_FEED_LIVE_H

#include "core/err.h"
#include "sources/scheduler.h"
#include "store/store.h"
#include "ui/feed.h"

/* Bounds of a source's interval when the user scales it. */
#define FEED_LIVE_MIN_INTERVAL_MS 1000
#define FEED_LIVE_MAX_INTERVAL_MS (60 * 60 * 1000)

/* A feed with its own scheduler (no sources yet). Returns NULL with *why
 * set when the eventfd cannot be made. */
struct feed *feed_live_new(char **why);
/* Gives the feed its history before it starts; the feed closes ST when
 * freed. RECORDING 0 (a read-only store: another process writes the
 * file): nothing is submitted, and WHY_NOT (copied; may be NULL) is what
 * the status note says instead, e.g. "history in use by pid 42: not
 * recording". */
void feed_live_set_history(struct feed *f, struct store *st, int recording, const char *why_not);
/* The scheduler, to add sources to before feed_live_start. */
struct scheduler *feed_live_scheduler(struct feed *f);
/* Loads the last known state from history (when there is one) and starts
 * polling, on the calling thread. */
void feed_live_start(struct feed *f);

/* Builds the sources on the setup thread: adds them to SC (the feed's
 * scheduler) and returns 0, or -1 with ERR (the status note shows it). */
typedef int (*feed_live_setup_fn)(void *ctx, struct scheduler *sc, struct rw_error *err);
/* Returns at once; a thread loads the last known state from history,
 * calls SETUP(CTX, ...) and starts polling. Until then the note says
 * "discovering...". CTX_FREE(CTX) (may be NULL) is the last thing that
 * thread does beyond releasing the feed's memory. Freeing the feed
 * during SETUP does not wait for it: the thread is left to finish by
 * itself (its sources are then dropped), so what CTX points to must be
 * CTX's own, and a caller about to exit while CTX_FREE has not run should
 * leave with _exit() rather than tear down the libraries under it. */
void feed_live_start_async(struct feed *f, feed_live_setup_fn setup, void *ctx,
    void (*ctx_free)(void *ctx));
/* Applies B as if a source had sent it (the scheduler's sink; also used
 * by tests), then hands it to the history. Takes ownership. */
void feed_live_apply(struct feed *f, struct batch *b);

#endif
