#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "model/index.h"
#include "view/snapshot.h"

const struct snapshot_windows snapshot_windows_default = {
	.metrics_ms = 3 * TIME_HOUR,
	.events_ms = 7 * TIME_DAY,
	.findings_ms = 30 * TIME_DAY,
	.failed_logins_ms = TIME_DAY,
};

static uint64_t snapshot_versions;

void
snapshot_changed(struct snapshot *s, snapshot_kinds kinds)
{
	for (int k = 0; k < M_KIND_COUNT; k++) {
		if (kinds & SNAPSHOT_KIND(k))
			s->version[k] = __atomic_add_fetch(&snapshot_versions, 1, __ATOMIC_RELAXED);
	}
}

void
snapshot_init(struct snapshot *s, int64_t at, int live)
{
	snapshot_changed(s, SNAPSHOT_ALL_KINDS);
	s->at = at;
	s->live = live;
	s->windows = snapshot_windows_default;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		m_vec_init(&s->kinds[k], m_kind_type((enum m_kind)k));
		s->floor_version[k] = 0;	/* versions start at 1 */
	}
	s->hashes = NULL;
}

/* Each record's key and content hashes, index for index with its kind's
 * vector, as of VERSION: a poll naming 1,000 unchanged sessions is checked
 * against them without hashing every record again. snapshot_apply_state
 * keeps them; whatever else changes the kind changes its version, and they
 * are made again when next needed. */
struct snapshot_hashes {
	uint64_t version;
	uint64_t *key, *content;
	size_t n, cap;
	int kept;		/* through this apply: VERSION follows the kind's */
};

static void
snapshot_hashes_reserve(struct snapshot_hashes *h, size_t n)
{
	if (n <= h->cap)
		return;
	h->cap = n + n / 2 + 16;
	h->key = xreallocarray(h->key, h->cap, sizeof *h->key);
	h->content = xreallocarray(h->content, h->cap, sizeof *h->content);
}

static void
snapshot_hashes_set(struct snapshot_hashes *h, const struct m_type *t, size_t i,
    const void *rec)
{
	snapshot_hashes_reserve(h, i + 1);
	h->key[i] = m_key_hash(t, rec);
	h->content[i] = m_content_hash(t, rec);
}

/* KIND's hashes, made again unless they are its version's. */
static struct snapshot_hashes *
snapshot_hashes_get(struct snapshot *s, enum m_kind kind)
{
	const struct m_vec *v = &s->kinds[kind];
	struct snapshot_hashes *h;

	if (s->hashes == NULL)
		s->hashes = xcalloc(M_KIND_COUNT, sizeof *s->hashes);
	h = &s->hashes[kind];
	if (h->version != s->version[kind] || h->n != v->n) {
		for (size_t i = 0; i < v->n; i++)
			snapshot_hashes_set(h, v->type, i, m_vec_at(v, i));
		h->n = v->n;
		h->version = s->version[kind];
	}
	return h;
}

void
snapshot_free(struct snapshot *s)
{
	for (int k = 0; k < M_KIND_COUNT; k++) {
		m_vec_free(&s->kinds[k]);
		if (s->hashes != NULL) {
			free(s->hashes[k].key);
			free(s->hashes[k].content);
		}
	}
	free(s->hashes);
	s->hashes = NULL;
}

_Static_assert(M_KIND_COUNT < 32, "snapshot_kinds holds a bit per kind");

void
snapshot_copy_kinds(struct snapshot *dst, const struct snapshot *src, snapshot_kinds kinds)
{
	dst->at = src->at;
	dst->live = src->live;
	dst->windows = src->windows;
	snapshot_changed(dst, kinds);
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
snapshot_touch_kinds(struct snapshot *dst, const struct snapshot *src, snapshot_kinds kinds)
{
	dst->at = src->at;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct m_vec *v = &src->kinds[k];
		struct m_vec *d = &dst->kinds[k];

		if (!(kinds & SNAPSHOT_KIND(k)))
			continue;
		if (d->n != v->n) {
			/* Not the copy the caller thought it was: copy it whole. */
			snapshot_copy_kinds(dst, src, SNAPSHOT_KIND(k));
			continue;
		}
		for (size_t i = 0; i < v->n; i++)
			m_copy_polltime(v->type, m_vec_at(d, i), m_vec_at(v, i));
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
snapshot_session_carry(const struct m_session *prev, struct m_session *fresh, int64_t polled_at)
{
	if (fresh->first_seen == 0)
		fresh->first_seen = prev != NULL && prev->first_seen != 0 ? prev->first_seen : polled_at;
	if (fresh->last_seen == 0)
		fresh->last_seen = polled_at;
}

/* How applying a batch left a kind. */
enum snapshot_effect {
	SNAPSHOT_SAME,		/* nothing moved */
	SNAPSHOT_TOUCHED,	/* only M_POLLTIME fields moved (model.h) */
	SNAPSHOT_CHANGED,	/* records came, went or changed */
};

/* The keys a batch names for a kind (model/batch.h), as a set. */
struct snapshot_named {
	uint64_t *keys;
	unsigned char *used;
	size_t mask;
};

static void
snapshot_named_build(struct snapshot_named *n, const struct batch_same *same)
{
	size_t cap = 16;

	while (cap < same->n * 2)
		cap *= 2;
	n->keys = xcalloc(cap, sizeof *n->keys);
	n->used = xcalloc(cap, 1);
	n->mask = cap - 1;
	for (size_t i = 0; i < same->n; i++) {
		size_t h = (size_t)same->keys[i] & n->mask;

		while (n->used[h] && n->keys[h] != same->keys[i])
			h = (h + 1) & n->mask;
		n->keys[h] = same->keys[i];
		n->used[h] = 1;
	}
}

static int
snapshot_named_has(const struct snapshot_named *n, uint64_t key)
{
	for (size_t h = (size_t)key & n->mask; n->used[h]; h = (h + 1) & n->mask) {
		if (n->keys[h] == key)
			return 1;
	}
	return 0;
}

/* Marks in IS_NAMED (one per record of V) the records B names for KIND;
 * returns whether they are exactly the versions named (none missing,
 * none other). A key's hash covers the record's instance (a key field),
 * so a named record is one B speaks for, with no need to read it: a
 * record of another scope whose hash met a named one would make one too
 * many, or a sum that is not B's, and B would speak only for what it
 * carries. */
static int
snapshot_named_check(const struct m_vec *v, const struct batch *b, enum m_kind kind,
    const struct snapshot_named *n, const struct snapshot_hashes *h, unsigned char *is_named)
{
	const struct batch_same *same = &b->same[kind];
	uint64_t sum = 0;
	size_t found = 0;

	for (size_t i = 0; i < v->n; i++) {
		is_named[i] = snapshot_named_has(n, h->key[i]);
		if (is_named[i]) {
			found++;
			sum += h->content[i];
		}
	}
	return found == same->n && sum == same->sum;
}

/* A named record's poll times: the batch's. */
static int
snapshot_named_touch(const struct m_type *t, void *rec, int64_t polled_at)
{
	int moved = 0;

	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];
		int64_t *p;

		if (!(f->flags & M_POLLTIME))
			continue;
		p = m_field_ptr(f, rec);
		moved |= *p != polled_at;
		*p = polled_at;
	}
	return moved;
}

/* Replaces the records B speaks for by B's, in place: a record a poll
 * sees again unchanged stays where it is, only its poll times move, so a
 * copy of the snapshot needs those times only (snapshot_touch_kinds), not
 * the records; a changed one is replaced where it was; new ones come
 * last. */
static enum snapshot_effect
snapshot_apply_state(struct snapshot *s, const struct batch *b, enum m_kind kind)
{
	struct m_vec *v = &s->kinds[kind];
	const struct m_vec *in = &b->kinds[kind];
	const struct m_type *t = v->type;
	enum snapshot_effect effect = SNAPSHOT_SAME;
	struct snapshot_named named = { NULL, NULL, 0 };
	struct snapshot_hashes *h = NULL;
	struct m_index in_ix;
	unsigned char *taken, *is_named = NULL;
	size_t keep = 0, n = v->n;
	int complete = batch_is_complete(b, kind);

	if (in->n == 0 && !complete)
		return SNAPSHOT_SAME;
	if (complete && b->same[kind].n > 0) {
		h = snapshot_hashes_get(s, kind);
		snapshot_named_build(&named, &b->same[kind]);
		is_named = xcalloc(n + 1, 1);
		/* Not the versions the source took as known: B speaks for
		 * what it carries only. */
		if (!snapshot_named_check(v, b, kind, &named, h, is_named))
			complete = 0;
	} else if (s->hashes != NULL && s->hashes[kind].version == s->version[kind] &&
	    s->hashes[kind].n == n) {
		h = &s->hashes[kind];	/* kept up to date as well */
	}
	m_index_build(&in_ix, in);
	taken = xcalloc(in->n + 1, 1);
	for (size_t i = 0; i < n; i++) {
		void *rec = m_vec_at(v, i);
		const void *fresh = in->n == 0 ? NULL : h != NULL ?
		    m_index_find_hashed(&in_ix, rec, h->key[i]) : m_index_find(&in_ix, rec);
		size_t fi = fresh != NULL ? (size_t)((const char *)fresh - (const char *)in->items) / t->size : 0;

		if (fresh == NULL && complete && is_named != NULL && is_named[i]) {
			/* Named as unchanged: only its poll times move. */
			if (snapshot_named_touch(t, rec, b->polled_at) && effect == SNAPSHOT_SAME)
				effect = SNAPSHOT_TOUCHED;
		} else if (fresh == NULL && (!complete || !batch_replaces(b, kind, rec))) {
			/* Not B's to speak for. */
		} else if (fresh == NULL || taken[fi]) {
			m_free(t, rec);		/* gone (or a duplicate key) */
			effect = SNAPSHOT_CHANGED;
			continue;
		} else if (m_same_content(t, rec, fresh)) {
			taken[fi] = 1;
			if (m_copy_polltime(t, rec, fresh) && effect == SNAPSHOT_SAME)
				effect = SNAPSHOT_TOUCHED;
			if (kind == M_SESSION)
				snapshot_session_carry(rec, rec, b->polled_at);
		} else {
			struct m_session prev;

			taken[fi] = 1;
			if (kind == M_SESSION)
				prev = *(struct m_session *)rec;
			m_free(t, rec);
			m_copy(t, rec, fresh);
			if (kind == M_SESSION)
				snapshot_session_carry(&prev, rec, b->polled_at);
			if (h != NULL)
				h->content[i] = m_content_hash(t, rec);
			effect = SNAPSHOT_CHANGED;
		}
		if (keep != i) {
			memcpy(m_vec_at(v, keep), rec, t->size);
			if (h != NULL) {
				h->key[keep] = h->key[i];
				h->content[keep] = h->content[i];
			}
		}
		keep++;
	}
	v->n = keep;
	for (size_t i = 0; i < in->n; i++) {
		void *rec;

		if (taken[i])
			continue;
		rec = m_vec_push_copy(v, m_vec_at(in, i));
		if (kind == M_SESSION)
			snapshot_session_carry(NULL, rec, b->polled_at);
		if (h != NULL)
			snapshot_hashes_set(h, t, v->n - 1, rec);
		effect = SNAPSHOT_CHANGED;
	}
	if (h != NULL) {
		h->n = v->n;
		h->kept = 1;
	}
	free(taken);
	free(is_named);
	free(named.keys);
	free(named.used);
	m_index_free(&in_ix);
	return effect;
}

static enum snapshot_effect
snapshot_apply_append(struct snapshot *s, const struct batch *b, enum m_kind kind)
{
	struct m_vec *v = &s->kinds[kind];
	const struct m_vec *in = &b->kinds[kind];
	int64_t window = snapshot_window(s, kind);
	enum snapshot_effect effect = SNAPSHOT_SAME;
	struct m_index ix;

	if (in->n == 0)
		return SNAPSHOT_SAME;
	m_index_build(&ix, v);
	for (size_t i = 0; i < in->n; i++) {
		const void *rec = m_vec_at(in, i);
		void *have = m_index_find(&ix, rec);
		int64_t t = snapshot_fact_time(kind, rec);

		if (window > 0 && t != 0 && t < s->at - window)
			continue;
		if (have != NULL && snapshot_fact_time(kind, have) >= t)
			continue;	/* known, and no newer than what is kept */
		effect = SNAPSHOT_CHANGED;
		if (have != NULL) {
			/* A finding updated since: keep the newest version. */
			m_free(v->type, have);
			m_copy(v->type, have, rec);
			continue;
		}
		m_vec_push_copy(v, rec);
		ix.vec = v;
		m_index_add(&ix, v->n - 1);
	}
	m_index_free(&ix);
	return effect;
}

snapshot_kinds
snapshot_apply(struct snapshot *s, const struct batch *b, snapshot_kinds *touched)
{
	snapshot_kinds changed = 0;

	if (touched != NULL)
		*touched = 0;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		enum snapshot_effect e = m_kind_flow((enum m_kind)k) == M_APPEND ?
		    snapshot_apply_append(s, b, (enum m_kind)k) :
		    snapshot_apply_state(s, b, (enum m_kind)k);

		if (e == SNAPSHOT_CHANGED)
			changed |= SNAPSHOT_KIND(k);
		else if (e == SNAPSHOT_TOUCHED && touched != NULL)
			*touched |= SNAPSHOT_KIND(k);
	}
	snapshot_changed(s, changed);
	for (int k = 0; s->hashes != NULL && k < M_KIND_COUNT; k++) {
		if (s->hashes[k].kept)
			s->hashes[k].version = s->version[k];
		s->hashes[k].kept = 0;
	}
	return changed;
}

snapshot_kinds
snapshot_advance(struct snapshot *s, int64_t at)
{
	snapshot_kinds dropped = 0;

	snapshot_kinds scanned = 0;

	s->at = at;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		struct m_vec *v = &s->kinds[k];
		int64_t window = snapshot_window(s, (enum m_kind)k), floor = INT64_MAX;
		const struct m_field *f;

		if (window == 0 || v->n == 0)
			continue;
		if (s->floor_version[k] == s->version[k] && s->floor[k] >= at - window)
			continue;	/* none as old as that */
		f = snapshot_time_field((enum m_kind)k);
		for (size_t i = v->n; i-- > 0;) {
			int64_t t = snapshot_time_of(f, m_vec_at(v, i));

			if (t != 0 && t < at - window) {
				m_vec_remove(v, i);
				dropped |= SNAPSHOT_KIND(k);
			} else if (t != 0 && t < floor) {
				floor = t;
			}
		}
		s->floor[k] = floor;
		scanned |= SNAPSHOT_KIND(k);
	}
	snapshot_changed(s, dropped);
	for (int k = 0; k < M_KIND_COUNT; k++) {
		if (scanned & SNAPSHOT_KIND(k))
			s->floor_version[k] = s->version[k];
	}
	return dropped;
}

static int
snapshot_has_progress(const struct m_type *t)
{
	for (size_t i = 0; i < t->nfields; i++) {
		if (t->fields[i].flags & M_PROGRESS)
			return 1;
	}
	return 0;
}

snapshot_kinds
snapshot_state_changed(const struct snapshot *s, snapshot_kinds changed,
    uint64_t state[M_KIND_COUNT])
{
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct m_vec *v = &s->kinds[k];
		uint64_t sum = 0;

		if (!(changed & SNAPSHOT_KIND(k)) || !snapshot_has_progress(v->type))
			continue;
		for (size_t i = 0; i < v->n; i++)
			sum += m_state_hash(v->type, m_vec_at(v, i));
		if (sum == state[k])
			changed &= ~SNAPSHOT_KIND(k);
		state[k] = sum;
	}
	return changed;
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
