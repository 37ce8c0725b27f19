/* 政府办 and 人大评: the year's projects with milestones, progress reports and photos,
 * deputies' inspections and the lead unit's answers, sign-off (销号), the year-end
 * evaluation and the year's report. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "org/audit.h"
#include "core/xlsx_out.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/photo.h"
#include "livelihood/livelihood.h"
#include "org/unit.h"

static const char project_scope[] =
	" FROM lv_projects p JOIN units lu ON lu.id = p.lead_unit_id"
	" JOIN units ou ON ou.id = p.unit_id"
	" WHERE ((lu.path >= ? AND lu.path < ?) OR (ou.path >= ? AND ou.path < ?))";

typedef struct project_row {
	int64_t id, year, lead_unit_id;
	char lead_path[SCOPE_PATH_MAX];
	bool signed_off;
} project_row;

static int project_load(store_conn *c, const actor *who, int64_t id, project_row *p, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	char *sql = xasprintf("SELECT p.id, p.year, p.lead_unit_id, lu.path, p.signed_off_at%s"
			      " AND p.id = ?",
			      project_scope);
	store_stmt *st;
	int rc = store_query_row(c, &st, e, sql, "ssssi", who->unit_path, hi, who->unit_path, hi,
				 id);
	free(sql);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "民生实事项目不存在");
	p->id = store_col_int(st, 0);
	p->year = store_col_int(st, 1);
	p->lead_unit_id = store_col_int(st, 2);
	snprintf(p->lead_path, sizeof p->lead_path, "%s", store_col_text(st, 3));
	p->signed_off = !store_col_null(st, 4);
	store_done(st);
	return 0;
}

/* The lead unit's own staff (the unit or a unit above it). */
static bool is_lead_staff(const actor *who, const project_row *p)
{
	return actor_has(who, ROLE_UNIT_STAFF) && scope_contains(who->unit_path, p->lead_path);
}

static int not_signed_off(const project_row *p, err *e)
{
	if (p->signed_off)
		return err_set(e, ERR_CONFLICT, "signed_off", NULL, "项目已销号，不能再修改");
	return 0;
}

/* Inside the write transaction that adds to a project: takes the project's row on the
 * condition that it is not signed off. What was read before the transaction may be stale
 * (a photo is checked, then written to disk, then stored), and on PostgreSQL the row lock
 * orders this change and a concurrent sign-off: nothing is added after a sign-off. */
static int project_hold_open(store_conn *c, int64_t id, err *e)
{
	int64_t n = store_exec(c, e,
			       "UPDATE lv_projects SET updated_at = ? WHERE id = ?"
			       " AND signed_off_at IS NULL",
			       "ii", clock_now_ms(), id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "signed_off", NULL, "项目已销号，不能再修改");
	return 0;
}

/* ---- reading ---- */

static json_t *opt_text(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

/* The milestones of a project with their states; sets state and progress on o. */
static int add_milestones(store_conn *c, json_t *o, int64_t id, int64_t now, err *e)
{
	store_stmt *st =
		store_prepare(c,
			      "SELECT id, title, due_date, deliverable, percent, finished_at"
			      " FROM lv_milestones WHERE project_id = ? ORDER BY due_date, id",
			      e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *list = json_array();
	const char *states[256];
	size_t n = 0;
	int64_t sum = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		int percent = (int)store_col_int(st, 4);
		const char *state = lv_milestone_state(store_col_text(st, 2), percent, now);
		if (n < sizeof states / sizeof states[0])
			states[n++] = state;
		sum += percent;
		json_array_append_new(
			list,
			json_pack("{s:I, s:s, s:s, s:o, s:i, s:s, s:o}", "id",
				  (json_int_t)store_col_int(st, 0), "title", store_col_text(st, 1),
				  "due_date", store_col_text(st, 2), "deliverable", opt_text(st, 3),
				  "percent", percent, "state", state, "finished_at",
				  lv_time_or_null(store_col_int(st, 5), !store_col_null(st, 5))));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(list);
		return -1;
	}
	size_t count = json_array_size(list);
	json_object_set_new(o, "milestones", list);
	json_object_set_new(o, "state", json_string(lv_project_state(states, n)));
	json_object_set_new(o, "progress", json_integer(count ? sum / (int64_t)count : 0));
	json_object_set_new(o, "finished", json_boolean(count > 0 && sum == 100 * (int64_t)count));
	return 0;
}

/* The evaluation of a project: counts and outcome after the close only. */
static int add_evaluation(store_conn *c, const actor *who, json_t *o, int64_t id, int64_t year,
			  err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT status FROM lv_evaluations WHERE year = ?", "i",
				 year);
	if (rc < 0)
		return -1;
	char status[16] = "none";
	if (rc == 1) {
		snprintf(status, sizeof status, "%s", store_col_text(st, 0));
		store_done(st);
	}
	json_t *ev = json_pack("{s:s}", "status", status);
	int64_t ratings = 0;
	if (store_query_int(c, &ratings, 0, e,
			    "SELECT COUNT(*) FROM lv_ratings WHERE project_id = ?", "i", id) < 0)
		goto fail;
	json_object_set_new(ev, "ratings", json_integer(ratings));
	rc = store_query_row(c, &st, e,
			     "SELECT eval_satisfied, eval_basic, eval_dissatisfied, eval_outcome"
			     " FROM lv_projects WHERE id = ?",
			     "i", id);
	if (rc < 0)
		goto fail;
	bool closed = !strcmp(status, "closed") && rc == 1 && !store_col_null(st, 3);
	const char *keys[] = {"satisfied", "basically_satisfied", "dissatisfied"};
	for (int k = 0; k < 3; k++)
		json_object_set_new(ev, keys[k],
				    closed ? json_integer(store_col_int(st, k)) : json_null());
	json_object_set_new(ev, "outcome",
			    closed ? json_string(store_col_text(st, 3)) : json_null());
	if (rc == 1)
		store_done(st);
	rc = store_query_row(c, &st, e,
			     "SELECT rating FROM lv_ratings WHERE project_id = ? AND user_id = ?",
			     "ii", id, who ? who->user_id : 0);
	if (rc < 0)
		goto fail;
	json_object_set_new(ev, "my_rating",
			    rc == 1 ? json_string(store_col_text(st, 0)) : json_null());
	if (rc == 1)
		store_done(st);
	json_object_set_new(o, "evaluation", ev);
	return 0;
fail:
	json_decref(ev);
	return -1;
}

static const char project_cols[] =
	"p.id, p.year, p.title, p.description, p.budget_yuan, p.lead_unit_id, lu.name, p.target,"
	" p.candidate_id, p.session_id, p.signed_off_at, p.signoff_note, p.created_at";

static json_t *project_json(store_stmt *st)
{
	return json_pack(
		"{s:I, s:I, s:s, s:s, s:o, s:I, s:{s:I, s:s}, s:o, s:o, s:o, s:b, s:o, s:o, s:o}",
		"id", (json_int_t)store_col_int(st, 0), "year", (json_int_t)store_col_int(st, 1),
		"title", store_col_text(st, 2), "description", store_col_text(st, 3), "budget_wan",
		lv_budget_wan(store_col_int(st, 4)), "lead_unit_id",
		(json_int_t)store_col_int(st, 5), "lead_unit", "id",
		(json_int_t)store_col_int(st, 5), "name", store_col_text(st, 6), "target",
		opt_text(st, 7), "candidate_id",
		store_col_null(st, 8) ? json_null() : json_integer(store_col_int(st, 8)),
		"session_id",
		store_col_null(st, 9) ? json_null() : json_integer(store_col_int(st, 9)),
		"signed_off", !store_col_null(st, 10), "signed_off_at",
		lv_time_or_null(store_col_int(st, 10), !store_col_null(st, 10)), "signoff_note",
		opt_text(st, 11), "created_at", lv_time_or_null(store_col_int(st, 12), true));
}

static int add_open_opinions(store_conn *c, json_t *o, int64_t id, err *e)
{
	int64_t n = 0;
	if (store_query_int(
		    c, &n, 0, e,
		    "SELECT COUNT(*) FROM lv_inspections WHERE project_id = ? AND opinion IS"
		    " NOT NULL AND answer IS NULL",
		    "i", id) < 0)
		return -1;
	json_object_set_new(o, "open_opinions", json_integer(n));
	return 0;
}

int lv_project_list(store_conn *c, const actor *who, const lv_project_filter *f, int64_t page,
		    int64_t per_page, json_t **items, int64_t *total, err *e)
{
	char hi[SCOPE_PATH_MAX], upath[SCOPE_PATH_MAX] = "/", uhi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	if (f->unit_id) {
		bool ok = false;
		if (unit_within(c, who, f->unit_id, &ok, e) < 0)
			return -1;
		if (!ok)
			return err_set(e, ERR_NOT_FOUND, "not_found", "unit_id", "单位不存在");
		if (unit_path(c, f->unit_id, upath, sizeof upath, e) < 0)
			return -1;
	}
	scope_upper(upath, uhi, sizeof uhi);
	char *sql =
		xasprintf("SELECT %s%s AND (? = 0 OR p.year = ?) AND lu.path >= ? AND lu.path < ?"
			  " ORDER BY p.year DESC, p.id",
			  project_cols, project_scope);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st)
		return -1;
	store_bindf(st, "ssssiiss", who->unit_path, hi, who->unit_path, hi, f->year, f->year, upath,
		    uhi);
	json_t *all = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(all, project_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(all);
		return -1;
	}
	int64_t now = clock_now_ms();
	*items = json_array();
	*total = 0;
	size_t i;
	json_t *it;
	json_array_foreach(all, i, it)
	{
		int64_t id = json_integer_value(json_object_get(it, "id"));
		if (add_milestones(c, it, id, now, e) < 0 || add_open_opinions(c, it, id, e) < 0 ||
		    add_evaluation(c, who, it, id, json_integer_value(json_object_get(it, "year")),
				   e) < 0) {
			json_decref(all);
			json_decref(*items);
			return -1;
		}
		if (f->state &&
		    strcmp(json_string_value(json_object_get(it, "state")), f->state) != 0)
			continue;
		if (*total >= (page - 1) * per_page && *total < page * per_page)
			json_array_append(*items, it);
		(*total)++;
	}
	json_decref(all);
	return 0;
}

/* A photo as the API shows it: where to fetch it, its type and size. */
static json_t *photo_json(int64_t id, const char *content_type, int64_t size)
{
	char url[96];
	snprintf(url, sizeof url, "/api/v1/livelihood/photos/%lld", (long long)id);
	return json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)id, "url", url, "content_type",
			 content_type, "size", (json_int_t)size);
}

static int add_progress(store_conn *c, json_t *o, int64_t id, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT g.id, g.milestone_id, m.title, g.percent, g.text, g.created_at,"
		" u.display_name FROM lv_progress g JOIN lv_milestones m ON m.id = g.milestone_id"
		" LEFT JOIN users u ON u.id = g.reported_by WHERE g.project_id = ?"
		" ORDER BY g.created_at DESC, g.id DESC",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *list = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(list,
				      json_pack("{s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:[]}", "id",
						(json_int_t)store_col_int(st, 0), "milestone_id",
						(json_int_t)store_col_int(st, 1), "milestone_title",
						store_col_text(st, 2), "percent",
						(json_int_t)store_col_int(st, 3), "text",
						store_col_text(st, 4), "created_at",
						lv_time_or_null(store_col_int(st, 5), true),
						"reporter", opt_text(st, 6), "photos"));
	store_done(st);
	if (rc < 0)
		goto fail;
	st = store_prepare(c,
			   "SELECT id, progress_id, content_type, size FROM lv_photos"
			   " WHERE project_id = ? AND progress_id IS NOT NULL ORDER BY id",
			   e);
	if (!st)
		goto fail;
	store_bind_int(st, 1, id);
	while ((rc = store_step(st, e)) == 1) {
		int64_t pid = store_col_int(st, 0), gid = store_col_int(st, 1);
		size_t i;
		json_t *g;
		json_array_foreach(list, i, g)
		{
			if (json_integer_value(json_object_get(g, "id")) != gid)
				continue;
			json_array_append_new(
				json_object_get(g, "photos"),
				photo_json(pid, store_col_text(st, 2), store_col_int(st, 3)));
		}
	}
	store_done(st);
	if (rc < 0)
		goto fail;
	json_object_set_new(o, "progress_reports", list);
	return 0;
fail:
	json_decref(list);
	return -1;
}

static int add_inspections(store_conn *c, json_t *o, int64_t id, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT i.id, i.deputy_id, u.display_name, i.visited_on, i.content, i.opinion,"
		" i.answer, i.answered_at, i.created_at FROM lv_inspections i JOIN users u"
		" ON u.id = i.deputy_id WHERE i.project_id = ? ORDER BY i.visited_on DESC, i.id "
		"DESC",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *list = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(
			list,
			json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
				  (json_int_t)store_col_int(st, 0), "deputy", "id",
				  (json_int_t)store_col_int(st, 1), "display_name",
				  store_col_text(st, 2), "visited_on", store_col_text(st, 3),
				  "content", store_col_text(st, 4), "opinion", opt_text(st, 5),
				  "answer", opt_text(st, 6), "answered_at",
				  lv_time_or_null(store_col_int(st, 7), !store_col_null(st, 7)),
				  "created_at", lv_time_or_null(store_col_int(st, 8), true)));
	store_done(st);
	if (rc < 0) {
		json_decref(list);
		return -1;
	}
	json_object_set_new(o, "inspections", list);
	return 0;
}

int lv_project_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	project_row p;
	if (project_load(c, who, id, &p, e) < 0)
		return -1;
	store_stmt *st;
	char *sql = xasprintf("SELECT %s FROM lv_projects p JOIN units lu ON lu.id ="
			      " p.lead_unit_id WHERE p.id = ?",
			      project_cols);
	int rc = store_query_row(c, &st, e, sql, "i", id);
	free(sql);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "项目不存在");
	json_t *o = project_json(st);
	store_done(st);
	if (add_milestones(c, o, id, clock_now_ms(), e) < 0 || add_open_opinions(c, o, id, e) < 0 ||
	    add_evaluation(c, who, o, id, p.year, e) < 0 || add_progress(c, o, id, e) < 0 ||
	    add_inspections(c, o, id, e) < 0) {
		json_decref(o);
		return -1;
	}
	bool lead = is_lead_staff(who, &p), staff = actor_has(who, LV_STAFF);
	json_object_set_new(o, "can",
			    json_pack("{s:b, s:b, s:b, s:b, s:b}", "report", lead && !p.signed_off,
				      "plan", (lead || staff) && !p.signed_off, "answer", lead,
				      "inspect", actor_has(who, ROLE_DEPUTY), "signoff",
				      staff && !p.signed_off));
	*out = o;
	return 0;
}

int lv_project_public_list(store_conn *c, int64_t year, json_t **items, err *e)
{
	actor everyone;
	actor_system(&everyone, "public");
	lv_project_filter f = {.year = year};
	int64_t total;
	json_t *all;
	if (lv_project_list(c, &everyone, &f, 1, 1000, &all, &total, e) < 0)
		return -1;
	*items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(all, i, it)
	{
		json_t *ev = json_object_get(it, "evaluation");
		json_t *ms = json_array();
		size_t k;
		json_t *m;
		json_array_foreach(json_object_get(it, "milestones"), k, m) json_array_append_new(
			ms, json_pack("{s:O, s:O, s:O, s:O}", "title", json_object_get(m, "title"),
				      "due_date", json_object_get(m, "due_date"), "percent",
				      json_object_get(m, "percent"), "state",
				      json_object_get(m, "state")));
		json_array_append_new(
			*items,
			json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o, s:O}",
				  "id", json_object_get(it, "id"), "year",
				  json_object_get(it, "year"), "title",
				  json_object_get(it, "title"), "description",
				  json_object_get(it, "description"), "budget_wan",
				  json_object_get(it, "budget_wan"), "lead_unit",
				  json_object_get(it, "lead_unit"), "target",
				  json_object_get(it, "target"), "progress",
				  json_object_get(it, "progress"), "state",
				  json_object_get(it, "state"), "signed_off",
				  json_object_get(it, "signed_off"), "milestones", ms, "outcome",
				  json_object_get(ev, "outcome")));
	}
	json_decref(all);
	return 0;
}

/* ---- milestones and progress ---- */

int lv_milestone_add(store_conn *c, const actor *who, int64_t project_id,
		     const lv_milestone_input *in, int64_t *id, err *e)
{
	project_row p;
	if (project_load(c, who, project_id, &p, e) < 0)
		return -1;
	if (!is_lead_staff(who, &p) && !actor_has(who, LV_STAFF))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有牵头单位或人大工作人员可以设定时间节点");
	if (project_hold_open(c, project_id, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO lv_milestones (project_id, title, due_date, deliverable,"
		" percent, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)"
		" RETURNING id",
		"isssii", project_id, in->title, in->due_date, in->deliverable, now, now);
	if (rc <= 0)
		return -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s, s:s}", "milestone_id", (json_int_t)*id, "title",
			      in->title, "due_date", in->due_date);
	rc = audit_append(c, who, "livelihood.milestone_add", "lv_project", project_id, d, e);
	json_decref(d);
	return rc;
}

int lv_progress_add(store_conn *c, const actor *who, int64_t project_id,
		    const lv_progress_input *in, int64_t *id, err *e)
{
	project_row p;
	if (project_load(c, who, project_id, &p, e) < 0)
		return -1;
	if (!is_lead_staff(who, &p))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有牵头单位可以报告进展");
	if (project_hold_open(c, project_id, e) < 0)
		return -1;
	int64_t found = 0;
	if (store_query_int(c, &found, 0, e,
			    "SELECT COUNT(*) FROM lv_milestones WHERE id = ? AND project_id = ?",
			    "ii", in->milestone_id, project_id) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_INVALID, "unknown_milestone", "milestone_id",
			       "该项目没有这个时间节点");
	for (size_t i = 0; i < in->nphotos; i++) {
		for (size_t j = 0; j < i; j++)
			if (in->photo_ids[j] == in->photo_ids[i])
				return err_set(e, ERR_INVALID, "invalid_photo", "photo_ids",
					       "照片 %lld 重复", (long long)in->photo_ids[i]);
		if (store_query_int(c, &found, 0, e,
				    "SELECT COUNT(*) FROM lv_photos WHERE id = ? AND project_id = ?"
				    " AND progress_id IS NULL AND uploaded_by = ?",
				    "iii", in->photo_ids[i], project_id, who->user_id) < 0)
			return -1;
		if (!found)
			return err_set(e, ERR_INVALID, "invalid_photo", "photo_ids",
				       "照片 %lld 不存在或已用于其他进展报告",
				       (long long)in->photo_ids[i]);
	}
	int64_t now = clock_now_ms();
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO lv_progress (project_id, milestone_id, percent, text,"
				 " reported_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				 "iiisni", project_id, in->milestone_id, in->percent, in->text,
				 who->user_id, now);
	if (rc <= 0)
		return -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	if (store_exec(
		    c, e,
		    "UPDATE lv_milestones SET percent = ?, updated_at = ?,"
		    " finished_at = CASE WHEN ? >= 100 THEN COALESCE(finished_at, ?) ELSE NULL END"
		    " WHERE id = ?",
		    "iiiii", in->percent, now, in->percent, now, in->milestone_id) < 0)
		return -1;
	for (size_t i = 0; i < in->nphotos; i++)
		if (store_exec(c, e, "UPDATE lv_photos SET progress_id = ? WHERE id = ?", "ii", *id,
			       in->photo_ids[i]) < 0)
			return -1;
	json_t *d = json_pack("{s:I, s:I, s:I, s:I}", "progress_id", (json_int_t)*id,
			      "milestone_id", (json_int_t)in->milestone_id, "percent",
			      (json_int_t)in->percent, "photos", (json_int_t)in->nphotos);
	rc = audit_append(c, who, "livelihood.progress_report", "lv_project", project_id, d, e);
	json_decref(d);
	return rc;
}

/* ---- photos ---- */

typedef struct photo_ctx {
	const actor *who;
	int64_t project_id, size, id;
	const char *file, *mime;
} photo_ctx;

static int photo_tx(store_conn *c, void *p, err *e)
{
	photo_ctx *x = p;
	if (project_hold_open(c, x->project_id, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO lv_photos (project_id, file, content_type, size,"
				 " uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				 "issini", x->project_id, x->file, x->mime, x->size,
				 x->who->user_id, clock_now_ms());
	if (rc <= 0)
		return -1;
	x->id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s, s:I}", "photo_id", (json_int_t)x->id, "content_type",
			      x->mime, "size", (json_int_t)x->size);
	rc = audit_append(c, x->who, "livelihood.photo_upload", "lv_project", x->project_id, d, e);
	json_decref(d);
	return rc;
}

int lv_photo_upload(store *s, const actor *who, const char *data_dir, int64_t project_id,
		    const unsigned char *data, size_t len, json_t **out, err *e)
{
	store_conn *c = store_conn_get(s, e);
	project_row p;
	if (!c || project_load(c, who, project_id, &p, e) < 0)
		return -1;
	if (!is_lead_staff(who, &p))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有牵头单位可以上传进展照片");
	/* Refused early here, before the file is written; photo_tx checks again. */
	if (not_signed_off(&p, e) < 0)
		return -1;
	char *rel;
	const char *mime;
	if (photo_save(data_dir, "livelihood", data, len, LV_PHOTO_BYTES_MAX, &rel, &mime, e) < 0)
		return -1;
	photo_ctx x = {.who = who,
		       .project_id = project_id,
		       .size = (int64_t)len,
		       .file = rel,
		       .mime = mime};
	int rc = store_write(s, photo_tx, &x, e);
	if (rc < 0) {
		photo_remove(data_dir, "livelihood", rel);
	} else {
		*out = photo_json(x.id, mime, (int64_t)len);
		json_object_set_new(*out, "project_id", json_integer(project_id));
	}
	free(rel);
	return rc;
}

int lv_photo_file(store_conn *c, const actor *who, const char *data_dir, int64_t id, char **path,
		  const char **mime, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e, "SELECT project_id, file, content_type FROM lv_photos WHERE id = ?", "i",
		id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "照片不存在");
	int64_t project = store_col_int(st, 0);
	char *file = xstrdup(store_col_text(st, 1));
	const char *t = store_col_text(st, 2);
	*mime = !strcmp(t, "image/png")	   ? "image/png"
		: !strcmp(t, "image/webp") ? "image/webp"
					   : "image/jpeg";
	store_done(st);
	project_row p;
	if (project_load(c, who, project, &p, e) < 0) {
		free(file);
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "照片不存在");
	}
	(void)data_dir;
	*path = file;
	return 0;
}

/* ---- inspections and sign-off ---- */

int lv_inspection_add(store_conn *c, const actor *who, int64_t project_id,
		      const lv_inspection_input *in, int64_t *id, err *e)
{
	if (!actor_has(who, ROLE_DEPUTY))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有人大代表可以记录视察");
	project_row p;
	if (project_load(c, who, project_id, &p, e) < 0)
		return -1;
	char today[40];
	clock_format_iso(clock_now_ms(), today, sizeof today);
	today[10] = '\0';
	int64_t now = clock_now_ms();
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO lv_inspections (project_id, deputy_id, visited_on,"
		" content, opinion, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		"iisssi", project_id, who->user_id, in->visited_on ? in->visited_on : today,
		in->content, in->opinion, now);
	if (rc <= 0)
		return -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:b}", "inspection_id", (json_int_t)*id, "opinion",
			      in->opinion != NULL);
	rc = audit_append(c, who, "livelihood.inspection", "lv_project", project_id, d, e);
	json_decref(d);
	return rc;
}

int lv_inspection_answer(store_conn *c, const actor *who, int64_t project_id, int64_t id,
			 const char *answer, err *e)
{
	project_row p;
	if (project_load(c, who, project_id, &p, e) < 0)
		return -1;
	if (!is_lead_staff(who, &p))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有牵头单位可以答复监督意见");
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e,
				"SELECT opinion IS NOT NULL, answer IS NOT NULL FROM lv_inspections"
				" WHERE id = ? AND project_id = ?",
				"ii", id, project_id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "视察记录不存在");
	bool has_opinion = store_col_int(st, 0) != 0, answered = store_col_int(st, 1) != 0;
	store_done(st);
	if (!has_opinion)
		return err_set(e, ERR_CONFLICT, "no_opinion", NULL, "这次视察没有提出监督意见");
	if (answered)
		return err_set(e, ERR_CONFLICT, "already_answered", NULL, "这条意见已经答复过");
	if (store_exec(c, e,
		       "UPDATE lv_inspections SET answer = ?, answered_by = ?, answered_at = ?"
		       " WHERE id = ? AND answer IS NULL",
		       "siii", answer, who->user_id, clock_now_ms(), id) < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "inspection_id", (json_int_t)id);
	rc = audit_append(c, who, "livelihood.opinion_answer", "lv_project", project_id, d, e);
	json_decref(d);
	return rc;
}

int lv_project_signoff(store_conn *c, const actor *who, int64_t id, const char *note, err *e)
{
	if (!actor_has(who, LV_STAFF))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有人大工作人员可以销号");
	project_row p;
	if (project_load(c, who, id, &p, e) < 0)
		return -1;
	/* The row first: on PostgreSQL a change holding the project (project_hold_open)
	 * commits before the checks below read, and a second sign-off finds this one. Should
	 * a check fail, the transaction rolls the sign-off back. */
	int64_t now = clock_now_ms();
	int64_t n = store_exec(
		c, e,
		"UPDATE lv_projects SET signed_off_at = ?, signed_off_by = ?, signoff_note = ?,"
		" updated_at = ? WHERE id = ? AND signed_off_at IS NULL",
		"iisii", now, who->user_id, note, now, id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "already_signed_off", NULL, "项目已经销号");
	int64_t total = 0, done = 0, open = 0;
	if (store_query_int(c, &total, 0, e,
			    "SELECT COUNT(*) FROM lv_milestones WHERE project_id = ?", "i",
			    id) < 0 ||
	    store_query_int(
		    c, &done, 0, e,
		    "SELECT COUNT(*) FROM lv_milestones WHERE project_id = ? AND percent >= 100",
		    "i", id) < 0 ||
	    store_query_int(
		    c, &open, 0, e,
		    "SELECT COUNT(*) FROM lv_inspections WHERE project_id = ? AND opinion IS"
		    " NOT NULL AND answer IS NULL",
		    "i", id) < 0)
		return -1;
	if (total == 0 || done < total)
		return err_set(e, ERR_CONFLICT, "not_finished", NULL,
			       "还有时间节点未完成（%lld/%lld），不能销号", (long long)done,
			       (long long)total);
	if (open > 0)
		return err_set(e, ERR_CONFLICT, "unanswered_opinions", NULL,
			       "还有 %lld 条监督意见未答复，不能销号", (long long)open);
	return audit_append(c, who, "livelihood.signoff", "lv_project", id, NULL, e);
}

/* ---- evaluation ---- */

static int evaluation_status(store_conn *c, int64_t year, char *status, size_t n,
			     int64_t *roll_size, err *e)
{
	status[0] = '\0';
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT status, roll_size FROM lv_evaluations WHERE year = ?", "i",
				 year);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		snprintf(status, n, "%s", store_col_text(st, 0));
		if (roll_size)
			*roll_size = store_col_int(st, 1);
		store_done(st);
	}
	return 0;
}

int lv_evaluation_open(store_conn *c, const actor *who, int64_t year, err *e)
{
	if (!actor_has(who, LV_STAFF))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有人大工作人员可以组织测评");
	char status[16];
	if (evaluation_status(c, year, status, sizeof status, NULL, e) < 0)
		return -1;
	if (status[0])
		return err_set(e, ERR_CONFLICT, "duplicate", "year",
			       "%lld 年的满意度测评已经开始过", (long long)year);
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	int64_t projects = 0;
	char *sql = xasprintf("SELECT COUNT(*)%s AND p.year = ?", project_scope);
	int rc = store_query_int(c, &projects, 0, e, sql, "ssssi", who->unit_path, hi,
				 who->unit_path, hi, year);
	free(sql);
	if (rc < 0)
		return -1;
	if (projects == 0)
		return err_set(e, ERR_CONFLICT, "no_projects", "year", "%lld 年没有民生实事项目",
			       (long long)year);
	if (store_exec(c, e,
		       "INSERT INTO lv_eval_roll (year, user_id)"
		       " SELECT ?, u.id FROM users u JOIN units n ON n.id = u.unit_id"
		       " WHERE u.disabled = 0 AND n.path >= ? AND n.path < ? AND EXISTS"
		       " (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'deputy')",
		       "iss", year, who->unit_path, hi) < 0)
		return -1;
	int64_t roll = 0;
	if (store_query_int(c, &roll, 0, e, "SELECT COUNT(*) FROM lv_eval_roll WHERE year = ?", "i",
			    year) < 0)
		return -1;
	if (roll == 0)
		return err_set(e, ERR_CONFLICT, "empty_roll", NULL, "没有在任代表，不能开始测评");
	if (store_exec(c, e,
		       "INSERT INTO lv_evaluations (year, unit_id, status, roll_size, opened_by,"
		       " opened_at) VALUES (?, ?, 'open', ?, ?, ?)",
		       "iiini", year, lv_area_unit(who), roll, who->user_id, clock_now_ms()) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:I}", "roll_size", (json_int_t)roll, "projects",
			      (json_int_t)projects);
	rc = audit_append(c, who, "livelihood.evaluation_open", "lv_evaluation", year, d, e);
	json_decref(d);
	return rc;
}

int lv_rating_add(store_conn *c, const actor *who, int64_t project_id, const char *rating, err *e)
{
	if (!actor_has(who, ROLE_DEPUTY))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有人大代表可以测评");
	project_row p;
	if (project_load(c, who, project_id, &p, e) < 0)
		return -1;
	char status[16];
	if (evaluation_status(c, p.year, status, sizeof status, NULL, e) < 0)
		return -1;
	if (strcmp(status, "open") != 0)
		return err_set(e, ERR_CONFLICT, "evaluation_not_open", NULL,
			       "%lld 年的满意度测评不在进行中", (long long)p.year);
	int64_t on = 0;
	if (store_query_int(c, &on, 0, e,
			    "SELECT COUNT(*) FROM lv_eval_roll WHERE year = ? AND user_id = ?",
			    "ii", p.year, who->user_id) < 0)
		return -1;
	if (!on)
		return err_set(e, ERR_FORBIDDEN, "not_on_roll", NULL, "您不在本次测评的代表名单中");
	int64_t n = store_exec(c, e,
			       "INSERT INTO lv_ratings (project_id, user_id, rating, created_at)"
			       " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			       "iisi", project_id, who->user_id, rating, clock_now_ms());
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "already_rated", NULL, "您已经测评过这个项目");
	json_t *d = json_pack("{s:s}", "rating", rating);
	int rc = audit_append(c, who, "livelihood.rating", "lv_project", project_id, d, e);
	json_decref(d);
	return rc;
}

int lv_evaluation_close(store_conn *c, const actor *who, int64_t year, err *e)
{
	if (!actor_has(who, LV_STAFF))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有人大工作人员可以组织测评");
	char status[16];
	int64_t roll = 0;
	if (evaluation_status(c, year, status, sizeof status, &roll, e) < 0)
		return -1;
	if (!status[0])
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "%lld 年没有满意度测评",
			       (long long)year);
	if (strcmp(status, "open") != 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "测评已经结束");
	int64_t now = clock_now_ms();
	int64_t changed = store_exec(c, e,
				     "UPDATE lv_evaluations SET status = 'closed', closed_at = ?"
				     " WHERE year = ? AND status = 'open'",
				     "ii", now, year);
	if (changed <= 0)
		return changed < 0
			       ? -1
			       : err_set(e, ERR_CONFLICT, "invalid_state", NULL, "测评已经结束");
	store_stmt *st = store_prepare(
		c,
		"SELECT p.id,"
		" (SELECT COUNT(*) FROM lv_ratings r WHERE r.project_id = p.id AND r.rating ="
		" 'satisfied'),"
		" (SELECT COUNT(*) FROM lv_ratings r WHERE r.project_id = p.id AND r.rating ="
		" 'basically_satisfied'),"
		" (SELECT COUNT(*) FROM lv_ratings r WHERE r.project_id = p.id AND r.rating ="
		" 'dissatisfied')"
		" FROM lv_projects p WHERE p.year = ? ORDER BY p.id",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, year);
	struct counts {
		int64_t id, s, b, d;
	} *rows = NULL;
	size_t n = 0, alloc = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			rows = xrealloc(rows, alloc * sizeof *rows);
		}
		rows[n++] = (struct counts){store_col_int(st, 0), store_col_int(st, 1),
					    store_col_int(st, 2), store_col_int(st, 3)};
	}
	store_done(st);
	json_t *outcomes = json_object();
	for (size_t i = 0; i < n && rc >= 0; i++) {
		const char *o = lv_evaluation_outcome(roll, rows[i].s, rows[i].b, rows[i].d);
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)rows[i].id);
		json_object_set_new(outcomes, key, json_string(o));
		if (store_exec(
			    c, e,
			    "UPDATE lv_projects SET eval_satisfied = ?, eval_basic = ?,"
			    " eval_dissatisfied = ?, eval_outcome = ?, updated_at = ? WHERE id = ?",
			    "iiisii", rows[i].s, rows[i].b, rows[i].d, o, now, rows[i].id) < 0)
			rc = -1;
	}
	free(rows);
	if (rc < 0) {
		json_decref(outcomes);
		return -1;
	}
	json_t *d = json_pack("{s:I, s:o}", "roll_size", (json_int_t)roll, "outcomes", outcomes);
	rc = audit_append(c, who, "livelihood.evaluation_close", "lv_evaluation", year, d, e);
	json_decref(d);
	return rc;
}

int lv_evaluation_get(store_conn *c, const actor *who, int64_t year, json_t **out, err *e)
{
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e,
				"SELECT status, roll_size, opened_at, closed_at FROM lv_evaluations"
				" WHERE year = ?",
				"i", year);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "%lld 年没有满意度测评",
			       (long long)year);
	json_t *o = json_pack("{s:I, s:s, s:I, s:o, s:o}", "year", (json_int_t)year, "status",
			      store_col_text(st, 0), "roll_size", (json_int_t)store_col_int(st, 1),
			      "opened_at", lv_time_or_null(store_col_int(st, 2), true), "closed_at",
			      lv_time_or_null(store_col_int(st, 3), !store_col_null(st, 3)));
	store_done(st);
	int64_t on = 0;
	if (store_query_int(c, &on, 0, e,
			    "SELECT COUNT(*) FROM lv_eval_roll WHERE year = ? AND user_id = ?",
			    "ii", year, who->user_id) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "me", json_pack("{s:b}", "on_roll", on > 0));
	lv_project_filter f = {.year = year};
	json_t *items;
	int64_t total;
	if (lv_project_list(c, who, &f, 1, 1000, &items, &total, e) < 0) {
		json_decref(o);
		return -1;
	}
	json_t *list = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *ev = json_object_get(it, "evaluation");
		json_t *row = json_pack("{s:O, s:O, s:O}", "project_id", json_object_get(it, "id"),
					"title", json_object_get(it, "title"), "lead_unit",
					json_object_get(it, "lead_unit"));
		json_object_update(row, ev);
		json_object_del(row, "status");
		json_array_append_new(list, row);
	}
	json_decref(items);
	json_object_set_new(o, "items", list);
	*out = o;
	return 0;
}

/* ---- the year's report ---- */

static const char *state_label(const char *s)
{
	if (!s)
		return "";
	if (!strcmp(s, "on_track"))
		return "正常推进";
	if (!strcmp(s, "at_risk"))
		return "临期预警";
	if (!strcmp(s, "late"))
		return "滞后";
	if (!strcmp(s, "done"))
		return "已完成";
	return s;
}

static const char *outcome_label(const char *s)
{
	if (!s)
		return "未测评";
	if (!strcmp(s, "satisfied"))
		return "满意";
	if (!strcmp(s, "basically_satisfied"))
		return "基本满意";
	if (!strcmp(s, "dissatisfied"))
		return "不满意";
	if (!strcmp(s, "no_quorum"))
		return "参评人数不足";
	return s;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void write_headers(lxw_worksheet *ws, const char *const *h, size_t n, lxw_format *f)
{
	for (size_t i = 0; i < n; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, h[i], f);
	worksheet_freeze_panes(ws, 1, 0);
}

static void write_project_sheets(lxw_workbook *wb, json_t *projects)
{
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_border(head, LXW_BORDER_THIN);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "项目");
	static const char *const h1[] = {"序号",     "项目名称", "牵头单位", "预算（万元）",
					 "完成目标", "总体进度", "状态",     "销号时间",
					 "满意",     "基本满意", "不满意",   "测评结果"};
	write_headers(ws, h1, sizeof h1 / sizeof h1[0], head);
	worksheet_set_column(ws, 1, 1, 36, NULL);
	worksheet_set_column(ws, 2, 2, 26, NULL);
	worksheet_set_column(ws, 4, 4, 30, NULL);
	lxw_worksheet *wm = workbook_add_worksheet(wb, "时间节点");
	static const char *const h2[] = {"项目名称", "时间节点", "计划完成日期",
					 "交付成果", "完成进度", "状态"};
	write_headers(wm, h2, sizeof h2 / sizeof h2[0], head);
	worksheet_set_column(wm, 0, 1, 30, NULL);
	worksheet_set_column(wm, 3, 3, 30, NULL);
	lxw_worksheet *wp = workbook_add_worksheet(wb, "进展报告");
	static const char *const h3[] = {"项目名称", "时间节点", "进度（%）",
					 "进展情况", "报告时间", "照片数"};
	write_headers(wp, h3, sizeof h3 / sizeof h3[0], head);
	worksheet_set_column(wp, 0, 1, 30, NULL);
	worksheet_set_column(wp, 3, 3, 50, NULL);
	lxw_row_t r1 = 1, r2 = 1, r3 = 1;
	size_t i;
	json_t *p;
	json_array_foreach(projects, i, p)
	{
		const char *title = jstr(p, "title");
		json_t *ev = json_object_get(p, "evaluation");
		worksheet_write_number(ws, r1, 0, (double)(i + 1), NULL);
		worksheet_write_string(ws, r1, 1, title, NULL);
		worksheet_write_string(ws, r1, 2, jstr(json_object_get(p, "lead_unit"), "name"),
				       NULL);
		worksheet_write_number(ws, r1, 3,
				       json_number_value(json_object_get(p, "budget_wan")), NULL);
		worksheet_write_string(ws, r1, 4, jstr(p, "target"), NULL);
		worksheet_write_number(
			ws, r1, 5,
			(double)json_integer_value(json_object_get(p, "progress")) / 100.0, NULL);
		worksheet_write_string(ws, r1, 6,
				       json_is_true(json_object_get(p, "signed_off"))
					       ? "已销号"
					       : state_label(jstr(p, "state")),
				       NULL);
		worksheet_write_string(ws, r1, 7, jstr(p, "signed_off_at"), NULL);
		const char *keys[] = {"satisfied", "basically_satisfied", "dissatisfied"};
		for (int k = 0; k < 3; k++) {
			json_t *v = json_object_get(ev, keys[k]);
			if (json_is_integer(v))
				worksheet_write_number(ws, r1, (lxw_col_t)(8 + k),
						       (double)json_integer_value(v), NULL);
		}
		worksheet_write_string(
			ws, r1, 11,
			outcome_label(json_string_value(json_object_get(ev, "outcome"))), NULL);
		r1++;
		size_t k;
		json_t *m;
		json_array_foreach(json_object_get(p, "milestones"), k, m)
		{
			worksheet_write_string(wm, r2, 0, title, NULL);
			worksheet_write_string(wm, r2, 1, jstr(m, "title"), NULL);
			worksheet_write_string(wm, r2, 2, jstr(m, "due_date"), NULL);
			worksheet_write_string(wm, r2, 3, jstr(m, "deliverable"), NULL);
			worksheet_write_number(
				wm, r2, 4,
				(double)json_integer_value(json_object_get(m, "percent")), NULL);
			worksheet_write_string(wm, r2, 5, state_label(jstr(m, "state")), NULL);
			r2++;
		}
		json_t *g;
		json_array_foreach(json_object_get(p, "progress_reports"), k, g)
		{
			worksheet_write_string(wp, r3, 0, title, NULL);
			worksheet_write_string(wp, r3, 1, jstr(g, "milestone_title"), NULL);
			worksheet_write_number(
				wp, r3, 2,
				(double)json_integer_value(json_object_get(g, "percent")), NULL);
			worksheet_write_string(wp, r3, 3, jstr(g, "text"), NULL);
			worksheet_write_string(wp, r3, 4, jstr(g, "created_at"), NULL);
			worksheet_write_number(
				wp, r3, 5, (double)json_array_size(json_object_get(g, "photos")),
				NULL);
			r3++;
		}
	}
	lxw_format *pct = workbook_add_format(wb);
	format_set_num_format(pct, "0%");
	worksheet_set_column(ws, 5, 5, 10, pct);
}

int lv_report_xlsx(store_conn *c, const actor *who, int64_t year, char **data, size_t *len, err *e)
{
	lv_project_filter f = {.year = year};
	json_t *list;
	int64_t total;
	if (lv_project_list(c, who, &f, 1, 1000, &list, &total, e) < 0)
		return -1;
	json_t *full = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it)
	{
		json_t *p;
		if (lv_project_get(c, who, json_integer_value(json_object_get(it, "id")), &p, e) <
		    0) {
			json_decref(list);
			json_decref(full);
			return -1;
		}
		json_array_append_new(full, p);
	}
	json_decref(list);
	xlsx_out out;
	lxw_workbook *wb = xlsx_out_open(&out, e);
	if (!wb) {
		json_decref(full);
		return -1;
	}
	write_project_sheets(wb, full);
	json_decref(full);
	return xlsx_out_finish(&out, data, len, e);
}

int lv_project_default_year(store_conn *c, int64_t *year, err *e)
{
	*year = 0;
	if (store_query_int(c, year, 0, e,
			    "SELECT MAX(year) FROM lv_projects WHERE year <= ?"
			    " HAVING MAX(year) IS NOT NULL",
			    "i", lv_current_year()) < 0)
		return -1;
	if (*year)
		return 0;
	return store_query_int(c, year, lv_current_year(), e,
			       "SELECT MAX(year) FROM lv_projects HAVING MAX(year) IS NOT NULL",
			       NULL);
}

int lv_project_years(store_conn *c, json_t **years, err *e)
{
	*years = json_array();
	store_stmt *st =
		store_prepare(c, "SELECT DISTINCT year FROM lv_projects ORDER BY year DESC", e);
	int rc = st ? 0 : -1;
	while (st && (rc = store_step(st, e)) == 1)
		json_array_append_new(*years, json_integer(store_col_int(st, 0)));
	store_done(st);
	if (rc < 0) {
		json_decref(*years);
		*years = NULL;
		return -1;
	}
	return 0;
}
