/* Debug logging by category (--debug aws,store), to a private file
 * ($XDG_STATE_HOME/rdswatch/debug.log or --log FILE, mode 0600).
 * Callers never pass secrets; every line is also sanitized and scrubbed
 * of registered secrets (core/redact.h) before it is written. */
#ifndef RW_CORE_LOG_H
#define RW_CORE_LOG_H

enum log_category {
	LOG_AWS = 1 << 0,	/* requests, statuses, retries, request ids */
	LOG_PG = 1 << 1,	/* connections and queries of the pg source */
	LOG_SOURCES = 1 << 2,	/* poll scheduling and outcomes */
	LOG_STORE = 1 << 3,	/* history commits and pruning */
	LOG_RULES = 1 << 4,	/* alert lifecycle */
	LOG_UI = 1 << 5,	/* terminal events */
};

/* Parses "aws,store" or "all" into a category mask. Returns 0, or -1
 * with *why set. */
int log_parse_categories(const char *spec, unsigned *mask, char **why);
/* Starts logging MASK to PATH (NULL: the default location). Returns 0,
 * or -1 with *why set. */
int log_open(const char *path, unsigned mask, char **why);
void log_close(void);
int log_enabled(enum log_category cat);
/* One line: time, category, thread and the message. Thread-safe. */
void log_debug(enum log_category cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The names of the categories, for --help. */
const char *log_category_names(void);

#endif
