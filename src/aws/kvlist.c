#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "aws/kvlist.h"
#include "core/xmalloc.h"

void
aws_kvlist_add(struct aws_kvlist *l, const char *name, const char *value)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].value = xstrdup(value != NULL ? value : "");
	l->n++;
}

void
aws_kvlist_vaddf(struct aws_kvlist *l, const char *name, const char *fmt, va_list ap)
{
	char *v = xvasprintf(fmt, ap);

	aws_kvlist_add(l, name, v);
	free(v);
}

void
aws_kvlist_addf(struct aws_kvlist *l, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aws_kvlist_vaddf(l, name, fmt, ap);
	va_end(ap);
}

static void
aws_kv_wipe(struct aws_kv *kv)
{
	OPENSSL_cleanse(kv->value, strlen(kv->value));
	free(kv->name);
	free(kv->value);
}

void
aws_kvlist_remove(struct aws_kvlist *l, const char *name)
{
	size_t out = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (strcasecmp(l->v[i].name, name) == 0)
			aws_kv_wipe(&l->v[i]);
		else
			l->v[out++] = l->v[i];
	}
	l->n = out;
}

void
aws_kvlist_set(struct aws_kvlist *l, const char *name, const char *value)
{
	aws_kvlist_remove(l, name);
	aws_kvlist_add(l, name, value);
}

const char *
aws_kvlist_get(const struct aws_kvlist *l, const char *name)
{
	for (size_t i = l->n; i-- > 0;) {
		if (strcasecmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	}
	return NULL;
}

void
aws_kvlist_copy(struct aws_kvlist *dst, const struct aws_kvlist *src)
{
	for (size_t i = 0; i < src->n; i++)
		aws_kvlist_add(dst, src->v[i].name, src->v[i].value);
}

void
aws_kvlist_free(struct aws_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		aws_kv_wipe(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
