/* libFuzzer target: the GuardDuty finding and detector mappers
 * (src/sources/guardduty_map.c) on arbitrary JSON, as a hostile or broken
 * endpoint could send it. Every string they store must come out
 * sanitized. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "aws/json.h"
#include "core/sanitize.h"
#include "sources/guardduty_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_clean(const struct m_type *t, const void *rec)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct m_field *f = &t->fields[i];
		const char *s = f->type == M_STR ? *(char *const *)m_field_cptr(f, rec) : NULL;

		if (s != NULL && !sanitize_is_clean(s))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rw_error err = RW_ERROR_INIT;
	cJSON *j = aws_json_parse((const char *)data, size, "guardduty", "GetFindings", &err);
	const cJSON *f;

	err_clear(&err);
	if (j == NULL)
		return 0;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j, "findings")) {
		struct m_finding rec;

		m_init(&m_finding_type, &rec);
		guardduty_map_finding(f, &rec);
		fuzz_check_clean(&m_finding_type, &rec);
		m_free(&m_finding_type, &rec);
	}
	{
		struct m_finding rec;
		struct m_account a;

		m_init(&m_finding_type, &rec);
		guardduty_map_finding(j, &rec);
		fuzz_check_clean(&m_finding_type, &rec);
		m_free(&m_finding_type, &rec);
		m_init(&m_account_type, &a);
		guardduty_map_detector(j, &a);
		fuzz_check_clean(&m_account_type, &a);
		m_free(&m_account_type, &a);
	}
	cJSON_Delete(j);
	return 0;
}
