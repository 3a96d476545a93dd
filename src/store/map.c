#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/fnv.h"
#include "core/xmalloc.h"
#include "store/map.h"

static uint64_t
store_map_str_hash(const char *s)
{
	return fnv_add(FNV_OFFSET, s, strlen(s));
}

void
store_map_init(struct store_map *m, const struct m_type *t)
{
	m->type = t;
	m->nbuckets = 64;
	m->buckets = xcalloc(m->nbuckets, sizeof *m->buckets);
	m->n = 0;
	m->nsbuckets = 64;
	m->sbuckets = xcalloc(m->nsbuckets, sizeof *m->sbuckets);
	m->nscopes = 0;
}

static struct store_scope *
store_map_scope(struct store_map *m, const char *name, int create)
{
	uint64_t h = store_map_str_hash(name);
	struct store_scope *s;
	size_t len;

	for (s = m->sbuckets[h & (m->nsbuckets - 1)]; s != NULL; s = s->next) {
		if (s->hash == h && strcmp(s->name, name) == 0)
			return s;
	}
	if (!create)
		return NULL;
	if (m->nscopes >= m->nsbuckets) {
		size_t n = m->nsbuckets * 2;
		struct store_scope **b = xcalloc(n, sizeof *b);

		for (size_t i = 0; i < m->nsbuckets; i++) {
			for (struct store_scope *x = m->sbuckets[i], *next; x != NULL; x = next) {
				next = x->next;
				x->next = b[x->hash & (n - 1)];
				b[x->hash & (n - 1)] = x;
			}
		}
		free(m->sbuckets);
		m->sbuckets = b;
		m->nsbuckets = n;
	}
	len = strlen(name);
	s = xcalloc(1, sizeof *s + len + 1);
	memcpy(s->name, name, len + 1);
	s->hash = h;
	s->next = m->sbuckets[h & (m->nsbuckets - 1)];
	m->sbuckets[h & (m->nsbuckets - 1)] = s;
	m->nscopes++;
	return s;
}

static void
store_map_unlink_scope(struct store_cur *c)
{
	if (c->scope == NULL)
		return;
	if (c->sprev != NULL)
		c->sprev->snext = c->snext;
	else
		c->scope->head = c->snext;
	if (c->snext != NULL)
		c->snext->sprev = c->sprev;
	c->scope = NULL;
	c->snext = c->sprev = NULL;
}

void
store_map_set_scope(struct store_map *m, struct store_cur *c, const char *scope)
{
	struct store_scope *s = scope != NULL ? store_map_scope(m, scope, 1) : NULL;

	if (s == c->scope)
		return;
	store_map_unlink_scope(c);
	if (s == NULL)
		return;
	c->scope = s;
	c->snext = s->head;
	if (s->head != NULL)
		s->head->sprev = c;
	s->head = c;
}

void
store_map_each_in(struct store_map *m, const char *scope,
    void (*fn)(void *ctx, struct store_cur *c), void *ctx)
{
	struct store_scope *s = store_map_scope(m, scope, 0);

	for (struct store_cur *c = s != NULL ? s->head : NULL, *next; c != NULL; c = next) {
		next = c->snext;
		fn(ctx, c);
	}
}

static void
store_map_free_entry(const struct m_type *t, struct store_cur *c)
{
	m_free(t, c->rec);
	free(c->rec);
	free(c);
}

void
store_map_free(struct store_map *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct store_cur *c = m->buckets[i];

		while (c != NULL) {
			struct store_cur *next = c->next;

			store_map_free_entry(m->type, c);
			c = next;
		}
	}
	free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = 0;
	m->n = 0;
	for (size_t i = 0; i < m->nsbuckets; i++) {
		for (struct store_scope *x = m->sbuckets[i], *next; x != NULL; x = next) {
			next = x->next;
			free(x);
		}
	}
	free(m->sbuckets);
	m->sbuckets = NULL;
	m->nsbuckets = 0;
	m->nscopes = 0;
}

struct store_cur *
store_map_find(const struct store_map *m, const void *key)
{
	uint64_t h = m_key_hash(m->type, key);

	for (struct store_cur *c = m->buckets[h & (m->nbuckets - 1)]; c != NULL; c = c->next) {
		if (c->hash == h && m_key_cmp(m->type, c->rec, key) == 0)
			return c;
	}
	return NULL;
}

struct store_cur *
store_map_find_hash(const struct store_map *m, uint64_t h)
{
	struct store_cur *found = NULL;

	if (m->nbuckets == 0)
		return NULL;
	for (struct store_cur *c = m->buckets[h & (m->nbuckets - 1)]; c != NULL; c = c->next) {
		if (c->hash != h)
			continue;
		if (found != NULL)
			return NULL;	/* two keys, one hash: not by hash then */
		found = c;
	}
	return found;
}

static void
store_map_grow(struct store_map *m)
{
	size_t n = m->nbuckets * 2;
	struct store_cur **b = xcalloc(n, sizeof *b);

	for (size_t i = 0; i < m->nbuckets; i++) {
		struct store_cur *c = m->buckets[i];

		while (c != NULL) {
			struct store_cur *next = c->next;

			c->next = b[c->hash & (n - 1)];
			b[c->hash & (n - 1)] = c;
			c = next;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
}

struct store_cur *
store_map_add(struct store_map *m, const void *rec, const char *scope)
{
	struct store_cur *c = xcalloc(1, sizeof *c);
	size_t i;

	if (m->n >= m->nbuckets)
		store_map_grow(m);
	c->rec = xmalloc(m->type->size);
	m_copy(m->type, c->rec, rec);
	c->hash = m_key_hash(m->type, rec);
	i = c->hash & (m->nbuckets - 1);
	c->next = m->buckets[i];
	m->buckets[i] = c;
	m->n++;
	store_map_set_scope(m, c, scope);
	return c;
}

void
store_map_remove(struct store_map *m, struct store_cur *c)
{
	struct store_cur **pp = &m->buckets[c->hash & (m->nbuckets - 1)];

	while (*pp != NULL && *pp != c)
		pp = &(*pp)->next;
	if (*pp == NULL)
		return;
	*pp = c->next;
	m->n--;
	store_map_unlink_scope(c);
	store_map_free_entry(m->type, c);
}

struct store_ids_entry {
	struct store_ids_entry *next;
	uint64_t hash;
	int64_t id;
	char s[];
};

static uint64_t
store_ids_hash(const char *s)
{
	return store_map_str_hash(s);
}

void
store_ids_init(struct store_ids *m)
{
	m->nbuckets = 64;
	m->buckets = xcalloc(m->nbuckets, sizeof *m->buckets);
	m->n = 0;
}

void
store_ids_free(struct store_ids *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct store_ids_entry *e = m->buckets[i];

		while (e != NULL) {
			struct store_ids_entry *next = e->next;

			free(e);
			e = next;
		}
	}
	free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = 0;
	m->n = 0;
}

int64_t
store_ids_get(const struct store_ids *m, const char *s)
{
	uint64_t h = store_ids_hash(s);

	for (struct store_ids_entry *e = m->buckets[h & (m->nbuckets - 1)]; e != NULL; e = e->next) {
		if (e->hash == h && strcmp(e->s, s) == 0)
			return e->id;
	}
	return 0;
}

void
store_ids_put(struct store_ids *m, const char *s, int64_t id)
{
	size_t len = strlen(s);
	struct store_ids_entry *e;
	uint64_t h = store_ids_hash(s);

	if (m->n >= m->nbuckets) {
		size_t n = m->nbuckets * 2;
		struct store_ids_entry **b = xcalloc(n, sizeof *b);

		for (size_t i = 0; i < m->nbuckets; i++) {
			for (struct store_ids_entry *x = m->buckets[i], *next; x != NULL; x = next) {
				next = x->next;
				x->next = b[x->hash & (n - 1)];
				b[x->hash & (n - 1)] = x;
			}
		}
		free(m->buckets);
		m->buckets = b;
		m->nbuckets = n;
	}
	e = xmalloc(sizeof *e + len + 1);
	memcpy(e->s, s, len + 1);
	e->hash = h;
	e->id = id;
	e->next = m->buckets[h & (m->nbuckets - 1)];
	m->buckets[h & (m->nbuckets - 1)] = e;
	m->n++;
}
