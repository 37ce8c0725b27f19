/* Grids over HTTP (docs/grid.md "Grids and households"): the list for the map and the
 * desk, one grid, and its profile (boundary, member, backup, notes). */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "grid/grid.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

static int h_list(http_req *r)
{
	err e = {0};
	int64_t parent, idle;
	if (http_query_int(r, "parent_id", 1, INT64_MAX, 0, &parent, &e) < 0 ||
	    http_query_int(r, "no_patrol_this_week", 0, 1, 0, &idle, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	if (!c || grid_list(c, req_actor(r), parent, idle == 1, clock_now_ms(), &items, &e) < 0)
		return http_error(r, &e);
	char week[40];
	clock_format_iso(grid_week_start(clock_now_ms()), week, sizeof week);
	return http_json(r, 200, json_pack("{s:o, s:s}", "items", items, "week_start", week));
}

static int answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || grid_get(c, req_actor(r), id, clock_now_ms(), &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, id);
}

typedef struct put_ctx {
	const actor *who;
	int64_t id;
	grid_profile_input in;
} put_ctx;

static int put_tx(store_conn *c, void *p, err *e)
{
	put_ctx *x = p;
	return grid_profile_put(c, x->who, x->id, &x->in, e);
}

/* A user id or null (clears) under key; *set when the key was given. */
static int person_field(json_t *b, const char *key, int64_t *id, bool *set, err *e)
{
	json_t *v = json_object_get(b, key);
	*set = v != NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "%s 须为用户编号或 null",
			       key);
	*id = json_integer_value(v);
	return 0;
}

static const struct jv_field put_fields[] = {
	{"notes", JV_TEXT, JV_NULLABLE, 0, GRID_NOTES_MAX, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static int h_put(http_req *r)
{
	err e = {0};
	put_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (http_param_id(r, "id", &x.id, &e) < 0 || !b || jv_check(b, put_fields, &e) < 0 ||
	    person_field(b, "member_user_id", &x.in.member_id, &x.in.set_member, &e) < 0 ||
	    person_field(b, "backup_user_id", &x.in.backup_id, &x.in.set_backup, &e) < 0)
		return http_error(r, &e);
	json_t *notes = json_object_get(b, "notes");
	x.in.set_notes = notes != NULL;
	x.in.notes = json_string_value(notes);
	json_t *boundary = json_object_get(b, "boundary");
	x.in.set_boundary = boundary != NULL;
	if (boundary && !json_is_null(boundary)) {
		char *text = json_dumps(boundary, JSON_COMPACT);
		size_t len = text ? strlen(text) : 0;
		free(text);
		if (len > GRID_BOUNDARY_BYTES_MAX)
			return http_fail(r, 422, "invalid_boundary", "boundary",
					 "网格边界无效：数据过大");
		if (grid_boundary_check(boundary, &x.in.boundary, &x.in.lat, &x.in.lon,
					&x.in.area_km2, &e) < 0)
			return http_error(r, &e);
	}
	int rc = store_write(r->store, put_tx, &x, &e);
	json_decref(x.in.boundary);
	if (rc < 0)
		return http_error(r, &e);
	return answer(r, 200, x.id);
}

const struct route api_grids_routes[] = {
	{"GET", "/api/v1/grid/grids", h_list, 0, GRID_READERS, NULL},
	{"GET", "/api/v1/grid/grids/{id}", h_get, 0, GRID_READERS, NULL},
	{"PUT", "/api/v1/grid/grids/{id}", h_put, 0, ROLE_ADMIN | GRID_STATION_ROLES, NULL},
};
const size_t api_grids_routes_count = sizeof api_grids_routes / sizeof api_grids_routes[0];
