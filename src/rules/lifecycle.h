/* An alert's lifecycle across evaluations: opened (opened_at kept while
 * the alert holds), active, acknowledged (who, when, an optional note),
 * snoozed (until a time), resolved (gone from the complete set; history
 * records it). An acknowledged or snoozed alert that worsens - a higher
 * severity, or its rule's measure crossing a worse band - is active
 * again, its acknowledgement cleared; a snooze that expires returns the
 * alert to active.
 *
 * Acknowledging and snoozing are the user's acts: they build a "user"
 * batch holding the updated alert, which the store and the live snapshot
 * both apply (upsert by key); the next evaluation carries it on. */
#ifndef RW_RULES_LIFECYCLE_H
#define RW_RULES_LIFECYCLE_H

#include <stdint.h>

#include "core/err.h"
#include "model/batch.h"
#include "view/snapshot.h"

#define LIFECYCLE_ACTIVE "active"
#define LIFECYCLE_ACKNOWLEDGED "acknowledged"
#define LIFECYCLE_SNOOZED "snoozed"

/* Whether A is worse than B: a higher severity, or the same severity in
 * a higher band. */
int lifecycle_worse(const struct m_alert *a, const struct m_alert *b);
/* Fills the lifecycle fields of FRESH (as the rules found it at NOW)
 * from PREV, the alert of the same key in the snapshot (NULL: new). */
void lifecycle_carry(struct m_alert *fresh, const struct m_alert *prev, int64_t now);

/* Re-carries the lifecycle of B's alerts (a rules batch, evaluated on a
 * copy of the snapshot taken at B's poll time) from CUR, the snapshot B
 * is about to be applied to, wherever an alert there changed since that
 * copy - an acknowledgement or snooze made while the rules ran is kept,
 * not overwritten by the state they saw. Call under the lock CUR is
 * applied under. */
void lifecycle_reconcile(const struct snapshot *cur, struct batch *b);

/* "$USER@host", newly allocated (the user from the password database
 * when USER is unset). */
char *lifecycle_actor(void);

/* The "user" batch acknowledging the current alert KEY of S, by WHO
 * (NULL: lifecycle_actor()) with an optional NOTE. NULL with ERR set when
 * S has no such alert. */
struct batch *lifecycle_ack(const struct snapshot *s, const char *key, const char *who,
    const char *note, int64_t now, struct rw_error *err);
/* The "user" batch snoozing alert KEY until UNTIL (> NOW). */
struct batch *lifecycle_snooze(const struct snapshot *s, const char *key, int64_t until,
    int64_t now, struct rw_error *err);

#endif
