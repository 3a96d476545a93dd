/* The record kinds rdswatch observes and derives. Each is defined once as
 * a field list: F(record, type, name, flags). The list makes the C struct
 * (struct m_<record>) and its field table (m_<record>_type), so adding a
 * field is one line here.
 *
 * "instance" fields hold the RDS identifier of the DB instance or Aurora
 * cluster a record belongs to (the key of struct m_instance). */
#ifndef RW_MODEL_RECORDS_H
#define RW_MODEL_RECORDS_H

#include "model/model.h"

/* An AWS account+region as a source sees it. */
#define M_ACCOUNT_FIELDS(F) \
	F(account, STR, region, M_KEY) \
	F(account, STR, profile, M_KEY) \
	F(account, STR, account_id, 0) \
	F(account, STR, caller_arn, 0) \
	F(account, STR, guardduty_detector_id, 0) \
	F(account, STR, guardduty_status, 0)          /* ENABLED / DISABLED */ \
	F(account, TRI, guardduty_rds_protection, 0)  /* RDS_LOGIN_EVENTS feature */ \
	F(account, TIME, observed_at, M_POLLTIME)

/* An RDS DB instance or an Aurora cluster, with what the posture checks
 * and the panes read (domain.md section 7). */
#define M_INSTANCE_FIELDS(F) \
	F(instance, STR, id, M_KEY) \
	F(instance, STR, kind, 0)               /* "instance" or "cluster" */ \
	F(instance, STR, region, 0) \
	F(instance, STR, profile, 0) \
	F(instance, STR, account_id, 0) \
	F(instance, STR, arn, 0) \
	F(instance, STR, engine, 0) \
	F(instance, STR, engine_version, 0) \
	F(instance, STR, status, 0) \
	F(instance, STR, role, 0)               /* writer, reader, standalone, replica, cluster */ \
	F(instance, STR, cluster_id, 0) \
	F(instance, STR, instance_class, 0) \
	F(instance, STR, endpoint_host, 0) \
	F(instance, INT, endpoint_port, 0) \
	F(instance, INT, allocated_storage_gib, 0) \
	F(instance, TRI, publicly_accessible, 0) \
	F(instance, TRI, storage_encrypted, 0) \
	F(instance, STR, kms_key_id, 0) \
	F(instance, TRI, iam_auth, 0) \
	F(instance, INT, backup_retention_days, 0) \
	F(instance, TIME, latest_restorable_time, 0) \
	F(instance, STR, backup_window, 0) \
	F(instance, STR, maintenance_window, 0) \
	F(instance, TRI, deletion_protection, 0) \
	F(instance, TRI, multi_az, 0) \
	F(instance, TRI, auto_minor_upgrade, 0) \
	F(instance, TRI, copy_tags_to_snapshot, 0) \
	F(instance, LIST, log_exports, 0) \
	F(instance, INT, monitoring_interval_s, 0) \
	F(instance, STR, master_username, 0) \
	F(instance, STR, master_user_secret_arn, 0) \
	F(instance, STR, ca_certificate_id, 0) \
	F(instance, TIME, ca_valid_till, 0) \
	F(instance, STR, parameter_group, 0) \
	F(instance, LIST, security_groups, 0) \
	F(instance, LIST, tags, 0)              /* "key=value" */ \
	F(instance, LIST, newer_minor_versions, 0) \
	F(instance, TIME, newest_automated_snapshot, 0) \
	F(instance, TIME, newest_manual_snapshot, 0) \
	F(instance, INT, public_snapshots, 0) \
	F(instance, INT, unencrypted_snapshots, 0) \
	F(instance, TIME, created_at, 0) \
	F(instance, TIME, observed_at, M_POLLTIME)

/* A parameter as RDS (DB parameter group) or PostgreSQL (pg_settings)
 * reports it. */
#define M_PARAMETER_FIELDS(F) \
	F(parameter, STR, instance, M_KEY) \
	F(parameter, STR, source, M_KEY)        /* "parameter_group" or "pg_settings" */ \
	F(parameter, STR, name, M_KEY) \
	F(parameter, STR, value, 0) \
	F(parameter, TIME, observed_at, M_POLLTIME)

/* A pending maintenance action (DescribePendingMaintenanceActions). */
#define M_MAINTENANCE_FIELDS(F) \
	F(maintenance, STR, instance, M_KEY) \
	F(maintenance, STR, action, M_KEY) \
	F(maintenance, STR, description, 0) \
	F(maintenance, TIME, auto_applied_after, 0) \
	F(maintenance, TIME, forced_apply_date, 0) \
	F(maintenance, TIME, current_apply_date, 0) \
	F(maintenance, STR, opt_in_status, 0) \
	F(maintenance, TIME, observed_at, M_POLLTIME)

/* One ingress rule of a VPC security group attached to an instance. */
#define M_SG_RULE_FIELDS(F) \
	F(sg_rule, STR, instance, M_KEY) \
	F(sg_rule, STR, group_id, M_KEY) \
	F(sg_rule, STR, protocol, M_KEY)        /* "tcp", "-1" for all */ \
	F(sg_rule, INT, from_port, M_KEY) \
	F(sg_rule, INT, to_port, M_KEY) \
	F(sg_rule, STR, source, M_KEY)          /* CIDR, IPv6 CIDR or sg-/pl- id */ \
	F(sg_rule, STR, group_name, 0) \
	F(sg_rule, STR, description, 0) \
	F(sg_rule, TRI, covers_db_port, 0) \
	F(sg_rule, TRI, wide_open, 0)           /* 0.0.0.0/0, ::/0 or wider than the threshold */ \
	F(sg_rule, TIME, observed_at, M_POLLTIME)

/* An RDS event (DescribeEvents). */
#define M_EVENT_FIELDS(F) \
	F(event, STR, source_id, M_KEY) \
	F(event, TIME, time, M_KEY) \
	F(event, STR, message, M_KEY) \
	F(event, STR, instance, 0)              /* for db-instance and db-cluster sources */ \
	F(event, STR, source_type, 0) \
	F(event, LIST, categories, 0) \
	F(event, STR, event_id, 0)              /* RDS-EVENT-NNNN when known */ \
	F(event, STR, source_arn, 0)

/* A GuardDuty finding about an RDS instance. */
#define M_FINDING_FIELDS(F) \
	F(finding, STR, id, M_KEY) \
	F(finding, STR, instance, 0) \
	F(finding, STR, account_id, 0) \
	F(finding, STR, region, 0) \
	F(finding, STR, type, 0) \
	F(finding, DBL, severity, 0) \
	F(finding, STR, severity_label, 0)      /* low, medium, high, critical */ \
	F(finding, STR, title, 0) \
	F(finding, STR, description, 0) \
	F(finding, TIME, created_at, 0) \
	F(finding, TIME, updated_at, 0) \
	F(finding, INT, count, 0) \
	F(finding, STR, db_user, 0) \
	F(finding, STR, application, 0) \
	F(finding, STR, database, 0) \
	F(finding, STR, auth_method, 0) \
	F(finding, STR, remote_ip, 0) \
	F(finding, STR, remote_country, 0) \
	F(finding, STR, remote_org, 0)          /* ASN organisation */ \
	F(finding, STR, action, 0) \
	F(finding, TRI, archived, 0)

/* One failed login attempt, from a log line (or a group of lines of the
 * same backend pid, since FATAL and DETAIL belong together). */
#define M_FAILED_LOGIN_FIELDS(F) \
	F(failed_login, STR, instance, M_KEY) \
	F(failed_login, TIME, time, M_KEY) \
	F(failed_login, INT, pid, M_KEY) \
	F(failed_login, STR, client_addr, M_KEY) \
	F(failed_login, INT, client_port, M_KEY) \
	F(failed_login, STR, user, M_KEY) \
	F(failed_login, STR, database, 0) \
	F(failed_login, STR, reason, 0)         /* see m_failed_login_reasons */ \
	F(failed_login, STR, detail, 0) \
	F(failed_login, STR, source, 0)         /* log_export, log_download, log_file, guardduty */

/* A client backend, seen in one poll (pg_stat_get_activity). */
#define M_SESSION_FIELDS(F) \
	F(session, STR, instance, M_KEY) \
	F(session, INT, pid, M_KEY) \
	F(session, TIME, backend_start, M_KEY) \
	F(session, STR, user, 0) \
	F(session, STR, database, 0) \
	F(session, STR, application_name, 0) \
	F(session, STR, client_addr, 0) \
	F(session, INT, client_port, 0) \
	F(session, TRI, ssl, 0) \
	F(session, STR, ssl_version, 0) \
	F(session, STR, ssl_cipher, 0) \
	F(session, INT, ssl_bits, 0) \
	F(session, TRI, superuser, 0) \
	F(session, STR, superuser_via, 0)       /* "rolsuper" or "rds_superuser" */ \
	F(session, TRI, provider_owned, 0)      /* rdsadmin: expected */ \
	F(session, STR, state, 0) \
	F(session, TIME, state_change, 0) \
	F(session, TIME, xact_start, 0) \
	F(session, TIME, query_start, 0) \
	F(session, STR, wait_event_type, 0) \
	F(session, STR, wait_event, 0) \
	F(session, LIST, blocked_by, 0)         /* pids, as text */ \
	F(session, STR, query, 0)               /* truncated, literals masked */ \
	F(session, TRI, insufficient_privilege, 0) \
	F(session, TIME, first_seen, M_CARRY) \
	F(session, TIME, last_seen, M_POLLTIME)

/* A metric sample (CloudWatch) for an instance or cluster. */
#define M_METRIC_FIELDS(F) \
	F(metric, STR, instance, M_KEY) \
	F(metric, STR, name, M_KEY) \
	F(metric, TIME, time, M_KEY) \
	F(metric, DBL, value, 0) \
	F(metric, STR, unit, 0) \
	F(metric, INT, period_s, 0)

/* What the pg source learns about the server beyond sessions. */
#define M_PG_HEALTH_FIELDS(F) \
	F(pg_health, STR, instance, M_KEY) \
	F(pg_health, TRI, connected, 0) \
	F(pg_health, STR, server_version, 0) \
	F(pg_health, STR, monitor_user, 0) \
	F(pg_health, STR, tls_mode, 0)          /* sslmode used by rdswatch */ \
	F(pg_health, TRI, tls_verified, 0)      /* 0: the screen says "TLS not verified" */ \
	F(pg_health, TRI, has_pg_monitor, 0) \
	F(pg_health, INT, connections, 0) \
	F(pg_health, INT, max_connections, 0) \
	F(pg_health, INT, reserved_connections, 0) \
	F(pg_health, DBL, oldest_xact_age_s, M_PROGRESS) /* moves with the clock */ \
	F(pg_health, INT, oldest_xact_pid, 0) \
	F(pg_health, INT, max_xid_age, 0) \
	F(pg_health, STR, max_xid_age_database, 0) \
	F(pg_health, TRI, in_recovery, 0) \
	F(pg_health, TRI, public_schema_create, 0) \
	F(pg_health, TIME, observed_at, M_POLLTIME)

/* Transaction ID age of one database (age(datfrozenxid)). */
#define M_XID_AGE_FIELDS(F) \
	F(xid_age, STR, instance, M_KEY) \
	F(xid_age, STR, database, M_KEY) \
	F(xid_age, INT, age, 0) \
	F(xid_age, TIME, observed_at, M_POLLTIME)

/* A replication slot. */
#define M_REPL_SLOT_FIELDS(F) \
	F(repl_slot, STR, instance, M_KEY) \
	F(repl_slot, STR, slot_name, M_KEY) \
	F(repl_slot, STR, slot_type, 0) \
	F(repl_slot, STR, plugin, 0) \
	F(repl_slot, STR, database, 0) \
	F(repl_slot, TRI, active, 0) \
	F(repl_slot, INT, retained_wal_bytes, 0) \
	F(repl_slot, TIME, observed_at, M_POLLTIME)

/* The health of one source (and instance, for per-instance sources). */
#define M_SOURCE_HEALTH_FIELDS(F) \
	F(source_health, STR, source, M_KEY) \
	F(source_health, STR, instance, M_KEY)  /* "" for fleet-wide sources */ \
	F(source_health, TRI, ok, 0) \
	F(source_health, TRI, updating, 0) \
	F(source_health, TIME, last_attempt, M_PROGRESS) \
	F(source_health, TIME, last_success, M_PROGRESS) \
	F(source_health, TIME, next_poll, M_PROGRESS) \
	F(source_health, INT, latency_ms, M_PROGRESS) \
	F(source_health, INT, calls, M_PROGRESS) \
	F(source_health, INT, consecutive_failures, 0) \
	F(source_health, STR, error_kind, 0) \
	F(source_health, STR, error_service, 0) \
	F(source_health, STR, error_operation, 0) \
	F(source_health, STR, error_code, 0) \
	F(source_health, STR, error_message, 0) \
	F(source_health, INT, error_http_status, 0) \
	F(source_health, STR, missing_action, 0) /* IAM action named by AccessDenied */ \
	F(source_health, DBL, est_monthly_usd, M_PROGRESS)

/* A posture check result (domain.md section 7). */
#define M_CHECK_FIELDS(F) \
	F(check, STR, instance, M_KEY) \
	F(check, STR, check_id, M_KEY) \
	F(check, STR, control, 0)               /* Security Hub control, e.g. RDS.2 */ \
	F(check, STR, title, 0) \
	F(check, STR, status, 0)                /* pass, fail, unknown */ \
	F(check, STR, severity, 0)              /* of a failure */ \
	F(check, STR, reason, 0)                /* shows the observed value */ \
	F(check, TIME, evaluated_at, M_POLLTIME)

/* An alert and its lifecycle. */
#define M_ALERT_FIELDS(F) \
	F(alert, STR, key, M_KEY)               /* rule + subject: stable across polls */ \
	F(alert, STR, instance, 0) \
	F(alert, STR, rule, 0) \
	F(alert, STR, severity, 0)              /* critical, warning, info */ \
	F(alert, STR, title, 0) \
	F(alert, STR, detail, 0) \
	F(alert, STR, state, 0)                 /* active, acknowledged, snoozed, resolved */ \
	F(alert, TIME, opened_at, 0) \
	F(alert, TIME, updated_at, M_POLLTIME) \
	F(alert, TIME, resolved_at, 0) \
	F(alert, STR, acked_by, 0) \
	F(alert, TIME, acked_at, 0) \
	F(alert, STR, ack_note, 0) \
	F(alert, TIME, snoozed_until, 0) \
	F(alert, INT, band, 0)                  /* the rule's measure band, higher is worse (re-opens an ack) */

#define M_DECLARE_RECORD(rec, FIELDS) \
	struct m_##rec { FIELDS(M_STRUCT_MEMBER) }; \
	extern const struct m_type m_##rec##_type;

M_DECLARE_RECORD(account, M_ACCOUNT_FIELDS)
M_DECLARE_RECORD(instance, M_INSTANCE_FIELDS)
M_DECLARE_RECORD(parameter, M_PARAMETER_FIELDS)
M_DECLARE_RECORD(maintenance, M_MAINTENANCE_FIELDS)
M_DECLARE_RECORD(sg_rule, M_SG_RULE_FIELDS)
M_DECLARE_RECORD(event, M_EVENT_FIELDS)
M_DECLARE_RECORD(finding, M_FINDING_FIELDS)
M_DECLARE_RECORD(failed_login, M_FAILED_LOGIN_FIELDS)
M_DECLARE_RECORD(session, M_SESSION_FIELDS)
M_DECLARE_RECORD(metric, M_METRIC_FIELDS)
M_DECLARE_RECORD(pg_health, M_PG_HEALTH_FIELDS)
M_DECLARE_RECORD(xid_age, M_XID_AGE_FIELDS)
M_DECLARE_RECORD(repl_slot, M_REPL_SLOT_FIELDS)
M_DECLARE_RECORD(source_health, M_SOURCE_HEALTH_FIELDS)
M_DECLARE_RECORD(check, M_CHECK_FIELDS)
M_DECLARE_RECORD(alert, M_ALERT_FIELDS)

/* Every kind, in a fixed order (indexes of snapshot and batch arrays). */
enum m_kind {
	M_ACCOUNT,
	M_INSTANCE,
	M_PARAMETER,
	M_MAINTENANCE,
	M_SG_RULE,
	M_EVENT,
	M_FINDING,
	M_FAILED_LOGIN,
	M_SESSION,
	M_METRIC,
	M_PG_HEALTH,
	M_XID_AGE,
	M_REPL_SLOT,
	M_SOURCE_HEALTH,
	M_CHECK,
	M_ALERT,
	M_KIND_COUNT
};

/* How a kind evolves, which decides how batches apply and how history
 * stores it:
 *   M_STATE   a batch carries the complete current set for its scope;
 *             what is missing has gone (instances, sessions, rules, ...)
 *   M_APPEND  records are facts that happened once, idempotent by key
 *             (events, findings, failed logins, metric samples) */
enum m_flow { M_STATE, M_APPEND };

const struct m_type *m_kind_type(enum m_kind k);
enum m_flow m_kind_flow(enum m_kind k);
/* "instances", "sessions", ...: the plural used in JSON and SQL tables. */
const char *m_kind_plural(enum m_kind k);
/* The kind whose m_type is T, or M_KIND_COUNT. */
enum m_kind m_kind_of(const struct m_type *t);

/* Failed-login reasons. */
#define M_REASON_WRONG_PASSWORD   "wrong_password"
#define M_REASON_UNKNOWN_ROLE     "unknown_role"
#define M_REASON_EXPIRED_PASSWORD "expired_password"
#define M_REASON_NO_PASSWORD      "no_password"
#define M_REASON_NO_HBA_ENTRY     "no_pg_hba_entry"          /* unencrypted attempt */
#define M_REASON_NO_HBA_ENTRY_TLS "no_pg_hba_entry_tls"      /* over TLS */
#define M_REASON_HBA_REJECT       "pg_hba_reject"
#define M_REASON_AUTH_FAILED      "auth_failed"              /* other methods */

#endif
