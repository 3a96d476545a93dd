#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "pg/pg_roles.h"

/* The provider's own superuser on RDS and Aurora: shown, but expected. */
#define PG_ROLES_PROVIDER "rdsadmin"
/* BOOTSTRAP_SUPERUSERID: the role initdb creates (rdsadmin on RDS). */
#define PG_ROLES_BOOTSTRAP 10u

void
pg_roles_sql(struct buf *sql, const uint32_t *oids, size_t n)
{
	/* pg_has_role(o, 10, 'USAGE') is true for every superuser (and for
	 * a role that can SET ROLE to the bootstrap superuser, which is as
	 * good as one). The WHERE keeps dropped roles away from pg_has_role,
	 * which would fail on them. */
	buf_append_str(sql, "SELECT o, pg_get_userbyid(o), pg_has_role(o, 10::oid, 'USAGE'), "
	    "pg_has_role(o, to_regrole('rds_superuser'), 'MEMBER') FROM unnest('{");
	for (size_t i = 0; i < n; i++)
		buf_printf(sql, "%s%u", i ? "," : "", oids[i]);
	buf_append_str(sql, "}'::oid[]) o WHERE pg_get_userbyid(o) <> 'unknown (OID=' || o || ')'");
}

void
pg_roles_free(struct pg_roles *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].name);
	free(r->v);
	free(r->missing);
	r->v = NULL;
	r->n = 0;
	r->missing = NULL;
	r->nmissing = 0;
}

void
pg_roles_expire(struct pg_roles *r, int64_t now)
{
	if (r->loaded_at != 0 && now - r->loaded_at < PG_ROLES_REFRESH_MS)
		return;
	pg_roles_free(r);
	r->loaded_at = now > 0 ? now : 1;
}

static int
pg_roles_cmp(const void *a, const void *b)
{
	const struct pg_role *x = a, *y = b;

	return (x->oid > y->oid) - (x->oid < y->oid);
}

static void
pg_roles_note_missing(struct pg_roles *r, uint32_t oid)
{
	if (pg_roles_missing(r, oid) || r->nmissing >= 1024)
		return;
	r->missing = xreallocarray(r->missing, r->nmissing + 1, sizeof *r->missing);
	r->missing[r->nmissing++] = oid;
}

int
pg_roles_add(struct pg_roles *r, const PGresult *res, const uint32_t *oids, size_t n)
{
	int rows = PQntuples(res);

	if (PQnfields(res) != 4)
		return -1;
	r->v = xreallocarray(r->v, r->n + (size_t)rows + 1, sizeof *r->v);
	for (int i = 0; i < rows; i++) {
		uint32_t oid = (uint32_t)strtoul(PQgetvalue(res, i, 0), NULL, 10);
		const char *name = PQgetvalue(res, i, 1);
		struct pg_role *role = &r->v[r->n++];

		role->oid = oid;
		role->name = sanitize_mem(name, (size_t)PQgetlength(res, i, 1));
		role->superuser = PQgetvalue(res, i, 2)[0] == 't';
		role->rds_superuser = PQgetisnull(res, i, 3) ? -1 : PQgetvalue(res, i, 3)[0] == 't';
		role->provider_owned = oid == PG_ROLES_BOOTSTRAP && strcmp(name, PG_ROLES_PROVIDER) == 0;
	}
	/* The caller asks only for oids not in the cache: no duplicates. */
	if (r->n > 1)
		qsort(r->v, r->n, sizeof *r->v, pg_roles_cmp);
	for (size_t i = 0; i < n; i++) {
		if (pg_roles_find(r, oids[i]) == NULL)
			pg_roles_note_missing(r, oids[i]);
	}
	return 0;
}

const struct pg_role *
pg_roles_find(const struct pg_roles *r, uint32_t oid)
{
	struct pg_role key = { oid, NULL, 0, 0, 0 };

	if (r->n == 0)
		return NULL;
	return bsearch(&key, r->v, r->n, sizeof *r->v, pg_roles_cmp);
}

int
pg_roles_missing(const struct pg_roles *r, uint32_t oid)
{
	for (size_t i = 0; i < r->nmissing; i++) {
		if (r->missing[i] == oid)
			return 1;
	}
	return 0;
}
