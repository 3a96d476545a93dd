/* role_arn profiles: STS AssumeRole signed with the source credentials
 * (source_profile or credential_source), with the profile's external_id,
 * role_session_name and duration_seconds. The source credentials have
 * their own cache, so temporary source credentials refresh too. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/client.h"
#include "aws/creds_internal.h"
#include "aws/ctx.h"
#include "aws/xml.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

struct aws_assume {
	char *profile;
	struct aws_credcache *source;
};

static int
aws_assume_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline,
    struct aws_creds *out, struct rw_error *err)
{
	struct aws_assume *a = p->priv;
	const struct aws_cfg *cfg = aws_ctx_cfg(ctx);
	const char *arn = aws_cfg_profile(cfg, a->profile, "role_arn");
	const char *ext = aws_cfg_profile(cfg, a->profile, "external_id");
	const char *name = aws_cfg_profile(cfg, a->profile, "role_session_name");
	const char *dur = aws_cfg_profile(cfg, a->profile, "duration_seconds");
	const char *region = aws_cfg_profile(cfg, a->profile, "region");
	struct aws_params params = AWS_PARAMS_INIT;
	struct aws_client *c;
	xmlDoc *doc = NULL;
	int rc;

	aws_params_add(&params, "RoleArn", arn);
	if (name != NULL)
		aws_params_add(&params, "RoleSessionName", name);
	else
		aws_params_addf(&params, "RoleSessionName", "rdswatch-%lld",
		    (long long)(time_now_ms() / 1000));
	if (ext != NULL)
		aws_params_add(&params, "ExternalId", ext);
	if (dur != NULL)
		aws_params_add(&params, "DurationSeconds", dur);
	c = aws_client_new_with_creds(ctx, a->source);
	if (c == NULL) {
		aws_params_free(&params);
		err_set(err, ERR_INTERNAL, "sts", "AssumeRole", "cannot start libcurl");
		return -1;
	}
	if (region != NULL || aws_ctx_region(ctx) == NULL)
		aws_client_set_region(c, region != NULL ? region : "us-east-1");
	rc = aws_query_call(c, "sts", "AssumeRole", &params, deadline, &doc, err);
	aws_client_free(c);
	aws_params_free(&params);
	if (rc != 0) {
		if (err->kind == ERR_DENIED || err->kind == ERR_SERVICE) {
			char *cp = sanitize_str(a->profile);
			char *m = xasprintf("profile %s: cannot assume its role_arn: %s", cp, err->message);

			free(err->message);
			err->message = m;
			err->kind = ERR_AUTH;
			free(cp);
		}
		return -1;
	}
	{
		xmlNode *cr = aws_xml_child(aws_xml_result(doc, "AssumeRole"), "Credentials");
		char *akid = aws_xml_text(cr, "AccessKeyId"), *secret = aws_xml_text(cr, "SecretAccessKey");
		char *token = aws_xml_text(cr, "SessionToken"), *cp = sanitize_str(a->profile), *src;
		int64_t exp = 0;

		if (akid == NULL || secret == NULL || aws_xml_time(cr, "Expiration", &exp) != 1) {
			err_set(err, ERR_PARSE, "sts", "AssumeRole", "answer without credentials");
			rc = -1;
		} else {
			src = xasprintf("assumed role of profile %s", cp);
			aws_creds_set(out, akid, secret, token, exp, src);
			free(src);
		}
		free(akid);
		if (secret != NULL)
			OPENSSL_cleanse(secret, strlen(secret));
		free(secret);
		if (token != NULL)
			OPENSSL_cleanse(token, strlen(token));
		free(token);
		free(cp);
	}
	xmlFreeDoc(doc);
	return rc;
}

static void
aws_assume_destroy(struct aws_provider *p)
{
	struct aws_assume *a = p->priv;

	aws_credcache_free(a->source);
	free(a->profile);
	free(a);
}

static const struct aws_provider_ops aws_assume_ops = { "assume role", aws_assume_load,
	aws_assume_destroy };

struct aws_provider *
aws_provider_assume_role(const char *profile, struct aws_provider *source)
{
	struct aws_assume *a = xcalloc(1, sizeof *a);

	a->profile = xstrdup(profile);
	a->source = aws_credcache_new(&source, 1);
	return aws_provider_new(&aws_assume_ops, a);
}
