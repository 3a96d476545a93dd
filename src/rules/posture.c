#include <config.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"
#include "rules/facts.h"
#include "rules/posture.h"

static const char *const posture_status_names[] = {
	[POSTURE_PASS] = "pass",
	[POSTURE_FAIL] = "fail",
	[POSTURE_UNKNOWN] = "unknown",
};

const char *
posture_status_name(enum posture_status st)
{
	return posture_status_names[st];
}

/* ---- generic evaluators: a TRI attribute, a parameter ---------------- */

static const struct m_instance *
posture_subject(const struct posture_check *chk, const struct posture_ctx *c)
{
	return chk->level == POSTURE_CLUSTER ? c->attrs : c->rec;
}

/* A boolean attribute that should be true (or false). */
static enum posture_status
posture_eval_tri(const struct posture_check *chk, const struct posture_ctx *c, struct buf *why)
{
	int v = *(const int *)((const char *)posture_subject(chk, c) + chk->tri_offset);

	if (v < 0) {
		buf_printf(why, "%s not reported", chk->attr);
		return POSTURE_UNKNOWN;
	}
	buf_printf(why, "%s = %s", chk->attr, v ? "true" : "false");
	return (v != 0) != (chk->tri_false_passes != 0) ? POSTURE_PASS : POSTURE_FAIL;
}

/* Where a server's settings are read, in order: the DB parameter group,
 * the Aurora cluster parameter group (rds.force_ssl lives there), and
 * what the running server reports (pg_settings). */
struct posture_param_src {
	const char *instance;
	const char *source;
	const char *label;
	const char *group;
};

static size_t
posture_param_sources(const struct posture_ctx *c, struct posture_param_src *src)
{
	size_t n = 0;
	const struct m_instance *r = c->rec;

	src[n++] = (struct posture_param_src){ r->id, "parameter_group",
	    facts_is_cluster(r) ? "cluster parameter group" : "parameter group", r->parameter_group };
	if (c->cluster != NULL)
		src[n++] = (struct posture_param_src){ c->cluster->id, "parameter_group",
		    "cluster parameter group", c->cluster->parameter_group };
	src[n++] = (struct posture_param_src){ r->id, "pg_settings", "pg_settings", NULL };
	return n;
}

static void
posture_param_reason(struct buf *why, const char *name, const struct m_parameter *p,
    const struct posture_param_src *src)
{
	buf_printf(why, "%s = %s (%s%s%s)", name, *p->value != '\0' ? p->value : "''",
	    src->label, src->group != NULL ? " " : "", src->group != NULL ? src->group : "");
}

/* Worst of the places that report the setting: a parameter group that
 * enforces TLS does not help while the running server does not (it
 * waits for a reboot), and the other way round. */
static enum posture_status
posture_eval_param(const struct posture_check *chk, const struct posture_ctx *c, struct buf *why)
{
	struct posture_param_src src[3];
	const struct m_parameter *found[3];
	int verdict[3];
	size_t n = posture_param_sources(c, src);
	int want[] = { 0, -1, 1 };	/* bad first, then not understood, then good */

	for (size_t i = 0; i < n; i++) {
		found[i] = facts_parameter(c->f, src[i].instance, src[i].source, chk->attr);
		verdict[i] = found[i] != NULL ? chk->judge(found[i]->value) : 2;
	}
	for (size_t w = 0; w < 3; w++) {
		for (size_t i = 0; i < n; i++) {
			if (verdict[i] != want[w])
				continue;
			posture_param_reason(why, chk->attr, found[i], &src[i]);
			if (want[w] < 0)
				buf_append_str(why, ": value not understood");
			return want[w] == 0 ? POSTURE_FAIL : want[w] < 0 ? POSTURE_UNKNOWN : POSTURE_PASS;
		}
	}
	buf_printf(why, "%s not reported", chk->attr);
	return POSTURE_UNKNOWN;
}

static int
posture_word_in(const char *v, const char *const *words)
{
	for (; *words != NULL; words++) {
		if (strcasecmp(v, *words) == 0)
			return 1;
	}
	return 0;
}

/* PostgreSQL booleans: pg_settings says on/off, parameter groups 1/0. */
static int
posture_judge_on(const char *v)
{
	static const char *const on[] = { "1", "on", "true", "yes", NULL };
	static const char *const off[] = { "0", "off", "false", "no", NULL };

	return posture_word_in(v, on) ? 1 : posture_word_in(v, off) ? 0 : -1;
}

static int
posture_judge_tls_floor(const char *v)
{
	static const char *const good[] = { "TLSv1.2", "TLSv1.3", NULL };
	static const char *const bad[] = { "TLSv1", "TLSv1.1", NULL };

	return posture_word_in(v, good) ? 1 : posture_word_in(v, bad) ? 0 : -1;
}

/* shared_preload_libraries: "pg_stat_statements,pgaudit" (pg_settings
 * may quote and space them). */
static int
posture_judge_pgaudit(const char *v)
{
	const char *p = v;

	while (*p != '\0') {
		size_t n;

		p += strspn(p, " \t,\"'");
		n = strcspn(p, " \t,\"'");
		if (n == 7 && strncasecmp(p, "pgaudit", 7) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* "ddl" and "all" write CREATE/ALTER ROLE ... PASSWORD into the log in
 * clear text; "mod" logs every DDL statement too (PostgreSQL: "mod logs
 * all ddl statements, plus data-modifying statements"). */
static int
posture_judge_log_statement(const char *v)
{
	static const char *const bad[] = { "all", "ddl", "mod", NULL };

	if (strcasecmp(v, "none") == 0)
		return 1;
	return posture_word_in(v, bad) ? 0 : -1;
}

/* ---- evaluators of single checks ------------------------------------- */

static enum posture_status
posture_eval_storage_encrypted(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	const struct m_instance *a = c->attrs;
	enum posture_status st = posture_eval_tri(chk, c, why);

	if (st == POSTURE_PASS && a->kms_key_id != NULL) {
		const char *key = strrchr(a->kms_key_id, '/');

		buf_printf(why, " (KMS key %s)", key != NULL ? key + 1 : a->kms_key_id);
	}
	return st;
}

static enum posture_status
posture_eval_ca(const struct posture_check *chk, const struct posture_ctx *c, struct buf *why)
{
	const struct m_instance *r = c->rec;
	const char *ca = r->ca_certificate_id != NULL ? r->ca_certificate_id : "certificate";
	char date[16];
	int64_t left;

	(void)chk;
	if (r->ca_valid_till == 0) {
		buf_printf(why, "CA %s: expiry not reported", ca);
		return POSTURE_UNKNOWN;
	}
	facts_date(r->ca_valid_till, date, sizeof date);
	left = r->ca_valid_till - c->now;
	if (left <= 0) {
		buf_printf(why, "CA %s expired %s", ca, date);
		return POSTURE_FAIL;
	}
	buf_printf(why, "CA %s %s %s (%lld day%s)", ca,
	    left <= c->cfg->ca_warning_ms ? "expires" : "valid till", date,
	    (long long)(left / TIME_DAY), left / TIME_DAY == 1 ? "" : "s");
	return left <= c->cfg->ca_warning_ms ? POSTURE_FAIL : POSTURE_PASS;
}

/* An integer attribute: whether it is reported (else the reason says it
 * is not). */
static int
posture_int_known(int64_t v, const char *attr, struct buf *why)
{
	if (v != M_INT_NONE)
		return 1;
	buf_printf(why, "%s not reported", attr);
	return 0;
}

static enum posture_status
posture_eval_backups(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	int64_t days = c->attrs->backup_retention_days;

	(void)chk;
	if (!posture_int_known(days, "BackupRetentionPeriod", why))
		return POSTURE_UNKNOWN;
	if (days == 0) {
		buf_append_str(why, "BackupRetentionPeriod = 0 (automated backups off)");
		return POSTURE_FAIL;
	}
	buf_printf(why, "BackupRetentionPeriod = %lld day%s", (long long)days, days == 1 ? "" : "s");
	if (days < c->cfg->backup_retention_days) {
		buf_printf(why, " (< %lld)", (long long)c->cfg->backup_retention_days);
		return POSTURE_FAIL;
	}
	return POSTURE_PASS;
}

/* Lists (log exports, pending actions, newer versions) are empty both
 * when there is nothing and when nothing was read: an instance record
 * the rds source has observed is the evidence that they were read. */
static int
posture_observed(const struct m_instance *i, struct buf *why)
{
	if (i->observed_at != 0)
		return 1;
	buf_printf(why, "%s not observed by the rds source", i->id != NULL ? i->id : "instance");
	return 0;
}

static int
posture_is_mandatory(const struct m_maintenance *m)
{
	return m->forced_apply_date != 0 || m->auto_applied_after != 0;
}

static enum posture_status
posture_eval_maintenance(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	const char *ids[2] = { c->rec->id, c->cluster != NULL ? c->cluster->id : NULL };
	const struct m_maintenance *worst = NULL;
	size_t optional = 0, mandatory = 0;

	(void)chk;
	if (!posture_observed(c->rec, why))
		return POSTURE_UNKNOWN;
	for (size_t k = 0; k < 2 && ids[k] != NULL; k++) {
		size_t n;
		const void *const *v = facts_of(c->f, M_MAINTENANCE, ids[k], &n);

		for (size_t i = 0; i < n; i++) {
			const struct m_maintenance *m = v[i];

			if (!posture_is_mandatory(m)) {
				optional++;
				continue;
			}
			mandatory++;
			if (worst == NULL || (m->forced_apply_date != 0 && (worst->forced_apply_date == 0 ||
			    m->forced_apply_date < worst->forced_apply_date)))
				worst = m;
		}
	}
	if (worst == NULL) {
		buf_printf(why, "no mandatory maintenance pending (%zu optional)", optional);
		return POSTURE_PASS;
	}
	{
		char date[16];
		int forced = worst->forced_apply_date != 0;

		facts_date(forced ? worst->forced_apply_date : worst->auto_applied_after, date,
		    sizeof date);
		buf_printf(why, "%s %s %s", worst->action != NULL ? worst->action : "action",
		    forced ? "forced on" : "auto-applied after", date);
		if (mandatory > 1)
			buf_printf(why, " (+%zu more)", mandatory - 1);
	}
	return POSTURE_FAIL;
}

static enum posture_status
posture_eval_engine_minor(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	const struct m_instance *r = c->rec;
	char *newer;

	(void)chk;
	if (r->engine_version == NULL) {
		buf_append_str(why, "EngineVersion not reported");
		return POSTURE_UNKNOWN;
	}
	if (!posture_observed(r, why))
		return POSTURE_UNKNOWN;
	if (r->newer_minor_versions.n == 0) {
		buf_printf(why, "%s %s is the newest minor", r->engine != NULL ? r->engine : "engine",
		    r->engine_version);
		return POSTURE_PASS;
	}
	newer = m_list_join(&r->newer_minor_versions, ", ");
	buf_printf(why, "%s %s; newer: %s", r->engine != NULL ? r->engine : "engine",
	    r->engine_version, newer);
	free(newer);
	return POSTURE_FAIL;
}

static enum posture_status
posture_eval_log_exports(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	const struct m_instance *a = c->attrs;
	char *list;
	int ok;

	(void)chk;
	if (!posture_observed(a, why))
		return POSTURE_UNKNOWN;
	list = m_list_join(&a->log_exports, ", ");
	ok = m_list_contains(&a->log_exports, "postgresql");
	buf_printf(why, "EnabledCloudwatchLogsExports = %s", *list != '\0' ? list : "(none)");
	free(list);
	return ok ? POSTURE_PASS : POSTURE_FAIL;
}

static enum posture_status
posture_eval_monitoring(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	int64_t v = c->rec->monitoring_interval_s;

	(void)chk;
	if (!posture_int_known(v, "MonitoringInterval", why))
		return POSTURE_UNKNOWN;
	buf_printf(why, "MonitoringInterval = %lld", (long long)v);
	if (v > 0)
		buf_append_str(why, " s");
	return v > 0 ? POSTURE_PASS : POSTURE_FAIL;
}

static enum posture_status
posture_eval_port(const struct posture_check *chk, const struct posture_ctx *c, struct buf *why)
{
	int64_t port = c->attrs->endpoint_port;

	(void)chk;
	if (!posture_int_known(port, "Endpoint.Port", why))
		return POSTURE_UNKNOWN;
	buf_printf(why, "Endpoint.Port = %lld%s", (long long)port,
	    port == 5432 ? " (the default)" : "");
	return port == 5432 ? POSTURE_FAIL : POSTURE_PASS;
}

static enum posture_status
posture_eval_master_username(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	static const char *const defaults[] = { "postgres", "admin", "root", NULL };
	const char *u = c->attrs->master_username;

	(void)chk;
	if (u == NULL) {
		buf_append_str(why, "MasterUsername not reported");
		return POSTURE_UNKNOWN;
	}
	buf_printf(why, "MasterUsername = %s", u);
	if (posture_word_in(u, defaults)) {
		buf_append_str(why, " (a default name)");
		return POSTURE_FAIL;
	}
	return POSTURE_PASS;
}

/* public_snapshots / unencrypted_snapshots: a count of bad snapshots. */
static enum posture_status
posture_eval_snapshot_count(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	int public = strcmp(chk->id, "snapshots_private") == 0;
	int64_t n = public ? c->attrs->public_snapshots : c->attrs->unencrypted_snapshots;

	if (!posture_int_known(n, "snapshots", why))
		return POSTURE_UNKNOWN;
	if (n == 0) {
		buf_append_str(why, public ? "no snapshot restorable by all accounts"
		    : "no unencrypted snapshot");
		return POSTURE_PASS;
	}
	buf_printf(why, public ? "%lld snapshots restorable by all accounts (restore = all)"
	    : "%lld snapshots unencrypted", (long long)n);
	return POSTURE_FAIL;
}

static enum posture_status
posture_eval_security_groups(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	const struct m_sg_rule *open = NULL;
	size_t rules = 0, nopen = 0, unsure = 0;

	(void)chk;
	size_t n;
	const void *const *v = facts_of(c->f, M_SG_RULE, c->rec->id, &n);

	for (size_t i = 0; i < n; i++) {
		const struct m_sg_rule *r = v[i];

		rules++;
		if (r->covers_db_port == 1 && r->wide_open == 1) {
			if (open == NULL)
				open = r;
			nopen++;
		} else if (r->covers_db_port < 0 || r->wide_open < 0) {
			unsure++;
		}
	}
	if (open != NULL) {
		buf_printf(why, "%s%s%s%s allows %s to the DB port",
		    open->group_id != NULL ? open->group_id : "a group",
		    open->group_name != NULL ? " (" : "",
		    open->group_name != NULL ? open->group_name : "",
		    open->group_name != NULL ? ")" : "",
		    open->source != NULL ? open->source : "a wide range");
		if (nopen > 1)
			buf_printf(why, " (+%zu more rules)", nopen - 1);
		return POSTURE_FAIL;
	}
	if (rules == 0) {
		buf_append_str(why, c->rec->security_groups.n == 0 && c->rec->observed_at != 0
		    ? "no VPC security groups reported" : "security group rules not observed");
		return POSTURE_UNKNOWN;
	}
	if (unsure > 0) {
		buf_printf(why, "%zu of %zu ingress rules not understood", unsure, rules);
		return POSTURE_UNKNOWN;
	}
	buf_printf(why, "%zu ingress rules in %zu groups; none opens the DB port wide", rules,
	    c->rec->security_groups.n);
	return POSTURE_PASS;
}

static enum posture_status
posture_eval_master_secret(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	const struct m_instance *a = c->attrs;

	(void)chk;
	if (!posture_observed(a, why))
		return POSTURE_UNKNOWN;
	if (a->master_user_secret_arn == NULL) {
		buf_append_str(why, "MasterUserSecret not set");
		return POSTURE_FAIL;
	}
	buf_printf(why, "MasterUserSecret = %s", a->master_user_secret_arn);
	return POSTURE_PASS;
}

static enum posture_status
posture_eval_guardduty(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	const struct m_account *a = facts_account_of(c->f, c->rec);
	const char *region = c->rec->region != NULL ? c->rec->region : "the region";

	(void)chk;
	if (a == NULL) {
		buf_printf(why, "GuardDuty not observed in %s", region);
		return POSTURE_UNKNOWN;
	}
	if (a->guardduty_status != NULL && strcasecmp(a->guardduty_status, "ENABLED") != 0) {
		buf_printf(why, "GuardDuty detector %s in %s", a->guardduty_status, region);
		return POSTURE_FAIL;
	}
	if (a->guardduty_detector_id == NULL && a->guardduty_status != NULL) {
		buf_printf(why, "no GuardDuty detector in %s", region);
		return POSTURE_FAIL;
	}
	if (a->guardduty_rds_protection < 0) {
		buf_printf(why, "RDS_LOGIN_EVENTS not reported in %s", region);
		return POSTURE_UNKNOWN;
	}
	buf_printf(why, "RDS_LOGIN_EVENTS %s (detector %s)",
	    a->guardduty_rds_protection ? "enabled" : "disabled",
	    a->guardduty_detector_id != NULL ? a->guardduty_detector_id : "?");
	return a->guardduty_rds_protection ? POSTURE_PASS : POSTURE_FAIL;
}

static enum posture_status
posture_eval_public_schema(const struct posture_check *chk, const struct posture_ctx *c,
    struct buf *why)
{
	const struct m_pg_health *h = facts_pg_health(c->f, c->rec->id);

	(void)chk;
	if (h == NULL || h->public_schema_create < 0) {
		buf_append_str(why, "schema public privileges not reported (pg source)");
		return POSTURE_UNKNOWN;
	}
	buf_printf(why, "PUBLIC %s CREATE on schema public", h->public_schema_create ? "has" : "lacks");
	return h->public_schema_create ? POSTURE_FAIL : POSTURE_PASS;
}

/* ---- the table ------------------------------------------------------- */

#define TRI(field) .eval = posture_eval_tri, .tri_offset = offsetof(struct m_instance, field)
#define PARAM(name, fn) .eval = posture_eval_param, .attr = name, .judge = fn

const struct posture_check posture_checks[] = {
	{ "public_access", "RDS.2", NULL, "not publicly accessible", "critical",
	    POSTURE_INSTANCE, TRI(publicly_accessible), .attr = "PubliclyAccessible",
	    .tri_false_passes = 1 },
	{ "storage_encrypted", "RDS.3", "RDS.27", "storage encrypted", "medium",
	    POSTURE_CLUSTER, .eval = posture_eval_storage_encrypted, .attr = "StorageEncrypted",
	    .tri_offset = offsetof(struct m_instance, storage_encrypted) },
	{ "tls_enforced", "RDS.38", NULL, "TLS enforced (rds.force_ssl)", "medium",
	    POSTURE_INSTANCE, PARAM("rds.force_ssl", posture_judge_on) },
	{ "tls_min_version", NULL, NULL, "TLS 1.2 or newer", "medium",
	    POSTURE_INSTANCE, PARAM("ssl_min_protocol_version", posture_judge_tls_floor) },
	{ "ca_certificate", NULL, NULL, "server CA certificate not expiring soon", "medium",
	    POSTURE_INSTANCE, .eval = posture_eval_ca },
	{ "iam_auth", "RDS.10", "RDS.12", "IAM database authentication", "medium",
	    POSTURE_CLUSTER, TRI(iam_auth), .attr = "IAMDatabaseAuthenticationEnabled" },
	{ "backups", "RDS.11", "RDS.50", "automated backups kept long enough", "medium",
	    POSTURE_CLUSTER, .eval = posture_eval_backups },
	{ "deletion_protection", "RDS.8", "RDS.7", "deletion protection", "low",
	    POSTURE_CLUSTER, TRI(deletion_protection), .attr = "DeletionProtection" },
	{ "multi_az", "RDS.5", "RDS.15", "Multi-AZ", "medium",
	    POSTURE_CLUSTER, TRI(multi_az), .attr = "MultiAZ" },
	{ "auto_minor_upgrade", "RDS.13", "RDS.35", "automatic minor version upgrade", "high",
	    POSTURE_INSTANCE, TRI(auto_minor_upgrade), .attr = "AutoMinorVersionUpgrade" },
	{ "maintenance", NULL, NULL, "no mandatory maintenance pending", "medium",
	    POSTURE_INSTANCE, .eval = posture_eval_maintenance },
	{ "engine_minor", NULL, NULL, "engine on the newest minor version", "low",
	    POSTURE_INSTANCE, .eval = posture_eval_engine_minor },
	{ "log_exports", "RDS.36", "RDS.37", "PostgreSQL log exported to CloudWatch Logs", "medium",
	    POSTURE_CLUSTER, .eval = posture_eval_log_exports },
	{ "enhanced_monitoring", "RDS.6", NULL, "enhanced monitoring", "low",
	    POSTURE_INSTANCE, .eval = posture_eval_monitoring },
	{ "default_port", "RDS.23", NULL, "not on the default port", "low",
	    POSTURE_CLUSTER, .eval = posture_eval_port },
	{ "master_username", "RDS.25", "RDS.24", "master user not a default name", "medium",
	    POSTURE_CLUSTER, .eval = posture_eval_master_username },
	{ "snapshots_private", "RDS.1", NULL, "snapshots not public", "critical",
	    POSTURE_CLUSTER, .eval = posture_eval_snapshot_count },
	{ "snapshots_encrypted", "RDS.4", NULL, "snapshots encrypted", "medium",
	    POSTURE_CLUSTER, .eval = posture_eval_snapshot_count },
	{ "copy_tags", "RDS.17", "RDS.16", "tags copied to snapshots", "low",
	    POSTURE_CLUSTER, TRI(copy_tags_to_snapshot), .attr = "CopyTagsToSnapshot" },
	{ "security_groups", NULL, NULL, "DB port not open to the internet", "high",
	    POSTURE_INSTANCE, .eval = posture_eval_security_groups },
	{ "master_password_secret", NULL, NULL, "master password in Secrets Manager", "low",
	    POSTURE_CLUSTER, .eval = posture_eval_master_secret },
	{ "pgaudit", NULL, NULL, "pgaudit loaded", "low",
	    POSTURE_INSTANCE, PARAM("shared_preload_libraries", posture_judge_pgaudit) },
	{ "log_connections", NULL, NULL, "connections logged", "medium",
	    POSTURE_INSTANCE, PARAM("log_connections", posture_judge_on) },
	{ "log_statement", NULL, NULL, "statements with passwords not logged", "high",
	    POSTURE_INSTANCE, PARAM("log_statement", posture_judge_log_statement) },
	{ "guardduty_rds", "GuardDuty.9", NULL, "GuardDuty RDS protection", "high",
	    POSTURE_INSTANCE, .eval = posture_eval_guardduty },
	{ "public_schema_create", NULL, NULL, "no CREATE on schema public for PUBLIC", "medium",
	    POSTURE_INSTANCE, .eval = posture_eval_public_schema },
};

const size_t posture_check_count = sizeof posture_checks / sizeof posture_checks[0];

const struct posture_check *
posture_check_find(const char *id)
{
	for (size_t i = 0; i < posture_check_count; i++) {
		if (strcmp(posture_checks[i].id, id) == 0)
			return &posture_checks[i];
	}
	return NULL;
}

/* ---- running checks, Aurora aware ------------------------------------ */

static enum posture_status
posture_run_one(const struct posture_check *chk, const struct posture_ctx *c, struct buf *why)
{
	if (chk->level == POSTURE_CLUSTER && c->attrs == NULL) {
		buf_printf(why, "cluster %s not observed", c->rec->cluster_id);
		return POSTURE_UNKNOWN;
	}
	return chk->eval(chk, c, why);
}

static int
posture_rank(enum posture_status st)
{
	return st == POSTURE_FAIL ? 2 : st == POSTURE_UNKNOWN ? 1 : 0;
}

/* An instance-level check on an Aurora cluster record: the worst of its
 * members (fail, then unknown, then pass), naming the first such member.
 * A cluster with no member in the snapshot is checked on its own record. */
static enum posture_status
posture_run_members(const struct posture_check *chk, const struct posture_ctx *base,
    struct buf *why)
{
	enum posture_status worst = POSTURE_PASS;
	struct buf first = BUF_INIT;
	size_t members = 0, same = 0;

	M_VEC_EACH(&base->f->s->kinds[M_INSTANCE], const struct m_instance, m) {
		struct posture_ctx c = *base;
		struct buf one = BUF_INIT;
		enum posture_status st;

		if (!facts_is_member(m) || !facts_str_eq(m->cluster_id, base->rec->id))
			continue;
		members++;
		c.rec = m;
		c.cluster = base->rec;
		c.attrs = base->rec;
		st = posture_run_one(chk, &c, &one);
		if (posture_rank(st) > posture_rank(worst) || members == 1) {
			worst = st;
			same = 0;
			buf_reset(&first);
			buf_printf(&first, "%s: %s", m->id, buf_str(&one));
		}
		if (st == worst)
			same++;
		buf_free(&one);
	}
	if (members == 0) {
		buf_free(&first);
		return posture_run_one(chk, base, why);
	}
	if (worst == POSTURE_PASS)
		buf_printf(why, "%zu members; %s", members, buf_str(&first));
	else
		buf_append_str(why, buf_str(&first));
	if (worst != POSTURE_PASS && same > 1)
		buf_printf(why, " (+%zu more members)", same - 1);
	buf_free(&first);
	return worst;
}

enum posture_status
posture_run(const struct posture_check *chk, const struct facts *f,
    const struct rules_config *cfg, int64_t now, const struct m_instance *rec, struct buf *why)
{
	struct posture_ctx c = { f, cfg, now, rec, rec, NULL };

	if (facts_is_member(rec)) {
		c.cluster = facts_cluster_of(f, rec);
		c.attrs = c.cluster;
	}
	if (facts_is_cluster(rec) && chk->level == POSTURE_INSTANCE)
		return posture_run_members(chk, &c, why);
	return posture_run_one(chk, &c, why);
}

void
posture_evaluate(const struct facts *f, const struct rules_config *cfg, int64_t now,
    struct batch *out)
{
	struct buf why = BUF_INIT;

	M_VEC_EACH(&f->s->kinds[M_INSTANCE], const struct m_instance, rec) {
		if (rec->id == NULL)
			continue;
		for (size_t k = 0; k < posture_check_count; k++) {
			const struct posture_check *chk = &posture_checks[k];
			struct m_check *out_chk;
			enum posture_status st;
			const char *control = chk->control;

			if (rules_config_disabled(cfg, chk->id))
				continue;
			buf_reset(&why);
			st = posture_run(chk, f, cfg, now, rec, &why);
			if (facts_is_cluster(rec) && chk->cluster_control != NULL)
				control = chk->cluster_control;
			out_chk = batch_add(out, M_CHECK);
			m_str_set(&out_chk->instance, rec->id);
			m_str_set(&out_chk->check_id, chk->id);
			m_str_set(&out_chk->control, control);
			m_str_set(&out_chk->title, chk->title);
			m_str_set(&out_chk->status, posture_status_name(st));
			m_str_set(&out_chk->severity, chk->severity);
			m_str_set(&out_chk->reason, buf_str(&why));
			out_chk->evaluated_at = now;
		}
	}
	buf_free(&why);
}
