/* The register's figures: per county and industry for a year (GET /api/v1/stats/projects),
 * and the metrics the reviews rank counties by. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "investment/invest.h"
#include "investment/invest_internal.h"

/* The per-project joins of a year: its plan (pl.amount) and its reports' sum (rp.inv). */
#define YEAR_JOINS                                                                                 \
	" LEFT JOIN (SELECT project_id, amount FROM invest_plans WHERE year = ?) pl"               \
	" ON pl.project_id = p.id"                                                                 \
	" LEFT JOIN (SELECT project_id, SUM(invested) AS inv FROM invest_reports"                  \
	" WHERE month >= ? AND month <= ? GROUP BY project_id) rp ON rp.project_id = p.id"

/* The counts of a year over projects p: all, big starts, new, continuing, completed, the
 * plan and the investment. Parameters: big, from, to, from, to, from, from, to, from, to. */
#define YEAR_COUNTS                                                                                \
	" COUNT(p.id),"                                                                            \
	" SUM(CASE WHEN p.total_investment >= ? AND p.actual_start >= ? AND p.actual_start <= ?"   \
	" THEN 1 ELSE 0 END),"                                                                     \
	" SUM(CASE WHEN p.actual_start >= ? AND p.actual_start <= ? THEN 1 ELSE 0 END),"           \
	" SUM(CASE WHEN p.actual_start < ? AND (p.actual_completion IS NULL"                       \
	" OR p.actual_completion >= ?) THEN 1 ELSE 0 END),"                                        \
	" SUM(CASE WHEN p.actual_completion >= ? AND p.actual_completion <= ? THEN 1 ELSE 0 END)," \
	" COALESCE(SUM(pl.amount), 0), COALESCE(SUM(rp.inv), 0)"

typedef struct year_range {
	int year, elapsed;
	char mfrom[16], mto[16], dfrom[16], dto[16];
} year_range;

static void year_range_of(int year, int64_t now, year_range *y)
{
	y->year = year;
	y->elapsed = inv_months_elapsed(year, now, 0);
	snprintf(y->mfrom, sizeof y->mfrom, "%04d-01", year % 10000);
	snprintf(y->mto, sizeof y->mto, "%04d-12", year % 10000);
	snprintf(y->dfrom, sizeof y->dfrom, "%04d-01-01", year % 10000);
	snprintf(y->dto, sizeof y->dto, "%04d-12-31", year % 10000);
}

/* Binds YEAR_COUNTS then YEAR_JOINS from position 1. */
static int bind_year_counts(store_stmt *st, const year_range *y)
{
	store_bindf(st, "dssssssssiss", INV_BIG_PROJECT, y->dfrom, y->dto, y->dfrom, y->dto,
		    y->dfrom, y->dfrom, y->dfrom, y->dto, (int64_t)y->year, y->mfrom, y->mto);
	return 13;
}

static json_t *counts_json(store_stmt *st, int at, const year_range *y)
{
	double plan = store_col_double(st, at + 5), inv = store_col_double(st, at + 6);
	double expected = plan * y->elapsed / 12.0;
	json_t *o = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f}", "projects",
		(json_int_t)store_col_int(st, at), "big_started",
		(json_int_t)store_col_int(st, at + 1), "new", (json_int_t)store_col_int(st, at + 2),
		"continuing", (json_int_t)store_col_int(st, at + 3), "completed",
		(json_int_t)store_col_int(st, at + 4), "plan", plan, "invested", inv, "pct_plan",
		inv_pct1(inv, plan), "expected", expected, "pct_expected", inv_pct1(inv, expected));
	return o;
}

static int by_county(store_conn *c, const scope *s, const year_range *y, json_t *out, err *e)
{
	store_stmt *st = store_prepare(c,
				       "SELECT cu.id, cu.name," YEAR_COUNTS
				       " FROM units cu LEFT JOIN invest_projects p"
				       " ON p.county_id = cu.id" YEAR_JOINS
				       " WHERE cu.kind = 'county' AND cu.disabled = 0 AND" SCOPE_SQL
				       " GROUP BY cu.id, cu.name ORDER BY cu.id",
				       e);
	if (!st)
		return -1;
	inv_bind_scope(st, bind_year_counts(st, y), s);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *o = counts_json(st, 2, y);
		json_object_set_new(o, "county_id", json_integer(store_col_int(st, 0)));
		json_object_set_new(o, "county_name", json_string(store_col_text(st, 1)));
		json_t *months = json_array();
		for (int i = 0; i < 12; i++)
			json_array_append_new(months, json_real(0));
		json_object_set_new(o, "months", months);
		json_array_append_new(out, o);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

static int by_industry(store_conn *c, const scope *s, const year_range *y, json_t *out, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT i.id, i.name," YEAR_COUNTS " FROM inv_industries i JOIN invest_projects p"
		" ON p.industry_id = i.id JOIN units cu ON cu.id = p.county_id"
		" " YEAR_JOINS " WHERE" SCOPE_SQL " GROUP BY i.id, i.name ORDER BY i.id",
		e);
	if (!st)
		return -1;
	inv_bind_scope(st, bind_year_counts(st, y), s);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *o = counts_json(st, 2, y);
		json_object_set_new(o, "industry_id", json_integer(store_col_int(st, 0)));
		json_object_set_new(o, "industry", json_string(store_col_text(st, 1)));
		json_array_append_new(out, o);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

/* The year's investment by county and month: fills each county's months[] and the
 * overall months list. */
static int by_month(store_conn *c, const scope *s, const year_range *y, json_t *counties,
		    json_t *months, err *e)
{
	double total[12] = {0};
	store_stmt *st =
		store_prepare(c,
			      "SELECT p.county_id, r.month, SUM(r.invested)"
			      " FROM invest_reports r JOIN invest_projects p"
			      " ON p.id = r.project_id JOIN units cu ON cu.id = p.county_id"
			      " WHERE r.month >= ? AND r.month <= ? AND" SCOPE_SQL
			      " GROUP BY p.county_id, r.month",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ss", y->mfrom, y->mto);
	inv_bind_scope(st, 3, s);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		int64_t county = store_col_int(st, 0);
		int m = atoi(store_col_text(st, 1) + 5);
		double v = store_col_double(st, 2);
		if (m < 1 || m > 12)
			continue;
		total[m - 1] += v;
		size_t i;
		json_t *o;
		json_array_foreach(counties, i, o)
		{
			if (json_integer_value(json_object_get(o, "county_id")) == county)
				json_array_set_new(json_object_get(o, "months"), (size_t)m - 1,
						   json_real(v));
		}
	}
	store_done(st);
	if (rc < 0)
		return -1;
	double cum = 0;
	for (int m = 0; m < 12; m++) {
		char month[32];
		snprintf(month, sizeof month, "%04d-%02d", y->year % 10000, m + 1);
		cum += total[m];
		json_array_append_new(months, json_pack("{s:s, s:f, s:f}", "month", month,
							"invested", total[m], "cumulative", cum));
	}
	return 0;
}

int inv_stats(store_conn *c, const actor *who, int year, json_t **out, err *e)
{
	scope s;
	if (inv_scope_of(c, who, &s, e) < 0)
		return -1;
	year_range y;
	year_range_of(year, clock_now_ms(), &y);
	json_t *counties = json_array(), *industries = json_array(), *months = json_array();
	if (by_county(c, &s, &y, counties, e) < 0 || by_industry(c, &s, &y, industries, e) < 0 ||
	    by_month(c, &s, &y, counties, months, e) < 0) {
		json_decref(counties);
		json_decref(industries);
		json_decref(months);
		return -1;
	}
	json_t *totals =
		json_pack("{s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "projects", 0, "big_started", 0,
			  "new", 0, "continuing", 0, "completed", 0, "plan", 0.0, "invested", 0.0);
	size_t i;
	json_t *o;
	json_array_foreach(counties, i, o)
	{
		const char *keys[] = {"projects", "big_started", "new", "continuing", "completed"};
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			json_object_set_new(
				totals, keys[k],
				json_integer(json_integer_value(json_object_get(totals, keys[k])) +
					     json_integer_value(json_object_get(o, keys[k]))));
		json_object_set_new(totals, "plan",
				    json_real(json_real_value(json_object_get(totals, "plan")) +
					      json_real_value(json_object_get(o, "plan"))));
		json_object_set_new(totals, "invested",
				    json_real(json_real_value(json_object_get(totals, "invested")) +
					      json_real_value(json_object_get(o, "invested"))));
	}
	double plan = json_real_value(json_object_get(totals, "plan")),
	       inv = json_real_value(json_object_get(totals, "invested"));
	json_object_set_new(totals, "pct_plan", json_real(inv_pct1(inv, plan)));
	*out = json_pack("{s:i, s:i, s:f, s:O, s:o, s:o, s:o, s:o}", "year", year, "months_elapsed",
			 y.elapsed, "big_project", INV_BIG_PROJECT, "items", counties, "counties",
			 counties, "industries", industries, "months", months, "totals", totals);
	return 0;
}

/* ---- metrics ---- */

int inv_metric_investment_vs_plan(store_conn *c, int64_t county_id, const char *from_month,
				  const char *to_month, double *invested, double *planned,
				  double *pct, err *e)
{
	*invested = *planned = *pct = 0;
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT COALESCE(SUM(r.invested), 0) FROM invest_reports r"
				 " JOIN invest_projects p ON p.id = r.project_id"
				 " WHERE p.county_id = ? AND r.month >= ? AND r.month <= ?",
				 "iss", county_id, from_month, to_month);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		*invested = store_col_double(st, 0);
		store_done(st);
	}
	int y0 = atoi(from_month), m0 = atoi(from_month + 5), y1 = atoi(to_month),
	    m1 = atoi(to_month + 5);
	for (int y = y0; y <= y1 && y - y0 < 50; y++) {
		int first = y == y0 ? m0 : 1, last = y == y1 ? m1 : 12;
		if (last < first)
			continue;
		rc = store_query_row(c, &st, e,
				     "SELECT COALESCE(SUM(pl.amount), 0) FROM invest_plans pl"
				     " JOIN invest_projects p ON p.id = pl.project_id"
				     " WHERE p.county_id = ? AND pl.year = ?",
				     "ii", county_id, (int64_t)y);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			*planned += store_col_double(st, 0) * (last - first + 1) / 12.0;
			store_done(st);
		}
	}
	*pct = inv_pct1(*invested, *planned);
	return 0;
}

int inv_metric_big_starts(store_conn *c, int64_t county_id, const char *from_date,
			  const char *to_date, int64_t *n, err *e)
{
	return store_query_int(c, n, 0, e,
			       "SELECT COUNT(*) FROM invest_projects WHERE county_id = ?"
			       " AND total_investment >= ? AND actual_start >= ?"
			       " AND actual_start <= ?",
			       "idss", county_id, INV_BIG_PROJECT, from_date, to_date);
}

int inv_metric_vs_plan_each(store_conn *c, const char *lo, const char *hi, const char *from_month,
			    const char *to_month, inv_county_fn fn, void *ctx, err *e)
{
	store_stmt *st =
		store_prepare(c,
			      "SELECT cu.path, COALESCE(SUM(r.invested), 0)"
			      " FROM invest_reports r JOIN invest_projects p"
			      " ON p.id = r.project_id JOIN units cu ON cu.id = p.county_id"
			      " WHERE cu.path >= ? AND cu.path < ? AND r.month >= ?"
			      " AND r.month <= ? GROUP BY cu.path",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ssss", lo, hi, from_month, to_month);
	int rc;
	while ((rc = store_step(st, e)) == 1)
		fn(ctx, store_col_text(st, 0), store_col_double(st, 1), 0);
	store_done(st);
	if (rc < 0)
		return -1;
	/* Each year's plan × the months of that year in range / 12. */
	int y0 = atoi(from_month), m0 = atoi(from_month + 5), y1 = atoi(to_month),
	    m1 = atoi(to_month + 5);
	st = store_prepare(
		c,
		"SELECT cu.path, pl.year, COALESCE(SUM(pl.amount), 0) FROM invest_plans pl"
		" JOIN invest_projects p ON p.id = pl.project_id"
		" JOIN units cu ON cu.id = p.county_id WHERE cu.path >= ? AND cu.path < ?"
		" AND pl.year >= ? AND pl.year <= ? GROUP BY cu.path, pl.year",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ssii", lo, hi, (int64_t)y0, (int64_t)y1);
	while ((rc = store_step(st, e)) == 1) {
		int y = (int)store_col_int(st, 1);
		int first = y == y0 ? m0 : 1, last = y == y1 ? m1 : 12;
		if (last >= first)
			fn(ctx, store_col_text(st, 0), 0,
			   store_col_double(st, 2) * (last - first + 1) / 12.0);
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

int inv_metric_big_starts_each(store_conn *c, const char *lo, const char *hi, const char *from_date,
			       const char *to_date, inv_county_fn fn, void *ctx, err *e)
{
	store_stmt *st =
		store_prepare(c,
			      "SELECT cu.path, COUNT(*) FROM invest_projects p"
			      " JOIN units cu ON cu.id = p.county_id"
			      " WHERE cu.path >= ? AND cu.path < ? AND p.total_investment >= ?"
			      " AND p.actual_start >= ? AND p.actual_start <= ?"
			      " GROUP BY cu.path",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ssdss", lo, hi, INV_BIG_PROJECT, from_date, to_date);
	int rc;
	while ((rc = store_step(st, e)) == 1)
		fn(ctx, store_col_text(st, 0), (double)store_col_int(st, 1), 1);
	store_done(st);
	return rc < 0 ? -1 : 0;
}

int inv_metric_big_starts_list(store_conn *c, const char *lo, const char *hi, const char *from_date,
			       const char *to_date, int limit, json_t **items, err *e)
{
	store_stmt *st =
		store_prepare(c,
			      "SELECT p.id, p.name, cu.name, p.total_investment,"
			      " p.actual_start FROM invest_projects p"
			      " JOIN units cu ON cu.id = p.county_id"
			      " WHERE cu.path >= ? AND cu.path < ? AND p.total_investment >= ?"
			      " AND p.actual_start >= ? AND p.actual_start <= ?"
			      " ORDER BY p.actual_start, p.id LIMIT ?",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ssdssi", lo, hi, INV_BIG_PROJECT, from_date, to_date, (int64_t)limit);
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:f, s:s}", "id",
						   (json_int_t)store_col_int(st, 0), "title",
						   store_col_text(st, 1), "county",
						   store_col_text(st, 2), "total_investment",
						   store_col_double(st, 3), "actual_start",
						   store_col_text(st, 4)));
	store_done(st);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*items = a;
	return 0;
}
