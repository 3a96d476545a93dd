#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/creds.h"
#include "aws/creds_internal.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/redact.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

static void
aws_creds_wipe_str(char **s)
{
	if (*s != NULL) {
		OPENSSL_cleanse(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
aws_creds_clear(struct aws_creds *c)
{
	aws_creds_wipe_str(&c->access_key_id);
	aws_creds_wipe_str(&c->secret_access_key);
	aws_creds_wipe_str(&c->session_token);
	free(c->source);
	c->source = NULL;
	c->expiration_ms = 0;
}

void
aws_creds_set(struct aws_creds *c, const char *akid, const char *secret, const char *token,
    int64_t expiration_ms, const char *source)
{
	aws_creds_clear(c);
	c->access_key_id = xstrdup(akid);
	c->secret_access_key = xstrdup(secret);
	c->session_token = token != NULL && *token != '\0' ? xstrdup(token) : NULL;
	c->expiration_ms = expiration_ms;
	c->source = xstrdup(source != NULL ? source : "?");
	redact_register(secret);
	redact_register(token);
}

void
aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src)
{
	aws_creds_clear(dst);
	if (src->access_key_id == NULL)
		return;
	dst->access_key_id = xstrdup(src->access_key_id);
	dst->secret_access_key = xstrdup(src->secret_access_key);
	dst->session_token = src->session_token != NULL ? xstrdup(src->session_token) : NULL;
	dst->expiration_ms = src->expiration_ms;
	dst->source = src->source != NULL ? xstrdup(src->source) : NULL;
}

int
aws_creds_valid(const struct aws_creds *c)
{
	return c->access_key_id != NULL && *c->access_key_id != '\0' &&
	    c->secret_access_key != NULL && *c->secret_access_key != '\0';
}

int
aws_creds_from_json(const cJSON *j, const char *akid_key, const char *secret_key,
    const char *token_key, const char *exp_key, const char *source, struct aws_creds *out,
    const char *what, struct rw_error *err)
{
	const char *akid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, akid_key));
	const char *secret = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, secret_key));
	const char *token = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, token_key));
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, exp_key);
	int64_t when = 0;

	if (akid == NULL || secret == NULL || *akid == '\0' || *secret == '\0') {
		err_set(err, ERR_AUTH, NULL, NULL, "%s: answer without %s and %s", what, akid_key,
		    secret_key);
		return -1;
	}
	if (cJSON_IsString(exp)) {
		if (time_parse_iso8601(exp->valuestring, &when) != 0) {
			err_set(err, ERR_AUTH, NULL, NULL, "%s: unreadable %s", what, exp_key);
			return -1;
		}
	} else if (cJSON_IsNumber(exp)) {
		when = (int64_t)exp->valuedouble;	/* the SSO portal: epoch ms */
	}
	aws_creds_set(out, akid, secret, token, when, source);
	return 0;
}

void
aws_provider_free(struct aws_provider *p)
{
	if (p == NULL)
		return;
	if (p->ops->destroy != NULL)
		p->ops->destroy(p);
	free(p);
}

struct aws_provider *
aws_provider_new(const struct aws_provider_ops *ops, void *priv)
{
	struct aws_provider *p = xcalloc(1, sizeof *p);

	p->ops = ops;
	p->priv = priv;
	return p;
}

/* --- the shared cache ---------------------------------------------------- */

struct aws_credcache {
	pthread_mutex_t lock;
	struct aws_provider **chain;
	size_t n;
	struct aws_provider *active;	/* the one that yielded; refreshes use it */
	struct aws_creds cur;
	int stale;			/* a call saw ExpiredToken */
	int loads;
};

struct aws_credcache *
aws_credcache_new(struct aws_provider **chain, size_t n)
{
	struct aws_credcache *cc = xcalloc(1, sizeof *cc);

	pthread_mutex_init(&cc->lock, NULL);
	cc->chain = xcalloc(n + 1, sizeof *cc->chain);
	memcpy(cc->chain, chain, n * sizeof *chain);
	cc->n = n;
	return cc;
}

void
aws_credcache_free(struct aws_credcache *cc)
{
	if (cc == NULL)
		return;
	for (size_t i = 0; i < cc->n; i++)
		aws_provider_free(cc->chain[i]);
	free(cc->chain);
	aws_creds_clear(&cc->cur);
	pthread_mutex_destroy(&cc->lock);
	free(cc);
}

static int
aws_credcache_fresh(const struct aws_credcache *cc)
{
	if (!aws_creds_valid(&cc->cur) || cc->stale)
		return 0;
	return cc->cur.expiration_ms == 0 ||
	    cc->cur.expiration_ms - time_now_ms() > AWS_CREDS_REFRESH_MARGIN_MS;
}

/* Tries the active provider, or the chain until one yields. */
static int
aws_credcache_load(struct aws_credcache *cc, struct aws_ctx *ctx, int64_t deadline,
    struct rw_error *err)
{
	struct aws_creds fresh = AWS_CREDS_INIT;
	struct buf tried = BUF_INIT;

	if (cc->active != NULL) {
		if (cc->active->ops->load(cc->active, ctx, deadline, &fresh, err) != 0)
			return -1;
		goto done;
	}
	for (size_t i = 0; i < cc->n; i++) {
		struct rw_error e = RW_ERROR_INIT;

		if (cc->chain[i]->ops->load(cc->chain[i], ctx, deadline, &fresh, &e) == 0) {
			cc->active = cc->chain[i];
			goto done;
		}
		if (e.kind != ERR_CONFIG) {
			/* Configured but broken: say so, do not fall through to
			 * some other identity. */
			err_copy(err, &e);
			err_clear(&e);
			buf_free(&tried);
			return -1;
		}
		buf_printf(&tried, "%s%s (%s)", tried.len > 0 ? "; " : "", cc->chain[i]->ops->name,
		    e.message != NULL ? e.message : "nothing");
		err_clear(&e);
	}
	err_set(err, ERR_AUTH, NULL, NULL, "no AWS credentials found: %s", buf_str(&tried));
	buf_free(&tried);
	return -1;
done:
	buf_free(&tried);
	aws_creds_clear(&cc->cur);
	cc->cur = fresh;
	cc->stale = 0;
	cc->loads++;
	{
		char when[32] = "never";

		if (fresh.expiration_ms != 0)
			time_format_iso8601(fresh.expiration_ms, when, sizeof when);
		log_debug(LOG_AWS, "credentials from %s, key %.4s..., expire %s", fresh.source,
		    fresh.access_key_id, when);
	}
	return 0;
}

int
aws_credcache_get(struct aws_credcache *cc, struct aws_ctx *ctx, int64_t deadline,
    struct aws_creds *out, struct rw_error *err)
{
	int rc = 0;

	pthread_mutex_lock(&cc->lock);
	if (!aws_credcache_fresh(cc)) {
		struct rw_error e = RW_ERROR_INIT;

		if (aws_credcache_load(cc, ctx, deadline, &e) != 0) {
			/* Credentials still valid for a while beat none: keep
			 * using them and try again on the next call. */
			if (!cc->stale && aws_creds_valid(&cc->cur) &&
			    cc->cur.expiration_ms > time_now_ms() + 30 * 1000) {
				log_debug(LOG_AWS, "refresh failed (%s); current credentials still valid",
				    e.message);
			} else {
				err_copy(err, &e);
				rc = -1;
			}
			err_clear(&e);
		}
	}
	if (rc == 0)
		aws_creds_copy(out, &cc->cur);
	pthread_mutex_unlock(&cc->lock);
	return rc;
}

void
aws_credcache_invalidate(struct aws_credcache *cc, const char *akid)
{
	pthread_mutex_lock(&cc->lock);
	if (akid != NULL && cc->cur.access_key_id != NULL &&
	    strcmp(cc->cur.access_key_id, akid) == 0)
		cc->stale = 1;
	pthread_mutex_unlock(&cc->lock);
}

int
aws_credcache_loads(struct aws_credcache *cc)
{
	int n;

	pthread_mutex_lock(&cc->lock);
	n = cc->loads;
	pthread_mutex_unlock(&cc->lock);
	return n;
}
