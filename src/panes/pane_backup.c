/* Backup & patch: per instance, whether it can be restored and how far
 * back, and what maintenance is coming (forced dates flagged). */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "panes/fmt.h"
#include "panes/pane.h"
#include "panes/summary.h"
#include "rules/rules.h"

enum {
	C_INSTANCE, C_RETENTION, C_RESTORE, C_AUTO, C_MANUAL, C_PENDING, C_ENGINE, C_MINOR, C_CA,
	C_WINDOWS, C_COUNT
};

static const struct table_col backup_cols[C_COUNT] = {
	[C_INSTANCE] = { "Instance", 16, 0, 0 },
	[C_RETENTION] = { "Retain", 6, 0, TABLE_RIGHT },
	[C_RESTORE] = { "PITR lag", 8, 0, TABLE_RIGHT },
	[C_AUTO] = { "AutoSnap", 8, 0, TABLE_RIGHT },
	[C_MANUAL] = { "Manual", 6, 3, TABLE_RIGHT },
	[C_PENDING] = { "Maintenance", 14, 0, 0 },
	[C_ENGINE] = { "Version", 12, 2, 0 },
	[C_MINOR] = { "AutoMinor", 9, 4, 0 },
	[C_CA] = { "CA expiry", 9, 1, TABLE_RIGHT },
	[C_WINDOWS] = { "Windows (UTC)", 25, 5, TABLE_FLEX },
};

static void
backup_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	M_VEC_EACH(&s->kinds[M_INSTANCE], const struct m_instance, i) {
		struct table_row *r;
		char buf[48];
		double sort;
		int style;

		if (i->id == NULL || !pane_instance_ok(env, i->id))
			continue;
		r = table_add(&p->table, i->id, i, 0);
		table_set(r, C_INSTANCE, 0, NAN, i->id);
		if (i->backup_retention_days == M_INT_NONE)
			table_set(r, C_RETENTION, CANVAS_STALE, NAN, "?");
		else if (i->backup_retention_days == 0)
			table_set(r, C_RETENTION, CANVAS_CRITICAL, 0, "OFF");
		else
			table_setf(r, C_RETENTION, 0, (double)i->backup_retention_days, "%lldd",
			    (long long)i->backup_retention_days);
		style = summary_restore_lag(i, env->rules, env->now, buf, sizeof buf, &sort);
		table_set(r, C_RESTORE, style, sort, buf);
		style = summary_backup(i, env->now, buf, sizeof buf, &sort);
		table_set(r, C_AUTO, style, sort, buf);
		table_set(r, C_MANUAL, 0, i->newest_manual_snapshot != 0 ?
		    (double)(env->now - i->newest_manual_snapshot) : NAN,
		    fmt_age(env->now, i->newest_manual_snapshot, buf, sizeof buf));
		style = summary_maintenance(s, i->id, env->rules, env->now, buf, sizeof buf, &sort);
		table_set(r, C_PENDING, style, sort, buf);
		if (i->newer_minor_versions.n > 0)
			table_setf(r, C_ENGINE, CANVAS_INFO, NAN, "%s (+%zu)",
			    i->engine_version != NULL ? i->engine_version : "?", i->newer_minor_versions.n);
		else
			table_set(r, C_ENGINE, 0, NAN, i->engine_version);
		table_set(r, C_MINOR, i->auto_minor_upgrade == 0 ? CANVAS_WARNING : 0, NAN,
		    fmt_tri(i->auto_minor_upgrade, "yes", "NO"));
		style = summary_ca(i, env->rules, env->now, buf, sizeof buf, &sort);
		table_set(r, C_CA, style, sort, buf);
		table_setf(r, C_WINDOWS, 0, NAN, "backup %s, maint %s",
		    i->backup_window != NULL ? i->backup_window : "-",
		    i->maintenance_window != NULL ? i->maintenance_window : "-");
	}
}

static void
backup_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const struct m_instance *i = row->rec;
	char buf[48], *minors;
	double sort;
	size_t n = 0;

	(void)p;
	detail_heading(d, "Backups");
	if (i->backup_retention_days == 0)
		detail_add(d, "Retention", CANVAS_CRITICAL, "OFF: automated backups are disabled");
	else if (i->backup_retention_days != M_INT_NONE)
		detail_addf(d, "Retention", 0, "%lld days", (long long)i->backup_retention_days);
	else
		detail_add(d, "Retention", CANVAS_STALE, "unknown");
	detail_time(d, "Latest restorable", summary_restore_lag(i, env->rules, env->now, buf, sizeof buf, &sort),
	    i->latest_restorable_time, env->now);
	detail_time(d, "Newest automated", summary_backup(i, env->now, buf, sizeof buf, &sort),
	    i->newest_automated_snapshot, env->now);
	detail_time(d, "Newest manual", 0, i->newest_manual_snapshot, env->now);
	detail_add(d, "Backup window", 0, i->backup_window);
	if (i->public_snapshots != M_INT_NONE)
		detail_addf(d, "Public snapshots", i->public_snapshots > 0 ? CANVAS_CRITICAL : 0, "%lld",
		    (long long)i->public_snapshots);
	if (i->unencrypted_snapshots != M_INT_NONE)
		detail_addf(d, "Unencrypted snapshots", i->unencrypted_snapshots > 0 ? CANVAS_WARNING : 0,
		    "%lld", (long long)i->unencrypted_snapshots);
	detail_add(d, "Deletion protection", i->deletion_protection == 0 ? CANVAS_WARNING : 0,
	    fmt_tri(i->deletion_protection, "yes", "NO"));

	detail_heading(d, "Patching");
	detail_addf(d, "Engine", 0, "%s %s", i->engine != NULL ? i->engine : "?",
	    i->engine_version != NULL ? i->engine_version : "?");
	minors = m_list_join(&i->newer_minor_versions, ", ");
	detail_add(d, "Newer minor versions", minors[0] != '\0' ? CANVAS_INFO : 0,
	    minors[0] != '\0' ? minors : "none");
	free(minors);
	detail_add(d, "Auto minor upgrade", i->auto_minor_upgrade == 0 ? CANVAS_WARNING : 0,
	    fmt_tri(i->auto_minor_upgrade, "yes", "NO"));
	detail_add(d, "Maintenance window", 0, i->maintenance_window);
	detail_add(d, "CA certificate", 0, i->ca_certificate_id);
	detail_time(d, "CA valid until", summary_ca(i, env->rules, env->now, buf, sizeof buf, &sort),
	    i->ca_valid_till, env->now);

	M_VEC_EACH(&s->kinds[M_MAINTENANCE], const struct m_maintenance, m) {
		int forced_soon = m->forced_apply_date != 0 &&
		    m->forced_apply_date - env->now <= env->rules->forced_maintenance_ms;

		if (m->instance == NULL || strcmp(m->instance, i->id) != 0)
			continue;
		if (n++ == 0)
			detail_heading(d, "Pending maintenance");
		detail_add(d, "Action", m->forced_apply_date != 0 ? CANVAS_WARNING : 0, m->action);
		detail_add(d, "Description", 0, m->description);
		detail_time(d, "Auto-applied after", 0, m->auto_applied_after, env->now);
		detail_time(d, "Forced apply date", forced_soon ? CANVAS_CRITICAL :
		    m->forced_apply_date != 0 ? CANVAS_WARNING : 0, m->forced_apply_date, env->now);
		detail_time(d, "Current apply date", 0, m->current_apply_date, env->now);
		detail_add(d, "Opt-in status", 0, m->opt_in_status);
	}
	if (n == 0)
		detail_add(d, "Pending maintenance", CANVAS_DIM, "none");
}

static const char *const backup_help[] = {
	"Retain: automated backup retention (OFF: no backups). PITR lag: how",
	"  far LatestRestorableTime is behind (over 15m is late). AutoSnap: the",
	"  newest automated snapshot's age. Maintenance: FORCED with the time",
	"  left before AWS applies it, or the number pending.",
	NULL,
};

const struct pane_ops pane_backup_ops = {
	.name = "backup",
	.title = "Backup & patch",
	.tab = "Backup",
	.abbrev = "Bkup",
	.source = "rds",
	.cols = backup_cols,
	.ncols = C_COUNT,
	.sort_col = C_INSTANCE,
	.empty = "(no instances yet: the rds source has reported none)",
	.rows = backup_rows,
	.detail = backup_detail,
	.help = backup_help,
};
