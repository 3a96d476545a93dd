/* Every key rdswatch's config file knows. Modules add their keys here,
 * grouped by section; rdswatch.conf(5) documents each one. */
#include <config.h>

#include <stddef.h>

#include "core/config.h"

const struct config_keydef config_keys[] = {
	/* [aws]: where to look, as the AWS CLI's flags would say. */
	{ "aws", "profile", 0, "AWS profile (default: AWS_PROFILE, then \"default\")" },
	{ "aws", "region", 0, "AWS region (default: AWS_REGION, the profile, IMDS)" },
	{ "aws", "endpoint_url", 0, "one endpoint URL for every AWS service (testing)" },
	{ "aws", "connect_timeout", 0, "AWS connect timeout, e.g. 3s (default 3s)" },
	{ "aws", "timeout", 0, "AWS timeout of one HTTP attempt, e.g. 10s (default 10s)" },
	{ "aws", "max_attempts", 0, "attempts per AWS call, 1 to 20 (default 3, or AWS_MAX_ATTEMPTS)" },

	/* [ui]: the dashboard (rdswatch.conf(5) "[ui]"). */
	{ "ui", "theme", 0, "colour theme: a name in the themes directories, or a path" },
	{ "ui", "color", 0, "false: no colour, attributes only (as NO_COLOR or --no-color)" },
	{ "ui", "ascii", 0, "true: ASCII lines and symbols even in a UTF-8 locale" },
	{ "ui", "refresh", 0, "the refresh interval, e.g. 5s (--refresh)" },
	{ "ui", "bell", 0, "true: ring the bell when a critical alert opens (--bell)" },
	{ "ui", "attention", 0, "how long a new critical alert shows in reverse video (5s)" },
	{ "ui", "mouse", 0, "true: clicks select tabs and rows, the wheel scrolls" },

	/* [instance ID]: how to reach one instance's PostgreSQL. */
	{ "instance", "password", CONFIG_SECRET, "database password (prefer auth = iam or secret:ARN)" },

	/* [rules]: alert thresholds and allowlists, posture (rules/rules_config.c). */
	{ "rules", "non_tls_allow_users", 0, "users whose sessions may skip TLS (comma-separated)" },
	{ "rules", "non_tls_allow_cidrs", 0, "client networks whose sessions may skip TLS, e.g. 10.1.0.0/16" },
	{ "rules", "superuser_allow_users", 0, "superusers whose sessions raise no alert" },
	{ "rules", "long_transaction", 0, "alert on a transaction open longer than this (1h)" },
	{ "rules", "failed_login_count", 0, "failed logins that make a burst (5)" },
	{ "rules", "failed_login_window", 0, "... within this window, per address or user (5m)" },
	{ "rules", "guardduty_min_severity", 0, "lowest GuardDuty band that alerts: low, medium, high, critical (low)" },
	{ "rules", "guardduty_window", 0, "a finding alerts this long after its last update (24h)" },
	{ "rules", "event_categories", 0, "RDS event categories that alert (failover, failure, security, low storage, backup disabled)" },
	{ "rules", "event_window", 0, "an RDS event alerts this long (1h)" },
	{ "rules", "backup_lag_max", 0, "LatestRestorableTime may lag this much (15m)" },
	{ "rules", "backup_retention_days", 0, "posture: minimum automated backup retention (7)" },
	{ "rules", "forced_maintenance_within", 0, "alert on maintenance forced within (7d)" },
	{ "rules", "ca_critical_within", 0, "CA certificate expiry that is critical (30d)" },
	{ "rules", "ca_warning_within", 0, "CA certificate expiry that warns, and fails the posture check (90d)" },
	{ "rules", "metric_max_age", 0, "metric samples older than this are not current (15m)" },
	{ "rules", "free_storage_critical_pct", 0, "free storage below this % is critical (10)" },
	{ "rules", "free_storage_warning_pct", 0, "free storage below this % warns (20)" },
	{ "rules", "cpu_pct", 0, "CPU above this % ... (90)" },
	{ "rules", "cpu_duration", 0, "... for this long warns (5m)" },
	{ "rules", "connections_pct", 0, "connections above this % of max_connections warn (90)" },
	{ "rules", "xid_age_warning", 0, "transaction ID age that warns (1000000000)" },
	{ "rules", "xid_age_critical", 0, "transaction ID age that is critical (1500000000)" },
	{ "rules", "inactive_slot_wal_mb", 0, "an inactive slot retaining more WAL than this warns (1024)" },
	{ "rules", "replica_lag_max", 0, "replica lag that warns (5m)" },
	{ "rules", "source_failures", 0, "alert when a source fails more polls in a row than this (3)" },
	{ "rules", "disable", 0, "rule and check ids to turn off (comma-separated)" },

	{ NULL, NULL, 0, NULL },
};
