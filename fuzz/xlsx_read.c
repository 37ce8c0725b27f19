/* The XLSX reader (core/xlsx_read.c: households', service items' imports) on what a station could
 * upload. Two shapes: the bytes as the whole file (the zip container, libzip's side of the glue),
 * and, when the first byte is 'X', the rest as the sheet's XML and (after a byte 0x01) the shared
 * strings' XML, zipped here beside a fixed workbook (the expat side). Checked: a refusal is
 * bad_xlsx or xlsx_too_large and leaves no rows; a table keeps to the limits (rows, columns, a
 * cell's bytes) and every cell is a string. */
#include "fuzz.h"

#include <zip.h>

#include "core/xlsx_read.h"

static const char workbook[] =
	"<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
	"2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"住户\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] =
	"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
	"2006/relationships\"><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
	"</Relationships>";

static void add(zip_t *z, const char *name, const void *data, size_t n)
{
	zip_source_t *s = zip_source_buffer(z, data, n, 0);
	if (!s || zip_file_add(z, name, s, ZIP_FL_OVERWRITE) < 0)
		abort();
}

/* A zip of the fixed workbook with sheet and strings as given; a heap buffer. */
static uint8_t *wrap(const uint8_t *sheet, size_t ns, const uint8_t *strings, size_t nstr,
		     size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_source_keep(src);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!z)
		abort();
	add(z, "xl/workbook.xml", workbook, sizeof workbook - 1);
	add(z, "xl/_rels/workbook.xml.rels", rels, sizeof rels - 1);
	add(z, "xl/worksheets/sheet1.xml", sheet, ns);
	if (strings)
		add(z, "xl/sharedStrings.xml", strings, nstr);
	if (zip_close(z) < 0)
		abort();
	zip_stat_t st;
	if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0)
		abort();
	uint8_t *out = malloc(st.size + 1);
	if (!out || zip_source_read(src, out, st.size) != (zip_int64_t)st.size)
		abort();
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = st.size;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xlsx_limits lim = {
		.entry_bytes = 1 << 20, .rows = 200, .cols = 16, .cell_bytes = 64, .strings = 500};
	uint8_t *file = NULL;
	size_t len = size;
	const uint8_t *in = data;
	if (size > 0 && data[0] == 'X') {
		const uint8_t *sep = memchr(data + 1, 0x01, size - 1);
		size_t ns = sep ? (size_t)(sep - data - 1) : size - 1;
		file = wrap(data + 1, ns, sep ? sep + 1 : NULL, sep ? size - ns - 2 : 0, &len);
		in = file;
	}
	xlsx_table t;
	err e = {0};
	if (xlsx_read(in, len, &lim, &t, &e) < 0) {
		FUZZ_CHECK(!strcmp(e.code, "bad_xlsx") || !strcmp(e.code, "xlsx_too_large"));
		FUZZ_CHECK(t.nrows == 0 && t.rows == NULL);
	} else {
		FUZZ_CHECK(t.nrows <= lim.rows);
		for (size_t i = 0; i < t.nrows; i++) {
			FUZZ_CHECK(t.rows[i].ncells <= lim.cols);
			for (size_t k = 0; k < t.rows[i].ncells; k++)
				FUZZ_CHECK(t.rows[i].cells[k] &&
					   strlen(t.rows[i].cells[k]) <= lim.cell_bytes);
		}
		xlsx_table_free(&t);
	}
	free(file);
	return 0;
}
