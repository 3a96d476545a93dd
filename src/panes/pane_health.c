/* Health: connections against max_connections, the oldest transaction,
 * transaction ID age, replication slots, and the health of every source
 * rdswatch polls (so a failing or stale source is never hidden). */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "panes/fmt.h"
#include "panes/pane.h"
#include "view/freshness.h"

#define HEALTH_XID_WARNING 1000000000.0
#define HEALTH_XID_CRITICAL 1500000000.0
#define HEALTH_XACT_WARNING_S 3600.0

enum { C_AREA, C_ITEM, C_INSTANCE, C_STATE, C_VALUE, C_COUNT };

static const struct table_col health_cols[C_COUNT] = {
	[C_AREA] = { "Area", 11, 0, 0 },
	[C_ITEM] = { "Item", 18, 0, 0 },
	[C_INSTANCE] = { "Instance", 14, 1, 0 },
	[C_STATE] = { "State", 6, 0, 0 },
	[C_VALUE] = { "Value", 20, 0, TABLE_FLEX },
};

/* What a row shows (the row's tag). */
enum { H_CONN, H_XACT, H_XID, H_TLS, H_SLOT, H_SOURCE };

static const char *const health_areas[] = {
	[H_CONN] = "connections", [H_XACT] = "transaction", [H_XID] = "xid age",
	[H_TLS] = "monitoring", [H_SLOT] = "replication", [H_SOURCE] = "source",
};

static struct table_row *
health_row(struct pane *p, int tag, const void *rec, const char *item, const char *inst,
    int style, const char *state)
{
	char key[256];
	struct table_row *r;

	snprintf(key, sizeof key, "%d/%s/%s", tag, inst != NULL ? inst : "", item);
	r = table_add(&p->table, key, rec, 0);
	r->tag = tag;
	table_set(r, C_AREA, 0, tag, health_areas[tag]);
	table_set(r, C_ITEM, 0, NAN, item);
	table_set(r, C_INSTANCE, 0, NAN, inst);
	table_set(r, C_STATE, style, style == CANVAS_OK ? 0 : style == CANVAS_DIM ? 1 :
	    style == CANVAS_WARNING ? 2 : 3, state);
	return r;
}

static void
health_pg(struct pane *p, const struct m_pg_health *h)
{
	struct table_row *r;
	char a[32];

	if (h->connected == 0) {
		r = health_row(p, H_CONN, h, "server", h->instance, CANVAS_CRITICAL, "DOWN");
		table_set(r, C_VALUE, CANVAS_CRITICAL, NAN, "rdswatch cannot connect");
	} else if (h->connections != M_INT_NONE && h->max_connections != M_INT_NONE &&
	    h->max_connections > 0) {
		int64_t usable = h->max_connections -
		    (h->reserved_connections != M_INT_NONE ? h->reserved_connections : 0);
		double pct = usable > 0 ? 100.0 * (double)h->connections / (double)usable : 100;
		int style = pct >= 90 ? CANVAS_CRITICAL : pct >= 80 ? CANVAS_WARNING : CANVAS_OK;

		r = health_row(p, H_CONN, h, "in use", h->instance, style,
		    style == CANVAS_OK ? "ok" : style == CANVAS_WARNING ? "WARN" : "CRIT");
		table_setf(r, C_VALUE, 0, pct, "%lld of %lld usable (%.0f%%; max_connections %lld)",
		    (long long)h->connections, (long long)usable, pct, (long long)h->max_connections);
	}
	if (!isnan(h->oldest_xact_age_s)) {
		int style = h->oldest_xact_age_s > HEALTH_XACT_WARNING_S ? CANVAS_WARNING : CANVAS_OK;

		time_format_age((int64_t)(h->oldest_xact_age_s * 1000), a, sizeof a);
		r = health_row(p, H_XACT, h, "oldest open", h->instance, style,
		    style == CANVAS_OK ? "ok" : "WARN");
		if (h->oldest_xact_pid != M_INT_NONE)
			table_setf(r, C_VALUE, 0, h->oldest_xact_age_s, "%s (pid %lld)", a,
			    (long long)h->oldest_xact_pid);
		else
			table_set(r, C_VALUE, 0, h->oldest_xact_age_s, a);
	}
	if (h->max_xid_age != M_INT_NONE) {
		double age = (double)h->max_xid_age;
		int style = age >= HEALTH_XID_CRITICAL ? CANVAS_CRITICAL :
		    age >= HEALTH_XID_WARNING ? CANVAS_WARNING : CANVAS_OK;

		r = health_row(p, H_XID, h, "oldest database", h->instance, style,
		    style == CANVAS_OK ? "ok" : style == CANVAS_WARNING ? "WARN" : "CRIT");
		table_setf(r, C_VALUE, 0, age, "%s in %s (wraparound at 2.1G)",
		    fmt_count(age, a, sizeof a),
		    h->max_xid_age_database != NULL ? h->max_xid_age_database : "?");
	}
	if (h->tls_mode != NULL || h->tls_verified != M_TRI_UNKNOWN) {
		/* Without a connection nothing was verified: only the setting
		 * is known (a weak one still warns). */
		int unverified = h->tls_verified != 1;
		int style = unverified ? CANVAS_WARNING : h->connected == 0 ? CANVAS_DIM : CANVAS_OK;

		r = health_row(p, H_TLS, h, "rdswatch's TLS", h->instance, style,
		    unverified ? "WARN" : h->connected == 0 ? "-" : "ok");
		table_setf(r, C_VALUE, 0, NAN, "sslmode %s, %s%s%s", h->tls_mode != NULL ? h->tls_mode : "?",
		    unverified ? "TLS NOT VERIFIED" : h->connected == 0 ? "not connected" : "server verified",
		    h->monitor_user != NULL ? ", as " : "", h->monitor_user != NULL ? h->monitor_user : "");
	}
}

static void
health_slot(struct pane *p, const struct m_repl_slot *sl)
{
	int retained = sl->retained_wal_bytes != M_INT_NONE && sl->retained_wal_bytes > 0;
	int style = sl->active == 0 && retained ? CANVAS_WARNING : CANVAS_OK;
	struct table_row *r;
	char b[32];

	r = health_row(p, H_SLOT, sl, sl->slot_name != NULL ? sl->slot_name : "?", sl->instance, style,
	    style == CANVAS_OK ? "ok" : "WARN");
	table_setf(r, C_VALUE, 0, retained ? (double)sl->retained_wal_bytes : 0,
	    "%s %s slot, %s WAL retained", sl->active == 1 ? "active" : sl->active == 0 ? "INACTIVE" : "?",
	    sl->slot_type != NULL ? sl->slot_type : "", retained ?
	    fmt_bytes((double)sl->retained_wal_bytes, b, sizeof b) : "no");
}

static void
health_source(struct pane *p, const struct m_source_health *h, int64_t now)
{
	static const char *const words[] = {
		[FRESH_NONE] = "none", [FRESH_OK] = "ok", [FRESH_UPDATING] = "upd",
		[FRESH_STALE] = "STALE", [FRESH_FAILING] = "FAIL",
	};
	struct freshness f;
	struct table_row *r;
	char desc[48];
	int style;

	freshness_of(h, now, &f);
	style = f.state == FRESH_OK ? CANVAS_OK : freshness_style(f.state);
	r = health_row(p, H_SOURCE, h, h->source != NULL ? h->source : "?",
	    h->instance != NULL && h->instance[0] != '\0' ? h->instance : "(fleet)", style, words[f.state]);
	freshness_describe(&f, desc, sizeof desc);
	if (h->error_message != NULL)
		table_setf(r, C_VALUE, f.state == FRESH_FAILING ? CANVAS_STALE : 0, (double)f.age_ms,
		    "%s; %s%s%s: %s", desc, h->error_operation != NULL ? h->error_operation : "",
		    h->error_code != NULL ? " " : "", h->error_code != NULL ? h->error_code : "",
		    h->error_message);
	else if (h->latency_ms != M_INT_NONE)
		table_setf(r, C_VALUE, 0, (double)f.age_ms, "%s; %lld ms", desc, (long long)h->latency_ms);
	else
		table_set(r, C_VALUE, 0, (double)f.age_ms, desc);
}

static void
health_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	M_VEC_EACH(&s->kinds[M_PG_HEALTH], const struct m_pg_health, h) {
		if (pane_instance_ok(env, h->instance))
			health_pg(p, h);
	}
	M_VEC_EACH(&s->kinds[M_REPL_SLOT], const struct m_repl_slot, sl) {
		if (pane_instance_ok(env, sl->instance))
			health_slot(p, sl);
	}
	M_VEC_EACH(&s->kinds[M_SOURCE_HEALTH], const struct m_source_health, h) {
		if (env->instance == NULL || h->instance == NULL || h->instance[0] == '\0' ||
		    strcmp(h->instance, env->instance) == 0)
			health_source(p, h, env->now);
	}
}

static void
health_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	(void)p;
	switch (row->tag) {
	case H_SLOT:
		detail_heading(d, "Replication slot");
		detail_record(d, &m_repl_slot_type, row->rec, env->now);
		return;
	case H_SOURCE:
		detail_heading(d, "Source health");
		detail_record(d, &m_source_health_type, row->rec, env->now);
		return;
	default:
		break;
	}
	detail_heading(d, "PostgreSQL health");
	detail_record(d, &m_pg_health_type, row->rec, env->now);
	if (row->tag == H_XID) {
		const struct m_pg_health *h = row->rec;

		detail_heading(d, "Transaction ID age per database");
		M_VEC_EACH(&s->kinds[M_XID_AGE], const struct m_xid_age, x) {
			if (x->instance != NULL && h->instance != NULL && strcmp(x->instance, h->instance) == 0)
				detail_addf(d, x->database != NULL ? x->database : "?",
				    (double)x->age >= HEALTH_XID_WARNING ? CANVAS_WARNING : 0, "%lld",
				    (long long)x->age);
		}
	}
}

static const char *const health_help[] = {
	"Connections in use of max_connections less the reserved ones;",
	"  the oldest open transaction; transaction ID age (WARN at 1G, CRIT",
	"  at 1.5G); replication slots (an inactive slot holding WAL is a",
	"  warning); and each source rdswatch polls, with its age and error.",
	NULL,
};

const struct pane_ops pane_health_ops = {
	.name = "health",
	.title = "Health",
	.tab = "Health",
	.abbrev = "Hlth",
	.source = "pg",
	.cols = health_cols,
	.ncols = C_COUNT,
	.sort_col = C_AREA,
	.empty = "(nothing reported yet)",
	.rows = health_rows,
	.detail = health_detail,
	.help = health_help,
};
