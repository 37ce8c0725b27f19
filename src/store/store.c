/* Backend-neutral parts of the store: choosing the backend, per-thread connections,
 * migrations, and the small conveniences built on prepare/bind/step. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "store/search.h"
#include "store/store_impl.h"

static bool is_pg_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

static int migrate(store *s, err *e);

int store_open(const char *url, bool create, store **out, err *e)
{
	*out = NULL;
	if (!url || !*url)
		return err_set(e, ERR_INVALID, "no_database", "db",
			       "没有指定数据库（--db 或 YIWANG_DB）");
	store *s = xcalloc(1, sizeof *s);
	s->ops = is_pg_url(url) ? &store_pg_ops : &store_sqlite_ops;
	s->kind = is_pg_url(url) ? STORE_POSTGRES : STORE_SQLITE;
	pthread_key_create(&s->conn_key, NULL);
	pthread_mutex_init(&s->conns_lock, NULL);
	s->min_free = 4u << 20;
	if (s->ops->open(s, url, create, e) < 0) {
		pthread_key_delete(s->conn_key);
		pthread_mutex_destroy(&s->conns_lock);
		free(s);
		return -1;
	}
	if (migrate(s, e) < 0) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void store_close(store *s)
{
	if (!s)
		return;
	/* The writer (SQLite) is stopped by ops->close, which runs after the reader
	 * connections are gone; no request may be running by now. */
	pthread_mutex_lock(&s->conns_lock);
	for (size_t i = 0; i < s->nconns; i++)
		s->ops->conn_close(s->conns[i]);
	free(s->conns);
	s->conns = NULL;
	s->nconns = 0;
	pthread_mutex_unlock(&s->conns_lock);
	s->ops->close(s);
	pthread_key_delete(s->conn_key);
	pthread_mutex_destroy(&s->conns_lock);
	free(s);
}

enum store_kind store_kind(const store *s)
{
	return s->kind;
}

bool store_pooled(const store *s)
{
	return s->pooled;
}

const char *store_kind_name(const store *s)
{
	return s->kind == STORE_POSTGRES ? "postgres" : "sqlite";
}

int store_schema_version(store *s)
{
	return s->schema_version;
}

store_conn *store_conn_get(store *s, err *e)
{
	store_conn *c = pthread_getspecific(s->conn_key);
	if (c)
		return c;
	c = s->ops->conn_open(s, e);
	if (!c)
		return NULL;
	pthread_mutex_lock(&s->conns_lock);
	if (s->nconns == s->conns_alloc) {
		s->conns_alloc = s->conns_alloc ? s->conns_alloc * 2 : 16;
		s->conns = xrealloc(s->conns, s->conns_alloc * sizeof *s->conns);
	}
	s->conns[s->nconns++] = c;
	pthread_mutex_unlock(&s->conns_lock);
	pthread_setspecific(s->conn_key, c);
	return c;
}

void store_read_begin(store *s)
{
	if (s->kind != STORE_SQLITE)
		return;
	store_conn *c = store_conn_get(s, NULL);
	/* A prepared statement kept on the connection: no parse on every request. */
	if (c)
		store_exec(c, NULL, "BEGIN", "");
}

void store_read_end(store *s)
{
	if (s->kind != STORE_SQLITE)
		return;
	store_conn *c = pthread_getspecific(s->conn_key);
	/* Only read, so COMMIT ends it as ROLLBACK would; the backend's rollback (a parse)
	 * only when that fails. */
	if (c && store_exec(c, NULL, "COMMIT", "") < 0)
		s->ops->rollback(c);
}

int store_data_version(store *s, uint64_t *v)
{
	if (s->kind != STORE_SQLITE)
		return -1;
	store_conn *c = store_conn_get(s, NULL);
	int64_t n;
	/* PRAGMA data_version starts the read transaction itself, so the number belongs to
	 * the snapshot the request reads. */
	if (!c || store_query_int(c, &n, -1, NULL, "PRAGMA data_version", NULL) < 0 || n < 0)
		return -1;
	*v = (uint64_t)n;
	return 0;
}

/* ---- the hook around the next write (store_tx_hook_arm) ---- */

static _Thread_local store_tx_hook armed;
static _Thread_local void *running_tag;

void store_tx_hook_arm(const store_tx_hook *h)
{
	armed = h ? *h : (store_tx_hook){0};
}

void *store_tx_tag(void)
{
	return running_tag;
}

typedef struct hooked {
	store_tx_fn fn;
	void *ctx;
	store_tx_hook h;
	store_done_fn done;
	void *done_arg;
} hooked;

static int hooked_tx(store_conn *c, void *p, err *e)
{
	hooked *x = p;
	if (x->h.before && x->h.before(c, x->h.arg, e) < 0)
		return -1;
	running_tag = x->h.arg;
	int rc = x->fn(c, x->ctx, e);
	running_tag = NULL;
	if (rc == 0 && x->h.after)
		rc = x->h.after(c, x->h.arg, e);
	return rc;
}

static void hooked_done(void *arg, int rc, const err *e)
{
	hooked *x = arg;
	store_done_fn done = x->done;
	void *done_arg = x->done_arg;
	free(x);
	done(done_arg, rc, e);
}

int store_write(store *s, store_tx_fn fn, void *ctx, err *e)
{
	if (armed.before || armed.after) {
		hooked x = {.fn = fn, .ctx = ctx, .h = armed};
		armed = (store_tx_hook){0};
		return s->ops->write(s, hooked_tx, &x, e);
	}
	return s->ops->write(s, fn, ctx, e);
}

bool store_can_defer(const store *s)
{
	return s->ops->write_async != NULL;
}

void store_write_async(store *s, store_tx_fn fn, void *ctx, store_done_fn done, void *arg)
{
	if (armed.before || armed.after) {
		hooked *x = xmalloc(sizeof *x);
		*x = (hooked){.fn = fn, .ctx = ctx, .h = armed, .done = done, .done_arg = arg};
		armed = (store_tx_hook){0};
		s->ops->write_async(s, hooked_tx, x, hooked_done, x);
		return;
	}
	s->ops->write_async(s, fn, ctx, done, arg);
}

void store_account(store *s, int64_t ns)
{
	atomic_fetch_add_explicit(&s->db_ns, (uint64_t)(ns > 0 ? ns : 0), memory_order_relaxed);
	atomic_fetch_add_explicit(&s->db_calls, 1, memory_order_relaxed);
}

uint64_t store_db_ns(const store *s)
{
	return atomic_load_explicit(&s->db_ns, memory_order_relaxed);
}

uint64_t store_db_calls(const store *s)
{
	return atomic_load_explicit(&s->db_calls, memory_order_relaxed);
}

/* ---- statements ---- */

store_stmt *store_prepare(store_conn *conn, const char *sql, err *e)
{
	return conn->s->ops->prepare(conn, sql, e);
}

store_stmt *store_prepare_planned(store_conn *conn, const char *sql, err *e)
{
	const struct store_ops *ops = conn->s->ops;
	return (ops->prepare_planned ? ops->prepare_planned : ops->prepare)(conn, sql, e);
}

void store_bind_int(store_stmt *st, int idx, int64_t v)
{
	st->conn->s->ops->bind_int(st, idx, v);
}

void store_bind_double(store_stmt *st, int idx, double v)
{
	st->conn->s->ops->bind_double(st, idx, v);
}

void store_bind_text(store_stmt *st, int idx, const char *v)
{
	if (v)
		st->conn->s->ops->bind_text(st, idx, v);
	else
		st->conn->s->ops->bind_null(st, idx);
}

void store_bind_null(store_stmt *st, int idx)
{
	st->conn->s->ops->bind_null(st, idx);
}

/* Binds fmt's arguments from parameter first on. */
static void vbindf_from(store_stmt *st, int first, const char *fmt, va_list ap)
{
	int idx = first;
	for (const char *f = fmt ? fmt : ""; *f; f++, idx++) {
		switch (*f) {
		case 'i': store_bind_int(st, idx, va_arg(ap, int64_t)); break;
		case 'n': {
			int64_t v = va_arg(ap, int64_t);
			if (v)
				store_bind_int(st, idx, v);
			else
				store_bind_null(st, idx);
			break;
		}
		case 'd': store_bind_double(st, idx, va_arg(ap, double)); break;
		case 's': store_bind_text(st, idx, va_arg(ap, const char *)); break;
		case 'b': store_bind_int(st, idx, va_arg(ap, int) ? 1 : 0); break;
		default:
			/* A programming error, caught by the first test that runs the query. */
			fprintf(stderr, "store_bindf: bad format '%c'\n", *f);
			abort();
		}
	}
}

static void vbindf(store_stmt *st, const char *fmt, va_list ap)
{
	vbindf_from(st, 1, fmt, ap);
}

void store_bindf(store_stmt *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vbindf(st, fmt, ap);
	va_end(ap);
}

int store_step(store_stmt *st, err *e)
{
	int64_t t0 = clock_mono_ns();
	int rc = st->conn->s->ops->step(st, e);
	store_account(st->conn->s, clock_mono_ns() - t0);
	return rc;
}

int store_send(store_stmt *st, err *e)
{
	store *s = st->conn->s;
	if (!s->ops->send)
		return 0;
	int64_t t0 = clock_mono_ns();
	int rc = s->ops->send(st, e);
	store_account(s, clock_mono_ns() - t0);
	return rc;
}

int store_column_count(store_stmt *st)
{
	return st->conn->s->ops->column_count(st);
}

const char *store_column_name(store_stmt *st, int col)
{
	return st->conn->s->ops->column_name(st, col);
}

bool store_col_null(store_stmt *st, int col)
{
	return st->conn->s->ops->col_null(st, col);
}

int64_t store_col_int(store_stmt *st, int col)
{
	return st->conn->s->ops->col_int(st, col);
}

double store_col_double(store_stmt *st, int col)
{
	return st->conn->s->ops->col_double(st, col);
}

const char *store_col_text(store_stmt *st, int col)
{
	const char *t = st->conn->s->ops->col_text(st, col);
	return t ? t : "";
}

int64_t store_changes(store_stmt *st)
{
	return st->conn->s->ops->changes(st);
}

void store_done(store_stmt *st)
{
	if (st)
		st->conn->s->ops->done(st);
}

/* store_prepare with fmt's arguments bound (vbindf); NULL on error. */
static store_stmt *prepare_bound(store_conn *conn, const char *sql, err *e, const char *fmt,
				 va_list ap)
{
	store_stmt *st = store_prepare(conn, sql, e);
	if (st)
		vbindf(st, fmt, ap);
	return st;
}

int64_t store_exec(store_conn *conn, err *e, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	store_stmt *st = prepare_bound(conn, sql, e, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	int rc;
	while ((rc = store_step(st, e)) == 1)
		;
	int64_t n = rc < 0 ? -1 : store_changes(st);
	store_done(st);
	return n;
}

int store_insert_id(store_conn *conn, int64_t *id, err *e, const char *sql, const char *fmt, ...)
{
	bool sqlite = conn->s->kind == STORE_SQLITE;
	strbuf q = STRBUF_INIT;
	if (!sqlite)
		strbuf_addf(&q, "%s RETURNING id", sql);
	va_list ap;
	va_start(ap, fmt);
	store_stmt *st = prepare_bound(conn, sqlite ? sql : strbuf_str(&q), e, fmt, ap);
	va_end(ap);
	strbuf_release(&q);
	if (!st)
		return -1;
	int rc = store_step(st, e);
	*id = rc == 1 ? store_col_int(st, 0) : 0;
	while (rc == 1)
		rc = store_step(st, e);
	store_done(st);
	if (rc < 0)
		return -1;
	if (sqlite)
		return store_query_int(conn, id, 0, e, "SELECT last_insert_rowid()", NULL);
	return *id ? 0 : err_set(e, ERR_INTERNAL, "database_error", NULL, "插入未返回编号");
}

int store_next_case_id(store_conn *conn, int64_t *id, err *e)
{
	*id = 0;
	return conn->s->ops->next_case_id ? conn->s->ops->next_case_id(conn, id, e) : 0;
}

int store_insert_case(store_conn *conn, int64_t *id, err *e, const char *sql, const char *fmt, ...)
{
	if (store_next_case_id(conn, id, e) < 0)
		return -1;
	store_stmt *st = store_prepare(conn, sql, e);
	if (!st)
		return -1;
	if (*id)
		store_bind_int(st, 1, *id);
	else
		store_bind_null(st, 1);
	va_list ap;
	va_start(ap, fmt);
	vbindf_from(st, 2, fmt, ap);
	va_end(ap);
	int rc = store_finish(st, e);
	store_done(st);
	if (rc < 0)
		return -1;
	/* No id beforehand: SQLite gave the row its rowid (a NULL INTEGER PRIMARY KEY). */
	return *id ? 0 : store_query_int(conn, id, 0, e, "SELECT last_insert_rowid()", NULL);
}

int store_finish(store_stmt *st, err *e)
{
	store *s = st->conn->s;
	int rc;
	if (s->ops->step_nowait) {
		int64_t t0 = clock_mono_ns();
		rc = s->ops->step_nowait(st, e);
		store_account(s, clock_mono_ns() - t0);
	} else {
		while ((rc = store_step(st, e)) == 1)
			;
	}
	return rc < 0 ? -1 : 0;
}

int store_run(store_conn *conn, err *e, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	store_stmt *st = prepare_bound(conn, sql, e, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	int rc = store_finish(st, e);
	store_done(st);
	return rc;
}

int store_query_row(store_conn *conn, store_stmt **out, err *e, const char *sql, const char *fmt,
		    ...)
{
	*out = NULL;
	va_list ap;
	va_start(ap, fmt);
	store_stmt *st = prepare_bound(conn, sql, e, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	int rc = store_step(st, e);
	if (rc == 1) {
		*out = st;
		return 1;
	}
	store_done(st);
	return rc;
}

int store_query_int(store_conn *conn, int64_t *out, int64_t def, err *e, const char *sql,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	store_stmt *st = prepare_bound(conn, sql, e, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	int rc = store_step(st, e);
	if (rc == 1)
		*out = store_col_null(st, 0) ? def : store_col_int(st, 0);
	else if (rc == 0)
		*out = def;
	store_done(st);
	return rc < 0 ? -1 : 0;
}

int store_exec_script(store_conn *conn, const char *sql, err *e)
{
	int64_t t0 = clock_mono_ns();
	int rc = conn->s->ops->exec_script(conn, sql, e);
	store_account(conn->s, clock_mono_ns() - t0);
	return rc;
}

static int ping_tx(store_conn *c, void *ctx, err *e)
{
	(void)ctx;
	return store_exec(c, e, "UPDATE store_health SET checked_at = ? WHERE id = 1", "i",
			  clock_now_ms()) < 0
		       ? -1
		       : 0;
}

void store_set_min_free(store *s, uint64_t bytes)
{
	s->min_free = bytes;
}

int store_ping_read(store *s, err *e)
{
	if (s->ops->space && s->ops->space(s, s->min_free, e) < 0)
		return -1;
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	int64_t v;
	return store_query_int(c, &v, 0, e, "SELECT COUNT(*) FROM store_health", NULL);
}

int store_ping(store *s, err *e)
{
	if (s->ops->space && s->ops->space(s, s->min_free, e) < 0)
		return -1;
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	int64_t v;
	if (store_query_int(c, &v, 0, e, "SELECT COUNT(*) FROM store_health", NULL) < 0)
		return -1;
	return store_write(s, ping_tx, NULL, e);
}

void store_like_pattern(strbuf *sb, const char *q)
{
	strbuf_addch(sb, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *q);
	}
	strbuf_addch(sb, '%');
}

store_chain *store_batch_chain(store_conn *c, store_chain_save_fn save)
{
	return c->s->ops->batch_chain ? c->s->ops->batch_chain(c, save) : NULL;
}

store_memo *store_batch_memo(store_conn *c, store_memo_save_fn save)
{
	return c->s->ops->batch_memo ? c->s->ops->batch_memo(c, save) : NULL;
}

/* ---- full-text search ---- */

static bool fts_index_known(const char *index)
{
	return strcmp(index, "case") == 0;
}

/* The space-separated tokens as PostgreSQL's text search input, each quoted and joined by
 * sep: a tsvector's (' ') or a tsquery's (" & "). Quotes and backslashes are escaped (the
 * tokenizer keeps neither, but the syntax must not depend on it). */
static void fts_quote_tokens(const char *tokens, const char *sep, strbuf *out)
{
	const char *p = tokens;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (out->len)
			strbuf_adds(out, sep);
		strbuf_addch(out, '\'');
		for (; *p && *p != ' '; p++) {
			if (*p == '\'' || *p == '\\')
				strbuf_addch(out, *p);
			strbuf_addch(out, *p);
		}
		strbuf_addch(out, '\'');
	}
}

int store_fts_put(store_conn *c, const char *index, int64_t id, const char *text, err *e)
{
	if (!fts_index_known(index))
		return err_set(e, ERR_INTERNAL, "fts_index", NULL, "unknown search index %s",
			       index);
	if (c->s->ops->fts_defer && c->s->ops->fts_defer(c, id, text))
		return 0;
	if (c->s->kind == STORE_SQLITE) {
		/* FTS5 tokenizes with yw_cjk itself; REPLACE drops an older entry. */
		return store_exec(c, e,
				  "INSERT OR REPLACE INTO fts_case (rowid, body) VALUES (?, ?)",
				  "is", id, text) < 0
			       ? -1
			       : 0;
	}
	/* Our own tokens are the lexemes: the tsvector is written in its input syntax, each
	 * token quoted, so PostgreSQL's parser does not read the text again. No positions:
	 * searches AND the query's tokens (store_fts_query) and never rank or match phrases. */
	strbuf tokens = STRBUF_INIT, vec = STRBUF_INIT;
	search_index_tokens(text, &tokens);
	fts_quote_tokens(strbuf_str(&tokens), " ", &vec);
	strbuf_release(&tokens);
	int rc = store_run(c, e,
			   "INSERT INTO fts_case (id, body) VALUES (?, CAST(? AS tsvector))"
			   " ON CONFLICT (id) DO UPDATE SET body = excluded.body",
			   "is", id, strbuf_str(&vec));
	strbuf_release(&vec);
	return rc;
}

const char *store_fts_ids_sql(const store *s, const char *index)
{
	(void)index;
	return s->kind == STORE_SQLITE ? "SELECT rowid FROM fts_case WHERE fts_case MATCH ?"
				       : "SELECT id FROM fts_case WHERE body @@ CAST(? AS tsquery)";
}

char *store_fts_query(const store *s, const char *query)
{
	strbuf out = STRBUF_INIT;
	if (s->kind == STORE_SQLITE) {
		/* Each word a quoted phrase (implicit AND); yw_cjk splits Chinese inside.
		 * Words without a searchable token (punctuation) are left out. */
		const char *p = query;
		while (*p) {
			while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
				p++;
			const char *w = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
				p++;
			if (p == w)
				break;
			char *word = xstrndup(w, (size_t)(p - w));
			strbuf tokens = STRBUF_INIT;
			if (search_query_tokens(word, &tokens) > 0) {
				if (out.len)
					strbuf_addch(&out, ' ');
				strbuf_addch(&out, '"');
				for (const char *q = word; *q; q++) {
					if (*q == '"')
						strbuf_addch(&out, '"');
					strbuf_addch(&out, *q);
				}
				strbuf_addch(&out, '"');
			}
			strbuf_release(&tokens);
			free(word);
		}
	} else {
		/* A tsquery of our own tokens, read as they are (no PostgreSQL parser or
		 * dictionary), so they compare with the lexemes store_fts_put wrote the same
		 * way; every token must match. */
		strbuf tokens = STRBUF_INIT;
		search_query_tokens(query, &tokens);
		fts_quote_tokens(strbuf_str(&tokens), " & ", &out);
		strbuf_release(&tokens);
	}
	if (!out.len) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}

int store_backup(store *s, const char *path, err *e)
{
	if (!s->ops->backup)
		return err_set(e, ERR_INVALID, "unsupported", NULL,
			       "PostgreSQL 数据库请用 pg_dump 或 pg_basebackup 备份");
	return s->ops->backup(s, path, e);
}

/* ---- migrations ---- */

/* Replaces the type placeholders of a migration with the backend's types. */
static char *expand(const struct store_ops *ops, const char *sql)
{
	static const char *keys[] = {"@ID@", "@BLOB@", "@PATHTEXT@"};
	const char *vals[] = {ops->type_id, ops->type_blob, ops->type_pathtext};
	strbuf sb = STRBUF_INIT;
	const char *p = sql;
	while (*p) {
		int hit = -1;
		if (*p == '@')
			for (int k = 0; k < 3; k++)
				if (strncmp(p, keys[k], strlen(keys[k])) == 0)
					hit = k;
		if (hit >= 0) {
			strbuf_adds(&sb, vals[hit]);
			p += strlen(keys[hit]);
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static int migrate(store *s, err *e)
{
	store_conn *c = s->ops->conn_open(s, e);
	if (!c)
		return -1;
	int rc = -1;
	if (s->ops->migrate_lock(c, true, e) < 0)
		goto out_close;
	if (store_exec_script(c,
			      "CREATE TABLE IF NOT EXISTS schema_migrations ("
			      " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			      " applied_at BIGINT NOT NULL)",
			      e) < 0)
		goto out_unlock;
	int64_t have;
	if (store_query_int(c, &have, 0, e, "SELECT MAX(version) FROM schema_migrations", NULL) < 0)
		goto out_unlock;
	const char *me = s->ops->name;
	/* Files sharing a version (one per backend, or a common one beside a backend's
	 * own) are applied together in one transaction and recorded once. */
	for (size_t i = 0; i < store_migrations_count;) {
		int version = store_migrations[i].version;
		size_t j = i;
		while (j < store_migrations_count && store_migrations[j].version == version)
			j++;
		if (version <= have) {
			i = j;
			continue;
		}
		if (s->ops->begin(c, e) < 0)
			goto out_unlock;
		/* Another process may have applied it while we waited for the write lock
		 * (SQLite's BEGIN IMMEDIATE; PostgreSQL holds an advisory lock anyway). */
		int64_t now_have;
		if (store_query_int(c, &now_have, 0, e,
				    "SELECT MAX(version) FROM schema_migrations", NULL) < 0) {
			s->ops->rollback(c);
			goto out_unlock;
		}
		if (now_have >= version) {
			s->ops->rollback(c);
			have = now_have;
			i = j;
			continue;
		}
		int bad = 0;
		const char *name = store_migrations[i].name;
		for (size_t k = i; k < j && !bad; k++) {
			const struct store_migration *m = &store_migrations[k];
			if (m->backend && strcmp(m->backend, me) != 0)
				continue;
			char *sql = expand(s->ops, m->sql);
			bad = store_exec_script(c, sql, e) < 0;
			free(sql);
			name = m->name;
		}
		if (!bad)
			bad = store_exec(
				      c, e,
				      "INSERT INTO schema_migrations (version, name, applied_at) "
				      "VALUES (?, ?, ?)",
				      "isi", (int64_t)version, name, clock_now_ms()) < 0;
		if (bad) {
			char msg[sizeof e->message];
			snprintf(msg, sizeof msg, "%s", e ? e->message : "");
			s->ops->rollback(c);
			err_set(e, ERR_INTERNAL, "migration_failed", NULL, "迁移 %03d_%s 失败：%s",
				version, name, msg);
			goto out_unlock;
		}
		if (s->ops->commit(c, e) < 0)
			goto out_unlock;
		i = j;
	}
	if (store_query_int(c, &have, 0, e, "SELECT MAX(version) FROM schema_migrations", NULL) < 0)
		goto out_unlock;
	s->schema_version = (int)have;
	rc = 0;
out_unlock:
	s->ops->migrate_lock(c, false, NULL);
out_close:
	s->ops->conn_close(c);
	return rc;
}
