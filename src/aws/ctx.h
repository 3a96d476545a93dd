/* The shared AWS context: what one rdswatch process resolved once and
 * every worker shares (thread-safe): settings, the AWS config files, the
 * profile and region, the credential cache, the retry quota and the
 * clock-skew correction. Workers make calls through their own
 * struct aws_client (aws/client.h). */
#ifndef RW_AWS_CTX_H
#define RW_AWS_CTX_H

#include <stddef.h>
#include <stdint.h>

#include "aws/awsconfig.h"
#include "aws/creds.h"
#include "core/err.h"

/* Defaults of the [aws] settings (rdswatch.conf(5)). */
#define AWS_CONNECT_TIMEOUT_MS (3 * 1000LL)
#define AWS_TIMEOUT_MS (10 * 1000LL)
#define AWS_MAX_ATTEMPTS 3
#define AWS_MAX_RESPONSE_BYTES (32u << 20)

/* What the user chose with flags or rdswatch's config file; NULL / 0
 * means "as the AWS CLI would decide" (environment, profile, defaults). */
struct aws_settings {
	const char *profile;		/* --profile / [aws] profile */
	const char *region;		/* --region / [aws] region */
	const char *endpoint_url;	/* --endpoint-url / [aws] endpoint_url */
	const char *config_file;	/* tests; NULL: AWS_CONFIG_FILE, ~/.aws/config */
	const char *credentials_file;	/* NULL: AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials */
	int64_t connect_timeout_ms;	/* 0: 3 s */
	int64_t timeout_ms;		/* one HTTP attempt; 0: 10 s */
	int max_attempts;		/* 0: AWS_MAX_ATTEMPTS env, profile max_attempts, 3 */
	size_t max_response_bytes;	/* 0: 32 MiB */
	int no_region_ok;		/* do not fail (nor ask IMDS) when no region is set */
	const char *region_source;	/* static text: what set .region (default "--region") */
};

struct aws_ctx;

/* Reads the environment and the AWS files, picks the profile and region
 * (flag, AWS_REGION, AWS_DEFAULT_REGION, profile, IMDS placement - the
 * last bounded by DEADLINE) and sets up the credential chain (nothing is
 * fetched until the first call). Returns NULL with ERR on a bad
 * configuration (a named profile that does not exist, no region). */
struct aws_ctx *aws_ctx_new(const struct aws_settings *s, int64_t deadline, struct rw_error *err);
void aws_ctx_free(struct aws_ctx *ctx);

const char *aws_ctx_region(const struct aws_ctx *ctx);
/* Where the region came from: "--region", "AWS_REGION", "profile", "IMDS". */
const char *aws_ctx_region_source(const struct aws_ctx *ctx);
const char *aws_ctx_profile(const struct aws_ctx *ctx);
const struct aws_cfg *aws_ctx_cfg(const struct aws_ctx *ctx);
const struct aws_settings *aws_ctx_settings(const struct aws_ctx *ctx);
struct aws_credcache *aws_ctx_credcache(struct aws_ctx *ctx);

/* Current credentials (refreshed as needed); see aws_credcache_get(). */
int aws_ctx_creds(struct aws_ctx *ctx, int64_t deadline, struct aws_creds *out,
    struct rw_error *err);

/* The signing clock: the wall clock plus the correction learned from a
 * server that rejected a request as too skewed. */
int64_t aws_ctx_now_ms(const struct aws_ctx *ctx);
int64_t aws_ctx_skew_ms(const struct aws_ctx *ctx);
void aws_ctx_set_skew_ms(struct aws_ctx *ctx, int64_t skew);

/* The endpoint URL for SERVICE (aws/service.h id), newly allocated,
 * without a trailing slash, and whether the user configured it (which
 * is what allows plain http). Region REGION (NULL: the context's). */
int aws_ctx_endpoint(const struct aws_ctx *ctx, const char *service, const char *region,
    char **url, int *user_configured, struct rw_error *err);

/* A profile setting, then the named environment variable (NULL: none). */
const char *aws_ctx_setting(const struct aws_ctx *ctx, const char *env, const char *key);

#endif
