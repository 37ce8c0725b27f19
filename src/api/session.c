/* Login, logout, the logged-in user and the role list. */
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "api/validate.h"
#include "auth.h"
#include "core/clock.h"
#include "unit.h"
#include "user.h"

/* The logged-in user with their unit (and its path from the root of the tree) and the
 * unit at the root of their area. */
static int me_json(http_req *r, const actor *who, json_t **out, err *e)
{
	int64_t user_id = who->user_id;
	store_conn *c = store_conn_get(r->store, e);
	if (!c)
		return -1;
	actor sys;
	actor_system(&sys, "system");
	json_t *u, *unit;
	if (user_get(c, &sys, user_id, false, &u, e) < 0)
		return -1;
	int64_t unit_id = json_integer_value(json_object_get(json_object_get(u, "unit"), "id"));
	if (unit_get(c, &sys, unit_id, &unit, e) < 0) {
		json_decref(u);
		return -1;
	}
	json_object_set_new(u, "unit", unit);
	/* The area's root is the last id in the area path. */
	const char *p = who->unit_path + strlen(who->unit_path);
	if (p > who->unit_path + 1) {
		p--;
		while (p > who->unit_path && p[-1] != '/')
			p--;
	}
	int64_t area_id = strtoll(p, NULL, 10);
	json_t *area = NULL;
	if (area_id && unit_get(c, &sys, area_id, &area, e) < 0) {
		json_decref(u);
		return -1;
	}
	json_object_set_new(u, "area",
			    area ? json_pack("{s:O, s:O, s:O}", "id", json_object_get(area, "id"),
					     "name", json_object_get(area, "name"), "kind",
					     json_object_get(area, "kind"))
				 : json_null());
	json_decref(area);
	*out = u;
	return 0;
}

/* Checks the password outside any transaction and decides in one: see auth.h. */
static int try_login(http_req *r, const char *username, const char *password, char *token,
		     size_t token_n, int64_t *expires, err *e)
{
	auth_attempt a;
	int64_t uid;
	if (auth_login_check(r->store, username, password, r->ip, NULL, &a, e) < 0)
		return -1;
	return auth_login_commit(r->store, &a, r->app->cfg.session_ttl_ms, token, token_n, &uid,
				 expires, e);
}

static int h_login(http_req *r)
{
	err e = {0};
	json_t *b = http_body_object(r, &e);
	const char *username, *password;
	if (!b || jv_str(b, "username", JV_REQUIRED, 64, &username, NULL, &e) < 0 ||
	    jv_str(b, "password", JV_REQUIRED, 256, &password, NULL, &e) < 0)
		return http_error(r, &e);
	char token[64];
	int64_t expires;
	if (try_login(r, username, password, token, sizeof token, &expires, &e) < 0) {
		if (e.kind == ERR_UNAVAILABLE)
			http_retry_after(r, 1);
		return http_error(r, &e);
	}
	actor who;
	json_t *me;
	if (auth_resolve(r->store, token, &who, &e) < 0 || me_json(r, &who, &me, &e) < 0)
		return http_error(r, &e);
	char exp[40];
	clock_format_iso(expires, exp, sizeof exp);
	return http_json(
		r, 201,
		json_pack("{s:s, s:s, s:o}", "token", token, "expires_at", exp, "user", me));
}

static int h_logout(http_req *r)
{
	err e = {0};
	if (auth_logout(r->store, &r->who, r->token, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

static int h_me(http_req *r)
{
	err e = {0};
	json_t *me;
	if (me_json(r, &r->who, &me, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, me);
}

static int h_roles(http_req *r)
{
	json_t *items = json_array();
	for (int i = 0; i < ROLE_COUNT; i++)
		json_array_append_new(items, json_pack("{s:s, s:s}", "role", role_word(i), "label",
						       role_label(i)));
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}

const struct route api_session_routes[] = {
	{"POST", "/api/v1/sessions", h_login, ROUTE_PUBLIC},
	{"DELETE", "/api/v1/sessions/current", h_logout, 0},
	{"GET", "/api/v1/me", h_me, 0},
	{"GET", "/api/v1/roles", h_roles, 0},
};
const size_t api_session_routes_count = sizeof api_session_routes / sizeof api_session_routes[0];
