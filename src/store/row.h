/* Moving record fields in and out of SQLite rows, driven by the field
 * tables: absent values are NULL, times are ms since the epoch, lists are
 * JSON arrays, and every string read back is sanitized again (the file is
 * outside this process). */
#ifndef RW_STORE_ROW_H
#define RW_STORE_ROW_H

#include <stdint.h>

#include <sqlite3.h>

#include "model/model.h"

/* The column type of a field kind. */
const char *store_row_sqltype(enum m_ftype t);

/* Binds field F of REC to parameter IDX. A time given with BASE != 0 is
 * bound as its offset from BASE (sample rows), which SQLite stores in a
 * byte or two instead of six. */
int store_row_bind(sqlite3_stmt *st, int idx, const struct m_field *f, const void *rec,
    int64_t base);
/* Reads column COL into field F of REC (which holds "absent" there). */
void store_row_read(sqlite3_stmt *st, int col, const struct m_field *f, void *rec, int64_t base);

/* Whether field F is equal in A and B (NaN equals NaN). */
int store_row_field_equal(const struct m_field *f, const void *a, const void *b);
/* Replaces field F of DST with a copy of SRC's. */
void store_row_field_copy(const struct m_field *f, void *dst, const void *src);

/* The JSON array text of a list, and back (sanitizing each element). */
char *store_row_list_encode(const struct m_list *l);
void store_row_list_decode(const char *text, struct m_list *l);

#endif
