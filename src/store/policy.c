#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "store/policy.h"

/* The exceptions to "everything not in the key is versioned". */
static const struct {
	enum m_kind kind;
	const char *polltime[4];
	const char *sampled[8];
} store_policy_exceptions[] = {
	{ M_ACCOUNT, { "observed_at" }, { NULL } },
	/* RDS moves LatestRestorableTime every few minutes. */
	{ M_INSTANCE, { "observed_at" }, { "latest_restorable_time" } },
	{ M_PARAMETER, { "observed_at" }, { NULL } },
	{ M_MAINTENANCE, { "observed_at" }, { NULL } },
	{ M_SG_RULE, { "observed_at" }, { NULL } },
	/* A session's state, query and wait event are versioned: they change
	 * with activity, not with polling. */
	{ M_SESSION, { "last_seen" }, { NULL } },
	{ M_PG_HEALTH, { "observed_at" },
	    { "connections", "oldest_xact_age_s", "oldest_xact_pid", "max_xid_age" } },
	{ M_XID_AGE, { "observed_at" }, { "age" } },
	{ M_REPL_SLOT, { "observed_at" }, { "retained_wal_bytes" } },
	{ M_SOURCE_HEALTH, { NULL },
	    { "updating", "last_attempt", "last_success", "next_poll", "latency_ms", "calls",
	      "consecutive_failures" } },
	{ M_CHECK, { "evaluated_at" }, { NULL } },
	{ M_ALERT, { "updated_at" }, { NULL } },
};

static struct store_policy store_policies[M_KIND_COUNT];
static pthread_once_t store_policy_once = PTHREAD_ONCE_INIT;

static int
store_policy_field(const struct m_type *t, const char *name)
{
	const struct m_field *f = m_field_find(t, name);

	if (f == NULL)
		abort();	/* the exceptions table names a field that does not exist */
	return (int)(f - t->fields);
}

static void
store_policy_build(void)
{
	for (int k = 0; k < M_KIND_COUNT; k++) {
		struct store_policy *p = &store_policies[k];
		const struct m_type *t = m_kind_type((enum m_kind)k);
		const struct m_field *f;

		p->kind = (enum m_kind)k;
		p->type = t;
		p->table = m_kind_plural((enum m_kind)k);
		if (t->nfields > STORE_MAX_FIELDS)
			abort();
		for (size_t i = 0; i < t->nfields; i++)
			p->role[i] = (t->fields[i].flags & M_KEY) ? STORE_F_KEY : STORE_F_VERSION;
		p->scope_region = k == M_INSTANCE || k == M_ACCOUNT;
		f = m_field_find(t, "instance");
		if (k == M_INSTANCE)
			f = m_field_find(t, "id");
		p->instance = f != NULL ? (int)(f - t->fields) : -1;
		p->fact_time = -1;
		if (m_kind_flow((enum m_kind)k) == M_APPEND) {
			f = m_field_find(t, "time");
			if (f == NULL)
				f = m_field_find(t, "updated_at");
			p->fact_time = f != NULL ? (int)(f - t->fields) : -1;
		}
	}
	for (size_t e = 0; e < sizeof store_policy_exceptions / sizeof store_policy_exceptions[0]; e++) {
		struct store_policy *p = &store_policies[store_policy_exceptions[e].kind];

		for (int i = 0; i < 4 && store_policy_exceptions[e].polltime[i] != NULL; i++) {
			int fi = store_policy_field(p->type, store_policy_exceptions[e].polltime[i]);

			p->role[fi] = STORE_F_POLLTIME;
			p->polltime[p->npolltime++] = fi;
		}
		for (int i = 0; i < 8 && store_policy_exceptions[e].sampled[i] != NULL; i++) {
			p->role[store_policy_field(p->type, store_policy_exceptions[e].sampled[i])] =
			    STORE_F_SAMPLED;
			p->nsampled++;
		}
	}
}

const struct store_policy *
store_policy_get(enum m_kind kind)
{
	pthread_once(&store_policy_once, store_policy_build);
	return &store_policies[kind];
}

static const char *
store_policy_str(const struct store_policy *p, const void *rec, const char *name)
{
	const struct m_field *f = m_field_find(p->type, name);

	return f != NULL ? *(char *const *)m_field_cptr(f, rec) : NULL;
}

char *
store_policy_region_scope(const char *region, const char *profile)
{
	/* \x1f cannot occur in sanitized text, so the pair is unambiguous;
	 * \x1e marks the scope as a region (an instance id never holds it). */
	return xasprintf("\x1e%s\x1f%s", region != NULL ? region : "", profile != NULL ? profile : "");
}

char *
store_policy_scope(const struct store_policy *p, const void *rec)
{
	const char *inst;

	if (p->kind == M_SOURCE_HEALTH || m_kind_flow(p->kind) != M_STATE)
		return NULL;
	if (p->scope_region)
		return store_policy_region_scope(store_policy_str(p, rec, "region"),
		    store_policy_str(p, rec, "profile"));
	inst = store_policy_instance(p, rec);
	return inst != NULL ? xstrdup(inst) : NULL;
}

const char *
store_policy_instance(const struct store_policy *p, const void *rec)
{
	if (p->instance < 0)
		return NULL;
	return *(char *const *)m_field_cptr(&p->type->fields[p->instance], rec);
}
