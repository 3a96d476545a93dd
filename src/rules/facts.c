#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "rules/facts.h"

int
facts_str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

int
facts_is_cluster(const struct m_instance *i)
{
	return i->kind != NULL && strcmp(i->kind, "cluster") == 0;
}

int
facts_is_member(const struct m_instance *i)
{
	return !facts_is_cluster(i) && i->cluster_id != NULL && *i->cluster_id != '\0';
}

int
facts_is_aurora(const struct m_instance *i)
{
	return i->engine != NULL && strncmp(i->engine, "aurora", 6) == 0;
}

const struct m_instance *
facts_cluster_of(const struct snapshot *s, const struct m_instance *i)
{
	if (!facts_is_member(i))
		return NULL;
	M_VEC_EACH(&s->kinds[M_INSTANCE], const struct m_instance, c) {
		if (facts_is_cluster(c) && facts_str_eq(c->id, i->cluster_id))
			return c;
	}
	return NULL;
}

const struct m_metric *
facts_metric_latest(const struct snapshot *s, const char *instance, const char *name,
    int64_t now, int64_t max_age)
{
	const struct m_metric *best = NULL;

	M_VEC_EACH(&s->kinds[M_METRIC], const struct m_metric, m) {
		if (!facts_str_eq(m->instance, instance) || !facts_str_eq(m->name, name) ||
		    isnan(m->value) || m->time > now)
			continue;
		if (max_age > 0 && m->time < now - max_age)
			continue;
		if (best == NULL || m->time > best->time)
			best = m;
	}
	return best;
}

const struct m_parameter *
facts_parameter(const struct snapshot *s, const char *instance, const char *source,
    const char *name)
{
	M_VEC_EACH(&s->kinds[M_PARAMETER], const struct m_parameter, p) {
		if (p->value != NULL && facts_str_eq(p->instance, instance) &&
		    facts_str_eq(p->source, source) && facts_str_eq(p->name, name))
			return p;
	}
	return NULL;
}

const struct m_pg_health *
facts_pg_health(const struct snapshot *s, const char *instance)
{
	M_VEC_EACH(&s->kinds[M_PG_HEALTH], const struct m_pg_health, h) {
		if (facts_str_eq(h->instance, instance))
			return h;
	}
	return NULL;
}

const struct m_account *
facts_account_of(const struct snapshot *s, const struct m_instance *i)
{
	M_VEC_EACH(&s->kinds[M_ACCOUNT], const struct m_account, a) {
		if (facts_str_eq(a->region, i->region) && facts_str_eq(a->profile, i->profile))
			return a;
	}
	return NULL;
}

const char *
facts_instance_of(enum m_kind kind, const void *rec)
{
	const struct m_type *t = m_kind_type(kind);
	const struct m_field *f = m_field_find(t, kind == M_INSTANCE ? "id" : "instance");

	return f != NULL && f->type == M_STR ? *(char *const *)m_field_cptr(f, rec) : NULL;
}

struct facts_sort {
	enum m_kind kind;
	int (*cmp)(const void *, const void *);
};

static int
facts_sort_cmp(const void *a, const void *b, void *arg)
{
	const struct facts_sort *fs = arg;
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;
	int c = fs->cmp != NULL ? fs->cmp(x, y) : 0;

	/* Ties in key order, so the output never depends on arrival. */
	return c != 0 ? c : m_key_cmp(m_kind_type(fs->kind), x, y);
}

const void **
facts_collect(const struct snapshot *s, enum m_kind kind, const char *instance,
    int (*cmp)(const void *, const void *), size_t *n)
{
	const struct m_vec *v = &s->kinds[kind];
	const void **out = xcalloc(v->n + 1, sizeof *out);
	struct facts_sort fs = { kind, cmp };

	*n = 0;
	for (size_t i = 0; i < v->n; i++) {
		const void *rec = m_vec_at(v, i);

		if (instance == NULL || facts_str_eq(facts_instance_of(kind, rec), instance))
			out[(*n)++] = rec;
	}
	if (*n > 1)
		qsort_r(out, *n, sizeof *out, facts_sort_cmp, &fs);
	return out;
}

char *
facts_date(int64_t ms, char *buf, size_t len)
{
	char iso[32];

	time_format_iso8601(ms, iso, sizeof iso);
	snprintf(buf, len, "%.10s", iso);
	return buf;
}
