/* Private files: 0600 files, 0700 directories, symlinks refused. */
#include <config.h>

#include <fcntl.h>
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

#include "core/files.h"

static char dir[] = "/tmp/rdswatch-files-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	umask(022);	/* the hardened umask must not be what makes files private */
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
test_files_mkdir_and_open_private(void **state)
{
	char path[256], *why = NULL;
	int fd;

	(void)state;
	snprintf(path, sizeof path, "%s/a/b/c/history.db", dir);
	assert_int_equal(files_mkdir_parent_private(path, &why), 0);
	snprintf(path, sizeof path, "%s/a", dir);
	assert_int_equal(mode_of(path), 0700);
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(mode_of(path), 0700);
	snprintf(path, sizeof path, "%s/a/b/c/history.db", dir);
	fd = files_open_private(path, O_RDWR | O_CREAT, &why);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mode_of(path), 0600);

	/* An existing loose file is narrowed. */
	chmod(path, 0644);
	fd = files_open_private(path, O_RDWR, &why);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mode_of(path), 0600);
}

static void
test_files_refuse_symlinks(void **state)
{
	char target[256], link[256], sub[256], *why = NULL;
	FILE *f;

	(void)state;
	snprintf(target, sizeof target, "%s/target", dir);
	snprintf(link, sizeof link, "%s/link.log", dir);
	f = fopen(target, "w");
	fputs("victim", f);
	fclose(f);
	assert_int_equal(symlink(target, link), 0);
	assert_null(files_fopen_private(link, "a", &why));
	assert_non_null(strstr(why, "refusing symlink"));
	free(why);

	/* Our own directory as a symlink is refused too. */
	snprintf(sub, sizeof sub, "%s/statedir", dir);
	assert_int_equal(symlink(dir, sub), 0);
	assert_int_equal(files_mkdir_private(sub, &why), -1);
	free(why);
	why = NULL;

	/* A directory path over a file fails clearly. */
	snprintf(sub, sizeof sub, "%s/target/x", dir);
	assert_int_equal(files_mkdir_private(sub, &why), -1);
	assert_non_null(why);
	free(why);
}

static void
test_files_xdg(void **state)
{
	char *s;

	(void)state;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	setenv("XDG_CONFIG_HOME", "relative/ignored", 1);
	setenv("HOME", "/home/oncall", 1);
	s = files_state_dir();
	assert_string_equal(s, "/x/state/rdswatch");
	free(s);
	s = files_config_dir();
	assert_string_equal(s, "/home/oncall/.config/rdswatch");
	free(s);
	unsetenv("XDG_STATE_HOME");
	s = files_state_dir();
	assert_string_equal(s, "/home/oncall/.local/state/rdswatch");
	free(s);
}

static void
test_files_readable_and_read_all(void **state)
{
	char path[256], *why = NULL, *data;
	size_t len;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/conf", dir);
	f = fopen(path, "w");
	fputs("0123456789", f);
	fclose(f);
	chmod(path, 0640);
	assert_int_equal(files_is_group_or_world_readable(path), 1);
	chmod(path, 0600);
	assert_int_equal(files_is_group_or_world_readable(path), 0);
	assert_int_equal(files_is_group_or_world_readable("/dev/null"), 0);
	data = files_read_all(path, 100, &len, &why);
	assert_string_equal(data, "0123456789");
	assert_int_equal(len, 10);
	free(data);
	assert_null(files_read_all(path, 5, &len, &why));
	assert_non_null(strstr(why, "too large"));
	free(why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_mkdir_and_open_private),
		cmocka_unit_test(test_files_refuse_symlinks),
		cmocka_unit_test(test_files_xdg),
		cmocka_unit_test(test_files_readable_and_read_all),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
