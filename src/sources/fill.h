/* Records from AWS answers by table: each entry names where a value sits
 * in the answer and which record field it fills, and the field's type
 * (model/model.h) says how to read it. Strings go through the model's
 * sanitizing setters. The AWS sources describe their records with these
 * tables instead of one hand-written line per field. */
#ifndef RW_SOURCES_FILL_H
#define RW_SOURCES_FILL_H

#include <cjson/cJSON.h>
#include <libxml/tree.h>

#include "model/model.h"

struct fill_map {
	/* XML: child names separated by '/' ("Endpoint/Port"). A list field
	 * reads "List/Item" (each item's text) or "List/Item/Sub" (a child
	 * of each item).
	 * JSON: member names separated by '.' ("resource.resourceType"). */
	const char *path;
	const char *field;	/* the record field (m_field name) */
};

/* Fills REC (of type T, already initialized) from the XML element NODE.
 * Values that are absent leave the field absent; malformed numbers and
 * times too. */
void fill_from_xml(const struct fill_map *map, size_t n, const xmlNode *node,
    const struct m_type *t, void *rec);
/* The same from a JSON object. A JSON number fills M_TIME fields as epoch
 * seconds (the JSON protocols' default), a string as ISO 8601. */
void fill_from_json(const struct fill_map *map, size_t n, const cJSON *obj,
    const struct m_type *t, void *rec);
/* The JSON value at a '.'-separated PATH of objects, or NULL. */
const cJSON *fill_json_path(const cJSON *obj, const char *path);

#define FILL_N(map) (sizeof (map) / sizeof (map)[0])

#endif
