#include <config.h>

#include <stdlib.h>

#include "core/xmalloc.h"
#include "model/index.h"

static void
m_index_insert(struct m_index *ix, size_t i)
{
	size_t mask = ix->cap - 1;
	size_t at = (size_t)m_key_hash(ix->vec->type, m_vec_at(ix->vec, i)) & mask;

	while (ix->slots[at] != 0)
		at = (at + 1) & mask;
	ix->slots[at] = i + 1;
	ix->used++;
}

static void
m_index_grow(struct m_index *ix, size_t want)
{
	size_t cap = 16;

	while (cap < want * 2)
		cap *= 2;
	free(ix->slots);
	ix->slots = xcalloc(cap, sizeof *ix->slots);
	ix->cap = cap;
	ix->used = 0;
}

void
m_index_build(struct m_index *ix, const struct m_vec *v)
{
	ix->vec = v;
	ix->slots = NULL;
	m_index_grow(ix, v->n);
	for (size_t i = 0; i < v->n; i++)
		m_index_insert(ix, i);
}

void *
m_index_find(const struct m_index *ix, const void *key)
{
	return m_index_find_hashed(ix, key, m_key_hash(ix->vec->type, key));
}

void *
m_index_find_hashed(const struct m_index *ix, const void *key, uint64_t hash)
{
	size_t mask = ix->cap - 1;
	size_t at = (size_t)hash & mask;

	while (ix->slots[at] != 0) {
		void *rec = m_vec_at(ix->vec, ix->slots[at] - 1);

		if (m_key_cmp(ix->vec->type, rec, key) == 0)
			return rec;
		at = (at + 1) & mask;
	}
	return NULL;
}

void
m_index_add(struct m_index *ix, size_t i)
{
	if ((ix->used + 1) * 2 > ix->cap) {
		m_index_grow(ix, ix->used + 1);
		for (size_t k = 0; k < ix->vec->n; k++) {
			if (k != i)
				m_index_insert(ix, k);
		}
	}
	m_index_insert(ix, i);
}

void
m_index_free(struct m_index *ix)
{
	free(ix->slots);
	ix->slots = NULL;
	ix->cap = ix->used = 0;
}
