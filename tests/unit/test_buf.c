/* The growable buffer is a valid string at every moment. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"

static void
test_buf_reserve_then_detach(void **state)
{
	struct buf b = BUF_INIT;
	char *s;

	(void)state;
	buf_reserve(&b, 100);
	assert_string_equal(buf_str(&b), "");
	s = buf_detach(&b);
	assert_string_equal(s, "");
	free(s);
}

static void
test_buf_appends(void **state)
{
	struct buf b = BUF_INIT;
	char *s;

	(void)state;
	assert_string_equal(buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i % 10);
	assert_int_equal(b.len, 2000);
	assert_int_equal(strlen(buf_str(&b)), 2000);
	buf_reset(&b);
	assert_string_equal(buf_str(&b), "");
	buf_append(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	buf_append_char(&b, 'c');
	assert_memory_equal(b.data, "a\0bc", 5);
	s = buf_detach(&b);
	assert_null(b.data);
	free(s);
	s = buf_detach(&b);
	assert_string_equal(s, "");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_reserve_then_detach),
		cmocka_unit_test(test_buf_appends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
