#include "org/caller.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "org/auth.h"

/* Until when an answer given to this caller may be given again (the read cache): the
 * earliest of the session's expiry, its idle end and the password's expiry. */
static int64_t answer_ends(const actor *a)
{
	int64_t end = a->session_expires;
	if (a->idle_ends && a->idle_ends < end)
		end = a->idle_ends;
	if (a->password_expires && a->password_expires < end)
		end = a->password_expires;
	return end;
}

int caller_authenticate(http_req *r, err *e)
{
	actor *a = arena_alloc(&r->arena, sizeof *a);
	if (auth_resolve(r->store, r->token, a, e) < 0)
		return -1;
	snprintf(a->ip, sizeof a->ip, "%s", r->ip);
	a->user_agent = http_header(r, "User-Agent");
	r->caller = a;
	r->caller_name = a->username;
	/* An expired password opens only the routes that let its owner change it. */
	const struct route *rt = r->match.route;
	if (a->password_expired && !(rt && (rt->flags & ROUTE_EXPIRED_OK)))
		return err_set(e, ERR_FORBIDDEN, "password_expired", NULL,
			       "密码已过期，请先修改密码");
	r->caller_roles = a->roles;
	r->caller_expires_ms = answer_ends(a);
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
