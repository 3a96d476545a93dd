/* Percent-encoding as AWS defines it: every byte but the unreserved
 * characters A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex), spaces
 * included (never '+'). Used by SigV4, the query protocol and URLs. */
#ifndef RW_AWS_URI_H
#define RW_AWS_URI_H

#include <stddef.h>

#include "core/buf.h"

/* Appends the encoding of LEN bytes at S; KEEP_SLASH leaves '/' as is
 * (paths). */
void aws_uri_encode(struct buf *b, const char *s, size_t len, int keep_slash);
/* A newly allocated encoding of the string S. */
char *aws_uri_encode_str(const char *s, int keep_slash);
/* Decodes %XX (and '+' as a space when PLUS_SPACE) into a newly allocated
 * string of *outlen bytes (it may hold NULs). Malformed escapes are kept
 * literally. */
char *aws_uri_decode(const char *s, size_t len, int plus_space, size_t *outlen);

#endif
