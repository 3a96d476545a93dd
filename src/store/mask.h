/* A narrow guard on query texts entering history: password literals are
 * masked even if one reaches the store unmasked. The pg source already
 * truncates queries and masks their literals (src/pg/mask.h,
 * pg_mask_query); this is the store's second line of defence, kept
 * narrow on purpose: it rewrites only what follows a PASSWORD keyword
 * (CREATE/ALTER ROLE ... PASSWORD '...', OPTIONS (password '...')) and
 * password=... in connection strings, and leaves a literal that is
 * already masked ('***', '?') as it is, so masking twice changes nothing. */
#ifndef RW_STORE_MASK_H
#define RW_STORE_MASK_H

/* Rewrites *QUERY (sanitized text) when it holds a password literal.
 * Returns 1 when it changed, 0 otherwise. */
int store_mask_query(char **query);

#endif
