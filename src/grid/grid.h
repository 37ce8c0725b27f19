/* 社区治理's grids (docs/grid.md "Grids and households"): a grid is a unit of kind grid;
 * its profile holds the boundary (GeoJSON), the grid member and the backup. Who sees a
 * grid's personal data in full is decided here, once, for households and the rest. */
#ifndef YW_GRID_H
#define YW_GRID_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

enum {
	GRID_BOUNDARY_BYTES_MAX = 64 * 1024, /* the boundary's JSON text */
	GRID_BOUNDARY_POINTS_MAX = 2000,
	GRID_NOTES_MAX = 500,
};

/* Who reads grids, households, patrols and the figures; who keeps a community's grids. */
#define GRID_READERS                                                                               \
	(ROLE_ADMIN | ROLE_LEADER | ROLE_UNIT_STAFF | ROLE_GRID_MEMBER | ROLE_STATION_STAFF)
#define GRID_STATION_ROLES (ROLE_UNIT_STAFF | ROLE_STATION_STAFF)

/* A grid as the rules need it. */
typedef struct grid_ref {
	int64_t id, parent_id, township_id, member_id, backup_id;
	char path[SCOPE_PATH_MAX];
	char name[256];
} grid_ref;

/* Grid id as who may reach it: within who's area, or who is its member or backup. 404
 * otherwise, and when id is not a grid. */
int grid_find(store_conn *c, const actor *who, int64_t id, grid_ref *g, err *e);
/* Whether who sees the grid's personal data in full: its member, its backup, and the
 * staff of its community station (the grid's parent community or village). */
bool grid_sees_personal(const actor *who, const grid_ref *g);
/* Whether who may set the grid's profile: an admin whose admin area holds it, or the
 * staff of its community station. */
bool grid_keeps_profile(const actor *who, const grid_ref *g);
/* The grid who patrols by default: the one whose member who is, else whose backup, else
 * who's own unit when it is a grid. 422 no_grid when none. */
int grid_of_member(store_conn *c, const actor *who, int64_t *grid_id, err *e);
/* Monday 00:00 China time of the week holding now. */
int64_t grid_week_start(int64_t now);

/* The grids within who's area (and those who is member or backup of), optionally under
 * parent_id (a community, village or township), each with its boundary, member, backup,
 * household counts and this week's patrol minutes; idle_only keeps the grids without a
 * patrol this week. */
int grid_list(store_conn *c, const actor *who, int64_t parent_id, bool idle_only, int64_t now,
	      json_t **items, err *e);
/* One grid as grid_list shows it, with its key places. */
int grid_get(store_conn *c, const actor *who, int64_t id, int64_t now, json_t **out, err *e);

/* A boundary checked: a GeoJSON Polygon or MultiPolygon (a bare geometry or a Feature
 * holding one) whose rings are closed, whose positions are [lon, lat] inside China, at
 * most GRID_BOUNDARY_POINTS_MAX of them, spanning at most 0.5 degrees and enclosing a
 * positive area. *geometry is the geometry (new reference); centre and area in km². 422
 * invalid_boundary with the reason otherwise. */
int grid_boundary_check(json_t *boundary, json_t **geometry, double *lat, double *lon,
			double *area_km2, err *e);

typedef struct grid_profile_input {
	json_t *boundary; /* checked geometry; with set_boundary, NULL clears */
	bool set_boundary;
	double lat, lon, area_km2;
	int64_t member_id, backup_id; /* with set_*, 0 clears */
	bool set_member, set_backup;
	const char *notes;
	bool set_notes;
} grid_profile_input;

/* Inside a write transaction: sets the grid's profile (grid_keeps_profile, else 403).
 * Member and backup must be enabled grid members of the grid's community or village,
 * and not the same person (422). Audited. */
int grid_profile_put(store_conn *c, const actor *who, int64_t id, const grid_profile_input *in,
		     err *e);

#endif
