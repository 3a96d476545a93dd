/* `rdswatch watch` (and `rdswatch` with no command): the dashboard. */
#include <config.h>

#include <getopt.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "cmd/cmd_watch.h"
#include "core/config.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
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

/* Options; the common ones (--config, --profile, --region, --debug ...)
 * come from the shared parser (cmd_opts). */
struct watch_opts {
	struct cmd_opts common;
	const char *theme;
	int ascii;		/* -1: not given */
	int no_color;
	int bell;
	const char *refresh;
};

static const struct option watch_long[] = {
	{ "theme", required_argument, NULL, 't' },
	{ "ascii", no_argument, NULL, 'a' },
	{ "no-color", no_argument, NULL, 'C' },
	{ "refresh", required_argument, NULL, 'r' },
	{ "bell", no_argument, NULL, 'b' },
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
	    "%s\n", cmd_opts_help());
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

/* What the live feed is made from: set by cmd_watch_run before it calls
 * the feed maker (whose signature the terminal tests share). */
static struct {
	const struct config *cfg;
	const struct aws_settings *aws;
} watch_live;

/* The rules, evaluated on the live snapshot as a source of their own: the
 * posture checks and alerts land like any poll's records (and will reach
 * the history the same way), and acknowledgements in the snapshot carry
 * over (rules/lifecycle.c). */
struct watch_rules {
	struct feed *feed;
	struct rules_config cfg;
};

static int
watch_rules_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct watch_rules *r = s->priv;
	struct snapshot snap;

	(void)deadline, (void)err;
	feed_snapshot(r->feed, &snap, b->polled_at);
	rules_evaluate(&snap, &r->cfg, b->polled_at, b);
	snapshot_free(&snap);
	return 0;
}

static void
watch_rules_destroy(struct source *s)
{
	struct watch_rules *r = s->priv;

	rules_config_free(&r->cfg);
	free(r);
}

static const struct source_ops watch_rules_ops = {
	"rules", watch_rules_poll, watch_rules_destroy,
};

/* The live feed: the fleet's sources (config + discovery) and the rules on
 * the feed's scheduler, started. What cannot be set up shows as failing
 * sources. */
static struct feed *
watch_live_feed(char **why)
{
	struct feed *feed = feed_live_new(why);
	struct fleet_opts fo = { watch_live.cfg, watch_live.aws, NULL, 0 };
	struct rw_error err = RW_ERROR_INIT;
	struct watch_rules *rules;
	struct source *s;
	struct fleet f;

	if (feed == NULL)
		return NULL;
	rules = xcalloc(1, sizeof *rules);
	rules->feed = feed;
	if (rules_config_load(watch_live.cfg, &rules->cfg, &err) != 0 ||
	    fleet_build(&f, &fo, &err) != 0) {
		*why = err_format(&err);
		err_clear(&err);
		rules_config_free(&rules->cfg);
		free(rules);
		feed_free(feed);
		return NULL;
	}
	fleet_schedule(&f, feed_live_scheduler(feed));
	s = source_new(&watch_rules_ops, "rules", NULL, WATCH_REFRESH_DEFAULT_MS,
	    WATCH_REFRESH_DEFAULT_MS);
	s->priv = rules;
	sched_add(feed_live_scheduler(feed), s);
	/* The sources hold what they need; the fleet's own list can go. */
	fleet_free(&f);
	feed_live_start(feed);
	return feed;
}

int
cmd_watch_run(int argc, char **argv, struct feed *(*make_feed)(char **why))
{
	struct watch_opts o;
	struct aws_settings aws;
	struct config *cfg;
	struct rw_error err = RW_ERROR_INIT;
	struct tui_opts t;
	struct rules_config rules;
	struct theme theme, mono;
	const char *theme_name;
	struct feed *feed;
	char *why = NULL, *user;
	int rc;

	rc = watch_parse(argc, argv, &o);
	if (rc >= 0) {
		cmd_opts_free(&o.common);
		return rc;
	}
	setlocale(LC_ALL, "");
	/* Numbers from AWS and PostgreSQL are written with a '.'. */
	setlocale(LC_NUMERIC, "C");
	if (cmd_opts_finish(&o.common, &aws, &err) != 0) {
		cmd_opts_free(&o.common);
		return watch_fail("config", err_format(&err));
	}
	cfg = &o.common.config;
	memset(&t, 0, sizeof t);
	/* The panes highlight with the rules' own thresholds. */
	if (rules_config_load(cfg, &rules, &err) != 0) {
		cmd_opts_free(&o.common);
		return watch_fail("config", err_format(&err));
	}
	t.dash.rules = &rules;
	rc = watch_settings(&o, cfg, &t, &theme_name);
	if (rc < 0)
		rc = watch_themes(theme_name, &theme, &mono);
	if (rc >= 0) {
		rules_config_free(&rules);
		cmd_opts_free(&o.common);
		return rc;
	}
	watch_live.cfg = cfg;
	watch_live.aws = &aws;
	if (tui_check_terminal(&why) != 0 || (feed = make_feed(&why)) == NULL) {
		theme_free(&theme);
		theme_free(&mono);
		awscred_reset();
		rules_config_free(&rules);
		cmd_opts_free(&o.common);
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
	awscred_reset();
	free(user);
	theme_free(&theme);
	theme_free(&mono);
	rules_config_free(&rules);
	cmd_opts_free(&o.common);
	if (rc < 0)
		return watch_fail("cannot open the dashboard", why);
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
