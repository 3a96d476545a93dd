#include <config.h>

#include <string.h>

#include "core/log.h"
#include "rules/alerts.h"
#include "rules/facts.h"
#include "rules/lifecycle.h"
#include "rules/posture.h"
#include "rules/rules.h"

int
rules_severity_rank(const char *severity)
{
	if (severity == NULL)
		return 0;
	if (strcmp(severity, "critical") == 0)
		return 2;
	return strcmp(severity, "warning") == 0;
}

static const struct m_alert *
rules_prev_alert(const struct snapshot *s, const char *key)
{
	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
		if (facts_str_eq(a->key, key))
			return a;
	}
	return NULL;
}

/* The batch speaks for every instance the snapshot knows and every one
 * that has checks or alerts, so the alerts of an instance that went away
 * resolve too; "" holds the fleet-level alerts. */
static void
rules_cover(const struct snapshot *s, struct batch *out)
{
	static const enum m_kind kinds[] = { M_INSTANCE, M_CHECK, M_ALERT };

	batch_cover(out, "");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const struct m_vec *v[2] = { &s->kinds[kinds[k]], &out->kinds[kinds[k]] };

		for (size_t j = 0; j < 2; j++) {
			for (size_t i = 0; i < v[j]->n; i++) {
				const char *id = facts_instance_of(kinds[k], m_vec_at(v[j], i));

				if (id != NULL)
					batch_cover(out, id);
			}
		}
	}
}

void
rules_evaluate(const struct snapshot *s, const struct rules_config *cfg, int64_t now,
    struct batch *out)
{
	rules_evaluate_part(s, cfg, now, RULES_ALL, out);
}

void
rules_evaluate_part(const struct snapshot *s, const struct rules_config *cfg, int64_t now,
    unsigned what, struct batch *out)
{
	struct m_vec fresh;
	struct facts f;

	facts_init(&f, s);
	if (what & RULES_POSTURE)
		posture_evaluate(&f, cfg, now, out);
	m_vec_init(&fresh, &m_alert_type);
	alerts_evaluate(&f, cfg, now, &fresh);
	facts_free(&f);
	M_VEC_EACH(&fresh, struct m_alert, a) {
		lifecycle_carry(a, rules_prev_alert(s, a->key), now);
		m_vec_push_copy(&out->kinds[M_ALERT], a);
	}
	if (log_enabled(LOG_RULES)) {
		M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
			if (m_vec_find_key(&fresh, a) == NULL && !facts_str_eq(a->state, "resolved"))
				log_debug(LOG_RULES, "alert %s resolved", a->key);
		}
	}
	m_vec_free(&fresh);
	rules_cover(s, out);
	if (what & RULES_POSTURE)
		batch_mark_complete(out, M_CHECK);
	batch_mark_complete(out, M_ALERT);
}
