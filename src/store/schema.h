/* The history file's schema: tables generated from the field tables
 * (columns named after the fields, natural keys from M_KEY), explicit
 * numbered migrations, and the version in the file (PRAGMA user_version).
 *
 * A newer binary upgrades an older file: numbered migrations for changes
 * of shape, and, because records only ever gain fields, a column added to
 * records.h is added to the file's table (ALTER TABLE ADD COLUMN) without
 * a new version; readers skip columns a file does not have yet. An older
 * binary refuses a file whose version is newer than it knows. */
#ifndef RW_STORE_SCHEMA_H
#define RW_STORE_SCHEMA_H

#include <stdint.h>

#include <sqlite3.h>

#include "core/err.h"
#include "model/records.h"

#define STORE_SCHEMA_VERSION 1
#define STORE_APPLICATION_ID 0x52445357	/* "RDSW" */

struct store_migration {
	int version;		/* the version the file has after this step */
	const char *what;
	int (*apply)(sqlite3 *db, struct rw_error *err);
};

/* The binary's migrations, oldest first. */
extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;

/* Which fields have a column in this file (bit i: field i of the kind). */
struct store_schema {
	uint64_t present[M_KIND_COUNT];
};

/* Checks that DB is an rdswatch history (or empty), refuses one newer than
 * STEPS know, and when WRITABLE applies the missing steps and columns in
 * one transaction. NAME is the file for messages. Returns 0, or -1 with
 * ERR set. */
int store_schema_migrate(sqlite3 *db, const char *name, const struct store_migration *steps,
    size_t nsteps, int writable, struct rw_error *err);
/* The file's version (user_version), or -1. */
int store_schema_version(sqlite3 *db);
/* Fills S from the file's tables. */
int store_schema_load(sqlite3 *db, struct store_schema *s, struct rw_error *err);
int store_schema_has(const struct store_schema *s, enum m_kind kind, int field);

/* Runs SQL (several statements). Returns 0, or -1 with ERR set. */
int store_schema_exec(sqlite3 *db, const char *sql, struct rw_error *err);
/* Sets ERR from DB's last error, naming OPERATION. Returns -1. */
int store_schema_error(sqlite3 *db, const char *operation, struct rw_error *err);

/* The table of a state kind's field: "" (interval), "_v" or "_s". */
const char *store_schema_field_suffix(enum m_kind kind, int field);

#endif
