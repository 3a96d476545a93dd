/* The EC2 instance metadata service (IMDSv2, with the SDKs' v1 fallback
 * when the token call is refused with 403/404/405, unless
 * AWS_EC2_METADATA_V1_DISABLED=true): credentials of the instance role
 * and the instance's region. Endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT
 * or the profile's ec2_metadata_service_endpoint (default
 * http://169.254.169.254, or http://[fd00:ec2::254] in IPv6 mode); off
 * with AWS_EC2_METADATA_DISABLED=true; 1 s per request
 * (AWS_METADATA_SERVICE_TIMEOUT). */
#ifndef RW_AWS_IMDS_H
#define RW_AWS_IMDS_H

#include <stdint.h>

#include "aws/ctx.h"
#include "aws/http.h"

/* A session token (or none, after the v1 fallback) for several GETs. */
struct aws_imds_session {
	struct aws_ctx *ctx;
	struct aws_http *http;
	char *base;
	char *token;		/* NULL: IMDSv1 */
	int64_t timeout_ms;
};

/* PUT /latest/api/token. ERR_CONFIG when IMDS is disabled or unreachable
 * (nothing there). */
int aws_imds_open(struct aws_ctx *ctx, struct aws_http *h, int64_t deadline,
    struct aws_imds_session *s, struct rw_error *err);
/* GET PATH ("/latest/meta-data/placement/region"); *out newly allocated. */
int aws_imds_fetch(struct aws_imds_session *s, const char *path, int64_t deadline, char **out,
    struct rw_error *err);
/* Wipes the token. */
void aws_imds_close(struct aws_imds_session *s);
/* Open, fetch one PATH, close. */
int aws_imds_get(struct aws_ctx *ctx, struct aws_http *h, const char *path, int64_t deadline,
    char **out, struct rw_error *err);
int aws_imds_region(struct aws_ctx *ctx, int64_t deadline, char **region, struct rw_error *err);

#endif
