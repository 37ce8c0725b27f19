/* The disputes' settings over HTTP (docs/disputes.md, "Administration"): dispute types,
 * the risk threshold, the mediation centres. Registered before api.c's table, whose
 * /api/v1/disputes/{id} would otherwise take these paths. */
#include <ctype.h>
#include <string.h>

#include "disputes/dispute.h"
#include "disputes/dispute_admin.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

typedef struct admin_ctx {
	const actor *who;
	const char *code, *name;
	int64_t sort, id, region_id;
	int active;
	bool set_sort;
} admin_ctx;

/* ---- types ---- */

static int h_types(http_req *r)
{
	err e = {0};
	int64_t all;
	if (http_query_int(r, "all", 0, 1, 0, &all, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	if (!c || dispute_types_list(c, all == 1, &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}

static bool code_valid(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static int create_tx(store_conn *c, void *p, err *e)
{
	admin_ctx *x = p;
	return dispute_type_create(c, x->who, x->code, x->name, x->sort, e);
}

static int update_tx(store_conn *c, void *p, err *e)
{
	admin_ctx *x = p;
	return dispute_type_update(c, x->who, x->code, x->name, x->active, x->sort, x->set_sort, e);
}

static int type_answer(http_req *r, int status, const char *code)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || dispute_type_get(c, code, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_type_create(http_req *r)
{
	err e = {0};
	admin_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (caller_require_city_admin(r, &e) < 0 || !b ||
	    jv_str(b, "code", JV_REQUIRED, DISPUTE_TYPE_CODE_MAX, &x.code, NULL, &e) < 0 ||
	    jv_str(b, "name", JV_REQUIRED, DISPUTE_TYPE_NAME_MAX, &x.name, NULL, &e) < 0 ||
	    jv_int(b, "sort", 0, 0, 10000, &x.sort, NULL, &e) < 0)
		return http_error(r, &e);
	if (!code_valid(x.code))
		return http_fail(r, 422, "invalid_value", "code",
				 "类型代码须以小写字母开头，只含小写字母、数字和下划线");
	if (store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	return type_answer(r, 201, x.code);
}

static int h_type_update(http_req *r)
{
	err e = {0};
	admin_ctx x = {.who = req_actor(r), .code = http_param(r, "code")};
	json_t *b = http_body_object(r, &e);
	if (caller_require_city_admin(r, &e) < 0 || !b ||
	    jv_str(b, "name", 0, DISPUTE_TYPE_NAME_MAX, &x.name, NULL, &e) < 0 ||
	    jv_bool(b, "active", 0, &x.active, &e) < 0 ||
	    jv_int(b, "sort", 0, 0, 10000, &x.sort, &x.set_sort, &e) < 0)
		return http_error(r, &e);
	if (strlen(x.code) > DISPUTE_TYPE_CODE_MAX)
		return http_fail(r, 404, "not_found", NULL, "纠纷类型不存在");
	if (store_write(r->store, update_tx, &x, &e) < 0)
		return http_error(r, &e);
	return type_answer(r, 200, x.code);
}

/* ---- settings ---- */

static int settings_tx(store_conn *c, void *p, err *e)
{
	admin_ctx *x = p;
	return dispute_settings_put(c, x->who, x->sort, e);
}

static int h_settings(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || dispute_settings_get(c, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_settings_put(http_req *r)
{
	err e = {0};
	admin_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (caller_require_city_admin(r, &e) < 0 || !b ||
	    jv_int(b, "risk_people", JV_REQUIRED, 1, DISPUTE_PEOPLE_MAX, &x.sort, NULL, &e) < 0 ||
	    store_write(r->store, settings_tx, &x, &e) < 0)
		return http_error(r, &e);
	return h_settings(r);
}

/* ---- mediation centres ---- */

static int h_centres(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	if (!c || dispute_centres_list(c, req_actor(r), &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}

static int centre_put_tx(store_conn *c, void *p, err *e)
{
	admin_ctx *x = p;
	return dispute_centre_put(c, x->who, x->id, x->region_id, e);
}

static int centre_delete_tx(store_conn *c, void *p, err *e)
{
	admin_ctx *x = p;
	return dispute_centre_delete(c, x->who, x->id, e);
}

static int h_centre_put(http_req *r)
{
	err e = {0};
	admin_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (http_param_id(r, "unit_id", &x.id, &e) < 0 || !b ||
	    jv_int(b, "region_id", JV_REQUIRED, 1, INT64_MAX, &x.region_id, NULL, &e) < 0 ||
	    store_write(r->store, centre_put_tx, &x, &e) < 0)
		return http_error(r, &e);
	return h_centres(r);
}

static int h_centre_delete(http_req *r)
{
	err e = {0};
	admin_ctx x = {.who = req_actor(r)};
	if (http_param_id(r, "unit_id", &x.id, &e) < 0 ||
	    store_write(r->store, centre_delete_tx, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

const struct route api_dispute_admin_routes[] = {
	{"GET", "/api/v1/disputes/types", h_types, 0, DISPUTE_READ_ROLES, NULL},
	{"POST", "/api/v1/disputes/types", h_type_create, 0, ROLE_ADMIN, NULL},
	{"PATCH", "/api/v1/disputes/types/{code}", h_type_update, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/disputes/settings", h_settings, 0, ROLE_ADMIN, NULL},
	{"PUT", "/api/v1/disputes/settings", h_settings_put, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/disputes/centres", h_centres, 0, DISPUTE_READ_ROLES, NULL},
	{"PUT", "/api/v1/disputes/centres/{unit_id}", h_centre_put, 0, ROLE_ADMIN, NULL},
	{"DELETE", "/api/v1/disputes/centres/{unit_id}", h_centre_delete, 0, ROLE_ADMIN, NULL},
};
const size_t api_dispute_admin_routes_count =
	sizeof api_dispute_admin_routes / sizeof api_dispute_admin_routes[0];
