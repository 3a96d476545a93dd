/* The writer's side of history: applying one batch in one transaction,
 * by the rules of model/batch.h, with an in-memory index of what is
 * current so unchanged state costs nothing. Used by the writer thread
 * only (store.c), and by prune.c and alerts.c, which share its
 * connection between commits. */
#ifndef RW_STORE_APPLY_H
#define RW_STORE_APPLY_H

#include <stdint.h>

#include <sqlite3.h>

#include "core/buf.h"
#include "core/err.h"
#include "model/batch.h"
#include "store/map.h"
#include "store/schema.h"
#include "store/store.h"

struct store_kind_sql {
	sqlite3_stmt *insert;	/* a fact, or a state interval */
	sqlite3_stmt *version;
	sqlite3_stmt *sample;
	sqlite3_stmt *close;
};

struct store_writer {
	sqlite3 *db;
	struct store_options opt;
	struct store_schema schema;
	struct store_kind_sql sql[M_KIND_COUNT];
	struct store_map cur[M_KIND_COUNT];
	struct store_ids series;	/* "instance\x1fname" -> series id */
	struct store_ids series_attr;	/* the same plus unit and period, as stored */
	struct store_ids scopes;
	sqlite3_stmt *series_find, *series_insert, *series_update, *metric_insert;
	sqlite3_stmt *scope_find, *scope_insert, *scope_poll;
	sqlite3_stmt *meta_set, *alert_event;
	int64_t poll_id;		/* the last committed batch */
	int64_t max_future[M_KIND_COUNT];
	int64_t downsampled_to;		/* raw metrics before this are aggregated */
	uint64_t seq;
	struct buf scratch;
	unsigned refused;	/* kinds the batch being applied names records of
				 * that history does not hold (store_apply_named) */
	/* Pruning's progress through the intervals of each kind. */
	int64_t prune_cursor[M_KIND_COUNT];
	int64_t prune_pass[M_KIND_COUNT];
};

/* Prepares the statements and loads what is current. Returns NULL with
 * ERR set on failure. */
struct store_writer *store_apply_new(sqlite3 *db, const struct store_options *opt,
    struct rw_error *err);
void store_apply_free(struct store_writer *w);
/* Commits the N batches B in one transaction (each batch whole or not
 * at all); on success their ids are *FIRST_ID, *FIRST_ID + 1, ... On
 * failure the transaction is rolled back and the index reloaded. */
int store_apply_commit(struct store_writer *w, struct batch **b, size_t n, int64_t *first_id,
    struct rw_error *err);

/* Steps a prepared statement to completion and resets it. */
int store_apply_run(sqlite3_stmt *st);
/* Sets meta KEY to an integer. */
int store_apply_meta(struct store_writer *w, const char *key, int64_t value);
/* Reads meta KEY, or DEF. */
int64_t store_apply_meta_get(sqlite3 *db, const char *key, int64_t def);

/* Alert transitions (alerts.c), in the batch's transaction. */
int store_alerts_opened(struct store_writer *w, const struct m_alert *a, int64_t t);
int store_alerts_changed(struct store_writer *w, const struct m_alert *old,
    const struct m_alert *now, int64_t t);
int store_alerts_closed(struct store_writer *w, const struct m_alert *old, int64_t t);

#endif
