/* The demo's 社区治理 grid data: boundaries for the grids of 站前街道 (small urban ones
 * near 42.01 N 121.66 E), 和平 and 玉龙 streets and 韩家店镇 (larger village grids); a
 * member for every grid (grid01 at 新华社区第一网格, grid02 at 东瓦房村第一网格, grid03..
 * grid13 made here with the demo's password) and a backup from the same community; about
 * 3,000 households with fake names, addresses, ID and phone numbers and tags; key places;
 * a year of patrols (two grids without one in the last days). */
#ifndef YW_DEMO_GRID_H
#define YW_DEMO_GRID_H
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* The members, boundaries and households, inside the transaction that makes the tree and
 * the logins (so the grid events beside the appeals find every grid's member). unit_ids
 * are the demo's unit ids by index in demo_units. */
int demo_grid_setup(store_conn *c, const int64_t *unit_ids, const char *password_hash, err *e);
/* A year of patrols up to now, in one write transaction, after the history. */
int demo_grid_patrols(store *s, const int64_t *unit_ids, const char *password_hash, err *e);

#endif
