/* The store handle, shared by store.c (open, queue, writer thread) and
 * snapshot_at.c and history.c (readers on their own connection). */
#ifndef RW_STORE_STORE_INT_H
#define RW_STORE_STORE_INT_H

#include <pthread.h>

#include <sqlite3.h>

#include "store/schema.h"
#include "store/store.h"

struct store_writer;

struct store {
	char *path;
	struct store_options opt;
	int lock_fd;			/* flock'ed FILE.lock while writing */
	sqlite3 *wdb;			/* the writer's connection (writer thread) */
	sqlite3 *rdb;			/* the readers' connection, under rlock */
	pthread_mutex_t rlock;
	struct store_schema schema;	/* columns the readers see */
	struct store_writer *w;		/* NULL when read-only */

	pthread_t thread;
	int thread_started;
	pthread_mutex_t lock;		/* the queues and stats */
	pthread_cond_t work, idle;
	struct batch **queue;		/* a ring */
	size_t qhead, qlen, qcap;
	int writing, stopping;
	int64_t queued_at;		/* time_mono_ms the oldest queued batch came */
	int flushers;			/* callers waiting in store_flush */
	int64_t prune_request;		/* store_prune_now's NOW, or 0 */
	struct batch **fwd;		/* committed, for store_next_committed */
	size_t nfwd, capfwd;
	int wake_fd;
	struct store_stats stats;
};

#endif
