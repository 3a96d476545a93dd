#include <config.h>

#include "model/records.h"
#include "panes/alert_user.h"

static struct batch *
alert_user_batch(const struct m_alert *alert, int64_t now, struct m_alert **out)
{
	struct batch *b = batch_new("user", now);
	struct m_alert *a = batch_add(b, M_ALERT);

	/* An upsert by key (the batch is not complete for alerts). */
	m_free(&m_alert_type, a);
	m_copy(&m_alert_type, a, alert);
	a->updated_at = now;
	*out = a;
	return b;
}

struct batch *
alert_user_ack(const struct m_alert *alert, const char *who, const char *note, int64_t now)
{
	struct m_alert *a;
	struct batch *b = alert_user_batch(alert, now, &a);

	m_str_set(&a->state, "acknowledged");
	m_str_set(&a->acked_by, who);
	a->acked_at = now;
	m_str_set(&a->ack_note, note != NULL && note[0] != '\0' ? note : NULL);
	return b;
}

struct batch *
alert_user_snooze(const struct m_alert *alert, const char *who, int64_t until, int64_t now)
{
	struct m_alert *a;
	struct batch *b = alert_user_batch(alert, now, &a);

	m_str_set(&a->state, "snoozed");
	m_str_set(&a->acked_by, who);
	a->snoozed_until = until;
	return b;
}
