#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "aws/imds.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

#define IMDS_TOKEN_TTL "21600"
#define IMDS_MAX_BYTES (64u << 10)

static int
aws_imds_true(const char *v)
{
	return v != NULL && strcasecmp(v, "true") == 0;
}

static char *
aws_imds_endpoint(struct aws_ctx *ctx)
{
	const char *v = aws_ctx_setting(ctx, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	    "ec2_metadata_service_endpoint");
	const char *mode = aws_ctx_setting(ctx, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	    "ec2_metadata_service_endpoint_mode");
	char *e;
	size_t len;

	if (v == NULL)
		v = mode != NULL && strcasecmp(mode, "IPv6") == 0 ? "http://[fd00:ec2::254]"
		    : "http://169.254.169.254";
	e = xstrdup(v);
	len = strlen(e);
	while (len > 0 && e[len - 1] == '/')
		e[--len] = '\0';
	return e;
}

static int64_t
aws_imds_timeout(struct aws_ctx *ctx)
{
	const char *v = aws_ctx_setting(ctx, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout");
	double s = v != NULL ? strtod(v, NULL) : 1.0;

	return s > 0 && s < 60 ? (int64_t)(s * 1000) : 1000;
}

static int
aws_imds_request(struct aws_http *h, const char *method, const char *url,
    struct aws_kvlist *headers, int64_t timeout, int64_t deadline, struct aws_http_resp *rs,
    struct rw_error *err)
{
	int64_t left = deadline - time_mono_ms();
	struct aws_http_req rq = {
		.method = method, .url = url, .headers = headers,
		.connect_timeout_ms = timeout, .timeout_ms = left < timeout ? left : timeout,
		.max_bytes = IMDS_MAX_BYTES, .allow_http = 1, .no_proxy = 1,
	};

	return aws_http_perform(h, &rq, rs, err);
}

int
aws_imds_open(struct aws_ctx *ctx, struct aws_http *h, int64_t deadline,
    struct aws_imds_session *s, struct rw_error *err)
{
	struct aws_kvlist hdr = AWS_KVLIST_INIT;
	struct aws_http_resp rs;
	struct rw_error e = RW_ERROR_INIT;
	char *url;
	int rc = -1;

	memset(s, 0, sizeof *s);
	if (aws_imds_true(aws_ctx_setting(ctx, "AWS_EC2_METADATA_DISABLED", NULL))) {
		err_set(err, ERR_CONFIG, "imds", NULL, "disabled by AWS_EC2_METADATA_DISABLED");
		return -1;
	}
	s->ctx = ctx;
	s->http = h;
	s->base = aws_imds_endpoint(ctx);
	s->timeout_ms = aws_imds_timeout(ctx);
	url = xasprintf("%s/latest/api/token", s->base);
	aws_kvlist_add(&hdr, "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL);
	if (aws_imds_request(h, "PUT", url, &hdr, s->timeout_ms, deadline, &rs, &e) != 0) {
		err_set(err, ERR_CONFIG, "imds", NULL, "no instance metadata service (%s)", e.message);
	} else if (rs.status == 200 && rs.body.len > 0 && strpbrk(buf_str(&rs.body), "\r\n") == NULL) {
		s->token = xstrdup(buf_str(&rs.body));
		rc = 0;
	} else if ((rs.status == 403 || rs.status == 404 || rs.status == 405) &&
	    !aws_imds_true(aws_ctx_setting(ctx, "AWS_EC2_METADATA_V1_DISABLED",
	    "ec2_metadata_v1_disabled"))) {
		log_debug(LOG_AWS, "imds: token refused (HTTP %ld), falling back to IMDSv1", rs.status);
		rc = 0;
	} else {
		err_set(err, ERR_AUTH, "imds", "token", "metadata token refused (HTTP %ld)", rs.status);
	}
	aws_http_resp_free(&rs);
	err_clear(&e);
	aws_kvlist_free(&hdr);
	free(url);
	if (rc != 0)
		aws_imds_close(s);
	return rc;
}

int
aws_imds_fetch(struct aws_imds_session *s, const char *path, int64_t deadline, char **out,
    struct rw_error *err)
{
	struct aws_kvlist hdr = AWS_KVLIST_INIT;
	struct aws_http_resp rs;
	struct rw_error e = RW_ERROR_INIT;
	char *url = xasprintf("%s%s", s->base, path);
	int rc = -1;

	*out = NULL;
	if (s->token != NULL)
		aws_kvlist_add(&hdr, "X-aws-ec2-metadata-token", s->token);
	if (aws_imds_request(s->http, "GET", url, &hdr, s->timeout_ms, deadline, &rs, &e) != 0) {
		err_set(err, ERR_NETWORK, "imds", NULL, "%s", e.message);
	} else if (rs.status != 200) {
		err_set(err, rs.status == 404 ? ERR_CONFIG : ERR_SERVICE, "imds", NULL,
		    "GET %s: HTTP %ld", path, rs.status);
	} else {
		*out = xstrdup(buf_str(&rs.body));
		rc = 0;
	}
	aws_http_resp_free(&rs);
	err_clear(&e);
	aws_kvlist_free(&hdr);
	free(url);
	return rc;
}

void
aws_imds_close(struct aws_imds_session *s)
{
	if (s->token != NULL)
		OPENSSL_cleanse(s->token, strlen(s->token));
	free(s->token);
	free(s->base);
	s->token = s->base = NULL;
}

int
aws_imds_get(struct aws_ctx *ctx, struct aws_http *h, const char *path, int64_t deadline,
    char **out, struct rw_error *err)
{
	struct aws_imds_session s;
	int rc;

	*out = NULL;
	if (aws_imds_open(ctx, h, deadline, &s, err) != 0)
		return -1;
	rc = aws_imds_fetch(&s, path, deadline, out, err);
	aws_imds_close(&s);
	return rc;
}

int
aws_imds_region(struct aws_ctx *ctx, int64_t deadline, char **region, struct rw_error *err)
{
	struct aws_http *h = aws_http_new();
	char *r = NULL;
	int rc;

	*region = NULL;
	if (h == NULL) {
		err_set(err, ERR_INTERNAL, "imds", NULL, "cannot start libcurl");
		return -1;
	}
	rc = aws_imds_get(ctx, h, "/latest/meta-data/placement/region", deadline, &r, err);
	aws_http_free(h);
	if (rc != 0)
		return -1;
	r[strcspn(r, " \r\n")] = '\0';
	if (*r == '\0' || strspn(r, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(r)) {
		err_set(err, ERR_PARSE, "imds", NULL, "unexpected region from IMDS");
		free(r);
		return -1;
	}
	*region = r;
	return 0;
}
