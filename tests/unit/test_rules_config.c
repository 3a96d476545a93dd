/* [rules] in the config file: every key read and applied, defaults
 * otherwise, and each bad value refused with file, line and key. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/timeutil.h"
#include "rules/alerts.h"
#include "rules/posture.h"
#include "rules/rules.h"
#include "rules_fixture.h"

static const char every_key[] =
    "[rules]\n"
    "non_tls_allow_users = pgbouncer, local_job\n"
    "non_tls_allow_cidrs = 10.1.0.0/16, fd00::/8,192.0.2.7\n"
    "superuser_allow_users = breakglass\n"
    "long_transaction = 2h\n"
    "failed_login_count = 10\n"
    "failed_login_window = 10m\n"
    "guardduty_min_severity = Medium\n"
    "guardduty_window = 2d\n"
    "event_categories = failover, Low Storage,backup disabled\n"
    "event_window = 30m\n"
    "backup_lag_max = 20m\n"
    "backup_retention_days = 14\n"
    "forced_maintenance_within = 3d\n"
    "ca_critical_within = 14d\n"
    "ca_warning_within = 60d\n"
    "metric_max_age = 10m\n"
    "free_storage_critical_pct = 5\n"
    "free_storage_warning_pct = 12.5\n"
    "cpu_pct = 95\n"
    "cpu_duration = 10m\n"
    "connections_pct = 80\n"
    "xid_age_warning = 800000000\n"
    "xid_age_critical = 1200000000\n"
    "inactive_slot_wal_mb = 512\n"
    "replica_lag_max = 90s\n"
    "source_failures = 5\n"
    "disable = copy_tags, cpu\n";

static void
load(const char *text, struct rules_config *cfg)
{
	struct config c;
	struct rw_error err = RW_ERROR_INIT;

	assert_int_equal(config_load_string(&c, text, "test.conf", &err), 0);
	assert_int_equal(c.nwarnings, 0);	/* every key is known to config_keys.c */
	if (rules_config_load(&c, cfg, &err) != 0)
		fail_msg("%s", err.message);
	config_free(&c);
}

static void
test_rules_config_defaults(void **state)
{
	struct rules_config cfg;
	struct rw_error err = RW_ERROR_INIT;

	(void)state;
	assert_int_equal(rules_config_load(NULL, &cfg, &err), 0);
	assert_int_equal(cfg.failed_login_count, 5);
	assert_int_equal(cfg.failed_login_window_ms, 5 * TIME_MIN);
	assert_int_equal(cfg.backup_lag_ms, 15 * TIME_MIN);
	assert_int_equal(cfg.forced_maintenance_ms, 7 * TIME_DAY);
	assert_int_equal(cfg.ca_critical_ms, 30 * TIME_DAY);
	assert_int_equal(cfg.ca_warning_ms, 90 * TIME_DAY);
	assert_true(cfg.free_storage_critical_pct == 10 && cfg.free_storage_warning_pct == 20);
	assert_true(cfg.cpu_pct == 90 && cfg.connections_pct == 90);
	assert_int_equal(cfg.cpu_duration_ms, 5 * TIME_MIN);
	assert_int_equal(cfg.xid_age_warning, 1000000000);
	assert_int_equal(cfg.xid_age_critical, 1500000000);
	assert_int_equal(cfg.long_transaction_ms, TIME_HOUR);
	assert_int_equal(cfg.source_failures, 3);
	assert_int_equal(cfg.event_categories.n, 5);
	assert_true(m_list_contains(&cfg.event_categories, "low storage"));
	assert_int_equal(cfg.disabled.n, 0);
	rules_config_free(&cfg);
}

static void
test_rules_config_every_key(void **state)
{
	struct rules_config cfg;
	struct netaddr a;
	size_t keys = 0;

	(void)state;
	/* The test below sets each key config_keys.c declares for [rules]. */
	for (const struct config_keydef *k = config_keys; k->section != NULL; k++) {
		char line[128];

		if (strcmp(k->section, "rules") != 0)
			continue;
		keys++;
		snprintf(line, sizeof line, "\n%s = ", k->name);
		if (strstr(every_key, line) == NULL)
			fail_msg("key %s is not in the test", k->name);
	}
	assert_int_equal(keys, 27);

	load(every_key, &cfg);
	assert_int_equal(cfg.non_tls_allow_users.n, 2);
	assert_string_equal(cfg.non_tls_allow_users.v[1], "local_job");
	assert_int_equal(cfg.n_non_tls_allow_cidrs, 3);
	assert_int_equal(netaddr_parse("10.1.9.9", &a), 0);
	assert_true(netaddr_in_cidr(&a, &cfg.non_tls_allow_cidrs[0]));
	assert_int_equal(cfg.non_tls_allow_cidrs[2].prefix, 32);
	assert_string_equal(cfg.superuser_allow_users.v[0], "breakglass");
	assert_int_equal(cfg.long_transaction_ms, 2 * TIME_HOUR);
	assert_int_equal(cfg.failed_login_count, 10);
	assert_int_equal(cfg.failed_login_window_ms, 10 * TIME_MIN);
	assert_int_equal(cfg.guardduty_min_band, 2);
	assert_int_equal(cfg.guardduty_window_ms, 2 * TIME_DAY);
	assert_int_equal(cfg.event_categories.n, 3);
	assert_string_equal(cfg.event_categories.v[1], "low storage");
	assert_int_equal(cfg.event_window_ms, 30 * TIME_MIN);
	assert_int_equal(cfg.backup_lag_ms, 20 * TIME_MIN);
	assert_int_equal(cfg.backup_retention_days, 14);
	assert_int_equal(cfg.forced_maintenance_ms, 3 * TIME_DAY);
	assert_int_equal(cfg.ca_critical_ms, 14 * TIME_DAY);
	assert_int_equal(cfg.ca_warning_ms, 60 * TIME_DAY);
	assert_int_equal(cfg.metric_max_age_ms, 10 * TIME_MIN);
	assert_true(cfg.free_storage_critical_pct == 5);
	assert_true(cfg.free_storage_warning_pct == 12.5);
	assert_true(cfg.cpu_pct == 95);
	assert_int_equal(cfg.cpu_duration_ms, 10 * TIME_MIN);
	assert_true(cfg.connections_pct == 80);
	assert_int_equal(cfg.xid_age_warning, 800000000);
	assert_int_equal(cfg.xid_age_critical, 1200000000);
	assert_int_equal(cfg.inactive_slot_wal_bytes, 512LL * 1024 * 1024);
	assert_int_equal(cfg.replica_lag_ms, 90 * TIME_SEC);
	assert_int_equal(cfg.source_failures, 5);
	assert_true(rules_config_disabled(&cfg, "copy_tags"));
	assert_true(rules_config_disabled(&cfg, "cpu"));
	assert_false(rules_config_disabled(&cfg, "backup"));
	rules_config_free(&cfg);
}

static void
test_rules_config_errors(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "[rules]\nfailed_login_count = 0\n",
		    "test.conf:2: failed_login_count = '0': expected an integer from 1 to 1000000" },
		{ "[rules]\n\nfailed_login_window = soon\n",
		    "test.conf:3: failed_login_window = 'soon': expected a duration such as 30s, 5m, 2h or 7d" },
		{ "[rules]\ncpu_duration = 0\n",
		    "test.conf:2: cpu_duration = '0': expected a duration above zero" },
		{ "[rules]\ncpu_pct = 120\n", "test.conf:2: cpu_pct = '120': expected a number from 0 to 100" },
		{ "[rules]\nguardduty_min_severity = severe\n",
		    "test.conf:2: guardduty_min_severity = 'severe': expected low, medium, high or critical" },
		{ "[rules]\nnon_tls_allow_cidrs = 10.0.0.0/8, 10.0.0.1/8\n",
		    "test.conf:2: non_tls_allow_cidrs = '10.0.0.0/8, 10.0.0.1/8': not an address or CIDR such as 10.0.0.0/8: 10.0.0.1/8" },
		{ "[rules]\nevent_categories = failover, lowstorage\n",
		    "test.conf:2: event_categories = 'failover, lowstorage': unknown RDS event category lowstorage" },
		{ "[rules]\ndisable = cpu, no_such_rule\n",
		    "test.conf:2: disable = 'cpu, no_such_rule': no rule or check has the id no_such_rule" },
		{ "[rules]\nfree_storage_warning_pct = 20\nfree_storage_critical_pct = 25\n",
		    "test.conf:3: free_storage_critical_pct must be below free_storage_warning_pct" },
		{ "[rules]\nxid_age_warning = 1600000000\n",
		    "test.conf:2: xid_age_warning must be below xid_age_critical" },
		{ "[rules]\nca_critical_within = 100d\n",
		    "test.conf:2: ca_critical_within must be below ca_warning_within" },
		{ "[rules]\ninactive_slot_wal_mb = -1\n",
		    "test.conf:2: inactive_slot_wal_mb = '-1': expected an integer from 0 to 1048576" },
		{ "[rules]\nbackup_retention_days = 36\n",
		    "test.conf:2: backup_retention_days = '36': expected an integer from 1 to 35" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config c;
		struct rules_config cfg;
		struct rw_error err = RW_ERROR_INIT;

		assert_int_equal(config_load_string(&c, cases[i].text, "test.conf", &err), 0);
		if (rules_config_load(&c, &cfg, &err) != -1)
			fail_msg("case %zu accepted", i);
		assert_int_equal(err.kind, ERR_CONFIG);
		if (strcmp(err.message, cases[i].message) != 0)
			fail_msg("case %zu: \"%s\"", i, err.message);
		err_clear(&err);
		config_free(&c);
	}
}

/* Every [rules] key, rule id and check id is in rdswatch.conf(5). */
static void
test_rules_documented(void **state)
{
	char *conf = fx_slurp("man/rdswatch.conf.5");

	(void)state;
	assert_non_null(conf);
	for (const struct config_keydef *k = config_keys; k->section != NULL; k++) {
		char want[128];

		if (strcmp(k->section, "rules") != 0)
			continue;
		snprintf(want, sizeof want, ".B %s\n", k->name);
		if (strstr(conf, want) == NULL)
			fail_msg("rdswatch.conf(5) does not document [rules] %s", k->name);
	}
	for (size_t i = 0; i < alert_rule_count; i++) {
		char want[128];

		snprintf(want, sizeof want, ".B %s\n", alert_rules[i].id);
		if (strstr(conf, want) == NULL)
			fail_msg("rdswatch.conf(5) does not document rule %s", alert_rules[i].id);
	}
	for (size_t i = 0; i < posture_check_count; i++) {
		char want[128];

		snprintf(want, sizeof want, ".B %s\n", posture_checks[i].id);
		if (strstr(conf, want) == NULL)
			fail_msg("rdswatch.conf(5) does not document check %s", posture_checks[i].id);
	}
	free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_config_defaults),
		cmocka_unit_test(test_rules_config_every_key),
		cmocka_unit_test(test_rules_config_errors),
		cmocka_unit_test(test_rules_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
