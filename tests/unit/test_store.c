/* The history file: private files, one writer, natural keys, storage
 * that grows with change, the wake fd, the debug log, alert transitions,
 * and no secret in the file. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "core/files.h"
#include "core/log.h"
#include "core/redact.h"
#include "core/timeutil.h"
#include "store/store.h"
#include "store_tmp.h"

static int64_t T0;

static int
setup(void **state)
{
	umask(022);	/* the hardened umask must not be what makes files private */
	T0 = time_now_ms() - TIME_HOUR;
	return store_tmp_setup(state);
}

#define path_of(name) store_tmp_path(name)
#define count(name, sql) store_tmp_query(name, sql)

#define open_store(name, readonly) store_tmp_open(name, readonly)

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
add_health(struct batch *b, const char *source, int ok, const char *message)
{
	struct m_source_health *h = batch_add(b, M_SOURCE_HEALTH);

	m_str_set(&h->source, source);
	m_str_set(&h->instance, "");
	h->ok = ok;
	h->last_attempt = b->polled_at;
	m_str_set(&h->error_message, message);
}

static struct m_session *
add_session(struct batch *b, int pid, const char *state, const char *query)
{
	struct m_session *s = batch_add(b, M_SESSION);

	m_str_set(&s->instance, "db-a");
	s->pid = pid;
	s->backend_start = T0 - 1000 * pid;
	m_str_set(&s->user, "app");
	m_str_set(&s->state, state);
	m_str_set(&s->query, query);
	s->ssl = 1;
	return s;
}

static struct batch *
pg_batch(int64_t at)
{
	struct batch *b = batch_new("pg", at);

	batch_cover(b, "db-a");
	batch_mark_complete(b, M_SESSION);
	return b;
}

static void
test_store_default_path_private(void **state)
{
	char *xdg = path_of("state/deeper");
	char *want = path_of("state/deeper/rdswatch/history.db");
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	struct batch *b;

	(void)state;
	setenv("XDG_STATE_HOME", xdg, 1);
	store_options_init(&o);
	assert_int_equal(store_open(&st, &o, &err), 0);
	assert_string_equal(store_path(st), want);
	b = pg_batch(T0);
	add_session(b, 1, "idle", NULL);
	store_submit(st, b);
	store_flush(st);
	assert_int_equal(mode_of(path_of("state/deeper/rdswatch")), 0700);
	assert_int_equal(mode_of(want), 0600);
	assert_int_equal(mode_of(path_of("state/deeper/rdswatch/history.db-wal")), 0600);
	assert_int_equal(mode_of(path_of("state/deeper/rdswatch/history.db-shm")), 0600);
	assert_int_equal(mode_of(path_of("state/deeper/rdswatch/history.db.lock")), 0600);
	store_close(st);
	unsetenv("XDG_STATE_HOME");
}

static void
test_store_refuses_symlinks(void **state)
{
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st = NULL;
	char buf[16] = "";
	int fd;

	(void)state;
	fd = open(path_of("victim"), O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "precious", 8), 8);
	close(fd);
	assert_int_equal(symlink(path_of("victim"), path_of("link.db")), 0);
	store_options_init(&o);
	o.path = path_of("link.db");
	assert_int_equal(store_open(&st, &o, &err), -1);
	assert_non_null(strstr(err.message, "symlink"));
	err_clear(&err);
	o.readonly = 1;
	assert_int_equal(store_open(&st, &o, &err), -1);
	err_clear(&err);

	/* The same for the write-ahead log next to a real file. */
	assert_int_equal(symlink(path_of("victim"), path_of("real.db-wal")), 0);
	o.path = path_of("real.db");
	o.readonly = 0;
	assert_int_equal(store_open(&st, &o, &err), -1);
	assert_non_null(strstr(err.message, "symlink"));
	err_clear(&err);

	fd = open(path_of("victim"), O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof buf - 1), 8);
	close(fd);
	assert_string_equal(buf, "precious");
	assert_int_equal(mode_of(path_of("victim")), 0644);
}

static void
test_store_one_writer(void **state)
{
	struct store *a = open_store("shared.db", 0), *r;
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *b = NULL;
	char pid[32];

	(void)state;
	assert_non_null(a);
	store_options_init(&o);
	o.path = path_of("shared.db");
	assert_int_equal(store_open(&b, &o, &err), -1);
	assert_non_null(strstr(err.message, "in use by another rdswatch process"));
	snprintf(pid, sizeof pid, "pid %ld", (long)getpid());
	assert_non_null(strstr(err.message, pid));
	err_clear(&err);
	/* Readers share it. */
	r = open_store("shared.db", 1);
	assert_non_null(r);
	store_close(r);
	store_close(a);
	/* Free again once the writer is gone. */
	a = open_store("shared.db", 0);
	assert_non_null(a);
	store_close(a);
}

static void
test_store_readonly_missing(void **state)
{
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st = NULL;

	(void)state;
	store_options_init(&o);
	o.path = path_of("nothing-here.db");
	o.readonly = 1;
	assert_int_equal(store_open(&st, &o, &err), -1);
	assert_non_null(strstr(err.message, "no history at"));
	err_clear(&err);
	assert_int_equal(access(path_of("nothing-here.db"), F_OK), -1);
}

static struct batch *
facts_batch(int64_t at)
{
	struct batch *b = batch_new("logs", at);
	struct m_failed_login *f;
	struct m_event *e;
	struct m_finding *g;

	for (int i = 0; i < 3; i++) {
		f = batch_add(b, M_FAILED_LOGIN);
		m_str_set(&f->instance, "db-a");
		f->time = T0 + i * 1000;
		m_str_set(&f->client_addr, "203.0.113.9");
		/* pid, port and user absent: absent key values still match. */
		m_str_set(&f->reason, "no_pg_hba_entry");
	}
	e = batch_add(b, M_EVENT);
	m_str_set(&e->source_id, "db-a");
	e->time = T0;
	m_str_set(&e->message, "Multi-AZ instance failover started.");
	g = batch_add(b, M_FINDING);
	m_str_set(&g->id, "f-1");
	g->updated_at = T0;
	g->count = 1;
	return b;
}

static void
test_store_facts_once(void **state)
{
	struct store *st = open_store("facts.db", 0);

	(void)state;
	for (int poll = 0; poll < 5; poll++)
		store_submit(st, facts_batch(T0 + 10000 + poll * 5000));
	store_close(st);
	assert_int_equal(count("facts.db", "SELECT count(*) FROM failed_logins"), 3);
	assert_int_equal(count("facts.db", "SELECT count(*) FROM events"), 1);
	assert_int_equal(count("facts.db", "SELECT count(*) FROM findings"), 1);
	/* First seen at the first poll, kept. */
	assert_int_equal(count("facts.db", "SELECT min(_seen) = max(_seen) FROM events"), 1);
}

static void
test_store_sessions_grow_with_change(void **state)
{
	struct store *st = open_store("sessions.db", 0);
	struct snapshot s;
	struct rw_error err = RW_ERROR_INIT;
	struct batch *b;

	(void)state;
	/* 200 polls of 10 steady sessions: 10 intervals, 10 versions. */
	for (int poll = 0; poll < 200; poll++) {
		b = pg_batch(T0 + poll * 5000);
		for (int pid = 1; pid <= 10; pid++)
			add_session(b, pid, "idle", "SELECT 1");
		store_submit(st, b);
	}
	store_flush(st);
	assert_int_equal(count("sessions.db", "SELECT count(*) FROM sessions"), 10);
	assert_int_equal(count("sessions.db", "SELECT count(*) FROM sessions_v"), 10);
	/* One row per poll in the poll log, nothing per session. */
	assert_int_equal(count("sessions.db", "SELECT count(*) FROM scope_polls"), 200);

	/* One session changes state, another ends. */
	b = pg_batch(T0 + 200 * 5000);
	for (int pid = 1; pid <= 9; pid++)
		add_session(b, pid, pid == 3 ? "active" : "idle", pid == 3 ? "UPDATE t" : "SELECT 1");
	store_submit(st, b);
	store_flush(st);
	assert_int_equal(count("sessions.db", "SELECT count(*) FROM sessions"), 10);
	assert_int_equal(count("sessions.db", "SELECT count(*) FROM sessions_v"), 11);
	assert_int_equal(count("sessions.db", "SELECT count(*) FROM sessions WHERE _to IS NOT NULL"), 1);

	/* As seen in the middle: first seen at the first poll, last seen at
	 * the poll before T. */
	assert_int_equal(store_snapshot_at(st, T0 + 100 * 5000 + 10, NULL, &s, &err), 0);
	assert_int_equal(s.kinds[M_SESSION].n, 10);
	M_VEC_EACH(&s.kinds[M_SESSION], struct m_session, x) {
		assert_int_equal(x->first_seen, T0);
		assert_int_equal(x->last_seen, T0 + 100 * 5000);
		assert_string_equal(x->state, "idle");
	}
	snapshot_free(&s);
	store_close(st);
}

/* Names session PID (as add_session makes it) in B as unchanged; SKEW
 * makes the named content another version than history holds. */
static void
name_session(struct batch *b, int pid, const char *state, const char *query, uint64_t skew)
{
	struct batch *t = pg_batch(b->polled_at);
	const void *rec = add_session(t, pid, state, query);

	batch_same_add(b, M_SESSION, m_key_hash(m_kind_type(M_SESSION), rec),
	    m_content_hash(m_kind_type(M_SESSION), rec) + skew);
	batch_free(t);
}

/* A poll that names its unchanged sessions (model/batch.h) leaves what a
 * poll carrying them leaves; one naming versions history does not hold
 * speaks for what it carries only, and is not logged as complete. */
static void
test_store_named_sessions(void **state)
{
	struct store *st = open_store("named.db", 0);
	struct snapshot s;
	struct rw_error err = RW_ERROR_INIT;
	struct batch *b;

	(void)state;
	b = pg_batch(T0);
	for (int pid = 1; pid <= 3; pid++)
		add_session(b, pid, "idle", "ALTER ROLE app PASSWORD 'hunter2'");
	store_submit(st, b);
	/* Named: 1 and 2 (their query masked in history, named as polled);
	 * 3 carried, changed. */
	b = pg_batch(T0 + 5000);
	name_session(b, 1, "idle", "ALTER ROLE app PASSWORD 'hunter2'", 0);
	name_session(b, 2, "idle", "ALTER ROLE app PASSWORD 'hunter2'", 0);
	add_session(b, 3, "active", "SELECT 1");
	store_submit(st, b);
	store_flush(st);
	assert_int_equal(count("named.db", "SELECT count(*) FROM sessions"), 3);
	assert_int_equal(count("named.db", "SELECT count(*) FROM sessions WHERE _to IS NOT NULL"), 0);
	assert_int_equal(count("named.db", "SELECT count(*) FROM sessions_v"), 4);
	assert_int_equal(count("named.db", "SELECT count(*) FROM scope_polls"), 2);

	/* Another version of 1 named, 2 not at all: refused, so 2 does not
	 * end and the poll is not logged as giving the sessions in full. */
	b = pg_batch(T0 + 10000);
	name_session(b, 1, "idle", "ALTER ROLE app PASSWORD 'hunter2'", 1);
	add_session(b, 3, "active", "SELECT 1");
	store_submit(st, b);
	store_flush(st);
	assert_int_equal(count("named.db", "SELECT count(*) FROM sessions WHERE _to IS NOT NULL"), 0);
	assert_int_equal(count("named.db", "SELECT count(*) FROM scope_polls"), 2);

	/* Named correctly again, 2 gone: 2 ends. */
	b = pg_batch(T0 + 15000);
	name_session(b, 1, "idle", "ALTER ROLE app PASSWORD 'hunter2'", 0);
	add_session(b, 3, "active", "SELECT 1");
	store_submit(st, b);
	store_flush(st);
	assert_int_equal(count("named.db", "SELECT count(*) FROM sessions WHERE _to IS NOT NULL"), 1);
	assert_int_equal(count("named.db", "SELECT count(*) FROM sessions_v"), 4);
	assert_int_equal(count("named.db", "SELECT count(*) FROM scope_polls"), 3);

	/* Last seen at the last poll that named or carried it. */
	assert_int_equal(store_snapshot_at(st, T0 + 15000 + 10, NULL, &s, &err), 0);
	assert_int_equal(s.kinds[M_SESSION].n, 2);
	M_VEC_EACH(&s.kinds[M_SESSION], struct m_session, x) {
		assert_int_equal(x->first_seen, T0);
		assert_int_equal(x->last_seen, T0 + 15000);
		if (x->pid == 1)
			assert_string_equal(x->query, "ALTER ROLE app PASSWORD '***'");
	}
	snapshot_free(&s);
	store_close(st);
}

static void
test_store_wake_fd_and_forward(void **state)
{
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	struct pollfd pfd;
	struct batch *b;
	uint64_t v;

	(void)state;
	store_options_init(&o);
	o.path = path_of("wake.db");
	o.forward = 1;
	assert_int_equal(store_open(&st, &o, &err), 0);
	pfd.fd = store_wake_fd(st);
	pfd.events = POLLIN;
	assert_true(pfd.fd >= 0);
	assert_int_equal(poll(&pfd, 1, 0), 0);
	assert_null(store_next_committed(st));

	b = pg_batch(T0);
	add_session(b, 7, "active", "ALTER ROLE app PASSWORD 'hunter2'");
	store_submit(st, b);
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(read(pfd.fd, &v, sizeof v), (ssize_t)sizeof v);
	assert_true(v >= 1);
	b = store_next_committed(st);
	assert_non_null(b);
	/* What the UI gets is what history holds. */
	assert_string_equal(((struct m_session *)b->kinds[M_SESSION].items)->query,
	    "ALTER ROLE app PASSWORD '***'");
	batch_free(b);
	assert_null(store_next_committed(st));
	store_close(st);
}

static void
test_store_debug_log_names_polls(void **state)
{
	struct store *st = open_store("log.db", 0);
	char *why = NULL, *text;
	struct store_stats stats;

	(void)state;
	assert_int_equal(log_open(path_of("debug.log"), LOG_STORE, &why), 0);
	for (int i = 0; i < 3; i++)
		store_submit(st, facts_batch(T0 + i));
	store_flush(st);
	store_get_stats(st, &stats);
	assert_int_equal(stats.committed, 3);
	assert_int_equal(stats.last_poll_id, 3);
	store_close(st);
	log_close();
	text = files_read_all(path_of("debug.log"), 1 << 20, NULL, &why);
	assert_non_null(text);
	assert_non_null(strstr(text, "committed poll 1: source logs"));
	assert_non_null(strstr(text, "committed poll 3: source logs"));
	free(text);
	assert_int_equal(count("log.db", "SELECT value FROM meta WHERE key = 'last_poll_id'"), 3);
}

static void
test_store_submit_never_blocks(void **state)
{
	enum { N = 200 };
	struct store_options o;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	struct store_stats stats;
	struct batch *pre[N];
	int64_t t0;

	(void)state;
	store_options_init(&o);
	o.path = path_of("busy.db");
	o.queue_max = 20;
	assert_int_equal(store_open(&st, &o, &err), 0);
	for (int i = 0; i < N; i++) {
		pre[i] = batch_new("cloudwatch", T0 + i * 1000);
		for (int k = 0; k < 2000; k++) {
			struct m_metric *m = batch_add(pre[i], M_METRIC);

			m_str_set(&m->instance, "db-a");
			m_str_set(&m->name, k % 2 ? "CPUUtilization" : "FreeableMemory");
			m->time = T0 + i * 1000 + k;
			m->value = k;
		}
	}
	/* Far more than the writer can commit meanwhile: the caller never
	 * waits for it (a full queue drops, and counts, instead). */
	t0 = time_mono_ms();
	for (int i = 0; i < N; i++)
		store_submit(st, pre[i]);
	assert_true(time_mono_ms() - t0 < 1000);
	store_flush(st);
	store_get_stats(st, &stats);
	assert_true(stats.dropped > 0);
	assert_int_equal(stats.committed + stats.dropped, N);
	store_close(st);
}

static struct batch *
rules_batch(int64_t at, const char *severity, int present, int acked)
{
	struct batch *b = batch_new("rules", at);

	batch_mark_complete(b, M_ALERT);
	batch_cover(b, "db-a");
	batch_cover(b, "");
	if (present) {
		struct m_alert *a = batch_add(b, M_ALERT);

		m_str_set(&a->key, "cpu:db-a");
		m_str_set(&a->instance, "db-a");
		m_str_set(&a->rule, "cpu");
		m_str_set(&a->title, "CPU over 90%");
		m_str_set(&a->severity, severity);
		m_str_set(&a->state, acked ? "acknowledged" : "active");
		a->opened_at = T0;
		if (acked) {
			m_str_set(&a->acked_by, "alice@bastion");
			a->acked_at = T0 + 20000;
			m_str_set(&a->ack_note, "on it");
		}
	}
	return b;
}

static void
test_store_alert_lifecycle(void **state)
{
	static const char *const want[] = { "opened", "acknowledged", "reopened", "resolved", "opened" };
	struct store *st = open_store("alerts.db", 0);
	struct rw_error err = RW_ERROR_INIT;
	struct snapshot s;
	struct batch *b;
	struct m_alert *a;
	sqlite3 *db;
	sqlite3_stmt *q;
	int i = 0;

	(void)state;
	store_submit(st, rules_batch(T0, "warning", 1, 0));
	store_submit(st, rules_batch(T0 + 10000, "warning", 1, 0));
	/* The on-call engineer acknowledges it: an upsert from the UI. */
	b = batch_new("user", T0 + 20000);
	a = batch_add(b, M_ALERT);
	m_str_set(&a->key, "cpu:db-a");
	m_str_set(&a->instance, "db-a");
	m_str_set(&a->severity, "warning");
	m_str_set(&a->state, "acknowledged");
	m_str_set(&a->acked_by, "alice@bastion");
	a->acked_at = T0 + 20000;
	m_str_set(&a->ack_note, "on it");
	store_submit(st, b);
	store_submit(st, rules_batch(T0 + 30000, "warning", 1, 1));
	/* Worse: the rules engine clears the ack and raises severity. */
	store_submit(st, rules_batch(T0 + 40000, "critical", 1, 0));
	store_submit(st, rules_batch(T0 + 50000, "critical", 0, 0));
	store_submit(st, rules_batch(T0 + 60000, "warning", 1, 0));
	store_flush(st);

	assert_int_equal(sqlite3_open_v2(path_of("alerts.db"), &db, SQLITE_OPEN_READONLY, NULL), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT event, who, note, previous_severity, time "
	    "FROM alert_events ORDER BY _id", -1, &q, NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		assert_true(i < 5);
		assert_string_equal(sqlite3_column_text(q, 0), want[i]);
		if (i == 1) {
			assert_string_equal(sqlite3_column_text(q, 1), "alice@bastion");
			assert_string_equal(sqlite3_column_text(q, 2), "on it");
			assert_int_equal(sqlite3_column_int64(q, 4), T0 + 20000);
		}
		if (i == 2)
			assert_string_equal(sqlite3_column_text(q, 3), "warning");
		if (i == 3)
			assert_int_equal(sqlite3_column_int64(q, 4), T0 + 50000);
		i++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	assert_int_equal(i, 5);

	/* Its state at each moment. */
	assert_int_equal(store_snapshot_at(st, T0 + 25000, NULL, &s, &err), 0);
	assert_int_equal(s.kinds[M_ALERT].n, 1);
	a = s.kinds[M_ALERT].items;
	assert_string_equal(a->state, "acknowledged");
	assert_string_equal(a->acked_by, "alice@bastion");
	snapshot_free(&s);
	assert_int_equal(store_snapshot_at(st, T0 + 45000, NULL, &s, &err), 0);
	a = s.kinds[M_ALERT].items;
	assert_string_equal(a->severity, "critical");
	assert_null(a->acked_by);
	snapshot_free(&s);
	assert_int_equal(store_snapshot_at(st, T0 + 55000, NULL, &s, &err), 0);
	assert_int_equal(s.kinds[M_ALERT].n, 0);
	snapshot_free(&s);
	store_close(st);
}

/* Whether NEEDLE occurs in the bytes of PATH (a missing file has none). */
static int
file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	size_t n = strlen(needle), len = 0, cap = 1 << 16;
	char *data;
	int found = 0;

	if (f == NULL)
		return 0;
	data = malloc(cap);
	for (size_t r; (r = fread(data + len, 1, cap - len, f)) > 0;) {
		len += r;
		if (len == cap)
			data = realloc(data, cap *= 2);
	}
	fclose(f);
	for (size_t i = 0; i + n <= len && !found; i++)
		found = memcmp(data + i, needle, n) == 0;
	free(data);
	return found;
}

static void
test_store_no_secret_in_file(void **state)
{
	struct store *st = open_store("secret.db", 0);
	struct rw_error err = RW_ERROR_INIT;
	struct snapshot s;
	struct batch *b;

	(void)state;
	redact_register("AKIAEXAMPLESECRETKEY0");
	b = pg_batch(T0);
	add_session(b, 11, "active", "CREATE ROLE x PASSWORD 'hunter2'");
	add_session(b, 12, "active", "ALTER USER y WITH ENCRYPTED PASSWORD E'hun\\'ter2'");
	add_session(b, 13, "active", "SELECT dblink_connect('host=h password=hunter2 user=u')");
	add_health(b, "pg", 0, "auth failed with key AKIAEXAMPLESECRETKEY0");
	store_submit(st, b);
	store_flush(st);
	/* Before a checkpoint the rows are in the -wal: look there too. */
	assert_false(file_contains(path_of("secret.db-wal"), "hunter2"));
	assert_false(file_contains(path_of("secret.db-wal"), "ter2"));
	assert_false(file_contains(path_of("secret.db-wal"), "AKIAEXAMPLESECRETKEY0"));
	assert_int_equal(store_snapshot_at(st, T0, NULL, &s, &err), 0);
	M_VEC_EACH(&s.kinds[M_SESSION], struct m_session, x) {
		assert_non_null(strstr(x->query, "***"));
		assert_null(strstr(x->query, "hunter2"));
	}
	snapshot_free(&s);
	store_close(st);
	assert_false(file_contains(path_of("secret.db"), "hunter2"));
	assert_false(file_contains(path_of("secret.db"), "AKIAEXAMPLESECRETKEY0"));
	assert_false(file_contains(path_of("secret.db-wal"), "hunter2"));
	/* The test looks where the data is: the masked query is there. */
	assert_true(file_contains(path_of("secret.db"), "CREATE ROLE x PASSWORD '***'"));
	redact_clear();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_default_path_private),
		cmocka_unit_test(test_store_refuses_symlinks),
		cmocka_unit_test(test_store_named_sessions),
		cmocka_unit_test(test_store_one_writer),
		cmocka_unit_test(test_store_readonly_missing),
		cmocka_unit_test(test_store_facts_once),
		cmocka_unit_test(test_store_sessions_grow_with_change),
		cmocka_unit_test(test_store_wake_fd_and_forward),
		cmocka_unit_test(test_store_debug_log_names_polls),
		cmocka_unit_test(test_store_submit_never_blocks),
		cmocka_unit_test(test_store_alert_lifecycle),
		cmocka_unit_test(test_store_no_secret_in_file),
	};

	return cmocka_run_group_tests(tests, setup, store_tmp_teardown);
}
