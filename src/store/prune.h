/* Retention and downsampling, in small steps on the writer's connection
 * between commits, so the UI never waits on them:
 *   - raw metric samples older than the raw window become 5-minute
 *     aggregates (avg, min, max, count), one bucket at a time;
 *   - state samples and the poll log older than the raw window keep the
 *     last row of each 5 minutes;
 *   - everything older than the retention goes, except the version and
 *     sample of a still-open interval that say what it was at the cutoff. */
#ifndef RW_STORE_PRUNE_H
#define RW_STORE_PRUNE_H

#include <stdint.h>

#include "store/apply.h"

#define STORE_BUCKET_MS (5 * 60 * 1000LL)

/* Does pruning work as of NOW for about BUDGET_MS. Returns 1 when work is
 * left, 0 when done, -1 with ERR set on failure. */
int store_prune_step(struct store_writer *w, int64_t now, int64_t budget_ms, struct rw_error *err);

#endif
