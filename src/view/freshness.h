/* How current a source's data is, from its health record: the status line
 * and each pane's title show it, so stale data always looks stale. */
#ifndef RW_VIEW_FRESHNESS_H
#define RW_VIEW_FRESHNESS_H

#include <stddef.h>
#include <stdint.h>

#include "model/records.h"
#include "view/snapshot.h"

/* A source is stale when its next poll is this late (it is stuck, or
 * polling is paused). */
#define FRESHNESS_GRACE_MS (15 * 1000)

enum freshness_state {
	FRESH_NONE,	/* no health record: never heard from */
	FRESH_OK,
	FRESH_UPDATING,	/* a poll is in flight */
	FRESH_STALE,
	FRESH_FAILING,	/* the last poll failed */
};

struct freshness {
	enum freshness_state state;
	int64_t age_ms;	/* since the last success; -1 when never */
};

void freshness_of(const struct m_source_health *h, int64_t now, struct freshness *f);
/* The worst state of SOURCE's records (every kind when SOURCE is NULL)
 * for INSTANCE (NULL: every instance), with the oldest age among them. */
void freshness_worst(const struct snapshot *s, const char *source, const char *instance,
    int64_t now, struct freshness *f);
/* "ok 3s", "updating", "stale 5m", "failing 2m", "no data". */
char *freshness_describe(const struct freshness *f, char *buf, size_t len);
/* The colour role of a state. */
int freshness_style(enum freshness_state state);

#endif
