#include <config.h>

#include <errno.h>
#include <string.h>

#include "core/buf.h"
#include "export/export.h"

const struct export_type export_types[] = {
	{ "event", STORE_ITEM_FACT, M_EVENT, &m_event_type },
	{ "finding", STORE_ITEM_FACT, M_FINDING, &m_finding_type },
	{ "failed_login", STORE_ITEM_FACT, M_FAILED_LOGIN, &m_failed_login_type },
	{ "metric", STORE_ITEM_FACT, M_METRIC, &m_metric_type },
	{ "metric_5m", STORE_ITEM_AGGREGATE, M_METRIC, &m_metric_type },
	{ "alert_event", STORE_ITEM_ALERT_EVENT, M_KIND_COUNT, &m_alert_event_type },
	{ "alert", STORE_ITEM_VERSION, M_ALERT, &m_alert_type },
	{ "check", STORE_ITEM_VERSION, M_CHECK, &m_check_type },
	{ "session", STORE_ITEM_VERSION, M_SESSION, &m_session_type },
	{ "source_health", STORE_ITEM_VERSION, M_SOURCE_HEALTH, &m_source_health_type },
	{ "instance", STORE_ITEM_VERSION, M_INSTANCE, &m_instance_type },
	{ "account", STORE_ITEM_VERSION, M_ACCOUNT, &m_account_type },
	{ "parameter", STORE_ITEM_VERSION, M_PARAMETER, &m_parameter_type },
	{ "maintenance", STORE_ITEM_VERSION, M_MAINTENANCE, &m_maintenance_type },
	{ "sg_rule", STORE_ITEM_VERSION, M_SG_RULE, &m_sg_rule_type },
	{ "pg_health", STORE_ITEM_VERSION, M_PG_HEALTH, &m_pg_health_type },
	{ "xid_age", STORE_ITEM_VERSION, M_XID_AGE, &m_xid_age_type },
	{ "repl_slot", STORE_ITEM_VERSION, M_REPL_SLOT, &m_repl_slot_type },
};
const size_t export_ntypes = sizeof export_types / sizeof export_types[0];

const struct export_type *
export_type_find(const char *name)
{
	for (size_t i = 0; i < export_ntypes; i++) {
		if (strcmp(export_types[i].name, name) == 0)
			return &export_types[i];
	}
	return NULL;
}

const char *
export_type_names(void)
{
	static char names[512];

	if (names[0] == '\0') {
		for (size_t i = 0; i < export_ntypes; i++) {
			if (i > 0)
				strcat(names, ", ");
			strcat(names, export_types[i].name);
		}
	}
	return names;
}

int
export_each(struct store *st, const struct export_type *t, const struct store_query *q,
    store_item_fn fn, void *ctx, struct rw_error *err)
{
	switch (t->what) {
	case STORE_ITEM_FACT:
		return store_history_facts(st, t->kind, q, fn, ctx, err);
	case STORE_ITEM_AGGREGATE:
		return store_history_aggregates(st, q, fn, ctx, err);
	case STORE_ITEM_VERSION:
		return store_history_versions(st, t->kind, q, fn, ctx, err);
	case STORE_ITEM_ALERT_EVENT:
		return store_history_alert_events(st, q, fn, ctx, err);
	}
	return -1;
}

int
export_flush(FILE *out, struct buf *b, struct rw_error *err)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, out) != b->len) {
		err_set(err, ERR_INTERNAL, "export", "write", "%s", strerror(errno));
		return -1;
	}
	buf_reset(b);
	return 0;
}
