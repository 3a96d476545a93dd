/* libFuzzer target: the JSON error parser (body and headers) and the
 * JSON response reader with its typed helpers. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_kvlist h = AWS_KVLIST_INIT;
	struct rw_error err = RW_ERROR_INIT;
	char *code, *msg, *hdr;
	const char *nl;
	cJSON *j;
	double d;
	int64_t t;
	int b;

	if (aws_json_parse_error((const char *)data, size, NULL, &code, &msg) == 0) {
		if (code == NULL || *code == '\0')
			abort();
		free(code);
		free(msg);
	}
	/* The first line doubles as the x-amzn-ErrorType / query-error header. */
	nl = memchr(data, '\n', size);
	{
		size_t n = nl != NULL ? (size_t)(nl - (const char *)data) : size;

		hdr = malloc(n + 1);
		memcpy(hdr, data, n);
		hdr[n] = '\0';
	}
	aws_kvlist_add(&h, "x-amzn-ErrorType", hdr);
	aws_kvlist_add(&h, "x-amzn-query-error", hdr);
	if (aws_json_parse_error((const char *)data, size, &h, &code, &msg) == 0) {
		free(code);
		free(msg);
	}
	aws_kvlist_free(&h);
	free(hdr);
	j = aws_json_parse((const char *)data, size, "logs", "FilterLogEvents", &err);
	if (j != NULL) {
		aws_json_str(j, "nextToken");
		aws_json_num(j, "n", &d);
		aws_json_bool(j, "b", &b);
		aws_json_time(j, "timestamp", 1, &t);
		aws_json_time(j, "t", 0, &t);
		aws_json_wipe(j);
		cJSON_Delete(j);
	}
	err_clear(&err);
	return 0;
}
