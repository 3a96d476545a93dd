/* Where the pg source's database password comes from. A provider hands
 * out a user name (optional) and a password for each connection attempt,
 * and hears about authentication failures, so a provider whose secret can
 * rotate (Secrets Manager) fetches it again, and one whose secret is
 * short-lived (an IAM auth token) makes a fresh one on every connect.
 *
 * Implemented here: "password" (the config file's password), "env"
 * (PGPASSWORD, else libpq's .pgpass) and "pgpass" (libpq's .pgpass or
 * PGPASSFILE). The AWS-backed providers (auth = iam, auth = secret[:ARN])
 * live with the AWS client and are made through the factory set by
 * pg_cred_set_aws_factory().
 *
 * Secrets never reach logs, errors or argv: get() registers what it hands
 * out with redact_register(), and callers wipe it with pg_cred_wipe() as
 * soon as libpq has taken its copy. */
#ifndef RW_PG_PG_CRED_H
#define RW_PG_PG_CRED_H

#include <stdint.h>

#include "core/err.h"

/* What a connection attempt is for (IAM tokens are signed for host, port,
 * user and region). */
struct pg_cred_target {
	const char *instance;
	const char *host;	/* the endpoint name, not a hostaddr override */
	int port;
	const char *user;	/* as configured, may be NULL */
	const char *region;	/* may be NULL */
};

struct pg_cred {
	char *user;		/* NULL: the configured or libpq default user */
	char *password;		/* NULL: libpq finds it (PGPASSWORD, .pgpass) */
};

struct pg_cred_provider;

struct pg_cred_provider_ops {
	const char *name;	/* "password", "env", "pgpass", "iam", "secret" */
	/* Fills OUT (both fields newly allocated or NULL) for one connection
	 * attempt, by DEADLINE (time_mono_ms). Returns 0, or -1 with ERR. */
	int (*get)(struct pg_cred_provider *p, const struct pg_cred_target *t,
	    struct pg_cred *out, int64_t deadline, struct rw_error *err);
	/* The server refused the credentials get() gave. Returns 1 when
	 * trying again at once may succeed (a cached secret was dropped and
	 * will be fetched anew), 0 when it would fail the same way. May be
	 * NULL (same as returning 0). */
	int (*on_auth_failure)(struct pg_cred_provider *p);
	void (*destroy)(struct pg_cred_provider *p);
};

struct pg_cred_provider {
	const struct pg_cred_provider_ops *ops;
	void *priv;
};

/* Makes the provider for an "auth" setting: "password" (PASSWORD must be
 * set), "env", "pgpass", or an AWS kind ("iam", "secret", "secret:ARN")
 * through the AWS factory. Returns NULL with ERR (ERR_CONFIG) otherwise. */
struct pg_cred_provider *pg_cred_provider_new(const char *auth, const char *password,
    const char *instance, struct rw_error *err);
void pg_cred_provider_free(struct pg_cred_provider *p);

/* Made by the AWS layer for auth kinds "iam" and "secret" (ARG is the ARN
 * after "secret:", or NULL for the instance's MasterUserSecret). */
typedef struct pg_cred_provider *(*pg_cred_aws_factory)(const char *kind, const char *arg,
    const char *instance, struct rw_error *err);
void pg_cred_set_aws_factory(pg_cred_aws_factory factory);

/* Overwrites and frees the password, frees the user. */
void pg_cred_wipe(struct pg_cred *c);
/* Overwrites and frees a secret string. */
void pg_cred_free_secret(char *s);

#endif
