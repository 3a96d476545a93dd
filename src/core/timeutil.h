/* Time in rdswatch: int64 milliseconds since the Unix epoch, UTC. 0 means
 * "absent" in records. Parsing and formatting never depend on the locale. */
#ifndef RW_CORE_TIMEUTIL_H
#define RW_CORE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_SEC  1000LL
#define TIME_MIN  (60 * TIME_SEC)
#define TIME_HOUR (60 * TIME_MIN)
#define TIME_DAY  (24 * TIME_HOUR)

/* Wall clock, and a clock for intervals that never jumps. */
int64_t time_now_ms(void);
int64_t time_mono_ms(void);
/* The CLOCK_MONOTONIC moment WAIT_MS from now, for pthread_cond_timedwait
 * on a condition made with that clock. */
struct timespec;
void time_mono_after(struct timespec *ts, int64_t wait_ms);

/* ISO 8601 / RFC 3339: "2026-11-22T14:05:00Z", with optional fraction,
 * "Z" or "+hh:mm"/"-hhmm" offset, "T" or space, or a bare date. Returns 0
 * and stores ms, or -1. */
int time_parse_iso8601(const char *s, int64_t *ms);
/* RFC 1123 HTTP date: "Sun, 22 Nov 2026 14:05:00 GMT". */
int time_parse_http_date(const char *s, int64_t *ms);
/* A duration: "90s", "5m", "2h", "7d", "1w", combined ("1h30m"), or a
 * bare number of seconds. Returns 0 or -1. */
int time_parse_duration(const char *s, int64_t *ms);
/* A moment: ISO 8601, "now", or a duration meaning that long before NOW
 * ("2h" or "-2h"). */
int time_parse_when(const char *s, int64_t now, int64_t *ms);

/* "2026-11-22T14:05:00Z" (seconds precision). BUF holds >= 21 bytes. */
char *time_format_iso8601(int64_t ms, char *buf, size_t len);
/* "2026-11-22T14:05:00.123Z". BUF holds >= 25 bytes. */
char *time_format_iso8601_ms(int64_t ms, char *buf, size_t len);
/* A compact age or duration for narrow columns: "42s", "5m", "3h", "12d". */
char *time_format_age(int64_t ms, char *buf, size_t len);

/* Like timegm(3), without the locale or TZ. */
int64_t time_from_utc_fields(int year, int mon, int day, int hour, int min, int sec);

#endif
