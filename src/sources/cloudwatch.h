/* The cloudwatch source: one per scope. Each poll asks GetMetricData for
 * the metrics of every watched instance (AWS/RDS, dimension
 * DBInstanceIdentifier, or DBClusterIdentifier for Aurora clusters), at
 * most 500 queries per call: N instances x M metrics cost ceil(N*M/500)
 * calls. Times are aligned to the period (whole buckets only), and each
 * query returns the recent series (window / period points), so the panes
 * draw sparklines and the rules see the last value.
 *
 * GetMetricData is billed per metric requested (USD 0.01 per 1,000), so
 * the defaults are frugal: 8 metrics per instance every 10 minutes at
 * 5-minute resolution (about USD 17.50 a month for 50 instances), plus
 * the focused instances ([cloudwatch] focus, or those `once --instance`
 * names) every minute at 1-minute resolution with every metric. The
 * source reports what its settings cost a month (est_monthly_usd in its
 * health; doctor prints it). */
#ifndef RW_SOURCES_CLOUDWATCH_H
#define RW_SOURCES_CLOUDWATCH_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "sources/scope.h"
#include "sources/source.h"

#define CLOUDWATCH_MAX_QUERIES 500
#define CLOUDWATCH_USD_PER_METRIC (0.01 / 1000.0)
#define CLOUDWATCH_MONTH_MS (730 * 60 * 60 * 1000LL)

#define CLOUDWATCH_INTERVAL_MS (10 * 60 * 1000LL)
#define CLOUDWATCH_PERIOD_S 300
#define CLOUDWATCH_WINDOW_MS (60 * 60 * 1000LL)
#define CLOUDWATCH_FOCUS_INTERVAL_MS (60 * 1000LL)
#define CLOUDWATCH_FOCUS_PERIOD_S 60

/* A metric rdswatch knows (domain.md section 5). */
struct cloudwatch_metric {
	const char *name;
	const char *unit;
	const char *stat;	/* Average, or Maximum for lags and XID use */
	unsigned where;		/* CW_* below */
};

#define CW_INSTANCE 0x1		/* every DB instance */
#define CW_AURORA 0x2		/* Aurora instances */
#define CW_CLUSTER 0x4		/* Aurora clusters */
#define CW_REPLICA 0x8		/* only replicas (ReplicaLag) and Aurora readers */

extern const struct cloudwatch_metric cloudwatch_metrics[];
extern const size_t cloudwatch_nmetrics;
const struct cloudwatch_metric *cloudwatch_metric_find(const char *name);

struct cloudwatch_settings {
	int64_t interval_ms;
	int64_t timeout_ms;
	int period_s;
	int64_t window_ms;
	struct m_list metrics;		/* every instance; empty: the default 8 */
	struct m_list focus;		/* instance ids polled in detail */
	struct m_list focus_metrics;	/* empty: every metric that applies */
	int64_t focus_interval_ms;
	int focus_period_s;
};

/* Defaults (the lists empty). */
void cloudwatch_settings_init(struct cloudwatch_settings *st);
void cloudwatch_settings_copy(struct cloudwatch_settings *dst, const struct cloudwatch_settings *src);
void cloudwatch_settings_free(struct cloudwatch_settings *st);

/* One query: instance (or cluster) x metric. */
struct cloudwatch_query {
	const char *instance;	/* borrowed from the roster */
	int cluster;
	const struct cloudwatch_metric *metric;
	int period_s;
};

/* The queries for ROSTER: FOCUS 0 gives the fleet's (every instance, its
 * metric set), 1 the focused instances' detail. Newly allocated; *N the
 * count. */
struct cloudwatch_query *cloudwatch_plan(const struct m_vec *roster,
    const struct cloudwatch_settings *st, int focus, size_t *n);
/* GetMetricData calls for N queries. */
size_t cloudwatch_calls(size_t n);
/* The monthly cost of N_FLEET queries every INTERVAL and N_FOCUS every
 * FOCUS_INTERVAL, in USD. */
double cloudwatch_est_monthly(size_t n_fleet, int64_t interval_ms, size_t n_focus,
    int64_t focus_interval_ms);

extern const struct source_ops cloudwatch_source_ops;

/* A new cloudwatch source for SC (settings copied). */
struct source *cloudwatch_source_new(struct scope *sc, const struct cloudwatch_settings *st);

#endif
