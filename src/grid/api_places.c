/* Key places over HTTP (docs/grid.md "Key places"): a grid's list, one place, adding and
 * changing one — by the grid's member, backup and community station, as households. */
#include <string.h>

#include "grid/grid.h"
#include "grid/place.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

static int h_list(http_req *r)
{
	err e = {0};
	int64_t grid_id, page, per_page;
	const char *q = http_query(r, "q");
	if (http_query_int(r, "grid_id", 1, INT64_MAX, 0, &grid_id, &e) < 0 ||
	    http_paging(r, &page, &per_page, &e) < 0)
		return http_error(r, &e);
	if (!grid_id)
		return http_fail(r, 400, "missing_parameter", "grid_id", "请选择网格");
	if (q && strlen(q) > 100)
		return http_fail(r, 400, "invalid_parameter", "q", "查询参数过长");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || place_list(c, req_actor(r), grid_id, q, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || place_get(c, req_actor(r), id, &o, &e) < 0)
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

static const struct jv_field fields[] = {
	{"grid_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"name", JV_STRING, 0, 1, PLACE_NAME_MAX, NULL, "请填写场所名称"},
	{"kind", JV_ENUM, 0, 0, 0, place_kinds, NULL},
	{"address", JV_STRING, JV_NULLABLE, 0, PLACE_ADDRESS_MAX, NULL, NULL},
	{"contact", JV_STRING, JV_NULLABLE, 0, PLACE_CONTACT_MAX, NULL, NULL},
	{"phone", JV_STRING, JV_NULLABLE, 0, 20, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static const char *str(json_t *b, const char *key, bool *set)
{
	json_t *v = json_object_get(b, key);
	*set = v != NULL;
	return json_string_value(v);
}

static int input_of(json_t *b, place_input *in, bool create, err *e)
{
	if (jv_check(b, fields, e) < 0)
		return -1;
	in->name = str(b, "name", &in->set_name);
	in->kind = str(b, "kind", &in->set_kind);
	in->address = str(b, "address", &in->set_address);
	in->contact = str(b, "contact", &in->set_contact);
	in->phone = str(b, "phone", &in->set_phone);
	if ((create || in->set_name) && (!in->name || !*in->name))
		return err_set(e, ERR_INVALID, "missing_field", "name", "请填写场所名称");
	if ((create || in->set_kind) && !in->kind)
		return err_set(e, ERR_INVALID, "missing_field", "kind", "请选择场所类型");
	if (in->phone && *in->phone && jv_phone(in->phone, "phone", e) < 0)
		return -1;
	return 0;
}

typedef struct write_ctx {
	const actor *who;
	int64_t grid_id, id;
	place_input in;
} write_ctx;

static int create_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return place_create(c, x->who, x->grid_id, &x->in, &x->id, e);
}

static int update_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return place_update(c, x->who, x->id, &x->in, e);
}

static int h_create(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (!b || input_of(b, &x.in, true, &e) < 0)
		return http_error(r, &e);
	x.grid_id = json_integer_value(json_object_get(b, "grid_id"));
	if (!x.grid_id)
		return http_fail(r, 422, "missing_field", "grid_id", "请选择网格");
	if (store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

static int h_update(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (http_param_id(r, "id", &x.id, &e) < 0 || !b || input_of(b, &x.in, false, &e) < 0)
		return http_error(r, &e);
	if (store_write(r->store, update_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, x.id);
}

const struct route api_places_routes[] = {
	{"GET", "/api/v1/grid/places", h_list, 0, GRID_READERS, NULL},
	{"POST", "/api/v1/grid/places", h_create, 0, ROLE_GRID_MEMBER | GRID_STATION_ROLES, NULL},
	{"GET", "/api/v1/grid/places/{id}", h_get, 0, GRID_READERS, NULL},
	{"PATCH", "/api/v1/grid/places/{id}", h_update, 0, ROLE_GRID_MEMBER | GRID_STATION_ROLES,
	 NULL},
};
const size_t api_places_routes_count = sizeof api_places_routes / sizeof api_places_routes[0];
