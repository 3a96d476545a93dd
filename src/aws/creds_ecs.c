/* ECS (and EKS Pod Identity) container credentials:
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
 * AWS_CONTAINER_CREDENTIALS_FULL_URI (https anywhere; http only to a
 * loopback address, 169.254.170.2 or 169.254.170.23), with the
 * Authorization token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 * AWS_CONTAINER_AUTHORIZATION_TOKEN. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/creds_internal.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/json.h"
#include "core/files.h"
#include "core/redact.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

#define ECS_HOST "http://169.254.170.2"
#define ECS_TIMEOUT_MS 2000

static int
aws_ecs_host_allowed(const char *host)
{
	static const char *const allowed[] = {
		"169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]",
	};

	if (strncmp(host, "127.", 4) == 0)
		return 1;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		if (strcasecmp(host, allowed[i]) == 0)
			return 1;
	}
	return 0;
}

static int
aws_ecs_url(char **url, struct rw_error *err)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	char *scheme, *host, *path;
	int port, ok;

	if (rel != NULL && *rel != '\0') {
		*url = xasprintf(ECS_HOST "%s%s", *rel == '/' ? "" : "/", rel);
		return 0;
	}
	if (full == NULL || *full == '\0') {
		err_set(err, ERR_CONFIG, NULL, NULL, "AWS_CONTAINER_CREDENTIALS_*_URI not set");
		return -1;
	}
	if (aws_endpoint_parse_url(full, &scheme, &host, &port, &path) != 0) {
		err_set(err, ERR_CONFIG, NULL, NULL,
		    "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL");
		return -1;
	}
	ok = strcmp(scheme, "https") == 0 || aws_ecs_host_allowed(host);
	free(scheme);
	free(host);
	free(path);
	if (!ok) {
		err_set(err, ERR_AUTH, NULL, NULL, "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is "
		    "only allowed to a loopback address, 169.254.170.2 or 169.254.170.23");
		return -1;
	}
	*url = xstrdup(full);
	return 0;
}

/* The Authorization header's value, newly allocated, or NULL. */
static int
aws_ecs_token(char **token, struct rw_error *err)
{
	const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *v = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	char *why = NULL;

	*token = NULL;
	if (file != NULL && *file != '\0') {
		*token = files_read_all(file, 16 << 10, NULL, &why);
		if (*token == NULL) {
			err_set(err, ERR_AUTH, NULL, NULL, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %s",
			    why);
			free(why);
			return -1;
		}
		(*token)[strcspn(*token, "\r\n")] = '\0';
	} else if (v != NULL && *v != '\0') {
		*token = xstrdup(v);
	}
	if (*token != NULL && strpbrk(*token, "\r\n") != NULL) {
		err_set(err, ERR_AUTH, NULL, NULL, "container authorization token holds a line break");
		free(*token);
		*token = NULL;
		return -1;
	}
	return 0;
}

static int
aws_ecs_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline, struct aws_creds *out,
    struct rw_error *err)
{
	struct aws_kvlist hdr = AWS_KVLIST_INIT;
	struct aws_http_resp rs;
	struct rw_error e = RW_ERROR_INIT;
	char *url = NULL, *token = NULL;
	int64_t left = deadline - time_mono_ms();
	int rc = -1;

	(void)ctx;
	if (aws_ecs_url(&url, err) != 0)
		return -1;
	if (aws_ecs_token(&token, err) != 0)
		goto out;
	if (token != NULL) {
		redact_register(token);
		aws_kvlist_add(&hdr, "Authorization", token);
	}
	if (p->priv == NULL)
		p->priv = aws_http_new();
	if (p->priv == NULL) {
		err_set(err, ERR_INTERNAL, "ecs", NULL, "cannot start libcurl");
		goto out;
	}
	{
		struct aws_http_req rq = {
			.method = "GET", .url = url, .headers = &hdr,
			.connect_timeout_ms = ECS_TIMEOUT_MS,
			.timeout_ms = left < ECS_TIMEOUT_MS ? left : ECS_TIMEOUT_MS,
			.max_bytes = 64 << 10, .allow_http = 1, .no_proxy = 1,
		};

		if (aws_http_perform(p->priv, &rq, &rs, &e) != 0) {
			err_set(err, ERR_NETWORK, "ecs", NULL, "container credentials: %s", e.message);
			aws_http_resp_free(&rs);
			goto out;
		}
	}
	if (rs.status != 200) {
		err_set(err, ERR_AUTH, "ecs", NULL, "container credentials: HTTP %ld", rs.status);
	} else {
		cJSON *j = cJSON_ParseWithLength(rs.body.data != NULL ? rs.body.data : "", rs.body.len);

		if (j == NULL)
			err_set(err, ERR_PARSE, "ecs", NULL, "container credentials: unreadable answer");
		else
			rc = aws_creds_from_json(j, "AccessKeyId", "SecretAccessKey", "Token",
			    "Expiration", "container credentials", out, "container credentials", err);
		aws_json_wipe(j);
		cJSON_Delete(j);
	}
	aws_http_resp_free(&rs);
out:
	err_clear(&e);
	aws_kvlist_free(&hdr);
	if (token != NULL)
		OPENSSL_cleanse(token, strlen(token));
	free(token);
	free(url);
	return rc;
}

static void
aws_ecs_destroy(struct aws_provider *p)
{
	aws_http_free(p->priv);
}

static const struct aws_provider_ops aws_ecs_ops = { "container credentials", aws_ecs_load,
	aws_ecs_destroy };

struct aws_provider *
aws_provider_ecs(void)
{
	return aws_provider_new(&aws_ecs_ops, NULL);
}
