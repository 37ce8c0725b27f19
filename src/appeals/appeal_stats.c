#include "appeals/appeal_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/xlsx_out.h"
#include "core/clock.h"
#include "core/mem.h"
#include "engine/case_figures.h"
#include "org/unit.h"

enum { DAY_MS = 86400000 };

/* The year and month (China time) of an instant. */
static void local_month(int64_t ms, int *y, int *m)
{
	char buf[40];
	clock_format_iso(ms, buf, sizeof buf);
	*y = atoi(buf);
	*m = atoi(buf + 5);
}

/* The first instant of month m of year y (China time); m may run past 1..12. INT64_MAX
 * past the last year clock_parse_iso knows, INT64_MIN before the first. */
static int64_t month_start(int y, int m)
{
	while (m > 12) {
		m -= 12;
		y++;
	}
	while (m < 1) {
		m += 12;
		y--;
	}
	char buf[16];
	snprintf(buf, sizeof buf, "%04d-%02d-01", y, m);
	int64_t ms;
	if (clock_parse_iso(buf, &ms) < 0)
		return y > 9999 ? INT64_MAX : INT64_MIN;
	return ms;
}

int appeal_stats_period(const char *from, const char *to, int64_t now, int default_months,
			int64_t *from_ms, int64_t *to_ms, err *e)
{
	int y, m;
	if (to) {
		if (clock_parse_iso(to, to_ms) < 0)
			return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "to",
				       "to 必须是 ISO 日期或时间（如 2026-01-31）");
		/* A date names a whole day: the period runs to its end. */
		if (strlen(to) == 10)
			*to_ms += DAY_MS;
	} else {
		local_month(now, &y, &m);
		*to_ms = month_start(y, m + 1);
	}
	if (from) {
		if (clock_parse_iso(from, from_ms) < 0)
			return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "from",
				       "from 必须是 ISO 日期或时间（如 2026-01-01）");
	} else {
		local_month(*to_ms - 1, &y, &m);
		*from_ms = month_start(y, m - (default_months > 1 ? default_months - 1 : 0));
	}
	if (*to_ms <= *from_ms)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "to", "to 必须晚于 from");
	return 0;
}

/* The figures of a set of assignments. */
typedef appeal_figures counts;

/* The aggregate over assignments `a`, in the order of struct counts. Every figure is a sum
 * of 0/1 so that the whole period is one pass over the rows. */
#define FIGURES_SQL                                                                                \
	"COUNT(*) AS n0,"                                                                          \
	" SUM(CASE WHEN a.signed_on_time = 1 THEN 1 ELSE 0 END) AS n1,"                            \
	" SUM(CASE WHEN a.closed_at IS NOT NULL THEN 1 ELSE 0 END) AS n2,"                         \
	" SUM(CASE WHEN a.closed_at IS NOT NULL AND a.resolved = 1 THEN 1 ELSE 0 END) AS n3,"      \
	" SUM(CASE WHEN a.satisfaction IS NOT NULL THEN 1 ELSE 0 END) AS n4,"                      \
	" SUM(CASE WHEN a.satisfaction IN ('satisfied', 'basically_satisfied')"                    \
	" THEN 1 ELSE 0 END) AS n5,"                                                               \
	" SUM(CASE WHEN a.replied_at IS NOT NULL THEN 1 ELSE 0 END) AS n6,"                        \
	" SUM(CASE WHEN a.replied_at IS NOT NULL AND a.replied_on_time = 1"                        \
	" THEN 1 ELSE 0 END) AS n7,"                                                               \
	" SUM(CASE WHEN a.returned_at IS NOT NULL THEN 1 ELSE 0 END) AS n8,"                       \
	" SUM(CASE WHEN a.reopened > 0 THEN 1 ELSE 0 END) AS n9,"                                  \
	" SUM(CASE WHEN a.overdue = 1 THEN 1 ELSE 0 END) AS n10,"                                  \
	" SUM(CASE WHEN a.closed_at IS NULL AND a.reopened > 0 THEN 1 ELSE 0 END) AS n11"

/* The figures per unit of the units of one subtree (a range on units.path) over the
 * assignments dispatched in [?, ?), counted from the assignments themselves. With the index
 * case_assignments_unit_stats this is one index range per unit of the area, covered (no
 * table rows read) and already grouped. The reference the roll-up is checked against
 * (appeal_stats_rollup_verify), and what counts the partial days at a period's ends. */
#define PER_UNIT_SQL                                                                               \
	" FROM (SELECT a.unit_id AS unit_id, " FIGURES_SQL " FROM case_assignments a"              \
	" WHERE a.unit_id IN (SELECT id FROM units WHERE path >= ? AND path < ?)"                  \
	" AND a.dispatched_at >= ? AND a.dispatched_at < ? GROUP BY a.unit_id) s"                  \
	" JOIN units u ON u.id = s.unit_id"

#define IN_AREA " IN (SELECT id FROM units WHERE path >= ? AND path < ?)"
#define SUMS_SQL                                                                                   \
	"SUM(x.n0) AS n0, SUM(x.n1) AS n1, SUM(x.n2) AS n2, SUM(x.n3) AS n3, SUM(x.n4) AS n4,"     \
	" SUM(x.n5) AS n5, SUM(x.n6) AS n6, SUM(x.n7) AS n7, SUM(x.n8) AS n8, SUM(x.n9) AS n9,"    \
	" SUM(x.n10) AS n10, SUM(x.n11) AS n11"

enum { CST_OFFSET_MS = 8 * 3600 * 1000 };

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* A period cut for the roll-up: whole days [d0, d1), partial ends [a0, a1) and [b0, b1). */
typedef struct period_cut {
	int64_t d0, d1, a0, a1, b0, b1;
} period_cut;

static period_cut cut_period(int64_t from, int64_t to)
{
	period_cut p = {0};
	/* Instants this far out have no whole days the roll-up could hold differently. */
	int64_t lim = INT64_MAX / 2;
	if (from < -lim || to > lim || from >= to) {
		p.a0 = from, p.a1 = to;
		return p;
	}
	p.d0 = floor_div(from + CST_OFFSET_MS + DAY_MS - 1, DAY_MS);
	p.d1 = floor_div(to + CST_OFFSET_MS, DAY_MS);
	if (p.d0 >= p.d1) {
		p.d0 = p.d1 = 0;
		p.a0 = from, p.a1 = to;
		return p;
	}
	p.a0 = from, p.a1 = p.d0 * DAY_MS - CST_OFFSET_MS;
	p.b0 = p.d1 * DAY_MS - CST_OFFSET_MS, p.b1 = to;
	return p;
}

/* The figures of the assignments to units of [lo, hi) dispatched in [from, to), from the
 * roll-up stats_appeal_days (migration 018; triggers on case_assignments keep it in the
 * writing transaction): the period's whole days (China time) summed from one row per unit
 * and day, the partial days at its ends (when it starts or ends off midnight) counted from
 * the assignments. One row per unit (by_day false: unit_id, n0..n11) or per day of
 * dispatch (by_day true: day, n0..n11) with something dispatched; `head` and `tail`
 * wrap the select as "head (…) s tail". A unit's roll-up rows whose assignments all
 * moved away sum to n0 = 0 and are left out, as the recount never sees them. */
static store_stmt *rollup_prepare(store_conn *c, const char *head, const char *tail, bool by_day,
				  const char *lo, const char *hi, int64_t from, int64_t to, err *e)
{
	period_cut p = cut_period(from, to);
	strbuf sql = STRBUF_INIT;
	strbuf_addf(&sql,
		    "%s(SELECT x.g AS %s, " SUMS_SQL " FROM (SELECT r.%s AS g, r.n0 AS n0,"
		    " r.n1 AS n1, r.n2 AS n2, r.n3 AS n3, r.n4 AS n4, r.n5 AS n5, r.n6 AS n6,"
		    " r.n7 AS n7, r.n8 AS n8, r.n9 AS n9, r.n10 AS n10, r.n11 AS n11"
		    " FROM stats_appeal_days r WHERE r.unit_id" IN_AREA
		    " AND r.day >= ? AND r.day < ?",
		    head, by_day ? "day" : "unit_id", by_day ? "day" : "unit_id");
	int64_t edges[2][2] = {{p.a0, p.a1}, {p.b0, p.b1}};
	for (int i = 0; i < 2; i++)
		if (edges[i][0] < edges[i][1])
			strbuf_addf(&sql,
				    " UNION ALL SELECT %s AS g, " FIGURES_SQL
				    " FROM case_assignments a WHERE a.unit_id" IN_AREA
				    " AND a.dispatched_at >= ? AND a.dispatched_at < ?%s",
				    by_day ? "?" : "a.unit_id",
				    by_day ? "" : " GROUP BY a.unit_id");
	strbuf_addf(&sql, ") x GROUP BY x.g HAVING SUM(x.n0) > 0) s%s", tail);
	store_stmt *st = store_prepare(c, strbuf_str(&sql), e);
	strbuf_release(&sql);
	if (!st)
		return NULL;
	int at = 1;
	store_bind_text(st, at++, lo);
	store_bind_text(st, at++, hi);
	store_bind_int(st, at++, p.d0);
	store_bind_int(st, at++, p.d1);
	for (int i = 0; i < 2; i++)
		if (edges[i][0] < edges[i][1]) {
			if (by_day) /* the day the partial day is */
				store_bind_int(st, at++,
					       floor_div(edges[i][0] + CST_OFFSET_MS, DAY_MS));
			store_bind_text(st, at++, lo);
			store_bind_text(st, at++, hi);
			store_bind_int(st, at++, edges[i][0]);
			store_bind_int(st, at++, edges[i][1]);
		}
	return st;
}

/* The figures of a row (n0..n11, as FIGURES_SQL counts them) into k. */
static void counts_from(const int64_t *n, counts *k)
{
	int64_t *f[] = {&k->dispatched, &k->signed_on_time, &k->closed,	 &k->resolved,
			&k->revisited,	&k->satisfied,	    &k->replied, &k->replied_on_time,
			&k->returned,	&k->reopened,	    &k->overdue, &k->reopened_open};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		*f[i] = n[i];
}

enum { NCOUNTS = 12 };

static void read_counts(store_stmt *st, int col, counts *k)
{
	int64_t n[NCOUNTS];
	for (int i = 0; i < NCOUNTS; i++)
		n[i] = store_col_int(st, col + i); /* SUM of no rows is NULL: 0 */
	counts_from(n, k);
}

/* Adds the figures and their rates to o. */
static void counts_json(json_t *o, const counts *k)
{
	json_object_set_new(o, "dispatched", json_integer(k->dispatched));
	json_object_set_new(o, "signed_on_time", json_integer(k->signed_on_time));
	json_object_set_new(o, "response_rate",
			    case_figures_rate(k->signed_on_time, k->dispatched));
	json_object_set_new(o, "closed", json_integer(k->closed));
	json_object_set_new(o, "resolved", json_integer(k->resolved));
	json_object_set_new(o, "resolution_rate", case_figures_rate(k->resolved, k->closed));
	json_object_set_new(o, "revisited", json_integer(k->revisited));
	json_object_set_new(o, "satisfied", json_integer(k->satisfied));
	json_object_set_new(o, "satisfaction_rate", case_figures_rate(k->satisfied, k->revisited));
	json_object_set_new(o, "replied", json_integer(k->replied));
	json_object_set_new(o, "replied_on_time", json_integer(k->replied_on_time));
	json_object_set_new(o, "on_time_rate", case_figures_rate(k->replied_on_time, k->replied));
	json_object_set_new(o, "returned", json_integer(k->returned));
	json_object_set_new(o, "return_rate", case_figures_rate(k->returned, k->dispatched));
	json_object_set_new(o, "reopened", json_integer(k->reopened));
	json_object_set_new(o, "reopened_open", json_integer(k->reopened_open));
	json_object_set_new(o, "reopen_rate",
			    case_figures_rate(k->reopened, k->closed + k->reopened_open));
	json_object_set_new(o, "overdue", json_integer(k->overdue));
}

/* The path range [lo, hi) of who's area, or of unit_id's subtree inside it. */
static int area_range(store_conn *c, const actor *who, int64_t unit_id, char *lo, char *hi, err *e)
{
	snprintf(lo, SCOPE_PATH_MAX, "%s", who->unit_path);
	if (unit_id) {
		if (unit_path(c, unit_id, lo, SCOPE_PATH_MAX, e) < 0)
			return -1;
		if (!scope_contains(who->unit_path, lo))
			return err_set(e, ERR_NOT_FOUND, "not_found", "unit_id", "单位不存在");
	}
	scope_upper(lo, hi, SCOPE_PATH_MAX);
	return 0;
}

/* A row of the per-unit figures (unit_id, name, n0..n11) as an item of arr. */
static void by_unit_row(void *arr, store_stmt *row, const int64_t *n)
{
	counts k;
	counts_from(n, &k);
	json_t *o = json_pack("{s:I, s:s}", "unit_id", (json_int_t)store_col_int(row, 0),
			      "unit_name", store_col_text(row, 1));
	counts_json(o, &k);
	json_array_append_new(arr, o);
}

static int by_unit(store_conn *c, const actor *who, int64_t from, int64_t to, int64_t unit_id,
		   bool recount, json_t **items, err *e)
{
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	if (area_range(c, who, unit_id, lo, hi, e) < 0)
		return -1;
#define BY_UNIT_COLUMNS                                                                            \
	"SELECT s.unit_id, u.name, s.n0, s.n1, s.n2, s.n3, s.n4, s.n5, s.n6, s.n7, s.n8, s.n9,"    \
	" s.n10, s.n11"
	store_stmt *st;
	if (recount) {
		st = store_prepare(c, BY_UNIT_COLUMNS PER_UNIT_SQL " ORDER BY s.n0 DESC, s.unit_id",
				   e);
		if (st)
			store_bindf(st, "ssii", lo, hi, from, to);
	} else {
		st = rollup_prepare(
			c, BY_UNIT_COLUMNS " FROM ",
			" JOIN units u ON u.id = s.unit_id ORDER BY s.n0 DESC, s.unit_id", false,
			lo, hi, from, to, e);
	}
	if (!st)
		return -1;
	json_t *arr = json_array();
	if (case_figures_step(st, 2, NCOUNTS, by_unit_row, arr, e) < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

int appeal_stats_by_unit(store_conn *c, const actor *who, int64_t from, int64_t to, int64_t unit_id,
			 json_t **items, err *e)
{
	return by_unit(c, who, from, to, unit_id, false, items, e);
}

int appeal_stats_by_unit_recount(store_conn *c, const actor *who, int64_t from, int64_t to,
				 int64_t unit_id, json_t **items, err *e)
{
	return by_unit(c, who, from, to, unit_id, true, items, e);
}

void appeal_figures_json(json_t *o, const appeal_figures *f)
{
	counts_json(o, f);
}

int appeal_stats_of_region(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			   appeal_figures *f, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT " FIGURES_SQL " FROM case_assignments a JOIN cases c"
		" ON c.id = a.case_id WHERE c.kind = 'appeal' AND c.region_path >= ?"
		" AND c.region_path < ? AND a.dispatched_at >= ? AND a.dispatched_at < ?",
		"ssii", lo, hi, from, to);
	if (rc < 0)
		return -1;
	memset(f, 0, sizeof *f);
	if (rc == 1) {
		read_counts(st, 0, f);
		store_done(st);
	}
	return 0;
}

struct each_unit {
	void (*fn)(void *ctx, const char *path, const appeal_figures *f);
	void *ctx;
};

static void each_unit_row(void *ctx, store_stmt *row, const int64_t *n)
{
	struct each_unit *x = ctx;
	counts k;
	counts_from(n, &k);
	x->fn(x->ctx, store_col_text(row, 0), &k);
}

int appeal_stats_each_unit(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			   void (*fn)(void *ctx, const char *path, const appeal_figures *f),
			   void *ctx, err *e)
{
	store_stmt *st =
		rollup_prepare(c,
			       "SELECT u.path, s.n0, s.n1, s.n2, s.n3, s.n4, s.n5, s.n6,"
			       " s.n7, s.n8, s.n9, s.n10, s.n11 FROM ",
			       " JOIN units u ON u.id = s.unit_id", false, lo, hi, from, to, e);
	if (!st)
		return -1;
	struct each_unit x = {fn, ctx};
	return case_figures_step(st, 1, NCOUNTS, each_unit_row, &x, e);
}

/* The condition on assignment `a` of each figure appeal_stats_assignments lists. */
static const struct {
	const char *figure, *sql;
} figure_conditions[] = {
	{"overdue", "a.overdue = 1"},
	{"late_sign", "(a.signed_on_time IS NULL OR a.signed_on_time = 0)"},
	{"late_reply", "a.replied_at IS NOT NULL AND a.replied_on_time = 0"},
	{"reopened", "a.reopened > 0"},
	{"unresolved", "a.closed_at IS NOT NULL AND a.resolved = 0"},
	{"dissatisfied", "a.satisfaction = 'dissatisfied'"},
};

int appeal_stats_assignments(store_conn *c, const char *lo, const char *hi, int64_t from,
			     int64_t to, const char *figure, int limit, json_t **items, err *e)
{
	const char *cond = NULL;
	for (size_t i = 0; i < sizeof figure_conditions / sizeof figure_conditions[0]; i++)
		if (!strcmp(figure_conditions[i].figure, figure))
			cond = figure_conditions[i].sql;
	if (!cond)
		return err_set(e, ERR_INVALID, "invalid_value", "figure", "未知的统计项");
	char sql[768];
	snprintf(sql, sizeof sql,
		 "SELECT c.id, c.number, c.title, u.name, a.dispatched_at FROM case_assignments a"
		 " JOIN units u ON u.id = a.unit_id JOIN cases c ON c.id = a.case_id"
		 " WHERE a.unit_id IN (SELECT id FROM units WHERE path >= ? AND path < ?)"
		 " AND a.dispatched_at >= ? AND a.dispatched_at < ? AND %s"
		 " ORDER BY a.dispatched_at, a.id LIMIT ?",
		 cond);
	store_stmt *st = store_prepare(c, sql, e);
	if (!st)
		return -1;
	store_bindf(st, "ssiii", lo, hi, from, to, (int64_t)limit);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		char at[40];
		clock_format_iso(store_col_int(st, 4), at, sizeof at);
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
						     (json_int_t)store_col_int(st, 0), "number",
						     store_col_text(st, 1), "title",
						     store_col_text(st, 2), "unit_name",
						     store_col_text(st, 3), "dispatched_at", at));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*items = arr;
	return 0;
}

static int trend(store_conn *c, const actor *who, int64_t from, int64_t to, int64_t unit_id,
		 bool recount, json_t **items, err *e)
{
	int y0, m0, y1, m1;
	local_month(from, &y0, &m0);
	local_month(to - 1, &y1, &m1);
	int months = (y1 - y0) * 12 + (m1 - m0) + 1;
	if (months > APPEAL_STATS_TREND_MONTHS_MAX)
		return err_set(e, ERR_BAD_REQUEST, "range_too_long", "from", "趋势最多统计 %d 个月",
			       APPEAL_STATS_TREND_MONTHS_MAX);
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	if (area_range(c, who, unit_id, lo, hi, e) < 0)
		return -1;
	if (months < 1)
		months = 1;
	counts *k = xcalloc((size_t)months, sizeof *k);
	int rc = 0;
	if (recount) {
		/* One query per month: months differ in length, and the databases share no
		 * date function; each is the table's query over that month, summed. */
		for (int i = 0; i < months && rc == 0; i++) {
			int64_t start = month_start(y0, m0 + i), end = month_start(y0, m0 + i + 1);
			store_stmt *st;
			rc = store_query_row(
				c, &st, e,
				"SELECT SUM(s.n0), SUM(s.n1), SUM(s.n2), SUM(s.n3),"
				" SUM(s.n4), SUM(s.n5), SUM(s.n6), SUM(s.n7), SUM(s.n8),"
				" SUM(s.n9), SUM(s.n10), SUM(s.n11)" PER_UNIT_SQL,
				"ssii", lo, hi, start > from ? start : from, end < to ? end : to);
			if (rc == 1) {
				read_counts(st, 0, &k[i]);
				store_done(st);
			}
			rc = rc < 0 ? -1 : 0;
		}
	} else {
		/* One query for the whole period, per day of dispatch (a month starts at a
		 * midnight, so each day lies in one month); the days summed into months here. */
		int64_t *starts = xcalloc((size_t)months + 1, sizeof *starts);
		for (int i = 0; i <= months; i++)
			starts[i] = month_start(y0, m0 + i);
		store_stmt *st = rollup_prepare(c,
						"SELECT s.day, s.n0, s.n1, s.n2, s.n3, s.n4, s.n5,"
						" s.n6, s.n7, s.n8, s.n9, s.n10, s.n11 FROM ",
						"", true, lo, hi, from, to, e);
		if (!st)
			rc = -1;
		while (st && (rc = store_step(st, e)) == 1) {
			int64_t day_ms = store_col_int(st, 0) * DAY_MS - CST_OFFSET_MS;
			int i = 0;
			while (i + 1 < months && day_ms >= starts[i + 1])
				i++;
			counts d;
			read_counts(st, 1, &d);
			int64_t *dst = &k[i].dispatched, *src = &d.dispatched;
			for (size_t f = 0; f < sizeof d / sizeof d.dispatched; f++)
				dst[f] += src[f];
		}
		if (st)
			store_done(st);
		free(starts);
	}
	if (rc < 0) {
		free(k);
		return -1;
	}
	json_t *arr = json_array();
	for (int i = 0; i < months; i++) {
		int y = y0 + (m0 - 1 + i) / 12, m = (m0 - 1 + i) % 12 + 1;
		char label[16];
		snprintf(label, sizeof label, "%04d-%02d", y, m);
		json_t *o = json_pack("{s:s}", "month", label);
		counts_json(o, &k[i]);
		json_array_append_new(arr, o);
	}
	free(k);
	*items = arr;
	return 0;
}

int appeal_stats_trend(store_conn *c, const actor *who, int64_t from, int64_t to, int64_t unit_id,
		       json_t **items, err *e)
{
	return trend(c, who, from, to, unit_id, false, items, e);
}

int appeal_stats_trend_recount(store_conn *c, const actor *who, int64_t from, int64_t to,
			       int64_t unit_id, json_t **items, err *e)
{
	return trend(c, who, from, to, unit_id, true, items, e);
}

/* ---- the roll-up ---- */

/* The roll-up's rows as a recount of the assignments makes them. */
#define RECOUNT_DAYS_SQL                                                                           \
	"SELECT a.unit_id, (a.dispatched_at + 28800000) / 86400000, " FIGURES_SQL                  \
	" FROM case_assignments a GROUP BY a.unit_id, (a.dispatched_at + 28800000) / 86400000"
#define ROLLUP_DAYS_SQL                                                                            \
	"SELECT unit_id, day, n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11"                    \
	" FROM stats_appeal_days WHERE n0 <> 0 OR n1 <> 0 OR n2 <> 0 OR n3 <> 0 OR n4 <> 0"        \
	" OR n5 <> 0 OR n6 <> 0 OR n7 <> 0 OR n8 <> 0 OR n9 <> 0 OR n10 <> 0 OR n11 <> 0"

int appeal_stats_rollup_verify(store_conn *c, int64_t *wrong, err *e)
{
	int64_t a, b;
	if (store_query_int(c, &a, 0, e,
			    "SELECT COUNT(*) FROM (" ROLLUP_DAYS_SQL " EXCEPT " RECOUNT_DAYS_SQL
			    ") x",
			    NULL) < 0 ||
	    store_query_int(c, &b, 0, e,
			    "SELECT COUNT(*) FROM (" RECOUNT_DAYS_SQL " EXCEPT " ROLLUP_DAYS_SQL
			    ") x",
			    NULL) < 0)
		return -1;
	*wrong = a + b;
	return 0;
}

int appeal_stats_rollup_rebuild(store_conn *c, err *e)
{
	if (store_exec(c, e, "DELETE FROM stats_appeal_days", NULL) < 0)
		return -1;
	return store_exec(c, e,
			  "INSERT INTO stats_appeal_days (unit_id, day, n0, n1, n2, n3, n4, n5,"
			  " n6, n7, n8, n9, n10, n11) " RECOUNT_DAYS_SQL,
			  NULL) < 0
		       ? -1
		       : 0;
}

/* ---- Excel ---- */

/* The columns of the sheet: header, the item's key, and whether it is a rate. */
static const struct {
	const char *header, *key;
	bool is_rate;
} columns[] = {
	{"单位", "unit_name", false},	       {"派单数", "dispatched", false},
	{"按时签收", "signed_on_time", false}, {"响应率", "response_rate", true},
	{"办结数", "closed", false},	       {"解决率", "resolution_rate", true},
	{"回访数", "revisited", false},	       {"满意率", "satisfaction_rate", true},
	{"按时办结率", "on_time_rate", true},  {"退单数", "returned", false},
	{"退单率", "return_rate", true},       {"重办数", "reopened", false},
	{"重办率", "reopen_rate", true},       {"超期数", "overdue", false},
};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

typedef struct sheet_formats {
	lxw_format *title, *header, *text, *number, *percent;
	lxw_format *total_text, *total_number, *total_percent;
} sheet_formats;

static lxw_format *cell_format(lxw_workbook *wb, bool bold, const char *num_format)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (bold)
		format_set_bold(f);
	if (num_format)
		format_set_num_format(f, num_format);
	return f;
}

/* One row: the item's values, or the totals when item is a computed totals object. */
static void write_row(lxw_worksheet *ws, lxw_row_t row, const json_t *item, bool total,
		      const sheet_formats *f)
{
	for (size_t col = 0; col < NCOLUMNS; col++) {
		json_t *v = json_object_get(item, columns[col].key);
		lxw_col_t cc = (lxw_col_t)col;
		if (col == 0)
			worksheet_write_string(ws, row, cc, json_string_value(v),
					       total ? f->total_text : f->text);
		else if (columns[col].is_rate && json_is_number(v))
			worksheet_write_number(ws, row, cc, json_number_value(v),
					       total ? f->total_percent : f->percent);
		else if (columns[col].is_rate)
			worksheet_write_blank(ws, row, cc, total ? f->total_percent : f->percent);
		else
			worksheet_write_number(ws, row, cc, (double)json_integer_value(v),
					       total ? f->total_number : f->number);
	}
}

/* The totals over items, with rates of the sums. */
static json_t *totals(const json_t *items)
{
	counts k = {0};
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		k.dispatched += json_integer_value(json_object_get(it, "dispatched"));
		k.signed_on_time += json_integer_value(json_object_get(it, "signed_on_time"));
		k.closed += json_integer_value(json_object_get(it, "closed"));
		k.resolved += json_integer_value(json_object_get(it, "resolved"));
		k.revisited += json_integer_value(json_object_get(it, "revisited"));
		k.satisfied += json_integer_value(json_object_get(it, "satisfied"));
		k.replied += json_integer_value(json_object_get(it, "replied"));
		k.replied_on_time += json_integer_value(json_object_get(it, "replied_on_time"));
		k.returned += json_integer_value(json_object_get(it, "returned"));
		k.reopened += json_integer_value(json_object_get(it, "reopened"));
		k.overdue += json_integer_value(json_object_get(it, "overdue"));
		k.reopened_open += json_integer_value(json_object_get(it, "reopened_open"));
	}
	json_t *o = json_pack("{s:s}", "unit_name", "合计");
	counts_json(o, &k);
	return o;
}

int appeal_stats_xlsx(const json_t *items, int64_t from, int64_t to, char **data, size_t *len,
		      err *e)
{
	xlsx_out out;
	lxw_workbook *wb = xlsx_out_open(&out, e);
	if (!wb) {
		return -1;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, "诉求办理统计");
	sheet_formats f = {
		.title = workbook_add_format(wb),
		.header = cell_format(wb, true, NULL),
		.text = cell_format(wb, false, NULL),
		.number = cell_format(wb, false, "0"),
		.percent = cell_format(wb, false, "0.0%"),
		.total_text = cell_format(wb, true, NULL),
		.total_number = cell_format(wb, true, "0"),
		.total_percent = cell_format(wb, true, "0.0%"),
	};
	format_set_bold(f.title);
	format_set_font_size(f.title, 14);
	format_set_align(f.title, LXW_ALIGN_CENTER);
	format_set_align(f.title, LXW_ALIGN_VERTICAL_CENTER);
	format_set_align(f.header, LXW_ALIGN_CENTER);
	format_set_text_wrap(f.header);
	format_set_bg_color(f.header, 0xDDEBF7);

	char a[40], b[40];
	clock_format_iso(from, a, sizeof a);
	clock_format_iso(to - 1, b, sizeof b);
	char *title = xasprintf("诉求办理统计（%.10s 至 %.10s）", a, b);
	worksheet_set_row(ws, 0, 28, NULL);
	worksheet_merge_range(ws, 0, 0, 0, NCOLUMNS - 1, title, f.title);
	free(title);
	for (size_t col = 0; col < NCOLUMNS; col++)
		worksheet_write_string(ws, 1, (lxw_col_t)col, columns[col].header, f.header);
	worksheet_set_column(ws, 0, 0, 28, NULL);
	worksheet_set_column(ws, 1, NCOLUMNS - 1, 11, NULL);
	worksheet_freeze_panes(ws, 2, 1);

	lxw_row_t row = 2;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) write_row(ws, row++, it, false, &f);
	json_t *sum = totals(items);
	write_row(ws, row, sum, true, &f);
	json_decref(sum);

	return xlsx_out_finish(&out, data, len, e);
}
