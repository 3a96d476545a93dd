/* libFuzzer target: whatever bytes come in, the sanitizer's output is
 * valid UTF-8 with no control, C1 or bidi character, and sanitizing it
 * again changes nothing. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = sanitize_mem((const char *)data, size), *again;

	if (!sanitize_is_clean(out) || memchr(out, '\x1b', strlen(out)) != NULL)
		abort();
	again = sanitize_str(out);
	if (strcmp(again, out) != 0)
		abort();
	free(again);
	free(out);
	return 0;
}
