#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xmalloc.h"
#include "panes/series.h"

static int
series_cmp(const void *a, const void *b)
{
	const struct m_metric *x = *(const struct m_metric *const *)a;
	const struct m_metric *y = *(const struct m_metric *const *)b;

	return (x->time > y->time) - (x->time < y->time);
}

void
series_from(struct series *se, const struct m_metric **pick, size_t n)
{
	double sum = 0;

	memset(se, 0, sizeof *se);
	se->min = se->max = se->avg = se->last = NAN;
	if (n > 1)
		qsort(pick, n, sizeof *pick, series_cmp);
	se->t = xcalloc(n + 1, sizeof *se->t);
	se->v = xcalloc(n + 1, sizeof *se->v);
	se->n = se->cap = n;
	for (size_t i = 0; i < n; i++) {
		double v = pick[i]->value;

		se->t[i] = pick[i]->time;
		se->v[i] = v;
		sum += v;
		if (i == 0 || v < se->min)
			se->min = v;
		if (i == 0 || v > se->max)
			se->max = v;
		if (pick[i]->unit != NULL)
			se->unit = pick[i]->unit;
	}
	if (n > 0) {
		se->avg = sum / (double)n;
		se->last = se->v[n - 1];
		se->last_t = se->t[n - 1];
	}
}

void
series_collect(struct series *se, const struct snapshot *s, const char *instance,
    const char *name, int64_t from, int64_t to)
{
	const struct m_metric **pick = NULL;
	size_t n = 0, cap = 0;

	M_VEC_EACH(&s->kinds[M_METRIC], const struct m_metric, m) {
		if (m->instance == NULL || m->name == NULL || isnan(m->value) ||
		    strcmp(m->instance, instance) != 0 || strcmp(m->name, name) != 0 ||
		    m->time < from || m->time > to)
			continue;
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			pick = xreallocarray(pick, cap, sizeof *pick);
		}
		pick[n++] = m;
	}
	series_from(se, pick, n);
	free(pick);
}

void
series_free(struct series *se)
{
	free(se->t);
	free(se->v);
	memset(se, 0, sizeof *se);
}

char *
series_spark(const struct series *se, const struct canvas *c, int64_t from, int64_t to,
    int width, double lo, double hi)
{
	struct buf b = BUF_INIT;
	double span;
	size_t i = 0;

	if (isnan(lo))
		lo = se->min;
	if (isnan(hi))
		hi = se->max;
	span = hi - lo;
	for (int x = 0; x < width; x++) {
		/* Slice x covers [s0, s1); the last one includes TO. */
		int64_t s0 = from + (to - from) * x / width;
		int64_t s1 = from + (to - from) * (x + 1) / width;
		double sum = 0;
		size_t k = 0;

		while (i < se->n && (se->t[i] < s1 || (x == width - 1 && se->t[i] <= to))) {
			if (se->t[i] >= s0) {
				sum += se->v[i];
				k++;
			}
			i++;
		}
		if (k == 0) {
			buf_append_char(&b, ' ');
		} else {
			double mean = sum / (double)k;
			int level = span > 0 ? (int)((mean - lo) / span * 7.0 + 0.5) : 0;

			buf_append_str(&b, canvas_spark(c, level));
		}
	}
	return buf_detach(&b);
}
