#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/xmalloc.h"
#include "store/row.h"

#define FIELD(type, f, rec) (*(type *)m_field_ptr((f), (rec)))
#define CFIELD(type, f, rec) (*(const type *)m_field_cptr((f), (rec)))

const char *
store_row_sqltype(enum m_ftype t)
{
	switch (t) {
	case M_STR: return "TEXT";
	case M_INT: return "INTEGER";
	case M_DBL: return "REAL";
	case M_TRI: return "INTEGER";
	case M_TIME: return "INTEGER";
	case M_LIST: return "TEXT";
	}
	return "BLOB";
}

char *
store_row_list_encode(const struct m_list *l)
{
	cJSON *a = cJSON_CreateArray();
	char *text, *out;

	for (size_t i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
	text = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	out = xstrdup(text != NULL ? text : "[]");
	cJSON_free(text);
	return out;
}

void
store_row_list_decode(const char *text, struct m_list *l)
{
	cJSON *a = cJSON_Parse(text);
	const cJSON *item;

	cJSON_ArrayForEach(item, a) {
		if (cJSON_IsString(item))
			m_list_add(l, item->valuestring);
	}
	cJSON_Delete(a);
}

int
store_row_bind(sqlite3_stmt *st, int idx, const struct m_field *f, const void *rec, int64_t base)
{
	switch (f->type) {
	case M_STR: {
		const char *s = CFIELD(char *, f, rec);

		return s != NULL ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT) :
		    sqlite3_bind_null(st, idx);
	}
	case M_INT: {
		int64_t v = CFIELD(int64_t, f, rec);

		return v != M_INT_NONE ? sqlite3_bind_int64(st, idx, v) : sqlite3_bind_null(st, idx);
	}
	case M_DBL: {
		double v = CFIELD(double, f, rec);

		return !isnan(v) ? sqlite3_bind_double(st, idx, v) : sqlite3_bind_null(st, idx);
	}
	case M_TRI: {
		int v = CFIELD(int, f, rec);

		return v >= 0 ? sqlite3_bind_int(st, idx, v) : sqlite3_bind_null(st, idx);
	}
	case M_TIME: {
		int64_t v = CFIELD(int64_t, f, rec);

		return v != 0 ? sqlite3_bind_int64(st, idx, v - base) : sqlite3_bind_null(st, idx);
	}
	case M_LIST: {
		const struct m_list *l = &CFIELD(struct m_list, f, rec);

		if (l->n == 0)
			return sqlite3_bind_null(st, idx);
		return sqlite3_bind_text(st, idx, store_row_list_encode(l), -1, free);
	}
	}
	return SQLITE_MISUSE;
}

void
store_row_read(sqlite3_stmt *st, int col, const struct m_field *f, void *rec, int64_t base)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return;
	switch (f->type) {
	case M_STR: {
		const char *s = (const char *)sqlite3_column_text(st, col);

		m_str_setn(&FIELD(char *, f, rec), s, (size_t)sqlite3_column_bytes(st, col));
		break;
	}
	case M_INT:
		FIELD(int64_t, f, rec) = sqlite3_column_int64(st, col);
		break;
	case M_DBL:
		FIELD(double, f, rec) = sqlite3_column_double(st, col);
		break;
	case M_TRI:
		FIELD(int, f, rec) = sqlite3_column_int(st, col) != 0;
		break;
	case M_TIME:
		FIELD(int64_t, f, rec) = sqlite3_column_int64(st, col) + base;
		break;
	case M_LIST:
		store_row_list_decode((const char *)sqlite3_column_text(st, col),
		    &FIELD(struct m_list, f, rec));
		break;
	}
}

static int
store_row_str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
store_row_field_equal(const struct m_field *f, const void *a, const void *b)
{
	switch (f->type) {
	case M_STR:
		return store_row_str_equal(CFIELD(char *, f, a), CFIELD(char *, f, b));
	case M_INT:
	case M_TIME:
		return CFIELD(int64_t, f, a) == CFIELD(int64_t, f, b);
	case M_DBL: {
		double x = CFIELD(double, f, a), y = CFIELD(double, f, b);

		return (isnan(x) && isnan(y)) || x == y;
	}
	case M_TRI:
		return CFIELD(int, f, a) == CFIELD(int, f, b);
	case M_LIST: {
		const struct m_list *x = &CFIELD(struct m_list, f, a), *y = &CFIELD(struct m_list, f, b);

		if (x->n != y->n)
			return 0;
		for (size_t i = 0; i < x->n; i++) {
			if (strcmp(x->v[i], y->v[i]) != 0)
				return 0;
		}
		return 1;
	}
	}
	return 0;
}

void
store_row_field_copy(const struct m_field *f, void *dst, const void *src)
{
	switch (f->type) {
	case M_STR: {
		const char *s = CFIELD(char *, f, src);

		free(FIELD(char *, f, dst));
		FIELD(char *, f, dst) = s != NULL ? xstrdup(s) : NULL;
		break;
	}
	case M_LIST: {
		const struct m_list *s = &CFIELD(struct m_list, f, src);
		struct m_list *d = &FIELD(struct m_list, f, dst);

		m_list_free(d);
		for (size_t i = 0; i < s->n; i++)
			m_list_add(d, s->v[i]);
		break;
	}
	case M_INT:
	case M_TIME:
		FIELD(int64_t, f, dst) = CFIELD(int64_t, f, src);
		break;
	case M_DBL:
		FIELD(double, f, dst) = CFIELD(double, f, src);
		break;
	case M_TRI:
		FIELD(int, f, dst) = CFIELD(int, f, src);
		break;
	}
}
