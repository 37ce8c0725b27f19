/* The dispute's state machine on the case engine: one row per action (who, from which
 * states, which body fields), each with its handler. docs/disputes.md has the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "disputes/dispute.h"
#include "disputes/dispute_internal.h"

static const char *const states[] = {"accepted", "agreed",    "failed", "closed",
				     "referred", "withdrawn", NULL};
static const char *const terminal[] = {"closed", "referred", "withdrawn", NULL};

/* ---- takers ---- */

/* A mediator above the holding unit: the holder lies in their area, and they are not it. */
static bool higher_mediator(const case_act_ctx *x)
{
	const case_row *r = x->row;
	return r->handler_id && r->handler_id != x->who->unit_id && r->handler_path[0] &&
	       scope_contains(x->who->unit_path, r->handler_path);
}

#define HOLDER                                                                                     \
	{                                                                                          \
		ROLE_MEDIATOR, CASE_REL_HOLDER, NULL                                               \
	}
#define AREA_LEADER                                                                                \
	{                                                                                          \
		ROLE_LEADER, CASE_REL_AREA, NULL                                                   \
	}
#define HIGHER_MEDIATOR                                                                            \
	{                                                                                          \
		ROLE_MEDIATOR, CASE_REL_AREA, higher_mediator                                      \
	}

/* ---- body fields ---- */

static const char *const refer_to[] = {"court", "arbitration", "petition", NULL};
static const char *const rulings[] = {"confirmed", "rejected", NULL};
static const char *const satisfactions[] = {"satisfied", "basically_satisfied", "dissatisfied",
					    NULL};

static const struct jv_field f_investigate[] = {
	{"held_at", JV_TIME, JV_REQUIRED, 0, 0, NULL, "请填写调查时间"},
	{"place", JV_STRING, JV_REQUIRED, 0, DISPUTE_PLACE_MAX, NULL, "请填写调查地点"},
	{"present", JV_STRING, JV_REQUIRED, 0, 500, NULL, "请填写被调查人及在场人员"},
	{"notes", JV_TEXT, JV_REQUIRED, 0, DISPUTE_TEXT_MAX, NULL, "请填写调查情况"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_session[] = {
	{"held_at", JV_TIME, JV_REQUIRED, 0, 0, NULL, "请填写调解时间"},
	{"place", JV_STRING, JV_REQUIRED, 0, DISPUTE_PLACE_MAX, NULL, "请填写调解地点"},
	{"present", JV_STRING, 0, 0, 500, NULL, NULL},
	{"notes", JV_TEXT, 0, 0, DISPUTE_TEXT_MAX, NULL, NULL},
	{"record_id", JV_ID, 0, 0, 0, NULL, "record_id 须为正整数"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_agree[] = {
	{"terms", JV_TEXT, JV_REQUIRED, 0, DISPUTE_TEXT_MAX, NULL, "请填写协议内容"},
	{"fulfil_by", JV_TIME, JV_REQUIRED, 0, 0, NULL, "请填写履行期限"},
	{"facts", JV_TEXT, 0, 0, DISPUTE_TEXT_MAX, NULL, NULL},
	{"matters", JV_TEXT, 0, 0, DISPUTE_TEXT_MAX, NULL, NULL},
	{"fulfil_how", JV_TEXT, 0, 0, 1000, NULL, NULL},
	{"copies", JV_INT, 0, 2, 20, NULL, "协议份数为 2 到 20 份"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_reason[] = {
	{"reason", JV_TEXT, JV_REQUIRED, 0, 2000, NULL, "请填写理由"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_refer[] = {
	{"to", JV_ENUM, JV_REQUIRED, 0, 0, refer_to,
	 "请选择移送去向：court（法院）、arbitration（仲裁）或 petition（信访）"},
	{"reason", JV_TEXT, 0, 0, 2000, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_withdraw[] = {{"reason", JV_TEXT, 0, 0, 2000, NULL, NULL},
					     {NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_apply[] = {
	{"court", JV_STRING, JV_REQUIRED, 0, 100, NULL, "请填写受理司法确认申请的人民法院"},
	{"applied_at", JV_TIME, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_ruling[] = {
	{"ruling", JV_ENUM, JV_REQUIRED, 0, 0, rulings,
	 "请选择裁定结果：confirmed（确认有效）或 rejected（驳回申请）"},
	{"ruled_at", JV_TIME, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_check[] = {
	{"fulfilled", JV_BOOL, JV_REQUIRED, 0, 0, NULL, "请选择协议是否已履行"},
	{"note", JV_TEXT, 0, 0, 2000, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_revisit[] = {
	{"notes", JV_TEXT, JV_REQUIRED, 0, DISPUTE_TEXT_MAX, NULL, "请填写回访情况"},
	{"satisfaction", JV_ENUM, 0, 0, 0, satisfactions,
	 "满意度须为 satisfied、basically_satisfied 或 dissatisfied"},
	{"held_at", JV_TIME, 0, 0, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_urge[] = {
	{"note", JV_TEXT, JV_REQUIRED, 0, 2000, NULL, "请填写督办意见"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_risk[] = {
	{"note", JV_TEXT, JV_REQUIRED, 0, 2000, NULL, "请说明风险情况"},
	{"threats", JV_BOOL, 0, 0, 0, NULL, NULL},
	{"people_involved", JV_INT, 0, 1, DISPUTE_PEOPLE_MAX, NULL, "涉及人数为 1 到 100000"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};

/* ---- notices ---- */

static const struct case_notice n_escalated = {"dispute_escalated", "纠纷上报", CASE_TO_HOLDER,
					       "reason", NULL};
static const struct case_notice n_urge = {"urge", "纠纷督办", CASE_TO_HOLDER, "note", NULL};
static const struct case_notice n_breach = {"dispute_breach", "调解协议未履行",
					    CASE_TO_HOLDER_PARENT, "note", NULL};

/* ---- helpers ---- */

/* The first mediator who works a dispute mediates it (after an escalation, the new
 * unit's). */
static int claim(case_act_ctx *x, err *e)
{
	return store_exec(x->c, e,
			  "UPDATE disputes SET mediator_id = ? WHERE case_id = ?"
			  " AND mediator_id IS NULL",
			  "ii", x->who->user_id, x->row->id) < 0
		       ? -1
		       : 0;
}

static int set_closed(case_act_ctx *x, err *e)
{
	return store_exec(x->c, e, "UPDATE cases SET closed_at = ? WHERE id = ?", "ii", x->now,
			  x->row->id) < 0
		       ? -1
		       : 0;
}

/* A time of the body, or def when absent. A bare date as a deadline means its whole day. */
static int64_t body_time(const case_act_ctx *x, const char *key, int64_t def, bool end_of_day)
{
	int64_t t = jv_time_ms(x->body, key);
	const char *s = case_body_str(x, key);
	if (!s)
		return def;
	if (end_of_day && strlen(s) == 10)
		t += DAY_MS - 1;
	return t;
}

static int add_record(case_act_ctx *x, const char *kind, int64_t held_at, err *e)
{
	return store_exec(x->c, e,
			  "INSERT INTO dispute_records (dispute_id, kind, held_at, place, present,"
			  " notes, unit_id, by_id, created_at, updated_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "isisssinii", x->row->id, kind, held_at, case_body_str(x, "place"),
			  case_body_str(x, "present"), case_body_str(x, "notes"),
			  x->row->handler_id, x->who->user_id, x->now, x->now) < 0
		       ? -1
		       : 0;
}

/* ---- handlers ---- */

static int h_investigate(case_act_ctx *x, err *e)
{
	int64_t held = body_time(x, "held_at", x->now, false);
	if (held > x->now)
		return err_set(e, ERR_INVALID, "out_of_range", "held_at", "调查时间不能晚于现在");
	x->note = case_body_str(x, "notes");
	return add_record(x, "investigation", held, e) < 0 ? -1 : claim(x, e);
}

/* Fills in a planned session of this dispute with what was said. */
static int complete_session(case_act_ctx *x, int64_t record_id, int64_t held, err *e)
{
	int64_t n = store_exec(x->c, e,
			       "UPDATE dispute_records SET held_at = ?, place = ?,"
			       " present = COALESCE(?, present), notes = ?, by_id = ?,"
			       " updated_at = ? WHERE id = ? AND dispute_id = ?"
			       " AND kind = 'session' AND notes IS NULL",
			       "isssiiii", held, case_body_str(x, "place"),
			       case_body_str(x, "present"), case_body_str(x, "notes"),
			       x->who->user_id, x->now, record_id, x->row->id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_INVALID, "invalid_record", "record_id",
			       "没有这条待举行的调解记录");
	return 0;
}

static int h_session(case_act_ctx *x, err *e)
{
	int64_t held = body_time(x, "held_at", x->now, false);
	const char *notes = case_body_str(x, "notes");
	int64_t record_id = case_body_int(x, "record_id", 0);
	if (held > x->now + 366LL * DAY_MS)
		return err_set(e, ERR_INVALID, "out_of_range", "held_at",
			       "调解时间最多安排在一年以内");
	/* A session ahead is planned (its notes come when it is held); one held has notes. */
	if (held <= x->now && !notes)
		return err_set(e, ERR_INVALID, "missing_field", "notes",
			       "请填写调解经过（已举行的调解须记录）");
	if (record_id && (!notes || held > x->now))
		return err_set(e, ERR_INVALID, "invalid_record", "record_id",
			       "补记调解记录须填写已举行调解的时间和经过");
	json_object_set_new(x->data, "planned", json_boolean(!notes));
	x->note = notes ? notes : case_body_str(x, "place");
	int rc = record_id ? complete_session(x, record_id, held, e)
			   : add_record(x, "session", held, e);
	return rc < 0 ? -1 : claim(x, e);
}

/* 海调字〔2026〕第0001号: the first character of the region the unit serves, the year, and
 * the unit's count of agreements that year. */
static int agreement_number(store_conn *c, int64_t unit_id, int64_t now, char *out, size_t n,
			    err *e)
{
	dispute_unit u;
	if (dispute_unit_load(c, unit_id, &u, e) < 0)
		return -1;
	char iso[40];
	clock_format_iso(now, iso, sizeof iso);
	int year = atoi(iso);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO dispute_agreement_numbers (unit_id, year, seq) VALUES (?, ?, 1)"
		" ON CONFLICT (unit_id, year) DO UPDATE SET"
		" seq = dispute_agreement_numbers.seq + 1 RETURNING seq",
		"ii", unit_id, (int64_t)year);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "numbering", NULL, "无法生成协议编号")
			       : -1;
	int64_t seq = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	size_t k = 1;
	while (u.region_name[k] && ((unsigned char)u.region_name[k] & 0xC0) == 0x80)
		k++;
	snprintf(out, n, "%.*s调字〔%d〕第%04lld号", (int)k, u.region_name, year, (long long)seq);
	return 0;
}

static int h_agree(case_act_ctx *x, err *e)
{
	int64_t by = body_time(x, "fulfil_by", 0, true);
	char today[40];
	clock_format_iso(x->now, today, sizeof today);
	today[10] = '\0';
	int64_t day_start;
	clock_parse_iso(today, &day_start);
	if (by < day_start || by > x->now + 5 * 366LL * DAY_MS)
		return err_set(e, ERR_INVALID, "out_of_range", "fulfil_by",
			       "履行期限须在今天到五年之内");
	char number[64];
	int64_t parties;
	if (agreement_number(x->c, x->row->handler_id, x->now, number, sizeof number, e) < 0 ||
	    store_query_int(x->c, &parties, 2, e,
			    "SELECT COUNT(*) FROM dispute_parties WHERE dispute_id = ?", "i",
			    x->row->id) < 0)
		return -1;
	int64_t copies = case_body_int(x, "copies", parties + 1);
	if (store_exec(x->c, e,
		       "UPDATE disputes SET agreement_no = ?, agreement_unit_id = ?,"
		       " agreement_facts = ?, agreement_matters = ?, terms = ?, fulfil_how = ?,"
		       " fulfil_by = ?, copies = ?, agreed_at = ?, fulfil_checked_at = NULL,"
		       " fulfilled = NULL WHERE case_id = ?",
		       "sissssiiii", number, x->row->handler_id, case_body_str(x, "facts"),
		       case_body_str(x, "matters"), case_body_str(x, "terms"),
		       case_body_str(x, "fulfil_how"), by, copies, x->now, x->row->id) < 0)
		return -1;
	/* The engine's scheduler warns the holding unit before the fulfilment deadline and
	 * urges it once the deadline passes unchecked. */
	if (store_exec(x->c, e,
		       "UPDATE cases SET finish_due_at = ?, finish_from = ?, finish_alert = 0"
		       " WHERE id = ?",
		       "iii", by, x->now, x->row->id) < 0)
		return -1;
	json_object_set_new(x->data, "agreement_no", json_string(number));
	x->note = case_body_str(x, "terms");
	return dispute_hold_end(x->c, x->row->id, "agreed", x->now, e) < 0 ? -1 : claim(x, e);
}

static int h_escalate(case_act_ctx *x, err *e)
{
	dispute_unit here, next;
	if (dispute_unit_load(x->c, x->row->handler_id, &here, e) < 0 ||
	    dispute_next_holder(x->c, &here, &next, e) < 0)
		return -1;
	if (dispute_hold_end(x->c, x->row->id, "escalated", x->now, e) < 0 ||
	    case_set_holder(x->c, x->row->id, next.id, x->now, e) < 0 ||
	    dispute_hold_start(x->c, x->row->id, &next, x->now, e) < 0)
		return -1;
	if (store_exec(x->c, e,
		       "UPDATE disputes SET escalations = escalations + 1, mediator_id = NULL,"
		       " ended_at = NULL, ended_reason = NULL WHERE case_id = ?",
		       "i", x->row->id) < 0)
		return -1;
	json_object_set_new(x->data, "from_unit_id", json_integer(here.id));
	json_object_set_new(x->data, "to_unit_id", json_integer(next.id));
	json_object_set_new(x->data, "level", json_string(next.level));
	return 0;
}

/* How an unsettled dispute leaves its unit: failed, referred or withdrawn. */
static int end_unsettled(case_act_ctx *x, const char *outcome, err *e)
{
	const char *refer = !strcmp(outcome, "referred") ? case_body_str(x, "to") : NULL;
	if (dispute_hold_end(x->c, x->row->id, outcome, x->now, e) < 0 ||
	    store_exec(x->c, e,
		       "UPDATE disputes SET ended_at = ?, ended_reason = COALESCE(?, ended_reason),"
		       " referred_to = COALESCE(?, referred_to) WHERE case_id = ?",
		       "issi", x->now, case_body_str(x, "reason"), refer, x->row->id) < 0)
		return -1;
	return strcmp(outcome, "failed") ? set_closed(x, e) : claim(x, e);
}

static int h_fail(case_act_ctx *x, err *e)
{
	return end_unsettled(x, "failed", e);
}

static int h_refer(case_act_ctx *x, err *e)
{
	return end_unsettled(x, "referred", e);
}

static int h_withdraw(case_act_ctx *x, err *e)
{
	return end_unsettled(x, "withdrawn", e);
}

/* The agreement's times and the confirmation's state. */
typedef struct confirm_row {
	int64_t agreed_at, applied_at; /* 0: none */
	bool ruled;
} confirm_row;

static int confirm_load(case_act_ctx *x, confirm_row *r, err *e)
{
	store_stmt *st;
	int rc = store_query_row(x->c, &st, e,
				 "SELECT agreed_at, confirm_applied_at, ruling FROM disputes"
				 " WHERE case_id = ?",
				 "i", x->row->id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "纠纷不存在") : -1;
	r->agreed_at = store_col_null(st, 0) ? 0 : store_col_int(st, 0);
	r->applied_at = store_col_null(st, 1) ? 0 : store_col_int(st, 1);
	r->ruled = !store_col_null(st, 2);
	store_done(st);
	return 0;
}

static int h_apply_confirmation(case_act_ctx *x, err *e)
{
	confirm_row r;
	if (confirm_load(x, &r, e) < 0)
		return -1;
	if (r.applied_at)
		return err_set(e, ERR_CONFLICT, "already_applied", NULL, "已申请过司法确认");
	int64_t at = body_time(x, "applied_at", x->now, false);
	if (at > x->now || at < r.agreed_at)
		return err_set(e, ERR_INVALID, "out_of_range", "applied_at",
			       "申请时间须在达成协议之后、不晚于现在");
	if (at - r.agreed_at > (int64_t)DISPUTE_CONFIRM_DAYS * DAY_MS)
		return err_set(e, ERR_INVALID, "window_passed", "applied_at",
			       "司法确认须自调解协议生效之日起 %d 日内申请", DISPUTE_CONFIRM_DAYS);
	return store_exec(x->c, e,
			  "UPDATE disputes SET confirm_court = ?, confirm_applied_at = ?"
			  " WHERE case_id = ?",
			  "sii", case_body_str(x, "court"), at, x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_record_ruling(case_act_ctx *x, err *e)
{
	confirm_row r;
	if (confirm_load(x, &r, e) < 0)
		return -1;
	if (!r.applied_at)
		return err_set(e, ERR_CONFLICT, "no_application", NULL, "尚未申请司法确认");
	if (r.ruled)
		return err_set(e, ERR_CONFLICT, "already_ruled", NULL, "已记录法院的裁定");
	int64_t at = body_time(x, "ruled_at", x->now, false);
	if (at > x->now || at < r.applied_at)
		return err_set(e, ERR_INVALID, "out_of_range", "ruled_at",
			       "裁定时间须在申请之后、不晚于现在");
	return store_exec(x->c, e, "UPDATE disputes SET ruling = ?, ruled_at = ? WHERE case_id = ?",
			  "sii", case_body_str(x, "ruling"), at, x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_check_fulfilment(case_act_ctx *x, err *e)
{
	int fulfilled = case_body_bool(x, "fulfilled");
	if (store_exec(x->c, e,
		       "UPDATE disputes SET fulfil_checked_at = ?, fulfilled = ? WHERE case_id = ?",
		       "ibi", x->now, fulfilled, x->row->id) < 0 ||
	    store_exec(x->c, e,
		       "UPDATE cases SET finish_due_at = NULL, finish_alert = 0 WHERE id = ?", "i",
		       x->row->id) < 0)
		return -1;
	if (fulfilled)
		return set_closed(x, e);
	/* A breach: the unit mediates again; the agreement stays on record until a new one. */
	x->to = "accepted";
	x->notice = &n_breach;
	json_object_set_new(x->data, "breach", json_true());
	const char *note = case_body_str(x, "note");
	x->note = note ? note : "协议未按期履行，重新调解";
	return dispute_hold_end(x->c, x->row->id, NULL, x->now, e);
}

static int h_revisit(case_act_ctx *x, err *e)
{
	int64_t at = body_time(x, "held_at", x->now, false);
	if (at > x->now)
		return err_set(e, ERR_INVALID, "out_of_range", "held_at", "回访时间不能晚于现在");
	x->note = case_body_str(x, "notes");
	if (add_record(x, "revisit", at, e) < 0)
		return -1;
	return store_exec(x->c, e,
			  "UPDATE disputes SET revisit_at = ?, revisit_notes = ?,"
			  " satisfaction = COALESCE(?, satisfaction) WHERE case_id = ?",
			  "issi", at, case_body_str(x, "notes"), case_body_str(x, "satisfaction"),
			  x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_flag_risk(case_act_ctx *x, err *e)
{
	int64_t people = case_body_int(x, "people_involved", 0);
	if (people &&
	    store_exec(x->c, e, "UPDATE disputes SET people_involved = ? WHERE case_id = ?", "ii",
		       people, x->row->id) < 0)
		return -1;
	return dispute_risk_update(x->c, x->who, x->row->id, case_body_bool(x, "threats"), e);
}

/* ---- the table ---- */

static const struct case_action actions[] = {
	{.name = "investigate",
	 .label = "调查",
	 .from = {"accepted"},
	 .takers = {HOLDER},
	 .body = f_investigate,
	 .handler = h_investigate},
	{.name = "record_session",
	 .label = "记录调解",
	 .from = {"accepted"},
	 .takers = {HOLDER},
	 .body = f_session,
	 .handler = h_session},
	{.name = "agree",
	 .label = "达成协议",
	 .from = {"accepted"},
	 .to = "agreed",
	 .takers = {HOLDER},
	 .body = f_agree,
	 .handler = h_agree},
	{.name = "escalate",
	 .label = "上报",
	 .from = {"accepted", "failed"},
	 .to = "accepted",
	 .takers = {HOLDER},
	 .body = f_reason,
	 .handler = h_escalate,
	 .notice = &n_escalated},
	{.name = "fail",
	 .label = "调解不成",
	 .from = {"accepted"},
	 .to = "failed",
	 .takers = {HOLDER},
	 .body = f_reason,
	 .handler = h_fail},
	{.name = "refer",
	 .label = "移送",
	 .from = {"accepted", "failed"},
	 .to = "referred",
	 .takers = {HOLDER},
	 .body = f_refer,
	 .handler = h_refer},
	{.name = "withdraw",
	 .label = "撤回",
	 .from = {"accepted", "failed"},
	 .to = "withdrawn",
	 .takers = {HOLDER},
	 .body = f_withdraw,
	 .handler = h_withdraw},
	{.name = "apply_confirmation",
	 .label = "申请司法确认",
	 .from = {"agreed", "closed"},
	 .takers = {HOLDER},
	 .body = f_apply,
	 .handler = h_apply_confirmation},
	{.name = "record_ruling",
	 .label = "记录司法确认结果",
	 .from = {"agreed", "closed"},
	 .takers = {HOLDER},
	 .body = f_ruling,
	 .handler = h_record_ruling},
	{.name = "check_fulfilment",
	 .label = "履行回访",
	 .from = {"agreed"},
	 .to = "closed",
	 .takers = {HOLDER},
	 .body = f_check,
	 .handler = h_check_fulfilment},
	{.name = "revisit",
	 .label = "回访",
	 .from = {"closed"},
	 .takers = {HOLDER},
	 .body = f_revisit,
	 .handler = h_revisit},
	{.name = "urge",
	 .label = "督办",
	 .from = {"*"},
	 .takers = {AREA_LEADER, HIGHER_MEDIATOR},
	 .body = f_urge,
	 .notice = &n_urge},
	{.name = "flag_risk",
	 .label = "风险预警",
	 .from = {"*"},
	 .takers = {HOLDER, AREA_LEADER},
	 .body = f_risk,
	 .handler = h_flag_risk},
};

const struct case_machine dispute_machine = {
	.kind = "dispute",
	.prefix = "JF",
	.noun = "纠纷",
	.states = states,
	.terminal = terminal,
	.actions = actions,
	.nactions = sizeof actions / sizeof actions[0],
};

int dispute_act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body,
		err *e)
{
	actor me;
	if (dispute_scope(c, who, &me, e) < 0)
		return -1;
	return case_act(c, &me, &dispute_machine, id, action, body, 0, NULL, e);
}
