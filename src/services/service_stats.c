/* The figures of 便民服务: per station and per level, requests per item and mode,
 * on-time rate, the share served without travelling to the county, ratings and open
 * complaints; and the review metrics of a unit for 工作考评. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/xlsx_out.h"
#include "core/clock.h"
#include "core/mem.h"
#include "engine/case_figures.h"
#include "services/service.h"
#include "services/service_internal.h"

typedef struct acc {
	int64_t id;
	char name[160], level[16];
	int64_t requests, done, on_time, rated, rating_sum, no_travel, complaints, open_complaints;
	int64_t modes[3];
} acc;

typedef struct accs {
	acc *v;
	size_t n, cap;
} accs;

static acc *acc_get(accs *a, int64_t id, const char *name, const char *level)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].id == id)
			return &a->v[i];
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	acc *x = &a->v[a->n++];
	memset(x, 0, sizeof *x);
	x->id = id;
	snprintf(x->name, sizeof x->name, "%s", name);
	snprintf(x->level, sizeof x->level, "%s", level);
	return x;
}

static json_t *ratio(int64_t num, int64_t den, double scale)
{
	if (!den)
		return json_null();
	return json_real(round((double)num / (double)den * scale) / scale);
}

static json_t *acc_json(const acc *x, bool unit)
{
	json_t *o = json_object();
	if (unit) {
		json_object_set_new(o, "unit_id", json_integer(x->id));
		json_object_set_new(o, "name", json_string(x->name));
	}
	json_object_set_new(o, "level", json_string(x->level));
	json_object_set_new(o, "requests", json_integer(x->requests));
	json_object_set_new(o, "done", json_integer(x->done));
	json_object_set_new(o, "on_time", json_integer(x->on_time));
	json_object_set_new(o, "on_time_rate", ratio(x->on_time, x->done, 10000));
	json_object_set_new(o, "rated", json_integer(x->rated));
	json_object_set_new(o, "rating_sum", json_integer(x->rating_sum));
	json_object_set_new(o, "avg_rating", ratio(x->rating_sum, x->rated, 100));
	json_object_set_new(o, "no_travel", json_integer(x->no_travel));
	json_object_set_new(o, "no_travel_share", ratio(x->no_travel, x->done, 10000));
	json_object_set_new(o, "complaints", json_integer(x->complaints));
	json_object_set_new(o, "open_complaints", json_integer(x->open_complaints));
	json_object_set_new(o, "by_mode",
			    json_pack("{s:I, s:I, s:I}", "immediate", (json_int_t)x->modes[0],
				      "accompanied", (json_int_t)x->modes[1], "proxy",
				      (json_int_t)x->modes[2]));
	return o;
}

static void add_row(acc *x, const char *mode, const char *level, const char *status,
		    int64_t done_at, int64_t due_at, int64_t rating)
{
	x->requests++;
	for (int k = 0; k < 3; k++)
		if (!strcmp(mode, svc_modes[k]))
			x->modes[k]++;
	if (done_at) {
		x->done++;
		x->on_time += svc_on_time(done_at, due_at);
		x->no_travel += svc_no_travel(mode, level);
	}
	if (rating) {
		x->rated++;
		x->rating_sum += rating;
		x->complaints += rating <= SVC_BAD_RATING;
	}
	x->open_complaints += !strcmp(status, "complaint");
}

int svc_stats(store_conn *c, const actor *who, int64_t from, int64_t to, json_t **out, err *e)
{
	char hi[SCOPE_PATH_MAX + 8];
	scope_upper(who->unit_path, hi, sizeof hi);
	store_stmt *st = store_prepare(
		c,
		"SELECT r.station_id, su.name, r.station_level, r.mode, c.status, r.done_at,"
		" r.due_at, r.rating, r.item_id, i.name, i.level FROM cases c"
		" JOIN svc_requests r ON r.case_id = c.id JOIN units su ON su.id = r.station_id"
		" JOIN svc_items i ON i.id = r.item_id"
		" WHERE c.kind = 'service_request' AND c.created_at >= ? AND c.created_at < ?"
		" AND ((c.region_path >= ? AND c.region_path < ?) OR r.hall_id = ?)",
		e);
	if (!st)
		return -1;
	store_bindf(st, "iissi", from, to, who->unit_path, hi, who->unit_id);
	accs units = {0}, levels = {0}, items = {0};
	acc total = {0};
	snprintf(total.level, sizeof total.level, "all");
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		const char *mode = store_col_text(st, 3), *status = store_col_text(st, 4);
		char level[16];
		snprintf(level, sizeof level, "%s", store_col_text(st, 2));
		int64_t done_at = store_col_null(st, 5) ? 0 : store_col_int(st, 5);
		int64_t due_at = store_col_null(st, 6) ? 0 : store_col_int(st, 6);
		int64_t rating = store_col_null(st, 7) ? 0 : store_col_int(st, 7);
		acc *u = acc_get(&units, store_col_int(st, 0), store_col_text(st, 1), level);
		add_row(u, mode, level, status, done_at, due_at, rating);
		acc *l = acc_get(&levels,
				 !strcmp(level, "village")    ? 1
				 : !strcmp(level, "township") ? 2
							      : 3,
				 level, level);
		add_row(l, mode, level, status, done_at, due_at, rating);
		acc *it = acc_get(&items, store_col_int(st, 8), store_col_text(st, 9),
				  store_col_text(st, 10));
		add_row(it, mode, level, status, done_at, due_at, rating);
		add_row(&total, mode, level, status, done_at, due_at, rating);
	}
	store_done(st);
	if (rc == 0) {
		json_t *ju = json_array(), *jl = json_array(), *ji = json_array();
		for (size_t i = 0; i < units.n; i++)
			json_array_append_new(ju, acc_json(&units.v[i], true));
		for (int k = 1; k <= 3; k++)
			for (size_t i = 0; i < levels.n; i++)
				if (levels.v[i].id == k)
					json_array_append_new(jl, acc_json(&levels.v[i], false));
		for (size_t i = 0; i < items.n; i++) {
			json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "item_id",
					      (json_int_t)items.v[i].id, "name", items.v[i].name,
					      "level", items.v[i].level, "requests",
					      (json_int_t)items.v[i].requests, "immediate",
					      (json_int_t)items.v[i].modes[0], "accompanied",
					      (json_int_t)items.v[i].modes[1], "proxy",
					      (json_int_t)items.v[i].modes[2], "avg_rating",
					      ratio(items.v[i].rating_sum, items.v[i].rated, 100));
			json_array_append_new(ji, o);
		}
		char f[40], t[40];
		clock_format_iso(from, f, sizeof f);
		clock_format_iso(to, t, sizeof t);
		*out = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "from", f, "to", t, "items", ju,
				 "by_level", jl, "by_item", ji, "totals", acc_json(&total, false));
	}
	free(units.v);
	free(levels.v);
	free(items.v);
	return rc < 0 ? -1 : 0;
}

int svc_unit_metrics(store_conn *c, int64_t unit_id, int64_t from, int64_t to, svc_metrics *out,
		     err *e)
{
	memset(out, 0, sizeof *out);
	out->on_time_rate = out->avg_rating = -1;
	char path[SCOPE_PATH_MAX], hi[SCOPE_PATH_MAX + 8];
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT path FROM units WHERE id = ?", "i", unit_id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "not_found", NULL, "单位不存在") : -1;
	snprintf(path, sizeof path, "%s", store_col_text(st, 0));
	store_done(st);
	scope_upper(path, hi, sizeof hi);
	rc = store_query_row(c, &st, e,
			     "SELECT COUNT(*), COUNT(r.done_at),"
			     " SUM(CASE WHEN r.done_at IS NOT NULL AND r.done_at <= r.due_at"
			     " THEN 1 ELSE 0 END), COUNT(r.rating), SUM(r.rating)"
			     " FROM cases c JOIN svc_requests r ON r.case_id = c.id"
			     " WHERE c.kind = 'service_request' AND c.created_at >= ?"
			     " AND c.created_at < ? AND c.region_path >= ? AND c.region_path < ?",
			     "iiss", from, to, path, hi);
	if (rc <= 0)
		return rc;
	out->requests = store_col_int(st, 0);
	out->done = store_col_int(st, 1);
	int64_t on_time = store_col_null(st, 2) ? 0 : store_col_int(st, 2);
	out->rated = store_col_int(st, 3);
	int64_t sum = store_col_null(st, 4) ? 0 : store_col_int(st, 4);
	store_done(st);
	if (out->done)
		out->on_time_rate = (double)on_time / (double)out->done;
	if (out->rated)
		out->avg_rating = (double)sum / (double)out->rated;
	return 0;
}

struct each_station {
	svc_station_fn fn;
	void *ctx;
};

static void each_station_row(void *ctx, store_stmt *row, const int64_t *v)
{
	struct each_station *x = ctx;
	x->fn(x->ctx, store_col_text(row, 0), v[0], v[1], v[2], v[3]);
}

int svc_stats_each_station(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			   svc_station_fn fn, void *ctx, err *e)
{
	static const case_figures_query q = {
		"SELECT su.path, COUNT(r.done_at), SUM(CASE WHEN r.done_at IS NOT NULL"
		" AND r.due_at IS NOT NULL AND r.done_at > 0 AND r.due_at > 0"
		" AND r.done_at <= r.due_at THEN 1 ELSE 0 END), COUNT(r.rating),"
		" COALESCE(SUM(r.rating), 0) FROM cases c JOIN svc_requests r ON r.case_id = c.id"
		" JOIN units su ON su.id = r.station_id"
		" WHERE c.kind = 'service_request' AND c.created_at >= ? AND c.created_at < ?"
		" AND su.path >= ? AND su.path < ? GROUP BY su.path",
		CASE_FIGURES_PERIOD_FIRST, 1, 4};
	struct each_station x = {fn, ctx};
	return case_figures_each(c, &q, lo, hi, from, to, each_station_row, &x, e);
}

int svc_stats_late(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
		   int limit, json_t **items, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT c.id, c.number, c.title, su.name, c.status FROM cases c"
		" JOIN svc_requests r ON r.case_id = c.id JOIN units su ON su.id = r.station_id"
		" WHERE c.kind = 'service_request' AND c.created_at >= ? AND c.created_at < ?"
		" AND su.path >= ? AND su.path < ? AND r.done_at IS NOT NULL"
		" AND NOT (r.due_at IS NOT NULL AND r.done_at > 0 AND r.due_at > 0"
		" AND r.done_at <= r.due_at) ORDER BY c.id LIMIT ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "iissi", from, to, lo, hi, (int64_t)limit);
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
						   (json_int_t)store_col_int(st, 0), "number",
						   store_col_text(st, 1), "title",
						   store_col_text(st, 2), "station",
						   store_col_text(st, 3), "status",
						   store_col_text(st, 4)));
	store_done(st);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*items = a;
	return 0;
}

/* ---- Excel export ---- */

static const char *level_label(const char *level)
{
	if (!level)
		return "";
	if (!strcmp(level, "county"))
		return "县级";
	if (!strcmp(level, "township"))
		return "乡镇（街道）";
	if (!strcmp(level, "village"))
		return "村（社区）";
	return level;
}

/* A number, or an empty cell for null (a rate without a denominator). */
static void put_num(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const json_t *v,
		    lxw_format *fmt)
{
	if (json_is_number(v))
		worksheet_write_number(ws, row, col, json_number_value(v), fmt);
}

/* One sheet of accumulated figures (by unit when named). */
static void acc_sheet(lxw_workbook *wb, lxw_format *head, lxw_format *pctf, const char *title,
		      const json_t *rows, bool named)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, title);
	static const char *const heads[] = {
		"站点", "层级",		  "办件数", "已办结",	"按时办结率", "即办",	   "陪办",
		"代办", "群众少跑腿占比", "评价数", "平均评分", "差评",	      "未整改差评"};
	lxw_col_t off = named ? 0 : 1;
	for (lxw_col_t k = off; k < 13; k++) {
		worksheet_write_string(ws, 0, k - off, heads[k], head);
		worksheet_set_column(ws, k - off, k - off, k == 0 ? 28 : 12, NULL);
	}
	size_t i;
	const json_t *o;
	json_array_foreach(rows, i, o)
	{
		lxw_row_t r = (lxw_row_t)i + 1;
		lxw_col_t c = 0;
		if (named)
			worksheet_write_string(ws, r, c++,
					       json_string_value(json_object_get(o, "name")), NULL);
		worksheet_write_string(ws, r, c++,
				       level_label(json_string_value(json_object_get(o, "level"))),
				       NULL);
		put_num(ws, r, c++, json_object_get(o, "requests"), NULL);
		put_num(ws, r, c++, json_object_get(o, "done"), NULL);
		put_num(ws, r, c++, json_object_get(o, "on_time_rate"), pctf);
		const json_t *m = json_object_get(o, "by_mode");
		put_num(ws, r, c++, json_object_get(m, "immediate"), NULL);
		put_num(ws, r, c++, json_object_get(m, "accompanied"), NULL);
		put_num(ws, r, c++, json_object_get(m, "proxy"), NULL);
		put_num(ws, r, c++, json_object_get(o, "no_travel_share"), pctf);
		put_num(ws, r, c++, json_object_get(o, "rated"), NULL);
		put_num(ws, r, c++, json_object_get(o, "avg_rating"), NULL);
		put_num(ws, r, c++, json_object_get(o, "complaints"), NULL);
		put_num(ws, r, c++, json_object_get(o, "open_complaints"), NULL);
	}
}

int svc_stats_xlsx(const json_t *stats, char **data, size_t *len, err *e)
{
	xlsx_out out;
	lxw_workbook *wb = xlsx_out_open(&out, e);
	if (!wb) {
		return -1;
	}
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	lxw_format *pctf = workbook_add_format(wb);
	format_set_num_format(pctf, "0.0%");
	acc_sheet(wb, head, pctf, "按站点", json_object_get(stats, "items"), true);
	json_t *levels = json_copy(json_object_get(stats, "by_level"));
	json_t *total = json_deep_copy(json_object_get(stats, "totals"));
	json_object_set_new(total, "level", json_string("合计"));
	json_array_append_new(levels, total);
	acc_sheet(wb, head, pctf, "按层级", levels, false);
	json_decref(levels);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "按事项");
	static const char *const heads[] = {"服务事项", "层级", "办件数",  "即办",
					    "陪办",	"代办", "平均评分"};
	for (lxw_col_t k = 0; k < 7; k++) {
		worksheet_write_string(ws, 0, k, heads[k], head);
		worksheet_set_column(ws, k, k, k == 0 ? 36 : 12, NULL);
	}
	size_t i;
	const json_t *o;
	json_array_foreach(json_object_get(stats, "by_item"), i, o)
	{
		lxw_row_t r = (lxw_row_t)i + 1;
		worksheet_write_string(ws, r, 0, json_string_value(json_object_get(o, "name")),
				       NULL);
		worksheet_write_string(ws, r, 1,
				       level_label(json_string_value(json_object_get(o, "level"))),
				       NULL);
		static const char *const k4[] = {"requests", "immediate", "accompanied", "proxy",
						 "avg_rating"};
		for (lxw_col_t k = 0; k < 5; k++)
			put_num(ws, r, 2 + k, json_object_get(o, k4[k]), NULL);
	}
	return xlsx_out_finish(&out, data, len, e);
}
