#include <config.h>

#include <stdio.h>

#include "cmd/cmd.h"

static int
cmd_help_exec(int argc, char **argv)
{
	const struct cmd_entry *entry;

	if (argc > 2)
		return cmd_usage_error(&cmd_help_entry, "too many arguments");
	if (argc == 1) {
		cmd_print_help(stdout);
		return CMD_EXIT_OK;
	}
	entry = cmd_find(argv[1]);
	if (entry == NULL)
		return cmd_usage_error(&cmd_help_entry, "unknown command '%s'", argv[1]);
	printf("usage: rdswatch %s %s\n%s\n", entry->name, entry->args, entry->summary);
	return CMD_EXIT_OK;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.args = "[COMMAND]",
	.summary = "show help for rdswatch or one command",
	.exec = cmd_help_exec,
};
