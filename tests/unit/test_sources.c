/* The AWS sources' pure parts: RDS answers into records, event ids,
 * security group rules and what is wide open, GuardDuty findings and
 * detectors, the CloudWatch plan (batching, metric sets, cost), the
 * fleet's instance filter. The sources against the local AWS endpoint are
 * proven in tests/it/sources_*.  */
#include <config.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "aws/json.h"
#include "aws/xml.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "aws/ctx.h"
#include "pg/pg_cred.h"
#include "sources/awscred.h"
#include "sources/cloudwatch.h"
#include "sources/ec2.h"
#include "sources/fill.h"
#include "sources/guardduty_map.h"
#include "sources/rds_parse.h"
#include "sources/scope.h"

static xmlDoc *
parse(const char *xml)
{
	struct rw_error err = RW_ERROR_INIT;
	xmlDoc *doc = aws_xml_parse(xml, strlen(xml), "rds", "Test", &err);

	assert_non_null(doc);
	return doc;
}

static const char instance_xml[] =
    "<DBInstance><DBInstanceIdentifier>orders-prod</DBInstanceIdentifier>"
    "<DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:orders-prod</DBInstanceArn>"
    "<Engine>postgres</Engine><EngineVersion>15.4</EngineVersion>"
    "<DBInstanceStatus>available</DBInstanceStatus>"
    "<Endpoint><Address>db.example</Address><Port>6432</Port></Endpoint>"
    "<AllocatedStorage>500</AllocatedStorage><PubliclyAccessible>false</PubliclyAccessible>"
    "<StorageEncrypted>true</StorageEncrypted><BackupRetentionPeriod>14</BackupRetentionPeriod>"
    "<LatestRestorableTime>2026-11-22T12:00:00Z</LatestRestorableTime>"
    "<EnabledCloudwatchLogsExports><member>postgresql</member><member>upgrade</member>"
    "</EnabledCloudwatchLogsExports>"
    "<VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-1</VpcSecurityGroupId>"
    "<Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups>"
    "<DBParameterGroups><DBParameterGroup><DBParameterGroupName>orders-pg15</DBParameterGroupName>"
    "</DBParameterGroup></DBParameterGroups>"
    "<MasterUserSecret><SecretArn>arn:aws:secretsmanager:us-east-1:123456789012:secret:x</SecretArn>"
    "</MasterUserSecret>"
    "<CACertificateIdentifier>rds-ca-rsa2048-g1</CACertificateIdentifier>"
    "<CertificateDetails><CAIdentifier>rds-ca-rsa2048-g1</CAIdentifier>"
    "<ValidTill>2027-11-22T12:00:00Z</ValidTill></CertificateDetails>"
    "<TagList><Tag><Key>env</Key><Value>prod\x1b]0;pwned\x07\xff</Value></Tag></TagList>"
    "</DBInstance>";

static void
test_rds_instance(void **state)
{
	xmlDoc *doc = parse(instance_xml);
	struct m_instance i;

	(void)state;
	m_init(&m_instance_type, &i);
	assert_int_equal(rds_parse_instance(xmlDocGetRootElement(doc), "us-east-1", "default", &i), 0);
	assert_string_equal(i.id, "orders-prod");
	assert_string_equal(i.kind, "instance");
	assert_string_equal(i.role, "standalone");
	assert_string_equal(i.account_id, "123456789012");
	assert_string_equal(i.endpoint_host, "db.example");
	assert_int_equal(i.endpoint_port, 6432);
	assert_int_equal(i.allocated_storage_gib, 500);
	assert_int_equal(i.publicly_accessible, 0);
	assert_int_equal(i.storage_encrypted, 1);
	/* Absent in the answer: unknown, not false. */
	assert_int_equal(i.multi_az, M_TRI_UNKNOWN);
	assert_int_equal(i.monitoring_interval_s, M_INT_NONE);
	assert_int_equal(i.latest_restorable_time, time_from_utc_fields(2026, 11, 22, 12, 0, 0));
	assert_int_equal(i.log_exports.n, 2);
	assert_true(m_list_contains(&i.log_exports, "postgresql"));
	assert_int_equal(i.security_groups.n, 1);
	assert_string_equal(i.security_groups.v[0], "sg-1");
	assert_string_equal(i.parameter_group, "orders-pg15");
	assert_non_null(i.master_user_secret_arn);
	assert_int_equal(i.ca_valid_till, time_from_utc_fields(2027, 11, 22, 12, 0, 0));
	/* A hostile tag value arrives sanitized. */
	assert_int_equal(i.tags.n, 1);
	assert_string_equal(i.tags.v[0], "env=prod\\x1b]0;pwned\\x07\\xff");
	m_free(&m_instance_type, &i);
	xmlFreeDoc(doc);
}

static void
member(void *ctx, const char *id, int writer)
{
	char *out = ctx;

	strcat(out, id);
	strcat(out, writer ? "=w " : "=r ");
}

static void
test_rds_cluster(void **state)
{
	xmlDoc *doc = parse("<DBCluster><DBClusterIdentifier>pay</DBClusterIdentifier>"
	    "<Engine>aurora-postgresql</Engine><Status>available</Status><Port>5432</Port>"
	    "<Endpoint>pay.cluster.example</Endpoint><DBClusterParameterGroup>pay-pg</DBClusterParameterGroup>"
	    "<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>pay-1</DBInstanceIdentifier>"
	    "<IsClusterWriter>true</IsClusterWriter></DBClusterMember><DBClusterMember>"
	    "<DBInstanceIdentifier>pay-2</DBInstanceIdentifier><IsClusterWriter>false</IsClusterWriter>"
	    "</DBClusterMember></DBClusterMembers></DBCluster>");
	struct m_instance c;
	char members[64] = "";

	(void)state;
	m_init(&m_instance_type, &c);
	assert_int_equal(rds_parse_cluster(xmlDocGetRootElement(doc), "r", "p", &c), 0);
	assert_string_equal(c.kind, "cluster");
	assert_string_equal(c.role, "cluster");
	assert_string_equal(c.endpoint_host, "pay.cluster.example");
	assert_int_equal(c.endpoint_port, 5432);
	assert_string_equal(c.parameter_group, "pay-pg");
	rds_parse_cluster_members(xmlDocGetRootElement(doc), member, members);
	assert_string_equal(members, "pay-1=w pay-2=r ");
	m_free(&m_instance_type, &c);
	xmlFreeDoc(doc);
}

static void
test_rds_events(void **state)
{
	xmlDoc *doc = parse("<Event><SourceIdentifier>orders-prod</SourceIdentifier>"
	    "<SourceType>db-instance</SourceType><Message>Multi-AZ instance failover started.</Message>"
	    "<EventCategories><EventCategory>failover</EventCategory></EventCategories>"
	    "<Date>2026-11-22T12:07:00.500Z</Date></Event>");
	struct m_event e;
	char *id;

	(void)state;
	m_init(&m_event_type, &e);
	assert_int_equal(rds_parse_event(xmlDocGetRootElement(doc), &e), 0);
	assert_string_equal(e.instance, "orders-prod");
	assert_string_equal(e.event_id, "RDS-EVENT-0013");
	assert_int_equal(e.categories.n, 1);
	assert_int_equal(e.time, time_from_utc_fields(2026, 11, 22, 12, 7, 0) + 500);
	m_free(&m_event_type, &e);
	xmlFreeDoc(doc);

	/* An id in the message wins; unknown messages have none. */
	id = rds_event_id("Something new (RDS-EVENT-0418) happened");
	assert_string_equal(id, "RDS-EVENT-0418");
	free(id);
	assert_null(rds_event_id("RDS-EVENT-12345 is too long, RDS-EVENT-9 too short"));
	assert_null(rds_event_id("A message nobody knows"));
	id = rds_event_id("Multi-AZ failover to standby complete - DNS propagation may take a few minutes.");
	assert_string_equal(id, "RDS-EVENT-0015");
	free(id);
	/* A prefix of a known message is not that message. */
	assert_null(rds_event_id("DB instance restartedly"));

	/* Parameter-group events name no instance. */
	doc = parse("<Event><SourceIdentifier>orders-pg15</SourceIdentifier>"
	    "<SourceType>db-parameter-group</SourceType><Message>Updated parameter</Message>"
	    "<Date>2026-11-22T12:07:00Z</Date></Event>");
	m_init(&m_event_type, &e);
	assert_int_equal(rds_parse_event(xmlDocGetRootElement(doc), &e), 0);
	assert_null(e.instance);
	m_free(&m_event_type, &e);
	xmlFreeDoc(doc);
}

static void
test_rds_arn_and_versions(void **state)
{
	char *type, *id;
	xmlDoc *doc;
	struct m_list minors = { NULL, 0 };

	(void)state;
	assert_int_equal(rds_arn_split("arn:aws:rds:us-east-1:123456789012:cluster:pay", &type, &id), 0);
	assert_string_equal(type, "cluster");
	assert_string_equal(id, "pay");
	free(type);
	free(id);
	assert_int_equal(rds_arn_split("arn:aws:rds:us-east-1:123", &type, &id), -1);
	assert_int_equal(rds_arn_split("not an arn", &type, &id), -1);

	doc = parse("<DBEngineVersion><EngineVersion>9.6.22</EngineVersion><ValidUpgradeTarget>"
	    "<UpgradeTarget><EngineVersion>9.6.24</EngineVersion><IsMajorVersionUpgrade>false"
	    "</IsMajorVersionUpgrade></UpgradeTarget><UpgradeTarget><EngineVersion>10.21</EngineVersion>"
	    "<IsMajorVersionUpgrade>true</IsMajorVersionUpgrade></UpgradeTarget><UpgradeTarget>"
	    "<EngineVersion>9.7.1</EngineVersion><IsMajorVersionUpgrade>false</IsMajorVersionUpgrade>"
	    "</UpgradeTarget></ValidUpgradeTarget></DBEngineVersion>");
	rds_parse_upgrade_targets(xmlDocGetRootElement(doc), &minors);
	assert_int_equal(minors.n, 1);
	assert_string_equal(minors.v[0], "9.6.24");
	m_list_free(&minors);
	xmlFreeDoc(doc);
}

/* Both snapshot kinds: a DB snapshot's Encrypted, a cluster snapshot's
 * StorageEncrypted (a cluster snapshot's Encrypted does not exist). */
static void
test_rds_snapshots(void **state)
{
	struct rds_snapshot_stats st = { 0, 0, 0, 0 };
	char *owner, *id = NULL;
	int manual = -1;
	xmlDoc *doc;

	(void)state;
	doc = parse("<DBClusterSnapshot><DBClusterSnapshotIdentifier>pay-before-kms"
	    "</DBClusterSnapshotIdentifier><DBClusterIdentifier>pay</DBClusterIdentifier>"
	    "<SnapshotType>manual</SnapshotType><StorageEncrypted>false</StorageEncrypted>"
	    "<Encrypted>true</Encrypted>"
	    "<SnapshotCreateTime>2026-11-20T00:00:00Z</SnapshotCreateTime></DBClusterSnapshot>");
	owner = rds_parse_snapshot(&rds_cluster_snapshot, xmlDocGetRootElement(doc), &st, &id,
	    &manual);
	assert_string_equal(owner, "pay");
	assert_string_equal(id, "pay-before-kms");
	assert_int_equal(manual, 1);
	assert_int_equal(st.unencrypted_count, 1);
	assert_int_equal(st.newest_manual, 1795132800000LL);
	assert_int_equal(st.newest_automated, 0);
	free(owner);
	free(id);
	/* The same element read as a DB snapshot has no owner or id. */
	owner = rds_parse_snapshot(&rds_db_snapshot, xmlDocGetRootElement(doc), &st, &id, &manual);
	assert_null(owner);
	assert_null(id);
	assert_int_equal(st.unencrypted_count, 1);
	xmlFreeDoc(doc);

	doc = parse("<DBClusterSnapshot><DBClusterSnapshotIdentifier>rds:pay-1"
	    "</DBClusterSnapshotIdentifier><DBClusterIdentifier>pay</DBClusterIdentifier>"
	    "<SnapshotType>automated</SnapshotType><StorageEncrypted>true</StorageEncrypted>"
	    "<SnapshotCreateTime>2026-11-22T00:00:00Z</SnapshotCreateTime></DBClusterSnapshot>");
	owner = rds_parse_snapshot(&rds_cluster_snapshot, xmlDocGetRootElement(doc), &st, &id,
	    &manual);
	assert_int_equal(manual, 0);
	assert_int_equal(st.newest_automated, 1795305600000LL);
	assert_int_equal(st.unencrypted_count, 1);
	free(owner);
	free(id);
	xmlFreeDoc(doc);

	doc = parse("<DescribeDBClusterSnapshotAttributesResult><DBClusterSnapshotAttributesResult>"
	    "<DBClusterSnapshotAttributes><DBClusterSnapshotAttribute><AttributeName>restore"
	    "</AttributeName><AttributeValues><AttributeValue>210987654321</AttributeValue>"
	    "<AttributeValue>all</AttributeValue></AttributeValues></DBClusterSnapshotAttribute>"
	    "</DBClusterSnapshotAttributes></DBClusterSnapshotAttributesResult>"
	    "</DescribeDBClusterSnapshotAttributesResult>");
	assert_int_equal(rds_snapshot_is_public(&rds_cluster_snapshot, xmlDocGetRootElement(doc)), 1);
	assert_int_equal(rds_snapshot_is_public(&rds_db_snapshot, xmlDocGetRootElement(doc)), 0);
	xmlFreeDoc(doc);
	doc = parse("<DescribeDBClusterSnapshotAttributesResult><DBClusterSnapshotAttributesResult>"
	    "<DBClusterSnapshotAttributes><DBClusterSnapshotAttribute><AttributeName>restore"
	    "</AttributeName><AttributeValues><AttributeValue>210987654321</AttributeValue>"
	    "</AttributeValues></DBClusterSnapshotAttribute></DBClusterSnapshotAttributes>"
	    "</DBClusterSnapshotAttributesResult></DescribeDBClusterSnapshotAttributesResult>");
	assert_int_equal(rds_snapshot_is_public(&rds_cluster_snapshot, xmlDocGetRootElement(doc)), 0);
	xmlFreeDoc(doc);
	doc = parse("<DescribeDBSnapshotAttributesResult><DBSnapshotAttributesResult>"
	    "<DBSnapshotAttributes><DBSnapshotAttribute><AttributeName>restore</AttributeName>"
	    "<AttributeValues><AttributeValue>all</AttributeValue></AttributeValues>"
	    "</DBSnapshotAttribute></DBSnapshotAttributes></DBSnapshotAttributesResult>"
	    "</DescribeDBSnapshotAttributesResult>");
	assert_int_equal(rds_snapshot_is_public(&rds_db_snapshot, xmlDocGetRootElement(doc)), 1);
	xmlFreeDoc(doc);
}

static void
test_ec2_wide(void **state)
{
	(void)state;
	assert_int_equal(ec2_source_wide("0.0.0.0/0", 8, 32), 1);
	assert_int_equal(ec2_source_wide("::/0", 8, 32), 1);
	assert_int_equal(ec2_source_wide("1.0.0.0/8", 8, 32), 1);
	assert_int_equal(ec2_source_wide("1.2.0.0/16", 8, 32), 0);
	assert_int_equal(ec2_source_wide("10.0.0.0/8", 8, 32), 0);
	assert_int_equal(ec2_source_wide("2001:db8::/32", 8, 32), 1);
	assert_int_equal(ec2_source_wide("fd00::/8", 8, 32), 0);
	assert_int_equal(ec2_source_wide("sg-0123", 8, 32), 0);
	assert_int_equal(ec2_source_wide("pl-0123", 8, 32), -1);
	assert_int_equal(ec2_source_wide("garbage", 8, 32), -1);
}

static void
test_ec2_rules(void **state)
{
	xmlDoc *doc = parse("<item><groupId>sg-2</groupId><groupName>open</groupName><ipPermissions>"
	    "<item><ipProtocol>tcp</ipProtocol><fromPort>0</fromPort><toPort>65535</toPort>"
	    "<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp><description>vendor\xe2\x80\xae</description></item>"
	    "</ipRanges><ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges></item>"
	    "<item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><ipRanges>"
	    "<item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item>"
	    "<item><ipProtocol>-1</ipProtocol><groups><item><groupId>sg-9</groupId></item></groups>"
	    "</item></ipPermissions></item>");
	struct ec2_settings st = { 0, 0, EC2_WIDE_PREFIX, EC2_WIDE_PREFIX6 };
	struct m_vec out;
	const struct m_sg_rule *r;

	(void)state;
	m_vec_init(&out, &m_sg_rule_type);
	ec2_map_group(xmlDocGetRootElement(doc), "db", 5432, &st, &out);
	assert_int_equal(out.n, 4);
	r = m_vec_at(&out, 0);
	assert_string_equal(r->source, "0.0.0.0/0");
	assert_int_equal(r->covers_db_port, 1);
	assert_int_equal(r->wide_open, 1);
	assert_string_equal(r->description, "vendor\\u202e");
	r = m_vec_at(&out, 1);
	assert_string_equal(r->source, "::/0");
	assert_int_equal(r->wide_open, 1);
	r = m_vec_at(&out, 2);
	assert_int_equal(r->from_port, 22);
	assert_int_equal(r->covers_db_port, 0);
	r = m_vec_at(&out, 3);
	/* Every protocol: every port, from another group (not wide open). */
	assert_string_equal(r->protocol, "-1");
	assert_int_equal(r->from_port, 0);
	assert_int_equal(r->to_port, 65535);
	assert_int_equal(r->covers_db_port, 1);
	assert_int_equal(r->wide_open, 0);
	m_vec_free(&out);
	xmlFreeDoc(doc);
}

static void
test_guardduty(void **state)
{
	const char *json = "{\"id\":\"f1\",\"accountId\":\"123456789012\",\"type\":"
	    "\"CredentialAccess:RDS/TorIPCaller.FailedLogin\",\"severity\":5.0,"
	    "\"title\":\"t\\u001b[2J\",\"updatedAt\":\"2026-11-22T12:02:30.000Z\","
	    "\"resource\":{\"resourceType\":\"RDSDBInstance\",\"rdsDbInstanceDetails\":"
	    "{\"dbInstanceIdentifier\":\"orders-prod\"}},\"service\":{\"count\":48,\"archived\":false,"
	    "\"action\":{\"actionType\":\"RDS_LOGIN_ATTEMPT\",\"rdsLoginAttemptAction\":{"
	    "\"remoteIpDetails\":{\"ipAddressV4\":\"185.220.101.34\",\"country\":{\"countryName\":"
	    "\"Germany\"},\"organization\":{\"asnOrg\":\"Tor\"}},\"LoginAttributes\":[{\"user\":"
	    "\"postgres\",\"application\":\"psql\",\"failedLoginAttempts\":16}]}}}}";
	struct rw_error err = RW_ERROR_INIT;
	cJSON *j = aws_json_parse(json, strlen(json), "guardduty", "GetFindings", &err);
	struct m_finding f;
	struct m_account a;

	(void)state;
	assert_non_null(j);
	m_init(&m_finding_type, &f);
	assert_int_equal(guardduty_map_finding(j, &f), 0);
	assert_string_equal(f.instance, "orders-prod");
	assert_string_equal(f.severity_label, "medium");
	assert_true(f.severity == 5.0);
	assert_int_equal(f.count, 48);
	assert_int_equal(f.archived, 0);
	assert_string_equal(f.remote_ip, "185.220.101.34");
	assert_string_equal(f.remote_country, "Germany");
	assert_string_equal(f.remote_org, "Tor");
	/* Without rdsDbUserDetails, the (PascalCase) LoginAttributes tell. */
	assert_string_equal(f.db_user, "postgres");
	assert_string_equal(f.application, "psql");
	assert_string_equal(f.title, "t\\x1b[2J");
	assert_int_equal(f.updated_at, time_from_utc_fields(2026, 11, 22, 12, 2, 30));
	m_free(&m_finding_type, &f);
	cJSON_Delete(j);

	assert_string_equal(guardduty_severity_label(1.0), "low");
	assert_string_equal(guardduty_severity_label(3.9), "low");
	assert_string_equal(guardduty_severity_label(4.0), "medium");
	assert_string_equal(guardduty_severity_label(7.0), "high");
	assert_string_equal(guardduty_severity_label(8.9), "high");
	assert_string_equal(guardduty_severity_label(9.0), "critical");
	assert_string_equal(guardduty_severity_label(10.0), "critical");
	assert_null(guardduty_severity_label(11.0));
	assert_null(guardduty_severity_label(NAN));

	json = "{\"status\":\"ENABLED\",\"features\":[{\"name\":\"CLOUD_TRAIL\",\"status\":\"ENABLED\"},"
	    "{\"name\":\"RDS_LOGIN_EVENTS\",\"status\":\"DISABLED\"}]}";
	j = aws_json_parse(json, strlen(json), "guardduty", "GetDetector", &err);
	m_init(&m_account_type, &a);
	guardduty_map_detector(j, &a);
	assert_string_equal(a.guardduty_status, "ENABLED");
	assert_int_equal(a.guardduty_rds_protection, 0);
	m_free(&m_account_type, &a);
	cJSON_Delete(j);
	/* An old detector without a feature list: unknown. */
	json = "{\"status\":\"ENABLED\"}";
	j = aws_json_parse(json, strlen(json), "guardduty", "GetDetector", &err);
	m_init(&m_account_type, &a);
	guardduty_map_detector(j, &a);
	assert_int_equal(a.guardduty_rds_protection, M_TRI_UNKNOWN);
	m_free(&m_account_type, &a);
	cJSON_Delete(j);
}

static void
roster_add(struct m_vec *v, const char *id, const char *kind, const char *engine,
    const char *role, const char *cluster)
{
	struct m_instance *i = m_vec_push(v);

	m_str_set(&i->id, id);
	m_str_set(&i->kind, kind);
	m_str_set(&i->engine, engine);
	m_str_set(&i->role, role);
	if (cluster != NULL)
		m_str_set(&i->cluster_id, cluster);
}

static size_t
count_metric(const struct cloudwatch_query *q, size_t n, const char *inst, const char *name)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += strcmp(q[i].instance, inst) == 0 && (name == NULL || strcmp(q[i].metric->name,
		    name) == 0);
	return c;
}

static void
test_cloudwatch_plan(void **state)
{
	struct cloudwatch_settings st;
	struct cloudwatch_query *q;
	struct m_vec roster;
	size_t n;
	char id[16];

	(void)state;
	cloudwatch_settings_init(&st);
	m_vec_init(&roster, &m_instance_type);
	for (int i = 1; i <= 230; i++) {
		snprintf(id, sizeof id, "fleet-%03d", i);
		roster_add(&roster, id, "instance", "postgres", "standalone", NULL);
	}
	q = cloudwatch_plan(&roster, &st, 0, &n);
	assert_int_equal(n, 1840);
	assert_int_equal(cloudwatch_calls(n), 4);
	assert_int_equal(count_metric(q, n, "fleet-001", NULL), 8);
	assert_int_equal(count_metric(q, n, "fleet-001", "ReplicaLag"), 0);
	assert_int_equal(q[0].period_s, 300);
	free(q);
	assert_int_equal(cloudwatch_calls(500), 1);
	assert_int_equal(cloudwatch_calls(501), 2);
	assert_int_equal(cloudwatch_calls(0), 0);
	m_vec_clear(&roster);

	/* Aurora: readers add their lag, clusters their volume. */
	roster_add(&roster, "pay", "cluster", "aurora-postgresql", "cluster", NULL);
	roster_add(&roster, "pay-1", "instance", "aurora-postgresql", "writer", "pay");
	roster_add(&roster, "pay-2", "instance", "aurora-postgresql", "reader", "pay");
	roster_add(&roster, "rep", "instance", "postgres", "replica", NULL);
	q = cloudwatch_plan(&roster, &st, 0, &n);
	assert_int_equal(count_metric(q, n, "pay", NULL), 1);
	assert_int_equal(count_metric(q, n, "pay", "VolumeBytesUsed"), 1);
	assert_int_equal(count_metric(q, n, "pay-1", NULL), 8);
	assert_int_equal(count_metric(q, n, "pay-2", "AuroraReplicaLag"), 1);
	assert_int_equal(count_metric(q, n, "pay-2", "ReplicaLag"), 0);
	assert_int_equal(count_metric(q, n, "rep", "ReplicaLag"), 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(q[i].cluster, strcmp(q[i].instance, "pay") == 0);
	free(q);

	/* A focused instance: every metric that applies, at 1 minute, and
	 * not again in the fleet's plan. */
	m_list_add(&st.focus, "pay-2");
	q = cloudwatch_plan(&roster, &st, 1, &n);
	/* 17 but ReplicaLag, and 7 Aurora ones (VolumeBytesUsed is the cluster's). */
	assert_int_equal(n, 16 + 7);
	assert_int_equal(q[0].period_s, 60);
	free(q);
	q = cloudwatch_plan(&roster, &st, 0, &n);
	assert_int_equal(count_metric(q, n, "pay-2", NULL), 0);
	free(q);
	cloudwatch_settings_free(&st);
	m_vec_free(&roster);

	/* 50 instances x 8 metrics every 10 minutes, one focused instance's
	 * 8 every minute: near USD 20 a month. */
	assert_true(fabs(cloudwatch_est_monthly(400, 10 * TIME_MIN, 0, 0) - 17.52) < 0.01);
	assert_true(fabs(cloudwatch_est_monthly(400, 10 * TIME_MIN, 8, TIME_MIN) - 21.02) < 0.01);
}

static void
test_scope_filter(void **state)
{
	struct scope_filter f;
	struct m_vec v;
	struct m_instance *prod, *pay, *member;

	(void)state;
	scope_filter_init(&f);
	m_vec_init(&v, &m_instance_type);
	roster_add(&v, "orders-prod", "instance", "postgres", "standalone", NULL);
	roster_add(&v, "pay", "cluster", "aurora-postgresql", "cluster", NULL);
	roster_add(&v, "pay-1", "instance", "aurora-postgresql", "writer", "pay");
	prod = m_vec_at(&v, 0);
	pay = m_vec_at(&v, 1);
	member = m_vec_at(&v, 2);
	m_list_add(&prod->tags, "env=production");
	assert_true(scope_filter_empty(&f));
	assert_true(scope_filter_match(&f, prod, &v));
	scope_filter_add_ids(&f, " orders-* , nothing");
	assert_true(scope_filter_match(&f, prod, &v));
	assert_false(scope_filter_match(&f, pay, &v));
	scope_filter_free(&f);
	/* A member names its cluster in, and the cluster its members. */
	scope_filter_init(&f);
	scope_filter_add_ids(&f, "pay-1");
	assert_true(scope_filter_match(&f, pay, &v));
	assert_true(scope_filter_match(&f, member, &v));
	assert_false(scope_filter_match(&f, prod, &v));
	scope_filter_free(&f);
	scope_filter_init(&f);
	scope_filter_add_ids(&f, "pay");
	assert_true(scope_filter_match(&f, member, &v));
	scope_filter_free(&f);
	/* Tags: every one must be there. */
	scope_filter_init(&f);
	scope_filter_add_tags(&f, "env=production");
	assert_true(scope_filter_match(&f, prod, &v));
	assert_false(scope_filter_match(&f, member, &v));
	scope_filter_add_tags(&f, "team=orders");
	assert_false(scope_filter_match(&f, prod, &v));
	scope_filter_free(&f);
	m_vec_free(&v);

	{
		char *acct = scope_arn_account("arn:aws:rds:us-east-1:123456789012:db:x");

		assert_string_equal(acct, "123456789012");
		free(acct);
		assert_null(scope_arn_account("arn:aws:rds:us-east-1:12345:db:x"));
		assert_null(scope_arn_account("arn:aws"));
	}
}

static void
test_fill_json(void **state)
{
	static const struct fill_map map[] = {
		{ "a.b", "message" },
		{ "t", "time" },
		{ "c", "categories" },
	};
	const char *json = "{\"a\":{\"b\":\"x\\u202ey\"},\"t\":1795435200.5,\"c\":[\"one\",2,\"two\"]}";
	struct rw_error err = RW_ERROR_INIT;
	cJSON *j = aws_json_parse(json, strlen(json), "x", "y", &err);
	struct m_event e;

	(void)state;
	m_init(&m_event_type, &e);
	fill_from_json(map, FILL_N(map), j, &m_event_type, &e);
	assert_string_equal(e.message, "x\\u202ey");
	assert_int_equal(e.time, 1795435200500LL);
	assert_int_equal(e.categories.n, 2);
	assert_null(fill_json_path(j, "a.b.c"));
	assert_null(fill_json_path(j, "nope"));
	m_free(&m_event_type, &e);
	cJSON_Delete(j);
}

/* auth = iam: a token signed for the target at every connect; auth =
 * secret without a MasterUserSecret: a config error saying what to do.
 * No network: static keys from the environment. */
static void
test_awscred(void **state)
{
	struct aws_settings set = { 0 };
	struct rw_error err = RW_ERROR_INIT;
	struct aws_ctx *ctx;
	struct scope_account *acct;
	struct pg_cred_provider *p;
	struct pg_cred c1 = { NULL, NULL }, c2 = { NULL, NULL };
	struct pg_cred_target t = { "db1", "db1.abc.us-east-1.rds.amazonaws.com", 5432, "iam_ops",
		"us-east-1" };

	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDUNITTEST0000000", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "unitTestSecretKeyUnitTestSecretKey000000", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	ctx = aws_ctx_new(&set, time_mono_ms() + 5000, &err);
	assert_non_null(ctx);
	acct = scope_account_new(ctx, "");
	awscred_install(acct);

	p = pg_cred_provider_new("iam", NULL, "db1", &err);
	assert_non_null(p);
	assert_int_equal(p->ops->get(p, &t, &c1, time_mono_ms() + 5000, &err), 0);
	assert_null(c1.user);
	assert_non_null(strstr(c1.password, "db1.abc.us-east-1.rds.amazonaws.com:5432/?Action=connect"));
	assert_non_null(strstr(c1.password, "DBUser=iam_ops"));
	assert_non_null(strstr(c1.password, "X-Amz-Credential=AKIDUNITTEST0000000%2F"));
	/* No user: said plainly, no token. */
	t.user = NULL;
	assert_int_equal(p->ops->get(p, &t, &c2, time_mono_ms() + 5000, &err), -1);
	assert_int_equal(err.kind, ERR_CONFIG);
	err_clear(&err);
	pg_cred_wipe(&c1);
	pg_cred_provider_free(p);

	/* The master user secret comes from discovery; unknown here. */
	awscred_register("db2", acct, "us-east-1", NULL);
	assert_null(pg_cred_provider_new("secret", NULL, "db2", &err));
	assert_non_null(strstr(err.message, "secret:ARN"));
	err_clear(&err);
	awscred_register("db2", acct, "us-east-1", "arn:aws:secretsmanager:us-east-1:1:secret:x");
	p = pg_cred_provider_new("secret", NULL, "db2", &err);
	assert_non_null(p);
	assert_string_equal(p->ops->name, "secret");
	/* Nothing cached yet: a refusal has nothing to drop. */
	assert_int_equal(p->ops->on_auth_failure(p), 0);
	pg_cred_provider_free(p);

	scope_account_unref(acct);
	awscred_reset();
	/* Without the AWS layer, the pg side says so. */
	assert_null(pg_cred_provider_new("iam", NULL, "db1", &err));
	assert_int_equal(err.kind, ERR_CONFIG);
	err_clear(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rds_instance),
		cmocka_unit_test(test_rds_cluster),
		cmocka_unit_test(test_rds_events),
		cmocka_unit_test(test_rds_arn_and_versions),
		cmocka_unit_test(test_rds_snapshots),
		cmocka_unit_test(test_ec2_wide),
		cmocka_unit_test(test_ec2_rules),
		cmocka_unit_test(test_guardduty),
		cmocka_unit_test(test_cloudwatch_plan),
		cmocka_unit_test(test_scope_filter),
		cmocka_unit_test(test_fill_json),
		cmocka_unit_test(test_awscred),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
