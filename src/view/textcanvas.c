#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xmalloc.h"
#include "view/textcanvas.h"

struct text_cell {
	char s[32];	/* the cluster; "" for the right half of a wide one */
	int style;
};

struct text_canvas {
	struct canvas base;	/* first: a struct canvas * is a text_canvas * */
	struct text_cell *cells;
};

static struct text_cell *
text_canvas_at(const struct text_canvas *t, int row, int col)
{
	return &t->cells[(size_t)row * (size_t)t->base.cols + (size_t)col];
}

static void
text_canvas_blank(struct text_cell *cell)
{
	cell->s[0] = ' ';
	cell->s[1] = '\0';
	cell->style = CANVAS_NORMAL;
}

static void
text_canvas_cell(struct canvas *c, int row, int col, const char *cluster, int width, int style)
{
	struct text_canvas *t = (struct text_canvas *)c;
	struct text_cell *cell;

	if (row < 0 || row >= c->rows || col < 0 || col + width > c->cols)
		return;
	cell = text_canvas_at(t, row, col);
	/* Overwriting half of a wide character blanks its other half. */
	if (cell->s[0] == '\0' && col > 0)
		text_canvas_blank(text_canvas_at(t, row, col - 1));
	snprintf(cell->s, sizeof cell->s, "%s", cluster);
	cell->style = style;
	if (width == 2) {
		struct text_cell *right = text_canvas_at(t, row, col + 1);

		right->s[0] = '\0';
		right->style = style;
	}
	if (col + width < c->cols && text_canvas_at(t, row, col + width)->s[0] == '\0')
		text_canvas_blank(text_canvas_at(t, row, col + width));
}

static void
text_canvas_clear(struct canvas *c)
{
	struct text_canvas *t = (struct text_canvas *)c;

	for (size_t i = 0; i < (size_t)c->rows * (size_t)c->cols; i++)
		text_canvas_blank(&t->cells[i]);
}

static const struct canvas_ops text_canvas_ops = {
	.cell = text_canvas_cell,
	.clear = text_canvas_clear,
};

struct text_canvas *
text_canvas_new(int rows, int cols, int ascii)
{
	struct text_canvas *t = xcalloc(1, sizeof *t);

	t->base.ops = &text_canvas_ops;
	t->base.rows = rows;
	t->base.cols = cols;
	t->base.ascii = ascii;
	t->cells = xcalloc((size_t)rows * (size_t)cols + 1, sizeof *t->cells);
	text_canvas_clear(&t->base);
	return t;
}

void
text_canvas_free(struct text_canvas *t)
{
	if (t == NULL)
		return;
	free(t->cells);
	free(t);
}

struct canvas *
text_canvas_base(struct text_canvas *t)
{
	return &t->base;
}

static void
text_canvas_append_line(const struct text_canvas *t, int row, struct buf *b)
{
	size_t start = b->len, keep = b->len;

	for (int col = 0; col < t->base.cols; col++) {
		const struct text_cell *cell = text_canvas_at(t, row, col);

		buf_append_str(b, cell->s);
		if (cell->s[0] != ' ' && cell->s[0] != '\0')
			keep = b->len;
	}
	/* Trailing spaces go. */
	b->len = keep >= start ? keep : start;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

char *
text_canvas_line(const struct text_canvas *t, int row)
{
	struct buf b = BUF_INIT;

	if (row >= 0 && row < t->base.rows)
		text_canvas_append_line(t, row, &b);
	return buf_detach(&b);
}

char *
text_canvas_text(const struct text_canvas *t)
{
	struct buf b = BUF_INIT;

	for (int row = 0; row < t->base.rows; row++) {
		text_canvas_append_line(t, row, &b);
		buf_append_char(&b, '\n');
	}
	return buf_detach(&b);
}

int
text_canvas_style(const struct text_canvas *t, int row, int col)
{
	if (row < 0 || row >= t->base.rows || col < 0 || col >= t->base.cols)
		return -1;
	return text_canvas_at(t, row, col)->style;
}

int
text_canvas_find(const struct text_canvas *t, const char *needle, int *row, int *col)
{
	for (int r = 0; r < t->base.rows; r++) {
		char *line = text_canvas_line(t, r);
		const char *hit = strstr(line, needle);

		if (hit != NULL) {
			size_t off = (size_t)(hit - line), bytes = 0;
			int c = 0;

			/* Count the cells that hold the bytes before the hit. */
			while (c < t->base.cols && bytes < off) {
				bytes += strlen(text_canvas_at(t, r, c)->s);
				c++;
			}
			while (c < t->base.cols && text_canvas_at(t, r, c)->s[0] == '\0')
				c++;
			*row = r;
			*col = c;
			free(line);
			return 1;
		}
		free(line);
	}
	return 0;
}
