#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg/pg_params.h"

#define PG_DEFAULT_DBNAME "postgres"
#define PG_DEFAULT_SSLMODE "verify-full"
#define PG_DEFAULT_CONNECT_TIMEOUT_MS (5 * TIME_SEC)
#define PG_DEFAULT_STATEMENT_TIMEOUT_MS (5 * TIME_SEC)
#define PG_DEFAULT_LOCK_TIMEOUT_MS (1 * TIME_SEC)

const char *
pg_params_config(const struct config *cfg, const char *instance, const char *key)
{
	const char *v;

	if (cfg == NULL)
		return NULL;
	v = config_get(cfg, "instance", instance, key);
	return v != NULL ? v : config_get(cfg, "pg", NULL, key);
}

/* The section that holds KEY for INSTANCE, for the typed getters. */
static const char *
pg_params_section(const struct config *cfg, const char *instance, const char *key,
    const char **sub)
{
	if (config_find(cfg, "instance", instance, key) != NULL) {
		*sub = instance;
		return "instance";
	}
	*sub = NULL;
	return "pg";
}

int
pg_params_config_duration(const struct config *cfg, const char *instance, const char *key,
    int64_t *out, struct rw_error *err)
{
	const char *sub, *sec;

	if (cfg == NULL)
		return 0;
	sec = pg_params_section(cfg, instance, key, &sub);
	return config_get_duration(cfg, sec, sub, key, out, err);
}

int
pg_params_config_int(const struct config *cfg, const char *instance, const char *key,
    int64_t min, int64_t max, int64_t *out, struct rw_error *err)
{
	const char *sub, *sec;

	if (cfg == NULL)
		return 0;
	sec = pg_params_section(cfg, instance, key, &sub);
	return config_get_int(cfg, sec, sub, key, min, max, out, err);
}

/* V may be *FIELD itself (a dsn's value kept): copied before the free. */
static void
pg_params_set(char **field, const char *v)
{
	char *copy = v != NULL && *v != '\0' ? xstrdup(v) : NULL;

	free(*field);
	*field = copy;
}

/* The first non-empty value. */
static const char *
pg_params_pick(const char *a, const char *b, const char *c)
{
	if (a != NULL && *a != '\0')
		return a;
	if (b != NULL && *b != '\0')
		return b;
	return c;
}

/* Keys rdswatch sets itself: a dsn may not override them. */
static const char *const pg_params_owned[] = {
	"application_name", "keepalives", "keepalives_idle", "keepalives_interval",
	"keepalives_count", "fallback_application_name", "replication", NULL,
};

/* Reads a dsn (conninfo string or URI) as the base. */
static int
pg_params_from_dsn(struct pg_params *p, const char *dsn, struct rw_error *err)
{
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(dsn, &why);

	if (opts == NULL) {
		/* libpq's message quotes no value, only option names. */
		err_set(err, ERR_CONFIG, "postgresql", "config", "instance %s: dsn: %s",
		    p->instance, why != NULL ? why : "out of memory");
		PQfreemem(why);
		return -1;
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		const char *k = o->keyword;
		size_t i;

		if (o->val == NULL || *o->val == '\0')
			continue;
		if (strcmp(k, "password") == 0) {
			PQconninfoFree(opts);
			err_set(err, ERR_CONFIG, "postgresql", "config",
			    "instance %s: the dsn holds a password; use password = (in a 0600 "
			    "config file), auth = pgpass or an AWS auth instead", p->instance);
			return -1;
		}
		for (i = 0; pg_params_owned[i] != NULL && strcmp(pg_params_owned[i], k) != 0; i++)
			;
		if (pg_params_owned[i] != NULL)
			continue;
		if (strcmp(k, "host") == 0)
			pg_params_set(&p->host, o->val);
		else if (strcmp(k, "hostaddr") == 0)
			pg_params_set(&p->hostaddr, o->val);
		else if (strcmp(k, "port") == 0)
			p->port = atoi(o->val);
		else if (strcmp(k, "user") == 0)
			pg_params_set(&p->user, o->val);
		else if (strcmp(k, "dbname") == 0)
			pg_params_set(&p->dbname, o->val);
		else if (strcmp(k, "sslmode") == 0)
			pg_params_set(&p->sslmode, o->val);
		else if (strcmp(k, "sslrootcert") == 0)
			pg_params_set(&p->sslrootcert, o->val);
		else if (strcmp(k, "connect_timeout") == 0)
			p->connect_timeout_ms = atoi(o->val) * TIME_SEC;
		else if (p->nextra < PG_PARAMS_MAX_KEYS - 20) {
			p->extra_keys = xreallocarray(p->extra_keys, p->nextra + 1, sizeof(char *));
			p->extra_vals = xreallocarray(p->extra_vals, p->nextra + 1, sizeof(char *));
			p->extra_keys[p->nextra] = xstrdup(k);
			p->extra_vals[p->nextra++] = xstrdup(o->val);
		}
	}
	PQconninfoFree(opts);
	return 0;
}

static const char *const pg_params_sslmodes[] = {
	"disable", "allow", "prefer", "require", "verify-ca", "verify-full", NULL,
};

int
pg_params_resolve(struct pg_params *p, const struct config *cfg, const char *instance,
    const char *host, int port, const char *region, struct rw_error *err)
{
	const char *dsn = pg_params_config(cfg, instance, "dsn"), *v;
	int64_t n;
	size_t i;

	memset(p, 0, sizeof *p);
	p->instance = xstrdup(instance);
	p->connect_timeout_ms = PG_DEFAULT_CONNECT_TIMEOUT_MS;
	p->statement_timeout_ms = PG_DEFAULT_STATEMENT_TIMEOUT_MS;
	p->lock_timeout_ms = PG_DEFAULT_LOCK_TIMEOUT_MS;
	pg_params_set(&p->region, region);
	if (dsn != NULL && pg_params_from_dsn(p, dsn, err) != 0)
		goto fail;

	/* 1. config over the dsn; 2. libpq's environment; 3. defaults. */
	pg_params_set(&p->host, pg_params_pick(pg_params_config(cfg, instance, "host"), p->host, host));
	pg_params_set(&p->hostaddr, pg_params_pick(pg_params_config(cfg, instance, "hostaddr"),
	    p->hostaddr, NULL));
	pg_params_set(&p->user, pg_params_pick(pg_params_config(cfg, instance, "user"), p->user,
	    getenv("PGUSER")));
	pg_params_set(&p->dbname, pg_params_pick(pg_params_config(cfg, instance, "dbname"),
	    p->dbname, pg_params_pick(getenv("PGDATABASE"), PG_DEFAULT_DBNAME, NULL)));
	pg_params_set(&p->sslmode, pg_params_pick(pg_params_config(cfg, instance, "sslmode"),
	    p->sslmode, pg_params_pick(getenv("PGSSLMODE"), PG_DEFAULT_SSLMODE, NULL)));
	pg_params_set(&p->sslrootcert, pg_params_pick(pg_params_config(cfg, instance,
	    "sslrootcert"), p->sslrootcert, getenv("PGSSLROOTCERT")));

	switch (pg_params_config_int(cfg, instance, "port", 1, 65535, &n, err)) {
	case -1:
		goto fail;
	case 1:
		p->port = (int)n;
		break;
	default:
		if (p->port == 0)
			p->port = port > 0 ? port : 5432;
	}
	if (pg_params_config_duration(cfg, instance, "connect_timeout", &p->connect_timeout_ms, err) < 0 ||
	    pg_params_config_duration(cfg, instance, "statement_timeout", &p->statement_timeout_ms, err) < 0 ||
	    pg_params_config_duration(cfg, instance, "lock_timeout", &p->lock_timeout_ms, err) < 0)
		goto fail;
	if (p->connect_timeout_ms < TIME_SEC)
		p->connect_timeout_ms = TIME_SEC;	/* libpq counts whole seconds */

	if (p->host == NULL) {
		err_set(err, ERR_CONFIG, "postgresql", "config",
		    "instance %s: no host: set host = or dsn = in [instance %s]", instance, instance);
		goto fail;
	}
	for (i = 0; pg_params_sslmodes[i] != NULL && strcmp(pg_params_sslmodes[i], p->sslmode); i++)
		;
	if (pg_params_sslmodes[i] == NULL) {
		err_set(err, ERR_CONFIG, "postgresql", "config",
		    "instance %s: sslmode '%s' is not one of disable, allow, prefer, require, "
		    "verify-ca, verify-full", instance, p->sslmode);
		goto fail;
	}
	p->tls_verified = strcmp(p->sslmode, "verify-full") == 0;
	snprintf(p->port_s, sizeof p->port_s, "%d", p->port);
	snprintf(p->connect_timeout_s, sizeof p->connect_timeout_s, "%lld",
	    (long long)((p->connect_timeout_ms + 999) / 1000));

	v = pg_params_config(cfg, instance, "password");
	p->cred = pg_cred_provider_new(pg_params_config(cfg, instance, "auth"), v, instance, err);
	if (p->cred == NULL)
		goto fail;
	return 0;
fail:
	pg_params_free(p);
	return -1;
}

void
pg_params_free(struct pg_params *p)
{
	free(p->instance);
	free(p->host);
	free(p->hostaddr);
	free(p->user);
	free(p->dbname);
	free(p->sslmode);
	free(p->sslrootcert);
	free(p->region);
	for (size_t i = 0; i < p->nextra; i++) {
		free(p->extra_keys[i]);
		free(p->extra_vals[i]);
	}
	free(p->extra_keys);
	free(p->extra_vals);
	pg_cred_provider_free(p->cred);
	memset(p, 0, sizeof *p);
}

int
pg_params_check_tls(const struct pg_params *p, struct rw_error *err)
{
	char *path;
	const char *home;
	int ok;

	if (strcmp(p->sslmode, "verify-full") != 0 && strcmp(p->sslmode, "verify-ca") != 0)
		return 0;
	if (p->sslrootcert != NULL) {
		path = xstrdup(p->sslrootcert);
	} else {
		home = getenv("HOME");
		path = xasprintf("%s/.postgresql/root.crt", home != NULL ? home : "~");
	}
	ok = access(path, R_OK) == 0;
	if (!ok) {
		err_set(err, ERR_CONFIG, "postgresql", "connect",
		    "instance %s: sslmode=%s needs the CA certificate that signed the server's, "
		    "and %s is not readable. For RDS and Aurora, download the RDS CA bundle from "
		    PG_RDS_CA_BUNDLE_URL " and set sslrootcert = /path/to/global-bundle.pem in "
		    "[pg] or [instance %s] (or PGSSLROOTCERT)", p->instance, p->sslmode, path,
		    p->instance);
	}
	free(path);
	return ok ? 0 : -1;
}

size_t
pg_params_keywords(const struct pg_params *p, const char *user, const char *password,
    const char **keys, const char **vals)
{
	size_t n = 0;

#define PG_KW(k, v) do { if ((v) != NULL) { keys[n] = (k); vals[n] = (v); n++; } } while (0)
	/* Extras first: libpq lets a later key win, and ours must. */
	for (size_t i = 0; i < p->nextra; i++)
		PG_KW(p->extra_keys[i], p->extra_vals[i]);
	PG_KW("host", p->host);
	PG_KW("hostaddr", p->hostaddr);
	PG_KW("port", p->port_s);
	PG_KW("dbname", p->dbname);
	PG_KW("user", user != NULL ? user : p->user);
	PG_KW("password", password);
	PG_KW("sslmode", p->sslmode);
	PG_KW("sslrootcert", p->sslrootcert);
	PG_KW("application_name", "rdswatch");
	PG_KW("connect_timeout", p->connect_timeout_s);
	PG_KW("keepalives", "1");
	PG_KW("keepalives_idle", "30");
	PG_KW("keepalives_interval", "10");
	PG_KW("keepalives_count", "3");
#undef PG_KW
	keys[n] = NULL;
	vals[n] = NULL;
	return n;
}
