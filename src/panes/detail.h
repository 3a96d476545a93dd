/* A detail view: "label: value" lines about one record, values wrapped
 * to the width of the screen, scrolled as a whole. */
#ifndef RW_PANES_DETAIL_H
#define RW_PANES_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "view/canvas.h"

struct detail_line {
	char *label;	/* NULL: a section heading in VALUE */
	char *value;
	int style;
};

struct detail {
	struct detail_line *v;
	size_t n, cap;
};

void detail_init(struct detail *d);
void detail_free(struct detail *d);
/* A line; VALUE NULL shows "-". */
void detail_add(struct detail *d, const char *label, int style, const char *value);
void detail_addf(struct detail *d, const char *label, int style, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void detail_heading(struct detail *d, const char *text);
/* A time as "2026-11-22T14:05:00Z (5m ago)" or "(in 3d)"; "-" when absent. */
void detail_time(struct detail *d, const char *label, int style, int64_t t, int64_t now);
/* Every field of REC (of type T) as a line, by the field table; times as
 * UTC and their age from NOW. */
void detail_record(struct detail *d, const struct m_type *t, const void *rec, int64_t now);
/* Draws from wrapped line TOP on; returns the number of wrapped lines. */
int detail_draw(const struct detail *d, const struct canvas_area *a, int top);

#endif
