/* The Open311 settings of a category over /api/v1 (docs/open311.md, "Administration"):
 * its service type, keywords and attributes. City admins change them, as categories. */
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "appeals/open311.h"

static int respond(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || open311_config_get(c, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return respond(r, 200, id);
}

typedef struct put_ctx {
	const actor *who;
	int64_t id;
	open311_config cfg;
} put_ctx;

static int put_tx(store_conn *c, void *p, err *e)
{
	put_ctx *x = p;
	return open311_config_put(c, x->who, x->id, &x->cfg, e);
}

/* One list option {key, name}: key a code, name 1..200 characters. */
static int read_value(json_t *v, err *e)
{
	const char *key, *name;
	if (!json_is_object(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "values",
			       "values 的每一项须为 {key, name}");
	if (jv_str(v, "key", JV_REQUIRED, OPEN311_ATTR_CODE_MAX, &key, NULL, e) < 0 ||
	    jv_str(v, "name", JV_REQUIRED, OPEN311_ATTR_TEXT_MAX, &name, NULL, e) < 0)
		return -1;
	if (!open311_code_valid(key))
		return err_set(e, ERR_INVALID, "invalid_code", "values",
			       "选项 key 须为 1–32 个字母、数字、下划线或连字符");
	return 0;
}

static int read_attribute(json_t *o, open311_attribute *a, err *e)
{
	int variable, required;
	if (!json_is_object(o))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "attributes",
			       "attributes 的每一项须为对象");
	if (jv_str(o, "code", JV_REQUIRED, OPEN311_ATTR_CODE_MAX, &a->code, NULL, e) < 0 ||
	    jv_str(o, "datatype", JV_REQUIRED, 20, &a->datatype, NULL, e) < 0 ||
	    jv_str(o, "description", JV_REQUIRED, OPEN311_ATTR_TEXT_MAX, &a->description, NULL, e) <
		    0 ||
	    jv_str(o, "datatype_description", JV_OPTIONAL, OPEN311_ATTR_TEXT_MAX,
		   &a->datatype_description, NULL, e) < 0 ||
	    jv_bool(o, "variable", JV_OPTIONAL, &variable, e) < 0 ||
	    jv_bool(o, "required", JV_OPTIONAL, &required, e) < 0 ||
	    jv_int(o, "order", JV_REQUIRED, 1, 1000, &a->order, NULL, e) < 0)
		return -1;
	a->variable = variable != 0;
	a->required = required == 1;
	a->values = json_object_get(o, "values");
	if (a->values && json_is_null(a->values))
		a->values = NULL;
	if (a->values && !json_is_array(a->values))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "values", "values 须为数组");
	size_t i;
	json_t *v;
	json_array_foreach(a->values, i, v)
	{
		if (read_value(v, e) < 0)
			return -1;
	}
	return 0;
}

static int h_put(http_req *r)
{
	err e = {0};
	put_ctx x = {.who = req_actor(r)};
	if (caller_require_city_admin(r, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	if (!b || jv_str(b, "type", JV_OPTIONAL, 20, &x.cfg.type, NULL, &e) < 0 ||
	    jv_str(b, "keywords", JV_OPTIONAL, OPEN311_KEYWORDS_MAX, &x.cfg.keywords, NULL, &e) < 0)
		return http_error(r, &e);
	if (!x.cfg.type)
		x.cfg.type = "realtime";
	json_t *attrs = json_object_get(b, "attributes");
	if (attrs && !json_is_null(attrs) && !json_is_array(attrs))
		return http_fail(r, 400, "invalid_type", "attributes", "attributes 须为数组");
	size_t n = json_is_array(attrs) ? json_array_size(attrs) : 0;
	if (n > OPEN311_ATTRS_MAX)
		return http_fail(r, 422, "too_many", "attributes", "一个分类最多 30 个属性");
	open311_attribute list[OPEN311_ATTRS_MAX];
	memset(list, 0, sizeof list);
	for (size_t i = 0; i < n; i++)
		if (read_attribute(json_array_get(attrs, i), &list[i], &e) < 0)
			return http_error(r, &e);
	x.cfg.attributes = list;
	x.cfg.nattributes = n;
	if (store_write(r->store, put_tx, &x, &e) < 0)
		return http_error(r, &e);
	return respond(r, 200, x.id);
}

const struct route api_open311_admin_routes[] = {
	{"GET", "/api/v1/categories/{id}/open311", h_get, 0, ROLE_ADMIN, NULL},
	{"PUT", "/api/v1/categories/{id}/open311", h_put, 0, ROLE_ADMIN, NULL},
};
const size_t api_open311_admin_routes_count =
	sizeof api_open311_admin_routes / sizeof api_open311_admin_routes[0];
