/* The leaders' cockpit in one call (docs/projects.md "Cockpit"): today's appeals and the
 * overdue ones, key issues overdue, investment against plan by county. A city leader sees
 * the city; a county head (a leader whose unit is a county) the county. The three rates,
 * the rankings and the livelihood projects at risk come from their platforms' own routes. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	json_t *appeals = NULL, *kis = NULL, *inv = NULL;
	if (county_of(c, who, &county, name, sizeof name, &e) < 0 ||
	    appeal_counts(c, who->unit_path, now, &appeals, &e) < 0 ||
	    ki_overdue(c, who, county, &kis, &e) < 0)
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
	json_t *out = json_pack("{s:{s:s, s:I, s:s}, s:s, s:o, s:o, s:o, s:{s:b}}", "scope", "kind",
				county ? "county" : "city", "unit_id", (json_int_t)who->unit_id,
				"name", name, "generated_at", iso, "appeals", appeals, "key_issues",
				kis, "investment", inv, "panels", "rankings",
				served(r, "GET", "/api/v1/reviews/latest"));
	return http_json(r, 200, out);
fail:
	json_decref(appeals);
	json_decref(kis);
	json_decref(inv);
	return http_error(r, &e);
}

const struct route api_cockpit_routes[] = {
	{"GET", "/api/v1/cockpit", h_cockpit, 0, ROLE_LEADER | ROLE_ADMIN},
};
const size_t api_cockpit_routes_count = sizeof api_cockpit_routes / sizeof api_cockpit_routes[0];
