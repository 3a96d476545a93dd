/* Overview: one row per instance or cluster, everything that matters at a
 * glance, with CPU, connections and free storage as sparklines on wide
 * terminals. */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fnv.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
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
/* The sparklines' window ends on a multiple of this: a cell spans minutes,
 * and a line kept between frames is drawn again until the step moves. */
#define OVERVIEW_SPARK_STEP_MS (10 * 1000)

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

/* The sparklines' metrics, in their columns' order. */
enum { SPARK_CPU, SPARK_CONN, SPARK_FREE, SPARK_COUNT };

static const char *const overview_spark_metric[SPARK_COUNT] = {
	"CPUUtilization", "DatabaseConnections", "FreeStorageSpace",
};

/* What one instance's row counts. The rows' figures are gathered in one
 * pass over each kind of record: with 1,000 sessions and thousands of
 * metric samples in the window, scanning them again for every row and
 * every sparkline cost more than drawing the screen. What depends on the
 * records alone is kept until the snapshot's version changes (a frame a
 * second would re-read them all); the clock's part - failed logins in the
 * last hour, the samples in the sparklines' window - is taken per frame. */
/* A sparkline's cell as drawn, for the window ending at TO with the
 * symbols of CANVAS. */
struct overview_spark_cell {
	int64_t to;
	const struct canvas *canvas;
	char *text;		/* NULL: no sample */
	double sort;
};

struct overview_agg {
	const char *id;		/* the snapshot's string */
	size_t notls, su, fails;
	struct summary_posture posture;
	struct summary_alerts alerts;
	const struct m_metric **pick[SPARK_COUNT];
	size_t n[SPARK_COUNT], cap[SPARK_COUNT];
	struct overview_spark_cell cell[SPARK_COUNT];
};

/* The aggregates by instance id: open addressing, slot = index + 1. */
struct overview_aggs {
	struct overview_agg *agg;
	size_t n;
	size_t *slots;
	size_t mask;
};

static size_t
overview_hash(const char *s)
{
	return (size_t)fnv_add(FNV_OFFSET, s, strlen(s));
}

static struct overview_agg *
overview_find(const struct overview_aggs *a, const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t h = overview_hash(id) & a->mask;; h = (h + 1) & a->mask) {
		size_t k = a->slots[h];

		if (k == 0)
			return NULL;
		if (strcmp(a->agg[k - 1].id, id) == 0)
			return &a->agg[k - 1];
	}
}

/* overview_find remembering its last answer: a poll's records come
 * together, so most share the previous one's instance. */
struct overview_near {
	const char *id;
	struct overview_agg *g;
};

static struct overview_agg *
overview_find_near(const struct overview_aggs *a, struct overview_near *near, const char *id)
{
	if (id == NULL)
		return NULL;
	if (near->id == NULL || strcmp(near->id, id) != 0) {
		near->g = overview_find(a, id);
		near->id = id;
	}
	return near->g;
}

static void
overview_add_pick(struct overview_agg *g, int k, const struct m_metric *m)
{
	if (g->n[k] == g->cap[k]) {
		g->cap[k] = g->cap[k] != 0 ? g->cap[k] * 2 : 16;
		g->pick[k] = xreallocarray(g->pick[k], g->cap[k], sizeof *g->pick[k]);
	}
	g->pick[k][g->n[k]++] = m;
}

/* Sessions (non-TLS, superuser), posture, alerts and the sparklines'
 * metrics' samples, per instance. */
static void
overview_aggs_build(struct overview_aggs *a, const struct snapshot *s)
{
	const struct m_vec *inst = &s->kinds[M_INSTANCE];
	struct overview_near near = { NULL, NULL };
	size_t cap = 16;

	while (cap < inst->n * 2)
		cap *= 2;
	memset(a, 0, sizeof *a);
	a->slots = xcalloc(cap, sizeof *a->slots);
	a->mask = cap - 1;
	a->agg = xcalloc(inst->n + 1, sizeof *a->agg);
	M_VEC_EACH(inst, const struct m_instance, i) {
		size_t h;

		if (i->id == NULL || overview_find(a, i->id) != NULL)
			continue;
		for (h = overview_hash(i->id) & a->mask; a->slots[h] != 0; h = (h + 1) & a->mask)
			;
		a->agg[a->n].id = i->id;
		a->slots[h] = ++a->n;
	}
	M_VEC_EACH(&s->kinds[M_SESSION], const struct m_session, x) {
		struct overview_agg *g = overview_find_near(a, &near, x->instance);

		if (g == NULL)
			continue;
		g->notls += x->ssl == 0;
		g->su += x->superuser == 1 && x->provider_owned != 1;
	}
	M_VEC_EACH(&s->kinds[M_CHECK], const struct m_check, c) {
		struct overview_agg *g = overview_find_near(a, &near, c->instance);

		if (g != NULL)
			summary_posture_add(&g->posture, c);
	}
	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, al) {
		struct overview_agg *g = overview_find_near(a, &near, al->instance);

		if (g != NULL)
			summary_alerts_add(&g->alerts, al);
	}
	M_VEC_EACH(&s->kinds[M_METRIC], const struct m_metric, m) {
		struct overview_agg *g;
		int k = 0;

		if (m->name == NULL || isnan(m->value))
			continue;
		while (k < SPARK_COUNT && strcmp(m->name, overview_spark_metric[k]) != 0)
			k++;
		if (k < SPARK_COUNT && (g = overview_find_near(a, &near, m->instance)) != NULL)
			overview_add_pick(g, k, m);
	}
}

/* Failed logins since FAIL_SINCE, per instance. Returns how long after
 * FAIL_SINCE the first of them leaves the window (INT64_MAX: none). */
static int64_t
overview_aggs_fails(struct overview_aggs *a, const struct snapshot *s, int64_t fail_since)
{
	struct overview_near near = { NULL, NULL };
	int64_t oldest = INT64_MAX;

	for (size_t i = 0; i < a->n; i++)
		a->agg[i].fails = 0;
	M_VEC_EACH(&s->kinds[M_FAILED_LOGIN], const struct m_failed_login, f) {
		struct overview_agg *g;

		if (f->time >= fail_since && (g = overview_find_near(a, &near, f->instance)) != NULL) {
			g->fails++;
			if (f->time < oldest)
				oldest = f->time;
		}
	}
	return oldest == INT64_MAX ? INT64_MAX : oldest - fail_since;
}

static void
overview_aggs_free(struct overview_aggs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		for (int k = 0; k < SPARK_COUNT; k++) {
			free(a->agg[i].pick[k]);
			free(a->agg[i].cell[k].text);
		}
	}
	free(a->agg);
	free(a->slots);
	memset(a, 0, sizeof *a);
}

/* A sparkline and the last value of sparkline K's metric; PERCENT_OF > 0
 * shows the last value as a percentage of it (free storage of the
 * allocated). */
static void
overview_spark(struct table_row *r, size_t col, const struct snapshot *s,
    struct overview_agg *g, int k, double lo, double hi, double percent_of,
    const struct pane_env *env)
{
	struct overview_spark_cell *cell = &g->cell[k];
	int64_t to = s->at - s->at % OVERVIEW_SPARK_STEP_MS, from = to - s->windows.metrics_ms;
	struct series se;
	const struct m_metric **in;
	char last[32];
	char *spark;
	size_t n = 0;

	/* Kept while the window's end and the samples (the aggregates are
	 * made again when they change) stay. */
	if (cell->to != to || cell->canvas != env->canvas) {
		free(cell->text);
		cell->text = NULL;
		cell->to = to;
		cell->canvas = env->canvas;
		in = xreallocarray(NULL, g->n[k] + 1, sizeof *in);
		for (size_t i = 0; i < g->n[k]; i++) {
			if (g->pick[k][i]->time >= from && g->pick[k][i]->time <= to)
				in[n++] = g->pick[k][i];
		}
		if (n > 0) {
			series_from(&se, in, n);
			spark = series_spark(&se, env->canvas, from, to, OVERVIEW_SPARK, lo, hi);
			if (percent_of > 0)
				snprintf(last, sizeof last, "%.0f%%", se.last / percent_of * 100);
			else
				fmt_metric(se.last, se.unit, last, sizeof last);
			cell->text = xasprintf("%s %s", spark, last);
			cell->sort = se.last;
			free(spark);
			series_free(&se);
		}
		free(in);
	}
	if (cell->text == NULL)
		table_set(r, col, CANVAS_DIM, NAN, "");
	else
		table_set(r, col, 0, cell->sort, cell->text);
}

/* The aggregates of the snapshot last drawn (pane->priv), and the
 * versions of the kinds they were made of. */
static const enum m_kind overview_reads[] = { M_INSTANCE, M_SESSION, M_CHECK, M_ALERT, M_METRIC };
#define OVERVIEW_NREADS (sizeof overview_reads / sizeof overview_reads[0])

struct overview_cache {
	uint64_t version[OVERVIEW_NREADS];
	struct overview_aggs aggs;
	/* The failed logins counted: while their version holds, until the
	 * first leaves the hour (and not for a clock that went back). */
	uint64_t fails_version;
	int64_t fails_at, fails_until;
};

static void
overview_free_priv(void *priv)
{
	struct overview_cache *c = priv;

	if (c == NULL)
		return;
	overview_aggs_free(&c->aggs);
	free(c);
}

static void
overview_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	struct overview_cache *c = p->priv;
	struct overview_aggs *a;
	int same;

	if (c == NULL)
		c = p->priv = xcalloc(1, sizeof *c);
	same = c->aggs.agg != NULL;
	for (size_t k = 0; k < OVERVIEW_NREADS; k++) {
		same &= c->version[k] == s->version[overview_reads[k]];
		c->version[k] = s->version[overview_reads[k]];
	}
	if (!same) {
		overview_aggs_free(&c->aggs);
		overview_aggs_build(&c->aggs, s);
	}
	a = &c->aggs;
	if (!same || c->fails_version != s->version[M_FAILED_LOGIN] || env->now < c->fails_at ||
	    env->now >= c->fails_until) {
		int64_t left = overview_aggs_fails(a, s, env->now - TIME_HOUR);

		c->fails_version = s->version[M_FAILED_LOGIN];
		c->fails_at = env->now;
		c->fails_until = left == INT64_MAX ? INT64_MAX : env->now + left + 1;
	}
	M_VEC_EACH(&s->kinds[M_INSTANCE], const struct m_instance, i) {
		struct overview_agg *g;
		struct table_row *r;
		char buf[48];
		double sort;
		int style;

		if ((g = overview_find(a, i->id)) == NULL)
			continue;
		r = table_add(&p->table, i->id, i, env->instance != NULL &&
		    strcmp(env->instance, i->id) == 0 ? CANVAS_INFO : 0);
		table_set(r, C_INSTANCE, 0, NAN, i->id);
		table_set(r, C_STATUS, summary_status_style(i->status), NAN, i->status != NULL ? i->status : "?");
		table_setf(r, C_ENGINE, 0, NAN, "%s %s", i->engine != NULL ? i->engine : "?",
		    i->engine_version != NULL ? i->engine_version : "");
		table_set(r, C_ROLE, 0, NAN, i->role);
		style = summary_alerts_text(&g->alerts, buf, sizeof buf, &sort);
		table_set(r, C_ALERT, style, sort, buf);
		table_setf(r, C_NOTLS, g->notls > 0 ? CANVAS_CRITICAL : 0, (double)g->notls, "%zu",
		    g->notls);
		table_setf(r, C_SU, g->su > 0 ? CANVAS_WARNING : 0, (double)g->su, "%zu", g->su);
		table_setf(r, C_FAIL, g->fails > 0 ? CANVAS_WARNING : 0, (double)g->fails, "%zu",
		    g->fails);
		style = summary_backup(i, env->now, buf, sizeof buf, &sort);
		table_set(r, C_BACKUP, style, sort, buf);
		style = summary_maintenance(s, i->id, env->rules, env->now, buf, sizeof buf, &sort);
		table_set(r, C_MAINT, style, sort, buf);
		style = summary_posture_text(&g->posture, buf, sizeof buf, &sort);
		table_set(r, C_POSTURE, style, sort, buf);
		overview_spark(r, C_CPU, s, g, SPARK_CPU, 0, 100, 0, env);
		overview_spark(r, C_CONN, s, g, SPARK_CONN, NAN, NAN, 0, env);
		overview_spark(r, C_FREE, s, g, SPARK_FREE, NAN, NAN,
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
	.free_priv = overview_free_priv,
	.detail = overview_detail,
	.help = overview_help,
};
