/* Query text as rdswatch keeps it: string literals masked and the text
 * truncated, so a `CREATE ROLE x PASSWORD 'hunter2'` seen in a session is
 * never stored, shown or exported readable.
 *
 * A small lexer over PostgreSQL's syntax: '...' (with '' and, in E'...'
 * or with standard_conforming_strings off, backslash escapes), B'', X'',
 * U&'', $tag$...$tag$, "quoted identifiers", -- and nested block
 * comments. A literal's body becomes "?" (the quotes and dollar tags
 * stay, so the shape of the statement is still readable); an unterminated
 * literal (the server cuts query text at track_activity_query_size) is
 * masked to the end. Identifiers and comments are kept. */
#ifndef RW_PG_PG_MASK_H
#define RW_PG_PG_MASK_H

#include <stddef.h>

#include "core/buf.h"

#define PG_MASK_LITERALS  0x1	/* mask string literals (the default) */
#define PG_MASK_BACKSLASH 0x2	/* standard_conforming_strings is off */

/* Appends to OUT the first LEN bytes of Q, masked per FLAGS and cut to at
 * most MAX bytes on a UTF-8 character boundary ("..." marks a cut; MAX 0
 * means nothing at all). The output is not sanitized: it goes into a
 * record through m_str_setn(). */
void pg_mask_query(struct buf *out, const char *q, size_t len, size_t max, unsigned flags);

#endif
