#include "org/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/audit.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"

static const struct {
	const char *kind, *label;
	const char *parents; /* space separated */
} kinds[] = {
	{"city", "市", ""},
	{"county", "县区", "city"},
	{"township", "乡镇街道", "county"},
	{"community", "社区", "township"},
	{"village", "村", "township"},
	{"grid", "网格", "community village township"},
	{"department", "部门", "city county township department"},
};

static int kind_index(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kind && strcmp(kinds[i].kind, kind) == 0)
			return (int)i;
	return -1;
}

bool unit_kind_valid(const char *kind)
{
	return kind_index(kind) >= 0;
}

const char *unit_kind_label(const char *kind)
{
	int i = kind_index(kind);
	return i < 0 ? "" : kinds[i].label;
}

bool unit_parent_allowed(const char *kind, const char *parent_kind)
{
	int i = kind_index(kind);
	if (i < 0 || !parent_kind)
		return false;
	const char *p = kinds[i].parents;
	size_t n = strlen(parent_kind);
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (len == n && strncmp(p, parent_kind, n) == 0)
			return true;
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* Columns of other tables that copy a unit's path, so that an area reads them as one
 * index range: a move rewrites them with the units' own, in the same transaction. */
static const struct {
	const char *table, *unit_id, *column;
	const char *record, *role; /* for problems: 事项 #12 的所属区域路径 … */
} path_copies[] = {
	{"cases", "region_id", "region_path", "事项", "所属区域"},
	{"cases", "handler_id", "handler_path", "事项", "承办单位"},
};

typedef struct unit_row {
	int64_t id, parent_id;
	char kind[16];
	char name[4 * UNIT_NAME_MAX + 1];
	char path[SCOPE_PATH_MAX];
	int64_t depth;
	bool disabled;
	bool has_code;
	char code[4 * UNIT_CODE_MAX + 1];
} unit_row;

/* Loads a unit; 404 when missing or outside who's area (who NULL: no area check). */
static int load(store_conn *c, const actor *who, int64_t id, unit_row *u, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT id, parent_id, kind, name, path, depth, disabled, code"
				 " FROM units WHERE id = ?",
				 "i", id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "单位不存在");
	u->id = store_col_int(st, 0);
	u->parent_id = store_col_null(st, 1) ? 0 : store_col_int(st, 1);
	snprintf(u->kind, sizeof u->kind, "%s", store_col_text(st, 2));
	snprintf(u->name, sizeof u->name, "%s", store_col_text(st, 3));
	snprintf(u->path, sizeof u->path, "%s", store_col_text(st, 4));
	u->depth = store_col_int(st, 5);
	u->disabled = store_col_int(st, 6) != 0;
	u->has_code = !store_col_null(st, 7);
	snprintf(u->code, sizeof u->code, "%s", store_col_text(st, 7));
	store_done(st);
	if (who && !scope_contains(who->unit_path, u->path))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "单位不存在");
	return 0;
}

static json_t *row_json(const unit_row *u)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)u->id, "name", u->name,
			      "kind", u->kind, "disabled", u->disabled);
	json_object_set_new(o, "code", u->has_code ? json_string(u->code) : json_null());
	json_object_set_new(o, "parent_id",
			    u->parent_id ? json_integer(u->parent_id) : json_null());
	return o;
}

int unit_path(store_conn *c, int64_t id, char *out, size_t n, err *e)
{
	unit_row u;
	if (load(c, NULL, id, &u, e) < 0)
		return -1;
	snprintf(out, n, "%s", u.path);
	return 0;
}

int unit_within(store_conn *c, const actor *who, int64_t id, bool *yes, err *e)
{
	*yes = false;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", id);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		*yes = scope_contains(who->unit_path, store_col_text(st, 0));
		store_done(st);
	}
	return 0;
}

int unit_create(store_conn *c, const actor *who, const unit_input *in, int64_t *id, err *e)
{
	if (!unit_kind_valid(in->kind))
		return err_set(e, ERR_INVALID, "invalid_kind", "kind", "单位类型无效：%s",
			       in->kind ? in->kind : "");
	unit_row parent = {0};
	int64_t now = clock_now_ms();
	if (in->parent_id == 0) {
		/* A root: only the command line creates one, when setting up a city. */
		if (who->user_id != 0 || strcmp(in->kind, "city") != 0)
			return err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
				       "需要上级单位");
		snprintf(parent.path, sizeof parent.path, "/");
		parent.depth = -1;
	} else {
		if (load(c, who, in->parent_id, &parent, e) < 0) {
			if (e && e->kind == ERR_NOT_FOUND)
				return err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
					       "上级单位不存在或不在您的管辖范围内");
			return -1;
		}
		if (!unit_parent_allowed(in->kind, parent.kind))
			return err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
				       "%s不能设在%s之下", unit_kind_label(in->kind),
				       unit_kind_label(parent.kind));
		if (parent.disabled)
			return err_set(e, ERR_CONFLICT, "parent_disabled", "parent_id",
				       "上级单位已停用");
	}
	if (strlen(parent.path) + 24 >= SCOPE_PATH_MAX)
		return err_set(e, ERR_INVALID, "too_deep", "parent_id", "单位层级过深");
	/* The path needs the new id; insert under a unique temporary path first. */
	char tmp[SCOPE_PATH_MAX + 32];
	snprintf(tmp, sizeof tmp, "%snew-%lld-%p/", parent.path, (long long)now, (void *)&tmp);
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "INSERT INTO units (parent_id, kind, name, code, path, depth,"
				 " disabled, created_at, updated_at)"
				 " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
				 "nssssiii", in->parent_id, in->kind, in->name, in->code, tmp,
				 parent.depth + 1, now, now);
	if (rc <= 0)
		return -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	char path[SCOPE_PATH_MAX + 32];
	snprintf(path, sizeof path, "%s%lld/", parent.path, (long long)*id);
	if (store_exec(c, e, "UPDATE units SET path = ? WHERE id = ?", "si", path, *id) < 0)
		return -1;
	json_t *d = json_pack("{s:s, s:s, s:o}", "name", in->name, "kind", in->kind, "code",
			      in->code ? json_string(in->code) : json_null());
	json_object_set_new(d, "parent_id",
			    in->parent_id ? json_integer(in->parent_id) : json_null());
	rc = audit_append(c, who, "unit_create", "unit", *id, d, e);
	json_decref(d);
	return rc;
}

/* Swaps the prefix from for to in every copied path within [from, hi): the records a
 * moved subtree scopes (appeals owned or handled there) go with it. */
static int move_path_copies(store_conn *c, const char *from, const char *hi, const char *to, err *e)
{
	for (size_t i = 0; i < sizeof path_copies / sizeof path_copies[0]; i++) {
		const char *t = path_copies[i].table, *col = path_copies[i].column;
		char *sql =
			xasprintf("UPDATE %s SET %s = ? || substr(%s, ?) WHERE %s >= ? AND %s < ?",
				  t, col, col, col, col);
		int64_t rc = store_exec(c, e, sql, "siss", to, (int64_t)strlen(from) + 1, from, hi);
		free(sql);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int unit_update(store_conn *c, const actor *who, int64_t id, const unit_patch *p, err *e)
{
	unit_row u;
	if (load(c, who, id, &u, e) < 0)
		return -1;
	int64_t now = clock_now_ms();
	json_t *d = json_object();
	int rc = -1;
	if (p->name && strcmp(p->name, u.name) != 0) {
		if (store_exec(c, e, "UPDATE units SET name = ?, updated_at = ? WHERE id = ?",
			       "sii", p->name, now, id) < 0)
			goto out;
		json_object_set_new(d, "name", json_pack("[s,s]", u.name, p->name));
	}
	if (p->set_code) {
		if (store_exec(c, e, "UPDATE units SET code = ?, updated_at = ? WHERE id = ?",
			       "sii", p->code, now, id) < 0)
			goto out;
		json_object_set_new(d, "code",
				    json_pack("[o,o]",
					      u.has_code ? json_string(u.code) : json_null(),
					      p->code ? json_string(p->code) : json_null()));
	}
	if (p->parent_id && p->parent_id != u.parent_id) {
		if (id == who->unit_id || !u.parent_id) {
			err_set(e, ERR_INVALID, "own_unit", "parent_id", "不能移动本单位或根单位");
			goto out;
		}
		unit_row np;
		if (load(c, who, p->parent_id, &np, e) < 0) {
			if (e && e->kind == ERR_NOT_FOUND)
				err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
					"新的上级单位不存在或不在您的管辖范围内");
			goto out;
		}
		if (scope_contains(u.path, np.path)) {
			err_set(e, ERR_INVALID, "invalid_parent", "parent_id",
				"不能把单位移到它自己或它的下级之下");
			goto out;
		}
		if (!unit_parent_allowed(u.kind, np.kind)) {
			err_set(e, ERR_INVALID, "invalid_parent", "parent_id", "%s不能设在%s之下",
				unit_kind_label(u.kind), unit_kind_label(np.kind));
			goto out;
		}
		if (np.disabled) {
			err_set(e, ERR_CONFLICT, "parent_disabled", "parent_id",
				"新的上级单位已停用");
			goto out;
		}
		char newpath[SCOPE_PATH_MAX + 32], hi[SCOPE_PATH_MAX];
		snprintf(newpath, sizeof newpath, "%s%lld/", np.path, (long long)id);
		scope_upper(u.path, hi, sizeof hi);
		/* Every path in the subtree grows by the same number of bytes; the longest
		 * must still fit the bound that areas are checked with. */
		int64_t longest;
		if (store_query_int(
			    c, &longest, 0, e,
			    "SELECT MAX(LENGTH(path)) FROM units WHERE path >= ? AND path < ?",
			    "ss", u.path, hi) < 0)
			goto out;
		if (longest + (int64_t)strlen(newpath) - (int64_t)strlen(u.path) >=
		    SCOPE_PATH_MAX) {
			err_set(e, ERR_INVALID, "too_deep", "parent_id", "移动后单位层级过深");
			goto out;
		}
		/* The whole subtree moves: every path swaps its old prefix for the new. */
		if (store_exec(c, e,
			       "UPDATE units SET path = ? || substr(path, ?), depth = depth + ?,"
			       " updated_at = ? WHERE path >= ? AND path < ?",
			       "siiiss", newpath, (int64_t)strlen(u.path) + 1,
			       (np.depth + 1) - u.depth, now, u.path, hi) < 0 ||
		    move_path_copies(c, u.path, hi, newpath, e) < 0)
			goto out;
		if (store_exec(c, e, "UPDATE units SET parent_id = ? WHERE id = ?", "ii", np.id,
			       id) < 0)
			goto out;
		json_object_set_new(d, "parent_id",
				    json_pack("[I,I]", (json_int_t)u.parent_id, (json_int_t)np.id));
	}
	if (p->disabled >= 0 && (p->disabled != 0) != u.disabled) {
		if (id == who->unit_id) {
			err_set(e, ERR_INVALID, "own_unit", "disabled", "不能停用本单位");
			goto out;
		}
		if (store_exec(c, e, "UPDATE units SET disabled = ?, updated_at = ? WHERE id = ?",
			       "bii", p->disabled, now, id) < 0)
			goto out;
		json_object_set_new(d, "disabled", json_boolean(p->disabled));
	}
	rc = json_object_size(d) ? audit_append(c, who, "unit_update", "unit", id, d, e) : 0;
out:
	json_decref(d);
	return rc;
}

int unit_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	unit_row u;
	if (load(c, who, id, &u, e) < 0)
		return -1;
	int64_t children;
	if (store_query_int(c, &children, 0, e, "SELECT COUNT(*) FROM units WHERE parent_id = ?",
			    "i", id) < 0)
		return -1;
	/* The chain from the caller's own unit down to this one: skip the ancestors above
	 * the caller's unit ("/1/5/" has its own unit 5 after one ancestor). */
	json_t *chain = json_array();
	int skip = -2;
	for (const char *q = who->unit_path; *q; q++)
		skip += *q == '/';
	const char *p = u.path + 1;
	for (; skip > 0 && *p; skip--) {
		const char *slash = strchr(p, '/');
		p = slash ? slash + 1 : p + strlen(p);
	}
	while (*p) {
		int64_t aid = strtoll(p, NULL, 10);
		const char *slash = strchr(p, '/');
		p = slash ? slash + 1 : p + strlen(p);
		unit_row a;
		if (load(c, NULL, aid, &a, e) < 0) {
			json_decref(chain);
			return -1;
		}
		json_array_append_new(chain, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a.id,
						       "name", a.name, "kind", a.kind));
	}
	json_t *o = row_json(&u);
	json_object_set_new(o, "children_count", json_integer(children));
	json_object_set_new(o, "depth", json_integer(u.depth));
	json_object_set_new(o, "path", chain);
	*out = o;
	return 0;
}

int unit_list(store_conn *c, const actor *who, const unit_filter *f, int64_t page, int64_t per_page,
	      json_t **items, int64_t *total, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	strbuf where = STRBUF_INIT, like = STRBUF_INIT;
	strbuf_adds(&where, " FROM units u WHERE u.path >= ? AND u.path < ?");
	if (!f->include_disabled)
		strbuf_adds(&where, " AND u.disabled = 0");
	if (f->kind)
		strbuf_adds(&where, " AND u.kind = ?");
	if (f->parent_id)
		strbuf_adds(&where, " AND u.parent_id = ?");
	if (f->q) {
		strbuf_adds(&where,
			    " AND (u.name LIKE ? ESCAPE '\\' OR u.code LIKE ? ESCAPE '\\')");
		store_like_pattern(&like, f->q);
	}
	char *count_sql = xasprintf("SELECT COUNT(*)%s", strbuf_str(&where));
	char *list_sql = xasprintf("SELECT u.id, u.parent_id, u.kind, u.name, u.path, u.depth,"
				   " u.disabled, u.code,"
				   " (SELECT COUNT(*) FROM units k WHERE k.parent_id = u.id)"
				   "%s ORDER BY u.path LIMIT ? OFFSET ?",
				   strbuf_str(&where));
	int rc = -1;
	json_t *arr = json_array();
	for (int pass = 0; pass < 2; pass++) {
		store_stmt *st = store_prepare(c, pass == 0 ? count_sql : list_sql, e);
		if (!st)
			goto out;
		int idx = 1;
		store_bind_text(st, idx++, who->unit_path);
		store_bind_text(st, idx++, hi);
		if (f->kind)
			store_bind_text(st, idx++, f->kind);
		if (f->parent_id)
			store_bind_int(st, idx++, f->parent_id);
		if (f->q) {
			store_bind_text(st, idx++, strbuf_str(&like));
			store_bind_text(st, idx++, strbuf_str(&like));
		}
		if (pass == 1) {
			store_bind_int(st, idx++, per_page);
			store_bind_int(st, idx++, (page - 1) * per_page);
		}
		int src;
		while ((src = store_step(st, e)) == 1) {
			if (pass == 0) {
				*total = store_col_int(st, 0);
				continue;
			}
			unit_row u = {0};
			u.id = store_col_int(st, 0);
			u.parent_id = store_col_null(st, 1) ? 0 : store_col_int(st, 1);
			snprintf(u.kind, sizeof u.kind, "%s", store_col_text(st, 2));
			snprintf(u.name, sizeof u.name, "%s", store_col_text(st, 3));
			u.disabled = store_col_int(st, 6) != 0;
			u.has_code = !store_col_null(st, 7);
			snprintf(u.code, sizeof u.code, "%s", store_col_text(st, 7));
			json_t *o = row_json(&u);
			json_object_set_new(o, "depth", json_integer(store_col_int(st, 5)));
			json_object_set_new(o, "children_count",
					    json_integer(store_col_int(st, 8)));
			json_array_append_new(arr, o);
		}
		store_done(st);
		if (src < 0)
			goto out;
	}
	*items = arr;
	arr = NULL;
	rc = 0;
out:
	json_decref(arr);
	free(count_sql);
	free(list_sql);
	strbuf_release(&where);
	strbuf_release(&like);
	return rc;
}

/* Every copied path equals its unit's path (a move that left records behind shows here). */
static int verify_path_copies(store_conn *c, char *problem, size_t n, err *e)
{
	for (size_t i = 0; i < sizeof path_copies / sizeof path_copies[0]; i++) {
		const char *t = path_copies[i].table, *col = path_copies[i].column;
		char *sql = xasprintf("SELECT x.id, x.%s, u.id, u.path FROM %s x"
				      " JOIN units u ON u.id = x.%s WHERE x.%s <> u.path LIMIT 1",
				      col, t, path_copies[i].unit_id, col);
		store_stmt *st;
		int rc = store_query_row(c, &st, e, sql, NULL);
		free(sql);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			snprintf(problem, n, "%s #%lld 的%s路径 %s 与单位 #%lld 不符（应为 %s）",
				 path_copies[i].record, (long long)store_col_int(st, 0),
				 path_copies[i].role, store_col_text(st, 1),
				 (long long)store_col_int(st, 2), store_col_text(st, 3));
			store_done(st);
			return 1;
		}
	}
	return 0;
}

int unit_verify_tree(store_conn *c, char *problem, size_t n, err *e)
{
	store_stmt *st = store_prepare(c,
				       "SELECT u.id, u.path, p.path, u.parent_id FROM units u"
				       " LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.id",
				       e);
	if (!st)
		return -1;
	int rc, bad = 0;
	while ((rc = store_step(st, e)) == 1) {
		char want[SCOPE_PATH_MAX + 32];
		snprintf(want, sizeof want, "%s%lld/",
			 store_col_null(st, 3) ? "/" : store_col_text(st, 2),
			 (long long)store_col_int(st, 0));
		if (strcmp(want, store_col_text(st, 1)) != 0) {
			snprintf(problem, n, "单位 #%lld 的路径 %s 与上级不符（应为 %s）",
				 (long long)store_col_int(st, 0), store_col_text(st, 1), want);
			bad = 1;
			break;
		}
	}
	store_done(st);
	if (rc < 0)
		return -1;
	return bad ? bad : verify_path_copies(c, problem, n, e);
}
