/* Alert transitions, derived as alert records are written: the rules
 * engine gives the complete set of open alerts after each evaluation
 * (an alert missing from it has resolved), and an acknowledgement or
 * snooze arrives as an upsert from the UI. The transitions go to
 * alert_events for exports; the alert's state at any moment comes from
 * its versions. */
#include <config.h>

#include <string.h>

#include "store/apply.h"

static int
store_alerts_same(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static int
store_alerts_resolved(const struct m_alert *a)
{
	return a->state != NULL && strcmp(a->state, "resolved") == 0;
}

static int
store_alerts_event(struct store_writer *w, const struct m_alert *a, const char *event, int64_t t,
    const char *previous_severity, const char *who, const char *note, int64_t until)
{
	sqlite3_stmt *st = w->alert_event;

	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_text(st, 2, a->key != NULL ? a->key : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->instance, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, previous_severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, note, -1, SQLITE_STATIC);
	if (until != 0)
		sqlite3_bind_int64(st, 11, until);
	return store_apply_run(st);
}

int
store_alerts_opened(struct store_writer *w, const struct m_alert *a, int64_t t)
{
	if (store_alerts_event(w, a, "opened", t, NULL, NULL, NULL, 0) != 0)
		return -1;
	if (a->acked_at != 0 &&
	    store_alerts_event(w, a, "acknowledged", a->acked_at, NULL, a->acked_by, a->ack_note, 0) != 0)
		return -1;
	if (a->snoozed_until != 0 &&
	    store_alerts_event(w, a, "snoozed", t, NULL, NULL, NULL, a->snoozed_until) != 0)
		return -1;
	if (store_alerts_resolved(a))
		return store_alerts_event(w, a, "resolved", t, NULL, NULL, NULL, 0);
	return 0;
}

int
store_alerts_changed(struct store_writer *w, const struct m_alert *old, const struct m_alert *now,
    int64_t t)
{
	int sev = !store_alerts_same(old->severity, now->severity);
	int rc = 0;

	if (old->acked_at == 0 && now->acked_at != 0) {
		rc |= store_alerts_event(w, now, "acknowledged", now->acked_at > t ? now->acked_at : t,
		    NULL, now->acked_by, now->ack_note, 0);
	} else if (old->acked_at != 0 && now->acked_at == 0) {
		/* The rules engine clears the acknowledgement of an alert
		 * that worsened: it is open again. */
		rc |= store_alerts_event(w, now, "reopened", t, sev ? old->severity : NULL, NULL, NULL, 0);
		sev = 0;
	}
	if (store_alerts_resolved(old) && !store_alerts_resolved(now)) {
		rc |= store_alerts_event(w, now, "reopened", t, sev ? old->severity : NULL, NULL, NULL, 0);
		sev = 0;
	}
	if (sev)
		rc |= store_alerts_event(w, now, "severity_changed", t, old->severity, NULL, NULL, 0);
	if (now->snoozed_until != old->snoozed_until)
		rc |= store_alerts_event(w, now, now->snoozed_until != 0 ? "snoozed" : "unsnoozed", t,
		    NULL, NULL, NULL, now->snoozed_until);
	if (!store_alerts_resolved(old) && store_alerts_resolved(now))
		rc |= store_alerts_event(w, now, "resolved", t, NULL, NULL, NULL, 0);
	return rc != 0 ? -1 : 0;
}

int
store_alerts_closed(struct store_writer *w, const struct m_alert *old, int64_t t)
{
	if (store_alerts_resolved(old))
		return 0;	/* its resolution is already recorded */
	return store_alerts_event(w, old, "resolved", t, NULL, NULL, NULL, 0);
}
