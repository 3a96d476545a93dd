/* The `once` JSON document. Keys are the model's field names (records.h:
 * snake_case, never renamed), so a record's fields appear under the
 * names history and exports use; what is built here is the nesting and a
 * few derived views (backup, certificate, security groups). Strings are
 * sanitized in the model; cJSON escapes the rest. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "rules/facts.h"
#include "rules/rules.h"
#include "view/report.h"

static cJSON *
report_json_time(int64_t ms)
{
	char buf[32];

	if (ms == 0)
		return cJSON_CreateNull();
	return cJSON_CreateString(ms % 1000 == 0 ? time_format_iso8601(ms, buf, sizeof buf)
	    : time_format_iso8601_ms(ms, buf, sizeof buf));
}

static cJSON *
report_json_int(int64_t v)
{
	return v == M_INT_NONE ? cJSON_CreateNull() : cJSON_CreateNumber((double)v);
}

static cJSON *
report_json_tri(int v)
{
	return v < 0 ? cJSON_CreateNull() : cJSON_CreateBool(v);
}

static cJSON *
report_json_str(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* A record without its instance field (the enclosing object says it). */
static cJSON *
report_json_record(enum m_kind kind, const void *rec)
{
	cJSON *o = m_to_json(m_kind_type(kind), rec);

	if (kind != M_INSTANCE)
		cJSON_DeleteItemFromObjectCaseSensitive(o, "instance");
	return o;
}

static int
report_cmp_session(const void *a, const void *b)
{
	const struct m_session *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
report_cmp_time(const void *a, const void *b, enum m_kind kind)
{
	int64_t x = snapshot_fact_time(kind, a), y = snapshot_fact_time(kind, b);

	return (x > y) - (x < y);
}

static int
report_cmp_event(const void *a, const void *b)
{
	return report_cmp_time(a, b, M_EVENT);
}

static int
report_cmp_failed_login(const void *a, const void *b)
{
	return report_cmp_time(a, b, M_FAILED_LOGIN);
}

static int
report_cmp_finding(const void *a, const void *b)
{
	return report_cmp_time(a, b, M_FINDING);
}

/* Records of KIND for INSTANCE as an array, each through FIX (or as is). */
static cJSON *
report_json_list(const struct facts *fx, enum m_kind kind, const char *instance,
    int (*cmp)(const void *, const void *), void (*fix)(cJSON *, const void *))
{
	size_t n;
	const void **v = facts_collect(fx, kind, instance, cmp, &n);
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		cJSON *o = report_json_record(kind, v[i]);

		if (fix != NULL)
			fix(o, v[i]);
		cJSON_AddItemToArray(arr, o);
	}
	free(v);
	return arr;
}

/* blocked_by as numbers, as scripts compare pids. */
static void
report_json_fix_session(cJSON *o, const void *rec)
{
	const struct m_session *x = rec;
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < x->blocked_by.n; i++) {
		char *end;
		long long pid = strtoll(x->blocked_by.v[i], &end, 10);

		cJSON_AddItemToArray(arr, *end == '\0' && end != x->blocked_by.v[i]
		    ? cJSON_CreateNumber((double)pid) : cJSON_CreateString(x->blocked_by.v[i]));
	}
	cJSON_ReplaceItemInObjectCaseSensitive(o, "blocked_by", arr);
}

static int
report_cmp_metric_name(const void *a, const void *b)
{
	const struct m_metric *x = *(const struct m_metric *const *)a;
	const struct m_metric *y = *(const struct m_metric *const *)b;

	return strcmp(x->name != NULL ? x->name : "", y->name != NULL ? y->name : "");
}

/* The newest sample of each metric, by name. */
static cJSON *
report_json_metrics(const struct facts *fx, const char *instance)
{
	size_t n, nl = 0;
	const void *const *v = facts_of(fx, M_METRIC, instance, &n);
	const struct m_metric **latest = xcalloc(n + 1, sizeof *latest);
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		const struct m_metric *m = v[i];
		size_t k;

		for (k = 0; k < nl && !facts_str_eq(latest[k]->name, m->name); k++)
			;
		if (k == nl)
			latest[nl++] = m;
		else if (m->time > latest[k]->time)
			latest[k] = m;
	}
	qsort(latest, nl, sizeof *latest, report_cmp_metric_name);
	for (size_t k = 0; k < nl; k++)
		cJSON_AddItemToArray(arr, report_json_record(M_METRIC, latest[k]));
	free(latest);
	return arr;
}

static cJSON *
report_json_backup(const struct facts *fx, const struct m_instance *i)
{
	const struct m_instance *a = facts_is_member(i) ? facts_cluster_of(fx, i) : i;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "from", report_json_str(a != NULL ? a->id : NULL));
	if (a == NULL)
		a = i;
	cJSON_AddItemToObject(o, "enabled", a->backup_retention_days == M_INT_NONE
	    ? cJSON_CreateNull() : cJSON_CreateBool(a->backup_retention_days > 0));
	cJSON_AddItemToObject(o, "retention_days", report_json_int(a->backup_retention_days));
	cJSON_AddItemToObject(o, "latest_restorable_time", report_json_time(a->latest_restorable_time));
	cJSON_AddItemToObject(o, "restore_lag_s", a->latest_restorable_time == 0 ? cJSON_CreateNull()
	    : cJSON_CreateNumber((double)((fx->s->at - a->latest_restorable_time) / TIME_SEC)));
	cJSON_AddItemToObject(o, "window", report_json_str(a->backup_window));
	cJSON_AddItemToObject(o, "newest_automated_snapshot", report_json_time(a->newest_automated_snapshot));
	cJSON_AddItemToObject(o, "newest_manual_snapshot", report_json_time(a->newest_manual_snapshot));
	cJSON_AddItemToObject(o, "public_snapshots", report_json_int(a->public_snapshots));
	cJSON_AddItemToObject(o, "unencrypted_snapshots", report_json_int(a->unencrypted_snapshots));
	return o;
}

static cJSON *
report_json_certificate(const struct facts *fx, const struct m_instance *i)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "ca_certificate_id", report_json_str(i->ca_certificate_id));
	cJSON_AddItemToObject(o, "valid_till", report_json_time(i->ca_valid_till));
	cJSON_AddItemToObject(o, "days_left", i->ca_valid_till == 0 ? cJSON_CreateNull()
	    : cJSON_CreateNumber((double)((i->ca_valid_till - fx->s->at) / TIME_DAY)));
	return o;
}

/* Each attached group with its ingress rules; groups without observed
 * rules are listed with an empty "rules". */
static cJSON *
report_json_security_groups(const struct facts *fx, const struct m_instance *i,
    const char *instance)
{
	size_t n;
	const void **v = facts_collect(fx, M_SG_RULE, instance, NULL, &n);
	struct m_list groups = { NULL, 0 };
	cJSON *arr = cJSON_CreateArray();

	if (i != NULL) {
		for (size_t g = 0; g < i->security_groups.n; g++)
			m_list_add(&groups, i->security_groups.v[g]);
	}
	for (size_t r = 0; r < n; r++) {
		const struct m_sg_rule *x = v[r];

		if (x->group_id != NULL && !m_list_contains(&groups, x->group_id))
			m_list_add(&groups, x->group_id);
	}
	for (size_t g = 0; g < groups.n; g++) {
		cJSON *o = cJSON_CreateObject(), *rules = cJSON_CreateArray();
		const char *name = NULL;

		for (size_t r = 0; r < n; r++) {
			const struct m_sg_rule *x = v[r];
			cJSON *ro;

			if (!facts_str_eq(x->group_id, groups.v[g]))
				continue;
			if (name == NULL)
				name = x->group_name;
			ro = report_json_record(M_SG_RULE, x);
			cJSON_DeleteItemFromObjectCaseSensitive(ro, "group_id");
			cJSON_DeleteItemFromObjectCaseSensitive(ro, "group_name");
			cJSON_AddItemToArray(rules, ro);
		}
		cJSON_AddItemToObject(o, "group_id", cJSON_CreateString(groups.v[g]));
		cJSON_AddItemToObject(o, "group_name", report_json_str(name));
		cJSON_AddItemToObject(o, "rules", rules);
		cJSON_AddItemToArray(arr, o);
	}
	m_list_free(&groups);
	free(v);
	return arr;
}

static cJSON *
report_json_instance(const struct facts *fx, const char *id)
{
	const struct m_instance *i = snapshot_instance(fx->s, id);
	const struct m_pg_health *h = facts_pg_health(fx, id);
	struct m_instance blank;
	cJSON *o;

	/* Seen only by the pg source (or only in history): the same keys,
	 * with nulls. */
	m_init(&m_instance_type, &blank);
	blank.id = (char *)id;
	o = m_to_json(&m_instance_type, i != NULL ? i : &blank);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "security_groups");
	if (i == NULL)
		i = &blank;
	cJSON_AddItemToObject(o, "sessions",
	    report_json_list(fx, M_SESSION, id, report_cmp_session, report_json_fix_session));
	cJSON_AddItemToObject(o, "failed_logins",
	    report_json_list(fx, M_FAILED_LOGIN, id, report_cmp_failed_login, NULL));
	cJSON_AddItemToObject(o, "events", report_json_list(fx, M_EVENT, id, report_cmp_event, NULL));
	cJSON_AddItemToObject(o, "findings",
	    report_json_list(fx, M_FINDING, id, report_cmp_finding, NULL));
	cJSON_AddItemToObject(o, "metrics", report_json_metrics(fx, id));
	cJSON_AddItemToObject(o, "pending_maintenance",
	    report_json_list(fx, M_MAINTENANCE, id, NULL, NULL));
	cJSON_AddItemToObject(o, "backup", report_json_backup(fx, i));
	cJSON_AddItemToObject(o, "security_groups", report_json_security_groups(fx, i, id));
	cJSON_AddItemToObject(o, "certificate", report_json_certificate(fx, i));
	cJSON_AddItemToObject(o, "parameters", report_json_list(fx, M_PARAMETER, id, NULL, NULL));
	cJSON_AddItemToObject(o, "pg_health",
	    h != NULL ? report_json_record(M_PG_HEALTH, h) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "xid_ages", report_json_list(fx, M_XID_AGE, id, NULL, NULL));
	cJSON_AddItemToObject(o, "replication_slots",
	    report_json_list(fx, M_REPL_SLOT, id, NULL, NULL));
	cJSON_AddItemToObject(o, "alerts", report_json_list(fx, M_ALERT, id, report_alert_cmp, NULL));
	cJSON_AddItemToObject(o, "checks", report_json_list(fx, M_CHECK, id, NULL, NULL));
	return o;
}

static cJSON *
report_json_sources(const struct facts *fx)
{
	size_t n;
	const void **v = facts_collect(fx, M_SOURCE_HEALTH, NULL, NULL, &n);
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		const struct m_source_health *h = v[i];
		cJSON *o = cJSON_CreateObject(), *rest = m_to_json(&m_source_health_type, h), *item;
		char *error = h->ok != 1 ? report_source_error(h) : NULL;

		cJSON_AddItemToObject(o, "name", report_json_str(h->source));
		cJSON_AddItemToObject(o, "instance", report_json_str(h->instance != NULL &&
		    *h->instance != '\0' ? h->instance : NULL));
		cJSON_AddItemToObject(o, "ok", report_json_tri(h->ok));
		cJSON_AddItemToObject(o, "error", report_json_str(error));
		free(error);
		/* Then every other field of the health record. */
		while ((item = rest->child) != NULL) {
			cJSON_DetachItemViaPointer(rest, item);
			if (cJSON_GetObjectItemCaseSensitive(o, item->string) != NULL ||
			    strcmp(item->string, "source") == 0)
				cJSON_Delete(item);
			else
				cJSON_AddItemToObject(o, item->string, item);
		}
		cJSON_Delete(rest);
		cJSON_AddItemToArray(arr, o);
	}
	free(v);
	return arr;
}

static cJSON *
report_json_summary(const struct facts *fx)
{
	cJSON *o = cJSON_CreateObject();
	int64_t sev[3] = { 0, 0, 0 }, failed = 0, checks_failed = 0;

	M_VEC_EACH(&fx->s->kinds[M_ALERT], const struct m_alert, a)
		sev[rules_severity_rank(a->severity)]++;
	M_VEC_EACH(&fx->s->kinds[M_SOURCE_HEALTH], const struct m_source_health, h)
		failed += h->ok == 0;
	M_VEC_EACH(&fx->s->kinds[M_CHECK], const struct m_check, c)
		checks_failed += facts_str_eq(c->status, "fail");
	cJSON_AddNumberToObject(o, "critical", (double)sev[2]);
	cJSON_AddNumberToObject(o, "warning", (double)sev[1]);
	cJSON_AddNumberToObject(o, "info", (double)sev[0]);
	cJSON_AddNumberToObject(o, "sources_failed", (double)failed);
	cJSON_AddNumberToObject(o, "checks_failed", (double)checks_failed);
	cJSON_AddNumberToObject(o, "exit_code", report_exit_code(fx->s, REPORT_FAIL_ON_WARNING));
	return o;
}

cJSON *
report_json(const struct snapshot *s)
{
	cJSON *doc = cJSON_CreateObject(), *instances = cJSON_CreateArray();
	struct facts index, *fx = &index;

	facts_init(fx, s);

	cJSON_AddItemToObject(doc, "generated_at", report_json_time(fx->s->at));
	cJSON_AddItemToObject(doc, "summary", report_json_summary(fx));
	cJSON_AddItemToObject(doc, "sources", report_json_sources(fx));
	cJSON_AddItemToObject(doc, "accounts", report_json_list(fx, M_ACCOUNT, NULL, NULL, NULL));
	cJSON_AddItemToObject(doc, "alerts", report_json_list(fx, M_ALERT, "", report_alert_cmp, NULL));
	/* Every instance or cluster any record names (the index's buckets,
	 * sorted), "" (fleet-level records) excepted. */
	for (size_t i = 0; i < fx->nbuckets; i++) {
		if (*fx->buckets[i].instance != '\0')
			cJSON_AddItemToArray(instances, report_json_instance(fx, fx->buckets[i].instance));
	}
	cJSON_AddItemToObject(doc, "instances", instances);
	facts_free(fx);
	return doc;
}

char *
report_json_string(const struct snapshot *s)
{
	cJSON *doc = report_json(s);
	char *text = cJSON_Print(doc), *out;

	cJSON_Delete(doc);
	if (text == NULL)
		return xstrdup("{}\n");
	out = xasprintf("%s\n", text);
	cJSON_free(text);
	return out;
}
