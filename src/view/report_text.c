/* The `once --format text` report: what an on-call engineer reads in an
 * 80-column terminal. A header with the counts, a line per failing
 * source, the fleet's alerts, then per instance its worst alerts, its
 * failing checks, session counts, recent failed logins and its backup and
 * patch state. Every line is cut to the width. */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "rules/facts.h"
#include "rules/rules.h"
#include "view/report.h"

#define REPORT_TEXT_MAX_ALERTS 5
#define REPORT_TEXT_MAX_CHECKS 5

/* Appends one line of at most WIDTH columns (a UTF-8 sequence counts as
 * one column: the model's strings are sanitized, printable text). */
static void
report_line(struct buf *out, int width, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
report_line(struct buf *out, int width, const char *fmt, ...)
{
	struct buf line = BUF_INIT;
	va_list ap;
	size_t cols = 0, cut = 0, i;
	const char *p;

	va_start(ap, fmt);
	buf_vprintf(&line, fmt, ap);
	va_end(ap);
	p = buf_str(&line);
	for (i = 0; p[i] != '\0'; i++) {
		if (((unsigned char)p[i] & 0xc0) == 0x80)
			continue;	/* a continuation byte */
		if (cols == (size_t)width - 3)
			cut = i;
		if (++cols > (size_t)width)
			break;
	}
	if (cols > (size_t)width) {
		buf_append(out, p, cut);
		buf_append_str(out, "...");
	} else {
		buf_append_str(out, p);
	}
	buf_append_char(out, '\n');
	buf_free(&line);
}

static const char *
report_tag(const char *severity)
{
	static const char *const tags[] = { "INFO", "WARN", "CRIT" };

	return tags[rules_severity_rank(severity)];
}

static int
report_check_rank(const struct m_check *c)
{
	static const char *const order[] = { "low", "medium", "high", "critical" };

	for (int i = 0; i < 4; i++) {
		if (facts_str_eq(c->severity, order[i]))
			return i;
	}
	return -1;
}

static int
report_cmp_check(const void *a, const void *b)
{
	return report_check_rank(b) - report_check_rank(a);
}

static void
report_text_alerts(struct buf *out, int width, const struct facts *fx, const char *instance,
    const char *indent)
{
	size_t n;
	const void **v = facts_collect(fx, M_ALERT, instance, report_alert_cmp, &n);

	for (size_t i = 0; i < n && i < REPORT_TEXT_MAX_ALERTS; i++) {
		const struct m_alert *a = v[i];
		const char *state = facts_str_eq(a->state, "acknowledged") ? " (acked)"
		    : facts_str_eq(a->state, "snoozed") ? " (snoozed)" : "";

		/* The detail says it all (the title is for lists). */
		report_line(out, width, "%s%s%s %s", indent, report_tag(a->severity), state,
		    a->detail != NULL ? a->detail : a->title != NULL ? a->title : a->rule);
	}
	if (n > REPORT_TEXT_MAX_ALERTS)
		report_line(out, width, "%s(+%zu more alerts)", indent, n - REPORT_TEXT_MAX_ALERTS);
	free(v);
}

static void
report_text_checks(struct buf *out, int width, const struct facts *fx, const char *instance)
{
	size_t n, shown = 0, fail = 0, unknown = 0;
	const void **v = facts_collect(fx, M_CHECK, instance, report_cmp_check, &n);

	for (size_t i = 0; i < n; i++) {
		const struct m_check *c = v[i];

		if (facts_str_eq(c->status, "unknown"))
			unknown++;
		if (!facts_str_eq(c->status, "fail"))
			continue;
		fail++;
		if (shown++ < REPORT_TEXT_MAX_CHECKS)
			report_line(out, width, "  FAIL %s%s%s%s: %s", c->control != NULL ? "[" : "",
			    c->control != NULL ? c->control : "", c->control != NULL ? "] " : "",
			    c->title != NULL ? c->title : c->check_id, c->reason != NULL ? c->reason : "");
	}
	if (n > 0)
		report_line(out, width, "  checks: %zu pass, %zu fail, %zu unknown%s", n - fail - unknown,
		    fail, unknown, fail > REPORT_TEXT_MAX_CHECKS ? " (worst shown)" : "");
	free(v);
}

static void
report_text_sessions(struct buf *out, int width, const struct facts *fx, const char *id)
{
	size_t total, plain = 0, super = 0, failed = 0, nf;
	const void *const *sessions = facts_of(fx, M_SESSION, id, &total);
	const void *const *logins = facts_of(fx, M_FAILED_LOGIN, id, &nf);
	int seen = total > 0 || facts_pg_health(fx, id) != NULL;
	int64_t at = fx->s->at;

	for (size_t k = 0; k < total; k++) {
		const struct m_session *x = sessions[k];

		plain += x->ssl == 0;
		super += x->superuser == 1;
	}
	for (size_t k = 0; k < nf; k++) {
		const struct m_failed_login *f = logins[k];

		failed += f->time > at - TIME_HOUR && f->time <= at;
	}
	if (seen)
		report_line(out, width, "  sessions %zu: %zu without TLS, %zu superuser; failed logins 1h: %zu",
		    total, plain, super, failed);
	else
		report_line(out, width, "  sessions: not observed; failed logins 1h: %zu", failed);
}

static void
report_text_backup(struct buf *out, int width, const struct facts *fx,
    const struct m_instance *i)
{
	const struct m_instance *a = facts_is_member(i) ? facts_cluster_of(fx, i) : i;
	struct buf line = BUF_INIT;
	char age[16];

	if (a == NULL) {
		report_line(out, width, "  backup: cluster %s not observed", i->cluster_id);
		return;
	}
	if (a->backup_retention_days == M_INT_NONE)
		buf_append_str(&line, "not reported");
	else if (a->backup_retention_days == 0)
		buf_append_str(&line, "OFF (retention 0)");
	else
		buf_printf(&line, "retention %lldd", (long long)a->backup_retention_days);
	if (a->latest_restorable_time != 0)
		buf_printf(&line, ", restorable %s ago",
		    time_format_age(fx->s->at - a->latest_restorable_time, age, sizeof age));
	if (a->newest_automated_snapshot != 0)
		buf_printf(&line, ", snapshot %s ago",
		    time_format_age(fx->s->at - a->newest_automated_snapshot, age, sizeof age));
	report_line(out, width, "  backup: %s%s", facts_is_member(i) ? "(cluster) " : "",
	    buf_str(&line));
	buf_free(&line);
}

static void
report_text_patch(struct buf *out, int width, const struct facts *fx,
    const struct m_instance *i)
{
	struct buf line = BUF_INIT;
	size_t pending = 0, n;
	const void **v;

	buf_printf(&line, "%s %s", i->engine != NULL ? i->engine : "engine",
	    i->engine_version != NULL ? i->engine_version : "?");
	if (i->newer_minor_versions.n > 0) {
		char *newer = m_list_join(&i->newer_minor_versions, ", ");

		buf_printf(&line, " (newer: %s)", newer);
		free(newer);
	}
	v = facts_collect(fx, M_MAINTENANCE, i->id, NULL, &n);
	for (size_t k = 0; k < n; k++) {
		const struct m_maintenance *m = v[k];
		char date[16];

		if (pending++ == 0)
			buf_append_str(&line, "; pending:");
		buf_printf(&line, " %s", m->action != NULL ? m->action : "action");
		if (m->forced_apply_date != 0)
			buf_printf(&line, " forced %s", facts_date(m->forced_apply_date, date, sizeof date));
		else if (m->auto_applied_after != 0)
			buf_printf(&line, " auto %s", facts_date(m->auto_applied_after, date, sizeof date));
	}
	free(v);
	if (pending == 0 && i->observed_at != 0)
		buf_append_str(&line, "; no pending maintenance");
	report_line(out, width, "  patch: %s", buf_str(&line));
	buf_free(&line);
}

static void
report_text_instance(struct buf *out, int width, const struct facts *fx, const char *id)
{
	const struct m_instance *i = snapshot_instance(fx->s, id);

	buf_append_char(out, '\n');
	if (i == NULL) {
		report_line(out, width, "%s (not in the RDS inventory)", id);
	} else {
		report_line(out, width, "%s  %s %s  %s%s%s", id, i->engine != NULL ? i->engine : "?",
		    i->engine_version != NULL ? i->engine_version : "?",
		    i->status != NULL ? i->status : "status unknown", i->role != NULL ? "  " : "",
		    i->role != NULL ? i->role : "");
	}
	report_text_alerts(out, width, fx, id, "  ");
	report_text_checks(out, width, fx, id);
	if (i == NULL || !facts_is_cluster(i))
		report_text_sessions(out, width, fx, id);
	if (i != NULL) {
		report_text_backup(out, width, fx, i);
		report_text_patch(out, width, fx, i);
	}
}

char *
report_text(const struct snapshot *s, int width)
{
	struct buf out = BUF_INIT;
	size_t sev[3] = { 0, 0, 0 }, failed = 0, n, instances = 0;
	const void **sources;
	char when[32];
	struct facts index, *fx = &index;

	facts_init(fx, s);

	if (width < 40)
		width = 40;
	M_VEC_EACH(&fx->s->kinds[M_ALERT], const struct m_alert, a)
		sev[rules_severity_rank(a->severity)]++;
	for (size_t i = 0; i < fx->nbuckets; i++)
		instances += *fx->buckets[i].instance != '\0';
	sources = facts_collect(fx, M_SOURCE_HEALTH, NULL, NULL, &n);
	for (size_t i = 0; i < n; i++)
		failed += ((const struct m_source_health *)sources[i])->ok == 0;
	report_line(&out, width, "%s  %zu instances  %zu critical  %zu warning  %zu/%zu sources failed",
	    time_format_iso8601(fx->s->at, when, sizeof when), instances, sev[2], sev[1], failed, n);
	for (size_t i = 0; i < n; i++) {
		const struct m_source_health *h = sources[i];
		char *err;

		if (h->ok != 0)
			continue;
		err = report_source_error(h);
		report_line(&out, width, "SOURCE %s%s%s failed: %s", h->source,
		    h->instance != NULL && *h->instance != '\0' ? " " : "",
		    h->instance != NULL ? h->instance : "", err);
		free(err);
	}
	free(sources);
	report_text_alerts(&out, width, fx, "", "");
	for (size_t i = 0; i < fx->nbuckets; i++) {
		if (*fx->buckets[i].instance != '\0')
			report_text_instance(&out, width, fx, fx->buckets[i].instance);
	}
	facts_free(fx);
	return buf_detach(&out);
}
