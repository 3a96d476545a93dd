#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "model/model.h"
#include "panes/fmt.h"

char *
fmt_age(int64_t now, int64_t t, char *buf, size_t len)
{
	char age[32];

	if (t == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (t > now + TIME_SEC) {
		time_format_age(t - now, age, sizeof age);
		snprintf(buf, len, "in %s", age);
		return buf;
	}
	return time_format_age(now - t > 0 ? now - t : 0, buf, len);
}

static char *
fmt_utc(int64_t t, const char *format, char *buf, size_t len)
{
	char iso[32];
	int y, mo, d, h, mi;

	if (t == 0 || time_format_iso8601(t, iso, sizeof iso) == NULL ||
	    sscanf(iso, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi) != 5) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (strcmp(format, "clock") == 0)
		snprintf(buf, len, "%02d-%02d %02d:%02d", mo, d, h, mi);
	else
		snprintf(buf, len, "%04d-%02d-%02d", y, mo, d);
	return buf;
}

char *
fmt_clock(int64_t t, char *buf, size_t len)
{
	return fmt_utc(t, "clock", buf, len);
}

char *
fmt_date(int64_t t, char *buf, size_t len)
{
	return fmt_utc(t, "date", buf, len);
}

static char *
fmt_scaled(double v, double base, const char *const *units, size_t nunits, char *buf, size_t len)
{
	size_t u = 0;
	double a = fabs(v);

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	while (a >= base && u + 1 < nunits) {
		a /= base;
		v /= base;
		u++;
	}
	if (u == 0 || a >= 100)
		snprintf(buf, len, "%.0f%s", v, units[u]);
	else
		snprintf(buf, len, "%.1f%s", v, units[u]);
	return buf;
}

char *
fmt_bytes(double bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "K", "M", "G", "T", "P" };

	return fmt_scaled(bytes, 1024, units, sizeof units / sizeof *units, buf, len);
}

char *
fmt_count(double n, char *buf, size_t len)
{
	static const char *const units[] = { "", "k", "M", "G", "T" };

	return fmt_scaled(n, 1000, units, sizeof units / sizeof *units, buf, len);
}

char *
fmt_metric(double v, const char *unit, char *buf, size_t len)
{
	char tmp[32];

	if (isnan(v)) {
		snprintf(buf, len, "-");
	} else if (unit == NULL) {
		fmt_count(v, buf, len);
	} else if (strcmp(unit, "Percent") == 0) {
		snprintf(buf, len, "%.1f%%", v);
	} else if (strcmp(unit, "Bytes") == 0) {
		fmt_bytes(v, buf, len);
	} else if (strcmp(unit, "Bytes/Second") == 0) {
		snprintf(buf, len, "%s/s", fmt_bytes(v, tmp, sizeof tmp));
	} else if (strcmp(unit, "Count/Second") == 0) {
		snprintf(buf, len, "%s/s", fmt_count(v, tmp, sizeof tmp));
	} else if (strcmp(unit, "Seconds") == 0) {
		if (v < 1)
			snprintf(buf, len, "%.1fms", v * 1000);
		else
			snprintf(buf, len, "%.1fs", v);
	} else if (strcmp(unit, "Milliseconds") == 0) {
		snprintf(buf, len, "%.1fms", v);
	} else {
		fmt_count(v, buf, len);
	}
	return buf;
}

const char *
fmt_tri(int v, const char *yes, const char *no)
{
	return v == M_TRI_UNKNOWN ? "?" : v ? yes : no;
}
