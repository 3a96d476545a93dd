/* History over a window, record by record, for exports: facts in the
 * window in time order, the versions of state records that overlap it
 * (with when each began and ended), metric aggregates, and alert
 * transitions. */
#ifndef RW_STORE_HISTORY_H
#define RW_STORE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "model/records.h"
#include "store/store.h"

/* An alert transition (alert_events), as a record so exports write it
 * like any other. */
#define STORE_ALERT_EVENT_FIELDS(F) \
	F(alert_event, TIME, time, M_KEY) \
	F(alert_event, STR, alert_key, M_KEY) \
	F(alert_event, STR, event, M_KEY)       /* opened, acknowledged, snoozed, unsnoozed, \
						   severity_changed, reopened, resolved */ \
	F(alert_event, STR, instance, 0) \
	F(alert_event, STR, rule, 0) \
	F(alert_event, STR, severity, 0) \
	F(alert_event, STR, previous_severity, 0) \
	F(alert_event, STR, title, 0) \
	F(alert_event, STR, who, 0) \
	F(alert_event, STR, note, 0) \
	F(alert_event, TIME, until, 0)

M_DECLARE_RECORD(alert_event, STORE_ALERT_EVENT_FIELDS)

/* What to read: [from, to] and, optionally, some instances. Records of
 * no particular instance (fleet-wide sources, account, "" alerts) are
 * always included. */
struct store_query {
	int64_t from, to;
	char **instances;
	size_t ninstances;
};

/* What the export types are made of. */
enum store_item_kind {
	STORE_ITEM_FACT,	/* an append kind's record */
	STORE_ITEM_VERSION,	/* a state record's version */
	STORE_ITEM_AGGREGATE,	/* a 5-minute metric aggregate */
	STORE_ITEM_ALERT_EVENT,
};

struct store_item {
	enum store_item_kind what;
	enum m_kind kind;		/* M_KIND_COUNT for alert events */
	const struct m_type *type;
	int64_t time;			/* the fact's time, the version's start */
	int64_t until;			/* a version's end, 0 while it lasts */
	int64_t interval;		/* a version's interval id (one session, one alert) */
	const void *rec;
	/* A metric aggregate's extremes and sample count. */
	double min, max;
	unsigned samples;
};

typedef int (*store_item_fn)(void *ctx, const struct store_item *it);

/* FN returning non-zero stops the walk (and is returned). Returns 0, or
 * -1 with ERR set. */
int store_history_facts(struct store *st, enum m_kind kind, const struct store_query *q,
    store_item_fn fn, void *ctx, struct rw_error *err);
int store_history_aggregates(struct store *st, const struct store_query *q, store_item_fn fn,
    void *ctx, struct rw_error *err);
int store_history_versions(struct store *st, enum m_kind kind, const struct store_query *q,
    store_item_fn fn, void *ctx, struct rw_error *err);
int store_history_alert_events(struct store *st, const struct store_query *q, store_item_fn fn,
    void *ctx, struct rw_error *err);

/* Whether Q selects records of INSTANCE. */
int store_query_wants(const struct store_query *q, const char *instance);

#endif
