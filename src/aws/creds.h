/* AWS credentials and the provider chain of the SDKs (domain.md section 2):
 * environment, shared config and credentials files with profiles (static
 * keys, role_arn with source_profile or credential_source, IAM Identity
 * Center, credential_process), ECS container credentials, EC2 IMDSv2.
 *
 * struct aws_credcache holds the credentials one context resolved and is
 * shared by every worker: temporary credentials are refreshed a few
 * minutes before they expire, and after a call saw ExpiredToken, under a
 * mutex, so several pollers never refresh at once. Secrets are wiped
 * when freed and registered with redact_register(). */
#ifndef RW_AWS_CREDS_H
#define RW_AWS_CREDS_H

#include <stdint.h>

#include "core/err.h"

struct aws_creds {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;	/* NULL for long-term keys */
	int64_t expiration_ms;	/* wall clock; 0: does not expire */
	char *source;		/* where they came from, e.g. "environment" (no secret) */
};

#define AWS_CREDS_INIT { NULL, NULL, NULL, 0, NULL }

/* Wipes and frees the strings. */
void aws_creds_clear(struct aws_creds *c);
void aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src);
/* Sets the three strings (TOKEN may be NULL or "") and registers the
 * secret and token with redact_register(). */
void aws_creds_set(struct aws_creds *c, const char *akid, const char *secret, const char *token,
    int64_t expiration_ms, const char *source);
int aws_creds_valid(const struct aws_creds *c);

/* Refresh this long before Expiration (the SDKs use 5 to 15 minutes). */
#define AWS_CREDS_REFRESH_MARGIN_MS (5 * 60 * 1000LL)

struct aws_ctx;
struct aws_provider;

/* One way of getting credentials. load() fills OUT or returns -1 with
 * ERR; a provider that has nothing to offer (no such variables, no
 * metadata service) sets ERR_CONFIG so the chain moves on, any other kind
 * stops the chain (credentials were configured there but are broken). */
struct aws_provider_ops {
	const char *name;
	int (*load)(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline,
	    struct aws_creds *out, struct rw_error *err);
	void (*destroy)(struct aws_provider *p);
};

struct aws_provider {
	const struct aws_provider_ops *ops;
	void *priv;
};

void aws_provider_free(struct aws_provider *p);

/* The providers (creds_*.c). Each returns a new provider. */
struct aws_provider *aws_provider_env(void);
/* PROFILE of the context's config files; EXPLICIT: the user named it
 * (a missing profile is then an error rather than "nothing here"). */
struct aws_provider *aws_provider_profile(const char *profile, int explicit);
struct aws_provider *aws_provider_process(const char *command, const char *profile);
struct aws_provider *aws_provider_ecs(void);
struct aws_provider *aws_provider_imds(void);
struct aws_provider *aws_provider_sso(const char *profile);
/* Assumes ROLE_ARN with credentials from SOURCE (owned by the new
 * provider); the other settings come from PROFILE. */
struct aws_provider *aws_provider_assume_role(const char *profile, struct aws_provider *source);
/* Fixed credentials (tests and the assume-role source of static keys). */
struct aws_provider *aws_provider_static(const struct aws_creds *c);

/* The cache shared by the workers of one context. */
struct aws_credcache;

/* Takes ownership of CHAIN[0..N-1] (tried in order until one yields). */
struct aws_credcache *aws_credcache_new(struct aws_provider **chain, size_t n);
void aws_credcache_free(struct aws_credcache *cc);
/* Copies current credentials into OUT, loading or refreshing them first
 * when there are none or they expire within the margin. Thread-safe.
 * Returns 0, or -1 with ERR (kind ERR_AUTH when no provider had any). */
int aws_credcache_get(struct aws_credcache *cc, struct aws_ctx *ctx, int64_t deadline,
    struct aws_creds *out, struct rw_error *err);
/* A call was refused with ExpiredToken using the credentials whose key id
 * is AKID: make the next get() refresh (once, however many workers saw
 * it). */
void aws_credcache_invalidate(struct aws_credcache *cc, const char *akid);
/* How many times credentials were loaded (tests and doctor). */
int aws_credcache_loads(struct aws_credcache *cc);

#endif
