/* 社区治理's figures over HTTP (docs/grid.md "Figures and scores"): per grid, community or
 * township; the members' monthly scores; the score weights; both as .xlsx. */
#include <stdio.h>
#include <string.h>

#include "appeals/appeal_stats.h"
#include "core/clock.h"
#include "disputes/api_edge.h"
#include "grid/grid.h"
#include "grid/grid_stats.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static int stats_of(http_req *r, json_t **out, err *e)
{
	const char *f = http_query(r, "from"), *t = http_query(r, "to");
	const char *lv = http_query(r, "level");
	int64_t from, to;
	if ((f && strlen(f) > 40) || (t && strlen(t) > 40))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter",
			       f && strlen(f) > 40 ? "from" : "to", "日期参数过长");
	enum grid_level level = GRID_LEVEL_GRID;
	if (lv && !strcmp(lv, "community"))
		level = GRID_LEVEL_COMMUNITY;
	else if (lv && !strcmp(lv, "township"))
		level = GRID_LEVEL_TOWNSHIP;
	else if (lv && strcmp(lv, "grid") != 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "level",
			       "level 须为 grid、community 或 township");
	int64_t now = clock_now_ms();
	if (appeal_stats_period(f, t, now, 1, &from, &to, e) < 0)
		return -1;
	store_conn *c = store_conn_get(r->store, e);
	return c ? grid_stats(c, req_actor(r), from, to, level, now, out, e) : -1;
}

static int h_stats(http_req *r)
{
	err e = {0};
	json_t *o;
	if (stats_of(r, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int send_xlsx(http_req *r, json_t *o, bool members, const char *ascii, const char *name)
{
	err e = {0};
	char *data;
	size_t len;
	int rc = grid_stats_xlsx(o, members, &data, &len, &e);
	json_decref(o);
	if (rc < 0)
		return http_error(r, &e);
	return dispute_edge_file(r, data, len, XLSX_TYPE, ascii, name, false);
}

static int h_stats_xlsx(http_req *r)
{
	err e = {0};
	json_t *o;
	if (stats_of(r, &o, &e) < 0)
		return http_error(r, &e);
	char from[16];
	snprintf(from, sizeof from, "%.10s", json_string_value(json_object_get(o, "from")));
	return send_xlsx(r, o, false, arena_printf(&r->arena, "grid-stats-%s.xlsx", from),
			 arena_printf(&r->arena, "网格化治理统计_%s.xlsx", from));
}

static int members_of(http_req *r, json_t **out, err *e)
{
	const char *month = http_query(r, "month");
	char now_month[16];
	if (!month) {
		char iso[40];
		clock_format_iso(clock_now_ms(), iso, sizeof iso);
		snprintf(now_month, sizeof now_month, "%.7s", iso);
		month = now_month;
	}
	int64_t from, to;
	if (grid_month(month, &from, &to, e) < 0)
		return -1;
	store_conn *c = store_conn_get(r->store, e);
	return c ? grid_member_scores(c, req_actor(r), month, from, to, out, e) : -1;
}

static int h_members(http_req *r)
{
	err e = {0};
	json_t *o;
	if (members_of(r, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_members_xlsx(http_req *r)
{
	err e = {0};
	json_t *o;
	if (members_of(r, &o, &e) < 0)
		return http_error(r, &e);
	const char *month = json_string_value(json_object_get(o, "month"));
	return send_xlsx(r, o, true, arena_printf(&r->arena, "grid-members-%s.xlsx", month),
			 arena_printf(&r->arena, "网格员月度考核_%s.xlsx", month));
}

static int h_weights(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || grid_weights_get(c, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

typedef struct weights_ctx {
	const actor *who;
	grid_weights w;
} weights_ctx;

static int weights_tx(store_conn *c, void *p, err *e)
{
	weights_ctx *x = p;
	return grid_weights_put(c, x->who, &x->w, e);
}

static const struct jv_field weight_fields[] = {
	{"role", JV_STRING, 0, 0, 32, NULL, NULL},
	{"reports", JV_NUMBER, JV_REQUIRED, 0, 100, NULL, "请填写上报事件的权重（0–100）"},
	{"verifications", JV_NUMBER, JV_REQUIRED, 0, 100, NULL, "请填写按时核查的权重（0–100）"},
	{"tasks", JV_NUMBER, JV_REQUIRED, 0, 100, NULL, "请填写完成任务的权重（0–100）"},
	{"patrol_hours", JV_NUMBER, JV_REQUIRED, 0, 100, NULL, "请填写巡查时长的权重（0–100）"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static int h_weights_put(http_req *r)
{
	err e = {0};
	weights_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (caller_require_city_admin(r, &e) < 0 || !b || jv_check(b, weight_fields, &e) < 0)
		return http_error(r, &e);
	/* One set of weights, the grid members'; "role" is taken for the old clients that
	 * sent it, and only as that. */
	const char *role = json_string_value(json_object_get(b, "role"));
	if (role && strcmp(role, "grid_member") != 0)
		return http_fail(r, 422, "invalid_value", "role", "评分权重只适用于网格员");
	x.w = (grid_weights){json_number_value(json_object_get(b, "reports")),
			     json_number_value(json_object_get(b, "verifications")),
			     json_number_value(json_object_get(b, "tasks")),
			     json_number_value(json_object_get(b, "patrol_hours"))};
	if (store_write(r->store, weights_tx, &x, &e) < 0)
		return http_error(r, &e);
	return h_weights(r);
}

const struct route api_grid_stats_routes[] = {
	{"GET", "/api/v1/stats/grid", h_stats, 0, GRID_READERS, NULL},
	{"GET", "/api/v1/stats/grid.xlsx", h_stats_xlsx, 0, GRID_READERS, NULL},
	{"GET", "/api/v1/stats/grid/members", h_members, 0, GRID_READERS, NULL},
	{"GET", "/api/v1/stats/grid/members.xlsx", h_members_xlsx, 0, GRID_READERS, NULL},
	{"GET", "/api/v1/grid/score-weights", h_weights, 0, GRID_READERS, NULL},
	{"PUT", "/api/v1/grid/score-weights", h_weights_put, 0, ROLE_ADMIN, NULL},
};
const size_t api_grid_stats_routes_count =
	sizeof api_grid_stats_routes / sizeof api_grid_stats_routes[0];
