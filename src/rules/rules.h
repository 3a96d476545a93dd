/* rules/: the dashboard's judgement. One evaluation reads a snapshot and
 * yields a "rules" batch: the posture checks of every instance and
 * cluster (posture.c, domain.md section 7) and the complete set of
 * current alerts (alerts.c), carrying each alert's lifecycle from the
 * alerts already in the snapshot (lifecycle.c). History derives what
 * opened and resolved from consecutive complete sets.
 *
 * Everything here is a pure function of the snapshot, the config and the
 * time given: no clock, no I/O. */
#ifndef RW_RULES_RULES_H
#define RW_RULES_RULES_H

#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "model/batch.h"
#include "rules/netaddr.h"
#include "view/snapshot.h"

/* Thresholds and allowlists, from the [rules] section of the config file
 * (rdswatch.conf(5)); rules_config_init() sets the defaults. */
struct rules_config {
	/* Sessions. */
	struct netaddr_cidr *non_tls_allow_cidrs;
	size_t n_non_tls_allow_cidrs;
	struct m_list non_tls_allow_users;
	struct m_list superuser_allow_users;
	int64_t long_transaction_ms;

	/* Failed logins: COUNT failures within WINDOW from one client
	 * address, or for one user. */
	int64_t failed_login_count;
	int64_t failed_login_window_ms;

	/* GuardDuty and RDS events. */
	int guardduty_min_band;		/* 1 low, 2 medium, 3 high, 4 critical */
	int64_t guardduty_window_ms;	/* a finding alerts this long after its last update */
	struct m_list event_categories;
	int64_t event_window_ms;

	/* Backups, maintenance, certificates. */
	int64_t backup_lag_ms;		/* LatestRestorableTime behind now */
	int64_t backup_retention_days;	/* posture: the minimum retention */
	int64_t forced_maintenance_ms;	/* forced apply date within */
	int64_t ca_critical_ms;		/* CA certificate expires within */
	int64_t ca_warning_ms;

	/* Metrics and the server. */
	int64_t metric_max_age_ms;	/* older samples are not "now" */
	double free_storage_critical_pct;
	double free_storage_warning_pct;
	double cpu_pct;
	int64_t cpu_duration_ms;
	double connections_pct;
	int64_t xid_age_warning;
	int64_t xid_age_critical;
	int64_t inactive_slot_wal_bytes;
	int64_t replica_lag_ms;

	/* Sources: alert after more than this many failed polls in a row. */
	int64_t source_failures;

	/* Rule and check ids turned off. */
	struct m_list disabled;
};

void rules_config_init(struct rules_config *cfg);
void rules_config_free(struct rules_config *cfg);
/* Defaults, then the [rules] keys of C (NULL: defaults only). Returns 0,
 * or -1 with ERR naming the file, line and key. */
int rules_config_load(const struct config *c, struct rules_config *cfg, struct rw_error *err);
/* Whether the rule or check ID is turned off in [rules] disable. */
int rules_config_disabled(const struct rules_config *cfg, const char *id);

/* Evaluates S at NOW into OUT, a fresh batch (batch_new("rules", now)):
 * M_CHECK and M_ALERT records, each kind marked complete, covering every
 * instance of S, every instance that has checks or alerts in S, and ""
 * (fleet-level alerts such as a failing source). */
void rules_evaluate(const struct snapshot *s, const struct rules_config *cfg, int64_t now,
    struct batch *out);
/* What to evaluate (rules_evaluate_part, rules/due.h). */
#define RULES_ALERTS 1u
#define RULES_POSTURE 2u
#define RULES_ALL (RULES_ALERTS | RULES_POSTURE)

/* The same for the WHAT of it (RULES_* bits): without
 * RULES_POSTURE the batch carries no checks and leaves those S holds. */
void rules_evaluate_part(const struct snapshot *s, const struct rules_config *cfg, int64_t now,
    unsigned what, struct batch *out);

/* Alert severities, in rising order; "" and unknown words rank as info. */
int rules_severity_rank(const char *severity);

#endif
