#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/files.h"
#include "core/inifile.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/theme.h"

static const char *const theme_roles[CANVAS_ROLE_COUNT] = {
	[CANVAS_NORMAL] = "normal",
	[CANVAS_CRITICAL] = "critical",
	[CANVAS_WARNING] = "warning",
	[CANVAS_OK] = "ok",
	[CANVAS_INFO] = "info",
	[CANVAS_STALE] = "stale",
	[CANVAS_SELECTED] = "selected",
	[CANVAS_DIM] = "dim",
	[CANVAS_HEADER] = "header",
};

static const char *const theme_colors[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	unsigned bit;
} theme_attrs[] = {
	{ "bold", THEME_BOLD }, { "dim", THEME_DIM }, { "underline", THEME_UNDERLINE },
	{ "reverse", THEME_REVERSE }, { "blink", THEME_BLINK }, { "italic", THEME_ITALIC },
	{ "standout", THEME_STANDOUT },
};

#define D THEME_DEFAULT_COLOR
/* The same as themes/default.theme and themes/monochrome.theme (a unit
 * test holds them together): used when no file is found. */
static const struct theme_style theme_builtin_default[CANVAS_ROLE_COUNT] = {
	[CANVAS_NORMAL] = { D, D, 0 },
	[CANVAS_CRITICAL] = { 7, 1, THEME_BOLD },
	[CANVAS_WARNING] = { 3, D, THEME_BOLD },
	[CANVAS_OK] = { 2, D, 0 },
	[CANVAS_INFO] = { 6, D, 0 },
	[CANVAS_STALE] = { 5, D, THEME_DIM },
	[CANVAS_SELECTED] = { 0, 6, 0 },
	[CANVAS_DIM] = { D, D, THEME_DIM },
	[CANVAS_HEADER] = { 0, 7, THEME_BOLD },
};

static const struct theme_style theme_builtin_mono[CANVAS_ROLE_COUNT] = {
	[CANVAS_NORMAL] = { D, D, 0 },
	[CANVAS_CRITICAL] = { D, D, THEME_BOLD | THEME_REVERSE },
	[CANVAS_WARNING] = { D, D, THEME_BOLD },
	[CANVAS_OK] = { D, D, 0 },
	[CANVAS_INFO] = { D, D, 0 },
	[CANVAS_STALE] = { D, D, THEME_DIM | THEME_UNDERLINE },
	[CANVAS_SELECTED] = { D, D, THEME_REVERSE },
	[CANVAS_DIM] = { D, D, THEME_DIM },
	[CANVAS_HEADER] = { D, D, THEME_BOLD | THEME_UNDERLINE },
};
#undef D

const char *
theme_role_name(enum canvas_role role)
{
	return role < CANVAS_ROLE_COUNT ? theme_roles[role] : "?";
}

void
theme_builtin(struct theme *t, int monochrome)
{
	memset(t, 0, sizeof *t);
	t->name = xstrdup(monochrome ? "monochrome" : "default");
	memcpy(t->role, monochrome ? theme_builtin_mono : theme_builtin_default, sizeof t->role);
}

void
theme_free(struct theme *t)
{
	free(t->name);
	free(t->path);
	t->name = t->path = NULL;
}

struct theme_parse {
	struct theme *t;
	const char *file;
	char *error;	/* the first problem, "FILE:LINE: ..." */
};

/* Records the first problem as "FILE:LINE: message" (sanitized: the
 * message quotes the file's text). */
static void __attribute__((format(printf, 3, 4)))
theme_parse_error(struct theme_parse *p, int lineno, const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;

	if (p->error != NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	full = xasprintf("%s:%d: %s", p->file, lineno, msg);
	p->error = sanitize_str(full);
	free(full);
	free(msg);
}

static char *
theme_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* A colour word or number; returns 0 and sets *out, or -1. */
static int
theme_parse_color(const char *word, short *out)
{
	char *end;
	long n;

	if (strcasecmp(word, "default") == 0 || strcasecmp(word, "none") == 0) {
		*out = THEME_DEFAULT_COLOR;
		return 0;
	}
	for (size_t i = 0; i < sizeof theme_colors / sizeof *theme_colors; i++) {
		if (strcasecmp(word, theme_colors[i]) == 0) {
			*out = (short)i;
			return 0;
		}
		/* "bright" + a colour: the upper eight of 16. */
		if (strncasecmp(word, "bright", 6) == 0 && strcasecmp(word + 6, theme_colors[i]) == 0) {
			*out = (short)(i + 8);
			return 0;
		}
	}
	errno = 0;
	n = strtol(word, &end, 10);
	if (word[0] == '\0' || *end != '\0' || errno != 0 || n < 0 || n > 255)
		return -1;
	*out = (short)n;
	return 0;
}

static int
theme_on_value(void *user, const char *section, const char *name, const char *value, int lineno)
{
	struct theme_parse *p = user;
	struct theme_style st = { THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0 };
	char *copy, *save = NULL, *word;
	int role = -1, field = 0;

	if (strcmp(section, "colors") != 0) {
		theme_parse_error(p, lineno, "unknown section [%s] (a theme has only [colors])", section);
		return 1;
	}
	for (int r = 0; r < CANVAS_ROLE_COUNT; r++) {
		if (strcmp(name, theme_roles[r]) == 0)
			role = r;
	}
	if (role < 0) {
		theme_parse_error(p, lineno, "unknown colour role '%s' (roles: normal, critical, "
		    "warning, ok, info, stale, selected, dim, header)", name);
		return 1;
	}
	copy = xstrdup(value);
	for (word = strtok_r(copy, ",", &save); word != NULL; word = strtok_r(NULL, ",", &save)) {
		word = theme_trim(word);
		if (field < 2) {
			if (theme_parse_color(word, field == 0 ? &st.fg : &st.bg) != 0) {
				theme_parse_error(p, lineno, "'%s' is not a colour (default, black, red, "
				    "green, yellow, blue, magenta, cyan, white, bright..., or 0-255)", word);
				free(copy);
				return 1;
			}
		} else {
			size_t i;

			for (i = 0; i < sizeof theme_attrs / sizeof *theme_attrs; i++) {
				if (strcasecmp(word, theme_attrs[i].name) == 0)
					break;
			}
			if (i == sizeof theme_attrs / sizeof *theme_attrs) {
				theme_parse_error(p, lineno, "'%s' is not an attribute (bold, dim, underline, "
				    "reverse, blink, italic, standout)", word);
				free(copy);
				return 1;
			}
			st.attrs |= theme_attrs[i].bit;
		}
		field++;
	}
	free(copy);
	if (field < 2) {
		theme_parse_error(p, lineno, "'%s' needs at least a foreground and a background "
		    "(e.g. white,red,bold)", value);
		return 1;
	}
	p->t->role[role] = st;
	return 1;
}

static int
theme_finish(struct theme *t, struct theme_parse *p, int rc, char *why, char **out_why)
{
	if (rc != 0 || p->error != NULL) {
		*out_why = rc != 0 ? why : p->error;
		if (rc != 0)
			free(p->error);
		else
			free(why);
		theme_free(t);
		return -1;
	}
	free(why);
	return 0;
}

int
theme_load_string(struct theme *t, const char *text, const char *name, char **why)
{
	struct theme_parse p = { t, name, NULL };
	char *err = NULL;
	int rc;

	theme_builtin(t, 0);
	free(t->name);
	t->name = xstrdup(name);
	rc = inifile_read_string(text, name, theme_on_value, &p, &err);
	return theme_finish(t, &p, rc, err, why);
}

int
theme_load_file(struct theme *t, const char *path, char **why)
{
	struct theme_parse p = { t, path, NULL };
	char *err = NULL;
	int rc;

	theme_builtin(t, 0);
	free(t->name);
	t->name = xstrdup(path);
	t->path = xstrdup(path);
	rc = inifile_read_file(path, theme_on_value, &p, &err);
	return theme_finish(t, &p, rc, err, why);
}

static int
theme_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The source tree rdswatch runs from: the directory of the executable or
 * its parent (a build directory inside the tree), if it holds themes/
 * and src/main.c. */
static char *
theme_source_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(exe, '/');
		char *marker, *themes;
		int ok;

		if (slash == NULL || slash == exe)
			return NULL;
		*slash = '\0';
		marker = xasprintf("%s/src/main.c", exe);
		themes = xasprintf("%s/themes", exe);
		ok = access(marker, F_OK) == 0 && theme_is_dir(themes);
		free(marker);
		if (ok)
			return themes;
		free(themes);
	}
	return NULL;
}

char **
theme_dirs(void)
{
	char **dirs = xcalloc(4, sizeof *dirs);
	char *config = files_config_dir();
	size_t n = 0;

	if (config != NULL) {
		dirs[n++] = xasprintf("%s/themes", config);
		free(config);
	}
	dirs[n++] = xstrdup(RW_DATADIR "/themes");
	dirs[n] = theme_source_dir();
	return dirs;
}

void
theme_dirs_free(char **dirs)
{
	for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++)
		free(dirs[i]);
	free(dirs);
}

int
theme_load(struct theme *t, const char *name, char **why)
{
	char **dirs;
	struct buf tried = BUF_INIT;
	int rc = -1;

	if (strchr(name, '/') != NULL)
		return theme_load_file(t, name, why);
	/* A name is a file name in a themes directory, nothing more. */
	if (name[0] == '\0' || name[0] == '.') {
		char *clean = sanitize_str(name);

		*why = xasprintf("'%s' is not a theme name", clean);
		free(clean);
		return -1;
	}
	dirs = theme_dirs();
	for (size_t i = 0; dirs[i] != NULL; i++) {
		char *path = xasprintf("%s/%s.theme", dirs[i], name);

		if (access(path, F_OK) == 0) {
			rc = theme_load_file(t, path, why);
			if (rc == 0) {
				free(t->name);
				t->name = xstrdup(name);
			}
			free(path);
			buf_free(&tried);
			theme_dirs_free(dirs);
			return rc;
		}
		buf_printf(&tried, "%s%s", tried.len > 0 ? ", " : "", dirs[i]);
		free(path);
	}
	/* The built-in themes need no file. */
	if (strcmp(name, "default") == 0 || strcmp(name, "monochrome") == 0) {
		theme_builtin(t, strcmp(name, "monochrome") == 0);
		buf_free(&tried);
		theme_dirs_free(dirs);
		return 0;
	}
	{
		char *clean = sanitize_str(name), *where = sanitize_str(buf_str(&tried));

		*why = xasprintf("theme '%s' not found (looked in %s)", clean, where);
		free(clean);
		free(where);
	}
	buf_free(&tried);
	theme_dirs_free(dirs);
	return rc;
}
