#include <config.h>

#include <string.h>

#include "rules/due.h"

void
rules_due_init(struct rules_due *d)
{
	memset(d, 0, sizeof *d);
}

int
rules_due_check(struct rules_due *d, const struct snapshot *s, snapshot_kinds changed,
    int64_t now)
{
	changed = snapshot_state_changed(s, changed & ~(SNAPSHOT_KIND(M_ALERT) |
	    SNAPSHOT_KIND(M_CHECK)), d->state);
	if (changed == 0 && d->at != 0 && now >= d->at && now - d->at < RULES_IDLE_MS)
		return 0;
	d->at = now;
	return 1;
}
