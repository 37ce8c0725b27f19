#include "store/search.h"

#include <stdint.h>
#include <string.h>

#define BAD_CP UINT32_MAX

enum cls { SEP, WORD, CJK };

/* Decodes the character at s (n > 0 bytes left) into *cp and returns its length. A byte
 * that does not start a well-formed sequence (overlong, surrogate, beyond U+10FFFF, cut
 * short) is returned alone as BAD_CP, so the scan resumes at the very next byte. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t need;
	uint32_t v;
	unsigned lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else {
		*cp = BAD_CP;
		return 1;
	}
	if (n <= need) {
		*cp = BAD_CP;
		return 1;
	}
	for (size_t i = 1; i <= need; i++) {
		unsigned b = s[i];
		if (b < lo || b > hi) {
			*cp = BAD_CP;
			return 1;
		}
		v = v << 6 | (b & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need + 1;
}

static size_t encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	/* Word characters all lie in the Basic Multilingual Plane. */
	out[0] = (char)(0xE0 | cp >> 12);
	out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* Scripts written without spaces between words. Punctuation inside these blocks (、。「」
 * ・ and the like) is left out so that it separates runs. */
static const uint32_t cjk_ranges[][2] = {
	{0x1100, 0x11FF},   /* Hangul Jamo */
	{0x3005, 0x3007},   /* 々 〆 〇 */
	{0x3041, 0x309F},   /* Hiragana */
	{0x30A1, 0x30FA},   /* Katakana */
	{0x30FC, 0x30FF},   /* ー and the katakana iteration marks */
	{0x3105, 0x312F},   /* Bopomofo */
	{0x3131, 0x318E},   /* Hangul Compatibility Jamo */
	{0x31A0, 0x31BF},   /* Bopomofo Extended */
	{0x31F0, 0x31FF},   /* Katakana Phonetic Extensions */
	{0x3400, 0x4DBF},   /* CJK Extension A */
	{0x4E00, 0x9FFF},   /* CJK Unified Ideographs */
	{0xA960, 0xA97F},   /* Hangul Jamo Extended-A */
	{0xAC00, 0xD7A3},   /* Hangul Syllables */
	{0xD7B0, 0xD7FF},   /* Hangul Jamo Extended-B */
	{0xF900, 0xFAFF},   /* CJK Compatibility Ideographs */
	{0xFF66, 0xFF9F},   /* half-width Katakana */
	{0xFFA0, 0xFFDC},   /* half-width Hangul */
	{0x1B000, 0x1B16F}, /* Kana Supplement, Kana Extended-A, Small Kana */
	{0x20000, 0x2FA1F}, /* CJK Extensions B-F, Compatibility Supplement */
	{0x30000, 0x323AF}, /* CJK Extensions G, H */
};

static bool is_cjk(uint32_t cp)
{
	if (cp < cjk_ranges[0][0])
		return false;
	for (size_t i = 0; i < sizeof cjk_ranges / sizeof cjk_ranges[0]; i++)
		if (cp >= cjk_ranges[i][0] && cp <= cjk_ranges[i][1])
			return true;
	return false;
}

/* What a character does to the scan. Word characters come back folded in *cp: full-width
 * ASCII to ASCII, upper case to lower case (ASCII and Latin-1). */
static enum cls classify(uint32_t *cp)
{
	uint32_t c = *cp;
	if (c >= 0xFF01 && c <= 0xFF5E)
		c -= 0xFEE0;
	if (c < 0x80) {
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		*cp = c;
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? WORD : SEP;
	}
	/* Latin letters with diacritics (Latin-1, Extended-A/B, Extended Additional), not × ÷. */
	if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF)) {
		if (c <= 0xDE)
			c += 0x20;
		*cp = c;
		return WORD;
	}
	return is_cjk(c) ? CJK : SEP;
}

/* The class of the character at pos, and (through end) where it ends. */
static enum cls char_at(const search_scan *sc, size_t pos, uint32_t *cp, size_t *end)
{
	uint32_t c;
	size_t n = decode((const unsigned char *)sc->text + pos, sc->len - pos, &c);
	*end = pos + n;
	*cp = c;
	return c == BAD_CP ? SEP : classify(cp);
}

static void set_span(const search_scan *sc, search_token *tok, size_t start, size_t end,
		     bool colocated)
{
	/* At most two CJK characters of four bytes each: always fits. */
	memcpy(tok->text, sc->text + start, end - start);
	tok->len = end - start;
	tok->text[tok->len] = '\0';
	tok->start = start;
	tok->end = end;
	tok->colocated = colocated;
}

/* Takes the whole word at sc->pos; keeps its first SEARCH_WORD_MAX bytes (whole
 * characters), but its span covers all of it. */
static void scan_word(search_scan *sc, search_token *tok)
{
	bool cut = false;
	tok->len = 0;
	tok->start = sc->pos;
	while (sc->pos < sc->len) {
		uint32_t cp;
		size_t end;
		if (char_at(sc, sc->pos, &cp, &end) != WORD)
			break;
		char enc[4];
		size_t m = encode(cp, enc);
		if (!cut && tok->len + m <= SEARCH_WORD_MAX) {
			memcpy(tok->text + tok->len, enc, m);
			tok->len += m;
		} else {
			cut = true;
		}
		sc->pos = end;
	}
	tok->text[tok->len] = '\0';
	tok->end = sc->pos;
	tok->colocated = false;
}

/* The tokens of the CJK character [start, end), followed by a CJK character ending at
 * next_end when next_end > end. Returns whether tok was filled. */
static bool cjk_tokens(search_scan *sc, size_t start, size_t end, size_t next_end,
		       search_token *tok)
{
	bool pair = next_end > end;
	if (sc->mode == SEARCH_INDEX) {
		set_span(sc, tok, start, end, false);
		if (pair) {
			set_span(sc, &sc->next, start, next_end, true);
			sc->pending = true;
		}
		return true;
	}
	if (pair) {
		set_span(sc, tok, start, next_end, false);
		return true;
	}
	/* The run's last character: the whole query term when it is alone; in a phrase it
	 * also holds the run's last position. */
	if (sc->run == 1 || sc->mode == SEARCH_PHRASE) {
		set_span(sc, tok, start, end, false);
		return true;
	}
	return false;
}

void search_scan_init(search_scan *sc, const char *text, size_t len, enum search_mode mode)
{
	memset(sc, 0, sizeof *sc);
	sc->text = text;
	sc->len = len;
	sc->mode = mode;
}

bool search_scan_next(search_scan *sc, search_token *tok)
{
	while (sc->count < SEARCH_MAX_TOKENS) {
		if (sc->pending) {
			*tok = sc->next;
			sc->pending = false;
			sc->count++;
			return true;
		}
		if (sc->pos >= sc->len)
			return false;
		uint32_t cp;
		size_t start = sc->pos, end;
		enum cls k = char_at(sc, start, &cp, &end);
		if (k == SEP) {
			sc->pos = end;
			sc->run = 0;
			continue;
		}
		if (k == WORD) {
			sc->run = 0;
			scan_word(sc, tok);
			sc->count++;
			return true;
		}
		sc->pos = end;
		sc->run++;
		size_t next_end = end;
		if (end < sc->len && char_at(sc, end, &cp, &next_end) != CJK)
			next_end = end;
		if (cjk_tokens(sc, start, end, next_end, tok)) {
			sc->count++;
			return true;
		}
	}
	return false;
}

static int append_tokens(const char *text, enum search_mode mode, strbuf *out)
{
	search_scan sc;
	search_token tok;
	int n = 0;
	search_scan_init(&sc, text ? text : "", text ? strlen(text) : 0, mode);
	while (search_scan_next(&sc, &tok)) {
		/* Separator and token go in one append, so a full buffer never ends in half a
		 * token or a dangling space. */
		char piece[SEARCH_WORD_MAX + 2];
		size_t m = 0;
		if (out->len > 0 && out->buf[out->len - 1] != ' ')
			piece[m++] = ' ';
		memcpy(piece + m, tok.text, tok.len);
		if (strbuf_add(out, piece, m + tok.len) < 0)
			break;
		n++;
	}
	return n;
}

void search_index_tokens(const char *text, strbuf *out)
{
	append_tokens(text, SEARCH_INDEX, out);
}

int search_query_tokens(const char *query, strbuf *out)
{
	return append_tokens(query, SEARCH_QUERY, out);
}
