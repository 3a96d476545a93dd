#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "store/chunk.h"
#include "store/history.h"
#include "store/policy.h"
#include "store/prune.h"
#include "store/read.h"
#include "store/row.h"
#include "store/store_int.h"

static const struct m_field m_alert_event_fields[] = { STORE_ALERT_EVENT_FIELDS(M_FIELD_DESC) };
const struct m_type m_alert_event_type = {
	"alert_event", sizeof(struct m_alert_event), m_alert_event_fields,
	sizeof m_alert_event_fields / sizeof m_alert_event_fields[0], NULL,
};

#define TIME_FIELD(f, rec) (*(int64_t *)m_field_ptr((f), (rec)))

int
store_query_wants(const struct store_query *q, const char *instance)
{
	if (q->ninstances == 0 || instance == NULL || instance[0] == '\0')
		return 1;
	for (size_t i = 0; i < q->ninstances; i++) {
		if (strcmp(q->instances[i], instance) == 0)
			return 1;
	}
	return 0;
}

/* Runs a prepared query under the reader lock, one row at a time. */
typedef int (*store_history_row_fn)(void *ctx, sqlite3_stmt *st);

static int
store_history_run(struct store *st, const char *sql, int64_t from, int64_t to,
    store_history_row_fn fn, void *ctx, struct rw_error *err)
{
	sqlite3_stmt *q;
	int rc = 0, step;

	pthread_mutex_lock(&st->rlock);
	q = store_read_prepare(st->rdb, sql, err);
	if (q == NULL) {
		pthread_mutex_unlock(&st->rlock);
		return -1;
	}
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		rc = fn(ctx, q);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_schema_error(st->rdb, "read", err);
	sqlite3_finalize(q);
	pthread_mutex_unlock(&st->rlock);
	return rc;
}

struct store_history_ctx {
	struct store *st;
	enum m_kind kind;
	const struct store_query *q;
	store_item_fn fn;
	void *ctx;
	void *rec;
	struct store_series_set series;
};

static int
store_history_fact_row(void *ctx, sqlite3_stmt *q)
{
	struct store_history_ctx *x = ctx;
	const struct store_policy *p = store_policy_get(x->kind);
	struct store_item it = { STORE_ITEM_FACT, x->kind, p->type, 0, 0, 0, x->rec, NAN, NAN, 0 };
	int rc = 0;

	m_init(p->type, x->rec);
	store_read_fact_row(q, &x->st->schema, x->kind, x->rec);
	it.time = TIME_FIELD(&p->type->fields[p->fact_time], x->rec);
	if (store_query_wants(x->q, store_policy_instance(p, x->rec)))
		rc = x->fn(x->ctx, &it);
	m_free(p->type, x->rec);
	return rc;
}

static int
store_history_metric_row(void *ctx, sqlite3_stmt *q)
{
	struct store_history_ctx *x = ctx;
	const struct store_series *s = store_series_find(&x->series, sqlite3_column_int64(q, 1));
	struct m_metric *m = x->rec;
	struct store_item it = { STORE_ITEM_FACT, M_METRIC, &m_metric_type, 0, 0, 0, m, NAN, NAN, 0 };

	if (s == NULL || !store_query_wants(x->q, s->instance))
		return 0;
	/* The series' strings are lent, not copied: a million samples. */
	m_init(&m_metric_type, m);
	m->instance = s->instance;
	m->name = s->name;
	m->unit = s->unit;
	m->period_s = s->period_s;
	m->time = it.time = sqlite3_column_int64(q, 0);
	if (sqlite3_column_type(q, 2) != SQLITE_NULL)
		m->value = sqlite3_column_double(q, 2);
	return x->fn(x->ctx, &it);
}

int
store_history_facts(struct store *st, enum m_kind kind, const struct store_query *q,
    store_item_fn fn, void *ctx, struct rw_error *err)
{
	const struct store_policy *p = store_policy_get(kind);
	struct store_history_ctx x = { st, kind, q, fn, ctx, NULL, { NULL, 0 } };
	struct buf sql = BUF_INIT;
	int rc;

	x.rec = xmalloc(p->type->size);
	if (kind == M_METRIC) {
		pthread_mutex_lock(&st->rlock);
		rc = store_read_series(st->rdb, &x.series, err);
		pthread_mutex_unlock(&st->rlock);
		if (rc == 0)
			rc = store_history_run(st, "SELECT \"time\", \"_series\", \"value\" FROM "
			    "\"metric_samples\" WHERE \"time\" >= ?1 AND \"time\" <= ?2 ORDER BY \"time\"",
			    q->from, q->to, store_history_metric_row, &x, err);
		store_series_free(&x.series);
		free(x.rec);
		return rc;
	}
	buf_append_str(&sql, "SELECT ");
	store_read_fact_select(&sql, &st->schema, kind);
	buf_printf(&sql, " FROM \"%s\" WHERE \"%s\" >= ?1 AND \"%s\" <= ?2 ORDER BY \"%s\"",
	    p->table, p->type->fields[p->fact_time].name, p->type->fields[p->fact_time].name,
	    p->type->fields[p->fact_time].name);
	rc = store_history_run(st, sql.data, q->from, q->to, store_history_fact_row, &x, err);
	buf_free(&sql);
	free(x.rec);
	return rc;
}

static int
store_history_chunk_row(void *ctx, sqlite3_stmt *q)
{
	struct store_history_ctx *x = ctx;
	const struct store_series *s = store_series_find(&x->series, sqlite3_column_int64(q, 1));
	int64_t hour = sqlite3_column_int64(q, 0);
	struct m_metric *m = x->rec;
	struct store_chunk c;

	if (s == NULL || !store_query_wants(x->q, s->instance) ||
	    store_chunk_decode(&c, sqlite3_column_blob(q, 2), (size_t)sqlite3_column_bytes(q, 2)) != 0)
		return 0;
	for (int i = 0; i < STORE_CHUNK_BUCKETS; i++) {
		struct store_item it = { STORE_ITEM_AGGREGATE, M_METRIC, &m_metric_type,
			hour + i * STORE_BUCKET_MS, 0, 0, m, c.b[i].min, c.b[i].max, c.b[i].n };
		int rc;

		if (c.b[i].n == 0 || it.time < x->q->from || it.time > x->q->to)
			continue;
		m_init(&m_metric_type, m);
		m->instance = s->instance;
		m->name = s->name;
		m->unit = s->unit;
		m->period_s = STORE_BUCKET_MS / 1000;
		m->time = it.time;
		m->value = c.b[i].avg;
		if ((rc = x->fn(x->ctx, &it)) != 0)
			return rc;
	}
	return 0;
}

int
store_history_aggregates(struct store *st, const struct store_query *q, store_item_fn fn,
    void *ctx, struct rw_error *err)
{
	struct store_history_ctx x = { st, M_METRIC, q, fn, ctx, NULL, { NULL, 0 } };
	int rc;

	x.rec = xmalloc(sizeof(struct m_metric));
	pthread_mutex_lock(&st->rlock);
	rc = store_read_series(st->rdb, &x.series, err);
	pthread_mutex_unlock(&st->rlock);
	if (rc == 0)
		rc = store_history_run(st, "SELECT \"time\", \"_series\", \"buckets\" FROM \"metric_5m\" "
		    "WHERE \"time\" >= ?1 - 3600000 AND \"time\" <= ?2 ORDER BY \"time\", \"_series\"",
		    q->from, q->to, store_history_chunk_row, &x, err);
	store_series_free(&x.series);
	free(x.rec);
	return rc;
}

struct store_history_vctx {
	struct store *st;
	enum m_kind kind;
	const struct store_query *q;
	store_item_fn fn;
	void *ctx;
	sqlite3_stmt *scope_poll;
};

static int
store_history_version_row(void *ctx, sqlite3_stmt *q)
{
	struct store_history_vctx *x = ctx;
	const struct store_policy *p = store_policy_get(x->kind);
	struct store_state_row row;
	struct store_item it = { STORE_ITEM_VERSION, x->kind, p->type, 0, 0, 0, NULL, NAN, NAN, 0 };
	int ncols = sqlite3_column_count(q);
	int rc = 0;

	row.rec = xmalloc(p->type->size);
	m_init(p->type, row.rec);
	store_read_state_row(q, &x->st->schema, x->kind, &row);
	it.rec = row.rec;
	it.time = row.vfrom;
	it.until = sqlite3_column_int64(q, ncols - 1);
	it.interval = row.iid;
	if (row.follow != 0) {
		/* "Last seen" within this version: the last full poll of its
		 * scope before it ended (or before the window's end). */
		char *scope = store_policy_scope(p, row.rec);
		int64_t end = it.until != 0 && it.until - 1 < x->q->to ? it.until - 1 : x->q->to;
		int64_t t = scope != NULL ? store_read_scope_poll(x->scope_poll, scope, x->kind, end) : 0;

		free(scope);
		if (t < row.vfrom)
			t = row.vfrom;
		for (int j = 0; j < p->npolltime; j++) {
			if (row.follow & (1u << j))
				TIME_FIELD(&p->type->fields[p->polltime[j]], row.rec) = t;
		}
	}
	if (store_query_wants(x->q, store_policy_instance(p, row.rec)))
		rc = x->fn(x->ctx, &it);
	m_free(p->type, row.rec);
	free(row.rec);
	return rc;
}

int
store_history_versions(struct store *st, enum m_kind kind, const struct store_query *q,
    store_item_fn fn, void *ctx, struct rw_error *err)
{
	const struct store_policy *p = store_policy_get(kind);
	struct store_history_vctx x = { st, kind, q, fn, ctx, NULL };
	struct buf sql = BUF_INIT;
	int rc;

	/* Each version ends where the next one of its interval begins, or
	 * where the interval ends. */
	buf_append_str(&sql, "SELECT * FROM (SELECT ");
	store_read_state_select(&sql, &st->schema, kind);
	buf_printf(&sql, ", ifnull(lead(v.\"_from\") OVER (PARTITION BY v.\"_iid\" ORDER BY v.\"_from\"), "
	    "i.\"_to\") AS \"_until\" FROM \"%s\" i JOIN \"%s_v\" v ON v.\"_iid\" = i.\"_id\"",
	    p->table, p->table);
	if (p->nsampled > 0)
		buf_printf(&sql, " LEFT JOIN \"%s_s\" s ON s.\"_iid\" = i.\"_id\" AND s.\"_t\" = "
		    "(SELECT max(\"_t\") FROM \"%s_s\" WHERE \"_iid\" = i.\"_id\" AND \"_t\" <= v.\"_from\")",
		    p->table, p->table);
	buf_append_str(&sql, " WHERE i.\"_from\" <= ?2 AND (i.\"_to\" IS NULL OR i.\"_to\" > ?1)) "
	    "WHERE \"_from\" <= ?2 AND (\"_until\" IS NULL OR \"_until\" > ?1) "
	    "ORDER BY 4, 1");
	pthread_mutex_lock(&st->rlock);
	x.scope_poll = store_read_scope_poll_prepare(st->rdb, err);
	pthread_mutex_unlock(&st->rlock);
	rc = x.scope_poll != NULL ? store_history_run(st, sql.data, q->from, q->to,
	    store_history_version_row, &x, err) : -1;
	sqlite3_finalize(x.scope_poll);
	buf_free(&sql);
	return rc;
}

static int
store_history_alert_event_row(void *ctx, sqlite3_stmt *q)
{
	struct store_history_ctx *x = ctx;
	struct m_alert_event *e = x->rec;
	struct store_item it = { STORE_ITEM_ALERT_EVENT, M_KIND_COUNT, &m_alert_event_type, 0, 0, 0, e,
		NAN, NAN, 0 };
	int rc = 0;

	m_init(&m_alert_event_type, e);
	for (size_t i = 0; i < m_alert_event_type.nfields; i++)
		store_row_read(q, (int)i, &m_alert_event_type.fields[i], e, 0);
	it.time = e->time;
	if (store_query_wants(x->q, e->instance))
		rc = x->fn(x->ctx, &it);
	m_free(&m_alert_event_type, e);
	return rc;
}

int
store_history_alert_events(struct store *st, const struct store_query *q, store_item_fn fn,
    void *ctx, struct rw_error *err)
{
	struct store_history_ctx x = { st, M_KIND_COUNT, q, fn, ctx, NULL, { NULL, 0 } };
	struct buf sql = BUF_INIT;
	const char *sep = "";
	int rc;

	buf_append_str(&sql, "SELECT ");
	for (size_t i = 0; i < m_alert_event_type.nfields; i++) {
		buf_printf(&sql, "%s\"%s\"", sep, m_alert_event_type.fields[i].name);
		sep = ", ";
	}
	buf_append_str(&sql, " FROM \"alert_events\" WHERE \"time\" >= ?1 AND \"time\" <= ?2 "
	    "ORDER BY \"time\", \"_id\"");
	x.rec = xmalloc(sizeof(struct m_alert_event));
	rc = store_history_run(st, sql.data, q->from, q->to, store_history_alert_event_row, &x, err);
	free(x.rec);
	buf_free(&sql);
	return rc;
}
