#include <config.h>

#include <stddef.h>

#include "cmd/cmd_history.h"

int
cmd_history_handle(struct cmd_history *h, int c, const char *arg)
{
	switch (c) {
	case CMD_OPT_HISTORY:
		h->path = arg;
		h->off = 0;
		return 1;
	case CMD_OPT_NO_HISTORY:
		h->off = 1;
		return 1;
	default:
		return 0;
	}
}

int
cmd_history_open(const struct cmd_history *h, const struct config *cfg, int readonly,
    struct store **out, struct rw_error *err)
{
	struct store_options so;

	*out = NULL;
	if (h->off)
		return 0;
	store_options_init(&so);
	if (store_options_from_config(&so, cfg, err) != 0)
		return -1;
	so.readonly = readonly;
	if (h->path != NULL)
		so.path = h->path;
	return store_open(out, &so, err);
}

const char *
cmd_history_help(int no_history)
{
	return no_history ?
	    "  --history FILE         history file (default\n"
	    "                         $XDG_STATE_HOME/rdswatch/history.db)\n"
	    "  --no-history           neither read nor write history\n" :
	    "  --history FILE         history file (default\n"
	    "                         $XDG_STATE_HOME/rdswatch/history.db)\n";
}
