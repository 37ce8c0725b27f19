/* Households over HTTP (docs/grid.md "Grids and households", "Import"): the list, masked
 * per grid; adding and changing one; importing a grid's households from an .xlsx file. */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "grid/grid.h"
#include "grid/household.h"
#include "core/xlsx_read.h"
#include "http/http.h"
#include "http/validate.h"
#include "org/caller.h"
#include "routes.h"

enum { IMPORT_ERRORS_MAX = 200 };

static int h_list(http_req *r)
{
	err e = {0};
	household_filter f = {.tag = http_query(r, "tag"), .q = http_query(r, "q")};
	if (http_query_int(r, "grid_id", 1, INT64_MAX, 0, &f.grid_id, &e) < 0 ||
	    http_paging(r, &f.page, &f.per_page, &e) < 0)
		return http_error(r, &e);
	if ((f.q && strlen(f.q) > 100) || (f.tag && strlen(f.tag) > 40))
		return http_fail(r, 400, "invalid_parameter",
				 f.q && strlen(f.q) > 100 ? "q" : "tag", "查询参数过长");
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	int64_t total;
	if (!c || household_list(c, req_actor(r), &f, &items, &total, &e) < 0)
		return http_error(r, &e);
	return http_list(r, items, total, f.page, f.per_page);
}

static int answer(http_req *r, int status, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(r->store, &e);
	json_t *o;
	if (!c || household_get(c, req_actor(r), id, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, status, o);
}

static int h_get(http_req *r)
{
	err e = {0};
	int64_t id;
	if (http_param_id(r, "id", &id, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, id);
}

/* ---- one household from JSON ---- */

static const struct jv_field fields[] = {
	{"grid_id", JV_ID, 0, 0, 0, NULL, NULL},
	{"address", JV_STRING, 0, 0, HOUSEHOLD_ADDRESS_MAX, NULL, "请填写地址"},
	{"head_name", JV_STRING, 0, 0, HOUSEHOLD_NAME_MAX, NULL, "请填写户主姓名"},
	{"id_number", JV_STRING, JV_NULLABLE, 0, 18, NULL, NULL},
	{"phone", JV_STRING, JV_NULLABLE, 0, 20, NULL, NULL},
	{"members", JV_INT, 0, 0, 99, NULL, "人口数须在 0–99 之间"},
	{"housing", JV_STRING, 0, 0, 10, NULL, NULL},
	{"notes", JV_TEXT, JV_NULLABLE, 0, HOUSEHOLD_NOTES_MAX, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

static int tags_of(json_t *v, unsigned *bits, err *e)
{
	if (!json_is_array(v) || json_array_size(v) > HOUSEHOLD_TAGS)
		return err_set(e, ERR_BAD_REQUEST, "invalid_type", "tags", "tags 须为标签数组");
	size_t i;
	json_t *t;
	json_array_foreach(v, i, t)
	{
		const household_tag *h = household_tag_find(json_string_value(t));
		if (!h)
			return err_set(e, ERR_INVALID, "invalid_value", "tags", "未知的标签");
		*bits |= 1u << (h - household_tags);
	}
	return 0;
}

static const char *str(json_t *b, const char *key, bool *set)
{
	json_t *v = json_object_get(b, key);
	*set = v != NULL;
	return json_string_value(v);
}

static int input_of(json_t *b, household_input *in, bool create, err *e)
{
	if (jv_check(b, fields, e) < 0)
		return -1;
	in->address = str(b, "address", &in->set_address);
	in->head_name = str(b, "head_name", &in->set_head);
	in->id_number = str(b, "id_number", &in->set_id);
	in->phone = str(b, "phone", &in->set_phone);
	in->housing = str(b, "housing", &in->set_housing);
	in->notes = str(b, "notes", &in->set_notes);
	json_t *m = json_object_get(b, "members");
	in->set_members = m != NULL;
	in->members = m ? json_integer_value(m) : 1;
	json_t *t = json_object_get(b, "tags");
	in->set_tags = t != NULL;
	if (t && tags_of(t, &in->tags, e) < 0)
		return -1;
	if (!create && in->set_address && !in->address)
		return err_set(e, ERR_INVALID, "missing_field", "address", "请填写地址");
	return household_input_check(in, create, e);
}

typedef struct write_ctx {
	const actor *who;
	int64_t grid_id, id;
	household_input in;
	household_input *rows;
	size_t nrows;
} write_ctx;

static int create_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return household_create(c, x->who, x->grid_id, &x->in, &x->id, e);
}

static int update_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return household_update(c, x->who, x->id, &x->in, e);
}

static int h_create(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (!b || input_of(b, &x.in, true, &e) < 0)
		return http_error(r, &e);
	x.grid_id = json_integer_value(json_object_get(b, "grid_id"));
	if (!x.grid_id)
		return http_fail(r, 422, "missing_field", "grid_id", "请选择网格");
	if (store_write(r->store, create_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 201, x.id);
}

static int h_update(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	json_t *b = http_body_object(r, &e);
	if (http_param_id(r, "id", &x.id, &e) < 0 || !b || input_of(b, &x.in, false, &e) < 0)
		return http_error(r, &e);
	if (store_write(r->store, update_tx, &x, &e) < 0)
		return http_error(r, &e);
	return answer(r, 200, x.id);
}

/* ---- import ---- */

static const struct column {
	const char *headers[4];
} columns[] = {
	{{"地址", "住址", "房屋地址", NULL}},
	{{"户主姓名", "户主", "姓名", NULL}},
	{{"身份证号", "身份证号码", "证件号码", NULL}},
	{{"联系电话", "电话", "手机号", NULL}},
	{{"人口数", "家庭人口", "人口", NULL}},
	{{"房屋类型", "住房类型", "房屋性质", NULL}},
	{{"标签", "特殊人群", NULL, NULL}},
	{{"备注", NULL, NULL, NULL}},
};
enum { C_ADDRESS, C_HEAD, C_ID, C_PHONE, C_MEMBERS, C_HOUSING, C_TAGS, C_NOTES, NCOLS };

static const char *cell(const xlsx_row *row, int at)
{
	return at >= 0 && (size_t)at < row->ncells ? row->cells[at] : "";
}

/* Trims spaces in place (ASCII and the ideographic space). */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || !strncmp(s, "\xe3\x80\x80", 3))
		s += *s == ' ' || *s == '\t' ? 1 : 3;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static int tags_cell(char *s, unsigned *bits, err *e)
{
	/* Separated by commas, 、 or semicolons, ASCII or full width. */
	static const char *const seps[] = {",", "，", "、", ";", "；", " ", NULL};
	char *p = s;
	while (*p) {
		size_t best = strlen(p), skip = 0;
		for (int k = 0; seps[k]; k++) {
			char *q = strstr(p, seps[k]);
			if (q && (size_t)(q - p) < best) {
				best = (size_t)(q - p);
				skip = strlen(seps[k]);
			}
		}
		char save = p[best];
		p[best] = '\0';
		if (*p) {
			const household_tag *t = household_tag_find(p);
			if (!t)
				return err_set(e, ERR_INVALID, "invalid_value", "tags",
					       "未知的标签：%s", p);
			*bits |= 1u << (t - household_tags);
		}
		p[best] = save;
		p += best + (save ? skip : 0);
	}
	return 0;
}

static int members_cell(const char *s, int64_t *out, err *e)
{
	if (!*s) {
		*out = 1;
		return 0;
	}
	char *end;
	double v = strtod(s, &end);
	if (*end || v != (double)(int64_t)v || v < 0 || v > 99)
		return err_set(e, ERR_INVALID, "out_of_range", "members", "人口数须为 0–99 的整数");
	*out = (int64_t)v;
	return 0;
}

/* One data row into a household; fills e with the first problem. */
static int row_input(xlsx_row *row, const int at[NCOLS], household_input *in, err *e)
{
	for (size_t k = 0; k < row->ncells; k++) {
		char *t = trim(row->cells[k]);
		memmove(row->cells[k], t, strlen(t) + 1);
	}
	*in = (household_input){.address = cell(row, at[C_ADDRESS]),
				.head_name = cell(row, at[C_HEAD]),
				.id_number = cell(row, at[C_ID]),
				.phone = cell(row, at[C_PHONE]),
				.housing =
					*cell(row, at[C_HOUSING]) ? cell(row, at[C_HOUSING]) : NULL,
				.notes = *cell(row, at[C_NOTES]) ? cell(row, at[C_NOTES]) : NULL};
	if (members_cell(cell(row, at[C_MEMBERS]), &in->members, e) < 0)
		return -1;
	if (at[C_TAGS] >= 0 && (size_t)at[C_TAGS] < row->ncells &&
	    tags_cell(row->cells[at[C_TAGS]], &in->tags, e) < 0)
		return -1;
	return household_input_check(in, true, e);
}

static int header_map(const xlsx_table *t, int at[NCOLS], err *e)
{
	for (int k = 0; k < NCOLS; k++)
		at[k] = -1;
	if (t->nrows == 0)
		return err_set(e, ERR_INVALID, "bad_xlsx", "file",
			       "Excel 文件的第一个工作表是空的");
	const xlsx_row *h = &t->rows[0];
	for (size_t i = 0; i < h->ncells; i++)
		for (int k = 0; k < NCOLS; k++)
			for (int w = 0; w < 4 && columns[k].headers[w]; w++)
				if (at[k] < 0 && !strcmp(h->cells[i], columns[k].headers[w]))
					at[k] = (int)i;
	if (at[C_ADDRESS] < 0 || at[C_HEAD] < 0)
		return err_set(
			e, ERR_INVALID, "bad_xlsx", "file",
			"Excel 文件第一个工作表的第一行须为表头，至少含“地址”和“户主姓名”两列");
	return 0;
}

static int import_tx(store_conn *c, void *p, err *e)
{
	write_ctx *x = p;
	return household_import(c, x->who, x->grid_id, x->rows, x->nrows, e);
}

static bool row_empty(const xlsx_row *row)
{
	for (size_t k = 0; k < row->ncells; k++)
		if (*row->cells[k])
			return false;
	return true;
}

/* Checks every data row; the good ones go into x->rows, the problems into errors. */
static void rows_check(xlsx_table *t, const int at[NCOLS], write_ctx *x, json_t *errors,
		       size_t *nbad)
{
	x->rows = xcalloc(t->nrows, sizeof *x->rows);
	for (size_t i = 1; i < t->nrows; i++) {
		if (row_empty(&t->rows[i]))
			continue;
		err re = {0};
		if (row_input(&t->rows[i], at, &x->rows[x->nrows], &re) == 0) {
			x->nrows++;
			continue;
		}
		if ((*nbad)++ < IMPORT_ERRORS_MAX)
			json_array_append_new(errors, json_pack("{s:I, s:s, s:s}", "row",
								(json_int_t)(i + 1), "field",
								re.field, "message", re.message));
	}
}

static int h_import(http_req *r)
{
	err e = {0};
	write_ctx x = {.who = req_actor(r)};
	const char *mode = http_query(r, "mode");
	if (http_query_int(r, "grid_id", 1, INT64_MAX, 0, &x.grid_id, &e) < 0)
		return http_error(r, &e);
	if (!x.grid_id)
		return http_fail(r, 422, "missing_field", "grid_id", "请选择网格");
	if (mode && strcmp(mode, "all") != 0 && strcmp(mode, "partial") != 0)
		return http_fail(r, 400, "invalid_parameter", "mode", "mode 须为 all 或 partial");
	bool partial = mode && !strcmp(mode, "partial");
	/* The grid first: an outsider learns nothing about the file's checks. */
	store_conn *c = store_conn_get(r->store, &e);
	grid_ref g;
	if (!c || grid_find(c, x.who, x.grid_id, &g, &e) < 0)
		return http_error(r, &e);
	if (!grid_sees_personal(x.who, &g))
		return http_fail(r, 403, "forbidden", NULL,
				 "只有本网格的网格员、B 岗和所属社区（村）工作站可以导入住户");
	xlsx_table t;
	if (xlsx_read(strbuf_str(&r->body), r->body.len, NULL, &t, &e) < 0)
		return http_error(r, &e);
	int at[NCOLS];
	if (header_map(&t, at, &e) < 0) {
		xlsx_table_free(&t);
		return http_error(r, &e);
	}
	json_t *errors = json_array();
	size_t nbad = 0;
	rows_check(&t, at, &x, errors, &nbad);
	int rc;
	if (x.nrows == 0 && nbad == 0) {
		rc = http_fail(r, 422, "empty", "file", "Excel 文件中没有住户数据");
		json_decref(errors);
	} else if (nbad && !partial) {
		rc = http_json(r, 422,
			       json_pack("{s:{s:s, s:s, s:s}, s:o, s:I}", "error", "code",
					 "invalid_rows", "message",
					 "有数据行不符合要求，未导入任何住户", "field", "file",
					 "errors", errors, "invalid", (json_int_t)nbad));
	} else if (x.nrows && store_write(r->store, import_tx, &x, &e) < 0) {
		rc = http_error(r, &e);
		json_decref(errors);
	} else {
		rc = http_json(r, 201,
			       json_pack("{s:I, s:I, s:s, s:o}", "imported", (json_int_t)x.nrows,
					 "invalid", (json_int_t)nbad, "mode",
					 partial ? "partial" : "all", "errors", errors));
	}
	free(x.rows);
	xlsx_table_free(&t);
	return rc;
}

const struct route api_households_routes[] = {
	{"GET", "/api/v1/grid/households", h_list, 0, GRID_READERS, NULL},
	{"POST", "/api/v1/grid/households", h_create, 0, ROLE_GRID_MEMBER | GRID_STATION_ROLES,
	 NULL},
	{"POST", "/api/v1/grid/households/import", h_import, 0, GRID_STATION_ROLES, NULL},
	{"GET", "/api/v1/grid/households/{id}", h_get, 0, GRID_READERS, NULL},
	{"PATCH", "/api/v1/grid/households/{id}", h_update, 0,
	 ROLE_GRID_MEMBER | GRID_STATION_ROLES, NULL},
};
const size_t api_households_routes_count =
	sizeof api_households_routes / sizeof api_households_routes[0];
