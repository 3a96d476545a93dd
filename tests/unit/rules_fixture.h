/* Hand-built snapshots for the rules and report tests: a "good" instance
 * whose every posture check passes, and one-line helpers for the records
 * the alert rules read. Header-only (static), included by each test. */
#ifndef RW_TESTS_RULES_FIXTURE_H
#define RW_TESTS_RULES_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "model/batch.h"
#include "view/snapshot.h"

#define NOW (1795348800000LL)	/* 2026-11-22T12:00:00Z */
#define GIB (1024.0 * 1024.0 * 1024.0)

static inline struct m_instance *
fx_instance(struct snapshot *s, const char *id)
{
	struct m_instance *i = m_vec_push(&s->kinds[M_INSTANCE]);

	m_str_set(&i->id, id);
	m_str_set(&i->kind, "instance");
	m_str_set(&i->region, "us-east-1");
	m_str_set(&i->account_id, "123456789012");
	m_str_set(&i->engine, "postgres");
	m_str_set(&i->engine_version, "15.4");
	m_str_set(&i->status, "available");
	m_str_set(&i->role, "standalone");
	m_str_set(&i->instance_class, "db.r6g.large");
	m_str_set(&i->endpoint_host, "db.example.internal");
	i->endpoint_port = 6432;
	i->allocated_storage_gib = 100;
	i->publicly_accessible = 0;
	i->storage_encrypted = 1;
	m_str_set(&i->kms_key_id, "arn:aws:kms:us-east-1:123456789012:key/k-1234");
	i->iam_auth = 1;
	i->backup_retention_days = 7;
	i->latest_restorable_time = NOW - 2 * TIME_MIN;
	i->deletion_protection = 1;
	i->multi_az = 1;
	i->auto_minor_upgrade = 1;
	i->copy_tags_to_snapshot = 1;
	m_list_add(&i->log_exports, "postgresql");
	m_list_add(&i->log_exports, "upgrade");
	i->monitoring_interval_s = 60;
	m_str_set(&i->master_username, "dbowner");
	m_str_set(&i->master_user_secret_arn, "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1");
	m_str_set(&i->ca_certificate_id, "rds-ca-rsa2048-g1");
	i->ca_valid_till = NOW + 400 * TIME_DAY;
	m_str_set(&i->parameter_group, "prod-pg15");
	m_list_add(&i->security_groups, "sg-1");
	i->newest_automated_snapshot = NOW - 3 * TIME_HOUR;
	i->public_snapshots = 0;
	i->unencrypted_snapshots = 0;
	i->observed_at = NOW - TIME_MIN;
	return i;
}

static inline struct m_parameter *
fx_param(struct snapshot *s, const char *inst, const char *source, const char *name,
    const char *value)
{
	struct m_parameter *p = m_vec_push(&s->kinds[M_PARAMETER]);

	m_str_set(&p->instance, inst);
	m_str_set(&p->source, source);
	m_str_set(&p->name, name);
	m_str_set(&p->value, value);
	p->observed_at = NOW;
	return p;
}

static inline struct m_sg_rule *
fx_sg_rule(struct snapshot *s, const char *inst, const char *source, int wide)
{
	struct m_sg_rule *r = m_vec_push(&s->kinds[M_SG_RULE]);

	m_str_set(&r->instance, inst);
	m_str_set(&r->group_id, "sg-1");
	m_str_set(&r->group_name, "db");
	m_str_set(&r->protocol, "tcp");
	r->from_port = r->to_port = 6432;
	m_str_set(&r->source, source);
	r->covers_db_port = 1;
	r->wide_open = wide;
	return r;
}

static inline struct m_account *
fx_account(struct snapshot *s, int rds_protection)
{
	struct m_account *a = m_vec_push(&s->kinds[M_ACCOUNT]);

	m_str_set(&a->region, "us-east-1");
	m_str_set(&a->account_id, "123456789012");
	m_str_set(&a->guardduty_detector_id, "det-1");
	m_str_set(&a->guardduty_status, "ENABLED");
	a->guardduty_rds_protection = rds_protection;
	return a;
}

static inline struct m_pg_health *
fx_pg_health(struct snapshot *s, const char *inst)
{
	struct m_pg_health *h = m_vec_push(&s->kinds[M_PG_HEALTH]);

	m_str_set(&h->instance, inst);
	h->connected = 1;
	h->public_schema_create = 0;
	h->observed_at = NOW;
	return h;
}

/* An instance every posture check passes, with what the checks read. */
static inline struct m_instance *
fx_good_instance(struct snapshot *s, const char *id)
{
	struct m_instance *i = fx_instance(s, id);

	fx_param(s, id, "parameter_group", "rds.force_ssl", "1");
	fx_param(s, id, "parameter_group", "ssl_min_protocol_version", "TLSv1.2");
	fx_param(s, id, "parameter_group", "shared_preload_libraries", "pg_stat_statements,pgaudit");
	fx_param(s, id, "parameter_group", "log_connections", "1");
	fx_param(s, id, "pg_settings", "log_statement", "none");
	fx_sg_rule(s, id, "10.0.0.0/16", 0);
	fx_pg_health(s, id);
	if (s->kinds[M_ACCOUNT].n == 0)
		fx_account(s, 1);
	return i;
}

static inline struct m_session *
fx_session(struct snapshot *s, const char *inst, int64_t pid, const char *user,
    const char *addr, int ssl, int superuser)
{
	struct m_session *x = m_vec_push(&s->kinds[M_SESSION]);

	m_str_set(&x->instance, inst);
	x->pid = pid;
	x->backend_start = NOW - 10 * TIME_MIN - pid;
	m_str_set(&x->user, user);
	m_str_set(&x->database, "app");
	m_str_set(&x->application_name, "svc");
	m_str_set(&x->client_addr, addr);
	x->client_port = 40000 + pid;
	x->ssl = ssl;
	if (ssl == 1)
		m_str_set(&x->ssl_version, "TLSv1.3");
	x->superuser = superuser;
	if (superuser == 1)
		m_str_set(&x->superuser_via, "rds_superuser");
	x->provider_owned = 0;
	m_str_set(&x->state, "idle");
	return x;
}

static inline struct m_failed_login *
fx_failed_login(struct snapshot *s, const char *inst, int64_t t, const char *addr,
    const char *user)
{
	struct m_failed_login *f = m_vec_push(&s->kinds[M_FAILED_LOGIN]);
	static int64_t pid = 1000;

	m_str_set(&f->instance, inst);
	f->time = t;
	f->pid = pid++;
	m_str_set(&f->client_addr, addr);
	f->client_port = 50000;
	m_str_set(&f->user, user);
	m_str_set(&f->database, "app");
	m_str_set(&f->reason, "wrong_password");
	m_str_set(&f->source, "log_export");
	return f;
}

static inline struct m_metric *
fx_metric(struct snapshot *s, const char *inst, const char *name, int64_t t, double v,
    int64_t period_s)
{
	struct m_metric *m = m_vec_push(&s->kinds[M_METRIC]);

	m_str_set(&m->instance, inst);
	m_str_set(&m->name, name);
	m->time = t;
	m->value = v;
	m->period_s = period_s;
	return m;
}

static inline struct m_event *
fx_event(struct snapshot *s, const char *inst, int64_t t, const char *category,
    const char *event_id, const char *message)
{
	struct m_event *e = m_vec_push(&s->kinds[M_EVENT]);

	m_str_set(&e->source_id, inst);
	m_str_set(&e->instance, inst);
	e->time = t;
	m_str_set(&e->source_type, "db-instance");
	if (category != NULL)
		m_list_add(&e->categories, category);
	m_str_set(&e->event_id, event_id);
	m_str_set(&e->message, message);
	return e;
}

static inline struct m_finding *
fx_finding(struct snapshot *s, const char *inst, const char *id, double severity)
{
	struct m_finding *f = m_vec_push(&s->kinds[M_FINDING]);

	m_str_set(&f->id, id);
	m_str_set(&f->instance, inst);
	m_str_set(&f->type, "CredentialAccess:RDS/MaliciousIPCaller.SuccessfulLogin");
	f->severity = severity;
	m_str_set(&f->title, "Successful login from a known malicious IP");
	f->created_at = f->updated_at = NOW - 10 * TIME_MIN;
	m_str_set(&f->remote_ip, "198.51.100.7");
	m_str_set(&f->db_user, "app_user");
	f->count = 3;
	f->archived = 0;
	return f;
}

static inline struct m_source_health *
fx_source(struct snapshot *s, const char *source, const char *inst, int ok, int64_t failures)
{
	struct m_source_health *h = m_vec_push(&s->kinds[M_SOURCE_HEALTH]);

	m_str_set(&h->source, source);
	m_str_set(&h->instance, inst);
	h->ok = ok;
	h->consecutive_failures = failures;
	h->last_attempt = NOW;
	if (!ok) {
		m_str_set(&h->error_kind, "service");
		m_str_set(&h->error_service, source);
		m_str_set(&h->error_operation, "ListDetectors");
		m_str_set(&h->error_code, "ThrottlingException");
		m_str_set(&h->error_message, "Rate exceeded");
		h->error_http_status = 400;
	} else {
		h->last_success = NOW;
	}
	return h;
}

/* A file of the source tree ($top_srcdir/REL), read whole; NULL when it
 * cannot be read. */
static inline char *
fx_slurp(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char path[4096], *text;
	FILE *fp;
	long n;

	snprintf(path, sizeof path, "%s/%s", top != NULL ? top : "..", rel);
	fp = fopen(path, "r");
	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + 1);
	if (n < 0 || fread(text, 1, (size_t)n, fp) != (size_t)n) {
		free(text);
		text = NULL;
	}
	fclose(fp);
	return text;
}

/* The alert with KEY in V, or NULL. */
static inline const struct m_alert *
fx_alert(const struct m_vec *v, const char *key)
{
	M_VEC_EACH(v, const struct m_alert, a) {
		if (strcmp(a->key, key) == 0)
			return a;
	}
	return NULL;
}

#endif
