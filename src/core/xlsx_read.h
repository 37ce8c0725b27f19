/* Reading the first worksheet of an .xlsx workbook (the households' and the service
 * catalogue's imports): libzip
 * opens the container, expat reads workbook.xml, its relationships, sharedStrings.xml and
 * the sheet. Only the cells' text is read (shared, inline and formula strings, numbers as
 * written, booleans as 0/1); styles, dates' formats and formulas are not evaluated. Every
 * size is bounded, so a hostile file (a zip bomb, millions of cells) is refused with a
 * clear error instead of being read. */
#ifndef YW_XLSX_READ_H
#define YW_XLSX_READ_H
#include <stddef.h>

#include "core/err.h"

typedef struct xlsx_limits {
	size_t entry_bytes; /* the largest uncompressed part read (sheet, shared strings) */
	size_t rows;	    /* rows kept, counting the header */
	size_t cols;	    /* columns kept (A = 0); cells further right are an error */
	size_t cell_bytes;  /* the longest cell text */
	size_t strings;	    /* shared strings */
} xlsx_limits;

/* Defaults: 16 MiB parts, 5,001 rows, 32 columns, 2,000 bytes a cell, 100,000 strings. */
extern const xlsx_limits xlsx_default_limits;

typedef struct xlsx_row {
	size_t ncells;
	char **cells; /* ncells strings ("" for an empty cell), by column */
} xlsx_row;

typedef struct xlsx_table {
	size_t nrows;
	xlsx_row *rows;	 /* by row number from 1 (rows[0] is row 1); empty rows kept */
	char sheet[128]; /* the sheet's name */
} xlsx_table;

/* Reads the first worksheet of the workbook in data. 422 bad_xlsx with the reason when it
 * is not one (not a zip, no workbook, no sheet, malformed XML) or 413-like 422
 * xlsx_too_large past a limit. */
int xlsx_read(const void *data, size_t len, const xlsx_limits *lim, xlsx_table *out, err *e);
void xlsx_table_free(xlsx_table *t);

#endif
