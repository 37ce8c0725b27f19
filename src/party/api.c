/* 智慧党建 over HTTP (docs/party.md): organizations, members, dues, activities with
 * attendance and QR sign-in, quotas, rules, wishes and tasks, points, figures under
 * /api/v1/party and /api/v1/stats/party. Input is checked here; the party files decide. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "party/party.h"
#include "routes.h"

/* Who may call what (the route × role matrix test reads these). */
#define READERS                                                                                    \
	(ROLE_ADMIN | ROLE_LEADER | ROLE_UNIT_STAFF | ROLE_PARTY_SECRETARY | ROLE_PARTY_MEMBER |   \
	 ROLE_STATION_STAFF | ROLE_GRID_MEMBER)
#define OFFICE (ROLE_ADMIN | ROLE_LEADER | ROLE_UNIT_STAFF | ROLE_PARTY_SECRETARY)
#define MEMBERS_TOO (OFFICE | ROLE_PARTY_MEMBER)
#define MANAGERS (ROLE_ADMIN | ROLE_UNIT_STAFF | ROLE_PARTY_SECRETARY)
#define ORG_ADMINS (ROLE_ADMIN | ROLE_UNIT_STAFF)
#define PUBLISHERS                                                                                 \
	(ROLE_ADMIN | ROLE_UNIT_STAFF | ROLE_STATION_STAFF | ROLE_GRID_MEMBER |                    \
	 ROLE_PARTY_SECRETARY)

static const char *const org_kinds[] = {"committee", "general_branch", "branch", "group", NULL};
static const char *const statuses[] = {"applicant",    "activist", "candidate",
				       "probationary", "full",	   NULL};
static const char *const member_states[] = {"normal", "mobile", "lost", NULL};
static const char *const genders[] = {"male", "female", NULL};
static const char *const kinds[] = {"branch_meeting", "committee_meeting", "group_meeting",
				    "party_lecture",  "theme_day",	   NULL};
static const char *const wish_actions[] = {"claim", "fulfil", NULL};

static const struct jv_field org_fields[] = {
	{"name", JV_STRING, JV_REQUIRED, 1, PARTY_NAME_MAX, NULL, "请填写组织名称"},
	{"kind", JV_ENUM, JV_REQUIRED, 0, 0, org_kinds, "请选择组织类型"},
	{"parent_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"unit_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择所在单位"},
	{"secretary_user_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"secretary_name", JV_STRING, 0, 1, 50, NULL, NULL},
	{"term_start", JV_TIME, 0, 0, 0, NULL, NULL},
	{"term_end", JV_TIME, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field org_patch_fields[] = {
	{"name", JV_STRING, 0, 1, PARTY_NAME_MAX, NULL, NULL},
	{"secretary_user_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"secretary_name", JV_STRING, 0, 1, 50, NULL, NULL},
	{"term_start", JV_TIME, 0, 0, 0, NULL, NULL},
	{"term_end", JV_TIME, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field member_fields[] = {
	{"name", JV_STRING, JV_REQUIRED, 1, 50, NULL, "请填写党员姓名"},
	{"org_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择所在党组织"},
	{"status", JV_ENUM, JV_REQUIRED, 0, 0, statuses, "请选择发展阶段"},
	{"gender", JV_ENUM, 0, 0, 0, genders, NULL},
	{"birth_date", JV_STRING, 0, 10, 10, NULL, "出生日期格式为 YYYY-MM-DD"},
	{"id_number", JV_STRING, 0, 15, 18, NULL, "身份证号须为 15 或 18 位"},
	{"phone", JV_STRING, 0, 5, 20, NULL, NULL},
	{"home_unit_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"user_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"date", JV_TIME, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field member_patch_fields[] = {
	{"user_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"status", JV_ENUM, 0, 0, 0, statuses, NULL},
	{"state", JV_ENUM, 0, 0, 0, member_states, NULL},
	{"date", JV_TIME, 0, 0, 0, NULL, NULL},
	{"phone", JV_STRING, 0, 5, 20, NULL, NULL},
	{"home_unit_id", JV_ID, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field transfer_fields[] = {
	{"to_org_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择接收党组织"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field dues_fields[] = {
	{"month", JV_STRING, JV_REQUIRED, 7, 7, NULL, "月份格式为 YYYY-MM"},
	{"standard", JV_NUMBER, 0, 0, 100000, NULL, "党费标准须在 0 到 100000 元之间"},
	{"paid", JV_BOOL, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field activity_fields[] = {
	{"org_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择党组织"},
	{"kind", JV_ENUM, JV_REQUIRED, 0, 0, kinds, "请选择活动类型"},
	{"held_at", JV_TIME, JV_REQUIRED, 0, 0, NULL, "请填写活动时间"},
	{"title", JV_STRING, JV_REQUIRED, 1, PARTY_TITLE_MAX, NULL, "请填写活动主题"},
	{"minutes", JV_TEXT, 0, 1, PARTY_TEXT_MAX, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field checkin_fields[] = {
	{"token", JV_STRING, JV_REQUIRED, 1, 64, NULL, "请填写签到码"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field wish_fields[] = {
	{"title", JV_STRING, JV_REQUIRED, 1, PARTY_TITLE_MAX, NULL, "请填写标题"},
	{"detail", JV_TEXT, 0, 1, 2000, NULL, NULL},
	{"unit_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择社区或村"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field wish_action_fields[] = {
	{"action", JV_ENUM, JV_REQUIRED, 0, 0, wish_actions, "请选择操作"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct jv_field home_fields[] = {
	{"unit_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择报到的社区或村"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

/* ---- edge helpers ---- */

static int current_year(void)
{
	char iso[40];
	clock_format_iso(clock_now_ms(), iso, sizeof iso);
	return (int)((iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 +
		     (iso[3] - '0'));
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "YYYY-MM" with a month 01..12. */
static bool month_ok(const char *m)
{
	return m && strlen(m) == 7 && digits(m, 4) && m[4] == '-' && digits(m + 5, 2) &&
	       strncmp(m + 5, "01", 2) >= 0 && strncmp(m + 5, "12", 2) <= 0;
}

static int read_who(http_req *r, store_conn **c, party_who *w, err *e)
{
	if (!(*c = store_conn_get(r->store, e)))
		return -1;
	return party_who_load(*c, req_actor(r), w, e);
}

/* A write: fn runs in a transaction with the caller's party view loaded inside it. */
typedef struct party_tx {
	int (*fn)(store_conn *c, const party_who *w, struct party_tx *x, err *e);
	const actor *who;
	json_t *body;
	int64_t id, id2, out;
	const char *text;
	const int64_t *ids;
	size_t n;
	char token[40];
} party_tx;

static int tx_run(store_conn *c, void *p, err *e)
{
	party_tx *x = p;
	party_who w;
	if (party_who_load(c, x->who, &w, e) < 0)
		return -1;
	return x->fn(c, &w, x, e);
}

static int run(http_req *r, party_tx *x, err *e)
{
	x->who = req_actor(r);
	return store_write(r->store, tx_run, x, e);
}

/* The body checked against fields (400/422), or NULL with e filled. */
static json_t *body(http_req *r, const struct jv_field *fields, err *e)
{
	json_t *b = http_body_object(r, e);
	if (!b || jv_check(b, fields, e) < 0)
		return NULL;
	return b;
}

static int year_quarter(http_req *r, int *year, int *quarter, err *e)
{
	int64_t y, q;
	if (http_query_int(r, "year", 2000, 2100, current_year(), &y, e) < 0 ||
	    http_query_int(r, "quarter", 0, 4, 0, &q, e) < 0)
		return -1;
	*year = (int)y;
	*quarter = (int)q;
	return 0;
}

/* ---- organizations ---- */

static int h_orgs(http_req *r)
{
	err e = {0};
	store_conn *c;
	party_who w;
	json_t *items;
	if (read_who(r, &c, &w, &e) < 0 || party_org_list(c, &w, &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200,
			 json_pack("{s:o, s:I}", "items", items, "total",
				   (json_int_t)json_array_size(items)));
}

static int h_org_get(http_req *r)
{
	err e = {0};
	int64_t id;
	store_conn *c;
	party_who w;
	json_t *o;
	if (http_param_id(r, "id", &id, &e) < 0 || read_who(r, &c, &w, &e) < 0 ||
	    party_org_get(c, &w, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int check_committee(json_t *b, err *e)
{
	json_t *v = json_object_get(b, "committee");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 15)
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "committee",
			       "committee 须为不超过 15 个姓名的数组");
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		const char *s = json_string_value(x);
		long n = s ? jv_utf8_chars(s) : -1;
		if (n < 1 || n > 50 || jv_has_control(s, false))
			return err_set(e, ERR_INVALID, "invalid_value", "committee",
				       "委员姓名须为 1 到 50 个字符");
	}
	return 0;
}

static int check_term(json_t *b, err *e)
{
	int64_t s = jv_time_ms(b, "term_start"), t = jv_time_ms(b, "term_end");
	if (s && t && t <= s)
		return err_set(e, ERR_INVALID, "invalid_term", "term_end",
			       "届满日期须晚于换届日期");
	return 0;
}

static int tx_org_create(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_org_create(c, w, x->body, &x->out, e);
}

static int tx_org_update(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_org_update(c, w, x->id, x->body, e);
}

static int answer_org(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c;
	party_who w;
	json_t *o;
	if (read_who(r, &c, &w, &e) < 0 || party_org_get(c, &w, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_org_create(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_org_create};
	if (!(x.body = body(r, org_fields, &e)) || check_committee(x.body, &e) < 0 ||
	    check_term(x.body, &e) < 0 || run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_org(r, 201, x.out);
}

static int h_org_update(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_org_update};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = body(r, org_patch_fields, &e)) ||
	    check_committee(x.body, &e) < 0 || check_term(x.body, &e) < 0 || run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_org(r, 200, x.id);
}

static int h_org_quota(http_req *r)
{
	err e = {0};
	int64_t id;
	int year, quarter;
	store_conn *c;
	party_who w;
	json_t *o;
	if (http_param_id(r, "id", &id, &e) < 0 || year_quarter(r, &year, &quarter, &e) < 0 ||
	    read_who(r, &c, &w, &e) < 0 || party_org_quota(c, &w, id, year, quarter, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_flags(http_req *r)
{
	err e = {0};
	int year, quarter;
	store_conn *c;
	party_who w;
	json_t *behind, *terms;
	if (year_quarter(r, &year, &quarter, &e) < 0 || read_who(r, &c, &w, &e) < 0 ||
	    party_flagged(c, &w, year, quarter, &behind, &e) < 0)
		return http_error(r, &e);
	if (party_term_warnings(c, &w, clock_now_ms(), &terms, &e) < 0) {
		json_decref(behind);
		return http_error(r, &e);
	}
	return http_json(r, 200,
			 json_pack("{s:i, s:o, s:o, s:o}", "year", year, "quarter",
				   quarter ? json_integer(quarter) : json_null(), "behind_quota",
				   behind, "term_expiring", terms));
}

/* ---- members ---- */

static int check_member_extras(json_t *b, err *e)
{
	const char *birth = json_string_value(json_object_get(b, "birth_date"));
	int64_t ms;
	if (birth && (!digits(birth, 4) || birth[4] != '-' || !digits(birth + 5, 2) ||
		      birth[7] != '-' || !digits(birth + 8, 2) || clock_parse_iso(birth, &ms) < 0))
		return err_set(e, ERR_INVALID, "invalid_date", "birth_date",
			       "出生日期格式为 YYYY-MM-DD");
	const char *idn = json_string_value(json_object_get(b, "id_number"));
	if (idn) {
		size_t n = strlen(idn);
		bool ok = (n == 15 && digits(idn, 15)) ||
			  (n == 18 && digits(idn, 17) &&
			   (digits(idn + 17, 1) || idn[17] == 'X' || idn[17] == 'x'));
		if (!ok)
			return err_set(e, ERR_INVALID, "invalid_id_number", "id_number",
				       "身份证号须为 15 或 18 位");
	}
	return jv_phone(json_string_value(json_object_get(b, "phone")), "phone", e);
}

static int tx_member_create(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_member_create(c, w, x->body, &x->out, e);
}

static int answer_member(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c;
	party_who w;
	json_t *o;
	if (read_who(r, &c, &w, &e) < 0 || party_member_get(c, &w, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_member_create(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_member_create};
	if (!(x.body = body(r, member_fields, &e)) || check_member_extras(x.body, &e) < 0 ||
	    run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_member(r, 201, x.out);
}

static int tx_member_update(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_member_update(c, w, x->id, x->body, e);
}

static int h_member_update(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_member_update};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = body(r, member_patch_fields, &e)) ||
	    check_member_extras(x.body, &e) < 0)
		return http_error(r, &e);
	if (!json_object_get(x.body, "status") && !json_object_get(x.body, "state") &&
	    !json_object_get(x.body, "phone") && !json_object_get(x.body, "home_unit_id") &&
	    !json_object_get(x.body, "user_id"))
		return http_fail(r, 422, "missing_field", "status",
				 "请填写 status、state、phone、home_unit_id 或 user_id");
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_member(r, 200, x.id);
}

static int h_member_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer_member(r, 200, id);
}

static int h_member_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, org, incoming;
	store_conn *c;
	party_who w;
	json_t *items;
	int64_t total;
	const char *q = http_query(r, "q");
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "org_id", 1, INT64_MAX, 0, &org, &e) < 0 ||
	    http_query_int(r, "incoming", 0, 1, 0, &incoming, &e) < 0)
		return http_error(r, &e);
	if (q && (jv_utf8_chars(q) < 0 || jv_utf8_chars(q) > 50))
		return http_fail(r, 400, "invalid_parameter", "q", "查询词过长或不是有效的 UTF-8");
	if (read_who(r, &c, &w, &e) < 0 ||
	    party_member_list(c, &w, org, incoming == 1, q, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int tx_transfer(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_member_transfer(c, w, x->id, x->id2, e);
}

static int h_member_transfer(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_transfer};
	json_t *b;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(b = body(r, transfer_fields, &e)))
		return http_error(r, &e);
	x.id2 = json_integer_value(json_object_get(b, "to_org_id"));
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_member(r, 200, x.id);
}

static int tx_accept(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_member_accept(c, w, x->id, e);
}

static int h_member_accept(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_accept};
	if (http_param_id(r, "id", &x.id, &e) < 0 || run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_member(r, 200, x.id);
}

static int tx_home(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	if (!w->member_id)
		return err_set(e, ERR_FORBIDDEN, "not_a_member", NULL, "当前账号未关联党员");
	return party_member_register_home(c, w, w->member_id, x->id, e);
}

static int h_me_home(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_home};
	json_t *b;
	if (!(b = body(r, home_fields, &e)))
		return http_error(r, &e);
	x.id = json_integer_value(json_object_get(b, "unit_id"));
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

static int h_me(http_req *r)
{
	err e = {0};
	store_conn *c;
	party_who w;
	json_t *o;
	if (read_who(r, &c, &w, &e) < 0 || party_me(c, &w, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

/* ---- dues ---- */

static int tx_dues(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	json_t *s = json_object_get(x->body, "standard");
	json_t *p = json_object_get(x->body, "paid");
	int64_t fen = s && json_is_number(s) ? (int64_t)(json_number_value(s) * 100.0 + 0.5) : -1;
	int paid = json_is_true(p) ? 1 : json_is_false(p) ? 0 : -1;
	return party_dues_set(c, w, x->id, x->text, fen, paid, e);
}

static int h_dues_set(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_dues};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = body(r, dues_fields, &e)))
		return http_error(r, &e);
	x.text = json_string_value(json_object_get(x.body, "month"));
	if (!month_ok(x.text))
		return http_fail(r, 422, "invalid_month", "month", "月份格式为 YYYY-MM");
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

static int h_dues_list(http_req *r)
{
	err e = {0};
	int64_t org;
	store_conn *c;
	party_who w;
	json_t *o;
	const char *month = http_query(r, "month");
	if (http_query_int(r, "org_id", 1, INT64_MAX, 0, &org, &e) < 0)
		return http_error(r, &e);
	if (!org)
		return http_fail(r, 400, "invalid_parameter", "org_id", "需要参数 org_id");
	if (!month_ok(month))
		return http_fail(r, 400, "invalid_parameter", "month", "month 格式为 YYYY-MM");
	if (read_who(r, &c, &w, &e) < 0 || party_dues_list(c, &w, org, month, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

/* ---- activities ---- */

static int tx_activity_create(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_activity_create(c, w, x->body, &x->out, e);
}

static int answer_activity(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c;
	party_who w;
	json_t *o;
	if (read_who(r, &c, &w, &e) < 0 || party_activity_get(c, &w, id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_activity_create(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_activity_create};
	if (!(x.body = body(r, activity_fields, &e)) || run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_activity(r, 201, x.out);
}

static int h_activity_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer_activity(r, 200, id);
}

static int h_activity_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, org, year, total;
	store_conn *c;
	party_who w;
	json_t *items;
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "org_id", 1, INT64_MAX, 0, &org, &e) < 0 ||
	    http_query_int(r, "year", 2000, 2100, 0, &year, &e) < 0 ||
	    read_who(r, &c, &w, &e) < 0 ||
	    party_activity_list(c, &w, org, (int)year, page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int tx_attendance(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_attendance_add(c, w, x->id, x->ids, x->n, &x->out, e);
}

static int h_attendance(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_attendance};
	json_t *b;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(b = http_body_object(r, &e)))
		return http_error(r, &e);
	json_t *v = json_object_get(b, "member_ids");
	if (!v || json_is_null(v))
		return http_fail(r, 422, "missing_field", "member_ids", "请选择出席的党员");
	if (!json_is_array(v))
		return http_fail(r, 400, "invalid_type", "member_ids", "member_ids 须为整数数组");
	if (json_array_size(v) == 0 || json_array_size(v) > PARTY_ATTEND_MAX)
		return http_fail(r, 422, "out_of_range", "member_ids", "出席党员须为 1 到 2000 人");
	int64_t *ids = arena_alloc(&r->arena, json_array_size(v) * sizeof *ids);
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *m = json_array_get(v, i);
		if (!json_is_integer(m) || json_integer_value(m) <= 0)
			return http_fail(r, 400, "invalid_type", "member_ids",
					 "member_ids 须为正整数数组");
		ids[i] = json_integer_value(m);
	}
	x.ids = ids;
	x.n = json_array_size(v);
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_activity(r, 200, x.id);
}

static int tx_qr(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_activity_qr(c, w, x->id, x->id2, x->token, &x->out, e);
}

static int h_activity_qr(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_qr};
	if (http_param_id(r, "id", &x.id, &e) < 0 ||
	    http_query_int(r, "ttl", 1, 3600, PARTY_QR_TTL_S, &x.id2, &e) < 0 || run(r, &x, &e) < 0)
		return http_error(r, &e);
	char iso[40];
	clock_format_iso(x.out, iso, sizeof iso);
	return http_json(r, 200,
			 json_pack("{s:I, s:s, s:s, s:I}", "activity_id", (json_int_t)x.id, "token",
				   x.token, "expires_at", iso, "ttl", (json_int_t)x.id2));
}

static int tx_checkin(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_checkin(c, w, x->text, &x->out, e);
}

static int h_checkin(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_checkin};
	json_t *b;
	if (!(b = body(r, checkin_fields, &e)))
		return http_error(r, &e);
	x.text = json_string_value(json_object_get(b, "token"));
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 201,
			 json_pack("{s:I, s:b}", "activity_id", (json_int_t)x.out, "signed_in", 1));
}

/* ---- rules ---- */

static int h_rules(http_req *r)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || party_rules_get(c, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int tx_rules(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_rules_set(c, w, x->body, e);
}

static int h_rules_set(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_rules};
	if (caller_require_city_admin(r, &e) < 0 || !(x.body = http_body_object(r, &e)) ||
	    run(r, &x, &e) < 0)
		return http_error(r, &e);
	return h_rules(r);
}

/* ---- wishes and tasks ---- */

static const char *wish_kind(http_req *r)
{
	return strstr(r->path, "/party/tasks") ? "task" : "wish";
}

static int tx_wish_create(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_wish_create(c, w, x->text, x->body, &x->out, e);
}

static int answer_wish(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c;
	party_who w;
	json_t *o;
	if (read_who(r, &c, &w, &e) < 0 || party_wish_get(c, &w, wish_kind(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_wish_create(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_wish_create, .text = wish_kind(r)};
	if (!(x.body = body(r, wish_fields, &e)) || run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_wish(r, 201, x.out);
}

static int h_wish_list(http_req *r)
{
	err e = {0};
	int64_t page, per_page, mine, total;
	store_conn *c;
	party_who w;
	json_t *items;
	const char *status = http_query(r, "status");
	if (http_paging(r, &page, &per_page, &e) < 0 ||
	    http_query_int(r, "mine", 0, 1, 0, &mine, &e) < 0)
		return http_error(r, &e);
	if (status && strcmp(status, "open") && strcmp(status, "claimed") &&
	    strcmp(status, "fulfilled"))
		return http_fail(r, 400, "invalid_parameter", "status",
				 "status 须为 open、claimed 或 fulfilled");
	if (read_who(r, &c, &w, &e) < 0 || party_wish_list(c, &w, wish_kind(r), status, mine == 1,
							   page, per_page, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, page, per_page);
}

static int h_wish_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer_wish(r, 200, id);
}

static int tx_wish_act(store_conn *c, const party_who *w, party_tx *x, err *e)
{
	return party_wish_act(c, w, x->text, x->id,
			      json_string_value(json_object_get(x->body, "action")), e);
}

static int h_wish_act(http_req *r)
{
	err e = {0};
	party_tx x = {.fn = tx_wish_act, .text = wish_kind(r)};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = body(r, wish_action_fields, &e)))
		return http_error(r, &e);
	/* Claiming is a member's; confirming is the community's (the handler says who). */
	const char *action = json_string_value(json_object_get(x.body, "action"));
	if (strcmp(action, "claim") == 0 && caller_require(r, ROLE_PARTY_MEMBER, &e) < 0)
		return http_error(r, &e);
	if (run(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_wish(r, 200, x.id);
}

/* ---- points and figures ---- */

static int h_points(http_req *r)
{
	err e = {0};
	int64_t org, limit;
	store_conn *c;
	party_who w;
	json_t *items;
	if (http_query_int(r, "org_id", 1, INT64_MAX, 0, &org, &e) < 0 ||
	    http_query_int(r, "limit", 1, 500, 100, &limit, &e) < 0 ||
	    read_who(r, &c, &w, &e) < 0 || party_points(c, &w, org, limit, &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}

static int h_branch_ranking(http_req *r)
{
	err e = {0};
	store_conn *c;
	party_who w;
	json_t *items;
	if (read_who(r, &c, &w, &e) < 0 || party_branch_ranking(c, &w, &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}

static int h_stats(http_req *r)
{
	err e = {0};
	int year, quarter;
	store_conn *c;
	party_who w;
	json_t *items;
	if (year_quarter(r, &year, &quarter, &e) < 0 || read_who(r, &c, &w, &e) < 0 ||
	    party_stats(c, &w, year, &items, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, json_pack("{s:i, s:o}", "year", year, "items", items));
}

#define P "/api/v1/party"
const struct route api_party_routes[] = {
	{"GET", P "/orgs", h_orgs, 0, READERS, NULL},
	{"POST", P "/orgs", h_org_create, 0, ORG_ADMINS, NULL},
	{"GET", P "/orgs/{id}", h_org_get, 0, READERS, NULL},
	{"PATCH", P "/orgs/{id}", h_org_update, 0, ORG_ADMINS, NULL},
	{"GET", P "/orgs/{id}/quota", h_org_quota, 0, OFFICE, NULL},
	{"GET", P "/flags", h_flags, 0, OFFICE, NULL},
	{"GET", P "/members", h_member_list, 0, OFFICE, NULL},
	{"POST", P "/members", h_member_create, 0, MANAGERS, NULL},
	{"GET", P "/members/{id}", h_member_get, 0, OFFICE, NULL},
	{"PATCH", P "/members/{id}", h_member_update, 0, MANAGERS, NULL},
	{"POST", P "/members/{id}/transfer", h_member_transfer, 0, MANAGERS, NULL},
	{"POST", P "/members/{id}/accept", h_member_accept, 0, MANAGERS, NULL},
	{"POST", P "/members/{id}/dues", h_dues_set, 0, MANAGERS, NULL},
	{"GET", P "/dues", h_dues_list, 0, OFFICE, NULL},
	{"GET", P "/me", h_me, 0, ROLE_PARTY_MEMBER, NULL},
	{"POST", P "/me/home", h_me_home, 0, ROLE_PARTY_MEMBER, NULL},
	{"GET", P "/activities", h_activity_list, 0, MEMBERS_TOO, NULL},
	{"POST", P "/activities", h_activity_create, 0, MANAGERS, NULL},
	{"GET", P "/activities/{id}", h_activity_get, 0, MEMBERS_TOO, NULL},
	{"POST", P "/activities/{id}/attendance", h_attendance, 0, MANAGERS, NULL},
	{"GET", P "/activities/{id}/qr", h_activity_qr, 0, MANAGERS, NULL},
	{"POST", P "/checkin", h_checkin, 0, ROLE_PARTY_MEMBER, NULL},
	{"GET", P "/rules", h_rules, 0, OFFICE, NULL},
	{"PUT", P "/rules", h_rules_set, 0, ROLE_ADMIN, NULL},
	{"GET", P "/wishes", h_wish_list, 0, READERS, NULL},
	{"POST", P "/wishes", h_wish_create, 0, PUBLISHERS, NULL},
	{"GET", P "/wishes/{id}", h_wish_get, 0, READERS, NULL},
	{"POST", P "/wishes/{id}/actions", h_wish_act, 0, PUBLISHERS | ROLE_PARTY_MEMBER, NULL},
	{"GET", P "/tasks", h_wish_list, 0, READERS, NULL},
	{"POST", P "/tasks", h_wish_create, 0, PUBLISHERS, NULL},
	{"GET", P "/tasks/{id}", h_wish_get, 0, READERS, NULL},
	{"POST", P "/tasks/{id}/actions", h_wish_act, 0, PUBLISHERS | ROLE_PARTY_MEMBER, NULL},
	{"GET", P "/points", h_points, 0, MEMBERS_TOO, NULL},
	{"GET", P "/points/branches", h_branch_ranking, 0, MEMBERS_TOO, NULL},
	{"GET", "/api/v1/stats/party", h_stats, 0, OFFICE, NULL},
};
const size_t api_party_routes_count = sizeof api_party_routes / sizeof api_party_routes[0];
