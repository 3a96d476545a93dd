/* Subcommands are data: each cmd_*.c defines one const struct cmd_entry,
 * and cmd.c walks the table to dispatch, print usage and help. */
#ifndef RW_CMD_CMD_H
#define RW_CMD_CMD_H

#include <stdio.h>

/* Exit statuses shared by every subcommand (see rdswatch(1)). */
enum {
	CMD_EXIT_OK = 0,
	CMD_EXIT_FAILURE = 1,
	CMD_EXIT_USAGE = 2,
};

struct cmd_entry {
	const char *name;
	const char *args;	/* argument synopsis shown after the name */
	const char *summary;	/* one line for the command list */
	/* argv[0] is the subcommand name; returns the process exit status. */
	int (*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_version_entry;
extern const struct cmd_entry cmd_token_entry;
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_once_entry;
extern const struct cmd_entry cmd_doctor_entry;
extern const struct cmd_entry cmd_replay_entry;

/* Runs rdswatch with the process arguments; returns the exit status. */
int cmd_main(int argc, char **argv);

/* The table, NULL-terminated, in the order --help lists it. */
extern const struct cmd_entry *const cmd_table[];

const struct cmd_entry *cmd_find(const char *name);
void cmd_print_usage(FILE *out);
void cmd_print_help(FILE *out);
/* Reports a usage error for a subcommand: message, then its usage line, on
 * stderr; returns CMD_EXIT_USAGE for the caller to return. */
int cmd_usage_error(const struct cmd_entry *entry, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
