#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/fill.h"

/* Splits "List/Item[/Sub]" into its parts (in BUF). */
static int
fill_list_path(const char *path, char *buf, size_t len, const char **list, const char **item,
    const char **sub)
{
	char *slash;

	if (strlen(path) >= len)
		return -1;
	strcpy(buf, path);
	*list = buf;
	slash = strchr(buf, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	*item = slash + 1;
	slash = strchr(slash + 1, '/');
	*sub = NULL;
	if (slash != NULL) {
		*slash = '\0';
		*sub = slash + 1;
	}
	return 0;
}

static void
fill_xml_list(const char *path, const xmlNode *node, struct m_list *l)
{
	char buf[256];
	const char *list, *item, *sub;

	if (fill_list_path(path, buf, sizeof buf, &list, &item, &sub) != 0)
		return;
	for (xmlNode *it = aws_xml_first(aws_xml_path(node, list), item); it != NULL;
	    it = aws_xml_next(it, item)) {
		char *v = sub != NULL ? aws_xml_text(it, sub) : aws_xml_node_text(it);

		if (v != NULL)
			m_list_add(l, v);
		free(v);
	}
}

void
fill_from_xml(const struct fill_map *map, size_t n, const xmlNode *node, const struct m_type *t,
    void *rec)
{
	for (size_t i = 0; i < n; i++) {
		const struct m_field *f = m_field_find(t, map[i].field);
		void *p;
		char *s;
		int64_t v;
		double d;
		int b;

		if (f == NULL)
			continue;
		p = m_field_ptr(f, rec);
		switch (f->type) {
		case M_STR:
			s = aws_xml_text(node, map[i].path);
			if (s != NULL)
				m_str_set(p, s);
			free(s);
			break;
		case M_INT:
			if (aws_xml_int(node, map[i].path, &v) == 1)
				*(int64_t *)p = v;
			break;
		case M_DBL:
			if (aws_xml_double(node, map[i].path, &d) == 1)
				*(double *)p = d;
			break;
		case M_TRI:
			if (aws_xml_bool(node, map[i].path, &b) == 1)
				*(int *)p = b;
			break;
		case M_TIME:
			if (aws_xml_time(node, map[i].path, &v) == 1)
				*(int64_t *)p = v;
			break;
		case M_LIST:
			fill_xml_list(map[i].path, node, p);
			break;
		}
	}
}

const cJSON *
fill_json_path(const cJSON *obj, const char *path)
{
	const char *p = path;

	while (obj != NULL && p != NULL && *p != '\0') {
		const char *dot = strchr(p, '.');
		size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		const cJSON *next = NULL;

		if (!cJSON_IsObject(obj))
			return NULL;
		for (const cJSON *c = obj->child; c != NULL; c = c->next) {
			if (c->string != NULL && strlen(c->string) == len &&
			    memcmp(c->string, p, len) == 0) {
				next = c;
				break;
			}
		}
		obj = next;
		p = dot != NULL ? dot + 1 : NULL;
	}
	return obj;
}

static void
fill_json_value(const struct m_field *f, void *p, const cJSON *v)
{
	switch (f->type) {
	case M_STR:
		if (cJSON_IsString(v))
			m_str_set(p, v->valuestring);
		else if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
			char *s = xasprintf("%.17g", v->valuedouble);

			m_str_set(p, s);
			free(s);
		}
		break;
	case M_INT:
		if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && fabs(v->valuedouble) < 9e15)
			*(int64_t *)p = (int64_t)v->valuedouble;
		break;
	case M_DBL:
		if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
			*(double *)p = v->valuedouble;
		break;
	case M_TRI:
		if (cJSON_IsBool(v))
			*(int *)p = cJSON_IsTrue(v);
		else if (cJSON_IsString(v) && (strcmp(v->valuestring, "true") == 0 ||
		    strcmp(v->valuestring, "false") == 0))
			*(int *)p = v->valuestring[0] == 't';
		break;
	case M_TIME: {
		int64_t ms;

		/* Epoch seconds, as the JSON protocols send timestamps, or ISO 8601. */
		if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && fabs(v->valuedouble) < 1e12)
			*(int64_t *)p = (int64_t)(v->valuedouble * 1000.0 +
			    (v->valuedouble >= 0 ? 0.5 : -0.5));
		else if (cJSON_IsString(v) && time_parse_iso8601(v->valuestring, &ms) == 0)
			*(int64_t *)p = ms;
		break;
	}
	case M_LIST:
		if (cJSON_IsArray(v)) {
			const cJSON *it;

			cJSON_ArrayForEach(it, v) {
				if (cJSON_IsString(it))
					m_list_add(p, it->valuestring);
			}
		} else if (cJSON_IsString(v))
			m_list_add(p, v->valuestring);
		break;
	}
}

void
fill_from_json(const struct fill_map *map, size_t n, const cJSON *obj, const struct m_type *t,
    void *rec)
{
	for (size_t i = 0; i < n; i++) {
		const struct m_field *f = m_field_find(t, map[i].field);
		const cJSON *v;

		if (f == NULL || (v = fill_json_path(obj, map[i].path)) == NULL || cJSON_IsNull(v))
			continue;
		fill_json_value(f, m_field_ptr(f, rec), v);
	}
}
