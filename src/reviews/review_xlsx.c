/* A card as the workbook offices print (docs/reviews.md "Export"): the title, the period,
 * two header rows (each indicator over its raw value and score), one row per unit in rank
 * order with total, rank and grade; A4 landscape, fitted to the page width, the header
 * rows repeated on every page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/xlsx_out.h"
#include "core/mem.h"
#include "reviews/review.h"

static lxw_format *cell(lxw_workbook *wb, bool bold, const char *num, unsigned bg)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	format_set_align(f, LXW_ALIGN_CENTER);
	format_set_text_wrap(f);
	if (bold)
		format_set_bold(f);
	if (num)
		format_set_num_format(f, num);
	if (bg)
		format_set_bg_color(f, bg);
	return f;
}

static void write_sheet(lxw_workbook *wb, lxw_worksheet *ws, const json_t *card)
{
	lxw_format *title = workbook_add_format(wb), *sub = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 16);
	format_set_align(title, LXW_ALIGN_CENTER);
	format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
	format_set_align(sub, LXW_ALIGN_CENTER);
	lxw_format *head = cell(wb, true, NULL, 0xDDEBF7), *text = cell(wb, false, NULL, 0),
		   *num = cell(wb, false, "0.00", 0), *bold = cell(wb, true, "0.00", 0);
	json_t *inds = json_object_get(card, "indicators");
	size_t ni = json_array_size(inds);
	lxw_col_t last = (lxw_col_t)(1 + 2 * ni + 2);
	char *t =
		xasprintf("%s考核成绩表", json_string_value(json_object_get(card, "scheme_name")));
	worksheet_set_row(ws, 0, 30, NULL);
	worksheet_merge_range(ws, 0, 0, 0, last, t, title);
	free(t);
	char from[11], to[11];
	snprintf(from, sizeof from, "%s", json_string_value(json_object_get(card, "from")));
	snprintf(to, sizeof to, "%s", json_string_value(json_object_get(card, "to")));
	t = xasprintf("考核期：%s（%s 起，至 %s 前）  状态：%s",
		      json_string_value(json_object_get(card, "period")), from, to,
		      strcmp(json_string_value(json_object_get(card, "status")), "closed")
			      ? "草稿（未固定）"
			      : "已关闭（成绩固定）");
	worksheet_merge_range(ws, 1, 0, 1, last, t, sub);
	free(t);
	worksheet_merge_range(ws, 2, 0, 3, 0, "单位", head);
	size_t j;
	json_t *x;
	json_array_foreach(inds, j, x)
	{
		lxw_col_t c0 = (lxw_col_t)(1 + 2 * j);
		char *h = xasprintf("%s（权重 %g）", json_string_value(json_object_get(x, "name")),
				    json_number_value(json_object_get(x, "weight")));
		worksheet_merge_range(ws, 2, c0, 2, c0 + 1, h, head);
		free(h);
		worksheet_write_string(ws, 3, c0, "原始值", head);
		worksheet_write_string(ws, 3, c0 + 1, "得分", head);
	}
	worksheet_merge_range(ws, 2, last - 2, 3, last - 2, "总分", head);
	worksheet_merge_range(ws, 2, last - 1, 3, last - 1, "排名", head);
	worksheet_merge_range(ws, 2, last, 3, last, "等级", head);
	size_t u;
	json_t *it;
	json_array_foreach(json_object_get(card, "items"), u, it)
	{
		lxw_row_t row = (lxw_row_t)(4 + u);
		worksheet_write_string(ws, row, 0,
				       json_string_value(json_object_get(it, "unit_name")), text);
		json_t *values = json_object_get(it, "values");
		json_array_foreach(inds, j, x)
		{
			json_t *v = json_object_get(values,
						    json_string_value(json_object_get(x, "name")));
			lxw_col_t c0 = (lxw_col_t)(1 + 2 * j);
			json_t *raw = json_object_get(v, "raw");
			if (json_is_number(raw))
				worksheet_write_number(ws, row, c0, json_number_value(raw), num);
			else
				worksheet_write_string(ws, row, c0, "—", text);
			worksheet_write_number(ws, row, c0 + 1,
					       json_number_value(json_object_get(v, "score")), num);
		}
		worksheet_write_number(ws, row, last - 2,
				       json_number_value(json_object_get(it, "score")), bold);
		worksheet_write_number(ws, row, last - 1,
				       (double)json_integer_value(json_object_get(it, "rank")),
				       text);
		worksheet_write_string(ws, row, last,
				       json_string_value(json_object_get(it, "grade")), text);
	}
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, last, 9, NULL);
	worksheet_freeze_panes(ws, 4, 1);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 2, 3);
	worksheet_center_horizontally(ws);
}

int review_period_xlsx(const json_t *card, char **data, size_t *len, err *e)
{
	xlsx_out out;
	lxw_workbook *wb = xlsx_out_open(&out, e);
	if (!wb) {
		return -1;
	}
	write_sheet(wb, workbook_add_worksheet(wb, "考核成绩"), card);
	return xlsx_out_finish(&out, data, len, e);
}
