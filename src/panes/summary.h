/* Per-instance summaries shared by the Overview and Backup & patch panes:
 * each writes a short text into BUF and returns its colour role, judged
 * with the alert rules' own thresholds (R), so the screen highlights what
 * the rules alert on. */
#ifndef RW_PANES_SUMMARY_H
#define RW_PANES_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "view/snapshot.h"

/* Automated snapshots are daily; older than this the newest one is late. */
#define SUMMARY_SNAPSHOT_AGE_MS (26 * 3600 * 1000LL)

struct rules_config;

/* The instance status ("available", "storage-full", ...). */
int summary_status_style(const char *status);
/* Backups: "OFF" when retention is 0, else the newest automated
 * snapshot's age. *SORT: a sort value. */
int summary_backup(const struct m_instance *i, int64_t now, char *buf, size_t len, double *sort);
/* The lag of LatestRestorableTime behind NOW. */
int summary_restore_lag(const struct m_instance *i, const struct rules_config *r, int64_t now,
    char *buf, size_t len, double *sort);
/* Pending maintenance: "FORCED in 3d", "2 pending" or "none". */
int summary_maintenance(const struct snapshot *s, const char *id, const struct rules_config *r,
    int64_t now, char *buf, size_t len, double *sort);
/* CA certificate expiry: "in 40d" or "EXPIRED". */
int summary_ca(const struct m_instance *i, const struct rules_config *r, int64_t now, char *buf,
    size_t len, double *sort);
/* An instance's posture, gathered check by check (a pane of many
 * instances reads the checks once). Zeroed: no check yet. */
struct summary_posture {
	size_t fail, unknown;
	int worst;
};
void summary_posture_add(struct summary_posture *p, const struct m_check *c);
/* "3 FAIL", "2 unkn" or "ok". */
int summary_posture_text(const struct summary_posture *p, char *buf, size_t len, double *sort);
/* An instance's alerts, gathered alert by alert. Zeroed: none yet. */
struct summary_alerts {
	size_t count[4], acked;
	int worst;
};
void summary_alerts_add(struct summary_alerts *a, const struct m_alert *al);
/* The worst active alert: "CRIT 2", "WARN 1", "acked" or "ok". */
int summary_alerts_text(const struct summary_alerts *a, char *buf, size_t len, double *sort);

#endif
