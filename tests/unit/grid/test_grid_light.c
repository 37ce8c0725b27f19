/* The light of a grid event's step (docs/grid.md "Time limits and lights"): green under
 * 80% of the step's working minutes, yellow to 100%, red past the limit, on the working-day
 * calendar (office hours, weekends, a holiday). No database. */
#include "testutil.h"

#include "core/clock.h"
#include "engine/calendar.h"
#include "grid/event.h"

static int64_t at(const char *iso)
{
	int64_t ms;
	if (clock_parse_iso(iso, &ms) != 0)
		fail_msg("bad test time %s", iso);
	return ms;
}

static void test_light_boundaries(void **state)
{
	(void)state;
	int64_t warn = 1000, due = 2000;
	assert_string_equal(grid_light(warn, due, 0), "green");
	assert_string_equal(grid_light(warn, due, 999), "green");
	assert_string_equal(grid_light(warn, due, 1000), "yellow");
	assert_string_equal(grid_light(warn, due, 2000), "yellow");
	assert_string_equal(grid_light(warn, due, 2001), "red");
	assert_null(grid_light(0, 0, 5000)); /* no step runs: a closed event */
}

static void test_two_hour_step_inside_office_hours(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	int64_t warn, due;
	grid_step_times(c, at("2026-03-10T09:00"), 120, &warn, &due);
	assert_int_equal(due, at("2026-03-10T11:00"));
	assert_int_equal(warn, at("2026-03-10T10:36")); /* 96 of 120 minutes */
	assert_string_equal(grid_light(warn, due, at("2026-03-10T10:35")), "green");
	assert_string_equal(grid_light(warn, due, at("2026-03-10T10:36")), "yellow");
	assert_string_equal(grid_light(warn, due, at("2026-03-10T11:00")), "yellow");
	assert_string_equal(grid_light(warn, due, at("2026-03-10T11:00:01")), "red");
	calendar_free(c);
}

static void test_step_filed_friday_evening_waits_for_monday(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	int64_t warn, due;
	/* Filed at 17:00 on Friday: 30 minutes that day, the rest from Monday's opening. */
	grid_step_times(c, at("2026-03-13T17:00"), 120, &warn, &due);
	assert_int_equal(due, at("2026-03-16T10:00"));
	assert_int_equal(warn, at("2026-03-16T09:36"));
	/* The weekend does not count: still green on Sunday night. */
	assert_string_equal(grid_light(warn, due, at("2026-03-15T23:00")), "green");
	assert_string_equal(grid_light(warn, due, at("2026-03-16T09:40")), "yellow");
	assert_string_equal(grid_light(warn, due, at("2026-03-16T10:01")), "red");
	calendar_free(c);
}

static void test_holiday_is_not_counted(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	assert_int_equal(calendar_set_day(c, "2026-05-04", false, "劳动节", NULL), 0);
	assert_int_equal(calendar_set_day(c, "2026-05-05", false, "劳动节", NULL), 0);
	int64_t warn, due;
	/* Two working days (1080 minutes): from Thursday 2026-04-30 they are Thursday and
	 * Friday (05-01 has no override here); from Friday, the weekend and the two holidays
	 * pass and Wednesday 05-06 is the second day. */
	grid_step_times(c, at("2026-04-30T08:30"), 1080, &warn, &due);
	assert_int_equal(due, at("2026-05-01T17:30"));
	grid_step_times(c, at("2026-05-01T08:30"), 1080, &warn, &due);
	assert_int_equal(due, at("2026-05-06T17:30"));
	/* 80% of 1080 = 864 minutes: the Friday (540) and 324 minutes of Wednesday. */
	assert_int_equal(warn, at("2026-05-06T13:54"));
	assert_string_equal(grid_light(warn, due, at("2026-05-05T12:00")), "green");
	calendar_free(c);
}

static void test_tiny_step_warns_at_its_end(void **state)
{
	(void)state;
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	int64_t warn, due;
	grid_step_times(c, at("2026-03-10T09:00"), 1, &warn, &due);
	assert_int_equal(warn, due);
	grid_step_times(c, at("2026-03-10T09:00"), 0, &warn, &due); /* taken as one minute */
	assert_int_equal(due, at("2026-03-10T09:01"));
	calendar_free(c);
}

static void test_light_words(void **state)
{
	(void)state;
	assert_true(grid_light_valid("green"));
	assert_true(grid_light_valid("yellow"));
	assert_true(grid_light_valid("red"));
	assert_false(grid_light_valid("blue"));
	assert_false(grid_light_valid(""));
	assert_false(grid_light_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_light_boundaries),
		cmocka_unit_test(test_two_hour_step_inside_office_hours),
		cmocka_unit_test(test_step_filed_friday_evening_waits_for_monday),
		cmocka_unit_test(test_holiday_is_not_counted),
		cmocka_unit_test(test_tiny_step_warns_at_its_end),
		cmocka_unit_test(test_light_words),
	};
	return cmocka_run_group_tests_name("grid_light", tests, NULL, NULL);
}
