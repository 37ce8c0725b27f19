#include "grid/grid_stats.h"

#include <math.h>
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
#include "grid/grid.h"
#include "org/audit.h"

/* The figures of one unit; the sums of its grids. */
typedef struct figures {
	int64_t id, parent_id, township_id;
	char name[256];
	int64_t grids, events, valid, closed, on_time, first_time, reworked, escalated, patrols,
		minutes, night;
	bool patrolled_this_week;
} figures;

enum { NSUMS = 10 };

static int64_t *sums(figures *f, int k)
{
	int64_t *v[NSUMS] = {&f->events,   &f->valid,	  &f->closed,  &f->on_time, &f->first_time,
			     &f->reworked, &f->escalated, &f->patrols, &f->minutes, &f->night};
	return v[k];
}

static void add(figures *to, figures *from)
{
	to->grids += from->grids;
	for (int k = 0; k < NSUMS; k++)
		*sums(to, k) += *sums(from, k);
}

static json_t *figures_json(const figures *f, const char *level)
{
	json_t *o = json_object();
	if (level) {
		json_object_set_new(o, "unit_id", json_integer(f->id));
		json_object_set_new(o, "unit_name", json_string(f->name));
		json_object_set_new(o, "level", json_string(level));
	}
	static const char *const keys[NSUMS] = {
		"events",   "valid",	 "closed",  "on_time",	      "first_time",
		"reworked", "escalated", "patrols", "patrol_minutes", "night_patrol_minutes"};
	json_object_set_new(o, "grids", json_integer(f->grids));
	for (int k = 0; k < NSUMS; k++)
		json_object_set_new(o, keys[k], json_integer(*sums((figures *)f, k)));
	json_object_set_new(o, "on_time_rate", case_figures_rate(f->on_time, f->closed));
	json_object_set_new(o, "first_time_rate", case_figures_rate(f->first_time, f->closed));
	json_object_set_new(o, "rework_rate", case_figures_rate(f->reworked, f->valid));
	json_object_set_new(o, "escalation_rate", case_figures_rate(f->escalated, f->valid));
	return o;
}

/* The grids of the area, each with its community and township. */
static int load_grids(store_conn *c, const actor *who, figures **out, size_t *n, err *e)
{
	char hi[SCOPE_PATH_MAX + 2];
	scope_upper(who->unit_path, hi, sizeof hi);
	store_stmt *st = store_prepare(
		c,
		"SELECT u.id, u.name, u.parent_id, COALESCE(p.parent_id, 0) FROM units u"
		" JOIN units p ON p.id = u.parent_id WHERE u.kind = 'grid' AND u.disabled = 0"
		" AND u.path >= ? AND u.path < ? ORDER BY u.path",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ss", who->unit_path, hi);
	size_t cap = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		figures *f = &(*out)[(*n)++];
		*f = (figures){.id = store_col_int(st, 0),
			       .parent_id = store_col_int(st, 2),
			       .township_id = store_col_int(st, 3),
			       .grids = 1};
		snprintf(f->name, sizeof f->name, "%s", store_col_text(st, 1));
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

static figures *grid_at(figures *g, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (g[i].id == id)
			return &g[i];
	return NULL;
}

#define EVENTS_SQL                                                                                 \
	"SELECT ge.grid_id, COUNT(*), SUM(CASE WHEN ge.valid = 1 THEN 1 ELSE 0 END),"              \
	" SUM(CASE WHEN ge.valid = 1 AND c.status = 'closed' THEN 1 ELSE 0 END),"                  \
	" SUM(CASE WHEN ge.valid = 1 AND c.status = 'closed' AND (c.finish_due_at IS NULL"         \
	" OR c.closed_at <= c.finish_due_at) THEN 1 ELSE 0 END),"                                  \
	" SUM(CASE WHEN ge.valid = 1 AND c.status = 'closed' AND ge.rework_count = 0"              \
	" THEN 1 ELSE 0 END),"                                                                     \
	" SUM(CASE WHEN ge.valid = 1 AND ge.rework_count > 0 THEN 1 ELSE 0 END),"                  \
	" SUM(CASE WHEN ge.valid = 1 AND ge.escalation_count > 0 THEN 1 ELSE 0 END)"               \
	" FROM grid_events ge JOIN cases c ON c.id = ge.case_id JOIN units u ON u.id = ge.grid_id" \
	" WHERE u.path >= ? AND u.path < ? AND c.created_at >= ? AND c.created_at < ?"             \
	" GROUP BY ge.grid_id"

#define PATROLS_SQL                                                                                \
	"SELECT t.grid_id, COUNT(*), SUM(t.minutes), SUM(t.night_minutes) FROM grid_patrols t"     \
	" JOIN units u ON u.id = t.grid_id WHERE u.path >= ? AND u.path < ?"                       \
	" AND t.started_at >= ? AND t.started_at < ? GROUP BY t.grid_id"

/* The grids' figures and the slots (sums()) a per-grid query's columns add to. */
struct per_grid {
	figures *g;
	size_t n;
	const int *slots;
	int nslots;
};

static void add_row(void *ctx, store_stmt *row, const int64_t *v)
{
	struct per_grid *x = ctx;
	figures *f = grid_at(x->g, x->n, store_col_int(row, 0));
	for (int k = 0; f && k < x->nslots; k++)
		*sums(f, x->slots[k]) += v[k];
}

/* Runs one per-grid aggregate (the grid's id, then its figures) over who's area and adds
 * its columns to the figures' slots. */
static int per_grid(store_conn *c, const actor *who, const char *sql, int64_t from, int64_t to,
		    figures *g, size_t n, const int *slots, int nslots, err *e)
{
	char hi[SCOPE_PATH_MAX + 2];
	scope_upper(who->unit_path, hi, sizeof hi);
	const case_figures_query q = {sql, CASE_FIGURES_AREA_FIRST, 1, nslots};
	struct per_grid x = {g, n, slots, nslots};
	return case_figures_each(c, &q, who->unit_path, hi, from, to, add_row, &x, e);
}

static int unit_name(store_conn *c, int64_t id, char *out, size_t n, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT name FROM units WHERE id = ?", "i", id);
	if (rc == 1) {
		snprintf(out, n, "%s", store_col_text(st, 0));
		store_done(st);
	}
	return rc < 0 ? -1 : 0;
}

/* The grids' figures summed per community (or township), in the grids' order. */
static int roll_up(store_conn *c, figures *g, size_t n, enum grid_level level, json_t *items,
		   err *e)
{
	figures *u = xcalloc(n ? n : 1, sizeof *u);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t id = level == GRID_LEVEL_COMMUNITY ? g[i].parent_id : g[i].township_id;
		figures *f = grid_at(u, m, id);
		if (!f) {
			f = &u[m++];
			f->id = id;
		}
		add(f, &g[i]);
	}
	int rc = 0;
	for (size_t i = 0; i < m && rc == 0; i++) {
		rc = unit_name(c, u[i].id, u[i].name, sizeof u[i].name, e);
		json_array_append_new(items, figures_json(&u[i], level == GRID_LEVEL_COMMUNITY
									 ? "community"
									 : "township"));
	}
	free(u);
	return rc;
}

static int idle_grids(store_conn *c, const actor *who, int64_t now, json_t *out, err *e)
{
	char hi[SCOPE_PATH_MAX + 2];
	scope_upper(who->unit_path, hi, sizeof hi);
	store_stmt *st = store_prepare(
		c,
		"SELECT u.id, u.name FROM units u WHERE u.kind = 'grid' AND u.disabled = 0"
		" AND u.path >= ? AND u.path < ? AND NOT EXISTS (SELECT 1 FROM grid_patrols t"
		" WHERE t.grid_id = u.id AND t.started_at >= ?) ORDER BY u.path",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ssi", who->unit_path, hi, grid_week_start(now));
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(out, json_pack("{s:I, s:s}", "id",
						     (json_int_t)store_col_int(st, 0), "name",
						     store_col_text(st, 1)));
	store_done(st);
	return rc < 0 ? -1 : 0;
}

static void period_json(json_t *o, int64_t from, int64_t to)
{
	char a[40], b[40];
	clock_format_iso(from, a, sizeof a);
	clock_format_iso(to, b, sizeof b);
	json_object_set_new(o, "from", json_string(a));
	json_object_set_new(o, "to", json_string(b));
}

int grid_stats(store_conn *c, const actor *who, int64_t from, int64_t to, enum grid_level level,
	       int64_t now, json_t **out, err *e)
{
	static const int event_slots[] = {0, 1, 2, 3, 4, 5, 6};
	static const int patrol_slots[] = {7, 8, 9};
	figures *g = NULL;
	size_t n = 0;
	json_t *items = json_array(), *idle = json_array();
	int rc = load_grids(c, who, &g, &n, e);
	if (rc == 0)
		rc = per_grid(c, who, EVENTS_SQL, from, to, g, n, event_slots, 7, e);
	if (rc == 0)
		rc = per_grid(c, who, PATROLS_SQL, from, to, g, n, patrol_slots, 3, e);
	if (rc == 0)
		rc = idle_grids(c, who, now, idle, e);
	figures total = {0};
	for (size_t i = 0; rc == 0 && i < n; i++) {
		add(&total, &g[i]);
		if (level == GRID_LEVEL_GRID)
			json_array_append_new(items, figures_json(&g[i], "grid"));
	}
	if (rc == 0 && level != GRID_LEVEL_GRID)
		rc = roll_up(c, g, n, level, items, e);
	free(g);
	if (rc < 0) {
		json_decref(items);
		json_decref(idle);
		return -1;
	}
	static const char *const words[] = {"grid", "community", "township"};
	*out = json_pack("{s:s, s:o, s:o, s:o}", "level", words[level], "items", items, "totals",
			 figures_json(&total, NULL), "idle_grids", idle);
	period_json(*out, from, to);
	return 0;
}

/* ---- members' scores ---- */

int grid_month(const char *month, int64_t *from, int64_t *to, err *e)
{
	int y, m;
	char tail;
	if (!month || strlen(month) != 7 || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 ||
	    m < 1 || m > 12 || y < 2000 || y > 2100)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "month",
			       "month 须为 YYYY-MM");
	char a[40], b[40];
	snprintf(a, sizeof a, "%04d-%02d-01", y, m);
	snprintf(b, sizeof b, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	if (clock_parse_iso(a, from) < 0 || clock_parse_iso(b, to) < 0)
		return err_set(e, ERR_BAD_REQUEST, "invalid_parameter", "month", "month 无效");
	return 0;
}

/* The members' weights (the one set: migration 013 keys the table by role, and only the
 * grid_member row is kept). */
static int weights_of(store_conn *c, grid_weights *w, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT reports, verifications, tasks, patrol_hours FROM"
				 " grid_score_weights WHERE role = 'grid_member'",
				 "");
	*w = (grid_weights){0};
	if (rc == 1) {
		*w = (grid_weights){store_col_double(st, 0), store_col_double(st, 1),
				    store_col_double(st, 2), store_col_double(st, 3)};
		store_done(st);
	}
	return rc < 0 ? -1 : 0;
}

static json_t *weights_json(const grid_weights *w)
{
	return json_pack("{s:f, s:f, s:f, s:f}", "reports", w->reports, "verifications",
			 w->verifications, "tasks", w->tasks, "patrol_hours", w->patrol_hours);
}

#define MEMBERS_SQL                                                                                \
	"SELECT us.id, us.display_name, us.username, COALESCE(gp.unit_id, 0), COALESCE(g.name, "   \
	"''),"                                                                                     \
	" (SELECT COUNT(*) FROM grid_events ge JOIN cases c ON c.id = ge.case_id"                  \
	" WHERE ge.reporter_id = us.id AND c.created_at >= ? AND c.created_at < ?),"               \
	" (SELECT COUNT(*) FROM grid_events ge JOIN cases c ON c.id = ge.case_id"                  \
	" WHERE ge.verified_by = us.id AND ge.verified_at >= ? AND ge.verified_at < ?"             \
	" AND (c.finish_due_at IS NULL OR ge.verified_at <= c.finish_due_at)),"                    \
	" (SELECT COUNT(*) FROM grid_events ge JOIN cases c ON c.id = ge.case_id"                  \
	" WHERE ge.reporter_id = us.id AND ge.on_spot = 1 AND ge.valid = 1 AND c.status = "        \
	"'closed'"                                                                                 \
	" AND c.closed_at >= ? AND c.closed_at < ?),"                                              \
	" (SELECT COALESCE(SUM(t.minutes), 0) FROM grid_patrols t WHERE t.user_id = us.id"         \
	" AND t.started_at >= ? AND t.started_at < ?)"                                             \
	" FROM users us JOIN units u ON u.id = us.unit_id"                                         \
	" JOIN user_roles r ON r.user_id = us.id AND r.role = 'grid_member'"                       \
	" LEFT JOIN grid_profiles gp ON gp.unit_id = (SELECT MIN(x.unit_id) FROM grid_profiles x"  \
	" WHERE x.member_user_id = us.id)"                                                         \
	" LEFT JOIN units g ON g.id = gp.unit_id"                                                  \
	" WHERE us.disabled = 0 AND u.path >= ? AND u.path < ? ORDER BY us.id"

static int cmp_score(const void *a, const void *b)
{
	double x = json_real_value(json_object_get(*(json_t *const *)a, "score"));
	double y = json_real_value(json_object_get(*(json_t *const *)b, "score"));
	int64_t i = json_integer_value(json_object_get(*(json_t *const *)a, "user_id"));
	int64_t j = json_integer_value(json_object_get(*(json_t *const *)b, "user_id"));
	return x != y ? (x < y ? 1 : -1) : (i > j) - (i < j);
}

int grid_member_scores(store_conn *c, const actor *who, const char *month, int64_t from, int64_t to,
		       json_t **out, err *e)
{
	grid_weights w;
	if (weights_of(c, &w, e) < 0)
		return -1;
	char hi[SCOPE_PATH_MAX + 2];
	scope_upper(who->unit_path, hi, sizeof hi);
	store_stmt *st = store_prepare(c, MEMBERS_SQL, e);
	if (!st)
		return -1;
	store_bindf(st, "iiiiiiiiss", from, to, from, to, from, to, from, to, who->unit_path, hi);
	size_t n = 0, cap = 0;
	json_t **rows = NULL;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		int64_t reports = store_col_int(st, 5), verif = store_col_int(st, 6),
			tasks = store_col_int(st, 7), minutes = store_col_int(st, 8);
		double score = w.reports * (double)reports + w.verifications * (double)verif +
			       w.tasks * (double)tasks + w.patrol_hours * (double)minutes / 60.0;
		score = round(score * 100) / 100;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		int64_t grid = store_col_int(st, 3);
		rows[n++] = json_pack(
			"{s:I, s:s, s:s, s:o, s:s, s:I, s:I, s:I, s:I, s:f}", "user_id",
			(json_int_t)store_col_int(st, 0), "name", store_col_text(st, 1), "username",
			store_col_text(st, 2), "grid_id", grid ? json_integer(grid) : json_null(),
			"grid_name", store_col_text(st, 4), "reports", (json_int_t)reports,
			"verifications_on_time", (json_int_t)verif, "tasks_done", (json_int_t)tasks,
			"patrol_minutes", (json_int_t)minutes, "score", score);
	}
	store_done(st);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			json_decref(rows[i]);
		free(rows);
		return -1;
	}
	if (n)
		qsort(rows, n, sizeof *rows, cmp_score);
	json_t *items = json_array();
	int64_t rank = 0;
	double last = -1;
	for (size_t i = 0; i < n; i++) {
		double s = json_real_value(json_object_get(rows[i], "score"));
		if (i == 0 || s != last)
			rank = (int64_t)i + 1;
		last = s;
		json_object_set_new(rows[i], "rank", json_integer(rank));
		json_array_append_new(items, rows[i]);
	}
	free(rows);
	*out = json_pack("{s:s, s:o, s:o}", "month", month, "weights", weights_json(&w), "items",
			 items);
	period_json(*out, from, to);
	return 0;
}

int grid_weights_get(store_conn *c, json_t **out, err *e)
{
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT reports, verifications, tasks, patrol_hours, updated_at"
				 " FROM grid_score_weights WHERE role = 'grid_member'",
				 "");
	if (rc < 0)
		return -1;
	grid_weights w = {0};
	char at[40] = "";
	if (rc == 1) {
		w = (grid_weights){store_col_double(st, 0), store_col_double(st, 1),
				   store_col_double(st, 2), store_col_double(st, 3)};
		if (store_col_int(st, 4))
			clock_format_iso(store_col_int(st, 4), at, sizeof at);
		store_done(st);
	}
	*out = weights_json(&w);
	json_object_set_new(*out, "updated_at", *at ? json_string(at) : json_null());
	return 0;
}

int grid_weights_put(store_conn *c, const actor *who, const grid_weights *w, err *e)
{
	if (store_exec(c, e,
		       "INSERT INTO grid_score_weights (role, reports, verifications, tasks,"
		       " patrol_hours, updated_at) VALUES ('grid_member', ?, ?, ?, ?, ?)"
		       " ON CONFLICT (role) DO UPDATE SET reports = excluded.reports,"
		       " verifications = excluded.verifications, tasks = excluded.tasks,"
		       " patrol_hours = excluded.patrol_hours, updated_at = excluded.updated_at",
		       "ddddi", w->reports, w->verifications, w->tasks, w->patrol_hours,
		       clock_now_ms()) < 0)
		return -1;
	json_t *d = weights_json(w);
	int rc = audit_append(c, who, "grid.score_weights", "grid_score_weights", 0, d, e);
	json_decref(d);
	return rc;
}

/* ---- the workbook ---- */

typedef struct column {
	const char *header, *key;
	char fmt; /* t text, n number, p percentage, d decimal */
} column;

static const column stats_columns[] = {
	{"单位", "unit_name", 't'},
	{"网格数", "grids", 'n'},
	{"发现事件", "events", 'n'},
	{"有效上报", "valid", 'n'},
	{"已结案", "closed", 'n'},
	{"按期结案率", "on_time_rate", 'p'},
	{"一次办结率", "first_time_rate", 'p'},
	{"返工率", "rework_rate", 'p'},
	{"上报率", "escalation_rate", 'p'},
	{"巡查次数", "patrols", 'n'},
	{"巡查时长（分钟）", "patrol_minutes", 'n'},
	{"夜间巡查（分钟）", "night_patrol_minutes", 'n'},
	{NULL, NULL, 0},
};
static const column member_columns[] = {
	{"网格员", "name", 't'},
	{"网格", "grid_name", 't'},
	{"上报事件", "reports", 'n'},
	{"按时核查", "verifications_on_time", 'n'},
	{"完成任务", "tasks_done", 'n'},
	{"巡查时长（分钟）", "patrol_minutes", 'n'},
	{"得分", "score", 'd'},
	{"排名", "rank", 'n'},
	{NULL, NULL, 0},
};

static lxw_format *cell_format(lxw_workbook *wb, bool bold, const char *num)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_border(f, LXW_BORDER_THIN);
	if (bold)
		format_set_bold(f);
	if (num)
		format_set_num_format(f, num);
	return f;
}

static void write_sheet(lxw_workbook *wb, const char *name, const char *title, const column *cols,
			const json_t *items, const json_t *totals)
{
	static const char kinds[] = "tnpd";
	static const char *const nums[4] = {NULL, "0", "0.0%", "0.00"};
	lxw_format *fmt[4], *bold[4];
	for (int k = 0; k < 4; k++) {
		fmt[k] = cell_format(wb, false, nums[k]);
		bold[k] = cell_format(wb, true, nums[k]);
	}
	lxw_format *head = cell_format(wb, true, NULL);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_text_wrap(head);
	lxw_format *tf = workbook_add_format(wb);
	format_set_bold(tf);
	format_set_font_size(tf, 14);
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_col_t ncol = 0;
	while (cols[ncol].header)
		ncol++;
	worksheet_merge_range(ws, 0, 0, 0, ncol - 1, title, tf);
	for (lxw_col_t k = 0; k < ncol; k++)
		worksheet_write_string(ws, 1, k, cols[k].header, head);
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, ncol - 1, 12, NULL);
	lxw_row_t row = 2;
	for (size_t i = 0; i <= json_array_size(items); i++) {
		const json_t *it = i < json_array_size(items) ? json_array_get(items, i) : totals;
		if (!it)
			break;
		for (lxw_col_t k = 0; k < ncol; k++) {
			int f = (int)(strchr(kinds, cols[k].fmt) - kinds);
			lxw_format *x = it == totals ? bold[f] : fmt[f];
			json_t *v = json_object_get(it, cols[k].key);
			if (it == totals && k == 0)
				worksheet_write_string(ws, row, k, "合计", x);
			else if (cols[k].fmt == 't')
				worksheet_write_string(
					ws, row, k, json_is_string(v) ? json_string_value(v) : "",
					x);
			else if (json_is_number(v))
				worksheet_write_number(ws, row, k, json_number_value(v), x);
			else
				worksheet_write_blank(ws, row, k, x);
		}
		row++;
	}
}

int grid_stats_xlsx(const json_t *stats, bool members, char **data, size_t *len, err *e)
{
	xlsx_out out;
	lxw_workbook *wb = xlsx_out_open(&out, e);
	if (!wb) {
		return -1;
	}
	const char *from = json_string_value(json_object_get(stats, "from"));
	int64_t to_ms = 0;
	clock_parse_iso(json_string_value(json_object_get(stats, "to")), &to_ms);
	char to[40];
	clock_format_iso(to_ms - 1, to, sizeof to);
	char *title = members ? xasprintf("网格员月度考核（%s）",
					  json_string_value(json_object_get(stats, "month")))
			      : xasprintf("网格化治理统计（%.10s 至 %.10s）", from ? from : "", to);
	if (members)
		write_sheet(wb, "网格员考核", title, member_columns,
			    json_object_get(stats, "items"), NULL);
	else
		write_sheet(wb, "网格治理", title, stats_columns, json_object_get(stats, "items"),
			    json_object_get(stats, "totals"));
	free(title);
	return xlsx_out_finish(&out, data, len, e);
}

/* ---- the review metrics ---- */

struct each_grid {
	grid_fig_fn fn;
	void *ctx;
};

static void each_grid_row(void *ctx, store_stmt *row, const int64_t *v)
{
	struct each_grid *x = ctx;
	x->fn(x->ctx, store_col_text(row, 0), v[0], v[1], v[2], v[3]);
}

int grid_stats_each_grid(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
			 grid_fig_fn fn, void *ctx, err *e)
{
	/* EVENTS_SQL's figures, grouped by the grid's path, over enabled grids as load_grids
	 * takes them. */
	static const case_figures_query q = {
		"SELECT u.path, SUM(CASE WHEN ge.valid = 1 THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN ge.valid = 1 AND c.status = 'closed' THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN ge.valid = 1 AND c.status = 'closed' AND (c.finish_due_at IS NULL"
		" OR c.closed_at <= c.finish_due_at) THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN ge.valid = 1 AND ge.rework_count > 0 THEN 1 ELSE 0 END)"
		" FROM grid_events ge JOIN cases c ON c.id = ge.case_id JOIN units u ON u.id = "
		"ge.grid_id"
		" WHERE u.kind = 'grid' AND u.disabled = 0 AND u.path >= ? AND u.path < ?"
		" AND c.created_at >= ? AND c.created_at < ? GROUP BY u.path",
		CASE_FIGURES_AREA_FIRST, 1, 4};
	struct each_grid x = {fn, ctx};
	return case_figures_each(c, &q, lo, hi, from, to, each_grid_row, &x, e);
}

int grid_stats_events(store_conn *c, const char *lo, const char *hi, int64_t from, int64_t to,
		      bool rework, int limit, json_t **items, err *e)
{
	store_stmt *st = store_prepare(
		c,
		rework ? "SELECT c.id, c.number, c.title, u.name, c.status FROM grid_events ge"
			 " JOIN cases c ON c.id = ge.case_id JOIN units u ON u.id = ge.grid_id"
			 " WHERE u.kind = 'grid' AND u.disabled = 0 AND u.path >= ? AND u.path < ?"
			 " AND c.created_at >= ? AND c.created_at < ? AND ge.valid = 1"
			 " AND ge.rework_count > 0 ORDER BY c.id LIMIT ?"
		       : "SELECT c.id, c.number, c.title, u.name, c.status FROM grid_events ge"
			 " JOIN cases c ON c.id = ge.case_id JOIN units u ON u.id = ge.grid_id"
			 " WHERE u.kind = 'grid' AND u.disabled = 0 AND u.path >= ? AND u.path < ?"
			 " AND c.created_at >= ? AND c.created_at < ? AND ge.valid = 1"
			 " AND c.status = 'closed' AND c.closed_at > c.finish_due_at"
			 " ORDER BY c.id LIMIT ?",
		e);
	if (!st)
		return -1;
	store_bindf(st, "ssiii", lo, hi, from, to, (int64_t)limit);
	json_t *a = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1)
		json_array_append_new(
			a, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
				     (json_int_t)store_col_int(st, 0), "number",
				     store_col_text(st, 1), "title", store_col_text(st, 2), "grid",
				     store_col_text(st, 3), "status", store_col_text(st, 4)));
	store_done(st);
	if (rc < 0) {
		json_decref(a);
		return -1;
	}
	*items = a;
	return 0;
}
