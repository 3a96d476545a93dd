/* rdswatch once: polls every source of the fleet once, concurrently,
 * evaluates the rules on the snapshot, prints it (--format text or json)
 * and exits with a monitoring status like a Nagios plugin: 0 OK, 1
 * warning, 2 critical, 3 unknown (a source failed with nothing critical,
 * or the command could not run: a usage or config error). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_history.h"
#include "cmd/cmd_opts.h"
#include "cmd/cmd_poll.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "rules/rules.h"
#include "sources/awscred.h"
#include "sources/fleet.h"
#include "store/store.h"
#include "view/report.h"

/* A usage or configuration error is UNKNOWN to a monitoring system: 2
 * would read as critical. */
#define ONCE_EXIT_UNKNOWN REPORT_EXIT_SOURCE_FAILED
#define ONCE_TEXT_WIDTH 80

enum { ONCE_OPT_FAIL_ON = 0x100 };

static const struct option cmd_once_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "instance", required_argument, NULL, 'i' },
	{ "fail-on", required_argument, NULL, ONCE_OPT_FAIL_ON },
	CMD_HISTORY_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct once_opts {
	int json;
	enum report_fail_on fail_on;
	struct m_list instances;
	struct cmd_history history;
};

static void
cmd_once_help(void)
{
	printf("usage: rdswatch once [--format text|json] [--instance ID]... [OPTIONS]\n"
	    "Poll every source once, evaluate the alert rules and posture checks, print\n"
	    "a report and exit with a monitoring status: 0 OK, 1 warning, 2 critical,\n"
	    "3 unknown (a source failed and nothing is critical, or a usage error).\n"
	    "\n"
	    "  -f, --format FMT       text (default, for people) or json (for scripts)\n"
	    "  -i, --instance ID      only this instance or cluster (repeatable; shell\n"
	    "                         patterns work); its metrics in detail\n"
	    "  --fail-on LEVEL        warning (default: warnings exit 1) or critical\n"
	    "                         (warnings exit 0)\n"
	    "%s%s"
	    "The poll, the posture results and the alerts go into the history (alerts\n"
	    "keep their lifecycle across runs). If another process (a dashboard) writes\n"
	    "the history, the report is printed all the same and stderr says the run\n"
	    "was not recorded; the exit status does not change.\n"
	    "See rdswatch(1) for the JSON keys.\n", cmd_history_help(1), cmd_opts_help());
}

/* Parses the options. Returns -1 to go on, else an exit status. */
static int
cmd_once_parse(int argc, char **argv, struct cmd_opts *o, struct once_opts *oo)
{
	struct option *table = cmd_opts_table(cmd_once_options);
	int c, rc = -1;

	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, "+:f:i:h", table, NULL)) != -1) {
		int h = cmd_opts_handle(o, c, optarg, &cmd_once_entry);

		if (h < 0) {
			rc = ONCE_EXIT_UNKNOWN;
			break;
		}
		if (h > 0 || cmd_history_handle(&oo->history, c, optarg))
			continue;
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0)
				oo->json = optarg[0] == 'j';
			else {
				cmd_usage_error(&cmd_once_entry, "--format: text or json");
				rc = ONCE_EXIT_UNKNOWN;
			}
			break;
		case 'i':
			if (*optarg == '\0') {
				cmd_usage_error(&cmd_once_entry, "--instance: an identifier");
				rc = ONCE_EXIT_UNKNOWN;
			} else
				m_list_add(&oo->instances, optarg);
			break;
		case ONCE_OPT_FAIL_ON:
			if (report_fail_on_parse(optarg, &oo->fail_on) != 0) {
				cmd_usage_error(&cmd_once_entry, "--fail-on: warning or critical");
				rc = ONCE_EXIT_UNKNOWN;
			}
			break;
		case 'h':
			cmd_once_help();
			rc = CMD_EXIT_OK;
			break;
		case ':':
			cmd_usage_error(&cmd_once_entry, "option '%s' needs a value", argv[optind - 1]);
			rc = ONCE_EXIT_UNKNOWN;
			break;
		default:
			cmd_usage_error(&cmd_once_entry, "unknown option '%s'", argv[optind - 1]);
			rc = ONCE_EXIT_UNKNOWN;
			break;
		}
	}
	if (rc < 0 && optind < argc) {
		cmd_usage_error(&cmd_once_entry, "unexpected argument '%s'", argv[optind]);
		rc = ONCE_EXIT_UNKNOWN;
	}
	free(table);
	return rc;
}

static int
cmd_once_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return ONCE_TEXT_WIDTH;
}

/* Says on stderr why this run is not (fully) recorded. */
static void
cmd_once_not_recorded(const char *why)
{
	fprintf(stderr, "rdswatch: this run is not recorded in history: %s\n", why);
}

/* Opens the history to record into, or NULL: with --no-history, or when
 * it cannot be opened (another process writes it, a symlink, a newer
 * schema), which stderr explains. The report matters more than the record:
 * neither the report nor the exit status depends on it. */
static struct store *
cmd_once_history(const struct once_opts *oo, const struct config *cfg)
{
	struct rw_error err = RW_ERROR_INIT;
	struct store *st;
	char *msg;

	if (cmd_history_open(&oo->history, cfg, 0, &st, &err) == 0)
		return st;
	msg = err_format(&err);
	cmd_once_not_recorded(msg);
	free(msg);
	err_clear(&err);
	return NULL;
}

/* What history knew before this run (the last run's alerts and source
 * health), read before polling so this run's own commits are not in it. */
static int
cmd_once_past(struct store *st, struct snapshot *past)
{
	struct rw_error err = RW_ERROR_INIT;

	if (store_snapshot_at(st, time_now_ms(), NULL, past, &err) == 0)
		return 0;
	log_debug(LOG_STORE, "once: history before this run is not readable: %s",
	    err.message != NULL ? err.message : "?");
	err_clear(&err);
	return -1;
}

/* The prepare hook: a source failing now that was failing at the end of
 * the last run continues its count of failed polls in a row, so "a source
 * failing more than N polls in a row" holds across runs from cron. */
static void
cmd_once_carry_failures(void *ctx, struct batch *b)
{
	const struct snapshot *past = ctx;

	M_VEC_EACH(&b->kinds[M_SOURCE_HEALTH], struct m_source_health, h) {
		const struct m_source_health *prev;

		if (h->ok != 0 || h->source == NULL || h->consecutive_failures == M_INT_NONE)
			continue;
		prev = snapshot_source_health(past, h->source, h->instance != NULL ? h->instance : "");
		if (prev != NULL && prev->ok == 0 && prev->consecutive_failures != M_INT_NONE &&
		    prev->consecutive_failures > 0)
			h->consecutive_failures += prev->consecutive_failures;
	}
}

/* Carries the alerts of PAST for the instances of SNAP (and the
 * fleet-wide ones) into SNAP, so the rules continue their lifecycle: an
 * alert opened by an earlier run keeps its opening time, an acknowledged
 * one stays acknowledged until it worsens. Instances this run did not
 * poll (--instance) keep theirs untouched in history. */
static void
cmd_once_carry_alerts(const struct snapshot *past, struct snapshot *snap)
{
	struct batch *b = batch_new("history", snap->at);

	M_VEC_EACH(&past->kinds[M_ALERT], const struct m_alert, a) {
		if (a->instance == NULL || a->instance[0] == '\0' ||
		    snapshot_instance(snap, a->instance) != NULL)
			m_vec_push_copy(&b->kinds[M_ALERT], a);
	}
	/* Not complete: upserted by key under what this run found. */
	snapshot_apply(snap, b, NULL);
	batch_free(b);
}

/* Evaluates the rules at NOW and applies their batch. */
static int
cmd_once_rules(const struct config *cfg, struct snapshot *snap, const struct cmd_poll_sink *sink,
    int64_t now, struct rw_error *err)
{
	struct rules_config rc;
	struct batch *b;

	if (rules_config_load(cfg, &rc, err) != 0)
		return -1;
	b = batch_new("rules", now);
	rules_evaluate(snap, &rc, now, b);
	cmd_poll_deliver(snap, sink, b);
	rules_config_free(&rc);
	return 0;
}

/* Waits for the writer and closes the history; says so when some of the
 * run's batches did not make it. */
static void
cmd_once_history_close(struct store *st)
{
	struct store_stats stats;

	if (st == NULL)
		return;
	store_flush(st);
	store_get_stats(st, &stats);
	if (stats.failed > 0 || stats.dropped > 0) {
		char why[300];

		snprintf(why, sizeof why, "%llu of %llu polls failed to commit%s%s",
		    (unsigned long long)(stats.failed + stats.dropped),
		    (unsigned long long)(stats.committed + stats.failed + stats.dropped),
		    stats.last_error[0] ? ": " : "", stats.last_error);
		cmd_once_not_recorded(why);
	}
	log_debug(LOG_STORE, "once: %llu polls committed to %s, the last %lld",
	    (unsigned long long)stats.committed, store_path(st), (long long)stats.last_poll_id);
	store_close(st);
}

static int
cmd_once_exec(int argc, char **argv)
{
	struct cmd_opts o = CMD_OPTS_INIT;
	struct once_opts oo = { 0, REPORT_FAIL_ON_WARNING, { NULL, 0 }, { NULL, 0 } };
	struct aws_settings s;
	struct rw_error err = RW_ERROR_INIT;
	struct fleet f;
	struct fleet_opts fo;
	struct snapshot snap;
	struct store *st = NULL;
	struct snapshot past;
	int have_past = 0;
	struct cmd_poll_sink sink = { NULL, NULL, NULL, NULL };
	char *out;
	int rc = cmd_once_parse(argc, argv, &o, &oo);

	if (rc >= 0)
		goto done;
	if (cmd_opts_finish(&o, &s, &err) != 0)
		goto fail;
	fo = (struct fleet_opts){ &o.config, &s, &oo.instances, 1 };
	if (fleet_build(&f, &fo, &err) != 0)
		goto fail;
	if (f.nsources == 0) {
		fprintf(stderr, "rdswatch: nothing to watch: no AWS account and no [instance] "
		    "server in the config (see rdswatch doctor)\n");
		fleet_free(&f);
		rc = ONCE_EXIT_UNKNOWN;
		goto done;
	}
	if ((st = cmd_once_history(&oo, &o.config)) != NULL) {
		sink.history = store_sink;
		sink.history_ctx = st;
		if (cmd_once_past(st, &past) == 0) {
			have_past = 1;
			sink.prepare = cmd_once_carry_failures;
			sink.prepare_ctx = &past;
		}
	}
	snapshot_init(&snap, time_now_ms(), 1);
	cmd_poll_once(&f, &snap, &sink);
	if (have_past)
		cmd_once_carry_alerts(&past, &snap);
	if (cmd_once_rules(&o.config, &snap, &sink, snap.at, &err) != 0) {
		snapshot_free(&snap);
		fleet_free(&f);
		goto fail;
	}
	out = oo.json ? report_json_string(&snap) : report_text(&snap, cmd_once_width());
	fputs(out, stdout);
	fflush(stdout);
	free(out);
	rc = report_exit_code(&snap, oo.fail_on);
	for (size_t i = 0; i < f.missing.n; i++) {
		fprintf(stderr, "rdswatch: no instance or cluster matches '%s'\n", f.missing.v[i]);
		if (rc != REPORT_EXIT_CRITICAL)
			rc = ONCE_EXIT_UNKNOWN;
	}
	snapshot_free(&snap);
	fleet_free(&f);
	goto done;
fail:
	{
		char *msg = err_format(&err);

		fprintf(stderr, "rdswatch: %s\n", msg);
		free(msg);
		err_clear(&err);
		rc = ONCE_EXIT_UNKNOWN;
	}
done:
	/* After the report: a slow disk delays the exit, not the answer. */
	cmd_once_history_close(st);
	if (have_past)
		snapshot_free(&past);
	awscred_reset();
	m_list_free(&oo.instances);
	cmd_opts_free(&o);
	return rc;
}

const struct cmd_entry cmd_once_entry = {
	.name = "once",
	.args = "[OPTIONS]",
	.summary = "poll once and report; a Nagios-like exit status",
	.exec = cmd_once_exec,
};
