/* The calendar's CSV import (POST /api/v1/calendar/import: the body is the CSV) into a
 * calendar that already holds overrides. Checked: a refused import leaves the calendar as
 * it was and names a line; an accepted one keeps the overrides in date order, one per
 * date, with names of at most CALENDAR_NAME_MAX characters of UTF-8 without controls, and
 * the deadline arithmetic on the imported calendar keeps its promise
 * calendar_elapsed(c, s, calendar_add(c, s, m, w), w) == m. */
#include "fuzz.h"

#include <stdbool.h>

#include "engine/calendar.h"
#include "http/validate.h"

static bool same(const calendar *a, const calendar *b)
{
	if (calendar_override_count(a) != calendar_override_count(b))
		return false;
	for (size_t i = 0; i < calendar_override_count(a); i++) {
		char da[11], db[11];
		bool wa, wb;
		const char *na, *nb;
		calendar_override_at(a, i, da, &wa, &na);
		calendar_override_at(b, i, db, &wb, &nb);
		if (strcmp(da, db) || wa != wb || strcmp(na, nb))
			return false;
	}
	return true;
}

static uint64_t mix(const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211u;
	return h;
}

/* The date of PUT and DELETE /api/v1/calendar/{date}: exactly YYYY-MM-DD, a real date in
 * 1970..9999. */
static void check_date(calendar *c, const char *ymd)
{
	int y = 0, m = 0, d = 0;
	bool shape = strlen(ymd) == 10 && ymd[4] == '-' && ymd[7] == '-';
	for (int i = 0; shape && i < 10; i++)
		shape = i == 4 || i == 7 || (ymd[i] >= '0' && ymd[i] <= '9');
	if (shape)
		sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	bool real = shape && y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] &&
		    (m != 2 || d < 29 || leap);
	size_t n = calendar_override_count(c);
	err e = {0};
	int rc = calendar_set_day(c, ymd, true, "调休", &e);
	FUZZ_CHECK((rc == 0) == real);
	if (rc == 0) {
		FUZZ_CHECK(calendar_override_count(c) >= n);
		calendar_clear_day(c, ymd);
		FUZZ_CHECK(calendar_override_count(c) <= n);
	} else {
		FUZZ_CHECK(e.kind == ERR_INVALID && calendar_override_count(c) == n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	calendar *c = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	err e = {0};
	FUZZ_CHECK(calendar_set_day(c, "2026-10-01", false, "国庆节", &e) == 0);
	FUZZ_CHECK(calendar_set_day(c, "2026-10-11", true, "国庆节调休", &e) == 0);
	calendar *before = calendar_copy(c);
	size_t n0 = calendar_override_count(c);
	char *first = fuzz_str(data, size);
	fuzz_cut(first, '\n');
	calendar *scratch = calendar_copy(c);
	check_date(scratch, first);
	calendar_free(scratch);
	free(first);

	char *csv = fuzz_str(data, size);
	int rc = calendar_import_csv(c, csv, &e);
	if (rc < 0) {
		FUZZ_CHECK(e.kind == ERR_INVALID && strstr(e.message, "第 ") == e.message);
		FUZZ_CHECK(same(c, before));
	} else {
		size_t n = calendar_override_count(c);
		FUZZ_CHECK(n >= n0 && n <= n0 + (size_t)rc && (size_t)rc <= n);
		char prev[11] = "";
		for (size_t i = 0; i < n; i++) {
			char ymd[11];
			bool workday;
			const char *name;
			FUZZ_CHECK(calendar_override_at(c, i, ymd, &workday, &name) == 0);
			FUZZ_CHECK(strcmp(prev, ymd) < 0); /* sorted, each date once */
			memcpy(prev, ymd, sizeof ymd);
			long chars = jv_utf8_chars(name);
			FUZZ_CHECK(chars >= 0 && chars <= CALENDAR_NAME_MAX);
			FUZZ_CHECK(!jv_has_control(name, false));
			/* What is listed can be set again as it is. */
			err se = {0};
			FUZZ_CHECK(calendar_set_day(before, ymd, workday, name, &se) == 0);
		}
		/* Deadlines on the imported calendar: from a day in the autumn of 2026, up to
		 * a few months of working minutes. */
		uint64_t h = mix(data, size);
		for (int k = 0; k < 4; k++, h = h * 6364136223846793005u + 1442695040888963407u) {
			int64_t start = INT64_C(1790000000000) + (int64_t)(h >> 40) * 1000;
			int64_t minutes = (int64_t)(h % 60000);
			bool working = k % 2 == 0;
			int64_t end = calendar_add(c, start, minutes, working);
			FUZZ_CHECK(end >= start);
			FUZZ_CHECK(calendar_elapsed(c, start, end, working) == minutes);
		}
	}
	free(csv);
	calendar_free(before);
	calendar_free(c);
	return 0;
}
