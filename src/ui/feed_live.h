/* The live feed: a scheduler's batches applied to an in-memory snapshot
 * under a mutex, each one signalling an eventfd the dashboard polls. */
#ifndef RW_UI_FEED_LIVE_H
#define RW_UI_FEED_LIVE_H

#include "sources/scheduler.h"
#include "ui/feed.h"

/* Bounds of a source's interval when the user scales it. */
#define FEED_LIVE_MIN_INTERVAL_MS 1000
#define FEED_LIVE_MAX_INTERVAL_MS (60 * 60 * 1000)

/* A feed with its own scheduler (no sources yet). Returns NULL with *why
 * set when the eventfd cannot be made. */
struct feed *feed_live_new(char **why);
/* The scheduler, to add sources to before feed_live_start. */
struct scheduler *feed_live_scheduler(struct feed *f);
void feed_live_start(struct feed *f);
/* Applies B as if a source had sent it (the scheduler's sink; also used
 * by tests). Takes ownership. */
void feed_live_apply(struct feed *f, struct batch *b);

#endif
