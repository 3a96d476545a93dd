#include <config.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_watch_entry,
	&cmd_once_entry,
	&cmd_doctor_entry,
	&cmd_help_entry,
	&cmd_version_entry,
	&cmd_token_entry,
	&cmd_export_entry,
	&cmd_replay_entry,
	NULL,
};

static const struct option cmd_global_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	}
	return NULL;
}

void
cmd_print_usage(FILE *out)
{
	fprintf(out, "usage: rdswatch [-h | --help] [-V | --version] COMMAND [ARGS]\n");
	fprintf(out, "Try 'rdswatch --help' for the list of commands.\n");
}

void
cmd_print_help(FILE *out)
{
	fprintf(out,
	    "rdswatch - watch Amazon RDS and Aurora PostgreSQL for security and health\n"
	    "\n"
	    "usage: rdswatch [OPTIONS] COMMAND [ARGS]\n"
	    "\n"
	    "Options:\n"
	    "  -h, --help       show this help and exit\n"
	    "  -V, --version    show the version of rdswatch and its libraries and exit\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];
		char left[64];

		snprintf(left, sizeof left, "%s %s", e->name, e->args);
		fprintf(out, "  %-30s %s\n", left, e->summary);
	}
	fprintf(out,
	    "\n"
	    "With no command (or only options), rdswatch opens the dashboard: see\n"
	    "'rdswatch watch --help' for its options and keys.\n"
	    "\n"
	    "Exit status: 0 success, 1 failure, 2 usage error.\n"
	    "See rdswatch(1) for details.\n");
}

int
cmd_usage_error(const struct cmd_entry *entry, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rdswatch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (entry != NULL)
		fprintf(stderr, "usage: rdswatch %s %s\n", entry->name, entry->args);
	else
		cmd_print_usage(stderr);
	return CMD_EXIT_USAGE;
}

/* Whether ARG is one of the options rdswatch itself takes (the rest
 * before a command belong to the dashboard). */
static int
cmd_is_global_option(const char *arg)
{
	static const char *const globals[] = { "-h", "--help", "-V", "--version" };

	for (size_t i = 0; i < sizeof globals / sizeof *globals; i++) {
		if (strcmp(arg, globals[i]) == 0)
			return 1;
	}
	return 0;
}

int
cmd_main(int argc, char **argv)
{
	const struct cmd_entry *entry;
	int c;

	/* No command: the dashboard, with whatever options were given. */
	if (argc < 2 || (argv[1][0] == '-' && !cmd_is_global_option(argv[1]))) {
		optind = 0;
		return cmd_watch_entry.exec(argc, argv);
	}

	/* '+' stops at the first non-option: the rest belongs to the command.
	 * opterr is off so that every usage error has one voice (ours). */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+hV", cmd_global_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_print_help(stdout);
			return CMD_EXIT_OK;
		case 'V':
			return cmd_version_entry.exec(1, (char *[]){ "version", NULL });
		default:
			if (optopt != 0)
				return cmd_usage_error(NULL, "unknown option '-%c'", optopt);
			return cmd_usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		optind = 0;
		return cmd_watch_entry.exec(1, (char *[]){ "watch", NULL });
	}

	entry = cmd_find(argv[optind]);
	if (entry == NULL)
		return cmd_usage_error(NULL, "unknown command '%s'", argv[optind]);
	/* Commands parse their own options with getopt_long over argv[1..];
	 * optind = 0 makes glibc's getopt start afresh. */
	{
		int first = optind;

		optind = 0;
		return entry->exec(argc - first, argv + first);
	}
}
