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
 *   M_SOURCE_HEALTH is always upserted by (source, instance).
 *
 * A kind given in full may name records instead of carrying them
 * (batch_same_add): those the source gave in its previous batch and that
 * have not changed since, so 1,000 idle sessions cost a poll 1,000 hashes,
 * not 1,000 records built, copied, compared and freed. The names are the
 * records' m_key_hash, with the sum of their m_content_hash: a consumer
 * that lacks one of them or holds another version (it missed a batch)
 * takes the batch as not speaking for the kind's records it did not
 * carry, and the source sends every record again now and then. Only
 * records of the batch's covers are named: consumers find them by the
 * hash alone (it covers the instance, a key field) and do not read their
 * scope again. */
#ifndef RW_MODEL_BATCH_H
#define RW_MODEL_BATCH_H

#include <stdint.h>

#include "model/records.h"

/* Records named, not carried (see above). */
struct batch_same {
	uint64_t *keys;		/* m_key_hash of each */
	size_t n;
	size_t cap;
	uint64_t sum;		/* of their m_content_hash */
};

struct batch {
	char *source;		/* "rds", "cloudwatch", "logs", "guardduty", "ec2", "pg", "pglog", "rules" */
	char *region;		/* scope of fleet-wide sources (may be NULL) */
	char *profile;
	int64_t polled_at;	/* when the observations were taken */
	struct m_list covers;	/* instance ids this batch is complete for */
	unsigned complete;	/* bit (1u << kind) for M_STATE kinds given in full */
	struct m_vec kinds[M_KIND_COUNT];
	struct batch_same same[M_KIND_COUNT];
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
/* Names a record of KIND (given in full) as unchanged since the source's
 * previous batch: KEY its m_key_hash, CONTENT its m_content_hash. Its
 * M_POLLTIME fields are the batch's polled_at. */
void batch_same_add(struct batch *b, enum m_kind kind, uint64_t key, uint64_t content);
/* The number of records of every kind (carried; named ones not counted). */
size_t batch_count(const struct batch *b);

/* Whether an existing state record REC of KIND is replaced by B (it falls
 * in B's scope for a kind B gives in full). The one rule shared by the
 * in-memory snapshot and the store. */
int batch_replaces(const struct batch *b, enum m_kind kind, const void *rec);

#endif
