/* Benchmarks of the history store (bench/store.sh runs them and prints
 * the machine; results go to bench/RESULTS.md):
 *   ingest     metric samples per second, batched as the CloudWatch
 *              source batches them (target >= 200,000/s)
 *   size       the file after a simulated 30 days of 50 instances x 20
 *              metrics at 60 s plus 500 steady sessions polled every
 *              5 s, with the scheduler's health batches (target < 500 MB)
 *   export     1 million records to JSON Lines (target < 3 s)
 *   snapshot   the snapshot at T of 50 instances (target < 50 ms)
 *
 *   store_bench DIR ingest|size|export|snapshot [DAYS]
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "export/export.h"
#include "store/store.h"

#define NINST 50
#define NMETRICS 20
#define SESSIONS_PER_INST 10

static const char *const metric_names[NMETRICS] = {
	"CPUUtilization", "DatabaseConnections", "FreeableMemory", "FreeStorageSpace",
	"SwapUsage", "ReadIOPS", "WriteIOPS", "ReadLatency", "WriteLatency", "DiskQueueDepth",
	"NetworkReceiveThroughput", "NetworkTransmitThroughput", "BurstBalance", "ReplicaLag",
	"OldestReplicationSlotLag", "TransactionLogsDiskUsage", "MaximumUsedTransactionIDs",
	"ReadThroughput", "WriteThroughput", "DBLoad",
};

static char inst_names[NINST][16];
static int64_t sim_now;

static int64_t
sim_clock(void)
{
	return sim_now;
}

static struct store *
bench_open(const char *path, int64_t (*clock)(void))
{
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;

	store_options_init(&o);
	o.path = path;
	o.clock = clock;
	o.queue_max = 1000000;
	if (store_open(&st, &o, &err) != 0) {
		fprintf(stderr, "store_open: %s\n", err.message);
		exit(1);
	}
	return st;
}

/* One CloudWatch poll: the last minute of every metric of every instance. */
static struct batch *
metrics_batch(int64_t t)
{
	struct batch *b = batch_new("cloudwatch", t + 90 * TIME_SEC);

	for (int i = 0; i < NINST; i++) {
		for (int k = 0; k < NMETRICS; k++) {
			struct m_metric *m = batch_add(b, M_METRIC);

			m_str_set(&m->instance, inst_names[i]);
			m_str_set(&m->name, metric_names[k]);
			m_str_set(&m->unit, k == 0 ? "Percent" : "Count");
			m->period_s = 60;
			m->time = t;
			m->value = (double)((t / TIME_MIN * 7 + i * 13 + k) % 1000) / 10;
		}
	}
	return b;
}

static void
wait_queue(struct store *st, size_t max)
{
	struct store_stats s;

	for (;;) {
		store_get_stats(st, &s);
		if (s.queued <= max)
			return;
		usleep(1000);
	}
}

static double
secs(int64_t ms)
{
	return (double)ms / 1000.0;
}

static int
bench_ingest(const char *dir)
{
	char *path = xasprintf("%s/ingest.db", dir);
	struct store *st = bench_open(path, NULL);
	int64_t t = time_now_ms() - 40 * TIME_HOUR, t0;
	int batches = 300;
	long samples = 0;
	struct batch **pre = xcalloc((size_t)batches, sizeof *pre);

	/* Build the batches first: the figure is the store's, not the
	 * generator's. */
	for (int i = 0; i < batches; i++)
		pre[i] = metrics_batch(t + i * TIME_MIN);
	t0 = time_mono_ms();
	for (int i = 0; i < batches; i++) {
		samples += (long)pre[i]->kinds[M_METRIC].n;
		store_submit(st, pre[i]);
	}
	store_flush(st);
	t0 = time_mono_ms() - t0;
	printf("ingest: %ld metric samples in %d batches of %d: %.2f s, %.0f samples/s\n", samples,
	    batches, NINST * NMETRICS, secs(t0), (double)samples / secs(t0));
	store_close(st);
	free(pre);
	free(path);
	return 0;
}

static struct batch *
pg_batch(int inst, int64_t t, int updating_only)
{
	struct batch *b = batch_new("pg", t);
	struct m_source_health *h;
	struct m_pg_health *ph;

	h = batch_add(b, M_SOURCE_HEALTH);
	m_str_set(&h->source, "pg");
	m_str_set(&h->instance, inst_names[inst]);
	h->ok = 1;
	h->updating = updating_only;
	h->last_attempt = t;
	h->last_success = updating_only ? t - 5000 : t + 12;
	h->next_poll = t + 5000;
	h->latency_ms = 12;
	h->calls = 2;
	h->consecutive_failures = 0;
	if (updating_only)
		return b;
	batch_cover(b, inst_names[inst]);
	batch_mark_complete(b, M_SESSION);
	batch_mark_complete(b, M_PG_HEALTH);
	for (int s = 0; s < SESSIONS_PER_INST; s++) {
		struct m_session *x = batch_add(b, M_SESSION);

		m_str_set(&x->instance, inst_names[inst]);
		x->pid = 1000 + s;
		x->backend_start = 1700000000000LL + s;
		m_str_set(&x->user, "app");
		m_str_set(&x->database, "app");
		m_str_set(&x->application_name, "pgbouncer");
		m_str_set(&x->client_addr, "10.0.0.10");
		x->client_port = 50000 + s;
		x->ssl = 1;
		m_str_set(&x->ssl_version, "TLSv1.3");
		x->superuser = 0;
		m_str_set(&x->state, "idle");
		x->state_change = 1700000000000LL;
		m_str_set(&x->query, "COMMIT");
	}
	ph = batch_add(b, M_PG_HEALTH);
	m_str_set(&ph->instance, inst_names[inst]);
	ph->connected = 1;
	m_str_set(&ph->server_version, "15.4");
	ph->connections = SESSIONS_PER_INST;
	ph->max_connections = 100;
	ph->max_xid_age = 12000000;
	ph->observed_at = t;
	return b;
}

static struct batch *
rds_batch(int64_t t)
{
	struct batch *b = batch_new("rds", t);

	b->region = xstrdup("eu-west-1");
	batch_mark_complete(b, M_INSTANCE);
	for (int i = 0; i < NINST; i++) {
		struct m_instance *x = batch_add(b, M_INSTANCE);

		m_str_set(&x->id, inst_names[i]);
		m_str_set(&x->region, "eu-west-1");
		m_str_set(&x->engine, "postgres");
		m_str_set(&x->engine_version, "15.4");
		m_str_set(&x->status, "available");
		m_str_set(&x->instance_class, "db.r6g.large");
		x->storage_encrypted = 1;
		x->backup_retention_days = 7;
		x->latest_restorable_time = t - t % (5 * TIME_MIN);
		x->observed_at = t;
	}
	return b;
}

static int64_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

static void
report_tables(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	static const char *const tables[] = { "metric_samples", "metric_5m", "sessions",
		"sessions_v", "pg_health_s", "sources_s", "scope_polls", "instances_v", "instances_s" };

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char *sql = xasprintf("SELECT count(*) FROM \"%s\"", tables[i]);

		if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
			printf("  %-16s %lld rows\n", tables[i], (long long)sqlite3_column_int64(q, 0));
		sqlite3_finalize(q);
		free(sql);
	}
	if (sqlite3_prepare_v2(db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name "
	    "ORDER BY 2 DESC LIMIT 8", -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step(q) == SQLITE_ROW)
			printf("  space: %-24s %.1f MB\n", sqlite3_column_text(q, 0),
			    (double)sqlite3_column_int64(q, 1) / 1e6);
	}
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(db, "SELECT page_count * page_size, freelist_count * page_size "
	    "FROM pragma_page_count, pragma_page_size, pragma_freelist_count", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		printf("  pages: %.1f MB, of which free (reused, not returned): %.1f MB\n",
		    (double)sqlite3_column_int64(q, 0) / 1e6, (double)sqlite3_column_int64(q, 1) / 1e6);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* A copy of template B at time T (copying is cheaper than building: the
 * figure is the store's, not the generator's). */
static struct batch *
batch_at(const struct batch *b, int64_t t)
{
	struct batch *c = batch_new(b->source, t);
	int64_t d = t - b->polled_at;

	c->complete = b->complete;
	for (size_t i = 0; i < b->covers.n; i++)
		batch_cover(c, b->covers.v[i]);
	for (int k = 0; k < M_KIND_COUNT; k++) {
		for (size_t i = 0; i < b->kinds[k].n; i++)
			m_vec_push_copy(&c->kinds[k], m_vec_at(&b->kinds[k], i));
	}
	M_VEC_EACH(&c->kinds[M_SOURCE_HEALTH], struct m_source_health, h) {
		h->last_attempt += d;
		h->last_success += d;
		h->next_poll += d;
	}
	M_VEC_EACH(&c->kinds[M_PG_HEALTH], struct m_pg_health, h)
		h->observed_at = t;
	return c;
}

/* Simulated days: the writer and its pruning run on a clock that follows
 * the batches. */
static int
bench_size(const char *dir, int days)
{
	char *path = xasprintf("%s/size.db", dir);
	struct store *st;
	struct rw_error err = RW_ERROR_INIT;
	int64_t start = (time_now_ms() - (int64_t)days * TIME_DAY) / TIME_MIN * TIME_MIN;
	int64_t end = start + (int64_t)days * TIME_DAY, t0 = time_mono_ms();
	long batches = 0;
	int64_t session_rows;

	struct batch *start_tpl[NINST], *poll_tpl[NINST];

	unlink(path);
	sim_now = start;
	st = bench_open(path, sim_clock);
	for (int i = 0; i < NINST; i++) {
		start_tpl[i] = pg_batch(i, start, 1);
		poll_tpl[i] = pg_batch(i, start, 0);
	}
	for (int64_t t = start; t < end; t += 5 * TIME_SEC) {
		sim_now = t;
		/* Each pg source polls every 5 s, spread over the 5 s; the
		 * scheduler sends "poll started" health, then the poll. */
		for (int i = 0; i < NINST; i++) {
			int64_t ti = t + i * 100;

			store_submit(st, batch_at(start_tpl[i], ti));
			store_submit(st, batch_at(poll_tpl[i], ti + 15));
			batches += 2;
		}
		if (t % TIME_MIN == 0) {
			store_submit(st, metrics_batch(t - 2 * TIME_MIN));
			store_submit(st, rds_batch(t + 1000));
			batches += 2;
		}
		wait_queue(st, 2000);
		if ((t - start) % TIME_DAY == 0 && t != start) {
			printf("  after day %lld: %.0f s, %.1f MB\n", (long long)((t - start) / TIME_DAY),
			    secs(time_mono_ms() - t0), (double)file_size(path) / 1e6);
			fflush(stdout);
		}
	}
	for (int i = 0; i < NINST; i++) {
		batch_free(start_tpl[i]);
		batch_free(poll_tpl[i]);
	}
	sim_now = end;
	store_flush(st);
	store_prune_now(st, end, &err);
	store_close(st);
	printf("size: %d simulated days (%ld batches) in %.0f s: history %.1f MB\n", days, batches,
	    secs(time_mono_ms() - t0), (double)file_size(path) / 1e6);
	report_tables(path);
	{
		sqlite3 *db;
		sqlite3_stmt *q;

		sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
		sqlite3_prepare_v2(db, "SELECT count(*) FROM sessions_v", -1, &q, NULL);
		sqlite3_step(q);
		session_rows = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		sqlite3_close(db);
		printf("  session versions: %lld for %d sessions polled %ld times each\n",
		    (long long)session_rows, NINST * SESSIONS_PER_INST,
		    (long)((end - start) / (5 * TIME_SEC)));
	}
	free(path);
	return 0;
}

static int
count_line(void *ctx, const struct store_item *it)
{
	(void)it;
	(*(long *)ctx)++;
	return 0;
}

static int
bench_export(const char *dir)
{
	char *path = xasprintf("%s/export.db", dir);
	char *out = xasprintf("%s/export.jsonl", dir);
	struct store *st;
	struct export_opts o;
	struct rw_error err = RW_ERROR_INIT;
	int64_t start = (time_now_ms() - 20 * TIME_HOUR) / TIME_MIN * TIME_MIN, t0;
	long n = 0;
	FILE *f;

	unlink(path);
	st = bench_open(path, NULL);
	for (int m = 0; m < 1000; m++) {
		store_submit(st, metrics_batch(start + m * TIME_MIN));
		wait_queue(st, 50);
	}
	store_flush(st);
	memset(&o, 0, sizeof o);
	o.q.from = start;
	o.q.to = time_now_ms();
	o.now = o.q.to;
	export_each(st, export_type_find("metric"), &o.q, count_line, &n, &err);
	f = fopen(out, "w");
	t0 = time_mono_ms();
	if (export_jsonl_write(f, st, &o, &err) != 0) {
		fprintf(stderr, "export: %s\n", err.message);
		return 1;
	}
	fclose(f);
	t0 = time_mono_ms() - t0;
	printf("export: %ld records to JSON Lines in %.2f s (%.0f records/s), %.1f MB\n", n, secs(t0),
	    (double)n / secs(t0), (double)file_size(out) / 1e6);
	store_close(st);
	unlink(out);
	free(out);
	free(path);
	return 0;
}

static struct batch *
rules_batch(int64_t t)
{
	struct batch *b = batch_new("rules", t);

	batch_mark_complete(b, M_CHECK);
	batch_mark_complete(b, M_ALERT);
	batch_cover(b, "");
	for (int i = 0; i < NINST; i++) {
		batch_cover(b, inst_names[i]);
		for (int c = 0; c < 25; c++) {
			struct m_check *x = batch_add(b, M_CHECK);
			char id[32];

			snprintf(id, sizeof id, "check_%02d", c);
			m_str_set(&x->instance, inst_names[i]);
			m_str_set(&x->check_id, id);
			m_str_set(&x->title, "a posture check");
			m_str_set(&x->status, (i + c) % 7 ? "pass" : "fail");
			m_str_set(&x->reason, "observed value");
			x->evaluated_at = t;
		}
		if (i % 5 == 0) {
			struct m_alert *a = batch_add(b, M_ALERT);
			char *key = xasprintf("cpu:%s", inst_names[i]);

			m_str_set(&a->key, key);
			free(key);
			m_str_set(&a->instance, inst_names[i]);
			m_str_set(&a->severity, "warning");
			m_str_set(&a->state, "active");
			a->updated_at = t;
		}
	}
	return b;
}

static int
bench_snapshot(const char *dir)
{
	char *path = xasprintf("%s/snapshot.db", dir);
	struct store *st;
	struct rw_error err = RW_ERROR_INIT;
	int64_t start = (time_now_ms() - 4 * TIME_HOUR) / TIME_MIN * TIME_MIN, best = INT64_MAX;
	int64_t at = start + 4 * TIME_HOUR - TIME_MIN;
	size_t n = 0, metrics = 0;

	unlink(path);
	st = bench_open(path, NULL);
	/* Four hours of a 50-instance fleet. */
	for (int64_t t = start; t < start + 4 * TIME_HOUR; t += 5 * TIME_SEC) {
		for (int i = 0; i < NINST; i++)
			store_submit(st, pg_batch(i, t + i * 100, 0));
		if (t % TIME_MIN == 0) {
			store_submit(st, metrics_batch(t - 2 * TIME_MIN));
			store_submit(st, rds_batch(t + 1000));
			store_submit(st, rules_batch(t + 2000));
		}
		wait_queue(st, 1000);
	}
	store_flush(st);
	for (int run = 0; run < 10; run++) {
		struct snapshot s;
		int64_t t0 = time_mono_ms(), d;

		if (store_snapshot_at(st, at - run * 7 * TIME_MIN, NULL, &s, &err) != 0) {
			fprintf(stderr, "snapshot: %s\n", err.message);
			return 1;
		}
		d = time_mono_ms() - t0;
		if (d < best)
			best = d;
		n = 0;
		for (int k = 0; k < M_KIND_COUNT; k++)
			n += s.kinds[k].n;
		metrics = s.kinds[M_METRIC].n;
		snapshot_free(&s);
	}
	printf("snapshot: 50 instances, %zu records (%zu of them metric samples in the 3 h window): "
	    "best of 10 %lld ms\n", n, metrics, (long long)best);
	{
		struct snapshot_windows w = snapshot_windows_default;
		struct snapshot s;
		int64_t t0;

		w.metrics_ms = 15 * TIME_MIN;
		t0 = time_mono_ms();
		store_snapshot_at(st, at, &w, &s, &err);
		printf("snapshot: with a 15-minute metrics window: %zu records in %lld ms\n",
		    s.kinds[M_METRIC].n, (long long)(time_mono_ms() - t0));
		snapshot_free(&s);
	}
	store_close(st);
	free(path);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: store_bench DIR ingest|size|export|snapshot [DAYS]\n");
		return 2;
	}
	for (int i = 0; i < NINST; i++)
		snprintf(inst_names[i], sizeof inst_names[i], "prod-db-%02d", i);
	if (strcmp(argv[2], "ingest") == 0)
		return bench_ingest(argv[1]);
	if (strcmp(argv[2], "size") == 0)
		return bench_size(argv[1], argc > 3 ? atoi(argv[3]) : 30);
	if (strcmp(argv[2], "export") == 0)
		return bench_export(argv[1]);
	if (strcmp(argv[2], "snapshot") == 0)
		return bench_snapshot(argv[1]);
	fprintf(stderr, "store_bench: unknown benchmark\n");
	return 2;
}
