#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/xmalloc.h"
#include "ui/canvas_curses.h"

/* A cell as drawn: most of a frame is what the previous one showed, and
 * handing ncurses only the cells that changed (canvas_curses_flush) spares
 * the per-cell conversion to wide characters, which was most of a frame. */
struct canvas_curses_cell {
	char text[23];		/* the cluster, NUL-terminated (a long run of
				 * combining marks is cut at a character) */
	signed char style;	/* style, or one of the CC_* marks below */
};

#define CC_ERASED (-1)		/* blank, as werase(3) leaves it */
#define CC_WIDE_TAIL (-2)	/* the second column of a wide character */
#define CC_UNKNOWN (-3)		/* not known to be on the window: always written */

struct canvas_curses {
	struct canvas base;	/* first */
	WINDOW *win;
	attr_t attr[CANVAS_ROLE_COUNT];
	short pair[CANVAS_ROLE_COUNT];
	struct canvas_curses_cell *shown;	/* what the window holds */
	struct canvas_curses_cell *next;	/* the frame being drawn */
	int grid_rows;
	int grid_cols;
};

/* A cell's style: the role in the low six bits, 0x40 for CANVAS_REVERSE. */
_Static_assert(CANVAS_ROLE_COUNT <= 0x40, "a role fits a cell's six style bits");

/* The xterm palette's RGB for colour N (0-255), for finding the nearest
 * colour a smaller terminal has. */
static void
canvas_curses_rgb(int n, int rgb[3])
{
	static const int basic[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 }, { 0, 0, 238 },
		{ 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 }, { 127, 127, 127 },
		{ 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 }, { 255, 0, 255 },
		{ 0, 255, 255 }, { 255, 255, 255 },
	};

	if (n < 16) {
		memcpy(rgb, basic[n], sizeof basic[n]);
	} else if (n < 232) {
		static const int level[6] = { 0, 95, 135, 175, 215, 255 };

		n -= 16;
		rgb[0] = level[n / 36];
		rgb[1] = level[(n / 6) % 6];
		rgb[2] = level[n % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + (n - 232) * 10;
	}
}

/* Colour N on a terminal with NCOLORS colours: itself, or the nearest of
 * the ones it has. */
static short
canvas_curses_fit(short n, int ncolors)
{
	int want[3], best = 0;
	long best_d = -1;

	if (n < 0 || n < ncolors)
		return n;
	canvas_curses_rgb(n, want);
	for (int c = 0; c < ncolors && c < 16; c++) {
		int have[3];
		long d = 0;

		canvas_curses_rgb(c, have);
		for (int k = 0; k < 3; k++)
			d += (long)(want[k] - have[k]) * (want[k] - have[k]);
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = c;
		}
	}
	return (short)best;
}

static attr_t
canvas_curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_DIM)
		r |= A_DIM;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_BLINK)
		r |= A_BLINK;
	if (a & THEME_ITALIC)
		r |= A_ITALIC;
	if (a & THEME_STANDOUT)
		r |= A_STANDOUT;
	return r;
}

static void
canvas_curses_cell(struct canvas *c, int row, int col, const char *cluster, int width, int style)
{
	struct canvas_curses *cc = (struct canvas_curses *)c;
	struct canvas_curses_cell *cell;
	int role = CANVAS_ROLE(style);
	size_t len = strlen(cluster);

	if (row < 0 || row >= cc->grid_rows || col < 0 || col >= cc->grid_cols)
		return;
	if (role >= CANVAS_ROLE_COUNT)
		role = CANVAS_NORMAL;
	cell = &cc->next[row * cc->grid_cols + col];
	if (len >= sizeof cell->text) {
		len = sizeof cell->text - 1;
		while (len > 0 && ((unsigned char)cluster[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(cell->text, cluster, len);
	cell->text[len] = '\0';
	cell->style = (signed char)(role | (style & CANVAS_REVERSE ? 0x40 : 0));
	if (width == 2 && col + 1 < cc->grid_cols)
		cc->next[row * cc->grid_cols + col + 1].style = CC_WIDE_TAIL;
}

static void
canvas_curses_put(struct canvas_curses *cc, int row, int col, const struct canvas_curses_cell *cell)
{
	attr_t attr = A_NORMAL;
	short pair = 0;
	wchar_t w[8];
	cchar_t ch;
	size_t n = 1;

	if (cell->style == CC_ERASED) {
		w[0] = L' ';
	} else {
		attr = cc->attr[cell->style & 0x3f];
		pair = cc->pair[cell->style & 0x3f];
		if (cell->style & 0x40)
			attr ^= A_REVERSE;
		n = mbstowcs(w, cell->text, sizeof w / sizeof *w - 1);
		if (n == (size_t)-1 || n == 0) {
			w[0] = L'?';
			n = 1;
		}
	}
	w[n] = L'\0';
	if (setcchar(&ch, w, attr, pair, NULL) == OK)
		mvwadd_wch(cc->win, row, col, &ch);
}

void
canvas_curses_flush(struct canvas *c)
{
	struct canvas_curses *cc = (struct canvas_curses *)c;

	for (int y = 0; y < cc->grid_rows; y++) {
		for (int x = 0; x < cc->grid_cols; x++) {
			size_t i = (size_t)y * cc->grid_cols + x;
			struct canvas_curses_cell *want = &cc->next[i], *have = &cc->shown[i];

			if (want->style == have->style &&
			    (want->style < 0 || strcmp(want->text, have->text) == 0))
				continue;
			if (want->style != CC_WIDE_TAIL)
				canvas_curses_put(cc, y, x, want);
			*have = *want;
		}
	}
}

static void
canvas_curses_clear(struct canvas *c)
{
	struct canvas_curses *cc = (struct canvas_curses *)c;

	for (size_t i = 0; i < (size_t)cc->grid_rows * cc->grid_cols; i++)
		cc->next[i].style = CC_ERASED;
}

static const struct canvas_ops canvas_curses_ops = {
	.cell = canvas_curses_cell,
	.clear = canvas_curses_clear,
};

struct canvas *
canvas_curses_new(WINDOW *win, const struct theme *t, int use_color, int ascii)
{
	struct canvas_curses *cc = xcalloc(1, sizeof *cc);

	cc->base.ops = &canvas_curses_ops;
	cc->base.ascii = ascii;
	cc->win = win;
	if (use_color) {
		int defaults;

		defaults = use_default_colors() == OK;
		for (int r = 0; r < CANVAS_ROLE_COUNT; r++) {
			short fg = canvas_curses_fit(t->role[r].fg, COLORS);
			short bg = canvas_curses_fit(t->role[r].bg, COLORS);

			/* Without default colours, "default" is white on black. */
			if (!defaults) {
				fg = fg < 0 ? COLOR_WHITE : fg;
				bg = bg < 0 ? COLOR_BLACK : bg;
			}
			if (r + 1 < COLOR_PAIRS && init_pair((short)(r + 1), fg, bg) == OK)
				cc->pair[r] = (short)(r + 1);
		}
	}
	for (int r = 0; r < CANVAS_ROLE_COUNT; r++)
		cc->attr[r] = canvas_curses_attrs(t->role[r].attrs);
	canvas_curses_resize(&cc->base);
	return &cc->base;
}

void
canvas_curses_resize(struct canvas *c)
{
	struct canvas_curses *cc = (struct canvas_curses *)c;

	getmaxyx(cc->win, c->rows, c->cols);
	if (c->rows == cc->grid_rows && c->cols == cc->grid_cols && cc->shown != NULL) {
		canvas_curses_invalidate(c);
		return;
	}
	free(cc->shown);
	free(cc->next);
	cc->grid_rows = c->rows > 0 ? c->rows : 0;
	cc->grid_cols = c->cols > 0 ? c->cols : 0;
	cc->shown = xcalloc((size_t)cc->grid_rows * cc->grid_cols + 1, sizeof *cc->shown);
	cc->next = xcalloc((size_t)cc->grid_rows * cc->grid_cols + 1, sizeof *cc->next);
	canvas_curses_clear(c);
	canvas_curses_invalidate(c);
}

void
canvas_curses_invalidate(struct canvas *c)
{
	struct canvas_curses *cc = (struct canvas_curses *)c;

	for (size_t i = 0; i < (size_t)cc->grid_rows * cc->grid_cols; i++)
		cc->shown[i].style = CC_UNKNOWN;
}

void
canvas_curses_free(struct canvas *c)
{
	struct canvas_curses *cc = (struct canvas_curses *)c;

	if (cc == NULL)
		return;
	free(cc->shown);
	free(cc->next);
	free(cc);
}
