/* RDS answers (query protocol XML) into records: DB instances, Aurora
 * clusters, events, pending maintenance, parameters, snapshots. Pure
 * functions of the XML (no I/O), so they can be fuzzed; every string
 * goes through the model's sanitizing setters. */
#ifndef RW_SOURCES_RDS_PARSE_H
#define RW_SOURCES_RDS_PARSE_H

#include <stdint.h>

#include <libxml/tree.h>

#include "model/records.h"

/* A <DBInstance> or <DBCluster> element into I (initialized by the
 * caller). REGION and PROFILE fill those fields. Returns 0, or -1 when
 * the element has no identifier. */
int rds_parse_instance(const xmlNode *db, const char *region, const char *profile,
    struct m_instance *i);
int rds_parse_cluster(const xmlNode *c, const char *region, const char *profile,
    struct m_instance *i);
/* The members of a <DBCluster>: for each, whether it is the writer.
 * Calls FN(ctx, instance id, is_writer). */
void rds_parse_cluster_members(const xmlNode *c,
    void (*fn)(void *ctx, const char *id, int writer), void *ctx);

/* An <Event> into E. Its instance is set for db-instance and db-cluster
 * sources. Returns 0, or -1 without a date or source. */
int rds_parse_event(const xmlNode *ev, struct m_event *e);
/* The RDS-EVENT-NNNN id of an event message: one written in the message,
 * else the id of a known message (domain.md section 6). Newly allocated,
 * or NULL when unknown. */
char *rds_event_id(const char *message);

/* A <PendingMaintenanceAction> of resource INSTANCE into M. */
void rds_parse_maintenance(const xmlNode *action, const char *instance, struct m_maintenance *m);

/* The resource type and identifier of an RDS ARN
 * ("arn:aws:rds:us-east-1:123456789012:db:orders-prod" -> "db",
 * "orders-prod"), newly allocated; -1 when it is not one. */
int rds_arn_split(const char *arn, char **type, char **id);

/* What one snapshot says about its instance: the newest automated and
 * manual snapshot times and the counts of public and unencrypted ones. */
struct rds_snapshot_stats {
	int64_t newest_automated;
	int64_t newest_manual;
	int64_t public_count;
	int64_t unencrypted_count;
};

/* What differs between DB snapshots and Aurora cluster snapshots: the
 * operations, parameters and element names of each. */
struct rds_snapshot_kind {
	const char *describe;		/* "DescribeDBSnapshots" */
	const char *describe_attrs;	/* "DescribeDBSnapshotAttributes" */
	const char *list;		/* "DBSnapshots" */
	const char *item;		/* "DBSnapshot" */
	const char *id;			/* "DBSnapshotIdentifier" (element and parameter) */
	const char *owner;		/* "DBInstanceIdentifier" */
	const char *encrypted;		/* "Encrypted" */
	const char *attrs_result;	/* "DBSnapshotAttributesResult" */
	const char *attrs;		/* "DBSnapshotAttributes" */
	const char *attr;		/* "DBSnapshotAttribute" */
};
extern const struct rds_snapshot_kind rds_db_snapshot;
extern const struct rds_snapshot_kind rds_cluster_snapshot;

/* A <DBSnapshot> or <DBClusterSnapshot> (as K says): its instance or
 * cluster id (newly allocated, NULL if none), its identifier, type and
 * whether it is encrypted; adds it to STATS. */
char *rds_parse_snapshot(const struct rds_snapshot_kind *k, const xmlNode *snap,
    struct rds_snapshot_stats *stats, char **snapshot_id, int *manual);
/* Whether a Describe(DB|DBCluster)SnapshotAttributes result makes the
 * snapshot public (the "restore" attribute holds "all"). */
int rds_snapshot_is_public(const struct rds_snapshot_kind *k, const xmlNode *result);

/* The minor versions newer than VERSION among a <DBEngineVersion>'s
 * ValidUpgradeTarget (same major, not a major upgrade), added to OUT. */
void rds_parse_upgrade_targets(const xmlNode *ev, struct m_list *out);

#endif
