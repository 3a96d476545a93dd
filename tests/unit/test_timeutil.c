/* Time parsing and formatting, independent of locale and TZ. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "core/timeutil.h"

/* 2026-11-22T14:05:00Z, computed independently with timegm(3). */
static int64_t
ref_ms(void)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_hour = 14, .tm_min = 5 };

	return (int64_t)timegm(&tm) * 1000;
}

static void
test_time_parse_iso8601(void **state)
{
	int64_t ms, ref = ref_ms();

	(void)state;
	assert_int_equal(time_parse_iso8601("2026-11-22T14:05:00Z", &ms), 0);
	assert_int_equal(ms, ref);
	assert_int_equal(time_parse_iso8601("2026-11-22T14:05:00.250Z", &ms), 0);
	assert_int_equal(ms, ref + 250);
	assert_int_equal(time_parse_iso8601("2026-11-22T14:05:00.123456Z", &ms), 0);
	assert_int_equal(ms, ref + 123);
	assert_int_equal(time_parse_iso8601("2026-11-22 16:05:00+02:00", &ms), 0);
	assert_int_equal(ms, ref);
	assert_int_equal(time_parse_iso8601("2026-11-22T09:05:00-0500", &ms), 0);
	assert_int_equal(ms, ref);
	assert_int_equal(time_parse_iso8601("2026-11-22T14:05Z", &ms), 0);
	assert_int_equal(ms, ref);
	assert_int_equal(time_parse_iso8601("2026-11-22", &ms), 0);
	assert_int_equal(ms, ref - (14 * 60 + 5) * 60 * 1000LL);
	assert_int_equal(time_parse_iso8601("1970-01-01T00:00:00Z", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(time_parse_iso8601("2024-02-29T00:00:00Z", &ms), 0);

	assert_int_equal(time_parse_iso8601("2026-13-01T00:00:00Z", &ms), -1);
	assert_int_equal(time_parse_iso8601("2026-11-22T25:00:00Z", &ms), -1);
	assert_int_equal(time_parse_iso8601("2026-11-22T14:05:00Zjunk", &ms), -1);
	assert_int_equal(time_parse_iso8601("22/11/2026", &ms), -1);
	assert_int_equal(time_parse_iso8601("", &ms), -1);
	assert_int_equal(time_parse_iso8601(NULL, &ms), -1);
}

static void
test_time_parse_http_date(void **state)
{
	int64_t ms;

	(void)state;
	assert_int_equal(time_parse_http_date("Sun, 22 Nov 2026 14:05:00 GMT", &ms), 0);
	assert_int_equal(ms, ref_ms());
	assert_int_equal(time_parse_http_date("Sun, 22 Nox 2026 14:05:00 GMT", &ms), -1);
	assert_int_equal(time_parse_http_date("Sun, 22 Nov 2026 14:05:00", &ms), -1);
	assert_int_equal(time_parse_http_date("garbage", &ms), -1);
}

static void
test_time_parse_duration(void **state)
{
	int64_t ms;

	(void)state;
	assert_int_equal(time_parse_duration("90s", &ms), 0);
	assert_int_equal(ms, 90 * TIME_SEC);
	assert_int_equal(time_parse_duration("90", &ms), 0);
	assert_int_equal(ms, 90 * TIME_SEC);
	assert_int_equal(time_parse_duration("5m", &ms), 0);
	assert_int_equal(ms, 5 * TIME_MIN);
	assert_int_equal(time_parse_duration("1h30m", &ms), 0);
	assert_int_equal(ms, 90 * TIME_MIN);
	assert_int_equal(time_parse_duration("7d", &ms), 0);
	assert_int_equal(ms, 7 * TIME_DAY);
	assert_int_equal(time_parse_duration("2w", &ms), 0);
	assert_int_equal(ms, 14 * TIME_DAY);
	assert_int_equal(time_parse_duration("1h30", &ms), -1);
	assert_int_equal(time_parse_duration("5x", &ms), -1);
	assert_int_equal(time_parse_duration("-5m", &ms), -1);
	assert_int_equal(time_parse_duration("", &ms), -1);
}

static void
test_time_parse_when(void **state)
{
	int64_t ms, now = ref_ms();

	(void)state;
	assert_int_equal(time_parse_when("now", now, &ms), 0);
	assert_int_equal(ms, now);
	assert_int_equal(time_parse_when("2h", now, &ms), 0);
	assert_int_equal(ms, now - 2 * TIME_HOUR);
	assert_int_equal(time_parse_when("-30m", now, &ms), 0);
	assert_int_equal(ms, now - 30 * TIME_MIN);
	assert_int_equal(time_parse_when("2026-11-22T14:05:00Z", 0, &ms), 0);
	assert_int_equal(ms, now);
	assert_int_equal(time_parse_when("yesterday", now, &ms), -1);
}

static void
test_time_format(void **state)
{
	char buf[40];

	(void)state;
	assert_string_equal(time_format_iso8601(ref_ms(), buf, sizeof buf), "2026-11-22T14:05:00Z");
	assert_string_equal(time_format_iso8601_ms(ref_ms() + 7, buf, sizeof buf),
	    "2026-11-22T14:05:00.007Z");
	assert_string_equal(time_format_iso8601(-1000, buf, sizeof buf), "1969-12-31T23:59:59Z");
	assert_string_equal(time_format_age(42 * TIME_SEC, buf, sizeof buf), "42s");
	assert_string_equal(time_format_age(5 * TIME_MIN + 3, buf, sizeof buf), "5m");
	assert_string_equal(time_format_age(3 * TIME_HOUR, buf, sizeof buf), "3h");
	assert_string_equal(time_format_age(12 * TIME_DAY, buf, sizeof buf), "12d");
	assert_string_equal(time_format_age(-90 * TIME_SEC, buf, sizeof buf), "-1m");
}

static void
test_time_round_trip(void **state)
{
	char buf[40];
	int64_t ms;

	(void)state;
	for (int64_t t = -5 * TIME_DAY; t < 400LL * 365 * TIME_DAY; t += 7919 * TIME_HOUR + 123) {
		time_format_iso8601_ms(t, buf, sizeof buf);
		assert_int_equal(time_parse_iso8601(buf, &ms), 0);
		assert_int_equal(ms, t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse_iso8601),
		cmocka_unit_test(test_time_parse_http_date),
		cmocka_unit_test(test_time_parse_duration),
		cmocka_unit_test(test_time_parse_when),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_time_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
