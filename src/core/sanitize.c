#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xmalloc.h"

size_t
sanitize_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;	/* continuation byte, 0xc0/0xc1 or 0xf5.. */
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int
sanitize_is_bad_codepoint(uint32_t c)
{
	if (c < 0x20 || c == 0x7f)
		return 1;
	if (c >= 0x80 && c <= 0x9f)	/* C1 controls */
		return 1;
	switch (c) {
	case 0x061c:			/* Arabic letter mark */
	case 0x200e: case 0x200f:	/* LRM, RLM */
	case 0x2028: case 0x2029:	/* line and paragraph separators */
		return 1;
	}
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static void
sanitize_append_escape(struct buf *b, uint32_t c)
{
	char tmp[16];

	switch (c) {
	case '\n': buf_append(b, "\\n", 2); return;
	case '\r': buf_append(b, "\\r", 2); return;
	case '\t': buf_append(b, "\\t", 2); return;
	}
	if (c < 0x80)
		snprintf(tmp, sizeof tmp, "\\x%02x", (unsigned)c);
	else
		snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)c);
	buf_append_str(b, tmp);
}

void
sanitize_append(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, clean_from = 0;

	buf_reserve(b, len);
	while (i < len) {
		uint32_t c;
		size_t n = sanitize_utf8_decode(p + i, len - i, &c);

		if (n != 0 && !sanitize_is_bad_codepoint(c)) {
			i += n;
			continue;
		}
		buf_append(b, p + clean_from, i - clean_from);
		if (n == 0) {
			char tmp[8];

			snprintf(tmp, sizeof tmp, "\\x%02x", p[i]);
			buf_append_str(b, tmp);
			i++;
		} else {
			sanitize_append_escape(b, c);
			i += n;
		}
		clean_from = i;
	}
	buf_append(b, p + clean_from, len - clean_from);
}

char *
sanitize_mem(const char *s, size_t len)
{
	struct buf b = BUF_INIT;

	if (s == NULL)
		return NULL;
	sanitize_append(&b, s, len);
	return buf_detach(&b);
}

char *
sanitize_str(const char *s)
{
	return s != NULL ? sanitize_mem(s, strlen(s)) : NULL;
}

int
sanitize_is_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;

	while (i < len) {
		uint32_t c;
		size_t n = sanitize_utf8_decode(p + i, len - i, &c);

		if (n == 0 || sanitize_is_bad_codepoint(c))
			return 0;
		i += n;
	}
	return 1;
}
