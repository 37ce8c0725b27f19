/* Dispute statistics over HTTP: the figures as JSON and as an Excel workbook. */
#include <stdlib.h>
#include <string.h>

#include "appeals/appeal_stats.h"
#include "core/clock.h"
#include "disputes/api_edge.h"
#include "disputes/dispute.h"
#include "disputes/dispute_stats.h"
#include "http/http.h"
#include "org/caller.h"
#include "routes.h"

/* The period: from and to as ISO dates or times; without from, the twelve months up to
 * to (or up to the end of this month). */
static int stats_of(http_req *r, json_t **out, err *e)
{
	const char *f = http_query(r, "from"), *t = http_query(r, "to");
	int64_t from, to;
	if ((f && strlen(f) > 40) || (t && strlen(t) > 40))
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter",
			       f && strlen(f) > 40 ? "from" : "to", "日期参数过长");
	if (appeal_stats_period(f, t, clock_now_ms(), 12, &from, &to, e) < 0)
		return -1;
	store_conn *c = store_conn_get(r->store, e);
	return c ? dispute_stats(c, req_actor(r), from, to, out, e) : -1;
}

static int h_stats(http_req *r)
{
	err e = {0};
	json_t *o;
	if (stats_of(r, &o, &e) < 0)
		return http_error(r, &e);
	return http_json(r, 200, o);
}

static int h_xlsx(http_req *r)
{
	err e = {0};
	json_t *o;
	char *data;
	size_t len;
	if (stats_of(r, &o, &e) < 0)
		return http_error(r, &e);
	int rc = dispute_stats_xlsx(o, &data, &len, &e);
	char from[16], to[16];
	snprintf(from, sizeof from, "%.10s", json_string_value(json_object_get(o, "from")));
	int64_t end = 0;
	clock_parse_iso(json_string_value(json_object_get(o, "to")), &end);
	char iso[40];
	clock_format_iso(end - 1, iso, sizeof iso);
	snprintf(to, sizeof to, "%.10s", iso);
	json_decref(o);
	if (rc < 0)
		return http_error(r, &e);
	char *ascii = arena_printf(&r->arena, "dispute-stats-%s_%s.xlsx", from, to);
	char *name = arena_printf(&r->arena, "矛盾纠纷化解统计_%s_%s.xlsx", from, to);
	return dispute_edge_file(
		r, data, len, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		ascii, name, false);
}

const struct route api_dispute_stats_routes[] = {
	{"GET", "/api/v1/stats/disputes", h_stats, 0, DISPUTE_STATS_ROLES, NULL},
	{"GET", "/api/v1/stats/disputes.xlsx", h_xlsx, 0, DISPUTE_STATS_ROLES, NULL},
};
const size_t api_dispute_stats_routes_count =
	sizeof api_dispute_stats_routes / sizeof api_dispute_stats_routes[0];
