/* The dashboard without the terminal: the panes, the current one, the
 * chosen instance, the help screen, the instance picker, the prompt, the
 * messages and the attention a new critical alert draws. It takes keys
 * and draws on any canvas, so the ncurses loop (ui/tui.c) only moves
 * bytes, and tests drive it with a text canvas. */
#ifndef RW_UI_DASH_H
#define RW_UI_DASH_H

struct rules_config;

#include <stdint.h>

#include "ui/feed.h"
#include "view/canvas.h"

/* Below this the dashboard shows "terminal too small". */
#define DASH_MIN_COLS 80
#define DASH_MIN_ROWS 24

struct dash_config {
	int64_t refresh_ms;	/* the interval shown, scaled by + and - */
	int64_t attention_ms;	/* reverse video for a new critical alert */
	int bell;		/* and ring the bell */
	const char *profile;	/* shown until the snapshot names its account */
	const char *region;
	const char *user;	/* "$USER@host", for acknowledgements */
	/* Thresholds for highlighting (the [rules] section); NULL: the
	 * rules' defaults. */
	const struct rules_config *rules;
};

struct dash;

struct dash *dash_new(struct feed *feed, const struct dash_config *cfg);
void dash_free(struct dash *d);

/* Takes a fresh snapshot from the feed (after a wake-up, and every
 * second so ages move) and notes critical alerts that are new. Returns
 * whether what it shows changed (beyond the clock). */
int dash_refresh(struct dash *d, int64_t now);
/* Handles one key (keys.h). Returns 1 when the user asked to quit. */
int dash_key(struct dash *d, int key, int64_t now);
/* A mouse click at ROW, COL (WHEEL -1 up, +1 down, 0 a click). */
void dash_mouse(struct dash *d, int row, int col, int wheel, int64_t now);
/* Draws everything on C. Returns the column of the prompt's cursor on
 * the last-but-one row, or -1 when no prompt is open. */
int dash_draw(struct dash *d, struct canvas *c, int64_t now);

/* Whether the bell should ring (once per new critical alert); clears it. */
int dash_take_bell(struct dash *d);
/* Whether the screen should be redrawn from scratch (Ctrl-L); clears it. */
int dash_take_redraw(struct dash *d);
/* When the next timed change is due (an attention period or a message
 * ending), so the loop can wake for it; 0 for none. */
int64_t dash_next_deadline(const struct dash *d);
/* The moment replayed, or 0 in live mode. A feed that does not poll
 * (feed_polls) is replayed from the start, at its snapshot's moment. */
int64_t dash_replay_at(const struct dash *d);
/* The current pane's index in pane_table. */
size_t dash_current_pane(const struct dash *d);

#endif
