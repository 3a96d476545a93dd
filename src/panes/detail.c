#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "panes/detail.h"

#define DETAIL_LABEL_WIDTH 20

void
detail_init(struct detail *d)
{
	memset(d, 0, sizeof *d);
}

void
detail_free(struct detail *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].label);
		free(d->v[i].value);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}

static void
detail_push(struct detail *d, char *label, int style, char *value)
{
	if (d->n == d->cap) {
		d->cap = d->cap != 0 ? d->cap * 2 : 16;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	d->v[d->n].label = label;
	d->v[d->n].value = value;
	d->v[d->n].style = style;
	d->n++;
}

void
detail_add(struct detail *d, const char *label, int style, const char *value)
{
	detail_push(d, xstrdup(label), style, xstrdup(value != NULL && value[0] != '\0' ? value : "-"));
}

void
detail_addf(struct detail *d, const char *label, int style, const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = xvasprintf(fmt, ap);
	va_end(ap);
	detail_push(d, xstrdup(label), style, v);
}

void
detail_heading(struct detail *d, const char *text)
{
	detail_push(d, NULL, CANVAS_HEADER, xstrdup(text));
}

int
detail_draw(const struct detail *d, const struct canvas_area *a, int top)
{
	int line = 0, vcol = DETAIL_LABEL_WIDTH + 2;
	int vwidth = a->cols - vcol;

	if (vwidth < 10) {
		vcol = 0;
		vwidth = a->cols;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct detail_line *l = &d->v[i];
		const char *p = l->value;

		if (l->label == NULL) {
			if (line - top >= 0 && line - top < a->rows)
				canvas_put(a, line - top, 0, -1, l->style | CANVAS_PAD, p);
			line++;
			continue;
		}
		/* Narrow: the label on a line of its own. */
		if (line - top >= 0 && line - top < a->rows)
			canvas_put(a, line - top, 0, vcol > 0 ? DETAIL_LABEL_WIDTH : -1, CANVAS_DIM,
			    l->label);
		if (vcol == 0)
			line++;
		/* The value wraps; each piece on its own line. */
		do {
			size_t n = canvas_fit(a->c, p, vwidth);
			char *piece = xstrndup(p, n);

			if (line - top >= 0 && line - top < a->rows)
				canvas_put(a, line - top, vcol, vwidth, l->style, piece);
			free(piece);
			p += n;
			line++;
		} while (*p != '\0');
	}
	return line;
}

void
detail_time(struct detail *d, const char *label, int style, int64_t t, int64_t now)
{
	char iso[32], age[32];

	if (t == 0) {
		detail_add(d, label, style, NULL);
		return;
	}
	time_format_iso8601(t, iso, sizeof iso);
	if (t > now) {
		time_format_age(t - now, age, sizeof age);
		detail_addf(d, label, style, "%s (in %s)", iso, age);
	} else {
		time_format_age(now - t, age, sizeof age);
		detail_addf(d, label, style, "%s (%s ago)", iso, age);
	}
}

void
detail_record(struct detail *d, const struct m_type *t, const void *rec, int64_t now)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];
		const void *v = m_field_cptr(f, rec);

		switch (f->type) {
		case M_STR:
			detail_add(d, f->name, 0, *(char *const *)v);
			break;
		case M_INT:
			if (*(const int64_t *)v == M_INT_NONE)
				detail_add(d, f->name, 0, NULL);
			else
				detail_addf(d, f->name, 0, "%lld", (long long)*(const int64_t *)v);
			break;
		case M_DBL:
			if (isnan(*(const double *)v))
				detail_add(d, f->name, 0, NULL);
			else
				detail_addf(d, f->name, 0, "%g", *(const double *)v);
			break;
		case M_TRI:
			detail_add(d, f->name, 0, *(const int *)v == M_TRI_UNKNOWN ? "unknown" :
			    *(const int *)v ? "yes" : "no");
			break;
		case M_TIME:
			detail_time(d, f->name, 0, *(const int64_t *)v, now);
			break;
		case M_LIST: {
			char *j = m_list_join((const struct m_list *)v, ", ");

			detail_add(d, f->name, 0, j);
			free(j);
			break;
		}
		}
	}
}
