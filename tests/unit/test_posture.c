/* Posture checks: every check passes on a well-configured instance, is
 * unknown (never a pass) when its data is missing, and fails with a
 * reason that shows the observed value; Aurora members read what lives on
 * their cluster, clusters answer for their members. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/facts.h"
#include "rules/posture.h"
#include "rules/rules.h"
#include "rules_fixture.h"

#define ID "prod-db"

static struct m_instance *
inst(struct snapshot *s)
{
	return (struct m_instance *)snapshot_instance(s, ID);
}

static void
set_param(struct snapshot *s, const char *source, const char *name, const char *value)
{
	M_VEC_EACH(&s->kinds[M_PARAMETER], struct m_parameter, p) {
		if (strcmp(p->name, name) == 0 && strcmp(p->source, source) == 0) {
			m_str_set(&p->value, value);
			return;
		}
	}
	fx_param(s, ID, source, name, value);
}

static void
drop_params(struct snapshot *s, const char *name)
{
	for (size_t i = s->kinds[M_PARAMETER].n; i-- > 0;) {
		struct m_parameter *p = m_vec_at(&s->kinds[M_PARAMETER], i);

		if (strcmp(p->name, name) == 0)
			m_vec_remove(&s->kinds[M_PARAMETER], i);
	}
}

/* ---- mutations of the good instance ---------------------------------- */

static void m_public(struct snapshot *s) { inst(s)->publicly_accessible = 1; }
static void m_public_unknown(struct snapshot *s) { inst(s)->publicly_accessible = M_TRI_UNKNOWN; }
static void m_unencrypted(struct snapshot *s) { inst(s)->storage_encrypted = 0; }
static void m_encryption_unknown(struct snapshot *s) { inst(s)->storage_encrypted = M_TRI_UNKNOWN; }
static void m_force_ssl_0(struct snapshot *s) { set_param(s, "parameter_group", "rds.force_ssl", "0"); }
static void m_force_ssl_server_off(struct snapshot *s) { set_param(s, "pg_settings", "rds.force_ssl", "off"); }
static void m_force_ssl_gone(struct snapshot *s) { drop_params(s, "rds.force_ssl"); }
static void m_force_ssl_odd(struct snapshot *s) { set_param(s, "parameter_group", "rds.force_ssl", "maybe"); }
static void m_tls_floor_low(struct snapshot *s) { set_param(s, "parameter_group", "ssl_min_protocol_version", "TLSv1.1"); }
static void m_tls_floor_gone(struct snapshot *s) { drop_params(s, "ssl_min_protocol_version"); }
static void m_ca_20d(struct snapshot *s) { inst(s)->ca_valid_till = NOW + 20 * TIME_DAY; }
static void m_ca_90d(struct snapshot *s) { inst(s)->ca_valid_till = NOW + 90 * TIME_DAY; }
static void m_ca_91d(struct snapshot *s) { inst(s)->ca_valid_till = NOW + 91 * TIME_DAY; }
static void m_ca_expired(struct snapshot *s) { inst(s)->ca_valid_till = NOW - TIME_DAY; }
static void m_ca_unknown(struct snapshot *s) { inst(s)->ca_valid_till = 0; }
static void m_iam_off(struct snapshot *s) { inst(s)->iam_auth = 0; }
static void m_iam_unknown(struct snapshot *s) { inst(s)->iam_auth = M_TRI_UNKNOWN; }
static void m_backup_off(struct snapshot *s) { inst(s)->backup_retention_days = 0; }
static void m_backup_short(struct snapshot *s) { inst(s)->backup_retention_days = 3; }
static void m_backup_one(struct snapshot *s) { inst(s)->backup_retention_days = 1; }
static void m_backup_unknown(struct snapshot *s) { inst(s)->backup_retention_days = M_INT_NONE; }
static void m_deletion_off(struct snapshot *s) { inst(s)->deletion_protection = 0; }
static void m_deletion_unknown(struct snapshot *s) { inst(s)->deletion_protection = M_TRI_UNKNOWN; }
static void m_single_az(struct snapshot *s) { inst(s)->multi_az = 0; }
static void m_az_unknown(struct snapshot *s) { inst(s)->multi_az = M_TRI_UNKNOWN; }
static void m_minor_off(struct snapshot *s) { inst(s)->auto_minor_upgrade = 0; }
static void m_minor_unknown(struct snapshot *s) { inst(s)->auto_minor_upgrade = M_TRI_UNKNOWN; }
static void m_unobserved(struct snapshot *s) { inst(s)->observed_at = 0; }

static void
m_forced_maintenance(struct snapshot *s)
{
	struct m_maintenance *m = m_vec_push(&s->kinds[M_MAINTENANCE]);

	m_str_set(&m->instance, ID);
	m_str_set(&m->action, "system-update");
	m->forced_apply_date = NOW + 7 * TIME_DAY;
}

static void
m_optional_maintenance(struct snapshot *s)
{
	struct m_maintenance *m = m_vec_push(&s->kinds[M_MAINTENANCE]);

	m_str_set(&m->action, "db-upgrade");
	m_str_set(&m->instance, ID);
}

static void m_newer_minor(struct snapshot *s) { m_list_add(&inst(s)->newer_minor_versions, "15.5"); }
static void m_version_unknown(struct snapshot *s) { free(inst(s)->engine_version); inst(s)->engine_version = NULL; }
static void m_no_exports(struct snapshot *s) { m_list_free(&inst(s)->log_exports); }

static void
m_upgrade_log_only(struct snapshot *s)
{
	m_list_free(&inst(s)->log_exports);
	m_list_add(&inst(s)->log_exports, "upgrade");
}

static void m_monitoring_off(struct snapshot *s) { inst(s)->monitoring_interval_s = 0; }
static void m_monitoring_unknown(struct snapshot *s) { inst(s)->monitoring_interval_s = M_INT_NONE; }
static void m_port_default(struct snapshot *s) { inst(s)->endpoint_port = 5432; }
static void m_port_unknown(struct snapshot *s) { inst(s)->endpoint_port = M_INT_NONE; }
static void m_user_postgres(struct snapshot *s) { m_str_set(&inst(s)->master_username, "postgres"); }
static void m_user_admin_case(struct snapshot *s) { m_str_set(&inst(s)->master_username, "Admin"); }
static void m_user_unknown(struct snapshot *s) { m_str_set(&inst(s)->master_username, NULL); }
static void m_public_snapshots(struct snapshot *s) { inst(s)->public_snapshots = 2; }
static void m_snapshots_unknown(struct snapshot *s) { inst(s)->public_snapshots = inst(s)->unencrypted_snapshots = M_INT_NONE; }
static void m_unencrypted_snapshot(struct snapshot *s) { inst(s)->unencrypted_snapshots = 1; }
static void m_no_copy_tags(struct snapshot *s) { inst(s)->copy_tags_to_snapshot = 0; }
static void m_copy_tags_unknown(struct snapshot *s) { inst(s)->copy_tags_to_snapshot = M_TRI_UNKNOWN; }
static void m_sg_wide(struct snapshot *s) { fx_sg_rule(s, ID, "0.0.0.0/0", 1); }
static void m_sg_gone(struct snapshot *s) { m_vec_clear(&s->kinds[M_SG_RULE]); }

static void
m_sg_unsure(struct snapshot *s)
{
	m_vec_clear(&s->kinds[M_SG_RULE]);
	fx_sg_rule(s, ID, "pl-123", M_TRI_UNKNOWN);
}

static void m_no_secret(struct snapshot *s) { m_str_set(&inst(s)->master_user_secret_arn, NULL); }
static void m_no_pgaudit(struct snapshot *s) { set_param(s, "parameter_group", "shared_preload_libraries", "pg_stat_statements"); }
static void m_empty_preload(struct snapshot *s) { set_param(s, "parameter_group", "shared_preload_libraries", ""); }
static void m_pgaudit_gone(struct snapshot *s) { drop_params(s, "shared_preload_libraries"); }
static void m_pgaudit_settings(struct snapshot *s) { drop_params(s, "shared_preload_libraries"); set_param(s, "pg_settings", "shared_preload_libraries", "\"pgaudit\", pg_stat_statements"); }
static void m_log_conn_off(struct snapshot *s) { set_param(s, "parameter_group", "log_connections", "0"); }
static void m_log_conn_server_off(struct snapshot *s) { set_param(s, "pg_settings", "log_connections", "off"); }
static void m_log_conn_gone(struct snapshot *s) { drop_params(s, "log_connections"); }
static void m_log_ddl(struct snapshot *s) { set_param(s, "pg_settings", "log_statement", "ddl"); }
static void m_log_all(struct snapshot *s) { set_param(s, "pg_settings", "log_statement", "all"); }
static void m_log_mod(struct snapshot *s) { set_param(s, "pg_settings", "log_statement", "mod"); }
static void m_log_statement_gone(struct snapshot *s) { drop_params(s, "log_statement"); }
static void m_gd_off(struct snapshot *s) { ((struct m_account *)s->kinds[M_ACCOUNT].items)->guardduty_rds_protection = 0; }
static void m_gd_unknown(struct snapshot *s) { ((struct m_account *)s->kinds[M_ACCOUNT].items)->guardduty_rds_protection = M_TRI_UNKNOWN; }
static void m_gd_disabled(struct snapshot *s) { m_str_set(&((struct m_account *)s->kinds[M_ACCOUNT].items)->guardduty_status, "DISABLED"); }
static void m_gd_gone(struct snapshot *s) { m_vec_clear(&s->kinds[M_ACCOUNT]); }
static void m_gd_other_region(struct snapshot *s) { m_str_set(&inst(s)->region, "eu-west-1"); }
static void m_public_schema(struct snapshot *s) { ((struct m_pg_health *)s->kinds[M_PG_HEALTH].items)->public_schema_create = 1; }
static void m_pg_gone(struct snapshot *s) { m_vec_clear(&s->kinds[M_PG_HEALTH]); }

struct posture_case {
	const char *check;
	void (*mutate)(struct snapshot *);
	enum posture_status want;
	const char *reason;	/* the whole reason, or a part of it after '~' */
};

static const struct posture_case cases[] = {
	{ "public_access", m_public, POSTURE_FAIL, "PubliclyAccessible = true" },
	{ "public_access", m_public_unknown, POSTURE_UNKNOWN, "PubliclyAccessible not reported" },
	{ "public_access", NULL, POSTURE_PASS, "PubliclyAccessible = false" },
	{ "storage_encrypted", m_unencrypted, POSTURE_FAIL, "StorageEncrypted = false" },
	{ "storage_encrypted", m_encryption_unknown, POSTURE_UNKNOWN, "StorageEncrypted not reported" },
	{ "storage_encrypted", NULL, POSTURE_PASS, "StorageEncrypted = true (KMS key k-1234)" },
	{ "tls_enforced", m_force_ssl_0, POSTURE_FAIL, "rds.force_ssl = 0 (parameter group prod-pg15)" },
	{ "tls_enforced", m_force_ssl_server_off, POSTURE_FAIL, "rds.force_ssl = off (pg_settings)" },
	{ "tls_enforced", m_force_ssl_gone, POSTURE_UNKNOWN, "rds.force_ssl not reported" },
	{ "tls_enforced", m_force_ssl_odd, POSTURE_UNKNOWN, "rds.force_ssl = maybe (parameter group prod-pg15): value not understood" },
	{ "tls_enforced", NULL, POSTURE_PASS, "rds.force_ssl = 1 (parameter group prod-pg15)" },
	{ "tls_min_version", m_tls_floor_low, POSTURE_FAIL, "ssl_min_protocol_version = TLSv1.1 (parameter group prod-pg15)" },
	{ "tls_min_version", m_tls_floor_gone, POSTURE_UNKNOWN, "ssl_min_protocol_version not reported" },
	{ "ca_certificate", m_ca_20d, POSTURE_FAIL, "CA rds-ca-rsa2048-g1 expires 2026-12-12 (20 days)" },
	{ "ca_certificate", m_ca_90d, POSTURE_FAIL, "CA rds-ca-rsa2048-g1 expires 2027-02-20 (90 days)" },
	{ "ca_certificate", m_ca_91d, POSTURE_PASS, "CA rds-ca-rsa2048-g1 valid till 2027-02-21 (91 days)" },
	{ "ca_certificate", m_ca_expired, POSTURE_FAIL, "CA rds-ca-rsa2048-g1 expired 2026-11-21" },
	{ "ca_certificate", m_ca_unknown, POSTURE_UNKNOWN, "CA rds-ca-rsa2048-g1: expiry not reported" },
	{ "iam_auth", m_iam_off, POSTURE_FAIL, "IAMDatabaseAuthenticationEnabled = false" },
	{ "iam_auth", m_iam_unknown, POSTURE_UNKNOWN, "IAMDatabaseAuthenticationEnabled not reported" },
	{ "backups", m_backup_off, POSTURE_FAIL, "BackupRetentionPeriod = 0 (automated backups off)" },
	{ "backups", m_backup_short, POSTURE_FAIL, "BackupRetentionPeriod = 3 days (< 7)" },
	{ "backups", m_backup_one, POSTURE_FAIL, "BackupRetentionPeriod = 1 day (< 7)" },
	{ "backups", m_backup_unknown, POSTURE_UNKNOWN, "BackupRetentionPeriod not reported" },
	{ "backups", NULL, POSTURE_PASS, "BackupRetentionPeriod = 7 days" },
	{ "deletion_protection", m_deletion_off, POSTURE_FAIL, "DeletionProtection = false" },
	{ "deletion_protection", m_deletion_unknown, POSTURE_UNKNOWN, "DeletionProtection not reported" },
	{ "multi_az", m_single_az, POSTURE_FAIL, "MultiAZ = false" },
	{ "multi_az", m_az_unknown, POSTURE_UNKNOWN, "MultiAZ not reported" },
	{ "auto_minor_upgrade", m_minor_off, POSTURE_FAIL, "AutoMinorVersionUpgrade = false" },
	{ "auto_minor_upgrade", m_minor_unknown, POSTURE_UNKNOWN, "AutoMinorVersionUpgrade not reported" },
	{ "maintenance", m_forced_maintenance, POSTURE_FAIL, "system-update forced on 2026-11-29" },
	{ "maintenance", m_optional_maintenance, POSTURE_PASS, "no mandatory maintenance pending (1 optional)" },
	{ "maintenance", m_unobserved, POSTURE_UNKNOWN, "prod-db not observed by the rds source" },
	{ "engine_minor", m_newer_minor, POSTURE_FAIL, "postgres 15.4; newer: 15.5" },
	{ "engine_minor", m_version_unknown, POSTURE_UNKNOWN, "EngineVersion not reported" },
	{ "engine_minor", m_unobserved, POSTURE_UNKNOWN, "prod-db not observed by the rds source" },
	{ "engine_minor", NULL, POSTURE_PASS, "postgres 15.4 is the newest minor" },
	{ "log_exports", m_no_exports, POSTURE_FAIL, "EnabledCloudwatchLogsExports = (none)" },
	{ "log_exports", m_upgrade_log_only, POSTURE_FAIL, "EnabledCloudwatchLogsExports = upgrade" },
	{ "log_exports", m_unobserved, POSTURE_UNKNOWN, "prod-db not observed by the rds source" },
	{ "log_exports", NULL, POSTURE_PASS, "EnabledCloudwatchLogsExports = postgresql, upgrade" },
	{ "enhanced_monitoring", m_monitoring_off, POSTURE_FAIL, "MonitoringInterval = 0" },
	{ "enhanced_monitoring", m_monitoring_unknown, POSTURE_UNKNOWN, "MonitoringInterval not reported" },
	{ "enhanced_monitoring", NULL, POSTURE_PASS, "MonitoringInterval = 60 s" },
	{ "default_port", m_port_default, POSTURE_FAIL, "Endpoint.Port = 5432 (the default)" },
	{ "default_port", m_port_unknown, POSTURE_UNKNOWN, "Endpoint.Port not reported" },
	{ "default_port", NULL, POSTURE_PASS, "Endpoint.Port = 6432" },
	{ "master_username", m_user_postgres, POSTURE_FAIL, "MasterUsername = postgres (a default name)" },
	{ "master_username", m_user_admin_case, POSTURE_FAIL, "MasterUsername = Admin (a default name)" },
	{ "master_username", m_user_unknown, POSTURE_UNKNOWN, "MasterUsername not reported" },
	{ "snapshots_private", m_public_snapshots, POSTURE_FAIL, "2 snapshots restorable by all accounts (restore = all)" },
	{ "snapshots_private", m_snapshots_unknown, POSTURE_UNKNOWN, "snapshots not reported" },
	{ "snapshots_encrypted", m_unencrypted_snapshot, POSTURE_FAIL, "1 snapshots unencrypted" },
	{ "snapshots_encrypted", m_snapshots_unknown, POSTURE_UNKNOWN, "snapshots not reported" },
	{ "copy_tags", m_no_copy_tags, POSTURE_FAIL, "CopyTagsToSnapshot = false" },
	{ "copy_tags", m_copy_tags_unknown, POSTURE_UNKNOWN, "CopyTagsToSnapshot not reported" },
	{ "security_groups", m_sg_wide, POSTURE_FAIL, "sg-1 (db) allows 0.0.0.0/0 to the DB port" },
	{ "security_groups", m_sg_gone, POSTURE_UNKNOWN, "security group rules not observed" },
	{ "security_groups", m_sg_unsure, POSTURE_UNKNOWN, "1 of 1 ingress rules not understood" },
	{ "security_groups", NULL, POSTURE_PASS, "1 ingress rules in 1 groups; none opens the DB port wide" },
	{ "master_password_secret", m_no_secret, POSTURE_FAIL, "MasterUserSecret not set" },
	{ "master_password_secret", m_unobserved, POSTURE_UNKNOWN, "prod-db not observed by the rds source" },
	{ "pgaudit", m_no_pgaudit, POSTURE_FAIL, "shared_preload_libraries = pg_stat_statements (parameter group prod-pg15)" },
	{ "pgaudit", m_empty_preload, POSTURE_FAIL, "shared_preload_libraries = '' (parameter group prod-pg15)" },
	{ "pgaudit", m_pgaudit_gone, POSTURE_UNKNOWN, "shared_preload_libraries not reported" },
	{ "pgaudit", m_pgaudit_settings, POSTURE_PASS, "shared_preload_libraries = \"pgaudit\", pg_stat_statements (pg_settings)" },
	{ "log_connections", m_log_conn_off, POSTURE_FAIL, "log_connections = 0 (parameter group prod-pg15)" },
	{ "log_connections", m_log_conn_server_off, POSTURE_FAIL, "log_connections = off (pg_settings)" },
	{ "log_connections", m_log_conn_gone, POSTURE_UNKNOWN, "log_connections not reported" },
	{ "log_statement", m_log_ddl, POSTURE_FAIL, "log_statement = ddl (pg_settings)" },
	{ "log_statement", m_log_all, POSTURE_FAIL, "log_statement = all (pg_settings)" },
	{ "log_statement", m_log_mod, POSTURE_FAIL, "log_statement = mod (pg_settings)" },
	{ "log_statement", m_log_statement_gone, POSTURE_UNKNOWN, "log_statement not reported" },
	{ "log_statement", NULL, POSTURE_PASS, "log_statement = none (pg_settings)" },
	{ "guardduty_rds", m_gd_off, POSTURE_FAIL, "RDS_LOGIN_EVENTS disabled (detector det-1)" },
	{ "guardduty_rds", m_gd_disabled, POSTURE_FAIL, "GuardDuty detector DISABLED in us-east-1" },
	{ "guardduty_rds", m_gd_unknown, POSTURE_UNKNOWN, "RDS_LOGIN_EVENTS not reported in us-east-1" },
	{ "guardduty_rds", m_gd_gone, POSTURE_UNKNOWN, "GuardDuty not observed in us-east-1" },
	{ "guardduty_rds", m_gd_other_region, POSTURE_UNKNOWN, "GuardDuty not observed in eu-west-1" },
	{ "guardduty_rds", NULL, POSTURE_PASS, "RDS_LOGIN_EVENTS enabled (detector det-1)" },
	{ "public_schema_create", m_public_schema, POSTURE_FAIL, "PUBLIC has CREATE on schema public" },
	{ "public_schema_create", m_pg_gone, POSTURE_UNKNOWN, "schema public privileges not reported (pg source)" },
	{ "public_schema_create", NULL, POSTURE_PASS, "PUBLIC lacks CREATE on schema public" },
};

static void
test_posture_cases(void **state)
{
	struct rules_config cfg;

	(void)state;
	rules_config_init(&cfg);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct posture_check *chk = posture_check_find(cases[i].check);
		struct snapshot s;
		struct buf why = BUF_INIT;
		enum posture_status st;

		snapshot_init(&s, NOW, 1);
		fx_good_instance(&s, ID);
		assert_non_null(chk);
		if (cases[i].mutate != NULL)
			cases[i].mutate(&s);
		{
			struct facts f;

			facts_init(&f, &s);
			st = posture_run(chk, &f, &cfg, NOW, inst(&s), &why);
			facts_free(&f);
		}
		if (st != cases[i].want || strcmp(buf_str(&why), cases[i].reason) != 0)
			fail_msg("case %zu %s: got %s \"%s\", want %s \"%s\"", i, cases[i].check,
			    posture_status_name(st), buf_str(&why), posture_status_name(cases[i].want),
			    cases[i].reason);
		buf_free(&why);
		snapshot_free(&s);
	}
	rules_config_free(&cfg);
}

/* Every check in the table has a failing and an unknown case above. */
static void
test_posture_cases_cover_every_check(void **state)
{
	(void)state;
	for (size_t k = 0; k < posture_check_count; k++) {
		int fail = 0, unknown = 0;

		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			if (strcmp(cases[i].check, posture_checks[k].id) != 0)
				continue;
			fail |= cases[i].want == POSTURE_FAIL;
			unknown |= cases[i].want == POSTURE_UNKNOWN;
		}
		if (!fail || !unknown)
			fail_msg("check %s lacks a %s case", posture_checks[k].id, fail ? "unknown" : "fail");
	}
}

/* posture_evaluate over S, as rules_evaluate calls it. */
static void
evaluate(struct snapshot *s, const struct rules_config *cfg, struct batch *b)
{
	struct facts f;

	facts_init(&f, s);
	posture_evaluate(&f, cfg, NOW, b);
	facts_free(&f);
}

static size_t
count_status(const struct batch *b, const char *status)
{
	size_t n = 0;

	M_VEC_EACH(&b->kinds[M_CHECK], const struct m_check, c)
		n += strcmp(c->status, status) == 0;
	return n;
}

static void
test_posture_good_instance_passes_everything(void **state)
{
	struct rules_config cfg;
	struct snapshot s;
	struct batch *b = batch_new("rules", NOW);

	(void)state;
	rules_config_init(&cfg);
	snapshot_init(&s, NOW, 1);
	fx_good_instance(&s, ID);
	evaluate(&s, &cfg, b);
	assert_int_equal(b->kinds[M_CHECK].n, posture_check_count);
	M_VEC_EACH(&b->kinds[M_CHECK], const struct m_check, c) {
		if (strcmp(c->status, "pass") != 0)
			fail_msg("%s: %s (%s)", c->check_id, c->status, c->reason);
		assert_string_equal(c->instance, ID);
		assert_int_equal(c->evaluated_at, NOW);
		assert_non_null(c->severity);
		assert_non_null(c->title);
	}
	batch_free(b);
	snapshot_free(&s);
	rules_config_free(&cfg);
}

/* An instance the rds source has not described: nothing passes. */
static void
test_posture_missing_data_is_unknown(void **state)
{
	struct rules_config cfg;
	struct snapshot s;
	struct batch *b = batch_new("rules", NOW);
	struct m_instance *i;

	(void)state;
	rules_config_init(&cfg);
	snapshot_init(&s, NOW, 1);
	i = m_vec_push(&s.kinds[M_INSTANCE]);
	m_str_set(&i->id, ID);
	evaluate(&s, &cfg, b);
	assert_int_equal(b->kinds[M_CHECK].n, posture_check_count);
	assert_int_equal(count_status(b, "unknown"), posture_check_count);
	batch_free(b);
	snapshot_free(&s);
	rules_config_free(&cfg);
}

static void
test_posture_controls_and_disable(void **state)
{
	struct rules_config cfg;
	struct snapshot s;
	struct batch *b = batch_new("rules", NOW);
	struct m_instance *c;

	(void)state;
	rules_config_init(&cfg);
	m_list_add(&cfg.disabled, "copy_tags");
	snapshot_init(&s, NOW, 1);
	fx_good_instance(&s, ID);
	c = fx_instance(&s, "prod-aurora");
	m_str_set(&c->kind, "cluster");
	m_str_set(&c->engine, "aurora-postgresql");
	evaluate(&s, &cfg, b);
	assert_int_equal(b->kinds[M_CHECK].n, 2 * (posture_check_count - 1));
	M_VEC_EACH(&b->kinds[M_CHECK], const struct m_check, k) {
		assert_string_not_equal(k->check_id, "copy_tags");
		if (strcmp(k->check_id, "storage_encrypted") == 0)
			assert_string_equal(k->control, strcmp(k->instance, ID) == 0 ? "RDS.3" : "RDS.27");
		if (strcmp(k->check_id, "public_access") == 0)
			assert_string_equal(k->control, "RDS.2");
		if (strcmp(k->check_id, "tls_min_version") == 0)
			assert_null(k->control);
	}
	batch_free(b);
	snapshot_free(&s);
	rules_config_free(&cfg);
}

/* ---- Aurora ----------------------------------------------------------- */

static void
aurora(struct snapshot *s, int members)
{
	struct m_instance *c = fx_good_instance(s, "prod-aurora");
	static const char *const ids[] = { "prod-aurora-1", "prod-aurora-2" };

	m_str_set(&c->kind, "cluster");
	m_str_set(&c->engine, "aurora-postgresql");
	m_str_set(&c->role, "cluster");
	m_str_set(&c->parameter_group, "prod-apg15-cluster");
	/* What DescribeDBClusters does not say about a cluster. */
	c->publicly_accessible = M_TRI_UNKNOWN;
	c->monitoring_interval_s = M_INT_NONE;
	for (int k = 0; k < members; k++) {
		struct m_instance *m = fx_good_instance(s, ids[k]);

		m_str_set(&m->engine, "aurora-postgresql");
		m_str_set(&m->cluster_id, "prod-aurora");
		m_str_set(&m->role, k == 0 ? "writer" : "reader");
		m_str_set(&m->parameter_group, "prod-apg15");
		/* Cluster-level attributes an Aurora instance does not carry. */
		m->storage_encrypted = M_TRI_UNKNOWN;
		m->iam_auth = M_TRI_UNKNOWN;
		m->backup_retention_days = M_INT_NONE;
		m->deletion_protection = 0;	/* DescribeDBInstances says false */
		m_str_set(&m->master_username, NULL);
		m_str_set(&m->master_user_secret_arn, NULL);
	}
	/* rds.force_ssl lives in the cluster parameter group. */
	drop_params(s, "rds.force_ssl");
	fx_param(s, "prod-aurora", "parameter_group", "rds.force_ssl", "1");
}

static enum posture_status
run(struct snapshot *s, const char *check, const char *id, char *why, size_t len)
{
	struct rules_config cfg;
	struct buf b = BUF_INIT;
	enum posture_status st;
	struct facts f;

	rules_config_init(&cfg);
	facts_init(&f, s);
	st = posture_run(posture_check_find(check), &f, &cfg, NOW, snapshot_instance(s, id), &b);
	facts_free(&f);
	snprintf(why, len, "%s", buf_str(&b));
	buf_free(&b);
	rules_config_free(&cfg);
	return st;
}

static void
test_posture_aurora_member_reads_cluster(void **state)
{
	struct snapshot s;
	char why[256];

	(void)state;
	snapshot_init(&s, NOW, 1);
	aurora(&s, 2);
	assert_int_equal(run(&s, "storage_encrypted", "prod-aurora-1", why, sizeof why), POSTURE_PASS);
	assert_int_equal(run(&s, "deletion_protection", "prod-aurora-1", why, sizeof why), POSTURE_PASS);
	assert_int_equal(run(&s, "master_password_secret", "prod-aurora-2", why, sizeof why), POSTURE_PASS);
	assert_int_equal(run(&s, "tls_enforced", "prod-aurora-1", why, sizeof why), POSTURE_PASS);
	assert_string_equal(why, "rds.force_ssl = 1 (cluster parameter group prod-apg15-cluster)");

	/* The cluster changes: its members follow. */
	((struct m_instance *)snapshot_instance(&s, "prod-aurora"))->iam_auth = 0;
	assert_int_equal(run(&s, "iam_auth", "prod-aurora-2", why, sizeof why), POSTURE_FAIL);
	assert_string_equal(why, "IAMDatabaseAuthenticationEnabled = false");
	set_param(&s, "parameter_group", "rds.force_ssl", "0");
	assert_int_equal(run(&s, "tls_enforced", "prod-aurora-1", why, sizeof why), POSTURE_FAIL);
	assert_string_equal(why, "rds.force_ssl = 0 (cluster parameter group prod-apg15-cluster)");

	/* Without its cluster record a member cannot know. */
	for (size_t i = 0; i < s.kinds[M_INSTANCE].n; i++) {
		if (strcmp(((struct m_instance *)m_vec_at(&s.kinds[M_INSTANCE], i))->id, "prod-aurora") == 0)
			m_vec_remove(&s.kinds[M_INSTANCE], i);
	}
	assert_int_equal(run(&s, "storage_encrypted", "prod-aurora-1", why, sizeof why), POSTURE_UNKNOWN);
	assert_string_equal(why, "cluster prod-aurora not observed");
	/* Instance-level checks still read the member itself. */
	assert_int_equal(run(&s, "public_access", "prod-aurora-1", why, sizeof why), POSTURE_PASS);
	snapshot_free(&s);
}

static void
test_posture_aurora_cluster_answers_for_members(void **state)
{
	struct snapshot s;
	char why[256];

	(void)state;
	snapshot_init(&s, NOW, 1);
	aurora(&s, 2);
	assert_int_equal(run(&s, "public_access", "prod-aurora", why, sizeof why), POSTURE_PASS);
	assert_string_equal(why, "2 members; prod-aurora-1: PubliclyAccessible = false");
	assert_int_equal(run(&s, "enhanced_monitoring", "prod-aurora", why, sizeof why), POSTURE_PASS);

	((struct m_instance *)snapshot_instance(&s, "prod-aurora-2"))->monitoring_interval_s = M_INT_NONE;
	assert_int_equal(run(&s, "enhanced_monitoring", "prod-aurora", why, sizeof why), POSTURE_UNKNOWN);
	assert_string_equal(why, "prod-aurora-2: MonitoringInterval not reported");

	((struct m_instance *)snapshot_instance(&s, "prod-aurora-2"))->publicly_accessible = 1;
	assert_int_equal(run(&s, "public_access", "prod-aurora", why, sizeof why), POSTURE_FAIL);
	assert_string_equal(why, "prod-aurora-2: PubliclyAccessible = true");
	((struct m_instance *)snapshot_instance(&s, "prod-aurora-1"))->publicly_accessible = 1;
	assert_int_equal(run(&s, "public_access", "prod-aurora", why, sizeof why), POSTURE_FAIL);
	assert_string_equal(why, "prod-aurora-1: PubliclyAccessible = true (+1 more members)");

	/* Cluster-level checks read the cluster record itself. */
	assert_int_equal(run(&s, "storage_encrypted", "prod-aurora", why, sizeof why), POSTURE_PASS);
	snapshot_free(&s);

	/* A cluster whose members are not in the snapshot: its own record. */
	snapshot_init(&s, NOW, 1);
	aurora(&s, 0);
	assert_int_equal(run(&s, "public_access", "prod-aurora", why, sizeof why), POSTURE_UNKNOWN);
	assert_string_equal(why, "PubliclyAccessible not reported");
	snapshot_free(&s);
}

/* A parameter group that enforces TLS does not help while the running
 * server does not (pending reboot): the worst source speaks. */
static void
test_posture_parameter_worst_source(void **state)
{
	struct snapshot s;
	char why[256];

	(void)state;
	snapshot_init(&s, NOW, 1);
	fx_good_instance(&s, ID);
	fx_param(&s, ID, "pg_settings", "rds.force_ssl", "off");
	assert_int_equal(run(&s, "tls_enforced", ID, why, sizeof why), POSTURE_FAIL);
	assert_string_equal(why, "rds.force_ssl = off (pg_settings)");
	set_param(&s, "pg_settings", "rds.force_ssl", "on");
	assert_int_equal(run(&s, "tls_enforced", ID, why, sizeof why), POSTURE_PASS);
	/* A parameter without a value (an engine default RDS did not spell
	 * out) is not evidence. */
	drop_params(&s, "rds.force_ssl");
	fx_param(&s, ID, "parameter_group", "rds.force_ssl", NULL);
	assert_int_equal(run(&s, "tls_enforced", ID, why, sizeof why), POSTURE_UNKNOWN);
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_posture_cases),
		cmocka_unit_test(test_posture_cases_cover_every_check),
		cmocka_unit_test(test_posture_good_instance_passes_everything),
		cmocka_unit_test(test_posture_missing_data_is_unknown),
		cmocka_unit_test(test_posture_controls_and_disable),
		cmocka_unit_test(test_posture_aurora_member_reads_cluster),
		cmocka_unit_test(test_posture_aurora_cluster_answers_for_members),
		cmocka_unit_test(test_posture_parameter_worst_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
