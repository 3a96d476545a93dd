#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/chunk.h"
#include "store/policy.h"
#include "store/prune.h"

#define STORE_PRUNE_ROWS 1000		/* rows per delete */
#define STORE_PRUNE_INTERVALS 200	/* intervals per unit */

static int64_t
store_prune_floor(int64_t t, int64_t unit)
{
	return t >= 0 ? t - t % unit : t - (unit + t % unit) % unit;
}

/* Runs SQL with up to three integer parameters. Returns the number of
 * rows changed, or -1. */
static int
store_prune_exec(struct store_writer *w, const char *sql, int nargs, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	va_start(ap, nargs);
	for (int i = 1; i <= nargs; i++)
		sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? sqlite3_changes(w->db) : -1;
}

/* The first column of the first row, or DEF. */
static int64_t
store_prune_value(struct store_writer *w, const char *sql, int64_t def, int nargs, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int64_t v = def;

	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		return def;
	va_start(ap, nargs);
	for (int i = 1; i <= nargs; i++)
		sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
	va_end(ap);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The ids a query returns (at most MAX). */
static size_t
store_prune_ids(struct store_writer *w, const char *sql, int64_t **ids, int nargs, ...)
{
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;
	va_list ap;

	*ids = NULL;
	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	va_start(ap, nargs);
	for (int i = 1; i <= nargs; i++)
		sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
	va_end(ap);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			*ids = xreallocarray(*ids, cap, sizeof **ids);
		}
		(*ids)[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

static int
store_prune_begin(struct store_writer *w)
{
	return sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int
store_prune_end(struct store_writer *w, int rc)
{
	if (rc < 0) {
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? rc : -1;
}

/* Folds the oldest 5 minutes of raw samples past the raw window into
 * their hour's chunks. */
static int
store_prune_fold(struct store_writer *w, int64_t now)
{
	int64_t cutoff = store_prune_floor(now - w->opt.raw_ms, STORE_BUCKET_MS);
	int64_t t0 = store_prune_value(w, "SELECT \"time\" FROM \"metric_samples\" ORDER BY \"time\" "
	    "LIMIT 1", INT64_MAX, 0);
	int64_t b0, b1, hour;
	sqlite3_stmt *agg = NULL, *get = NULL, *put = NULL;
	int rc = 0, bucket;

	if (t0 == INT64_MAX || t0 >= cutoff)
		return 0;
	b0 = store_prune_floor(t0, STORE_BUCKET_MS);
	b1 = b0 + STORE_BUCKET_MS;
	hour = store_prune_floor(b0, STORE_CHUNK_MS);
	bucket = (int)((b0 - hour) / STORE_BUCKET_MS);
	if (store_prune_begin(w) != 0)
		return -1;
	if (sqlite3_prepare_v2(w->db, "SELECT \"_series\", count(\"value\"), sum(\"value\"), "
	    "min(\"value\"), max(\"value\") FROM \"metric_samples\" WHERE \"time\" >= ?1 AND "
	    "\"time\" < ?2 GROUP BY \"_series\"", -1, &agg, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "SELECT \"buckets\" FROM \"metric_5m\" WHERE \"time\" = ?1 AND "
	    "\"_series\" = ?2", -1, &get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO \"metric_5m\" (\"time\", \"_series\", "
	    "\"buckets\") VALUES (?1, ?2, ?3)", -1, &put, NULL) != SQLITE_OK) {
		rc = -1;
		goto done;
	}
	sqlite3_bind_int64(agg, 1, b0);
	sqlite3_bind_int64(agg, 2, b1);
	while (rc == 0 && sqlite3_step(agg) == SQLITE_ROW) {
		int64_t series = sqlite3_column_int64(agg, 0);
		unsigned n = (unsigned)sqlite3_column_int(agg, 1);
		unsigned char blob[STORE_CHUNK_BYTES];
		struct store_chunk c;

		if (n == 0)
			continue;
		store_chunk_init(&c);
		sqlite3_bind_int64(get, 1, hour);
		sqlite3_bind_int64(get, 2, series);
		if (sqlite3_step(get) == SQLITE_ROW)
			store_chunk_decode(&c, sqlite3_column_blob(get, 0),
			    (size_t)sqlite3_column_bytes(get, 0));
		sqlite3_reset(get);
		store_chunk_add(&c, bucket, n, sqlite3_column_double(agg, 2),
		    sqlite3_column_double(agg, 3), sqlite3_column_double(agg, 4));
		store_chunk_encode(&c, blob);
		sqlite3_bind_int64(put, 1, hour);
		sqlite3_bind_int64(put, 2, series);
		sqlite3_bind_blob(put, 3, blob, sizeof blob, SQLITE_STATIC);
		if (sqlite3_step(put) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(put);
	}
	if (rc == 0 && store_prune_exec(w, "DELETE FROM \"metric_samples\" WHERE \"time\" >= ?1 AND "
	    "\"time\" < ?2", 2, b0, b1) < 0)
		rc = -1;
	if (rc == 0 && b1 > w->downsampled_to && store_apply_meta(w, "downsampled_to", b1) != 0)
		rc = -1;
done:
	sqlite3_finalize(agg);
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	if (store_prune_end(w, rc) < 0)
		return -1;
	if (b1 > w->downsampled_to)
		w->downsampled_to = b1;
	return 1;
}

/* The next hour of TABLE's rows to thin, or 0 when it has caught up with
 * the raw window. */
static int64_t
store_prune_thin_from(struct store_writer *w, const char *key, const char *first_sql, int64_t now)
{
	int64_t cutoff = store_prune_floor(now - w->opt.raw_ms, STORE_CHUNK_MS);
	int64_t from = store_apply_meta_get(w->db, key, 0);

	if (from == 0) {
		from = store_prune_value(w, first_sql, 0, 0);
		if (from == 0)
			return 0;
		from = store_prune_floor(from, STORE_CHUNK_MS);
	}
	return from + STORE_CHUNK_MS <= cutoff ? from : 0;
}

/* Keeps the last sample of each 5 minutes of one hour, past the raw
 * window, for the intervals alive then. */
static int
store_prune_thin_samples(struct store_writer *w, const struct store_policy *p, int64_t now)
{
	char *key = xasprintf("thinned.%s_s", p->table);
	char *first = xasprintf("SELECT min(\"_from\") FROM \"%s\"", p->table);
	char *alive, *del;
	int64_t from = store_prune_thin_from(w, key, first, now), *ids;
	size_t n;
	int rc = 0;

	free(first);
	if (from == 0) {
		free(key);
		return 0;
	}
	alive = xasprintf("SELECT \"_id\" FROM \"%s\" WHERE \"_from\" < ?1 AND "
	    "(\"_to\" IS NULL OR \"_to\" > ?2)", p->table);
	del = xasprintf("DELETE FROM \"%s_s\" WHERE \"_iid\" = ?1 AND \"_t\" >= ?2 AND \"_t\" < ?3 "
	    "AND \"_t\" NOT IN (SELECT max(\"_t\") FROM \"%s_s\" WHERE \"_iid\" = ?1 AND \"_t\" >= ?2 "
	    "AND \"_t\" < ?3 GROUP BY \"_t\" / %lld)", p->table, p->table, STORE_BUCKET_MS);
	if (store_prune_begin(w) != 0) {
		rc = -1;
		goto done;
	}
	n = store_prune_ids(w, alive, &ids, 2, from + STORE_CHUNK_MS, from);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (store_prune_exec(w, del, 3, ids[i], from, from + STORE_CHUNK_MS) < 0)
			rc = -1;
	}
	free(ids);
	if (rc == 0 && store_apply_meta(w, key, from + STORE_CHUNK_MS) != 0)
		rc = -1;
	rc = store_prune_end(w, rc) < 0 ? -1 : 1;
done:
	free(alive);
	free(del);
	free(key);
	return rc;
}

/* The poll log past the raw window: the last poll of each 5 minutes per
 * scope, holding every kind given in full during them. */
static int
store_prune_thin_polls(struct store_writer *w, int64_t now)
{
	static const char key[] = "thinned.scope_polls";
	int64_t from = store_prune_thin_from(w, key,
	    "SELECT min(\"_t\") FROM \"scope_polls\"", now), *scopes;
	size_t n;
	int rc = 0;

	if (from == 0)
		return 0;
	if (store_prune_begin(w) != 0)
		return -1;
	n = store_prune_ids(w, "SELECT \"_id\" FROM \"scopes\"", &scopes, 0);
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_stmt *st;
		int64_t keep = 0, bucket = INT64_MIN;
		unsigned kinds = 0;

		if (sqlite3_prepare_v2(w->db, "SELECT \"_t\", \"kinds\" FROM \"scope_polls\" WHERE "
		    "\"_scope\" = ?1 AND \"_t\" >= ?2 AND \"_t\" < ?3 ORDER BY \"_t\"", -1, &st,
		    NULL) != SQLITE_OK) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(st, 1, scopes[i]);
		sqlite3_bind_int64(st, 2, from);
		sqlite3_bind_int64(st, 3, from + STORE_CHUNK_MS);
		/* Rows come in time order: when a bucket ends, its last row
		 * takes the bucket's kinds and the others go. */
		for (int more = sqlite3_step(st) == SQLITE_ROW; rc == 0;) {
			int64_t t = more ? sqlite3_column_int64(st, 0) : 0;
			int64_t b = more ? store_prune_floor(t, STORE_BUCKET_MS) : INT64_MAX;

			if (b != bucket && keep != 0) {
				if (store_prune_exec(w, "DELETE FROM \"scope_polls\" WHERE \"_scope\" = ?1 "
				    "AND \"_t\" >= ?2 AND \"_t\" < ?3", 3, scopes[i], bucket, keep) < 0 ||
				    store_prune_exec(w, "UPDATE \"scope_polls\" SET \"kinds\" = ?3 WHERE "
				    "\"_scope\" = ?1 AND \"_t\" = ?2", 3, scopes[i], keep,
				    (int64_t)kinds) < 0)
					rc = -1;
				kinds = 0;
			}
			if (!more)
				break;
			bucket = b;
			keep = t;
			kinds |= (unsigned)sqlite3_column_int64(st, 1);
			more = sqlite3_step(st) == SQLITE_ROW;
		}
		sqlite3_finalize(st);
	}
	free(scopes);
	if (rc == 0 && store_apply_meta(w, key, from + STORE_CHUNK_MS) != 0)
		rc = -1;
	return store_prune_end(w, rc) < 0 ? -1 : 1;
}

/* Facts past retention. */
static int
store_prune_facts(struct store_writer *w, const struct store_policy *p, int64_t cut)
{
	const char *ft = p->type->fields[p->fact_time].name;
	char *sql = xasprintf("DELETE FROM \"%s\" WHERE \"_id\" IN (SELECT \"_id\" FROM \"%s\" WHERE "
	    "\"%s\" < ?1 OR (\"%s\" IS NULL AND \"_seen\" < ?1) LIMIT %d)", p->table, p->table, ft,
	    ft, STORE_PRUNE_ROWS);
	int n;

	if (store_prune_begin(w) != 0) {
		free(sql);
		return -1;
	}
	n = store_prune_exec(w, sql, 1, cut);
	free(sql);
	n = store_prune_end(w, n);
	return n < 0 ? -1 : n > 0;
}

/* Metrics past retention: raw rows, then whole hours of aggregates. */
static int
store_prune_metrics(struct store_writer *w, int64_t cut)
{
	int64_t hour = store_prune_floor(cut, STORE_CHUNK_MS);
	int64_t oldest = store_prune_value(w, "SELECT \"time\" FROM \"metric_5m\" ORDER BY \"time\" "
	    "LIMIT 1", INT64_MAX, 0);
	int n = 0, m;

	if (store_prune_begin(w) != 0)
		return -1;
	m = store_prune_exec(w, "DELETE FROM \"metric_samples\" WHERE \"time\" < ?1 AND \"time\" < "
	    "ifnull((SELECT \"time\" FROM \"metric_samples\" ORDER BY \"time\" LIMIT 1 OFFSET 5000), "
	    "?1 + 1)", 1, cut);
	if (m > 0)
		n += m;
	if (m >= 0 && oldest < hour) {
		m = store_prune_exec(w, "DELETE FROM \"metric_5m\" WHERE \"time\" = ?1", 1, oldest);
		n += m > 0 ? m : 0;
	}
	n = store_prune_end(w, m < 0 ? -1 : n);
	return n < 0 ? -1 : n > 0;
}

/* State past retention: intervals that ended before it go whole; open
 * ones lose the versions and samples superseded before it. */
static int
store_prune_state(struct store_writer *w, const struct store_policy *p, int64_t cut)
{
	char *sql;
	int64_t *ids;
	size_t n;
	int rc = 0, did;

	if (store_prune_begin(w) != 0)
		return -1;
	sql = xasprintf("SELECT \"_id\" FROM \"%s\" WHERE \"_to\" < ?1 LIMIT %d", p->table,
	    STORE_PRUNE_INTERVALS);
	n = store_prune_ids(w, sql, &ids, 1, cut);
	free(sql);
	did = n > 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *a = xasprintf("DELETE FROM \"%s_v\" WHERE \"_iid\" = ?1", p->table);
		char *b = p->nsampled > 0 ? xasprintf("DELETE FROM \"%s_s\" WHERE \"_iid\" = ?1", p->table) :
		    NULL;
		char *c = xasprintf("DELETE FROM \"%s\" WHERE \"_id\" = ?1", p->table);

		if (store_prune_exec(w, a, 1, ids[i]) < 0 || (b != NULL && store_prune_exec(w, b, 1, ids[i]) < 0) ||
		    store_prune_exec(w, c, 1, ids[i]) < 0)
			rc = -1;
		free(a);
		free(b);
		free(c);
	}
	free(ids);

	/* Open intervals, a slice at a time, once per hour of retention. */
	if (rc == 0 && cut - w->prune_pass[p->kind] >= STORE_CHUNK_MS) {
		sql = xasprintf("SELECT \"_id\" FROM \"%s\" WHERE \"_from\" < ?1 AND \"_id\" > ?2 "
		    "ORDER BY \"_id\" LIMIT %d", p->table, STORE_PRUNE_INTERVALS);
		n = store_prune_ids(w, sql, &ids, 2, cut, w->prune_cursor[p->kind]);
		free(sql);
		for (size_t i = 0; i < n && rc == 0; i++) {
			char *a = xasprintf("DELETE FROM \"%s_v\" WHERE \"_iid\" = ?1 AND \"_from\" < (SELECT "
			    "max(\"_from\") FROM \"%s_v\" WHERE \"_iid\" = ?1 AND \"_from\" <= ?2)", p->table,
			    p->table);
			char *b = p->nsampled > 0 ? xasprintf("DELETE FROM \"%s_s\" WHERE \"_iid\" = ?1 AND "
			    "\"_t\" < (SELECT max(\"_t\") FROM \"%s_s\" WHERE \"_iid\" = ?1 AND \"_t\" <= ?2)",
			    p->table, p->table) : NULL;

			if (store_prune_exec(w, a, 2, ids[i], cut) < 0 ||
			    (b != NULL && store_prune_exec(w, b, 2, ids[i], cut) < 0))
				rc = -1;
			free(a);
			free(b);
			w->prune_cursor[p->kind] = ids[i];
		}
		if (n == 0) {
			w->prune_pass[p->kind] = cut;
			w->prune_cursor[p->kind] = 0;
		}
		did |= n > 0;
		free(ids);
	}
	if (store_prune_end(w, rc) < 0) {
		w->prune_cursor[p->kind] = 0;
		return -1;
	}
	return did;
}

static int
store_prune_misc(struct store_writer *w, int64_t cut)
{
	int n, m;

	if (store_prune_begin(w) != 0)
		return -1;
	n = store_prune_exec(w, "DELETE FROM \"alert_events\" WHERE \"_id\" IN (SELECT \"_id\" FROM "
	    "\"alert_events\" WHERE \"time\" < ?1 LIMIT 1000)", 1, cut);
	m = n < 0 ? -1 : store_prune_exec(w, "DELETE FROM \"scope_polls\" WHERE \"_t\" < ?1 AND "
	    "\"_scope\" IN (SELECT \"_id\" FROM \"scopes\")", 1, cut);
	n = store_prune_end(w, m < 0 ? -1 : n + m);
	return n < 0 ? -1 : n > 0;
}

/* One unit of work: 1 when it did some, 0 when it had none, -1. */
static int
store_prune_unit(struct store_writer *w, int64_t now)
{
	int64_t cut = now - w->opt.retention_ms;
	int r;

	if ((r = store_prune_fold(w, now)) != 0)
		return r;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct store_policy *p = store_policy_get((enum m_kind)k);

		if (m_kind_flow((enum m_kind)k) == M_STATE && p->nsampled > 0 &&
		    (r = store_prune_thin_samples(w, p, now)) != 0)
			return r;
	}
	if ((r = store_prune_thin_polls(w, now)) != 0)
		return r;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct store_policy *p = store_policy_get((enum m_kind)k);

		if (k == M_METRIC)
			r = store_prune_metrics(w, cut);
		else if (m_kind_flow((enum m_kind)k) == M_APPEND)
			r = store_prune_facts(w, p, cut);
		else
			r = store_prune_state(w, p, cut);
		if (r != 0)
			return r;
	}
	return store_prune_misc(w, cut);
}

int
store_prune_step(struct store_writer *w, int64_t now, int64_t budget_ms, struct rw_error *err)
{
	int64_t deadline = time_mono_ms() + budget_ms;

	for (;;) {
		int r = store_prune_unit(w, now);

		if (r < 0)
			return store_schema_error(w->db, "prune", err);
		if (r == 0)
			return 0;
		if (time_mono_ms() >= deadline)
			return 1;
	}
}
