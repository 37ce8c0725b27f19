/* Workbooks made in memory. libxlsxwriter writes only to a file: xlsx_out_open makes the
 * workbook on a private temporary file (under $TMPDIR, else /tmp); xlsx_out_finish closes
 * it, reads the bytes back and removes the file, whatever happened. Every export (the
 * platforms' statistics, cards and catalogues) goes through these two calls. */
#ifndef YW_XLSX_OUT_H
#define YW_XLSX_OUT_H
#include <stddef.h>
#include <xlsxwriter.h>

#include "core/err.h"

typedef struct xlsx_out {
	lxw_workbook *wb;
	char *path;
} xlsx_out;

/* The new workbook, or NULL with e filled (nothing left behind). */
lxw_workbook *xlsx_out_open(xlsx_out *o, err *e);
/* Closes the workbook and hands back its bytes (*data is the caller's to free); the
 * temporary file is gone afterwards. 0, or -1 with e filled. */
int xlsx_out_finish(xlsx_out *o, char **data, size_t *len, err *e);

#endif
