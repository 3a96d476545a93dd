/* JSON Lines: one self-describing record per line,
 *   {"type": "session", "time": "...", "until": "...", "instance": "...",
 *    "fields": {...}}
 * where fields is the record as model/model.h writes it (m_to_json), so
 * m_from_json reads it back; "until" is there for state versions, and a
 * metric_5m's fields add "min", "max" and "samples". */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/xmalloc.h"
#include "export/export.h"
#include "store/policy.h"

struct export_jsonl {
	FILE *out;
	const struct export_type *t;
	struct buf line;
	char *print;
	size_t print_len;
	struct rw_error *err;
};

static cJSON *
export_jsonl_time(int64_t ms)
{
	char buf[32];

	return ms != 0 ? cJSON_CreateString(export_time(ms, buf, sizeof buf)) : cJSON_CreateNull();
}

static const char *
export_jsonl_instance(const struct store_item *it)
{
	if (it->what == STORE_ITEM_ALERT_EVENT)
		return ((const struct m_alert_event *)it->rec)->instance;
	return store_policy_instance(store_policy_get(it->kind), it->rec);
}

static int
export_jsonl_item(void *ctx, const struct store_item *it)
{
	struct export_jsonl *x = ctx;
	cJSON *obj = cJSON_CreateObject(), *fields = m_to_json(it->type, it->rec);
	const char *inst = export_jsonl_instance(it);
	int rc = 0;

	cJSON_AddStringToObject(obj, "type", x->t->name);
	cJSON_AddItemToObject(obj, "time", export_jsonl_time(it->time));
	if (it->what == STORE_ITEM_VERSION)
		cJSON_AddItemToObject(obj, "until", export_jsonl_time(it->until));
	cJSON_AddItemToObject(obj, "instance", inst != NULL ? cJSON_CreateString(inst) :
	    cJSON_CreateNull());
	if (it->what == STORE_ITEM_AGGREGATE) {
		cJSON_AddItemToObject(fields, "min", isfinite(it->min) ? cJSON_CreateNumber(it->min) :
		    cJSON_CreateNull());
		cJSON_AddItemToObject(fields, "max", isfinite(it->max) ? cJSON_CreateNumber(it->max) :
		    cJSON_CreateNull());
		cJSON_AddNumberToObject(fields, "samples", it->samples);
	}
	cJSON_AddItemToObject(obj, "fields", fields);
	/* Print into one reused buffer; grow it when a record needs more. */
	while (!cJSON_PrintPreallocated(obj, x->print, (int)x->print_len, 0)) {
		x->print_len *= 2;
		x->print = xrealloc(x->print, x->print_len);
	}
	cJSON_Delete(obj);
	buf_append_str(&x->line, x->print);
	buf_append_char(&x->line, '\n');
	if (x->line.len >= 1 << 16)
		rc = export_flush(x->out, &x->line, x->err);
	return rc;
}

int
export_jsonl_write(FILE *out, struct store *st, const struct export_opts *o, struct rw_error *err)
{
	struct export_jsonl x = { out, NULL, BUF_INIT, NULL, 4096, err };
	int rc = 0;

	x.print = xmalloc(x.print_len);
	for (size_t i = 0; i < export_ntypes && rc == 0; i++) {
		x.t = &export_types[i];
		rc = export_each(st, x.t, &o->q, export_jsonl_item, &x, err);
	}
	if (rc == 0)
		rc = export_flush(out, &x.line, err);
	buf_free(&x.line);
	free(x.print);
	return rc != 0 ? -1 : 0;
}
