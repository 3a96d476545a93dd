/* AWS Signature Version 4 (OpenSSL's HMAC-SHA256 and SHA-256): the
 * Authorization header and presigned URLs (signature in the query, as in
 * RDS IAM database auth tokens).
 *
 * A request's path is as sent (already percent-encoded); SigV4 normalizes
 * it (RFC 3986 dot segments, repeated slashes) and encodes it again, as
 * every service but S3 expects. Query parameters are raw pairs, encoded
 * here, sorted by encoded key then value, duplicates kept. Header names
 * are lower-cased, values trimmed with inner whitespace folded, repeated
 * headers joined with ','. */
#ifndef RW_AWS_SIGV4_H
#define RW_AWS_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "aws/creds.h"
#include "aws/kvlist.h"
#include "core/buf.h"

struct aws_request {
	char *method;			/* "GET", "POST" */
	char *host;			/* the Host header: "rds.eu-west-1.amazonaws.com", "h:8443" */
	char *path;			/* as sent, percent-encoded; "" means "/" */
	struct aws_kvlist query;	/* raw pairs, encoded when signed and sent */
	struct aws_kvlist headers;	/* sent and signed (Host need not be here) */
	struct buf body;
};

void aws_request_init(struct aws_request *r, const char *method, const char *host,
    const char *path);
/* Frees the request, wiping the body and headers. */
void aws_request_free(struct aws_request *r);
/* The encoded query string in list order ("" when none), newly allocated. */
char *aws_request_query_string(const struct aws_request *r);

struct aws_sigv4_opts {
	const char *region;
	const char *service;		/* the signing name: "rds", "monitoring", "rds-db" */
	int64_t now_ms;			/* the signing clock (wall clock + skew) */
	int unnormalized_path;		/* S3 only: sign the path as is */
	int sign_body;			/* add and sign x-amz-content-sha256 */
	int omit_session_token;		/* add the token after signing (unsigned) */
	int64_t expires_s;		/* presign: X-Amz-Expires */
};

/* The derived signing key of one day, region and service, kept by a
 * client between calls (HMAC chain done once a day, not per request). */
struct aws_sigv4_cache {
	int valid;
	char scope[128];		/* "20260101/eu-west-1/rds" */
	char akid[128];
	unsigned char secret_fp[32];	/* SHA-256 of the secret, not the secret */
	unsigned char key[32];
};

/* What went into a signature, for the signing test suite. */
struct aws_sigv4_trace {
	char *canonical_request;
	char *string_to_sign;
	char *signature;
};

/* Adds X-Amz-Date, X-Amz-Security-Token (with a session token) and
 * Authorization to R's headers, replacing earlier ones. CACHE may be NULL,
 * TRACE too. Returns 0, or -1 when the credentials are incomplete. */
int aws_sigv4_sign(struct aws_request *r, const struct aws_creds *c,
    const struct aws_sigv4_opts *o, struct aws_sigv4_cache *cache, struct aws_sigv4_trace *trace);
/* Appends X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires,
 * -Security-Token and -Signature to R's query (the order of aws-c-auth,
 * so of the AWS CLI v2's generate-db-auth-token). */
int aws_sigv4_presign(struct aws_request *r, const struct aws_creds *c,
    const struct aws_sigv4_opts *o, struct aws_sigv4_cache *cache, struct aws_sigv4_trace *trace);
void aws_sigv4_trace_free(struct aws_sigv4_trace *t);
void aws_sigv4_cache_wipe(struct aws_sigv4_cache *cache);

/* "20150830T123600Z" for MS; BUF holds >= 17 bytes. */
char *aws_sigv4_amz_date(int64_t ms, char *buf, size_t len);
/* Lower-case hex SHA-256 of LEN bytes; OUT holds 65 bytes. */
void aws_sha256_hex(const void *data, size_t len, char out[65]);
/* Lower-case hex of the N bytes IN, as AWS spells digests; OUT holds
 * 2 * N + 1 bytes. */
void aws_hex(const unsigned char *in, size_t n, char *out);

#endif
