/* The subcommand table: lookup, dispatch and usage errors. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/cmd.h"

static void
test_cmd_find(void **state)
{
	(void)state;
	assert_ptr_equal(cmd_find("help"), &cmd_help_entry);
	assert_ptr_equal(cmd_find("version"), &cmd_version_entry);
	assert_null(cmd_find("nosuchcommand"));
	assert_null(cmd_find(""));
}

static void
test_cmd_table_is_well_formed(void **state)
{
	(void)state;
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];

		assert_non_null(e->name);
		assert_non_null(e->args);
		assert_non_null(e->summary);
		assert_non_null(e->exec);
		/* Names are unique: dispatch finds this very entry. */
		assert_ptr_equal(cmd_find(e->name), e);
	}
}

static int
run(int argc, char **argv)
{
	int rc;
	FILE *saved_out = stdout, *saved_err = stderr;

	/* Keep the test log readable: the commands' output goes nowhere. */
	stdout = fopen("/dev/null", "w");
	stderr = fopen("/dev/null", "w");
	rc = cmd_main(argc, argv);
	fclose(stdout);
	fclose(stderr);
	stdout = saved_out;
	stderr = saved_err;
	return rc;
}

static void
test_cmd_main_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(run(2, (char *[]){ "rdswatch", "--help", NULL }), CMD_EXIT_OK);
	assert_int_equal(run(2, (char *[]){ "rdswatch", "-h", NULL }), CMD_EXIT_OK);
	assert_int_equal(run(2, (char *[]){ "rdswatch", "--version", NULL }), CMD_EXIT_OK);
	assert_int_equal(run(2, (char *[]){ "rdswatch", "version", NULL }), CMD_EXIT_OK);
	assert_int_equal(run(3, (char *[]){ "rdswatch", "help", "version", NULL }), CMD_EXIT_OK);
	assert_int_equal(run(2, (char *[]){ "rdswatch", "--bogus", NULL }), CMD_EXIT_USAGE);
	assert_int_equal(run(2, (char *[]){ "rdswatch", "-Z", NULL }), CMD_EXIT_USAGE);
	assert_int_equal(run(2, (char *[]){ "rdswatch", "frobnicate", NULL }), CMD_EXIT_USAGE);
	assert_int_equal(run(3, (char *[]){ "rdswatch", "version", "extra", NULL }), CMD_EXIT_USAGE);
	assert_int_equal(run(3, (char *[]){ "rdswatch", "help", "frobnicate", NULL }), CMD_EXIT_USAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_find),
		cmocka_unit_test(test_cmd_table_is_well_formed),
		cmocka_unit_test(test_cmd_main_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
