/* Free-text search: Chinese queries of two characters must find what they name (供暖,
 * 漏水), longer ones only the exact sequence, Latin words regardless of case and width.
 * The token functions are checked directly, then the FTS5 tokenizer on an in-memory
 * SQLite database with realistic appeals, including highlight() and snippet() offsets. */
#include "testutil.h"

#include "platforms.h"

#include <sqlite3.h>

#include "core/strbuf.h"
#include "store/search.h"
#include "store/fts_cjk.h"

static void expect_index(const char *text, const char *want)
{
	strbuf sb = STRBUF_INIT;
	search_index_tokens(text, &sb);
	if (strcmp(strbuf_str(&sb), want) != 0)
		fail_msg("index tokens of \"%s\":\n  got  \"%s\"\n  want \"%s\"", text,
			 strbuf_str(&sb), want);
	strbuf_release(&sb);
}

static void expect_query(const char *text, const char *want, int count)
{
	strbuf sb = STRBUF_INIT;
	int n = search_query_tokens(text, &sb);
	if (strcmp(strbuf_str(&sb), want) != 0 || n != count)
		fail_msg("query tokens of \"%s\":\n  got  \"%s\" (%d)\n  want \"%s\" (%d)", text,
			 strbuf_str(&sb), n, want, count);
	strbuf_release(&sb);
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

/* ---- tokens ---- */

static void test_index_mixed_text_gives_cjk_unigrams_bigrams_and_words(void **state)
{
	(void)state;
	expect_index("小区暖气不热 Room 302 温度15度",
		     "小 小区 区 区暖 暖 暖气 气 气不 不 不热 热 room 302 温 温度 度 15 度");
	expect_index("供暖", "供 供暖 暖");
	expect_index("暖", "暖");
	/* Letters and digits together are one word (3B, A3栋). */
	expect_index("A3栋3B室", "a3 栋 3b 室");
}

static void test_query_asks_bigrams_or_lone_character(void **state)
{
	(void)state;
	expect_query("小区暖气不热 Room 302 温度15度",
		     "小区 区暖 暖气 气不 不热 room 302 温度 15 度", 10);
	expect_query("供暖", "供暖", 1);
	expect_query("暖", "暖", 1);
	expect_query("暖气不热", "暖气 气不 不热", 3);
	expect_query("A栋 漏水", "a 栋 漏水", 3);
}

static void test_fullwidth_ascii_folds_to_ascii(void **state)
{
	(void)state;
	expect_index("ＡＢＣ１２３", "abc123");
	expect_index("Ｒｏｏｍ３０２室", "room302 室");
	expect_index("温度１５度", "温 温度 度 15 度");
	/* Full-width punctuation and the ideographic space separate. */
	expect_index("ａ！ｂ（ｃ）\u3000ｄ", "a b c d");
	expect_query("３号楼", "3 号楼", 2);
}

static void test_emoji_and_cjk_punctuation_separate(void **state)
{
	(void)state;
	expect_index("漏水😭严重", "漏 漏水 水 严 严重 重");
	expect_index("供暖、漏水。「路灯」", "供 供暖 暖 漏 漏水 水 路 路灯 灯");
	expect_index("😀👍🏻❤️", "");
	/* Greek, Cyrillic, symbols: not indexed. */
	expect_index("α≈β №5", "5");
}

static void test_invalid_utf8_bytes_separate(void **state)
{
	(void)state;
	expect_index("漏\xff水", "漏 水");
	expect_index("ab\xc3"
		     "cd",
		     "ab cd");
	expect_index("ab\x80"
		     "cd",
		     "ab cd");
	/* Overlong, surrogate, beyond U+10FFFF: each byte separates. */
	expect_index("a\xc0\xaf"
		     "b",
		     "a b");
	expect_index("a\xe0\x80\xaf"
		     "b",
		     "a b");
	expect_index("a\xed\xa0\x80"
		     "b",
		     "a b");
	expect_index("a\xf4\x90\x80\x80"
		     "b",
		     "a b");
	/* A character cut short at the end, or by the next one. */
	expect_index("漏水\xe6\xb0", "漏 漏水 水");
	expect_index("漏\xe6供暖", "漏 供 供暖 暖");
	expect_query("供\xe6\xb0暖", "供 暖", 2);
}

static void test_empty_and_separator_only_text_gives_nothing(void **state)
{
	(void)state;
	expect_index("", "");
	expect_index("，。！？ ... \t\n", "");
	expect_index(NULL, "");
	expect_query("", "", 0);
	expect_query("！？", "", 0);
}

static void test_kana_and_hangul_are_cjk(void **state)
{
	(void)state;
	expect_index("すし", "す すし し");
	expect_index("カメラ・レンズ", "カ カメ メ メラ ラ レ レン ン ンズ ズ");
	expect_index("한국", "한 한국 국");
	expect_index("〇号", "〇 〇号 号");
}

static void test_latin_case_folds(void **state)
{
	(void)state;
	expect_index("HeLLo WORLD", "hello world");
	expect_index("Ünïcode Café", "ünïcode café");
	expect_index("don't 15.5kg", "don t 15 5kg");
}

static void test_long_word_cut_at_32_bytes(void **state)
{
	(void)state;
	char word[41];
	memset(word, 'A', 40);
	word[40] = '\0';
	expect_index(word, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	/* A two-byte letter that would cross byte 32 is left out whole, and so is all that
	 * follows it. */
	expect_index("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaéb x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa x");
}

static void test_long_text_capped_at_max_tokens(void **state)
{
	(void)state;
	/* 10000 Han characters would give 19999 tokens. */
	size_t n = 10000;
	strbuf text = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_adds(&text, i % 2 ? "暖" : "供");
	strbuf out = STRBUF_INIT;
	search_index_tokens(strbuf_str(&text), &out);
	assert_int_equal(count_char(strbuf_str(&out), ' ') + 1, SEARCH_MAX_TOKENS);
	assert_true(out.buf[out.len - 1] != ' ');
	strbuf_reset(&out);
	assert_int_equal(search_query_tokens(strbuf_str(&text), &out), SEARCH_MAX_TOKENS);
	assert_int_equal(count_char(strbuf_str(&out), ' ') + 1, SEARCH_MAX_TOKENS);

	/* Words too. */
	strbuf_reset(&text);
	for (size_t i = 0; i < n; i++)
		strbuf_adds(&text, "ab ");
	strbuf_reset(&out);
	search_index_tokens(strbuf_str(&text), &out);
	assert_int_equal(out.len, SEARCH_MAX_TOKENS * 3 - 1);
	strbuf_release(&out);
	strbuf_release(&text);
}

static void test_append_separates_from_existing_content(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "title");
	search_index_tokens("供暖", &sb);
	assert_string_equal(strbuf_str(&sb), "title 供 供暖 暖");
	search_index_tokens("！", &sb);
	assert_string_equal(strbuf_str(&sb), "title 供 供暖 暖");
	search_index_tokens("Body", &sb);
	assert_string_equal(strbuf_str(&sb), "title 供 供暖 暖 body");
	strbuf_release(&sb);
}

static void test_full_buffer_stops_at_token_boundary(void **state)
{
	(void)state;
	strbuf sb;
	strbuf_init(&sb, 12);
	search_index_tokens("供暖 room", &sb); /* "供 供暖 暖" is 14 bytes */
	assert_string_equal(strbuf_str(&sb), "供 供暖");
	strbuf_release(&sb);
	strbuf_init(&sb, 8);
	assert_int_equal(search_query_tokens("abc defg hi", &sb), 2);
	assert_string_equal(strbuf_str(&sb), "abc defg");
	strbuf_release(&sb);
}

static void test_scan_offsets_cover_original_bytes(void **state)
{
	(void)state;
	/* 暖 气: 3 bytes each; Ｒｏｏｍ: 3 bytes each. */
	const char *text = "暖气 Ｒｏｏｍ,x";
	struct {
		const char *text;
		size_t start, end;
		bool colocated;
	} want[] = {
		{"暖", 0, 3, false},	{"暖气", 0, 6, true}, {"气", 3, 6, false},
		{"room", 7, 19, false}, {"x", 20, 21, false},
	};
	search_scan sc;
	search_token tok;
	search_scan_init(&sc, text, strlen(text), SEARCH_INDEX);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_true(search_scan_next(&sc, &tok));
		assert_string_equal(tok.text, want[i].text);
		assert_int_equal(tok.len, strlen(want[i].text));
		assert_int_equal(tok.start, want[i].start);
		assert_int_equal(tok.end, want[i].end);
		assert_int_equal(tok.colocated, want[i].colocated);
	}
	assert_false(search_scan_next(&sc, &tok));
	assert_false(search_scan_next(&sc, &tok));

	/* The scan honours len: it need not stop at a NUL, nor read past len. */
	search_scan_init(&sc, "供暖公司", 6, SEARCH_QUERY);
	assert_true(search_scan_next(&sc, &tok));
	assert_string_equal(tok.text, "供暖");
	assert_false(search_scan_next(&sc, &tok));
	search_scan_init(&sc, "a\0b", 3, SEARCH_INDEX);
	assert_true(search_scan_next(&sc, &tok));
	assert_true(search_scan_next(&sc, &tok));
	assert_string_equal(tok.text, "b");
	assert_int_equal(tok.start, 2);
}

static void test_phrase_mode_keeps_run_positions(void **state)
{
	(void)state;
	/* A run of n characters takes n positions, as in the index: its bigrams, then its
	 * last character. */
	const char *want[] = {"只有", "有", "15", "度"};
	search_scan sc;
	search_token tok;
	search_scan_init(&sc, "只有15度", strlen("只有15度"), SEARCH_PHRASE);
	for (size_t i = 0; i < 4; i++) {
		assert_true(search_scan_next(&sc, &tok));
		assert_string_equal(tok.text, want[i]);
		assert_false(tok.colocated);
	}
	assert_false(search_scan_next(&sc, &tok));
}

static void test_random_bytes_stay_within_text(void **state)
{
	(void)state;
	/* Bytes drawn mostly from UTF-8 lead and continuation values, in a heap block of the
	 * exact size (no NUL), so the sanitizer sees any read past len. */
	static const unsigned char pool[] = {'a',  'Z',	 '7',  ' ',  0xE4, 0xBE, 0x9B, 0xE6, 0x9A,
					     0x96, 0xEF, 0xBC, 0xA1, 0xF0, 0x9F, 0x98, 0x80, 0xC3,
					     0xA9, 0xED, 0xA0, 0xF4, 0x90, 0xFF, 0x80, 0xC0, 0x00};
	uint32_t seed = 12345;
	for (int round = 0; round < 20000; round++) {
		size_t len = (seed = seed * 1103515245 + 12345) >> 16 & 63;
		unsigned char *text = xmalloc(len ? len : 1);
		for (size_t i = 0; i < len; i++)
			text[i] = pool[((seed = seed * 1103515245 + 12345) >> 16) % sizeof pool];
		for (int mode = SEARCH_INDEX; mode <= SEARCH_PHRASE; mode++) {
			search_scan sc;
			search_token tok;
			size_t last_start = 0;
			int n = 0;
			search_scan_init(&sc, (const char *)text, len, (enum search_mode)mode);
			while (search_scan_next(&sc, &tok)) {
				if (tok.len == 0 || tok.len > SEARCH_WORD_MAX ||
				    strlen(tok.text) != tok.len || tok.start >= tok.end ||
				    tok.end > len || tok.start < last_start ||
				    (n == 0 && tok.colocated))
					fail_msg("round %d mode %d: bad token \"%s\" [%zu, %zu)",
						 round, mode, tok.text, tok.start, tok.end);
				last_start = tok.start;
				n++;
			}
		}
		free(text);
	}
}

/* ---- the FTS5 tokenizer ---- */

static const char *const appeals[] = {
	/* 1 */ "小区暖气不热，室温只有15度，供暖公司一直不来处理",
	/* 2 */ "今年供暖以来家中室温不达标，老人孩子受冻",
	/* 3 */ "楼上漏水，卫生间天花板一直在滴水",
	/* 4 */ "地下室水管破裂漏水，Room 302 的住户无法出门",
	/* 5 */ "供暖期间暖气片一直冰凉，屋里不热",
	/* 6 */ "村口道路坑洼不平，雨天积水严重，车辆无法通行",
	/* 7 */ "建筑公司拖欠工资三个月，二十多名农民工讨薪无果",
	/* 8 */ "ROOM 1203 楼道灯坏了，晚上看不见路",
	/* 9 */ "小区门口路灯不亮，夜间出行不便",
	/* 10 */ "３号楼底商餐厅排放油烟，噪音扰民，投诉多次未果",
	/* 11 */ "天气转暖后垃圾站异味严重",
	/* 12 */ "厨房水管漏了，地板被泡",
};

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		char copy[256];
		snprintf(copy, sizeof copy, "%s", msg ? msg : "?");
		sqlite3_free(msg);
		fail_msg("%s: %s", sql, copy);
	}
}

static int fts_setup(void **state)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	*state = db;
	if (fts_cjk_register(db) != SQLITE_OK)
		return -1;
	exec_ok(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='yw_cjk')");
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?, ?)", -1, &st, NULL))
		return -1;
	for (size_t i = 0; i < sizeof appeals / sizeof appeals[0]; i++) {
		sqlite3_bind_int(st, 1, (int)i + 1);
		sqlite3_bind_text(st, 2, appeals[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

static int fts_teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

/* The rowids matching q, ascending, as "1 2 5". */
static void expect_rows(sqlite3 *db, const char *q, const char *want)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", -1, &st,
			       NULL) != SQLITE_OK)
		fail_msg("prepare: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	char got[256] = "";
	size_t len = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		len += (size_t)snprintf(got + len, sizeof got - len, "%s%d", len ? " " : "",
					sqlite3_column_int(st, 0));
	char errmsg[256];
	snprintf(errmsg, sizeof errmsg, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		fail_msg("MATCH '%s': %s", q, errmsg);
	if (strcmp(got, want) != 0)
		fail_msg("MATCH '%s': rows \"%s\", want \"%s\"", q, got, want);
}

/* The text an auxiliary function (highlight or snippet, written as SQL over t) gives
 * for row rowid matching q. */
static void expect_aux(sqlite3 *db, const char *fn, const char *q, int rowid, const char *want)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT %s FROM t WHERE t MATCH ? AND rowid = ?", fn);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, rowid);
	char got[512] = "";
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		fail_msg("%s for '%s' row %d: no row (%d)", fn, q, rowid, rc);
	if (strcmp(got, want) != 0)
		fail_msg("%s for '%s' row %d:\n  got  \"%s\"\n  want \"%s\"", fn, q, rowid, got,
			 want);
}

static void test_fts_two_char_query_finds_exactly_rows_with_it(void **state)
{
	sqlite3 *db = *state;
	expect_rows(db, "供暖", "1 2 5");
	/* Not 6 (积水) nor 12 (水管漏了: both characters, not together). */
	expect_rows(db, "漏水", "3 4");
	expect_rows(db, "不热", "1 5");
	expect_rows(db, "路灯", "9");
	expect_rows(db, "拖欠工资", "7");
}

static void test_fts_single_char_finds_rows_containing_it(void **state)
{
	sqlite3 *db = *state;
	expect_rows(db, "暖", "1 2 5 11");
	expect_rows(db, "路", "6 8 9");
	expect_rows(db, "漏", "3 4 12");
}

static void test_fts_longer_query_needs_the_contiguous_sequence(void **state)
{
	sqlite3 *db = *state;
	/* Row 5 has 暖气 and 不热, apart: a phrase of bigrams must be contiguous. */
	expect_rows(db, "暖气不热", "1");
	expect_rows(db, "暖气", "1 5");
	expect_rows(db, "\"暖气 不热\"", "1");
	expect_rows(db, "暖气 不热", "1 5");
	expect_rows(db, "供暖公司", "1");
	expect_rows(db, "供暖公司一直不来处理", "1");
}

static void test_fts_phrase_spans_cjk_latin_and_digits(void **state)
{
	sqlite3 *db = *state;
	/* A run followed by digits in one phrase: positions must line up. */
	expect_rows(db, "只有15度", "1");
	expect_rows(db, "室温只有15度", "1");
	expect_rows(db, "只有16度", "");
	/* Full-width digits in the appeal, ASCII in the query. */
	expect_rows(db, "3号楼", "10");
	expect_rows(db, "３号楼底商", "10");
	expect_rows(db, "\"Room 302\"", "4");
	expect_rows(db, "302的住户", "4");
}

static void test_fts_latin_is_case_insensitive_and_prefixes_work(void **state)
{
	sqlite3 *db = *state;
	expect_rows(db, "room", "4 8");
	expect_rows(db, "ROOM", "4 8");
	expect_rows(db, "Ｒｏｏｍ", "4 8");
	expect_rows(db, "roo*", "4 8");
	expect_rows(db, "12*", "8");
	expect_rows(db, "供*", "1 2 5");
}

static void test_fts_boolean_queries_combine_terms(void **state)
{
	sqlite3 *db = *state;
	expect_rows(db, "供暖 室温", "1 2");
	expect_rows(db, "漏水 OR 路灯", "3 4 9");
	expect_rows(db, "供暖 NOT 不热", "2");
	expect_rows(db, "NEAR(暖气 冰凉, 3)", "5");
	expect_rows(db, "NEAR(暖气 冰凉, 2)", "");
}

static void test_fts_miss_finds_nothing(void **state)
{
	sqlite3 *db = *state;
	expect_rows(db, "地震", "");
	expect_rows(db, "震", "");
	expect_rows(db, "heating", "");
	/* A query of punctuation alone has no tokens: it matches nothing. */
	expect_rows(db, "，", "");
}

static void test_fts_highlight_marks_original_characters(void **state)
{
	sqlite3 *db = *state;
	const char *hl = "highlight(t, 0, '[', ']')";
	expect_aux(db, hl, "暖气不热", 1, "小区[暖气不热]，室温只有15度，供暖公司一直不来处理");
	expect_aux(db, hl, "供暖", 2, "今年[供暖]以来家中室温不达标，老人孩子受冻");
	expect_aux(db, hl, "供暖 室温", 2, "今年[供暖]以来家中[室温]不达标，老人孩子受冻");
	expect_aux(db, hl, "暖", 1, "小区[暖]气不热，室温只有15度，供[暖]公司一直不来处理");
	expect_aux(db, hl, "暖", 11, "天气转[暖]后垃圾站异味严重");
	expect_aux(db, hl, "只有15度", 1, "小区暖气不热，室温[只有15度]，供暖公司一直不来处理");
	expect_aux(db, hl, "room", 4, "地下室水管破裂漏水，[Room] 302 的住户无法出门");
	expect_aux(db, hl, "3号楼", 10, "[３号楼]底商餐厅排放油烟，噪音扰民，投诉多次未果");
	expect_aux(db, hl, "漏水", 3, "楼上[漏水]，卫生间天花板一直在滴水");
}

static void test_fts_snippet_shows_context_around_match(void **state)
{
	sqlite3 *db = *state;
	expect_aux(db, "snippet(t, 0, '[', ']', '…', 6)", "供暖", 1, "…15度，[供暖]公司…");
	expect_aux(db, "snippet(t, 0, '[', ']', '…', 8)", "拖欠工资", 7, "建筑公司[拖欠工资]…");
	expect_aux(db, "snippet(t, 0, '[', ']', '…', 64)", "room", 8,
		   "[ROOM] 1203 楼道灯坏了，晚上看不见路");
}

static void test_fts_index_survives_update_delete_and_integrity_check(void **state)
{
	sqlite3 *db = *state;
	exec_ok(db, "UPDATE t SET body = '暖气已修好，谢谢' WHERE rowid = 1");
	exec_ok(db, "DELETE FROM t WHERE rowid = 3");
	expect_rows(db, "暖气不热", "");
	expect_rows(db, "暖气", "1 5");
	expect_rows(db, "漏水", "4");
	/* FTS5 re-tokenizes every row and compares with the index. */
	exec_ok(db, "INSERT INTO t(t) VALUES ('integrity-check')");
}

static void test_fts_tokenizer_refuses_arguments(void **state)
{
	sqlite3 *db = *state;
	assert_int_not_equal(
		sqlite3_exec(db, "CREATE VIRTUAL TABLE u USING fts5(b, tokenize='yw_cjk porter')",
			     NULL, NULL, NULL),
		SQLITE_OK);
	/* Registering again (a reopened connection, a second call) is harmless. */
	assert_int_equal(fts_cjk_register(db), SQLITE_OK);
	expect_rows(db, "供暖", "1 2 5");
}

int main(void)
{
	platforms_register();
#define F(fn) cmocka_unit_test_setup_teardown(fn, fts_setup, fts_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_mixed_text_gives_cjk_unigrams_bigrams_and_words),
		cmocka_unit_test(test_query_asks_bigrams_or_lone_character),
		cmocka_unit_test(test_fullwidth_ascii_folds_to_ascii),
		cmocka_unit_test(test_emoji_and_cjk_punctuation_separate),
		cmocka_unit_test(test_invalid_utf8_bytes_separate),
		cmocka_unit_test(test_empty_and_separator_only_text_gives_nothing),
		cmocka_unit_test(test_kana_and_hangul_are_cjk),
		cmocka_unit_test(test_latin_case_folds),
		cmocka_unit_test(test_long_word_cut_at_32_bytes),
		cmocka_unit_test(test_long_text_capped_at_max_tokens),
		cmocka_unit_test(test_append_separates_from_existing_content),
		cmocka_unit_test(test_full_buffer_stops_at_token_boundary),
		cmocka_unit_test(test_scan_offsets_cover_original_bytes),
		cmocka_unit_test(test_phrase_mode_keeps_run_positions),
		cmocka_unit_test(test_random_bytes_stay_within_text),
		F(test_fts_two_char_query_finds_exactly_rows_with_it),
		F(test_fts_single_char_finds_rows_containing_it),
		F(test_fts_longer_query_needs_the_contiguous_sequence),
		F(test_fts_phrase_spans_cjk_latin_and_digits),
		F(test_fts_latin_is_case_insensitive_and_prefixes_work),
		F(test_fts_boolean_queries_combine_terms),
		F(test_fts_miss_finds_nothing),
		F(test_fts_highlight_marks_original_characters),
		F(test_fts_snippet_shows_context_around_match),
		F(test_fts_index_survives_update_delete_and_integrity_check),
		F(test_fts_tokenizer_refuses_arguments),
	};
#undef F
	return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
