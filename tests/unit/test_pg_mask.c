/* Query text masking and truncation (src/pg/pg_mask.c). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pg/pg_mask.h"

static char *
mask(const char *q, size_t max, unsigned flags)
{
	struct buf b = BUF_INIT;

	pg_mask_query(&b, q, strlen(q), max, flags);
	return buf_detach(&b);
}

#define ASSERT_MASK(q, max, flags, want) do {		\
	char *got_ = mask((q), (max), (flags));		\
	assert_string_equal(got_, (want));		\
	free(got_);					\
} while (0)

static void
test_mask_literals(void **state)
{
	(void)state;
	ASSERT_MASK("CREATE ROLE x PASSWORD 'hunter2'", 512, PG_MASK_LITERALS,
	    "CREATE ROLE x PASSWORD '?'");
	ASSERT_MASK("ALTER ROLE x PASSWORD 'it''s hunter2' VALID UNTIL 'infinity'", 512,
	    PG_MASK_LITERALS, "ALTER ROLE x PASSWORD '?' VALID UNTIL '?'");
	/* E'' strings escape quotes with backslashes. */
	ASSERT_MASK("SELECT E'a\\'hunter2', 1", 512, PG_MASK_LITERALS, "SELECT E'?', 1");
	/* Standard strings do not, unless standard_conforming_strings is off. */
	ASSERT_MASK("SELECT 'a\\', 'hunter2'", 512, PG_MASK_LITERALS, "SELECT '?', '?'");
	/* ... and then reads this as the server does. */
	ASSERT_MASK("SELECT 'a\\', 'hunter2'", 512, PG_MASK_LITERALS | PG_MASK_BACKSLASH,
	    "SELECT '?'hunter2'?");
	/* Dollar quotes, tagged or not; $1 is a parameter, a$b an identifier. */
	ASSERT_MASK("DO $$BEGIN PERFORM 'hunter2'; END$$", 512, PG_MASK_LITERALS, "DO $$?$$");
	ASSERT_MASK("SELECT $x$hunter2$y$ $x$, $1, a$b$", 512, PG_MASK_LITERALS,
	    "SELECT $x$?$x$, $1, a$b$");
	/* Quoted identifiers and comments are not literals and stay. */
	ASSERT_MASK("SELECT 1 AS \"it's\" -- don't\n, 'hunter2' /* it's /* nested */ */",
	    512, PG_MASK_LITERALS, "SELECT 1 AS \"it's\" -- don't\n, '?' /* it's /* nested */ */");
	/* The server cuts query text: an open literal is masked to the end. */
	ASSERT_MASK("CREATE ROLE x PASSWORD 'hunter", 512, PG_MASK_LITERALS,
	    "CREATE ROLE x PASSWORD '?");
	ASSERT_MASK("SELECT $q$hunter2", 512, PG_MASK_LITERALS, "SELECT $q$?");
	ASSERT_MASK("SELECT X'ff', B'101', U&'d\\0061t'", 512, PG_MASK_LITERALS,
	    "SELECT X'?', B'?', U&'?'");
	/* keep: the text as it is. */
	ASSERT_MASK("CREATE ROLE x PASSWORD 'hunter2'", 512, 0, "CREATE ROLE x PASSWORD 'hunter2'");
}

static void
test_mask_truncates(void **state)
{
	(void)state;
	ASSERT_MASK("SELECT 1234567890", 10, PG_MASK_LITERALS, "SELECT ...");
	ASSERT_MASK("SELECT 1234567890", 17, PG_MASK_LITERALS, "SELECT 1234567890");
	ASSERT_MASK("SELECT 1234567890", 16, 0, "SELECT 123456...");
	ASSERT_MASK("SELECT 1", 0, PG_MASK_LITERALS, "");
	ASSERT_MASK("SELECT 1", 2, PG_MASK_LITERALS, "SE");
	/* The cut falls on a character boundary. */
	ASSERT_MASK("SELECT '\xc3\xa9t\xc3\xa9', \"\xc3\xa9\xc3\xa9\xc3\xa9\"", 18, PG_MASK_LITERALS,
	    "SELECT '?', \"\xc3\xa9...");
	ASSERT_MASK("SELECT '\xc3\xa9t\xc3\xa9', \"\xc3\xa9\xc3\xa9\xc3\xa9\"", 17, PG_MASK_LITERALS,
	    "SELECT '?', \"...");
	/* A literal past the cut is never copied. */
	ASSERT_MASK("SELECT 1, 'hunter2hunter2hunter2'", 14, PG_MASK_LITERALS, "SELECT 1, '?'");
	ASSERT_MASK("SELECT 1, 'hunter2hunter2hunter2'", 12, PG_MASK_LITERALS, "SELECT 1,...");
}

static void
test_mask_long_input_is_bounded(void **state)
{
	size_t n = 1 << 20;
	char *q = malloc(n + 1);
	char *got;

	(void)state;
	memset(q, 'a', n);
	memcpy(q, "SELECT '", 8);
	q[n] = '\0';
	got = mask(q, 512, PG_MASK_LITERALS);
	assert_string_equal(got, "SELECT '?");
	free(got);
	memset(q, 'a', n);
	got = mask(q, 100, PG_MASK_LITERALS);
	assert_int_equal(strlen(got), 100);
	assert_string_equal(got + 97, "...");
	free(got);
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_literals),
		cmocka_unit_test(test_mask_truncates),
		cmocka_unit_test(test_mask_long_input_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
