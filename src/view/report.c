#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "rules/facts.h"
#include "rules/rules.h"
#include "view/report.h"

int
report_fail_on_parse(const char *s, enum report_fail_on *out)
{
	if (s != NULL && strcmp(s, "warning") == 0)
		*out = REPORT_FAIL_ON_WARNING;
	else if (s != NULL && strcmp(s, "critical") == 0)
		*out = REPORT_FAIL_ON_CRITICAL;
	else
		return -1;
	return 0;
}

int
report_exit_code(const struct snapshot *s, enum report_fail_on fail_on)
{
	int worst = 0, source_failed = 0;

	M_VEC_EACH(&s->kinds[M_ALERT], const struct m_alert, a) {
		int r = rules_severity_rank(a->severity);

		if (!facts_str_eq(a->state, "resolved") && r > worst)
			worst = r;
	}
	M_VEC_EACH(&s->kinds[M_SOURCE_HEALTH], const struct m_source_health, h)
		source_failed |= h->ok == 0;
	if (worst >= 2)
		return REPORT_EXIT_CRITICAL;
	if (source_failed)
		return REPORT_EXIT_SOURCE_FAILED;
	if (worst == 1 && fail_on == REPORT_FAIL_ON_WARNING)
		return REPORT_EXIT_WARNING;
	return REPORT_EXIT_OK;
}

int
report_alert_cmp(const void *a, const void *b)
{
	const struct m_alert *x = a, *y = b;
	int64_t xb = x->band != M_INT_NONE ? x->band : 0, yb = y->band != M_INT_NONE ? y->band : 0;
	int c = rules_severity_rank(y->severity) - rules_severity_rank(x->severity);

	if (c == 0)
		c = (yb > xb) - (yb < xb);
	if (c == 0)
		c = (x->opened_at > y->opened_at) - (x->opened_at < y->opened_at);
	return c;
}

char *
report_source_error(const struct m_source_health *h)
{
	struct buf b = BUF_INIT;

	if (h->error_code != NULL)
		buf_append_str(&b, h->error_code);
	if (h->error_http_status != M_INT_NONE && h->error_http_status > 0)
		buf_printf(&b, "%sHTTP %lld", b.len ? " " : "", (long long)h->error_http_status);
	if (h->error_message != NULL)
		buf_printf(&b, "%s%s", b.len ? ": " : "", h->error_message);
	if (b.len == 0 && h->error_kind != NULL)
		buf_append_str(&b, h->error_kind);
	if (b.len > 0 && (h->error_service != NULL || h->error_operation != NULL))
		buf_printf(&b, " (%s%s%s)", h->error_service != NULL ? h->error_service : "",
		    h->error_service != NULL && h->error_operation != NULL ? " " : "",
		    h->error_operation != NULL ? h->error_operation : "");
	if (h->missing_action != NULL)
		buf_printf(&b, "%sIAM action needed: %s", b.len ? "; " : "", h->missing_action);
	if (b.len == 0 && h->ok == 0)
		buf_append_str(&b, "failed");
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}
