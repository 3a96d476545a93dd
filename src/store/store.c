#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/files.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/apply.h"
#include "store/prune.h"
#include "store/store_int.h"

#define STORE_QUEUE_MAX_DEFAULT 100000
#define STORE_PRUNE_INTERVAL_MS (60 * 1000)	/* a full pass when idle */
#define STORE_PRUNE_BUSY_MS 250			/* at most one step this often under load */
#define STORE_PRUNE_STEP_MS 20
#define STORE_GROUP_MAX 64		/* batches in one transaction, at most */
#define STORE_GROUP_RECORDS 50000	/* ... or about this many records */
/* How long a batch may wait for others to share its transaction: a poll's
 * "updating" mark and its result, and the polls of sources on the same
 * refresh, commit once (a commit costs the same for one record or many;
 * the screen never waits for history, and store_flush does not linger). */
#define STORE_LINGER_MS 1000

void
store_options_init(struct store_options *o)
{
	memset(o, 0, sizeof *o);
	o->retention_ms = STORE_RETENTION_DEFAULT;
	o->raw_ms = STORE_RAW_DEFAULT;
	o->busy_timeout_ms = 5000;
	o->queue_max = STORE_QUEUE_MAX_DEFAULT;
	o->clock = time_now_ms;
}

int
store_options_from_config(struct store_options *o, const struct config *c, struct rw_error *err)
{
	const char *file = config_get(c, "history", NULL, "file");

	if (file != NULL)
		o->path = file;
	if (config_get_duration(c, "history", NULL, "retention", &o->retention_ms, err) < 0 ||
	    config_get_duration(c, "history", NULL, "raw_retention", &o->raw_ms, err) < 0)
		return -1;
	if (o->raw_ms > o->retention_ms)
		o->raw_ms = o->retention_ms;
	return 0;
}

char *
store_default_path(void)
{
	char *dir = files_state_dir();
	char *path = xasprintf("%s/history.db", dir);

	free(dir);
	return path;
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

static int
store_fail(struct rw_error *err, const char *operation, const char *why)
{
	err_set(err, ERR_CONFIG, "history", operation, "%s", why);
	return -1;
}

/* A file of ours next to the history (-wal, -shm): it must not be a
 * symlink or another user's. Created 0600 when missing; left alone
 * otherwise (opening and closing it here would drop SQLite's locks). */
static int
store_check_aux(const char *path, struct rw_error *err)
{
	struct stat st;
	char *why = NULL;
	int fd;

	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			err_set(err, ERR_CONFIG, "history", "open", "cannot stat %s: %s", path,
			    strerror(errno));
			return -1;
		}
		fd = files_open_private(path, O_RDWR | O_CREAT | O_EXCL, &why);
		if (fd < 0) {
			store_fail(err, "open", why);
			free(why);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		err_set(err, ERR_CONFIG, "history", "open", "refusing %s: %s", path,
		    S_ISLNK(st.st_mode) ? "a symlink" : !S_ISREG(st.st_mode) ? "not a regular file" :
		    "owned by another user");
		return -1;
	}
	if ((st.st_mode & 077) != 0 && chmod(path, 0600) != 0) {
		err_set(err, ERR_CONFIG, "history", "open", "cannot make %s private: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
store_check_files(const char *path, struct rw_error *err)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char *p = xasprintf("%s%s", path, suffixes[i]);
		int rc = store_check_aux(p, err);

		free(p);
		if (rc != 0)
			return -1;
	}
	return 0;
}

#define STORE_IN_USE "is in use by another rdswatch process"

int
store_err_in_use(const struct rw_error *err)
{
	return err->kind == ERR_CONFIG && err->message != NULL &&
	    strstr(err->message, STORE_IN_USE) != NULL;
}

/* One writer per file: an exclusive flock on FILE.lock, which holds the
 * writer's pid for the message a second writer gets. */
static int
store_lock(struct store *st, struct rw_error *err)
{
	char *lock = xasprintf("%s.lock", st->path);
	char *why = NULL, pid[32];
	int fd = files_open_private(lock, O_RDWR | O_CREAT, &why);

	free(lock);
	if (fd < 0) {
		store_fail(err, "lock", why);
		free(why);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);

		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		err_set(err, ERR_CONFIG, "history", "open",
		    "history file %s " STORE_IN_USE "%s%s%s: use --history FILE "
		    "for a separate history, or --no-history", st->path, pid[0] ? " (pid " : "",
		    pid[0] ? pid : "", pid[0] ? ")" : "");
		close(fd);
		return -1;
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		log_debug(LOG_STORE, "cannot write the lock file: %s", strerror(errno));
	st->lock_fd = fd;
	return 0;
}

static int
store_connect(struct store *st, int writable, sqlite3 **out, struct rw_error *err)
{
	int flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
	    (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY);
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(st->path, &db, flags, NULL) != SQLITE_OK) {
		err_set(err, ERR_CONFIG, "history", "open", "cannot open %s: %s", st->path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, (int)st->opt.busy_timeout_ms);
	sqlite3_extended_result_codes(db, 1);
	*out = db;
	return 0;
}

static int
store_open_writer(struct store *st, struct rw_error *err)
{
	char *why = NULL;

	if (files_mkdir_parent_private(st->path, &why) != 0) {
		store_fail(err, "open", why);
		free(why);
		return -1;
	}
	if (store_lock(st, err) != 0 || store_check_files(st->path, err) != 0 ||
	    store_connect(st, 1, &st->wdb, err) != 0)
		return -1;
	/* WAL: readers never wait for the writer. synchronous=NORMAL: a
	 * commit survives the process being killed (not a power cut). */
	if (store_schema_exec(st->wdb, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
	    "PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -16384; "
	    "PRAGMA temp_store = MEMORY", err) != 0)
		return -1;
	if (store_schema_migrate(st->wdb, st->path, store_migrations, store_nmigrations, 1, err) != 0)
		return -1;
	/* SQLite made -wal and -shm with the database's mode; check anyway. */
	if (store_check_files(st->path, err) != 0)
		return -1;
	st->w = store_apply_new(st->wdb, &st->opt, err);
	return st->w != NULL ? 0 : -1;
}

/* A reader of an older file upgrades it when no writer holds it. */
static int
store_upgrade_for_reader(struct store *st, struct rw_error *err)
{
	sqlite3 *db = NULL;
	int rc;

	if (store_lock(st, err) != 0)
		return -1;
	rc = store_connect(st, 1, &db, err);
	if (rc == 0)
		rc = store_schema_migrate(db, st->path, store_migrations, store_nmigrations, 1, err);
	sqlite3_close(db);
	close(st->lock_fd);
	st->lock_fd = -1;
	return rc;
}

static int
store_open_reader(struct store *st, struct rw_error *err)
{
	if (st->opt.readonly) {
		struct stat sb;

		if (lstat(st->path, &sb) != 0) {
			err_set(err, ERR_CONFIG, "history", "open", "no history at %s: %s", st->path,
			    strerror(errno));
			return -1;
		}
		if (store_check_files(st->path, err) != 0)
			return -1;
	}
	if (store_connect(st, 0, &st->rdb, err) != 0)
		return -1;
	/* Snapshots and exports scan hours of samples: a larger cache, and
	 * the file mapped rather than copied page by page. */
	sqlite3_exec(st->rdb, "PRAGMA cache_size = -32768; PRAGMA mmap_size = 268435456", NULL, NULL,
	    NULL);
	if (st->opt.readonly) {
		int v = store_schema_version(st->rdb);

		/* An older file: upgrade it, when no writer holds it. */
		if (v >= 0 && v < STORE_SCHEMA_VERSION && store_upgrade_for_reader(st, err) != 0)
			return -1;
	}
	if (store_schema_migrate(st->rdb, st->path, store_migrations, store_nmigrations, 0, err) != 0)
		return -1;
	return store_schema_load(st->rdb, &st->schema, err);
}

static void store_writer_start(struct store *st);

int
store_open(struct store **out, const struct store_options *opt, struct rw_error *err)
{
	struct store *st = xcalloc(1, sizeof *st);
	pthread_condattr_t ca;

	st->opt = *opt;
	if (st->opt.clock == NULL)
		st->opt.clock = time_now_ms;
	if (st->opt.queue_max == 0)
		st->opt.queue_max = STORE_QUEUE_MAX_DEFAULT;
	st->path = opt->path != NULL ? xstrdup(opt->path) : store_default_path();
	st->opt.path = st->path;
	st->lock_fd = -1;
	st->wake_fd = -1;
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_init(&st->rlock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->work, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&st->idle, NULL);
	if ((!opt->readonly && store_open_writer(st, err) != 0) || store_open_reader(st, err) != 0) {
		store_close(st);
		return -1;
	}
	if (!opt->readonly) {
		sqlite3_exec(st->rdb, "PRAGMA query_only = 1", NULL, NULL, NULL);
		st->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		store_writer_start(st);
	}
	*out = st;
	return 0;
}

/* The writer thread. */

static void
store_wake(struct store *st)
{
	uint64_t one = 1;

	if (st->wake_fd >= 0 && write(st->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_debug(LOG_STORE, "wake: %s", strerror(errno));
}

/* Commits N queued batches in one transaction (group commit: under load
 * the writer takes what is waiting, so a backlog costs one commit, not
 * one per batch; each batch is still all or nothing). */
static void
store_commit_group(struct store *st, struct batch **b, size_t n)
{
	struct rw_error err = RW_ERROR_INIT;
	int64_t t0 = time_mono_ms(), id = 0;
	int rc = store_apply_commit(st->w, b, n, &id, &err);

	if (rc != 0 && n > 1) {
		/* One bad batch must not take the others with it. */
		err_clear(&err);
		for (size_t i = 0; i < n; i++)
			store_commit_group(st, &b[i], 1);
		return;
	}
	pthread_mutex_lock(&st->lock);
	if (rc == 0) {
		st->stats.committed += n;
		st->stats.last_poll_id = id + (int64_t)n - 1;
	} else {
		char *msg = err_format(&err);

		st->stats.failed += n;
		snprintf(st->stats.last_error, sizeof st->stats.last_error, "%s", msg);
		free(msg);
	}
	pthread_mutex_unlock(&st->lock);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			log_debug(LOG_STORE, "committed poll %lld: source %s, polled_at %lld, "
			    "%zu records, %lld ms", (long long)(id + (int64_t)i), b[i]->source,
			    (long long)b[i]->polled_at, batch_count(b[i]),
			    (long long)(time_mono_ms() - t0));
		else
			log_debug(LOG_STORE, "batch from %s (polled_at %lld) not committed: %s",
			    b[i]->source, (long long)b[i]->polled_at,
			    err.message != NULL ? err.message : "?");
		if (rc == 0 && st->opt.forward) {
			pthread_mutex_lock(&st->lock);
			if (st->nfwd == st->capfwd) {
				st->capfwd = st->capfwd ? st->capfwd * 2 : 64;
				st->fwd = xreallocarray(st->fwd, st->capfwd, sizeof *st->fwd);
			}
			st->fwd[st->nfwd++] = b[i];
			pthread_mutex_unlock(&st->lock);
		} else {
			batch_free(b[i]);
		}
	}
	err_clear(&err);
	if (rc == 0)
		store_wake(st);
}

/* One pruning step; returns whether more work is left. */
static int
store_prune_once(struct store *st, int64_t now)
{
	struct rw_error err = RW_ERROR_INIT;
	int more = store_prune_step(st->w, now, STORE_PRUNE_STEP_MS, &err);

	if (more < 0) {
		log_debug(LOG_STORE, "pruning failed: %s", err.message != NULL ? err.message : "?");
		more = 0;
	}
	err_clear(&err);
	return more;
}

/* Waits on the writer's condition for at most LEFT ms (lock held). */
static void
store_wait_ms(struct store *st, int64_t left)
{
	struct timespec ts;

	time_mono_after(&ts, left);
	pthread_cond_timedwait(&st->work, &st->lock, &ts);
}

static void *
store_writer_main(void *arg)
{
	struct store *st = arg;
	int64_t last_step = 0, last_pass = 0;
	int more = 1;

	pthread_setname_np(pthread_self(), "rw-history");
	pthread_mutex_lock(&st->lock);
	for (;;) {
		struct batch *group[STORE_GROUP_MAX];
		size_t n, records;

		if (st->prune_request != 0) {
			int64_t now = st->prune_request;

			pthread_mutex_unlock(&st->lock);
			while (store_prune_once(st, now) > 0)
				;
			pthread_mutex_lock(&st->lock);
			st->prune_request = 0;
			pthread_cond_broadcast(&st->idle);
			continue;
		}
		if (st->qlen == 0) {
			int64_t mono = time_mono_ms();

			if (st->stopping)
				break;
			if (more || mono - last_pass >= STORE_PRUNE_INTERVAL_MS) {
				pthread_mutex_unlock(&st->lock);
				if (!more)
					last_pass = mono;
				more = store_prune_once(st, st->opt.clock());
				last_step = time_mono_ms();
				pthread_mutex_lock(&st->lock);
				continue;
			}
			/* Every submit, flush, prune request and stop signals:
			 * nothing else to wake for before the next pass. */
			store_wait_ms(st, last_pass + STORE_PRUNE_INTERVAL_MS - mono);
			continue;
		}
		if (!st->stopping && st->flushers == 0 && st->qlen < STORE_GROUP_MAX &&
		    time_mono_ms() < st->queued_at + STORE_LINGER_MS) {
			store_wait_ms(st, st->queued_at + STORE_LINGER_MS - time_mono_ms());
			continue;
		}
		n = 0;
		records = 0;
		while (st->qlen > 0 && n < STORE_GROUP_MAX && records < STORE_GROUP_RECORDS) {
			group[n] = st->queue[st->qhead];
			records += batch_count(group[n++]);
			st->qhead = (st->qhead + 1) % st->qcap;
			st->qlen--;
		}
		st->writing = 1;
		pthread_mutex_unlock(&st->lock);

		store_commit_group(st, group, n);
		if (time_mono_ms() - last_step >= STORE_PRUNE_BUSY_MS &&
		    (more || time_mono_ms() - last_pass >= STORE_PRUNE_INTERVAL_MS)) {
			if (!more)
				last_pass = time_mono_ms();
			more = store_prune_once(st, st->opt.clock());
			last_step = time_mono_ms();
		}

		pthread_mutex_lock(&st->lock);
		st->writing = 0;
		if (st->qlen == 0)
			pthread_cond_broadcast(&st->idle);
	}
	pthread_cond_broadcast(&st->idle);
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

static void
store_writer_start(struct store *st)
{
	if (pthread_create(&st->thread, NULL, store_writer_main, st) == 0)
		st->thread_started = 1;
}

void
store_submit(struct store *st, struct batch *b)
{
	if (b == NULL)
		return;
	pthread_mutex_lock(&st->lock);
	if (st->w == NULL || st->stopping || st->qlen >= st->opt.queue_max) {
		st->stats.dropped++;
		pthread_mutex_unlock(&st->lock);
		log_debug(LOG_STORE, "batch from %s dropped (%s)", b->source,
		    st->w == NULL ? "history is read-only" : "the writer is behind");
		batch_free(b);
		return;
	}
	if (st->qlen == st->qcap) {
		size_t cap = st->qcap ? st->qcap * 2 : 64;
		struct batch **q = xcalloc(cap, sizeof *q);

		for (size_t i = 0; i < st->qlen; i++)
			q[i] = st->queue[(st->qhead + i) % st->qcap];
		free(st->queue);
		st->queue = q;
		st->qhead = 0;
		st->qcap = cap;
	}
	st->queue[(st->qhead + st->qlen) % st->qcap] = b;
	/* The writer wakes for the first batch and lingers for the others,
	 * unless a group is full. */
	if (st->qlen++ == 0) {
		st->queued_at = time_mono_ms();
		pthread_cond_signal(&st->work);
	} else if (st->qlen >= STORE_GROUP_MAX) {
		pthread_cond_signal(&st->work);
	}
	pthread_mutex_unlock(&st->lock);
}

void
store_sink(void *ctx, struct batch *b)
{
	store_submit(ctx, b);
}

void
store_flush(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	st->flushers++;
	pthread_cond_signal(&st->work);	/* no lingering for it */
	while (st->thread_started && (st->qlen > 0 || st->writing))
		pthread_cond_wait(&st->idle, &st->lock);
	st->flushers--;
	pthread_mutex_unlock(&st->lock);
}

int
store_prune_now(struct store *st, int64_t now, struct rw_error *err)
{
	if (!st->thread_started) {
		err_set(err, ERR_CONFIG, "history", "prune", "history is open read-only");
		return -1;
	}
	store_flush(st);
	pthread_mutex_lock(&st->lock);
	st->prune_request = now;
	pthread_cond_signal(&st->work);
	while (st->prune_request != 0)
		pthread_cond_wait(&st->idle, &st->lock);
	pthread_mutex_unlock(&st->lock);
	return 0;
}

int
store_wake_fd(const struct store *st)
{
	return st->wake_fd;
}

struct batch *
store_next_committed(struct store *st)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&st->lock);
	if (st->nfwd > 0) {
		b = st->fwd[0];
		memmove(st->fwd, st->fwd + 1, (st->nfwd - 1) * sizeof *st->fwd);
		st->nfwd--;
	}
	pthread_mutex_unlock(&st->lock);
	return b;
}

void
store_get_stats(struct store *st, struct store_stats *out)
{
	pthread_mutex_lock(&st->lock);
	*out = st->stats;
	out->queued = st->qlen;
	pthread_mutex_unlock(&st->lock);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->thread_started) {
		pthread_mutex_lock(&st->lock);
		st->stopping = 1;
		pthread_cond_signal(&st->work);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->thread, NULL);
	}
	for (size_t i = 0; i < st->qlen; i++)
		batch_free(st->queue[(st->qhead + i) % st->qcap]);
	free(st->queue);
	for (size_t i = 0; i < st->nfwd; i++)
		batch_free(st->fwd[i]);
	free(st->fwd);
	store_apply_free(st->w);
	sqlite3_close(st->rdb);
	sqlite3_close(st->wdb);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	if (st->wake_fd >= 0)
		close(st->wake_fd);
	pthread_cond_destroy(&st->work);
	pthread_cond_destroy(&st->idle);
	pthread_mutex_destroy(&st->lock);
	pthread_mutex_destroy(&st->rlock);
	free(st->path);
	free(st);
}
