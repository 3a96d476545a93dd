/* Compact formatting of values for narrow columns. Each writes into BUF
 * (32 bytes is enough) and returns it. */
#ifndef RW_PANES_FMT_H
#define RW_PANES_FMT_H

#include <stddef.h>
#include <stdint.h>

/* "-" for an absent time; "42s", "5m", "3h", "12d" ago; "in 3d" ahead. */
char *fmt_age(int64_t now, int64_t t, char *buf, size_t len);
/* "11-22 14:05" (UTC); "-" when absent. */
char *fmt_clock(int64_t t, char *buf, size_t len);
/* "2026-11-22" (UTC); "-" when absent. */
char *fmt_date(int64_t t, char *buf, size_t len);
/* "512B", "1.5K", "3.2M", "5.0G" (powers of 1024). */
char *fmt_bytes(double bytes, char *buf, size_t len);
/* "950", "1.2k", "3.4M", "1.5G". */
char *fmt_count(double n, char *buf, size_t len);
/* A CloudWatch value with its unit: "12.3%", "1.5G", "4.0ms", "12/s". */
char *fmt_metric(double v, const char *unit, char *buf, size_t len);
/* "yes", "no" or "?" for a tri-state, with the words given. */
const char *fmt_tri(int v, const char *yes, const char *no);

#endif
