/* The sanitizer: every hostile byte sequence leaves as visible text. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/sanitize.h"

static void
check(const char *in, size_t len, const char *want)
{
	char *out = sanitize_mem(in, len);

	assert_string_equal(out, want);
	assert_true(sanitize_is_clean(out));
	free(out);
}

#define CHECK(in, want) check(in, sizeof(in) - 1, want)

static void
test_sanitize_passes_clean_text(void **state)
{
	(void)state;
	CHECK("SELECT 1", "SELECT 1");
	CHECK("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91");
	CHECK("back\\slash and \"quotes\"", "back\\slash and \"quotes\"");
	CHECK("", "");
	assert_true(sanitize_is_clean("plain ascii ~!@#$%^&*()"));
}

static void
test_sanitize_c0_and_del(void **state)
{
	(void)state;
	CHECK("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07");
	CHECK("\x1b[2J", "\\x1b[2J");
	CHECK("a\nb\rc\td", "a\\nb\\rc\\td");
	CHECK("nul\0here", "nul\\x00here");
	CHECK("del\x7f", "del\\x7f");
	CHECK("\x01\x1f", "\\x01\\x1f");
	assert_false(sanitize_is_clean("\x1b[31m"));
}

static void
test_sanitize_c1_and_bidi(void **state)
{
	(void)state;
	CHECK("csi\xc2\x9b" "2J", "csi\\u009b2J");
	CHECK("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
	CHECK("evil\xe2\x80\xae" "txt.exe", "evil\\u202etxt.exe");
	CHECK("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069");
	CHECK("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c");
	CHECK("line\xe2\x80\xa8sep", "line\\u2028sep");
	/* Neighbours of the bidi range are ordinary text. */
	CHECK("\xe2\x80\xa9", "\\u2029");
	CHECK("\xe2\x80\xaf", "\xe2\x80\xaf");
}

static void
test_sanitize_invalid_utf8(void **state)
{
	(void)state;
	CHECK("\xff", "\\xff");
	CHECK("a\xfe" "b", "a\\xfeb");
	CHECK("\xc0\xaf", "\\xc0\\xaf");		/* overlong '/' */
	CHECK("\xe0\x80\xaf", "\\xe0\\x80\\xaf");	/* overlong */
	CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* surrogate */
	CHECK("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	CHECK("\xe2\x82", "\\xe2\\x82");		/* truncated */
	CHECK("\x80" "abc", "\\x80abc");		/* stray continuation */
	CHECK("\xc3\xa9\xc3", "\xc3\xa9\\xc3");
}

static void
test_sanitize_null_and_append(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_null(sanitize_str(NULL));
	assert_null(sanitize_mem(NULL, 3));
	buf_append_str(&b, "keep\x1b");	/* already in the buffer: not touched */
	sanitize_append(&b, "\x1b", 1);
	assert_string_equal(buf_str(&b), "keep\x1b\\x1b");
	buf_free(&b);
}

/* Whatever the input, the output is clean and free of ESC, BEL and C1. */
static void
test_sanitize_random_inputs_come_out_clean(void **state)
{
	unsigned seed = (unsigned)time(NULL);
	char in[64];

	(void)state;
	printf("seed %u\n", seed);
	srand(seed);
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand() % (int)sizeof in);
		char *out;

		for (size_t i = 0; i < len; i++)
			in[i] = (char)(rand() % 256);
		out = sanitize_mem(in, len);
		assert_true(sanitize_is_clean(out));
		assert_null(strchr(out, '\x1b'));
		assert_null(strchr(out, '\x07'));
		assert_null(strstr(out, "\xc2\x9b"));
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_passes_clean_text),
		cmocka_unit_test(test_sanitize_c0_and_del),
		cmocka_unit_test(test_sanitize_c1_and_bidi),
		cmocka_unit_test(test_sanitize_invalid_utf8),
		cmocka_unit_test(test_sanitize_null_and_append),
		cmocka_unit_test(test_sanitize_random_inputs_come_out_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
