/* The canvas: text clipped by display width, wide and combining characters
 * kept aligned, and nothing that could drive a terminal ever reaching a
 * backend (checked on the text grid, which stores exactly what a backend
 * receives); the ncurses backend hands the window only the cells that
 * changed since the last frame. */
#include <config.h>

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <curses.h>

#include "ui/canvas_curses.h"
#include "ui/theme.h"
#include "view/canvas.h"
#include "view/textcanvas.h"

static struct text_canvas *
grid(int rows, int cols, int ascii)
{
	return text_canvas_new(rows, cols, ascii);
}

static void
assert_line(struct text_canvas *t, int row, const char *want)
{
	char *line = text_canvas_line(t, row);

	assert_string_equal(line, want);
	free(line);
}

/* No byte below 0x20, DEL or C1 anywhere on the grid; on an ASCII grid,
 * nothing above 0x7e. */
static void
assert_harmless(struct text_canvas *t, int ascii)
{
	char *all = text_canvas_text(t);

	for (const unsigned char *p = (const unsigned char *)all; *p != '\0'; p++) {
		if (*p == '\n')
			continue;
		assert_true(*p >= 0x20 && *p != 0x7f);
		if (ascii)
			assert_true(*p < 0x7f);
		/* C1 controls in UTF-8 are 0xc2 0x80..0x9f. */
		if (p[0] == 0xc2)
			assert_false(p[1] >= 0x80 && p[1] <= 0x9f);
	}
	free(all);
}

static void
test_canvas_put_clips_with_ellipsis(void **state)
{
	struct text_canvas *t = grid(3, 20, 0);
	struct canvas_area a = canvas_whole(text_canvas_base(t));

	(void)state;
	assert_int_equal(canvas_put(&a, 0, 0, 5, 0, "abcdefgh"), 5);
	assert_line(t, 0, "abcd\xe2\x80\xa6");
	assert_int_equal(canvas_put(&a, 1, 0, 5, CANVAS_CLIP, "abcdefgh"), 5);
	assert_line(t, 1, "abcde");
	/* To the edge, and no further. */
	assert_int_equal(canvas_put(&a, 2, 15, -1, 0, "0123456789"), 5);
	assert_line(t, 2, "               0123\xe2\x80\xa6");
	/* Outside the area: nothing. */
	assert_int_equal(canvas_put(&a, 3, 0, -1, 0, "x"), 0);
	assert_int_equal(canvas_put(&a, 0, 20, -1, 0, "x"), 0);
	text_canvas_free(t);
}

static void
test_canvas_pad_right_and_sub_areas(void **state)
{
	struct text_canvas *t = grid(3, 12, 0);
	struct canvas_area whole = canvas_whole(text_canvas_base(t));
	struct canvas_area sub = canvas_sub(&whole, 1, 4, 5, 4);

	(void)state;
	canvas_put(&whole, 0, 0, 6, CANVAS_RIGHT, "42");
	assert_line(t, 0, "    42");
	canvas_put(&whole, 0, 6, 6, CANVAS_PAD | CANVAS_CRITICAL, "ab");
	assert_int_equal(text_canvas_style(t, 0, 11), CANVAS_CRITICAL);
	/* A sub-area clips to itself and to its parent. */
	assert_int_equal(sub.rows, 2);
	canvas_put(&sub, 0, 0, -1, 0, "clipped!");
	assert_line(t, 1, "    cli\xe2\x80\xa6");
	canvas_put(&sub, 1, 0, -1, 0, "ok");
	assert_line(t, 2, "    ok");
	text_canvas_free(t);
}

static void
test_canvas_wide_and_combining_keep_alignment(void **state)
{
	struct text_canvas *t = grid(4, 10, 0);
	struct canvas_area a = canvas_whole(text_canvas_base(t));
	int row, col;

	(void)state;
	/* Two CJK characters are four columns. */
	assert_int_equal(canvas_width(text_canvas_base(t), "\xe6\x97\xa5\xe6\x9c\xac", -1), 4);
	canvas_put(&a, 0, 0, -1, 0, "\xe6\x97\xa5\xe6\x9c\xac|x");
	assert_true(text_canvas_find(t, "|x", &row, &col));
	assert_int_equal(col, 4);
	/* A wide character that would straddle the edge is not drawn. */
	canvas_put(&a, 1, 0, 3, CANVAS_CLIP, "\xe6\x97\xa5\xe6\x9c\xac");
	assert_line(t, 1, "\xe6\x97\xa5");
	/* e + combining acute is one column; a flood of marks stays one cell. */
	canvas_put(&a, 2, 0, -1, 0, "e\xcc\x81#");
	assert_true(text_canvas_find(t, "#", &row, &col));
	assert_int_equal(row, 2);
	assert_int_equal(col, 1);
	{
		char zalgo[200] = "z";

		for (int i = 0; i < 40; i++)
			strcat(zalgo, "\xcc\x81");
		strcat(zalgo, "@");
		canvas_put(&a, 3, 0, -1, 0, zalgo);
		assert_true(text_canvas_find(t, "@", &row, &col));
		assert_int_equal(row, 3);
		assert_int_equal(col, 1);
		{
			char *line = text_canvas_line(t, 3);

			assert_true(strlen(line) <= 1 + 4 * 2 + 1);
			assert_int_equal(line[strlen(line) - 1], '@');
			free(line);
		}
	}
	text_canvas_free(t);
}

static void
test_canvas_escapes_controls(void **state)
{
	struct text_canvas *t = grid(6, 60, 0);
	struct canvas_area a = canvas_whole(text_canvas_base(t));

	(void)state;
	canvas_put(&a, 0, 0, -1, 0, "a\033]0;pwned\007b");
	assert_line(t, 0, "a\\x1b]0;pwned\\x07b");
	canvas_put(&a, 1, 0, -1, 0, "x\033[2Jy\r\n\tz\x7f");
	assert_line(t, 1, "x\\x1b[2Jy\\r\\n\\tz\\x7f");
	/* C1 CSI, bidi override, line separator. */
	canvas_put(&a, 2, 0, -1, 0, "c1\xc2\x9b" "2J rlo\xe2\x80\xae" "x ls\xe2\x80\xa8");
	assert_line(t, 2, "c1\\u009b2J rlo\\u202ex ls\\u2028");
	/* Invalid UTF-8 shows its bytes. */
	canvas_put(&a, 3, 0, -1, 0, "bad\xff\xc0\xaf!");
	assert_line(t, 3, "bad\\xff\\xc0\\xaf!");
	/* An escape cut by the width still ends in the ellipsis. */
	canvas_put(&a, 4, 0, 6, 0, "\033[2J\033[2J");
	assert_line(t, 4, "\\x1b[\xe2\x80\xa6");
	assert_harmless(t, 0);
	text_canvas_free(t);
}

static void
test_canvas_ascii_mode(void **state)
{
	struct text_canvas *t = grid(4, 40, 1);
	struct canvas_area a = canvas_whole(text_canvas_base(t));

	(void)state;
	canvas_put(&a, 0, 0, -1, 0, "caf\xc3\xa9 \xe6\x97\xa5");
	assert_line(t, 0, "caf\\u00e9 \\u65e5");
	/* The canvas's own symbols have ASCII forms. */
	canvas_hline(&a, 1, 0, 3, 0);
	canvas_put(&a, 1, 4, -1, 0, canvas_spark(text_canvas_base(t), 0));
	canvas_put(&a, 1, 5, -1, 0, canvas_spark(text_canvas_base(t), 7));
	canvas_put(&a, 1, 7, 3, 0, "abcdef");
	assert_line(t, 1, "--- _# ab~");
	/* A UTF-8 symbol passed in is transliterated, not escaped. */
	canvas_put(&a, 2, 0, -1, 0, "\xe2\x96\x81\xe2\x96\x88\xe2\x80\xa6");
	assert_line(t, 2, "_#~");
	canvas_put(&a, 3, 0, -1, 0, "\033]0;x\007\xc2\x9b");
	assert_harmless(t, 1);
	text_canvas_free(t);
}

static void
test_canvas_fit_and_width(void **state)
{
	struct text_canvas *t = grid(1, 10, 0);

	(void)state;
	assert_int_equal(canvas_width(text_canvas_base(t), "abc", -1), 3);
	assert_int_equal(canvas_width(text_canvas_base(t), "\033", -1), 4);
	assert_int_equal(canvas_width(text_canvas_base(t), NULL, -1), 0);
	assert_int_equal(canvas_fit(text_canvas_base(t), "abcdef", 4), 4);
	assert_int_equal(canvas_fit(text_canvas_base(t), "\xe6\x97\xa5\xe6\x9c\xac", 3), 3);
	/* Always at least one unit, so wrapping makes progress. */
	assert_int_equal(canvas_fit(text_canvas_base(t), "\xe6\x97\xa5", 1), 3);
	assert_int_equal(canvas_fit(text_canvas_base(t), "", 5), 0);
	text_canvas_free(t);
}

/* The character at ROW, COL of WIN, as UTF-8 (its first code point). */
static void
cell_at(WINDOW *win, int row, int col, char *out, size_t len)
{
	cchar_t ch;
	wchar_t w[CCHARW_MAX + 1];
	attr_t attr;
	short pair;

	assert_int_equal(mvwin_wch(win, row, col, &ch), OK);
	assert_int_equal(getcchar(&ch, w, &attr, &pair, NULL), OK);
	w[1] = L'\0';
	assert_true(wcstombs(out, w, len) != (size_t)-1);
}

static void
test_canvas_curses_writes_changes_only(void **state)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	WINDOW *win;
	struct theme t;
	struct canvas *c;
	struct canvas_area a;
	char s[16];

	(void)state;
	assert_non_null(out);
	assert_non_null(in);
	scr = newterm("xterm", out, in);
	assert_non_null(scr);
	win = newwin(2, 10, 0, 0);
	theme_builtin(&t, 1);
	c = canvas_curses_new(win, &t, 0, 0);
	a = canvas_whole(c);

	canvas_clear(c);
	canvas_put(&a, 0, 0, -1, CANVAS_NORMAL, "abc");
	canvas_put(&a, 1, 0, -1, CANVAS_NORMAL, "\xe6\x97\xa5x");	/* wide, then x */
	canvas_curses_flush(c);
	cell_at(win, 0, 1, s, sizeof s);
	assert_string_equal(s, "b");
	cell_at(win, 1, 0, s, sizeof s);
	assert_string_equal(s, "\xe6\x97\xa5");
	cell_at(win, 1, 2, s, sizeof s);
	assert_string_equal(s, "x");

	/* Something else writes on the window where the frame does not
	 * change: the next frame leaves it; it writes what changed. */
	mvwaddstr(win, 0, 1, "Z");
	canvas_clear(c);
	canvas_put(&a, 0, 0, -1, CANVAS_NORMAL, "abd");
	canvas_put(&a, 1, 0, -1, CANVAS_NORMAL, "yz");	/* narrow over the wide */
	canvas_curses_flush(c);
	cell_at(win, 0, 1, s, sizeof s);
	assert_string_equal(s, "Z");
	cell_at(win, 0, 2, s, sizeof s);
	assert_string_equal(s, "d");
	cell_at(win, 1, 0, s, sizeof s);
	assert_string_equal(s, "y");
	cell_at(win, 1, 1, s, sizeof s);
	assert_string_equal(s, "z");
	cell_at(win, 1, 2, s, sizeof s);
	assert_string_equal(s, " ");		/* erased */

	/* After invalidating, every cell is written again. */
	canvas_curses_invalidate(c);
	canvas_clear(c);
	canvas_put(&a, 0, 0, -1, CANVAS_NORMAL, "abd");
	canvas_curses_flush(c);
	cell_at(win, 0, 1, s, sizeof s);
	assert_string_equal(s, "b");

	canvas_curses_free(c);
	theme_free(&t);
	delwin(win);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canvas_put_clips_with_ellipsis),
		cmocka_unit_test(test_canvas_pad_right_and_sub_areas),
		cmocka_unit_test(test_canvas_wide_and_combining_keep_alignment),
		cmocka_unit_test(test_canvas_escapes_controls),
		cmocka_unit_test(test_canvas_ascii_mode),
		cmocka_unit_test(test_canvas_fit_and_width),
		cmocka_unit_test(test_canvas_curses_writes_changes_only),
	};

	/* wcwidth(3) needs a UTF-8 locale; C.UTF-8 is always there. */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
