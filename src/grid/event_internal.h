/* Shared by the grid event files; not for other code. */
#ifndef YW_GRID_EVENT_INTERNAL_H
#define YW_GRID_EVENT_INTERNAL_H
#include "grid/event.h"

/* The event's own row and its category's limits. */
typedef struct event_row {
	int64_t grid_id, category_id, reporter_id, post_id, unit_id, replied_by;
	int64_t file_minutes, dispatch_minutes, handle_minutes, verify_minutes;
	bool on_spot, valid;
	char address[GRID_ADDRESS_MAX * 4 + 4];
	bool has_coords;
	double lat, lon;
} event_row;

int event_row_load(store_conn *c, int64_t id, event_row *r, err *e);
/* Starts step (file, dispatch, handle, verify) of `minutes` working minutes at now: its
 * times on the event, and the case's sign deadline so the scheduler urges it when due. */
int event_step_start(store_conn *c, int64_t id, const char *step, int64_t minutes, int64_t now,
		     err *e);
/* No step runs any more (closed or converted): the times cleared, the case closed now. */
int event_steps_end(store_conn *c, int64_t id, int64_t now, err *e);

#endif
