#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"

int64_t
time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
time_mono_after(struct timespec *ts, int64_t wait_ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += wait_ms / 1000;
	ts->tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm). */
static int64_t
time_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
time_from_utc_fields(int year, int mon, int day, int hour, int min, int sec)
{
	int64_t days = time_days_from_civil(year, mon, day);

	return ((days * 24 + hour) * 60 + min) * 60 * 1000 + (int64_t)sec * 1000;
}

/* Reads exactly N digits. */
static int
time_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int
time_valid_fields(int mon, int day, int hour, int min, int sec)
{
	return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 &&
	    min >= 0 && min <= 59 && sec >= 0 && sec <= 60;
}

int
time_parse_iso8601(const char *s, int64_t *ms)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
	int64_t offset = 0, v;

	if (s == NULL || time_digits(&p, 4, &y) || *p++ != '-' || time_digits(&p, 2, &mo) ||
	    *p++ != '-' || time_digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (time_digits(&p, 2, &h) || *p++ != ':' || time_digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (time_digits(&p, 2, &sec))
				return -1;
			if (*p == '.' || *p == ',') {
				int scale = 100;

				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				for (; isdigit((unsigned char)*p); p++, scale /= 10)
					frac += (*p - '0') * scale;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;

			if (time_digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (time_digits(&p, 2, &om))
				return -1;
			offset = sign * ((int64_t)oh * 60 + om) * TIME_MIN;
		}
	}
	if (*p != '\0' || !time_valid_fields(mo, d, h, mi, sec))
		return -1;
	v = time_from_utc_fields(y, mo, d, h, mi, sec) + frac - offset;
	*ms = v;
	return 0;
}

int
time_parse_http_date(const char *s, int64_t *ms)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	int d, y, h, mi, sec, n = 0;
	const char *m;

	if (s == NULL)
		return -1;
	/* Skip the weekday: it carries no information. */
	if (strchr(s, ',') != NULL)
		s = strchr(s, ',') + 1;
	if (sscanf(s, " %2d %3s %4d %2d:%2d:%2d GMT%n", &d, mon, &y, &h, &mi, &sec, &n) != 6 ||
	    n == 0)
		return -1;
	m = strstr(months, mon);
	if (m == NULL || strlen(mon) != 3 || (m - months) % 3 != 0)
		return -1;
	if (!time_valid_fields((int)(m - months) / 3 + 1, d, h, mi, sec))
		return -1;
	*ms = time_from_utc_fields(y, (int)(m - months) / 3 + 1, d, h, mi, sec);
	return 0;
}

int
time_parse_duration(const char *s, int64_t *ms)
{
	int64_t total = 0;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return -1;
	while (*p != '\0') {
		char *end;
		long long n = strtoll(p, &end, 10);
		int64_t unit;

		if (end == p || n < 0 || n > 100LL * 365 * 24 * 3600)
			return -1;
		switch (*end) {
		case '\0': unit = TIME_SEC; break;
		case 's': unit = TIME_SEC; end++; break;
		case 'm': unit = TIME_MIN; end++; break;
		case 'h': unit = TIME_HOUR; end++; break;
		case 'd': unit = TIME_DAY; end++; break;
		case 'w': unit = 7 * TIME_DAY; end++; break;
		default: return -1;
		}
		if (*end == '\0' && unit == TIME_SEC && end[-1] != 's' && p != s)
			return -1;	/* "1h30" is ambiguous */
		total += n * unit;
		p = end;
	}
	*ms = total;
	return 0;
}

int
time_parse_when(const char *s, int64_t now, int64_t *ms)
{
	int64_t d;

	if (s == NULL)
		return -1;
	if (strcmp(s, "now") == 0) {
		*ms = now;
		return 0;
	}
	if (time_parse_iso8601(s, ms) == 0)
		return 0;
	if (time_parse_duration(s[0] == '-' ? s + 1 : s, &d) == 0) {
		*ms = now - d;
		return 0;
	}
	return -1;
}

static int
time_split(int64_t ms, struct tm *tm, int *millis)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);

	*millis = (int)(ms - (int64_t)t * 1000);
	return gmtime_r(&t, tm) != NULL ? 0 : -1;
}

static char *
time_format(int64_t ms, char *buf, size_t len, int with_ms)
{
	struct tm tm;
	int millis;

	if (time_split(ms, &tm, &millis) != 0) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (with_ms)
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
	else
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}

char *
time_format_iso8601(int64_t ms, char *buf, size_t len)
{
	return time_format(ms, buf, len, 0);
}

char *
time_format_iso8601_ms(int64_t ms, char *buf, size_t len)
{
	return time_format(ms, buf, len, 1);
}

char *
time_format_age(int64_t ms, char *buf, size_t len)
{
	const char *sign = ms < 0 ? "-" : "";

	if (ms < 0)
		ms = -ms;
	if (ms < TIME_MIN)
		snprintf(buf, len, "%s%llds", sign, (long long)(ms / TIME_SEC));
	else if (ms < TIME_HOUR)
		snprintf(buf, len, "%s%lldm", sign, (long long)(ms / TIME_MIN));
	else if (ms < 2 * TIME_DAY)
		snprintf(buf, len, "%s%lldh", sign, (long long)(ms / TIME_HOUR));
	else
		snprintf(buf, len, "%s%lldd", sign, (long long)(ms / TIME_DAY));
	return buf;
}
