#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "core/xmalloc.h"
#include "sources/fill.h"
#include "sources/rds_parse.h"
#include "sources/scope.h"

/* Members DBInstance and DBCluster share, with the same meaning. */
static const struct fill_map rds_common_map[] = {
	{ "Engine", "engine" },
	{ "EngineVersion", "engine_version" },
	{ "AllocatedStorage", "allocated_storage_gib" },
	{ "PubliclyAccessible", "publicly_accessible" },
	{ "StorageEncrypted", "storage_encrypted" },
	{ "KmsKeyId", "kms_key_id" },
	{ "IAMDatabaseAuthenticationEnabled", "iam_auth" },
	{ "BackupRetentionPeriod", "backup_retention_days" },
	{ "LatestRestorableTime", "latest_restorable_time" },
	{ "PreferredBackupWindow", "backup_window" },
	{ "PreferredMaintenanceWindow", "maintenance_window" },
	{ "DeletionProtection", "deletion_protection" },
	{ "MultiAZ", "multi_az" },
	{ "AutoMinorVersionUpgrade", "auto_minor_upgrade" },
	{ "CopyTagsToSnapshot", "copy_tags_to_snapshot" },
	{ "EnabledCloudwatchLogsExports/member", "log_exports" },
	{ "MonitoringInterval", "monitoring_interval_s" },
	{ "MasterUsername", "master_username" },
	{ "MasterUserSecret/SecretArn", "master_user_secret_arn" },
	{ "CertificateDetails/ValidTill", "ca_valid_till" },
	{ "VpcSecurityGroups/VpcSecurityGroupMembership/VpcSecurityGroupId", "security_groups" },
};

/* DescribeDBInstances' own DBInstance members. */
static const struct fill_map rds_instance_map[] = {
	{ "DBInstanceIdentifier", "id" },
	{ "DBInstanceArn", "arn" },
	{ "DBInstanceStatus", "status" },
	{ "DBClusterIdentifier", "cluster_id" },
	{ "DBInstanceClass", "instance_class" },
	{ "Endpoint/Address", "endpoint_host" },
	{ "Endpoint/Port", "endpoint_port" },
	{ "CACertificateIdentifier", "ca_certificate_id" },
	{ "InstanceCreateTime", "created_at" },
};

/* DescribeDBClusters' own DBCluster members. */
static const struct fill_map rds_cluster_map[] = {
	{ "DBClusterIdentifier", "id" },
	{ "DBClusterArn", "arn" },
	{ "Status", "status" },
	{ "DBClusterInstanceClass", "instance_class" },
	{ "Endpoint", "endpoint_host" },
	{ "Port", "endpoint_port" },
	{ "CertificateDetails/CAIdentifier", "ca_certificate_id" },
	{ "DBClusterParameterGroup", "parameter_group" },
	{ "ClusterCreateTime", "created_at" },
};

static const struct fill_map rds_event_map[] = {
	{ "SourceIdentifier", "source_id" },
	{ "Date", "time" },
	{ "Message", "message" },
	{ "SourceType", "source_type" },
	{ "EventCategories/EventCategory", "categories" },
	{ "SourceArn", "source_arn" },
};

static const struct fill_map rds_maintenance_map[] = {
	{ "Action", "action" },
	{ "Description", "description" },
	{ "AutoAppliedAfterDate", "auto_applied_after" },
	{ "ForcedApplyDate", "forced_apply_date" },
	{ "CurrentApplyDate", "current_apply_date" },
	{ "OptInStatus", "opt_in_status" },
};

/* "key=value" for each <Tag> of a TagList. */
static void
rds_parse_tags(const xmlNode *node, struct m_list *tags)
{
	for (xmlNode *t = aws_xml_first(aws_xml_child(node, "TagList"), "Tag"); t != NULL;
	    t = aws_xml_next(t, "Tag")) {
		char *k = aws_xml_text(t, "Key"), *v = aws_xml_text(t, "Value"), *kv;

		if (k != NULL) {
			kv = xasprintf("%s=%s", k, v != NULL ? v : "");
			m_list_add(tags, kv);
			free(kv);
		}
		free(k);
		free(v);
	}
}

static void
rds_parse_common(const char *kind, const char *region, const char *profile, const xmlNode *node,
    struct m_instance *i)
{
	char *account;

	fill_from_xml(rds_common_map, FILL_N(rds_common_map), node, &m_instance_type, i);
	m_str_set(&i->kind, kind);
	m_str_set(&i->region, region);
	m_str_set(&i->profile, profile);
	rds_parse_tags(node, &i->tags);
	account = i->arn != NULL ? scope_arn_account(i->arn) : NULL;
	if (account != NULL)
		m_str_set(&i->account_id, account);
	free(account);
}

int
rds_parse_instance(const xmlNode *db, const char *region, const char *profile,
    struct m_instance *i)
{
	char *src;

	fill_from_xml(rds_instance_map, FILL_N(rds_instance_map), db, &m_instance_type, i);
	if (i->id == NULL)
		return -1;
	rds_parse_common("instance", region, profile, db, i);
	{
		xmlNode *pg = aws_xml_first(aws_xml_child(db, "DBParameterGroups"), "DBParameterGroup");
		char *name = aws_xml_text(pg, "DBParameterGroupName");

		if (name != NULL)
			m_str_set(&i->parameter_group, name);
		free(name);
	}
	/* Aurora members get writer/reader from their cluster's member list. */
	src = aws_xml_text(db, "ReadReplicaSourceDBInstanceIdentifier");
	if (i->cluster_id == NULL)
		m_str_set(&i->role, src != NULL ? "replica" : "standalone");
	free(src);
	return 0;
}

int
rds_parse_cluster(const xmlNode *c, const char *region, const char *profile, struct m_instance *i)
{
	fill_from_xml(rds_cluster_map, FILL_N(rds_cluster_map), c, &m_instance_type, i);
	if (i->id == NULL)
		return -1;
	rds_parse_common("cluster", region, profile, c, i);
	m_str_set(&i->role, "cluster");
	return 0;
}

void
rds_parse_cluster_members(const xmlNode *c, void (*fn)(void *ctx, const char *id, int writer),
    void *ctx)
{
	for (xmlNode *m = aws_xml_first(aws_xml_child(c, "DBClusterMembers"), "DBClusterMember");
	    m != NULL; m = aws_xml_next(m, "DBClusterMember")) {
		char *id = aws_xml_text(m, "DBInstanceIdentifier");
		int writer = 0;

		if (id != NULL && aws_xml_bool(m, "IsClusterWriter", &writer) >= 0)
			fn(ctx, id, writer);
		free(id);
	}
}

/* Messages of notable events (domain.md section 6; the RDS User Guide's
 * event table), matched at the start, without the final period. */
static const struct {
	const char *id;
	const char *message;
} rds_known_events[] = {
	{ "RDS-EVENT-0001", "Backing up DB instance" },
	{ "RDS-EVENT-0002", "Finished DB instance backup" },
	{ "RDS-EVENT-0004", "DB instance shutdown" },
	{ "RDS-EVENT-0006", "DB instance restarted" },
	{ "RDS-EVENT-0007", "Allocated storage has been exhausted" },
	{ "RDS-EVENT-0013", "Multi-AZ instance failover started" },
	{ "RDS-EVENT-0015", "Multi-AZ failover to standby complete" },
	{ "RDS-EVENT-0016", "Reset master credentials" },
	{ "RDS-EVENT-0026", "Offline patching of DB instance has started" },
	{ "RDS-EVENT-0027", "Finished offline patching of DB instance" },
	{ "RDS-EVENT-0028", "Automated backups for this DB instance have been disabled" },
	{ "RDS-EVENT-0047", "Database instance patched" },
	{ "RDS-EVENT-0049", "Multi-AZ instance failover completed" },
	{ "RDS-EVENT-0155", "The DB instance has a DB engine minor version upgrade available" },
	{ "RDS-EVENT-0230", "A system update is available for your DB instance" },
	{ "RDS-EVENT-0230", "An operating system update is available" },
	{ "RDS-EVENT-0418", "Amazon RDS can't access the KMS encryption key" },
	{ "RDS-EVENT-0419", "Amazon RDS has been able to access the KMS encryption key" },
};

char *
rds_event_id(const char *message)
{
	const char *p;

	if (message == NULL)
		return NULL;
	/* An id written in the message itself wins. */
	for (p = strstr(message, "RDS-EVENT-"); p != NULL; p = strstr(p + 1, "RDS-EVENT-")) {
		const char *d = p + 10;
		size_t n = strspn(d, "0123456789");

		if (n == 4 && !isdigit((unsigned char)d[4]))
			return xstrndup(p, 14);
	}
	for (size_t i = 0; i < sizeof rds_known_events / sizeof rds_known_events[0]; i++) {
		size_t len = strlen(rds_known_events[i].message);

		if (strncmp(message, rds_known_events[i].message, len) == 0 &&
		    (message[len] == '\0' || message[len] == '.' || message[len] == ' ' ||
		    message[len] == ':'))
			return xstrdup(rds_known_events[i].id);
	}
	return NULL;
}

int
rds_parse_event(const xmlNode *ev, struct m_event *e)
{
	char *id;

	fill_from_xml(rds_event_map, FILL_N(rds_event_map), ev, &m_event_type, e);
	if (e->time == 0 || e->source_id == NULL)
		return -1;
	if (e->message == NULL)
		m_str_set(&e->message, "");
	if (e->source_type != NULL && (strcmp(e->source_type, "db-instance") == 0 ||
	    strcmp(e->source_type, "db-cluster") == 0))
		m_str_set(&e->instance, e->source_id);
	id = rds_event_id(e->message);
	if (id != NULL)
		m_str_set(&e->event_id, id);
	free(id);
	return 0;
}

void
rds_parse_maintenance(const xmlNode *action, const char *instance, struct m_maintenance *m)
{
	fill_from_xml(rds_maintenance_map, FILL_N(rds_maintenance_map), action,
	    &m_maintenance_type, m);
	m_str_set(&m->instance, instance);
	if (m->action == NULL)
		m_str_set(&m->action, "");
}

int
rds_arn_split(const char *arn, char **type, char **id)
{
	const char *p = arn;
	const char *colon;

	*type = *id = NULL;
	if (p == NULL || strncmp(p, "arn:", 4) != 0)
		return -1;
	/* arn:partition:rds:region:account:TYPE:ID */
	for (int field = 0; field < 5; field++) {
		p = strchr(p, ':');
		if (p == NULL)
			return -1;
		p++;
	}
	colon = strchr(p, ':');
	if (colon == NULL || colon == p || colon[1] == '\0')
		return -1;
	*type = xstrndup(p, (size_t)(colon - p));
	*id = xstrdup(colon + 1);
	return 0;
}

const struct rds_snapshot_kind rds_db_snapshot = {
	"DescribeDBSnapshots", "DescribeDBSnapshotAttributes", "DBSnapshots", "DBSnapshot",
	"DBSnapshotIdentifier", "DBInstanceIdentifier", "Encrypted",
	"DBSnapshotAttributesResult", "DBSnapshotAttributes", "DBSnapshotAttribute",
};

/* Aurora's: encryption is the cluster's storage's, hence StorageEncrypted. */
const struct rds_snapshot_kind rds_cluster_snapshot = {
	"DescribeDBClusterSnapshots", "DescribeDBClusterSnapshotAttributes", "DBClusterSnapshots",
	"DBClusterSnapshot", "DBClusterSnapshotIdentifier", "DBClusterIdentifier",
	"StorageEncrypted", "DBClusterSnapshotAttributesResult", "DBClusterSnapshotAttributes",
	"DBClusterSnapshotAttribute",
};

char *
rds_parse_snapshot(const struct rds_snapshot_kind *k, const xmlNode *snap,
    struct rds_snapshot_stats *stats, char **snapshot_id, int *manual)
{
	char *inst = aws_xml_text(snap, k->owner);
	char *type = aws_xml_text(snap, "SnapshotType");
	int64_t created = 0;
	int encrypted = 1;

	*snapshot_id = aws_xml_text(snap, k->id);
	*manual = type != NULL && strcmp(type, "automated") != 0;
	if (aws_xml_time(snap, "SnapshotCreateTime", &created) == 1) {
		int64_t *newest = *manual ? &stats->newest_manual : &stats->newest_automated;

		if (created > *newest)
			*newest = created;
	}
	if (aws_xml_bool(snap, k->encrypted, &encrypted) == 1 && !encrypted)
		stats->unencrypted_count++;
	free(type);
	return inst;
}

int
rds_snapshot_is_public(const struct rds_snapshot_kind *k, const xmlNode *result)
{
	xmlNode *attrs = aws_xml_child(aws_xml_child(result, k->attrs_result), k->attrs);

	for (xmlNode *a = aws_xml_first(attrs, k->attr); a != NULL; a = aws_xml_next(a, k->attr)) {
		char *name = aws_xml_text(a, "AttributeName");
		int restore = name != NULL && strcmp(name, "restore") == 0;

		free(name);
		if (!restore)
			continue;
		for (xmlNode *v = aws_xml_first(aws_xml_child(a, "AttributeValues"), "AttributeValue");
		    v != NULL; v = aws_xml_next(v, "AttributeValue")) {
			char *t = aws_xml_node_text(v);
			int all = t != NULL && strcmp(t, "all") == 0;

			free(t);
			if (all)
				return 1;
		}
	}
	return 0;
}

/* The length of VERSION's major: "15" in "15.4"; before PostgreSQL 10
 * the major had two parts ("9.6" in "9.6.22"). */
static size_t
rds_major_len(const char *v)
{
	size_t first = strcspn(v, ".");

	if (first == 1 && v[0] == '9' && v[1] == '.')
		return 2 + strcspn(v + 2, ".");
	return first;
}

void
rds_parse_upgrade_targets(const xmlNode *ev, struct m_list *out)
{
	char *version = aws_xml_text(ev, "EngineVersion");

	for (xmlNode *t = aws_xml_first(aws_xml_child(ev, "ValidUpgradeTarget"), "UpgradeTarget");
	    t != NULL && version != NULL; t = aws_xml_next(t, "UpgradeTarget")) {
		char *target = aws_xml_text(t, "EngineVersion");
		int major = 0;
		size_t ml = rds_major_len(version);

		if (aws_xml_bool(t, "IsMajorVersionUpgrade", &major) < 0)
			major = 1;
		if (target != NULL && !major && strncmp(target, version, ml) == 0 &&
		    (target[ml] == '.' || target[ml] == '\0') && !m_list_contains(out, target))
			m_list_add(out, target);
		free(target);
	}
	free(version);
}
