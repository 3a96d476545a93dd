#include <config.h>

#include <stdio.h>
#include <string.h>

#include "ui/keys.h"

#define PANE(act) UA_PANE, act

const struct key_entry key_table[] = {
	{ UA_QUIT, PA_NONE, NULL, "quit rdswatch (the terminal is restored)",
	    { { 'q', 0, "q" }, { UIK_F(10), 0, "F10" } } },
	{ UA_HELP, PA_NONE, NULL, "this help (Esc closes it)",
	    { { '?', 0, "?" }, { 'h', 0, "h" }, { UIK_F(1), 0, "F1" } } },
	{ UA_NEXT_PANE, PA_NONE, NULL, "next pane",
	    { { UIK_TAB, 0, "Tab" }, { 'n', 0, "n" } } },
	{ UA_PREV_PANE, PA_NONE, NULL, "previous pane",
	    { { UIK_BTAB, 0, "Shift-Tab" }, { 'p', 0, "p" } } },
	{ UA_GOTO_PANE, PA_NONE, NULL, "go to pane 1 to 9, 0 for the tenth",
	    { { '1', '9', "1-9" }, { '0', 0, "0" } } },
	{ PANE(PA_UP), NULL, "move up", { { 'k', 0, "k" }, { UIK_UP, 0, "Up" } } },
	{ PANE(PA_DOWN), NULL, "move down", { { 'j', 0, "j" }, { UIK_DOWN, 0, "Down" } } },
	{ PANE(PA_PAGE_UP), NULL, "page up", { { 'b', 0, "b" }, { UIK_PGUP, 0, "PgUp" } } },
	{ PANE(PA_PAGE_DOWN), NULL, "page down", { { 'f', 0, "f" }, { UIK_PGDN, 0, "PgDn" } } },
	{ PANE(PA_TOP), NULL, "first row", { { 'g', 0, "g" }, { UIK_HOME, 0, "Home" } } },
	{ PANE(PA_BOTTOM), NULL, "last row", { { 'G', 0, "G" }, { UIK_END, 0, "End" } } },
	{ PANE(PA_OPEN), NULL, "details of the selected row", { { UIK_ENTER, 0, "Enter" } } },
	{ PANE(PA_CLOSE), NULL, "close the detail view, a prompt or the filter",
	    { { UIK_ESC, 0, "Esc" } } },
	{ PANE(PA_FILTER), NULL, "filter rows by a regular expression over every column",
	    { { '/', 0, "/" }, { UIK_F(4), 0, "F4" } } },
	{ PANE(PA_SORT_PREV), NULL, "sort by the previous column", { { '<', 0, "<" } } },
	{ PANE(PA_SORT_NEXT), NULL, "sort by the next column",
	    { { '>', 0, ">" }, { UIK_F(6), 0, "F6" } } },
	{ PANE(PA_REVERSE), NULL, "reverse the sort order", { { 'r', 0, "r" } } },
	{ UA_INSTANCE, PA_NONE, NULL, "choose the instance the panes show, or all",
	    { { 'i', 0, "i" } } },
	{ UA_SLOWER, PA_NONE, NULL, "refresh less often (double the interval)",
	    { { '+', 0, "+" } } },
	{ UA_FASTER, PA_NONE, NULL, "refresh more often (halve the interval)",
	    { { '-', 0, "-" } } },
	{ UA_PAUSE, PA_NONE, NULL, "pause or resume polling (paused data turns stale)",
	    { { UIK_SPACE, 0, "Space" } } },
	{ UA_REFRESH, PA_NONE, NULL, "poll every source now",
	    { { 'R', 0, "R" }, { UIK_F(5), 0, "F5" } } },
	{ UA_REDRAW, PA_NONE, NULL, "redraw the screen", { { UIK_CTRL_L, 0, "Ctrl-L" } } },
	{ UA_REPLAY, PA_NONE, NULL, "replay: the dashboard as history recorded it, from now back",
	    { { 'H', 0, "H" } } },
	{ UA_STEP_BACK, PA_NONE, NULL, "replay: step back by the refresh interval",
	    { { '[', 0, "[" } } },
	{ UA_STEP_FORWARD, PA_NONE, NULL, "replay: step forward by the refresh interval (up to now)",
	    { { ']', 0, "]" } } },
	{ UA_HOUR_BACK, PA_NONE, NULL, "replay: step back an hour", { { '{', 0, "{" } } },
	{ UA_HOUR_FORWARD, PA_NONE, NULL, "replay: step forward an hour (up to now)",
	    { { '}', 0, "}" } } },
	{ UA_LIVE, PA_NONE, NULL, "leave the replay: back to live", { { 'L', 0, "L" } } },

	{ PANE(PA_SHOW_NO_TLS), "sessions", "only sessions without TLS", { { 't', 0, "t" } } },
	{ PANE(PA_SHOW_SUPERUSER), "sessions", "only superuser and rds_superuser sessions",
	    { { 'u', 0, "u" } } },
	{ PANE(PA_SHOW_IDLE_TX), "sessions", "only sessions idle in transaction",
	    { { 'x', 0, "x" } } },
	{ PANE(PA_SHOW_LONG), "sessions", "only queries or transactions running over 5 minutes",
	    { { 'l', 0, "l" } } },
	{ PANE(PA_SHOW_BLOCKED), "sessions", "only sessions blocked by another's lock",
	    { { 'w', 0, "w" } } },
	{ PANE(PA_SHOW_ALL), "sessions", "all sessions", { { 'a', 0, "a" } } },
	{ PANE(PA_GROUP), "logins", "group by client address or by user", { { 'v', 0, "v" } } },
	{ PANE(PA_ACK), "alerts", "acknowledge the selected alert, with an optional note",
	    { { 'a', 0, "a" } } },
	{ PANE(PA_SNOOZE), "alerts", "snooze the selected alert for a while",
	    { { 's', 0, "s" } } },
	{ UA_NONE, PA_NONE, NULL, NULL, { { 0, 0, NULL } } },
};

/* What changes state: refused in a replay, which shows history. */
static const struct {
	enum ui_action action;
	enum pane_action pane_action;
} key_live_only_table[] = {
	{ UA_PAUSE, PA_NONE },
	{ UA_REFRESH, PA_NONE },
	{ UA_PANE, PA_ACK },
	{ UA_PANE, PA_SNOOZE },
};

int
key_live_only(const struct key_entry *e)
{
	for (size_t i = 0; i < sizeof key_live_only_table / sizeof *key_live_only_table; i++) {
		if (e->action == key_live_only_table[i].action &&
		    (e->action != UA_PANE || e->pane_action == key_live_only_table[i].pane_action))
			return 1;
	}
	return 0;
}

static const struct key_bind *
key_match(const struct key_entry *e, int key)
{
	for (size_t b = 0; b < KEY_MAX_BINDS && e->keys[b].name != NULL; b++) {
		const struct key_bind *k = &e->keys[b];

		if (key == k->key || (k->key_hi != 0 && key >= k->key && key <= k->key_hi))
			return k;
	}
	return NULL;
}

const struct key_entry *
key_lookup(int key, const char *scope, const struct key_bind **bind)
{
	const struct key_entry *global = NULL;
	const struct key_bind *gbind = NULL;

	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++) {
		const struct key_bind *k = key_match(e, key);

		if (k == NULL)
			continue;
		if (e->scope == NULL) {
			if (global == NULL) {
				global = e;
				gbind = k;
			}
		} else if (scope != NULL && strcmp(e->scope, scope) == 0) {
			if (bind != NULL)
				*bind = k;
			return e;
		}
	}
	if (bind != NULL)
		*bind = gbind;
	return global;
}

char *
key_names(const struct key_entry *e, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t b = 0; b < KEY_MAX_BINDS && e->keys[b].name != NULL; b++) {
		int n = snprintf(buf + used, len - used, "%s%s", b > 0 ? ", " : "", e->keys[b].name);

		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

char *
key_describe(int key, char *buf, size_t len)
{
	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++) {
		const struct key_bind *k = key_match(e, key);

		if (k != NULL && k->key_hi == 0) {
			snprintf(buf, len, "%s", k->name);
			return buf;
		}
	}
	if (key >= UIK_F(1) && key <= UIK_F(63))
		snprintf(buf, len, "F%d", key - UIK_F0);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, len, "%c", key);
	else if (key < 0x20)
		snprintf(buf, len, "Ctrl-%c", key + '@');
	else
		snprintf(buf, len, "U+%04X", (unsigned)key);
	return buf;
}

static void
key_print_scope(FILE *out, const char *scope)
{
	char names[64];

	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++) {
		if ((scope == NULL) != (e->scope == NULL) ||
		    (scope != NULL && strcmp(scope, e->scope) != 0))
			continue;
		fprintf(out, "  %-16s %s\n", key_names(e, names, sizeof names), e->help);
	}
}

void
key_print_help(FILE *out)
{
	fprintf(out, "Keys (everywhere):\n");
	key_print_scope(out, NULL);
	for (size_t i = 0; pane_table[i] != NULL; i++) {
		int any = 0;

		for (const struct key_entry *e = key_table; e->action != UA_NONE; e++)
			any |= e->scope != NULL && strcmp(e->scope, pane_table[i]->name) == 0;
		if (!any)
			continue;
		fprintf(out, "Keys in %s:\n", pane_table[i]->title);
		key_print_scope(out, pane_table[i]->name);
	}
}
