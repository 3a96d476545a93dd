/* Failed logins from a real server's log, and the pglog source's tailing.
 *  1. A rig of the test's own, with pg_hba.conf lines that reject one
 *     role and match no line for one database; every kind of failed
 *     login is made with libpq (one sslmode each, so one backend each):
 *     wrong password over TLS and plaintext, unknown role, expired
 *     password, no password, no pg_hba entry with and without
 *     encryption, rejected; and one sslmode=prefer attempt, which is
 *     two backends and so honestly two attempts. The pglog source on the
 *     server's log reports exactly those, then only what is new.
 *  2. Tailing a file across a partial line, rotation (rename + new file,
 *     with lines still written to the old one) and truncation. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg_itlib.h"
#include "rig.h"
#include "sources/pglog.h"

static struct source *
pglog_for(const char *path)
{
	struct rw_error err = RW_ERROR_INIT;
	struct config cfg;
	char *text = xasprintf("[instance selfhosted]\nlog_file = %s\n", path);
	struct source *s;

	if (config_load_string(&cfg, text, "it", &err) != 0)
		itpg_die("config: %s", err.message);
	s = pglog_source_new(&cfg, "selfhosted", &err);
	if (s == NULL)
		itpg_die("pglog_source_new: %s", err.message ? err.message : "no log_file");
	config_free(&cfg);
	free(text);
	return s;
}

static struct batch *
poll_ok(struct source *s)
{
	struct rw_error err = RW_ERROR_INIT;
	int rc;
	struct batch *b = itpg_poll(s, &rc, &err);

	CHECK(rc == 0, "pglog poll failed: %s", err.message);
	err_clear(&err);
	return b;
}

/* One login attempt that must fail. */
static void
fail_login(const char *user, const char *password, const char *db, const char *sslmode)
{
	const char *keys[] = { "host", "port", "dbname", "user", "password", "sslmode",
		"sslrootcert", "application_name", NULL };
	const char *vals[] = { rig_env("PGHOST"), rig_env("PGPORT"), db, user, password, sslmode,
		rig_env("RIG_PG_CA"), "it-pglog", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 0);

	if (PQstatus(c) == CONNECTION_OK)
		itpg_die("login as %s to %s (%s) succeeded", user, db, sslmode);
	PQfinish(c);
}

static size_t
count(const struct batch *b, const char *user, const char *reason)
{
	size_t n = 0;

	M_VEC_EACH(&b->kinds[M_FAILED_LOGIN], struct m_failed_login, f)
		n += strcmp(f->user, user) == 0 && strcmp(f->reason, reason) == 0;
	return n;
}

static void
test_real_log(void)
{
	PGconn *su = itpg_super();
	char *hba = xasprintf("%s/data/pg_hba.conf", rig_env("RIG_PG_DIR"));
	const char *app = rig_env("RIG_PG_APP_USER"), *app_pw = rig_env("RIG_PG_APP_PASSWORD");
	int64_t t0 = time_now_ms() - 2000;
	struct source *src;
	struct batch *b;
	FILE *f;

	itpg_exec(su, "CREATE ROLE rw_expired LOGIN PASSWORD 'expired-pw-1' VALID UNTIL '2000-01-01'");
	itpg_exec(su, "CREATE ROLE rw_nopw LOGIN");
	itpg_exec(su, "CREATE ROLE rw_rejected LOGIN PASSWORD 'rejected-pw-1'");
	itpg_exec(su, "CREATE DATABASE rw_nohba");
	f = fopen(hba, "w");
	if (f == NULL)
		itpg_die("cannot write %s", hba);
	fprintf(f, "local   all all trust\n"
	    "hostssl all rw_rejected 127.0.0.1/32 reject\n"
	    "host    all rw_rejected 127.0.0.1/32 reject\n"
	    "hostssl postgres,appdb all 127.0.0.1/32 scram-sha-256\n"
	    "host    postgres,appdb all 127.0.0.1/32 scram-sha-256\n");
	fclose(f);
	itpg_exec(su, "SELECT pg_reload_conf()");
	usleep(300 * 1000);

	src = pglog_for(rig_env("RIG_PG_LOG"));
	b = poll_ok(src);
	CHECK(b->kinds[M_FAILED_LOGIN].n == 0, "failed logins before any: %zu",
	    b->kinds[M_FAILED_LOGIN].n);
	batch_free(b);

	fail_login(app, "wrong-password", "postgres", "disable");
	fail_login(app, "wrong-password", "postgres", "verify-full");
	fail_login("rw_nosuchrole", "whatever", "postgres", "verify-full");
	fail_login("rw_expired", "expired-pw-1", "postgres", "disable");
	fail_login("rw_nopw", "whatever", "postgres", "verify-full");
	fail_login(app, app_pw, "rw_nohba", "disable");
	fail_login(app, app_pw, "rw_nohba", "verify-full");
	fail_login("rw_rejected", "rejected-pw-1", "postgres", "disable");
	fail_login("rw_prefer", "whatever", "postgres", "prefer");
	usleep(300 * 1000);

	b = poll_ok(src);
	{
		struct batch *more = poll_ok(src);	/* emits what waited for a DETAIL */

		for (size_t i = 0; i < more->kinds[M_FAILED_LOGIN].n; i++)
			m_vec_push_copy(&b->kinds[M_FAILED_LOGIN], m_vec_at(&more->kinds[M_FAILED_LOGIN], i));
		batch_free(more);
	}
	CHECK(b->kinds[M_FAILED_LOGIN].n == 10, "failed logins: %zu (want 10)",
	    b->kinds[M_FAILED_LOGIN].n);
	CHECK(count(b, app, M_REASON_WRONG_PASSWORD) == 2, "wrong password x2");
	CHECK(count(b, "rw_nosuchrole", M_REASON_UNKNOWN_ROLE) == 1, "unknown role");
	CHECK(count(b, "rw_expired", M_REASON_EXPIRED_PASSWORD) == 1, "expired password");
	CHECK(count(b, "rw_nopw", M_REASON_NO_PASSWORD) == 1, "no password");
	CHECK(count(b, app, M_REASON_NO_HBA_ENTRY) == 1, "no pg_hba entry, plaintext");
	CHECK(count(b, app, M_REASON_NO_HBA_ENTRY_TLS) == 1, "no pg_hba entry, TLS");
	CHECK(count(b, "rw_rejected", M_REASON_HBA_REJECT) == 1, "rejected");
	CHECK(count(b, "rw_prefer", M_REASON_UNKNOWN_ROLE) == 2, "sslmode=prefer: two backends");
	M_VEC_EACH(&b->kinds[M_FAILED_LOGIN], struct m_failed_login, fl) {
		CHECK(strcmp(fl->instance, "selfhosted") == 0 && strcmp(fl->source, "log_file") == 0,
		    "instance/source");
		CHECK(fl->client_addr && strcmp(fl->client_addr, "127.0.0.1") == 0 &&
		    fl->client_port > 0 && fl->pid > 0, "client and pid of %s", fl->user);
		CHECK(fl->time >= t0 && fl->time <= time_now_ms() + 2000, "time of %s", fl->user);
		CHECK(fl->database != NULL, "database of %s", fl->user);
	}
	batch_free(b);

	/* Incremental: nothing twice, the new one once. */
	b = poll_ok(src);
	CHECK(b->kinds[M_FAILED_LOGIN].n == 0, "old failures again: %zu", b->kinds[M_FAILED_LOGIN].n);
	batch_free(b);
	fail_login(app, "wrong-again", "appdb", "verify-full");
	usleep(300 * 1000);
	b = poll_ok(src);
	batch_free(poll_ok(src));
	CHECK(count(b, app, M_REASON_WRONG_PASSWORD) == 1 && b->kinds[M_FAILED_LOGIN].n == 1,
	    "the new failure: %zu", b->kinds[M_FAILED_LOGIN].n);
	batch_free(b);

	source_free(src);
	PQfinish(su);
	free(hba);
}

/* ------------------------------------------------------------------ */

static void
append(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		itpg_die("append to %s", path);
	close(fd);
}

/* An attempt as RDS logs it: FATAL + DETAIL of one pid. */
static char *
attempt(int pid)
{
	return xasprintf("2026-11-22 14:21:%02d UTC:10.0.0.1(%d):u%d@db:[%d]:FATAL:  password "
	    "authentication failed for user \"u%d\"\n2026-11-22 14:21:%02d UTC:10.0.0.1(%d):u%d@db:"
	    "[%d]:DETAIL:  Role \"u%d\" does not exist.\n\tConnection matched pg_hba.conf line 5: "
	    "\"host all all 0.0.0.0/0 scram-sha-256\"\n", pid, 40000 + pid, pid, pid, pid, pid,
	    40000 + pid, pid, pid, pid);
}

static int
has_pid(const struct batch *b, int pid)
{
	M_VEC_EACH(&b->kinds[M_FAILED_LOGIN], struct m_failed_login, f) {
		if (f->pid == pid)
			return 1;
	}
	return 0;
}

static void
test_tailing(void)
{
	char dir[] = "/tmp/rdswatch-pglog.XXXXXX";
	char *path, *old, *a;
	struct source *src;
	struct batch *b;

	if (mkdtemp(dir) == NULL)
		itpg_die("mkdtemp");
	path = xasprintf("%s/postgresql.log", dir);
	old = xasprintf("%s/postgresql.log.1", dir);
	for (int pid = 1; pid <= 3; pid++) {
		a = attempt(pid);
		append(path, a);
		free(a);
	}
	src = pglog_for(path);
	b = poll_ok(src);
	CHECK(b->kinds[M_FAILED_LOGIN].n == 3 && has_pid(b, 1) && has_pid(b, 3),
	    "first read: %zu", b->kinds[M_FAILED_LOGIN].n);
	batch_free(b);

	/* A line cut in the middle by the writer. */
	a = attempt(4);
	{
		size_t half = strlen(a) / 3;
		char *first = xstrndup(a, half);

		append(path, first);
		b = poll_ok(src);
		CHECK(b->kinds[M_FAILED_LOGIN].n == 0, "a partial line was parsed");
		batch_free(b);
		append(path, a + half);
		free(first);
	}
	free(a);
	b = poll_ok(src);
	CHECK(b->kinds[M_FAILED_LOGIN].n == 1 && has_pid(b, 4), "completed line: %zu",
	    b->kinds[M_FAILED_LOGIN].n);
	batch_free(b);

	/* Rotation: rename, the old file still written, then a new file. */
	a = attempt(5);
	append(path, a);
	free(a);
	if (rename(path, old) != 0)
		itpg_die("rename");
	a = attempt(6);
	append(old, a);
	free(a);
	a = attempt(7);
	append(path, a);
	free(a);
	b = poll_ok(src);
	CHECK(b->kinds[M_FAILED_LOGIN].n == 3 && has_pid(b, 5) && has_pid(b, 6) && has_pid(b, 7),
	    "across rotation: %zu", b->kinds[M_FAILED_LOGIN].n);
	batch_free(b);

	/* Truncation in place (copytruncate), then a shorter line. */
	if (truncate(path, 0) != 0)
		itpg_die("truncate");
	append(path, "2026-11-22 14:22:00 UTC:10.0.0.1(9):x@db:[8]:FATAL:  role \"x\" does not exist\n");
	b = poll_ok(src);
	CHECK(b->kinds[M_FAILED_LOGIN].n == 1 && has_pid(b, 8), "after truncation: %zu",
	    b->kinds[M_FAILED_LOGIN].n);
	batch_free(b);
	b = poll_ok(src);
	CHECK(b->kinds[M_FAILED_LOGIN].n == 0, "repeated after truncation");
	batch_free(b);

	source_free(src);
	unlink(path);
	unlink(old);
	rmdir(dir);
	free(path);
	free(old);
}

int
main(void)
{
	if (getenv("top_srcdir") == NULL)
		rig_skip("top_srcdir not set (run through make check)");
	test_tailing();
	itpg_rig_start();
	test_real_log();
	itpg_rig_stop();
	printf("pglog_rig: %d failures\n", itpg_failures);
	return itpg_failures ? 1 : 0;
}
