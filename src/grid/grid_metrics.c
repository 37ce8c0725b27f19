/* 社区治理's review metrics (docs/reviews.md "Metrics"): the rework rate (valid events
 * reworked / valid events) and the on-time rate (closed by the finish deadline / closed)
 * of the events reported in the period in the grids of each ranked unit's subtree — the
 * figures of GET /api/v1/stats/grid, from one grouped query (grid_stats_each_grid). */
#include "grid/grid_stats.h"
#include "reviews/review_metrics_builtin.h"

struct fold {
	struct review_metric_unit *units;
	size_t n;
	bool rework;
};

static void fold_grid(void *ctx, const char *path, int64_t valid, int64_t closed, int64_t on_time,
		      int64_t reworked)
{
	struct fold *x = ctx;
	if (x->rework)
		review_units_add(x->units, x->n, path, (double)reworked, (double)valid);
	else
		review_units_add(x->units, x->n, path, (double)on_time, (double)closed);
}

static int run(store_conn *c, int64_t from, int64_t to, struct review_metric_unit *units, size_t n,
	       bool rework, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	review_units_range(units, n, lo, hi);
	struct fold x = {units, n, rework};
	if (grid_stats_each_grid(c, lo, hi, from, to, fold_grid, &x, e) < 0)
		return -1;
	review_units_rate(units, n);
	return 0;
}

static int compute_rework(store_conn *c, int64_t from, int64_t to, struct review_metric_unit *units,
			  size_t n, err *e)
{
	return run(c, from, to, units, n, true, e);
}

static int compute_on_time(store_conn *c, int64_t from, int64_t to,
			   struct review_metric_unit *units, size_t n, err *e)
{
	return run(c, from, to, units, n, false, e);
}

static int drill_rework(store_conn *c, int64_t from, int64_t to, const char *lo, const char *hi,
			int limit, json_t **items, err *e)
{
	return grid_stats_events(c, lo, hi, from, to, true, limit, items, e);
}

static int drill_late(store_conn *c, int64_t from, int64_t to, const char *lo, const char *hi,
		      int limit, json_t **items, err *e)
{
	return grid_stats_events(c, lo, hi, from, to, false, limit, items, e);
}

const struct review_metric grid_review_metrics[] = {
	{"grid_rework_rate", "网格事件返工率", "%", "county,township,community", "lower", "grid",
	 compute_rework, drill_rework, "返工的事件"},
	{"grid_on_time_rate", "网格事件按期办结率", "%", "county,township,community", "higher",
	 "grid", compute_on_time, drill_late, "超期办结的事件"},
};
const size_t grid_review_metrics_count = sizeof grid_review_metrics / sizeof grid_review_metrics[0];
