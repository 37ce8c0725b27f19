/* 智慧党建's review metric (docs/reviews.md "Metrics"): the quota completion of the
 * branches attached within each ranked unit's subtree over the period — the mean of each
 * branch's completion (party_quota_compute, the figure of GET /api/v1/stats/party), in
 * percent — from party_metric_quota_each over the card's whole range. */
#include "party/party.h"
#include "reviews/review_metrics_builtin.h"

struct fold {
	struct review_metric_unit *units;
	size_t n;
};

static void fold_branch(void *ctx, const char *unit_path, double done)
{
	struct fold *x = ctx;
	review_units_add(x->units, x->n, unit_path, done, 1);
}

static int compute_quota(store_conn *c, int64_t from, int64_t to, struct review_metric_unit *units,
			 size_t n, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	review_units_range(units, n, lo, hi);
	struct fold x = {units, n};
	if (party_metric_quota_each(c, lo, hi, from, to, fold_branch, &x, e) < 0)
		return -1;
	review_units_rate(units, n);
	return 0;
}

const struct review_metric party_review_metrics[] = {
	{"party_quota_completion", "党建活动完成率", "%", "county,township,village", "higher",
	 "party", compute_quota, NULL, NULL},
};
const size_t party_review_metrics_count =
	sizeof party_review_metrics / sizeof party_review_metrics[0];
