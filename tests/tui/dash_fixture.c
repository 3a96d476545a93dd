/* The dashboard, exactly as `rdswatch watch` runs it (same options,
 * themes, terminal handling and loop), on a live feed preloaded with the
 * hand-built fleet of tests/lib/fleet.c: the terminal tests use it for
 * what needs fleet data before the data sources are merged (hostile
 * strings on a real terminal, colours, attention, acknowledgement). */
#include <config.h>

#include "cmd/cmd_watch.h"
#include "core/harden.h"
#include "core/timeutil.h"
#include "fleet.h"
#include "ui/feed_live.h"

static struct feed *
fixture_feed(char **why)
{
	struct feed *f = feed_live_new(why);

	if (f != NULL)
		feed_live_apply(f, fleet_batch(time_now_ms()));
	return f;
}

int
main(int argc, char **argv)
{
	if (harden_process() != 0)
		return 1;
	return cmd_watch_run(argc, argv, fixture_feed);
}
