#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "core/config.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg_itlib.h"
#include "rig.h"
#include "sources/pg.h"

int itpg_failures;
static char *itpg_own_rig;

void
itpg_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	itpg_rig_stop();
	exit(1);
}

PGconn *
itpg_connect(const char *user, const char *password, const char *db, int tls, const char *app)
{
	const char *keys[] = { "host", "port", "dbname", "user", "password",
		"application_name", "sslmode", "sslrootcert", NULL };
	const char *vals[] = { rig_env("PGHOST"), rig_env("PGPORT"), db, user, password, app,
		tls ? "verify-full" : "disable", rig_env("RIG_PG_CA"), NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 0);

	if (PQstatus(c) != CONNECTION_OK)
		itpg_die("connect as %s to %s (tls=%d): %s", user, db, tls, PQerrorMessage(c));
	return c;
}

PGconn *
itpg_super(void)
{
	return itpg_connect(rig_env("RIG_PG_SUPER_USER"), rig_env("RIG_PG_SUPER_PASSWORD"),
	    "postgres", 1, "it-setup");
}

void
itpg_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		itpg_die("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
}

void
itpg_execf(PGconn *c, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	sql = xvasprintf(fmt, ap);
	va_end(ap);
	itpg_exec(c, sql);
	free(sql);
}

char *
itpg_value(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	char *v;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
		itpg_die("%s: %s", sql, PQerrorMessage(c));
	v = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

struct source *
itpg_source(const char *instance, const char *user, const char *password, const char *extra)
{
	struct rw_error err = RW_ERROR_INIT;
	struct config cfg;
	struct source *s;
	/* host is the certificate's name; hostaddr the address, as an SSM
	 * port forward would have it. */
	char *text = xasprintf("[instance %s]\nhost = localhost\nhostaddr = %s\nport = %s\n"
	    "user = %s\n%s%s%s\nsslrootcert = %s\npoll_interval = 1s\npoll_timeout = 3s\n"
	    "connect_timeout = 2s\n%s\n",
	    instance, rig_env("PGHOST"), rig_env("PGPORT"), user,
	    password != NULL ? "password = " : "", password != NULL ? password : "",
	    password != NULL ? "" : "auth = env", rig_env("RIG_PG_CA"), extra != NULL ? extra : "");

	if (config_load_string(&cfg, text, "it", &err) != 0)
		itpg_die("config: %s", err.message);
	s = pg_source_new(&cfg, instance, NULL, 0, NULL, &err);
	if (s == NULL)
		itpg_die("pg_source_new: %s", err.message);
	/* The tests read sessions from the batches: all of them carried
	 * (pg_source.c tests naming on its own source). */
	pg_source_name_unchanged(s, 0);
	config_free(&cfg);
	free(text);
	return s;
}

struct batch *
itpg_poll(struct source *s, int *rc, struct rw_error *err)
{
	struct batch *b = batch_new(s->ops->kind, time_now_ms());

	err_clear(err);
	*rc = s->ops->poll(s, b, time_mono_ms() + s->timeout_ms, err);
	return b;
}

struct m_session *
itpg_session(const struct batch *b, int pid)
{
	M_VEC_EACH(&b->kinds[M_SESSION], struct m_session, s) {
		if (s->pid == pid)
			return s;
	}
	return NULL;
}

void
itpg_rig_start(void)
{
	const char *top = getenv("top_srcdir");
	char *cmd = xasprintf("%s/tests/rig/pg/start", top != NULL ? top : ".");
	FILE *f = popen(cmd, "r");
	char line[4096];

	free(cmd);
	if (f == NULL)
		itpg_die("cannot run the rig's start");
	while (fgets(line, sizeof line, f) != NULL) {
		char *eq;

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "export ", 7) != 0 || (eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		setenv(line + 7, eq + 1, 1);
	}
	if (pclose(f) != 0 || getenv("RIG_PG_DIR") == NULL)
		itpg_die("the test's own rig did not start");
	itpg_own_rig = xstrdup(getenv("RIG_PG_DIR"));
}

void
itpg_rig_stop(void)
{
	const char *top = getenv("top_srcdir");
	char *cmd;

	if (itpg_own_rig == NULL)
		return;
	cmd = xasprintf("%s/tests/rig/pg/stop '%s'", top != NULL ? top : ".", itpg_own_rig);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: rig stop failed\n");
	free(cmd);
	free(itpg_own_rig);
	itpg_own_rig = NULL;
}

void
itpg_rig_ctl(const char *action)
{
	const char *dir = rig_env("RIG_PG_DIR");
	char *cmd;

	if (strcmp(action, "stop") == 0) {
		cmd = xasprintf("cd / && %s /usr/lib/postgresql/15/bin/pg_ctl -D '%s/data' -m fast -w stop "
		    ">/dev/null", getuid() == 0 ? "runuser -u postgres --" : "", dir);
	} else {
		cmd = xasprintf("cd / && %s /usr/lib/postgresql/15/bin/pg_ctl -D '%s/data' -l '%s' "
		    "-w -t 30 -o '-p %s' start >/dev/null", getuid() == 0 ? "runuser -u postgres --" : "",
		    dir, rig_env("RIG_PG_LOG"), rig_env("PGPORT"));
	}
	if (system(cmd) != 0)
		itpg_die("pg_ctl %s failed", action);
	free(cmd);
}

char *
itpg_random_hex(int n)
{
	unsigned char b[32];
	char *s = xmalloc((size_t)n * 2 + 1);

	if (n > 32 || RAND_bytes(b, n) != 1)
		itpg_die("RAND_bytes");
	for (int i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	return s;
}
