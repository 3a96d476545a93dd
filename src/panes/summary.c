#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "panes/fmt.h"
#include "panes/severity.h"
#include "panes/summary.h"
#include "rules/rules.h"
#include "view/canvas.h"

int
summary_status_style(const char *status)
{
	static const char *const bad[] = {
		"failed", "storage-full", "stopped", "restore-error", "inaccessible-encryption-credentials",
		"incompatible-network", "incompatible-option-group", "incompatible-parameters",
		"incompatible-restore", "insufficient-capacity",
	};

	if (status == NULL)
		return CANVAS_STALE;
	if (strcmp(status, "available") == 0)
		return CANVAS_OK;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (strcmp(status, bad[i]) == 0)
			return CANVAS_CRITICAL;
	}
	return CANVAS_WARNING;
}

int
summary_backup(const struct m_instance *i, int64_t now, char *buf, size_t len, double *sort)
{
	if (i->backup_retention_days == 0) {
		snprintf(buf, len, "OFF");
		*sort = -1;
		return CANVAS_CRITICAL;
	}
	if (i->newest_automated_snapshot == 0) {
		snprintf(buf, len, "%s", i->backup_retention_days == M_INT_NONE ? "?" : "none");
		*sort = NAN;
		return CANVAS_STALE;
	}
	fmt_age(now, i->newest_automated_snapshot, buf, len);
	*sort = (double)(now - i->newest_automated_snapshot);
	return now - i->newest_automated_snapshot > SUMMARY_SNAPSHOT_AGE_MS ? CANVAS_WARNING : 0;
}

int
summary_restore_lag(const struct m_instance *i, const struct rules_config *r, int64_t now,
    char *buf, size_t len, double *sort)
{
	if (i->latest_restorable_time == 0) {
		snprintf(buf, len, "%s", i->backup_retention_days == 0 ? "none" : "?");
		*sort = NAN;
		return i->backup_retention_days == 0 ? CANVAS_CRITICAL : CANVAS_STALE;
	}
	fmt_age(now, i->latest_restorable_time, buf, len);
	*sort = (double)(now - i->latest_restorable_time);
	return now - i->latest_restorable_time > r->backup_lag_ms ? CANVAS_WARNING : 0;
}

int
summary_maintenance(const struct snapshot *s, const char *id, const struct rules_config *r,
    int64_t now, char *buf, size_t len, double *sort)
{
	int64_t forced = 0;
	size_t n = 0;
	char age[32];

	M_VEC_EACH(&s->kinds[M_MAINTENANCE], const struct m_maintenance, m) {
		if (m->instance == NULL || strcmp(m->instance, id) != 0)
			continue;
		n++;
		if (m->forced_apply_date != 0 && (forced == 0 || m->forced_apply_date < forced))
			forced = m->forced_apply_date;
	}
	if (forced != 0) {
		snprintf(buf, len, "FORCED %s", fmt_age(now, forced, age, sizeof age));
		*sort = (double)(forced - now);
		return forced - now <= r->forced_maintenance_ms ? CANVAS_CRITICAL : CANVAS_WARNING;
	}
	*sort = n > 0 ? 1e15 - (double)n : 2e15;
	if (n == 0) {
		snprintf(buf, len, "none");
		return CANVAS_DIM;
	}
	snprintf(buf, len, "%zu pending", n);
	return CANVAS_INFO;
}

int
summary_ca(const struct m_instance *i, const struct rules_config *r, int64_t now, char *buf,
    size_t len, double *sort)
{
	int64_t left = i->ca_valid_till - now;

	if (i->ca_valid_till == 0) {
		snprintf(buf, len, "?");
		*sort = NAN;
		return CANVAS_STALE;
	}
	*sort = (double)left;
	if (left <= 0) {
		snprintf(buf, len, "EXPIRED");
		return CANVAS_CRITICAL;
	}
	fmt_age(now, i->ca_valid_till, buf, len);
	return left < r->ca_critical_ms ? CANVAS_CRITICAL : left < r->ca_warning_ms ? CANVAS_WARNING : 0;
}

int
summary_posture(const struct snapshot *s, const char *id, char *buf, size_t len, double *sort)
{
	size_t fail = 0, unknown = 0;
	int worst = 0;

	M_VEC_EACH(&s->kinds[M_CHECK], const struct m_check, c) {
		if (c->instance == NULL || strcmp(c->instance, id) != 0 || c->status == NULL)
			continue;
		if (strcmp(c->status, "fail") == 0) {
			int r = severity_rank(c->severity);

			fail++;
			worst = r > worst ? r : worst;
		} else if (strcmp(c->status, "unknown") == 0) {
			unknown++;
		}
	}
	if (fail > 0) {
		snprintf(buf, len, "%zu FAIL", fail);
		*sort = 1000.0 * (double)fail + (double)unknown;
		return severity_style(worst > 0 ? worst : 2);
	}
	*sort = (double)unknown;
	if (unknown > 0) {
		snprintf(buf, len, "%zu unkn", unknown);
		return CANVAS_STALE;
	}
	snprintf(buf, len, "ok");
	return CANVAS_OK;
}

int
summary_alerts(const struct snapshot *s, const char *id, char *buf, size_t len, double *sort)
{
	size_t count[4] = { 0 }, acked = 0;
	int worst = 0;

	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
		if (a->instance == NULL || strcmp(a->instance, id) != 0 || a->state == NULL)
			continue;
		if (strcmp(a->state, "active") == 0) {
			int r = severity_rank(a->severity);

			if (r == 0)
				r = 1;	/* an alert without a known severity still counts */
			count[r]++;
			worst = r > worst ? r : worst;
		} else if (strcmp(a->state, "resolved") != 0) {
			acked++;
		}
	}
	if (worst > 0) {
		snprintf(buf, len, "%s %zu", severity_word(worst), count[worst]);
		*sort = worst * 1000.0 + (double)count[worst];
		return severity_style(worst);
	}
	*sort = acked > 0 ? 0.5 : 0;
	snprintf(buf, len, "%s", acked > 0 ? "acked" : "ok");
	return acked > 0 ? CANVAS_DIM : CANVAS_OK;
}
