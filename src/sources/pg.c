#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "pg/pg_conn.h"
#include "pg/pg_poll.h"
#include "sources/pg.h"

struct pg_source {
	struct pg_params params;
	struct pg_conn conn;
	struct pg_poller poller;
};

/* What the batch says when the server could not be read. */
static void
pg_source_down(struct pg_source *ps, struct batch *b)
{
	struct m_pg_health *h = batch_add(b, M_PG_HEALTH);

	batch_cover(b, ps->poller.instance);
	h->instance = xstrdup(ps->poller.instance);
	h->connected = ps->conn.conn != NULL;
	m_str_set(&h->monitor_user, ps->params.user);
	m_str_set(&h->tls_mode, ps->params.sslmode);
	h->tls_verified = ps->params.tls_verified;
	h->observed_at = b->polled_at;
	batch_mark_complete(b, M_PG_HEALTH);
}

static int
pg_source_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct pg_source *ps = s->priv;
	int64_t queries = ps->conn.queries;
	int rc = pg_conn_ensure(&ps->conn, deadline, err);

	if (rc == 0)
		rc = pg_poller_poll(&ps->poller, &ps->conn, b, deadline, err);
	s->calls += ps->conn.queries - queries;
	if (rc != 0) {
		pg_source_down(ps, b);
		/* What the batch names must be what consumers hold: after a
		 * failure, carry everything again. */
		ps->poller.full_due = 0;
	}
	return rc;
}

/* The batch never reached anyone: the next carries every session. */
static void
pg_source_discarded(struct source *s)
{
	((struct pg_source *)s->priv)->poller.full_due = 0;
}

void
pg_source_name_unchanged(struct source *s, int yes)
{
	((struct pg_source *)s->priv)->poller.name_unchanged = yes;
}

struct pg_poller *
pg_source_poller(struct source *s)
{
	return &((struct pg_source *)s->priv)->poller;
}

static void
pg_source_destroy(struct source *s)
{
	struct pg_source *ps = s->priv;

	if (ps == NULL)
		return;
	pg_conn_free(&ps->conn);
	pg_poller_free(&ps->poller);
	pg_params_free(&ps->params);
	free(ps);
	s->priv = NULL;
}

const struct source_ops pg_source_ops = {
	"pg", pg_source_poll, pg_source_destroy, pg_source_discarded,
};

int
pg_source_wanted(const struct config *cfg, const char *instance, struct rw_error *err)
{
	int on = 1;
	int rc;

	if (cfg == NULL)
		return 1;
	rc = config_get_bool(cfg, "instance", instance, "pg", &on, err);
	if (rc == 0)
		rc = config_get_bool(cfg, "pg", NULL, "enabled", &on, err);
	return rc < 0 ? -1 : on;
}

struct source *
pg_source_new_params(struct pg_params *p, const struct config *cfg, struct rw_error *err)
{
	int64_t interval = PG_SOURCE_INTERVAL_MS, timeout = PG_SOURCE_TIMEOUT_MS;
	int64_t query_max = PG_POLL_QUERY_MAX_DEFAULT;
	const char *literals = pg_params_config(cfg, p->instance, "query_literals");
	struct pg_source *ps;
	struct source *s;
	char *name;

	if (pg_params_config_duration(cfg, p->instance, "poll_interval", &interval, err) < 0 ||
	    pg_params_config_duration(cfg, p->instance, "poll_timeout", &timeout, err) < 0 ||
	    pg_params_config_int(cfg, p->instance, "query_max_bytes", 0, 65536, &query_max, err) < 0)
		goto fail;
	if (literals != NULL && strcmp(literals, "mask") != 0 && strcmp(literals, "keep") != 0) {
		err_set(err, ERR_CONFIG, "postgresql", "config",
		    "instance %s: query_literals must be mask or keep", p->instance);
		goto fail;
	}
	ps = xcalloc(1, sizeof *ps);
	ps->params = *p;
	memset(p, 0, sizeof *p);
	pg_conn_init(&ps->conn, &ps->params);
	pg_poller_init(&ps->poller, ps->params.instance, (size_t)query_max,
	    literals == NULL || strcmp(literals, "mask") == 0);
	name = xasprintf("pg:%s", ps->params.instance);
	s = source_new(&pg_source_ops, name, ps->params.instance, interval, timeout);
	free(name);
	s->priv = ps;
	return s;
fail:
	pg_params_free(p);
	return NULL;
}

struct source *
pg_source_new(const struct config *cfg, const char *instance, const char *host, int port,
    const char *region, struct rw_error *err)
{
	struct pg_params p;

	if (pg_params_resolve(&p, cfg, instance, host, port, region, err) != 0)
		return NULL;
	return pg_source_new_params(&p, cfg, err);
}
