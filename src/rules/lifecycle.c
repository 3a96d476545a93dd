#include <config.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "rules/facts.h"
#include "rules/lifecycle.h"
#include "rules/rules.h"

static int64_t
lifecycle_band(const struct m_alert *a)
{
	return a->band != M_INT_NONE ? a->band : 0;
}

int
lifecycle_worse(const struct m_alert *a, const struct m_alert *b)
{
	int ra = rules_severity_rank(a->severity), rb = rules_severity_rank(b->severity);

	return ra > rb || (ra == rb && lifecycle_band(a) > lifecycle_band(b));
}

static void
lifecycle_clear_ack(struct m_alert *a)
{
	free(a->acked_by);
	free(a->ack_note);
	a->acked_by = NULL;
	a->ack_note = NULL;
	a->acked_at = 0;
	a->snoozed_until = 0;
}

static int
lifecycle_same_text(const struct m_alert *a, const struct m_alert *b)
{
	return facts_str_eq(a->severity, b->severity) && lifecycle_band(a) == lifecycle_band(b) &&
	    facts_str_eq(a->title, b->title) && facts_str_eq(a->detail, b->detail);
}

void
lifecycle_carry(struct m_alert *fresh, const struct m_alert *prev, int64_t now)
{
	const char *state;

	fresh->resolved_at = 0;
	if (prev == NULL || facts_str_eq(prev->state, "resolved")) {
		m_str_set(&fresh->state, LIFECYCLE_ACTIVE);
		fresh->opened_at = fresh->updated_at = now;
		log_debug(LOG_RULES, "alert %s opened (%s)", fresh->key, fresh->severity);
		return;
	}
	fresh->opened_at = prev->opened_at != 0 ? prev->opened_at : now;
	m_str_set(&fresh->acked_by, prev->acked_by);
	m_str_set(&fresh->ack_note, prev->ack_note);
	fresh->acked_at = prev->acked_at;
	fresh->snoozed_until = prev->snoozed_until;
	state = facts_str_eq(prev->state, LIFECYCLE_ACKNOWLEDGED) ? LIFECYCLE_ACKNOWLEDGED
	    : facts_str_eq(prev->state, LIFECYCLE_SNOOZED) ? LIFECYCLE_SNOOZED : LIFECYCLE_ACTIVE;
	if (strcmp(state, LIFECYCLE_ACTIVE) != 0 && lifecycle_worse(fresh, prev)) {
		/* A snooze of a warning must not hide the critical that follows
		 * either. */
		log_debug(LOG_RULES, "alert %s re-opened: %s band %lld after %s band %lld", fresh->key,
		    fresh->severity, (long long)lifecycle_band(fresh), prev->severity,
		    (long long)lifecycle_band(prev));
		state = LIFECYCLE_ACTIVE;
		lifecycle_clear_ack(fresh);
	} else if (strcmp(state, LIFECYCLE_SNOOZED) == 0 && fresh->snoozed_until <= now) {
		log_debug(LOG_RULES, "alert %s snooze expired", fresh->key);
		state = LIFECYCLE_ACTIVE;
		lifecycle_clear_ack(fresh);
	}
	m_str_set(&fresh->state, state);
	fresh->updated_at = lifecycle_same_text(fresh, prev) && facts_str_eq(state, prev->state) &&
	    prev->updated_at != 0 ? prev->updated_at : now;
}

char *
lifecycle_actor(void)
{
	const char *user = getenv("USER");
	char host[256];

	if (user == NULL || *user == '\0') {
		const struct passwd *pw = getpwuid(geteuid());

		user = pw != NULL ? pw->pw_name : "unknown";
	}
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	return xasprintf("%s@%s", user, host);
}

static const struct m_alert *
lifecycle_find(const struct snapshot *s, const char *key)
{
	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
		if (facts_str_eq(a->key, key) && !facts_str_eq(a->state, "resolved"))
			return a;
	}
	return NULL;
}

void
lifecycle_reconcile(const struct snapshot *cur, struct batch *b)
{
	int changed = 0;

	/* Under the feed's lock on every rules batch: almost always nothing
	 * changed since the copy, which one pass tells. */
	M_VEC_EACH(&cur->kinds[M_ALERT], const struct m_alert, c) {
		if (c->updated_at >= b->polled_at) {
			changed = 1;
			break;
		}
	}
	if (!changed)
		return;
	M_VEC_EACH(&b->kinds[M_ALERT], struct m_alert, a) {
		const struct m_alert *now_there = lifecycle_find(cur, a->key);

		if (facts_str_eq(a->state, "resolved") || now_there == NULL ||
		    now_there->updated_at < b->polled_at)
			continue;
		log_debug(LOG_RULES, "alert %s changed (%s) while the rules ran: carried on", a->key,
		    now_there->state);
		lifecycle_carry(a, now_there, b->polled_at);
	}
}

/* The user batch with a copy of alert KEY to change, or NULL. */
static struct batch *
lifecycle_user_batch(const struct snapshot *s, const char *key, int64_t now,
    struct m_alert **out, struct rw_error *err)
{
	const struct m_alert *cur = key != NULL ? lifecycle_find(s, key) : NULL;
	struct batch *b;

	if (cur == NULL) {
		char *k = sanitize_str(key != NULL ? key : "(none)");

		err_set(err, ERR_INTERNAL, NULL, NULL, "no current alert %s", k);
		free(k);
		return NULL;
	}
	b = batch_new("user", now);
	*out = batch_add(b, M_ALERT);
	m_copy(&m_alert_type, *out, cur);
	(*out)->updated_at = now;
	return b;
}

struct batch *
lifecycle_ack(const struct snapshot *s, const char *key, const char *who, const char *note,
    int64_t now, struct rw_error *err)
{
	struct m_alert *a;
	struct batch *b = lifecycle_user_batch(s, key, now, &a, err);
	char *actor;

	if (b == NULL)
		return NULL;
	actor = who != NULL ? xstrdup(who) : lifecycle_actor();
	m_str_set(&a->state, LIFECYCLE_ACKNOWLEDGED);
	m_str_set(&a->acked_by, actor);
	m_str_set(&a->ack_note, note != NULL && *note != '\0' ? note : NULL);
	a->acked_at = now;
	a->snoozed_until = 0;
	log_debug(LOG_RULES, "alert %s acknowledged by %s", a->key, a->acked_by);
	free(actor);
	return b;
}

struct batch *
lifecycle_snooze(const struct snapshot *s, const char *key, int64_t until, int64_t now,
    struct rw_error *err)
{
	struct m_alert *a;
	struct batch *b;

	if (until <= now) {
		err_set(err, ERR_CONFIG, NULL, NULL, "a snooze must end in the future");
		return NULL;
	}
	b = lifecycle_user_batch(s, key, now, &a, err);
	if (b == NULL)
		return NULL;
	m_str_set(&a->state, LIFECYCLE_SNOOZED);
	a->snoozed_until = until;
	log_debug(LOG_RULES, "alert %s snoozed", a->key);
	return b;
}
