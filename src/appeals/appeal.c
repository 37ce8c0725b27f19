#include "appeals/appeal.h"

#include <stdatomic.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/audit.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "org/privacy.h"
#include "org/unit.h"

static bool in_list(const char *v, const char *const *list)
{
	for (; v && *list; list++)
		if (strcmp(v, *list) == 0)
			return true;
	return false;
}

bool appeal_channel_valid(const char *channel)
{
	static const char *const channels[] = {"8890",	  "12345",  "12315", "12320",
					       "housing", "web",    "app",   "grid",
					       "open311", "letter", "visit", NULL};
	return in_list(channel, channels);
}

bool appeal_type_valid(const char *type)
{
	static const char *const types[] = {"complaint",  "inquiry", "help", "report",
					    "suggestion", "praise",  NULL};
	return in_list(type, types);
}

static const char *const statuses[] = {"intake",  "dispatched", "handling", "replied",
				       "revisit", "closed",	"merged",   NULL};

bool appeal_status_valid(const char *s)
{
	return in_list(s, statuses);
}

bool appeal_satisfaction_valid(const char *s)
{
	static const char *const values[] = {"satisfied", "basically_satisfied", "dissatisfied",
					     NULL};
	return in_list(s, values);
}

/* ---- intake ---- */

/* The first n characters of s (UTF-8), into a new heap string. */
static char *utf8_prefix(const char *s, size_t n)
{
	const char *p = s;
	for (size_t i = 0; i < n && *p; i++) {
		p++;
		while (((unsigned char)*p & 0xC0) == 0x80)
			p++;
	}
	char *out = xstrndup(s, (size_t)(p - s));
	/* A title is one line. */
	for (char *q = out; *q; q++)
		if (*q == '\n' || *q == '\r' || *q == '\t')
			*q = ' ';
	return out;
}

/* The root unit of the tree (the city). */
static int root_unit(store_conn *c, int64_t *id, err *e)
{
	return store_query_int(c, id, 0, e,
			       "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1",
			       NULL);
}

/* Whether the database holds more than one city (`yiwang city`: several cities in one
 * deployment). A root is never removed, so once seen it is remembered; until then the
 * question is asked again at most once a second (a city added from the command line while
 * the server runs). */
static bool several_roots(store_conn *c)
{
	static _Atomic bool several;
	static _Atomic int64_t checked_at;
	if (atomic_load(&several))
		return true;
	int64_t now = clock_mono_ns();
	int64_t last = atomic_load(&checked_at);
	if (last && now - last < 1000000000LL)
		return false;
	int64_t n = 0;
	err e = {0};
	if (store_query_int(c, &n, 0, &e, "SELECT COUNT(*) FROM units WHERE parent_id IS NULL",
			    NULL) < 0)
		return true; /* in doubt, filter */
	if (n > 1)
		atomic_store(&several, true);
	atomic_store(&checked_at, now);
	return n > 1;
}

/* Whether an area is the whole tree: "/" (the command line, citizens, Open311 partners),
 * or a root's path (one id) while there is one root, the city (unit_create makes a root
 * only from the command line setting up a city, and a unit is never moved to the top), so
 * that every unit and case lies in that area. With several cities a city's path is an
 * area like any other. */
static bool area_is_whole_tree(store_conn *c, const char *path)
{
	if (!strcmp(path, "/"))
		return true;
	const char *second = strchr(path + 1, '/');
	return path[0] == '/' && second && !second[1] && !several_roots(c);
}

/* The unit an area path names: its last id. */
static int64_t path_last_id(const char *path)
{
	const char *p = path + strlen(path);
	if (p > path + 1) {
		p--;
		while (p > path && p[-1] != '/')
			p--;
	}
	return strtoll(p, NULL, 10);
}

int appeal_intake(store_conn *c, const actor *who, const char *citizen_ip, const appeal_input *in,
		  appeal_intake_info *info, err *e)
{
	actor citizen;
	if (!who) {
		memset(&citizen, 0, sizeof citizen);
		snprintf(citizen.username, sizeof citizen.username, "citizen");
		snprintf(citizen.unit_path, sizeof citizen.unit_path, "/");
		snprintf(citizen.ip, sizeof citizen.ip, "%s", citizen_ip ? citizen_ip : "");
		who = &citizen;
	}
	memset(info, 0, sizeof *info);
	/* The region must lie in the caller's area (an agent placed in a county files that
	 * county's appeals); a region outside it reads as one that does not exist. */
	bool limited = !area_is_whole_tree(c, who->unit_path);
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	int64_t region = in->region_id;
	bool by_code = !region && in->region_code;
	bool chosen = region != 0 || by_code;
	/* A user's own unit; an Open311 partner's city when its jurisdiction_id named one. */
	if (!chosen && (who->user_id || strcmp(who->unit_path, "/") != 0))
		region = path_last_id(who->unit_path);
	if (!chosen && !region && root_unit(c, &region, e) < 0)
		return -1;
	int64_t intake_unit = who->user_id ? who->unit_id : 0;
	if (!intake_unit && strcmp(who->unit_path, "/") != 0)
		intake_unit = path_last_id(who->unit_path); /* that city, not the first one */
	if (!intake_unit) {
		if (store_query_int(c, &intake_unit, 0, e,
				    "SELECT CAST(value AS BIGINT) FROM settings WHERE key = "
				    "'intake_unit_id'",
				    NULL) < 0)
			return -1;
		if (!intake_unit && root_unit(c, &intake_unit, e) < 0)
			return -1;
	}
	/* The region (by its code in the caller's area, or by id), the intake unit and the
	 * category, for the checks and for the answer: one statement. */
	store_stmt *st;
	bool category_active = false;
	int rc = by_code ? store_query_row(
				   c, &st, e,
				   "SELECT r.name, r.kind, r.path, i.name, r.id, k.active,"
				   " k.name, k.code FROM units r LEFT JOIN units i ON i.id = ?"
				   " LEFT JOIN categories k ON k.id = ?"
				   " WHERE r.code = ? AND r.kind <> 'department'"
				   " AND r.path >= ? AND r.path < ?",
				   "iisss", intake_unit, in->category_id, in->region_code,
				   who->unit_path, hi)
			 : store_query_row(
				   c, &st, e,
				   "SELECT r.name, r.kind, r.path, i.name, r.id, k.active,"
				   " k.name, k.code FROM units r LEFT JOIN units i ON i.id = ?"
				   " LEFT JOIN categories k ON k.id = ? WHERE r.id = ?",
				   "iii", intake_unit, in->category_id, region);
	if (rc < 0)
		return -1;
	if (rc == 0 && by_code)
		return err_set(e, ERR_INVALID, "invalid_region", "region_code",
			       "%s没有行政区划代码为 %s 的区域", limited ? "您的管辖范围内" : "",
			       in->region_code);
	if (rc == 1 && store_col_null(st, 3)) {
		store_done(st); /* no such intake unit: as before, no region to file under */
		rc = 0;
	}
	if (rc == 1) {
		snprintf(info->region_name, sizeof info->region_name, "%s", store_col_text(st, 0));
		snprintf(info->region_kind, sizeof info->region_kind, "%s", store_col_text(st, 1));
		snprintf(info->region_path, sizeof info->region_path, "%s", store_col_text(st, 2));
		snprintf(info->intake_unit_name, sizeof info->intake_unit_name, "%s",
			 store_col_text(st, 3));
		region = store_col_int(st, 4);
		category_active = !store_col_null(st, 5) && store_col_int(st, 5) == 1;
		if (!store_col_null(st, 6)) {
			snprintf(info->category_name, sizeof info->category_name, "%s",
				 store_col_text(st, 6));
			snprintf(info->category_code, sizeof info->category_code, "%s",
				 store_col_text(st, 7));
		}
		store_done(st);
	}
	if (rc == 0 || (chosen && !strcmp(info->region_kind, "department")) ||
	    !scope_contains(who->unit_path, info->region_path))
		return err_set(e, ERR_INVALID, "invalid_region", "region_id", "%s",
			       limited ? "所属区域不存在、不是行政区域或不在您的管辖范围内"
				       : "所属区域不存在或不是行政区域");
	if (in->category_id && !category_active)
		return err_set(e, ERR_INVALID, "invalid_category", "category_id",
			       "事项分类不存在或已停用");
	if (in->title) {
		snprintf(info->title, sizeof info->title, "%s", in->title);
	} else {
		char *t = utf8_prefix(in->content, 30);
		snprintf(info->title, sizeof info->title, "%s", t);
		free(t);
	}
	info->created_at = clock_now_ms();
	info->region_id = region;
	info->intake_unit_id = intake_unit;
	case_new cn = {.machine = &appeal_machine,
		       .status = "intake",
		       .region_id = region,
		       .intake_unit_id = intake_unit,
		       .title = info->title,
		       .content = in->content,
		       .urgent = in->urgent,
		       .created_by = who->user_id,
		       .search_extra = in->address,
		       .at = info->created_at,
		       .region_path = info->region_path};
	if (case_create(c, who, &cn, &info->id, info->number, e) < 0)
		return -1;
	st = store_prepare(c,
			   "INSERT INTO appeals (case_id, channel, type, category_id,"
			   " contact_name, contact_phone, anonymous, address, lat, lon,"
			   " region_code, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   e);
	if (!st)
		return -1;
	store_bindf(st, "issnssbs", info->id, in->channel, in->type, in->category_id,
		    in->contact_name, in->contact_phone, (int)in->anonymous, in->address);
	if (in->has_coords) {
		store_bind_double(st, 9, in->lat);
		store_bind_double(st, 10, in->lon);
	} else {
		store_bind_null(st, 9);
		store_bind_null(st, 10);
	}
	store_bind_text(st, 11, in->region_code);
	store_bind_text(st, 12, in->attributes);
	rc = store_finish(st, e); /* on PostgreSQL's writer answered with the next read */
	store_done(st);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s, s:s}", "number", info->number, "channel", in->channel,
			      "type", in->type);
	rc = audit_append(c, who, "appeal_create", "appeal", info->id, d, e);
	json_decref(d);
	return rc;
}

/* ---- actions: one handler per row of the machine below ---- */

/* What the handlers need from the appeal's own row. */
typedef struct appeal_extra {
	char type[24];
	int64_t category_id;
	int finish_days;
	int extension_days; /* 0: none pending */
} appeal_extra;

static int load_extra(store_conn *c, int64_t id, appeal_extra *x, err *e)
{
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e,
				"SELECT a.type, a.category_id, cat.finish_days, a.extension_days"
				" FROM appeals a LEFT JOIN categories cat ON cat.id = a.category_id"
				" WHERE a.case_id = ?",
				"i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "诉求不存在") : -1;
	memset(x, 0, sizeof *x);
	snprintf(x->type, sizeof x->type, "%s", store_col_text(st, 0));
	x->category_id = store_col_null(st, 1) ? 0 : store_col_int(st, 1);
	x->finish_days = store_col_null(st, 2) ? 0 : (int)store_col_int(st, 2);
	x->extension_days = store_col_null(st, 3) ? 0 : (int)store_col_int(st, 3);
	store_done(st);
	return 0;
}

/* The deadlines of a (re)started assignment: the appeal's type, urgency and category. */
static int deadlines_from_now(case_act_ctx *x, int64_t *sign_due, int64_t *finish_due, err *e)
{
	appeal_extra a;
	if (load_extra(x->c, x->row->id, &a, e) < 0)
		return -1;
	return case_deadlines(x->c, appeal_machine.kind, a.type, x->row->urgent, a.finish_days,
			      x->now, sign_due, finish_due, e);
}

static int on_dispatch(case_act_ctx *x, err *e)
{
	int64_t unit = case_body_int(x, "unit_id", 0);
	store_stmt *st;
	int rc = store_query_row(x->c, &st, e, "SELECT disabled, path FROM units WHERE id = ?", "i",
				 unit);
	if (rc < 0)
		return -1;
	bool ok = rc == 1 && store_col_int(st, 0) == 0 &&
		  scope_contains(x->who->unit_path, store_col_text(st, 1));
	if (rc == 1)
		store_done(st);
	if (!ok)
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id",
			       "承办单位不存在、已停用或不在您的管辖范围内");
	int64_t sign_due, finish_due;
	if (deadlines_from_now(x, &sign_due, &finish_due, e) < 0 ||
	    case_assign(x->c, x->row->id, unit, x->now, sign_due, finish_due, e) < 0)
		return -1;
	/* A new unit starts without the last one's extension request. */
	return store_exec(x->c, e,
			  "UPDATE appeals SET extension_days = NULL, extension_reason = NULL"
			  " WHERE case_id = ?",
			  "i", x->row->id) < 0
		       ? -1
		       : 0;
}

static int on_sign(case_act_ctx *x, err *e)
{
	const case_row *r = x->row;
	if (store_exec(x->c, e, "UPDATE cases SET signed_at = ? WHERE id = ?", "ii", x->now,
		       r->id) < 0)
		return -1;
	return store_exec(x->c, e,
			  "UPDATE case_assignments SET signed_at = ?, signed_on_time = ?"
			  " WHERE id = ?",
			  "ibi", x->now, (int)(!r->sign_due_at || x->now <= r->sign_due_at),
			  r->assignment_id) < 0
		       ? -1
		       : 0;
}

static int on_return(case_act_ctx *x, err *e)
{
	const case_row *r = x->row;
	return store_exec(x->c, e, "UPDATE case_assignments SET returned_at = ? WHERE id = ?", "ii",
			  x->now, r->assignment_id) < 0 ||
			       store_exec(
				       x->c, e,
				       "UPDATE cases SET handler_id = NULL, handler_path = NULL,"
				       " assignment_id = NULL, dispatched_at = NULL,"
				       " sign_due_at = NULL, finish_due_at = NULL, sign_alert = 0,"
				       " finish_alert = 0 WHERE id = ?",
				       "i", r->id) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE appeals SET return_count = return_count + 1"
					  " WHERE case_id = ?",
					  "i", r->id) < 0
		       ? -1
		       : 0;
}

static int on_request_extension(case_act_ctx *x, err *e)
{
	appeal_extra a;
	if (load_extra(x->c, x->row->id, &a, e) < 0)
		return -1;
	if (a.extension_days)
		return err_set(e, ERR_CONFLICT, "extension_pending", NULL, "已有延期申请等待审批");
	int64_t days = case_body_int(x, "days", 0);
	if (days < 1)
		return err_set(e, ERR_INVALID, "out_of_range", "days",
			       "延期天数为 1 到 30 个工作日");
	return store_exec(x->c, e,
			  "UPDATE appeals SET extension_days = ?, extension_reason = ?"
			  " WHERE case_id = ?",
			  "isi", days, case_body_str(x, "reason"), x->row->id) < 0
		       ? -1
		       : 0;
}

static const struct case_notice extension_approved = {"extension_decided", "延期申请已同意",
						      CASE_TO_HOLDER, "note", NULL};
static const struct case_notice extension_refused = {"extension_decided", "延期申请未同意",
						     CASE_TO_HOLDER, "note", NULL};

static int on_decide_extension(case_act_ctx *x, err *e)
{
	const case_row *r = x->row;
	appeal_extra a;
	if (load_extra(x->c, r->id, &a, e) < 0)
		return -1;
	if (!a.extension_days)
		return err_set(e, ERR_CONFLICT, "no_pending_extension", NULL,
			       "没有待审批的延期申请");
	bool approve = case_body_bool(x, "approve") == 1;
	x->notice = approve ? &extension_approved : &extension_refused;
	if (approve) {
		int64_t due;
		if (case_add_working_days(x->c, r->finish_due_at ? r->finish_due_at : x->now,
					  a.extension_days, &due, e) < 0 ||
		    store_exec(x->c, e,
			       "UPDATE cases SET finish_due_at = ?, finish_alert = CASE WHEN ? > ?"
			       " THEN 0 ELSE finish_alert END WHERE id = ?",
			       "iiii", due, due, x->now, r->id) < 0 ||
		    store_exec(x->c, e,
			       "UPDATE case_assignments SET finish_due_at = ? WHERE id = ?", "ii",
			       due, r->assignment_id) < 0)
			return -1;
	}
	return store_exec(x->c, e,
			  "UPDATE appeals SET extension_days = NULL, extension_reason = NULL"
			  " WHERE case_id = ?",
			  "i", r->id) < 0
		       ? -1
		       : 0;
}

static int on_reply(case_act_ctx *x, err *e)
{
	const case_row *r = x->row;
	int resolved = case_body_bool(x, "resolved");
	return store_exec(x->c, e,
			  "UPDATE appeals SET reply_content = ?, resolved = ? WHERE case_id = ?",
			  "sbi", case_body_str(x, "content"), resolved, r->id) < 0 ||
			       store_exec(x->c, e, "UPDATE cases SET replied_at = ? WHERE id = ?",
					  "ii", x->now, r->id) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE case_assignments SET replied_at = ?,"
					  " replied_on_time = ?, resolved = ? WHERE id = ?",
					  "ibbi", x->now,
					  (int)(!r->finish_due_at || x->now <= r->finish_due_at),
					  resolved, r->assignment_id) < 0
		       ? -1
		       : 0;
}

static const struct case_notice review_refused = {"reopened", "答复未通过审核，请重新办理",
						  CASE_TO_HOLDER, "note", NULL};

static int on_review(case_act_ctx *x, err *e)
{
	if (case_body_bool(x, "approve") == 1)
		return 0;
	/* Sent back: the unit handles it again. */
	x->to = "handling";
	x->notice = &review_refused;
	return store_exec(x->c, e, "UPDATE cases SET replied_at = NULL WHERE id = ?", "i",
			  x->row->id) < 0 ||
			       store_exec(
				       x->c, e,
				       "UPDATE case_assignments SET replied_at = NULL WHERE id = ?",
				       "i", x->row->assignment_id) < 0
		       ? -1
		       : 0;
}

/* revisit (the hotline calls back) and rate (the citizen answers): closes the appeal
 * with the satisfaction. */
static int on_revisit(case_act_ctx *x, err *e)
{
	const case_row *r = x->row;
	const char *sat = case_body_str(x, "satisfaction");
	if (!appeal_satisfaction_valid(sat))
		return err_set(e, ERR_INVALID, "invalid_satisfaction", "satisfaction",
			       "满意度须为 satisfied、basically_satisfied 或 dissatisfied");
	json_object_set_new(x->data, "satisfaction", json_string(sat));
	return store_exec(x->c, e, "UPDATE cases SET closed_at = ? WHERE id = ?", "ii", x->now,
			  r->id) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE appeals SET satisfaction = ? WHERE case_id = ?",
					  "si", sat, r->id) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE case_assignments SET closed_at = ?, satisfaction "
					  "= ?,"
					  " resolved = (SELECT resolved FROM appeals WHERE case_id "
					  "= ?)"
					  " WHERE id = ?",
					  "isii", x->now, sat, r->id, r->assignment_id) < 0
		       ? -1
		       : 0;
}

static int on_reopen(case_act_ctx *x, err *e)
{
	const case_row *r = x->row;
	if (!r->assignment_id)
		return err_set(e, ERR_CONFLICT, "never_dispatched", NULL,
			       "该诉求受理时已直接办结，没有承办单位可以重办");
	int64_t sign_due, finish_due;
	if (deadlines_from_now(x, &sign_due, &finish_due, e) < 0)
		return -1;
	return store_exec(x->c, e,
			  "UPDATE cases SET closed_at = NULL, replied_at = NULL, finish_due_at = ?,"
			  " finish_alert = 0, finish_from = ? WHERE id = ?",
			  "iii", finish_due, x->now, r->id) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE appeals SET satisfaction = NULL, resolved = NULL,"
					  " reopen_count = reopen_count + 1 WHERE case_id = ?",
					  "i", r->id) < 0 ||
			       store_exec(
				       x->c, e,
				       "UPDATE case_assignments SET reopened = reopened + 1,"
				       " closed_at = NULL, satisfaction = NULL, replied_at = NULL,"
				       " finish_due_at = ? WHERE id = ?",
				       "ii", finish_due, r->assignment_id) < 0
		       ? -1
		       : 0;
}

static int on_close(case_act_ctx *x, err *e)
{
	return store_exec(x->c, e, "UPDATE cases SET closed_at = ? WHERE id = ?", "ii", x->now,
			  x->row->id) < 0 ||
			       store_exec(x->c, e,
					  "UPDATE appeals SET resolved = 1 WHERE case_id = ?", "i",
					  x->row->id) < 0
		       ? -1
		       : 0;
}

/* Counts an urge, by a person or by the scheduler. */
static int count_urge(store_conn *c, int64_t id, err *e)
{
	return store_exec(c, e, "UPDATE appeals SET urge_count = urge_count + 1 WHERE case_id = ?",
			  "i", id) < 0
		       ? -1
		       : 0;
}

static int on_urge(case_act_ctx *x, err *e)
{
	return count_urge(x->c, x->row->id, e);
}

static int on_merge(case_act_ctx *x, err *e)
{
	const case_row *r = x->row;
	int64_t into = case_body_int(x, "into_id", 0);
	if (into == r->id)
		return err_set(e, ERR_INVALID, "invalid_target", "into_id", "不能合并到自身");
	case_row t;
	if (case_lock(x->c, into, e) < 0)
		return -1;
	int rc = case_load(x->c, into, &t, e);
	if (rc < 0 && e->kind != ERR_NOT_FOUND)
		return -1;
	if (rc < 0 || strcmp(t.kind, appeal_machine.kind) != 0 || !case_visible(x->who, &t))
		return err_set(e, ERR_INVALID, "invalid_target", "into_id", "要合并到的诉求不存在");
	if (!case_state_open(&appeal_machine, t.status))
		return err_set(e, ERR_CONFLICT, "target_closed", "into_id",
			       "要合并到的诉求已办结或已被合并");
	if (store_exec(x->c, e, "UPDATE appeals SET merged_into = ? WHERE case_id = ?", "ii", into,
		       r->id) < 0 ||
	    store_exec(x->c, e, "UPDATE cases SET closed_at = ? WHERE id = ?", "ii", x->now,
		       r->id) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s}", "from_id", (json_int_t)r->id, "from_number", r->number);
	rc = case_timeline_add(x->c, x->who, into, "merged_from", NULL, NULL, x->note, d, e);
	json_decref(d);
	return rc;
}

/* ---- the machine, as data (CONTRACT.md's action table) ---- */

static const char *const states[] = {"intake",	"dispatched", "handling", "replied",
				     "revisit", "closed",     "merged",	  NULL};
static const char *const terminal[] = {"closed", "merged", NULL};

/* The takers: the hotline's agent and a leader of the appeal's area, the staff of the
 * handling unit, the citizen who filed it. */
#define AGENT                                                                                      \
	{                                                                                          \
		ROLE_AGENT, CASE_REL_AREA, NULL                                                    \
	}
#define LEADER                                                                                     \
	{                                                                                          \
		ROLE_LEADER, CASE_REL_AREA, NULL                                                   \
	}
#define UNIT                                                                                       \
	{                                                                                          \
		ROLE_UNIT_STAFF, CASE_REL_HOLDER, NULL                                             \
	}
#define CITIZEN                                                                                    \
	{                                                                                          \
		0, CASE_REL_CITIZEN, NULL                                                          \
	}

#define NOTE                                                                                       \
	{                                                                                          \
		"note", JV_TEXT, 0, 0, APPEAL_NOTE_MAX, NULL, NULL                                 \
	}
#define REASON(label)                                                                              \
	{                                                                                          \
		"reason", JV_TEXT, JV_REQUIRED, 0, APPEAL_NOTE_MAX, NULL, label                    \
	}
#define APPROVE(label)                                                                             \
	{                                                                                          \
		"approve", JV_BOOL, JV_REQUIRED, 0, 0, NULL, label                                 \
	}
#define SATISFACTION                                                                               \
	{                                                                                          \
		"satisfaction", JV_STRING, 0, 0, 32, NULL, NULL                                    \
	}

static const struct jv_field note_body[] = {NOTE, {0}};
static const struct jv_field dispatch_body[] = {
	{"unit_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择承办单位"}, NOTE, {0}};
static const struct jv_field return_body[] = {REASON("请填写退单理由"), NOTE, {0}};
static const struct jv_field request_extension_body[] = {
	{"days", JV_INT, 0, 1, 30, NULL, "延期天数为 1 到 30 个工作日"},
	REASON("请填写延期理由"),
	NOTE,
	{0}};
static const struct jv_field decide_extension_body[] = {APPROVE("请选择是否同意延期"), NOTE, {0}};
static const struct jv_field reply_body[] = {
	{"content", JV_TEXT, JV_REQUIRED, 0, APPEAL_CONTENT_MAX, NULL, "请填写答复内容"},
	{"resolved", JV_BOOL, JV_REQUIRED, 0, 0, NULL, "请说明是否已解决"},
	NOTE,
	{0}};
static const struct jv_field review_body[] = {APPROVE("请选择审核结果"), NOTE, {0}};
static const struct jv_field revisit_body[] = {SATISFACTION, NOTE, {0}};
static const struct jv_field rate_body[] = {SATISFACTION, {0}};
static const struct jv_field reopen_body[] = {REASON("请填写重办理由"), NOTE, {0}};
static const struct jv_field close_body[] = {
	{"note", JV_TEXT, JV_REQUIRED, 0, APPEAL_NOTE_MAX, NULL, "请填写办结说明"}, {0}};
static const struct jv_field merge_body[] = {
	{"into_id", JV_ID, JV_REQUIRED, 0, 0, NULL, "请选择要合并到的诉求"}, NOTE, {0}};

static const struct case_notice new_case = {"new_case", "新工单", CASE_TO_HOLDER, NULL, NULL};
static const struct case_notice returned = {"returned", "工单被退回", CASE_TO_INTAKE, "reason",
					    NULL};
static const struct case_notice extension_requested = {"extension_requested", "延期申请",
						       CASE_TO_INTAKE, "reason", NULL};
static const struct case_notice replied = {"replied", "工单已答复，待审核", CASE_TO_INTAKE, NULL,
					   NULL};
static const struct case_notice reopened = {"reopened", "工单重办", CASE_TO_HOLDER, "reason", NULL};
static const struct case_notice urged = {"urge", "督办", CASE_TO_HOLDER | CASE_TO_HOLDER_PARENT,
					 "note", "下级单位工单被督办"};

static const struct case_action appeal_actions[] = {
	{.name = "dispatch",
	 .label = "派单",
	 .from = {"intake"},
	 .to = "dispatched",
	 .takers = {AGENT},
	 .body = dispatch_body,
	 .handler = on_dispatch,
	 .notice = &new_case},
	{.name = "sign",
	 .label = "签收",
	 .from = {"dispatched"},
	 .to = "handling",
	 .takers = {UNIT},
	 .body = note_body,
	 .handler = on_sign},
	{.name = "return",
	 .label = "退单",
	 .from = {"dispatched"},
	 .to = "intake",
	 .takers = {UNIT},
	 .body = return_body,
	 .handler = on_return,
	 .notice = &returned},
	{.name = "request_extension",
	 .label = "申请延期",
	 .from = {"handling"},
	 .takers = {UNIT},
	 .body = request_extension_body,
	 .handler = on_request_extension,
	 .notice = &extension_requested},
	{.name = "decide_extension",
	 .label = "审批延期",
	 .from = {"handling"},
	 .takers = {AGENT},
	 .body = decide_extension_body,
	 .handler = on_decide_extension},
	{.name = "reply",
	 .label = "答复",
	 .from = {"handling"},
	 .to = "replied",
	 .takers = {UNIT},
	 .body = reply_body,
	 .handler = on_reply,
	 .notice = &replied},
	/* or back to handling: the handler decides */
	{.name = "review",
	 .label = "审核",
	 .from = {"replied"},
	 .to = "revisit",
	 .takers = {AGENT},
	 .body = review_body,
	 .handler = on_review},
	{.name = "revisit",
	 .label = "回访",
	 .from = {"revisit"},
	 .to = "closed",
	 .takers = {AGENT},
	 .body = revisit_body,
	 .handler = on_revisit},
	{.name = "rate",
	 .label = "评价",
	 .from = {"revisit"},
	 .to = "closed",
	 .takers = {CITIZEN},
	 .body = rate_body,
	 .handler = on_revisit},
	{.name = "reopen",
	 .label = "重办",
	 .from = {"closed"},
	 .to = "handling",
	 .takers = {AGENT},
	 .body = reopen_body,
	 .handler = on_reopen,
	 .notice = &reopened},
	{.name = "close",
	 .label = "办结",
	 .from = {"intake"},
	 .to = "closed",
	 .takers = {AGENT},
	 .body = close_body,
	 .handler = on_close},
	{.name = "urge",
	 .label = "督办",
	 .from = {"*"},
	 .takers = {AGENT, LEADER},
	 .body = note_body,
	 .handler = on_urge,
	 .notice = &urged},
	{.name = "merge",
	 .label = "合并",
	 .from = {"intake"},
	 .to = "merged",
	 .takers = {AGENT},
	 .body = merge_body,
	 .handler = on_merge},
};

const struct case_machine appeal_machine = {
	.kind = "appeal",
	.prefix = "FX",
	.noun = "诉求",
	.states = states,
	.terminal = terminal,
	.actions = appeal_actions,
	.nactions = sizeof appeal_actions / sizeof appeal_actions[0],
	.urged = count_urge,
};

int appeal_act(store_conn *c, const actor *who, int64_t id, json_t *body, err *e)
{
	const char *action = json_string_value(json_object_get(body, "action"));
	return case_act(c, who, &appeal_machine, id, action ? action : "", body, 0, NULL, e);
}

static bool same_phone(const char *a, const char *b)
{
	/* Digits only: "138 1234-5678" and "13812345678" are the same number. */
	char da[32], db[32];
	size_t na = 0, nb = 0;
	for (; *a && na < sizeof da - 1; a++)
		if (isdigit((unsigned char)*a))
			da[na++] = *a;
	for (; *b && nb < sizeof db - 1; b++)
		if (isdigit((unsigned char)*b))
			db[nb++] = *b;
	da[na] = db[nb] = '\0';
	return na >= 5 && strcmp(da, db) == 0;
}

/* Finds an appeal by number whose contact phone matches; 404 otherwise. */
static int find_public(store_conn *c, const char *number, const char *phone, int64_t *id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT c.id, a.contact_phone FROM cases c JOIN appeals a"
				 " ON a.case_id = c.id WHERE c.number = ? AND c.kind = 'appeal'",
				 "s", number);
	if (rc < 0)
		return -1;
	bool ok = rc == 1 && phone && same_phone(store_col_text(st, 1), phone);
	if (rc == 1) {
		*id = store_col_int(st, 0);
		store_done(st);
	}
	if (!ok)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL,
			       "没有找到该编号与电话对应的诉求");
	return 0;
}

int appeal_citizen_rate(store_conn *c, const char *number, const char *phone,
			const char *satisfaction, const char *ip, err *e)
{
	int64_t id;
	if (find_public(c, number, phone, &id, e) < 0)
		return -1;
	actor citizen;
	memset(&citizen, 0, sizeof citizen);
	snprintf(citizen.username, sizeof citizen.username, "citizen");
	snprintf(citizen.unit_path, sizeof citizen.unit_path, "/");
	snprintf(citizen.ip, sizeof citizen.ip, "%s", ip ? ip : "");
	json_t *body = json_pack("{s:s}", "satisfaction", satisfaction ? satisfaction : "");
	int rc =
		case_act(c, &citizen, &appeal_machine, id, "rate", body, CASE_REL_CITIZEN, NULL, e);
	json_decref(body);
	return rc;
}

/* ---- reading ---- */

/* APPEAL_COLUMNS then APPEAL_FROM: a reader that needs one more column (the GET's
 * dispute) puts it between them, after the columns view_from_row reads by position. */
#define APPEAL_COLUMNS                                                                             \
	"SELECT c.id, c.number, c.status, c.title, c.content, c.urgent, c.created_at,"             \
	" c.dispatched_at, c.signed_at, c.replied_at, c.closed_at, c.sign_due_at,"                 \
	" c.finish_due_at, c.sign_alert, c.finish_alert, a.resolved, a.satisfaction,"              \
	" a.reopen_count, a.return_count, a.urge_count, a.extension_days, a.extension_reason,"     \
	" a.channel, a.type, a.category_id, cat.name, cat.code, a.contact_name,"                   \
	" a.contact_phone, a.anonymous, a.address, a.lat, a.lon, a.region_code,"                   \
	" a.reply_content, a.merged_into, m.number, c.region_id, ru.name, ru.kind,"                \
	" c.intake_unit_id, iu.name, c.handler_id, hu.name, hu.kind, c.region_path,"               \
	" c.handler_path, a.attributes, o.media_url, k.name, o.email, o.address_id"
#define APPEAL_FROM_CASE                                                                           \
	" FROM cases c JOIN appeals a ON a.case_id = c.id"                                         \
	" LEFT JOIN open311_requests o ON o.case_id = c.id"                                        \
	" LEFT JOIN api_keys k ON k.id = o.api_key_id"                                             \
	" LEFT JOIN categories cat ON cat.id = a.category_id"                                      \
	" LEFT JOIN cases m ON m.id = a.merged_into"
#define APPEAL_FROM                                                                                \
	APPEAL_FROM_CASE                                                                           \
	" JOIN units ru ON ru.id = c.region_id"                                                    \
	" JOIN units iu ON iu.id = c.intake_unit_id"                                               \
	" LEFT JOIN units hu ON hu.id = c.handler_id"
/* APPEAL_FROM for a page of rows on PostgreSQL (list_page): the three units looked up by
 * key for each row. Joined, they were each read whole and hashed for every page (a plan
 * for "about ten rows"), half of the statement's time; `OFFSET 0` keeps the planner from
 * turning the lookups back into joins. Same rows, same columns. */
#define APPEAL_FROM_PG_PAGE                                                                        \
	APPEAL_FROM_CASE                                                                           \
	" CROSS JOIN LATERAL (SELECT name, kind FROM units WHERE id = c.region_id OFFSET 0) ru"    \
	" CROSS JOIN LATERAL (SELECT name FROM units WHERE id = c.intake_unit_id OFFSET 0) iu"     \
	" LEFT JOIN LATERAL (SELECT name, kind FROM units WHERE id = c.handler_id OFFSET 0) hu"    \
	" ON true"
#define APPEAL_SELECT APPEAL_COLUMNS APPEAL_FROM
/* The number of APPEAL_COLUMNS: the index of a column added after them. */
enum { APPEAL_NCOLS = 52 };

/* An appeal as the API shows it, taken from a row of APPEAL_SELECT or from what intake
 * knows: view_write alone gives it its JSON shape, so the answer to an intake, a GET and
 * a list item cannot drift apart. Strings point into the row or the input; NO_TIME is a
 * time not set, a NULL string is null. */
enum { NO_TIME_SLOTS = 7 };
#define NO_TIME INT64_MIN

typedef struct appeal_view {
	int64_t id;
	const char *number, *status, *title, *content;
	bool urgent;
	/* created, dispatched, signed, replied, closed, sign due, finish due */
	int64_t times[NO_TIME_SLOTS];
	int sign_alert, finish_alert;
	int resolved; /* -1: null */
	const char *satisfaction;
	int64_t reopen_count, return_count, urge_count;
	bool has_extension;
	int64_t extension_days;
	const char *extension_reason;
	const char *channel, *type;
	int64_t category_id; /* 0: none */
	const char *category_name, *category_code;
	const char *contact_name, *contact_phone;
	bool anonymous;
	const char *address;
	bool has_lat, has_lon;
	double lat, lon;
	const char *region_code, *reply_content;
	int64_t merged_into; /* 0: none */
	const char *merged_number;
	int64_t region_id;
	const char *region_name, *region_kind, *region_path;
	int64_t intake_unit_id;
	const char *intake_unit_name;
	int64_t handler_id; /* 0: none */
	const char *handler_name, *handler_kind, *handler_path;
	const char *attributes; /* JSON text, or NULL */
	/* What came with an Open311 request: partner is NULL for every other appeal. */
	const char *media_url, *partner, *email, *address_id;
} appeal_view;

static const char *col_text_or_null(store_stmt *st, int col)
{
	return store_col_null(st, col) ? NULL : store_col_text(st, col);
}

static int64_t col_time(store_stmt *st, int col)
{
	return store_col_null(st, col) ? NO_TIME : store_col_int(st, col);
}

static void view_from_row(store_stmt *st, appeal_view *v)
{
	memset(v, 0, sizeof *v);
	v->id = store_col_int(st, 0);
	v->number = store_col_text(st, 1);
	v->status = store_col_text(st, 2);
	v->title = store_col_text(st, 3);
	v->content = store_col_text(st, 4);
	v->urgent = store_col_int(st, 5) != 0;
	for (int i = 0; i < NO_TIME_SLOTS; i++)
		v->times[i] = col_time(st, 6 + i);
	v->sign_alert = (int)store_col_int(st, 13);
	v->finish_alert = (int)store_col_int(st, 14);
	v->resolved = store_col_null(st, 15) ? -1 : store_col_int(st, 15) != 0;
	v->satisfaction = col_text_or_null(st, 16);
	v->reopen_count = store_col_int(st, 17);
	v->return_count = store_col_int(st, 18);
	v->urge_count = store_col_int(st, 19);
	v->has_extension = !store_col_null(st, 20);
	v->extension_days = store_col_int(st, 20);
	v->extension_reason = col_text_or_null(st, 21);
	v->channel = store_col_text(st, 22);
	v->type = store_col_text(st, 23);
	v->category_id = store_col_null(st, 24) ? 0 : store_col_int(st, 24);
	v->category_name = col_text_or_null(st, 25);
	v->category_code = col_text_or_null(st, 26);
	v->contact_name = col_text_or_null(st, 27);
	v->contact_phone = col_text_or_null(st, 28);
	v->anonymous = store_col_int(st, 29) != 0;
	v->address = col_text_or_null(st, 30);
	v->has_lat = !store_col_null(st, 31);
	v->lat = store_col_double(st, 31);
	v->has_lon = !store_col_null(st, 32);
	v->lon = store_col_double(st, 32);
	v->region_code = col_text_or_null(st, 33);
	v->reply_content = col_text_or_null(st, 34);
	v->merged_into = store_col_null(st, 35) ? 0 : store_col_int(st, 35);
	v->merged_number = col_text_or_null(st, 36);
	v->region_id = store_col_int(st, 37);
	v->region_name = store_col_text(st, 38);
	v->region_kind = store_col_text(st, 39);
	v->intake_unit_id = store_col_int(st, 40);
	v->intake_unit_name = store_col_text(st, 41);
	v->handler_id = store_col_null(st, 42) ? 0 : store_col_int(st, 42);
	v->handler_name = col_text_or_null(st, 43);
	v->handler_kind = col_text_or_null(st, 44);
	v->region_path = store_col_text(st, 45);
	v->handler_path = col_text_or_null(st, 46);
	v->attributes = col_text_or_null(st, 47);
	v->media_url = col_text_or_null(st, 48);
	v->partner = col_text_or_null(st, 49);
	v->email = col_text_or_null(st, 50);
	v->address_id = col_text_or_null(st, 51);
}

static json_t *opt_time(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	char buf[40];
	clock_format_iso(store_col_int(st, col), buf, sizeof buf);
	return json_string(buf);
}

static json_t *opt_text(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

/* The parts of a case row that area checks and the action table need. */
static void view_case_row(const appeal_view *v, case_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = v->id;
	snprintf(r->kind, sizeof r->kind, "appeal");
	snprintf(r->number, sizeof r->number, "%s", v->number);
	snprintf(r->status, sizeof r->status, "%s", v->status);
	r->region_id = v->region_id;
	r->intake_unit_id = v->intake_unit_id;
	r->handler_id = v->handler_id;
	snprintf(r->region_path, sizeof r->region_path, "%s", v->region_path);
	snprintf(r->handler_path, sizeof r->handler_path, "%s",
		 v->handler_path ? v->handler_path : "");
}

static void write_time(strbuf *sb, const char *key, int64_t t)
{
	jw_key(sb, key);
	if (t == NO_TIME)
		jw_null(sb);
	else
		jw_time(sb, t);
}

static void write_ref(strbuf *sb, const char *key, int64_t id, const char *k2, const char *v2,
		      const char *k3, const char *v3)
{
	jw_key(sb, key);
	if (!id) {
		jw_null(sb);
		return;
	}
	jw_open(sb, '{');
	jw_key(sb, "id");
	jw_int(sb, id);
	jw_key(sb, k2);
	jw_str(sb, v2);
	if (k3) {
		jw_key(sb, k3);
		jw_str(sb, v3);
	}
	jw_close(sb, '}');
}

/* The times, the deadline alerts and the overdue flag. */
static void write_deadlines(strbuf *sb, const appeal_view *v)
{
	static const char *const times[NO_TIME_SLOTS] = {
		"created_at", "dispatched_at", "signed_at",    "replied_at",
		"closed_at",  "sign_due_at",   "finish_due_at"};
	int64_t now = clock_now_ms();
	for (int i = 0; i < NO_TIME_SLOTS; i++)
		write_time(sb, times[i], v->times[i]);
	int sa = v->sign_alert, fa = v->finish_alert;
	int64_t signed_at = v->times[2], replied_at = v->times[3];
	int64_t sign_due = v->times[5], finish_due = v->times[6];
	bool open = case_state_open(&appeal_machine, v->status);
	/* The scheduler raises alerts every pass; between passes a deadline may already
	 * have gone by, and a person reading the appeal should see that at once. */
	if (open && signed_at == NO_TIME && sign_due != NO_TIME && now > sign_due)
		sa = 2;
	if (open && replied_at == NO_TIME && finish_due != NO_TIME && now > finish_due)
		fa = 2;
	if (!open || signed_at != NO_TIME)
		sa = sa >= 2 ? 2 : 0;
	jw_key(sb, "sign_alert");
	jw_str(sb, case_alert_word(sa));
	jw_key(sb, "finish_alert");
	jw_str(sb, case_alert_word(fa));
	jw_key(sb, "overdue");
	jw_bool(sb, open && (sa >= 2 || fa >= 2));
}

/* The hotline's own outcome: resolved, satisfaction, counters, the pending extension. */
static void write_outcome(strbuf *sb, const appeal_view *v)
{
	jw_key(sb, "resolved");
	if (v->resolved < 0)
		jw_null(sb);
	else
		jw_bool(sb, v->resolved);
	jw_key(sb, "satisfaction");
	jw_str(sb, v->satisfaction);
	jw_key(sb, "reopen_count");
	jw_int(sb, v->reopen_count);
	jw_key(sb, "return_count");
	jw_int(sb, v->return_count);
	jw_key(sb, "urge_count");
	jw_int(sb, v->urge_count);
	jw_key(sb, "extension");
	if (v->has_extension) {
		jw_open(sb, '{');
		jw_key(sb, "days");
		jw_int(sb, v->extension_days);
		jw_key(sb, "reason");
		jw_str(sb, v->extension_reason ? v->extension_reason : "");
		jw_close(sb, '}');
	} else {
		jw_null(sb);
	}
}

/* Personal data: agents and the handling unit see the phone in full, except that an
 * anonymous appeal hides the identity from the handling unit too; everyone else sees it
 * masked. */
static void write_contact(strbuf *sb, const appeal_view *v, bool agent, bool handler)
{
	jw_key(sb, "anonymous");
	jw_bool(sb, v->anonymous);
	jw_key(sb, "contact_name");
	jw_str(sb, v->anonymous && !agent ? NULL : v->contact_name);
	jw_key(sb, "contact_phone");
	if ((v->anonymous && !agent) || !v->contact_phone) {
		jw_null(sb);
	} else if (agent || handler) {
		jw_str(sb, v->contact_phone);
	} else {
		char masked[64];
		privacy_mask_phone(v->contact_phone, masked, sizeof masked);
		jw_str(sb, masked);
	}
}

/* What came with an Open311 request: the partner, a link to media, and the email, which is
 * personal data like the phone (never shown masked: it is left out). */
static void write_open311(strbuf *sb, const appeal_view *v, bool agent, bool handler)
{
	jw_key(sb, "open311");
	if (!v->partner) {
		jw_null(sb);
		return;
	}
	jw_open(sb, '{');
	jw_key(sb, "partner");
	jw_str(sb, v->partner);
	jw_key(sb, "media_url");
	jw_str(sb, v->media_url);
	jw_key(sb, "address_id");
	jw_str(sb, v->address_id);
	jw_key(sb, "email");
	jw_str(sb, (agent || handler) && !v->anonymous ? v->email : NULL);
	jw_close(sb, '}');
}

/* Writes the appeal's fields as an open JSON object, masked for who: the caller adds
 * what else it needs and closes it. */
static void view_write(strbuf *sb, const appeal_view *v, const actor *who)
{
	bool agent = actor_has(who, ROLE_AGENT);
	bool handler =
		v->handler_id && who->unit_id == v->handler_id && actor_has(who, ROLE_UNIT_STAFF);
	jw_open(sb, '{');
	jw_key(sb, "id");
	jw_int(sb, v->id);
	jw_key(sb, "number");
	jw_str(sb, v->number);
	jw_key(sb, "kind");
	jw_str(sb, "appeal");
	jw_key(sb, "status");
	jw_str(sb, v->status);
	jw_key(sb, "title");
	jw_str(sb, v->title);
	jw_key(sb, "content");
	jw_str(sb, v->content);
	jw_key(sb, "urgent");
	jw_bool(sb, v->urgent);
	write_deadlines(sb, v);
	write_outcome(sb, v);
	jw_key(sb, "channel");
	jw_str(sb, v->channel);
	jw_key(sb, "type");
	jw_str(sb, v->type);
	write_ref(sb, "category", v->category_id, "name", v->category_name, "code",
		  v->category_code);
	write_contact(sb, v, agent, handler);
	jw_key(sb, "address");
	jw_str(sb, v->address);
	jw_key(sb, "lat");
	if (v->has_lat)
		jw_real(sb, v->lat);
	else
		jw_null(sb);
	jw_key(sb, "lon");
	if (v->has_lon)
		jw_real(sb, v->lon);
	else
		jw_null(sb);
	jw_key(sb, "region_code");
	jw_str(sb, v->region_code);
	jw_key(sb, "reply");
	if (v->reply_content) {
		jw_open(sb, '{');
		jw_key(sb, "content");
		jw_str(sb, v->reply_content);
		jw_key(sb, "resolved");
		if (v->resolved < 0)
			jw_null(sb);
		else
			jw_bool(sb, v->resolved);
		jw_close(sb, '}');
	} else {
		jw_null(sb);
	}
	write_ref(sb, "merged_into", v->merged_into, "number", v->merged_number, NULL, NULL);
	write_ref(sb, "region", v->region_id, "name", v->region_name, "kind", v->region_kind);
	write_ref(sb, "intake_unit", v->intake_unit_id, "name", v->intake_unit_name, NULL, NULL);
	write_ref(sb, "handler", v->handler_id, "name", v->handler_name, "kind", v->handler_kind);
	/* The answers to the category's Open311 attributes: [{code, description, datatype,
	 * value, text}], text being what a person reads. */
	jw_key(sb, "attributes");
	json_t *attrs = v->attributes ? json_loads(v->attributes, 0, NULL) : NULL;
	if (json_is_array(attrs))
		jw_tree(sb, attrs);
	else
		jw_raw(sb, "[]", 2);
	json_decref(attrs);
	write_open311(sb, v, agent, handler);
}

/* The actions who may take now: an extension can be decided only while one is pending,
 * and asked only while none is. */
static void write_allowed(strbuf *sb, const actor *who, const case_row *r, bool extension)
{
	json_t *actions = case_allowed_actions(who, &appeal_machine, r);
	jw_key(sb, "allowed_actions");
	jw_open(sb, '[');
	size_t i;
	json_t *v;
	json_array_foreach(actions, i, v)
	{
		const char *name = json_string_value(v);
		if ((!strcmp(name, "decide_extension") && !extension) ||
		    (!strcmp(name, "request_extension") && extension))
			continue;
		jw_str(sb, name);
	}
	jw_close(sb, ']');
	json_decref(actions);
}

void appeal_intake_json(const actor *who, const appeal_input *in, const appeal_intake_info *info,
			strbuf *out)
{
	appeal_view v = {
		.id = info->id,
		.number = info->number,
		.status = "intake",
		.title = info->title,
		.content = in->content,
		.urgent = in->urgent,
		.resolved = -1,
		.channel = in->channel,
		.type = in->type,
		.category_id = in->category_id,
		.category_name = info->category_name,
		.category_code = info->category_code,
		.contact_name = in->contact_name,
		.contact_phone = in->contact_phone,
		.anonymous = in->anonymous,
		.address = in->address,
		.has_lat = in->has_coords,
		.has_lon = in->has_coords,
		.lat = in->lat,
		.lon = in->lon,
		.region_code = in->region_code,
		.region_id = info->region_id,
		.region_name = info->region_name,
		.region_kind = info->region_kind,
		.region_path = info->region_path,
		.intake_unit_id = info->intake_unit_id,
		.intake_unit_name = info->intake_unit_name,
		.attributes = in->attributes,
	};
	for (int i = 0; i < NO_TIME_SLOTS; i++)
		v.times[i] = NO_TIME;
	v.times[0] = info->created_at;
	view_write(out, &v, who);
	case_row r;
	view_case_row(&v, &r);
	write_allowed(out, who, &r, false);
	jw_close(out, '}');
}

int appeal_suggest_unit(store_conn *c, int64_t category_id, int64_t region_id, int64_t *unit_id,
			err *e)
{
	*unit_id = 0;
	if (!category_id || !region_id)
		return 0;
	/* The category and its ancestors, nearest first. */
	int64_t cats[8];
	int ncat = 0;
	for (int64_t cid = category_id; cid && ncat < 8;) {
		cats[ncat++] = cid;
		int64_t parent;
		if (store_query_int(c, &parent, 0, e,
				    "SELECT parent_id FROM categories WHERE id = ?", "i", cid) < 0)
			return -1;
		cid = parent;
	}
	char path[SCOPE_PATH_MAX];
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", region_id);
	if (rc <= 0)
		return rc;
	snprintf(path, sizeof path, "%s", store_col_text(st, 0));
	store_done(st);
	/* The region's ancestors from the deepest: the most specific region wins, then the
	 * most specific category. */
	int64_t regions[32];
	int nreg = 0;
	for (const char *p = path + 1; *p && nreg < 32;) {
		regions[nreg++] = strtoll(p, NULL, 10);
		const char *slash = strchr(p, '/');
		p = slash ? slash + 1 : p + strlen(p);
	}
	for (int ri = nreg - 1; ri >= 0; ri--)
		for (int ci = 0; ci < ncat; ci++) {
			int64_t u;
			if (store_query_int(
				    c, &u, 0, e,
				    "SELECT unit_id FROM routing_rules WHERE category_id = ?"
				    " AND region_id = ?",
				    "ii", cats[ci], regions[ri]) < 0)
				return -1;
			if (u) {
				*unit_id = u;
				return 0;
			}
		}
	return 0;
}

/* Each finder is one walk of an index: appeals_phone and cases_title (migration 002).
 * Without its index a finder walks every appeal, newest first, until ten match: every
 * read of an appeal awaiting dispatch would then read the whole table
 * (tests/unit/appeals/test_appeal_list_area.c checks both plans). */
const char *const appeal_duplicate_finders[2] = {
	"SELECT case_id FROM appeals WHERE contact_phone = ? AND case_id <> ?"
	" ORDER BY case_id DESC LIMIT 10",
	"SELECT id FROM cases WHERE title = ? AND id <> ? AND kind = 'appeal'"
	" ORDER BY id DESC LIMIT 10",
};

/* Appeals of the last 7 days with the same phone or the same title, newest first. Two
 * index lookups limited to the newest few, so a number that calls every day costs no
 * more than one that calls once. */
static int duplicates_json(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT a.contact_phone, c.title, c.created_at FROM cases c"
				 " JOIN appeals a ON a.case_id = c.id WHERE c.id = ?",
				 "i", id);
	if (rc <= 0)
		return rc;
	char *phone = store_col_null(st, 0) ? NULL : xstrdup(store_col_text(st, 0));
	char *title = xstrdup(store_col_text(st, 1));
	int64_t since = store_col_int(st, 2) - 7LL * 24 * 3600 * 1000;
	store_done(st);
	json_t *arr = json_array();
	int64_t ids[20];
	const char *reasons[20];
	int n = 0;
	case_row rows[20];
	char *titles[20] = {0};
	bool found[20] = {0};
	for (int k = 0; k < 2; k++) {
		const char *key = k == 0 ? phone : title;
		if (!key)
			continue;
		st = store_prepare(c, appeal_duplicate_finders[k], e);
		if (!st) {
			rc = -1;
			goto out;
		}
		store_bindf(st, "si", key, id);
		while ((rc = store_step(st, e)) == 1) {
			int64_t cid = store_col_int(st, 0);
			bool seen = false;
			for (int i = 0; i < n; i++)
				seen |= ids[i] == cid;
			if (!seen && n < 20) {
				ids[n] = cid;
				reasons[n++] = k == 0 ? "phone" : "text";
			}
		}
		store_done(st);
		if (rc < 0)
			goto out;
	}
	/* Newest first, within 7 days and the caller's area. */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (ids[j] > ids[i]) {
				int64_t t = ids[i];
				ids[i] = ids[j], ids[j] = t;
				const char *r = reasons[i];
				reasons[i] = reasons[j], reasons[j] = r;
			}
	/* The candidates' rows in one statement (each a round trip on PostgreSQL): what
	 * case_visible tests, and what the answer shows. */
	if (n) {
		strbuf sql = STRBUF_INIT;
		strbuf_adds(&sql,
			    "SELECT id, number, status, created_at, region_path, handler_path,"
			    " title FROM cases WHERE id IN (");
		for (int i = 0; i < n; i++)
			strbuf_adds(&sql, i ? ", ?" : "?");
		strbuf_addch(&sql, ')');
		st = store_prepare(c, strbuf_str(&sql), e);
		strbuf_release(&sql);
		if (!st) {
			rc = -1;
			goto out;
		}
		for (int i = 0; i < n; i++)
			store_bind_int(st, i + 1, ids[i]);
		while ((rc = store_step(st, e)) == 1) {
			int64_t cid = store_col_int(st, 0);
			for (int i = 0; i < n; i++) {
				if (ids[i] != cid || found[i])
					continue;
				case_row *r = &rows[i];
				memset(r, 0, sizeof *r);
				r->id = cid;
				snprintf(r->number, sizeof r->number, "%s", store_col_text(st, 1));
				snprintf(r->status, sizeof r->status, "%s", store_col_text(st, 2));
				r->created_at = store_col_null(st, 3) ? 0 : store_col_int(st, 3);
				snprintf(r->region_path, sizeof r->region_path, "%s",
					 store_col_text(st, 4));
				snprintf(r->handler_path, sizeof r->handler_path, "%s",
					 store_col_text(st, 5));
				titles[i] = xstrdup(store_col_text(st, 6));
				found[i] = true;
			}
		}
		store_done(st);
		if (rc < 0)
			goto out;
	}
	for (int i = 0; i < n && json_array_size(arr) < 10; i++) {
		/* Cases are never deleted: a candidate is always found. */
		if (!found[i] || rows[i].created_at < since || !case_visible(who, &rows[i]))
			continue;
		char at[40];
		clock_format_iso(rows[i].created_at, at, sizeof at);
		json_array_append_new(arr,
				      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
						(json_int_t)rows[i].id, "number", rows[i].number,
						"title", titles[i], "status", rows[i].status,
						"created_at", at, "reason", reasons[i]));
	}
	rc = 0;
out:
	for (int i = 0; i < n; i++)
		free(titles[i]);
	free(phone);
	free(title);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

/* The GET's row: APPEAL_SELECT with the dispute made from the appeal, when one was
 * (case_links, written by the disputes' registration; at most one). */
#define APPEAL_GET_SELECT                                                                          \
	APPEAL_COLUMNS ", (SELECT l.case_id FROM case_links l"                                     \
		       " WHERE l.linked_case_id = c.id AND l.kind = 'from_appeal'"                 \
		       " LIMIT 1)" APPEAL_FROM " WHERE c.id = ?"

void appeal_read_drop(appeal_read *ar)
{
	store_done(ar->row);
	store_done(ar->timeline);
	ar->row = ar->timeline = NULL;
}

int appeal_read_send(store_conn *c, int64_t id, bool full, appeal_read *ar, err *e)
{
	/* The timeline's statement goes first: on PostgreSQL both travel with the next
	 * statement stepped, one round trip for all. */
	memset(ar, 0, sizeof *ar);
	if (full && !(ar->timeline = case_timeline_send(c, id, e)))
		return -1;
	if (!(ar->row = store_prepare(c, APPEAL_GET_SELECT, e))) {
		appeal_read_drop(ar);
		return -1;
	}
	store_bind_int(ar->row, 1, id);
	if (store_send(ar->row, e) < 0) {
		appeal_read_drop(ar);
		return -1;
	}
	return 0;
}

int appeal_get_json(store_conn *c, const actor *who, int64_t id, bool full, strbuf *out, err *e)
{
	appeal_read ar;
	if (appeal_read_send(c, id, full, &ar, e) < 0)
		return -1;
	return appeal_read_json(c, who, &ar, out, e);
}

int appeal_read_json(store_conn *c, const actor *who, appeal_read *ar, strbuf *out, err *e)
{
	/* The entries of the timeline are written only once the row says the caller may see
	 * the appeal. */
	store_stmt *st = ar->row, *timeline = ar->timeline;
	bool full = timeline != NULL;
	ar->row = ar->timeline = NULL;
	int rc = store_step(st, e);
	if (rc <= 0) {
		store_done(st);
		store_done(timeline);
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "诉求不存在") : -1;
	}
	appeal_view v;
	view_from_row(st, &v);
	int64_t dispute = store_col_null(st, APPEAL_NCOLS) ? 0 : store_col_int(st, APPEAL_NCOLS);
	case_row r;
	view_case_row(&v, &r);
	if (!case_visible(who, &r)) {
		store_done(st);
		store_done(timeline);
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "诉求不存在");
	}
	view_write(out, &v, who);
	store_done(st);
	write_allowed(out, who, &r, v.has_extension);
	if (!full) {
		jw_close(out, '}');
		return 0;
	}
	jw_key(out, "timeline");
	if (case_timeline_write_sent(timeline, out, e) < 0)
		return -1;
	if (dispute) {
		jw_key(out, "dispute_id");
		jw_int(out, dispute);
	}
	jw_key(out, "suggested_unit");
	bool intake = !strcmp(r.status, "intake");
	int64_t unit = 0;
	if (intake && appeal_suggest_unit(c, v.category_id, r.region_id, &unit, e) < 0)
		return -1;
	rc = unit ? store_query_row(c, &st, e, "SELECT id, name FROM units WHERE id = ?", "i", unit)
		  : 0;
	if (rc < 0)
		return -1;
	if (rc == 1) {
		jw_open(out, '{');
		jw_key(out, "id");
		jw_int(out, store_col_int(st, 0));
		jw_key(out, "name");
		jw_str(out, store_col_text(st, 1));
		jw_close(out, '}');
		store_done(st);
	} else {
		jw_null(out);
	}
	jw_key(out, "duplicates");
	if (intake && actor_has(who, ROLE_AGENT)) {
		json_t *dups = NULL;
		if (duplicates_json(c, who, r.id, &dups, e) < 0)
			return -1;
		jw_tree(out, dups);
		json_decref(dups);
	} else {
		jw_raw(out, "[]", 2);
	}
	jw_close(out, '}');
	return 0;
}

int appeal_get(store_conn *c, const actor *who, int64_t id, bool full, json_t **out, err *e)
{
	strbuf sb = STRBUF_INIT;
	int rc = appeal_get_json(c, who, id, full, &sb, e);
	if (rc == 0) {
		*out = json_loadb(sb.buf, sb.len, 0, NULL);
		if (!*out)
			rc = err_set(e, ERR_INTERNAL, "json", NULL, "诉求无法表示为 JSON");
	}
	strbuf_release(&sb);
	return rc;
}

int appeal_public_get(store_conn *c, const char *number, const char *phone, json_t **out, err *e)
{
	int64_t id;
	if (find_public(c, number, phone, &id, e) < 0)
		return -1;
	store_stmt *st;
	int rc =
		store_query_row(c, &st, e,
				"SELECT c.number, c.status, c.title, c.created_at, a.reply_content,"
				" c.closed_at, a.satisfaction FROM cases c JOIN appeals a"
				" ON a.case_id = c.id WHERE c.id = ?",
				"i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "诉求不存在") : -1;
	const char *status = store_col_text(st, 1);
	/* The reply reaches the citizen once the hotline has reviewed it. */
	bool show_reply =
		!store_col_null(st, 4) && (!strcmp(status, "revisit") || !strcmp(status, "closed"));
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "number", store_col_text(st, 0),
			  "status", status, "title", store_col_text(st, 2), "created_at",
			  opt_time(st, 3), "closed_at", opt_time(st, 5), "satisfaction",
			  opt_text(st, 6), "can_rate", !strcmp(status, "revisit"));
	json_object_set_new(o, "reply",
			    show_reply ? json_pack("{s:s}", "content", store_col_text(st, 4))
				       : json_null());
	store_done(st);
	*out = o;
	return 0;
}

/* ---- listing ---- */

/* An area with at most this many appeals (by region and by handler) is read through its
 * path indexes (list_where). */
enum { APPEAL_LIST_SMALL_AREA = 2000 };

/* Whether the comma list holds word as one of its items. */
static bool comma_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, word, n))
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/* A list query as it is built: the WHERE clause and its parameters in order (texts
 * point into the filter, the actor or the query's own strings). */
enum { LIST_PARAMS_MAX = 32 };

typedef struct list_query {
	strbuf where;
	struct {
		bool is_int;
		int64_t i;
		const char *s;
	} params[LIST_PARAMS_MAX];
	int np;
	bool need_appeals; /* the count joins appeals only when a filter needs its columns */
	bool empty;	   /* nothing can match: no query runs */
	bool full;	   /* a parameter past LIST_PARAMS_MAX was refused: the query fails */
	bool fts_outer;	   /* SQLite: the search index drives the query, newest match first */
	char *fts;
	char hi[SCOPE_PATH_MAX], upath[SCOPE_PATH_MAX], uhi[SCOPE_PATH_MAX];
} list_query;

/* The bound holds the area (4), one per state (7) and every other filter (12) with room
 * to spare; adding past it fails the query instead of writing past the array, so a new
 * filter cannot overflow it. */
static void q_text(list_query *q, const char *v)
{
	if (q->np == LIST_PARAMS_MAX) {
		q->full = true;
		return;
	}
	q->params[q->np].is_int = false;
	q->params[q->np++].s = v;
}

static void q_int(list_query *q, int64_t v)
{
	if (q->np == LIST_PARAMS_MAX) {
		q->full = true;
		return;
	}
	q->params[q->np].is_int = true;
	q->params[q->np++].i = v;
}

static void q_release(list_query *q)
{
	strbuf_release(&q->where);
	free(q->fts);
}

/* The filters of the appeals' columns (channel, type, category, phone). */
static void where_appeal(list_query *q, const appeal_filter *f)
{
	q->need_appeals = f->channel || f->type || f->category_id || f->phone;
	if (f->channel)
		strbuf_adds(&q->where, " AND a.channel = ?"), q_text(q, f->channel);
	if (f->type)
		strbuf_adds(&q->where, " AND a.type = ?"), q_text(q, f->type);
	if (f->category_id) {
		strbuf_adds(&q->where, " AND a.category_id IN (SELECT id FROM categories WHERE"
				       " id = ? OR parent_id = ?)");
		q_int(q, f->category_id), q_int(q, f->category_id);
	}
	if (f->phone)
		strbuf_adds(&q->where, " AND a.contact_phone = ?"), q_text(q, f->phone);
}

/* Builds the WHERE clause of who's list under filter f. */
static int list_where(store_conn *c, store *s, const actor *who, const appeal_filter *f,
		      bool area_implied, list_query *q, err *e)
{
	/* The area: every case lies under the root, so for someone whose area is the whole
	 * tree the condition is left out (it can use no index and made the unfiltered list
	 * of a city-wide agent read every row). */
	bool area = !area_implied && !area_is_whole_tree(c, who->unit_path);
	/* A small area (a community, a grid, a township's bureau) holds few appeals: on
	 * SQLite its two path ranges are then the way in (the indexes cases_region and
	 * cases_handler, one row read per appeal of the area), kind and status kept out of
	 * the planner's choice by a unary plus. Otherwise the planner walks every appeal of
	 * the status testing the area on each row: 12,000 row reads for a grid's page of a
	 * demo year. Same rows, same order, same count either way. */
	bool small = false;
	if (area) {
		scope_upper(who->unit_path, q->hi, sizeof q->hi);
		if (store_kind(s) == STORE_SQLITE) {
			int64_t n = 0;
			if (store_query_int(
				    c, &n, 0, e,
				    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM cases"
				    " WHERE region_path >= ?1 AND region_path < ?2 LIMIT ?3))"
				    " + (SELECT COUNT(*) FROM (SELECT 1 FROM cases"
				    " WHERE handler_path >= ?1 AND handler_path < ?2 LIMIT ?3))",
				    "ssi", who->unit_path, q->hi,
				    (int64_t)APPEAL_LIST_SMALL_AREA + 1) < 0)
				return -1;
			small = n <= APPEAL_LIST_SMALL_AREA;
		}
	}
	strbuf_adds(&q->where, small ? " WHERE +c.kind = 'appeal'" : " WHERE c.kind = 'appeal'");
	if (area) {
		strbuf_adds(&q->where, " AND ((c.region_path >= ? AND c.region_path < ?)"
				       " OR (c.handler_path >= ? AND c.handler_path < ?))");
		q_text(q, who->unit_path), q_text(q, q->hi);
		q_text(q, who->unit_path), q_text(q, q->hi);
	}
	if (f->statuses) {
		/* Each state once, however often the list names it. */
		strbuf_adds(&q->where, small ? " AND +c.status IN (" : " AND c.status IN (");
		int n = 0;
		for (const char *const *st = statuses; *st; st++)
			if (comma_list_has(f->statuses, *st)) {
				strbuf_adds(&q->where, n++ ? ", ?" : "?");
				q_text(q, *st);
			}
		strbuf_adds(&q->where, n ? ")" : "'')");
	}
	if (f->unit_id) {
		if (unit_path(c, f->unit_id, q->upath, sizeof q->upath, e) < 0) {
			if (!e || e->kind != ERR_NOT_FOUND)
				return -1;
			q->empty = true;
			return 0;
		}
		scope_upper(q->upath, q->uhi, sizeof q->uhi);
		/* A unit without units under it (a bureau, a community) holds its appeals
		 * under its own path alone: equality keeps the index
		 * cases_kind_status_handler in id order, so the newest page is a walk of it
		 * instead of a sort of every match. */
		int64_t below = 0;
		if (store_query_int(c, &below, 0, e,
				    "SELECT COUNT(*) FROM (SELECT 1 FROM units WHERE path > ?"
				    " AND path < ? LIMIT 1) x",
				    "ss", q->upath, q->uhi) < 0)
			return -1;
		if (below) {
			strbuf_adds(&q->where, " AND c.handler_path >= ? AND c.handler_path < ?");
			q_text(q, q->upath), q_text(q, q->uhi);
		} else {
			strbuf_adds(&q->where, " AND c.handler_path = ?");
			q_text(q, q->upath);
		}
	}
	where_appeal(q, f);
	if (f->from)
		strbuf_adds(&q->where, " AND c.created_at >= ?"), q_int(q, f->from);
	if (f->to)
		strbuf_adds(&q->where, " AND c.created_at < ?"), q_int(q, f->to);
	if (f->urgent)
		strbuf_adds(&q->where, " AND c.urgent = 1");
	if (f->overdue) {
		strbuf_adds(&q->where, " AND c.status NOT IN ('closed', 'merged') AND ("
				       "(c.signed_at IS NULL AND c.sign_due_at < ?) OR"
				       " (c.replied_at IS NULL AND c.finish_due_at < ?))");
		q_int(q, clock_now_ms()), q_int(q, clock_now_ms());
	}
	if (f->q) {
		q->fts = store_fts_query(s, f->q);
		if (!q->fts) {
			q->empty = true;
			return 0;
		}
		/* On SQLite the newest matches are read from FTS5 in rowid order and the rest
		 * of the filter tested on each, stopping at the page: a common word matches
		 * hundreds of thousands of appeals, and collecting them all first took
		 * seconds. */
		q->fts_outer = store_kind(s) == STORE_SQLITE && !f->by_deadline;
		if (q->fts_outer)
			strbuf_adds(&q->where, " AND fts_case MATCH ?");
		else
			strbuf_addf(&q->where, " AND c.id IN (%s)", store_fts_ids_sql(s, "case"));
		q_text(q, q->fts);
	}
	if (q->full)
		return err_set(e, ERR_INTERNAL, "too_many_parameters", NULL, "查询条件过多");
	return 0;
}

/* Binds the query's parameters, then the page's limit and offset when per_page. */
static void list_bind(store_stmt *st, const list_query *q, int64_t per_page, int64_t offset)
{
	for (int i = 0; i < q->np; i++) {
		if (q->params[i].is_int)
			store_bind_int(st, i + 1, q->params[i].i);
		else
			store_bind_text(st, i + 1, q->params[i].s);
	}
	if (per_page) {
		store_bind_int(st, q->np + 1, per_page);
		store_bind_int(st, q->np + 2, offset);
	}
}

/* Writes the appeals st's rows hold (APPEAL_SELECT's columns) into items, as the user may
 * see them. */
static int write_page_rows(store_stmt *st, const actor *who, strbuf *items, err *e)
{
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		appeal_view v;
		view_from_row(st, &v);
		view_write(items, &v, who);
		jw_close(items, '}');
	}
	return rc;
}

/* Runs sql with the query's parameters (and the page's limit and offset when per_page):
 * the count into *total, or the page's items into items. Planned with its values
 * (store_prepare_planned): the filter decides the plan. */
static int list_run(store_conn *c, const list_query *q, const char *sql, const actor *who,
		    int64_t per_page, int64_t offset, int64_t *total, strbuf *items, err *e)
{
	store_stmt *st = store_prepare_planned(c, sql, e);
	if (!st)
		return -1;
	list_bind(st, q, per_page, offset);
	int rc;
	if (per_page) {
		rc = write_page_rows(st, who, items, e);
	} else {
		while ((rc = store_step(st, e)) == 1)
			*total = store_col_int(st, 0);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

/* Writes the page whose ids ids_sql selects (with the query's parameters, then LIMIT ?
 * OFFSET ?), in the order order, into items.
 *
 * On SQLite the rows come from one statement, `c.id IN (ids_sql)`. On PostgreSQL the ids
 * come first, planned with the filter's values (store_prepare_planned), then the rows by
 * `c.id = ANY (CAST(? AS bigint[]))`: the rows' statement, nine tables joined, is then
 * the same text for every filter and page, and the server plans it once for the
 * connection (a generic plan: 20 lookups by key). Inside one statement (`= ANY
 * (ARRAY(ids_sql))`) the whole join was planned again with the filter. */
static int list_page(store_conn *c, store *s, const list_query *q, const char *ids_sql,
		     const char *order, const actor *who, int64_t per_page, int64_t offset,
		     strbuf *items, err *e)
{
	if (store_kind(s) != STORE_POSTGRES) {
		char *sql =
			xasprintf(APPEAL_SELECT " WHERE c.id IN (%s) ORDER BY %s", ids_sql, order);
		int rc = list_run(c, q, sql, who, per_page, offset, NULL, items, e);
		free(sql);
		return rc;
	}
	store_stmt *st = store_prepare_planned(c, ids_sql, e);
	if (!st)
		return -1;
	list_bind(st, q, per_page, offset);
	strbuf ids = STRBUF_INIT;
	strbuf_addch(&ids, '{');
	int rc, n = 0;
	while ((rc = store_step(st, e)) == 1)
		strbuf_addf(&ids, "%s%lld", n++ ? "," : "", (long long)store_col_int(st, 0));
	store_done(st);
	strbuf_addch(&ids, '}');
	if (rc == 0 && n > 0) {
		char *sql = xasprintf(APPEAL_COLUMNS APPEAL_FROM_PG_PAGE
				      " WHERE c.id = ANY (CAST(? AS bigint[])) ORDER BY %s",
				      order);
		st = store_prepare(c, sql, e);
		free(sql);
		if (!st) {
			rc = -1;
		} else {
			store_bind_text(st, 1, strbuf_str(&ids));
			rc = write_page_rows(st, who, items, e);
			store_done(st);
		}
	}
	strbuf_release(&ids);
	return rc < 0 ? -1 : 0;
}

/* Whether f filters by nothing but states and a handling unit (the lists the counters of
 * migration 021 answer). */
static bool filter_is_area_only(const appeal_filter *f)
{
	return !f->channel && !f->type && !f->q && !f->phone && !f->category_id && !f->from &&
	       !f->to && !f->overdue && !f->urgent && !f->by_deadline;
}

/* The list from the area tables of migration 021 (appeal_area, appeal_area_counts) when
 * the filter is an area, states and perhaps a handling unit: the page is a walk of the
 * newest case ids of the unit's rows in appeal_area, reading no case but the page's, and
 * the total the sum of the counters of (unit, state) — exact, never capped. For a
 * handling unit outside the area (a city bureau in a district's list) the page walks the
 * area's rows of the bureau's units and the total counts them, capped as list_where's
 * count is. For the whole tree without a unit only the total is taken: its page is a walk
 * of cases_kind_id or cases_kind_status already. Sets *counted when *total is known
 * (*exact when it needs no cap) and *paged when the page's items were written; what is
 * not done, list_where's queries do (*implied: without the area condition, the handling
 * unit lying inside the area). Same rows in the same order as those, and the same
 * total where theirs was not capped. */
static int list_from_area(store_conn *c, store *s, const actor *who, const appeal_filter *f,
			  int64_t page, int64_t per_page, strbuf *items, int64_t *total,
			  bool *counted, bool *exact, bool *paged, bool *implied, err *e)
{
	*counted = *exact = *paged = *implied = false;
	if (!filter_is_area_only(f) || !strcmp(who->unit_path, "/"))
		return 0;
	bool whole = area_is_whole_tree(c, who->unit_path);
	int64_t unit = path_last_id(who->unit_path);
	bool outside = false; /* the handling unit lies outside the area */
	bool below = false;   /* and has units under it */
	char upath[SCOPE_PATH_MAX], uhi[SCOPE_PATH_MAX];
	if (f->unit_id) {
		err e2 = {0};
		if (unit_path(c, f->unit_id, upath, sizeof upath, &e2) < 0) {
			if (e2.kind != ERR_NOT_FOUND) {
				if (e)
					*e = e2;
				return -1;
			}
			return 0; /* list_where answers: nothing matches */
		}
		/* Handled under a unit inside the area is inside the area. */
		outside = !whole && strncmp(upath, who->unit_path, strlen(who->unit_path)) != 0;
		if (outside) {
			scope_upper(upath, uhi, sizeof uhi);
			int64_t n = 0;
			if (store_query_int(
				    c, &n, 0, e,
				    "SELECT COUNT(*) FROM (SELECT 1 FROM units WHERE path > ?"
				    " AND path < ? LIMIT 1) x",
				    "ss", upath, uhi) < 0)
				return -1;
			below = n > 0;
		} else {
			unit = f->unit_id;
		}
	}
	list_query q = {.where = STRBUF_INIT};
	q_int(&q, unit);
	if (outside) {
		if (below) {
			strbuf_adds(&q.where, " AND handler_id IN (SELECT id FROM units"
					      " WHERE path >= ? AND path < ?)");
			q_text(&q, upath), q_text(&q, uhi);
		} else {
			strbuf_adds(&q.where, " AND handler_id = ?");
			q_int(&q, f->unit_id);
		}
	}
	if (f->statuses) {
		strbuf_adds(&q.where, " AND status IN (");
		int n = 0;
		for (const char *const *st = statuses; *st; st++)
			if (comma_list_has(f->statuses, *st)) {
				strbuf_adds(&q.where, n++ ? ", ?" : "?");
				q_text(&q, *st);
			}
		strbuf_adds(&q.where, n ? ")" : "'')");
	}
	int rc = 0;
	if (q.full)
		rc = err_set(e, ERR_INTERNAL, "too_many_parameters", NULL, "查询条件过多");
	char *count_sql =
		outside ? xasprintf("SELECT COUNT(*) FROM (SELECT 1 FROM appeal_area"
				    " WHERE unit_id = ?%s LIMIT %lld) x",
				    strbuf_str(&q.where), (long long)APPEAL_LIST_TOTAL_CAP + 1)
			: xasprintf("SELECT COALESCE(SUM(%s), 0) FROM appeal_area_counts"
				    " WHERE unit_id = ?%s",
				    f->unit_id ? "handled" : "area", strbuf_str(&q.where));
	char *ids_sql =
		xasprintf("SELECT case_id FROM appeal_area WHERE unit_id = ?%s%s"
			  " ORDER BY case_id DESC LIMIT ? OFFSET ?",
			  f->unit_id && !outside ? " AND handled = 1" : "", strbuf_str(&q.where));
	if (rc == 0)
		rc = list_run(c, &q, count_sql, who, 0, 0, total, items, e);
	*counted = rc == 0;
	*exact = *counted && !outside;
	/* Which page walk reads fewest rows. appeal_area has no index but its key (each one
	 * cost a write per row on every intake), so states are tested on the unit's rows:
	 * with a handling unit inside the area and states, the index cases_kind_status_handler
	 * (list_where, the area condition left out: handled there is inside the area) reads
	 * only matching ids; and states that are rare in the area (the open ones in a
	 * district) are found faster through cases_kind_status, as before. */
	bool walk = !whole || f->unit_id;
	if (rc == 0 && walk && f->statuses && !outside) {
		if (f->unit_id) {
			walk = false;
			*implied = true;
		} else {
			int64_t all = 0;
			if (store_query_int(c, &all, 0, e,
					    "SELECT COALESCE(SUM(area), 0) FROM appeal_area_counts"
					    " WHERE unit_id = ?",
					    "i", unit) < 0)
				rc = -1;
			walk = *total * 4 >= all;
		}
	}
	if (rc == 0 && walk) {
		rc = list_page(c, s, &q, ids_sql, "c.id DESC", who, per_page, (page - 1) * per_page,
			       items, e);
		*paged = rc == 0;
	}
	free(count_sql);
	free(ids_sql);
	q_release(&q);
	return rc;
}

int appeal_list(store_conn *c, store *s, const actor *who, const appeal_filter *f, int64_t page,
		int64_t per_page, strbuf *out, err *e)
{
	list_query q = {.where = STRBUF_INIT};
	int64_t total = 0, cap = APPEAL_LIST_TOTAL_CAP;
	/* The page is written after the count, so items go to their own buffer. */
	strbuf items = STRBUF_INIT;
	bool counted = false, exact = false, paged = false, implied = false;
	int rc = list_from_area(c, s, who, f, page, per_page, &items, &total, &counted, &exact,
				&paged, &implied, e);
	if (rc == 0 && !paged)
		rc = list_where(c, s, who, f, implied, &q, e);
	if (rc == 0 && !paged && !q.empty) {
		/* The count stops past APPEAL_LIST_TOTAL_CAP: counting a million appeals on
		 * every page cost more than the page itself. */
		cap = q.fts ? APPEAL_SEARCH_TOTAL_CAP : APPEAL_LIST_TOTAL_CAP;
		/* CROSS JOIN keeps the search index the outer loop (SQLite's rule). */
		static const char fts_from[] = " FROM fts_case CROSS JOIN cases c"
					       " ON c.id = fts_case.rowid";
		char *count_sql =
			xasprintf("SELECT COUNT(*) FROM (SELECT 1%s%s%s LIMIT %lld) x",
				  q.fts_outer ? fts_from : " FROM cases c",
				  q.need_appeals ? " JOIN appeals a ON a.case_id = c.id" : "",
				  strbuf_str(&q.where), (long long)cap + 1);
		/* The page's ids first, from the narrow query (an index walk, or a sort of
		 * the matching ids alone), then their rows with every join: sorting the joined
		 * rows of 38,000 matches took half a second. */
		const char *order =
			f->by_deadline ? "CASE WHEN c.status IN ('closed', 'merged') THEN 1 ELSE 0"
					 " END, CASE WHEN c.signed_at IS NULL THEN c.sign_due_at"
					 " ELSE c.finish_due_at END, c.id"
				       : "c.id DESC";
		char *ids_sql = xasprintf(
			"SELECT c.id%s%s%s ORDER BY %s LIMIT ? OFFSET ?",
			q.fts_outer ? fts_from : " FROM cases c",
			q.need_appeals ? " JOIN appeals a ON a.case_id = c.id" : "",
			strbuf_str(&q.where), q.fts_outer ? "fts_case.rowid DESC" : order);
		if (!counted)
			rc = list_run(c, &q, count_sql, who, 0, 0, &total, &items, e);
		if (rc == 0)
			rc = list_page(c, s, &q, ids_sql, order, who, per_page,
				       (page - 1) * per_page, &items, e);
		free(count_sql);
		free(ids_sql);
	}
	bool capped = !exact && total > cap;
	if (capped)
		total = cap;
	if (rc == 0) {
		jw_open(out, '{');
		jw_key(out, "items");
		jw_open(out, '[');
		jw_raw(out, items.len ? items.buf : "", items.len);
		jw_close(out, ']');
		jw_key(out, "total");
		jw_int(out, total);
		jw_key(out, "total_capped");
		jw_bool(out, capped);
		jw_key(out, "page");
		jw_int(out, page);
		jw_key(out, "per_page");
		jw_int(out, per_page);
		jw_close(out, '}');
	}
	strbuf_release(&items);
	q_release(&q);
	return rc;
}

/* ---- the list's area tables (migration 021): recount and rebuild ---- */

/* appeal_area as the cases' paths make it: a row per appeal and per unit on its region's
 * or its handler's path. */
static const char area_recount_sqlite[] =
	"SELECT u AS unit_id, id AS case_id, status, MAX(h) AS handled, handler_id FROM ("
	"SELECT j.value AS u, c.id AS id, c.status AS status, 0 AS h, c.handler_id AS handler_id"
	" FROM cases c, json_each('[' || replace(trim(COALESCE(c.region_path, ''), '/'), '/',"
	" ',') || ']') j WHERE c.kind = 'appeal'"
	" UNION ALL SELECT j.value, c.id, c.status, 1, c.handler_id"
	" FROM cases c, json_each('[' || replace(trim(COALESCE(c.handler_path, ''), '/'), '/',"
	" ',') || ']') j WHERE c.kind = 'appeal') x WHERE 1 GROUP BY u, id, status, handler_id";
static const char area_recount_pg[] =
	"SELECT m.u AS unit_id, c.id AS case_id, c.status AS status, m.h AS handled, c.handler_id"
	" FROM cases c, LATERAL appeal_area_members(c.region_path, c.handler_path) m"
	" WHERE c.kind = 'appeal'";

static const char *area_recount(store *s)
{
	return store_kind(s) == STORE_POSTGRES ? area_recount_pg : area_recount_sqlite;
}

int appeal_area_verify(store *s, store_conn *c, int64_t *wrong, err *e)
{
	const char *rc = area_recount(s);
	char *counts = xasprintf("SELECT unit_id, status, COUNT(*) AS area, SUM(handled) AS handled"
				 " FROM (%s) r GROUP BY unit_id, status",
				 rc);
	static const char stored_rows[] =
		"SELECT unit_id, case_id, status, handled, handler_id FROM appeal_area";
	static const char stored_counts[] =
		"SELECT unit_id, status, area, handled"
		" FROM appeal_area_counts WHERE area <> 0 OR handled <> 0";
	char *q[4] = {
		xasprintf("SELECT COUNT(*) FROM (%s EXCEPT %s) x", stored_rows, rc),
		xasprintf("SELECT COUNT(*) FROM (%s EXCEPT %s) x", rc, stored_rows),
		xasprintf("SELECT COUNT(*) FROM (%s EXCEPT %s) x", stored_counts, counts),
		xasprintf("SELECT COUNT(*) FROM (%s EXCEPT %s) x", counts, stored_counts),
	};
	int r = 0;
	*wrong = 0;
	for (int i = 0; i < 4 && r == 0; i++) {
		int64_t n = 0;
		r = store_query_int(c, &n, 0, e, q[i], NULL) < 0 ? -1 : 0;
		*wrong += n;
	}
	for (int i = 0; i < 4; i++)
		free(q[i]);
	free(counts);
	return r;
}

int appeal_area_rebuild(store *s, store_conn *c, err *e)
{
	char *rows = xasprintf("INSERT INTO appeal_area (unit_id, case_id, status, handled,"
			       " handler_id) %s",
			       area_recount(s));
	int r = store_exec(c, e, "DELETE FROM appeal_area", NULL) < 0 ||
				store_exec(c, e, "DELETE FROM appeal_area_counts", NULL) < 0 ||
				store_exec(c, e, rows, NULL) < 0 ||
				store_exec(c, e,
					   "INSERT INTO appeal_area_counts (unit_id, status, area, "
					   "handled)"
					   " SELECT unit_id, status, COUNT(*), SUM(handled) FROM "
					   "appeal_area"
					   " GROUP BY unit_id, status",
					   NULL) < 0
			? -1
			: 0;
	free(rows);
	return r;
}
