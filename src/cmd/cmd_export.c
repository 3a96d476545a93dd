/* rdswatch export: history over a window as an incident timeline
 * (Markdown), JSON Lines or CSV, or the dashboard's panes as they were at
 * one moment (text), on standard output or in a private file. */
#include <config.h>

#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_history.h"
#include "core/config.h"
#include "core/files.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "export/export.h"
#include "rules/rules.h"
#include "store/store.h"

#define CMD_EXPORT_SINCE_DEFAULT (24 * TIME_HOUR)
#define CMD_EXPORT_WIDTH_DEFAULT 120
#define CMD_EXPORT_WIDTH_MIN 40
#define CMD_EXPORT_WIDTH_MAX 1000

enum { CMD_EXPORT_MARKDOWN, CMD_EXPORT_JSONL, CMD_EXPORT_CSV, CMD_EXPORT_TEXT };

static const struct {
	const char *name;
	int format;
} cmd_export_formats[] = {
	{ "markdown", CMD_EXPORT_MARKDOWN },
	{ "md", CMD_EXPORT_MARKDOWN },
	{ "jsonl", CMD_EXPORT_JSONL },
	{ "csv", CMD_EXPORT_CSV },
	{ "text", CMD_EXPORT_TEXT },
};

static const struct option cmd_export_options[] = {
	{ "history", required_argument, NULL, 'H' },
	{ "config", required_argument, NULL, 'c' },
	{ "since", required_argument, NULL, 's' },
	{ "from", required_argument, NULL, 'F' },
	{ "to", required_argument, NULL, 'T' },
	{ "instance", required_argument, NULL, 'i' },
	{ "format", required_argument, NULL, 'f' },
	{ "type", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "at", required_argument, NULL, 'A' },
	{ "width", required_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct cmd_export {
	const char *history, *config, *since, *from, *to, *type, *output, *at, *width;
	int format;
	struct export_opts opts;
	struct export_text_opts text;
	struct rules_config rules;
};

static void
cmd_export_help(void)
{
	size_t col;

	printf("usage: rdswatch export [--since DURATION | --from WHEN [--to WHEN]]\n"
	    "                       [-i ID]... [-f markdown|jsonl|csv] [-t TYPE] [-o PATH]\n"
	    "                       [--history FILE] [--config FILE]\n"
	    "       rdswatch export -f text [--at WHEN] [--width N] [-i ID] [-o PATH]\n\n");
	printf(
	    "Writes history over a window: an incident timeline in Markdown (the\n"
	    "default), every record as JSON Lines, or one record type as CSV; or the\n"
	    "dashboard as it was at one moment: every pane with its title, as text.\n\n"
	    "  --since DURATION     the window ends now and is this long (default 24h)\n"
	    "  --from WHEN          the window's start: ISO 8601 (UTC unless an offset\n"
	    "                       is given) or a duration ago, e.g. 90m\n"
	    "  --to WHEN            the window's end (default now)\n"
	    "  -i, --instance ID    only this instance (repeat, or ID,ID); fleet-wide\n"
	    "                       records are always included\n"
	    "  -f, --format FORMAT  markdown, jsonl, csv or text\n"
	    "  --at WHEN            text: the moment shown (default now), as --from\n"
	    "  --width N            text: columns (default the terminal's, else 120)\n"
	    "  -t, --type TYPE      csv: the record type (one table); without it,\n"
	    "                       -o names a directory that gets TYPE.csv per type\n"
	    "  -o, --output PATH    write to this file (0600; a symlink is refused)\n"
	    "  --history FILE       the history file (default\n"
	    "                       $XDG_STATE_HOME/rdswatch/history.db)\n"
	    "  --config FILE        the config file ([history] file)\n\n"
	    "Types:");
	/* Within 80 columns, the width of an SSM session. */
	col = 6;
	for (size_t i = 0; i < export_ntypes; i++) {
		size_t len = strlen(export_types[i].name) + (i + 1 < export_ntypes ? 1 : 0);

		if (col + 1 + len > 78) {
			printf("\n      ");
			col = 6;
		}
		printf(" %s%s", export_types[i].name, i + 1 < export_ntypes ? "," : "\n");
		col += 1 + len;
	}
}

static int
cmd_export_format(const char *s)
{
	for (size_t i = 0; i < sizeof cmd_export_formats / sizeof cmd_export_formats[0]; i++) {
		if (strcmp(cmd_export_formats[i].name, s) == 0)
			return cmd_export_formats[i].format;
	}
	return -1;
}

static void
cmd_export_add_instances(struct store_query *q, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;

	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		q->instances = xreallocarray(q->instances, q->ninstances + 1, sizeof *q->instances);
		q->instances[q->ninstances++] = sanitize_str(tok);
	}
	free(copy);
}

static int
cmd_export_parse(struct cmd_export *x, int argc, char **argv)
{
	int c;

	x->format = CMD_EXPORT_MARKDOWN;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hi:f:t:o:", cmd_export_options, NULL)) != -1) {
		switch (c) {
		case 'H': x->history = optarg; break;
		case 'c': x->config = optarg; break;
		case 's': x->since = optarg; break;
		case 'F': x->from = optarg; break;
		case 'T': x->to = optarg; break;
		case 'i': cmd_export_add_instances(&x->opts.q, optarg); break;
		case 't': x->type = optarg; break;
		case 'o': x->output = optarg; break;
		case 'A': x->at = optarg; break;
		case 'w': x->width = optarg; break;
		case 'f':
			x->format = cmd_export_format(optarg);
			if (x->format < 0)
				return cmd_usage_error(&cmd_export_entry,
				    "unknown format '%s' (markdown, jsonl, csv or text)", optarg);
			break;
		case 'h':
			cmd_export_help();
			return -1;
		default:
			if (optopt != 0)
				return cmd_usage_error(&cmd_export_entry, "unknown option '-%c'", optopt);
			return cmd_usage_error(&cmd_export_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_export_entry, "unexpected argument '%s'", argv[optind]);
	if (x->since != NULL && (x->from != NULL || x->to != NULL))
		return cmd_usage_error(&cmd_export_entry, "--since and --from/--to go separately");
	if (x->type != NULL && x->format != CMD_EXPORT_CSV)
		return cmd_usage_error(&cmd_export_entry, "--type is for --format csv");
	if (x->type != NULL && export_type_find(x->type) == NULL)
		return cmd_usage_error(&cmd_export_entry, "unknown type '%s' (%s)", x->type,
		    export_type_names());
	if ((x->at != NULL || x->width != NULL) && x->format != CMD_EXPORT_TEXT)
		return cmd_usage_error(&cmd_export_entry, "--at and --width are for --format text");
	if (x->format == CMD_EXPORT_TEXT && (x->since != NULL || x->from != NULL || x->to != NULL))
		return cmd_usage_error(&cmd_export_entry,
		    "--format text shows one moment: --at WHEN, not a window");
	if (x->format == CMD_EXPORT_TEXT && x->opts.q.ninstances > 1)
		return cmd_usage_error(&cmd_export_entry,
		    "--format text shows one instance (-i ID) or all of them");
	if (x->format == CMD_EXPORT_CSV && x->type == NULL && x->output == NULL)
		return cmd_usage_error(&cmd_export_entry,
		    "--format csv writes one type: give --type TYPE, or -o DIR for one file per type");
	return 0;
}

static int
cmd_export_window(struct cmd_export *x)
{
	int64_t now = x->opts.now, d;

	x->opts.q.to = now;
	if (x->since != NULL) {
		if (time_parse_duration(x->since[0] == '-' ? x->since + 1 : x->since, &d) != 0)
			return cmd_usage_error(&cmd_export_entry, "bad duration '%s' (e.g. 2h, 90m, 7d)",
			    x->since);
		x->opts.q.from = now - d;
		return 0;
	}
	x->opts.q.from = now - CMD_EXPORT_SINCE_DEFAULT;
	if (x->from != NULL && time_parse_when(x->from, now, &x->opts.q.from) != 0)
		return cmd_usage_error(&cmd_export_entry,
		    "bad time '%s' (ISO 8601 such as 2026-11-22T14:05:00Z, or a duration ago)", x->from);
	if (x->to != NULL && time_parse_when(x->to, now, &x->opts.q.to) != 0)
		return cmd_usage_error(&cmd_export_entry,
		    "bad time '%s' (ISO 8601 such as 2026-11-22T14:05:00Z, or a duration ago)", x->to);
	if (x->opts.q.from > x->opts.q.to)
		return cmd_usage_error(&cmd_export_entry, "the window ends before it starts");
	return 0;
}

/* --at and --width for text. */
static int
cmd_export_text_opts(struct cmd_export *x, struct export_text_opts *t)
{
	struct winsize ws;
	char *end;

	t->at = x->opts.now;
	if (x->at != NULL && time_parse_when(x->at, x->opts.now, &t->at) != 0)
		return cmd_usage_error(&cmd_export_entry,
		    "bad time '%s' (ISO 8601 such as 2026-11-22T14:05:00Z, or a duration ago)", x->at);
	t->width = CMD_EXPORT_WIDTH_DEFAULT;
	if (x->width != NULL) {
		long w = strtol(x->width, &end, 10);

		if (end == x->width || *end != '\0' || w < CMD_EXPORT_WIDTH_MIN ||
		    w > CMD_EXPORT_WIDTH_MAX)
			return cmd_usage_error(&cmd_export_entry, "--width: a number from %d to %d",
			    CMD_EXPORT_WIDTH_MIN, CMD_EXPORT_WIDTH_MAX);
		t->width = (int)w;
	} else if (x->output == NULL && isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= CMD_EXPORT_WIDTH_MIN) {
		t->width = ws.ws_col;
	}
	t->instance = x->opts.q.ninstances == 1 ? x->opts.q.instances[0] : NULL;
	return 0;
}

static int
cmd_export_fail(const char *what, struct rw_error *err)
{
	char *msg = err_format(err);

	fprintf(stderr, "rdswatch: export: %s%s%s\n", what != NULL ? what : "",
	    what != NULL ? ": " : "", msg);
	free(msg);
	err_clear(err);
	return CMD_EXIT_FAILURE;
}

static int
cmd_export_one(struct cmd_export *x, struct store *st, FILE *out, const struct export_type *t,
    struct rw_error *err)
{
	switch (x->format) {
	case CMD_EXPORT_TEXT:
		x->text.base = x->opts;
		return export_text_write(out, st, &x->text, err);
	case CMD_EXPORT_MARKDOWN: return export_markdown_write(out, st, &x->opts, err);
	case CMD_EXPORT_JSONL: return export_jsonl_write(out, st, &x->opts, err);
	default: return export_csv_write(out, st, &x->opts, t, err);
	}
}

static FILE *
cmd_export_open(const char *path)
{
	char *why = NULL;
	FILE *f = files_fopen_private(path, "w", &why);

	if (f == NULL) {
		fprintf(stderr, "rdswatch: export: %s\n", why);
		free(why);
	}
	return f;
}

/* CSV without --type: DIR/TYPE.csv for every type. */
static int
cmd_export_csv_dir(struct cmd_export *x, struct store *st, struct rw_error *err)
{
	char *why = NULL;

	if (files_mkdir_private(x->output, &why) != 0) {
		fprintf(stderr, "rdswatch: export: %s\n", why);
		free(why);
		return CMD_EXIT_FAILURE;
	}
	for (size_t i = 0; i < export_ntypes; i++) {
		char *path = xasprintf("%s/%s.csv", x->output, export_types[i].name);
		FILE *f = cmd_export_open(path);
		int rc;

		free(path);
		if (f == NULL)
			return CMD_EXIT_FAILURE;
		rc = cmd_export_one(x, st, f, &export_types[i], err);
		if (fclose(f) != 0 && rc == 0) {
			err_set(err, ERR_INTERNAL, "export", "write", "cannot write %s.csv",
			    export_types[i].name);
			rc = -1;
		}
		if (rc != 0)
			return cmd_export_fail(NULL, err);
	}
	return CMD_EXIT_OK;
}

static int
cmd_export_exec(int argc, char **argv)
{
	struct cmd_export x;
	struct rw_error err = RW_ERROR_INIT;
	struct cmd_history history = { NULL, 0 };
	struct config cfg;
	struct store *st = NULL;
	FILE *out = stdout;
	int rc;

	memset(&x, 0, sizeof x);
	memset(&cfg, 0, sizeof cfg);
	x.opts.now = time_now_ms();
	rules_config_init(&x.rules);
	rc = cmd_export_parse(&x, argc, argv);
	if (rc == 0)
		rc = x.format == CMD_EXPORT_TEXT ? cmd_export_text_opts(&x, &x.text) :
		    cmd_export_window(&x);
	if (rc != 0) {
		rc = rc < 0 ? CMD_EXIT_OK : rc;	/* --help */
		goto done;
	}
	history.path = x.history;
	if (config_load(&cfg, x.config, &err) != 0) {
		rc = cmd_export_fail("config", &err);
		goto done;
	}
	for (size_t i = 0; i < cfg.nwarnings; i++)
		fprintf(stderr, "rdswatch: %s\n", cfg.warnings[i]);
	/* The panes highlight by the rules' thresholds, as in the dashboard. */
	if (x.format == CMD_EXPORT_TEXT) {
		rules_config_free(&x.rules);
		if (rules_config_load(&cfg, &x.rules, &err) != 0) {
			rc = cmd_export_fail("config", &err);
			goto done;
		}
		x.text.rules = &x.rules;
	}
	/* Read-only: an export never takes the writer's lock. */
	if (cmd_history_open(&history, &cfg, 1, &st, &err) != 0) {
		rc = cmd_export_fail(NULL, &err);
		goto done;
	}
	x.opts.history = store_path(st);
	/* Sparklines in block characters only where the terminal's (or the
	 * file reader's) locale says UTF-8. */
	setlocale(LC_CTYPE, "");
	x.opts.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;

	if (x.format == CMD_EXPORT_CSV && x.type == NULL) {
		rc = cmd_export_csv_dir(&x, st, &err);
		goto done;
	}
	if (x.output != NULL && (out = cmd_export_open(x.output)) == NULL) {
		rc = CMD_EXIT_FAILURE;
		goto done;
	}
	rc = cmd_export_one(&x, st, out, x.type != NULL ? export_type_find(x.type) : NULL, &err);
	if (fflush(out) != 0 && rc == 0) {
		err_set(&err, ERR_INTERNAL, "export", "write", "cannot write the output");
		rc = -1;
	}
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		err_set(&err, ERR_INTERNAL, "export", "write", "cannot write the output");
		rc = -1;
	}
	rc = rc != 0 ? cmd_export_fail(NULL, &err) : CMD_EXIT_OK;
done:
	store_close(st);
	rules_config_free(&x.rules);
	config_free(&cfg);
	for (size_t i = 0; i < x.opts.q.ninstances; i++)
		free(x.opts.q.instances[i]);
	free(x.opts.q.instances);
	return rc;
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.args = "[OPTIONS]",
	.summary = "history of a window as Markdown, JSONL or CSV",
	.exec = cmd_export_exec,
};
