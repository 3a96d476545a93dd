#include <config.h>

#include "model/records.h"

#define M_DEFINE_RECORD(rec, FIELDS) \
	static const struct m_field m_##rec##_fields[] = { FIELDS(M_FIELD_DESC) }; \
	const struct m_type m_##rec##_type = { \
		#rec, sizeof(struct m_##rec), m_##rec##_fields, \
		sizeof m_##rec##_fields / sizeof m_##rec##_fields[0], NULL, \
	};

M_DEFINE_RECORD(account, M_ACCOUNT_FIELDS)
M_DEFINE_RECORD(instance, M_INSTANCE_FIELDS)
M_DEFINE_RECORD(parameter, M_PARAMETER_FIELDS)
M_DEFINE_RECORD(maintenance, M_MAINTENANCE_FIELDS)
M_DEFINE_RECORD(sg_rule, M_SG_RULE_FIELDS)
M_DEFINE_RECORD(event, M_EVENT_FIELDS)
M_DEFINE_RECORD(finding, M_FINDING_FIELDS)
M_DEFINE_RECORD(failed_login, M_FAILED_LOGIN_FIELDS)
M_DEFINE_RECORD(session, M_SESSION_FIELDS)
M_DEFINE_RECORD(metric, M_METRIC_FIELDS)
M_DEFINE_RECORD(pg_health, M_PG_HEALTH_FIELDS)
M_DEFINE_RECORD(xid_age, M_XID_AGE_FIELDS)
M_DEFINE_RECORD(repl_slot, M_REPL_SLOT_FIELDS)
M_DEFINE_RECORD(source_health, M_SOURCE_HEALTH_FIELDS)
M_DEFINE_RECORD(check, M_CHECK_FIELDS)
M_DEFINE_RECORD(alert, M_ALERT_FIELDS)

static const struct {
	const struct m_type *type;
	enum m_flow flow;
	const char *plural;
} m_kinds[M_KIND_COUNT] = {
	[M_ACCOUNT] = { &m_account_type, M_STATE, "accounts" },
	[M_INSTANCE] = { &m_instance_type, M_STATE, "instances" },
	[M_PARAMETER] = { &m_parameter_type, M_STATE, "parameters" },
	[M_MAINTENANCE] = { &m_maintenance_type, M_STATE, "pending_maintenance" },
	[M_SG_RULE] = { &m_sg_rule_type, M_STATE, "security_group_rules" },
	[M_EVENT] = { &m_event_type, M_APPEND, "events" },
	[M_FINDING] = { &m_finding_type, M_APPEND, "findings" },
	[M_FAILED_LOGIN] = { &m_failed_login_type, M_APPEND, "failed_logins" },
	[M_SESSION] = { &m_session_type, M_STATE, "sessions" },
	[M_METRIC] = { &m_metric_type, M_APPEND, "metrics" },
	[M_PG_HEALTH] = { &m_pg_health_type, M_STATE, "pg_health" },
	[M_XID_AGE] = { &m_xid_age_type, M_STATE, "xid_ages" },
	[M_REPL_SLOT] = { &m_repl_slot_type, M_STATE, "replication_slots" },
	[M_SOURCE_HEALTH] = { &m_source_health_type, M_STATE, "sources" },
	[M_CHECK] = { &m_check_type, M_STATE, "checks" },
	[M_ALERT] = { &m_alert_type, M_STATE, "alerts" },
};

const struct m_type *
m_kind_type(enum m_kind k)
{
	return m_kinds[k].type;
}

enum m_flow
m_kind_flow(enum m_kind k)
{
	return m_kinds[k].flow;
}

const char *
m_kind_plural(enum m_kind k)
{
	return m_kinds[k].plural;
}

enum m_kind
m_kind_of(const struct m_type *t)
{
	for (int k = 0; k < M_KIND_COUNT; k++) {
		if (m_kinds[k].type == t)
			return (enum m_kind)k;
	}
	return M_KIND_COUNT;
}
