/* Security posture: each check's result per instance, failures first,
 * with the Security Hub control ID and the observed value. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "panes/fmt.h"
#include "panes/pane.h"
#include "panes/severity.h"

enum { C_INSTANCE, C_CONTROL, C_STATUS, C_SEV, C_CHECK, C_REASON, C_COUNT };

static const struct table_col posture_cols[C_COUNT] = {
	[C_INSTANCE] = { "Instance", 14, 1, 0 },
	[C_CONTROL] = { "Control", 12, 0, 0 },
	[C_STATUS] = { "Status", 7, 0, 0 },
	[C_SEV] = { "Sev", 4, 2, 0 },
	[C_CHECK] = { "Check", 16, 0, TABLE_FLEX },
	[C_REASON] = { "Reason", 16, 0, TABLE_FLEX },
};

static void
posture_status(const struct m_check *c, const char **word, int *style, double *rank)
{
	int sev = severity_rank(c->severity);

	if (c->status != NULL && strcmp(c->status, "fail") == 0) {
		*word = "FAIL";
		*style = severity_style(sev >= 2 ? sev : 2);
		*rank = 10 + sev;
	} else if (c->status != NULL && strcmp(c->status, "pass") == 0) {
		*word = "pass";
		*style = CANVAS_OK;
		*rank = 0;
	} else {
		*word = "unknown";
		*style = CANVAS_STALE;
		*rank = 5;
	}
}

static void
posture_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	char key[256];

	M_VEC_EACH(&s->kinds[M_CHECK], const struct m_check, c) {
		struct table_row *r;
		const char *word;
		int style;
		double rank;

		if (!pane_instance_ok(env, c->instance))
			continue;
		snprintf(key, sizeof key, "%s/%s", c->instance != NULL ? c->instance : "",
		    c->check_id != NULL ? c->check_id : "");
		posture_status(c, &word, &style, &rank);
		r = table_add(&p->table, key, c, 0);
		table_set(r, C_INSTANCE, 0, NAN, c->instance);
		table_set(r, C_CONTROL, 0, NAN, c->control != NULL ? c->control : "");
		table_set(r, C_STATUS, style, rank, word);
		if (rank >= 10)
			table_set(r, C_SEV, style, severity_rank(c->severity),
			    severity_word(severity_rank(c->severity)));
		else
			table_set(r, C_SEV, 0, 0, "");
		table_set(r, C_CHECK, 0, NAN, c->title != NULL ? c->title : c->check_id);
		table_set(r, C_REASON, rank >= 10 ? style : 0, NAN, c->reason);
	}
}

static void
posture_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const struct m_check *c = row->rec;
	const char *word;
	int style;
	double rank;

	(void)p;
	(void)s;
	posture_status(c, &word, &style, &rank);
	detail_heading(d, "Posture check");
	detail_add(d, "Result", style, word);
	detail_record(d, &m_check_type, c, env->now);
}

static const char *const posture_help[] = {
	"Each posture check per instance: FAIL (with its severity), unknown",
	"  (the data needed is missing, e.g. a permission) or pass. Control:",
	"  the AWS Security Hub control ID. Reason shows the observed value.",
	NULL,
};

const struct pane_ops pane_posture_ops = {
	.name = "posture",
	.title = "Security posture",
	.tab = "Posture",
	.abbrev = "Post",
	.cols = posture_cols,
	.ncols = C_COUNT,
	.sort_col = C_STATUS,
	.sort_reverse = 1,
	.empty = "(no posture results yet)",
	.rows = posture_rows,
	.detail = posture_detail,
	.help = posture_help,
};
