/* libFuzzer target: the failed-login log parser. The first byte picks a
 * log_line_prefix; the rest is split into lines and fed to the parser.
 * Whatever comes in, it neither crashes nor leaks, and every failed
 * login it makes has a known reason and sanitized strings. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "sources/logline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const prefixes[] = {
	NULL, "%m [%p] ", "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", "%n %q%u@%d %r %e ",
};

static const char *const reasons[] = {
	M_REASON_WRONG_PASSWORD, M_REASON_UNKNOWN_ROLE, M_REASON_EXPIRED_PASSWORD,
	M_REASON_NO_PASSWORD, M_REASON_NO_HBA_ENTRY, M_REASON_NO_HBA_ENTRY_TLS,
	M_REASON_HBA_REJECT, M_REASON_AUTH_FAILED,
};

static void
check(const struct m_failed_login *f)
{
	size_t k;

	for (k = 0; k < sizeof reasons / sizeof reasons[0]; k++) {
		if (f->reason != NULL && strcmp(f->reason, reasons[k]) == 0)
			break;
	}
	if (k == sizeof reasons / sizeof reasons[0] || f->user == NULL)
		abort();
	if (!sanitize_is_clean(f->user) || (f->database && !sanitize_is_clean(f->database)) ||
	    (f->client_addr && !sanitize_is_clean(f->client_addr)) ||
	    (f->detail && !sanitize_is_clean(f->detail)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logline_format *f;
	struct logline_parser *p;
	struct m_vec out;
	char *why = NULL;
	const char *s, *end;

	if (size < 1)
		return 0;
	f = logline_format_new(prefixes[data[0] % (sizeof prefixes / sizeof prefixes[0])], &why);
	if (f == NULL)
		abort();
	p = logline_parser_new(f, "fuzz", "log_file");
	m_vec_init(&out, &m_failed_login_type);
	s = (const char *)data + 1;
	end = (const char *)data + size;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);

		logline_parser_feed(p, s, len, 1, &out);
		if (data[0] & 0x80)
			logline_parser_flush(p, 0, &out);
		s += len + 1;
	}
	logline_parser_flush(p, 1, &out);
	M_VEC_EACH(&out, struct m_failed_login, fl)
		check(fl);
	m_vec_free(&out);
	logline_parser_free(p);
	return 0;
}
