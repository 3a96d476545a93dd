/* GuardDuty findings about the instances, newest first. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "panes/fmt.h"
#include "panes/pane.h"
#include "panes/severity.h"

enum { C_TIME, C_SEV, C_INSTANCE, C_TYPE, C_REMOTE, C_TITLE, C_COUNT_, C_COUNT };

static const struct table_col findings_cols[C_COUNT] = {
	[C_TIME] = { "Updated", 11, 0, 0 },
	[C_SEV] = { "Severity", 8, 0, 0 },
	[C_INSTANCE] = { "Instance", 14, 2, 0 },
	[C_TYPE] = { "Type", 24, 1, TABLE_FLEX },
	[C_REMOTE] = { "Remote", 15, 3, 0 },
	[C_TITLE] = { "Title", 16, 0, TABLE_FLEX },
	[C_COUNT_] = { "Count", 5, 4, TABLE_RIGHT },
};

static int
findings_rank(const struct m_finding *f)
{
	return severity_rank_finding(f->severity, f->severity_label);
}

static void
findings_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	char buf[32];

	M_VEC_EACH(&s->kinds[M_FINDING], const struct m_finding, f) {
		int rank = findings_rank(f);
		int archived = f->archived == 1;
		struct table_row *r;
		static const char *const words[] = { "?", "LOW", "MEDIUM", "HIGH" };

		if (f->id == NULL || !pane_instance_ok(env, f->instance))
			continue;
		r = table_add(&p->table, f->id, f, archived ? CANVAS_DIM : 0);
		table_set(r, C_TIME, 0, (double)f->updated_at, fmt_clock(f->updated_at, buf, sizeof buf));
		if (!isnan(f->severity))
			table_setf(r, C_SEV, archived ? 0 : severity_style(rank), f->severity, "%s %.1f",
			    words[rank], f->severity);
		else
			table_set(r, C_SEV, archived ? 0 : severity_style(rank), rank, words[rank]);
		table_set(r, C_INSTANCE, 0, NAN, f->instance);
		table_set(r, C_TYPE, 0, NAN, f->type);
		table_set(r, C_REMOTE, 0, NAN, f->remote_ip);
		table_setf(r, C_TITLE, 0, NAN, "%s%s", archived ? "(archived) " : "",
		    f->title != NULL ? f->title : "");
		if (f->count != M_INT_NONE)
			table_setf(r, C_COUNT_, 0, (double)f->count, "%lld", (long long)f->count);
		else
			table_set(r, C_COUNT_, 0, NAN, NULL);
	}
}

static void
findings_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const struct m_finding *f = row->rec;
	int rank = findings_rank(f);

	(void)p;
	(void)s;
	detail_heading(d, "GuardDuty finding");
	detail_add(d, "Type", 0, f->type);
	if (!isnan(f->severity))
		detail_addf(d, "Severity", severity_style(rank), "%s %.1f (%s)", severity_word(rank),
		    f->severity, f->severity_label != NULL ? f->severity_label : "-");
	else
		detail_add(d, "Severity", severity_style(rank), severity_word(rank));
	detail_add(d, "Title", 0, f->title);
	detail_add(d, "Instance", 0, f->instance);
	detail_add(d, "Database user", 0, f->db_user);
	detail_add(d, "Database", 0, f->database);
	detail_add(d, "Application", 0, f->application);
	detail_add(d, "Auth method", 0, f->auth_method);
	detail_add(d, "Source address", 0, f->remote_ip);
	detail_add(d, "Country", 0, f->remote_country);
	detail_add(d, "Organisation (ASN)", 0, f->remote_org);
	detail_add(d, "Action", 0, f->action);
	if (f->count != M_INT_NONE)
		detail_addf(d, "Count", 0, "%lld", (long long)f->count);
	detail_time(d, "Created", 0, f->created_at, env->now);
	detail_time(d, "Updated", 0, f->updated_at, env->now);
	detail_add(d, "Archived", 0, fmt_tri(f->archived, "yes", "no"));
	detail_add(d, "Description", 0, f->description);
	detail_add(d, "Account / region", CANVAS_DIM, f->account_id);
	detail_add(d, "", CANVAS_DIM, f->region);
	detail_add(d, "Finding id", CANVAS_DIM, f->id);
}

static const char *const findings_help[] = {
	"GuardDuty RDS findings (RDS Protection login activity), newest first;",
	"  HIGH 7-8.9, MEDIUM 4-6.9, LOW below. Archived ones are dimmed.",
	NULL,
};

const struct pane_ops pane_findings_ops = {
	.name = "findings",
	.title = "GuardDuty findings",
	.tab = "Findings",
	.abbrev = "Find",
	.source = "guardduty",
	.cols = findings_cols,
	.ncols = C_COUNT,
	.sort_col = C_TIME,
	.sort_reverse = 1,
	.empty = "(no GuardDuty findings about these instances)",
	.rows = findings_rows,
	.detail = findings_detail,
	.help = findings_help,
};
