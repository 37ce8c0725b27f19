/* Login, logout, the logged-in user and the role list. */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "org/auth.h"
#include "core/clock.h"
#include "http/ratelimit.h"
#include "org/unit.h"
#include "org/user.h"

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
	/* Whether the password must be changed before anything else (docs/api.md "Me"). */
	json_object_set_new(u, "password_expired", json_boolean(who->password_expired));
	if (who->password_expires) {
		char at[40];
		clock_format_iso(who->password_expires, at, sizeof at);
		json_object_set_new(u, "password_expires_at", json_string(at));
	} else {
		json_object_set_new(u, "password_expires_at", json_null());
	}
	*out = u;
	return 0;
}

/* The address's budget of failed logins (serve --login-rate, CONTRACT.md: 10 a minute).
 * An attempt is counted when its password is about to be checked, and given back when
 * the login succeeds, so only failures spend the budget; a disabled or locked account,
 * refused without a check, spends nothing. */
typedef struct login_budget {
	ratelimit *rl;
	const char *ip;
	int64_t at, retry_ms;
	bool taken;
} login_budget;

static bool take_attempt(void *p)
{
	login_budget *b = p;
	b->at = clock_now_ms();
	b->taken = ratelimit_reserve(b->rl, b->ip, b->at, &b->retry_ms);
	return b->taken;
}

static int too_many(http_req *r, int64_t retry_ms)
{
	int64_t secs = (retry_ms + 999) / 1000;
	err e = {0};
	err_set(&e, ERR_RATE_LIMITED, "rate_limited", NULL, "登录失败次数过多，请 %lld 秒后再试",
		(long long)(secs < 1 ? 1 : secs));
	http_retry_after(r, secs);
	return http_error(r, &e);
}

/* Checks the password outside any transaction and decides in one: see auth.h. */
static int try_login(http_req *r, const char *username, const char *password, login_budget *b,
		     char *token, size_t token_n, int64_t *expires, err *e)
{
	auth_attempt a;
	auth_budget budget = {take_attempt, b};
	int64_t uid;
	int rc = auth_login_check(r->store, username, password, r->ip, &budget, &a, e);
	a.user_agent = http_header(r, "User-Agent");
	if (rc == 0)
		rc = auth_login_commit(r->store, &a, r->app->cfg.session_ttl_ms, token, token_n,
				       &uid, expires, e);
	/* A success, or an attempt the server failed, is no failed attempt. */
	bool failed = rc < 0 && (e->kind == ERR_UNAUTHORIZED || e->kind == ERR_FORBIDDEN ||
				 e->kind == ERR_LOCKED);
	if (b->taken && !failed)
		ratelimit_refund(b->rl, b->ip, b->at);
	return rc;
}

static int h_login(http_req *r)
{
	err e = {0};
	json_t *b = http_body_object(r, &e);
	const char *username, *password;
	if (!b || jv_str(b, "username", JV_REQUIRED, 64, &username, NULL, &e) < 0 ||
	    jv_str(b, "password", JV_REQUIRED, 256, &password, NULL, &e) < 0)
		return http_error(r, &e);
	/* An address out of budget is answered at once, before any password work. */
	login_budget budget = {.rl = r->app->login_limit, .ip = r->ip};
	if (!ratelimit_peek(budget.rl, budget.ip, clock_now_ms(), &budget.retry_ms))
		return too_many(r, budget.retry_ms);
	char token[64];
	int64_t expires;
	if (try_login(r, username, password, &budget, token, sizeof token, &expires, &e) < 0) {
		if (e.kind == ERR_RATE_LIMITED)
			return too_many(r, budget.retry_ms);
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
	return http_json(r, 201,
			 json_pack("{s:s, s:s, s:b, s:o}", "token", token, "expires_at", exp,
				   "password_expired", who.password_expired, "user", me));
}

static int h_logout(http_req *r)
{
	err e = {0};
	if (auth_logout(r->store, req_actor(r), r->token, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

static int h_me(http_req *r)
{
	err e = {0};
	json_t *me;
	if (me_json(r, req_actor(r), &me, &e) < 0)
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
	{"POST", "/api/v1/sessions", h_login, ROUTE_PUBLIC, 0, NULL},
	{"DELETE", "/api/v1/sessions/current", h_logout, ROUTE_EXPIRED_OK, ROLES_ANY, NULL},
	{"GET", "/api/v1/me", h_me, ROUTE_EXPIRED_OK, ROLES_ANY, NULL},
	{"GET", "/api/v1/roles", h_roles, 0, ROLES_ANY, NULL},
};
const size_t api_session_routes_count = sizeof api_session_routes / sizeof api_session_routes[0];
