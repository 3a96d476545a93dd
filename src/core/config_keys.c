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
	/* PostgreSQL (src/pg, sources/pg.c, sources/pglog.c): [pg] holds
	 * defaults for every instance, [instance ID] overrides them. */
#define PG_KEYS(sec) \
	{ sec, "host", 0, "PostgreSQL host (default: the instance's endpoint)" }, \
	{ sec, "port", 0, "PostgreSQL port (default: the endpoint's, else 5432)" }, \
	{ sec, "hostaddr", 0, "connect to this address, verify TLS against host (SSM port forward)" }, \
	{ sec, "dsn", 0, "libpq connection string or URI as a base (no password in it)" }, \
	{ sec, "user", 0, "monitoring role (default: PGUSER, then the OS user)" }, \
	{ sec, "dbname", 0, "database to connect to (default: PGDATABASE, then postgres)" }, \
	{ sec, "sslmode", 0, "verify-full (default), verify-ca, require (TLS not verified), ..." }, \
	{ sec, "sslrootcert", 0, "CA bundle file (RDS: global-bundle.pem; default PGSSLROOTCERT)" }, \
	{ sec, "auth", 0, "password source: password, env (PGPASSWORD/.pgpass), pgpass, iam, secret[:ARN]" }, \
	{ sec, "connect_timeout", 0, "connection timeout (default 5s)" }, \
	{ sec, "statement_timeout", 0, "statement_timeout of monitoring queries (default 5s)" }, \
	{ sec, "lock_timeout", 0, "lock_timeout of monitoring queries (default 1s)" }, \
	{ sec, "poll_interval", 0, "time between pg polls (default 5s)" }, \
	{ sec, "poll_timeout", 0, "a pg poll's deadline (default 10s)" }, \
	{ sec, "query_max_bytes", 0, "bytes of session query text kept (default 512, 0: none)" }, \
	{ sec, "query_literals", 0, "mask (default) or keep string literals in query text" }, \
	{ sec, "log_poll_interval", 0, "time between reads of log_file (default 5s)" }
	PG_KEYS("pg"),
	PG_KEYS("instance"),
#undef PG_KEYS
	{ "pg", "password", CONFIG_SECRET, "database password for every instance (prefer auth = iam)" },
	{ "pg", "enabled", 0, "poll PostgreSQL of discovered instances (default true)" },
	{ "instance", "pg", 0, "poll this instance's PostgreSQL (default true)" },
	{ "instance", "log_file", 0, "self-managed server's log file, read for failed logins" },
	{ "instance", "log_line_prefix", 0, "the server's log_line_prefix (default RDS's %t:%r:%u@%d:[%p]:)" },
	/* [history]: the SQLite history (src/store). */
	{ "history", "file", 0, "history file (default $XDG_STATE_HOME/rdswatch/history.db)" },
	{ "history", "retention", 0, "how long history is kept (default 30d)" },
	{ "history", "raw_retention", 0,
	  "how long metric samples and per-poll numbers keep full resolution before 5-minute "
	  "aggregates (default 48h)" },

	/* Data sources (src/sources/fleet.c and the sources): which accounts,
	 * regions and instances, and how often each source polls. */
	{ "discovery", "aws", 0, "false: no AWS at all (only [instance ID] servers)" },
	{ "discovery", "regions", 0, "regions to watch (default: the AWS region)" },
	{ "discovery", "instances", 0, "watch only these instance/cluster ids (shell patterns)" },
	{ "discovery", "tags", 0, "watch only instances with these tags (key=value, all must match)" },
	{ "account", "profile", 0, "the AWS profile of this account (may assume a role)" },
	{ "account", "regions", 0, "regions to watch in this account" },
	{ "account", "instances", 0, "watch only these ids in this account" },
	{ "account", "tags", 0, "watch only instances with these tags in this account" },
#define SOURCE_KEYS(sec) \
	{ sec, "enabled", 0, "false: do not poll this source" }, \
	{ sec, "interval", 0, "time between polls" }, \
	{ sec, "timeout", 0, "a poll's deadline (default 10s)" }
	SOURCE_KEYS("rds"),
	SOURCE_KEYS("cloudwatch"),
	SOURCE_KEYS("logs"),
	SOURCE_KEYS("guardduty"),
	SOURCE_KEYS("ec2"),
#undef SOURCE_KEYS
	{ "rds", "slow_interval", 0, "parameters, engine versions, snapshots, certificates: every (30m)" },
	{ "rds", "events_lookback", 0, "RDS events read at start (24h)" },
	{ "cloudwatch", "period", 0, "metric resolution for the fleet (5m)" },
	{ "cloudwatch", "window", 0, "how much recent series each poll reads (1h)" },
	{ "cloudwatch", "metrics", 0, "metrics for every instance (default: 8 that the rules read)" },
	{ "cloudwatch", "focus", 0, "instances polled in detail every focus_interval" },
	{ "cloudwatch", "focus_metrics", 0, "metrics of the focused instances (default: all)" },
	{ "cloudwatch", "focus_interval", 0, "time between polls of the focused instances (1m)" },
	{ "cloudwatch", "focus_period", 0, "metric resolution of the focused instances (1m)" },
	{ "logs", "lookback", 0, "failed logins read at start (24h)" },
	{ "logs", "download", 0, "false: never download log files of instances that do not export" },
	{ "logs", "download_interval", 0, "time between log file downloads (5m)" },
	{ "guardduty", "lookback", 0, "findings read at start (30d)" },
	{ "ec2", "wide_prefix", 0, "a public IPv4 range this wide or wider is wide open (8)" },
	{ "ec2", "wide_prefix6", 0, "a public IPv6 range this wide or wider is wide open (32)" },

	{ NULL, NULL, 0, NULL },
};
