#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xmalloc.h"
#include "panes/pane.h"
#include "view/freshness.h"

const struct pane_ops *const pane_table[] = {
	&pane_overview_ops,
	&pane_alerts_ops,
	&pane_sessions_ops,
	&pane_logins_ops,
	&pane_events_ops,
	&pane_findings_ops,
	&pane_backup_ops,
	&pane_posture_ops,
	&pane_metrics_ops,
	&pane_health_ops,
	NULL,
};

struct pane *
pane_new(const struct pane_ops *ops)
{
	struct pane *p = xcalloc(1, sizeof *p);

	p->ops = ops;
	table_init(&p->table, ops->cols, ops->ncols, ops->sort_col, ops->sort_reverse);
	return p;
}

void
pane_free(struct pane *p)
{
	if (p == NULL)
		return;
	if (p->ops->free_priv != NULL)
		p->ops->free_priv(p->priv);
	table_free(&p->table);
	free(p->pending_key);
	free(p->subject);
	free(p);
}

int
pane_instance_ok(const struct pane_env *env, const char *rec_instance)
{
	return env->instance == NULL ||
	    (rec_instance != NULL && strcmp(env->instance, rec_instance) == 0);
}

void
pane_prepare(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	table_clear(&p->table);
	p->ops->rows(p, s, env);
	table_finish(&p->table);
}

static void
pane_draw_title(struct pane *p, const struct snapshot *s, const struct canvas_area *a,
    const struct pane_env *env)
{
	struct buf b = BUF_INIT;
	const char *mode = p->ops->mode_name != NULL ? p->ops->mode_name(p) : NULL;
	int x;

	x = canvas_put(a, 0, 0, -1, CANVAS_NORMAL, p->ops->title);
	if (mode != NULL)
		buf_printf(&b, "  [%s]", mode);
	if (p->subject != NULL)
		buf_printf(&b, "  %s", p->subject);
	else if (env->instance != NULL)
		buf_printf(&b, "  instance %s", env->instance);
	if (p->table.filter != NULL)
		buf_printf(&b, "  filter /%s/", p->table.filter);
	buf_printf(&b, "  %zu of %zu", p->table.nshown, p->table.n);
	x += canvas_put(a, 0, x, -1, CANVAS_DIM, buf_str(&b));
	buf_free(&b);

	if (p->ops->source != NULL) {
		struct freshness f;
		char what[48], text[80];
		int w;

		freshness_worst(s, p->ops->source, env->instance, env->now, &f);
		snprintf(text, sizeof text, " %s %s", p->ops->source,
		    freshness_describe(&f, what, sizeof what));
		w = canvas_width(a->c, text, -1);
		if (x + w <= a->cols)
			canvas_put(a, 0, a->cols - w, w, freshness_style(f.state), text);
	}
}

void
pane_draw(struct pane *p, const struct snapshot *s, const struct canvas_area *a,
    const struct pane_env *env)
{
	struct canvas_area body;
	const struct table_row *sel;

	if (a->rows < 2)
		return;
	if (a->cols != p->table.layout_cols)
		table_layout(&p->table, a->cols);
	pane_prepare(p, s, env);
	pane_draw_title(p, s, a, env);
	body = canvas_sub(a, 1, 0, a->rows - 1, a->cols);
	sel = table_selected(&p->table);
	if (p->detail && sel != NULL && p->ops->detail != NULL) {
		struct detail d;

		detail_init(&d);
		p->ops->detail(p, sel, s, env, &d);
		p->detail_page = body.rows;
		p->detail_lines = detail_draw(&d, &body, p->detail_top);
		if (p->detail_top > 0 && p->detail_top >= p->detail_lines) {
			p->detail_top = p->detail_lines > 0 ? p->detail_lines - 1 : 0;
			canvas_fill(&body, 0, 0, -1, CANVAS_NORMAL);
		}
		detail_free(&d);
		return;
	}
	p->detail = 0;
	table_draw(&p->table, &body, p->ops->empty);
}

static int
pane_detail_scroll(struct pane *p, enum pane_action act)
{
	int page = p->detail_page > 1 ? p->detail_page - 1 : 1;
	int last = p->detail_lines > p->detail_page ? p->detail_lines - p->detail_page : 0;

	switch (act) {
	case PA_UP: p->detail_top--; break;
	case PA_DOWN: p->detail_top++; break;
	case PA_PAGE_UP: p->detail_top -= page; break;
	case PA_PAGE_DOWN: p->detail_top += page; break;
	case PA_TOP: p->detail_top = 0; break;
	case PA_BOTTOM: p->detail_top = last; break;
	default: return 0;
	}
	if (p->detail_top > last)
		p->detail_top = last;
	if (p->detail_top < 0)
		p->detail_top = 0;
	return 1;
}

int
pane_handle(struct pane *p, enum pane_action act, const struct snapshot *s,
    const struct pane_env *env)
{
	struct table *t = &p->table;

	pane_prepare(p, s, env);
	if (p->detail) {
		if (act == PA_CLOSE) {
			p->detail = 0;
			return 1;
		}
		if (pane_detail_scroll(p, act))
			return 1;
		return p->ops->action != NULL && p->ops->action(p, act, s, env);
	}
	switch (act) {
	case PA_UP: table_move(t, -1); return 1;
	case PA_DOWN: table_move(t, 1); return 1;
	case PA_PAGE_UP: table_move(t, -(long)t->page); return 1;
	case PA_PAGE_DOWN: table_move(t, t->page); return 1;
	case PA_TOP: table_move_to(t, 0); return 1;
	case PA_BOTTOM: table_move_to(t, t->nshown > 0 ? t->nshown - 1 : 0); return 1;
	case PA_OPEN:
		if (p->ops->detail == NULL || table_selected(t) == NULL)
			return 0;
		p->detail = 1;
		p->detail_top = 0;
		return 1;
	case PA_CLOSE:
		/* Esc on a filtered list clears the filter. */
		if (t->filter != NULL) {
			table_set_filter(t, "", NULL);
			return 1;
		}
		break;
	case PA_FILTER:
		env->prompt(env->ctx, PANE_PROMPT_FILTER, "Filter (regex, empty clears): ",
		    t->filter != NULL ? t->filter : "");
		return 1;
	case PA_SORT_PREV: table_sort_step(t, -1); return 1;
	case PA_SORT_NEXT: table_sort_step(t, 1); return 1;
	case PA_REVERSE: t->reverse = !t->reverse; return 1;
	default:
		break;
	}
	return p->ops->action != NULL && p->ops->action(p, act, s, env);
}

void
pane_prompt_done(struct pane *p, int id, const char *text, const struct snapshot *s,
    const struct pane_env *env)
{
	if (id == PANE_PROMPT_FILTER) {
		char *why = NULL;

		if (table_set_filter(&p->table, text, &why) != 0) {
			env->message(env->ctx, CANVAS_CRITICAL, why);
			free(why);
		}
		return;
	}
	if (id >= PANE_PROMPT_OWN && p->ops->prompt_done != NULL)
		p->ops->prompt_done(p, id, text, s, env);
}
