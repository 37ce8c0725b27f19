/* The metric registry of the review schemes (docs/reviews.md "Metrics"): a computed
 * indicator names a metric, and a metric is data — a row with its name, label, the kinds
 * of unit it suits, the direction that is better, and a compute function that fills the
 * values of many units at once for a period (one grouped query per metric and period,
 * never one per unit). A platform registers its rows at start-up (platforms_register).
 *
 * A unit's value covers the unit's whole subtree (its path prefix) over the period's
 * dates [from, to). Adding a metric: write its compute (and optionally drill) function
 * in the platform's folder, and register one more row. */
#ifndef YW_REVIEW_METRIC_H
#define YW_REVIEW_METRIC_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

/* One unit being measured. compute reads unit_id and path (sorted by path) and sets
 * value and has_value; num and den are scratch space for rates (review_units_* below). */
struct review_metric_unit {
	int64_t unit_id;
	char path[SCOPE_PATH_MAX];
	double num, den;
	double value;
	bool has_value;
};

/* Fills value/has_value of units[0..n) for [from, to). 0, or -1 with e filled. */
typedef int (*review_metric_compute_fn)(store_conn *c, int64_t from, int64_t to,
					struct review_metric_unit *units, size_t n, err *e);

/* The records behind one unit's value: items of {"id","number","title",...} over the
 * subtree [lo, hi) of paths and [from, to), at most limit. */
typedef int (*review_metric_drill_fn)(store_conn *c, int64_t from, int64_t to, const char *lo,
				      const char *hi, int limit, json_t **items, err *e);

struct review_metric {
	const char *name;	/* "appeal_overdue": what indicators name */
	const char *label;	/* "超期件数" */
	const char *unit;	/* "%" for rates (0..100), "件" for counts, ... */
	const char *unit_kinds; /* a hint: "county,township" */
	const char *direction;	/* "higher" or "lower": which is better */
	const char *platform;	/* "appeals", "disputes", ... */
	review_metric_compute_fn compute;
	review_metric_drill_fn drill; /* NULL: no drill-down */
	const char *drill_label;      /* "超期诉求" */
};

/* Adds n rows (static storage) to the registry; a name registered twice keeps the first. */
void reviews_metrics_register(const struct review_metric *rows, size_t n);
/* The registered metric of that name, NULL when none. */
const struct review_metric *reviews_metric_find(const char *name);
size_t reviews_metric_count(void);
const struct review_metric *reviews_metric_at(size_t i);

/* Helpers for compute functions. units are sorted by path. */
/* Calls fn for every unit of units whose subtree holds path (the unit itself or an
 * ancestor): one binary search per level of path. */
void review_units_each_owner(struct review_metric_unit *units, size_t n, const char *path,
			     void (*fn)(struct review_metric_unit *u, void *ctx), void *ctx);
/* Adds num/den to every unit whose subtree holds path. */
void review_units_add(struct review_metric_unit *units, size_t n, const char *path, double num,
		      double den);
/* value = 100 * num / den where den > 0 (a rate in percent), else no value. */
void review_units_rate(struct review_metric_unit *units, size_t n);
/* value = num (a count), every unit has one. */
void review_units_count(struct review_metric_unit *units, size_t n);
/* The smallest and largest path of units: [lo, hi) covers every subtree (for one range
 * query over them all). */
void review_units_range(const struct review_metric_unit *units, size_t n, char *lo, char *hi);

/* Sharing one query among the metrics of one platform (the six appeal metrics read the
 * same per-unit figures): while a card is being built (review_metric_memo_begin/end
 * around it, on this thread), a compute function may keep what it read under a key and
 * the next metric finds it. Outside a build nothing is kept, so a draft read later reads
 * the data afresh. */
void review_metric_memo_begin(void);
void review_metric_memo_end(void);
/* The data kept under (owner, from, to, lo, hi), NULL when none. */
void *review_metric_memo_get(const void *owner, int64_t from, int64_t to, const char *lo,
			     const char *hi);
/* Keeps data (freed by free_fn at the build's end; at once when no build is running). */
void review_metric_memo_put(const void *owner, int64_t from, int64_t to, const char *lo,
			    const char *hi, void *data, void (*free_fn)(void *));

#endif
