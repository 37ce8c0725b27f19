/* 便民服务's pure rules: the deadline of a request on the working-day calendar (承诺件 by
 * their promise, 即办件 within a working day, across a weekend and the 2026 National Day
 * holiday), on time or late, the no-travel rule (immediate and proxy at village and
 * township stations; accompanied, and anything at a county station, is a trip), station
 * levels from unit kinds, and the CSV splitter of the catalogue import. No database. */
#include "testutil.h"

#include "core/clock.h"
#include "engine/calendar.h"
#include "services/service.h"

static int64_t at(const char *iso)
{
	int64_t ms = 0;
	assert_int_equal(clock_parse_iso(iso, &ms), 0);
	return ms;
}

static void expect_time(int64_t ms, const char *want)
{
	char got[40];
	clock_format_iso(ms, got, sizeof got);
	assert_string_equal(got, want);
}

static void test_due_days(void **state)
{
	(void)state;
	assert_int_equal(svc_due_days("promised", 10), 10);
	assert_int_equal(svc_due_days("promised", 0), 1);
	assert_int_equal(svc_due_days("immediate", 0), 1);
	assert_int_equal(svc_due_days("immediate", 5), 1);
	assert_int_equal(svc_due_days(NULL, 5), 1);
}

static void test_deadline_skips_weekends_and_holidays(void **state)
{
	(void)state;
	calendar *cal = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	assert_non_null(cal);
	/* Thursday 2026-12-03 10:00 + 10 working days → Thursday 12-17 10:00. */
	expect_time(svc_deadline(cal, at("2026-12-03T10:00:00+08:00"), "promised", 10),
		    "2026-12-17T10:00:00.000+08:00");
	/* A 即办件 on Friday afternoon is due Monday afternoon. */
	expect_time(svc_deadline(cal, at("2026-12-04T15:00:00+08:00"), "immediate", 0),
		    "2026-12-07T15:00:00.000+08:00");
	/* The National Day holiday (10-01..10-07, 10-10 worked) is no working time. */
	err e = {0};
	for (int d = 1; d <= 7; d++) {
		char ymd[32];
		snprintf(ymd, sizeof ymd, "2026-10-%02d", d);
		assert_int_equal(calendar_set_day(cal, ymd, false, "国庆节", &e), 0);
	}
	assert_int_equal(calendar_set_day(cal, "2026-10-10", true, "国庆调休", &e), 0);
	/* Wednesday 09-30 09:00 + 3 working days: 10-08, 10-09, 10-10 → Saturday 10-10. */
	expect_time(svc_deadline(cal, at("2026-09-30T09:00:00+08:00"), "promised", 3),
		    "2026-10-10T09:00:00.000+08:00");
	calendar_free(cal);
}

static void test_on_time(void **state)
{
	(void)state;
	assert_true(svc_on_time(1000, 1000));
	assert_true(svc_on_time(999, 1000));
	assert_false(svc_on_time(1001, 1000));
	assert_false(svc_on_time(0, 1000));
	assert_false(svc_on_time(1000, 0));
}

static void test_no_travel(void **state)
{
	(void)state;
	assert_true(svc_no_travel("immediate", "village"));
	assert_true(svc_no_travel("proxy", "village"));
	assert_true(svc_no_travel("immediate", "township"));
	assert_true(svc_no_travel("proxy", "township"));
	assert_false(svc_no_travel("accompanied", "village"));
	assert_false(svc_no_travel("accompanied", "township"));
	assert_false(svc_no_travel("immediate", "county"));
	assert_false(svc_no_travel("proxy", "county"));
	assert_false(svc_no_travel(NULL, "village"));
	assert_false(svc_no_travel("proxy", NULL));
}

static void test_levels(void **state)
{
	(void)state;
	assert_string_equal(svc_level_of_kind("village"), "village");
	assert_string_equal(svc_level_of_kind("community"), "village");
	assert_string_equal(svc_level_of_kind("township"), "township");
	assert_string_equal(svc_level_of_kind("county"), "county");
	assert_null(svc_level_of_kind("department"));
	assert_null(svc_level_of_kind("grid"));
	assert_null(svc_level_of_kind("city"));
	assert_true(svc_in("proxy", svc_modes));
	assert_false(svc_in("drone", svc_modes));
}

static void test_csv_split(void **state)
{
	(void)state;
	char line[] = "高龄津贴申领,village,\"居民身份证；户口簿\",\"说\"\"明\",,end";
	char *f[8];
	int n = svc_csv_split(line, f, 8);
	assert_int_equal(n, 6);
	assert_string_equal(f[0], "高龄津贴申领");
	assert_string_equal(f[1], "village");
	assert_string_equal(f[2], "居民身份证；户口簿");
	assert_string_equal(f[3], "说\"明");
	assert_string_equal(f[4], "");
	assert_string_equal(f[5], "end");
	char two[] = "a,b,c";
	assert_int_equal(svc_csv_split(two, f, 2), 2);
	char one[] = "";
	assert_int_equal(svc_csv_split(one, f, 8), 1);
	assert_string_equal(f[0], "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_days),
		cmocka_unit_test(test_deadline_skips_weekends_and_holidays),
		cmocka_unit_test(test_on_time),
		cmocka_unit_test(test_no_travel),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_csv_split),
	};
	return cmocka_run_group_tests_name("services", tests, NULL, NULL);
}
