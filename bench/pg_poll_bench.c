/* pg_poll_bench: what one refresh of the pg source costs, on the rig with
 * the sessions bench/pg_poll.sh holds open. For each of N refreshes, all
 * on the pg source's own connection (one serving backend, so the three
 * compare like with like: that backend's memory state changes its cost
 * per snapshot severalfold, see bench/RESULTS.md):
 *   source  the pg source's poll (pg_poller_poll): the query and turning
 *           every row into sanitized records in a batch;
 *   bare    a bare libpq fetch of the same rows (pg_poll_sql, results
 *           read and cleared): the floor any client pays;
 *   views   for the server's side: the pg_stat_activity and pg_stat_ssl
 *           views joined, which calls pg_stat_get_activity twice.
 * It prints client CPU (this thread) and the serving backend's CPU (from
 * /proc/PID/schedstat; the rig runs on this machine) and page faults.
 *   pg_poll_bench [REFRESHES]   (rig environment from tests/rig/pg/start) */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/config.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg/pg_poll.h"
#include "model/batch.h"
#include "pg/pg_conn.h"
#include "pg/pg_params.h"

static const char views_sql[] =
    "SELECT a.*, s.ssl, s.version, s.cipher, s.bits FROM pg_stat_activity a "
    "JOIN pg_stat_ssl s ON s.pid = a.pid WHERE a.backend_type = 'client backend'";

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		fprintf(stderr, "pg_poll_bench: %s not set (eval \"$(tests/rig/pg/start)\")\n", name);
		exit(2);
	}
	return v;
}

static double
thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Time PID has run on a CPU, in ms (schedstat: exact, where utime and
 * stime are sampled at clock ticks). */
static double
proc_cpu_ms(int pid)
{
	char path[64];
	unsigned long long ns = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return (double)ns / 1e6;
}

/* Sends SQL and reads every result: the bare fetch. Returns the rows of
 * the largest result. */
static int
fetch(PGconn *c, const char *sql)
{
	int rows = 0;

	if (!PQsendQuery(c, sql))
		exit(1);
	for (PGresult *r; (r = PQgetResult(c)) != NULL;) {
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "pg_poll_bench: %s", PQerrorMessage(c));
			exit(1);
		}
		if (PQntuples(r) > rows)
			rows = PQntuples(r);
		PQclear(r);
	}
	return rows;
}

struct stat_ms {
	double *v;
	int n;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
report(const char *what, struct stat_ms *cli, struct stat_ms *srv, struct stat_ms *wall, int rows,
    double faults)
{
	struct stat_ms *all[] = { cli, srv, wall };
	double mean[3] = { 0, 0, 0 }, p50[3], p95[3];

	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < all[k]->n; i++)
			mean[k] += all[k]->v[i] / all[k]->n;
		qsort(all[k]->v, (size_t)all[k]->n, sizeof(double), cmp_double);
		p50[k] = all[k]->v[all[k]->n / 2];
		p95[k] = all[k]->v[(all[k]->n * 95) / 100 < all[k]->n ? (all[k]->n * 95) / 100 :
		    all[k]->n - 1];
	}
	printf("%-7s client CPU ms mean %6.2f p50 %6.2f p95 %6.2f | server CPU ms mean %6.2f "
	    "p50 %6.2f, faults %5.0f | wall ms mean %6.2f p95 %6.2f\n", what, mean[0], p50[0],
	    p95[0], mean[1], p50[1], faults, mean[2], p95[2]);
	(void)rows;
}

/* Minor page faults of PID. */
static double
proc_faults(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long minflt = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL || fgets(buf, sizeof buf, f) == NULL) {
		if (f != NULL)
			fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lu", &minflt) != 1)
		return 0;
	return (double)minflt;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 50, rows = 0, backend;
	struct stat_ms cli[3], srv[3], wall[3];
	double faults[3] = { 0, 0, 0 };
	struct rw_error err = RW_ERROR_INIT;
	struct pg_poller poller;
	struct pg_params params;
	struct pg_conn conn;
	struct config cfg;
	struct buf full_sql = BUF_INIT;
	char *text;

	if (n < 1)
		n = 50;
	for (int k = 0; k < 3; k++) {
		cli[k].v = xcalloc((size_t)n, sizeof(double));
		srv[k].v = xcalloc((size_t)n, sizeof(double));
		wall[k].v = xcalloc((size_t)n, sizeof(double));
		cli[k].n = srv[k].n = wall[k].n = n;
	}
	text = xasprintf("[instance bench]\nhost = localhost\nport = %s\nuser = %s\npassword = %s\n"
	    "sslrootcert = %s\n", env("PGPORT"), env("RIG_PG_MONITOR_USER"),
	    env("RIG_PG_MONITOR_PASSWORD"), env("RIG_PG_CA"));
	if (config_load_string(&cfg, text, "bench", &err) != 0 ||
	    pg_params_resolve(&params, &cfg, "bench", NULL, 0, NULL, &err) != 0) {
		fprintf(stderr, "pg_poll_bench: %s\n", err.message);
		return 1;
	}
	pg_conn_init(&conn, &params);
	pg_poller_init(&poller, "bench", PG_POLL_QUERY_MAX_DEFAULT, 1);
	pg_poll_sql(&full_sql, 0);
	/* Every poll makes every session, as the first poll after a start. */
	poller.name_unchanged = 0;
	if (pg_conn_ensure(&conn, time_mono_ms() + 30000, &err) != 0) {
		fprintf(stderr, "pg_poll_bench: %s\n", err.message);
		return 1;
	}
	backend = PQbackendPID(conn.conn);

	/* Warm up: the role cache fills. */
	for (int i = 0; i < 3; i++) {
		struct batch *b = batch_new("pg", time_now_ms());

		if (pg_poller_poll(&poller, &conn, b, time_mono_ms() + 30000, &err) != 0) {
			fprintf(stderr, "pg_poll_bench: poll: %s\n", err.message);
			return 1;
		}
		batch_free(b);
	}

	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++) {
			double c0, s0, w0, f0;
			struct batch *b = NULL;

			s0 = proc_cpu_ms(backend);
			f0 = proc_faults(backend);
			w0 = (double)time_mono_ms();
			c0 = thread_cpu_ms();
			if (k == 0) {
				b = batch_new("pg", time_now_ms());
				if (pg_poller_poll(&poller, &conn, b, time_mono_ms() + 30000, &err) != 0) {
					fprintf(stderr, "pg_poll_bench: poll: %s\n", err.message);
					return 1;
				}
				rows = (int)b->kinds[M_SESSION].n;
				batch_free(b);
			} else {
				fetch(conn.conn, k == 1 ? full_sql.data : views_sql);
			}
			cli[k].v[i] = thread_cpu_ms() - c0;
			wall[k].v[i] = (double)time_mono_ms() - w0;
			srv[k].v[i] = proc_cpu_ms(backend) - s0;
			faults[k] += (proc_faults(backend) - f0) / n;
		}
	}
	printf("%d refreshes, %d client sessions seen per refresh (server: backend %d's "
	    "/proc schedstat and minor faults)\n", n, rows + 1, backend);
	report("source", &cli[0], &srv[0], &wall[0], rows, faults[0]);
	report("bare", &cli[1], &srv[1], &wall[1], rows, faults[1]);
	report("views", &cli[2], &srv[2], &wall[2], rows, faults[2]);

	pg_poller_free(&poller);
	buf_free(&full_sql);
	pg_conn_free(&conn);
	pg_params_free(&params);
	config_free(&cfg);
	free(text);
	for (int k = 0; k < 3; k++) {
		free(cli[k].v);
		free(srv[k].v);
		free(wall[k].v);
	}
	return 0;
}
