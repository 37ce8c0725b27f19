/* The unit tree and the area rule, on SQLite and (with YIWANG_TEST_PG) on PostgreSQL: a
 * unit sits only under a parent of the right kind, its materialized path is its parent's
 * plus its own id, a move carries the whole subtree, and an actor rooted at a unit never
 * sees, changes or creates anything outside that unit's subtree. Each test builds the same
 * small tree in a fresh database:
 *
 *   city 阜新市
 *   ├─ county A 海州区
 *   │  ├─ township TA 西山街道
 *   │  │  ├─ community CA 和平社区 ── grid GA 和平一网格
 *   │  │  └─ village VA 新村
 *   │  └─ department DA 民政局 ── department DA2 救助科 ── department DA3 一股
 *   ├─ county B 细河区 ── township TB 北街街道 ── community CB 北街社区
 *   ├─ fillers 县区N, until
 *   └─ county Z, whose id starts with A's digits (A = 2, Z = 20: "/1/20/" starts with
 *      "/1/2"), ── township ZT
 */
#include "testutil.h"

#include "org/actor.h"
#include "org/unit.h"

typedef struct tree {
	int64_t city, a, ta, ca, ga, va, da, da2, da3, b, tb, cb, z, zt;
} tree;

typedef struct fx {
	tu_db d;
	store *s;
	tree t;
	actor sys, in_a; /* the command line; an administrator of county A */
} fx;

/* ---- transaction bodies (they run on the writer thread: no assertions there) ---- */

static int mk(store_conn *c, const actor *who, const char *name, const char *kind, int64_t parent,
	      int64_t *id, err *e)
{
	unit_input in = {.name = name, .kind = kind, .parent_id = parent};
	return unit_create(c, who, &in, id, e);
}

static int tx_build_tree(store_conn *c, void *ctx, err *e)
{
	fx *f = ctx;
	tree *t = &f->t;
	const actor *w = &f->sys;
	if (mk(c, w, "阜新市", "city", 0, &t->city, e) < 0 ||
	    mk(c, w, "海州区", "county", t->city, &t->a, e) < 0 ||
	    mk(c, w, "西山街道", "township", t->a, &t->ta, e) < 0 ||
	    mk(c, w, "和平社区", "community", t->ta, &t->ca, e) < 0 ||
	    mk(c, w, "和平一网格", "grid", t->ca, &t->ga, e) < 0 ||
	    mk(c, w, "新村", "village", t->ta, &t->va, e) < 0 ||
	    mk(c, w, "民政局", "department", t->a, &t->da, e) < 0 ||
	    mk(c, w, "救助科", "department", t->da, &t->da2, e) < 0 ||
	    mk(c, w, "一股", "department", t->da2, &t->da3, e) < 0 ||
	    mk(c, w, "细河区", "county", t->city, &t->b, e) < 0 ||
	    mk(c, w, "北街街道", "township", t->b, &t->tb, e) < 0 ||
	    mk(c, w, "北街社区", "community", t->tb, &t->cb, e) < 0)
		return -1;
	/* Counties until one's id begins with A's digits and is longer. */
	char a_digits[24];
	snprintf(a_digits, sizeof a_digits, "%lld", (long long)t->a);
	for (int n = 0;; n++) {
		char name[32], digits[24];
		snprintf(name, sizeof name, "县区%d", n);
		if (mk(c, w, name, "county", t->city, &t->z, e) < 0)
			return -1;
		snprintf(digits, sizeof digits, "%lld", (long long)t->z);
		if (strlen(digits) > strlen(a_digits) &&
		    strncmp(digits, a_digits, strlen(a_digits)) == 0)
			break;
		if (n > 1000)
			return err_set(e, ERR_INTERNAL, "fixture", NULL, "no prefix id reached");
	}
	return mk(c, w, "前缀街道", "township", t->z, &t->zt, e);
}

typedef struct create_ctx {
	const actor *who;
	unit_input in;
	int64_t id;
} create_ctx;

static int tx_create(store_conn *c, void *ctx, err *e)
{
	create_ctx *x = ctx;
	return unit_create(c, x->who, &x->in, &x->id, e);
}

typedef struct update_ctx {
	const actor *who;
	int64_t id;
	unit_patch p;
} update_ctx;

static int tx_update(store_conn *c, void *ctx, err *e)
{
	update_ctx *x = ctx;
	return unit_update(c, x->who, x->id, &x->p, e);
}

/* ctx is one SQL statement without parameters. */
static int tx_exec_sql(store_conn *c, void *ctx, err *e)
{
	return store_exec(c, e, ctx, NULL) < 0 ? -1 : 0;
}

/* ---- fixture ---- */

static void path_of(fx *f, int64_t id, char *out, size_t n)
{
	err e = {0};
	if (unit_path(tu_conn(f->s), id, out, n, &e) < 0)
		fail_msg("unit_path(%lld): %s", (long long)id, e.message);
}

static int64_t depth_of(fx *f, int64_t id)
{
	err e = {0};
	int64_t d = -99;
	if (store_query_int(tu_conn(f->s), &d, -99, &e, "SELECT depth FROM units WHERE id = ?", "i",
			    id) < 0)
		fail_msg("depth: %s", e.message);
	return d;
}

static int64_t parent_of(fx *f, int64_t id)
{
	err e = {0};
	int64_t p = -1;
	if (store_query_int(tu_conn(f->s), &p, 0, &e, "SELECT parent_id FROM units WHERE id = ?",
			    "i", id) < 0)
		fail_msg("parent: %s", e.message);
	return p;
}

static int64_t unit_count(fx *f)
{
	err e = {0};
	int64_t n = -1;
	if (store_query_int(tu_conn(f->s), &n, -1, &e, "SELECT COUNT(*) FROM units", NULL) < 0)
		fail_msg("count: %s", e.message);
	return n;
}

static void make_actor(fx *f, actor *a, int64_t unit_id)
{
	memset(a, 0, sizeof *a);
	a->user_id = 1000 + unit_id;
	snprintf(a->username, sizeof a->username, "admin%lld", (long long)unit_id);
	a->unit_id = unit_id;
	path_of(f, unit_id, a->unit_path, sizeof a->unit_path);
	a->roles = ROLE_ADMIN;
	snprintf(a->ip, sizeof a->ip, "127.0.0.1");
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	actor_system(&f->sys, "test");
	err e = {0};
	if (store_write(f->s, tx_build_tree, f, &e) < 0)
		fail_msg("building the tree: %s (%s)", e.message, e.code);
	make_actor(f, &f->in_a, f->t.a);
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

static int create_as(fx *f, const actor *who, const char *name, const char *kind, int64_t parent,
		     int64_t *id, err *e)
{
	create_ctx x = {.who = who, .in = {.name = name, .kind = kind, .parent_id = parent}};
	int rc = store_write(f->s, tx_create, &x, e);
	if (rc == 0 && id)
		*id = x.id;
	return rc;
}

static int move_as(fx *f, const actor *who, int64_t id, int64_t parent, err *e)
{
	update_ctx x = {.who = who, .id = id, .p = {.parent_id = parent, .disabled = -1}};
	return store_write(f->s, tx_update, &x, e);
}

static void disable(fx *f, int64_t id)
{
	update_ctx x = {.who = &f->sys, .id = id, .p = {.disabled = 1}};
	err e = {0};
	if (store_write(f->s, tx_update, &x, &e) < 0)
		fail_msg("disable %lld: %s", (long long)id, e.message);
}

static void assert_tree_sound(fx *f)
{
	char problem[512] = "";
	err e = {0};
	int rc = unit_verify_tree(tu_conn(f->s), problem, sizeof problem, &e);
	if (rc != 0)
		fail_msg("unit_verify_tree = %d: %s %s", rc, problem, e.message);
}

/* The path a unit must have given its parent's path. */
static void assert_path_under(fx *f, int64_t id, int64_t parent)
{
	char pp[SCOPE_PATH_MAX], want[SCOPE_PATH_MAX + 32], got[SCOPE_PATH_MAX];
	path_of(f, parent, pp, sizeof pp);
	snprintf(want, sizeof want, "%s%lld/", pp, (long long)id);
	path_of(f, id, got, sizeof got);
	assert_string_equal(got, want);
	assert_int_equal(parent_of(f, id), parent);
	assert_int_equal(depth_of(f, id), depth_of(f, parent) + 1);
}

/* The ids unit_list returns, in order, into ids (up to n); the count. */
static size_t list_ids(fx *f, const actor *who, const unit_filter *flt, int64_t page,
		       int64_t per_page, int64_t *ids, size_t n, int64_t *total)
{
	json_t *items = NULL;
	err e = {0};
	*total = -1;
	if (unit_list(tu_conn(f->s), who, flt, page, per_page, &items, total, &e) < 0)
		fail_msg("unit_list: %s", e.message);
	size_t i;
	json_t *o;
	size_t k = 0;
	json_array_foreach(items, i, o)
	{
		if (k < n)
			ids[k] = json_integer_value(json_object_get(o, "id"));
		k++;
	}
	json_decref(items);
	return k;
}

static bool has_id(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* ---- pure rules (no database) ---- */

static void test_scope_upper_bounds_subtree(void **state)
{
	(void)state;
	char hi[SCOPE_PATH_MAX];
	scope_upper("/1/5/", hi, sizeof hi);
	assert_string_equal(hi, "/1/50");
	scope_upper("/", hi, sizeof hi);
	assert_string_equal(hi, "0");
	scope_upper("/12/345/6789/", hi, sizeof hi);
	assert_string_equal(hi, "/12/345/67890");
	/* Every path in [lo, hi) lies in the subtree and every path outside does not,
	 * including the neighbours that share digits. */
	const char *lo = "/1/2/";
	scope_upper(lo, hi, sizeof hi);
	const char *in[] = {"/1/2/", "/1/2/3/", "/1/2/30/", "/1/2/9/99/", "/1/2/10/"};
	const char *out[] = {"/1/", "/1/20/", "/1/21/3/", "/1/3/", "/1/19/",
			     "/2/", "/1/1/",  "/10/2/",	  "/1/2"};
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		assert_true(strcmp(in[i], lo) >= 0 && strcmp(in[i], hi) < 0);
		assert_true(scope_contains(lo, in[i]));
	}
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
		if (strcmp(out[i], lo) >= 0 && strcmp(out[i], hi) < 0)
			fail_msg("%s falls in the range of %s", out[i], lo);
		assert_false(scope_contains(lo, out[i]));
	}
	/* A short output buffer is cut, never overrun. */
	char small[4];
	scope_upper("/123/456/", small, sizeof small);
	assert_string_equal(small, "/12");
}

static void test_scope_contains_whole_segments_only(void **state)
{
	(void)state;
	assert_true(scope_contains("/", "/"));
	assert_true(scope_contains("/", "/7/8/"));
	assert_true(scope_contains("/1/5/", "/1/5/"));
	assert_true(scope_contains("/1/5/", "/1/5/7/"));
	assert_false(scope_contains("/1/5/", "/1/50/"));
	assert_false(scope_contains("/1/5/", "/1/"));
	assert_false(scope_contains("/1/5/", "/1/6/5/"));
	assert_false(scope_contains("/1/5/", "/"));
	/* The command line's actor sees the whole tree. */
	actor sys;
	actor_system(&sys, NULL);
	assert_string_equal(sys.unit_path, "/");
	assert_int_equal(sys.user_id, 0);
	assert_string_equal(sys.username, "system");
	assert_true(actor_has(&sys, ROLE_ADMIN));
	assert_true(actor_has(&sys, ROLE_STATION_STAFF));
}

static void test_parent_allowed_table(void **state)
{
	(void)state;
	static const char *kinds[] = {"city",	 "county", "township",	"community",
				      "village", "grid",   "department"};
	/* Rows: kind; columns: parent kind, in the order of kinds[]. */
	static const bool allowed[7][7] = {
		/* city */ {0, 0, 0, 0, 0, 0, 0},
		/* county */ {1, 0, 0, 0, 0, 0, 0},
		/* township */ {0, 1, 0, 0, 0, 0, 0},
		/* community */ {0, 0, 1, 0, 0, 0, 0},
		/* village */ {0, 0, 1, 0, 0, 0, 0},
		/* grid */ {0, 0, 1, 1, 1, 0, 0},
		/* department */ {1, 1, 1, 0, 0, 0, 1},
	};
	for (int k = 0; k < 7; k++) {
		assert_true(unit_kind_valid(kinds[k]));
		assert_string_not_equal(unit_kind_label(kinds[k]), "");
		for (int p = 0; p < 7; p++)
			if (unit_parent_allowed(kinds[k], kinds[p]) != allowed[k][p])
				fail_msg("unit_parent_allowed(%s, %s) should be %d", kinds[k],
					 kinds[p], allowed[k][p]);
		assert_false(unit_parent_allowed(kinds[k], NULL));
		assert_false(unit_parent_allowed(kinds[k], ""));
		assert_false(unit_parent_allowed(kinds[k], "province"));
	}
	/* Whole words only: "vill" is not "village", "town" is not "township". */
	assert_false(unit_parent_allowed("grid", "vill"));
	assert_false(unit_parent_allowed("grid", "town"));
	assert_false(unit_parent_allowed("grid", "villages"));
	assert_false(unit_parent_allowed("grid", "community village"));
	assert_false(unit_parent_allowed("province", "city"));
	assert_false(unit_parent_allowed(NULL, "city"));
	assert_false(unit_kind_valid("province"));
	assert_false(unit_kind_valid(NULL));
	assert_false(unit_kind_valid("City"));
	assert_string_equal(unit_kind_label("township"), "乡镇街道");
	assert_string_equal(unit_kind_label("nonsense"), "");
}

/* ---- create ---- */

static void test_create_sets_path_and_depth(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	char p[SCOPE_PATH_MAX], want[64];
	path_of(f, t->city, p, sizeof p);
	snprintf(want, sizeof want, "/%lld/", (long long)t->city);
	assert_string_equal(p, want);
	assert_int_equal(depth_of(f, t->city), 0);
	assert_int_equal(parent_of(f, t->city), 0);
	int64_t pairs[][2] = {{t->a, t->city}, {t->ta, t->a}, {t->ca, t->ta},  {t->ga, t->ca},
			      {t->va, t->ta},  {t->da, t->a}, {t->da2, t->da}, {t->da3, t->da2},
			      {t->b, t->city}, {t->tb, t->b}, {t->cb, t->tb},  {t->z, t->city},
			      {t->zt, t->z}};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		assert_path_under(f, pairs[i][0], pairs[i][1]);
	assert_int_equal(depth_of(f, t->ga), 4);
	assert_int_equal(depth_of(f, t->da3), 4);
	assert_tree_sound(f);
	/* No temporary path is left behind. */
	int64_t tmp = -1;
	err e = {0};
	assert_int_equal(store_query_int(tu_conn(f->s), &tmp, -1, &e,
					 "SELECT COUNT(*) FROM units WHERE path LIKE '%new-%'",
					 NULL),
			 0);
	assert_int_equal(tmp, 0);
}

static void test_create_refuses_kind_under_wrong_parent(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	const struct {
		const char *kind;
		int64_t parent;
	} bad[] = {
		{"community", t->a},   {"village", t->a},     {"grid", t->city},
		{"grid", t->a},	       {"county", t->ta},     {"county", t->a},
		{"township", t->city}, {"township", t->ta},   {"city", t->a},
		{"village", t->ca},    {"department", t->ca}, {"department", t->va},
		{"department", t->ga}, {"community", t->da},  {"grid", t->da},
	};
	int64_t before = unit_count(f);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err e = {0};
		int64_t id = 0;
		if (create_as(f, &f->sys, "错位单位", bad[i].kind, bad[i].parent, &id, &e) != -1)
			fail_msg("a %s was created under unit %lld", bad[i].kind,
				 (long long)bad[i].parent);
		assert_int_equal(e.kind, ERR_INVALID);
		assert_string_equal(e.code, "invalid_parent");
		assert_string_equal(e.field, "parent_id");
	}
	assert_int_equal(unit_count(f), before);
	/* The right kinds under the same parents are accepted. */
	err e = {0};
	int64_t id;
	assert_int_equal(create_as(f, &f->sys, "新社区", "community", t->ta, &id, &e), 0);
	assert_int_equal(create_as(f, &f->sys, "新网格", "grid", t->va, &id, &e), 0);
	assert_int_equal(create_as(f, &f->sys, "直属网格", "grid", t->ta, &id, &e), 0);
	assert_int_equal(create_as(f, &f->sys, "市直部门", "department", t->city, &id, &e), 0);
	assert_int_equal(unit_count(f), before + 4);
	assert_tree_sound(f);
}

static void test_create_refuses_unknown_kind(void **state)
{
	fx *f = *state;
	int64_t before = unit_count(f);
	const char *kinds[] = {"province", "", "City", "grid "};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		err e = {0};
		assert_int_equal(create_as(f, &f->sys, "x", kinds[i], f->t.ta, NULL, &e), -1);
		assert_int_equal(e.kind, ERR_INVALID);
		assert_string_equal(e.code, "invalid_kind");
	}
	err e = {0};
	assert_int_equal(create_as(f, &f->sys, "x", NULL, f->t.ta, NULL, &e), -1);
	assert_string_equal(e.code, "invalid_kind");
	assert_int_equal(unit_count(f), before);
}

static void test_create_refuses_parent_outside_area(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	int64_t before = unit_count(f);
	/* B is another county; Z's path starts with A's digits; the city is above A. */
	const struct {
		const char *kind;
		int64_t parent;
	} outside[] = {{"township", t->b},   {"community", t->tb}, {"township", t->z},
		       {"community", t->zt}, {"county", t->city},  {"department", t->city},
		       {"township", 987654}};
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		err e = {0};
		if (create_as(f, &f->in_a, "越权单位", outside[i].kind, outside[i].parent, NULL,
			      &e) != -1)
			fail_msg("county A's admin created a %s under %lld", outside[i].kind,
				 (long long)outside[i].parent);
		assert_int_equal(e.kind, ERR_INVALID);
		assert_string_equal(e.code, "invalid_parent");
	}
	assert_int_equal(unit_count(f), before);
	/* Within the area it works, and the path is under A. */
	err e = {0};
	int64_t id = 0;
	assert_int_equal(create_as(f, &f->in_a, "东山街道", "township", t->a, &id, &e), 0);
	assert_path_under(f, id, t->a);
	assert_int_equal(create_as(f, &f->in_a, "二股", "department", t->da2, &id, &e), 0);
	assert_path_under(f, id, t->da2);
}

static void test_create_root_only_from_command_line(void **state)
{
	fx *f = *state;
	err e = {0};
	/* An administrator, even of the whole city, cannot create a root. */
	actor city_admin;
	make_actor(f, &city_admin, f->t.city);
	assert_int_equal(create_as(f, &city_admin, "铁岭市", "city", 0, NULL, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "invalid_parent");
	/* The command line cannot create a parentless county. */
	assert_int_equal(create_as(f, &f->sys, "孤县", "county", 0, NULL, &e), -1);
	assert_string_equal(e.code, "invalid_parent");
	/* The command line creates a new city as a root. */
	int64_t id = 0;
	assert_int_equal(create_as(f, &f->sys, "铁岭市", "city", 0, &id, &e), 0);
	char p[SCOPE_PATH_MAX], want[32];
	path_of(f, id, p, sizeof p);
	snprintf(want, sizeof want, "/%lld/", (long long)id);
	assert_string_equal(p, want);
	assert_int_equal(depth_of(f, id), 0);
	assert_tree_sound(f);
}

static void test_create_refuses_disabled_parent(void **state)
{
	fx *f = *state;
	disable(f, f->t.tb);
	err e = {0};
	assert_int_equal(create_as(f, &f->sys, "新社区", "community", f->t.tb, NULL, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_string_equal(e.code, "parent_disabled");
}

/* ---- move ---- */

static void test_move_carries_subtree(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	char da_before[SCOPE_PATH_MAX], zt_before[SCOPE_PATH_MAX];
	path_of(f, t->da, da_before, sizeof da_before);
	path_of(f, t->zt, zt_before, sizeof zt_before);
	err e = {0};
	/* Township TA with its community, grid and village moves from county A to B. */
	if (move_as(f, &f->sys, t->ta, t->b, &e) < 0)
		fail_msg("move: %s", e.message);
	assert_path_under(f, t->ta, t->b);
	assert_path_under(f, t->ca, t->ta);
	assert_path_under(f, t->ga, t->ca);
	assert_path_under(f, t->va, t->ta);
	char ga[SCOPE_PATH_MAX], b[SCOPE_PATH_MAX], want[SCOPE_PATH_MAX + 96];
	path_of(f, t->ga, ga, sizeof ga);
	path_of(f, t->b, b, sizeof b);
	snprintf(want, sizeof want, "%s%lld/%lld/%lld/", b, (long long)t->ta, (long long)t->ca,
		 (long long)t->ga);
	assert_string_equal(ga, want);
	assert_int_equal(depth_of(f, t->ga), 4);
	/* Nothing else moved. */
	char p[SCOPE_PATH_MAX];
	path_of(f, t->da, p, sizeof p);
	assert_string_equal(p, da_before);
	path_of(f, t->zt, p, sizeof p);
	assert_string_equal(p, zt_before);
	assert_tree_sound(f);
	/* The areas follow: A's admin no longer sees the grid, B's does. */
	actor in_b;
	make_actor(f, &in_b, t->b);
	bool yes;
	assert_int_equal(unit_within(tu_conn(f->s), &f->in_a, t->ga, &yes, &e), 0);
	assert_false(yes);
	assert_int_equal(unit_within(tu_conn(f->s), &in_b, t->ga, &yes, &e), 0);
	assert_true(yes);
}

static void test_move_updates_depth_of_whole_subtree(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	err e = {0};
	assert_int_equal(depth_of(f, t->da), 2);
	/* Down one level: the department goes under a township. */
	if (move_as(f, &f->sys, t->da, t->ta, &e) < 0)
		fail_msg("move down: %s", e.message);
	assert_path_under(f, t->da, t->ta);
	assert_path_under(f, t->da2, t->da);
	assert_path_under(f, t->da3, t->da2);
	assert_int_equal(depth_of(f, t->da), 3);
	assert_int_equal(depth_of(f, t->da2), 4);
	assert_int_equal(depth_of(f, t->da3), 5);
	assert_tree_sound(f);
	/* Up two levels: straight under the city. */
	if (move_as(f, &f->sys, t->da, t->city, &e) < 0)
		fail_msg("move up: %s", e.message);
	assert_path_under(f, t->da, t->city);
	assert_path_under(f, t->da2, t->da);
	assert_path_under(f, t->da3, t->da2);
	assert_int_equal(depth_of(f, t->da3), 3);
	/* The township the department left keeps its own children and depth. */
	assert_path_under(f, t->ca, t->ta);
	assert_int_equal(depth_of(f, t->ca), 3);
	assert_tree_sound(f);
}

static void test_move_leaves_unit_with_prefix_id_alone(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	err e = {0};
	int64_t city2 = 0;
	assert_int_equal(create_as(f, &f->sys, "铁岭市", "city", 0, &city2, &e), 0);
	char z_before[SCOPE_PATH_MAX], zt_before[SCOPE_PATH_MAX];
	path_of(f, t->z, z_before, sizeof z_before);
	path_of(f, t->zt, zt_before, sizeof zt_before);
	/* County A ("/1/2/") moves; county Z ("/1/20/") must not. */
	if (move_as(f, &f->sys, t->a, city2, &e) < 0)
		fail_msg("move: %s", e.message);
	assert_path_under(f, t->a, city2);
	assert_path_under(f, t->da3, t->da2);
	assert_path_under(f, t->ga, t->ca);
	char p[SCOPE_PATH_MAX];
	path_of(f, t->z, p, sizeof p);
	assert_string_equal(p, z_before);
	path_of(f, t->zt, p, sizeof p);
	assert_string_equal(p, zt_before);
	assert_int_equal(depth_of(f, t->zt), 2);
	assert_tree_sound(f);
}

static void test_move_refuses_own_descendant(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	char before[SCOPE_PATH_MAX], p[SCOPE_PATH_MAX];
	path_of(f, t->da3, before, sizeof before);
	int64_t targets[] = {t->da, t->da2, t->da3};
	for (size_t i = 0; i < 3; i++) {
		err e = {0};
		if (move_as(f, &f->sys, t->da, targets[i], &e) != -1)
			fail_msg("department %lld moved under %lld, its own subtree",
				 (long long)t->da, (long long)targets[i]);
		assert_int_equal(e.kind, ERR_INVALID);
		assert_string_equal(e.code, "invalid_parent");
	}
	path_of(f, t->da3, p, sizeof p);
	assert_string_equal(p, before);
	assert_int_equal(parent_of(f, t->da), t->a);
	assert_tree_sound(f);
}

static void test_move_refuses_wrong_kind_parent(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	const int64_t moves[][2] = {{t->ta, t->city}, {t->ca, t->b},  {t->ga, t->da},
				    {t->va, t->ca},   {t->tb, t->ta}, {t->b, t->a}};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		err e = {0};
		if (move_as(f, &f->sys, moves[i][0], moves[i][1], &e) != -1)
			fail_msg("unit %lld moved under %lld", (long long)moves[i][0],
				 (long long)moves[i][1]);
		assert_int_equal(e.kind, ERR_INVALID);
		assert_string_equal(e.code, "invalid_parent");
	}
	assert_int_equal(parent_of(f, t->ta), t->a);
	assert_int_equal(parent_of(f, t->ca), t->ta);
	assert_tree_sound(f);
}

static void test_move_refuses_parent_outside_area(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	err e = {0};
	/* Into another county, or into the county whose id shares A's digits. */
	assert_int_equal(move_as(f, &f->in_a, t->ca, t->tb, &e), -1);
	assert_string_equal(e.code, "invalid_parent");
	assert_int_equal(move_as(f, &f->in_a, t->ca, t->zt, &e), -1);
	assert_string_equal(e.code, "invalid_parent");
	/* A unit outside the area is not found at all. */
	assert_int_equal(move_as(f, &f->in_a, t->cb, t->ta, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	/* The admin's own unit does not move. */
	assert_int_equal(move_as(f, &f->in_a, t->a, t->b, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_int_equal(parent_of(f, t->ca), t->ta);
	assert_int_equal(parent_of(f, t->cb), t->tb);
	assert_int_equal(parent_of(f, t->a), t->city);
	/* Within the area the same admin can move. */
	int64_t tn = 0;
	assert_int_equal(create_as(f, &f->in_a, "东山街道", "township", t->a, &tn, &e), 0);
	if (move_as(f, &f->in_a, t->ca, tn, &e) < 0)
		fail_msg("move within area: %s", e.message);
	assert_path_under(f, t->ca, tn);
	assert_path_under(f, t->ga, t->ca);
	assert_tree_sound(f);
}

/* A case owned by region and handled by handler (0: none), with the paths copied from
 * the units as case.c copies them. */
typedef struct case_ctx {
	int64_t region, handler, id;
} case_ctx;

static int tx_add_case(store_conn *c, void *ctx, err *e)
{
	case_ctx *x = ctx;
	static int n;
	char number[32];
	snprintf(number, sizeof number, "T%06d", ++n);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO cases (kind, number, status, region_id, region_path, intake_unit_id,"
		" handler_id, handler_path, title, content, created_at, updated_at)"
		" SELECT 'appeal', ?, 'dispatched', r.id, r.path, r.id, h.id, h.path, 't', 'c', 0, "
		"0"
		" FROM units r LEFT JOIN units h ON h.id = ? WHERE r.id = ? RETURNING id",
		"sni", number, x->handler, x->region);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_INTERNAL, "fixture", NULL, "no case") : -1;
	x->id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	return rc;
}

static int64_t add_case(fx *f, int64_t region, int64_t handler)
{
	case_ctx x = {.region = region, .handler = handler};
	err e = {0};
	if (store_write(f->s, tx_add_case, &x, &e) < 0)
		fail_msg("case: %s", e.message);
	return x.id;
}

/* Cases whose copied region or handler path differs from the unit's own path. */
static int64_t cases_with_stale_paths(fx *f)
{
	err e = {0};
	int64_t n = -1;
	if (store_query_int(tu_conn(f->s), &n, -1, &e,
			    "SELECT COUNT(*) FROM cases c JOIN units r ON r.id = c.region_id"
			    " LEFT JOIN units h ON h.id = c.handler_id"
			    " WHERE c.region_path <> r.path OR c.handler_path <> h.path"
			    " OR (c.handler_id IS NULL) <> (c.handler_path IS NULL)",
			    NULL) < 0)
		fail_msg("stale paths: %s", e.message);
	return n;
}

static bool case_visible(fx *f, const actor *who, int64_t id)
{
	err e = {0};
	store_stmt *st;
	if (store_query_row(
		    tu_conn(f->s), &st, &e,
		    "SELECT region_path, COALESCE(handler_path, '') FROM cases WHERE id = ?", "i",
		    id) != 1)
		fail_msg("case %lld: %s", (long long)id, e.message);
	bool yes =
		scope_contains(who->unit_path, store_col_text(st, 0)) ||
		(*store_col_text(st, 1) && scope_contains(who->unit_path, store_col_text(st, 1)));
	store_done(st);
	return yes;
}

/* Cases copy their region's and handling unit's paths (one index range per area): a move
 * carries them with the units, or the old county keeps the appeals of a township it lost
 * and the new one never sees them. */
static void test_move_carries_cases_of_subtree(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	int64_t inside = add_case(f, t->ga, t->va);	 /* region and handler in TA */
	int64_t region_only = add_case(f, t->ta, t->da); /* handled by A's department */
	int64_t handler_only = add_case(f, t->a, t->ca); /* owned by county A itself */
	int64_t undispatched = add_case(f, t->va, 0);
	int64_t z_case = add_case(f, t->zt, t->z); /* county Z's id starts with A's digits */
	assert_int_equal(cases_with_stale_paths(f), 0);
	actor in_b;
	make_actor(f, &in_b, t->b);
	assert_false(case_visible(f, &in_b, inside));

	err e = {0};
	if (move_as(f, &f->sys, t->ta, t->b, &e) < 0)
		fail_msg("move: %s", e.message);
	assert_int_equal(cases_with_stale_paths(f), 0);
	actor in_ta;
	make_actor(f, &in_ta, t->ta);
	assert_true(case_visible(f, &in_b, inside));
	assert_false(case_visible(f, &f->in_a, inside));
	assert_true(case_visible(f, &in_b, region_only));
	assert_true(case_visible(f, &f->in_a, region_only)); /* A's department handles it */
	assert_true(case_visible(f, &in_b, handler_only));
	assert_true(case_visible(f, &f->in_a, handler_only)); /* A still owns it */
	assert_true(case_visible(f, &in_b, undispatched));
	assert_false(case_visible(f, &f->in_a, undispatched));
	assert_true(case_visible(f, &in_ta, undispatched));

	/* County A moves to another city; Z's case, whose path shares A's digits, stays. */
	int64_t city2 = 0;
	assert_int_equal(create_as(f, &f->sys, "铁岭市", "city", 0, &city2, &e), 0);
	if (move_as(f, &f->sys, t->a, city2, &e) < 0)
		fail_msg("move county: %s", e.message);
	assert_int_equal(cases_with_stale_paths(f), 0);
	actor in_city2, in_z;
	make_actor(f, &in_city2, city2);
	make_actor(f, &in_z, t->z);
	assert_true(case_visible(f, &in_city2, region_only));
	assert_false(case_visible(f, &in_city2, inside));
	assert_false(case_visible(f, &in_city2, z_case));
	assert_true(case_visible(f, &in_z, z_case));
}

/* Builds a chain of departments under root, each under the last, while the parent's path
 * is shorter than max_len - 24 (unit_create's own margin for a new id). */
typedef struct chain_ctx {
	const actor *who;
	int64_t root;
	size_t max_len;
	int64_t first, last;
} chain_ctx;

static int tx_chain(store_conn *c, void *ctx, err *e)
{
	chain_ctx *x = ctx;
	x->first = 0;
	int64_t parent = x->root;
	for (int n = 0;; n++) {
		char p[SCOPE_PATH_MAX];
		if (unit_path(c, parent, p, sizeof p, e) < 0)
			return -1;
		if (strlen(p) + 24 >= x->max_len)
			break;
		char name[32];
		snprintf(name, sizeof name, "科室%d", n);
		int64_t id;
		if (mk(c, x->who, name, "department", parent, &id, e) < 0)
			return -1;
		if (!x->first)
			x->first = id;
		parent = id;
	}
	x->last = parent;
	return 0;
}

static int64_t longest_path(fx *f)
{
	err e = {0};
	int64_t n = -1;
	if (store_query_int(tu_conn(f->s), &n, -1, &e, "SELECT MAX(LENGTH(path)) FROM units",
			    NULL) < 0)
		fail_msg("longest path: %s", e.message);
	return n;
}

/* Paths are held in SCOPE_PATH_MAX bytes (actor.unit_path, and unit.c's rows): a path
 * longer than that is cut, and a cut path without its final '/' is the prefix of other
 * units' paths, so the area it stands for grows. unit_create refuses to go that deep; a
 * move must refuse too when the moved subtree's deepest path would grow past the limit. */
static void test_move_refuses_when_subtree_paths_would_outgrow_limit(void **state)
{
	fx *f = *state;
	err e = {0};
	/* A deep chain of departments under county A, as deep as unit_create allows... */
	chain_ctx deep = {.who = &f->sys, .root = f->t.a, .max_len = SCOPE_PATH_MAX};
	if (store_write(f->s, tx_chain, &deep, &e) < 0)
		fail_msg("deep chain: %s", e.message);
	/* ...and a short one under county B, to move the deep one under. */
	chain_ctx shallow = {.who = &f->sys, .root = f->t.b, .max_len = 74};
	if (store_write(f->s, tx_chain, &shallow, &e) < 0)
		fail_msg("shallow chain: %s", e.message);
	int64_t before = longest_path(f);
	assert_true(before < SCOPE_PATH_MAX);
	char top[SCOPE_PATH_MAX];
	path_of(f, deep.first, top, sizeof top);

	int rc = move_as(f, &f->sys, deep.first, shallow.last, &e);
	int64_t after = longest_path(f);
	if (rc == 0)
		fail_msg("move accepted: the longest path grew from %lld to %lld characters, "
			 "over SCOPE_PATH_MAX (%d)",
			 (long long)before, (long long)after, SCOPE_PATH_MAX);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "too_deep");
	assert_int_equal(after, before);
	char p[SCOPE_PATH_MAX];
	path_of(f, deep.first, p, sizeof p);
	assert_string_equal(p, top);
}

static void test_update_outside_area_not_found(void **state)
{
	fx *f = *state;
	err e = {0};
	update_ctx x = {.who = &f->in_a, .id = f->t.zt, .p = {.name = "改名", .disabled = -1}};
	assert_int_equal(store_write(f->s, tx_update, &x, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	x.id = f->t.tb;
	assert_int_equal(store_write(f->s, tx_update, &x, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	json_t *o = NULL;
	assert_int_equal(unit_get(tu_conn(f->s), &f->sys, f->t.tb, &o, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "北街街道");
	json_decref(o);
}

/* ---- list and get ---- */

static void test_list_county_actor_never_sees_other_county(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	int64_t ids[64], total;
	unit_filter flt = {.include_disabled = true};
	size_t n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	const int64_t mine[] = {t->a, t->ta, t->ca, t->ga, t->va, t->da, t->da2, t->da3};
	assert_int_equal(n, 8);
	assert_int_equal(total, 8);
	for (size_t i = 0; i < 8; i++)
		assert_true(has_id(ids, n, mine[i]));
	const int64_t others[] = {t->city, t->b, t->tb, t->cb, t->z, t->zt};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (has_id(ids, n, others[i]))
			fail_msg("county A's list holds unit %lld", (long long)others[i]);
	/* The same for an admin of county Z, whose path begins like A's. */
	actor in_z;
	make_actor(f, &in_z, t->z);
	n = list_ids(f, &in_z, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	assert_true(has_id(ids, n, t->z));
	assert_true(has_id(ids, n, t->zt));
	/* The whole tree for the command line. */
	n = list_ids(f, &f->sys, &flt, 1, 1000, ids, 64, &total);
	assert_int_equal(total, unit_count(f));
	assert_int_equal(n, (size_t)total);
}

static void test_list_filters_by_q_kind_and_parent(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	int64_t ids[64], total;
	/* q matches within A only: CB (北街社区) is a community in B. */
	unit_filter flt = {.q = "社区"};
	size_t n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_int_equal(ids[0], t->ca);
	n = list_ids(f, &f->sys, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 2);
	assert_true(has_id(ids, n, t->ca) && has_id(ids, n, t->cb));

	flt = (unit_filter){.kind = "department"};
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 3);
	assert_true(has_id(ids, n, t->da) && has_id(ids, n, t->da2) && has_id(ids, n, t->da3));

	flt = (unit_filter){.parent_id = t->ta};
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 2);
	assert_true(has_id(ids, n, t->ca) && has_id(ids, n, t->va));

	/* A parent outside the area lists nothing, even though it has children. */
	flt = (unit_filter){.parent_id = t->tb};
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);

	/* Filters combine. */
	flt = (unit_filter){.kind = "department", .q = "科"};
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 1);
	assert_int_equal(ids[0], t->da2);
	flt = (unit_filter){.kind = "grid", .parent_id = t->ta};
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 0);
}

static void test_list_q_matches_wildcards_literally(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	err e = {0};
	int64_t pct = 0, plain = 0, under = 0;
	assert_int_equal(create_as(f, &f->sys, "达标率100%村", "village", t->ta, &pct, &e), 0);
	assert_int_equal(create_as(f, &f->sys, "达标率1000村", "village", t->ta, &plain, &e), 0);
	assert_int_equal(create_as(f, &f->sys, "a_b村", "village", t->ta, &under, &e), 0);
	int64_t ids[64], total;
	unit_filter flt = {.q = "100%"};
	size_t n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 1);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], pct);
	flt.q = "_";
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 1);
	assert_int_equal(ids[0], under);
	flt.q = "%";
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 1);
	assert_int_equal(ids[0], pct);
	/* The code is searched too. */
	update_ctx x = {.who = &f->sys,
			.id = t->va,
			.p = {.set_code = true, .code = "210902-VA", .disabled = -1}};
	assert_int_equal(store_write(f->s, tx_update, &x, &e), 0);
	flt.q = "902-V";
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 1);
	assert_int_equal(ids[0], t->va);
}

static void test_list_pages_with_stable_total(void **state)
{
	fx *f = *state;
	int64_t all[64], page_ids[8], total;
	unit_filter flt = {0};
	size_t n_all = list_ids(f, &f->in_a, &flt, 1, 100, all, 64, &total);
	assert_int_equal(n_all, 8);
	size_t seen = 0;
	for (int64_t page = 1; page <= 4; page++) {
		size_t n = list_ids(f, &f->in_a, &flt, page, 3, page_ids, 8, &total);
		assert_int_equal(total, 8);
		assert_int_equal(n, page < 3 ? 3 : page == 3 ? 2 : 0);
		/* Pages follow the order of the whole list: no gap, no repeat. */
		for (size_t i = 0; i < n; i++)
			assert_int_equal(page_ids[i], all[seen + i]);
		seen += n;
	}
	assert_int_equal(seen, 8);
	/* The list is in tree order: a unit comes before its descendants. */
	assert_int_equal(all[0], f->t.a);
}

static void test_list_hides_disabled_unless_asked(void **state)
{
	fx *f = *state;
	disable(f, f->t.ga);
	int64_t ids[64], total;
	unit_filter flt = {0};
	size_t n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 7);
	assert_false(has_id(ids, n, f->t.ga));
	flt.include_disabled = true;
	n = list_ids(f, &f->in_a, &flt, 1, 100, ids, 64, &total);
	assert_int_equal(total, 8);
	assert_true(has_id(ids, n, f->t.ga));
}

static void test_get_outside_area_not_found(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	const int64_t outside[] = {t->city, t->b, t->tb, t->cb, t->z, t->zt, 987654};
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		json_t *o = NULL;
		err e = {0};
		if (unit_get(tu_conn(f->s), &f->in_a, outside[i], &o, &e) != -1)
			fail_msg("county A's admin got unit %lld", (long long)outside[i]);
		assert_int_equal(e.kind, ERR_NOT_FOUND);
		assert_null(o);
		bool yes = true;
		assert_int_equal(unit_within(tu_conn(f->s), &f->in_a, outside[i], &yes, &e), 0);
		assert_false(yes);
	}
}

static void test_get_gives_chain_from_own_unit(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	json_t *o = NULL;
	err e = {0};
	assert_int_equal(unit_get(tu_conn(f->s), &f->in_a, t->ga, &o, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "和平一网格");
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "grid");
	assert_int_equal(json_integer_value(json_object_get(o, "parent_id")), t->ca);
	assert_int_equal(json_integer_value(json_object_get(o, "depth")), 4);
	assert_int_equal(json_integer_value(json_object_get(o, "children_count")), 0);
	json_t *chain = json_object_get(o, "path");
	int64_t want_a[] = {t->a, t->ta, t->ca, t->ga};
	assert_int_equal(json_array_size(chain), 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(
			json_integer_value(json_object_get(json_array_get(chain, i), "id")),
			want_a[i]);
	json_decref(o);

	/* The command line sees the chain from the root. */
	assert_int_equal(unit_get(tu_conn(f->s), &f->sys, t->ga, &o, &e), 0);
	chain = json_object_get(o, "path");
	assert_int_equal(json_array_size(chain), 5);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(chain, 0), "id")),
			 t->city);
	json_decref(o);

	assert_int_equal(unit_get(tu_conn(f->s), &f->in_a, t->ta, &o, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "children_count")), 2);
	json_decref(o);
}

/* ---- verify ---- */

static void test_verify_tree_detects_corrupted_path(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	assert_tree_sound(f);
	/* The grid's path claims it sits under township TB. */
	char tb[SCOPE_PATH_MAX];
	path_of(f, t->tb, tb, sizeof tb);
	char *sql = xasprintf("UPDATE units SET path = '%s%lld/' WHERE id = %lld", tb,
			      (long long)t->ga, (long long)t->ga);
	err e = {0};
	if (store_write(f->s, tx_exec_sql, sql, &e) < 0)
		fail_msg("corrupting: %s", e.message);
	free(sql);
	char problem[512] = "";
	assert_int_equal(unit_verify_tree(tu_conn(f->s), problem, sizeof problem, &e), 1);
	char want[32];
	snprintf(want, sizeof want, "#%lld ", (long long)t->ga);
	if (!strstr(problem, want))
		fail_msg("problem does not name unit %lld: %s", (long long)t->ga, problem);
}

static void test_verify_tree_detects_case_path_left_behind(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	int64_t id = add_case(f, t->ga, t->va);
	assert_tree_sound(f);
	/* The case still names the grid's path from before a move. */
	char *sql = xasprintf("UPDATE cases SET handler_path = '/1/999/' WHERE id = %lld",
			      (long long)id);
	err e = {0};
	if (store_write(f->s, tx_exec_sql, sql, &e) < 0)
		fail_msg("corrupting: %s", e.message);
	free(sql);
	char problem[512] = "";
	assert_int_equal(unit_verify_tree(tu_conn(f->s), problem, sizeof problem, &e), 1);
	char want[32];
	snprintf(want, sizeof want, "#%lld ", (long long)id);
	if (!strstr(problem, want) || !strstr(problem, "/1/999/"))
		fail_msg("problem does not name case %lld: %s", (long long)id, problem);
}

static void test_verify_tree_detects_wrong_parent(void **state)
{
	fx *f = *state;
	tree *t = &f->t;
	/* The path is left alone but the parent pointer moves. */
	char *sql = xasprintf("UPDATE units SET parent_id = %lld WHERE id = %lld", (long long)t->cb,
			      (long long)t->ga);
	err e = {0};
	if (store_write(f->s, tx_exec_sql, sql, &e) < 0)
		fail_msg("corrupting: %s", e.message);
	free(sql);
	char problem[512] = "";
	assert_int_equal(unit_verify_tree(tu_conn(f->s), problem, sizeof problem, &e), 1);
	char want[32];
	snprintf(want, sizeof want, "#%lld ", (long long)t->ga);
	assert_non_null(strstr(problem, want));
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_scope_upper_bounds_subtree),
		cmocka_unit_test(test_scope_contains_whole_segments_only),
		cmocka_unit_test(test_parent_allowed_table),
	};
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_sets_path_and_depth),
		T(test_create_refuses_kind_under_wrong_parent),
		T(test_create_refuses_unknown_kind),
		T(test_create_refuses_parent_outside_area),
		T(test_create_root_only_from_command_line),
		T(test_create_refuses_disabled_parent),
		T(test_move_carries_subtree),
		T(test_move_updates_depth_of_whole_subtree),
		T(test_move_leaves_unit_with_prefix_id_alone),
		T(test_move_refuses_own_descendant),
		T(test_move_refuses_wrong_kind_parent),
		T(test_move_refuses_parent_outside_area),
		T(test_move_refuses_when_subtree_paths_would_outgrow_limit),
		T(test_move_carries_cases_of_subtree),
		T(test_update_outside_area_not_found),
		T(test_list_county_actor_never_sees_other_county),
		T(test_list_filters_by_q_kind_and_parent),
		T(test_list_q_matches_wildcards_literally),
		T(test_list_pages_with_stable_total),
		T(test_list_hides_disabled_unless_asked),
		T(test_get_outside_area_not_found),
		T(test_get_gives_chain_from_own_unit),
		T(test_verify_tree_detects_corrupted_path),
		T(test_verify_tree_detects_wrong_parent),
		T(test_verify_tree_detects_case_path_left_behind),
	};
#undef T
	int failed = cmocka_run_group_tests_name("scope", pure, NULL, NULL);
	failed += tu_run_both("scope", tests, sizeof tests / sizeof tests[0]);
	return failed;
}
