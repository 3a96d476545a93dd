#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/discovery.h"
#include "sources/rds.h"
#include "sources/rds_parse.h"

const char *const rds_parameter_names[] = {
	"rds.force_ssl", "ssl_min_protocol_version", "log_connections", "log_disconnections",
	"log_statement", "shared_preload_libraries", "password_encryption", NULL,
};

/* Newer minors of one engine version. */
struct rds_minors {
	char *key;		/* "engine/version" */
	struct m_list minors;
};

/* Snapshot facts of one instance, or of one Aurora cluster (an instance
 * and a cluster may share an identifier). */
struct rds_snaps {
	char *instance;
	int cluster;
	struct rds_snapshot_stats st;
};

struct rds_ca {
	char *id;
	int64_t valid_till;
};

struct rds_source {
	struct scope *sc;
	struct aws_client *cl;
	struct rds_settings st;
	struct m_vec primed;
	int have_primed;

	/* Slow-changing things, refreshed every slow_interval. */
	int64_t next_slow;		/* time_mono_ms; 0: at the next poll */
	struct m_vec params;		/* m_parameter, instance = "db:GROUP" / "cluster:GROUP" */
	struct rds_minors *minors;
	size_t nminors;
	struct rds_snaps *snaps;
	size_t nsnaps;
	int have_snaps[2];		/* [0]: DB snapshots, [1]: cluster snapshots */
	struct rds_ca *cas;
	size_t ncas;

	/* Events: the next StartTime, and what was sent since it. */
	int64_t events_since;
	struct m_vec recent_events;
};

/* Where a first error of a poll is kept while the rest goes on. */
static void
rds_keep_error(struct rw_error *first, struct rw_error *err)
{
	if (!err_is_set(first))
		err_copy(first, err);
	err_clear(err);
}

static int
rds_in_roster(const struct m_vec *roster, const char *id)
{
	M_VEC_EACH(roster, const struct m_instance, i) {
		if (id != NULL && strcmp(i->id, id) == 0)
			return 1;
	}
	return 0;
}

/* ---- parameters ------------------------------------------------------- */

struct rds_param_page {
	struct rds_source *r;
	const char *group_key;
};

static int
rds_wanted_parameter(const char *name)
{
	for (size_t i = 0; rds_parameter_names[i] != NULL; i++) {
		if (strcmp(rds_parameter_names[i], name) == 0)
			return 1;
	}
	return 0;
}

static int
rds_params_page(void *ctx, const xmlNode *res)
{
	struct rds_param_page *pp = ctx;

	for (xmlNode *p = aws_xml_first(aws_xml_child(res, "Parameters"), "Parameter"); p != NULL;
	    p = aws_xml_next(p, "Parameter")) {
		char *name = aws_xml_text(p, "ParameterName");

		if (name != NULL && rds_wanted_parameter(name)) {
			struct m_parameter *rec = m_vec_push(&pp->r->params);
			char *value = aws_xml_text(p, "ParameterValue");

			m_str_set(&rec->instance, pp->group_key);
			m_str_set(&rec->source, "parameter_group");
			m_str_set(&rec->name, name);
			if (value != NULL)
				m_str_set(&rec->value, value);
			free(value);
		}
		free(name);
	}
	return 0;
}

static int
rds_fetch_group(struct rds_source *r, const char *key, int64_t deadline, struct rw_error *err)
{
	int cluster = strncmp(key, "cluster:", 8) == 0;
	const char *name = key + (cluster ? 8 : 3);
	struct aws_params p = AWS_PARAMS_INIT;
	struct rds_param_page pp = { r, key };
	int rc;

	aws_params_add(&p, cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName", name);
	rc = discovery_pages(r->cl, cluster ? "DescribeDBClusterParameters" : "DescribeDBParameters",
	    &p, 100, deadline, rds_params_page, &pp, err);
	aws_params_free(&p);
	return rc;
}

static int
rds_refresh_params(struct rds_source *r, const struct m_vec *roster, int64_t deadline,
    struct rw_error *err)
{
	struct m_list done = { NULL, 0 };
	int rc = 0;

	m_vec_clear(&r->params);
	M_VEC_EACH(roster, const struct m_instance, i) {
		char *key;

		if (i->parameter_group == NULL)
			continue;
		key = xasprintf("%s:%s", strcmp(i->kind, "cluster") == 0 ? "cluster" : "db",
		    i->parameter_group);
		if (!m_list_contains(&done, key)) {
			m_list_add(&done, key);
			if (rds_fetch_group(r, key, deadline, err) != 0)
				rc = -1;
		}
		free(key);
		if (rc != 0)
			break;
	}
	m_list_free(&done);
	return rc;
}

/* ---- engine versions -------------------------------------------------- */

static void
rds_minors_clear(struct rds_source *r)
{
	for (size_t i = 0; i < r->nminors; i++) {
		free(r->minors[i].key);
		m_list_free(&r->minors[i].minors);
	}
	free(r->minors);
	r->minors = NULL;
	r->nminors = 0;
}

static const struct m_list *
rds_minors_of(const struct rds_source *r, const char *engine, const char *version)
{
	for (size_t i = 0; i < r->nminors; i++) {
		const char *k = r->minors[i].key;
		size_t el = strlen(engine);

		if (strncmp(k, engine, el) == 0 && k[el] == '/' && strcmp(k + el + 1, version) == 0)
			return &r->minors[i].minors;
	}
	return NULL;
}

static int
rds_versions_page(void *ctx, const xmlNode *res)
{
	struct m_list *minors = ctx;

	for (xmlNode *v = aws_xml_first(aws_xml_child(res, "DBEngineVersions"), "DBEngineVersion");
	    v != NULL; v = aws_xml_next(v, "DBEngineVersion"))
		rds_parse_upgrade_targets(v, minors);
	return 0;
}

static int
rds_refresh_versions(struct rds_source *r, const struct m_vec *roster, int64_t deadline,
    struct rw_error *err)
{
	rds_minors_clear(r);
	M_VEC_EACH(roster, const struct m_instance, i) {
		struct aws_params p = AWS_PARAMS_INIT;
		struct rds_minors *m;
		int rc;

		if (i->engine == NULL || i->engine_version == NULL ||
		    rds_minors_of(r, i->engine, i->engine_version) != NULL)
			continue;
		r->minors = xreallocarray(r->minors, r->nminors + 1, sizeof *r->minors);
		m = &r->minors[r->nminors++];
		m->key = xasprintf("%s/%s", i->engine, i->engine_version);
		memset(&m->minors, 0, sizeof m->minors);
		aws_params_add(&p, "Engine", i->engine);
		aws_params_add(&p, "EngineVersion", i->engine_version);
		rc = discovery_pages(r->cl, "DescribeDBEngineVersions", &p, 100, deadline,
		    rds_versions_page, &m->minors, err);
		aws_params_free(&p);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* ---- snapshots -------------------------------------------------------- */

struct rds_snap_page {
	struct rds_source *r;
	const struct rds_snapshot_kind *kind;
	struct m_list manual_ids;	/* "OWNER SNAPSHOT" of manual snapshots (ids hold no blank) */
};

static struct rds_snapshot_stats *
rds_snaps_find(struct rds_source *r, int cluster, const char *instance)
{
	for (size_t i = 0; i < r->nsnaps; i++) {
		if (r->snaps[i].cluster == cluster && strcmp(r->snaps[i].instance, instance) == 0)
			return &r->snaps[i].st;
	}
	return NULL;
}

static struct rds_snapshot_stats *
rds_snaps_for(struct rds_source *r, int cluster, const char *instance)
{
	struct rds_snapshot_stats *st = rds_snaps_find(r, cluster, instance);

	if (st != NULL)
		return st;
	r->snaps = xreallocarray(r->snaps, r->nsnaps + 1, sizeof *r->snaps);
	memset(&r->snaps[r->nsnaps], 0, sizeof r->snaps[0]);
	r->snaps[r->nsnaps].instance = xstrdup(instance);
	r->snaps[r->nsnaps].cluster = cluster;
	return &r->snaps[r->nsnaps++].st;
}

static int
rds_snapshots_page(void *ctx, const xmlNode *res)
{
	struct rds_snap_page *sp = ctx;
	const struct rds_snapshot_kind *k = sp->kind;

	for (xmlNode *s = aws_xml_first(aws_xml_child(res, k->list), k->item); s != NULL;
	    s = aws_xml_next(s, k->item)) {
		struct rds_snapshot_stats one = { 0, 0, 0, 0 }, *st;
		char *snap_id = NULL;
		int manual = 0;
		char *inst = rds_parse_snapshot(k, s, &one, &snap_id, &manual);

		if (inst != NULL && snap_id != NULL) {
			st = rds_snaps_for(sp->r, k == &rds_cluster_snapshot, inst);
			if (one.newest_automated > st->newest_automated)
				st->newest_automated = one.newest_automated;
			if (one.newest_manual > st->newest_manual)
				st->newest_manual = one.newest_manual;
			st->unencrypted_count += one.unencrypted_count;
			/* Only manual snapshots can be shared or made public. */
			if (manual) {
				char *key = xasprintf("%s %s", inst, snap_id);

				m_list_add(&sp->manual_ids, key);
				free(key);
			}
		}
		free(inst);
		free(snap_id);
	}
	return 0;
}

static void
rds_snaps_clear(struct rds_source *r)
{
	for (size_t i = 0; i < r->nsnaps; i++)
		free(r->snaps[i].instance);
	free(r->snaps);
	r->snaps = NULL;
	r->nsnaps = 0;
	r->have_snaps[0] = r->have_snaps[1] = 0;
}

/* The snapshots of one kind (DB or cluster): ages and encryption from the
 * listing, then the restore attribute of each manual one the fleet owns. */
static int
rds_refresh_snapshots(struct rds_source *r, const struct rds_snapshot_kind *k,
    const struct m_vec *roster, int64_t deadline, struct rw_error *err)
{
	struct rds_snap_page sp = { r, k, { NULL, 0 } };
	int cluster = k == &rds_cluster_snapshot;
	int rc;

	rc = discovery_pages(r->cl, k->describe, NULL, 100, deadline, rds_snapshots_page, &sp, err);
	for (size_t n = 0; rc == 0 && n < sp.manual_ids.n; n++) {
		char *inst = xstrdup(sp.manual_ids.v[n]), *tab = strchr(inst, ' ');
		struct aws_params p = AWS_PARAMS_INIT;
		xmlDoc *doc = NULL;

		*tab = '\0';
		/* Snapshots of instances or clusters the fleet does not watch cost no call. */
		if (rds_in_roster(roster, inst)) {
			aws_params_add(&p, k->id, tab + 1);
			rc = aws_query_call(r->cl, "rds", k->describe_attrs, &p, deadline, &doc, err);
			if (rc == 0 && rds_snapshot_is_public(k, aws_xml_result(doc, k->describe_attrs)))
				rds_snaps_for(r, cluster, inst)->public_count++;
			xmlFreeDoc(doc);
			aws_params_free(&p);
		}
		free(inst);
	}
	m_list_free(&sp.manual_ids);
	r->have_snaps[cluster] = rc == 0;
	return rc;
}

/* ---- certificates ----------------------------------------------------- */

static int
rds_certs_page(void *ctx, const xmlNode *res)
{
	struct rds_source *r = ctx;

	for (xmlNode *c = aws_xml_first(aws_xml_child(res, "Certificates"), "Certificate");
	    c != NULL; c = aws_xml_next(c, "Certificate")) {
		char *id = aws_xml_text(c, "CertificateIdentifier");
		int64_t till = 0;

		if (id != NULL && aws_xml_time(c, "ValidTill", &till) == 1) {
			r->cas = xreallocarray(r->cas, r->ncas + 1, sizeof *r->cas);
			r->cas[r->ncas].id = id;
			r->cas[r->ncas++].valid_till = till;
			id = NULL;
		}
		free(id);
	}
	return 0;
}

static void
rds_cas_clear(struct rds_source *r)
{
	for (size_t i = 0; i < r->ncas; i++)
		free(r->cas[i].id);
	free(r->cas);
	r->cas = NULL;
	r->ncas = 0;
}

static int
rds_refresh_certs(struct rds_source *r, int64_t deadline, struct rw_error *err)
{
	rds_cas_clear(r);
	return discovery_pages(r->cl, "DescribeCertificates", NULL, 100, deadline, rds_certs_page, r,
	    err);
}

static void
rds_refresh_slow(struct rds_source *r, const struct m_vec *roster, int64_t deadline,
    struct rw_error *first)
{
	struct rw_error err = RW_ERROR_INIT;
	int ok = 1;

	if (rds_refresh_params(r, roster, deadline, &err) != 0) {
		ok = 0;
		rds_keep_error(first, &err);
	}
	if (rds_refresh_versions(r, roster, deadline, &err) != 0) {
		ok = 0;
		rds_keep_error(first, &err);
	}
	rds_snaps_clear(r);
	if (rds_refresh_snapshots(r, &rds_db_snapshot, roster, deadline, &err) != 0) {
		ok = 0;
		rds_keep_error(first, &err);
	}
	if (rds_refresh_snapshots(r, &rds_cluster_snapshot, roster, deadline, &err) != 0) {
		ok = 0;
		rds_keep_error(first, &err);
	}
	if (rds_refresh_certs(r, deadline, &err) != 0) {
		ok = 0;
		rds_keep_error(first, &err);
	}
	/* What failed is tried again at the next poll. */
	r->next_slow = ok ? time_mono_ms() + r->st.slow_interval_ms : 0;
}

/* ---- maintenance and events ------------------------------------------- */

struct rds_maint_page {
	const struct m_vec *roster;
	struct batch *b;
};

static int
rds_maint_page(void *ctx, const xmlNode *res)
{
	struct rds_maint_page *mp = ctx;

	for (xmlNode *rp = aws_xml_first(aws_xml_child(res, "PendingMaintenanceActions"),
	    "ResourcePendingMaintenanceActions"); rp != NULL;
	    rp = aws_xml_next(rp, "ResourcePendingMaintenanceActions")) {
		char *arn = aws_xml_text(rp, "ResourceIdentifier"), *type = NULL, *id = NULL;

		if (arn != NULL && rds_arn_split(arn, &type, &id) == 0 && rds_in_roster(mp->roster, id)) {
			for (xmlNode *a = aws_xml_first(aws_xml_child(rp, "PendingMaintenanceActionDetails"),
			    "PendingMaintenanceAction"); a != NULL;
			    a = aws_xml_next(a, "PendingMaintenanceAction")) {
				struct m_maintenance *m = batch_add(mp->b, M_MAINTENANCE);

				rds_parse_maintenance(a, id, m);
				m->observed_at = mp->b->polled_at;
			}
		}
		free(arn);
		free(type);
		free(id);
	}
	return 0;
}

struct rds_event_page {
	struct rds_source *r;
	const struct m_vec *roster;
	struct batch *b;
	int64_t newest;
};

static int
rds_events_page(void *ctx, const xmlNode *res)
{
	struct rds_event_page *ep = ctx;

	for (xmlNode *ev = aws_xml_first(aws_xml_child(res, "Events"), "Event"); ev != NULL;
	    ev = aws_xml_next(ev, "Event")) {
		struct m_event e;

		m_init(&m_event_type, &e);
		if (rds_parse_event(ev, &e) == 0 && e.instance != NULL &&
		    rds_in_roster(ep->roster, e.instance) &&
		    m_vec_find_key(&ep->r->recent_events, &e) == NULL) {
			m_vec_push_copy(&ep->r->recent_events, &e);
			m_vec_push_copy(&ep->b->kinds[M_EVENT], &e);
			if (e.time > ep->newest)
				ep->newest = e.time;
		}
		m_free(&m_event_type, &e);
	}
	return 0;
}

static int
rds_fetch_events(struct rds_source *r, const struct m_vec *roster, struct batch *b,
    int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	struct rds_event_page ep = { r, roster, b, 0 };
	int64_t asked = time_now_ms();
	char when[32];
	int rc;

	if (r->events_since == 0)
		r->events_since = asked - r->st.events_lookback_ms;
	aws_params_add(&p, "StartTime", time_format_iso8601(r->events_since, when, sizeof when));
	rc = discovery_pages(r->cl, "DescribeEvents", &p, 100, deadline, rds_events_page, &ep, err);
	aws_params_free(&p);
	if (rc != 0)
		return -1;
	/* Next time from a little before now; what repeats is dropped. */
	r->events_since = asked - RDS_EVENTS_OVERLAP_MS;
	for (size_t i = r->recent_events.n; i-- > 0;) {
		const struct m_event *e = m_vec_at(&r->recent_events, i);

		if (e->time < r->events_since - RDS_EVENTS_OVERLAP_MS)
			m_vec_remove(&r->recent_events, i);
	}
	return 0;
}

/* ---- the poll --------------------------------------------------------- */

/* An instance record with what the slow caches know about it. */
static void
rds_emit_instance(struct rds_source *r, const struct m_instance *i, struct batch *b)
{
	struct m_instance *out = m_vec_push_copy(&b->kinds[M_INSTANCE], i);
	const struct m_list *minors;
	int is_cluster = strcmp(i->kind, "cluster") == 0;

	out->observed_at = b->polled_at;
	if (out->engine != NULL && out->engine_version != NULL &&
	    (minors = rds_minors_of(r, out->engine, out->engine_version)) != NULL) {
		m_list_free(&out->newer_minor_versions);
		for (size_t k = 0; k < minors->n; k++)
			m_list_add(&out->newer_minor_versions, minors->v[k]);
	}
	if (out->ca_valid_till == 0 && out->ca_certificate_id != NULL) {
		for (size_t k = 0; k < r->ncas; k++) {
			if (strcmp(r->cas[k].id, out->ca_certificate_id) == 0)
				out->ca_valid_till = r->cas[k].valid_till;
		}
	}
	/* An Aurora cluster's snapshots are cluster snapshots; its members
	 * have none of their own (the posture checks read the cluster's). */
	if (r->have_snaps[is_cluster] && (is_cluster || strcmp(i->kind, "instance") == 0)) {
		const struct rds_snapshot_stats *st = rds_snaps_find(r, is_cluster, i->id);

		out->public_snapshots = st != NULL ? st->public_count : 0;
		out->unencrypted_snapshots = st != NULL ? st->unencrypted_count : 0;
		if (st != NULL) {
			out->newest_automated_snapshot = st->newest_automated;
			out->newest_manual_snapshot = st->newest_manual;
		}
	}
	/* Its parameter group's settings, as the instance's parameters. */
	M_VEC_EACH(&r->params, const struct m_parameter, p) {
		const char *group = strchr(p->instance, ':') + 1;
		int cluster = strncmp(p->instance, "cluster:", 8) == 0;
		struct m_parameter *rec;

		if (i->parameter_group == NULL || strcmp(group, i->parameter_group) != 0 ||
		    cluster != is_cluster)
			continue;
		rec = m_vec_push_copy(&b->kinds[M_PARAMETER], p);
		m_str_set(&rec->instance, i->id);
		rec->observed_at = b->polled_at;
	}
}

static int
rds_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct rds_source *r = s->priv;
	struct rw_error first = RW_ERROR_INIT, e = RW_ERROR_INIT;
	struct m_vec roster;
	struct rds_maint_page mp;
	int rc;

	if (r->cl == NULL && (r->cl = scope_client(r->sc)) == NULL) {
		err_set(err, ERR_INTERNAL, "rds", NULL, "cannot start libcurl");
		return -1;
	}
	if (r->have_primed) {
		roster = r->primed;
		m_vec_init(&r->primed, &m_instance_type);
		r->have_primed = 0;
	} else if (discovery_run(r->cl, r->sc, deadline, &roster, err) != 0) {
		s->calls += aws_client_take_attempts(r->cl);
		return -1;
	}
	scope_roster_set(r->sc, &roster);

	if (r->next_slow == 0 || time_mono_ms() >= r->next_slow)
		rds_refresh_slow(r, &roster, deadline, &first);

	mp.roster = &roster;
	mp.b = b;
	rc = discovery_pages(r->cl, "DescribePendingMaintenanceActions", NULL, 100, deadline,
	    rds_maint_page, &mp, &e);
	if (rc == 0)
		batch_mark_complete(b, M_MAINTENANCE);
	else
		rds_keep_error(&first, &e);
	if (rds_fetch_events(r, &roster, b, deadline, &e) != 0)
		rds_keep_error(&first, &e);

	M_VEC_EACH(&roster, const struct m_instance, i) {
		rds_emit_instance(r, i, b);
		batch_cover(b, i->id);
	}
	batch_mark_complete(b, M_INSTANCE);
	m_vec_free(&roster);
	s->calls += aws_client_take_attempts(r->cl);
	if (err_is_set(&first)) {
		err_copy(err, &first);
		err_clear(&first);
		return -1;
	}
	return 0;
}

static void
rds_destroy(struct source *s)
{
	struct rds_source *r = s->priv;

	if (r == NULL)
		return;
	aws_client_free(r->cl);
	m_vec_free(&r->primed);
	m_vec_free(&r->params);
	m_vec_free(&r->recent_events);
	rds_minors_clear(r);
	rds_snaps_clear(r);
	rds_cas_clear(r);
	scope_unref(r->sc);
	free(r);
	s->priv = NULL;
}

const struct source_ops rds_source_ops = {
	"rds", rds_poll, rds_destroy, NULL,
};

struct source *
rds_source_new(struct scope *sc, const struct rds_settings *st, struct m_vec *primed)
{
	struct rds_source *r = xcalloc(1, sizeof *r);

	r->sc = scope_ref(sc);
	r->st = *st;
	m_vec_init(&r->primed, &m_instance_type);
	m_vec_init(&r->params, &m_parameter_type);
	m_vec_init(&r->recent_events, &m_event_type);
	if (primed != NULL) {
		r->primed = *primed;
		m_vec_init(primed, &m_instance_type);
		r->have_primed = 1;
	}
	return scope_source_new(sc, &rds_source_ops, st->interval_ms, st->timeout_ms, r);
}
