#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg/pg_conn.h"

void
pg_conn_init(struct pg_conn *c, const struct pg_params *p)
{
	memset(c, 0, sizeof *c);
	c->params = p;
}

void
pg_conn_close(struct pg_conn *c)
{
	if (c->conn != NULL) {
		PQfinish(c->conn);
		c->conn = NULL;
	}
}

void
pg_conn_free(struct pg_conn *c)
{
	pg_conn_close(c);
	err_clear(&c->last_err);
}

/* libpq's message without its trailing newline (and, for a multi-line
 * one, with lines joined by "; "). */
static char *
pg_conn_message(PGconn *conn)
{
	const char *m = conn != NULL ? PQerrorMessage(conn) : "out of memory";
	struct buf b = BUF_INIT;

	for (const char *p = m; *p != '\0'; p++) {
		if (*p == '\n') {
			if (p[1] != '\0')
				buf_append_str(&b, "; ");
		} else {
			buf_append_char(&b, *p);
		}
	}
	return buf_detach(&b);
}

/* Waits until FD is ready for EVENTS or DEADLINE passes: 1 ready, 0
 * timed out, -1 error. */
static int
pg_conn_wait(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - time_mono_ms();
		struct pollfd pfd = { fd, events, 0 };
		int r;

		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static void
pg_conn_backoff(struct pg_conn *c, const struct rw_error *why)
{
	int64_t delay = PG_CONN_BACKOFF_MIN_MS;

	c->failures++;
	for (int i = 1; i < c->failures && delay < PG_CONN_BACKOFF_MAX_MS; i++)
		delay *= 2;
	if (delay > PG_CONN_BACKOFF_MAX_MS)
		delay = PG_CONN_BACKOFF_MAX_MS;
	c->retry_at = time_mono_ms() + delay;
	err_copy(&c->last_err, why);
	log_debug(LOG_PG, "%s: connect failed (%d in a row), next attempt in %lld ms",
	    c->params->instance, c->failures, (long long)delay);
}

/* Whether a failed connect was the server refusing the credentials. */
static int
pg_conn_auth_refused(PGconn *conn)
{
	const char *m = PQerrorMessage(conn);

	return PQconnectionNeedsPassword(conn) || strstr(m, "authentication failed") != NULL ||
	    strstr(m, "password is required") != NULL;
}

/* One connection attempt, by DEADLINE. Returns 0, 1 when the server
 * refused the credentials, or -1 with ERR. */
static int
pg_conn_attempt(struct pg_conn *c, int64_t deadline, struct rw_error *err)
{
	const struct pg_params *p = c->params;
	const char *keys[PG_PARAMS_MAX_KEYS], *vals[PG_PARAMS_MAX_KEYS];
	struct pg_cred_target t = { p->instance, p->host, p->port, p->user, p->region };
	struct pg_cred cred = { NULL, NULL };
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	int64_t start = time_mono_ms(), until = start + p->connect_timeout_ms;
	PGconn *conn;
	char *msg;

	if (until > deadline)
		until = deadline;
	if (p->cred->ops->get(p->cred, &t, &cred, deadline, err) != 0)
		return -1;
	pg_params_keywords(p, cred.user, cred.password, keys, vals);
	conn = PQconnectStartParams(keys, vals, 0);
	/* libpq holds its own copy now. */
	pg_cred_wipe(&cred);
	if (conn == NULL) {
		err_set(err, ERR_INTERNAL, "postgresql", "connect", "out of memory");
		return -1;
	}
	while (PQstatus(conn) != CONNECTION_BAD && st != PGRES_POLLING_OK &&
	    st != PGRES_POLLING_FAILED) {
		int r = pg_conn_wait(PQsocket(conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
		    until);

		if (r <= 0) {
			PQfinish(conn);
			err_set(err, r == 0 ? ERR_TIMEOUT : ERR_NETWORK, "postgresql", "connect",
			    "%s:%d: no answer within %lld ms", p->host, p->port,
			    (long long)(until - start));
			return -1;
		}
		st = PQconnectPoll(conn);
	}
	if (PQstatus(conn) == CONNECTION_OK) {
		c->conn = conn;
		return 0;
	}
	msg = pg_conn_message(conn);
	if (pg_conn_auth_refused(conn)) {
		err_set(err, ERR_AUTH, "postgresql", "connect", "%s", msg);
		err_set_code(err, "28P01");
		free(msg);
		PQfinish(conn);
		c->auth_failures++;
		return 1;
	}
	err_set(err, ERR_NETWORK, "postgresql", "connect", "%s", msg);
	free(msg);
	PQfinish(conn);
	return -1;
}

/* Settings of the monitoring session: every query it runs is bounded
 * and read-only, and names resolve in pg_catalog first. */
static int
pg_conn_setup(struct pg_conn *c, int64_t deadline, struct rw_error *err)
{
	PGresult *res[4];
	size_t n;
	char *sql = xasprintf("SET statement_timeout = %lld; SET lock_timeout = %lld; "
	    "SET default_transaction_read_only = on; SET search_path = pg_catalog",
	    (long long)c->params->statement_timeout_ms, (long long)c->params->lock_timeout_ms);
	int rc = pg_conn_query(c, sql, res, 4, &n, deadline, err);

	free(sql);
	if (rc == 0)
		pg_conn_results_clear(res, n);
	return rc;
}

int
pg_conn_ensure(struct pg_conn *c, int64_t deadline, struct rw_error *err)
{
	int rc;

	if (c->conn != NULL && PQstatus(c->conn) == CONNECTION_OK)
		return 0;
	pg_conn_close(c);
	if (c->retry_at > time_mono_ms()) {
		err_copy(err, &c->last_err);
		return -1;
	}
	if (pg_params_check_tls(c->params, err) != 0) {
		pg_conn_backoff(c, err);
		return -1;
	}
	rc = pg_conn_attempt(c, deadline, err);
	/* Refused: a provider whose secret may have rotated fetches it
	 * again, and one more attempt uses it (one failed login, not a
	 * failure per poll until someone restarts rdswatch). */
	if (rc == 1 && c->params->cred->ops->on_auth_failure != NULL &&
	    c->params->cred->ops->on_auth_failure(c->params->cred)) {
		log_debug(LOG_PG, "%s: credentials refused; fetching them again", c->params->instance);
		err_clear(err);
		rc = pg_conn_attempt(c, deadline, err);
	}
	if (rc == 0 && pg_conn_setup(c, deadline, err) != 0) {
		pg_conn_close(c);
		rc = -1;
	}
	if (rc != 0) {
		pg_conn_backoff(c, err);
		return -1;
	}
	c->failures = 0;
	c->retry_at = 0;
	c->connects++;
	err_clear(&c->last_err);
	log_debug(LOG_PG, "%s: connected (server %d, backend pid %d, TLS %s)", c->params->instance,
	    PQserverVersion(c->conn), PQbackendPID(c->conn), PQsslInUse(c->conn) ? "on" : "off");
	return 0;
}

void
pg_conn_results_clear(PGresult **res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		PQclear(res[i]);
		res[i] = NULL;
	}
}

/* A lost connection ends here: the next ensure reconnects at once. */
static void
pg_conn_lost(struct pg_conn *c)
{
	pg_conn_close(c);
	c->failures = 0;
	c->retry_at = 0;
}

int
pg_conn_query(struct pg_conn *c, const char *sql, PGresult **res, size_t max, size_t *n,
    int64_t deadline, struct rw_error *err)
{
	PGresult *r;
	int failed = 0;

	*n = 0;
	c->queries++;
	if (!PQsendQuery(c->conn, sql))
		goto lost;
	for (;;) {
		while (PQisBusy(c->conn)) {
			int w = pg_conn_wait(PQsocket(c->conn), POLLIN, deadline);

			if (w == 0) {
				pg_conn_results_clear(res, *n);
				*n = 0;
				pg_conn_lost(c);
				err_set(err, ERR_TIMEOUT, "postgresql", "query",
				    "no answer by the poll's deadline (connection closed)");
				return -1;
			}
			if (w < 0 || !PQconsumeInput(c->conn))
				goto lost;
		}
		r = PQgetResult(c->conn);
		if (r == NULL)
			break;
		if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
			if (!failed) {
				const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
				const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

				err_set(err, state != NULL && strncmp(state, "42501", 5) == 0 ?
				    ERR_DENIED : ERR_SERVICE, "postgresql", "query", "%s",
				    primary != NULL ? primary : PQresStatus(PQresultStatus(r)));
				if (state != NULL)
					err_set_code(err, state);
			}
			failed = 1;
			PQclear(r);
			continue;
		}
		if (*n < max)
			res[(*n)++] = r;
		else
			PQclear(r);
	}
	if (PQstatus(c->conn) != CONNECTION_OK) {
		if (failed)
			err_clear(err);
		goto lost;
	}
	if (failed) {
		pg_conn_results_clear(res, *n);
		*n = 0;
		return -1;
	}
	return 0;
lost:
	{
		char *msg = pg_conn_message(c->conn);

		pg_conn_results_clear(res, *n);
		*n = 0;
		err_set(err, ERR_NETWORK, "postgresql", "query", "connection lost: %s", msg);
		free(msg);
		pg_conn_lost(c);
	}
	return -1;
}
