#include <config.h>

#include <string.h>

#include "rules/due.h"

void
rules_due_init(struct rules_due *d)
{
	memset(d, 0, sizeof *d);
}

/* What changes without the posture checks reading it: activity, the
 * findings, events and metrics, the sources' health, the rules' own. */
static const snapshot_kinds rules_not_posture =
    SNAPSHOT_KIND(M_EVENT) | SNAPSHOT_KIND(M_FINDING) | SNAPSHOT_KIND(M_FAILED_LOGIN) |
    SNAPSHOT_KIND(M_SESSION) | SNAPSHOT_KIND(M_METRIC) | SNAPSHOT_KIND(M_XID_AGE) |
    SNAPSHOT_KIND(M_REPL_SLOT) | SNAPSHOT_KIND(M_SOURCE_HEALTH) | SNAPSHOT_KIND(M_ALERT) |
    SNAPSHOT_KIND(M_CHECK);

unsigned
rules_due_check(struct rules_due *d, const struct snapshot *s, snapshot_kinds changed,
    int64_t now)
{
	unsigned due = RULES_ALERTS;

	changed = snapshot_state_changed(s, changed & ~(SNAPSHOT_KIND(M_ALERT) |
	    SNAPSHOT_KIND(M_CHECK)), d->state);
	if (changed == 0 && d->at != 0 && now >= d->at && now - d->at < RULES_IDLE_MS)
		return 0;
	d->at = now;
	if ((changed & ~rules_not_posture) != 0 || d->posture_at == 0 || now < d->posture_at ||
	    now - d->posture_at >= RULES_POSTURE_IDLE_MS) {
		d->posture_at = now;
		due |= RULES_POSTURE;
	}
	return due;
}
