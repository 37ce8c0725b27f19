/* The case figures per unit: the one shape of the platforms' statistics and review
 * metrics. Each platform counts its cases per unit of an area (by status, on time,
 * overdue, reworked...) with one grouped query over the cases of a period, the area a
 * range [lo, hi) on units.path (scope_upper) and the period [from, to) in ms; what
 * differs is the query and what a row becomes. case_figures_each runs such a query and
 * hands each row's counts to the platform: grid_stats.c (per grid, and per grid for the
 * review metrics), service_stats.c (per station), dispute_stats.c (per mediation
 * body) and appeal_stats.c (per unit, from the roll-up) use it. */
#ifndef YW_CASE_FIGURES_H
#define YW_CASE_FIGURES_H
#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* The most figure columns one row carries. */
enum { CASE_FIGURES_MAX = 16 };

/* The order of a query's four parameters: the area then the period (lo, hi, from, to) or
 * the period then the area (from, to, lo, hi). */
enum case_figures_binds { CASE_FIGURES_AREA_FIRST, CASE_FIGURES_PERIOD_FIRST };

/* A per-unit query: its SQL, the order of its parameters, and its figures: `count`
 * integer columns from column `first` (a SUM over no rows, NULL, reads 0). */
typedef struct case_figures_query {
	const char *sql;
	enum case_figures_binds binds;
	int first, count;
} case_figures_query;

/* One row: the statement (for the row's key and text columns, valid during the call)
 * and its figures n[0..count). */
typedef void (*case_figures_fn)(void *ctx, store_stmt *row, const int64_t *n);

/* Runs q over the area [lo, hi) and the period [from, to): fn for each row, in the
 * query's order. 0, or -1 with e set. */
int case_figures_each(store_conn *c, const case_figures_query *q, const char *lo, const char *hi,
		      int64_t from, int64_t to, case_figures_fn fn, void *ctx, err *e);

/* The same over a statement the caller prepared and bound (a query built at run time, as
 * the appeals' roll-up is); finishes st. */
int case_figures_step(store_stmt *st, int first, int count, case_figures_fn fn, void *ctx, err *e);

/* num / den as a JSON real, null when den is 0: the rates of the figures' answers. */
json_t *case_figures_rate(int64_t num, int64_t den);

#endif
