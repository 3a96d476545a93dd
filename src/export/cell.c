#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "export/export.h"

/* A cell a spreadsheet would evaluate (=1+1, +cmd, -2+3, @SUM, and
 * tab/CR, which some strip before looking). */
static int
export_cell_formula(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	    s[0] == '\r';
}

void
export_cell_csv(struct buf *b, const char *text)
{
	buf_append_char(b, '"');
	if (export_cell_formula(text))
		buf_append_char(b, '\'');
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '"')
			buf_append_char(b, '"');
		buf_append_char(b, *p);
	}
	buf_append_char(b, '"');
}

void
export_cell_markdown(struct buf *b, const char *text)
{
	/* Everything that could start emphasis, code, a link, an image,
	 * HTML, an entity, a strikethrough or end the cell. */
	static const char special[] = "\\`*_[]<>|~!&";

	for (const char *p = text; *p != '\0'; p++) {
		if ((p == text && export_cell_formula(p)) || strchr(special, *p) != NULL)
			buf_append_char(b, '\\');
		buf_append_char(b, *p);
	}
}

char *
export_time(int64_t ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		return time_format_iso8601(ms, buf, len);
	return time_format_iso8601_ms(ms, buf, len);
}

char *
export_cell_value(const struct m_field *f, const void *rec)
{
	const void *v = m_field_cptr(f, rec);
	char buf[64];

	switch (f->type) {
	case M_STR: {
		const char *s = *(char *const *)v;

		return xstrdup(s != NULL ? s : "");
	}
	case M_INT: {
		int64_t x = *(const int64_t *)v;

		return x == M_INT_NONE ? xstrdup("") : xasprintf("%lld", (long long)x);
	}
	case M_DBL: {
		double x = *(const double *)v;

		return isfinite(x) ? xasprintf("%.15g", x) : xstrdup("");
	}
	case M_TRI: {
		int x = *(const int *)v;

		return xstrdup(x < 0 ? "" : x ? "true" : "false");
	}
	case M_TIME: {
		int64_t x = *(const int64_t *)v;

		return xstrdup(x == 0 ? "" : export_time(x, buf, sizeof buf));
	}
	case M_LIST:
		return m_list_join(v, "; ");
	}
	return xstrdup("");
}
