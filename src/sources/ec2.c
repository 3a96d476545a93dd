#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "core/xmalloc.h"
#include "rules/netaddr.h"
#include "sources/ec2.h"

/* Group ids per DescribeSecurityGroups call. */
#define EC2_IDS_PER_CALL 100

int
ec2_source_wide(const char *source, int wide_prefix, int wide_prefix6)
{
	struct netaddr_cidr c;

	if (source == NULL)
		return -1;
	if (strncmp(source, "sg-", 3) == 0)
		return 0;
	if (strncmp(source, "pl-", 3) == 0)
		return -1;
	if (netaddr_cidr_parse(source, &c) != 0)
		return -1;
	if (c.prefix == 0)
		return 1;
	/* A private network is not the Internet, however wide. */
	if (netaddr_is_private(&c.addr))
		return 0;
	return c.prefix <= (c.addr.v6 ? wide_prefix6 : wide_prefix);
}

/* The four kinds of source of one IpPermission: list, item, value, and
 * the item's description. */
static const struct {
	const char *list;
	const char *value;
} ec2_rule_sources[] = {
	{ "ipRanges", "cidrIp" },
	{ "ipv6Ranges", "cidrIpv6" },
	{ "groups", "groupId" },
	{ "prefixListIds", "prefixListId" },
};

void
ec2_map_group(const xmlNode *sg, const char *instance, int64_t port,
    const struct ec2_settings *st, struct m_vec *out)
{
	char *group_id = aws_xml_text(sg, "groupId"), *group_name = aws_xml_text(sg, "groupName");

	if (group_id == NULL)
		goto done;
	for (xmlNode *perm = aws_xml_first(aws_xml_child(sg, "ipPermissions"), "item"); perm != NULL;
	    perm = aws_xml_next(perm, "item")) {
		char *proto = aws_xml_text(perm, "ipProtocol");
		int64_t from = -1, to = -1;
		int all = proto != NULL && strcmp(proto, "-1") == 0;
		int covers;

		/* "-1" (every protocol) has no ports: every port. */
		if (aws_xml_int(perm, "fromPort", &from) != 1 || all)
			from = 0;
		if (aws_xml_int(perm, "toPort", &to) != 1 || all)
			to = 65535;
		if (all)
			covers = 1;
		else if (proto == NULL || (strcmp(proto, "tcp") != 0 && strcmp(proto, "6") != 0))
			covers = 0;
		else
			covers = port > 0 ? from <= port && port <= to : M_TRI_UNKNOWN;
		for (size_t k = 0; k < sizeof ec2_rule_sources / sizeof ec2_rule_sources[0]; k++) {
			for (xmlNode *it = aws_xml_first(aws_xml_child(perm, ec2_rule_sources[k].list),
			    "item"); it != NULL; it = aws_xml_next(it, "item")) {
				char *src = aws_xml_text(it, ec2_rule_sources[k].value);
				char *desc = aws_xml_text(it, "description");
				struct m_sg_rule *r;

				if (src != NULL) {
					r = m_vec_push(out);
					m_str_set(&r->instance, instance);
					m_str_set(&r->group_id, group_id);
					m_str_set(&r->protocol, proto != NULL ? proto : "");
					r->from_port = from;
					r->to_port = to;
					m_str_set(&r->source, src);
					if (group_name != NULL)
						m_str_set(&r->group_name, group_name);
					if (desc != NULL)
						m_str_set(&r->description, desc);
					r->covers_db_port = covers;
					r->wide_open = ec2_source_wide(src, st->wide_prefix, st->wide_prefix6);
				}
				free(src);
				free(desc);
			}
		}
		free(proto);
	}
done:
	free(group_id);
	free(group_name);
}

/* ---- the source ------------------------------------------------------- */

struct ec2_source {
	struct scope *sc;
	struct aws_client *cl;
	struct ec2_settings st;
};

/* Every rule of every watched instance using group element SG. */
static void
ec2_apply_group(const xmlNode *sg, const struct m_vec *roster, const struct ec2_settings *st,
    struct batch *b)
{
	char *id = aws_xml_text(sg, "groupId");

	M_VEC_EACH(roster, const struct m_instance, i) {
		if (id != NULL && strcmp(i->kind, "instance") == 0 &&
		    m_list_contains(&i->security_groups, id))
			ec2_map_group(sg, i->id, i->endpoint_port != M_INT_NONE ? i->endpoint_port : 0, st,
			    &b->kinds[M_SG_RULE]);
	}
	free(id);
}

/* DescribeSecurityGroups for IDS[0..N-1]. */
static int
ec2_describe(struct ec2_source *e, char *const *ids, size_t n, const struct m_vec *roster,
    struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	xmlDoc *doc = NULL;
	xmlNode *res;
	int rc;

	aws_params_add_list(&p, "GroupId", (const char *const *)ids, n, 1);
	rc = aws_query_call(e->cl, "ec2", "DescribeSecurityGroups", &p, deadline, &doc, err);
	aws_params_free(&p);
	if (rc != 0)
		return -1;
	res = aws_xml_result(doc, "DescribeSecurityGroups");
	for (xmlNode *sg = aws_xml_first(aws_xml_child(res, "securityGroupInfo"), "item");
	    sg != NULL; sg = aws_xml_next(sg, "item"))
		ec2_apply_group(sg, roster, &e->st, b);
	xmlFreeDoc(doc);
	return 0;
}

static int
ec2_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct ec2_source *e = s->priv;
	struct m_list ids = { NULL, 0 };
	struct m_vec roster;
	int rc = 0;

	if (e->cl == NULL && (e->cl = scope_client(e->sc)) == NULL) {
		err_set(err, ERR_INTERNAL, "ec2", NULL, "cannot start libcurl");
		return -1;
	}
	scope_roster_get(e->sc, &roster);
	M_VEC_EACH(&roster, const struct m_instance, i) {
		if (strcmp(i->kind, "instance") != 0)
			continue;
		for (size_t k = 0; k < i->security_groups.n; k++) {
			if (!m_list_contains(&ids, i->security_groups.v[k]))
				m_list_add(&ids, i->security_groups.v[k]);
		}
	}
	for (size_t off = 0; rc == 0 && off < ids.n; off += EC2_IDS_PER_CALL) {
		size_t n = ids.n - off < EC2_IDS_PER_CALL ? ids.n - off : EC2_IDS_PER_CALL;

		rc = ec2_describe(e, ids.v + off, n, &roster, b, deadline, err);
		/* One deleted group fails the whole call: ask for each alone. */
		if (rc != 0 && n > 1 && err->code != NULL &&
		    strcmp(err->code, "InvalidGroup.NotFound") == 0) {
			rc = 0;
			err_clear(err);
			for (size_t k = 0; rc == 0 && k < n; k++) {
				rc = ec2_describe(e, ids.v + off + k, 1, &roster, b, deadline, err);
				if (rc != 0 && err->code != NULL &&
				    strcmp(err->code, "InvalidGroup.NotFound") == 0) {
					rc = 0;
					err_clear(err);
				}
			}
		}
	}
	if (rc == 0) {
		M_VEC_EACH(&roster, const struct m_instance, i) {
			if (strcmp(i->kind, "instance") == 0)
				batch_cover(b, i->id);
		}
		batch_mark_complete(b, M_SG_RULE);
	} else
		m_vec_clear(&b->kinds[M_SG_RULE]);
	M_VEC_EACH(&b->kinds[M_SG_RULE], struct m_sg_rule, r)
		r->observed_at = b->polled_at;
	m_list_free(&ids);
	m_vec_free(&roster);
	s->calls += aws_client_take_attempts(e->cl);
	return rc;
}

static void
ec2_destroy(struct source *s)
{
	struct ec2_source *e = s->priv;

	if (e == NULL)
		return;
	aws_client_free(e->cl);
	scope_unref(e->sc);
	free(e);
	s->priv = NULL;
}

const struct source_ops ec2_source_ops = {
	"ec2", ec2_poll, ec2_destroy, NULL,
};

struct source *
ec2_source_new(struct scope *sc, const struct ec2_settings *st)
{
	struct ec2_source *e = xcalloc(1, sizeof *e);

	e->sc = scope_ref(sc);
	e->st = *st;
	return scope_source_new(sc, &ec2_source_ops, st->interval_ms, st->timeout_ms, e);
}
