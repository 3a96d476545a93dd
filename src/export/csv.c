/* CSV (RFC 4180): one record type per table, a header row of field names
 * ("valid_from" and "valid_to" first for state versions), CRLF line
 * ends, every text cell quoted and neutralized against formulas. */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include "export/export.h"

struct export_csv {
	FILE *out;
	const struct export_type *t;
	struct buf b;
	struct rw_error *err;
};

static void
export_csv_text(struct buf *b, const char *text, int first)
{
	if (!first)
		buf_append_char(b, ',');
	export_cell_csv(b, text);
}

static void
export_csv_plain(struct buf *b, const char *text, int first)
{
	if (!first)
		buf_append_char(b, ',');
	buf_append_str(b, text);
}

static void
export_csv_header(struct export_csv *x)
{
	int first = 1;

	if (x->t->what == STORE_ITEM_VERSION) {
		export_csv_plain(&x->b, "valid_from,valid_to", 1);
		first = 0;
	}
	for (size_t i = 0; i < x->t->type->nfields; i++) {
		export_csv_plain(&x->b, x->t->type->fields[i].name, first);
		first = 0;
	}
	if (x->t->what == STORE_ITEM_AGGREGATE)
		export_csv_plain(&x->b, "min,max,samples", 0);
	buf_append_str(&x->b, "\r\n");
}

static void
export_csv_number(struct buf *b, double v)
{
	buf_append_char(b, ',');
	if (isfinite(v))
		buf_printf(b, "%.15g", v);
}

static int
export_csv_item(void *ctx, const struct store_item *it)
{
	struct export_csv *x = ctx;
	int first = 1;
	char when[32];

	if (it->what == STORE_ITEM_VERSION) {
		export_csv_plain(&x->b, export_time(it->time, when, sizeof when), 1);
		export_csv_plain(&x->b, it->until != 0 ? export_time(it->until, when, sizeof when) : "", 0);
		first = 0;
	}
	for (size_t i = 0; i < it->type->nfields; i++) {
		const struct m_field *f = &it->type->fields[i];
		char *v = export_cell_value(f, it->rec);

		/* Text is quoted (and neutralized); numbers and times are not
		 * text a spreadsheet could take for a formula. */
		if (f->type == M_STR || f->type == M_LIST)
			export_csv_text(&x->b, v, first);
		else
			export_csv_plain(&x->b, v, first);
		free(v);
		first = 0;
	}
	if (it->what == STORE_ITEM_AGGREGATE) {
		export_csv_number(&x->b, it->min);
		export_csv_number(&x->b, it->max);
		buf_printf(&x->b, ",%u", it->samples);
	}
	buf_append_str(&x->b, "\r\n");
	return x->b.len >= 1 << 16 ? export_flush(x->out, &x->b, x->err) : 0;
}

int
export_csv_write(FILE *out, struct store *st, const struct export_opts *o,
    const struct export_type *t, struct rw_error *err)
{
	struct export_csv x = { out, t, BUF_INIT, err };
	int rc;

	export_csv_header(&x);
	rc = export_each(st, t, &o->q, export_csv_item, &x, err);
	if (rc == 0)
		rc = export_flush(out, &x.b, err);
	buf_free(&x.b);
	return rc != 0 ? -1 : 0;
}
