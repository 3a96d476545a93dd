/* Alert rules: each at, below and above its threshold; allowlists;
 * public versus private client addresses; one alert per real problem,
 * with keys stable across polls; when the rules are due again. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/alerts.h"
#include "rules/due.h"
#include "rules/netaddr.h"
#include "rules/rules.h"
#include "rules_fixture.h"

#define ID "prod-db"

struct fx {
	struct snapshot s;
	struct rules_config cfg;
	struct m_vec out;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	snapshot_init(&f->s, NOW, 1);
	rules_config_init(&f->cfg);
	m_vec_init(&f->out, &m_alert_type);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	snapshot_free(&f->s);
	rules_config_free(&f->cfg);
	m_vec_free(&f->out);
	free(f);
	return 0;
}

/* Evaluates every rule afresh; returns the number of alerts. */
static size_t
eval(struct fx *f)
{
	struct facts index;

	m_vec_clear(&f->out);
	facts_init(&index, &f->s);
	alerts_evaluate(&index, &f->cfg, NOW, &f->out);
	facts_free(&index);
	return f->out.n;
}

static size_t
count_rule(const struct fx *f, const char *rule)
{
	size_t n = 0;

	M_VEC_EACH(&f->out, const struct m_alert, a)
		n += strcmp(a->rule, rule) == 0;
	return n;
}

/* The alert KEY exists with SEVERITY and BAND; returns it. */
static const struct m_alert *
expect(const struct fx *f, const char *key, const char *severity, int64_t band)
{
	const struct m_alert *a = fx_alert(&f->out, key);

	if (a == NULL) {
		fprintf(stderr, "alerts:\n");
		M_VEC_EACH(&f->out, const struct m_alert, x)
			fprintf(stderr, "  %s %s %lld: %s\n", x->key, x->severity, (long long)x->band, x->detail);
		fail_msg("no alert %s", key);
	}
	assert_string_equal(a->severity, severity);
	assert_int_equal(a->band, band);
	assert_non_null(a->title);
	assert_non_null(a->detail);
	return a;
}

static void
reset(struct fx *f)
{
	snapshot_free(&f->s);
	snapshot_init(&f->s, NOW, 1);
}

/* ---- addresses -------------------------------------------------------- */

static void
test_netaddr_private(void **state)
{
	static const struct {
		const char *addr;
		int private;
	} cases[] = {
		{ "10.0.0.5", 1 }, { "10.255.255.255", 1 }, { "11.0.0.1", 0 },
		{ "172.16.0.1", 1 }, { "172.31.255.254", 1 }, { "172.15.255.255", 0 }, { "172.32.0.1", 0 },
		{ "192.168.1.1", 1 }, { "192.169.0.1", 0 },
		{ "127.0.0.1", 1 }, { "169.254.10.10", 1 },
		{ "100.64.0.1", 1 }, { "100.127.255.255", 1 }, { "100.128.0.1", 0 }, { "100.63.255.255", 0 },
		{ "203.0.113.9", 0 }, { "8.8.8.8", 0 },
		{ "::1", 1 }, { "fe80::1", 1 }, { "fe80::1%eth0", 1 }, { "febf::1", 1 }, { "fec0::1", 0 },
		{ "fd00::5", 1 }, { "fc00::1", 1 }, { "fe00::1", 0 }, { "2001:db8::1", 0 },
		{ "::ffff:10.1.2.3", 1 }, { "::ffff:203.0.113.9", 0 },
		{ "10.0.0.5/32", 1 }, { "203.0.113.9/32", 0 },
		{ NULL, 1 }, { "", 1 },				/* a Unix socket */
		{ "db-client.example.com", 0 }, { "10.0.0", 0 },	/* unknown: not played down */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (netaddr_str_is_private(cases[i].addr) != cases[i].private)
			fail_msg("%s: want %s", cases[i].addr ? cases[i].addr : "NULL",
			    cases[i].private ? "private" : "public");
	}
}

static void
test_netaddr_cidr(void **state)
{
	struct netaddr_cidr c;
	struct netaddr a;

	(void)state;
	assert_int_equal(netaddr_cidr_parse("10.1.0.0/16", &c), 0);
	assert_int_equal(netaddr_parse("10.1.200.3", &a), 0);
	assert_true(netaddr_in_cidr(&a, &c));
	assert_int_equal(netaddr_parse("10.2.0.1", &a), 0);
	assert_false(netaddr_in_cidr(&a, &c));
	assert_int_equal(netaddr_cidr_parse("192.0.2.7", &c), 0);	/* a host */
	assert_int_equal(c.prefix, 32);
	assert_int_equal(netaddr_parse("192.0.2.7", &a), 0);
	assert_true(netaddr_in_cidr(&a, &c));
	assert_int_equal(netaddr_cidr_parse("fd00::/8", &c), 0);
	assert_int_equal(netaddr_parse("fd12::1", &a), 0);
	assert_true(netaddr_in_cidr(&a, &c));
	assert_int_equal(netaddr_parse("10.0.0.1", &a), 0);
	assert_false(netaddr_in_cidr(&a, &c));			/* families differ */
	assert_int_equal(netaddr_cidr_parse("0.0.0.0/0", &c), 0);
	assert_true(netaddr_in_cidr(&a, &c));
	assert_int_equal(netaddr_cidr_parse("10.0.0.1/8", &c), -1);	/* host bits set */
	assert_int_equal(netaddr_cidr_parse("10.0.0.0/33", &c), -1);
	assert_int_equal(netaddr_cidr_parse("10.0.0.0/", &c), -1);
	assert_int_equal(netaddr_cidr_parse("10.0.0.0/8x", &c), -1);
	assert_int_equal(netaddr_cidr_parse("nonsense", &c), -1);
	assert_int_equal(netaddr_cidr_parse("fd00::/129", &c), -1);
}

/* ---- sessions --------------------------------------------------------- */

static void
test_alert_non_tls(void **state)
{
	struct fx *f = *state;
	const struct m_alert *a;

	fx_session(&f->s, ID, 101, "app_user", "10.0.0.5", 0, 0);
	fx_session(&f->s, ID, 102, "app_user", "10.0.0.5", 0, 0);
	fx_session(&f->s, ID, 103, "app_user", "10.0.0.5", 0, 0);
	fx_session(&f->s, ID, 104, "app_user", "10.0.0.5", 1, 0);	/* TLS */
	fx_session(&f->s, ID, 105, "report", "203.0.113.9", 0, 0);
	fx_session(&f->s, ID, 106, "app_user", "100.64.3.4", 0, 0);	/* CGNAT */
	fx_session(&f->s, ID, 107, "app_user", "2001:db8::7", 0, 0);
	fx_session(&f->s, ID, 108, "app_user", NULL, 0, 0);		/* Unix socket */
	fx_session(&f->s, ID, 109, "app_user", "10.0.0.9", M_TRI_UNKNOWN, 0);
	fx_session(&f->s, ID, 110, "rdsadmin", "127.0.0.1", 0, 1)->provider_owned = 1;
	assert_int_equal(eval(f), 4);
	a = expect(f, "non_tls_session:prod-db:10.0.0.5:app_user", "warning", 1);
	assert_string_equal(a->instance, ID);
	assert_string_equal(a->rule, "non_tls_session");
	assert_string_equal(a->detail,
	    "3 sessions without TLS from private 10.0.0.5 as app_user (pid 101, 102, 103)");
	expect(f, "non_tls_session:prod-db:203.0.113.9:report", "critical", 2);
	expect(f, "non_tls_session:prod-db:100.64.3.4:app_user", "warning", 1);
	expect(f, "non_tls_session:prod-db:2001%3Adb8%3A%3A7:app_user", "critical", 2);

	/* Allowlists: by user, by network. */
	m_list_add(&f->cfg.non_tls_allow_users, "report");
	f->cfg.non_tls_allow_cidrs = calloc(1, sizeof *f->cfg.non_tls_allow_cidrs);
	assert_int_equal(netaddr_cidr_parse("10.0.0.0/24", &f->cfg.non_tls_allow_cidrs[0]), 0);
	f->cfg.n_non_tls_allow_cidrs = 1;
	assert_int_equal(eval(f), 2);
	assert_null(fx_alert(&f->out, "non_tls_session:prod-db:10.0.0.5:app_user"));
	assert_null(fx_alert(&f->out, "non_tls_session:prod-db:203.0.113.9:report"));
}

/* New pids every poll (a pool reconnecting): the same key. */
static void
test_alert_keys_stable_across_polls(void **state)
{
	struct fx *f = *state;
	char *first;

	fx_session(&f->s, ID, 200, "app", "203.0.113.50", 0, 0);
	assert_int_equal(eval(f), 1);
	first = strdup(((struct m_alert *)f->out.items)->key);
	reset(f);
	fx_session(&f->s, ID, 377, "app", "203.0.113.50", 0, 0);
	fx_session(&f->s, ID, 378, "app", "203.0.113.50", 0, 0);
	assert_int_equal(eval(f), 1);
	assert_string_equal(((struct m_alert *)f->out.items)->key, first);
	free(first);

	/* Subjects that contain the separator stay distinct. */
	reset(f);
	fx_session(&f->s, ID, 1, "b:c", "203.0.113.1", 0, 0);
	fx_session(&f->s, ID, 2, "c", "203.0.113.1", 0, 0);
	assert_int_equal(eval(f), 2);
	expect(f, "non_tls_session:prod-db:203.0.113.1:b%3Ac", "critical", 2);
	expect(f, "non_tls_session:prod-db:203.0.113.1:c", "critical", 2);
}

static void
test_alert_superuser(void **state)
{
	struct fx *f = *state;
	const struct m_alert *a;

	fx_session(&f->s, ID, 1, "k7admin", "10.0.0.5", 1, 1);
	fx_session(&f->s, ID, 2, "k7admin", "198.51.100.20", 1, 1);
	fx_session(&f->s, ID, 3, "app", "10.0.0.5", 1, 0);
	fx_session(&f->s, ID, 4, "rdsadmin", NULL, 1, 1)->provider_owned = 1;
	fx_session(&f->s, ID, 5, "breakglass", "10.0.0.6", 1, 1);
	fx_session(&f->s, ID, 6, "unsure", "10.0.0.6", 1, M_TRI_UNKNOWN);
	assert_int_equal(eval(f), 3);
	a = expect(f, "superuser_session:prod-db:10.0.0.5:k7admin", "warning", 1);
	assert_string_equal(a->detail,
	    "1 session as k7admin (rds_superuser) from private 10.0.0.5 (pid 1)");
	expect(f, "superuser_session:prod-db:198.51.100.20:k7admin", "critical", 2);
	expect(f, "superuser_session:prod-db:10.0.0.6:breakglass", "warning", 1);

	m_list_add(&f->cfg.superuser_allow_users, "breakglass");
	assert_int_equal(eval(f), 2);
	assert_null(fx_alert(&f->out, "superuser_session:prod-db:10.0.0.6:breakglass"));
}

static void
test_alert_long_transaction(void **state)
{
	struct fx *f = *state;
	struct m_pg_health *h;

	fx_session(&f->s, ID, 1, "app", "10.0.0.5", 1, 0)->xact_start = NOW - TIME_HOUR;	/* at */
	fx_session(&f->s, ID, 2, "app", "10.0.0.5", 1, 0)->xact_start = NOW - TIME_HOUR - TIME_SEC;
	fx_session(&f->s, ID, 3, "app", "10.0.0.5", 1, 0)->xact_start = NOW - 59 * TIME_MIN;
	assert_int_equal(eval(f), 1);
	expect(f, "long_transaction:prod-db:2", "warning", 1);

	/* Without pg_monitor: the server's oldest transaction. */
	reset(f);
	h = fx_pg_health(&f->s, ID);
	h->oldest_xact_age_s = 2 * 3600;
	h->oldest_xact_pid = 4242;
	assert_int_equal(eval(f), 1);
	expect(f, "long_transaction:prod-db:4242", "warning", 1);
	h->oldest_xact_age_s = 3600;
	assert_int_equal(eval(f), 0);

	f->cfg.long_transaction_ms = 30 * TIME_MIN;
	assert_int_equal(eval(f), 1);
}

/* ---- failed logins ---------------------------------------------------- */

static void
burst(struct fx *f, int n, int64_t start, int64_t step, const char *addr, const char *user)
{
	for (int i = 0; i < n; i++)
		fx_failed_login(&f->s, ID, start + i * step, addr, user);
}

static void
test_alert_failed_login_burst(void **state)
{
	struct fx *f = *state;
	const struct m_alert *a;

	burst(f, 4, NOW - 2 * TIME_MIN, 10 * TIME_SEC, "203.0.113.9", "postgres");	/* below */
	assert_int_equal(eval(f), 0);
	burst(f, 1, NOW - TIME_MIN, 0, "203.0.113.9", "postgres");			/* at */
	assert_int_equal(eval(f), 1);
	a = expect(f, "failed_login_burst:prod-db:addr:203.0.113.9", "warning", 1);
	assert_string_equal(a->detail, "5 failed logins in 5m from 203.0.113.9; last 11:59Z as postgres (wrong_password)");
	/* One attacker, one user: the address alert says it all. */
	assert_int_equal(count_rule(f, "failed_login_burst"), 1);

	/* Five spread over more than the window never make a burst. */
	reset(f);
	burst(f, 5, NOW - 6 * TIME_MIN, 90 * TIME_SEC, "203.0.113.9", "postgres");
	assert_int_equal(eval(f), 0);
	/* ... but five inside it do, even if the window ended a while ago
	 * (log lines arrive late). */
	reset(f);
	burst(f, 5, NOW - 9 * TIME_MIN, 30 * TIME_SEC, "203.0.113.9", "postgres");
	assert_int_equal(eval(f), 1);
	/* Older than twice the window: over. */
	reset(f);
	burst(f, 5, NOW - 11 * TIME_MIN, 10 * TIME_SEC, "203.0.113.9", "postgres");
	assert_int_equal(eval(f), 0);

	/* Ten times the threshold is a brute force: critical. */
	reset(f);
	burst(f, 49, NOW - 4 * TIME_MIN, 4 * TIME_SEC, "198.51.100.1", "admin");
	assert_int_equal(eval(f), 1);
	expect(f, "failed_login_burst:prod-db:addr:198.51.100.1", "warning", 1);
	burst(f, 1, NOW, 0, "198.51.100.1", "admin");
	assert_int_equal(eval(f), 1);
	expect(f, "failed_login_burst:prod-db:addr:198.51.100.1", "critical", 2);

	/* A spray: one user from many addresses, none a burst on its own. */
	reset(f);
	for (int i = 0; i < 5; i++) {
		char addr[32];

		snprintf(addr, sizeof addr, "203.0.113.%d", 10 + i);
		fx_failed_login(&f->s, ID, NOW - i * TIME_MIN, addr, "postgres");
	}
	assert_int_equal(eval(f), 1);
	expect(f, "failed_login_burst:prod-db:user:postgres", "warning", 1);

	/* Unix-socket failures count under "local"; config changes N. */
	reset(f);
	burst(f, 3, NOW - TIME_MIN, TIME_SEC, NULL, "app");
	assert_int_equal(eval(f), 0);
	f->cfg.failed_login_count = 3;
	assert_int_equal(eval(f), 1);
	expect(f, "failed_login_burst:prod-db:addr:local", "warning", 1);
	f->cfg.failed_login_window_ms = TIME_SEC;	/* 3 within 1 s: 1 s apart, no */
	assert_int_equal(eval(f), 0);
}

/* ---- GuardDuty, events ------------------------------------------------ */

static void
test_alert_guardduty(void **state)
{
	struct fx *f = *state;
	static const struct {
		double severity;
		const char *want;
		int64_t band;
	} bands[] = {
		{ 1.0, "info", 1 }, { 3.9, "info", 1 }, { 4.0, "warning", 2 }, { 6.9, "warning", 2 },
		{ 7.0, "critical", 3 }, { 8.9, "critical", 3 }, { 9.0, "critical", 4 }, { 10, "critical", 4 },
	};

	for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
		char key[64];

		reset(f);
		fx_finding(&f->s, ID, "f-1", bands[i].severity);
		assert_int_equal(eval(f), 1);
		snprintf(key, sizeof key, "guardduty_finding:%s:f-1", ID);
		expect(f, key, bands[i].want, bands[i].band);
	}
	/* The label when there is no number. */
	reset(f);
	fx_finding(&f->s, ID, "f-2", NAN);
	m_str_set(&((struct m_finding *)f->s.kinds[M_FINDING].items)->severity_label, "HIGH");
	assert_int_equal(eval(f), 1);
	expect(f, "guardduty_finding:prod-db:f-2", "critical", 3);

	/* Archived, stale, or below the configured band: quiet. */
	reset(f);
	fx_finding(&f->s, ID, "f-3", 8)->archived = 1;
	fx_finding(&f->s, ID, "f-4", 8)->updated_at = NOW - 25 * TIME_HOUR;
	fx_finding(&f->s, ID, "f-5", 2);
	assert_int_equal(eval(f), 1);
	f->cfg.guardduty_min_band = 2;
	assert_int_equal(eval(f), 0);
	f->cfg.guardduty_window_ms = 2 * TIME_DAY;
	assert_int_equal(eval(f), 1);
	expect(f, "guardduty_finding:prod-db:f-4", "critical", 3);
}

static void
test_alert_rds_events(void **state)
{
	struct fx *f = *state;
	const struct m_alert *a;

	fx_event(&f->s, ID, NOW - 50 * TIME_MIN, "failover", "RDS-EVENT-0013", "Multi-AZ failover started.");
	fx_event(&f->s, ID, NOW - 40 * TIME_MIN, "failover", "RDS-EVENT-0049", "Multi-AZ failover completed.");
	fx_event(&f->s, ID, NOW - 5 * TIME_MIN, "failure", NULL, "The database instance has failed.");
	fx_event(&f->s, ID, NOW - 5 * TIME_MIN, "low storage", "RDS-EVENT-0007", "Allocated storage has been exhausted.");
	fx_event(&f->s, ID, NOW - 5 * TIME_MIN, "security", "RDS-EVENT-0016", "Master credentials reset.");
	fx_event(&f->s, ID, NOW - 5 * TIME_MIN, "backup", "RDS-EVENT-0028", "Automatic backups for this DB instance have been disabled.");
	fx_event(&f->s, ID, NOW - 5 * TIME_MIN, "notification", "RDS-EVENT-0155", "A minor version is available.");
	fx_event(&f->s, ID, NOW - TIME_HOUR, "failure", NULL, "at the edge of the window");
	fx_event(&f->s, ID, NOW - 2 * TIME_HOUR, "low storage", NULL, "long ago");
	assert_int_equal(eval(f), 5);
	a = expect(f, "rds_event:prod-db:failover", "warning", 1);
	assert_string_equal(a->detail, "RDS failover at 11:20Z (2 in 1h): "
	    "Multi-AZ failover completed. (RDS-EVENT-0049)");
	expect(f, "rds_event:prod-db:failure", "critical", 2);
	expect(f, "rds_event:prod-db:low storage", "critical", 2);
	expect(f, "rds_event:prod-db:security", "warning", 1);
	expect(f, "rds_event:prod-db:backup disabled", "warning", 1);

	m_list_free(&f->cfg.event_categories);
	m_list_add(&f->cfg.event_categories, "notification");
	assert_int_equal(eval(f), 1);
	expect(f, "rds_event:prod-db:notification", "warning", 1);
}

/* ---- backups, maintenance, certificates ------------------------------- */

static void
test_alert_backup(void **state)
{
	struct fx *f = *state;
	struct m_instance *i = fx_instance(&f->s, ID);

	assert_int_equal(eval(f), 0);
	i->latest_restorable_time = NOW - 15 * TIME_MIN;		/* at */
	assert_int_equal(eval(f), 0);
	i->latest_restorable_time = NOW - 16 * TIME_MIN;
	assert_int_equal(eval(f), 1);
	expect(f, "backup:prod-db", "warning", 1);
	m_str_set(&i->status, "stopped");				/* lag is normal */
	assert_int_equal(eval(f), 0);
	i->backup_retention_days = 0;
	assert_int_equal(eval(f), 1);
	expect(f, "backup:prod-db", "critical", 2);
	m_str_set(&i->role, "replica");
	assert_int_equal(eval(f), 0);

	/* Aurora: the cluster's backups, not its members'. */
	reset(f);
	i = fx_instance(&f->s, "apg");
	m_str_set(&i->kind, "cluster");
	i->backup_retention_days = 0;
	i = fx_instance(&f->s, "apg-1");
	m_str_set(&i->cluster_id, "apg");
	i->backup_retention_days = 0;
	assert_int_equal(eval(f), 1);
	expect(f, "backup:apg", "critical", 2);
}

static void
test_alert_forced_maintenance(void **state)
{
	struct fx *f = *state;
	struct m_maintenance *m = m_vec_push(&f->s.kinds[M_MAINTENANCE]);

	m_str_set(&m->instance, ID);
	m_str_set(&m->action, "system-update");
	m_str_set(&m->description, "New Operating System update is available");
	assert_int_equal(eval(f), 0);				/* not forced */
	m->forced_apply_date = NOW + 8 * TIME_DAY;
	assert_int_equal(eval(f), 0);
	m->forced_apply_date = NOW + 7 * TIME_DAY;			/* at */
	assert_int_equal(eval(f), 1);
	assert_string_equal(expect(f, "forced_maintenance:prod-db:system-update", "warning", 1)->detail,
	    "maintenance system-update forced on 2026-11-29 (7d left): New Operating System update is available");
	m->forced_apply_date = NOW + 12 * TIME_HOUR;
	assert_int_equal(eval(f), 1);
	expect(f, "forced_maintenance:prod-db:system-update", "warning", 2);
	m->forced_apply_date = NOW - TIME_HOUR;
	assert_int_equal(eval(f), 1);
	expect(f, "forced_maintenance:prod-db:system-update", "warning", 3);
}

static void
test_alert_ca(void **state)
{
	struct fx *f = *state;
	struct m_instance *i = fx_instance(&f->s, ID);

	i->ca_valid_till = NOW + 91 * TIME_DAY;
	assert_int_equal(eval(f), 0);
	i->ca_valid_till = NOW + 90 * TIME_DAY;
	assert_int_equal(eval(f), 1);
	expect(f, "ca_certificate:prod-db", "warning", 1);
	i->ca_valid_till = NOW + 31 * TIME_DAY;
	assert_int_equal(eval(f), 1);
	expect(f, "ca_certificate:prod-db", "warning", 1);
	i->ca_valid_till = NOW + 30 * TIME_DAY;
	assert_int_equal(eval(f), 1);
	expect(f, "ca_certificate:prod-db", "critical", 2);
	i->ca_valid_till = NOW + 20 * TIME_DAY;
	assert_int_equal(eval(f), 1);
	assert_string_equal(expect(f, "ca_certificate:prod-db", "critical", 2)->detail,
	    "CA rds-ca-rsa2048-g1 expires 2026-12-12 (20 days)");
	i->ca_valid_till = NOW - TIME_MIN;
	assert_int_equal(eval(f), 1);
	expect(f, "ca_certificate:prod-db", "critical", 3);
	m_str_set(&i->kind, "cluster");	/* clusters have no server certificate */
	assert_int_equal(eval(f), 0);
}

/* ---- metrics and the server ------------------------------------------ */

static void
test_alert_free_storage(void **state)
{
	struct fx *f = *state;
	struct m_instance *i = fx_instance(&f->s, ID);
	struct m_metric *m = fx_metric(&f->s, ID, "FreeStorageSpace", NOW - TIME_MIN, 21 * GIB, 60);

	assert_int_equal(eval(f), 0);
	m->value = 20 * GIB;						/* at 20% */
	assert_int_equal(eval(f), 0);
	m->value = 19.9 * GIB;
	assert_int_equal(eval(f), 1);
	assert_string_equal(expect(f, "free_storage:prod-db", "warning", 1)->detail,
	    "FreeStorageSpace 19.9 GiB of 100.0 GiB (19.9%, below 20%)");
	m->value = 10 * GIB;						/* at 10% */
	assert_int_equal(eval(f), 1);
	expect(f, "free_storage:prod-db", "warning", 1);
	m->value = 9.9 * GIB;
	assert_int_equal(eval(f), 1);
	expect(f, "free_storage:prod-db", "critical", 2);
	m->time = NOW - 20 * TIME_MIN;					/* stale */
	assert_int_equal(eval(f), 0);
	m->time = NOW - TIME_MIN;
	m_str_set(&i->engine, "aurora-postgresql");			/* no allocated storage */
	assert_int_equal(eval(f), 0);
	m_str_set(&i->engine, "postgres");
	i->allocated_storage_gib = M_INT_NONE;
	assert_int_equal(eval(f), 0);
}

static void
cpu_series(struct fx *f, int n, double v, int64_t period_s)
{
	for (int k = 0; k < n; k++)
		fx_metric(&f->s, ID, "CPUUtilization", NOW - 2 * TIME_MIN - k * period_s * TIME_SEC,
		    v, period_s);
}

static void
test_alert_cpu(void **state)
{
	struct fx *f = *state;

	cpu_series(f, 4, 95, 60);			/* 4 minutes */
	assert_int_equal(eval(f), 0);
	reset(f);
	cpu_series(f, 5, 95, 60);			/* 5 minutes */
	assert_int_equal(eval(f), 1);
	assert_string_equal(expect(f, "cpu:prod-db", "warning", 1)->detail,
	    "CPUUtilization above 90% for 5m (now 95.0%, low 95.0%)");
	/* One sample at the threshold breaks the run. */
	((struct m_metric *)m_vec_at(&f->s.kinds[M_METRIC], 2))->value = 90;
	assert_int_equal(eval(f), 0);
	/* A five-minute sample covers five minutes. */
	reset(f);
	cpu_series(f, 1, 91, 300);
	assert_int_equal(eval(f), 1);
	/* A gap in the data is not "for 5 minutes". */
	reset(f);
	fx_metric(&f->s, ID, "CPUUtilization", NOW - 2 * TIME_MIN, 99, 60);
	fx_metric(&f->s, ID, "CPUUtilization", NOW - 7 * TIME_MIN, 99, 60);
	assert_int_equal(eval(f), 0);
	/* Old saturation is not now. */
	reset(f);
	for (int k = 0; k < 10; k++)
		fx_metric(&f->s, ID, "CPUUtilization", NOW - 30 * TIME_MIN - k * TIME_MIN, 99, 60);
	assert_int_equal(eval(f), 0);
}

static void
test_alert_connections(void **state)
{
	struct fx *f = *state;
	struct m_pg_health *h = fx_pg_health(&f->s, ID);

	h->max_connections = 100;
	h->reserved_connections = 3;
	h->connections = 90;					/* at */
	assert_int_equal(eval(f), 0);
	h->connections = 91;
	assert_int_equal(eval(f), 1);
	assert_string_equal(expect(f, "connections:prod-db", "warning", 1)->detail,
	    "91 connections of max_connections 100 (91%)");
	h->connections = 97;
	assert_int_equal(eval(f), 1);
	expect(f, "connections:prod-db", "critical", 2);

	/* CloudWatch's count and the configured max, without the pg source. */
	reset(f);
	fx_instance(&f->s, ID);
	fx_param(&f->s, ID, "parameter_group", "max_connections", "{DBInstanceClassMemory/9531392}");
	fx_metric(&f->s, ID, "DatabaseConnections", NOW - TIME_MIN, 450, 60);
	assert_int_equal(eval(f), 0);				/* max unknown */
	fx_param(&f->s, ID, "pg_settings", "max_connections", "500");
	assert_int_equal(eval(f), 0);
	((struct m_metric *)f->s.kinds[M_METRIC].items)->value = 451;
	assert_int_equal(eval(f), 1);
	expect(f, "connections:prod-db", "warning", 1);
}

static void
test_alert_xid_age(void **state)
{
	struct fx *f = *state;
	struct m_xid_age *x = m_vec_push(&f->s.kinds[M_XID_AGE]);
	struct m_xid_age *y = m_vec_push(&f->s.kinds[M_XID_AGE]);

	m_str_set(&x->instance, ID);
	m_str_set(&x->database, "app");
	m_str_set(&y->instance, ID);
	m_str_set(&y->database, "postgres");
	y->age = 200000000;
	x->age = 1000000000;					/* at */
	assert_int_equal(eval(f), 0);
	x->age = 1000000001;
	assert_int_equal(eval(f), 1);
	assert_string_equal(expect(f, "xid_age:prod-db", "warning", 1)->detail,
	    "transaction ID age 1.00 billion in database app (wraparound stops writes at 2.1)");
	x->age = 1500000000;
	assert_int_equal(eval(f), 1);
	expect(f, "xid_age:prod-db", "warning", 1);
	x->age = 1500000001;
	assert_int_equal(eval(f), 1);
	expect(f, "xid_age:prod-db", "critical", 2);

	/* From pg_health, then from CloudWatch. */
	reset(f);
	fx_pg_health(&f->s, ID)->max_xid_age = 1600000000;
	assert_int_equal(eval(f), 1);
	expect(f, "xid_age:prod-db", "critical", 2);
	reset(f);
	fx_metric(&f->s, ID, "MaximumUsedTransactionIDs", NOW - TIME_MIN, 1.2e9, 60);
	assert_int_equal(eval(f), 1);
	expect(f, "xid_age:prod-db", "warning", 1);
}

static void
test_alert_inactive_slot(void **state)
{
	struct fx *f = *state;
	struct m_repl_slot *r = m_vec_push(&f->s.kinds[M_REPL_SLOT]);

	m_str_set(&r->instance, ID);
	m_str_set(&r->slot_name, "cdc");
	m_str_set(&r->slot_type, "logical");
	m_str_set(&r->plugin, "pgoutput");
	r->active = 1;
	r->retained_wal_bytes = 5LL << 30;
	assert_int_equal(eval(f), 0);				/* active */
	r->active = 0;
	r->retained_wal_bytes = 1LL << 30;			/* at */
	assert_int_equal(eval(f), 0);
	r->retained_wal_bytes = (1LL << 30) + 1;
	assert_int_equal(eval(f), 1);
	r->retained_wal_bytes = 3LL << 30;
	assert_int_equal(eval(f), 1);
	assert_string_equal(expect(f, "inactive_slot:prod-db:cdc", "warning", 1)->detail,
	    "slot cdc (logical, pgoutput) is inactive and retains 3.0 GiB of WAL");
	r->active = M_TRI_UNKNOWN;
	assert_int_equal(eval(f), 0);
}

static void
test_alert_replica_lag(void **state)
{
	struct fx *f = *state;
	struct m_metric *m = fx_metric(&f->s, ID, "ReplicaLag", NOW - TIME_MIN, 300, 60);

	assert_int_equal(eval(f), 0);				/* at */
	m->value = 301;
	assert_int_equal(eval(f), 1);
	assert_string_equal(expect(f, "replica_lag:prod-db", "warning", 1)->detail,
	    "ReplicaLag 5m (over 5m)");
	m_str_set(&m->name, "AuroraReplicaLag");		/* milliseconds */
	assert_int_equal(eval(f), 0);
	m->value = 300001;
	assert_int_equal(eval(f), 1);
	expect(f, "replica_lag:prod-db", "warning", 1);
}

static void
test_alert_source_failing(void **state)
{
	struct fx *f = *state;
	struct m_source_health *h = fx_source(&f->s, "guardduty", "", 0, 3);
	const struct m_alert *a;

	fx_source(&f->s, "rds", "", 1, 0);
	assert_int_equal(eval(f), 0);				/* at */
	h->consecutive_failures = 4;
	assert_int_equal(eval(f), 1);
	a = expect(f, "source_failing::guardduty", "warning", 1);
	assert_string_equal(a->instance, "");
	assert_string_equal(a->detail, "source guardduty: 4 failed polls in a row: ThrottlingException: Rate exceeded "
	    "(guardduty ListDetectors)");
	fx_source(&f->s, "pg", ID, 0, 10);
	assert_int_equal(eval(f), 2);
	expect(f, "source_failing:prod-db:pg", "warning", 1);
}

static void
test_alert_disable(void **state)
{
	struct fx *f = *state;

	fx_session(&f->s, ID, 1, "app", "203.0.113.9", 0, 1);
	assert_int_equal(eval(f), 2);
	m_list_add(&f->cfg.disabled, "superuser_session");
	assert_int_equal(eval(f), 1);
	assert_int_equal(count_rule(f, "non_tls_session"), 1);
}

static void
test_rules_due(void **state)
{
	struct rules_due d;
	struct snapshot s;
	struct m_source_health *h;
	int64_t t = 1795356300000LL;

	(void)state;
	snapshot_init(&s, t, 1);
	h = m_vec_push(&s.kinds[M_SOURCE_HEALTH]);
	m_str_set(&h->source, "pg");
	m_str_set(&h->instance, "db-1");
	h->ok = 1;
	h->consecutive_failures = 0;
	rules_due_init(&d);
	/* The first time (the first sync copies every kind). */
	assert_true(rules_due_check(&d, &s, SNAPSHOT_ALL_KINDS, t));
	assert_false(rules_due_check(&d, &s, 0, t + 2000));	/* nothing moved */
	/* Their own output, a source's poll times: not due. */
	h->last_success = t + 4000;
	h->latency_ms = 12;
	assert_false(rules_due_check(&d, &s, SNAPSHOT_KIND(M_ALERT) | SNAPSHOT_KIND(M_CHECK) |
	    SNAPSHOT_KIND(M_SOURCE_HEALTH), t + 4000));
	/* Time alone: due at the idle bound. */
	assert_true(rules_due_check(&d, &s, 0, t + RULES_IDLE_MS));
	/* What they read: sessions, a source failing. */
	assert_true(rules_due_check(&d, &s, SNAPSHOT_KIND(M_SESSION), t + RULES_IDLE_MS + 1000));
	h->consecutive_failures = 3;
	h->ok = 0;
	assert_true(rules_due_check(&d, &s, SNAPSHOT_KIND(M_SOURCE_HEALTH),
	    t + RULES_IDLE_MS + 2000));
	assert_false(rules_due_check(&d, &s, 0, t + RULES_IDLE_MS + 3000));
	snapshot_free(&s);
}

/* The posture checks are judged when what they read changed, or after
 * RULES_POSTURE_IDLE_MS; otherwise the rules leave the checks they made
 * before as they are. */
static void
test_rules_due_posture(void **state)
{
	struct rules_due d;
	struct snapshot s;
	struct rules_config cfg;
	struct batch *b;
	struct m_instance *inst;
	int64_t t = 1795356300000LL;
	size_t checks;

	(void)state;
	snapshot_init(&s, t, 1);
	rules_config_init(&cfg);
	fx_good_instance(&s, "db-1");
	fx_session(&s, "db-1", 101, "app", "10.0.0.5", 1, 0);
	rules_due_init(&d);
	assert_int_equal(rules_due_check(&d, &s, SNAPSHOT_ALL_KINDS, t), RULES_ALL);
	b = batch_new("rules", t);
	rules_evaluate_part(&s, &cfg, t, RULES_ALL, b);
	checks = b->kinds[M_CHECK].n;
	assert_true(checks > 0);
	snapshot_apply(&s, b, NULL);
	batch_free(b);

	/* Sessions, failed logins, sources: the alerts only. */
	fx_session(&s, "db-1", 102, "app", "10.0.0.6", 0, 0);
	assert_int_equal(rules_due_check(&d, &s, SNAPSHOT_KIND(M_SESSION), t + 1000), RULES_ALERTS);
	b = batch_new("rules", t + 1000);
	rules_evaluate_part(&s, &cfg, t + 1000, RULES_ALERTS, b);
	assert_int_equal(b->kinds[M_CHECK].n, 0);
	assert_false(batch_is_complete(b, M_CHECK));
	assert_true(batch_is_complete(b, M_ALERT));
	snapshot_apply(&s, b, NULL);
	batch_free(b);
	assert_int_equal(s.kinds[M_CHECK].n, checks);	/* kept */
	assert_int_equal(rules_due_check(&d, &s, 0, t + RULES_IDLE_MS + 1000), RULES_ALERTS);

	/* The instance's configuration: both. */
	inst = m_vec_at(&s.kinds[M_INSTANCE], 0);
	inst->backup_retention_days = 0;
	assert_int_equal(rules_due_check(&d, &s, SNAPSHOT_KIND(M_INSTANCE), t + RULES_IDLE_MS + 2000),
	    RULES_ALL);
	/* Time alone: the posture too once a minute. */
	assert_int_equal(rules_due_check(&d, &s, 0, t + 2 * RULES_IDLE_MS + 2000), RULES_ALERTS);
	assert_int_equal(rules_due_check(&d, &s, 0, t + RULES_IDLE_MS + 2000 +
	    RULES_POSTURE_IDLE_MS), RULES_ALL);
	rules_config_free(&cfg);
	snapshot_free(&s);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netaddr_private),
		cmocka_unit_test(test_netaddr_cidr),
		cmocka_unit_test(test_rules_due),
		cmocka_unit_test(test_rules_due_posture),
		T(test_alert_non_tls),
		T(test_alert_keys_stable_across_polls),
		T(test_alert_superuser),
		T(test_alert_long_transaction),
		T(test_alert_failed_login_burst),
		T(test_alert_guardduty),
		T(test_alert_rds_events),
		T(test_alert_backup),
		T(test_alert_forced_maintenance),
		T(test_alert_ca),
		T(test_alert_free_storage),
		T(test_alert_cpu),
		T(test_alert_connections),
		T(test_alert_xid_age),
		T(test_alert_inactive_slot),
		T(test_alert_replica_lag),
		T(test_alert_source_failing),
		T(test_alert_disable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
