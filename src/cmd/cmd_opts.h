/* Command-line options shared by the subcommands that read the config,
 * talk to AWS or write the debug log: --config, --profile, --region,
 * --endpoint-url, --debug, --log, --connect-timeout, --timeout.
 *
 * A subcommand builds its getopt_long table with cmd_opts_table(its own
 * options), passes every option it does not know to cmd_opts_handle(),
 * and calls cmd_opts_finish() after parsing: that loads the config file,
 * opens the debug log and fills struct aws_settings, flags overriding
 * the [aws] section. */
#ifndef RW_CMD_CMD_OPTS_H
#define RW_CMD_CMD_OPTS_H

#include <getopt.h>
#include <stdint.h>

#include "aws/ctx.h"
#include "cmd/cmd.h"
#include "core/config.h"
#include "core/err.h"

/* getopt_long values of the common options (subcommands use their own
 * short letters or values below 0x100). */
enum {
	CMD_OPT_CONFIG = 0x1000,
	CMD_OPT_PROFILE,
	CMD_OPT_REGION,
	CMD_OPT_ENDPOINT_URL,
	CMD_OPT_DEBUG,
	CMD_OPT_LOG,
	CMD_OPT_CONNECT_TIMEOUT,
	CMD_OPT_TIMEOUT,
};

struct cmd_opts {
	const char *config_path;	/* the strings point into argv */
	const char *profile;
	const char *region;
	const char *endpoint_url;
	const char *log_path;
	unsigned debug_mask;
	int64_t connect_timeout_ms;	/* 0: from the config, else the default */
	int64_t timeout_ms;
	struct config config;		/* loaded by cmd_opts_finish() */
	int config_loaded;
};

#define CMD_OPTS_INIT { 0 }

/* The common options followed by EXTRA (ending with a zero entry; may be
 * NULL). Newly allocated. */
struct option *cmd_opts_table(const struct option *extra);
/* Handles C (from getopt_long) when it is a common option: returns 1,
 * or -1 after reporting a bad value as a usage error of ENTRY. 0 when C
 * is not ours. */
int cmd_opts_handle(struct cmd_opts *o, int c, const char *arg, const struct cmd_entry *entry);
/* Loads the config (warnings on stderr), opens the debug log and fills S
 * (strings borrowed from O). Returns 0, or -1 with ERR. */
int cmd_opts_finish(struct cmd_opts *o, struct aws_settings *s, struct rw_error *err);
void cmd_opts_free(struct cmd_opts *o);
/* The help lines of the common options. */
const char *cmd_opts_help(void);

#endif
