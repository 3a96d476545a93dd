#include <config.h>

#include <string.h>

#include "core/timeutil.h"
#include "model/index.h"
#include "view/snapshot.h"

const struct snapshot_windows snapshot_windows_default = {
	.metrics_ms = 3 * TIME_HOUR,
	.events_ms = 7 * TIME_DAY,
	.findings_ms = 30 * TIME_DAY,
	.failed_logins_ms = TIME_DAY,
};

void
snapshot_init(struct snapshot *s, int64_t at, int live)
{
	s->at = at;
	s->live = live;
	s->windows = snapshot_windows_default;
	for (int k = 0; k < M_KIND_COUNT; k++)
		m_vec_init(&s->kinds[k], m_kind_type((enum m_kind)k));
}

void
snapshot_free(struct snapshot *s)
{
	for (int k = 0; k < M_KIND_COUNT; k++)
		m_vec_free(&s->kinds[k]);
}


_Static_assert(M_KIND_COUNT < 32, "snapshot_kinds holds a bit per kind");

void
snapshot_copy_kinds(struct snapshot *dst, const struct snapshot *src, snapshot_kinds kinds)
{
	dst->at = src->at;
	dst->live = src->live;
	dst->windows = src->windows;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct m_vec *v = &src->kinds[k];

		if (!(kinds & SNAPSHOT_KIND(k)))
			continue;
		m_vec_clear(&dst->kinds[k]);
		for (size_t i = 0; i < v->n; i++)
			m_vec_push_copy(&dst->kinds[k], m_vec_at(v, i));
	}
}

void
snapshot_copy(struct snapshot *dst, const struct snapshot *src)
{
	snapshot_init(dst, src->at, src->live);
	snapshot_copy_kinds(dst, src, SNAPSHOT_ALL_KINDS);
}

static const char *
snapshot_rec_instance(enum m_kind kind, const void *rec)
{
	const struct m_field *f = m_field_find(m_kind_type(kind), "instance");

	return f != NULL ? *(char *const *)m_field_cptr(f, rec) : NULL;
}

/* The field a fact's time is in, or NULL. */
static const struct m_field *
snapshot_time_field(enum m_kind kind)
{
	const struct m_type *t = m_kind_type(kind);
	const struct m_field *f = m_field_find(t, "time");

	if (f == NULL)
		f = m_field_find(t, "updated_at");
	return f != NULL && f->type == M_TIME ? f : NULL;
}

static int64_t
snapshot_time_of(const struct m_field *f, const void *rec)
{
	return f != NULL ? *(const int64_t *)m_field_cptr(f, rec) : 0;
}

int64_t
snapshot_fact_time(enum m_kind kind, const void *rec)
{
	return snapshot_time_of(snapshot_time_field(kind), rec);
}

static int64_t
snapshot_window(const struct snapshot *s, enum m_kind kind)
{
	switch (kind) {
	case M_METRIC: return s->windows.metrics_ms;
	case M_EVENT: return s->windows.events_ms;
	case M_FINDING: return s->windows.findings_ms;
	case M_FAILED_LOGIN: return s->windows.failed_logins_ms;
	default: return 0;
	}
}

/* Sessions are intervals: a session seen again keeps when it was first
 * seen, and is last seen at this poll. */
static void
snapshot_session_carry(const struct m_index *old, struct m_session *fresh, int64_t polled_at)
{
	const struct m_session *prev = m_index_find(old, fresh);

	if (fresh->first_seen == 0)
		fresh->first_seen = prev != NULL && prev->first_seen != 0 ? prev->first_seen : polled_at;
	if (fresh->last_seen == 0)
		fresh->last_seen = polled_at;
}

static int
snapshot_apply_state(struct snapshot *s, const struct batch *b, enum m_kind kind)
{
	struct m_vec *v = &s->kinds[kind];
	const struct m_vec *in = &b->kinds[kind];
	struct m_index in_ix, old_ix;
	struct m_vec old;
	size_t keep = 0;

	if (in->n == 0 && !batch_is_complete(b, kind))
		return 0;
	/* Move the records being replaced aside (no copies), keeping the
	 * rest in order; the new ones take what they carry over from them. */
	m_index_build(&in_ix, in);
	m_vec_init(&old, v->type);
	for (size_t i = 0; i < v->n; i++) {
		void *rec = m_vec_at(v, i);

		if (batch_replaces(b, kind, rec) || m_index_find(&in_ix, rec) != NULL) {
			memcpy(m_vec_push(&old), rec, v->type->size);
		} else {
			if (keep != i)
				memcpy(m_vec_at(v, keep), rec, v->type->size);
			keep++;
		}
	}
	v->n = keep;
	m_index_free(&in_ix);

	m_index_build(&old_ix, &old);
	for (size_t i = 0; i < in->n; i++) {
		void *rec = m_vec_push_copy(v, m_vec_at(in, i));

		if (kind == M_SESSION)
			snapshot_session_carry(&old_ix, rec, b->polled_at);
	}
	m_index_free(&old_ix);
	m_vec_free(&old);
	return 1;
}

static int
snapshot_apply_append(struct snapshot *s, const struct batch *b, enum m_kind kind)
{
	struct m_vec *v = &s->kinds[kind];
	const struct m_vec *in = &b->kinds[kind];
	int64_t window = snapshot_window(s, kind);
	struct m_index ix;

	if (in->n == 0)
		return 0;
	m_index_build(&ix, v);
	for (size_t i = 0; i < in->n; i++) {
		const void *rec = m_vec_at(in, i);
		void *have = m_index_find(&ix, rec);
		int64_t t = snapshot_fact_time(kind, rec);

		if (window > 0 && t != 0 && t < s->at - window)
			continue;
		if (have != NULL) {
			/* A finding updated since: keep the newest version. */
			if (snapshot_fact_time(kind, have) >= t)
				continue;
			m_free(v->type, have);
			m_copy(v->type, have, rec);
			continue;
		}
		m_vec_push_copy(v, rec);
		ix.vec = v;
		m_index_add(&ix, v->n - 1);
	}
	m_index_free(&ix);
	return 1;
}

snapshot_kinds
snapshot_apply(struct snapshot *s, const struct batch *b)
{
	snapshot_kinds changed = 0;

	for (int k = 0; k < M_KIND_COUNT; k++) {
		int c = m_kind_flow((enum m_kind)k) == M_APPEND ?
		    snapshot_apply_append(s, b, (enum m_kind)k) :
		    snapshot_apply_state(s, b, (enum m_kind)k);

		if (c)
			changed |= SNAPSHOT_KIND(k);
	}
	return changed;
}

snapshot_kinds
snapshot_advance(struct snapshot *s, int64_t at)
{
	snapshot_kinds dropped = 0;

	s->at = at;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		struct m_vec *v = &s->kinds[k];
		int64_t window = snapshot_window(s, (enum m_kind)k);
		const struct m_field *f;

		if (window == 0 || v->n == 0)
			continue;
		f = snapshot_time_field((enum m_kind)k);
		for (size_t i = v->n; i-- > 0;) {
			int64_t t = snapshot_time_of(f, m_vec_at(v, i));

			if (t != 0 && t < at - window) {
				m_vec_remove(v, i);
				dropped |= SNAPSHOT_KIND(k);
			}
		}
	}
	return dropped;
}

const struct m_instance *
snapshot_instance(const struct snapshot *s, const char *id)
{
	M_VEC_EACH(&s->kinds[M_INSTANCE], const struct m_instance, i) {
		if (i->id != NULL && strcmp(i->id, id) == 0)
			return i;
	}
	return NULL;
}

const struct m_source_health *
snapshot_source_health(const struct snapshot *s, const char *source, const char *instance)
{
	M_VEC_EACH(&s->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		if (h->source != NULL && strcmp(h->source, source) == 0 &&
		    strcmp(h->instance != NULL ? h->instance : "", instance != NULL ? instance : "") == 0)
			return h;
	}
	return NULL;
}

size_t
snapshot_count(const struct snapshot *s, enum m_kind kind, const char *instance)
{
	size_t n = 0;

	for (size_t i = 0; i < s->kinds[kind].n; i++) {
		const char *id = snapshot_rec_instance(kind, m_vec_at(&s->kinds[kind], i));

		if (id != NULL && instance != NULL && strcmp(id, instance) == 0)
			n++;
	}
	return n;
}
