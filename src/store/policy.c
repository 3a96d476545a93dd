#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "store/policy.h"

/* The exceptions to "everything not in the key is versioned" besides the
 * fields the model marks M_POLLTIME (stored with the poll, not versioned):
 * values sampled over time rather than versioned. A session's state, query
 * and wait event are versioned: they change with activity, not with
 * polling. */
static const struct {
	enum m_kind kind;
	const char *sampled[8];
} store_policy_exceptions[] = {
	/* RDS moves LatestRestorableTime every few minutes. */
	{ M_INSTANCE, { "latest_restorable_time" } },
	{ M_PG_HEALTH, { "connections", "oldest_xact_age_s", "oldest_xact_pid", "max_xid_age" } },
	{ M_XID_AGE, { "age" } },
	{ M_REPL_SLOT, { "retained_wal_bytes" } },
	{ M_SOURCE_HEALTH,
	    { "updating", "last_attempt", "last_success", "next_poll", "latency_ms", "calls",
	      "consecutive_failures" } },
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
		for (size_t i = 0; i < t->nfields; i++) {
			p->role[i] = (t->fields[i].flags & M_KEY) ? STORE_F_KEY : STORE_F_VERSION;
			if (t->fields[i].flags & M_POLLTIME) {
				p->role[i] = STORE_F_POLLTIME;
				p->polltime[p->npolltime++] = (int)i;
			}
		}
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
