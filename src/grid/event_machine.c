/* The grid event's state machine on the case engine (docs/grid.md "Events"): one row per
 * action, each with its handler. GB/T 30428's steps: 信息收集 (report), 案卷建立 (file,
 * or resolve_on_spot), 任务派遣 (dispatch), 任务处理 and 处理反馈 (reply), 核实结案
 * (verify), 综合评价 (the figures). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal.h"
#include "core/mem.h"
#include "disputes/dispute.h"
#include "grid/event.h"
#include "grid/event_internal.h"

static const char *const states[] = {"reported", "filed",     "dispatched", "verifying",
				     "closed",	 "converted", NULL};
static const char *const terminal[] = {"closed", "converted", NULL};

bool grid_event_status_valid(const char *s)
{
	for (const char *const *p = states; *p; p++)
		if (!strcmp(*p, s))
			return true;
	return false;
}

/* ---- takers ---- */

/* Nobody verifies what they reported or replied. Without a connection (the UI's list of
 * allowed actions) only the reporter is known here; grid_event_get leaves verify out for
 * the replier itself. */
static bool not_party(const case_act_ctx *x)
{
	if (x->who->user_id && x->who->user_id == x->row->created_by)
		return false;
	if (!x->c)
		return true;
	int64_t replier;
	if (store_query_int(x->c, &replier, 0, NULL,
			    "SELECT COALESCE(replied_by, 0) FROM grid_events WHERE case_id = ?",
			    "i", x->row->id) < 0)
		return false;
	return !replier || replier != x->who->user_id;
}

#define REPORTER                                                                                   \
	{                                                                                          \
		ROLE_GRID_MEMBER, CASE_REL_REPORTER, NULL                                          \
	}
#define HOLDER                                                                                     \
	{                                                                                          \
		ROLE_UNIT_STAFF, CASE_REL_HOLDER, NULL                                             \
	}
#define VERIFIER_STAFF                                                                             \
	{                                                                                          \
		ROLE_UNIT_STAFF, CASE_REL_REGION, not_party                                        \
	}
#define VERIFIER_MEMBER                                                                            \
	{                                                                                          \
		ROLE_GRID_MEMBER, CASE_REL_REGION, not_party                                       \
	}
#define AREA_LEADER                                                                                \
	{                                                                                          \
		ROLE_LEADER | ROLE_ADMIN, CASE_REL_AREA, NULL                                      \
	}

/* ---- body fields ---- */

static const char *const convert_to[] = {"appeal", "dispute", NULL};

static const struct jv_field f_note[] = {
	{"note", JV_TEXT, JV_REQUIRED, 0, GRID_TEXT_MAX, NULL, "请填写处置情况"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_file[] = {{"note", JV_TEXT, 0, 0, GRID_TEXT_MAX, NULL, NULL},
					 {NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_dispatch[] = {
	{"unit_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择承办单位"},
	{"note", JV_TEXT, 0, 0, GRID_TEXT_MAX, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_reply[] = {
	{"content", JV_TEXT, JV_REQUIRED, 0, GRID_TEXT_MAX, NULL, "请填写处理结果"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_verify[] = {
	{"passed", JV_BOOL, JV_REQUIRED, 0, 0, NULL, "请选择核查是否通过"},
	{"reason", JV_TEXT, 0, 0, GRID_TEXT_MAX, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_reason[] = {
	{"reason", JV_TEXT, JV_REQUIRED, 0, GRID_TEXT_MAX, NULL, "请填写理由"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_convert[] = {{"to", JV_ENUM, JV_REQUIRED, 0, 0, convert_to,
					     "请选择转为 appeal（诉求）或 dispute（矛盾纠纷）"},
					    {"type", JV_STRING, 0, 0, 32, NULL, NULL},
					    {"note", JV_TEXT, 0, 0, GRID_TEXT_MAX, NULL, NULL},
					    {NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_urge[] = {
	{"note", JV_TEXT, JV_REQUIRED, 0, GRID_TEXT_MAX, NULL, "请填写督办意见"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};

/* ---- notices ---- */

static const struct case_notice n_filed = {"grid_event_filed", "网格事件待派遣", CASE_TO_HOLDER,
					   NULL, NULL};
static const struct case_notice n_dispatched = {"new_case", "网格事件派单", CASE_TO_HOLDER, "note",
						NULL};
static const struct case_notice n_rework = {"grid_event_rework", "网格事件返工", CASE_TO_HOLDER,
					    "reason", NULL};
static const struct case_notice n_escalated = {"grid_event_escalated", "网格事件上报",
					       CASE_TO_HOLDER, "reason", NULL};
static const struct case_notice n_urge = {"urge", "网格事件督办", CASE_TO_HOLDER, "note", NULL};

/* ---- handlers ---- */

static int load(case_act_ctx *x, event_row *ev, err *e)
{
	return event_row_load(x->c, x->row->id, ev, e);
}

/* To the command post: it holds the event and the dispatch step starts. */
static int to_post(case_act_ctx *x, const event_row *ev, err *e)
{
	return case_set_holder(x->c, x->row->id, ev->post_id, x->now, e) < 0
		       ? -1
		       : event_step_start(x->c, x->row->id, "dispatch", ev->dispatch_minutes,
					  x->now, e);
}

static int h_file(case_act_ctx *x, err *e)
{
	event_row ev;
	if (load(x, &ev, e) < 0 ||
	    store_exec(x->c, e, "UPDATE grid_events SET filed_at = ? WHERE case_id = ?", "ii",
		       x->now, x->row->id) < 0)
		return -1;
	if (!x->note)
		x->note = "提交社区指挥站立案";
	return to_post(x, &ev, e);
}

static int h_resolve(case_act_ctx *x, err *e)
{
	event_row ev;
	int64_t after;
	if (load(x, &ev, e) < 0 ||
	    store_query_int(x->c, &after, 0, e,
			    "SELECT COUNT(*) FROM grid_event_photos WHERE case_id = ?"
			    " AND kind = 'after'",
			    "i", x->row->id) < 0)
		return -1;
	if (!after)
		return err_set(e, ERR_INVALID, "after_photo_required", "photos",
			       "即时处置须上传处置后的照片");
	/* The station verifies what the member resolved. */
	if (store_exec(x->c, e,
		       "UPDATE grid_events SET on_spot = 1, filed_at = ?, replied_by = ?"
		       " WHERE case_id = ?",
		       "iii", x->now, x->who->user_id, x->row->id) < 0 ||
	    store_exec(x->c, e, "UPDATE cases SET replied_at = ? WHERE id = ?", "ii", x->now,
		       x->row->id) < 0 ||
	    case_set_holder(x->c, x->row->id, ev.post_id, x->now, e) < 0)
		return -1;
	return event_step_start(x->c, x->row->id, "verify", ev.verify_minutes, x->now, e);
}

static int h_dispatch(case_act_ctx *x, err *e)
{
	event_row ev;
	int64_t unit = case_body_int(x, "unit_id", 0);
	store_stmt *st;
	int rc = store_query_row(x->c, &st, e, "SELECT kind, name FROM units WHERE id = ?", "i",
				 unit);
	if (rc < 0)
		return -1;
	bool ok = rc == 1 && strcmp(store_col_text(st, 0), "grid") != 0;
	char name[256] = "";
	if (rc == 1) {
		snprintf(name, sizeof name, "%s", store_col_text(st, 1));
		store_done(st);
	}
	if (!ok)
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id",
			       "承办单位不存在或是网格（网格不承办派单）");
	if (load(x, &ev, e) < 0)
		return -1;
	calendar *cal = case_calendar(x->c, e);
	if (!cal)
		return -1;
	int64_t warn, due;
	grid_step_times(cal, x->now, ev.handle_minutes, &warn, &due);
	calendar_free(cal);
	if (case_assign(x->c, x->row->id, unit, x->now, due, x->row->finish_due_at, e) < 0 ||
	    store_exec(x->c, e, "UPDATE grid_events SET unit_id = ? WHERE case_id = ?", "ii", unit,
		       x->row->id) < 0 ||
	    event_step_start(x->c, x->row->id, "handle", ev.handle_minutes, x->now, e) < 0)
		return -1;
	/* case_assign restarts the finish deadline from now; the event's stays overall. */
	if (store_exec(x->c, e, "UPDATE cases SET finish_due_at = ?, finish_from = ? WHERE id = ?",
		       "iii", x->row->finish_due_at,
		       x->row->finish_from ? x->row->finish_from : x->row->created_at,
		       x->row->id) < 0)
		return -1;
	json_t *n = json_string(name);
	json_object_set_new(x->data, "unit_name", n);
	if (!x->note)
		x->note = json_string_value(n);
	return 0;
}

static int h_reply(case_act_ctx *x, err *e)
{
	event_row ev;
	if (load(x, &ev, e) < 0 ||
	    store_exec(x->c, e, "UPDATE grid_events SET replied_by = ? WHERE case_id = ?", "ii",
		       x->who->user_id, x->row->id) < 0 ||
	    store_exec(x->c, e, "UPDATE cases SET replied_at = ? WHERE id = ?", "ii", x->now,
		       x->row->id) < 0)
		return -1;
	return event_step_start(x->c, x->row->id, "verify", ev.verify_minutes, x->now, e);
}

static int h_verify(case_act_ctx *x, err *e)
{
	event_row ev;
	if (load(x, &ev, e) < 0)
		return -1;
	if (case_body_bool(x, "passed") == 1) {
		if (store_exec(x->c, e,
			       "UPDATE grid_events SET verified_by = ?, verified_at = ?"
			       " WHERE case_id = ?",
			       "iii", x->who->user_id, x->now, x->row->id) < 0)
			return -1;
		if (!x->note)
			x->note = "核查通过，结案";
		return event_steps_end(x->c, x->row->id, x->now, e);
	}
	const char *reason = case_body_str(x, "reason");
	if (!reason)
		return err_set(e, ERR_INVALID, "missing_field", "reason",
			       "核查未通过须填写返工理由");
	if (store_exec(x->c, e,
		       "UPDATE grid_events SET rework_count = rework_count + 1 WHERE case_id = ?",
		       "i", x->row->id) < 0 ||
	    store_exec(x->c, e, "UPDATE cases SET replied_at = NULL WHERE id = ?", "i",
		       x->row->id) < 0)
		return -1;
	json_object_set_new(x->data, "rework", json_true());
	x->notice = &n_rework;
	/* Back to the unit that handled it; an event resolved on the spot goes to the
	 * station to be dispatched. */
	if (!ev.unit_id) {
		x->to = "filed";
		return to_post(x, &ev, e);
	}
	x->to = "dispatched";
	return case_set_holder(x->c, x->row->id, ev.unit_id, x->now, e) < 0
		       ? -1
		       : event_step_start(x->c, x->row->id, "handle", ev.handle_minutes, x->now, e);
}

/* The next command post above post: community or village → township → county. */
static int next_post(store_conn *c, int64_t post, int64_t *next, char *name, size_t n, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT p.id, p.kind, p.name, u.kind FROM units u"
				 " JOIN units p ON p.id = u.parent_id WHERE u.id = ?",
				 "i", post);
	if (rc < 0)
		return -1;
	bool ok = false;
	if (rc == 1) {
		const char *pk = store_col_text(st, 1), *uk = store_col_text(st, 3);
		ok = (!strcmp(pk, "township") || !strcmp(pk, "county")) && strcmp(uk, "county");
		*next = store_col_int(st, 0);
		snprintf(name, n, "%s", store_col_text(st, 2));
		store_done(st);
	}
	if (!ok)
		return err_set(e, ERR_CONFLICT, "top_level", NULL,
			       "已在区级指挥部，不能再向上报送");
	return 0;
}

static int h_escalate(case_act_ctx *x, err *e)
{
	event_row ev;
	int64_t next = 0;
	char name[256];
	if (load(x, &ev, e) < 0 || next_post(x->c, ev.post_id, &next, name, sizeof name, e) < 0)
		return -1;
	if (store_exec(x->c, e,
		       "UPDATE grid_events SET post_id = ?, escalation_count = escalation_count + 1"
		       " WHERE case_id = ?",
		       "ii", next, x->row->id) < 0)
		return -1;
	json_object_set_new(x->data, "from_unit_id", json_integer(x->row->handler_id));
	json_object_set_new(x->data, "to_unit_id", json_integer(next));
	json_object_set_new(x->data, "to_unit_name", json_string(name));
	ev.post_id = next;
	return to_post(x, &ev, e);
}

static int h_invalidate(case_act_ctx *x, err *e)
{
	if (store_exec(x->c, e, "UPDATE grid_events SET valid = 0 WHERE case_id = ?", "i",
		       x->row->id) < 0)
		return -1;
	json_object_set_new(x->data, "valid", json_false());
	return event_steps_end(x->c, x->row->id, x->now, e);
}

/* The parties of a dispute from the body's "parties" array ({name, side, phone?}). */
static int parse_parties(case_act_ctx *x, dispute_party_input **out, size_t *n, err *e)
{
	json_t *v = json_object_get(x->body, "parties");
	if (!json_is_array(v) || json_array_size(v) == 0)
		return err_set(e, ERR_INVALID, "missing_field", "parties",
			       "转为矛盾纠纷须填写当事人（申请人和被申请人）");
	size_t k = json_array_size(v);
	if (k > 20)
		return err_set(e, ERR_INVALID, "too_many", "parties", "当事人最多 20 名");
	dispute_party_input *ps = xcalloc(k, sizeof *ps);
	for (size_t i = 0; i < k; i++) {
		json_t *o = json_array_get(v, i);
		if (!json_is_object(o) ||
		    jv_str(o, "name", JV_REQUIRED, 50, &ps[i].name, NULL, e) < 0 ||
		    jv_str(o, "side", JV_REQUIRED, 16, &ps[i].side, NULL, e) < 0 ||
		    jv_str(o, "phone", 0, 20, &ps[i].phone, NULL, e) < 0) {
			free(ps);
			if (!json_is_object(o))
				err_set(e, ERR_BAD_REQUEST, "invalid_type", "parties",
					"parties 的每一项须为对象");
			snprintf(e->field, sizeof e->field, "parties");
			return -1;
		}
		if (strcmp(ps[i].side, "applicant") && strcmp(ps[i].side, "respondent")) {
			free(ps);
			return err_set(e, ERR_INVALID, "invalid_value", "parties",
				       "当事人一方须为 applicant 或 respondent");
		}
	}
	*out = ps;
	*n = k;
	return 0;
}

static int convert_to_appeal(case_act_ctx *x, const event_row *ev, const char *title,
			     const char *content, int64_t *id, char *number, err *e)
{
	const char *type = case_body_str(x, "type");
	if (!type)
		type = "report";
	if (!appeal_type_valid(type))
		return err_set(
			e, ERR_INVALID, "invalid_value", "type",
			"诉求类型须为 complaint、inquiry、help、report、suggestion 或 praise");
	appeal_input in = {.content = content,
			   .title = title,
			   .channel = "grid",
			   .type = type,
			   .address = ev->address[0] ? ev->address : NULL,
			   .has_coords = ev->has_coords,
			   .lat = ev->lat,
			   .lon = ev->lon,
			   .region_id = ev->grid_id};
	appeal_intake_info info;
	if (appeal_intake(x->c, x->who, NULL, &in, &info, e) < 0)
		return -1;
	*id = info.id;
	snprintf(number, 32, "%s", info.number);
	return 0;
}

static int convert_to_dispute(case_act_ctx *x, const event_row *ev, const char *title,
			      const char *content, int64_t *id, err *e)
{
	const char *type = case_body_str(x, "type");
	if (!type)
		return err_set(e, ERR_INVALID, "missing_field", "type", "请选择纠纷类型");
	dispute_party_input *ps = NULL;
	size_t n = 0;
	if (parse_parties(x, &ps, &n, e) < 0)
		return -1;
	dispute_input in = {.type = type,
			    .title = title,
			    .facts = content,
			    .place = ev->address[0] ? ev->address : NULL,
			    .source = "grid_event",
			    .parties = ps,
			    .nparties = n,
			    .region_id = ev->grid_id};
	int rc = dispute_register(x->c, x->who, &in, id, e);
	free(ps);
	return rc;
}

static int h_convert(case_act_ctx *x, err *e)
{
	event_row ev;
	if (load(x, &ev, e) < 0)
		return -1;
	const char *to = case_body_str(x, "to");
	store_stmt *st;
	int rc = store_query_row(x->c, &st, e, "SELECT title, content FROM cases WHERE id = ?", "i",
				 x->row->id);
	if (rc <= 0)
		return -1;
	char *title = xstrdup(store_col_text(st, 0)), *content = xstrdup(store_col_text(st, 1));
	store_done(st);
	int64_t id = 0;
	char number[32] = "";
	rc = !strcmp(to, "appeal") ? convert_to_appeal(x, &ev, title, content, &id, number, e)
				   : convert_to_dispute(x, &ev, title, content, &id, e);
	free(title);
	free(content);
	if (rc < 0)
		return -1;
	char status[24];
	rc = store_query_row(x->c, &st, e, "SELECT number, status FROM cases WHERE id = ?", "i",
			     id);
	if (rc <= 0)
		return -1;
	snprintf(number, sizeof number, "%s", store_col_text(st, 0));
	snprintf(status, sizeof status, "%s", store_col_text(st, 1));
	store_done(st);
	/* The link both ways: the new case's row says where it came from; the event
	 * names the case it became. */
	if (store_exec(x->c, e,
		       "INSERT INTO case_links (case_id, kind, linked_case_id, created_at)"
		       " VALUES (?, 'from_grid_event', ?, ?)",
		       "iii", id, x->row->id, x->now) < 0 ||
	    store_exec(x->c, e, "UPDATE grid_events SET converted_case_id = ? WHERE case_id = ?",
		       "ii", id, x->row->id) < 0)
		return -1;
	char *note = xasprintf("由网格事件 %s 转入", x->row->number);
	json_t *d = json_pack("{s:I, s:s}", "grid_event_id", (json_int_t)x->row->id,
			      "grid_event_number", x->row->number);
	rc = case_timeline_add(x->c, x->who, id, "from_grid_event", status, status, note, d, e);
	json_decref(d);
	free(note);
	if (rc < 0)
		return -1;
	json_object_set_new(x->data, "case_id", json_integer(id));
	json_object_set_new(x->data, "case_number", json_string(number));
	json_object_set_new(x->data, "case_kind", json_string(to));
	if (!x->note)
		x->note = !strcmp(to, "appeal") ? "转为诉求办理" : "转为矛盾纠纷调解";
	return event_steps_end(x->c, x->row->id, x->now, e);
}

/* ---- the table ---- */

static const struct case_action actions[] = {
	{.name = "resolve_on_spot",
	 .label = "即时处置",
	 .from = {"reported"},
	 .to = "verifying",
	 .takers = {REPORTER},
	 .body = f_note,
	 .handler = h_resolve,
	 .notice = &n_filed},
	{.name = "file",
	 .label = "立案上报",
	 .from = {"reported"},
	 .to = "filed",
	 .takers = {REPORTER},
	 .body = f_file,
	 .handler = h_file,
	 .notice = &n_filed},
	{.name = "dispatch",
	 .label = "派遣",
	 .from = {"filed"},
	 .to = "dispatched",
	 .takers = {HOLDER},
	 .body = f_dispatch,
	 .handler = h_dispatch,
	 .notice = &n_dispatched},
	{.name = "reply",
	 .label = "处置反馈",
	 .from = {"dispatched"},
	 .to = "verifying",
	 .takers = {HOLDER},
	 .body = f_reply,
	 .handler = h_reply},
	{.name = "verify",
	 .label = "核查",
	 .from = {"verifying"},
	 .to = "closed",
	 .takers = {VERIFIER_STAFF, VERIFIER_MEMBER},
	 .body = f_verify,
	 .handler = h_verify},
	{.name = "escalate",
	 .label = "上报上级",
	 .from = {"filed", "dispatched"},
	 .to = "filed",
	 .takers = {HOLDER},
	 .body = f_reason,
	 .handler = h_escalate,
	 .notice = &n_escalated},
	{.name = "invalidate",
	 .label = "无效上报",
	 .from = {"filed"},
	 .to = "closed",
	 .takers = {HOLDER},
	 .body = f_reason,
	 .handler = h_invalidate},
	{.name = "convert",
	 .label = "转诉求或纠纷",
	 .from = {"filed"},
	 .to = "converted",
	 .takers = {HOLDER},
	 .body = f_convert,
	 .handler = h_convert},
	{.name = "urge",
	 .label = "督办",
	 .from = {"*"},
	 .takers = {AREA_LEADER},
	 .body = f_urge,
	 .notice = &n_urge},
};

/* The scheduler's word for the running step's limit (it rides on cases.sign_due_at):
 * "超过处置时限", "处置超时". The overall limit keeps the engine's "办结". */
static int step_deadline_name(store_conn *c, int64_t id, bool finish, const char **name, err *e)
{
	static const struct {
		const char *step, *word;
	} words[] = {
		{"file", "上报"}, {"dispatch", "派遣"}, {"handle", "处置"}, {"verify", "核查"}};
	*name = NULL;
	if (finish)
		return 0;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT step FROM grid_events WHERE case_id = ?", "i",
				 id);
	if (rc <= 0)
		return rc;
	const char *step = store_col_null(st, 0) ? "" : store_col_text(st, 0);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(step, words[i].step) == 0)
			*name = words[i].word;
	store_done(st);
	return 0;
}

const struct case_machine grid_event_machine = {
	.kind = "grid_event",
	.prefix = "WG",
	.noun = "网格事件",
	.states = states,
	.terminal = terminal,
	.actions = actions,
	.nactions = sizeof actions / sizeof actions[0],
	.deadline_name = step_deadline_name,
};

int grid_event_act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body,
		   err *e)
{
	return case_act(c, who, &grid_event_machine, id, action, body, 0, NULL, e);
}
