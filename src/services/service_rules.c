/* The pure rules of 便民服务: deadlines, the no-travel rule, levels. */
#include <string.h>

#include "services/service.h"

const char *const svc_levels[] = {"county", "township", "village", NULL};
const char *const svc_modes[] = {"immediate", "accompanied", "proxy", NULL};
const char *const svc_kinds[] = {"immediate", "promised", NULL};
const char *const svc_statuses[] = {"received", "correcting", "appointed", "at_hall", "completed",
				    "done",	"complaint",  "withdrawn", NULL};

bool svc_in(const char *word, const char *const *words)
{
	for (; word && *words; words++)
		if (!strcmp(word, *words))
			return true;
	return false;
}

int svc_due_days(const char *item_kind, int promised_days)
{
	if (item_kind && !strcmp(item_kind, "promised") && promised_days > 0)
		return promised_days;
	return 1;
}

int64_t svc_deadline(const calendar *cal, int64_t start, const char *item_kind, int promised_days)
{
	int days = svc_due_days(item_kind, promised_days);
	return calendar_add(cal, start, (int64_t)days * calendar_day_minutes(cal), true);
}

bool svc_no_travel(const char *mode, const char *station_level)
{
	if (!mode || !station_level)
		return false;
	bool local = !strcmp(station_level, "village") || !strcmp(station_level, "township");
	return local && (!strcmp(mode, "immediate") || !strcmp(mode, "proxy"));
}

bool svc_on_time(int64_t done_at, int64_t due_at)
{
	return done_at > 0 && due_at > 0 && done_at <= due_at;
}

const char *svc_level_of_kind(const char *unit_kind)
{
	if (!unit_kind)
		return NULL;
	if (!strcmp(unit_kind, "village") || !strcmp(unit_kind, "community"))
		return "village";
	if (!strcmp(unit_kind, "township"))
		return "township";
	if (!strcmp(unit_kind, "county"))
		return "county";
	return NULL;
}
