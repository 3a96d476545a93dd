/* sources-poll: the fleet rdswatch's dashboard would watch, polled on its
 * schedule for a while, for the tests that need more than one poll
 * (incremental reads, a secret rotated between polls).
 *
 *   sources-poll --config FILE --seconds N [--endpoint-url URL]
 *
 * Prints one line per poll that ends, as it ends:
 *   poll SOURCE INSTANCE ok|fail CODE
 * then "done". Exits 0, or 2 on a usage or config error. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "core/timeutil.h"
#include "sources/awscred.h"
#include "sources/fleet.h"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void
sink(void *ctx, struct batch *b)
{
	(void)ctx;
	pthread_mutex_lock(&out_lock);
	M_VEC_EACH(&b->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		if (h->updating == 1)
			continue;
		printf("poll %s %s %s %s\n", h->source, *h->instance != '\0' ? h->instance : "-",
		    h->ok == 1 ? "ok" : "fail", h->error_code != NULL ? h->error_code :
		    h->error_kind != NULL ? h->error_kind : "-");
	}
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	batch_free(b);
}

static const struct cmd_entry poll_entry = { "sources-poll", "--seconds N", "", NULL };

int
main(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct option *table = cmd_opts_table(extra);
	struct cmd_opts o = CMD_OPTS_INIT;
	struct aws_settings s;
	struct rw_error err = RW_ERROR_INIT;
	struct fleet f;
	struct fleet_opts fo;
	struct scheduler *sc;
	long seconds = 10;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", table, NULL)) != -1) {
		int h = cmd_opts_handle(&o, c, optarg, &poll_entry);

		if (h < 0)
			return 2;
		if (h == 0 && c == 's')
			seconds = strtol(optarg, NULL, 10);
		else if (h == 0)
			return 2;
	}
	free(table);
	if (cmd_opts_finish(&o, &s, &err) != 0) {
		fprintf(stderr, "sources-poll: %s\n", err.message);
		return 2;
	}
	fo = (struct fleet_opts){ &o.config, &s, NULL, 0 };
	if (fleet_build(&f, &fo, &err) != 0) {
		fprintf(stderr, "sources-poll: %s\n", err.message);
		return 2;
	}
	sc = sched_new(sink, NULL);
	fleet_schedule(&f, sc);
	fleet_free(&f);
	sched_start(sc);
	sleep((unsigned)seconds);
	sched_free(sc, 2000);
	awscred_reset();
	cmd_opts_free(&o);
	printf("done\n");
	return 0;
}
