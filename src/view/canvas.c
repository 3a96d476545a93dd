#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "view/canvas.h"

/* Zero-width marks kept on one base character; more are dropped (a
 * "zalgo" string must not grow a cell without bound). */
#define CANVAS_MAX_MARKS 4

/* One display unit of text: a printable cluster (WIDTH 1 or 2 columns),
 * or an ASCII escape for something that must not reach the terminal as
 * it is (one column per byte). */
struct canvas_tok {
	char s[32];
	int width;
	int escape;
	size_t len;	/* input bytes consumed */
};

static const struct {
	const char *utf8;
	const char *ascii;
} canvas_syms[CANVAS_SYM_COUNT] = {
	[CANVAS_SYM_ELLIPSIS] = { "\xe2\x80\xa6", "~" },	/* U+2026 */
	[CANVAS_SYM_UP] = { "\xe2\x96\xb2", "^" },		/* U+25B2 */
	[CANVAS_SYM_DOWN] = { "\xe2\x96\xbc", "v" },		/* U+25BC */
	[CANVAS_SYM_HLINE] = { "\xe2\x94\x80", "-" },		/* U+2500 */
	[CANVAS_SYM_BULLET] = { "\xe2\x80\xa2", "*" },		/* U+2022 */
};

/* U+2581..U+2588, lowest to full block. */
static const char *const canvas_sparks[8][2] = {
	{ "\xe2\x96\x81", "_" }, { "\xe2\x96\x82", "." }, { "\xe2\x96\x83", "-" },
	{ "\xe2\x96\x84", ":" }, { "\xe2\x96\x85", "=" }, { "\xe2\x96\x86", "+" },
	{ "\xe2\x96\x87", "*" }, { "\xe2\x96\x88", "#" },
};

const char *
canvas_sym(const struct canvas *c, enum canvas_sym sym)
{
	return c->ascii ? canvas_syms[sym].ascii : canvas_syms[sym].utf8;
}

const char *
canvas_spark(const struct canvas *c, int level)
{
	level = level < 0 ? 0 : level > 7 ? 7 : level;
	return canvas_sparks[level][c->ascii ? 1 : 0];
}

/* The ASCII form of one of our own symbols, or NULL. */
static const char *
canvas_translit(const char *s, size_t len)
{
	for (int i = 0; i < CANVAS_SYM_COUNT; i++) {
		if (strlen(canvas_syms[i].utf8) == len && memcmp(canvas_syms[i].utf8, s, len) == 0)
			return canvas_syms[i].ascii;
	}
	for (int i = 0; i < 8; i++) {
		if (strlen(canvas_sparks[i][0]) == len && memcmp(canvas_sparks[i][0], s, len) == 0)
			return canvas_sparks[i][1];
	}
	return NULL;
}

static void
canvas_tok_escape(struct canvas_tok *t, uint32_t cp, size_t len)
{
	switch (cp) {
	case '\n': snprintf(t->s, sizeof t->s, "\\n"); break;
	case '\r': snprintf(t->s, sizeof t->s, "\\r"); break;
	case '\t': snprintf(t->s, sizeof t->s, "\\t"); break;
	default:
		if (cp < 0x80)
			snprintf(t->s, sizeof t->s, "\\x%02x", (unsigned)cp);
		else
			snprintf(t->s, sizeof t->s, "\\u%04x", (unsigned)cp);
	}
	t->width = (int)strlen(t->s);
	t->escape = 1;
	t->len = len;
}

/* Reads the next unit of P into T. Returns 0 at the end of the text. */
static int
canvas_next(const struct canvas *c, const char *p, struct canvas_tok *t)
{
	const unsigned char *u = (const unsigned char *)p;
	/* One code point is at most 4 bytes: never measure the whole rest. */
	size_t n, len;
	uint32_t cp;
	int w;

	/* Printable ASCII not followed by a mark it would take (most of
	 * what is drawn): one byte, one column. */
	if (u[0] >= 0x20 && u[0] < 0x7f && (u[1] < 0x80 || c->ascii)) {
		t->s[0] = (char)u[0];
		t->s[1] = '\0';
		t->width = 1;
		t->escape = 0;
		t->len = 1;
		return 1;
	}
	if ((n = strnlen(p, 8)) == 0)
		return 0;
	len = sanitize_utf8_decode(u, n, &cp);
	if (len == 0) {
		/* A raw byte: the escape names the byte, not a code point. */
		snprintf(t->s, sizeof t->s, "\\x%02x", u[0]);
		t->width = 4;
		t->escape = 1;
		t->len = 1;
		return 1;
	}
	if (sanitize_is_bad_codepoint(cp)) {
		canvas_tok_escape(t, cp, len);
		return 1;
	}
	t->escape = 0;
	if (cp < 0x80) {
		w = 1;
	} else if (c->ascii) {
		const char *a = canvas_translit(p, len);

		if (a == NULL) {
			canvas_tok_escape(t, cp, len);
			return 1;
		}
		snprintf(t->s, sizeof t->s, "%s", a);
		t->width = 1;
		t->len = len;
		return 1;
	} else {
		w = wcwidth((wchar_t)cp);
		if (w <= 0) {
			/* Unprintable here, or a mark with no base character. */
			canvas_tok_escape(t, cp, len);
			return 1;
		}
	}
	memcpy(t->s, p, len);
	t->s[len] = '\0';
	t->width = w > 2 ? 2 : w;
	t->len = len;
	if (c->ascii)
		return 1;	/* marks become escapes of their own */
	/* Absorb the zero-width marks that follow. */
	{
		size_t used = len, marks = 0;

		for (;;) {
			size_t ml = sanitize_utf8_decode(u + t->len, strnlen(p + t->len, 8), &cp);

			if (ml == 0 || sanitize_is_bad_codepoint(cp) || cp < 0x80 ||
			    wcwidth((wchar_t)cp) != 0)
				break;
			if (marks < CANVAS_MAX_MARKS && used + ml < sizeof t->s) {
				memcpy(t->s + used, p + t->len, ml);
				used += ml;
				marks++;
			}
			t->len += ml;
		}
		t->s[used] = '\0';
	}
	return 1;
}

struct canvas_area
canvas_whole(struct canvas *c)
{
	struct canvas_area a = { c, 0, 0, c->rows, c->cols };

	return a;
}

struct canvas_area
canvas_sub(const struct canvas_area *a, int row, int col, int rows, int cols)
{
	struct canvas_area s = { a->c, a->row + row, a->col + col, rows, cols };

	if (row < 0 || col < 0 || row >= a->rows || col >= a->cols) {
		s.rows = s.cols = 0;
		return s;
	}
	if (s.rows > a->rows - row)
		s.rows = a->rows - row;
	if (s.cols > a->cols - col)
		s.cols = a->cols - col;
	if (s.rows < 0)
		s.rows = 0;
	if (s.cols < 0)
		s.cols = 0;
	return s;
}

void
canvas_clear(struct canvas *c)
{
	c->ops->clear(c);
}

int
canvas_width(const struct canvas *c, const char *text, int limit)
{
	struct canvas_tok t;
	int w = 0;

	if (text == NULL)
		return 0;
	while (canvas_next(c, text, &t)) {
		w += t.width;
		text += t.len;
		if (limit >= 0 && w > limit)
			break;
	}
	return w;
}

size_t
canvas_fit(const struct canvas *c, const char *text, int width)
{
	struct canvas_tok t;
	size_t used = 0;
	int w = 0;

	while (canvas_next(c, text + used, &t)) {
		/* Always take one unit, so wrapping makes progress. */
		if (w + t.width > width && used > 0)
			break;
		w += t.width;
		used += t.len;
	}
	return used;
}

static void
canvas_cell(const struct canvas_area *a, int row, int col, const char *s, int width, int style)
{
	a->c->ops->cell(a->c, a->row + row, a->col + col, s, width,
	    style & (CANVAS_ROLE_MASK | CANVAS_REVERSE));
}

void
canvas_fill(const struct canvas_area *a, int row, int col, int width, int style)
{
	int end;

	if (row < 0 || row >= a->rows || col < 0)
		return;
	end = width < 0 || col + width > a->cols ? a->cols : col + width;
	for (int x = col; x < end; x++)
		canvas_cell(a, row, x, " ", 1, style);
}

void
canvas_hline(const struct canvas_area *a, int row, int col, int width, int style)
{
	int end;

	if (row < 0 || row >= a->rows || col < 0)
		return;
	end = width < 0 || col + width > a->cols ? a->cols : col + width;
	for (int x = col; x < end; x++)
		canvas_cell(a, row, x, canvas_sym(a->c, CANVAS_SYM_HLINE), 1, style);
}

int
canvas_put(const struct canvas_area *a, int row, int col, int width, int style,
    const char *text)
{
	struct canvas_tok t;
	int avail, total, limit, x;

	if (row < 0 || row >= a->rows || col < 0 || col >= a->cols)
		return 0;
	if (text == NULL)
		text = "";
	avail = a->cols - col;
	if (width >= 0 && width < avail)
		avail = width;
	if (avail <= 0)
		return 0;
	total = canvas_width(a->c, text, avail);
	/* Room for the ellipsis. */
	limit = total <= avail || (style & CANVAS_CLIP) ? avail : avail - 1;
	x = col;
	if ((style & CANVAS_RIGHT) && total < avail) {
		if (style & CANVAS_PAD)
			canvas_fill(a, row, col, avail - total, style);
		x += avail - total;
	}
	while (canvas_next(a->c, text, &t)) {
		if (t.escape) {
			for (int i = 0; t.s[i] != '\0' && x < col + limit; i++) {
				char one[2] = { t.s[i], '\0' };

				canvas_cell(a, row, x++, one, 1, style);
			}
			if (x >= col + limit)
				break;
		} else {
			if (x + t.width > col + limit)
				break;
			canvas_cell(a, row, x, t.s, t.width, style);
			x += t.width;
		}
		text += t.len;
	}
	if (total > avail && !(style & CANVAS_CLIP))
		canvas_cell(a, row, x++, canvas_sym(a->c, CANVAS_SYM_ELLIPSIS), 1, style);
	if (style & CANVAS_PAD) {
		canvas_fill(a, row, x, col + avail - x, style);
		x = col + avail;
	}
	return x - col;
}

int
canvas_printf(const struct canvas_area *a, int row, int col, int width, int style,
    const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	n = canvas_put(a, row, col, width, style, s);
	free(s);
	return n;
}
