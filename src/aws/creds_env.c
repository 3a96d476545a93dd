/* Credentials from the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN or the older
 * AWS_SECURITY_TOKEN), and fixed credentials. */
#include <config.h>

#include <stdlib.h>

#include "aws/creds_internal.h"
#include "core/xmalloc.h"

static int
aws_env_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline, struct aws_creds *out,
    struct rw_error *err)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");

	(void)p;
	(void)ctx;
	(void)deadline;
	if (token == NULL || *token == '\0')
		token = getenv("AWS_SECURITY_TOKEN");
	if (akid == NULL || *akid == '\0') {
		err_set(err, ERR_CONFIG, NULL, NULL, "AWS_ACCESS_KEY_ID not set");
		return -1;
	}
	if (secret == NULL || *secret == '\0') {
		err_set(err, ERR_AUTH, NULL, NULL,
		    "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
		return -1;
	}
	aws_creds_set(out, akid, secret, token, 0, "environment");
	return 0;
}

static const struct aws_provider_ops aws_env_ops = { "environment", aws_env_load, NULL };

struct aws_provider *
aws_provider_env(void)
{
	return aws_provider_new(&aws_env_ops, NULL);
}

static int
aws_static_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline,
    struct aws_creds *out, struct rw_error *err)
{
	(void)ctx;
	(void)deadline;
	(void)err;
	aws_creds_copy(out, p->priv);
	return 0;
}

static void
aws_static_destroy(struct aws_provider *p)
{
	aws_creds_clear(p->priv);
	free(p->priv);
}

static const struct aws_provider_ops aws_static_ops = { "static", aws_static_load,
	aws_static_destroy };

struct aws_provider *
aws_provider_static(const struct aws_creds *c)
{
	struct aws_creds *copy = xcalloc(1, sizeof *copy);

	aws_creds_copy(copy, c);
	return aws_provider_new(&aws_static_ops, copy);
}
