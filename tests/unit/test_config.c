/* Config files: inih through our reader (long lines, line numbers),
 * typed getters with file:line errors, unknown keys, private secrets. */
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

#include "core/buf.h"
#include "core/config.h"
#include "core/inifile.h"
#include "core/timeutil.h"

struct seen {
	char section[64], name[64];
	char *value;
	int line;
	int count;
};

static int
collect(void *user, const char *section, const char *name, const char *value, int line)
{
	struct seen *s = user;

	if (strcmp(name, "aws_session_token") == 0 || strcmp(name, "rds") == 0) {
		snprintf(s->section, sizeof s->section, "%s", section);
		snprintf(s->name, sizeof s->name, "%s", name);
		free(s->value);
		s->value = strdup(value);
		s->line = line;
	}
	s->count++;
	return 1;
}

static void
test_inifile_long_values_survive(void **state)
{
	struct buf text = BUF_INIT, token = BUF_INIT;
	struct seen s = { 0 };
	char *why = NULL;

	(void)state;
	/* Session tokens contain + / = and run to ~1,000 bytes. */
	for (int i = 0; i < 90; i++)
		buf_append_str(&token, "IQoJb3Jp+Z2/=");
	buf_printf(&text, "[default]\naws_access_key_id = ASIAEXAMPLE\n"
	    "aws_session_token = %s   ; comment\nregion = us-east-1\n", buf_str(&token));
	assert_int_equal(inifile_read_string(buf_str(&text), "creds", collect, &s, &why), 0);
	assert_null(why);
	assert_string_equal(s.section, "default");
	assert_string_equal(s.value, buf_str(&token));
	assert_int_equal(s.line, 3);
	assert_int_equal(s.count, 3);
	buf_free(&text);
	free(s.value);
	memset(&s, 0, sizeof s);

	/* A long continuation line, as in an AWS [services] section. */
	buf_printf(&text, "[services local]\nrds =\n  endpoint_url = http://127.0.0.1:1/%s\n",
	    buf_str(&token));
	assert_int_equal(inifile_read_string(buf_str(&text), "cfg", collect, &s, &why), 0);
	assert_string_equal(s.name, "rds");
	assert_true(strncmp(s.value, "endpoint_url = http://127.0.0.1:1/", 34) == 0);
	assert_string_equal(s.value + 34, buf_str(&token));
	assert_int_equal(s.line, 3);
	free(s.value);
	buf_free(&text);
	buf_free(&token);
}

static void
test_inifile_errors_name_the_line(void **state)
{
	struct seen s = { 0 };
	char *why = NULL;

	(void)state;
	assert_int_equal(inifile_read_string("[a]\nok = 1\nthis line is wrong\n", "f.ini", collect,
	    &s, &why), -1);
	assert_non_null(strstr(why, "f.ini:3:"));
	free(why);
	assert_int_equal(inifile_read_file("/nonexistent/rdswatch.ini", collect, &s, &why), -1);
	assert_non_null(strstr(why, "No such file"));
	free(why);
	/* /dev/null is an empty file. */
	assert_int_equal(inifile_read_file("/dev/null", collect, &s, &why), 0);
}

static void
test_config_getters(void **state)
{
	struct config c;
	struct rw_error err = RW_ERROR_INIT;
	int64_t i = 0, d = 0;
	double x = 0;
	int b = -1;
	const char **subs;

	(void)state;
	assert_int_equal(config_load_string(&c,
	    "[aws]\nregion = eu-west-1\n"
	    "[instance prod-db]\npassword = s3cret\n"
	    "[instance  reporting]\npassword = x\n"
	    "[rules]\nburst = 5\nratio = 0.9\nbell = yes\nwindow = 5m\nbad = 5x\nzzz = 1\n",
	    "test.conf", &err), 0);
	assert_string_equal(config_get(&c, "aws", NULL, "region"), "eu-west-1");
	assert_string_equal(config_get(&c, "instance", "prod-db", "password"), "s3cret");
	assert_null(config_get(&c, "instance", NULL, "password"));
	assert_int_equal(config_get_int(&c, "rules", NULL, "burst", 1, 100, &i, &err), 1);
	assert_int_equal(i, 5);
	assert_int_equal(config_get_double(&c, "rules", NULL, "ratio", 0, 1, &x, &err), 1);
	assert_true(x > 0.89 && x < 0.91);
	assert_int_equal(config_get_bool(&c, "rules", NULL, "bell", &b, &err), 1);
	assert_int_equal(b, 1);
	assert_int_equal(config_get_duration(&c, "rules", NULL, "window", &d, &err), 1);
	assert_int_equal(d, 5 * TIME_MIN);
	assert_int_equal(config_get_int(&c, "rules", NULL, "missing", 1, 9, &i, &err), 0);

	/* Bad values name the file, line and key. */
	assert_int_equal(config_get_duration(&c, "rules", NULL, "bad", &d, &err), -1);
	assert_non_null(strstr(err.message, "test.conf"));
	assert_non_null(strstr(err.message, ":12: bad = '5x'"));
	err_clear(&err);
	assert_int_equal(config_get_int(&c, "rules", NULL, "burst", 10, 20, &i, &err), -1);
	assert_non_null(strstr(err.message, "from 10 to 20"));
	err_clear(&err);

	/* Unknown keys are reported with file and line. */
	assert_true(c.nwarnings >= 1);
	{
		int found = 0;

		for (size_t k = 0; k < c.nwarnings; k++)
			found |= strstr(c.warnings[k], "test.conf:13: unknown key 'zzz' in [rules]") != NULL;
		assert_true(found);
	}
	assert_int_equal(config_subsections(&c, "instance", &subs), 2);
	assert_string_equal(subs[0], "prod-db");
	assert_string_equal(subs[1], "reporting");
	free(subs);
	config_free(&c);
}

static void
test_config_refuses_readable_secret(void **state)
{
	char dir[] = "/tmp/rdswatch-config-XXXXXX", path[128];
	struct config c;
	struct rw_error err = RW_ERROR_INIT;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/config", dir);
	f = fopen(path, "w");
	fputs("[instance prod]\npassword = hunter2hunter2\n", f);
	fclose(f);
	chmod(path, 0644);
	assert_int_equal(config_load(&c, path, &err), -1);
	assert_non_null(strstr(err.message, "chmod 600"));
	assert_null(strstr(err.message, "hunter2"));
	err_clear(&err);

	chmod(path, 0600);
	assert_int_equal(config_load(&c, path, &err), 0);
	config_free(&c);

	/* Without a secret, a readable file is fine. */
	f = fopen(path, "w");
	fputs("[aws]\nregion = us-east-1\n", f);
	fclose(f);
	chmod(path, 0644);
	assert_int_equal(config_load(&c, path, &err), 0);
	config_free(&c);

	/* An explicit file that is missing is an error. */
	unlink(path);
	assert_int_equal(config_load(&c, path, &err), -1);
	err_clear(&err);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inifile_long_values_survive),
		cmocka_unit_test(test_inifile_errors_name_the_line),
		cmocka_unit_test(test_config_getters),
		cmocka_unit_test(test_config_refuses_readable_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
