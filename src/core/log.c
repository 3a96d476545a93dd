#include <config.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/files.h"
#include "core/log.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

static const struct {
	const char *name;
	enum log_category cat;
} log_names[] = {
	{ "aws", LOG_AWS },
	{ "pg", LOG_PG },
	{ "sources", LOG_SOURCES },
	{ "store", LOG_STORE },
	{ "rules", LOG_RULES },
	{ "ui", LOG_UI },
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static unsigned log_mask;

const char *
log_category_names(void)
{
	return "aws, pg, sources, store, rules, ui, all";
}

int
log_parse_categories(const char *spec, unsigned *mask, char **why)
{
	char *copy = xstrdup(spec), *save = NULL;
	unsigned m = 0;

	*why = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		if (strcmp(tok, "all") == 0) {
			m = ~0u;
			continue;
		}
		for (i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
			if (strcmp(tok, log_names[i].name) == 0)
				break;
		}
		if (i == sizeof log_names / sizeof log_names[0]) {
			char *clean = sanitize_str(tok);

			*why = xasprintf("unknown debug category '%s' (known: %s)", clean,
			    log_category_names());
			free(clean);
			free(copy);
			return -1;
		}
		m |= log_names[i].cat;
	}
	free(copy);
	*mask = m;
	return 0;
}

int
log_open(const char *path, unsigned mask, char **why)
{
	char *def = NULL;
	FILE *f;

	*why = NULL;
	if (path == NULL) {
		char *dir = files_state_dir();

		def = xasprintf("%s/debug.log", dir);
		free(dir);
		path = def;
	}
	if (files_mkdir_parent_private(path, why) != 0) {
		free(def);
		return -1;
	}
	f = files_fopen_private(path, "a", why);
	free(def);
	if (f == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	log_mask = mask;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void
log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	log_mask = 0;
	pthread_mutex_unlock(&log_lock);
}

int
log_enabled(enum log_category cat)
{
	return (__atomic_load_n(&log_mask, __ATOMIC_RELAXED) & cat) != 0;
}

static const char *
log_name(enum log_category cat)
{
	for (size_t i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
		if (log_names[i].cat == cat)
			return log_names[i].name;
	}
	return "?";
}

void
log_debug(enum log_category cat, const char *fmt, ...)
{
	struct buf raw = BUF_INIT, line = BUF_INIT;
	char when[32];
	va_list ap;

	if (!log_enabled(cat))
		return;
	va_start(ap, fmt);
	buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	redact_apply(&raw);

	buf_printf(&line, "%s %-7s [%ld] ", time_format_iso8601_ms(time_now_ms(), when, sizeof when),
	    log_name(cat), (long)syscall(SYS_gettid));
	sanitize_append(&line, raw.data != NULL ? raw.data : "", raw.len);
	buf_append_char(&line, '\n');

	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fwrite(line.data, 1, line.len, log_file);
	pthread_mutex_unlock(&log_lock);
	buf_free(&raw);
	buf_free(&line);
}
