#include "core/jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"

/* A comma is due when the last byte written ends a value: anything but an opening
 * bracket, a key's colon or a comma. The writer never emits whitespace. */
static void sep(strbuf *sb)
{
	if (sb->len) {
		char last = sb->buf[sb->len - 1];
		if (last != '{' && last != '[' && last != ':' && last != ',')
			strbuf_addch(sb, ',');
	}
}

void jw_open(strbuf *sb, char bracket)
{
	sep(sb);
	strbuf_addch(sb, bracket);
}

void jw_close(strbuf *sb, char bracket)
{
	strbuf_addch(sb, bracket);
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

static void str_body(strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
	strbuf_addch(sb, '"');
	while (p < end) {
		unsigned char c = *p;
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0x80) {
			size_t l = utf8_len(p, (size_t)(end - p));
			if (l) {
				p += l;
				continue;
			}
		}
		strbuf_add(sb, run, (size_t)(p - run));
		if (c >= 0x80) {
			strbuf_add(sb, "\\ufffd", 6);
		} else if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			strbuf_add(sb, esc, 2);
		} else if (c == '\n') {
			strbuf_add(sb, "\\n", 2);
		} else if (c == '\r') {
			strbuf_add(sb, "\\r", 2);
		} else if (c == '\t') {
			strbuf_add(sb, "\\t", 2);
		} else {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			strbuf_add(sb, esc, 6);
		}
		run = ++p;
	}
	strbuf_add(sb, run, (size_t)(p - run));
	strbuf_addch(sb, '"');
}

void jw_key(strbuf *sb, const char *k)
{
	sep(sb);
	str_body(sb, k, strlen(k));
	strbuf_addch(sb, ':');
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
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%" PRId64, v);
	sep(sb);
	strbuf_add(sb, buf, (size_t)n);
}

void jw_bool(strbuf *sb, bool v)
{
	sep(sb);
	if (v)
		strbuf_add(sb, "true", 4);
	else
		strbuf_add(sb, "false", 5);
}

void jw_null(strbuf *sb)
{
	sep(sb);
	strbuf_add(sb, "null", 4);
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
	clock_format_iso(ms, buf, sizeof buf);
	sep(sb);
	strbuf_addch(sb, '"');
	strbuf_adds(sb, buf);
	strbuf_addch(sb, '"');
}

void jw_raw(strbuf *sb, const char *json, size_t n)
{
	sep(sb);
	strbuf_add(sb, json, n);
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
