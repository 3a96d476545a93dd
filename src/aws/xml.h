/* XML responses of the query and EC2 protocols, through libxml2, safely:
 * no network, no DTD loading, no entity substitution (a document with a
 * DTD is refused outright), bounded size and depth. Element names are
 * matched on their local name, whatever the namespace.
 *
 * The helpers below are what the data sources use to read a response:
 *   xmlNode *res = aws_xml_result(doc, "DescribeDBInstances");
 *   xmlNode *list = aws_xml_child(res, "DBInstances");
 *   for (xmlNode *db = aws_xml_first(list, "DBInstance"); db; db = aws_xml_next(db, "DBInstance"))
 *       id = aws_xml_text(db, "DBInstanceIdentifier");   (raw: sanitize before display)
 * Text is returned raw (newly allocated); model setters sanitize it. */
#ifndef RW_AWS_XML_H
#define RW_AWS_XML_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "core/err.h"

#define AWS_XML_MAX_DEPTH 64

/* Parses LEN bytes. Returns the document, or NULL with ERR (ERR_PARSE)
 * naming SERVICE and OPERATION. */
xmlDoc *aws_xml_parse(const char *data, size_t len, const char *service, const char *operation,
    struct rw_error *err);

/* The first element child of NODE named NAME (local name), or NULL.
 * NODE may be NULL (then NULL). */
xmlNode *aws_xml_child(const xmlNode *node, const char *name);
/* A path of child names separated by '/': "Endpoint/Address". */
xmlNode *aws_xml_path(const xmlNode *node, const char *path);
/* Iteration over the element children named NAME (NULL: any element). */
xmlNode *aws_xml_first(const xmlNode *parent, const char *name);
xmlNode *aws_xml_next(const xmlNode *node, const char *name);
/* How many element children named NAME. */
size_t aws_xml_count(const xmlNode *parent, const char *name);

/* The text of NODE itself (newly allocated, "" when empty; NULL for a
 * NULL node). */
char *aws_xml_node_text(const xmlNode *node);
/* The text of the child at PATH, newly allocated, or NULL if absent. */
char *aws_xml_text(const xmlNode *node, const char *path);
/* Typed reads of the child at PATH: 1 stored, 0 absent, -1 malformed. */
int aws_xml_int(const xmlNode *node, const char *path, int64_t *out);
int aws_xml_double(const xmlNode *node, const char *path, double *out);
int aws_xml_bool(const xmlNode *node, const char *path, int *out);
/* An ISO 8601 time, in ms since the epoch. */
int aws_xml_time(const xmlNode *node, const char *path, int64_t *out);

/* The "<Operation>Result" element of a query response (for EC2, whose
 * results sit in the root "<Operation>Response", the root). NULL when
 * the document is not that operation's answer. */
xmlNode *aws_xml_result(xmlDoc *doc, const char *operation);

/* An error body of the query protocol (<ErrorResponse><Error>...
 * <RequestId>) or EC2 (<Response><Errors><Error>...<RequestID>). Fills
 * *code, *message, *request_id (newly allocated or NULL). Returns 0 when
 * the body held an error, -1 when it could not be read as one. */
int aws_xml_parse_error(const char *data, size_t len, char **code, char **message,
    char **request_id);

#endif
