#include "grid/patrol.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "grid/grid.h"
#include "org/audit.h"

enum { HOUR_MS = 3600 * 1000, DAY_MS = 24 * HOUR_MS, CHINA_MS = 8 * HOUR_MS };

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t patrol_night_ms(int64_t start, int64_t end)
{
	if (end <= start)
		return 0;
	/* In China time, the night of day d is [d + 22 h, d + 30 h). Walk the nights from
	 * the one that began the day before start's day. */
	int64_t s = start + CHINA_MS, t = end + CHINA_MS, sum = 0;
	for (int64_t d = floor_div(s, DAY_MS) - 1; d * DAY_MS + 22 * HOUR_MS < t; d++) {
		int64_t a = d * DAY_MS + 22 * HOUR_MS, b = a + 8 * HOUR_MS;
		int64_t lo = a > s ? a : s, hi = b < t ? b : t;
		if (hi > lo)
			sum += hi - lo;
	}
	return sum;
}

int patrol_create(store_conn *c, const actor *who, const patrol_input *in, int64_t now, int64_t *id,
		  err *e)
{
	int64_t grid_id = in->grid_id;
	if (!grid_id && grid_of_member(c, who, &grid_id, e) < 0)
		return -1;
	grid_ref g;
	if (grid_find(c, who, grid_id, &g, e) < 0)
		return -1;
	bool own_unit = actor_has(who, ROLE_GRID_MEMBER) && who->unit_id == g.id;
	if (who->user_id != g.member_id && who->user_id != g.backup_id && !own_unit)
		return err_set(e, ERR_FORBIDDEN, "not_grid_member", "grid_id",
			       "只有本网格的网格员或 B 岗可以记录巡查");
	if (in->ended_at <= in->started_at)
		return err_set(e, ERR_INVALID, "invalid_period", "ended_at",
			       "结束时间须晚于开始时间");
	if (in->ended_at > now + PATROL_CLOCK_SLACK_MS)
		return err_set(e, ERR_INVALID, "in_future", "ended_at", "结束时间不能晚于现在");
	if (in->ended_at - in->started_at > PATROL_LENGTH_MAX_MS)
		return err_set(e, ERR_INVALID, "too_long", "ended_at", "一次巡查不能超过 24 小时");
	/* The user's row is locked first (a no-op update), so that two patrols recorded at
	 * once on PostgreSQL cannot both pass the overlap check. */
	int64_t n;
	if (store_exec(c, e, "UPDATE users SET updated_at = updated_at WHERE id = ?", "i",
		       who->user_id) < 0)
		return -1;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM grid_patrols WHERE user_id = ? AND started_at < ?"
			    " AND ended_at > ?",
			    "iii", who->user_id, in->ended_at, in->started_at) < 0)
		return -1;
	if (n)
		return err_set(e, ERR_CONFLICT, "overlapping", "started_at",
			       "与您已记录的另一次巡查时间重叠");
	int64_t minutes = (in->ended_at - in->started_at) / 60000;
	int64_t night = patrol_night_ms(in->started_at, in->ended_at) / 60000;
	if (store_query_int(
		    c, id, 0, e,
		    "INSERT INTO grid_patrols (grid_id, user_id, started_at, ended_at, minutes,"
		    " night_minutes, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		    " RETURNING id",
		    "iiiiiisi", grid_id, who->user_id, in->started_at, in->ended_at, minutes, night,
		    in->notes && *in->notes ? in->notes : NULL, now) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:I, s:I}", "grid_id", (json_int_t)grid_id, "minutes",
			      (json_int_t)minutes, "night_minutes", (json_int_t)night);
	int rc = audit_append(c, who, "patrol.create", "grid_patrol", *id, d, e);
	json_decref(d);
	return rc;
}

#define PATROL_WHERE                                                                               \
	" FROM grid_patrols t JOIN units u ON u.id = t.grid_id JOIN users us ON us.id = t.user_id" \
	" WHERE ((u.path >= ? AND u.path < ?) OR t.user_id = ?)"                                   \
	" AND (CAST(? AS BIGINT) = 0 OR t.grid_id = ?) AND (CAST(? AS BIGINT) = 0 OR t.user_id = " \
	"?)"                                                                                       \
	" AND (CAST(? AS BIGINT) = 0 OR t.started_at >= ?) AND (CAST(? AS BIGINT) = 0 OR "         \
	"t.started_at < ?)"

static void bind_where(store_stmt *st, const actor *who, const patrol_filter *f)
{
	char hi[SCOPE_PATH_MAX + 2];
	scope_upper(who->unit_path, hi, sizeof hi);
	store_bindf(st, "ssiiiiiiiii", who->unit_path, hi, who->user_id ? who->user_id : -1,
		    f->grid_id, f->grid_id, f->user_id, f->user_id, f->from, f->from, f->to, f->to);
}

static json_t *row_json(store_stmt *st)
{
	char a[40], b[40];
	clock_format_iso(store_col_int(st, 5), a, sizeof a);
	clock_format_iso(store_col_int(st, 6), b, sizeof b);
	return json_pack(
		"{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:o}", "id",
		(json_int_t)store_col_int(st, 0), "grid_id", (json_int_t)store_col_int(st, 1),
		"grid_name", store_col_text(st, 2), "user_id", (json_int_t)store_col_int(st, 3),
		"user_name", store_col_text(st, 4), "started_at", a, "ended_at", b, "minutes",
		(json_int_t)store_col_int(st, 7), "night_minutes", (json_int_t)store_col_int(st, 8),
		"notes", store_col_null(st, 9) ? json_null() : json_string(store_col_text(st, 9)));
}

int patrol_list(store_conn *c, const actor *who, const patrol_filter *f, int64_t now, json_t **out,
		err *e)
{
	if (f->grid_id) {
		grid_ref g;
		if (grid_find(c, who, f->grid_id, &g, e) < 0)
			return -1;
	}
	store_stmt *st = store_prepare(c,
				       "SELECT COUNT(*), COALESCE(SUM(t.minutes), 0),"
				       " COALESCE(SUM(t.night_minutes), 0)" PATROL_WHERE,
				       e);
	if (!st)
		return -1;
	bind_where(st, who, f);
	int rc = store_step(st, e);
	int64_t total = 0, minutes = 0, night = 0;
	if (rc == 1) {
		total = store_col_int(st, 0);
		minutes = store_col_int(st, 1);
		night = store_col_int(st, 2);
	}
	store_done(st);
	if (rc < 0)
		return -1;
	int64_t week;
	if (store_query_int(c, &week, 0, e,
			    "SELECT COALESCE(SUM(minutes), 0) FROM grid_patrols WHERE user_id = ?"
			    " AND started_at >= ?",
			    "ii", who->user_id, grid_week_start(now)) < 0)
		return -1;
	st = store_prepare(
		c,
		"SELECT t.id, t.grid_id, u.name, t.user_id, us.display_name, t.started_at,"
		" t.ended_at, t.minutes, t.night_minutes, t.notes" PATROL_WHERE
		" ORDER BY t.started_at DESC, t.id DESC LIMIT ? OFFSET ?",
		e);
	if (!st)
		return -1;
	bind_where(st, who, f);
	store_bind_int(st, 12, f->per_page);
	store_bind_int(st, 13, (f->page - 1) * f->per_page);
	json_t *items = json_array();
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(items, row_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "items", items, "total",
			 (json_int_t)total, "page", (json_int_t)f->page, "per_page",
			 (json_int_t)f->per_page, "minutes", (json_int_t)minutes, "night_minutes",
			 (json_int_t)night, "week_minutes", (json_int_t)week);
	return 0;
}
