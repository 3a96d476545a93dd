/* A per-worker AWS client: one curl handle (keep-alive) and one signing
 * key cache, on top of the shared context (aws/ctx.h). Not thread-safe:
 * one client per worker thread; the context is shared.
 *
 * Every call takes a DEADLINE (time_mono_ms() clock) that covers all its
 * attempts: the SDKs' standard retries (3 attempts, full-jitter backoff
 * capped at 20 s, never past the deadline, a shared retry quota,
 * Retry-After honoured), one retry after ExpiredToken with refreshed
 * credentials, one after a clock-skew rejection with the clock corrected
 * from the server's Date. Each returns 0 with a parsed result, or -1
 * with ERR carrying service, operation, HTTP status, AWS code, message
 * and request id. AccessDenied, AccessDeniedException and
 * UnauthorizedOperation give ERR_DENIED (report the missing IAM action);
 * bad or expired credentials ERR_AUTH; throttling and 5xx after the last
 * attempt ERR_SERVICE; no answer ERR_NETWORK / ERR_TIMEOUT; truncated or
 * malformed bodies ERR_PARSE. Never an empty success.
 *
 * A source's poll, in short:
 *   struct aws_params p = AWS_PARAMS_INIT;
 *   xmlDoc *doc;
 *   aws_params_add(&p, "MaxRecords", "100");
 *   if (aws_query_call(cl, "rds", "DescribeDBInstances", &p, deadline, &doc, err) != 0) ...
 *   for (xmlNode *db = aws_xml_first(aws_xml_child(aws_xml_result(doc,
 *       "DescribeDBInstances"), "DBInstances"), "DBInstance"); db; db = aws_xml_next(db, "DBInstance"))
 *       ...aws_xml_text(db, "DBInstanceIdentifier")...
 *   xmlFreeDoc(doc); aws_params_free(&p);
 *   s->calls += aws_client_take_attempts(cl);
 * The context (aws_ctx_new) is made once and shared; each worker makes
 * its own client (aws_client_new) and keeps it between polls. IAM tokens:
 * aws/token.h; Secrets Manager: aws/secrets.h. */
#ifndef RW_AWS_CLIENT_H
#define RW_AWS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <libxml/tree.h>

#include "aws/ctx.h"
#include "aws/kvlist.h"
#include "aws/query.h"
#include "core/buf.h"
#include "core/err.h"

struct aws_client;

struct aws_client *aws_client_new(struct aws_ctx *ctx);
void aws_client_free(struct aws_client *c);
struct aws_ctx *aws_client_ctx(struct aws_client *c);
/* HTTP attempts made since the last call of this function (what a source
 * adds to its `calls`). */
int64_t aws_client_take_attempts(struct aws_client *c);
/* Calls go to REGION instead of the context's (NULL: back to it). */
void aws_client_set_region(struct aws_client *c, const char *region);

/* Query protocol (RDS, STS, CloudWatch) and EC2: the XML document of the
 * answer; read it with aws/xml.h (aws_xml_result(doc, OPERATION)).
 * Free with xmlFreeDoc(). */
int aws_query_call(struct aws_client *c, const char *service, const char *operation,
    const struct aws_params *params, int64_t deadline, xmlDoc **doc, struct rw_error *err);

/* JSON 1.0/1.1 (CloudWatch Logs, Secrets Manager): OPERATION is the bare
 * name ("FilterLogEvents"; the target prefix comes from the service
 * table); BODY may be NULL ("{}"). Free *out with cJSON_Delete(). */
int aws_json_call(struct aws_client *c, const char *service, const char *operation,
    const cJSON *body, int64_t deadline, cJSON **out, struct rw_error *err);

/* REST-JSON (GuardDuty): METHOD and PATH (percent-encoded, e.g.
 * "/detector/ID/findings"), optional QUERY pairs and BODY. OPERATION
 * names the call in errors and logs. */
int aws_rest_json_call(struct aws_client *c, const char *service, const char *operation,
    const char *method, const char *path, const struct aws_kvlist *query, const cJSON *body,
    int64_t deadline, cJSON **out, struct rw_error *err);

/* The raw layer under the three above (credential providers use it). */
struct aws_call {
	const char *service;		/* aws/service.h id */
	const char *operation;
	const char *method;
	const char *path;		/* below the endpoint's path; "/" */
	const struct aws_kvlist *query;
	const struct aws_kvlist *headers;	/* Content-Type, X-Amz-Target ... */
	const char *body;
	size_t body_len;
	int sensitive;			/* the answer holds a secret: never logged */
	int unsigned_call;		/* no SigV4 (the SSO portal's bearer token) */
};

struct aws_response {
	long status;
	struct aws_kvlist headers;
	struct buf body;
};

/* Performs CALL with retries; on success (2xx) fills RESP. */
int aws_client_call(struct aws_client *c, const struct aws_call *call, int64_t deadline,
    struct aws_response *resp, struct rw_error *err);
/* Wipes and frees. */
void aws_response_free(struct aws_response *resp);

/* A client that signs with the credentials of CREDS instead of the
 * context's (assume-role's source credentials). */
struct aws_client *aws_client_new_with_creds(struct aws_ctx *ctx, struct aws_credcache *creds);

#endif
