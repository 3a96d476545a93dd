#include <config.h>

#include <pthread.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "ui/replayer.h"

struct replayer {
	struct store *st;
	void (*wake)(void *ctx);
	void *ctx;
	pthread_t thread;
	int thread_started;
	pthread_mutex_t lock;
	pthread_cond_t work;
	int stopping;
	int pending;		/* WANT not read yet */
	int64_t want;
	/* The last answer. */
	int have;		/* 0 none, 1 a snapshot, -1 an error */
	int64_t have_at;
	struct snapshot snap;
	char *why;
};

static void *
replayer_main(void *arg)
{
	struct replayer *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct rw_error err = RW_ERROR_INIT;
		struct snapshot snap;
		int64_t at;
		int rc;

		while (!r->pending && !r->stopping)
			pthread_cond_wait(&r->work, &r->lock);
		if (r->stopping)
			break;
		at = r->want;
		r->pending = 0;
		pthread_mutex_unlock(&r->lock);

		rc = store_snapshot_at(r->st, at, NULL, &snap, &err);
		log_debug(LOG_STORE, "replay: snapshot at %lld %s", (long long)at,
		    rc == 0 ? "read" : "failed");

		pthread_mutex_lock(&r->lock);
		if (r->have == 1)
			snapshot_free(&r->snap);
		free(r->why);
		r->why = NULL;
		r->have_at = at;
		if (rc == 0) {
			r->snap = snap;
			r->have = 1;
		} else {
			snapshot_free(&snap);
			r->why = err_format(&err);
			r->have = -1;
		}
		err_clear(&err);
		pthread_mutex_unlock(&r->lock);
		r->wake(r->ctx);
		pthread_mutex_lock(&r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct replayer *
replayer_new(struct store *st, void (*wake)(void *ctx), void *ctx)
{
	struct replayer *r = xcalloc(1, sizeof *r);

	r->st = st;
	r->wake = wake;
	r->ctx = ctx;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->work, NULL);
	return r;
}

void
replayer_request(struct replayer *r, int64_t at)
{
	pthread_mutex_lock(&r->lock);
	/* Started on the first request: a dashboard never replayed has no
	 * thread for it. */
	if (!r->thread_started && pthread_create(&r->thread, NULL, replayer_main, r) == 0)
		r->thread_started = 1;
	if (!(r->have != 0 && r->have_at == at)) {
		r->want = at;
		r->pending = 1;
		pthread_cond_signal(&r->work);
	}
	pthread_mutex_unlock(&r->lock);
}

int
replayer_take(struct replayer *r, int64_t at, struct snapshot *out, char **why)
{
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (r->have != 0 && r->have_at == at) {
		rc = r->have;
		if (rc == 1)
			snapshot_copy(out, &r->snap);
		else
			*why = xstrdup(r->why != NULL ? r->why : "cannot read the history");
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

void
replayer_free(struct replayer *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = 1;
	pthread_cond_signal(&r->work);
	pthread_mutex_unlock(&r->lock);
	if (r->thread_started)
		pthread_join(r->thread, NULL);
	if (r->have == 1)
		snapshot_free(&r->snap);
	free(r->why);
	pthread_cond_destroy(&r->work);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
