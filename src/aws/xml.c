#include <config.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "aws/xml.h"
#include "core/buf.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

static int
aws_xml_depth_ok(const xmlNode *n, int depth)
{
	if (depth > AWS_XML_MAX_DEPTH)
		return 0;
	for (const xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && !aws_xml_depth_ok(c, depth + 1))
			return 0;
	}
	return 1;
}

/* Keeps libxml2 from writing parse errors to stderr (the TUI owns it). */
static void
aws_xml_silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* XML 1.0 forbids C0 controls (but tab, LF, CR) and invalid UTF-8, yet a
 * hostile or sloppy endpoint may put them in a value (an event message, a
 * tag). Rather than lose the whole answer, such bytes become the visible
 * escapes the sanitizer would have written for them ("\x1b"), so what a
 * record holds is what sanitizing the raw value gives. NULL when the body
 * needs no change. */
static char *
aws_xml_tolerate(const char *data, size_t len, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)data;
	struct buf b;
	size_t i = 0, clean = 0;	/* data[clean..i) is copied when a bad byte comes */
	int changed = 0;

	buf_init(&b);
	while (i < len) {
		uint32_t cp;
		size_t n = s[i] < 0x80 ? 1 : sanitize_utf8_decode(s + i, len - i, &cp);
		int bad = n == 0 || (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r');

		if (!bad) {
			i += n;
			continue;
		}
		buf_append(&b, data + clean, i - clean);
		buf_printf(&b, "\\x%02x", s[i]);
		changed = 1;
		i++;
		clean = i;
	}
	if (!changed) {
		buf_free(&b);
		return NULL;
	}
	buf_append(&b, data + clean, len - clean);
	*out_len = b.len;
	return buf_detach(&b);
}

static xmlDoc *
aws_xml_read(const char *data, size_t len, const char **why)
{
	xmlDoc *doc;
	size_t fixed_len = 0;
	char *fixed;

	/* NONET: no fetching; no NOENT (entities stay unexpanded), no
	 * DTDLOAD; NOBLANKS drops whitespace-only text nodes. */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA;

	*why = NULL;
	if (len == 0) {
		*why = "empty body";
		return NULL;
	}
	if (len > INT_MAX) {
		*why = "body too large";
		return NULL;
	}
	xmlSetGenericErrorFunc(NULL, aws_xml_silent);
	fixed = aws_xml_tolerate(data, len, &fixed_len);
	if (fixed != NULL && fixed_len > INT_MAX) {
		free(fixed);
		*why = "body too large";
		return NULL;
	}
	doc = xmlReadMemory(fixed != NULL ? fixed : data, (int)(fixed != NULL ? fixed_len : len),
	    "response.xml", NULL, opts);
	free(fixed);
	if (doc == NULL) {
		*why = "not well-formed XML (truncated or malformed)";
		return NULL;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		*why = "XML with a document type declaration (refused)";
		return NULL;
	}
	if (xmlDocGetRootElement(doc) == NULL || !aws_xml_depth_ok(xmlDocGetRootElement(doc), 1)) {
		xmlFreeDoc(doc);
		*why = "XML without a root element or nested too deeply";
		return NULL;
	}
	return doc;
}

xmlDoc *
aws_xml_parse(const char *data, size_t len, const char *service, const char *operation,
    struct rw_error *err)
{
	const char *why;
	xmlDoc *doc = aws_xml_read(data, len, &why);

	if (doc == NULL)
		err_set(err, ERR_PARSE, service, operation, "unreadable response: %s", why);
	return doc;
}

static int
aws_xml_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    (name == NULL || strcmp((const char *)n->name, name) == 0);
}

xmlNode *
aws_xml_first(const xmlNode *parent, const char *name)
{
	if (parent == NULL)
		return NULL;
	for (xmlNode *c = parent->children; c != NULL; c = c->next) {
		if (aws_xml_is(c, name))
			return c;
	}
	return NULL;
}

xmlNode *
aws_xml_next(const xmlNode *node, const char *name)
{
	if (node == NULL)
		return NULL;
	for (xmlNode *c = node->next; c != NULL; c = c->next) {
		if (aws_xml_is(c, name))
			return c;
	}
	return NULL;
}

xmlNode *
aws_xml_child(const xmlNode *node, const char *name)
{
	return aws_xml_first(node, name);
}

size_t
aws_xml_count(const xmlNode *parent, const char *name)
{
	size_t n = 0;

	for (xmlNode *c = aws_xml_first(parent, name); c != NULL; c = aws_xml_next(c, name))
		n++;
	return n;
}

xmlNode *
aws_xml_path(const xmlNode *node, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	const xmlNode *cur = node;

	for (char *s = strtok_r(copy, "/", &save); s != NULL && cur != NULL;
	    s = strtok_r(NULL, "/", &save))
		cur = aws_xml_child(cur, s);
	free(copy);
	return (xmlNode *)cur;
}

char *
aws_xml_node_text(const xmlNode *node)
{
	xmlChar *t;
	char *out;

	if (node == NULL)
		return NULL;
	t = xmlNodeGetContent(node);
	out = xstrdup(t != NULL ? (const char *)t : "");
	xmlFree(t);
	return out;
}

char *
aws_xml_text(const xmlNode *node, const char *path)
{
	return aws_xml_node_text(aws_xml_path(node, path));
}

/* The trimmed text at PATH, or NULL. */
static char *
aws_xml_trimmed(const xmlNode *node, const char *path)
{
	char *t = aws_xml_text(node, path);
	size_t start, end;

	if (t == NULL)
		return NULL;
	start = strspn(t, " \t\r\n");
	end = strlen(t);
	while (end > start && strchr(" \t\r\n", t[end - 1]) != NULL)
		end--;
	memmove(t, t + start, end - start);
	t[end - start] = '\0';
	return t;
}

int
aws_xml_int(const xmlNode *node, const char *path, int64_t *out)
{
	char *t = aws_xml_trimmed(node, path), *end;
	long long v;
	int rc;

	if (t == NULL)
		return 0;
	errno = 0;
	v = strtoll(t, &end, 10);
	rc = (errno == 0 && end != t && *end == '\0') ? 1 : -1;
	if (rc == 1)
		*out = v;
	free(t);
	return rc;
}

int
aws_xml_double(const xmlNode *node, const char *path, double *out)
{
	char *t = aws_xml_trimmed(node, path), *end;
	double v;
	int rc;

	if (t == NULL)
		return 0;
	errno = 0;
	v = strtod(t, &end);
	rc = (errno == 0 && end != t && *end == '\0' && isfinite(v)) ? 1 : -1;
	if (rc == 1)
		*out = v;
	free(t);
	return rc;
}

int
aws_xml_bool(const xmlNode *node, const char *path, int *out)
{
	char *t = aws_xml_trimmed(node, path);
	int rc = -1;

	if (t == NULL)
		return 0;
	if (strcasecmp(t, "true") == 0) {
		*out = 1;
		rc = 1;
	} else if (strcasecmp(t, "false") == 0) {
		*out = 0;
		rc = 1;
	}
	free(t);
	return rc;
}

int
aws_xml_time(const xmlNode *node, const char *path, int64_t *out)
{
	char *t = aws_xml_trimmed(node, path);
	int rc;

	if (t == NULL)
		return 0;
	rc = time_parse_iso8601(t, out) == 0 ? 1 : -1;
	free(t);
	return rc;
}

xmlNode *
aws_xml_result(xmlDoc *doc, const char *operation)
{
	xmlNode *root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	char name[160];

	if (root == NULL)
		return NULL;
	snprintf(name, sizeof name, "%sResponse", operation);
	if (strcmp((const char *)root->name, name) != 0)
		return NULL;
	snprintf(name, sizeof name, "%sResult", operation);
	{
		xmlNode *res = aws_xml_child(root, name);

		return res != NULL ? res : root;	/* EC2: no Result wrapper */
	}
}

int
aws_xml_parse_error(const char *data, size_t len, char **code, char **message, char **request_id)
{
	const char *why;
	xmlDoc *doc = aws_xml_read(data, len, &why);
	xmlNode *root, *e;

	*code = *message = *request_id = NULL;
	if (doc == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (strcmp((const char *)root->name, "ErrorResponse") == 0)
		e = aws_xml_child(root, "Error");
	else if (strcmp((const char *)root->name, "Response") == 0)
		e = aws_xml_path(root, "Errors/Error");
	else if (strcmp((const char *)root->name, "Error") == 0)
		e = root;
	else
		e = NULL;
	if (e != NULL) {
		*code = aws_xml_trimmed(e, "Code");
		*message = aws_xml_text(e, "Message");
	}
	*request_id = aws_xml_trimmed(root, "RequestId");
	if (*request_id == NULL)
		*request_id = aws_xml_trimmed(root, "RequestID");
	xmlFreeDoc(doc);
	if (*code == NULL || **code == '\0') {
		free(*code);
		free(*message);
		free(*request_id);
		*code = *message = *request_id = NULL;
		return -1;
	}
	return 0;
}
