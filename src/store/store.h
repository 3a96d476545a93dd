/* History: everything the sources observe, in SQLite, so the dashboard
 * can show the last known state at once, replay any moment, and export
 * an incident.
 *
 * One writer thread commits each batch (model/batch.h) in one transaction,
 * by the same rules the live snapshot applies them (view/snapshot.h);
 * store_snapshot_at() rebuilds the snapshot of any moment from history.
 * Storage grows with change, not with polling: facts once by natural key,
 * state as intervals and versions, per-poll numbers as samples (see
 * store/policy.h), metric samples downsampled to 5-minute aggregates
 * after the raw window, everything pruned after the retention.
 *
 * The file ($XDG_STATE_HOME/rdswatch/history.db) and its -wal and -shm
 * are 0600 in a 0700 directory; a symlink is refused. One process writes
 * a file at a time (a second writer is told it is in use); any number
 * read it. */
#ifndef RW_STORE_STORE_H
#define RW_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "model/batch.h"
#include "view/snapshot.h"

struct store;

struct store_options {
	const char *path;	/* NULL: the default history file */
	int readonly;		/* export and replay: no writer, no lock */
	int forward;		/* keep committed batches for store_next_committed() */
	int64_t retention_ms;	/* history older than this is pruned (default 30 days) */
	int64_t raw_ms;		/* full resolution for this long (default 48 h) */
	int64_t busy_timeout_ms;
	size_t queue_max;	/* batches waiting beyond this are dropped (and counted) */
	/* The clock pruning goes by (tests and the bench simulate days). */
	int64_t (*clock)(void);
};

#define STORE_RETENTION_DEFAULT (30 * 24 * 3600 * 1000LL)
#define STORE_RAW_DEFAULT (48 * 3600 * 1000LL)

void store_options_init(struct store_options *o);
/* Reads [history] file, retention and raw_retention. Returns 0, or -1 with
 * ERR set; the path, when set, points into C. */
int store_options_from_config(struct store_options *o, const struct config *c,
    struct rw_error *err);

/* $XDG_STATE_HOME/rdswatch/history.db, newly allocated. */
char *store_default_path(void);

/* Opens (creating it and its directories when writing) the history file.
 * Returns 0 and *OUT, or -1 with ERR set: a symlink, a file of another
 * user, a newer schema, a file in use by another writer. */
int store_open(struct store **out, const struct store_options *opt, struct rw_error *err);
/* Whether ERR, from store_open, says another process writes the file
 * (a read-only open of it still works). */
int store_err_in_use(const struct rw_error *err);
/* Commits what is queued, stops the writer and closes. NULL is fine. */
void store_close(struct store *st);
/* The file, as given or defaulted. */
const char *store_path(const struct store *st);

/* Queues a batch for the writer; the store owns it from here. Thread-safe;
 * never blocks on I/O (the scheduler's sink). */
void store_submit(struct store *st, struct batch *b);
/* The sched_sink signature, CTX being the store. */
void store_sink(void *ctx, struct batch *b);
/* Waits until everything submitted so far is committed (or failed). */
void store_flush(struct store *st);

/* Readable after each commit (an eventfd); the UI polls it with its input.
 * Reading it (8 bytes) clears it. -1 for a read-only store. */
int store_wake_fd(const struct store *st);
/* With opt.forward: the next committed batch, in commit order, or NULL.
 * The caller frees it. Session queries in it are as stored (masked). */
struct batch *store_next_committed(struct store *st);

struct store_stats {
	int64_t last_poll_id;	/* id of the last committed batch */
	uint64_t committed;
	uint64_t failed;	/* batches whose transaction failed */
	uint64_t dropped;	/* batches dropped because the queue was full */
	size_t queued;
	char last_error[200];	/* sanitized; "" when none */
};
void store_get_stats(struct store *st, struct store_stats *out);

/* The snapshot of the fleet at AT from history, by the rules a live
 * snapshot follows (WINDOWS NULL: the defaults). OUT is initialized here;
 * the caller frees it with snapshot_free. Returns 0, or -1 with ERR set. */
int store_snapshot_at(struct store *st, int64_t at, const struct snapshot_windows *windows,
    struct snapshot *out, struct rw_error *err);

/* Runs pruning and downsampling as of NOW until done (the writer does the
 * same in small steps between commits). For tests and the bench. */
int store_prune_now(struct store *st, int64_t now, struct rw_error *err);

#endif
