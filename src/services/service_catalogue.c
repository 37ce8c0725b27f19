/* The catalogue of service items: listing per level, admin edits, the modes a station
 * offers, an Excel export and a CSV import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/xlsx_out.h"
#include "core/clock.h"
#include "core/mem.h"
#include "org/audit.h"
#include "services/service.h"
#include "services/service_internal.h"

#define ITEM_SELECT                                                                                \
	"SELECT i.id, i.name, i.level, i.category, i.description, i.applicants, i.materials,"      \
	" i.fees, i.legal_days, i.promised_days, i.kind, i.modes, i.unit_id, u.name, i.active"     \
	" FROM svc_items i LEFT JOIN units u ON u.id = i.unit_id"

static json_t *text_or_null(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

static json_t *item_json(store_stmt *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(store_col_int(st, 0)));
	json_object_set_new(o, "name", json_string(store_col_text(st, 1)));
	json_object_set_new(o, "level", json_string(store_col_text(st, 2)));
	json_object_set_new(o, "category", json_string(store_col_text(st, 3)));
	json_object_set_new(o, "description", text_or_null(st, 4));
	json_object_set_new(o, "applicants", text_or_null(st, 5));
	json_object_set_new(o, "materials", svc_json_array(store_col_text(st, 6)));
	json_object_set_new(o, "fees", text_or_null(st, 7));
	json_object_set_new(o, "legal_days", json_integer(store_col_int(st, 8)));
	json_object_set_new(o, "promised_days", json_integer(store_col_int(st, 9)));
	json_object_set_new(
		o, "time_limit_days",
		json_integer(svc_due_days(store_col_text(st, 10), (int)store_col_int(st, 9))));
	json_object_set_new(o, "kind", json_string(store_col_text(st, 10)));
	json_object_set_new(o, "modes", svc_json_array(store_col_text(st, 11)));
	json_object_set_new(o, "unit",
			    store_col_null(st, 12) ? json_null()
						   : json_pack("{s:I, s:s}", "id",
							       (json_int_t)store_col_int(st, 12),
							       "name", store_col_text(st, 13)));
	json_object_set_new(o, "active", json_boolean(store_col_int(st, 14) != 0));
	return o;
}

int svc_items_list(store_conn *c, const actor *who, const char *level, bool all, json_t **out,
		   err *e)
{
	store_stmt *st = store_prepare(c,
				       ITEM_SELECT " WHERE (? = '' OR i.level = ?) AND (? = 1 OR"
						   " i.active = 1) ORDER BY CASE i.level"
						   " WHEN 'village' THEN 1 WHEN 'township' THEN 2"
						   " ELSE 3 END, i.category, i.id",
				       e);
	if (!st)
		return -1;
	const char *lv = level ? level : "";
	store_bindf(st, "ssi", lv, lv, (int64_t)all);
	json_t *items = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(items, item_json(st));
	store_done(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	/* A station's clerk sees which modes their station offers. */
	if (actor_has(who, ROLE_STATION_STAFF) && who->unit_id) {
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			store_stmt *s2;
			int r2 = store_query_row(
				c, &s2, e,
				"SELECT modes FROM svc_station_items WHERE unit_id = ?"
				" AND item_id = ?",
				"ii", who->unit_id,
				(int64_t)json_integer_value(json_object_get(it, "id")));
			if (r2 < 0) {
				json_decref(items);
				return -1;
			}
			if (r2 == 1) {
				json_object_set_new(it, "station_modes",
						    svc_json_array(store_col_text(s2, 0)));
				store_done(s2);
			} else {
				json_object_set(it, "station_modes", json_object_get(it, "modes"));
			}
		}
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int svc_item_get(store_conn *c, int64_t id, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, ITEM_SELECT " WHERE i.id = ?", "i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "服务事项不存在")
			       : -1;
	*out = item_json(st);
	store_done(st);
	return 0;
}

/* A list of modes, each one of svc_modes, at least one. */
static int modes_list(json_t *o, const char *key, json_t **out, err *e)
{
	if (svc_string_list(o, key, true, out, e) < 0)
		return -1;
	size_t i;
	json_t *v;
	json_array_foreach(*out, i, v) if (!svc_in(json_string_value(v), svc_modes))
	{
		json_decref(*out);
		*out = NULL;
		return err_set(e, ERR_INVALID, "invalid_value", key,
			       "服务方式须为 immediate、accompanied 或 proxy");
	}
	return 0;
}

static const char *const categories_hint = "类别";

typedef struct item_in {
	const char *name, *level, *category, *description, *applicants, *fees, *kind;
	int64_t legal_days, promised_days, unit_id;
	json_t *materials, *modes; /* owned */
} item_in;

static int item_parse(json_t *b, item_in *in, err *e)
{
	memset(in, 0, sizeof *in);
	if (jv_str(b, "name", JV_REQUIRED, SVC_NAME_MAX, &in->name, NULL, e) < 0 ||
	    jv_str(b, "level", JV_REQUIRED, 16, &in->level, NULL, e) < 0 ||
	    jv_str(b, "category", JV_REQUIRED, 50, &in->category, NULL, e) < 0 ||
	    jv_str(b, "kind", JV_REQUIRED, 16, &in->kind, NULL, e) < 0 ||
	    jv_str(b, "description", JV_MULTILINE, SVC_TEXT_MAX, &in->description, NULL, e) < 0 ||
	    jv_str(b, "applicants", JV_MULTILINE, 500, &in->applicants, NULL, e) < 0 ||
	    jv_str(b, "fees", 0, 200, &in->fees, NULL, e) < 0 ||
	    jv_int(b, "legal_days", 0, 0, SVC_DAYS_MAX, &in->legal_days, NULL, e) < 0 ||
	    jv_int(b, "promised_days", 0, 0, SVC_DAYS_MAX, &in->promised_days, NULL, e) < 0 ||
	    jv_int(b, "unit_id", 0, 1, INT64_MAX, &in->unit_id, NULL, e) < 0)
		return -1;
	if (!svc_in(in->level, svc_levels))
		return err_set(e, ERR_INVALID, "invalid_value", "level",
			       "层级须为 county、township 或 village");
	if (!svc_in(in->kind, svc_kinds))
		return err_set(e, ERR_INVALID, "invalid_value", "kind",
			       "事项类型须为 immediate（即办件）或 promised（承诺件）");
	if (!strcmp(in->kind, "promised") && in->promised_days < 1)
		return err_set(e, ERR_INVALID, "out_of_range", "promised_days",
			       "承诺件须填写承诺时限（工作日）");
	if (in->legal_days && in->promised_days > in->legal_days)
		return err_set(e, ERR_INVALID, "out_of_range", "promised_days",
			       "承诺时限不能超过法定时限");
	if (modes_list(b, "modes", &in->modes, e) < 0)
		return -1;
	if (svc_string_list(b, "materials", false, &in->materials, e) < 0) {
		json_decref(in->modes);
		return -1;
	}
	if (!in->materials)
		in->materials = json_array();
	(void)categories_hint;
	return 0;
}

static int item_write(store_conn *c, const actor *who, int64_t id, item_in *in, int64_t *out_id,
		      err *e)
{
	int64_t now = clock_now_ms();
	char *mat = json_dumps(in->materials, JSON_COMPACT),
	     *modes = json_dumps(in->modes, JSON_COMPACT);
	int rc;
	if (in->unit_id) {
		int64_t n;
		rc = store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM units WHERE id = ?", "i",
				     in->unit_id);
		if (rc == 0 && !n)
			rc = err_set(e, ERR_INVALID, "invalid_unit", "unit_id", "责任单位不存在");
		if (rc < 0)
			goto out;
	}
	if (id) {
		int64_t n =
			store_exec(c, e,
				   "UPDATE svc_items SET name = ?, level = ?, category = ?,"
				   " description = ?, applicants = ?, materials = ?, fees = ?,"
				   " legal_days = ?, promised_days = ?, kind = ?, modes = ?,"
				   " unit_id = ?, active = 1, updated_at = ? WHERE id = ?",
				   "sssssssiissnii", in->name, in->level, in->category,
				   in->description, in->applicants, mat, in->fees, in->legal_days,
				   in->promised_days, in->kind, modes, in->unit_id, now, id);
		rc = n < 0    ? -1
		     : n == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "服务事项不存在")
			      : 0;
		*out_id = id;
	} else {
		store_stmt *st;
		rc = store_query_row(
			c, &st, e,
			"INSERT INTO svc_items (name, level, category, description,"
			" applicants, materials, fees, legal_days, promised_days, kind,"
			" modes, unit_id, created_at, updated_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			"sssssssiissnii", in->name, in->level, in->category, in->description,
			in->applicants, mat, in->fees, in->legal_days, in->promised_days, in->kind,
			modes, in->unit_id, now, now);
		if (rc == 1) {
			*out_id = store_col_int(st, 0);
			while ((rc = store_step(st, e)) == 1)
				;
			store_done(st);
		} else if (rc == 0) {
			rc = err_set(e, ERR_INTERNAL, "insert", NULL, "无法保存服务事项");
		}
		if (rc < 0 && e->kind == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "duplicate", "name", "同一层级已有同名事项");
	}
	if (rc == 0) {
		json_t *d = json_pack("{s:s, s:s}", "name", in->name, "level", in->level);
		rc = audit_append(c, who, id ? "service_item_update" : "service_item_create",
				  "service_item", *out_id, d, e);
		json_decref(d);
	}
out:
	free(mat);
	free(modes);
	return rc < 0 ? -1 : 0;
}

int svc_item_save(store_conn *c, const actor *who, int64_t id, json_t *body, int64_t *out_id,
		  err *e)
{
	item_in in;
	if (item_parse(body, &in, e) < 0)
		return -1;
	int rc = item_write(c, who, id, &in, out_id, e);
	json_decref(in.materials);
	json_decref(in.modes);
	return rc;
}

int svc_item_delete(store_conn *c, const actor *who, int64_t id, err *e)
{
	int64_t n = store_exec(c, e, "UPDATE svc_items SET active = 0, updated_at = ? WHERE id = ?",
			       "ii", clock_now_ms(), id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "服务事项不存在");
	return audit_append(c, who, "service_item_deactivate", "service_item", id, NULL, e);
}

int svc_station_modes_set(store_conn *c, const actor *who, int64_t unit_id, int64_t item_id,
			  json_t *body, err *e)
{
	json_t *modes;
	if (modes_list(body, "modes", &modes, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT kind, path FROM units WHERE id = ?", "i",
				 unit_id);
	if (rc <= 0) {
		json_decref(modes);
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "单位不存在") : -1;
	}
	bool station = svc_level_of_kind(store_col_text(st, 0)) != NULL;
	bool mine = actor_administers(who, store_col_text(st, 1));
	store_done(st);
	if (!mine) {
		json_decref(modes);
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "单位不存在");
	}
	if (!station) {
		json_decref(modes);
		return err_set(e, ERR_INVALID, "not_station", NULL, "该单位不是便民服务站");
	}
	char *s = json_dumps(modes, JSON_COMPACT);
	int64_t n;
	rc = store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM svc_items WHERE id = ?", "i",
			     item_id);
	if (rc == 0 && !n)
		rc = err_set(e, ERR_NOT_FOUND, "not_found", NULL, "服务事项不存在");
	if (rc == 0 &&
	    store_exec(c, e,
		       "INSERT INTO svc_station_items (unit_id, item_id, modes) VALUES (?, ?, ?)"
		       " ON CONFLICT (unit_id, item_id) DO UPDATE SET modes = excluded.modes",
		       "iis", unit_id, item_id, s) < 0)
		rc = -1;
	if (rc == 0) {
		json_t *d = json_pack("{s:I, s:O}", "item_id", (json_int_t)item_id, "modes", modes);
		rc = audit_append(c, who, "service_station_modes", "unit", unit_id, d, e);
		json_decref(d);
	}
	free(s);
	json_decref(modes);
	return rc;
}

/* ---- Excel export ---- */

/* A JSON list of strings joined by "；". */
static char *joined(json_t *list)
{
	size_t total = 1, i;
	json_t *v;
	json_array_foreach(list, i, v) total += strlen(json_string_value(v)) + 4;
	char *out = xmalloc(total);
	out[0] = '\0';
	json_array_foreach(list, i, v)
	{
		if (i)
			strcat(out, "；");
		strcat(out, json_string_value(v));
	}
	return out;
}

int svc_items_xlsx(store_conn *c, char **data, size_t *len, err *e)
{
	actor sys;
	actor_system(&sys, "export");
	json_t *o;
	if (svc_items_list(c, &sys, NULL, false, &o, e) < 0)
		return -1;
	xlsx_out out;
	lxw_workbook *wb = xlsx_out_open(&out, e);
	if (!wb) {
		json_decref(o);
		return -1;
	}
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "服务事项目录");
	/* The columns match the CSV import, so an exported sheet saved as CSV imports. */
	static const char *const cols[] = {
		"name",	 "level",     "category", "kind",	"promised_days", "legal_days",
		"modes", "materials", "fees",	  "applicants", "description",	 "unit"};
	static const char *const heads[] = {
		"事项名称",	      "层级",	  "类别",     "事项类型", "承诺时限（工作日）",
		"法定时限（工作日）", "服务方式", "申请材料", "收费标准", "服务对象",
		"事项说明",	      "责任单位"};
	for (lxw_col_t k = 0; k < 12; k++) {
		worksheet_write_string(ws, 0, k, heads[k], head);
		worksheet_write_string(ws, 1, k, cols[k], NULL);
		worksheet_set_column(ws, k, k, k == 0 || k == 7 ? 36 : 14, NULL);
	}
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(o, "items"), i, it)
	{
		lxw_row_t row = (lxw_row_t)i + 2;
		const char *s[] = {"name", "level", "category", "kind"};
		for (lxw_col_t k = 0; k < 4; k++)
			worksheet_write_string(ws, row, k,
					       json_string_value(json_object_get(it, s[k])), NULL);
		worksheet_write_number(
			ws, row, 4,
			(double)json_integer_value(json_object_get(it, "promised_days")), NULL);
		worksheet_write_number(
			ws, row, 5, (double)json_integer_value(json_object_get(it, "legal_days")),
			NULL);
		char *m = joined(json_object_get(it, "modes"));
		char *mat = joined(json_object_get(it, "materials"));
		worksheet_write_string(ws, row, 6, m, NULL);
		worksheet_write_string(ws, row, 7, mat, NULL);
		free(m);
		free(mat);
		const char *t[] = {"fees", "applicants", "description"};
		for (lxw_col_t k = 0; k < 3; k++) {
			const char *v = json_string_value(json_object_get(it, t[k]));
			worksheet_write_string(ws, row, 8 + k, v ? v : "", NULL);
		}
		json_t *u = json_object_get(it, "unit");
		worksheet_write_string(
			ws, row, 11, u ? json_string_value(json_object_get(u, "name")) : "", NULL);
	}
	json_decref(o);
	return xlsx_out_finish(&out, data, len, e);
}

/* ---- CSV import ---- */

int svc_csv_split(char *buf, char **fields, int max)
{
	int n = 0;
	char *p = buf;
	while (n < max) {
		char *out = p;
		fields[n++] = out;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					break;
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*out++ = *p++;
				}
			}
			while (*p && *p != ',')
				p++;
		} else {
			while (*p && *p != ',')
				*out++ = *p++;
		}
		char sep = *p;
		*out = '\0';
		if (sep != ',')
			break;
		p++;
	}
	return n;
}

/* A list field "a；b;c" as a JSON array of its non-blank parts. */
static json_t *split_list(const char *s)
{
	json_t *list = json_array();
	char *copy = xstrdup(s ? s : "");
	char *p = copy;
	while (*p) {
		char *next = NULL;
		char *semi = strchr(p, ';'), *wide = strstr(p, "；");
		if (semi && (!wide || semi < wide)) {
			*semi = '\0';
			next = semi + 1;
		} else if (wide) {
			*wide = '\0';
			next = wide + strlen("；");
		}
		while (*p == ' ')
			p++;
		size_t n = strlen(p);
		while (n && p[n - 1] == ' ')
			p[--n] = '\0';
		if (*p)
			json_array_append_new(list, json_string(p));
		if (!next)
			break;
		p = next;
	}
	free(copy);
	return list;
}

static const char *const csv_cols[] = {"name",		"level",      "category",    "kind",
				       "promised_days", "legal_days", "modes",	     "materials",
				       "fees",		"applicants", "description", "unit"};
enum { CSV_COLS = 12 };

/* The index of each known column of the header, -1 when absent. */
static int header_map(char **f, int n, int map[CSV_COLS])
{
	for (int k = 0; k < CSV_COLS; k++)
		map[k] = -1;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < CSV_COLS; k++)
			if (!strcmp(f[i], csv_cols[k]))
				map[k] = i;
	return map[0] >= 0 && map[1] >= 0 && map[2] >= 0 && map[3] >= 0 ? 0 : -1;
}

/* One data row of an import (CSV line or sheet row `line`): the item named by level and
 * name is added or updated. An error names the row. */
static int import_row(store_conn *c, const actor *who, const int map[CSV_COLS], char **f, int n,
		      int line, const char *field, err *e)
{
	int rc = 0;
	json_t *b = json_object();
	for (int k = 0; k < CSV_COLS && rc == 0; k++) {
		const char *v = map[k] >= 0 && map[k] < n ? f[map[k]] : "";
		if (!*v)
			continue;
		if (!strcmp(csv_cols[k], "promised_days") || !strcmp(csv_cols[k], "legal_days")) {
			char *end;
			long long d = strtoll(v, &end, 10);
			json_object_set_new(b, csv_cols[k],
					    *end ? json_string(v) : json_integer(d));
		} else if (!strcmp(csv_cols[k], "modes") || !strcmp(csv_cols[k], "materials")) {
			json_object_set_new(b, csv_cols[k], split_list(v));
		} else if (!strcmp(csv_cols[k], "unit")) {
			int64_t uid;
			rc = store_query_int(c, &uid, 0, e, "SELECT id FROM units WHERE name = ?",
					     "s", v);
			if (rc == 0 && !uid)
				rc = err_set(e, ERR_INVALID, "invalid_unit", "unit",
					     "责任单位「%s」不存在", v);
			if (rc == 0)
				json_object_set_new(b, "unit_id", json_integer(uid));
		} else {
			json_object_set_new(b, csv_cols[k], json_string(v));
		}
	}
	item_in in;
	if (rc == 0 && item_parse(b, &in, e) == 0) {
		int64_t id = 0, out_id;
		rc = store_query_int(c, &id, 0, e,
				     "SELECT id FROM svc_items WHERE level = ? AND name = ?", "ss",
				     in.level, in.name);
		if (rc == 0)
			rc = item_write(c, who, id, &in, &out_id, e);
		json_decref(in.materials);
		json_decref(in.modes);
	} else if (rc == 0) {
		rc = -1;
	}
	json_decref(b);
	if (rc < 0) {
		char msg[256], fld[64], code[48];
		snprintf(msg, sizeof msg, "%s", e->message);
		snprintf(fld, sizeof fld, "%s", e->field);
		snprintf(code, sizeof code, "%s", e->code);
		err_set(e, e->kind == ERR_BAD_REQUEST ? ERR_INVALID : e->kind, code, field,
			"第 %d 行（%s）：%s", line, fld, msg);
		return -1;
	}
	return 0;
}

int svc_items_import_csv(store_conn *c, const actor *who, const char *csv, int64_t *count, err *e)
{
	char *text = xstrdup(csv);
	char *p = text;
	if (!strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	int map[CSV_COLS], line = 0, rc = 0;
	bool header = false;
	*count = 0;
	while (p && *p && rc == 0) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		size_t L = strlen(p);
		if (L && p[L - 1] == '\r')
			p[--L] = '\0';
		line++;
		char *f[32];
		if (!L || p[0] == '#') {
			p = nl ? nl + 1 : NULL;
			continue;
		}
		int n = svc_csv_split(p, f, 32);
		if (!header) {
			/* The exported sheet's Chinese header line comes first: skipped. */
			if (!strcmp(f[0], "事项名称")) {
				p = nl ? nl + 1 : NULL;
				continue;
			}
			if (header_map(f, n, map) < 0) {
				rc = err_set(e, ERR_INVALID, "invalid_csv", "csv",
					     "第 %d 行：表头须包含 name、level、category、kind 列",
					     line);
				break;
			}
			header = true;
			p = nl ? nl + 1 : NULL;
			continue;
		}
		rc = import_row(c, who, map, f, n, line, "csv", e);
		if (rc < 0)
			break;
		(*count)++;
		p = nl ? nl + 1 : NULL;
	}
	if (rc == 0 && !header)
		rc = err_set(e, ERR_INVALID, "invalid_csv", "csv", "CSV 为空或缺少表头");
	free(text);
	return rc < 0 ? -1 : 0;
}

int svc_items_import_xlsx(store_conn *c, const actor *who, const xlsx_table *t, int64_t *count,
			  err *e)
{
	int map[CSV_COLS];
	bool header = false;
	*count = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		const xlsx_row *row = &t->rows[i];
		int n = (int)row->ncells;
		bool empty = true;
		for (int k = 0; k < n && empty; k++)
			empty = !row->cells[k][0];
		if (empty)
			continue;
		if (!header) {
			/* The export's Chinese header row comes first: skipped. */
			if (!strcmp(row->cells[0], "事项名称"))
				continue;
			if (header_map(row->cells, n, map) < 0)
				return err_set(
					e, ERR_INVALID, "invalid_xlsx", "file",
					"第 %zu 行：表头须包含 name、level、category、kind 列",
					i + 1);
			header = true;
			continue;
		}
		if (import_row(c, who, map, row->cells, n, (int)(i + 1), "file", e) < 0)
			return -1;
		(*count)++;
	}
	if (!header)
		return err_set(e, ERR_INVALID, "invalid_xlsx", "file", "Excel 文件为空或缺少表头");
	return 0;
}
