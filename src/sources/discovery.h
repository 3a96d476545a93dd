/* Discovery: every RDS DB instance and Aurora cluster of a scope
 * (DescribeDBInstances and DescribeDBClusters, all pages of 100), as
 * instance records, Aurora members with their writer/reader role, kept
 * when the fleet's filter watches them, sorted by id. Also the pager
 * every RDS Describe call uses (Marker / MaxRecords). */
#ifndef RW_SOURCES_DISCOVERY_H
#define RW_SOURCES_DISCOVERY_H

#include <stdint.h>

#include <libxml/tree.h>

#include "aws/client.h"
#include "core/err.h"
#include "model/model.h"
#include "sources/scope.h"

/* Calls the RDS OPERATION with PARAMS (may be NULL) page by page
 * (MaxRecords MAX_RECORDS, 0: the service's default) and hands each
 * page's <OPERATION>Result element to FN, which returns 0 to go on.
 * Returns 0, or -1 with ERR. */
int discovery_pages(struct aws_client *cl, const char *operation, const struct aws_params *params,
    int max_records, int64_t deadline,
    int (*fn)(void *ctx, const xmlNode *result), void *ctx, struct rw_error *err);

/* Fills OUT (initialized by the call, struct m_instance) with the scope's
 * watched instances and clusters. Returns 0, or -1 with ERR (OUT then
 * holds nothing). */
int discovery_run(struct aws_client *cl, struct scope *sc, int64_t deadline, struct m_vec *out,
    struct rw_error *err);

#endif
