/* The audit trail for admins. */
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "org/audit.h"
#include "org/user.h"

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
	if (!c ||
	    audit_list(c, entity, entity_id, actor_id, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

const struct route api_audit_routes[] = {
	{"GET", "/api/v1/audit", h_list, 0, ROLE_ADMIN},
};
const size_t api_audit_routes_count = sizeof api_audit_routes / sizeof api_audit_routes[0];
