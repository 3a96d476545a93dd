/* rig-sessions: opens and holds PostgreSQL sessions of a chosen kind on the
 * test rig, or produces failed logins. Tests, the demo and the bench use it
 * (through tests/rig/pg/open and fail-logins) to put a known population of
 * sessions in front of rdswatch.
 *
 * Connections are opened concurrently (PQconnectStartParams + poll) so the
 * bench's 2,000 sessions take seconds, not minutes. When every session is
 * ready it prints "ready PID..." (the backend pids) and holds them until
 * SIGTERM, SIGINT or SIGHUP. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#define MAX_IN_FLIGHT 64

struct opts {
	const char *user;
	const char *password;
	const char *db;
	const char *app;
	const char *active_sql;
	const char *pidfile;
	int tls;
	int count;
	int idle_in_tx;
	int fail;
};

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: rig-sessions [--role monitor|app|admin|super | --user U --password P]\n"
	    "                    [--db D] [--tls | --plain] [--count N] [--app NAME]\n"
	    "                    [--idle-in-tx | --active SQL] [--pidfile FILE]\n"
	    "       rig-sessions --fail N [--role R | --user U] [--db D] [--tls | --plain]\n"
	    "Host and port come from PGHOST/PGPORT, the CA from RIG_PG_CA; the password\n"
	    "of --user from RIG_SESSIONS_PASSWORD when --password is not given.\n");
	exit(2);
}

static const char *
env_or_die(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		fprintf(stderr, "rig-sessions: %s is not set (eval the rig's start output)\n", name);
		exit(2);
	}
	return v;
}

static void
opts_set_role(struct opts *o, const char *role)
{
	char name[64];

	if (strcmp(role, "monitor") && strcmp(role, "app") && strcmp(role, "admin") &&
	    strcmp(role, "super")) {
		fprintf(stderr, "rig-sessions: unknown role '%s'\n", role);
		exit(2);
	}
	snprintf(name, sizeof name, "RIG_PG_%c%s_USER", role[0] - 32, role + 1);
	for (char *p = name; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 32;
	o->user = env_or_die(name);
	strcpy(strstr(name, "_USER"), "_PASSWORD");
	o->password = env_or_die(name);
}

static void
opts_parse(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'w' },
		{ "db", required_argument, NULL, 'd' },
		{ "tls", no_argument, NULL, 't' },
		{ "plain", no_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "app", required_argument, NULL, 'a' },
		{ "idle-in-tx", no_argument, NULL, 'i' },
		{ "active", required_argument, NULL, 'x' },
		{ "fail", required_argument, NULL, 'f' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	o->tls = 1;
	o->count = 1;
	o->db = "postgres";
	o->app = "rig-sessions";
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': opts_set_role(o, optarg); break;
		case 'u': o->user = optarg; break;
		case 'w': o->password = optarg; break;
		case 'd': o->db = optarg; break;
		case 't': o->tls = 1; break;
		case 'p': o->tls = 0; break;
		case 'n': o->count = atoi(optarg); break;
		case 'a': o->app = optarg; break;
		case 'i': o->idle_in_tx = 1; break;
		case 'x': o->active_sql = optarg; break;
		case 'f': o->fail = atoi(optarg); break;
		case 'P': o->pidfile = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || o->user == NULL || o->count < 1 || o->fail < 0)
		usage();
	/* From the environment, so that a password is not on a command line
	 * that ps shows. */
	if (o->password == NULL)
		o->password = getenv("RIG_SESSIONS_PASSWORD");
	if (o->password == NULL && !o->fail)
		usage();
}

static PGconn *
session_start(const struct opts *o, const char *password)
{
	const char *keys[] = { "host", "port", "dbname", "user", "password",
		"application_name", "sslmode", "sslrootcert", "connect_timeout", NULL };
	const char *vals[] = { env_or_die("PGHOST"), env_or_die("PGPORT"), o->db, o->user,
		password, o->app, o->tls ? "verify-full" : "disable",
		o->tls ? env_or_die("RIG_PG_CA") : NULL, "30", NULL };

	if (!o->tls)
		keys[7] = NULL;	/* ends the list before sslrootcert */
	return PQconnectStartParams(keys, vals, 0);
}

/* Drives up to MAX_IN_FLIGHT connection attempts at once. Returns the
 * number that reached CONNECTION_OK; failed ones are left in conns[]. */
static int
sessions_connect(const struct opts *o, PGconn **conns, int n, const char *password)
{
	PostgresPollingStatusType *st = calloc(n, sizeof *st);
	int next = 0, done = 0, ok = 0;

	if (st == NULL)
		abort();
	while (done < n && !stop_requested) {
		struct pollfd pfd[MAX_IN_FLIGHT];
		int idx[MAX_IN_FLIGHT], np = 0;

		for (int i = 0; i < next; i++) {
			if (st[i] == PGRES_POLLING_OK || st[i] == PGRES_POLLING_FAILED)
				continue;
			pfd[np].fd = PQsocket(conns[i]);
			pfd[np].events = st[i] == PGRES_POLLING_READING ? POLLIN : POLLOUT;
			idx[np++] = i;
		}
		while (np < MAX_IN_FLIGHT && next < n) {
			conns[next] = session_start(o, password);
			st[next] = PGRES_POLLING_WRITING;
			if (conns[next] == NULL || PQstatus(conns[next]) == CONNECTION_BAD) {
				st[next] = PGRES_POLLING_FAILED;
				done++;
				next++;
				continue;
			}
			pfd[np].fd = PQsocket(conns[next]);
			pfd[np].events = POLLOUT;
			idx[np++] = next++;
		}
		if (np == 0)
			continue;
		if (poll(pfd, np, 1000) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < np; k++) {
			int i = idx[k];

			if (pfd[k].revents == 0)
				continue;
			st[i] = PQconnectPoll(conns[i]);
			if (st[i] == PGRES_POLLING_OK) {
				done++;
				ok++;
			} else if (st[i] == PGRES_POLLING_FAILED) {
				done++;
			}
		}
	}
	free(st);
	return ok;
}

static int
run_fail(const struct opts *o)
{
	PGconn **conns = calloc(o->fail, sizeof *conns);
	int ok;

	if (conns == NULL)
		abort();
	ok = sessions_connect(o, conns, o->fail, "wrong-password-from-rig");
	for (int i = 0; i < o->fail; i++)
		PQfinish(conns[i]);
	free(conns);
	if (ok != 0) {
		fprintf(stderr, "rig-sessions: %d logins with a wrong password succeeded\n", ok);
		return 1;
	}
	printf("failed %d\n", o->fail);
	return 0;
}

static int
session_prepare(const struct opts *o, PGconn *c)
{
	PGresult *r;

	if (o->idle_in_tx) {
		r = PQexec(c, "BEGIN; SELECT txid_current()");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "rig-sessions: %s", PQerrorMessage(c));
			PQclear(r);
			return -1;
		}
		PQclear(r);
	} else if (o->active_sql != NULL) {
		/* Sent and never read: the session stays active. */
		if (!PQsendQuery(c, o->active_sql)) {
			fprintf(stderr, "rig-sessions: %s", PQerrorMessage(c));
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	PGconn **conns;
	struct sigaction sa;
	int ok;

	opts_parse(&o, argc, argv);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o.fail)
		return run_fail(&o);

	if (o.pidfile != NULL) {
		FILE *f = fopen(o.pidfile, "w");

		if (f == NULL) {
			perror(o.pidfile);
			return 1;
		}
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}

	conns = calloc(o.count, sizeof *conns);
	if (conns == NULL)
		abort();
	ok = sessions_connect(&o, conns, o.count, o.password);
	if (ok != o.count) {
		for (int i = 0; i < o.count; i++) {
			if (conns[i] != NULL && PQstatus(conns[i]) != CONNECTION_OK) {
				fprintf(stderr, "rig-sessions: %s", PQerrorMessage(conns[i]));
				break;
			}
		}
		fprintf(stderr, "rig-sessions: %d of %d sessions connected\n", ok, o.count);
		return 1;
	}
	for (int i = 0; i < o.count; i++) {
		if (session_prepare(&o, conns[i]) != 0)
			return 1;
	}

	printf("ready");
	for (int i = 0; i < o.count; i++)
		printf(" %d", PQbackendPID(conns[i]));
	printf("\n");
	fflush(stdout);

	while (!stop_requested)
		pause();
	for (int i = 0; i < o.count; i++)
		PQfinish(conns[i]);
	free(conns);
	return 0;
}
