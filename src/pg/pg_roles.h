/* The roles of one server's sessions, cached: who is a superuser and who
 * is a member of rds_superuser (by pg_has_role - never by name), and
 * whether a role is the provider's own (rdsadmin, the bootstrap superuser
 * on RDS and Aurora).
 *
 * Only the roles sessions show are looked up, through functions that use
 * the server's syscache (pg_get_userbyid, pg_has_role, to_regrole):
 * reading the pg_roles view opens pg_authid, after which the serving
 * backend pays about 200 page faults per pg_stat_get_activity snapshot
 * for the rest of its life (measured: 2.8 -> 7 ms per poll at 500
 * sessions, 7 -> 24 ms at 2,000; bench/RESULTS.md). Entries are read when
 * a session shows a role oid the cache does not know, and all of them
 * again every PG_ROLES_REFRESH_MS, since membership rarely changes. */
#ifndef RW_PG_PG_ROLES_H
#define RW_PG_PG_ROLES_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "core/buf.h"

#define PG_ROLES_REFRESH_MS (5 * 60 * 1000)

struct pg_role {
	uint32_t oid;
	char *name;		/* sanitized */
	int superuser;		/* rolsuper (or can act as the bootstrap superuser) */
	int rds_superuser;	/* -1 when the server has no rds_superuser role */
	int provider_owned;
};

struct pg_roles {
	struct pg_role *v;	/* sorted by oid */
	size_t n;
	int64_t loaded_at;	/* time_mono_ms of the last full refresh, 0: never */
	uint32_t *missing;	/* oids the server did not know (dropped roles) */
	size_t nmissing;
};

/* Appends to SQL the query for the roles OIDS (N of them). Columns: oid,
 * name, superuser, member of rds_superuser (NULL when there is no such
 * role); roles the server does not know are left out. */
void pg_roles_sql(struct buf *sql, const uint32_t *oids, size_t n);
/* Adds RES's rows (a result of pg_roles_sql for OIDS) to the cache; oids
 * without a row are remembered as missing. Returns 0, or -1 when RES does
 * not have its shape. */
int pg_roles_add(struct pg_roles *r, const PGresult *res, const uint32_t *oids, size_t n);
const struct pg_role *pg_roles_find(const struct pg_roles *r, uint32_t oid);
/* Whether OID is known missing (not worth asking again before the next
 * refresh). */
int pg_roles_missing(const struct pg_roles *r, uint32_t oid);
/* Empties the cache when a refresh is due (and marks the refresh). */
void pg_roles_expire(struct pg_roles *r, int64_t now);
void pg_roles_free(struct pg_roles *r);

#endif
