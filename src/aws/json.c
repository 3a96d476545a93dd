#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/json.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

/* cJSON 1.7.15 reads up to 3 bytes past an unterminated buffer (its
 * UTF-8 BOM check), so it only ever sees a terminated copy. */
static cJSON *
aws_json_parse_mem(const char *data, size_t len)
{
	char *copy;
	cJSON *j;

	if (data == NULL)
		return NULL;
	copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	j = cJSON_ParseWithLength(copy, len);
	OPENSSL_cleanse(copy, len);
	free(copy);
	return j;
}

cJSON *
aws_json_parse(const char *data, size_t len, const char *service, const char *operation,
    struct rw_error *err)
{
	cJSON *j;
	size_t i = 0;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i == len)
		return cJSON_CreateObject();
	j = aws_json_parse_mem(data, len);
	if (j == NULL) {
		err_set(err, ERR_PARSE, service, operation,
		    "unreadable response: not valid JSON (truncated or malformed)");
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		err_set(err, ERR_PARSE, service, operation,
		    "unexpected response: JSON that is not an object");
		return NULL;
	}
	return j;
}

/* "aws.protocoltests#ThrottlingException" -> "ThrottlingException";
 * "ThrottlingException:http://internal..." -> "ThrottlingException". */
static char *
aws_json_clean_code(const char *s, size_t len)
{
	const char *hash, *colon;

	colon = memchr(s, ':', len);
	if (colon != NULL)
		len = (size_t)(colon - s);
	hash = memchr(s, '#', len);
	if (hash != NULL) {
		len -= (size_t)(hash + 1 - s);
		s = hash + 1;
	}
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len > 0 ? xstrndup(s, len) : NULL;
}

int
aws_json_parse_error(const char *data, size_t len, const struct aws_kvlist *headers, char **code,
    char **message)
{
	cJSON *j = len > 0 ? aws_json_parse_mem(data, len) : NULL;
	const char *h;

	*code = *message = NULL;
	if (headers != NULL && (h = aws_kvlist_get(headers, "x-amzn-query-error")) != NULL)
		*code = aws_json_clean_code(h, strcspn(h, ";"));
	if (*code == NULL && headers != NULL &&
	    (h = aws_kvlist_get(headers, "x-amzn-ErrorType")) != NULL)
		*code = aws_json_clean_code(h, strlen(h));
	if (cJSON_IsObject(j)) {
		const char *t = aws_json_str(j, "__type");
		const char *m = aws_json_str(j, "message");

		if (t == NULL)
			t = aws_json_str(j, "code");
		if (*code == NULL && t != NULL)
			*code = aws_json_clean_code(t, strlen(t));
		if (m == NULL)
			m = aws_json_str(j, "Message");
		if (m != NULL)
			*message = xstrdup(m);
	}
	cJSON_Delete(j);
	if (*code == NULL) {
		free(*message);
		*message = NULL;
		return -1;
	}
	return 0;
}

const char *
aws_json_str(const cJSON *obj, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

int
aws_json_num(const cJSON *obj, const char *name, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return -1;
	*out = v->valuedouble;
	return 1;
}

int
aws_json_bool(const cJSON *obj, const char *name, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return -1;
	*out = cJSON_IsTrue(v);
	return 1;
}

int
aws_json_time(const cJSON *obj, const char *name, int unit_ms, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	    v->valuedouble < 1e15 && v->valuedouble > -1e15) {
		*out = unit_ms ? (int64_t)v->valuedouble : (int64_t)(v->valuedouble * 1000.0 + (v->valuedouble >= 0 ? 0.5 : -0.5));
		return 1;
	}
	if (cJSON_IsString(v) && time_parse_iso8601(v->valuestring, out) == 0)
		return 1;
	return -1;
}

void
aws_json_wipe(cJSON *node)
{
	for (; node != NULL; node = node->next) {
		if (node->valuestring != NULL)
			OPENSSL_cleanse(node->valuestring, strlen(node->valuestring));
		aws_json_wipe(node->child);
	}
}
