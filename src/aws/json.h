/* JSON of the JSON 1.0/1.1 and REST-JSON protocols through cJSON:
 * bounded size (the HTTP layer caps bodies) and nesting (cJSON's limit),
 * errors parsed as domain.md says, and small typed readers for the data
 * sources. Strings are returned as cJSON holds them (raw): sanitize
 * before display. */
#ifndef RW_AWS_JSON_H
#define RW_AWS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "aws/kvlist.h"
#include "core/err.h"

/* Parses LEN bytes (an empty body is "{}", as the SDKs read it). Returns
 * the tree or NULL with ERR (ERR_PARSE) naming SERVICE and OPERATION. */
cJSON *aws_json_parse(const char *data, size_t len, const char *service, const char *operation,
    struct rw_error *err);

/* An error answer: the code from the x-amzn-query-error header ("Code;Sender",
 * CloudWatch's query compatibility), then x-amzn-ErrorType (cut at ':'),
 * then the body's "__type" or "code" (cut after '#'); the message from
 * "message" or "Message". HEADERS may be NULL. Returns 0 when a code was
 * found, else -1 (nothing allocated). */
int aws_json_parse_error(const char *data, size_t len, const struct aws_kvlist *headers,
    char **code, char **message);

/* Typed readers of OBJ's member NAME: the string (or NULL), a number
 * (1 stored, 0 absent, -1 another type), a boolean. */
const char *aws_json_str(const cJSON *obj, const char *name);
int aws_json_num(const cJSON *obj, const char *name, double *out);
int aws_json_bool(const cJSON *obj, const char *name, int *out);
/* A time: epoch seconds (JSON protocols' default, fractional allowed)
 * or an ISO 8601 string; in ms. UNIT_MS: the number is milliseconds. */
int aws_json_time(const cJSON *obj, const char *name, int unit_ms, int64_t *out);

/* Overwrites every string in the tree (before cJSON_Delete of a tree
 * that held a secret). */
void aws_json_wipe(cJSON *node);

#endif
