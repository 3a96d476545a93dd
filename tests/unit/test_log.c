/* The debug log and error values never leak a registered secret or a
 * control character, and the log file is private. */
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

#include "core/err.h"
#include "core/files.h"
#include "core/log.h"
#include "core/redact.h"

static void
test_log_private_redacted_sanitized(void **state)
{
	char dir[] = "/tmp/rdswatch-log-XXXXXX", path[128], *why = NULL, *text;
	unsigned mask;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sub/debug.log", dir);
	assert_int_equal(log_parse_categories("aws,store", &mask, &why), 0);
	assert_int_equal(mask, LOG_AWS | LOG_STORE);
	assert_int_equal(log_parse_categories("aws,bogus", &mask, &why), -1);
	assert_non_null(strstr(why, "bogus"));
	free(why);
	assert_int_equal(log_parse_categories("all", &mask, &why), 0);

	assert_int_equal(log_open(path, LOG_AWS, &why), 0);
	redact_register("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	log_debug(LOG_AWS, "signing with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY now");
	log_debug(LOG_AWS, "message from server: \x1b]0;pwned\x07");
	log_debug(LOG_STORE, "this category is off");
	log_close();

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = files_read_all(path, 1 << 20, NULL, &why);
	assert_non_null(text);
	assert_null(strstr(text, "wJalrXUtnFEMI"));
	assert_non_null(strstr(text, "signing with [REDACTED] now"));
	assert_null(strchr(text, '\x1b'));
	assert_non_null(strstr(text, "\\x1b]0;pwned\\x07"));
	assert_null(strstr(text, "this category is off"));
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

static void
test_err_format(void **state)
{
	struct rw_error e = RW_ERROR_INIT, copy = RW_ERROR_INIT;
	char *s;

	(void)state;
	err_set(&e, ERR_SERVICE, "rds", "DescribeDBInstances", "Rate exceeded\x1b[2J");
	err_set_code(&e, "Throttling");
	err_set_request_id(&e, "5f0e-11");
	e.http_status = 400;
	s = err_format(&e);
	assert_string_equal(s, "rds DescribeDBInstances: Throttling (HTTP 400): Rate exceeded\\x1b[2J [request 5f0e-11]");
	free(s);
	err_copy(&copy, &e);
	err_clear(&e);
	assert_false(err_is_set(&e));
	assert_true(err_is_set(&copy));

	redact_register("SessionTokenSecretValue123");
	err_set(&e, ERR_AUTH, NULL, NULL, "bad token SessionTokenSecretValue123");
	s = err_format(&e);
	assert_string_equal(s, "bad token [REDACTED]");
	free(s);
	err_clear(&e);
	err_clear(&copy);
	redact_clear();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_private_redacted_sanitized),
		cmocka_unit_test(test_err_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
