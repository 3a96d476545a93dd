/* Reading a snapshot the way the rules and the reports need it: the
 * Aurora cluster of an instance, the newest metric sample, a parameter,
 * the records of one instance in a stable order. */
#ifndef RW_RULES_FACTS_H
#define RW_RULES_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "view/snapshot.h"

/* NULL and "" are the same (fleet-level records use ""). */
int facts_str_eq(const char *a, const char *b);
int facts_is_cluster(const struct m_instance *i);
/* An instance that belongs to an Aurora cluster. */
int facts_is_member(const struct m_instance *i);
int facts_is_aurora(const struct m_instance *i);
/* The cluster record of a member, or NULL. */
const struct m_instance *facts_cluster_of(const struct snapshot *s, const struct m_instance *i);

/* The newest sample of NAME for INSTANCE no older than MAX_AGE before
 * NOW (MAX_AGE 0: any age), or NULL. */
const struct m_metric *facts_metric_latest(const struct snapshot *s, const char *instance,
    const char *name, int64_t now, int64_t max_age);
/* The parameter NAME of INSTANCE from SOURCE ("parameter_group" or
 * "pg_settings") if it has a value, or NULL. */
const struct m_parameter *facts_parameter(const struct snapshot *s, const char *instance,
    const char *source, const char *name);
const struct m_pg_health *facts_pg_health(const struct snapshot *s, const char *instance);
/* The account (GuardDuty detector) of INSTANCE's region and profile. */
const struct m_account *facts_account_of(const struct snapshot *s, const struct m_instance *i);

/* Pointers to the records of KIND whose instance is INSTANCE (NULL: all
 * records), sorted with CMP (NULL: key order). *N gets the count; free
 * the array. */
const void **facts_collect(const struct snapshot *s, enum m_kind kind, const char *instance,
    int (*cmp)(const void *, const void *), size_t *n);
/* The instance id of a record of KIND, or NULL for kinds without one. */
const char *facts_instance_of(enum m_kind kind, const void *rec);

/* "2026-12-12" for a time (BUF >= 11 bytes). */
char *facts_date(int64_t ms, char *buf, size_t len);

#endif
