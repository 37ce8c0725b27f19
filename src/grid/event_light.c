/* The light of a step (docs/grid.md "Time limits and lights"): pure functions, tested in
 * tests/unit/grid without a database. */
#include <string.h>

#include "grid/event.h"

void grid_step_times(const calendar *cal, int64_t start, int64_t minutes, int64_t *warn,
		     int64_t *due)
{
	if (minutes < 1)
		minutes = 1;
	*due = calendar_add(cal, start, minutes, true);
	/* 80% of the working minutes, rounded up: a 1-minute step warns at its end. */
	*warn = calendar_add(cal, start, (minutes * 4 + 4) / 5, true);
}

const char *grid_light(int64_t warn, int64_t due, int64_t now)
{
	if (!due)
		return NULL;
	if (now > due)
		return "red";
	return now >= warn ? "yellow" : "green";
}

bool grid_light_valid(const char *s)
{
	return s && (!strcmp(s, "green") || !strcmp(s, "yellow") || !strcmp(s, "red"));
}
