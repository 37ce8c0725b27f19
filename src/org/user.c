#include "org/user.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/audit.h"
#include "org/auth.h"
#include "org/grant.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "org/privacy.h"
#include "org/unit.h"

bool user_name_valid(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 3 || n > USER_NAME_MAX || !islower((unsigned char)u[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)u[i];
		if (!(islower(ch) || isdigit(ch) || ch == '_' || ch == '.' || ch == '-'))
			return false;
	}
	return true;
}

static json_t *roles_json(unsigned roles)
{
	json_t *a = json_array();
	for (int i = 0; i < ROLE_COUNT; i++)
		if (roles & (1u << i))
			json_array_append_new(a, json_string(role_word(i)));
	return a;
}

static int write_roles(store_conn *c, int64_t id, unsigned roles, err *e)
{
	if (store_exec(c, e, "DELETE FROM user_roles WHERE user_id = ?", "i", id) < 0)
		return -1;
	for (int i = 0; i < ROLE_COUNT; i++)
		if ((roles & (1u << i)) &&
		    store_exec(c, e, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", "is",
			       id, role_word(i)) < 0)
			return -1;
	return 0;
}

/* Reads roles of one user into a bit set. */
static int load_roles(store_conn *c, int64_t id, unsigned *roles, err *e)
{
	*roles = 0;
	store_stmt *st = store_prepare(c, "SELECT role FROM user_roles WHERE user_id = ?", e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	int rc;
	while ((rc = store_step(st, e)) == 1)
		*roles |= role_parse(store_col_text(st, 0));
	store_done(st);
	return rc < 0 ? -1 : 0;
}

/* User management is admin authority, so every area check here reads who->admin_path
 * (the subtree of the admin's own unit), never the wider area another role of the same
 * user reads. */

/* The unit a user is placed in must lie within the acting admin's area. */
static int check_unit(store_conn *c, const actor *who, int64_t unit_id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", unit_id);
	if (rc < 0)
		return -1;
	bool ok = rc == 1 && actor_administers(who, store_col_text(st, 0));
	if (rc == 1)
		store_done(st);
	if (!ok)
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id",
			       "单位不存在或不在您的管辖范围内");
	return 0;
}

/* The user must lie within who's admin area (or be who); 404 when missing or outside.
 * Fills the user's unit. */
static int check_user(store_conn *c, const actor *who, int64_t id, int64_t *unit_id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT un.path, u.unit_id FROM users u"
				 " JOIN units un ON un.id = u.unit_id WHERE u.id = ?",
				 "i", id);
	if (rc < 0)
		return -1;
	bool ok = rc == 1 && (id == who->user_id || actor_administers(who, store_col_text(st, 0)));
	if (rc == 1) {
		*unit_id = store_col_int(st, 1);
		store_done(st);
	}
	if (!ok)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "用户不存在");
	return 0;
}

/* A grant (a unit and roles given to a user) may not reach beyond the granter's own
 * area: the area the user will read, which for agents, leaders and congress staff in a
 * department is the region the department serves, must lie within who's admin area. So
 * a department's admin cannot make a city-wide leader, and only an admin of the root
 * unit makes admins there. */
static int check_grant(store_conn *c, const actor *who, int64_t unit_id, unsigned roles, err *e)
{
	char area[SCOPE_PATH_MAX];
	if (auth_area(c, unit_id, roles, area, sizeof area, e) < 0)
		return -1;
	if (!actor_administers(who, area))
		return err_set(e, ERR_FORBIDDEN, "grant_outside_area", "roles",
			       "所授角色的管辖范围超出了您的管辖范围");
	return 0;
}

/* Managing another user (their roles, unit, password, lock, account) is as good as
 * being them: their area must lie within who's admin area too. */
static int check_manage(store_conn *c, const actor *who, int64_t id, int64_t *unit_id,
			unsigned *roles, err *e)
{
	if (check_user(c, who, id, unit_id, e) < 0 || load_roles(c, id, roles, e) < 0)
		return -1;
	if (id == who->user_id)
		return 0;
	char area[SCOPE_PATH_MAX];
	if (auth_area(c, *unit_id, *roles, area, sizeof area, e) < 0)
		return -1;
	if (!actor_administers(who, area))
		return err_set(e, ERR_FORBIDDEN, "user_outside_area", NULL,
			       "该用户的管辖范围超出了您的管辖范围，不能修改");
	return 0;
}

/* Whether a change made by who takes a second admin: only people ask (the command line
 * applies), and only where the caller asked for the rule (grant_id). */
static bool deferred(const actor *who, const int64_t *grant_id)
{
	return grant_id && who->user_id != 0;
}

int user_create(store_conn *c, const actor *who, const user_input *in, int64_t *id, err *e)
{
	if (check_unit(c, who, in->unit_id, e) < 0 ||
	    check_grant(c, who, in->unit_id, in->roles, e) < 0)
		return -1;
	/* Sensitive roles wait for a second admin; the user starts with the others. */
	bool ask =
		deferred(who, in->grant_id) && grant_needs_approval(0, 0, in->unit_id, in->roles);
	unsigned roles = ask ? in->roles & ~GRANT_SENSITIVE_ROLES : in->roles;
	if (in->grant_id)
		*in->grant_id = 0;
	int64_t now = clock_now_ms();
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO users (username, display_name, phone, unit_id,"
				 " password_hash, created_at, updated_at, password_changed_at)"
				 " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				 "sssisiii", in->username, in->display_name, in->phone, in->unit_id,
				 in->password_hash, now, now, now);
	if (rc <= 0) {
		if (e && strcmp(e->code, "duplicate") == 0)
			err_set(e, ERR_CONFLICT, "duplicate", "username", "用户名 %s 已被使用",
				in->username);
		return -1;
	}
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0 || write_roles(c, *id, roles, e) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s, s:I, s:o}", "username", in->username, "display_name",
			      in->display_name, "unit_id", (json_int_t)in->unit_id, "roles",
			      roles_json(roles));
	rc = audit_append(c, who, "user_create", "user", *id, d, e);
	json_decref(d);
	if (rc < 0 || !ask)
		return rc;
	return grant_request(c, who, *id, in->unit_id, in->roles, in->unit_id, roles, in->grant_id,
			     e);
}

/* Nobody changes their own roles or unit: an admin could otherwise widen their own
 * area. Sending them unchanged is no change. */
static int check_own(const actor *who, int64_t id, const user_patch *p, int64_t unit_id,
		     unsigned roles, err *e)
{
	if (id != who->user_id)
		return 0;
	if (p->set_roles && p->roles != roles)
		return err_set(e, ERR_FORBIDDEN, "own_account", "roles", "不能修改自己的角色");
	if (p->unit_id && p->unit_id != unit_id)
		return err_set(e, ERR_FORBIDDEN, "own_account", "unit_id",
			       "不能修改自己所在的单位");
	return 0;
}

int user_update(store_conn *c, const actor *who, int64_t id, const user_patch *p, err *e)
{
	int64_t unit_id;
	unsigned roles;
	if (check_manage(c, who, id, &unit_id, &roles, e) < 0 ||
	    check_own(who, id, p, unit_id, roles, e) < 0 ||
	    (p->unit_id && check_unit(c, who, p->unit_id, e) < 0))
		return -1;
	/* The grant as it will stand: the new unit with the old roles, and so on. */
	int64_t new_unit = p->unit_id ? p->unit_id : unit_id;
	unsigned new_roles = p->set_roles ? p->roles : roles;
	if ((p->unit_id || p->set_roles) && check_grant(c, who, new_unit, new_roles, e) < 0)
		return -1;
	/* A change of unit and roles that takes a second admin waits, as a whole. */
	bool ask = deferred(who, p->grant_id) &&
		   grant_needs_approval(unit_id, roles, new_unit, new_roles);
	if (p->grant_id)
		*p->grant_id = 0;
	if (ask &&
	    grant_request(c, who, id, new_unit, new_roles, unit_id, roles, p->grant_id, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	json_t *d = json_object();
	int rc = -1;
	if (p->display_name) {
		if (store_exec(c, e,
			       "UPDATE users SET display_name = ?, updated_at = ? WHERE id = ?",
			       "sii", p->display_name, now, id) < 0)
			goto out;
		json_object_set_new(d, "display_name", json_string(p->display_name));
	}
	if (p->unit_id && !ask) {
		if (store_exec(c, e, "UPDATE users SET unit_id = ?, updated_at = ? WHERE id = ?",
			       "iii", p->unit_id, now, id) < 0)
			goto out;
		json_object_set_new(d, "unit_id", json_integer(p->unit_id));
	}
	if (p->set_roles && !ask) {
		if (write_roles(c, id, p->roles, e) < 0)
			goto out;
		json_object_set_new(d, "roles", roles_json(p->roles));
	}
	if (p->set_phone) {
		if (store_exec(c, e, "UPDATE users SET phone = ?, updated_at = ? WHERE id = ?",
			       "sii", p->phone, now, id) < 0)
			goto out;
		json_object_set_new(d, "phone", json_string("(changed)"));
	}
	if (p->disabled >= 0) {
		if (id == who->user_id && p->disabled) {
			err_set(e, ERR_INVALID, "own_account", "disabled", "不能停用自己的账号");
			goto out;
		}
		if (store_exec(c, e, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?",
			       "bii", p->disabled, now, id) < 0)
			goto out;
		if (p->disabled && auth_end_sessions(c, id, NULL, e) < 0)
			goto out;
		json_object_set_new(d, "disabled", json_boolean(p->disabled));
	}
	rc = json_object_size(d) ? audit_append(c, who, "user_update", "user", id, d, e) : 0;
out:
	json_decref(d);
	return rc;
}

int user_set_password(store_conn *c, const actor *who, int64_t id, const char *hash,
		      const char *keep_token, err *e)
{
	int64_t unit_id;
	unsigned roles;
	if (check_manage(c, who, id, &unit_id, &roles, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	if (store_exec(c, e,
		       "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0,"
		       " updated_at = ?, password_changed_at = ? WHERE id = ?",
		       "siii", hash, now, now, id) < 0)
		return -1;
	if (auth_end_sessions(c, id, keep_token, e) < 0)
		return -1;
	return audit_append(c, who, "user_password", "user", id, NULL, e);
}

int user_placement(store_conn *c, int64_t id, int64_t *unit_id, unsigned *roles, err *e)
{
	if (store_query_int(c, unit_id, 0, e, "SELECT unit_id FROM users WHERE id = ?", "i", id) <
	    0)
		return -1;
	if (!*unit_id)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "用户不存在");
	return load_roles(c, id, roles, e);
}

int user_check_placement(store_conn *c, const actor *who, int64_t id, int64_t unit_id,
			 unsigned roles, err *e)
{
	int64_t now_unit;
	unsigned now_roles;
	if (check_manage(c, who, id, &now_unit, &now_roles, e) < 0 ||
	    check_unit(c, who, unit_id, e) < 0)
		return -1;
	return check_grant(c, who, unit_id, roles, e);
}

int user_place(store_conn *c, int64_t id, int64_t unit_id, unsigned roles, err *e)
{
	if (store_exec(c, e, "UPDATE users SET unit_id = ?, updated_at = ? WHERE id = ?", "iii",
		       unit_id, clock_now_ms(), id) < 0)
		return -1;
	return write_roles(c, id, roles, e);
}

int user_name_of(store_conn *c, int64_t id, char *out, size_t n, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT username FROM users WHERE id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "用户不存在") : -1;
	snprintf(out, n, "%s", store_col_text(st, 0));
	store_done(st);
	return 0;
}

json_t *user_roles_json(unsigned roles)
{
	return roles_json(roles);
}

int user_unlock(store_conn *c, const actor *who, int64_t id, err *e)
{
	int64_t unit_id;
	unsigned roles;
	if (check_manage(c, who, id, &unit_id, &roles, e) < 0)
		return -1;
	if (store_exec(c, e,
		       "UPDATE users SET failed_logins = 0, locked_until = 0, updated_at = ?"
		       " WHERE id = ?",
		       "ii", clock_now_ms(), id) < 0)
		return -1;
	return audit_append(c, who, "user_unlock", "user", id, NULL, e);
}

static json_t *row_json(store_stmt *st, bool mask)
{
	char at[40], last[40], phone[64];
	int64_t now = clock_now_ms();
	clock_format_iso(store_col_int(st, 10), at, sizeof at);
	json_t *o = json_pack("{s:I, s:s, s:s, s:{s:I, s:s, s:s}, s:b, s:b, s:i, s:s}", "id",
			      (json_int_t)store_col_int(st, 0), "username", store_col_text(st, 1),
			      "display_name", store_col_text(st, 2), "unit", "id",
			      (json_int_t)store_col_int(st, 4), "name", store_col_text(st, 5),
			      "kind", store_col_text(st, 6), "disabled", store_col_int(st, 7) != 0,
			      "locked", store_col_int(st, 8) > now, "failed_logins",
			      (int)store_col_int(st, 9), "created_at", at);
	if (store_col_null(st, 3)) {
		json_object_set_new(o, "phone", json_null());
	} else {
		if (mask)
			privacy_mask_phone(store_col_text(st, 3), phone, sizeof phone);
		else
			snprintf(phone, sizeof phone, "%s", store_col_text(st, 3));
		json_object_set_new(o, "phone", json_string(phone));
	}
	if (store_col_null(st, 11)) {
		json_object_set_new(o, "last_login_at", json_null());
	} else {
		clock_format_iso(store_col_int(st, 11), last, sizeof last);
		json_object_set_new(o, "last_login_at", json_string(last));
	}
	return o;
}

#define USER_SELECT                                                                                \
	"SELECT u.id, u.username, u.display_name, u.phone, u.unit_id, un.name, un.kind,"           \
	" u.disabled, u.locked_until, u.failed_logins, u.created_at, u.last_login_at"              \
	" FROM users u JOIN units un ON un.id = u.unit_id"

int user_get(store_conn *c, const actor *who, int64_t id, bool mask, json_t **out, err *e)
{
	int64_t unit_id;
	if (check_user(c, who, id, &unit_id, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, USER_SELECT " WHERE u.id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "用户不存在") : -1;
	json_t *o = row_json(st, mask);
	store_done(st);
	unsigned roles;
	if (load_roles(c, id, &roles, e) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "roles", roles_json(roles));
	*out = o;
	return 0;
}

int user_list(store_conn *c, const actor *who, const user_filter *f, bool mask, int64_t page,
	      int64_t per_page, json_t **items, int64_t *total, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	if (!actor_has(who, ROLE_ADMIN) || !who->admin_path[0]) {
		*items = json_array();
		*total = 0;
		return 0;
	}
	snprintf(lo, sizeof lo, "%s", who->admin_path);
	if (f->unit_id) {
		/* Narrow the area to a unit's subtree, itself within who's area. */
		char p[SCOPE_PATH_MAX];
		if (unit_path(c, f->unit_id, p, sizeof p, e) < 0 || !actor_administers(who, p)) {
			*items = json_array();
			*total = 0;
			return 0;
		}
		snprintf(lo, sizeof lo, "%s", p);
	}
	scope_upper(lo, hi, sizeof hi);
	strbuf where = STRBUF_INIT, like = STRBUF_INIT;
	strbuf_adds(&where, " WHERE un.path >= ? AND un.path < ?");
	if (f->role)
		strbuf_adds(&where, " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = "
				    "u.id AND r.role = ?)");
	if (f->q) {
		strbuf_adds(&where, " AND (u.username LIKE ? ESCAPE '\\' OR u.display_name LIKE ?"
				    " ESCAPE '\\')");
		store_like_pattern(&like, f->q);
	}
	char *count_sql =
		xasprintf("SELECT COUNT(*) FROM users u JOIN units un ON un.id = u.unit_id%s",
			  strbuf_str(&where));
	char *list_sql = xasprintf(USER_SELECT "%s ORDER BY u.username LIMIT ? OFFSET ?",
				   strbuf_str(&where));
	int rc = -1;
	json_t *arr = json_array();
	for (int pass = 0; pass < 2; pass++) {
		store_stmt *st = store_prepare(c, pass ? list_sql : count_sql, e);
		if (!st)
			goto out;
		int idx = 1;
		store_bind_text(st, idx++, lo);
		store_bind_text(st, idx++, hi);
		if (f->role)
			store_bind_text(st, idx++, f->role);
		if (f->q) {
			store_bind_text(st, idx++, strbuf_str(&like));
			store_bind_text(st, idx++, strbuf_str(&like));
		}
		if (pass) {
			store_bind_int(st, idx++, per_page);
			store_bind_int(st, idx++, (page - 1) * per_page);
		}
		int src;
		while ((src = store_step(st, e)) == 1) {
			if (!pass)
				*total = store_col_int(st, 0);
			else
				json_array_append_new(arr, row_json(st, mask));
		}
		store_done(st);
		if (src < 0)
			goto out;
	}
	/* Roles for the page, one small indexed query per user. */
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		unsigned roles;
		if (load_roles(c, json_integer_value(json_object_get(o, "id")), &roles, e) < 0)
			goto out;
		json_object_set_new(o, "roles", roles_json(roles));
	}
	*items = arr;
	arr = NULL;
	rc = 0;
out:
	json_decref(arr);
	free(count_sql);
	free(list_sql);
	strbuf_release(&where);
	strbuf_release(&like);
	return rc;
}

static int set_at_tx(store_conn *c, void *p, err *e)
{
	return store_exec(c, e, "UPDATE users SET password_changed_at = ?", "i", *(int64_t *)p) < 0
		       ? -1
		       : 0;
}

int user_passwords_set_at(store *s, int64_t at, err *e)
{
	return store_write(s, set_at_tx, &at, e);
}

int user_find(store_conn *c, const char *username, int64_t *id, err *e)
{
	int64_t v;
	if (store_query_int(c, &v, 0, e, "SELECT id FROM users WHERE username = ?", "s", username) <
	    0)
		return -1;
	if (!v)
		return err_set(e, ERR_NOT_FOUND, "not_found", "username", "没有用户 %s", username);
	*id = v;
	return 0;
}

int user_password_hash(store_conn *c, int64_t id, char *out, size_t n, err *e)
{
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e, "SELECT password_hash FROM users WHERE id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "用户不存在") : -1;
	snprintf(out, n, "%s", store_col_text(st, 0));
	store_done(st);
	return 0;
}
