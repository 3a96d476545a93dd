/* The context's insides, shared by the aws/ files (not for the sources:
 * they use aws/ctx.h). */
#ifndef RW_AWS_CTX_INTERNAL_H
#define RW_AWS_CTX_INTERNAL_H

#include <pthread.h>

#include "aws/ctx.h"
#include "aws/retry.h"

struct aws_ctx {
	struct aws_settings s;		/* strings owned */
	struct aws_cfg cfg;
	char *profile;
	char *region;
	const char *region_source;
	struct aws_credcache *creds;
	struct aws_retry_quota quota;
	int64_t skew_ms;		/* atomic */
};

#endif
