/* The category tree of events and components (docs/grid.md "Categories"): seeded with the
 * common GB/T 30428 classes, edited by the city's admins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "grid/event.h"
#include "org/audit.h"

static const char *const kinds[] = {"event", "component", NULL};
static const char *const limits[] = {"file_minutes", "dispatch_minutes", "handle_minutes",
				     "verify_minutes", NULL};

#define CAT_SELECT                                                                                 \
	"SELECT id, parent_id, code, name, kind, file_minutes, dispatch_minutes,"                  \
	" handle_minutes, verify_minutes, active, sort FROM grid_categories"

static json_t *cat_json(store_stmt *st)
{
	json_t *o = json_pack(
		"{s:I, s:o, s:s, s:s, s:s, s:b, s:I}", "id", (json_int_t)store_col_int(st, 0),
		"parent_id",
		store_col_null(st, 1) ? json_null() : json_integer(store_col_int(st, 1)), "code",
		store_col_text(st, 2), "name", store_col_text(st, 3), "kind", store_col_text(st, 4),
		"active", store_col_int(st, 9) != 0, "sort", (json_int_t)store_col_int(st, 10));
	json_t *l = json_object();
	for (int i = 0; limits[i]; i++)
		json_object_set_new(l, limits[i], json_integer(store_col_int(st, 5 + i)));
	json_object_set_new(o, "limits", l);
	return o;
}

int grid_categories_json(store_conn *c, bool all, json_t **out, err *e)
{
	store_stmt *st = store_prepare(c,
				       all ? CAT_SELECT " ORDER BY sort, id"
					   : CAT_SELECT " WHERE active = 1 ORDER BY sort, id",
				       e);
	if (!st)
		return -1;
	json_t *flat = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(flat, cat_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(flat);
		return -1;
	}
	/* The tree: children under their parent (two levels), in order. */
	json_t *roots = json_array();
	size_t i, j;
	json_t *v, *w;
	json_array_foreach(flat, i, v)
	{
		json_object_set_new(v, "children", json_array());
		if (json_is_null(json_object_get(v, "parent_id")))
			json_array_append(roots, v);
	}
	json_array_foreach(flat, i, v)
	{
		json_int_t parent = json_integer_value(json_object_get(v, "parent_id"));
		if (!parent)
			continue;
		json_array_foreach(flat, j,
				   w) if (json_integer_value(json_object_get(w, "id")) == parent)
		{
			json_array_append(json_object_get(w, "children"), v);
			break;
		}
	}
	json_decref(flat);
	*out = json_pack("{s:o}", "items", roots);
	return 0;
}

int grid_category_get(store_conn *c, int64_t id, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, CAT_SELECT " WHERE id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "事件分类不存在")
			       : -1;
	*out = cat_json(st);
	store_done(st);
	return 0;
}

static int city_admin(const actor *who, err *e)
{
	return actor_is_city_admin(who) ? 0
					: err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
						  "只有市级管理员可以维护事件分类");
}

/* The limits of the body into mins (unchanged where absent). */
static int read_limits(json_t *body, int64_t mins[4], bool *any, err *e)
{
	for (int i = 0; limits[i]; i++) {
		bool present;
		int64_t v;
		if (jv_int(body, limits[i], 0, 1, GRID_STEP_MINUTES_MAX, &v, &present, e) < 0)
			return -1;
		if (present)
			mins[i] = v, *any = true;
	}
	return 0;
}

/* The parent's kind into pk: 422 unless it exists and is a top class. */
static int parent_kind(store_conn *c, int64_t parent, char *pk, size_t n, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e, "SELECT kind, parent_id FROM grid_categories WHERE id = ?", "i", parent);
	if (rc < 0)
		return -1;
	bool ok = rc == 1 && store_col_null(st, 1);
	if (rc == 1) {
		snprintf(pk, n, "%s", store_col_text(st, 0));
		store_done(st);
	}
	return ok ? 0
		  : err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
			    "上级分类不存在或已是小类（分类最多两级）");
}

static bool kind_valid(const char *kind)
{
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], kind))
			return true;
	return false;
}

int grid_category_create(store_conn *c, const actor *who, json_t *body, int64_t *id, err *e)
{
	const char *code, *name, *kind;
	int64_t parent = 0, sort = 0, mins[4] = {60, 120, 1080, 240};
	bool any = false;
	char pk[16] = "";
	if (city_admin(who, e) < 0 ||
	    jv_str(body, "code", JV_REQUIRED, GRID_CODE_MAX, &code, NULL, e) < 0 ||
	    jv_str(body, "name", JV_REQUIRED, GRID_NAME_MAX, &name, NULL, e) < 0 ||
	    jv_str(body, "kind", 0, 16, &kind, NULL, e) < 0 ||
	    jv_int(body, "parent_id", 0, 1, INT64_MAX, &parent, NULL, e) < 0 ||
	    jv_int(body, "sort", 0, 0, 100000, &sort, NULL, e) < 0 ||
	    read_limits(body, mins, &any, e) < 0)
		return -1;
	if (kind && !kind_valid(kind))
		return err_set(e, ERR_INVALID, "invalid_value", "kind",
			       "类别须为 event（事件）或 component（部件）");
	if (parent && parent_kind(c, parent, pk, sizeof pk, e) < 0)
		return -1;
	if (parent && kind && strcmp(kind, pk))
		return err_set(e, ERR_INVALID, "invalid_value", "kind", "小类的类别须与大类相同");
	if (!kind && !parent)
		return err_set(e, ERR_INVALID, "missing_field", "kind",
			       "请选择类别：event（事件）或 component（部件）");
	if (!kind)
		kind = pk;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO grid_categories (parent_id, code, name, kind,"
				 " file_minutes, dispatch_minutes, handle_minutes, verify_minutes,"
				 " sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				 "nsssiiiii", parent, code, name, kind, mins[0], mins[1], mins[2],
				 mins[3], sort);
	if (rc < 0) {
		if (e->kind == ERR_CONFLICT)
			snprintf(e->field, sizeof e->field, "code");
		return -1;
	}
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	rc = audit_append(c, who, "grid_category_create", "grid_category", *id, body, e);
	return rc;
}

int grid_category_update(store_conn *c, const actor *who, int64_t id, json_t *body, err *e)
{
	const char *name;
	int active = -1;
	int64_t sort = -1, mins[4] = {0, 0, 0, 0};
	bool any = false, has_sort;
	json_t *cur;
	if (city_admin(who, e) < 0 || grid_category_get(c, id, &cur, e) < 0)
		return -1;
	json_t *l = json_object_get(cur, "limits");
	for (int i = 0; limits[i]; i++)
		mins[i] = json_integer_value(json_object_get(l, limits[i]));
	json_decref(cur);
	if (jv_str(body, "name", 0, GRID_NAME_MAX, &name, NULL, e) < 0 ||
	    jv_bool(body, "active", 0, &active, e) < 0 ||
	    jv_int(body, "sort", 0, 0, 100000, &sort, &has_sort, e) < 0 ||
	    read_limits(body, mins, &any, e) < 0)
		return -1;
	if (store_exec(c, e,
		       "UPDATE grid_categories SET name = COALESCE(?, name), file_minutes = ?,"
		       " dispatch_minutes = ?, handle_minutes = ?, verify_minutes = ?,"
		       " active = CASE WHEN ? < 0 THEN active ELSE ? END,"
		       " sort = CASE WHEN ? < 0 THEN sort ELSE ? END WHERE id = ?",
		       "siiiiiiiii", name, mins[0], mins[1], mins[2], mins[3], (int64_t)active,
		       (int64_t)active, has_sort ? sort : -1, sort, id) < 0)
		return -1;
	return audit_append(c, who, "grid_category_update", "grid_category", id, body, e);
}
