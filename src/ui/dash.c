#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "panes/pane.h"
#include "panes/severity.h"
#include "rules/rules.h"
#include "ui/dash.h"
#include "ui/help.h"
#include "ui/keys.h"
#include "ui/status.h"
#include "view/textcanvas.h"

#define DASH_MESSAGE_MS (5 * TIME_SEC)
#define DASH_PROMPT_MAX 200
#define DASH_MIN_REFRESH_MS (1 * TIME_SEC)
#define DASH_MAX_REFRESH_MS (10 * TIME_MIN)
#define DASH_WHEEL_ROWS 3
#define DASH_TABS 15		/* panes with a tab */
/* Kinds whose poll times the live copy follows only while the pane shown
 * reads them (pane_ops.polltimes): sessions' "last seen" is in the
 * Sessions pane's detail alone, and following it touched every session
 * every second. */
#define DASH_LAZY_POLLTIMES SNAPSHOT_KIND(M_SESSION)

struct dash {
	struct feed *feed;
	struct dash_config cfg;
	char *profile, *region, *user;
	struct rules_config default_rules;	/* when the caller gives none */
	const struct rules_config *rules;
	struct snapshot snap;
	int snap_live;		/* SNAP is the live feed's copy, as of SNAP_GENS */
	struct feed_gens snap_gens;
	uint64_t state[M_KIND_COUNT];	/* for snapshot_state_changed */
	struct pane **panes;
	size_t npanes;
	size_t cur;
	char *instance;		/* chosen; NULL for all */
	struct text_canvas *spare;	/* symbols before the first draw */
	const struct canvas *canvas;
	int64_t now;
	int64_t refresh_ms;
	/* Overlays. */
	int help, help_top, help_lines, help_page;
	int picker;
	size_t picker_sel;
	char **picker_ids;
	size_t picker_n;
	/* The prompt. */
	int prompt;
	int prompt_id;
	char *prompt_label;
	struct buf prompt_text;
	/* The message line. */
	char *message;
	int message_style;
	int64_t message_until;
	/* Attention for new critical alerts. */
	char **crit;
	size_t ncrit;
	int64_t attention_until;
	int bell, redraw;
	/* The tabs' labels ("1 Overview", "1 Sess"), made once, and the width
	 * of the full ones (0: not yet measured) on a canvas whose ASCII flag
	 * is TABS_ASCII; where they are, for the mouse. */
	char *tab_full[DASH_TABS], *tab_abbrev[DASH_TABS];
	int tabs_full_w, tabs_ascii;
	int tab_x[DASH_TABS + 1];
	int pane_top;
	int too_small;		/* the last frame said "terminal too small" */
	/* Replay: the snapshot shown is history's at REPLAY_AT; READING
	 * while the feed reads it (the previous one stays on screen). */
	int replay;
	int64_t replay_at;
	int reading;
};

/* How far each replay key moves (0: by the refresh interval). */
static const struct {
	enum ui_action action;
	int sign;
	int64_t by;
} dash_steps[] = {
	{ UA_STEP_BACK, -1, 0 },
	{ UA_STEP_FORWARD, 1, 0 },
	{ UA_HOUR_BACK, -1, TIME_HOUR },
	{ UA_HOUR_FORWARD, 1, TIME_HOUR },
};

static void
dash_message(void *ctx, int style, const char *text)
{
	struct dash *d = ctx;

	free(d->message);
	d->message = xstrdup(text);
	d->message_style = style;
	d->message_until = d->now + DASH_MESSAGE_MS;
}

static void __attribute__((format(printf, 3, 4)))
dash_messagef(struct dash *d, int style, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	dash_message(d, style, s);
	free(s);
}

static void
dash_prompt(void *ctx, int id, const char *label, const char *initial)
{
	struct dash *d = ctx;

	d->prompt = 1;
	d->prompt_id = id;
	free(d->prompt_label);
	d->prompt_label = xstrdup(label);
	buf_reset(&d->prompt_text);
	buf_append_str(&d->prompt_text, initial != NULL ? initial : "");
}

static int
dash_submit(void *ctx, struct batch *b)
{
	struct dash *d = ctx;
	struct rw_error err = RW_ERROR_INIT;

	if (d->replay) {
		/* The keys that get here are refused in a replay already. */
		batch_free(b);
		dash_message(d, CANVAS_WARNING, "not saved: a replay changes nothing");
		return -1;
	}
	if (feed_submit(d->feed, b, &err) != 0) {
		char *msg = err_format(&err);

		dash_messagef(d, CANVAS_CRITICAL, "not saved: %s", msg);
		free(msg);
		err_clear(&err);
		return -1;
	}
	return 0;
}

static struct pane_env
dash_env(struct dash *d)
{
	struct pane_env env = {
		/* Ages in a replay are as they were at the moment shown. */
		.now = d->replay ? d->snap.at : d->now,
		.rules = d->rules,
		.instance = d->instance,
		.canvas = d->canvas,
		.user = d->user,
		.ctx = d,
		.prompt = dash_prompt,
		.submit = dash_submit,
		.message = dash_message,
	};

	return env;
}

struct dash *
dash_new(struct feed *feed, const struct dash_config *cfg)
{
	struct dash *d = xcalloc(1, sizeof *d);

	d->feed = feed;
	d->cfg = *cfg;
	d->profile = cfg->profile != NULL ? xstrdup(cfg->profile) : NULL;
	d->region = cfg->region != NULL ? xstrdup(cfg->region) : NULL;
	d->user = xstrdup(cfg->user != NULL ? cfg->user : "unknown");
	rules_config_init(&d->default_rules);
	d->rules = cfg->rules != NULL ? cfg->rules : &d->default_rules;
	d->refresh_ms = cfg->refresh_ms;
	for (d->npanes = 0; pane_table[d->npanes] != NULL; d->npanes++)
		;
	d->panes = xcalloc(d->npanes, sizeof *d->panes);
	for (size_t i = 0; i < d->npanes; i++)
		d->panes[i] = pane_new(pane_table[i]);
	for (size_t i = 0; i < d->npanes && i < DASH_TABS; i++) {
		d->tab_full[i] = xasprintf("%zu %s", (i + 1) % 10, pane_table[i]->tab);
		d->tab_abbrev[i] = xasprintf("%zu %s", (i + 1) % 10, pane_table[i]->abbrev);
	}
	d->spare = text_canvas_new(1, 1, 0);
	d->canvas = text_canvas_base(d->spare);
	buf_init(&d->prompt_text);
	if (feed_polls(feed)) {
		snapshot_init(&d->snap, time_now_ms(), 1);
	} else {
		/* A feed of history only: its snapshot says the moment. */
		feed_snapshot(feed, &d->snap, time_now_ms());
		d->replay = 1;
		d->replay_at = d->snap.at;
		d->reading = 1;
	}
	return d;
}

static void
dash_free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

void
dash_free(struct dash *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->npanes; i++)
		pane_free(d->panes[i]);
	free(d->panes);
	for (size_t i = 0; i < DASH_TABS; i++) {
		free(d->tab_full[i]);
		free(d->tab_abbrev[i]);
	}
	snapshot_free(&d->snap);
	text_canvas_free(d->spare);
	dash_free_ids(d->crit, d->ncrit);
	dash_free_ids(d->picker_ids, d->picker_n);
	buf_free(&d->prompt_text);
	free(d->prompt_label);
	free(d->message);
	free(d->instance);
	free(d->profile);
	free(d->region);
	free(d->user);
	rules_config_free(&d->default_rules);
	free(d);
}

static int
dash_in(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return 1;
	}
	return 0;
}

/* New active critical alerts draw attention: reverse video for a while
 * and, if asked for, the bell. */
static void
dash_notice_alerts(struct dash *d)
{
	char **now = xcalloc(d->snap.kinds[M_ALERT].n + 1, sizeof *now);
	size_t n = 0, fresh = 0;

	M_VEC_EACH(&d->snap.kinds[M_ALERT], const struct m_alert, a) {
		if (a->key == NULL || a->state == NULL || strcmp(a->state, "active") != 0 ||
		    severity_rank(a->severity) < 3)
			continue;
		now[n++] = xstrdup(a->key);
		if (!dash_in(d->crit, d->ncrit, a->key))
			fresh++;
	}
	dash_free_ids(d->crit, d->ncrit);
	d->crit = now;
	d->ncrit = n;
	if (fresh > 0) {
		d->attention_until = d->now + d->cfg.attention_ms;
		d->bell |= d->cfg.bell;
		log_debug(LOG_UI, "%zu new critical alert(s)", fresh);
	}
}

/* Takes the replayed snapshot when the feed has read it. */
static void
dash_replay_take(struct dash *d)
{
	struct snapshot s;
	char *why = NULL;
	int rc;

	if (!d->reading)
		return;
	rc = feed_snapshot_at(d->feed, d->replay_at, &s, &why);
	if (rc == 0)
		return;
	d->reading = 0;
	d->snap_live = 0;
	snapshot_free(&d->snap);
	if (rc == 1) {
		d->snap = s;
		return;
	}
	/* Nothing from another moment is shown as this one. */
	snapshot_init(&d->snap, d->replay_at, 0);
	dash_messagef(d, CANVAS_CRITICAL, "cannot read the history: %s",
	    why != NULL ? why : "no history");
	free(why);
}

/* Replays AT, clamped to now: the snapshot is asked for and the previous
 * one stays on screen, marked, until it is read. */
static void
dash_replay_go(struct dash *d, int64_t at)
{
	int64_t now = d->now - d->now % TIME_SEC;

	if (at > now) {
		at = now;
		dash_message(d, CANVAS_INFO, "replay at now: history goes no further");
	}
	d->replay = 1;
	d->replay_at = at;
	d->reading = 1;
	feed_request_at(d->feed, at);
	dash_replay_take(d);
}

int64_t
dash_replay_at(const struct dash *d)
{
	return d->replay ? d->replay_at : 0;
}

/* Sets which kinds' poll times the live copy leaves behind for the pane
 * shown; one followed again is brought up to date by the next sync.
 * Returns whether one is. */
static int
dash_follow_polltimes(struct dash *d)
{
	snapshot_kinds lazy = DASH_LAZY_POLLTIMES & ~d->panes[d->cur]->ops->polltimes;
	snapshot_kinds again = d->snap_gens.untouched & ~lazy;

	for (int k = 0; k < M_KIND_COUNT; k++) {
		if (again & SNAPSHOT_KIND(k))
			d->snap_gens.touch[k] = UINT64_MAX;
	}
	d->snap_gens.untouched = lazy;
	return again != 0;
}

int
dash_refresh(struct dash *d, int64_t now)
{
	snapshot_kinds changed;

	d->now = now;
	if (d->replay) {
		dash_replay_take(d);
		return 1;
	}
	/* Between batches the copy kept is only moved to NOW; a batch costs
	 * a copy of the kinds it changed, not of the fleet. */
	if (!d->snap_live) {
		snapshot_free(&d->snap);
		snapshot_init(&d->snap, now, 1);
		feed_gens_reset(&d->snap_gens);
		d->snap_live = 1;
	}
	dash_follow_polltimes(d);
	changed = feed_sync(d->feed, &d->snap, &d->snap_gens, now);
	if (changed & SNAPSHOT_KIND(M_ALERT))
		dash_notice_alerts(d);
	/* A source that polled as it did before moved only its ages and
	 * figures, which every tick draws anyway. */
	return snapshot_state_changed(&d->snap, changed, d->state) != 0;
}

size_t
dash_current_pane(const struct dash *d)
{
	return d->cur;
}

int
dash_take_bell(struct dash *d)
{
	int b = d->bell;

	d->bell = 0;
	return b;
}

int
dash_take_redraw(struct dash *d)
{
	int r = d->redraw;

	d->redraw = 0;
	return r;
}

int64_t
dash_next_deadline(const struct dash *d)
{
	int64_t next = 0;

	if (d->attention_until > d->now)
		next = d->attention_until;
	if (d->message != NULL && d->message_until > d->now &&
	    (next == 0 || d->message_until < next))
		next = d->message_until;
	return next;
}

static int
dash_picker_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Instances the picker offers: those the snapshot knows, by id. */
static void
dash_picker_open(struct dash *d)
{
	size_t cap = d->snap.kinds[M_INSTANCE].n + d->snap.kinds[M_PG_HEALTH].n + 1;

	dash_free_ids(d->picker_ids, d->picker_n);
	d->picker_ids = xcalloc(cap, sizeof *d->picker_ids);
	d->picker_n = 0;
	M_VEC_EACH(&d->snap.kinds[M_INSTANCE], const struct m_instance, i) {
		if (i->id != NULL && !dash_in(d->picker_ids, d->picker_n, i->id))
			d->picker_ids[d->picker_n++] = xstrdup(i->id);
	}
	M_VEC_EACH(&d->snap.kinds[M_PG_HEALTH], const struct m_pg_health, h) {
		if (h->instance != NULL && !dash_in(d->picker_ids, d->picker_n, h->instance))
			d->picker_ids[d->picker_n++] = xstrdup(h->instance);
	}
	qsort(d->picker_ids, d->picker_n, sizeof *d->picker_ids, dash_picker_cmp);
	d->picker = 1;
	d->picker_sel = 0;
	for (size_t i = 0; d->instance != NULL && i < d->picker_n; i++) {
		if (strcmp(d->picker_ids[i], d->instance) == 0)
			d->picker_sel = i + 1;
	}
}

static void
dash_picker_key(struct dash *d, const struct key_entry *e, int key)
{
	size_t last = d->picker_n;	/* row 0 is "all instances" */

	if (key == UIK_ENTER || key == '\n') {
		free(d->instance);
		d->instance = d->picker_sel > 0 ? xstrdup(d->picker_ids[d->picker_sel - 1]) : NULL;
		d->picker = 0;
		dash_messagef(d, CANVAS_INFO, "showing %s", d->instance != NULL ? d->instance :
		    "all instances");
		return;
	}
	if (e == NULL)
		return;
	if (e->action == UA_INSTANCE || (e->action == UA_PANE && e->pane_action == PA_CLOSE)) {
		d->picker = 0;
		return;
	}
	if (e->action != UA_PANE)
		return;
	switch (e->pane_action) {
	case PA_UP: d->picker_sel = d->picker_sel > 0 ? d->picker_sel - 1 : 0; break;
	case PA_DOWN: d->picker_sel = d->picker_sel < last ? d->picker_sel + 1 : last; break;
	case PA_TOP: case PA_PAGE_UP: d->picker_sel = 0; break;
	case PA_BOTTOM: case PA_PAGE_DOWN: d->picker_sel = last; break;
	default: break;
	}
}

static void
dash_help_key(struct dash *d, const struct key_entry *e)
{
	int page = d->help_page > 1 ? d->help_page - 1 : 1;
	int last = d->help_lines > d->help_page ? d->help_lines - d->help_page : 0;

	if (e == NULL)
		return;
	if (e->action == UA_HELP || (e->action == UA_PANE &&
	    (e->pane_action == PA_CLOSE || e->pane_action == PA_OPEN))) {
		d->help = 0;
		return;
	}
	if (e->action != UA_PANE)
		return;
	switch (e->pane_action) {
	case PA_UP: d->help_top--; break;
	case PA_DOWN: d->help_top++; break;
	case PA_PAGE_UP: d->help_top -= page; break;
	case PA_PAGE_DOWN: d->help_top += page; break;
	case PA_TOP: d->help_top = 0; break;
	case PA_BOTTOM: d->help_top = last; break;
	default: break;
	}
	if (d->help_top > last)
		d->help_top = last;
	if (d->help_top < 0)
		d->help_top = 0;
}

/* Appends code point CP to the prompt as UTF-8. */
static void
dash_prompt_append(struct dash *d, int cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (d->prompt_text.len + n <= DASH_PROMPT_MAX)
		buf_append(&d->prompt_text, u, n);
}

static void
dash_prompt_key(struct dash *d, int key)
{
	struct buf *t = &d->prompt_text;

	switch (key) {
	case UIK_ESC:
		d->prompt = 0;
		dash_message(d, CANVAS_DIM, "cancelled");
		return;
	case UIK_ENTER:
	case '\n': {
		struct pane_env env = dash_env(d);
		char *text = xstrdup(buf_str(t));

		d->prompt = 0;
		pane_prompt_done(d->panes[d->cur], d->prompt_id, text, &d->snap, &env);
		free(text);
		/* The frame that says "acknowledged" shows it acknowledged:
		 * not a tick later. */
		dash_refresh(d, d->now);
		return;
	}
	case UIK_BACKSPACE:
	case 0x7f:
	case 0x08:
		/* Remove the last UTF-8 character. */
		while (t->len > 0 && (t->data[t->len - 1] & 0xc0) == 0x80)
			t->len--;
		if (t->len > 0)
			t->len--;
		if (t->data != NULL)
			t->data[t->len] = '\0';
		return;
	case 0x15:	/* Ctrl-U */
		buf_reset(t);
		return;
	default:
		if (key >= 0x20 && key != 0x7f && key < UIK_BASE && !(key >= 0x80 && key < 0xa0))
			dash_prompt_append(d, key);
	}
}

static void
dash_switch(struct dash *d, size_t to)
{
	if (to >= d->npanes)
		return;
	d->cur = to;
	/* The pane shows poll times the copy left behind: at once. */
	if (!d->replay && d->snap_live && dash_follow_polltimes(d))
		dash_refresh(d, d->now);
}

static void
dash_scale(struct dash *d, int slower)
{
	int64_t want = slower ? d->refresh_ms * 2 : d->refresh_ms / 2;
	char age[32];

	if (want < DASH_MIN_REFRESH_MS)
		want = DASH_MIN_REFRESH_MS;
	if (want > DASH_MAX_REFRESH_MS)
		want = DASH_MAX_REFRESH_MS;
	if (want != d->refresh_ms)
		feed_scale_interval(d->feed, (double)want / (double)d->refresh_ms);
	d->refresh_ms = want;
	dash_messagef(d, CANVAS_INFO, "%s %s%s", d->replay ? "steps of" : "refresh every",
	    time_format_age(want, age, sizeof age),
	    want == DASH_MIN_REFRESH_MS || want == DASH_MAX_REFRESH_MS ? " (the limit)" : "");
}

static void
dash_replay_key(struct dash *d, enum ui_action action)
{
	int64_t delta = 0;

	for (size_t i = 0; i < sizeof dash_steps / sizeof *dash_steps; i++) {
		if (dash_steps[i].action == action)
			delta = dash_steps[i].sign *
			    (dash_steps[i].by != 0 ? dash_steps[i].by : d->refresh_ms);
	}
	if (!feed_has_history(d->feed)) {
		dash_message(d, CANVAS_WARNING, "no history to replay (history is off)");
		return;
	}
	if (d->replay) {
		if (action == UA_REPLAY)
			dash_message(d, CANVAS_INFO, "replaying already: [ ] step, { } an hour, L live");
		else
			dash_replay_go(d, d->replay_at + delta);
		return;
	}
	if (delta > 0) {
		dash_message(d, CANVAS_INFO, "live shows now: [ or { goes back in history");
		return;
	}
	dash_replay_go(d, d->now - d->now % TIME_SEC + delta);
	if (action == UA_REPLAY)
		dash_message(d, CANVAS_INFO, "replay from history: [ ] step, { } an hour, L back to live");
}

static void
dash_live_key(struct dash *d, int64_t now)
{
	if (!d->replay) {
		dash_message(d, CANVAS_DIM, "live already");
		return;
	}
	if (!feed_polls(d->feed)) {
		dash_message(d, CANVAS_WARNING,
		    "no live data here: rdswatch replay only reads history (rdswatch watches live)");
		return;
	}
	d->replay = 0;
	d->reading = 0;
	dash_refresh(d, now);
	dash_message(d, CANVAS_OK, "live");
}

int
dash_key(struct dash *d, int key, int64_t now)
{
	const struct key_entry *e;
	const struct key_bind *bind = NULL;
	struct pane *p = d->panes[d->cur];
	char name[32];

	d->now = now;
	if (d->prompt) {
		dash_prompt_key(d, key);
		return 0;
	}
	e = key_lookup(key, p->ops->name, &bind);
	if (e != NULL && e->action == UA_QUIT)
		return 1;
	/* Nothing acts unseen. */
	if (d->too_small)
		return 0;
	if (d->help) {
		dash_help_key(d, e);
		return 0;
	}
	if (d->picker) {
		dash_picker_key(d, e, key);
		return 0;
	}
	if (e == NULL) {
		if (key != UIK_RESIZE && key != UIK_MOUSE)
			dash_messagef(d, CANVAS_DIM, "%s does nothing here; ? shows the keys",
			    key_describe(key, name, sizeof name));
		return 0;
	}
	if (d->replay && key_live_only(e)) {
		dash_messagef(d, CANVAS_WARNING,
		    "%s is refused: a replay shows history and changes nothing%s",
		    bind != NULL ? bind->name : key_describe(key, name, sizeof name),
		    feed_polls(d->feed) ? " (L goes back to live)" : "");
		return 0;
	}
	switch (e->action) {
	case UA_HELP:
		d->help = 1;
		d->help_top = 0;
		break;
	case UA_NEXT_PANE:
		dash_switch(d, (d->cur + 1) % d->npanes);
		break;
	case UA_PREV_PANE:
		dash_switch(d, (d->cur + d->npanes - 1) % d->npanes);
		break;
	case UA_GOTO_PANE:
		dash_switch(d, key == '0' ? 9 : (size_t)(key - '1'));
		break;
	case UA_INSTANCE:
		dash_picker_open(d);
		break;
	case UA_SLOWER:
	case UA_FASTER:
		dash_scale(d, e->action == UA_SLOWER);
		break;
	case UA_PAUSE:
		feed_set_paused(d->feed, !feed_paused(d->feed));
		if (feed_paused(d->feed))
			dash_message(d, CANVAS_WARNING, "polling paused: data will turn stale; Space resumes");
		else
			dash_message(d, CANVAS_OK, "polling resumed");
		break;
	case UA_REFRESH:
		feed_poll_now(d->feed);
		dash_message(d, CANVAS_INFO, "polling every source now");
		break;
	case UA_REDRAW:
		d->redraw = 1;
		break;
	case UA_PANE: {
		struct pane_env env = dash_env(d);

		if (!pane_handle(p, e->pane_action, &d->snap, &env) && e->pane_action != PA_CLOSE)
			dash_messagef(d, CANVAS_DIM, "%s does nothing here; ? shows the keys",
			    bind != NULL ? bind->name : key_describe(key, name, sizeof name));
		break;
	}
	case UA_REPLAY:
	case UA_STEP_BACK:
	case UA_STEP_FORWARD:
	case UA_HOUR_BACK:
	case UA_HOUR_FORWARD:
		dash_replay_key(d, e->action);
		break;
	case UA_LIVE:
		dash_live_key(d, now);
		break;
	case UA_QUIT:
	case UA_NONE:
		break;
	}
	return 0;
}

void
dash_mouse(struct dash *d, int row, int col, int wheel, int64_t now)
{
	struct pane *p = d->panes[d->cur];
	struct pane_env env;

	d->now = now;
	if (d->prompt || d->help || d->picker || d->too_small)
		return;
	env = dash_env(d);
	if (wheel != 0) {
		for (int i = 0; i < DASH_WHEEL_ROWS; i++)
			pane_handle(p, wheel < 0 ? PA_UP : PA_DOWN, &d->snap, &env);
		return;
	}
	if (row == 0) {
		for (size_t i = 0; i < d->npanes; i++) {
			if (col >= d->tab_x[i] && col < d->tab_x[i + 1] - 1)
				dash_switch(d, i);
		}
		return;
	}
	/* The pane's title and the table header come before the rows. */
	if (!p->detail && row >= d->pane_top + 2) {
		size_t index = p->table.top + (size_t)(row - d->pane_top - 2);

		pane_prepare(p, &d->snap, &env);
		if (index < p->table.nshown)
			table_move_to(&p->table, index);
	}
}

static void
dash_draw_tabs(struct dash *d, const struct canvas_area *a)
{
	size_t counts[4] = { 0 };
	int full, x = 0, summary_w;
	char summary[64] = "";

	M_VEC_EACH(&d->snap.kinds[M_ALERT], const struct m_alert, al) {
		if (al->state != NULL && strcmp(al->state, "active") == 0)
			counts[severity_rank(al->severity) > 0 ? severity_rank(al->severity) : 1]++;
	}
	if (counts[3] > 0)
		snprintf(summary, sizeof summary, "CRIT %zu", counts[3]);
	if (counts[2] > 0)
		snprintf(summary + strlen(summary), sizeof summary - strlen(summary), "%sWARN %zu",
		    counts[3] > 0 ? "  " : "", counts[2]);
	summary_w = summary[0] != '\0' ? canvas_width(a->c, summary, -1) + 2 : 0;
	/* Names when they fit, else abbreviations. */
	if (d->tabs_full_w == 0 || d->tabs_ascii != a->c->ascii) {
		d->tabs_full_w = 0;
		for (size_t i = 0; i < d->npanes && i < DASH_TABS; i++)
			d->tabs_full_w += canvas_width(a->c, d->tab_full[i], -1) + 1;
		d->tabs_ascii = a->c->ascii;
	}
	full = d->tabs_full_w + summary_w <= a->cols;
	canvas_fill(a, 0, 0, -1, CANVAS_HEADER);
	for (size_t i = 0; i < d->npanes && i < DASH_TABS; i++) {
		int style = i == d->cur ? CANVAS_SELECTED : CANVAS_HEADER;

		d->tab_x[i] = x;
		x += canvas_put(a, 0, x, -1, style, full ? d->tab_full[i] : d->tab_abbrev[i]);
		x += 1;
	}
	d->tab_x[d->npanes < DASH_TABS ? d->npanes : DASH_TABS] = x;
	if (summary_w > 0 && x + summary_w <= a->cols)
		canvas_put(a, 0, a->cols - summary_w + 1, -1,
		    counts[3] > 0 ? CANVAS_CRITICAL : CANVAS_WARNING, summary);
}

static void
dash_draw_picker(struct dash *d, const struct canvas_area *a)
{
	int page = a->rows - 2, top = 0;

	canvas_put(a, 0, 0, -1, CANVAS_NORMAL | CANVAS_PAD,
	    "Choose an instance (Enter shows it, Esc cancels)");
	if (page < 1)
		return;
	if ((int)d->picker_sel >= page)
		top = (int)d->picker_sel - page + 1;
	for (int y = 0; y < page && (size_t)(top + y) <= d->picker_n; y++) {
		size_t i = (size_t)(top + y);
		int style = i == d->picker_sel ? CANVAS_SELECTED : CANVAS_NORMAL;

		canvas_put(a, y + 2, 2, -1, style | CANVAS_PAD,
		    i == 0 ? "all instances" : d->picker_ids[i - 1]);
	}
}

static void
dash_draw_help(struct dash *d, const struct canvas_area *a)
{
	struct detail det;

	detail_init(&det);
	help_build(&det, d->panes[d->cur]->ops);
	d->help_page = a->rows;
	d->help_lines = detail_draw(&det, a, d->help_top);
	detail_free(&det);
}

/* The line above the status line: the prompt, a message, the active
 * critical alerts, or the most used keys. Returns the prompt's cursor
 * column or -1. */
static int
dash_draw_banner(struct dash *d, const struct canvas_area *a, int row)
{
	const struct m_alert *newest = NULL;
	size_t ncrit = 0;

	if (d->prompt) {
		int label_w, x, text_w, room;
		const char *text = buf_str(&d->prompt_text);

		label_w = canvas_width(a->c, d->prompt_label, -1);
		if (label_w > a->cols - 20)
			label_w = a->cols - 20;
		x = canvas_put(a, row, 0, label_w, CANVAS_INFO, d->prompt_label);
		room = a->cols - x - 1;
		/* Show the end of a long answer. */
		while (*text != '\0' && (text_w = canvas_width(a->c, text, -1)) > room)
			text += canvas_fit(a->c, text, 1);
		x += canvas_put(a, row, x, room, CANVAS_NORMAL, text);
		return x;
	}
	if (d->message != NULL && d->message_until > d->now) {
		canvas_put(a, row, 0, -1, d->message_style, d->message);
		return -1;
	}
	/* The snapshot shown (live or replayed) says which are active. */
	M_VEC_EACH(&d->snap.kinds[M_ALERT], const struct m_alert, al) {
		if (al->key == NULL || al->state == NULL || strcmp(al->state, "active") != 0 ||
		    severity_rank(al->severity) < 3)
			continue;
		ncrit++;
		if (newest == NULL || al->opened_at > newest->opened_at)
			newest = al;
	}
	if (ncrit > 0) {
		int style = CANVAS_CRITICAL | CANVAS_PAD;

		if (d->attention_until > d->now && !d->replay)
			style |= CANVAS_REVERSE;
		canvas_printf(a, row, 0, -1, style, "CRIT %zu active critical alert%s: %s%s%s%s (2 Alerts)",
		    ncrit, ncrit == 1 ? "" : "s",
		    newest != NULL && newest->title != NULL ? newest->title : "?",
		    newest != NULL && newest->instance != NULL ? " [" : "",
		    newest != NULL && newest->instance != NULL ? newest->instance : "",
		    newest != NULL && newest->instance != NULL ? "]" : "");
		return -1;
	}
	canvas_put(a, row, 0, -1, CANVAS_DIM, d->replay ?
	    "[ ] step  { } an hour  L live  ? help  q quit  Tab next pane  Enter details" :
	    "? help  q quit  Tab next pane  Enter details  / filter  < > sort  i instance");
	return -1;
}

static void
dash_draw_small(const struct canvas_area *a)
{
	canvas_printf(a, 0, 0, -1, CANVAS_WARNING, "terminal too small: %dx%d", a->cols, a->rows);
	canvas_printf(a, 1, 0, -1, CANVAS_NORMAL, "rdswatch needs at least %dx%d", DASH_MIN_COLS,
	    DASH_MIN_ROWS);
	canvas_put(a, 2, 0, -1, CANVAS_DIM, "q quits");
}

int
dash_draw(struct dash *d, struct canvas *c, int64_t now)
{
	struct canvas_area whole = canvas_whole(c), body;
	struct status_info si;
	char *note;
	int cursor;

	d->now = now;
	d->canvas = c;
	canvas_clear(c);
	d->too_small = c->cols < DASH_MIN_COLS || c->rows < DASH_MIN_ROWS;
	if (d->too_small) {
		dash_draw_small(&whole);
		return -1;
	}
	dash_draw_tabs(d, &whole);
	d->pane_top = 1;
	body = canvas_sub(&whole, 1, 0, c->rows - 3, c->cols);
	if (d->help) {
		dash_draw_help(d, &body);
	} else if (d->picker) {
		dash_draw_picker(d, &body);
	} else {
		struct pane_env env = dash_env(d);

		pane_draw(d->panes[d->cur], &d->snap, &body, &env);
	}
	cursor = dash_draw_banner(d, &whole, c->rows - 2);
	si.snap = &d->snap;
	si.now = now;
	si.profile = d->profile;
	si.region = d->region;
	si.refresh_ms = d->refresh_ms;
	si.paused = feed_paused(d->feed);
	si.replay_at = dash_replay_at(d);
	si.reading = d->replay && d->reading;
	note = feed_note(d->feed, now, &si.note_style);
	si.note = note;
	status_draw(&whole, c->rows - 1, &si);
	free(note);
	return cursor;
}
