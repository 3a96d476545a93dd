/* A pane shows one aspect of a snapshot (sessions, failed logins, ...)
 * on a canvas area. Each pane is one file defining a const struct
 * pane_ops; the table below lists them in tab order. Panes know nothing
 * of the terminal: they draw on a canvas (ncurses, or a text grid for
 * exports and tests), receive actions (what a key means, decided by the
 * dashboard's key table), and ask the dashboard for a prompt or to
 * submit a batch through struct pane_env. */
#ifndef RW_PANES_PANE_H
#define RW_PANES_PANE_H

#include <stdint.h>

#include "model/batch.h"
#include "panes/detail.h"
#include "panes/table.h"
#include "view/canvas.h"
#include "view/snapshot.h"

enum pane_action {
	PA_NONE,
	PA_UP,
	PA_DOWN,
	PA_PAGE_UP,
	PA_PAGE_DOWN,
	PA_TOP,
	PA_BOTTOM,
	PA_OPEN,		/* the detail view of the selected row */
	PA_CLOSE,		/* closes the detail view */
	PA_FILTER,		/* asks for a regex */
	PA_SORT_PREV,
	PA_SORT_NEXT,
	PA_REVERSE,
	/* Sessions: quick filters. */
	PA_SHOW_NO_TLS,
	PA_SHOW_SUPERUSER,
	PA_SHOW_IDLE_TX,
	PA_SHOW_LONG,
	PA_SHOW_BLOCKED,
	PA_SHOW_ALL,
	/* Failed logins: group by client address or by user. */
	PA_GROUP,
	/* Alerts. */
	PA_ACK,
	PA_SNOOZE,
	PA_ACTION_COUNT
};

/* What the dashboard offers a pane while it draws or handles an action. */
struct rules_config;

struct pane_env {
	int64_t now;
	/* The alert rules' thresholds, so a pane highlights exactly what
	 * the rules alert on (never NULL: dash uses the defaults). */
	const struct rules_config *rules;
	const char *instance;		/* the chosen instance, or NULL for all */
	const struct canvas *canvas;	/* for symbols (ASCII or not) */
	const char *user;		/* who acts: "$USER@host" */
	void *ctx;
	/* Asks the user for a line of text; the answer comes back through
	 * pane_prompt_done with ID (Esc cancels: no call). */
	void (*prompt)(void *ctx, int id, const char *label, const char *initial);
	/* Submits a user batch (ownership passes). Returns 0, or -1 after
	 * showing why. */
	int (*submit)(void *ctx, struct batch *b);
	/* A one-line message under the pane. */
	void (*message)(void *ctx, int style, const char *text);
};

/* Prompt ids below this are the generic ones (pane.c). */
#define PANE_PROMPT_FILTER 1
#define PANE_PROMPT_OWN 100

struct pane;

struct pane_ops {
	const char *name;	/* "sessions": key scope and config name */
	const char *title;	/* "Sessions" */
	const char *tab;	/* its name in the tab bar */
	const char *abbrev;	/* four letters, when the tab bar is narrow */
	const char *source;	/* the source kind whose freshness the title shows */
	const struct table_col *cols;
	size_t ncols;
	size_t sort_col;	/* initial sort */
	int sort_reverse;
	const char *empty;	/* shown when there is nothing */
	/* The kinds whose poll times it shows, of those the dashboard's copy
	 * follows only for the panes that do (dash.c). */
	snapshot_kinds polltimes;
	/* Adds P->table's rows for S (the table is cleared and laid out). */
	void (*rows)(struct pane *p, const struct snapshot *s, const struct pane_env *env);
	/* Frees what the pane keeps in P->priv between frames; may be NULL. */
	void (*free_priv)(void *priv);
	/* The detail view of ROW; NULL when the pane has none. */
	void (*detail)(struct pane *p, const struct table_row *row, const struct snapshot *s,
	    const struct pane_env *env, struct detail *d);
	/* Pane-specific actions (after the generic ones); 1 when handled. */
	int (*action)(struct pane *p, enum pane_action act, const struct snapshot *s,
	    const struct pane_env *env);
	/* The answer to a prompt with an id >= PANE_PROMPT_OWN. */
	void (*prompt_done)(struct pane *p, int id, const char *text, const struct snapshot *s,
	    const struct pane_env *env);
	/* The pane's mode for the title line ("no TLS", "by user"), or NULL. */
	const char *(*mode_name)(const struct pane *p);
	const char *const *help;	/* lines for the help screen, NULL-terminated */
};

struct pane {
	const struct pane_ops *ops;
	struct table table;
	int mode;		/* pane-specific (quick filter, grouping) */
	int detail;		/* the detail view is open */
	int detail_top;
	int detail_lines;
	int detail_page;
	char *pending_key;	/* the row a prompt is about */
	char *subject;		/* what the pane shows when not the chosen instance */
	void *priv;		/* the pane's own, kept between frames */
};

/* Every pane, in tab order, NULL-terminated. */
extern const struct pane_ops *const pane_table[];

extern const struct pane_ops pane_overview_ops;
extern const struct pane_ops pane_alerts_ops;
extern const struct pane_ops pane_sessions_ops;
extern const struct pane_ops pane_logins_ops;
extern const struct pane_ops pane_events_ops;
extern const struct pane_ops pane_findings_ops;
extern const struct pane_ops pane_backup_ops;
extern const struct pane_ops pane_posture_ops;
extern const struct pane_ops pane_metrics_ops;
extern const struct pane_ops pane_health_ops;

struct pane *pane_new(const struct pane_ops *ops);
void pane_free(struct pane *p);
/* Rebuilds the rows from S. Draw and handle do it themselves; a caller
 * that frees the snapshot a pane last saw calls it with the new one
 * before using table_selected. */
void pane_prepare(struct pane *p, const struct snapshot *s, const struct pane_env *env);
/* Draws the pane in A: a title line, then the table or the detail view. */
void pane_draw(struct pane *p, const struct snapshot *s, const struct canvas_area *a,
    const struct pane_env *env);
/* Returns 1 when the pane used ACT. */
int pane_handle(struct pane *p, enum pane_action act, const struct snapshot *s,
    const struct pane_env *env);
void pane_prompt_done(struct pane *p, int id, const char *text, const struct snapshot *s,
    const struct pane_env *env);

/* Helpers for the panes. */
/* Whether REC_INSTANCE passes the chosen instance. */
int pane_instance_ok(const struct pane_env *env, const char *rec_instance);

#endif
