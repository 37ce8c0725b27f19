/* Grid events over HTTP (docs/grid.md "Events"): report, list, one event, the action
 * table, photos and the to-do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/photo.h"
#include "grid/event.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

typedef struct write_ctx {
	const actor *who;
	grid_event_input in;
	int64_t id;
	const char *action;
	json_t *body;
} write_ctx;

static int answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || grid_event_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

/* A coordinate of the body within [lo, hi]; *present false when absent or null. */
static int coord(json_t *b, const char *key, double lo, double hi, double *out, bool *present,
		 err *e)
{
	json_t *v = json_object_get(b, key);
	*present = v && !json_is_null(v);
	if (!*present)
		return 0;
	if (!json_is_number(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "%s 须为数字", key);
	*out = json_number_value(v);
	if (*out < lo || *out > hi)
		return err_set(e, ERR_INVALID, "out_of_range", key, "%s 须在 %g 到 %g 之间", key,
			       lo, hi);
	return 0;
}

static int parse_report(json_t *b, grid_event_input *in, err *e)
{
	json_t *cat = json_object_get(b, "category");
	bool has_lat, has_lon;
	if (!cat || json_is_null(cat))
		return err_set(e, ERR_INVALID, "missing_field", "category", "请选择事件分类");
	if (json_is_integer(cat) && json_integer_value(cat) > 0)
		in->category_id = json_integer_value(cat);
	else if (json_is_string(cat)) {
		/* a code ("C0101") or a name ("井盖"): names are up to GRID_NAME_MAX characters */
		if (jv_str(b, "category", JV_REQUIRED, GRID_NAME_MAX, &in->category, NULL, e) < 0)
			return -1;
	} else
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "category",
			       "category 须为分类编号、分类代码或分类名称");
	if (jv_str(b, "description", JV_REQUIRED | JV_MULTILINE, GRID_TEXT_MAX, &in->description,
		   NULL, e) < 0 ||
	    jv_str(b, "address", 0, GRID_ADDRESS_MAX, &in->address, NULL, e) < 0 ||
	    coord(b, "lat", -90, 90, &in->lat, &has_lat, e) < 0 ||
	    coord(b, "lon", -180, 180, &in->lon, &has_lon, e) < 0)
		return -1;
	if (has_lat != has_lon)
		return err_set(e, ERR_INVALID, "missing_field", has_lat ? "lon" : "lat",
			       "经纬度须同时填写");
	in->has_coords = has_lat;
	return 0;
}

static int report_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return grid_event_report(c, x->who, &x->in, &x->id, e);
}

static int h_create(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (!b || parse_report(b, &x.in, &e) < 0 || store_write(r->store, report_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

static int h_list(http_req *r)
{
	err e = {0};
	grid_event_filter f = {0};
	int64_t page, per_page, total;
	json_t *items;
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "grid_id", 1, INT64_MAX, 0, &f.grid_id, &e) < 0)
		return http_error(r, &e);
	f.statuses = http_query(r, "status");
	f.light = http_query(r, "light");
	f.q = http_query(r, "q");
	const char *texts[] = {f.statuses, f.light, f.q};
	for (size_t i = 0; i < 3; i++)
		if (texts[i] && (jv_utf8_chars(texts[i]) < 0 || jv_utf8_chars(texts[i]) > 200))
			return http_fail(r, 400, "invalid_parameter", NULL,
					 "查询参数过长或不是有效的 UTF-8");
	if (f.light && !grid_light_valid(f.light))
		return http_fail(r, 400, "invalid_parameter", "light",
				 "light 须为 green、yellow 或 red");
	if (f.statuses) {
		char buf[256];
		snprintf(buf, sizeof buf, "%s", f.statuses);
		for (char *sv = NULL, *t = strtok_r(buf, ",", &sv); t; t = strtok_r(NULL, ",", &sv))
			if (!grid_event_status_valid(t))
				return http_fail(r, 400, "invalid_parameter", "status",
						 "未知的状态");
	}
	store_conn *c = store_conn_get(r->store, &e);
	if (!c ||
	    grid_event_list(c, r->store, req_actor(r), &f, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, id);
}

static int act_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return grid_event_act(c, x->who, x->id, x->action, x->body, e);
}

static int h_action(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	x.body = http_body_object(r, &e);
	if (!x.body || jv_str(x.body, "action", JV_REQUIRED, 32, &x.action, NULL, &e) < 0 ||
	    store_write(r->store, act_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, x.id);
}

static int h_tasks(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || grid_event_tasks(c, req_actor(r), &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_units(http_req *r)
{
	err e = {0};
	const char *q = http_query(r, "q");
	if (q && (jv_utf8_chars(q) < 0 || jv_utf8_chars(q) > 50))
		return http_fail(r, 400, "invalid_parameter", "q", "q 过长或不是有效的 UTF-8");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || grid_dispatch_units(c, req_actor(r), q, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_photo_upload(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	const char *kind = http_query(r, "kind");
	const char *ct = http_header(r, "Content-Type");
	const unsigned char *data = (const unsigned char *)strbuf_str(&r->body);
	const char *mime, *ext;
	if (r->body.len > 0 && photo_type(data, r->body.len, &mime, &ext) && ct) {
		/* A declared type must agree with what the bytes are. */
		size_t n = strcspn(ct, "; ");
		if (strncmp(ct, mime, n) != 0 || strlen(mime) != n)
			return http_fail(r, 422, "unsupported_type", NULL,
					 "声明的文件类型与照片内容不符");
	}
	json_t *o;
	if (grid_photo_upload(r->store, req_actor(r), r->app->cfg.data_dir, id,
			      kind ? kind : "before", data, r->body.len, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 201, o);
}

static int h_photo(http_req *r)
{
	err e = {0};
	int64_t id;
	char *rel, *buf;
	size_t len;
	const char *mime;
	store_conn *c;
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    grid_photo_file(c, req_actor(r), id, &rel, &mime, &e) < 0)
		return http_error(r, &e);
	int rc = photo_read(r->app->cfg.data_dir, "grid", rel, PHOTO_BYTES_MAX, &buf, &len, &e);
	free(rel);
	if (rc < 0)
		return http_error(r, &e);
	free(r->text);
	r->status = 200;
	r->text = buf;
	r->text_len = len;
	r->content_type = mime;
	return 0;
}

#define G "/api/v1/grid"

const struct route api_grid_events_routes[] = {
	{"POST", G "/events", h_create, 0, ROLE_GRID_MEMBER, NULL},
	{"GET", G "/events", h_list, 0, GRID_READ_ROLES, NULL},
	{"GET", G "/events/{id}", h_get, 0, GRID_READ_ROLES, NULL},
	{"POST", G "/events/{id}/actions", h_action, 0, GRID_ACT_ROLES, NULL},
	{"POST", G "/events/{id}/photos", h_photo_upload, 0, ROLE_GRID_MEMBER | ROLE_UNIT_STAFF,
	 NULL},
	{"GET", G "/photos/{id}", h_photo, 0, GRID_READ_ROLES, NULL},
	{"GET", G "/tasks", h_tasks, 0, ROLE_GRID_MEMBER | ROLE_UNIT_STAFF, NULL},
	{"GET", G "/dispatch-units", h_units, 0, ROLE_UNIT_STAFF, NULL},
};
const size_t api_grid_events_routes_count =
	sizeof api_grid_events_routes / sizeof api_grid_events_routes[0];
