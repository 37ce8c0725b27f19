/* 智慧党建: the words, quotas as pure rules, the caller's party area, organizations,
 * members (steps, states, transfers), dues. */
#include "party/party.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "engine/case.h"
#include "org/audit.h"
#include "org/privacy.h"
#include "party/party_internal.h"

const char *const party_org_kinds[] = {"committee", "general_branch", "branch", "group", NULL};
const char *const party_activity_kinds[] = {"branch_meeting", "committee_meeting", "group_meeting",
					    "party_lecture",  "theme_day",	   NULL};
const char *const party_statuses[] = {"applicant",    "activist", "candidate",
				      "probationary", "full",	  NULL};
const char *const party_states[] = {"normal", "mobile", "lost", "transferring", NULL};

static int word_index(const char *const *words, const char *w)
{
	for (int i = 0; w && words[i]; i++)
		if (strcmp(words[i], w) == 0)
			return i;
	return -1;
}

int party_kind_index(const char *kind)
{
	return word_index(party_activity_kinds, kind);
}

/* ---- quotas ---- */

double party_quota_compute(const party_quota_rule rules[PARTY_KINDS], int months, int groups,
			   const int64_t held[PARTY_KINDS], int64_t required[PARTY_KINDS],
			   unsigned *missing)
{
	int64_t need = 0, done = 0;
	int group_kind = party_kind_index("group_meeting");
	*missing = 0;
	for (int k = 0; k < PARTY_KINDS; k++) {
		int64_t per = rules[k].quarterly ? (months + 2) / 3 : months;
		int64_t times = rules[k].times > 0 ? rules[k].times : 0;
		if (k == group_kind)
			times *= groups < 0 ? 1 : groups;
		else if (groups < 0)
			times = 0;
		required[k] = times * per;
		if (held[k] < required[k])
			*missing |= 1u << k;
		need += required[k];
		done += held[k] < required[k] ? held[k] : required[k];
	}
	return need ? (double)done / (double)need : 1.0;
}

int64_t party_month_start(int year, int month)
{
	while (month > 12) {
		month -= 12;
		year++;
	}
	char iso[40];
	snprintf(iso, sizeof iso, "%04d-%02d-01T00:00:00+08:00", year, month);
	int64_t ms = 0;
	clock_parse_iso(iso, &ms);
	return ms;
}

void party_period(int year, int quarter, int64_t *from, int64_t *to, int *months)
{
	int first = quarter >= 1 && quarter <= 4 ? (quarter - 1) * 3 + 1 : 1;
	*months = quarter >= 1 && quarter <= 4 ? 3 : 12;
	*from = party_month_start(year, first);
	*to = party_month_start(year, first + *months);
}

int party_months_due(int year, int quarter, int64_t now)
{
	int64_t from, to;
	int months, done = 0;
	party_period(year, quarter, &from, &to, &months);
	int first = quarter >= 1 && quarter <= 4 ? (quarter - 1) * 3 + 1 : 1;
	while (done < months && party_month_start(year, first + done + 1) <= now)
		done++;
	return done;
}

/* ---- the caller ---- */

int party_who_load(store_conn *c, const actor *who, party_who *w, err *e)
{
	memset(w, 0, sizeof *w);
	w->a = *who;
	store_stmt *st;
	int rc;
	if (actor_has(who, ROLE_UNIT_STAFF) && who->user_id) {
		rc = store_query_row(c, &st, e,
				     "SELECT r.path FROM party_departments d"
				     " JOIN units r ON r.id = d.region_id WHERE d.unit_id = ?",
				     "i", who->unit_id);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			w->dept = true;
			snprintf(w->a.unit_path, sizeof w->a.unit_path, "%s",
				 store_col_text(st, 0));
			store_done(st);
		}
	}
	if (!who->user_id) /* the command line: the whole tree, like the department */
		w->dept = true;
	if (actor_has(who, ROLE_PARTY_SECRETARY) && who->user_id) {
		rc = store_query_row(c, &st, e,
				     "SELECT id, path, COALESCE(branch_id, id) FROM party_orgs"
				     " WHERE secretary_user_id = ? ORDER BY LENGTH(path), id",
				     "i", who->user_id);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			w->lead_org = store_col_int(st, 0);
			snprintf(w->lead_path, sizeof w->lead_path, "%s", store_col_text(st, 1));
			w->lead_branch = store_col_int(st, 2);
			store_done(st);
		}
	}
	if (who->user_id) {
		rc = store_query_row(c, &st, e,
				     "SELECT m.id, m.org_id, COALESCE(o.branch_id, o.id), h.path"
				     " FROM party_members m JOIN party_orgs o ON o.id = m.org_id"
				     " LEFT JOIN units h ON h.id = m.home_unit_id"
				     " WHERE m.user_id = ?",
				     "i", who->user_id);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			w->member_id = store_col_int(st, 0);
			w->member_org = store_col_int(st, 1);
			w->member_branch = store_col_int(st, 2);
			snprintf(w->home_path, sizeof w->home_path, "%s", store_col_text(st, 3));
			store_done(st);
		}
	}
	return 0;
}

void party_area(const party_who *w, char *hi, size_t n)
{
	scope_upper(w->a.unit_path, hi, n);
}

bool party_manages(const party_who *w, const party_org *o)
{
	if (w->dept || actor_administers(&w->a, o->unit_path))
		return true;
	return w->lead_org && scope_contains(w->lead_path, o->path);
}

int party_require_manage(const party_who *w, const party_org *o, err *e)
{
	if (!party_manages(w, o))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有本组织书记或组织部可以执行此操作");
	return 0;
}

int party_org_load(store_conn *c, const party_who *w, int64_t id, party_org *o, err *e)
{
	char hi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT o.id, o.kind, o.path, COALESCE(o.branch_id, o.id),"
				 " o.unit_id, u.path, COALESCE(o.parent_id, 0), o.name,"
				 " COALESCE(o.secretary_user_id, 0)"
				 " FROM party_orgs o JOIN units u ON u.id = o.unit_id"
				 " WHERE o.id = ? AND u.path >= ? AND u.path < ?",
				 "iss", id, w->a.unit_path, hi);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "党组织不存在");
	memset(o, 0, sizeof *o);
	o->id = store_col_int(st, 0);
	snprintf(o->kind, sizeof o->kind, "%s", store_col_text(st, 1));
	snprintf(o->path, sizeof o->path, "%s", store_col_text(st, 2));
	o->branch_id = store_col_int(st, 3);
	o->unit_id = store_col_int(st, 4);
	snprintf(o->unit_path, sizeof o->unit_path, "%s", store_col_text(st, 5));
	o->parent_id = store_col_int(st, 6);
	snprintf(o->name, sizeof o->name, "%s", store_col_text(st, 7));
	o->secretary_user_id = store_col_int(st, 8);
	store_done(st);
	return 0;
}

json_t *party_time(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	char iso[40];
	clock_format_iso(store_col_int(st, col), iso, sizeof iso);
	return json_string(iso);
}

json_t *party_text_or_null(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

json_t *party_int_or_null(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_integer(store_col_int(st, col));
}

int64_t party_body_time(json_t *b, const char *key)
{
	json_t *v = json_object_get(b, key);
	int64_t ms = 0;
	if (json_is_string(v))
		clock_parse_iso(json_string_value(v), &ms);
	return ms;
}

const char *party_body_str(json_t *b, const char *key)
{
	json_t *v = json_object_get(b, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t party_body_int(json_t *b, const char *key)
{
	json_t *v = json_object_get(b, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* ---- organizations ---- */

#define ORG_COLS                                                                                   \
	"o.id, o.name, o.kind, o.parent_id, o.unit_id, u.name, o.secretary_name,"                  \
	" o.secretary_user_id, o.committee, o.term_start, o.term_end, o.path,"                     \
	" (SELECT COUNT(*) FROM party_members m JOIN party_orgs mo ON mo.id = m.org_id"            \
	" WHERE mo.path >= o.path AND mo.path < SUBSTR(o.path, 1, LENGTH(o.path) - 1) || '0'),"    \
	" o.branch_id"

static json_t *org_json(store_stmt *st, int64_t now)
{
	json_t *committee = json_loads(store_col_text(st, 8), 0, NULL);
	if (!json_is_array(committee)) {
		json_decref(committee);
		committee = json_array();
	}
	bool warn = !store_col_null(st, 10) &&
		    store_col_int(st, 10) < now + (int64_t)PARTY_TERM_WARN_DAYS * 86400000;
	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:s, s:I,"
			 " s:o}",
			 "id", (json_int_t)store_col_int(st, 0), "name", store_col_text(st, 1),
			 "kind", store_col_text(st, 2), "parent_id", party_int_or_null(st, 3),
			 "unit_id", (json_int_t)store_col_int(st, 4), "unit_name",
			 store_col_text(st, 5), "secretary_name", party_text_or_null(st, 6),
			 "secretary_user_id", party_int_or_null(st, 7), "committee", committee,
			 "term_start", party_time(st, 9), "term_end", party_time(st, 10),
			 "term_warning", warn, "path", store_col_text(st, 11), "members",
			 (json_int_t)store_col_int(st, 12), "branch_id", party_int_or_null(st, 13));
}

int party_org_list(store_conn *c, const party_who *w, json_t **items, err *e)
{
	char hi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	store_stmt *st = store_prepare(c,
				       "SELECT " ORG_COLS " FROM party_orgs o"
				       " JOIN units u ON u.id = o.unit_id"
				       " WHERE u.path >= ? AND u.path < ? ORDER BY o.path",
				       e);
	if (!st)
		return -1;
	store_bindf(st, "ss", w->a.unit_path, hi);
	*items = json_array();
	int64_t now = clock_now_ms();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(*items, org_json(st, now));
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

int party_org_get(store_conn *c, const party_who *w, int64_t id, json_t **out, err *e)
{
	party_org o;
	if (party_org_load(c, w, id, &o, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT " ORG_COLS " FROM party_orgs o"
				 " JOIN units u ON u.id = o.unit_id WHERE o.id = ?",
				 "i", id);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "党组织不存在");
	*out = org_json(st, clock_now_ms());
	store_done(st);
	return 0;
}

static int require_org_admin(const party_who *w, err *e)
{
	if (!w->dept && !actor_has(&w->a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有组织部或系统管理员可以维护党组织");
	return 0;
}

/* The unit an org is attached to must lie in the area (422 otherwise). */
static int unit_in_area(store_conn *c, const party_who *w, int64_t unit_id, const char *field,
			char *path, size_t n, err *e)
{
	char hi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT path FROM units WHERE id = ? AND path >= ? AND path < ?",
				 "iss", unit_id, w->a.unit_path, hi);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_INVALID, "invalid_unit", field, "单位不存在或不在辖区内");
	if (path)
		snprintf(path, n, "%s", store_col_text(st, 0));
	store_done(st);
	return 0;
}

/* A secretary named by user id must be a party secretary (422 otherwise). */
static int check_secretary(store_conn *c, int64_t user_id, err *e)
{
	int64_t n = 0;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM user_roles WHERE user_id = ?"
			    " AND role = 'party_secretary'",
			    "i", user_id) < 0)
		return -1;
	if (!n)
		return err_set(e, ERR_INVALID, "invalid_secretary", "secretary_user_id",
			       "书记须是具有党组织书记角色的用户");
	return 0;
}

static char *committee_text(json_t *b)
{
	json_t *v = json_object_get(b, "committee");
	return json_is_array(v) ? json_dumps(v, JSON_COMPACT) : NULL;
}

int party_org_create(store_conn *c, const party_who *w, json_t *b, int64_t *id, err *e)
{
	if (require_org_admin(w, e) < 0)
		return -1;
	const char *kind = party_body_str(b, "kind");
	int64_t parent = party_body_int(b, "parent_id"), unit = party_body_int(b, "unit_id");
	int64_t sec = party_body_int(b, "secretary_user_id");
	party_org p = {0};
	if (parent && party_org_load(c, w, parent, &p, e) < 0) {
		if (e->kind == ERR_NOT_FOUND)
			return err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
				       "上级党组织不存在");
		return -1;
	}
	if (strcmp(kind, "group") == 0 && (!parent || strcmp(p.kind, "group") == 0))
		return err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
			       "党小组须设在党支部之下");
	if (parent && strcmp(p.kind, "group") == 0)
		return err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
			       "党小组之下不能再设组织");
	if (unit_in_area(c, w, unit, "unit_id", NULL, 0, e) < 0 ||
	    (sec && check_secretary(c, sec, e) < 0))
		return -1;
	char *committee = committee_text(b);
	int64_t now = clock_now_ms();
	int rc = store_query_int(
		c, id, 0, e,
		"INSERT INTO party_orgs (name, kind, parent_id, unit_id, secretary_user_id,"
		" secretary_name, committee, term_start, term_end, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"ssnnnssnni", party_body_str(b, "name"), kind, parent, unit, sec,
		party_body_str(b, "secretary_name"), committee ? committee : "[]",
		party_body_time(b, "term_start"), party_body_time(b, "term_end"), now);
	free(committee);
	if (rc < 0)
		return -1;
	char path[SCOPE_PATH_MAX + 24];
	snprintf(path, sizeof path, "%s%lld/", parent ? p.path : "/", (long long)*id);
	if (strlen(path) >= SCOPE_PATH_MAX)
		return err_set(e, ERR_INVALID, "too_deep", "parent_id", "党组织层级过深");
	int64_t branch = strcmp(kind, "group") == 0 ? p.branch_id : *id;
	if (store_exec(c, e, "UPDATE party_orgs SET path = ?, branch_id = ? WHERE id = ?", "sii",
		       path, branch, *id) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s, s:I}", "name", party_body_str(b, "name"), "kind", kind,
			      "unit_id", (json_int_t)unit);
	rc = audit_append(c, &w->a, "party_org_create", "party_org", *id, d, e);
	json_decref(d);
	return rc;
}

int party_org_update(store_conn *c, const party_who *w, int64_t id, json_t *b, err *e)
{
	party_org o;
	if (party_org_load(c, w, id, &o, e) < 0 || require_org_admin(w, e) < 0)
		return -1;
	const char *name = party_body_str(b, "name");
	int64_t sec = party_body_int(b, "secretary_user_id");
	if (sec && check_secretary(c, sec, e) < 0)
		return -1;
	char *committee = committee_text(b);
	int64_t ts = party_body_time(b, "term_start"), te = party_body_time(b, "term_end");
	int rc = (int)store_exec(
		c, e,
		"UPDATE party_orgs SET name = COALESCE(CAST(? AS TEXT), name),"
		" secretary_user_id = CASE WHEN CAST(? AS BIGINT) = 0 THEN secretary_user_id"
		" ELSE CAST(? AS BIGINT) END,"
		" secretary_name = COALESCE(CAST(? AS TEXT), secretary_name),"
		" committee = COALESCE(CAST(? AS TEXT), committee),"
		" term_start = CASE WHEN CAST(? AS BIGINT) = 0 THEN term_start"
		" ELSE CAST(? AS BIGINT) END,"
		" term_end = CASE WHEN CAST(? AS BIGINT) = 0 THEN term_end"
		" ELSE CAST(? AS BIGINT) END WHERE id = ?",
		"siissiiiii", name, sec, sec, party_body_str(b, "secretary_name"), committee, ts,
		ts, te, te, id);
	free(committee);
	if (rc < 0)
		return -1;
	rc = audit_append(c, &w->a, "party_org_update", "party_org", id, b, e);
	return rc;
}

int party_term_warnings(store_conn *c, const party_who *w, int64_t now, json_t **items, err *e)
{
	char hi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	store_stmt *st =
		store_prepare(c,
			      "SELECT " ORG_COLS " FROM party_orgs o"
			      " JOIN units u ON u.id = o.unit_id"
			      " WHERE u.path >= ? AND u.path < ? AND o.term_end IS NOT NULL"
			      " AND o.term_end < ? ORDER BY o.term_end, o.id",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ssi", w->a.unit_path, hi, now + (int64_t)PARTY_TERM_WARN_DAYS * 86400000);
	*items = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(*items, org_json(st, now));
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

typedef struct term_job {
	int64_t now;
	int notified;
} term_job;

static int tx_term_notify(store_conn *c, void *ctx, err *e)
{
	term_job *j = ctx;
	j->notified = 0;
	int64_t limit = j->now + (int64_t)PARTY_TERM_WARN_DAYS * 86400000;
	store_stmt *st =
		store_prepare(c,
			      "SELECT id, unit_id, name, term_end FROM party_orgs"
			      " WHERE term_end IS NOT NULL AND term_end < ?"
			      " AND (term_warned_for IS NULL OR term_warned_for <> term_end)"
			      " ORDER BY id LIMIT 200",
			      e);
	if (!st)
		return -1;
	store_bind_int(st, 1, limit);
	struct {
		int64_t id, unit, end;
		char name[200];
	} rows[200];
	int n = 0, rc;
	while (n < 200 && (rc = store_step(st, e)) == 1) {
		rows[n].id = store_col_int(st, 0);
		rows[n].unit = store_col_int(st, 1);
		snprintf(rows[n].name, sizeof rows[n].name, "%s", store_col_text(st, 2));
		rows[n].end = store_col_int(st, 3);
		n++;
	}
	store_done(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char iso[40], body[400];
		clock_format_iso(rows[i].end, iso, sizeof iso);
		iso[10] = '\0';
		snprintf(body, sizeof body, "%s 本届任期于 %s 届满，请及时筹备换届。", rows[i].name,
			 iso);
		if (case_notify(c, rows[i].unit, 0, 0, "party_term", "党组织换届提醒", body, e) <
			    0 ||
		    store_exec(c, e,
			       "UPDATE party_orgs SET term_warned_for = term_end WHERE id = ?", "i",
			       rows[i].id) < 0)
			return -1;
		j->notified++;
	}
	return 0;
}

int party_term_notify(store *s, int64_t now, err *e)
{
	term_job j = {.now = now};
	if (store_write(s, tx_term_notify, &j, e) < 0)
		return -1;
	return j.notified;
}

/* ---- members ---- */

typedef struct member_row {
	int64_t id, org_id, user_id, transfer_to;
	int status;
	char state[16];
	int64_t status_since;
	party_org org;
} member_row;

/* Loads a member visible to w: its org (or the org it is transferring to) in the area. */
static int member_load(store_conn *c, const party_who *w, int64_t id, member_row *m, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT id, org_id, COALESCE(user_id, 0),"
				 " COALESCE(transfer_to_org_id, 0), status, state, status_since"
				 " FROM party_members WHERE id = ?",
				 "i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "党员不存在");
	memset(m, 0, sizeof *m);
	m->id = store_col_int(st, 0);
	m->org_id = store_col_int(st, 1);
	m->user_id = store_col_int(st, 2);
	m->transfer_to = store_col_int(st, 3);
	m->status = word_index(party_statuses, store_col_text(st, 4));
	snprintf(m->state, sizeof m->state, "%s", store_col_text(st, 5));
	m->status_since = store_col_int(st, 6);
	store_done(st);
	if (party_org_load(c, w, m->org_id, &m->org, e) == 0)
		return 0;
	if (e->kind != ERR_NOT_FOUND)
		return -1;
	party_org t;
	if (m->transfer_to && party_org_load(c, w, m->transfer_to, &t, e) == 0) {
		err_clear(e);
		return 0;
	}
	return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "党员不存在");
}

static int add_step(store_conn *c, const party_who *w, int64_t member, const char *status,
		    int64_t at, const char *note, err *e)
{
	return store_exec(c, e,
			  "INSERT INTO party_member_steps (member_id, status, at, by_user_id, note)"
			  " VALUES (?, ?, ?, ?, ?)",
			  "isins", member, status, at, w->a.user_id, note) < 0
		       ? -1
		       : 0;
}

/* Links a member to the login user_id (a party_member user, linked to no one else). */
static int link_user(store_conn *c, const party_who *w, int64_t member, int64_t user_id, err *e)
{
	int64_t n = 0, other = 0;
	if (store_query_int(
		    c, &n, 0, e,
		    "SELECT COUNT(*) FROM user_roles WHERE user_id = ? AND role = 'party_member'",
		    "i", user_id) < 0 ||
	    store_query_int(c, &other, 0, e,
			    "SELECT COALESCE(MAX(id), 0) FROM party_members WHERE user_id = ?"
			    " AND id <> ?",
			    "ii", user_id, member) < 0)
		return -1;
	if (!n)
		return err_set(e, ERR_INVALID, "invalid_user", "user_id",
			       "关联的账号须具有党员角色");
	if (other)
		return err_set(e, ERR_CONFLICT, "duplicate", "user_id", "该账号已关联其他党员");
	if (store_exec(c, e, "UPDATE party_members SET user_id = ? WHERE id = ?", "ii", user_id,
		       member) < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "user_id", (json_int_t)user_id);
	int rc = audit_append(c, &w->a, "party_member_link", "party_member", member, d, e);
	json_decref(d);
	return rc;
}

int party_member_create(store_conn *c, const party_who *w, json_t *b, int64_t *id, err *e)
{
	party_org o;
	int64_t org = party_body_int(b, "org_id");
	if (party_org_load(c, w, org, &o, e) < 0) {
		if (e->kind == ERR_NOT_FOUND)
			return err_set(e, ERR_INVALID, "invalid_org", "org_id", "党组织不存在");
		return -1;
	}
	if (party_require_manage(w, &o, e) < 0)
		return -1;
	const char *status = party_body_str(b, "status");
	int64_t now = clock_now_ms();
	int64_t at = party_body_time(b, "date");
	if (!at)
		at = now;
	int64_t home = party_body_int(b, "home_unit_id");
	if (home && unit_in_area(c, w, home, "home_unit_id", NULL, 0, e) < 0)
		return -1;
	if (store_query_int(c, id, 0, e,
			    "INSERT INTO party_members (name, gender, birth_date, id_number, phone,"
			    " org_id, status, status_since, home_unit_id, created_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    "sssssisini", party_body_str(b, "name"), party_body_str(b, "gender"),
			    party_body_str(b, "birth_date"), party_body_str(b, "id_number"),
			    party_body_str(b, "phone"), org, status, at, home, now) < 0 ||
	    add_step(c, w, *id, status, at, "登记", e) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s}", "org_id", (json_int_t)org, "status", status);
	int rc = audit_append(c, &w->a, "party_member_create", "party_member", *id, d, e);
	json_decref(d);
	int64_t user = party_body_int(b, "user_id");
	return rc < 0 || !user ? rc : link_user(c, w, *id, user, e);
}

static int member_step(store_conn *c, const party_who *w, member_row *m, const char *status,
		       int64_t at, err *e)
{
	int to = word_index(party_statuses, status);
	if (to != m->status + 1)
		return err_set(e, ERR_CONFLICT, "invalid_step", "status",
			       to <= m->status ? "发展阶段不能倒退"
					       : "发展阶段须逐级推进，不能跳过");
	int64_t now = clock_now_ms();
	if (!at)
		at = now;
	if (at < m->status_since || at > now + 86400000)
		return err_set(e, ERR_INVALID, "invalid_date", "date",
			       "日期须在上一阶段之后且不晚于今天");
	if (store_exec(c, e, "UPDATE party_members SET status = ?, status_since = ? WHERE id = ?",
		       "sii", status, at, m->id) < 0 ||
	    add_step(c, w, m->id, status, at, NULL, e) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s}", "from", party_statuses[m->status], "to", status);
	int rc = audit_append(c, &w->a, "party_member_status", "party_member", m->id, d, e);
	json_decref(d);
	m->status = to;
	return rc;
}

int party_member_update(store_conn *c, const party_who *w, int64_t id, json_t *b, err *e)
{
	member_row m;
	if (member_load(c, w, id, &m, e) < 0 || party_require_manage(w, &m.org, e) < 0)
		return -1;
	const char *status = party_body_str(b, "status");
	if (status && member_step(c, w, &m, status, party_body_time(b, "date"), e) < 0)
		return -1;
	const char *state = party_body_str(b, "state");
	if (state) {
		if (strcmp(m.state, "transferring") == 0)
			return err_set(e, ERR_CONFLICT, "invalid_state", "state",
				       "组织关系转接中，待接收后再变更状态");
		if (strcmp(state, "transferring") == 0)
			return err_set(e, ERR_INVALID, "invalid_value", "state",
				       "转出请使用组织关系转接");
		if (store_exec(c, e, "UPDATE party_members SET state = ? WHERE id = ?", "si", state,
			       id) < 0)
			return -1;
		json_t *d = json_pack("{s:s, s:s}", "from", m.state, "to", state);
		int rc = audit_append(c, &w->a, "party_member_state", "party_member", id, d, e);
		json_decref(d);
		if (rc < 0)
			return -1;
	}
	int64_t user = party_body_int(b, "user_id");
	if (user && link_user(c, w, id, user, e) < 0)
		return -1;
	const char *phone = party_body_str(b, "phone");
	int64_t home = party_body_int(b, "home_unit_id");
	if (home && unit_in_area(c, w, home, "home_unit_id", NULL, 0, e) < 0)
		return -1;
	if (phone || home) {
		if (store_exec(c, e,
			       "UPDATE party_members SET phone = COALESCE(CAST(? AS TEXT), phone),"
			       " home_unit_id = CASE WHEN CAST(? AS BIGINT) = 0 THEN home_unit_id"
			       " ELSE CAST(? AS BIGINT) END WHERE id = ?",
			       "siii", phone, home, home, id) < 0)
			return -1;
		json_t *d = json_pack("{s:b, s:I}", "phone", phone != NULL, "home_unit_id",
				      (json_int_t)home);
		int rc = audit_append(c, &w->a, "party_member_update", "party_member", id, d, e);
		json_decref(d);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int party_member_transfer(store_conn *c, const party_who *w, int64_t id, int64_t to_org, err *e)
{
	member_row m;
	if (member_load(c, w, id, &m, e) < 0 || party_require_manage(w, &m.org, e) < 0)
		return -1;
	if (strcmp(m.state, "transferring") == 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "已在转接中");
	if (to_org == m.org_id)
		return err_set(e, ERR_INVALID, "invalid_org", "to_org_id", "接收组织不能是本组织");
	/* The receiving org may lie outside the sender's area (another county): any org. */
	int64_t kind_ok = 0;
	if (store_query_int(c, &kind_ok, 0, e,
			    "SELECT COUNT(*) FROM party_orgs WHERE id = ? AND kind <> 'committee'",
			    "i", to_org) < 0)
		return -1;
	if (!kind_ok)
		return err_set(e, ERR_INVALID, "invalid_org", "to_org_id", "接收党组织不存在");
	if (store_exec(c, e,
		       "UPDATE party_members SET state = 'transferring', transfer_to_org_id = ?"
		       " WHERE id = ?",
		       "ii", to_org, id) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:I}", "from_org_id", (json_int_t)m.org_id, "to_org_id",
			      (json_int_t)to_org);
	int rc = audit_append(c, &w->a, "party_member_transfer", "party_member", id, d, e);
	json_decref(d);
	return rc;
}

int party_member_accept(store_conn *c, const party_who *w, int64_t id, err *e)
{
	member_row m;
	if (member_load(c, w, id, &m, e) < 0)
		return -1;
	if (strcmp(m.state, "transferring") != 0 || !m.transfer_to)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "该党员没有待接收的转接");
	party_org t;
	if (party_org_load(c, w, m.transfer_to, &t, e) < 0) {
		if (e->kind == ERR_NOT_FOUND)
			return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
				       "只有接收组织的书记可以接收");
		return -1;
	}
	if (!party_manages(w, &t))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有接收组织的书记可以接收");
	if (store_exec(c, e,
		       "UPDATE party_members SET org_id = ?, state = 'normal',"
		       " transfer_to_org_id = NULL WHERE id = ?",
		       "ii", t.id, id) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:I}", "from_org_id", (json_int_t)m.org_id, "to_org_id",
			      (json_int_t)t.id);
	int rc = audit_append(c, &w->a, "party_member_accept", "party_member", id, d, e);
	json_decref(d);
	return rc;
}

#define MEMBER_COLS                                                                                \
	"m.id, m.name, m.gender, m.birth_date, m.id_number, m.phone, m.org_id, o.name,"            \
	" COALESCE(o.branch_id, o.id), m.status, m.status_since, m.state, m.transfer_to_org_id,"   \
	" m.home_unit_id, m.user_id,"                                                              \
	" (SELECT COALESCE(SUM(p.points), 0) FROM party_points p WHERE p.member_id = m.id),"       \
	" (SELECT name FROM party_orgs t WHERE t.id = m.transfer_to_org_id),"                      \
	" (SELECT name FROM units h WHERE h.id = m.home_unit_id)"

bool party_sees_personal(const party_who *w, int64_t branch, int64_t user_id)
{
	return w->dept || (w->lead_branch && w->lead_branch == branch) ||
	       (w->member_branch && w->member_branch == branch) ||
	       (user_id && user_id == w->a.user_id);
}

static json_t *member_json(store_stmt *st, const party_who *w)
{
	int64_t branch = store_col_int(st, 8);
	int64_t user = store_col_int(st, 14);
	bool full = party_sees_personal(w, branch, user);
	json_t *o = json_pack(
		"{s:I, s:s, s:o, s:I, s:s, s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:I, s:b, s:o, s:o}",
		"id", (json_int_t)store_col_int(st, 0), "name", store_col_text(st, 1), "gender",
		party_text_or_null(st, 2), "org_id", (json_int_t)store_col_int(st, 6), "org_name",
		store_col_text(st, 7), "branch_id", (json_int_t)branch, "status",
		store_col_text(st, 9), "status_since", party_time(st, 10), "state",
		store_col_text(st, 11), "transfer_to_org_id", party_int_or_null(st, 12),
		"home_unit_id", party_int_or_null(st, 13), "user_id", party_int_or_null(st, 14),
		"points", (json_int_t)store_col_int(st, 15), "masked", !full,
		"transfer_to_org_name", party_text_or_null(st, 16), "home_unit_name",
		party_text_or_null(st, 17));
	const char *birth = store_col_text(st, 3), *idn = store_col_text(st, 4),
		   *phone = store_col_text(st, 5);
	if (full) {
		json_object_set_new(o, "birth_date", party_text_or_null(st, 3));
		json_object_set_new(o, "id_number", party_text_or_null(st, 4));
		json_object_set_new(o, "phone", party_text_or_null(st, 5));
		return o;
	}
	char buf[64];
	if (birth[0]) {
		snprintf(buf, sizeof buf, "%.4s-**-**", birth);
		json_object_set_new(o, "birth_date", json_string(buf));
	} else {
		json_object_set_new(o, "birth_date", json_null());
	}
	privacy_mask_phone(idn, buf, sizeof buf);
	json_object_set_new(o, "id_number", idn[0] ? json_string(buf) : json_null());
	privacy_mask_phone(phone, buf, sizeof buf);
	json_object_set_new(o, "phone", phone[0] ? json_string(buf) : json_null());
	return o;
}

int party_member_get(store_conn *c, const party_who *w, int64_t id, json_t **out, err *e)
{
	member_row m;
	if (member_load(c, w, id, &m, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT " MEMBER_COLS " FROM party_members m"
				 " JOIN party_orgs o ON o.id = m.org_id WHERE m.id = ?",
				 "i", id);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "党员不存在");
	*out = member_json(st, w);
	store_done(st);
	st = store_prepare(c,
			   "SELECT status, at, note FROM party_member_steps WHERE member_id = ?"
			   " ORDER BY at, id",
			   e);
	if (!st)
		goto fail;
	store_bind_int(st, 1, id);
	json_t *steps = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(
			steps, json_pack("{s:s, s:o, s:o}", "status", store_col_text(st, 0), "at",
					 party_time(st, 1), "note", party_text_or_null(st, 2)));
	store_done(st);
	json_object_set_new(*out, "steps", steps);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	json_decref(*out);
	return -1;
}

int party_member_list(store_conn *c, const party_who *w, int64_t org_id, bool incoming,
		      const char *q, int64_t page, int64_t per_page, json_t **items, int64_t *total,
		      err *e)
{
	char hi[SCOPE_PATH_MAX], lo[SCOPE_PATH_MAX] = "/", ohi[SCOPE_PATH_MAX] = "0";
	party_area(w, hi, sizeof hi);
	if (org_id) {
		party_org o;
		if (party_org_load(c, w, org_id, &o, e) < 0)
			return -1;
		snprintf(lo, sizeof lo, "%s", o.path);
		scope_upper(o.path, ohi, sizeof ohi);
	}
	strbuf like = STRBUF_INIT;
	if (q)
		store_like_pattern(&like, q);
	/* Members of the area's orgs, or (incoming) those transferring to them. */
	const char *where =
		incoming ? " FROM party_members m JOIN party_orgs o ON o.id = m.org_id"
			   " JOIN party_orgs t ON t.id = m.transfer_to_org_id"
			   " JOIN units u ON u.id = t.unit_id"
			   " WHERE m.state = 'transferring' AND u.path >= ? AND u.path < ?"
			   " AND t.path >= ? AND t.path < ?"
			   " AND (CAST(? AS TEXT) IS NULL OR m.name LIKE ? ESCAPE '\\')"
			 : " FROM party_members m JOIN party_orgs o ON o.id = m.org_id"
			   " JOIN units u ON u.id = o.unit_id"
			   " WHERE u.path >= ? AND u.path < ? AND o.path >= ? AND o.path < ?"
			   " AND (CAST(? AS TEXT) IS NULL OR m.name LIKE ? ESCAPE '\\')";
	const char *pat = q ? like.buf : NULL;
	char *sql = xasprintf("SELECT COUNT(*)%s", where);
	int rc = store_query_int(c, total, 0, e, sql, "ssssss", w->a.unit_path, hi, lo, ohi, pat,
				 pat);
	free(sql);
	if (rc < 0) {
		strbuf_release(&like);
		return -1;
	}
	sql = xasprintf("SELECT " MEMBER_COLS "%s ORDER BY o.path, m.id LIMIT ? OFFSET ?", where);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st) {
		strbuf_release(&like);
		return -1;
	}
	store_bindf(st, "ssssssii", w->a.unit_path, hi, lo, ohi, pat, pat, per_page,
		    (page - 1) * per_page);
	strbuf_release(&like);
	*items = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(*items, member_json(st, w));
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

/* ---- dues ---- */

int party_dues_list(store_conn *c, const party_who *w, int64_t org_id, const char *month,
		    json_t **out, err *e)
{
	party_org o;
	if (party_org_load(c, w, org_id, &o, e) < 0)
		return -1;
	char ohi[SCOPE_PATH_MAX];
	scope_upper(o.path, ohi, sizeof ohi);
	store_stmt *st = store_prepare(
		c,
		"SELECT m.id, m.name, o.name, d.standard_fen, d.paid_at FROM party_members m"
		" JOIN party_orgs o ON o.id = m.org_id"
		" LEFT JOIN party_dues d ON d.member_id = m.id AND d.month = ?"
		" WHERE o.path >= ? AND o.path < ? AND m.status IN ('probationary', 'full')"
		" ORDER BY o.path, m.id",
		e);
	if (!st)
		return -1;
	store_bindf(st, "sss", month, o.path, ohi);
	json_t *items = json_array();
	int64_t due = 0, paid = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		bool has = !store_col_null(st, 3), p = !store_col_null(st, 4);
		due += has;
		paid += has && p;
		json_array_append_new(
			items,
			json_pack("{s:I, s:s, s:s, s:o, s:b, s:o}", "member_id",
				  (json_int_t)store_col_int(st, 0), "name", store_col_text(st, 1),
				  "org_name", store_col_text(st, 2), "standard",
				  has ? json_real((double)store_col_int(st, 3) / 100.0)
				      : json_null(),
				  "paid", p, "paid_at", party_time(st, 4)));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:s, s:o, s:I, s:I, s:o}", "month", month, "items", items, "due",
			 (json_int_t)due, "paid", (json_int_t)paid, "paid_rate",
			 due ? json_real((double)paid / (double)due) : json_null());
	return 0;
}

int party_dues_set(store_conn *c, const party_who *w, int64_t member_id, const char *month,
		   int64_t standard_fen, int paid, err *e)
{
	member_row m;
	if (member_load(c, w, member_id, &m, e) < 0 || party_require_manage(w, &m.org, e) < 0)
		return -1;
	int64_t have = 0;
	if (store_query_int(c, &have, -1, e,
			    "SELECT standard_fen FROM party_dues WHERE member_id = ? AND month = ?",
			    "is", member_id, month) < 0)
		return -1;
	if (have < 0 && standard_fen < 0)
		return err_set(e, ERR_INVALID, "missing_field", "standard", "请填写党费标准");
	int64_t now = clock_now_ms();
	int64_t rc =
		have < 0 ? store_exec(c, e,
				      "INSERT INTO party_dues (member_id, month, standard_fen,"
				      " paid_at) VALUES (?, ?, ?, ?)",
				      "isin", member_id, month, standard_fen, paid == 1 ? now : 0)
			 : store_exec(c, e,
				      "UPDATE party_dues SET standard_fen = CASE WHEN"
				      " CAST(? AS BIGINT) < 0 THEN standard_fen ELSE"
				      " CAST(? AS BIGINT) END, paid_at = CASE"
				      " WHEN CAST(? AS BIGINT) = 1 THEN COALESCE(paid_at, ?)"
				      " WHEN CAST(? AS BIGINT) = 0 THEN NULL ELSE paid_at END"
				      " WHERE member_id = ? AND month = ?",
				      "iiiiiis", standard_fen, standard_fen, (int64_t)paid, now,
				      (int64_t)paid, member_id, month);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:I, s:i}", "month", month, "standard_fen",
			      (json_int_t)standard_fen, "paid", paid);
	int r = audit_append(c, &w->a, "party_dues_set", "party_member", member_id, d, e);
	json_decref(d);
	return r;
}

int party_member_register_home(store_conn *c, const party_who *w, int64_t member_id,
			       int64_t unit_id, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT kind FROM units WHERE id = ? AND disabled = 0",
				 "i", unit_id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id", "单位不存在");
	bool place = strcmp(store_col_text(st, 0), "community") == 0 ||
		     strcmp(store_col_text(st, 0), "village") == 0;
	store_done(st);
	if (!place)
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id", "报到单位须为社区或村");
	if (store_exec(c, e, "UPDATE party_members SET home_unit_id = ? WHERE id = ?", "ii",
		       unit_id, member_id) < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "home_unit_id", (json_int_t)unit_id);
	rc = audit_append(c, &w->a, "party_member_home", "party_member", member_id, d, e);
	json_decref(d);
	return rc;
}
