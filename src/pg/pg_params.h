/* How rdswatch reaches one instance's PostgreSQL: the libpq connection
 * parameters, resolved once from (highest first)
 *   1. rdswatch's config: [instance ID], then [pg] (defaults for all),
 *      with dsn = "..." read as a base the other keys override;
 *   2. libpq's environment: PGUSER, PGDATABASE, PGSSLMODE, PGSSLROOTCERT
 *      (and PGPASSWORD, PGPASSFILE through the credential provider), so
 *      with no config they apply to every discovered instance, as they
 *      would to psql;
 *   3. rdswatch's defaults: the instance's endpoint, dbname postgres,
 *      sslmode verify-full, application_name rdswatch, connect_timeout
 *      5 s, TCP keepalives, statement_timeout 5 s and lock_timeout 1 s
 *      on the monitoring session.
 * hostaddr connects to another address (an SSM port forward on
 * 127.0.0.1) while TLS still verifies the certificate against host. */
#ifndef RW_PG_PG_PARAMS_H
#define RW_PG_PG_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "pg/pg_cred.h"

struct pg_params {
	char *instance;
	char *host;
	int port;
	char *hostaddr;		/* NULL: resolve host */
	char *user;		/* NULL: libpq's default (the OS user) */
	char *dbname;
	char *sslmode;
	char *sslrootcert;	/* NULL: libpq's default (~/.postgresql/root.crt) */
	char *region;
	char **extra_keys;	/* other libpq keys from the dsn (sslcert, options, ...) */
	char **extra_vals;
	size_t nextra;
	int64_t connect_timeout_ms;
	int64_t statement_timeout_ms;
	int64_t lock_timeout_ms;
	int tls_verified;	/* sslmode verify-full */
	struct pg_cred_provider *cred;
	char port_s[8];		/* as libpq wants them */
	char connect_timeout_s[24];
};

/* Where the RDS CA bundle is, for messages. */
#define PG_RDS_CA_BUNDLE_URL "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"

/* Resolves the parameters of INSTANCE. HOST and PORT are its endpoint
 * (from discovery; NULL/0 when unknown: then config must give host or
 * dsn). CFG may be NULL. Returns 0, or -1 with ERR (ERR_CONFIG). */
int pg_params_resolve(struct pg_params *p, const struct config *cfg, const char *instance,
    const char *host, int port, const char *region, struct rw_error *err);
void pg_params_free(struct pg_params *p);

/* The value of KEY for INSTANCE: [instance ID] first, then [pg]. */
const char *pg_params_config(const struct config *cfg, const char *instance, const char *key);
/* Typed forms (as config_get_*: 1 set, 0 unset, -1 invalid with ERR). */
int pg_params_config_duration(const struct config *cfg, const char *instance, const char *key,
    int64_t *out, struct rw_error *err);
int pg_params_config_int(const struct config *cfg, const char *instance, const char *key,
    int64_t min, int64_t max, int64_t *out, struct rw_error *err);

/* Checks that a root certificate is there when sslmode verifies the
 * server: returns 0, or -1 with ERR saying where to get the RDS CA bundle
 * and how to configure it. */
int pg_params_check_tls(const struct pg_params *p, struct rw_error *err);

/* The libpq keyword/value arrays for one connection attempt (NULL
 * terminated, at most PG_PARAMS_MAX_KEYS entries), with PASSWORD and
 * USER from the credential provider (either may be NULL). The strings
 * are borrowed from P and the arguments. Returns the number of keys. */
#define PG_PARAMS_MAX_KEYS 40
size_t pg_params_keywords(const struct pg_params *p, const char *user, const char *password,
    const char **keys, const char **vals);

#endif
