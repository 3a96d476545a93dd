/* The guardduty source: one per scope. Each poll lists the region's
 * detectors, reads each one (status, and whether RDS login protection -
 * the RDS_LOGIN_EVENTS feature - is enabled: the account record), then
 * the findings about RDS DB instances updated since the last poll
 * (ListFindings with criteria resource.resourceType = RDSDBInstance and
 * updatedAt, then GetFindings 50 at a time), mapped to instances with
 * their severity band (domain.md section 4). The first poll looks back
 * [guardduty] lookback (30 days). */
#ifndef RW_SOURCES_GUARDDUTY_H
#define RW_SOURCES_GUARDDUTY_H

#include <stdint.h>

#include "sources/scope.h"
#include "sources/source.h"

#define GUARDDUTY_INTERVAL_MS (5 * 60 * 1000LL)
#define GUARDDUTY_LOOKBACK_MS (30 * 24 * 60 * 60 * 1000LL)
#define GUARDDUTY_OVERLAP_MS (5 * 60 * 1000LL)

struct guardduty_settings {
	int64_t interval_ms;
	int64_t timeout_ms;
	int64_t lookback_ms;
};

extern const struct source_ops guardduty_source_ops;

struct source *guardduty_source_new(struct scope *sc, const struct guardduty_settings *st);

#endif
