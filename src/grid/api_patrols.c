/* Patrols over HTTP (docs/grid.md "Patrols"): a member records one; everyone with grids
 * in their area reads them. */
#include <string.h>

#include "core/clock.h"
#include "grid/grid.h"
#include "grid/patrol.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

static const struct jv_field create_fields[] = {
	{"grid_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"started_at", JV_TIME, JV_REQUIRED, 0, 0, NULL, "请填写巡查开始时间"},
	{"ended_at", JV_TIME, JV_REQUIRED, 0, 0, NULL, "请填写巡查结束时间"},
	{"notes", JV_TEXT, JV_NULLABLE, 0, PATROL_NOTES_MAX, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

typedef struct create_ctx {
	const actor *who;
	patrol_input in;
	int64_t now, id;
} create_ctx;

static int create_tx(store_conn *c, void *p, err *e)
{
	create_ctx *x = p;
	return patrol_create(c, x->who, &x->in, x->now, &x->id, e);
}

static int h_create(http_req *r)
{
	err e = {0};
	json_t *b = http_body_object(r, &e);
	if (!b || jv_check(b, create_fields, &e) < 0)
		return http_error(r, &e);
	create_ctx x = {.who = req_actor(r), .now = clock_now_ms()};
	x.in.grid_id = json_integer_value(json_object_get(b, "grid_id"));
	x.in.started_at = jv_time_ms(b, "started_at");
	x.in.ended_at = jv_time_ms(b, "ended_at");
	x.in.notes = json_string_value(json_object_get(b, "notes"));
	if (store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	patrol_filter f = {.user_id = x.who->user_id,
			   .from = x.in.started_at,
			   .to = x.in.started_at + 1,
			   .page = 1,
			   .per_page = 1};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || patrol_list(c, x.who, &f, x.now, &o, &e) < 0)
		return http_error(r, &e);
	json_t *item = json_incref(json_array_get(json_object_get(o, "items"), 0));
	json_decref(o);
	return http_json(r, 201, item ? item : json_pack("{s:I}", "id", (json_int_t)x.id));
}

static int time_param(http_req *r, const char *name, int64_t *out, err *e)
{
	const char *v = http_query(r, name);
	*out = 0;
	if (v && (strlen(v) > 40 || clock_parse_iso(v, out) < 0))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name, "时间参数无效");
	return 0;
}

static int h_list(http_req *r)
{
	err e = {0};
	patrol_filter f = {0};
	int64_t mine;
	if (http_query_int(r, "grid_id", 1, INT64_MAX, 0, &f.grid_id, &e) < 0 ||
	    http_query_int(r, "user_id", 1, INT64_MAX, 0, &f.user_id, &e) < 0 ||
	    http_query_int(r, "mine", 0, 1, 0, &mine, &e) < 0 ||
	    time_param(r, "from", &f.from, &e) < 0 || time_param(r, "to", &f.to, &e) < 0 ||
	    http_paging(r, &f.page, &f.per_page, &e) < 0)
		return http_error(r, &e);
	if (mine)
		f.user_id = req_actor(r)->user_id;
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || patrol_list(c, req_actor(r), &f, clock_now_ms(), &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

const struct route api_patrols_routes[] = {
	{"GET", "/api/v1/grid/patrols", h_list, 0, GRID_READERS, NULL},
	{"POST", "/api/v1/grid/patrols", h_create, 0, ROLE_GRID_MEMBER, NULL},
};
const size_t api_patrols_routes_count = sizeof api_patrols_routes / sizeof api_patrols_routes[0];
