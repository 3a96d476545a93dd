/* Test helper: reads a snapshot as JSON on stdin, evaluates the rules
 * and prints the `once` report of the result (JSON, or text with
 * --text). Input: {"at": ISO-8601, "records": {PLURAL: [RECORD, ...]}}
 * with the kinds' plural names (model/records.c) and records as
 * m_to_json() writes them. Lets script tests drive the rules with data
 * built from a scenario file. Exit: the report's monitoring status, or
 * 100 on bad input. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "rules/rules.h"
#include "view/report.h"

static int
rules_eval_load(struct snapshot *s, const cJSON *doc)
{
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(doc, "at");
	const cJSON *records = cJSON_GetObjectItemCaseSensitive(doc, "records");
	int64_t t;

	if (!cJSON_IsString(at) || time_parse_iso8601(at->valuestring, &t) != 0 ||
	    !cJSON_IsObject(records))
		return -1;
	snapshot_init(s, t, 0);
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(records, m_kind_plural((enum m_kind)k));
		const cJSON *item;

		cJSON_ArrayForEach(item, arr) {
			void *rec = m_vec_push(&s->kinds[k]);

			if (m_from_json(m_kind_type((enum m_kind)k), rec, item) != 0) {
				fprintf(stderr, "rules_eval: bad %s record\n", m_kind_plural((enum m_kind)k));
				return -1;
			}
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct buf in = BUF_INIT;
	char chunk[65536];
	size_t n;
	cJSON *doc;
	struct snapshot s;
	struct rules_config cfg;
	struct batch *b;
	char *out;
	int code, text = argc > 1 && strcmp(argv[1], "--text") == 0;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_append(&in, chunk, n);
	doc = cJSON_Parse(buf_str(&in));
	buf_free(&in);
	if (doc == NULL || rules_eval_load(&s, doc) != 0) {
		fprintf(stderr, "rules_eval: bad input\n");
		return 100;
	}
	cJSON_Delete(doc);
	rules_config_init(&cfg);
	b = batch_new("rules", s.at);
	rules_evaluate(&s, &cfg, s.at, b);
	snapshot_apply(&s, b, NULL);
	batch_free(b);
	out = text ? report_text(&s, 80) : report_json_string(&s);
	fputs(out, stdout);
	free(out);
	code = report_exit_code(&s, REPORT_FAIL_ON_WARNING);
	rules_config_free(&cfg);
	snapshot_free(&s);
	return code;
}
