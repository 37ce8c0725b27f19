/* Grid events as the caller reads them: one event, the list and the to-do
 * (docs/grid.md "Events"). Every read keeps to the caller's area: the grid for a grid
 * member, the unit's subtree for staff (or what the unit holds), the area for leaders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "grid/event.h"
#include "grid/event_internal.h"

static json_t *opt_time(store_stmt *st, int col)
{
	if (store_col_null(st, col))
		return json_null();
	char iso[40];
	clock_format_iso(store_col_int(st, col), iso, sizeof iso);
	return json_string(iso);
}

static json_t *opt_text(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

static json_t *ref(store_stmt *st, int id_col, int name_col)
{
	return store_col_null(st, id_col)
		       ? json_null()
		       : json_pack("{s:I, s:s}", "id", (json_int_t)store_col_int(st, id_col),
				   "name", store_col_text(st, name_col));
}

/* The columns of an item; ? 1 is now (for the light). */
#define ITEM_SELECT                                                                                \
	"SELECT c.id, c.number, c.status, c.title, c.content, c.created_at, c.closed_at,"          \
	" c.finish_due_at, g.grid_id, gu.name, g.category_id, k.name, k.code, g.address,"          \
	" g.lat, g.lon, g.reporter_id, ru.display_name, g.on_spot, g.valid, g.rework_count,"       \
	" g.escalation_count, g.step, g.step_started_at, g.step_warn_at, g.step_due_at,"           \
	" c.handler_id, hu.name, g.post_id, pu.name, g.unit_id, uu.name, g.converted_case_id,"     \
	" cc.number, cc.kind, g.verified_at, c.created_by, c.region_id, c.region_path,"            \
	" c.handler_path, g.replied_by"                                                            \
	" FROM cases c JOIN grid_events g ON g.case_id = c.id"                                     \
	" JOIN units gu ON gu.id = g.grid_id"                                                      \
	" JOIN grid_categories k ON k.id = g.category_id"                                          \
	" LEFT JOIN users ru ON ru.id = g.reporter_id"                                             \
	" LEFT JOIN units hu ON hu.id = c.handler_id"                                              \
	" LEFT JOIN units pu ON pu.id = g.post_id"                                                 \
	" LEFT JOIN units uu ON uu.id = g.unit_id"                                                 \
	" LEFT JOIN cases cc ON cc.id = g.converted_case_id"
enum { COLS = 41 };

static json_t *item_json(store_stmt *st, int64_t now)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0),
			      "number", store_col_text(st, 1), "status", store_col_text(st, 2),
			      "title", store_col_text(st, 3), "description", store_col_text(st, 4));
	json_object_set_new(o, "created_at", opt_time(st, 5));
	json_object_set_new(o, "closed_at", opt_time(st, 6));
	json_object_set_new(o, "finish_due_at", opt_time(st, 7));
	json_object_set_new(o, "grid", ref(st, 8, 9));
	json_t *cat = ref(st, 10, 11);
	json_object_set_new(cat, "code", json_string(store_col_text(st, 12)));
	json_object_set_new(o, "category", cat);
	json_object_set_new(o, "address", opt_text(st, 13));
	json_object_set_new(o, "lat",
			    store_col_null(st, 14) ? json_null()
						   : json_real(store_col_double(st, 14)));
	json_object_set_new(o, "lon",
			    store_col_null(st, 15) ? json_null()
						   : json_real(store_col_double(st, 15)));
	json_object_set_new(o, "reporter", ref(st, 16, 17));
	json_object_set_new(o, "on_spot", json_boolean(store_col_int(st, 18)));
	json_object_set_new(o, "valid", json_boolean(store_col_int(st, 19)));
	json_object_set_new(o, "rework_count", json_integer(store_col_int(st, 20)));
	json_object_set_new(o, "escalation_count", json_integer(store_col_int(st, 21)));
	int64_t warn = store_col_null(st, 24) ? 0 : store_col_int(st, 24);
	int64_t due = store_col_null(st, 25) ? 0 : store_col_int(st, 25);
	json_object_set_new(o, "step", opt_text(st, 22));
	json_object_set_new(o, "step_started_at", opt_time(st, 23));
	json_object_set_new(o, "step_due_at", opt_time(st, 25));
	const char *light = grid_light(warn, due, now);
	json_object_set_new(o, "light", light ? json_string(light) : json_null());
	json_object_set_new(o, "holder", ref(st, 26, 27));
	json_object_set_new(o, "post", ref(st, 28, 29));
	json_object_set_new(o, "unit", ref(st, 30, 31));
	json_object_set_new(o, "converted_to",
			    store_col_null(st, 32) ? json_null()
						   : json_pack("{s:I, s:s, s:s}", "id",
							       (json_int_t)store_col_int(st, 32),
							       "number", store_col_text(st, 33),
							       "kind", store_col_text(st, 34)));
	json_object_set_new(o, "verified_at", opt_time(st, 35));
	bool closed = !strcmp(store_col_text(st, 2), "closed");
	bool on_time =
		closed && !store_col_null(st, 7) && store_col_int(st, 6) <= store_col_int(st, 7);
	json_object_set_new(o, "on_time", closed ? json_boolean(on_time) : json_null());
	return o;
}

/* Who may read what: the area of the caller's unit (region or holding unit within it),
 * as case_visible says. Appends the condition to w with its parameters. */
static void where_area(const actor *me, strbuf *w, json_t *p, char *hi)
{
	scope_upper(me->unit_path, hi, SCOPE_PATH_MAX);
	strbuf_adds(w, " WHERE c.kind = 'grid_event' AND ((c.region_path >= ? AND"
		       " c.region_path < ?) OR (c.handler_path >= ? AND c.handler_path < ?))");
	for (int i = 0; i < 2; i++) {
		json_array_append_new(p, json_string(me->unit_path));
		json_array_append_new(p, json_string(hi));
	}
}

static void bind_json(store_stmt *st, json_t *p, int from)
{
	size_t i;
	json_t *v;
	json_array_foreach(p, i, v)
	{
		if (json_is_integer(v))
			store_bind_int(st, from + (int)i, json_integer_value(v));
		else
			store_bind_text(st, from + (int)i, json_string_value(v));
	}
}

/* The light as SQL over the step's times (? now, three times). */
static void where_light(const char *light, strbuf *w, json_t *p, int64_t now)
{
	if (!strcmp(light, "red")) {
		strbuf_adds(w, " AND g.step_due_at IS NOT NULL AND g.step_due_at < ?");
		json_array_append_new(p, json_integer(now));
	} else if (!strcmp(light, "yellow")) {
		strbuf_adds(w, " AND g.step_due_at >= ? AND g.step_warn_at <= ?");
		json_array_append_new(p, json_integer(now));
		json_array_append_new(p, json_integer(now));
	} else {
		strbuf_adds(w, " AND g.step_warn_at > ?");
		json_array_append_new(p, json_integer(now));
	}
}

int grid_event_list(store_conn *c, store *s, const actor *who, const grid_event_filter *f,
		    int64_t page, int64_t per_page, json_t **items, int64_t *total, err *e)
{
	strbuf w = STRBUF_INIT;
	json_t *p = json_array();
	char hi[SCOPE_PATH_MAX], *statuses = NULL, *fts = NULL;
	int64_t now = clock_now_ms();
	*items = json_array();
	*total = 0;
	where_area(who, &w, p, hi);
	int rc = 0;
	if (f->statuses) {
		statuses = xstrdup(f->statuses);
		strbuf_adds(&w, " AND c.status IN (''");
		for (char *sv = NULL, *t = strtok_r(statuses, ",", &sv); t;
		     t = strtok_r(NULL, ",", &sv))
			strbuf_adds(&w, ", ?"), json_array_append_new(p, json_string(t));
		strbuf_adds(&w, ")");
	}
	if (f->grid_id)
		strbuf_adds(&w, " AND g.grid_id = ?"),
			json_array_append_new(p, json_integer(f->grid_id));
	if (f->light)
		where_light(f->light, &w, p, now);
	if (f->q) {
		fts = store_fts_query(s, f->q);
		if (!fts)
			rc = 1;
		else {
			strbuf_addf(&w, " AND c.id IN (%s)", store_fts_ids_sql(s, "case"));
			json_array_append_new(p, json_string(fts));
		}
	}
	char *count_sql = xasprintf("SELECT COUNT(*) FROM cases c JOIN grid_events g"
				    " ON g.case_id = c.id%s",
				    strbuf_str(&w));
	char *list_sql =
		xasprintf(ITEM_SELECT "%s ORDER BY c.id DESC LIMIT ? OFFSET ?", strbuf_str(&w));
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		store_stmt *st = store_prepare(c, pass ? list_sql : count_sql, e);
		if (!st) {
			rc = -1;
			break;
		}
		bind_json(st, p, 1);
		if (pass) {
			store_bind_int(st, (int)json_array_size(p) + 1, per_page);
			store_bind_int(st, (int)json_array_size(p) + 2, (page - 1) * per_page);
		}
		int src;
		while ((src = store_step(st, e)) == 1) {
			if (pass)
				json_array_append_new(*items, item_json(st, now));
			else
				*total = store_col_int(st, 0);
		}
		store_done(st);
		rc = src < 0 ? -1 : 0;
	}
	free(count_sql);
	free(list_sql);
	free(statuses);
	free(fts);
	json_decref(p);
	strbuf_release(&w);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return -1;
	}
	return 0;
}

static int photos_json(store_conn *c, int64_t id, json_t **out, err *e)
{
	store_stmt *st = store_prepare(c,
				       "SELECT p.id, p.kind, p.content_type, p.size, p.created_at,"
				       " u.display_name FROM grid_event_photos p LEFT JOIN users u"
				       " ON u.id = p.uploaded_by WHERE p.case_id = ? ORDER BY p.id",
				       e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	*out = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		char url[64];
		snprintf(url, sizeof url, "/api/v1/grid/photos/%lld",
			 (long long)store_col_int(st, 0));
		json_t *o = json_pack(
			"{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)store_col_int(st, 0), "kind",
			store_col_text(st, 1), "url", url, "content_type", store_col_text(st, 2),
			"size", (json_int_t)store_col_int(st, 3));
		json_object_set_new(o, "created_at", opt_time(st, 4));
		json_object_set_new(o, "uploaded_by", opt_text(st, 5));
		json_array_append_new(*out, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(*out);
		return -1;
	}
	return 0;
}

/* The allowed actions: the engine's, without verify for the one who replied. */
static json_t *allowed(const actor *who, const case_row *r, int64_t replied_by)
{
	json_t *a = case_allowed_actions(who, &grid_event_machine, r);
	if (replied_by && replied_by == who->user_id) {
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!strcmp(json_string_value(json_array_get(a, i)), "verify")) {
				json_array_remove(a, i);
				break;
			}
	}
	return a;
}

int grid_event_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	case_row r;
	if (case_load(c, id, &r, e) < 0 || strcmp(r.kind, "grid_event") != 0 ||
	    !case_visible(who, &r))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "网格事件不存在");
	store_stmt *st;
	int rc = store_query_row(c, &st, e, ITEM_SELECT " WHERE c.id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "网格事件不存在")
			       : -1;
	json_t *o = item_json(st, clock_now_ms());
	int64_t replied_by = store_col_null(st, 40) ? 0 : store_col_int(st, 40);
	store_done(st);
	json_t *tl, *ph;
	if (case_timeline_json(c, id, &tl, e) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "timeline", tl);
	if (photos_json(c, id, &ph, e) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "photos", ph);
	json_object_set_new(o, "allowed_actions", allowed(who, &r, replied_by));
	*out = o;
	return 0;
}

/* The to-do: for a grid member, what they reported and must file, and what waits for
 * verification in their grid (not theirs to verify when they reported or replied); for
 * staff, what their unit holds to dispatch or handle, and what waits for verification in
 * their area. */
int grid_event_tasks(store_conn *c, const actor *who, json_t **out, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	bool staff = actor_has(who, ROLE_UNIT_STAFF), member = actor_has(who, ROLE_GRID_MEMBER);
	strbuf w = STRBUF_INIT;
	strbuf_adds(&w, ITEM_SELECT " WHERE c.kind = 'grid_event' AND (1 = 0");
	if (member)
		strbuf_adds(&w, " OR (c.status = 'reported' AND c.created_by = ?)");
	if (staff)
		strbuf_adds(&w, " OR (c.status IN ('filed', 'dispatched') AND c.handler_id = ?)");
	if (member || staff)
		strbuf_adds(&w, " OR (c.status = 'verifying' AND c.region_path >= ?"
				" AND c.region_path < ? AND c.created_by <> ?"
				" AND COALESCE(g.replied_by, 0) <> ?)");
	strbuf_adds(&w, ") ORDER BY COALESCE(g.step_due_at, c.created_at), c.id LIMIT 200");
	store_stmt *st = store_prepare(c, strbuf_str(&w), e);
	strbuf_release(&w);
	if (!st)
		return -1;
	int k = 1;
	if (member)
		store_bind_int(st, k++, who->user_id);
	if (staff)
		store_bind_int(st, k++, who->unit_id);
	if (member || staff) {
		store_bind_text(st, k++, who->unit_path);
		store_bind_text(st, k++, hi);
		store_bind_int(st, k++, who->user_id);
		store_bind_int(st, k++, who->user_id);
	}
	int64_t now = clock_now_ms();
	json_t *items = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *o = item_json(st, now);
		const char *s = store_col_text(st, 2);
		const char *task = !strcmp(s, "reported")     ? "file"
				   : !strcmp(s, "filed")      ? "dispatch"
				   : !strcmp(s, "dispatched") ? "reply"
							      : "verify";
		json_object_set_new(o, "task", json_string(task));
		json_array_append_new(items, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int grid_dispatch_units(store_conn *c, const actor *who, const char *q, json_t **out, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	strbuf like = STRBUF_INIT;
	store_like_pattern(&like, q ? q : "");
	store_stmt *st = store_prepare(
		c,
		"SELECT id, name, kind FROM units WHERE disabled = 0 AND kind NOT IN ('grid', "
		"'city')"
		" AND ((path >= ? AND path < ?) OR kind = 'department') AND name LIKE ? ESCAPE '\\'"
		" ORDER BY CASE WHEN path >= ? AND path < ? THEN 0 ELSE 1 END, path LIMIT 50",
		e);
	if (!st) {
		strbuf_release(&like);
		return -1;
	}
	store_bindf(st, "sssss", who->unit_path, hi, strbuf_str(&like), who->unit_path, hi);
	strbuf_release(&like);
	json_t *items = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s}", "id",
						       (json_int_t)store_col_int(st, 0), "name",
						       store_col_text(st, 1), "kind",
						       store_col_text(st, 2)));
	store_done(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
