#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xmalloc.h"
#include "store/policy.h"
#include "store/row.h"
#include "store/schema.h"

/* Internal columns start with "_" so they never meet a field's name. */

int
store_schema_error(sqlite3 *db, const char *operation, struct rw_error *err)
{
	err_set(err, ERR_INTERNAL, "history", operation, "%s", sqlite3_errmsg(db));
	return -1;
}

int
store_schema_exec(sqlite3 *db, const char *sql, struct rw_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, ERR_INTERNAL, "history", "schema", "%s", msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

const char *
store_schema_field_suffix(enum m_kind kind, int field)
{
	const struct store_policy *p = store_policy_get(kind);

	switch (p->role[field]) {
	case STORE_F_KEY: return "";
	case STORE_F_VERSION:
	case STORE_F_POLLTIME: return "_v";
	case STORE_F_SAMPLED: return "_s";
	}
	return "";
}

static void
store_schema_columns(struct buf *b, const struct store_policy *p, const char *suffix)
{
	for (size_t i = 0; i < p->type->nfields; i++) {
		const struct m_field *f = &p->type->fields[i];

		if (strcmp(store_schema_field_suffix(p->kind, (int)i), suffix) != 0)
			continue;
		buf_printf(b, ", \"%s\" %s", f->name, store_row_sqltype(f->type));
	}
}

/* A fact: one row, once by natural key. ifnull(x, x'') makes absent key
 * values compare equal (SQL's NULLs never do) without meeting a real one. */
static void
store_schema_fact(struct buf *b, const struct store_policy *p)
{
	const struct m_type *t = p->type;
	const char *sep = "";

	buf_printf(b, "CREATE TABLE \"%s\" (\"_id\" INTEGER PRIMARY KEY, \"_seen\" INTEGER NOT NULL",
	    p->table);
	store_schema_columns(b, p, "");
	store_schema_columns(b, p, "_v");
	buf_printf(b, ");\nCREATE UNIQUE INDEX \"%s_key\" ON \"%s\" (", p->table, p->table);
	for (size_t i = 0; i < t->nfields; i++) {
		if (!(t->fields[i].flags & M_KEY) && (int)i != p->fact_time)
			continue;
		buf_printf(b, "%sifnull(\"%s\", x'')", sep, t->fields[i].name);
		sep = ", ";
	}
	buf_printf(b, ");\nCREATE INDEX \"%s_time\" ON \"%s\" (\"%s\");\n", p->table, p->table,
	    t->fields[p->fact_time].name);
}

/* State: intervals (a key while present), versions, samples. */
static void
store_schema_state(struct buf *b, const struct store_policy *p)
{
	buf_printf(b, "CREATE TABLE \"%s\" (\"_id\" INTEGER PRIMARY KEY, \"_from\" INTEGER NOT NULL, "
	    "\"_to\" INTEGER", p->table);
	store_schema_columns(b, p, "");
	buf_printf(b, ");\nCREATE INDEX \"%s_to\" ON \"%s\" (\"_to\");\n", p->table, p->table);
	buf_printf(b, "CREATE INDEX \"%s_from\" ON \"%s\" (\"_from\");\n", p->table, p->table);
	buf_printf(b, "CREATE TABLE \"%s_v\" (\"_iid\" INTEGER NOT NULL, \"_from\" INTEGER NOT NULL, "
	    "\"_follow\" INTEGER NOT NULL DEFAULT 0", p->table);
	store_schema_columns(b, p, "_v");
	buf_printf(b, ", PRIMARY KEY (\"_iid\", \"_from\")) WITHOUT ROWID;\n");
	if (p->nsampled > 0) {
		buf_printf(b, "CREATE TABLE \"%s_s\" (\"_iid\" INTEGER NOT NULL, \"_t\" INTEGER NOT NULL",
		    p->table);
		store_schema_columns(b, p, "_s");
		buf_printf(b, ", PRIMARY KEY (\"_iid\", \"_t\")) WITHOUT ROWID;\n");
	}
}

/* Version 1: every table, from the field tables. Metric samples are
 * the bulk of a history, so they get a compact layout: series (instance,
 * name, unit, period) once, then (time, series, value, lag) rows keyed
 * by time so inserts append; older than the raw window they become
 * 5-minute aggregates, packed by the hour. */
static int
store_schema_v1(sqlite3 *db, struct rw_error *err)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_append_str(&b,
	    "CREATE TABLE \"meta\" (\"key\" TEXT PRIMARY KEY, \"value\") WITHOUT ROWID;\n"
	    "CREATE TABLE \"scopes\" (\"_id\" INTEGER PRIMARY KEY, \"scope\" TEXT NOT NULL UNIQUE);\n"
	    /* The poll log: when a batch gave kinds (bit mask) in full for a
	     * scope. Reading derives "observed at" times from it. */
	    "CREATE TABLE \"scope_polls\" (\"_scope\" INTEGER NOT NULL, \"_t\" INTEGER NOT NULL, "
	    "\"kinds\" INTEGER NOT NULL, PRIMARY KEY (\"_scope\", \"_t\")) WITHOUT ROWID;\n"
	    "CREATE TABLE \"metric_series\" (\"_id\" INTEGER PRIMARY KEY, \"instance\" TEXT, "
	    "\"name\" TEXT, \"unit\" TEXT, \"period_s\" INTEGER);\n"
	    "CREATE UNIQUE INDEX \"metric_series_key\" ON \"metric_series\" "
	    "(ifnull(\"instance\", x''), ifnull(\"name\", x''));\n"
	    /* lag: when the sample was first seen, minus its time. */
	    "CREATE TABLE \"metric_samples\" (\"time\" INTEGER NOT NULL, \"_series\" INTEGER NOT NULL, "
	    "\"value\" REAL, \"_lag\" INTEGER NOT NULL, PRIMARY KEY (\"time\", \"_series\")) WITHOUT ROWID;\n"
	    /* One row per series and hour: twelve 5-minute buckets packed
	     * (store/chunk.h), a tenth of the size of a row per bucket. */
	    "CREATE TABLE \"metric_5m\" (\"time\" INTEGER NOT NULL, \"_series\" INTEGER NOT NULL, "
	    "\"buckets\" BLOB NOT NULL, PRIMARY KEY (\"time\", \"_series\")) WITHOUT ROWID;\n"
	    /* Alert transitions, derived as alerts are written. */
	    "CREATE TABLE \"alert_events\" (\"_id\" INTEGER PRIMARY KEY, \"time\" INTEGER NOT NULL, "
	    "\"alert_key\" TEXT NOT NULL, \"instance\" TEXT, \"rule\" TEXT, \"event\" TEXT NOT NULL, "
	    "\"severity\" TEXT, \"previous_severity\" TEXT, \"title\" TEXT, \"who\" TEXT, "
	    "\"note\" TEXT, \"until\" INTEGER);\n"
	    "CREATE INDEX \"alert_events_time\" ON \"alert_events\" (\"time\");\n");
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct store_policy *p = store_policy_get((enum m_kind)k);

		if (k == M_METRIC)
			continue;
		if (m_kind_flow((enum m_kind)k) == M_APPEND)
			store_schema_fact(&b, p);
		else
			store_schema_state(&b, p);
	}
	rc = store_schema_exec(db, b.data, err);
	buf_free(&b);
	return rc;
}

const struct store_migration store_migrations[] = {
	{ 1, "history tables from the record field tables", store_schema_v1 },
};
const size_t store_nmigrations = sizeof store_migrations / sizeof store_migrations[0];

static int
store_schema_pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
store_schema_version(sqlite3 *db)
{
	return store_schema_pragma_int(db, "PRAGMA user_version");
}

/* Whether the file is ours: our application id, or nothing in it yet. */
static int
store_schema_is_ours(sqlite3 *db)
{
	int app = store_schema_pragma_int(db, "PRAGMA application_id");

	if (app == STORE_APPLICATION_ID)
		return 1;
	if (app != 0)
		return 0;
	return store_schema_pragma_int(db, "SELECT count(*) FROM sqlite_master") == 0;
}

/* The names of TABLE's columns, as one "\x1fa\x1fb\x1f" string. */
static char *
store_schema_table_columns(sqlite3 *db, const char *table)
{
	struct buf b = BUF_INIT;
	sqlite3_stmt *st;
	char *sql = xasprintf("PRAGMA table_info(\"%s\")", table);

	buf_append_char(&b, '\x1f');
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			buf_append_str(&b, (const char *)sqlite3_column_text(st, 1));
			buf_append_char(&b, '\x1f');
		}
		sqlite3_finalize(st);
	}
	free(sql);
	return buf_detach(&b);
}

static int
store_schema_column_in(const char *cols, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(cols, name); p != NULL; p = strstr(p + 1, name)) {
		if (p[-1] == '\x1f' && p[n] == '\x1f')
			return 1;
	}
	return 0;
}

/* The table holding field I of KIND. */
static char *
store_schema_field_table(enum m_kind kind, int i)
{
	const struct store_policy *p = store_policy_get(kind);

	if (kind == M_METRIC) {
		const char *name = p->type->fields[i].name;

		if (strcmp(name, "time") == 0 || strcmp(name, "value") == 0)
			return xstrdup("metric_samples");
		return xstrdup("metric_series");
	}
	if (m_kind_flow(kind) == M_APPEND)
		return xstrdup(p->table);
	return xasprintf("%s%s", p->table, store_schema_field_suffix(kind, i));
}

/* Adds the columns of fields the file predates. */
static int
store_schema_add_columns(sqlite3 *db, struct rw_error *err)
{
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct m_type *t = m_kind_type((enum m_kind)k);

		for (size_t i = 0; i < t->nfields; i++) {
			char *table = store_schema_field_table((enum m_kind)k, (int)i);
			char *cols = store_schema_table_columns(db, table);
			int rc = 0;

			if (!store_schema_column_in(cols, t->fields[i].name)) {
				char *sql = xasprintf("ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s", table,
				    t->fields[i].name, store_row_sqltype(t->fields[i].type));

				rc = store_schema_exec(db, sql, err);
				free(sql);
			}
			free(cols);
			free(table);
			if (rc != 0)
				return -1;
		}
	}
	return 0;
}

int
store_schema_load(sqlite3 *db, struct store_schema *s, struct rw_error *err)
{
	(void)err;
	memset(s, 0, sizeof *s);
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct m_type *t = m_kind_type((enum m_kind)k);

		for (size_t i = 0; i < t->nfields; i++) {
			char *table = store_schema_field_table((enum m_kind)k, (int)i);
			char *cols = store_schema_table_columns(db, table);

			if (store_schema_column_in(cols, t->fields[i].name))
				s->present[k] |= 1ULL << i;
			free(cols);
			free(table);
		}
	}
	return 0;
}

int
store_schema_has(const struct store_schema *s, enum m_kind kind, int field)
{
	return (s->present[kind] >> field) & 1;
}

static int
store_schema_refuse(const char *name, int have, int know, struct rw_error *err)
{
	err_set(err, ERR_CONFIG, "history", "open",
	    "%s was written by a newer rdswatch (history schema version %d; this rdswatch "
	    "knows up to %d): upgrade rdswatch, or use --history FILE for another file",
	    name, have, know);
	return -1;
}

int
store_schema_migrate(sqlite3 *db, const char *name, const struct store_migration *steps,
    size_t nsteps, int writable, struct rw_error *err)
{
	int know = nsteps > 0 ? steps[nsteps - 1].version : 0;
	int have;
	char *sql;

	if (writable && store_schema_exec(db, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	if (!store_schema_is_ours(db)) {
		err_set(err, ERR_CONFIG, "history", "open",
		    "%s is not an rdswatch history file (it holds other tables)", name);
		goto fail;
	}
	have = store_schema_version(db);
	if (have > know) {
		store_schema_refuse(name, have, know, err);
		goto fail;
	}
	if (!writable) {
		if (have < know) {
			err_set(err, ERR_CONFIG, "history", "open",
			    "%s has history schema version %d and needs upgrading to %d, which "
			    "reading alone does not do: run rdswatch once with it to upgrade",
			    name, have, know);
			return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < nsteps; i++) {
		if (steps[i].version <= have)
			continue;
		if (steps[i].apply(db, err) != 0)
			goto fail;
	}
	if (store_schema_add_columns(db, err) != 0)
		goto fail;
	sql = xasprintf("PRAGMA application_id = %d; PRAGMA user_version = %d; "
	    "INSERT INTO meta VALUES ('writer', '" PACKAGE_VERSION "') "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", STORE_APPLICATION_ID, know);
	if (store_schema_exec(db, sql, err) != 0) {
		free(sql);
		goto fail;
	}
	free(sql);
	return store_schema_exec(db, "COMMIT", err);
fail:
	if (writable)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
