/* HTTP over libcurl, one easy handle per worker (reused: keep-alive, TLS
 * sessions, DNS cache). https always verifies peer and host (the CA file
 * can be replaced with AWS_CA_BUNDLE, never switched off); plain http
 * only when the caller allows it (a user-configured http:// endpoint,
 * the metadata services). Proxies come from the usual variables
 * (https_proxy, HTTPS_PROXY, no_proxy...), as libcurl reads them. Bodies
 * are decompressed (gzip, deflate...) and capped. Never logs. */
#ifndef RW_AWS_HTTP_H
#define RW_AWS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "aws/kvlist.h"
#include "core/buf.h"
#include "core/err.h"

struct aws_http;

struct aws_http_req {
	const char *method;		/* GET, POST, PUT */
	const char *url;
	const struct aws_kvlist *headers;	/* sent as given (Host included if set) */
	const char *body;
	size_t body_len;
	int64_t connect_timeout_ms;
	int64_t timeout_ms;		/* the whole attempt */
	size_t max_bytes;		/* of the decoded body */
	int allow_http;
	int no_proxy;			/* the metadata services: never through a proxy */
};

struct aws_http_resp {
	long status;			/* 0 when there was no HTTP answer */
	struct aws_kvlist headers;	/* of the final response */
	struct buf body;
	int timed_out;
};

struct aws_http *aws_http_new(void);
void aws_http_free(struct aws_http *h);
/* One request. Returns 0 when an HTTP answer arrived (any status), or -1
 * with ERR: ERR_TIMEOUT, ERR_NETWORK (connect, TLS, reset, truncated),
 * ERR_PARSE (body over the cap), ERR_CONFIG (a URL scheme not allowed). */
int aws_http_perform(struct aws_http *h, const struct aws_http_req *rq, struct aws_http_resp *rs,
    struct rw_error *err);
/* Wipes (bodies may hold credentials) and frees. */
void aws_http_resp_free(struct aws_http_resp *rs);

/* curl_global_init once per process (call before starting threads). */
void aws_http_global_init(void);

#endif
