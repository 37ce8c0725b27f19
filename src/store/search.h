/* Free-text search tokens, the same on SQLite (FTS5 tokenizer yw_cjk, store/fts_cjk.c) and
 * PostgreSQL (tokens stored in a text column, GIN over to_tsvector('simple', ...)).
 *
 * Chinese queries are often two characters (供暖, 漏水), too short for a trigram index, and
 * a run of Han characters has no spaces to split on. So CJK text is indexed as single
 * characters plus overlapping pairs (bigrams), and a query of two or more characters asks
 * for its bigrams. Latin letters and digits form words. Tokens hold only letters, digits
 * and CJK characters, so they need no quoting in a tsquery. */
#ifndef YW_SEARCH_H
#define YW_SEARCH_H
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

enum {
	SEARCH_WORD_MAX = 32,	 /* bytes kept of a longer Latin word */
	SEARCH_MAX_TOKENS = 4096 /* tokens taken from one text; the rest is ignored */
};

/* Appends the index tokens of text, separated by single spaces (and by one space from
 * what out already holds): Latin letters and digits form words (ASCII lowercased; a word
 * longer than 32 bytes is cut); each CJK character (Han, also Hiragana/Katakana/Hangul and
 * CJK punctuation excluded) gives itself and, with its following CJK neighbour, a bigram;
 * everything else separates. Invalid UTF-8 bytes separate. Full-width ASCII (ＡＢＣ１２３)
 * folds to ASCII. Stops at a token boundary when out reaches its maximum. */
void search_index_tokens(const char *text, strbuf *out);
/* The tokens a query must match, all of them: for a CJK run of one character that
 * character, otherwise its bigrams; Latin words as words. Appended to out like
 * search_index_tokens; returns the count appended. */
int search_query_tokens(const char *query, strbuf *out);

/* ---- the scanner both of the above and the FTS5 tokenizer use ---- */

enum search_mode {
	/* Each CJK character at its own position, its bigram with the next character at the
	 * same position (colocated). */
	SEARCH_INDEX,
	/* The terms a query needs: a lone CJK character, else the run's bigrams. */
	SEARCH_QUERY,
	/* As SEARCH_QUERY, plus the last character of a run of two or more, so that a run of n
	 * characters takes n positions as in the index: an FTS5 phrase such as 只有15度 then
	 * lines up with what follows the run, and highlight() covers the whole run. */
	SEARCH_PHRASE,
};

typedef struct search_token {
	char text[SEARCH_WORD_MAX + 1]; /* folded, NUL-terminated */
	size_t len;
	size_t start, end; /* the bytes [start, end) of the scanned text it came from */
	bool colocated;	   /* at the same position as the token before it */
} search_token;

typedef struct search_scan {
	const char *text;
	size_t len, pos;
	enum search_mode mode;
	int count;
	size_t run;   /* CJK characters consumed in the current run */
	bool pending; /* next holds a token to hand out before scanning on */
	search_token next;
} search_scan;

/* Starts scanning the len bytes at text (need not be NUL-terminated). */
void search_scan_init(search_scan *sc, const char *text, size_t len, enum search_mode mode);
/* Fills tok with the next token; false at the end of the text or after SEARCH_MAX_TOKENS. */
bool search_scan_next(search_scan *sc, search_token *tok);

#endif
