/* `rdswatch replay --at T`: the dashboard as history recorded it at T,
 * with the same panes, keys and terminal handling as `rdswatch watch`
 * (cmd_watch_run) on a feed of history only (ui/feed_history.h). The
 * history is opened read-only, so a dashboard writing it can keep on. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_history.h"
#include "cmd/cmd_watch.h"
#include "core/config.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "ui/feed_history.h"

/* At most --config, --theme and their values, --ascii, --no-color. */
#define REPLAY_WATCH_ARGS 8

static const struct option replay_options[] = {
	{ "at", required_argument, NULL, 'A' },
	{ "history", required_argument, NULL, CMD_OPT_HISTORY },
	{ "config", required_argument, NULL, 'c' },
	{ "theme", required_argument, NULL, 't' },
	{ "ascii", no_argument, NULL, 'a' },
	{ "no-color", no_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct replay_opts {
	const char *at, *config, *theme;
	int ascii, no_color;
	struct cmd_history history;
};

/* What the feed maker takes (cmd_watch_run calls it without context):
 * the history, which passes to the feed once it is made, and T. */
static struct {
	struct store *st;
	int64_t at;
} replay_state;

static void
replay_help(void)
{
	printf("usage: rdswatch replay --at WHEN [OPTIONS]\n"
	    "Opens the dashboard as the history recorded it at WHEN: the same panes\n"
	    "and keys, nothing polled. [ and ] step by the refresh interval, { and }\n"
	    "by an hour (never past now); acknowledging, snoozing, refreshing and\n"
	    "pausing are refused, since a replay changes nothing.\n"
	    "\n"
	    "Options:\n"
	    "  --at WHEN              the moment: ISO 8601 (UTC unless an offset is\n"
	    "                         given, e.g. 2026-11-22T14:05:00Z) or a duration\n"
	    "                         ago (2h, -90m)\n"
	    "%s"
	    "  --config FILE          the config file ([history] file, [ui] settings)\n"
	    "  --theme NAME           colour theme: default, light, high-contrast,\n"
	    "                         monochrome, or a file path\n"
	    "  --ascii                ASCII lines and symbols only\n"
	    "  --no-color             no colour, attributes only (also NO_COLOR)\n"
	    "  -h, --help             show this help and exit\n"
	    "\n"
	    "See 'rdswatch watch --help' for the keys and rdswatch(1) for details.\n",
	    cmd_history_help(0));
}

/* Returns -1 to go on, else the exit status. */
static int
replay_parse(int argc, char **argv, struct replay_opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", replay_options, NULL)) != -1) {
		if (cmd_history_handle(&o->history, c, optarg))
			continue;
		switch (c) {
		case 'A': o->at = optarg; break;
		case 'c': o->config = optarg; break;
		case 't': o->theme = optarg; break;
		case 'a': o->ascii = 1; break;
		case 'C': o->no_color = 1; break;
		case 'h':
			replay_help();
			return CMD_EXIT_OK;
		case ':':
			return cmd_usage_error(&cmd_replay_entry, "option '%s' needs a value",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				return cmd_usage_error(&cmd_replay_entry, "unknown option '-%c'", optopt);
			return cmd_usage_error(&cmd_replay_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_replay_entry, "unexpected argument '%s'", argv[optind]);
	if (o->at == NULL)
		return cmd_usage_error(&cmd_replay_entry,
		    "--at WHEN is needed (e.g. --at 2h, --at 2026-11-22T14:05:00Z)");
	return -1;
}

static int
replay_fail(struct rw_error *err)
{
	char *msg = err_format(err);

	fprintf(stderr, "rdswatch: replay: %s\n", msg);
	free(msg);
	err_clear(err);
	return CMD_EXIT_FAILURE;
}

/* The feed maker cmd_watch_run calls once the terminal is checked. */
static struct feed *
replay_feed(char **why)
{
	struct feed *f = feed_history_new(replay_state.st, replay_state.at, why);

	if (f != NULL)
		replay_state.st = NULL;	/* the feed's now */
	return f;
}

static int
cmd_replay_exec(int argc, char **argv)
{
	struct replay_opts o;
	struct rw_error err = RW_ERROR_INIT;
	struct config cfg;
	char *wargv[REPLAY_WATCH_ARGS + 1];
	int64_t now = time_now_ms();
	int rc, wargc = 0;

	rc = replay_parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (time_parse_when(o.at, now, &replay_state.at) != 0)
		return cmd_usage_error(&cmd_replay_entry,
		    "bad time '%s' (ISO 8601 such as 2026-11-22T14:05:00Z, or a duration ago)", o.at);
	if (replay_state.at > now)
		return cmd_usage_error(&cmd_replay_entry, "'%s' is in the future: history ends now",
		    o.at);
	/* The history first: a missing or unreadable file is said plainly,
	 * before the terminal changes. */
	memset(&cfg, 0, sizeof cfg);
	if (config_load(&cfg, o.config, &err) != 0 ||
	    cmd_history_open(&o.history, &cfg, 1, &replay_state.st, &err) != 0) {
		config_free(&cfg);
		return replay_fail(&err);
	}
	config_free(&cfg);

	/* The dashboard's own setup, with the display options only. */
	wargv[wargc++] = argv[0];
	if (o.config != NULL) {
		wargv[wargc++] = (char *)"--config";
		wargv[wargc++] = (char *)o.config;
	}
	if (o.theme != NULL) {
		wargv[wargc++] = (char *)"--theme";
		wargv[wargc++] = (char *)o.theme;
	}
	if (o.ascii)
		wargv[wargc++] = (char *)"--ascii";
	if (o.no_color)
		wargv[wargc++] = (char *)"--no-color";
	wargv[wargc] = NULL;
	optind = 0;
	rc = cmd_watch_run(wargc, wargv, replay_feed);
	/* Still ours when the dashboard did not open. */
	store_close(replay_state.st);
	replay_state.st = NULL;
	return rc;
}

const struct cmd_entry cmd_replay_entry = {
	.name = "replay",
	.args = "--at WHEN [OPTIONS]",
	.summary = "the dashboard at a past moment, from history",
	.exec = cmd_replay_exec,
};
