/* The SQLite FTS5 tokenizer "yw_cjk": CJK text as characters and bigrams, Latin text as
 * words, by the rules of search.h. A tokenizer is registered per connection, so every
 * connection that touches a table made with tokenize='yw_cjk' must register it first. */
#ifndef YW_FTS_CJK_H
#define YW_FTS_CJK_H
#include <sqlite3.h>

/* Registers yw_cjk on db. Returns SQLITE_OK, or an SQLite result code (SQLITE_ERROR when
 * this SQLite lacks FTS5). Documents are indexed like search_index_tokens; MATCH terms
 * as SEARCH_PHRASE, so '供暖' finds 供暖 and '暖气不热' only that exact sequence. */
int fts_cjk_register(sqlite3 *db);

#endif
