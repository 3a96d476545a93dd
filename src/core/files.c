#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/files.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

/* Paths in messages come from config and the environment: sanitize them. */
static char *
files_why(const char *what, const char *path, int err)
{
	char *clean = sanitize_str(path);
	char *msg = xasprintf("%s %s: %s", what, clean, strerror(err));

	free(clean);
	return msg;
}

static int
files_mkdir_one(const char *path, char **why)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST) {
		*why = files_why("cannot create directory", path, errno);
		return -1;
	}
	if (lstat(path, &st) != 0) {
		*why = files_why("cannot stat", path, errno);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		/* Parents such as /var/tmp -> ... are the system's business;
		 * only refuse when the link resolves to something not a dir. */
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			*why = files_why("not a directory", path, ENOTDIR);
			return -1;
		}
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		*why = files_why("not a directory", path, ENOTDIR);
		return -1;
	}
	return 0;
}

int
files_mkdir_private(const char *path, char **why)
{
	char *copy = xstrdup(path);
	struct stat st;
	int rc = 0;

	*why = NULL;
	for (char *p = copy + 1; *p != '\0' && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		rc = files_mkdir_one(copy, why);
		*p = '/';
	}
	if (rc == 0)
		rc = files_mkdir_one(copy, why);
	/* Our own directory (the last component) must not be a symlink. */
	if (rc == 0 && lstat(copy, &st) == 0 && S_ISLNK(st.st_mode)) {
		*why = files_why("refusing symlink", copy, ELOOP);
		rc = -1;
	}
	free(copy);
	return rc;
}

int
files_mkdir_parent_private(const char *path, char **why)
{
	char *copy = xstrdup(path);
	char *slash = strrchr(copy, '/');
	int rc = 0;

	*why = NULL;
	if (slash != NULL && slash != copy) {
		*slash = '\0';
		rc = files_mkdir_private(copy, why);
	}
	free(copy);
	return rc;
}

int
files_open_private(const char *path, int flags, char **why)
{
	struct stat st;
	int fd;

	*why = NULL;
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		*why = files_why(errno == ELOOP ? "refusing symlink" : "cannot open", path, errno);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = files_why("not a regular file", path, EINVAL);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		*why = files_why("owned by another user", path, EPERM);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
		*why = files_why("cannot make private", path, errno);
		close(fd);
		return -1;
	}
	return fd;
}

FILE *
files_fopen_private(const char *path, const char *mode, char **why)
{
	int flags, fd;
	FILE *f;

	switch (mode[0]) {
	case 'r': flags = mode[1] == '+' ? O_RDWR : O_RDONLY; break;
	case 'w': flags = (mode[1] == '+' ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
	case 'a': flags = (mode[1] == '+' ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
	default:
		*why = xstrdup("bad file mode");
		return NULL;
	}
	fd = files_open_private(path, flags, why);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, mode);
	if (f == NULL) {
		*why = files_why("cannot open", path, errno);
		close(fd);
	}
	return f;
}

int
files_is_group_or_world_readable(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode))
		return 0;	/* /dev/null and friends hold nothing */
	return (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

char *
files_home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && home[0] == '/')
		return xstrdup(home);
	pw = getpwuid(getuid());
	return xstrdup(pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/");
}

static char *
files_xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	char *home, *dir;

	if (v != NULL && v[0] == '/')
		return xasprintf("%s/rdswatch", v);
	home = files_home_dir();
	dir = xasprintf("%s/%s/rdswatch", strcmp(home, "/") == 0 ? "" : home, fallback);
	free(home);
	return dir;
}

char *
files_state_dir(void)
{
	return files_xdg_dir("XDG_STATE_HOME", ".local/state");
}

char *
files_config_dir(void)
{
	return files_xdg_dir("XDG_CONFIG_HOME", ".config");
}

char *
files_read_all(const char *path, size_t max, size_t *len, char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 4096;
	char *data;

	*why = NULL;
	if (fd < 0) {
		*why = files_why("cannot open", path, errno);
		return NULL;
	}
	data = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			cap *= 2;
			data = xrealloc(data, cap);
		}
		r = read(fd, data + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = files_why("cannot read", path, errno);
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			*why = files_why("file too large", path, EFBIG);
			break;
		}
	}
	close(fd);
	if (*why != NULL) {
		free(data);
		return NULL;
	}
	data[n] = '\0';
	if (len != NULL)
		*len = n;
	return data;
}
