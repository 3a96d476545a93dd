/* Overview: one row per instance or cluster, everything that matters at a
 * glance, with CPU, connections and free storage as sparklines on wide
 * terminals. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "panes/fmt.h"
#include "panes/pane.h"
#include "panes/series.h"
#include "panes/summary.h"
#include "rules/rules.h"

enum {
	C_INSTANCE, C_STATUS, C_ENGINE, C_ROLE, C_ALERT, C_NOTLS, C_SU, C_FAIL, C_BACKUP, C_MAINT,
	C_POSTURE, C_CPU, C_CONN, C_FREE, C_COUNT
};

#define OVERVIEW_SPARK 8

static const struct table_col overview_cols[C_COUNT] = {
	[C_INSTANCE] = { "Instance", 16, 0, 0 },
	[C_STATUS] = { "Status", 10, 0, 0 },
	[C_ENGINE] = { "Engine", 11, 4, 0 },
	[C_ROLE] = { "Role", 8, 5, 0 },
	[C_ALERT] = { "Alert", 7, 0, 0 },
	[C_NOTLS] = { "NoTLS", 5, 0, TABLE_RIGHT },
	[C_SU] = { "SU", 3, 0, TABLE_RIGHT },
	[C_FAIL] = { "Fail1h", 6, 0, TABLE_RIGHT },
	[C_BACKUP] = { "Backup", 6, 1, 0 },
	[C_MAINT] = { "Maint", 12, 2, 0 },
	[C_POSTURE] = { "Posture", 7, 1, 0 },
	[C_CPU] = { "CPU", OVERVIEW_SPARK + 7, 6, 0 },
	[C_CONN] = { "Conns", OVERVIEW_SPARK + 7, 7, 0 },
	[C_FREE] = { "Free", OVERVIEW_SPARK + 7, 7, 0 },
};

static void
overview_sessions(const struct snapshot *s, const char *id, size_t *notls, size_t *su)
{
	*notls = *su = 0;
	M_VEC_EACH(&s->kinds[M_SESSION], const struct m_session, x) {
		if (x->instance == NULL || strcmp(x->instance, id) != 0)
			continue;
		*notls += x->ssl == 0;
		*su += x->superuser == 1 && x->provider_owned != 1;
	}
}

static size_t
overview_failed(const struct snapshot *s, const char *id, int64_t since)
{
	size_t n = 0;

	M_VEC_EACH(&s->kinds[M_FAILED_LOGIN], const struct m_failed_login, f) {
		n += f->instance != NULL && strcmp(f->instance, id) == 0 && f->time >= since;
	}
	return n;
}

/* A sparkline and the last value of METRIC; PERCENT_OF > 0 shows the
 * last value as a percentage of it (free storage of the allocated). */
static void
overview_spark(struct table_row *r, size_t col, const struct snapshot *s, const char *id,
    const char *metric, double lo, double hi, double percent_of, const struct pane_env *env)
{
	struct series se;
	int64_t from = s->at - s->windows.metrics_ms;
	char last[32];
	char *spark;

	series_collect(&se, s, id, metric, from, s->at);
	if (se.n == 0) {
		table_set(r, col, CANVAS_DIM, NAN, "");
		series_free(&se);
		return;
	}
	spark = series_spark(&se, env->canvas, from, s->at, OVERVIEW_SPARK, lo, hi);
	if (percent_of > 0)
		snprintf(last, sizeof last, "%.0f%%", se.last / percent_of * 100);
	else
		fmt_metric(se.last, se.unit, last, sizeof last);
	table_setf(r, col, 0, se.last, "%s %s", spark, last);
	free(spark);
	series_free(&se);
}

static void
overview_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	M_VEC_EACH(&s->kinds[M_INSTANCE], const struct m_instance, i) {
		struct table_row *r;
		size_t notls, su, fails;
		char buf[48];
		double sort;
		int style;

		if (i->id == NULL)
			continue;
		r = table_add(&p->table, i->id, i, env->instance != NULL &&
		    strcmp(env->instance, i->id) == 0 ? CANVAS_INFO : 0);
		table_set(r, C_INSTANCE, 0, NAN, i->id);
		table_set(r, C_STATUS, summary_status_style(i->status), NAN, i->status != NULL ? i->status : "?");
		table_setf(r, C_ENGINE, 0, NAN, "%s %s", i->engine != NULL ? i->engine : "?",
		    i->engine_version != NULL ? i->engine_version : "");
		table_set(r, C_ROLE, 0, NAN, i->role);
		style = summary_alerts(s, i->id, buf, sizeof buf, &sort);
		table_set(r, C_ALERT, style, sort, buf);
		overview_sessions(s, i->id, &notls, &su);
		table_setf(r, C_NOTLS, notls > 0 ? CANVAS_CRITICAL : 0, (double)notls, "%zu", notls);
		table_setf(r, C_SU, su > 0 ? CANVAS_WARNING : 0, (double)su, "%zu", su);
		fails = overview_failed(s, i->id, env->now - TIME_HOUR);
		table_setf(r, C_FAIL, fails > 0 ? CANVAS_WARNING : 0, (double)fails, "%zu", fails);
		style = summary_backup(i, env->now, buf, sizeof buf, &sort);
		table_set(r, C_BACKUP, style, sort, buf);
		style = summary_maintenance(s, i->id, env->rules, env->now, buf, sizeof buf, &sort);
		table_set(r, C_MAINT, style, sort, buf);
		style = summary_posture(s, i->id, buf, sizeof buf, &sort);
		table_set(r, C_POSTURE, style, sort, buf);
		overview_spark(r, C_CPU, s, i->id, "CPUUtilization", 0, 100, 0, env);
		overview_spark(r, C_CONN, s, i->id, "DatabaseConnections", NAN, NAN, 0, env);
		overview_spark(r, C_FREE, s, i->id, "FreeStorageSpace", NAN, NAN,
		    i->allocated_storage_gib != M_INT_NONE && i->allocated_storage_gib > 0 ?
		    (double)i->allocated_storage_gib * 1024 * 1024 * 1024 : 0, env);
	}
}

static void
overview_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const struct m_instance *i = row->rec;

	(void)p;
	(void)s;
	detail_heading(d, i->kind != NULL && strcmp(i->kind, "cluster") == 0 ? "Aurora cluster" :
	    "DB instance");
	detail_record(d, &m_instance_type, i, env->now);
}

static const char *const overview_help[] = {
	"One row per DB instance or Aurora cluster. Alert: the worst active",
	"  alert and how many of that severity. NoTLS and SU: plaintext and",
	"  superuser sessions (the provider's own excluded). Fail1h: failed",
	"  logins in the last hour. Backup: OFF, or the newest automated",
	"  snapshot's age. Maint: pending maintenance (FORCED with its date).",
	NULL,
};

const struct pane_ops pane_overview_ops = {
	.name = "overview",
	.title = "Overview",
	.tab = "Overview",
	.abbrev = "Over",
	.source = "rds",
	.cols = overview_cols,
	.ncols = C_COUNT,
	.sort_col = C_INSTANCE,
	.empty = "(no instances yet: the rds source has reported none)",
	.rows = overview_rows,
	.detail = overview_detail,
	.help = overview_help,
};
