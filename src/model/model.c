#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fnv.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "model/model.h"

void *
m_field_ptr(const struct m_field *f, void *rec)
{
	return (char *)rec + f->offset;
}

const void *
m_field_cptr(const struct m_field *f, const void *rec)
{
	return (const char *)rec + f->offset;
}

#define FIELD(type, f, rec) (*(type *)m_field_ptr((f), (rec)))
#define CFIELD(type, f, rec) (*(const type *)m_field_cptr((f), (rec)))

void
m_init(const struct m_type *t, void *rec)
{
	memset(rec, 0, t->size);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];

		switch (f->type) {
		case M_INT: FIELD(int64_t, f, rec) = M_INT_NONE; break;
		case M_DBL: FIELD(double, f, rec) = NAN; break;
		case M_TRI: FIELD(int, f, rec) = M_TRI_UNKNOWN; break;
		case M_STR: case M_TIME: case M_LIST: break;	/* zero is absent */
		}
	}
	if (t->init != NULL)
		t->init(rec);
}

void
m_list_free(struct m_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
m_free(const struct m_type *t, void *rec)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];

		if (f->type == M_STR)
			free(FIELD(char *, f, rec));
		else if (f->type == M_LIST)
			m_list_free(&FIELD(struct m_list, f, rec));
	}
	m_init(t, rec);
}

static void
m_list_copy(struct m_list *dst, const struct m_list *src)
{
	dst->n = src->n;
	dst->v = src->n ? xcalloc(src->n, sizeof *dst->v) : NULL;
	for (size_t i = 0; i < src->n; i++)
		dst->v[i] = xstrdup(src->v[i]);
}

void
m_copy(const struct m_type *t, void *dst, const void *src)
{
	memcpy(dst, src, t->size);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];

		if (f->type == M_STR) {
			const char *s = CFIELD(char *, f, src);

			FIELD(char *, f, dst) = s != NULL ? xstrdup(s) : NULL;
		} else if (f->type == M_LIST) {
			m_list_copy(&FIELD(struct m_list, f, dst), &CFIELD(struct m_list, f, src));
		}
	}
}

static int
m_str_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
m_list_cmp(const struct m_list *a, const struct m_list *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		int c = strcmp(a->v[i], b->v[i]);

		if (c != 0)
			return c;
	}
	return (a->n > b->n) - (a->n < b->n);
}

static int
m_field_cmp(const struct m_field *f, const void *a, const void *b)
{
	switch (f->type) {
	case M_STR:
		return m_str_cmp(CFIELD(char *, f, a), CFIELD(char *, f, b));
	case M_INT:
	case M_TIME: {
		int64_t x = CFIELD(int64_t, f, a), y = CFIELD(int64_t, f, b);

		return (x > y) - (x < y);
	}
	case M_DBL: {
		double x = CFIELD(double, f, a), y = CFIELD(double, f, b);

		if (isnan(x) || isnan(y))
			return isnan(y) - isnan(x);
		return (x > y) - (x < y);
	}
	case M_TRI: {
		int x = CFIELD(int, f, a), y = CFIELD(int, f, b);

		return (x > y) - (x < y);
	}
	case M_LIST:
		return m_list_cmp(&CFIELD(struct m_list, f, a), &CFIELD(struct m_list, f, b));
	}
	return 0;
}

int
m_key_cmp(const struct m_type *t, const void *a, const void *b)
{
	for (size_t i = 0; i < t->nfields; i++) {
		int c;

		if (!(t->fields[i].flags & M_KEY))
			continue;
		c = m_field_cmp(&t->fields[i], a, b);
		if (c != 0)
			return c;
	}
	return 0;
}

int
m_equal(const struct m_type *t, const void *a, const void *b)
{
	for (size_t i = 0; i < t->nfields; i++) {
		if (m_field_cmp(&t->fields[i], a, b) != 0)
			return 0;
	}
	return 1;
}

static int
m_field_absent(const struct m_field *f, const void *rec)
{
	const void *p = m_field_cptr(f, rec);

	switch (f->type) {
	case M_STR: return *(char *const *)p == NULL;
	case M_INT: return *(const int64_t *)p == M_INT_NONE;
	case M_DBL: return isnan(*(const double *)p);
	case M_TRI: return *(const int *)p == M_TRI_UNKNOWN;
	case M_TIME: return *(const int64_t *)p == 0;
	case M_LIST: return ((const struct m_list *)p)->n == 0;
	}
	return 0;
}

int
m_same_content(const struct m_type *t, const void *old, const void *fresh)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];

		if (f->flags & M_POLLTIME)
			continue;
		if ((f->flags & M_CARRY) && m_field_absent(f, fresh))
			continue;
		if (m_field_cmp(f, old, fresh) != 0)
			return 0;
	}
	return 1;
}

int
m_copy_polltime(const struct m_type *t, void *dst, const void *src)
{
	int differed = 0;

	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];
		int64_t *d, v;

		if (!(f->flags & M_POLLTIME))
			continue;
		if (f->type != M_TIME)
			abort();	/* a polltime field is a time (records.h) */
		d = m_field_ptr(f, dst);
		v = *(const int64_t *)m_field_cptr(f, src);
		differed |= *d != v;
		*d = v;
	}
	return differed;
}

uint64_t
m_key_hash(const struct m_type *t, const void *rec)
{
	uint64_t h = FNV_OFFSET;

	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];
		unsigned char le[8];
		int64_t v;

		if (!(f->flags & M_KEY))
			continue;
		switch (f->type) {
		case M_STR: {
			const char *s = CFIELD(char *, f, rec);

			if (s != NULL)
				h = fnv_add(h, s, strlen(s));
			h = fnv_add(h, "\0", 1);
			break;
		}
		case M_INT:
		case M_TIME:
		case M_TRI:
			v = f->type == M_TRI ? CFIELD(int, f, rec) : CFIELD(int64_t, f, rec);
			for (int k = 0; k < 8; k++)
				le[k] = (unsigned char)((uint64_t)v >> (8 * k));
			h = fnv_add(h, le, 8);
			break;
		case M_DBL:
		case M_LIST:
			break;	/* not used as keys */
		}
	}
	return h;
}

static uint64_t
m_fnv_str(uint64_t h, const char *s)
{
	/* NULL and "" differ: a terminator byte only for strings. */
	return s != NULL ? fnv_add(h, s, strlen(s) + 1) : fnv_add(h, "\xff", 1);
}

/* FNV-1a of every field not flagged with one of SKIP. */
static uint64_t
m_hash_fields(const struct m_type *t, const void *rec, unsigned skip)
{
	uint64_t h = FNV_OFFSET;

	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];
		const void *p = m_field_cptr(f, rec);

		if (f->flags & skip)
			continue;
		switch (f->type) {
		case M_STR:
			h = m_fnv_str(h, *(char *const *)p);
			break;
		case M_INT:
		case M_TIME:
			h = fnv_add(h, p, sizeof(int64_t));
			break;
		case M_TRI:
			h = fnv_add(h, p, sizeof(int));
			break;
		case M_DBL:
			h = fnv_add(h, p, sizeof(double));
			break;
		case M_LIST: {
			const struct m_list *l = p;

			h = fnv_add(h, &l->n, sizeof l->n);
			for (size_t j = 0; j < l->n; j++)
				h = m_fnv_str(h, l->v[j]);
			break;
		}
		}
	}
	return h | 1;
}

uint64_t
m_content_hash(const struct m_type *t, const void *rec)
{
	return m_hash_fields(t, rec, M_POLLTIME | M_CARRY);
}

uint64_t
m_state_hash(const struct m_type *t, const void *rec)
{
	return m_hash_fields(t, rec, M_POLLTIME | M_CARRY | M_PROGRESS);
}

const struct m_field *
m_field_find(const struct m_type *t, const char *name)
{
	for (size_t i = 0; i < t->nfields; i++) {
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	}
	return NULL;
}

static cJSON *
m_time_to_json(int64_t ms)
{
	char buf[32];

	if (ms == 0)
		return cJSON_CreateNull();
	if (ms % 1000 == 0)
		time_format_iso8601(ms, buf, sizeof buf);
	else
		time_format_iso8601_ms(ms, buf, sizeof buf);
	return cJSON_CreateString(buf);
}

cJSON *
m_to_json(const struct m_type *t, const void *rec)
{
	cJSON *obj = cJSON_CreateObject();

	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];
		cJSON *v = NULL;

		switch (f->type) {
		case M_STR: {
			const char *s = CFIELD(char *, f, rec);

			v = s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
			break;
		}
		case M_INT: {
			int64_t x = CFIELD(int64_t, f, rec);

			v = x == M_INT_NONE ? cJSON_CreateNull() : cJSON_CreateNumber((double)x);
			break;
		}
		case M_DBL: {
			double x = CFIELD(double, f, rec);

			v = isfinite(x) ? cJSON_CreateNumber(x) : cJSON_CreateNull();
			break;
		}
		case M_TRI: {
			int x = CFIELD(int, f, rec);

			v = x < 0 ? cJSON_CreateNull() : cJSON_CreateBool(x);
			break;
		}
		case M_TIME:
			v = m_time_to_json(CFIELD(int64_t, f, rec));
			break;
		case M_LIST: {
			const struct m_list *l = &CFIELD(struct m_list, f, rec);

			v = cJSON_CreateArray();
			for (size_t k = 0; k < l->n; k++)
				cJSON_AddItemToArray(v, cJSON_CreateString(l->v[k]));
			break;
		}
		}
		cJSON_AddItemToObject(obj, f->name, v);
	}
	return obj;
}

static int
m_field_from_json(const struct m_field *f, void *rec, const cJSON *v)
{
	if (cJSON_IsNull(v))
		return 0;	/* stays absent */
	switch (f->type) {
	case M_STR:
		if (!cJSON_IsString(v))
			return -1;
		m_str_set(&FIELD(char *, f, rec), v->valuestring);
		return 0;
	case M_INT:
		if (!cJSON_IsNumber(v))
			return -1;
		FIELD(int64_t, f, rec) = (int64_t)v->valuedouble;
		return 0;
	case M_DBL:
		if (!cJSON_IsNumber(v))
			return -1;
		FIELD(double, f, rec) = v->valuedouble;
		return 0;
	case M_TRI:
		if (!cJSON_IsBool(v))
			return -1;
		FIELD(int, f, rec) = cJSON_IsTrue(v);
		return 0;
	case M_TIME:
		if (!cJSON_IsString(v) || time_parse_iso8601(v->valuestring, &FIELD(int64_t, f, rec)))
			return -1;
		return 0;
	case M_LIST: {
		const cJSON *item;

		if (!cJSON_IsArray(v))
			return -1;
		cJSON_ArrayForEach(item, v) {
			if (!cJSON_IsString(item))
				return -1;
			m_list_add(&FIELD(struct m_list, f, rec), item->valuestring);
		}
		return 0;
	}
	}
	return -1;
}

int
m_from_json(const struct m_type *t, void *rec, const cJSON *obj)
{
	if (!cJSON_IsObject(obj))
		return -1;
	for (size_t i = 0; i < t->nfields; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, t->fields[i].name);

		if (v != NULL && m_field_from_json(&t->fields[i], rec, v) != 0)
			return -1;
	}
	return 0;
}

void
m_str_set(char **field, const char *raw)
{
	free(*field);
	*field = sanitize_str(raw);
}

void
m_str_setn(char **field, const char *raw, size_t len)
{
	free(*field);
	*field = raw != NULL ? sanitize_mem(raw, len) : NULL;
}

void
m_list_add(struct m_list *l, const char *raw)
{
	if (raw == NULL)
		return;
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = sanitize_str(raw);
}

int
m_list_contains(const struct m_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], s) == 0)
			return 1;
	}
	return 0;
}

char *
m_list_join(const struct m_list *l, const char *sep)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			buf_append_str(&b, sep);
		buf_append_str(&b, l->v[i]);
	}
	return buf_detach(&b);
}

void
m_vec_init(struct m_vec *v, const struct m_type *t)
{
	v->type = t;
	v->items = NULL;
	v->n = 0;
	v->cap = 0;
}

void *
m_vec_at(const struct m_vec *v, size_t i)
{
	return (char *)v->items + i * v->type->size;
}

void *
m_vec_push(struct m_vec *v)
{
	void *rec;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->items = xreallocarray(v->items, v->cap, v->type->size);
	}
	rec = m_vec_at(v, v->n++);
	m_init(v->type, rec);
	return rec;
}

void *
m_vec_push_copy(struct m_vec *v, const void *src)
{
	void *rec = m_vec_push(v);

	m_copy(v->type, rec, src);
	return rec;
}

void
m_vec_clear(struct m_vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		m_free(v->type, m_vec_at(v, i));
	v->n = 0;
}

void
m_vec_free(struct m_vec *v)
{
	m_vec_clear(v);
	free(v->items);
	v->items = NULL;
	v->cap = 0;
}

void
m_vec_remove(struct m_vec *v, size_t i)
{
	m_free(v->type, m_vec_at(v, i));
	if (i != v->n - 1)
		memcpy(m_vec_at(v, i), m_vec_at(v, v->n - 1), v->type->size);
	v->n--;
}

void *
m_vec_find_key(const struct m_vec *v, const void *key)
{
	for (size_t i = 0; i < v->n; i++) {
		void *rec = m_vec_at(v, i);

		if (m_key_cmp(v->type, rec, key) == 0)
			return rec;
	}
	return NULL;
}

void
m_vec_sort(struct m_vec *v, int (*cmp)(const void *, const void *))
{
	if (v->n > 1)
		qsort(v->items, v->n, v->type->size, cmp);
}
