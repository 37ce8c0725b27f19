/* 项目库 over HTTP (docs/projects.md): the register, one project, its monthly reports, the
 * industries and the figures per county and industry. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "http/http.h"
#include "http/validate.h"
#include "disputes/api_edge.h"
#include "investment/invest.h"
#include "org/caller.h"
#include "routes.h"

enum {
	NAME_MAX_CHARS = 100,
	TEXT_MAX_CHARS = 2000,
	TAGS_MAX = 10,
	TAG_MAX_CHARS = 20,
	PLANS_MAX = 20
};
#define MONEY_MAX 1e9 /* 万元 */
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static bool in_words(const char *v, const char *const *words)
{
	for (; v && *words; words++)
		if (!strcmp(v, *words))
			return true;
	return false;
}

/* A number field within [min, max]: 400 when not a number, 422 out of range. */
static int num_field(json_t *o, const char *key, bool required, double min, double max, double *out,
		     bool *has, err *e)
{
	json_t *v = json_object_get(o, key);
	*has = false;
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(e, ERR_INVALID, "missing_field", key, "请填写 %s", key);
		return 0;
	}
	if (!json_is_number(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "%s 须为数字", key);
	double d = json_number_value(v);
	if (!isfinite(d) || d < min || d > max)
		return err_set(e, ERR_INVALID, "out_of_range", key, "%s 须在 %g 到 %g 之间", key,
			       min, max);
	*out = d;
	*has = true;
	return 0;
}

/* A calendar date YYYY-MM-DD. */
static bool date_valid(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

static int date_field(json_t *o, const char *key, bool required, const char **out, err *e)
{
	if (jv_str(o, key, required ? JV_REQUIRED : 0, 10, out, NULL, e) < 0)
		return -1;
	if (*out && !date_valid(*out))
		return err_set(e, ERR_INVALID, "invalid_date", key, "%s 须为日期 YYYY-MM-DD", key);
	return 0;
}

/* A month YYYY-MM. */
static bool month_valid(const char *s)
{
	if (strlen(s) != 7 || s[4] != '-' || !isdigit((unsigned char)s[5]) ||
	    !isdigit((unsigned char)s[6]))
		return false;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	int y = atoi(s), m = atoi(s + 5);
	return y >= 1990 && y <= 2100 && m >= 1 && m <= 12;
}

static int parse_tags(json_t *b, inv_project_input *in, err *e)
{
	json_t *v = json_object_get(b, "tags");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "tags", "tags 须为字符串数组");
	if (json_array_size(v) > TAGS_MAX)
		return err_set(e, ERR_INVALID, "too_many", "tags", "标签最多 %d 个", TAGS_MAX);
	size_t i;
	json_t *t;
	json_array_foreach(v, i, t)
	{
		if (!json_is_string(t))
			return err_set(e, ERR_BAD_REQUEST, "invalid_type", "tags",
				       "tags 须为字符串数组");
		long n = jv_utf8_chars(json_string_value(t));
		if (n < 1 || n > TAG_MAX_CHARS || jv_has_control(json_string_value(t), false))
			return err_set(e, ERR_INVALID, "invalid_value", "tags",
				       "每个标签 1 到 %d 个字", TAG_MAX_CHARS);
	}
	in->tags = v;
	return 0;
}

static int parse_plans(json_t *b, inv_project_input *in, err *e)
{
	json_t *v = json_object_get(b, "plans");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "plans",
			       "plans 须为 [{year, amount}] 数组");
	if (json_array_size(v) > PLANS_MAX)
		return err_set(e, ERR_INVALID, "too_many", "plans", "年度计划最多 %d 年",
			       PLANS_MAX);
	size_t i;
	json_t *p;
	json_array_foreach(v, i, p)
	{
		int64_t year;
		double amount;
		bool has;
		if (!json_is_object(p))
			return err_set(e, ERR_BAD_REQUEST, "invalid_type", "plans",
				       "plans 的每一项须为对象");
		if (jv_int(p, "year", JV_REQUIRED, 1990, 2100, &year, NULL, e) < 0 ||
		    num_field(p, "amount", true, 0, MONEY_MAX, &amount, &has, e) < 0) {
			snprintf(e->field, sizeof e->field, "plans[%zu]", i);
			return -1;
		}
	}
	in->plans = v;
	return 0;
}

/* The body of a create (required fields enforced) or a change (every field optional). */
static int parse_project(json_t *b, bool create, inv_project_input *in, err *e)
{
	unsigned req = create ? JV_REQUIRED : 0;
	if (jv_str(b, "name", req, NAME_MAX_CHARS, &in->name, NULL, e) < 0 ||
	    jv_str(b, "owner", 0, NAME_MAX_CHARS, &in->owner, NULL, e) < 0 ||
	    jv_str(b, "industry", req, 40, &in->industry, NULL, e) < 0 ||
	    jv_str(b, "stage", 0, 8, &in->stage, NULL, e) < 0 ||
	    jv_str(b, "location", 0, 200, &in->location, NULL, e) < 0 ||
	    jv_int(b, "county_id", req, 1, INT64_MAX, &in->county_id, NULL, e) < 0 ||
	    jv_int(b, "lead_unit_id", 0, 1, INT64_MAX, &in->lead_unit_id, NULL, e) < 0 ||
	    jv_int(b, "leader_id", 0, 1, INT64_MAX, &in->leader_id, NULL, e) < 0 ||
	    jv_int(b, "service_unit_id", 0, 1, INT64_MAX, &in->service_unit_id, NULL, e) < 0 ||
	    num_field(b, "total_investment", create, 0, MONEY_MAX, &in->total_investment,
		      &in->has_total, e) < 0 ||
	    num_field(b, "annual_plan", false, 0, MONEY_MAX, &in->annual_plan, &in->has_annual_plan,
		      e) < 0 ||
	    num_field(b, "lat", false, -90, 90, &in->lat, &in->has_lat, e) < 0 ||
	    num_field(b, "lon", false, -180, 180, &in->lon, &in->has_lon, e) < 0 ||
	    date_field(b, "planned_start", create, &in->planned_start, e) < 0 ||
	    date_field(b, "planned_completion", create, &in->planned_completion, e) < 0 ||
	    date_field(b, "actual_start", false, &in->actual_start, e) < 0 ||
	    date_field(b, "actual_completion", false, &in->actual_completion, e) < 0 ||
	    parse_tags(b, in, e) < 0 || parse_plans(b, in, e) < 0)
		return -1;
	if (in->stage && !in_words(in->stage, inv_stages))
		return err_set(e, ERR_INVALID, "invalid_value", "stage",
			       "阶段须为 谋划、签约、开工、续建、竣工 或 投产");
	if (in->planned_start && in->planned_completion &&
	    strcmp(in->planned_completion, in->planned_start) < 0)
		return err_set(e, ERR_INVALID, "out_of_range", "planned_completion",
			       "计划竣工日期不能早于计划开工日期");
	return 0;
}

typedef struct write_ctx {
	const actor *who;
	int64_t id, report_id;
	inv_project_input in;
	inv_report_input rep;
	json_t *body;
} write_ctx;

static int answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || inv_project_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int create_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return inv_project_create(c, x->who, &x->in, &x->id, e);
}

static int h_create(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (!b || parse_project(b, true, &x.in, &e) < 0 ||
	    store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

static int update_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return inv_project_update(c, x->who, x->id, &x->in, e);
}

static int h_update(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    parse_project(b, false, &x.in, &e) < 0 || store_write(r->store, update_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, x.id);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, id);
}

static const char *const statuses[] = {"超前", "正常", "滞后", NULL};

static int h_list(http_req *r)
{
	err e = {0};
	inv_filter f = {0};
	int64_t page, per_page, missing;
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "county_id", 1, INT64_MAX, 0, &f.county_id, &e) < 0 ||
	    http_query_int(r, "industry_id", 1, INT64_MAX, 0, &f.industry_id, &e) < 0 ||
	    http_query_int(r, "missing", 0, 1, 0, &missing, &e) < 0)
		return http_error(r, &e);
	f.missing = (int)missing;
	f.stage = http_query(r, "stage");
	f.status = http_query(r, "status");
	f.q = http_query(r, "q");
	if (f.q && (jv_utf8_chars(f.q) < 0 || jv_utf8_chars(f.q) > 100))
		return http_fail(r, 400, "invalid_parameter", "q",
				 "查询参数过长或不是有效的 UTF-8");
	if (f.stage && !in_words(f.stage, inv_stages))
		return http_fail(r, 400, "invalid_parameter", "stage", "未知的阶段");
	if (f.status && !in_words(f.status, statuses))
		return http_fail(r, 400, "invalid_parameter", "status",
				 "status 须为 超前、正常 或 滞后");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || inv_project_list(c, req_actor(r), &f, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_industries(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || inv_industries(c, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int report_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return inv_report_create(c, x->who, x->id, &x->rep, &x->report_id, e);
}

static int h_report(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b;
	bool has;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    jv_str(b, "month", JV_REQUIRED, 7, &x.rep.month, NULL, &e) < 0 ||
	    num_field(b, "invested", true, -MONEY_MAX, MONEY_MAX, &x.rep.invested, &has, &e) < 0 ||
	    jv_str(b, "stage", JV_REQUIRED, 8, &x.rep.stage, NULL, &e) < 0 ||
	    jv_str(b, "progress", JV_MULTILINE, TEXT_MAX_CHARS, &x.rep.progress, NULL, &e) < 0 ||
	    jv_str(b, "problems", JV_MULTILINE, TEXT_MAX_CHARS, &x.rep.problems, NULL, &e) < 0)
		return http_error(r, &e);
	if (!month_valid(x.rep.month))
		return http_fail(r, 422, "invalid_month", "month", "月份须为 YYYY-MM");
	if (x.rep.invested < 0)
		return http_fail(r, 422, "out_of_range", "invested", "本月完成投资不能为负数");
	if (!in_words(x.rep.stage, inv_stages))
		return http_fail(r, 422, "invalid_value", "stage",
				 "阶段须为 谋划、签约、开工、续建、竣工 或 投产");
	if (store_write(r->store, report_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

static int h_stats(http_req *r)
{
	err e = {0};
	char iso[40];
	clock_format_iso(clock_now_ms(), iso, sizeof iso);
	int y = atoi(iso);
	int64_t year;
	if (http_query_int(r, "year", 1990, 2100, y, &year, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || inv_stats(c, req_actor(r), (int)year, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_stats_xlsx(http_req *r)
{
	err e = {0};
	char iso[40];
	clock_format_iso(clock_now_ms(), iso, sizeof iso);
	int64_t year;
	if (http_query_int(r, "year", 1990, 2100, atoi(iso), &year, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	char *data;
	size_t len;
	if (!c || inv_stats(c, req_actor(r), (int)year, &o, &e) < 0)
		return http_error(r, &e);
	int rc = inv_stats_xlsx(o, &data, &len, &e);
	json_decref(o);
	if (rc < 0)
		return http_error(r, &e);
	return dispute_edge_file(r, data, len, XLSX_TYPE,
				 arena_printf(&r->arena, "projects-%lld.xlsx", (long long)year),
				 arena_printf(&r->arena, "项目建设统计_%lld.xlsx", (long long)year),
				 false);
}

static int h_offices(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || inv_offices_get(c, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int offices_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return inv_offices_set(c, x->who, x->body, e);
}

static int h_set_offices(http_req *r)
{
	static const char *const keys[] = {"projects", "key_issues"};
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	if (!(x.body = http_body_object(r, &e)))
		return http_error(r, &e);
	bool any = false;
	for (size_t i = 0; i < 2; i++) {
		json_t *a = json_object_get(x.body, keys[i]);
		if (!a)
			continue;
		any = true;
		if (!json_is_array(a))
			return http_fail(r, 400, "invalid_type", keys[i], "须为单位编号的数组");
		if (json_array_size(a) > 20)
			return http_fail(r, 422, "too_many", keys[i], "最多 20 个单位");
		size_t j;
		json_t *v;
		json_array_foreach(a, j, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				return http_fail(r, 400, "invalid_type", keys[i], "须为单位编号");
		}
	}
	if (!any)
		return http_fail(r, 422, "missing_field", "projects",
				 "请给出 projects（发改委）或 key_issues（督查室）的单位");
	if (store_write(r->store, offices_tx, &x, &e) < 0)
		return http_error(r, &e);
	return h_offices(r);
}

const struct route api_projects_routes[] = {
	{"GET", "/api/v1/projects/offices", h_offices, 0, ROLE_ADMIN, NULL},
	{"PUT", "/api/v1/projects/offices", h_set_offices, 0, ROLE_ADMIN, NULL},
	{"GET", "/api/v1/projects", h_list, 0, INV_READ_ROLES, NULL},
	{"POST", "/api/v1/projects", h_create, 0, INV_WRITE_ROLES, NULL},
	{"GET", "/api/v1/projects/industries", h_industries, 0, INV_READ_ROLES, NULL},
	{"GET", "/api/v1/projects/{id}", h_get, 0, INV_READ_ROLES, NULL},
	{"PATCH", "/api/v1/projects/{id}", h_update, 0, INV_WRITE_ROLES, NULL},
	{"POST", "/api/v1/projects/{id}/reports", h_report, 0, INV_WRITE_ROLES, NULL},
	{"GET", "/api/v1/stats/projects", h_stats, 0, INV_READ_ROLES, NULL},
	{"GET", "/api/v1/stats/projects/export.xlsx", h_stats_xlsx, 0, INV_READ_ROLES, NULL},
};
const size_t api_projects_routes_count = sizeof api_projects_routes / sizeof api_projects_routes[0];
