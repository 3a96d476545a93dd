/* How history stores each record kind: the role of every field, from the
 * field tables in model/records.h plus one small table of exceptions, so
 * storage grows with change rather than with polling.
 *
 * M_APPEND kinds (facts) are rows, once each by natural key. M_STATE kinds
 * are intervals (one per key for as long as it is present) holding
 * versions (a new one only when a versioned field changes) and samples
 * (numbers that change every poll, written when they change):
 *   STORE_F_KEY       the natural key (M_KEY), on the interval row
 *   STORE_F_VERSION   on version rows
 *   STORE_F_POLLTIME  "when observed" (observed_at, last_seen, ...): a
 *                     version row keeps it either as a value or, when it
 *                     was the carrying poll's polled_at, as a bit saying
 *                     "the time of the last poll that carried it", which
 *                     reading derives from the poll log
 *   STORE_F_SAMPLED   on sample rows (times there are offsets from the
 *                     sample's time) */
#ifndef RW_STORE_POLICY_H
#define RW_STORE_POLICY_H

#include "model/records.h"

enum store_frole {
	STORE_F_KEY,
	STORE_F_VERSION,
	STORE_F_POLLTIME,
	STORE_F_SAMPLED,
};

#define STORE_MAX_FIELDS 64

struct store_policy {
	enum m_kind kind;
	const struct m_type *type;
	const char *table;		/* m_kind_plural */
	enum store_frole role[STORE_MAX_FIELDS];
	/* Index of the i-th poll-time field (bit i of a version's follow mask). */
	int polltime[8];
	int npolltime;
	int nsampled;
	int scope_region;		/* scope is the record's region+profile */
	int fact_time;			/* field index of the fact's time, or -1 */
	int instance;			/* field index of "instance" (or instance.id), or -1 */
};

/* The policy of KIND (built once, thread-safe). */
const struct store_policy *store_policy_get(enum m_kind kind);

/* The poll-log scope a state record belongs to, for the M_STATE kinds
 * that batches can give in full: the instance id, or region and profile
 * for instances and accounts. Newly allocated; NULL when the record has
 * none (it is only ever upserted). */
char *store_policy_scope(const struct store_policy *p, const void *rec);
/* The scope a batch speaks for as region+profile. Newly allocated. */
char *store_policy_region_scope(const char *region, const char *profile);

/* The record's "instance" (or an instance's id), or NULL. */
const char *store_policy_instance(const struct store_policy *p, const void *rec);

#endif
