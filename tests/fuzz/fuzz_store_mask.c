/* libFuzzer target: the store's password guard over any query text (it
 * is remote input: pg_stat_activity's query). After sanitizing, masking
 * never crashes, keeps the text clean, never leaves the body of a
 * PASSWORD '...' literal readable, and masking again changes nothing. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "store/mask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = sanitize_mem((const char *)data, size), *once;

	store_mask_query(&q);
	if (!sanitize_is_clean(q))
		abort();
	/* A plain literal right after the keyword is always masked. */
	for (const char *p = strstr(q, "PASSWORD '"); p != NULL; p = strstr(p + 1, "PASSWORD '")) {
		if ((p == q || p[-1] == ' ') && strncmp(p + 10, "***'", 4) != 0 && p[10] != '*' &&
		    p[10] != '?' && p[10] != '\'' && p[10] != '\0')
			abort();
	}
	once = strdup(q);
	if (once == NULL)
		abort();
	if (store_mask_query(&q) != 0 || strcmp(q, once) != 0)
		abort();
	free(once);
	free(q);
	return 0;
}
