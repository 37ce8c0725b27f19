/* 重点问题: registration, reads, the desk and the relations that decide who sees and acts. */
#include "keyissues/key_issue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "investment/invest.h"
#include "org/audit.h"

enum { DAY_MS = 24 * 3600 * 1000, LIST_MAX = 2000, SOON_DAYS = 7 };

void ki_local_date(int64_t now, int days, char out[16])
{
	char iso[40];
	clock_format_iso(now + (int64_t)days * DAY_MS, iso, sizeof iso);
	snprintf(out, 16, "%.10s", iso);
}

const char *ki_light(int64_t overdue, int64_t due_soon)
{
	return overdue ? "red" : due_soon ? "yellow" : "green";
}

/* ---- relations ---- */

int ki_relations(store_conn *c, const actor *who, int64_t id, ki_rel *rel, err *e)
{
	memset(rel, 0, sizeof *rel);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT k.lead_leader_id, lu.path, (SELECT COUNT(*) FROM key_issue_members m"
		" WHERE m.case_id = k.case_id AND m.user_id = ?), c.created_by FROM key_issues k"
		" JOIN units lu ON lu.id = k.lead_unit_id JOIN cases c ON c.id = k.case_id"
		" WHERE k.case_id = ?",
		"ii", who->user_id, id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "重点问题不存在");
	char path[SCOPE_PATH_MAX];
	rel->lead = who->user_id && store_col_int(st, 0) == who->user_id;
	snprintf(path, sizeof path, "%s", store_col_text(st, 1));
	rel->member = who->user_id && store_col_int(st, 2) > 0;
	rel->creator =
		who->user_id && !store_col_null(st, 3) && store_col_int(st, 3) == who->user_id;
	store_done(st);
	bool office = false;
	if (inv_office(c, who, "key_issues", &office, e) < 0)
		return -1;
	rel->office = office || actor_has(who, ROLE_LEADER) || who->user_id == 0;
	rel->in_lead_unit = who->unit_id && scope_contains(path, who->unit_path);
	rel->area = scope_contains(who->unit_path, path);
	return 0;
}

static bool rel_reads(const ki_rel *r)
{
	return r->lead || r->member || r->office || r->in_lead_unit || r->area || r->creator;
}

/* ---- milestones and the deadline ---- */

int ki_reschedule(store_conn *c, int64_t id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT MIN(due) FROM key_issue_milestones WHERE case_id = ?"
				 " AND done_at IS NULL",
				 "i", id);
	if (rc < 0)
		return -1;
	int64_t due_at = 0;
	if (rc == 1) {
		const char *due = store_col_text(st, 0);
		if (due[0] && clock_parse_iso(due, &due_at) == 0)
			due_at += DAY_MS; /* the whole due day */
		else
			due_at = 0;
		store_done(st);
	}
	/* A new deadline clears the alert; the same one keeps it (an urge is not repeated). */
	return store_exec(
		       c, e,
		       "UPDATE cases SET finish_alert = CASE WHEN finish_due_at = CAST(? AS BIGINT)"
		       " THEN finish_alert ELSE 0 END, finish_due_at = ? WHERE id = ?",
		       "nni", due_at, due_at, id) < 0
		       ? -1
		       : 0;
}

/* ---- registration ---- */

static int may_create(store_conn *c, const actor *who, bool from_project, err *e)
{
	if (actor_has(who, ROLE_LEADER | ROLE_ADMIN) || who->user_id == 0)
		return 0;
	bool yes = false;
	if (inv_office(c, who, "key_issues", &yes, e) < 0)
		return -1;
	if (!yes && from_project && inv_office(c, who, "projects", &yes, e) < 0)
		return -1;
	if (!yes)
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有督查室、领导和管理员可以登记重点问题");
	return 0;
}

static int check_leader(store_conn *c, int64_t id, int64_t *unit_id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT u.unit_id FROM users u JOIN user_roles r ON r.user_id = u.id"
		" WHERE u.id = ? AND r.role = 'leader' AND u.disabled = 0",
		"i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_INVALID, "not_a_leader", "lead_leader_id",
			       "牵头领导须为具有领导角色的用户");
	*unit_id = store_col_int(st, 0);
	store_done(st);
	return 0;
}

static int add_members(store_conn *c, int64_t id, json_t *ids, err *e)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		int64_t uid = json_integer_value(v), n = 0;
		if (store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM users WHERE id = ?", "i",
				    uid) < 0)
			return -1;
		if (!n)
			return err_set(e, ERR_INVALID, "invalid_user", "task_force",
				       "专班成员 %lld 不存在", (long long)uid);
		if (store_query_int(c, &n, 0, e,
				    "SELECT COUNT(*) FROM key_issue_members WHERE case_id = ?"
				    " AND user_id = ?",
				    "ii", id, uid) < 0)
			return -1;
		if (n)
			continue;
		if (store_exec(c, e,
			       "INSERT INTO key_issue_members (case_id, user_id) VALUES (?, ?)",
			       "ii", id, uid) < 0 ||
		    case_notify(c, 0, uid, id, "key_issue_member", "加入重点问题工作专班",
				"您已加入重点问题工作专班。", e) < 0)
			return -1;
	}
	return 0;
}

static int add_milestones(store_conn *c, int64_t id, json_t *ms, err *e)
{
	size_t i;
	json_t *m;
	json_array_foreach(ms, i, m)
	{
		if (store_exec(c, e,
			       "INSERT INTO key_issue_milestones (case_id, title, due, sort)"
			       " VALUES (?, ?, ?, ?)",
			       "issi", id, json_string_value(json_object_get(m, "title")),
			       json_string_value(json_object_get(m, "due")), (int64_t)i) < 0)
			return -1;
	}
	return 0;
}

static int create_in(store_conn *c, const actor *who, const ki_input *in, int64_t *id, err *e)
{
	int64_t leader_unit = 0;
	if (check_leader(c, in->lead_leader_id, &leader_unit, e) < 0)
		return -1;
	int64_t lead_unit = in->lead_unit_id ? in->lead_unit_id : leader_unit, n = 0;
	if (store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM units WHERE id = ?", "i",
			    lead_unit) < 0)
		return -1;
	if (!n)
		return err_set(e, ERR_INVALID, "invalid_unit", "lead_unit_id", "牵头单位不存在");
	int64_t now = clock_now_ms();
	char number[32];
	case_new cn = {.machine = &key_issue_machine,
		       .status = "open",
		       .region_id = lead_unit,
		       .intake_unit_id = who->unit_id ? who->unit_id : lead_unit,
		       .title = in->title,
		       .content = in->plan ? in->plan : in->title,
		       .created_by = who->user_id,
		       .at = now};
	if (case_create(c, who, &cn, id, number, e) < 0 ||
	    case_set_holder(c, *id, lead_unit, now, e) < 0 ||
	    store_exec(c, e, "UPDATE cases SET dispatched_at = ? WHERE id = ?", "ii", now, *id) <
		    0 ||
	    store_exec(c, e,
		       "INSERT INTO key_issues (case_id, lead_leader_id, lead_unit_id, plan,"
		       " project_id, report_id) VALUES (?, ?, ?, ?, ?, ?)",
		       "iiisnn", *id, in->lead_leader_id, lead_unit, in->plan, in->project_id,
		       in->report_id) < 0 ||
	    add_members(c, *id, in->task_force, e) < 0 ||
	    add_milestones(c, *id, in->milestones, e) < 0 || ki_reschedule(c, *id, e) < 0)
		return -1;
	char *body = xasprintf("%s「%s」由您牵头。", number, in->title);
	int rc = case_notify(c, 0, in->lead_leader_id, *id, "key_issue_lead", "新的重点问题", body,
			     e);
	free(body);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s, s:I, s:I, s:I}", "number", number, "title", in->title,
			      "lead_leader_id", (json_int_t)in->lead_leader_id, "lead_unit_id",
			      (json_int_t)lead_unit, "project_id", (json_int_t)in->project_id);
	rc = audit_append(c, who, "key_issue_create", "key_issue", *id, d, e);
	json_decref(d);
	return rc;
}

int ki_create(store_conn *c, const actor *who, const ki_input *in, int64_t *id, err *e)
{
	if (may_create(c, who, false, e) < 0)
		return -1;
	return create_in(c, who, in, id, e);
}

int ki_from_report(store_conn *c, const actor *who, int64_t project_id, int64_t report_id,
		   ki_input *in, int64_t *id, err *e)
{
	if (inv_project_visible(c, who, project_id, NULL, e) < 0 || may_create(c, who, true, e) < 0)
		return -1;
	char *name = NULL, *problems = NULL;
	int64_t county = 0;
	if (inv_report_problem(c, project_id, report_id, &name, &problems, &county, e) < 0)
		return -1;
	char *title = NULL;
	if (!in->title) {
		/* 「项目」存在问题, at most KI_TITLE_MAX characters: the project's name is cut to
		 * fit. */
		long chars = jv_utf8_chars(name);
		if (chars > KI_TITLE_MAX - 6) {
			size_t cut = 0;
			for (long k = 0; name[cut] && k < KI_TITLE_MAX - 6; k++)
				do
					cut++;
				while ((name[cut] & 0xC0) == 0x80);
			name[cut] = '\0';
		}
		title = xasprintf("「%s」存在问题", name);
		in->title = title;
	}
	if (!in->plan)
		in->plan = problems;
	if (!in->lead_unit_id)
		in->lead_unit_id = county;
	in->project_id = project_id;
	in->report_id = report_id;
	int rc = create_in(c, who, in, id, e);
	if (rc == 0)
		rc = inv_report_link(c, report_id, *id, e);
	if (in->title == title)
		in->title = NULL;
	if (in->plan == problems)
		in->plan = NULL;
	free(title);
	free(name);
	free(problems);
	return rc;
}

/* ---- reads ---- */

#define KI_SELECT                                                                                  \
	"SELECT c.id, c.number, c.title, c.status, c.created_at, c.updated_at, k.lead_leader_id,"  \
	" ld.display_name, k.lead_unit_id, lu.name, k.project_id, p.name,"                         \
	" (SELECT COUNT(*) FROM key_issue_milestones m WHERE m.case_id = c.id"                     \
	" AND m.done_at IS NULL AND m.due < ?),"                                                   \
	" (SELECT COUNT(*) FROM key_issue_milestones m WHERE m.case_id = c.id"                     \
	" AND m.done_at IS NULL AND m.due >= ? AND m.due <= ?),"                                   \
	" (SELECT MIN(due) FROM key_issue_milestones m WHERE m.case_id = c.id"                     \
	" AND m.done_at IS NULL),"                                                                 \
	" (SELECT COUNT(*) FROM key_issue_milestones m WHERE m.case_id = c.id),"                   \
	" (SELECT COUNT(*) FROM key_issue_milestones m WHERE m.case_id = c.id"                     \
	" AND m.done_at IS NOT NULL),"                                                             \
	" k.escalations, c.closed_at, lu.path, k.plan, k.report_id"                                \
	" FROM key_issues k JOIN cases c ON c.id = k.case_id"                                      \
	" JOIN users ld ON ld.id = k.lead_leader_id JOIN units lu ON lu.id = k.lead_unit_id"       \
	" LEFT JOIN invest_projects p ON p.id = k.project_id WHERE"

/* Binds KI_SELECT's dates from 1; returns the next position. */
static int bind_dates(store_stmt *st, int64_t now)
{
	char today[16], soon[16];
	ki_local_date(now, 0, today);
	ki_local_date(now, SOON_DAYS, soon);
	store_bindf(st, "sss", today, today, soon);
	return 4;
}

static json_t *iso_or_null(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	char at[40];
	clock_format_iso(store_col_int(st, col), at, sizeof at);
	return json_string(at);
}

static json_t *ki_row(store_stmt *st)
{
	bool open = strcmp(store_col_text(st, 3), "closed") != 0;
	int64_t overdue = store_col_int(st, 12), soon = store_col_int(st, 13);
	json_t *project = store_col_null(st, 10)
				  ? json_null()
				  : json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, 10),
					      "name", store_col_text(st, 11));
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:o, s:o, s:{s:I, s:s}, s:{s:I, s:s}, s:o, s:o, s:I, s:I,"
		" s:o, s:I, s:I, s:I, s:o}",
		"id", (json_int_t)store_col_int(st, 0), "number", store_col_text(st, 1), "title",
		store_col_text(st, 2), "status", store_col_text(st, 3), "created_at",
		iso_or_null(st, 4), "updated_at", iso_or_null(st, 5), "lead_leader", "id",
		(json_int_t)store_col_int(st, 6), "name", store_col_text(st, 7), "lead_unit", "id",
		(json_int_t)store_col_int(st, 8), "name", store_col_text(st, 9), "project", project,
		"light", open ? json_string(ki_light(overdue, soon)) : json_null(),
		"overdue_milestones", (json_int_t)overdue, "due_soon_milestones", (json_int_t)soon,
		"next_due",
		store_col_null(st, 14) ? json_null() : json_string(store_col_text(st, 14)),
		"milestones_total", (json_int_t)store_col_int(st, 15), "milestones_done",
		(json_int_t)store_col_int(st, 16), "escalations", (json_int_t)store_col_int(st, 17),
		"closed_at", iso_or_null(st, 18));
	json_object_set_new(o, "lead_leader_id", json_integer(store_col_int(st, 6)));
	return o;
}

/* The caller's view as SQL: the lead leader, the task force, the lead unit's subtree, the
 * lead unit in the caller's area; or everything (leaders, the supervision office). */
#define VIEW_SQL                                                                                   \
	" (? = 1 OR k.lead_leader_id = ? OR c.created_by = ? OR EXISTS (SELECT 1 FROM "            \
	"key_issue_members km"                                                                     \
	" WHERE km.case_id = c.id AND km.user_id = ?)"                                             \
	" OR substr(CAST(? AS TEXT), 1, length(lu.path)) = lu.path"                                \
	" OR (lu.path >= ? AND lu.path < ?)) "

static int bind_view(store_conn *c, store_stmt *st, int at, const actor *who, err *e)
{
	bool office = false;
	if (inv_office(c, who, "key_issues", &office, e) < 0)
		return -1;
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	store_bind_int(st, at, office || actor_has(who, ROLE_LEADER) || who->user_id == 0);
	store_bind_int(st, at + 1, who->user_id);
	store_bind_int(st, at + 2, who->user_id);
	store_bind_int(st, at + 3, who->user_id);
	store_bind_text(st, at + 4, who->unit_id ? who->unit_path : "-");
	store_bind_text(st, at + 5, who->unit_path);
	store_bind_text(st, at + 6, hi);
	return at + 7;
}

static bool light_matches(json_t *o, const char *light)
{
	json_t *l = json_object_get(o, "light");
	return !light || (json_is_string(l) && !strcmp(json_string_value(l), light));
}

/* Every key issue in the caller's view matching f, newest first (at most LIST_MAX). */
static int select_all(store_conn *c, const actor *who, const ki_filter *f, int64_t county_id,
		      json_t **out, err *e)
{
	strbuf like = STRBUF_INIT;
	if (f->q)
		store_like_pattern(&like, f->q);
	store_stmt *st = store_prepare(c,
				       KI_SELECT VIEW_SQL
				       " AND (CAST(? AS TEXT) IS NULL OR c.status = ?)"
				       " AND (CAST(? AS BIGINT) = 0 OR k.project_id = ?) AND "
				       "(CAST(? AS BIGINT) = 0 OR k.lead_leader_id = ?)"
				       " AND (CAST(? AS TEXT) IS NULL OR c.title LIKE ? ESCAPE '\\'"
				       " OR c.number = ?)"
				       " AND (CAST(? AS BIGINT) = 0 OR k.lead_unit_id IN (SELECT "
				       "x.id FROM units x, units y"
				       " WHERE y.id = ? AND x.path >= y.path"
				       " AND substr(x.path, 1, length(y.path)) = y.path))"
				       " ORDER BY c.id DESC LIMIT 2000",
				       e);
	if (!st) {
		strbuf_release(&like);
		return -1;
	}
	int k = bind_dates(st, clock_now_ms());
	if ((k = bind_view(c, st, k, who, e)) < 0) {
		store_done(st);
		strbuf_release(&like);
		return -1;
	}
	int64_t mine = f->mine ? who->user_id : 0;
	store_bind_text(st, k++, f->status);
	store_bind_text(st, k++, f->status);
	store_bind_int(st, k++, f->project_id);
	store_bind_int(st, k++, f->project_id);
	store_bind_int(st, k++, mine);
	store_bind_int(st, k++, mine);
	store_bind_text(st, k++, f->q);
	store_bind_text(st, k++, f->q ? strbuf_str(&like) : NULL);
	store_bind_text(st, k++, f->q);
	store_bind_int(st, k++, county_id);
	store_bind_int(st, k++, county_id);
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *o = ki_row(st);
		if (light_matches(o, f->light))
			json_array_append_new(a, o);
		else
			json_decref(o);
	}
	store_done(st);
	strbuf_release(&like);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = a;
	return 0;
}

int ki_list(store_conn *c, const actor *who, const ki_filter *f, int64_t page, int64_t per_page,
	    json_t **items, int64_t *total, err *e)
{
	json_t *all;
	if (select_all(c, who, f, 0, &all, e) < 0)
		return -1;
	*total = (int64_t)json_array_size(all);
	json_t *out = json_array();
	for (int64_t i = (page - 1) * per_page; i < *total && i < page * per_page; i++)
		json_array_append(out, json_array_get(all, (size_t)i));
	json_decref(all);
	*items = out;
	return 0;
}

int ki_desk(store_conn *c, const actor *who, json_t **out, err *e)
{
	ki_filter f = {.mine = 1};
	json_t *all;
	if (select_all(c, who, &f, 0, &all, e) < 0)
		return -1;
	json_t *open = json_array(), *closed = json_array();
	int64_t red = 0, yellow = 0, green = 0;
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o)
	{
		json_t *l = json_object_get(o, "light");
		if (!json_is_string(l)) {
			json_array_append(closed, o);
			continue;
		}
		const char *w = json_string_value(l);
		red += !strcmp(w, "red");
		yellow += !strcmp(w, "yellow");
		green += !strcmp(w, "green");
		json_array_append(open, o);
	}
	json_decref(all);
	*out = json_pack("{s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}}", "items", open, "closed", closed,
			 "counts", "open", (json_int_t)json_array_size(open), "red",
			 (json_int_t)red, "yellow", (json_int_t)yellow, "green", (json_int_t)green,
			 "closed", (json_int_t)json_array_size(closed));
	return 0;
}

int ki_overdue(store_conn *c, const actor *who, int64_t county_id, json_t **out, err *e)
{
	ki_filter f = {.status = "open", .light = "red"};
	json_t *all;
	if (select_all(c, who, &f, county_id, &all, e) < 0)
		return -1;
	ki_filter fo = {.status = "open"};
	json_t *open;
	if (select_all(c, who, &fo, county_id, &open, e) < 0) {
		json_decref(all);
		return -1;
	}
	size_t n = json_array_size(all);
	while (json_array_size(all) > 10)
		json_array_remove(all, json_array_size(all) - 1);
	*out = json_pack("{s:I, s:I, s:o}", "open", (json_int_t)json_array_size(open), "overdue",
			 (json_int_t)n, "items", all);
	json_decref(open);
	return 0;
}

int ki_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	ki_rel rel;
	if (ki_relations(c, who, id, &rel, e) < 0)
		return -1;
	if (!rel_reads(&rel))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "重点问题不存在");
	store_stmt *st = store_prepare(c, KI_SELECT " c.id = ?", e);
	if (!st)
		return -1;
	store_bind_int(st, bind_dates(st, clock_now_ms()), id);
	int rc = store_step(st, e);
	json_t *o = NULL;
	if (rc == 1) {
		o = ki_row(st);
		json_object_set_new(o, "plan",
				    store_col_null(st, 20) ? json_null()
							   : json_string(store_col_text(st, 20)));
		json_object_set_new(o, "report_id",
				    store_col_null(st, 21) ? json_null()
							   : json_integer(store_col_int(st, 21)));
	}
	store_done(st);
	if (rc < 0)
		return -1;
	if (!o)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "重点问题不存在");
	if (ki_detail_extras(c, who, id, o, e) < 0) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

int ki_people(store_conn *c, const char *q, bool leaders, json_t **out, err *e)
{
	strbuf like = STRBUF_INIT;
	if (q)
		store_like_pattern(&like, q);
	store_stmt *st = store_prepare(
		c,
		"SELECT u.id, u.display_name, n.name FROM users u JOIN units n ON n.id = u.unit_id"
		" WHERE u.disabled = 0 AND (CAST(? AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM "
		"user_roles r"
		" WHERE r.user_id = u.id AND r.role = 'leader'))"
		" AND (CAST(? AS TEXT) IS NULL OR u.display_name LIKE ? ESCAPE '\\'"
		" OR n.name LIKE ? ESCAPE '\\') ORDER BY u.id LIMIT 50",
		e);
	if (!st) {
		strbuf_release(&like);
		return -1;
	}
	const char *pat = q ? strbuf_str(&like) : NULL;
	store_bindf(st, "isss", (int64_t)leaders, q, pat, pat);
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s}", "id",
						   (json_int_t)store_col_int(st, 0), "display_name",
						   store_col_text(st, 1), "unit_name",
						   store_col_text(st, 2)));
	store_done(st);
	strbuf_release(&like);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*out = json_pack("{s:o}", "items", a);
	return 0;
}
