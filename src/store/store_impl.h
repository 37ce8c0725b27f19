/* What a store backend provides. Only store.c, store_sqlite.c and store_pg.c include
 * this. A backend's connection and statement structs begin with the generic ones. */
#ifndef YW_STORE_IMPL_H
#define YW_STORE_IMPL_H
#include <pthread.h>
#include <stdatomic.h>

#include "store/store.h"

struct store_ops {
	const char *name;
	/* Opens the backend state (s->impl). */
	int (*open)(store *s, const char *url, bool create, err *e);
	/* Frees the backend state; every connection is already closed. */
	void (*close)(store *s);
	store_conn *(*conn_open)(store *s, err *e);
	void (*conn_close)(store_conn *c);
	int (*write)(store *s, store_tx_fn fn, void *ctx, err *e);
	/* Optional: queues a write and calls done after its commit (store_write_async). */
	void (*write_async)(store *s, store_tx_fn fn, void *ctx, store_done_fn done, void *arg);
	int (*exec_script)(store_conn *c, const char *sql, err *e);
	/* Begin/commit/rollback on a connection, used for migrations. */
	int (*begin)(store_conn *c, err *e);
	int (*commit)(store_conn *c, err *e);
	void (*rollback)(store_conn *c);
	/* Serialises migrations between processes (PostgreSQL advisory lock). */
	int (*migrate_lock)(store_conn *c, bool lock, err *e);
	store_stmt *(*prepare)(store_conn *c, const char *sql, err *e);
	/* Optional: store_prepare_planned (prepare when absent). */
	store_stmt *(*prepare_planned)(store_conn *c, const char *sql, err *e);
	void (*bind_int)(store_stmt *st, int idx, int64_t v);
	void (*bind_double)(store_stmt *st, int idx, double v);
	void (*bind_text)(store_stmt *st, int idx, const char *v);
	void (*bind_null)(store_stmt *st, int idx);
	/* Optional: steps a statement that returns no rows to its end, where the backend
	 * may answer later (store_run). */
	int (*step_nowait)(store_stmt *st, err *e);
	/* Optional: store_send (absent: the first step runs the statement). */
	int (*send)(store_stmt *st, err *e);
	int (*step)(store_stmt *st, err *e);
	int (*column_count)(store_stmt *st);
	const char *(*column_name)(store_stmt *st, int col);
	bool (*col_null)(store_stmt *st, int col);
	int64_t (*col_int)(store_stmt *st, int col);
	double (*col_double)(store_stmt *st, int col);
	const char *(*col_text)(store_stmt *st, int col);
	int64_t (*changes)(store_stmt *st);
	void (*done)(store_stmt *st);
	int (*backup)(store *s, const char *path, err *e);
	/* Optional: fails with storage_full when the database's file system has less than
	 * min_free bytes free. */
	int (*space)(store *s, uint64_t min_free, err *e);
	/* Optional: takes a search entry to write later in the same transaction; returns
	 * false when the caller must write it now. */
	bool (*fts_defer)(store_conn *c, int64_t id, const char *text);
	/* Optional: the audit chain's head kept across a writer batch (store_batch_chain). */
	store_chain *(*batch_chain)(store_conn *c, store_chain_save_fn save);
	/* Optional: a counter kept across a writer batch (store_batch_memo). */
	store_memo *(*batch_memo)(store_conn *c, store_memo_save_fn save);
	/* Optional: store_next_case_id (absent: the INSERT assigns the id). */
	int (*next_case_id)(store_conn *c, int64_t *id, err *e);
	/* Text substituted for @ID@, @BLOB@, @PATHTEXT@ in migrations. */
	const char *type_id, *type_blob, *type_pathtext;
};

struct store {
	const struct store_ops *ops;
	enum store_kind kind;
	void *impl;
	pthread_key_t conn_key;
	pthread_mutex_t conns_lock;
	store_conn **conns;
	size_t nconns, conns_alloc;
	atomic_uint_fast64_t db_ns, db_calls;
	int schema_version;
	bool pooled;	   /* store_pooled: set by the backend's open */
	uint64_t min_free; /* for the probes: store_set_min_free */
};

struct store_conn {
	store *s;
};

struct store_stmt {
	store_conn *conn;
	int64_t started_ns; /* when the current execution began, for store_db_ns */
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* One embedded migration (generated from src/store/migrations/ at build time). */
struct store_migration {
	int version;
	const char *name;
	const char *backend; /* NULL: both; else "sqlite" or "postgres" */
	const char *sql;
};
extern const struct store_migration store_migrations[];
extern const size_t store_migrations_count;

/* Adds time spent in the database to the store's counters. */
void store_account(store *s, int64_t ns);

#endif
