/* 项目库, the investment-project register (docs/projects.md): projects per county, their
 * annual plans and monthly reports, the figures against plan and the status rule, the
 * missing-report flag, and the metrics the reviews rank counties by. Not the livelihood
 * projects (民生实事, src/livelihood/). */
#ifndef YW_INVEST_H
#define YW_INVEST_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "org/actor.h"
#include "store/store.h"

/* Who reads the register: staff (county staff, the development and reform commission),
 * leaders, admins. Who writes it: staff and admins, within their area. */
#define INV_READ_ROLES (ROLE_UNIT_STAFF | ROLE_LEADER | ROLE_ADMIN)
#define INV_WRITE_ROLES (ROLE_UNIT_STAFF | ROLE_ADMIN)

/* Projects of at least this total investment (万元) count as big starts. */
#define INV_BIG_PROJECT 5000.0
/* The band of the status rule: ±10% around the plan to date. */
#define INV_STATUS_BAND 0.10

extern const char *const inv_stages[]; /* 谋划 … 投产, NULL-terminated */

/* A project as given (create or change); absent fields are NULL/0 (has_* for numbers). */
typedef struct inv_project_input {
	const char *name, *owner, *industry, *stage, *location;
	const char *planned_start, *planned_completion, *actual_start, *actual_completion;
	int64_t county_id, lead_unit_id, leader_id, service_unit_id;
	double total_investment, annual_plan, lat, lon;
	bool has_total, has_annual_plan, has_lat, has_lon;
	json_t *tags;  /* array of strings, borrowed; NULL: absent */
	json_t *plans; /* [{"year","amount"}], borrowed; NULL: absent */
} inv_project_input;

typedef struct inv_filter {
	int64_t county_id, industry_id;
	const char *stage, *status, *q;
	int missing; /* 1: only those missing last month's report */
} inv_filter;

typedef struct inv_report_input {
	const char *month, *stage, *progress, *problems;
	double invested;
} inv_report_input;

/* The figures of inv_stats as an .xlsx workbook: per county (with the totals), per
 * industry, per month. */
int inv_stats_xlsx(const json_t *stats, char **data, size_t *len, err *e);
/* The offices by duty: {"projects":[{id,name,kind}], "key_issues":[...]}. */
int inv_offices_get(store_conn *c, json_t **out, err *e);
/* Inside a write transaction: replaces the units of each duty body lists
 * ({"projects":[unit ids], "key_issues":[unit ids]}; a duty absent is left alone); 422 for
 * a unit that does not exist. Audited. */
int inv_offices_set(store_conn *c, const actor *who, json_t *body, err *e);
/* Whether who's unit is an office with duty ('projects', 'key_issues'; inv_offices). */
int inv_office(store_conn *c, const actor *who, const char *duty, bool *yes, err *e);

/* The list of industries (active ones). */
int inv_industries(store_conn *c, json_t **out, err *e);

/* Inside a write transaction: registers a project; 403 when the county lies outside the
 * caller's register, 422 for a unit that is not a county, an unknown industry, ... */
int inv_project_create(store_conn *c, const actor *who, const inv_project_input *in, int64_t *id,
		       err *e);
/* Inside a write transaction: changes the given fields; 404 outside the caller's register. */
int inv_project_update(store_conn *c, const actor *who, int64_t id, const inv_project_input *in,
		       err *e);
/* One project with its plans, reports and figures; 404 when not visible. */
int inv_project_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e);
int inv_project_list(store_conn *c, const actor *who, const inv_filter *f, int64_t page,
		     int64_t per_page, json_t **items, int64_t *total, err *e);
/* Inside a write transaction: files the month's report (409 when there is one, 422 for a
 * future month); the project takes the report's stage. */
int inv_report_create(store_conn *c, const actor *who, int64_t project_id,
		      const inv_report_input *in, int64_t *id, err *e);
/* Whether who may read project id (false also when it does not exist). */
int inv_project_visible(store_conn *c, const actor *who, int64_t id, bool *writable, err *e);
/* Loads a report's problems and the project's name (for a key issue); 404 when the report
 * is not of the project or has no problems, 409 when it already became a key issue. */
int inv_report_problem(store_conn *c, int64_t project_id, int64_t report_id, char **project_name,
		       char **problems, int64_t *county_id, err *e);
/* Links a report to the key issue made of its problems. */
int inv_report_link(store_conn *c, int64_t report_id, int64_t case_id, err *e);

/* GET /api/v1/stats/projects?year=: per county, per industry, by month. */
int inv_stats(store_conn *c, const actor *who, int year, json_t **out, err *e);

/* ---- the figures the reviews rank by (plain numbers, no area check) ---- */

/* Investment against plan of a county's projects over the months from_month..to_month
 * ('YYYY-MM', inclusive): invested = the reports' sum; planned = each year's plan × the
 * months of that year in range / 12. *pct = invested / planned × 100 (0 when nothing was
 * planned). */
int inv_metric_investment_vs_plan(store_conn *c, int64_t county_id, const char *from_month,
				  const char *to_month, double *invested, double *planned,
				  double *pct, err *e);
/* Projects of the county of at least INV_BIG_PROJECT 万元 whose actual start lies within
 * from_date..to_date ('YYYY-MM-DD', inclusive). */
int inv_metric_big_starts(store_conn *c, int64_t county_id, const char *from_date,
			  const char *to_date, int64_t *n, err *e);

/* The same for many counties at once (the review metrics' grouped form), over the
 * counties whose path lies in [lo, hi): fn(ctx, county's path, invested, planned) per
 * county with a report or a plan in range (three queries: the reports, the plans by year);
 * and fn(ctx, county's path, starts) per county with a big start (one query). */
typedef void (*inv_county_fn)(void *ctx, const char *path, double num, double den);
int inv_metric_vs_plan_each(store_conn *c, const char *lo, const char *hi, const char *from_month,
			    const char *to_month, inv_county_fn fn, void *ctx, err *e);
int inv_metric_big_starts_each(store_conn *c, const char *lo, const char *hi, const char *from_date,
			       const char *to_date, inv_county_fn fn, void *ctx, err *e);
/* The big starts of the counties of [lo, hi) within the dates: items {"id","title",
 * "county","total_investment","actual_start"}, at most limit. */
int inv_metric_big_starts_list(store_conn *c, const char *lo, const char *hi, const char *from_date,
			       const char *to_date, int limit, json_t **items, err *e);

/* The scheduler's task: tells each county, once per project and month, of last month's
 * missing reports. Returns the number of flags raised. */
int inv_flag_missing_reports(store *s, int64_t now, err *e);

/* ---- status rule (exposed for tests and the cockpit) ---- */

/* The months of year whose reports are due at now (a past year: 12), at least
 * latest_reported. */
int inv_months_elapsed(int year, int64_t now, int latest_reported);
/* "超前", "正常", "滞后", or NULL when nothing was planned to date. */
const char *inv_status(double invested_year, double annual_plan, int months_elapsed);

#endif
