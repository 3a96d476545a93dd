/* Alerts: active, acknowledged and snoozed, worst first; `a` acknowledges
 * (with an optional note), `s` snoozes. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "rules/lifecycle.h"
#include "panes/fmt.h"
#include "panes/pane.h"
#include "panes/severity.h"

#define ALERTS_PROMPT_ACK (PANE_PROMPT_OWN + 0)
#define ALERTS_PROMPT_SNOOZE (PANE_PROMPT_OWN + 1)
#define ALERTS_SNOOZE_DEFAULT "1h"

enum { C_SEV, C_STATE, C_INSTANCE, C_TITLE, C_OPENED, C_UPDATED, C_RULE, C_COUNT };

static const struct table_col alerts_cols[C_COUNT] = {
	[C_SEV] = { "Sev", 4, 0, 0 },
	[C_STATE] = { "State", 7, 0, 0 },
	[C_INSTANCE] = { "Instance", 16, 1, 0 },
	[C_TITLE] = { "Alert", 20, 0, TABLE_FLEX },
	[C_OPENED] = { "Opened", 6, 0, TABLE_RIGHT },
	[C_UPDATED] = { "Updated", 7, 3, TABLE_RIGHT },
	[C_RULE] = { "Rule", 18, 4, 0 },
};

static int
alerts_is(const struct m_alert *a, const char *state)
{
	return a->state != NULL && strcmp(a->state, state) == 0;
}

static const char *
alerts_state_word(const struct m_alert *a)
{
	if (alerts_is(a, "acknowledged"))
		return "acked";
	return a->state != NULL ? a->state : "?";
}

static void
alerts_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	char buf[32];

	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
		int rank = severity_rank(a->severity);
		int active = alerts_is(a, "active");
		struct table_row *r;

		if (alerts_is(a, "resolved") || !pane_instance_ok(env, a->instance))
			continue;
		r = table_add(&p->table, a->key, a, active ? 0 : CANVAS_DIM);
		/* Active ones first within a severity. */
		table_set(r, C_SEV, severity_style(rank), rank + (active ? 0.5 : 0), severity_word(rank));
		table_set(r, C_STATE, active ? severity_style(rank) : 0, NAN, alerts_state_word(a));
		table_set(r, C_INSTANCE, 0, NAN, a->instance);
		table_set(r, C_TITLE, active ? severity_style(rank) : 0, NAN, a->title);
		table_set(r, C_OPENED, 0, a->opened_at != 0 ? (double)(env->now - a->opened_at) : NAN,
		    fmt_age(env->now, a->opened_at, buf, sizeof buf));
		table_set(r, C_UPDATED, 0, a->updated_at != 0 ? (double)(env->now - a->updated_at) : NAN,
		    fmt_age(env->now, a->updated_at, buf, sizeof buf));
		table_set(r, C_RULE, 0, NAN, a->rule);
	}
}

static void
alerts_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const struct m_alert *a = row->rec;
	int rank = severity_rank(a->severity);
	char iso[32];

	(void)p;
	(void)s;
	detail_heading(d, "Alert");
	detail_add(d, "Title", severity_style(rank), a->title);
	detail_addf(d, "Severity", severity_style(rank), "%s (%s)", severity_word(rank),
	    a->severity != NULL ? a->severity : "?");
	detail_add(d, "State", 0, a->state);
	detail_add(d, "Instance", 0, a->instance);
	detail_add(d, "Rule", 0, a->rule);
	detail_add(d, "Detail", 0, a->detail);
	detail_time(d, "Opened", 0, a->opened_at, env->now);
	detail_time(d, "Updated", 0, a->updated_at, env->now);
	if (a->acked_at != 0 || a->acked_by != NULL) {
		detail_addf(d, "Acknowledged", 0, "by %s at %s", a->acked_by != NULL ? a->acked_by : "?",
		    a->acked_at != 0 ? time_format_iso8601(a->acked_at, iso, sizeof iso) : "?");
		detail_add(d, "Note", 0, a->ack_note);
	}
	if (a->snoozed_until != 0)
		detail_time(d, "Snoozed until", 0, a->snoozed_until, env->now);
	if (a->resolved_at != 0)
		detail_time(d, "Resolved", 0, a->resolved_at, env->now);
	detail_add(d, "Key", CANVAS_DIM, a->key);
}

static const struct m_alert *
alerts_find(const struct snapshot *s, const char *key)
{
	if (key == NULL)
		return NULL;
	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
		if (a->key != NULL && strcmp(a->key, key) == 0)
			return a;
	}
	return NULL;
}

static int
alerts_action(struct pane *p, enum pane_action act, const struct snapshot *s,
    const struct pane_env *env)
{
	const struct table_row *row = table_selected(&p->table);
	const struct m_alert *a = row != NULL ? row->rec : NULL;
	char *label;

	(void)s;
	if (act != PA_ACK && act != PA_SNOOZE)
		return 0;
	if (a == NULL) {
		env->message(env->ctx, CANVAS_DIM, "no alert selected");
		return 1;
	}
	free(p->pending_key);
	p->pending_key = xstrdup(a->key);
	if (act == PA_ACK) {
		label = xasprintf("Acknowledge \"%s\": note (optional; Enter to confirm, Esc to cancel): ",
		    a->title != NULL ? a->title : a->key);
		env->prompt(env->ctx, ALERTS_PROMPT_ACK, label, "");
	} else {
		label = xasprintf("Snooze \"%s\" for (e.g. 30m, 2h; Esc to cancel): ",
		    a->title != NULL ? a->title : a->key);
		env->prompt(env->ctx, ALERTS_PROMPT_SNOOZE, label, ALERTS_SNOOZE_DEFAULT);
	}
	free(label);
	return 1;
}

static void
alerts_prompt_done(struct pane *p, int id, const char *text, const struct snapshot *s,
    const struct pane_env *env)
{
	const struct m_alert *a = alerts_find(s, p->pending_key);
	struct rw_error err = RW_ERROR_INIT;
	struct batch *b;
	char *msg;

	if (a == NULL) {
		env->message(env->ctx, CANVAS_WARNING, "the alert is gone (resolved meanwhile?)");
		return;
	}
	if (id == ALERTS_PROMPT_ACK) {
		b = lifecycle_ack(s, a->key, env->user, text, env->now, &err);
		msg = xasprintf("acknowledged: %s", a->title != NULL ? a->title : a->key);
	} else {
		int64_t d;

		if (time_parse_duration(text[0] != '\0' ? text : ALERTS_SNOOZE_DEFAULT, &d) != 0 || d <= 0) {
			env->message(env->ctx, CANVAS_CRITICAL,
			    "not a duration (use 90s, 30m, 2h or 1d); the alert was not snoozed");
			return;
		}
		b = lifecycle_snooze(s, a->key, env->now + d, env->now, &err);
		msg = xasprintf("snoozed for %s: %s", text[0] != '\0' ? text : ALERTS_SNOOZE_DEFAULT,
		    a->title != NULL ? a->title : a->key);
	}
	if (b == NULL) {
		env->message(env->ctx, CANVAS_CRITICAL, err.message != NULL ? err.message : "failed");
		err_clear(&err);
	} else if (env->submit(env->ctx, b) == 0) {
		env->message(env->ctx, CANVAS_OK, msg);
	}
	free(msg);
}

static const char *const alerts_help[] = {
	"Active alerts first, worst first; acknowledged (acked) and snoozed",
	"  ones are dimmed. An acknowledgement records who ($USER@host), when",
	"  and the note, in history.",
	NULL,
};

const struct pane_ops pane_alerts_ops = {
	.name = "alerts",
	.title = "Alerts",
	.tab = "Alerts",
	.abbrev = "Alrt",
	.cols = alerts_cols,
	.ncols = C_COUNT,
	.sort_col = C_SEV,
	.sort_reverse = 1,
	.empty = "(no alerts)",
	.rows = alerts_rows,
	.detail = alerts_detail,
	.action = alerts_action,
	.prompt_done = alerts_prompt_done,
	.help = alerts_help,
};
