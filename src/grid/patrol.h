/* Grid members' patrols (docs/grid.md "Patrols"): start, end and notes, with the minutes
 * and the night minutes (22:00–06:00 China time) counted once when recorded. */
#ifndef YW_GRID_PATROL_H
#define YW_GRID_PATROL_H
#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

enum {
	PATROL_NOTES_MAX = 1000,
	PATROL_LENGTH_MAX_MS = 24 * 3600 * 1000,
	/* A phone's clock may run a little ahead of the server's. */
	PATROL_CLOCK_SLACK_MS = 2 * 60 * 1000,
};

/* The milliseconds of [start, end) that fall between 22:00 and 06:00 China time. */
int64_t patrol_night_ms(int64_t start, int64_t end);

typedef struct patrol_input {
	int64_t grid_id; /* 0: the caller's grid (grid_of_member) */
	int64_t started_at, ended_at;
	const char *notes;
} patrol_input;

/* Inside a write transaction: records who's patrol of a grid whose member or backup who
 * is (403 otherwise). 422 when it ends before it starts, ends in the future (past now and
 * a little slack) or lasts more than 24 hours; 409 overlapping when it overlaps another
 * patrol of who's. Audited. */
int patrol_create(store_conn *c, const actor *who, const patrol_input *in, int64_t now, int64_t *id,
		  err *e);

typedef struct patrol_filter {
	int64_t grid_id;  /* 0: any within reach */
	int64_t user_id;  /* 0: anyone */
	int64_t from, to; /* started_at in [from, to); 0: open */
	int64_t page, per_page;
} patrol_filter;

/* Patrols of grids within who's area (and who's own), newest first, as {"items","total",
 * "page","per_page","minutes","night_minutes"} (the sums over every match) and
 * "week_minutes", who's own patrol minutes this week. */
int patrol_list(store_conn *c, const actor *who, const patrol_filter *f, int64_t now, json_t **out,
		err *e);

#endif
