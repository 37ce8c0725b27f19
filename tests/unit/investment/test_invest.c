/* 项目库: the status rule as pure functions, then the metrics the reviews rank counties by
 * (investment against plan over a range of months, starts of projects ≥ 5000 万元) on
 * SQLite and (with YIWANG_TEST_PG) on PostgreSQL. */
#include "testutil.h"

#include <math.h>

#include "core/clock.h"
#include "investment/invest.h"
#include "org/actor.h"
#include "org/unit.h"

/* ---- pure rules ---- */

static void test_status_band_is_ten_percent_of_plan_to_date(void **state)
{
	(void)state;
	/* Plan 1200, 6 months: 600 expected; 660 and 540 are the edges of 正常. */
	assert_string_equal(inv_status(600, 1200, 6), "正常");
	assert_string_equal(inv_status(660, 1200, 6), "正常");
	assert_string_equal(inv_status(660.1, 1200, 6), "超前");
	assert_string_equal(inv_status(540, 1200, 6), "正常");
	assert_string_equal(inv_status(539.9, 1200, 6), "滞后");
	assert_null(inv_status(100, 0, 6));
	assert_null(inv_status(100, 1200, 0));
}

static void test_months_elapsed_counts_due_reports(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(clock_parse_iso("2026-07-15T10:00:00+08:00", &t), 0);
	assert_int_equal(inv_months_elapsed(2026, t, 0), 6);  /* January to June due */
	assert_int_equal(inv_months_elapsed(2026, t, 7), 7);  /* July already reported */
	assert_int_equal(inv_months_elapsed(2025, t, 0), 12); /* a past year */
	assert_int_equal(inv_months_elapsed(2027, t, 0), 0);
	/* The first hours of a month in China Standard Time are still that month. */
	assert_int_equal(clock_parse_iso("2026-08-01T00:30:00+08:00", &t), 0);
	assert_int_equal(inv_months_elapsed(2026, t, 0), 7);
}

/* ---- metrics on a database ---- */

typedef struct fx {
	tu_db d;
	store *s;
	actor sys;
	int64_t city, county, other;
} fx;

static int64_t project(store_conn *c, int64_t county, double total, const char *start, err *e)
{
	int64_t id = 0;
	store_stmt *st;
	if (store_query_row(
		    c, &st, e,
		    "INSERT INTO invest_projects (name, county_id, industry_id, total_investment,"
		    " planned_start, planned_completion, actual_start, stage, created_at,"
		    " updated_at) VALUES ('p', ?, 1, ?, '2025-01-01', '2027-01-01', ?, '续建', 0,"
		    " 0) RETURNING id",
		    "ids", county, total, start) != 1)
		return 0;
	id = store_col_int(st, 0);
	store_done(st);
	return id;
}

static int plan(store_conn *c, int64_t id, int year, double amount, err *e)
{
	return store_exec(c, e,
			  "INSERT INTO invest_plans (project_id, year, amount) VALUES (?, ?, ?)",
			  "iid", id, (int64_t)year, amount) < 0
		       ? -1
		       : 0;
}

static int report(store_conn *c, int64_t id, const char *month, double v, err *e)
{
	return store_exec(c, e,
			  "INSERT INTO invest_reports (project_id, month, invested, stage, "
			  "reported_at)"
			  " VALUES (?, ?, ?, '续建', 0)",
			  "isd", id, month, v) < 0
		       ? -1
		       : 0;
}

static int tx_build(store_conn *c, void *ctx, err *e)
{
	fx *f = ctx;
	unit_input city = {.name = "阜新市", .kind = "city"};
	if (unit_create(c, &f->sys, &city, &f->city, e) < 0)
		return -1;
	unit_input a = {.name = "海州区", .kind = "county", .parent_id = f->city};
	unit_input b = {.name = "细河区", .kind = "county", .parent_id = f->city};
	if (unit_create(c, &f->sys, &a, &f->county, e) < 0 ||
	    unit_create(c, &f->sys, &b, &f->other, e) < 0)
		return -1;
	/* Two projects of the county: plans 1200 (2025) and 2400 + 1200 (2026). */
	int64_t p1 = project(c, f->county, 5000, "2026-03-01", e),
		p2 = project(c, f->county, 4999, "2026-04-01", e),
		p3 = project(c, f->other, 9000, "2026-05-01", e),
		p4 = project(c, f->county, 8000, "2025-06-01", e);
	if (!p1 || !p2 || !p3 || !p4 || plan(c, p1, 2026, 2400, e) < 0 ||
	    plan(c, p2, 2026, 1200, e) < 0 || plan(c, p4, 2025, 1200, e) < 0 ||
	    plan(c, p3, 2026, 9999, e) < 0)
		return -1;
	return report(c, p1, "2026-01", 100, e) < 0 || report(c, p1, "2026-02", 200, e) < 0 ||
			       report(c, p2, "2026-02", 50, e) < 0 ||
			       report(c, p4, "2025-12", 300, e) < 0 ||
			       report(c, p3, "2026-02", 7777, e) < 0
		       ? -1
		       : 0;
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	actor_system(&f->sys, "test");
	tu_build(f->s, tx_build, f);
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

static void test_investment_vs_plan_over_a_range_of_months(void **state)
{
	fx *f = *state;
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	double inv, planned, pct;
	/* 2026-01..2026-02: 350 invested; (2400 + 1200) × 2/12 = 600 planned. */
	assert_int_equal(inv_metric_investment_vs_plan(c, f->county, "2026-01", "2026-02", &inv,
						       &planned, &pct, &e),
			 0);
	assert_true(fabs(inv - 350) < 1e-9);
	assert_true(fabs(planned - 600) < 1e-9);
	assert_true(fabs(pct - 58.3) < 1e-9);
	/* 2025-12..2026-01: 300 + 100; 1200 × 1/12 + 3600 × 1/12 = 400: 100%. */
	assert_int_equal(inv_metric_investment_vs_plan(c, f->county, "2025-12", "2026-01", &inv,
						       &planned, &pct, &e),
			 0);
	assert_true(fabs(inv - 400) < 1e-9);
	assert_true(fabs(planned - 400) < 1e-9);
	assert_true(fabs(pct - 100) < 1e-9);
	/* Nothing planned: 0 %. */
	assert_int_equal(inv_metric_investment_vs_plan(c, f->county, "2030-01", "2030-12", &inv,
						       &planned, &pct, &e),
			 0);
	assert_true(inv == 0 && planned == 0 && pct == 0);
}

static void test_big_starts_count_projects_of_5000_and_more(void **state)
{
	fx *f = *state;
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	int64_t n = -1;
	assert_int_equal(inv_metric_big_starts(c, f->county, "2026-01-01", "2026-12-31", &n, &e),
			 0);
	assert_int_equal(n, 1); /* 5000 yes, 4999 no, 2025's start outside */
	assert_int_equal(inv_metric_big_starts(c, f->county, "2025-01-01", "2026-12-31", &n, &e),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(inv_metric_big_starts(c, f->county, "2026-04-01", "2026-12-31", &n, &e),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(inv_metric_big_starts(c, f->other, "2026-01-01", "2026-12-31", &n, &e), 0);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_status_band_is_ten_percent_of_plan_to_date),
		cmocka_unit_test(test_months_elapsed_counts_due_reports),
	};
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_investment_vs_plan_over_a_range_of_months),
		T(test_big_starts_count_projects_of_5000_and_more),
	};
#undef T
	int failed = cmocka_run_group_tests_name("invest", pure, NULL, NULL);
	failed += tu_run_both("invest", tests, sizeof tests / sizeof tests[0]);
	return failed;
}
