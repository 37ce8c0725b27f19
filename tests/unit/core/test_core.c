/* The small core the rest stands on: time in ISO 8601 at the edge (China Standard Time,
 * offsets honoured, impossible dates refused), bounded string buffers, the request arena,
 * the edge's text checks (characters counted as a person sees them, invalid UTF-8 and
 * control characters refused), the JSON writer and phone masking. No database. */
#include "testutil.h"

#include "http/validate.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/strbuf.h"
#include "org/privacy.h"

/* ---- clock ---- */

static void test_format_iso_is_china_standard_time(void **state)
{
	(void)state;
	char buf[40];
	clock_format_iso(0, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T08:00:00.000+08:00");
	clock_format_iso(1795844936123, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-28T13:48:56.123+08:00");
	/* A UTC evening is the next morning in China. */
	clock_format_iso(1767225600000 - 1, buf, sizeof buf);
	assert_string_equal(buf, "2026-01-01T07:59:59.999+08:00");
	clock_format_iso(1709136000000, buf, sizeof buf);
	assert_string_equal(buf, "2024-02-29T00:00:00.000+08:00");
	/* Before the epoch the milliseconds still count forward within the second. */
	clock_format_iso(-1, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T07:59:59.999+08:00");
	clock_format_iso(-28800001, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999+08:00");
	/* A short buffer is truncated, never overrun. */
	char small[11];
	clock_format_iso(0, small, sizeof small);
	assert_string_equal(small, "1970-01-01");
}

static int64_t parse_ok(const char *s)
{
	int64_t ms = -42;
	if (clock_parse_iso(s, &ms) != 0)
		fail_msg("clock_parse_iso refused valid %s", s);
	return ms;
}

static void test_parse_iso_forms_and_default_offset(void **state)
{
	(void)state;
	/* Without an offset, the time is China Standard Time. */
	assert_int_equal(parse_ok("2026-11-28"),
			 1795844936123 - ((13 * 60 + 48) * 60 + 56) * 1000 - 123);
	assert_int_equal(parse_ok("2026-11-28T13:48"), 1795844936123 - 56123);
	assert_int_equal(parse_ok("2026-11-28T13:48:56"), 1795844936000);
	assert_int_equal(parse_ok("2026-11-28T13:48:56.123"), 1795844936123);
	assert_int_equal(parse_ok("2026-11-28 13:48:56.123"), 1795844936123);
	assert_int_equal(parse_ok("2026-11-28T13:48:56.123+08:00"), 1795844936123);
	/* Fractions: fewer digits are tenths and hundredths, more are cut to milliseconds. */
	assert_int_equal(parse_ok("2026-11-28T13:48:56.1"), 1795844936100);
	assert_int_equal(parse_ok("2026-11-28T13:48:56.12"), 1795844936120);
	assert_int_equal(parse_ok("2026-11-28T13:48:56.123999"), 1795844936123);
}

static void test_parse_iso_honours_offsets(void **state)
{
	(void)state;
	int64_t utc = 1767225600000; /* 2026-01-01T00:00:00Z */
	assert_int_equal(parse_ok("2026-01-01T00:00:00Z"), utc);
	assert_int_equal(parse_ok("2026-01-01T00:00Z"), utc);
	assert_int_equal(parse_ok("2026-01-01T08:00:00+08:00"), utc);
	assert_int_equal(parse_ok("2026-01-01T08:00:00+0800"), utc);
	assert_int_equal(parse_ok("2026-01-01T08:00:00+08"), utc);
	assert_int_equal(parse_ok("2025-12-31T19:00:00-05:00"), utc);
	assert_int_equal(parse_ok("2026-01-01T05:30:00+05:30"), utc);
	assert_int_equal(parse_ok("2025-12-31T20:30:00-03:30"), utc);
	assert_int_equal(parse_ok("2026-01-01T00:00:00+00:00"), utc);
	assert_int_equal(parse_ok("2026-01-01T00:00:00-00:00"), utc);
	assert_int_equal(parse_ok("2026-01-01T14:00:00+14:00"), utc);
}

static void test_parse_iso_round_trips_format(void **state)
{
	(void)state;
	int64_t samples[] = {0,
			     1,
			     999,
			     -1,
			     -86400000,
			     951840000000 - 1, /* the last millisecond of 2000-02-29 */
			     1709136000000,
			     1795844936123,
			     253402300799999 - 8 * 3600000}; /* 9999-12-31T23:59:59.999+08:00 */
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char buf[40];
		clock_format_iso(samples[i], buf, sizeof buf);
		int64_t back = 0;
		assert_int_equal(clock_parse_iso(buf, &back), 0);
		if (back != samples[i])
			fail_msg("%lld formatted as %s parsed back as %lld", (long long)samples[i],
				 buf, (long long)back);
	}
	/* Every day for ten years, leap days included. */
	for (int64_t ms = 1577808000000; ms < 1577808000000 + 3653LL * 86400000; ms += 86400000) {
		char buf[40];
		clock_format_iso(ms + 12345, buf, sizeof buf);
		int64_t back = 0;
		assert_int_equal(clock_parse_iso(buf, &back), 0);
		assert_int_equal(back, ms + 12345);
	}
}

static void test_parse_iso_refuses_impossible_dates(void **state)
{
	(void)state;
	const char *bad[] = {
		"2026-02-30",
		"2026-02-31",
		"2026-04-31",
		"2026-06-31",
		"2026-09-31",
		"2026-11-31",
		"2026-13-01",
		"2026-00-10",
		"2026-01-00",
		"2026-01-32",
		"2026-01-01T24:00",
		"2026-01-01T23:60",
		"2026-01-01T23:59:61",
		"1899-12-31",
		"2026-1-01",
		"2026-01-1",
		"26-01-01",
		"2026/01/01",
		"2026-01-01T",
		"2026-01-01T12",
		"2026-01-01T12:0",
		"2026-01-01T12:00:",
		"2026-01-01T12:00:00.",
		"2026-01-01T12:00:00+15:00",
		"2026-01-01T12:00+08:60",
		"2026-01-01T12:00+8",
		"2026-01-01T12:00+08:0",
		"2026-01-01Z",
		"2026-01-01x",
		"2026-01-01T12:00:00Zx",
		"2026-01-01T12:00:00+08:00 ",
		" 2026-01-01",
		"",
		"abcd-ef-gh",
		"2026-01-01T1a:00",
		"2026-01-01T12:00:00.12a",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t ms = 777;
		if (clock_parse_iso(bad[i], &ms) != -1)
			fail_msg("clock_parse_iso accepted \"%s\" as %lld", bad[i], (long long)ms);
		assert_int_equal(ms, 777);
	}
	int64_t ms;
	assert_int_equal(clock_parse_iso(NULL, &ms), -1);
}

/* An offset can carry an instant past the years China's calendar is read in; such a time
 * would be written back as 1899 or 10000 and then refused (found by fuzz/clock.c). */
static void test_parse_iso_refuses_instants_outside_the_years_it_writes(void **state)
{
	(void)state;
	int64_t ms = 777;
	assert_int_equal(clock_parse_iso("1900-01-01T00:00:00+14:00", &ms), -1);
	assert_int_equal(clock_parse_iso("1900-01-01T00:00:00+08:01", &ms), -1);
	assert_int_equal(clock_parse_iso("9999-12-31T23:59:59-14:59", &ms), -1);
	assert_int_equal(clock_parse_iso("9999-12-31T16:00:00Z", &ms), -1);
	assert_int_equal(clock_parse_iso("9999-12-31T23:59:60", &ms), -1);
	assert_int_equal(ms, 777);
	/* The first and the last instant of the range still read. */
	assert_int_equal(parse_ok("1900-01-01T00:00:00+08:00"), parse_ok("1900-01-01"));
	assert_int_equal(parse_ok("9999-12-31T15:59:59.999Z"),
			 parse_ok("9999-12-31T23:59:59.999+08:00"));
}

static void test_parse_iso_knows_leap_years(void **state)
{
	(void)state;
	int64_t ms;
	/* Divisible by 4: leap; by 100: not; by 400: leap again. */
	assert_int_equal(parse_ok("2024-02-29") + 86400000, parse_ok("2024-03-01"));
	assert_int_equal(parse_ok("2000-02-29") + 86400000, parse_ok("2000-03-01"));
	assert_int_equal(parse_ok("2000-03-01"), 951840000000);
	assert_int_equal(parse_ok("2400-02-29") + 86400000, parse_ok("2400-03-01"));
	assert_int_equal(clock_parse_iso("2026-02-29", &ms), -1);
	assert_int_equal(clock_parse_iso("2100-02-29", &ms), -1);
	assert_int_equal(clock_parse_iso("1900-02-29", &ms), -1);
	assert_int_equal(clock_parse_iso("2023-02-29T12:00:00Z", &ms), -1);
	/* A leap year's February 28 is followed by the 29th, a common year's by March 1. */
	assert_int_equal(parse_ok("2024-02-28") + 86400000, parse_ok("2024-02-29"));
	assert_int_equal(parse_ok("2026-02-28") + 86400000, parse_ok("2026-03-01"));
	/* 2024 has 366 days, 2026 has 365. */
	assert_int_equal(parse_ok("2025-01-01") - parse_ok("2024-01-01"), 366LL * 86400000);
	assert_int_equal(parse_ok("2027-01-01") - parse_ok("2026-01-01"), 365LL * 86400000);
}

/* ---- strbuf ---- */

static void test_strbuf_refuses_growth_past_max(void **state)
{
	(void)state;
	strbuf sb;
	strbuf_init(&sb, 8);
	assert_int_equal(strbuf_adds(&sb, "12345"), 0);
	assert_int_equal(strbuf_adds(&sb, "678"), 0);
	assert_int_equal(sb.len, 8);
	/* Full: every kind of append is refused and appends nothing. */
	assert_int_equal(strbuf_addch(&sb, 'x'), -1);
	assert_int_equal(strbuf_adds(&sb, "yz"), -1);
	assert_int_equal(strbuf_add(&sb, "abc", 3), -1);
	assert_int_equal(strbuf_addf(&sb, "%d", 7), -1);
	assert_int_equal(sb.len, 8);
	assert_string_equal(strbuf_str(&sb), "12345678");
	/* Appending nothing is still fine. */
	assert_int_equal(strbuf_add(&sb, "", 0), 0);
	strbuf_release(&sb);

	/* One append that would cross the limit is refused whole, not cut. */
	strbuf_init(&sb, 10);
	assert_int_equal(strbuf_adds(&sb, "abcdef"), 0);
	assert_int_equal(strbuf_adds(&sb, "ghijk"), -1);
	assert_int_equal(strbuf_addf(&sb, "%s", "ghijk"), -1);
	assert_string_equal(strbuf_str(&sb), "abcdef");
	assert_int_equal(strbuf_addf(&sb, "%04d", 42), 0);
	assert_string_equal(strbuf_str(&sb), "abcdef0042");
	/* Reset makes room again under the same limit. */
	strbuf_reset(&sb);
	assert_string_equal(strbuf_str(&sb), "");
	assert_int_equal(strbuf_adds(&sb, "0123456789"), 0);
	assert_int_equal(strbuf_addch(&sb, '!'), -1);
	strbuf_release(&sb);

	/* A hostile stream of appends stops at the limit. */
	strbuf_init(&sb, 1000);
	int accepted = 0;
	for (int i = 0; i < 100000; i++)
		if (strbuf_adds(&sb, "0123456789abcdef") == 0)
			accepted++;
	assert_int_equal(accepted, 1000 / 16);
	assert_int_equal(sb.len, 1000 / 16 * 16);
	assert_true(sb.alloc <= 2048);
	strbuf_release(&sb);
}

static void test_strbuf_unlimited_grows_and_detaches(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT;
	assert_string_equal(strbuf_str(&sb), "");
	for (int i = 0; i < 10000; i++)
		assert_int_equal(strbuf_addf(&sb, "%d,", i % 10), 0);
	assert_int_equal(sb.len, 20000);
	assert_int_equal(strlen(strbuf_str(&sb)), 20000);
	assert_memory_equal(strbuf_str(&sb), "0,1,2,3,4,", 10);
	size_t len = 0;
	char *p = strbuf_detach(&sb, &len);
	assert_int_equal(len, 20000);
	assert_int_equal(sb.len, 0);
	assert_string_equal(strbuf_str(&sb), "");
	free(p);
	/* Detaching an empty buffer still gives a string the caller frees. */
	p = strbuf_detach(&sb, NULL);
	assert_string_equal(p, "");
	free(p);
	/* Binary data with NUL bytes keeps its length. */
	assert_int_equal(strbuf_add(&sb, "a\0b", 3), 0);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b\0", 4);
	strbuf_release(&sb);
}

/* ---- arena ---- */

static void test_arena_many_allocations_distinct_and_aligned(void **state)
{
	(void)state;
	enum { N = 20000 };
	arena a;
	arena_init(&a);
	unsigned char **ptrs = xcalloc(N, sizeof *ptrs);
	size_t *sizes = xcalloc(N, sizeof *sizes);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			/* Mostly small, now and then bigger than half a block, once in a
			 * while empty. */
			size_t n =
				i % 997 == 0 ? 6000 + (size_t)i % 5000 : (size_t)(i * 7919) % 300;
			sizes[i] = n;
			ptrs[i] = arena_alloc(&a, n);
			assert_non_null(ptrs[i]);
			assert_int_equal((uintptr_t)ptrs[i] % 16, 0);
			memset(ptrs[i], i & 0xff, n);
		}
		/* Every allocation still holds what was written: none overlaps another. */
		for (int i = 0; i < N; i++)
			for (size_t k = 0; k < sizes[i]; k++)
				if (ptrs[i][k] != (unsigned char)(i & 0xff))
					fail_msg("allocation %d (size %zu) overwritten at %zu", i,
						 sizes[i], k);
		/* The arena is usable again after being freed. */
		arena_free(&a);
		assert_null(a.head);
	}
	free(ptrs);
	free(sizes);
}

static void test_arena_strings(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	char *s = arena_strdup(&a, "一网统管");
	assert_string_equal(s, "一网统管");
	char *t = arena_strndup(&a, "abcdef", 3);
	assert_string_equal(t, "abc");
	char *u = arena_printf(&a, "%s-%d-%05.1f", "unit", 42, 3.14159);
	assert_string_equal(u, "unit-42-003.1");
	/* A formatted string longer than a block. */
	char *big = arena_printf(&a, "%20000d", 7);
	assert_int_equal(strlen(big), 20000);
	assert_int_equal(big[19999], '7');
	assert_string_equal(s, "一网统管");
	arena_free(&a);
	arena_free(&a); /* freeing an empty arena is harmless */
}

/* ---- validate ---- */

static void test_utf8_counts_characters_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(jv_utf8_chars(""), 0);
	assert_int_equal(jv_utf8_chars("abc"), 3);
	assert_int_equal(jv_utf8_chars("一网"), 2);
	assert_int_equal(jv_utf8_chars("阜新市 Fuxin"), 9);
	assert_int_equal(jv_utf8_chars("é"), 1);		/* 2 bytes */
	assert_int_equal(jv_utf8_chars("\xF0\x9F\x98\x80"), 1); /* U+1F600, 4 bytes */
	assert_int_equal(jv_utf8_chars("\xF4\x8F\xBF\xBF"), 1); /* U+10FFFF, the last */
	assert_int_equal(jv_utf8_chars("\xEF\xBF\xBD"), 1);	/* U+FFFD */
	assert_int_equal(jv_utf8_chars("a\xC2\x80z"), 3);	/* U+0080, smallest 2-byte */
}

static void test_utf8_refuses_malformed_sequences(void **state)
{
	(void)state;
	const char *bad[] = {
		"\x80",			/* a continuation byte alone */
		"a\xBF",		/* ...after a letter */
		"\xFF",			/* never valid */
		"\xFE\x80",		/* never valid */
		"\xF8\x88\x80\x80\x80", /* a 5-byte form */
		"\xE4\xB8",		/* truncated at the end */
		"\xE4\xB8z",		/* truncated in the middle */
		"\xC3",			/* lead byte at the end */
		"\xE4\x41\x42",		/* lead byte followed by ASCII */
		"\xF0\x9F\x98",		/* 4-byte truncated */
		"ok\xC3(",		/* ASCII after a lead byte */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (jv_utf8_chars(bad[i]) != -1)
			fail_msg("bad[%zu] counted as %ld characters", i, jv_utf8_chars(bad[i]));
}

/* RFC 3629: a character has exactly one encoding (overlong forms are invalid), surrogates
 * are not characters, and nothing lies above U+10FFFF. Overlong forms are the classic way
 * to smuggle '/' or NUL past a check. */
static void test_utf8_refuses_overlong_surrogates_and_out_of_range(void **state)
{
	(void)state;
	const struct {
		const char *s, *what;
	} bad[] = {
		{"\xC0\xAF", "overlong '/' (2 bytes)"},
		{"\xC0\x80", "overlong NUL"},
		{"\xC1\xBF", "overlong U+007F"},
		{"\xE0\x80\xAF", "overlong '/' (3 bytes)"},
		{"\xE0\x9F\xBF", "overlong U+07FF"},
		{"\xF0\x80\x80\xAF", "overlong '/' (4 bytes)"},
		{"\xF0\x8F\xBF\xBF", "overlong U+FFFF"},
		{"\xED\xA0\x80", "surrogate U+D800"},
		{"\xED\xBF\xBF", "surrogate U+DFFF"},
		{"\xF4\x90\x80\x80", "U+110000"},
		{"\xF5\x80\x80\x80", "lead byte F5"},
		{"\xF7\xBF\xBF\xBF", "lead byte F7"},
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		long n = jv_utf8_chars(bad[i].s);
		if (n != -1) {
			print_error("jv_utf8_chars accepted %s as %ld character(s)\n", bad[i].what,
				    n);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
	/* The nearest valid neighbours stay valid. */
	assert_int_equal(jv_utf8_chars("\xEE\x80\x80"), 1);	/* U+E000 */
	assert_int_equal(jv_utf8_chars("\xED\x9F\xBF"), 1);	/* U+D7FF */
	assert_int_equal(jv_utf8_chars("\xE0\xA0\x80"), 1);	/* U+0800 */
	assert_int_equal(jv_utf8_chars("\xF0\x90\x80\x80"), 1); /* U+10000 */
}

static void test_control_characters_detected(void **state)
{
	(void)state;
	assert_false(jv_has_control("", false));
	assert_false(jv_has_control("普通文字 plain text ~!@#", false));
	assert_true(jv_has_control("a\x01z", false));
	assert_true(jv_has_control("\x1b[31m", false));
	assert_true(jv_has_control("a\x7f", false));
	assert_true(jv_has_control("\x1f", true));
	/* Line breaks and tabs only in multi-line text. */
	assert_true(jv_has_control("a\nb", false));
	assert_true(jv_has_control("a\tb", false));
	assert_true(jv_has_control("a\rb", false));
	assert_false(jv_has_control("a\nb", true));
	assert_false(jv_has_control("a\tb", true));
	assert_false(jv_has_control("a\r\nb", true));
	assert_true(jv_has_control("a\n\x02", true));
}

static void test_jv_str_counts_characters_and_refuses_bad_text(void **state)
{
	(void)state;
	json_t *o = json_object();
	const char *out;
	bool present;
	err e = {0};

	/* 100 Chinese characters are 300 bytes and fit a 100-character field. */
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 100; i++)
		strbuf_adds(&sb, "网");
	json_object_set_new(o, "name", json_string(strbuf_str(&sb)));
	assert_int_equal(jv_str(o, "name", JV_REQUIRED, 100, &out, &present, &e), 0);
	assert_true(present);
	assert_ptr_equal(out, json_string_value(json_object_get(o, "name")));
	strbuf_adds(&sb, "网");
	json_object_set_new(o, "name", json_string(strbuf_str(&sb)));
	assert_int_equal(jv_str(o, "name", JV_REQUIRED, 100, &out, &present, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "too_long");
	assert_string_equal(e.field, "name");
	assert_null(out);
	strbuf_release(&sb);

	json_object_set_new(o, "name", json_string("a\x01z"));
	assert_int_equal(jv_str(o, "name", JV_REQUIRED, 100, &out, NULL, &e), -1);
	assert_string_equal(e.code, "invalid_text");

	json_object_set_new(o, "note", json_string("line one\nline two"));
	assert_int_equal(jv_str(o, "note", JV_REQUIRED, 100, &out, NULL, &e), -1);
	assert_int_equal(jv_str(o, "note", JV_REQUIRED | JV_MULTILINE, 100, &out, NULL, &e), 0);
	assert_string_equal(out, "line one\nline two");

	/* A NUL inside the JSON string would cut the text short in C. */
	json_object_set_new(o, "name", json_stringn("ab\0cd", 5));
	assert_int_equal(jv_str(o, "name", JV_REQUIRED, 100, &out, NULL, &e), -1);
	assert_string_equal(e.code, "invalid_text");

	/* Invalid UTF-8 that bypassed the JSON parser is still refused. */
	json_object_set_new(o, "name", json_string_nocheck("ab\xFF"));
	assert_int_equal(jv_str(o, "name", JV_REQUIRED, 100, &out, NULL, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_null(out);

	/* Spaces only count as empty. */
	json_object_set_new(o, "name", json_string("   "));
	assert_int_equal(jv_str(o, "name", JV_REQUIRED, 100, &out, NULL, &e), -1);
	assert_string_equal(e.code, "missing_field");
	assert_int_equal(jv_str(o, "name", JV_OPTIONAL, 100, &out, NULL, &e), 0);
	assert_null(out);

	/* The wrong type is a malformed request, not an invalid value. */
	json_object_set_new(o, "name", json_integer(5));
	assert_int_equal(jv_str(o, "name", JV_REQUIRED, 100, &out, NULL, &e), -1);
	assert_int_equal(e.kind, ERR_BAD_REQUEST);

	/* Absent and null. */
	assert_int_equal(jv_str(o, "absent", JV_OPTIONAL, 100, &out, &present, &e), 0);
	assert_null(out);
	assert_false(present);
	assert_int_equal(jv_str(o, "absent", JV_REQUIRED, 100, &out, &present, &e), -1);
	assert_string_equal(e.code, "missing_field");
	json_object_set_new(o, "code", json_null());
	assert_int_equal(jv_str(o, "code", JV_NULLABLE, 32, &out, &present, &e), 0);
	assert_true(present);
	assert_null(out);
	json_decref(o);
}

/* ---- privacy ---- */

/* ---- the JSON writer ---- */

static char *written(void (*fn)(strbuf *))
{
	strbuf sb = STRBUF_INIT;
	fn(&sb);
	return strbuf_detach(&sb, NULL);
}

static void write_object(strbuf *sb)
{
	jw_open(sb, '{');
	jw_key(sb, "id");
	jw_int(sb, 42);
	jw_key(sb, "neg");
	jw_int(sb, INT64_MIN);
	jw_key(sb, "title");
	jw_str(sb, "暖气不热 \"三楼\"\n\\ \t\x01");
	jw_key(sb, "none");
	jw_str(sb, NULL);
	jw_key(sb, "list");
	jw_open(sb, '[');
	jw_bool(sb, true);
	jw_bool(sb, false);
	jw_null(sb);
	jw_open(sb, '{');
	jw_close(sb, '}');
	jw_real(sb, 121.65);
	jw_real(sb, 3.0);
	jw_close(sb, ']');
	jw_key(sb, "empty");
	jw_open(sb, '[');
	jw_close(sb, ']');
	jw_close(sb, '}');
}

static void test_jsonw_writes_valid_compact_json(void **state)
{
	(void)state;
	char *s = written(write_object);
	assert_string_equal(s, "{\"id\":42,\"neg\":-9223372036854775808,"
			       "\"title\":\"暖气不热 \\\"三楼\\\"\\n\\\\ \\t\\u0001\","
			       "\"none\":null,\"list\":[true,false,null,{},121.65,3.0],"
			       "\"empty\":[]}");
	/* jansson reads back what was written. */
	json_error_t je;
	json_t *v = json_loads(s, 0, &je);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "title")),
			    "暖气不热 \"三楼\"\n\\ \t\x01");
	assert_true(json_integer_value(json_object_get(v, "neg")) == INT64_MIN);
	json_decref(v);
	free(s);
}

static void write_bad_utf8(strbuf *sb)
{
	jw_open(sb, '[');
	jw_str(sb, "a\xff\xfe");	/* not UTF-8 at all */
	jw_str(sb, "\xe4\xbd");		/* a sequence cut short */
	jw_str(sb, "\xed\xa0\x80");	/* a surrogate */
	jw_str(sb, "\xc0\xaf");		/* an overlong slash */
	jw_str(sb, "\xe0\x80\xaf");	/* an overlong slash in three bytes */
	jw_str(sb, "\xf4\x90\x80\x80"); /* above U+10FFFF */
	jw_str(sb, "\xf0\x9f\x98\x80"); /* an emoji is kept */
	jw_close(sb, ']');
}

static void test_jsonw_never_writes_invalid_utf8(void **state)
{
	(void)state;
	char *s = written(write_bad_utf8);
	assert_string_equal(s, "[\"a\\ufffd\\ufffd\",\"\\ufffd\\ufffd\","
			       "\"\\ufffd\\ufffd\\ufffd\",\"\\ufffd\\ufffd\","
			       "\"\\ufffd\\ufffd\\ufffd\",\"\\ufffd\\ufffd\\ufffd\\ufffd\","
			       "\"\xf0\x9f\x98\x80\"]");
	json_t *v = json_loads(s, 0, NULL);
	assert_non_null(v);
	json_decref(v);
	free(s);
}

static void test_jsonw_tree_matches_jansson(void **state)
{
	(void)state;
	json_t *v =
		json_pack("{s:s, s:I, s:b, s:n, s:[f, f, {s:s}], s:{}}", "z", "后来的键先写", "a",
			  (json_int_t)-7, "t", 1, "n", "r", 0.1, -2.5e-9, "k", "供暖\u2028", "o");
	strbuf sb = STRBUF_INIT;
	jw_tree(&sb, v);
	char *ours = strbuf_detach(&sb, NULL);
	/* Reals are written shortest-first (0.1, not jansson's 0.10000000000000001) and
	 * read back equal; everything else is byte for byte what jansson writes. */
	assert_string_equal(ours, "{\"z\":\"后来的键先写\",\"a\":-7,\"t\":true,\"n\":null,"
				  "\"r\":[0.1,-2.5e-09,{\"k\":\"供暖\u2028\"}],\"o\":{}}");
	json_t *back = json_loads(ours, 0, NULL);
	assert_true(json_equal(back, v));
	json_decref(back);
	free(ours);
	json_decref(v);
}

static void test_mask_phone_hides_the_middle(void **state)
{
	(void)state;
	char out[64];
	privacy_mask_phone("13812341234", out, sizeof out);
	assert_string_equal(out, "138****1234");
	privacy_mask_phone("+86 138 1234 5678", out, sizeof out);
	assert_string_equal(out, "+86****5678");
	privacy_mask_phone("0418-12345678", out, sizeof out);
	assert_string_equal(out, "041****5678");
	/* Short values are hidden entirely. */
	privacy_mask_phone("12345", out, sizeof out);
	assert_string_equal(out, "****");
	privacy_mask_phone("1", out, sizeof out);
	assert_string_equal(out, "****");
	privacy_mask_phone("", out, sizeof out);
	assert_string_equal(out, "");
	privacy_mask_phone(NULL, out, sizeof out);
	assert_string_equal(out, "");
	/* A small output buffer is cut, never overrun. */
	char small[6];
	privacy_mask_phone("13812341234", small, sizeof small);
	assert_string_equal(small, "138**");
}

/* Text published to the public (Open311) hides phone and ID card numbers inside it, but
 * keeps other numbers a report needs: a floor, a temperature, a date. */
static void test_mask_text_hides_numbers_that_identify(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"请回电13812345678谢谢", "请回电138****5678谢谢"},
		{"电话 138-1234-5678", "电话 138-****-5678"},
		{"座机 2345678", "座机 23***78"},
		/* An extension does not make a landline a date (found by fuzz/privacy.c). */
		{"分机 2812345-801", "分机 28*****-*01"},
		{"0418-2812345", "041*-***2345"},
		{"身份证21090219800101123X", "身份证210***********123X"},
		{"5楼，室温14.5度，2026-11-20起", "5楼，室温14.5度，2026-11-20起"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *m = privacy_mask_text(cases[i].in);
		assert_string_equal(m, cases[i].out);
		free(m);
	}
	char *n = privacy_mask_text(NULL);
	assert_string_equal(n, "");
	free(n);
}

/* A masked number must hide at least one of its characters. Seven-digit local landline
 * numbers are common in China, and check_phone (api/users.c) accepts numbers from five
 * characters. */
static void test_mask_phone_never_reveals_whole_number(void **state)
{
	(void)state;
	/* Padded to a mobile's length, a landline is still seven digits (found by
	 * fuzz/privacy.c). */
	const char *numbers[] = {"12345",	"123456",      "2345678",    "23456789",
				 "13812341234", "678+ + 0808", "281 - 2345", "2812345    "};
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		char out[64];
		privacy_mask_phone(numbers[i], out, sizeof out);
		size_t shown = 0, digits = 0;
		for (const char *p = out; *p; p++)
			shown += *p >= '0' && *p <= '9';
		for (const char *p = numbers[i]; *p; p++)
			digits += *p >= '0' && *p <= '9';
		if (shown >= digits)
			fail_msg("\"%s\" masked as \"%s\" shows every digit", numbers[i], out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_iso_is_china_standard_time),
		cmocka_unit_test(test_parse_iso_forms_and_default_offset),
		cmocka_unit_test(test_parse_iso_honours_offsets),
		cmocka_unit_test(test_parse_iso_round_trips_format),
		cmocka_unit_test(test_parse_iso_refuses_impossible_dates),
		cmocka_unit_test(test_parse_iso_refuses_instants_outside_the_years_it_writes),
		cmocka_unit_test(test_parse_iso_knows_leap_years),
		cmocka_unit_test(test_strbuf_refuses_growth_past_max),
		cmocka_unit_test(test_strbuf_unlimited_grows_and_detaches),
		cmocka_unit_test(test_arena_many_allocations_distinct_and_aligned),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_utf8_counts_characters_not_bytes),
		cmocka_unit_test(test_utf8_refuses_malformed_sequences),
		cmocka_unit_test(test_utf8_refuses_overlong_surrogates_and_out_of_range),
		cmocka_unit_test(test_control_characters_detected),
		cmocka_unit_test(test_jv_str_counts_characters_and_refuses_bad_text),
		cmocka_unit_test(test_jsonw_writes_valid_compact_json),
		cmocka_unit_test(test_jsonw_never_writes_invalid_utf8),
		cmocka_unit_test(test_jsonw_tree_matches_jansson),
		cmocka_unit_test(test_mask_phone_hides_the_middle),
		cmocka_unit_test(test_mask_phone_never_reveals_whole_number),
		cmocka_unit_test(test_mask_text_hides_numbers_that_identify),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
