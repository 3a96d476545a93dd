/* Reading a snapshot the way the rules and the reports need it: the
 * records of one instance, the newest metric sample, a parameter, the
 * Aurora cluster of an instance.
 *
 * A snapshot of a 50-instance fleet holds some 200,000 metric samples;
 * scanning them for every instance and rule would cost more than the
 * rest of an evaluation. struct facts indexes a snapshot once (records
 * grouped by instance) for one evaluation or one report; it borrows the
 * snapshot, which must not change while the index lives. */
#ifndef RW_RULES_FACTS_H
#define RW_RULES_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "view/snapshot.h"

struct facts_slice {
	const void **v;
	size_t n;
	size_t cap;
};

/* The records of one instance id ("" holds fleet-level records). */
struct facts_bucket {
	const char *instance;
	struct facts_slice kinds[M_KIND_COUNT];
};

struct facts {
	const struct snapshot *s;
	struct facts_bucket *buckets;	/* sorted by instance */
	size_t nbuckets;
};

void facts_init(struct facts *f, const struct snapshot *s);
void facts_free(struct facts *f);

/* The records of KIND whose instance is INSTANCE, in snapshot order (an
 * empty slice when there are none); *N gets the count. */
const void *const *facts_of(const struct facts *f, enum m_kind kind, const char *instance,
    size_t *n);

/* Pointers to the records of KIND whose instance is INSTANCE (NULL: all
 * records), sorted with CMP (NULL: key order), ties in key order. *N gets
 * the count; free the array. */
const void **facts_collect(const struct facts *f, enum m_kind kind, const char *instance,
    int (*cmp)(const void *, const void *), size_t *n);

/* The newest sample of NAME for INSTANCE, not after NOW and no older
 * than MAX_AGE before it (0: any age), or NULL. */
const struct m_metric *facts_metric_latest(const struct facts *f, const char *instance,
    const char *name, int64_t now, int64_t max_age);
/* The parameter NAME of INSTANCE from SOURCE ("parameter_group" or
 * "pg_settings") if it has a value, or NULL. */
const struct m_parameter *facts_parameter(const struct facts *f, const char *instance,
    const char *source, const char *name);
const struct m_pg_health *facts_pg_health(const struct facts *f, const char *instance);
/* The account (GuardDuty detector) of I's region and profile, or NULL. */
const struct m_account *facts_account_of(const struct facts *f, const struct m_instance *i);
/* The cluster record of an Aurora member, or NULL. */
const struct m_instance *facts_cluster_of(const struct facts *f, const struct m_instance *i);

/* NULL and "" are the same (fleet-level records use ""). */
int facts_str_eq(const char *a, const char *b);
int facts_is_cluster(const struct m_instance *i);
/* An instance that belongs to an Aurora cluster. */
int facts_is_member(const struct m_instance *i);
int facts_is_aurora(const struct m_instance *i);
/* The instance id of a record of KIND (an instance's own id), or NULL
 * for kinds without one. */
const char *facts_instance_of(enum m_kind kind, const void *rec);
/* "2026-12-12" for a time (BUF >= 11 bytes). */
char *facts_date(int64_t ms, char *buf, size_t len);

#endif
