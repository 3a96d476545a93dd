#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/scheduler.h"

/* A poll that returns later than this past its deadline is abandoned. */
#define SCHED_DEADLINE_GRACE_MS 500
/* The watchdog sleeps until the next deadline, within these bounds. */
#define SCHED_WATCHDOG_MIN_SLEEP_MS 10
#define SCHED_WATCHDOG_MAX_SLEEP_MS (60 * 1000)
#define SCHED_WORKER_STACK (512 * 1024)
/* A poll is marked "updating" once it has run this long. The screen draws
 * the mark with its next second, so a quicker poll would never show it,
 * and each mark is a batch for the screen, the rules and history: the
 * watchdog sends it, and only for the polls that are still running. */
#define SCHED_MARK_AFTER_MS 250

struct worker {
	struct scheduler *sc;
	struct source *src;
	pthread_t thread;
	int started;
	int64_t next_due;	/* time_mono_ms */
	int64_t poll_started;	/* time_mono_ms, 0 when idle */
	uint64_t generation;	/* bumped when a poll is abandoned */
	int poll_now;
	int marked;		/* the poll in flight was marked updating */
	int marking;		/* the watchdog is delivering that mark */
	int mark_waiter;	/* the poll's result waits for it */
	int done_once;
	int exited;
	uint64_t rng;
	struct m_source_health health;
};

struct scheduler {
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* workers and once waiters */
	struct worker **w;
	size_t n;
	sched_sink sink;
	void *ctx;
	int running;
	int stopping;
	int paused;
	int once_mode;
	size_t once_left;
	pthread_t watchdog;
	int watchdog_started;
};

struct source *
source_new(const struct source_ops *ops, const char *name, const char *instance,
    int64_t interval_ms, int64_t timeout_ms)
{
	struct source *s = xcalloc(1, sizeof *s);

	s->ops = ops;
	s->name = xstrdup(name);
	s->instance = instance != NULL ? xstrdup(instance) : NULL;
	s->interval_ms = interval_ms;
	s->timeout_ms = timeout_ms;
	return s;
}

void
source_free(struct source *s)
{
	if (s == NULL)
		return;
	if (s->ops->destroy != NULL)
		s->ops->destroy(s);
	free(s->name);
	free(s->instance);
	free(s->region);
	free(s->profile);
	free(s);
}

static uint64_t
sched_rand(struct worker *w)
{
	/* xorshift64: jitter only, no need for more. */
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

/* The interval with +-10% jitter, so sources drift apart. */
static int64_t
sched_jittered(struct worker *w, int64_t interval)
{
	int64_t span = interval / 5;

	if (span <= 0)
		return interval;
	return interval - span / 2 + (int64_t)(sched_rand(w) % (uint64_t)span);
}

struct scheduler *
sched_new(sched_sink sink, void *ctx)
{
	struct scheduler *sc = xcalloc(1, sizeof *sc);
	pthread_condattr_t ca;

	pthread_mutex_init(&sc->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sc->wake, &ca);
	pthread_condattr_destroy(&ca);
	sc->sink = sink;
	sc->ctx = ctx;
	return sc;
}

void
sched_add(struct scheduler *sc, struct source *s)
{
	struct worker *w = xcalloc(1, sizeof *w);

	w->sc = sc;
	w->src = s;
	w->rng = (uint64_t)time_now_ms() * 2654435761u + sc->n * 40503u + 1;
	m_init(&m_source_health_type, &w->health);
	/* Per-instance sources are told apart by their instance; fleet-wide
	 * ones by name ("rds", or "rds@prod/eu-west-1" for another scope). */
	m_str_set(&w->health.source, s->instance != NULL ? s->ops->kind : s->name);
	m_str_set(&w->health.instance, s->instance != NULL ? s->instance : "");
	w->health.calls = 0;
	w->health.consecutive_failures = 0;
	w->health.updating = 0;
	sc->w = xreallocarray(sc->w, sc->n + 1, sizeof *sc->w);
	sc->w[sc->n++] = w;
}

size_t
sched_count(const struct scheduler *sc)
{
	return sc->n;
}

/* A batch holding only W's current health. Caller holds the lock. */
static struct batch *
sched_health_batch(struct worker *w)
{
	struct batch *b = batch_new(w->src->ops->kind, time_now_ms());

	m_copy(&m_source_health_type, batch_add(b, M_SOURCE_HEALTH), &w->health);
	return b;
}

static void
sched_set_error(struct m_source_health *h, const struct rw_error *err)
{
	m_str_set(&h->error_kind, err_kind_name(err->kind));
	m_str_set(&h->error_service, err->service);
	m_str_set(&h->error_operation, err->operation);
	m_str_set(&h->error_code, err->code);
	m_str_set(&h->error_message, err->message);
	h->error_http_status = err->http_status;
}

static void
sched_clear_error(struct m_source_health *h)
{
	struct rw_error none = RW_ERROR_INIT;

	sched_set_error(h, &none);
	h->error_http_status = M_INT_NONE;
	free(h->missing_action);
	h->missing_action = NULL;
}

/* The IAM action an AccessDenied names: IAM's service prefix is not
 * always the signing name (CloudWatch signs as "monitoring"). */
static char *
sched_iam_action(const struct rw_error *err)
{
	const char *svc = err->service != NULL ? err->service : "?";

	if (strcmp(svc, "monitoring") == 0)
		svc = "cloudwatch";
	return xasprintf("%s:%s", svc, err->operation);
}

/* Records a timed-out poll in W's health. Caller holds the lock. */
static void
sched_mark_timeout(struct worker *w, int64_t now_mono)
{
	struct rw_error err = RW_ERROR_INIT;

	err_set(&err, ERR_TIMEOUT, w->src->ops->kind, "poll",
	    "poll did not finish within %lld s", (long long)(w->src->timeout_ms / 1000));
	sched_set_error(&w->health, &err);
	err_clear(&err);
	w->health.ok = 0;
	w->health.updating = 0;
	w->health.consecutive_failures++;
	w->health.latency_ms = now_mono - w->poll_started;
	w->health.next_poll = time_now_ms() + w->src->interval_ms;
	w->next_due = now_mono + sched_jittered(w, w->src->interval_ms);
}

/* Delivers a batch to the sink without holding the lock. */
static void
sched_deliver(struct worker *w, struct batch *b)
{
	pthread_mutex_unlock(&w->sc->lock);
	w->sc->sink(w->sc->ctx, b);
	pthread_mutex_lock(&w->sc->lock);
}

static void
sched_once_done(struct worker *w)
{
	struct scheduler *sc = w->sc;

	if (sc->once_mode && !w->done_once) {
		w->done_once = 1;
		sc->once_left--;
		pthread_cond_broadcast(&sc->wake);
	}
}

/* Runs one poll. Called and returns with the lock held. */
static void
sched_run_poll(struct worker *w)
{
	struct scheduler *sc = w->sc;
	struct source *src = w->src;
	struct rw_error err = RW_ERROR_INIT;
	struct batch *b;
	int64_t t0 = time_mono_ms(), t1, calls_before;
	uint64_t gen = w->generation;
	int rc;

	w->poll_now = 0;
	w->poll_started = t0;
	w->marked = 0;
	w->health.last_attempt = time_now_ms();

	b = batch_new(src->ops->kind, time_now_ms());
	if (src->region != NULL)
		b->region = xstrdup(src->region);
	if (src->profile != NULL)
		b->profile = xstrdup(src->profile);
	calls_before = src->calls;
	pthread_mutex_unlock(&sc->lock);
	rc = src->ops->poll(src, b, t0 + src->timeout_ms, &err);
	pthread_mutex_lock(&sc->lock);
	t1 = time_mono_ms();
	/* The result lands after the poll's mark, never before it. */
	while (w->marking) {
		w->mark_waiter = 1;
		pthread_cond_wait(&sc->wake, &sc->lock);
	}
	w->mark_waiter = 0;

	if (w->generation != gen) {
		/* The watchdog gave up on this poll and reported it. */
		log_debug(LOG_SOURCES, "%s: late poll result discarded", src->name);
		batch_free(b);
		if (src->ops->discarded != NULL)
			src->ops->discarded(src);
		err_clear(&err);
		w->poll_started = 0;
		return;
	}
	if (rc == SOURCE_POLL_IDLE && src->local) {
		batch_free(b);
		w->next_due = t0 + sched_jittered(w, src->interval_ms);
		w->poll_started = 0;
		sched_once_done(w);
		return;
	}
	w->health.calls = src->calls;
	w->health.latency_ms = t1 - t0;
	w->health.updating = 0;
	w->health.est_monthly_usd = src->est_monthly_usd;
	if (rc == 0 && t1 <= t0 + src->timeout_ms + SCHED_DEADLINE_GRACE_MS) {
		w->health.ok = 1;
		w->health.last_success = time_now_ms();
		w->health.consecutive_failures = 0;
		sched_clear_error(&w->health);
	} else {
		if (rc == 0)
			err_set(&err, ERR_TIMEOUT, src->ops->kind, "poll",
			    "poll did not finish within %lld s", (long long)(src->timeout_ms / 1000));
		w->health.ok = 0;
		w->health.consecutive_failures++;
		sched_set_error(&w->health, &err);
		if (err.kind == ERR_DENIED && err.operation != NULL) {
			char *action = sched_iam_action(&err);

			m_str_set(&w->health.missing_action, action);
			free(action);
		}
		log_debug(LOG_SOURCES, "%s: poll failed after %lld ms (%lld calls): %s", src->name,
		    (long long)(t1 - t0), (long long)(src->calls - calls_before),
		    err.message != NULL ? err.message : "?");
	}
	err_clear(&err);
	w->next_due = t0 + sched_jittered(w, src->interval_ms);
	w->health.next_poll = time_now_ms() + (w->next_due - t1);
	w->poll_started = 0;
	m_copy(&m_source_health_type, batch_add(b, M_SOURCE_HEALTH), &w->health);
	sched_once_done(w);
	sched_deliver(w, b);
}

static void *
sched_worker_main(void *arg)
{
	struct worker *w = arg;
	struct scheduler *sc = w->sc;
	char name[16];

	/* top -H and perf name the thread by its source. */
	snprintf(name, sizeof name, "rw-%s", w->src->name);
	pthread_setname_np(pthread_self(), name);
	pthread_mutex_lock(&sc->lock);
	while (!sc->stopping) {
		int64_t now = time_mono_ms();
		struct timespec ts;

		if (sc->once_mode && w->done_once) {
			pthread_cond_wait(&sc->wake, &sc->lock);
			continue;
		}
		if (w->poll_now || (!sc->paused && now >= w->next_due)) {
			sched_run_poll(w);
			continue;
		}
		time_mono_after(&ts, sc->paused ? 1000 : w->next_due - now);
		pthread_cond_timedwait(&sc->wake, &sc->lock, &ts);
	}
	w->exited = 1;
	pthread_cond_broadcast(&sc->wake);
	pthread_mutex_unlock(&sc->lock);
	return NULL;
}

/* Abandons polls past their deadline. Caller holds the lock. */
static void
sched_check_deadlines(struct scheduler *sc, int64_t now, int64_t grace)
{
	for (size_t i = 0; i < sc->n; i++) {
		struct worker *w = sc->w[i];

		if (w->poll_started == 0 || now < w->poll_started + w->src->timeout_ms + grace)
			continue;
		log_debug(LOG_SOURCES, "%s: poll abandoned after %lld ms", w->src->name,
		    (long long)(now - w->poll_started));
		w->generation++;
		sched_mark_timeout(w, now);
		w->poll_started = 0;
		sched_once_done(w);
		sched_deliver(w, sched_health_batch(w));
	}
}

/* When W's poll is to be marked updating (time_mono_ms), or 0 for never:
 * not for local sources, nor in a run-once, nor while paused. */
static int64_t
sched_mark_due(const struct scheduler *sc, const struct worker *w, int64_t now)
{
	if (w->src->local || sc->once_mode)
		return 0;
	if (w->poll_started != 0)
		return w->marked ? 0 : w->poll_started + SCHED_MARK_AFTER_MS;
	if (sc->paused && !w->poll_now)
		return 0;
	return (w->poll_now || w->next_due < now ? now : w->next_due) + SCHED_MARK_AFTER_MS;
}

/* Marks the polls that have run SCHED_MARK_AFTER_MS as updating. Caller
 * holds the lock. */
static void
sched_check_marks(struct scheduler *sc, int64_t now)
{
	for (size_t i = 0; i < sc->n; i++) {
		struct worker *w = sc->w[i];
		int64_t due;

		if (w->poll_started == 0 || (due = sched_mark_due(sc, w, now)) == 0 || now < due)
			continue;
		w->marked = 1;
		w->marking = 1;
		w->health.updating = 1;
		sched_deliver(w, sched_health_batch(w));
		w->marking = 0;
		if (w->mark_waiter)
			pthread_cond_broadcast(&sc->wake);
	}
}

/* How long the watchdog may sleep: until the first deadline or mark of a
 * poll in flight, or of one starting when it is due (a poll started
 * sooner - "R", a new interval, the end of a pause - broadcasts the
 * wake-up the watchdog waits on too). Caller holds the lock. */
static int64_t
sched_watchdog_sleep(const struct scheduler *sc, int64_t now)
{
	int64_t sleep = SCHED_WATCHDOG_MAX_SLEEP_MS;

	for (size_t i = 0; i < sc->n; i++) {
		const struct worker *w = sc->w[i];
		int64_t start = w->poll_started != 0 ? w->poll_started :
		    w->poll_now || w->next_due < now ? now : w->next_due;
		int64_t left = start + w->src->timeout_ms + SCHED_DEADLINE_GRACE_MS - now;
		int64_t mark = sched_mark_due(sc, w, now);

		if (mark != 0 && mark - now < left)
			left = mark - now;
		if (left < sleep)
			sleep = left;
	}
	return sleep < SCHED_WATCHDOG_MIN_SLEEP_MS ? SCHED_WATCHDOG_MIN_SLEEP_MS : sleep;
}

static void *
sched_watchdog_main(void *arg)
{
	struct scheduler *sc = arg;

	pthread_setname_np(pthread_self(), "rw-watchdog");
	pthread_mutex_lock(&sc->lock);
	while (!sc->stopping) {
		struct timespec ts;
		int64_t now = time_mono_ms();

		sched_check_marks(sc, now);
		sched_check_deadlines(sc, now, SCHED_DEADLINE_GRACE_MS);
		now = time_mono_ms();
		time_mono_after(&ts, sched_watchdog_sleep(sc, now));
		pthread_cond_timedwait(&sc->wake, &sc->lock, &ts);
	}
	pthread_mutex_unlock(&sc->lock);
	return NULL;
}

static void
sched_spawn(struct scheduler *sc)
{
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, SCHED_WORKER_STACK);
	pthread_mutex_lock(&sc->lock);
	sc->running = 1;
	for (size_t i = 0; i < sc->n; i++) {
		struct worker *w = sc->w[i];
		int64_t first = sc->once_mode ? 0 : (int64_t)(sched_rand(w) % 500);

		w->next_due = time_mono_ms() + first;
		if (pthread_create(&w->thread, &attr, sched_worker_main, w) == 0)
			w->started = 1;
	}
	if (pthread_create(&sc->watchdog, &attr, sched_watchdog_main, sc) == 0)
		sc->watchdog_started = 1;
	pthread_mutex_unlock(&sc->lock);
	pthread_attr_destroy(&attr);
}

void
sched_start(struct scheduler *sc)
{
	sched_spawn(sc);
}

int
sched_run_once(struct scheduler *sc, int64_t deadline)
{
	int timed_out = 0;

	sc->once_mode = 1;
	sc->once_left = sc->n;
	sched_spawn(sc);
	pthread_mutex_lock(&sc->lock);
	while (sc->once_left > 0 && time_mono_ms() < deadline) {
		struct timespec ts;

		time_mono_after(&ts, deadline - time_mono_ms());
		pthread_cond_timedwait(&sc->wake, &sc->lock, &ts);
	}
	/* Whatever is still running has missed the run's deadline. */
	for (size_t i = 0; i < sc->n; i++) {
		struct worker *w = sc->w[i];

		if (w->done_once)
			continue;
		timed_out++;
		if (w->poll_started == 0)
			w->poll_started = time_mono_ms();
		w->generation++;
		sched_mark_timeout(w, time_mono_ms());
		w->poll_started = 0;
		sched_once_done(w);
		sched_deliver(w, sched_health_batch(w));
	}
	pthread_mutex_unlock(&sc->lock);
	return timed_out;
}

void
sched_poll_now(struct scheduler *sc, const char *name)
{
	pthread_mutex_lock(&sc->lock);
	for (size_t i = 0; i < sc->n; i++) {
		if (name == NULL || strcmp(sc->w[i]->src->name, name) == 0)
			sc->w[i]->poll_now = 1;
	}
	pthread_cond_broadcast(&sc->wake);
	pthread_mutex_unlock(&sc->lock);
}

void
sched_set_paused(struct scheduler *sc, int paused)
{
	pthread_mutex_lock(&sc->lock);
	sc->paused = paused;
	pthread_cond_broadcast(&sc->wake);
	pthread_mutex_unlock(&sc->lock);
}

int
sched_paused(const struct scheduler *sc)
{
	return __atomic_load_n(&sc->paused, __ATOMIC_RELAXED);
}

int64_t
sched_scale_intervals(struct scheduler *sc, double factor, int64_t min, int64_t max)
{
	int64_t first = 0, now = time_mono_ms();

	pthread_mutex_lock(&sc->lock);
	for (size_t i = 0; i < sc->n; i++) {
		struct worker *w = sc->w[i];
		int64_t v = (int64_t)((double)w->src->interval_ms * factor);

		v = v < min ? min : v > max ? max : v;
		w->src->interval_ms = v;
		if (w->next_due > now + v)
			w->next_due = now + v;
		if (i == 0)
			first = v;
	}
	pthread_cond_broadcast(&sc->wake);
	pthread_mutex_unlock(&sc->lock);
	return first;
}

void
sched_free(struct scheduler *sc, int64_t grace_ms)
{
	int64_t until = time_mono_ms() + grace_ms;
	int any_stuck = 0;

	pthread_mutex_lock(&sc->lock);
	sc->stopping = 1;
	pthread_cond_broadcast(&sc->wake);
	/* Wait for workers to leave their loops, up to the grace period. */
	for (;;) {
		size_t alive = 0;
		struct timespec ts;

		for (size_t i = 0; i < sc->n; i++)
			alive += sc->w[i]->started && !sc->w[i]->exited;
		if (alive == 0 || time_mono_ms() >= until)
			break;
		time_mono_after(&ts, 50);
		pthread_cond_timedwait(&sc->wake, &sc->lock, &ts);
	}
	pthread_mutex_unlock(&sc->lock);
	if (sc->watchdog_started)
		pthread_join(sc->watchdog, NULL);
	for (size_t i = 0; i < sc->n; i++) {
		struct worker *w = sc->w[i];

		if (w->started && !w->exited) {
			/* Stuck in a call that ignores its deadline: leave it. */
			pthread_detach(w->thread);
			any_stuck = 1;
			continue;
		}
		if (w->started)
			pthread_join(w->thread, NULL);
		source_free(w->src);
		m_free(&m_source_health_type, &w->health);
		free(w);
	}
	if (any_stuck)
		return;	/* stuck workers still use the scheduler's lock */
	free(sc->w);
	pthread_mutex_destroy(&sc->lock);
	pthread_cond_destroy(&sc->wake);
	free(sc);
}
