/* A batch is what one poll of one source observed: records of any kind,
 * taken at one moment, plus the source's health. The store commits a
 * batch in one transaction; a snapshot applies it in memory. Both follow
 * the same rules (batch_apply_rules below), so history and the live
 * screen cannot disagree.
 *
 * How a batch applies, per kind (see enum m_flow):
 *   M_APPEND kinds (events, findings, failed logins, metric samples):
 *     each record is inserted unless a record with its key exists.
 *   M_STATE kinds marked complete with batch_mark_complete():
 *     M_INSTANCE, M_ACCOUNT: every existing record with the batch's
 *       region and profile is replaced by the batch's records;
 *     per-instance kinds (sessions, parameters, maintenance, sg rules,
 *       pg_health, xid ages, slots, checks): every existing record whose
 *       instance is in batch->covers is replaced by the batch's records.
 *   M_STATE kinds not marked complete: records are upserted by key.
 *   M_SOURCE_HEALTH is always upserted by (source, instance). */
#ifndef RW_MODEL_BATCH_H
#define RW_MODEL_BATCH_H

#include <stdint.h>

#include "model/records.h"

struct batch {
	char *source;		/* "rds", "cloudwatch", "logs", "guardduty", "ec2", "pg", "pglog", "rules" */
	char *region;		/* scope of fleet-wide sources (may be NULL) */
	char *profile;
	int64_t polled_at;	/* when the observations were taken */
	struct m_list covers;	/* instance ids this batch is complete for */
	unsigned complete;	/* bit (1u << kind) for M_STATE kinds given in full */
	struct m_vec kinds[M_KIND_COUNT];
};

struct batch *batch_new(const char *source, int64_t polled_at);
void batch_free(struct batch *b);
/* Appends an empty record of KIND and returns it. */
void *batch_add(struct batch *b, enum m_kind kind);
void batch_mark_complete(struct batch *b, enum m_kind kind);
int batch_is_complete(const struct batch *b, enum m_kind kind);
/* Declares that the batch speaks for INSTANCE (adds it to covers). */
void batch_cover(struct batch *b, const char *instance);
int batch_covers(const struct batch *b, const char *instance);
/* The number of records of every kind. */
size_t batch_count(const struct batch *b);

/* Whether an existing state record REC of KIND is replaced by B (it falls
 * in B's scope for a kind B gives in full). The one rule shared by the
 * in-memory snapshot and the store. */
int batch_replaces(const struct batch *b, enum m_kind kind, const void *rec);

#endif
