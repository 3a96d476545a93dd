/* The AWS services rdswatch calls, as data: how each is named, signed,
 * reached and spoken to (domain.md section 1, botocore's service models). */
#ifndef RW_AWS_SERVICE_H
#define RW_AWS_SERVICE_H

enum aws_protocol {
	AWS_PROTO_QUERY,	/* form body, XML out, <ErrorResponse> errors */
	AWS_PROTO_EC2,		/* the same, with <Response><Errors> errors */
	AWS_PROTO_JSON,		/* X-Amz-Target, JSON 1.0 / 1.1 */
	AWS_PROTO_REST_JSON,	/* method + path, JSON bodies */
};

struct aws_service {
	const char *id;			/* what callers name: "rds", "logs", ... */
	const char *signing_name;	/* SigV4 service; NULL: not signed (SSO portal) */
	const char *endpoint_prefix;	/* "rds" in rds.<region>.amazonaws.com */
	const char *env_suffix;		/* AWS_ENDPOINT_URL_<suffix> */
	const char *config_key;		/* its key in a [services NAME] section */
	enum aws_protocol protocol;
	const char *api_version;	/* query: Version=...; JSON: "1.0"/"1.1" */
	const char *target_prefix;	/* JSON: X-Amz-Target prefix */
};

/* The service named ID, or NULL. */
const struct aws_service *aws_service_find(const char *id);
const char *aws_protocol_name(enum aws_protocol p);

#endif
