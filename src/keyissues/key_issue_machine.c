/* The key issue's machine on the case engine (docs/projects.md "Key issues"): progress
 * notes, the lead leader's instructions, coordination items, milestones done, close (the
 * lead leader only) and reopen; the scheduler's urge of an overdue milestone escalates to
 * the lead leader. Also the detail view, which lists the actions the caller may take. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "keyissues/key_issue.h"

static const char *const states[] = {"open", "closed", NULL};
static const char *const terminal[] = {"closed", NULL};

/* ---- takers: the caller's relations come in x->out (ki_rel) ---- */

static const ki_rel *rel_of(const case_act_ctx *x)
{
	return x->out;
}

static bool p_lead(const case_act_ctx *x)
{
	return rel_of(x) && rel_of(x)->lead;
}

static bool p_team(const case_act_ctx *x)
{
	const ki_rel *r = rel_of(x);
	return r && (r->lead || r->member || r->in_lead_unit || r->office);
}

static bool p_lead_or_office(const case_act_ctx *x)
{
	const ki_rel *r = rel_of(x);
	return r && (r->lead || r->office);
}

#define LEAD                                                                                       \
	{                                                                                          \
		0, 0, p_lead                                                                       \
	}
#define TEAM                                                                                       \
	{                                                                                          \
		0, 0, p_team                                                                       \
	}
#define LEAD_OR_OFFICE                                                                             \
	{                                                                                          \
		0, 0, p_lead_or_office                                                             \
	}

/* ---- body fields ---- */

static const struct jv_field f_note[] = {
	{"note", JV_TEXT, JV_REQUIRED, 0, 2000, NULL, "请填写内容"},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_note_opt[] = {{"note", JV_TEXT, 0, 0, 2000, NULL, NULL},
					     {NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_coordinate[] = {
	{"month", JV_STRING, JV_REQUIRED, 0, 7, NULL, "请填写调度月份（YYYY-MM）"},
	{"problem", JV_TEXT, JV_REQUIRED, 0, 2000, NULL, "请填写问题"},
	{"measures", JV_TEXT, JV_REQUIRED, 0, 2000, NULL, "请填写措施"},
	{"minutes", JV_TEXT, 0, 0, 5000, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};
static const struct jv_field f_milestone[] = {
	{"milestone_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择节点"},
	{"note", JV_TEXT, 0, 0, 2000, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL}};

/* ---- notices ---- */

static const struct case_notice n_instruct = {"key_issue_instruct", "领导批示", CASE_TO_HOLDER,
					      "note", NULL};
static const struct case_notice n_closed = {"key_issue_closed", "重点问题已办结", CASE_TO_HOLDER,
					    NULL, NULL};

/* ---- handlers ---- */

/* Tells the lead leader (a user's inbox) of what the team did. */
static int tell_leader(case_act_ctx *x, const char *title, err *e)
{
	int64_t leader = 0;
	if (store_query_int(x->c, &leader, 0, e,
			    "SELECT lead_leader_id FROM key_issues WHERE case_id = ?", "i",
			    x->row->id) < 0)
		return -1;
	if (!leader || leader == x->who->user_id)
		return 0;
	const char *note = case_body_str(x, "note");
	return case_notify(x->c, 0, leader, x->row->id, "key_issue_progress", title,
			   note ? note : x->row->number, e);
}

static int h_progress(case_act_ctx *x, err *e)
{
	return tell_leader(x, "重点问题进展", e);
}

/* The instruction reaches every member of the task force too. */
static int h_instruct(case_act_ctx *x, err *e)
{
	return store_exec(x->c, e,
			  "INSERT INTO notifications (unit_id, user_id, case_id, kind, title, body,"
			  " created_at) SELECT NULL, user_id, case_id, 'key_issue_instruct',"
			  " '领导批示', ?, ? FROM key_issue_members WHERE case_id = ?",
			  "sii", case_body_str(x, "note"), x->now, x->row->id) < 0
		       ? -1
		       : 0;
}

static bool month_ok(const char *s)
{
	return s && strlen(s) == 7 && s[4] == '-' && atoi(s) >= 1990 && atoi(s) <= 2100 &&
	       atoi(s + 5) >= 1 && atoi(s + 5) <= 12 && s[5] >= '0' && s[5] <= '1' && s[6] >= '0' &&
	       s[6] <= '9' && s[0] >= '0' && s[0] <= '9';
}

static int h_coordinate(case_act_ctx *x, err *e)
{
	const char *month = case_body_str(x, "month");
	if (!month_ok(month))
		return err_set(e, ERR_INVALID, "invalid_month", "month", "月份须为 YYYY-MM");
	x->note = case_body_str(x, "problem");
	return store_exec(x->c, e,
			  "INSERT INTO key_issue_coordinations (case_id, month, problem, measures,"
			  " minutes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			  "issssni", x->row->id, month, case_body_str(x, "problem"),
			  case_body_str(x, "measures"), case_body_str(x, "minutes"),
			  x->who->user_id, x->now) < 0
		       ? -1
		       : 0;
}

static int h_milestone_done(case_act_ctx *x, err *e)
{
	int64_t mid = case_body_int(x, "milestone_id", 0);
	store_stmt *st;
	int rc = store_query_row(x->c, &st, e,
				 "SELECT title, done_at FROM key_issue_milestones"
				 " WHERE id = ? AND case_id = ?",
				 "ii", mid, x->row->id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_INVALID, "invalid_milestone", "milestone_id",
			       "该重点问题没有这个节点");
	bool done = !store_col_null(st, 1);
	char *title = xstrdup(store_col_text(st, 0));
	store_done(st);
	if (done) {
		free(title);
		return err_set(e, ERR_CONFLICT, "invalid_state", "milestone_id", "该节点已完成");
	}
	json_object_set_new(x->data, "milestone", json_string(title));
	if (!case_body_str(x, "note")) {
		char *note = xasprintf("完成节点：%s", title);
		json_object_set_new(x->data, "milestone_note", json_string(note));
		x->note = json_string_value(json_object_get(x->data, "milestone_note"));
		free(note);
	}
	free(title);
	if (store_exec(x->c, e,
		       "UPDATE key_issue_milestones SET done_at = ?, done_by = ? WHERE id = ?",
		       "ini", x->now, x->who->user_id, mid) < 0)
		return -1;
	return ki_reschedule(x->c, x->row->id, e);
}

static int h_close(case_act_ctx *x, err *e)
{
	return store_exec(x->c, e,
			  "UPDATE cases SET closed_at = ?, finish_due_at = NULL, finish_alert = 0"
			  " WHERE id = ?",
			  "ii", x->now, x->row->id) < 0
		       ? -1
		       : 0;
}

static int h_reopen(case_act_ctx *x, err *e)
{
	if (store_exec(x->c, e, "UPDATE cases SET closed_at = NULL WHERE id = ?", "i", x->row->id) <
	    0)
		return -1;
	return ki_reschedule(x->c, x->row->id, e);
}

/* The scheduler found the next milestone overdue: the lead leader is told (the engine
 * has already urged the lead unit and its superior). */
static int ki_urged(store_conn *c, int64_t id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT k.lead_leader_id, c.number, c.title, (SELECT m.title || ' ' || m.due"
		" FROM key_issue_milestones m WHERE m.case_id = c.id AND m.done_at IS NULL"
		" ORDER BY m.due, m.id LIMIT 1) FROM key_issues k JOIN cases c ON c.id = k.case_id"
		" WHERE k.case_id = ?",
		"i", id);
	if (rc <= 0)
		return rc;
	int64_t leader = store_col_int(st, 0);
	char *body = xasprintf("%s「%s」节点逾期：%s，已升级至牵头领导。", store_col_text(st, 1),
			       store_col_text(st, 2), store_col_text(st, 3));
	store_done(st);
	rc = store_exec(c, e,
			"UPDATE key_issues SET escalations = escalations + 1 WHERE case_id = ?",
			"i", id) < 0 ||
			     case_notify(c, 0, leader, id, "key_issue_overdue", "重点问题节点逾期",
					 body, e) < 0
		     ? -1
		     : 0;
	free(body);
	return rc;
}

/* ---- the table ---- */

static const struct case_action actions[] = {
	{.name = "progress",
	 .label = "报告进展",
	 .from = {"open"},
	 .takers = {TEAM},
	 .body = f_note,
	 .handler = h_progress},
	{.name = "instruct",
	 .label = "领导批示",
	 .from = {"open"},
	 .takers = {LEAD},
	 .body = f_note,
	 .handler = h_instruct,
	 .notice = &n_instruct},
	{.name = "coordinate",
	 .label = "调度协调",
	 .from = {"open"},
	 .takers = {TEAM},
	 .body = f_coordinate,
	 .handler = h_coordinate},
	{.name = "milestone_done",
	 .label = "完成节点",
	 .from = {"open"},
	 .takers = {TEAM},
	 .body = f_milestone,
	 .handler = h_milestone_done},
	{.name = "close",
	 .label = "办结",
	 .from = {"open"},
	 .to = "closed",
	 .takers = {LEAD},
	 .body = f_note_opt,
	 .handler = h_close,
	 .notice = &n_closed},
	{.name = "reopen",
	 .label = "重新打开",
	 .from = {"closed"},
	 .to = "open",
	 .takers = {LEAD_OR_OFFICE},
	 .body = f_note_opt,
	 .handler = h_reopen},
};

const struct case_machine key_issue_machine = {
	.kind = "key_issue",
	.prefix = "ZD",
	.noun = "重点问题",
	.states = states,
	.terminal = terminal,
	.actions = actions,
	.nactions = sizeof actions / sizeof actions[0],
	.urged = ki_urged,
};

/* The caller as the engine sees them: one who may read the key issue reads it wherever it
 * lies. */
static void widened(const actor *who, actor *me)
{
	*me = *who;
	snprintf(me->unit_path, sizeof me->unit_path, "/");
}

int ki_act(store_conn *c, const actor *who, int64_t id, const char *action, json_t *body, err *e)
{
	ki_rel rel;
	if (ki_relations(c, who, id, &rel, e) < 0)
		return -1;
	if (!(rel.lead || rel.member || rel.office || rel.in_lead_unit || rel.area || rel.creator))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "重点问题不存在");
	actor me;
	widened(who, &me);
	return case_act(c, &me, &key_issue_machine, id, action, body, 0, &rel, e);
}

/* The actions the caller may take now (the engine's rules with the caller's relations). */
static json_t *allowed(const actor *who, const ki_rel *rel, const case_row *row)
{
	json_t *a = json_array();
	case_act_ctx x = {
		.who = who, .m = &key_issue_machine, .row = (case_row *)row, .out = (void *)rel};
	for (size_t i = 0; i < key_issue_machine.nactions; i++) {
		const struct case_action *act = &actions[i];
		if (!case_action_from(&key_issue_machine, act, row->status))
			continue;
		for (size_t t = 0; t < CASE_TAKERS_MAX && act->takers[t].pred; t++)
			if ((!act->takers[t].roles || actor_has(who, act->takers[t].roles)) &&
			    act->takers[t].pred(&x)) {
				json_array_append_new(a, json_string(act->name));
				break;
			}
	}
	return a;
}

/* ---- the detail ---- */

static int rows_json(store_conn *c, const char *sql, int64_t id, json_t **out,
		     json_t *(*row)(store_stmt *), err *e)
{
	store_stmt *st = store_prepare(c, sql, e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(a, row(st));
	store_done(st);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

static json_t *at_or_null(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	char at[40];
	clock_format_iso(store_col_int(st, col), at, sizeof at);
	return json_string(at);
}

static json_t *milestone_row(store_stmt *st)
{
	char today[16], soon[16];
	int64_t now = clock_now_ms();
	ki_local_date(now, 0, today);
	ki_local_date(now, 7, soon);
	const char *due = store_col_text(st, 2);
	bool done = !store_col_null(st, 3);
	return json_pack("{s:I, s:s, s:s, s:o, s:b, s:b}", "id", (json_int_t)store_col_int(st, 0),
			 "title", store_col_text(st, 1), "due", due, "done_at", at_or_null(st, 3),
			 "overdue", !done && strcmp(due, today) < 0, "due_soon",
			 !done && strcmp(due, today) >= 0 && strcmp(due, soon) <= 0);
}

static json_t *member_row(store_stmt *st)
{
	return json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)store_col_int(st, 0), "name",
			 store_col_text(st, 1), "unit_id", (json_int_t)store_col_int(st, 2),
			 "unit_name", store_col_text(st, 3));
}

static json_t *coordination_row(store_stmt *st)
{
	return json_pack(
		"{s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)store_col_int(st, 0),
		"month", store_col_text(st, 1), "problem", store_col_text(st, 2), "measures",
		store_col_text(st, 3), "minutes",
		store_col_null(st, 4) ? json_null() : json_string(store_col_text(st, 4)), "by",
		store_col_null(st, 5) ? json_null() : json_string(store_col_text(st, 5)),
		"created_at", at_or_null(st, 6));
}

/* The timeline entries of one action (instructions, progress notes). */
static json_t *entries_of(json_t *timeline, const char *action)
{
	json_t *a = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(timeline, i, t)
	{
		json_t *act = json_object_get(t, "action");
		if (json_is_string(act) && !strcmp(json_string_value(act), action))
			json_array_append(a, t);
	}
	return a;
}

int ki_detail_extras(store_conn *c, const actor *who, int64_t id, json_t *o, err *e)
{
	ki_rel rel;
	case_row row;
	json_t *ms = NULL, *members = NULL, *coord = NULL, *timeline = NULL;
	if (ki_relations(c, who, id, &rel, e) < 0 || case_load(c, id, &row, e) < 0)
		return -1;
	if (rows_json(c,
		      "SELECT id, title, due, done_at FROM key_issue_milestones WHERE case_id = ?"
		      " ORDER BY due, sort, id",
		      id, &ms, milestone_row, e) < 0 ||
	    rows_json(c,
		      "SELECT u.id, u.display_name, u.unit_id, un.name FROM key_issue_members m"
		      " JOIN users u ON u.id = m.user_id JOIN units un ON un.id = u.unit_id"
		      " WHERE m.case_id = ? ORDER BY un.id, u.id",
		      id, &members, member_row, e) < 0 ||
	    rows_json(c,
		      "SELECT k.id, k.month, k.problem, k.measures, k.minutes, u.display_name,"
		      " k.created_at FROM key_issue_coordinations k LEFT JOIN users u"
		      " ON u.id = k.created_by WHERE k.case_id = ? ORDER BY k.month, k.id",
		      id, &coord, coordination_row, e) < 0 ||
	    case_timeline_json(c, id, &timeline, e) < 0) {
		json_decref(ms);
		json_decref(members);
		json_decref(coord);
		return -1;
	}
	json_object_set_new(o, "milestones", ms);
	json_object_set_new(o, "task_force", members);
	json_object_set_new(o, "coordinations", coord);
	json_object_set_new(o, "instructions", entries_of(timeline, "instruct"));
	json_object_set_new(o, "progress", entries_of(timeline, "progress"));
	json_object_set_new(o, "timeline", timeline);
	json_object_set_new(o, "actions", allowed(who, &rel, &row));
	json_object_set_new(o, "you",
			    json_pack("{s:b, s:b, s:b}", "lead", rel.lead, "member", rel.member,
				      "office", rel.office));
	return 0;
}
