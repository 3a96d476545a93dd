/* rdswatch's configuration file: INI at --config FILE, else
 * $XDG_CONFIG_HOME/rdswatch/config. Sections are "[name]" or
 * "[name sub]" (e.g. "[instance prod-db]" for one instance's settings).
 *
 * Modules declare the keys they read in config_keys.c (one table), so
 * unknown keys are reported with file and line, and keys that hold a
 * secret make a group- or world-readable file an error, as ssh refuses
 * loose keys. Values are raw here; whatever reaches a screen or a log
 * goes through the sanitizer first. */
#ifndef RW_CORE_CONFIG_H
#define RW_CORE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define CONFIG_SECRET 0x1	/* the value is a secret */

struct config_keydef {
	const char *section;	/* "aws", "pg", "instance" (for [instance ID]) ... */
	const char *name;
	unsigned flags;
	const char *help;	/* one line, for rdswatch.conf(5) and doctor */
};

/* Every known key; ends with { NULL }. Defined in config_keys.c. */
extern const struct config_keydef config_keys[];

struct config_entry {
	char *section;
	char *sub;		/* "prod-db" in [instance prod-db], or NULL */
	char *name;
	char *value;
	int line;
};

struct config {
	char *path;		/* the file read, or NULL when there was none */
	char *name;		/* what messages call it (sanitized path) */
	struct config_entry *v;
	size_t n;
	char **warnings;	/* "FILE:LINE: unknown key ..." */
	size_t nwarnings;
};

/* Loads PATH, or the default location when PATH is NULL (a missing default
 * file is an empty config; a missing explicit file is an error). Returns
 * 0, or -1 with ERR set. */
int config_load(struct config *c, const char *path, struct rw_error *err);
/* Loads from a string (tests, fuzzing). */
int config_load_string(struct config *c, const char *text, const char *name,
    struct rw_error *err);
void config_free(struct config *c);
/* The default path, newly allocated. */
char *config_default_path(void);

/* The entry for SECTION [SUB] NAME (SUB NULL: the plain section), last
 * one wins, or NULL. */
const struct config_entry *config_find(const struct config *c, const char *section,
    const char *sub, const char *name);
const char *config_get(const struct config *c, const char *section, const char *sub,
    const char *name);

/* Typed getters: return 1 and store the value when the key is set, 0
 * (leaving *out alone) when it is not, -1 with ERR naming file, line and
 * key when the value is invalid. */
int config_get_int(const struct config *c, const char *section, const char *sub,
    const char *name, int64_t min, int64_t max, int64_t *out, struct rw_error *err);
int config_get_double(const struct config *c, const char *section, const char *sub,
    const char *name, double min, double max, double *out, struct rw_error *err);
int config_get_bool(const struct config *c, const char *section, const char *sub,
    const char *name, int *out, struct rw_error *err);
/* "30s", "5m", "2h" (core/timeutil.h), in ms. */
int config_get_duration(const struct config *c, const char *section, const char *sub,
    const char *name, int64_t *out, struct rw_error *err);

/* The distinct SUB names of [SECTION SUB] sections, in file order;
 * *names is allocated (the strings are the config's). Returns the count. */
size_t config_subsections(const struct config *c, const char *section, const char ***names);

#endif
