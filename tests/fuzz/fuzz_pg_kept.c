/* libFuzzer target: the list of steady sessions a poll's server sends
 * ("pid start pid start ...", pg/pg_poll.h) never crashes the reader,
 * which always moves forward and ends at the end or at the first thing
 * that is not a pair of numbers. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pg/pg_poll.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	const char *cur;
	int64_t pid, start;
	int rc;

	memcpy(s, data, size);
	s[size] = '\0';
	cur = s;
	for (;;) {
		const char *was = cur;

		rc = pg_poll_kept_next(&cur, &pid, &start);
		if (rc <= 0)
			break;
		if (cur <= was || cur > s + strlen(s))
			abort();
	}
	if (rc == 0 && cur[strspn(cur, " ")] != '\0')
		abort();
	free(s);
	return 0;
}
