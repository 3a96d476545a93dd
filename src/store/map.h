/* The writer's in-memory index of what is current: state records by
 * natural key, and small string-to-id maps (metric series, poll scopes),
 * so a poll that changes nothing costs no reads. */
#ifndef RW_STORE_MAP_H
#define RW_STORE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* A current state record: its open interval and latest version. */
struct store_cur {
	struct store_cur *next;		/* hash chain */
	uint64_t hash;
	int64_t iid;			/* interval row */
	int64_t vfrom;			/* the latest version's time */
	int64_t sample_t;		/* the latest sample's time (0: none) */
	unsigned follow;		/* poll-time fields that follow the carrying poll */
	uint64_t seen;			/* the batch sequence that last carried it */
	void *rec;			/* the record as last written */
	uint64_t raw;			/* m_content_hash of it as the poll gave it
					 * (before scrubbing); 0: not known */
	struct store_scope *scope;	/* the scope it belongs to, or NULL */
	struct store_cur *snext, *sprev;	/* the scope's list */
};

/* The current records of one scope (an instance, or a region and
 * profile), so a batch given in full for a scope visits only those. */
struct store_scope {
	struct store_scope *next;
	uint64_t hash;
	struct store_cur *head;
	char name[];
};

struct store_map {
	const struct m_type *type;
	struct store_cur **buckets;
	size_t nbuckets;
	size_t n;
	struct store_scope **sbuckets;
	size_t nsbuckets;
	size_t nscopes;
};

void store_map_init(struct store_map *m, const struct m_type *t);
void store_map_free(struct store_map *m);
/* The entry whose record has KEY's natural key, or NULL. */
struct store_cur *store_map_find(const struct store_map *m, const void *key);
/* The record whose m_key_hash is H, or NULL (none, or more than one). */
struct store_cur *store_map_find_hash(const struct store_map *m, uint64_t h);
/* Adds an entry holding a copy of REC, in SCOPE (may be NULL). */
struct store_cur *store_map_add(struct store_map *m, const void *rec, const char *scope);
void store_map_remove(struct store_map *m, struct store_cur *c);
/* Moves C to SCOPE (may be NULL) when its record changed scope. */
void store_map_set_scope(struct store_map *m, struct store_cur *c, const char *scope);
/* Calls FN for each entry of SCOPE; FN may remove the entry it is given. */
void store_map_each_in(struct store_map *m, const char *scope,
    void (*fn)(void *ctx, struct store_cur *c), void *ctx);

/* A string to id map. */
struct store_ids_entry;
struct store_ids {
	struct store_ids_entry **buckets;
	size_t nbuckets;
	size_t n;
};

void store_ids_init(struct store_ids *m);
void store_ids_free(struct store_ids *m);
/* The id of S, or 0 when absent. */
int64_t store_ids_get(const struct store_ids *m, const char *s);
void store_ids_put(struct store_ids *m, const char *s, int64_t id);

#endif
