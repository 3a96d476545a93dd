/* libFuzzer target: the query masker. Whatever the query text, the output
 * fits the limit, and a literal after text that opens nothing is masked. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pg/pg_mask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT, planted = BUF_INIT;
	size_t max;
	unsigned flags;

	if (size < 2)
		return 0;
	max = data[0] * 4u;
	flags = PG_MASK_LITERALS | (data[1] & 1 ? PG_MASK_BACKSLASH : 0);
	pg_mask_query(&out, (const char *)data + 2, size - 2, max, flags);
	if (out.len > max)
		abort();
	/* A literal holding a secret after the text: when the text cannot
	 * leave the lexer inside a quote, dollar quote, identifier or
	 * comment, the secret never shows. */
	buf_append(&planted, data + 2, size - 2);
	buf_append_str(&planted, "\n;SELECT 'SECRET-hunter2'");
	buf_reset(&out);
	pg_mask_query(&out, planted.data, planted.len, 1 << 20, flags);
	{
		size_t i;

		for (i = 0; i < size - 2; i++) {
			if (data[2 + i] == 0 || strchr("'$\"-/\\", data[2 + i]) != NULL)
				break;
		}
		if (i == size - 2 && memmem(out.data, out.len, "SECRET-hunter2", 14) != NULL)
			abort();
	}
	buf_free(&out);
	buf_free(&planted);
	return 0;
}
