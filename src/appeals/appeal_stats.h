/* Appeal statistics: how each handling unit did with what was dispatched to it in a
 * period; per unit, per calendar month (China Standard Time), and as an Excel workbook. A
 * unit's figures count the assignments (one row per dispatch) dispatched to it in the
 * period. They are read from the roll-up stats_appeal_days (per unit and day of dispatch,
 * kept by triggers in the transaction that writes the assignment, migration 018) for the
 * whole days of the period and counted from the assignments for the partial days at its
 * ends; the *_recount functions count everything from the assignments, the reference the
 * roll-up is checked against. */
#ifndef YW_APPEAL_STATS_H
#define YW_APPEAL_STATS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "org/actor.h"
#include "core/err.h"
#include "store/store.h"

/* The longest trend, in calendar months. */
enum { APPEAL_STATS_TREND_MONTHS_MAX = 24 };

/* The period [*from, *to) from the query values (ISO dates or times, NULL when absent): a
 * date given as `to` means the end of that day. Without to, the end of now's month (China
 * time); without from, the start of the month holding the period's last instant, or of
 * default_months - 1 months before it. 400 invalid_parameter when malformed or to <= from. */
int appeal_stats_period(const char *from, const char *to, int64_t now, int default_months,
			int64_t *from_ms, int64_t *to_ms, err *e);

/* Units within who's area (or within unit_id's subtree when unit_id != 0; 404 when that
 * unit is outside the area) that received dispatches in [from, to), each as
 * {unit_id, unit_name, dispatched, signed_on_time, response_rate, closed, resolved,
 * resolution_rate, revisited, satisfied, satisfaction_rate, replied, replied_on_time,
 * on_time_rate, returned, return_rate, reopened, reopen_rate, overdue}, most dispatched
 * first. Rates are fractions, null when their denominator is 0. */
int appeal_stats_by_unit(store_conn *c, const actor *who, int64_t from, int64_t to, int64_t unit_id,
			 json_t **items, err *e);

/* The same from the assignments alone (no roll-up): the reference. */
int appeal_stats_by_unit_recount(store_conn *c, const actor *who, int64_t from, int64_t to,
				 int64_t unit_id, json_t **items, err *e);

/* The same figures summed over the area, one item per calendar month touched by
 * [from, to) (at most APPEAL_STATS_TREND_MONTHS_MAX, else 400 range_too_long), each with
 * "month": "2026-01"; months without dispatches included. */
int appeal_stats_trend(store_conn *c, const actor *who, int64_t from, int64_t to, int64_t unit_id,
		       json_t **items, err *e);

/* The trend from the assignments alone (no roll-up): the reference. */
int appeal_stats_trend_recount(store_conn *c, const actor *who, int64_t from, int64_t to,
			       int64_t unit_id, json_t **items, err *e);

/* *wrong = the (unit, day) rows where the roll-up differs from a recount of the
 * assignments (0 when it is exact): yiwang check. */
int appeal_stats_rollup_verify(store_conn *c, int64_t *wrong, err *e);

/* Recomputes the roll-up from the assignments (inside the caller's transaction):
 * yiwang rollup rebuild, after rows were written with the triggers off. */
int appeal_stats_rollup_rebuild(store_conn *c, err *e);

/* The figures of the assignments of one unit, as the rates above count them. */
typedef struct appeal_figures {
	int64_t dispatched, signed_on_time, closed, resolved, revisited, satisfied, replied,
		replied_on_time, returned, reopened, overdue;
	/* Reopened and not closed again: with closed, the assignments that were ever closed,
	 * the reopen rate's denominator (reopened / closed alone could exceed 1). */
	int64_t reopened_open;
} appeal_figures;

/* For the review metrics: fn(ctx, unit path, figures) for every unit of the path range
 * [lo, hi) with assignments dispatched in [from, to); one grouped query. */
int appeal_stats_each_unit(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			   void (*fn)(void *ctx, const char *path, const appeal_figures *f),
			   void *ctx, err *e);

/* The figures of the assignments of the appeals whose region lies in [lo, hi) (the
 * appeals about a county, whichever unit — a city bureau too — handled them), dispatched
 * in [from, to); the same definitions as the rates above. */
int appeal_stats_of_region(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			   appeal_figures *f, err *e);
/* Adds the figures and their rates to o, as appeal_stats_by_unit's items have them. */
void appeal_figures_json(json_t *o, const appeal_figures *f);

/* The appeals behind a figure: assignments to units of [lo, hi) dispatched in [from, to)
 * that were `overdue`, signed late (`late_sign`), replied late (`late_reply`), `reopened`,
 * closed unresolved (`unresolved`) or revisited dissatisfied (`dissatisfied`); items of
 * {id, number, title, unit_name, dispatched_at}, at most limit, oldest first. */
int appeal_stats_assignments(store_conn *c, const char *lo, const char *hi, int64_t from,
			     int64_t to, const char *figure, int limit, json_t **items, err *e);

/* items (as appeal_stats_by_unit made them) as an .xlsx workbook: a title row with the
 * period, Chinese headers, one row per unit, a total row; rates as percentages. *data is
 * a heap buffer of *len bytes. */
int appeal_stats_xlsx(const json_t *items, int64_t from, int64_t to, char **data, size_t *len,
		      err *e);

#endif
