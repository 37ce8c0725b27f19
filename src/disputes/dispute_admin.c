#include "disputes/dispute_admin.h"

#include <stdio.h>
#include <string.h>

#include "disputes/dispute_internal.h"
#include "org/audit.h"
#include "org/unit.h"

static json_t *type_json(store_stmt *st)
{
	return json_pack("{s:s, s:s, s:b, s:I}", "code", store_col_text(st, 0), "name",
			 store_col_text(st, 1), "active", store_col_int(st, 2) != 0, "sort",
			 (json_int_t)store_col_int(st, 3));
}

int dispute_types_list(store_conn *c, bool all, json_t **items, err *e)
{
	store_stmt *st = store_prepare(c,
				       all ? "SELECT code, name, active, sort FROM dispute_types"
					     " ORDER BY sort, code"
					   : "SELECT code, name, active, sort FROM dispute_types"
					     " WHERE active = 1 ORDER BY sort, code",
				       e);
	if (!st)
		return -1;
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, type_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

int dispute_type_get(store_conn *c, const char *code, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e, "SELECT code, name, active, sort FROM dispute_types WHERE code = ?", "s",
		code);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "纠纷类型不存在")
			       : -1;
	*out = type_json(st);
	store_done(st);
	return 0;
}

static int audit_type(store_conn *c, const actor *who, const char *action, const char *code, err *e)
{
	json_t *d = json_pack("{s:s}", "code", code);
	int rc = audit_append(c, who, action, "dispute_type", 0, d, e);
	json_decref(d);
	return rc;
}

int dispute_type_create(store_conn *c, const actor *who, const char *code, const char *name,
			int64_t sort, err *e)
{
	int64_t n;
	if (store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM dispute_types WHERE code = ?", "s",
			    code) < 0)
		return -1;
	if (n)
		return err_set(e, ERR_CONFLICT, "duplicate", "code", "纠纷类型代码 %s 已存在",
			       code);
	if (store_exec(c, e, "INSERT INTO dispute_types (code, name, sort) VALUES (?, ?, ?)", "ssi",
		       code, name, sort) < 0)
		return -1;
	return audit_type(c, who, "dispute_type_create", code, e);
}

int dispute_type_update(store_conn *c, const actor *who, const char *code, const char *name,
			int active, int64_t sort, bool set_sort, err *e)
{
	int64_t n = store_exec(c, e,
			       "UPDATE dispute_types SET name = COALESCE(?, name),"
			       " active = CASE WHEN ? < 0 THEN active ELSE ? END,"
			       " sort = CASE WHEN ? = 1 THEN ? ELSE sort END WHERE code = ?",
			       "siiiis", name, (int64_t)active, (int64_t)active,
			       (int64_t)(set_sort ? 1 : 0), sort, code);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "纠纷类型不存在");
	return audit_type(c, who, "dispute_type_update", code, e);
}

int dispute_settings_get(store_conn *c, json_t **out, err *e)
{
	int64_t people;
	if (dispute_risk_people(c, &people, e) < 0)
		return -1;
	*out = json_pack("{s:I}", "risk_people", (json_int_t)people);
	return 0;
}

int dispute_settings_put(store_conn *c, const actor *who, int64_t risk_people, err *e)
{
	char v[32];
	snprintf(v, sizeof v, "%lld", (long long)risk_people);
	if (store_exec(c, e,
		       "INSERT INTO settings (key, value) VALUES ('dispute_risk_people', ?)"
		       " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		       "s", v) < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "risk_people", (json_int_t)risk_people);
	int rc = audit_append(c, who, "dispute_settings_update", "settings", 0, d, e);
	json_decref(d);
	return rc;
}

int dispute_centres_list(store_conn *c, const actor *who, json_t **items, err *e)
{
	actor me;
	char hi[SCOPE_PATH_MAX];
	if (dispute_scope(c, who, &me, e) < 0)
		return -1;
	scope_upper(me.unit_path, hi, sizeof hi);
	store_stmt *st = store_prepare(c,
				       "SELECT dc.unit_id, u.name, dc.region_id, r.name, dc.level"
				       " FROM dispute_centres dc JOIN units u ON u.id = dc.unit_id"
				       " JOIN units r ON r.id = dc.region_id"
				       " WHERE u.path >= ? AND u.path < ? ORDER BY r.path",
				       e);
	if (!st)
		return -1;
	store_bindf(st, "ss", me.unit_path, hi);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:I, s:s, s:s}", "unit_id",
						     (json_int_t)store_col_int(st, 0), "unit_name",
						     store_col_text(st, 1), "region_id",
						     (json_int_t)store_col_int(st, 2),
						     "region_name", store_col_text(st, 3), "level",
						     store_col_text(st, 4)));
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

/* A unit's kind and path, when it lies within who's area; 422 (field) otherwise. */
static int unit_in_area(store_conn *c, const actor *who, int64_t id, const char *field, char *kind,
			char *path, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT kind, path FROM units WHERE id = ?", "i", id);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		snprintf(kind, 16, "%s", store_col_text(st, 0));
		snprintf(path, SCOPE_PATH_MAX, "%s", store_col_text(st, 1));
		store_done(st);
	}
	if (rc == 0 || !scope_contains(who->unit_path, path))
		return err_set(e, ERR_INVALID, "invalid_unit", field,
			       "单位不存在或不在您的管辖范围内");
	return 0;
}

int dispute_centre_put(store_conn *c, const actor *who, int64_t unit_id, int64_t region_id, err *e)
{
	char ukind[16], upath[SCOPE_PATH_MAX], rkind[16], rpath[SCOPE_PATH_MAX];
	if (unit_in_area(c, who, unit_id, "unit_id", ukind, upath, e) < 0 ||
	    unit_in_area(c, who, region_id, "region_id", rkind, rpath, e) < 0)
		return -1;
	if (strcmp(ukind, "department") != 0)
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id", "调解中心须是部门类单位");
	if (strcmp(rkind, "township") && strcmp(rkind, "county"))
		return err_set(e, ERR_INVALID, "invalid_region", "region_id",
			       "调解中心服务的区域须是乡镇（街道）或县（区）");
	if (!scope_contains(rpath, upath))
		return err_set(e, ERR_INVALID, "invalid_unit", "unit_id",
			       "调解中心须是该区域下设的部门");
	int64_t other;
	if (store_query_int(
		    c, &other, 0, e,
		    "SELECT unit_id FROM dispute_centres WHERE region_id = ? AND unit_id <> ?",
		    "ii", region_id, unit_id) < 0)
		return -1;
	if (other)
		return err_set(e, ERR_CONFLICT, "duplicate", "region_id",
			       "该区域已有矛盾纠纷调解中心");
	if (store_exec(c, e,
		       "INSERT INTO dispute_centres (unit_id, region_id, level) VALUES (?, ?, ?)"
		       " ON CONFLICT (unit_id) DO UPDATE SET region_id = excluded.region_id,"
		       " level = excluded.level",
		       "iis", unit_id, region_id, rkind) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s}", "region_id", (json_int_t)region_id, "level", rkind);
	int rc = audit_append(c, who, "dispute_centre_put", "unit", unit_id, d, e);
	json_decref(d);
	return rc;
}

int dispute_centre_delete(store_conn *c, const actor *who, int64_t unit_id, err *e)
{
	char kind[16], path[SCOPE_PATH_MAX];
	if (unit_in_area(c, who, unit_id, "unit_id", kind, path, e) < 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "调解中心不存在");
	int64_t n = store_exec(c, e, "DELETE FROM dispute_centres WHERE unit_id = ?", "i", unit_id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "调解中心不存在");
	return audit_append(c, who, "dispute_centre_delete", "unit", unit_id, NULL, e);
}
