/* The snapshot of any moment T from history: the state records valid at
 * T, and the facts seen by T within each kind's window before T, exactly
 * as view/snapshot.c would hold them had it applied every batch up to T
 * (within the raw window; older metrics are 5-minute aggregates and
 * older "observed at" times are as of the last poll kept for those 5
 * minutes). */
#include <config.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "store/apply.h"
#include "store/chunk.h"
#include "store/map.h"
#include "store/policy.h"
#include "store/prune.h"
#include "store/read.h"
#include "store/store_int.h"

#define TIME_FIELD(f, rec) (*(int64_t *)m_field_ptr((f), (rec)))

struct store_at {
	struct snapshot *s;
	sqlite3_stmt *scope_poll;
	enum m_kind kind;
	int64_t at;
	struct store_ids carriers;	/* scope -> last full poll + 1 */
};

static int64_t
store_at_carrier(struct store_at *x, const char *scope)
{
	int64_t t = store_ids_get(&x->carriers, scope);

	if (t == 0) {
		t = store_read_scope_poll(x->scope_poll, scope, x->kind, x->at) + 1;
		store_ids_put(&x->carriers, scope, t);
	}
	return t - 1;
}

static int
store_at_state_row(void *ctx, const struct store_state_row *row)
{
	struct store_at *x = ctx;
	const struct store_policy *p = store_policy_get(x->kind);
	void *rec = m_vec_push_copy(&x->s->kinds[x->kind], row->rec);

	if (row->follow != 0) {
		/* "Observed at" is the last poll that carried the record: the
		 * last full poll of its scope, or the version's own write. */
		char *scope = store_policy_scope(p, rec);
		int64_t t = scope != NULL ? store_at_carrier(x, scope) : 0;

		free(scope);
		if (t < row->vfrom)
			t = row->vfrom;
		for (int j = 0; j < p->npolltime; j++) {
			if (row->follow & (1u << j))
				TIME_FIELD(&p->type->fields[p->polltime[j]], rec) = t;
		}
	}
	return 0;
}

static int64_t
store_at_window(const struct snapshot_windows *w, enum m_kind kind)
{
	switch (kind) {
	case M_METRIC: return w->metrics_ms;
	case M_EVENT: return w->events_ms;
	case M_FINDING: return w->findings_ms;
	case M_FAILED_LOGIN: return w->failed_logins_ms;
	default: return 0;
	}
}

static int64_t
store_at_add(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int
store_at_facts(struct store *st, struct snapshot *s, enum m_kind kind, struct rw_error *err)
{
	const struct store_policy *p = store_policy_get(kind);
	const char *ft = p->type->fields[p->fact_time].name;
	int by_key = !(p->type->fields[p->fact_time].flags & M_KEY);
	int64_t window = store_at_window(&s->windows, kind), maxfut;
	struct m_vec *v = &s->kinds[kind];
	struct buf sql = BUF_INIT;
	sqlite3_stmt *q;
	char *key = xasprintf("max_future.%s", p->table);
	int step;

	maxfut = store_apply_meta_get(st->rdb, key, 0);
	free(key);
	buf_append_str(&sql, "SELECT ");
	store_read_fact_select(&sql, &st->schema, kind);
	buf_printf(&sql, " FROM \"%s\" WHERE \"_seen\" <= ?1 AND ((\"%s\" >= ?2 AND \"%s\" <= ?3) "
	    "OR \"%s\" IS NULL)", p->table, ft, ft, ft);
	if (by_key) {
		/* A fact updated in place (a finding): the newest version seen. */
		const char *sep = " ORDER BY ";

		for (size_t i = 0; i < p->type->nfields; i++) {
			if (p->type->fields[i].flags & M_KEY) {
				buf_printf(&sql, "%s\"%s\"", sep, p->type->fields[i].name);
				sep = ", ";
			}
		}
		buf_printf(&sql, ", \"%s\"", ft);
	}
	q = store_read_prepare(st->rdb, sql.data, err);
	buf_free(&sql);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, s->at);
	sqlite3_bind_int64(q, 2, window > 0 ? s->at - window : INT64_MIN);
	sqlite3_bind_int64(q, 3, store_at_add(s->at, maxfut));
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		void *rec = m_vec_push(v);

		store_read_fact_row(q, &st->schema, kind, rec);
		if (by_key && v->n > 1 && m_key_cmp(v->type, m_vec_at(v, v->n - 2), rec) == 0) {
			void *prev = m_vec_at(v, v->n - 2);

			m_free(v->type, prev);
			memcpy(prev, rec, v->type->size);
			v->n--;
		}
	}
	sqlite3_finalize(q);
	if (step != SQLITE_DONE)
		return store_schema_error(st->rdb, "read", err);
	return 0;
}

static struct m_metric *
store_at_metric(struct snapshot *s, const struct store_series *x, int64_t t, double v,
    int64_t period_s)
{
	struct m_metric *m = m_vec_push(&s->kinds[M_METRIC]);

	m->time = t;
	m->value = v;
	m->instance = x->instance != NULL ? xstrdup(x->instance) : NULL;
	m->name = x->name != NULL ? xstrdup(x->name) : NULL;
	m->unit = x->unit != NULL ? xstrdup(x->unit) : NULL;
	m->period_s = period_s;
	return m;
}

/* Raw samples seen by T, then 5-minute aggregates (older than the raw
 * window, so the two never overlap). */
static int
store_at_metrics(struct store *st, struct snapshot *s, struct rw_error *err)
{
	int64_t window = s->windows.metrics_ms;
	int64_t from = window > 0 ? s->at - window : INT64_MIN;
	int64_t maxfut = store_apply_meta_get(st->rdb, "max_future.metrics", 0);
	struct store_series_set series;
	sqlite3_stmt *q;
	int step;

	if (store_read_series(st->rdb, &series, err) != 0)
		return -1;
	q = store_read_prepare(st->rdb,
	    "SELECT \"time\", \"_series\", \"value\" FROM \"metric_samples\" "
	    "WHERE \"time\" >= ?2 AND \"time\" <= ?3 AND \"time\" + \"_lag\" <= ?1", err);
	if (q == NULL)
		goto fail;
	sqlite3_bind_int64(q, 1, s->at);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, store_at_add(s->at, maxfut));
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const struct store_series *x = store_series_find(&series, sqlite3_column_int64(q, 1));

		if (x != NULL)
			store_at_metric(s, x, sqlite3_column_int64(q, 0),
			    sqlite3_column_type(q, 2) != SQLITE_NULL ? sqlite3_column_double(q, 2) : NAN,
			    x->period_s);
	}
	sqlite3_finalize(q);
	if (step != SQLITE_DONE)
		goto fail_db;

	q = store_read_prepare(st->rdb,
	    "SELECT \"time\", \"_series\", \"buckets\" FROM \"metric_5m\" "
	    "WHERE \"time\" >= ?2 AND \"time\" <= ?1", err);
	if (q == NULL)
		goto fail;
	sqlite3_bind_int64(q, 1, s->at);
	sqlite3_bind_int64(q, 2, from == INT64_MIN ? from : from - STORE_CHUNK_MS);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const struct store_series *x = store_series_find(&series, sqlite3_column_int64(q, 1));
		int64_t hour = sqlite3_column_int64(q, 0);
		struct store_chunk c;

		if (x == NULL || store_chunk_decode(&c, sqlite3_column_blob(q, 2),
		    (size_t)sqlite3_column_bytes(q, 2)) != 0)
			continue;
		for (int i = 0; i < STORE_CHUNK_BUCKETS; i++) {
			int64_t t = hour + i * STORE_BUCKET_MS;

			if (c.b[i].n > 0 && t >= from && t <= s->at)
				store_at_metric(s, x, t, c.b[i].avg, STORE_BUCKET_MS / 1000);
		}
	}
	sqlite3_finalize(q);
	if (step != SQLITE_DONE)
		goto fail_db;
	store_series_free(&series);
	return 0;
fail_db:
	store_schema_error(st->rdb, "read", err);
fail:
	store_series_free(&series);
	return -1;
}

static int
store_at_fill(struct store *st, struct snapshot *s, struct rw_error *err)
{
	for (int k = 0; k < M_KIND_COUNT; k++) {
		enum m_kind kind = (enum m_kind)k;
		int rc;

		if (kind == M_METRIC) {
			rc = store_at_metrics(st, s, err);
		} else if (m_kind_flow(kind) == M_APPEND) {
			rc = store_at_facts(st, s, kind, err);
		} else {
			struct store_at x = { s, NULL, kind, s->at, { NULL, 0, 0 } };

			if ((x.scope_poll = store_read_scope_poll_prepare(st->rdb, err)) == NULL)
				return -1;
			store_ids_init(&x.carriers);
			rc = store_read_state(st->rdb, &st->schema, kind, s->at, store_at_state_row, &x,
			    err);
			store_ids_free(&x.carriers);
			sqlite3_finalize(x.scope_poll);
		}
		if (rc != 0)
			return -1;
	}
	return 0;
}

int
store_snapshot_at(struct store *st, int64_t at, const struct snapshot_windows *windows,
    struct snapshot *out, struct rw_error *err)
{
	int rc;

	snapshot_init(out, at, 0);
	if (windows != NULL)
		out->windows = *windows;
	pthread_mutex_lock(&st->rlock);
	/* One read transaction: every kind from the same commit. */
	if (sqlite3_exec(st->rdb, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = store_schema_error(st->rdb, "read", err);
	} else {
		rc = store_at_fill(st, out, err);
		sqlite3_exec(st->rdb, "COMMIT", NULL, NULL, NULL);
	}
	pthread_mutex_unlock(&st->rlock);
	if (rc != 0) {
		snapshot_free(out);
		snapshot_init(out, at, 0);
	}
	return rc;
}
