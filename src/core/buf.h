/* A growable byte buffer, always NUL-terminated so it can be used as a
 * string. Used for HTTP bodies, SQL, JSON and rendered text. */
#ifndef RW_CORE_BUF_H
#define RW_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_free(struct buf *b);
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_append_str(struct buf *b, const char *s);
void buf_append_char(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The contents as a string ("" when empty); valid until the next change. */
const char *buf_str(const struct buf *b);
/* Hands the contents to the caller (never NULL) and empties the buffer. */
char *buf_detach(struct buf *b);

#endif
