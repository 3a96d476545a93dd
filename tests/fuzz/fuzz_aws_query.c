/* libFuzzer target: the query form encoding's inverse on arbitrary bytes,
 * and the round trip: decoded pairs encode to a body that decodes back to
 * the same pairs. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_kvlist in = AWS_KVLIST_INIT, back = AWS_KVLIST_INIT;
	struct aws_params p = AWS_PARAMS_INIT;
	char *body;

	aws_query_decode((const char *)data, size, &in);
	for (size_t i = 0; i < in.n; i++)
		aws_params_add(&p, in.v[i].name, in.v[i].value);
	body = aws_query_encode("Op", "2014-10-31", &p);
	aws_query_decode(body, strlen(body), &back);
	if (back.n != in.n + 2)
		abort();
	for (size_t i = 0; i < in.n; i++) {
		if (strcmp(back.v[i + 2].name, in.v[i].name) != 0 ||
		    strcmp(back.v[i + 2].value, in.v[i].value) != 0)
			abort();
	}
	free(body);
	aws_params_free(&p);
	aws_kvlist_free(&in);
	aws_kvlist_free(&back);
	return 0;
}
