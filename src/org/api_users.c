/* User administration over HTTP (admins, within their area), grants of sensitive roles
 * that take a second admin, and a password change for oneself. */
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "org/auth.h"
#include "org/grant.h"
#include "org/user.h"

/* roles: an array of distinct known role words. */
static int parse_roles(json_t *b, bool required, bool *present, unsigned *out, err *e)
{
	*present = false;
	*out = 0;
	json_t *v = json_object_get(b, "roles");
	if (!v) {
		if (required)
			return err_set(e, ERR_INVALID, "missing_field", "roles", "缺少 roles");
		return 0;
	}
	if (!json_is_array(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "roles", "roles 必须是数组");
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		unsigned bit = json_is_string(x) ? role_parse(json_string_value(x)) : 0;
		if (!bit)
			return err_set(e, ERR_INVALID, "invalid_role", "roles", "未知角色：%s",
				       json_is_string(x) ? json_string_value(x) : "(非字符串)");
		*out |= bit;
	}
	*present = true;
	return 0;
}

/* argon2id work waits for a slot (auth_hash_limit); a 503 busy says when to come back. */
static int busy_or_error(http_req *r, const err *e)
{
	if (e->kind == ERR_UNAVAILABLE)
		http_retry_after(r, 1);
	return http_error(r, e);
}

static int respond_user(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *u;
	if (!c || user_get(c, req_actor(r), id, false, &u, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, u);
}

/* A grant filed instead of a change: 202 with the grant. */
static int respond_grant(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *g;
	if (!c || grant_get(c, req_actor(r), id, &g, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, g);
}

static int h_list(http_req *r)
{
	err e = {0};
	user_filter f = {0};
	int64_t page, per_page;
	if (caller_require_admin(r, &e) < 0 || http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "unit_id", 1, INT64_MAX, 0, &f.unit_id, &e) < 0)
		return http_error(r, &e);
	f.q = http_query(r, "q");
	f.role = http_query(r, "role");
	if (f.role && !role_parse(f.role))
		return http_fail(r, 400, "invalid_parameter", "role", "未知角色");
	if (f.q && (jv_utf8_chars(f.q) < 0 || jv_utf8_chars(f.q) > 100))
		return http_fail(r, 400, "invalid_parameter", "q", "q 最多 100 个字符");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || user_list(c, req_actor(r), &f, false, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (caller_require_admin(r, &e) < 0 || http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return respond_user(r, 200, id);
}

typedef struct create_ctx {
	const actor *who;
	user_input in;
	int64_t id, grant_id;
} create_ctx;

static int create_tx(store_conn *c, void *p, err *e)
{
	create_ctx *x = p;
	return user_create(c, x->who, &x->in, &x->id, e);
}

static int h_create(http_req *r)
{
	err e = {0};
	if (caller_require_admin(r, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	create_ctx x = {.who = req_actor(r)};
	x.in.grant_id = &x.grant_id;
	const char *password;
	bool has_roles;
	if (!b || jv_str(b, "username", JV_REQUIRED, 64, &x.in.username, NULL, &e) < 0 ||
	    jv_str(b, "display_name", JV_REQUIRED, USER_DISPLAY_MAX, &x.in.display_name, NULL, &e) <
		    0 ||
	    jv_str(b, "password", JV_REQUIRED, 1024, &password, NULL, &e) < 0 ||
	    jv_int(b, "unit_id", JV_REQUIRED, 1, INT64_MAX, &x.in.unit_id, NULL, &e) < 0 ||
	    parse_roles(b, true, &has_roles, &x.in.roles, &e) < 0 ||
	    jv_str(b, "phone", JV_OPTIONAL, USER_PHONE_MAX, &x.in.phone, NULL, &e) < 0 ||
	    jv_phone(x.in.phone, "phone", &e) < 0)
		return http_error(r, &e);
	if (!user_name_valid(x.in.username))
		return http_fail(r, 422, "invalid_username", "username",
				 "用户名需 3–32 位小写字母、数字或 _ . -，以字母开头");
	if (auth_password_policy(password, x.in.username, &e) < 0)
		return http_error(r, &e);
	char hash[256];
	if (auth_hash_password(password, hash, sizeof hash, &e) < 0)
		return busy_or_error(r, &e);
	x.in.password_hash = hash;
	if (store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	/* Created; sensitive roles wait for a second admin. */
	return x.grant_id ? respond_grant(r, 202, x.grant_id) : respond_user(r, 201, x.id);
}

typedef struct update_ctx {
	const actor *who;
	int64_t id, grant_id;
	user_patch p;
} update_ctx;

static int update_tx(store_conn *c, void *p, err *e)
{
	update_ctx *x = p;
	return user_update(c, x->who, x->id, &x->p, e);
}

static int h_update(http_req *r)
{
	err e = {0};
	update_ctx x = {.who = req_actor(r), .p = {.disabled = -1}};
	x.p.grant_id = &x.grant_id;
	if (caller_require_admin(r, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	if (!b ||
	    jv_str(b, "display_name", JV_OPTIONAL, USER_DISPLAY_MAX, &x.p.display_name, NULL, &e) <
		    0 ||
	    jv_int(b, "unit_id", JV_OPTIONAL, 1, INT64_MAX, &x.p.unit_id, NULL, &e) < 0 ||
	    parse_roles(b, false, &x.p.set_roles, &x.p.roles, &e) < 0 ||
	    jv_str(b, "phone", JV_NULLABLE, USER_PHONE_MAX, &x.p.phone, &x.p.set_phone, &e) < 0 ||
	    jv_phone(x.p.phone, "phone", &e) < 0 ||
	    jv_bool(b, "disabled", JV_OPTIONAL, &x.p.disabled, &e) < 0)
		return http_error(r, &e);
	if (store_write(r->store, update_tx, &x, &e) < 0)
		return http_error(r, &e);
	return x.grant_id ? respond_grant(r, 202, x.grant_id) : respond_user(r, 200, x.id);
}

typedef struct password_ctx {
	const actor *who;
	int64_t id;
	const char *hash, *keep;
} password_ctx;

static int password_tx(store_conn *c, void *p, err *e)
{
	password_ctx *x = p;
	return user_set_password(c, x->who, x->id, x->hash, x->keep, e);
}

static int h_password(http_req *r)
{
	err e = {0};
	password_ctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	bool self = x.id == req_actor(r)->user_id;
	if (!self && caller_require_admin(r, &e) < 0)
		return http_error(r, &e);
	/* With an expired password one changes one's own, nothing else. */
	if (!self && req_actor(r)->password_expired)
		return http_fail(r, 403, "password_expired", NULL,
				 "密码已过期，请先修改自己的密码");
	json_t *b = http_body_object(r, &e);
	const char *password, *current;
	if (!b || jv_str(b, "password", JV_REQUIRED, 1024, &password, NULL, &e) < 0 ||
	    jv_str(b, "current_password", self ? JV_REQUIRED : JV_OPTIONAL, 256, &current, NULL,
		   &e) < 0)
		return http_error(r, &e);
	/* The rule reads the username; another user's is read only within the admin's area,
	 * so that the answer tells nothing of users outside it. */
	store_conn *c = store_conn_get(r->store, &e);
	char username[64];
	json_t *u = NULL;
	if (!c || (self ? user_name_of(c, x.id, username, sizeof username, &e)
			: user_get(c, req_actor(r), x.id, true, &u, &e)) < 0)
		return http_error(r, &e);
	if (u) {
		snprintf(username, sizeof username, "%s",
			 json_string_value(json_object_get(u, "username")));
		json_decref(u);
	}
	if (auth_password_policy(password, username, &e) < 0)
		return http_error(r, &e);
	if (self && strcmp(password, current) == 0)
		return http_fail(r, 422, "weak_password", "password", "新密码不能与当前密码相同");
	if (self) {
		char old[256];
		if (user_password_hash(c, x.id, old, sizeof old, &e) < 0)
			return http_error(r, &e);
		bool match;
		if (auth_verify_password(old, current, &match, &e) < 0)
			return busy_or_error(r, &e);
		if (!match)
			return http_fail(r, 422, "wrong_password", "current_password",
					 "当前密码不正确");
		x.keep = r->token;
	}
	char hash[256];
	if (auth_hash_password(password, hash, sizeof hash, &e) < 0)
		return busy_or_error(r, &e);
	x.hash = hash;
	if (store_write(r->store, password_tx, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

typedef struct unlock_ctx {
	const actor *who;
	int64_t id;
} unlock_ctx;

static int unlock_tx(store_conn *c, void *p, err *e)
{
	unlock_ctx *x = p;
	return user_unlock(c, x->who, x->id, e);
}

static int h_unlock(http_req *r)
{
	err e = {0};
	unlock_ctx x = {.who = req_actor(r)};
	if (caller_require_admin(r, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	if (store_write(r->store, unlock_tx, &x, &e) < 0)
		return http_error(r, &e);
	return respond_user(r, 200, x.id);
}

/* ---- grants of sensitive roles (org/grant.h) ---- */

static int h_grants(http_req *r)
{
	err e = {0};
	int64_t page, per_page;
	if (caller_require_admin(r, &e) < 0 || http_paging(r, &page, &per_page, &e) < 0)
		return http_error(r, &e);
	const char *status = http_query(r, "status");
	if (!status)
		status = "pending";
	if (strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "rejected") != 0 && strcmp(status, "all") != 0)
		return http_fail(r, 400, "invalid_parameter", "status",
				 "status 须为 pending、approved、rejected 或 all");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || grant_list(c, req_actor(r), strcmp(status, "all") ? status : NULL, page, per_page,
			     &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_grant(http_req *r)
{
	err e = {0};
	int64_t id;
	if (caller_require_admin(r, &e) < 0 || http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return respond_grant(r, 200, id);
}

typedef struct decide_ctx {
	const actor *who;
	int64_t id;
	bool approve;
	const char *note;
} decide_ctx;

static int decide_tx(store_conn *c, void *p, err *e)
{
	decide_ctx *x = p;
	return grant_decide(c, x->who, x->id, x->approve, x->note, e);
}

/* approve and reject: the body is optional ({"note"}). */
static int decide(http_req *r, bool approve)
{
	err e = {0};
	decide_ctx x = {.who = req_actor(r), .approve = approve};
	if (caller_require_admin(r, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	if (r->body.len) {
		json_t *b = http_body_object(r, &e);
		if (!b || jv_str(b, "note", JV_OPTIONAL, 500, &x.note, NULL, &e) < 0)
			return http_error(r, &e);
	}
	if (store_write(r->store, decide_tx, &x, &e) < 0)
		return http_error(r, &e);
	return respond_grant(r, 200, x.id);
}

static int h_approve(http_req *r)
{
	return decide(r, true);
}

static int h_reject(http_req *r)
{
	return decide(r, false);
}

const struct route api_users_routes[] = {
	{"GET", "/api/v1/users", h_list, 0, ROLE_ADMIN, NULL},
	{"POST", "/api/v1/users", h_create, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/users/{id}", h_get, 0, ROLE_ADMIN, NULL},
	{"PATCH", "/api/v1/users/{id}", h_update, 0, ROLE_ADMIN, NULL},
	{"POST", "/api/v1/users/{id}/password", h_password, ROUTE_EXPIRED_OK, ROLES_ANY, NULL},
	{"POST", "/api/v1/users/{id}/unlock", h_unlock, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/role-grants", h_grants, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/role-grants/{id}", h_grant, 0, ROLE_ADMIN, NULL},
	{"POST", "/api/v1/role-grants/{id}/approve", h_approve, 0, ROLE_ADMIN, NULL},
	{"POST", "/api/v1/role-grants/{id}/reject", h_reject, 0, ROLE_ADMIN, NULL},
};
const size_t api_users_routes_count = sizeof api_users_routes / sizeof api_users_routes[0];
