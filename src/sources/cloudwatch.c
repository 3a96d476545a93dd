#include <config.h>

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/cloudwatch.h"

/* Domain.md section 5, with the statistic that answers the question a
 * rule or a pane asks (lags and XID use: the worst of the period). */
const struct cloudwatch_metric cloudwatch_metrics[] = {
	{ "CPUUtilization", "Percent", "Average", CW_INSTANCE },
	{ "DatabaseConnections", "Count", "Average", CW_INSTANCE },
	{ "FreeStorageSpace", "Bytes", "Average", CW_INSTANCE },
	{ "FreeableMemory", "Bytes", "Average", CW_INSTANCE },
	{ "ReadIOPS", "Count/Second", "Average", CW_INSTANCE },
	{ "WriteIOPS", "Count/Second", "Average", CW_INSTANCE },
	{ "DiskQueueDepth", "Count", "Average", CW_INSTANCE },
	{ "MaximumUsedTransactionIDs", "Count", "Maximum", CW_INSTANCE },
	{ "ReadLatency", "Seconds", "Average", CW_INSTANCE },
	{ "WriteLatency", "Seconds", "Average", CW_INSTANCE },
	{ "SwapUsage", "Bytes", "Average", CW_INSTANCE },
	{ "NetworkReceiveThroughput", "Bytes/Second", "Average", CW_INSTANCE },
	{ "NetworkTransmitThroughput", "Bytes/Second", "Average", CW_INSTANCE },
	{ "BurstBalance", "Percent", "Average", CW_INSTANCE },
	{ "ReplicaLag", "Seconds", "Maximum", CW_INSTANCE | CW_REPLICA },
	{ "OldestReplicationSlotLag", "Bytes", "Maximum", CW_INSTANCE },
	{ "TransactionLogsDiskUsage", "Bytes", "Average", CW_INSTANCE },
	{ "AuroraReplicaLag", "Milliseconds", "Maximum", CW_AURORA | CW_REPLICA },
	{ "BufferCacheHitRatio", "Percent", "Average", CW_AURORA },
	{ "CommitLatency", "Milliseconds", "Average", CW_AURORA },
	{ "Deadlocks", "Count/Second", "Average", CW_AURORA },
	{ "EngineUptime", "Seconds", "Minimum", CW_AURORA },
	{ "FreeLocalStorage", "Bytes", "Average", CW_AURORA },
	{ "DBLoad", "None", "Average", CW_AURORA },
	{ "VolumeBytesUsed", "Bytes", "Average", CW_CLUSTER },
};

const size_t cloudwatch_nmetrics = sizeof cloudwatch_metrics / sizeof cloudwatch_metrics[0];

/* Every instance, by default: what the rules and the overview read. */
static const char *const cloudwatch_default_set[] = {
	"CPUUtilization", "DatabaseConnections", "FreeStorageSpace", "FreeableMemory",
	"ReadIOPS", "WriteIOPS", "DiskQueueDepth", "MaximumUsedTransactionIDs",
	/* Only where they mean something (replicas, Aurora readers, clusters). */
	"ReplicaLag", "AuroraReplicaLag", "VolumeBytesUsed",
};

const struct cloudwatch_metric *
cloudwatch_metric_find(const char *name)
{
	for (size_t i = 0; i < cloudwatch_nmetrics; i++) {
		if (strcmp(cloudwatch_metrics[i].name, name) == 0)
			return &cloudwatch_metrics[i];
	}
	return NULL;
}

void
cloudwatch_settings_init(struct cloudwatch_settings *st)
{
	memset(st, 0, sizeof *st);
	st->interval_ms = CLOUDWATCH_INTERVAL_MS;
	st->timeout_ms = 10 * 1000;
	st->period_s = CLOUDWATCH_PERIOD_S;
	st->window_ms = CLOUDWATCH_WINDOW_MS;
	st->focus_interval_ms = CLOUDWATCH_FOCUS_INTERVAL_MS;
	st->focus_period_s = CLOUDWATCH_FOCUS_PERIOD_S;
}

static void
cloudwatch_list_copy(struct m_list *dst, const struct m_list *src)
{
	memset(dst, 0, sizeof *dst);
	for (size_t i = 0; i < src->n; i++)
		m_list_add(dst, src->v[i]);
}

void
cloudwatch_settings_copy(struct cloudwatch_settings *dst, const struct cloudwatch_settings *src)
{
	*dst = *src;
	cloudwatch_list_copy(&dst->metrics, &src->metrics);
	cloudwatch_list_copy(&dst->focus, &src->focus);
	cloudwatch_list_copy(&dst->focus_metrics, &src->focus_metrics);
}

void
cloudwatch_settings_free(struct cloudwatch_settings *st)
{
	m_list_free(&st->metrics);
	m_list_free(&st->focus);
	m_list_free(&st->focus_metrics);
}

/* Whether metric M applies to instance I. */
static int
cloudwatch_applies(const struct cloudwatch_metric *m, const struct m_instance *i)
{
	int cluster = i->kind != NULL && strcmp(i->kind, "cluster") == 0;
	int aurora = i->engine != NULL && strncmp(i->engine, "aurora", 6) == 0;
	int replica = i->role != NULL && (strcmp(i->role, "replica") == 0 ||
	    strcmp(i->role, "reader") == 0);

	if (cluster)
		return (m->where & CW_CLUSTER) != 0;
	if ((m->where & CW_REPLICA) && !replica)
		return 0;
	if (m->where & CW_INSTANCE)
		return !(m->where & CW_REPLICA) || !aurora;
	return (m->where & CW_AURORA) && aurora;
}

static int
cloudwatch_in(const struct m_list *l, const char *name)
{
	return m_list_contains(l, name);
}

/* Focus entries may be shell patterns (once --instance 'orders-*'). */
static int
cloudwatch_focused(const struct m_list *focus, const char *id)
{
	for (size_t i = 0; i < focus->n; i++) {
		if (fnmatch(focus->v[i], id, 0) == 0)
			return 1;
	}
	return 0;
}

static int
cloudwatch_in_default(const char *name)
{
	for (size_t i = 0; i < sizeof cloudwatch_default_set / sizeof *cloudwatch_default_set; i++) {
		if (strcmp(cloudwatch_default_set[i], name) == 0)
			return 1;
	}
	return 0;
}

struct cloudwatch_query *
cloudwatch_plan(const struct m_vec *roster, const struct cloudwatch_settings *st, int focus,
    size_t *n)
{
	struct cloudwatch_query *q = NULL;
	size_t cap = 0;

	*n = 0;
	M_VEC_EACH(roster, const struct m_instance, i) {
		int focused = cloudwatch_focused(&st->focus, i->id);

		if (focus != focused)
			continue;
		for (size_t k = 0; k < cloudwatch_nmetrics; k++) {
			const struct cloudwatch_metric *m = &cloudwatch_metrics[k];
			const struct m_list *set = focus ? &st->focus_metrics : &st->metrics;
			int wanted = set->n > 0 ? cloudwatch_in(set, m->name) :
			    focus ? 1 : cloudwatch_in_default(m->name);

			if (!wanted || !cloudwatch_applies(m, i))
				continue;
			if (*n == cap) {
				cap = cap != 0 ? cap * 2 : 64;
				q = xreallocarray(q, cap, sizeof *q);
			}
			q[*n].instance = i->id;
			q[*n].cluster = strcmp(i->kind, "cluster") == 0;
			q[*n].metric = m;
			q[*n].period_s = focus ? st->focus_period_s : st->period_s;
			(*n)++;
		}
	}
	return q;
}

size_t
cloudwatch_calls(size_t n)
{
	return (n + CLOUDWATCH_MAX_QUERIES - 1) / CLOUDWATCH_MAX_QUERIES;
}

double
cloudwatch_est_monthly(size_t n_fleet, int64_t interval_ms, size_t n_focus,
    int64_t focus_interval_ms)
{
	double metrics = 0;

	if (interval_ms > 0)
		metrics += (double)n_fleet * ((double)CLOUDWATCH_MONTH_MS / (double)interval_ms);
	if (focus_interval_ms > 0)
		metrics += (double)n_focus * ((double)CLOUDWATCH_MONTH_MS / (double)focus_interval_ms);
	return metrics * CLOUDWATCH_USD_PER_METRIC;
}

/* ---- the source ------------------------------------------------------- */

struct cloudwatch_source {
	struct scope *sc;
	struct aws_client *cl;
	struct cloudwatch_settings st;
	int64_t next_fleet;	/* time_mono_ms; 0: now */
	int64_t base_interval;	/* the poll interval it was made with */
};

/* Adds the datapoints of one GetMetricData answer to B. */
static void
cloudwatch_read(const xmlNode *res, const struct cloudwatch_query *q, size_t nq, struct batch *b)
{
	for (xmlNode *r = aws_xml_first(aws_xml_child(res, "MetricDataResults"), "member");
	    r != NULL; r = aws_xml_next(r, "member")) {
		char *id = aws_xml_text(r, "Id");
		char *end = NULL;
		unsigned long k = id != NULL && id[0] == 'm' ? strtoul(id + 1, &end, 10) : nq;
		xmlNode *t, *v;

		if (end == NULL || *end != '\0' || k >= nq) {
			free(id);
			continue;
		}
		t = aws_xml_first(aws_xml_child(r, "Timestamps"), "member");
		v = aws_xml_first(aws_xml_child(r, "Values"), "member");
		for (; t != NULL && v != NULL; t = aws_xml_next(t, "member"), v = aws_xml_next(v, "member")) {
			struct m_metric *m;
			char *ts = aws_xml_node_text(t), *vs = aws_xml_node_text(v), *vend = NULL;
			int64_t when = 0;
			double value = strtod(vs, &vend);
			int bad = time_parse_iso8601(ts, &when) != 0 || vend == vs || *vend != '\0' ||
			    !isfinite(value);

			free(ts);
			free(vs);
			if (bad)
				continue;
			m = batch_add(b, M_METRIC);
			m_str_set(&m->instance, q[k].instance);
			m_str_set(&m->name, q[k].metric->name);
			m_str_set(&m->unit, q[k].metric->unit);
			m->time = when;
			m->value = value;
			m->period_s = q[k].period_s;
		}
		free(id);
	}
}

/* Query K's members: MetricDataQueries.member.K+1.Id = mK, ... */
static void
cloudwatch_query_params(struct aws_params *p, size_t k, const struct cloudwatch_query *q)
{
	const struct {
		const char *member;
		const char *value;
	} fields[] = {
		{ "MetricStat.Metric.Namespace", "AWS/RDS" },
		{ "MetricStat.Metric.MetricName", q->metric->name },
		{ "MetricStat.Metric.Dimensions.member.1.Name",
		    q->cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier" },
		{ "MetricStat.Metric.Dimensions.member.1.Value", q->instance },
		{ "MetricStat.Stat", q->metric->stat },
	};
	char name[128];

	snprintf(name, sizeof name, "MetricDataQueries.member.%zu.Id", k + 1);
	aws_params_addf(p, name, "m%zu", k);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		snprintf(name, sizeof name, "MetricDataQueries.member.%zu.%s", k + 1, fields[i].member);
		aws_params_add(p, name, fields[i].value);
	}
	snprintf(name, sizeof name, "MetricDataQueries.member.%zu.MetricStat.Period", k + 1);
	aws_params_add_int(p, name, q->period_s);
}

/* One GetMetricData call for Q[0..N-1] (N <= 500), following NextToken. */
static int
cloudwatch_call(struct cloudwatch_source *c, const struct cloudwatch_query *q, size_t n,
    int64_t window_ms, struct batch *b, int64_t deadline, struct rw_error *err)
{
	int period = q[0].period_s;
	int64_t end = time_now_ms() / (period * 1000LL) * (period * 1000LL);
	char start_s[32], end_s[32], *token = NULL;
	int rc = 0;

	time_format_iso8601(end - window_ms, start_s, sizeof start_s);
	time_format_iso8601(end, end_s, sizeof end_s);
	for (int page = 0; page < 100; page++) {
		struct aws_params p = AWS_PARAMS_INIT;
		xmlDoc *doc = NULL;
		xmlNode *res;
		char *next;

		for (size_t k = 0; k < n; k++)
			cloudwatch_query_params(&p, k, &q[k]);
		aws_params_add(&p, "StartTime", start_s);
		aws_params_add(&p, "EndTime", end_s);
		if (token != NULL)
			aws_params_add(&p, "NextToken", token);
		rc = aws_query_call(c->cl, "monitoring", "GetMetricData", &p, deadline, &doc, err);
		aws_params_free(&p);
		if (rc != 0)
			break;
		res = aws_xml_result(doc, "GetMetricData");
		if (res == NULL) {
			err_set(err, ERR_PARSE, "monitoring", "GetMetricData",
			    "the answer has no GetMetricDataResult");
			xmlFreeDoc(doc);
			rc = -1;
			break;
		}
		cloudwatch_read(res, q, n, b);
		next = aws_xml_text(res, "NextToken");
		xmlFreeDoc(doc);
		free(token);
		token = next;
		if (token == NULL || *token == '\0')
			break;
	}
	free(token);
	return rc;
}

/* Every query of Q, in calls of at most 500. */
static int
cloudwatch_run(struct cloudwatch_source *c, const struct cloudwatch_query *q, size_t n,
    int64_t window_ms, struct batch *b, int64_t deadline, struct rw_error *err)
{
	for (size_t off = 0; off < n; off += CLOUDWATCH_MAX_QUERIES) {
		size_t k = n - off < CLOUDWATCH_MAX_QUERIES ? n - off : CLOUDWATCH_MAX_QUERIES;

		if (cloudwatch_call(c, q + off, k, window_ms, b, deadline, err) != 0)
			return -1;
	}
	return 0;
}

static int
cloudwatch_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct cloudwatch_source *c = s->priv;
	struct cloudwatch_query *fleet, *focus;
	size_t nfleet, nfocus;
	struct m_vec roster;
	int64_t fleet_every;
	double scale;
	int rc = 0;

	if (c->cl == NULL && (c->cl = scope_client(c->sc)) == NULL) {
		err_set(err, ERR_INTERNAL, "monitoring", NULL, "cannot start libcurl");
		return -1;
	}
	scope_roster_get(c->sc, &roster);
	fleet = cloudwatch_plan(&roster, &c->st, 0, &nfleet);
	focus = cloudwatch_plan(&roster, &c->st, 1, &nfocus);
	/* The dashboard may scale every source's interval (--refresh, + -). */
	scale = c->base_interval > 0 ? (double)s->interval_ms / (double)c->base_interval : 1.0;
	fleet_every = (int64_t)((double)c->st.interval_ms * scale);
	s->est_monthly_usd = cloudwatch_est_monthly(nfleet, fleet_every, nfocus,
	    nfocus > 0 ? (int64_t)((double)c->st.focus_interval_ms * scale) : 0);
	if (c->next_fleet == 0 || time_mono_ms() >= c->next_fleet) {
		rc = cloudwatch_run(c, fleet, nfleet, c->st.window_ms, b, deadline, err);
		if (rc == 0)
			c->next_fleet = time_mono_ms() + fleet_every - (nfocus > 0 ? s->interval_ms / 2 : 0);
	}
	if (rc == 0 && nfocus > 0)
		rc = cloudwatch_run(c, focus, nfocus, c->st.window_ms, b, deadline, err);
	log_debug(LOG_SOURCES, "cloudwatch %s: %zu + %zu queries, est. USD %.2f a month",
	    c->sc->region, nfleet, nfocus, s->est_monthly_usd);
	free(fleet);
	free(focus);
	m_vec_free(&roster);
	s->calls += aws_client_take_attempts(c->cl);
	return rc;
}

static void
cloudwatch_destroy(struct source *s)
{
	struct cloudwatch_source *c = s->priv;

	if (c == NULL)
		return;
	aws_client_free(c->cl);
	cloudwatch_settings_free(&c->st);
	scope_unref(c->sc);
	free(c);
	s->priv = NULL;
}

const struct source_ops cloudwatch_source_ops = {
	"cloudwatch", cloudwatch_poll, cloudwatch_destroy, NULL,
};

struct source *
cloudwatch_source_new(struct scope *sc, const struct cloudwatch_settings *st)
{
	struct cloudwatch_source *c = xcalloc(1, sizeof *c);
	int64_t interval = st->focus.n > 0 && st->focus_interval_ms < st->interval_ms ?
	    st->focus_interval_ms : st->interval_ms;

	c->sc = scope_ref(sc);
	cloudwatch_settings_copy(&c->st, st);
	c->base_interval = interval;
	return scope_source_new(sc, &cloudwatch_source_ops, interval, st->timeout_ms, c);
}
