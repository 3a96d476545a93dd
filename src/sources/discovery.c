#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/discovery.h"
#include "sources/rds_parse.h"

/* A server that keeps answering with markers is not followed for ever. */
#define DISCOVERY_MAX_PAGES 1000

int
discovery_pages(struct aws_client *cl, const char *operation, const struct aws_params *params,
    int max_records, int64_t deadline, int (*fn)(void *ctx, const xmlNode *result), void *ctx,
    struct rw_error *err)
{
	char *marker = NULL;
	int rc = 0;

	for (int page = 0; page < DISCOVERY_MAX_PAGES; page++) {
		struct aws_params p = AWS_PARAMS_INIT;
		xmlDoc *doc = NULL;
		xmlNode *res;
		char *next;

		if (params != NULL)
			aws_kvlist_copy(&p.kv, &params->kv);
		if (max_records > 0)
			aws_params_add_int(&p, "MaxRecords", max_records);
		if (marker != NULL)
			aws_params_add(&p, "Marker", marker);
		rc = aws_query_call(cl, "rds", operation, &p, deadline, &doc, err);
		aws_params_free(&p);
		if (rc != 0)
			break;
		res = aws_xml_result(doc, operation);
		if (res == NULL) {
			err_set(err, ERR_PARSE, "rds", operation, "the answer has no %sResult", operation);
			xmlFreeDoc(doc);
			rc = -1;
			break;
		}
		rc = fn(ctx, res);
		next = aws_xml_text(res, "Marker");
		xmlFreeDoc(doc);
		if (rc != 0 || next == NULL || *next == '\0' ||
		    (marker != NULL && strcmp(next, marker) == 0)) {
			free(next);
			break;
		}
		free(marker);
		marker = next;
	}
	free(marker);
	return rc;
}

struct discovery {
	struct scope *sc;
	struct m_vec all;	/* instances then clusters, unfiltered */
	size_t ninstances;
	int clusters;		/* reading DescribeDBClusters */
};

struct discovery_member {
	struct discovery *d;
	const char *cluster;
};

static void
discovery_member_role(void *ctx, const char *id, int writer)
{
	struct discovery_member *m = ctx;

	for (size_t k = 0; k < m->d->ninstances; k++) {
		struct m_instance *i = m_vec_at(&m->d->all, k);

		if (strcmp(i->id, id) == 0) {
			m_str_set(&i->role, writer ? "writer" : "reader");
			if (i->cluster_id == NULL)
				m_str_set(&i->cluster_id, m->cluster);
		}
	}
}

/* One page of DescribeDBInstances or DescribeDBClusters. */
static int
discovery_page(void *ctx, const xmlNode *res)
{
	struct discovery *d = ctx;
	const char *list = d->clusters ? "DBClusters" : "DBInstances";
	const char *item = d->clusters ? "DBCluster" : "DBInstance";

	for (xmlNode *x = aws_xml_first(aws_xml_child(res, list), item); x != NULL;
	    x = aws_xml_next(x, item)) {
		struct m_instance *i = m_vec_push(&d->all);
		int rc = d->clusters ? rds_parse_cluster(x, d->sc->region, d->sc->profile, i) :
		    rds_parse_instance(x, d->sc->region, d->sc->profile, i);

		if (rc != 0)
			m_vec_remove(&d->all, d->all.n - 1);
		else if (d->clusters) {
			struct discovery_member m = { d, i->id };

			rds_parse_cluster_members(x, discovery_member_role, &m);
		}
	}
	return 0;
}

static int
discovery_cmp(const void *a, const void *b)
{
	return strcmp(((const struct m_instance *)a)->id, ((const struct m_instance *)b)->id);
}

int
discovery_run(struct aws_client *cl, struct scope *sc, int64_t deadline, struct m_vec *out,
    struct rw_error *err)
{
	struct discovery d = { .sc = sc };
	int64_t now = time_now_ms();

	m_vec_init(out, &m_instance_type);
	m_vec_init(&d.all, &m_instance_type);
	if (discovery_pages(cl, "DescribeDBInstances", NULL, 100, deadline, discovery_page, &d,
	    err) != 0)
		goto fail;
	d.ninstances = d.all.n;
	d.clusters = 1;
	if (discovery_pages(cl, "DescribeDBClusters", NULL, 100, deadline, discovery_page, &d,
	    err) != 0)
		goto fail;
	M_VEC_EACH(&d.all, struct m_instance, i) {
		if (i->account_id != NULL)
			scope_set_account_id(sc, i->account_id);
		if (!scope_filter_match(&sc->filter, i, &d.all))
			continue;
		i->observed_at = now;
		m_vec_push_copy(out, i);
	}
	m_vec_sort(out, discovery_cmp);
	m_vec_free(&d.all);
	log_debug(LOG_SOURCES, "discovery %s: %zu instances and clusters watched", sc->region, out->n);
	return 0;
fail:
	m_vec_free(&d.all);
	return -1;
}
