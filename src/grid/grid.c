#include "grid/grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "org/audit.h"
#include "org/privacy.h"

enum { DAY_MS_ = 86400000, CHINA_OFFSET_MS = 8 * 3600 * 1000 };

#define GRID_SELECT                                                                                \
	"SELECT u.id, u.parent_id, COALESCE(p.parent_id, 0), u.path, u.name,"                      \
	" COALESCE(gp.member_user_id, 0), COALESCE(gp.backup_user_id, 0) FROM units u"             \
	" JOIN units p ON p.id = u.parent_id LEFT JOIN grid_profiles gp ON gp.unit_id = u.id"

static void ref_read(store_stmt *st, grid_ref *g)
{
	g->id = store_col_int(st, 0);
	g->parent_id = store_col_int(st, 1);
	g->township_id = store_col_int(st, 2);
	snprintf(g->path, sizeof g->path, "%s", store_col_text(st, 3));
	snprintf(g->name, sizeof g->name, "%s", store_col_text(st, 4));
	g->member_id = store_col_int(st, 5);
	g->backup_id = store_col_int(st, 6);
}

int grid_find(store_conn *c, const actor *who, int64_t id, grid_ref *g, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, GRID_SELECT " WHERE u.id = ? AND u.kind = 'grid'", "i",
				 id);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		ref_read(st, g);
		store_done(st);
		bool own = who->user_id &&
			   (who->user_id == g->member_id || who->user_id == g->backup_id);
		if (own || scope_contains(who->unit_path, g->path))
			return 0;
	}
	return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "网格不存在");
}

bool grid_sees_personal(const actor *who, const grid_ref *g)
{
	if (who->user_id && (who->user_id == g->member_id || who->user_id == g->backup_id))
		return true;
	return actor_has(who, GRID_STATION_ROLES) && who->unit_id == g->parent_id;
}

bool grid_keeps_profile(const actor *who, const grid_ref *g)
{
	if (actor_administers(who, g->path))
		return true;
	return actor_has(who, GRID_STATION_ROLES) && who->unit_id == g->parent_id;
}

int grid_of_member(store_conn *c, const actor *who, int64_t *grid_id, err *e)
{
	int64_t id;
	if (store_query_int(c, &id, 0, e,
			    "SELECT unit_id FROM grid_profiles WHERE member_user_id = ?"
			    " ORDER BY unit_id LIMIT 1",
			    "i", who->user_id) < 0)
		return -1;
	if (!id && store_query_int(c, &id, 0, e,
				   "SELECT unit_id FROM grid_profiles WHERE backup_user_id = ?"
				   " ORDER BY unit_id LIMIT 1",
				   "i", who->user_id) < 0)
		return -1;
	if (!id &&
	    store_query_int(c, &id, 0, e, "SELECT id FROM units WHERE id = ? AND kind = 'grid'",
			    "i", who->unit_id) < 0)
		return -1;
	if (!id)
		return err_set(e, ERR_INVALID, "no_grid", "grid_id", "您不是任何网格的网格员");
	*grid_id = id;
	return 0;
}

int64_t grid_week_start(int64_t now)
{
	int64_t local = now + CHINA_OFFSET_MS;
	int64_t day = local >= 0 ? local / DAY_MS_ : (local - DAY_MS_ + 1) / DAY_MS_;
	/* 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday. */
	int64_t weekday = ((day % 7) + 7 + 3) % 7;
	return (day - weekday) * DAY_MS_ - CHINA_OFFSET_MS;
}

/* ---- reading ---- */

#define LIST_SQL                                                                                   \
	"SELECT u.id, u.name, u.parent_id, p.name, COALESCE(p.parent_id, 0), gp.boundary,"         \
	" gp.center_lat, gp.center_lon, gp.area_km2, gp.notes, COALESCE(gp.member_user_id, 0),"    \
	" mu.display_name, COALESCE(gp.backup_user_id, 0), bu.display_name,"                       \
	" (SELECT COUNT(*) FROM grid_households h WHERE h.grid_id = u.id),"                        \
	" (SELECT COALESCE(SUM(h.members), 0) FROM grid_households h WHERE h.grid_id = u.id),"     \
	" (SELECT COUNT(*) FROM grid_households h WHERE h.grid_id = u.id AND h.tags <> ','),"      \
	" (SELECT COUNT(*) FROM grid_places pl WHERE pl.grid_id = u.id),"                          \
	" (SELECT COALESCE(SUM(t.minutes), 0) FROM grid_patrols t WHERE t.grid_id = u.id"          \
	" AND t.started_at >= ?),"                                                                 \
	" (SELECT MAX(t.ended_at) FROM grid_patrols t WHERE t.grid_id = u.id), u.path"             \
	" FROM units u JOIN units p ON p.id = u.parent_id"                                         \
	" LEFT JOIN grid_profiles gp ON gp.unit_id = u.id"                                         \
	" LEFT JOIN users mu ON mu.id = gp.member_user_id"                                         \
	" LEFT JOIN users bu ON bu.id = gp.backup_user_id"                                         \
	" WHERE u.kind = 'grid' AND u.disabled = 0"                                                \
	" AND ((u.path >= ? AND u.path < ?) OR gp.member_user_id = ? OR gp.backup_user_id = ?)"

static json_t *person(int64_t id, const char *name)
{
	return id ? json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name) : json_null();
}

static json_t *real_or_null(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_real(store_col_double(st, col));
}

static json_t *row_json(store_stmt *st)
{
	json_t *boundary = NULL;
	if (!store_col_null(st, 5))
		boundary = json_loads(store_col_text(st, 5), 0, NULL);
	char last[40] = "";
	if (!store_col_null(st, 19))
		clock_format_iso(store_col_int(st, 19), last, sizeof last);
	int64_t week = store_col_int(st, 18);
	json_t *o = json_pack(
		"{s:I, s:s, s:I, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
		(json_int_t)store_col_int(st, 0), "name", store_col_text(st, 1), "parent_id",
		(json_int_t)store_col_int(st, 2), "parent_name", store_col_text(st, 3),
		"township_id", (json_int_t)store_col_int(st, 4), "boundary",
		boundary ? boundary : json_null(), "center",
		store_col_null(st, 6) ? json_null()
				      : json_pack("{s:f, s:f}", "lat", store_col_double(st, 6),
						  "lon", store_col_double(st, 7)),
		"area_km2", real_or_null(st, 8), "notes",
		store_col_null(st, 9) ? json_null() : json_string(store_col_text(st, 9)), "member",
		person(store_col_int(st, 10), store_col_text(st, 11)), "backup",
		person(store_col_int(st, 12), store_col_text(st, 13)));
	json_object_set_new(o, "counts",
			    json_pack("{s:I, s:I, s:I, s:I}", "households",
				      (json_int_t)store_col_int(st, 14), "population",
				      (json_int_t)store_col_int(st, 15), "special",
				      (json_int_t)store_col_int(st, 16), "places",
				      (json_int_t)store_col_int(st, 17)));
	json_object_set_new(o, "week_patrol_minutes", json_integer(week));
	json_object_set_new(o, "patrolled_this_week", json_boolean(week > 0));
	json_object_set_new(o, "last_patrol_at", *last ? json_string(last) : json_null());
	return o;
}

static void bind_list(store_stmt *st, const actor *who, int64_t now)
{
	char hi[SCOPE_PATH_MAX + 2];
	scope_upper(who->unit_path, hi, sizeof hi);
	int64_t me = who->user_id ? who->user_id : -1;
	store_bindf(st, "issii", grid_week_start(now), who->unit_path, hi, me, me);
}

int grid_list(store_conn *c, const actor *who, int64_t parent_id, bool idle_only, int64_t now,
	      json_t **items, err *e)
{
	store_stmt *st = store_prepare(c,
				       LIST_SQL " AND (CAST(? AS BIGINT) = 0 OR u.parent_id = ? OR "
						"p.parent_id = ?) ORDER BY u.path",
				       e);
	if (!st)
		return -1;
	bind_list(st, who, now);
	store_bind_int(st, 6, parent_id);
	store_bind_int(st, 7, parent_id);
	store_bind_int(st, 8, parent_id);
	*items = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (idle_only && store_col_int(st, 18) > 0)
			continue;
		json_array_append_new(*items, row_json(st));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

static int places_json(store_conn *c, int64_t id, bool full, json_t **out, err *e)
{
	store_stmt *st = store_prepare(c,
				       "SELECT id, name, kind, address, contact, phone FROM"
				       " grid_places WHERE grid_id = ? ORDER BY id",
				       e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	*out = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		char masked[64];
		const char *phone = store_col_text(st, 5);
		if (!full) {
			privacy_mask_phone(phone, masked, sizeof masked);
			phone = masked;
		}
		json_array_append_new(*out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
						      (json_int_t)store_col_int(st, 0), "name",
						      store_col_text(st, 1), "kind",
						      store_col_text(st, 2), "address",
						      store_col_text(st, 3), "contact",
						      store_col_text(st, 4), "phone", phone));
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

int grid_get(store_conn *c, const actor *who, int64_t id, int64_t now, json_t **out, err *e)
{
	grid_ref g;
	if (grid_find(c, who, id, &g, e) < 0)
		return -1;
	store_stmt *st = store_prepare(c, LIST_SQL " AND u.id = ?", e);
	if (!st)
		return -1;
	bind_list(st, who, now);
	store_bind_int(st, 6, id);
	int rc = store_step(st, e);
	if (rc != 1) {
		store_done(st);
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "网格不存在");
	}
	*out = row_json(st);
	store_done(st);
	bool full = grid_sees_personal(who, &g);
	json_object_set_new(*out, "personal_visible", json_boolean(full));
	json_object_set_new(*out, "editable", json_boolean(grid_keeps_profile(who, &g)));
	json_t *places;
	if (places_json(c, id, full, &places, e) < 0) {
		json_decref(*out);
		return -1;
	}
	json_object_set_new(*out, "places", places);
	return 0;
}

/* ---- the boundary ---- */

typedef struct shape {
	size_t points;
	double min_lon, max_lon, min_lat, max_lat;
	double area_km2, sum_lat, sum_lon;
	size_t n_centre;
} shape;

static int bad(err *e, const char *why)
{
	return err_set(e, ERR_INVALID, "invalid_boundary", "boundary", "网格边界无效：%s", why);
}

/* A ring: at least 4 positions, closed, each [lon, lat] inside China's box. The area of
 * an outer ring adds, of a hole subtracts (equirectangular at the ring's latitude). */
static int ring_check(json_t *ring, bool outer, shape *s, err *e)
{
	size_t n = json_array_size(ring);
	if (!json_is_array(ring) || n < 4)
		return bad(e, "每个环至少需要 4 个点");
	s->points += n;
	if (s->points > GRID_BOUNDARY_POINTS_MAX)
		return bad(e, "点数过多");
	double area = 0, plon = 0, plat = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_array_get(ring, i);
		json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
		if (!json_is_array(p) || json_array_size(p) < 2 || json_array_size(p) > 3 ||
		    !json_is_number(x) || !json_is_number(y))
			return bad(e, "坐标须为 [经度, 纬度]");
		double lon = json_number_value(x), lat = json_number_value(y);
		if (!(lon >= 73 && lon <= 136 && lat >= 3 && lat <= 54))
			return bad(e, "坐标不在中国境内（经度 73–136，纬度 3–54）");
		if (lon < s->min_lon)
			s->min_lon = lon;
		if (lon > s->max_lon)
			s->max_lon = lon;
		if (lat < s->min_lat)
			s->min_lat = lat;
		if (lat > s->max_lat)
			s->max_lat = lat;
		if (i > 0)
			area += (plon * lat - lon * plat);
		if (i + 1 < n) {
			s->sum_lat += lat;
			s->sum_lon += lon;
			s->n_centre += outer;
		}
		plon = lon;
		plat = lat;
	}
	json_t *a = json_array_get(ring, 0), *z = json_array_get(ring, n - 1);
	if (json_number_value(json_array_get(a, 0)) != json_number_value(json_array_get(z, 0)) ||
	    json_number_value(json_array_get(a, 1)) != json_number_value(json_array_get(z, 1)))
		return bad(e, "环须首尾相接");
	double lat0 = json_number_value(json_array_get(a, 1)) * M_PI / 180;
	double km2 = fabs(area) / 2 * 111.32 * 111.32 * cos(lat0);
	if (outer && km2 <= 0)
		return bad(e, "面积为零");
	s->area_km2 += outer ? km2 : -km2;
	return 0;
}

static int polygon_check(json_t *poly, shape *s, err *e)
{
	size_t n = json_array_size(poly);
	if (!json_is_array(poly) || n < 1 || n > 20)
		return bad(e, "多边形须有 1–20 个环");
	for (size_t i = 0; i < n; i++)
		if (ring_check(json_array_get(poly, i), i == 0, s, e) < 0)
			return -1;
	return 0;
}

int grid_boundary_check(json_t *boundary, json_t **geometry, double *lat, double *lon,
			double *area_km2, err *e)
{
	json_t *geom = boundary;
	const char *type = json_string_value(json_object_get(boundary, "type"));
	if (type && !strcmp(type, "Feature")) {
		geom = json_object_get(boundary, "geometry");
		type = json_string_value(json_object_get(geom, "type"));
	}
	if (!json_is_object(geom) || !type)
		return bad(e, "须为 GeoJSON 几何对象");
	json_t *coords = json_object_get(geom, "coordinates");
	shape s = {.min_lon = 1e9, .max_lon = -1e9, .min_lat = 1e9, .max_lat = -1e9};
	if (!strcmp(type, "Polygon")) {
		if (polygon_check(coords, &s, e) < 0)
			return -1;
	} else if (!strcmp(type, "MultiPolygon")) {
		size_t n = json_array_size(coords);
		if (!json_is_array(coords) || n < 1 || n > 20)
			return bad(e, "多边形集合须有 1–20 个多边形");
		for (size_t i = 0; i < n; i++)
			if (polygon_check(json_array_get(coords, i), &s, e) < 0)
				return -1;
	} else {
		return bad(e, "类型须为 Polygon 或 MultiPolygon");
	}
	if (s.max_lon - s.min_lon > 0.5 || s.max_lat - s.min_lat > 0.5)
		return bad(e, "范围过大（超过 0.5 度）");
	if (s.area_km2 <= 0)
		return bad(e, "面积为零");
	*geometry = json_pack("{s:s, s:O}", "type", type, "coordinates", coords);
	*lat = s.n_centre ? s.sum_lat / (double)s.n_centre : 0;
	*lon = s.n_centre ? s.sum_lon / (double)s.n_centre : 0;
	*area_km2 = s.area_km2;
	return 0;
}

/* ---- the profile ---- */

/* Whether user id may serve the grid: an enabled grid member of its community or
 * village. */
static int person_check(store_conn *c, const grid_ref *g, int64_t id, const char *field, err *e)
{
	char parent[SCOPE_PATH_MAX];
	snprintf(parent, sizeof parent, "%.*s", (int)(strrchr(g->path, '/') - g->path), g->path);
	char *cut = strrchr(parent, '/');
	if (cut)
		cut[1] = '\0';
	char hi[SCOPE_PATH_MAX + 2];
	scope_upper(parent, hi, sizeof hi);
	int64_t n;
	if (store_query_int(c, &n, 0, e,
			    "SELECT COUNT(*) FROM users us JOIN units u ON u.id = us.unit_id"
			    " JOIN user_roles r ON r.user_id = us.id AND r.role = 'grid_member'"
			    " WHERE us.id = ? AND us.disabled = 0 AND u.path >= ? AND u.path < ?",
			    "iss", id, parent, hi) < 0)
		return -1;
	if (!n)
		return err_set(e, ERR_INVALID, "invalid_member", field,
			       "须为本社区（村）在岗的网格员");
	return 0;
}

int grid_profile_put(store_conn *c, const actor *who, int64_t id, const grid_profile_input *in,
		     err *e)
{
	grid_ref g;
	if (grid_find(c, who, id, &g, e) < 0)
		return -1;
	if (!grid_keeps_profile(who, &g))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有管理员或所属社区（村）工作站可以设置网格");
	int64_t member = in->set_member ? in->member_id : g.member_id;
	int64_t backup = in->set_backup ? in->backup_id : g.backup_id;
	if (in->set_member && member && person_check(c, &g, member, "member_user_id", e) < 0)
		return -1;
	if (in->set_backup && backup && person_check(c, &g, backup, "backup_user_id", e) < 0)
		return -1;
	if (member && member == backup)
		return err_set(e, ERR_INVALID, "same_person", "backup_user_id",
			       "网格员与 B 岗不能是同一人");
	int64_t now = clock_now_ms();
	if (store_exec(c, e,
		       "INSERT INTO grid_profiles (unit_id, updated_at) VALUES (?, ?)"
		       " ON CONFLICT (unit_id) DO NOTHING",
		       "ii", id, now) < 0)
		return -1;
	char *text = in->set_boundary && in->boundary
			     ? json_dumps(in->boundary, JSON_COMPACT | JSON_REAL_PRECISION(10))
			     : NULL;
	int64_t rc = store_exec(
		c, e,
		"UPDATE grid_profiles SET member_user_id = ?, backup_user_id = ?,"
		" boundary = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE boundary END,"
		" center_lat = CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) ELSE center_lat "
		"END,"
		" center_lon = CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) ELSE center_lon "
		"END,"
		" area_km2 = CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) ELSE area_km2 END,"
		" notes = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE notes END, updated_at = ?"
		" WHERE unit_id = ?",
		"nnisidididisii", member, backup, in->set_boundary ? 1 : 0, text,
		in->set_boundary ? 1 : 0, in->lat, in->set_boundary ? 1 : 0, in->lon,
		in->set_boundary ? 1 : 0, in->area_km2, in->set_notes ? 1 : 0, in->notes, now, id);
	free(text);
	if (rc < 0)
		return -1;
	if (in->set_boundary && !in->boundary &&
	    store_exec(c, e,
		       "UPDATE grid_profiles SET center_lat = NULL, center_lon = NULL,"
		       " area_km2 = NULL WHERE unit_id = ?",
		       "i", id) < 0)
		return -1;
	json_t *d = json_pack("{s:o, s:o, s:b, s:b}", "member_user_id",
			      member ? json_integer(member) : json_null(), "backup_user_id",
			      backup ? json_integer(backup) : json_null(), "boundary",
			      in->set_boundary, "notes", in->set_notes);
	int arc = audit_append(c, who, "grid.profile", "unit", id, d, e);
	json_decref(d);
	return arc;
}
