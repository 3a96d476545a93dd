/* The SDKs' "standard" retry mode (domain.md section 1): which failures
 * are worth another attempt, how long to wait (full jitter, exponential,
 * capped at 20 s), and a retry quota shared by a context's workers so a
 * failing region does not multiply traffic. */
#ifndef RW_AWS_RETRY_H
#define RW_AWS_RETRY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

enum aws_retry_class {
	AWS_RETRY_NO = 0,
	AWS_RETRY_THROTTLE,	/* throttling codes, HTTP 429 */
	AWS_RETRY_TRANSIENT,	/* 500/502/503/504, RequestTimeout, connection errors */
	AWS_RETRY_TIMEOUT,	/* an attempt timed out (costs more quota) */
};

#define AWS_RETRY_MAX_BACKOFF_MS (20 * 1000LL)
#define AWS_RETRY_QUOTA_INITIAL 500
#define AWS_RETRY_COST 5
#define AWS_RETRY_TIMEOUT_COST 10

/* CODE may be NULL; NETWORK: no HTTP answer (connect, reset, truncated);
 * TIMED_OUT: the attempt timed out. */
enum aws_retry_class aws_retry_classify(int http_status, const char *code, int network,
    int timed_out);
int aws_retry_is_throttle_code(const char *code);
/* Whether CODE (may be NULL) is one of the N codes of LIST. */
int aws_code_in(const char *code, const char *const *list, size_t n);
const char *aws_retry_class_name(enum aws_retry_class c);

/* Delay before attempt ATTEMPT+1 after ATTEMPT failed (1-based):
 * RAND01 x min(2^(ATTEMPT-1) s, 20 s). */
int64_t aws_retry_backoff_ms(int attempt, double rand01);
/* A server's hint in ms from "Retry-After" (seconds) or
 * "x-amz-retry-after" (ms); -1 when absent or unreadable. */
int64_t aws_retry_after_ms(const char *retry_after, const char *x_amz_retry_after);

struct aws_retry_quota {
	pthread_mutex_t lock;
	int available;
};

void aws_retry_quota_init(struct aws_retry_quota *q);
void aws_retry_quota_destroy(struct aws_retry_quota *q);
/* Takes the cost of a retry of class C; returns it, or -1 when the quota
 * is exhausted (then do not retry). */
int aws_retry_quota_acquire(struct aws_retry_quota *q, enum aws_retry_class c);
/* A call succeeded: give back what its retries took (RETRY_COST), or 1
 * when it needed none. */
void aws_retry_quota_success(struct aws_retry_quota *q, int retry_cost);
int aws_retry_quota_available(struct aws_retry_quota *q);

#endif
