#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "aws/client.h"
#include "aws/ctx_internal.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/json.h"
#include "aws/retry.h"
#include "aws/service.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "core/log.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

struct aws_client {
	struct aws_ctx *ctx;
	struct aws_credcache *creds;
	struct aws_http *http;
	struct aws_sigv4_cache sigcache;
	char *region;			/* NULL: the context's */
	int64_t attempts;
	uint64_t rng;
};

/* What the AWS error codes mean for the caller. */
static const struct {
	const char *code;
	enum err_kind kind;
} aws_code_kinds[] = {
	{ "AccessDenied", ERR_DENIED },
	{ "AccessDeniedException", ERR_DENIED },
	{ "UnauthorizedOperation", ERR_DENIED },
	{ "UnauthorizedException", ERR_DENIED },
	{ "InvalidClientTokenId", ERR_AUTH },
	{ "UnrecognizedClientException", ERR_AUTH },
	{ "InvalidAccessKeyId", ERR_AUTH },
	{ "SignatureDoesNotMatch", ERR_AUTH },
	{ "InvalidSignatureException", ERR_AUTH },
	{ "IncompleteSignature", ERR_AUTH },
	{ "MissingAuthenticationToken", ERR_AUTH },
	{ "MissingAuthenticationTokenException", ERR_AUTH },
	{ "AuthFailure", ERR_AUTH },
	{ "ExpiredToken", ERR_AUTH },
	{ "ExpiredTokenException", ERR_AUTH },
	{ "RequestExpired", ERR_AUTH },
	{ "RequestTimeTooSkewed", ERR_AUTH },
	{ "UnauthorizedClientException", ERR_AUTH },
};

/* A rejection that may only mean our clock is off. */
static const char *const aws_skew_codes[] = {
	"RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException",
	"SignatureDoesNotMatch", "AuthFailure", "RequestInTheFuture",
};

static const char *const aws_expired_codes[] = {
	"ExpiredToken", "ExpiredTokenException",
};

/* The clock is corrected when the server's differs by more than this. */
#define AWS_SKEW_THRESHOLD_MS (60 * 1000LL)

static enum err_kind
aws_code_kind(const char *code)
{
	for (size_t i = 0; code != NULL && i < sizeof aws_code_kinds / sizeof aws_code_kinds[0]; i++) {
		if (strcmp(code, aws_code_kinds[i].code) == 0)
			return aws_code_kinds[i].kind;
	}
	return ERR_SERVICE;
}

struct aws_client *
aws_client_new_with_creds(struct aws_ctx *ctx, struct aws_credcache *creds)
{
	struct aws_client *c = xcalloc(1, sizeof *c);

	c->ctx = ctx;
	c->creds = creds;
	c->http = aws_http_new();
	if (c->http == NULL) {
		free(c);
		return NULL;
	}
	c->rng = (uint64_t)time_mono_ms() ^ ((uint64_t)(uintptr_t)c << 16) ^ (uint64_t)getpid();
	if (c->rng == 0)
		c->rng = 0x9e3779b97f4a7c15ULL;
	return c;
}

struct aws_client *
aws_client_new(struct aws_ctx *ctx)
{
	return aws_client_new_with_creds(ctx, ctx->creds);
}

void
aws_client_free(struct aws_client *c)
{
	if (c == NULL)
		return;
	aws_http_free(c->http);
	aws_sigv4_cache_wipe(&c->sigcache);
	free(c->region);
	free(c);
}

struct aws_ctx *
aws_client_ctx(struct aws_client *c)
{
	return c->ctx;
}

int64_t
aws_client_take_attempts(struct aws_client *c)
{
	int64_t n = c->attempts;

	c->attempts = 0;
	return n;
}

void
aws_client_set_region(struct aws_client *c, const char *region)
{
	free(c->region);
	c->region = region != NULL ? xstrdup(region) : NULL;
}

void
aws_response_free(struct aws_response *resp)
{
	aws_kvlist_free(&resp->headers);
	if (resp->body.data != NULL)
		OPENSSL_cleanse(resp->body.data, resp->body.len);
	buf_free(&resp->body);
	resp->status = 0;
}

static double
aws_client_rand01(struct aws_client *c)
{
	/* xorshift64*: jitter only, not for secrets. */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (double)((c->rng * 0x2545F4914F6CDD1DULL) >> 11) / (double)(1ULL << 53);
}

static void
aws_client_sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static const char *
aws_client_request_id(const struct aws_kvlist *h)
{
	const char *v = aws_kvlist_get(h, "x-amzn-RequestId");

	if (v == NULL)
		v = aws_kvlist_get(h, "x-amz-request-id");
	return v;
}

/* A 2xx answer the protocol could not read: say so plainly when it is
 * someone else's page (a proxy or captive portal in the way). */
static void
aws_client_unreadable(const struct aws_response *resp, struct rw_error *err)
{
	const char *ct = aws_kvlist_get(&resp->headers, "Content-Type");

	err->http_status = (int)resp->status;
	if (ct != NULL && strncasecmp(ct, "text/html", 9) == 0) {
		free(err->message);
		err->message = xstrdup("the answer is an HTML page, not AWS's (a proxy in the way?)");
	}
	if (aws_client_request_id(&resp->headers) != NULL)
		err_set_request_id(err, aws_client_request_id(&resp->headers));
}

/* Fills ERR from an error answer in the service's protocol. */
static void
aws_client_service_error(const struct aws_service *svc, const struct aws_call *call,
    const struct aws_http_resp *rs, struct rw_error *err)
{
	char *code = NULL, *message = NULL, *rid = NULL;
	int parsed;
	struct buf msg = BUF_INIT;

	if (svc->protocol == AWS_PROTO_QUERY || svc->protocol == AWS_PROTO_EC2)
		parsed = aws_xml_parse_error(rs->body.data, rs->body.len, &code, &message, &rid);
	else
		parsed = aws_json_parse_error(rs->body.data, rs->body.len, &rs->headers, &code,
		    &message);
	if (parsed == 0 && message != NULL)
		buf_append_str(&msg, message);
	else if (parsed == 0)
		buf_append_str(&msg, code);
	else
		buf_printf(&msg, "HTTP %ld with %s", rs->status,
		    rs->body.len == 0 ? "an empty body" : "an error body that is not AWS's");
	/* Some services echo the canonical request (and so the session
	 * token) in SignatureDoesNotMatch messages. */
	redact_apply(&msg);
	err_set(err, aws_code_kind(code), svc->id, call->operation, "%s", buf_str(&msg));
	err->http_status = (int)rs->status;
	if (code != NULL)
		err_set_code(err, code);
	if (rid == NULL && aws_client_request_id(&rs->headers) != NULL)
		rid = xstrdup(aws_client_request_id(&rs->headers));
	if (rid != NULL)
		err_set_request_id(err, rid);
	buf_free(&msg);
	free(code);
	free(message);
	free(rid);
}

/* Builds and signs one attempt's request. */
static int
aws_client_build(struct aws_client *c, const struct aws_service *svc, const struct aws_call *call,
    const struct aws_creds *creds, struct aws_request *rq, char **url, int *allow_http,
    struct rw_error *err)
{
	char *endpoint = NULL, *scheme, *host, *base, *qs;
	const char *region = c->region != NULL ? c->region : c->ctx->region;
	int port;
	struct buf path = BUF_INIT, u = BUF_INIT;

	if (aws_ctx_endpoint(c->ctx, svc->id, region, &endpoint, allow_http, err) != 0) {
		free(err->operation);
		err->operation = xstrdup(call->operation);
		return -1;
	}
	if (aws_endpoint_parse_url(endpoint, &scheme, &host, &port, &base) != 0) {
		err_set(err, ERR_CONFIG, svc->id, call->operation, "bad endpoint URL");
		free(endpoint);
		return -1;
	}
	buf_append_str(&path, base);
	while (path.len > 0 && path.data[path.len - 1] == '/')
		path.data[--path.len] = '\0';
	buf_append_str(&path, call->path != NULL && *call->path == '/' ? call->path : "/");
	if (call->path != NULL && *call->path != '/' && *call->path != '\0')
		buf_append_str(&path, call->path);
	{
		char *hosthdr = port != 0 ? xasprintf("%s:%d", host, port) : xstrdup(host);

		aws_request_init(rq, call->method, hosthdr, buf_str(&path));
		free(hosthdr);
	}
	if (call->query != NULL)
		aws_kvlist_copy(&rq->query, call->query);
	if (call->headers != NULL)
		aws_kvlist_copy(&rq->headers, call->headers);
	if (call->body != NULL)
		buf_append(&rq->body, call->body, call->body_len);
	aws_kvlist_set(&rq->headers, "Host", rq->host);
	if (!call->unsigned_call) {
		struct aws_sigv4_opts o = {
			.region = region,
			.service = svc->signing_name,
			.now_ms = aws_ctx_now_ms(c->ctx),
		};

		if (aws_sigv4_sign(rq, creds, &o, &c->sigcache, NULL) != 0) {
			err_set(err, ERR_AUTH, svc->id, call->operation, "incomplete AWS credentials");
			goto fail;
		}
	}
	qs = aws_request_query_string(rq);
	buf_printf(&u, "%s://%s%s%s%s", scheme, rq->host, rq->path, *qs != '\0' ? "?" : "", qs);
	free(qs);
	*url = buf_detach(&u);
	free(endpoint);
	free(scheme);
	free(host);
	free(base);
	buf_free(&path);
	return 0;
fail:
	aws_request_free(rq);
	free(endpoint);
	free(scheme);
	free(host);
	free(base);
	buf_free(&path);
	return -1;
}

/* Learns the clock skew from the Date header; 1 when it changed. */
static int
aws_client_learn_skew(struct aws_client *c, const struct aws_http_resp *rs)
{
	const char *date = aws_kvlist_get(&rs->headers, "Date");
	int64_t server, diff;

	if (date == NULL || time_parse_http_date(date, &server) != 0)
		return 0;
	diff = server - time_now_ms();
	if (llabs(diff - aws_ctx_skew_ms(c->ctx)) < AWS_SKEW_THRESHOLD_MS)
		return 0;
	aws_ctx_set_skew_ms(c->ctx, llabs(diff) < AWS_SKEW_THRESHOLD_MS ? 0 : diff);
	log_debug(LOG_AWS, "clock skew: server Date is %+lld ms from ours; signing clock corrected",
	    (long long)diff);
	return 1;
}

int
aws_client_call(struct aws_client *c, const struct aws_call *call, int64_t deadline,
    struct aws_response *resp, struct rw_error *err)
{
	const struct aws_service *svc = aws_service_find(call->service);
	const struct aws_settings *s = &c->ctx->s;
	int attempt = 0, extra = 0, retry_cost = 0, skew_fixed = 0, refreshed = 0;

	memset(resp, 0, sizeof *resp);
	if (svc == NULL) {
		err_set(err, ERR_INTERNAL, call->service, call->operation, "unknown AWS service");
		return -1;
	}
	for (;;) {
		struct aws_creds creds = AWS_CREDS_INIT;
		struct aws_request rq;
		struct aws_http_resp rs;
		struct aws_http_req hr;
		struct rw_error aerr = RW_ERROR_INIT;
		char *url = NULL;
		int allow_http = 0, rc, network = 0;
		int64_t start = time_mono_ms(), left = deadline - start, delay;
		enum aws_retry_class cls;
		const char *code;

		attempt++;
		if (left <= 0) {
			if (!err_is_set(err))
				err_set(err, ERR_TIMEOUT, svc->id, call->operation,
				    "deadline passed before the call could be made");
			return -1;
		}
		if (!call->unsigned_call && aws_credcache_get(c->creds, c->ctx, deadline, &creds, err) != 0)
			return -1;
		if (aws_client_build(c, svc, call, &creds, &rq, &url, &allow_http, err) != 0) {
			aws_creds_clear(&creds);
			return -1;
		}
		hr = (struct aws_http_req){
			.method = rq.method, .url = url, .headers = &rq.headers,
			.body = rq.body.data, .body_len = rq.body.len,
			.connect_timeout_ms = s->connect_timeout_ms,
			.timeout_ms = left < s->timeout_ms ? left : s->timeout_ms,
			.max_bytes = s->max_response_bytes, .allow_http = allow_http,
		};
		rc = aws_http_perform(c->http, &hr, &rs, &aerr);
		c->attempts++;
		if (rc == 0 && rs.status >= 200 && rs.status < 300) {
			log_debug(LOG_AWS, "%s %s %s %s attempt %d: HTTP %ld in %lld ms, %zu bytes%s, request %s",
			    svc->id, call->operation, rq.method, rq.host, attempt, rs.status,
			    (long long)(time_mono_ms() - start), rs.body.len,
			    call->sensitive ? " (secret, not logged)" : "",
			    aws_client_request_id(&rs.headers) != NULL ? aws_client_request_id(&rs.headers) : "-");
			aws_retry_quota_success(&c->ctx->quota, retry_cost);
			resp->status = rs.status;
			resp->headers = rs.headers;
			resp->body = rs.body;
			err_clear(err);
			aws_request_free(&rq);
			aws_creds_clear(&creds);
			free(url);
			return 0;
		}
		if (rc != 0) {
			network = 1;
			err_set(err, aerr.kind, svc->id, call->operation, "%s", aerr.message);
			err->http_status = (int)rs.status;
		} else {
			aws_client_service_error(svc, call, &rs, err);
		}
		err_clear(&aerr);
		code = err->code;
		if (rc != 0)
			log_debug(LOG_AWS, "%s %s %s %s attempt %d: no answer (%s) in %lld ms", svc->id,
			    call->operation, rq.method, rq.host, attempt, err->message,
			    (long long)(time_mono_ms() - start));
		else
			log_debug(LOG_AWS, "%s %s %s %s attempt %d: HTTP %ld %s in %lld ms, request %s",
			    svc->id, call->operation, rq.method, rq.host, attempt, rs.status,
			    code != NULL ? code : "(no error code)", (long long)(time_mono_ms() - start),
			    err->request_id != NULL ? err->request_id : "-");

		/* Clock skew and expired credentials get one free retry each. */
		if (rc == 0 && !skew_fixed &&
		    aws_code_in(code, aws_skew_codes, sizeof aws_skew_codes / sizeof aws_skew_codes[0]) &&
		    aws_client_learn_skew(c, &rs)) {
			skew_fixed = 1;
			extra++;
			goto next;
		}
		if (rc == 0 && !refreshed && !call->unsigned_call &&
		    aws_code_in(code, aws_expired_codes,
		    sizeof aws_expired_codes / sizeof aws_expired_codes[0])) {
			log_debug(LOG_AWS, "%s %s: credentials expired; refreshing and retrying",
			    svc->id, call->operation);
			aws_credcache_invalidate(c->creds, creds.access_key_id);
			refreshed = 1;
			extra++;
			goto next;
		}
		cls = aws_retry_classify((int)rs.status, rc == 0 ? code : NULL, network, rs.timed_out);
		if (cls == AWS_RETRY_NO)
			goto fail;
		if (attempt - extra >= s->max_attempts) {
			log_debug(LOG_AWS, "%s %s: giving up after %d attempts (%s)", svc->id,
			    call->operation, attempt, aws_retry_class_name(cls));
			if (err->message != NULL) {
				char *m = xasprintf("%s (after %d attempts)", err->message, attempt);

				free(err->message);
				err->message = m;
			}
			goto fail;
		}
		{
			int cost = aws_retry_quota_acquire(&c->ctx->quota, cls);

			if (cost < 0) {
				log_debug(LOG_AWS, "%s %s: retry quota exhausted, not retrying", svc->id,
				    call->operation);
				goto fail;
			}
			retry_cost += cost;
		}
		delay = aws_retry_backoff_ms(attempt - extra, aws_client_rand01(c));
		{
			int64_t hint = aws_retry_after_ms(aws_kvlist_get(&rs.headers, "Retry-After"),
			    aws_kvlist_get(&rs.headers, "x-amz-retry-after"));

			if (hint >= 0)
				delay = hint < AWS_RETRY_MAX_BACKOFF_MS ? hint : AWS_RETRY_MAX_BACKOFF_MS;
		}
		if (time_mono_ms() + delay >= deadline) {
			log_debug(LOG_AWS, "%s %s: a retry in %lld ms would pass the deadline", svc->id,
			    call->operation, (long long)delay);
			goto fail;
		}
		log_debug(LOG_AWS, "%s %s: %s, retry %d in %lld ms (quota %d)", svc->id,
		    call->operation, aws_retry_class_name(cls), attempt - extra + 1, (long long)delay,
		    aws_retry_quota_available(&c->ctx->quota));
		aws_client_sleep_ms(delay);
next:
		aws_http_resp_free(&rs);
		aws_request_free(&rq);
		aws_creds_clear(&creds);
		free(url);
		continue;
fail:
		aws_http_resp_free(&rs);
		aws_request_free(&rq);
		aws_creds_clear(&creds);
		free(url);
		return -1;
	}
}

/* --- the three protocols ------------------------------------------------- */

int
aws_query_call(struct aws_client *c, const char *service, const char *operation,
    const struct aws_params *params, int64_t deadline, xmlDoc **doc, struct rw_error *err)
{
	const struct aws_service *svc = aws_service_find(service);
	struct aws_kvlist headers = AWS_KVLIST_INIT;
	struct aws_response resp;
	struct aws_call call = { .service = service, .operation = operation, .method = "POST",
	    .path = "/", .headers = &headers };
	char *body;
	int rc;

	*doc = NULL;
	if (svc == NULL || (svc->protocol != AWS_PROTO_QUERY && svc->protocol != AWS_PROTO_EC2)) {
		err_set(err, ERR_INTERNAL, service, operation, "not a query-protocol service");
		return -1;
	}
	body = aws_query_encode(operation, svc->api_version, params);
	aws_kvlist_add(&headers, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
	call.body = body;
	call.body_len = strlen(body);
	rc = aws_client_call(c, &call, deadline, &resp, err);
	OPENSSL_cleanse(body, strlen(body));
	free(body);
	aws_kvlist_free(&headers);
	if (rc != 0)
		return -1;
	*doc = aws_xml_parse(resp.body.data, resp.body.len, service, operation, err);
	if (*doc != NULL && aws_xml_result(*doc, operation) == NULL) {
		xmlFreeDoc(*doc);
		*doc = NULL;
		err_set(err, ERR_PARSE, service, operation,
		    "unexpected response: no <%sResponse> element", operation);
	}
	if (*doc == NULL)
		aws_client_unreadable(&resp, err);
	aws_response_free(&resp);
	return *doc != NULL ? 0 : -1;
}

static int
aws_json_finish(struct aws_response *resp, const char *service, const char *operation, int sensitive,
    cJSON **out, struct rw_error *err)
{
	*out = aws_json_parse(resp->body.data, resp->body.len, service, operation, err);
	if (*out == NULL)
		aws_client_unreadable(resp, err);
	(void)sensitive;	/* the body is wiped by aws_response_free() either way */
	aws_response_free(resp);
	return *out != NULL ? 0 : -1;
}

static int
aws_json_do(struct aws_client *c, const char *service, const char *operation, const cJSON *body,
    int sensitive, int64_t deadline, cJSON **out, struct rw_error *err)
{
	const struct aws_service *svc = aws_service_find(service);
	struct aws_kvlist headers = AWS_KVLIST_INIT;
	struct aws_response resp;
	struct aws_call call = { .service = service, .operation = operation, .method = "POST",
	    .path = "/", .headers = &headers, .sensitive = sensitive };
	char *text;
	int rc;

	*out = NULL;
	if (svc == NULL || svc->protocol != AWS_PROTO_JSON) {
		err_set(err, ERR_INTERNAL, service, operation, "not a JSON-protocol service");
		return -1;
	}
	text = body != NULL ? cJSON_PrintUnformatted(body) : xstrdup("{}");
	aws_kvlist_addf(&headers, "Content-Type", "application/x-amz-json-%s", svc->api_version);
	aws_kvlist_addf(&headers, "X-Amz-Target", "%s.%s", svc->target_prefix, operation);
	call.body = text;
	call.body_len = strlen(text);
	rc = aws_client_call(c, &call, deadline, &resp, err);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	aws_kvlist_free(&headers);
	if (rc != 0)
		return -1;
	return aws_json_finish(&resp, service, operation, sensitive, out, err);
}

int
aws_json_call(struct aws_client *c, const char *service, const char *operation, const cJSON *body,
    int64_t deadline, cJSON **out, struct rw_error *err)
{
	return aws_json_do(c, service, operation, body, 0, deadline, out, err);
}

/* For aws/secrets.c: the answer is a secret. */
int aws_json_call_sensitive(struct aws_client *c, const char *service, const char *operation,
    const cJSON *body, int64_t deadline, cJSON **out, struct rw_error *err);

int
aws_json_call_sensitive(struct aws_client *c, const char *service, const char *operation,
    const cJSON *body, int64_t deadline, cJSON **out, struct rw_error *err)
{
	return aws_json_do(c, service, operation, body, 1, deadline, out, err);
}

int
aws_rest_json_call(struct aws_client *c, const char *service, const char *operation,
    const char *method, const char *path, const struct aws_kvlist *query, const cJSON *body,
    int64_t deadline, cJSON **out, struct rw_error *err)
{
	const struct aws_service *svc = aws_service_find(service);
	struct aws_kvlist headers = AWS_KVLIST_INIT;
	struct aws_response resp;
	struct aws_call call = { .service = service, .operation = operation, .method = method,
	    .path = path, .query = query, .headers = &headers };
	char *text = NULL;
	int rc;

	*out = NULL;
	if (svc == NULL || svc->protocol != AWS_PROTO_REST_JSON) {
		err_set(err, ERR_INTERNAL, service, operation, "not a REST-JSON service");
		return -1;
	}
	if (body != NULL) {
		text = cJSON_PrintUnformatted(body);
		aws_kvlist_add(&headers, "Content-Type", "application/json");
		call.body = text;
		call.body_len = strlen(text);
	}
	rc = aws_client_call(c, &call, deadline, &resp, err);
	free(text);
	aws_kvlist_free(&headers);
	if (rc != 0)
		return -1;
	return aws_json_finish(&resp, service, operation, 0, out, err);
}
