#include <config.h>

#include <string.h>

#include "aws/uri.h"
#include "core/xmalloc.h"

static int
aws_uri_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '.' || c == '~';
}

void
aws_uri_encode(struct buf *b, const char *s, size_t len, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	/* buf_reserve() alone leaves a new buffer unterminated; append does not. */
	buf_append(b, "", 0);
	buf_reserve(b, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (aws_uri_unreserved(c) || (keep_slash && c == '/')) {
			buf_append_char(b, (char)c);
		} else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

			buf_append(b, esc, 3);
		}
	}
}

char *
aws_uri_encode_str(const char *s, int keep_slash)
{
	struct buf b = BUF_INIT;

	aws_uri_encode(&b, s, strlen(s), keep_slash);
	return buf_detach(&b);
}

static int
aws_uri_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
aws_uri_decode(const char *s, size_t len, int plus_space, size_t *outlen)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len && (hi = aws_uri_hexval(s[i + 1])) >= 0 &&
		    (lo = aws_uri_hexval(s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus_space && s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}
