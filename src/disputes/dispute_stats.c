#include "disputes/dispute_stats.h"

#include <stdbool.h>
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
#include "disputes/dispute.h"
#include "disputes/dispute_internal.h"

/* The outcomes of the holds of one unit, in the order of the per-unit query's sums. */
typedef struct figures {
	int64_t cases, agreed, escalated, failed, referred, withdrawn, open, agreed_ms, breaches;
} figures;

enum { NFIGURES = 9 };

/* The figures in the order of the query's columns. */
static void figure_slots(figures *f, int64_t *slot[NFIGURES])
{
	int64_t *v[NFIGURES] = {&f->cases,     &f->agreed, &f->escalated, &f->failed,  &f->referred,
				&f->withdrawn, &f->open,   &f->agreed_ms, &f->breaches};
	memcpy(slot, v, sizeof v);
}

#define PER_UNIT_SQL                                                                               \
	"SELECT s.unit_id, u.name, s.level, s.n0, s.n1, s.n2, s.n3, s.n4, s.n5, s.n6, s.n7,"       \
	" s.n8, COALESCE(r.path, u.path) FROM (SELECT h.unit_id AS unit_id, h.level AS level,"     \
	" COUNT(*) AS n0,"                                                                         \
	" SUM(CASE WHEN h.outcome = 'agreed' THEN 1 ELSE 0 END) AS n1,"                            \
	" SUM(CASE WHEN h.outcome = 'escalated' THEN 1 ELSE 0 END) AS n2,"                         \
	" SUM(CASE WHEN h.outcome = 'failed' THEN 1 ELSE 0 END) AS n3,"                            \
	" SUM(CASE WHEN h.outcome = 'referred' THEN 1 ELSE 0 END) AS n4,"                          \
	" SUM(CASE WHEN h.outcome = 'withdrawn' THEN 1 ELSE 0 END) AS n5,"                         \
	" SUM(CASE WHEN h.outcome IS NULL THEN 1 ELSE 0 END) AS n6,"                               \
	" SUM(CASE WHEN h.outcome = 'agreed' THEN h.ended_at - h.started_at ELSE 0 END) AS n7,"    \
	" SUM(h.breaches) AS n8 FROM dispute_holds h"                                              \
	" WHERE h.unit_id IN (SELECT id FROM units WHERE path >= ? AND path < ?)"                  \
	" AND h.started_at >= ? AND h.started_at < ? GROUP BY h.unit_id, h.level) s"               \
	" JOIN units u ON u.id = s.unit_id LEFT JOIN dispute_centres dc ON dc.unit_id = s.unit_id" \
	" LEFT JOIN units r ON r.id = dc.region_id ORDER BY s.n0 DESC, s.unit_id"

/* Adds the figures and what follows from them to o. */
static void figures_json(json_t *o, const figures *f)
{
	json_object_set_new(o, "cases", json_integer(f->cases));
	json_object_set_new(o, "agreed", json_integer(f->agreed));
	json_object_set_new(o, "escalated", json_integer(f->escalated));
	json_object_set_new(o, "failed", json_integer(f->failed));
	json_object_set_new(o, "referrals", json_integer(f->referred));
	json_object_set_new(o, "withdrawn", json_integer(f->withdrawn));
	json_object_set_new(o, "open", json_integer(f->open));
	json_object_set_new(o, "breaches", json_integer(f->breaches));
	json_object_set_new(
		o, "success_rate",
		case_figures_rate(f->agreed, f->agreed + f->escalated + f->failed + f->referred));
	json_object_set_new(
		o, "avg_days",
		f->agreed ? json_real((double)f->agreed_ms / (double)f->agreed / (double)DAY_MS)
			  : json_null());
}

/* The agreements of the period in the area: their level and the dispute's region. */
typedef struct agreements {
	size_t n;
	char (*level)[16];
	char (*path)[SCOPE_PATH_MAX];
} agreements;

static int load_agreements(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			   agreements *a, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT h.level, c.region_path FROM dispute_holds h JOIN cases c"
		" ON c.id = h.dispute_id WHERE h.outcome = 'agreed' AND h.started_at >= ?"
		" AND h.started_at < ? AND c.region_path >= ? AND c.region_path < ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "iiss", from, to, lo, hi);
	size_t cap = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (a->n == cap) {
			cap = cap ? 2 * cap : 256;
			a->level = xrealloc(a->level, cap * sizeof *a->level);
			a->path = xrealloc(a->path, cap * sizeof *a->path);
		}
		snprintf(a->level[a->n], sizeof a->level[0], "%s", store_col_text(st, 0));
		snprintf(a->path[a->n++], sizeof a->path[0], "%s", store_col_text(st, 1));
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

/* The share of the agreements about places under path reached at each level. */
static void shares_json(json_t *o, const agreements *a, const char *path)
{
	int64_t n = 0, village = 0, township = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (!scope_contains(path, a->path[i]))
			continue;
		n++;
		village += !strcmp(a->level[i], "village");
		township += !strcmp(a->level[i], "township");
	}
	json_object_set_new(o, "village_share", case_figures_rate(village, n));
	json_object_set_new(o, "township_share", case_figures_rate(township, n));
}

/* The per-unit query: its figures are columns 3..11, in the order of figure_slots. */
static const case_figures_query per_unit_query = {PER_UNIT_SQL, CASE_FIGURES_AREA_FIRST, 3,
						  NFIGURES};

struct per_unit {
	const agreements *a;
	json_t *items;
	figures *sum;
};

static void per_unit_row(void *ctx, store_stmt *row, const int64_t *n)
{
	struct per_unit *x = ctx;
	figures f;
	int64_t *v[NFIGURES], *s[NFIGURES];
	figure_slots(&f, v);
	figure_slots(x->sum, s);
	for (int k = 0; k < NFIGURES; k++) {
		*v[k] = n[k];
		*s[k] += n[k];
	}
	const char *level = store_col_text(row, 2);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)store_col_int(row, 0),
			      "unit_name", store_col_text(row, 1), "level", level, "level_name",
			      dispute_level_label(level));
	figures_json(o, &f);
	shares_json(o, x->a, store_col_text(row, 12));
	json_array_append_new(x->items, o);
}

static int per_unit(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
		    const agreements *a, json_t *items, figures *sum, err *e)
{
	struct per_unit x = {a, items, sum};
	return case_figures_each(c, &per_unit_query, lo, hi, from, to, per_unit_row, &x, e);
}

struct each_unit {
	void (*fn)(void *ctx, const char *path, int64_t agreed, int64_t not_agreed);
	void *ctx;
};

static void each_unit_row(void *ctx, store_stmt *row, const int64_t *n)
{
	struct each_unit *x = ctx;
	/* agreed; escalated + failed + referred */
	x->fn(x->ctx, store_col_text(row, 12), n[1], n[2] + n[3] + n[4]);
}

int dispute_stats_each_unit(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			    void (*fn)(void *ctx, const char *path, int64_t agreed,
				       int64_t not_agreed),
			    void *ctx, err *e)
{
	struct each_unit x = {fn, ctx};
	return case_figures_each(c, &per_unit_query, lo, hi, from, to, each_unit_row, &x, e);
}

int dispute_stats_each_agreement(
	store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
	void (*each)(void *ctx, const char *region_path, const char *level), void *ctx, err *e)
{
	agreements a = {0};
	int rc = load_agreements(c, lo, hi, from, to, &a, e);
	for (size_t i = 0; rc == 0 && i < a.n; i++)
		each(ctx, a.path[i], a.level[i]);
	free(a.level);
	free(a.path);
	return rc;
}

/* "2026-11" of an instant, China time. */
static void month_of(int64_t ms, char out[8])
{
	char iso[40];
	clock_format_iso(ms, iso, sizeof iso);
	snprintf(out, 8, "%.7s", iso);
}

/* Every month from `from` to `to` (exclusive), with zero counts. */
static int months_json(int64_t from, int64_t to, json_t **out, err *e)
{
	char first[8], last[8];
	month_of(from, first);
	month_of(to - 1, last);
	int y = atoi(first), m = atoi(first + 5), y1 = atoi(last), m1 = atoi(last + 5);
	if ((y1 - y) * 12 + (m1 - m) + 1 > DISPUTE_STATS_MONTHS_MAX)
		return err_set(e, ERR_BAD_REQUEST, "range_too_long", "from", "按月统计最多 %d 个月",
			       DISPUTE_STATS_MONTHS_MAX);
	json_t *arr = json_array();
	for (; y < y1 || (y == y1 && m <= m1); m = m == 12 ? 1 : m + 1, y += m == 1) {
		char label[16];
		snprintf(label, sizeof label, "%04d-%02d", y, m);
		json_array_append_new(
			arr, json_pack("{s:s, s:i, s:i}", "month", label, "cases", 0, "agreed", 0));
	}
	*out = arr;
	return 0;
}

static void bump(json_t *o, const char *key)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + 1));
}

/* The disputes registered in the period in the area, counted by type and by month. */
static int by_type_month(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			 json_t *types, json_t *months, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT d.type, t.name, c.created_at, c.status, d.agreed_at FROM cases c"
		" JOIN disputes d ON d.case_id = c.id JOIN dispute_types t ON t.code = d.type"
		" WHERE c.kind = 'dispute' AND c.created_at >= ? AND c.created_at < ?"
		" AND ((c.region_path >= ? AND c.region_path < ?)"
		" OR (c.handler_path >= ? AND c.handler_path < ?)) ORDER BY t.sort, d.type",
		e);
	if (!st)
		return -1;
	store_bindf(st, "iissss", from, to, lo, hi, lo, hi);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		const char *type = store_col_text(st, 0), *status = store_col_text(st, 3);
		bool agreed = !store_col_null(st, 4);
		json_t *t = json_array_size(types)
				    ? json_array_get(types, json_array_size(types) - 1)
				    : NULL;
		if (!t || strcmp(json_string_value(json_object_get(t, "type")), type) != 0) {
			t = json_pack("{s:s, s:s, s:i, s:i, s:i}", "type", type, "type_name",
				      store_col_text(st, 1), "cases", 0, "agreed", 0, "open", 0);
			json_array_append_new(types, t);
		}
		bump(t, "cases");
		if (agreed)
			bump(t, "agreed");
		if (!strcmp(status, "accepted") || !strcmp(status, "failed"))
			bump(t, "open");
		char month[8];
		month_of(store_col_int(st, 2), month);
		size_t i;
		json_t *m;
		json_array_foreach(months, i, m)
		{
			if (strcmp(json_string_value(json_object_get(m, "month")), month) != 0)
				continue;
			bump(m, "cases");
			if (agreed)
				bump(m, "agreed");
		}
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

int dispute_stats(store_conn *c, const actor *who, int64_t from, int64_t to, json_t **out, err *e)
{
	actor me;
	char hi[SCOPE_PATH_MAX];
	json_t *months = NULL;
	if (dispute_scope(c, who, &me, e) < 0 || months_json(from, to, &months, e) < 0)
		return -1;
	scope_upper(me.unit_path, hi, sizeof hi);
	agreements a = {0};
	figures sum = {0};
	json_t *items = json_array(), *types = json_array();
	int rc = load_agreements(c, me.unit_path, hi, from, to, &a, e);
	if (rc == 0)
		rc = per_unit(c, me.unit_path, hi, from, to, &a, items, &sum, e);
	if (rc == 0)
		rc = by_type_month(c, me.unit_path, hi, from, to, types, months, e);
	if (rc == 0) {
		int64_t lv[3] = {0};
		for (size_t i = 0; i < a.n; i++)
			for (int k = 0; k < 3; k++)
				lv[k] += !strcmp(a.level[i], dispute_levels[k]);
		json_t *totals = json_pack("{s:s}", "unit_name", "合计");
		figures_json(totals, &sum);
		shares_json(totals, &a, me.unit_path);
		char f[40], t[40];
		clock_format_iso(from, f, sizeof f);
		clock_format_iso(to, t, sizeof t);
		*out = json_pack("{s:s, s:s, s:O, s:o, s:{s:I, s:I, s:I}, s:O, s:O}", "from", f,
				 "to", t, "items", items, "totals", totals, "levels", "village",
				 (json_int_t)lv[0], "township", (json_int_t)lv[1], "county",
				 (json_int_t)lv[2], "by_type", types, "by_month", months);
	}
	json_decref(items);
	json_decref(types);
	json_decref(months);
	free(a.level);
	free(a.path);
	return rc;
}

/* ---- Excel ---- */

/* A column of a sheet: header, the item's key and its format. */
typedef struct column {
	const char *header, *key;
	char fmt; /* 't' text, 'n' count, 'p' percent, 'd' days */
} column;

static const column unit_columns[] = {{"调解组织", "unit_name", 't'},
				      {"层级", "level_name", 't'},
				      {"受理数", "cases", 'n'},
				      {"调解成功", "agreed", 'n'},
				      {"上报", "escalated", 'n'},
				      {"调解不成", "failed", 'n'},
				      {"移送", "referrals", 'n'},
				      {"撤回", "withdrawn", 'n'},
				      {"在办", "open", 'n'},
				      {"调解成功率", "success_rate", 'p'},
				      {"村级化解占比", "village_share", 'p'},
				      {"乡级化解占比", "township_share", 'p'},
				      {"平均调解天数", "avg_days", 'd'},
				      {"协议未履行", "breaches", 'n'},
				      {NULL, NULL, 0}};
static const column type_columns[] = {{"纠纷类型", "type_name", 't'},
				      {"受理数", "cases", 'n'},
				      {"达成协议", "agreed", 'n'},
				      {"在办", "open", 'n'},
				      {NULL, NULL, 0}};
static const column month_columns[] = {{"月份", "month", 't'},
				       {"受理数", "cases", 'n'},
				       {"达成协议", "agreed", 'n'},
				       {NULL, NULL, 0}};

typedef struct formats {
	lxw_format *title, *header, *fmt[4], *bold[4]; /* t n p d */
} formats;

static lxw_format *cell_format(lxw_workbook *wb, bool bold, const char *num_format)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_border(f, LXW_BORDER_THIN);
	if (bold)
		format_set_bold(f);
	if (num_format)
		format_set_num_format(f, num_format);
	return f;
}

static void write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const column *cl,
		       const json_t *v, lxw_format *f)
{
	if (cl->fmt == 't')
		worksheet_write_string(ws, row, col, json_is_string(v) ? json_string_value(v) : "",
				       f);
	else if (json_is_number(v))
		worksheet_write_number(ws, row, col, json_number_value(v), f);
	else
		worksheet_write_blank(ws, row, col, f);
}

/* A sheet: a title, the headers, a row per item and an optional totals row. */
static void write_sheet(lxw_workbook *wb, const formats *f, const char *name, const char *title,
			const column *cols, const json_t *items, const json_t *totals)
{
	static const char kinds[] = "tnpd";
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_col_t ncol = 0;
	while (cols[ncol].header)
		ncol++;
	worksheet_set_row(ws, 0, 26, NULL);
	worksheet_merge_range(ws, 0, 0, 0, ncol - 1, title, f->title);
	for (lxw_col_t k = 0; k < ncol; k++)
		worksheet_write_string(ws, 1, k, cols[k].header, f->header);
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, ncol - 1, 12, NULL);
	worksheet_freeze_panes(ws, 2, 1);
	lxw_row_t row = 2;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		for (lxw_col_t k = 0; k < ncol; k++)
			write_cell(ws, row, k, &cols[k], json_object_get(it, cols[k].key),
				   f->fmt[strchr(kinds, cols[k].fmt) - kinds]);
		row++;
	}
	for (lxw_col_t k = 0; totals && k < ncol; k++)
		write_cell(ws, row, k, &cols[k], json_object_get(totals, cols[k].key),
			   f->bold[strchr(kinds, cols[k].fmt) - kinds]);
}

static void add_formats(lxw_workbook *wb, formats *f)
{
	static const char *const nums[4] = {NULL, "0", "0.0%", "0.0"};
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	format_set_align(f->title, LXW_ALIGN_CENTER);
	f->header = cell_format(wb, true, NULL);
	format_set_align(f->header, LXW_ALIGN_CENTER);
	format_set_text_wrap(f->header);
	format_set_bg_color(f->header, 0xDDEBF7);
	for (int k = 0; k < 4; k++) {
		f->fmt[k] = cell_format(wb, false, nums[k]);
		f->bold[k] = cell_format(wb, true, nums[k]);
	}
}

int dispute_stats_xlsx(const json_t *stats, char **data, size_t *len, err *e)
{
	xlsx_out out;
	lxw_workbook *wb = xlsx_out_open(&out, e);
	if (!wb) {
		return -1;
	}
	formats f;
	add_formats(wb, &f);
	const char *from = json_string_value(json_object_get(stats, "from"));
	int64_t to_ms = 0;
	clock_parse_iso(json_string_value(json_object_get(stats, "to")), &to_ms);
	char to[40];
	clock_format_iso(to_ms - 1, to, sizeof to);
	char *title = xasprintf("矛盾纠纷化解统计（%.10s 至 %.10s）", from ? from : "", to);
	write_sheet(wb, &f, "按调解组织", title, unit_columns, json_object_get(stats, "items"),
		    json_object_get(stats, "totals"));
	write_sheet(wb, &f, "按纠纷类型", title, type_columns, json_object_get(stats, "by_type"),
		    NULL);
	write_sheet(wb, &f, "按月份", title, month_columns, json_object_get(stats, "by_month"),
		    NULL);
	free(title);
	return xlsx_out_finish(&out, data, len, e);
}
