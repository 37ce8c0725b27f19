/* Review scorecards below the HTTP edge: every scoring rule in both directions, ties,
 * weighted totals and grades (pure); and on SQLite and (with YIWANG_TEST_PG) PostgreSQL a
 * card end to end — units by kind under a parent, entered values, shared ranks, closing
 * that freezes the rows so that later changes leave the card as it was; a column without
 * any value takes no part in the totals.
 *
 *   city ┬─ county A ── township TA
 *        ├─ county B ── township TB
 *        ├─ county C
 *        └─ finance (department, the assessing unit), office (department, organizer)
 */
#include "testutil.h"

#include <math.h>

#include "org/unit.h"
#include "platforms.h"
#include "reviews/review.h"
#include "reviews/review_metric.h"
#include "reviews/review_score.h"

static void close_to(double a, double b)
{
	if (fabs(a - b) > 0.006)
		fail_msg("%f != %f", a, b);
}

static void score(enum review_rule rule, bool lower, const double *raw, const bool *has, size_t n,
		  double *out)
{
	struct review_rule_def r = {.rule = rule, .lower_better = lower};
	review_score_column(&r, raw, has, n, out);
}

static void test_minmax_scales_best_to_100_and_worst_to_0(void **state)
{
	(void)state;
	double raw[] = {50, 75, 100, 0}, s[4];
	bool has[] = {true, true, true, false};
	score(REVIEW_MINMAX, false, raw, has, 4, s);
	close_to(s[0], 0);
	close_to(s[1], 50);
	close_to(s[2], 100);
	close_to(s[3], 0); /* no value: 0, and not the minimum */
	score(REVIEW_MINMAX, true, raw, has, 4, s);
	close_to(s[0], 100);
	close_to(s[1], 50);
	close_to(s[2], 0);
}

static void test_minmax_all_equal_scores_100_each(void **state)
{
	(void)state;
	double raw[] = {7, 7, 7}, s[3];
	bool has[] = {true, true, true};
	score(REVIEW_MINMAX, false, raw, has, 3, s);
	for (int i = 0; i < 3; i++)
		close_to(s[i], 100);
	score(REVIEW_MINMAX, true, raw, has, 3, s);
	for (int i = 0; i < 3; i++)
		close_to(s[i], 100);
}

static void test_rank_points_share_the_better_rank(void **state)
{
	(void)state;
	double raw[] = {10, 20, 20, 5}, s[4];
	bool has[] = {true, true, true, true};
	score(REVIEW_RANK_POINTS, false, raw, has, 4, s);
	close_to(s[1], 100);
	close_to(s[2], 100);
	close_to(s[0], 33.33); /* third of four: 100 * (4 - 3) / 3 */
	close_to(s[3], 0);
	score(REVIEW_RANK_POINTS, true, raw, has, 4, s);
	close_to(s[3], 100);
	close_to(s[0], 66.67);
	close_to(s[1], 33.33); /* tied third of four */
	close_to(s[2], 33.33);
	double one[] = {3};
	bool yes[] = {true};
	score(REVIEW_RANK_POINTS, false, one, yes, 1, s);
	close_to(s[0], 100);
}

static void test_bands_take_the_first_band_reached(void **state)
{
	(void)state;
	struct review_rule_def r = {
		.rule = REVIEW_BANDS, .bands = {{90, 80}, {0, 50}, {95, 100}}, .nbands = 3};
	double raw[] = {96, 92, 50, -1, 95}, s[5];
	bool has[] = {true, true, true, true, true};
	review_score_column(&r, raw, has, 5, s);
	close_to(s[0], 100);
	close_to(s[1], 80);
	close_to(s[2], 50);
	close_to(s[3], 0);
	close_to(s[4], 100); /* at the band's edge */
	/* Lower is better: a value at most `at`, from the lowest band up. */
	struct review_rule_def low = {.rule = REVIEW_BANDS,
				      .lower_better = true,
				      .bands = {{5, 50}, {0, 100}, {2, 80}},
				      .nbands = 3};
	double counts[] = {0, 1, 3, 9};
	review_score_column(&low, counts, has, 4, s);
	close_to(s[0], 100);
	close_to(s[1], 80);
	close_to(s[2], 50);
	close_to(s[3], 0);
}

static void test_value_is_the_score(void **state)
{
	(void)state;
	double raw[] = {88.456, 12}, s[2];
	bool has[] = {true, false};
	score(REVIEW_VALUE, false, raw, has, 2, s);
	close_to(s[0], 88.46);
	close_to(s[1], 0);
	assert_int_equal(review_rule_parse("rank_points"), REVIEW_RANK_POINTS);
	assert_int_equal(review_rule_parse("nope"), -1);
}

static void test_total_is_the_weighted_mean(void **state)
{
	(void)state;
	double s[] = {100, 50}, w[] = {3, 1};
	close_to(review_total(s, w, 2), 87.5);
	double z[] = {0, 0};
	close_to(review_total(s, z, 2), 0);
}

static void test_equal_totals_share_a_rank_and_the_next_skips(void **state)
{
	(void)state;
	double t[] = {90, 95, 90, 80};
	int r[4];
	review_rank(t, 4, r);
	assert_int_equal(r[0], 2);
	assert_int_equal(r[1], 1);
	assert_int_equal(r[2], 2);
	assert_int_equal(r[3], 4);
	double u[] = {70, 70, 60};
	review_rank(u, 3, r);
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 1);
	assert_int_equal(r[2], 3);
}

static void test_grades_by_thresholds(void **state)
{
	(void)state;
	double th[] = {90, 80, 70, 60};
	assert_string_equal(review_grade(90, th), "A");
	assert_string_equal(review_grade(89.99, th), "B");
	assert_string_equal(review_grade(70, th), "C");
	assert_string_equal(review_grade(60, th), "D");
	assert_string_equal(review_grade(59.99, th), "E");
}

/* ---- a card on both databases ---- */

enum { CITY, A, TA, B, TB, C, FIN, OFFICE, NUNITS };

typedef struct fx {
	tu_db d;
	store *s;
	int64_t id[NUNITS];
	actor sys, fin, office, county_a;
	int64_t scheme, period;
} fx;

static void staff(fx *f, actor *a, int k)
{
	memset(a, 0, sizeof *a);
	a->user_id = 1;
	a->unit_id = f->id[k];
	a->roles = ROLE_UNIT_STAFF;
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	assert_int_equal(unit_path(c, f->id[k], a->unit_path, sizeof a->unit_path, &e), 0);
}

static int tx_tree(store_conn *c, void *p, err *e)
{
	fx *f = p;
	static const struct {
		int k, parent;
		const char *name, *kind;
	} units[] = {
		{CITY, -1, "市", "city"},
		{A, CITY, "甲区", "county"},
		{TA, A, "甲镇", "township"},
		{B, CITY, "乙区", "county"},
		{TB, B, "乙镇", "township"},
		{C, CITY, "丙区", "county"},
		{FIN, CITY, "财政局", "department"},
		{OFFICE, CITY, "督查室", "department"},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		unit_input in = {.name = units[i].name,
				 .kind = units[i].kind,
				 .parent_id = units[i].parent < 0 ? 0 : f->id[units[i].parent]};
		if (unit_create(c, &f->sys, &in, &f->id[units[i].k], e) < 0)
			return -1;
	}
	return 0;
}

typedef struct call {
	fx *f;
	const actor *who;
	json_t *body;
	int (*fn)(store_conn *c, struct call *x, err *e);
} call;

static int tx_call(store_conn *c, void *p, err *e)
{
	call *x = p;
	return x->fn(c, x, e);
}

static int run(fx *f, const actor *who, json_t *body, int (*fn)(store_conn *, call *, err *),
	       err *e)
{
	call x = {f, who, body, fn};
	return store_write(f->s, tx_call, &x, e);
}

static int do_scheme(store_conn *c, call *x, err *e)
{
	return review_scheme_create(c, x->who, x->body, &x->f->scheme, e);
}
static int do_open(store_conn *c, call *x, err *e)
{
	return review_period_open(c, x->who, x->f->scheme, "2026-Q3", &x->f->period, e);
}
static int do_values(store_conn *c, call *x, err *e)
{
	return review_period_values(c, x->who, x->f->period, x->body, e);
}
static int do_close(store_conn *c, call *x, err *e)
{
	return review_period_close(c, x->who, x->f->period, e);
}
static int do_tamper(store_conn *c, call *x, err *e)
{
	(void)x;
	return store_exec(c, e, "UPDATE review_values SET value = 1", "") < 0 ? -1 : 0;
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	actor_system(&f->sys, "test");
	err e = {0};
	if (store_write(f->s, tx_tree, f, &e) < 0)
		fail_msg("tree: %s", e.message);
	staff(f, &f->fin, FIN);
	staff(f, &f->office, OFFICE);
	staff(f, &f->county_a, A);
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

static json_t *card_of(fx *f, const actor *who)
{
	err e = {0};
	json_t *o = NULL;
	store_conn *c = store_conn_get(f->s, &e);
	if (review_period_get(c, who, f->period, &o, &e) < 0)
		fail_msg("card: %s", e.message);
	return o;
}

static json_t *item_of(json_t *card, int64_t unit)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(card, "items"), i, it)
	{
		if (json_integer_value(json_object_get(it, "unit_id")) == unit)
			return it;
	}
	fail_msg("unit %lld not on the card", (long long)unit);
	return NULL;
}

static int rank_of(json_t *card, int64_t unit)
{
	return (int)json_integer_value(json_object_get(item_of(card, unit), "rank"));
}

static void test_card_ranks_counties_by_kind_and_freezes_at_close(void **state)
{
	fx *f = *state;
	err e = {0};
	json_t *body = json_pack(
		"{s:s, s:s, s:s, s:[{s:s, s:s, s:I, s:i, s:s}, {s:s, s:s, s:s, s:i, s:s, s:s}]}",
		"name", "季度调度", "cadence", "quarterly", "unit_kind", "county", "indicators",
		"name", "财务", "source", "entered", "assessing_unit_id", (json_int_t)f->id[FIN],
		"weight", 3, "rule", "value", "name", "超期", "source", "computed", "metric",
		"appeal_overdue", "weight", 1, "direction", "lower", "rule", "rank_points");
	assert_int_equal(run(f, &f->office, body, do_scheme, &e), 0);
	json_decref(body);
	assert_int_equal(run(f, &f->office, NULL, do_open, &e), 0);
	json_t *draft = card_of(f, &f->office);
	/* Every county under the city, and nothing else. */
	assert_int_equal(json_array_size(json_object_get(draft, "items")), 3);
	assert_string_equal(json_string_value(json_object_get(draft, "from")),
			    "2026-07-01T00:00:00.000+08:00");
	/* Nothing entered yet: the empty column takes no part, the overdue counts (all 0,
	 * all first) make every total 100. */
	close_to(json_number_value(json_object_get(item_of(draft, f->id[C]), "score")), 100);
	json_decref(draft);

	/* Only the finance bureau enters its values. */
	json_t *values =
		json_pack("[{s:I, s:s, s:i}, {s:I, s:s, s:i}, {s:I, s:s, s:i}]", "unit_id",
			  (json_int_t)f->id[A], "indicator", "财务", "value", 80, "unit_id",
			  (json_int_t)f->id[B], "indicator", "财务", "value", 80, "unit_id",
			  (json_int_t)f->id[C], "indicator", "财务", "value", 60);
	assert_int_equal(run(f, &f->county_a, values, do_values, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	assert_int_equal(run(f, &f->fin, values, do_values, &e), 0);

	/* No appeals: every overdue count is 0, all rank first (100); totals
	 * (3 * 80 + 100) / 4 = 85 twice, (3 * 60 + 100) / 4 = 70. */
	json_t *c1 = card_of(f, &f->office);
	assert_int_equal(rank_of(c1, f->id[A]), 1);
	assert_int_equal(rank_of(c1, f->id[B]), 1);
	assert_int_equal(rank_of(c1, f->id[C]), 3);
	close_to(json_number_value(json_object_get(item_of(c1, f->id[A]), "score")), 85);
	assert_string_equal(json_string_value(json_object_get(item_of(c1, f->id[C]), "grade")),
			    "C");
	json_decref(c1);

	assert_int_equal(run(f, &f->county_a, NULL, do_close, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	assert_int_equal(run(f, &f->office, NULL, do_close, &e), 0);
	json_t *frozen = card_of(f, &f->office);
	/* Whatever changes below the card, it reads the same. */
	assert_int_equal(run(f, &f->office, NULL, do_tamper, &e), 0);
	json_t *again = card_of(f, &f->office);
	assert_true(json_equal(frozen, again));
	assert_string_equal(json_string_value(json_object_get(again, "status")), "closed");
	assert_int_equal(run(f, &f->fin, values, do_values, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	json_decref(frozen);
	json_decref(again);
	json_decref(values);
}

static void test_metric_units_fold_by_subtree(void **state)
{
	(void)state;
	struct review_metric_unit u[3] = {0};
	snprintf(u[0].path, sizeof u[0].path, "/1/2/");
	snprintf(u[1].path, sizeof u[1].path, "/1/2/5/");
	snprintf(u[2].path, sizeof u[2].path, "/1/3/");
	review_units_add(u, 3, "/1/2/5/9/", 1, 2); /* under both /1/2/ and /1/2/5/ */
	review_units_add(u, 3, "/1/2/", 1, 1);
	review_units_add(u, 3, "/1/4/", 5, 5); /* under none */
	review_units_rate(u, 3);
	close_to(u[0].value, 100.0 * 2 / 3);
	close_to(u[1].value, 50);
	assert_false(u[2].has_value);
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	review_units_range(u, 3, lo, hi);
	assert_string_equal(lo, "/1/2/");
	assert_string_equal(hi, "/1/30");
}

#define TT(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	platforms_register();
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_minmax_scales_best_to_100_and_worst_to_0),
		cmocka_unit_test(test_minmax_all_equal_scores_100_each),
		cmocka_unit_test(test_rank_points_share_the_better_rank),
		cmocka_unit_test(test_bands_take_the_first_band_reached),
		cmocka_unit_test(test_value_is_the_score),
		cmocka_unit_test(test_total_is_the_weighted_mean),
		cmocka_unit_test(test_equal_totals_share_a_rank_and_the_next_skips),
		cmocka_unit_test(test_grades_by_thresholds),
		cmocka_unit_test(test_metric_units_fold_by_subtree),
	};
	const struct CMUnitTest tests[] = {
		TT(test_card_ranks_counties_by_kind_and_freezes_at_close),
	};
	int failed = cmocka_run_group_tests_name("reviews", pure, NULL, NULL);
	return failed + tu_run_both("reviews", tests, sizeof tests / sizeof tests[0]);
}
