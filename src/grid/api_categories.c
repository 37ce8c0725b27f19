/* The category tree of grid events over HTTP (docs/grid.md "Categories"). */
#include <string.h>

#include "grid/event.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

static int h_list(http_req *r)
{
	err e = {0};
	int64_t all;
	store_conn *c;
	json_t *o;
	if (http_query_int(r, "all", 0, 1, 0, &all, &e) < 0 ||
	    !(c = store_conn_get(r->store, &e)) || grid_categories_json(c, all == 1, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

typedef struct cat_ctx {
	const actor *who;
	json_t *body;
	int64_t id;
} cat_ctx;

static int create_tx(store_conn *c, void *p, err *e)
{
	cat_ctx *x = p;
	return grid_category_create(c, x->who, x->body, &x->id, e);
}

static int update_tx(store_conn *c, void *p, err *e)
{
	cat_ctx *x = p;
	return grid_category_update(c, x->who, x->id, x->body, e);
}

static int answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || grid_category_get(c, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_create(http_req *r)
{
	err e = {0};
	cat_ctx x = {.who = req_actor(r)};
	if (!(x.body = http_body_object(r, &e)) || store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

static int h_update(http_req *r)
{
	err e = {0};
	cat_ctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = http_body_object(r, &e)) ||
	    store_write(r->store, update_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, x.id);
}

const struct route api_grid_categories_routes[] = {
	{"GET", "/api/v1/grid/categories", h_list, 0, GRID_READ_ROLES, NULL},
	{"POST", "/api/v1/grid/categories", h_create, 0, ROLE_ADMIN, NULL},
	{"PATCH", "/api/v1/grid/categories/{id}", h_update, 0, ROLE_ADMIN, NULL},
};
const size_t api_grid_categories_routes_count =
	sizeof api_grid_categories_routes / sizeof api_grid_categories_routes[0];
