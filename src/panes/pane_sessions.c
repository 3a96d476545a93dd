/* Sessions: every client backend, with what pg_activity and pgcenter do
 * not show: TLS and superuser status per session. */
#include <config.h>

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "panes/fmt.h"
#include "panes/pane.h"

/* "Long running": a query or a transaction older than this. */
#define SESSIONS_LONG_MS (5 * TIME_MIN)

enum {
	C_PID, C_USER, C_DB, C_APP, C_CLIENT, C_TLS, C_SU, C_STATE, C_AGE, C_WAIT, C_BLOCKED,
	C_QUERY, C_COUNT
};

static const struct table_col sessions_cols[C_COUNT] = {
	[C_PID] = { "PID", 7, 0, TABLE_RIGHT },
	[C_USER] = { "User", 10, 0, 0 },
	[C_DB] = { "DB", 8, 4, 0 },
	[C_APP] = { "App", 10, 5, 0 },
	[C_CLIENT] = { "Client", 15, 1, 0 },
	[C_TLS] = { "TLS", 7, 0, 0 },
	[C_SU] = { "SU", 5, 0, 0 },
	[C_STATE] = { "State", 8, 0, 0 },
	[C_AGE] = { "Age", 5, 0, TABLE_RIGHT },
	[C_WAIT] = { "Wait", 14, 6, 0 },
	[C_BLOCKED] = { "Blk by", 6, 3, 0 },
	[C_QUERY] = { "Query", 10, 0, TABLE_FLEX },
};

enum sessions_mode {
	SHOW_ALL, SHOW_NO_TLS, SHOW_SUPERUSER, SHOW_IDLE_TX, SHOW_LONG, SHOW_BLOCKED
};

static const char *const sessions_mode_names[] = {
	[SHOW_ALL] = "all",
	[SHOW_NO_TLS] = "no TLS",
	[SHOW_SUPERUSER] = "superuser",
	[SHOW_IDLE_TX] = "idle in transaction",
	[SHOW_LONG] = "long running > 5m",
	[SHOW_BLOCKED] = "blocked",
};

/* Whether ADDR is a loopback, private, link-local or shared address: a
 * plaintext session from there is bad; from anywhere else, worse. */
static int
sessions_addr_private(const char *addr)
{
	unsigned char a[16];

	if (addr == NULL || addr[0] == '\0')
		return 1;	/* a Unix socket */
	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 10 || a[0] == 127 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
		    (a[0] == 100 && (a[1] & 0xc0) == 64);
	if (inet_pton(AF_INET6, addr, a) == 1) {
		static const unsigned char loop[16] = { [15] = 1 };

		return memcmp(a, loop, 16) == 0 || (a[0] & 0xfe) == 0xfc ||
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
	}
	return 0;
}

static int
sessions_is_idle_tx(const struct m_session *x)
{
	return x->state != NULL && strncmp(x->state, "idle in transaction", 19) == 0;
}

static int
sessions_is_long(const struct m_session *x, int64_t now)
{
	int active = x->state != NULL && strcmp(x->state, "active") == 0;

	return (active && x->query_start != 0 && now - x->query_start > SESSIONS_LONG_MS) ||
	    (x->xact_start != 0 && now - x->xact_start > SESSIONS_LONG_MS);
}

static int
sessions_shown(const struct pane *p, const struct m_session *x, int64_t now)
{
	switch ((enum sessions_mode)p->mode) {
	case SHOW_ALL: return 1;
	case SHOW_NO_TLS: return x->ssl == 0;
	case SHOW_SUPERUSER: return x->superuser == 1;
	case SHOW_IDLE_TX: return sessions_is_idle_tx(x);
	case SHOW_LONG: return sessions_is_long(x, now);
	case SHOW_BLOCKED: return x->blocked_by.n > 0;
	}
	return 1;
}

static const char *
sessions_state_short(const char *state)
{
	static const struct { const char *state, *shown; } map[] = {
		{ "idle in transaction (aborted)", "idle-tx!" },
		{ "idle in transaction", "idle-tx" },
		{ "fastpath function call", "fastpath" },
	};

	if (state == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
		if (strcmp(state, map[i].state) == 0)
			return map[i].shown;
	}
	return state;
}

static void
sessions_tls(struct table_row *r, const struct m_session *x)
{
	if (x->ssl == 1) {
		table_set(r, C_TLS, CANVAS_OK, 1, x->ssl_version != NULL ? x->ssl_version : "yes");
	} else if (x->ssl == 0) {
		int priv = sessions_addr_private(x->client_addr);

		table_set(r, C_TLS, priv ? CANVAS_WARNING : CANVAS_CRITICAL, 0, "NO");
	} else {
		table_set(r, C_TLS, CANVAS_STALE, -1, "?");
	}
}

static void
sessions_su(struct table_row *r, const struct m_session *x)
{
	if (x->superuser != 1) {
		table_set(r, C_SU, 0, x->superuser == 0 ? 0 : -1, x->superuser == 0 ? "" : "?");
		return;
	}
	if (x->provider_owned == 1)
		table_set(r, C_SU, CANVAS_DIM, 1, "AWS");
	else if (x->superuser_via != NULL && strcmp(x->superuser_via, "rds_superuser") == 0)
		table_set(r, C_SU, CANVAS_CRITICAL, 2, "rdsSU");
	else
		table_set(r, C_SU, CANVAS_CRITICAL, 3, "SU");
}

static void
sessions_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	char key[96], buf[32];

	M_VEC_EACH(&s->kinds[M_SESSION], const struct m_session, x) {
		struct table_row *r;
		char *blk;

		if (!pane_instance_ok(env, x->instance) || !sessions_shown(p, x, env->now))
			continue;
		snprintf(key, sizeof key, "%s/%lld/%lld", x->instance != NULL ? x->instance : "",
		    (long long)x->pid, (long long)x->backend_start);
		r = table_add(&p->table, key, x, x->provider_owned == 1 ? CANVAS_DIM : 0);
		table_setf(r, C_PID, 0, (double)x->pid, "%lld", (long long)x->pid);
		table_set(r, C_USER, 0, NAN, x->user);
		table_set(r, C_DB, 0, NAN, x->database);
		table_set(r, C_APP, 0, NAN, x->application_name);
		table_set(r, C_CLIENT, 0, NAN,
		    x->client_addr != NULL ? x->client_addr : "local");
		sessions_tls(r, x);
		sessions_su(r, x);
		table_set(r, C_STATE, sessions_is_idle_tx(x) ? CANVAS_WARNING : 0, NAN,
		    sessions_state_short(x->state));
		table_set(r, C_AGE, sessions_is_long(x, env->now) ? CANVAS_WARNING : 0,
		    x->state_change != 0 ? (double)(env->now - x->state_change) : NAN,
		    fmt_age(env->now, x->state_change, buf, sizeof buf));
		if (x->wait_event_type != NULL || x->wait_event != NULL)
			table_setf(r, C_WAIT, 0, NAN, "%s:%s",
			    x->wait_event_type != NULL ? x->wait_event_type : "",
			    x->wait_event != NULL ? x->wait_event : "");
		else
			table_set(r, C_WAIT, 0, NAN, "");
		blk = m_list_join(&x->blocked_by, ",");
		table_set(r, C_BLOCKED, blk[0] != '\0' ? CANVAS_WARNING : 0,
		    (double)x->blocked_by.n, blk);
		free(blk);
		table_set(r, C_QUERY, 0, NAN,
		    x->insufficient_privilege == 1 ? "<insufficient privilege>" : x->query);
	}
}

static void
sessions_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const struct m_session *x = row->rec;
	char a[32], b[32];
	char *blk = m_list_join(&x->blocked_by, ", ");

	(void)p;
	(void)s;
	detail_heading(d, "Session");
	detail_add(d, "Instance", 0, x->instance);
	detail_addf(d, "PID", 0, "%lld", (long long)x->pid);
	detail_add(d, "User", 0, x->user);
	if (x->superuser == 1)
		detail_addf(d, "Superuser", x->provider_owned == 1 ? CANVAS_DIM : CANVAS_CRITICAL,
		    "yes (%s)%s", x->superuser_via != NULL ? x->superuser_via : "?",
		    x->provider_owned == 1 ? ", owned by the provider (expected)" : "");
	else
		detail_add(d, "Superuser", 0, fmt_tri(x->superuser, "yes", "no"));
	detail_add(d, "Database", 0, x->database);
	detail_add(d, "Application", 0, x->application_name);
	if (x->client_port != M_INT_NONE)
		detail_addf(d, "Client", 0, "%s port %lld",
		    x->client_addr != NULL ? x->client_addr : "local", (long long)x->client_port);
	else
		detail_add(d, "Client", 0, x->client_addr != NULL ? x->client_addr : "local");
	if (x->ssl == 1)
		detail_addf(d, "TLS", CANVAS_OK, "yes: %s %s (%lld bits)",
		    x->ssl_version != NULL ? x->ssl_version : "?",
		    x->ssl_cipher != NULL ? x->ssl_cipher : "?",
		    (long long)(x->ssl_bits != M_INT_NONE ? x->ssl_bits : 0));
	else
		detail_add(d, "TLS", x->ssl == 0 ? CANVAS_CRITICAL : CANVAS_STALE,
		    x->ssl == 0 ? "NO: the connection is not encrypted" : "unknown");
	detail_addf(d, "State", 0, "%s for %s", x->state != NULL ? x->state : "?",
	    fmt_age(env->now, x->state_change, a, sizeof a));
	detail_time(d, "Transaction start", 0, x->xact_start, env->now);
	detail_time(d, "Query start", 0, x->query_start, env->now);
	detail_time(d, "Backend start", 0, x->backend_start, env->now);
	detail_addf(d, "Wait event", 0, "%s %s", x->wait_event_type != NULL ? x->wait_event_type : "-",
	    x->wait_event != NULL ? x->wait_event : "");
	detail_add(d, "Blocked by", blk[0] != '\0' ? CANVAS_WARNING : 0, blk[0] != '\0' ? blk : "none");
	detail_addf(d, "Seen", 0, "first %s ago, last %s ago",
	    fmt_age(env->now, x->first_seen, a, sizeof a), fmt_age(env->now, x->last_seen, b, sizeof b));
	detail_heading(d, "Query text (truncated, literals masked)");
	detail_add(d, "", 0, x->insufficient_privilege == 1 ?
	    "<insufficient privilege: the monitoring role lacks pg_monitor>" : x->query);
	free(blk);
}

static int
sessions_action(struct pane *p, enum pane_action act, const struct snapshot *s,
    const struct pane_env *env)
{
	static const struct { enum pane_action act; enum sessions_mode mode; } map[] = {
		{ PA_SHOW_ALL, SHOW_ALL }, { PA_SHOW_NO_TLS, SHOW_NO_TLS },
		{ PA_SHOW_SUPERUSER, SHOW_SUPERUSER }, { PA_SHOW_IDLE_TX, SHOW_IDLE_TX },
		{ PA_SHOW_LONG, SHOW_LONG }, { PA_SHOW_BLOCKED, SHOW_BLOCKED },
	};

	(void)s;
	(void)env;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
		if (map[i].act == act) {
			p->mode = map[i].mode;
			p->detail = 0;
			return 1;
		}
	}
	return 0;
}

static const char *
sessions_mode_name(const struct pane *p)
{
	return sessions_mode_names[p->mode];
}

static const char *const sessions_help[] = {
	"TLS: the protocol version, or NO for a plaintext connection (critical",
	"  from a public address). SU: SU superuser, rdsSU member of",
	"  rds_superuser, AWS the provider's own rdsadmin (expected).",
	"Age: time in the current state. Query text is truncated and its",
	"  literals are masked by the pg source.",
	NULL,
};

const struct pane_ops pane_sessions_ops = {
	.name = "sessions",
	.title = "Sessions",
	.tab = "Sessions",
	.abbrev = "Sess",
	.source = "pg",
	.cols = sessions_cols,
	.ncols = C_COUNT,
	.sort_col = C_AGE,
	.sort_reverse = 1,
	.empty = "(no client sessions: the pg source has reported none)",
	.polltimes = SNAPSHOT_KIND(M_SESSION),	/* "last seen" in the detail */
	.rows = sessions_rows,
	.detail = sessions_detail,
	.action = sessions_action,
	.mode_name = sessions_mode_name,
	.help = sessions_help,
};
