/* What a user does to an alert, as a "user" batch holding the updated
 * M_ALERT record: the live snapshot applies it at once, and history
 * records it like any observation, so an acknowledgement survives a
 * restart and shows in exports.
 *
 * The alert lifecycle belongs to the rules engine (rules/); these build
 * the record the way its acknowledgement is specified (issue 6: who is
 * $USER@host, when, an optional note; snoozed until) until the engine's
 * own builder lands and replaces them. */
#ifndef RW_PANES_ALERT_USER_H
#define RW_PANES_ALERT_USER_H

#include <stdint.h>

#include "model/batch.h"

/* ALERT acknowledged by WHO at NOW with NOTE (may be NULL or ""). */
struct batch *alert_user_ack(const struct m_alert *alert, const char *who, const char *note,
    int64_t now);
/* ALERT snoozed by WHO until UNTIL. */
struct batch *alert_user_snooze(const struct m_alert *alert, const char *who, int64_t until,
    int64_t now);

#endif
