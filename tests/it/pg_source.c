/* The pg source against the PostgreSQL rig:
 *  - every plaintext, TLS, rolsuper and rds_superuser session the test
 *    opened is reported with the right flags, idle ones included; the
 *    rds_superuser member has a random name and a non-member is called
 *    "admin", so detection by name would fail;
 *  - a CREATE ROLE ... PASSWORD '...' waiting on a lock is reported
 *    blocked by the locker's pid, with its literal masked;
 *  - health, xid ages, an inactive replication slot, pg_settings;
 *  - a role without pg_monitor: every session is still counted and
 *    flagged insufficient_privilege, and has_pg_monitor = 0;
 *  - sslmode=require is reported as TLS not verified; a missing root
 *    certificate fails with where to get the RDS CA bundle;
 *  - hostile role, database and query text (ESC, BEL, C1, bidi override,
 *    invalid UTF-8 through a SQL_ASCII database) reach rdswatch raw and
 *    leave it neutralized, in the records and in their JSON;
 *  - a rotated password is picked up after exactly one failed login;
 *  - sessions unchanged since the last poll are named, not carried
 *    (model/batch.h), and a snapshot fed those batches holds what one fed
 *    full batches holds. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg/pg_params.h"
#include "pg/pg_poll.h"
#include "pg/pg_roles.h"
#include "pg_itlib.h"
#include "rig.h"
#include "sources/logline.h"
#include "sources/pg.h"
#include "view/snapshot.h"

static char *tag;
static PGconn *super;

static const char *const hostile_bytes[] = {
	"\x1b", "\x07", "\xc2\x9b", "\xe2\x80\xae", "\xff",
};
#define NHOSTILE (sizeof hostile_bytes / sizeof hostile_bytes[0])

/* Whether S holds any hostile byte sequence. */
static int
has_hostile(const char *s, size_t len)
{
	for (size_t i = 0; i < NHOSTILE; i++) {
		if (memmem(s, len, hostile_bytes[i], strlen(hostile_bytes[i])) != NULL)
			return 1;
	}
	return 0;
}

static int
has_all_hostile(const char *s, size_t len)
{
	for (size_t i = 0; i < NHOSTILE; i++) {
		if (memmem(s, len, hostile_bytes[i], strlen(hostile_bytes[i])) == NULL)
			return 0;
	}
	return 1;
}

static void
wait_for(PGconn *c, const char *sql)
{
	for (int i = 0; i < 100; i++) {
		char *v = itpg_value(c, sql);
		int yes = strcmp(v, "t") == 0;

		free(v);
		if (yes)
			return;
		usleep(50 * 1000);
	}
	itpg_die("timed out waiting for: %s", sql);
}

static char *
json_of(const struct m_type *t, const void *rec)
{
	cJSON *j = m_to_json(t, rec);
	char *s = cJSON_PrintUnformatted(j);

	cJSON_Delete(j);
	return s;
}

/* ------------------------------------------------------------------ */

static void
test_sessions_and_flags(void)
{
	char *app = xasprintf("it-pgsrc-%s", tag), *sql, *admin_pw = itpg_random_hex(12);
	char *nomon = xasprintf("rw_nomon_%s", tag), *nomon_pw = itpg_random_hex(12);
	const char *app_user = rig_env("RIG_PG_APP_USER"), *app_pw = rig_env("RIG_PG_APP_PASSWORD");
	PGconn *plain, *tls, *member, *admin, *su, *idle_tx, *locker, *creator;
	struct rw_error err = RW_ERROR_INIT;
	struct m_session *s;
	struct m_pg_health *h;
	struct source *src;
	struct batch *b;
	int rc, found_slot = 0, found_appdb = 0, found_settings = 0;

	/* (a run that died may have left it) */
	itpg_execf(super, "DROP ROLE IF EXISTS admin; CREATE ROLE admin LOGIN PASSWORD '%s'", admin_pw);
	itpg_execf(super, "SELECT pg_create_physical_replication_slot('rw_slot_%s', true)", tag);

	/* Before the lock below, which holds CREATE ROLE. */
	itpg_execf(super, "CREATE ROLE %s LOGIN PASSWORD '%s'", nomon, nomon_pw);

	plain = itpg_connect(app_user, app_pw, "postgres", 0, app);
	tls = itpg_connect(app_user, app_pw, "appdb", 1, app);
	member = itpg_connect(rig_env("RIG_PG_ADMIN_USER"), rig_env("RIG_PG_ADMIN_PASSWORD"),
	    "postgres", 1, app);
	admin = itpg_connect("admin", admin_pw, "postgres", 1, app);
	su = itpg_connect(rig_env("RIG_PG_SUPER_USER"), rig_env("RIG_PG_SUPER_PASSWORD"),
	    "postgres", 0, app);
	idle_tx = itpg_connect(app_user, app_pw, "postgres", 0, app);
	itpg_exec(idle_tx, "BEGIN; SELECT txid_current()");
	locker = itpg_connect(rig_env("RIG_PG_SUPER_USER"), rig_env("RIG_PG_SUPER_PASSWORD"),
	    "postgres", 1, app);
	creator = itpg_connect(rig_env("RIG_PG_ADMIN_USER"), rig_env("RIG_PG_ADMIN_PASSWORD"),
	    "postgres", 1, app);

	/* A CREATE ROLE with a password waits on the locker. */
	itpg_exec(locker, "BEGIN; LOCK TABLE pg_authid IN EXCLUSIVE MODE");
	sql = xasprintf("CREATE ROLE rw_x_%s PASSWORD 'hunter2-%s'", tag, tag);
	if (!PQsendQuery(creator, sql))
		itpg_die("send: %s", PQerrorMessage(creator));
	free(sql);
	sql = xasprintf("SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = %d "
	    "AND wait_event_type = 'Lock'", PQbackendPID(creator));
	wait_for(super, sql);
	free(sql);

	src = itpg_source(tag, rig_env("RIG_PG_MONITOR_USER"), rig_env("RIG_PG_MONITOR_PASSWORD"),
	    NULL);
	b = itpg_poll(src, &rc, &err);
	CHECK(rc == 0, "poll failed: %s", err.message);

	/* Plaintext, idle. */
	s = itpg_session(b, PQbackendPID(plain));
	CHECK(s != NULL, "plaintext session missing");
	if (s != NULL) {
		CHECK(s->ssl == 0, "plaintext session ssl=%d", s->ssl);
		CHECK(s->ssl_version == NULL, "plaintext session has a TLS version");
		CHECK(s->superuser == 0, "app is no superuser");
		CHECK(strcmp(s->user, app_user) == 0, "user %s", s->user);
		CHECK(strcmp(s->database, "postgres") == 0, "database %s", s->database);
		CHECK(strcmp(s->state, "idle") == 0, "state %s", s->state);
		CHECK(strcmp(s->application_name, app) == 0, "app %s", s->application_name);
		CHECK(strcmp(s->client_addr, "127.0.0.1") == 0, "addr %s", s->client_addr);
		CHECK(s->client_port > 0 && s->backend_start > 0, "port/backend_start");
		CHECK(s->insufficient_privilege == 0, "monitor sees everything");
		CHECK(s->xact_start == 0, "idle session has no transaction");
	}
	/* TLS, idle, another database. */
	s = itpg_session(b, PQbackendPID(tls));
	CHECK(s != NULL, "TLS session missing");
	if (s != NULL) {
		CHECK(s->ssl == 1, "TLS session ssl=%d", s->ssl);
		CHECK(s->ssl_version != NULL && strncmp(s->ssl_version, "TLSv1.", 6) == 0,
		    "TLS version %s", s->ssl_version ? s->ssl_version : "(none)");
		CHECK(s->ssl_cipher != NULL && s->ssl_bits >= 128, "cipher/bits");
		CHECK(strcmp(s->database, "appdb") == 0, "database %s", s->database);
		CHECK(s->superuser == 0, "app is no superuser");
	}
	/* rds_superuser member with a random name. */
	s = itpg_session(b, PQbackendPID(member));
	CHECK(s != NULL, "rds_superuser member's session missing");
	if (s != NULL) {
		CHECK(s->superuser == 1, "member of rds_superuser not flagged");
		CHECK(s->superuser_via && strcmp(s->superuser_via, "rds_superuser") == 0, "via");
		CHECK(s->provider_owned == 0, "not provider-owned");
		CHECK(strcmp(s->user, rig_env("RIG_PG_ADMIN_USER")) == 0, "user %s", s->user);
	}
	/* "admin" is no member: a name proves nothing. */
	s = itpg_session(b, PQbackendPID(admin));
	CHECK(s != NULL, "admin's session missing");
	if (s != NULL)
		CHECK(s->superuser == 0, "a role named admin flagged as superuser");
	/* rolsuper, plaintext. */
	s = itpg_session(b, PQbackendPID(su));
	CHECK(s != NULL, "superuser session missing");
	if (s != NULL) {
		CHECK(s->superuser == 1 && s->superuser_via && strcmp(s->superuser_via, "rolsuper") == 0,
		    "rolsuper session not flagged");
		CHECK(s->ssl == 0, "superuser session is plaintext");
	}
	/* Idle in transaction. */
	s = itpg_session(b, PQbackendPID(idle_tx));
	CHECK(s != NULL && s->xact_start > 0 && strcmp(s->state, "idle in transaction") == 0,
	    "idle-in-transaction session");
	/* Blocked CREATE ROLE: masked, blocked by the locker. */
	s = itpg_session(b, PQbackendPID(creator));
	CHECK(s != NULL, "blocked session missing");
	if (s != NULL) {
		char pid[16];
		char *json = json_of(&m_session_type, s);

		snprintf(pid, sizeof pid, "%d", PQbackendPID(locker));
		CHECK(strcmp(s->state, "active") == 0, "state %s", s->state);
		CHECK(s->wait_event_type && strcmp(s->wait_event_type, "Lock") == 0, "wait type");
		CHECK(m_list_contains(&s->blocked_by, pid), "not blocked by the locker %s", pid);
		CHECK(s->query && strstr(s->query, "PASSWORD '?'") != NULL, "query %s", s->query);
		CHECK(s->query && strstr(s->query, "hunter2") == NULL, "password readable in query");
		CHECK(strstr(json, "hunter2") == NULL, "password readable in JSON");
		free(json);
	}
	/* Nothing of it anywhere in the batch. */
	for (int k = 0; k < M_KIND_COUNT; k++) {
		for (size_t i = 0; i < b->kinds[k].n; i++) {
			char *json = json_of(b->kinds[k].type, m_vec_at(&b->kinds[k], i));

			CHECK(strstr(json, "hunter2") == NULL, "hunter2 in a %s", m_kind_plural(k));
			free(json);
		}
	}

	/* Health. */
	CHECK(b->kinds[M_PG_HEALTH].n == 1, "one pg_health");
	h = b->kinds[M_PG_HEALTH].n == 1 ? m_vec_at(&b->kinds[M_PG_HEALTH], 0) : NULL;
	if (h != NULL) {
		CHECK(h->connected == 1 && h->tls_verified == 1 && h->has_pg_monitor == 1,
		    "health connected/tls/pg_monitor: %d %d %d", h->connected, h->tls_verified,
		    h->has_pg_monitor);
		CHECK(strcmp(h->tls_mode, "verify-full") == 0, "tls_mode %s", h->tls_mode);
		CHECK(strcmp(h->monitor_user, rig_env("RIG_PG_MONITOR_USER")) == 0, "monitor user");
		CHECK(h->max_connections == 2300, "max_connections %lld", (long long)h->max_connections);
		CHECK(h->connections >= (int64_t)b->kinds[M_SESSION].n + 1, "connections %lld",
		    (long long)h->connections);
		CHECK(h->oldest_xact_age_s >= 0 && h->oldest_xact_pid != M_INT_NONE, "oldest xact");
		CHECK(h->max_xid_age > 0 && h->max_xid_age_database != NULL, "max xid age");
		CHECK(h->public_schema_create == 0 && h->in_recovery == 0, "public create/recovery");
		CHECK(strncmp(h->server_version, "15.", 3) == 0, "version %s", h->server_version);
	}
	M_VEC_EACH(&b->kinds[M_XID_AGE], struct m_xid_age, x)
		found_appdb |= strcmp(x->database, "appdb") == 0 && x->age > 0;
	CHECK(found_appdb, "no xid age for appdb");
	M_VEC_EACH(&b->kinds[M_REPL_SLOT], struct m_repl_slot, sl) {
		if (strncmp(sl->slot_name, "rw_slot_", 8) == 0 && strstr(sl->slot_name, tag)) {
			found_slot = 1;
			CHECK(sl->active == 0 && strcmp(sl->slot_type, "physical") == 0 &&
			    sl->retained_wal_bytes >= 0 && sl->retained_wal_bytes != M_INT_NONE,
			    "slot active=%d retained=%lld", sl->active, (long long)sl->retained_wal_bytes);
		}
	}
	CHECK(found_slot, "replication slot missing");
	M_VEC_EACH(&b->kinds[M_PARAMETER], struct m_parameter, pa) {
		CHECK(strcmp(pa->source, "pg_settings") == 0, "parameter source %s", pa->source);
		if (strcmp(pa->name, "log_connections") == 0 && strcmp(pa->value, "on") == 0)
			found_settings++;
		if (strcmp(pa->name, "password_encryption") == 0 &&
		    strcmp(pa->value, "scram-sha-256") == 0)
			found_settings++;
	}
	CHECK(found_settings == 2, "settings missing");
	CHECK(batch_is_complete(b, M_SESSION) && batch_covers(b, tag) &&
	    !batch_is_complete(b, M_PARAMETER), "batch scope");
	batch_free(b);

	/* A role without pg_monitor: the same sessions, flagged, counted. */
	{
		struct source *weak;
		PGconn *conns[] = { plain, tls, member, admin, su, idle_tx, locker, creator };

		weak = itpg_source("weak", nomon, nomon_pw, NULL);
		b = itpg_poll(weak, &rc, &err);
		CHECK(rc == 0, "poll as %s failed: %s", nomon, err.message);
		for (size_t i = 0; i < sizeof conns / sizeof conns[0]; i++) {
			s = itpg_session(b, PQbackendPID(conns[i]));
			CHECK(s != NULL, "session %zu not counted without pg_monitor", i);
			if (s == NULL)
				continue;
			CHECK(s->insufficient_privilege == 1, "session %zu not flagged", i);
			CHECK(s->ssl == M_TRI_UNKNOWN && s->query == NULL && s->state == NULL,
			    "session %zu: hidden columns reported", i);
			CHECK(s->user != NULL && s->superuser != M_TRI_UNKNOWN,
			    "session %zu: the role is still known", i);
		}
		h = b->kinds[M_PG_HEALTH].n == 1 ? m_vec_at(&b->kinds[M_PG_HEALTH], 0) : NULL;
		CHECK(h != NULL && h->has_pg_monitor == 0, "has_pg_monitor not 0");
		CHECK(h != NULL && h->connections >= 9, "connections miscounted");
		batch_free(b);
		source_free(weak);
	}

	/* The lock goes; the CREATE ROLE completes. */
	itpg_exec(locker, "ROLLBACK");
	for (PGresult *r; (r = PQgetResult(creator)) != NULL;)
		PQclear(r);
	itpg_execf(super, "DROP ROLE rw_x_%s", tag);
	itpg_execf(super, "SELECT pg_drop_replication_slot('rw_slot_%s')", tag);

	source_free(src);
	PQfinish(plain);
	PQfinish(tls);
	PQfinish(member);
	PQfinish(admin);
	PQfinish(su);
	PQfinish(idle_tx);
	PQfinish(locker);
	PQfinish(creator);
	itpg_exec(super, "DROP ROLE admin");
	itpg_execf(super, "DROP ROLE %s", nomon);
	free(nomon);
	free(nomon_pw);
	free(admin_pw);
	free(app);
}

/* ------------------------------------------------------------------ */

/* Whether B names the session of PID of instance INSTANCE (as unchanged). */
static int
named(const struct batch *b, const char *instance, int pid, int64_t backend_start)
{
	struct m_session k;
	uint64_t key;

	m_init(m_kind_type(M_SESSION), &k);
	k.instance = (char *)instance;
	k.pid = pid;
	k.backend_start = backend_start;
	key = m_key_hash(m_kind_type(M_SESSION), &k);
	for (size_t i = 0; i < b->same[M_SESSION].n; i++) {
		if (b->same[M_SESSION].keys[i] == key)
			return 1;
	}
	return 0;
}

static const struct m_session *
snap_session(const struct snapshot *s, int pid)
{
	M_VEC_EACH(&s->kinds[M_SESSION], const struct m_session, x) {
		if (x->pid == pid)
			return x;
	}
	return NULL;
}

/* Waits until the backend of C is idle and waiting for its client: right
 * after a query it may not wait yet (wait_event NULL, then ClientRead),
 * which a poll rightly reports as a change. */
static void
settle(PGconn *c)
{
	char *sql = xasprintf("SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = %d "
	    "AND state = 'idle' AND wait_event = 'ClientRead'", PQbackendPID(c));

	wait_for(super, sql);
	free(sql);
}

/* The poll's SQL for PID: 1 if a row of its own, 2 if on the list of
 * steady sessions (with START there), 0 if neither. */
static int
steady_where(PGconn *mon, int64_t steady_before, int pid, int64_t *start)
{
	struct buf q = BUF_INIT;
	PGresult *r;
	int found = 0, n = 0;

	pg_poll_sql(&q, steady_before);
	if (!PQsendQuery(mon, q.data))
		itpg_die("send: %s", PQerrorMessage(mon));
	buf_free(&q);
	while ((r = PQgetResult(mon)) != NULL) {
		if (n++ == 2 && PQresultStatus(r) == PGRES_TUPLES_OK) {
			for (int i = 0; i < PQntuples(r); i++) {
				const char *list = PQgetvalue(r, i, 20);
				int64_t p, st;

				if (!PQgetisnull(r, i, 0)) {
					if (atoi(PQgetvalue(r, i, 0)) == pid)
						found = 1;
					continue;
				}
				while (pg_poll_kept_next(&list, &p, &st) > 0) {
					if (p == pid) {
						found = 2;
						*start = st;
					}
				}
			}
		}
		PQclear(r);
	}
	return found;
}

/* The server leaves out the sessions idle and waiting on their client
 * since before the time the poll gives, and only those. */
static void
test_steady_sql(void)
{
	const char *app_user = rig_env("RIG_PG_APP_USER"), *app_pw = rig_env("RIG_PG_APP_PASSWORD");
	PGconn *idle = itpg_connect(app_user, app_pw, "postgres", 1, "it-steady");
	PGconn *busy = itpg_connect(app_user, app_pw, "postgres", 0, "it-steady");
	PGconn *mon = itpg_connect(rig_env("RIG_PG_MONITOR_USER"),
	    rig_env("RIG_PG_MONITOR_PASSWORD"), "postgres", 1, "it-steady-mon");
	char *sql = xasprintf("SELECT (date_part('epoch', backend_start) * 1000)::int8 "
	    "FROM pg_stat_activity WHERE pid = %d", PQbackendPID(idle));
	char *v = itpg_value(super, sql), *later, cancel_err[256];
	int64_t start = 0, idle_start = strtoll(v, NULL, 10);
	PGcancel *cancel;
	PGresult *r;

	free(v);
	free(sql);
	settle(idle);
	if (!PQsendQuery(busy, "SELECT pg_sleep(30)"))
		itpg_die("send: %s", PQerrorMessage(busy));
	sql = xasprintf("SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = %d AND "
	    "state = 'active'", PQbackendPID(busy));
	wait_for(super, sql);
	free(sql);
	later = itpg_value(super, "SELECT (date_part('epoch', clock_timestamp()) * 1000)::int8 "
	    "+ 60000");

	CHECK(steady_where(mon, 0, PQbackendPID(idle), &start) == 1,
	    "with no time given an idle session is not a row");
	CHECK(steady_where(mon, 0, PQbackendPID(busy), &start) == 1, "the busy session not a row");
	CHECK(steady_where(mon, strtoll(later, NULL, 10), PQbackendPID(idle), &start) == 2 &&
	    start == idle_start, "a steady session is not on the list with its start");
	CHECK(steady_where(mon, strtoll(later, NULL, 10), PQbackendPID(busy), &start) == 1,
	    "an active session left out");
	CHECK(steady_where(mon, idle_start - 1000, PQbackendPID(idle), &start) == 1,
	    "a session idle only since after the time given left out");

	cancel = PQgetCancel(busy);
	if (cancel == NULL || !PQcancel(cancel, cancel_err, sizeof cancel_err))
		itpg_die("cancel: %s", cancel_err);
	PQfreeCancel(cancel);
	while ((r = PQgetResult(busy)) != NULL)
		PQclear(r);
	free(later);
	PQfinish(mon);
	PQfinish(busy);
	PQfinish(idle);
}

/* Two sources on one server, one naming unchanged sessions and one
 * carrying all, feed two snapshots: after each step they hold the same
 * sessions, and the naming one carried only what changed. */
static void
test_named_sessions(void)
{
	char *app = xasprintf("it-named-%s", tag), *inst = xasprintf("named-%s", tag);
	const char *app_user = rig_env("RIG_PG_APP_USER"), *app_pw = rig_env("RIG_PG_APP_PASSWORD");
	struct rw_error err = RW_ERROR_INIT;
	struct source *naming, *full;
	struct snapshot sn, sf;
	struct pg_poller *poller;
	PGconn *a, *c;
	int64_t a_start = 0, c_start = 0;
	int rc;

	a = itpg_connect(app_user, app_pw, "postgres", 1, app);
	c = itpg_connect(app_user, app_pw, "postgres", 0, app);
	naming = itpg_source(inst, rig_env("RIG_PG_MONITOR_USER"),
	    rig_env("RIG_PG_MONITOR_PASSWORD"), NULL);
	pg_source_name_unchanged(naming, 1);
	/* Steady since the last poll is enough: no waiting out the margin. */
	poller = pg_source_poller(naming);
	poller->settle_ms = 0;
	full = itpg_source(inst, rig_env("RIG_PG_MONITOR_USER"), rig_env("RIG_PG_MONITOR_PASSWORD"),
	    NULL);
	snapshot_init(&sn, time_now_ms(), 1);
	snapshot_init(&sf, time_now_ms(), 1);
	settle(a);
	settle(c);

	for (int step = 0; step < 7; step++) {
		struct batch *bn, *bf;
		const struct m_session *xa, *xc;

		if (step == 2) {
			itpg_exec(c, "SELECT 1");	/* c changes */
			settle(c);
		}
		if (step == 3) {
			char *gone = xasprintf("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = %d",
			    PQbackendPID(a));

			PQfinish(a);			/* a goes */
			a = NULL;
			wait_for(super, gone);
			free(gone);
		}
		if (step == 4)
			naming->ops->discarded(naming);	/* a lost batch: carry all */
		if (step == 5) {
			/* A poller that does not hold c as steady when the server
			 * leaves it out asks again for every session. */
			for (size_t i = 0; i <= poller->seen.mask; i++)
				poller->seen.v[i].e.steady = 0;
		}
		bn = itpg_poll(naming, &rc, &err);
		CHECK(rc == 0, "step %d: naming poll failed: %s", step, err.message);
		bf = itpg_poll(full, &rc, &err);
		CHECK(rc == 0, "step %d: full poll failed: %s", step, err.message);
		xa = a != NULL ? itpg_session(bf, PQbackendPID(a)) : NULL;
		xc = itpg_session(bf, PQbackendPID(c));
		CHECK(xc != NULL && (a == NULL || xa != NULL), "step %d: full batch lacks a session", step);
		if (xa != NULL)
			a_start = xa->backend_start;
		if (xc != NULL)
			c_start = xc->backend_start;
		switch (step) {
		case 0:
			CHECK(bn->same[M_SESSION].n == 0, "the first poll named %zu sessions",
			    bn->same[M_SESSION].n);
			CHECK(bn->kinds[M_PARAMETER].n > 0, "the first poll gave no settings");
			break;
		case 1:
			CHECK(poller->kept >= 2, "step 1: the server sent %zu steady sessions as rows",
			    poller->kept);
			/* Settings as the last poll gave them are left out too. */
			CHECK(bn->kinds[M_PARAMETER].n == 0 && bf->kinds[M_PARAMETER].n > 0,
			    "step 1: %zu settings given again", bn->kinds[M_PARAMETER].n);
			CHECK(named(bn, inst, PQbackendPID(a), a_start) &&
			    named(bn, inst, PQbackendPID(c), c_start), "step 1: idle sessions not named");
			CHECK(itpg_session(bn, PQbackendPID(a)) == NULL &&
			    itpg_session(bn, PQbackendPID(c)) == NULL, "step 1: idle sessions carried");
			break;
		case 2:
			CHECK(named(bn, inst, PQbackendPID(a), a_start), "step 2: a not named");
			CHECK(itpg_session(bn, PQbackendPID(c)) != NULL &&
			    !named(bn, inst, PQbackendPID(c), c_start), "step 2: changed c not carried");
			break;
		case 3:
			CHECK(named(bn, inst, PQbackendPID(c), c_start), "step 3: c not named");
			break;
		case 4:
			CHECK(bn->same[M_SESSION].n == 0, "after a lost batch %zu sessions were named",
			    bn->same[M_SESSION].n);
			CHECK(poller->kept == 0, "step 4: %zu sessions left out", poller->kept);
			CHECK(bn->kinds[M_PARAMETER].n > 0, "step 4: settings not given again");
			break;
		case 5:
			CHECK(poller->refetches == 1 && bn->same[M_SESSION].n == 0 &&
			    itpg_session(bn, PQbackendPID(c)) != NULL,
			    "step 5: %llu refetches, %zu named", (unsigned long long)poller->refetches,
			    bn->same[M_SESSION].n);
			break;
		case 6:
			CHECK(poller->refetches == 1 && poller->kept >= 1 &&
			    named(bn, inst, PQbackendPID(c), c_start), "step 6: c not left out and named");
			break;
		}
		snapshot_apply(&sn, bn, NULL);
		snapshot_apply(&sf, bf, NULL);
		/* The same sessions, the same content; last seen at each poll. */
		M_VEC_EACH(&sf.kinds[M_SESSION], const struct m_session, x) {
			const struct m_session *y = snap_session(&sn, (int)x->pid);

			if (x->application_name == NULL || strcmp(x->application_name, app) != 0)
				continue;
			CHECK(y != NULL, "step %d: session %lld missing", step, (long long)x->pid);
			if (y == NULL)
				continue;
			CHECK(m_content_hash(m_kind_type(M_SESSION), y) ==
			    m_content_hash(m_kind_type(M_SESSION), x) &&
			    y->first_seen != 0 && y->first_seen <= y->last_seen &&
			    y->last_seen == bn->polled_at, "step %d: session %lld differs", step,
			    (long long)x->pid);
		}
		M_VEC_EACH(&sn.kinds[M_SESSION], const struct m_session, y) {
			if (y->application_name != NULL && strcmp(y->application_name, app) == 0)
				CHECK(snap_session(&sf, (int)y->pid) != NULL,
				    "step %d: session %lld should be gone", step, (long long)y->pid);
		}
		batch_free(bn);
		batch_free(bf);
	}
	snapshot_free(&sn);
	snapshot_free(&sf);
	source_free(naming);
	source_free(full);
	PQfinish(c);
	err_clear(&err);
	free(app);
	free(inst);
}

/* ------------------------------------------------------------------ */

static void
test_tls_settings(void)
{
	struct rw_error err = RW_ERROR_INIT;
	struct source *src;
	struct batch *b;
	struct m_pg_health *h;
	int rc;

	src = itpg_source("req", rig_env("RIG_PG_MONITOR_USER"), rig_env("RIG_PG_MONITOR_PASSWORD"),
	    "sslmode = require");
	b = itpg_poll(src, &rc, &err);
	h = b->kinds[M_PG_HEALTH].n == 1 ? m_vec_at(&b->kinds[M_PG_HEALTH], 0) : NULL;
	CHECK(rc == 0 && h != NULL && h->tls_verified == 0 && strcmp(h->tls_mode, "require") == 0,
	    "sslmode=require must say TLS not verified");
	batch_free(b);
	source_free(src);

	src = itpg_source("nocert", rig_env("RIG_PG_MONITOR_USER"),
	    rig_env("RIG_PG_MONITOR_PASSWORD"), "sslrootcert = /nonexistent/rds-ca.pem");
	b = itpg_poll(src, &rc, &err);
	CHECK(rc == -1 && err.kind == ERR_CONFIG, "a missing root certificate must fail");
	CHECK(err.message && strstr(err.message, "global-bundle.pem") &&
	    strstr(err.message, "sslrootcert") && strstr(err.message, "/nonexistent/rds-ca.pem"),
	    "message does not say where to get the CA bundle: %s", err.message);
	h = b->kinds[M_PG_HEALTH].n == 1 ? m_vec_at(&b->kinds[M_PG_HEALTH], 0) : NULL;
	CHECK(h != NULL && h->connected == 0, "health must say not connected");
	batch_free(b);
	source_free(src);
	err_clear(&err);
}

/* ------------------------------------------------------------------ */

/* "name" with quotes doubled, for SQL. */
static char *
quote_ident(const char *s)
{
	struct buf b = BUF_INIT;

	buf_append_char(&b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_append_char(&b, '"');
		buf_append_char(&b, *s);
	}
	buf_append_char(&b, '"');
	return buf_detach(&b);
}

static const PGresult *
find_row(PGresult **res, size_t n, int which, int col, const char *want, int *row)
{
	(void)n;
	for (int i = 0; i < PQntuples(res[which]); i++) {
		if (strcmp(PQgetvalue(res[which], i, col), want) == 0) {
			*row = i;
			return res[which];
		}
	}
	return NULL;
}

static void
check_clean_field(const char *what, const char *v)
{
	CHECK(v != NULL, "%s missing", what);
	if (v == NULL)
		return;
	CHECK(sanitize_is_clean(v) && !has_hostile(v, strlen(v)), "%s not neutralized", what);
	CHECK(strstr(v, "\\x1b") && strstr(v, "\\x07") && strstr(v, "\\u009b") &&
	    strstr(v, "\\u202e") && strstr(v, "\\xff"), "%s lost the visible forms: %s", what, v);
}

static void
test_hostile_strings(void)
{
	static const char evil[] = "ev\"il\x1b]0;pwned\x07\xc2\x9b\xe2\x80\xae\xff";
	char *ascii_db = xasprintf("rw_ascii_%s", tag);
	char *role = xasprintf("rw_h_%s_%s", tag, evil), *db = xasprintf("rw_hdb_%s_%s", tag, evil);
	char *qrole = quote_ident(role), *qdb = quote_ident(db), *qcol = quote_ident(evil);
	char *pw = itpg_random_hex(12), *sql, pid[16];
	struct rw_error err = RW_ERROR_INIT;
	PGconn *asc, *hs, *mon;
	PGresult *res[8];
	size_t n = 0;
	struct buf sqlbuf = BUF_INIT;
	struct source *src;
	struct batch *b;
	struct m_session *s;
	int rc, row;

	itpg_execf(super, "CREATE DATABASE %s ENCODING 'SQL_ASCII' TEMPLATE template0 "
	    "LC_COLLATE 'C' LC_CTYPE 'C'", ascii_db);
	/* SQL_ASCII takes any byte: the names are created from there. */
	asc = itpg_connect(rig_env("RIG_PG_SUPER_USER"), rig_env("RIG_PG_SUPER_PASSWORD"),
	    ascii_db, 1, "it-setup");
	itpg_execf(asc, "CREATE ROLE %s LOGIN PASSWORD '%s'", qrole, pw);
	itpg_execf(asc, "CREATE DATABASE %s ENCODING 'SQL_ASCII' TEMPLATE template0 "
	    "LC_COLLATE 'C' LC_CTYPE 'C'", qdb);

	hs = itpg_connect(role, pw, db, 0, "it-hostile");
	sql = xasprintf("SELECT pg_sleep(60) AS %s -- %s\n", qcol, evil);
	if (!PQsendQuery(hs, sql))
		itpg_die("send: %s", PQerrorMessage(hs));
	free(sql);
	snprintf(pid, sizeof pid, "%d", PQbackendPID(hs));
	sql = xasprintf("SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = %s AND "
	    "state = 'active'", pid);
	wait_for(super, sql);
	free(sql);

	/* What rdswatch receives: the poll's own SQL, fetched bare. */
	mon = itpg_connect(rig_env("RIG_PG_MONITOR_USER"), rig_env("RIG_PG_MONITOR_PASSWORD"),
	    "postgres", 1, "it-bare");
	pg_poll_sql(&sqlbuf, 0);
	if (!PQsendQuery(mon, sqlbuf.data))
		itpg_die("send: %s", PQerrorMessage(mon));
	for (PGresult *r; (r = PQgetResult(mon)) != NULL;) {
		if (n < 8)
			res[n++] = r;
		else
			PQclear(r);
	}
	CHECK(n == 5, "the poll's SQL gave %zu results", n);
	if (n == 5) {
		const PGresult *r = find_row(res, n, 2, 0, pid, &row);

		CHECK(r != NULL, "hostile session not in the raw rows");
		if (r != NULL) {
			uint32_t oid = (uint32_t)strtoul(PQgetvalue(r, row, 1), NULL, 10);
			struct buf q = BUF_INIT;
			PGresult *rr;

			CHECK(has_all_hostile(PQgetvalue(r, row, 18), (size_t)PQgetlength(r, row, 18)),
			    "raw query text lacks the hostile bytes");
			/* and the role's name as the role query returns it */
			pg_roles_sql(&q, &oid, 1);
			rr = PQexec(mon, q.data);
			CHECK(PQntuples(rr) == 1 && strcmp(PQgetvalue(rr, 0, 1), role) == 0,
			    "the raw role name is not what the server sends");
			PQclear(rr);
			buf_free(&q);
		}
		CHECK(find_row(res, n, 1, 1, db, &row) != NULL, "raw database name not received");
	}
	for (size_t i = 0; i < n; i++)
		PQclear(res[i]);
	PQfinish(mon);
	buf_free(&sqlbuf);

	/* What rdswatch makes of it. */
	src = itpg_source("hostile", rig_env("RIG_PG_MONITOR_USER"),
	    rig_env("RIG_PG_MONITOR_PASSWORD"), NULL);
	b = itpg_poll(src, &rc, &err);
	CHECK(rc == 0, "poll failed: %s", err.message);
	s = itpg_session(b, PQbackendPID(hs));
	CHECK(s != NULL, "hostile session missing");
	if (s != NULL) {
		char *json = json_of(&m_session_type, s);
		cJSON *back = cJSON_Parse(json);
		const char *fields[] = { "user", "database", "query" };

		check_clean_field("user", s->user);
		check_clean_field("database", s->database);
		check_clean_field("query", s->query);
		CHECK(!has_hostile(json, strlen(json)) && strstr(json, "\\u001b") == NULL,
		    "hostile bytes in the JSON: %s", json);
		/* A consumer that un-escapes the JSON gets no control either. */
		for (size_t i = 0; i < 3; i++) {
			const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(back, fields[i]));

			CHECK(v != NULL && !has_hostile(v, strlen(v)) && sanitize_is_clean(v),
			    "un-escaped JSON %s holds hostile bytes", fields[i]);
		}
		cJSON_Delete(back);
		free(json);
	}
	/* And no record of the batch holds any. */
	for (int k = 0; k < M_KIND_COUNT; k++) {
		for (size_t i = 0; i < b->kinds[k].n; i++) {
			char *json = json_of(b->kinds[k].type, m_vec_at(&b->kinds[k], i));

			CHECK(!has_hostile(json, strlen(json)), "hostile bytes in a %s: %s",
			    m_kind_plural(k), json);
			free(json);
		}
	}
	batch_free(b);
	source_free(src);

	PQfinish(hs);
	itpg_execf(asc, "DROP DATABASE %s WITH (FORCE)", qdb);
	itpg_execf(asc, "DROP ROLE %s", qrole);
	PQfinish(asc);
	itpg_execf(super, "DROP DATABASE %s WITH (FORCE)", ascii_db);
	free(ascii_db);
	free(role);
	free(db);
	free(qrole);
	free(qdb);
	free(qcol);
	free(pw);
}

/* ------------------------------------------------------------------ */

/* A provider like Secrets Manager's: caches the secret, fetches it anew
 * after an authentication failure. */
struct rot {
	char *store;		/* the "secret" as it is now */
	char *cached;
	int gets;
	int fetches;
};

static int
rot_get(struct pg_cred_provider *p, const struct pg_cred_target *t, struct pg_cred *out,
    int64_t deadline, struct rw_error *err)
{
	struct rot *r = p->priv;

	(void)t, (void)deadline, (void)err;
	r->gets++;
	if (r->cached == NULL) {
		r->cached = xstrdup(r->store);
		r->fetches++;
	}
	out->user = NULL;
	out->password = xstrdup(r->cached);
	return 0;
}

static int
rot_on_auth_failure(struct pg_cred_provider *p)
{
	struct rot *r = p->priv;

	pg_cred_free_secret(r->cached);
	r->cached = NULL;
	return 1;
}

static const struct pg_cred_provider_ops rot_ops = {
	"test-rotating", rot_get, rot_on_auth_failure, NULL,
};

/* Failed logins of USER in the rig's log, through the parser. */
static size_t
failed_logins_of(const char *user)
{
	char *why = NULL;
	struct logline_parser *lp = logline_parser_new(logline_format_new(NULL, &why), "rig", "log_file");
	FILE *f = fopen(rig_env("RIG_PG_LOG"), "r");
	struct m_vec out;
	char line[8192];
	size_t count = 0;

	m_vec_init(&out, &m_failed_login_type);
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		logline_parser_feed(lp, line, strlen(line), 0, &out);
	}
	logline_parser_flush(lp, 1, &out);
	M_VEC_EACH(&out, struct m_failed_login, fl)
		count += strcmp(fl->user, user) == 0;
	if (f != NULL)
		fclose(f);
	m_vec_free(&out);
	logline_parser_free(lp);
	return count;
}

static void
test_password_rotation(void)
{
	char *role = xasprintf("rw_rot_%s", tag), *pw1 = itpg_random_hex(12);
	char *pw2 = itpg_random_hex(12), *sql, *cfgtext;
	struct rot r = { NULL, NULL, 0, 0 };
	struct rw_error err = RW_ERROR_INIT;
	struct pg_params p;
	struct config cfg;
	struct source *src;
	struct batch *b;
	int rc;

	itpg_execf(super, "CREATE ROLE %s LOGIN PASSWORD '%s'; GRANT pg_monitor TO %s", role, pw1, role);
	r.store = xstrdup(pw1);

	cfgtext = xasprintf("[instance rot]\nhost = localhost\nhostaddr = %s\nport = %s\nuser = %s\n"
	    "sslrootcert = %s\nauth = pgpass\n", rig_env("PGHOST"), rig_env("PGPORT"), role,
	    rig_env("RIG_PG_CA"));
	if (config_load_string(&cfg, cfgtext, "it", &err) != 0 ||
	    pg_params_resolve(&p, &cfg, "rot", NULL, 0, NULL, &err) != 0)
		itpg_die("params: %s", err.message);
	pg_cred_provider_free(p.cred);
	p.cred = xcalloc(1, sizeof *p.cred);
	p.cred->ops = &rot_ops;
	p.cred->priv = &r;
	src = pg_source_new_params(&p, &cfg, &err);
	if (src == NULL)
		itpg_die("source: %s", err.message);

	b = itpg_poll(src, &rc, &err);
	CHECK(rc == 0 && r.fetches == 1, "first poll: rc %d fetches %d (%s)", rc, r.fetches,
	    err.message ? err.message : "");
	batch_free(b);

	/* The secret rotates: the server and the store change, rdswatch's
	 * cached copy is now stale, and its session ends. */
	itpg_execf(super, "ALTER ROLE %s PASSWORD '%s'", role, pw2);
	free(r.store);
	r.store = xstrdup(pw2);
	itpg_execf(super, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '%s'",
	    role);
	sql = xasprintf("SELECT count(*) = 0 FROM pg_stat_activity WHERE usename = '%s'", role);
	wait_for(super, sql);
	free(sql);

	/* The poll that finds the session gone may fail; the next connects
	 * with the stale secret once, fetches, and succeeds. */
	for (int i = 0; i < 3; i++) {
		b = itpg_poll(src, &rc, &err);
		batch_free(b);
		if (rc == 0)
			break;
		CHECK(err.kind == ERR_NETWORK, "poll %d after rotation: %s", i, err.message);
	}
	CHECK(rc == 0, "the rotated password was not picked up: %s", err.message);
	CHECK(r.fetches == 2, "fetches %d (want 2: first, after the failure)", r.fetches);
	usleep(200 * 1000);	/* the server's log line */
	CHECK(failed_logins_of(role) == 1, "failed logins of %s: %zu (want exactly 1)", role,
	    failed_logins_of(role));

	source_free(src);
	pg_cred_free_secret(r.cached);
	free(r.store);
	config_free(&cfg);
	free(cfgtext);
	itpg_execf(super, "DROP ROLE %s", role);
	free(role);
	free(pw1);
	free(pw2);
	err_clear(&err);
}

int
main(void)
{
	int64_t t0 = time_mono_ms();

	rig_env("RIG_PG_DIR");
	tag = itpg_random_hex(3);
	super = itpg_super();
	test_sessions_and_flags();
	test_tls_settings();
	test_hostile_strings();
	test_password_rotation();
	test_steady_sql();
	test_named_sessions();
	PQfinish(super);
	free(tag);
	printf("pg_source: %d failures in %lld ms\n", itpg_failures,
	    (long long)(time_mono_ms() - t0));
	return itpg_failures ? 1 : 0;
}
