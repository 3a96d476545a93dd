/* The roles of one server, cached: who is a superuser (rolsuper, or a
 * member of rds_superuser by pg_has_role - never by name) and whether a
 * role is the provider's own (rdsadmin). Membership rarely changes, so
 * the cache is read every PG_ROLES_REFRESH_MS, or at once when a session
 * shows a role oid it does not know. */
#ifndef RW_PG_PG_ROLES_H
#define RW_PG_PG_ROLES_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#define PG_ROLES_REFRESH_MS (5 * 60 * 1000)

struct pg_role {
	uint32_t oid;
	char *name;		/* sanitized */
	int rolsuper;
	int rds_superuser;	/* -1 when the server has no rds_superuser role */
	int provider_owned;
};

struct pg_roles {
	struct pg_role *v;	/* sorted by oid */
	size_t n;
	int64_t loaded_at;	/* time_mono_ms, 0: never */
	uint32_t *missing;	/* oids a refresh did not find (dropped roles) */
	size_t nmissing;
};

/* Columns: oid, rolname, rolsuper, member of rds_superuser (NULL when
 * there is no such role). */
extern const char pg_roles_sql[];

/* Replaces the cache with RES (a result of pg_roles_sql). Returns 0, or
 * -1 when RES does not have its shape. */
int pg_roles_load(struct pg_roles *r, const PGresult *res, int64_t now);
const struct pg_role *pg_roles_find(const struct pg_roles *r, uint32_t oid);
int pg_roles_stale(const struct pg_roles *r, int64_t now);
/* Oids of sessions whose role a fresh read did not find: not worth
 * another read until the next refresh. */
void pg_roles_note_missing(struct pg_roles *r, uint32_t oid);
int pg_roles_missing(const struct pg_roles *r, uint32_t oid);
void pg_roles_free(struct pg_roles *r);

#endif
