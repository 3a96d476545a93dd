#include <config.h>

#include "rules/due.h"

void
rules_due_init(struct rules_due *d)
{
	d->health = 0;
	d->at = 0;
}

int
rules_due_check(struct rules_due *d, const struct snapshot *s, snapshot_kinds changed,
    int64_t now)
{
	uint64_t health = snapshot_state_hash(s, M_SOURCE_HEALTH);

	changed &= ~(SNAPSHOT_KIND(M_ALERT) | SNAPSHOT_KIND(M_CHECK));
	if (health == d->health)
		changed &= ~SNAPSHOT_KIND(M_SOURCE_HEALTH);
	if (changed == 0 && d->at != 0 && now >= d->at && now - d->at < RULES_IDLE_MS)
		return 0;
	d->health = health;
	d->at = now;
	return 1;
}
