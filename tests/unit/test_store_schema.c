/* Schema versions both ways: a newer binary upgrades an older file
 * (numbered migrations, and columns for fields added since), an older
 * binary refuses a newer file with a clear message, and a file that is
 * not a history is left alone. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "core/timeutil.h"
#include "store/policy.h"
#include "store/schema.h"
#include "store/store.h"
#include "store_tmp.h"

#define path_of(name) store_tmp_path(name)

static int
open_store(const char *name, int readonly, struct store **st, struct rw_error *err)
{
	struct store_options o;

	store_options_init(&o);
	o.path = path_of(name);
	o.readonly = readonly;
	return store_open(st, &o, err);
}

static void
exec_sql(const char *name, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path_of(name), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

#define pragma(name, sql) ((int)store_tmp_query(name, sql))

static void
write_session(const char *name, const char *query)
{
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	struct batch *b = batch_new("pg", time_now_ms());
	struct m_session *s;

	assert_int_equal(open_store(name, 0, &st, &err), 0);
	batch_cover(b, "db-a");
	batch_mark_complete(b, M_SESSION);
	s = batch_add(b, M_SESSION);
	m_str_set(&s->instance, "db-a");
	s->pid = 42;
	s->backend_start = 1000;
	m_str_set(&s->query, query);
	m_str_set(&s->user, "app");
	store_submit(st, b);
	store_close(st);
}

static void
test_schema_new_file(void **state)
{
	(void)state;
	write_session("new.db", "SELECT 1");
	assert_int_equal(pragma("new.db", "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(pragma("new.db", "PRAGMA application_id"), STORE_APPLICATION_ID);
	assert_int_equal(pragma("new.db", "SELECT count(*) FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'"), 1);
}

static void
test_schema_newer_file_refused(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	struct store *st = NULL;
	char want[64];

	(void)state;
	write_session("newer.db", "SELECT 1");
	exec_sql("newer.db", "PRAGMA user_version = 99");
	snprintf(want, sizeof want, "knows up to %d", STORE_SCHEMA_VERSION);
	for (int readonly = 0; readonly <= 1; readonly++) {
		assert_int_equal(open_store("newer.db", readonly, &st, &err), -1);
		assert_non_null(strstr(err.message, "written by a newer rdswatch"));
		assert_non_null(strstr(err.message, "schema version 99"));
		assert_non_null(strstr(err.message, want));
		assert_non_null(strstr(err.message, "--history"));
		err_clear(&err);
	}
	/* Untouched. */
	assert_int_equal(pragma("newer.db", "PRAGMA user_version"), 99);
}

static void
test_schema_foreign_file_refused(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	struct store *st = NULL;

	(void)state;
	exec_sql("foreign.db", "CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine')");
	assert_int_equal(open_store("foreign.db", 0, &st, &err), -1);
	assert_non_null(strstr(err.message, "not an rdswatch history file"));
	err_clear(&err);
	assert_int_equal(pragma("foreign.db", "SELECT count(*) FROM sqlite_master"), 1);
	assert_int_equal(pragma("foreign.db", "PRAGMA user_version"), 0);
}

/* A file written before a field existed (here: sessions without
 * "query"): readers see the field as absent, a writer adds the column,
 * and what was there stays. */
static void
test_schema_older_columns_added(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	struct snapshot s;

	(void)state;
	write_session("older.db", "SELECT 1");
	exec_sql("older.db", "ALTER TABLE sessions_v DROP COLUMN query");
	assert_int_equal(pragma("older.db", "SELECT count(*) FROM pragma_table_info('sessions_v') "
	    "WHERE name = 'query'"), 0);

	assert_int_equal(open_store("older.db", 1, &st, &err), 0);
	assert_int_equal(store_snapshot_at(st, time_now_ms(), NULL, &s, &err), 0);
	assert_int_equal(s.kinds[M_SESSION].n, 1);
	assert_null(((struct m_session *)s.kinds[M_SESSION].items)->query);
	assert_string_equal(((struct m_session *)s.kinds[M_SESSION].items)->user, "app");
	snapshot_free(&s);
	store_close(st);

	write_session("older.db", "SELECT 2");
	assert_int_equal(pragma("older.db", "SELECT count(*) FROM pragma_table_info('sessions_v') "
	    "WHERE name = 'query'"), 1);
	assert_int_equal(pragma("older.db", "SELECT count(*) FROM sessions_v WHERE user = 'app'"), 2);
}

static int
step_v2(sqlite3 *db, struct rw_error *err)
{
	return store_schema_exec(db, "CREATE TABLE added_in_v2 (x INTEGER)", err);
}

static int
step_v3_fails(sqlite3 *db, struct rw_error *err)
{
	if (store_schema_exec(db, "CREATE TABLE half_done (x INTEGER)", err) != 0)
		return -1;
	return store_schema_exec(db, "THIS IS NOT SQL", err);
}

/* The migration runner itself, with a binary that knows a version 2 (and
 * one whose version 3 step fails half-way). */
static void
test_schema_migrations_both_ways(void **state)
{
	const struct store_migration v2[] = {
		store_migrations[0],
		{ 2, "a table", step_v2 },
	};
	const struct store_migration v3[] = {
		store_migrations[0],
		{ 2, "a table", step_v2 },
		{ 3, "broken", step_v3_fails },
	};
	struct rw_error err = RW_ERROR_INIT;
	sqlite3 *db;

	(void)state;
	write_session("mig.db", "SELECT 1");
	assert_int_equal(sqlite3_open(path_of("mig.db"), &db), SQLITE_OK);

	/* Newer binary: upgrades 1 -> 2. */
	assert_int_equal(store_schema_migrate(db, "mig.db", v2, 2, 1, &err), 0);
	assert_int_equal(store_schema_version(db), 2);
	assert_int_equal(sqlite3_exec(db, "SELECT x FROM added_in_v2", NULL, NULL, NULL), SQLITE_OK);

	/* The real (older) binary refuses it, reading or writing. */
	for (int writable = 0; writable <= 1; writable++) {
		assert_int_equal(store_schema_migrate(db, "mig.db", store_migrations,
		    store_nmigrations, writable, &err), -1);
		assert_non_null(strstr(err.message, "newer rdswatch"));
		err_clear(&err);
	}

	/* A step that fails leaves the file as it was. */
	assert_int_equal(store_schema_migrate(db, "mig.db", v3, 3, 1, &err), -1);
	err_clear(&err);
	assert_int_equal(store_schema_version(db), 2);
	assert_int_not_equal(sqlite3_exec(db, "SELECT x FROM half_done", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Every exception in the policy names a real field, and metric records
 * still have exactly the fields their compact layout stores. */
static void
test_schema_policy_and_metric_layout(void **state)
{
	static const char *const metric[] = { "instance", "name", "time", "value", "unit", "period_s" };

	(void)state;
	for (int k = 0; k < M_KIND_COUNT; k++)
		assert_non_null(store_policy_get((enum m_kind)k)->table);
	assert_int_equal(m_metric_type.nfields, 6);
	for (size_t i = 0; i < 6; i++)
		assert_non_null(m_field_find(&m_metric_type, metric[i]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_new_file),
		cmocka_unit_test(test_schema_newer_file_refused),
		cmocka_unit_test(test_schema_foreign_file_refused),
		cmocka_unit_test(test_schema_older_columns_added),
		cmocka_unit_test(test_schema_migrations_both_ways),
		cmocka_unit_test(test_schema_policy_and_metric_layout),
	};

	return cmocka_run_group_tests(tests, store_tmp_setup, store_tmp_teardown);
}
