/* libFuzzer target: the readers that turn RDS and EC2 answers into
 * records (src/sources/rds_parse.c, the event id extraction and the
 * security group mapper of src/sources/ec2.c) on arbitrary bytes, as a
 * hostile or broken endpoint could send them. Every string they store
 * must come out sanitized. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "core/sanitize.h"
#include "sources/ec2.h"
#include "sources/rds_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_member(void *ctx, const char *id, int writer)
{
	(void)ctx, (void)writer;
	if (id == NULL)
		abort();
}

static void
fuzz_check_clean(const struct m_type *t, const void *rec)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];

		if (f->type == M_STR) {
			const char *s = *(char *const *)m_field_cptr(f, rec);

			if (s != NULL && !sanitize_is_clean(s))
				abort();
		} else if (f->type == M_LIST) {
			const struct m_list *l = m_field_cptr(f, rec);

			for (size_t k = 0; k < l->n; k++) {
				if (!sanitize_is_clean(l->v[k]))
					abort();
			}
		}
	}
}

/* Every reader on every element below N. */
static void
fuzz_walk(const xmlNode *n, int depth)
{
	struct ec2_settings st = { 0, 0, 8, 32 };

	for (xmlNode *c = aws_xml_first(n, NULL); c != NULL && depth < 40; c = aws_xml_next(c, NULL)) {
		struct m_instance i;
		struct m_event e;
		struct m_maintenance m;
		struct m_vec rules;
		struct rds_snapshot_stats stats = { 0, 0, 0, 0 };
		struct m_list minors = { NULL, 0 };
		char *snap = NULL, *inst, *text;
		int manual;

		m_init(&m_instance_type, &i);
		rds_parse_instance(c, "r", "p", &i);
		fuzz_check_clean(&m_instance_type, &i);
		m_free(&m_instance_type, &i);
		m_init(&m_instance_type, &i);
		rds_parse_cluster(c, "r", "p", &i);
		fuzz_check_clean(&m_instance_type, &i);
		m_free(&m_instance_type, &i);
		rds_parse_cluster_members(c, fuzz_member, NULL);
		m_init(&m_event_type, &e);
		rds_parse_event(c, &e);
		fuzz_check_clean(&m_event_type, &e);
		m_free(&m_event_type, &e);
		m_init(&m_maintenance_type, &m);
		rds_parse_maintenance(c, "x", &m);
		fuzz_check_clean(&m_maintenance_type, &m);
		m_free(&m_maintenance_type, &m);
		for (int k = 0; k < 2; k++) {
			const struct rds_snapshot_kind *kind = k ? &rds_cluster_snapshot
			    : &rds_db_snapshot;

			inst = rds_parse_snapshot(kind, c, &stats, &snap, &manual);
			free(inst);
			free(snap);
			snap = NULL;
			rds_snapshot_is_public(kind, c);
		}
		rds_parse_upgrade_targets(c, &minors);
		m_list_free(&minors);
		m_vec_init(&rules, &m_sg_rule_type);
		ec2_map_group(c, "x", 5432, &st, &rules);
		M_VEC_EACH(&rules, const struct m_sg_rule, r)
			fuzz_check_clean(&m_sg_rule_type, r);
		m_vec_free(&rules);
		text = aws_xml_node_text(c);
		if (text != NULL) {
			char *type, *id;

			free(rds_event_id(text));
			if (rds_arn_split(text, &type, &id) == 0) {
				free(type);
				free(id);
			}
			ec2_source_wide(text, 8, 32);
		}
		free(text);
		fuzz_walk(c, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rw_error err = RW_ERROR_INIT;
	xmlDoc *doc = aws_xml_parse((const char *)data, size, "rds", "DescribeDBInstances", &err);

	if (doc != NULL) {
		fuzz_walk(xmlDocGetRootElement(doc), 0);
		xmlFreeDoc(doc);
	}
	err_clear(&err);
	/* The id extraction on the raw bytes too. */
	{
		char *s = malloc(size + 1);

		memcpy(s, data, size);
		s[size] = '\0';
		free(rds_event_id(s));
		free(s);
	}
	return 0;
}
