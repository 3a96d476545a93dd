/* Text: the dashboard as it was at T, every pane in tab order with its
 * title, drawn by the panes' own code (panes/) on the plain-text canvas
 * (view/textcanvas.c) from the snapshot history gives for T - the same
 * drawing and the same snapshot path as the TUI and its replay, so what
 * is pasted into a review is what the on-call engineer saw. The canvas
 * escapes whatever a remote string holds. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "panes/pane.h"
#include "view/textcanvas.h"

/* One pane, tall enough for every row it has. */
static char *
export_text_pane(const struct pane_ops *ops, const struct snapshot *s, struct pane_env *env,
    const struct export_text_opts *o)
{
	struct pane *p = pane_new(ops);
	/* The rows (and so the height) come first; they need the canvas's
	 * symbols, which a one-cell grid of the same kind gives, as in dash. */
	struct text_canvas *tc = text_canvas_new(1, 1, !o->base.utf8);
	struct canvas_area whole;
	char *text;
	int rows;

	env->canvas = text_canvas_base(tc);
	pane_prepare(p, s, env);
	/* The title, the header, then each row (or the "nothing" line). */
	rows = 2 + (p->table.nshown > 0 ? (int)p->table.nshown : 1);
	text_canvas_free(tc);
	tc = text_canvas_new(rows, o->width, !o->base.utf8);
	env->canvas = text_canvas_base(tc);
	whole = canvas_whole(text_canvas_base(tc));
	pane_draw(p, s, &whole, env);
	text = text_canvas_text(tc);
	env->canvas = NULL;
	text_canvas_free(tc);
	pane_free(p);
	return text;
}

int
export_text_write(FILE *out, struct store *st, const struct export_text_opts *o,
    struct rw_error *err)
{
	struct snapshot s;
	struct pane_env env;
	struct buf b = BUF_INIT;
	char when[40], made[40];
	int rc;

	if (store_snapshot_at(st, o->at, NULL, &s, err) != 0)
		return -1;
	memset(&env, 0, sizeof env);
	env.now = o->at;
	env.rules = o->rules;
	env.instance = o->instance;
	env.user = "export";
	buf_printf(&b, "rdswatch at %s (UTC)\nexported %s by rdswatch %s\n",
	    export_time(o->at, when, sizeof when), export_time(o->base.now, made, sizeof made),
	    PACKAGE_VERSION);
	for (size_t i = 0; pane_table[i] != NULL; i++) {
		char *text = export_text_pane(pane_table[i], &s, &env, o);

		buf_append_str(&b, "\n");
		buf_append_str(&b, text);
		free(text);
	}
	rc = export_flush(out, &b, err);
	buf_free(&b);
	snapshot_free(&s);
	return rc;
}
