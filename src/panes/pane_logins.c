/* Failed logins, grouped by client address (or by user, `v`), with counts
 * in the last 5 minutes, hour and day; a burst is highlighted and named. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "panes/fmt.h"
#include "panes/pane.h"
#include "rules/rules.h"

/* A burst: this many failures in 5 minutes from one address or for one
 * user (the alert rule's default). */

enum { BY_ADDRESS, BY_USER };

enum { C_KEY, C_FLAG, C_5M, C_1H, C_24H, C_LAST, C_OTHER, C_REASON, C_SOURCE, C_INSTANCE, C_COUNT };

static const struct table_col logins_cols[C_COUNT] = {
	[C_KEY] = { "Address / user", 18, 0, 0 },
	[C_FLAG] = { "Burst", 5, 0, 0 },
	[C_5M] = { "5m", 4, 0, TABLE_RIGHT },
	[C_1H] = { "1h", 5, 0, TABLE_RIGHT },
	[C_24H] = { "24h", 5, 0, TABLE_RIGHT },
	[C_LAST] = { "Last", 5, 0, TABLE_RIGHT },
	[C_OTHER] = { "Users / addresses", 16, 2, TABLE_FLEX },
	[C_REASON] = { "Reason", 16, 1, 0 },
	[C_SOURCE] = { "Source", 10, 3, 0 },
	[C_INSTANCE] = { "Instances", 14, 4, TABLE_FLEX },
};

static const char *
logins_group_key(const struct pane *p, const struct m_failed_login *f)
{
	const char *k = p->mode == BY_USER ? f->user : f->client_addr;

	return k != NULL ? k : p->mode == BY_USER ? "(no user)" : "local";
}

static const char *
logins_other(const struct pane *p, const struct m_failed_login *f)
{
	const char *k = p->mode == BY_USER ? f->client_addr : f->user;

	return k != NULL ? k : p->mode == BY_USER ? "local" : "(no user)";
}

static int
logins_cmp(const void *a, const void *b, void *ctx)
{
	const struct m_failed_login *x = *(const struct m_failed_login *const *)a;
	const struct m_failed_login *y = *(const struct m_failed_login *const *)b;
	int r = strcmp(logins_group_key(ctx, x), logins_group_key(ctx, y));

	if (r != 0)
		return r;
	return (x->time < y->time) - (x->time > y->time);	/* newest first */
}

/* Appends WORD to a comma list in B unless it is there already. */
static void
logins_list_add(struct buf *b, const char *word, size_t *n)
{
	const char *p = buf_str(b);
	size_t len = strlen(word);

	while ((p = strstr(p, word)) != NULL) {
		if ((p == buf_str(b) || p[-1] == ' ') && (p[len] == ',' || p[len] == '\0'))
			return;
		p += len;
	}
	if (b->len > 0)
		buf_append_str(b, ", ");
	buf_append_str(b, word);
	(*n)++;
}

static void
logins_add_group(struct pane *p, const struct m_failed_login **v, size_t n,
    const struct pane_env *env)
{
	struct buf other = BUF_INIT, inst = BUF_INIT;
	size_t n5 = 0, n1h = 0, nburst = 0, nothers = 0, ninst = 0;
	const struct m_failed_login *last = v[0];	/* sorted newest first */
	int64_t now = env->now;
	struct table_row *r;
	int burst;
	char age[32];

	for (size_t i = 0; i < n; i++) {
		n5 += v[i]->time >= now - 5 * TIME_MIN;
		n1h += v[i]->time >= now - TIME_HOUR;
		nburst += v[i]->time >= now - env->rules->failed_login_window_ms;
		logins_list_add(&other, logins_other(p, v[i]), &nothers);
		logins_list_add(&inst, v[i]->instance != NULL ? v[i]->instance : "?", &ninst);
	}
	/* A burst by the rule's own measure ([rules] failed_login_*). */
	burst = nburst >= (size_t)env->rules->failed_login_count;
	r = table_add(&p->table, logins_group_key(p, last), last, burst ? CANVAS_CRITICAL : 0);
	table_set(r, C_KEY, 0, NAN, logins_group_key(p, last));
	table_set(r, C_FLAG, burst ? CANVAS_CRITICAL : 0, burst, burst ? "BURST" : "");
	table_setf(r, C_5M, 0, (double)n5, "%zu", n5);
	table_setf(r, C_1H, 0, (double)n1h, "%zu", n1h);
	table_setf(r, C_24H, 0, (double)n, "%zu", n);
	table_set(r, C_LAST, 0, (double)(now - last->time), fmt_age(now, last->time, age, sizeof age));
	table_set(r, C_OTHER, 0, (double)nothers, buf_str(&other));
	table_set(r, C_REASON, 0, NAN, last->reason);
	table_set(r, C_SOURCE, 0, NAN, last->source);
	table_set(r, C_INSTANCE, 0, (double)ninst, buf_str(&inst));
	buf_free(&other);
	buf_free(&inst);
}

static void
logins_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	const struct m_failed_login **v;
	size_t n = 0, start = 0;

	v = xcalloc(s->kinds[M_FAILED_LOGIN].n + 1, sizeof *v);
	M_VEC_EACH(&s->kinds[M_FAILED_LOGIN], const struct m_failed_login, f) {
		if (pane_instance_ok(env, f->instance))
			v[n++] = f;
	}
	qsort_r(v, n, sizeof *v, logins_cmp, p);
	for (size_t i = 1; i <= n; i++) {
		if (i == n || strcmp(logins_group_key(p, v[i]), logins_group_key(p, v[start])) != 0) {
			logins_add_group(p, v + start, i - start, env);
			start = i;
		}
	}
	free(v);
}

static void
logins_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const char *key = row->key;
	char iso[32], *title;
	size_t shown = 0;

	title = xasprintf("Failed logins %s %s (newest first)", p->mode == BY_USER ? "for user" :
	    "from", key);
	detail_heading(d, title);
	free(title);
	/* The snapshot's order is arrival order; walk it backwards. */
	for (size_t i = s->kinds[M_FAILED_LOGIN].n; i-- > 0 && shown < 200;) {
		const struct m_failed_login *f = m_vec_at(&s->kinds[M_FAILED_LOGIN], i);

		if (!pane_instance_ok(env, f->instance) || strcmp(logins_group_key(p, f), key) != 0)
			continue;
		detail_addf(d, time_format_iso8601(f->time, iso, sizeof iso), 0,
		    "%s %s@%s db %s: %s (%s)%s%s", f->instance != NULL ? f->instance : "?",
		    f->user != NULL ? f->user : "?", f->client_addr != NULL ? f->client_addr : "local",
		    f->database != NULL ? f->database : "?", f->reason != NULL ? f->reason : "?",
		    f->source != NULL ? f->source : "?", f->detail != NULL ? ": " : "",
		    f->detail != NULL ? f->detail : "");
		shown++;
	}
}

static int
logins_action(struct pane *p, enum pane_action act, const struct snapshot *s,
    const struct pane_env *env)
{
	(void)s;
	(void)env;
	if (act != PA_GROUP)
		return 0;
	p->mode = p->mode == BY_USER ? BY_ADDRESS : BY_USER;
	p->detail = 0;
	return 1;
}

static const char *
logins_mode_name(const struct pane *p)
{
	return p->mode == BY_USER ? "by user" : "by client address";
}

static const char *const logins_help[] = {
	"Failed logins in the last 24 hours, grouped by client address or by",
	"  user; BURST marks 5 or more in 5 minutes. Reason and Source are the",
	"  newest attempt's (log export, log file or GuardDuty).",
	NULL,
};

const struct pane_ops pane_logins_ops = {
	.name = "logins",
	.title = "Failed logins",
	.tab = "Logins",
	.abbrev = "Fail",
	.source = "logs",
	.cols = logins_cols,
	.ncols = C_COUNT,
	.sort_col = C_5M,
	.sort_reverse = 1,
	.empty = "(no failed logins in the last 24 hours)",
	.rows = logins_rows,
	.detail = logins_detail,
	.action = logins_action,
	.mode_name = logins_mode_name,
	.help = logins_help,
};
