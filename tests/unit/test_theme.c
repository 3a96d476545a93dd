/* Themes: the shipped files load and agree with the built-in fallbacks,
 * lookup follows $XDG_CONFIG_HOME then the data directories, and a broken
 * file is reported with its name and line. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/xmalloc.h"
#include "ui/theme.h"

static const char *
srcdir(void)
{
	const char *d = getenv("top_srcdir");

	return d != NULL ? d : ".";
}

static void
load_shipped(const char *name, struct theme *t)
{
	char *path = xasprintf("%s/themes/%s.theme", srcdir(), name);
	char *why = NULL;

	if (theme_load_file(t, path, &why) != 0)
		fail_msg("%s: %s", path, why);
	free(path);
}

static void
test_theme_shipped_files_load(void **state)
{
	static const char *const names[] = { "default", "light", "high-contrast", "monochrome" };

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct theme t;

		load_shipped(names[i], &t);
		/* Every role that carries a warning stands out somehow. */
		assert_true(t.role[CANVAS_CRITICAL].attrs != 0 || t.role[CANVAS_CRITICAL].bg >= 0);
		assert_true(t.role[CANVAS_SELECTED].attrs != 0 || t.role[CANVAS_SELECTED].bg >= 0);
		theme_free(&t);
	}
}

static void
test_theme_builtins_match_files(void **state)
{
	struct theme file, builtin;

	(void)state;
	load_shipped("default", &file);
	theme_builtin(&builtin, 0);
	assert_memory_equal(file.role, builtin.role, sizeof file.role);
	theme_free(&file);
	theme_free(&builtin);
	load_shipped("monochrome", &file);
	theme_builtin(&builtin, 1);
	assert_memory_equal(file.role, builtin.role, sizeof file.role);
	for (int r = 0; r < CANVAS_ROLE_COUNT; r++) {
		assert_int_equal(file.role[r].fg, THEME_DEFAULT_COLOR);
		assert_int_equal(file.role[r].bg, THEME_DEFAULT_COLOR);
	}
	theme_free(&file);
	theme_free(&builtin);
}

static void
test_theme_parses_values(void **state)
{
	struct theme t;
	char *why = NULL;

	(void)state;
	assert_int_equal(theme_load_string(&t,
	    "# comment\n[colors]\ncritical = brightwhite, 196 ,bold,underline\n"
	    "ok = default,none\n", "x.theme", &why), 0);
	assert_int_equal(t.role[CANVAS_CRITICAL].fg, 15);
	assert_int_equal(t.role[CANVAS_CRITICAL].bg, 196);
	assert_int_equal(t.role[CANVAS_CRITICAL].attrs, THEME_BOLD | THEME_UNDERLINE);
	assert_int_equal(t.role[CANVAS_OK].fg, THEME_DEFAULT_COLOR);
	/* Left out: the default's. */
	assert_int_equal(t.role[CANVAS_HEADER].bg, 7);
	assert_string_equal(theme_role_name(CANVAS_STALE), "stale");
	theme_free(&t);
}

static void
expect_error(const char *text, const char *want)
{
	struct theme t;
	char *why = NULL;

	assert_int_equal(theme_load_string(&t, text, "bad.theme", &why), -1);
	assert_non_null(why);
	if (strstr(why, want) == NULL)
		fail_msg("expected '%s' in '%s'", want, why);
	free(why);
}

static void
test_theme_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("[colors]\nok = green,default\ncritical = purple,red\n",
	    "bad.theme:3: 'purple' is not a colour");
	expect_error("[colors]\nalarm = red,default\n", "bad.theme:2: unknown colour role 'alarm'");
	expect_error("[palette]\nok = red,default\n", "bad.theme:2: unknown section [palette]");
	expect_error("[colors]\nok = red\n", "bad.theme:2: 'red' needs at least a foreground");
	expect_error("[colors]\nok = red,default,shiny\n", "bad.theme:2: 'shiny' is not an attribute");
	expect_error("[colors]\nok = 256,default\n", "bad.theme:2: '256' is not a colour");
	expect_error("[colors]\n\nthis is not ini\n", "bad.theme:3: syntax error");
	/* What the file says is quoted harmlessly. */
	expect_error("[colors]\nok = \033[2J,red\n", "'\\x1b[2J' is not a colour");
}

static void
test_theme_lookup(void **state)
{
	char dir[] = "/tmp/rdswatch-theme-XXXXXX";
	char *themes, *path, *why = NULL;
	struct theme t;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	themes = xasprintf("%s/rdswatch/themes", dir);
	path = xasprintf("%s/rdswatch", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(mkdir(themes, 0700), 0);
	free(path);
	path = xasprintf("%s/mine.theme", themes);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[colors]\nwarning = black,yellow\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);

	assert_int_equal(theme_load(&t, "mine", &why), 0);
	assert_string_equal(t.name, "mine");
	assert_string_equal(t.path, path);
	assert_int_equal(t.role[CANVAS_WARNING].bg, 3);
	theme_free(&t);
	/* A path works too. */
	assert_int_equal(theme_load(&t, path, &why), 0);
	theme_free(&t);

	assert_int_equal(theme_load(&t, "nosuch", &why), -1);
	assert_non_null(strstr(why, "theme 'nosuch' not found"));
	assert_non_null(strstr(why, themes));
	assert_non_null(strstr(why, RW_DATADIR));
	free(why);
	assert_int_equal(theme_load(&t, "../mine", &why), -1);
	free(why);
	assert_int_equal(theme_load(&t, ".hidden", &why), -1);
	free(why);

	unlink(path);
	rmdir(themes);
	free(path);
	path = xasprintf("%s/rdswatch", dir);
	rmdir(path);
	rmdir(dir);
	free(path);
	free(themes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theme_shipped_files_load),
		cmocka_unit_test(test_theme_builtins_match_files),
		cmocka_unit_test(test_theme_parses_values),
		cmocka_unit_test(test_theme_errors_name_file_and_line),
		cmocka_unit_test(test_theme_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
