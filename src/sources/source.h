/* A source is one kind of data polled on its own schedule: rds,
 * cloudwatch, logs, guardduty, ec2 (fleet-wide, one per account+region),
 * pg and pglog (one per instance). Each is a small vtable; the scheduler
 * (sources/scheduler.h) runs every source's polls on its own thread. */
#ifndef RW_SOURCES_SOURCE_H
#define RW_SOURCES_SOURCE_H

#include <stdint.h>

#include "core/err.h"
#include "model/batch.h"

struct source;

struct source_ops {
	const char *kind;	/* "rds", "pg", ... (the m_source_health.source) */
	/* One poll. Runs on the source's worker thread and fills B: records,
	 * covers and completeness (model/batch.h). Every blocking call must
	 * end by DEADLINE (time_mono_ms() clock). Returns 0, or -1 with ERR
	 * set; records already in B are still applied (a partial answer is
	 * better than none, and health says it was partial). The source may
	 * count its calls in s->calls. A local source may return
	 * SOURCE_POLL_IDLE: nothing to do this time, nothing to say. */
	int (*poll)(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err);
	/* Releases priv (connections, handles). May be NULL. */
	void (*destroy)(struct source *s);
	/* Told, on the worker thread, that the batch of a poll that ran past
	 * its deadline was thrown away: nobody saw it. May be NULL. */
	void (*discarded)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	char *name;		/* unique: "rds", "rds@acct/eu-west-1", "pg:prod-db";
				 * a fleet-wide source's health is reported under it */
	char *instance;		/* per-instance sources; NULL when fleet-wide */
	char *region;		/* for fleet-wide AWS sources */
	char *profile;
	int64_t interval_ms;	/* between the starts of two polls */
	int64_t timeout_ms;	/* a poll's deadline, from its start */
	int64_t calls;		/* API calls or queries made, for health */
	double est_monthly_usd;	/* what this source's polling costs, if anything */
	/* Computed here from what the others gathered (the rules), in
	 * milliseconds: no "updating" mark before a poll, and a poll with
	 * nothing to do (SOURCE_POLL_IDLE) delivers nothing, its health
	 * included (it moves at the next poll that does something). */
	int local;
	void *priv;
};

#define SOURCE_POLL_IDLE 1

/* A new source (name and instance copied). The caller sets priv. */
struct source *source_new(const struct source_ops *ops, const char *name, const char *instance,
    int64_t interval_ms, int64_t timeout_ms);
void source_free(struct source *s);

#endif
