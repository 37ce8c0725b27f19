/* The disputes' review metrics: the mediation success rate (agreed / (agreed + escalated
 * + failed + referred), as docs/disputes.md defines it) over the holds of the units of
 * each ranked unit's subtree, and the village share (agreements reached in the village
 * among the agreements about places in the subtree), from dispute_stats_each_*. */
#include <string.h>

#include "disputes/dispute_stats.h"
#include "reviews/review_metrics_builtin.h"

struct fold {
	struct review_metric_unit *units;
	size_t n;
};

static void fold_unit(void *ctx, const char *path, int64_t agreed, int64_t not_agreed)
{
	struct fold *x = ctx;
	review_units_add(x->units, x->n, path, (double)agreed, (double)(agreed + not_agreed));
}

static void fold_agreement(void *ctx, const char *region_path, const char *level)
{
	struct fold *x = ctx;
	review_units_add(x->units, x->n, region_path, !strcmp(level, "village") ? 1 : 0, 1);
}

static int compute_success(store_conn *c, int64_t from, int64_t to,
			   struct review_metric_unit *units, size_t n, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	review_units_range(units, n, lo, hi);
	struct fold x = {units, n};
	if (dispute_stats_each_unit(c, lo, hi, from, to, fold_unit, &x, e) < 0)
		return -1;
	review_units_rate(units, n);
	return 0;
}

static int compute_village_share(store_conn *c, int64_t from, int64_t to,
				 struct review_metric_unit *units, size_t n, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	review_units_range(units, n, lo, hi);
	struct fold x = {units, n};
	if (dispute_stats_each_agreement(c, lo, hi, from, to, fold_agreement, &x, e) < 0)
		return -1;
	review_units_rate(units, n);
	return 0;
}

const struct review_metric review_dispute_metrics[] = {
	{"dispute_success_rate", "调解成功率", "%", "county,township", "higher", "disputes",
	 compute_success, NULL, NULL},
	{"dispute_village_share", "村级化解占比", "%", "county,township", "higher", "disputes",
	 compute_village_share, NULL, NULL},
};
const size_t review_dispute_metrics_count =
	sizeof review_dispute_metrics / sizeof review_dispute_metrics[0];
