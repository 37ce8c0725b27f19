/* Time as integer epoch milliseconds everywhere inside; ISO 8601 with +08:00 at the edge. */
#ifndef YW_CLOCK_H
#define YW_CLOCK_H
#include <stddef.h>
#include <stdint.h>

/* Wall clock, epoch milliseconds. */
int64_t clock_now_ms(void);
/* Makes clock_now_ms answer ms (0 restores the real clock). For building demo data with
 * a year of history through the ordinary domain functions; never used while serving. */
void clock_override(int64_t ms);
/* Monotonic clock, nanoseconds, for measuring durations. */
int64_t clock_mono_ns(void);
/* Formats ms as "2026-11-28T13:48:56.123+08:00" (China Standard Time, no DST) into buf
 * (at least 32 bytes). */
void clock_format_iso(int64_t ms, char *buf, size_t n);
/* Parses ISO 8601 ("2026-11-28", "2026-11-28T13:48", "...:56", "...Z", "...+08:00");
 * a date or time without an offset is taken as China Standard Time. The instant must lie
 * in the years 1900..9999 of China Standard Time, so that clock_format_iso's text of it
 * reads back. 0 ok, -1 invalid. */
int clock_parse_iso(const char *s, int64_t *ms);

#endif
