#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "pg/pg_roles.h"

/* The provider's own superuser on RDS and Aurora: shown, but expected. */
#define PG_ROLES_PROVIDER "rdsadmin"

const char pg_roles_sql[] =
    "SELECT r.oid, r.rolname, r.rolsuper, pg_has_role(r.oid, rs.oid, 'MEMBER') "
    "FROM pg_roles r LEFT JOIN pg_roles rs ON rs.rolname = 'rds_superuser' "
    "ORDER BY r.oid";

void
pg_roles_free(struct pg_roles *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].name);
	free(r->v);
	free(r->missing);
	memset(r, 0, sizeof *r);
}

static int
pg_roles_cmp(const void *a, const void *b)
{
	const struct pg_role *x = a, *y = b;

	return (x->oid > y->oid) - (x->oid < y->oid);
}

int
pg_roles_load(struct pg_roles *r, const PGresult *res, int64_t now)
{
	int rows = PQntuples(res);

	if (PQnfields(res) != 4)
		return -1;
	pg_roles_free(r);
	r->v = rows > 0 ? xcalloc((size_t)rows, sizeof *r->v) : NULL;
	for (int i = 0; i < rows; i++) {
		struct pg_role *role = &r->v[r->n++];
		const char *name = PQgetvalue(res, i, 1);

		role->oid = (uint32_t)strtoul(PQgetvalue(res, i, 0), NULL, 10);
		role->name = sanitize_mem(name, (size_t)PQgetlength(res, i, 1));
		role->rolsuper = PQgetvalue(res, i, 2)[0] == 't';
		role->rds_superuser = PQgetisnull(res, i, 3) ? -1 : PQgetvalue(res, i, 3)[0] == 't';
		role->provider_owned = role->rolsuper && strcmp(name, PG_ROLES_PROVIDER) == 0;
	}
	/* Sorted by the query already; sort again rather than trust it. */
	if (r->n > 1)
		qsort(r->v, r->n, sizeof *r->v, pg_roles_cmp);
	r->loaded_at = now > 0 ? now : 1;
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
pg_roles_stale(const struct pg_roles *r, int64_t now)
{
	return r->loaded_at == 0 || now - r->loaded_at >= PG_ROLES_REFRESH_MS;
}

void
pg_roles_note_missing(struct pg_roles *r, uint32_t oid)
{
	if (pg_roles_missing(r, oid) || r->nmissing >= 1024)
		return;
	r->missing = xreallocarray(r->missing, r->nmissing + 1, sizeof *r->missing);
	r->missing[r->nmissing++] = oid;
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
