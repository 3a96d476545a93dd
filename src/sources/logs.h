/* The logs source (failed logins on RDS): one per scope. For each watched
 * DB instance whose PostgreSQL log is exported to CloudWatch Logs
 * (EnabledCloudwatchLogsExports has "postgresql"; Aurora: its cluster's),
 * FilterLogEvents on /aws/rds/instance/ID/postgresql (Aurora:
 * /aws/rds/cluster/CLUSTER/postgresql, stream ID) with a filter that
 * keeps the authentication-failure lines and their DETAIL lines,
 * incremental by time (the first poll: the last 24 h) and nextToken.
 * Instances that do not export their log are read, when [logs] download
 * allows it (default yes), with DescribeDBLogFiles and
 * DownloadDBLogFilePortion from where the last read stopped. Both feed
 * the shared failed-login parser (sources/logline.h). */
#ifndef RW_SOURCES_LOGS_H
#define RW_SOURCES_LOGS_H

#include <stdint.h>

#include "sources/scope.h"
#include "sources/source.h"

#define LOGS_INTERVAL_MS (60 * 1000LL)
#define LOGS_LOOKBACK_MS (24 * 60 * 60 * 1000LL)
#define LOGS_DOWNLOAD_INTERVAL_MS (5 * 60 * 1000LL)
/* FilterLogEvents terms: FATAL lines, and the DETAIL lines that give a
 * refused password's reason ("Role ... does not exist", "Password does
 * not match", "... expired password", "... no password assigned"). */
#define LOGS_FILTER_PATTERN "?FATAL ?Role ?Password ?password"

struct logs_settings {
	int64_t interval_ms;
	int64_t timeout_ms;
	int64_t lookback_ms;
	int download;
	int64_t download_interval_ms;
};

extern const struct source_ops logs_source_ops;

struct source *logs_source_new(struct scope *sc, const struct logs_settings *st);

/* The CloudWatch Logs group of instance I's PostgreSQL log, given its
 * cluster C (NULL for a standalone instance), when it is exported; newly
 * allocated, or NULL. */
char *logs_group_of(const struct m_instance *i, const struct m_instance *c);

#endif
