/* Exports: history over a window turned into text an incident review can
 * paste (Markdown), or data (JSON Lines, CSV). Every string in them is
 * already sanitized by the model; the writers add only the escaping
 * their format needs, and neutralize cells a spreadsheet would run as a
 * formula. */
#ifndef RW_EXPORT_EXPORT_H
#define RW_EXPORT_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/history.h"
#include "store/store.h"

/* One kind of exported record: "event", "session", "alert_event", ... */
struct export_type {
	const char *name;
	enum store_item_kind what;
	enum m_kind kind;		/* M_KIND_COUNT for alert events */
	const struct m_type *type;
};

/* Every type, facts first, then state versions, then alert events. */
extern const struct export_type export_types[];
extern const size_t export_ntypes;

const struct export_type *export_type_find(const char *name);
/* The type names, comma-separated, for messages. */
const char *export_type_names(void);
/* Walks the records of type T in Q's window. */
int export_each(struct store *st, const struct export_type *t, const struct store_query *q,
    store_item_fn fn, void *ctx, struct rw_error *err);

struct export_opts {
	struct store_query q;
	int utf8;		/* the locale is UTF-8: block-character sparklines */
	int64_t now;		/* when the export was made */
	const char *history;	/* the history file, for the header */
};

int export_markdown_write(FILE *out, struct store *st, const struct export_opts *o,
    struct rw_error *err);
int export_jsonl_write(FILE *out, struct store *st, const struct export_opts *o,
    struct rw_error *err);
/* One CSV table of type T. */
int export_csv_write(FILE *out, struct store *st, const struct export_opts *o,
    const struct export_type *t, struct rw_error *err);

/* Text (text.c): the dashboard's panes as they were at AT. */
struct rules_config;
struct export_text_opts {
	struct export_opts base;	/* utf8, now; the window is not used */
	int64_t at;
	int width;			/* columns of the grid */
	const char *instance;		/* the chosen instance, or NULL for all */
	const struct rules_config *rules;	/* the panes' highlight thresholds */
};

/* Every pane in tab order, each with its title and all its rows, drawn by
 * the panes' code on a text grid WIDTH columns wide (ASCII unless utf8). */
int export_text_write(FILE *out, struct store *st, const struct export_text_opts *o,
    struct rw_error *err);

/* Cells (cell.c). CSV: RFC 4180 quoting. Markdown: table-cell escaping.
 * Both neutralize a leading = + - @ (and tab, CR) so spreadsheets treat
 * the cell as text, not a formula. */
void export_cell_csv(struct buf *b, const char *text);
void export_cell_markdown(struct buf *b, const char *text);
/* A field's value as text for a cell (times ISO 8601, lists joined with
 * "; ", absent values ""). Newly allocated. */
char *export_cell_value(const struct m_field *f, const void *rec);
/* "2026-11-22T14:05:00Z" (with milliseconds when it has them). */
char *export_time(int64_t ms, char *buf, size_t len);

/* Writes B to OUT; sets ERR on a write error. */
int export_flush(FILE *out, struct buf *b, struct rw_error *err);

#endif
