/* Appeal administration over HTTP: categories, routing rules, deadline policies and the
 * working-day calendar (docs/api-appeals.md, "Administration"). */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "appeals/appeal_admin.h"
#include "core/clock.h"

/* ---- categories ---- */

static int h_category_list(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	if (!c || category_list(c, &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200,
			 json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items),
				   "items", items));
}

static int check_category_code(const char *code, err *e)
{
	if (code && !category_code_valid(code))
		return err_set(e, ERR_INVALID, "invalid_code", "code",
			       "代码只能包含小写字母、数字、下划线和连字符，最多 32 个字符");
	return 0;
}

/* finish_days: absent (*set false), null (*set true, 0) or 1..60. */
static int finish_days_field(json_t *b, bool *set, int *days, err *e)
{
	int64_t v = 0;
	json_t *j = json_object_get(b, "finish_days");
	*set = j != NULL;
	*days = 0;
	if (jv_int(b, "finish_days", JV_OPTIONAL, 1, CATEGORY_FINISH_DAYS_MAX, &v, NULL, e) < 0)
		return -1;
	*days = (int)v;
	return 0;
}

static int respond_category(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || category_get(c, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

typedef struct category_create_ctx {
	const actor *who;
	category_input in;
	int64_t id;
} category_create_ctx;

static int category_create_tx(store_conn *c, void *p, err *e)
{
	category_create_ctx *x = p;
	return category_create(c, x->who, &x->in, &x->id, e);
}

static int h_category_create(http_req *r)
{
	err e = {0};
	if (caller_require_city_admin(r, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	category_create_ctx x = {.who = req_actor(r)};
	int active;
	bool set;
	if (!b || jv_str(b, "code", JV_REQUIRED, CATEGORY_CODE_MAX, &x.in.code, NULL, &e) < 0 ||
	    jv_str(b, "name", JV_REQUIRED, CATEGORY_NAME_MAX, &x.in.name, NULL, &e) < 0 ||
	    jv_int(b, "parent_id", JV_OPTIONAL, 1, INT64_MAX, &x.in.parent_id, NULL, &e) < 0 ||
	    finish_days_field(b, &set, &x.in.finish_days, &e) < 0 ||
	    jv_bool(b, "active", JV_OPTIONAL, &active, &e) < 0 ||
	    check_category_code(x.in.code, &e) < 0)
		return http_error(r, &e);
	x.in.active = active != 0;
	if (store_write(r->store, category_create_tx, &x, &e) < 0) {
		if (!strcmp(e.code, "duplicate"))
			err_set(&e, ERR_CONFLICT, "duplicate", "code", "分类代码 %s 已被使用",
				x.in.code);
		return http_error(r, &e);
	}
	return respond_category(r, 201, x.id);
}

typedef struct category_update_ctx {
	const actor *who;
	int64_t id;
	category_patch p;
} category_update_ctx;

static int category_update_tx(store_conn *c, void *p, err *e)
{
	category_update_ctx *x = p;
	return category_update(c, x->who, x->id, &x->p, e);
}

/* A text field that may be left out but not emptied. */
static int not_emptied(json_t *b, const char *key, const char *value, err *e)
{
	json_t *v = json_object_get(b, key);
	if (v && !value)
		return err_set(e, ERR_INVALID, "missing_field", key, "字段 %s 不能为空", key);
	return 0;
}

static int h_category_update(http_req *r)
{
	err e = {0};
	category_update_ctx x = {.who = req_actor(r), .p = {.active = -1}};
	if (caller_require_city_admin(r, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	if (!b || jv_str(b, "code", JV_OPTIONAL, CATEGORY_CODE_MAX, &x.p.code, NULL, &e) < 0 ||
	    jv_str(b, "name", JV_OPTIONAL, CATEGORY_NAME_MAX, &x.p.name, NULL, &e) < 0 ||
	    not_emptied(b, "code", x.p.code, &e) < 0 || not_emptied(b, "name", x.p.name, &e) < 0 ||
	    jv_int(b, "parent_id", JV_OPTIONAL, 1, INT64_MAX, &x.p.parent_id, NULL, &e) < 0 ||
	    finish_days_field(b, &x.p.set_finish_days, &x.p.finish_days, &e) < 0 ||
	    jv_bool(b, "active", JV_OPTIONAL, &x.p.active, &e) < 0 ||
	    check_category_code(x.p.code, &e) < 0)
		return http_error(r, &e);
	/* parent_id null moves the category to the top level. */
	x.p.set_parent = json_object_get(b, "parent_id") != NULL;
	if (store_write(r->store, category_update_tx, &x, &e) < 0) {
		if (!strcmp(e.code, "duplicate"))
			err_set(&e, ERR_CONFLICT, "duplicate", "code", "分类代码已被使用");
		return http_error(r, &e);
	}
	return respond_category(r, 200, x.id);
}

/* ---- routing rules ---- */

static int h_rule_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, category_id, region_id;
	if (caller_require_admin(r, &e) < 0 || http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "category_id", 1, INT64_MAX, 0, &category_id, &e) < 0 ||
	    http_query_int(r, "region_id", 1, INT64_MAX, 0, &region_id, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || routing_rule_list(c, req_actor(r), category_id, region_id, page, per_page, &items,
				    &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

typedef struct rule_put_ctx {
	const actor *who;
	int64_t category_id, region_id, unit_id, id;
	bool created;
} rule_put_ctx;

static int rule_put_tx(store_conn *c, void *p, err *e)
{
	rule_put_ctx *x = p;
	return routing_rule_put(c, x->who, x->category_id, x->region_id, x->unit_id, &x->id,
				&x->created, e);
}

static int h_rule_put(http_req *r)
{
	err e = {0};
	if (caller_require_admin(r, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	rule_put_ctx x = {.who = req_actor(r)};
	if (!b ||
	    jv_int(b, "category_id", JV_REQUIRED, 1, INT64_MAX, &x.category_id, NULL, &e) < 0 ||
	    jv_int(b, "region_id", JV_REQUIRED, 1, INT64_MAX, &x.region_id, NULL, &e) < 0 ||
	    jv_int(b, "unit_id", JV_REQUIRED, 1, INT64_MAX, &x.unit_id, NULL, &e) < 0)
		return http_error(r, &e);
	if (store_write(r->store, rule_put_tx, &x, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || routing_rule_get(c, req_actor(r), x.id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, x.created ? 201 : 200, o);
}

typedef struct rule_delete_ctx {
	const actor *who;
	int64_t id;
} rule_delete_ctx;

static int rule_delete_tx(store_conn *c, void *p, err *e)
{
	rule_delete_ctx *x = p;
	return routing_rule_delete(c, x->who, x->id, e);
}

static int h_rule_delete(http_req *r)
{
	err e = {0};
	rule_delete_ctx x = {.who = req_actor(r)};
	if (caller_require_admin(r, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0 ||
	    store_write(r->store, rule_delete_tx, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

/* ---- deadline policies ---- */

static int h_policy_list(http_req *r)
{
	err e = {0};
	if (caller_require_admin(r, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	if (!c || deadline_policy_list(c, &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200,
			 json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items),
				   "items", items));
}

typedef struct policy_ctx {
	const actor *who;
	deadline_policy p;
} policy_ctx;

static int policy_tx(store_conn *c, void *p, err *e)
{
	policy_ctx *x = p;
	return deadline_policy_put(c, x->who, &x->p, e);
}

static int h_policy_put(http_req *r)
{
	err e = {0};
	if (caller_require_city_admin(r, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	policy_ctx x = {.who = req_actor(r)};
	int urgent, sw, fw;
	if (!b || jv_str(b, "type", JV_REQUIRED, 20, &x.p.type, NULL, &e) < 0 ||
	    jv_bool(b, "urgent", JV_REQUIRED, &urgent, &e) < 0 ||
	    jv_int(b, "sign_minutes", JV_REQUIRED, 1, POLICY_SIGN_MINUTES_MAX, &x.p.sign_minutes,
		   NULL, &e) < 0 ||
	    jv_bool(b, "sign_working", JV_REQUIRED, &sw, &e) < 0 ||
	    jv_int(b, "finish_minutes", JV_REQUIRED, 1, POLICY_FINISH_MINUTES_MAX,
		   &x.p.finish_minutes, NULL, &e) < 0 ||
	    jv_bool(b, "finish_working", JV_REQUIRED, &fw, &e) < 0)
		return http_error(r, &e);
	if (!deadline_policy_type_valid(x.p.type))
		return http_fail(r, 422, "invalid_type", "type",
				 "type 必须是 *、complaint、inquiry、help、report、suggestion 或 "
				 "praise");
	x.p.urgent = urgent == 1;
	x.p.sign_working = sw == 1;
	x.p.finish_working = fw == 1;
	if (store_write(r->store, policy_tx, &x, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || deadline_policy_get(c, x.p.type, x.p.urgent, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

/* ---- calendar ---- */

static int h_calendar_get(http_req *r)
{
	err e = {0};
	char now[40];
	clock_format_iso(clock_now_ms(), now, sizeof now);
	int64_t year;
	if (caller_require_admin(r, &e) < 0 ||
	    http_query_int(r, "year", 1970, 9999, atoi(now), &year, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || calendar_days_year(c, (int)year, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

typedef struct day_ctx {
	const actor *who;
	const char *date, *name;
	bool workday;
} day_ctx;

static int day_put_tx(store_conn *c, void *p, err *e)
{
	day_ctx *x = p;
	return calendar_days_put(c, x->who, x->date, x->workday, x->name, e);
}

static int day_delete_tx(store_conn *c, void *p, err *e)
{
	day_ctx *x = p;
	return calendar_days_delete(c, x->who, x->date, e);
}

static int h_calendar_put(http_req *r)
{
	err e = {0};
	if (caller_require_city_admin(r, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	day_ctx x = {.who = req_actor(r), .date = http_param(r, "date")};
	int workday;
	if (!b || jv_bool(b, "workday", JV_REQUIRED, &workday, &e) < 0 ||
	    jv_str(b, "name", JV_OPTIONAL, CALENDAR_NAME_MAX, &x.name, NULL, &e) < 0)
		return http_error(r, &e);
	x.workday = workday == 1;
	if (store_write(r->store, day_put_tx, &x, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200,
			 json_pack("{s:s, s:b, s:o}", "date", x.date, "workday", x.workday, "name",
				   x.name ? json_string(x.name) : json_null()));
}

static int h_calendar_delete(http_req *r)
{
	err e = {0};
	day_ctx x = {.who = req_actor(r), .date = http_param(r, "date")};
	if (caller_require_city_admin(r, &e) < 0 ||
	    store_write(r->store, day_delete_tx, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

typedef struct import_ctx {
	const actor *who;
	const char *csv;
	int count;
} import_ctx;

static int import_tx(store_conn *c, void *p, err *e)
{
	import_ctx *x = p;
	return calendar_days_import(c, x->who, x->csv, &x->count, e);
}

/* The body is the CSV text itself (text/csv), not JSON. */
static int h_calendar_import(http_req *r)
{
	err e = {0};
	if (caller_require_city_admin(r, &e) < 0)
		return http_error(r, &e);
	import_ctx x = {.who = req_actor(r), .csv = strbuf_str(&r->body)};
	if (strlen(x.csv) != r->body.len)
		return http_fail(r, 422, "invalid_csv", "csv", "CSV 含有空字符");
	if (store_write(r->store, import_tx, &x, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, json_pack("{s:i}", "imported", x.count));
}

const struct route api_appeal_admin_routes[] = {
	/* Public: the citizen page offers the categories. */
	{"GET", "/api/v1/categories", h_category_list, ROUTE_PUBLIC, 0, NULL},
	{"POST", "/api/v1/categories", h_category_create, 0, ROLE_ADMIN, NULL},
	{"PATCH", "/api/v1/categories/{id}", h_category_update, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/routing-rules", h_rule_list, 0, ROLE_ADMIN, NULL},
	{"POST", "/api/v1/routing-rules", h_rule_put, 0, ROLE_ADMIN, NULL},
	{"DELETE", "/api/v1/routing-rules/{id}", h_rule_delete, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/deadline-policies", h_policy_list, 0, ROLE_ADMIN, NULL},
	{"PUT", "/api/v1/deadline-policies", h_policy_put, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/calendar", h_calendar_get, 0, ROLE_ADMIN, NULL},
	{"POST", "/api/v1/calendar/import", h_calendar_import, 0, ROLE_ADMIN, NULL},
	{"PUT", "/api/v1/calendar/{date}", h_calendar_put, 0, ROLE_ADMIN, NULL},
	{"DELETE", "/api/v1/calendar/{date}", h_calendar_delete, 0, ROLE_ADMIN, NULL},
};
const size_t api_appeal_admin_routes_count =
	sizeof api_appeal_admin_routes / sizeof api_appeal_admin_routes[0];
