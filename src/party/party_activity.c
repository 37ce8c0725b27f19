/* 智慧党建: activities (三会一课, 主题党日), attendance by the secretary and by QR sign-in,
 * quotas and the branches behind them, the admin's rules, the review metric. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "org/audit.h"
#include "party/party_internal.h"

/* ---- activities ---- */

int party_activity_create(store_conn *c, const party_who *w, json_t *b, int64_t *id, err *e)
{
	party_org o;
	if (party_org_load(c, w, party_body_int(b, "org_id"), &o, e) < 0) {
		if (e->kind == ERR_NOT_FOUND)
			return err_set(e, ERR_INVALID, "invalid_org", "org_id", "党组织不存在");
		return -1;
	}
	if (party_require_manage(w, &o, e) < 0)
		return -1;
	const char *kind = party_body_str(b, "kind");
	int64_t held = party_body_time(b, "held_at");
	if (store_query_int(c, id, 0, e,
			    "INSERT INTO party_activities (org_id, kind, held_at, title, minutes,"
			    " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    "isissni", o.id, kind, held, party_body_str(b, "title"),
			    party_body_str(b, "minutes"), w->a.user_id, clock_now_ms()) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s}", "org_id", (json_int_t)o.id, "kind", kind);
	int rc = audit_append(c, &w->a, "party_activity_create", "party_activity", *id, d, e);
	json_decref(d);
	return rc;
}

typedef struct activity_row {
	int64_t id, held_at, qr_expires;
	char kind[24];
	char token[40];
	party_org org;
} activity_row;

static int activity_load(store_conn *c, const party_who *w, int64_t id, activity_row *a, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT id, org_id, kind, held_at, COALESCE(qr_token, ''),"
				 " COALESCE(qr_expires, 0) FROM party_activities WHERE id = ?",
				 "i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "活动不存在");
	memset(a, 0, sizeof *a);
	a->id = store_col_int(st, 0);
	int64_t org = store_col_int(st, 1);
	snprintf(a->kind, sizeof a->kind, "%s", store_col_text(st, 2));
	a->held_at = store_col_int(st, 3);
	snprintf(a->token, sizeof a->token, "%s", store_col_text(st, 4));
	a->qr_expires = store_col_int(st, 5);
	store_done(st);
	if (party_org_load(c, w, org, &a->org, e) < 0)
		return e->kind == ERR_NOT_FOUND
			       ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "活动不存在")
			       : -1;
	return 0;
}

/* The members an activity of org path expects: the members of the org's subtree. */
#define EXPECTED_SQL                                                                               \
	"(SELECT COUNT(*) FROM party_members em JOIN party_orgs eo ON eo.id = em.org_id"           \
	" WHERE eo.path >= o.path AND eo.path < SUBSTR(o.path, 1, LENGTH(o.path) - 1) || '0')"

#define ACTIVITY_COLS                                                                              \
	"a.id, a.org_id, o.name, a.kind, a.held_at, a.title, a.minutes,"                           \
	" (SELECT COUNT(*) FROM party_attendance t WHERE t.activity_id = a.id), " EXPECTED_SQL

static json_t *activity_json(store_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:o, s:I, s:I}", "id",
			 (json_int_t)store_col_int(st, 0), "org_id",
			 (json_int_t)store_col_int(st, 1), "org_name", store_col_text(st, 2),
			 "kind", store_col_text(st, 3), "held_at", party_time(st, 4), "title",
			 store_col_text(st, 5), "minutes", party_text_or_null(st, 6), "attended",
			 (json_int_t)store_col_int(st, 7), "expected",
			 (json_int_t)store_col_int(st, 8));
}

int party_activity_get(store_conn *c, const party_who *w, int64_t id, json_t **out, err *e)
{
	activity_row a;
	if (activity_load(c, w, id, &a, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT " ACTIVITY_COLS " FROM party_activities a"
				 " JOIN party_orgs o ON o.id = a.org_id WHERE a.id = ?",
				 "i", id);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "活动不存在");
	*out = activity_json(st);
	store_done(st);
	st = store_prepare(c,
			   "SELECT t.member_id, m.name, t.how, t.at FROM party_attendance t"
			   " JOIN party_members m ON m.id = t.member_id WHERE t.activity_id = ?"
			   " ORDER BY t.at, t.member_id",
			   e);
	if (!st) {
		json_decref(*out);
		return -1;
	}
	store_bind_int(st, 1, id);
	json_t *list = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(list,
				      json_pack("{s:I, s:s, s:s, s:o}", "member_id",
						(json_int_t)store_col_int(st, 0), "name",
						store_col_text(st, 1), "how", store_col_text(st, 2),
						"at", party_time(st, 3)));
	store_done(st);
	json_object_set_new(*out, "attendance", list);
	json_object_set_new(*out, "can_manage", json_boolean(party_manages(w, &a.org)));
	if (rc < 0) {
		json_decref(*out);
		return -1;
	}
	return 0;
}

int party_activity_list(store_conn *c, const party_who *w, int64_t org_id, int year, int64_t page,
			int64_t per_page, json_t **items, int64_t *total, err *e)
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
	int64_t from = 0, to = INT64_MAX;
	if (year) {
		int months;
		party_period(year, 0, &from, &to, &months);
	}
	const char *where = " FROM party_activities a JOIN party_orgs o ON o.id = a.org_id"
			    " JOIN units u ON u.id = o.unit_id"
			    " WHERE u.path >= ? AND u.path < ? AND o.path >= ? AND o.path < ?"
			    " AND a.held_at >= ? AND a.held_at < ?";
	char *sql = xasprintf("SELECT COUNT(*)%s", where);
	int rc = store_query_int(c, total, 0, e, sql, "ssssii", w->a.unit_path, hi, lo, ohi, from,
				 to);
	free(sql);
	if (rc < 0)
		return -1;
	sql = xasprintf("SELECT " ACTIVITY_COLS "%s ORDER BY a.held_at DESC, a.id DESC"
			" LIMIT ? OFFSET ?",
			where);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st)
		return -1;
	store_bindf(st, "ssssiiii", w->a.unit_path, hi, lo, ohi, from, to, per_page,
		    (page - 1) * per_page);
	*items = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(*items, activity_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

/* Attendance opens this long before an activity's time (members arrive early; the QR code
 * is shown as they come in); an activity later than that has not been held yet. */
#define PARTY_EARLY_MS (2 * 3600 * 1000LL)

/* One attendance and its points (the kind's rule), once per member and activity. *added 1
 * when it is new. 422 activity_in_future for an activity not yet held: no points for a
 * meeting that has not taken place. */
static int attend(store_conn *c, const activity_row *a, int64_t member, const char *how,
		  int64_t *added, err *e)
{
	int64_t now = clock_now_ms();
	if (a->held_at > now + PARTY_EARLY_MS)
		return err_set(e, ERR_INVALID, "activity_in_future", "held_at",
			       "活动尚未举行，不能登记出席或签到");
	int64_t n =
		store_exec(c, e,
			   "INSERT INTO party_attendance (activity_id, member_id, how, at)"
			   " VALUES (?, ?, ?, ?) ON CONFLICT (activity_id, member_id) DO NOTHING",
			   "iisi", a->id, member, how, now);
	if (n < 0)
		return -1;
	*added = n;
	if (!n)
		return 0;
	int64_t pts = 0;
	if (store_query_int(c, &pts, 0, e, "SELECT points FROM party_point_rules WHERE source = ?",
			    "s", a->kind) < 0)
		return -1;
	if (pts > 0 && store_exec(c, e,
				  "INSERT INTO party_points (member_id, points, source, ref_id, at)"
				  " VALUES (?, ?, 'activity', ?, ?)"
				  " ON CONFLICT (member_id, source, ref_id) DO NOTHING",
				  "iiii", member, pts, a->id, now) < 0)
		return -1;
	return 0;
}

/* Whether member belongs to the org subtree at path (and is not transferring away). */
static int member_of(store_conn *c, int64_t member, const char *path, bool *yes, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(path, hi, sizeof hi);
	int64_t n = 0;
	if (store_query_int(
		    c, &n, 0, e,
		    "SELECT COUNT(*) FROM party_members m JOIN party_orgs o ON o.id = m.org_id"
		    " WHERE m.id = ? AND o.path >= ? AND o.path < ?",
		    "iss", member, path, hi) < 0)
		return -1;
	*yes = n > 0;
	return 0;
}

int party_attendance_add(store_conn *c, const party_who *w, int64_t id, const int64_t *members,
			 size_t n, int64_t *added, err *e)
{
	activity_row a;
	if (activity_load(c, w, id, &a, e) < 0 || party_require_manage(w, &a.org, e) < 0)
		return -1;
	*added = 0;
	for (size_t i = 0; i < n; i++) {
		bool yes;
		if (member_of(c, members[i], a.org.path, &yes, e) < 0)
			return -1;
		if (!yes)
			return err_set(e, ERR_INVALID, "invalid_member", "member_ids",
				       "党员 %lld 不属于该组织", (long long)members[i]);
		int64_t one;
		if (attend(c, &a, members[i], "secretary", &one, e) < 0)
			return -1;
		*added += one;
	}
	json_t *ids = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ids, json_integer(members[i]));
	json_t *d = json_pack("{s:o, s:I}", "member_ids", ids, "added", (json_int_t)*added);
	int rc = audit_append(c, &w->a, "party_attendance", "party_activity", id, d, e);
	json_decref(d);
	return rc;
}

int party_activity_qr(store_conn *c, const party_who *w, int64_t id, int64_t ttl_s, char *token,
		      int64_t *expires, err *e)
{
	activity_row a;
	if (activity_load(c, w, id, &a, e) < 0 || party_require_manage(w, &a.org, e) < 0)
		return -1;
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, 33, raw, sizeof raw);
	*expires = clock_now_ms() + ttl_s * 1000;
	if (store_exec(c, e,
		       "UPDATE party_activities SET qr_token = ?, qr_expires = ? WHERE id = ?",
		       "sii", token, *expires, id) < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "ttl_s", (json_int_t)ttl_s);
	int rc = audit_append(c, &w->a, "party_activity_qr", "party_activity", id, d, e);
	json_decref(d);
	return rc;
}

int party_checkin(store_conn *c, const party_who *w, const char *token, int64_t *activity_id,
		  err *e)
{
	if (!w->member_id)
		return err_set(e, ERR_FORBIDDEN, "not_a_member", NULL, "当前账号未关联党员");
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT a.id, a.kind, a.qr_expires, o.path, a.held_at"
				 " FROM party_activities a"
				 " JOIN party_orgs o ON o.id = a.org_id WHERE a.qr_token = ?",
				 "s", token);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", "token", "签到码无效");
	activity_row a = {0};
	a.id = store_col_int(st, 0);
	snprintf(a.kind, sizeof a.kind, "%s", store_col_text(st, 1));
	a.qr_expires = store_col_int(st, 2);
	snprintf(a.org.path, sizeof a.org.path, "%s", store_col_text(st, 3));
	a.held_at = store_col_int(st, 4);
	store_done(st);
	*activity_id = a.id;
	bool yes;
	if (member_of(c, w->member_id, a.org.path, &yes, e) < 0)
		return -1;
	if (!yes)
		return err_set(e, ERR_FORBIDDEN, "not_member_of_org", NULL,
			       "只有该组织的党员可以签到");
	if (clock_now_ms() >= a.qr_expires)
		return err_set(e, ERR_CONFLICT, "qr_expired", "token", "签到码已过期");
	int64_t added;
	if (attend(c, &a, w->member_id, "qr", &added, e) < 0)
		return -1;
	if (!added)
		return err_set(e, ERR_CONFLICT, "already_signed_in", NULL, "已签到，不能重复签到");
	json_t *d = json_pack("{s:I}", "member_id", (json_int_t)w->member_id);
	rc = audit_append(c, &w->a, "party_checkin", "party_activity", a.id, d, e);
	json_decref(d);
	return rc;
}

/* ---- quotas ---- */

int party_quota_rules_load(store_conn *c, party_quota_rule rules[PARTY_KINDS], err *e)
{
	memset(rules, 0, sizeof(party_quota_rule) * PARTY_KINDS);
	store_stmt *st = store_prepare(c, "SELECT kind, period, times FROM party_quotas", e);
	if (!st)
		return -1;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		int k = party_kind_index(store_col_text(st, 0));
		if (k < 0)
			continue;
		rules[k].quarterly = strcmp(store_col_text(st, 1), "quarter") == 0;
		rules[k].times = (int)store_col_int(st, 2);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

/* Held activities per kind of the org subtree at path over [from, to), not after now. */
static int held_counts(store_conn *c, const char *path, int64_t from, int64_t to,
		       int64_t held[PARTY_KINDS], err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(path, hi, sizeof hi);
	memset(held, 0, sizeof(int64_t) * PARTY_KINDS);
	int64_t now = clock_now_ms();
	store_stmt *st = store_prepare(c,
				       "SELECT a.kind, COUNT(*) FROM party_activities a"
				       " JOIN party_orgs o ON o.id = a.org_id"
				       " WHERE o.path >= ? AND o.path < ? AND a.held_at >= ?"
				       " AND a.held_at < ? AND a.held_at <= ? GROUP BY a.kind",
				       e);
	if (!st)
		return -1;
	store_bindf(st, "ssiii", path, hi, from, to, now);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		int k = party_kind_index(store_col_text(st, 0));
		if (k >= 0)
			held[k] = store_col_int(st, 1);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

static json_t *quota_json(const int64_t required[PARTY_KINDS], const int64_t held[PARTY_KINDS],
			  unsigned missing, double completion)
{
	json_t *req = json_object(), *h = json_object(), *miss = json_array();
	for (int k = 0; k < PARTY_KINDS; k++) {
		json_object_set_new(req, party_activity_kinds[k], json_integer(required[k]));
		json_object_set_new(h, party_activity_kinds[k], json_integer(held[k]));
		if (missing & (1u << k))
			json_array_append_new(miss, json_string(party_activity_kinds[k]));
	}
	return json_pack("{s:o, s:o, s:o, s:f}", "required", req, "held", h, "missing", miss,
			 "completion", completion);
}

int party_org_quota(store_conn *c, const party_who *w, int64_t id, int year, int quarter,
		    json_t **out, err *e)
{
	party_org o;
	party_quota_rule rules[PARTY_KINDS];
	int64_t from, to, held[PARTY_KINDS], required[PARTY_KINDS];
	int months;
	if (party_org_load(c, w, id, &o, e) < 0 || party_quota_rules_load(c, rules, e) < 0)
		return -1;
	party_period(year, quarter, &from, &to, &months);
	months = party_months_due(year, quarter, clock_now_ms());
	int64_t groups = -1;
	if (strcmp(o.kind, "group") != 0 &&
	    store_query_int(
		    c, &groups, 0, e,
		    "SELECT COUNT(*) FROM party_orgs WHERE parent_id = ? AND kind = 'group'", "i",
		    id) < 0)
		return -1;
	if (held_counts(c, o.path, from, to, held, e) < 0)
		return -1;
	unsigned missing;
	double done = party_quota_compute(rules, months, (int)groups, held, required, &missing);
	*out = quota_json(required, held, missing, done);
	json_object_set_new(*out, "org_id", json_integer(id));
	json_object_set_new(*out, "year", json_integer(year));
	json_object_set_new(*out, "quarter", quarter ? json_integer(quarter) : json_null());
	return 0;
}

/* Held counts per branch and kind over [from, to) for the branches whose unit lies in the
 * range [lo, hi): fn(ctx, branch_id, name, unit_name, groups, held) per branch, groups
 * the branch's party groups (each owes its group meetings, as party_org_quota counts). */
typedef int (*branch_fn)(void *ctx, int64_t id, const char *name, const char *unit_name, int groups,
			 const int64_t held[PARTY_KINDS], err *e);

static int each_branch(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
		       branch_fn fn, void *ctx, err *e)
{
	int64_t now = clock_now_ms();
	store_stmt *st =
		store_prepare(c,
			      "SELECT b.id, b.name, u.name, a.kind, COUNT(a.id),"
			      " (SELECT COUNT(*) FROM party_orgs g WHERE g.parent_id = b.id"
			      " AND g.kind = 'group') FROM party_orgs b"
			      " JOIN units u ON u.id = b.unit_id"
			      " LEFT JOIN party_orgs x ON x.branch_id = b.id"
			      " LEFT JOIN party_activities a ON a.org_id = x.id AND a.held_at >= ?"
			      " AND a.held_at < ? AND a.held_at <= ?"
			      " WHERE b.kind = 'branch' AND u.path >= ? AND u.path < ?"
			      " GROUP BY b.id, b.name, u.name, a.kind ORDER BY b.id",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "iiiss", from, to, now, lo, hi);
	int64_t cur = 0, held[PARTY_KINDS] = {0};
	char name[200] = "", unit[200] = "";
	int rc, r = 0, groups = 0;
	while ((rc = store_step(st, e)) == 1) {
		int64_t id = store_col_int(st, 0);
		if (id != cur) {
			if (cur && (r = fn(ctx, cur, name, unit, groups, held, e)) < 0)
				break;
			cur = id;
			groups = (int)store_col_int(st, 5);
			memset(held, 0, sizeof held);
			snprintf(name, sizeof name, "%s", store_col_text(st, 1));
			snprintf(unit, sizeof unit, "%s", store_col_text(st, 2));
		}
		int k = party_kind_index(store_col_text(st, 3));
		if (k >= 0)
			held[k] = store_col_int(st, 4);
	}
	store_done(st);
	if (rc < 0 || r < 0)
		return -1;
	if (cur && fn(ctx, cur, name, unit, groups, held, e) < 0)
		return -1;
	return 0;
}

typedef struct flag_ctx {
	party_quota_rule rules[PARTY_KINDS];
	int months;
	json_t *items;
	bool all; /* every branch, not only those behind */
	double sum;
	int64_t n;
} flag_ctx;

static int flag_one(void *p, int64_t id, const char *name, const char *unit_name, int groups,
		    const int64_t held[PARTY_KINDS], err *e)
{
	(void)e;
	flag_ctx *x = p;
	int64_t required[PARTY_KINDS];
	unsigned missing;
	double done = party_quota_compute(x->rules, x->months, groups, held, required, &missing);
	x->sum += done;
	x->n++;
	if (!x->items || (!missing && !x->all))
		return 0;
	json_t *q = quota_json(required, held, missing, done);
	json_object_set_new(q, "id", json_integer(id));
	json_object_set_new(q, "name", json_string(name));
	json_object_set_new(q, "unit_name", json_string(unit_name));
	json_array_append_new(x->items, q);
	return 0;
}

int party_flagged(store_conn *c, const party_who *w, int year, int quarter, json_t **items, err *e)
{
	flag_ctx x = {.items = json_array()};
	int64_t from, to;
	char hi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	party_period(year, quarter, &from, &to, &x.months);
	x.months = party_months_due(year, quarter, clock_now_ms());
	if (party_quota_rules_load(c, x.rules, e) < 0 ||
	    each_branch(c, w->a.unit_path, hi, from, to, flag_one, &x, e) < 0) {
		json_decref(x.items);
		return -1;
	}
	*items = x.items;
	return 0;
}

int party_metric_quota_completion(store_conn *c, int64_t unit_id, int64_t from, int64_t to,
				  double *out, bool *has, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", unit_id);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "单位不存在");
	snprintf(lo, sizeof lo, "%s", store_col_text(st, 0));
	store_done(st);
	scope_upper(lo, hi, sizeof hi);
	flag_ctx x = {0};
	/* Months of the period: its length in days over a mean month, at least one. */
	x.months = (int)((to - from + 15LL * 86400000) / (int64_t)(30.44 * 86400000));
	if (x.months < 1)
		x.months = 1;
	if (party_quota_rules_load(c, x.rules, e) < 0 ||
	    each_branch(c, lo, hi, from, to, flag_one, &x, e) < 0)
		return -1;
	*has = x.n > 0;
	*out = x.n ? x.sum / (double)x.n : 0;
	return 0;
}

/* The branches of [lo, hi) with their unit's path, in id order as each_branch gives them. */
typedef struct each_ctx {
	int64_t *ids;
	char (*paths)[SCOPE_PATH_MAX];
	size_t n, at;
	party_quota_rule rules[PARTY_KINDS];
	int months;
	party_branch_done_fn fn;
	void *ctx;
} each_ctx;

static int each_one(void *p, int64_t id, const char *name, const char *unit_name, int groups,
		    const int64_t held[PARTY_KINDS], err *e)
{
	(void)name;
	(void)unit_name;
	(void)e;
	each_ctx *x = p;
	while (x->at < x->n && x->ids[x->at] < id)
		x->at++;
	if (x->at == x->n || x->ids[x->at] != id)
		return 0;
	int64_t required[PARTY_KINDS];
	unsigned missing;
	x->fn(x->ctx, x->paths[x->at],
	      party_quota_compute(x->rules, x->months, groups, held, required, &missing));
	return 0;
}

int party_metric_quota_each(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			    party_branch_done_fn fn, void *ctx, err *e)
{
	each_ctx x = {.fn = fn, .ctx = ctx};
	x.months = (int)((to - from + 15LL * 86400000) / (int64_t)(30.44 * 86400000));
	if (x.months < 1)
		x.months = 1;
	store_stmt *st = store_prepare(c,
				       "SELECT b.id, u.path FROM party_orgs b"
				       " JOIN units u ON u.id = b.unit_id WHERE b.kind = 'branch'"
				       " AND u.path >= ? AND u.path < ? ORDER BY b.id",
				       e);
	if (!st)
		return -1;
	store_bindf(st, "ss", lo, hi);
	size_t cap = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (x.n == cap) {
			cap = cap ? 2 * cap : 64;
			x.ids = xrealloc(x.ids, cap * sizeof *x.ids);
			x.paths = xrealloc(x.paths, cap * sizeof *x.paths);
		}
		x.ids[x.n] = store_col_int(st, 0);
		snprintf(x.paths[x.n++], sizeof x.paths[0], "%s", store_col_text(st, 1));
	}
	store_done(st);
	if (rc == 0 && x.n)
		rc = party_quota_rules_load(c, x.rules, e) < 0 ||
				     each_branch(c, lo, hi, from, to, each_one, &x, e) < 0
			     ? -1
			     : 0;
	free(x.ids);
	free(x.paths);
	return rc < 0 ? -1 : 0;
}

/* ---- the rules ---- */

int party_rules_get(store_conn *c, json_t **out, err *e)
{
	json_t *q = json_object(), *p = json_object();
	store_stmt *st = store_prepare(c, "SELECT kind, period, times FROM party_quotas", e);
	int rc = -1;
	if (st) {
		while ((rc = store_step(st, e)) == 1)
			json_object_set_new(q, store_col_text(st, 0),
					    json_pack("{s:s, s:I}", "period", store_col_text(st, 1),
						      "times", (json_int_t)store_col_int(st, 2)));
		store_done(st);
	}
	if (rc == 0 &&
	    (st = store_prepare(c, "SELECT source, points FROM party_point_rules", e)) != NULL) {
		while ((rc = store_step(st, e)) == 1)
			json_object_set_new(p, store_col_text(st, 0),
					    json_integer(store_col_int(st, 1)));
		store_done(st);
	} else {
		rc = -1;
	}
	if (rc < 0) {
		json_decref(q);
		json_decref(p);
		return -1;
	}
	*out = json_pack("{s:o, s:o}", "quotas", q, "points", p);
	return 0;
}

int party_rules_set(store_conn *c, const party_who *w, json_t *b, err *e)
{
	if (!actor_has(&w->a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有系统管理员可以设置规则");
	json_t *q = json_object_get(b, "quotas"), *p = json_object_get(b, "points");
	if ((q && !json_is_object(q)) || (p && !json_is_object(p)))
		return err_set(e, ERR_BAD_REQUEST, "invalid_type",
			       q && !json_is_object(q) ? "quotas" : "points",
			       "quotas 和 points 须为对象");
	const char *k;
	json_t *v;
	json_object_foreach(q, k, v)
	{
		json_t *per = json_object_get(v, "period"), *times = json_object_get(v, "times");
		if (party_kind_index(k) < 0)
			return err_set(e, ERR_INVALID, "invalid_value", "quotas",
				       "未知的活动类型 %s", k);
		if (!json_is_string(per) || (strcmp(json_string_value(per), "month") &&
					     strcmp(json_string_value(per), "quarter")))
			return err_set(e, ERR_INVALID, "invalid_value", "quotas",
				       "period 须为 month 或 quarter");
		if (!json_is_integer(times) || json_integer_value(times) < 0 ||
		    json_integer_value(times) > 31)
			return err_set(e, ERR_INVALID, "out_of_range", "quotas",
				       "times 须为 0 到 31 的整数");
		if (store_exec(c, e,
			       "INSERT INTO party_quotas (kind, period, times) VALUES (?, ?, ?)"
			       " ON CONFLICT (kind) DO UPDATE SET period = excluded.period,"
			       " times = excluded.times",
			       "ssi", k, json_string_value(per),
			       (int64_t)json_integer_value(times)) < 0)
			return -1;
	}
	json_object_foreach(p, k, v)
	{
		if (party_kind_index(k) < 0 && strcmp(k, "wish") && strcmp(k, "task"))
			return err_set(e, ERR_INVALID, "invalid_value", "points",
				       "未知的积分来源 %s", k);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1000)
			return err_set(e, ERR_INVALID, "out_of_range", "points",
				       "积分须为 0 到 1000 的整数");
		if (store_exec(c, e,
			       "INSERT INTO party_point_rules (source, points) VALUES (?, ?)"
			       " ON CONFLICT (source) DO UPDATE SET points = excluded.points",
			       "si", k, (int64_t)json_integer_value(v)) < 0)
			return -1;
	}
	return audit_append(c, &w->a, "party_rules_set", "party_rules", 0, b, e);
}

static int completion_one(void *p, int64_t id, const char *name, const char *unit_name, int groups,
			  const int64_t held[PARTY_KINDS], err *e)
{
	(void)name;
	(void)unit_name;
	(void)e;
	flag_ctx *x = p;
	int64_t required[PARTY_KINDS];
	unsigned missing;
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_object_set_new(x->items, key,
			    json_real(party_quota_compute(x->rules, x->months, groups, held,
							  required, &missing)));
	return 0;
}

int party_branch_completions(store_conn *c, const party_who *w, int year, json_t **by_id, err *e)
{
	flag_ctx x = {.items = json_object()};
	int64_t from, to;
	char hi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	party_period(year, 0, &from, &to, &x.months);
	/* This year so far: the months that have ended count, not the whole year. */
	x.months = party_months_due(year, 0, clock_now_ms());
	if (party_quota_rules_load(c, x.rules, e) < 0 ||
	    each_branch(c, w->a.unit_path, hi, from, to, completion_one, &x, e) < 0) {
		json_decref(x.items);
		return -1;
	}
	*by_id = x.items;
	return 0;
}
