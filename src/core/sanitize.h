/* The one sanitizer for every string from outside - database rows, AWS
 * responses, log lines, config - before it reaches the terminal, JSON,
 * history or an export.
 *
 * The output is valid UTF-8 with nothing that can move a cursor, change
 * a title, reorder text or confuse a consumer that un-escapes JSON:
 *   C0 controls and DEL  -> \xNN  (\n, \r, \t as those two characters)
 *   C1 controls          -> \u0080 .. \u009f
 *   bidi controls        -> \u202e etc. (U+061C, U+200E/F, U+202A-E,
 *                           U+2066-9), and U+2028/9 line separators
 *   invalid UTF-8 bytes  -> \xNN, byte by byte (overlong forms,
 *                           surrogates and > U+10FFFF are invalid)
 * Everything else, including printable UTF-8, passes unchanged. */
#ifndef RW_CORE_SANITIZE_H
#define RW_CORE_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* A newly allocated, sanitized copy of the LEN bytes at S (S may hold NULs,
 * which become \x00). NULL in gives NULL out. */
char *sanitize_mem(const char *s, size_t len);
/* The same for a NUL-terminated string. */
char *sanitize_str(const char *s);
/* Appends the sanitized form of LEN bytes at S to B. */
void sanitize_append(struct buf *b, const char *s, size_t len);
/* Whether S (NUL-terminated) would pass through the sanitizer unchanged. */
int sanitize_is_clean(const char *s);

/* The pieces, for the screen's own defence in depth (view/canvas.c).
 * Decodes one UTF-8 sequence at S (N bytes left): returns its length and
 * stores the code point, or returns 0 when the sequence is invalid. */
size_t sanitize_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Whether the sanitizer escapes code point C (controls, bidi, separators). */
int sanitize_is_bad_codepoint(uint32_t c);

#endif
