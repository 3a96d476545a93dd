/* IAM Identity Center (SSO) profiles: the token `aws sso login` cached in
 * ~/.aws/sso/cache/<sha1 of the session name or start URL>.json, traded
 * at the SSO portal's GetRoleCredentials for role credentials. rdswatch
 * never logs in itself: an expired token means "run aws sso login". */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "aws/client.h"
#include "aws/creds_internal.h"
#include "aws/ctx.h"
#include "aws/json.h"
#include "aws/sigv4.h"
#include "core/files.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

struct aws_sso {
	char *profile;
};

static const char *
aws_sso_get(struct aws_ctx *ctx, const char *profile, const char *session, const char *key)
{
	const struct aws_cfg *cfg = aws_ctx_cfg(ctx);
	const char *v = session != NULL ? aws_cfg_get(cfg, "sso-session", session, key) : NULL;

	return v != NULL ? v : aws_cfg_profile(cfg, profile, key);
}

/* The cached access token, newly allocated, or -1 with ERR. */
static int
aws_sso_token(const char *cache_key, const char *login_hint, char **token, struct rw_error *err)
{
	unsigned char md[SHA_DIGEST_LENGTH];
	char hex[2 * SHA_DIGEST_LENGTH + 1], *home = files_home_dir(), *path, *text, *why = NULL;
	cJSON *j;
	const char *t;
	int64_t exp = 0;

	*token = NULL;
	SHA1((const unsigned char *)cache_key, strlen(cache_key), md);
	aws_hex(md, sizeof md, hex);
	path = xasprintf("%s/.aws/sso/cache/%s.json", home, hex);
	free(home);
	text = files_read_all(path, 1 << 20, NULL, &why);
	free(path);
	free(why);
	if (text == NULL) {
		err_set(err, ERR_AUTH, "sso", NULL, "no cached SSO token; run: aws sso login %s",
		    login_hint);
		return -1;
	}
	j = cJSON_Parse(text);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	t = aws_json_str(j, "accessToken");
	if (t == NULL || aws_json_time(j, "expiresAt", 0, &exp) != 1) {
		err_set(err, ERR_AUTH, "sso", NULL, "unreadable SSO token cache; run: aws sso login %s",
		    login_hint);
	} else if (exp <= time_now_ms() + 60 * 1000) {
		err_set(err, ERR_AUTH, "sso", NULL, "the SSO session has expired; run: aws sso login %s",
		    login_hint);
	} else {
		*token = xstrdup(t);
		redact_register(t);
	}
	aws_json_wipe(j);
	cJSON_Delete(j);
	return *token != NULL ? 0 : -1;
}

static int
aws_sso_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline, struct aws_creds *out,
    struct rw_error *err)
{
	struct aws_sso *s = p->priv;
	const char *session = aws_cfg_profile(aws_ctx_cfg(ctx), s->profile, "sso_session");
	const char *start = aws_sso_get(ctx, s->profile, session, "sso_start_url");
	const char *region = aws_sso_get(ctx, s->profile, session, "sso_region");
	const char *account = aws_cfg_profile(aws_ctx_cfg(ctx), s->profile, "sso_account_id");
	const char *role = aws_cfg_profile(aws_ctx_cfg(ctx), s->profile, "sso_role_name");
	char *cprofile = sanitize_str(s->profile), *hint, *token = NULL, *source;
	struct aws_kvlist q = AWS_KVLIST_INIT, h = AWS_KVLIST_INIT;
	struct aws_client *c;
	struct aws_response resp;
	int rc = -1;

	hint = xasprintf("--profile %s", cprofile);
	if (start == NULL || region == NULL || account == NULL || role == NULL) {
		err_set(err, ERR_AUTH, "sso", NULL, "profile %s: SSO needs sso_start_url, sso_region, "
		    "sso_account_id and sso_role_name", cprofile);
		goto out;
	}
	if (aws_sso_token(session != NULL ? session : start, hint, &token, err) != 0)
		goto out;
	aws_kvlist_add(&q, "role_name", role);
	aws_kvlist_add(&q, "account_id", account);
	aws_kvlist_add(&h, "x-amz-sso_bearer_token", token);
	c = aws_client_new_with_creds(ctx, NULL);
	if (c == NULL) {
		err_set(err, ERR_INTERNAL, "sso", NULL, "cannot start libcurl");
		goto out;
	}
	aws_client_set_region(c, region);
	{
		struct aws_call call = { .service = "sso", .operation = "GetRoleCredentials",
		    .method = "GET", .path = "/federation/credentials", .query = &q, .headers = &h,
		    .sensitive = 1, .unsigned_call = 1 };

		rc = aws_client_call(c, &call, deadline, &resp, err);
	}
	aws_client_free(c);
	if (rc == 0) {
		cJSON *j = cJSON_ParseWithLength(buf_str(&resp.body), resp.body.len);
		const cJSON *rcred = cJSON_GetObjectItemCaseSensitive(j, "roleCredentials");

		source = xasprintf("SSO (profile %s)", cprofile);
		rc = aws_creds_from_json(rcred, "accessKeyId", "secretAccessKey", "sessionToken",
		    "expiration", source, out, "SSO GetRoleCredentials", err);
		free(source);
		aws_json_wipe(j);
		cJSON_Delete(j);
		aws_response_free(&resp);
	} else if (err->http_status == 401 || err->http_status == 403) {
		char *m = xasprintf("%s; run: aws sso login %s", err->message, hint);

		free(err->message);
		err->message = m;
		err->kind = ERR_AUTH;
	}
out:
	aws_kvlist_free(&q);
	aws_kvlist_free(&h);
	if (token != NULL)
		OPENSSL_cleanse(token, strlen(token));
	free(token);
	free(hint);
	free(cprofile);
	return rc;
}

static void
aws_sso_destroy(struct aws_provider *p)
{
	struct aws_sso *s = p->priv;

	free(s->profile);
	free(s);
}

static const struct aws_provider_ops aws_sso_ops = { "IAM Identity Center (SSO)", aws_sso_load,
	aws_sso_destroy };

struct aws_provider *
aws_provider_sso(const char *profile)
{
	struct aws_sso *s = xcalloc(1, sizeof *s);

	s->profile = xstrdup(profile);
	return aws_provider_new(&aws_sso_ops, s);
}
