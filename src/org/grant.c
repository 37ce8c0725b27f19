#include "org/grant.h"

#include <stdio.h>
#include <string.h>

#include "org/audit.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "org/user.h"

bool grant_needs_approval(int64_t unit, unsigned roles, int64_t new_unit, unsigned new_roles)
{
	bool added = (new_roles & ~roles & GRANT_SENSITIVE_ROLES) != 0;
	bool moved = new_unit != unit && (new_roles & GRANT_SENSITIVE_ROLES) != 0;
	return added || moved;
}

/* Roles as stored in a grant: role words separated by commas. */
static void roles_text(unsigned roles, strbuf *sb)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (roles & (1u << i)) {
			if (sb->len)
				strbuf_addch(sb, ',');
			strbuf_adds(sb, role_word(i));
		}
}

static unsigned roles_parse(const char *text)
{
	unsigned roles = 0;
	char word[32];
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, ",");
		snprintf(word, sizeof word, "%.*s", (int)n, p);
		roles |= role_parse(word);
		p += n + (p[n] == ',');
	}
	return roles;
}

static int audit_grant(store_conn *c, const actor *who, const char *action, int64_t grant_id,
		       int64_t user_id, int64_t unit_id, unsigned roles, const char *note, err *e)
{
	json_t *d = json_pack("{s:I, s:I, s:o}", "grant_id", (json_int_t)grant_id, "unit_id",
			      (json_int_t)unit_id, "roles", user_roles_json(roles));
	if (note)
		json_object_set_new(d, "note", json_string(note));
	int rc = audit_append(c, who, action, "user", user_id, d, e);
	json_decref(d);
	return rc;
}

int grant_request(store_conn *c, const actor *who, int64_t user_id, int64_t unit_id, unsigned roles,
		  int64_t base_unit, unsigned base_roles, int64_t *id, err *e)
{
	strbuf want = STRBUF_INIT, base = STRBUF_INIT;
	roles_text(roles, &want);
	roles_text(base_roles, &base);
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO role_grants (user_id, unit_id, roles, base_unit_id,"
				 " base_roles, status, requested_by, requested_at)"
				 " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
				 "iisisii", user_id, unit_id, strbuf_str(&want), base_unit,
				 strbuf_str(&base), who->user_id, clock_now_ms());
	strbuf_release(&want);
	strbuf_release(&base);
	if (rc <= 0) {
		if (rc == 0 || (e && strcmp(e->code, "duplicate") == 0))
			return err_set(e, ERR_CONFLICT, "grant_pending", "roles",
				       "该用户已有一项待审批的角色授权，请先审批或驳回");
		return -1;
	}
	int64_t gid = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	if (id)
		*id = gid;
	return audit_grant(c, who, "role_grant_request", gid, user_id, unit_id, roles, NULL, e);
}

/* A grant as read, with the path of the user's unit now (for the area check). */
typedef struct grant_row {
	int64_t id, user_id, unit_id, base_unit, requested_by;
	unsigned roles, base_roles;
	char status[16];
	char user_path[SCOPE_PATH_MAX];
} grant_row;

static int grant_load(store_conn *c, const actor *who, int64_t id, grant_row *g, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT g.user_id, g.unit_id, g.roles, g.base_unit_id,"
				 " g.base_roles, g.status, g.requested_by, un.path"
				 " FROM role_grants g JOIN users u ON u.id = g.user_id"
				 " JOIN units un ON un.id = u.unit_id WHERE g.id = ?",
				 "i", id);
	if (rc < 0)
		return -1;
	bool found = rc == 1;
	if (found) {
		*g = (grant_row){.id = id,
				 .user_id = store_col_int(st, 0),
				 .unit_id = store_col_int(st, 1),
				 .roles = roles_parse(store_col_text(st, 2)),
				 .base_unit = store_col_int(st, 3),
				 .base_roles = roles_parse(store_col_text(st, 4)),
				 .requested_by = store_col_int(st, 6)};
		snprintf(g->status, sizeof g->status, "%s", store_col_text(st, 5));
		snprintf(g->user_path, sizeof g->user_path, "%s", store_col_text(st, 7));
		store_done(st);
	}
	if (!found || !actor_administers(who, g->user_path))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "授权申请不存在");
	return 0;
}

/* Approving is making the change: who must be another admin than the one who asked and
 * than the user, allowed to make it themself, on the user as they stood when it was
 * asked. */
static int approve_checks(store_conn *c, const actor *who, const grant_row *g, err *e)
{
	if (who->user_id && who->user_id == g->requested_by)
		return err_set(e, ERR_FORBIDDEN, "own_grant", NULL,
			       "不能审批自己提出的授权，须由另一名管理员审批");
	if (who->user_id == g->user_id)
		return err_set(e, ERR_FORBIDDEN, "own_account", NULL, "不能审批给自己的授权");
	if (user_check_placement(c, who, g->user_id, g->unit_id, g->roles, e) < 0)
		return -1;
	int64_t unit;
	unsigned roles;
	if (user_placement(c, g->user_id, &unit, &roles, e) < 0)
		return -1;
	if (unit != g->base_unit || roles != g->base_roles)
		return err_set(e, ERR_CONFLICT, "grant_stale", NULL,
			       "申请提出后该用户的单位或角色已有变动，请驳回后重新申请");
	return 0;
}

int grant_decide(store_conn *c, const actor *who, int64_t id, bool approve, const char *note,
		 err *e)
{
	grant_row g;
	if (grant_load(c, who, id, &g, e) < 0)
		return -1;
	/* The conditional update comes first: it holds the grant's row (PostgreSQL), so two
	 * decisions at once are one after the other, and the second finds it decided. */
	int64_t n = store_exec(c, e,
			       "UPDATE role_grants SET status = ?, decided_by = ?, decided_at = ?,"
			       " note = ? WHERE id = ? AND status = 'pending'",
			       "snisi", approve ? "approved" : "rejected", who->user_id,
			       clock_now_ms(), note, id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "该授权申请已处理（%s）",
			       strcmp(g.status, "approved") == 0 ? "已批准" : "已驳回");
	if (approve && (approve_checks(c, who, &g, e) < 0 ||
			user_place(c, g.user_id, g.unit_id, g.roles, e) < 0))
		return -1;
	return audit_grant(c, who, approve ? "role_grant_approve" : "role_grant_reject", id,
			   g.user_id, g.unit_id, g.roles, note, e);
}

#define GRANT_SELECT                                                                               \
	"SELECT g.id, g.status, g.user_id, u.username, u.display_name, g.unit_id, tu.name,"        \
	" tu.kind, g.roles, g.base_unit_id, bu.name, g.base_roles, g.requested_by,"                \
	" rq.username, g.requested_at, g.decided_by, dc.username, g.decided_at, g.note"            \
	" FROM role_grants g JOIN users u ON u.id = g.user_id"                                     \
	" JOIN units un ON un.id = u.unit_id JOIN units tu ON tu.id = g.unit_id"                   \
	" JOIN units bu ON bu.id = g.base_unit_id JOIN users rq ON rq.id = g.requested_by"         \
	" LEFT JOIN users dc ON dc.id = g.decided_by"

static json_t *time_or_null(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	char at[40];
	clock_format_iso(store_col_int(st, col), at, sizeof at);
	return json_string(at);
}

static json_t *row_json(store_stmt *st)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s}, s:o, s:{s:{s:I, s:s}, s:o},"
		" s:{s:I, s:s}, s:o, s:o}",
		"id", (json_int_t)store_col_int(st, 0), "status", store_col_text(st, 1), "user",
		"id", (json_int_t)store_col_int(st, 2), "username", store_col_text(st, 3),
		"display_name", store_col_text(st, 4), "unit", "id",
		(json_int_t)store_col_int(st, 5), "name", store_col_text(st, 6), "kind",
		store_col_text(st, 7), "roles", user_roles_json(roles_parse(store_col_text(st, 8))),
		"base", "unit", "id", (json_int_t)store_col_int(st, 9), "name",
		store_col_text(st, 10), "roles",
		user_roles_json(roles_parse(store_col_text(st, 11))), "requested_by", "id",
		(json_int_t)store_col_int(st, 12), "username", store_col_text(st, 13),
		"requested_at", time_or_null(st, 14), "decided_at", time_or_null(st, 17));
	json_object_set_new(o, "decided_by",
			    store_col_null(st, 15) ? json_null()
						   : json_pack("{s:I, s:s}", "id",
							       (json_int_t)store_col_int(st, 15),
							       "username", store_col_text(st, 16)));
	json_object_set_new(o, "note",
			    store_col_null(st, 18) ? json_null()
						   : json_string(store_col_text(st, 18)));
	return o;
}

/* Whether who may approve the grant o (as row_json wrote it) now: a database error is an
 * error, a refusal is "no". */
static int can_decide(store_conn *c, const actor *who, json_t *o, bool *yes, err *e)
{
	*yes = false;
	if (strcmp(json_string_value(json_object_get(o, "status")), "pending") != 0)
		return 0;
	int64_t user_id = json_integer_value(json_object_get(json_object_get(o, "user"), "id"));
	int64_t asker =
		json_integer_value(json_object_get(json_object_get(o, "requested_by"), "id"));
	if (who->user_id == user_id || who->user_id == asker)
		return 0;
	int64_t unit_id = json_integer_value(json_object_get(json_object_get(o, "unit"), "id"));
	unsigned roles = 0;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(o, "roles"), i, r) roles |=
		role_parse(json_string_value(r));
	err why = {0};
	if (user_check_placement(c, who, user_id, unit_id, roles, &why) == 0) {
		*yes = true;
		return 0;
	}
	if (why.kind == ERR_FORBIDDEN || why.kind == ERR_INVALID || why.kind == ERR_NOT_FOUND)
		return 0;
	if (e)
		*e = why;
	return -1;
}

static int add_can_decide(store_conn *c, const actor *who, json_t *o, err *e)
{
	bool yes;
	if (can_decide(c, who, o, &yes, e) < 0)
		return -1;
	json_object_set_new(o, "can_decide", json_boolean(yes));
	return 0;
}

int grant_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	grant_row g;
	if (grant_load(c, who, id, &g, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, GRANT_SELECT " WHERE g.id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "授权申请不存在")
			       : -1;
	json_t *o = row_json(st);
	store_done(st);
	if (add_can_decide(c, who, o, e) < 0) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

/* Grants of users whose unit lies in who's admin area, with an optional status. */
#define GRANT_WHERE                                                                                \
	" WHERE un.path >= ? AND un.path < ? AND (CAST(? AS TEXT) IS NULL OR g.status = ?)"

int grant_list(store_conn *c, const actor *who, const char *status, int64_t page, int64_t per_page,
	       json_t **items, int64_t *total, err *e)
{
	*items = NULL;
	if (!actor_has(who, ROLE_ADMIN) || !who->admin_path[0]) {
		*items = json_array();
		*total = 0;
		return 0;
	}
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->admin_path, hi, sizeof hi);
	if (store_query_int(c, total, 0, e,
			    "SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id"
			    " JOIN units un ON un.id = u.unit_id" GRANT_WHERE,
			    "ssss", who->admin_path, hi, status, status) < 0)
		return -1;
	store_stmt *st = store_prepare(
		c, GRANT_SELECT GRANT_WHERE " ORDER BY g.id DESC LIMIT ? OFFSET ?", e);
	if (!st)
		return -1;
	store_bindf(st, "ssssii", who->admin_path, hi, status, status, per_page,
		    (page - 1) * per_page);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, row_json(st));
	store_done(st);
	/* Whether the caller may decide each: a few indexed reads per grant, after the page
	 * is read. */
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		if (rc < 0)
			break;
		if (add_can_decide(c, who, o, e) < 0)
			rc = -1;
	}
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}
