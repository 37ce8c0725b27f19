/* The service request's state machine on the case engine (docs/services.md "Steps"): one
 * row per action, each with its takers and handler.
 *
 * The seven steps of 代办 map onto states and actions as follows:
 *   委托 entrust  — the request is registered at the station with the citizen's signed
 *                   entrustment (entrusted_at): state `received`
 *   受理 accept   — materials checked against the item's list; `request_correction`
 *                   {missing} → `correcting` (补正), `supply` → `received`
 *   办理 handle   — `send` → `at_hall` (the hall holds it); the hall's `complete` {result}
 *                   → `completed` (back at the station)
 *   送达 deliver  — `hand_over` at the station → `done`
 *   归档, 上报, 回访 — `archive`, `report`, `revisit` {notes} on a done request: recorded
 *                   once each, the state stays `done`
 * 陪办: `appoint` {at, companion} → `appointed`, then `complete`, `hand_over`.
 * 即办: `complete` at the station, then `hand_over`.
 * The citizen's `rate` {rating} on a done request; a 差评 (≤ 2) → `complaint`, which the
 * station answers (`answer_complaint`) and puts right (`rectify` → `done`) within 15
 * working days, urged by the scheduler when late. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/service.h"
#include "services/service_internal.h"

static const char *const states[] = {"received", "correcting", "appointed", "at_hall", "completed",
				     "done",	 "complaint",  "withdrawn", NULL};
static const char *const terminal[] = {"done", "withdrawn", NULL};

#define STATION                                                                                    \
	{                                                                                          \
		ROLE_STATION_STAFF, CASE_REL_HOLDER, NULL                                          \
	}
#define HALL                                                                                       \
	{                                                                                          \
		ROLE_UNIT_STAFF, CASE_REL_HOLDER, NULL                                             \
	}
#define CITIZEN                                                                                    \
	{                                                                                          \
		0, CASE_REL_CITIZEN, NULL                                                          \
	}

static const struct jv_field f_complete[] = {
	{"result", JV_TEXT, JV_REQUIRED, 0, SVC_TEXT_MAX, NULL, "请填写办理结果"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_send[] = {
	{"hall_unit_id", JV_ID, 0, 0, 0, NULL, "hall_unit_id 须为正整数"},
	{"note", JV_TEXT, 0, 0, SVC_TEXT_MAX, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_appoint[] = {
	{"at", JV_TIME, JV_REQUIRED, 0, 0, NULL, "请填写预约时间"},
	{"companion", JV_STRING, JV_REQUIRED, 0, 50, NULL, "请填写陪办人员"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_note[] = {{"note", JV_TEXT, 0, 0, SVC_TEXT_MAX, NULL, NULL},
					 {NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_reason[] = {
	{"reason", JV_TEXT, JV_REQUIRED, 0, SVC_TEXT_MAX, NULL, "请填写理由"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_revisit[] = {
	{"notes", JV_TEXT, JV_REQUIRED, 0, SVC_TEXT_MAX, NULL, "请填写回访情况"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_answer[] = {
	{"answer", JV_TEXT, JV_REQUIRED, 0, SVC_TEXT_MAX, NULL, "请填写对差评的答复"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_rate[] = {
	{"rating", JV_INT, JV_REQUIRED, 1, 5, NULL, "评价为 1 到 5 星"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};

static const struct case_notice n_sent = {"service_sent", "代办件送达政务服务中心", CASE_TO_HOLDER,
					  NULL, NULL};
static const struct case_notice n_completed = {"service_completed", "代办件已办结，请送达",
					       CASE_TO_HOLDER, "result", NULL};
static const struct case_notice n_complaint = {"service_complaint", "收到差评，请答复整改",
					       CASE_TO_HOLDER | CASE_TO_HOLDER_PARENT, NULL,
					       "下级服务站收到差评"};

static int set_cols(case_act_ctx *x, const char *set, err *e)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE svc_requests SET %s WHERE case_id = ?", set);
	return store_exec(x->c, e, sql, "ii", x->now, x->row->id) < 0 ? -1 : 0;
}

static int h_request_correction(case_act_ctx *x, err *e)
{
	json_t *missing = NULL;
	if (svc_string_list(x->body, "missing", true, &missing, e) < 0)
		return -1;
	char *s = json_dumps(missing, JSON_COMPACT);
	json_object_set(x->data, "missing", missing);
	json_decref(missing);
	int64_t rc = store_exec(x->c, e,
				"UPDATE svc_requests SET missing = ?, corrections = corrections + 1"
				" WHERE case_id = ?",
				"si", s, x->row->id);
	free(s);
	if (!x->note)
		x->note = "材料不全，请补正";
	return rc < 0 ? -1 : 0;
}

static int h_supply(case_act_ctx *x, err *e)
{
	json_t *got = NULL;
	if (svc_string_list(x->body, "materials", false, &got, e) < 0)
		return -1;
	int rc = 0;
	if (got) {
		char *s = json_dumps(got, JSON_COMPACT);
		json_object_set(x->data, "materials", got);
		rc = store_exec(x->c, e,
				"UPDATE svc_requests SET missing = NULL, materials_checked = ?"
				" WHERE case_id = ?",
				"si", s, x->row->id) < 0
			     ? -1
			     : 0;
		free(s);
		json_decref(got);
	} else {
		rc = store_exec(x->c, e, "UPDATE svc_requests SET missing = NULL WHERE case_id = ?",
				"i", x->row->id) < 0
			     ? -1
			     : 0;
	}
	if (!x->note)
		x->note = "材料已补正";
	return rc;
}

static int h_send(case_act_ctx *x, err *e)
{
	svc_req q;
	if (svc_req_load(x->c, x->row->id, &q, e) < 0)
		return -1;
	if (strcmp(q.mode, "proxy"))
		return err_set(e, ERR_CONFLICT, "invalid_mode", NULL,
			       "只有代办件送政务服务中心办理");
	if (!q.entrusted)
		return err_set(e, ERR_CONFLICT, "not_entrusted", NULL, "申请人尚未签署委托书");
	int64_t hall = case_body_int(x, "hall_unit_id", 0);
	if (!hall && svc_hall_for(x->c, x->row->region_path, &hall, e) < 0)
		return -1;
	if (!hall)
		return err_set(e, ERR_CONFLICT, "no_hall", NULL, "本县（区）政务服务中心尚未设置");
	int64_t is_hall;
	if (store_query_int(x->c, &is_hall, 0, e,
			    "SELECT COUNT(*) FROM svc_halls WHERE unit_id = ?", "i", hall) < 0)
		return -1;
	if (!is_hall)
		return err_set(e, ERR_INVALID, "invalid_unit", "hall_unit_id",
			       "所选单位不是政务服务中心");
	json_object_set_new(x->data, "hall_unit_id", json_integer(hall));
	if (!x->note)
		x->note = "材料送政务服务中心办理";
	return store_exec(x->c, e,
			  "UPDATE svc_requests SET hall_id = ?, sent_at = ? WHERE case_id = ?",
			  "iii", hall, x->now, x->row->id) < 0 ||
			       case_set_holder(x->c, x->row->id, hall, x->now, e) < 0
		       ? -1
		       : 0;
}

static int h_appoint(case_act_ctx *x, err *e)
{
	svc_req q;
	if (svc_req_load(x->c, x->row->id, &q, e) < 0)
		return -1;
	if (strcmp(q.mode, "accompanied"))
		return err_set(e, ERR_CONFLICT, "invalid_mode", NULL, "只有陪办件需要预约");
	int64_t at = jv_time_ms(x->body, "at");
	if (at < x->now - 3600000LL || at > x->now + 90LL * 86400000)
		return err_set(e, ERR_INVALID, "out_of_range", "at", "预约时间须在今后 90 天以内");
	x->note = case_body_str(x, "companion");
	return store_exec(x->c, e,
			  "UPDATE svc_requests SET appointment_at = ?, companion = ? WHERE case_id "
			  "= ?",
			  "isi", at, case_body_str(x, "companion"), x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_complete(case_act_ctx *x, err *e)
{
	svc_req q;
	if (svc_req_load(x->c, x->row->id, &q, e) < 0)
		return -1;
	/* Each mode completes from its own state: immediate at once, accompanied after the
	 * appointment, proxy at the hall. */
	const char *from = !strcmp(q.mode, "immediate")	    ? "received"
			   : !strcmp(q.mode, "accompanied") ? "appointed"
							    : "at_hall";
	if (strcmp(x->row->status, from))
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL,
			       !strcmp(q.mode, "proxy") ? "代办件须送政务服务中心后由中心办结"
			       : !strcmp(q.mode, "accompanied") ? "陪办件须先预约"
								: "当前状态不能办结");
	if (q.missing)
		return err_set(e, ERR_CONFLICT, "materials_missing", NULL, "材料不全，请先补正");
	x->note = case_body_str(x, "result");
	if (store_exec(x->c, e,
		       "UPDATE svc_requests SET result = ?, completed_at = ? WHERE case_id = ?",
		       "sii", case_body_str(x, "result"), x->now, x->row->id) < 0)
		return -1;
	/* The result goes back to the station for delivery. */
	if (x->row->handler_id != q.station_id)
		return case_set_holder(x->c, x->row->id, q.station_id, x->now, e);
	x->notice = NULL;
	return 0;
}

static int h_hand_over(case_act_ctx *x, err *e)
{
	svc_req q;
	if (svc_req_load(x->c, x->row->id, &q, e) < 0)
		return -1;
	bool on_time = svc_on_time(x->now, q.due_at);
	json_object_set_new(x->data, "on_time", json_boolean(on_time));
	if (!x->note)
		x->note = "办理结果已送达申请人";
	return store_exec(x->c, e,
			  "UPDATE svc_requests SET done_at = ?, on_time = ? WHERE case_id = ?",
			  "ibi", x->now, on_time, x->row->id) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE cases SET closed_at = ?, finish_due_at = NULL,"
					  " finish_alert = 0 WHERE id = ?",
					  "ii", x->now, x->row->id) < 0
		       ? -1
		       : 0;
}

/* 归档, 上报, 回访: each once, on a done request. */
static int once(case_act_ctx *x, const char *col, const char *label, err *e)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT %s FROM svc_requests WHERE case_id = ?", col);
	int64_t at;
	if (store_query_int(x->c, &at, 0, e, sql, "i", x->row->id) < 0)
		return -1;
	if (at)
		return err_set(e, ERR_CONFLICT, "already_done", NULL, "已%s", label);
	char set[80];
	snprintf(set, sizeof set, "%s = ?", col);
	return set_cols(x, set, e);
}

static int h_archive(case_act_ctx *x, err *e)
{
	if (!x->note)
		x->note = "已归档";
	return once(x, "archived_at", "归档", e);
}

static int h_report(case_act_ctx *x, err *e)
{
	if (!x->note)
		x->note = "已上报";
	return once(x, "reported_at", "上报", e);
}

static int h_revisit(case_act_ctx *x, err *e)
{
	x->note = case_body_str(x, "notes");
	if (once(x, "revisited_at", "回访", e) < 0)
		return -1;
	return store_exec(x->c, e, "UPDATE svc_requests SET revisit_notes = ? WHERE case_id = ?",
			  "si", case_body_str(x, "notes"), x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_withdraw(case_act_ctx *x, err *e)
{
	return store_exec(x->c, e,
			  "UPDATE cases SET closed_at = ?, finish_due_at = NULL WHERE id = ?", "ii",
			  x->now, x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_rate(case_act_ctx *x, err *e)
{
	int64_t rated;
	if (store_query_int(
		    x->c, &rated, 0, e,
		    "SELECT COUNT(*) FROM svc_requests WHERE case_id = ? AND rating IS NOT NULL",
		    "i", x->row->id) < 0)
		return -1;
	if (rated)
		return err_set(e, ERR_CONFLICT, "already_rated", NULL, "该服务已经评价过");
	int64_t rating = case_body_int(x, "rating", 0);
	char note[32];
	snprintf(note, sizeof note, "评价 %lld 星", (long long)rating);
	x->note = note;
	if (store_exec(x->c, e,
		       "UPDATE svc_requests SET rating = ?, rating_at = ? WHERE case_id = ?", "iii",
		       rating, x->now, x->row->id) < 0)
		return -1;
	x->note = rating <= SVC_BAD_RATING ? "差评" : "好评";
	if (rating > SVC_BAD_RATING)
		return 0;
	/* A 差评: the station answers and puts it right within 15 working days; the
	 * scheduler urges it when late. */
	int64_t due;
	if (case_add_working_days(x->c, x->now, SVC_COMPLAINT_DAYS, &due, e) < 0)
		return -1;
	x->to = "complaint";
	x->notice = &n_complaint;
	return store_exec(x->c, e, "UPDATE svc_requests SET complaint_due_at = ? WHERE case_id = ?",
			  "ii", due, x->row->id) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE cases SET closed_at = NULL, finish_due_at = ?,"
					  " finish_from = ?, finish_alert = 0, replied_at = NULL"
					  " WHERE id = ?",
					  "iii", due, x->now, x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_answer(case_act_ctx *x, err *e)
{
	x->note = case_body_str(x, "answer");
	return store_exec(x->c, e,
			  "UPDATE svc_requests SET complaint_answer = ?, answered_at = ?"
			  " WHERE case_id = ?",
			  "sii", case_body_str(x, "answer"), x->now, x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_rectify(case_act_ctx *x, err *e)
{
	int64_t answered;
	if (store_query_int(x->c, &answered, 0, e,
			    "SELECT COUNT(*) FROM svc_requests WHERE case_id = ?"
			    " AND answered_at IS NOT NULL",
			    "i", x->row->id) < 0)
		return -1;
	if (!answered)
		return err_set(e, ERR_CONFLICT, "not_answered", NULL, "请先答复差评，再确认整改");
	if (!x->note)
		x->note = "差评已整改";
	return set_cols(x, "rectified_at = ?", e) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE cases SET closed_at = ?, finish_due_at = NULL,"
					  " finish_alert = 0 WHERE id = ?",
					  "ii", x->now, x->row->id) < 0
		       ? -1
		       : 0;
}

static const struct case_action actions[] = {
	{.name = "request_correction",
	 .label = "一次性告知补正",
	 .from = {"received"},
	 .to = "correcting",
	 .takers = {STATION},
	 .body = f_note,
	 .handler = h_request_correction},
	{.name = "supply",
	 .label = "材料已补正",
	 .from = {"correcting"},
	 .to = "received",
	 .takers = {STATION},
	 .body = f_note,
	 .handler = h_supply},
	{.name = "send",
	 .label = "送中心办理",
	 .from = {"received"},
	 .to = "at_hall",
	 .takers = {STATION},
	 .body = f_send,
	 .handler = h_send,
	 .notice = &n_sent},
	{.name = "appoint",
	 .label = "预约陪办",
	 .from = {"received"},
	 .to = "appointed",
	 .takers = {STATION},
	 .body = f_appoint,
	 .handler = h_appoint},
	{.name = "complete",
	 .label = "办结",
	 .from = {"received", "appointed", "at_hall"},
	 .to = "completed",
	 .takers = {STATION, HALL},
	 .body = f_complete,
	 .handler = h_complete,
	 .notice = &n_completed},
	{.name = "hand_over",
	 .label = "送达",
	 .from = {"completed"},
	 .to = "done",
	 .takers = {STATION},
	 .body = f_note,
	 .handler = h_hand_over},
	{.name = "archive",
	 .label = "归档",
	 .from = {"done"},
	 .takers = {STATION},
	 .body = f_note,
	 .handler = h_archive},
	{.name = "report",
	 .label = "上报",
	 .from = {"done"},
	 .takers = {STATION},
	 .body = f_note,
	 .handler = h_report},
	{.name = "revisit",
	 .label = "回访",
	 .from = {"done"},
	 .takers = {STATION},
	 .body = f_revisit,
	 .handler = h_revisit},
	{.name = "withdraw",
	 .label = "撤回",
	 .from = {"received", "correcting", "appointed"},
	 .to = "withdrawn",
	 .takers = {STATION},
	 .body = f_reason,
	 .handler = h_withdraw},
	{.name = "rate",
	 .label = "评价",
	 .from = {"done"},
	 .takers = {CITIZEN},
	 .body = f_rate,
	 .handler = h_rate},
	{.name = "answer_complaint",
	 .label = "答复差评",
	 .from = {"complaint"},
	 .takers = {STATION},
	 .body = f_answer,
	 .handler = h_answer},
	{.name = "rectify",
	 .label = "整改完成",
	 .from = {"complaint"},
	 .to = "done",
	 .takers = {STATION},
	 .body = f_note,
	 .handler = h_rectify},
};

static int count_urge(store_conn *c, int64_t id, err *e)
{
	return store_exec(c, e,
			  "UPDATE svc_requests SET complaint_urges = complaint_urges + 1"
			  " WHERE case_id = ? AND complaint_due_at IS NOT NULL AND rectified_at IS "
			  "NULL",
			  "i", id) < 0
		       ? -1
		       : 0;
}

const struct case_machine service_machine = {
	.kind = "service_request",
	.prefix = "FW",
	.noun = "服务申请",
	.states = states,
	.terminal = terminal,
	.actions = actions,
	.nactions = sizeof actions / sizeof actions[0],
	.urged = count_urge,
};

int svc_request_act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body,
		    err *e)
{
	return case_act(c, who, &service_machine, id, action, body, 0, NULL, e);
}
