/* The CJK search tokenizer (store/search.c) on any text, as appeals are indexed and as the
 * q parameter is read, and the full-text query built from q (store_fts_query) for both
 * databases. Checked: tokens are at most SEARCH_WORD_MAX bytes of letters, digits and CJK
 * characters, in valid UTF-8, spanning bytes of the text in order; and the SQLite query is
 * one FTS5 itself accepts: it is run with MATCH on an in-memory FTS5 table with the yw_cjk
 * tokenizer (store/fts_cjk.c), which also tokenizes what is stored, highlight() included. */
#include "fuzz.h"

#include <sqlite3.h>
#include <stdbool.h>

#include "core/strbuf.h"
#include "http/validate.h"
#include "store/fts_cjk.h"
#include "store/search.h"
#include "store/store_impl.h"

static sqlite3 *db;
static sqlite3_stmt *match, *put;

static void open_db(void)
{
	FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	FUZZ_CHECK(fts_cjk_register(db) == SQLITE_OK);
	FUZZ_CHECK(
		sqlite3_exec(db,
			     "CREATE VIRTUAL TABLE fts_case USING fts5(body, tokenize = 'yw_cjk');"
			     "INSERT INTO fts_case (rowid, body) VALUES"
			     " (1, '小区暖气不热，室温只有15度'), (2, '路灯不亮 street light'),"
			     " (3, 'ＡＢＣ１２３ 供暖 供水')",
			     NULL, NULL, NULL) == SQLITE_OK);
	FUZZ_CHECK(sqlite3_prepare_v2(db,
				      "SELECT rowid, highlight(fts_case, 0, '[', ']') FROM fts_case"
				      " WHERE fts_case MATCH ?",
				      -1, &match, NULL) == SQLITE_OK);
	FUZZ_CHECK(sqlite3_prepare_v2(db,
				      "INSERT OR REPLACE INTO fts_case (rowid, body) VALUES (9, ?)",
				      -1, &put, NULL) == SQLITE_OK);
}

static void check_scan(const char *text, size_t len, enum search_mode mode)
{
	search_scan sc;
	search_token tok;
	search_scan_init(&sc, text, len, mode);
	size_t last_start = 0;
	int n = 0;
	while (search_scan_next(&sc, &tok)) {
		n++;
		FUZZ_CHECK(tok.len >= 1 && tok.len <= SEARCH_WORD_MAX);
		FUZZ_CHECK(tok.len == strlen(tok.text));
		FUZZ_CHECK(jv_utf8_chars(tok.text) >= 1 && !strpbrk(tok.text, " \t\r\n\"'"));
		FUZZ_CHECK(tok.start < tok.end && tok.end <= len);
		FUZZ_CHECK(tok.colocated ? tok.start == last_start : tok.start >= last_start);
		last_start = tok.start;
	}
	FUZZ_CHECK(n <= SEARCH_MAX_TOKENS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		open_db();
	check_scan((const char *)data, size, SEARCH_INDEX);
	check_scan((const char *)data, size, SEARCH_QUERY);
	check_scan((const char *)data, size, SEARCH_PHRASE);

	char *text = fuzz_str(data, size);
	strbuf sb = STRBUF_INIT;
	search_index_tokens(text, &sb);
	search_query_tokens(text, &sb);
	FUZZ_CHECK(jv_utf8_chars(strbuf_str(&sb)) >= 0);
	strbuf_release(&sb);

	/* PostgreSQL: 'token' & 'token' ..., tokens without quotes or backslashes. */
	struct store pg = {.kind = STORE_POSTGRES}, lite = {.kind = STORE_SQLITE};
	char *q = store_fts_query(&pg, text);
	if (q) {
		for (const char *p = q; *p;) {
			FUZZ_CHECK(*p == '\'');
			const char *end = strchr(p + 1, '\'');
			FUZZ_CHECK(end && end > p + 1 &&
				   !memchr(p + 1, '\\', (size_t)(end - p - 1)));
			p = end + 1;
			if (*p) {
				FUZZ_CHECK(!strncmp(p, " & ", 3));
				p += 3;
			}
		}
		free(q);
	}

	/* SQLite: what FTS5 is given parses, and stored text indexes and highlights. */
	q = store_fts_query(&lite, text);
	if (q) {
		sqlite3_bind_text(match, 1, q, -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(match)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			fprintf(stderr, "MATCH %s: %s\n", q, sqlite3_errmsg(db));
		FUZZ_CHECK(rc == SQLITE_DONE);
		sqlite3_reset(match);
		sqlite3_bind_text(put, 1, text, -1, SQLITE_STATIC);
		FUZZ_CHECK(sqlite3_step(put) == SQLITE_DONE);
		sqlite3_reset(put);
		sqlite3_bind_text(match, 1, q, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(match)) == SQLITE_ROW)
			;
		FUZZ_CHECK(rc == SQLITE_DONE);
		sqlite3_reset(match);
		free(q);
	}
	free(text);
	return 0;
}
