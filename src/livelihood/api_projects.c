/* 民生实事 over HTTP, part two (docs/livelihood.md): the year's projects, milestones,
 * progress with photos, inspections, sign-off, the evaluation, the year's report and the
 * public page. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "livelihood/api_edge.h"
#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "core/mem.h"
#include "core/photo.h"
#include "livelihood/livelihood.h"

typedef struct pctx {
	const actor *who;
	int64_t id, id2, out;
	const void *in;
	const char *text;
	int (*fn)(store_conn *c, struct pctx *x, err *e);
} pctx;

static int ptx(store_conn *c, void *p, err *e)
{
	pctx *x = p;
	return x->fn(c, x, e);
}

static int run(http_req *r, pctx *x, err *e)
{
	x->who = req_actor(r);
	return store_write(r->store, ptx, x, e);
}

static int respond_project(http_req *r, int status, int64_t id)
{
	err e = {0};
	json_t *o;
	store_conn *c = store_conn_get(r->store, &e);
	if (!c || lv_project_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_projects(http_req *r)
{
	err e = {0};
	int64_t page, per_page;
	lv_project_filter f = {0};
	if (http_paging(r, &page, &per_page, &e) < 0 || lv_edge_year(r, false, &f.year, &e) < 0 ||
	    http_query_int(r, "unit_id", 1, INT64_MAX, 0, &f.unit_id, &e) < 0)
		return http_error(r, &e);
	f.state = http_query(r, "state");
	if (f.state && !lv_state_valid(f.state))
		return http_fail(r, 400, "invalid_parameter", "state",
				 "state 须为 on_track、at_risk 或 late");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || lv_project_list(c, req_actor(r), &f, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_project(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return respond_project(r, 200, id);
}

static int tx_milestone(store_conn *c, pctx *x, err *e)
{
	return lv_milestone_add(c, x->who, x->id, x->in, &x->out, e);
}

static int h_milestone(http_req *r)
{
	err e = {0};
	pctx x = {.fn = tx_milestone};
	lv_milestone_input in = {0};
	json_t *b;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    jv_str(b, "title", JV_REQUIRED, LV_TITLE_MAX, &in.title, NULL, &e) < 0 ||
	    jv_str(b, "due_date", JV_REQUIRED, 10, &in.due_date, NULL, &e) < 0 ||
	    jv_str(b, "deliverable", JV_OPTIONAL | JV_MULTILINE, 1000, &in.deliverable, NULL, &e) <
		    0)
		return http_error(r, &e);
	if (!lv_date_valid(in.due_date))
		return http_fail(r, 422, "invalid_date", "due_date",
				 "due_date 须为 YYYY-MM-DD 日期");
	x.in = &in;
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_project(r, 201, x.id);
}

static int h_photo_upload(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	const char *ct = http_header(r, "Content-Type");
	const unsigned char *data = (const unsigned char *)strbuf_str(&r->body);
	const char *mime, *ext;
	if (r->body.len > 0 && lv_photo_type(data, r->body.len, &mime, &ext) && ct) {
		/* A declared type must agree with what the bytes are. */
		size_t n = strcspn(ct, "; ");
		if (strncmp(ct, mime, n) != 0 || strlen(mime) != n)
			return http_fail(r, 422, "unsupported_type", NULL,
					 "声明的文件类型与照片内容不符");
	}
	json_t *o;
	if (lv_photo_upload(r->store, req_actor(r), r->app->cfg.data_dir, id, data, r->body.len, &o,
			    &e) < 0)
		return http_error(r, &e);
	return http_json(r, 201, o);
}

static int h_photo(http_req *r)
{
	err e = {0};
	int64_t id;
	char *path;
	const char *mime;
	store_conn *c;
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    lv_photo_file(c, req_actor(r), r->app->cfg.data_dir, id, &path, &mime, &e) < 0)
		return http_error(r, &e);
	char *buf;
	size_t got;
	int rc = photo_read(r->app->cfg.data_dir, "livelihood", path, LV_PHOTO_BYTES_MAX, &buf,
			    &got, &e);
	free(path);
	if (rc < 0)
		return http_error(r, &e);
	free(r->text);
	r->status = 200;
	r->text = buf;
	r->text_len = got;
	r->content_type = mime;
	return 0;
}

static int tx_progress(store_conn *c, pctx *x, err *e)
{
	return lv_progress_add(c, x->who, x->id, x->in, &x->out, e);
}

static int h_progress(http_req *r)
{
	err e = {0};
	pctx x = {.fn = tx_progress};
	lv_progress_input in = {0};
	json_t *b;
	int64_t *photos;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    jv_int(b, "milestone_id", JV_REQUIRED, 1, INT64_MAX, &in.milestone_id, NULL, &e) < 0 ||
	    jv_int(b, "percent", JV_REQUIRED, 0, 100, &in.percent, NULL, &e) < 0 ||
	    jv_str(b, "text", JV_REQUIRED | JV_MULTILINE, LV_TEXT_MAX, &in.text, NULL, &e) < 0 ||
	    lv_edge_ids(b, "photo_ids", false, LV_PHOTOS_MAX, "too_many", &photos, &in.nphotos, r,
			&e) < 0)
		return http_error(r, &e);
	in.photo_ids = photos;
	x.in = &in;
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_project(r, 201, x.id);
}

static int tx_inspection(store_conn *c, pctx *x, err *e)
{
	return lv_inspection_add(c, x->who, x->id, x->in, &x->out, e);
}

static int h_inspection(http_req *r)
{
	err e = {0};
	pctx x = {.fn = tx_inspection};
	lv_inspection_input in = {0};
	json_t *b;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    jv_str(b, "content", JV_REQUIRED | JV_MULTILINE, LV_TEXT_MAX, &in.content, NULL, &e) <
		    0 ||
	    jv_str(b, "opinion", JV_OPTIONAL | JV_MULTILINE, LV_TEXT_MAX, &in.opinion, NULL, &e) <
		    0 ||
	    jv_str(b, "visited_on", JV_OPTIONAL, 10, &in.visited_on, NULL, &e) < 0)
		return http_error(r, &e);
	if (in.visited_on && !lv_date_valid(in.visited_on))
		return http_fail(r, 422, "invalid_date", "visited_on",
				 "visited_on 须为 YYYY-MM-DD 日期");
	x.in = &in;
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_project(r, 201, x.id);
}

static int tx_answer(store_conn *c, pctx *x, err *e)
{
	return lv_inspection_answer(c, x->who, x->id, x->id2, x->text, e);
}

static int h_answer(http_req *r)
{
	err e = {0};
	pctx x = {.fn = tx_answer};
	json_t *b;
	if (http_param_id(r, "id", &x.id, &e) < 0 || http_param_id(r, "iid", &x.id2, &e) < 0 ||
	    !(b = http_body_object(r, &e)) ||
	    jv_str(b, "answer", JV_REQUIRED | JV_MULTILINE, LV_TEXT_MAX, &x.text, NULL, &e) < 0 ||
	    run(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_project(r, 200, x.id);
}

static int tx_signoff(store_conn *c, pctx *x, err *e)
{
	return lv_project_signoff(c, x->who, x->id, x->text, e);
}

static int h_signoff(http_req *r)
{
	err e = {0};
	pctx x = {.fn = tx_signoff};
	if (http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	if (r->body.len > 0) {
		json_t *b = http_body_object(r, &e);
		if (!b ||
		    jv_str(b, "note", JV_OPTIONAL | JV_MULTILINE, 1000, &x.text, NULL, &e) < 0)
			return http_error(r, &e);
	}
	if (caller_require(r, LV_STAFF, &e) < 0 || run(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_project(r, 200, x.id);
}

/* ---- evaluation ---- */

static int respond_evaluation(http_req *r, int status, int64_t year)
{
	err e = {0};
	json_t *o;
	store_conn *c = store_conn_get(r->store, &e);
	if (!c || lv_evaluation_get(c, req_actor(r), year, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int tx_eval_open(store_conn *c, pctx *x, err *e)
{
	return lv_evaluation_open(c, x->who, x->id, e);
}

static int tx_eval_close(store_conn *c, pctx *x, err *e)
{
	return lv_evaluation_close(c, x->who, x->id, e);
}

static int h_eval_open(http_req *r)
{
	err e = {0};
	pctx x = {.fn = tx_eval_open};
	json_t *b;
	if (caller_require(r, LV_STAFF, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    jv_int(b, "year", JV_REQUIRED, 2000, 2100, &x.id, NULL, &e) < 0 || run(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_evaluation(r, 201, x.id);
}

static int year_param(http_req *r, int64_t *year, err *e)
{
	if (http_param_id(r, "year", year, e) < 0 || *year < 2000 || *year > 2100)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "没有这一年的满意度测评");
	return 0;
}

static int h_eval_close(http_req *r)
{
	err e = {0};
	pctx x = {.fn = tx_eval_close};
	if (caller_require(r, LV_STAFF, &e) < 0 || year_param(r, &x.id, &e) < 0 ||
	    run(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_evaluation(r, 200, x.id);
}

static int h_eval_get(http_req *r)
{
	err e = {0};
	int64_t year;
	if (year_param(r, &year, &e) < 0)
		return http_error(r, &e);
	return respond_evaluation(r, 200, year);
}

static int tx_rating(store_conn *c, pctx *x, err *e)
{
	return lv_rating_add(c, x->who, x->id, x->text, e);
}

static int h_rating(http_req *r)
{
	err e = {0};
	pctx x = {.fn = tx_rating};
	json_t *b;
	if (http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	if (!actor_has(req_actor(r), ROLE_DEPUTY))
		return http_fail(r, 403, "forbidden", NULL, "只有人大代表可以测评");
	if (!(b = http_body_object(r, &e)) ||
	    jv_str(b, "rating", JV_REQUIRED, 32, &x.text, NULL, &e) < 0)
		return http_error(r, &e);
	if (!lv_rating_valid(x.text))
		return http_fail(r, 422, "invalid_rating", "rating",
				 "rating 须为 satisfied、basically_satisfied 或 dissatisfied");
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 201,
			 json_pack("{s:I, s:s}", "project_id", (json_int_t)x.id, "rating", x.text));
}

/* ---- the report and the public page ---- */

static int h_report(http_req *r)
{
	err e = {0};
	int64_t year;
	if (lv_edge_year(r, true, &year, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	char *data;
	size_t len;
	if (!c || lv_report_xlsx(c, req_actor(r), year, &data, &len, &e) < 0)
		return http_error(r, &e);
	r->disposition = arena_printf(&r->arena,
				      "attachment; filename=\"livelihood-%lld.xlsx\";"
				      " filename*=UTF-8''livelihood-%lld.xlsx",
				      (long long)year, (long long)year);
	free(r->text);
	r->status = 200;
	r->text = data;
	r->text_len = len;
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return 0;
}

static int h_public_projects(http_req *r)
{
	err e = {0};
	int64_t year;
	if (lv_edge_rate(r, &e) < 0 || lv_edge_year(r, false, &year, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	if (!c)
		return http_error(r, &e);
	/* Without a year: this year's projects, else the latest year before it. */
	if (!year && lv_project_default_year(c, &year, &e) < 0)
		return http_error(r, &e);
	json_t *items;
	if (lv_project_public_list(c, year, &items, &e) < 0)
		return http_error(r, &e);
	json_t *years;
	if (lv_project_years(c, &years, &e) < 0) {
		json_decref(items);
		return http_error(r, &e);
	}
	return http_json(r, 200,
			 json_pack("{s:I, s:o, s:I, s:o}", "year", (json_int_t)year, "items", items,
				   "total", (json_int_t)json_array_size(items), "years", years));
}

#define LV "/api/v1/livelihood"
const struct route api_livelihood_projects_routes[] = {
	{"GET", LV "/projects", h_projects, 0, LV_READERS, NULL},
	{"GET", LV "/projects/{id}", h_project, 0, LV_READERS, NULL},
	{"POST", LV "/projects/{id}/milestones", h_milestone, 0, LV_STAFF | ROLE_UNIT_STAFF, NULL},
	{"POST", LV "/projects/{id}/photos", h_photo_upload, 0, LV_STAFF | ROLE_UNIT_STAFF, NULL},
	{"POST", LV "/projects/{id}/progress", h_progress, 0, LV_STAFF | ROLE_UNIT_STAFF, NULL},
	{"POST", LV "/projects/{id}/inspections", h_inspection, 0, ROLE_DEPUTY, NULL},
	{"POST", LV "/projects/{id}/inspections/{iid}/answer", h_answer, 0,
	 LV_STAFF | ROLE_UNIT_STAFF, NULL},
	{"POST", LV "/projects/{id}/signoff", h_signoff, 0, LV_STAFF, NULL},
	{"POST", LV "/projects/{id}/evaluation", h_rating, 0, ROLE_DEPUTY, NULL},
	{"GET", LV "/photos/{id}", h_photo, 0, LV_READERS, NULL},
	{"POST", LV "/evaluations", h_eval_open, 0, LV_STAFF, NULL},
	{"GET", LV "/evaluations/{year}", h_eval_get, 0, LV_READERS, NULL},
	{"POST", LV "/evaluations/{year}/close", h_eval_close, 0, LV_STAFF, NULL},
	{"GET", LV "/report.xlsx", h_report, 0, LV_READERS, NULL},
	{"GET", LV "/public/projects", h_public_projects, ROUTE_PUBLIC, 0, NULL},
};
const size_t api_livelihood_projects_routes_count =
	sizeof api_livelihood_projects_routes / sizeof api_livelihood_projects_routes[0];
