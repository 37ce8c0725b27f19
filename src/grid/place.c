/* Key places (docs/grid.md "Key places"): a grid's schools, markets, gas stations… kept
 * by the grid's member, backup and community station, read by the grid's readers with the
 * phone masked as households' numbers are. */
#include "grid/place.h"

#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "grid/grid.h"
#include "org/audit.h"
#include "org/privacy.h"

const char *const place_kinds[] = {"学校", "市场", "危化", "医疗", "养老",
				   "娱乐", "工地", "宗教", "其他", NULL};

#define PLACE_SQL "SELECT p.id, p.grid_id, u.name, p.name, p.kind, p.address, p.contact, p.phone"
#define PLACE_FROM " FROM grid_places p JOIN units u ON u.id = p.grid_id"

static json_t *row_json(store_stmt *st, bool full)
{
	const char *phone = store_col_null(st, 7) ? "" : store_col_text(st, 7);
	char masked[64];
	if (!full && *phone) {
		privacy_mask_phone(phone, masked, sizeof masked);
		phone = masked;
	}
	json_t *o = json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
			      (json_int_t)store_col_int(st, 0), "grid", "id",
			      (json_int_t)store_col_int(st, 1), "name", store_col_text(st, 2),
			      "name", store_col_text(st, 3), "kind", store_col_text(st, 4),
			      "address", store_col_null(st, 5) ? "" : store_col_text(st, 5),
			      "contact", store_col_null(st, 6) ? "" : store_col_text(st, 6),
			      "phone", phone, "masked", !full);
	json_object_set_new(o, "grid_id", json_integer(store_col_int(st, 1)));
	return o;
}

int place_list(store_conn *c, const actor *who, int64_t grid_id, const char *q, int64_t page,
	       int64_t per_page, json_t **items, int64_t *total, err *e)
{
	grid_ref g;
	if (grid_find(c, who, grid_id, &g, e) < 0)
		return -1;
	bool full = grid_sees_personal(who, &g);
	strbuf lk = STRBUF_INIT;
	if (q && *q)
		store_like_pattern(&lk, q);
	const char *like = q && *q ? strbuf_str(&lk) : NULL;
#define PLACE_WHERE                                                                                \
	" WHERE p.grid_id = ? AND (CAST(? AS TEXT) IS NULL OR p.name LIKE ? ESCAPE '\\'"           \
	" OR p.address LIKE ? ESCAPE '\\')"
	if (store_query_int(c, total, 0, e, "SELECT COUNT(*) FROM grid_places p" PLACE_WHERE,
			    "isss", grid_id, like, like, like) < 0) {
		strbuf_release(&lk);
		return -1;
	}
	store_stmt *st = store_prepare(
		c, PLACE_SQL PLACE_FROM PLACE_WHERE " ORDER BY p.id LIMIT ? OFFSET ?", e);
	if (!st) {
		strbuf_release(&lk);
		return -1;
	}
	store_bindf(st, "isssii", grid_id, like, like, like, per_page, (page - 1) * per_page);
	*items = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(*items, row_json(st, full));
	store_done(st);
	strbuf_release(&lk);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

static int grid_of_place(store_conn *c, int64_t id, int64_t *grid_id, err *e)
{
	if (store_query_int(c, grid_id, 0, e, "SELECT grid_id FROM grid_places WHERE id = ?", "i",
			    id) < 0)
		return -1;
	return *grid_id ? 0 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "重点场所不存在");
}

int place_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	int64_t grid_id;
	grid_ref g;
	if (grid_of_place(c, id, &grid_id, e) < 0)
		return -1;
	if (grid_find(c, who, grid_id, &g, e) < 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "重点场所不存在");
	store_stmt *st;
	int rc = store_query_row(c, &st, e, PLACE_SQL PLACE_FROM " WHERE p.id = ?", "i", id);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "not_found", NULL, "重点场所不存在");
	*out = row_json(st, grid_sees_personal(who, &g));
	store_done(st);
	return 0;
}

static int keeper_check(store_conn *c, const actor *who, int64_t grid_id, err *e)
{
	grid_ref g;
	if (grid_find(c, who, grid_id, &g, e) < 0)
		return -1;
	if (!grid_sees_personal(who, &g))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL,
			       "只有本网格的网格员、B 岗和所属社区（村）工作站可以维护重点场所");
	return 0;
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

int place_create(store_conn *c, const actor *who, int64_t grid_id, const place_input *in,
		 int64_t *id, err *e)
{
	if (keeper_check(c, who, grid_id, e) < 0)
		return -1;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO grid_places (grid_id, name, kind, address, contact,"
				 " phone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
				 "isssssi", grid_id, in->name, in->kind, or_null(in->address),
				 or_null(in->contact), or_null(in->phone), clock_now_ms());
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "internal", NULL, "保存失败");
	*id = store_col_int(st, 0);
	store_done(st);
	json_t *d = json_pack("{s:I, s:s, s:s}", "grid_id", (json_int_t)grid_id, "name", in->name,
			      "kind", in->kind);
	rc = audit_append(c, who, "place.create", "grid_place", *id, d, e);
	json_decref(d);
	return rc;
}

int place_update(store_conn *c, const actor *who, int64_t id, const place_input *in, err *e)
{
	int64_t grid_id;
	if (grid_of_place(c, id, &grid_id, e) < 0)
		return -1;
	grid_ref g;
	if (grid_find(c, who, grid_id, &g, e) < 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "重点场所不存在");
	if (keeper_check(c, who, grid_id, e) < 0)
		return -1;
	if (store_exec(c, e,
		       "UPDATE grid_places SET"
		       " name = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE name END,"
		       " kind = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE kind END,"
		       " address = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE address END,"
		       " contact = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE contact END,"
		       " phone = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE phone END WHERE id = ?",
		       "isisisisisi", (int64_t)in->set_name, in->name, (int64_t)in->set_kind,
		       in->kind, (int64_t)in->set_address, or_null(in->address),
		       (int64_t)in->set_contact, or_null(in->contact), (int64_t)in->set_phone,
		       or_null(in->phone), id) < 0)
		return -1;
	json_t *d = json_pack("{s:I}", "grid_id", (json_int_t)grid_id);
	int rc = audit_append(c, who, "place.update", "grid_place", id, d, e);
	json_decref(d);
	return rc;
}
