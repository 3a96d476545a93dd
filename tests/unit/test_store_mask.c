/* The store's guard on query texts: password literals are masked, the
 * rest of the query is kept, and masking twice changes nothing. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/xmalloc.h"
#include "store/mask.h"

static const struct {
	const char *in;
	const char *out;	/* NULL: unchanged */
} cases[] = {
	{ "CREATE ROLE x PASSWORD 'hunter2'", "CREATE ROLE x PASSWORD '***'" },
	{ "create user x with login password 'it''s hunter2' valid until 'infinity'",
	  "create user x with login password '***' valid until 'infinity'" },
	{ "ALTER ROLE x ENCRYPTED PASSWORD E'a\\'hunter2'", "ALTER ROLE x ENCRYPTED PASSWORD E'***'" },
	{ "ALTER ROLE x PASSWORD U&'hunter2'", "ALTER ROLE x PASSWORD U&'***'" },
	{ "ALTER ROLE x PASSWORD $$hunter2$$", "ALTER ROLE x PASSWORD $$***$$" },
	{ "ALTER ROLE x PASSWORD $pw$hun'ter2$pw$ LOGIN", "ALTER ROLE x PASSWORD $pw$***$pw$ LOGIN" },
	/* The sanitizer turned a newline into the two characters \n. */
	{ "ALTER ROLE x WITH\\nPASSWORD\\n'hunter2'", "ALTER ROLE x WITH\\nPASSWORD\\n'***'" },
	/* Truncated by the source before the closing quote. */
	{ "CREATE ROLE x PASSWORD 'hunte", "CREATE ROLE x PASSWORD '***'" },
	{ "CREATE USER MAPPING FOR u SERVER s OPTIONS (user 'u', password 'hunter2')",
	  "CREATE USER MAPPING FOR u SERVER s OPTIONS (user 'u', password '***')" },
	{ "SELECT dblink_connect('host=h password=hunter2 dbname=d')",
	  "SELECT dblink_connect('host=h password=*** dbname=d')" },
	{ "SELECT dblink_connect('host=h password=hunter2')",
	  "SELECT dblink_connect('host=h password=***')" },
	/* Already masked, or nothing to mask. */
	{ "CREATE ROLE x PASSWORD '***'", NULL },
	{ "CREATE ROLE x PASSWORD '?'", NULL },
	{ "CREATE ROLE x PASSWORD NULL", NULL },
	{ "SHOW password_encryption", NULL },
	{ "SELECT passwords FROM t WHERE note = 'password'", NULL },
	{ "SELECT 1", NULL },
	{ "", NULL },
};

static void
test_mask_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *q = xstrdup(cases[i].in);
		int changed = store_mask_query(&q);

		if (cases[i].out == NULL) {
			assert_int_equal(changed, 0);
			assert_string_equal(q, cases[i].in);
		} else {
			assert_int_equal(changed, 1);
			assert_string_equal(q, cases[i].out);
			assert_null(strstr(q, "hunter"));
			/* Idempotent. */
			assert_int_equal(store_mask_query(&q), 0);
			assert_string_equal(q, cases[i].out);
		}
		free(q);
	}
}

static void
test_mask_null(void **state)
{
	char *q = NULL;

	(void)state;
	assert_int_equal(store_mask_query(&q), 0);
	assert_null(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_cases),
		cmocka_unit_test(test_mask_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
