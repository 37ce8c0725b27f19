/* The demo's 社区治理 events: a year of what the grid members of 站前街道 and 韩家店镇 find
 * (a few hundred events), reported, filed, resolved on the spot, dispatched, escalated,
 * replied, verified (some sent back as rework), marked invalid or turned into appeals,
 * through the ordinary domain functions with the clock set to each step's time, beside the
 * appeals and disputes so that the audit trail runs forward. The last days' events stay
 * open with every light. Photos: a few generated images under the data directory. */
#ifndef YW_DEMO_GRID_EVENTS_H
#define YW_DEMO_GRID_EVENTS_H
#include <stdint.h>

#include "core/err.h"
#include "demo/demo_appeals.h"
#include "store/store.h"

typedef struct demo_grid demo_grid;

/* Where the demo's photos go (the data directory `serve` will use for this database);
 * NULL or never set: events without photos, and none resolved on the spot. */
void demo_grid_events_data_dir(const char *dir);

/* Plans the year of events up to end and wraps *beside (the disputes', or none) so that
 * both histories run in time order beside the appeals. NULL (and beside untouched) when
 * YIWANG_DEMO_GRID=0. */
int demo_grid_events_open(store *s, const int64_t *unit_ids, int64_t end, demo_beside *beside,
			  demo_grid **out, err *e);
void demo_grid_events_close(demo_grid *g);

#endif
