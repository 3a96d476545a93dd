/* History and the live screen never disagree: the same random sequence of
 * batches (every kind, complete and partial, re-polled facts, updated
 * findings, session churn, alert acks, source health) is applied to an
 * in-memory snapshot and submitted to the store; store_snapshot_at(T)
 * must equal the in-memory snapshot at many moments T, field for field. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "store_tmp.h"
#include "view/snapshot.h"

#define NINST 3
#define NSTEPS 700

static const char *const insts[NINST] = { "db-a", "db-b", "db-c" };
static unsigned rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

static int
chance(unsigned pct)
{
	return rnd(100) < pct;
}

static struct batch *
batch_dup(const struct batch *b)
{
	struct batch *c = batch_new(b->source, b->polled_at);

	c->region = b->region != NULL ? xstrdup(b->region) : NULL;
	c->profile = b->profile != NULL ? xstrdup(b->profile) : NULL;
	c->complete = b->complete;
	for (size_t i = 0; i < b->covers.n; i++)
		batch_cover(c, b->covers.v[i]);
	for (int k = 0; k < M_KIND_COUNT; k++) {
		for (size_t i = 0; i < b->kinds[k].n; i++)
			m_vec_push_copy(&c->kinds[k], m_vec_at(&b->kinds[k], i));
	}
	return c;
}

/* The generator's own memory of what exists, so batches look like polls. */
struct gen_session {
	int live;
	int64_t pid, start;
	int state;
	int ssl;
};

static struct gen_session sessions[NINST][8];
static int alert_on[6];
static int64_t alert_acked[6];
static int64_t finding_upd[4];
static int64_t last_metric[NINST];

static const char *const states[] = { "idle", "active", "idle in transaction" };
static const char *const queries[] = { "SELECT 1", "UPDATE t SET x = $1", "COMMIT", NULL };

static void
add_health(struct batch *b, const char *source, const char *inst, int updating)
{
	struct m_source_health *h = batch_add(b, M_SOURCE_HEALTH);

	m_str_set(&h->source, source);
	m_str_set(&h->instance, inst);
	h->ok = chance(85);
	h->updating = updating;
	h->last_attempt = b->polled_at - (updating ? 0 : 40);
	if (h->ok)
		h->last_success = b->polled_at;
	h->next_poll = b->polled_at + 5000;
	h->latency_ms = updating ? M_INT_NONE : 20 + rnd(4);
	h->calls = rnd(3);
	h->consecutive_failures = h->ok ? 0 : 1 + rnd(2);
	if (!h->ok) {
		m_str_set(&h->error_kind, "network");
		m_str_set(&h->error_message, rnd(2) ? "connection refused" : "timeout");
	}
}

static struct batch *
gen_rds(int64_t p)
{
	struct batch *b = batch_new("rds", p);

	b->region = xstrdup("eu-west-1");
	b->profile = xstrdup("prod");
	batch_mark_complete(b, M_INSTANCE);
	batch_mark_complete(b, M_ACCOUNT);
	batch_mark_complete(b, M_MAINTENANCE);
	if (chance(50))
		batch_mark_complete(b, M_PARAMETER);
	for (int i = 0; i < NINST; i++) {
		struct m_instance *in;

		if (i == 2 && chance(20))
			continue;	/* deleted for a while */
		batch_cover(b, insts[i]);
		in = batch_add(b, M_INSTANCE);
		m_str_set(&in->id, insts[i]);
		m_str_set(&in->region, "eu-west-1");
		m_str_set(&in->profile, "prod");
		m_str_set(&in->status, chance(90) ? "available" : "modifying");
		in->publicly_accessible = i == 1;
		in->backup_retention_days = 7;
		in->latest_restorable_time = p - 1000 * rnd(300);
		in->observed_at = chance(90) ? p : (chance(50) ? 0 : p - 7);
		m_list_add(&in->tags, "team=db");
		if (chance(10))
			m_list_add(&in->tags, "temp=yes");
		if (chance(40)) {
			struct m_maintenance *m = batch_add(b, M_MAINTENANCE);

			m_str_set(&m->instance, insts[i]);
			m_str_set(&m->action, "system-update");
			m->observed_at = p;
		}
		if (batch_is_complete(b, M_PARAMETER)) {
			struct m_parameter *pa = batch_add(b, M_PARAMETER);

			m_str_set(&pa->instance, insts[i]);
			m_str_set(&pa->source, "parameter_group");
			m_str_set(&pa->name, "rds.force_ssl");
			m_str_set(&pa->value, chance(80) ? "1" : "0");
			pa->observed_at = p;
		}
	}
	{
		struct m_account *a = batch_add(b, M_ACCOUNT);

		m_str_set(&a->region, "eu-west-1");
		m_str_set(&a->profile, "prod");
		m_str_set(&a->account_id, "123456789012");
		a->guardduty_rds_protection = chance(90);
		a->observed_at = p;
	}
	add_health(b, "rds", "", 0);
	return b;
}

static struct batch *
gen_pg(int64_t p, int i)
{
	struct batch *b = batch_new("pg", p);
	struct m_pg_health *ph;

	batch_cover(b, insts[i]);
	batch_mark_complete(b, M_SESSION);
	batch_mark_complete(b, M_PG_HEALTH);
	batch_mark_complete(b, M_XID_AGE);
	for (int s = 0; s < 8; s++) {
		struct gen_session *g = &sessions[i][s];
		struct m_session *x;

		if (!g->live && chance(15)) {
			g->live = 1;
			g->pid = 1000 + rnd(50000);
			g->start = p - rnd(5000);
			g->state = 0;
			g->ssl = chance(70);
		} else if (g->live && chance(6)) {
			g->live = 0;
		}
		if (!g->live)
			continue;
		if (chance(20))
			g->state = (int)rnd(3);
		x = batch_add(b, M_SESSION);
		m_str_set(&x->instance, insts[i]);
		x->pid = g->pid;
		x->backend_start = g->start;
		m_str_set(&x->user, s == 0 ? "admin" : "app");
		m_str_set(&x->client_addr, "10.0.0.7");
		x->ssl = g->ssl;
		x->superuser = s == 0;
		m_str_set(&x->state, states[g->state]);
		if (queries[g->state] != NULL)
			m_str_set(&x->query, queries[g->state]);
		m_list_add(&x->blocked_by, g->state == 2 ? "42" : "7");
	}
	ph = batch_add(b, M_PG_HEALTH);
	m_str_set(&ph->instance, insts[i]);
	ph->connected = 1;
	m_str_set(&ph->server_version, "15.4");
	ph->connections = 5 + rnd(3);
	ph->max_connections = 100;
	ph->oldest_xact_age_s = chance(50) ? NAN : (double)rnd(100) / 4;
	ph->observed_at = p;
	{
		struct m_xid_age *x = batch_add(b, M_XID_AGE);

		m_str_set(&x->instance, insts[i]);
		m_str_set(&x->database, "app");
		x->age = 1000000 + rnd(10);
		x->observed_at = p;
	}
	if (chance(30)) {
		/* Slots only sometimes given in full. */
		struct m_repl_slot *r = batch_add(b, M_REPL_SLOT);

		batch_mark_complete(b, M_REPL_SLOT);
		m_str_set(&r->instance, insts[i]);
		m_str_set(&r->slot_name, "s1");
		r->active = chance(70);
		r->retained_wal_bytes = 1024 * rnd(4);
		r->observed_at = p;
	}
	add_health(b, "pg", insts[i], 0);
	return b;
}

static struct batch *
gen_facts(int64_t p)
{
	struct batch *b = batch_new(chance(50) ? "cloudwatch" : "logs", p);

	for (int i = 0; i < NINST; i++) {
		/* Metrics: the last few minutes, overlapping the previous poll. */
		int64_t end = p - p % 60000;

		for (int64_t t = end - 180000; t <= end; t += 60000) {
			struct m_metric *m = batch_add(b, M_METRIC);

			m_str_set(&m->instance, insts[i]);
			m_str_set(&m->name, "CPUUtilization");
			m_str_set(&m->unit, "Percent");
			m->time = t;
			m->period_s = 60;
			m->value = t == last_metric[i] ? 50 : (double)rnd(1000) / 10;
			last_metric[i] = t;
		}
		if (chance(30)) {
			struct m_failed_login *f = batch_add(b, M_FAILED_LOGIN);

			m_str_set(&f->instance, insts[i]);
			f->time = p - 1000 * rnd(60);
			f->pid = chance(50) ? M_INT_NONE : 300 + rnd(3);
			m_str_set(&f->client_addr, "203.0.113.9");
			m_str_set(&f->user, chance(80) ? "app" : NULL);
			m_str_set(&f->reason, "wrong_password");
			if (chance(50)) {
				/* The same lines read again. */
				m_vec_push_copy(&b->kinds[M_FAILED_LOGIN], f);
			}
		}
	}
	if (chance(20)) {
		struct m_event *e = batch_add(b, M_EVENT);

		m_str_set(&e->source_id, insts[rnd(NINST)]);
		m_str_set(&e->instance, e->source_id);
		e->time = p - 1000 * rnd(600);
		m_str_set(&e->message, rnd(2) ? "Multi-AZ instance failover started." : "Backing up DB instance");
		m_list_add(&e->categories, "failover");
	}
	if (chance(15)) {
		int k = (int)rnd(4);
		struct m_finding *f = batch_add(b, M_FINDING);
		char id[32];

		snprintf(id, sizeof id, "finding-%d", k);
		m_str_set(&f->id, id);
		m_str_set(&f->instance, insts[k % NINST]);
		m_str_set(&f->type, "CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce");
		f->severity = 8;
		if (finding_upd[k] == 0 || chance(60))
			finding_upd[k] = p - 1000 * rnd(30);	/* updated (or an old version again) */
		f->updated_at = finding_upd[k];
		f->created_at = finding_upd[k] - 1000;
		f->count = (int64_t)(finding_upd[k] / 1000 % 97);
	}
	add_health(b, b->source, "", 0);
	return b;
}

/* Alert A's record, as the rules engine and the UI both write it. */
static struct m_alert *
add_alert(struct batch *b, int a)
{
	struct m_alert *x = batch_add(b, M_ALERT);
	char key[32];

	snprintf(key, sizeof key, "rule%d:%s", a, a < NINST ? insts[a] : "");
	m_str_set(&x->key, key);
	m_str_set(&x->instance, a < NINST ? insts[a] : "");
	m_str_set(&x->rule, "rule");
	return x;
}

static struct batch *
gen_rules(int64_t p)
{
	struct batch *b = batch_new("rules", p);

	batch_mark_complete(b, M_ALERT);
	batch_mark_complete(b, M_CHECK);
	for (int i = 0; i < NINST; i++)
		batch_cover(b, insts[i]);
	batch_cover(b, "");
	for (int a = 0; a < 6; a++) {
		struct m_alert *x;

		if (chance(15))
			alert_on[a] = !alert_on[a];
		if (!alert_on[a]) {
			alert_acked[a] = 0;
			continue;
		}
		x = add_alert(b, a);
		m_str_set(&x->severity, chance(80) ? "warning" : "critical");
		m_str_set(&x->state, alert_acked[a] ? "acknowledged" : "active");
		x->opened_at = p - 1000;
		x->updated_at = chance(50) ? p : p - 1000;
		if (alert_acked[a] && chance(90)) {
			m_str_set(&x->acked_by, "oncall@host");
			x->acked_at = alert_acked[a];
		} else {
			alert_acked[a] = 0;
		}
	}
	for (int i = 0; i < NINST; i++) {
		struct m_check *c = batch_add(b, M_CHECK);

		m_str_set(&c->instance, insts[i]);
		m_str_set(&c->check_id, "tls_enforced");
		m_str_set(&c->status, chance(85) ? "pass" : "fail");
		c->evaluated_at = p;
	}
	add_health(b, "rules", "", 0);
	return b;
}

static struct batch *
gen_ack(int64_t p)
{
	struct batch *b = batch_new("user", p);

	for (int a = 0; a < 6; a++) {
		struct m_alert *x;

		if (!alert_on[a] || alert_acked[a] || !chance(50))
			continue;
		x = add_alert(b, a);
		m_str_set(&x->severity, "warning");
		m_str_set(&x->state, "acknowledged");
		m_str_set(&x->acked_by, "oncall@host");
		m_str_set(&x->ack_note, "looking");
		x->acked_at = p;
		x->updated_at = p;
		alert_acked[a] = p;
		break;
	}
	return b;
}

static struct batch *
gen_batch(int64_t p)
{
	unsigned r = rnd(100);
	struct batch *b;

	if (r < 10)
		return gen_rds(p);
	if (r < 55)
		return gen_pg(p, (int)rnd(NINST));
	if (r < 75)
		return gen_facts(p);
	if (r < 87)
		return gen_rules(p);
	if (r < 92)
		return gen_ack(p);
	/* The scheduler's "poll started" health batch. */
	b = batch_new("pg", p);
	add_health(b, "pg", insts[rnd(NINST)], 1);
	return b;
}

static const struct m_type *cmp_type;

static int
cmp_rec(const void *a, const void *b)
{
	return m_key_cmp(cmp_type, a, b);
}

static void
print_rec(const char *what, const struct m_type *t, const void *rec)
{
	cJSON *j = m_to_json(t, rec);
	char *s = cJSON_PrintUnformatted(j);

	fprintf(stderr, "  %s: %s\n", what, s);
	cJSON_free(s);
	cJSON_Delete(j);
}

static int
compare_snapshots(struct snapshot *mem, struct snapshot *hist)
{
	int bad = 0;

	for (int k = 0; k < M_KIND_COUNT; k++) {
		struct m_vec *a = &mem->kinds[k], *b = &hist->kinds[k];

		cmp_type = a->type;
		m_vec_sort(a, cmp_rec);
		m_vec_sort(b, cmp_rec);
		if (a->n != b->n) {
			fprintf(stderr, "at %lld: %s: %zu in memory, %zu in history\n",
			    (long long)mem->at, m_kind_plural((enum m_kind)k), a->n, b->n);
			for (size_t i = 0; i < a->n; i++)
				print_rec("mem", a->type, m_vec_at(a, i));
			for (size_t i = 0; i < b->n; i++)
				print_rec("hist", b->type, m_vec_at(b, i));
			bad = 1;
			continue;
		}
		for (size_t i = 0; i < a->n; i++) {
			if (!m_equal(a->type, m_vec_at(a, i), m_vec_at(b, i))) {
				fprintf(stderr, "at %lld: %s differ:\n", (long long)mem->at,
				    m_kind_plural((enum m_kind)k));
				print_rec("mem", a->type, m_vec_at(a, i));
				print_rec("hist", b->type, m_vec_at(b, i));
				bad = 1;
			}
		}
	}
	return bad;
}

struct checkpoint {
	int64_t at;
	struct snapshot snap;
};

static void
run_equivalence(unsigned seed, int restart_midway)
{
	const struct snapshot_windows windows = {
		.metrics_ms = 10 * TIME_MIN,
		.events_ms = 30 * TIME_MIN,
		.findings_ms = 20 * TIME_MIN,
		.failed_logins_ms = 15 * TIME_MIN,
	};
	struct checkpoint *cps = xcalloc(NSTEPS, sizeof *cps);
	struct store_options opt;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	struct snapshot mem;
	char path[128];
	int64_t p = time_now_ms() - 3 * TIME_HOUR;
	size_t ncp = 0, i;
	int bad = 0;

	rng_state = seed;
	memset(sessions, 0, sizeof sessions);
	memset(alert_on, 0, sizeof alert_on);
	memset(alert_acked, 0, sizeof alert_acked);
	memset(finding_upd, 0, sizeof finding_upd);
	memset(last_metric, 0, sizeof last_metric);
	snprintf(path, sizeof path, "%s/equiv-%u.db", store_tmp_dir, seed);
	store_options_init(&opt);
	opt.path = path;
	assert_int_equal(store_open(&st, &opt, &err), 0);
	snapshot_init(&mem, p, 1);
	mem.windows = windows;

	for (int step = 0; step < NSTEPS; step++) {
		struct batch *b = gen_batch(p);
		int64_t next;

		snapshot_advance(&mem, p);
		snapshot_apply(&mem, b, NULL);
		store_submit(st, batch_dup(b));
		batch_free(b);
		if (restart_midway && step == NSTEPS / 2) {
			/* The writer's index of what is current, rebuilt from
			 * the file, must carry on exactly. */
			store_close(st);
			assert_int_equal(store_open(&st, &opt, &err), 0);
		}
		next = p + (chance(10) ? 0 : 200 + rnd(6000));
		if (next > p && chance(40)) {
			struct checkpoint *c = &cps[ncp++];

			c->at = p + rnd((unsigned)(next - p));
			snapshot_copy(&c->snap, &mem);
			snapshot_advance(&c->snap, c->at);
		}
		p = next;
	}
	store_flush(st);
	for (i = 0; i < ncp && !bad; i++) {
		struct snapshot hist;

		assert_int_equal(store_snapshot_at(st, cps[i].at, &windows, &hist, &err), 0);
		assert_int_equal(hist.at, cps[i].at);
		bad |= compare_snapshots(&cps[i].snap, &hist);
		snapshot_free(&hist);
		snapshot_free(&cps[i].snap);
	}
	for (; i < ncp; i++)
		snapshot_free(&cps[i].snap);
	assert_true(ncp > NSTEPS / 4);
	snapshot_free(&mem);
	free(cps);
	store_close(st);
	assert_int_equal(bad, 0);
}

static void
test_equiv_seed1(void **state)
{
	(void)state;
	run_equivalence(1, 0);
}

static void
test_equiv_seed2(void **state)
{
	(void)state;
	run_equivalence(20261122, 0);
}

static void
test_equiv_restart(void **state)
{
	(void)state;
	run_equivalence(777, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equiv_seed1),
		cmocka_unit_test(test_equiv_seed2),
		cmocka_unit_test(test_equiv_restart),
	};

	return cmocka_run_group_tests(tests, store_tmp_setup, store_tmp_teardown);
}
