#include <config.h>

#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg/pg_params.h"
#include "sources/awscred.h"
#include "sources/cloudwatch.h"
#include "sources/discovery.h"
#include "sources/ec2.h"
#include "sources/fleet.h"
#include "sources/guardduty.h"
#include "sources/logs.h"
#include "sources/pg.h"
#include "sources/pglog.h"
#include "sources/rds.h"

#define FLEET_POLL_TIMEOUT_MS (10 * 1000LL)

/* ---- sources that only report why they could not be set up ---------- */

struct fleet_error {
	struct rw_error err;
};

static int
fleet_error_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct fleet_error *e = s->priv;

	(void)b, (void)deadline;
	err_copy(err, &e->err);
	return -1;
}

static void
fleet_error_destroy(struct source *s)
{
	struct fleet_error *e = s->priv;

	if (e != NULL) {
		err_clear(&e->err);
		free(e);
	}
	s->priv = NULL;
}

/* One vtable per kind, since a vtable names its kind. */
static const struct source_ops fleet_error_ops[] = {
	{ "aws", fleet_error_poll, fleet_error_destroy, NULL },
	{ "rds", fleet_error_poll, fleet_error_destroy, NULL },
	{ "cloudwatch", fleet_error_poll, fleet_error_destroy, NULL },
	{ "logs", fleet_error_poll, fleet_error_destroy, NULL },
	{ "guardduty", fleet_error_poll, fleet_error_destroy, NULL },
	{ "ec2", fleet_error_poll, fleet_error_destroy, NULL },
	{ "pg", fleet_error_poll, fleet_error_destroy, NULL },
	{ "pglog", fleet_error_poll, fleet_error_destroy, NULL },
};

struct source *
fleet_error_source(const char *kind, const char *name, const char *instance,
    const struct rw_error *err)
{
	const struct source_ops *ops = &fleet_error_ops[0];
	struct fleet_error *e = xcalloc(1, sizeof *e);
	struct source *s;

	for (size_t i = 0; i < sizeof fleet_error_ops / sizeof fleet_error_ops[0]; i++) {
		if (strcmp(fleet_error_ops[i].kind, kind) == 0)
			ops = &fleet_error_ops[i];
	}
	err_copy(&e->err, err);
	/* Nothing changes until the config does: no need to ask often. */
	s = source_new(ops, name, instance, 5 * TIME_MIN, FLEET_POLL_TIMEOUT_MS);
	s->priv = e;
	return s;
}

/* ---- settings --------------------------------------------------------- */

struct fleet_settings {
	int rds_on, cloudwatch_on, logs_on, guardduty_on, ec2_on;
	struct rds_settings rds;
	struct cloudwatch_settings cw;
	struct logs_settings logs;
	struct guardduty_settings gd;
	struct ec2_settings ec2;
};

/* [SECTION] enabled, interval, timeout: the keys every AWS source has. */
static int
fleet_common(const struct config *cfg, const char *section, int *on, int64_t *interval,
    int64_t *timeout, struct rw_error *err)
{
	*on = 1;
	*timeout = FLEET_POLL_TIMEOUT_MS;
	if (config_get_bool(cfg, section, NULL, "enabled", on, err) < 0 ||
	    config_get_duration(cfg, section, NULL, "interval", interval, err) < 0 ||
	    config_get_duration(cfg, section, NULL, "timeout", timeout, err) < 0)
		return -1;
	if (*interval < TIME_SEC || *timeout < TIME_SEC) {
		err_set(err, ERR_CONFIG, NULL, "config", "[%s] interval and timeout must be at "
		    "least 1s", section);
		return -1;
	}
	return 0;
}

static void
fleet_list(const struct config *cfg, const char *section, const char *key, struct m_list *out)
{
	struct scope_filter tmp;
	const char *v = config_get(cfg, section, NULL, key);

	if (v == NULL)
		return;
	scope_filter_init(&tmp);
	scope_filter_add_ids(&tmp, v);
	*out = tmp.ids;
	memset(&tmp.ids, 0, sizeof tmp.ids);
	scope_filter_free(&tmp);
}

static int
fleet_period(const struct config *cfg, const char *key, int *out, struct rw_error *err)
{
	int64_t ms = (int64_t)*out * 1000;

	if (config_get_duration(cfg, "cloudwatch", NULL, key, &ms, err) < 0)
		return -1;
	if (ms < TIME_MIN || ms % TIME_MIN != 0) {
		err_set(err, ERR_CONFIG, NULL, "config",
		    "[cloudwatch] %s must be whole minutes (1m, 5m, ...)", key);
		return -1;
	}
	*out = (int)(ms / 1000);
	return 0;
}

static int
fleet_settings_load(const struct config *cfg, struct fleet_settings *st, struct rw_error *err)
{
	int64_t v;

	memset(st, 0, sizeof *st);
	st->rds_on = st->cloudwatch_on = st->logs_on = st->guardduty_on = st->ec2_on = 1;
	st->rds.timeout_ms = st->logs.timeout_ms = st->gd.timeout_ms = st->ec2.timeout_ms =
	    FLEET_POLL_TIMEOUT_MS;
	st->rds.interval_ms = RDS_INTERVAL_MS;
	st->rds.slow_interval_ms = RDS_SLOW_INTERVAL_MS;
	st->rds.events_lookback_ms = RDS_EVENTS_LOOKBACK_MS;
	cloudwatch_settings_init(&st->cw);
	st->logs.interval_ms = LOGS_INTERVAL_MS;
	st->logs.lookback_ms = LOGS_LOOKBACK_MS;
	st->logs.download = 1;
	st->logs.download_interval_ms = LOGS_DOWNLOAD_INTERVAL_MS;
	st->gd.interval_ms = GUARDDUTY_INTERVAL_MS;
	st->gd.lookback_ms = GUARDDUTY_LOOKBACK_MS;
	st->ec2.interval_ms = EC2_INTERVAL_MS;
	st->ec2.wide_prefix = EC2_WIDE_PREFIX;
	st->ec2.wide_prefix6 = EC2_WIDE_PREFIX6;
	if (cfg == NULL)
		return 0;
	if (fleet_common(cfg, "rds", &st->rds_on, &st->rds.interval_ms, &st->rds.timeout_ms, err) ||
	    fleet_common(cfg, "cloudwatch", &st->cloudwatch_on, &st->cw.interval_ms,
	    &st->cw.timeout_ms, err) ||
	    fleet_common(cfg, "logs", &st->logs_on, &st->logs.interval_ms, &st->logs.timeout_ms,
	    err) ||
	    fleet_common(cfg, "guardduty", &st->guardduty_on, &st->gd.interval_ms,
	    &st->gd.timeout_ms, err) ||
	    fleet_common(cfg, "ec2", &st->ec2_on, &st->ec2.interval_ms, &st->ec2.timeout_ms, err))
		return -1;
	if (config_get_duration(cfg, "rds", NULL, "slow_interval", &st->rds.slow_interval_ms,
	    err) < 0 ||
	    config_get_duration(cfg, "rds", NULL, "events_lookback", &st->rds.events_lookback_ms,
	    err) < 0 ||
	    config_get_duration(cfg, "cloudwatch", NULL, "window", &st->cw.window_ms, err) < 0 ||
	    config_get_duration(cfg, "cloudwatch", NULL, "focus_interval",
	    &st->cw.focus_interval_ms, err) < 0 ||
	    fleet_period(cfg, "period", &st->cw.period_s, err) < 0 ||
	    fleet_period(cfg, "focus_period", &st->cw.focus_period_s, err) < 0 ||
	    config_get_duration(cfg, "logs", NULL, "lookback", &st->logs.lookback_ms, err) < 0 ||
	    config_get_bool(cfg, "logs", NULL, "download", &st->logs.download, err) < 0 ||
	    config_get_duration(cfg, "logs", NULL, "download_interval",
	    &st->logs.download_interval_ms, err) < 0 ||
	    config_get_duration(cfg, "guardduty", NULL, "lookback", &st->gd.lookback_ms, err) < 0)
		return -1;
	if (config_get_int(cfg, "ec2", NULL, "wide_prefix", 0, 32, &v, err) < 0)
		return -1;
	else if (config_find(cfg, "ec2", NULL, "wide_prefix") != NULL)
		st->ec2.wide_prefix = (int)v;
	if (config_get_int(cfg, "ec2", NULL, "wide_prefix6", 0, 128, &v, err) < 0)
		return -1;
	else if (config_find(cfg, "ec2", NULL, "wide_prefix6") != NULL)
		st->ec2.wide_prefix6 = (int)v;
	fleet_list(cfg, "cloudwatch", "metrics", &st->cw.metrics);
	fleet_list(cfg, "cloudwatch", "focus", &st->cw.focus);
	fleet_list(cfg, "cloudwatch", "focus_metrics", &st->cw.focus_metrics);
	for (int pass = 0; pass < 2; pass++) {
		const struct m_list *l = pass == 0 ? &st->cw.metrics : &st->cw.focus_metrics;

		for (size_t i = 0; i < l->n; i++) {
			if (cloudwatch_metric_find(l->v[i]) == NULL) {
				err_set(err, ERR_CONFIG, NULL, "config", "[cloudwatch] %s: unknown metric "
				    "'%s' (see rdswatch.conf(5))", pass == 0 ? "metrics" : "focus_metrics",
				    l->v[i]);
				return -1;
			}
		}
	}
	return 0;
}

/* ---- building --------------------------------------------------------- */

static void
fleet_problem(struct fleet *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fleet_problem(struct fleet *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	f->problems = xreallocarray(f->problems, f->nproblems + 1, sizeof *f->problems);
	f->problems[f->nproblems++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static void
fleet_add(struct fleet *f, struct source *s)
{
	f->sources = xreallocarray(f->sources, f->nsources + 1, sizeof *f->sources);
	f->sources[f->nsources++] = s;
}

static void
fleet_add_error(struct fleet *f, const char *kind, const char *name, const char *instance,
    const struct rw_error *err)
{
	char *msg = err_format(err);

	fleet_problem(f, "%s: %s", name, msg);
	free(msg);
	fleet_add(f, fleet_error_source(kind, name, instance, err));
}

static struct fleet_instance *
fleet_instance_find(const struct fleet *f, const char *id)
{
	for (size_t i = 0; i < f->ninstances; i++) {
		if (strcmp(f->instances[i].id, id) == 0)
			return &f->instances[i];
	}
	return NULL;
}

static void
fleet_instance_add(struct fleet *f, const char *id, const char *kind, const char *host, int port,
    struct scope *sc)
{
	struct fleet_instance *fi;

	f->instances = xreallocarray(f->instances, f->ninstances + 1, sizeof *f->instances);
	fi = &f->instances[f->ninstances++];
	fi->id = xstrdup(id);
	fi->kind = xstrdup(kind);
	fi->host = host != NULL ? xstrdup(host) : NULL;
	fi->port = port;
	fi->scope = sc != NULL ? scope_ref(sc) : NULL;
}

/* The default account and one per [account NAME]. */
static void
fleet_accounts(struct fleet *f, const struct fleet_opts *o, int64_t deadline)
{
	struct aws_settings base = { 0 };
	const char **names = NULL;
	size_t n = o->cfg != NULL ? config_subsections(o->cfg, "account", &names) : 0;
	struct rw_error err = RW_ERROR_INIT;
	int aws_on = 1;

	if (o->aws != NULL)
		base = *o->aws;
	/* Regions named in the config need none from the AWS chain. */
	if (o->cfg != NULL && config_get(o->cfg, "discovery", NULL, "regions") != NULL)
		base.no_region_ok = 1;
	if (o->cfg != NULL && config_get_bool(o->cfg, "discovery", NULL, "aws", &aws_on, &err) < 0) {
		fleet_add_error(f, "aws", "aws", NULL, &err);
		err_clear(&err);
		aws_on = 0;
	}
	if (aws_on) {
		struct aws_ctx *ctx = aws_ctx_new(&base, deadline, &err);

		if (ctx != NULL) {
			f->accounts = xreallocarray(f->accounts, f->naccounts + 1, sizeof *f->accounts);
			f->accounts[f->naccounts++] = scope_account_new(ctx, "");
		} else {
			fleet_add_error(f, "aws", "aws", NULL, &err);
			err_clear(&err);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct aws_settings s = base;
		struct aws_ctx *ctx;
		char *label;

		s.profile = config_get(o->cfg, "account", names[i], "profile");
		if (s.profile == NULL) {
			err_set(&err, ERR_CONFIG, NULL, "config",
			    "[account %s] needs profile = an AWS profile", names[i]);
			ctx = NULL;
		} else {
			/* The account's regions come from its section. */
			s.region = NULL;
			s.no_region_ok = 1;
			ctx = aws_ctx_new(&s, deadline, &err);
		}
		label = xasprintf("aws@%s", names[i]);
		if (ctx != NULL) {
			f->accounts = xreallocarray(f->accounts, f->naccounts + 1, sizeof *f->accounts);
			f->accounts[f->naccounts++] = scope_account_new(ctx, names[i]);
		} else {
			fleet_add_error(f, "aws", label, NULL, &err);
			err_clear(&err);
		}
		free(label);
	}
	free(names);
}

/* The filter of an account: [discovery] (or the account's section), then
 * --instance. */
static void
fleet_filter(const struct fleet_opts *o, const char *account, struct scope_filter *flt)
{
	const char *sec = *account != '\0' ? "account" : "discovery";
	const char *sub = *account != '\0' ? account : NULL;

	scope_filter_init(flt);
	if (o->cfg != NULL) {
		const char *ids = config_get(o->cfg, sec, sub, "instances");
		const char *tags = config_get(o->cfg, sec, sub, "tags");

		if (ids == NULL && sub != NULL)
			ids = config_get(o->cfg, "discovery", NULL, "instances");
		if (tags == NULL && sub != NULL)
			tags = config_get(o->cfg, "discovery", NULL, "tags");
		if (ids != NULL)
			scope_filter_add_ids(flt, ids);
		if (tags != NULL)
			scope_filter_add_tags(flt, tags);
	}
	/* --instance narrows further: only those. */
	if (o->instances != NULL && o->instances->n > 0) {
		m_list_free(&flt->ids);
		for (size_t i = 0; i < o->instances->n; i++)
			m_list_add(&flt->ids, o->instances->v[i]);
	}
}

/* The scopes of every account: its regions, or [discovery] regions, or
 * the context's region. */
static void
fleet_scopes(struct fleet *f, const struct fleet_opts *o)
{
	for (size_t a = 0; a < f->naccounts; a++) {
		struct scope_account *acct = f->accounts[a];
		const char *list = NULL;
		struct scope_filter flt, regions;

		if (o->cfg != NULL) {
			list = *acct->name != '\0' ?
			    config_get(o->cfg, "account", acct->name, "regions") : NULL;
			if (list == NULL)
				list = config_get(o->cfg, "discovery", NULL, "regions");
		}
		scope_filter_init(&regions);
		if (list != NULL)
			scope_filter_add_ids(&regions, list);
		else if (aws_ctx_region(acct->ctx) != NULL)
			m_list_add(&regions.ids, aws_ctx_region(acct->ctx));
		if (regions.ids.n == 0) {
			struct rw_error err = RW_ERROR_INIT;
			char *name = xasprintf("aws@%s", *acct->name != '\0' ? acct->name : "default");

			err_set(&err, ERR_CONFIG, NULL, "config",
			    "no region for account %s: set regions in its section or [discovery]",
			    *acct->name != '\0' ? acct->name : "default");
			fleet_add_error(f, "aws", name, NULL, &err);
			err_clear(&err);
			free(name);
		}
		fleet_filter(o, acct->name, &flt);
		for (size_t r = 0; r < regions.ids.n; r++) {
			char *label = f->nscopes == 0 ? xstrdup("") :
			    xasprintf("%s/%s", *acct->name != '\0' ? acct->name : "default",
			    regions.ids.v[r]);
			struct scope *sc = scope_new(acct, regions.ids.v[r], label, &flt);

			sc->once = o->once;
			f->scopes = xreallocarray(f->scopes, f->nscopes + 1, sizeof *f->scopes);
			f->scopes[f->nscopes++] = sc;
			free(label);
		}
		scope_filter_free(&flt);
		scope_filter_free(&regions);
	}
}

/* PostgreSQL engines only: rdswatch watches PostgreSQL. */
static void
fleet_keep_postgres(struct m_vec *v)
{
	for (size_t i = v->n; i-- > 0;) {
		const struct m_instance *in = m_vec_at(v, i);

		if (in->engine == NULL || strstr(in->engine, "postgres") == NULL)
			m_vec_remove(v, i);
	}
}

static const char *
fleet_master_secret(const struct m_vec *roster, const struct m_instance *i)
{
	if (i->master_user_secret_arn != NULL || i->cluster_id == NULL)
		return i->master_user_secret_arn;
	M_VEC_EACH(roster, const struct m_instance, c) {
		if (strcmp(c->kind, "cluster") == 0 && strcmp(c->id, i->cluster_id) == 0)
			return c->master_user_secret_arn;
	}
	return NULL;
}

/* The per-instance sources of one instance. */
static void
fleet_instance_sources(struct fleet *f, const struct fleet_opts *o, const char *id,
    const char *host, int port, const char *region)
{
	struct rw_error err = RW_ERROR_INIT;
	struct source *s;
	int want = pg_source_wanted(o->cfg, id, &err);

	if (want < 0) {
		char *name = xasprintf("pg:%s", id);

		fleet_add_error(f, "pg", name, id, &err);
		free(name);
		err_clear(&err);
	} else if (want) {
		s = pg_source_new(o->cfg, id, host, port, region, &err);
		if (s != NULL)
			fleet_add(f, s);
		else {
			char *name = xasprintf("pg:%s", id);

			fleet_add_error(f, "pg", name, id, &err);
			free(name);
		}
		err_clear(&err);
	}
	if (o->cfg != NULL) {
		s = pglog_source_new(o->cfg, id, &err);
		if (s != NULL)
			fleet_add(f, s);
		else if (err_is_set(&err)) {
			char *name = xasprintf("pglog:%s", id);

			fleet_add_error(f, "pglog", name, id, &err);
			free(name);
		}
		err_clear(&err);
	}
}

static void
fleet_scope_sources(struct fleet *f, const struct fleet_opts *o, struct scope *sc,
    struct fleet_settings *st, struct m_vec *primed, int discovered)
{
	struct cloudwatch_settings cw;

	cloudwatch_settings_copy(&cw, &st->cw);
	/* once --instance: the named instances in detail. */
	if (o->once && o->instances != NULL && o->instances->n > 0) {
		m_list_free(&cw.focus);
		for (size_t i = 0; i < o->instances->n; i++)
			m_list_add(&cw.focus, o->instances->v[i]);
	}
	if (discovered) {
		size_t nfleet, nfocus;
		struct cloudwatch_query *q1 = cloudwatch_plan(primed, &cw, 0, &nfleet);
		struct cloudwatch_query *q2 = cloudwatch_plan(primed, &cw, 1, &nfocus);

		if (st->cloudwatch_on)
			f->est_monthly_usd += cloudwatch_est_monthly(nfleet, cw.interval_ms, nfocus,
			    nfocus > 0 ? cw.focus_interval_ms : 0);
		free(q1);
		free(q2);
	}
	if (st->rds_on)
		fleet_add(f, rds_source_new(sc, &st->rds, discovered ? primed : NULL));
	if (st->cloudwatch_on)
		fleet_add(f, cloudwatch_source_new(sc, &cw));
	if (st->logs_on)
		fleet_add(f, logs_source_new(sc, &st->logs));
	if (st->guardduty_on)
		fleet_add(f, guardduty_source_new(sc, &st->gd));
	if (st->ec2_on)
		fleet_add(f, ec2_source_new(sc, &st->ec2));
	cloudwatch_settings_free(&cw);
}

/* [instance ID] sections that name a server discovery did not find. */
static void
fleet_config_instances(struct fleet *f, const struct fleet_opts *o)
{
	const char **names = NULL;
	size_t n = o->cfg != NULL ? config_subsections(o->cfg, "instance", &names) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *id = names[i];
		int has_server = config_get(o->cfg, "instance", id, "host") != NULL ||
		    config_get(o->cfg, "instance", id, "dsn") != NULL ||
		    config_get(o->cfg, "instance", id, "log_file") != NULL;
		int wanted = o->instances == NULL || o->instances->n == 0;

		for (size_t k = 0; !wanted && k < o->instances->n; k++)
			wanted = fnmatch(o->instances->v[k], id, 0) == 0;
		if (!has_server || !wanted || fleet_instance_find(f, id) != NULL)
			continue;
		fleet_instance_add(f, id, "config", config_get(o->cfg, "instance", id, "host"), 0, NULL);
		fleet_instance_sources(f, o, id, NULL, 0, NULL);
	}
	free(names);
}

int
fleet_build(struct fleet *f, const struct fleet_opts *o, struct rw_error *err)
{
	struct fleet_settings st;
	int64_t deadline = time_mono_ms() + FLEET_DISCOVERY_TIMEOUT_MS;
	int all_discovered = 1;

	memset(f, 0, sizeof *f);
	if (fleet_settings_load(o->cfg, &st, err) != 0) {
		cloudwatch_settings_free(&st.cw);
		return -1;
	}
	fleet_accounts(f, o, deadline);
	awscred_install(f->naccounts > 0 ? f->accounts[0] : NULL);
	fleet_scopes(f, o);
	for (size_t k = 0; k < f->nscopes; k++) {
		struct scope *sc = f->scopes[k];
		struct aws_client *cl = scope_client(sc);
		struct rw_error derr = RW_ERROR_INIT;
		struct m_vec roster;
		int ok = cl != NULL && discovery_run(cl, sc, deadline, &roster, &derr) == 0;

		aws_client_free(cl);
		if (!ok) {
			/* The rds source asks again and reports the error. */
			char *msg = err_format(&derr);

			fleet_problem(f, "discovery in %s: %s", sc->region, msg);
			free(msg);
			err_clear(&derr);
			m_vec_init(&roster, &m_instance_type);
			all_discovered = 0;
		}
		fleet_keep_postgres(&roster);
		if (ok)
			scope_roster_set(sc, &roster);
		M_VEC_EACH(&roster, const struct m_instance, i) {
			int port = i->endpoint_port != M_INT_NONE ? (int)i->endpoint_port : 0;

			fleet_instance_add(f, i->id, i->kind, i->endpoint_host, port, sc);
			if (strcmp(i->kind, "instance") != 0)
				continue;
			awscred_register(i->id, sc->account, sc->region, fleet_master_secret(&roster, i));
		}
		M_VEC_EACH(&roster, const struct m_instance, i) {
			if (strcmp(i->kind, "instance") == 0)
				fleet_instance_sources(f, o, i->id, i->endpoint_host,
				    i->endpoint_port != M_INT_NONE ? (int)i->endpoint_port : 0, sc->region);
		}
		fleet_scope_sources(f, o, sc, &st, &roster, ok);
		m_vec_free(&roster);
	}
	fleet_config_instances(f, o);
	/* --instance IDs that match nothing (known only when discovery worked). */
	for (size_t i = 0; all_discovered && o->instances != NULL && i < o->instances->n; i++) {
		int found = 0;

		for (size_t k = 0; !found && k < f->ninstances; k++)
			found = fnmatch(o->instances->v[i], f->instances[k].id, 0) == 0;
		if (!found)
			m_list_add(&f->missing, o->instances->v[i]);
	}
	cloudwatch_settings_free(&st.cw);
	log_debug(LOG_SOURCES, "fleet: %zu accounts, %zu scopes, %zu instances, %zu sources",
	    f->naccounts, f->nscopes, f->ninstances, f->nsources);
	return 0;
}

void
fleet_schedule(struct fleet *f, struct scheduler *sc)
{
	for (size_t i = 0; i < f->nsources; i++)
		sched_add(sc, f->sources[i]);
	f->nsources = 0;
}

int64_t
fleet_max_timeout(const struct fleet *f)
{
	int64_t max = 0;

	for (size_t i = 0; i < f->nsources; i++) {
		if (f->sources[i]->timeout_ms > max)
			max = f->sources[i]->timeout_ms;
	}
	return max;
}

void
fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->nsources; i++)
		source_free(f->sources[i]);
	free(f->sources);
	for (size_t i = 0; i < f->ninstances; i++) {
		free(f->instances[i].id);
		free(f->instances[i].kind);
		free(f->instances[i].host);
		scope_unref(f->instances[i].scope);
	}
	free(f->instances);
	for (size_t i = 0; i < f->nscopes; i++)
		scope_unref(f->scopes[i]);
	free(f->scopes);
	for (size_t i = 0; i < f->naccounts; i++)
		scope_account_unref(f->accounts[i]);
	free(f->accounts);
	for (size_t i = 0; i < f->nproblems; i++)
		free(f->problems[i]);
	free(f->problems);
	m_list_free(&f->missing);
	memset(f, 0, sizeof *f);
}
