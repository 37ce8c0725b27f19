/* 便民服务 over HTTP (docs/services.md): the catalogue, requests and their actions, the
 * citizen's page, the figures and enterprise service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal_stats.h"
#include "core/clock.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"
#include "services/service.h"

typedef struct wctx {
	const actor *who;
	json_t *body;
	int64_t id, id2;
	const char *action;
	svc_input in;
	int64_t n;
} wctx;

/* ---- the catalogue ---- */

static int h_items(http_req *r)
{
	err e = {0};
	const char *level = http_query(r, "level");
	int64_t all;
	if (http_query_int(r, "all", 0, 1, 0, &all, &e) < 0)
		return http_error(r, &e);
	if (level && !svc_in(level, svc_levels))
		return http_fail(r, 400, "invalid_parameter", "level",
				 "level 须为 county、township 或 village");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || svc_items_list(c, req_actor(r), level, all && actor_has(req_actor(r), ROLE_ADMIN),
				 &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_item(http_req *r)
{
	err e = {0};
	int64_t id;
	store_conn *c;
	json_t *o;
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    svc_item_get(c, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int item_save_tx(store_conn *c, void *p, err *e)
{
	wctx *x = p;
	return svc_item_save(c, x->who, x->id, x->body, &x->n, e);
}

static int item_answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || svc_item_get(c, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_item_create(http_req *r)
{
	err e = {0};
	wctx x = {.who = req_actor(r)};
	if (!(x.body = http_body_object(r, &e)) || store_write(r->store, item_save_tx, &x, &e) < 0)
		return http_error(r, &e);
	return item_answer(r, 201, x.n);
}

static int h_item_update(http_req *r)
{
	err e = {0};
	wctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = http_body_object(r, &e)) ||
	    store_write(r->store, item_save_tx, &x, &e) < 0)
		return http_error(r, &e);
	return item_answer(r, 200, x.id);
}

static int item_delete_tx(store_conn *c, void *p, err *e)
{
	wctx *x = p;
	return svc_item_delete(c, x->who, x->id, e);
}

static int h_item_delete(http_req *r)
{
	err e = {0};
	wctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0 ||
	    store_write(r->store, item_delete_tx, &x, &e) < 0)
		return http_error(r, &e);
	return item_answer(r, 200, x.id);
}

static int station_modes_tx(store_conn *c, void *p, err *e)
{
	wctx *x = p;
	return svc_station_modes_set(c, x->who, x->id, x->id2, x->body, e);
}

static int h_station_modes(http_req *r)
{
	err e = {0};
	wctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0 || http_param_id(r, "item_id", &x.id2, &e) < 0 ||
	    !(x.body = http_body_object(r, &e)) ||
	    store_write(r->store, station_modes_tx, &x, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200,
			 json_pack("{s:I, s:I, s:O}", "unit_id", (json_int_t)x.id, "item_id",
				   (json_int_t)x.id2, "modes", json_object_get(x.body, "modes")));
}

static int import_tx(store_conn *c, void *p, err *e)
{
	wctx *x = p;
	return svc_items_import_csv(c, x->who, x->action, &x->n, e);
}

typedef struct {
	const actor *who;
	const xlsx_table *t;
	int64_t n;
} xlsx_import_ctx;

static int import_xlsx_tx(store_conn *c, void *p, err *e)
{
	xlsx_import_ctx *x = p;
	return svc_items_import_xlsx(c, x->who, x->t, &x->n, e);
}

/* The catalogue from an .xlsx workbook (the body's bytes, told by the zip's magic
 * PK\x03\x04) or from CSV in a JSON body {"csv": "..."}; all or nothing. */
static int h_import(http_req *r)
{
	err e = {0};
	if (r->body.len >= 4 && !memcmp(strbuf_str(&r->body), "PK\x03\x04", 4)) {
		xlsx_table t;
		if (xlsx_read(strbuf_str(&r->body), r->body.len, NULL, &t, &e) < 0)
			return http_error(r, &e);
		xlsx_import_ctx x = {.who = req_actor(r), .t = &t};
		int rc = store_write(r->store, import_xlsx_tx, &x, &e);
		xlsx_table_free(&t);
		if (rc < 0)
			return http_error(r, &e);
		return http_json(r, 200, json_pack("{s:I}", "imported", (json_int_t)x.n));
	}
	wctx x = {.who = req_actor(r)};
	if (!(x.body = http_body_object(r, &e)) ||
	    jv_str(x.body, "csv", JV_REQUIRED | JV_MULTILINE, 1000000, &x.action, NULL, &e) < 0 ||
	    store_write(r->store, import_tx, &x, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, json_pack("{s:I}", "imported", (json_int_t)x.n));
}

static int h_items_xlsx(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	char *data;
	size_t len;
	if (!c || svc_items_xlsx(c, &data, &len, &e) < 0)
		return http_error(r, &e);
	r->disposition = arena_printf(
		&r->arena, "attachment; filename=\"service-items.xlsx\"; filename*=UTF-8''"
			   "%%E4%%BE%%BF%%E6%%B0%%91%%E6%%9C%%8D%%E5%%8A%%A1%%E4%%BA%%8B"
			   "%%E9%%A1%%B9%%E7%%9B%%AE%%E5%%BD%%95.xlsx");
	free(r->text);
	r->status = 200;
	r->text = data;
	r->text_len = len;
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return 0;
}

/* ---- requests ---- */

static int create_tx(store_conn *c, void *p, err *e)
{
	wctx *x = p;
	return svc_request_create(c, x->who, &x->in, &x->id, e);
}

static int req_answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || svc_request_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_create(http_req *r)
{
	err e = {0};
	wctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (!b || jv_int(b, "item_id", JV_REQUIRED, 1, INT64_MAX, &x.in.item_id, NULL, &e) < 0 ||
	    jv_str(b, "mode", JV_REQUIRED, 16, &x.in.mode, NULL, &e) < 0 ||
	    jv_str(b, "applicant_name", JV_REQUIRED, 50, &x.in.applicant_name, NULL, &e) < 0 ||
	    jv_str(b, "applicant_phone", JV_REQUIRED, SVC_PHONE_MAX, &x.in.applicant_phone, NULL,
		   &e) < 0 ||
	    jv_phone(x.in.applicant_phone, "applicant_phone", &e) < 0 ||
	    jv_str(b, "id_number", 0, 18, &x.in.id_number, NULL, &e) < 0 ||
	    jv_str(b, "note", JV_MULTILINE, SVC_TEXT_MAX, &x.in.note, NULL, &e) < 0)
		return http_error(r, &e);
	if (!svc_in(x.in.mode, svc_modes))
		return http_fail(
			r, 422, "invalid_value", "mode",
			"服务方式须为 immediate（即办）、accompanied（陪办）或 proxy（代办）");
	json_t *mat = json_object_get(b, "materials");
	if (mat && !json_is_null(mat)) {
		if (!json_is_array(mat) || json_array_size(mat) > SVC_MATERIALS_MAX)
			return http_fail(r, 400, "invalid_type", "materials",
					 "materials 须为字符串数组");
		size_t i;
		json_t *v;
		json_array_foreach(
			mat, i,
			v) if (!json_is_string(v) || jv_utf8_chars(json_string_value(v)) < 0 ||
			       jv_utf8_chars(json_string_value(v)) >
				       SVC_MATERIAL_MAX) return http_fail(r, 400, "invalid_type",
									  "materials",
									  "materials 的每一项须为 "
									  "100 字以内的字符串");
		x.in.materials = mat;
	}
	if (store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	return req_answer(r, 201, x.id);
}

static int parse_time(http_req *r, const char *name, bool end_of_day, int64_t *out, err *e)
{
	const char *v = http_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	if (strlen(v) > 40 || clock_parse_iso(v, out) < 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name,
			       "参数 %s 须为 ISO 8601 日期或时间", name);
	if (end_of_day && strlen(v) == 10)
		*out += 24LL * 3600 * 1000;
	return 0;
}

static int h_list(http_req *r)
{
	err e = {0};
	svc_filter f = {0};
	int64_t page, per_page, total, hall;
	json_t *items;
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "hall", 0, 1, 0, &hall, &e) < 0 ||
	    parse_time(r, "from", false, &f.from, &e) < 0 ||
	    parse_time(r, "to", true, &f.to, &e) < 0)
		return http_error(r, &e);
	f.hall = hall == 1;
	f.status = http_query(r, "status");
	f.mode = http_query(r, "mode");
	if (f.status && !svc_in(f.status, svc_statuses))
		return http_fail(r, 400, "invalid_parameter", "status", "未知的状态");
	if (f.mode && !svc_in(f.mode, svc_modes))
		return http_fail(r, 400, "invalid_parameter", "mode", "未知的服务方式");
	store_conn *c = store_conn_get(r->store, &e);
	if (!c || svc_request_list(c, req_actor(r), &f, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return req_answer(r, 200, id);
}

static int act_tx(store_conn *c, void *p, err *e)
{
	wctx *x = p;
	return svc_request_act(c, x->who, x->id, x->action, x->body, e);
}

static int h_action(http_req *r)
{
	err e = {0};
	wctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = http_body_object(r, &e)) ||
	    jv_str(x.body, "action", JV_REQUIRED, 32, &x.action, NULL, &e) < 0 ||
	    store_write(r->store, act_tx, &x, &e) < 0)
		return http_error(r, &e);
	return req_answer(r, 200, x.id);
}

/* ---- the citizen's page: limited like the public appeal intake ---- */

static int citizen_allowed(http_req *r, err *e)
{
	if (!ratelimit_take(r->app->citizen_limit, r->ip, clock_now_ms()))
		return err_set(e, ERR_RATE_LIMITED, "rate_limited", NULL,
			       "提交过于频繁，请稍后再试");
	return 0;
}

static int h_public_get(http_req *r)
{
	err e = {0};
	if (citizen_allowed(r, &e) < 0)
		return http_error(r, &e);
	const char *number = http_param(r, "number"), *phone = http_query(r, "phone");
	if (!phone)
		return http_fail(r, 422, "missing_field", "phone", "请输入办理时留的电话号码");
	if (strlen(number) > 32 || strlen(phone) > 32)
		return http_fail(r, 404, "not_found", NULL, "没有找到该编号与电话对应的服务申请");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || svc_public_get(c, number, phone, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

typedef struct rate_ctx {
	const char *number, *phone, *ip;
	int64_t rating;
} rate_ctx;

static int rate_tx(store_conn *c, void *p, err *e)
{
	rate_ctx *x = p;
	return svc_public_rate(c, x->number, x->phone, x->rating, x->ip, e);
}

static int h_public_rate(http_req *r)
{
	err e = {0};
	if (citizen_allowed(r, &e) < 0)
		return http_error(r, &e);
	rate_ctx x = {.number = http_param(r, "number"), .ip = r->ip};
	json_t *b = http_body_object(r, &e);
	if (!b || jv_str(b, "phone", JV_REQUIRED, 32, &x.phone, NULL, &e) < 0 ||
	    jv_int(b, "rating", JV_REQUIRED, 1, 5, &x.rating, NULL, &e) < 0)
		return http_error(r, &e);
	if (strlen(x.number) > 32)
		return http_fail(r, 404, "not_found", NULL, "没有找到该编号与电话对应的服务申请");
	if (store_write(r->store, rate_tx, &x, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || svc_public_get(c, x.number, x.phone, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

/* ---- figures ---- */

/* The figures of the period from..to (ISO dates or times; without from, the twelve months
 * up to to). */
static int stats_of(http_req *r, json_t **out, err *e)
{
	const char *f = http_query(r, "from"), *t = http_query(r, "to");
	int64_t from, to;
	if ((f && strlen(f) > 40) || (t && strlen(t) > 40))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter",
			       f && strlen(f) > 40 ? "from" : "to", "日期参数过长");
	if (appeal_stats_period(f, t, clock_now_ms(), 12, &from, &to, e) < 0)
		return -1;
	store_conn *c = store_conn_get(r->store, e);
	return c ? svc_stats(c, req_actor(r), from, to, out, e) : -1;
}

static int h_stats(http_req *r)
{
	err e = {0};
	json_t *o;
	if (stats_of(r, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_stats_xlsx(http_req *r)
{
	err e = {0};
	json_t *o;
	char *data;
	size_t len;
	if (stats_of(r, &o, &e) < 0)
		return http_error(r, &e);
	int rc = svc_stats_xlsx(o, &data, &len, &e);
	char from[16], to[16], iso[40];
	snprintf(from, sizeof from, "%.10s", json_string_value(json_object_get(o, "from")));
	int64_t end = 0;
	clock_parse_iso(json_string_value(json_object_get(o, "to")), &end);
	clock_format_iso(end - 1, iso, sizeof iso);
	snprintf(to, sizeof to, "%.10s", iso);
	json_decref(o);
	if (rc < 0)
		return http_error(r, &e);
	/* 便民服务统计_<from>_<to>.xlsx */
	r->disposition =
		arena_printf(&r->arena,
			     "attachment; filename=\"service-stats-%s_%s.xlsx\"; "
			     "filename*=UTF-8''%%E4%%BE%%BF%%E6%%B0%%91%%E6%%9C%%8D%%E5%%8A"
			     "%%A1%%E7%%BB%%9F%%E8%%AE%%A1_%s_%s.xlsx",
			     from, to, from, to);
	free(r->text);
	r->status = 200;
	r->text = data;
	r->text_len = len;
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return 0;
}

/* ---- enterprise service ---- */

static int ent_create_tx(store_conn *c, void *p, err *e)
{
	wctx *x = p;
	return svc_enterprise_create(c, x->who, x->body, &x->id, e);
}

static int ent_answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || svc_enterprise_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_ent_create(http_req *r)
{
	err e = {0};
	wctx x = {.who = req_actor(r)};
	if (!(x.body = http_body_object(r, &e)) || store_write(r->store, ent_create_tx, &x, &e) < 0)
		return http_error(r, &e);
	return ent_answer(r, 201, x.id);
}

static int h_ent_list(http_req *r)
{
	err e = {0};
	int64_t county;
	store_conn *c;
	json_t *o;
	if (http_query_int(r, "county_id", 1, INT64_MAX, 0, &county, &e) < 0 ||
	    !(c = store_conn_get(r->store, &e)) ||
	    svc_enterprise_list(c, req_actor(r), county, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_ent_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return ent_answer(r, 200, id);
}

static int ent_step_tx(store_conn *c, void *p, err *e)
{
	wctx *x = p;
	return svc_enterprise_step_update(c, x->who, x->id, x->id2, x->body, e);
}

static int h_ent_step(http_req *r)
{
	err e = {0};
	wctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0 || http_param_id(r, "step_id", &x.id2, &e) < 0 ||
	    !(x.body = http_body_object(r, &e)) || store_write(r->store, ent_step_tx, &x, &e) < 0)
		return http_error(r, &e);
	return ent_answer(r, 200, x.id);
}

const struct route api_services_routes[] = {
	{"GET", "/api/v1/services/items", h_items, 0, ROLES_ANY, NULL},
	{"GET", "/api/v1/services/items.xlsx", h_items_xlsx, 0, ROLE_ADMIN | SVC_READ_ROLES, NULL},
	{"POST", "/api/v1/services/items/import", h_import, 0, ROLE_ADMIN, NULL},
	{"POST", "/api/v1/services/items", h_item_create, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/services/items/{id}", h_item, 0, ROLES_ANY, NULL},
	{"PUT", "/api/v1/services/items/{id}", h_item_update, 0, ROLE_ADMIN, NULL},
	{"DELETE", "/api/v1/services/items/{id}", h_item_delete, 0, ROLE_ADMIN, NULL},
	{"PUT", "/api/v1/services/stations/{id}/items/{item_id}", h_station_modes, 0, ROLE_ADMIN,
	 NULL},
	{"POST", "/api/v1/services/requests", h_create, 0, ROLE_STATION_STAFF, NULL},
	{"GET", "/api/v1/services/requests", h_list, 0, SVC_READ_ROLES, NULL},
	{"GET", "/api/v1/services/requests/{id}", h_get, 0, SVC_READ_ROLES, NULL},
	{"POST", "/api/v1/services/requests/{id}/actions", h_action, 0, SVC_ACT_ROLES, NULL},
	{"POST", "/api/v1/services/enterprise", h_ent_create, 0, SVC_ENTERPRISE_ROLES, NULL},
	{"GET", "/api/v1/services/enterprise", h_ent_list, 0, SVC_ENTERPRISE_ROLES | ROLE_LEADER,
	 NULL},
	{"GET", "/api/v1/services/enterprise/{id}", h_ent_get, 0,
	 SVC_ENTERPRISE_ROLES | ROLE_LEADER, NULL},
	{"PATCH", "/api/v1/services/enterprise/{id}/steps/{step_id}", h_ent_step, 0,
	 SVC_ENTERPRISE_ROLES, NULL},
	{"GET", "/api/v1/public/services/requests/{number}", h_public_get, ROUTE_PUBLIC, 0, NULL},
	{"POST", "/api/v1/public/services/requests/{number}/rating", h_public_rate, ROUTE_PUBLIC, 0,
	 NULL},
	{"GET", "/api/v1/stats/services", h_stats, 0, SVC_STATS_ROLES, NULL},
	{"GET", "/api/v1/stats/services.xlsx", h_stats_xlsx, 0, SVC_STATS_ROLES, NULL},
};
const size_t api_services_routes_count = sizeof api_services_routes / sizeof api_services_routes[0];
