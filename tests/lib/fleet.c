#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "fleet.h"

static void
fleet_instances(struct batch *b, int64_t now)
{
	struct m_instance *i = batch_add(b, M_INSTANCE);
	struct m_maintenance *m;
	struct m_account *a;

	m_str_set(&i->id, "prod-db");
	m_str_set(&i->kind, "instance");
	m_str_set(&i->engine, "postgres");
	m_str_set(&i->engine_version, "15.4");
	m_str_set(&i->status, "available");
	m_str_set(&i->role, "standalone");
	i->backup_retention_days = 7;
	i->latest_restorable_time = now - 3 * TIME_MIN;
	i->newest_automated_snapshot = now - 5 * TIME_HOUR;
	i->ca_valid_till = now + 400 * TIME_DAY;
	i->auto_minor_upgrade = 1;
	i->allocated_storage_gib = 100;
	m_str_set(&i->backup_window, "03:00-03:30");
	m_str_set(&i->maintenance_window, "sun:04:00-sun:04:30");
	m_list_add(&i->newer_minor_versions, "15.5");
	m_list_add(&i->newer_minor_versions, "15.6");

	i = batch_add(b, M_INSTANCE);
	m_str_set(&i->id, "staging-db");
	m_str_set(&i->kind, "instance");
	m_str_set(&i->engine, "postgres");
	m_str_set(&i->engine_version, "14.9");
	m_str_set(&i->status, "available");
	m_str_set(&i->role, "standalone");
	i->backup_retention_days = 0;
	i->ca_valid_till = now + 20 * TIME_DAY;
	i->auto_minor_upgrade = 0;

	m = batch_add(b, M_MAINTENANCE);
	m_str_set(&m->instance, "staging-db");
	m_str_set(&m->action, "system-update");
	m_str_set(&m->description, "New Operating System update is available");
	m->forced_apply_date = now + 3 * TIME_DAY;

	a = batch_add(b, M_ACCOUNT);
	m_str_set(&a->profile, "demo");
	m_str_set(&a->region, "eu-west-1");
}

static struct m_session *
fleet_session(struct batch *b, int64_t now, int pid, const char *user, int ssl,
    const char *addr, const char *state, const char *query)
{
	struct m_session *s = batch_add(b, M_SESSION);

	m_str_set(&s->instance, "prod-db");
	s->pid = pid;
	s->backend_start = now - TIME_HOUR;
	m_str_set(&s->user, user);
	m_str_set(&s->database, "app");
	m_str_set(&s->application_name, "web");
	m_str_set(&s->client_addr, addr);
	s->client_port = 50000 + pid;
	s->ssl = ssl;
	if (ssl == 1) {
		m_str_set(&s->ssl_version, "TLSv1.3");
		m_str_set(&s->ssl_cipher, "TLS_AES_256_GCM_SHA384");
		s->ssl_bits = 256;
	}
	s->superuser = 0;
	s->provider_owned = 0;
	m_str_set(&s->state, state);
	s->state_change = now - 2 * TIME_MIN;
	m_str_set(&s->query, query);
	return s;
}

static void
fleet_sessions(struct batch *b, int64_t now)
{
	struct m_session *s;

	fleet_session(b, now, 101, "app", 1, "10.0.0.4", "active", "select * from orders");
	fleet_session(b, now, 102, "app", 0, "203.0.113.9", "idle", "select 1");
	s = fleet_session(b, now, 103, "admin_x", 1, "10.0.0.5", "idle", "select now()");
	s->superuser = 1;
	m_str_set(&s->superuser_via, "rds_superuser");
	s = fleet_session(b, now, 104, "rdsadmin", 1, NULL, "idle", "");
	s->superuser = 1;
	m_str_set(&s->superuser_via, "rolsuper");
	s->provider_owned = 1;
	s = fleet_session(b, now, 105, FLEET_HOSTILE_ROLE, 0, "10.0.0.7", "idle in transaction",
	    FLEET_HOSTILE_QUERY);
	s->xact_start = now - 10 * TIME_MIN;
	free(s->application_name);
	s->application_name = xstrdup(FLEET_RAW_APP);	/* bypasses the sanitizer */
	s = fleet_session(b, now, 106, "app", 1, "10.0.0.4", "active", "update orders set paid = true");
	s->query_start = now - 6 * TIME_MIN;
	m_str_set(&s->wait_event_type, "Lock");
	m_str_set(&s->wait_event, "transactionid");
	m_list_add(&s->blocked_by, "105");
}

static void
fleet_logins(struct batch *b, int64_t now)
{
	for (int i = 0; i < FLEET_BURST_COUNT; i++) {
		struct m_failed_login *f = batch_add(b, M_FAILED_LOGIN);

		m_str_set(&f->instance, "prod-db");
		f->time = now - (int64_t)(i + 1) * 30 * TIME_SEC;
		f->pid = 9000 + i;
		m_str_set(&f->client_addr, FLEET_BURST_ADDR);
		f->client_port = 40000 + i;
		m_str_set(&f->user, "postgres");
		m_str_set(&f->database, "postgres");
		m_str_set(&f->reason, M_REASON_WRONG_PASSWORD);
		m_str_set(&f->source, "log_export");
	}
	for (int i = 0; i < 2; i++) {
		struct m_failed_login *f = batch_add(b, M_FAILED_LOGIN);

		m_str_set(&f->instance, "prod-db");
		f->time = now - 30 * TIME_MIN - i * TIME_MIN;
		f->pid = 9100 + i;
		m_str_set(&f->client_addr, "10.0.0.9");
		f->client_port = 41000 + i;
		m_str_set(&f->user, "app");
		m_str_set(&f->reason, M_REASON_NO_HBA_ENTRY);
		m_str_set(&f->source, "log_file");
	}
}

static void
fleet_events(struct batch *b, int64_t now)
{
	struct m_event *e = batch_add(b, M_EVENT);
	struct m_finding *f;

	m_str_set(&e->source_id, "prod-db");
	m_str_set(&e->instance, "prod-db");
	e->time = now - 20 * TIME_MIN;
	m_str_set(&e->message, "Multi-AZ instance failover completed");
	m_str_set(&e->source_type, "db-instance");
	m_list_add(&e->categories, "failover");
	m_str_set(&e->event_id, "RDS-EVENT-0049");

	e = batch_add(b, M_EVENT);
	m_str_set(&e->source_id, "staging-db");
	m_str_set(&e->instance, "staging-db");
	e->time = now - 2 * TIME_HOUR;
	m_str_set(&e->message, "Finished DB Instance backup");
	m_list_add(&e->categories, "backup");

	f = batch_add(b, M_FINDING);
	m_str_set(&f->id, "f-1");
	m_str_set(&f->instance, "prod-db");
	m_str_set(&f->type, "CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce");
	f->severity = 8;
	m_str_set(&f->severity_label, "high");
	m_str_set(&f->title, "Successful brute force login to prod-db");
	f->created_at = now - 15 * TIME_MIN;
	f->updated_at = now - 5 * TIME_MIN;
	f->count = 3;
	m_str_set(&f->db_user, "postgres");
	m_str_set(&f->remote_ip, FLEET_BURST_ADDR);
	m_str_set(&f->remote_country, "Nowhere");
	m_str_set(&f->remote_org, "AS64500 Example Networks");
	m_str_set(&f->action, "RDS_LOGIN_ATTEMPT");
	f->archived = 0;
}

static void
fleet_checks(struct batch *b, int64_t now)
{
	static const struct {
		const char *inst, *id, *control, *title, *status, *severity, *reason;
	} checks[] = {
		{ "prod-db", "storage_encrypted", "RDS.3", "Storage is encrypted", "pass", NULL,
		    "StorageEncrypted is true" },
		{ "staging-db", "backups_enabled", "RDS.11", "Automated backups are on", "fail",
		    "critical", "BackupRetentionPeriod is 0" },
		{ "prod-db", "guardduty_rds", "GuardDuty.9", "GuardDuty RDS Protection is on",
		    "unknown", NULL, "guardduty:GetDetector was denied" },
	};

	for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
		struct m_check *c = batch_add(b, M_CHECK);

		m_str_set(&c->instance, checks[i].inst);
		m_str_set(&c->check_id, checks[i].id);
		m_str_set(&c->control, checks[i].control);
		m_str_set(&c->title, checks[i].title);
		m_str_set(&c->status, checks[i].status);
		m_str_set(&c->severity, checks[i].severity);
		m_str_set(&c->reason, checks[i].reason);
		c->evaluated_at = now - TIME_MIN;
	}
}

static void
fleet_metrics(struct batch *b, int64_t now)
{
	for (int i = 0; i < 36; i++) {
		struct m_metric *m = batch_add(b, M_METRIC);

		m_str_set(&m->instance, "prod-db");
		m_str_set(&m->name, "CPUUtilization");
		m->time = now - (35 - i) * 5 * TIME_MIN;
		m->value = 10 + (double)i * 85 / 35;	/* 10 .. 95 */
		m_str_set(&m->unit, "Percent");
		m->period_s = 60;

		m = batch_add(b, M_METRIC);
		m_str_set(&m->instance, "prod-db");
		m_str_set(&m->name, "FreeStorageSpace");
		m->time = now - (35 - i) * 5 * TIME_MIN;
		m->value = 20.0 * 1024 * 1024 * 1024;
		m_str_set(&m->unit, "Bytes");
		m->period_s = 60;
	}
}

static void
fleet_health(struct batch *b, int64_t now)
{
	struct m_pg_health *h = batch_add(b, M_PG_HEALTH);
	struct m_repl_slot *sl;
	struct m_source_health *sh;
	struct m_xid_age *x;

	m_str_set(&h->instance, "prod-db");
	h->connected = 1;
	m_str_set(&h->monitor_user, "rdswatch_monitor");
	m_str_set(&h->tls_mode, "verify-full");
	h->tls_verified = 1;
	h->connections = 85;
	h->max_connections = 100;
	h->reserved_connections = 3;
	h->oldest_xact_age_s = 600;
	h->oldest_xact_pid = 105;
	h->max_xid_age = 1200000000;
	m_str_set(&h->max_xid_age_database, "app");
	h->observed_at = now;

	x = batch_add(b, M_XID_AGE);
	m_str_set(&x->instance, "prod-db");
	m_str_set(&x->database, "app");
	x->age = 1200000000;

	sl = batch_add(b, M_REPL_SLOT);
	m_str_set(&sl->instance, "prod-db");
	m_str_set(&sl->slot_name, "slot_a");
	m_str_set(&sl->slot_type, "logical");
	sl->active = 0;
	sl->retained_wal_bytes = 5LL * 1024 * 1024 * 1024;

	sh = batch_add(b, M_SOURCE_HEALTH);
	m_str_set(&sh->source, "rds");
	m_str_set(&sh->instance, "");
	sh->ok = 1;
	sh->updating = 0;
	sh->last_attempt = sh->last_success = now - 10 * TIME_SEC;
	sh->next_poll = now + 50 * TIME_SEC;
	sh->latency_ms = 120;

	sh = batch_add(b, M_SOURCE_HEALTH);
	m_str_set(&sh->source, "pg");
	m_str_set(&sh->instance, "prod-db");
	sh->ok = 1;
	sh->updating = 1;
	sh->last_attempt = now;
	sh->last_success = now - 5 * TIME_SEC;
	sh->next_poll = now + 5 * TIME_SEC;

	sh = batch_add(b, M_SOURCE_HEALTH);
	m_str_set(&sh->source, "logs");
	m_str_set(&sh->instance, "");
	sh->ok = 0;
	sh->updating = 0;
	sh->last_attempt = now - 20 * TIME_SEC;
	sh->last_success = now - 6 * TIME_MIN;
	sh->next_poll = now + 10 * TIME_SEC;
	sh->consecutive_failures = 4;
	m_str_set(&sh->error_operation, "FilterLogEvents");
	m_str_set(&sh->error_code, "ThrottlingException");
	m_str_set(&sh->error_message, "Rate exceeded");
}

static void
fleet_alerts(struct batch *b, int64_t now)
{
	static const struct {
		const char *key, *inst, *rule, *severity, *title, *state;
	} alerts[] = {
		{ "no_tls/prod-db/102", "prod-db", "no_tls", "critical",
		    "Plaintext session from a public address", "active" },
		{ "burst/" FLEET_BURST_ADDR, "prod-db", "failed_login_burst", "warning",
		    "Failed-login burst from " FLEET_BURST_ADDR, "active" },
		{ "backups_off/staging-db", "staging-db", "backups_off", "critical",
		    "Automated backups are off", "acknowledged" },
	};

	for (size_t i = 0; i < sizeof alerts / sizeof *alerts; i++) {
		struct m_alert *a = batch_add(b, M_ALERT);

		m_str_set(&a->key, alerts[i].key);
		m_str_set(&a->instance, alerts[i].inst);
		m_str_set(&a->rule, alerts[i].rule);
		m_str_set(&a->severity, alerts[i].severity);
		m_str_set(&a->title, alerts[i].title);
		m_str_set(&a->state, alerts[i].state);
		a->opened_at = now - (int64_t)(i + 1) * 10 * TIME_MIN;
		a->updated_at = a->opened_at;
		if (strcmp(alerts[i].state, "acknowledged") == 0) {
			m_str_set(&a->acked_by, "alice@ops");
			a->acked_at = now - TIME_MIN;
			m_str_set(&a->ack_note, "known: staging has no backups by design");
		}
	}
}

struct batch *
fleet_batch(int64_t now)
{
	struct batch *b = batch_new("test", now);

	fleet_instances(b, now);
	fleet_sessions(b, now);
	fleet_logins(b, now);
	fleet_events(b, now);
	fleet_checks(b, now);
	fleet_metrics(b, now);
	fleet_health(b, now);
	fleet_alerts(b, now);
	return b;
}
