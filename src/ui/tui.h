/* The terminal loop: ncurses set up and always restored (q, SIGTERM,
 * SIGINT, SIGHUP, a crash signal), keys and the feed's wake-ups
 * multiplexed with poll(2) so the screen never waits on the network,
 * resizes taken from KEY_RESIZE and from re-reading the size every
 * second (SSM may not send SIGWINCH). */
#ifndef RW_UI_TUI_H
#define RW_UI_TUI_H

#include "ui/dash.h"
#include "ui/feed.h"
#include "ui/theme.h"

/* ESC then a key within this is still Esc then a key (not Alt-key). */
#define TUI_ESCDELAY_MS 50

struct tui_opts {
	const struct theme *theme;	/* with colour */
	const struct theme *mono;	/* without: NO_COLOR, --no-color, no colours */
	int color;			/* 0: never use colour */
	int ascii;			/* 1: ASCII even in a UTF-8 locale */
	int mouse;
	struct dash_config dash;
};

/* Whether this terminal can show the dashboard: standard input and output
 * are a terminal, TERM is set, known and not "dumb", and the cursor can
 * be moved. Returns 0, or -1 with *why set. */
int tui_check_terminal(char **why);
/* Whether the locale's character set is UTF-8 (else lines are ASCII).
 * Call after setlocale(LC_ALL, ""). */
int tui_locale_is_utf8(void);
/* Runs the dashboard until q or a signal. Returns the exit status (0, or
 * 128 + the signal), or -1 with *why set when the terminal cannot be
 * set up. */
int tui_run(struct feed *feed, const struct tui_opts *o, char **why);

#endif
