/* 民生实事 over HTTP, part one (docs/livelihood.md): proposal collection, candidates and
 * ballot sessions under /api/v1/livelihood. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "livelihood/api_edge.h"
#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "org/auth.h"
#include "core/clock.h"
#include "http/ratelimit.h"
#include "livelihood/livelihood.h"

/* ---- edge helpers shared with api/livelihood_projects.c ---- */

int lv_edge_ids(json_t *b, const char *key, bool required, size_t max, const char *too_many_code,
		int64_t **ids, size_t *n, http_req *r, err *e)
{
	*ids = NULL;
	*n = 0;
	json_t *v = json_object_get(b, key);
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(e, ERR_INVALID, "missing_field", key, "缺少必填字段 %s",
				       key);
		return 0;
	}
	if (!json_is_array(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "字段 %s 必须是整数数组",
			       key);
	size_t count = json_array_size(v);
	if (count > max)
		return err_set(e, ERR_INVALID, too_many_code, key, "字段 %s 最多 %zu 项", key, max);
	*ids = arena_alloc(&r->arena, (count ? count : 1) * sizeof **ids);
	for (size_t i = 0; i < count; i++) {
		json_t *x = json_array_get(v, i);
		if (!json_is_integer(x) || json_integer_value(x) <= 0)
			return err_set(e, ERR_BAD_REQUEST, "invalid_type", key,
				       "字段 %s 必须是正整数数组", key);
		(*ids)[i] = json_integer_value(x);
	}
	*n = count;
	return 0;
}

int lv_edge_optional_login(http_req *r, err *e)
{
	if (!r->token)
		return 0;
	return http_authenticate(r, e);
}

void lv_edge_public_actor(http_req *r)
{
	if (r->authenticated)
		return;
	actor *a = req_actor(r);
	actor_system(a, "public");
	a->roles = 0;
	snprintf(a->ip, sizeof a->ip, "%s", r->ip);
}

int lv_edge_rate(http_req *r, err *e)
{
	if (!ratelimit_take(r->app->citizen_limit, r->ip, clock_now_ms()))
		return err_set(e, ERR_RATE_LIMITED, "rate_limited", NULL,
			       "提交过于频繁，请稍后再试");
	return 0;
}

int lv_edge_year(http_req *r, bool required, int64_t *year, err *e)
{
	if (http_query_int(r, "year", 2000, 2100, 0, year, e) < 0)
		return -1;
	if (required && !*year)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "year", "需要参数 year");
	return 0;
}

/* Runs a transaction function and answers with the error, or 0 when it committed. */
typedef struct write_ctx {
	int (*fn)(store_conn *c, struct write_ctx *x, err *e);
	const actor *who;
	int64_t id, id2, out;
	const void *in;
	const char *text;
	bool anonymous; /* a citizen without login */
	char code[LV_RECEIPT_LEN + 1];
} write_ctx;

static int write_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return x->fn(c, x, e);
}

static int run_write(http_req *r, write_ctx *x, err *e)
{
	x->who = req_actor(r);
	return store_write(r->store, write_tx, x, e);
}

/* ---- proposals ---- */

static int tx_submit(store_conn *c, write_ctx *x, err *e)
{
	return lv_proposal_submit(c, x->anonymous ? NULL : x->who, (lv_proposal_input *)x->in,
				  &x->out, x->code, e);
}

static int h_proposal_create(http_req *r)
{
	err e = {0};
	if (lv_edge_optional_login(r, &e) < 0)
		return http_error(r, &e);
	bool citizen = !r->authenticated;
	if (citizen && lv_edge_rate(r, &e) < 0)
		return http_error(r, &e);
	json_t *b = http_body_object(r, &e);
	lv_proposal_input in = {0};
	if (!b || jv_int(b, "year", JV_OPTIONAL, 2000, 2100, &in.year, NULL, &e) < 0 ||
	    jv_int(b, "appeal_id", JV_OPTIONAL, 1, INT64_MAX, &in.appeal_id, NULL, &e) < 0 ||
	    jv_str(b, "title", in.appeal_id ? JV_OPTIONAL : JV_REQUIRED, LV_TITLE_MAX, &in.title,
		   NULL, &e) < 0 ||
	    jv_str(b, "content", (in.appeal_id ? JV_OPTIONAL : JV_REQUIRED) | JV_MULTILINE,
		   LV_TEXT_MAX, &in.content, NULL, &e) < 0 ||
	    jv_str(b, "place", JV_OPTIONAL, LV_PLACE_MAX, &in.place, NULL, &e) < 0 ||
	    jv_str(b, "contact_name", JV_OPTIONAL, LV_NAME_MAX, &in.contact_name, NULL, &e) < 0 ||
	    jv_str(b, "contact_phone", JV_OPTIONAL, LV_PHONE_MAX, &in.contact_phone, NULL, &e) <
		    0 ||
	    jv_phone(in.contact_phone, "contact_phone", &e) < 0 ||
	    jv_str(b, "channel", JV_OPTIONAL, 16, &in.channel, NULL, &e) < 0 ||
	    jv_int(b, "unit_id", JV_OPTIONAL, 1, INT64_MAX, &in.unit_id, NULL, &e) < 0)
		return http_error(r, &e);
	if (in.appeal_id) {
		in.channel = "appeal";
	} else if (!in.channel) {
		in.channel = citizen ? "web" : "staff";
	} else if (strcmp(in.channel, "web") != 0 && strcmp(in.channel, "app") != 0 &&
		   (citizen || strcmp(in.channel, "staff") != 0)) {
		return http_fail(r, 422, "invalid_channel", "channel",
				 citizen ? "市民提交的渠道只能是 web 或 app"
					 : "渠道须为 web、app 或 staff");
	}
	write_ctx x = {.fn = tx_submit, .in = &in, .anonymous = citizen};
	if (run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	json_t *o = NULL;
	store_conn *c = citizen ? NULL : store_conn_get(r->store, &e);
	if (c && lv_proposal_get(c, req_actor(r), x.out, &o, &e) < 0)
		o = NULL;
	if (!o)
		o = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)x.out, "year",
			      (json_int_t)in.year, "status", "submitted", "title",
			      in.title ? in.title : "");
	/* The code is shown once: the proposer follows the proposal with it. */
	json_object_set_new(o, "code", json_string(x.code));
	return http_json(r, 201, o);
}

static int h_proposal_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, mine = 0;
	lv_proposal_filter f = {0};
	if (http_paging(r, &page, &per_page, &e) < 0 || lv_edge_year(r, false, &f.year, &e) < 0 ||
	    http_query_int(r, "mine", 0, 1, 0, &mine, &e) < 0)
		return http_error(r, &e);
	f.status = http_query(r, "status");
	f.q = http_query(r, "q");
	f.mine = mine == 1;
	if (f.status && strcmp(f.status, "submitted") && strcmp(f.status, "merged") &&
	    strcmp(f.status, "infeasible") && strcmp(f.status, "candidate"))
		return http_fail(r, 400, "invalid_parameter", "status",
				 "status 须为 submitted、merged、infeasible 或 candidate");
	if (f.q && (jv_utf8_chars(f.q) < 0 || jv_utf8_chars(f.q) > 100))
		return http_fail(r, 400, "invalid_parameter", "q", "查询词过长或不是有效的 UTF-8");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || lv_proposal_list(c, req_actor(r), &f, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_proposal_get(http_req *r)
{
	err e = {0};
	int64_t id;
	json_t *o;
	store_conn *c;
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    lv_proposal_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int tx_support(store_conn *c, write_ctx *x, err *e)
{
	return lv_proposal_support(c, x->anonymous ? NULL : x->who, x->text, x->id, &x->out, e);
}

static int h_proposal_support(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_support};
	if (lv_edge_optional_login(r, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	if (!r->authenticated) {
		if (lv_edge_rate(r, &e) < 0)
			return http_error(r, &e);
		x.text = r->ip;
		x.anonymous = true;
	}
	if (run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return http_json(
		r, 200,
		json_pack("{s:I, s:I}", "id", (json_int_t)x.id, "supports", (json_int_t)x.out));
}

static int tx_merge(store_conn *c, write_ctx *x, err *e)
{
	return lv_proposal_merge(c, x->who, x->id, x->id2, e);
}

static int tx_infeasible(store_conn *c, write_ctx *x, err *e)
{
	return lv_proposal_infeasible(c, x->who, x->id, x->text, e);
}

static int respond_proposal(http_req *r, int64_t id)
{
	err e = {0};
	json_t *o;
	store_conn *c = store_conn_get(r->store, &e);
	if (!c || lv_proposal_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_proposal_merge(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_merge};
	json_t *b;
	if (caller_require(r, LV_STAFF, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0 ||
	    !(b = http_body_object(r, &e)) ||
	    jv_int(b, "into_id", JV_REQUIRED, 1, INT64_MAX, &x.id2, NULL, &e) < 0 ||
	    run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_proposal(r, x.id);
}

static int h_proposal_infeasible(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_infeasible};
	json_t *b;
	if (caller_require(r, LV_STAFF, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0 ||
	    !(b = http_body_object(r, &e)) ||
	    jv_str(b, "reason", JV_REQUIRED | JV_MULTILINE, 1000, &x.text, NULL, &e) < 0 ||
	    run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_proposal(r, x.id);
}

static int h_public_proposals(http_req *r)
{
	err e = {0};
	int64_t page, per_page, year;
	if (http_paging(r, &page, &per_page, &e) < 0 || lv_edge_year(r, false, &year, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c)
		return http_error(r, &e);
	if (!year && lv_collection_default_year(c, &year, &e) < 0)
		return http_error(r, &e);
	if (lv_proposal_public_list(c, year, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200,
			 json_pack("{s:o, s:I, s:I, s:I, s:I}", "items", items, "total",
				   (json_int_t)total, "page", (json_int_t)page, "per_page",
				   (json_int_t)per_page, "year", (json_int_t)year));
}

static int h_public_track(http_req *r)
{
	err e = {0};
	const char *code = http_param(r, "code");
	if (lv_edge_rate(r, &e) < 0)
		return http_error(r, &e);
	if (!code || strlen(code) != LV_RECEIPT_LEN)
		return http_fail(r, 404, "not_found", NULL, "没有找到这个查询码对应的建议");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || lv_proposal_track(c, code, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

/* ---- collections ---- */

static int tx_collection_open(store_conn *c, write_ctx *x, err *e)
{
	return lv_collection_open(c, x->who, x->id, x->text, e);
}

static int tx_collection_close(store_conn *c, write_ctx *x, err *e)
{
	return lv_collection_close(c, x->who, x->id, e);
}

static int respond_collections(http_req *r, int status)
{
	err e = {0};
	json_t *items;
	store_conn *c = store_conn_get(r->store, &e);
	if (!c || lv_collection_list(c, req_actor(r), &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status,
			 json_pack("{s:o, s:I}", "items", items, "total",
				   (json_int_t)json_array_size(items)));
}

static int h_collections(http_req *r)
{
	return respond_collections(r, 200);
}

static int h_collection_open(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_collection_open};
	json_t *b;
	if (caller_require(r, LV_STAFF, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    jv_int(b, "year", JV_REQUIRED, 2000, 2100, &x.id, NULL, &e) < 0 ||
	    jv_str(b, "title", JV_OPTIONAL, LV_TITLE_MAX, &x.text, NULL, &e) < 0 ||
	    run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_collections(r, 201);
}

static int h_collection_close(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_collection_close};
	if (caller_require(r, LV_STAFF, &e) < 0 || http_param_id(r, "year", &x.id, &e) < 0 ||
	    run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_collections(r, 200);
}

/* ---- candidates ---- */

static int tx_candidate(store_conn *c, write_ctx *x, err *e)
{
	return lv_candidate_create(c, x->who, x->in, &x->out, e);
}

static int h_candidate_create(http_req *r)
{
	err e = {0};
	json_t *b;
	lv_candidate_input in = {0};
	int64_t *pids;
	if (caller_require(r, LV_STAFF, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    jv_str(b, "title", JV_REQUIRED, LV_TITLE_MAX, &in.title, NULL, &e) < 0 ||
	    jv_str(b, "description", JV_REQUIRED | JV_MULTILINE, LV_TEXT_MAX, &in.description, NULL,
		   &e) < 0 ||
	    jv_int(b, "lead_unit_id", JV_REQUIRED, 1, INT64_MAX, &in.lead_unit_id, NULL, &e) < 0 ||
	    jv_str(b, "target", JV_OPTIONAL | JV_MULTILINE, 1000, &in.target, NULL, &e) < 0 ||
	    jv_str(b, "feasibility", JV_OPTIONAL | JV_MULTILINE, LV_TEXT_MAX, &in.feasibility, NULL,
		   &e) < 0 ||
	    jv_int(b, "year", JV_OPTIONAL, 2000, 2100, &in.year, NULL, &e) < 0 ||
	    lv_edge_ids(b, "proposal_ids", false, LV_PROPOSALS_MAX, "too_many", &pids,
			&in.nproposals, r, &e) < 0)
		return http_error(r, &e);
	in.proposal_ids = pids;
	json_t *bw = json_object_get(b, "budget_wan");
	if (!bw || json_is_null(bw))
		return http_fail(r, 422, "missing_field", "budget_wan", "缺少必填字段 budget_wan");
	if (!json_is_number(bw))
		return http_fail(r, 400, "invalid_type", "budget_wan", "budget_wan 必须是数字");
	double wan = json_number_value(bw);
	if (!isfinite(wan) || wan < 0 || wan > 10000000)
		return http_fail(r, 422, "out_of_range", "budget_wan",
				 "预算须在 0 到 10000000 万元之间");
	in.budget_yuan = llround(wan * 10000.0);
	write_ctx x = {.fn = tx_candidate, .in = &in};
	if (run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	json_t *o;
	store_conn *c = store_conn_get(r->store, &e);
	if (!c || lv_candidate_get(c, req_actor(r), x.out, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 201, o);
}

static int h_candidate_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, year;
	if (http_paging(r, &page, &per_page, &e) < 0 || lv_edge_year(r, false, &year, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || lv_candidate_list(c, req_actor(r), year, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_candidate_get(http_req *r)
{
	err e = {0};
	int64_t id;
	json_t *o;
	store_conn *c;
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    lv_candidate_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

/* ---- sessions ---- */

static int respond_session(http_req *r, int status, int64_t id)
{
	err e = {0};
	json_t *o;
	store_conn *c = store_conn_get(r->store, &e);
	if (!c || lv_session_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int tx_session_create(store_conn *c, write_ctx *x, err *e)
{
	return lv_session_create(c, x->who, x->in, &x->out, e);
}

static int h_session_create(http_req *r)
{
	err e = {0};
	json_t *b;
	lv_session_input in = {0};
	int64_t *cids, *roll;
	bool has_roll;
	if (caller_require(r, LV_STAFF, &e) < 0 || !(b = http_body_object(r, &e)) ||
	    jv_str(b, "title", JV_REQUIRED, LV_TITLE_MAX, &in.title, NULL, &e) < 0 ||
	    jv_int(b, "year", JV_REQUIRED, 2000, 2100, &in.year, NULL, &e) < 0 ||
	    jv_int(b, "seats", JV_REQUIRED, 1, LV_CANDIDATES_MAX, &in.seats, NULL, &e) < 0 ||
	    jv_str(b, "rule", JV_OPTIONAL, 32, &in.rule, NULL, &e) < 0 ||
	    lv_edge_ids(b, "candidate_ids", true, LV_CANDIDATES_MAX, "too_many", &cids,
			&in.ncandidates, r, &e) < 0 ||
	    lv_edge_ids(b, "roll_user_ids", false, LV_ROLL_MAX, "too_many", &roll, &in.nroll, r,
			&e) < 0)
		return http_error(r, &e);
	has_roll = json_is_array(json_object_get(b, "roll_user_ids"));
	if (in.rule && !lv_rule_valid(in.rule))
		return http_fail(r, 422, "invalid_rule", "rule",
				 "rule 须为 roll_majority 或 ballots_majority");
	if (has_roll && in.nroll == 0)
		return http_fail(r, 422, "invalid_roll", "roll_user_ids", "代表名单不能为空");
	in.candidate_ids = cids;
	in.roll_ids = has_roll ? roll : NULL;
	write_ctx x = {.fn = tx_session_create, .in = &in};
	if (run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return respond_session(r, 201, x.out);
}

static int h_session_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, year;
	if (http_paging(r, &page, &per_page, &e) < 0 || lv_edge_year(r, false, &year, &e) < 0)
		return http_error(r, &e);
	const char *status = http_query(r, "status");
	if (status && strcmp(status, "draft") && strcmp(status, "open") && strcmp(status, "closed"))
		return http_fail(r, 400, "invalid_parameter", "status",
				 "status 须为 draft、open 或 closed");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c ||
	    lv_session_list(c, req_actor(r), year, status, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_session_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return respond_session(r, 200, id);
}

static int tx_open(store_conn *c, write_ctx *x, err *e)
{
	return lv_session_open(c, x->who, x->id, e);
}

static int tx_close(store_conn *c, write_ctx *x, err *e)
{
	return lv_session_close(c, x->who, x->id, e);
}

static int tx_runoff(store_conn *c, write_ctx *x, err *e)
{
	return lv_session_runoff(c, x->who, x->id, &x->out, e);
}

static int session_step(http_req *r, int (*fn)(store_conn *, write_ctx *, err *))
{
	err e = {0};
	write_ctx x = {.fn = fn};
	if (caller_require(r, LV_STAFF, &e) < 0 || http_param_id(r, "id", &x.id, &e) < 0 ||
	    run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	if (fn == tx_runoff)
		return respond_session(r, 201, x.out);
	return respond_session(r, 200, x.id);
}

static int h_session_open(http_req *r)
{
	return session_step(r, tx_open);
}

static int h_session_close(http_req *r)
{
	return session_step(r, tx_close);
}

static int h_session_runoff(http_req *r)
{
	return session_step(r, tx_runoff);
}

static int tx_ballot(store_conn *c, write_ctx *x, err *e)
{
	const int64_t *ids = x->in;
	return lv_ballot_cast(c, x->who, x->id, ids, (size_t)x->id2, x->code, e);
}

static int h_ballot(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_ballot};
	json_t *b;
	int64_t *ids;
	size_t n;
	if (http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	if (!actor_has(req_actor(r), ROLE_DEPUTY))
		return http_fail(r, 403, "forbidden", NULL, "只有人大代表可以投票");
	if (!(b = http_body_object(r, &e)) ||
	    lv_edge_ids(b, "candidate_ids", true, LV_CANDIDATES_MAX, "too_many_choices", &ids, &n,
			r, &e) < 0)
		return http_error(r, &e);
	x.in = ids;
	x.id2 = (int64_t)n;
	if (run_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return http_json(
		r, 201, json_pack("{s:s, s:I}", "receipt", x.code, "session_id", (json_int_t)x.id));
}

/* What a closed session publishes (its result, its receipts), to anyone. */
static int session_published(http_req *r,
			     int (*fn)(store_conn *, const actor *, int64_t, json_t **, err *))
{
	err e = {0};
	int64_t id;
	json_t *o;
	store_conn *c;
	if (lv_edge_optional_login(r, &e) < 0)
		return http_error(r, &e);
	lv_edge_public_actor(r);
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    fn(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_session_result(http_req *r)
{
	return session_published(r, lv_session_result);
}

static int h_session_receipts(http_req *r)
{
	return session_published(r, lv_session_receipts);
}

static int h_session_roll(http_req *r)
{
	err e = {0};
	int64_t id;
	json_t *o;
	store_conn *c;
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    lv_session_roll(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

#define LV "/api/v1/livelihood"
const struct route api_livelihood_routes[] = {
	{"POST", LV "/proposals", h_proposal_create, ROUTE_PUBLIC, 0, NULL},
	{"GET", LV "/proposals", h_proposal_list, 0, LV_READERS, NULL},
	{"GET", LV "/proposals/{id}", h_proposal_get, 0, LV_READERS, NULL},
	{"POST", LV "/proposals/{id}/support", h_proposal_support, ROUTE_PUBLIC, 0, NULL},
	{"POST", LV "/proposals/{id}/merge", h_proposal_merge, 0, LV_STAFF, NULL},
	{"POST", LV "/proposals/{id}/infeasible", h_proposal_infeasible, 0, LV_STAFF, NULL},
	{"GET", LV "/public/proposals", h_public_proposals, ROUTE_PUBLIC, 0, NULL},
	{"GET", LV "/public/proposals/{code}", h_public_track, ROUTE_PUBLIC, 0, NULL},
	{"GET", LV "/collections", h_collections, 0, LV_READERS, NULL},
	{"POST", LV "/collections", h_collection_open, 0, LV_STAFF, NULL},
	{"POST", LV "/collections/{year}/close", h_collection_close, 0, LV_STAFF, NULL},
	{"POST", LV "/candidates", h_candidate_create, 0, LV_STAFF, NULL},
	{"GET", LV "/candidates", h_candidate_list, 0, LV_READERS, NULL},
	{"GET", LV "/candidates/{id}", h_candidate_get, 0, LV_READERS, NULL},
	{"POST", LV "/sessions", h_session_create, 0, LV_STAFF, NULL},
	{"GET", LV "/sessions", h_session_list, 0, LV_READERS, NULL},
	{"GET", LV "/sessions/{id}", h_session_get, 0, LV_READERS, NULL},
	{"POST", LV "/sessions/{id}/open", h_session_open, 0, LV_STAFF, NULL},
	{"POST", LV "/sessions/{id}/close", h_session_close, 0, LV_STAFF, NULL},
	{"POST", LV "/sessions/{id}/runoff", h_session_runoff, 0, LV_STAFF, NULL},
	{"POST", LV "/sessions/{id}/ballots", h_ballot, 0, ROLE_DEPUTY, NULL},
	{"GET", LV "/sessions/{id}/result", h_session_result, ROUTE_PUBLIC, 0, NULL},
	{"GET", LV "/sessions/{id}/receipts", h_session_receipts, ROUTE_PUBLIC, 0, NULL},
	{"GET", LV "/sessions/{id}/roll", h_session_roll, 0, LV_STAFF, NULL},
};
const size_t api_livelihood_routes_count =
	sizeof api_livelihood_routes / sizeof api_livelihood_routes[0];
