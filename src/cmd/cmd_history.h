/* The history options of the commands that read or write history (the
 * dashboard, once, replay): --history FILE and --no-history, over the
 * config's [history] section. export has its own (read-only) --history.
 *
 * A command adds CMD_HISTORY_OPTIONS to its getopt_long table, passes
 * what getopt returns to cmd_history_handle(), and opens the store with
 * cmd_history_open() after the config is loaded. */
#ifndef RW_CMD_CMD_HISTORY_H
#define RW_CMD_CMD_HISTORY_H

#include <getopt.h>

#include "core/config.h"
#include "core/err.h"
#include "store/store.h"

enum {
	CMD_OPT_HISTORY = 0x1100,
	CMD_OPT_NO_HISTORY,
};

#define CMD_HISTORY_OPTIONS \
	{ "history", required_argument, NULL, CMD_OPT_HISTORY }, \
	{ "no-history", no_argument, NULL, CMD_OPT_NO_HISTORY }

struct cmd_history {
	const char *path;	/* --history (points into argv), NULL: config/default */
	int off;		/* --no-history */
};

/* Handles C when it is a history option: returns 1; 0 when it is not. */
int cmd_history_handle(struct cmd_history *h, int c, const char *arg);
/* Opens the history for H over CFG's [history] section: read-only when
 * READONLY (no writer, no lock), else writing (creating the file and its
 * 0700 directories). *OUT is NULL and 0 returned with --no-history.
 * Returns 0, or -1 with ERR set (a symlink, a newer schema, a file in
 * use by another writer: store_err_in_use()). */
int cmd_history_open(const struct cmd_history *h, const struct config *cfg, int readonly,
    struct store **out, struct rw_error *err);
/* The help lines of the two options (NO_HISTORY: include --no-history). */
const char *cmd_history_help(int no_history);

#endif
