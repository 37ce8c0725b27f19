/* The SQLite backend. Readers use one connection per thread (WAL lets them read while the
 * writer writes). All writes go through one writer thread that takes every job waiting
 * in the queue, runs each inside its own savepoint of one IMMEDIATE transaction, and
 * commits them together: with synchronous=FULL that is one fsync for the whole batch, so
 * throughput grows with concurrency instead of being one fsync per request. A job that
 * fails rolls back to its savepoint and does not disturb the others. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/mem.h"
#include "store/fts_cjk.h"
#include "store/store_impl.h"
#include "store/writeq.h"

enum {
	BUCKETS = 256,
	MAX_CACHED = 1024,
	MAX_BATCH = 1024,
	BUSY_TIMEOUT_MS = 10000,
	CHECKPOINT_PAGES = 4000, /* WAL size that asks for a checkpoint (SQLite: 1000) */
	SAVEPOINT_BATCHES = 8,	 /* batches with savepoints after one with a failed job */
};

typedef struct sq_stmt {
	store_stmt base;
	sqlite3_stmt *st;
	char *sql;
	uint32_t hash;
	bool in_use, cached;
	int64_t changes;
	struct sq_stmt *next;
} sq_stmt;

/* A search entry waiting for the end of the batch. */
typedef struct fts_entry {
	int64_t id;
	char *text;
} fts_entry;

typedef struct sq_conn {
	store_conn base;
	sqlite3 *db;
	sq_stmt *buckets[BUCKETS];
	int ncached;
	/* The writer's search entries of the running batch (see run_batch). */
	bool batching;
	fts_entry *fts;
	size_t nfts, fts_alloc;
	/* The audit chain's head across the batch (store_batch_chain) and how to write it. */
	store_chain chain;
	store_chain_save_fn chain_save;
	/* The batch's counter (store_batch_memo: the day's case numbers) and its writer. */
	store_memo memo;
	store_memo_save_fn memo_save;
} sq_conn;

typedef writeq_job job;

typedef struct sq_store {
	char *path;
	store *s;
	writeq q; /* the writer (writeq.c) */
	/* Checkpoints run on their own thread, asked for by the writer's WAL hook, so a
	 * commit never waits for one; started with the writer. */
	pthread_t checkpointer;
	bool checkpointer_started, checkpoint_stop;
	pthread_mutex_t checkpoint_mu;
	pthread_cond_t checkpoint_cv;
	bool checkpoint_due;
	sq_conn *wconn;
	/* Batches still to run with savepoints since the last one that had a failing job
	 * (run_batch): a stream of refused writes does not run every batch twice. */
	int savepoint_batches;
} sq_store;

/* The statement cache's key: eight bytes a step (a byte at a time, FNV-1a over the
 * 1,200 characters of an appeal's SELECT was 3 % of a GET of one appeal). A collision
 * costs only a strcmp: the cache compares the text. */
static uint32_t hash_sql(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	h ^= h >> 29;
	return (uint32_t)h;
}

static int sq_error(sqlite3 *db, int rc, err *e)
{
	int ext = db ? sqlite3_extended_errcode(db) : rc;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	switch (ext) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return err_set(e, ERR_CONFLICT, "duplicate", NULL, "记录已存在：%s", msg);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return err_set(e, ERR_INVALID, "invalid_reference", NULL, "引用的记录不存在：%s",
			       msg);
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		return err_set(e, ERR_INVALID, "constraint", NULL, "数据不符合约束：%s", msg);
	case SQLITE_CONSTRAINT_TRIGGER:
		return err_set(e, ERR_CONFLICT, "not_allowed", NULL, "%s", msg);
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(e, ERR_UNAVAILABLE, "database_busy", NULL, "数据库忙：%s", msg);
	case SQLITE_CANTOPEN:
		return err_set(e, ERR_UNAVAILABLE, "database_unavailable", NULL,
			       "无法打开数据库：%s", msg);
	case SQLITE_FULL:
		/* The disk (or the page limit) is full: the environment, not the request, and
		 * over once there is room again. */
		return err_set(e, ERR_UNAVAILABLE, "storage_full", NULL, "存储空间已满：%s", msg);
	}
	return err_set(e, ERR_INTERNAL, "database_error", NULL, "数据库错误：%s", msg);
}

static int sq_exec(sq_conn *c, const char *sql, err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		sqlite3_free(msg);
		return sq_error(c->db, rc, e);
	}
	return 0;
}

/* SQLite counts every allocation under a global mutex unless told not to; the counts are
 * never read here, and the mutex showed in profiles of concurrent requests. */
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void run_batch(void *arg, job *batch);
static void writer_start(void *arg);
static int start_checkpointer(void *arg, err *e);

static int sq_open(store *s, const char *url, bool create, err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_configure);
	if (!create && access(url, F_OK) != 0)
		return err_set(e, ERR_UNAVAILABLE, "database_missing", "db",
			       "数据库文件 %s 不存在（先运行 yiwang init 或 yiwang demo）", url);
	sq_store *q = xcalloc(1, sizeof *q);
	q->path = xstrdup(url);
	q->s = s;
	s->impl = q;
	/* The writer's connection creates the file and switches it to WAL once. */
	store_conn *w = store_sqlite_ops.conn_open(s, e);
	if (!w) {
		s->impl = NULL;
		free(q->path);
		free(q);
		return -1;
	}
	q->wconn = (sq_conn *)w;
	pthread_mutex_init(&q->checkpoint_mu, NULL);
	pthread_cond_init(&q->checkpoint_cv, NULL);
	writeq_init(&q->q, &(writeq_cfg){.max_batch = MAX_BATCH,
					 .run_batch = run_batch,
					 .thread_start = writer_start,
					 .before_start = start_checkpointer,
					 .arg = q});
	return 0;
}

static void sq_conn_close(store_conn *base)
{
	sq_conn *c = (sq_conn *)base;
	for (int b = 0; b < BUCKETS; b++) {
		sq_stmt *st = c->buckets[b];
		while (st) {
			sq_stmt *n = st->next;
			sqlite3_finalize(st->st);
			free(st->sql);
			free(st);
			st = n;
		}
	}
	for (size_t i = 0; i < c->nfts; i++)
		free(c->fts[i].text);
	free(c->fts);
	sqlite3_close_v2(c->db);
	free(c);
}

static void sq_close(store *s)
{
	sq_store *q = s->impl;
	if (!q)
		return;
	writeq_close(&q->q);
	pthread_mutex_lock(&q->checkpoint_mu);
	q->checkpoint_stop = true;
	pthread_cond_broadcast(&q->checkpoint_cv);
	pthread_mutex_unlock(&q->checkpoint_mu);
	if (q->checkpointer_started)
		pthread_join(q->checkpointer, NULL);
	if (q->wconn)
		sq_conn_close(&q->wconn->base);
	pthread_mutex_destroy(&q->checkpoint_mu);
	pthread_cond_destroy(&q->checkpoint_cv);
	free(q->path);
	free(q);
	s->impl = NULL;
}

/* A reader connection's page cache in KiB (PRAGMA cache_size=-N). */
#define READER_CACHE_KIB "2048"

static store_conn *sq_conn_open(store *s, err *e)
{
	sq_store *q = s->impl;
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(q->path, &db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		sq_error(db, rc, e);
		sqlite3_close_v2(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	/* The CJK tokenizer must exist on every connection before a yw_cjk table is used. */
	rc = fts_cjk_register(db);
	if (rc != SQLITE_OK) {
		sq_error(db, rc, e);
		sqlite3_close_v2(db);
		return NULL;
	}
	sq_conn *c = xcalloc(1, sizeof *c);
	c->base.s = s;
	c->db = db;
	if (sq_exec(c,
		    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;"
		    /* Pages read through a shared mapping: each worker's connection no
		     * longer warms a cache of its own with pread. */
		    "PRAGMA mmap_size=1073741824;",
		    e) < 0) {
		sq_conn_close(&c->base);
		return NULL;
	}
	/* No mapping of the file after all (the line above stays for the merge's sake):
	 * mapped pages that only one connection touched count as the server's private
	 * memory, hundreds of MiB under load with 1,000,000 appeals. With pread the pages
	 * stay in the kernel's page cache, shared. A reader (every connection after the
	 * writer's; one per worker thread) keeps a small cache of its own: the hot interior
	 * pages (docs/architecture.md, "Memory"). */
	if (sq_exec(c,
		    q->wconn ? "PRAGMA mmap_size=0; PRAGMA cache_size=-" READER_CACHE_KIB ";"
			     : "PRAGMA mmap_size=0;",
		    e) < 0) {
		sq_conn_close(&c->base);
		return NULL;
	}
	return &c->base;
}

/* ---- statements ---- */

static store_stmt *sq_prepare(store_conn *base, const char *sql, err *e)
{
	sq_conn *c = (sq_conn *)base;
	uint32_t h = hash_sql(sql);
	sq_stmt **slot = &c->buckets[h % BUCKETS];
	for (sq_stmt *st = *slot; st; st = st->next)
		if (!st->in_use && st->hash == h && strcmp(st->sql, sql) == 0) {
			st->in_use = true;
			st->changes = 0;
			return &st->base;
		}
	sqlite3_stmt *raw = NULL;
	bool cache = c->ncached < MAX_CACHED;
	int rc = sqlite3_prepare_v3(c->db, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &raw,
				    NULL);
	if (rc != SQLITE_OK) {
		sq_error(c->db, rc, e);
		return NULL;
	}
	sq_stmt *st = xcalloc(1, sizeof *st);
	st->base.conn = base;
	st->st = raw;
	st->sql = xstrdup(sql);
	st->hash = h;
	st->in_use = true;
	st->cached = cache;
	if (cache) {
		st->next = *slot;
		*slot = st;
		c->ncached++;
	}
	return &st->base;
}

static void sq_bind_int(store_stmt *b, int idx, int64_t v)
{
	sqlite3_bind_int64(((sq_stmt *)b)->st, idx, v);
}

static void sq_bind_double(store_stmt *b, int idx, double v)
{
	sqlite3_bind_double(((sq_stmt *)b)->st, idx, v);
}

static void sq_bind_text(store_stmt *b, int idx, const char *v)
{
	sqlite3_bind_text(((sq_stmt *)b)->st, idx, v, -1, SQLITE_TRANSIENT);
}

static void sq_bind_null(store_stmt *b, int idx)
{
	sqlite3_bind_null(((sq_stmt *)b)->st, idx);
}

static int sq_step(store_stmt *b, err *e)
{
	sq_stmt *st = (sq_stmt *)b;
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return 1;
	sqlite3 *db = sqlite3_db_handle(st->st);
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_changes64(db);
		return 0;
	}
	return sq_error(db, rc, e);
}

static int sq_column_count(store_stmt *b)
{
	return sqlite3_column_count(((sq_stmt *)b)->st);
}

static const char *sq_column_name(store_stmt *b, int col)
{
	return sqlite3_column_name(((sq_stmt *)b)->st, col);
}

static bool sq_col_null(store_stmt *b, int col)
{
	return sqlite3_column_type(((sq_stmt *)b)->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int(store_stmt *b, int col)
{
	return sqlite3_column_int64(((sq_stmt *)b)->st, col);
}

static double sq_col_double(store_stmt *b, int col)
{
	return sqlite3_column_double(((sq_stmt *)b)->st, col);
}

static const char *sq_col_text(store_stmt *b, int col)
{
	return (const char *)sqlite3_column_text(((sq_stmt *)b)->st, col);
}

static int64_t sq_changes(store_stmt *b)
{
	return ((sq_stmt *)b)->changes;
}

static void sq_done(store_stmt *b)
{
	sq_stmt *st = (sq_stmt *)b;
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
	st->in_use = false;
	if (!st->cached) {
		sqlite3_finalize(st->st);
		free(st->sql);
		free(st);
	}
}

/* ---- transactions ---- */

/* One statement without parameters or rows through the statement cache: the writer's
 * BEGIN, SAVEPOINT, RELEASE and COMMIT, which sqlite3_exec would parse again each time
 * (several per job). */
static int sq_run(sq_conn *c, const char *sql, err *e)
{
	store_stmt *st = sq_prepare(&c->base, sql, e);
	if (!st)
		return -1;
	int rc = sq_step(st, e);
	sq_done(st);
	return rc < 0 ? -1 : 0;
}

static int sq_begin(store_conn *c, err *e)
{
	return sq_exec((sq_conn *)c, "BEGIN IMMEDIATE", e);
}

static int sq_commit(store_conn *c, err *e)
{
	return sq_exec((sq_conn *)c, "COMMIT", e);
}

static void sq_rollback(store_conn *c)
{
	sq_conn *sc = (sq_conn *)c;
	if (!sqlite3_get_autocommit(sc->db))
		sq_exec(sc, "ROLLBACK", NULL);
}

static int sq_migrate_lock(store_conn *c, bool lock, err *e)
{
	(void)c, (void)lock, (void)e;
	return 0;
}

static int sq_exec_script(store_conn *c, const char *sql, err *e)
{
	return sq_exec((sq_conn *)c, sql, e);
}

/* FTS5 writes its pending terms out as a new segment at every savepoint, so indexing
 * each job's text inside its own savepoint made one tiny segment per appeal (and merges
 * later). The writer instead collects the batch's entries and indexes them together just
 * before the commit: in the same transaction, so search sees them as soon as the rest. */
static bool sq_fts_defer(store_conn *base, int64_t id, const char *text)
{
	sq_conn *c = (sq_conn *)base;
	if (!c->batching)
		return false;
	if (c->nfts == c->fts_alloc) {
		c->fts_alloc = c->fts_alloc ? c->fts_alloc * 2 : 64;
		c->fts = xrealloc(c->fts, c->fts_alloc * sizeof *c->fts);
	}
	c->fts[c->nfts++] = (fts_entry){id, xstrdup(text)};
	return true;
}

static store_chain *sq_batch_chain(store_conn *base, store_chain_save_fn save)
{
	sq_conn *c = (sq_conn *)base;
	if (!c->batching)
		return NULL;
	c->chain_save = save;
	return &c->chain;
}

static store_memo *sq_batch_memo(store_conn *base, store_memo_save_fn save)
{
	sq_conn *c = (sq_conn *)base;
	if (!c->batching)
		return NULL;
	c->memo_save = save;
	return &c->memo;
}

static void fts_drop(sq_conn *c, size_t keep)
{
	while (c->nfts > keep)
		free(c->fts[--c->nfts].text);
}

static int fts_flush(sq_conn *c, err *e)
{
	int rc = 0;
	store_stmt *st = NULL;
	if (c->nfts)
		st = sq_prepare(&c->base,
				"INSERT OR REPLACE INTO fts_case (rowid, body) VALUES (?, ?)", e);
	if (c->nfts && !st)
		rc = -1;
	for (size_t i = 0; i < c->nfts && rc == 0; i++) {
		sq_bind_int(st, 1, c->fts[i].id);
		sq_bind_text(st, 2, c->fts[i].text);
		rc = sq_step(st, e) < 0 ? -1 : 0;
		sqlite3_reset(((sq_stmt *)st)->st);
	}
	if (st)
		sq_done(st);
	fts_drop(c, 0);
	return rc;
}

/* Runs the batch's jobs inside the open transaction. With savepoints, a job that fails is
 * undone by rolling back to its own savepoint. Without them the first failure stops the
 * run and returns 1: the caller rolls the whole batch back and runs it again with
 * savepoints. -1: the transaction is lost (a savepoint could not be opened, rolled back
 * to or released, or an I/O error or a full disk rolled everything back), cause filled. */
static int run_jobs(sq_conn *c, job *batch, bool savepoints, err *cause)
{
	for (job *j = batch; j; j = j->next) {
		size_t nfts = c->nfts;
		store_chain chain = c->chain;
		store_memo memo = c->memo;
		if (savepoints && sq_run(c, "SAVEPOINT job", cause) < 0)
			return -1;
		j->rc = j->fn(&c->base, j->ctx, &j->e);
		if (sqlite3_get_autocommit(c->db))
			return -1;
		if (j->rc < 0) {
			if (!savepoints)
				return 1;
			fts_drop(c, nfts);
			c->chain = chain;
			c->memo = memo;
			if (sq_run(c, "ROLLBACK TO job", cause) < 0)
				return -1;
		}
		if (savepoints && sq_run(c, "RELEASE job", cause) < 0)
			return -1;
	}
	return 0;
}

/* Runs one batch of jobs in one transaction and commits it: one fsync for all of them.
 *
 * A job's failure must not undo the others, so each job normally runs in its own
 * savepoint; but a savepoint costs every job a copy of each page it touches (the
 * statement journal) and three statements. When every job of the batch may run twice
 * (store_write_async: intakes, session use) and none of the last SAVEPOINT_BATCHES
 * batches had a failure, the jobs run without savepoints; should one fail after all,
 * the whole batch is rolled back and run again with savepoints, so the outcome is the
 * same as if it had had them from the start. Nothing is answered before the commit, so
 * no one sees the first run.
 *
 * When the transaction is lost, the whole batch rolls back and every job reports an
 * error (a failed job's writes never commit with the others). */
static void run_batch(void *arg, job *batch)
{
	sq_store *q = arg;
	store *s = q->s;
	sq_conn *c = q->wconn;
	err e;
	err cause = {0};
	bool savepoints = q->savepoint_batches > 0;
	for (job *j = batch; j && !savepoints; j = j->next)
		if (!j->rerunnable)
			savepoints = true;
	int r;
	for (;;) {
		if (sq_run(c, "BEGIN IMMEDIATE", &e) < 0) {
			writeq_fail_all(batch, &e);
			return;
		}
		c->batching = true;
		c->chain = (store_chain){0};
		c->memo = (store_memo){0};
		r = run_jobs(c, batch, savepoints, &cause);
		c->batching = false;
		if (r != 1)
			break;
		/* A job failed without a savepoint: start again with them. */
		fts_drop(c, 0);
		sq_rollback(&c->base);
		for (job *j = batch; j; j = j->next) {
			j->rc = 0;
			j->e = (err){0};
		}
		savepoints = true;
	}
	if (q->savepoint_batches > 0)
		q->savepoint_batches--;
	for (job *j = batch; j; j = j->next)
		if (j->rc < 0)
			q->savepoint_batches = SAVEPOINT_BATCHES;
	if (r < 0) {
		fts_drop(c, 0);
		c->chain = (store_chain){0};
		c->memo = (store_memo){0};
		sq_rollback(&c->base);
		err_set(&e, ERR_UNAVAILABLE, "database_error", NULL, "数据库事务中断，请重试%s%s",
			cause.message[0] ? "：" : "", cause.message);
		writeq_fail_succeeded(batch, &e);
		q->savepoint_batches = SAVEPOINT_BATCHES;
		return;
	}
	int64_t t0 = clock_mono_ns();
	int rc = 0;
	if (c->chain.dirty)
		rc = c->chain_save(&c->base, &c->chain, &e);
	c->chain = (store_chain){0};
	if (rc == 0 && c->memo.dirty)
		rc = c->memo_save(&c->base, &c->memo, &e);
	c->memo = (store_memo){0};
	if (rc == 0)
		rc = fts_flush(c, &e);
	if (rc == 0)
		rc = sq_run(c, "COMMIT", &e);
	store_account(s, clock_mono_ns() - t0);
	if (rc < 0) {
		sq_rollback(&c->base);
		writeq_fail_succeeded(batch, &e);
	}
}

/* Called by SQLite on the writer after each commit, with the WAL's size in pages. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db, (void)name;
	sq_store *q = arg;
	if (pages >= CHECKPOINT_PAGES) {
		pthread_mutex_lock(&q->checkpoint_mu);
		if (!q->checkpoint_due) {
			q->checkpoint_due = true;
			pthread_cond_signal(&q->checkpoint_cv);
		}
		pthread_mutex_unlock(&q->checkpoint_mu);
	}
	return SQLITE_OK;
}

/* The checkpointer's own connection. A connection that has read nothing yet has not
 * opened the WAL, and a checkpoint on it does nothing at all (it reports -1 frames, as if
 * the database were not in WAL mode): one read of the schema opens the WAL first. */
static int checkpointer_open(const char *path, sqlite3 **db)
{
	int rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_busy_timeout(*db, BUSY_TIMEOUT_MS);
	return sqlite3_exec(*db, "PRAGMA schema_version", NULL, NULL, NULL);
}

/* A PASSIVE checkpoint copies what it can without blocking the writer or readers; the
 * writer restarts the WAL from its beginning once everything is copied. */
static void *checkpointer_main(void *arg)
{
	sq_store *q = arg;
	sqlite3 *db = NULL;
	pthread_setname_np(pthread_self(), "yw-checkpoint");
	pthread_mutex_lock(&q->checkpoint_mu);
	for (;;) {
		while (!q->checkpoint_due && !q->checkpoint_stop)
			pthread_cond_wait(&q->checkpoint_cv, &q->checkpoint_mu);
		if (q->checkpoint_stop)
			break;
		q->checkpoint_due = false;
		pthread_mutex_unlock(&q->checkpoint_mu);
		if (!db && checkpointer_open(q->path, &db) != SQLITE_OK) {
			sqlite3_close_v2(db);
			db = NULL;
		}
		if (db)
			sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&q->checkpoint_mu);
	}
	pthread_mutex_unlock(&q->checkpoint_mu);
	sqlite3_close_v2(db);
	return NULL;
}

/* On the writer's thread, before its first batch (writeq_cfg.thread_start). */
static void writer_start(void *arg)
{
	sq_store *q = arg;
	sqlite3_wal_hook(q->wconn->db, wal_hook, q);
}

/* Before the writer starts (writeq_cfg.before_start): the checkpointer goes first. */
static int start_checkpointer(void *arg, err *e)
{
	sq_store *q = arg;
	if (pthread_create(&q->checkpointer, NULL, checkpointer_main, q) != 0)
		return err_set(e, ERR_INTERNAL, "thread", NULL, "无法启动检查点线程");
	q->checkpointer_started = true;
	return 0;
}

static int sq_write(store *s, store_tx_fn fn, void *ctx, err *e)
{
	return writeq_write(&((sq_store *)s->impl)->q, fn, ctx, e);
}

static void sq_write_async(store *s, store_tx_fn fn, void *ctx, store_done_fn done, void *arg)
{
	writeq_write_async(&((sq_store *)s->impl)->q, fn, ctx, done, arg);
}

static int sq_backup(store *s, const char *path, err *e)
{
	sq_store *q = s->impl;
	char *tmp = xasprintf("%s.tmp", path);
	unlink(tmp);
	sqlite3 *src = NULL, *dst = NULL;
	int rc = sqlite3_open_v2(q->path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		sq_error(dst ? dst : src, rc, e);
		goto fail;
	}
	sqlite3_busy_timeout(src, BUSY_TIMEOUT_MS);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		sq_error(dst, sqlite3_errcode(dst), e);
		goto fail;
	}
	/* Copy in steps so that writers are not held off for the whole copy. */
	do {
		rc = sqlite3_backup_step(b, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		sq_error(dst, rc, e);
		goto fail;
	}
	sqlite3_close_v2(src);
	if (sqlite3_close_v2(dst) != SQLITE_OK || rename(tmp, path) != 0) {
		dst = src = NULL;
		err_set(e, ERR_INTERNAL, "backup_failed", NULL, "无法写入备份文件 %s", path);
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	sqlite3_close_v2(src);
	sqlite3_close_v2(dst);
	unlink(tmp);
	free(tmp);
	return -1;
}

/* The free space on the database's file system against the probes' minimum. When it
 * cannot be read, the probe's own read and write decide. */
static int sq_space(store *s, uint64_t min_free, err *e)
{
	sq_store *q = s->impl;
	struct statvfs v;
	if (statvfs(q->path, &v) != 0)
		return 0;
	uint64_t avail = (uint64_t)v.f_bavail * v.f_frsize;
	if (avail >= min_free)
		return 0;
	return err_set(e, ERR_UNAVAILABLE, "storage_full", NULL,
		       "存储空间不足：数据库所在磁盘只剩 %llu 字节", (unsigned long long)avail);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.conn_open = sq_conn_open,
	.conn_close = sq_conn_close,
	.write = sq_write,
	.write_async = sq_write_async,
	.exec_script = sq_exec_script,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.migrate_lock = sq_migrate_lock,
	.prepare = sq_prepare,
	.bind_int = sq_bind_int,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.column_count = sq_column_count,
	.column_name = sq_column_name,
	.col_null = sq_col_null,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.changes = sq_changes,
	.done = sq_done,
	.backup = sq_backup,
	.space = sq_space,
	.fts_defer = sq_fts_defer,
	.batch_chain = sq_batch_chain,
	.batch_memo = sq_batch_memo,
	.type_id = "INTEGER PRIMARY KEY",
	.type_blob = "BLOB",
	.type_pathtext = "TEXT",
};
