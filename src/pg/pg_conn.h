/* One kept-open libpq connection per instance: connects with a deadline
 * (libpq's async API, so a poll never outlives its deadline), sets the
 * monitoring session up (statement_timeout, lock_timeout, read-only,
 * search_path pg_catalog), reconnects with exponential backoff, and
 * retries once at once after an authentication failure when the
 * credential provider fetched a new secret (rotation). */
#ifndef RW_PG_PG_CONN_H
#define RW_PG_PG_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "pg/pg_params.h"

#define PG_CONN_BACKOFF_MIN_MS 1000
#define PG_CONN_BACKOFF_MAX_MS 60000

struct pg_conn {
	const struct pg_params *params;	/* borrowed */
	PGconn *conn;
	int failures;		/* consecutive failed connects */
	int64_t retry_at;	/* time_mono_ms before which no attempt is made */
	struct rw_error last_err;
	int64_t connects;	/* successful connects */
	int64_t auth_failures;	/* refused logins (each one is in the server's log) */
	int64_t queries;	/* round trips, for source health */
};

void pg_conn_init(struct pg_conn *c, const struct pg_params *p);
void pg_conn_close(struct pg_conn *c);
void pg_conn_free(struct pg_conn *c);

/* Makes sure C is connected (connecting when the backoff allows it).
 * Returns 0, or -1 with ERR (kind ERR_AUTH for refused credentials,
 * ERR_CONFIG, ERR_NETWORK, ERR_TIMEOUT). */
int pg_conn_ensure(struct pg_conn *c, int64_t deadline, struct rw_error *err);

/* Sends SQL (one or more statements: one round trip) and collects its
 * results into RES (at most MAX; *N set). Every result must be tuples or
 * command OK. Returns 0, or -1 with ERR (the SQLSTATE as code) and RES
 * cleared; a lost connection is closed, a deadline passed closes it too
 * (the server's statement_timeout ends the query there). */
int pg_conn_query(struct pg_conn *c, const char *sql, PGresult **res, size_t max, size_t *n,
    int64_t deadline, struct rw_error *err);
void pg_conn_results_clear(PGresult **res, size_t n);

#endif
