/* The data model's machinery: every record kind (an RDS instance, a
 * session, a failed login, ...) is a plain C struct described by a field
 * table. Code reads and writes the structs directly; generic code walks
 * the table to free, copy, compare keys, and write JSON or SQL rows, so
 * no record needs hand-written serialization.
 *
 * Value conventions (so "unknown" is never mistaken for "false" or 0):
 *   M_STR   char *        NULL = absent. Always sanitized: set it with
 *                          m_str_set() (or assign a sanitize_*() result).
 *   M_INT   int64_t       M_INT_NONE = absent
 *   M_DBL   double        NAN = absent
 *   M_TRI   int           M_TRI_UNKNOWN (-1), 0 false, 1 true
 *   M_TIME  int64_t       ms since the epoch, UTC; 0 = absent
 *   M_LIST  struct m_list NULL-free array of sanitized strings */
#ifndef RW_MODEL_MODEL_H
#define RW_MODEL_MODEL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define M_INT_NONE INT64_MIN
#define M_TRI_UNKNOWN (-1)

enum m_ftype {
	M_STR,
	M_INT,
	M_DBL,
	M_TRI,
	M_TIME,
	M_LIST,
};

/* Field flags. */
#define M_KEY  0x1	/* part of the record's natural key */
/* When a poll saw the record (observed_at, last_seen): it moves with every
 * poll and is not a change of the record. A scalar (M_TIME). */
#define M_POLLTIME 0x2
/* Left absent by a poll and carried over from the record it replaces
 * (a session's first_seen). */
#define M_CARRY 0x4
/* What moves with every poll or with the clock (when a source last tried,
 * how long it took, the oldest transaction's age): the screen shows it as
 * an age or a figure; not a change of state (m_state_hash). */
#define M_PROGRESS 0x8

struct m_list {
	char **v;
	size_t n;
};

struct m_field {
	const char *name;	/* snake_case: JSON key and SQL column */
	enum m_ftype type;
	size_t offset;
	unsigned flags;
};

struct m_type {
	const char *name;	/* "session", "failed_login", ... */
	size_t size;
	const struct m_field *fields;
	size_t nfields;
	/* Called by m_init after the fields are set to "absent". */
	void (*init)(void *rec);
};

/* C types of the field kinds, for the X-macro record definitions. */
#define M_CTYPE_STR char *
#define M_CTYPE_INT int64_t
#define M_CTYPE_DBL double
#define M_CTYPE_TRI int
#define M_CTYPE_TIME int64_t
#define M_CTYPE_LIST struct m_list

#define M_STRUCT_MEMBER(rec, ftype, name, flags) M_CTYPE_##ftype name;
#define M_FIELD_DESC(rec, ftype, name, flags) \
	{ #name, M_##ftype, offsetof(struct m_##rec, name), flags },

/* Sets every field to "absent". */
void m_init(const struct m_type *t, void *rec);
void m_free(const struct m_type *t, void *rec);
/* Deep copy into uninitialized DST. */
void m_copy(const struct m_type *t, void *dst, const void *src);
/* Compares the M_KEY fields: <0, 0, >0. */
int m_key_cmp(const struct m_type *t, const void *a, const void *b);
/* Whether every field is equal. */
int m_equal(const struct m_type *t, const void *a, const void *b);
/* Whether FRESH, a poll's record, says what OLD (the record it replaces)
 * says: every field equal but the M_POLLTIME ones, and an M_CARRY field
 * FRESH leaves absent. */
int m_same_content(const struct m_type *t, const void *old, const void *fresh);
/* Copies SRC's M_POLLTIME fields into DST; returns whether one differed. */
int m_copy_polltime(const struct m_type *t, void *dst, const void *src);
/* A stable 64-bit hash of the key fields (FNV-1a), for natural-key ids. */
uint64_t m_key_hash(const struct m_type *t, const void *rec);
/* A hash of every field but the M_POLLTIME and M_CARRY ones, never 0:
 * whether a record is the one seen before, without keeping that one (in
 * memory only; not stable across versions). */
uint64_t m_content_hash(const struct m_type *t, const void *rec);
/* The same without the M_PROGRESS fields: whether the state changed. */
uint64_t m_state_hash(const struct m_type *t, const void *rec);

const struct m_field *m_field_find(const struct m_type *t, const char *name);
/* Address of a field inside REC. */
void *m_field_ptr(const struct m_field *f, void *rec);
const void *m_field_cptr(const struct m_field *f, const void *rec);

/* The record as a JSON object (absent values as null; times ISO 8601). */
cJSON *m_to_json(const struct m_type *t, const void *rec);
/* Reads a record from JSON written by m_to_json (unknown keys ignored,
 * strings re-sanitized). Returns 0, or -1 if a value has the wrong type. */
int m_from_json(const struct m_type *t, void *rec, const cJSON *obj);

/* Sanitizing setters: every string from outside enters the model here. */
void m_str_set(char **field, const char *raw);
void m_str_setn(char **field, const char *raw, size_t len);
void m_list_add(struct m_list *l, const char *raw);
void m_list_free(struct m_list *l);
int m_list_contains(const struct m_list *l, const char *s);
/* Joins with SEP ("" for an empty list), newly allocated. */
char *m_list_join(const struct m_list *l, const char *sep);

/* A growable array of one record kind. */
struct m_vec {
	const struct m_type *type;
	void *items;
	size_t n;
	size_t cap;
};

void m_vec_init(struct m_vec *v, const struct m_type *t);
/* Appends an initialized ("absent") record and returns it. */
void *m_vec_push(struct m_vec *v);
/* Appends a deep copy of REC. */
void *m_vec_push_copy(struct m_vec *v, const void *rec);
void *m_vec_at(const struct m_vec *v, size_t i);
/* Frees the records (not the vector's memory). */
void m_vec_clear(struct m_vec *v);
void m_vec_free(struct m_vec *v);
/* Removes item I (order not kept). */
void m_vec_remove(struct m_vec *v, size_t i);
/* The first record whose key equals KEY's, or NULL. */
void *m_vec_find_key(const struct m_vec *v, const void *key);
/* Sorts with a comparator over records. */
void m_vec_sort(struct m_vec *v, int (*cmp)(const void *, const void *));

/* Iterates over a vector's records (no pointer arithmetic on an empty
 * vector's NULL, which UBSan rightly flags). */
#define M_VEC_EACH(vec, ctype, var) \
	for (ctype *var = (ctype *)(vec)->items, \
	     *var##_end_ = var != NULL ? var + (vec)->n : NULL; \
	     var != var##_end_; var++)

#endif
