/* The plain-text canvas: a grid of cells in memory, for exports of "the
 * dashboard at T" and for pane tests, which read back the text and the
 * style of any cell. */
#ifndef RW_VIEW_TEXTCANVAS_H
#define RW_VIEW_TEXTCANVAS_H

#include "view/canvas.h"

struct text_canvas;

/* A blank ROWS x COLS grid; ASCII: the canvas only holds ASCII. */
struct text_canvas *text_canvas_new(int rows, int cols, int ascii);
void text_canvas_free(struct text_canvas *t);
struct canvas *text_canvas_base(struct text_canvas *t);

/* Row ROW as UTF-8 without trailing spaces, newly allocated. */
char *text_canvas_line(const struct text_canvas *t, int row);
/* Every row, each ending in a newline, newly allocated. */
char *text_canvas_text(const struct text_canvas *t);
/* The style (role and CANVAS_REVERSE) of the cell at ROW, COL. */
int text_canvas_style(const struct text_canvas *t, int row, int col);
/* Finds NEEDLE on the grid: returns 1 and its row and column (in cells)
 * or 0. */
int text_canvas_find(const struct text_canvas *t, const char *needle, int *row, int *col);

#endif
