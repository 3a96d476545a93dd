/* An ordered list of name/value pairs: query parameters, HTTP headers,
 * form fields. Order is kept and duplicates are allowed (SigV4 signs
 * repeated query keys and headers). */
#ifndef RW_AWS_KVLIST_H
#define RW_AWS_KVLIST_H

#include <stdarg.h>
#include <stddef.h>

struct aws_kv {
	char *name;
	char *value;
};

struct aws_kvlist {
	struct aws_kv *v;
	size_t n;
};

#define AWS_KVLIST_INIT { NULL, 0 }

void aws_kvlist_add(struct aws_kvlist *l, const char *name, const char *value);
void aws_kvlist_addf(struct aws_kvlist *l, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void aws_kvlist_vaddf(struct aws_kvlist *l, const char *name, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Removes every pair named NAME (case-insensitive) and adds NAME = VALUE. */
void aws_kvlist_set(struct aws_kvlist *l, const char *name, const char *value);
void aws_kvlist_remove(struct aws_kvlist *l, const char *name);
/* The last value named NAME, case-insensitive (HTTP headers), or NULL. */
const char *aws_kvlist_get(const struct aws_kvlist *l, const char *name);
void aws_kvlist_copy(struct aws_kvlist *dst, const struct aws_kvlist *src);
/* Frees the pairs; values are wiped first (headers can hold tokens). */
void aws_kvlist_free(struct aws_kvlist *l);

#endif
