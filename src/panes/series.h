/* One metric of one instance over a window of a snapshot, with its
 * summary and a sparkline, for the Metrics and Overview panes. */
#ifndef RW_PANES_SERIES_H
#define RW_PANES_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "view/canvas.h"
#include "view/snapshot.h"

struct series {
	int64_t *t;
	double *v;
	size_t n, cap;
	const char *unit;	/* the snapshot's string */
	double min, max, avg, last;
	int64_t last_t;
};

/* The samples of NAME for INSTANCE with FROM <= time <= TO, in time order. */
void series_collect(struct series *se, const struct snapshot *s, const char *instance,
    const char *name, int64_t from, int64_t to);
/* The series of samples PICK[0..N) already chosen by the caller (PICK is
 * sorted by time here): for panes that group many series in one pass. */
void series_from(struct series *se, const struct m_metric **pick, size_t n);
void series_free(struct series *se);
/* WIDTH cells, one per slice of [FROM, TO], each the level of the slice's
 * mean between LO and HI (NAN: the series' own min and max); a slice with
 * no sample is a space. Newly allocated. */
char *series_spark(const struct series *se, const struct canvas *c, int64_t from, int64_t to,
    int width, double lo, double hi);

#endif
