#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "pg/pg_seen.h"

void
pg_seen_init(struct pg_seen *s)
{
	memset(s, 0, sizeof *s);
}

void
pg_seen_free(struct pg_seen *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* SLOTS empty slots (generation 0 is never a table's). */
static void
pg_seen_alloc(struct pg_seen *s, size_t slots)
{
	free(s->v);
	s->v = xcalloc(slots, sizeof *s->v);
	s->gen = 1;
	s->mask = slots - 1;
	s->n = 0;
}

void
pg_seen_reset(struct pg_seen *s, size_t expect)
{
	size_t slots = 64;

	while (slots < expect * 2)
		slots *= 2;
	if (s->v == NULL || s->mask + 1 != slots || s->gen == UINT32_MAX) {
		pg_seen_alloc(s, slots);
	} else {
		s->gen++;
		s->n = 0;
	}
}

static size_t
pg_seen_slot(int64_t pid, int64_t start)
{
	uint64_t h = (uint64_t)pid * 0x9e3779b97f4a7c15ULL ^ (uint64_t)start;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(h ^ (h >> 32));
}

const struct pg_seen_entry *
pg_seen_find(const struct pg_seen *s, int64_t pid, int64_t start)
{
	if (s->v == NULL)
		return NULL;
	for (size_t h = pg_seen_slot(pid, start) & s->mask; s->v[h].gen == s->gen;
	    h = (h + 1) & s->mask) {
		if (s->v[h].e.pid == pid && s->v[h].e.start == start)
			return &s->v[h].e;
	}
	return NULL;
}

struct pg_seen_entry *
pg_seen_put(struct pg_seen *s, int64_t pid, int64_t start, int *added)
{
	size_t h;

	if (s->v == NULL || (s->n + 1) * 2 > s->mask + 1) {
		/* Grow: rehash what is there. */
		struct pg_seen old = *s;
		size_t slots = s->v != NULL ? (s->mask + 1) * 2 : 64;

		memset(s, 0, sizeof *s);
		pg_seen_alloc(s, slots);
		for (size_t i = 0; old.v != NULL && i <= old.mask; i++) {
			if (old.v[i].gen == old.gen)
				*pg_seen_put(s, old.v[i].e.pid, old.v[i].e.start, NULL) = old.v[i].e;
		}
		pg_seen_free(&old);
	}
	for (h = pg_seen_slot(pid, start) & s->mask; s->v[h].gen == s->gen; h = (h + 1) & s->mask) {
		if (s->v[h].e.pid == pid && s->v[h].e.start == start) {
			if (added != NULL)
				*added = 0;
			return &s->v[h].e;
		}
	}
	memset(&s->v[h].e, 0, sizeof s->v[h].e);
	s->v[h].gen = s->gen;
	s->v[h].e.pid = pid;
	s->v[h].e.start = start;
	s->n++;
	if (added != NULL)
		*added = 1;
	return &s->v[h].e;
}
