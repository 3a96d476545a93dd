/* The pg source: one per instance, one kept-open connection, a poll every
 * poll_interval (default 5 s) that fills the batch with the instance's
 * sessions, pg_health, xid ages, replication slots and pg_settings
 * parameters (pg/pg_poll.h). When the server cannot be reached the batch
 * carries pg_health with connected = 0 and the error goes to the source's
 * health; the last sessions stay, marked stale by the health. */
#ifndef RW_SOURCES_PG_H
#define RW_SOURCES_PG_H

#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "pg/pg_params.h"
#include "sources/source.h"

struct pg_poller;

#define PG_SOURCE_INTERVAL_MS 5000
#define PG_SOURCE_TIMEOUT_MS 10000

extern const struct source_ops pg_source_ops;

/* Whether INSTANCE gets a pg source ([instance ID] or [pg] enabled,
 * default yes). Returns 1, 0, or -1 with ERR for a bad value. */
int pg_source_wanted(const struct config *cfg, const char *instance, struct rw_error *err);

/* The pg source of INSTANCE, whose endpoint is HOST:PORT (from discovery;
 * NULL/0 for a server known only from config). CFG may be NULL. Returns
 * NULL with ERR for a configuration it cannot use. */
struct source *pg_source_new(const struct config *cfg, const char *instance, const char *host,
    int port, const char *region, struct rw_error *err);

/* YES 1 (the default): a poll of S (a pg source) names the sessions
 * unchanged since the last poll instead of carrying them (model/batch.h);
 * 0: every poll carries them all, for callers that read batches themselves. */
void pg_source_name_unchanged(struct source *s, int yes);

/* S's poller, for tests and the bench that look inside a poll. */
struct pg_poller *pg_source_poller(struct source *s);

/* The same from resolved parameters (taken over, also on failure), for
 * callers that bring their own credential provider. */
struct source *pg_source_new_params(struct pg_params *p, const struct config *cfg,
    struct rw_error *err);

#endif
