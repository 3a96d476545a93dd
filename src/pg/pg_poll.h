/* One poll of one server: a single round trip (several statements in one
 * simple-protocol message) reading the server's health, every database's
 * transaction ID age, every client backend - idle ones too - from ONE
 * call of pg_stat_get_activity(NULL) (its TLS columns included: joining
 * the pg_stat_activity and pg_stat_ssl views calls it twice), the
 * replication slots and the settings of domain.md section 3. The rows
 * become records in the poll's batch through the sanitizing setters.
 * Roles new to the cache cost a second round trip (pg/pg_roles.h).
 *
 * Between full polls the server leaves out the sessions that have been
 * steady (idle, waiting on their client) since before the last poll: it
 * sends their pid and start only, and the poll names them as that poll
 * saw them. Most sessions of a pool are idle most of the time, so a poll
 * reads a few rows instead of every one. */
#ifndef RW_PG_PG_POLL_H
#define RW_PG_PG_POLL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "model/batch.h"
#include "pg/pg_conn.h"
#include "pg/pg_roles.h"
#include "pg/pg_seen.h"

/* The poll's statements into OUT (reset), for the poller, the bench's
 * bare libpq fetch of the same rows and tests that look at what the
 * server sends. Results, in order: health, databases, sessions, slots,
 * settings. Sessions idle and waiting on their client since before
 * STEADY_BEFORE (server epoch ms; 0: none are) are not rows of their
 * own: one last row, its pid NULL, lists them as "pid start pid start"
 * (start in epoch ms) in its last column (NULL when there are none). */
void pg_poll_sql(struct buf *out, int64_t steady_before);

/* The next pid and start from *CURSOR, a list as above: 1 (CURSOR moved
 * past them), 0 at its end, -1 for anything else. */
int pg_poll_kept_next(const char **cursor, int64_t *pid, int64_t *start);

#define PG_POLL_QUERY_MAX_DEFAULT 512

/* Every session is carried in full at least this often, so a consumer
 * that missed a batch (model/batch.h: it then takes the named ones as
 * unknown, and keeps what it holds) holds them all again. */
#define PG_POLL_FULL_MS (5 * 60 * 1000LL)

/* Every session is read from the server (none left out as steady) at
 * least this often; those unchanged are still named. */
#define PG_POLL_SCAN_MS (60 * 1000LL)

/* A session is left out only if it has been steady since this long
 * before the last poll's server clock. */
#define PG_POLL_SETTLE_MS 5000

struct pg_poller {
	char *instance;		/* sanitized */
	size_t query_max;	/* bytes of query text kept; 0: none */
	int mask_literals;
	struct pg_roles roles;
	struct buf scratch;	/* reused for every row's query text */
	struct buf sql;		/* the poll's statements */
	/* 1 (the default): a session unchanged since the last poll is named
	 * in the batch, not carried (batch_same_add); 0: all carried. */
	int name_unchanged;
	struct pg_seen seen;	/* the last poll's sessions */
	struct pg_seen next;	/* this poll's, becoming SEEN when it succeeds */
	int64_t full_due;	/* time_mono_ms of the next poll carrying all */
	int64_t scan_due;	/* ... of the next reading all from the server */
	int64_t roles_at;	/* the role cache's loaded_at then */
	int64_t settle_ms;	/* PG_POLL_SETTLE_MS; tests shorten it */
	int64_t server_now;	/* the last poll's server clock, epoch ms */
	size_t kept;		/* sessions the last poll had left out */
	uint64_t settings_hash;	/* of the settings the last poll read */
	uint64_t refetches;	/* polls asked again for all: one left out unknown */
};

void pg_poller_init(struct pg_poller *p, const char *instance, size_t query_max,
    int mask_literals);
void pg_poller_free(struct pg_poller *p);

/* Runs the poll on the connected C and fills B (covers the instance;
 * complete for sessions, pg_health, xid ages and slots; pg_settings
 * parameters upserted). TLS_MODE and TLS_VERIFIED describe the
 * connection for pg_health. Returns 0, or -1 with ERR (B then holds
 * nothing from this poll). */
int pg_poller_poll(struct pg_poller *p, struct pg_conn *c, struct batch *b, int64_t deadline,
    struct rw_error *err);

#endif
