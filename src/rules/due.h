/* When the rules need evaluating again: when what they read changed
 * (not their own alerts and checks, not only poll times and figures that
 * move with the clock, model.h's M_PROGRESS), and
 * at least every RULES_IDLE_MS for what time alone moves (an open
 * transaction's age, a backup's lag). Between those an evaluation would
 * judge the same snapshot the same way. */
#ifndef RW_RULES_DUE_H
#define RW_RULES_DUE_H

#include <stdint.h>

#include "view/snapshot.h"

#define RULES_IDLE_MS (5 * 1000LL)

struct rules_due {
	uint64_t state[M_KIND_COUNT];	/* for snapshot_state_changed */
	int64_t at;		/* the last evaluation, 0: none yet */
};

void rules_due_init(struct rules_due *d);
/* Whether to evaluate S at NOW, CHANGED being the kinds that changed
 * since the last call; when it says yes, it counts as evaluated. */
int rules_due_check(struct rules_due *d, const struct snapshot *s, snapshot_kinds changed,
    int64_t now);

#endif
