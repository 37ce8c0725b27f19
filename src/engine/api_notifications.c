/* The in-app inbox over HTTP: the notifications of the caller's unit and of the caller. */
#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "core/clock.h"
#include "engine/outbox.h"

static int h_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, unread_only;
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "unread", 0, 1, 0, &unread_only, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total, unread;
	if (!c || inbox_list(c, req_actor(r), unread_only != 0, page, per_page, &items, &total,
			     &unread, &e) < 0)
		return http_error(r, &e);
	http_list(r, items, total, page, per_page);
	json_object_set_new(r->json, "unread", json_integer(unread));
	return 0;
}

typedef struct read_ctx {
	const actor *who;
	int64_t id; /* 0: all */
	int64_t now;
} read_ctx;

static int tx_read(store_conn *c, void *ctx, err *e)
{
	const read_ctx *x = ctx;
	return x->id ? inbox_mark_read(c, x->who, x->id, x->now, e)
		     : inbox_mark_all_read(c, x->who, x->now, e);
}

static int h_read(http_req *r)
{
	err e = {0};
	read_ctx x = {.who = req_actor(r), .now = clock_now_ms()};
	if (http_param_id(r, "id", &x.id, &e) < 0 || store_write(r->store, tx_read, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

static int h_read_all(http_req *r)
{
	err e = {0};
	read_ctx x = {.who = req_actor(r), .now = clock_now_ms()};
	if (store_write(r->store, tx_read, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

const struct route api_notifications_routes[] = {
	{"GET", "/api/v1/notifications", h_list, 0, ROLES_ANY, NULL},
	{"POST", "/api/v1/notifications/read-all", h_read_all, 0, ROLES_ANY, NULL},
	{"POST", "/api/v1/notifications/{id}/read", h_read, 0, ROLES_ANY, NULL},
};
const size_t api_notifications_routes_count =
	sizeof api_notifications_routes / sizeof api_notifications_routes[0];
