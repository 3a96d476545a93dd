#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "model/batch.h"

struct batch *
batch_new(const char *source, int64_t polled_at)
{
	struct batch *b = xcalloc(1, sizeof *b);

	b->source = xstrdup(source);
	b->polled_at = polled_at;
	for (int k = 0; k < M_KIND_COUNT; k++)
		m_vec_init(&b->kinds[k], m_kind_type((enum m_kind)k));
	return b;
}

void
batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		m_vec_free(&b->kinds[k]);
		free(b->same[k].keys);
	}
	m_list_free(&b->covers);
	free(b->source);
	free(b->region);
	free(b->profile);
	free(b);
}

void *
batch_add(struct batch *b, enum m_kind kind)
{
	return m_vec_push(&b->kinds[kind]);
}

void
batch_mark_complete(struct batch *b, enum m_kind kind)
{
	b->complete |= 1u << kind;
}

int
batch_is_complete(const struct batch *b, enum m_kind kind)
{
	return (b->complete & (1u << kind)) != 0;
}

void
batch_cover(struct batch *b, const char *instance)
{
	if (!m_list_contains(&b->covers, instance))
		m_list_add(&b->covers, instance);
}

int
batch_covers(const struct batch *b, const char *instance)
{
	return instance != NULL && m_list_contains(&b->covers, instance);
}

void
batch_same_add(struct batch *b, enum m_kind kind, uint64_t key, uint64_t content)
{
	struct batch_same *s = &b->same[kind];

	if (s->n == s->cap) {
		s->cap = s->cap != 0 ? s->cap * 2 : 64;
		s->keys = xreallocarray(s->keys, s->cap, sizeof *s->keys);
	}
	s->keys[s->n++] = key;
	s->sum += content;
}

size_t
batch_count(const struct batch *b)
{
	size_t n = 0;

	for (int k = 0; k < M_KIND_COUNT; k++)
		n += b->kinds[k].n;
	return n;
}

static int
batch_same(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static const struct m_field *batch_instance_fields[M_KIND_COUNT];
static pthread_once_t batch_instance_once = PTHREAD_ONCE_INIT;

static void
batch_instance_fields_find(void)
{
	for (int k = 0; k < M_KIND_COUNT; k++)
		batch_instance_fields[k] = m_field_find(m_kind_type((enum m_kind)k), "instance");
}

/* The "instance" field of KIND's records, looked up once (a poll asks
 * for each of 1,000 sessions). */
static const struct m_field *
batch_instance_field(enum m_kind kind)
{
	pthread_once(&batch_instance_once, batch_instance_fields_find);
	return batch_instance_fields[kind];
}

int
batch_replaces(const struct batch *b, enum m_kind kind, const void *rec)
{
	const struct m_field *f;

	if (m_kind_flow(kind) != M_STATE || !batch_is_complete(b, kind))
		return 0;
	switch (kind) {
	case M_INSTANCE: {
		const struct m_instance *i = rec;

		return batch_same(i->region, b->region) && batch_same(i->profile, b->profile);
	}
	case M_ACCOUNT: {
		const struct m_account *a = rec;

		return batch_same(a->region, b->region) && batch_same(a->profile, b->profile);
	}
	case M_SOURCE_HEALTH:
		return 0;
	default:
		f = batch_instance_field(kind);
		return f != NULL && batch_covers(b, *(char *const *)m_field_cptr(f, rec));
	}
}
