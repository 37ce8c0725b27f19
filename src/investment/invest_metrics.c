/* 项目库's review metrics (docs/reviews.md "Metrics"): investment against plan (the
 * monthly reports' sum over the period's months / each year's plan × the period's months
 * of that year / 12, in percent — GET /api/v1/stats/projects's invested and plan) and the
 * starts of projects of at least 5000万 (actual start within the period's dates) of the
 * counties in each ranked unit's subtree, each from grouped queries over the card's
 * range. The period's dates are China dates: [from, to) covers the months and days of
 * from .. to − 1 ms. */
#include <stdio.h>

#include "core/clock.h"
#include "investment/invest.h"
#include "reviews/review_metrics_builtin.h"

struct fold {
	struct review_metric_unit *units;
	size_t n;
};

static void fold_county(void *ctx, const char *path, double num, double den)
{
	struct fold *x = ctx;
	review_units_add(x->units, x->n, path, num, den);
}

/* "YYYY-MM-DD" of from and of the period's last day. */
static void dates_of(int64_t from, int64_t to, char *d0, char *d1)
{
	char a[40], b[40];
	clock_format_iso(from, a, sizeof a);
	clock_format_iso(to > from ? to - 1 : from, b, sizeof b);
	snprintf(d0, 11, "%.10s", a);
	snprintf(d1, 11, "%.10s", b);
}

static int compute_vs_plan(store_conn *c, int64_t from, int64_t to,
			   struct review_metric_unit *units, size_t n, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX], d0[11], d1[11], m0[8], m1[8];
	review_units_range(units, n, lo, hi);
	dates_of(from, to, d0, d1);
	snprintf(m0, sizeof m0, "%.7s", d0);
	snprintf(m1, sizeof m1, "%.7s", d1);
	struct fold x = {units, n};
	if (inv_metric_vs_plan_each(c, lo, hi, m0, m1, fold_county, &x, e) < 0)
		return -1;
	review_units_rate(units, n);
	return 0;
}

static int compute_big_starts(store_conn *c, int64_t from, int64_t to,
			      struct review_metric_unit *units, size_t n, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX], d0[11], d1[11];
	review_units_range(units, n, lo, hi);
	dates_of(from, to, d0, d1);
	struct fold x = {units, n};
	if (inv_metric_big_starts_each(c, lo, hi, d0, d1, fold_county, &x, e) < 0)
		return -1;
	review_units_count(units, n);
	return 0;
}

static int drill_big_starts(store_conn *c, int64_t from, int64_t to, const char *lo, const char *hi,
			    int limit, json_t **items, err *e)
{
	char d0[11], d1[11];
	dates_of(from, to, d0, d1);
	return inv_metric_big_starts_list(c, lo, hi, d0, d1, limit, items, e);
}

const struct review_metric invest_review_metrics[] = {
	{"investment_vs_plan", "投资完成率(对计划)", "%", "county", "higher", "investment",
	 compute_vs_plan, NULL, NULL},
	{"big_project_starts", "5000万元以上项目开工数", "个", "county", "higher", "investment",
	 compute_big_starts, drill_big_starts, "开工的5000万元以上项目"},
};
const size_t invest_review_metrics_count =
	sizeof invest_review_metrics / sizeof invest_review_metrics[0];
