/* 项目库: the register's repository and its rules (docs/projects.md). */
#include "investment/invest.h"
#include "investment/invest_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "engine/case.h"
#include "org/audit.h"

const char *const inv_stages[] = {"谋划", "签约", "开工", "续建", "竣工", "投产", NULL};

enum { LIST_MAX = 5000 };

/* ---- time ---- */

/* The local year and month of now (China Standard Time). */
void inv_local_month(int64_t now, int *y, int *m)
{
	char iso[40];
	clock_format_iso(now, iso, sizeof iso);
	*y = atoi(iso);
	*m = atoi(iso + 5);
}

/* The month before the current one, 'YYYY-MM'. */
static void last_month(int64_t now, char out[16])
{
	int y, m;
	inv_local_month(now, &y, &m);
	if (--m == 0) {
		m = 12;
		y--;
	}
	snprintf(out, 16, "%04d-%02d", y % 10000, m % 100);
}

int inv_months_elapsed(int year, int64_t now, int latest_reported)
{
	int y, m;
	inv_local_month(now, &y, &m);
	int due = year < y ? 12 : year == y ? m - 1 : 0;
	return latest_reported > due ? latest_reported : due;
}

const char *inv_status(double invested_year, double annual_plan, int months_elapsed)
{
	if (annual_plan <= 0 || months_elapsed <= 0)
		return NULL;
	double expected = annual_plan * months_elapsed / 12.0;
	if (invested_year > expected * (1 + INV_STATUS_BAND))
		return "超前";
	if (invested_year < expected * (1 - INV_STATUS_BAND))
		return "滞后";
	return "正常";
}

double inv_pct1(double part, double whole)
{
	return whole > 0 ? round(part / whole * 1000.0) / 10.0 : 0;
}

/* ---- scope ----
 *
 * Leaders and the offices with the 'projects' duty (the development and reform
 * commission) read every project. Everyone else reads the projects of the counties in
 * their area, and county staff below the county (a county's department) their county's. */

int inv_office(store_conn *c, const actor *who, const char *duty, bool *yes, err *e)
{
	int64_t n = 0;
	*yes = false;
	if (!who->unit_id)
		return 0;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM inv_offices WHERE unit_id = ? AND duty = ?", "is",
			    who->unit_id, duty) < 0)
		return -1;
	*yes = n > 0;
	return 0;
}

int inv_scope_of(store_conn *c, const actor *who, scope *s, err *e)
{
	bool office;
	if (inv_office(c, who, "projects", &office, e) < 0)
		return -1;
	s->all = office || actor_has(who, ROLE_LEADER) || who->user_id == 0;
	snprintf(s->lo, sizeof s->lo, "%s", who->unit_path);
	scope_upper(who->unit_path, s->hi, sizeof s->hi);
	s->path = who->unit_path;
	return 0;
}

void inv_bind_scope(store_stmt *st, int at, const scope *s)
{
	store_bind_int(st, at, s->all);
	store_bind_text(st, at + 1, s->lo);
	store_bind_text(st, at + 2, s->hi);
	store_bind_text(st, at + 3, s->path);
}

int inv_project_visible(store_conn *c, const actor *who, int64_t id, bool *writable, err *e)
{
	scope s;
	if (inv_scope_of(c, who, &s, e) < 0)
		return -1;
	store_stmt *st = store_prepare(c,
				       "SELECT p.id FROM invest_projects p JOIN units cu"
				       " ON cu.id = p.county_id WHERE p.id = ? AND" SCOPE_SQL,
				       e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	inv_bind_scope(st, 2, &s);
	int rc = store_step(st, e);
	store_done(st);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "项目不存在");
	if (writable)
		*writable = actor_has(who, ROLE_UNIT_STAFF | ROLE_ADMIN) || who->user_id == 0;
	return 0;
}

/* ---- industries and references ---- */

int inv_industries(store_conn *c, json_t **out, err *e)
{
	store_stmt *st = store_prepare(
		c, "SELECT id, name FROM inv_industries WHERE active = 1 ORDER BY sort, id", e);
	if (!st)
		return -1;
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s}", "id",
						   (json_int_t)store_col_int(st, 0), "name",
						   store_col_text(st, 1)));
	store_done(st);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = json_pack("{s:o}", "items", a);
	return 0;
}

static int industry_id(store_conn *c, const char *name, int64_t *id, err *e)
{
	if (store_query_int(c, id, 0, e,
			    "SELECT id FROM inv_industries WHERE name = ? AND active = 1", "s",
			    name) < 0)
		return -1;
	if (!*id)
		return err_set(e, ERR_INVALID, "invalid_value", "industry", "未知的产业：%s", name);
	return 0;
}

/* A unit's kind and path; 422 naming field when it does not exist. */
static int unit_ref(store_conn *c, int64_t id, const char *field, char *kind, char *path, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT kind, path FROM units WHERE id = ?", "i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_INVALID, "invalid_unit", field, "单位不存在");
	if (kind)
		snprintf(kind, 16, "%s", store_col_text(st, 0));
	if (path)
		snprintf(path, SCOPE_PATH_MAX, "%s", store_col_text(st, 1));
	store_done(st);
	return 0;
}

/* Whether user id holds the leader role (422 on field otherwise). */
static int leader_ref(store_conn *c, int64_t id, const char *field, err *e)
{
	int64_t n = 0;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id"
			    " WHERE u.id = ? AND r.role = 'leader' AND u.disabled = 0",
			    "i", id) < 0)
		return -1;
	if (!n)
		return err_set(e, ERR_INVALID, "not_a_leader", field, "所选用户不是领导");
	return 0;
}

/* ---- create and change ---- */

static int put_plans(store_conn *c, int64_t id, const inv_project_input *in, err *e)
{
	if (in->has_annual_plan) {
		int y, m;
		inv_local_month(clock_now_ms(), &y, &m);
		if (store_exec(c, e, "DELETE FROM invest_plans WHERE project_id = ? AND year = ?",
			       "ii", id, (int64_t)y) < 0 ||
		    store_exec(
			    c, e,
			    "INSERT INTO invest_plans (project_id, year, amount) VALUES (?, ?, ?)",
			    "iid", id, (int64_t)y, in->annual_plan) < 0)
			return -1;
	}
	size_t i;
	json_t *p;
	json_array_foreach(in->plans, i, p)
	{
		int64_t year = json_integer_value(json_object_get(p, "year"));
		double amount = json_number_value(json_object_get(p, "amount"));
		if (store_exec(c, e, "DELETE FROM invest_plans WHERE project_id = ? AND year = ?",
			       "ii", id, year) < 0 ||
		    store_exec(
			    c, e,
			    "INSERT INTO invest_plans (project_id, year, amount) VALUES (?, ?, ?)",
			    "iid", id, year, amount) < 0)
			return -1;
	}
	return 0;
}

/* The references of in: units, the leader, the industry; the county must be a county
 * the caller may register for. */
static int check_refs(store_conn *c, const actor *who, const inv_project_input *in,
		      int64_t *industry, err *e)
{
	char kind[16], path[SCOPE_PATH_MAX];
	if (in->county_id) {
		if (unit_ref(c, in->county_id, "county_id", kind, path, e) < 0)
			return -1;
		if (strcmp(kind, "county"))
			return err_set(e, ERR_INVALID, "invalid_unit", "county_id",
				       "所属县区须为县（市、区）");
		scope s;
		if (inv_scope_of(c, who, &s, e) < 0)
			return -1;
		if (!s.all && !scope_contains(who->unit_path, path) &&
		    !scope_contains(path, who->unit_path))
			return err_set(e, ERR_FORBIDDEN, "forbidden", "county_id",
				       "只能登记本县区的项目");
	}
	if (in->lead_unit_id && unit_ref(c, in->lead_unit_id, "lead_unit_id", NULL, NULL, e) < 0)
		return -1;
	if (in->service_unit_id &&
	    unit_ref(c, in->service_unit_id, "service_unit_id", NULL, NULL, e) < 0)
		return -1;
	if (in->leader_id && leader_ref(c, in->leader_id, "leader_id", e) < 0)
		return -1;
	*industry = 0;
	if (in->industry && industry_id(c, in->industry, industry, e) < 0)
		return -1;
	return 0;
}

int inv_project_create(store_conn *c, const actor *who, const inv_project_input *in, int64_t *id,
		       err *e)
{
	int64_t industry;
	if (check_refs(c, who, in, &industry, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	json_t *empty = json_array();
	char *tags = json_dumps(in->tags ? in->tags : empty, JSON_COMPACT);
	json_decref(empty);
	store_stmt *st = store_prepare(
		c,
		"INSERT INTO invest_projects (name, owner, county_id, lead_unit_id, industry_id,"
		" tags, total_investment, planned_start, planned_completion, actual_start,"
		" actual_completion, stage, leader_id, service_unit_id, location, lat, lon,"
		" created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		e);
	if (!st) {
		free(tags);
		return -1;
	}
	store_bindf(st, "ssinisdsssssnnsddnii", in->name, in->owner, in->county_id,
		    in->lead_unit_id, industry, tags, in->total_investment, in->planned_start,
		    in->planned_completion, in->actual_start, in->actual_completion,
		    in->stage ? in->stage : "谋划", in->leader_id, in->service_unit_id,
		    in->location, in->lat, in->lon, who->user_id, now, now);
	if (!in->has_lat)
		store_bind_null(st, 16);
	if (!in->has_lon)
		store_bind_null(st, 17);
	free(tags);
	int rc = store_step(st, e);
	if (rc == 1)
		*id = store_col_int(st, 0);
	store_done(st);
	if (rc < 0)
		return -1;
	if (put_plans(c, *id, in, e) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:I, s:f}", "name", in->name, "county_id",
			      (json_int_t)in->county_id, "total_investment", in->total_investment);
	rc = audit_append(c, who, "project_create", "invest_project", *id, d, e);
	json_decref(d);
	return rc;
}

int inv_project_update(store_conn *c, const actor *who, int64_t id, const inv_project_input *in,
		       err *e)
{
	bool writable;
	int64_t industry;
	if (inv_project_visible(c, who, id, &writable, e) < 0)
		return -1;
	if (!writable)
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "无权修改项目");
	if (check_refs(c, who, in, &industry, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	char *tags = in->tags ? json_dumps(in->tags, JSON_COMPACT) : NULL;
	int64_t rc = store_exec(
		c, e,
		"UPDATE invest_projects SET name = COALESCE(?, name), owner = COALESCE(?, owner),"
		" county_id = COALESCE(?, county_id), lead_unit_id = COALESCE(?, lead_unit_id),"
		" industry_id = COALESCE(?, industry_id), tags = COALESCE(?, tags),"
		" planned_start = COALESCE(?, planned_start),"
		" planned_completion = COALESCE(?, planned_completion),"
		" actual_start = COALESCE(?, actual_start),"
		" actual_completion = COALESCE(?, actual_completion), stage = COALESCE(?, stage),"
		" leader_id = COALESCE(?, leader_id), service_unit_id = COALESCE(?, "
		"service_unit_id),"
		" location = COALESCE(?, location), updated_at = ? WHERE id = ?",
		"ssnnnssssssnnsii", in->name, in->owner, in->county_id, in->lead_unit_id, industry,
		tags, in->planned_start, in->planned_completion, in->actual_start,
		in->actual_completion, in->stage, in->leader_id, in->service_unit_id, in->location,
		now, id);
	free(tags);
	if (rc < 0)
		return -1;
	if (in->has_total &&
	    store_exec(c, e, "UPDATE invest_projects SET total_investment = ? WHERE id = ?", "di",
		       in->total_investment, id) < 0)
		return -1;
	if (in->has_lat && store_exec(c, e, "UPDATE invest_projects SET lat = ? WHERE id = ?", "di",
				      in->lat, id) < 0)
		return -1;
	if (in->has_lon && store_exec(c, e, "UPDATE invest_projects SET lon = ? WHERE id = ?", "di",
				      in->lon, id) < 0)
		return -1;
	if (put_plans(c, id, in, e) < 0)
		return -1;
	json_t *d = json_object();
	if (in->name)
		json_object_set_new(d, "name", json_string(in->name));
	if (in->stage)
		json_object_set_new(d, "stage", json_string(in->stage));
	if (in->has_total)
		json_object_set_new(d, "total_investment", json_real(in->total_investment));
	int arc = audit_append(c, who, "project_update", "invest_project", id, d, e);
	json_decref(d);
	return arc;
}

/* ---- reads ---- */

#define PROJECT_SELECT                                                                             \
	"SELECT p.id, p.name, p.owner, p.county_id, cu.name, p.lead_unit_id, lu.name, i.name,"     \
	" p.tags, p.total_investment, p.planned_start, p.planned_completion, p.actual_start,"      \
	" p.actual_completion, p.stage, p.leader_id, ld.display_name, p.service_unit_id,"          \
	" su.name, p.location, p.lat, p.lon, p.created_at, p.updated_at,"                          \
	" COALESCE((SELECT amount FROM invest_plans pl WHERE pl.project_id = p.id"                 \
	" AND pl.year = ?), 0),"                                                                   \
	" COALESCE((SELECT SUM(invested) FROM invest_reports r WHERE r.project_id = p.id"          \
	" AND r.month >= ? AND r.month <= ?), 0),"                                                 \
	" COALESCE((SELECT SUM(invested) FROM invest_reports r WHERE r.project_id = p.id), 0),"    \
	" (SELECT MAX(month) FROM invest_reports r WHERE r.project_id = p.id),"                    \
	" (SELECT COUNT(*) FROM invest_reports r WHERE r.project_id = p.id AND r.month = ?),"      \
	" p.industry_id"                                                                           \
	" FROM invest_projects p JOIN units cu ON cu.id = p.county_id"                             \
	" JOIN inv_industries i ON i.id = p.industry_id"                                           \
	" LEFT JOIN units lu ON lu.id = p.lead_unit_id"                                            \
	" LEFT JOIN units su ON su.id = p.service_unit_id"                                         \
	" LEFT JOIN users ld ON ld.id = p.leader_id WHERE"

/* The year-bound parameters of PROJECT_SELECT, from 1. */
static void bind_year(store_stmt *st, int year, const char *lastm)
{
	char from[16], to[16];
	snprintf(from, sizeof from, "%04d-01", year % 10000);
	snprintf(to, sizeof to, "%04d-12", year % 10000);
	store_bindf(st, "isss", (int64_t)year, from, to, lastm);
}

static json_t *ref_or_null(store_stmt *st, int id_col, int name_col)
{
	if (store_col_null(st, id_col))
		return json_null();
	return json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, id_col), "name",
			 store_col_text(st, name_col));
}

static json_t *text_or_null(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

static json_t *real_or_null(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_real(store_col_double(st, col));
}

/* Whether a project in this stage owes monthly reports: those under construction. */
static bool reports_due(const char *stage)
{
	return !strcmp(stage, "开工") || !strcmp(stage, "续建");
}

static json_t *project_row(store_stmt *st, int year, int64_t now)
{
	json_error_t je;
	json_t *tags = json_loads(store_col_text(st, 8), 0, &je);
	if (!json_is_array(tags)) {
		json_decref(tags);
		tags = json_array();
	}
	double total = store_col_double(st, 9), plan = store_col_double(st, 24),
	       inv_year = store_col_double(st, 25), inv_total = store_col_double(st, 26);
	const char *latest = store_col_text(st, 27);
	int latest_in_year = 0;
	if (latest[0] && atoi(latest) == year)
		latest_in_year = atoi(latest + 5);
	int elapsed = inv_months_elapsed(year, now, latest_in_year);
	const char *status = inv_status(inv_year, plan, elapsed);
	const char *stage = store_col_text(st, 14);
	bool missing = reports_due(stage) && store_col_int(st, 28) == 0;
	json_t *o = json_pack(
		"{s:I, s:s, s:o, s:{s:I, s:s}, s:o, s:s, s:o, s:f, s:s, s:s, s:o, s:o, s:s, s:o,"
		" s:o, s:o, s:o, s:o}",
		"id", (json_int_t)store_col_int(st, 0), "name", store_col_text(st, 1), "owner",
		text_or_null(st, 2), "county", "id", (json_int_t)store_col_int(st, 3), "name",
		store_col_text(st, 4), "lead_unit", ref_or_null(st, 5, 6), "industry",
		store_col_text(st, 7), "tags", tags, "total_investment", total, "planned_start",
		store_col_text(st, 10), "planned_completion", store_col_text(st, 11),
		"actual_start", text_or_null(st, 12), "actual_completion", text_or_null(st, 13),
		"stage", stage, "leader", ref_or_null(st, 15, 16), "service_unit",
		ref_or_null(st, 17, 18), "location", text_or_null(st, 19), "lat",
		real_or_null(st, 20), "lon", real_or_null(st, 21));
	json_object_set_new(o, "county_id", json_integer(store_col_int(st, 3)));
	json_object_set_new(o, "industry_id", json_integer(store_col_int(st, 29)));
	json_object_set_new(o, "year", json_integer(year));
	json_object_set_new(o, "annual_plan", json_real(plan));
	json_object_set_new(o, "invested_year", json_real(inv_year));
	json_object_set_new(o, "invested_total", json_real(inv_total));
	json_object_set_new(o, "pct_year_plan", json_real(inv_pct1(inv_year, plan)));
	json_object_set_new(o, "pct_total", json_real(inv_pct1(inv_total, total)));
	json_object_set_new(o, "months_elapsed", json_integer(elapsed));
	json_object_set_new(o, "status", status ? json_string(status) : json_null());
	json_object_set_new(o, "last_report_month", latest[0] ? json_string(latest) : json_null());
	json_object_set_new(o, "report_missing", json_boolean(missing));
	return o;
}

static bool matches(json_t *o, const inv_filter *f)
{
	if (f->status) {
		json_t *s = json_object_get(o, "status");
		if (!json_is_string(s) || strcmp(json_string_value(s), f->status))
			return false;
	}
	if (f->missing == 1 && !json_is_true(json_object_get(o, "report_missing")))
		return false;
	return true;
}

int inv_project_list(store_conn *c, const actor *who, const inv_filter *f, int64_t page,
		     int64_t per_page, json_t **items, int64_t *total, err *e)
{
	scope s;
	if (inv_scope_of(c, who, &s, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	int y, m;
	inv_local_month(now, &y, &m);
	char lastm[16];
	last_month(now, lastm);
	strbuf sql = STRBUF_INIT;
	strbuf_adds(&sql, PROJECT_SELECT SCOPE_SQL
		    " AND (CAST(? AS BIGINT) = 0 OR p.county_id = ?) AND (CAST(? AS BIGINT) = 0 OR "
		    "p.industry_id = ?)"
		    " AND (CAST(? AS TEXT) IS NULL OR p.stage = ?)"
		    " AND (CAST(? AS TEXT) IS NULL OR p.name LIKE ? ESCAPE '\\'"
		    " OR p.owner LIKE ? ESCAPE '\\')"
		    " ORDER BY p.id DESC LIMIT 5000");
	strbuf like = STRBUF_INIT;
	if (f->q)
		store_like_pattern(&like, f->q);
	store_stmt *st = store_prepare(c, strbuf_str(&sql), e);
	strbuf_release(&sql);
	if (!st) {
		strbuf_release(&like);
		return -1;
	}
	bind_year(st, y, lastm);
	inv_bind_scope(st, 5, &s);
	const char *pat = f->q ? strbuf_str(&like) : NULL;
	int k = 9;
	store_bind_int(st, k++, f->county_id);
	store_bind_int(st, k++, f->county_id);
	store_bind_int(st, k++, f->industry_id);
	store_bind_int(st, k++, f->industry_id);
	store_bind_text(st, k++, f->stage);
	store_bind_text(st, k++, f->stage);
	store_bind_text(st, k++, f->q);
	store_bind_text(st, k++, pat);
	store_bind_text(st, k++, pat);
	json_t *all = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *o = project_row(st, y, now);
		if (matches(o, f))
			json_array_append_new(all, o);
		else
			json_decref(o);
	}
	store_done(st);
	strbuf_release(&like);
	if (rc < 0) {
		json_decref(all);
		return -1;
	}
	*total = (int64_t)json_array_size(all);
	json_t *out = json_array();
	for (int64_t i = (page - 1) * per_page; i < *total && i < page * per_page; i++)
		json_array_append(out, json_array_get(all, (size_t)i));
	json_decref(all);
	*items = out;
	return 0;
}

static int plans_json(store_conn *c, int64_t id, json_t **out, err *e)
{
	store_stmt *st = store_prepare(
		c, "SELECT year, amount FROM invest_plans WHERE project_id = ? ORDER BY year", e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(a, json_pack("{s:I, s:f}", "year",
						   (json_int_t)store_col_int(st, 0), "amount",
						   store_col_double(st, 1)));
	store_done(st);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

/* The plan of a year from plans ([{year, amount}]), 0 when none. */
static double plan_of(json_t *plans, int year)
{
	size_t i;
	json_t *p;
	json_array_foreach(plans, i, p)
	{
		if (json_integer_value(json_object_get(p, "year")) == year)
			return json_number_value(json_object_get(p, "amount"));
	}
	return 0;
}

/* The reports, oldest first, with their cumulative figures (of the year and since the
 * start) against the year's plan and the total investment. */
static int reports_json(store_conn *c, int64_t id, json_t *plans, double total, json_t **out,
			err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT r.id, r.month, r.invested, r.stage, r.progress, r.problems, r.key_issue_id,"
		" k.number, u.display_name, r.reported_at FROM invest_reports r"
		" LEFT JOIN cases k ON k.id = r.key_issue_id LEFT JOIN users u ON u.id = "
		"r.reported_by"
		" WHERE r.project_id = ? ORDER BY r.month",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *a = json_array();
	double cum_total = 0, cum_year = 0;
	int cur_year = 0, rc;
	while ((rc = store_step(st, e)) == 1) {
		const char *month = store_col_text(st, 1);
		int year = atoi(month);
		double inv = store_col_double(st, 2);
		if (year != cur_year) {
			cur_year = year;
			cum_year = 0;
		}
		cum_year += inv;
		cum_total += inv;
		double plan = plan_of(plans, year);
		char at[40];
		clock_format_iso(store_col_int(st, 9), at, sizeof at);
		json_t *ki = store_col_null(st, 6) ? json_null()
						   : json_pack("{s:I, s:s}", "id",
							       (json_int_t)store_col_int(st, 6),
							       "number", store_col_text(st, 7));
		json_t *o = json_pack(
			"{s:I, s:s, s:f, s:f, s:f, s:f, s:f, s:s, s:o, s:o, s:o, s:o, s:s}", "id",
			(json_int_t)store_col_int(st, 0), "month", month, "invested", inv,
			"cumulative_year", cum_year, "cumulative_total", cum_total, "pct_year_plan",
			inv_pct1(cum_year, plan), "pct_total", inv_pct1(cum_total, total), "stage",
			store_col_text(st, 3), "progress", text_or_null(st, 4), "problems",
			text_or_null(st, 5), "key_issue", ki, "reported_by", text_or_null(st, 8),
			"reported_at", at);
		json_array_append_new(a, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

static int key_issues_json(store_conn *c, int64_t id, json_t **out, err *e)
{
	store_stmt *st = store_prepare(c,
				       "SELECT k.id, k.number, k.title, k.status FROM key_issues ki"
				       " JOIN cases k ON k.id = ki.case_id WHERE ki.project_id = ?"
				       " ORDER BY k.id",
				       e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(
			a, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0),
				     "number", store_col_text(st, 1), "title",
				     store_col_text(st, 2), "status", store_col_text(st, 3)));
	store_done(st);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

int inv_project_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	bool writable;
	if (inv_project_visible(c, who, id, &writable, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	int y, m;
	inv_local_month(now, &y, &m);
	char lastm[16];
	last_month(now, lastm);
	store_stmt *st = store_prepare(c, PROJECT_SELECT " p.id = ?", e);
	if (!st)
		return -1;
	bind_year(st, y, lastm);
	store_bind_int(st, 5, id);
	int rc = store_step(st, e);
	json_t *o = rc == 1 ? project_row(st, y, now) : NULL;
	store_done(st);
	if (rc < 0)
		return -1;
	if (!o)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "项目不存在");
	json_t *plans = NULL, *reports = NULL, *kis = NULL;
	if (plans_json(c, id, &plans, e) < 0 ||
	    reports_json(c, id, plans, json_real_value(json_object_get(o, "total_investment")),
			 &reports, e) < 0 ||
	    key_issues_json(c, id, &kis, e) < 0) {
		json_decref(plans);
		json_decref(reports);
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "plans", plans);
	json_object_set_new(o, "reports", reports);
	json_object_set_new(o, "key_issues", kis);
	json_object_set_new(o, "writable", json_boolean(writable));
	json_object_set_new(o, "due_month", json_string(lastm));
	*out = o;
	return 0;
}

/* ---- monthly reports ---- */

int inv_report_create(store_conn *c, const actor *who, int64_t project_id,
		      const inv_report_input *in, int64_t *id, err *e)
{
	bool writable;
	if (inv_project_visible(c, who, project_id, &writable, e) < 0)
		return -1;
	if (!writable)
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "无权填报月报");
	int64_t now = clock_now_ms();
	int y, m;
	inv_local_month(now, &y, &m);
	char cur[16];
	snprintf(cur, sizeof cur, "%04d-%02d", y % 10000, m % 100);
	if (strcmp(in->month, cur) > 0)
		return err_set(e, ERR_INVALID, "future_month", "month", "不能填报未来月份的月报");
	int64_t have = 0;
	if (store_query_int(
		    c, &have, 0, e,
		    "SELECT COUNT(*) FROM invest_reports WHERE project_id = ? AND month = ?", "is",
		    project_id, in->month) < 0)
		return -1;
	if (have)
		return err_set(e, ERR_CONFLICT, "duplicate", "month", "%s 的月报已填报", in->month);
	store_stmt *st = store_prepare(
		c,
		"INSERT INTO invest_reports (project_id, month, invested, stage, progress, "
		"problems,"
		" reported_by, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		e);
	if (!st)
		return -1;
	store_bindf(st, "isdsssni", project_id, in->month, in->invested, in->stage, in->progress,
		    in->problems, who->user_id, now);
	int rc = store_step(st, e);
	if (rc == 1)
		*id = store_col_int(st, 0);
	store_done(st);
	if (rc < 0)
		return -1;
	/* The project takes the stage of its latest report; the first month under
	 * construction is its actual start, the first completed its completion. */
	char first_day[24];
	snprintf(first_day, sizeof first_day, "%s-01", in->month);
	bool started = strcmp(in->stage, "谋划") && strcmp(in->stage, "签约");
	bool done = !strcmp(in->stage, "竣工") || !strcmp(in->stage, "投产");
	if (store_exec(c, e,
		       "UPDATE invest_projects SET stage = CASE WHEN ? >= COALESCE((SELECT"
		       " MAX(month) FROM invest_reports WHERE project_id = ?), '') THEN ?"
		       " ELSE stage END, updated_at = ? WHERE id = ?",
		       "sisii", in->month, project_id, in->stage, now, project_id) < 0 ||
	    (started && store_exec(c, e,
				   "UPDATE invest_projects SET actual_start = ? WHERE id = ?"
				   " AND actual_start IS NULL",
				   "si", first_day, project_id) < 0) ||
	    (done && store_exec(c, e,
				"UPDATE invest_projects SET actual_completion = ? WHERE id = ?"
				" AND actual_completion IS NULL",
				"si", first_day, project_id) < 0))
		return -1;
	json_t *d = json_pack("{s:s, s:f, s:s, s:I}", "month", in->month, "invested", in->invested,
			      "stage", in->stage, "report_id", (json_int_t)*id);
	rc = audit_append(c, who, "project_report", "invest_project", project_id, d, e);
	json_decref(d);
	return rc;
}

int inv_report_problem(store_conn *c, int64_t project_id, int64_t report_id, char **project_name,
		       char **problems, int64_t *county_id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT p.name, r.problems, r.key_issue_id, p.county_id"
		" FROM invest_reports r JOIN invest_projects p ON p.id = r.project_id"
		" WHERE r.id = ? AND r.project_id = ?",
		"ii", report_id, project_id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "月报不存在");
	bool none = store_col_null(st, 1) || !store_col_text(st, 1)[0];
	bool linked = !store_col_null(st, 2);
	*project_name = xstrdup(store_col_text(st, 0));
	*problems = xstrdup(store_col_text(st, 1));
	*county_id = store_col_int(st, 3);
	store_done(st);
	if (none || linked) {
		free(*project_name);
		free(*problems);
		*project_name = *problems = NULL;
		return none ? err_set(e, ERR_INVALID, "no_problem", NULL, "该月报未填写存在问题")
			    : err_set(e, ERR_CONFLICT, "already_key_issue", NULL,
				      "该问题已列为重点问题");
	}
	return 0;
}

int inv_report_link(store_conn *c, int64_t report_id, int64_t case_id, err *e)
{
	return store_exec(c, e, "UPDATE invest_reports SET key_issue_id = ? WHERE id = ?", "ii",
			  case_id, report_id) < 0
		       ? -1
		       : 0;
}

/* ---- the missing-report flag ---- */

typedef struct missing_ctx {
	int64_t now;
	int flagged;
} missing_ctx;

static int tx_flag_missing(store_conn *c, void *p, err *e)
{
	missing_ctx *x = p;
	x->flagged = 0;
	char lastm[16];
	last_month(x->now, lastm);
	store_stmt *st = store_prepare(
		c,
		"SELECT p.id, p.name, p.county_id FROM invest_projects p"
		" WHERE p.stage IN ('开工', '续建')"
		" AND NOT EXISTS (SELECT 1 FROM invest_reports r WHERE r.project_id = p.id"
		" AND r.month = ?)"
		" AND NOT EXISTS (SELECT 1 FROM invest_missing_flags f WHERE f.project_id = p.id"
		" AND f.month = ?) ORDER BY p.id LIMIT 500",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ss", lastm, lastm);
	size_t n = 0, cap = 0;
	struct miss {
		int64_t id, county;
		char *name;
	} *rows = NULL;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		rows[n].id = store_col_int(st, 0);
		rows[n].name = xstrdup(store_col_text(st, 1));
		rows[n].county = store_col_int(st, 2);
		n++;
	}
	store_done(st);
	for (size_t i = 0; i < n; i++) {
		if (rc >= 0) {
			char *body = xasprintf("项目「%s」%s 的月报尚未报送，请及时填报。",
					       rows[i].name, lastm);
			if (store_exec(c, e,
				       "INSERT INTO invest_missing_flags (project_id, month, "
				       "county_id,"
				       " flagged_at) VALUES (?, ?, ?, ?)",
				       "isii", rows[i].id, lastm, rows[i].county, x->now) < 0 ||
			    case_notify(c, rows[i].county, 0, 0, "project_report_missing",
					"项目月报缺报", body, e) < 0)
				rc = -1;
			else
				x->flagged++;
			free(body);
		}
		free(rows[i].name);
	}
	free(rows);
	return rc < 0 ? -1 : 0;
}

int inv_flag_missing_reports(store *s, int64_t now, err *e)
{
	missing_ctx x = {.now = now};
	return store_write(s, tx_flag_missing, &x, e) < 0 ? -1 : x.flagged;
}
