/* When the rules need evaluating again: when what they read changed
 * (not their own alerts and checks, not only poll times and figures that
 * move with the clock, model.h's M_PROGRESS), and
 * at least every RULES_IDLE_MS for what time alone moves (an open
 * transaction's age, a backup's lag). Between those an evaluation would
 * judge the same snapshot the same way. The posture checks read only the
 * fleet's configuration and move with time by days (a certificate's
 * expiry): they are judged again when that changed, and at least every
 * RULES_POSTURE_IDLE_MS. */
#ifndef RW_RULES_DUE_H
#define RW_RULES_DUE_H

#include <stdint.h>

#include "rules/rules.h"
#include "view/snapshot.h"

#define RULES_IDLE_MS (10 * 1000LL)
#define RULES_POSTURE_IDLE_MS (60 * 1000LL)

struct rules_due {
	uint64_t state[M_KIND_COUNT];	/* for snapshot_state_changed */
	int64_t at;		/* the last evaluation, 0: none yet */
	int64_t posture_at;	/* the last one with the posture checks */
};

void rules_due_init(struct rules_due *d);
/* What to evaluate of S at NOW (RULES_* bits, 0: nothing), CHANGED being
 * the kinds that changed since the last call; what it says is due counts
 * as evaluated. The posture is only due with the alerts. */
unsigned rules_due_check(struct rules_due *d, const struct snapshot *s, snapshot_kinds changed,
    int64_t now);

#endif
