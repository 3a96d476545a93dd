/* Process hardening: private files and no core dumps. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/harden.h"

static void
test_harden_process(void **state)
{
	struct rlimit rl;
	mode_t old;

	(void)state;
	umask(022);
	assert_int_equal(harden_process(), 0);

	old = umask(0);
	assert_int_equal(old, 077);
	umask(old);

	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(rl.rlim_cur, 0);
	assert_int_equal(rl.rlim_max, 0);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_harden_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
