#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/json.h"
#include "aws/secrets.h"
#include "aws/token.h"
#include "core/log.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "pg/pg_cred.h"
#include "sources/awscred.h"

struct awscred_entry {
	char *instance;
	struct scope_account *account;
	char *region;
	char *master_secret_arn;
};

static pthread_mutex_t awscred_lock = PTHREAD_MUTEX_INITIALIZER;
static struct awscred_entry *awscred_entries;
static size_t awscred_n;
static struct scope_account *awscred_default;

/* What a provider works with (a copy of the registration). */
struct awscred_priv {
	struct scope_account *account;
	char *region;
	char *secret_id;	/* secret providers */
	struct aws_client *cl;
	char *user;		/* the cached secret */
	char *password;
};

static void
awscred_priv_free(struct awscred_priv *p)
{
	aws_client_free(p->cl);
	scope_account_unref(p->account);
	free(p->region);
	free(p->secret_id);
	free(p->user);
	pg_cred_free_secret(p->password);
	free(p);
}

static void
awscred_destroy(struct pg_cred_provider *p)
{
	awscred_priv_free(p->priv);
}

/* ---- auth = iam ------------------------------------------------------- */

static int
awscred_iam_get(struct pg_cred_provider *p, const struct pg_cred_target *t, struct pg_cred *out,
    int64_t deadline, struct rw_error *err)
{
	struct awscred_priv *a = p->priv;
	const char *region = t->region != NULL ? t->region : a->region;
	char *token = NULL;

	out->user = NULL;
	out->password = NULL;
	if (t->user == NULL || t->host == NULL) {
		err_set(err, ERR_CONFIG, "postgresql", "config",
		    "instance %s: auth = iam needs a user (the database role with rds_iam) and the "
		    "instance's endpoint", t->instance);
		return -1;
	}
	if (aws_token_generate(a->account->ctx, t->host, t->port > 0 ? t->port : 5432, t->user,
	    region, deadline, &token, err) != 0)
		return -1;
	/* libpq copies it; pg_cred_wipe() overwrites ours. */
	out->password = token;
	return 0;
}

static const struct pg_cred_provider_ops awscred_iam_ops = {
	"iam", awscred_iam_get, NULL, awscred_destroy,
};

/* ---- auth = secret ---------------------------------------------------- */

/* The region in a secret's ARN, or NULL. */
static char *
awscred_arn_region(const char *id)
{
	const char *p = id;

	if (strncmp(id, "arn:", 4) != 0)
		return NULL;
	for (int field = 0; field < 3; field++) {
		p = strchr(p, ':');
		if (p == NULL)
			return NULL;
		p++;
	}
	return strchr(p, ':') != NULL && *p != ':' ? xstrndup(p, strcspn(p, ":")) : NULL;
}

/* Reads VALUE as {"username", "password"}, or as a bare password. */
static int
awscred_secret_parse(struct awscred_priv *a, const char *value, struct rw_error *err)
{
	cJSON *j = value[0] == '{' ? cJSON_Parse(value) : NULL;
	const char *user = aws_json_str(j, "username"), *pw = aws_json_str(j, "password");

	if (j != NULL && pw == NULL) {
		aws_json_wipe(j);
		cJSON_Delete(j);
		err_set(err, ERR_PARSE, "secretsmanager", "GetSecretValue",
		    "the secret is JSON without a \"password\" string");
		return -1;
	}
	a->password = xstrdup(j != NULL ? pw : value);
	redact_register(a->password);
	a->user = user != NULL && *user != '\0' ? xstrdup(user) : NULL;
	aws_json_wipe(j);
	cJSON_Delete(j);
	return 0;
}

static int
awscred_secret_get(struct pg_cred_provider *p, const struct pg_cred_target *t, struct pg_cred *out,
    int64_t deadline, struct rw_error *err)
{
	struct awscred_priv *a = p->priv;
	char *value = NULL;

	(void)t;
	out->user = NULL;
	out->password = NULL;
	if (a->password == NULL) {
		if (a->cl == NULL) {
			char *region = awscred_arn_region(a->secret_id);

			a->cl = aws_client_new(a->account->ctx);
			if (a->cl == NULL) {
				free(region);
				err_set(err, ERR_INTERNAL, "secretsmanager", NULL, "cannot start libcurl");
				return -1;
			}
			aws_client_set_region(a->cl, region != NULL ? region : a->region);
			free(region);
		}
		if (aws_secret_get(a->cl, a->secret_id, NULL, deadline, &value, err) != 0)
			return -1;
		if (awscred_secret_parse(a, value, err) != 0) {
			aws_secret_free(value);
			return -1;
		}
		aws_secret_free(value);
		log_debug(LOG_PG, "a database secret arrived from Secrets Manager");
	}
	out->user = a->user != NULL ? xstrdup(a->user) : NULL;
	out->password = xstrdup(a->password);
	return 0;
}

/* Refused: the secret may have rotated, so the next attempt fetches it. */
static int
awscred_secret_refused(struct pg_cred_provider *p)
{
	struct awscred_priv *a = p->priv;

	if (a->password == NULL)
		return 0;
	pg_cred_free_secret(a->password);
	free(a->user);
	a->password = NULL;
	a->user = NULL;
	return 1;
}

static const struct pg_cred_provider_ops awscred_secret_ops = {
	"secret", awscred_secret_get, awscred_secret_refused, awscred_destroy,
};

/* ---- the factory ------------------------------------------------------ */

static struct pg_cred_provider *
awscred_factory(const char *kind, const char *arg, const char *instance, struct rw_error *err)
{
	struct awscred_priv *a = xcalloc(1, sizeof *a);
	struct pg_cred_provider *p;
	const char *master = NULL;

	pthread_mutex_lock(&awscred_lock);
	for (size_t i = 0; i < awscred_n; i++) {
		if (strcmp(awscred_entries[i].instance, instance) == 0) {
			a->account = scope_account_ref(awscred_entries[i].account);
			a->region = awscred_entries[i].region != NULL ?
			    xstrdup(awscred_entries[i].region) : NULL;
			master = awscred_entries[i].master_secret_arn;
			if (master != NULL)
				master = a->secret_id = xstrdup(master);
			break;
		}
	}
	if (a->account == NULL && awscred_default != NULL)
		a->account = scope_account_ref(awscred_default);
	pthread_mutex_unlock(&awscred_lock);

	if (a->account == NULL) {
		awscred_priv_free(a);
		err_set(err, ERR_CONFIG, "postgresql", "config",
		    "instance %s: auth = %s needs AWS credentials and a region, which rdswatch "
		    "could not set up (see rdswatch doctor)", instance, kind);
		return NULL;
	}
	if (strcmp(kind, "secret") == 0) {
		if (arg != NULL && *arg != '\0') {
			free(a->secret_id);
			a->secret_id = xstrdup(arg);
		} else if (master == NULL) {
			awscred_priv_free(a);
			err_set(err, ERR_CONFIG, "postgresql", "config",
			    "instance %s: auth = secret, but the instance has no RDS-managed master "
			    "user secret: name one with auth = secret:ARN", instance);
			return NULL;
		}
	} else {
		free(a->secret_id);
		a->secret_id = NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->ops = strcmp(kind, "secret") == 0 ? &awscred_secret_ops : &awscred_iam_ops;
	p->priv = a;
	return p;
}

void
awscred_install(struct scope_account *default_account)
{
	pthread_mutex_lock(&awscred_lock);
	if (awscred_default != NULL)
		scope_account_unref(awscred_default);
	awscred_default = default_account != NULL ? scope_account_ref(default_account) : NULL;
	pthread_mutex_unlock(&awscred_lock);
	pg_cred_set_aws_factory(awscred_factory);
}

void
awscred_register(const char *instance, struct scope_account *account, const char *region,
    const char *master_secret_arn)
{
	struct awscred_entry *e = NULL;

	pthread_mutex_lock(&awscred_lock);
	for (size_t i = 0; i < awscred_n; i++) {
		if (strcmp(awscred_entries[i].instance, instance) == 0) {
			e = &awscred_entries[i];
			scope_account_unref(e->account);
			free(e->region);
			free(e->master_secret_arn);
			break;
		}
	}
	if (e == NULL) {
		awscred_entries = xreallocarray(awscred_entries, awscred_n + 1,
		    sizeof *awscred_entries);
		e = &awscred_entries[awscred_n++];
		e->instance = xstrdup(instance);
	}
	e->account = scope_account_ref(account);
	e->region = region != NULL ? xstrdup(region) : NULL;
	e->master_secret_arn = master_secret_arn != NULL ? xstrdup(master_secret_arn) : NULL;
	pthread_mutex_unlock(&awscred_lock);
}

void
awscred_reset(void)
{
	pthread_mutex_lock(&awscred_lock);
	for (size_t i = 0; i < awscred_n; i++) {
		free(awscred_entries[i].instance);
		scope_account_unref(awscred_entries[i].account);
		free(awscred_entries[i].region);
		free(awscred_entries[i].master_secret_arn);
	}
	free(awscred_entries);
	awscred_entries = NULL;
	awscred_n = 0;
	if (awscred_default != NULL)
		scope_account_unref(awscred_default);
	awscred_default = NULL;
	pthread_mutex_unlock(&awscred_lock);
	pg_cred_set_aws_factory(NULL);
}
