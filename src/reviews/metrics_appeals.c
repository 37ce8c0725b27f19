/* The appeals' review metrics: the rates of CONTRACT.md's statistics (response,
 * resolution, satisfaction), the on-time and reopen rates and the overdue count, each
 * from appeal_stats_each_unit — the same figures, one grouped query over the assignments
 * dispatched in the period — summed over each ranked unit's subtree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#include "appeals/appeal_stats.h"
#include "reviews/review_metrics_builtin.h"

/* One metric's numerator and denominator from a unit's figures. */
typedef void (*pick_fn)(const appeal_figures *f, double *num, double *den);

/* The per-unit figures of one period and range, read once for all six metrics of a card
 * (review_metric_memo). */
typedef struct rows {
	size_t n, cap;
	char (*path)[SCOPE_PATH_MAX];
	appeal_figures *f;
} rows;

static void rows_free(void *p)
{
	rows *r = p;
	free(r->path);
	free(r->f);
	free(r);
}

static void keep_row(void *ctx, const char *path, const appeal_figures *f)
{
	rows *r = ctx;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->path = xrealloc(r->path, r->cap * sizeof *r->path);
		r->f = xrealloc(r->f, r->cap * sizeof *r->f);
	}
	snprintf(r->path[r->n], sizeof r->path[0], "%s", path);
	r->f[r->n++] = *f;
}

static int memo_key;

static int run(store_conn *c, int64_t from, int64_t to, struct review_metric_unit *units, size_t n,
	       pick_fn pick, bool is_rate, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	review_units_range(units, n, lo, hi);
	rows *r = review_metric_memo_get(&memo_key, from, to, lo, hi);
	bool kept = r != NULL;
	if (!r) {
		r = xcalloc(1, sizeof *r);
		if (appeal_stats_each_unit(c, lo, hi, from, to, keep_row, r, e) < 0) {
			rows_free(r);
			return -1;
		}
	}
	for (size_t i = 0; i < r->n; i++) {
		double num, den;
		pick(&r->f[i], &num, &den);
		review_units_add(units, n, r->path[i], num, den);
	}
	if (!kept)
		review_metric_memo_put(&memo_key, from, to, lo, hi, r, rows_free);
	if (is_rate)
		review_units_rate(units, n);
	else
		review_units_count(units, n);
	return 0;
}

static void pick_response(const appeal_figures *f, double *num, double *den)
{
	*num = (double)f->signed_on_time;
	*den = (double)f->dispatched;
}
static void pick_resolution(const appeal_figures *f, double *num, double *den)
{
	*num = (double)f->resolved;
	*den = (double)f->closed;
}
static void pick_satisfaction(const appeal_figures *f, double *num, double *den)
{
	*num = (double)f->satisfied;
	*den = (double)f->revisited;
}
static void pick_on_time(const appeal_figures *f, double *num, double *den)
{
	*num = (double)f->replied_on_time;
	*den = (double)f->replied;
}
static void pick_reopen(const appeal_figures *f, double *num, double *den)
{
	*num = (double)f->reopened;
	*den = (double)(f->closed + f->reopened_open);
}
static void pick_overdue(const appeal_figures *f, double *num, double *den)
{
	*num = (double)f->overdue;
	*den = 1;
}

#define RATE_FN(name)                                                                              \
	static int compute_##name(store_conn *c, int64_t from, int64_t to,                         \
				  struct review_metric_unit *units, size_t n, err *e)              \
	{                                                                                          \
		return run(c, from, to, units, n, pick_##name, true, e);                           \
	}
RATE_FN(response)
RATE_FN(resolution)
RATE_FN(satisfaction)
RATE_FN(on_time)
RATE_FN(reopen)

static int compute_overdue(store_conn *c, int64_t from, int64_t to,
			   struct review_metric_unit *units, size_t n, err *e)
{
	return run(c, from, to, units, n, pick_overdue, false, e);
}

#define DRILL_FN(name, figure)                                                                     \
	static int drill_##name(store_conn *c, int64_t from, int64_t to, const char *lo,           \
				const char *hi, int limit, json_t **items, err *e)                 \
	{                                                                                          \
		return appeal_stats_assignments(c, lo, hi, from, to, figure, limit, items, e);     \
	}
DRILL_FN(response, "late_sign")
DRILL_FN(resolution, "unresolved")
DRILL_FN(satisfaction, "dissatisfied")
DRILL_FN(on_time, "late_reply")
DRILL_FN(reopen, "reopened")
DRILL_FN(overdue, "overdue")

const struct review_metric review_appeal_metrics[] = {
	{"appeal_response_rate", "诉求响应率", "%", "county,township,department", "higher",
	 "appeals", compute_response, drill_response, "未按时签收的诉求"},
	{"appeal_resolution_rate", "诉求解决率", "%", "county,township,department", "higher",
	 "appeals", compute_resolution, drill_resolution, "未解决的诉求"},
	{"appeal_satisfaction_rate", "诉求满意率", "%", "county,township,department", "higher",
	 "appeals", compute_satisfaction, drill_satisfaction, "不满意的诉求"},
	{"appeal_on_time_rate", "按时办结率", "%", "county,township,department", "higher",
	 "appeals", compute_on_time, drill_on_time, "超时答复的诉求"},
	{"appeal_reopen_rate", "重办率", "%", "county,township,department", "lower", "appeals",
	 compute_reopen, drill_reopen, "重办的诉求"},
	{"appeal_overdue", "超期件数", "件", "county,township,department", "lower", "appeals",
	 compute_overdue, drill_overdue, "超期的诉求"},
};
const size_t review_appeal_metrics_count =
	sizeof review_appeal_metrics / sizeof review_appeal_metrics[0];
