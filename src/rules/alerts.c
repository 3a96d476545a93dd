#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "rules/alerts.h"
#include "rules/facts.h"
#include "rules/netaddr.h"

/* ---- keys and emission ----------------------------------------------- */

static void
alerts_key_part(struct buf *b, const char *s)
{
	buf_append_char(b, ':');
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == ':')
			buf_append_str(b, "%3A");
		else if (*s == '%')
			buf_append_str(b, "%25");
		else
			buf_append_char(b, *s);
	}
}

char *
alerts_key(const char *rule, const char *instance, const char *part1, const char *part2)
{
	struct buf b = BUF_INIT;

	buf_append_str(&b, rule);
	alerts_key_part(&b, instance);
	if (part1 != NULL)
		alerts_key_part(&b, part1);
	if (part2 != NULL)
		alerts_key_part(&b, part2);
	return buf_detach(&b);
}

/* Adds an alert, or keeps the worse of two with one key. */
static void
alerts_emit(struct m_vec *out, const char *rule, const char *instance, const char *part1,
    const char *part2, const char *severity, int64_t band, const char *title,
    const char *detail)
{
	char *key = alerts_key(rule, instance, part1, part2);
	struct m_alert *a = NULL;

	M_VEC_EACH(out, struct m_alert, have) {
		if (strcmp(have->key, key) == 0) {
			a = have;
			break;
		}
	}
	if (a != NULL) {
		int r = rules_severity_rank(severity), h = rules_severity_rank(a->severity);

		if (r < h || (r == h && band <= a->band)) {
			free(key);
			return;
		}
		m_free(&m_alert_type, a);
	} else {
		a = m_vec_push(out);
	}
	a->key = key;	/* built from sanitized parts */
	m_str_set(&a->instance, instance != NULL ? instance : "");
	m_str_set(&a->rule, rule);
	m_str_set(&a->severity, severity);
	m_str_set(&a->title, title);
	m_str_set(&a->detail, detail);
	a->band = band;
}

static const char *
alerts_or(const char *s, const char *dflt)
{
	return s != NULL && *s != '\0' ? s : dflt;
}

static char *
alerts_bytes(double v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	size_t u = 0;

	while (fabs(v) >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
	return buf;
}

/* A moment in a detail line: "11:57Z" within a day of NOW, else the
 * date (a detail must not change with every poll, so no "5m ago"). */
static char *
alerts_clock(int64_t ms, int64_t now, char *buf, size_t len)
{
	char iso[32];

	time_format_iso8601(ms, iso, sizeof iso);
	if (now - ms < TIME_DAY && ms - now < TIME_DAY)
		snprintf(buf, len, "%.5sZ", iso + 11);
	else
		snprintf(buf, len, "%.10s", iso);
	return buf;
}

/* ---- sessions: no TLS, superuser, long transactions ------------------ */

static int
alerts_cmp_session_subject(const void *a, const void *b)
{
	const struct m_session *x = a, *y = b;
	int c;

	if ((c = strcmp(alerts_or(x->instance, ""), alerts_or(y->instance, ""))) != 0)
		return c;
	if ((c = strcmp(alerts_or(x->client_addr, "local"), alerts_or(y->client_addr, "local"))) != 0)
		return c;
	if ((c = strcmp(alerts_or(x->user, "?"), alerts_or(y->user, "?"))) != 0)
		return c;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
alerts_cmp_session_ptr(const void *a, const void *b)
{
	return alerts_cmp_session_subject(*(const struct m_session *const *)a,
	    *(const struct m_session *const *)b);
}

static int
alerts_same_subject(const struct m_session *x, const struct m_session *y)
{
	return facts_str_eq(x->instance, y->instance) &&
	    strcmp(alerts_or(x->client_addr, "local"), alerts_or(y->client_addr, "local")) == 0 &&
	    strcmp(alerts_or(x->user, "?"), alerts_or(y->user, "?")) == 0;
}

static int
alerts_non_tls_allowed(const struct rules_config *cfg, const struct m_session *x)
{
	struct netaddr a;

	if (x->user != NULL && m_list_contains(&cfg->non_tls_allow_users, x->user))
		return 1;
	if (netaddr_parse(x->client_addr, &a) != 0)
		return 0;
	for (size_t i = 0; i < cfg->n_non_tls_allow_cidrs; i++) {
		if (netaddr_in_cidr(&a, &cfg->non_tls_allow_cidrs[i]))
			return 1;
	}
	return 0;
}

typedef int (*alerts_session_pred)(const struct alert_ctx *c, const struct m_session *x);

static int
alerts_is_non_tls(const struct alert_ctx *c, const struct m_session *x)
{
	/* A Unix-socket session (no client address) cannot use TLS, and
	 * the provider's own (rdsadmin) sessions are expected. */
	return x->ssl == 0 && x->client_addr != NULL && *x->client_addr != '\0' &&
	    x->provider_owned != 1 && !alerts_non_tls_allowed(c->cfg, x);
}

static int
alerts_is_superuser(const struct alert_ctx *c, const struct m_session *x)
{
	return x->superuser == 1 && x->provider_owned != 1 &&
	    !(x->user != NULL && m_list_contains(&c->cfg->superuser_allow_users, x->user));
}

/* Groups the sessions PRED selects by (instance, client address, user)
 * and emits one alert per group: critical from a public address, warning
 * from a private one.
 *
 * Why that subject: a pooled or restarting client opens and closes
 * backends all the time, so a pid (or backend_start) would open and
 * resolve an alert on every poll, and acking one would not cover its
 * siblings. The real problem is "this client, as this user, connects
 * without TLS" (or "as a superuser"): fixing that client's sslmode or
 * role ends every session of the group, which is when the alert
 * resolves. The database is left out: one misconfigured client reaching
 * two databases is still one problem. */
static void
alerts_session_groups(const struct alert_ctx *c, struct m_vec *out, const char *rule,
    alerts_session_pred pred)
{
	const struct m_vec *all = &c->s->kinds[M_SESSION];
	size_t n = 0, i = 0;
	const struct m_session **v = xreallocarray(NULL, all->n + 1, sizeof *v);
	int non_tls = strcmp(rule, "non_tls_session") == 0;

	/* The few PRED selects are sorted, not every session. */
	M_VEC_EACH(all, const struct m_session, x) {
		if (pred(c, x))
			v[n++] = x;
	}
	qsort(v, n, sizeof *v, alerts_cmp_session_ptr);
	while (i < n) {
		const struct m_session *first = v[i];
		struct buf pids = BUF_INIT, title = BUF_INIT, detail = BUF_INIT, from = BUF_INIT;
		size_t count = 0, j;
		const char *addr, *user;
		int public;

		for (j = i; j < n && alerts_same_subject(first, v[j]); j++) {
			const struct m_session *x = v[j];

			if (count < 5)
				buf_printf(&pids, "%s%lld", count ? ", " : "", (long long)x->pid);
			count++;
		}
		if (count > 5)
			buf_printf(&pids, ", +%zu", count - 5);
		addr = alerts_or(first->client_addr, "local");
		user = alerts_or(first->user, "?");
		public = !netaddr_str_is_private(first->client_addr);
		if (first->client_addr == NULL || *first->client_addr == '\0')
			buf_append_str(&from, "the local socket");
		else
			buf_printf(&from, "%s %s", public ? "public" : "private", addr);
		if (non_tls) {
			buf_printf(&title, "session without TLS from %s as %s", addr, user);
			buf_printf(&detail, "%zu session%s without TLS from %s as %s (pid %s)", count,
			    count == 1 ? "" : "s", buf_str(&from), user, buf_str(&pids));
		} else {
			buf_printf(&title, "superuser session as %s from %s", user, addr);
			buf_printf(&detail, "%zu session%s as %s (%s) from %s (pid %s)", count,
			    count == 1 ? "" : "s", user, alerts_or(first->superuser_via, "superuser"),
			    buf_str(&from), buf_str(&pids));
		}
		alerts_emit(out, rule, first->instance, addr, user, public ? "critical" : "warning",
		    public ? 2 : 1, buf_str(&title), buf_str(&detail));
		buf_free(&pids);
		buf_free(&from);
		buf_free(&title);
		buf_free(&detail);
		i = j;
	}
	free(v);
}

static void
alerts_rule_non_tls(const struct alert_ctx *c, struct m_vec *out)
{
	alerts_session_groups(c, out, "non_tls_session", alerts_is_non_tls);
}

static void
alerts_rule_superuser(const struct alert_ctx *c, struct m_vec *out)
{
	alerts_session_groups(c, out, "superuser_session", alerts_is_superuser);
}

/* One alert per backend: acking a known long job (a pg_dump) must not
 * hide a new runaway transaction elsewhere, so the pid is the subject. */
static void
alerts_rule_long_transaction(const struct alert_ctx *c, struct m_vec *out)
{
	char age[16], pid[24];

	M_VEC_EACH(&c->s->kinds[M_SESSION], const struct m_session, x) {
		struct buf detail = BUF_INIT, title = BUF_INIT;
		int64_t open_ms;

		if (x->xact_start == 0 || x->xact_start > c->now)
			continue;
		open_ms = c->now - x->xact_start;
		if (open_ms <= c->cfg->long_transaction_ms)
			continue;
		snprintf(pid, sizeof pid, "%lld", (long long)x->pid);
		time_format_age(open_ms, age, sizeof age);
		buf_printf(&title, "transaction open for %s (pid %s)", age, pid);
		buf_printf(&detail, "pid %s, %s@%s from %s, %s, in a transaction for %s", pid,
		    alerts_or(x->user, "?"), alerts_or(x->database, "?"),
		    alerts_or(x->client_addr, "local"), alerts_or(x->state, "state unknown"), age);
		alerts_emit(out, "long_transaction", x->instance, pid, NULL, "warning", 1,
		    buf_str(&title), buf_str(&detail));
		buf_free(&detail);
		buf_free(&title);
	}
	/* Without pg_monitor the sessions lack xact_start, but the server's
	 * oldest transaction is still known. */
	M_VEC_EACH(&c->s->kinds[M_PG_HEALTH], const struct m_pg_health, h) {
		struct buf detail = BUF_INIT, title = BUF_INIT;
		char *key;
		int dup = 0;

		if (isnan(h->oldest_xact_age_s) || h->oldest_xact_pid == M_INT_NONE ||
		    h->oldest_xact_age_s * 1000.0 <= (double)c->cfg->long_transaction_ms)
			continue;
		snprintf(pid, sizeof pid, "%lld", (long long)h->oldest_xact_pid);
		key = alerts_key("long_transaction", h->instance, pid, NULL);
		M_VEC_EACH(out, struct m_alert, a)
			dup |= strcmp(a->key, key) == 0;
		free(key);
		if (dup)
			continue;
		time_format_age((int64_t)(h->oldest_xact_age_s * 1000.0), age, sizeof age);
		buf_printf(&title, "transaction open for %s (pid %s)", age, pid);
		buf_printf(&detail, "pid %s has the oldest transaction, open for %s", pid, age);
		alerts_emit(out, "long_transaction", h->instance, pid, NULL, "warning", 1,
		    buf_str(&title), buf_str(&detail));
		buf_free(&detail);
		buf_free(&title);
	}
}

/* ---- failed logins ---------------------------------------------------- */

struct alerts_burst {
	const struct m_failed_login **v;
	size_t n;
};

/* The most failures inside any WINDOW-long span (times sorted). */
static size_t
alerts_burst_max(const struct alerts_burst *b, int64_t window, size_t *at)
{
	size_t best = 0, lo = 0;

	for (size_t hi = 0; hi < b->n; hi++) {
		while (b->v[hi]->time - b->v[lo]->time >= window)
			lo++;
		if (hi - lo + 1 > best) {
			best = hi - lo + 1;
			*at = hi;
		}
	}
	return best;
}

static int
alerts_cmp_time(const void *a, const void *b)
{
	const struct m_failed_login *x = a, *y = b;

	return (x->time > y->time) - (x->time < y->time);
}

/* Bands by decades of the threshold: N failures warn, 10 N are critical
 * (a brute force), 100 N worse again. */
static int64_t
alerts_burst_band(size_t count, int64_t n)
{
	int64_t band = 1;

	for (int64_t t = n * 10; (int64_t)count >= t && band < 6; t *= 10)
		band++;
	return band;
}

static int
alerts_login_subject_eq(const struct m_failed_login *f, int by_user, const char *subject)
{
	const char *v = by_user ? alerts_or(f->user, "?") : alerts_or(f->client_addr, "local");

	return strcmp(v, subject) == 0;
}

/* Emits the burst of one instance's failures from one address (BY_USER
 * 0) or for one user; returns whether it alerted. */
static int
alerts_burst_emit(const struct alert_ctx *c, struct m_vec *out, const char *instance,
    int by_user, const char *subject, const struct alerts_burst *b)
{
	size_t at = 0, count = alerts_burst_max(b, c->cfg->failed_login_window_ms, &at);
	const struct m_failed_login *last = b->v[at];
	struct buf title = BUF_INIT, detail = BUF_INIT;
	char win[16], when[32];
	int64_t band;

	if ((int64_t)count < c->cfg->failed_login_count)
		return 0;
	band = alerts_burst_band(count, c->cfg->failed_login_count);
	time_format_age(c->cfg->failed_login_window_ms, win, sizeof win);
	alerts_clock(last->time, c->now, when, sizeof when);
	buf_printf(&title, "failed-login burst %s %s", by_user ? "for user" : "from", subject);
	buf_printf(&detail, "%zu failed logins in %s %s %s; last %s %s %s (%s)", count, win,
	    by_user ? "for user" : "from", subject, when, by_user ? "from" : "as",
	    by_user ? alerts_or(last->client_addr, "local") : alerts_or(last->user, "?"),
	    alerts_or(last->reason, "failed"));
	alerts_emit(out, "failed_login_burst", instance, by_user ? "user" : "addr", subject,
	    band > 1 ? "critical" : "warning", band, buf_str(&title), buf_str(&detail));
	buf_free(&title);
	buf_free(&detail);
	return 1;
}

/* N failures in M minutes from one client address, or for one user from
 * several addresses (a spray an address count misses). A user whose
 * failures all come from addresses that already alert adds nothing, so
 * one attacker is one alert. The failures of the last 2 M count, so a
 * burst whose log lines arrive late still alerts, and stays open for about
 * M after it ends. */
static void
alerts_rule_failed_logins(const struct alert_ctx *c, struct m_vec *out)
{
	int64_t since = c->now - 2 * c->cfg->failed_login_window_ms;

	for (size_t k = 0; k < c->f->nbuckets; k++) {
		const char *id = c->f->buckets[k].instance;
		size_t n, m = 0;
		const void **all;

		if (c->f->buckets[k].kinds[M_FAILED_LOGIN].n == 0)
			continue;
		all = facts_collect(c->f, M_FAILED_LOGIN, id, alerts_cmp_time, &n);
		const struct m_failed_login **recent = xcalloc(n + 1, sizeof *recent);
		struct m_list alerted = { NULL, 0 }, seen = { NULL, 0 };

		for (size_t i = 0; i < n; i++) {
			const struct m_failed_login *f = all[i];

			if (f->time > since && f->time <= c->now)
				recent[m++] = f;
		}
		for (int by_user = 0; by_user <= 1; by_user++) {
			m_list_free(&seen);
			for (size_t i = 0; i < m; i++) {
				const char *subject = by_user ? alerts_or(recent[i]->user, "?")
				    : alerts_or(recent[i]->client_addr, "local");
				struct alerts_burst b = { xcalloc(m, sizeof *b.v), 0 };
				int explained = 1;

				if (m_list_contains(&seen, subject)) {
					free(b.v);
					continue;
				}
				m_list_add(&seen, subject);
				for (size_t j = i; j < m; j++) {
					if (!alerts_login_subject_eq(recent[j], by_user, subject))
						continue;
					b.v[b.n++] = recent[j];
					explained &= m_list_contains(&alerted,
					    alerts_or(recent[j]->client_addr, "local"));
				}
				if (!by_user) {
					if (alerts_burst_emit(c, out, id, 0, subject, &b))
						m_list_add(&alerted, subject);
				} else if (!explained) {
					alerts_burst_emit(c, out, id, 1, subject, &b);
				}
				free(b.v);
			}
		}
		m_list_free(&seen);
		m_list_free(&alerted);
		free(recent);
		free(all);
	}
}

/* ---- GuardDuty, RDS events ------------------------------------------- */

/* domain.md section 4: 1-3.9 low, 4-6.9 medium, 7-8.9 high, 9-10
 * critical. */
static int
alerts_guardduty_band(const struct m_finding *f)
{
	static const char *const labels[] = { "low", "medium", "high", "critical" };

	if (!isnan(f->severity))
		return f->severity >= 9 ? 4 : f->severity >= 7 ? 3 : f->severity >= 4 ? 2 : 1;
	for (int i = 0; i < 4; i++) {
		if (f->severity_label != NULL && strcasecmp(f->severity_label, labels[i]) == 0)
			return i + 1;
	}
	return 0;
}

static void
alerts_rule_guardduty(const struct alert_ctx *c, struct m_vec *out)
{
	static const char *const band_names[] = { "?", "low", "medium", "high", "critical" };
	static const char *const severities[] = { "info", "info", "warning", "critical", "critical" };

	M_VEC_EACH(&c->s->kinds[M_FINDING], const struct m_finding, f) {
		struct buf detail = BUF_INIT;
		int64_t t = f->updated_at != 0 ? f->updated_at : f->created_at;
		int band = alerts_guardduty_band(f);

		if (f->archived == 1 || f->id == NULL || band < c->cfg->guardduty_min_band || band == 0)
			continue;
		if (t != 0 && t < c->now - c->cfg->guardduty_window_ms)
			continue;
		buf_printf(&detail, "GuardDuty %s", band_names[band]);
		if (!isnan(f->severity))
			buf_printf(&detail, " %.1f", f->severity);
		buf_printf(&detail, ": %s", alerts_or(f->title, alerts_or(f->type, "finding")));
		if (f->remote_ip != NULL)
			buf_printf(&detail, "; from %s%s%s%s", f->remote_ip, f->remote_country ? " (" : "",
			    alerts_or(f->remote_country, ""), f->remote_country ? ")" : "");
		if (f->db_user != NULL)
			buf_printf(&detail, " as %s", f->db_user);
		if (f->count != M_INT_NONE && f->count > 1)
			buf_printf(&detail, "; seen %lld times", (long long)f->count);
		alerts_emit(out, "guardduty_finding", alerts_or(f->instance, ""), f->id, NULL,
		    severities[band], band, alerts_or(f->type, "GuardDuty finding"), buf_str(&detail));
		buf_free(&detail);
	}
}

/* RDS event categories and how bad each is. "backup disabled" is not an
 * RDS category but one event (RDS-EVENT-0028) worth its own alert. */
static const struct {
	const char *category;
	const char *severity;
} alerts_event_severity[] = {
	{ "failure", "critical" },
	{ "low storage", "critical" },
	{ "failover", "warning" },
	{ "security", "warning" },
	{ "backup disabled", "warning" },
};

static const char *
alerts_event_category_severity(const char *category)
{
	for (size_t i = 0; i < sizeof alerts_event_severity / sizeof alerts_event_severity[0]; i++) {
		if (strcmp(alerts_event_severity[i].category, category) == 0)
			return alerts_event_severity[i].severity;
	}
	return "warning";
}

/* The worst configured category EVENT falls in, or NULL. */
static const char *
alerts_event_category(const struct rules_config *cfg, const struct m_event *e)
{
	const char *best = NULL;

	for (size_t i = 0; i < cfg->event_categories.n; i++) {
		const char *cat = cfg->event_categories.v[i];
		int hit = strcmp(cat, "backup disabled") == 0
		    ? facts_str_eq(e->event_id, "RDS-EVENT-0028") : m_list_contains(&e->categories, cat);

		if (hit && (best == NULL || rules_severity_rank(alerts_event_category_severity(cat)) >
		    rules_severity_rank(alerts_event_category_severity(best))))
			best = cat;
	}
	return best;
}

static int
alerts_cmp_event_time(const void *a, const void *b)
{
	const struct m_event *x = a, *y = b;

	return (x->time > y->time) - (x->time < y->time);
}

struct alerts_event_group {
	const char *instance;
	const char *category;
	const struct m_event *newest;
	size_t count;
};

/* One alert per instance and category: a second failover within the
 * window is the same incident, counted in the detail. */
static void
alerts_rule_events(const struct alert_ctx *c, struct m_vec *out)
{
	size_t n, ng = 0;
	const void **v = facts_collect(c->f, M_EVENT, NULL, alerts_cmp_event_time, &n);
	struct alerts_event_group *g = xcalloc(n + 1, sizeof *g);
	char win[16];

	for (size_t i = 0; i < n; i++) {
		const struct m_event *e = v[i];
		const char *cat = alerts_event_category(c->cfg, e);
		size_t k;

		if (cat == NULL || e->instance == NULL || *e->instance == '\0' ||
		    e->time <= c->now - c->cfg->event_window_ms)
			continue;
		for (k = 0; k < ng; k++) {
			if (strcmp(g[k].instance, e->instance) == 0 && strcmp(g[k].category, cat) == 0)
				break;
		}
		if (k == ng)
			g[ng++] = (struct alerts_event_group){ e->instance, cat, NULL, 0 };
		g[k].newest = e;	/* time order: the last one is the newest */
		g[k].count++;
	}
	time_format_age(c->cfg->event_window_ms, win, sizeof win);
	for (size_t k = 0; k < ng; k++) {
		const struct m_event *e = g[k].newest;
		const char *sev = alerts_event_category_severity(g[k].category);
		struct buf title = BUF_INIT, detail = BUF_INIT;
		char when[32];

		alerts_clock(e->time, c->now, when, sizeof when);
		buf_printf(&title, "RDS event: %s", g[k].category);
		buf_printf(&detail, "RDS %s at %s", g[k].category, when);
		if (g[k].count > 1)
			buf_printf(&detail, " (%zu in %s)", g[k].count, win);
		buf_printf(&detail, ": %s%s%s%s", alerts_or(e->message, ""),
		    e->event_id ? " (" : "", alerts_or(e->event_id, ""), e->event_id ? ")" : "");
		alerts_emit(out, "rds_event", e->instance, g[k].category, NULL, sev,
		    rules_severity_rank(sev), buf_str(&title), buf_str(&detail));
		buf_free(&title);
		buf_free(&detail);
	}
	free(g);
	free(v);
}

/* ---- backups, maintenance, certificates ------------------------------- */

/* Backups are the cluster's business in Aurora: members are skipped. A
 * read replica's backups are optional (its source keeps them). */
static void
alerts_rule_backup(const struct alert_ctx *c, struct m_vec *out)
{
	M_VEC_EACH(&c->s->kinds[M_INSTANCE], const struct m_instance, i) {
		struct buf detail = BUF_INIT;
		char lag[16];
		int64_t behind;

		if (i->id == NULL || facts_is_member(i) || facts_str_eq(i->role, "replica") ||
		    i->backup_retention_days == M_INT_NONE)
			continue;
		if (i->backup_retention_days == 0) {
			alerts_emit(out, "backup", i->id, NULL, NULL, "critical", 2,
			    "automated backups off", "BackupRetentionPeriod = 0: no automated backups, no point-in-time recovery");
			continue;
		}
		/* A stopped or rebooting instance's restore point lags by nature. */
		if (i->latest_restorable_time == 0 || (i->status != NULL && strcmp(i->status, "available") != 0))
			continue;
		behind = c->now - i->latest_restorable_time;
		if (behind <= c->cfg->backup_lag_ms)
			continue;
		time_format_age(behind, lag, sizeof lag);
		buf_printf(&detail, "LatestRestorableTime is %s behind (over ", lag);
		time_format_age(c->cfg->backup_lag_ms, lag, sizeof lag);
		buf_printf(&detail, "%s): point-in-time recovery is behind", lag);
		alerts_emit(out, "backup", i->id, NULL, NULL, "warning", 1,
		    "point-in-time restore lagging", buf_str(&detail));
		buf_free(&detail);
	}
}

static void
alerts_rule_forced_maintenance(const struct alert_ctx *c, struct m_vec *out)
{
	M_VEC_EACH(&c->s->kinds[M_MAINTENANCE], const struct m_maintenance, m) {
		struct buf title = BUF_INIT, detail = BUF_INIT;
		char date[16], left[16];
		int64_t until = m->forced_apply_date - c->now;
		int64_t band;

		if (m->forced_apply_date == 0 || until > c->cfg->forced_maintenance_ms)
			continue;
		band = until <= 0 ? 3 : until <= TIME_DAY ? 2 : 1;
		facts_date(m->forced_apply_date, date, sizeof date);
		time_format_age(until > 0 ? until : -until, left, sizeof left);
		buf_printf(&title, "forced maintenance: %s", alerts_or(m->action, "action"));
		buf_printf(&detail, "maintenance %s forced on %s (%s %s)%s%s", alerts_or(m->action, "action"), date,
		    left, until > 0 ? "left" : "overdue", m->description ? ": " : "",
		    alerts_or(m->description, ""));
		alerts_emit(out, "forced_maintenance", m->instance, alerts_or(m->action, "action"), NULL,
		    "warning", band, buf_str(&title), buf_str(&detail));
		buf_free(&title);
		buf_free(&detail);
	}
}

static void
alerts_rule_ca(const struct alert_ctx *c, struct m_vec *out)
{
	M_VEC_EACH(&c->s->kinds[M_INSTANCE], const struct m_instance, i) {
		struct buf detail = BUF_INIT;
		char date[16];
		int64_t left = i->ca_valid_till - c->now;
		const char *ca = alerts_or(i->ca_certificate_id, "certificate");

		if (i->id == NULL || facts_is_cluster(i) || i->ca_valid_till == 0 ||
		    left > c->cfg->ca_warning_ms)
			continue;
		facts_date(i->ca_valid_till, date, sizeof date);
		if (left <= 0)
			buf_printf(&detail, "CA %s expired %s", ca, date);
		else
			buf_printf(&detail, "CA %s expires %s (%lld day%s)", ca, date,
			    (long long)(left / TIME_DAY), left / TIME_DAY == 1 ? "" : "s");
		alerts_emit(out, "ca_certificate", i->id, NULL, NULL,
		    left <= c->cfg->ca_critical_ms ? "critical" : "warning",
		    left <= 0 ? 3 : left <= c->cfg->ca_critical_ms ? 2 : 1,
		    left <= 0 ? "CA certificate expired" : "CA certificate expiring", buf_str(&detail));
		buf_free(&detail);
	}
}

/* ---- metrics and the server ------------------------------------------ */

/* Aurora has no allocated storage (the volume grows): its instances
 * report a token size, so only RDS instances are measured. */
static void
alerts_rule_free_storage(const struct alert_ctx *c, struct m_vec *out)
{
	M_VEC_EACH(&c->s->kinds[M_INSTANCE], const struct m_instance, i) {
		const struct m_metric *m;
		struct buf detail = BUF_INIT;
		char fb[32], ab[32];
		double total, pct;
		int crit;

		if (i->id == NULL || facts_is_cluster(i) || facts_is_aurora(i) ||
		    i->allocated_storage_gib == M_INT_NONE || i->allocated_storage_gib <= 0)
			continue;
		m = facts_metric_latest(c->f, i->id, "FreeStorageSpace", c->now, c->cfg->metric_max_age_ms);
		if (m == NULL)
			continue;
		total = (double)i->allocated_storage_gib * 1024.0 * 1024.0 * 1024.0;
		pct = m->value / total * 100.0;
		if (pct >= c->cfg->free_storage_warning_pct)
			continue;
		crit = pct < c->cfg->free_storage_critical_pct;
		buf_printf(&detail, "FreeStorageSpace %s of %s (%.1f%%, below %g%%)",
		    alerts_bytes(m->value, fb, sizeof fb), alerts_bytes(total, ab, sizeof ab), pct,
		    crit ? c->cfg->free_storage_critical_pct : c->cfg->free_storage_warning_pct);
		alerts_emit(out, "free_storage", i->id, NULL, NULL, crit ? "critical" : "warning",
		    crit ? 2 : 1, "free storage low", buf_str(&detail));
		buf_free(&detail);
	}
}

static int64_t
alerts_period_ms(const struct m_metric *m)
{
	return (m->period_s != M_INT_NONE && m->period_s > 0 ? m->period_s : 60) * TIME_SEC;
}

static int
alerts_cmp_time_desc(const void *a, const void *b)
{
	const struct m_metric *x = a, *y = b;

	return (x->time < y->time) - (x->time > y->time);
}

/* Over the threshold "for D": the newest samples, back in time and
 * without gaps, are all above it and together cover D (a sample covers
 * its period). */
static void
alerts_rule_cpu(const struct alert_ctx *c, struct m_vec *out, const char *id)
{
	const struct m_metric *latest = facts_metric_latest(c->f, id, "CPUUtilization", c->now,
	    c->cfg->metric_max_age_ms);
	size_t n;
	const void **v;
	int64_t end, oldest, covered = 0;
	double low = INFINITY;
	struct buf detail = BUF_INIT;
	char dur[16];

	if (latest == NULL || !(latest->value > c->cfg->cpu_pct))
		return;
	v = facts_collect(c->f, M_METRIC, id, alerts_cmp_time_desc, &n);
	end = oldest = latest->time + alerts_period_ms(latest);
	for (size_t i = 0; i < n && covered < c->cfg->cpu_duration_ms; i++) {
		const struct m_metric *m = v[i];

		if (!facts_str_eq(m->name, "CPUUtilization") || m->time > latest->time || isnan(m->value))
			continue;
		if (!(m->value > c->cfg->cpu_pct) || m->time + alerts_period_ms(m) < oldest)
			break;	/* below, or a gap in the data */
		oldest = m->time;
		covered = end - oldest;
		if (m->value < low)
			low = m->value;
	}
	free(v);
	if (covered < c->cfg->cpu_duration_ms)
		return;
	time_format_age(covered, dur, sizeof dur);
	buf_printf(&detail, "CPUUtilization above %g%% for %s (now %.1f%%, low %.1f%%)",
	    c->cfg->cpu_pct, dur, latest->value, low);
	alerts_emit(out, "cpu", id, NULL, NULL, "warning", 1, "CPU saturated", buf_str(&detail));
	buf_free(&detail);
}

/* max_connections from the server, else a numeric parameter (a
 * parameter group may hold a formula such as {DBInstanceClassMemory/..}). */
static int64_t
alerts_max_connections(const struct facts *f, const char *id, const struct m_pg_health *h)
{
	static const char *const sources[] = { "pg_settings", "parameter_group" };

	if (h != NULL && h->max_connections != M_INT_NONE && h->max_connections > 0)
		return h->max_connections;
	for (size_t i = 0; i < 2; i++) {
		const struct m_parameter *p = facts_parameter(f, id, sources[i], "max_connections");
		char *end;
		long long v;

		if (p == NULL)
			continue;
		v = strtoll(p->value, &end, 10);
		if (end != p->value && *end == '\0' && v > 0)
			return v;
	}
	return M_INT_NONE;
}

static void
alerts_rule_connections(const struct alert_ctx *c, struct m_vec *out, const char *id)
{
	const struct m_pg_health *h = facts_pg_health(c->f, id);
	int64_t max = alerts_max_connections(c->f, id, h);
	int64_t reserved = h != NULL && h->reserved_connections != M_INT_NONE ? h->reserved_connections : 0;
	double conns = NAN;
	struct buf detail = BUF_INIT;
	int full;

	if (h != NULL && h->connections != M_INT_NONE) {
		conns = (double)h->connections;
	} else {
		const struct m_metric *m = facts_metric_latest(c->f, id, "DatabaseConnections", c->now,
		    c->cfg->metric_max_age_ms);

		if (m != NULL)
			conns = m->value;
	}
	if (max == M_INT_NONE || isnan(conns) || !(conns > c->cfg->connections_pct * (double)max / 100.0))
		return;
	/* Past max_connections - reserved, new ordinary logins fail. */
	full = conns >= (double)(max - reserved);
	buf_printf(&detail, "%.0f connections of max_connections %lld (%.0f%%)%s", conns,
	    (long long)max, conns * 100.0 / (double)max, full ? ": no slot left for ordinary users" : "");
	alerts_emit(out, "connections", id, NULL, NULL, full ? "critical" : "warning", full ? 2 : 1,
	    full ? "connections exhausted" : "connections near max_connections", buf_str(&detail));
	buf_free(&detail);
}

/* Wraparound is a property of the whole server (it stops at the oldest
 * database), so the instance is the subject; the database is named. */
static void
alerts_rule_xid(const struct alert_ctx *c, struct m_vec *out, const char *id)
{
	const struct m_pg_health *h = facts_pg_health(c->f, id);
	int64_t age = M_INT_NONE;
	const char *db = NULL;
	struct buf detail = BUF_INIT;
	int crit;

	size_t n;
	const void *const *v = facts_of(c->f, M_XID_AGE, id, &n);

	for (size_t i = 0; i < n; i++) {
		const struct m_xid_age *x = v[i];

		if (x->age != M_INT_NONE && (age == M_INT_NONE || x->age > age)) {
			age = x->age;
			db = x->database;
		}
	}
	if (age == M_INT_NONE && h != NULL && h->max_xid_age != M_INT_NONE) {
		age = h->max_xid_age;
		db = h->max_xid_age_database;
	}
	if (age == M_INT_NONE) {
		const struct m_metric *m = facts_metric_latest(c->f, id, "MaximumUsedTransactionIDs",
		    c->now, c->cfg->metric_max_age_ms);

		if (m != NULL)
			age = (int64_t)m->value;
	}
	if (age == M_INT_NONE || age <= c->cfg->xid_age_warning)
		return;
	crit = age > c->cfg->xid_age_critical;
	buf_printf(&detail, "transaction ID age %.2f billion%s%s (wraparound stops writes at 2.1)",
	    (double)age / 1e9, db != NULL ? " in database " : "", db != NULL ? db : "");
	alerts_emit(out, "xid_age", id, NULL, NULL, crit ? "critical" : "warning", crit ? 2 : 1,
	    "transaction ID wraparound risk", buf_str(&detail));
	buf_free(&detail);
}

static void
alerts_rule_inactive_slot(const struct alert_ctx *c, struct m_vec *out)
{
	M_VEC_EACH(&c->s->kinds[M_REPL_SLOT], const struct m_repl_slot, r) {
		struct buf title = BUF_INIT, detail = BUF_INIT;
		char wal[32];

		if (r->active != 0 || r->retained_wal_bytes == M_INT_NONE ||
		    r->retained_wal_bytes <= c->cfg->inactive_slot_wal_bytes)
			continue;
		buf_printf(&title, "inactive replication slot %s", alerts_or(r->slot_name, "?"));
		buf_printf(&detail, "slot %s (%s%s%s) is inactive and retains %s of WAL",
		    alerts_or(r->slot_name, "?"), alerts_or(r->slot_type, "?"), r->plugin ? ", " : "",
		    alerts_or(r->plugin, ""), alerts_bytes((double)r->retained_wal_bytes, wal, sizeof wal));
		alerts_emit(out, "inactive_slot", r->instance, alerts_or(r->slot_name, "?"), NULL,
		    "warning", 1, buf_str(&title), buf_str(&detail));
		buf_free(&title);
		buf_free(&detail);
	}
}

/* ReplicaLag is in seconds, AuroraReplicaLag in milliseconds. */
static void
alerts_rule_replica_lag(const struct alert_ctx *c, struct m_vec *out, const char *id)
{
	static const struct {
		const char *name;
		double to_ms;
	} metrics[] = { { "ReplicaLag", 1000.0 }, { "AuroraReplicaLag", 1.0 } };

	for (size_t i = 0; i < 2; i++) {
		const struct m_metric *m = facts_metric_latest(c->f, id, metrics[i].name, c->now,
		    c->cfg->metric_max_age_ms);
		struct buf detail = BUF_INIT;
		char lag[16], max[16];
		double ms;

		if (m == NULL)
			continue;
		ms = m->value * metrics[i].to_ms;
		if (!(ms > (double)c->cfg->replica_lag_ms))
			continue;
		time_format_age((int64_t)ms, lag, sizeof lag);
		time_format_age(c->cfg->replica_lag_ms, max, sizeof max);
		buf_printf(&detail, "%s %s (over %s)", metrics[i].name, lag, max);
		alerts_emit(out, "replica_lag", id, NULL, NULL, "warning", 1, "replica lagging",
		    buf_str(&detail));
		buf_free(&detail);
	}
}

/* ---- sources ---------------------------------------------------------- */

static void
alerts_rule_source(const struct alert_ctx *c, struct m_vec *out)
{
	M_VEC_EACH(&c->s->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		struct buf title = BUF_INIT, detail = BUF_INIT;

		if (h->source == NULL || h->consecutive_failures == M_INT_NONE ||
		    h->consecutive_failures <= c->cfg->source_failures)
			continue;
		buf_printf(&title, "source %s failing", h->source);
		buf_printf(&detail, "source %s: %lld failed polls in a row", h->source,
		    (long long)h->consecutive_failures);
		if (h->error_code != NULL || h->error_message != NULL)
			buf_printf(&detail, ": %s%s%s", alerts_or(h->error_code, ""),
			    h->error_code && h->error_message ? ": " : "", alerts_or(h->error_message, ""));
		if (h->error_service != NULL || h->error_operation != NULL)
			buf_printf(&detail, " (%s%s%s)", alerts_or(h->error_service, ""),
			    h->error_service && h->error_operation ? " " : "",
			    alerts_or(h->error_operation, ""));
		if (h->missing_action != NULL)
			buf_printf(&detail, "; IAM action needed: %s", h->missing_action);
		alerts_emit(out, "source_failing", alerts_or(h->instance, ""), h->source, NULL,
		    "warning", 1, buf_str(&title), buf_str(&detail));
		buf_free(&title);
		buf_free(&detail);
	}
}

/* ---- the table ------------------------------------------------------- */

const struct alert_rule alert_rules[] = {
	{ "non_tls_session", "a session without TLS: critical from a public address, warning from a private one",
	    alerts_rule_non_tls, NULL },
	{ "superuser_session", "a superuser or rds_superuser session, not the provider's and not allowlisted",
	    alerts_rule_superuser, NULL },
	{ "failed_login_burst", "failed logins from one address or for one user within the window",
	    alerts_rule_failed_logins, NULL },
	{ "guardduty_finding", "a GuardDuty RDS finding, by severity band", alerts_rule_guardduty, NULL },
	{ "rds_event", "an RDS event in a watched category", alerts_rule_events, NULL },
	{ "backup", "automated backups off, or LatestRestorableTime lagging", alerts_rule_backup, NULL },
	{ "forced_maintenance", "maintenance forced within the window", alerts_rule_forced_maintenance, NULL },
	{ "ca_certificate", "the server CA certificate expiring", alerts_rule_ca, NULL },
	{ "free_storage", "free storage below a share of the allocated storage", alerts_rule_free_storage, NULL },
	{ "cpu", "CPU above the threshold for the duration", NULL, alerts_rule_cpu },
	{ "connections", "connections above a share of max_connections", NULL, alerts_rule_connections },
	{ "xid_age", "transaction ID age (wraparound)", NULL, alerts_rule_xid },
	{ "inactive_slot", "an inactive replication slot retaining WAL", alerts_rule_inactive_slot, NULL },
	{ "long_transaction", "a transaction open too long", alerts_rule_long_transaction, NULL },
	{ "replica_lag", "replica lag over the threshold", NULL, alerts_rule_replica_lag },
	{ "source_failing", "a source failing several polls in a row", alerts_rule_source, NULL },
};

const size_t alert_rule_count = sizeof alert_rules / sizeof alert_rules[0];

const struct alert_rule *
alert_rule_find(const char *id)
{
	for (size_t i = 0; i < alert_rule_count; i++) {
		if (strcmp(alert_rules[i].id, id) == 0)
			return &alert_rules[i];
	}
	return NULL;
}

/* The instances a server rule looks at: those with an instance record,
 * server health, transaction ID ages or metrics. */
static int
alerts_is_server(const struct facts_bucket *b)
{
	return *b->instance != '\0' && (b->kinds[M_INSTANCE].n > 0 || b->kinds[M_PG_HEALTH].n > 0 ||
	    b->kinds[M_XID_AGE].n > 0 || b->kinds[M_METRIC].n > 0);
}

void
alerts_evaluate(const struct facts *f, const struct rules_config *cfg, int64_t now,
    struct m_vec *out)
{
	struct alert_ctx c = { f, f->s, cfg, now };

	for (size_t i = 0; i < alert_rule_count; i++) {
		const struct alert_rule *r = &alert_rules[i];

		if (rules_config_disabled(cfg, r->id))
			continue;
		if (r->eval != NULL)
			r->eval(&c, out);
		for (size_t k = 0; r->eval_each != NULL && k < f->nbuckets; k++) {
			if (alerts_is_server(&f->buckets[k]))
				r->eval_each(&c, out, f->buckets[k].instance);
		}
	}
}
