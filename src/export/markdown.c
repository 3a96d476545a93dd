/* Markdown: an incident timeline in time order with UTC timestamps, ready
 * to paste into a review (alert transitions, RDS events, GuardDuty
 * findings, failed logins grouped by user, address and reason, non-TLS
 * and superuser sessions appearing and ending, posture changes, source
 * outages), then a summary of each metric with a sparkline. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "export/export.h"
#include "store/map.h"

#define MD_SLOTS 24
#define MD_LOGIN_GAP_MS (60 * 1000)	/* attempts closer than this are one entry */

struct md_entry {
	int64_t time;
	size_t order;
	char *instance;
	char *what;
	char *detail;
};

struct md_login {
	char *instance, *user, *addr, *reason, *database;
	int64_t first, last;
	size_t count;
	int open;
};

struct md_version {
	int64_t iid, from, until;
	void *rec;
};

struct md_versions {
	const struct m_type *type;
	struct md_version *v;
	size_t n, cap;
};

struct md_series {
	char *instance, *name, *unit;
	double sum, min, max;
	int64_t n, max_at;
	double slot[MD_SLOTS];
};

struct md {
	const struct export_opts *o;
	struct md_entry *e;
	size_t ne, cape;
	struct md_login *l;
	size_t nl, capl;
	struct md_versions sessions, checks, sources;
	struct store_ids series_ids;
	struct md_series *s;
	size_t ns, caps;
	/* findings already on the timeline: id -> entry index + 1 */
	struct store_ids findings;
};

static const char *
md_str(const char *s)
{
	return s != NULL ? s : "";
}

static void
md_add(struct md *m, int64_t time, const char *instance, char *what, char *detail)
{
	struct md_entry *e;

	if (m->ne == m->cape) {
		m->cape = m->cape ? m->cape * 2 : 64;
		m->e = xreallocarray(m->e, m->cape, sizeof *m->e);
	}
	e = &m->e[m->ne];
	e->time = time;
	e->order = m->ne++;
	e->instance = xstrdup(md_str(instance));
	e->what = what;
	e->detail = detail;
}

static int
md_event(struct md *m, const struct m_event *e)
{
	char *cats = m_list_join(&e->categories, ", ");

	md_add(m, e->time, e->instance != NULL ? e->instance : e->source_id, xstrdup("RDS event"),
	    xasprintf("%s%s%s%s%s%s", cats, cats[0] ? ": " : "", md_str(e->message),
	    e->event_id != NULL ? " (" : "", md_str(e->event_id), e->event_id != NULL ? ")" : ""));
	free(cats);
	return 0;
}

static char *
md_finding_detail(const struct m_finding *f)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s", md_str(f->severity_label));
	if (isfinite(f->severity))
		buf_printf(&b, "%s%.1f", f->severity_label != NULL ? " " : "severity ", f->severity);
	buf_printf(&b, ": %s", md_str(f->type));
	if (f->title != NULL)
		buf_printf(&b, " - %s", f->title);
	if (f->db_user != NULL)
		buf_printf(&b, "; user %s", f->db_user);
	if (f->remote_ip != NULL)
		buf_printf(&b, " from %s", f->remote_ip);
	if (f->remote_country != NULL)
		buf_printf(&b, " (%s)", f->remote_country);
	if (f->count != M_INT_NONE)
		buf_printf(&b, "; count %lld", (long long)f->count);
	if (f->id != NULL)
		buf_printf(&b, "; id %s", f->id);
	return buf_detach(&b);
}

/* A finding once, at its creation (or first update in the window); later
 * versions update its details. */
static int
md_finding(struct md *m, const struct m_finding *f)
{
	int64_t idx = store_ids_get(&m->findings, md_str(f->id));
	int64_t t = f->created_at >= m->o->q.from && f->created_at <= m->o->q.to ? f->created_at :
	    f->updated_at;

	if (idx != 0) {
		free(m->e[idx - 1].detail);
		m->e[idx - 1].detail = md_finding_detail(f);
		return 0;
	}
	md_add(m, t, f->instance, xstrdup("GuardDuty finding"), md_finding_detail(f));
	store_ids_put(&m->findings, md_str(f->id), (int64_t)m->ne);
	return 0;
}

static int
md_same(const char *a, const char *b)
{
	return strcmp(md_str(a), md_str(b)) == 0;
}

static int
md_failed_login(struct md *m, const struct m_failed_login *f)
{
	struct md_login *g;

	for (size_t i = 0; i < m->nl; i++) {
		g = &m->l[i];
		if (g->open && md_same(g->instance, f->instance) && md_same(g->user, f->user) &&
		    md_same(g->addr, f->client_addr) && md_same(g->reason, f->reason)) {
			if (f->time - g->last <= MD_LOGIN_GAP_MS) {
				g->last = f->time;
				g->count++;
				return 0;
			}
			g->open = 0;
		}
	}
	if (m->nl == m->capl) {
		m->capl = m->capl ? m->capl * 2 : 16;
		m->l = xreallocarray(m->l, m->capl, sizeof *m->l);
	}
	g = &m->l[m->nl++];
	g->instance = xstrdup(md_str(f->instance));
	g->user = xstrdup(md_str(f->user));
	g->addr = xstrdup(md_str(f->client_addr));
	g->reason = xstrdup(md_str(f->reason));
	g->database = xstrdup(md_str(f->database));
	g->first = g->last = f->time;
	g->count = 1;
	g->open = 1;
	return 0;
}

static void
md_logins_done(struct md *m)
{
	for (size_t i = 0; i < m->nl; i++) {
		struct md_login *g = &m->l[i];
		struct buf b = BUF_INIT;
		char until[32];

		buf_printf(&b, "user %s", g->user[0] ? g->user : "(unknown)");
		if (g->database[0])
			buf_printf(&b, ", database %s", g->database);
		buf_printf(&b, " from %s: %s", g->addr[0] ? g->addr : "(unknown address)",
		    g->reason[0] ? g->reason : "(no reason logged)");
		if (g->count > 1)
			buf_printf(&b, " (%zu attempts until %s)", g->count,
			    export_time(g->last, until, sizeof until));
		md_add(m, g->first, g->instance, g->count > 1 ?
		    xasprintf("failed login x%zu", g->count) : xstrdup("failed login"), buf_detach(&b));
		free(g->instance);
		free(g->user);
		free(g->addr);
		free(g->reason);
		free(g->database);
	}
	free(m->l);
}

static const char *const md_alert_what[][2] = {
	{ "opened", "alert opened" },
	{ "acknowledged", "alert acknowledged" },
	{ "snoozed", "alert snoozed" },
	{ "unsnoozed", "alert unsnoozed" },
	{ "severity_changed", "alert severity changed" },
	{ "reopened", "alert reopened" },
	{ "resolved", "alert resolved" },
};

static int
md_alert_event(struct md *m, const struct m_alert_event *a)
{
	const char *what = a->event;
	struct buf b = BUF_INIT;
	char until[32];

	for (size_t i = 0; i < sizeof md_alert_what / sizeof md_alert_what[0]; i++) {
		if (md_same(a->event, md_alert_what[i][0]))
			what = md_alert_what[i][1];
	}
	buf_printf(&b, "%s: %s", md_str(a->severity), a->title != NULL ? a->title : md_str(a->alert_key));
	if (a->previous_severity != NULL)
		buf_printf(&b, " (was %s)", a->previous_severity);
	if (a->who != NULL)
		buf_printf(&b, "; by %s", a->who);
	if (a->note != NULL)
		buf_printf(&b, ": \"%s\"", a->note);
	if (a->until != 0)
		buf_printf(&b, "; until %s", export_time(a->until, until, sizeof until));
	md_add(m, a->time, a->instance, xstrdup(md_str(what)), buf_detach(&b));
	return 0;
}

static void
md_keep(struct md_versions *vs, const struct store_item *it)
{
	struct md_version *v;

	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 64;
		vs->v = xreallocarray(vs->v, vs->cap, sizeof *vs->v);
	}
	v = &vs->v[vs->n++];
	v->iid = it->interval;
	v->from = it->time;
	v->until = it->until;
	v->rec = xmalloc(vs->type->size);
	m_copy(vs->type, v->rec, it->rec);
}

static int
md_version_cmp(const void *a, const void *b)
{
	const struct md_version *x = a, *y = b;

	if (x->iid != y->iid)
		return x->iid < y->iid ? -1 : 1;
	return (x->from > y->from) - (x->from < y->from);
}

static void
md_versions_free(struct md_versions *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		m_free(vs->type, vs->v[i].rec);
		free(vs->v[i].rec);
	}
	free(vs->v);
}

static char *
md_session_detail(const struct m_session *s, int64_t from, int64_t until)
{
	struct buf b = BUF_INIT;
	char dur[16];

	buf_printf(&b, "pid %lld, %s@%s from %s", (long long)s->pid,
	    s->user != NULL ? s->user : "?", s->database != NULL ? s->database : "?",
	    s->client_addr != NULL ? s->client_addr : "local socket");
	if (s->client_port != M_INT_NONE)
		buf_printf(&b, ":%lld", (long long)s->client_port);
	if (s->application_name != NULL && s->application_name[0] != '\0')
		buf_printf(&b, " (%s)", s->application_name);
	if (s->superuser == 1)
		buf_printf(&b, ", superuser%s%s", s->superuser_via != NULL ? " via " : "",
		    md_str(s->superuser_via));
	if (s->ssl == 0)
		buf_append_str(&b, ", no TLS");
	if (until != 0)
		buf_printf(&b, ", lasted %s", time_format_age(until - from, dur, sizeof dur));
	return buf_detach(&b);
}

/* Sessions without TLS or with superuser rights (not the provider's own),
 * when they appeared and ended. */
static void
md_sessions_done(struct md *m)
{
	struct md_versions *vs = &m->sessions;

	if (vs->n > 1)
		qsort(vs->v, vs->n, sizeof *vs->v, md_version_cmp);
	for (size_t i = 0; i < vs->n;) {
		size_t j = i;
		int plain = 0, su = 0;
		int64_t start, end = 0;
		const struct m_session *s;
		const char *what;

		for (; j < vs->n && vs->v[j].iid == vs->v[i].iid; j++) {
			s = vs->v[j].rec;
			plain |= s->ssl == 0;
			su |= s->superuser == 1 && s->provider_owned != 1;
			end = vs->v[j].until;
		}
		s = vs->v[i].rec;
		start = s->first_seen != 0 ? s->first_seen : vs->v[i].from;
		what = plain && su ? "non-TLS superuser session" : plain ? "non-TLS session" :
		    "superuser session";
		if ((plain || su) && start >= m->o->q.from && start <= m->o->q.to)
			md_add(m, start, s->instance, xasprintf("%s appeared", what),
			    md_session_detail(s, start, 0));
		if ((plain || su) && end != 0 && end >= m->o->q.from && end <= m->o->q.to)
			md_add(m, end, s->instance, xasprintf("%s ended", what),
			    md_session_detail(vs->v[j - 1].rec, start, end));
		i = j;
	}
}

/* Posture: a check's status changing (or first seen failing). */
static void
md_checks_done(struct md *m)
{
	struct md_versions *vs = &m->checks;

	if (vs->n > 1)
		qsort(vs->v, vs->n, sizeof *vs->v, md_version_cmp);
	for (size_t i = 0; i < vs->n; i++) {
		const struct m_check *c = vs->v[i].rec;
		const struct m_check *prev = i > 0 && vs->v[i - 1].iid == vs->v[i].iid ?
		    vs->v[i - 1].rec : NULL;
		struct buf b = BUF_INIT;

		if (vs->v[i].from < m->o->q.from || vs->v[i].from > m->o->q.to)
			continue;
		if (prev != NULL ? md_same(prev->status, c->status) : md_same(c->status, "pass"))
			continue;
		buf_printf(&b, "%s", c->title != NULL ? c->title : md_str(c->check_id));
		if (c->control != NULL)
			buf_printf(&b, " (%s)", c->control);
		buf_printf(&b, ": %s%s%s", prev != NULL ? md_str(prev->status) : "",
		    prev != NULL ? " -> " : "", md_str(c->status));
		if (c->reason != NULL)
			buf_printf(&b, ": %s", c->reason);
		md_add(m, vs->v[i].from, c->instance, xstrdup("posture change"), buf_detach(&b));
	}
}

static char *
md_source_name(const struct m_source_health *h)
{
	if (h->instance != NULL && h->instance[0] != '\0')
		return xasprintf("%s (%s)", md_str(h->source), h->instance);
	return xstrdup(md_str(h->source));
}

/* The last version of the same source before I whose state is known (a
 * poll under way says neither ok nor failing), or NULL. */
static const struct m_source_health *
md_sources_prev_known(const struct md_versions *vs, size_t i)
{
	for (size_t j = i; j-- > 0 && vs->v[j].iid == vs->v[i].iid;) {
		const struct m_source_health *h = vs->v[j].rec;

		if (h->ok >= 0)
			return h;
	}
	return NULL;
}

/* Source outages: a run of failing versions, from its start to the
 * version that says the source is ok again. */
static void
md_sources_done(struct md *m)
{
	struct md_versions *vs = &m->sources;

	if (vs->n > 1)
		qsort(vs->v, vs->n, sizeof *vs->v, md_version_cmp);
	for (size_t i = 0; i < vs->n; i++) {
		const struct m_source_health *h = vs->v[i].rec;
		const struct m_source_health *prev = md_sources_prev_known(vs, i);
		int64_t start = vs->v[i].from;

		if (h->ok != 0 || (prev != NULL && prev->ok == 0))
			continue;
		if (start < m->o->q.from)
			start = m->o->q.from;
		if (start <= m->o->q.to) {
			char *name = md_source_name(h);

			md_add(m, start, h->instance, xstrdup("source outage"),
			    xasprintf("%s failing%s%s%s%s%s", name, h->error_kind != NULL ? ": " : "",
			    md_str(h->error_kind), h->error_message != NULL ? ": " : "",
			    md_str(h->error_message), vs->v[i].from < m->o->q.from ?
			    " (already failing when the window starts)" : ""));
			free(name);
		}
		/* Find where it recovers. */
		for (size_t j = i; j < vs->n && vs->v[j].iid == vs->v[i].iid; j++) {
			const struct m_source_health *x = vs->v[j].rec;

			if (x->ok <= 0)
				continue;
			if (vs->v[j].from >= m->o->q.from && vs->v[j].from <= m->o->q.to) {
				char *name = md_source_name(h);
				char dur[16];

				md_add(m, vs->v[j].from, h->instance, xstrdup("source recovered"),
				    xasprintf("%s ok again after %s", name,
				    time_format_age(vs->v[j].from - vs->v[i].from, dur, sizeof dur)));
				free(name);
			}
			break;
		}
	}
}

static struct md_series *
md_series(struct md *m, const struct m_metric *x)
{
	char *key = xasprintf("%s\x1f%s", md_str(x->instance), md_str(x->name));
	int64_t i = store_ids_get(&m->series_ids, key);
	struct md_series *s;

	if (i != 0) {
		free(key);
		return &m->s[i - 1];
	}
	if (m->ns == m->caps) {
		m->caps = m->caps ? m->caps * 2 : 32;
		m->s = xreallocarray(m->s, m->caps, sizeof *m->s);
	}
	s = &m->s[m->ns++];
	memset(s, 0, sizeof *s);
	s->instance = xstrdup(md_str(x->instance));
	s->name = xstrdup(md_str(x->name));
	s->unit = xstrdup(md_str(x->unit));
	s->min = INFINITY;
	s->max = -INFINITY;
	for (int k = 0; k < MD_SLOTS; k++)
		s->slot[k] = NAN;
	store_ids_put(&m->series_ids, key, (int64_t)m->ns);
	free(key);
	return s;
}

static int
md_metric(struct md *m, const struct store_item *it)
{
	const struct m_metric *x = it->rec;
	struct md_series *s;
	int64_t span = m->o->q.to - m->o->q.from + 1;
	double hi = it->what == STORE_ITEM_AGGREGATE ? it->max : x->value;
	double lo = it->what == STORE_ITEM_AGGREGATE ? it->min : x->value;
	int64_t n = it->what == STORE_ITEM_AGGREGATE ? it->samples : 1;
	int slot;

	if (isnan(x->value))
		return 0;
	s = md_series(m, x);
	s->sum += x->value * (double)n;
	s->n += n;
	if (lo < s->min)
		s->min = lo;
	if (hi > s->max) {
		s->max = hi;
		s->max_at = x->time;
	}
	slot = (int)((x->time - m->o->q.from) * MD_SLOTS / (span > 0 ? span : 1));
	if (slot >= 0 && slot < MD_SLOTS && (isnan(s->slot[slot]) || hi > s->slot[slot]))
		s->slot[slot] = hi;
	return 0;
}

static int
md_item(void *ctx, const struct store_item *it)
{
	struct md *m = ctx;

	switch (it->what) {
	case STORE_ITEM_ALERT_EVENT:
		return md_alert_event(m, it->rec);
	case STORE_ITEM_AGGREGATE:
		return md_metric(m, it);
	case STORE_ITEM_VERSION:
		if (it->kind == M_SESSION)
			md_keep(&m->sessions, it);
		else if (it->kind == M_CHECK)
			md_keep(&m->checks, it);
		else if (it->kind == M_SOURCE_HEALTH)
			md_keep(&m->sources, it);
		return 0;
	case STORE_ITEM_FACT:
		switch (it->kind) {
		case M_EVENT: return md_event(m, it->rec);
		case M_FINDING: return md_finding(m, it->rec);
		case M_FAILED_LOGIN: return md_failed_login(m, it->rec);
		case M_METRIC: return md_metric(m, it);
		default: return 0;
		}
	}
	return 0;
}

static int
md_entry_cmp(const void *a, const void *b)
{
	const struct md_entry *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static void
md_sparkline(struct buf *b, const struct md_series *s, int utf8)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
		"\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.-~=+*#";
	double range = s->max - s->min;

	buf_append_char(b, '`');
	for (int k = 0; k < MD_SLOTS; k++) {
		int level;

		if (isnan(s->slot[k])) {
			buf_append_char(b, ' ');
			continue;
		}
		level = range > 0 ? (int)((s->slot[k] - s->min) / range * 7.999) : 0;
		if (level < 0)
			level = 0;
		if (level > 7)
			level = 7;
		if (utf8)
			buf_append_str(b, blocks[level]);
		else
			buf_append_char(b, ascii[level]);
	}
	buf_append_char(b, '`');
}

static void
md_cell(struct buf *b, const char *text)
{
	buf_append_str(b, "| ");
	export_cell_markdown(b, text);
	buf_append_char(b, ' ');
}

static int
md_series_cmp(const void *a, const void *b)
{
	const struct md_series *x = a, *y = b;
	int c = strcmp(x->instance, y->instance);

	return c != 0 ? c : strcmp(x->name, y->name);
}

static void
md_write(struct md *m, struct buf *b)
{
	char t1[32], t2[32], now[32];

	buf_append_str(b, "# rdswatch history\n\n");
	buf_printf(b, "- Window: %s to %s (UTC)\n", export_time(m->o->q.from, t1, sizeof t1),
	    export_time(m->o->q.to, t2, sizeof t2));
	buf_append_str(b, "- Instances: ");
	if (m->o->q.ninstances == 0)
		buf_append_str(b, "all");
	for (size_t i = 0; i < m->o->q.ninstances; i++) {
		if (i > 0)
			buf_append_str(b, ", ");
		export_cell_markdown(b, m->o->q.instances[i]);
	}
	buf_printf(b, "\n- Generated: %s by rdswatch %s\n\n", export_time(m->o->now, now, sizeof now),
	    PACKAGE_VERSION);

	buf_append_str(b, "## Timeline\n\n");
	if (m->ne == 0) {
		buf_append_str(b, "Nothing happened in this window.\n\n");
	} else {
		qsort(m->e, m->ne, sizeof *m->e, md_entry_cmp);
		buf_append_str(b, "| Time (UTC) | Instance | What | Details |\n|---|---|---|---|\n");
		for (size_t i = 0; i < m->ne; i++) {
			md_cell(b, export_time(m->e[i].time, t1, sizeof t1));
			md_cell(b, m->e[i].instance);
			md_cell(b, m->e[i].what);
			md_cell(b, m->e[i].detail);
			buf_append_str(b, "|\n");
		}
		buf_append_char(b, '\n');
	}

	buf_append_str(b, "## Metrics\n\n");
	if (m->ns == 0) {
		buf_append_str(b, "No metric samples in this window.\n");
		return;
	}
	qsort(m->s, m->ns, sizeof *m->s, md_series_cmp);
	buf_printf(b, "Each trend character is the highest value in 1/%d of the window.\n\n", MD_SLOTS);
	buf_append_str(b, "| Instance | Metric | Min | Avg | Max | Max at (UTC) | Trend |\n"
	    "|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < m->ns; i++) {
		struct md_series *s = &m->s[i];
		char *name = s->unit[0] ? xasprintf("%s (%s)", s->name, s->unit) : xstrdup(s->name);
		char num[64];

		md_cell(b, s->instance);
		md_cell(b, name);
		snprintf(num, sizeof num, "%.6g", s->min);
		md_cell(b, num);
		snprintf(num, sizeof num, "%.6g", s->sum / (double)s->n);
		md_cell(b, num);
		snprintf(num, sizeof num, "%.6g", s->max);
		md_cell(b, num);
		md_cell(b, export_time(s->max_at, t1, sizeof t1));
		buf_append_str(b, "| ");
		md_sparkline(b, s, m->o->utf8);
		buf_append_str(b, " |\n");
		free(name);
	}
}

static void
md_free(struct md *m)
{
	for (size_t i = 0; i < m->ne; i++) {
		free(m->e[i].instance);
		free(m->e[i].what);
		free(m->e[i].detail);
	}
	free(m->e);
	md_versions_free(&m->sessions);
	md_versions_free(&m->checks);
	md_versions_free(&m->sources);
	for (size_t i = 0; i < m->ns; i++) {
		free(m->s[i].instance);
		free(m->s[i].name);
		free(m->s[i].unit);
	}
	free(m->s);
	store_ids_free(&m->series_ids);
	store_ids_free(&m->findings);
}

int
export_markdown_write(FILE *out, struct store *st, const struct export_opts *o,
    struct rw_error *err)
{
	static const char *const types[] = { "alert_event", "event", "finding", "failed_login",
		"session", "check", "source_health", "metric_5m", "metric" };
	struct md m;
	struct buf b = BUF_INIT;
	int rc = 0;

	memset(&m, 0, sizeof m);
	m.o = o;
	m.sessions.type = &m_session_type;
	m.checks.type = &m_check_type;
	m.sources.type = &m_source_health_type;
	store_ids_init(&m.series_ids);
	store_ids_init(&m.findings);
	for (size_t i = 0; i < sizeof types / sizeof types[0] && rc == 0; i++)
		rc = export_each(st, export_type_find(types[i]), &o->q, md_item, &m, err);
	md_logins_done(&m);
	if (rc == 0) {
		md_sessions_done(&m);
		md_checks_done(&m);
		md_sources_done(&m);
		md_write(&m, &b);
		rc = export_flush(out, &b, err);
	}
	buf_free(&b);
	md_free(&m);
	return rc != 0 ? -1 : 0;
}
