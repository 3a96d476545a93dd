/* Signs requests for the botocore cross-check (sigv4_botocore.py): one
 * JSON request per line on stdin, one line out - the Authorization header
 * (header mode) or the whole query string (presigned mode). Built only
 * for the tests. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/sigv4.h"
#include "core/xmalloc.h"

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void
add_pairs(struct aws_kvlist *l, const cJSON *arr)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, arr) {
		aws_kvlist_add(l, cJSON_GetStringValue(cJSON_GetArrayItem(p, 0)),
		    cJSON_GetStringValue(cJSON_GetArrayItem(p, 1)));
	}
}

static void
sign_one(const char *line)
{
	cJSON *j = cJSON_Parse(line);
	const char *hex, *mode;
	struct aws_request r;
	struct aws_creds c = AWS_CREDS_INIT;
	struct aws_sigv4_opts o = { 0 };
	char *qs;

	if (j == NULL) {
		printf("ERROR bad json\n");
		return;
	}
	mode = cJSON_GetStringValue(cJSON_GetObjectItem(j, "mode"));
	aws_request_init(&r, cJSON_GetStringValue(cJSON_GetObjectItem(j, "method")),
	    cJSON_GetStringValue(cJSON_GetObjectItem(j, "host")),
	    cJSON_GetStringValue(cJSON_GetObjectItem(j, "path")));
	add_pairs(&r.query, cJSON_GetObjectItem(j, "query"));
	add_pairs(&r.headers, cJSON_GetObjectItem(j, "headers"));
	hex = cJSON_GetStringValue(cJSON_GetObjectItem(j, "body_hex"));
	for (size_t i = 0; hex != NULL && hex[i] != '\0' && hex[i + 1] != '\0'; i += 2) {
		char b = (char)(hexval(hex[i]) << 4 | hexval(hex[i + 1]));

		buf_append(&r.body, &b, 1);
	}
	c.access_key_id = cJSON_GetStringValue(cJSON_GetObjectItem(j, "akid"));
	c.secret_access_key = cJSON_GetStringValue(cJSON_GetObjectItem(j, "secret"));
	c.session_token = cJSON_GetStringValue(cJSON_GetObjectItem(j, "token"));
	o.region = cJSON_GetStringValue(cJSON_GetObjectItem(j, "region"));
	o.service = cJSON_GetStringValue(cJSON_GetObjectItem(j, "service"));
	o.now_ms = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "now")) * 1000;
	o.expires_s = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "expires"));
	if (strcmp(mode, "header") == 0) {
		struct aws_sigv4_trace t = { NULL, NULL, NULL };

		if (aws_sigv4_sign(&r, &c, &o, NULL, getenv("SIGV4_TRACE") != NULL ? &t : NULL) != 0)
			printf("ERROR sign\n");
		else
			printf("%s\n", aws_kvlist_get(&r.headers, "Authorization"));
		if (t.canonical_request != NULL)
			fprintf(stderr, "%s\n---\n%s\n", t.canonical_request, t.string_to_sign);
		aws_sigv4_trace_free(&t);
	} else {
		if (aws_sigv4_presign(&r, &c, &o, NULL, NULL) != 0) {
			printf("ERROR presign\n");
		} else {
			qs = aws_request_query_string(&r);
			printf("%s\n", qs);
			free(qs);
		}
	}
	fflush(stdout);
	aws_request_free(&r);
	cJSON_Delete(j);
}

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, stdin) > 0)
		sign_one(line);
	free(line);
	return 0;
}
