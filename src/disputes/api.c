/* Disputes over HTTP (docs/disputes.md): registration, the list, one dispute, the action
 * table, the mediator's desk and the agreement's PDF. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "disputes/api_edge.h"
#include "disputes/dispute.h"
#include "disputes/dispute_pdf.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

/* ---- shared edge helpers ---- */

/* Percent-encodes s for a filename*=UTF-8'' parameter (RFC 5987). */
static char *rfc5987(arena *a, const char *s)
{
	char *out = arena_alloc(a, 3 * strlen(s) + 1), *p = out;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		if (isalnum(*q) || strchr("-._~", *q))
			*p++ = (char)*q;
		else
			p += sprintf(p, "%%%02X", *q);
	}
	*p = '\0';
	return out;
}

int dispute_edge_file(http_req *r, char *data, size_t len, const char *type, const char *ascii_name,
		      const char *name, bool inline_)
{
	r->disposition = arena_printf(&r->arena, "%s; filename=\"%s\"; filename*=UTF-8''%s",
				      inline_ ? "inline" : "attachment", ascii_name,
				      rfc5987(&r->arena, name));
	free(r->text);
	r->status = 200;
	r->text = data;
	r->text_len = len;
	r->content_type = type;
	return 0;
}

/* ---- registration ---- */

/* Keeps the digits (and a leading +) of a phone number, so that one person's number is
 * stored one way. */
static const char *normalized_phone(http_req *r, const char *phone)
{
	if (!phone)
		return NULL;
	char *out = arena_alloc(&r->arena, strlen(phone) + 1), *p = out;
	for (const char *q = phone; *q; q++)
		if (isdigit((unsigned char)*q) || (*q == '+' && p == out))
			*p++ = *q;
	*p = '\0';
	return out;
}

static bool in_words(const char *v, const char *const *words)
{
	for (; v && *words; words++)
		if (!strcmp(v, *words))
			return true;
	return false;
}

/* A unified social credit code (统一社会信用代码) of an organization: 18 digits or capital
 * letters (an organization's `id_number`). */
static bool credit_code_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isdigit((unsigned char)s[n]) && !isupper((unsigned char)s[n]))
			return false;
	return n == 18;
}

/* One party of the body; errors name the field as parties[i].name. */
static int parse_party(http_req *r, json_t *o, size_t i, dispute_party_input *p, err *e)
{
	char *idn = NULL;
	if (!json_is_object(o))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "parties",
			       "parties 的每一项须为对象");
	int rc = jv_str(o, "name", JV_REQUIRED, DISPUTE_NAME_MAX, &p->name, NULL, e) < 0 ||
				 jv_str(o, "side", JV_REQUIRED, 16, &p->side, NULL, e) < 0 ||
				 jv_str(o, "kind", 0, 16, &p->kind, NULL, e) < 0 ||
				 jv_str(o, "phone", 0, DISPUTE_PHONE_MAX, &p->phone, NULL, e) < 0 ||
				 jv_phone(p->phone, "phone", e) < 0 ||
				 jv_str(o, "id_number", 0, DISPUTE_ID_NUMBER_MAX, &p->id_number,
					NULL, e) < 0 ||
				 jv_str(o, "address", 0, DISPUTE_ADDRESS_MAX, &p->address, NULL,
					e) < 0
			 ? -1
			 : 0;
	if (rc == 0 && !in_words(p->side, dispute_party_sides))
		rc = err_set(e, ERR_INVALID, "invalid_value", "side",
			     "当事人一方须为 applicant（申请人）或 respondent（被申请人）");
	if (rc == 0 && p->kind && !in_words(p->kind, dispute_party_kinds))
		rc = err_set(e, ERR_INVALID, "invalid_value", "kind",
			     "当事人类别须为 person（自然人）或 organization（单位）");
	if (rc == 0 && p->id_number) {
		idn = arena_printf(&r->arena, "%s", p->id_number);
		for (char *q = idn; *q; q++)
			*q = (char)toupper((unsigned char)*q);
		p->id_number = idn;
		bool org = p->kind && !strcmp(p->kind, "organization");
		if (org ? !credit_code_valid(idn) : !dispute_id_number_valid(idn))
			rc = err_set(e, ERR_INVALID, "invalid_id_number", "id_number",
				     org ? "统一社会信用代码须为 18 位数字或大写字母"
					 : "身份证号码格式或校验位不正确");
	}
	if (rc < 0) {
		char field[16];
		snprintf(field, sizeof field, "%.15s", e->field);
		snprintf(e->field, sizeof e->field, "parties[%zu].%s", i, field);
		return -1;
	}
	p->phone = normalized_phone(r, p->phone);
	return 0;
}

static int parse_parties(http_req *r, json_t *b, dispute_input *in, err *e)
{
	json_t *v = json_object_get(b, "parties");
	if (!v || json_is_null(v))
		return err_set(e, ERR_INVALID, "missing_field", "parties", "请填写纠纷当事人");
	if (!json_is_array(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "parties", "parties 须为数组");
	size_t n = json_array_size(v);
	if (n > DISPUTE_PARTIES_MAX)
		return err_set(e, ERR_INVALID, "too_many", "parties", "当事人最多 %d 名",
			       DISPUTE_PARTIES_MAX);
	dispute_party_input *ps = arena_alloc(&r->arena, (n ? n : 1) * sizeof *ps);
	memset(ps, 0, (n ? n : 1) * sizeof *ps);
	for (size_t i = 0; i < n; i++)
		if (parse_party(r, json_array_get(v, i), i, &ps[i], e) < 0)
			return -1;
	in->parties = ps;
	in->nparties = n;
	return 0;
}

static int parse_input(http_req *r, json_t *b, dispute_input *in, err *e)
{
	int threats = -1;
	if (jv_str(b, "type", JV_REQUIRED, DISPUTE_TYPE_CODE_MAX, &in->type, NULL, e) < 0 ||
	    jv_str(b, "title", 0, DISPUTE_TITLE_MAX, &in->title, NULL, e) < 0 ||
	    jv_str(b, "facts", JV_MULTILINE, DISPUTE_TEXT_MAX, &in->facts, NULL, e) < 0 ||
	    jv_str(b, "place", 0, DISPUTE_PLACE_MAX, &in->place, NULL, e) < 0 ||
	    jv_str(b, "source", 0, 16, &in->source, NULL, e) < 0 ||
	    jv_int(b, "region_id", 0, 1, INT64_MAX, &in->region_id, NULL, e) < 0 ||
	    jv_int(b, "people_involved", 0, 1, DISPUTE_PEOPLE_MAX, &in->people_involved, NULL, e) <
		    0 ||
	    jv_int(b, "from_appeal_id", 0, 1, INT64_MAX, &in->from_appeal_id, NULL, e) < 0 ||
	    jv_bool(b, "threats", 0, &threats, e) < 0 || parse_parties(r, b, in, e) < 0)
		return -1;
	in->threats = threats == 1;
	if (in->source && !in_words(in->source, dispute_sources))
		return err_set(e, ERR_INVALID, "invalid_value", "source",
			       "来源须为 walk_in、grid_event、appeal、referral 或 patrol");
	if (!in->from_appeal_id && !in->title)
		return err_set(e, ERR_INVALID, "missing_field", "title", "请填写纠纷标题");
	if (!in->from_appeal_id && !in->facts)
		return err_set(e, ERR_INVALID, "missing_field", "facts", "请填写纠纷主要事实");
	return 0;
}

typedef struct write_ctx {
	const actor *who;
	dispute_input in;
	int64_t id;
	const char *action;
	json_t *body;
} write_ctx;

static int register_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return dispute_register(c, x->who, &x->in, &x->id, e);
}

/* The dispute as the caller now sees it, with status. */
static int answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || dispute_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_create(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (!b || parse_input(r, b, &x.in, &e) < 0 ||
	    store_write(r->store, register_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

/* ---- reads ---- */

static int parse_time(http_req *r, const char *name, bool end_of_day, int64_t *out, err *e)
{
	const char *v = http_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	if (strlen(v) > 40 || clock_parse_iso(v, out) < 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", name,
			       "参数 %s 须为 ISO 8601 日期或时间", name);
	if (end_of_day && strlen(v) == 10)
		*out += 24LL * 3600 * 1000;
	return 0;
}

/* Each word of a comma list is one of words. */
static bool words_valid(const char *list, const char *const *words)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *sv = NULL, *t = strtok_r(buf, ",", &sv); t; t = strtok_r(NULL, ",", &sv))
		if (!in_words(t, words))
			return false;
	return true;
}

static int parse_filter(http_req *r, dispute_filter *f, err *e)
{
	int64_t risk, mine;
	if (http_query_int(r, "unit_id", 1, INT64_MAX, 0, &f->unit_id, e) < 0 ||
	    http_query_int(r, "risk", 0, 1, -1, &risk, e) < 0 ||
	    http_query_int(r, "mine", 0, 1, 0, &mine, e) < 0 ||
	    parse_time(r, "from", false, &f->from, e) < 0 ||
	    parse_time(r, "to", true, &f->to, e) < 0)
		return -1;
	f->risk = (int)risk;
	f->mine = mine == 1;
	f->statuses = http_query(r, "status");
	f->level = http_query(r, "level");
	f->type = http_query(r, "type");
	f->q = http_query(r, "q");
	const char *texts[] = {f->statuses, f->level, f->type, f->q};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i] && (jv_utf8_chars(texts[i]) < 0 || jv_utf8_chars(texts[i]) > 200))
			return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", NULL,
				       "查询参数过长或不是有效的 UTF-8");
	if (f->statuses && !words_valid(f->statuses, dispute_statuses))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "status", "未知的状态");
	if (f->level && !in_words(f->level, dispute_levels))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "level",
			       "level 须为 village、township 或 county");
	return 0;
}

static int h_list(http_req *r)
{
	err e = {0};
	dispute_filter f = {0};
	int64_t page, per_page, total;
	json_t *items;
	if (http_paging(r, &page, &per_page, &e) < 0 || parse_filter(r, &f, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	if (!c ||
	    dispute_list(c, r->store, req_actor(r), &f, page, per_page, &items, &total, &e) < 0)
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
	if (!c || dispute_desk(c, req_actor(r), &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_pdf(http_req *r)
{
	err e = {0};
	int64_t id;
	char *data = NULL, number[64];
	size_t len = 0;
	store_conn *c;
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    dispute_agreement_pdf(c, req_actor(r), id, &data, &len, number, sizeof number, &e) < 0)
		return http_error(r, &e);
	char *ascii = arena_printf(&r->arena, "agreement-%lld.pdf", (long long)id);
	char *name = arena_printf(&r->arena, "人民调解协议书_%s.pdf", number);
	return dispute_edge_file(r, data, len, "application/pdf", ascii, name, true);
}

/* ---- actions ---- */

static int act_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return dispute_act(c, x->who, x->id, x->action, x->body, e);
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

const struct route api_disputes_routes[] = {
	{"POST", "/api/v1/disputes", h_create, 0, DISPUTE_REGISTER_ROLES, NULL},
	{"GET", "/api/v1/disputes", h_list, 0, DISPUTE_READ_ROLES, NULL},
	{"GET", "/api/v1/disputes/desk", h_desk, 0, ROLE_MEDIATOR, NULL},
	{"GET", "/api/v1/disputes/{id}", h_get, 0, DISPUTE_READ_ROLES, NULL},
	{"GET", "/api/v1/disputes/{id}/agreement.pdf", h_pdf, 0, DISPUTE_READ_ROLES, NULL},
	{"POST", "/api/v1/disputes/{id}/actions", h_action, 0, DISPUTE_ACT_ROLES, NULL},
};
const size_t api_disputes_routes_count = sizeof api_disputes_routes / sizeof api_disputes_routes[0];
