/* Service requests: registration at a station, reading (masked), lists, and the citizen's
 * page (lookup by number and phone, rating). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "org/audit.h"
#include "org/privacy.h"
#include "services/service.h"
#include "services/service_internal.h"

/* ---- shared helpers ---- */

int svc_req_load(store_conn *c, int64_t id, svc_req *q, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT mode, station_id, hall_id, due_at, entrusted_at, missing"
				 " FROM svc_requests WHERE case_id = ?",
				 "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "服务申请不存在")
			       : -1;
	memset(q, 0, sizeof *q);
	snprintf(q->mode, sizeof q->mode, "%s", store_col_text(st, 0));
	q->station_id = store_col_int(st, 1);
	q->hall_id = store_col_null(st, 2) ? 0 : store_col_int(st, 2);
	q->due_at = store_col_null(st, 3) ? 0 : store_col_int(st, 3);
	q->entrusted = !store_col_null(st, 4);
	q->missing = !store_col_null(st, 5);
	store_done(st);
	return 0;
}

int svc_hall_for(store_conn *c, const char *path, int64_t *hall, err *e)
{
	*hall = 0;
	/* The ancestors of path, nearest first. */
	int64_t ids[32];
	int n = 0;
	for (const char *p = path + 1; *p && n < 32;) {
		ids[n++] = strtoll(p, NULL, 10);
		const char *slash = strchr(p, '/');
		p = slash ? slash + 1 : p + strlen(p);
	}
	for (int i = n - 1; i >= 0; i--) {
		if (store_query_int(c, hall, 0, e,
				    "SELECT unit_id FROM svc_halls WHERE region_id = ?", "i",
				    ids[i]) < 0)
			return -1;
		if (*hall)
			return 0;
	}
	return 0;
}

int svc_string_list(json_t *o, const char *key, bool required, json_t **out, err *e)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return required ? err_set(e, ERR_INVALID, "missing_field", key, "请列出%s",
					  !strcmp(key, "missing") ? "所缺材料"
					  : !strcmp(key, "modes") ? "服务方式"
								  : "材料")
				: 0;
	if (!json_is_array(v))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", key, "%s 须为字符串数组", key);
	size_t n = json_array_size(v);
	if ((required && n == 0) || n > SVC_MATERIALS_MAX)
		return err_set(e, ERR_INVALID, "out_of_range", key, "%s 须有 1 到 %d 项", key,
			       SVC_MATERIALS_MAX);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(v, i));
		long len = s ? jv_utf8_chars(s) : -1;
		if (!s) {
			json_decref(list);
			return err_set(e, ERR_BAD_REQUEST, "invalid_type", key,
				       "%s 的每一项须为字符串", key);
		}
		while (*s == ' ')
			s++;
		if (len <= 0 || !*s || len > SVC_MATERIAL_MAX || jv_has_control(s, false)) {
			json_decref(list);
			return err_set(e, ERR_INVALID, "invalid_value", key,
				       "%s 的每一项须为 1 到 %d 个字的文字", key, SVC_MATERIAL_MAX);
		}
		json_array_append_new(list, json_string(s));
	}
	*out = list;
	return 0;
}

json_t *svc_json_array(const char *text)
{
	json_t *v = text && *text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_array(v)) {
		json_decref(v);
		return json_array();
	}
	return v;
}

void svc_phone_digits(const char *in, char *out, size_t n)
{
	size_t k = 0;
	for (const char *q = in ? in : ""; *q && k + 1 < n; q++)
		if (isdigit((unsigned char)*q) || (*q == '+' && k == 0))
			out[k++] = *q;
	out[k] = '\0';
}

static void set_time(json_t *o, const char *key, store_stmt *st, int col)
{
	if (store_col_null(st, col)) {
		json_object_set_new(o, key, json_null());
		return;
	}
	char iso[40];
	clock_format_iso(store_col_int(st, col), iso, sizeof iso);
	json_object_set_new(o, key, json_string(iso));
}

static void set_text(json_t *o, const char *key, store_stmt *st, int col)
{
	json_object_set_new(o, key,
			    store_col_null(st, col) ? json_null()
						    : json_string(store_col_text(st, col)));
}

static void set_int(json_t *o, const char *key, store_stmt *st, int col)
{
	json_object_set_new(o, key,
			    store_col_null(st, col) ? json_null()
						    : json_integer(store_col_int(st, col)));
}

/* ---- registration ---- */

/* The modes station unit_id offers for item: its own row, else the catalogue's. */
static int station_modes(store_conn *c, int64_t unit_id, int64_t item_id, const char *item_modes,
			 json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e, "SELECT modes FROM svc_station_items WHERE unit_id = ? AND item_id = ?",
		"ii", unit_id, item_id);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		*out = svc_json_array(store_col_text(st, 0));
		store_done(st);
	} else {
		*out = svc_json_array(item_modes);
	}
	return 0;
}

static bool list_has(json_t *list, const char *word)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) if (json_is_string(v) &&
					   !strcmp(json_string_value(v), word)) return true;
	return false;
}

int svc_request_create(store_conn *c, const actor *who, const svc_input *in, int64_t *id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT kind, name FROM units WHERE id = ?", "i",
				 who->unit_id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_FORBIDDEN, "not_station", NULL, "您不在便民服务站")
			       : -1;
	const char *level = svc_level_of_kind(store_col_text(st, 0));
	store_done(st);
	if (!level)
		return err_set(e, ERR_FORBIDDEN, "not_station", NULL,
			       "只有村（社区）、乡镇（街道）、县（区）便民服务站可以受理");
	rc = store_query_row(c, &st, e,
			     "SELECT name, kind, promised_days, modes, materials FROM svc_items"
			     " WHERE id = ? AND active = 1",
			     "i", in->item_id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INVALID, "invalid_item", "item_id",
					 "服务事项不存在")
			       : -1;
	char name[256], kind[16];
	snprintf(name, sizeof name, "%s", store_col_text(st, 0));
	snprintf(kind, sizeof kind, "%s", store_col_text(st, 1));
	int promised = (int)store_col_int(st, 2);
	char *item_modes = strdup(store_col_text(st, 3));
	char *item_materials = strdup(store_col_text(st, 4));
	store_done(st);
	json_t *modes = NULL;
	rc = station_modes(c, who->unit_id, in->item_id, item_modes, &modes, e);
	free(item_modes);
	if (rc == 0 && !list_has(modes, in->mode))
		rc = err_set(e, ERR_INVALID, "mode_not_offered", "mode", "本站不提供该事项的%s服务",
			     !strcmp(in->mode, "immediate")	? "即办"
			     : !strcmp(in->mode, "accompanied") ? "陪办"
								: "代办");
	json_decref(modes);
	if (rc < 0) {
		free(item_materials);
		return -1;
	}
	/* 受理: the materials checked against the item's list; what is missing goes to 补正. */
	json_t *required = svc_json_array(item_materials);
	free(item_materials);
	json_t *missing = json_array();
	size_t i;
	json_t *v;
	if (in->materials)
		json_array_foreach(required, i,
				   v) if (!list_has(in->materials, json_string_value(v)))
			json_array_append(missing, v);
	json_decref(required);
	char *checked = json_dumps(in->materials ? in->materials : json_array(), JSON_COMPACT);
	char *miss = json_array_size(missing) ? json_dumps(missing, JSON_COMPACT) : NULL;

	int64_t now = clock_now_ms(), due = 0;
	char number[32], phone[32];
	svc_phone_digits(in->applicant_phone, phone, sizeof phone);
	case_new cn = {.machine = &service_machine,
		       .status = miss ? "correcting" : "received",
		       .region_id = who->unit_id,
		       .intake_unit_id = who->unit_id,
		       .title = name,
		       .content = in->note ? in->note : name,
		       .created_by = who->user_id,
		       .search_extra = in->applicant_name,
		       .at = now};
	rc = case_add_working_days(c, now, svc_due_days(kind, promised), &due, e) < 0 ||
			     case_create(c, who, &cn, id, number, e) < 0 ||
			     case_set_holder(c, *id, who->unit_id, now, e) < 0 ||
			     store_exec(c, e,
					"UPDATE cases SET finish_due_at = ?, finish_from = ? WHERE "
					"id = ?",
					"iii", due, now, *id) < 0 ||
			     store_exec(c, e,
					"INSERT INTO svc_requests (case_id, item_id, mode, "
					"applicant_name,"
					" applicant_phone, id_number, station_id, station_level,"
					" entrusted_at, materials_checked, missing, corrections, "
					"due_at)"
					" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					"iissssisnssii", *id, in->item_id, in->mode,
					in->applicant_name, phone, in->id_number, who->unit_id,
					level, !strcmp(in->mode, "proxy") ? now : 0, checked, miss,
					(int64_t)(miss != NULL), due) < 0
		     ? -1
		     : 0;
	if (rc == 0) {
		json_t *d =
			json_pack("{s:s, s:I, s:s, s:O}", "number", number, "item_id",
				  (json_int_t)in->item_id, "mode", in->mode, "missing", missing);
		rc = audit_append(c, who, "service_request_create", "service_request", *id, d, e);
		json_decref(d);
	}
	json_decref(missing);
	free(checked);
	free(miss);
	return rc;
}

/* ---- reading ---- */

#define REQ_SELECT                                                                                 \
	"SELECT c.id, c.number, c.status, c.created_at, c.updated_at, r.item_id, i.name,"          \
	" i.level, r.mode, r.applicant_name, r.applicant_phone, r.id_number, r.station_id,"        \
	" su.name, r.station_level, r.hall_id, hu.name, r.entrusted_at, r.materials_checked,"      \
	" r.missing, r.corrections, r.appointment_at, r.companion, r.sent_at, r.result,"           \
	" r.completed_at, r.done_at, r.due_at, r.on_time, r.archived_at, r.reported_at,"           \
	" r.revisited_at, r.revisit_notes, r.rating, r.rating_at, r.complaint_due_at,"             \
	" r.complaint_answer, r.answered_at, r.rectified_at, i.materials, i.kind,"                 \
	" i.promised_days, c.handler_id, c.region_path, c.handler_path, c.created_by,"             \
	" c.finish_due_at, c.finish_alert"                                                         \
	" FROM cases c JOIN svc_requests r ON r.case_id = c.id"                                    \
	" JOIN svc_items i ON i.id = r.item_id JOIN units su ON su.id = r.station_id"              \
	" LEFT JOIN units hu ON hu.id = r.hall_id"

/* Whether who serves the request (sees the applicant's numbers): the station's clerks,
 * the hall's staff it was sent to. */
static bool serves(const actor *who, const char *region_path, int64_t hall_id)
{
	if (actor_has(who, ROLE_STATION_STAFF) && scope_contains(who->unit_path, region_path))
		return true;
	return hall_id && who->unit_id == hall_id && actor_has(who, ROLE_UNIT_STAFF);
}

/* A row of REQ_SELECT as JSON; phone and ID number masked unless show. */
static json_t *req_json(store_stmt *st, bool show, bool brief)
{
	json_t *o = json_object();
	set_int(o, "id", st, 0);
	set_text(o, "number", st, 1);
	set_text(o, "status", st, 2);
	set_time(o, "created_at", st, 3);
	set_time(o, "updated_at", st, 4);
	json_object_set_new(o, "item",
			    json_pack("{s:I, s:s, s:s, s:s, s:I}", "id",
				      (json_int_t)store_col_int(st, 5), "name",
				      store_col_text(st, 6), "level", store_col_text(st, 7), "kind",
				      store_col_text(st, 40), "promised_days",
				      (json_int_t)store_col_int(st, 41)));
	set_text(o, "mode", st, 8);
	set_text(o, "applicant_name", st, 9);
	const char *phone = store_col_text(st, 10), *idn = store_col_text(st, 11);
	char masked[64];
	if (show) {
		json_object_set_new(o, "applicant_phone", json_string(phone));
	} else {
		privacy_mask_phone(phone, masked, sizeof masked);
		json_object_set_new(o, "applicant_phone", json_string(masked));
	}
	if (store_col_null(st, 11)) {
		json_object_set_new(o, "id_number", json_null());
	} else if (show) {
		json_object_set_new(o, "id_number", json_string(idn));
	} else {
		size_t n = strlen(idn);
		snprintf(masked, sizeof masked, "%.6s********%s", idn, n > 4 ? idn + n - 4 : "");
		json_object_set_new(o, "id_number", json_string(masked));
	}
	json_object_set_new(o, "masked", json_boolean(!show));
	json_object_set_new(o, "station",
			    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_col_int(st, 12),
				      "name", store_col_text(st, 13), "level",
				      store_col_text(st, 14)));
	json_object_set_new(o, "hall",
			    store_col_null(st, 15) ? json_null()
						   : json_pack("{s:I, s:s}", "id",
							       (json_int_t)store_col_int(st, 15),
							       "name", store_col_text(st, 16)));
	set_time(o, "due_at", st, 27);
	set_time(o, "done_at", st, 26);
	json_object_set_new(o, "on_time",
			    store_col_null(st, 28) ? json_null()
						   : json_boolean(store_col_int(st, 28) != 0));
	set_int(o, "rating", st, 33);
	json_object_set_new(o, "overdue", json_boolean(store_col_int(st, 47) >= 2));
	if (brief)
		return o;
	set_time(o, "entrusted_at", st, 17);
	json_object_set_new(o, "materials_checked", svc_json_array(store_col_text(st, 18)));
	json_object_set_new(o, "missing",
			    store_col_null(st, 19) ? json_array()
						   : svc_json_array(store_col_text(st, 19)));
	set_int(o, "corrections", st, 20);
	set_time(o, "appointment_at", st, 21);
	set_text(o, "companion", st, 22);
	set_time(o, "sent_at", st, 23);
	set_text(o, "result", st, 24);
	set_time(o, "completed_at", st, 25);
	set_time(o, "archived_at", st, 29);
	set_time(o, "reported_at", st, 30);
	set_time(o, "revisited_at", st, 31);
	set_text(o, "revisit_notes", st, 32);
	set_time(o, "rating_at", st, 34);
	json_t *cp = json_object();
	set_time(cp, "due_at", st, 35);
	set_text(cp, "answer", st, 36);
	set_time(cp, "answered_at", st, 37);
	set_time(cp, "rectified_at", st, 38);
	json_object_set_new(o, "complaint",
			    store_col_null(st, 35) ? (json_decref(cp), json_null()) : cp);
	json_object_set_new(o, "required_materials", svc_json_array(store_col_text(st, 39)));
	return o;
}

static bool may_read(const actor *who, const case_row *r, int64_t hall_id)
{
	if (actor_has(who, SVC_READ_ROLES) && case_visible(who, r))
		return true;
	return hall_id && who->unit_id == hall_id;
}

int svc_request_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	case_row row;
	svc_req q;
	if (case_load(c, id, &row, e) < 0 || strcmp(row.kind, "service_request") ||
	    svc_req_load(c, id, &q, e) < 0 || !may_read(who, &row, q.hall_id))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "服务申请不存在");
	store_stmt *st;
	int rc = store_query_row(c, &st, e, REQ_SELECT " WHERE c.id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "服务申请不存在")
			       : -1;
	json_t *o = req_json(st, serves(who, row.region_path, q.hall_id), false);
	store_done(st);
	json_t *tl;
	if (case_timeline_json(c, id, &tl, e) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "timeline", tl);
	json_object_set_new(o, "actions", case_allowed_actions(who, &service_machine, &row));
	*out = o;
	return 0;
}

int svc_request_list(store_conn *c, const actor *who, const svc_filter *f, int64_t page,
		     int64_t per_page, json_t **items, int64_t *total, err *e)
{
	char hi[SCOPE_PATH_MAX + 8];
	scope_upper(who->unit_path, hi, sizeof hi);
	const char *status = f->status ? f->status : "", *mode = f->mode ? f->mode : "";
	int64_t from = f->from, to = f->to ? f->to : INT64_MAX;
	const char *where = f->hall ? " WHERE c.kind = 'service_request' AND c.handler_id = ?"
				      " AND r.hall_id = c.handler_id"
				    : " WHERE c.kind = 'service_request' AND ((c.region_path >= ?"
				      " AND c.region_path < ?) OR r.hall_id = ?)";
	const char *rest = " AND (? = '' OR c.status = ?) AND (? = '' OR r.mode = ?)"
			   " AND c.created_at >= ? AND c.created_at < ?";
	char *sql = NULL;
	int rc;
	store_stmt *st;
	sql = xasprintf("SELECT COUNT(*) FROM cases c JOIN svc_requests r ON r.case_id = c.id%s%s",
			where, rest);
	if (f->hall)
		rc = store_query_int(c, total, 0, e, sql, "issssii", who->unit_id, status, status,
				     mode, mode, from, to);
	else
		rc = store_query_int(c, total, 0, e, sql, "ssissssii", who->unit_path, hi,
				     who->unit_id, status, status, mode, mode, from, to);
	free(sql);
	if (rc < 0)
		return -1;
	sql = xasprintf(REQ_SELECT "%s%s ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?",
			where, rest);
	st = store_prepare(c, sql, e);
	free(sql);
	if (!st)
		return -1;
	if (f->hall)
		store_bindf(st, "issssiiii", who->unit_id, status, status, mode, mode, from, to,
			    per_page, (page - 1) * per_page);
	else
		store_bindf(st, "ssissssiiii", who->unit_path, hi, who->unit_id, status, status,
			    mode, mode, from, to, per_page, (page - 1) * per_page);
	*items = json_array();
	while ((rc = store_step(st, e)) == 1) {
		int64_t hall = store_col_null(st, 15) ? 0 : store_col_int(st, 15);
		json_t *o = req_json(st, serves(who, store_col_text(st, 43), hall), true);
		json_array_append_new(*items, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return -1;
	}
	return 0;
}

/* ---- the citizen's page ---- */

static bool same_phone(const char *a, const char *b)
{
	char da[32], db[32];
	svc_phone_digits(a, da, sizeof da);
	svc_phone_digits(b, db, sizeof db);
	const char *x = da[0] == '+' ? da + 1 : da, *y = db[0] == '+' ? db + 1 : db;
	return strlen(x) >= 5 && !strcmp(x, y);
}

static int find_public(store_conn *c, const char *number, const char *phone, int64_t *id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT c.id, r.applicant_phone FROM cases c JOIN svc_requests r"
		" ON r.case_id = c.id WHERE c.number = ? AND c.kind = 'service_request'",
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
			       "没有找到该编号与电话对应的服务申请");
	return 0;
}

int svc_public_get(store_conn *c, const char *number, const char *phone, json_t **out, err *e)
{
	int64_t id;
	if (find_public(c, number, phone, &id, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, REQ_SELECT " WHERE c.id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "服务申请不存在")
			       : -1;
	json_t *full = req_json(st, false, false);
	store_done(st);
	/* What the citizen sees: their request's progress, the result, the rating and the
	 * answer to a complaint; no staff names, no ID number. */
	json_t *o = json_object();
	const char *keep[] = {"number",		"status",
			      "created_at",	"updated_at",
			      "item",		"mode",
			      "applicant_name", "applicant_phone",
			      "station",	"hall",
			      "due_at",		"done_at",
			      "entrusted_at",	"missing",
			      "appointment_at", "sent_at",
			      "result",		"completed_at",
			      "rating",		"rating_at",
			      "complaint",	"required_materials"};
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		json_object_set(o, keep[i], json_object_get(full, keep[i]));
	json_decref(full);
	const char *status = json_string_value(json_object_get(o, "status"));
	json_object_set_new(o, "may_rate",
			    json_boolean(!strcmp(status, "done") &&
					 json_is_null(json_object_get(o, "rating"))));
	/* The steps, as the timeline's actions and times. */
	json_t *tl;
	if (case_timeline_json(c, id, &tl, e) < 0) {
		json_decref(o);
		return -1;
	}
	json_t *steps = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(tl, i, v)
	{
		json_array_append_new(steps, json_pack("{s:O, s:O, s:O}", "action",
						       json_object_get(v, "action"), "to",
						       json_object_get(v, "to"), "at",
						       json_object_get(v, "at")));
	}
	json_decref(tl);
	json_object_set_new(o, "steps", steps);
	*out = o;
	return 0;
}

int svc_public_rate(store_conn *c, const char *number, const char *phone, int64_t rating,
		    const char *ip, err *e)
{
	int64_t id;
	if (find_public(c, number, phone, &id, e) < 0)
		return -1;
	actor citizen;
	memset(&citizen, 0, sizeof citizen);
	snprintf(citizen.username, sizeof citizen.username, "citizen");
	snprintf(citizen.unit_path, sizeof citizen.unit_path, "/");
	snprintf(citizen.ip, sizeof citizen.ip, "%s", ip ? ip : "");
	json_t *body = json_pack("{s:I}", "rating", (json_int_t)rating);
	int rc = case_act(c, &citizen, &service_machine, id, "rate", body, CASE_REL_CITIZEN, NULL,
			  e);
	json_decref(body);
	return rc;
}
