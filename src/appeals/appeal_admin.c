#include "appeals/appeal_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal.h"
#include "org/audit.h"
#include "core/mem.h"

/* ---- categories ---- */

bool category_code_valid(const char *code)
{
	if (!code || !*code || strlen(code) > CATEGORY_CODE_MAX)
		return false;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			return false;
	return true;
}

int category_find_code(store_conn *c, const char *code, int64_t *id, err *e)
{
	return store_query_int(c, id, 0, e, "SELECT id FROM categories WHERE code = ?", "s", code);
}

#define CATEGORY_COLUMNS "id, parent_id, code, name, finish_days, active"

/* The JSON of a row selected with CATEGORY_COLUMNS. */
static json_t *category_json(store_stmt *st)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)store_col_int(st, 0),
			      "code", store_col_text(st, 2), "name", store_col_text(st, 3),
			      "active", store_col_int(st, 5) != 0);
	json_object_set_new(o, "parent_id",
			    store_col_null(st, 1) ? json_null()
						  : json_integer(store_col_int(st, 1)));
	json_object_set_new(o, "finish_days",
			    store_col_null(st, 4) ? json_null()
						  : json_integer(store_col_int(st, 4)));
	return o;
}

int category_get(store_conn *c, int64_t id, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e, "SELECT " CATEGORY_COLUMNS " FROM categories WHERE id = ?", "i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "分类不存在");
	*out = category_json(st);
	store_done(st);
	return 0;
}

/* 409 when another category (not except_id) already has code. */
static int check_code_free(store_conn *c, const char *code, int64_t except_id, err *e)
{
	int64_t other;
	if (store_query_int(c, &other, 0, e, "SELECT id FROM categories WHERE code = ?", "s",
			    code) < 0)
		return -1;
	if (other && other != except_id)
		return err_set(e, ERR_CONFLICT, "duplicate", "code", "分类代码 %s 已被使用", code);
	return 0;
}

/* A parent must exist, and for an existing category (id != 0) must not be the category
 * itself or lie below it: walking up from the parent must never meet id. */
static int check_parent(store_conn *c, int64_t id, int64_t parent_id, err *e)
{
	int64_t cur = parent_id;
	/* More steps than any real tree has means the stored tree already holds a cycle. */
	for (int steps = 0; cur; steps++) {
		if (cur == id || steps > 10000)
			return err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
				       "不能把分类移到它自己或它的下级之下");
		store_stmt *st;
		int rc = store_query_row(c, &st, e, "SELECT parent_id FROM categories WHERE id = ?",
					 "i", cur);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (cur == parent_id)
				return err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
					       "上级分类不存在");
			break;
		}
		cur = store_col_null(st, 0) ? 0 : store_col_int(st, 0);
		store_done(st);
	}
	return 0;
}

int category_create(store_conn *c, const actor *who, const category_input *in, int64_t *id, err *e)
{
	if (check_code_free(c, in->code, 0, e) < 0 ||
	    (in->parent_id && check_parent(c, 0, in->parent_id, e) < 0))
		return -1;
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO categories (parent_id, code, name, finish_days, active)"
		" VALUES (?, ?, ?, ?, ?) RETURNING id",
		"nssnb", in->parent_id, in->code, in->name, (int64_t)in->finish_days,
		(int)in->active);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "insert", NULL, "插入分类失败") : -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s, s:b}", "code", in->code, "name", in->name, "active",
			      in->active);
	json_object_set_new(d, "parent_id",
			    in->parent_id ? json_integer(in->parent_id) : json_null());
	json_object_set_new(d, "finish_days",
			    in->finish_days ? json_integer(in->finish_days) : json_null());
	rc = audit_append(c, who, "category_create", "category", *id, d, e);
	json_decref(d);
	return rc;
}

/* [old, new] for an audit detail, where 0 means none. */
static json_t *change_ids(int64_t from, int64_t to)
{
	return json_pack("[o,o]", from ? json_integer(from) : json_null(),
			 to ? json_integer(to) : json_null());
}

int category_update(store_conn *c, const actor *who, int64_t id, const category_patch *p, err *e)
{
	json_t *old;
	if (category_get(c, id, &old, e) < 0)
		return -1;
	const char *code = json_string_value(json_object_get(old, "code"));
	const char *name = json_string_value(json_object_get(old, "name"));
	int64_t parent = json_integer_value(json_object_get(old, "parent_id"));
	int64_t days = json_integer_value(json_object_get(old, "finish_days"));
	bool active = json_is_true(json_object_get(old, "active"));
	json_t *d = json_object();
	int rc = -1;
	if (p->code && strcmp(p->code, code) != 0) {
		if (check_code_free(c, p->code, id, e) < 0 ||
		    store_exec(c, e, "UPDATE categories SET code = ? WHERE id = ?", "si", p->code,
			       id) < 0)
			goto out;
		json_object_set_new(d, "code", json_pack("[s,s]", code, p->code));
	}
	if (p->name && strcmp(p->name, name) != 0) {
		if (store_exec(c, e, "UPDATE categories SET name = ? WHERE id = ?", "si", p->name,
			       id) < 0)
			goto out;
		json_object_set_new(d, "name", json_pack("[s,s]", name, p->name));
	}
	if (p->set_parent && p->parent_id != parent) {
		if ((p->parent_id && check_parent(c, id, p->parent_id, e) < 0) ||
		    store_exec(c, e, "UPDATE categories SET parent_id = ? WHERE id = ?", "ni",
			       p->parent_id, id) < 0)
			goto out;
		json_object_set_new(d, "parent_id", change_ids(parent, p->parent_id));
	}
	if (p->set_finish_days && p->finish_days != days) {
		if (store_exec(c, e, "UPDATE categories SET finish_days = ? WHERE id = ?", "ni",
			       (int64_t)p->finish_days, id) < 0)
			goto out;
		json_object_set_new(d, "finish_days", change_ids(days, p->finish_days));
	}
	if (p->active >= 0 && (p->active != 0) != active) {
		if (store_exec(c, e, "UPDATE categories SET active = ? WHERE id = ?", "bi",
			       p->active, id) < 0)
			goto out;
		json_object_set_new(d, "active", json_boolean(p->active));
	}
	rc = json_object_size(d) ? audit_append(c, who, "category_update", "category", id, d, e)
				 : 0;
out:
	json_decref(d);
	json_decref(old);
	return rc;
}

/* Appends node i and then, depth first, its descendants. */
static void emit_subtree(json_t *arr, json_t *const *rows, const int64_t *ids,
			 const int64_t *parents, bool *done, size_t n, size_t i)
{
	done[i] = true;
	json_array_append(arr, rows[i]);
	for (size_t j = 0; j < n; j++)
		if (!done[j] && parents[j] == ids[i])
			emit_subtree(arr, rows, ids, parents, done, n, j);
}

int category_list(store_conn *c, json_t **items, err *e)
{
	store_stmt *st = store_prepare(
		c, "SELECT " CATEGORY_COLUMNS " FROM categories ORDER BY sort, id", e);
	if (!st)
		return -1;
	size_t n = 0, cap = 0;
	json_t **rows = NULL;
	int64_t *ids = NULL, *parents = NULL;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, cap * sizeof *rows);
			ids = xrealloc(ids, cap * sizeof *ids);
			parents = xrealloc(parents, cap * sizeof *parents);
		}
		rows[n] = category_json(st);
		ids[n] = store_col_int(st, 0);
		parents[n] = store_col_null(st, 1) ? 0 : store_col_int(st, 1);
		n++;
	}
	store_done(st);
	json_t *arr = NULL;
	if (rc == 0) {
		arr = json_array();
		bool *done = xcalloc(n ? n : 1, sizeof *done);
		for (size_t i = 0; i < n; i++) {
			bool orphan = true; /* top level, or a parent that is gone */
			for (size_t j = 0; j < n && parents[i]; j++)
				if (ids[j] == parents[i])
					orphan = false;
			if (!done[i] && orphan)
				emit_subtree(arr, rows, ids, parents, done, n, i);
		}
		/* Whatever is left sits on a cycle, which only a hand-edited database has;
		 * list it rather than hide it. */
		for (size_t i = 0; i < n; i++)
			if (!done[i])
				json_array_append(arr, rows[i]);
		free(done);
		*items = arr;
	}
	for (size_t i = 0; i < n; i++)
		json_decref(rows[i]);
	free(rows);
	free(ids);
	free(parents);
	return rc < 0 ? -1 : 0;
}

/* ---- routing rules ---- */

/* A unit that a rule may name: existing, enabled and within who's area; a region also
 * must not be a department. */
static int check_rule_unit(store_conn *c, const actor *who, int64_t id, bool region, err *e)
{
	const char *field = region ? "region_id" : "unit_id";
	const char *code = region ? "invalid_region" : "invalid_unit";
	const char *what = region ? "区域" : "处理单位";
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT kind, path, disabled FROM units WHERE id = ?",
				 "i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_INVALID, code, field, "%s不存在或不在您的管辖范围内", what);
	bool within = scope_contains(who->unit_path, store_col_text(st, 1));
	bool department = strcmp(store_col_text(st, 0), "department") == 0;
	bool disabled = store_col_int(st, 2) != 0;
	store_done(st);
	if (!within)
		return err_set(e, ERR_INVALID, code, field, "%s不存在或不在您的管辖范围内", what);
	if (region && department)
		return err_set(
			e, ERR_INVALID, code, field,
			"区域必须是行政区划（市、县区、乡镇街道、社区、村或网格），不能是部门");
	if (disabled)
		return err_set(e, ERR_INVALID, code, field, "%s已停用", what);
	return 0;
}

int routing_rule_put(store_conn *c, const actor *who, int64_t category_id, int64_t region_id,
		     int64_t unit_id, int64_t *id, bool *created, err *e)
{
	int64_t found;
	if (store_query_int(c, &found, 0, e, "SELECT id FROM categories WHERE id = ?", "i",
			    category_id) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_INVALID, "invalid_category", "category_id", "分类不存在");
	if (check_rule_unit(c, who, region_id, true, e) < 0 ||
	    check_rule_unit(c, who, unit_id, false, e) < 0)
		return -1;
	int64_t old_unit;
	if (store_query_int(
		    c, &old_unit, 0, e,
		    "SELECT unit_id FROM routing_rules WHERE category_id = ? AND region_id = ?",
		    "ii", category_id, region_id) < 0)
		return -1;
	*created = old_unit == 0;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO routing_rules (category_id, region_id, unit_id)"
				 " VALUES (?, ?, ?) ON CONFLICT (category_id, region_id)"
				 " DO UPDATE SET unit_id = excluded.unit_id RETURNING id",
				 "iii", category_id, region_id, unit_id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "insert", NULL, "保存分派规则失败") : -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	if (old_unit == unit_id)
		return 0; /* nothing changed */
	json_t *d =
		json_pack("{s:I, s:I, s:o}", "category_id", (json_int_t)category_id, "region_id",
			  (json_int_t)region_id, "unit_id", change_ids(old_unit, unit_id));
	rc = audit_append(c, who, "routing_rule_put", "routing_rule", *id, d, e);
	json_decref(d);
	return rc;
}

#define RULE_SELECT                                                                                \
	"SELECT rr.id, k.id, k.code, k.name, g.id, g.name, g.kind, h.id, h.name, h.kind, g.path"   \
	" FROM routing_rules rr JOIN categories k ON k.id = rr.category_id"                        \
	" JOIN units g ON g.id = rr.region_id JOIN units h ON h.id = rr.unit_id"

static json_t *rule_json(store_stmt *st)
{
	return json_pack("{s:I, s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s}}", "id",
			 (json_int_t)store_col_int(st, 0), "category", "id",
			 (json_int_t)store_col_int(st, 1), "code", store_col_text(st, 2), "name",
			 store_col_text(st, 3), "region", "id", (json_int_t)store_col_int(st, 4),
			 "name", store_col_text(st, 5), "kind", store_col_text(st, 6), "unit", "id",
			 (json_int_t)store_col_int(st, 7), "name", store_col_text(st, 8), "kind",
			 store_col_text(st, 9));
}

int routing_rule_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, RULE_SELECT " WHERE rr.id = ?", "i", id);
	if (rc < 0)
		return -1;
	if (rc == 1 && !scope_contains(who->unit_path, store_col_text(st, 10))) {
		store_done(st);
		rc = 0;
	}
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "分派规则不存在");
	*out = rule_json(st);
	store_done(st);
	return 0;
}

int routing_rule_delete(store_conn *c, const actor *who, int64_t id, err *e)
{
	json_t *rule;
	if (routing_rule_get(c, who, id, &rule, e) < 0)
		return -1;
	int rc = -1;
	if (store_exec(c, e, "DELETE FROM routing_rules WHERE id = ?", "i", id) >= 0) {
		json_t *d = json_pack(
			"{s:O, s:O, s:O}", "category_id",
			json_object_get(json_object_get(rule, "category"), "id"), "region_id",
			json_object_get(json_object_get(rule, "region"), "id"), "unit_id",
			json_object_get(json_object_get(rule, "unit"), "id"));
		rc = audit_append(c, who, "routing_rule_delete", "routing_rule", id, d, e);
		json_decref(d);
	}
	json_decref(rule);
	return rc;
}

int routing_rule_list(store_conn *c, const actor *who, int64_t category_id, int64_t region_id,
		      int64_t page, int64_t per_page, json_t **items, int64_t *total, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
#define RULE_WHERE                                                                                 \
	" WHERE g.path >= ? AND g.path < ? AND (CAST(? AS BIGINT) = 0 OR rr.category_id = ?)"      \
	" AND (CAST(? AS BIGINT) = 0 OR rr.region_id = ?)"
	if (store_query_int(c, total, 0, e,
			    "SELECT COUNT(*) FROM routing_rules rr"
			    " JOIN units g ON g.id = rr.region_id" RULE_WHERE,
			    "ssiiii", who->unit_path, hi, category_id, category_id, region_id,
			    region_id) < 0)
		return -1;
	store_stmt *st = store_prepare(
		c, RULE_SELECT RULE_WHERE " ORDER BY k.code, g.path LIMIT ? OFFSET ?", e);
#undef RULE_WHERE
	if (!st)
		return -1;
	store_bindf(st, "ssiiiiii", who->unit_path, hi, category_id, category_id, region_id,
		    region_id, per_page, (page - 1) * per_page);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, rule_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

/* ---- deadline policies ---- */

bool deadline_policy_type_valid(const char *type)
{
	return type && (strcmp(type, "*") == 0 || appeal_type_valid(type));
}

#define POLICY_COLUMNS "type, urgent, sign_minutes, sign_working, finish_minutes, finish_working"

static json_t *policy_json(store_stmt *st)
{
	return json_pack(
		"{s:s, s:b, s:I, s:b, s:I, s:b}", "type", store_col_text(st, 0), "urgent",
		store_col_int(st, 1) != 0, "sign_minutes", (json_int_t)store_col_int(st, 2),
		"sign_working", store_col_int(st, 3) != 0, "finish_minutes",
		(json_int_t)store_col_int(st, 4), "finish_working", store_col_int(st, 5) != 0);
}

int deadline_policy_get(store_conn *c, const char *type, bool urgent, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT " POLICY_COLUMNS
		" FROM deadline_policies WHERE kind = 'appeal' AND type = ? AND urgent = ?",
		"sb", type, (int)urgent);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "没有该类型的时限规则");
	*out = policy_json(st);
	store_done(st);
	return 0;
}

int deadline_policy_put(store_conn *c, const actor *who, const deadline_policy *p, err *e)
{
	json_t *old = NULL;
	if (deadline_policy_get(c, p->type, p->urgent, &old, e) < 0) {
		if (e->kind != ERR_NOT_FOUND)
			return -1;
		err_clear(e);
	}
	if (store_exec(
		    c, e,
		    "INSERT INTO deadline_policies (kind, " POLICY_COLUMNS ")"
		    " VALUES ('appeal', ?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT (kind, type, urgent) DO UPDATE SET"
		    " sign_minutes = excluded.sign_minutes, sign_working = excluded.sign_working,"
		    " finish_minutes = excluded.finish_minutes,"
		    " finish_working = excluded.finish_working",
		    "sbibib", p->type, (int)p->urgent, p->sign_minutes, (int)p->sign_working,
		    p->finish_minutes, (int)p->finish_working) < 0) {
		json_decref(old);
		return -1;
	}
	json_t *d = json_pack("{s:s, s:b, s:I, s:b, s:I, s:b}", "type", p->type, "urgent",
			      p->urgent, "sign_minutes", (json_int_t)p->sign_minutes,
			      "sign_working", p->sign_working, "finish_minutes",
			      (json_int_t)p->finish_minutes, "finish_working", p->finish_working);
	json_object_set_new(d, "previous", old ? old : json_null());
	int rc = audit_append(c, who, "deadline_policy_put", "deadline_policy", 0, d, e);
	json_decref(d);
	return rc;
}

int deadline_policy_list(store_conn *c, json_t **items, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT " POLICY_COLUMNS " FROM deadline_policies WHERE kind = 'appeal'"
		" ORDER BY CASE WHEN type = '*' THEN 0 ELSE 1 END, type, urgent",
		e);
	if (!st)
		return -1;
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, policy_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

/* ---- the calendar's overrides ---- */

int calendar_days_year(store_conn *c, int year, json_t **out, err *e)
{
	int64_t start, end;
	if (store_query_int(
		    c, &start, CALENDAR_WORK_START, e,
		    "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'office_start'",
		    NULL) < 0 ||
	    store_query_int(c, &end, CALENDAR_WORK_END, e,
			    "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'office_end'",
			    NULL) < 0)
		return -1;
	char lo[16], hi[16];
	snprintf(lo, sizeof lo, "%04d-01-01", year);
	snprintf(hi, sizeof hi, "%04d-12-31", year);
	store_stmt *st = store_prepare(c,
				       "SELECT day, workday, name FROM calendar_days"
				       " WHERE day >= ? AND day <= ? ORDER BY day",
				       e);
	if (!st)
		return -1;
	store_bindf(st, "ss", lo, hi);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		const char *name = store_col_text(st, 2);
		json_array_append_new(arr,
				      json_pack("{s:s, s:b, s:o}", "date", store_col_text(st, 0),
						"workday", store_col_int(st, 1) != 0, "name",
						*name ? json_string(name) : json_null()));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:i, s:I, s:I, s:o}", "year", year, "office_start", (json_int_t)start,
			 "office_end", (json_int_t)end, "items", arr);
	return 0;
}

/* Writes one override; the previous one (or null) into *old for the audit. */
static int put_day(store_conn *c, const char *date, bool workday, const char *name, json_t **old,
		   err *e)
{
	if (old) {
		store_stmt *st;
		int rc = store_query_row(c, &st, e,
					 "SELECT workday, name FROM calendar_days WHERE day = ?",
					 "s", date);
		if (rc < 0)
			return -1;
		*old = json_null();
		if (rc == 1) {
			*old = json_pack("{s:b, s:s}", "workday", store_col_int(st, 0) != 0, "name",
					 store_col_text(st, 1));
			store_done(st);
		}
	}
	return store_exec(c, e,
			  "INSERT INTO calendar_days (day, workday, name) VALUES (?, ?, ?)"
			  " ON CONFLICT (day) DO UPDATE SET workday = excluded.workday,"
			  " name = excluded.name",
			  "sbs", date, (int)workday, name && *name ? name : NULL) < 0
		       ? -1
		       : 0;
}

int calendar_days_put(store_conn *c, const actor *who, const char *date, bool workday,
		      const char *name, err *e)
{
	/* The calendar's own rules decide what a date and a name may be. */
	calendar *scratch = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	int rc = calendar_set_day(scratch, date, workday, name, e);
	calendar_free(scratch);
	if (rc < 0)
		return -1;
	json_t *old;
	if (put_day(c, date, workday, name, &old, e) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:b, s:s, s:o}", "date", date, "workday", workday, "name",
			      name ? name : "", "previous", old);
	rc = audit_append(c, who, "calendar_day_put", "calendar_day", 0, d, e);
	json_decref(d);
	return rc;
}

int calendar_days_delete(store_conn *c, const actor *who, const char *date, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT workday, name FROM calendar_days WHERE day = ?",
				 "s", date);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "该日期没有节假日或调休设置");
	json_t *d = json_pack("{s:s, s:{s:b, s:s}}", "date", date, "previous", "workday",
			      store_col_int(st, 0) != 0, "name", store_col_text(st, 1));
	store_done(st);
	rc = store_exec(c, e, "DELETE FROM calendar_days WHERE day = ?", "s", date) < 0
		     ? -1
		     : audit_append(c, who, "calendar_day_delete", "calendar_day", 0, d, e);
	json_decref(d);
	return rc;
}

int calendar_days_import(store_conn *c, const actor *who, const char *csv, int *count, err *e)
{
	/* Parsed whole into a scratch calendar before anything is written. */
	calendar *parsed = calendar_new(CALENDAR_WORK_START, CALENDAR_WORK_END);
	int n = calendar_import_csv(parsed, csv, e);
	int rc = -1;
	if (n == 0)
		err_set(e, ERR_INVALID, "invalid_csv", "csv",
			"CSV 中没有可导入的行（每行“日期,类型,名称”）");
	if (n <= 0)
		goto out;
	char first[11] = "", last[11] = "";
	for (int i = 0; i < n; i++) {
		char ymd[11];
		bool workday;
		const char *name;
		calendar_override_at(parsed, (size_t)i, ymd, &workday, &name);
		if (put_day(c, ymd, workday, name, NULL, e) < 0)
			goto out;
		if (i == 0)
			memcpy(first, ymd, sizeof first);
		memcpy(last, ymd, sizeof last);
	}
	json_t *d = json_pack("{s:i, s:s, s:s}", "count", n, "first", first, "last", last);
	rc = audit_append(c, who, "calendar_import", "calendar_day", 0, d, e);
	json_decref(d);
	*count = n;
out:
	calendar_free(parsed);
	return rc;
}

/* ---- the search index ---- */

int appeal_search_reindex(store_conn *c, store *s, int64_t *after, int batch, int64_t *n, err *e)
{
	*n = 0;
	store_stmt *st = store_prepare(
		c,
		store_kind(s) == STORE_SQLITE
			? "SELECT c.id, c.number, c.title, c.content, a.address FROM cases c"
			  " LEFT JOIN appeals a ON a.case_id = c.id WHERE c.id > ? AND c.kind = "
			  "'appeal'"
			  " AND NOT EXISTS (SELECT 1 FROM fts_case f WHERE f.rowid = c.id)"
			  " ORDER BY c.id LIMIT ?"
			: "SELECT c.id, c.number, c.title, c.content, a.address FROM cases c"
			  " LEFT JOIN appeals a ON a.case_id = c.id WHERE c.id > ? AND c.kind = "
			  "'appeal'"
			  " AND NOT EXISTS (SELECT 1 FROM fts_case f WHERE f.id = c.id)"
			  " ORDER BY c.id LIMIT ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ii", *after, (int64_t)batch);
	/* Read the batch first: the index is written after the reading statement ends. */
	int64_t *ids = xcalloc((size_t)batch, sizeof *ids);
	char **texts = xcalloc((size_t)batch, sizeof *texts);
	int k = 0, rc = 0;
	while (k < batch && (rc = store_step(st, e)) == 1) {
		strbuf text = STRBUF_INIT;
		case_search_text(&text, store_col_text(st, 1), store_col_text(st, 2),
				 store_col_text(st, 3), store_col_text(st, 4));
		ids[k] = store_col_int(st, 0);
		texts[k++] = strbuf_detach(&text, NULL);
	}
	store_done(st);
	if (k < batch && rc < 0)
		k = -1;
	for (int i = 0; k > 0 && i < k; i++)
		if (store_fts_put(c, "case", ids[i], texts[i], e) < 0)
			k = -1;
	if (k > 0) {
		*after = ids[k - 1];
		*n = k;
	}
	for (int i = 0; i < batch; i++)
		free(texts[i]);
	free(texts);
	free(ids);
	return k < 0 ? -1 : 0;
}
