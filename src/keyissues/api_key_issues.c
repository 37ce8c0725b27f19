/* 重点问题 over HTTP (docs/projects.md): registration (also from a project's problem), the
 * list, one key issue, its actions and the leader's desk. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/validate.h"
#include "keyissues/key_issue.h"
#include "org/caller.h"
#include "routes.h"

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

static int parse_task_force(json_t *b, ki_input *in, err *e)
{
	json_t *v = json_object_get(b, "task_force");
	if (!v || json_is_null(v)) {
		in->task_force = NULL;
		return 0;
	}
	if (!json_is_array(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "task_force",
			       "task_force 须为用户编号数组");
	if (json_array_size(v) > KI_TASK_FORCE_MAX)
		return err_set(e, ERR_INVALID, "too_many", "task_force", "专班成员最多 %d 人",
			       KI_TASK_FORCE_MAX);
	size_t i;
	json_t *id;
	json_array_foreach(v, i, id)
	{
		if (!json_is_integer(id) || json_integer_value(id) < 1)
			return err_set(e, ERR_BAD_REQUEST, "invalid_type", "task_force",
				       "task_force 须为用户编号数组");
	}
	in->task_force = v;
	return 0;
}

static int parse_milestones(json_t *b, ki_input *in, err *e)
{
	json_t *v = json_object_get(b, "milestones");
	if (!v || json_is_null(v)) {
		in->milestones = NULL;
		return 0;
	}
	if (!json_is_array(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "milestones",
			       "milestones 须为 [{title, due}] 数组");
	if (json_array_size(v) > KI_MILESTONES_MAX)
		return err_set(e, ERR_INVALID, "too_many", "milestones", "节点最多 %d 个",
			       KI_MILESTONES_MAX);
	size_t i;
	json_t *m;
	json_array_foreach(v, i, m)
	{
		const char *title, *due;
		if (!json_is_object(m))
			return err_set(e, ERR_BAD_REQUEST, "invalid_type", "milestones",
				       "milestones 的每一项须为对象");
		if (jv_str(m, "title", JV_REQUIRED, KI_TITLE_MAX, &title, NULL, e) < 0 ||
		    jv_str(m, "due", JV_REQUIRED, 10, &due, NULL, e) < 0) {
			char field[16];
			snprintf(field, sizeof field, "%.15s", e->field);
			snprintf(e->field, sizeof e->field, "milestones[%zu].%s", i, field);
			return -1;
		}
		if (!date_valid(due)) {
			err_set(e, ERR_INVALID, "invalid_date", NULL, "节点日期须为 YYYY-MM-DD");
			snprintf(e->field, sizeof e->field, "milestones[%zu].due", i);
			return -1;
		}
	}
	in->milestones = v;
	return 0;
}

/* The body of a registration; from_report: title and lead unit may be left out. */
static int parse_input(json_t *b, bool from_report, ki_input *in, err *e)
{
	return jv_str(b, "title", from_report ? 0 : JV_REQUIRED, KI_TITLE_MAX, &in->title, NULL,
		      e) < 0 ||
			       jv_str(b, "plan", JV_MULTILINE, KI_TEXT_MAX, &in->plan, NULL, e) <
				       0 ||
			       jv_int(b, "lead_leader_id", JV_REQUIRED, 1, INT64_MAX,
				      &in->lead_leader_id, NULL, e) < 0 ||
			       jv_int(b, "lead_unit_id", 0, 1, INT64_MAX, &in->lead_unit_id, NULL,
				      e) < 0 ||
			       parse_task_force(b, in, e) < 0 || parse_milestones(b, in, e) < 0
		       ? -1
		       : 0;
}

typedef struct write_ctx {
	const actor *who;
	ki_input in;
	int64_t id, project_id, report_id;
	const char *action;
	json_t *body;
} write_ctx;

static int answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || ki_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int create_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return ki_create(c, x->who, &x->in, &x->id, e);
}

static int h_create(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (!b || parse_input(b, false, &x.in, &e) < 0 ||
	    store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

static int from_report_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return ki_from_report(c, x->who, x->project_id, x->report_id, &x->in, &x->id, e);
}

static int h_from_report(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b;
	if (http_param_id(r, "id", &x.project_id, &e) < 0 ||
	    http_param_id(r, "report_id", &x.report_id, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    parse_input(b, true, &x.in, &e) < 0 ||
	    store_write(r->store, from_report_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

static const char *const statuses[] = {"open", "closed", NULL};
static const char *const lights[] = {"red", "yellow", "green", NULL};

static bool in_words(const char *v, const char *const *words)
{
	for (; v && *words; words++)
		if (!strcmp(v, *words))
			return true;
	return false;
}

static int h_list(http_req *r)
{
	err e = {0};
	ki_filter f = {0};
	int64_t page, per_page, mine;
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "project_id", 1, INT64_MAX, 0, &f.project_id, &e) < 0 ||
	    http_query_int(r, "mine", 0, 1, 0, &mine, &e) < 0)
		return http_error(r, &e);
	f.mine = (int)mine;
	f.status = http_query(r, "status");
	f.light = http_query(r, "light");
	f.q = http_query(r, "q");
	if (f.status && !in_words(f.status, statuses))
		return http_fail(r, 400, "invalid_parameter", "status",
				 "status 须为 open 或 closed");
	if (f.light && !in_words(f.light, lights))
		return http_fail(r, 400, "invalid_parameter", "light",
				 "light 须为 red、yellow 或 green");
	if (f.q && (jv_utf8_chars(f.q) < 0 || jv_utf8_chars(f.q) > 100))
		return http_fail(r, 400, "invalid_parameter", "q",
				 "查询参数过长或不是有效的 UTF-8");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || ki_list(c, req_actor(r), &f, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, id);
}

static int h_desk(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || ki_desk(c, req_actor(r), &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_people(http_req *r)
{
	err e = {0};
	int64_t leaders;
	if (http_query_int(r, "leaders", 0, 1, 0, &leaders, &e) < 0)
		return http_error(r, &e);
	const char *q = http_query(r, "q");
	if (q && (jv_utf8_chars(q) < 0 || jv_utf8_chars(q) > 50))
		return http_fail(r, 400, "invalid_parameter", "q",
				 "查询参数过长或不是有效的 UTF-8");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || ki_people(c, q, leaders == 1, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int act_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return ki_act(c, x->who, x->id, x->action, x->body, e);
}

static int h_action(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	x.body = http_body_object(r, &e);
	if (!x.body || jv_str(x.body, "action", JV_REQUIRED, 32, &x.action, NULL, &e) < 0 ||
	    store_write(r->store, act_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, x.id);
}

const struct route api_key_issues_routes[] = {
	{"POST", "/api/v1/key-issues", h_create, 0, KI_CREATE_ROLES, NULL},
	{"GET", "/api/v1/key-issues", h_list, 0, KI_READ_ROLES, NULL},
	{"GET", "/api/v1/key-issues/desk", h_desk, 0, ROLE_LEADER, NULL},
	{"GET", "/api/v1/key-issues/people", h_people, 0, KI_CREATE_ROLES, NULL},
	{"GET", "/api/v1/key-issues/{id}", h_get, 0, KI_READ_ROLES, NULL},
	{"POST", "/api/v1/key-issues/{id}/actions", h_action, 0, KI_READ_ROLES, NULL},
	{"POST", "/api/v1/projects/{id}/reports/{report_id}/key-issue", h_from_report, 0,
	 KI_CREATE_ROLES, NULL},
};
const size_t api_key_issues_routes_count =
	sizeof api_key_issues_routes / sizeof api_key_issues_routes[0];
