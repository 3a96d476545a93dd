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

void
summary_posture_add(struct summary_posture *p, const struct m_check *c)
{
	if (c->status == NULL)
		return;
	if (strcmp(c->status, "fail") == 0) {
		int r = severity_rank(c->severity);

		p->fail++;
		p->worst = r > p->worst ? r : p->worst;
	} else if (strcmp(c->status, "unknown") == 0) {
		p->unknown++;
	}
}

int
summary_posture_text(const struct summary_posture *p, char *buf, size_t len, double *sort)
{
	if (p->fail > 0) {
		snprintf(buf, len, "%zu FAIL", p->fail);
		*sort = 1000.0 * (double)p->fail + (double)p->unknown;
		return severity_style(p->worst > 0 ? p->worst : 2);
	}
	*sort = (double)p->unknown;
	if (p->unknown > 0) {
		snprintf(buf, len, "%zu unkn", p->unknown);
		return CANVAS_STALE;
	}
	snprintf(buf, len, "ok");
	return CANVAS_OK;
}

void
summary_alerts_add(struct summary_alerts *a, const struct m_alert *al)
{
	if (al->state == NULL)
		return;
	if (strcmp(al->state, "active") == 0) {
		int r = severity_rank(al->severity);

		if (r == 0)
			r = 1;	/* an alert without a known severity still counts */
		a->count[r]++;
		a->worst = r > a->worst ? r : a->worst;
	} else if (strcmp(al->state, "resolved") != 0) {
		a->acked++;
	}
}

int
summary_alerts_text(const struct summary_alerts *a, char *buf, size_t len, double *sort)
{
	if (a->worst > 0) {
		snprintf(buf, len, "%s %zu", severity_word(a->worst), a->count[a->worst]);
		*sort = a->worst * 1000.0 + (double)a->count[a->worst];
		return severity_style(a->worst);
	}
	*sort = a->acked > 0 ? 0.5 : 0;
	snprintf(buf, len, "%s", a->acked > 0 ? "acked" : "ok");
	return a->acked > 0 ? CANVAS_DIM : CANVAS_OK;
}
