/* Shared by the credential providers (creds_*.c). */
#ifndef RW_AWS_CREDS_INTERNAL_H
#define RW_AWS_CREDS_INTERNAL_H

#include <cjson/cJSON.h>

#include "aws/creds.h"

struct aws_provider *aws_provider_new(const struct aws_provider_ops *ops, void *priv);

/* Reads credentials from a JSON answer (IMDS, ECS, credential_process,
 * the SSO portal) with the given member names; an Expiration that is a
 * string is ISO 8601, a number is epoch ms. WHAT names the source in
 * errors (never the values). */
int aws_creds_from_json(const cJSON *j, const char *akid_key, const char *secret_key,
    const char *token_key, const char *exp_key, const char *source, struct aws_creds *out,
    const char *what, struct rw_error *err);

#endif
