/* What the store's unit tests share: a scratch directory for history
 * files, removed afterwards, and a look into a file with plain SQLite. */
#ifndef RW_TESTS_UNIT_STORE_TMP_H
#define RW_TESTS_UNIT_STORE_TMP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"

static char store_tmp_dir[] = "/tmp/rdswatch-store-test-XXXXXX";

static inline int
store_tmp_setup(void **state)
{
	(void)state;
	return mkdtemp(store_tmp_dir) != NULL ? 0 : -1;
}

static inline int
store_tmp_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", store_tmp_dir);
	return system(cmd);
}

/* NAME in the scratch directory (four results live at a time). */
static inline char *
store_tmp_path(const char *name)
{
	static char buf[4][256];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 256, "%s/%s", store_tmp_dir, name);
	return p;
}

/* The history file NAME in the scratch directory, opened (READONLY: for
 * reading only), or NULL after saying why on stderr. */
static inline struct store *
store_tmp_open(const char *name, int readonly)
{
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st = NULL;

	store_options_init(&o);
	o.path = store_tmp_path(name);
	o.readonly = readonly;
	if (store_open(&st, &o, &err) != 0) {
		fprintf(stderr, "store_open: %s\n", err.message);
		err_clear(&err);
		return NULL;
	}
	return st;
}

/* The first column of the first row SQL gives on file NAME, or -1. */
static inline int64_t
store_tmp_query(const char *name, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_open_v2(store_tmp_path(name), &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

#endif
