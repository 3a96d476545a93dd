/* Reading records back from history: the state valid at a moment (the
 * writer loads what is current this way too), and the SQL pieces the
 * snapshot and the export queries share. Columns a file does not have
 * yet (an older file) are skipped: those fields read as absent. */
#ifndef RW_STORE_READ_H
#define RW_STORE_READ_H

#include <stdint.h>

#include <sqlite3.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/schema.h"

/* One state record as history holds it at a moment. */
struct store_state_row {
	int64_t iid;		/* the interval */
	int64_t ifrom, ito;	/* the interval's span (ito 0: still open) */
	int64_t vfrom;		/* the version's start */
	unsigned follow;	/* poll-time fields following the carrying poll */
	int64_t sample_t;	/* the sample's time (0: the kind has none) */
	void *rec;		/* owned by the reader: copy what you keep */
};

typedef int (*store_read_state_fn)(void *ctx, const struct store_state_row *row);

/* Every record of state KIND valid at AT (INT64_MAX: what is current).
 * FN returning non-zero stops the walk. Returns 0, or -1 with ERR set. */
int store_read_state(sqlite3 *db, const struct store_schema *s, enum m_kind kind, int64_t at,
    store_read_state_fn fn, void *ctx, struct rw_error *err);

/* The select list of a state row: interval id, from, to; version from,
 * follow; sample time; then the present fields (key from i., versioned
 * from v., sampled from s.). */
void store_read_state_select(struct buf *b, const struct store_schema *s, enum m_kind kind);
/* Reads a row selected that way into ROW (ROW->rec initialized). */
void store_read_state_row(sqlite3_stmt *st, const struct store_schema *s, enum m_kind kind,
    struct store_state_row *row);

/* The select list of a fact row (_seen, then the present fields), and
 * reading it into REC. Returns the row's _seen. */
void store_read_fact_select(struct buf *b, const struct store_schema *s, enum m_kind kind);
int64_t store_read_fact_row(sqlite3_stmt *st, const struct store_schema *s, enum m_kind kind,
    void *rec);

/* The time of the last poll at or before AT that gave KIND in full for
 * SCOPE, or 0, with a statement from store_read_scope_poll_prepare. */
sqlite3_stmt *store_read_scope_poll_prepare(sqlite3 *db, struct rw_error *err);
int64_t store_read_scope_poll(sqlite3_stmt *st, const char *scope, enum m_kind kind, int64_t at);

/* A metric series: id to instance, name, unit, period. */
struct store_series {
	int64_t id;
	char *instance, *name, *unit;
	int64_t period_s;
};
struct store_series_set {
	struct store_series *v;
	size_t n;
};
int store_read_series(sqlite3 *db, struct store_series_set *set, struct rw_error *err);
const struct store_series *store_series_find(const struct store_series_set *set, int64_t id);
void store_series_free(struct store_series_set *set);

/* Prepares SQL on DB, or sets ERR. */
sqlite3_stmt *store_read_prepare(sqlite3 *db, const char *sql, struct rw_error *err);

#endif
