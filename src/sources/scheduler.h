/* The scheduler runs each source's polls on its own worker thread, on the
 * source's schedule with jitter (so a fleet is not polled in bursts), and
 * hands every batch to a sink (the store writer, or `once`'s in-memory
 * snapshot). Nothing here ever blocks the caller: the UI thread only
 * calls the non-blocking controls below.
 *
 * Health: when a poll starts, the sink gets a batch holding only the
 * source's health with updating = 1; when it ends, the poll's batch with
 * the health filled in (ok, last_success, latency, calls, error, next
 * poll, consecutive failures). A poll still running TIMEOUT after its
 * start is abandoned: its health reports a timeout, and whatever it
 * returns later is discarded. */
#ifndef RW_SOURCES_SCHEDULER_H
#define RW_SOURCES_SCHEDULER_H

#include <stdint.h>

#include "model/batch.h"
#include "sources/source.h"

struct scheduler;

/* Receives each batch (ownership passes to the sink). Called from worker
 * threads, concurrently: the sink must be thread-safe. */
typedef void (*sched_sink)(void *ctx, struct batch *b);

struct scheduler *sched_new(sched_sink sink, void *ctx);
/* Adds a source before sched_start(); the scheduler owns it. */
void sched_add(struct scheduler *sc, struct source *s);
size_t sched_count(const struct scheduler *sc);
void sched_start(struct scheduler *sc);

/* Polls every source once, concurrently, and returns when all have
 * reported or DEADLINE (time_mono_ms clock) has passed; sources still
 * running are reported as timed out. Returns how many timed out. Use
 * instead of sched_start(). */
int sched_run_once(struct scheduler *sc, int64_t deadline);

/* Controls for the UI (non-blocking). NAME NULL means every source. */
void sched_poll_now(struct scheduler *sc, const char *name);
void sched_set_paused(struct scheduler *sc, int paused);
int sched_paused(const struct scheduler *sc);
/* Multiplies every interval by FACTOR (e.g. 2.0 or 0.5), clamped to
 * [MIN, MAX] ms per source; returns the new interval of the first source. */
int64_t sched_scale_intervals(struct scheduler *sc, double factor, int64_t min, int64_t max);

/* Stops the workers: polls in flight get until GRACE_MS to finish; a worker
 * stuck past that is left behind (detached) and its results dropped.
 * Frees the scheduler and its sources (those not stuck). */
void sched_free(struct scheduler *sc, int64_t grace_ms);

#endif
