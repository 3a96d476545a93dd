/* Metrics: the chosen instance's CloudWatch metrics over the snapshot's
 * window, each as last/min/avg/max with units and a sparkline as wide as
 * the terminal allows. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "panes/fmt.h"
#include "panes/pane.h"
#include "panes/series.h"

enum { C_NAME, C_LAST, C_MIN, C_AVG, C_MAX, C_TREND, C_COUNT };

static const struct table_col metrics_cols[C_COUNT] = {
	[C_NAME] = { "Metric", 22, 0, 0 },
	[C_LAST] = { "Last", 8, 0, TABLE_RIGHT },
	[C_MIN] = { "Min", 8, 2, TABLE_RIGHT },
	[C_AVG] = { "Avg", 8, 1, TABLE_RIGHT },
	[C_MAX] = { "Max", 8, 0, TABLE_RIGHT },
	[C_TREND] = { "Trend", 10, 0, TABLE_FLEX },
};

/* The order on-call engineers read them in; others follow by name. */
static const char *const metrics_order[] = {
	"CPUUtilization", "DatabaseConnections", "FreeStorageSpace", "FreeableMemory",
	"ReadIOPS", "WriteIOPS", "ReadLatency", "WriteLatency", "DiskQueueDepth",
	"ReplicaLag", "MaximumUsedTransactionIDs", "TransactionLogsDiskUsage",
	"OldestReplicationSlotLag", "NetworkReceiveThroughput", "NetworkTransmitThroughput",
	"SwapUsage", "BurstBalance",
};

static double
metrics_rank(const char *name)
{
	for (size_t i = 0; i < sizeof metrics_order / sizeof *metrics_order; i++) {
		if (strcmp(name, metrics_order[i]) == 0)
			return (double)i;
	}
	return 1000;
}

/* The chosen instance, or the first (by id) that has metrics. */
static const char *
metrics_instance(const struct snapshot *s, const struct pane_env *env)
{
	const char *best = NULL;

	if (env->instance != NULL)
		return env->instance;
	M_VEC_EACH(&s->kinds[M_METRIC], const struct m_metric, m) {
		if (m->instance != NULL && (best == NULL || strcmp(m->instance, best) < 0))
			best = m->instance;
	}
	return best;
}

static void
metrics_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	const char *inst = metrics_instance(s, env);
	int64_t from = s->at - s->windows.metrics_ms;
	const char **names = NULL;
	size_t n = 0;
	char window[32];

	free(p->subject);
	p->subject = NULL;
	if (inst == NULL)
		return;
	time_format_age(s->windows.metrics_ms, window, sizeof window);
	p->subject = xasprintf("instance %s, last %s", inst, window);
	/* The distinct metric names of the instance. */
	names = xcalloc(s->kinds[M_METRIC].n + 1, sizeof *names);
	M_VEC_EACH(&s->kinds[M_METRIC], const struct m_metric, m) {
		size_t k;

		if (m->instance == NULL || m->name == NULL || strcmp(m->instance, inst) != 0)
			continue;
		for (k = 0; k < n && strcmp(names[k], m->name) != 0; k++)
			;
		if (k == n)
			names[n++] = m->name;
	}
	for (size_t k = 0; k < n; k++) {
		struct series se;
		struct table_row *r;
		char buf[32];
		char *spark;
		int percent;

		series_collect(&se, s, inst, names[k], from, s->at);
		percent = se.unit != NULL && strcmp(se.unit, "Percent") == 0;
		r = table_add(&p->table, names[k], names[k], 0);
		table_set(r, C_NAME, 0, metrics_rank(names[k]), names[k]);
		table_set(r, C_LAST, 0, se.last, fmt_metric(se.last, se.unit, buf, sizeof buf));
		table_set(r, C_MIN, 0, se.min, fmt_metric(se.min, se.unit, buf, sizeof buf));
		table_set(r, C_AVG, 0, se.avg, fmt_metric(se.avg, se.unit, buf, sizeof buf));
		table_set(r, C_MAX, 0, se.max, fmt_metric(se.max, se.unit, buf, sizeof buf));
		spark = series_spark(&se, env->canvas, from, s->at,
		    table_col_width(&p->table, C_TREND), percent ? 0 : NAN, percent ? 100 : NAN);
		table_set(r, C_TREND, CANVAS_INFO, NAN, spark);
		free(spark);
		series_free(&se);
	}
	free(names);
}

static void
metrics_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const char *name = row->rec, *inst = metrics_instance(s, env);
	int64_t from = s->at - s->windows.metrics_ms;
	struct series se;
	char a[32], b[32], c[32], iso[32];
	char *spark, *title;

	(void)p;
	series_collect(&se, s, inst, name, from, s->at);
	title = xasprintf("%s of %s", name, inst);
	detail_heading(d, title);
	free(title);
	detail_add(d, "Unit", 0, se.unit);
	detail_addf(d, "Samples", 0, "%zu in the last %s", se.n,
	    time_format_age(s->windows.metrics_ms, a, sizeof a));
	detail_addf(d, "Min / avg / max", 0, "%s / %s / %s", fmt_metric(se.min, se.unit, a, sizeof a),
	    fmt_metric(se.avg, se.unit, b, sizeof b), fmt_metric(se.max, se.unit, c, sizeof c));
	if (se.n > 0)
		detail_addf(d, "Last", 0, "%s at %s", fmt_metric(se.last, se.unit, a, sizeof a),
		    time_format_iso8601(se.last_t, iso, sizeof iso));
	spark = series_spark(&se, env->canvas, from, s->at, 48, NAN, NAN);
	detail_add(d, "Trend (min..max)", CANVAS_INFO, spark);
	free(spark);
	detail_heading(d, "Newest samples");
	for (size_t i = se.n, shown = 0; i-- > 0 && shown < 30; shown++)
		detail_add(d, time_format_iso8601(se.t[i], iso, sizeof iso), 0,
		    fmt_metric(se.v[i], se.unit, a, sizeof a));
	series_free(&se);
}

static const char *const metrics_help[] = {
	"CloudWatch metrics of the chosen instance (i), or of the first one,",
	"  over the last 3 hours. Trend: one cell per slice of the window,",
	"  scaled from the minimum to the maximum (0-100 for percentages).",
	NULL,
};

const struct pane_ops pane_metrics_ops = {
	.name = "metrics",
	.title = "Metrics",
	.tab = "Metrics",
	.abbrev = "Metr",
	.source = "cloudwatch",
	.cols = metrics_cols,
	.ncols = C_COUNT,
	.sort_col = C_NAME,
	.empty = "(no metrics for this instance yet)",
	.rows = metrics_rows,
	.detail = metrics_detail,
	.help = metrics_help,
};
