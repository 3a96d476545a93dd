#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "ui/status.h"
#include "view/freshness.h"

#define STATUS_MAX_SEGMENTS 10
#define STATUS_MAX_PROBLEMS 3

struct status_seg {
	char *text;
	int style;
	int drop;	/* dropped in this order when narrow; 0 never */
};

static void
status_add(struct status_seg *v, size_t *n, int style, int drop, char *text)
{
	v[*n].text = text;
	v[*n].style = style;
	v[*n].drop = drop;
	(*n)++;
}

static char *
status_account(const struct status_info *si)
{
	const struct m_vec *acc = &si->snap->kinds[M_ACCOUNT];

	if (acc->n == 1) {
		const struct m_account *a = m_vec_at(acc, 0);

		return xasprintf("%s/%s", a->profile != NULL ? a->profile : "-",
		    a->region != NULL ? a->region : "-");
	}
	if (acc->n > 1)
		return xasprintf("%zu accounts", acc->n);
	return xasprintf("%s/%s", si->profile != NULL ? si->profile : "default",
	    si->region != NULL ? si->region : "no region");
}

/* Source health: "updating", then the failing and stale ones with their
 * age (fleet-wide sources first: each of them blinds every instance), or
 * "sources ok". Returns the style of the worst. */
static char *
status_sources(const struct status_info *si, int *style)
{
	struct buf b = BUF_INIT;
	size_t total = 0, updating = 0, problems = 0, shown = 0;
	/* Ages as they were at the moment replayed. */
	int64_t at = si->replay_at != 0 ? si->replay_at : si->now;

	*style = CANVAS_DIM;
	M_VEC_EACH(&si->snap->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		struct freshness f;

		total++;
		freshness_of(h, at, &f);
		if (f.state == FRESH_UPDATING)
			updating++;
		if (f.state == FRESH_STALE || f.state == FRESH_FAILING || f.state == FRESH_NONE)
			problems++;
	}
	if (total == 0) {
		*style = CANVAS_STALE;
		return xstrdup("no sources");
	}
	if (updating > 0) {
		buf_append_str(&b, "updating");
		*style = CANVAS_INFO;
	}
	for (int fleet = 1; fleet >= 0 && shown <= STATUS_MAX_PROBLEMS; fleet--) {
		M_VEC_EACH(&si->snap->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
			struct freshness f;
			char desc[48];

			if ((h->instance == NULL || h->instance[0] == '\0') != fleet)
				continue;
			freshness_of(h, at, &f);
			if (f.state != FRESH_STALE && f.state != FRESH_FAILING && f.state != FRESH_NONE)
				continue;
			*style = CANVAS_STALE;
			if (shown++ == STATUS_MAX_PROBLEMS) {
				buf_printf(&b, " +%zu more", problems - STATUS_MAX_PROBLEMS);
				break;
			}
			buf_printf(&b, "%s%s%s%s %s", b.len > 0 ? ", " : "",
			    h->source != NULL ? h->source : "?", fleet ? "" : ":",
			    fleet ? "" : h->instance, freshness_describe(&f, desc, sizeof desc));
		}
	}
	if (b.len == 0)
		buf_append_str(&b, "sources ok");
	return buf_detach(&b);
}

/* What CloudWatch polling costs a month, as the sources estimate it, or
 * NULL when nothing is billed. */
static char *
status_cost(const struct status_info *si)
{
	double usd = 0;

	M_VEC_EACH(&si->snap->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		if (isfinite(h->est_monthly_usd) && h->est_monthly_usd > 0)
			usd += h->est_monthly_usd;
	}
	return usd > 0 ? xasprintf("CloudWatch ~$%.0f/mo", usd) : NULL;
}

static char *
status_local_time(int64_t now)
{
	time_t t = (time_t)(now / 1000);
	struct tm local;
	char buf[48];

	if (localtime_r(&t, &local) == NULL || local.tm_gmtoff == 0)
		return NULL;	/* local time is UTC: said once is enough */
	strftime(buf, sizeof buf, "%H:%M %Z", &local);
	return xstrdup(buf);
}

void
status_draw(const struct canvas_area *a, int row, const struct status_info *si)
{
	struct status_seg seg[STATUS_MAX_SEGMENTS];
	size_t n = 0;
	char iso[32], age[32], *local;
	int total, right, x, style;
	size_t first_clock;

	status_add(seg, &n, CANVAS_HEADER, 3, status_account(si));
	if (si->replay_at != 0) {
		time_format_iso8601(si->replay_at, iso, sizeof iso);
		status_add(seg, &n, CANVAS_INFO, 0, xasprintf("replay at %.10s %.8s UTC%s", iso,
		    iso + 11, si->reading ? " reading history..." : ""));
	} else if (si->paused)
		status_add(seg, &n, CANVAS_WARNING, 0, xstrdup("PAUSED"));
	else
		status_add(seg, &n, CANVAS_OK, 0, xstrdup("LIVE"));
	/* The feed's own word ("from history, 12m old", "discovering..."):
	 * before the sources, never dropped, cut at its end when narrow. */
	if (si->note != NULL)
		status_add(seg, &n, si->note_style, 0, xstrdup(si->note));
	status_add(seg, &n, 0, 0, status_sources(si, &style));
	seg[n - 1].style = style;
	status_add(seg, &n, CANVAS_DIM, 2, xasprintf("%s %s",
	    si->replay_at != 0 ? "steps of" : "every", time_format_age(si->refresh_ms, age, sizeof age)));
	status_add(seg, &n, CANVAS_DIM, 4, status_cost(si));
	time_format_iso8601(si->now, iso, sizeof iso);
	first_clock = n;
	status_add(seg, &n, CANVAS_NORMAL, 0, xasprintf("%.8s UTC", iso + 11));
	local = status_local_time(si->now);
	if (local != NULL)
		status_add(seg, &n, CANVAS_DIM, 1, local);

	/* Drop the least needed until the line fits. */
	for (;;) {
		size_t worst = n;

		total = 1;
		for (size_t i = 0; i < n; i++) {
			if (seg[i].text != NULL)
				total += canvas_width(a->c, seg[i].text, -1) + 2;
		}
		if (total <= a->cols)
			break;
		for (size_t i = 0; i < n; i++) {
			if (seg[i].text != NULL && seg[i].drop > 0 &&
			    (worst == n || seg[i].drop > seg[worst].drop))
				worst = i;
		}
		if (worst == n)
			break;
		free(seg[worst].text);
		seg[worst].text = NULL;
	}
	/* The clocks (the segments from FIRST_CLOCK on) go to the right. */
	right = 0;
	for (size_t i = first_clock; i < n; i++) {
		if (seg[i].text != NULL)
			right += canvas_width(a->c, seg[i].text, -1) + 2;
	}
	canvas_fill(a, row, 0, -1, CANVAS_HEADER);
	x = 1;
	for (size_t i = 0; i < n; i++) {
		int limit;

		if (seg[i].text == NULL)
			continue;
		if (i == first_clock && a->cols - right > x)
			x = a->cols - right;
		limit = i < first_clock ? a->cols - right - x : -1;
		if (i < first_clock && limit <= 0)
			continue;
		x += canvas_put(a, row, x, limit, seg[i].style, seg[i].text) + 2;
	}
	for (size_t i = 0; i < n; i++)
		free(seg[i].text);
}
