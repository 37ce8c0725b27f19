/* The ISO 8601 parser (clock_parse_iso) every date and time parameter goes through: Open311's
 * start_date/end_date and datetime answers, the statistics period, the appeal list's
 * filters, livelihood due dates (lv_date_valid). Checked against the C library's calendar
 * (timegm): an accepted text names a real date and the instant it says, a real date
 * written as YYYY-MM-DD is accepted, and what clock_format_iso writes of an accepted
 * instant reads back as the same instant. */
#include "fuzz.h"

#include <ctype.h>
#include <stdbool.h>
#include <time.h>

#include "core/clock.h"
#include "livelihood/livelihood.h"

/* Whether y-m-d is a date of the proleptic Gregorian calendar. */
static bool real_date(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	timegm(&tm);
	return tm.tm_year == y - 1900 && tm.tm_mon == m - 1 && tm.tm_mday == d;
}

static bool ymd_shape(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	int64_t ms;
	int rc = clock_parse_iso(s, &ms);
	size_t len = strlen(s);
	int y = 0, m = 0, d = 0;
	bool shape = len >= 10 && ymd_shape(s);
	if (shape)
		sscanf(s, "%4d-%2d-%2d", &y, &m, &d);
	if (rc == 0) {
		FUZZ_CHECK(shape && y >= 1900 && y <= 9999 && real_date(y, m, d));
		/* The instant: the date's midnight in China, give or take the time of day
		 * and the offset (at most a day and a bit either way). */
		struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
		int64_t midnight = ((int64_t)timegm(&tm) - 8 * 3600) * 1000;
		FUZZ_CHECK(ms >= midnight - INT64_C(15) * 3600 * 1000 &&
			   ms < midnight + INT64_C(48) * 3600 * 1000);
		if (len == 10)
			FUZZ_CHECK(ms == midnight);
		/* Written back, read back. */
		char iso[40];
		clock_format_iso(ms, iso, sizeof iso);
		int64_t back;
		if (clock_parse_iso(iso, &back) != 0 || back != ms)
			fprintf(stderr, "%s -> %lld -> %s\n", s, (long long)ms, iso);
		FUZZ_CHECK(clock_parse_iso(iso, &back) == 0 && back == ms);
	} else if (len == 10 && shape && y >= 1900 && real_date(y, m, d)) {
		FUZZ_CHECK(!"a real date YYYY-MM-DD was refused");
	}
	/* A livelihood due date is exactly a date. */
	FUZZ_CHECK(lv_date_valid(s) == (rc == 0 && len == 10));
	free(s);
	return 0;
}
