/* The grid data's pure rules: night minutes of a patrol (22:00–06:00 China time), the
 * week's start, the boundary check, and the XLSX reader on workbooks written here with
 * libxlsxwriter (and edited with libzip): a good one, a truncated one, a zip bomb in
 * miniature and past each limit, a workbook whose first sheet is missing or absent, an XML
 * part with a DTD. */
#include "testutil.h"

#include <stdio.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/clock.h"
#include "core/mem.h"
#include "grid/grid.h"
#include "grid/patrol.h"
#include "core/xlsx_read.h"

static int64_t at(const char *iso)
{
	int64_t ms;
	assert_int_equal(clock_parse_iso(iso, &ms), 0);
	return ms;
}

static int64_t night(const char *a, const char *b)
{
	return patrol_night_ms(at(a), at(b)) / 60000;
}

static void test_night_minutes_count_22_to_6_china_time(void **state)
{
	assert_int_equal(night("2026-06-01T08:00+08:00", "2026-06-01T20:00+08:00"), 0);
	assert_int_equal(night("2026-06-01T21:30+08:00", "2026-06-01T23:00+08:00"), 60);
	assert_int_equal(night("2026-06-02T04:00+08:00", "2026-06-02T07:15+08:00"), 120);
	assert_int_equal(night("2026-06-01T23:00+08:00", "2026-06-02T01:00+08:00"), 120);
	assert_int_equal(night("2026-06-01T20:00+08:00", "2026-06-02T08:00+08:00"), 480);
	/* Two nights inside 24 hours. */
	assert_int_equal(night("2026-06-01T05:00+08:00", "2026-06-02T05:00+08:00"), 60 + 420);
	/* UTC input: 14:00Z is 22:00 in China. */
	assert_int_equal(night("2026-06-01T13:00Z", "2026-06-01T15:00Z"), 60);
	assert_int_equal(night("2026-06-01T23:00+08:00", "2026-06-01T22:00+08:00"), 0);
}

static void test_week_starts_monday_midnight_china_time(void **state)
{
	/* 2026-12-03 is a Thursday. */
	assert_int_equal(grid_week_start(at("2026-12-03T10:00+08:00")),
			 at("2026-11-30T00:00+08:00"));
	assert_int_equal(grid_week_start(at("2026-11-30T00:00+08:00")),
			 at("2026-11-30T00:00+08:00"));
	assert_int_equal(grid_week_start(at("2026-11-29T23:59+08:00")),
			 at("2026-11-23T00:00+08:00"));
	/* Sunday 20:00 UTC is Monday 04:00 in China. */
	assert_int_equal(grid_week_start(at("2026-11-29T20:00Z")), at("2026-11-30T00:00+08:00"));
}

static int boundary(const char *text, double *area)
{
	json_t *b = json_loads(text, 0, NULL), *g = NULL;
	assert_non_null(b);
	double lat, lon;
	err e = {0};
	int rc = grid_boundary_check(b, &g, &lat, &lon, area, &e);
	json_decref(b);
	json_decref(g);
	if (rc < 0)
		assert_string_equal(e.code, "invalid_boundary");
	return rc;
}

static void test_boundary_is_a_sane_polygon(void **state)
{
	double area;
	assert_int_equal(boundary("{\"type\":\"Polygon\",\"coordinates\":[[[121.66,42.01],"
				  "[121.67,42.01],[121.67,42.02],[121.66,42.02],[121.66,42.01]]]}",
				  &area),
			 0);
	/* 0.01° × 0.01° at 42° N: about 0.92 km². */
	assert_true(area > 0.85 && area < 1.0);
	assert_int_equal(boundary("{\"type\":\"Point\",\"coordinates\":[121.66,42.01]}", &area),
			 -1);
	assert_int_equal(boundary("{\"type\":\"Polygon\",\"coordinates\":[[[121.66,42.01],"
				  "[121.67,42.01],[121.67,42.02],[121.66,42.02]]]}",
				  &area),
			 -1);
	assert_int_equal(
		boundary("{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,2],[3,4],[1,2]]]}",
			 &area),
		-1);
	assert_int_equal(boundary("{\"type\":\"Polygon\",\"coordinates\":[[[121,42],[122,42],"
				  "[122,43],[121,42]]]}",
				  &area),
			 -1);
	assert_int_equal(boundary("{\"type\":\"MultiPolygon\",\"coordinates\":[]}", &area), -1);
}

/* ---- XLSX ---- */

typedef struct blob {
	char *data;
	size_t len;
} blob;

static blob slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	blob b = {.len = (size_t)ftell(fp)};
	fseek(fp, 0, SEEK_SET);
	b.data = xmalloc(b.len + 1);
	assert_int_equal(fread(b.data, 1, b.len, fp), b.len);
	fclose(fp);
	return b;
}

/* A workbook with a header row and rows data rows on a first sheet named 住户 (and an
 * empty second sheet), as libxlsxwriter writes it. */
static blob workbook(int rows, const char *filler)
{
	char path[] = "/tmp/yiwang-xlsx-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "住户");
	workbook_add_worksheet(wb, "说明");
	worksheet_write_string(ws, 0, 0, "地址", NULL);
	worksheet_write_string(ws, 0, 1, "户主姓名", NULL);
	worksheet_write_string(ws, 0, 3, "联系电话", NULL);
	for (int r = 1; r <= rows; r++) {
		char addr[64];
		snprintf(addr, sizeof addr, "新华路%d号", r);
		worksheet_write_string(ws, (lxw_row_t)r, 0, filler ? filler : addr, NULL);
		worksheet_write_string(ws, (lxw_row_t)r, 1, "张三", NULL);
		worksheet_write_number(ws, (lxw_row_t)r, 3, 13812340000.0 + r, NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	blob b = slurp(path);
	unlink(path);
	return b;
}

static int read_with(blob b, const xlsx_limits *lim, xlsx_table *t, err *e)
{
	return xlsx_read(b.data, b.len, lim, t, e);
}

static void test_xlsx_reads_the_first_sheet(void **state)
{
	blob b = workbook(3, NULL);
	xlsx_table t;
	err e = {0};
	assert_int_equal(read_with(b, NULL, &t, &e), 0);
	assert_string_equal(t.sheet, "住户");
	assert_int_equal(t.nrows, 4);
	assert_int_equal(t.rows[0].ncells, 4);
	assert_string_equal(t.rows[0].cells[0], "地址");
	assert_string_equal(t.rows[0].cells[2], ""); /* the gap */
	assert_string_equal(t.rows[0].cells[3], "联系电话");
	assert_string_equal(t.rows[2].cells[0], "新华路2号");
	assert_string_equal(t.rows[2].cells[1], "张三");
	assert_string_equal(t.rows[2].cells[3], "13812340002");
	xlsx_table_free(&t);
	free(b.data);
}

static void test_xlsx_truncated_or_not_a_zip_is_refused(void **state)
{
	blob b = workbook(3, NULL);
	xlsx_table t;
	for (size_t cut = 4; cut < b.len; cut += b.len / 7) {
		err e = {0};
		assert_int_equal(xlsx_read(b.data, cut, NULL, &t, &e), -1);
		assert_string_equal(e.code, "bad_xlsx");
		assert_int_equal(t.nrows, 0);
	}
	err e = {0};
	assert_int_equal(xlsx_read("地址,户主\n", 12, NULL, &t, &e), -1);
	assert_string_equal(e.code, "bad_xlsx");
	free(b.data);
}

static void test_xlsx_limits_stop_bombs_and_big_sheets(void **state)
{
	/* 20,000 rows of the same long text: a few kilobytes zipped, megabytes unzipped. */
	char filler[201];
	memset(filler, 'x', 200);
	filler[200] = '\0';
	blob b = workbook(20000, filler);
	assert_true(b.len < 400 * 1024);
	xlsx_limits lim = xlsx_default_limits;
	lim.entry_bytes = 256 * 1024;
	lim.rows = 1000000;
	xlsx_table t;
	err e = {0};
	assert_int_equal(read_with(b, &lim, &t, &e), -1);
	assert_string_equal(e.code, "xlsx_too_large");
	/* The default limits: too many rows. */
	assert_int_equal(read_with(b, NULL, &t, &e), -1);
	assert_string_equal(e.code, "xlsx_too_large");
	free(b.data);
	/* A cell too long, too many columns. */
	b = workbook(2, filler);
	lim = xlsx_default_limits;
	lim.cell_bytes = 100;
	assert_int_equal(read_with(b, &lim, &t, &e), -1);
	assert_string_equal(e.code, "xlsx_too_large");
	lim = xlsx_default_limits;
	lim.cols = 3;
	assert_int_equal(read_with(b, &lim, &t, &e), -1);
	assert_string_equal(e.code, "xlsx_too_large");
	free(b.data);
}

/* The workbook with one part replaced (NULL content: removed). */
static blob edited(blob b, const char *name, const char *content)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(b.data, b.len, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	zip_t *z = zip_open_from_source(src, 0, &ze);
	assert_non_null(z);
	zip_int64_t idx = zip_name_locate(z, name, 0);
	assert_true(idx >= 0);
	if (content) {
		zip_source_t *part = zip_source_buffer(z, content, strlen(content), 0);
		assert_true(zip_file_replace(z, (zip_uint64_t)idx, part, 0) == 0);
	} else {
		assert_int_equal(zip_delete(z, (zip_uint64_t)idx), 0);
	}
	assert_int_equal(zip_close(z), 0);
	zip_stat_t st;
	assert_int_equal(zip_source_stat(src, &st), 0);
	blob out = {.data = xmalloc(st.size + 1), .len = st.size};
	assert_int_equal(zip_source_open(src), 0);
	assert_int_equal(zip_source_read(src, out.data, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	return out;
}

static void refused(blob b, const char *code, const char *words)
{
	xlsx_table t;
	err e = {0};
	assert_int_equal(read_with(b, NULL, &t, &e), -1);
	assert_string_equal(e.code, code);
	assert_non_null(strstr(e.message, words));
	free(b.data);
}

static void test_xlsx_wrong_or_missing_sheet_is_refused(void **state)
{
	blob b = workbook(2, NULL);
	refused(edited(b, "xl/worksheets/sheet1.xml", NULL), "bad_xlsx", "第一个工作表不存在");
	refused(edited(b, "xl/workbook.xml",
		       "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/"
		       "spreadsheetml/2006/main\"><sheets/></workbook>"),
		"bad_xlsx", "没有工作表");
	refused(edited(b, "xl/workbook.xml", NULL), "bad_xlsx", "workbook.xml");
	refused(edited(b, "xl/_rels/workbook.xml.rels",
		       "<?xml version=\"1.0\"?><Relationships "
		       "xmlns=\"http://schemas.openxmlformats."
		       "org/package/2006/relationships\"><Relationship Id=\"rId9\" "
		       "Target=\"x.xml\"/>"
		       "</Relationships>"),
		"bad_xlsx", "找不到第一个工作表");
	refused(edited(b, "xl/workbook.xml",
		       "<?xml version=\"1.0\"?><!DOCTYPE workbook [<!ENTITY a "
		       "\"aaaa\">]><workbook/>"),
		"bad_xlsx", "DTD");
	refused(edited(b, "xl/worksheets/sheet1.xml",
		       "<worksheet><sheetData><row r=\"1\"><c r=\"A1\""
		       " t=\"s\"><v>99</v></c></row></sheetData>"
		       "</worksheet>"),
		"bad_xlsx", "共享字符串");
	refused(edited(b, "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\">"),
		"bad_xlsx", "XML");
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_night_minutes_count_22_to_6_china_time),
		cmocka_unit_test(test_week_starts_monday_midnight_china_time),
		cmocka_unit_test(test_boundary_is_a_sane_polygon),
		cmocka_unit_test(test_xlsx_reads_the_first_sheet),
		cmocka_unit_test(test_xlsx_truncated_or_not_a_zip_is_refused),
		cmocka_unit_test(test_xlsx_limits_stop_bombs_and_big_sheets),
		cmocka_unit_test(test_xlsx_wrong_or_missing_sheet_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
