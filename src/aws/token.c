#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/sigv4.h"
#include "aws/token.h"
#include "core/redact.h"
#include "core/xmalloc.h"

char *
aws_token_build(const struct aws_creds *c, const char *host, int port, const char *user,
    const char *region, int64_t now_ms)
{
	struct aws_request r;
	struct aws_sigv4_opts o = {
		.region = region, .service = "rds-db", .now_ms = now_ms,
		.expires_s = AWS_TOKEN_EXPIRES_S,
	};
	char *hostport, *qs, *token = NULL;

	/* botocore signs the Host as a URL would carry it: no :443 for https. */
	hostport = port == 443 ? xstrdup(host) : xasprintf("%s:%d", host, port);
	aws_request_init(&r, "GET", hostport, "/");
	aws_kvlist_add(&r.query, "Action", "connect");
	aws_kvlist_add(&r.query, "DBUser", user);
	if (aws_sigv4_presign(&r, c, &o, NULL, NULL) == 0) {
		qs = aws_request_query_string(&r);
		token = xasprintf("%s:%d/?%s", host, port, qs);
		OPENSSL_cleanse(qs, strlen(qs));
		free(qs);
	}
	aws_request_free(&r);
	free(hostport);
	return token;
}

int
aws_token_generate(struct aws_ctx *ctx, const char *host, int port, const char *user,
    const char *region, int64_t deadline, char **token, struct rw_error *err)
{
	struct aws_creds c = AWS_CREDS_INIT;

	*token = NULL;
	if (region == NULL)
		region = aws_ctx_region(ctx);
	if (region == NULL) {
		err_set(err, ERR_CONFIG, "rds-db", "connect", "no AWS region for the IAM token");
		return -1;
	}
	if (port <= 0 || port > 65535 || host == NULL || *host == '\0' || user == NULL || *user == '\0') {
		err_set(err, ERR_CONFIG, "rds-db", "connect", "an IAM token needs a host, port and user");
		return -1;
	}
	if (aws_ctx_creds(ctx, deadline, &c, err) != 0)
		return -1;
	*token = aws_token_build(&c, host, port, user, region, aws_ctx_now_ms(ctx));
	aws_creds_clear(&c);
	if (*token == NULL) {
		err_set(err, ERR_AUTH, "rds-db", "connect", "incomplete AWS credentials");
		return -1;
	}
	redact_register(*token);
	return 0;
}

void
aws_token_free(char *token)
{
	if (token == NULL)
		return;
	OPENSSL_cleanse(token, strlen(token));
	free(token);
}
