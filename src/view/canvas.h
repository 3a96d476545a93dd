/* The canvas panes draw on: put text with a colour role at a row and
 * column, clipped to an area. Two backends implement one cell-level
 * operation: ncurses (ui/canvas_curses.c) for the terminal and a text grid
 * (view/textcanvas.c) for exports and tests, so what the on-call engineer
 * saw can be printed exactly and a pane can be tested without a terminal.
 *
 * Everything that reaches a backend passes through here, which is the
 * screen's last line of defence: text is split into display cells by
 * wcwidth(3), so wide and combining characters cannot break alignment;
 * control characters, bidi controls and invalid UTF-8 (which sanitized
 * snapshot strings never hold) are shown as visible escapes (\x1b,
 * \u202e); and an ASCII canvas (--ascii, or a locale that is not UTF-8)
 * only ever receives ASCII: the canvas's own symbols are transliterated
 * and other text is shown as \uXXXX escapes, never as raw bytes. */
#ifndef RW_VIEW_CANVAS_H
#define RW_VIEW_CANVAS_H

#include <stddef.h>

/* Colour roles; a theme maps each to colours and attributes. */
enum canvas_role {
	CANVAS_NORMAL,
	CANVAS_CRITICAL,
	CANVAS_WARNING,
	CANVAS_OK,
	CANVAS_INFO,
	CANVAS_STALE,
	CANVAS_SELECTED,
	CANVAS_DIM,
	CANVAS_HEADER,
	CANVAS_ROLE_COUNT
};

/* A style is a role, optionally with these flags. */
#define CANVAS_ROLE_MASK 0xff
#define CANVAS_REVERSE   0x100	/* reverse video over the role (attention) */
/* Flags for canvas_put only. */
#define CANVAS_PAD       0x200	/* fill the rest of the width with spaces */
#define CANVAS_RIGHT     0x400	/* right-align within the width */
#define CANVAS_CLIP      0x800	/* cut without an ellipsis */

#define CANVAS_ROLE(style) ((enum canvas_role)((style) & CANVAS_ROLE_MASK))

struct canvas;

struct canvas_ops {
	/* One cell at ROW, COL (inside the canvas): CLUSTER is a printable
	 * character with its combining marks, NUL-terminated UTF-8 (ASCII
	 * on an ASCII canvas), WIDTH columns wide (1 or 2; a 2 never starts
	 * at the last column). */
	void (*cell)(struct canvas *c, int row, int col, const char *cluster, int width, int style);
	/* Blanks the whole canvas. */
	void (*clear)(struct canvas *c);
};

struct canvas {
	const struct canvas_ops *ops;
	int rows;
	int cols;
	int ascii;	/* only ASCII may reach the backend */
};

/* A rectangle of a canvas; coordinates given to the drawing calls are
 * relative to it, and nothing is drawn outside it. */
struct canvas_area {
	struct canvas *c;
	int row;
	int col;
	int rows;
	int cols;
};

/* The whole canvas as an area. */
struct canvas_area canvas_whole(struct canvas *c);
/* ROWS x COLS of A starting at ROW, COL of A (clipped to A). */
struct canvas_area canvas_sub(const struct canvas_area *a, int row, int col, int rows, int cols);

/* Draws TEXT at ROW, COL of A in STYLE within WIDTH columns (-1: to the
 * area's right edge). Text wider than WIDTH ends with an ellipsis; with
 * CANVAS_PAD the rest of WIDTH is filled; with CANVAS_RIGHT the text is
 * right-aligned. Returns the columns drawn. NULL draws nothing. */
int canvas_put(const struct canvas_area *a, int row, int col, int width, int style,
    const char *text);
int canvas_printf(const struct canvas_area *a, int row, int col, int width, int style,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Fills WIDTH columns (-1: to the edge) of ROW with spaces in STYLE. */
void canvas_fill(const struct canvas_area *a, int row, int col, int width, int style);
/* A horizontal line: box drawing, or '-' on an ASCII canvas. */
void canvas_hline(const struct canvas_area *a, int row, int col, int width, int style);
void canvas_clear(struct canvas *c);

/* The columns TEXT takes on canvas C (after escaping), at most LIMIT
 * (-1: no limit; measuring stops early past it). */
int canvas_width(const struct canvas *c, const char *text, int limit);
/* How many bytes of TEXT fit in WIDTH columns (for wrapping). */
size_t canvas_fit(const struct canvas *c, const char *text, int width);

/* The canvas's own symbols, each with an ASCII form. */
enum canvas_sym {
	CANVAS_SYM_ELLIPSIS,
	CANVAS_SYM_UP,		/* sort order */
	CANVAS_SYM_DOWN,
	CANVAS_SYM_HLINE,
	CANVAS_SYM_BULLET,
	CANVAS_SYM_COUNT
};

const char *canvas_sym(const struct canvas *c, enum canvas_sym sym);
/* A sparkline level 0..7 (block elements, or " .-:=+*#" in ASCII). */
const char *canvas_spark(const struct canvas *c, int level);

#endif
