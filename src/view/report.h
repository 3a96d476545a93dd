/* What `rdswatch once` prints: the snapshot (after the rules batch is
 * applied) as a JSON document for scripts, as compact text for people,
 * and as a monitoring exit status like a Nagios plugin's. The JSON keys
 * and the exit statuses are an interface, documented in rdswatch(1):
 * keys are only ever added. */
#ifndef RW_VIEW_REPORT_H
#define RW_VIEW_REPORT_H

#include <cjson/cJSON.h>

#include "model/model.h"
#include "view/snapshot.h"

enum report_fail_on {
	REPORT_FAIL_ON_WARNING,		/* warnings exit 1 (the default) */
	REPORT_FAIL_ON_CRITICAL,	/* warnings exit 0 */
};

enum {
	REPORT_EXIT_OK = 0,
	REPORT_EXIT_WARNING = 1,
	REPORT_EXIT_CRITICAL = 2,
	REPORT_EXIT_SOURCE_FAILED = 3,
};

/* "warning" or "critical". Returns 0, or -1. */
int report_fail_on_parse(const char *s, enum report_fail_on *out);
/* 2 if any critical alert, else 3 if a source failed, else 1 if any
 * warning (0 with REPORT_FAIL_ON_CRITICAL), else 0. Alerts count in every
 * state (acknowledged or snoozed ones too: the problem is still there);
 * info alerts never count. */
int report_exit_code(const struct snapshot *s, enum report_fail_on fail_on);

/* Alerts worst first (severity, then band), then oldest first. */
int report_alert_cmp(const void *a, const void *b);
/* A source's error in one line ("ThrottlingException: Rate exceeded
 * (guardduty ListDetectors)"), or NULL when it has none. Newly allocated. */
char *report_source_error(const struct m_source_health *h);

/* The JSON document, as a cJSON tree the caller deletes. */
cJSON *report_json(const struct snapshot *s);
/* The same, printed with a final newline; newly allocated. */
char *report_json_string(const struct snapshot *s);
/* The text report, every line at most WIDTH columns; newly allocated. */
char *report_text(const struct snapshot *s, int width);

#endif
