/* Disputes' rules below the HTTP edge, on SQLite and (with YIWANG_TEST_PG) PostgreSQL:
 * ID numbers and their mask; where a registration lands (a grid's village, a township
 * without a centre passes to its county's); escalation level by level, passing over a
 * level without a centre, refused at the top and where no centre is left; a centre's
 * mediator works for its region; the risk threshold; holds record every unit's outcome.
 *
 *   city ── county A ┬─ centre A (department, county A's centre)
 *                    ├─ township T ┬─ centre T (department, T's centre)
 *                    │             └─ village V ── grid G
 *                    └─ township U (no centre) ── village W
 *   city ── county B (no centre) ── township X (no centre) ── village Y
 */
#include "testutil.h"

#include "core/clock.h"
#include "disputes/dispute.h"
#include "disputes/dispute_admin.h"
#include "disputes/dispute_internal.h"
#include "org/unit.h"
#include "org/user.h"
#include "platforms.h"

enum { CITY, A, CENTRE_A, T, CENTRE_T, V, G, U, W, B, X, Y, NUNITS };

typedef struct fx {
	tu_db d;
	store *s;
	int64_t id[NUNITS];
	actor sys, med_v, med_t, med_a, med_w, med_y, agent;
} fx;

typedef struct tree_ctx {
	fx *f;
} tree_ctx;

/* A mediator (or an agent) at unit k, as a login would resolve. */
static int person(store_conn *c, fx *f, actor *a, const char *name, int k, unsigned roles, err *e)
{
	user_input in = {.username = name,
			 .display_name = name,
			 .password_hash = "x",
			 .unit_id = f->id[k],
			 .roles = roles};
	memset(a, 0, sizeof *a);
	if (user_create(c, &f->sys, &in, &a->user_id, e) < 0)
		return -1;
	snprintf(a->username, sizeof a->username, "%s", name);
	a->unit_id = f->id[k];
	a->roles = roles;
	return unit_path(c, f->id[k], a->unit_path, sizeof a->unit_path, e);
}

static int tx_tree(store_conn *c, void *p, err *e)
{
	fx *f = ((tree_ctx *)p)->f;
	static const struct {
		int k, parent;
		const char *name, *kind;
	} units[] = {
		{CITY, -1, "市", "city"},
		{A, CITY, "甲区", "county"},
		{CENTRE_A, A, "甲区调解中心", "department"},
		{T, A, "丁镇", "township"},
		{CENTRE_T, T, "丁镇调解中心", "department"},
		{V, T, "戊村", "village"},
		{G, V, "戊村网格", "grid"},
		{U, A, "己镇", "township"},
		{W, U, "庚村", "village"},
		{B, CITY, "乙县", "county"},
		{X, B, "辛镇", "township"},
		{Y, X, "壬村", "village"},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		unit_input in = {.name = units[i].name,
				 .kind = units[i].kind,
				 .parent_id = units[i].parent < 0 ? 0 : f->id[units[i].parent]};
		if (unit_create(c, &f->sys, &in, &f->id[units[i].k], e) < 0)
			return -1;
	}
	if (dispute_centre_put(c, &f->sys, f->id[CENTRE_A], f->id[A], e) < 0 ||
	    dispute_centre_put(c, &f->sys, f->id[CENTRE_T], f->id[T], e) < 0)
		return -1;
	return person(c, f, &f->med_v, "med_v", V, ROLE_MEDIATOR, e) < 0 ||
			       person(c, f, &f->med_t, "med_t", CENTRE_T, ROLE_MEDIATOR, e) < 0 ||
			       person(c, f, &f->med_a, "med_a", CENTRE_A, ROLE_MEDIATOR, e) < 0 ||
			       person(c, f, &f->med_w, "med_w", W, ROLE_MEDIATOR, e) < 0 ||
			       person(c, f, &f->med_y, "med_y", Y, ROLE_MEDIATOR, e) < 0 ||
			       person(c, f, &f->agent, "agent", CITY, ROLE_AGENT, e) < 0
		       ? -1
		       : 0;
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	actor_system(&f->sys, "test");
	tree_ctx x = {f};
	err e = {0};
	if (store_write(f->s, tx_tree, &x, &e) < 0)
		fail_msg("tree: %s", e.message);
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

/* ---- registering and acting through write transactions ---- */

typedef struct reg_ctx {
	const actor *who;
	int64_t region, people, id;
	const char *action, *note;
} reg_ctx;

static int tx_register(store_conn *c, void *p, err *e)
{
	reg_ctx *x = p;
	dispute_party_input parties[2] = {{.name = "甲", .side = "applicant"},
					  {.name = "乙", .side = "respondent"}};
	dispute_input in = {.type = "neighbour",
			    .title = "相邻纠纷",
			    .facts = "事实",
			    .parties = parties,
			    .nparties = 2,
			    .region_id = x->region,
			    .people_involved = x->people};
	return dispute_register(c, x->who, &in, &x->id, e);
}

static int64_t reg(fx *f, const actor *who, int64_t region, int64_t people, err *e)
{
	reg_ctx x = {.who = who, .region = region, .people = people};
	return store_write(f->s, tx_register, &x, e) < 0 ? -1 : x.id;
}

static int tx_act(store_conn *c, void *p, err *e)
{
	reg_ctx *x = p;
	json_t *body = json_pack("{s:s, s:s}", "action", x->action, "reason", x->note);
	int rc = dispute_act(c, x->who, x->id, x->action, body, e);
	json_decref(body);
	return rc;
}

static int act(fx *f, const actor *who, int64_t id, const char *action, err *e)
{
	reg_ctx x = {.who = who, .id = id, .action = action, .note = "理由"};
	return store_write(f->s, tx_act, &x, e);
}

static void holder_is(fx *f, int64_t id, int k, const char *level)
{
	err e = {0};
	store_stmt *st;
	assert_int_equal(store_query_row(tu_conn(f->s), &st, &e,
					 "SELECT c.handler_id, d.level FROM cases c JOIN disputes d"
					 " ON d.case_id = c.id WHERE c.id = ?",
					 "i", id),
			 1);
	assert_int_equal(store_col_int(st, 0), f->id[k]);
	assert_string_equal(store_col_text(st, 1), level);
	store_done(st);
}

/* ---- tests ---- */

static void test_id_numbers_valid_and_masked(void **state)
{
	(void)state;
	assert_true(dispute_id_number_valid("11010519491231002X"));
	assert_true(dispute_id_number_valid("110101199003071233"));
	assert_false(dispute_id_number_valid("110101199003071230"));
	assert_false(dispute_id_number_valid("11010519491231002x"));
	assert_true(dispute_id_number_valid("110101900307123"));
	assert_false(dispute_id_number_valid("11010119900307123"));
	assert_false(dispute_id_number_valid("1101011990030712a3"));
	char out[40];
	dispute_mask_id("11010519491231002X", out, sizeof out);
	assert_string_equal(out, "110105********002X");
	dispute_mask_id("110101900307123", out, sizeof out);
	assert_string_equal(out, "110101*****7123");
	dispute_mask_id("1234", out, sizeof out);
	assert_string_equal(out, "****");
}

static void test_registration_lands_at_the_lowest_mediation_unit(void **state)
{
	fx *f = *state;
	err e = {0};
	/* A village mediator at their village; an agent at a grid: its village. */
	holder_is(f, reg(f, &f->med_v, 0, 0, &e), V, "village");
	holder_is(f, reg(f, &f->agent, f->id[G], 0, &e), V, "village");
	/* A township with a centre: the centre; one without: its county's centre. */
	holder_is(f, reg(f, &f->agent, f->id[T], 0, &e), CENTRE_T, "township");
	holder_is(f, reg(f, &f->agent, f->id[U], 0, &e), CENTRE_A, "county");
	/* Nowhere to go: no centre in county B. */
	assert_int_equal(reg(f, &f->agent, f->id[X], 0, &e), -1);
	assert_string_equal(e.code, "no_centre");
	/* A township centre registers for its villages, not for others. */
	holder_is(f, reg(f, &f->med_t, f->id[V], 0, &e), CENTRE_T, "township");
	assert_int_equal(reg(f, &f->med_t, f->id[W], 0, &e), -1);
	assert_string_equal(e.code, "invalid_region");
	/* The city is no place for a dispute. */
	assert_int_equal(reg(f, &f->agent, f->id[CITY], 0, &e), -1);
	assert_string_equal(e.code, "invalid_region");
}

static void test_escalation_goes_up_level_by_level_and_stops_at_the_top(void **state)
{
	fx *f = *state;
	err e = {0};
	int64_t id = reg(f, &f->med_v, 0, 0, &e);
	assert_int_equal(act(f, &f->med_v, id, "escalate", &e), 0);
	holder_is(f, id, CENTRE_T, "township");
	/* The village no longer mediates it. */
	assert_int_equal(act(f, &f->med_v, id, "escalate", &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	assert_int_equal(act(f, &f->med_t, id, "escalate", &e), 0);
	holder_is(f, id, CENTRE_A, "county");
	assert_int_equal(act(f, &f->med_a, id, "escalate", &e), -1);
	assert_string_equal(e.code, "top_level");
	/* A village whose township has no centre goes straight to the county's. */
	int64_t w = reg(f, &f->med_w, 0, 0, &e);
	assert_int_equal(act(f, &f->med_w, w, "escalate", &e), 0);
	holder_is(f, w, CENTRE_A, "county");
	/* No centre above: 409, nothing changed. */
	int64_t y = reg(f, &f->med_y, 0, 0, &e);
	assert_int_equal(act(f, &f->med_y, y, "escalate", &e), -1);
	assert_string_equal(e.code, "no_centre");
	holder_is(f, y, Y, "village");
	/* Every unit's hold is on record with how the dispute left it. */
	int64_t n;
	assert_int_equal(store_query_int(tu_conn(f->s), &n, 0, &e,
					 "SELECT COUNT(*) FROM dispute_holds WHERE dispute_id = ?"
					 " AND outcome = 'escalated'",
					 "i", id),
			 0);
	assert_int_equal(n, 2);
}

static void test_a_centres_mediator_works_for_its_region(void **state)
{
	fx *f = *state;
	err e = {0};
	actor me;
	char path[SCOPE_PATH_MAX];
	assert_int_equal(dispute_scope(tu_conn(f->s), &f->med_t, &me, &e), 0);
	assert_int_equal(unit_path(tu_conn(f->s), f->id[T], path, sizeof path, &e), 0);
	assert_string_equal(me.unit_path, path);
	assert_int_equal(dispute_scope(tu_conn(f->s), &f->med_v, &me, &e), 0);
	assert_string_equal(me.unit_path, f->med_v.unit_path);
	/* The township centre reads and urges the village's disputes. */
	int64_t id = reg(f, &f->med_v, 0, 0, &e);
	json_t *o = NULL;
	assert_int_equal(dispute_get(tu_conn(f->s), &f->med_t, id, &o, &e), 0);
	json_decref(o);
	assert_int_equal(dispute_get(tu_conn(f->s), &f->med_w, id, &o, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
}

static void test_risk_follows_the_threshold(void **state)
{
	fx *f = *state;
	err e = {0};
	int64_t few = reg(f, &f->med_v, 0, 5, &e), many = reg(f, &f->med_v, 0, 6, &e);
	int64_t r1, r2;
	assert_int_equal(store_query_int(tu_conn(f->s), &r1, -1, &e,
					 "SELECT risk FROM disputes WHERE case_id = ?", "i", few),
			 0);
	assert_int_equal(store_query_int(tu_conn(f->s), &r2, -1, &e,
					 "SELECT risk_many_people FROM disputes WHERE case_id = ?",
					 "i", many),
			 0);
	assert_int_equal(r1, 0);
	assert_int_equal(r2, 1);
	/* The township above the village was warned once. */
	assert_int_equal(store_query_int(tu_conn(f->s), &r1, -1, &e,
					 "SELECT COUNT(*) FROM notifications WHERE unit_id = ?"
					 " AND kind = 'dispute_risk' AND case_id = ?",
					 "ii", f->id[T], many),
			 0);
	assert_int_equal(r1, 1);
}

#define TT(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	platforms_register();
	const struct CMUnitTest pure[] = {cmocka_unit_test(test_id_numbers_valid_and_masked)};
	const struct CMUnitTest tests[] = {
		TT(test_registration_lands_at_the_lowest_mediation_unit),
		TT(test_escalation_goes_up_level_by_level_and_stops_at_the_top),
		TT(test_a_centres_mediator_works_for_its_region),
		TT(test_risk_follows_the_threshold),
	};
	int failed = cmocka_run_group_tests_name("disputes", pure, NULL, NULL);
	return failed + tu_run_both("disputes", tests, sizeof tests / sizeof tests[0]);
}
