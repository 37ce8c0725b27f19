/* 三大调度 reviews over HTTP (docs/reviews.md): schemes, periods and their cards, entered
 * values, closing, the host, drill-downs, history, the latest cards, meetings and the
 * card's workbook. Bodies are checked here; the rules live in review*.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "reviews/review.h"
#include "routes.h"

enum { INDICATORS_MAX = 30, UNITS_MAX = 2000, VALUES_MAX = 5000, LIST_MAX = 100 };

static const char *const cadences[] = {"monthly", "bimonthly", "quarterly", "custom", NULL};
static const char *const kinds[] = {"county", "township",   "community", "village",
				    "grid",   "department", NULL};
static const char *const sources[] = {"computed", "entered", NULL};
static const char *const directions[] = {"higher", "lower", NULL};
static const char *const rules[] = {"minmax", "rank_points", "bands", "value", NULL};
static const char *const decision_kinds[] = {"task", "key_issue", NULL};
static const char *const decision_states[] = {"open", "done", NULL};

static const struct jv_field scheme_fields[] = {
	{"name", JV_STRING, JV_REQUIRED, 1, 100, NULL, "请填写方案名称"},
	{"cadence", JV_ENUM, JV_REQUIRED, 0, 0, cadences, "请选择考核周期"},
	{"organizer_unit_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"unit_kind", JV_ENUM, 0, 0, 0, kinds, NULL},
	{"parent_id", JV_ID, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct jv_field indicator_fields[] = {
	{"name", JV_STRING, JV_REQUIRED, 1, 60, NULL, "请填写指标名称"},
	{"source", JV_ENUM, JV_REQUIRED, 0, 0, sources, "请选择指标来源"},
	{"metric", JV_STRING, 0, 1, 64, NULL, NULL},
	{"assessing_unit_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"weight", JV_NUMBER, JV_REQUIRED, 0, 1000, NULL, "权重在 0 到 1000 之间"},
	{"direction", JV_ENUM, 0, 0, 0, directions, NULL},
	{"rule", JV_ENUM, 0, 0, 0, rules, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct jv_field band_fields[] = {
	{"at", JV_NUMBER, JV_REQUIRED, -1000000000, 1000000000, NULL, "请填写分档界值"},
	{"score", JV_NUMBER, JV_REQUIRED, -1000, 1000, NULL, "分档得分在 -1000 到 1000 之间"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct jv_field custom_period_fields[] = {
	{"key", JV_STRING, JV_REQUIRED, 1, 20, NULL, "请填写考核期名称"},
	{"from", JV_STRING, JV_REQUIRED, 10, 10, NULL, "起始日期格式为 YYYY-MM-DD"},
	{"to", JV_STRING, JV_REQUIRED, 10, 10, NULL, "结束日期格式为 YYYY-MM-DD"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct jv_field value_fields[] = {
	{"unit_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请指定单位"},
	{"value", JV_NUMBER, JV_REQUIRED, -1000000000, 1000000000, NULL, "数值超出范围"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct jv_field meeting_fields[] = {
	{"held_on", JV_STRING, 0, 10, 10, NULL, "会议日期格式为 YYYY-MM-DD"},
	{"title", JV_STRING, 0, 1, 100, NULL, "会议名称最多 100 字"},
	{"host_unit_id", JV_ID, JV_NULLABLE, 0, 0, NULL, NULL},
	{"period_id", JV_ID, JV_NULLABLE, 0, 0, NULL, NULL},
	{"summary", JV_TEXT, 0, 0, 4000, NULL, "纪要最多 4000 字"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct jv_field decision_fields[] = {
	{"text", JV_TEXT, JV_REQUIRED, 1, 500, NULL, "请填写决定事项"},
	{"kind", JV_ENUM, 0, 0, 0, decision_kinds, NULL},
	{"owner_unit_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"deadline", JV_STRING, 0, 10, 10, NULL, "期限格式为 YYYY-MM-DD"},
	{"status", JV_ENUM, 0, 0, 0, decision_states, NULL},
	{"key_issue_id", JV_ID, JV_NULLABLE, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

/* An array field: absent is fine unless required; each element an object checked
 * against fields (or, with fields NULL, a positive integer / a short string). */
static int check_array(json_t *o, const char *key, bool required, size_t max,
		       const struct jv_field *fields, int elem, err *e)
{
	json_t *a = json_object_get(o, key);
	if (!a)
		return required ? err_set(e, ERR_INVALID, "missing_field", key, "请填写 %s", key)
				: 0;
	if (!json_is_array(a))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "字段 %s 必须是数组", key);
	if (required && !json_array_size(a))
		return err_set(e, ERR_INVALID, "missing_field", key, "%s 不能为空", key);
	if (json_array_size(a) > max)
		return err_set(e, ERR_INVALID, "too_many", key, "%s 最多 %zu 项", key, max);
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (fields) {
			if (!json_is_object(v))
				return err_set(e, ERR_BAD_REQUEST, "invalid_type", key,
					       "%s 的每一项必须是对象", key);
			if (jv_check(v, fields, e) < 0)
				return -1;
		} else if (elem == 'i' && (!json_is_integer(v) || json_integer_value(v) <= 0)) {
			return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "%s 必须是单位编号",
				       key);
		} else if (elem == 's') {
			long n = json_is_string(v) ? jv_utf8_chars(json_string_value(v)) : -1;
			if (n < 1 || n > 100 || jv_has_control(json_string_value(v), false))
				return err_set(e, ERR_INVALID, "invalid_value", key,
					       "%s 的每一项是 1 到 100 字的文字", key);
		}
	}
	return 0;
}

static int check_date(json_t *o, const char *key, err *e)
{
	const char *s = json_string_value(json_object_get(o, key));
	int64_t ms;
	if (s && (strlen(s) != 10 || clock_parse_iso(s, &ms) < 0))
		return err_set(e, ERR_INVALID, "invalid_date", key, "日期格式为 YYYY-MM-DD");
	return 0;
}

static int check_indicators(json_t *body, err *e)
{
	if (check_array(body, "indicators", true, INDICATORS_MAX, indicator_fields, 0, e) < 0)
		return -1;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(body, "indicators"), i, x)
	{
		if (check_array(x, "bands", false, 16, band_fields, 0, e) < 0)
			return -1;
	}
	return 0;
}

static int check_grades(json_t *body, err *e)
{
	json_t *g = json_object_get(body, "grades");
	if (!g)
		return 0;
	if (!json_is_array(g) || json_array_size(g) != 4)
		return err_set(e, ERR_INVALID, "invalid_value", "grades",
			       "等级界值是 A、B、C、D 四个数，从高到低");
	for (size_t i = 0; i < 4; i++) {
		json_t *v = json_array_get(g, i);
		if (!json_is_number(v) ||
		    (i && json_number_value(v) > json_number_value(json_array_get(g, i - 1))))
			return err_set(e, ERR_INVALID, "invalid_value", "grades",
				       "等级界值是 A、B、C、D 四个数，从高到低");
	}
	return 0;
}

static int check_scheme(json_t *body, err *e)
{
	if (jv_check(body, scheme_fields, e) < 0 ||
	    check_array(body, "unit_ids", false, UNITS_MAX, NULL, 'i', e) < 0 ||
	    check_indicators(body, e) < 0 || check_grades(body, e) < 0 ||
	    check_array(body, "periods", false, 120, custom_period_fields, 0, e) < 0)
		return -1;
	json_t *periods = json_object_get(body, "periods");
	size_t i;
	json_t *p;
	json_array_foreach(periods, i, p)
	{
		if (check_date(p, "from", e) < 0 || check_date(p, "to", e) < 0)
			return -1;
	}
	if (!strcmp(json_string_value(json_object_get(body, "cadence")), "custom") &&
	    !json_array_size(periods))
		return err_set(e, ERR_INVALID, "missing_field", "periods",
			       "自定义周期须列出各考核期");
	return 0;
}

static const struct jv_field scheme_patch_fields[] = {
	{"name", JV_STRING, 0, 1, 100, NULL, "方案名称 1 到 100 字"},
	{"unit_kind", JV_ENUM, 0, 0, 0, kinds, NULL},
	{"parent_id", JV_ID, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static int check_scheme_patch(json_t *body, err *e)
{
	if (jv_check(body, scheme_patch_fields, e) < 0 ||
	    check_array(body, "unit_ids", false, UNITS_MAX, NULL, 'i', e) < 0 ||
	    check_grades(body, e) < 0)
		return -1;
	if (json_object_get(body, "indicators") && check_indicators(body, e) < 0)
		return -1;
	json_t *name = json_object_get(body, "name");
	if (name && (!json_is_string(name) || !json_string_length(name)))
		return err_set(e, ERR_INVALID, "missing_field", "name", "方案名称不能为空");
	if (json_object_get(body, "parent_id") && !json_object_get(body, "unit_kind"))
		return err_set(e, ERR_INVALID, "missing_field", "unit_kind",
			       "给出上级单位时须同时给出单位类型");
	return 0;
}

static int check_meeting(json_t *body, bool create, err *e)
{
	if (jv_check(body, meeting_fields, e) < 0 || check_date(body, "held_on", e) < 0 ||
	    check_array(body, "sites", false, LIST_MAX, NULL, 's', e) < 0 ||
	    check_array(body, "attendees", false, LIST_MAX, NULL, 's', e) < 0 ||
	    check_array(body, "decisions", false, LIST_MAX, decision_fields, 0, e) < 0)
		return -1;
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(body, "decisions"), i, d)
	{
		if (check_date(d, "deadline", e) < 0)
			return -1;
	}
	if (create && !json_object_get(body, "held_on"))
		return err_set(e, ERR_INVALID, "missing_field", "held_on", "请填写会议日期");
	if (create && !json_object_get(body, "title"))
		return err_set(e, ERR_INVALID, "missing_field", "title", "请填写会议名称");
	return 0;
}

/* ---- the write transactions ---- */

typedef struct write_ctx {
	const actor *who;
	int64_t id, id2, out;
	json_t *body;
	const char *text;
	int (*fn)(store_conn *c, struct write_ctx *x, err *e);
} write_ctx;

static int write_tx(store_conn *c, void *ctx, err *e)
{
	write_ctx *x = ctx;
	return x->fn(c, x, e);
}

static int do_write(http_req *r, write_ctx *x, err *e)
{
	x->who = req_actor(r);
	return store_write(r->store, write_tx, x, e);
}

static int tx_scheme(store_conn *c, write_ctx *x, err *e)
{
	return review_scheme_create(c, x->who, x->body, &x->out, e);
}
static int tx_scheme_update(store_conn *c, write_ctx *x, err *e)
{
	return review_scheme_update(c, x->who, x->id, x->body, e);
}
static int tx_scheme_delete(store_conn *c, write_ctx *x, err *e)
{
	return review_scheme_delete(c, x->who, x->id, e);
}
static int tx_open(store_conn *c, write_ctx *x, err *e)
{
	return review_period_open(c, x->who, x->id, x->text, &x->out, e);
}
static int tx_values(store_conn *c, write_ctx *x, err *e)
{
	return review_period_values(c, x->who, x->id, json_object_get(x->body, "values"), e);
}
static int tx_close(store_conn *c, write_ctx *x, err *e)
{
	return review_period_close(c, x->who, x->id, e);
}
static int tx_host(store_conn *c, write_ctx *x, err *e)
{
	return review_period_host(c, x->who, x->id, x->id2, e);
}
static int tx_meeting(store_conn *c, write_ctx *x, err *e)
{
	return review_meeting_save(c, x->who, x->id, x->id2, x->body, &x->out, e);
}
static int tx_meeting_delete(store_conn *c, write_ctx *x, err *e)
{
	return review_meeting_delete(c, x->who, x->id2, e);
}

/* ---- reads ---- */

typedef int (*read_fn)(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);

static int answer_read(http_req *r, read_fn fn, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || fn(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_metrics(http_req *r)
{
	return http_json(r, 200, review_metrics_json());
}

/* The units a scheme may rank or name (any unit of the city: organizers rank units
 * outside their own subtree), by name: {"items":[{id,name,kind}]}, at most 50. */
static int h_units(http_req *r)
{
	err e = {0};
	const char *q = http_query(r, "q"), *kind = http_query(r, "kind");
	if (q && jv_utf8_chars(q) > 50)
		return http_fail(r, 422, "too_long", "q", "搜索词最多 50 字");
	if (kind && strlen(kind) > 20)
		return http_fail(r, 422, "invalid_value", "kind", "单位类型无效");
	store_conn *c = store_conn_get(r->store, &e);
	store_stmt *st;
	if (!c ||
	    !(st = store_prepare(c,
				 "SELECT id, name, kind FROM units WHERE disabled = 0"
				 " AND name LIKE ? AND (? = '' OR kind = ?) ORDER BY path LIMIT 50",
				 &e)))
		return http_error(r, &e);
	char *like = arena_printf(&r->arena, "%%%s%%", q ? q : "");
	store_bindf(st, "sss", like, kind ? kind : "", kind ? kind : "");
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, &e)) == 1)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "id",
						     (json_int_t)store_col_int(st, 0), "name",
						     store_col_text(st, 1), "kind",
						     store_col_text(st, 2)));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return http_error(r, &e);
	}
	return http_json(r, 200, json_pack("{s:o}", "items", arr));
}

static int list_schemes(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	(void)id;
	return review_scheme_list(c, who, out, e);
}
static int latest(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	(void)id;
	return review_latest(c, who, out, e);
}

static int h_schemes(http_req *r)
{
	return answer_read(r, list_schemes, 0);
}
static int h_latest(http_req *r)
{
	return answer_read(r, latest, 0);
}

static int with_id(http_req *r, read_fn fn)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer_read(r, fn, id);
}

static int h_scheme(http_req *r)
{
	return with_id(r, review_scheme_get);
}
static int h_period(http_req *r)
{
	return with_id(r, review_period_get);
}
static int h_meeting(http_req *r)
{
	return with_id(r, review_meeting_get);
}
static int h_meetings(http_req *r)
{
	return with_id(r, review_meeting_list);
}

static int h_history(http_req *r)
{
	err e = {0};
	int64_t id, unit;
	store_conn *c;
	json_t *o;
	if (http_param_id(r, "id", &id, &e) < 0 || http_param_id(r, "uid", &unit, &e) < 0 ||
	    !(c = store_conn_get(r->store, &e)) ||
	    review_unit_history(c, req_actor(r), id, unit, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_drill(http_req *r)
{
	err e = {0};
	int64_t id, unit;
	const char *indicator = http_query(r, "indicator");
	store_conn *c;
	json_t *o;
	if (http_param_id(r, "id", &id, &e) < 0 ||
	    http_query_int(r, "unit_id", 1, INT64_MAX, 0, &unit, &e) < 0)
		return http_error(r, &e);
	if (!unit)
		return http_fail(r, 422, "missing_field", "unit_id", "请指定单位");
	if (!indicator || strlen(indicator) > 200)
		return http_fail(r, 422, "missing_field", "indicator", "请指定指标");
	if (!(c = store_conn_get(r->store, &e)) ||
	    review_period_drill(c, req_actor(r), id, unit, indicator, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

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

static int h_xlsx(http_req *r)
{
	err e = {0};
	int64_t id;
	store_conn *c;
	json_t *o;
	char *data;
	size_t len;
	if (http_param_id(r, "id", &id, &e) < 0 || !(c = store_conn_get(r->store, &e)) ||
	    review_period_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	int rc = review_period_xlsx(o, &data, &len, &e);
	char *name = arena_printf(&r->arena, "%s_%s.xlsx",
				  json_string_value(json_object_get(o, "scheme_name")),
				  json_string_value(json_object_get(o, "period")));
	char *ascii = arena_printf(&r->arena, "review-%lld-%s.xlsx", (long long)id,
				   json_string_value(json_object_get(o, "period")));
	json_decref(o);
	if (rc < 0)
		return http_error(r, &e);
	r->disposition = arena_printf(&r->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
				      ascii, rfc5987(&r->arena, name));
	free(r->text);
	r->status = 200;
	r->text = data;
	r->text_len = len;
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return 0;
}

/* ---- writes ---- */

static int h_create_scheme(http_req *r)
{
	err e = {0};
	json_t *body = http_body_object(r, &e);
	write_ctx x = {.body = body, .fn = tx_scheme};
	if (!body || check_scheme(body, &e) < 0 || do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	answer_read(r, review_scheme_get, x.out);
	if (r->status == 200)
		r->status = 201;
	return 0;
}

static int h_update_scheme(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_scheme_update};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = http_body_object(r, &e)) ||
	    check_scheme_patch(x.body, &e) < 0 || do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_read(r, review_scheme_get, x.id);
}

static int h_delete_scheme(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_scheme_delete};
	if (http_param_id(r, "id", &x.id, &e) < 0 || do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

static int h_open(http_req *r)
{
	static const struct jv_field fields[] = {
		{"period", JV_STRING, JV_REQUIRED, 1, 20, NULL, "请填写考核期（如 2026-11）"},
		{NULL, 0, 0, 0, 0, NULL, NULL},
	};
	err e = {0};
	write_ctx x = {.fn = tx_open};
	json_t *body;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(body = http_body_object(r, &e)) ||
	    jv_check(body, fields, &e) < 0)
		return http_error(r, &e);
	x.text = json_string_value(json_object_get(body, "period"));
	if (do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	answer_read(r, review_period_get, x.out);
	if (r->status == 200)
		r->status = 201;
	return 0;
}

static int h_values(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_values};
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(x.body = http_body_object(r, &e)) ||
	    check_array(x.body, "values", true, VALUES_MAX, value_fields, 0, &e) < 0)
		return http_error(r, &e);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(x.body, "values"), i, v)
	{
		json_t *ind = json_object_get(v, "indicator");
		if (!ind)
			return http_fail(r, 422, "missing_field", "indicator", "请指定指标");
		if (!json_is_string(ind) && !json_is_integer(ind))
			return http_fail(r, 400, "invalid_type", "indicator",
					 "indicator 是指标名称或编号");
	}
	if (do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_read(r, review_period_get, x.id);
}

static int h_close(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_close};
	if (http_param_id(r, "id", &x.id, &e) < 0 || do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_read(r, review_period_get, x.id);
}

static int h_host(http_req *r)
{
	static const struct jv_field fields[] = {
		{"unit_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请指定承办单位"},
		{NULL, 0, 0, 0, 0, NULL, NULL},
	};
	err e = {0};
	write_ctx x = {.fn = tx_host};
	json_t *body;
	if (http_param_id(r, "id", &x.id, &e) < 0 || !(body = http_body_object(r, &e)) ||
	    jv_check(body, fields, &e) < 0)
		return http_error(r, &e);
	x.id2 = json_integer_value(json_object_get(body, "unit_id"));
	if (do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return answer_read(r, review_period_get, x.id);
}

static int save_meeting(http_req *r, bool create)
{
	err e = {0};
	write_ctx x = {.fn = tx_meeting};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0 || !(x.body = http_body_object(r, &e)) ||
	    check_meeting(x.body, create, &e) < 0)
		return http_error(r, &e);
	if (create)
		x.id = id;
	else
		x.id2 = id;
	if (do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	answer_read(r, review_meeting_get, x.out);
	if (create && r->status == 200)
		r->status = 201;
	return 0;
}

static int h_create_meeting(http_req *r)
{
	return save_meeting(r, true);
}
static int h_update_meeting(http_req *r)
{
	return save_meeting(r, false);
}

static int h_delete_meeting(http_req *r)
{
	err e = {0};
	write_ctx x = {.fn = tx_meeting_delete};
	if (http_param_id(r, "id", &x.id2, &e) < 0 || do_write(r, &x, &e) < 0)
		return http_error(r, &e);
	return http_no_content(r);
}

const struct route api_reviews_routes[] = {
	{"GET", "/api/v1/reviews/metrics", h_metrics, 0, REVIEW_READ_ROLES, NULL},
	{"GET", "/api/v1/reviews/latest", h_latest, 0, REVIEW_READ_ROLES, NULL},
	{"GET", "/api/v1/reviews/units", h_units, 0, REVIEW_WRITE_ROLES, NULL},
	{"GET", "/api/v1/reviews/schemes", h_schemes, 0, REVIEW_READ_ROLES, NULL},
	{"POST", "/api/v1/reviews/schemes", h_create_scheme, 0, REVIEW_WRITE_ROLES, NULL},
	{"GET", "/api/v1/reviews/schemes/{id}", h_scheme, 0, REVIEW_READ_ROLES, NULL},
	{"PATCH", "/api/v1/reviews/schemes/{id}", h_update_scheme, 0, REVIEW_WRITE_ROLES, NULL},
	{"DELETE", "/api/v1/reviews/schemes/{id}", h_delete_scheme, 0, REVIEW_WRITE_ROLES, NULL},
	{"POST", "/api/v1/reviews/schemes/{id}/periods", h_open, 0, REVIEW_WRITE_ROLES, NULL},
	{"GET", "/api/v1/reviews/schemes/{id}/units/{uid}/history", h_history, 0, REVIEW_READ_ROLES,
	 NULL},
	{"GET", "/api/v1/reviews/schemes/{id}/meetings", h_meetings, 0, REVIEW_READ_ROLES, NULL},
	{"POST", "/api/v1/reviews/schemes/{id}/meetings", h_create_meeting, 0, REVIEW_WRITE_ROLES,
	 NULL},
	{"GET", "/api/v1/reviews/periods/{id}", h_period, 0, REVIEW_READ_ROLES, NULL},
	{"GET", "/api/v1/reviews/periods/{id}/export.xlsx", h_xlsx, 0, REVIEW_READ_ROLES, NULL},
	{"GET", "/api/v1/reviews/periods/{id}/drill", h_drill, 0, REVIEW_READ_ROLES, NULL},
	{"PUT", "/api/v1/reviews/periods/{id}/values", h_values, 0, ROLE_UNIT_STAFF, NULL},
	{"POST", "/api/v1/reviews/periods/{id}/close", h_close, 0, REVIEW_WRITE_ROLES, NULL},
	{"POST", "/api/v1/reviews/periods/{id}/host", h_host, 0, REVIEW_WRITE_ROLES, NULL},
	{"GET", "/api/v1/reviews/meetings/{id}", h_meeting, 0, REVIEW_READ_ROLES, NULL},
	{"PATCH", "/api/v1/reviews/meetings/{id}", h_update_meeting, 0, REVIEW_WRITE_ROLES, NULL},
	{"DELETE", "/api/v1/reviews/meetings/{id}", h_delete_meeting, 0, REVIEW_WRITE_ROLES, NULL},
};
const size_t api_reviews_routes_count = sizeof api_reviews_routes / sizeof api_reviews_routes[0];
