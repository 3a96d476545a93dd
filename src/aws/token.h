/* RDS IAM database authentication tokens: a SigV4-presigned
 * "GET https://HOST:PORT/?Action=connect&DBUser=USER" for service rds-db,
 * valid 15 minutes, without the "https://" (domain.md section 2). The
 * same as `aws rds generate-db-auth-token` and botocore's
 * generate_db_auth_token. A token is a password: callers use it at once
 * (a fresh one per connection), never log it, and wipe it with
 * aws_token_free(). */
#ifndef RW_AWS_TOKEN_H
#define RW_AWS_TOKEN_H

#include <stdint.h>

#include "aws/creds.h"
#include "aws/ctx.h"

#define AWS_TOKEN_EXPIRES_S 900

/* From given credentials and clock (tests, and the context version). */
char *aws_token_build(const struct aws_creds *c, const char *host, int port, const char *user,
    const char *region, int64_t now_ms);
/* With the context's credentials (refreshed as needed) and signing clock;
 * REGION NULL: the context's. Registers the token with redact_register().
 * Returns 0, or -1 with ERR. */
int aws_token_generate(struct aws_ctx *ctx, const char *host, int port, const char *user,
    const char *region, int64_t deadline, char **token, struct rw_error *err);
void aws_token_free(char *token);

#endif
