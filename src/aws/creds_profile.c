/* A profile of the shared files, in botocore's order: role_arn (with
 * source_profile or credential_source), IAM Identity Center, static keys,
 * credential_process. The provider that fits is built on first use. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds_internal.h"
#include "aws/ctx.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

#define PROFILE_MAX_CHAIN 8

struct aws_profile_prov {
	char *profile;
	int explicit;
	struct aws_provider *inner;
};

static struct aws_provider *aws_profile_build(struct aws_ctx *ctx, const char *profile, int depth,
    struct rw_error *err);

static struct aws_provider *
aws_profile_static(struct aws_ctx *ctx, const char *profile, struct rw_error *err)
{
	const struct aws_cfg *cfg = aws_ctx_cfg(ctx);
	const char *akid = aws_cfg_profile(cfg, profile, "aws_access_key_id");
	const char *secret = aws_cfg_profile(cfg, profile, "aws_secret_access_key");
	const char *token = aws_cfg_profile(cfg, profile, "aws_session_token");
	struct aws_creds c = AWS_CREDS_INIT;
	struct aws_provider *p;
	char *cp, *src;

	if (token == NULL)
		token = aws_cfg_profile(cfg, profile, "aws_security_token");
	cp = sanitize_str(profile);
	if (secret == NULL || *secret == '\0' || *akid == '\0') {
		err_set(err, ERR_AUTH, NULL, NULL,
		    "profile %s: aws_access_key_id without aws_secret_access_key", cp);
		free(cp);
		return NULL;
	}
	src = xasprintf("profile %s", cp);
	aws_creds_set(&c, akid, secret, token, 0, src);
	p = aws_provider_static(&c);
	aws_creds_clear(&c);
	free(src);
	free(cp);
	return p;
}

static struct aws_provider *
aws_profile_role_source(struct aws_ctx *ctx, const char *profile, int depth, struct rw_error *err)
{
	static const struct {
		const char *name;
		struct aws_provider *(*make)(void);
	} sources[] = {
		{ "Environment", aws_provider_env },
		{ "Ec2InstanceMetadata", aws_provider_imds },
		{ "EcsContainer", aws_provider_ecs },
	};
	const struct aws_cfg *cfg = aws_ctx_cfg(ctx);
	const char *sp = aws_cfg_profile(cfg, profile, "source_profile");
	const char *cs = aws_cfg_profile(cfg, profile, "credential_source");
	char *cp = sanitize_str(profile);
	struct aws_provider *p = NULL;

	if (sp != NULL && cs != NULL) {
		err_set(err, ERR_AUTH, NULL, NULL,
		    "profile %s: source_profile and credential_source are exclusive", cp);
	} else if (sp != NULL && strcmp(sp, profile) == 0) {
		p = aws_profile_static(ctx, profile, err);	/* its own keys */
	} else if (sp != NULL) {
		if (!aws_cfg_has_profile(cfg, sp)) {
			char *cs2 = sanitize_str(sp);

			err_set(err, ERR_AUTH, NULL, NULL, "profile %s: source_profile %s not found",
			    cp, cs2);
			free(cs2);
		} else {
			p = aws_profile_build(ctx, sp, depth + 1, err);
			if (p == NULL && err->kind == ERR_CONFIG)
				err->kind = ERR_AUTH;
		}
	} else if (cs != NULL) {
		for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
			if (strcmp(cs, sources[i].name) == 0)
				p = sources[i].make();
		}
		if (p == NULL)
			err_set(err, ERR_AUTH, NULL, NULL, "profile %s: credential_source must be "
			    "Environment, Ec2InstanceMetadata or EcsContainer", cp);
	} else {
		err_set(err, ERR_AUTH, NULL, NULL,
		    "profile %s: role_arn needs source_profile or credential_source", cp);
	}
	free(cp);
	return p;
}

static struct aws_provider *
aws_profile_build(struct aws_ctx *ctx, const char *profile, int depth, struct rw_error *err)
{
	const struct aws_cfg *cfg = aws_ctx_cfg(ctx);
	const char *v;
	char *cp = sanitize_str(profile);
	struct aws_provider *p = NULL, *src;

	if (depth > PROFILE_MAX_CHAIN) {
		err_set(err, ERR_AUTH, NULL, NULL,
		    "profile %s: source_profile chain too long (a loop?)", cp);
	} else if (aws_cfg_profile(cfg, profile, "role_arn") != NULL &&
	    (depth == 0 || aws_cfg_profile(cfg, profile, "aws_access_key_id") == NULL)) {
		if (aws_cfg_profile(cfg, profile, "mfa_serial") != NULL) {
			err_set(err, ERR_AUTH, NULL, NULL, "profile %s needs interactive MFA "
			    "(mfa_serial), which rdswatch does not support; use a profile without "
			    "mfa_serial, or export credentials from 'aws sts get-session-token'", cp);
		} else if ((src = aws_profile_role_source(ctx, profile, depth, err)) != NULL) {
			p = aws_provider_assume_role(profile, src);
		}
	} else if (aws_cfg_profile(cfg, profile, "sso_session") != NULL ||
	    aws_cfg_profile(cfg, profile, "sso_start_url") != NULL) {
		p = aws_provider_sso(profile);
	} else if ((v = aws_cfg_profile(cfg, profile, "aws_access_key_id")) != NULL) {
		p = aws_profile_static(ctx, profile, err);
	} else if ((v = aws_cfg_profile(cfg, profile, "credential_process")) != NULL) {
		p = aws_provider_process(v, profile);
	} else {
		err_set(err, ERR_CONFIG, NULL, NULL, "profile %s has no credentials", cp);
	}
	free(cp);
	return p;
}

static int
aws_profile_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline,
    struct aws_creds *out, struct rw_error *err)
{
	struct aws_profile_prov *pp = p->priv;

	if (pp->inner == NULL) {
		pp->inner = aws_profile_build(ctx, pp->profile, 0, err);
		if (pp->inner == NULL)
			return -1;
	}
	return pp->inner->ops->load(pp->inner, ctx, deadline, out, err);
}

static void
aws_profile_destroy(struct aws_provider *p)
{
	struct aws_profile_prov *pp = p->priv;

	aws_provider_free(pp->inner);
	free(pp->profile);
	free(pp);
}

static const struct aws_provider_ops aws_profile_ops = { "shared config files", aws_profile_load,
	aws_profile_destroy };

struct aws_provider *
aws_provider_profile(const char *profile, int explicit)
{
	struct aws_profile_prov *pp = xcalloc(1, sizeof *pp);

	pp->profile = xstrdup(profile);
	pp->explicit = explicit;
	return aws_provider_new(&aws_profile_ops, pp);
}
