/* Alert rules, as a table: each rule reads the snapshot and emits the
 * alerts that hold now, one per real problem. An alert's key is its rule
 * and subject ("non_tls_session:prod-db:10.0.0.5:app_user"), stable
 * across polls, so history can follow it from opened to resolved. The
 * lifecycle fields are filled afterwards (lifecycle.c). */
#ifndef RW_RULES_ALERTS_H
#define RW_RULES_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "model/records.h"
#include "rules/facts.h"
#include "rules/rules.h"
#include "view/snapshot.h"

struct alert_ctx {
	const struct facts *f;
	const struct snapshot *s;	/* F's snapshot */
	const struct rules_config *cfg;
	int64_t now;
};

struct alert_rule {
	const char *id;
	const char *summary;	/* one line, for rdswatch.conf(5) and help */
	/* Adds struct m_alert records (key, instance, rule, severity, band,
	 * title, detail) to OUT: EVAL from the whole snapshot, or EVAL_EACH
	 * for one instance id (of those with an instance record, server
	 * health or metrics), called for each. */
	void (*eval)(const struct alert_ctx *c, struct m_vec *out);
	void (*eval_each)(const struct alert_ctx *c, struct m_vec *out, const char *instance);
};

extern const struct alert_rule alert_rules[];
extern const size_t alert_rule_count;

const struct alert_rule *alert_rule_find(const char *id);

/* Every enabled rule over the snapshot F indexes, at NOW; OUT holds
 * struct m_alert (initialized by the caller with m_vec_init(out,
 * &m_alert_type)), one per key. */
void alerts_evaluate(const struct facts *f, const struct rules_config *cfg, int64_t now,
    struct m_vec *out);

/* "rule:instance:part:part": ':' and '%' inside parts are written %3A and
 * %25, so distinct subjects never share a key. Newly allocated. */
char *alerts_key(const char *rule, const char *instance, const char *part1, const char *part2);

#endif
