/* A hash index over a vector's natural keys, so matching a poll's records
 * against what is already known is linear, not quadratic (1,000 sessions
 * per poll; tens of thousands of metric samples in a window). Indexes are
 * built for one operation and freed; they do not follow later changes to
 * the vector except through m_index_add. */
#ifndef RW_MODEL_INDEX_H
#define RW_MODEL_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct m_index {
	const struct m_vec *vec;
	size_t *slots;		/* item index + 1; 0 = empty */
	size_t cap;		/* a power of two */
	size_t used;
};

void m_index_build(struct m_index *ix, const struct m_vec *v);
/* The record of the indexed vector with KEY's key, or NULL. */
void *m_index_find(const struct m_index *ix, const void *key);
/* The same when KEY's m_key_hash is known. */
void *m_index_find_hashed(const struct m_index *ix, const void *key, uint64_t hash);
/* Indexes item I of the vector (after a push). */
void m_index_add(struct m_index *ix, size_t i);
void m_index_free(struct m_index *ix);

#endif
