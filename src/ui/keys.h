/* Keys are data: one table says what every key does, where (everywhere,
 * or in one pane), and why; the `?` help screen, `rdswatch watch --help`
 * and the test that holds rdswatch(1) to them are all generated from it.
 * Every action has a plain key: F-keys, Home/End and arrows are only
 * aliases, since SSM and some terminals mangle them. */
#ifndef RW_UI_KEYS_H
#define RW_UI_KEYS_H

#include <stddef.h>
#include <stdio.h>

#include "panes/pane.h"

/* Keys are Unicode code points, or these for special keys (above the
 * Unicode range so they never collide). */
enum {
	UIK_TAB = '\t',
	UIK_ENTER = '\r',
	UIK_ESC = 0x1b,
	UIK_SPACE = ' ',
	UIK_CTRL_L = 0x0c,
	UIK_BASE = 0x110000,
	UIK_UP = UIK_BASE,
	UIK_DOWN,
	UIK_LEFT,
	UIK_RIGHT,
	UIK_PGUP,
	UIK_PGDN,
	UIK_HOME,
	UIK_END,
	UIK_BTAB,
	UIK_BACKSPACE,
	UIK_DELETE,
	UIK_RESIZE,
	UIK_MOUSE,
	UIK_F0,			/* UIK_F0 + n is Fn */
};

#define UIK_F(n) (UIK_F0 + (n))

enum ui_action {
	UA_NONE,
	UA_QUIT,
	UA_HELP,
	UA_NEXT_PANE,
	UA_PREV_PANE,
	UA_GOTO_PANE,		/* the pane numbered by the key */
	UA_INSTANCE,
	UA_SLOWER,
	UA_FASTER,
	UA_PAUSE,
	UA_REFRESH,
	UA_REDRAW,
	UA_PANE,		/* a pane action */
	/* Replay (ui/dash.c): the dashboard at a past moment from history. */
	UA_REPLAY,
	UA_STEP_BACK,		/* by the refresh interval */
	UA_STEP_FORWARD,
	UA_HOUR_BACK,
	UA_HOUR_FORWARD,
	UA_LIVE,
};

struct key_bind {
	int key;
	int key_hi;		/* a range key..key_hi; 0 for one key */
	const char *name;	/* as the help and the manual write it */
};

#define KEY_MAX_BINDS 4

struct key_entry {
	enum ui_action action;
	enum pane_action pane_action;	/* for UA_PANE */
	const char *scope;		/* NULL: everywhere; else a pane's name */
	const char *help;
	struct key_bind keys[KEY_MAX_BINDS];
};

/* The table, ending with an entry whose action is UA_NONE. */
extern const struct key_entry key_table[];

/* The entry KEY triggers in pane SCOPE (a pane's keys first), or NULL;
 * *BIND gets the binding matched. */
const struct key_entry *key_lookup(int key, const char *scope, const struct key_bind **bind);
/* "q, F10": the entry's key names joined. BUF of 64 bytes is enough. */
char *key_names(const struct key_entry *e, char *buf, size_t len);
/* Whether E changes state (polling, an acknowledgement), which a replay
 * refuses. */
int key_live_only(const struct key_entry *e);
/* A printable name for any key (for "key X does nothing here"). */
char *key_describe(int key, char *buf, size_t len);
/* The keys section of `rdswatch watch --help`, every scope. */
void key_print_help(FILE *out);

#endif
