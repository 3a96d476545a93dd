#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "core/buf.h"
#include "core/inifile.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

/* Lines shorter than this reach inih unchanged (its buffer is
 * INI_MAX_LINE, 200 in Debian's build; stay well inside it). */
#define INIFILE_SHORT 160
#define INIFILE_MARK '\x01'

struct inifile_ctx {
	FILE *file;		/* either a file ... */
	const char *text;	/* ... or a string */
	size_t pos;
	int lineno;
	char *line;
	size_t cap;
	struct buf rewritten;
	char **long_values;	/* placeholders' real text */
	size_t nlong;
	inifile_handler handler;
	void *user;
};

/* The next whole line (with its newline), or NULL at the end. */
static const char *
inifile_next_line(struct inifile_ctx *c)
{
	if (c->file != NULL) {
		ssize_t n = getline(&c->line, &c->cap, c->file);

		return n < 0 ? NULL : c->line;
	} else {
		const char *start = c->text + c->pos, *nl;
		size_t len;

		if (*start == '\0')
			return NULL;
		nl = strchr(start, '\n');
		len = nl != NULL ? (size_t)(nl - start) + 1 : strlen(start);
		if (len + 1 > c->cap) {
			c->cap = len + 1;
			c->line = xrealloc(c->line, c->cap);
		}
		memcpy(c->line, start, len);
		c->line[len] = '\0';
		c->pos += len;
		return c->line;
	}
}

/* inih's inline comment rule: ';' at the start or after whitespace. */
static size_t
inifile_comment_at(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == ';' && (i == 0 || isspace((unsigned char)s[i - 1])))
			return i;
	}
	return len;
}

/* Rewrites a long line as "<name part>= \1N\1", stashing the value. */
static void
inifile_shorten(struct inifile_ctx *c, const char *line)
{
	size_t len = strcspn(line, "\r\n"), start = 0, sep, vbeg, vend;
	char mark[32];

	buf_reset(&c->rewritten);
	while (start < len && isspace((unsigned char)line[start]))
		start++;
	if (start < len && (line[start] == ';' || line[start] == '#')) {
		buf_append_str(&c->rewritten, "#\n");
		return;
	}
	if (start < len && line[start] == '[') {
		/* A section name this long is an error; let inih say so. */
		buf_append(&c->rewritten, line, INIFILE_SHORT);
		buf_append_char(&c->rewritten, '\n');
		return;
	}
	sep = start + strcspn(line + start, "=:");
	if (sep >= len || sep - start > INIFILE_SHORT / 2) {
		sep = start;	/* no name part: the whole line is a value */
		vbeg = start;
	} else {
		vbeg = sep + 1;
	}
	vend = vbeg + inifile_comment_at(line + vbeg, len - vbeg);
	while (vbeg < vend && isspace((unsigned char)line[vbeg]))
		vbeg++;
	while (vend > vbeg && isspace((unsigned char)line[vend - 1]))
		vend--;

	c->long_values = xreallocarray(c->long_values, c->nlong + 1, sizeof *c->long_values);
	c->long_values[c->nlong] = xstrndup(line + vbeg, vend - vbeg);
	snprintf(mark, sizeof mark, "%c%zu%c", INIFILE_MARK, c->nlong, INIFILE_MARK);
	c->nlong++;

	buf_append(&c->rewritten, line, sep == start && vbeg == start ? start : sep + 1);
	if (sep != start || vbeg != start)
		buf_append_char(&c->rewritten, ' ');
	buf_append_str(&c->rewritten, mark);
	buf_append_char(&c->rewritten, '\n');
}

static char *
inifile_reader(char *str, int num, void *stream)
{
	struct inifile_ctx *c = stream;
	const char *line = inifile_next_line(c);
	const char *give;

	if (line == NULL)
		return NULL;
	c->lineno++;
	give = line;
	if (strlen(line) >= INIFILE_SHORT || strlen(line) >= (size_t)num - 1) {
		inifile_shorten(c, line);
		give = buf_str(&c->rewritten);
	}
	snprintf(str, (size_t)num, "%s", give);
	return str;
}

/* Swaps placeholders in VALUE back for the text they stand for. */
static char *
inifile_restore(const struct inifile_ctx *c, const char *value)
{
	struct buf b = BUF_INIT;
	const char *p = value;

	while (*p != '\0') {
		const char *m = strchr(p, INIFILE_MARK);
		char *end;
		unsigned long idx;

		if (m == NULL) {
			buf_append_str(&b, p);
			break;
		}
		buf_append(&b, p, (size_t)(m - p));
		idx = strtoul(m + 1, &end, 10);
		if (*end == INIFILE_MARK && end > m + 1 && idx < c->nlong) {
			buf_append_str(&b, c->long_values[idx]);
			p = end + 1;
		} else {
			buf_append_char(&b, *m);
			p = m + 1;
		}
	}
	return buf_detach(&b);
}

static int
inifile_on_value(void *user, const char *section, const char *name, const char *value)
{
	struct inifile_ctx *c = user;
	int rc;

	if (c->nlong == 0 || strchr(value, INIFILE_MARK) == NULL)
		return c->handler(c->user, section, name, value, c->lineno);
	{
		char *full = inifile_restore(c, value);

		rc = c->handler(c->user, section, name, full, c->lineno);
		free(full);
	}
	return rc;
}

static int
inifile_run(struct inifile_ctx *c, const char *name, char **why)
{
	int rc = ini_parse_stream(inifile_reader, c, inifile_on_value, c);

	*why = NULL;
	if (rc != 0) {
		char *clean = sanitize_str(name);

		if (rc < 0)
			*why = xasprintf("%s: cannot read", clean);
		else
			*why = xasprintf("%s:%d: syntax error (expected [section] or name = value)",
			    clean, rc);
		free(clean);
	}
	for (size_t i = 0; i < c->nlong; i++)
		free(c->long_values[i]);
	free(c->long_values);
	free(c->line);
	buf_free(&c->rewritten);
	return rc == 0 ? 0 : -1;
}

int
inifile_read_file(const char *path, inifile_handler h, void *user, char **why)
{
	struct inifile_ctx c = { .handler = h, .user = user };
	int rc;

	c.file = fopen(path, "re");
	if (c.file == NULL) {
		char *clean = sanitize_str(path);

		*why = xasprintf("%s: %s", clean, strerror(errno));
		free(clean);
		return -1;
	}
	rc = inifile_run(&c, path, why);
	fclose(c.file);
	return rc;
}

int
inifile_read_string(const char *text, const char *name, inifile_handler h, void *user,
    char **why)
{
	struct inifile_ctx c = { .text = text, .handler = h, .user = user };

	return inifile_run(&c, name, why);
}
