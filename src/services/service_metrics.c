/* 便民服务's review metrics (docs/reviews.md "Metrics"): the on-time rate (done by the
 * due time / done) and the average rating (on the 1..5 scale) of the requests made in the
 * period at the stations of each ranked unit's subtree — the figures of
 * GET /api/v1/stats/services, from one grouped query (svc_stats_each_station). */
#include "reviews/review_metrics_builtin.h"
#include "services/service.h"

struct fold {
	struct review_metric_unit *units;
	size_t n;
	bool rating;
};

static void fold_station(void *ctx, const char *path, int64_t done, int64_t on_time, int64_t rated,
			 int64_t rating_sum)
{
	struct fold *x = ctx;
	if (x->rating)
		review_units_add(x->units, x->n, path, (double)rating_sum, (double)rated);
	else
		review_units_add(x->units, x->n, path, (double)on_time, (double)done);
}

static int run(store_conn *c, int64_t from, int64_t to, struct review_metric_unit *units, size_t n,
	       bool rating, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	review_units_range(units, n, lo, hi);
	struct fold x = {units, n, rating};
	if (svc_stats_each_station(c, lo, hi, from, to, fold_station, &x, e) < 0)
		return -1;
	if (!rating) {
		review_units_rate(units, n);
		return 0;
	}
	for (size_t i = 0; i < n; i++) { /* a mean, not a percentage */
		units[i].has_value = units[i].den > 0;
		units[i].value = units[i].has_value ? units[i].num / units[i].den : 0;
	}
	return 0;
}

static int compute_on_time(store_conn *c, int64_t from, int64_t to,
			   struct review_metric_unit *units, size_t n, err *e)
{
	return run(c, from, to, units, n, false, e);
}

static int compute_rating(store_conn *c, int64_t from, int64_t to, struct review_metric_unit *units,
			  size_t n, err *e)
{
	return run(c, from, to, units, n, true, e);
}

static int drill_late(store_conn *c, int64_t from, int64_t to, const char *lo, const char *hi,
		      int limit, json_t **items, err *e)
{
	return svc_stats_late(c, lo, hi, from, to, limit, items, e);
}

const struct review_metric service_review_metrics[] = {
	{"service_on_time_rate", "便民服务按时办结率", "%", "county,township,village", "higher",
	 "services", compute_on_time, drill_late, "超时办结的申请"},
	{"service_avg_rating", "便民服务平均评价", "分", "county,township,village", "higher",
	 "services", compute_rating, NULL, NULL},
};
const size_t service_review_metrics_count =
	sizeof service_review_metrics / sizeof service_review_metrics[0];
