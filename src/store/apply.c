#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/redact.h"
#include "core/xmalloc.h"
#include "store/apply.h"
#include "store/mask.h"
#include "store/policy.h"
#include "store/read.h"
#include "store/row.h"

#define STR_FIELD(f, rec) (*(char **)m_field_ptr((f), (rec)))
#define TIME_FIELD(f, rec) (*(const int64_t *)m_field_cptr((f), (rec)))

int
store_apply_run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int
store_apply_meta(struct store_writer *w, const char *key, int64_t value)
{
	sqlite3_bind_text(w->meta_set, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(w->meta_set, 2, value);
	return store_apply_run(w->meta_set);
}

int64_t
store_apply_meta_get(sqlite3 *db, const char *key, int64_t def)
{
	sqlite3_stmt *st;
	int64_t v = def;

	if (sqlite3_prepare_v2(db, "SELECT \"value\" FROM \"meta\" WHERE \"key\" = ?1", -1, &st,
	    NULL) != SQLITE_OK)
		return def;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static sqlite3_stmt *
store_apply_prepare(struct store_writer *w, struct buf *sql, struct rw_error *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(w->db, sql->data, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		store_schema_error(w->db, "prepare", err);
	buf_reset(sql);
	return st;
}

/* INSERT [verb] INTO table (internal columns, fields of ROLE...) VALUES (?...). */
static void
store_apply_insert_sql(struct buf *b, const char *verb, const char *table, const char *internal,
    int ninternal, const struct store_policy *p, int (*want)(const struct store_policy *, int))
{
	int n = ninternal;

	buf_printf(b, "INSERT %s INTO \"%s\" (%s", verb, table, internal);
	for (size_t i = 0; i < p->type->nfields; i++) {
		if (want(p, (int)i)) {
			buf_printf(b, ", \"%s\"", p->type->fields[i].name);
			n++;
		}
	}
	buf_append_str(b, ") VALUES (?");
	for (int i = 1; i < n; i++)
		buf_append_str(b, ", ?");
	buf_append_char(b, ')');
}

static int
store_apply_want_all(const struct store_policy *p, int i)
{
	(void)p;
	(void)i;
	return 1;
}

static int
store_apply_want_key(const struct store_policy *p, int i)
{
	return p->role[i] == STORE_F_KEY;
}

static int
store_apply_want_version(const struct store_policy *p, int i)
{
	return p->role[i] == STORE_F_VERSION || p->role[i] == STORE_F_POLLTIME;
}

static int
store_apply_want_sampled(const struct store_policy *p, int i)
{
	return p->role[i] == STORE_F_SAMPLED;
}

static int
store_apply_prepare_all(struct store_writer *w, struct rw_error *err)
{
	struct buf sql = BUF_INIT;
	char *t;

	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct store_policy *p = store_policy_get((enum m_kind)k);
		struct store_kind_sql *s = &w->sql[k];

		if (k == M_METRIC)
			continue;
		if (m_kind_flow((enum m_kind)k) == M_APPEND) {
			store_apply_insert_sql(&sql, "OR IGNORE", p->table, "\"_seen\"", 1, p,
			    store_apply_want_all);
			if ((s->insert = store_apply_prepare(w, &sql, err)) == NULL)
				goto fail;
			continue;
		}
		store_apply_insert_sql(&sql, "", p->table, "\"_from\"", 1, p, store_apply_want_key);
		if ((s->insert = store_apply_prepare(w, &sql, err)) == NULL)
			goto fail;
		t = xasprintf("%s_v", p->table);
		store_apply_insert_sql(&sql, "OR REPLACE", t, "\"_iid\", \"_from\", \"_follow\"", 3, p,
		    store_apply_want_version);
		free(t);
		if ((s->version = store_apply_prepare(w, &sql, err)) == NULL)
			goto fail;
		if (p->nsampled > 0) {
			t = xasprintf("%s_s", p->table);
			store_apply_insert_sql(&sql, "OR REPLACE", t, "\"_iid\", \"_t\"", 2, p,
			    store_apply_want_sampled);
			free(t);
			if ((s->sample = store_apply_prepare(w, &sql, err)) == NULL)
				goto fail;
		}
		buf_printf(&sql, "UPDATE \"%s\" SET \"_to\" = ?1 WHERE \"_id\" = ?2", p->table);
		if ((s->close = store_apply_prepare(w, &sql, err)) == NULL)
			goto fail;
	}
#define PREP(field, text) \
	buf_append_str(&sql, text); \
	if ((w->field = store_apply_prepare(w, &sql, err)) == NULL) \
		goto fail;
	PREP(series_find, "SELECT \"_id\" FROM \"metric_series\" WHERE ifnull(\"instance\", x'') = "
	    "ifnull(?1, x'') AND ifnull(\"name\", x'') = ifnull(?2, x'')")
	PREP(series_insert, "INSERT INTO \"metric_series\" (\"instance\", \"name\", \"unit\", "
	    "\"period_s\") VALUES (?1, ?2, ?3, ?4)")
	PREP(series_update, "UPDATE \"metric_series\" SET \"unit\" = ?1, \"period_s\" = ?2 "
	    "WHERE \"_id\" = ?3")
	PREP(metric_insert, "INSERT OR IGNORE INTO \"metric_samples\" (\"time\", \"_series\", "
	    "\"value\", \"_lag\") VALUES (?1, ?2, ?3, ?4)")
	PREP(scope_find, "SELECT \"_id\" FROM \"scopes\" WHERE \"scope\" = ?1")
	PREP(scope_insert, "INSERT INTO \"scopes\" (\"scope\") VALUES (?1)")
	PREP(scope_poll, "INSERT INTO \"scope_polls\" (\"_scope\", \"_t\", \"kinds\") VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (\"_scope\", \"_t\") DO UPDATE SET \"kinds\" = \"kinds\" | excluded.\"kinds\"")
	PREP(meta_set, "INSERT INTO \"meta\" (\"key\", \"value\") VALUES (?1, ?2) "
	    "ON CONFLICT (\"key\") DO UPDATE SET \"value\" = excluded.\"value\"")
	PREP(alert_event, "INSERT INTO \"alert_events\" (\"time\", \"alert_key\", \"instance\", "
	    "\"rule\", \"event\", \"severity\", \"previous_severity\", \"title\", \"who\", \"note\", "
	    "\"until\") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
#undef PREP
	buf_free(&sql);
	return 0;
fail:
	buf_free(&sql);
	return -1;
}

static int
store_apply_load_one(void *ctx, const struct store_state_row *row)
{
	struct store_map *m = ctx;
	char *scope = store_policy_scope(store_policy_get(m_kind_of(m->type)), row->rec);
	struct store_cur *c = store_map_add(m, row->rec, scope);

	free(scope);
	c->iid = row->iid;
	c->vfrom = row->vfrom;
	c->follow = row->follow;
	c->sample_t = row->sample_t;
	return 0;
}

/* (Re)builds the index of current records from the file. */
static int
store_apply_load(struct store_writer *w, struct rw_error *err)
{
	for (int k = 0; k < M_KIND_COUNT; k++) {
		if (w->cur[k].buckets != NULL)
			store_map_free(&w->cur[k]);
		store_map_init(&w->cur[k], m_kind_type((enum m_kind)k));
	}
	store_ids_free(&w->series);
	store_ids_free(&w->series_attr);
	store_ids_free(&w->scopes);
	store_ids_init(&w->series);
	store_ids_init(&w->series_attr);
	store_ids_init(&w->scopes);
	for (int k = 0; k < M_KIND_COUNT; k++) {
		if (m_kind_flow((enum m_kind)k) != M_STATE)
			continue;
		if (store_read_state(w->db, &w->schema, (enum m_kind)k, INT64_MAX,
		    store_apply_load_one, &w->cur[k], err) != 0)
			return -1;
	}
	w->poll_id = store_apply_meta_get(w->db, "last_poll_id", 0);
	w->downsampled_to = store_apply_meta_get(w->db, "downsampled_to", 0);
	for (int k = 0; k < M_KIND_COUNT; k++) {
		char *key;

		if (m_kind_flow((enum m_kind)k) != M_APPEND)
			continue;
		key = xasprintf("max_future.%s", m_kind_plural((enum m_kind)k));
		w->max_future[k] = store_apply_meta_get(w->db, key, 0);
		free(key);
	}
	return 0;
}

struct store_writer *
store_apply_new(sqlite3 *db, const struct store_options *opt, struct rw_error *err)
{
	struct store_writer *w = xcalloc(1, sizeof *w);

	w->db = db;
	w->opt = *opt;
	store_ids_init(&w->series);
	store_ids_init(&w->series_attr);
	store_ids_init(&w->scopes);
	if (store_schema_load(db, &w->schema, err) != 0 || store_apply_prepare_all(w, err) != 0 ||
	    store_apply_load(w, err) != 0) {
		store_apply_free(w);
		return NULL;
	}
	return w;
}

void
store_apply_free(struct store_writer *w)
{
	if (w == NULL)
		return;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		sqlite3_finalize(w->sql[k].insert);
		sqlite3_finalize(w->sql[k].version);
		sqlite3_finalize(w->sql[k].sample);
		sqlite3_finalize(w->sql[k].close);
		if (w->cur[k].buckets != NULL)
			store_map_free(&w->cur[k]);
	}
	sqlite3_finalize(w->series_find);
	sqlite3_finalize(w->series_insert);
	sqlite3_finalize(w->series_update);
	sqlite3_finalize(w->metric_insert);
	sqlite3_finalize(w->scope_find);
	sqlite3_finalize(w->scope_insert);
	sqlite3_finalize(w->scope_poll);
	sqlite3_finalize(w->meta_set);
	sqlite3_finalize(w->alert_event);
	store_ids_free(&w->series);
	store_ids_free(&w->series_attr);
	store_ids_free(&w->scopes);
	buf_free(&w->scratch);
	free(w);
}

/* Second line of defence: no registered secret is written to history,
 * and no password literal in a query text. */
static void
store_apply_scrub_str(struct store_writer *w, char **s)
{
	if (*s == NULL || **s == '\0')
		return;
	buf_reset(&w->scratch);
	buf_append_str(&w->scratch, *s);
	redact_apply(&w->scratch);
	if (strcmp(buf_str(&w->scratch), *s) != 0) {
		free(*s);
		*s = xstrdup(buf_str(&w->scratch));
	}
}

static void
store_apply_scrub(struct store_writer *w, enum m_kind kind, void *rec)
{
	const struct m_type *t = m_kind_type(kind);

	if (kind == M_SESSION)
		store_mask_query(&((struct m_session *)rec)->query);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];

		if (f->type == M_STR) {
			store_apply_scrub_str(w, &STR_FIELD(f, rec));
		} else if (f->type == M_LIST) {
			struct m_list *l = m_field_ptr(f, rec);

			for (size_t j = 0; j < l->n; j++)
				store_apply_scrub_str(w, &l->v[j]);
		}
	}
}

static int
store_apply_bind_fields(sqlite3_stmt *st, int idx, const struct store_policy *p, const void *rec,
    int (*want)(const struct store_policy *, int), int64_t base)
{
	for (size_t i = 0; i < p->type->nfields; i++) {
		if (want(p, (int)i))
			store_row_bind(st, idx++, &p->type->fields[i], rec,
			    p->role[i] == STORE_F_SAMPLED ? base : 0);
	}
	return idx;
}

static int
store_apply_fact(struct store_writer *w, const struct batch *b, enum m_kind kind, void *rec)
{
	const struct store_policy *p = store_policy_get(kind);
	sqlite3_stmt *st = w->sql[kind].insert;
	int64_t t = TIME_FIELD(&p->type->fields[p->fact_time], rec);

	if (t != 0 && t < w->opt.clock() - w->opt.retention_ms)
		return 0;	/* already past retention: it would be pruned at once */
	store_apply_scrub(w, kind, rec);
	sqlite3_bind_int64(st, 1, b->polled_at);
	store_apply_bind_fields(st, 2, p, rec, store_apply_want_all, 0);
	if (store_apply_run(st) != 0)
		return -1;
	if (t > b->polled_at && t - b->polled_at > w->max_future[kind]) {
		char *key = xasprintf("max_future.%s", p->table);
		int rc;

		w->max_future[kind] = t - b->polled_at;
		rc = store_apply_meta(w, key, w->max_future[kind]);
		free(key);
		return rc;
	}
	return 0;
}

static int64_t
store_apply_series(struct store_writer *w, const struct m_metric *m)
{
	char *key = xasprintf("%s\x1f%s", m->instance != NULL ? m->instance : "",
	    m->name != NULL ? m->name : "");
	char *attr = xasprintf("%s\x1f%s\x1f%lld", key, m->unit != NULL ? m->unit : "",
	    (long long)m->period_s);
	int64_t id = store_ids_get(&w->series_attr, attr);

	if (id != 0)
		goto done;
	id = store_ids_get(&w->series, key);
	if (id == 0) {
		sqlite3_bind_text(w->series_find, 1, m->instance, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->series_find, 2, m->name, -1, SQLITE_STATIC);
		if (sqlite3_step(w->series_find) == SQLITE_ROW)
			id = sqlite3_column_int64(w->series_find, 0);
		sqlite3_reset(w->series_find);
		sqlite3_clear_bindings(w->series_find);
	}
	if (id == 0) {
		sqlite3_bind_text(w->series_insert, 1, m->instance, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->series_insert, 2, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->series_insert, 3, m->unit, -1, SQLITE_STATIC);
		if (m->period_s != M_INT_NONE)
			sqlite3_bind_int64(w->series_insert, 4, m->period_s);
		if (store_apply_run(w->series_insert) != 0) {
			id = -1;
			goto done;
		}
		id = sqlite3_last_insert_rowid(w->db);
	} else {
		/* The unit or period changed: the series keeps the latest. */
		sqlite3_bind_text(w->series_update, 1, m->unit, -1, SQLITE_STATIC);
		if (m->period_s != M_INT_NONE)
			sqlite3_bind_int64(w->series_update, 2, m->period_s);
		sqlite3_bind_int64(w->series_update, 3, id);
		if (store_apply_run(w->series_update) != 0) {
			id = -1;
			goto done;
		}
	}
	if (store_ids_get(&w->series, key) == 0)
		store_ids_put(&w->series, key, id);
	store_ids_put(&w->series_attr, attr, id);
done:
	free(key);
	free(attr);
	return id;
}

static int
store_apply_metrics(struct store_writer *w, const struct batch *b)
{
	const struct m_vec *in = &b->kinds[M_METRIC];
	int64_t cutoff = w->opt.clock() - w->opt.retention_ms;

	M_VEC_EACH(in, const struct m_metric, m) {
		int64_t series;

		/* Samples already folded into 5-minute aggregates (or past
		 * retention) would be counted twice: a re-poll that old is
		 * ignored. */
		if (m->time == 0 || m->time < w->downsampled_to || m->time < cutoff)
			continue;
		series = store_apply_series(w, m);
		if (series < 0)
			return -1;
		sqlite3_bind_int64(w->metric_insert, 1, m->time);
		sqlite3_bind_int64(w->metric_insert, 2, series);
		if (!isnan(m->value))
			sqlite3_bind_double(w->metric_insert, 3, m->value);
		sqlite3_bind_int64(w->metric_insert, 4, b->polled_at - m->time);
		if (store_apply_run(w->metric_insert) != 0)
			return -1;
		if (m->time - b->polled_at > w->max_future[M_METRIC]) {
			w->max_future[M_METRIC] = m->time - b->polled_at;
			if (store_apply_meta(w, "max_future.metrics", w->max_future[M_METRIC]) != 0)
				return -1;
		}
	}
	return 0;
}

/* Sessions are intervals: a session seen again keeps when it was first
 * seen, and is last seen at this poll (as view/snapshot.c does). */
static void
store_apply_session_carry(struct m_session *s, const struct store_cur *cur, int64_t polled_at)
{
	const struct m_session *prev = cur != NULL ? cur->rec : NULL;

	if (s->first_seen == 0)
		s->first_seen = prev != NULL && prev->first_seen != 0 ? prev->first_seen : polled_at;
	if (s->last_seen == 0)
		s->last_seen = polled_at;
}

static unsigned
store_apply_follow(const struct store_policy *p, const void *rec, int64_t polled_at)
{
	unsigned follow = 0;

	for (int j = 0; j < p->npolltime; j++) {
		int64_t v = TIME_FIELD(&p->type->fields[p->polltime[j]], rec);

		if (v != 0 && v == polled_at)
			follow |= 1u << j;
	}
	return follow;
}

/* Whether each of REC's poll-time fields either follows this poll, as
 * CUR's does, or equals the stored value. */
static int
store_apply_same_polltime(const struct store_policy *p, const struct store_cur *cur,
    const void *rec, int64_t polled_at)
{
	for (int j = 0; j < p->npolltime; j++) {
		const struct m_field *f = &p->type->fields[p->polltime[j]];
		int64_t v = TIME_FIELD(f, rec);

		if (cur->follow & (1u << j)) {
			if (v == 0 || v != polled_at)
				return 0;
		} else if (v != TIME_FIELD(f, cur->rec)) {
			return 0;
		}
	}
	return 1;
}

/* Whether REC is the version CUR holds: versioned fields equal, and the
 * poll-time fields as store_apply_same_polltime says. */
static int
store_apply_same_version(const struct store_policy *p, const struct store_cur *cur,
    const void *rec, int64_t polled_at)
{
	for (size_t i = 0; i < p->type->nfields; i++) {
		if (p->role[i] == STORE_F_VERSION &&
		    !store_row_field_equal(&p->type->fields[i], cur->rec, rec))
			return 0;
	}
	return store_apply_same_polltime(p, cur, rec, polled_at);
}

static int
store_apply_same_sample(const struct store_policy *p, const struct store_cur *cur, const void *rec)
{
	for (size_t i = 0; i < p->type->nfields; i++) {
		if (p->role[i] == STORE_F_SAMPLED &&
		    !store_row_field_equal(&p->type->fields[i], cur->rec, rec))
			return 0;
	}
	return 1;
}

static int
store_apply_write_version(struct store_writer *w, const struct store_policy *p,
    struct store_cur *c, const void *rec, int64_t t, unsigned follow)
{
	sqlite3_stmt *st = w->sql[p->kind].version;

	sqlite3_bind_int64(st, 1, c->iid);
	sqlite3_bind_int64(st, 2, t);
	sqlite3_bind_int(st, 3, (int)follow);
	store_apply_bind_fields(st, 4, p, rec, store_apply_want_version, 0);
	c->vfrom = t;
	c->follow = follow;
	return store_apply_run(st);
}

static int
store_apply_write_sample(struct store_writer *w, const struct store_policy *p,
    struct store_cur *c, const void *rec, int64_t t)
{
	sqlite3_stmt *st = w->sql[p->kind].sample;

	sqlite3_bind_int64(st, 1, c->iid);
	sqlite3_bind_int64(st, 2, t);
	store_apply_bind_fields(st, 3, p, rec, store_apply_want_sampled, t);
	c->sample_t = t;
	return store_apply_run(st);
}

static int
store_apply_open(struct store_writer *w, const struct store_policy *p, const void *rec,
    int64_t t, struct store_cur **out)
{
	sqlite3_stmt *st = w->sql[p->kind].insert;
	struct store_cur *c;
	char *scope;

	sqlite3_bind_int64(st, 1, t);
	store_apply_bind_fields(st, 2, p, rec, store_apply_want_key, 0);
	if (store_apply_run(st) != 0)
		return -1;
	scope = store_policy_scope(p, rec);
	c = store_map_add(&w->cur[p->kind], rec, scope);
	free(scope);
	c->iid = sqlite3_last_insert_rowid(w->db);
	*out = c;
	if (store_apply_write_version(w, p, c, rec, t, store_apply_follow(p, rec, t)) != 0)
		return -1;
	if (p->nsampled > 0 && store_apply_write_sample(w, p, c, rec, t) != 0)
		return -1;
	if (p->kind == M_ALERT)
		return store_alerts_opened(w, rec, t);
	return 0;
}

static int
store_apply_update(struct store_writer *w, const struct batch *b, const struct store_policy *p,
    struct store_cur *c, const void *rec)
{
	/* Never write before what is already there: a batch that arrives
	 * late lands at the latest time this record has. */
	int64_t t = b->polled_at;
	int covered = batch_replaces(b, p->kind, rec);
	int same = store_apply_same_version(p, c, rec, b->polled_at);

	if (c->vfrom > t)
		t = c->vfrom;
	if (c->sample_t > t)
		t = c->sample_t;
	/* A poll-time field can follow the poll log only for polls that gave
	 * the record's scope in full; an upsert records its own time. */
	if (!same || (!covered && p->npolltime > 0)) {
		if (p->kind == M_ALERT && store_alerts_changed(w, c->rec, rec, t) != 0)
			return -1;
		if (store_apply_write_version(w, p, c, rec, t,
		    store_apply_follow(p, rec, b->polled_at)) != 0)
			return -1;
	}
	if (p->nsampled > 0 && !store_apply_same_sample(p, c, rec)) {
		if (store_apply_write_sample(w, p, c, rec, t) != 0)
			return -1;
		same = 0;
	}
	if (same) {
		/* Only "observed at" moved: no copy of the whole record. */
		for (int j = 0; j < p->npolltime; j++)
			store_row_field_copy(&p->type->fields[p->polltime[j]], c->rec, rec);
		return 0;
	}
	m_free(p->type, c->rec);
	m_copy(p->type, c->rec, rec);
	if (m_kind_flow(p->kind) == M_STATE) {
		char *scope = store_policy_scope(p, rec);

		store_map_set_scope(&w->cur[p->kind], c, scope);
		free(scope);
	}
	return 0;
}

/* The common case of a poll given in full: a record exactly as the last
 * poll gave it, before scrubbing (RAW), whose poll times follow as
 * recorded. Then nothing is written and nothing needs scrubbing or
 * comparing: only the poll times are taken. Not with opt.forward, whose
 * batches must hold what history holds. */
static int
store_apply_unchanged(const struct store_writer *w, const struct batch *b,
    const struct store_policy *p, struct store_cur *c, const void *rec, uint64_t raw)
{
	if (c->raw != raw || w->opt.forward || !batch_replaces(b, p->kind, rec) ||
	    !store_apply_same_polltime(p, c, rec, b->polled_at))
		return 0;
	for (int j = 0; j < p->npolltime; j++)
		store_row_field_copy(&p->type->fields[p->polltime[j]], c->rec, rec);
	return 1;
}

struct store_apply_close_ctx {
	struct store_writer *w;
	const struct batch *b;
	const struct store_policy *p;
	int rc;
};

static void
store_apply_close_one(void *ctx, struct store_cur *c)
{
	struct store_apply_close_ctx *x = ctx;
	sqlite3_stmt *st = x->w->sql[x->p->kind].close;
	int64_t t = x->b->polled_at;

	if (x->rc != 0 || c->seen == x->w->seq || !batch_replaces(x->b, x->p->kind, c->rec))
		return;
	if (c->vfrom > t)
		t = c->vfrom;
	if (c->sample_t > t)
		t = c->sample_t;
	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_int64(st, 2, c->iid);
	if (store_apply_run(st) != 0 ||
	    (x->p->kind == M_ALERT && store_alerts_closed(x->w, c->rec, t) != 0)) {
		x->rc = -1;
		return;
	}
	store_map_remove(&x->w->cur[x->p->kind], c);
}

/* What a batch given in full for KIND no longer holds has gone: only the
 * records of the scopes it speaks for are visited. */
static int
store_apply_close(struct store_writer *w, const struct batch *b, const struct store_policy *p)
{
	struct store_apply_close_ctx x = { w, b, p, 0 };

	if (p->scope_region) {
		char *scope = store_policy_region_scope(b->region, b->profile);

		store_map_each_in(&w->cur[p->kind], scope, store_apply_close_one, &x);
		free(scope);
	} else {
		for (size_t i = 0; i < b->covers.n && x.rc == 0; i++)
			store_map_each_in(&w->cur[p->kind], b->covers.v[i], store_apply_close_one, &x);
	}
	return x.rc;
}

/* The records B names as unchanged (model/batch.h): when history holds
 * exactly those versions, they are carried on (only poll times move);
 * otherwise (a batch was lost) B speaks only for the records it carries,
 * and *REFUSED is set. Found by key hash, which covers the record's instance:
 * they are B's to speak for (as in snapshot_named_check). */
static int
store_apply_named(struct store_writer *w, const struct batch *b, const struct store_policy *p,
    int *refused)
{
	const struct batch_same *same = &b->same[p->kind];
	struct store_cur **cur = xreallocarray(NULL, same->n, sizeof *cur);
	uint64_t sum = 0;
	int rc = 0;

	*refused = 0;
	for (size_t i = 0; i < same->n && !*refused; i++) {
		cur[i] = store_map_find_hash(&w->cur[p->kind], same->keys[i]);
		if (cur[i] == NULL || cur[i]->raw == 0)
			*refused = 1;
		else
			sum += cur[i]->raw;
	}
	if (*refused || sum != same->sum) {
		log_debug(LOG_STORE, "a %s batch names %zu %s history does not hold as named: "
		    "taken as speaking for the records it carries only", b->source, same->n,
		    p->table);
		*refused = 1;
		free(cur);
		return 0;
	}
	for (size_t i = 0; i < same->n && rc == 0; i++) {
		struct store_cur *c = cur[i];
		int moved = 0;

		for (int j = 0; j < p->npolltime; j++) {
			const struct m_field *f = &p->type->fields[p->polltime[j]];

			moved |= !(c->follow & (1u << j)) && TIME_FIELD(f, c->rec) != b->polled_at;
			*(int64_t *)m_field_ptr(f, c->rec) = b->polled_at;
		}
		/* A poll time that does not follow the poll log is versioned. */
		if (moved)
			rc = store_apply_write_version(w, p, c, c->rec,
			    c->vfrom > b->polled_at ? c->vfrom : b->polled_at,
			    store_apply_follow(p, c->rec, b->polled_at));
		c->seen = w->seq;
	}
	free(cur);
	return rc;
}

static int
store_apply_state(struct store_writer *w, struct batch *b, enum m_kind kind)
{
	const struct store_policy *p = store_policy_get(kind);
	struct m_vec *in = &b->kinds[kind];
	int refused = 0;

	if (in->n == 0 && !batch_is_complete(b, kind))
		return 0;
	w->seq++;
	if (batch_is_complete(b, kind) && b->same[kind].n > 0) {
		if (store_apply_named(w, b, p, &refused) != 0)
			return -1;
		if (refused)
			w->refused |= 1u << kind;
	}
	for (size_t i = 0; i < in->n; i++) {
		void *rec = m_vec_at(in, i);
		struct store_cur *c = store_map_find(&w->cur[kind], rec);
		uint64_t raw;

		if (kind == M_SESSION)
			store_apply_session_carry(rec, c, b->polled_at);
		raw = m_content_hash(p->type, rec);
		if (c != NULL && store_apply_unchanged(w, b, p, c, rec, raw)) {
			c->seen = w->seq;
			continue;
		}
		store_apply_scrub(w, kind, rec);
		if (c == NULL) {
			if (store_apply_open(w, p, rec, b->polled_at, &c) != 0)
				return -1;
		} else if (store_apply_update(w, b, p, c, rec) != 0) {
			return -1;
		}
		c->raw = raw;
		c->seen = w->seq;
	}
	if (batch_is_complete(b, kind) && !refused)
		return store_apply_close(w, b, p);
	return 0;
}

static int64_t
store_apply_scope_id(struct store_writer *w, const char *scope)
{
	int64_t id = store_ids_get(&w->scopes, scope);

	if (id != 0)
		return id;
	sqlite3_bind_text(w->scope_find, 1, scope, -1, SQLITE_STATIC);
	if (sqlite3_step(w->scope_find) == SQLITE_ROW)
		id = sqlite3_column_int64(w->scope_find, 0);
	sqlite3_reset(w->scope_find);
	sqlite3_clear_bindings(w->scope_find);
	if (id == 0) {
		sqlite3_bind_text(w->scope_insert, 1, scope, -1, SQLITE_STATIC);
		if (store_apply_run(w->scope_insert) != 0)
			return -1;
		id = sqlite3_last_insert_rowid(w->db);
	}
	store_ids_put(&w->scopes, scope, id);
	return id;
}

static int
store_apply_scope_poll(struct store_writer *w, const char *scope, int64_t t, unsigned kinds)
{
	int64_t id = store_apply_scope_id(w, scope);

	if (id < 0)
		return -1;
	sqlite3_bind_int64(w->scope_poll, 1, id);
	sqlite3_bind_int64(w->scope_poll, 2, t);
	sqlite3_bind_int64(w->scope_poll, 3, kinds);
	return store_apply_run(w->scope_poll);
}

/* The poll log: which kinds this batch gave in full, for which scopes. */
static int
store_apply_poll_log(struct store_writer *w, const struct batch *b)
{
	unsigned region = 0, inst = 0;

	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct store_policy *p = store_policy_get((enum m_kind)k);

		if (m_kind_flow((enum m_kind)k) != M_STATE || k == M_SOURCE_HEALTH ||
		    !batch_is_complete(b, (enum m_kind)k) || (w->refused & (1u << k)) ||
		    p->npolltime == 0)
			continue;
		if (p->scope_region)
			region |= 1u << k;
		else
			inst |= 1u << k;
	}
	if (region != 0) {
		char *scope = store_policy_region_scope(b->region, b->profile);
		int rc = store_apply_scope_poll(w, scope, b->polled_at, region);

		free(scope);
		if (rc != 0)
			return -1;
	}
	for (size_t i = 0; inst != 0 && i < b->covers.n; i++) {
		if (store_apply_scope_poll(w, b->covers.v[i], b->polled_at, inst) != 0)
			return -1;
	}
	return 0;
}

static int
store_apply_batch(struct store_writer *w, struct batch *b)
{
	w->refused = 0;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		enum m_kind kind = (enum m_kind)k;
		int rc = 0;

		if (kind == M_METRIC) {
			rc = store_apply_metrics(w, b);
		} else if (m_kind_flow(kind) == M_APPEND) {
			for (size_t i = 0; i < b->kinds[k].n && rc == 0; i++)
				rc = store_apply_fact(w, b, kind, m_vec_at(&b->kinds[k], i));
		} else {
			rc = store_apply_state(w, b, kind);
		}
		if (rc != 0)
			return -1;
	}
	return store_apply_poll_log(w, b);
}

int
store_apply_commit(struct store_writer *w, struct batch **b, size_t n, int64_t *first_id,
    struct rw_error *err)
{
	struct rw_error ignored = RW_ERROR_INIT;

	if (sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_schema_error(w->db, "begin", err);
	for (size_t i = 0; i < n; i++) {
		if (store_apply_batch(w, b[i]) != 0) {
			store_schema_error(w->db, "write", err);
			goto fail;
		}
	}
	if (store_apply_meta(w, "last_poll_id", w->poll_id + (int64_t)n) != 0) {
		store_schema_error(w->db, "write", err);
		goto fail;
	}
	if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_schema_error(w->db, "commit", err);
		goto fail;
	}
	*first_id = w->poll_id + 1;
	w->poll_id += (int64_t)n;
	return 0;
fail:
	sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	/* The index ran ahead of the file: read it back. */
	if (store_apply_load(w, &ignored) != 0)
		log_debug(LOG_STORE, "reloading the current state failed: %s",
		    ignored.message != NULL ? ignored.message : "?");
	err_clear(&ignored);
	return -1;
}
