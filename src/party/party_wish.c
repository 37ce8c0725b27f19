/* 智慧党建: 双报到 — community tasks and residents' 微心愿 claimed by members and confirmed by
 * the community; points, rankings, the member's page and the figures per branch. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "org/audit.h"
#include "party/party_internal.h"

static const char *noun(const char *kind)
{
	return strcmp(kind, "task") == 0 ? "社区任务" : "微心愿";
}

int party_wish_create(store_conn *c, const party_who *w, const char *kind, json_t *b, int64_t *id,
		      err *e)
{
	int64_t unit = party_body_int(b, "unit_id");
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT kind, path FROM units WHERE id = ?", "i", unit);
	if (rc < 0)
		return -1;
	/* Within the area, or the community or village the publisher works in (a grid
	 * member's grid lies under it). */
	if (rc == 1 && !scope_contains(w->a.unit_path, store_col_text(st, 1)) &&
	    !scope_contains(store_col_text(st, 1), w->a.unit_path)) {
		store_done(st);
		rc = 0;
	}
	if (rc == 0)
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id", "单位不存在或不在辖区内");
	bool place = strcmp(store_col_text(st, 0), "community") == 0 ||
		     strcmp(store_col_text(st, 0), "village") == 0;
	store_done(st);
	if (!place)
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id", "%s须发布在社区或村",
			       noun(kind));
	int64_t org = 0;
	if (store_query_int(c, &org, 0, e,
			    "SELECT id FROM party_orgs WHERE unit_id = ? AND kind IN ('branch',"
			    " 'general_branch') ORDER BY kind DESC, id LIMIT 1",
			    "i", unit) < 0)
		return -1;
	if (store_query_int(
		    c, id, 0, e,
		    "INSERT INTO party_wishes (kind, title, detail, unit_id, org_id, status,"
		    " published_by, created_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)"
		    " RETURNING id",
		    "sssinni", kind, party_body_str(b, "title"), party_body_str(b, "detail"), unit,
		    org, w->a.user_id, clock_now_ms()) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:I}", "kind", kind, "unit_id", (json_int_t)unit);
	rc = audit_append(c, &w->a, "party_wish_create", "party_wish", *id, d, e);
	json_decref(d);
	return rc;
}

#define WISH_COLS                                                                                  \
	"w.id, w.kind, w.title, w.detail, w.unit_id, u.name, w.org_id, w.status, w.claimer_id,"    \
	" m.name, w.claimed_at, w.fulfilled_at, w.created_at, u.path, o.path, m.user_id"

/* Visible: the wish's unit in the area, or in the member's home community (双报到). */
#define WISH_FROM                                                                                  \
	" FROM party_wishes w JOIN units u ON u.id = w.unit_id"                                    \
	" LEFT JOIN party_members m ON m.id = w.claimer_id"                                        \
	" LEFT JOIN party_orgs o ON o.id = w.org_id"                                               \
	" WHERE ((u.path >= ? AND u.path < ?) OR (u.path >= ? AND u.path < ?)"                     \
	" OR SUBSTR(?, 1, LENGTH(u.path)) = u.path) AND w.kind = ?"

static json_t *wish_json(store_stmt *st, const party_who *w)
{
	json_t *claimer = store_col_null(st, 8)
				  ? json_null()
				  : json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, 8),
					      "name", store_col_text(st, 9));
	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:b}", "id",
			 (json_int_t)store_col_int(st, 0), "kind", store_col_text(st, 1), "title",
			 store_col_text(st, 2), "detail", party_text_or_null(st, 3), "unit_id",
			 (json_int_t)store_col_int(st, 4), "unit_name", store_col_text(st, 5),
			 "org_id", party_int_or_null(st, 6), "status", store_col_text(st, 7),
			 "claimer", claimer, "claimed_at", party_time(st, 10), "fulfilled_at",
			 party_time(st, 11), "created_at", party_time(st, 12), "mine",
			 w->member_id && !store_col_null(st, 8) &&
				 store_col_int(st, 8) == w->member_id);
}

static void home_range(const party_who *w, char *lo, char *hi, size_t n)
{
	if (w->home_path[0]) {
		snprintf(lo, n, "%s", w->home_path);
		scope_upper(w->home_path, hi, n);
	} else {
		snprintf(lo, n, "0");
		snprintf(hi, n, "0");
	}
}

int party_wish_list(store_conn *c, const party_who *w, const char *kind, const char *status,
		    bool mine, int64_t page, int64_t per_page, json_t **items, int64_t *total,
		    err *e)
{
	char hi[SCOPE_PATH_MAX], hlo[SCOPE_PATH_MAX], hhi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	home_range(w, hlo, hhi, sizeof hlo);
	int64_t me = mine ? (w->member_id ? w->member_id : -1) : 0;
	const char *filter = " AND (CAST(? AS TEXT) IS NULL OR w.status = ?)"
			     " AND (CAST(? AS BIGINT) = 0 OR w.claimer_id = ?)";
	char *sql = xasprintf("SELECT COUNT(*)" WISH_FROM "%s", filter);
	int rc = store_query_int(c, total, 0, e, sql, "ssssssssii", w->a.unit_path, hi, hlo, hhi,
				 w->a.unit_path, kind, status, status, me, me);
	free(sql);
	if (rc < 0)
		return -1;
	sql = xasprintf("SELECT " WISH_COLS WISH_FROM "%s ORDER BY CASE w.status WHEN 'open'"
			" THEN 0 WHEN 'claimed' THEN 1 ELSE 2 END, w.id DESC LIMIT ? OFFSET ?",
			filter);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st)
		return -1;
	store_bindf(st, "ssssssssiiii", w->a.unit_path, hi, hlo, hhi, w->a.unit_path, kind, status,
		    status, me, me, per_page, (page - 1) * per_page);
	*items = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(*items, wish_json(st, w));
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

typedef struct wish_row {
	int64_t id, unit_id, claimer, claimer_user;
	char status[16];
	char unit_path[SCOPE_PATH_MAX], org_path[SCOPE_PATH_MAX];
	json_t *json;
} wish_row;

static int wish_load(store_conn *c, const party_who *w, const char *kind, int64_t id, wish_row *r,
		     err *e)
{
	char hi[SCOPE_PATH_MAX], hlo[SCOPE_PATH_MAX], hhi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	home_range(w, hlo, hhi, sizeof hlo);
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT " WISH_COLS WISH_FROM " AND w.id = ?",
				 "ssssssi", w->a.unit_path, hi, hlo, hhi, w->a.unit_path, kind, id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "%s不存在", noun(kind));
	memset(r, 0, sizeof *r);
	r->id = id;
	r->unit_id = store_col_int(st, 4);
	snprintf(r->status, sizeof r->status, "%s", store_col_text(st, 7));
	r->claimer = store_col_int(st, 8);
	snprintf(r->unit_path, sizeof r->unit_path, "%s", store_col_text(st, 13));
	snprintf(r->org_path, sizeof r->org_path, "%s", store_col_text(st, 14));
	r->claimer_user = store_col_int(st, 15);
	r->json = wish_json(st, w);
	store_done(st);
	return 0;
}

int party_wish_get(store_conn *c, const party_who *w, const char *kind, int64_t id, json_t **out,
		   err *e)
{
	wish_row r;
	if (wish_load(c, w, kind, id, &r, e) < 0)
		return -1;
	*out = r.json;
	return 0;
}

/* Staff of the wish's unit (or a grid under it), the secretary of its branch (or above),
 * the organization department. */
static bool may_confirm(const party_who *w, const wish_row *r)
{
	if (w->dept)
		return true;
	if (actor_has(&w->a, ROLE_STATION_STAFF | ROLE_UNIT_STAFF | ROLE_GRID_MEMBER) &&
	    scope_contains(r->unit_path, w->a.unit_path))
		return true;
	return w->lead_org && r->org_path[0] && scope_contains(w->lead_path, r->org_path);
}

int party_wish_act(store_conn *c, const party_who *w, const char *kind, int64_t id,
		   const char *action, err *e)
{
	wish_row r;
	if (wish_load(c, w, kind, id, &r, e) < 0)
		return -1;
	json_decref(r.json);
	int64_t now = clock_now_ms();
	const char *audit_action;
	if (strcmp(action, "claim") == 0) {
		if (!w->member_id)
			return err_set(e, ERR_FORBIDDEN, "not_a_member", NULL, "只有党员可以认领");
		if (strcmp(r.status, "open") != 0)
			return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "%s已被认领",
				       noun(kind));
		if (store_exec(c, e,
			       "UPDATE party_wishes SET status = 'claimed', claimer_id = ?,"
			       " claimed_at = ? WHERE id = ? AND status = 'open'",
			       "iii", w->member_id, now, id) != 1)
			return e->kind ? -1
				       : err_set(e, ERR_CONFLICT, "invalid_state", NULL,
						 "%s已被认领", noun(kind));
		audit_action = "party_wish_claim";
	} else {
		if (w->a.user_id && r.claimer_user == w->a.user_id)
			return err_set(e, ERR_FORBIDDEN, "claimer_cannot_confirm", NULL,
				       "认领人不能确认自己认领的%s", noun(kind));
		if (!may_confirm(w, &r))
			return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
				       "只有所在社区（村）的工作人员或支部书记可以确认完成");
		if (strcmp(r.status, "claimed") != 0)
			return err_set(e, ERR_CONFLICT, "invalid_state", NULL,
				       strcmp(r.status, "open") == 0 ? "%s尚未被认领"
								     : "%s已确认完成",
				       noun(kind));
		if (store_exec(c, e,
			       "UPDATE party_wishes SET status = 'fulfilled', fulfilled_by = ?,"
			       " fulfilled_at = ? WHERE id = ?",
			       "nii", w->a.user_id, now, id) < 0)
			return -1;
		int64_t pts = 0;
		if (store_query_int(c, &pts, 0, e,
				    "SELECT points FROM party_point_rules WHERE source = ?", "s",
				    kind) < 0)
			return -1;
		if (pts > 0 && store_exec(c, e,
					  "INSERT INTO party_points (member_id, points, source,"
					  " ref_id, at) VALUES (?, ?, ?, ?, ?)"
					  " ON CONFLICT (member_id, source, ref_id) DO NOTHING",
					  "iisii", r.claimer, pts, kind, id, now) < 0)
			return -1;
		audit_action = "party_wish_fulfil";
	}
	json_t *d = json_pack("{s:s, s:s}", "kind", kind, "action", action);
	int rc = audit_append(c, &w->a, audit_action, "party_wish", id, d, e);
	json_decref(d);
	return rc;
}

/* ---- points ---- */

int party_points(store_conn *c, const party_who *w, int64_t org_id, int64_t limit, json_t **items,
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
	store_stmt *st = store_prepare(
		c,
		"SELECT m.id, m.name, o.id, o.name, COALESCE(SUM(p.points), 0) AS pts"
		" FROM party_members m JOIN party_orgs o ON o.id = m.org_id"
		" JOIN units u ON u.id = o.unit_id"
		" LEFT JOIN party_points p ON p.member_id = m.id"
		" WHERE u.path >= ? AND u.path < ? AND o.path >= ? AND o.path < ?"
		" GROUP BY m.id, m.name, o.id, o.name ORDER BY pts DESC, m.id LIMIT ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ssssi", w->a.unit_path, hi, lo, ohi, limit);
	*items = json_array();
	int rc, rank = 0;
	int64_t last = -1;
	int i = 0;
	while ((rc = store_step(st, e)) == 1) {
		int64_t pts = store_col_int(st, 4);
		i++;
		if (pts != last)
			rank = i;
		last = pts;
		json_array_append_new(*items, json_pack("{s:I, s:s, s:I, s:s, s:I, s:i}", "id",
							(json_int_t)store_col_int(st, 0), "name",
							store_col_text(st, 1), "org_id",
							(json_int_t)store_col_int(st, 2),
							"org_name", store_col_text(st, 3), "points",
							(json_int_t)pts, "rank", rank));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

int party_branch_ranking(store_conn *c, const party_who *w, json_t **items, err *e)
{
	char hi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	store_stmt *st = store_prepare(
		c,
		"SELECT b.id, b.name, u.name, COALESCE(mc.n, 0), COALESCE(pc.s, 0)"
		" FROM party_orgs b JOIN units u ON u.id = b.unit_id"
		" LEFT JOIN (SELECT x.branch_id AS bid, COUNT(*) AS n FROM party_members m"
		"  JOIN party_orgs x ON x.id = m.org_id GROUP BY x.branch_id) mc ON mc.bid = b.id"
		" LEFT JOIN (SELECT x.branch_id AS bid, SUM(p.points) AS s FROM party_points p"
		"  JOIN party_members m ON m.id = p.member_id JOIN party_orgs x ON x.id = m.org_id"
		"  GROUP BY x.branch_id) pc ON pc.bid = b.id"
		" WHERE b.kind = 'branch' AND u.path >= ? AND u.path < ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ss", w->a.unit_path, hi);
	json_t *all = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		int64_t n = store_col_int(st, 3), pts = store_col_int(st, 4);
		json_array_append_new(
			all, json_pack("{s:I, s:s, s:s, s:I, s:I, s:f}", "id",
				       (json_int_t)store_col_int(st, 0), "name",
				       store_col_text(st, 1), "unit_name", store_col_text(st, 2),
				       "members", (json_int_t)n, "points", (json_int_t)pts,
				       "per_member", n ? (double)pts / (double)n : 0.0));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(all);
		return -1;
	}
	/* Highest points per member first: a small branch is not behind for being small. */
	size_t n = json_array_size(all);
	json_t **v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(all, i);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			double a = json_real_value(json_object_get(v[j - 1], "per_member"));
			double b = json_real_value(json_object_get(v[j], "per_member"));
			if (a >= b)
				break;
			json_t *t = v[j - 1];
			v[j - 1] = v[j];
			v[j] = t;
		}
	*items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_object_set_new(v[i], "rank", json_integer((json_int_t)i + 1));
		json_array_append(*items, v[i]);
	}
	free(v);
	json_decref(all);
	return 0;
}

/* ---- the member's page ---- */

int party_me(store_conn *c, const party_who *w, json_t **out, err *e)
{
	if (!w->member_id) {
		*out = json_pack("{s:n, s:I, s:[]}", "member", "points", (json_int_t)0, "ledger");
		return 0;
	}
	json_t *m;
	if (party_member_get(c, w, w->member_id, &m, e) < 0)
		return -1;
	store_stmt *st = store_prepare(
		c,
		"SELECT p.points, p.source, p.ref_id, p.at,"
		" COALESCE((SELECT title FROM party_activities a WHERE p.source = 'activity'"
		"  AND a.id = p.ref_id), (SELECT title FROM party_wishes x WHERE p.source <>"
		"  'activity' AND x.id = p.ref_id), '')"
		" FROM party_points p WHERE p.member_id = ? ORDER BY p.at DESC, p.id DESC LIMIT 30",
		e);
	if (!st) {
		json_decref(m);
		return -1;
	}
	store_bind_int(st, 1, w->member_id);
	json_t *ledger = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(ledger,
				      json_pack("{s:I, s:s, s:I, s:o, s:s}", "points",
						(json_int_t)store_col_int(st, 0), "source",
						store_col_text(st, 1), "ref_id",
						(json_int_t)store_col_int(st, 2), "at",
						party_time(st, 3), "title", store_col_text(st, 4)));
	store_done(st);
	if (rc < 0) {
		json_decref(m);
		json_decref(ledger);
		return -1;
	}
	*out = json_pack("{s:O, s:O, s:o}", "member", m, "points", json_object_get(m, "points"),
			 "ledger", ledger);
	json_decref(m);
	return 0;
}

/* ---- figures ---- */

typedef struct branch_fig {
	int64_t activities, attended, expected, dues, paid, claimed, done;
} branch_fig;

typedef struct fig_map {
	int64_t *ids;
	branch_fig *figs;
	size_t n;
} fig_map;

static branch_fig *fig_for(const fig_map *map, int64_t id)
{
	for (size_t i = 0; i < map->n; i++)
		if (map->ids[i] == id)
			return &map->figs[i];
	return NULL;
}

/* Runs one per-branch aggregate (columns: branch id, then a, b) into the figures. */
static int fold(store_conn *c, const fig_map *map, const char *sql, const char *fmt, int64_t p1,
		const char *p2, size_t off_a, size_t off_b, size_t off_c, err *e)
{
	store_stmt *st = store_prepare(c, sql, e);
	if (!st)
		return -1;
	if (fmt[0] == 'i')
		store_bindf(st, "ii", p1, clock_now_ms());
	else
		store_bindf(st, "s", p2);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		branch_fig *f = fig_for(map, store_col_int(st, 0));
		if (!f)
			continue;
		*(int64_t *)((char *)f + off_a) += store_col_int(st, 1);
		*(int64_t *)((char *)f + off_b) += store_col_int(st, 2);
		if (off_c != (size_t)-1)
			*(int64_t *)((char *)f + off_c) += store_col_int(st, 3);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

static json_t *rate(int64_t a, int64_t b)
{
	return b ? json_real((double)a / (double)b) : json_null();
}

int party_stats(store_conn *c, const party_who *w, int year, json_t **items, err *e)
{
	char hi[SCOPE_PATH_MAX];
	party_area(w, hi, sizeof hi);
	json_t *done;
	if (party_branch_completions(c, w, year, &done, e) < 0)
		return -1;
	store_stmt *st = store_prepare(c,
				       "SELECT b.id, b.name, u.name FROM party_orgs b"
				       " JOIN units u ON u.id = b.unit_id WHERE b.kind = 'branch'"
				       " AND u.path >= ? AND u.path < ? ORDER BY b.path",
				       e);
	if (!st) {
		json_decref(done);
		return -1;
	}
	store_bindf(st, "ss", w->a.unit_path, hi);
	json_t *list = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "id",
						      (json_int_t)store_col_int(st, 0), "name",
						      store_col_text(st, 1), "unit_name",
						      store_col_text(st, 2)));
	store_done(st);
	size_t n = json_array_size(list);
	fig_map fm = {.ids = xcalloc(n ? n : 1, sizeof(int64_t)),
		      .figs = xcalloc(n ? n : 1, sizeof(branch_fig)),
		      .n = n};
	fig_map *map = &fm;
	branch_fig *figs = fm.figs;
	for (size_t i = 0; i < n; i++)
		fm.ids[i] = json_integer_value(json_object_get(json_array_get(list, i), "id"));
	int64_t from, to;
	int months;
	party_period(year, 0, &from, &to, &months);
	char yearlike[16];
	snprintf(yearlike, sizeof yearlike, "%04d-%%", year);
	char *q1 = xasprintf(
		"SELECT o.branch_id, COUNT(*), SUM((SELECT COUNT(*) FROM party_attendance t"
		" WHERE t.activity_id = a.id)), SUM((SELECT COUNT(*) FROM party_members em"
		" JOIN party_orgs eo ON eo.id = em.org_id WHERE eo.path >= o.path AND eo.path <"
		" SUBSTR(o.path, 1, LENGTH(o.path) - 1) || '0'))"
		" FROM party_activities a JOIN party_orgs o ON o.id = a.org_id"
		" WHERE a.held_at >= %lld AND a.held_at < ? AND a.held_at <= ? GROUP BY "
		"o.branch_id",
		(long long)from);
	if (rc < 0 ||
	    fold(c, map, q1, "i", to, NULL, offsetof(branch_fig, activities),
		 offsetof(branch_fig, attended), offsetof(branch_fig, expected), e) < 0 ||
	    fold(c, map,
		 "SELECT o.branch_id, COUNT(*), SUM(CASE WHEN d.paid_at IS NULL THEN 0 ELSE 1 END)"
		 " FROM party_dues d JOIN party_members m ON m.id = d.member_id"
		 " JOIN party_orgs o ON o.id = m.org_id WHERE d.month LIKE ? GROUP BY o.branch_id",
		 "s", 0, yearlike, offsetof(branch_fig, dues), offsetof(branch_fig, paid),
		 (size_t)-1, e) < 0) {
		rc = -1;
	}
	free(q1);
	if (rc >= 0) {
		char *q3 = xasprintf(
			"SELECT o.branch_id, COUNT(*), SUM(CASE WHEN x.status = 'fulfilled' THEN 1"
			" ELSE 0 END) FROM party_wishes x JOIN party_members m ON m.id = "
			"x.claimer_id"
			" JOIN party_orgs o ON o.id = m.org_id WHERE x.claimed_at >= %lld"
			" AND x.claimed_at < ? AND x.claimed_at <= ? GROUP BY o.branch_id",
			(long long)from);
		rc = fold(c, map, q3, "i", to, NULL, offsetof(branch_fig, claimed),
			  offsetof(branch_fig, done), (size_t)-1, e);
		free(q3);
	}
	if (rc < 0) {
		free(fm.ids);
		free(figs);
		json_decref(list);
		json_decref(done);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(list, i);
		branch_fig *f = &figs[i];
		char key[24];
		snprintf(key, sizeof key, "%lld",
			 (long long)json_integer_value(json_object_get(o, "id")));
		json_t *qc = json_object_get(done, key);
		json_object_set_new(o, "quota_completion", qc ? json_copy(qc) : json_null());
		json_object_set_new(o, "activities", json_integer(f->activities));
		json_object_set_new(o, "attendance_rate", rate(f->attended, f->expected));
		json_object_set_new(o, "dues_paid_rate", rate(f->paid, f->dues));
		json_object_set_new(o, "tasks_claimed", json_integer(f->claimed));
		json_object_set_new(o, "tasks_done", json_integer(f->done));
	}
	free(fm.ids);
	free(figs);
	json_decref(done);
	*items = list;
	return 0;
}
