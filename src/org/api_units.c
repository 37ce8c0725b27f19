/* The unit tree over HTTP: list, read, and for admins create, rename, move, disable. */
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "org/unit.h"

static int h_list(http_req *r)
{
	err e = {0};
	unit_filter f = {0};
	int64_t page, per_page, inc = 0;
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "parent_id", 1, INT64_MAX, 0, &f.parent_id, &e) < 0 ||
	    http_query_int(r, "include_disabled", 0, 1, 0, &inc, &e) < 0)
		return http_error(r, &e);
	f.include_disabled = inc == 1;
	f.q = http_query(r, "q");
	f.kind = http_query(r, "kind");
	if (f.kind && !unit_kind_valid(f.kind))
		return http_fail(r, 400, "invalid_parameter", "kind",
				 "kind 必须是 city、county、township、community、village、grid 或 "
				 "department");
	if (f.q && (jv_utf8_chars(f.q) < 0 || jv_utf8_chars(f.q) > 100))
		return http_fail(r, 400, "invalid_parameter", "q", "q 最多 100 个字符");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || unit_list(c, req_actor(r), &f, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *u;
	if (!c || unit_get(c, req_actor(r), id, &u, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, u);
}

/* A code is an administrative code or an internal one: letters, digits, '-'. */
static int check_code(const char *code, err *e)
{
	if (!code)
		return 0;
	for (const char *p = code; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= 'a' && *p <= 'z') || *p == '-'))
			return err_set(e, ERR_INVALID, "invalid_code", "code",
				       "代码只能包含字母、数字和连字符");
	return 0;
}

typedef struct create_ctx {
	const actor *who;
	unit_input in;
	int64_t id;
} create_ctx;

static int create_tx(store_conn *c, void *p, err *e)
{
	create_ctx *x = p;
	return unit_create(c, x->who, &x->in, &x->id, e);
}

static int respond_unit(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *u;
	if (!c || unit_get(c, req_actor(r), id, &u, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, u);
}

static int h_create(http_req *r)
{
	err e = {0};
	if (caller_require_admin(r, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	create_ctx x = {.who = req_actor(r)};
	if (!b || jv_str(b, "name", JV_REQUIRED, UNIT_NAME_MAX, &x.in.name, NULL, &e) < 0 ||
	    jv_str(b, "kind", JV_REQUIRED, 20, &x.in.kind, NULL, &e) < 0 ||
	    jv_str(b, "code", JV_OPTIONAL, UNIT_CODE_MAX, &x.in.code, NULL, &e) < 0 ||
	    jv_int(b, "parent_id", JV_REQUIRED, 1, INT64_MAX, &x.in.parent_id, NULL, &e) < 0 ||
	    check_code(x.in.code, &e) < 0)
		return http_error(r, &e);
	if (!unit_kind_valid(x.in.kind))
		return http_fail(
			r, 422, "invalid_kind", "kind",
			"kind 必须是 county、township、community、village、grid 或 department");
	if (store_write(r->store, create_tx, &x, &e) < 0) {
		if (!strcmp(e.code, "duplicate"))
			err_set(&e, ERR_CONFLICT, "duplicate", "code", "代码 %s 已被其他单位使用",
				x.in.code ? x.in.code : "");
		return http_error(r, &e);
	}
	return respond_unit(r, 201, x.id);
}

typedef struct update_ctx {
	const actor *who;
	int64_t id;
	unit_patch p;
} update_ctx;

static int update_tx(store_conn *c, void *p, err *e)
{
	update_ctx *x = p;
	return unit_update(c, x->who, x->id, &x->p, e);
}

static int h_update(http_req *r)
{
	err e = {0};
	update_ctx x = {.who = req_actor(r), .p = {.disabled = -1}};
	if (caller_require_admin(r, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	if (!b || jv_str(b, "name", JV_OPTIONAL, UNIT_NAME_MAX, &x.p.name, NULL, &e) < 0 ||
	    jv_str(b, "code", JV_NULLABLE, UNIT_CODE_MAX, &x.p.code, &x.p.set_code, &e) < 0 ||
	    jv_int(b, "parent_id", JV_OPTIONAL, 1, INT64_MAX, &x.p.parent_id, NULL, &e) < 0 ||
	    jv_bool(b, "disabled", JV_OPTIONAL, &x.p.disabled, &e) < 0 ||
	    check_code(x.p.code, &e) < 0)
		return http_error(r, &e);
	if (json_object_get(b, "name") && !json_is_null(json_object_get(b, "name")) && !x.p.name)
		return http_fail(r, 422, "missing_field", "name", "名称不能为空");
	if (store_write(r->store, update_tx, &x, &e) < 0) {
		if (!strcmp(e.code, "duplicate"))
			err_set(&e, ERR_CONFLICT, "duplicate", "code", "代码已被其他单位使用");
		return http_error(r, &e);
	}
	return respond_unit(r, 200, x.id);
}

const struct route api_units_routes[] = {
	{"GET", "/api/v1/units", h_list, 0, ROLES_ANY, NULL},
	{"POST", "/api/v1/units", h_create, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/units/{id}", h_get, 0, ROLES_ANY, NULL},
	{"PATCH", "/api/v1/units/{id}", h_update, 0, ROLE_ADMIN, NULL},
};
const size_t api_units_routes_count = sizeof api_units_routes / sizeof api_units_routes[0];
