/* Appeal administration, on SQLite and (with YIWANG_TEST_PG) on PostgreSQL: the category
 * tree refuses cycles and duplicate codes, a routing rule is one per (category, region) and
 * names only regions and units in the admin's area, deadline policies are upserted, and the
 * calendar's CSV import is all or nothing and moves deadlines. Every change is audited.
 *
 *   city C 阜新市
 *   ├─ county A 海州区
 *   │  ├─ township TA 西山街道 ── community CA 和平社区
 *   │  ├─ department DA 海州区住建局
 *   │  └─ department DX 撤销的局 (disabled)
 *   └─ county B 细河区 ── department DB 细河区城管局
 */
#include "testutil.h"

#include "platforms.h"

#include "org/actor.h"
#include "appeals/appeal_admin.h"
#include "engine/case.h"
#include "core/clock.h"
#include "org/unit.h"

typedef struct tree {
	int64_t c, a, ta, ca, da, dx, b, db;
} tree;

typedef struct fx {
	tu_db d;
	store *s;
	tree t;
	actor sys, admin_a, admin_c;
} fx;

static int mk(store_conn *c, const actor *who, const char *name, const char *kind, int64_t parent,
	      int64_t *id, err *e)
{
	unit_input in = {.name = name, .kind = kind, .parent_id = parent};
	return unit_create(c, who, &in, id, e);
}

static int tx_build(store_conn *c, void *ctx, err *e)
{
	fx *f = ctx;
	tree *t = &f->t;
	const actor *w = &f->sys;
	unit_patch off = {.disabled = 1};
	return mk(c, w, "阜新市", "city", 0, &t->c, e) < 0 ||
			       mk(c, w, "海州区", "county", t->c, &t->a, e) < 0 ||
			       mk(c, w, "西山街道", "township", t->a, &t->ta, e) < 0 ||
			       mk(c, w, "和平社区", "community", t->ta, &t->ca, e) < 0 ||
			       mk(c, w, "海州区住建局", "department", t->a, &t->da, e) < 0 ||
			       mk(c, w, "撤销的局", "department", t->a, &t->dx, e) < 0 ||
			       unit_update(c, w, t->dx, &off, e) < 0 ||
			       mk(c, w, "细河区", "county", t->c, &t->b, e) < 0 ||
			       mk(c, w, "细河区城管局", "department", t->b, &t->db, e) < 0
		       ? -1
		       : 0;
}

static void make_admin(fx *f, actor *a, int64_t unit)
{
	memset(a, 0, sizeof *a);
	a->user_id = 500 + unit;
	snprintf(a->username, sizeof a->username, "admin%lld", (long long)unit);
	a->unit_id = unit;
	err e = {0};
	if (unit_path(tu_conn(f->s), unit, a->unit_path, sizeof a->unit_path, &e) < 0)
		fail_msg("unit_path: %s", e.message);
	a->roles = ROLE_ADMIN;
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	actor_system(&f->sys, "test");
	err e = {0};
	if (store_write(f->s, tx_build, f, &e) < 0)
		fail_msg("building the tree: %s (%s)", e.message, e.code);
	make_admin(f, &f->admin_a, f->t.a);
	make_admin(f, &f->admin_c, f->t.c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	store_close(f->s);
	tu_db_drop(&f->d);
	free(f);
	return 0;
}

static int64_t count(fx *f, const char *sql)
{
	err e = {0};
	int64_t n = -1;
	if (store_query_int(tu_conn(f->s), &n, -1, &e, sql, NULL) < 0)
		fail_msg("%s: %s", sql, e.message);
	return n;
}

static int64_t audits(fx *f, const char *action)
{
	err e = {0};
	int64_t n = -1;
	if (store_query_int(tu_conn(f->s), &n, -1, &e,
			    "SELECT COUNT(*) FROM audit_log WHERE action = ?", "s", action) < 0)
		fail_msg("audit count: %s", e.message);
	return n;
}

/* ---- transaction bodies ---- */

typedef struct cat_ctx {
	const actor *who;
	category_input in;
	category_patch p;
	int64_t id;
} cat_ctx;

static int tx_cat_create(store_conn *c, void *ctx, err *e)
{
	cat_ctx *x = ctx;
	return category_create(c, x->who, &x->in, &x->id, e);
}

static int tx_cat_update(store_conn *c, void *ctx, err *e)
{
	cat_ctx *x = ctx;
	return category_update(c, x->who, x->id, &x->p, e);
}

static int64_t cat_new(fx *f, const char *code, const char *name, int64_t parent)
{
	cat_ctx x = {.who = &f->admin_c,
		     .in = {.code = code, .name = name, .parent_id = parent, .active = true}};
	err e = {0};
	if (store_write(f->s, tx_cat_create, &x, &e) < 0)
		fail_msg("category %s: %s", code, e.message);
	return x.id;
}

static int cat_move(fx *f, int64_t id, int64_t parent, err *e)
{
	cat_ctx x = {.who = &f->admin_c,
		     .id = id,
		     .p = {.set_parent = true, .parent_id = parent, .active = -1}};
	return store_write(f->s, tx_cat_update, &x, e);
}

typedef struct rule_ctx {
	const actor *who;
	int64_t category, region, unit, id;
	bool created;
} rule_ctx;

static int tx_rule_put(store_conn *c, void *ctx, err *e)
{
	rule_ctx *x = ctx;
	return routing_rule_put(c, x->who, x->category, x->region, x->unit, &x->id, &x->created, e);
}

static int tx_rule_delete(store_conn *c, void *ctx, err *e)
{
	rule_ctx *x = ctx;
	return routing_rule_delete(c, x->who, x->id, e);
}

static int rule_put(fx *f, const actor *who, int64_t category, int64_t region, int64_t unit,
		    rule_ctx *out, err *e)
{
	*out = (rule_ctx){.who = who, .category = category, .region = region, .unit = unit};
	return store_write(f->s, tx_rule_put, out, e);
}

typedef struct import_ctx {
	const actor *who;
	const char *csv;
	int count;
} import_ctx;

static int tx_import(store_conn *c, void *ctx, err *e)
{
	import_ctx *x = ctx;
	return calendar_days_import(c, x->who, x->csv, &x->count, e);
}

typedef struct day_ctx {
	const actor *who;
	const char *date, *name;
	bool workday;
} day_ctx;

static int tx_day_put(store_conn *c, void *ctx, err *e)
{
	day_ctx *x = ctx;
	return calendar_days_put(c, x->who, x->date, x->workday, x->name, e);
}

static int tx_day_delete(store_conn *c, void *ctx, err *e)
{
	day_ctx *x = ctx;
	return calendar_days_delete(c, x->who, x->date, e);
}

typedef struct policy_ctx {
	const actor *who;
	deadline_policy p;
} policy_ctx;

static int tx_policy(store_conn *c, void *ctx, err *e)
{
	policy_ctx *x = ctx;
	return deadline_policy_put(c, x->who, &x->p, e);
}

/* ---- categories ---- */

static void test_category_code_rule(void **state)
{
	(void)state;
	assert_true(category_code_valid("heating"));
	assert_true(category_code_valid("road_repair-2"));
	assert_true(category_code_valid("abcdefghijklmnopqrstuvwxyz012345")); /* 32 */
	assert_false(category_code_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(category_code_valid(""));
	assert_false(category_code_valid("Heating"));
	assert_false(category_code_valid("供暖"));
	assert_false(category_code_valid("a b"));
	assert_false(category_code_valid(NULL));
}

static void test_category_create_refuses_duplicate_code_and_missing_parent(void **state)
{
	fx *f = *state;
	int64_t heat = cat_new(f, "heating", "供暖", 0);
	json_t *o;
	err e = {0};
	assert_int_equal(category_get(tu_conn(f->s), heat, &o, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "供暖");
	assert_true(json_is_null(json_object_get(o, "parent_id")));
	assert_true(json_is_null(json_object_get(o, "finish_days")));
	assert_true(json_is_true(json_object_get(o, "active")));
	json_decref(o);
	cat_ctx x = {.who = &f->admin_c,
		     .in = {.code = "heating", .name = "另一个", .active = true}};
	assert_int_equal(store_write(f->s, tx_cat_create, &x, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_string_equal(e.code, "duplicate");
	x.in.code = "other";
	x.in.parent_id = 424242;
	assert_int_equal(store_write(f->s, tx_cat_create, &x, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "invalid_parent");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM categories"), 1);
	assert_int_equal(audits(f, "category_create"), 1);
}

static void test_category_cycle_refused(void **state)
{
	fx *f = *state;
	int64_t a = cat_new(f, "city_mgmt", "城市管理", 0);
	int64_t b = cat_new(f, "roads", "道路", a);
	int64_t c = cat_new(f, "potholes", "坑洼", b);
	err e = {0};
	/* Under its own grandchild, its child, or itself: refused. */
	assert_int_equal(cat_move(f, a, c, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "invalid_parent");
	assert_int_equal(cat_move(f, a, b, &e), -1);
	assert_string_equal(e.code, "invalid_parent");
	assert_int_equal(cat_move(f, a, a, &e), -1);
	assert_string_equal(e.code, "invalid_parent");
	/* Under a missing one: refused. */
	assert_int_equal(cat_move(f, c, 999999, &e), -1);
	assert_string_equal(e.code, "invalid_parent");
	/* Nothing moved. */
	json_t *o;
	assert_int_equal(category_get(tu_conn(f->s), a, &o, &e), 0);
	assert_true(json_is_null(json_object_get(o, "parent_id")));
	json_decref(o);
	/* Sideways and to the top level: fine, and audited. */
	int64_t before = audits(f, "category_update");
	assert_int_equal(cat_move(f, c, a, &e), 0);
	assert_int_equal(cat_move(f, b, 0, &e), 0);
	assert_int_equal(cat_move(f, a, b, &e), 0); /* b is no longer below a */
	assert_int_equal(audits(f, "category_update"), before + 3);
	assert_int_equal(category_get(tu_conn(f->s), a, &o, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "parent_id")), b);
	json_decref(o);
}

static void test_category_update_fields_and_duplicate_code(void **state)
{
	fx *f = *state;
	int64_t heat = cat_new(f, "heating", "供暖", 0);
	cat_new(f, "water", "供水", 0);
	err e = {0};
	cat_ctx x = {.who = &f->admin_c,
		     .id = heat,
		     .p = {.name = "供热", .set_finish_days = true, .finish_days = 3, .active = 0}};
	assert_int_equal(store_write(f->s, tx_cat_update, &x, &e), 0);
	json_t *o;
	assert_int_equal(category_get(tu_conn(f->s), heat, &o, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "供热");
	assert_int_equal(json_integer_value(json_object_get(o, "finish_days")), 3);
	assert_true(json_is_false(json_object_get(o, "active")));
	json_decref(o);
	/* finish_days cleared. */
	x.p = (category_patch){.set_finish_days = true, .finish_days = 0, .active = -1};
	assert_int_equal(store_write(f->s, tx_cat_update, &x, &e), 0);
	assert_int_equal(category_get(tu_conn(f->s), heat, &o, &e), 0);
	assert_true(json_is_null(json_object_get(o, "finish_days")));
	json_decref(o);
	x.p = (category_patch){.code = "water", .active = -1};
	assert_int_equal(store_write(f->s, tx_cat_update, &x, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_string_equal(e.code, "duplicate");
	x.id = 999999;
	x.p = (category_patch){.name = "x", .active = -1};
	assert_int_equal(store_write(f->s, tx_cat_update, &x, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
}

static void test_category_list_parents_before_children(void **state)
{
	fx *f = *state;
	int64_t child = cat_new(f, "child", "子", 0);
	int64_t top = cat_new(f, "top", "顶", 0);
	int64_t other = cat_new(f, "other", "其他", 0);
	err e = {0};
	assert_int_equal(cat_move(f, child, top, &e), 0);
	json_t *items;
	assert_int_equal(category_list(tu_conn(f->s), &items, &e), 0);
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), top);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")),
			 child);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 2), "id")),
			 other);
	json_decref(items);
}

/* ---- routing rules ---- */

static void test_routing_rule_upsert_replaces_the_pair(void **state)
{
	fx *f = *state;
	int64_t heat = cat_new(f, "heating", "供暖", 0);
	rule_ctx x, y;
	err e = {0};
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.ta, f->t.da, &x, &e), 0);
	assert_true(x.created);
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.ta, f->t.ca, &y, &e), 0);
	assert_false(y.created);
	assert_int_equal(y.id, x.id);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM routing_rules"), 1);
	json_t *o;
	assert_int_equal(routing_rule_get(tu_conn(f->s), &f->admin_a, x.id, &o, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "unit"), "id")),
			 f->t.ca);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(o, "category"), "name")), "供暖");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(o, "region"), "name")),
		"西山街道");
	json_decref(o);
	/* The same pair and unit again: no change, nothing audited. */
	int64_t before = audits(f, "routing_rule_put");
	assert_int_equal(before, 2);
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.ta, f->t.ca, &y, &e), 0);
	assert_int_equal(audits(f, "routing_rule_put"), before);
	/* Another region is another rule. */
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.a, f->t.da, &y, &e), 0);
	assert_true(y.created);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM routing_rules"), 2);
}

static void test_routing_rule_names_regions_and_units_in_area(void **state)
{
	fx *f = *state;
	int64_t heat = cat_new(f, "heating", "供暖", 0);
	rule_ctx x;
	err e = {0};
	/* A department is no region. */
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.da, f->t.da, &x, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "invalid_region");
	assert_string_equal(e.field, "region_id");
	/* County A's admin can't route county B, nor route to B's department. */
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.b, f->t.da, &x, &e), -1);
	assert_string_equal(e.code, "invalid_region");
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.ta, f->t.db, &x, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "invalid_unit");
	assert_string_equal(e.field, "unit_id");
	/* Nor to a disabled unit, a missing one, or with a missing category. */
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.ta, f->t.dx, &x, &e), -1);
	assert_string_equal(e.code, "invalid_unit");
	assert_int_equal(rule_put(f, &f->admin_a, heat, f->t.ta, 999999, &x, &e), -1);
	assert_string_equal(e.code, "invalid_unit");
	assert_int_equal(rule_put(f, &f->admin_a, 999999, f->t.ta, f->t.da, &x, &e), -1);
	assert_string_equal(e.code, "invalid_category");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM routing_rules"), 0);
	/* The city's admin may route B to a city-wide unit. */
	assert_int_equal(rule_put(f, &f->admin_c, heat, f->t.b, f->t.da, &x, &e), 0);
}

static void test_routing_rule_list_and_delete_within_area(void **state)
{
	fx *f = *state;
	int64_t heat = cat_new(f, "heating", "供暖", 0);
	int64_t water = cat_new(f, "water", "供水", 0);
	rule_ctx in_a, in_b, x;
	err e = {0};
	assert_int_equal(rule_put(f, &f->admin_c, heat, f->t.ta, f->t.da, &in_a, &e), 0);
	assert_int_equal(rule_put(f, &f->admin_c, water, f->t.ta, f->t.da, &x, &e), 0);
	assert_int_equal(rule_put(f, &f->admin_c, heat, f->t.b, f->t.db, &in_b, &e), 0);
	json_t *items;
	int64_t total;
	assert_int_equal(
		routing_rule_list(tu_conn(f->s), &f->admin_a, 0, 0, 1, 20, &items, &total, &e), 0);
	assert_int_equal(total, 2);
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);
	assert_int_equal(
		routing_rule_list(tu_conn(f->s), &f->admin_c, heat, 0, 1, 20, &items, &total, &e),
		0);
	assert_int_equal(total, 2);
	json_decref(items);
	assert_int_equal(
		routing_rule_list(tu_conn(f->s), &f->admin_c, 0, f->t.b, 1, 20, &items, &total, &e),
		0);
	assert_int_equal(total, 1);
	json_decref(items);
	/* B's rule is not found by A's admin; A's is deleted, and audited. */
	rule_ctx del = {.who = &f->admin_a, .id = in_b.id};
	assert_int_equal(store_write(f->s, tx_rule_delete, &del, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	del.id = in_a.id;
	assert_int_equal(store_write(f->s, tx_rule_delete, &del, &e), 0);
	assert_int_equal(store_write(f->s, tx_rule_delete, &del, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM routing_rules"), 2);
	assert_int_equal(audits(f, "routing_rule_delete"), 1);
}

/* ---- deadline policies ---- */

static void test_deadline_policy_upserts(void **state)
{
	fx *f = *state;
	assert_true(deadline_policy_type_valid("*"));
	assert_true(deadline_policy_type_valid("complaint"));
	assert_false(deadline_policy_type_valid("gossip"));
	assert_false(deadline_policy_type_valid(""));
	int64_t n = count(f, "SELECT COUNT(*) FROM deadline_policies");
	err e = {0};
	policy_ctx x = {.who = &f->admin_c,
			.p = {.type = "complaint",
			      .urgent = false,
			      .sign_minutes = 60,
			      .sign_working = true,
			      .finish_minutes = 2160,
			      .finish_working = true}};
	assert_int_equal(store_write(f->s, tx_policy, &x, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM deadline_policies"), n + 1);
	x.p.sign_minutes = 30;
	x.p.finish_working = false;
	assert_int_equal(store_write(f->s, tx_policy, &x, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM deadline_policies"), n + 1);
	json_t *o;
	assert_int_equal(deadline_policy_get(tu_conn(f->s), "complaint", false, &o, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "sign_minutes")), 30);
	assert_true(json_is_false(json_object_get(o, "finish_working")));
	assert_true(json_is_true(json_object_get(o, "sign_working")));
	json_decref(o);
	assert_int_equal(audits(f, "deadline_policy_put"), 2);
	json_t *items;
	assert_int_equal(deadline_policy_list(tu_conn(f->s), &items, &e), 0);
	assert_int_equal((int64_t)json_array_size(items), n + 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "type")),
			    "*");
	json_decref(items);
}

/* ---- calendar ---- */

static const char *const GOLDEN_WEEK = "date,kind,name\n"
				       "2026-09-20,班,国庆节调休\n"
				       "2026-10-01,休,国庆节\n"
				       "2026-10-02,休,国庆节\n"
				       "2026-10-03,休,国庆节\n"
				       "2026-10-04,休,国庆节\n"
				       "2026-10-05,休,国庆节\n"
				       "2026-10-06,休,国庆节\n"
				       "2026-10-07,休,国庆节\n"
				       "2026-10-10,班,国庆节调休\n";

static void test_calendar_import_all_or_nothing(void **state)
{
	fx *f = *state;
	err e = {0};
	import_ctx x = {.who = &f->admin_c, .csv = GOLDEN_WEEK};
	assert_int_equal(store_write(f->s, tx_import, &x, &e), 0);
	assert_int_equal(x.count, 9);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM calendar_days"), 9);
	assert_int_equal(audits(f, "calendar_import"), 1);
	/* A bad third line: nothing of this import is written, not even the good lines. */
	x.csv = "date,kind,name\n"
		"2026-01-01,休,元旦\n"
		"2026-02-30,休,不存在\n"
		"2026-01-02,休,元旦\n";
	assert_int_equal(store_write(f->s, tx_import, &x, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "invalid_csv");
	assert_non_null(strstr(e.message, "第 3 行"));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM calendar_days"), 9);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM calendar_days WHERE day = '2026-01-01'"),
			 0);
	assert_int_equal(audits(f, "calendar_import"), 1);
	/* Empty: refused too. */
	x.csv = "date,kind,name\n# nothing\n";
	assert_int_equal(store_write(f->s, tx_import, &x, &e), -1);
	assert_string_equal(e.code, "invalid_csv");
	/* Re-importing replaces those dates: 10-10 becomes a holiday. */
	x.csv = "2026-10-10,holiday,改为休息\n";
	assert_int_equal(store_write(f->s, tx_import, &x, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM calendar_days"), 9);
	assert_int_equal(count(f, "SELECT workday FROM calendar_days WHERE day = '2026-10-10'"), 0);
}

static void test_calendar_import_moves_deadlines(void **state)
{
	fx *f = *state;
	err e = {0};
	int64_t start, sign, finish, want;
	assert_int_equal(clock_parse_iso("2026-09-30T17:00", &start), 0);
	/* Before: 120 working minutes from 17:00 on Wednesday run into Thursday 10:00. */
	assert_int_equal(case_deadlines(tu_conn(f->s), "appeal", "complaint", false, 0, start,
					&sign, &finish, &e),
			 0);
	assert_int_equal(clock_parse_iso("2026-10-01T10:00", &want), 0);
	assert_true(sign == want);
	import_ctx x = {.who = &f->admin_c, .csv = GOLDEN_WEEK};
	assert_int_equal(store_write(f->s, tx_import, &x, &e), 0);
	/* After: the golden week is skipped. */
	assert_int_equal(case_deadlines(tu_conn(f->s), "appeal", "complaint", false, 0, start,
					&sign, &finish, &e),
			 0);
	assert_int_equal(clock_parse_iso("2026-10-08T10:00", &want), 0);
	assert_true(sign == want);
}

static void test_calendar_put_delete_and_year(void **state)
{
	fx *f = *state;
	err e = {0};
	day_ctx d = {.who = &f->admin_c, .date = "2026-05-01", .workday = false, .name = "劳动节"};
	assert_int_equal(store_write(f->s, tx_day_put, &d, &e), 0);
	d.date = "2026-05-09";
	d.workday = true;
	d.name = NULL;
	assert_int_equal(store_write(f->s, tx_day_put, &d, &e), 0);
	d.date = "2027-01-01";
	d.workday = false;
	d.name = "元旦";
	assert_int_equal(store_write(f->s, tx_day_put, &d, &e), 0);
	/* Replacing a date keeps one row. */
	d.date = "2026-05-01";
	d.name = "国际劳动节";
	assert_int_equal(store_write(f->s, tx_day_put, &d, &e), 0);
	assert_int_equal(audits(f, "calendar_day_put"), 4);
	json_t *y;
	assert_int_equal(calendar_days_year(tu_conn(f->s), 2026, &y, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(y, "office_start")), 510);
	assert_int_equal(json_integer_value(json_object_get(y, "office_end")), 1050);
	json_t *items = json_object_get(y, "items");
	assert_int_equal(json_array_size(items), 2);
	json_t *first = json_array_get(items, 0), *second = json_array_get(items, 1);
	assert_string_equal(json_string_value(json_object_get(first, "date")), "2026-05-01");
	assert_true(json_is_false(json_object_get(first, "workday")));
	assert_string_equal(json_string_value(json_object_get(first, "name")), "国际劳动节");
	assert_true(json_is_true(json_object_get(second, "workday")));
	assert_true(json_is_null(json_object_get(second, "name")));
	json_decref(y);
	/* Malformed dates and names are refused. */
	d.date = "2026-5-1";
	assert_int_equal(store_write(f->s, tx_day_put, &d, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "invalid_date");
	d.date = "2026-02-29";
	assert_int_equal(store_write(f->s, tx_day_put, &d, &e), -1);
	/* Delete, then it is gone. */
	d.date = "2026-05-09";
	assert_int_equal(store_write(f->s, tx_day_delete, &d, &e), 0);
	assert_int_equal(store_write(f->s, tx_day_delete, &d, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM calendar_days"), 2);
	assert_int_equal(audits(f, "calendar_day_delete"), 1);
}

int main(void)
{
	platforms_register();
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_category_code_rule),
	};
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_category_create_refuses_duplicate_code_and_missing_parent),
		T(test_category_cycle_refused),
		T(test_category_update_fields_and_duplicate_code),
		T(test_category_list_parents_before_children),
		T(test_routing_rule_upsert_replaces_the_pair),
		T(test_routing_rule_names_regions_and_units_in_area),
		T(test_routing_rule_list_and_delete_within_area),
		T(test_deadline_policy_upserts),
		T(test_calendar_import_all_or_nothing),
		T(test_calendar_import_moves_deadlines),
		T(test_calendar_put_delete_and_year),
	};
#undef T
	int failed = cmocka_run_group_tests_name("appeal_admin", pure, NULL, NULL);
	failed += tu_run_both("appeal_admin", tests, sizeof tests / sizeof tests[0]);
	return failed;
}
