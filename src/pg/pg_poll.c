#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/fnv.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg/pg_mask.h"
#include "pg/pg_poll.h"

/* Times travel as epoch milliseconds: cheaper for the server than text
 * timestamps and nothing to parse here. */
#define PG_MS(x) "(date_part('epoch', " x ") * 1000)::int8"

static const char pg_poll_sql_head[] =
    /* 1. health */
    "SELECT current_setting('server_version'), current_user, "
    "pg_has_role('pg_read_all_stats', 'USAGE'), "
    "current_setting('max_connections')::int, "
    "current_setting('superuser_reserved_connections')::int, "
    "pg_is_in_recovery(), "
    "(SELECT has_schema_privilege('public', n.oid, 'CREATE') FROM pg_namespace n "
    "WHERE n.nspname = 'public'), "
    PG_MS("clock_timestamp()") ", "
    "current_setting('standard_conforming_strings');\n"
    /* 2. databases and their transaction ID age */
    "SELECT oid, datname, age(datfrozenxid) FROM pg_database;\n"
    /* 3. client backends, idle ones too; a role without pg_monitor sees
     * other users' backends with NULL backend_type and most columns. One
     * call of the function (the CTE is read twice, computed once). */
    "WITH a AS (SELECT pid, usesysid, datid, application_name, client_addr, client_port, "
    "backend_start, xact_start, query_start, state_change, state, wait_event_type, "
    "wait_event, ssl, sslversion, sslcipher, sslbits, query, backend_type IS NULL AS insuff, "
    "(state LIKE 'idle%%' AND wait_event = 'ClientRead' AND "
    "state_change < to_timestamp(%lld / 1000.0) AND "
    "backend_start < to_timestamp(%lld / 1000.0)) IS TRUE AS steady "
    "FROM pg_stat_get_activity(NULL) "
    "WHERE backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL)) "
    "SELECT pid, usesysid, datid, application_name, client_addr, client_port, "
    PG_MS("backend_start") ", " PG_MS("xact_start") ", " PG_MS("query_start") ", "
    PG_MS("state_change") ", state, wait_event_type, wait_event, "
    "CASE WHEN wait_event_type = 'Lock' THEN pg_blocking_pids(pid) END, "
    "ssl, sslversion, sslcipher, sslbits, query, insuff, NULL FROM a WHERE NOT steady "
    /* the steady ones: "pid start pid start ..." in one row, pid NULL */
    "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "string_agg(pid::text || ' ' || " PG_MS("backend_start") "::text, ' ') "
    "FROM a WHERE steady;\n";

static const char pg_poll_sql_tail[] =
    /* 4. replication slots and the WAL they hold back */
    "SELECT slot_name, slot_type, plugin, database, active, "
    "(CASE WHEN pg_is_in_recovery() "
    "THEN pg_wal_lsn_diff(pg_last_wal_replay_lsn(), restart_lsn) "
    "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) END)::int8 "
    "FROM pg_replication_slots;\n"
    /* 5. settings (domain.md section 3) */
    "SELECT name, setting FROM pg_settings WHERE name IN ('ssl', 'ssl_min_protocol_version', "
    "'password_encryption', 'log_connections', 'log_disconnections', 'log_statement', "
    "'shared_preload_libraries', 'rds.force_ssl', 'max_connections', "
    "'superuser_reserved_connections', 'log_min_duration_statement', 'track_activity_query_size')";

void
pg_poll_sql(struct buf *out, int64_t steady_before)
{
	buf_reset(out);
	buf_printf(out, pg_poll_sql_head, (long long)steady_before, (long long)steady_before);
	buf_append_str(out, pg_poll_sql_tail);
}

int
pg_poll_kept_next(const char **cursor, int64_t *pid, int64_t *start)
{
	const char *v = *cursor;
	char *end;
	long long x, y;

	while (*v == ' ')
		v++;
	if (*v == '\0')
		return 0;
	if (*v < '0' || *v > '9')
		return -1;
	x = strtoll(v, &end, 10);
	if (*end != ' ' || end[1] < '0' || end[1] > '9')
		return -1;
	y = strtoll(end + 1, &end, 10);
	if (*end != ' ' && *end != '\0')
		return -1;
	*pid = x;
	*start = y;
	*cursor = end;
	return 1;
}

enum { R_HEALTH, R_DATABASES, R_SESSIONS, R_SLOTS, R_SETTINGS, R_COUNT };

enum {
	S_PID, S_USESYSID, S_DATID, S_APP, S_ADDR, S_PORT, S_BACKEND_START, S_XACT_START,
	S_QUERY_START, S_STATE_CHANGE, S_STATE, S_WAIT_TYPE, S_WAIT, S_BLOCKED_BY, S_SSL,
	S_SSL_VERSION, S_SSL_CIPHER, S_SSL_BITS, S_QUERY, S_INSUFFICIENT, S_KEPT, S_NCOLS
};

static const int pg_poll_ncols[R_COUNT] = { 9, 3, S_NCOLS, 6, 2 };

void
pg_poller_init(struct pg_poller *p, const char *instance, size_t query_max, int mask_literals)
{
	memset(p, 0, sizeof *p);
	p->instance = sanitize_str(instance);
	p->query_max = query_max;
	p->mask_literals = mask_literals;
	p->name_unchanged = 1;
	p->settle_ms = PG_POLL_SETTLE_MS;
	buf_init(&p->scratch);
	buf_init(&p->sql);
	pg_seen_init(&p->seen);
	pg_seen_init(&p->next);
}

void
pg_poller_free(struct pg_poller *p)
{
	free(p->instance);
	pg_roles_free(&p->roles);
	buf_free(&p->scratch);
	buf_free(&p->sql);
	pg_seen_free(&p->seen);
	pg_seen_free(&p->next);
	memset(p, 0, sizeof *p);
}

static int64_t
pg_poll_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? M_INT_NONE : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int64_t
pg_poll_time(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int
pg_poll_tri(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? M_TRI_UNKNOWN : PQgetvalue(r, row, col)[0] == 't';
}

static void
pg_poll_str(char **field, const PGresult *r, int row, int col)
{
	if (!PQgetisnull(r, row, col))
		m_str_setn(field, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

/* Databases by oid (sanitized names), from result 2. */
struct pg_poll_db {
	uint32_t oid;
	char *name;
};

static int
pg_poll_db_cmp(const void *a, const void *b)
{
	const struct pg_poll_db *x = a, *y = b;

	return (x->oid > y->oid) - (x->oid < y->oid);
}

static const char *
pg_poll_db_name(const struct pg_poll_db *dbs, size_t n, uint32_t oid)
{
	struct pg_poll_db key = { oid, NULL };
	const struct pg_poll_db *d = n > 0 ? bsearch(&key, dbs, n, sizeof *dbs, pg_poll_db_cmp) : NULL;

	return d != NULL ? d->name : NULL;
}

static void
pg_poll_session_role(struct m_session *s, const struct pg_role *role)
{
	free(s->user);
	s->user = xstrdup(role->name);	/* sanitized once, in the cache */
	if (role->superuser) {
		s->superuser = 1;
		m_str_set(&s->superuser_via, "rolsuper");
	} else if (role->rds_superuser == 1) {
		s->superuser = 1;
		m_str_set(&s->superuser_via, "rds_superuser");
	} else {
		s->superuser = 0;
	}
	s->provider_owned = role->provider_owned;
}

/* "{12,34}" -> "12", "34". */
static void
pg_poll_pids(struct m_list *l, const char *v)
{
	while (*v != '\0') {
		const char *end;

		v += strspn(v, "{},");
		end = v + strspn(v, "0123456789");
		if (end == v)
			break;
		{
			char pid[16];
			size_t n = (size_t)(end - v) < sizeof pid - 1 ? (size_t)(end - v) : sizeof pid - 1;

			memcpy(pid, v, n);
			pid[n] = '\0';
			m_list_add(l, pid);
		}
		v = end;
	}
}

struct pg_poll_sessions_out {
	size_t count;
	size_t insufficient;
	int64_t oldest_xact;	/* ms, 0 none */
	int64_t oldest_pid;
	/* Sessions of roles not in the cache (allocated when one is seen). */
	size_t *unknown_idx;
	uint32_t *unknown_oid;
	size_t nunknown;
	/* Sessions made into records: their key and row hash, to be
	 * remembered with the record's content hash once it is complete. */
	uint64_t *made_key;
	uint64_t *made_row;
	int64_t *made_pid;
	int64_t *made_start;
	size_t nmade;
	/* Steady sessions the server left out, as the last poll saw them. */
	const struct pg_seen_entry **kept;
	size_t nkept;
};

/* What a session's record is made from: the row, the name of its
 * database, and how queries are masked. Its role's name and flags come
 * from the role cache: a poll after the cache was refreshed names none. */
static uint64_t
pg_poll_row_hash(const PGresult *r, int row, const char *db, unsigned mask_flags,
    size_t query_max)
{
	uint64_t h = FNV_OFFSET;
	int ncols = PQnfields(r);

	for (int c = 0; c < ncols; c++) {
		int len = PQgetisnull(r, row, c) ? -1 : PQgetlength(r, row, c);

		h = fnv_add(h, &len, sizeof len);
		if (len > 0)
			h = fnv_add(h, PQgetvalue(r, row, c), (size_t)len);
	}
	if (db != NULL)
		h = fnv_add(h, db, strlen(db) + 1);
	h = fnv_add(h, &mask_flags, sizeof mask_flags);
	return fnv_add(h, &query_max, sizeof query_max);
}

/* The session's m_key_hash, from the row. */
static uint64_t
pg_poll_session_key(const char *instance, int64_t pid, int64_t backend_start)
{
	struct m_session k;

	m_init(m_kind_type(M_SESSION), &k);
	k.instance = (char *)instance;	/* read only by the hash */
	k.pid = pid;
	k.backend_start = backend_start;
	return m_key_hash(m_kind_type(M_SESSION), &k);
}

/* The session is as the last poll saw it (WAS): named in the batch, not
 * made again. Returns 0 (and does nothing) if this poll has named it
 * already. */
static int
pg_poll_name_seen(struct pg_poller *p, struct batch *b, struct pg_poll_sessions_out *o,
    const struct pg_seen_entry *was)
{
	int added;
	struct pg_seen_entry *e = pg_seen_put(&p->next, was->pid, was->start, &added);

	if (!added)
		return 0;
	*e = *was;
	batch_same_add(b, M_SESSION, was->key, was->content);
	o->insufficient += was->insufficient != 0;
	if (was->xact_start != 0 && (o->oldest_xact == 0 || was->xact_start < o->oldest_xact)) {
		o->oldest_xact = was->xact_start;
		o->oldest_pid = was->pid;
	}
	return 1;
}

/* The list of steady sessions the server left out: the value of the
 * session row whose pid is NULL ("" when none); NULL if that row is
 * missing. */
static const char *
pg_poll_kept_list(const PGresult *r)
{
	for (int i = PQntuples(r) - 1; i >= 0; i--) {
		if (PQgetisnull(r, i, S_PID))
			return PQgetisnull(r, i, S_KEPT) ? "" : PQgetvalue(r, i, S_KEPT);
	}
	return NULL;
}

/* Reads the KEPT list into O: 0 if the last poll saw every one of them
 * steady (so they can be named), -1 if not (or the list is garbled). */
static int
pg_poll_kept_read(const struct pg_poller *p, const char *kept, struct pg_poll_sessions_out *o)
{
	size_t cap = 0;
	int64_t pid, start;
	int rc;

	while ((rc = pg_poll_kept_next(&kept, &pid, &start)) > 0) {
		const struct pg_seen_entry *e = pg_seen_find(&p->seen, pid, start);

		if (e == NULL || !e->steady)
			return -1;
		if (o->nkept == cap) {
			cap = cap ? cap * 2 : p->seen.n + 16;
			o->kept = xreallocarray(o->kept, cap, sizeof *o->kept);
		}
		o->kept[o->nkept++] = e;
	}
	return rc == 0 ? 0 : -1;
}

/* Rows become sessions; rdswatch's own backend counts as a connection
 * but is no session to watch (its query is this poll). */
static void
pg_poll_sessions(struct pg_poller *p, const PGresult *r, const struct pg_poll_db *dbs,
    size_t ndbs, unsigned mask_flags, int self_pid, int name, struct batch *b,
    struct pg_poll_sessions_out *o)
{
	int rows = PQntuples(r);

	pg_seen_reset(&p->next, (size_t)rows + o->nkept);
	o->made_key = xreallocarray(NULL, (size_t)rows + 1, sizeof *o->made_key);
	o->made_row = xreallocarray(NULL, (size_t)rows + 1, sizeof *o->made_row);
	o->made_pid = xreallocarray(NULL, (size_t)rows + 1, sizeof *o->made_pid);
	o->made_start = xreallocarray(NULL, (size_t)rows + 1, sizeof *o->made_start);
	for (int i = 0; i < rows; i++) {
		struct m_session *s;
		const struct pg_role *role;
		const struct pg_seen_entry *was;
		const char *db;
		uint32_t roleid;
		int unknown;
		int64_t pid = pg_poll_int(r, i, S_PID), start;
		uint64_t row;

		if (PQgetisnull(r, i, S_PID))
			continue;	/* the kept list */
		o->count++;
		if (pid == self_pid)
			continue;
		roleid = (uint32_t)strtoul(PQgetvalue(r, i, S_USESYSID), NULL, 10);
		role = pg_roles_find(&p->roles, roleid);
		unknown = role == NULL && !PQgetisnull(r, i, S_USESYSID) &&
		    !pg_roles_missing(&p->roles, roleid);
		db = pg_poll_db_name(dbs, ndbs, (uint32_t)strtoul(PQgetvalue(r, i, S_DATID), NULL, 10));
		start = pg_poll_time(r, i, S_BACKEND_START);
		row = pg_poll_row_hash(r, i, db, mask_flags, p->query_max);
		if (name && (was = pg_seen_find(&p->seen, pid, start)) != NULL && was->row == row &&
		    pg_poll_name_seen(p, b, o, was))
			continue;
		o->made_key[o->nmade] = pg_poll_session_key(p->instance, pid, start);
		o->made_pid[o->nmade] = pid;
		o->made_start[o->nmade] = start;
		o->made_row[o->nmade++] = row;
		s = batch_add(b, M_SESSION);

		s->instance = xstrdup(p->instance);
		s->pid = pg_poll_int(r, i, S_PID);
		if (role != NULL) {
			pg_poll_session_role(s, role);
		} else if (unknown) {
			if (o->unknown_idx == NULL) {
				/* Room for every row: after a refresh all are new. */
				o->unknown_idx = xreallocarray(NULL, (size_t)rows, sizeof(size_t));
				o->unknown_oid = xreallocarray(NULL, (size_t)rows, sizeof(uint32_t));
			}
			o->unknown_idx[o->nunknown] = b->kinds[M_SESSION].n - 1;
			o->unknown_oid[o->nunknown++] = roleid;
		}
		if (db != NULL)
			s->database = xstrdup(db);
		pg_poll_str(&s->application_name, r, i, S_APP);
		pg_poll_str(&s->client_addr, r, i, S_ADDR);
		s->client_port = pg_poll_int(r, i, S_PORT);
		s->backend_start = pg_poll_time(r, i, S_BACKEND_START);
		s->xact_start = pg_poll_time(r, i, S_XACT_START);
		s->query_start = pg_poll_time(r, i, S_QUERY_START);
		s->state_change = pg_poll_time(r, i, S_STATE_CHANGE);
		pg_poll_str(&s->state, r, i, S_STATE);
		pg_poll_str(&s->wait_event_type, r, i, S_WAIT_TYPE);
		pg_poll_str(&s->wait_event, r, i, S_WAIT);
		if (!PQgetisnull(r, i, S_BLOCKED_BY))
			pg_poll_pids(&s->blocked_by, PQgetvalue(r, i, S_BLOCKED_BY));
		s->ssl = pg_poll_tri(r, i, S_SSL);
		pg_poll_str(&s->ssl_version, r, i, S_SSL_VERSION);
		pg_poll_str(&s->ssl_cipher, r, i, S_SSL_CIPHER);
		s->ssl_bits = pg_poll_int(r, i, S_SSL_BITS);
		s->insufficient_privilege = PQgetvalue(r, i, S_INSUFFICIENT)[0] == 't';
		if (s->insufficient_privilege) {
			o->insufficient++;
		} else if (!PQgetisnull(r, i, S_QUERY) && p->query_max > 0) {
			buf_reset(&p->scratch);
			pg_mask_query(&p->scratch, PQgetvalue(r, i, S_QUERY),
			    (size_t)PQgetlength(r, i, S_QUERY), p->query_max, mask_flags);
			m_str_setn(&s->query, p->scratch.data, p->scratch.len);
		}
		if (s->xact_start != 0 && (o->oldest_xact == 0 || s->xact_start < o->oldest_xact)) {
			o->oldest_xact = s->xact_start;
			o->oldest_pid = s->pid;
		}
	}
	for (size_t i = 0; i < o->nkept; i++) {
		o->count++;
		pg_poll_name_seen(p, b, o, o->kept[i]);
	}
}

static int
pg_poll_oid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Sessions whose role was not in the cache: those roles are read (a
 * second round trip: when new roles appear, and once per refresh) and
 * the sessions completed. */
static int
pg_poll_fill_roles(struct pg_poller *p, struct pg_conn *c, struct batch *b,
    const struct pg_poll_sessions_out *o, int64_t deadline, struct rw_error *err)
{
	uint32_t *oids = xreallocarray(NULL, o->nunknown, sizeof(uint32_t));
	size_t n = 0, nres;

	memcpy(oids, o->unknown_oid, o->nunknown * sizeof *oids);
	PGresult *res[1];
	int rc = -1;

	qsort(oids, o->nunknown, sizeof *oids, pg_poll_oid_cmp);
	for (size_t i = 0; i < o->nunknown; i++) {
		if (n == 0 || oids[n - 1] != oids[i])
			oids[n++] = oids[i];
	}
	log_debug(LOG_PG, "%s: reading %zu roles", p->instance, n);
	buf_reset(&p->scratch);
	pg_roles_sql(&p->scratch, oids, n);
	if (pg_conn_query(c, p->scratch.data, res, 1, &nres, deadline, err) != 0)
		goto out;
	if (nres != 1 || pg_roles_add(&p->roles, res[0], oids, n) != 0) {
		pg_conn_results_clear(res, nres);
		err_set(err, ERR_PARSE, "postgresql", "query", "unexpected answer to the role query");
		goto out;
	}
	pg_conn_results_clear(res, nres);
	for (size_t i = 0; i < o->nunknown; i++) {
		const struct pg_role *role = pg_roles_find(&p->roles, o->unknown_oid[i]);

		/* A role dropped since its session started stays unknown. */
		if (role != NULL)
			pg_poll_session_role(m_vec_at(&b->kinds[M_SESSION], o->unknown_idx[i]), role);
	}
	rc = 0;
out:
	free(oids);
	return rc;
}

/* What the server's "steady" says, from the record: idle (in a
 * transaction or not) and waiting on the client. */
static int
pg_poll_steady(const struct m_session *s)
{
	return s->state != NULL && strncmp(s->state, "idle", 4) == 0 && s->wait_event != NULL &&
	    strcmp(s->wait_event, "ClientRead") == 0 && s->backend_start != 0 &&
	    s->state_change != 0;
}

/* The sessions this poll made into records join the ones it named: the
 * next poll compares its rows with them. A poll that was not to name any
 * (NAME 0) carried every session; the next such is due in
 * PG_POLL_FULL_MS. */
static void
pg_poll_remember(struct pg_poller *p, const struct batch *b, const struct pg_poll_sessions_out *o,
    int name)
{
	const struct m_vec *v = &b->kinds[M_SESSION];
	struct pg_seen swap;

	for (size_t i = 0; i < o->nmade && i < v->n; i++) {
		const struct m_session *s = m_vec_at(v, i);
		struct pg_seen_entry *e = pg_seen_put(&p->next, o->made_pid[i], o->made_start[i], NULL);

		e->key = o->made_key[i];
		e->row = o->made_row[i];
		e->content = m_content_hash(v->type, s);
		e->xact_start = s->xact_start;
		e->insufficient = s->insufficient_privilege == 1;
		e->steady = pg_poll_steady(s);
	}
	swap = p->seen;
	p->seen = p->next;
	p->next = swap;
	if (!name) {
		p->full_due = time_mono_ms() + PG_POLL_FULL_MS;
		p->roles_at = p->roles.loaded_at;
	}
}

int
pg_poller_poll(struct pg_poller *p, struct pg_conn *c, struct batch *b, int64_t deadline,
    struct rw_error *err)
{
	PGresult *res[R_COUNT], **r = res;
	size_t n, ndbs = 0;
	struct pg_poll_db *dbs = NULL;
	struct pg_poll_sessions_out so = { 0, 0, 0, M_INT_NONE, NULL, NULL, 0, NULL, NULL, NULL,
		NULL, 0, NULL, 0 };
	struct m_pg_health *h;
	int64_t max_age = M_INT_NONE, server_now;
	uint64_t settings;
	const char *max_age_db = NULL, *kept;
	unsigned mask_flags;
	int rows, name, steady, rc = -1;

	pg_roles_expire(&p->roles, time_mono_ms());
	name = p->name_unchanged && p->full_due != 0 && time_mono_ms() < p->full_due &&
	    p->roles.loaded_at == p->roles_at;
	steady = name && time_mono_ms() < p->scan_due && p->server_now > p->settle_ms;
again:
	/* Sessions steady since well before the last poll's snapshot are
	 * left out by the server (the margin covers a backend's delay
	 * between stamping state_change and publishing it). */
	pg_poll_sql(&p->sql, steady ? p->server_now - p->settle_ms : 0);
	if (pg_conn_query(c, p->sql.data, res, R_COUNT, &n, deadline, err) != 0)
		goto out;
	if (n != R_COUNT)
		goto shape;
	for (int k = 0; k < R_COUNT; k++) {
		if (PQnfields(r[k]) != pg_poll_ncols[k] || (k == R_HEALTH && PQntuples(r[k]) != 1))
			goto shape;
	}
	if ((kept = pg_poll_kept_list(r[R_SESSIONS])) == NULL)
		goto shape;
	so.nkept = 0;
	if (*kept != '\0' && !steady)
		goto shape;	/* none was to be left out: asking again would loop */
	if (*kept != '\0' && pg_poll_kept_read(p, kept, &so) != 0) {
		/* One this poller cannot name: ask again for every session. */
		log_debug(LOG_PG, "%s: a steady session not held as such; reading all", p->instance);
		pg_conn_results_clear(res, n);
		p->refetches++;
		so.nkept = 0;
		name = steady = 0;
		goto again;
	}
	p->kept = so.nkept;

	batch_cover(b, p->instance);

	/* Databases: names for sessions, and their xid ages. */
	rows = PQntuples(r[R_DATABASES]);
	dbs = rows > 0 ? xcalloc((size_t)rows, sizeof *dbs) : NULL;
	for (int i = 0; i < rows; i++) {
		struct m_xid_age *x = batch_add(b, M_XID_AGE);

		dbs[ndbs].oid = (uint32_t)strtoul(PQgetvalue(r[R_DATABASES], i, 0), NULL, 10);
		pg_poll_str(&x->database, r[R_DATABASES], i, 1);
		dbs[ndbs++].name = x->database;
		x->instance = xstrdup(p->instance);
		x->age = pg_poll_int(r[R_DATABASES], i, 2);
		x->observed_at = b->polled_at;
		if (x->age != M_INT_NONE && (max_age == M_INT_NONE || x->age > max_age)) {
			max_age = x->age;
			max_age_db = x->database;
		}
	}
	if (ndbs > 1)
		qsort(dbs, ndbs, sizeof *dbs, pg_poll_db_cmp);

	mask_flags = p->mask_literals ? PG_MASK_LITERALS : 0;
	if (strcmp(PQgetvalue(r[R_HEALTH], 0, 8), "off") == 0)
		mask_flags |= PG_MASK_BACKSLASH;
	pg_poll_sessions(p, r[R_SESSIONS], dbs, ndbs, mask_flags, PQbackendPID(c->conn), name, b,
	    &so);

	h = batch_add(b, M_PG_HEALTH);
	h->instance = xstrdup(p->instance);
	h->connected = 1;
	pg_poll_str(&h->server_version, r[R_HEALTH], 0, 0);
	pg_poll_str(&h->monitor_user, r[R_HEALTH], 0, 1);
	m_str_set(&h->tls_mode, c->params->sslmode);
	h->tls_verified = c->params->tls_verified && PQsslInUse(c->conn);
	/* Seeing one "<insufficient privilege>" row settles it, whatever the
	 * role's grants say. */
	h->has_pg_monitor = so.insufficient > 0 ? 0 : pg_poll_tri(r[R_HEALTH], 0, 2);
	h->connections = (int64_t)so.count;
	h->max_connections = pg_poll_int(r[R_HEALTH], 0, 3);
	h->reserved_connections = pg_poll_int(r[R_HEALTH], 0, 4);
	h->in_recovery = pg_poll_tri(r[R_HEALTH], 0, 5);
	h->public_schema_create = pg_poll_tri(r[R_HEALTH], 0, 6);
	server_now = pg_poll_time(r[R_HEALTH], 0, 7);
	p->server_now = server_now;
	if (so.oldest_xact != 0 && server_now != 0) {
		h->oldest_xact_age_s = (double)(server_now - so.oldest_xact) / 1000.0;
		h->oldest_xact_pid = so.oldest_pid;
	}
	h->max_xid_age = max_age;
	if (max_age_db != NULL)
		h->max_xid_age_database = xstrdup(max_age_db);
	h->observed_at = b->polled_at;

	rows = PQntuples(r[R_SLOTS]);
	for (int i = 0; i < rows; i++) {
		struct m_repl_slot *sl = batch_add(b, M_REPL_SLOT);

		sl->instance = xstrdup(p->instance);
		pg_poll_str(&sl->slot_name, r[R_SLOTS], i, 0);
		pg_poll_str(&sl->slot_type, r[R_SLOTS], i, 1);
		pg_poll_str(&sl->plugin, r[R_SLOTS], i, 2);
		pg_poll_str(&sl->database, r[R_SLOTS], i, 3);
		sl->active = pg_poll_tri(r[R_SLOTS], i, 4);
		sl->retained_wal_bytes = pg_poll_int(r[R_SLOTS], i, 5);
		sl->observed_at = b->polled_at;
	}

	/* Upserted, not "complete": the rds source's parameter-group values
	 * of the same instance stay. So they stay too when not given: a poll
	 * that leaves steady sessions out leaves out settings the last poll
	 * gave as they are (history would keep a version of each per poll). */
	rows = PQntuples(r[R_SETTINGS]);
	settings = FNV_OFFSET;
	for (int i = 0; i < rows; i++) {
		for (int col = 0; col < 2; col++)
			settings = fnv_add(settings, PQgetvalue(r[R_SETTINGS], i, col),
			    (size_t)PQgetlength(r[R_SETTINGS], i, col) + 1);
	}
	if (steady && settings == p->settings_hash)
		rows = 0;
	p->settings_hash = settings;
	for (int i = 0; i < rows; i++) {
		struct m_parameter *pa = batch_add(b, M_PARAMETER);

		pa->instance = xstrdup(p->instance);
		m_str_set(&pa->source, "pg_settings");
		pg_poll_str(&pa->name, r[R_SETTINGS], i, 0);
		pg_poll_str(&pa->value, r[R_SETTINGS], i, 1);
		pa->observed_at = b->polled_at;
	}
	free(dbs);
	pg_conn_results_clear(res, n);

	if (so.nunknown > 0 && pg_poll_fill_roles(p, c, b, &so, deadline, err) != 0)
		goto out;
	pg_poll_remember(p, b, &so, name);
	if (!steady)
		p->scan_due = time_mono_ms() + PG_POLL_SCAN_MS;
	batch_mark_complete(b, M_SESSION);
	batch_mark_complete(b, M_PG_HEALTH);
	batch_mark_complete(b, M_XID_AGE);
	batch_mark_complete(b, M_REPL_SLOT);
	rc = 0;
out:
	free(so.unknown_idx);
	free(so.unknown_oid);
	free(so.made_key);
	free(so.made_row);
	free(so.made_pid);
	free(so.made_start);
	free(so.kept);
	return rc;
shape:
	pg_conn_results_clear(res, n);
	err_set(err, ERR_PARSE, "postgresql", "query", "unexpected shape of the poll's results");
	goto out;
}
