/* A registry of the secrets this process holds (AWS secret keys, session
 * tokens, database passwords, IAM tokens). Code never passes a secret to
 * a log or an error message; as a second line of defence, the debug log
 * and error formatting scrub every registered secret from their text. */
#ifndef RW_CORE_REDACT_H
#define RW_CORE_REDACT_H

#include "core/buf.h"

/* Registers a copy of SECRET (ignored when shorter than 8 bytes, which
 * would scrub ordinary words). Thread-safe. */
void redact_register(const char *secret);
/* Replaces every registered secret in B with "[REDACTED]". Thread-safe. */
void redact_apply(struct buf *b);
/* Forgets every registered secret, overwriting their copies. */
void redact_clear(void);

#endif
