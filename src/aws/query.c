#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/query.h"
#include "aws/uri.h"
#include "core/buf.h"
#include "core/xmalloc.h"

void
aws_params_add(struct aws_params *p, const char *name, const char *value)
{
	aws_kvlist_add(&p->kv, name, value);
}

void
aws_params_addf(struct aws_params *p, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aws_kvlist_vaddf(&p->kv, name, fmt, ap);
	va_end(ap);
}

void
aws_params_add_int(struct aws_params *p, const char *name, long long value)
{
	aws_params_addf(p, name, "%lld", value);
}

char *
aws_params_member(const char *list, size_t n, const char *field, int ec2)
{
	return xasprintf("%s.%s%zu%s%s", list, ec2 ? "" : "member.", n, field != NULL ? "." : "",
	    field != NULL ? field : "");
}

void
aws_params_add_list(struct aws_params *p, const char *name, const char *const *values, size_t n,
    int ec2)
{
	for (size_t i = 0; i < n; i++) {
		char *key = aws_params_member(name, i + 1, NULL, ec2);

		aws_kvlist_add(&p->kv, key, values[i]);
		free(key);
	}
}

void
aws_params_add_map(struct aws_params *p, const char *name, const char *const *keys,
    const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *k = xasprintf("%s.entry.%zu.key", name, i + 1);
		char *v = xasprintf("%s.entry.%zu.value", name, i + 1);

		aws_kvlist_add(&p->kv, k, keys[i]);
		aws_kvlist_add(&p->kv, v, values[i]);
		free(k);
		free(v);
	}
}

void
aws_params_free(struct aws_params *p)
{
	aws_kvlist_free(&p->kv);
}

static void
aws_query_pair(struct buf *b, const char *k, const char *v)
{
	if (b->len > 0)
		buf_append_char(b, '&');
	aws_uri_encode(b, k, strlen(k), 0);
	buf_append_char(b, '=');
	aws_uri_encode(b, v, strlen(v), 0);
}

char *
aws_query_encode(const char *action, const char *version, const struct aws_params *p)
{
	struct buf b = BUF_INIT;

	aws_query_pair(&b, "Action", action);
	aws_query_pair(&b, "Version", version);
	for (size_t i = 0; p != NULL && i < p->kv.n; i++)
		aws_query_pair(&b, p->kv.v[i].name, p->kv.v[i].value);
	return buf_detach(&b);
}

void
aws_query_decode(const char *body, size_t len, struct aws_kvlist *out)
{
	size_t pos = 0;

	while (pos < len) {
		const char *amp = memchr(body + pos, '&', len - pos);
		size_t end = amp != NULL ? (size_t)(amp - body) : len;
		const char *eq = memchr(body + pos, '=', end - pos);
		size_t klen = eq != NULL ? (size_t)(eq - body) - pos : end - pos;
		char *k, *v;

		if (end > pos) {
			k = aws_uri_decode(body + pos, klen, 1, NULL);
			v = eq != NULL ? aws_uri_decode(eq + 1, end - (size_t)(eq + 1 - body), 1, NULL)
			    : xstrdup("");
			aws_kvlist_add(out, k, v);
			free(k);
			free(v);
		}
		pos = end + 1;
	}
}
