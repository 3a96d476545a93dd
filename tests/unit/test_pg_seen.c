/* The pg poller's table of the sessions a poll saw: found by pid and
 * start, emptied for the next poll, grown without losing an entry. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pg/pg_seen.h"

#define START 1795000000000000LL

static void
test_pg_seen_put_find(void **state)
{
	struct pg_seen s;
	struct pg_seen_entry *e;
	int added = -1;

	(void)state;
	pg_seen_init(&s);
	assert_null(pg_seen_find(&s, 1, START));
	e = pg_seen_put(&s, 1, START, &added);
	assert_int_equal(added, 1);
	assert_int_equal(e->pid, 1);
	assert_int_equal(e->start, START);
	assert_int_equal(e->key, 0);
	e->key = 42;
	/* The same pid with another start is another session. */
	assert_null(pg_seen_find(&s, 1, START + 1));
	assert_int_equal(pg_seen_put(&s, 1, START, &added)->key, 42);
	assert_int_equal(added, 0);
	assert_int_equal(s.n, 1);
	pg_seen_free(&s);
}

/* Emptied for the next poll (a generation, not a clearing), many times
 * and across a wrap of the generation; grown while holding entries. */
static void
test_pg_seen_reset_and_grow(void **state)
{
	struct pg_seen s;

	(void)state;
	pg_seen_init(&s);
	for (int round = 0; round < 5; round++) {
		pg_seen_reset(&s, round == 0 ? 10 : 1000);	/* 10: it grows */
		for (int64_t pid = 1; pid <= 1000; pid++)
			pg_seen_put(&s, pid + round, START + pid * 1500, NULL)->row = (uint64_t)(pid + round);
		assert_int_equal(s.n, 1000);
		for (int64_t pid = 1; pid <= 1000; pid++) {
			const struct pg_seen_entry *e = pg_seen_find(&s, pid + round, START + pid * 1500);

			assert_non_null(e);
			assert_int_equal(e->row, (uint64_t)(pid + round));
		}
		/* Last round's first pid is gone. */
		if (round > 0)
			assert_null(pg_seen_find(&s, round, START + 1500));
		if (round == 2)
			s.gen = UINT32_MAX - 1;	/* the next resets wrap */
	}
	pg_seen_reset(&s, 1000);
	assert_int_equal(s.n, 0);
	assert_null(pg_seen_find(&s, 5, START + 1500));
	pg_seen_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_seen_put_find),
		cmocka_unit_test(test_pg_seen_reset_and_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
