#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "aws/http.h"
#include "core/xmalloc.h"

struct aws_http {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
};

struct aws_http_sink {
	struct aws_http_resp *rs;
	size_t max;
	int too_large;
};

static pthread_once_t aws_http_once = PTHREAD_ONCE_INIT;

static void
aws_http_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
aws_http_global_init(void)
{
	pthread_once(&aws_http_once, aws_http_init_once);
}

struct aws_http *
aws_http_new(void)
{
	struct aws_http *h = xcalloc(1, sizeof *h);

	aws_http_global_init();
	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
aws_http_free(struct aws_http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

void
aws_http_resp_free(struct aws_http_resp *rs)
{
	aws_kvlist_free(&rs->headers);
	if (rs->body.data != NULL)
		OPENSSL_cleanse(rs->body.data, rs->body.len);
	buf_free(&rs->body);
	rs->status = 0;
	rs->timed_out = 0;
}

static size_t
aws_http_on_body(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct aws_http_sink *s = user;
	size_t n = size * nmemb;

	if (s->rs->body.len + n > s->max) {
		s->too_large = 1;
		return 0;	/* aborts the transfer */
	}
	buf_append(&s->rs->body, ptr, n);
	return n;
}

static size_t
aws_http_on_header(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct aws_http_sink *s = user;
	size_t n = size * nmemb, len = n;
	char *colon, *name, *value;

	/* A new status line (after 100 Continue or a proxy's CONNECT):
	 * forget the headers of the previous response. */
	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		aws_kvlist_free(&s->rs->headers);
		return n;
	}
	while (len > 0 && (ptr[len - 1] == '\r' || ptr[len - 1] == '\n'))
		len--;
	colon = memchr(ptr, ':', len);
	if (colon == NULL || s->rs->headers.n > 200)
		return n;
	name = xstrndup(ptr, (size_t)(colon - ptr));
	colon++;
	while (colon < ptr + len && (*colon == ' ' || *colon == '\t'))
		colon++;
	value = xstrndup(colon, (size_t)(ptr + len - colon));
	aws_kvlist_add(&s->rs->headers, name, value);
	free(name);
	free(value);
	return n;
}

static void
aws_http_slist_free(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		OPENSSL_cleanse(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static struct curl_slist *
aws_http_headers(const struct aws_kvlist *h)
{
	struct curl_slist *l = NULL;

	/* No "Expect: 100-continue" round trip; AWS does not need it. */
	l = curl_slist_append(l, "Expect:");
	for (size_t i = 0; h != NULL && i < h->n; i++) {
		char *line = *h->v[i].value != '\0'
		    ? xasprintf("%s: %s", h->v[i].name, h->v[i].value)
		    : xasprintf("%s;", h->v[i].name);

		l = curl_slist_append(l, line);
		OPENSSL_cleanse(line, strlen(line));
		free(line);
	}
	return l;
}

int
aws_http_perform(struct aws_http *h, const struct aws_http_req *rq, struct aws_http_resp *rs,
    struct rw_error *err)
{
	struct aws_http_sink sink = { .rs = rs, .max = rq->max_bytes };
	struct curl_slist *hdrs;
	const char *ca = getenv("AWS_CA_BUNDLE");
	CURL *c = h->curl;
	CURLcode rc;
	int is_http = strncasecmp(rq->url, "http://", 7) == 0;

	memset(rs, 0, sizeof *rs);
	if (is_http && !rq->allow_http) {
		err_set(err, ERR_CONFIG, NULL, NULL,
		    "plain http is only used for an endpoint URL you configure");
		return -1;
	}
	if (rq->timeout_ms <= 0) {
		rs->timed_out = 1;
		err_set(err, ERR_TIMEOUT, NULL, NULL, "no time left before the deadline");
		return -1;
	}
	/* Reset keeps the live connections, TLS sessions and DNS cache. */
	curl_easy_reset(c);
	hdrs = aws_http_headers(rq->headers);
	h->errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, rq->allow_http ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca != NULL && *ca != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (rq->no_proxy)
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "rdswatch/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(rq->connect_timeout_ms < rq->timeout_ms ? rq->connect_timeout_ms : rq->timeout_ms));
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)rq->timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, aws_http_on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, aws_http_on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
	if (strcmp(rq->method, "GET") == 0) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body != NULL ? rq->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
		if (strcmp(rq->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	}

	rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	aws_http_slist_free(hdrs);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rs->status);
	if (rc == CURLE_OK)
		return 0;
	if (sink.too_large) {
		err_set(err, ERR_PARSE, NULL, NULL, "response larger than %zu bytes (refused)",
		    rq->max_bytes);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		rs->timed_out = 1;
		err_set(err, ERR_TIMEOUT, NULL, NULL, "no complete answer within %lld ms",
		    (long long)rq->timeout_ms);
	} else if (rc == CURLE_PARTIAL_FILE) {
		err_set(err, ERR_NETWORK, NULL, NULL, "response truncated (connection closed early)");
	} else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
		err_set(err, ERR_CONFIG, NULL, NULL, "URL scheme not allowed: %s", curl_easy_strerror(rc));
	} else {
		err_set(err, ERR_NETWORK, NULL, NULL, "%s%s%s", curl_easy_strerror(rc),
		    h->errbuf[0] != '\0' ? ": " : "", h->errbuf);
	}
	rs->status = rc == CURLE_PARTIAL_FILE || sink.too_large ? rs->status : 0;
	return -1;
}
