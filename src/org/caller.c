#include "org/caller.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "org/auth.h"

int caller_authenticate(http_req *r, err *e)
{
	actor *a = arena_alloc(&r->arena, sizeof *a);
	if (auth_resolve(r->store, r->token, a, e) < 0)
		return -1;
	snprintf(a->ip, sizeof a->ip, "%s", r->ip);
	r->caller = a;
	r->caller_roles = a->roles;
	r->caller_name = a->username;
	r->caller_expires_ms = a->session_expires;
	r->authenticated = true;
	return 0;
}

actor *req_actor(http_req *r)
{
	if (!r->caller) {
		/* Without a login: no user, no roles, no area. */
		actor *a = arena_alloc(&r->arena, sizeof *a);
		memset(a, 0, sizeof *a);
		snprintf(a->ip, sizeof a->ip, "%s", r->ip);
		r->caller = a;
	}
	return r->caller;
}

int caller_require(http_req *r, unsigned roles, err *e)
{
	if (!r->authenticated || !actor_has(req_actor(r), roles))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "没有权限执行此操作");
	return 0;
}

int caller_require_city_admin(http_req *r, err *e)
{
	if (!r->authenticated || !actor_is_city_admin(req_actor(r)))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有市级管理员可以执行此操作");
	return 0;
}

int caller_require_admin(http_req *r, err *e)
{
	actor *a = req_actor(r);
	if (!r->authenticated || !actor_has(a, ROLE_ADMIN) || !a->admin_path[0])
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "没有权限执行此操作");
	snprintf(a->unit_path, sizeof a->unit_path, "%s", a->admin_path);
	return 0;
}
