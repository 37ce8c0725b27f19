/* Appeals over HTTP (docs/api-appeals.md): intake by agents and citizens, reads, the
 * action table, and the citizen's own lookup and rating. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "http/validate.h"
#include "http/idem.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "appeals/appeal.h"
#include "appeals/appeal_admin.h"
#include "org/auth.h"
#include "core/clock.h"
#include "http/ratelimit.h"

static int citizen_allowed(http_req *r, err *e)
{
	if (!ratelimit_take(r->app->citizen_limit, r->ip, clock_now_ms()))
		return err_set(e, ERR_RATE_LIMITED, "rate_limited", NULL,
			       "提交过于频繁，请稍后再试");
	return 0;
}

typedef struct intake_ctx {
	const actor *who;
	const char *ip;
	appeal_input in;
	appeal_intake_info info;
} intake_ctx;

static void intake_answer(const intake_ctx *x, strbuf *sb);

static int intake_tx(store_conn *c, void *p, err *e)
{
	intake_ctx *x = p;
	if (appeal_intake(c, x->who, x->ip, &x->in, &x->info, e) < 0)
		return -1;
	/* Under an idempotency key the answer commits with the appeal: a retry after a
	 * failover gets exactly this answer back. */
	if (idem_tx_active()) {
		strbuf sb = STRBUF_INIT;
		intake_answer(x, &sb);
		idem_note_answer(201, "application/json; charset=utf-8", sb.buf);
		strbuf_release(&sb);
	}
	return 0;
}

static int read_number(json_t *b, const char *key, double min, double max, bool *has, double *out,
		       err *e)
{
	json_t *v = json_object_get(b, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "字段 %s 必须是数字", key);
	double d = json_number_value(v);
	if (!isfinite(d) || d < min || d > max)
		return err_set(e, ERR_INVALID, "out_of_range", key, "字段 %s 超出范围", key);
	*out = d;
	*has = true;
	return 0;
}

static int intake_done(http_req *r, int rc, const err *e)
{
	if (rc < 0)
		return http_error(r, e);
	intake_ctx *x = r->defer_ctx;
	strbuf sb = STRBUF_INIT;
	intake_answer(x, &sb);
	return http_json_text(r, 201, &sb);
}

static void intake_answer(const intake_ctx *x, strbuf *sb)
{
	const appeal_input *in = &x->in;
	if (!x->who) {
		/* The citizen gets the number and what they submitted, not staff fields. */
		json_t *o =
			json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)x->info.id, "number",
				  x->info.number, "status", "intake", "content", in->content);
		jw_tree(sb, o);
		json_decref(o);
		return;
	}
	/* Intake is the hot path of a hotline: answer with the appeal as lists show it,
	 * written from what intake learnt instead of read back; the workbench reads the
	 * full appeal (suggested unit, duplicates) with one GET. */
	appeal_intake_json(x->who, in, &x->info, sb);
}

static int h_create(http_req *r)
{
	err e = {0};
	/* A citizen may file without logging in; a token, when sent, must be valid. */
	bool citizen = !r->token;
	if (r->token) {
		if (http_authenticate(r, &e) < 0)
			return http_error(r, &e);
		if (!actor_has(req_actor(r), ROLE_AGENT))
			return http_fail(r, 403, "forbidden", NULL,
					 "只有热线话务员可以代为受理诉求");
	} else if (citizen_allowed(r, &e) < 0) {
		return http_error(r, &e);
	}
	json_t *b = http_body_object(r, &e);
	intake_ctx *x = arena_alloc(&r->arena, sizeof *x);
	*x = (intake_ctx){.who = citizen ? NULL : req_actor(r), .ip = r->ip};
	appeal_input *in = &x->in;
	int urgent = -1, anonymous = -1;
	bool has_lat = false, has_lon = false, has_channel = false, has_type = false;
	if (!b ||
	    jv_str(b, "content", JV_REQUIRED | JV_MULTILINE, APPEAL_CONTENT_MAX, &in->content, NULL,
		   &e) < 0 ||
	    jv_str(b, "title", JV_OPTIONAL, APPEAL_TITLE_MAX, &in->title, NULL, &e) < 0 ||
	    jv_str(b, "channel", JV_OPTIONAL, 20, &in->channel, &has_channel, &e) < 0 ||
	    jv_str(b, "type", JV_OPTIONAL, 20, &in->type, &has_type, &e) < 0 ||
	    jv_int(b, "category_id", JV_OPTIONAL, 1, INT64_MAX, &in->category_id, NULL, &e) < 0 ||
	    jv_str(b, "contact_name", JV_OPTIONAL, APPEAL_NAME_MAX, &in->contact_name, NULL, &e) <
		    0 ||
	    jv_str(b, "contact_phone", citizen ? JV_REQUIRED : JV_OPTIONAL, APPEAL_PHONE_MAX,
		   &in->contact_phone, NULL, &e) < 0 ||
	    jv_phone(in->contact_phone, "contact_phone", &e) < 0 ||
	    jv_str(b, "address", JV_OPTIONAL, APPEAL_ADDRESS_MAX, &in->address, NULL, &e) < 0 ||
	    jv_str(b, "region_code", JV_OPTIONAL, 32, &in->region_code, NULL, &e) < 0 ||
	    jv_int(b, "region_id", JV_OPTIONAL, 1, INT64_MAX, &in->region_id, NULL, &e) < 0 ||
	    jv_bool(b, "urgent", JV_OPTIONAL, &urgent, &e) < 0 ||
	    jv_bool(b, "anonymous", JV_OPTIONAL, &anonymous, &e) < 0 ||
	    read_number(b, "lat", -90, 90, &has_lat, &in->lat, &e) < 0 ||
	    read_number(b, "lon", -180, 180, &has_lon, &in->lon, &e) < 0)
		return http_error(r, &e);
	/* CONTRACT.md names the field `category`: a category code or id. */
	json_t *cat = json_object_get(b, "category");
	if (cat && !json_is_null(cat) && !in->category_id) {
		if (json_is_integer(cat) && json_integer_value(cat) > 0) {
			in->category_id = json_integer_value(cat);
		} else if (json_is_string(cat) && json_string_length(cat) <= 32) {
			store_conn *c = store_conn_get(r->store, &e);
			if (!c ||
			    category_find_code(c, json_string_value(cat), &in->category_id, &e) < 0)
				return http_error(r, &e);
			if (!in->category_id)
				return http_fail(r, 422, "invalid_category", "category",
						 "没有这个事项分类");
		} else {
			return http_fail(r, 400, "invalid_type", "category",
					 "category 须为分类代码或编号");
		}
	}
	if (has_lat != has_lon)
		return http_fail(r, 422, "invalid_coordinates", has_lat ? "lon" : "lat",
				 "经纬度需要同时提供");
	in->has_coords = has_lat && has_lon;
	in->urgent = urgent == 1;
	in->anonymous = anonymous == 1;
	/* Left out (or null), channel and type take their defaults; given empty, they are
	 * a mistake, not a request for the default. */
	if (has_channel && !in->channel)
		return http_fail(r, 422, "invalid_channel", "channel", "受理渠道不能为空");
	if (has_type && !in->type)
		return http_fail(r, 422, "invalid_type", "type", "诉求类型不能为空");
	if (!in->type)
		in->type = "complaint";
	if (!appeal_type_valid(in->type))
		return http_fail(
			r, 422, "invalid_type", "type",
			"type 须为 complaint、inquiry、help、report、suggestion 或 praise");
	if (citizen) {
		if (!in->channel)
			in->channel = "web";
		if (strcmp(in->channel, "web") != 0 && strcmp(in->channel, "app") != 0)
			return http_fail(r, 422, "invalid_channel", "channel",
					 "市民自行提交的渠道只能是 web 或 app");
		/* A citizen cannot flag urgency or pick a region by id. */
		in->urgent = false;
		in->region_id = 0;
	} else {
		if (!in->channel)
			in->channel = "8890";
		if (!appeal_channel_valid(in->channel))
			return http_fail(r, 422, "invalid_channel", "channel", "未知的受理渠道");
		/* open311 means the request came with a partner's key (docs/open311.md). */
		if (!strcmp(in->channel, "open311"))
			return http_fail(r, 422, "invalid_channel", "channel",
					 "open311 渠道的诉求只能通过 Open311 接口提交");
	}
	/* The connection waits for the commit without holding a worker thread. */
	return http_defer_write(r, intake_tx, x, intake_done);
}

static void read_drop(void *ar)
{
	appeal_read_drop(ar);
}

/* Before authentication: the appeal's reads go out first, so that on PostgreSQL the
 * session's statement brings their answers back with its own. Nothing is written until
 * h_get knows the caller may see the appeal. A token of no session's shape is refused
 * without a read, so it sends nothing. */
static void get_prefetch(http_req *r)
{
	err e = {0};
	int64_t id;
	store_conn *c;
	appeal_read *ar;
	if (!auth_token_shaped(r->token) || http_param_id(r, "id", &id, &e) < 0 ||
	    !(c = store_conn_get(r->store, &e)))
		return; /* h_get meets it again and answers */
	ar = arena_alloc(&r->arena, sizeof *ar);
	if (appeal_read_send(c, id, true, ar, &e) < 0)
		return;
	r->prefetched = ar;
	r->prefetch_drop = read_drop;
}

/* The appeal as the caller may see it, with the timeline, the suggested unit and the
 * duplicates. */
static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	store_conn *c;
	appeal_read own, *ar = r->prefetched;
	r->prefetched = NULL;
	/* An appeal with its timeline is 2-4 kB: one allocation instead of five doublings. */
	strbuf sb = {xmalloc(4096), 0, 4096, 0};
	sb.buf[0] = '\0';
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    (!ar && appeal_read_send(c, id, true, ar = &own, &e) < 0) ||
	    appeal_read_json(c, req_actor(r), ar, &sb, &e) < 0) {
		if (ar)
			appeal_read_drop(ar);
		strbuf_release(&sb);
		return http_error(r, &e);
	}
	return http_json_text(r, 200, &sb);
}

static int parse_time_param(http_req *r, const char *name, bool end_of_day, int64_t *out, err *e)
{
	const char *v = http_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	if (clock_parse_iso(v, out) < 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name,
			       "参数 %s 须为 ISO 8601 日期或时间", name);
	/* A bare date as the upper bound means the whole of that day. */
	if (end_of_day && strlen(v) == 10)
		*out += 24LL * 3600 * 1000;
	return 0;
}

static int h_list(http_req *r)
{
	err e = {0};
	appeal_filter f = {0};
	int64_t page, per_page, overdue = 0, urgent = 0;
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "unit_id", 1, INT64_MAX, 0, &f.unit_id, &e) < 0 ||
	    http_query_int(r, "category_id", 1, INT64_MAX, 0, &f.category_id, &e) < 0 ||
	    http_query_int(r, "overdue", 0, 1, 0, &overdue, &e) < 0 ||
	    http_query_int(r, "urgent", 0, 1, 0, &urgent, &e) < 0 ||
	    parse_time_param(r, "from", false, &f.from, &e) < 0 ||
	    parse_time_param(r, "to", true, &f.to, &e) < 0)
		return http_error(r, &e);
	f.overdue = overdue == 1;
	f.urgent = urgent == 1;
	f.statuses = http_query(r, "status");
	f.channel = http_query(r, "channel");
	f.type = http_query(r, "type");
	f.q = http_query(r, "q");
	f.phone = http_query(r, "phone");
	const char *sort = http_query(r, "sort");
	if (sort && strcmp(sort, "created") != 0 && strcmp(sort, "deadline") != 0)
		return http_fail(r, 400, "invalid_parameter", "sort",
				 "sort 须为 created 或 deadline");
	f.by_deadline = sort && !strcmp(sort, "deadline");
	const char *texts[] = {f.statuses, f.channel, f.type, f.q, f.phone};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i] && (jv_utf8_chars(texts[i]) < 0 || jv_utf8_chars(texts[i]) > 200))
			return http_fail(r, 400, "invalid_parameter", NULL,
					 "查询参数过长或不是有效的 UTF-8");
	if (f.channel && !appeal_channel_valid(f.channel))
		return http_fail(r, 400, "invalid_parameter", "channel", "未知的受理渠道");
	if (f.type && !appeal_type_valid(f.type))
		return http_fail(r, 400, "invalid_parameter", "type", "未知的诉求类型");
	if (f.statuses) {
		char buf[256];
		snprintf(buf, sizeof buf, "%s", f.statuses);
		for (char *sv = NULL, *t = strtok_r(buf, ",", &sv); t; t = strtok_r(NULL, ",", &sv))
			if (!appeal_status_valid(t))
				return http_fail(r, 400, "invalid_parameter", "status",
						 "未知的状态");
	}
	if (f.phone && !actor_has(req_actor(r), ROLE_AGENT))
		return http_fail(r, 403, "forbidden", "phone",
				 "只有热线话务员可以按电话查询来电记录");
	store_conn *c = store_conn_get(r->store, &e);
	strbuf sb = STRBUF_INIT;
	if (!c || appeal_list(c, r->store, req_actor(r), &f, page, per_page, &sb, &e) < 0) {
		strbuf_release(&sb);
		return http_error(r, &e);
	}
	return http_json_text(r, 200, &sb);
}

typedef struct act_ctx {
	const actor *who;
	int64_t id;
	json_t *body;
} act_ctx;

static int act_tx(store_conn *c, void *p, err *e)
{
	act_ctx *x = p;
	return appeal_act(c, x->who, x->id, x->body, e);
}

static int h_action(http_req *r)
{
	err e = {0};
	act_ctx x = {.who = req_actor(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0)
		return http_error(r, &e);
	/* The action names the rest of the body's fields: the engine checks them against
	 * the action's row. */
	const char *action;
	x.body = http_body_object(r, &e);
	if (!x.body || jv_str(x.body, "action", JV_REQUIRED, 32, &action, NULL, &e) < 0)
		return http_error(r, &e);
	if (store_write(r->store, act_tx, &x, &e) < 0)
		return http_error(r, &e);
	/* After a return the unit no longer sees the appeal: tell it what became of it. */
	store_conn *c = store_conn_get(r->store, &e);
	strbuf sb = STRBUF_INIT;
	if (c && appeal_get_json(c, req_actor(r), x.id, true, &sb, &e) == 0)
		return http_json_text(r, 200, &sb);
	strbuf_release(&sb);
	if (!c || e.kind != ERR_NOT_FOUND)
		return http_error(r, &e);
	actor sys;
	actor_system(&sys, "system");
	err e2 = {0};
	json_t *o;
	if (appeal_get(c, &sys, x.id, false, &o, &e2) < 0)
		return http_error(r, &e2);
	json_t *brief = json_pack("{s:O, s:O, s:O, s:b}", "id", json_object_get(o, "id"), "number",
				  json_object_get(o, "number"), "status",
				  json_object_get(o, "status"), "visible", 0);
	json_decref(o);
	return http_json(r, 200, brief);
}

/* ---- the citizen's pages ---- */

static int h_public_get(http_req *r)
{
	err e = {0};
	if (citizen_allowed(r, &e) < 0)
		return http_error(r, &e);
	const char *number = http_param(r, "number");
	const char *phone = http_query(r, "phone");
	if (!phone)
		return http_fail(r, 422, "missing_field", "phone", "请输入提交诉求时留的电话号码");
	if (strlen(number) > 32 || strlen(phone) > 32)
		return http_fail(r, 404, "not_found", NULL, "没有找到该编号与电话对应的诉求");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || appeal_public_get(c, number, phone, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

typedef struct rate_ctx {
	const char *number, *phone, *satisfaction, *ip;
} rate_ctx;

static int rate_tx(store_conn *c, void *p, err *e)
{
	rate_ctx *x = p;
	return appeal_citizen_rate(c, x->number, x->phone, x->satisfaction, x->ip, e);
}

static int h_public_rate(http_req *r)
{
	err e = {0};
	if (citizen_allowed(r, &e) < 0)
		return http_error(r, &e);
	rate_ctx x = {.number = http_param(r, "number"), .ip = r->ip};
	json_t *b = http_body_object(r, &e);
	if (!b || jv_str(b, "phone", JV_REQUIRED, APPEAL_PHONE_MAX, &x.phone, NULL, &e) < 0 ||
	    jv_str(b, "satisfaction", JV_REQUIRED, 32, &x.satisfaction, NULL, &e) < 0)
		return http_error(r, &e);
	if (strlen(x.number) > 32)
		return http_fail(r, 404, "not_found", NULL, "没有找到该编号与电话对应的诉求");
	if (store_write(r->store, rate_tx, &x, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || appeal_public_get(c, x.number, x.phone, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

const struct route api_appeals_routes[] = {
	/* Public: a citizen files without logging in (an agent's token is checked inside). */
	{"POST", "/api/v1/appeals", h_create, ROUTE_PUBLIC, 0, NULL},
	{"GET", "/api/v1/appeals", h_list, ROUTE_CACHED, APPEAL_ROLES, NULL},
	{"GET", "/api/v1/appeals/{id}", h_get, ROUTE_CACHED, APPEAL_ROLES, get_prefetch},
	{"POST", "/api/v1/appeals/{id}/actions", h_action, 0, APPEAL_ROLES, NULL},
	{"GET", "/api/v1/public/appeals/{number}", h_public_get, ROUTE_PUBLIC, 0, NULL},
	{"POST", "/api/v1/public/appeals/{number}/rating", h_public_rate, ROUTE_PUBLIC, 0, NULL},
};
const size_t api_appeals_routes_count = sizeof api_appeals_routes / sizeof api_appeals_routes[0];
