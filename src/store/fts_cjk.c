#include "store/fts_cjk.h"

#include "store/search.h"

/* The tokenizer keeps no state; every instance is this one object. */
static int instance;

static int cjk_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	/* No options: refusing them beats silently ignoring a misspelt one. */
	if (argc > 0)
		return SQLITE_ERROR;
	*out = (Fts5Tokenizer *)&instance;
	return SQLITE_OK;
}

static void cjk_delete(Fts5Tokenizer *t)
{
	(void)t;
}

/* Documents and auxiliary functions (highlight, snippet) see the index tokens; MATCH
 * terms, prefix ones too, see the query phrase, whose positions line up with them. */
static int cjk_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
			int (*emit)(void *ctx, int tflags, const char *token, int ntoken, int start,
				    int end))
{
	(void)t;
	enum search_mode mode = flags & FTS5_TOKENIZE_QUERY ? SEARCH_PHRASE : SEARCH_INDEX;
	search_scan sc;
	search_token tok;
	search_scan_init(&sc, text ? text : "", text && len > 0 ? (size_t)len : 0, mode);
	while (search_scan_next(&sc, &tok)) {
		int rc = emit(ctx, tok.colocated ? FTS5_TOKEN_COLOCATED : 0, tok.text, (int)tok.len,
			      (int)tok.start, (int)tok.end);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

int fts_cjk_register(sqlite3 *db)
{
	/* The documented way to reach the fts5_api of a connection. */
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
	if (api == NULL || api->iVersion < 2)
		return SQLITE_ERROR;
	/* FTS5 copies the struct, but it takes a non-const pointer. */
	static fts5_tokenizer tokenizer = {cjk_create, cjk_delete, cjk_tokenize};
	return api->xCreateTokenizer(api, "yw_cjk", NULL, &tokenizer, NULL);
}
