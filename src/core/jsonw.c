#include "core/jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"

/* Room for n more bytes and the NUL a strbuf keeps. The writer writes into the buffer
 * itself (a call per byte through strbuf_addch showed in profiles); its buffers have no
 * maximum, so this cannot fail. */
static inline char *room(strbuf *sb, size_t n)
{
	if (sb->len + n + 1 > sb->alloc) {
		size_t want = sb->alloc ? sb->alloc : 256;
		while (want < sb->len + n + 1)
			want *= 2;
		sb->buf = xrealloc(sb->buf, want);
		sb->alloc = want;
	}
	return sb->buf + sb->len;
}

static inline void put(strbuf *sb, const void *p, size_t n)
{
	memcpy(room(sb, n), p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void putc1(strbuf *sb, char c)
{
	char *d = room(sb, 1);
	d[0] = c;
	d[1] = '\0';
	sb->len++;
}

/* A comma is due when the last byte written ends a value: anything but an opening
 * bracket, a key's colon or a comma. The writer never emits whitespace. */
static inline void sep(strbuf *sb)
{
	if (sb->len) {
		char last = sb->buf[sb->len - 1];
		if (last != '{' && last != '[' && last != ':' && last != ',')
			putc1(sb, ',');
	}
}

void jw_open(strbuf *sb, char bracket)
{
	sep(sb);
	putc1(sb, bracket);
}

void jw_close(strbuf *sb, char bracket)
{
	putc1(sb, bracket);
}

/* The length of the valid UTF-8 sequence at p (at most n bytes), 0 when invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* The string quoted and escaped. Room for the plain case is made once; escapes, rare,
 * make more as they go. */
static void str_body(strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
	room(sb, n + 2);
	sb->buf[sb->len++] = '"';
	while (p < end) {
		unsigned char c = *p;
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0x80) {
			/* Chinese text is three-byte sequences: checked inline. */
			if ((c & 0xf0) == 0xe0 && end - p >= 3 && (p[1] & 0xc0) == 0x80 &&
			    (p[2] & 0xc0) == 0x80 && (c != 0xe0 || p[1] >= 0xa0) &&
			    (c != 0xed || p[1] < 0xa0)) {
				p += 3;
				continue;
			}
			size_t l = utf8_len(p, (size_t)(end - p));
			if (l) {
				p += l;
				continue;
			}
		}
		put(sb, run, (size_t)(p - run));
		if (c >= 0x80) {
			put(sb, "\\ufffd", 6);
		} else if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			put(sb, esc, 2);
		} else if (c == '\n') {
			put(sb, "\\n", 2);
		} else if (c == '\r') {
			put(sb, "\\r", 2);
		} else if (c == '\t') {
			put(sb, "\\t", 2);
		} else {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			put(sb, esc, 6);
		}
		run = ++p;
	}
	put(sb, run, (size_t)(p - run));
	putc1(sb, '"');
}

void jw_key(strbuf *sb, const char *k)
{
	sep(sb);
	str_body(sb, k, strlen(k));
	putc1(sb, ':');
}

void jw_strn(strbuf *sb, const char *s, size_t n)
{
	sep(sb);
	str_body(sb, s, n);
}

void jw_str(strbuf *sb, const char *s)
{
	if (!s) {
		jw_null(sb);
		return;
	}
	jw_strn(sb, s, strlen(s));
}

void jw_int(strbuf *sb, int64_t v)
{
	char buf[24], *p = buf + sizeof buf;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	sep(sb);
	put(sb, p, (size_t)(buf + sizeof buf - p));
}

void jw_bool(strbuf *sb, bool v)
{
	sep(sb);
	if (v)
		put(sb, "true", 4);
	else
		put(sb, "false", 5);
}

void jw_null(strbuf *sb)
{
	sep(sb);
	put(sb, "null", 4);
}

void jw_real(strbuf *sb, double v)
{
	if (!isfinite(v)) {
		jw_null(sb);
		return;
	}
	/* As jansson writes reals: the shortest of %.17g that reads back the same, with a
	 * ".0" when it would look like an integer. */
	char buf[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (!strpbrk(buf, ".eE"))
		strcat(buf, ".0");
	sep(sb);
	strbuf_adds(sb, buf);
}

void jw_time(strbuf *sb, int64_t ms)
{
	char buf[40];
	buf[0] = '"';
	clock_format_iso(ms, buf + 1, sizeof buf - 2);
	size_t n = strlen(buf);
	buf[n++] = '"';
	sep(sb);
	put(sb, buf, n);
}

void jw_raw(strbuf *sb, const char *json, size_t n)
{
	sep(sb);
	put(sb, json, n);
}

void jw_tree(strbuf *sb, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		jw_open(sb, '{');
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x)
		{
			jw_key(sb, k);
			jw_tree(sb, x);
		}
		jw_close(sb, '}');
		break;
	}
	case JSON_ARRAY: {
		jw_open(sb, '[');
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) jw_tree(sb, x);
		jw_close(sb, ']');
		break;
	}
	case JSON_STRING: jw_strn(sb, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: jw_int(sb, json_integer_value(v)); break;
	case JSON_REAL: jw_real(sb, json_real_value(v)); break;
	case JSON_TRUE: jw_bool(sb, true); break;
	case JSON_FALSE: jw_bool(sb, false); break;
	case JSON_NULL: jw_null(sb); break;
	}
}
