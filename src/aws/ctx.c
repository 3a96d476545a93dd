#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "aws/ctx_internal.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/imds.h"
#include "aws/service.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

static char *
aws_ctx_dup(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

static const char *
aws_ctx_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

const char *
aws_ctx_setting(const struct aws_ctx *ctx, const char *env, const char *key)
{
	const char *v = env != NULL ? aws_ctx_env(env) : NULL;

	if (v != NULL)
		return v;
	return key != NULL ? aws_cfg_profile(&ctx->cfg, ctx->profile, key) : NULL;
}

static const char *
aws_ctx_region_label(const struct aws_ctx *ctx)
{
	return ctx->s.region_source != NULL ? ctx->s.region_source : "--region";
}

static int
aws_ctx_resolve_region(struct aws_ctx *ctx, int64_t deadline, struct rw_error *err)
{
	static const struct {
		const char *env;
		const char *source;
	} envs[] = { { "AWS_REGION", "AWS_REGION" }, { "AWS_DEFAULT_REGION", "AWS_DEFAULT_REGION" } };
	const char *v;

	if (ctx->s.region != NULL) {
		ctx->region = xstrdup(ctx->s.region);
		ctx->region_source = aws_ctx_region_label(ctx);
		return 0;
	}
	for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
		if ((v = aws_ctx_env(envs[i].env)) != NULL) {
			ctx->region = xstrdup(v);
			ctx->region_source = envs[i].source;
			return 0;
		}
	}
	if ((v = aws_cfg_profile(&ctx->cfg, ctx->profile, "region")) != NULL && *v != '\0') {
		ctx->region = xstrdup(v);
		ctx->region_source = "profile";
		return 0;
	}
	if (ctx->s.no_region_ok)
		return 0;
	if (aws_imds_region(ctx, deadline, &ctx->region, err) == 0) {
		ctx->region_source = "IMDS";
		return 0;
	}
	err_clear(err);
	err_set(err, ERR_CONFIG, NULL, NULL,
	    "no AWS region: use --region, AWS_REGION, or region in profile '%s'", ctx->profile);
	return -1;
}

/* The chain of domain.md section 2. A profile named by the user (flag,
 * rdswatch config or AWS_PROFILE) must exist; with --profile the
 * environment's keys are skipped, as the AWS CLI does. */
static void
aws_ctx_build_chain(struct aws_ctx *ctx, int flag_profile, int named)
{
	struct aws_provider *chain[4];
	size_t n = 0;

	if (!flag_profile)
		chain[n++] = aws_provider_env();
	chain[n++] = aws_provider_profile(ctx->profile, named);
	chain[n++] = aws_provider_ecs();
	chain[n++] = aws_provider_imds();
	ctx->creds = aws_credcache_new(chain, n);
}

struct aws_ctx *
aws_ctx_new(const struct aws_settings *s, int64_t deadline, struct rw_error *err)
{
	struct aws_ctx *ctx = xcalloc(1, sizeof *ctx);
	const char *envp = aws_ctx_env("AWS_PROFILE");
	int named;

	aws_http_global_init();
	xmlInitParser();
	ctx->s = *s;
	ctx->s.profile = aws_ctx_dup(s->profile);
	ctx->s.region = aws_ctx_dup(s->region);
	ctx->s.endpoint_url = aws_ctx_dup(s->endpoint_url);
	ctx->s.config_file = aws_ctx_dup(s->config_file);
	ctx->s.credentials_file = aws_ctx_dup(s->credentials_file);
	if (ctx->s.connect_timeout_ms <= 0)
		ctx->s.connect_timeout_ms = AWS_CONNECT_TIMEOUT_MS;
	if (ctx->s.timeout_ms <= 0)
		ctx->s.timeout_ms = AWS_TIMEOUT_MS;
	if (ctx->s.max_response_bytes == 0)
		ctx->s.max_response_bytes = AWS_MAX_RESPONSE_BYTES;
	aws_retry_quota_init(&ctx->quota);

	if (aws_cfg_load(&ctx->cfg, ctx->s.config_file, ctx->s.credentials_file, err) != 0) {
		aws_ctx_free(ctx);
		return NULL;
	}
	named = ctx->s.profile != NULL || envp != NULL;
	ctx->profile = xstrdup(ctx->s.profile != NULL ? ctx->s.profile : envp != NULL ? envp : "default");
	if (named && strcmp(ctx->profile, "default") != 0 &&
	    !aws_cfg_has_profile(&ctx->cfg, ctx->profile)) {
		char *clean = sanitize_str(ctx->profile);

		err_set(err, ERR_CONFIG, NULL, NULL,
		    "AWS profile '%s' not found in %s or %s", clean, ctx->cfg.config_path,
		    ctx->cfg.credentials_path);
		free(clean);
		aws_ctx_free(ctx);
		return NULL;
	}
	if (ctx->s.max_attempts <= 0) {
		const char *v = aws_ctx_setting(ctx, "AWS_MAX_ATTEMPTS", "max_attempts");
		long n = v != NULL ? strtol(v, NULL, 10) : 0;

		ctx->s.max_attempts = n >= 1 && n <= 20 ? (int)n : AWS_MAX_ATTEMPTS;
	}
	aws_ctx_build_chain(ctx, ctx->s.profile != NULL, named);
	if (aws_ctx_resolve_region(ctx, deadline, err) != 0) {
		aws_ctx_free(ctx);
		return NULL;
	}
	log_debug(LOG_AWS, "profile %s, region %s (from %s), max attempts %d", ctx->profile,
	    ctx->region != NULL ? ctx->region : "(none)",
	    ctx->region_source != NULL ? ctx->region_source : "-", ctx->s.max_attempts);
	return ctx;
}

void
aws_ctx_free(struct aws_ctx *ctx)
{
	if (ctx == NULL)
		return;
	aws_credcache_free(ctx->creds);
	aws_cfg_free(&ctx->cfg);
	aws_retry_quota_destroy(&ctx->quota);
	free((char *)ctx->s.profile);
	free((char *)ctx->s.region);
	free((char *)ctx->s.endpoint_url);
	free((char *)ctx->s.config_file);
	free((char *)ctx->s.credentials_file);
	free(ctx->profile);
	free(ctx->region);
	free(ctx);
}

const char *
aws_ctx_region(const struct aws_ctx *ctx)
{
	return ctx->region;
}

const char *
aws_ctx_region_source(const struct aws_ctx *ctx)
{
	return ctx->region_source;
}

const char *
aws_ctx_profile(const struct aws_ctx *ctx)
{
	return ctx->profile;
}

const struct aws_cfg *
aws_ctx_cfg(const struct aws_ctx *ctx)
{
	return &ctx->cfg;
}

const struct aws_settings *
aws_ctx_settings(const struct aws_ctx *ctx)
{
	return &ctx->s;
}

struct aws_credcache *
aws_ctx_credcache(struct aws_ctx *ctx)
{
	return ctx->creds;
}

int
aws_ctx_creds(struct aws_ctx *ctx, int64_t deadline, struct aws_creds *out, struct rw_error *err)
{
	return aws_credcache_get(ctx->creds, ctx, deadline, out, err);
}

int64_t
aws_ctx_skew_ms(const struct aws_ctx *ctx)
{
	return __atomic_load_n(&ctx->skew_ms, __ATOMIC_RELAXED);
}

void
aws_ctx_set_skew_ms(struct aws_ctx *ctx, int64_t skew)
{
	__atomic_store_n(&ctx->skew_ms, skew, __ATOMIC_RELAXED);
}

int64_t
aws_ctx_now_ms(const struct aws_ctx *ctx)
{
	return time_now_ms() + aws_ctx_skew_ms(ctx);
}

int
aws_ctx_endpoint(const struct aws_ctx *ctx, const char *service, const char *region, char **url,
    int *user_configured, struct rw_error *err)
{
	struct aws_endpoint_in in = {
		.service = aws_service_find(service),
		.region = region != NULL ? region : ctx->region,
		.explicit_url = ctx->s.endpoint_url,
		.cfg = &ctx->cfg,
		.profile = ctx->profile,
	};

	if (in.service == NULL) {
		err_set(err, ERR_INTERNAL, service, NULL, "unknown AWS service");
		return -1;
	}
	return aws_endpoint_resolve(&in, url, user_configured, err);
}
