/* The list most panes show: columns with priorities (the narrowest
 * terminal drops the least important first), rows rebuilt from each
 * snapshot, a regex filter across every column, sorting by any column,
 * and a selection that follows its row (by key) across refreshes. */
#ifndef RW_PANES_TABLE_H
#define RW_PANES_TABLE_H

#include <regex.h>
#include <stddef.h>

#include "view/canvas.h"

#define TABLE_RIGHT 0x1		/* right-aligned (numbers) */
#define TABLE_FLEX  0x2		/* takes the width left over */

struct table_col {
	const char *name;
	int width;		/* columns, or the minimum for TABLE_FLEX */
	int prio;		/* 0: always shown; higher numbers go first when narrow */
	unsigned flags;
};

struct table_cell {
	char *text;
	int style;		/* 0: the row's style */
	double num;		/* sort value; NAN sorts by text */
};

struct table_row {
	char *key;		/* stable identity of what the row shows */
	const void *rec;	/* the record, valid until the table is cleared */
	int style;		/* the row's role */
	int tag;		/* the pane's own use (e.g. the record kind) */
	struct table_cell *cells;
};

struct table {
	const struct table_col *cols;
	size_t ncols;
	int *width;		/* per column after layout; 0 when hidden */
	int layout_cols;	/* the width the layout was made for */
	struct table_row *rows;
	size_t n, cap;
	size_t *order;		/* rows shown: filtered and sorted */
	size_t nshown;
	/* View state, kept across rebuilds. */
	size_t sort_col;
	int reverse;
	regex_t re;
	int has_re;
	char *filter;
	char *sel_key;
	size_t sel;		/* index into order */
	size_t top;		/* first row drawn */
	int page;		/* rows drawn last time */
};

void table_init(struct table *t, const struct table_col *cols, size_t ncols, size_t sort_col,
    int reverse);
void table_free(struct table *t);
/* Lays the columns out in COLS terminal columns. */
void table_layout(struct table *t, int cols);
/* The width column I got (0 when hidden). */
int table_col_width(const struct table *t, size_t i);
/* Drops the rows (keeps the view state). */
void table_clear(struct table *t);
/* A new row with empty cells. KEY is copied. */
struct table_row *table_add(struct table *t, const char *key, const void *rec, int style);
/* Sets a cell: TEXT copied (NULL shows "-"); NUM the sort value. */
void table_set(struct table_row *r, size_t col, int style, double num, const char *text);
void table_setf(struct table_row *r, size_t col, int style, double num, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Filters, sorts and finds the selected row again. */
void table_finish(struct table *t);
/* Header and rows in A; EMPTY is shown when no row is. */
void table_draw(struct table *t, const struct canvas_area *a, const char *empty);

/* The selected row, or NULL. */
const struct table_row *table_selected(const struct table *t);
void table_move(struct table *t, long delta);
void table_move_to(struct table *t, size_t index);
/* Moves the sort to the next visible column (DIR +1 or -1). */
void table_sort_step(struct table *t, int dir);
/* Sets the regex filter (POSIX extended, case-insensitive); "" clears it.
 * Returns 0, or -1 with *why set (the old filter stays). */
int table_set_filter(struct table *t, const char *re, char **why);

#endif
