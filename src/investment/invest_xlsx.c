/* The register's figures as a workbook (GET /api/v1/stats/projects/export.xlsx): one
 * sheet per county, per industry and per month, as inv_stats answers them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/xlsx_out.h"
#include "core/mem.h"
#include "investment/invest.h"

typedef struct column {
	const char *header, *key;
	char kind; /* t text, n count, m money (万元), p percent (the value is already ×100) */
} column;

static const column count_columns[] = {
	{"", NULL, 't'},
	{"项目数", "projects", 'n'},
	{"5000万元以上新开工", "big_started", 'n'},
	{"新开工", "new", 'n'},
	{"续建", "continuing", 'n'},
	{"竣工", "completed", 'n'},
	{"年度计划（万元）", "plan", 'm'},
	{"完成投资（万元）", "invested", 'm'},
	{"占年计划%", "pct_plan", 'p'},
	{NULL, NULL, 0},
};

static const column month_columns[] = {
	{"月份", "month", 't'},
	{"当月完成投资（万元）", "invested", 'm'},
	{"累计完成投资（万元）", "cumulative", 'm'},
	{NULL, NULL, 0},
};

static void write_sheet(lxw_workbook *wb, const char *name, const char *title, const column *cols,
			const char *label_key, const char *first_header, const json_t *items,
			const json_t *totals)
{
	lxw_format *head = workbook_add_format(wb), *num = workbook_add_format(wb),
		   *money = workbook_add_format(wb), *bold = workbook_add_format(wb),
		   *tf = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_text_wrap(head);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_num_format(num, "0");
	format_set_border(num, LXW_BORDER_THIN);
	format_set_num_format(money, "0.00");
	format_set_border(money, LXW_BORDER_THIN);
	format_set_bold(bold);
	format_set_border(bold, LXW_BORDER_THIN);
	format_set_bold(tf);
	format_set_font_size(tf, 14);
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);
	lxw_col_t ncol = 0;
	while (cols[ncol].header)
		ncol++;
	if (ncol > 1)
		worksheet_merge_range(ws, 0, 0, 0, ncol - 1, title, tf);
	for (lxw_col_t k = 0; k < ncol; k++)
		worksheet_write_string(
			ws, 1, k, k == 0 && first_header ? first_header : cols[k].header, head);
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, ncol - 1, 14, NULL);
	lxw_row_t row = 2;
	for (size_t i = 0; i <= json_array_size(items); i++) {
		const json_t *it = i < json_array_size(items) ? json_array_get(items, i) : totals;
		if (!it)
			break;
		for (lxw_col_t k = 0; k < ncol; k++) {
			const json_t *v =
				json_object_get(it, k == 0 && label_key ? label_key : cols[k].key);
			if (k == 0 && i == json_array_size(items))
				worksheet_write_string(ws, row, 0, "合计", bold);
			else if (json_is_string(v))
				worksheet_write_string(ws, row, k, json_string_value(v), NULL);
			else if (json_is_number(v))
				worksheet_write_number(ws, row, k, json_number_value(v),
						       cols[k].kind == 'n' ? num : money);
			else
				worksheet_write_blank(ws, row, k, NULL);
		}
		row++;
	}
}

int inv_stats_xlsx(const json_t *stats, char **data, size_t *len, err *e)
{
	xlsx_out out;
	lxw_workbook *wb = xlsx_out_open(&out, e);
	if (!wb) {
		return -1;
	}
	int year = (int)json_integer_value(json_object_get(stats, "year"));
	char title[128];
	snprintf(title, sizeof title, "%d 年项目建设情况（按县区）", year);
	write_sheet(wb, "按县区", title, count_columns, "county_name", "县（区）",
		    json_object_get(stats, "counties"), json_object_get(stats, "totals"));
	snprintf(title, sizeof title, "%d 年项目建设情况（按产业）", year);
	write_sheet(wb, "按产业", title, count_columns, "industry", "产业",
		    json_object_get(stats, "industries"), NULL);
	snprintf(title, sizeof title, "%d 年逐月完成投资", year);
	write_sheet(wb, "按月", title, month_columns, NULL, NULL, json_object_get(stats, "months"),
		    NULL);
	return xlsx_out_finish(&out, data, len, e);
}
