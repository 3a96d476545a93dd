/* The PostgreSQL server goes away mid-run and comes back, under the real
 * scheduler with a second source beside the pg source (a rig of the
 * test's own, since it is stopped):
 *  - while the server is down the pg source reports the error (not ok,
 *    a network error, connected = 0) and keeps retrying with backoff;
 *  - the other source goes on polling on schedule the whole time;
 *  - when the server is back the pg source reconnects by itself and
 *    reports sessions again;
 *  - a server that hangs (SIGSTOP) costs the pg source its deadline,
 *    never the other source's polls. */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg_itlib.h"
#include "rig.h"
#include "sources/scheduler.h"
#include "view/snapshot.h"

struct sink {
	pthread_mutex_t lock;
	struct snapshot snap;
	int pg_batches;
};

static void
sink_apply(void *ctx, struct batch *b)
{
	struct sink *s = ctx;

	pthread_mutex_lock(&s->lock);
	if (strcmp(b->source, "pg") == 0)
		s->pg_batches++;
	snapshot_apply(&s->snap, b, NULL);
	pthread_mutex_unlock(&s->lock);
	batch_free(b);
}

/* The second source: counts its polls. */
static int ticks;

static int
tick_poll(struct source *src, struct batch *b, int64_t deadline, struct rw_error *err)
{
	(void)src, (void)b, (void)deadline, (void)err;
	__atomic_add_fetch(&ticks, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static const struct source_ops tick_ops = { "tick", tick_poll, NULL, NULL };

/* pg source health: ok, and the error kind ("" when none). */
static int
pg_state(struct sink *s, char *kind, size_t len, int *connected, size_t *sessions)
{
	const struct m_source_health *h;
	int ok = -2;

	pthread_mutex_lock(&s->lock);
	h = snapshot_source_health(&s->snap, "pg", "out");
	if (h != NULL && h->updating != 1) {
		ok = h->ok;
		snprintf(kind, len, "%s", h->error_kind ? h->error_kind : "");
	}
	*connected = -1;
	M_VEC_EACH(&s->snap.kinds[M_PG_HEALTH], struct m_pg_health, ph)
		*connected = ph->connected;
	*sessions = snapshot_count(&s->snap, M_SESSION, "out");
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* Waits up to SECONDS for the pg source's health to be WANT_OK. */
static int
wait_pg(struct sink *s, int want_ok, int seconds, char *kind, size_t len)
{
	int connected;
	size_t sessions;

	for (int i = 0; i < seconds * 10; i++) {
		if (pg_state(s, kind, len, &connected, &sessions) == want_ok)
			return 1;
		usleep(100 * 1000);
	}
	return 0;
}

/* The other source's polls over MS. */
static int
ticks_during(int ms)
{
	int before = __atomic_load_n(&ticks, __ATOMIC_SEQ_CST);

	usleep((useconds_t)ms * 1000);
	return __atomic_load_n(&ticks, __ATOMIC_SEQ_CST) - before;
}

static pid_t
postmaster_pid(void)
{
	char *path = xasprintf("%s/data/postmaster.pid", rig_env("RIG_PG_DIR"));
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (f == NULL || fscanf(f, "%ld", &pid) != 1)
		itpg_die("no postmaster.pid");
	fclose(f);
	free(path);
	return (pid_t)pid;
}

int
main(void)
{
	struct sink sink = { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0 };
	struct scheduler *sc;
	struct source *pg, *tick;
	char kind[64];
	int connected, n;
	size_t sessions;
	PGconn *held;
	pid_t pm;

	if (getenv("top_srcdir") == NULL)
		rig_skip("top_srcdir not set (run through make check)");
	itpg_rig_start();
	snapshot_init(&sink.snap, time_now_ms(), 1);
	sc = sched_new(sink_apply, &sink);
	pg = itpg_source("out", rig_env("RIG_PG_MONITOR_USER"), rig_env("RIG_PG_MONITOR_PASSWORD"),
	    "poll_timeout = 2s\nconnect_timeout = 1s");
	tick = source_new(&tick_ops, "tick", NULL, 100, 1000);
	sched_add(sc, pg);
	sched_add(sc, tick);
	held = itpg_connect(rig_env("RIG_PG_APP_USER"), rig_env("RIG_PG_APP_PASSWORD"), "postgres",
	    1, "it-outage");
	sched_start(sc);

	CHECK(wait_pg(&sink, 1, 10, kind, sizeof kind), "pg source never became ok");
	pg_state(&sink, kind, sizeof kind, &connected, &sessions);
	CHECK(connected == 1 && sessions >= 1, "connected %d, sessions %zu", connected, sessions);
	PQfinish(held);

	/* Down. */
	itpg_rig_ctl("stop");
	CHECK(wait_pg(&sink, 0, 10, kind, sizeof kind), "the outage was not reported");
	pg_state(&sink, kind, sizeof kind, &connected, &sessions);
	CHECK(strcmp(kind, "network") == 0, "error kind '%s' (want network)", kind);
	CHECK(connected == 0, "pg_health.connected %d while down", connected);
	n = ticks_during(3000);
	CHECK(n >= 15, "the other source polled %d times in 3 s while PostgreSQL was down", n);

	/* Back: reconnects by itself (backoff is at most a few seconds here). */
	itpg_rig_ctl("start");
	CHECK(wait_pg(&sink, 1, 30, kind, sizeof kind), "no reconnect after the server returned");
	pg_state(&sink, kind, sizeof kind, &connected, &sessions);
	CHECK(connected == 1, "pg_health.connected %d after the return", connected);

	/* Hung: the server stops answering; the poll's deadline ends it. */
	pm = postmaster_pid();
	{
		/* The rig's own processes, by the postmaster's pid. */
		char *cmd = xasprintf("pkill -STOP -P %ld; kill -STOP %ld", (long)pm, (long)pm);

		if (system(cmd) != 0)
			itpg_die("SIGSTOP failed");
		free(cmd);
		CHECK(wait_pg(&sink, 0, 10, kind, sizeof kind), "a hung server was not reported");
		pg_state(&sink, kind, sizeof kind, &connected, &sessions);
		CHECK(strcmp(kind, "timeout") == 0 || strcmp(kind, "network") == 0,
		    "hung server error kind '%s'", kind);
		n = ticks_during(3000);
		CHECK(n >= 15, "the other source polled %d times in 3 s while PostgreSQL hung", n);
		cmd = xasprintf("kill -CONT %ld; pkill -CONT -P %ld", (long)pm, (long)pm);
		if (system(cmd) != 0)
			itpg_die("SIGCONT failed");
		free(cmd);
		CHECK(wait_pg(&sink, 1, 30, kind, sizeof kind), "no recovery after the hang");
	}

	sched_free(sc, 5000);
	snapshot_free(&sink.snap);
	itpg_rig_stop();
	printf("pg_outage: %d failures, %d pg batches, %d ticks\n", itpg_failures, sink.pg_batches,
	    ticks);
	return itpg_failures ? 1 : 0;
}
