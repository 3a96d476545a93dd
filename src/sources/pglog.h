/* The pglog source: failed logins from a self-managed server's log file
 * (log_file in [instance ID]), read incrementally like tail -F: across
 * rotation by rename (the old file is read to its end, then the new one
 * from its start) and truncation in place (copytruncate: read again from
 * the start). Lines go through the shared parser (sources/logline.h);
 * log_line_prefix in the same section says how the server prefixes them
 * (default RDS's "%t:%r:%u@%d:[%p]:"). */
#ifndef RW_SOURCES_PGLOG_H
#define RW_SOURCES_PGLOG_H

#include "core/config.h"
#include "core/err.h"
#include "sources/source.h"

#define PGLOG_INTERVAL_MS 5000
#define PGLOG_TIMEOUT_MS 10000
/* A first read of a large file starts this far from its end. */
#define PGLOG_BACKLOG_MAX (16 << 20)

extern const struct source_ops pglog_source_ops;

/* The pglog source of INSTANCE, or NULL: with ERR set for a bad setting,
 * with ERR clear when the instance has no log_file. */
struct source *pglog_source_new(const struct config *cfg, const char *instance,
    struct rw_error *err);

#endif
