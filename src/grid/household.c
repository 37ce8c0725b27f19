#include "grid/household.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "grid/grid.h"
#include "http/validate.h"
#include "org/audit.h"
#include "org/privacy.h"

const household_tag household_tags[HOUSEHOLD_TAGS] = {
	{"elderly_alone", "独居老人", false}, {"disabled", "残疾人", true},
	{"low_income", "低保", true},	      {"left_behind_child", "留守儿童", true},
	{"veteran", "退役军人", false},	      {"key_person", "重点人员", true},
};

static const struct {
	const char *word, *label;
} housing_words[] = {
	{"owned", "自有"},  {"rented", "租住"}, {"public", "公房"},
	{"vacant", "空置"}, {"other", "其他"},
};

const household_tag *household_tag_find(const char *name)
{
	for (int i = 0; name && i < HOUSEHOLD_TAGS; i++)
		if (!strcmp(name, household_tags[i].word) || !strcmp(name, household_tags[i].label))
			return &household_tags[i];
	return NULL;
}

const char *household_housing_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof housing_words / sizeof housing_words[0]; i++)
		if (!strcmp(name, housing_words[i].word) || !strcmp(name, housing_words[i].label))
			return housing_words[i].word;
	return NULL;
}

static int text_check(const char *s, size_t max, bool multiline, const char *field,
		      const char *label, err *e)
{
	long n = jv_utf8_chars(s);
	if (n < 0 || jv_has_control(s, multiline))
		return err_set(e, ERR_INVALID, "invalid_value", field, "%s含有无效字符", label);
	if ((size_t)n > max)
		return err_set(e, ERR_INVALID, "too_long", field, "%s过长（最多 %zu 字）", label,
			       max);
	return 0;
}

static bool id_number_valid(const char *s)
{
	size_t n = strlen(s);
	if (n != 15 && n != 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(i == 17 && (s[i] == 'X' || s[i] == 'x')))
			return false;
	return true;
}

int household_input_check(const household_input *in, bool create, err *e)
{
	if (create || in->set_address) {
		if (!in->address || !*in->address)
			return err_set(e, ERR_INVALID, "missing_field", "address", "请填写地址");
		if (text_check(in->address, HOUSEHOLD_ADDRESS_MAX, false, "address", "地址", e) < 0)
			return -1;
	}
	if (create || in->set_head) {
		if (!in->head_name || !*in->head_name)
			return err_set(e, ERR_INVALID, "missing_field", "head_name",
				       "请填写户主姓名");
		if (text_check(in->head_name, HOUSEHOLD_NAME_MAX, false, "head_name", "户主姓名",
			       e) < 0)
			return -1;
	}
	if (in->id_number && *in->id_number && !id_number_valid(in->id_number))
		return err_set(e, ERR_INVALID, "invalid_value", "id_number",
			       "身份证号须为 18 位（末位可为 X）或 15 位数字");
	if (in->phone && *in->phone && jv_phone(in->phone, "phone", e) < 0)
		return -1;
	if (in->phone && strlen(in->phone) > 20)
		return err_set(e, ERR_INVALID, "too_long", "phone", "联系电话过长");
	if ((create || in->set_members) && (in->members < 0 || in->members > 99))
		return err_set(e, ERR_INVALID, "out_of_range", "members", "人口数须在 0–99 之间");
	if (in->housing && !household_housing_find(in->housing))
		return err_set(e, ERR_INVALID, "invalid_value", "housing",
			       "房屋类型须为 自有、租住、公房、空置 或 其他");
	if (in->notes && text_check(in->notes, HOUSEHOLD_NOTES_MAX, true, "notes", "备注", e) < 0)
		return -1;
	return 0;
}

/* ",elderly_alone,low_income," from the bits. */
static void tags_text(unsigned bits, strbuf *sb)
{
	strbuf_addch(sb, ',');
	for (int i = 0; i < HOUSEHOLD_TAGS; i++)
		if (bits & (1u << i))
			strbuf_addf(sb, "%s,", household_tags[i].word);
}

static json_t *tags_json(const char *text, bool full)
{
	json_t *a = json_array();
	for (int i = 0; i < HOUSEHOLD_TAGS; i++) {
		char key[48];
		snprintf(key, sizeof key, ",%s,", household_tags[i].word);
		if (strstr(text, key) && (full || !household_tags[i].sensitive))
			json_array_append_new(a, json_string(household_tags[i].word));
	}
	return a;
}

/* ---- reading ---- */

#define ROW_COLS                                                                                   \
	"h.id, h.grid_id, u.name, h.address, h.head_name, h.id_number, h.phone, h.members,"        \
	" h.housing, h.tags, h.notes, h.updated_at, u.parent_id, COALESCE(gp.member_user_id, 0),"  \
	" COALESCE(gp.backup_user_id, 0), u.path"
#define ROW_FROM                                                                                   \
	" FROM grid_households h JOIN units u ON u.id = h.grid_id"                                 \
	" LEFT JOIN grid_profiles gp ON gp.unit_id = h.grid_id"

static json_t *row_json(store_stmt *st, const actor *who)
{
	grid_ref g = {.id = store_col_int(st, 1),
		      .parent_id = store_col_int(st, 12),
		      .member_id = store_col_int(st, 13),
		      .backup_id = store_col_int(st, 14)};
	bool full = grid_sees_personal(who, &g);
	const char *idn = store_col_text(st, 5), *phone = store_col_text(st, 6);
	const char *notes = store_col_text(st, 10);
	char midn[64], mphone[64];
	char *mnotes = NULL;
	if (!full) {
		privacy_mask_phone(idn, midn, sizeof midn);
		privacy_mask_phone(phone, mphone, sizeof mphone);
		idn = midn;
		phone = mphone;
		notes = mnotes = privacy_mask_text(notes);
	}
	char at[40];
	clock_format_iso(store_col_int(st, 11), at, sizeof at);
	json_t *o = json_pack(
		"{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:o, s:o, s:b, s:s}", "id",
		(json_int_t)store_col_int(st, 0), "grid_id", (json_int_t)g.id, "grid_name",
		store_col_text(st, 2), "address", store_col_text(st, 3), "head_name",
		store_col_text(st, 4), "id_number", *idn ? json_string(idn) : json_null(), "phone",
		*phone ? json_string(phone) : json_null(), "members",
		(json_int_t)store_col_int(st, 7), "housing", store_col_text(st, 8), "tags",
		tags_json(store_col_text(st, 9), full), "notes",
		*notes ? json_string(notes) : json_null(), "masked", !full, "updated_at", at);
	free(mnotes);
	return o;
}

/* The reach of who: grids of the area, and the grids who is member or backup of. */
#define REACH_SQL                                                                                  \
	" WHERE ((u.path >= ? AND u.path < ?) OR gp.member_user_id = ? OR gp.backup_user_id = ?)"

typedef struct reach {
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX + 2];
	int64_t me, station;
} reach;

static void reach_of(const actor *who, reach *r)
{
	snprintf(r->lo, sizeof r->lo, "%s", who->unit_path);
	scope_upper(who->unit_path, r->hi, sizeof r->hi);
	r->me = who->user_id ? who->user_id : -1;
	r->station = actor_has(who, GRID_STATION_ROLES) ? who->unit_id : -1;
}

#define FILTER_SQL                                                                                 \
	" AND (CAST(? AS BIGINT) = 0 OR h.grid_id = ?)"                                            \
	" AND (CAST(? AS TEXT) IS NULL OR h.tags LIKE ?)"                                          \
	" AND (CAST(? AS TEXT) IS NULL OR h.address LIKE ? ESCAPE '\\' OR h.head_name LIKE ?"      \
	" ESCAPE '\\')"                                                                            \
	" AND (CAST(? AS BIGINT) = 0 OR gp.member_user_id = ? OR gp.backup_user_id = ? OR "        \
	"u.parent_id = ?)"

static void bind_filter(store_stmt *st, const reach *r, const household_filter *f, const char *tag,
			bool sensitive, const char *like)
{
	store_bindf(st, "ssiiiisssssiiii", r->lo, r->hi, r->me, r->me, f->grid_id, f->grid_id, tag,
		    tag, like, like, like, (int64_t)sensitive, r->me, r->me, r->station);
}

int household_list(store_conn *c, const actor *who, const household_filter *f, json_t **items,
		   int64_t *total, err *e)
{
	if (f->grid_id) {
		grid_ref g;
		if (grid_find(c, who, f->grid_id, &g, e) < 0)
			return -1;
	}
	const household_tag *t = f->tag ? household_tag_find(f->tag) : NULL;
	if (f->tag && !t)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "tag", "未知的标签：%s",
			       f->tag);
	char *tag = t ? xasprintf("%%,%s,%%", t->word) : NULL;
	strbuf like = STRBUF_INIT;
	if (f->q)
		store_like_pattern(&like, f->q);
	const char *lk = f->q ? strbuf_str(&like) : NULL;
	reach r;
	reach_of(who, &r);
	int rc = -1;
	store_stmt *st = store_prepare(c, "SELECT COUNT(*)" ROW_FROM REACH_SQL FILTER_SQL, e);
	if (st) {
		bind_filter(st, &r, f, tag, t && t->sensitive, lk);
		rc = store_step(st, e);
		*total = rc == 1 ? store_col_int(st, 0) : 0;
		store_done(st);
	}
	if (rc >= 0)
		st = store_prepare(c,
				   "SELECT " ROW_COLS ROW_FROM REACH_SQL FILTER_SQL
				   " ORDER BY u.path, h.address, h.id LIMIT ? OFFSET ?",
				   e);
	if (rc >= 0 && st) {
		bind_filter(st, &r, f, tag, t && t->sensitive, lk);
		store_bind_int(st, 16, f->per_page);
		store_bind_int(st, 17, (f->page - 1) * f->per_page);
		*items = json_array();
		while ((rc = store_step(st, e)) == 1)
			json_array_append_new(*items, row_json(st, who));
		store_done(st);
		if (rc < 0)
			json_decref(*items);
	} else {
		rc = -1;
	}
	free(tag);
	strbuf_release(&like);
	return rc < 0 ? -1 : 0;
}

int household_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	reach r;
	reach_of(who, &r);
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT " ROW_COLS ROW_FROM REACH_SQL " AND h.id = ?",
				 "ssiii", r.lo, r.hi, r.me, r.me, id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "住户不存在");
	*out = row_json(st, who);
	store_done(st);
	return 0;
}

/* ---- writing ---- */

static int keeper_check(store_conn *c, const actor *who, int64_t grid_id, err *e)
{
	grid_ref g;
	if (grid_find(c, who, grid_id, &g, e) < 0)
		return -1;
	if (!grid_sees_personal(who, &g))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有本网格的网格员、B 岗和所属社区（村）工作站可以维护住户");
	return 0;
}

static int insert(store_conn *c, const actor *who, int64_t grid_id, const household_input *in,
		  int64_t now, int64_t *id, err *e)
{
	strbuf tags = STRBUF_INIT;
	tags_text(in->tags, &tags);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO grid_households (grid_id, address, head_name, id_number, phone,"
		" members, housing, tags, notes, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"issssisssnii", grid_id, in->address, in->head_name,
		in->id_number && *in->id_number ? in->id_number : NULL,
		in->phone && *in->phone ? in->phone : NULL, in->members,
		in->housing ? household_housing_find(in->housing) : "owned", strbuf_str(&tags),
		in->notes && *in->notes ? in->notes : NULL, who->user_id, now, now);
	strbuf_release(&tags);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		if (id)
			*id = store_col_int(st, 0);
		store_done(st);
	}
	return 0;
}

int household_create(store_conn *c, const actor *who, int64_t grid_id, const household_input *in,
		     int64_t *id, err *e)
{
	if (keeper_check(c, who, grid_id, e) < 0 ||
	    insert(c, who, grid_id, in, clock_now_ms(), id, e) < 0)
		return -1;
	json_t *d = json_pack("{s:I, s:s}", "grid_id", (json_int_t)grid_id, "address", in->address);
	int rc = audit_append(c, who, "household.create", "grid_household", *id, d, e);
	json_decref(d);
	return rc;
}

int household_update(store_conn *c, const actor *who, int64_t id, const household_input *in, err *e)
{
	int64_t grid_id;
	if (store_query_int(c, &grid_id, 0, e, "SELECT grid_id FROM grid_households WHERE id = ?",
			    "i", id) < 0)
		return -1;
	if (!grid_id)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "住户不存在");
	if (keeper_check(c, who, grid_id, e) < 0)
		return -1;
	strbuf tags = STRBUF_INIT;
	tags_text(in->tags, &tags);
	int64_t rc = store_exec(
		c, e,
		"UPDATE grid_households SET"
		" address = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE address END,"
		" head_name = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE head_name END,"
		" id_number = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE id_number END,"
		" phone = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE phone END,"
		" members = CASE WHEN ? = 1 THEN CAST(? AS INTEGER) ELSE members END,"
		" housing = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE housing END,"
		" tags = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE tags END,"
		" notes = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE notes END,"
		" updated_at = ? WHERE id = ?",
		"isisisisiiisisisii", (int64_t)in->set_address, in->address, (int64_t)in->set_head,
		in->head_name, (int64_t)in->set_id,
		in->id_number && *in->id_number ? in->id_number : NULL, (int64_t)in->set_phone,
		in->phone && *in->phone ? in->phone : NULL, (int64_t)in->set_members, in->members,
		(int64_t)in->set_housing, in->housing ? household_housing_find(in->housing) : NULL,
		(int64_t)in->set_tags, strbuf_str(&tags), (int64_t)in->set_notes,
		in->notes && *in->notes ? in->notes : NULL, clock_now_ms(), id);
	strbuf_release(&tags);
	if (rc < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "grid_id", (json_int_t)grid_id);
	int arc = audit_append(c, who, "household.update", "grid_household", id, d, e);
	json_decref(d);
	return arc;
}

int household_import(store_conn *c, const actor *who, int64_t grid_id, const household_input *rows,
		     size_t n, err *e)
{
	if (keeper_check(c, who, grid_id, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	for (size_t i = 0; i < n; i++)
		if (insert(c, who, grid_id, &rows[i], now, NULL, e) < 0)
			return -1;
	json_t *d = json_pack("{s:I, s:I}", "grid_id", (json_int_t)grid_id, "rows", (json_int_t)n);
	int rc = audit_append(c, who, "household.import", "unit", grid_id, d, e);
	json_decref(d);
	return rc;
}
