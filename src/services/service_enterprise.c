/* 营商环境 (引导代办): an enterprise's approvals (立项, 用地, 规划, 施工许可, ...) handled
 * for it step by step, each with the unit that decides it and its dates. A record belongs
 * to the unit that registered it and to its county; project_id names the investment
 * register's project when there is one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "org/audit.h"
#include "services/service.h"
#include "services/service_internal.h"

static const char *const step_statuses[] = {"pending", "in_progress", "done", NULL};

/* The county above (or at) the unit at path, 0 when none. */
static int county_of(store_conn *c, const char *path, int64_t *county, err *e)
{
	*county = 0;
	char hi[SCOPE_PATH_MAX + 8];
	(void)hi;
	return store_query_int(c, county, 0, e,
			       "SELECT id FROM units WHERE kind = 'county' AND ? LIKE path || '%'"
			       " ORDER BY LENGTH(path) DESC LIMIT 1",
			       "s", path);
}

static int parse_step(json_t *o, size_t i, const char **name, const char **unit, int64_t *due,
		      err *e)
{
	if (!json_is_object(o))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "steps",
			       "steps 的每一项须为对象");
	if (jv_str(o, "name", JV_REQUIRED, 50, name, NULL, e) < 0 ||
	    jv_str(o, "unit", 0, 100, unit, NULL, e) < 0) {
		char f[32];
		snprintf(f, sizeof f, "%.20s", e->field);
		snprintf(e->field, sizeof e->field, "steps[%zu].%s", i, f);
		return -1;
	}
	const char *d = NULL;
	if (jv_str(o, "due_at", 0, 40, &d, NULL, e) < 0)
		return -1;
	*due = 0;
	if (d && clock_parse_iso(d, due) < 0)
		return err_set(e, ERR_INVALID, "invalid_value", "due_at", "时限须为 ISO 8601 日期");
	return 0;
}

int svc_enterprise_create(store_conn *c, const actor *who, json_t *b, int64_t *id, err *e)
{
	const char *name, *contact;
	int64_t project = 0;
	if (jv_str(b, "enterprise", JV_REQUIRED, SVC_NAME_MAX, &name, NULL, e) < 0 ||
	    jv_str(b, "contact", 0, 100, &contact, NULL, e) < 0 ||
	    jv_int(b, "project_id", 0, 1, INT64_MAX, &project, NULL, e) < 0)
		return -1;
	json_t *steps = json_object_get(b, "steps");
	if (!steps || json_is_null(steps))
		return err_set(e, ERR_INVALID, "missing_field", "steps", "请列出审批事项");
	if (!json_is_array(steps))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "steps", "steps 须为数组");
	size_t n = json_array_size(steps);
	if (n < 1 || n > SVC_STEPS_MAX)
		return err_set(e, ERR_INVALID, "out_of_range", "steps", "审批事项为 1 到 %d 项",
			       SVC_STEPS_MAX);
	for (size_t i = 0; i < n; i++) {
		const char *sn, *su;
		int64_t due;
		if (parse_step(json_array_get(steps, i), i, &sn, &su, &due, e) < 0)
			return -1;
	}
	int64_t county;
	if (county_of(c, who->unit_path, &county, e) < 0)
		return -1;
	if (!county)
		return err_set(e, ERR_FORBIDDEN, "no_county", NULL,
			       "只有县（区）及以下单位可以登记企业代办");
	int64_t now = clock_now_ms();
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO svc_enterprise (enterprise, project_id, unit_id, county_id,"
		" contact, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"sniisnii", name, project, who->unit_id, county, contact, who->user_id, now, now);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "insert", NULL, "无法保存") : -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *sn, *su;
		int64_t due;
		parse_step(json_array_get(steps, i), i, &sn, &su, &due, e);
		if (store_exec(
			    c, e,
			    "INSERT INTO svc_enterprise_steps (enterprise_id, seq, name, unit_name,"
			    " due_at) VALUES (?, ?, ?, ?, ?)",
			    "iissn", *id, (int64_t)i + 1, sn, su, due) < 0)
			return -1;
	}
	json_t *d = json_pack("{s:s, s:I}", "enterprise", name, "steps", (json_int_t)n);
	rc = audit_append(c, who, "service_enterprise_create", "service_enterprise", *id, d, e);
	json_decref(d);
	return rc;
}

/* Loads the record's county and unit paths; 404 unless who's area holds its unit or who
 * works at its county level. */
static int visible(store_conn *c, const actor *who, int64_t id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT u.path, cu.path FROM svc_enterprise x JOIN units u"
				 " ON u.id = x.unit_id JOIN units cu ON cu.id = x.county_id"
				 " WHERE x.id = ?",
				 "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "企业代办记录不存在")
			       : -1;
	bool ok = scope_contains(who->unit_path, store_col_text(st, 0)) ||
		  scope_contains(who->unit_path, store_col_text(st, 1));
	store_done(st);
	return ok ? 0 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "企业代办记录不存在");
}

static int set_time_field(json_t *b, const char *key, int64_t *out, bool *given, err *e)
{
	const char *s = NULL;
	bool present = false;
	*given = false;
	if (jv_str(b, key, JV_NULLABLE, 40, &s, &present, e) < 0)
		return -1;
	if (!present && !s)
		return 0;
	*given = true;
	*out = 0;
	if (s && clock_parse_iso(s, out) < 0)
		return err_set(e, ERR_INVALID, "invalid_value", key, "%s 须为 ISO 8601 日期或时间",
			       key);
	return 0;
}

int svc_enterprise_step_update(store_conn *c, const actor *who, int64_t id, int64_t step_id,
			       json_t *b, err *e)
{
	if (visible(c, who, id, e) < 0)
		return -1;
	const char *status = NULL, *unit = NULL, *note = NULL;
	if (jv_str(b, "status", 0, 16, &status, NULL, e) < 0 ||
	    jv_str(b, "unit", 0, 100, &unit, NULL, e) < 0 ||
	    jv_str(b, "note", JV_MULTILINE, SVC_TEXT_MAX, &note, NULL, e) < 0)
		return -1;
	if (status && !svc_in(status, step_statuses))
		return err_set(e, ERR_INVALID, "invalid_value", "status",
			       "状态须为 pending、in_progress 或 done");
	int64_t started = 0, due = 0, done = 0;
	bool gs, gd, gdone;
	if (set_time_field(b, "started_at", &started, &gs, e) < 0 ||
	    set_time_field(b, "due_at", &due, &gd, e) < 0 ||
	    set_time_field(b, "done_at", &done, &gdone, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	if (status && !strcmp(status, "in_progress") && !gs) {
		started = now;
		gs = true;
	}
	if (status && !strcmp(status, "done") && !gdone) {
		done = now;
		gdone = true;
	}
	if (gs && gdone && started && done && done < started)
		return err_set(e, ERR_INVALID, "out_of_range", "done_at",
			       "办结日期不能早于开始日期");
	int64_t n = store_exec(c, e,
			       "UPDATE svc_enterprise_steps SET status = COALESCE(?, status),"
			       " unit_name = COALESCE(?, unit_name), note = COALESCE(?, note),"
			       " started_at = CASE WHEN ? = 1 THEN ? ELSE started_at END,"
			       " due_at = CASE WHEN ? = 1 THEN ? ELSE due_at END,"
			       " done_at = CASE WHEN ? = 1 THEN ? ELSE done_at END"
			       " WHERE id = ? AND enterprise_id = ?",
			       "sssbnbnbnii", status, unit, note, gs, started, gd, due, gdone, done,
			       step_id, id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "审批事项不存在");
	if (store_exec(c, e, "UPDATE svc_enterprise SET updated_at = ? WHERE id = ?", "ii", now,
		       id) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s?}", "step_id", (json_int_t)step_id, "status", status);
	int rc = audit_append(c, who, "service_enterprise_step", "service_enterprise", id, d, e);
	json_decref(d);
	return rc;
}

static void put_time(json_t *o, const char *key, store_stmt *st, int col)
{
	if (store_col_null(st, col)) {
		json_object_set_new(o, key, json_null());
		return;
	}
	char iso[40];
	clock_format_iso(store_col_int(st, col), iso, sizeof iso);
	json_object_set_new(o, key, json_string(iso));
}

static int one_json(store_conn *c, int64_t id, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT x.id, x.enterprise, x.project_id, x.unit_id, u.name,"
		" x.county_id, cu.name, x.contact, x.created_at, x.updated_at,"
		" p.name FROM svc_enterprise x JOIN units u ON u.id = x.unit_id"
		" JOIN units cu ON cu.id = x.county_id"
		" LEFT JOIN invest_projects p ON p.id = x.project_id WHERE x.id = ?",
		"i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "企业代办记录不存在")
			       : -1;
	json_t *o = json_pack(
		"{s:I, s:s, s:o, s:{s:I, s:s}, s:{s:I, s:s}, s:o}", "id",
		(json_int_t)store_col_int(st, 0), "enterprise", store_col_text(st, 1), "project_id",
		store_col_null(st, 2) ? json_null() : json_integer(store_col_int(st, 2)), "unit",
		"id", (json_int_t)store_col_int(st, 3), "name", store_col_text(st, 4), "county",
		"id", (json_int_t)store_col_int(st, 5), "name", store_col_text(st, 6), "contact",
		store_col_null(st, 7) ? json_null() : json_string(store_col_text(st, 7)));
	put_time(o, "created_at", st, 8);
	put_time(o, "updated_at", st, 9);
	/* The investment register's project, when project_id names one (else null). */
	json_object_set_new(o, "project",
			    store_col_null(st, 10) ? json_null()
						   : json_pack("{s:I, s:s}", "id",
							       (json_int_t)store_col_int(st, 2),
							       "name", store_col_text(st, 10)));
	store_done(st);
	st = store_prepare(c,
			   "SELECT id, seq, name, unit_name, status, started_at, due_at, done_at,"
			   " note FROM svc_enterprise_steps WHERE enterprise_id = ? ORDER BY seq",
			   e);
	if (!st) {
		json_decref(o);
		return -1;
	}
	store_bindf(st, "i", id);
	json_t *steps = json_array();
	int64_t done = 0;
	while ((rc = store_step(st, e)) == 1) {
		json_t *s = json_pack(
			"{s:I, s:I, s:s, s:o, s:s, s:o}", "id", (json_int_t)store_col_int(st, 0),
			"seq", (json_int_t)store_col_int(st, 1), "name", store_col_text(st, 2),
			"unit",
			store_col_null(st, 3) ? json_null() : json_string(store_col_text(st, 3)),
			"status", store_col_text(st, 4), "note",
			store_col_null(st, 8) ? json_null() : json_string(store_col_text(st, 8)));
		done += !strcmp(store_col_text(st, 4), "done");
		put_time(s, "started_at", st, 5);
		put_time(s, "due_at", st, 6);
		put_time(s, "done_at", st, 7);
		json_array_append_new(steps, s);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(o);
		json_decref(steps);
		return -1;
	}
	json_object_set_new(o, "steps_done", json_integer(done));
	json_object_set_new(o, "steps", steps);
	*out = o;
	return 0;
}

int svc_enterprise_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	return visible(c, who, id, e) < 0 ? -1 : one_json(c, id, out, e);
}

int svc_enterprise_list(store_conn *c, const actor *who, int64_t county_id, json_t **out, err *e)
{
	char hi[SCOPE_PATH_MAX + 8];
	scope_upper(who->unit_path, hi, sizeof hi);
	store_stmt *st =
		store_prepare(c,
			      "SELECT x.id FROM svc_enterprise x JOIN units u ON u.id = x.unit_id"
			      " JOIN units cu ON cu.id = x.county_id"
			      " WHERE ((u.path >= ? AND u.path < ?) OR (cu.path >= ? AND"
			      " cu.path < ?)) AND (? = 0 OR x.county_id = ?)"
			      " ORDER BY x.updated_at DESC, x.id DESC LIMIT 500",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ssssii", who->unit_path, hi, who->unit_path, hi, county_id, county_id);
	int64_t ids[500];
	size_t n = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1 && n < 500)
		ids[n++] = store_col_int(st, 0);
	store_done(st);
	if (rc < 0)
		return -1;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		if (one_json(c, ids[i], &o, e) < 0) {
			json_decref(items);
			return -1;
		}
		json_array_append_new(items, o);
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
