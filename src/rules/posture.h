/* Security posture checks (domain.md section 7), as a table: each check
 * has an id, the AWS Security Hub control where there is one, a title,
 * the severity of a failure and an evaluator that returns pass, fail or
 * unknown with a one-line reason showing the observed value. Missing
 * data is "unknown", never a pass. */
#ifndef RW_RULES_POSTURE_H
#define RW_RULES_POSTURE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "model/batch.h"
#include "rules/facts.h"
#include "rules/rules.h"
#include "view/snapshot.h"

enum posture_status { POSTURE_PASS, POSTURE_FAIL, POSTURE_UNKNOWN };

/* Where a check's attribute lives, which decides how Aurora reads it. */
enum posture_level {
	/* On each DB instance (or its server). An Aurora cluster record
	 * fails when a member fails, is unknown when one is unknown. */
	POSTURE_INSTANCE,
	/* On the Aurora cluster (encryption, backups, IAM auth, ...): a
	 * member reads its cluster's record; standalone instances their own. */
	POSTURE_CLUSTER,
};

struct posture_ctx {
	const struct facts *f;
	const struct rules_config *cfg;
	int64_t now;
	const struct m_instance *rec;	/* the instance (or cluster) checked */
	const struct m_instance *attrs;	/* where cluster-level attributes are read */
	const struct m_instance *cluster; /* REC's Aurora cluster, or NULL */
};

struct posture_check;
typedef enum posture_status (*posture_eval_fn)(const struct posture_check *chk,
    const struct posture_ctx *c, struct buf *why);

struct posture_check {
	const char *id;
	const char *control;		/* Security Hub control for a DB instance */
	const char *cluster_control;	/* ... for a DB cluster (NULL: CONTROL) */
	const char *title;
	const char *severity;		/* of a failure: critical, high, medium, low */
	enum posture_level level;
	posture_eval_fn eval;
	/* Arguments of the table's generic evaluators. */
	const char *attr;		/* the AWS attribute or parameter reasons name */
	size_t tri_offset;		/* a TRI field of struct m_instance */
	int tri_false_passes;		/* 1: false is the good value */
	int (*judge)(const char *value);	/* a parameter value: 1 good, 0 bad, -1 not understood */
};

extern const struct posture_check posture_checks[];
extern const size_t posture_check_count;

const struct posture_check *posture_check_find(const char *id);
const char *posture_status_name(enum posture_status st);

/* One check for one instance or cluster record of the snapshot F
 * indexes (the Aurora rules above applied); the reason is appended to
 * WHY. */
enum posture_status posture_run(const struct posture_check *chk, const struct facts *f,
    const struct rules_config *cfg, int64_t now, const struct m_instance *rec, struct buf *why);
/* Every enabled check for every instance and cluster, as M_CHECK records
 * added to OUT. */
void posture_evaluate(const struct facts *f, const struct rules_config *cfg, int64_t now,
    struct batch *out);

#endif
