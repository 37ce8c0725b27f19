/* The audit trail for admins. */
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "org/audit.h"
#include "org/user.h"
#include "core/clock.h"

static int h_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, entity_id, actor_id;
	if (caller_require_city_admin(r, &e) < 0 || http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "entity_id", 1, INT64_MAX, 0, &entity_id, &e) < 0 ||
	    http_query_int(r, "actor_id", 1, INT64_MAX, 0, &actor_id, &e) < 0)
		return http_error(r, &e);
	const char *entity = http_query(r, "entity");
	if (entity && (jv_utf8_chars(entity) < 0 || jv_utf8_chars(entity) > 40))
		return http_fail(r, 400, "invalid_parameter", "entity", "entity 无效");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	const char *by = http_query(r, "actor");
	if (c && by && !actor_id) {
		/* By username; an unknown one matches nothing. */
		if (user_find(c, by, &actor_id, &e) < 0) {
			if (e.kind != ERR_NOT_FOUND)
				return http_error(r, &e);
			return http_list(r, json_array(), 0, page, per_page);
		}
	}
	if (!c || audit_list_area(c, req_actor(r)->admin_path, entity, entity_id, actor_id, page,
				  per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

/* A time bound of the login log: ISO 8601; a bare date as the upper bound takes in that
 * whole day. */
static int time_param(http_req *r, const char *name, bool upper, int64_t *out, err *e)
{
	const char *v = http_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	if (clock_parse_iso(v, out) < 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name,
			       "参数 %s 须为 ISO 8601 日期或时间", name);
	if (upper && strlen(v) == 10)
		*out += 24LL * 3600 * 1000;
	return 0;
}

/* The login log of the admin's own area; attempts at usernames that do not exist belong
 * to no area and are shown to admins of the whole city only. */
static int h_logins(http_req *r)
{
	err e = {0};
	int64_t page, per_page;
	audit_login_filter f = {0};
	if (caller_require_admin(r, &e) < 0 || http_paging(r, &page, &per_page, &e) < 0 ||
	    time_param(r, "from", false, &f.from, &e) < 0 ||
	    time_param(r, "to", true, &f.to, &e) < 0)
		return http_error(r, &e);
	const actor *who = req_actor(r);
	f.area = who->admin_path;
	f.with_unknown = actor_is_city_admin(who);
	const char *user = http_query(r, "user");
	if (user && (jv_utf8_chars(user) < 0 || strlen(user) > 64))
		return http_fail(r, 400, "invalid_parameter", "user", "user 无效");
	store_conn *c = store_conn_get(r->store, &e);
	if (!c)
		return http_error(r, &e);
	if (user && user_find(c, user, &f.user_id, &e) < 0) {
		if (e.kind != ERR_NOT_FOUND)
			return http_error(r, &e);
		return http_list(r, json_array(), 0, page, per_page);
	}
	json_t *items;
	int64_t total;
	if (audit_logins(c, &f, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

const struct route api_audit_routes[] = {
	{"GET", "/api/v1/audit", h_list, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/audit/logins", h_logins, 0, ROLE_ADMIN, NULL},
};
const size_t api_audit_routes_count = sizeof api_audit_routes / sizeof api_audit_routes[0];
