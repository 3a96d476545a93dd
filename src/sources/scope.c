#include <config.h>

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "sources/scope.h"

void
scope_filter_init(struct scope_filter *f)
{
	memset(f, 0, sizeof *f);
}

void
scope_filter_free(struct scope_filter *f)
{
	m_list_free(&f->ids);
	m_list_free(&f->tags);
}

void
scope_filter_copy(struct scope_filter *dst, const struct scope_filter *src)
{
	scope_filter_init(dst);
	for (size_t i = 0; i < src->ids.n; i++)
		m_list_add(&dst->ids, src->ids.v[i]);
	for (size_t i = 0; i < src->tags.n; i++)
		m_list_add(&dst->tags, src->tags.v[i]);
}

/* Splits LIST at commas, trimming blanks, into L. */
static void
scope_list_split(struct m_list *l, const char *list)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		while (n > 0 && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0) {
			char *item = xstrndup(p, n);

			if (!m_list_contains(l, item))
				m_list_add(l, item);
			free(item);
		}
		p = end != NULL ? end + 1 : NULL;
	}
}

void
scope_filter_add_ids(struct scope_filter *f, const char *list)
{
	scope_list_split(&f->ids, list);
}

void
scope_filter_add_tags(struct scope_filter *f, const char *list)
{
	scope_list_split(&f->tags, list);
}

int
scope_filter_empty(const struct scope_filter *f)
{
	return f->ids.n == 0 && f->tags.n == 0;
}

static int
scope_id_match(const struct scope_filter *f, const char *id)
{
	if (id == NULL)
		return 0;
	for (size_t i = 0; i < f->ids.n; i++) {
		if (fnmatch(f->ids.v[i], id, 0) == 0)
			return 1;
	}
	return 0;
}

int
scope_filter_match(const struct scope_filter *f, const struct m_instance *i,
    const struct m_vec *members)
{
	for (size_t t = 0; t < f->tags.n; t++) {
		if (!m_list_contains(&i->tags, f->tags.v[t]))
			return 0;
	}
	if (f->ids.n == 0 || scope_id_match(f, i->id) || scope_id_match(f, i->cluster_id))
		return 1;
	if (members != NULL && i->kind != NULL && strcmp(i->kind, "cluster") == 0) {
		M_VEC_EACH(members, const struct m_instance, m) {
			if (m->cluster_id != NULL && strcmp(m->cluster_id, i->id) == 0 &&
			    scope_id_match(f, m->id))
				return 1;
		}
	}
	return 0;
}

struct scope_account *
scope_account_new(struct aws_ctx *ctx, const char *name)
{
	struct scope_account *a = xcalloc(1, sizeof *a);

	a->refs = 1;
	a->ctx = ctx;
	a->name = xstrdup(name != NULL ? name : "");
	return a;
}

struct scope_account *
scope_account_ref(struct scope_account *a)
{
	__atomic_add_fetch(&a->refs, 1, __ATOMIC_ACQ_REL);
	return a;
}

void
scope_account_unref(struct scope_account *a)
{
	if (a == NULL || __atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	aws_ctx_free(a->ctx);
	free(a->name);
	free(a);
}

struct scope *
scope_new(struct scope_account *a, const char *region, const char *label,
    const struct scope_filter *filter)
{
	struct scope *s = xcalloc(1, sizeof *s);

	s->refs = 1;
	s->account = scope_account_ref(a);
	s->region = xstrdup(region);
	s->profile = xstrdup(aws_ctx_profile(a->ctx));
	s->label = xstrdup(label != NULL ? label : "");
	if (filter != NULL)
		scope_filter_copy(&s->filter, filter);
	else
		scope_filter_init(&s->filter);
	pthread_mutex_init(&s->lock, NULL);
	m_vec_init(&s->roster, &m_instance_type);
	return s;
}

struct scope *
scope_ref(struct scope *s)
{
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
	return s;
}

void
scope_unref(struct scope *s)
{
	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	scope_account_unref(s->account);
	scope_filter_free(&s->filter);
	m_vec_free(&s->roster);
	pthread_mutex_destroy(&s->lock);
	free(s->region);
	free(s->profile);
	free(s->label);
	free(s->account_id);
	free(s);
}

struct aws_client *
scope_client(struct scope *s)
{
	struct aws_client *c = aws_client_new(s->account->ctx);

	if (c != NULL)
		aws_client_set_region(c, s->region);
	return c;
}

void
scope_roster_set(struct scope *s, const struct m_vec *instances)
{
	pthread_mutex_lock(&s->lock);
	m_vec_clear(&s->roster);
	M_VEC_EACH(instances, const struct m_instance, i)
		m_vec_push_copy(&s->roster, i);
	s->have_roster = 1;
	pthread_mutex_unlock(&s->lock);
}

int
scope_roster_get(struct scope *s, struct m_vec *out)
{
	int have;

	m_vec_init(out, &m_instance_type);
	pthread_mutex_lock(&s->lock);
	M_VEC_EACH(&s->roster, const struct m_instance, i)
		m_vec_push_copy(out, i);
	have = s->have_roster;
	pthread_mutex_unlock(&s->lock);
	return have;
}

char *
scope_account_id(struct scope *s)
{
	char *id;

	pthread_mutex_lock(&s->lock);
	id = s->account_id != NULL ? xstrdup(s->account_id) : NULL;
	pthread_mutex_unlock(&s->lock);
	return id;
}

void
scope_set_account_id(struct scope *s, const char *id)
{
	if (id == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->account_id == NULL || strcmp(s->account_id, id) != 0) {
		free(s->account_id);
		s->account_id = xstrdup(id);
	}
	pthread_mutex_unlock(&s->lock);
}

struct source *
scope_source_new(struct scope *sc, const struct source_ops *ops, int64_t interval_ms,
    int64_t timeout_ms, void *priv)
{
	char *name = *sc->label != '\0' ? xasprintf("%s@%s", ops->kind, sc->label) :
	    xstrdup(ops->kind);
	struct source *s = source_new(ops, name, NULL, interval_ms, timeout_ms);

	free(name);
	s->region = xstrdup(sc->region);
	s->profile = xstrdup(sc->profile);
	s->priv = priv;
	return s;
}

char *
scope_arn_account(const char *arn)
{
	const char *p = arn;
	size_t len;

	/* arn:partition:service:region:account:... */
	for (int field = 0; field < 4; field++) {
		p = p != NULL ? strchr(p, ':') : NULL;
		if (p == NULL)
			return NULL;
		p++;
	}
	len = strcspn(p, ":");
	if (len != 12 || strspn(p, "0123456789") < 12)
		return NULL;
	return xstrndup(p, len);
}
