/* libFuzzer target: the AWS config and credentials file reader (profiles,
 * sub-settings, long tokens) and the endpoint resolution over what it
 * read. The input is split at the first NUL into the two files. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awsconfig.h"
#include "aws/endpoint.h"
#include "aws/service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *cred;
	struct aws_cfg c;
	struct rw_error err = RW_ERROR_INIT;

	memcpy(text, data, size);
	text[size] = '\0';
	cred = text + strlen(text);
	cred = cred < text + size ? cred + 1 : NULL;
	if (aws_cfg_load_strings(&c, text, cred, &err) == 0) {
		static const char *const services[] = { "rds", "sts", "logs", "sso" };

		for (size_t i = 0; i < c.n; i++) {
			if (c.v[i].key == NULL || c.v[i].value == NULL)
				abort();
		}
		for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
			struct aws_endpoint_in in = { aws_service_find(services[i]),
			    aws_cfg_profile(&c, "default", "region"), NULL, &c, "default" };
			char *url = NULL;
			int user;

			if (aws_endpoint_resolve(&in, &url, &user, &err) == 0 && url == NULL)
				abort();
			free(url);
			err_clear(&err);
		}
		aws_cfg_free(&c);
	}
	err_clear(&err);
	free(text);
	return 0;
}
