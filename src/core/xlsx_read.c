#include "core/xlsx_read.h"

#include <expat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/mem.h"
#include "core/strbuf.h"

const xlsx_limits xlsx_default_limits = {
	.entry_bytes = 16u << 20, .rows = 5001, .cols = 32, .cell_bytes = 2000, .strings = 100000};

static int bad(err *e, const char *why)
{
	return err_set(e, ERR_INVALID, "bad_xlsx", "file", "无法读取 Excel 文件：%s", why);
}

static int too_large(err *e, const char *why)
{
	return err_set(e, ERR_INVALID, "xlsx_too_large", "file", "Excel 文件过大：%s", why);
}

/* Reads a part of the container into a heap buffer, at most max bytes whatever its
 * header claims (a zip bomb lies there). 1 when the part is missing. */
static int part_read(zip_t *z, const char *name, size_t max, char **buf, size_t *len, err *e)
{
	zip_int64_t idx = zip_name_locate(z, name, 0);
	if (idx < 0)
		return 1;
	zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!f)
		return bad(e, "压缩内容损坏或已加密");
	size_t cap = 64 * 1024, n = 0;
	char *b = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(b);
				zip_fclose(f);
				return too_large(e, "解压后的内容超过限制");
			}
			cap *= 2;
			b = xrealloc(b, cap + 1);
		}
		zip_int64_t got = zip_fread(f, b + n, cap - n);
		if (got < 0) {
			free(b);
			zip_fclose(f);
			return bad(e, "压缩内容损坏");
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			free(b);
			zip_fclose(f);
			return too_large(e, "解压后的内容超过限制");
		}
	}
	zip_fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* ---- a small frame over expat ---- */

typedef struct xml_job {
	err *e;
	bool failed;
	XML_Parser p;
} xml_job;

static void job_fail(xml_job *j)
{
	j->failed = true;
	XML_StopParser(j->p, XML_FALSE);
}

static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	xml_job *j = ud;
	bad(j->e, "不支持带 DTD 的 XML");
	job_fail(j);
}

static int xml_run(xml_job *j, const char *buf, size_t len, XML_StartElementHandler start,
		   XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		return err_set(j->e, ERR_INTERNAL, "xml", NULL, "无法创建 XML 解析器");
	j->p = p;
	XML_SetUserData(p, j);
	XML_SetElementHandler(p, start, end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, no_doctype);
	enum XML_Status st = XML_Parse(p, buf, (int)len, XML_TRUE);
	if (st != XML_STATUS_OK && !j->failed)
		bad(j->e, "XML 格式错误");
	XML_ParserFree(p);
	return st == XML_STATUS_OK && !j->failed ? 0 : -1;
}

/* ---- workbook.xml and its relationships: where the first sheet is ---- */

typedef struct book_job {
	xml_job x;
	char rid[64], name[128], target[256];
} book_job;

static void XMLCALL book_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
	book_job *j = ud;
	if (strcmp(local(el), "sheet") != 0 || j->rid[0])
		return;
	const char *id = attr(atts, "id"), *name = attr(atts, "name");
	snprintf(j->rid, sizeof j->rid, "%s", id ? id : "");
	snprintf(j->name, sizeof j->name, "%s", name ? name : "");
}

static void XMLCALL rels_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
	book_job *j = ud;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
	if (strcmp(local(el), "Relationship") != 0 || !id || !target || strcmp(id, j->rid) != 0)
		return;
	if (target[0] == '/')
		snprintf(j->target, sizeof j->target, "%s", target + 1);
	else
		snprintf(j->target, sizeof j->target, "xl/%s", target);
}

static void XMLCALL ignore_end(void *ud, const XML_Char *el)
{
}

/* ---- sharedStrings.xml ---- */

typedef struct strings_job {
	xml_job x;
	const xlsx_limits *lim;
	size_t n, cap;
	char **s;
	int in_t, in_rph;
	bool in_si;
	strbuf cur;
} strings_job;

static void XMLCALL strings_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
	strings_job *j = ud;
	const char *l = local(el);
	if (!strcmp(l, "si")) {
		if (j->n >= j->lim->strings) {
			too_large(j->x.e, "共享字符串过多");
			job_fail(&j->x);
			return;
		}
		j->in_si = true;
		strbuf_reset(&j->cur);
	} else if (!strcmp(l, "rPh")) {
		j->in_rph++;
	} else if (!strcmp(l, "t")) {
		j->in_t++;
	}
}

static void XMLCALL strings_end(void *ud, const XML_Char *el)
{
	strings_job *j = ud;
	const char *l = local(el);
	if (!strcmp(l, "si") && j->in_si) {
		if (j->n == j->cap) {
			j->cap = j->cap ? 2 * j->cap : 256;
			j->s = xrealloc(j->s, j->cap * sizeof *j->s);
		}
		j->s[j->n++] = xstrdup(strbuf_str(&j->cur));
		j->in_si = false;
	} else if (!strcmp(l, "rPh") && j->in_rph) {
		j->in_rph--;
	} else if (!strcmp(l, "t") && j->in_t) {
		j->in_t--;
	}
}

static void XMLCALL strings_text(void *ud, const XML_Char *s, int len)
{
	strings_job *j = ud;
	if (j->in_si && j->in_t && !j->in_rph && strbuf_add(&j->cur, s, (size_t)len) < 0) {
		too_large(j->x.e, "单元格内容过长");
		job_fail(&j->x);
	}
}

/* ---- the sheet ---- */

typedef struct sheet_job {
	xml_job x;
	const xlsx_limits *lim;
	const strings_job *strings;
	xlsx_table *t;
	size_t row, col; /* the current cell's, from 1; 0 before the first */
	char type[16];
	bool in_cell, in_v, in_is_t;
	strbuf cur;
} sheet_job;

/* "BC12" → column 54 (1-based) and row 12; 0 when absent or malformed. */
static void cell_ref(const char *r, size_t *col, size_t *row)
{
	size_t c = 0, w = 0;
	const char *p = r;
	while (*p >= 'A' && *p <= 'Z' && c < 100000)
		c = c * 26 + (size_t)(*p++ - 'A' + 1);
	while (*p >= '0' && *p <= '9' && w < 10000000)
		w = w * 10 + (size_t)(*p++ - '0');
	*col = *p || p == r ? 0 : c;
	*row = *p ? 0 : w;
}

static int row_open(sheet_job *j, size_t row)
{
	if (row > j->lim->rows) {
		err_set(j->x.e, ERR_INVALID, "xlsx_too_large", "file",
			"Excel 文件过大：最多 %zu 行", j->lim->rows - 1);
		job_fail(&j->x);
		return -1;
	}
	if (row > j->t->nrows) {
		j->t->rows = xrealloc(j->t->rows, row * sizeof *j->t->rows);
		memset(j->t->rows + j->t->nrows, 0, (row - j->t->nrows) * sizeof *j->t->rows);
		j->t->nrows = row;
	}
	j->row = row;
	j->col = 0;
	return 0;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
	sheet_job *j = ud;
	const char *l = local(el);
	if (!strcmp(l, "row")) {
		const char *r = attr(atts, "r");
		size_t n = r ? strtoul(r, NULL, 10) : j->row + 1;
		if (n == 0 || n <= j->row) {
			bad(j->x.e, "行号无效");
			job_fail(&j->x);
			return;
		}
		row_open(j, n);
	} else if (!strcmp(l, "c")) {
		if (!j->row) {
			bad(j->x.e, "单元格不在行内");
			job_fail(&j->x);
			return;
		}
		const char *r = attr(atts, "r"), *t = attr(atts, "t");
		size_t col = j->col + 1, row = j->row;
		if (r)
			cell_ref(r, &col, &row);
		if (!col || row != j->row || col <= j->col) {
			bad(j->x.e, "单元格位置无效");
			job_fail(&j->x);
			return;
		}
		if (col > j->lim->cols) {
			err_set(j->x.e, ERR_INVALID, "xlsx_too_large", "file",
				"Excel 文件过大：最多 %zu 列", j->lim->cols);
			job_fail(&j->x);
			return;
		}
		j->col = col;
		snprintf(j->type, sizeof j->type, "%s", t ? t : "n");
		j->in_cell = true;
		strbuf_reset(&j->cur);
	} else if (j->in_cell && !strcmp(l, "v")) {
		j->in_v = true;
	} else if (j->in_cell && !strcmp(l, "t")) {
		j->in_is_t = true;
	}
}

/* The cell's text from what was read: a shared string's index resolved. */
static int cell_text(sheet_job *j, char **out)
{
	const char *v = strbuf_str(&j->cur);
	if (!strcmp(j->type, "s")) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);
		if (!*v || *end || i >= j->strings->n) {
			bad(j->x.e, "共享字符串编号无效");
			return -1;
		}
		v = j->strings->s[i];
	}
	*out = xstrdup(v);
	return 0;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *el)
{
	sheet_job *j = ud;
	const char *l = local(el);
	if (!strcmp(l, "v")) {
		j->in_v = false;
	} else if (!strcmp(l, "t")) {
		j->in_is_t = false;
	} else if (!strcmp(l, "c") && j->in_cell) {
		j->in_cell = false;
		char *text;
		if (cell_text(j, &text) < 0) {
			job_fail(&j->x);
			return;
		}
		xlsx_row *row = &j->t->rows[j->row - 1];
		if (j->col > row->ncells) {
			row->cells = xrealloc(row->cells, j->col * sizeof *row->cells);
			for (size_t k = row->ncells; k < j->col; k++)
				row->cells[k] = xstrdup("");
			row->ncells = j->col;
		}
		free(row->cells[j->col - 1]);
		row->cells[j->col - 1] = text;
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	sheet_job *j = ud;
	if (!j->in_cell || !(j->in_v || j->in_is_t))
		return;
	if (strbuf_add(&j->cur, s, (size_t)len) < 0) {
		too_large(j->x.e, "单元格内容过长");
		job_fail(&j->x);
	}
}

/* ---- the whole ---- */

static int first_sheet(zip_t *z, const xlsx_limits *lim, book_job *b, err *e)
{
	char *buf;
	size_t len;
	int rc = part_read(z, "xl/workbook.xml", lim->entry_bytes, &buf, &len, e);
	if (rc)
		return rc < 0 ? -1 : bad(e, "不是 Excel 工作簿（缺少 workbook.xml）");
	b->x.e = e;
	rc = xml_run(&b->x, buf, len, book_start, ignore_end, NULL);
	free(buf);
	if (rc < 0)
		return -1;
	if (!b->rid[0])
		return bad(e, "工作簿中没有工作表");
	rc = part_read(z, "xl/_rels/workbook.xml.rels", lim->entry_bytes, &buf, &len, e);
	if (rc)
		return rc < 0 ? -1 : bad(e, "缺少工作簿关系文件");
	rc = xml_run(&b->x, buf, len, rels_start, ignore_end, NULL);
	free(buf);
	if (rc < 0)
		return -1;
	if (!b->target[0])
		return bad(e, "找不到第一个工作表");
	return 0;
}

static int read_strings(zip_t *z, const xlsx_limits *lim, strings_job *s, err *e)
{
	char *buf;
	size_t len;
	int rc = part_read(z, "xl/sharedStrings.xml", lim->entry_bytes, &buf, &len, e);
	if (rc)
		return rc < 0 ? -1 : 0;
	s->x.e = e;
	s->lim = lim;
	strbuf_init(&s->cur, lim->cell_bytes);
	rc = xml_run(&s->x, buf, len, strings_start, strings_end, strings_text);
	free(buf);
	return rc;
}

static int read_sheet(zip_t *z, const xlsx_limits *lim, const char *target,
		      const strings_job *strings, xlsx_table *t, err *e)
{
	char *buf;
	size_t len;
	int rc = part_read(z, target, lim->entry_bytes, &buf, &len, e);
	if (rc)
		return rc < 0 ? -1 : bad(e, "第一个工作表不存在");
	sheet_job j = {.x.e = e, .lim = lim, .strings = strings, .t = t};
	strbuf_init(&j.cur, lim->cell_bytes);
	rc = xml_run(&j.x, buf, len, sheet_start, sheet_end, sheet_text);
	strbuf_release(&j.cur);
	free(buf);
	return rc;
}

int xlsx_read(const void *data, size_t len, const xlsx_limits *lim, xlsx_table *out, err *e)
{
	memset(out, 0, sizeof *out);
	if (!lim)
		lim = &xlsx_default_limits;
	if (len < 4 || memcmp(data, "PK\3\4", 4) != 0)
		return bad(e, "不是 .xlsx 文件");
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return bad(e, "无法打开压缩内容");
	}
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	zip_error_fini(&ze);
	if (!z) {
		zip_source_free(src);
		return bad(e, "压缩格式损坏");
	}
	book_job b = {0};
	strings_job s = {0};
	int rc = first_sheet(z, lim, &b, e);
	if (rc == 0)
		rc = read_strings(z, lim, &s, e);
	if (rc == 0)
		rc = read_sheet(z, lim, b.target, &s, out, e);
	if (rc == 0)
		snprintf(out->sheet, sizeof out->sheet, "%s", b.name);
	for (size_t i = 0; i < s.n; i++)
		free(s.s[i]);
	free(s.s);
	strbuf_release(&s.cur);
	zip_discard(z);
	if (rc < 0)
		xlsx_table_free(out);
	return rc < 0 ? -1 : 0;
}

void xlsx_table_free(xlsx_table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t k = 0; k < t->rows[i].ncells; k++)
			free(t->rows[i].cells[k]);
		free(t->rows[i].cells);
	}
	free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
}
