/* The working-day calendar that appeal deadlines run on: office hours on Monday–Friday in
 * China Standard Time, changed by overrides an admin sets or imports (statutory holidays,
 * and make-up working days, 调休, such as a Sunday that is worked). Dates run 1970..9999.
 *
 * No internal locking: the const functions may be called from many threads at once on a
 * calendar nobody changes. To edit, copy the calendar, change the copy, and swap it in as
 * a whole; free the old one only when no reader can still hold it. */
#ifndef YW_CALENDAR_H
#define YW_CALENDAR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Default office hours, minutes after midnight China Standard Time (8:30–17:30). */
enum { CALENDAR_WORK_START = 510, CALENDAR_WORK_END = 1050 };
/* The longest name of a holiday or make-up day, in characters. */
enum { CALENDAR_NAME_MAX = 50 };

/* What calendar_add returns for a deadline past 9999-12-31: never. */
#define CALENDAR_NEVER INT64_MAX

typedef struct calendar calendar;

/* A calendar with no overrides; NULL unless 0 <= work_start_min < work_end_min <= 1440. */
calendar *calendar_new(int work_start_min, int work_end_min);
/* A deep copy, to edit while readers keep using the original. */
calendar *calendar_copy(const calendar *c);
/* Frees c and its overrides; NULL is ignored. */
void calendar_free(calendar *c);
/* The office hours c was made with, minutes after midnight. */
void calendar_hours(const calendar *c, int *work_start_min, int *work_end_min);
/* Marks a date "YYYY-MM-DD" (1970..9999) as a holiday (workday=false) or a make-up working
 * day (true), replacing any override of that date; name (NULL: none) is UTF-8 without
 * control characters, at most CALENDAR_NAME_MAX characters. 0 ok, -1 with ERR_INVALID. */
int calendar_set_day(calendar *c, const char *ymd, bool workday, const char *name, err *e);
/* Removes an override; a date without one (or malformed) is left alone. */
void calendar_clear_day(calendar *c, const char *ymd);
/* Whether the local date of ms is a working day (overrides first, else Monday–Friday). */
bool calendar_is_workday_ms(const calendar *c, int64_t ms);
/* The earliest instant at which `minutes` counted minutes have passed since start:
 * natural minutes when working is false; otherwise only minutes inside office hours on
 * working days count, so a start outside office hours counts from the next opening and a
 * deadline that uses up a day's hours ends at closing, not the next opening. 0 (or
 * negative) minutes return start; a deadline past 9999-12-31 is CALENDAR_NEVER. */
int64_t calendar_add(const calendar *c, int64_t start_ms, int64_t minutes, bool working);
/* Whole minutes between from and to that count (working or natural), 0 when to <= from;
 * the inverse of calendar_add: calendar_elapsed(c, s, calendar_add(c, s, m, w), w) == m. */
int64_t calendar_elapsed(const calendar *c, int64_t from_ms, int64_t to_ms, bool working);
/* Office minutes in one working day (540 by default): N working days = N * this. */
int calendar_day_minutes(const calendar *c);
/* Imports CSV lines "date,kind,name" (kind: holiday|workday, or 休|班; name optional and
 * may be double-quoted), blank lines, '#' comments, a UTF-8 BOM and a header line whose
 * first field is "date" or "日期" allowed; a date twice is an error. All-or-nothing: on the
 * first bad line returns -1 with e (ERR_INVALID) naming the line number and nothing is
 * applied. Returns the count applied. */
int calendar_import_csv(calendar *c, const char *csv, err *e);
/* The number of overrides, for iterating them in date order (listing, saving). */
size_t calendar_override_count(const calendar *c);
/* The i-th override in date order: its date, kind and name ("" when none, borrowed from
 * c). 0 ok, -1 when i is out of range. */
int calendar_override_at(const calendar *c, size_t i, char ymd[11], bool *workday,
			 const char **name);

#endif
