#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "core/buf.h"
#include "core/xmalloc.h"
#include "store/mask.h"

#define STORE_MASK "***"

static int
store_mask_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* Whitespace, including the sanitizer's two-character \n, \r and \t. */
static size_t
store_mask_space(const char *s)
{
	size_t i = 0;

	for (;;) {
		if (s[i] == ' ' || s[i] == '\t')
			i++;
		else if (s[i] == '\\' && (s[i + 1] == 'n' || s[i + 1] == 'r' || s[i + 1] == 't'))
			i += 2;
		else
			return i;
	}
}

/* Whether the word before Q + I ended (a non-identifier character, or
 * the sanitizer's \n, \r, \t). */
static int
store_mask_boundary(const char *q, size_t i)
{
	if (i == 0 || !store_mask_ident(q[i - 1]))
		return 1;
	return i >= 2 && q[i - 2] == '\\' && (q[i - 1] == 'n' || q[i - 1] == 'r' || q[i - 1] == 't');
}

static int
store_mask_is_password(const char *q, size_t i)
{
	return strncasecmp(q + i, "password", 8) == 0 && store_mask_boundary(q, i) &&
	    !store_mask_ident(q[i + 8]);
}

/* The end of the '...' literal whose body starts at S (past the quote):
 * the offset of the closing quote, or of the end of a truncated text.
 * BACKSLASH: an E'' literal, where \' escapes too. */
static size_t
store_mask_quoted_end(const char *s, int backslash)
{
	size_t i = 0;

	while (s[i] != '\0') {
		if (backslash && s[i] == '\\' && s[i + 1] != '\0')
			i += 2;
		else if (s[i] == '\'' && s[i + 1] == '\'')
			i += 2;
		else if (s[i] == '\'')
			return i;
		else
			i++;
	}
	return i;
}

static int
store_mask_already(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '*' && s[i] != '?')
			return 0;
	}
	return 1;
}

/* At Q + I, just past "password": masks a following literal into OUT.
 * Returns how many input bytes were consumed (0: nothing to mask). */
static size_t
store_mask_literal(const char *q, size_t i, struct buf *out)
{
	size_t j = i + store_mask_space(q + i), body, end;
	int backslash = 0;

	if (q[j] == '=') {
		/* conninfo: password=value, up to a space or a quote */
		j++;
		j += store_mask_space(q + j);
		body = j;
		while (q[j] != '\0' && q[j] != ' ' && q[j] != '\'' && q[j] != '"' &&
		    !(q[j] == '\\' && (q[j + 1] == 'n' || q[j + 1] == 't')))
			j++;
		if (j == body || store_mask_already(q + body, j - body))
			return 0;
		buf_append(out, q + i, body - i);
		buf_append_str(out, STORE_MASK);
		return j - i;
	}
	if ((q[j] == 'E' || q[j] == 'e') && q[j + 1] == '\'') {
		backslash = 1;
		j++;
	} else if ((q[j] == 'U' || q[j] == 'u') && q[j + 1] == '&' && q[j + 2] == '\'') {
		j += 2;
	}
	if (q[j] == '\'') {
		body = j + 1;
		end = body + store_mask_quoted_end(q + body, backslash);
		if (store_mask_already(q + body, end - body))
			return 0;
		buf_append(out, q + i, body - i);
		buf_append_str(out, STORE_MASK);
		buf_append_char(out, '\'');
		return (q[end] == '\'' ? end + 1 : end) - i;
	}
	if (q[j] == '$') {
		/* $tag$...$tag$ */
		size_t t = j + 1;
		const char *close;
		char *tag;

		while (store_mask_ident(q[t]) && q[t] != '$')
			t++;
		if (q[t] != '$')
			return 0;
		tag = xstrndup(q + j, t - j + 1);
		body = t + 1;
		close = strstr(q + body, tag);
		end = close != NULL ? (size_t)(close - q) : strlen(q);
		if (store_mask_already(q + body, end - body)) {
			free(tag);
			return 0;
		}
		buf_append(out, q + i, body - i);
		buf_append_str(out, STORE_MASK);
		buf_append_str(out, tag);
		end = close != NULL ? end + strlen(tag) : end;
		free(tag);
		return end - i;
	}
	return 0;
}

int
store_mask_query(char **query)
{
	const char *q = *query;
	struct buf out = BUF_INIT;
	size_t i = 0, n;
	int changed = 0;

	if (q == NULL)
		return 0;
	n = strlen(q);
	while (i < n) {
		if (store_mask_is_password(q, i)) {
			size_t used;

			buf_append(&out, q + i, 8);
			i += 8;
			used = store_mask_literal(q, i, &out);
			if (used > 0) {
				changed = 1;
				i += used;
			}
			continue;
		}
		buf_append_char(&out, q[i]);
		i++;
	}
	if (changed) {
		OPENSSL_cleanse(*query, n);
		free(*query);
		*query = buf_detach(&out);
	} else {
		buf_free(&out);
	}
	return changed;
}
