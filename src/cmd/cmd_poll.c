#include <config.h>

#include <pthread.h>
#include <stdlib.h>

#include "cmd/cmd_poll.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

/* How long past the largest poll timeout the run waits (the scheduler
 * abandons a poll 0.5 s after its deadline). */
#define CMD_POLL_GRACE_MS 1000
#define CMD_POLL_STOP_MS 500

struct cmd_poll_state {
	pthread_mutex_t lock;
	struct snapshot *snap;
	const struct cmd_poll_sink *sink;
};

void
cmd_poll_deliver(struct snapshot *snap, const struct cmd_poll_sink *sink, struct batch *b)
{
	if (sink != NULL && sink->prepare != NULL)
		sink->prepare(sink->prepare_ctx, b);
	snapshot_apply(snap, b, NULL);
	if (sink != NULL && sink->history != NULL)
		sink->history(sink->history_ctx, b);
	else
		batch_free(b);
}

/* The scheduler's sink: called on worker threads. */
static void
cmd_poll_apply(void *ctx, struct batch *b)
{
	struct cmd_poll_state *st = ctx;

	pthread_mutex_lock(&st->lock);
	cmd_poll_deliver(st->snap, st->sink, b);
	pthread_mutex_unlock(&st->lock);
}

int
cmd_poll_once(struct fleet *f, struct snapshot *snap, const struct cmd_poll_sink *sink)
{
	/* Static: a worker stuck past the end (left behind by sched_free)
	 * never delivers again, but its scheduler outlives this call. */
	static struct cmd_poll_state st = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL };
	int64_t wait = fleet_max_timeout(f) + CMD_POLL_GRACE_MS;
	struct scheduler *sc;
	int timed_out;

	st.snap = snap;
	st.sink = sink;
	sc = sched_new(cmd_poll_apply, &st);
	fleet_schedule(f, sc);
	timed_out = sched_run_once(sc, time_mono_ms() + wait);
	pthread_mutex_lock(&st.lock);
	snapshot_advance(snap, time_now_ms());
	pthread_mutex_unlock(&st.lock);
	sched_free(sc, CMD_POLL_STOP_MS);
	log_debug(LOG_SOURCES, "once: every source polled, %d timed out", timed_out);
	return timed_out;
}
