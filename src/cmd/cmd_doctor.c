/* rdswatch doctor: checks, one line each, what rdswatch needs, and says
 * how to fix what fails: the config, the AWS credentials (GetCallerIdentity:
 * account and ARN) and region, every IAM action rdswatch uses (by making
 * the real read-only call), GuardDuty RDS protection, log exports per
 * instance, PostgreSQL reachability, TLS verification and the monitoring
 * role's privileges per instance, the history location's permissions and
 * the estimated monthly CloudWatch cost. Exit 0 when nothing failed, 1
 * otherwise. `doctor --policy` prints the minimal IAM policy. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "aws/json.h"
#include "aws/xml.h"
#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "cmd/cmd_poll.h"
#include "core/files.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/awscred.h"
#include "sources/discovery.h"
#include "sources/fleet.h"
#include "sources/logs.h"
#include "sources/rds_parse.h"

#define DOCTOR_CALL_TIMEOUT_MS (15 * 1000LL)

struct doctor {
	int failed;
	int warned;
};

/* What one scope's probes try their calls on (found by the earlier ones). */
struct doctor_scope {
	struct scope *sc;
	struct aws_client *cl;
	struct m_vec roster;
	const char *instance;		/* a DB instance */
	const char *param_group;
	const char *cluster_param_group;
	char *log_file;
	char *exported_group;
	const char *exported_stream;
	char *snapshot;			/* a manual snapshot */
	char *cluster_snapshot;		/* a manual Aurora cluster snapshot */
	char *detector;
	char *finding;
	char *skip;			/* why a probe was skipped */
};

static void
doctor_line(struct doctor *d, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
doctor_line(struct doctor *d, const char *status, const char *fmt, ...)
{
	va_list ap;
	char *text, *clean;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	/* Names and messages come from outside: one sanitizer for all. */
	clean = sanitize_str(text);
	printf("%-4s %s\n", status, clean);
	free(clean);
	free(text);
	d->failed += strcmp(status, "FAIL") == 0;
	d->warned += strcmp(status, "warn") == 0;
}

/* ---- the probes: one real read-only call per IAM action ------------- */

static int
doctor_rds(struct doctor_scope *c, const char *op, struct aws_params *p, int64_t deadline,
    xmlDoc **doc, struct rw_error *err)
{
	int rc = aws_query_call(c->cl, "rds", op, p, deadline, doc, err);

	aws_params_free(p);
	return rc;
}

static int
doctor_skip(struct doctor_scope *c, const char *why)
{
	free(c->skip);
	c->skip = xstrdup(why);
	return 1;
}

static int
probe_parameters(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;

	if (c->param_group == NULL)
		return doctor_skip(c, "no DB parameter group to read");
	aws_params_add(&p, "DBParameterGroupName", c->param_group);
	aws_params_add(&p, "MaxRecords", "20");
	if (doctor_rds(c, "DescribeDBParameters", &p, deadline, &doc, err) != 0)
		return -1;
	xmlFreeDoc(doc);
	return 0;
}

static int
probe_cluster_parameters(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;

	if (c->cluster_param_group == NULL)
		return doctor_skip(c, "no Aurora cluster");
	aws_params_add(&p, "DBClusterParameterGroupName", c->cluster_param_group);
	aws_params_add(&p, "MaxRecords", "20");
	if (doctor_rds(c, "DescribeDBClusterParameters", &p, deadline, &doc, err) != 0)
		return -1;
	xmlFreeDoc(doc);
	return 0;
}

/* The first manual snapshot of kind K into *ID, for the attributes probe. */
static int
probe_snapshots_of(struct doctor_scope *c, const struct rds_snapshot_kind *k, char **id,
    int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;
	xmlNode *snap;

	aws_params_add(&p, "SnapshotType", "manual");
	aws_params_add(&p, "MaxRecords", "20");
	if (doctor_rds(c, k->describe, &p, deadline, &doc, err) != 0)
		return -1;
	snap = aws_xml_first(aws_xml_child(aws_xml_result(doc, k->describe), k->list), k->item);
	*id = aws_xml_text(snap, k->id);
	xmlFreeDoc(doc);
	return 0;
}

static int
probe_attributes_of(struct doctor_scope *c, const struct rds_snapshot_kind *k, const char *id,
    int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;

	if (id == NULL)
		return doctor_skip(c, "no manual snapshot to read");
	aws_params_add(&p, k->id, id);
	if (doctor_rds(c, k->describe_attrs, &p, deadline, &doc, err) != 0)
		return -1;
	xmlFreeDoc(doc);
	return 0;
}

static int
probe_snapshots(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	return probe_snapshots_of(c, &rds_db_snapshot, &c->snapshot, deadline, err);
}

static int
probe_snapshot_attributes(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	return probe_attributes_of(c, &rds_db_snapshot, c->snapshot, deadline, err);
}

static int
probe_cluster_snapshots(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	return probe_snapshots_of(c, &rds_cluster_snapshot, &c->cluster_snapshot, deadline, err);
}

static int
probe_cluster_snapshot_attributes(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	return probe_attributes_of(c, &rds_cluster_snapshot, c->cluster_snapshot, deadline, err);
}

static int
probe_log_files(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;
	xmlNode *f;

	if (c->instance == NULL)
		return doctor_skip(c, "no DB instance");
	aws_params_add(&p, "DBInstanceIdentifier", c->instance);
	if (doctor_rds(c, "DescribeDBLogFiles", &p, deadline, &doc, err) != 0)
		return -1;
	f = aws_xml_first(aws_xml_child(aws_xml_result(doc, "DescribeDBLogFiles"),
	    "DescribeDBLogFiles"), "DescribeDBLogFilesDetails");
	c->log_file = aws_xml_text(f, "LogFileName");
	xmlFreeDoc(doc);
	return 0;
}

static int
probe_log_portion(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;

	if (c->log_file == NULL)
		return doctor_skip(c, "no log file listed");
	aws_params_add(&p, "DBInstanceIdentifier", c->instance);
	aws_params_add(&p, "LogFileName", c->log_file);
	aws_params_add(&p, "NumberOfLines", "1");
	if (doctor_rds(c, "DownloadDBLogFilePortion", &p, deadline, &doc, err) != 0)
		return -1;
	xmlFreeDoc(doc);
	return 0;
}

static int
probe_metrics(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	int64_t end = time_now_ms() / TIME_MIN * TIME_MIN;
	char start_s[32], end_s[32];
	xmlDoc *doc = NULL;
	int rc;

	aws_params_add(&p, "MetricDataQueries.member.1.Id", "m0");
	aws_params_add(&p, "MetricDataQueries.member.1.MetricStat.Metric.Namespace", "AWS/RDS");
	aws_params_add(&p, "MetricDataQueries.member.1.MetricStat.Metric.MetricName",
	    "CPUUtilization");
	aws_params_add(&p, "MetricDataQueries.member.1.MetricStat.Period", "300");
	aws_params_add(&p, "MetricDataQueries.member.1.MetricStat.Stat", "Average");
	aws_params_add(&p, "StartTime", time_format_iso8601(end - 10 * TIME_MIN, start_s,
	    sizeof start_s));
	aws_params_add(&p, "EndTime", time_format_iso8601(end, end_s, sizeof end_s));
	rc = aws_query_call(c->cl, "monitoring", "GetMetricData", &p, deadline, &doc, err);
	aws_params_free(&p);
	xmlFreeDoc(doc);
	return rc;
}

static int
probe_filter_logs(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	cJSON *req, *resp = NULL;
	int rc;

	if (c->exported_group == NULL)
		return doctor_skip(c, "no instance exports its PostgreSQL log");
	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "logGroupName", c->exported_group);
	cJSON_AddNumberToObject(req, "startTime", (double)(time_now_ms() - 5 * TIME_MIN));
	cJSON_AddNumberToObject(req, "limit", 1);
	if (c->exported_stream != NULL)
		cJSON_AddItemToArray(cJSON_AddArrayToObject(req, "logStreamNames"),
		    cJSON_CreateString(c->exported_stream));
	rc = aws_json_call(c->cl, "logs", "FilterLogEvents", req, deadline, &resp, err);
	cJSON_Delete(req);
	cJSON_Delete(resp);
	/* Exported, but nothing written yet: the permission is what counts. */
	if (rc != 0 && err->code != NULL && strcmp(err->code, "ResourceNotFoundException") == 0) {
		err_clear(err);
		rc = 0;
	}
	return rc;
}

static int
probe_detectors(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	cJSON *resp = NULL;
	const cJSON *first;

	if (aws_rest_json_call(c->cl, "guardduty", "ListDetectors", "GET", "/detector", NULL, NULL,
	    deadline, &resp, err) != 0)
		return -1;
	first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "detectorIds"), 0);
	if (cJSON_IsString(first) && strspn(first->valuestring, "0123456789abcdefghijklmnopqrstuvwxyz")
	    == strlen(first->valuestring) && *first->valuestring != '\0')
		c->detector = xstrdup(first->valuestring);
	cJSON_Delete(resp);
	return 0;
}

static int
probe_detector(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	char *path;
	cJSON *resp = NULL;
	int rc;

	if (c->detector == NULL)
		return doctor_skip(c, "no GuardDuty detector in this region");
	path = xasprintf("/detector/%s", c->detector);
	rc = aws_rest_json_call(c->cl, "guardduty", "GetDetector", "GET", path, NULL, NULL, deadline,
	    &resp, err);
	free(path);
	cJSON_Delete(resp);
	return rc;
}

static int
probe_list_findings(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	char *path;
	cJSON *body, *resp = NULL;
	const cJSON *first;
	int rc;

	if (c->detector == NULL)
		return doctor_skip(c, "no GuardDuty detector in this region");
	path = xasprintf("/detector/%s/findings", c->detector);
	body = cJSON_CreateObject();
	cJSON_AddNumberToObject(body, "maxResults", 1);
	rc = aws_rest_json_call(c->cl, "guardduty", "ListFindings", "POST", path, NULL, body,
	    deadline, &resp, err);
	free(path);
	cJSON_Delete(body);
	first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "findingIds"), 0);
	if (rc == 0 && cJSON_IsString(first))
		c->finding = xstrdup(first->valuestring);
	cJSON_Delete(resp);
	return rc;
}

static int
probe_get_findings(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	char *path;
	cJSON *body, *resp = NULL;
	int rc;

	if (c->finding == NULL)
		return doctor_skip(c, "no GuardDuty finding to read");
	path = xasprintf("/detector/%s/findings/get", c->detector);
	body = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(body, "findingIds"),
	    cJSON_CreateString(c->finding));
	rc = aws_rest_json_call(c->cl, "guardduty", "GetFindings", "POST", path, NULL, body,
	    deadline, &resp, err);
	free(path);
	cJSON_Delete(body);
	cJSON_Delete(resp);
	return rc;
}

static int
probe_security_groups(struct doctor_scope *c, int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;
	int rc;

	aws_params_add(&p, "MaxResults", "5");
	rc = aws_query_call(c->cl, "ec2", "DescribeSecurityGroups", &p, deadline, &doc, err);
	aws_params_free(&p);
	xmlFreeDoc(doc);
	return rc;
}

/* Every AWS action rdswatch calls, in the order the probes need them;
 * `doctor --policy` prints the same list as an IAM policy. A probe with no
 * function is an RDS call needing nothing but the fixed PARAMS (name,
 * value pairs). */
static const struct doctor_probe {
	const char *action;
	int (*run)(struct doctor_scope *c, int64_t deadline, struct rw_error *err);
	const char *params[4];
} doctor_probes[] = {
	{ "rds:DescribeDBInstances", NULL, { "MaxRecords", "20" } },
	{ "rds:DescribeDBClusters", NULL, { "MaxRecords", "20" } },
	{ "rds:DescribeDBParameters", probe_parameters, { NULL } },
	{ "rds:DescribeDBClusterParameters", probe_cluster_parameters, { NULL } },
	{ "rds:DescribePendingMaintenanceActions", NULL, { "MaxRecords", "20" } },
	{ "rds:DescribeDBEngineVersions", NULL, { "Engine", "postgres", "DefaultOnly", "true" } },
	{ "rds:DescribeDBSnapshots", probe_snapshots, { NULL } },
	{ "rds:DescribeDBSnapshotAttributes", probe_snapshot_attributes, { NULL } },
	{ "rds:DescribeDBClusterSnapshots", probe_cluster_snapshots, { NULL } },
	{ "rds:DescribeDBClusterSnapshotAttributes", probe_cluster_snapshot_attributes, { NULL } },
	{ "rds:DescribeCertificates", NULL, { "MaxRecords", "20" } },
	{ "rds:DescribeEvents", NULL, { "Duration", "60", "MaxRecords", "20" } },
	{ "rds:DescribeDBLogFiles", probe_log_files, { NULL } },
	{ "rds:DownloadDBLogFilePortion", probe_log_portion, { NULL } },
	{ "cloudwatch:GetMetricData", probe_metrics, { NULL } },
	{ "logs:FilterLogEvents", probe_filter_logs, { NULL } },
	{ "guardduty:ListDetectors", probe_detectors, { NULL } },
	{ "guardduty:GetDetector", probe_detector, { NULL } },
	{ "guardduty:ListFindings", probe_list_findings, { NULL } },
	{ "guardduty:GetFindings", probe_get_findings, { NULL } },
	{ "ec2:DescribeSecurityGroups", probe_security_groups, { NULL } },
};

/* Needed only for some settings: auth = secret[:ARN] and auth = iam. */
static const char *const doctor_optional_actions[] = {
	"secretsmanager:GetSecretValue", "rds-db:connect",
};

/* One statement of the policy: its actions, one a line. */
static void
doctor_print_statement(const char *sid, const char *first, const char *const *actions, size_t n,
    size_t stride, int last)
{
	printf("    {\n      \"Sid\": \"%s\",\n      \"Effect\": \"Allow\",\n"
	    "      \"Action\": [\n", sid);
	if (first != NULL)
		printf("        \"%s\"%s\n", first, n > 0 ? "," : "");
	for (size_t i = 0; i < n; i++)
		printf("        \"%s\"%s\n", *(const char *const *)((const char *)actions + i * stride),
		    i + 1 < n ? "," : "");
	printf("      ],\n      \"Resource\": \"*\"\n    }%s\n", last ? "" : ",");
}

/* The minimal IAM policy: every action of the probes (read-only), and the
 * two that only auth = secret and auth = iam need. */
static void
doctor_print_policy(void)
{
	printf("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
	doctor_print_statement("RdswatchReadOnly", "sts:GetCallerIdentity", &doctor_probes[0].action,
	    sizeof doctor_probes / sizeof doctor_probes[0], sizeof doctor_probes[0], 0);
	doctor_print_statement("RdswatchDatabaseLogin", NULL, doctor_optional_actions,
	    sizeof doctor_optional_actions / sizeof *doctor_optional_actions,
	    sizeof *doctor_optional_actions, 1);
	printf("  ]\n}\n");
}

/* ---- checks ----------------------------------------------------------- */

static void
doctor_scope_init(struct doctor_scope *c, struct scope *sc)
{
	memset(c, 0, sizeof *c);
	c->sc = sc;
	c->cl = scope_client(sc);
	scope_roster_get(sc, &c->roster);
	M_VEC_EACH(&c->roster, const struct m_instance, i) {
		int cluster = strcmp(i->kind, "cluster") == 0;

		if (cluster && c->cluster_param_group == NULL)
			c->cluster_param_group = i->parameter_group;
		if (!cluster && c->instance == NULL)
			c->instance = i->id;
		if (!cluster && c->param_group == NULL)
			c->param_group = i->parameter_group;
	}
	M_VEC_EACH(&c->roster, const struct m_instance, i) {
		const struct m_instance *cl = NULL;

		if (strcmp(i->kind, "instance") != 0 || c->exported_group != NULL)
			continue;
		M_VEC_EACH(&c->roster, const struct m_instance, k) {
			if (i->cluster_id != NULL && strcmp(k->kind, "cluster") == 0 &&
			    strcmp(k->id, i->cluster_id) == 0)
				cl = k;
		}
		c->exported_group = logs_group_of(i, cl);
		c->exported_stream = cl != NULL ? i->id : NULL;
	}
}

static void
doctor_scope_free(struct doctor_scope *c)
{
	aws_client_free(c->cl);
	m_vec_free(&c->roster);
	free(c->log_file);
	free(c->exported_group);
	free(c->snapshot);
	free(c->cluster_snapshot);
	free(c->detector);
	free(c->finding);
	free(c->skip);
}

static void
doctor_fail_error(struct doctor *d, const char *what, const struct rw_error *err,
    const char *fix)
{
	char *msg = err_format(err);

	doctor_line(d, "FAIL", "%s: %s -- fix: %s", what, msg, fix);
	free(msg);
}

static void
doctor_identity(struct doctor *d, struct doctor_scope *c, int64_t deadline)
{
	struct rw_error err = RW_ERROR_INIT;
	xmlDoc *doc = NULL;
	const char *acct = *c->sc->account->name != '\0' ? c->sc->account->name : "default";

	if (aws_query_call(c->cl, "sts", "GetCallerIdentity", NULL, deadline, &doc, &err) != 0) {
		doctor_fail_error(d, "credentials", &err, "configure AWS credentials (aws configure, "
		    "AWS_PROFILE, --profile, or an instance role) as for the AWS CLI");
		err_clear(&err);
		return;
	}
	{
		xmlNode *r = aws_xml_result(doc, "GetCallerIdentity");
		char *account = aws_xml_text(r, "Account"), *arn = aws_xml_text(r, "Arn");

		doctor_line(d, "ok", "credentials (account %s, profile %s): account %s, %s", acct,
		    c->sc->profile, account != NULL ? account : "?", arn != NULL ? arn : "?");
		free(account);
		free(arn);
	}
	xmlFreeDoc(doc);
}

/* A probe without a function: the RDS operation after "rds:", its params. */
static int
doctor_probe_rds(struct doctor_scope *c, const struct doctor_probe *p, int64_t deadline,
    struct rw_error *err)
{
	struct aws_params params = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;

	for (size_t k = 0; k + 1 < sizeof p->params / sizeof *p->params && p->params[k] != NULL; k += 2)
		aws_params_add(&params, p->params[k], p->params[k + 1]);
	if (doctor_rds(c, strchr(p->action, ':') + 1, &params, deadline, &doc, err) != 0)
		return -1;
	xmlFreeDoc(doc);
	return 0;
}

static void
doctor_actions(struct doctor *d, struct doctor_scope *c, int64_t deadline)
{
	for (size_t i = 0; i < sizeof doctor_probes / sizeof doctor_probes[0]; i++) {
		struct rw_error err = RW_ERROR_INIT;
		int rc = doctor_probes[i].run != NULL ? doctor_probes[i].run(c, deadline, &err) :
		    doctor_probe_rds(c, &doctor_probes[i], deadline, &err);
		char *fix;

		if (rc == 0)
			doctor_line(d, "ok", "%s (%s)", doctor_probes[i].action, c->sc->region);
		else if (rc > 0)
			doctor_line(d, "skip", "%s (%s): %s", doctor_probes[i].action, c->sc->region,
			    c->skip);
		else {
			fix = err.kind == ERR_DENIED ?
			    xasprintf("allow %s in the IAM policy (rdswatch doctor --policy prints it)",
			    doctor_probes[i].action) :
			    xstrdup("check the endpoint, the network and the region");
			doctor_fail_error(d, doctor_probes[i].action, &err, fix);
			free(fix);
		}
		err_clear(&err);
	}
}

static void
doctor_log_exports(struct doctor *d, struct doctor_scope *c)
{
	M_VEC_EACH(&c->roster, const struct m_instance, i) {
		const struct m_instance *cl = NULL;
		char *group;

		if (strcmp(i->kind, "instance") != 0)
			continue;
		M_VEC_EACH(&c->roster, const struct m_instance, k) {
			if (i->cluster_id != NULL && strcmp(k->kind, "cluster") == 0 &&
			    strcmp(k->id, i->cluster_id) == 0)
				cl = k;
		}
		group = logs_group_of(i, cl);
		if (group != NULL)
			doctor_line(d, "ok", "%s: PostgreSQL log exported to %s", i->id, group);
		else
			doctor_line(d, "warn", "%s: PostgreSQL log not exported to CloudWatch Logs "
			    "(read by download instead) -- fix: aws rds %s --%s-identifier %s "
			    "--cloudwatch-logs-export-configuration EnableLogTypes=postgresql",
			    i->id, cl != NULL ? "modify-db-cluster" : "modify-db-instance",
			    cl != NULL ? "db-cluster" : "db-instance", cl != NULL ? cl->id : i->id);
		free(group);
	}
}

static void
doctor_guardduty(struct doctor *d, const struct snapshot *snap)
{
	M_VEC_EACH(&snap->kinds[M_ACCOUNT], const struct m_account, a) {
		if (a->guardduty_rds_protection == 1)
			doctor_line(d, "ok", "GuardDuty RDS protection enabled (%s, detector %s)",
			    a->region, a->guardduty_detector_id);
		else
			doctor_line(d, "warn", "GuardDuty RDS protection %s in %s -- fix: aws "
			    "guardduty update-detector --detector-id ID --features "
			    "Name=RDS_LOGIN_EVENTS,Status=ENABLED", a->guardduty_rds_protection == 0 ?
			    "not enabled" : "unknown", a->region);
	}
}

/* A fix for a PostgreSQL connection error, by its kind and text. */
static const char *
doctor_pg_fix(const struct m_source_health *h)
{
	const char *msg = h->error_message != NULL ? h->error_message : "";

	if (strstr(msg, "root certificate") != NULL || strstr(msg, "sslrootcert") != NULL)
		return "set sslrootcert in [pg] to the RDS CA bundle "
		    "(https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem)";
	if (h->error_kind != NULL && strcmp(h->error_kind, "auth") == 0)
		return "check user and auth in [pg] or [instance ID] (and the password or secret)";
	if (h->error_kind != NULL && strcmp(h->error_kind, "config") == 0)
		return "correct the setting in [pg] or [instance ID] (rdswatch.conf(5))";
	return "check the endpoint, security groups and network path (or set hostaddr for an "
	    "SSM port forward)";
}

static void
doctor_postgres(struct doctor *d, const struct snapshot *snap)
{
	M_VEC_EACH(&snap->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		const struct m_pg_health *pg = NULL;

		if (h->source == NULL || strcmp(h->source, "pg") != 0)
			continue;
		M_VEC_EACH(&snap->kinds[M_PG_HEALTH], const struct m_pg_health, p) {
			if (p->instance != NULL && strcmp(p->instance, h->instance) == 0)
				pg = p;
		}
		if (h->ok != 1) {
			doctor_line(d, "FAIL", "%s: PostgreSQL unreachable: %s -- fix: %s", h->instance,
			    h->error_message != NULL ? h->error_message : "no answer",
			    doctor_pg_fix(h));
			continue;
		}
		doctor_line(d, "ok", "%s: PostgreSQL %s reachable as %s", h->instance,
		    pg != NULL && pg->server_version != NULL ? pg->server_version : "",
		    pg != NULL && pg->monitor_user != NULL ? pg->monitor_user : "?");
		if (pg != NULL && pg->tls_verified == 1)
			doctor_line(d, "ok", "%s: TLS verified (sslmode %s)", h->instance, pg->tls_mode);
		else
			doctor_line(d, "warn", "%s: TLS not verified (sslmode %s) -- fix: sslmode = "
			    "verify-full with sslrootcert = the RDS CA bundle", h->instance,
			    pg != NULL && pg->tls_mode != NULL ? pg->tls_mode : "?");
		if (pg != NULL && pg->has_pg_monitor == 1)
			doctor_line(d, "ok", "%s: the monitoring role has pg_monitor", h->instance);
		else
			doctor_line(d, "FAIL", "%s: the monitoring role lacks pg_monitor (other "
			    "sessions show as insufficient privilege) -- fix: GRANT pg_monitor TO %s",
			    h->instance, pg != NULL && pg->monitor_user != NULL ? pg->monitor_user :
			    "the monitoring role");
	}
}

/* The other sources' polls (the probes tested their actions one by one). */
static void
doctor_sources(struct doctor *d, const struct snapshot *snap)
{
	M_VEC_EACH(&snap->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		if (h->source == NULL || strcmp(h->source, "pg") == 0 || h->ok == 1)
			continue;
		if (h->missing_action != NULL)
			doctor_line(d, "FAIL", "source %s%s%s: %s -- fix: allow %s in the IAM policy",
			    h->source, *h->instance != '\0' ? " " : "", h->instance,
			    h->error_message != NULL ? h->error_message : "?", h->missing_action);
		else
			doctor_line(d, "FAIL", "source %s%s%s: %s%s%s", h->source,
			    *h->instance != '\0' ? " " : "", h->instance,
			    h->error_code != NULL ? h->error_code : "",
			    h->error_code != NULL ? ": " : "",
			    h->error_message != NULL ? h->error_message : "failed");
	}
}

static void
doctor_history(struct doctor *d)
{
	char *dir = files_state_dir();
	struct stat st;

	if (dir == NULL) {
		doctor_line(d, "FAIL", "history: no state directory (HOME unset) -- fix: set HOME "
		    "or XDG_STATE_HOME");
		return;
	}
	if (lstat(dir, &st) != 0) {
		if (errno == ENOENT)
			doctor_line(d, "ok", "history: %s will be created (mode 0700)", dir);
		else
			doctor_line(d, "FAIL", "history: %s: %s", dir, strerror(errno));
	} else if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
		doctor_line(d, "FAIL", "history: %s is not a directory (a symlink is refused) -- "
		    "fix: remove it or set XDG_STATE_HOME", dir);
	else if (st.st_uid != geteuid())
		doctor_line(d, "FAIL", "history: %s belongs to another user -- fix: chown it", dir);
	else if ((st.st_mode & 077) != 0)
		doctor_line(d, "FAIL", "history: %s is readable by others (mode %03o) -- fix: "
		    "chmod 700 %s", dir, (unsigned)(st.st_mode & 0777), dir);
	else {
		char *db = xasprintf("%s/history.db", dir);

		if (lstat(db, &st) == 0 && (S_ISLNK(st.st_mode) || (st.st_mode & 077) != 0))
			doctor_line(d, "FAIL", "history: %s must be a private file (mode 0600, no "
			    "symlink) -- fix: chmod 600 %s", db, db);
		else
			doctor_line(d, "ok", "history: %s is private (mode 0700)", dir);
		free(db);
	}
	free(dir);
}

static const struct option cmd_doctor_options[] = {
	{ "policy", no_argument, NULL, 'P' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
cmd_doctor_help(void)
{
	printf("usage: rdswatch doctor [--policy] [OPTIONS]\n"
	    "Check what rdswatch needs, one line each (ok, warn, FAIL with a fix, skip):\n"
	    "credentials and region, every IAM action rdswatch calls (with a real\n"
	    "read-only call), GuardDuty RDS protection, log exports, PostgreSQL per\n"
	    "instance (reachable, TLS verified, pg_monitor), the history directory and\n"
	    "the estimated CloudWatch cost. Exit 0 when nothing failed, else 1.\n"
	    "\n"
	    "  --policy               print the minimal IAM policy and exit\n"
	    "%s", cmd_opts_help());
}

static int
cmd_doctor_parse(int argc, char **argv, struct cmd_opts *o, int *policy)
{
	struct option *table = cmd_opts_table(cmd_doctor_options);
	int c, rc = -1;

	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, "+:h", table, NULL)) != -1) {
		int h = cmd_opts_handle(o, c, optarg, &cmd_doctor_entry);

		if (h < 0)
			rc = CMD_EXIT_USAGE;
		else if (h == 0 && c == 'P')
			*policy = 1;
		else if (h == 0 && c == 'h') {
			cmd_doctor_help();
			rc = CMD_EXIT_OK;
		} else if (h == 0 && c == ':')
			rc = cmd_usage_error(&cmd_doctor_entry, "option '%s' needs a value",
			    argv[optind - 1]);
		else if (h == 0)
			rc = cmd_usage_error(&cmd_doctor_entry, "unknown option '%s'", argv[optind - 1]);
	}
	if (rc < 0 && optind < argc)
		rc = cmd_usage_error(&cmd_doctor_entry, "unexpected argument '%s'", argv[optind]);
	free(table);
	return rc;
}

static int
cmd_doctor_exec(int argc, char **argv)
{
	struct cmd_opts o = CMD_OPTS_INIT;
	struct doctor d = { 0, 0 };
	struct aws_settings s;
	struct rw_error err = RW_ERROR_INIT;
	struct fleet f;
	struct fleet_opts fo;
	struct snapshot snap;
	int policy = 0, rc = cmd_doctor_parse(argc, argv, &o, &policy);

	if (rc >= 0)
		goto done;
	if (policy) {
		doctor_print_policy();
		rc = CMD_EXIT_OK;
		goto done;
	}
	if (cmd_opts_finish(&o, &s, &err) != 0) {
		doctor_fail_error(&d, "config", &err, "correct the file (rdswatch.conf(5))");
		err_clear(&err);
		rc = CMD_EXIT_FAILURE;
		goto done;
	}
	doctor_line(&d, "ok", "config: %s", o.config.path != NULL ? o.config.name :
	    "none (defaults)");
	fo = (struct fleet_opts){ &o.config, &s, NULL, 1 };
	if (fleet_build(&f, &fo, &err) != 0) {
		doctor_fail_error(&d, "config", &err, "correct the file (rdswatch.conf(5))");
		err_clear(&err);
		rc = CMD_EXIT_FAILURE;
		goto done;
	}
	for (size_t i = 0; i < f.naccounts; i++) {
		const char *src = aws_ctx_region_source(f.accounts[i]->ctx);

		doctor_line(&d, "ok", "region: %s (from %s)", aws_ctx_region(f.accounts[i]->ctx) != NULL ?
		    aws_ctx_region(f.accounts[i]->ctx) : "per account", src != NULL ? src : "config");
	}
	for (size_t i = 0; i < f.nproblems; i++)
		doctor_line(&d, "FAIL", "%s", f.problems[i]);
	for (size_t k = 0; k < f.nscopes; k++) {
		struct doctor_scope c;
		int64_t deadline = time_mono_ms() + DOCTOR_CALL_TIMEOUT_MS * 4;

		doctor_scope_init(&c, f.scopes[k]);
		if (c.cl != NULL) {
			doctor_identity(&d, &c, deadline);
			doctor_actions(&d, &c, deadline);
			doctor_log_exports(&d, &c);
		}
		doctor_scope_free(&c);
	}
	snapshot_init(&snap, time_now_ms(), 1);
	cmd_poll_once(&f, &snap, NULL);
	doctor_guardduty(&d, &snap);
	doctor_postgres(&d, &snap);
	doctor_sources(&d, &snap);
	doctor_history(&d);
	doctor_line(&d, "info", "CloudWatch: about USD %.2f a month at the current settings "
	    "([cloudwatch] interval, metrics, focus)", f.est_monthly_usd);
	snapshot_free(&snap);
	fleet_free(&f);
	printf("%d failed, %d warnings\n", d.failed, d.warned);
	rc = d.failed > 0 ? CMD_EXIT_FAILURE : CMD_EXIT_OK;
done:
	awscred_reset();
	cmd_opts_free(&o);
	return rc;
}

const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor",
	.args = "[OPTIONS]",
	.summary = "check access and permissions, with fixes",
	.exec = cmd_doctor_exec,
};
