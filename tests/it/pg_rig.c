/* The PostgreSQL rig, seen through libpq: a TLS session, a plaintext
 * session and a session of an rds_superuser member appear in
 * pg_stat_activity joined with pg_stat_ssl with the right flags, and a
 * wrong password leaves "password authentication failed" in the log. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "rig.h"

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		failures++;						\
	}								\
} while (0)

static PGconn *
connect_as(const char *user, const char *password, int tls, const char *app)
{
	const char *keys[] = { "host", "port", "dbname", "user", "password",
		"application_name", "sslmode", "sslrootcert", NULL };
	const char *vals[] = { rig_env("PGHOST"), rig_env("PGPORT"), "postgres", user,
		password, app, tls ? "verify-full" : "disable", rig_env("RIG_PG_CA"), NULL };

	return PQconnectdbParams(keys, vals, 0);
}

static PGconn *
connect_or_die(const char *role, int tls, const char *app)
{
	char uvar[64], pvar[64];
	PGconn *c;

	snprintf(uvar, sizeof uvar, "RIG_PG_%s_USER", role);
	snprintf(pvar, sizeof pvar, "RIG_PG_%s_PASSWORD", role);
	c = connect_as(rig_env(uvar), rig_env(pvar), tls, app);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "FAIL: connect as %s (tls=%d): %s", role, tls, PQerrorMessage(c));
		exit(1);
	}
	return c;
}

struct seen {
	int pid;
	int ssl;
	int rds_superuser;
	int found;
};

static void
check_sessions(PGconn *monitor, const char *app, struct seen *want, int n)
{
	const char *params[] = { app };
	/* The pane's question, asked the way the issue states it: the views
	 * joined on pid, superuser by membership, never by name. */
	PGresult *r = PQexecParams(monitor,
	    "SELECT a.pid, s.ssl, "
	    "       pg_has_role(a.usesysid, 'rds_superuser', 'member') "
	    "FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid "
	    "WHERE a.application_name = $1 AND a.backend_type = 'client backend'",
	    1, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "FAIL: query: %s", PQerrorMessage(monitor));
		exit(1);
	}
	CHECK(PQntuples(r) == n, "expected %d sessions named %s, saw %d", n, app, PQntuples(r));
	for (int row = 0; row < PQntuples(r); row++) {
		int pid = atoi(PQgetvalue(r, row, 0));
		int ssl = strcmp(PQgetvalue(r, row, 1), "t") == 0;
		int su = strcmp(PQgetvalue(r, row, 2), "t") == 0;

		for (int i = 0; i < n; i++) {
			if (want[i].pid != pid)
				continue;
			want[i].found = 1;
			CHECK(ssl == want[i].ssl, "pid %d: ssl %d, expected %d", pid, ssl, want[i].ssl);
			CHECK(su == want[i].rds_superuser, "pid %d: rds_superuser member %d, expected %d",
			    pid, su, want[i].rds_superuser);
		}
	}
	for (int i = 0; i < n; i++)
		CHECK(want[i].found, "session pid %d not in pg_stat_activity", want[i].pid);
	PQclear(r);
}

static long
file_size(const char *path)
{
	FILE *f = fopen(path, "r");
	long n;

	if (f == NULL) {
		fprintf(stderr, "FAIL: cannot open %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

/* Whether NEEDLE appears in PATH after byte OFFSET, waiting up to 5 s for
 * the server to write it. */
static int
log_contains_after(const char *path, long offset, const char *needle)
{
	for (int tries = 0; tries < 50; tries++) {
		FILE *f = fopen(path, "r");
		char line[4096];
		int found = 0;

		if (f == NULL)
			return 0;
		fseek(f, offset, SEEK_SET);
		while (!found && fgets(line, sizeof line, f) != NULL)
			found = strstr(line, needle) != NULL;
		fclose(f);
		if (found)
			return 1;
		usleep(100 * 1000);
	}
	return 0;
}

int
main(void)
{
	char app[64], needle[256];
	PGconn *monitor, *tls, *plain, *admin, *bad;
	const char *log = rig_env("RIG_PG_LOG");
	long before;

	rig_env("RIG_PG_DIR");
	snprintf(app, sizeof app, "pg_rig_test_%ld", (long)getpid());

	monitor = connect_or_die("MONITOR", 1, "pg_rig_test_monitor");
	tls = connect_or_die("APP", 1, app);
	plain = connect_or_die("APP", 0, app);
	admin = connect_or_die("ADMIN", 1, app);

	CHECK(PQsslInUse(tls), "TLS session does not use TLS");
	CHECK(!PQsslInUse(plain), "plaintext session uses TLS");

	{
		struct seen want[] = {
			{ PQbackendPID(tls), 1, 0, 0 },
			{ PQbackendPID(plain), 0, 0, 0 },
			{ PQbackendPID(admin), 1, 1, 0 },
		};

		check_sessions(monitor, app, want, 3);
	}

	/* A wrong password is logged as a failed login. */
	before = file_size(log);
	bad = connect_as(rig_env("RIG_PG_APP_USER"), "not-the-password", 0, app);
	CHECK(PQstatus(bad) == CONNECTION_BAD, "login with a wrong password succeeded");
	PQfinish(bad);
	snprintf(needle, sizeof needle, "password authentication failed for user \"%s\"",
	    rig_env("RIG_PG_APP_USER"));
	CHECK(log_contains_after(log, before, needle), "'%s' not in %s", needle, log);

	PQfinish(tls);
	PQfinish(plain);
	PQfinish(admin);
	PQfinish(monitor);
	if (failures == 0)
		printf("ok: TLS, plaintext and rds_superuser sessions seen; failed login logged\n");
	return failures == 0 ? 0 : 1;
}
