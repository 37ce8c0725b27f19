#include "engine/case_figures.h"

int case_figures_step(store_stmt *st, int first, int count, case_figures_fn fn, void *ctx, err *e)
{
	int64_t n[CASE_FIGURES_MAX];
	if (count > CASE_FIGURES_MAX)
		count = CASE_FIGURES_MAX;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		for (int k = 0; k < count; k++)
			n[k] = store_col_int(st, first + k);
		fn(ctx, st, n);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

int case_figures_each(store_conn *c, const case_figures_query *q, const char *lo, const char *hi,
		      int64_t from, int64_t to, case_figures_fn fn, void *ctx, err *e)
{
	store_stmt *st = store_prepare(c, q->sql, e);
	if (!st)
		return -1;
	if (q->binds == CASE_FIGURES_AREA_FIRST)
		store_bindf(st, "ssii", lo, hi, from, to);
	else
		store_bindf(st, "iiss", from, to, lo, hi);
	return case_figures_step(st, q->first, q->count, fn, ctx, e);
}

json_t *case_figures_rate(int64_t num, int64_t den)
{
	return den ? json_real((double)num / (double)den) : json_null();
}
