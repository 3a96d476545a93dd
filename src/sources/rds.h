/* The rds source: one per scope (account + region). Each poll discovers
 * the instances and clusters (their state and attributes: the instance
 * records, complete for the scope), their pending maintenance, and the
 * RDS events since the last poll (the first poll: the last 24 h), each
 * once. Slow-changing things - the parameters of the parameter groups in
 * use, newer minor engine versions, snapshots (newest automated and
 * manual, public, unencrypted) and CA certificates - are fetched on the
 * first poll and then every slow_interval, and carried into every poll's
 * records. */
#ifndef RW_SOURCES_RDS_H
#define RW_SOURCES_RDS_H

#include <stdint.h>

#include "model/model.h"
#include "sources/scope.h"
#include "sources/source.h"

#define RDS_INTERVAL_MS (60 * 1000LL)
#define RDS_SLOW_INTERVAL_MS (30 * 60 * 1000LL)
#define RDS_EVENTS_LOOKBACK_MS (24 * 60 * 60 * 1000LL)
/* A poll asks again for this much before the last one, in case events
 * reach DescribeEvents late; repeats are dropped by key. */
#define RDS_EVENTS_OVERLAP_MS (60 * 1000LL)

struct rds_settings {
	int64_t interval_ms;
	int64_t timeout_ms;
	int64_t slow_interval_ms;
	int64_t events_lookback_ms;
};

extern const struct source_ops rds_source_ops;

/* The parameters rds reads from DB (and DB cluster) parameter groups. */
extern const char *const rds_parameter_names[];

/* A new rds source for SC (a reference is taken). PRIMED, when not NULL,
 * is a discovery the fleet just made: the first poll uses it instead of
 * asking again (its records are taken). */
struct source *rds_source_new(struct scope *sc, const struct rds_settings *st,
    struct m_vec *primed);

#endif
