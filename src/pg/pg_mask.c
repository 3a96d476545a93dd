#include <config.h>

#include <string.h>

#include "pg/pg_mask.h"

#define PG_MASK_CUT "..."

static int
pg_mask_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '$' || c >= 0x80;
}

/* The end (one past the closing quote) of the '...' literal opening at
 * Q[I], or LEN with *OPEN set when it is unterminated. */
static size_t
pg_mask_quote_end(const char *q, size_t len, size_t i, int backslash, int *open)
{
	*open = 0;
	for (size_t j = i + 1; j < len; j++) {
		if (q[j] == '\\' && backslash) {
			j++;
		} else if (q[j] == '\'') {
			if (j + 1 < len && q[j + 1] == '\'')
				j++;
			else
				return j + 1;
		}
	}
	*open = 1;
	return len;
}

/* The length of the "$tag$" opening at Q[I], or 0 when Q[I] does not open
 * a dollar quote ($1 is a parameter, a$b an identifier). */
static size_t
pg_mask_dollar_tag(const char *q, size_t len, size_t i)
{
	size_t j = i + 1;

	if (i > 0 && pg_mask_ident_char((unsigned char)q[i - 1]))
		return 0;
	if (j < len && q[j] >= '0' && q[j] <= '9')
		return 0;
	while (j < len && q[j] != '$' && pg_mask_ident_char((unsigned char)q[j]))
		j++;
	return j < len && q[j] == '$' ? j + 1 - i : 0;
}

/* The end of the comment or quoted identifier opening at Q[I] (kept as
 * it is: neither is a literal). */
static size_t
pg_mask_skip(const char *q, size_t len, size_t i)
{
	size_t j;
	int depth;

	if (q[i] == '"') {
		for (j = i + 1; j < len; j++) {
			if (q[j] == '"') {
				if (j + 1 < len && q[j + 1] == '"')
					j++;
				else
					return j + 1;
			}
		}
		return len;
	}
	if (q[i] == '-') {
		const char *nl = memchr(q + i, '\n', len - i);

		return nl != NULL ? (size_t)(nl - q) + 1 : len;
	}
	/* Block comments nest in PostgreSQL. */
	for (j = i + 2, depth = 1; j < len; j++) {
		if (q[j] == '*' && j + 1 < len && q[j + 1] == '/') {
			j++;
			if (--depth == 0)
				return j + 1;
		} else if (q[j] == '/' && j + 1 < len && q[j + 1] == '*') {
			j++;
			depth++;
		}
	}
	return len;
}

/* Cuts what was appended after BASE to MAX bytes, on a character
 * boundary, marking the cut. */
static void
pg_mask_cut(struct buf *out, size_t base, size_t max)
{
	size_t keep;

	if (out->len - base <= max)
		return;
	/* Room for the mark, unless MAX is too small to hold it. */
	keep = max >= strlen(PG_MASK_CUT) ? max - strlen(PG_MASK_CUT) : max;
	while (keep > 0 && ((unsigned char)out->data[base + keep] & 0xc0) == 0x80)
		keep--;
	out->len = base + keep;
	out->data[out->len] = '\0';
	if (max >= strlen(PG_MASK_CUT))
		buf_append_str(out, PG_MASK_CUT);
}

void
pg_mask_query(struct buf *out, const char *q, size_t len, size_t max, unsigned flags)
{
	size_t base = out->len, i = 0, run = 0;

	if (max == 0 || q == NULL)
		return;
	buf_reserve(out, (len < max ? len : max) + 8);
	/* Copies plain text in runs; stops once past MAX, which is all the
	 * output can show. */
	while (i < len && out->len - base + (i - run) <= max) {
		unsigned char c = (unsigned char)q[i];
		size_t end, tag;
		int open;

		if (!(flags & PG_MASK_LITERALS)) {
			i = len;
			break;
		}
		if (c == '\'') {
			int bs = (flags & PG_MASK_BACKSLASH) ||
			    (i > 0 && (q[i - 1] == 'E' || q[i - 1] == 'e') &&
			    (i < 2 || !pg_mask_ident_char((unsigned char)q[i - 2])));

			buf_append(out, q + run, i - run);
			end = pg_mask_quote_end(q, len, i, bs, &open);
			buf_append_str(out, open ? "'?" : "'?'");
			i = run = end;
		} else if (c == '$' && (tag = pg_mask_dollar_tag(q, len, i)) > 0) {
			const char *close = NULL;

			for (size_t j = i + tag; j + tag <= len; j++) {
				if (q[j] == '$' && memcmp(q + j, q + i, tag) == 0) {
					close = q + j;
					break;
				}
			}
			buf_append(out, q + run, i + tag - run);
			buf_append_char(out, '?');
			if (close != NULL) {
				buf_append(out, q + i, tag);
				i = run = (size_t)(close - q) + tag;
			} else {
				i = run = len;
			}
		} else if (c == '"' || (c == '-' && i + 1 < len && q[i + 1] == '-') ||
		    (c == '/' && i + 1 < len && q[i + 1] == '*')) {
			i = pg_mask_skip(q, len, i);
		} else {
			i++;
		}
	}
	if (run < i && out->len - base <= max) {
		/* Plain text past MAX is never shown: copy only enough for
		 * the cut to see there was more. */
		size_t n = i - run, room = max + 1 - (out->len - base);

		buf_append(out, q + run, n < room ? n : room);
	}
	pg_mask_cut(out, base, max);
}
