#include <config.h>

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

const char *
facts_instance_of(enum m_kind kind, const void *rec)
{
	const struct m_type *t = m_kind_type(kind);
	const struct m_field *f = m_field_find(t, kind == M_INSTANCE ? "id" : "instance");

	return f != NULL && f->type == M_STR ? *(char *const *)m_field_cptr(f, rec) : NULL;
}

/* ---- the index -------------------------------------------------------- */

/* The bucket of ID, or where it would go (*found 0). */
static size_t
facts_find(const struct facts *f, const char *id, int *found)
{
	size_t lo = 0, hi = f->nbuckets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->buckets[mid].instance, id);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static struct facts_bucket *
facts_bucket(struct facts *f, const char *id)
{
	int found;
	size_t at = facts_find(f, id, &found);

	if (!found) {
		f->buckets = xreallocarray(f->buckets, f->nbuckets + 1, sizeof *f->buckets);
		memmove(&f->buckets[at + 1], &f->buckets[at], (f->nbuckets - at) * sizeof *f->buckets);
		memset(&f->buckets[at], 0, sizeof f->buckets[at]);
		f->buckets[at].instance = id;
		f->nbuckets++;
	}
	return &f->buckets[at];
}

static void
facts_push(struct facts_slice *sl, const void *rec)
{
	if (sl->n == sl->cap) {
		sl->cap = sl->cap ? sl->cap * 2 : 16;
		sl->v = xreallocarray(sl->v, sl->cap, sizeof *sl->v);
	}
	sl->v[sl->n++] = rec;
}

void
facts_init(struct facts *f, const struct snapshot *s)
{
	memset(f, 0, sizeof *f);
	f->s = s;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct m_vec *v = &s->kinds[k];
		struct facts_bucket *last = NULL;

		const struct m_field *field = m_field_find(v->type, k == M_INSTANCE ? "id" : "instance");

		if (field == NULL)
			continue;	/* a kind without instances (accounts) */
		for (size_t i = 0; i < v->n; i++) {
			const void *rec = m_vec_at(v, i);
			const char *id = *(char *const *)m_field_cptr(field, rec);

			if (id == NULL)
				id = "";
			/* Records of one instance tend to come together. */
			if (last == NULL || strcmp(last->instance, id) != 0)
				last = facts_bucket(f, id);
			facts_push(&last->kinds[k], rec);
		}
	}
}

void
facts_free(struct facts *f)
{
	for (size_t b = 0; b < f->nbuckets; b++) {
		for (int k = 0; k < M_KIND_COUNT; k++)
			free(f->buckets[b].kinds[k].v);
	}
	free(f->buckets);
	memset(f, 0, sizeof *f);
}

const void *const *
facts_of(const struct facts *f, enum m_kind kind, const char *instance, size_t *n)
{
	static const void *const none[1];
	int found;
	size_t at = facts_find(f, instance != NULL ? instance : "", &found);

	if (!found || f->buckets[at].kinds[kind].n == 0) {
		*n = 0;
		return none;
	}
	*n = f->buckets[at].kinds[kind].n;
	return f->buckets[at].kinds[kind].v;
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
facts_collect(const struct facts *f, enum m_kind kind, const char *instance,
    int (*cmp)(const void *, const void *), size_t *n)
{
	struct facts_sort fs = { kind, cmp };
	const void **out;

	if (instance == NULL) {
		const struct m_vec *v = &f->s->kinds[kind];

		out = xcalloc(v->n + 1, sizeof *out);
		for (size_t i = 0; i < v->n; i++)
			out[i] = m_vec_at(v, i);
		*n = v->n;
	} else {
		const void *const *sl = facts_of(f, kind, instance, n);

		out = xcalloc(*n + 1, sizeof *out);
		memcpy(out, sl, *n * sizeof *out);
	}
	if (*n > 1)
		qsort_r(out, *n, sizeof *out, facts_sort_cmp, &fs);
	return out;
}

/* ---- what the rules ask ---------------------------------------------- */

const struct m_metric *
facts_metric_latest(const struct facts *f, const char *instance, const char *name, int64_t now,
    int64_t max_age)
{
	const struct m_metric *best = NULL;
	size_t n;
	const void *const *v = facts_of(f, M_METRIC, instance, &n);

	for (size_t i = 0; i < n; i++) {
		const struct m_metric *m = v[i];

		if (isnan(m->value) || m->time > now || (max_age > 0 && m->time < now - max_age) ||
		    !facts_str_eq(m->name, name))
			continue;
		if (best == NULL || m->time > best->time)
			best = m;
	}
	return best;
}

const struct m_parameter *
facts_parameter(const struct facts *f, const char *instance, const char *source,
    const char *name)
{
	size_t n;
	const void *const *v = facts_of(f, M_PARAMETER, instance, &n);

	for (size_t i = 0; i < n; i++) {
		const struct m_parameter *p = v[i];

		if (p->value != NULL && facts_str_eq(p->source, source) && facts_str_eq(p->name, name))
			return p;
	}
	return NULL;
}

const struct m_pg_health *
facts_pg_health(const struct facts *f, const char *instance)
{
	size_t n;
	const void *const *v = facts_of(f, M_PG_HEALTH, instance, &n);

	return n > 0 ? v[0] : NULL;
}

const struct m_account *
facts_account_of(const struct facts *f, const struct m_instance *i)
{
	M_VEC_EACH(&f->s->kinds[M_ACCOUNT], const struct m_account, a) {
		if (facts_str_eq(a->region, i->region) && facts_str_eq(a->profile, i->profile))
			return a;
	}
	return NULL;
}

const struct m_instance *
facts_cluster_of(const struct facts *f, const struct m_instance *i)
{
	size_t n;
	const void *const *v;

	if (!facts_is_member(i))
		return NULL;
	v = facts_of(f, M_INSTANCE, i->cluster_id, &n);
	for (size_t k = 0; k < n; k++) {
		if (facts_is_cluster(v[k]))
			return v[k];
	}
	return NULL;
}

char *
facts_date(int64_t ms, char *buf, size_t len)
{
	char iso[32];

	time_format_iso8601(ms, iso, sizeof iso);
	snprintf(buf, len, "%.10s", iso);
	return buf;
}
