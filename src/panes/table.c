#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/xmalloc.h"
#include "panes/table.h"

void
table_init(struct table *t, const struct table_col *cols, size_t ncols, size_t sort_col,
    int reverse)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
	t->width = xcalloc(ncols, sizeof *t->width);
	t->sort_col = sort_col < ncols ? sort_col : 0;
	t->reverse = reverse;
	t->page = 1;
	table_layout(t, 80);
}

void
table_clear(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[i].cells[c].text);
		free(t->rows[i].cells);
		free(t->rows[i].key);
	}
	t->n = 0;
	t->nshown = 0;
}

void
table_free(struct table *t)
{
	table_clear(t);
	free(t->rows);
	free(t->order);
	free(t->width);
	free(t->filter);
	free(t->sel_key);
	if (t->has_re)
		regfree(&t->re);
	memset(t, 0, sizeof *t);
}

void
table_layout(struct table *t, int cols)
{
	int total = 0, nflex = 0, spare;

	t->layout_cols = cols;
	for (size_t i = 0; i < t->ncols; i++) {
		t->width[i] = t->cols[i].width;
		total += t->width[i] + (i > 0);
	}
	/* Drop the least important columns until the rest fit. */
	while (total > cols) {
		size_t drop = t->ncols;

		for (size_t i = 0; i < t->ncols; i++) {
			if (t->width[i] > 0 && t->cols[i].prio > 0 &&
			    (drop == t->ncols || t->cols[i].prio >= t->cols[drop].prio))
				drop = i;
		}
		if (drop == t->ncols)
			break;
		total -= t->width[drop] + 1;
		t->width[drop] = 0;
	}
	for (size_t i = 0; i < t->ncols; i++)
		nflex += t->width[i] > 0 && (t->cols[i].flags & TABLE_FLEX);
	spare = cols - total;
	for (size_t i = 0; i < t->ncols && spare > 0 && nflex > 0; i++) {
		if (t->width[i] > 0 && (t->cols[i].flags & TABLE_FLEX)) {
			int add = spare / nflex;

			t->width[i] += add;
			spare -= add;
			nflex--;
		}
	}
}

int
table_col_width(const struct table *t, size_t i)
{
	return i < t->ncols ? t->width[i] : 0;
}

struct table_row *
table_add(struct table *t, const char *key, const void *rec, int style)
{
	struct table_row *r;

	if (t->n == t->cap) {
		t->cap = t->cap != 0 ? t->cap * 2 : 32;
		t->rows = xreallocarray(t->rows, t->cap, sizeof *t->rows);
	}
	r = &t->rows[t->n++];
	r->key = xstrdup(key != NULL ? key : "");
	r->rec = rec;
	r->style = style;
	r->cells = xcalloc(t->ncols, sizeof *r->cells);
	for (size_t c = 0; c < t->ncols; c++)
		r->cells[c].num = NAN;
	return r;
}

void
table_set(struct table_row *r, size_t col, int style, double num, const char *text)
{
	struct table_cell *cell = &r->cells[col];

	free(cell->text);
	cell->text = xstrdup(text != NULL ? text : "-");
	cell->style = style;
	cell->num = num;
}

void
table_setf(struct table_row *r, size_t col, int style, double num, const char *fmt, ...)
{
	struct table_cell *cell = &r->cells[col];
	va_list ap;

	free(cell->text);
	va_start(ap, fmt);
	cell->text = xvasprintf(fmt, ap);
	va_end(ap);
	cell->style = style;
	cell->num = num;
}

static int
table_row_matches(const struct table *t, const struct table_row *r, struct buf *scratch)
{
	if (!t->has_re)
		return 1;
	buf_reset(scratch);
	for (size_t c = 0; c < t->ncols; c++) {
		if (c > 0)
			buf_append_char(scratch, '\t');
		buf_append_str(scratch, r->cells[c].text != NULL ? r->cells[c].text : "");
	}
	return regexec(&t->re, buf_str(scratch), 0, NULL, 0) == 0;
}

static int
table_cmp(const void *a, const void *b, void *ctx)
{
	const struct table *t = ctx;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct table_cell *ca = &t->rows[ia].cells[t->sort_col];
	const struct table_cell *cb = &t->rows[ib].cells[t->sort_col];
	int r;

	if (!isnan(ca->num) && !isnan(cb->num))
		r = ca->num < cb->num ? -1 : ca->num > cb->num;
	else if (isnan(ca->num) != isnan(cb->num))
		r = isnan(ca->num) ? 1 : -1;	/* values before blanks */
	else
		r = strcasecmp(ca->text != NULL ? ca->text : "", cb->text != NULL ? cb->text : "");
	if (t->reverse)
		r = -r;
	/* Ties by the rows' identity, not by the order the records came in:
	 * the same state draws the same, live or replayed from history. */
	if (r == 0)
		r = strcmp(t->rows[ia].key != NULL ? t->rows[ia].key : "",
		    t->rows[ib].key != NULL ? t->rows[ib].key : "");
	return r != 0 ? r : (ia > ib) - (ia < ib);
}

void
table_finish(struct table *t)
{
	struct buf scratch = BUF_INIT;

	t->order = xreallocarray(t->order, t->n + 1, sizeof *t->order);
	t->nshown = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (table_row_matches(t, &t->rows[i], &scratch))
			t->order[t->nshown++] = i;
	}
	buf_free(&scratch);
	if (t->nshown > 1)
		qsort_r(t->order, t->nshown, sizeof *t->order, table_cmp, t);
	/* The selection follows its row; if the row went, its place. */
	if (t->sel_key != NULL) {
		for (size_t i = 0; i < t->nshown; i++) {
			if (strcmp(t->rows[t->order[i]].key, t->sel_key) == 0) {
				t->sel = i;
				break;
			}
		}
	}
	if (t->sel >= t->nshown)
		t->sel = t->nshown > 0 ? t->nshown - 1 : 0;
	free(t->sel_key);
	t->sel_key = t->nshown > 0 ? xstrdup(t->rows[t->order[t->sel]].key) : NULL;
}

const struct table_row *
table_selected(const struct table *t)
{
	return t->nshown > 0 && t->sel < t->nshown ? &t->rows[t->order[t->sel]] : NULL;
}

void
table_move_to(struct table *t, size_t index)
{
	if (t->nshown == 0)
		return;
	t->sel = index < t->nshown ? index : t->nshown - 1;
	free(t->sel_key);
	t->sel_key = xstrdup(t->rows[t->order[t->sel]].key);
}

void
table_move(struct table *t, long delta)
{
	long to = (long)t->sel + delta;

	table_move_to(t, to < 0 ? 0 : (size_t)to);
}

void
table_sort_step(struct table *t, int dir)
{
	size_t c = t->sort_col;

	for (size_t tries = 0; tries < t->ncols; tries++) {
		c = (c + t->ncols + (size_t)(dir > 0 ? 1 : -1)) % t->ncols;
		if (t->width[c] > 0)
			break;
	}
	t->sort_col = c;
}

int
table_set_filter(struct table *t, const char *re, char **why)
{
	regex_t fresh;
	int rc;

	if (re == NULL || re[0] == '\0') {
		if (t->has_re)
			regfree(&t->re);
		t->has_re = 0;
		free(t->filter);
		t->filter = NULL;
		return 0;
	}
	rc = regcomp(&fresh, re, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		char msg[128];

		regerror(rc, &fresh, msg, sizeof msg);
		*why = xasprintf("bad filter: %s", msg);
		return -1;
	}
	if (t->has_re)
		regfree(&t->re);
	t->re = fresh;
	t->has_re = 1;
	free(t->filter);
	t->filter = xstrdup(re);
	return 0;
}

static void
table_draw_header(const struct table *t, const struct canvas_area *a)
{
	int x = 0;

	canvas_fill(a, 0, 0, -1, CANVAS_HEADER);
	for (size_t c = 0; c < t->ncols; c++) {
		const struct table_col *col = &t->cols[c];
		int style = CANVAS_HEADER | ((col->flags & TABLE_RIGHT) ? CANVAS_RIGHT : 0);

		if (t->width[c] == 0)
			continue;
		if (c == t->sort_col) {
			canvas_printf(a, 0, x, t->width[c], style, "%s%s", col->name,
			    canvas_sym(a->c, t->reverse ? CANVAS_SYM_DOWN : CANVAS_SYM_UP));
		} else {
			canvas_put(a, 0, x, t->width[c], style, col->name);
		}
		x += t->width[c] + 1;
	}
}

void
table_draw(struct table *t, const struct canvas_area *a, const char *empty)
{
	int page = a->rows - 1;

	if (a->rows <= 0)
		return;
	if (a->cols != t->layout_cols)
		table_layout(t, a->cols);
	table_draw_header(t, a);
	t->page = page > 0 ? page : 1;
	if (t->nshown == 0) {
		canvas_put(a, 1, 1, -1, CANVAS_DIM,
		    t->has_re ? "(nothing matches the filter)" : empty);
		return;
	}
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + (size_t)t->page)
		t->top = t->sel - (size_t)t->page + 1;
	if (t->top + (size_t)t->page > t->nshown)
		t->top = t->nshown > (size_t)t->page ? t->nshown - (size_t)t->page : 0;
	for (int y = 0; y < page && t->top + (size_t)y < t->nshown; y++) {
		size_t i = t->top + (size_t)y;
		const struct table_row *r = &t->rows[t->order[i]];
		int selected = i == t->sel;
		int x = 0;

		canvas_fill(a, y + 1, 0, -1, selected ? CANVAS_SELECTED : r->style);
		for (size_t c = 0; c < t->ncols; c++) {
			const struct table_cell *cell = &r->cells[c];
			int style;

			if (t->width[c] == 0)
				continue;
			style = selected ? CANVAS_SELECTED : cell->style != 0 ? cell->style : r->style;
			if (t->cols[c].flags & TABLE_RIGHT)
				style |= CANVAS_RIGHT;
			canvas_put(a, y + 1, x, t->width[c], style | CANVAS_PAD, cell->text);
			x += t->width[c] + 1;
		}
	}
}
