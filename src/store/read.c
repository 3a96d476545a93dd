#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "store/policy.h"
#include "store/read.h"
#include "store/row.h"

sqlite3_stmt *
store_read_prepare(sqlite3 *db, const char *sql, struct rw_error *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_schema_error(db, "prepare", err);
		return NULL;
	}
	return st;
}

static const char *
store_read_alias(const struct store_policy *p, int i)
{
	switch (p->role[i]) {
	case STORE_F_KEY: return "i";
	case STORE_F_VERSION:
	case STORE_F_POLLTIME: return "v";
	case STORE_F_SAMPLED: return "s";
	}
	return "i";
}

void
store_read_state_select(struct buf *b, const struct store_schema *s, enum m_kind kind)
{
	const struct store_policy *p = store_policy_get(kind);

	buf_printf(b, "i.\"_id\", i.\"_from\", i.\"_to\", v.\"_from\", v.\"_follow\", %s",
	    p->nsampled > 0 ? "s.\"_t\"" : "0");
	for (size_t i = 0; i < p->type->nfields; i++) {
		if (store_schema_has(s, kind, (int)i))
			buf_printf(b, ", %s.\"%s\"", store_read_alias(p, (int)i), p->type->fields[i].name);
	}
}

void
store_read_state_row(sqlite3_stmt *st, const struct store_schema *s, enum m_kind kind,
    struct store_state_row *row)
{
	const struct store_policy *p = store_policy_get(kind);
	int col = 6;

	row->iid = sqlite3_column_int64(st, 0);
	row->ifrom = sqlite3_column_int64(st, 1);
	row->ito = sqlite3_column_int64(st, 2);
	row->vfrom = sqlite3_column_int64(st, 3);
	row->follow = (unsigned)sqlite3_column_int(st, 4);
	row->sample_t = sqlite3_column_int64(st, 5);
	for (size_t i = 0; i < p->type->nfields; i++) {
		if (!store_schema_has(s, kind, (int)i))
			continue;
		store_row_read(st, col++, &p->type->fields[i], row->rec,
		    p->role[i] == STORE_F_SAMPLED ? row->sample_t : 0);
	}
}

int
store_read_state(sqlite3 *db, const struct store_schema *s, enum m_kind kind, int64_t at,
    store_read_state_fn fn, void *ctx, struct rw_error *err)
{
	const struct store_policy *p = store_policy_get(kind);
	struct buf sql = BUF_INIT;
	struct store_state_row row;
	sqlite3_stmt *st;
	int rc = 0, step;

	buf_append_str(&sql, "SELECT ");
	store_read_state_select(&sql, s, kind);
	buf_printf(&sql, " FROM \"%s\" i JOIN \"%s_v\" v ON v.\"_iid\" = i.\"_id\" AND v.\"_from\" = "
	    "(SELECT max(\"_from\") FROM \"%s_v\" WHERE \"_iid\" = i.\"_id\" AND \"_from\" <= ?1)",
	    p->table, p->table, p->table);
	if (p->nsampled > 0)
		buf_printf(&sql, " LEFT JOIN \"%s_s\" s ON s.\"_iid\" = i.\"_id\" AND s.\"_t\" = "
		    "(SELECT max(\"_t\") FROM \"%s_s\" WHERE \"_iid\" = i.\"_id\" AND \"_t\" <= ?1)",
		    p->table, p->table);
	buf_append_str(&sql, " WHERE (i.\"_to\" IS NULL OR i.\"_to\" > ?1) AND i.\"_from\" <= ?1");
	st = store_read_prepare(db, sql.data, err);
	buf_free(&sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, at);
	row.rec = xmalloc(p->type->size);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		m_init(p->type, row.rec);
		store_read_state_row(st, s, kind, &row);
		rc = fn(ctx, &row);
		m_free(p->type, row.rec);
		if (rc != 0)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		store_schema_error(db, "read", err);
		rc = -1;
	}
	free(row.rec);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

void
store_read_fact_select(struct buf *b, const struct store_schema *s, enum m_kind kind)
{
	const struct m_type *t = m_kind_type(kind);

	buf_append_str(b, "\"_seen\"");
	for (size_t i = 0; i < t->nfields; i++) {
		if (store_schema_has(s, kind, (int)i))
			buf_printf(b, ", \"%s\"", t->fields[i].name);
	}
}

int64_t
store_read_fact_row(sqlite3_stmt *st, const struct store_schema *s, enum m_kind kind, void *rec)
{
	const struct m_type *t = m_kind_type(kind);
	int col = 1;

	for (size_t i = 0; i < t->nfields; i++) {
		if (store_schema_has(s, kind, (int)i))
			store_row_read(st, col++, &t->fields[i], rec, 0);
	}
	return sqlite3_column_int64(st, 0);
}

sqlite3_stmt *
store_read_scope_poll_prepare(sqlite3 *db, struct rw_error *err)
{
	return store_read_prepare(db,
	    "SELECT p.\"_t\" FROM \"scope_polls\" p JOIN \"scopes\" s ON s.\"_id\" = p.\"_scope\" "
	    "WHERE s.\"scope\" = ?1 AND p.\"_t\" <= ?2 AND (p.\"kinds\" & ?3) != 0 "
	    "ORDER BY p.\"_t\" DESC LIMIT 1", err);
}

int64_t
store_read_scope_poll(sqlite3_stmt *st, const char *scope, enum m_kind kind, int64_t at)
{
	int64_t t = 0;

	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, (int64_t)1 << kind);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return t;
}

int
store_read_series(sqlite3 *db, struct store_series_set *set, struct rw_error *err)
{
	sqlite3_stmt *st = store_read_prepare(db,
	    "SELECT \"_id\", \"instance\", \"name\", \"unit\", \"period_s\" FROM \"metric_series\" "
	    "ORDER BY \"_id\"", err);
	size_t cap = 0;

	set->v = NULL;
	set->n = 0;
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct store_series *x;

		if (set->n == cap) {
			cap = cap ? cap * 2 : 64;
			set->v = xreallocarray(set->v, cap, sizeof *set->v);
		}
		x = &set->v[set->n++];
		memset(x, 0, sizeof *x);
		x->id = sqlite3_column_int64(st, 0);
		m_str_set(&x->instance, (const char *)sqlite3_column_text(st, 1));
		m_str_set(&x->name, (const char *)sqlite3_column_text(st, 2));
		m_str_set(&x->unit, (const char *)sqlite3_column_text(st, 3));
		x->period_s = sqlite3_column_type(st, 4) == SQLITE_NULL ? M_INT_NONE :
		    sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return 0;
}

const struct store_series *
store_series_find(const struct store_series_set *set, int64_t id)
{
	size_t lo = 0, hi = set->n;

	/* Ids are dense from 1 unless pruning removed some: try that first. */
	if (id >= 1 && (uint64_t)id <= set->n && set->v[id - 1].id == id)
		return &set->v[id - 1];
	/* Ordered by id: binary search. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (set->v[mid].id == id)
			return &set->v[mid];
		if (set->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
store_series_free(struct store_series_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].instance);
		free(set->v[i].name);
		free(set->v[i].unit);
	}
	free(set->v);
	set->v = NULL;
	set->n = 0;
}
