/* libFuzzer target: the INI reader (inih behind our long-line reader)
 * on arbitrary text, as in a user's AWS config or rdswatch config. Every
 * value it hands out is NUL-terminated and line numbers only grow. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/inifile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_on_value(void *user, const char *section, const char *name, const char *value, int line)
{
	int *last = user;

	if (line < *last || strlen(section) + strlen(name) + strlen(value) > (size_t)1 << 30)
		abort();
	*last = line;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *why = NULL;
	struct config c;
	struct rw_error err = RW_ERROR_INIT;
	int last = 0;

	memcpy(text, data, size);
	text[size] = '\0';
	inifile_read_string(text, "fuzz", fuzz_on_value, &last, &why);
	free(why);
	if (config_load_string(&c, text, "fuzz", &err) == 0)
		config_free(&c);
	err_clear(&err);
	free(text);
	return 0;
}
