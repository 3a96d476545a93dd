#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_opts.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

static const struct option cmd_opts_common[] = {
	{ "config", required_argument, NULL, CMD_OPT_CONFIG },
	{ "profile", required_argument, NULL, CMD_OPT_PROFILE },
	{ "region", required_argument, NULL, CMD_OPT_REGION },
	{ "endpoint-url", required_argument, NULL, CMD_OPT_ENDPOINT_URL },
	{ "debug", required_argument, NULL, CMD_OPT_DEBUG },
	{ "log", required_argument, NULL, CMD_OPT_LOG },
	{ "connect-timeout", required_argument, NULL, CMD_OPT_CONNECT_TIMEOUT },
	{ "timeout", required_argument, NULL, CMD_OPT_TIMEOUT },
};

#define CMD_OPTS_N (sizeof cmd_opts_common / sizeof cmd_opts_common[0])

const char *
cmd_opts_help(void)
{
	return
	    "  --config FILE          rdswatch config (default\n"
	    "                         $XDG_CONFIG_HOME/rdswatch/config)\n"
	    "  --profile NAME         AWS profile (default AWS_PROFILE, then default)\n"
	    "  --region REGION        AWS region (default AWS_REGION, the profile, IMDS)\n"
	    "  --endpoint-url URL     one endpoint for every AWS service (testing)\n"
	    "  --debug CATS           debug log categories: aws, pg, sources, store,\n"
	    "                         rules, ui, all\n"
	    "  --log FILE             debug log file (default\n"
	    "                         $XDG_STATE_HOME/rdswatch/debug.log)\n"
	    "  --connect-timeout DUR  AWS connect timeout (default 3s)\n"
	    "  --timeout DUR          AWS timeout per HTTP attempt (default 10s)\n";
}

struct option *
cmd_opts_table(const struct option *extra)
{
	size_t n = 0;
	struct option *t;

	while (extra != NULL && extra[n].name != NULL)
		n++;
	t = xcalloc(CMD_OPTS_N + n + 1, sizeof *t);
	memcpy(t, cmd_opts_common, sizeof cmd_opts_common);
	if (n > 0)
		memcpy(t + CMD_OPTS_N, extra, n * sizeof *t);
	return t;
}

static int
cmd_opts_duration(const char *arg, int64_t *out, const char *name, const struct cmd_entry *entry)
{
	int64_t ms;

	if (time_parse_duration(arg, &ms) != 0 || ms <= 0 || ms > TIME_HOUR) {
		char *clean = sanitize_str(arg);

		cmd_usage_error(entry, "--%s: '%s' is not a duration such as 500ms... 3s, 1m", name,
		    clean);
		free(clean);
		return -1;
	}
	*out = ms;
	return 1;
}

int
cmd_opts_handle(struct cmd_opts *o, int c, const char *arg, const struct cmd_entry *entry)
{
	char *why = NULL;

	switch (c) {
	case CMD_OPT_CONFIG:
		o->config_path = arg;
		return 1;
	case CMD_OPT_PROFILE:
		o->profile = arg;
		return 1;
	case CMD_OPT_REGION:
		o->region = arg;
		return 1;
	case CMD_OPT_ENDPOINT_URL:
		o->endpoint_url = arg;
		return 1;
	case CMD_OPT_LOG:
		o->log_path = arg;
		return 1;
	case CMD_OPT_DEBUG:
		if (log_parse_categories(arg, &o->debug_mask, &why) != 0) {
			cmd_usage_error(entry, "--debug: %s", why);
			free(why);
			return -1;
		}
		return 1;
	case CMD_OPT_CONNECT_TIMEOUT:
		return cmd_opts_duration(arg, &o->connect_timeout_ms, "connect-timeout", entry);
	case CMD_OPT_TIMEOUT:
		return cmd_opts_duration(arg, &o->timeout_ms, "timeout", entry);
	default:
		return 0;
	}
}

int
cmd_opts_finish(struct cmd_opts *o, struct aws_settings *s, struct rw_error *err)
{
	int64_t v;
	char *why = NULL;

	memset(s, 0, sizeof *s);
	if (config_load(&o->config, o->config_path, err) != 0)
		return -1;
	o->config_loaded = 1;
	for (size_t i = 0; i < o->config.nwarnings; i++)
		fprintf(stderr, "rdswatch: warning: %s\n", o->config.warnings[i]);
	if (o->debug_mask != 0 && log_open(o->log_path, o->debug_mask, &why) != 0) {
		err_set(err, ERR_CONFIG, NULL, NULL, "debug log: %s", why);
		free(why);
		return -1;
	}
	s->profile = o->profile != NULL ? o->profile : config_get(&o->config, "aws", NULL, "profile");
	s->region = o->region != NULL ? o->region : config_get(&o->config, "aws", NULL, "region");
	if (o->region == NULL && s->region != NULL)
		s->region_source = "[aws] region";
	s->endpoint_url = o->endpoint_url != NULL ? o->endpoint_url
	    : config_get(&o->config, "aws", NULL, "endpoint_url");
	s->connect_timeout_ms = o->connect_timeout_ms;
	if (s->connect_timeout_ms == 0 &&
	    config_get_duration(&o->config, "aws", NULL, "connect_timeout", &s->connect_timeout_ms,
	    err) < 0)
		return -1;
	s->timeout_ms = o->timeout_ms;
	if (s->timeout_ms == 0 &&
	    config_get_duration(&o->config, "aws", NULL, "timeout", &s->timeout_ms, err) < 0)
		return -1;
	if (config_get_int(&o->config, "aws", NULL, "max_attempts", 1, 20, &v, err) < 0)
		return -1;
	else if (config_find(&o->config, "aws", NULL, "max_attempts") != NULL)
		s->max_attempts = (int)v;
	return 0;
}

void
cmd_opts_free(struct cmd_opts *o)
{
	if (o->config_loaded)
		config_free(&o->config);
	o->config_loaded = 0;
}
