/* Review meetings (调度会): date, host, sites visited, attendees, summary and decisions —
 * each decision a task with an owner unit and a deadline, or a key issue to raise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "org/audit.h"
#include "reviews/review.h"
#include "reviews/review_internal.h"

static int meeting_scheme(store_conn *c, int64_t meeting_id, int64_t *scheme, err *e)
{
	if (store_query_int(c, scheme, 0, e, "SELECT scheme_id FROM review_meetings WHERE id = ?",
			    "i", meeting_id) < 0)
		return -1;
	return *scheme ? 0 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "调度会不存在");
}

/* Loads the scheme for who: 404 when not visible; 403 when organize and who does not. */
static int scheme_as(store_conn *c, const actor *who, int64_t id, bool organize, err *e)
{
	rv_scheme s;
	bool yes = false;
	int rc = rv_scheme_load(c, id, &s, e);
	if (rc == 0)
		rc = rv_scheme_visible(c, who, &s, &yes, e);
	if (rc == 0 && !yes)
		rc = err_set(e, ERR_NOT_FOUND, "not_found", NULL, "考核方案不存在");
	if (rc == 0 && organize && !rv_organizes(who, &s))
		rc = err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有组织单位可以记录调度会");
	rv_scheme_free(&s);
	return rc;
}

static char *text_array(json_t *body, const char *key)
{
	json_t *a = json_object_get(body, key);
	return a ? json_dumps(a, JSON_COMPACT) : xstrdup("[]");
}

static int save_decisions(store_conn *c, int64_t meeting, json_t *decisions, err *e)
{
	if (store_exec(c, e, "DELETE FROM review_decisions WHERE meeting_id = ?", "i", meeting) < 0)
		return -1;
	size_t i;
	json_t *d;
	json_array_foreach(decisions, i, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		if (store_exec(
			    c, e,
			    "INSERT INTO review_decisions (meeting_id, text, kind, owner_unit_id,"
			    " deadline, status, key_issue_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
			    "issnssn", meeting, json_string_value(json_object_get(d, "text")),
			    kind ? kind : "task",
			    (int64_t)json_integer_value(json_object_get(d, "owner_unit_id")),
			    json_string_value(json_object_get(d, "deadline")),
			    json_string_value(json_object_get(d, "status"))
				    ? json_string_value(json_object_get(d, "status"))
				    : "open",
			    (int64_t)json_integer_value(json_object_get(d, "key_issue_id"))) < 0)
			return -1;
	}
	return 0;
}

int review_meeting_save(store_conn *c, const actor *who, int64_t scheme_id, int64_t meeting_id,
			json_t *body, int64_t *id, err *e)
{
	if (meeting_id && meeting_scheme(c, meeting_id, &scheme_id, e) < 0)
		return -1;
	if (scheme_as(c, who, scheme_id, true, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	if (!meeting_id) {
		store_stmt *st;
		int rc = store_query_row(
			c, &st, e,
			"INSERT INTO review_meetings (scheme_id, held_on, title, sites, attendees,"
			" created_by, created_at, updated_at) VALUES (?, ?, ?, '[]', '[]', ?, ?, ?)"
			" RETURNING id",
			"issiii", scheme_id, json_string_value(json_object_get(body, "held_on")),
			json_string_value(json_object_get(body, "title")), who->user_id, now, now);
		if (rc <= 0)
			return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal", NULL, "未能保存");
		meeting_id = store_col_int(st, 0);
		store_done(st);
		/* The host defaults to the confirmed host: of the period given, else of the
		 * scheme's latest period that has one. */
		if (!json_object_get(body, "host_unit_id")) {
			int64_t pid = json_integer_value(json_object_get(body, "period_id")), host;
			if ((pid ? store_query_int(c, &host, 0, e,
						   "SELECT host_unit_id FROM review_periods"
						   " WHERE id = ? AND scheme_id = ?",
						   "ii", pid, scheme_id)
				 : store_query_int(
					   c, &host, 0, e,
					   "SELECT host_unit_id FROM review_periods"
					   " WHERE scheme_id = ? AND host_unit_id IS NOT NULL"
					   " ORDER BY from_at DESC LIMIT 1",
					   "i", scheme_id)) < 0)
				return -1;
			if (host &&
			    store_exec(c, e,
				       "UPDATE review_meetings SET host_unit_id = ? WHERE id = ?",
				       "ii", host, meeting_id) < 0)
				return -1;
		}
	}
	*id = meeting_id;
	char *sites = text_array(body, "sites"), *attendees = text_array(body, "attendees");
	json_t *h = json_object_get(body, "host_unit_id"),
	       *pid = json_object_get(body, "period_id");
	int64_t rc = store_exec(
		c, e,
		"UPDATE review_meetings SET held_on = COALESCE(?, held_on), title = COALESCE(?, "
		"title),"
		" host_unit_id = CASE WHEN ? = 1 THEN ? ELSE host_unit_id END,"
		" period_id = CASE WHEN ? = 1 THEN ? ELSE period_id END,"
		" sites = CASE WHEN ? = 1 THEN ? ELSE sites END,"
		" attendees = CASE WHEN ? = 1 THEN ? ELSE attendees END,"
		" summary = COALESCE(?, summary), updated_at = ? WHERE id = ?",
		"ssininisissii", json_string_value(json_object_get(body, "held_on")),
		json_string_value(json_object_get(body, "title")), (int64_t)(h != NULL),
		(int64_t)json_integer_value(h), (int64_t)(pid != NULL),
		(int64_t)json_integer_value(pid), (int64_t)(json_object_get(body, "sites") != NULL),
		sites, (int64_t)(json_object_get(body, "attendees") != NULL), attendees,
		json_string_value(json_object_get(body, "summary")), now, meeting_id);
	free(sites);
	free(attendees);
	if (rc < 0)
		return -1;
	json_t *decisions = json_object_get(body, "decisions");
	if (decisions && save_decisions(c, meeting_id, decisions, e) < 0)
		return -1;
	return audit_append(c, who, "review_meeting_save", "review_meeting", meeting_id, body, e);
}

int review_meeting_delete(store_conn *c, const actor *who, int64_t meeting_id, err *e)
{
	int64_t scheme;
	if (meeting_scheme(c, meeting_id, &scheme, e) < 0 || scheme_as(c, who, scheme, true, e) < 0)
		return -1;
	if (store_exec(c, e, "DELETE FROM review_decisions WHERE meeting_id = ?", "i", meeting_id) <
		    0 ||
	    store_exec(c, e, "DELETE FROM review_meetings WHERE id = ?", "i", meeting_id) < 0)
		return -1;
	return audit_append(c, who, "review_meeting_delete", "review_meeting", meeting_id, NULL, e);
}

static int decisions_json(store_conn *c, int64_t meeting, json_t *o, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT d.id, d.text, d.kind, d.owner_unit_id, u.name, d.deadline, d.status,"
		" d.key_issue_id FROM review_decisions d LEFT JOIN units u ON u.id = "
		"d.owner_unit_id"
		" WHERE d.meeting_id = ? ORDER BY d.id",
		e);
	if (!st)
		return -1;
	store_bindf(st, "i", meeting);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *d =
			json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0),
				  "text", store_col_text(st, 1), "kind", store_col_text(st, 2),
				  "status", store_col_text(st, 6));
		json_object_set_new(d, "owner_unit_id",
				    store_col_null(st, 3) ? json_null()
							  : json_integer(store_col_int(st, 3)));
		json_object_set_new(d, "owner_unit_name", json_string(store_col_text(st, 4)));
		json_object_set_new(d, "deadline",
				    store_col_null(st, 5) ? json_null()
							  : json_string(store_col_text(st, 5)));
		json_object_set_new(d, "key_issue_id",
				    store_col_null(st, 7) ? json_null()
							  : json_integer(store_col_int(st, 7)));
		json_array_append_new(arr, d);
	}
	store_done(st);
	json_object_set_new(o, "decisions", arr);
	return rc < 0 ? -1 : 0;
}

#define MEETING_SQL                                                                                \
	"SELECT m.id, m.scheme_id, m.period_id, m.held_on, m.host_unit_id, u.name, m.title,"       \
	" m.sites, m.attendees, m.summary, p.period_key FROM review_meetings m"                    \
	" LEFT JOIN units u ON u.id = m.host_unit_id"                                              \
	" LEFT JOIN review_periods p ON p.id = m.period_id"

static json_t *meeting_row(store_stmt *st)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0),
			      "scheme_id", (json_int_t)store_col_int(st, 1), "held_on",
			      store_col_text(st, 3), "title", store_col_text(st, 6),
			      "host_unit_name", store_col_text(st, 5));
	json_object_set_new(o, "period_id",
			    store_col_null(st, 2) ? json_null()
						  : json_integer(store_col_int(st, 2)));
	json_object_set_new(o, "period",
			    store_col_null(st, 10) ? json_null()
						   : json_string(store_col_text(st, 10)));
	json_object_set_new(o, "host_unit_id",
			    store_col_null(st, 4) ? json_null()
						  : json_integer(store_col_int(st, 4)));
	json_t *sites = json_loads(store_col_text(st, 7), 0, NULL);
	json_t *attendees = json_loads(store_col_text(st, 8), 0, NULL);
	json_object_set_new(o, "sites", sites ? sites : json_array());
	json_object_set_new(o, "attendees", attendees ? attendees : json_array());
	json_object_set_new(o, "summary",
			    store_col_null(st, 9) ? json_null()
						  : json_string(store_col_text(st, 9)));
	return o;
}

int review_meeting_get(store_conn *c, const actor *who, int64_t meeting_id, json_t **out, err *e)
{
	int64_t scheme;
	if (meeting_scheme(c, meeting_id, &scheme, e) < 0 ||
	    scheme_as(c, who, scheme, false, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, MEETING_SQL " WHERE m.id = ?", "i", meeting_id);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "调度会不存在");
	json_t *o = meeting_row(st);
	store_done(st);
	if (decisions_json(c, meeting_id, o, e) < 0) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

int review_meeting_list(store_conn *c, const actor *who, int64_t scheme_id, json_t **out, err *e)
{
	if (scheme_as(c, who, scheme_id, false, e) < 0)
		return -1;
	store_stmt *st = store_prepare(
		c, MEETING_SQL " WHERE m.scheme_id = ? ORDER BY m.held_on DESC, m.id DESC", e);
	if (!st)
		return -1;
	store_bindf(st, "i", scheme_id);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, meeting_row(st));
	store_done(st);
	size_t i;
	json_t *m;
	json_array_foreach(arr, i, m)
	{
		if (rc == 0 &&
		    decisions_json(c, json_integer_value(json_object_get(m, "id")), m, e) < 0)
			rc = -1;
	}
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)json_array_size(arr));
	return 0;
}
