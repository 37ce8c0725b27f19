#include "disputes/dispute_pdf.h"

#include <hpdf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/strbuf.h"
#include "disputes/dispute.h"
#include "disputes/dispute_internal.h"

/* ---- the agreement's content ---- */

typedef struct agreement {
	char number[64];
	char *facts, *matters, *terms, *fulfil_how, *unit_name, *unit_kind, *mediator;
	int64_t fulfil_by, agreed_at, copies;
	json_t *parties;
} agreement;

static void agreement_free(agreement *a)
{
	free(a->facts);
	free(a->matters);
	free(a->terms);
	free(a->fulfil_how);
	free(a->unit_name);
	free(a->unit_kind);
	free(a->mediator);
	json_decref(a->parties);
}

static char *col_dup(store_stmt *st, int col)
{
	return store_col_null(st, col) ? NULL : xstrdup(store_col_text(st, col));
}

static int agreement_load(store_conn *c, int64_t id, bool show_phone, agreement *a, err *e)
{
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT d.agreement_no, COALESCE(d.agreement_facts, c.content),"
		" COALESCE(d.agreement_matters, c.title), d.terms, d.fulfil_how, d.fulfil_by,"
		" d.agreed_at, d.copies, u.name, u.kind, m.display_name FROM disputes d"
		" JOIN cases c ON c.id = d.case_id JOIN units u ON u.id = d.agreement_unit_id"
		" LEFT JOIN users m ON m.id = d.mediator_id"
		" WHERE d.case_id = ? AND d.agreement_no IS NOT NULL",
		"i", id);
	if (rc <= 0)
		return rc == 0 ? err_set(e, ERR_NOT_FOUND, "no_agreement", NULL,
					 "该纠纷尚未达成调解协议")
			       : -1;
	snprintf(a->number, sizeof a->number, "%s", store_col_text(st, 0));
	a->facts = col_dup(st, 1);
	a->matters = col_dup(st, 2);
	a->terms = col_dup(st, 3);
	a->fulfil_how = col_dup(st, 4);
	a->fulfil_by = store_col_int(st, 5);
	a->agreed_at = store_col_int(st, 6);
	a->copies = store_col_int(st, 7);
	a->unit_name = col_dup(st, 8);
	a->unit_kind = col_dup(st, 9);
	a->mediator = col_dup(st, 10);
	store_done(st);
	return dispute_parties_json(c, id, show_phone, &a->parties, e);
}

/* ---- a small typesetter: lines of CJK text on A4 pages ---- */

enum { PAGE_W = 595, PAGE_H = 842, MARGIN_X = 79, MARGIN_TOP = 72, MARGIN_BOTTOM = 72 };

typedef struct pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font font;
	float y;
	HPDF_STATUS status; /* the first error */
} pdf;

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
	pdf *p = user;
	(void)detail;
	if (!p->status)
		p->status = code;
}

static void new_page(pdf *p)
{
	p->page = HPDF_AddPage(p->doc);
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	p->y = PAGE_H - MARGIN_TOP;
}

static void draw(pdf *p, float x, const char *s, float size)
{
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, p->font, size);
	HPDF_Page_TextOut(p->page, x, p->y, s);
	HPDF_Page_EndText(p->page);
}

/* Moves down one line of size (with its leading), on a new page when none is left. */
static void line_feed(pdf *p, float size)
{
	p->y -= size * 1.9f;
	if (p->y < MARGIN_BOTTOM) {
		new_page(p);
		p->y -= size;
	}
}

static float width(pdf *p, const char *s, float size)
{
	HPDF_Page_SetFontAndSize(p->page, p->font, size);
	return HPDF_Page_TextWidth(p->page, s);
}

/* Whether the character at s may not begin a line (closing punctuation). */
static bool no_line_start(const char *s)
{
	static const char *const marks[] = {"，", "。", "、", "；", "：", "？", "！", "）", "》",
					    "」", "』", "”",  "’",  "…",  ",",	".",  NULL};
	for (const char *const *m = marks; *m; m++)
		if (!strncmp(s, *m, strlen(*m)))
			return true;
	return false;
}

static size_t char_len(const char *s)
{
	size_t k = 1;
	while (s[k] && ((unsigned char)s[k] & 0xC0) == 0x80)
		k++;
	return k;
}

/* One paragraph, wrapped to the text width; the first line indented by `first` and the
 * others by `rest` points. */
static void paragraph(pdf *p, const char *s, float size, float first, float rest)
{
	strbuf line = STRBUF_INIT;
	float indent = first;
	for (const char *q = s; *q;) {
		size_t k = char_len(q);
		char one[8];
		snprintf(one, sizeof one, "%.*s", (int)k, q);
		float avail = PAGE_W - 2 * MARGIN_X - indent;
		bool full =
			line.len && width(p, strbuf_str(&line), size) + width(p, one, size) > avail;
		if (full && !no_line_start(q)) {
			draw(p, MARGIN_X + indent, strbuf_str(&line), size);
			line_feed(p, size);
			strbuf_reset(&line);
			indent = rest;
		}
		strbuf_add(&line, q, k);
		q += k;
	}
	if (line.len) {
		draw(p, MARGIN_X + indent, strbuf_str(&line), size);
		line_feed(p, size);
	}
	strbuf_release(&line);
}

/* A text of several paragraphs (one per line of s), each indented two characters. */
static void text_block(pdf *p, const char *s, float size)
{
	char *copy = xstrdup(s ? s : "");
	for (char *sv = NULL, *l = strtok_r(copy, "\r\n", &sv); l; l = strtok_r(NULL, "\r\n", &sv))
		if (*l)
			paragraph(p, l, size, 2 * size, 0);
	free(copy);
}

static void centred(pdf *p, const char *s, float size)
{
	draw(p, (PAGE_W - width(p, s, size)) / 2, s, size);
	line_feed(p, size);
}

static void right(pdf *p, const char *s, float size)
{
	draw(p, PAGE_W - MARGIN_X - width(p, s, size), s, size);
	line_feed(p, size);
}

/* ---- the document ---- */

static void party_lines(pdf *p, const json_t *parties)
{
	size_t i;
	json_t *pt;
	json_array_foreach(parties, i, pt)
	{
		const char *side = json_string_value(json_object_get(pt, "side"));
		bool org = !strcmp(json_string_value(json_object_get(pt, "kind")), "organization");
		strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s：%s", dispute_side_label(side),
			    json_string_value(json_object_get(pt, "name")));
		const char *idn = json_string_value(json_object_get(pt, "id_number"));
		const char *phone = json_string_value(json_object_get(pt, "phone"));
		const char *addr = json_string_value(json_object_get(pt, "address"));
		if (idn)
			strbuf_addf(&sb, "，%s：%s", org ? "统一社会信用代码" : "身份证号码", idn);
		if (phone)
			strbuf_addf(&sb, "，联系电话：%s", phone);
		if (addr)
			strbuf_addf(&sb, "，%s：%s", org ? "住所地" : "住址", addr);
		strbuf_adds(&sb, "。");
		paragraph(p, strbuf_str(&sb), 12, 0, 24);
		strbuf_release(&sb);
	}
}

static void signatures(pdf *p, const agreement *a, const char *committee)
{
	line_feed(p, 12);
	draw(p, MARGIN_X, "当事人（签名或盖章）：", 12);
	line_feed(p, 12);
	size_t i;
	json_t *pt;
	json_array_foreach(a->parties, i, pt)
	{
		char *s = xasprintf(
			"%s：%s",
			dispute_side_label(json_string_value(json_object_get(pt, "side"))),
			json_string_value(json_object_get(pt, "name")));
		draw(p, MARGIN_X + 24, s, 12);
		draw(p, MARGIN_X + 260, "签名：", 12);
		free(s);
		line_feed(p, 12);
	}
	line_feed(p, 12);
	char *med = xasprintf("人民调解员（签名）：%s", a->mediator ? a->mediator : "");
	draw(p, MARGIN_X, med, 12);
	free(med);
	line_feed(p, 12);
	line_feed(p, 12);
	char *seal = xasprintf("%s（盖章）", committee);
	right(p, seal, 12);
	free(seal);
	char date[40];
	dispute_date_cn(a->agreed_at, date, sizeof date);
	right(p, date, 12);
}

static void compose(pdf *p, const agreement *a)
{
	new_page(p);
	centred(p, "人民调解协议书", 22);
	right(p, a->number, 12);
	party_lines(p, a->parties);
	line_feed(p, 6);
	draw(p, MARGIN_X, "纠纷主要事实、争议事项：", 12);
	line_feed(p, 12);
	text_block(p, a->facts, 12);
	char *matters = xasprintf("争议事项：%s", a->matters ? a->matters : "");
	paragraph(p, matters, 12, 24, 0);
	free(matters);
	draw(p, MARGIN_X, "经调解，自愿达成如下协议：", 12);
	line_feed(p, 12);
	text_block(p, a->terms, 12);
	char by[40];
	dispute_date_cn(a->fulfil_by, by, sizeof by);
	char *how = xasprintf("履行方式、时限：%s，于%s前履行完毕。",
			      a->fulfil_how ? a->fulfil_how : "按上述协议内容履行", by);
	paragraph(p, how, 12, 0, 0);
	free(how);
	char *copies = xasprintf("本协议一式%lld份，当事人、人民调解委员会各持一份，自各方当事人"
				 "签名或盖章、人民调解员签名并加盖人民调解委员会印章之日起生效。",
				 (long long)a->copies);
	paragraph(p, copies, 12, 24, 0);
	free(copies);
	/* A village or community mediates through its people's mediation committee; a centre
	 * signs with its own name. */
	bool region = strcmp(a->unit_kind, "department") != 0;
	char *committee = xasprintf("%s%s", a->unit_name, region ? "人民调解委员会" : "");
	signatures(p, a, committee);
	free(committee);
}

/* The CJK TrueType font: YIWANG_PDF_FONT, else the first Debian font that is there. */
static const char *load_font(pdf *p)
{
	static const struct {
		const char *path;
		int index; /* in a collection; -1 for a single font */
	} fonts[] = {
		{"/usr/share/fonts/truetype/arphic/uming.ttc", 0},
		{"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0},
		{"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", -1},
	};
	const char *env = getenv("YIWANG_PDF_FONT");
	if (env && *env && access(env, R_OK) == 0) {
		size_t n = strlen(env);
		bool ttc = n > 4 && !strcmp(env + n - 4, ".ttc");
		return ttc ? HPDF_LoadTTFontFromFile2(p->doc, env, 0, HPDF_TRUE)
			   : HPDF_LoadTTFontFromFile(p->doc, env, HPDF_TRUE);
	}
	for (size_t i = 0; i < sizeof fonts / sizeof fonts[0]; i++) {
		if (access(fonts[i].path, R_OK) != 0)
			continue;
		return fonts[i].index >= 0
			       ? HPDF_LoadTTFontFromFile2(p->doc, fonts[i].path,
							  (HPDF_UINT)fonts[i].index, HPDF_TRUE)
			       : HPDF_LoadTTFontFromFile(p->doc, fonts[i].path, HPDF_TRUE);
	}
	return NULL;
}

/* The whole document into a heap buffer. */
static int render(const agreement *a, char **data, size_t *len, err *e)
{
	pdf p = {0};
	p.doc = HPDF_New(on_error, &p);
	if (!p.doc)
		return err_set(e, ERR_INTERNAL, "pdf", NULL, "无法生成 PDF");
	HPDF_SetCompressionMode(p.doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(p.doc);
	HPDF_SetCurrentEncoder(p.doc, "UTF-8");
	const char *name = load_font(&p);
	if (!name) {
		HPDF_Free(p.doc);
		return err_set(e, ERR_UNAVAILABLE, "no_font", NULL,
			       "服务器未安装中文 TrueType 字体（如 fonts-arphic-uming），"
			       "无法生成协议书");
	}
	p.font = HPDF_GetFont(p.doc, name, "UTF-8");
	HPDF_SetInfoAttr(p.doc, HPDF_INFO_TITLE, "人民调解协议书");
	HPDF_SetInfoAttr(p.doc, HPDF_INFO_CREATOR, "yiwang");
	compose(&p, a);
	int rc = 0;
	if (!p.status)
		HPDF_SaveToStream(p.doc);
	HPDF_UINT32 size = p.status ? 0 : HPDF_GetStreamSize(p.doc);
	if (p.status || !size) {
		rc = err_set(e, ERR_INTERNAL, "pdf", NULL, "生成 PDF 失败（libharu 错误 0x%04X）",
			     (unsigned)p.status);
	} else {
		char *buf = xmalloc(size);
		HPDF_UINT32 got = size;
		HPDF_ReadFromStream(p.doc, (HPDF_BYTE *)buf, &got);
		*data = buf;
		*len = got;
	}
	HPDF_Free(p.doc);
	return rc;
}

int dispute_agreement_pdf(store_conn *c, const actor *who, int64_t id, char **data, size_t *len,
			  char *number, size_t number_size, err *e)
{
	actor me;
	case_row r;
	if (dispute_scope(c, who, &me, e) < 0)
		return -1;
	if (case_load(c, id, &r, e) < 0 || strcmp(r.kind, "dispute") != 0 ||
	    !dispute_may_read(&me, &r))
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "纠纷不存在");
	agreement a = {0};
	bool show_phone = r.handler_id && who->unit_id == r.handler_id;
	int rc = agreement_load(c, id, show_phone, &a, e);
	if (rc == 0)
		rc = render(&a, data, len, e);
	if (rc == 0)
		snprintf(number, number_size, "%s", a.number);
	agreement_free(&a);
	return rc;
}
