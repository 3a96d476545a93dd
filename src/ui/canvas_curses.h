/* The canvas on an ncurses window, with the theme's roles as colour
 * pairs and attributes. */
#ifndef RW_UI_CANVAS_CURSES_H
#define RW_UI_CANVAS_CURSES_H

#include <curses.h>

#include "ui/theme.h"
#include "view/canvas.h"

/* A canvas over WIN. USE_COLOR 0 uses the theme's attributes only (the
 * caller passes the monochrome theme then); with colour, the caller has
 * called start_color(). */
struct canvas *canvas_curses_new(WINDOW *win, const struct theme *t, int use_color, int ascii);
/* Takes the window's size again (after a resize); the next flush writes
 * every cell. */
void canvas_curses_resize(struct canvas *c);
/* Hands the frame drawn since the last flush to the window: only the
 * cells that differ from what it holds. Call before wnoutrefresh(3). */
void canvas_curses_flush(struct canvas *c);
/* Forgets what the window holds, so the next flush writes every cell
 * (after something else drew on it). */
void canvas_curses_invalidate(struct canvas *c);
void canvas_curses_free(struct canvas *c);

#endif
