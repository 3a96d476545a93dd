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
};

struct store_map {
	const struct m_type *type;
	struct store_cur **buckets;
	size_t nbuckets;
	size_t n;
};

void store_map_init(struct store_map *m, const struct m_type *t);
void store_map_free(struct store_map *m);
/* The entry whose record has KEY's natural key, or NULL. */
struct store_cur *store_map_find(const struct store_map *m, const void *key);
/* Adds an entry holding a copy of REC. */
struct store_cur *store_map_add(struct store_map *m, const void *rec);
void store_map_remove(struct store_map *m, struct store_cur *c);
/* Calls FN for each entry; FN may remove the entry it is given. */
void store_map_each(struct store_map *m, void (*fn)(void *ctx, struct store_cur *c), void *ctx);

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
