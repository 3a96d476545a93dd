#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/redact.h"
#include "core/xmalloc.h"
#include "pg/pg_cred.h"

static pthread_mutex_t pg_cred_lock = PTHREAD_MUTEX_INITIALIZER;
static pg_cred_aws_factory pg_cred_aws;

void
pg_cred_set_aws_factory(pg_cred_aws_factory factory)
{
	pthread_mutex_lock(&pg_cred_lock);
	pg_cred_aws = factory;
	pthread_mutex_unlock(&pg_cred_lock);
}

void
pg_cred_free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
pg_cred_wipe(struct pg_cred *c)
{
	pg_cred_free_secret(c->password);
	free(c->user);
	c->password = NULL;
	c->user = NULL;
}

/* "password": the config file's password, held for the process's life. */
static int
pg_cred_static_get(struct pg_cred_provider *p, const struct pg_cred_target *t,
    struct pg_cred *out, int64_t deadline, struct rw_error *err)
{
	(void)t, (void)deadline, (void)err;
	out->user = NULL;
	out->password = xstrdup(p->priv);
	return 0;
}

static void
pg_cred_static_destroy(struct pg_cred_provider *p)
{
	pg_cred_free_secret(p->priv);
}

static const struct pg_cred_provider_ops pg_cred_static_ops = {
	"password", pg_cred_static_get, NULL, pg_cred_static_destroy,
};

/* "env": PGPASSWORD as psql reads it (read at each connect, so a changed
 * environment of a long-lived process is not needed; it cannot change),
 * else nothing, and libpq reads .pgpass. "pgpass": always nothing. */
static int
pg_cred_env_get(struct pg_cred_provider *p, const struct pg_cred_target *t,
    struct pg_cred *out, int64_t deadline, struct rw_error *err)
{
	const char *pw = p->priv != NULL ? getenv("PGPASSWORD") : NULL;

	(void)t, (void)deadline, (void)err;
	out->user = NULL;
	out->password = NULL;
	if (pw != NULL && *pw != '\0') {
		redact_register(pw);
		out->password = xstrdup(pw);
	}
	return 0;
}

static const struct pg_cred_provider_ops pg_cred_env_ops = {
	"env", pg_cred_env_get, NULL, NULL,
};

static const struct pg_cred_provider_ops pg_cred_pgpass_ops = {
	"pgpass", pg_cred_env_get, NULL, NULL,
};

struct pg_cred_provider *
pg_cred_provider_new(const char *auth, const char *password, const char *instance,
    struct rw_error *err)
{
	struct pg_cred_provider *p;
	pg_cred_aws_factory aws;

	if (auth == NULL)
		auth = password != NULL ? "password" : "env";
	if (strcmp(auth, "password") == 0) {
		if (password == NULL || *password == '\0') {
			err_set(err, ERR_CONFIG, "postgresql", "config",
			    "instance %s: auth = password needs a password setting", instance);
			return NULL;
		}
		redact_register(password);
		p = xcalloc(1, sizeof *p);
		p->ops = &pg_cred_static_ops;
		p->priv = xstrdup(password);
		return p;
	}
	if (password != NULL) {
		err_set(err, ERR_CONFIG, "postgresql", "config",
		    "instance %s: a password is set but auth = %s does not use it", instance, auth);
		return NULL;
	}
	if (strcmp(auth, "env") == 0 || strcmp(auth, "pgpass") == 0) {
		p = xcalloc(1, sizeof *p);
		p->ops = auth[0] == 'e' ? &pg_cred_env_ops : &pg_cred_pgpass_ops;
		p->priv = auth[0] == 'e' ? (void *)"PGPASSWORD" : NULL;
		return p;
	}
	if (strcmp(auth, "iam") == 0 || strcmp(auth, "secret") == 0 ||
	    strncmp(auth, "secret:", 7) == 0) {
		pthread_mutex_lock(&pg_cred_lock);
		aws = pg_cred_aws;
		pthread_mutex_unlock(&pg_cred_lock);
		if (aws == NULL) {
			err_set(err, ERR_CONFIG, "postgresql", "config",
			    "instance %s: auth = %s needs the AWS client, which is not available in "
			    "this build; use auth = password, env or pgpass", instance,
			    auth[0] == 'i' ? "iam" : "secret");
			return NULL;
		}
		return aws(auth[0] == 'i' ? "iam" : "secret",
		    strncmp(auth, "secret:", 7) == 0 ? auth + 7 : NULL, instance, err);
	}
	err_set(err, ERR_CONFIG, "postgresql", "config",
	    "instance %s: unknown auth '%s' (password, env, pgpass, iam or secret:ARN)",
	    instance, auth);
	return NULL;
}

void
pg_cred_provider_free(struct pg_cred_provider *p)
{
	if (p == NULL)
		return;
	if (p->ops->destroy != NULL)
		p->ops->destroy(p);
	free(p);
}
