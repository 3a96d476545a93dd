/* `rdswatch watch` (and `rdswatch` with no command): the dashboard. */
#include <config.h>

#include <getopt.h>
#include <locale.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_history.h"
#include "cmd/cmd_opts.h"
#include "cmd/cmd_watch.h"
#include "core/config.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "rules/due.h"
#include "rules/rules.h"
#include "sources/awscred.h"
#include "sources/fleet.h"
#include "ui/feed_live.h"
#include "ui/keys.h"
#include "ui/theme.h"
#include "ui/tui.h"

/* The refresh interval sources are built with; --refresh scales them. */
#define WATCH_REFRESH_DEFAULT_MS (5 * TIME_SEC)
#define WATCH_ATTENTION_DEFAULT_MS (5 * TIME_SEC)
/* Opening a history another rdswatch writes, read-only. */
#define WATCH_HISTORY_TRIES 20
#define WATCH_HISTORY_RETRY_MS 100

/* Options; the common ones (--config, --profile, --region, --debug ...)
 * come from the shared parser (cmd_opts). */
struct watch_opts {
	struct cmd_opts common;
	const char *theme;
	int ascii;		/* -1: not given */
	int no_color;
	int bell;
	const char *refresh;
	struct cmd_history history;
};

static const struct option watch_long[] = {
	{ "theme", required_argument, NULL, 't' },
	{ "ascii", no_argument, NULL, 'a' },
	{ "no-color", no_argument, NULL, 'C' },
	{ "refresh", required_argument, NULL, 'r' },
	{ "bell", no_argument, NULL, 'b' },
	CMD_HISTORY_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
watch_print_help(FILE *out)
{
	fprintf(out,
	    "usage: rdswatch [watch] [OPTIONS]\n"
	    "Opens the dashboard (also what rdswatch does with no command).\n"
	    "\n"
	    "Options:\n"
	    "  --theme NAME      colour theme: default, light, high-contrast, monochrome,\n"
	    "                    or a file path (config: [ui] theme)\n"
	    "  --ascii           ASCII lines and symbols only (automatic when the\n"
	    "                    locale is not UTF-8)\n"
	    "  --no-color        no colour, attributes only (also NO_COLOR)\n"
	    "  --refresh TIME    refresh interval, e.g. 2s or 1m (default 5s)\n"
	    "  --bell            ring the bell when a critical alert opens\n"
	    "  -h, --help        show this help and exit\n"
	    "%s%s\n"
	    "The dashboard records every poll and acknowledgement in the history and\n"
	    "opens at once on the last known state there; when another rdswatch\n"
	    "records in it, it shows and replays it without recording.\n"
	    "\n", cmd_history_help(1), cmd_opts_help());
	key_print_help(out);
	fprintf(out, "\nSee rdswatch(1) for the panes, themes and files.\n");
}

static int
watch_parse_table(int argc, char **argv, struct watch_opts *o, const struct option *table)
{
	int c, h;

	memset(o, 0, sizeof *o);
	o->ascii = -1;
	opterr = 0;
	/* ':' first: a missing value is reported as such. */
	while ((c = getopt_long(argc, argv, "+:h", table, NULL)) != -1) {
		if (cmd_history_handle(&o->history, c, optarg))
			continue;
		if ((h = cmd_opts_handle(&o->common, c, optarg, &cmd_watch_entry)) != 0) {
			if (h < 0)
				return CMD_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 't': o->theme = optarg; break;
		case 'a': o->ascii = 1; break;
		case 'C': o->no_color = 1; break;
		case 'r': o->refresh = optarg; break;
		case 'b': o->bell = 1; break;
		case 'h':
			watch_print_help(stdout);
			return CMD_EXIT_OK;
		case ':':
			return cmd_usage_error(&cmd_watch_entry, "option '%s' needs a value",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				return cmd_usage_error(&cmd_watch_entry, "unknown option '-%c'", optopt);
			return cmd_usage_error(&cmd_watch_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_watch_entry, "unexpected argument '%s'", argv[optind]);
	return -1;
}

static int
watch_parse(int argc, char **argv, struct watch_opts *o)
{
	struct option *table = cmd_opts_table(watch_long);
	int rc = watch_parse_table(argc, argv, o, table);

	free(table);
	return rc;
}

/* "$USER@host": who acknowledges alerts. */
static char *
watch_user(void)
{
	const char *user = getenv("USER");
	struct passwd *pw;
	char host[256];

	if (user == NULL || user[0] == '\0') {
		pw = getpwuid(getuid());
		user = pw != NULL ? pw->pw_name : "unknown";
	}
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	return xasprintf("%s@%s", user, host);
}

static int
watch_fail(const char *what, char *why)
{
	fprintf(stderr, "rdswatch: %s%s%s\n", what, why != NULL ? ": " : "", why != NULL ? why : "");
	free(why);
	return CMD_EXIT_FAILURE;
}

/* Settings from the config file, then the command line over them. */
static int
watch_settings(const struct watch_opts *o, const struct config *cfg, struct tui_opts *t,
    const char **theme_name)
{
	struct rw_error err = RW_ERROR_INIT;
	int64_t ms;

	*theme_name = config_get(cfg, "ui", NULL, "theme");
	if (*theme_name == NULL)
		*theme_name = "default";
	if (o->theme != NULL)
		*theme_name = o->theme;
	/* Each getter leaves the default alone when the key is not set. */
	t->color = 1;
	t->ascii = 0;
	t->mouse = 0;
	t->dash.bell = 0;
	t->dash.attention_ms = WATCH_ATTENTION_DEFAULT_MS;
	t->dash.refresh_ms = WATCH_REFRESH_DEFAULT_MS;
	if (config_get_bool(cfg, "ui", NULL, "color", &t->color, &err) < 0 ||
	    config_get_bool(cfg, "ui", NULL, "ascii", &t->ascii, &err) < 0 ||
	    config_get_bool(cfg, "ui", NULL, "mouse", &t->mouse, &err) < 0 ||
	    config_get_bool(cfg, "ui", NULL, "bell", &t->dash.bell, &err) < 0 ||
	    config_get_duration(cfg, "ui", NULL, "attention", &t->dash.attention_ms, &err) < 0 ||
	    config_get_duration(cfg, "ui", NULL, "refresh", &t->dash.refresh_ms, &err) < 0)
		return watch_fail("config", err_format(&err));
	if (o->no_color || (getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0] != '\0'))
		t->color = 0;
	if (o->ascii == 1)
		t->ascii = 1;
	if (o->bell)
		t->dash.bell = 1;
	if (o->refresh != NULL) {
		if (time_parse_duration(o->refresh, &ms) != 0 || ms < TIME_SEC) {
			cmd_usage_error(&cmd_watch_entry, "--refresh wants a duration of at least 1s "
			    "(e.g. 2s, 1m)");
			return CMD_EXIT_USAGE;
		}
		t->dash.refresh_ms = ms;
	}
	if (t->dash.refresh_ms < TIME_SEC) {
		fprintf(stderr, "rdswatch: [ui] refresh must be at least 1s\n");
		return CMD_EXIT_FAILURE;
	}
	t->dash.profile = o->common.profile != NULL ? o->common.profile :
	    config_get(cfg, "aws", NULL, "profile");
	if (t->dash.profile == NULL)
		t->dash.profile = getenv("AWS_PROFILE");
	t->dash.region = o->common.region != NULL ? o->common.region :
	    config_get(cfg, "aws", NULL, "region");
	if (t->dash.region == NULL)
		t->dash.region = getenv("AWS_REGION") != NULL ? getenv("AWS_REGION") :
		    getenv("AWS_DEFAULT_REGION");
	return -1;
}

/* Themes are loaded before the terminal is touched, so a broken file is
 * reported plainly (file and line) and nothing is left half set up. */
static int
watch_themes(const char *name, struct theme *theme, struct theme *mono)
{
	char *why = NULL;

	if (theme_load(theme, name, &why) != 0)
		return watch_fail("theme", why);
	if (theme_load(mono, "monochrome", &why) != 0) {
		theme_free(theme);
		return watch_fail("theme", why);
	}
	return -1;
}

/* What the dashboard runs on: the options, config and AWS settings. The
 * setup thread of the live feed (discovery) reads them too and may
 * outlive cmd_watch_run when the user quits during discovery, so they
 * live on the heap until the last of the two lets go. */
struct watch_run {
	pthread_mutex_t lock;
	int refs;
	struct watch_opts o;
	struct aws_settings aws;
};

static struct watch_run *
watch_run_new(void)
{
	struct watch_run *run = xcalloc(1, sizeof *run);

	pthread_mutex_init(&run->lock, NULL);
	run->refs = 1;
	return run;
}

static struct watch_run *
watch_run_ref(struct watch_run *run)
{
	pthread_mutex_lock(&run->lock);
	run->refs++;
	pthread_mutex_unlock(&run->lock);
	return run;
}

/* Returns 1 when this was the last reference (everything is freed). */
static int
watch_run_unref(struct watch_run *run)
{
	int last;

	pthread_mutex_lock(&run->lock);
	last = --run->refs == 0;
	pthread_mutex_unlock(&run->lock);
	if (!last)
		return 0;
	/* The pg sources' password providers, registered by discovery. */
	awscred_reset();
	cmd_opts_free(&run->o.common);
	pthread_mutex_destroy(&run->lock);
	free(run);
	return 1;
}

/* What the live feed is made from: set by cmd_watch_run before it calls
 * the feed maker (whose signature the terminal tests share). */
static struct {
	struct watch_run *run;
} watch_live;

/* The rules, evaluated on the live snapshot as a source of their own: the
 * posture checks and alerts land like any poll's records (and reach the
 * history the same way), and acknowledgements in the snapshot - also
 * those loaded from history at the start - carry over
 * (rules/lifecycle.c). */
struct watch_rules {
	struct feed *feed;
	struct rules_config cfg;
	/* The rules' own copy of the snapshot, kept up to date kind by kind
	 * (only this source's worker touches it). */
	struct snapshot snap;
	struct feed_gens gens;
	struct rules_due due;
};

static int
watch_rules_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct watch_rules *r = s->priv;
	snapshot_kinds changed = feed_sync(r->feed, &r->snap, &r->gens, b->polled_at);
	unsigned due;

	(void)deadline, (void)err;
	/* When not due, nothing to say: nothing judged anew. */
	if ((due = rules_due_check(&r->due, &r->snap, changed, b->polled_at)) == 0)
		return SOURCE_POLL_IDLE;
	rules_evaluate_part(&r->snap, &r->cfg, b->polled_at, due, b);
	return 0;
}

static void
watch_rules_destroy(struct source *s)
{
	struct watch_rules *r = s->priv;

	snapshot_free(&r->snap);
	rules_config_free(&r->cfg);
	free(r);
}

static const struct source_ops watch_rules_ops = {
	"rules", watch_rules_poll, watch_rules_destroy, NULL,
};

/* The live feed's setup (on its own thread): the fleet's sources (config
 * + discovery) and the rules. What cannot be set up shows as failing
 * sources. */
struct watch_setup {
	struct watch_run *run;
	struct feed *feed;
};

static int
watch_setup_sources(void *ctx, struct scheduler *sc, struct rw_error *err)
{
	struct watch_setup *w = ctx;
	const struct config *cfg = &w->run->o.common.config;
	struct fleet_opts fo = { cfg, &w->run->aws, NULL, 0 };
	struct watch_rules *rules = xcalloc(1, sizeof *rules);
	struct source *s;
	struct fleet f;

	rules->feed = w->feed;
	snapshot_init(&rules->snap, 0, 1);
	feed_gens_reset(&rules->gens);
	/* The rules read when a session started and changed state, never
	 * when it was last polled: 1,000 poll times a poll are not copied. */
	rules->gens.untouched = SNAPSHOT_KIND(M_SESSION);
	rules_due_init(&rules->due);
	if (rules_config_load(cfg, &rules->cfg, err) != 0 || fleet_build(&f, &fo, err) != 0) {
		snapshot_free(&rules->snap);
		rules_config_free(&rules->cfg);
		free(rules);
		sched_add(sc, fleet_error_source("config", "config", NULL, err));
		return -1;
	}
	fleet_schedule(&f, sc);
	s = source_new(&watch_rules_ops, "rules", NULL, WATCH_REFRESH_DEFAULT_MS,
	    WATCH_REFRESH_DEFAULT_MS);
	s->priv = rules;
	s->local = 1;
	sched_add(sc, s);
	/* The sources hold what they need; the fleet's own list can go. */
	fleet_free(&f);
	return 0;
}

static void
watch_setup_free(void *ctx)
{
	struct watch_setup *w = ctx;

	watch_run_unref(w->run);
	free(w);
}

/* "not recording: history in use by pid N", from
 * store_open's message, which names the writer's pid. */
static char *
watch_not_recording(const struct rw_error *err)
{
	const char *p = err->message != NULL ? strstr(err->message, "(pid ") : NULL;
	long pid = p != NULL ? strtol(p + 5, NULL, 10) : 0;

	if (pid > 0)
		return xasprintf("not recording: history in use by pid %ld", pid);
	return xstrdup("not recording: history in use by another rdswatch");
}

/* The history: written, or only read when another rdswatch writes it
 * (shown and replayed, not recorded). Any other problem (a symlink, a
 * newer schema) stops the dashboard before the screen opens. */
static int
watch_history(struct feed *feed, char **why)
{
	const struct cmd_history *h = &watch_live.run->o.history;
	const struct config *cfg = &watch_live.run->o.common.config;
	struct rw_error err = RW_ERROR_INIT;
	struct store *st = NULL;
	char *not_recording;

	if (cmd_history_open(h, cfg, 0, &st, &err) == 0) {
		feed_live_set_history(feed, st, 1, NULL);
		return 0;
	}
	if (!store_err_in_use(&err)) {
		*why = err_format(&err);
		err_clear(&err);
		return -1;
	}
	not_recording = watch_not_recording(&err);
	err_clear(&err);
	/* A writer that has just started may not have created or upgraded
	 * the file yet: give it a moment. */
	for (int tries = 1; cmd_history_open(h, cfg, 1, &st, &err) != 0; tries++) {
		if (tries == WATCH_HISTORY_TRIES) {
			*why = err_format(&err);
			err_clear(&err);
			free(not_recording);
			return -1;
		}
		err_clear(&err);
		usleep(WATCH_HISTORY_RETRY_MS * 1000);
	}
	feed_live_set_history(feed, st, 0, not_recording);
	free(not_recording);
	return 0;
}

/* The live feed: its history opened here (so a problem with it is told
 * before the screen opens), its sources built and polling started on the
 * feed's setup thread, so the screen opens at once. */
static struct feed *
watch_live_feed(char **why)
{
	struct feed *feed = feed_live_new(why);
	struct watch_setup *w;

	if (feed == NULL)
		return NULL;
	if (watch_history(feed, why) != 0) {
		feed_free(feed);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->run = watch_run_ref(watch_live.run);
	w->feed = feed;
	feed_live_start_async(feed, watch_setup_sources, w, watch_setup_free);
	return feed;
}

int
cmd_watch_run(int argc, char **argv, struct feed *(*make_feed)(char **why))
{
	struct watch_run *run = watch_run_new();
	struct watch_opts *o = &run->o;
	struct rw_error err = RW_ERROR_INIT;
	struct tui_opts t;
	struct rules_config rules;
	struct theme theme, mono;
	const char *theme_name;
	struct feed *feed;
	char *why = NULL, *user;
	int rc, left_behind;

	rc = watch_parse(argc, argv, o);
	if (rc >= 0) {
		watch_run_unref(run);
		return rc;
	}
	setlocale(LC_ALL, "");
	/* Numbers from AWS and PostgreSQL are written with a '.'. */
	setlocale(LC_NUMERIC, "C");
	if (cmd_opts_finish(&o->common, &run->aws, &err) != 0) {
		watch_run_unref(run);
		return watch_fail("config", err_format(&err));
	}
	memset(&t, 0, sizeof t);
	/* The panes highlight with the rules' own thresholds. */
	if (rules_config_load(&o->common.config, &rules, &err) != 0) {
		watch_run_unref(run);
		return watch_fail("config", err_format(&err));
	}
	t.dash.rules = &rules;
	rc = watch_settings(o, &o->common.config, &t, &theme_name);
	if (rc < 0)
		rc = watch_themes(theme_name, &theme, &mono);
	if (rc >= 0) {
		rules_config_free(&rules);
		watch_run_unref(run);
		return rc;
	}
	watch_live.run = run;
	if (tui_check_terminal(&why) != 0 || (feed = make_feed(&why)) == NULL) {
		theme_free(&theme);
		theme_free(&mono);
		rules_config_free(&rules);
		watch_run_unref(run);
		return watch_fail("cannot open the dashboard", why);
	}
	/* Sources are built at the default interval; --refresh scales them. */
	if (t.dash.refresh_ms != WATCH_REFRESH_DEFAULT_MS)
		feed_scale_interval(feed, (double)t.dash.refresh_ms / WATCH_REFRESH_DEFAULT_MS);
	user = watch_user();
	t.dash.user = user;
	t.theme = &theme;
	t.mono = &mono;
	rc = tui_run(feed, &t, &why);
	feed_free(feed);
	free(user);
	theme_free(&theme);
	theme_free(&mono);
	rules_config_free(&rules);
	watch_live.run = NULL;
	left_behind = !watch_run_unref(run);
	if (rc < 0)
		rc = watch_fail("cannot open the dashboard", why);
	if (left_behind) {
		/* The user quit during discovery, which still runs on the feed's
		 * setup thread. What matters is done: the history is committed
		 * and closed (feed_free), the terminal restored. Exiting normally
		 * would tear libcurl and OpenSSL down under that thread. */
		fflush(NULL);
		_exit(rc);
	}
	return rc;
}

static int
cmd_watch_exec(int argc, char **argv)
{
	return cmd_watch_run(argc, argv, watch_live_feed);
}

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.args = "[OPTIONS]",
	.summary = "the dashboard (also with no command)",
	.exec = cmd_watch_exec,
};
