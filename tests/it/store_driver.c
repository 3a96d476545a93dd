/* Feeds the real store through store_submit, for the tests that need a
 * process writing history: crash safety (kill -9 during heavy writes),
 * two writers on one file, and exports of a known incident.
 *
 *   store_driver --history FILE [--debug store --log FILE] SCENARIO
 *
 * heavy [--forever | --batches N] [--samples N]
 *     batches as fast as the writer takes them, each with an event
 *     "batch N" at the batch's polled_at (so a test can find every
 *     committed batch), N metric samples and churning sessions.
 * incident [--start WHEN]
 *     a scripted incident over ~5 minutes from WHEN (default 1h ago):
 *     a failed-login burst, a brute-force finding, a plaintext and a
 *     superuser session (and one running CREATE ROLE ... PASSWORD
 *     'hunter2'), a CPU spike, an alert opened, acknowledged, worsened
 *     (re-opened) and resolved, a posture change, a failover event and a
 *     source outage. */
#include <config.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/store.h"

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void
health(struct batch *b, const char *source, const char *inst, int ok, const char *error)
{
	struct m_source_health *h = batch_add(b, M_SOURCE_HEALTH);

	m_str_set(&h->source, source);
	m_str_set(&h->instance, inst);
	h->ok = ok;
	h->updating = 0;
	h->last_attempt = b->polled_at;
	if (ok)
		h->last_success = b->polled_at;
	h->latency_ms = 30;
	h->consecutive_failures = ok ? 0 : 1;
	if (error != NULL) {
		m_str_set(&h->error_kind, "network");
		m_str_set(&h->error_message, error);
	}
}

static void
wait_for_writer(struct store *st)
{
	struct store_stats s;

	for (;;) {
		store_get_stats(st, &s);
		if (s.queued < 200 || stop)
			return;
		nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	}
}

static int
run_heavy(struct store *st, long batches, int samples)
{
	int64_t last = 0;

	for (long n = 0; (batches < 0 || n < batches) && !stop; n++) {
		int64_t p = time_now_ms();
		struct batch *b;
		struct m_event *e;
		char msg[64];

		if (p <= last)
			p = last + 1;
		last = p;
		b = batch_new("driver", p);
		e = batch_add(b, M_EVENT);
		m_str_set(&e->source_id, "driver");
		m_str_set(&e->instance, "db-heavy");
		e->time = p;
		snprintf(msg, sizeof msg, "batch %ld", n);
		m_str_set(&e->message, msg);
		for (int i = 0; i < samples; i++) {
			struct m_metric *m = batch_add(b, M_METRIC);
			char name[32];

			snprintf(name, sizeof name, "Metric%d", i % 20);
			m_str_set(&m->instance, i % 40 < 20 ? "db-heavy" : "db-heavy-2");
			m_str_set(&m->name, name);
			m->time = p - i / 40;
			m->value = (double)((n * 7 + i) % 100);
		}
		batch_cover(b, "db-heavy");
		batch_mark_complete(b, M_SESSION);
		for (int s = 0; s < 20; s++) {
			struct m_session *x = batch_add(b, M_SESSION);

			m_str_set(&x->instance, "db-heavy");
			x->pid = 100 + (s + n / 50) % 40;
			x->backend_start = 1000 * x->pid;
			m_str_set(&x->state, (n + s) % 3 ? "idle" : "active");
			m_str_set(&x->user, "app");
		}
		health(b, "driver", "", 1, NULL);
		store_submit(st, b);
		wait_for_writer(st);
	}
	return 0;
}

/* The incident's batches, submitted in time order at the end. */
static struct batch **incident;
static size_t nincident;

static void
queue(struct store *st, struct batch *b)
{
	(void)st;
	incident = xreallocarray(incident, nincident + 1, sizeof *incident);
	incident[nincident++] = b;
}

static int
by_time(const void *a, const void *b)
{
	const struct batch *x = *(struct batch *const *)a, *y = *(struct batch *const *)b;

	return (x->polled_at > y->polled_at) - (x->polled_at < y->polled_at);
}

/* The incident, at T + offset seconds. */
static struct batch *
at(const char *source, int64_t start, int sec)
{
	return batch_new(source, start + sec * TIME_SEC);
}

static void
instance_batch(struct store *st, int64_t s, int sec)
{
	struct batch *b = at("rds", s, sec);
	struct m_instance *i = batch_add(b, M_INSTANCE);

	b->region = xstrdup("eu-west-1");
	batch_mark_complete(b, M_INSTANCE);
	m_str_set(&i->id, "db-a");
	m_str_set(&i->region, "eu-west-1");
	m_str_set(&i->engine, "postgres");
	m_str_set(&i->status, "available");
	i->observed_at = b->polled_at;
	health(b, "rds", "", 1, NULL);
	queue(st, b);
}

static struct m_session *
session(struct batch *b, int pid, int ssl, int su, const char *user, const char *query)
{
	struct m_session *x = batch_add(b, M_SESSION);

	m_str_set(&x->instance, "db-a");
	x->pid = pid;
	x->backend_start = 1795300000000LL + pid;	/* stable: part of the key */
	m_str_set(&x->user, user);
	m_str_set(&x->database, "app");
	m_str_set(&x->client_addr, ssl ? "10.0.0.5" : "198.51.100.23");
	x->client_port = 40000 + pid;
	m_str_set(&x->application_name, "psql");
	x->ssl = ssl;
	x->superuser = su;
	if (su)
		m_str_set(&x->superuser_via, "rds_superuser");
	x->provider_owned = 0;
	m_str_set(&x->state, "active");
	m_str_set(&x->query, query);
	return x;
}

static void
pg_batch(struct store *st, int64_t s, int sec, int with_risky)
{
	struct batch *b = at("pg", s, sec);

	batch_cover(b, "db-a");
	batch_mark_complete(b, M_SESSION);
	session(b, 501, 1, 0, "app", "SELECT 1");
	if (with_risky) {
		session(b, 502, 0, 0, "app", "SELECT * FROM orders");
		session(b, 503, 1, 1, "dba_admin", "SELECT now()");
		session(b, 504, 1, 1, "dba_admin", "CREATE ROLE x PASSWORD 'hunter2'");
	}
	health(b, "pg", "db-a", 1, NULL);
	queue(st, b);
}

static void
metric_batch(struct store *st, int64_t s, int sec, double cpu)
{
	struct batch *b = at("cloudwatch", s, sec);
	struct m_metric *m = batch_add(b, M_METRIC);

	m_str_set(&m->instance, "db-a");
	m_str_set(&m->name, "CPUUtilization");
	m_str_set(&m->unit, "Percent");
	m->time = b->polled_at - 30 * TIME_SEC;
	m->period_s = 60;
	m->value = cpu;
	health(b, "cloudwatch", "", 1, NULL);
	queue(st, b);
}

/* The scenario's one alert, acknowledged at ACKED_AT when not 0. */
static struct m_alert *
cpu_alert(struct batch *b, const char *severity, int64_t acked_at)
{
	struct m_alert *a = batch_add(b, M_ALERT);

	m_str_set(&a->key, "cpu_high:db-a");
	m_str_set(&a->instance, "db-a");
	m_str_set(&a->rule, "cpu_high");
	m_str_set(&a->severity, severity);
	m_str_set(&a->title, "CPU over 90% for 5 min");
	m_str_set(&a->state, acked_at ? "acknowledged" : "active");
	a->updated_at = b->polled_at;
	if (acked_at) {
		m_str_set(&a->acked_by, "oncall@bastion");
		m_str_set(&a->ack_note, "looking");
		a->acked_at = acked_at;
	}
	return a;
}

static void
alert_batch(struct store *st, int64_t s, int sec, const char *severity, int64_t acked_at,
    int present)
{
	struct batch *b = at("rules", s, sec);

	batch_mark_complete(b, M_ALERT);
	batch_mark_complete(b, M_CHECK);
	batch_cover(b, "db-a");
	batch_cover(b, "");
	if (present)
		cpu_alert(b, severity, acked_at)->opened_at = s + 100 * TIME_SEC;
	{
		struct m_check *c = batch_add(b, M_CHECK);

		m_str_set(&c->instance, "db-a");
		m_str_set(&c->check_id, "tls_enforced");
		m_str_set(&c->control, "RDS.38");
		m_str_set(&c->title, "TLS enforced");
		m_str_set(&c->status, sec < 100 ? "pass" : "fail");
		m_str_set(&c->reason, sec < 100 ? "rds.force_ssl = 1" : "rds.force_ssl = 0");
		c->evaluated_at = b->polled_at;
	}
	health(b, "rules", "", 1, NULL);
	queue(st, b);
}

static int
run_incident(struct store *st, int64_t s)
{
	struct batch *b;

	instance_batch(st, s, 0);
	alert_batch(st, s, 5, "warning", 0, 0);
	pg_batch(st, s, 8, 0);
	/* The failed-login burst, read twice (a re-poll of the same log). */
	for (int pass = 0; pass < 2; pass++) {
		b = at("logs", s, 20 + pass * 10);
		for (int k = 0; k < 6; k++) {
			struct m_failed_login *f = batch_add(b, M_FAILED_LOGIN);

			m_str_set(&f->instance, "db-a");
			f->time = s + (10 + k) * TIME_SEC;
			f->pid = 900 + k;
			m_str_set(&f->client_addr, "203.0.113.9");
			f->client_port = 50000 + k;
			m_str_set(&f->user, "app");
			m_str_set(&f->database, "app");
			m_str_set(&f->reason, "wrong_password");
			m_str_set(&f->source, "log_file");
		}
		health(b, "logs", "db-a", 1, NULL);
		queue(st, b);
	}
	b = at("guardduty", s, 60);
	{
		struct m_finding *f = batch_add(b, M_FINDING);

		m_str_set(&f->id, "gd-0001");
		m_str_set(&f->instance, "db-a");
		m_str_set(&f->type, "CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce");
		f->severity = 8;
		m_str_set(&f->severity_label, "high");
		m_str_set(&f->title, "Successful brute force login to db-a");
		f->created_at = s + 45 * TIME_SEC;
		f->updated_at = s + 45 * TIME_SEC;
		f->count = 1;
		m_str_set(&f->db_user, "app");
		m_str_set(&f->remote_ip, "203.0.113.9");
	}
	health(b, "guardduty", "", 1, NULL);
	queue(st, b);
	for (int sec = 70; sec <= 210; sec += 5)
		pg_batch(st, s, sec, 1);
	for (int sec = 90; sec <= 300; sec += 60)
		metric_batch(st, s, sec, sec == 150 || sec == 210 ? 97.5 : 20 + sec % 7);
	alert_batch(st, s, 160, "warning", 0, 1);
	b = at("user", s, 170);
	cpu_alert(b, "warning", b->polled_at);
	queue(st, b);
	alert_batch(st, s, 180, "warning", s + 170 * TIME_SEC, 1);
	alert_batch(st, s, 215, "critical", 0, 1);	/* worse: re-opened */
	pg_batch(st, s, 220, 0);			/* the risky sessions end */
	b = at("rds-events", s, 230);
	{
		struct m_event *e = batch_add(b, M_EVENT);

		m_str_set(&e->source_id, "db-a");
		m_str_set(&e->instance, "db-a");
		m_str_set(&e->source_type, "db-instance");
		e->time = s + 225 * TIME_SEC;
		m_str_set(&e->message, "Multi-AZ instance failover started.");
		m_str_set(&e->event_id, "RDS-EVENT-0013");
		m_list_add(&e->categories, "failover");
	}
	health(b, "rds-events", "", 1, NULL);
	queue(st, b);
	b = at("cloudwatch", s, 240);
	health(b, "cloudwatch", "", 0, "connection timed out");
	queue(st, b);
	alert_batch(st, s, 260, "critical", 0, 0);	/* resolved */
	b = at("cloudwatch", s, 280);
	health(b, "cloudwatch", "", 1, NULL);
	queue(st, b);
	qsort(incident, nincident, sizeof *incident, by_time);
	for (size_t i = 0; i < nincident; i++)
		store_submit(st, incident[i]);
	free(incident);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "history", required_argument, NULL, 'H' },
		{ "debug", required_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'l' },
		{ "forever", no_argument, NULL, 'f' },
		{ "batches", required_argument, NULL, 'n' },
		{ "samples", required_argument, NULL, 's' },
		{ "start", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_options so;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	const char *log = NULL, *debug = NULL, *start = NULL;
	long batches = 100;
	int samples = 1000, c, rc;
	char *why = NULL;
	unsigned mask = 0;

	store_options_init(&so);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'H': so.path = optarg; break;
		case 'd': debug = optarg; break;
		case 'l': log = optarg; break;
		case 'f': batches = -1; break;
		case 'n': batches = atol(optarg); break;
		case 's': samples = atoi(optarg); break;
		case 'S': start = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: store_driver --history FILE [--debug store --log FILE] "
		    "heavy|incident\n");
		return 2;
	}
	if (debug != NULL && (log_parse_categories(debug, &mask, &why) != 0 ||
	    log_open(log, mask, &why) != 0)) {
		fprintf(stderr, "store_driver: %s\n", why);
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (store_open(&st, &so, &err) != 0) {
		char *msg = err_format(&err);

		fprintf(stderr, "store_driver: %s\n", msg);
		free(msg);
		err_clear(&err);
		return 1;
	}
	if (strcmp(argv[optind], "heavy") == 0) {
		rc = run_heavy(st, batches, samples);
	} else if (strcmp(argv[optind], "incident") == 0) {
		int64_t s = time_now_ms() - TIME_HOUR;

		if (start != NULL && time_parse_when(start, time_now_ms(), &s) != 0) {
			fprintf(stderr, "store_driver: bad --start\n");
			return 2;
		}
		rc = run_incident(st, s);
	} else {
		fprintf(stderr, "store_driver: unknown scenario\n");
		rc = 2;
	}
	store_close(st);
	log_close();
	return rc;
}
