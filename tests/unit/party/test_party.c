/* 智慧党建: the quota rules as a pure function (what a period requires, what is missing, the
 * completion), then on SQLite and PostgreSQL a branch's quota from its activities, the
 * review metric over a unit's branches and the scheduler's term warning, sent once. */
#include "testutil.h"

#include "core/clock.h"
#include "org/actor.h"
#include "org/unit.h"
#include "party/party.h"
#include "platforms.h"

enum { BM, CM, GM, PL, TD };

/* The demo's default rules: 支部党员大会 and 党课 quarterly, 支委会, 党小组会, 主题党日
 * monthly, once each. */
static void default_rules(party_quota_rule r[PARTY_KINDS])
{
	r[BM] = (party_quota_rule){.quarterly = true, .times = 1};
	r[CM] = (party_quota_rule){.quarterly = false, .times = 1};
	r[GM] = (party_quota_rule){.quarterly = false, .times = 1};
	r[PL] = (party_quota_rule){.quarterly = true, .times = 1};
	r[TD] = (party_quota_rule){.quarterly = false, .times = 1};
}

static void test_quarter_requires_per_kind_and_groups(void **state)
{
	(void)state;
	party_quota_rule r[PARTY_KINDS];
	default_rules(r);
	int64_t held[PARTY_KINDS] = {1, 3, 6, 1, 3}, req[PARTY_KINDS];
	unsigned missing;
	double done = party_quota_compute(r, 3, 2, held, req, &missing);
	assert_int_equal(req[BM], 1);
	assert_int_equal(req[CM], 3);
	assert_int_equal(req[GM], 6); /* two groups, monthly each */
	assert_int_equal(req[PL], 1);
	assert_int_equal(req[TD], 3);
	assert_int_equal(missing, 0);
	assert_true(done == 1.0);
}

static void test_missing_kinds_and_completion_count_only_up_to_the_quota(void **state)
{
	(void)state;
	party_quota_rule r[PARTY_KINDS];
	default_rules(r);
	/* 5 theme days do not make up for the missing lecture and committee meetings. */
	int64_t held[PARTY_KINDS] = {1, 1, 0, 0, 5}, req[PARTY_KINDS];
	unsigned missing;
	double done = party_quota_compute(r, 3, 0, held, req, &missing);
	assert_int_equal(req[GM], 0); /* no groups, no group meetings owed */
	assert_int_equal(missing, (1u << CM) | (1u << PL));
	/* held within quota: 1 + 1 + 0 + 3 = 5 of 1 + 3 + 1 + 3 = 8 */
	assert_true(done > 0.624 && done < 0.626);
}

static void test_a_year_and_a_group(void **state)
{
	(void)state;
	party_quota_rule r[PARTY_KINDS];
	default_rules(r);
	int64_t held[PARTY_KINDS] = {0}, req[PARTY_KINDS];
	unsigned missing;
	party_quota_compute(r, 12, 3, held, req, &missing);
	assert_int_equal(req[BM], 4);
	assert_int_equal(req[CM], 12);
	assert_int_equal(req[GM], 36);
	/* A group owes its monthly meeting only. */
	double done = party_quota_compute(r, 12, -1, held, req, &missing);
	assert_int_equal(req[GM], 12);
	assert_int_equal(req[BM] + req[CM] + req[PL] + req[TD], 0);
	assert_int_equal(missing, 1u << GM);
	assert_true(done == 0.0);
	/* Nothing required: complete. */
	party_quota_rule none[PARTY_KINDS] = {{0}};
	assert_true(party_quota_compute(none, 3, 2, held, req, &missing) == 1.0);
	assert_int_equal(missing, 0);
}

static void test_period_bounds_in_china_time(void **state)
{
	(void)state;
	int64_t from, to, q2from;
	int months;
	party_period(2026, 2, &from, &to, &months);
	assert_int_equal(months, 3);
	clock_parse_iso("2026-04-01T00:00:00+08:00", &q2from);
	assert_int_equal(from, q2from);
	party_period(2026, 0, &from, &to, &months);
	assert_int_equal(months, 12);
	int64_t next;
	clock_parse_iso("2027-01-01T00:00:00+08:00", &next);
	assert_int_equal(to, next);
}

/* ---- on the store ---- */

typedef struct fx {
	tu_db d;
	store *s;
	int64_t city, village, branch;
} fx;

typedef struct tx_ctx {
	fx *f;
	int64_t now;
} tx_ctx;

static int tx_setup(store_conn *c, void *p, err *e)
{
	fx *f = ((tx_ctx *)p)->f;
	actor sys;
	actor_system(&sys, "test");
	party_who w;
	unit_input city = {.name = "测试市", .kind = "city"};
	if (unit_create(c, &sys, &city, &f->city, e) < 0)
		return -1;
	unit_input village = {.name = "测试村", .kind = "village", .parent_id = 0};
	unit_input county = {.name = "测试县", .kind = "county", .parent_id = f->city};
	int64_t k, t;
	if (unit_create(c, &sys, &county, &k, e) < 0)
		return -1;
	unit_input town = {.name = "测试镇", .kind = "township", .parent_id = k};
	if (unit_create(c, &sys, &town, &t, e) < 0)
		return -1;
	village.parent_id = t;
	if (unit_create(c, &sys, &village, &f->village, e) < 0 ||
	    party_who_load(c, &sys, &w, e) < 0)
		return -1;
	json_t *b = json_pack("{s:s, s:s, s:I, s:s}", "name", "测试村党支部", "kind", "branch",
			      "unit_id", (json_int_t)f->village, "term_end",
			      "2026-12-20T00:00:00+08:00");
	int rc = party_org_create(c, &w, b, &f->branch, e);
	json_decref(b);
	if (rc < 0)
		return -1;
	/* 2026 Q1: one branch meeting, three committee meetings, one theme day. */
	static const char *const acts[][2] = {
		{"branch_meeting", "2026-02-10T09:00:00+08:00"},
		{"committee_meeting", "2026-01-05T09:00:00+08:00"},
		{"committee_meeting", "2026-02-05T09:00:00+08:00"},
		{"committee_meeting", "2026-03-05T09:00:00+08:00"},
		{"theme_day", "2026-03-15T09:00:00+08:00"},
		{"party_lecture", "2026-04-15T09:00:00+08:00"},
	};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		int64_t id;
		b = json_pack("{s:I, s:s, s:s, s:s}", "org_id", (json_int_t)f->branch, "kind",
			      acts[i][0], "held_at", acts[i][1], "title", "测试活动");
		rc = party_activity_create(c, &w, b, &id, e);
		json_decref(b);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	tx_ctx x = {f, 0};
	err e = {0};
	if (store_write(f->s, tx_setup, &x, &e) < 0)
		fail_msg("setup: %s", e.message);
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

static int tx_dept(store_conn *c, void *p, err *e)
{
	struct {
		unit_input *in;
		int64_t *id;
	} *x = p;
	actor sys;
	actor_system(&sys, "test");
	return unit_create(c, &sys, x->in, x->id, e);
}

static void test_branch_quota_from_its_activities(void **state)
{
	fx *f = *state;
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	actor sys;
	actor_system(&sys, "test");
	party_who w;
	json_t *q;
	assert_int_equal(party_who_load(c, &sys, &w, &e), 0);
	assert_int_equal(party_org_quota(c, &w, f->branch, 2026, 1, &q, &e), 0);
	json_t *held = json_object_get(q, "held"), *missing = json_object_get(q, "missing");
	assert_int_equal(json_integer_value(json_object_get(held, "committee_meeting")), 3);
	assert_int_equal(json_integer_value(json_object_get(held, "party_lecture")), 0);
	assert_int_equal(json_array_size(missing), 2);
	assert_string_equal(json_string_value(json_array_get(missing, 0)), "party_lecture");
	assert_string_equal(json_string_value(json_array_get(missing, 1)), "theme_day");
	json_decref(q);
	/* The review metric over the city: the one branch's completion, 5 of 8. */
	int64_t from, to;
	int months;
	party_period(2026, 1, &from, &to, &months);
	double m = 0;
	bool has = false;
	assert_int_equal(party_metric_quota_completion(c, f->city, from, to, &m, &has, &e), 0);
	assert_true(has);
	assert_true(m > 0.624 && m < 0.626);
	/* A unit without branches has no figure. */
	unit_input dept = {.name = "测试局", .kind = "department", .parent_id = f->city};
	int64_t dept_id;
	struct dept_ctx {
		unit_input *in;
		int64_t *id;
	} dx = {&dept, &dept_id};
	assert_int_equal(store_write(f->s, tx_dept, &dx, &e), 0);
	assert_int_equal(party_metric_quota_completion(c, dept_id, from, to, &m, &has, &e), 0);
	assert_false(has);
}

static void test_term_warning_is_sent_once_per_term_end(void **state)
{
	fx *f = *state;
	err e = {0};
	int64_t now;
	clock_parse_iso("2026-10-01T00:00:00+08:00", &now);
	/* 80 days before the term ends: within the 90 days. */
	assert_int_equal(party_term_notify(f->s, now, &e), 1);
	assert_int_equal(party_term_notify(f->s, now, &e), 0);
	store_conn *c = store_conn_get(f->s, &e);
	int64_t n = 0;
	assert_int_equal(store_query_int(c, &n, 0, &e,
					 "SELECT COUNT(*) FROM notifications WHERE unit_id = ?"
					 " AND kind = 'party_term'",
					 "i", f->village),
			 0);
	assert_int_equal(n, 1);
	/* Far from the end: nothing. */
	int64_t early;
	clock_parse_iso("2025-01-01T00:00:00+08:00", &early);
	assert_int_equal(store_exec(c, &e, "UPDATE party_orgs SET term_warned_for = NULL", NULL),
			 1);
	assert_int_equal(party_term_notify(f->s, early, &e), 0);
}

#define TT(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	platforms_register();
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_quarter_requires_per_kind_and_groups),
		cmocka_unit_test(test_missing_kinds_and_completion_count_only_up_to_the_quota),
		cmocka_unit_test(test_a_year_and_a_group),
		cmocka_unit_test(test_period_bounds_in_china_time),
	};
	const struct CMUnitTest tests[] = {
		TT(test_branch_quota_from_its_activities),
		TT(test_term_warning_is_sent_once_per_term_end),
	};
	int failed = cmocka_run_group_tests_name("party", pure, NULL, NULL);
	return failed + tu_run_both("party", tests, sizeof tests / sizeof tests[0]);
}
