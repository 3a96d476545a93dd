/* GuardDuty answers (REST-JSON, camelCase wire names) into records: a
 * Finding about an RDS DB instance into a finding record, and a detector
 * (GetDetector) into the account record's GuardDuty fields. Pure
 * functions of the JSON, so they can be fuzzed. */
#ifndef RW_SOURCES_GUARDDUTY_MAP_H
#define RW_SOURCES_GUARDDUTY_MAP_H

#include <cjson/cJSON.h>

#include "model/records.h"

/* Maps FINDING into F (initialized by the caller). Returns 0, or -1 when
 * it has no id. */
int guardduty_map_finding(const cJSON *finding, struct m_finding *f);
/* "low", "medium", "high" or "critical" for a severity number
 * (domain.md section 4), or NULL when it is out of range. */
const char *guardduty_severity_label(double severity);
/* The detector's status and whether RDS login protection (feature
 * RDS_LOGIN_EVENTS) is enabled, into A. */
void guardduty_map_detector(const cJSON *detector, struct m_account *a);

#endif
