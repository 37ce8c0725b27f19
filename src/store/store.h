/* The store: the only module that knows which database runs. Everything above it writes
 * portable SQL (`?` placeholders, integer epoch milliseconds, RETURNING, ON CONFLICT) and
 * calls the functions here; the SQLite and PostgreSQL backends translate.
 *
 * Reads run on the calling thread's own connection (store_conn_get). Writes run as
 * transaction functions handed to store_write: on both backends one writer thread runs
 * the jobs of many concurrent callers inside one transaction (each in its own savepoint)
 * and commits them together, so one fsync (one WAL flush) acknowledges many writes. When
 * store_write returns 0 the job's changes are durable. */
#ifndef YW_STORE_H
#define YW_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"

typedef struct store store;
typedef struct store_conn store_conn;
typedef struct store_stmt store_stmt;

enum store_kind { STORE_SQLITE, STORE_POSTGRES };

/* Opens the database named by url: a `postgresql://` or `postgres://` URI, or a file path
 * (SQLite). create: make the SQLite file when missing (PostgreSQL databases must exist).
 * Applies pending migrations. */
int store_open(const char *url, bool create, store **out, err *e);
/* Closes every connection and stops the writer. No store_* call may be running. */
void store_close(store *s);
enum store_kind store_kind(const store *s);
const char *store_kind_name(const store *s);
/* PostgreSQL reached through a pooler in transaction mode (YIWANG_PG_POOLER=transaction,
 * see store_pg.c): no session state outlives a transaction, so nothing above the store
 * may hold a session-level lock or setting. */
bool store_pooled(const store *s);
/* Highest applied migration version. */
int store_schema_version(store *s);

/* The calling thread's read connection, opened on first use and kept until store_close.
 * NULL (and e filled) when the database cannot be reached. */
store_conn *store_conn_get(store *s, err *e);

/* Brackets the reads of one request in one read transaction on the calling thread's
 * connection: one consistent snapshot, and on SQLite one WAL check instead of one per
 * statement. No-ops on PostgreSQL, where they would cost round trips. */
void store_read_begin(store *s);
void store_read_end(store *s);
/* Inside store_read_begin/end: a number that changes whenever anyone (any connection, any
 * process) commits to the database, for caches of what was read. -1 where the backend has
 * no cheap such number (PostgreSQL): nothing may then be cached. */
int store_data_version(store *s, uint64_t *v);

/* A transaction body: runs with conn inside a transaction; returns 0 to commit, -1 (e
 * filled) to roll back its own changes. It must not call store_write. It may run more
 * than once (PostgreSQL reruns it after a serialization failure or a deadlock), so it must
 * have no effect outside the database. A statement error inside it aborts its savepoint on
 * PostgreSQL: return -1 rather than carry on (use ON CONFLICT for expected duplicates).
 * A parameter whose type the SQL does not fix needs a cast: CAST(? AS TEXT) IS NULL. */
typedef int (*store_tx_fn)(store_conn *conn, void *ctx, err *e);
/* Runs fn in a write transaction and returns its result once the outcome is durable. */
int store_write(store *s, store_tx_fn fn, void *ctx, err *e);

/* A hook around the next write of the calling thread (idempotency keys, http/idem.c):
 * before runs first inside that write's transaction, after once fn succeeded, both in the
 * same transaction (and again if PostgreSQL retries it). store_write and
 * store_write_async take the armed hook (it guards one write); arming NULL disarms. While
 * fn runs, store_tx_tag() returns arg on the thread running it (SQLite's writer thread or
 * the caller's), so code inside the transaction can add to what the hook records. */
typedef struct store_tx_hook {
	store_tx_fn before, after;
	void *arg;
} store_tx_hook;
void store_tx_hook_arm(const store_tx_hook *h);
void *store_tx_tag(void);

/* Called once a write handed to store_write_async is durable (rc 0) or failed (rc -1, e
 * filled), on the writer's thread: it must be quick and must not write. */
typedef void (*store_done_fn)(void *arg, int rc, const err *e);
/* Whether this backend runs writes without holding the caller's thread (the writer
 * thread; both backends now). When it does not, callers use store_write. */
bool store_can_defer(const store *s);
/* Queues fn (ctx must live until done is called) and returns at once; done follows
 * the commit. Only where store_can_defer. fn may run twice (the writer runs a batch of
 * such jobs without savepoints, and when one fails rolls the whole batch back and runs
 * it again with a savepoint each): it must depend only on ctx and the database, change
 * nothing outside the transaction, and leave in ctx only what a second run overwrites. */
void store_write_async(store *s, store_tx_fn fn, void *ctx, store_done_fn done, void *arg);

/* A prepared statement from conn's cache; bind, step, read columns, then store_done.
 * Parameters are numbered from 1, columns from 0. NULL with e filled on an SQL error. */
store_stmt *store_prepare(store_conn *conn, const char *sql, err *e);
/* As store_prepare, for a statement whose best plan depends on its values (a list's
 * filter: how many rows a unit's range or a state matches). On PostgreSQL it is planned
 * with the values bound at every execution (one round trip: parse, bind and execute
 * together), never cached: a cached statement goes to a generic plan after five
 * executions when the planner guesses that plan no dearer, and for a list that guess
 * can be wrong by 20 times (a nested loop over every unit of a range it estimated at one).
 * On SQLite the same as store_prepare. */
store_stmt *store_prepare_planned(store_conn *conn, const char *sql, err *e);
void store_bind_int(store_stmt *st, int idx, int64_t v);
void store_bind_double(store_stmt *st, int idx, double v);
/* Binds a copy of the text (NULL binds SQL NULL). */
void store_bind_text(store_stmt *st, int idx, const char *v);
void store_bind_null(store_stmt *st, int idx);
/* Binds in order from 1 by format: i int64_t, d double, s const char * (NULL → NULL),
 * n int64_t where 0 means NULL, b bool. */
void store_bindf(store_stmt *st, const char *fmt, ...);
/* 1 a row is ready, 0 no more rows, -1 error (e filled; unique violations are
 * ERR_CONFLICT with code "duplicate"). */
int store_step(store_stmt *st, err *e);
/* Starts a bound read whose rows the caller takes later with store_step, as usual. On
 * PostgreSQL the statement goes to the server together with the next statement stepped on
 * the connection: one round trip for both, and one snapshot (a pipeline, store_pg.c). On
 * SQLite it does nothing: the first step runs the statement. So the read sees the
 * database as it was when sent or as it is at its first step: the caller writes nothing
 * in between that the read would see. 0, or -1 when the statement could not be sent. */
int store_send(store_stmt *st, err *e);
int store_column_count(store_stmt *st);
const char *store_column_name(store_stmt *st, int col);
bool store_col_null(store_stmt *st, int col);
int64_t store_col_int(store_stmt *st, int col);
double store_col_double(store_stmt *st, int col);
/* Valid until the next step or store_done; "" for NULL. */
const char *store_col_text(store_stmt *st, int col);
/* Rows changed by the last finished statement (INSERT/UPDATE/DELETE). */
int64_t store_changes(store_stmt *st);
/* Resets the statement and returns it to the cache. Safe on NULL. */
void store_done(store_stmt *st);

/* Prepare, bind by format and step to completion: for statements that return no rows.
 * Returns rows changed, or -1. */
int64_t store_exec(store_conn *conn, err *e, const char *sql, const char *fmt, ...);
/* The same for a write whose count the caller does not need: 0 or -1. On PostgreSQL's
 * writer it goes down the pipeline without waiting for its answer (store_pg.c); a failure
 * then surfaces at the job's next read or at its end, and fails the job. */
int store_run(store_conn *conn, err *e, const char *sql, const char *fmt, ...);
/* store_run for a statement prepared and bound by the caller (then store_done). */
int store_finish(store_stmt *st, err *e);
/* Runs an INSERT of one row into a table keyed by `id` and sets *id to the new row's id:
 * on SQLite the rowid it was given (RETURNING would collect its row in a temporary table
 * before handing it back), on PostgreSQL through RETURNING id. -1 on error. */
int store_insert_id(store_conn *conn, int64_t *id, err *e, const char *sql, const char *fmt, ...);
/* Prepare, bind and step once: 1 with the row ready (caller reads, then store_done),
 * 0 no row (statement already done), -1 error. */
int store_query_row(store_conn *conn, store_stmt **out, err *e, const char *sql, const char *fmt,
		    ...);
/* Runs a query expected to return one integer (COUNT, an id); def when no row. */
int store_query_int(store_conn *conn, int64_t *out, int64_t def, err *e, const char *sql,
		    const char *fmt, ...);

/* The id the next case will have, for an INSERT INTO cases that names it, so that the
 * insert returns nothing to wait for; 0: the backend assigns it at the INSERT (SQLite's
 * rowid). PostgreSQL takes the ids from the table's sequence in one statement per
 * writer batch (as many as the batch has jobs) instead of a RETURNING round trip per
 * case: ids stay unique and rise in the order the cases are written; those the
 * transaction did not use are dropped at its end, as the sequence skips ids after a
 * rollback anyway. */
int store_next_case_id(store_conn *conn, int64_t *id, err *e);
/* Inside a write transaction: runs sql, an INSERT INTO cases whose first parameter is the
 * id, with the id from store_next_case_id (NULL on SQLite: the rowid) and fmt's
 * arguments from the second parameter on; fills *id. On PostgreSQL's writer the INSERT
 * goes down the pipeline: nothing to wait for. */
int store_insert_case(store_conn *conn, int64_t *id, err *e, const char *sql, const char *fmt, ...);

/* Full-text search over Chinese and Latin text (CJK bigrams and unigrams, see search.h).
 * One index per name ("case" is the only one now; its table is fts_case). */
/* Inside a write transaction: indexes text under id, replacing what was there. */
int store_fts_put(store_conn *conn, const char *index, int64_t id, const char *text, err *e);
/* A sub-select of the ids matching one ? parameter: "SELECT ... WHERE ... ?". */
const char *store_fts_ids_sql(const store *s, const char *index);
/* The parameter for store_fts_ids_sql from what a person typed (all words must match);
 * NULL when the query holds nothing searchable. Heap string. */
char *store_fts_query(const store *s, const char *query);

/* The audit chain's head while a writer batch runs (org/audit.c): the writer keeps it in
 * memory across the batch's jobs and writes it once, with save, just before the commit,
 * instead of two UPDATEs of the head row per entry. A job that fails gets the head back
 * as it was before the job (as its savepoint undoes its rows). The first append of a
 * batch reads the head with a row lock (on PostgreSQL another server's writer waits for
 * this batch's commit). NULL outside a writer batch. */
typedef struct store_chain {
	bool loaded; /* seq and hash hold the head (read once per batch) */
	bool dirty;  /* changed since read: save before the commit */
	int64_t seq;
	char hash[65];
} store_chain;
typedef int (*store_chain_save_fn)(store_conn *conn, const store_chain *h, err *e);
store_chain *store_batch_chain(store_conn *conn, store_chain_save_fn save);

/* One counter kept in memory across a writer batch, as the audit chain's head
 * above (src/engine/case.c: the day's case numbers): key names it (loaded: key and value
 * hold what the database has, plus this batch's changes), save writes it just before the
 * commit, or before the memo takes another key. A job that fails gets the memo back as it
 * was before the job. NULL outside a writer batch. */
typedef struct store_memo {
	bool loaded;
	bool dirty;
	char key[48];
	int64_t value;
} store_memo;
typedef int (*store_memo_save_fn)(store_conn *conn, const store_memo *m, err *e);
store_memo *store_batch_memo(store_conn *conn, store_memo_save_fn save);

/* Appends "%q%" to sb with LIKE's wildcards in q escaped, for `LIKE ? ESCAPE '\\'`, so a
 * search for "100%" finds that text. */
void store_like_pattern(strbuf *sb, const char *q);

/* Runs a script of several statements (migrations, maintenance). */
int store_exec_script(store_conn *conn, const char *sql, err *e);

/* Checks the database answers a read and a write; for /healthz. */
int store_ping(store *s, err *e);
/* Checks the database answers a read. */
int store_ping_read(store *s, err *e);
/* Both probes fail with 503 storage_full while the SQLite database's file system has less
 * than this many bytes free (default 4 MiB): the probe's own small write may still fit
 * where the next real one does not. */
void store_set_min_free(store *s, uint64_t bytes);

/* SQLite only: copies the live database to path with the online backup API. */
int store_backup(store *s, const char *path, err *e);

/* Cumulative time spent in the database, for /metrics. */
uint64_t store_db_ns(const store *s);
uint64_t store_db_calls(const store *s);

#endif
