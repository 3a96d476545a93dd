/* Themes map colour roles to colours and attributes. A theme is an INI
 * file, NAME.theme:
 *     [colors]
 *     critical = white,red,bold
 * (foreground, background, then attributes). Themes are looked up in
 * $XDG_CONFIG_HOME/rdswatch/themes, the installed data directory, then
 * the source tree when rdswatch runs from a build inside it; NAME may
 * also be a path. A role a file leaves out keeps the built-in default. */
#ifndef RW_UI_THEME_H
#define RW_UI_THEME_H

#include "view/canvas.h"

#define THEME_DEFAULT_COLOR (-1)	/* the terminal's own */

#define THEME_BOLD      0x01
#define THEME_DIM       0x02
#define THEME_UNDERLINE 0x04
#define THEME_REVERSE   0x08
#define THEME_BLINK     0x10
#define THEME_ITALIC    0x20
#define THEME_STANDOUT  0x40

struct theme_style {
	short fg, bg;		/* 0-255, or THEME_DEFAULT_COLOR */
	unsigned attrs;
};

struct theme {
	char *name;
	char *path;		/* the file read; NULL for the built-in one */
	struct theme_style role[CANVAS_ROLE_COUNT];
};

/* The built-in default (dark) theme, or the monochrome one (attributes
 * only, for terminals without colour and NO_COLOR). */
void theme_builtin(struct theme *t, int monochrome);
/* Loads theme NAME (or a path). "default" and "monochrome" fall back to
 * the built-in ones when no file is found. Returns 0, or -1 with *why
 * set: a missing theme names the places searched; a broken file names
 * the file and line. */
int theme_load(struct theme *t, const char *name, char **why);
int theme_load_file(struct theme *t, const char *path, char **why);
int theme_load_string(struct theme *t, const char *text, const char *name, char **why);
void theme_free(struct theme *t);
/* "critical", "warning", ...: the names theme files use. */
const char *theme_role_name(enum canvas_role role);
/* The directories searched, in order (NULL-terminated, newly allocated). */
char **theme_dirs(void);
void theme_dirs_free(char **dirs);

#endif
