/* The working-day calendar appeal deadlines run on: office hours 8:30–17:30 China Standard
 * Time on Monday–Friday, statutory holidays and make-up working days (调休) from the State
 * Council's arrangements for 2025 and 2026, starts before, inside and after office hours,
 * natural hours for urgent appeals, and the CSV import admins use. No database. */
#include "testutil.h"

#include "engine/calendar.h"
#include "core/clock.h"

/* 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电, 2025-11-04), as an admin imports
 * it: a BOM-less export with a header, comments and the Chinese kinds. */
static const char *const HOLIDAYS_2026 = "日期,类型,名称\n"
					 "# 元旦\n"
					 "2026-01-01,休,元旦\n"
					 "2026-01-02,休,元旦\n"
					 "2026-01-03,休,元旦\n"
					 "2026-01-04,班,元旦调休\n"
					 "# 春节\n"
					 "2026-02-14,班,春节调休\n"
					 "2026-02-15,休,春节\n"
					 "2026-02-16,休,春节\n"
					 "2026-02-17,休,春节\n"
					 "2026-02-18,休,春节\n"
					 "2026-02-19,休,春节\n"
					 "2026-02-20,休,春节\n"
					 "2026-02-21,休,春节\n"
					 "2026-02-22,休,春节\n"
					 "2026-02-23,休,春节\n"
					 "2026-02-28,班,春节调休\n"
					 "2026-04-04,休,清明节\n"
					 "2026-04-05,休,清明节\n"
					 "2026-04-06,休,清明节\n"
					 "2026-05-01,休,劳动节\n"
					 "2026-05-02,休,劳动节\n"
					 "2026-05-03,休,劳动节\n"
					 "2026-05-04,休,劳动节\n"
					 "2026-05-05,休,劳动节\n"
					 "2026-05-09,班,劳动节调休\n"
					 "2026-06-19,休,端午节\n"
					 "2026-06-20,休,端午节\n"
					 "2026-06-21,休,端午节\n"
					 "2026-09-20,班,国庆节调休\n"
					 "2026-09-25,休,中秋节\n"
					 "2026-09-26,休,中秋节\n"
					 "2026-09-27,休,中秋节\n"
					 "2026-10-01,休,国庆节\n"
					 "2026-10-02,休,国庆节\n"
					 "2026-10-03,休,国庆节\n"
					 "2026-10-04,休,国庆节\n"
					 "2026-10-05,休,国庆节\n"
					 "2026-10-06,休,国庆节\n"
					 "2026-10-07,休,国庆节\n"
					 "2026-10-10,班,国庆节调休\n";

/* The 2025 National Day and Mid-Autumn arrangement, in the English kinds: 8 days off with
 * Sunday 09-28 and Saturday 10-11 worked. */
static const char *const GOLDEN_WEEK_2025 = "date,kind,name\n"
					    "2025-09-28,workday,国庆节、中秋节调休\n"
					    "2025-10-01,holiday,国庆节、中秋节\n"
					    "2025-10-02,holiday,国庆节、中秋节\n"
					    "2025-10-03,holiday,国庆节、中秋节\n"
					    "2025-10-04,holiday,国庆节、中秋节\n"
					    "2025-10-05,holiday,国庆节、中秋节\n"
					    "2025-10-06,holiday,国庆节、中秋节\n"
					    "2025-10-07,holiday,国庆节、中秋节\n"
					    "2025-10-08,holiday,国庆节、中秋节\n"
					    "2025-10-11,workday,国庆节、中秋节调休\n";

enum { TWO_HOURS = 120, WORK_DAY = 540 };

static int64_t at(const char *iso)
{
	int64_t ms;
	if (clock_parse_iso(iso, &ms) != 0)
		fail_msg("bad test time %s", iso);
	return ms;
}

/* The calendar the city runs on: default hours, 2025's golden week and all of 2026. */
static calendar *fuxin(void)
{
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	assert_non_null(c);
	err e = {0};
	assert_int_equal(calendar_import_csv(c, GOLDEN_WEEK_2025, &e), 10);
	assert_int_equal(calendar_import_csv(c, HOLIDAYS_2026, &e), 39);
	return c;
}

/* Asserts the deadline `minutes` after start, as local "YYYY-MM-DDTHH:MM". */
#define assert_deadline(c, start, minutes, working, want)                                          \
	do {                                                                                       \
		char got_[40];                                                                     \
		clock_format_iso(calendar_add((c), at(start), (minutes), (working)), got_,         \
				 sizeof got_);                                                     \
		got_[16] = '\0';                                                                   \
		assert_string_equal(got_, (want));                                                 \
	} while (0)

/* ---- working hours ---- */

static void test_two_working_hours_from_friday_1630_end_monday_0930(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2026-03-13T16:30", TWO_HOURS, true, "2026-03-16T09:30");
	assert_int_equal(calendar_elapsed(c, at("2026-03-13T16:30"), at("2026-03-16T09:30"), true),
			 TWO_HOURS);
	calendar_free(c);
}

static void test_start_before_opening_counts_from_opening(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2026-03-10T07:00", 60, true, "2026-03-10T09:30");
	assert_deadline(c, "2026-03-10T00:00", 60, true, "2026-03-10T09:30");
	calendar_free(c);
}

static void test_start_exactly_at_opening_counts_at_once(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2026-03-10T08:30", 60, true, "2026-03-10T09:30");
	assert_deadline(c, "2026-03-10T08:30", 1, true, "2026-03-10T08:31");
	calendar_free(c);
}

static void test_start_inside_office_hours_counts_from_start(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2026-03-10T10:15", TWO_HOURS, true, "2026-03-10T12:15");
	/* Seconds are kept: the deadline is exactly two office hours later. */
	assert_int_equal(calendar_add(c, at("2026-03-10T10:15:30.250"), TWO_HOURS, true),
			 at("2026-03-10T12:15:30.250"));
	calendar_free(c);
}

static void test_start_after_closing_counts_from_next_opening(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2026-03-10T18:00", 60, true, "2026-03-11T09:30");
	assert_deadline(c, "2026-03-10T23:59", 60, true, "2026-03-11T09:30");
	calendar_free(c);
}

static void test_start_exactly_at_closing_counts_from_next_opening(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2026-03-10T17:30", 1, true, "2026-03-11T08:31");
	/* A minute before closing still counts that minute today. */
	assert_deadline(c, "2026-03-10T17:29", 1, true, "2026-03-10T17:30");
	assert_deadline(c, "2026-03-10T17:29", 2, true, "2026-03-11T08:31");
	calendar_free(c);
}

static void test_deadline_using_up_the_day_ends_at_closing_not_next_opening(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2026-03-10T16:30", 60, true, "2026-03-10T17:30");
	assert_deadline(c, "2026-03-10T08:30", WORK_DAY, true, "2026-03-10T17:30");
	/* A day's worth from before opening is the same day; from 17:30 it is tomorrow's. */
	assert_deadline(c, "2026-03-10T06:00", WORK_DAY, true, "2026-03-10T17:30");
	assert_deadline(c, "2026-03-10T17:30", WORK_DAY, true, "2026-03-11T17:30");
	/* One working day from Friday 17:30 is Monday's closing, not Tuesday's opening. */
	assert_deadline(c, "2026-03-13T17:30", WORK_DAY, true, "2026-03-16T17:30");
	calendar_free(c);
}

static void test_weekend_start_counts_from_monday_opening(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2026-03-14T10:00", TWO_HOURS, true, "2026-03-16T10:30");
	assert_deadline(c, "2026-03-15T23:59", TWO_HOURS, true, "2026-03-16T10:30");
	assert_int_equal(calendar_elapsed(c, at("2026-03-14T00:00"), at("2026-03-16T08:30"), true),
			 0);
	calendar_free(c);
}

static void test_zero_minutes_is_the_start_itself(void **state)
{
	(void)state;
	calendar *c = fuxin();
	int64_t saturday = at("2026-03-14T10:00:07");
	assert_int_equal(calendar_add(c, saturday, 0, true), saturday);
	assert_int_equal(calendar_add(c, saturday, 0, false), saturday);
	assert_int_equal(calendar_add(c, saturday, -5, true), saturday);
	int64_t closing = at("2026-03-10T17:30");
	assert_int_equal(calendar_add(c, closing, 0, true), closing);
	calendar_free(c);
}

/* ---- holidays and make-up working days ---- */

static void test_makeup_sunday_counts_as_working(void **state)
{
	(void)state;
	calendar *c = fuxin();
	/* 2025-09-28 is a Sunday worked for the golden week. */
	assert_true(calendar_is_workday_ms(c, at("2025-09-28T12:00")));
	assert_false(calendar_is_workday_ms(c, at("2025-09-27T12:00")));
	assert_deadline(c, "2025-09-26T16:30", TWO_HOURS, true, "2025-09-28T09:30");
	assert_deadline(c, "2025-09-27T10:00", 60, true, "2025-09-28T09:30");
	/* And a make-up Saturday: 2026-10-10. */
	assert_true(calendar_is_workday_ms(c, at("2026-10-10T09:00")));
	assert_deadline(c, "2026-10-09T17:00", 60, true, "2026-10-10T09:00");
	calendar_free(c);
}

static void test_holiday_on_weekday_is_not_working(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_false(calendar_is_workday_ms(c, at("2025-10-08T10:00"))); /* a Wednesday */
	assert_true(calendar_is_workday_ms(c, at("2025-10-09T10:00")));
	/* The date is China's: 16:00 UTC on 09-30 is already October 1st in Fuxin. */
	assert_true(calendar_is_workday_ms(c, at("2025-09-30T23:59:59.999")));
	assert_false(calendar_is_workday_ms(c, at("2025-10-01T00:00")));
	assert_false(calendar_is_workday_ms(c, at("2025-09-30T16:00Z")));
	assert_true(calendar_is_workday_ms(c, at("2025-09-30T15:59:59.999Z")));
	calendar_free(c);
}

static void test_golden_week_pushes_five_days_past_holiday(void **state)
{
	(void)state;
	calendar *c = fuxin();
	/* 2025: Tuesday 09-30 from 10:00 has 450 minutes; Oct 1–8 are off; Thu 9, Fri 10,
	 * Sat 11 (make-up) and Mon 13 are whole days; Tue 14 needs the last 90 minutes. */
	assert_deadline(c, "2025-09-30T10:00", 5 * WORK_DAY, true, "2025-10-14T10:00");
	/* 2026: Oct 1–7 off, Sat 10-10 worked, so five days from Wed 09-30 end Tue 10-13. */
	assert_deadline(c, "2026-09-30T10:00", 5 * WORK_DAY, true, "2026-10-13T10:00");
	/* Filed during the holiday, counting starts on the first day back. */
	assert_deadline(c, "2026-10-03T15:00", 2 * 60, true, "2026-10-08T10:30");
	assert_deadline(c, "2026-10-03T15:00", 5 * WORK_DAY, true, "2026-10-13T17:30");
	calendar_free(c);
}

static void test_fifteen_working_days_across_spring_festival(void **state)
{
	(void)state;
	calendar *c = fuxin();
	/* Thu 02-12 from 9:00, Fri 13, Sat 14 (make-up), Feb 15–23 off, Feb 24–27,
	 * Sat 28 (make-up), Mar 2–6, 9, 10, and 30 minutes of Mar 11. */
	assert_deadline(c, "2026-02-12T09:00", 15 * WORK_DAY, true, "2026-03-11T09:00");
	calendar_free(c);
}

static void test_a_year_of_working_days_ends_on_its_last_working_day(void **state)
{
	(void)state;
	calendar *c = fuxin();
	/* 2026 has 248 working days under the State Council's arrangement; the first is the
	 * make-up Sunday 01-04 and the last Thursday 12-31. */
	assert_deadline(c, "2026-01-01T00:00", 248 * WORK_DAY, true, "2026-12-31T17:30");
	assert_int_equal(calendar_elapsed(c, at("2026-01-01T00:00"), at("2027-01-01T00:00"), true),
			 248 * WORK_DAY);
	calendar_free(c);
}

static void test_urgent_natural_hours_ignore_weekends_and_holidays(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_deadline(c, "2025-10-04T22:00", 60, false, "2025-10-04T23:00");
	assert_deadline(c, "2025-10-04T22:00", 24 * 60, false, "2025-10-05T22:00");
	assert_deadline(c, "2026-03-13T16:30", TWO_HOURS, false, "2026-03-13T18:30");
	assert_int_equal(calendar_elapsed(c, at("2025-10-04T22:00"), at("2025-10-05T22:00"), false),
			 24 * 60);
	/* Partial minutes are not counted yet. */
	assert_int_equal(
		calendar_elapsed(c, at("2025-10-04T22:00"), at("2025-10-04T22:00:59.999"), false),
		0);
	calendar_free(c);
}

static void test_elapsed_is_zero_when_to_is_not_after_from(void **state)
{
	(void)state;
	calendar *c = fuxin();
	int64_t t = at("2026-03-10T10:00");
	assert_int_equal(calendar_elapsed(c, t, t, true), 0);
	assert_int_equal(calendar_elapsed(c, t, t - 3600000, true), 0);
	assert_int_equal(calendar_elapsed(c, t, t - 3600000, false), 0);
	assert_int_equal(calendar_elapsed(c, INT64_MIN, INT64_MAX, false),
			 (int64_t)(UINT64_MAX / 60000));
	calendar_free(c);
}

static void test_n_working_days_are_n_times_the_office_minutes(void **state)
{
	(void)state;
	calendar *c = fuxin();
	assert_int_equal(calendar_day_minutes(c), 540);
	calendar_free(c);
	/* A county on 9:00–17:00 has 480-minute days, and its closing is 17:00. */
	calendar *county = calendar_new(540, 1020);
	assert_int_equal(calendar_day_minutes(county), 480);
	assert_deadline(county, "2026-03-13T16:30", 2 * 480, true, "2026-03-17T16:30");
	assert_deadline(county, "2026-03-10T08:45", 30, true, "2026-03-10T09:30");
	int s, e;
	calendar_hours(county, &s, &e);
	assert_int_equal(s, 540);
	assert_int_equal(e, 1020);
	calendar_free(county);
}

static void test_new_refuses_impossible_office_hours(void **state)
{
	(void)state;
	assert_null(calendar_new(-1, 1050));
	assert_null(calendar_new(600, 600));
	assert_null(calendar_new(1050, 510));
	assert_null(calendar_new(0, 1441));
	/* Round the clock on working days is allowed. */
	calendar *c = calendar_new(0, 1440);
	assert_non_null(c);
	assert_deadline(c, "2026-03-13T23:00", 120, true, "2026-03-16T01:00");
	calendar_free(c);
}

/* ---- properties ---- */

/* The deadline found the slow, obvious way: minute by minute from a whole-minute start. */
static int64_t add_minute_by_minute(const calendar *c, int64_t start, int64_t minutes)
{
	int s, e;
	calendar_hours(c, &s, &e);
	int64_t t = start;
	while (minutes > 0) {
		int64_t local_min = (t + 8 * 3600000) / 60000 % 1440;
		if (calendar_is_workday_ms(c, t) && local_min >= s && local_min < e)
			minutes--;
		t += 60000;
	}
	return t;
}

/* xorshift64*, seeded, so a failure reproduces. */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 2685821657736338717ULL;
}

static void test_elapsed_inverts_add_for_random_starts(void **state)
{
	(void)state;
	calendar *c = fuxin();
	uint64_t seed = 20260930;
	int64_t from = at("2025-01-01T00:00"), to = at("2027-01-01T00:00");
	for (int i = 0; i < 20000; i++) {
		/* Any millisecond in two years: inside, before and after hours, holidays. */
		int64_t s = from + (int64_t)(rnd(&seed) % (uint64_t)(to - from));
		int64_t m = (int64_t)(rnd(&seed) % (20 * WORK_DAY + 1));
		bool working = rnd(&seed) % 4 != 0;
		int64_t d = calendar_add(c, s, m, working);
		assert_true(d >= s);
		assert_int_equal(calendar_elapsed(c, s, d, working), m);
		/* And it is the earliest such instant: a millisecond sooner is a minute short. */
		if (m > 0)
			assert_int_equal(calendar_elapsed(c, s, d - 1, working), m - 1);
	}
	calendar_free(c);
}

static void test_add_matches_minute_by_minute_walk(void **state)
{
	(void)state;
	calendar *c = fuxin();
	uint64_t seed = 8;
	int64_t from = at("2025-09-01T00:00"), to = at("2026-12-01T00:00");
	for (int i = 0; i < 300; i++) {
		int64_t s = from + (int64_t)(rnd(&seed) % (uint64_t)((to - from) / 60000)) * 60000;
		int64_t m = 1 + (int64_t)(rnd(&seed) % (15 * WORK_DAY));
		assert_int_equal(calendar_add(c, s, m, true), add_minute_by_minute(c, s, m));
	}
	calendar_free(c);
}

static void test_long_spans_are_exact_and_fast(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	/* Fifty years of a golden week each: 400 overrides. */
	err e = {0};
	for (int y = 2000; y < 2050; y++)
		for (int d = 1; d <= 8; d++) {
			char ymd[32];
			snprintf(ymd, sizeof ymd, "%04d-10-%02d", y, d);
			assert_int_equal(calendar_set_day(c, ymd, d == 8, "国庆节", &e), 0);
		}
	int64_t start = at("2001-03-05T11:11");
	int64_t forty_years = 40 * 250 * (int64_t)WORK_DAY;
	int64_t d = calendar_add(c, start, forty_years, true);
	assert_int_equal(calendar_elapsed(c, start, d, true), forty_years);
	int64_t t0 = clock_mono_ns();
	for (int i = 0; i < 20000; i++) {
		int64_t s = start + (int64_t)i * 7919 * 60000;
		int64_t dl = calendar_add(c, s, 15 * WORK_DAY, true);
		assert_int_equal(calendar_elapsed(c, s, dl, true), 15 * WORK_DAY);
	}
	/* A minute-by-minute walk would take far longer than this generous bound. */
	assert_true(clock_mono_ns() - t0 < INT64_C(2000000000));
	calendar_free(c);
}

static void test_deadline_past_year_9999_is_never(void **state)
{
	(void)state;
	calendar *c = fuxin();
	int64_t s = at("2026-03-10T10:00");
	assert_int_equal(calendar_add(c, s, INT64_MAX, true), CALENDAR_NEVER);
	assert_int_equal(calendar_add(c, s, INT64_MAX, false), CALENDAR_NEVER);
	assert_int_equal(calendar_add(c, s, INT64_MAX / 60000, true), CALENDAR_NEVER);
	assert_int_equal(calendar_add(c, at("9999-12-31T17:00"), 60, true), CALENDAR_NEVER);
	assert_int_equal(calendar_add(c, at("9999-12-31T17:00"), 30, true), at("9999-12-31T17:30"));
	assert_int_equal(calendar_add(c, at("9999-12-31T23:00"), 120, false), CALENDAR_NEVER);
	/* Far in the past, counting starts on the calendar's first day, Thursday 1970-01-01. */
	assert_int_equal(calendar_add(c, INT64_MIN, 60, true), at("1970-01-01T09:30"));
	/* Before 1970 only the weekday rule applies, on the right date: 1969-12-28 was a
	 * Sunday and 1969-12-31 a Wednesday. */
	assert_false(calendar_is_workday_ms(c, at("1969-12-28T12:00")));
	assert_true(calendar_is_workday_ms(c, at("1969-12-31T12:00")));
	/* Instants at the ends of int64 are answered without overflow. */
	(void)calendar_is_workday_ms(c, INT64_MAX);
	(void)calendar_is_workday_ms(c, INT64_MIN);
	calendar_free(c);
}

/* ---- overrides ---- */

static void test_set_day_refuses_malformed_dates(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	const char *bad[] = {
		"2026-02-30",	    "2026-13-01",  "2026-1-1",	 "2026-00-10",	  "2026-04-31",
		"2025-02-29",	    "1900-02-29",  "1969-12-31", "10000-01-01",	  "",
		"2026-10-01T00:00", " 2026-10-01", "2026/10/01", "２０２６-10-01"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err e = {0};
		assert_int_equal(calendar_set_day(c, bad[i], false, "x", &e), -1);
		assert_int_equal(e.kind, ERR_INVALID);
		assert_string_equal(e.field, "date");
	}
	err e = {0};
	assert_int_equal(calendar_set_day(c, NULL, false, "x", &e), -1);
	assert_int_equal(calendar_override_count(c), 0);
	assert_int_equal(calendar_set_day(c, "2024-02-29", false, NULL, &e), 0);
	assert_int_equal(calendar_set_day(c, "2000-02-29", false, NULL, &e), 0);
	assert_int_equal(calendar_set_day(c, "1970-01-01", false, NULL, &e), 0);
	assert_int_equal(calendar_set_day(c, "9999-12-31", false, NULL, &e), 0);
	assert_false(calendar_is_workday_ms(c, at("9999-12-31T12:00"))); /* a Friday */
	assert_true(calendar_is_workday_ms(c, at("9999-12-30T12:00")));
	calendar_free(c);
}

static void test_set_day_refuses_bad_names(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	err e = {0};
	assert_int_equal(calendar_set_day(c, "2026-10-01", false, "国庆\n节", &e), -1);
	assert_string_equal(e.field, "name");
	assert_int_equal(calendar_set_day(c, "2026-10-01", false, "\xC2\x85", &e), -1);
	assert_int_equal(calendar_set_day(c, "2026-10-01", false, "\xE5\x9B", &e), -1);
	assert_int_equal(calendar_set_day(c, "2026-10-01", false, "\xC0\xAF", &e), -1);
	char name[64 * 3 + 1] = "";
	for (int i = 0; i < CALENDAR_NAME_MAX; i++)
		strcat(name, "节");
	assert_int_equal(calendar_set_day(c, "2026-10-01", false, name, &e), 0);
	strcat(name, "节");
	assert_int_equal(calendar_set_day(c, "2026-10-02", false, name, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_int_equal(calendar_override_count(c), 1);
	calendar_free(c);
}

static void test_set_day_replaces_and_clear_day_removes(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	err e = {0};
	int64_t noon = at("2026-10-10T12:00"); /* a Saturday */
	assert_false(calendar_is_workday_ms(c, noon));
	assert_int_equal(calendar_set_day(c, "2026-10-10", true, "国庆节调休", &e), 0);
	assert_true(calendar_is_workday_ms(c, noon));
	assert_int_equal(calendar_set_day(c, "2026-10-10", false, "改回休息", &e), 0);
	assert_false(calendar_is_workday_ms(c, noon));
	assert_int_equal(calendar_override_count(c), 1);
	char ymd[11];
	bool workday = true;
	const char *name = NULL;
	assert_int_equal(calendar_override_at(c, 0, ymd, &workday, &name), 0);
	assert_string_equal(name, "改回休息");
	calendar_clear_day(c, "2026-10-10");
	assert_int_equal(calendar_override_count(c), 0);
	calendar_clear_day(c, "2026-10-10"); /* absent: nothing happens */
	calendar_clear_day(c, "garbage");
	assert_false(calendar_is_workday_ms(c, noon));
	calendar_free(c);
}

static void test_overrides_iterate_in_date_order(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	err e = {0};
	assert_int_equal(calendar_set_day(c, "2026-10-10", true, "调休", &e), 0);
	assert_int_equal(calendar_set_day(c, "1970-01-01", false, NULL, &e), 0);
	assert_int_equal(calendar_set_day(c, "2026-01-01", false, "元旦", &e), 0);
	assert_int_equal(calendar_set_day(c, "9999-12-31", false, "末日", &e), 0);
	const char *want[] = {"1970-01-01", "2026-01-01", "2026-10-10", "9999-12-31"};
	assert_int_equal(calendar_override_count(c), 4);
	for (size_t i = 0; i < 4; i++) {
		char ymd[11];
		bool workday;
		const char *name;
		assert_int_equal(calendar_override_at(c, i, ymd, &workday, &name), 0);
		assert_string_equal(ymd, want[i]);
		assert_int_equal(workday, i == 2);
		if (i == 0)
			assert_string_equal(name, "");
	}
	char ymd[11];
	assert_int_equal(calendar_override_at(c, 4, ymd, NULL, NULL), -1);
	calendar_free(c);
}

static void test_copy_is_independent_of_the_original(void **state)
{
	(void)state;
	calendar *live = fuxin();
	calendar *draft = calendar_copy(live);
	err e = {0};
	assert_int_equal(calendar_set_day(draft, "2026-03-10", false, "临时休息", &e), 0);
	calendar_clear_day(draft, "2026-10-10");
	assert_true(calendar_is_workday_ms(live, at("2026-03-10T12:00")));
	assert_true(calendar_is_workday_ms(live, at("2026-10-10T12:00")));
	assert_false(calendar_is_workday_ms(draft, at("2026-03-10T12:00")));
	assert_int_equal(calendar_override_count(live), 49);
	assert_int_equal(calendar_override_count(draft), 49);
	calendar_free(live);
	calendar_free(draft);
	calendar *empty = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	calendar *empty2 = calendar_copy(empty);
	assert_int_equal(calendar_override_count(empty2), 0);
	calendar_free(empty);
	calendar_free(empty2);
}

/* ---- CSV ---- */

static void test_csv_import_is_all_or_nothing(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	err e = {0};
	assert_int_equal(calendar_set_day(c, "2026-10-01", false, "原有", &e), 0);
	const char *csv = "date,kind,name\n"
			  "2026-10-02,holiday,国庆节\n"
			  "# a comment\n"
			  "2026-10-03,holiday,国庆节\n"
			  "2026-02-30,holiday,不存在的日子\n"
			  "2026-10-04,holiday,国庆节\n";
	assert_int_equal(calendar_import_csv(c, csv, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_non_null(strstr(e.message, "第 5 行"));
	assert_non_null(strstr(e.message, "2026-02-30"));
	/* Nothing from the good lines before it was applied; what was there stays. */
	assert_int_equal(calendar_override_count(c), 1);
	assert_true(calendar_is_workday_ms(c, at("2026-10-02T12:00")));
	const char *name;
	char ymd[11];
	assert_int_equal(calendar_override_at(c, 0, ymd, NULL, &name), 0);
	assert_string_equal(name, "原有");
	calendar_free(c);
}

static void test_csv_names_the_first_bad_line(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	struct {
		const char *csv, *line;
	} cases[] = {
		{"2026-10-01,holiday,国庆节\n2026-10-01,workday,again\n", "第 2 行"},
		{"2026-10-01,假,国庆节\n", "第 1 行"},
		{"date,kind,name\n2026-10-01\n", "第 2 行"},
		{"2026-10-01,holiday,国庆节,extra\n", "第 1 行"},
		{"\n\n2026-10-01,holiday,\"国庆节\n", "第 3 行"},
		{"2026-10-01,holiday,国庆\x01节\n", "第 1 行"},
		{"2026-1-1,holiday,元旦\n2026-13-01,holiday,x\n", "第 1 行"},
		/* A header is only allowed first; later it is a bad date. */
		{"2026-10-01,holiday,国庆节\ndate,kind,name\n", "第 2 行"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		err e = {0};
		assert_int_equal(calendar_import_csv(c, cases[i].csv, &e), -1);
		assert_int_equal(e.kind, ERR_INVALID);
		if (!strstr(e.message, cases[i].line))
			fail_msg("case %zu: %s, want %s", i, e.message, cases[i].line);
	}
	assert_int_equal(calendar_override_count(c), 0);
	calendar_free(c);
}

static void test_csv_accepts_spreadsheet_exports(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	err e = {0};
	/* Excel's BOM and CRLF, quoted names with a comma and a quote, padded columns, an
	 * empty name, spaces around fields, both spellings of the kinds. */
	const char *csv = "\xEF\xBB\xBF日期,类型,名称\r\n"
			  "2025-10-01 , Holiday , \"国庆节, 中秋节\" \r\n"
			  "\r\n"
			  "  # comment\r\n"
			  "2025-10-11,班,\"调休 \"\"补班\"\"\",,\r\n"
			  "2025-09-28,WORKDAY,\r\n"
			  "2025-10-02,休";
	assert_int_equal(calendar_import_csv(c, csv, &e), 4);
	const char *want_ymd[] = {"2025-09-28", "2025-10-01", "2025-10-02", "2025-10-11"};
	const char *want_name[] = {"", "国庆节, 中秋节", "", "调休 \"补班\""};
	bool want_work[] = {true, false, false, true};
	for (size_t i = 0; i < 4; i++) {
		char ymd[11];
		bool workday;
		const char *name;
		assert_int_equal(calendar_override_at(c, i, ymd, &workday, &name), 0);
		assert_string_equal(ymd, want_ymd[i]);
		assert_string_equal(name, want_name[i]);
		assert_int_equal(workday, want_work[i]);
	}
	/* Empty input and comments only apply nothing. */
	assert_int_equal(calendar_import_csv(c, "", &e), 0);
	assert_int_equal(calendar_import_csv(c, "# nothing\n\n", &e), 0);
	assert_int_equal(calendar_override_count(c), 4);
	calendar_free(c);
}

static void test_csv_import_replaces_same_days_and_keeps_others(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	err e = {0};
	assert_int_equal(calendar_set_day(c, "2026-09-20", false, "旧", &e), 0);
	assert_int_equal(calendar_set_day(c, "2027-01-01", false, "元旦", &e), 0);
	assert_int_equal(calendar_import_csv(c, HOLIDAYS_2026, &e), 39);
	assert_int_equal(calendar_override_count(c), 40);
	assert_true(calendar_is_workday_ms(c, at("2026-09-20T12:00")));
	assert_false(calendar_is_workday_ms(c, at("2027-01-01T12:00")));
	/* Importing the same file again changes nothing. */
	assert_int_equal(calendar_import_csv(c, HOLIDAYS_2026, &e), 39);
	assert_int_equal(calendar_override_count(c), 40);
	char prev[11] = "", ymd[11];
	for (size_t i = 0; i < calendar_override_count(c); i++) {
		assert_int_equal(calendar_override_at(c, i, ymd, NULL, NULL), 0);
		assert_true(strcmp(prev, ymd) < 0);
		memcpy(prev, ymd, sizeof ymd);
	}
	calendar_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_working_hours_from_friday_1630_end_monday_0930),
		cmocka_unit_test(test_start_before_opening_counts_from_opening),
		cmocka_unit_test(test_start_exactly_at_opening_counts_at_once),
		cmocka_unit_test(test_start_inside_office_hours_counts_from_start),
		cmocka_unit_test(test_start_after_closing_counts_from_next_opening),
		cmocka_unit_test(test_start_exactly_at_closing_counts_from_next_opening),
		cmocka_unit_test(test_deadline_using_up_the_day_ends_at_closing_not_next_opening),
		cmocka_unit_test(test_weekend_start_counts_from_monday_opening),
		cmocka_unit_test(test_zero_minutes_is_the_start_itself),
		cmocka_unit_test(test_makeup_sunday_counts_as_working),
		cmocka_unit_test(test_holiday_on_weekday_is_not_working),
		cmocka_unit_test(test_golden_week_pushes_five_days_past_holiday),
		cmocka_unit_test(test_fifteen_working_days_across_spring_festival),
		cmocka_unit_test(test_a_year_of_working_days_ends_on_its_last_working_day),
		cmocka_unit_test(test_urgent_natural_hours_ignore_weekends_and_holidays),
		cmocka_unit_test(test_elapsed_is_zero_when_to_is_not_after_from),
		cmocka_unit_test(test_n_working_days_are_n_times_the_office_minutes),
		cmocka_unit_test(test_new_refuses_impossible_office_hours),
		cmocka_unit_test(test_elapsed_inverts_add_for_random_starts),
		cmocka_unit_test(test_add_matches_minute_by_minute_walk),
		cmocka_unit_test(test_long_spans_are_exact_and_fast),
		cmocka_unit_test(test_deadline_past_year_9999_is_never),
		cmocka_unit_test(test_set_day_refuses_malformed_dates),
		cmocka_unit_test(test_set_day_refuses_bad_names),
		cmocka_unit_test(test_set_day_replaces_and_clear_day_removes),
		cmocka_unit_test(test_overrides_iterate_in_date_order),
		cmocka_unit_test(test_copy_is_independent_of_the_original),
		cmocka_unit_test(test_csv_import_is_all_or_nothing),
		cmocka_unit_test(test_csv_names_the_first_bad_line),
		cmocka_unit_test(test_csv_accepts_spreadsheet_exports),
		cmocka_unit_test(test_csv_import_replaces_same_days_and_keeps_others),
	};
	return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
