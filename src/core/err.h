/* Errors as values. Every failure that reaches a user carries what was
 * being done (service and operation, or the PostgreSQL step), what went
 * wrong (code, HTTP status, message) and how to find it in AWS's logs
 * (request id). Text from outside is sanitized when stored, and
 * registered secrets are scrubbed when formatted. */
#ifndef RW_CORE_ERR_H
#define RW_CORE_ERR_H

enum err_kind {
	ERR_NONE = 0,
	ERR_SERVICE,	/* the service answered with an error code */
	ERR_NETWORK,	/* connect, DNS, TLS, reset */
	ERR_TIMEOUT,	/* a deadline passed */
	ERR_PARSE,	/* a malformed, truncated or unexpected response */
	ERR_AUTH,	/* credentials missing, expired or rejected */
	ERR_CONFIG,	/* bad configuration */
	ERR_DENIED,	/* AccessDenied / UnauthorizedOperation / insufficient privilege */
	ERR_INTERNAL,
};

struct rw_error {
	enum err_kind kind;
	char *service;		/* "rds", "postgresql", ... */
	char *operation;	/* "DescribeDBInstances", "connect", ... */
	char *code;		/* AWS error code or SQLSTATE */
	char *message;
	char *request_id;
	int http_status;	/* 0 when there was no HTTP response */
};

#define RW_ERROR_INIT { ERR_NONE, NULL, NULL, NULL, NULL, NULL, 0 }

/* Sets E (clearing what it held). SERVICE and OPERATION may be NULL. */
void err_set(struct rw_error *e, enum err_kind kind, const char *service,
    const char *operation, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void err_set_code(struct rw_error *e, const char *code);
void err_set_request_id(struct rw_error *e, const char *request_id);
void err_clear(struct rw_error *e);
void err_copy(struct rw_error *dst, const struct rw_error *src);
int err_is_set(const struct rw_error *e);
/* "rds DescribeDBInstances: Throttling (HTTP 400): Rate exceeded
 * [request 1234-...]", newly allocated. */
char *err_format(const struct rw_error *e);
const char *err_kind_name(enum err_kind kind);

#endif
