#include <config.h>

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "view/canvas.h"
#include "view/freshness.h"

void
freshness_of(const struct m_source_health *h, int64_t now, struct freshness *f)
{
	f->age_ms = h->last_success != 0 ? now - h->last_success : -1;
	if (f->age_ms < -1)
		f->age_ms = 0;
	if (h->ok == 0)
		f->state = FRESH_FAILING;
	else if (h->updating == 1)
		f->state = FRESH_UPDATING;
	else if (h->next_poll != 0 && now > h->next_poll + FRESHNESS_GRACE_MS)
		f->state = FRESH_STALE;
	else if (h->last_success == 0)
		f->state = FRESH_NONE;
	else
		f->state = FRESH_OK;
}

/* Worse states first when ranking. */
static int
freshness_rank(enum freshness_state s)
{
	static const int rank[] = {
		[FRESH_OK] = 0, [FRESH_UPDATING] = 1, [FRESH_NONE] = 2,
		[FRESH_STALE] = 3, [FRESH_FAILING] = 4,
	};

	return rank[s];
}

void
freshness_worst(const struct snapshot *s, const char *source, const char *instance,
    int64_t now, struct freshness *f)
{
	int any = 0;

	f->state = FRESH_NONE;
	f->age_ms = -1;
	M_VEC_EACH(&s->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		struct freshness one;

		if (source != NULL && (h->source == NULL || strcmp(h->source, source) != 0))
			continue;
		/* Fleet-wide sources ("") speak for every instance. */
		if (instance != NULL && h->instance != NULL && h->instance[0] != '\0' &&
		    strcmp(h->instance, instance) != 0)
			continue;
		freshness_of(h, now, &one);
		if (!any || freshness_rank(one.state) > freshness_rank(f->state))
			f->state = one.state;
		if (!any || one.age_ms == -1 || (f->age_ms != -1 && one.age_ms > f->age_ms))
			f->age_ms = one.age_ms;
		any = 1;
	}
}

char *
freshness_describe(const struct freshness *f, char *buf, size_t len)
{
	char age[32];

	/* The age is since the last success: a source that never succeeded
	 * says so ("failing, never ok") rather than giving an age. */
	age[0] = '\0';
	if (f->age_ms >= 0) {
		age[0] = ' ';
		time_format_age(f->age_ms, age + 1, sizeof age - 1);
	}
	switch (f->state) {
	case FRESH_NONE: snprintf(buf, len, "no data"); break;
	case FRESH_OK: snprintf(buf, len, "ok%s", age); break;
	case FRESH_UPDATING: snprintf(buf, len, "updating"); break;
	case FRESH_STALE: snprintf(buf, len, "stale%s", age); break;
	case FRESH_FAILING:
		snprintf(buf, len, "failing%s", f->age_ms >= 0 ? age : ", never ok");
		break;
	}
	return buf;
}

int
freshness_style(enum freshness_state state)
{
	switch (state) {
	case FRESH_OK: return CANVAS_DIM;
	case FRESH_UPDATING: return CANVAS_INFO;
	case FRESH_NONE:
	case FRESH_STALE:
	case FRESH_FAILING: return CANVAS_STALE;
	}
	return CANVAS_NORMAL;
}
