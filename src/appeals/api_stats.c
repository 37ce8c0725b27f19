/* Appeal statistics over HTTP: per unit, per month, and the per-unit table as Excel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "org/caller.h"
#include "routes.h"
#include "appeals/appeal_stats.h"
#include "core/clock.h"

/* Who may read statistics (each within their area). */
#define STATS_ROLES (ROLE_LEADER | ROLE_AGENT | ROLE_ADMIN | ROLE_UNIT_STAFF)

/* The common input: roles, unit_id and the period (default_months when from is absent). */
static int stats_input(http_req *r, int default_months, int64_t *unit_id, int64_t *from,
		       int64_t *to, err *e)
{
	if (caller_require(r, STATS_ROLES, e) < 0 ||
	    http_query_int(r, "unit_id", 1, INT64_MAX, 0, unit_id, e) < 0)
		return -1;
	const char *f = http_query(r, "from"), *t = http_query(r, "to");
	if ((f && strlen(f) > 40) || (t && strlen(t) > 40))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter",
			       f && strlen(f) > 40 ? "from" : "to", "日期参数过长");
	return appeal_stats_period(f, t, clock_now_ms(), default_months, from, to, e);
}

/* {"from", "to", "items"} with the period as ISO instants, to exclusive. */
static int respond_period(http_req *r, int64_t from, int64_t to, json_t *items)
{
	char a[40], b[40];
	clock_format_iso(from, a, sizeof a);
	clock_format_iso(to, b, sizeof b);
	return http_json(r, 200, json_pack("{s:s, s:s, s:o}", "from", a, "to", b, "items", items));
}

static int h_by_unit(http_req *r)
{
	err e = {0};
	int64_t unit_id, from, to;
	if (stats_input(r, 1, &unit_id, &from, &to, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	if (!c || appeal_stats_by_unit(c, req_actor(r), from, to, unit_id, &items, &e) < 0)
		return http_error(r, &e);
	return respond_period(r, from, to, items);
}

static int h_trend(http_req *r)
{
	err e = {0};
	int64_t unit_id, from, to;
	/* A trend of one month says little: without from, the last twelve. */
	if (stats_input(r, 12, &unit_id, &from, &to, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	if (!c || appeal_stats_trend(c, req_actor(r), from, to, unit_id, &items, &e) < 0)
		return http_error(r, &e);
	return respond_period(r, from, to, items);
}

/* Percent-encodes s for a filename*=UTF-8'' parameter (RFC 5987). */
static char *rfc5987(arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, 3 * n + 1), *p = out;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= '0' && *q <= '9') || strchr("-._~", *q))
			*p++ = (char)*q;
		else
			p += sprintf(p, "%%%02X", *q);
	}
	*p = '\0';
	return out;
}

static int h_xlsx(http_req *r)
{
	err e = {0};
	int64_t unit_id, from, to;
	if (stats_input(r, 1, &unit_id, &from, &to, &e) < 0)
		return http_error(r, &e);
	store_conn *c = store_conn_get(r->store, &e);
	json_t *items;
	if (!c || appeal_stats_by_unit(c, req_actor(r), from, to, unit_id, &items, &e) < 0)
		return http_error(r, &e);
	char *data;
	size_t len;
	int rc = appeal_stats_xlsx(items, from, to, &data, &len, &e);
	json_decref(items);
	if (rc < 0)
		return http_error(r, &e);
	char a[40], b[40];
	clock_format_iso(from, a, sizeof a);
	clock_format_iso(to - 1, b, sizeof b);
	char *name = arena_printf(&r->arena, "诉求办理统计_%.10s_%.10s.xlsx", a, b);
	r->disposition = arena_printf(&r->arena,
				      "attachment; filename=\"appeal-stats-%.10s_%.10s.xlsx\";"
				      " filename*=UTF-8''%s",
				      a, b, rfc5987(&r->arena, name));
	free(r->text);
	r->status = 200;
	r->text = data;
	r->text_len = len;
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return 0;
}

const struct route api_stats_routes[] = {
	{"GET", "/api/v1/stats/appeals", h_by_unit, 0, STATS_ROLES, NULL},
	{"GET", "/api/v1/stats/appeals/trend", h_trend, 0, STATS_ROLES, NULL},
	{"GET", "/api/v1/stats/appeals.xlsx", h_xlsx, 0, STATS_ROLES, NULL},
};
const size_t api_stats_routes_count = sizeof api_stats_routes / sizeof api_stats_routes[0];
