#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aws/retry.h"
#include "core/timeutil.h"

static const char *const aws_throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException",
};

static const char *const aws_transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "IDPCommunicationError",
};

static const int aws_transient_statuses[] = { 500, 502, 503, 504 };

int
aws_code_in(const char *code, const char *const *list, size_t n)
{
	for (size_t i = 0; code != NULL && i < n; i++) {
		if (strcmp(code, list[i]) == 0)
			return 1;
	}
	return 0;
}

int
aws_retry_is_throttle_code(const char *code)
{
	return aws_code_in(code, aws_throttle_codes,
	    sizeof aws_throttle_codes / sizeof aws_throttle_codes[0]);
}

enum aws_retry_class
aws_retry_classify(int http_status, const char *code, int network, int timed_out)
{
	if (timed_out)
		return AWS_RETRY_TIMEOUT;
	if (network)
		return AWS_RETRY_TRANSIENT;
	if (aws_retry_is_throttle_code(code) || http_status == 429)
		return AWS_RETRY_THROTTLE;
	if (aws_code_in(code, aws_transient_codes,
	    sizeof aws_transient_codes / sizeof aws_transient_codes[0]))
		return AWS_RETRY_TRANSIENT;
	for (size_t i = 0; i < sizeof aws_transient_statuses / sizeof aws_transient_statuses[0]; i++) {
		if (http_status == aws_transient_statuses[i])
			return AWS_RETRY_TRANSIENT;
	}
	return AWS_RETRY_NO;
}

const char *
aws_retry_class_name(enum aws_retry_class c)
{
	static const char *const names[] = {
		[AWS_RETRY_NO] = "not retryable", [AWS_RETRY_THROTTLE] = "throttled",
		[AWS_RETRY_TRANSIENT] = "transient", [AWS_RETRY_TIMEOUT] = "timed out",
	};

	return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

int64_t
aws_retry_backoff_ms(int attempt, double rand01)
{
	int64_t cap = AWS_RETRY_MAX_BACKOFF_MS;

	if (attempt < 1)
		attempt = 1;
	if (attempt <= 15 && (1000LL << (attempt - 1)) < cap)
		cap = 1000LL << (attempt - 1);
	if (rand01 < 0)
		rand01 = 0;
	if (rand01 > 1)
		rand01 = 1;
	return (int64_t)(rand01 * (double)cap);
}

int64_t
aws_retry_after_ms(const char *retry_after, const char *x_amz_retry_after)
{
	char *end;

	if (x_amz_retry_after != NULL) {
		long long v;

		errno = 0;
		v = strtoll(x_amz_retry_after, &end, 10);
		if (errno == 0 && end != x_amz_retry_after && *end == '\0' && v >= 0)
			return v;
	}
	if (retry_after != NULL) {
		long long v;
		int64_t when;

		errno = 0;
		v = strtoll(retry_after, &end, 10);
		if (errno == 0 && end != retry_after && *end == '\0' && v >= 0 && v < 86400)
			return v * 1000;
		if (time_parse_http_date(retry_after, &when) == 0) {
			int64_t d = when - time_now_ms();

			return d > 0 ? d : 0;
		}
	}
	return -1;
}

void
aws_retry_quota_init(struct aws_retry_quota *q)
{
	pthread_mutex_init(&q->lock, NULL);
	q->available = AWS_RETRY_QUOTA_INITIAL;
}

void
aws_retry_quota_destroy(struct aws_retry_quota *q)
{
	pthread_mutex_destroy(&q->lock);
}

int
aws_retry_quota_acquire(struct aws_retry_quota *q, enum aws_retry_class c)
{
	int cost = c == AWS_RETRY_TIMEOUT ? AWS_RETRY_TIMEOUT_COST : AWS_RETRY_COST;
	int rc = -1;

	pthread_mutex_lock(&q->lock);
	if (q->available >= cost) {
		q->available -= cost;
		rc = cost;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

void
aws_retry_quota_success(struct aws_retry_quota *q, int retry_cost)
{
	pthread_mutex_lock(&q->lock);
	q->available += retry_cost > 0 ? retry_cost : 1;
	if (q->available > AWS_RETRY_QUOTA_INITIAL)
		q->available = AWS_RETRY_QUOTA_INITIAL;
	pthread_mutex_unlock(&q->lock);
}

int
aws_retry_quota_available(struct aws_retry_quota *q)
{
	int v;

	pthread_mutex_lock(&q->lock);
	v = q->available;
	pthread_mutex_unlock(&q->lock);
	return v;
}
