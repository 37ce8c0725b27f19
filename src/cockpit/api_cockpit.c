/* The leaders' cockpit in one call (docs/projects.md "Cockpit"): today's appeals and the
 * overdue ones, the three rates by county (by the appeals' region), key issues overdue,
 * investment against plan by county. A city leader sees the city; a county head (a leader
 * whose unit is a county) the county. The rankings and the livelihood projects at risk
 * come from their platforms' own routes. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal_stats.h"
#include "core/clock.h"
#include "http/http.h"
#include "http/router.h"
#include "investment/invest.h"
#include "keyissues/key_issue.h"
#include "org/caller.h"
#include "routes.h"

/* The caller's unit when it is a county (a county head), else 0. */
static int county_of(store_conn *c, const actor *who, int64_t *county, char *name, size_t n, err *e)
{
	*county = 0;
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT kind, name FROM units WHERE id = ?", "i",
				 who->unit_id);
	if (rc <= 0)
		return rc;
	if (!strcmp(store_col_text(st, 0), "county"))
		*county = who->unit_id;
	snprintf(name, n, "%s", store_col_text(st, 1));
	store_done(st);
	return 0;
}

/* Appeals registered today and open appeals past a deadline, in the area under path. */
static int appeal_counts(store_conn *c, const char *path, int64_t now, json_t **out, err *e)
{
	char hi[SCOPE_PATH_MAX], iso[40], day[16];
	scope_upper(path, hi, sizeof hi);
	clock_format_iso(now, iso, sizeof iso);
	snprintf(day, sizeof day, "%.10s", iso);
	int64_t start = 0, today = 0, overdue = 0, open = 0;
	if (clock_parse_iso(day, &start) < 0)
		start = now;
	if (store_query_int(c, &today, 0, e,
			    "SELECT COUNT(*) FROM cases WHERE kind = 'appeal' AND created_at >= ?"
			    " AND region_path >= ? AND region_path < ?",
			    "iss", start, path, hi) < 0 ||
	    store_query_int(c, &open, 0, e,
			    "SELECT COUNT(*) FROM cases WHERE kind = 'appeal' AND closed_at IS NULL"
			    " AND region_path >= ? AND region_path < ?",
			    "ss", path, hi) < 0 ||
	    store_query_int(c, &overdue, 0, e,
			    "SELECT COUNT(*) FROM cases WHERE kind = 'appeal' AND closed_at IS NULL"
			    " AND (sign_alert = 2 OR finish_alert = 2)"
			    " AND region_path >= ? AND region_path < ?",
			    "ss", path, hi) < 0)
		return -1;
	*out = json_pack("{s:I, s:I, s:I}", "today", (json_int_t)today, "open", (json_int_t)open,
			 "overdue", (json_int_t)overdue);
	return 0;
}

/* The three rates (and every appeal figure) by county over the last three months, counted
 * by the appeal's region: the appeals about a county, whoever handled them (a city bureau
 * too). The counties of the caller's area, or the caller's own county. */
static int county_rates(store_conn *c, const actor *who, int64_t county, int64_t now, json_t **out,
			err *e)
{
	int64_t from, to;
	if (appeal_stats_period(NULL, NULL, now, 3, &from, &to, e) < 0)
		return -1;
	char lo[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX];
	snprintf(lo, sizeof lo, "%s", who->unit_path);
	scope_upper(lo, hi, sizeof hi);
	store_stmt *st =
		store_prepare(c,
			      "SELECT id, name, path FROM units WHERE kind = 'county'"
			      " AND disabled = 0 AND path >= ? AND path < ? AND (? = 0 OR id = ?)"
			      " ORDER BY path",
			      e);
	if (!st)
		return -1;
	store_bindf(st, "ssii", lo, hi, county, county);
	json_t *arr = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "county_id",
						     (json_int_t)store_col_int(st, 0),
						     "county_name", store_col_text(st, 1), "path",
						     store_col_text(st, 2)));
	store_done(st);
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		appeal_figures f;
		char clo[SCOPE_PATH_MAX], chi[SCOPE_PATH_MAX];
		snprintf(clo, sizeof clo, "%s", json_string_value(json_object_get(o, "path")));
		scope_upper(clo, chi, sizeof chi);
		if (rc == 0 && appeal_stats_of_region(c, clo, chi, from, to, &f, e) < 0)
			rc = -1;
		if (rc == 0)
			appeal_figures_json(o, &f);
		json_object_del(o, "path");
	}
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	char f_iso[40], t_iso[40];
	clock_format_iso(from, f_iso, sizeof f_iso);
	clock_format_iso(to, t_iso, sizeof t_iso);
	*out = json_pack("{s:s, s:s, s:o}", "from", f_iso, "to", t_iso, "counties", arr);
	return 0;
}

/* Whether this build serves a route (the rankings come from the reviews platform, which
 * may not be there: the page then asks nothing of it, and no 404 reaches the browser). */
static bool served(http_req *r, const char *method, const char *path)
{
	char copy[128];
	route_match m;
	snprintf(copy, sizeof copy, "%s", path);
	return r->app && r->app->router &&
	       router_match(r->app->router, method, copy, &m, NULL, 0) == ROUTER_FOUND;
}

static int h_cockpit(http_req *r)
{
	err e = {0};
	const actor *who = req_actor(r);
	store_conn *c = store_conn_get(r->store, &e);
	if (!c)
		return http_error(r, &e);
	int64_t county = 0, now = clock_now_ms();
	char name[200] = "";
	json_t *appeals = NULL, *kis = NULL, *inv = NULL, *rates = NULL;
	if (county_of(c, who, &county, name, sizeof name, &e) < 0 ||
	    appeal_counts(c, who->unit_path, now, &appeals, &e) < 0 ||
	    ki_overdue(c, who, county, &kis, &e) < 0 ||
	    county_rates(c, who, county, now, &rates, &e) < 0)
		goto fail;
	char iso[40];
	clock_format_iso(now, iso, sizeof iso);
	if (inv_stats(c, who, atoi(iso), &inv, &e) < 0)
		goto fail;
	json_t *rows = json_object_get(inv, "counties");
	if (county) {
		json_t *keep = json_array();
		size_t i;
		json_t *o;
		json_array_foreach(rows, i, o)
		{
			if (json_integer_value(json_object_get(o, "county_id")) == county)
				json_array_append(keep, o);
		}
		json_object_set_new(inv, "counties", keep);
		json_object_set(inv, "items", keep);
	}
	json_t *out = json_pack(
		"{s:{s:s, s:I, s:s}, s:s, s:o, s:o, s:o, s:o, s:{s:b}}", "scope", "kind",
		county ? "county" : "city", "unit_id", (json_int_t)who->unit_id, "name", name,
		"generated_at", iso, "appeals", appeals, "key_issues", kis, "investment", inv,
		"rates", rates, "panels", "rankings", served(r, "GET", "/api/v1/reviews/latest"));
	return http_json(r, 200, out);
fail:
	json_decref(appeals);
	json_decref(kis);
	json_decref(inv);
	json_decref(rates);
	return http_error(r, &e);
}

const struct route api_cockpit_routes[] = {
	{"GET", "/api/v1/cockpit", h_cockpit, 0, ROLE_LEADER | ROLE_ADMIN, NULL},
};
const size_t api_cockpit_routes_count = sizeof api_cockpit_routes / sizeof api_cockpit_routes[0];
