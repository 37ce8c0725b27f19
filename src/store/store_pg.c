/* The PostgreSQL backend, over libpq. Every thread reads on its own connection (store.c
 * keeps them). Writes go, as on SQLite, to one writer thread with a connection of its own,
 * which takes every job waiting in the queue, runs them inside one transaction (each in
 * its own SAVEPOINT unless every job may run twice: run_batch) and commits them
 * together: one WAL flush acknowledges the whole batch. A
 * transaction per request on the caller's connection could not do better than one commit
 * at a time, because every write appends to the audit chain (one row, audit_head, locked
 * from its update until the commit's flush); the writer keeps that head in memory across a
 * batch (store_batch_chain) and sends the writes whose answers a job does not read down
 * libpq's pipeline ("the writer's pipeline" below). Statements are prepared once per
 * connection and cached by their SQL text. Parameters and results travel as text, which gives one
 * code path for every type and lets the server infer parameter types from the portable
 * SQL above us.
 *
 * Pooler mode (YIWANG_PG_POOLER=transaction, serve --pg-pooler transaction): the URL
 * reaches PostgreSQL through a pooler in transaction mode (PgBouncer), which hands each
 * transaction, and each statement outside one, to whichever server session is free. Only
 * what lives inside one transaction can be relied on there, so: statements are never
 * prepared by name but sent with their parameters in one message sequence
 * (PQexecParams: the unnamed statement, parsed and run before the pooler lets the server
 * session go); the session settings are those PgBouncer itself carries from server to
 * server (TimeZone and client_encoding, which it tracks), join_collapse_limit comes from
 * the database's own setting (migration 020), and notices are dropped here anyway; the
 * migrations' lock is taken per migration transaction (pg_advisory_xact_lock) instead of
 * for the session; and the scheduler's once-across-nodes pass uses a lease row
 * (engine/jobs.c) instead of a session advisory lock. The writer's batches (one
 * transaction) need nothing: a transaction keeps its server session. */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"
#include "store/store_impl.h"
#include "store/writeq.h"

/* MAX_ATTEMPTS: a write is retried up to three times after a serialization failure or a
 * deadlock, the errors PostgreSQL documents as "retry the transaction". MAX_BATCH: a
 * transaction with more than 64 subtransactions that wrote overflows PostgreSQL's
 * per-backend cache of them (PGPROC_MAX_CACHED_SUBXIDS), and every other session's
 * visibility checks against it then go through pg_subtrans: batches stay below that. */
enum { BUCKETS = 256, MAX_CACHED = 1024, MAX_ATTEMPTS = 4, MAX_BATCH = 64 };
/* Batches run with a savepoint per job after one that had a failing job (run_batch): a
 * stream of refused writes does not run every batch twice. */
enum { SAVEPOINT_BATCHES = 8 };

/* The advisory lock held while migrating: "yiwang" in ASCII, recognisable in pg_locks. */
#define MIGRATE_LOCK_KEY INT64_C(0x796977616e67)

typedef struct pg_stmt {
	store_stmt base;
	char *sql;     /* the portable text: the cache key */
	char *text;    /* with $1..$n placeholders, as the server sees it */
	char name[24]; /* the server-side name; "" (unnamed) for an uncached statement */
	uint32_t hash;
	unsigned gen; /* the connection's session it was prepared in */
	int nparams;
	char **params; /* text values, NULL for SQL NULL */
	PGresult *res; /* the whole result, fetched by the first step */
	PGresult *desc;
	int row, nrows;
	int64_t changes;
	bool in_use, cached;
	bool planned;	  /* store_prepare_planned: sent with its values, planned each time */
	bool writes_only; /* INSERT, UPDATE or DELETE without RETURNING: no rows come back */
	bool deferred;	  /* sent down the writer's pipeline, its answer not read yet */
	bool early;	  /* a read sent by store_send: its rows are kept when they arrive */
	err *early_err;	  /* ...or its failure, reported by its first step */
	struct pg_stmt *next;
} pg_stmt;

/* At most how many case ids pg_next_case_id takes from the sequence at a time. */
#define CASE_ID_BLOCK 64

typedef struct pg_conn {
	store_conn base;
	PGconn *pg;
	bool pooler;	/* pooler mode (above) */
	bool migrating; /* pooler mode: between migrate_lock(true) and (false) */
	pg_stmt *buckets[BUCKETS];
	int ncached;
	unsigned next_name;
	unsigned gen;	  /* bumped by each reconnect: older prepared statements are gone */
	pg_stmt *unnamed; /* the uncached statement the server's unnamed statement holds */
	bool in_tx;	  /* between BEGIN and COMMIT/ROLLBACK */
	bool tx_retry;	  /* a serialization failure or deadlock hit the open transaction */
	err retry_err;	  /* ...and what it said, reported when the retries run out */
	/* Failover (reconnect()): the server we reach can no longer take writes (25006 after
	 * a switchover), so the session must be replaced even though it still answers; and
	 * the backoff between attempts to reconnect. */
	bool must_reset;
	int64_t next_try_ns;
	int backoff_ms;
	/* The writer's pipeline (pipe_send): while a job runs, a statement that only writes
	 * is sent without waiting for its answer; the answers are read, in order, with the
	 * next statement that returns rows, or at the end of the job. sent: the statements
	 * in the pipeline (NULL for one its caller has finished with). */
	bool may_pipe;
	pg_stmt **sent;
	int nsent, sent_alloc;
	/* The audit chain's head across the writer's batch (store_batch_chain), and the
	 * batch's counter (store_batch_memo: the day's case numbers). */
	bool batching;
	store_chain chain;
	store_chain_save_fn chain_save;
	store_memo memo;
	store_memo_save_fn memo_save;
	/* Case ids taken from the sequence for the open transaction and not used yet
	 * (pg_next_case_id); case_ids_want: how many to take at once (the writer's batch). */
	int64_t case_ids[CASE_ID_BLOCK];
	int case_ids_pos, case_ids_n, case_ids_want;
} pg_conn;

typedef struct pg_store {
	char *url;
	bool pooler;
	/* The writer (writeq.c): started on the first write, its connection opened (and
	 * reopened after a failure) by the writer itself. */
	writeq q;
	store *s;
	pg_conn *wconn;
	/* Batches still to run with savepoints since the last one with a failing job. */
	int savepoint_batches;
} pg_store;

static uint32_t hash_sql(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* libpq's messages end in newlines and sometimes span lines ("connection refused\n\tIs the
 * server running..."); our messages are one line. */
static void one_line(char *dst, size_t n, const char *src)
{
	size_t k = 0;
	bool space = false;
	for (const char *p = src ? src : ""; *p && k + 1 < n; p++) {
		if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
			space = k > 0;
			continue;
		}
		if (space && k + 2 < n)
			dst[k++] = ' ';
		space = false;
		dst[k++] = *p;
	}
	dst[k] = '\0';
}

static int conn_error(pg_conn *c, err *e)
{
	char msg[256];
	one_line(msg, sizeof msg, PQerrorMessage(c->pg));
	return err_set(e, ERR_UNAVAILABLE, "database_unavailable", NULL, "无法连接数据库：%s", msg);
}

/* ---- failover ----
 * Behind HAProxy's write port the server we reach is whichever node Patroni made the
 * leader. When it dies or steps down our session breaks (PQstatus bad, SQLSTATE 08xxx or
 * 57P01-03) or, after a switchover, survives on a node that now refuses writes (25006).
 * Either way the statement's transaction did not commit and the request answers 503 with
 * Retry-After; the next statement on this connection reconnects (reconnect(), through the
 * same address, so to the new leader), at most once per backoff period (100 ms doubling
 * to 2 s) so that a thread never waits out connect timeouts back to back while the cluster
 * elects. A COMMIT whose answer was lost is not retried here: its outcome is unknown, and
 * the client's idempotency key resolves it (http/idem.c). */

enum { BACKOFF_MIN_MS = 100, BACKOFF_MAX_MS = 2000 };

/* Whether an error means this session's server can no longer serve us, though the
 * session is up: a read-only node (a demoted leader, 25006), or one that is out of
 * connection slots or starting (53300, 57P03). The session is replaced before the next
 * statement. */
static bool failover_state(pg_conn *c, const char *state)
{
	if (!state || (strcmp(state, "25006") != 0 && strcmp(state, "53300") != 0 &&
		       strcmp(state, "57P03") != 0))
		return false;
	c->must_reset = true;
	return true;
}

/* Connects the session again (the caller is outside any transaction). */
static int reconnect(pg_conn *c, err *e)
{
	int64_t now = clock_mono_ns();
	if (c->next_try_ns && now < c->next_try_ns)
		return err_set(e, ERR_UNAVAILABLE, "database_unavailable", NULL,
			       "数据库暂不可用（正在重连），请稍后重试");
	c->must_reset = false;
	PQreset(c->pg);
	store_account(c->base.s, clock_mono_ns() - now);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : BACKOFF_MIN_MS;
		if (c->backoff_ms > BACKOFF_MAX_MS)
			c->backoff_ms = BACKOFF_MAX_MS;
		c->next_try_ns = clock_mono_ns() + (int64_t)c->backoff_ms * 1000000;
		return -2;
	}
	c->backoff_ms = 0;
	c->next_try_ns = 0;
	return 0;
}

/* Maps a failed result (NULL when libpq could not even make one) to our error kinds by
 * SQLSTATE, so that callers see the same codes as on SQLite. */
static int pg_fail(pg_conn *c, const PGresult *res, err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[256];
	one_line(msg, sizeof msg, primary);
	if (!*msg)
		one_line(msg, sizeof msg, PQerrorMessage(c->pg));
	/* 57P01-03: the server is shutting down or restarting and ended our session. */
	if (PQstatus(c->pg) != CONNECTION_OK ||
	    (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0)))
		return err_set(e, ERR_UNAVAILABLE, "database_unavailable", NULL,
			       "数据库连接中断：%s", msg);
	if (failover_state(c, state))
		return err_set(e, ERR_UNAVAILABLE, "database_failover", NULL,
			       "数据库正在切换主节点，请稍后重试：%s", msg);
	if (!state)
		return err_set(e, ERR_INTERNAL, "database_error", NULL, "数据库错误：%s", msg);
	if (strcmp(state, "23505") == 0)
		return err_set(e, ERR_CONFLICT, "duplicate", NULL, "记录已存在：%s", msg);
	if (strcmp(state, "23503") == 0)
		return err_set(e, ERR_INVALID, "invalid_reference", NULL, "引用的记录不存在：%s",
			       msg);
	if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0)
		return err_set(e, ERR_INVALID, "constraint", NULL, "数据不符合约束：%s", msg);
	/* Raised by our triggers, like the audit trail's append-only guard. */
	if (strcmp(state, "23000") == 0)
		return err_set(e, ERR_CONFLICT, "not_allowed", NULL, "%s", msg);
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		err_set(e, ERR_UNAVAILABLE, "database_busy", NULL, "数据库忙：%s", msg);
		if (c->in_tx && !c->tx_retry) {
			c->tx_retry = true;
			err_set(&c->retry_err, ERR_UNAVAILABLE, "database_busy", NULL,
				"数据库忙：%s", msg);
		}
		return -1;
	}
	/* A lock or statement timeout: the database is overloaded, not the request wrong. */
	if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return err_set(e, ERR_UNAVAILABLE, "database_busy", NULL, "数据库忙：%s", msg);
	return err_set(e, ERR_INTERNAL, "database_error", NULL, "数据库错误：%s", msg);
}

/* ---- the writer's pipeline ----
 *
 * An intake is about a dozen statements on the writer's connection, and each used to be
 * a round trip, one after the other. In libpq's pipeline mode the writer sends a
 * statement that returns no rows (INSERT, UPDATE or DELETE without RETURNING: a search
 * entry, a timeline entry, an appeal's row, an audit entry) and goes on with the job at
 * once; the next statement that returns rows goes down the same pipeline followed by a
 * sync, and one round trip brings every answer back. A job's last writes are read at its
 * end (run_job), before its savepoint is released. A statement that failed makes the
 * server skip the rest up to the sync: the error surfaces at the next read or at the end
 * of the job, and the job fails with it, as it would have (a failed statement aborts the
 * savepoint on PostgreSQL: no job can carry on after one anyway). store_changes on a
 * statement still in the pipeline reads the answers first. */

static bool piped(const pg_conn *c)
{
	return PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF;
}

/* Whether a statement's text says it returns no rows. */
static bool sql_writes_only(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	if (strncasecmp(sql, "INSERT", 6) != 0 && strncasecmp(sql, "UPDATE", 6) != 0 &&
	    strncasecmp(sql, "DELETE", 6) != 0)
		return false;
	return !strcasestr(sql, "RETURNING");
}

/* Sends st down the pipeline (entering pipeline mode first). */
static int pipe_send(pg_conn *c, pg_stmt *st, err *e)
{
	if (!piped(c) && !PQenterPipelineMode(c->pg))
		return conn_error(c, e);
	if (!PQsendQueryPrepared(c->pg, st->name, st->nparams, (const char *const *)st->params,
				 NULL, NULL, 0))
		return conn_error(c, e);
	if (c->nsent == c->sent_alloc) {
		c->sent_alloc = c->sent_alloc ? c->sent_alloc * 2 : 16;
		c->sent = xrealloc(c->sent, (size_t)c->sent_alloc * sizeof *c->sent);
	}
	c->sent[c->nsent++] = st;
	return 0;
}

/* Sends a statement without parameters down the pipeline (the unnamed statement). */
static int pipe_send_sql(pg_conn *c, const char *sql, err *e)
{
	if (!PQsendQueryParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0))
		return conn_error(c, e);
	c->unnamed = NULL;
	if (c->nsent == c->sent_alloc) {
		c->sent_alloc = c->sent_alloc ? c->sent_alloc * 2 : 16;
		c->sent = xrealloc(c->sent, (size_t)c->sent_alloc * sizeof *c->sent);
	}
	c->sent[c->nsent++] = NULL;
	return 0;
}

/* Reads one statement's answer: its result (NULL when the pipeline skipped it after an
 * earlier failure, or the connection broke), then libpq's end marker. */
static PGresult *pipe_result(pg_conn *c, bool *broken)
{
	PGresult *r = PQgetResult(c->pg);
	if (!r) {
		*broken = true;
		return NULL;
	}
	PGresult *more;
	while ((more = PQgetResult(c->pg)) != NULL)
		PQclear(more);
	if (PQresultStatus(r) == PGRES_PIPELINE_ABORTED) {
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Ends the pipeline: a sync, every answer read in order, pipeline mode left. The last
 * statement sent may be one that returns rows: its result goes to *last. -1 with e
 * filled from the first statement that failed (or the broken connection). */
static int pipe_end(pg_conn *c, PGresult **last, err *e)
{
	if (last)
		*last = NULL;
	if (!piped(c))
		return 0;
	int rc = 0;
	bool broken = !PQpipelineSync(c->pg);
	for (int i = 0; i < c->nsent && !broken; i++) {
		pg_stmt *st = c->sent[i];
		PGresult *r = pipe_result(c, &broken);
		ExecStatusType t = PQresultStatus(r);
		if (r && t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && st && st->early) {
			/* A read sent early fails alone, at its own step; the statements after
			 * it, skipped by the server, run again on their own. */
			free(st->early_err);
			st->early_err = xcalloc(1, sizeof *st->early_err);
			pg_fail(c, r, st->early_err);
		} else if (r && t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
			if (rc == 0)
				rc = pg_fail(c, r, e);
		} else if (r && st && st->early) {
			/* Before the first row: pg_step's first step moves to row 0. */
			st->row = -1;
			st->res = r;
			st->nrows = PQntuples(r);
			st->changes = strtoll(PQcmdTuples(r), NULL, 10);
			r = NULL;
		} else if (r && last && i == c->nsent - 1 && !(st && st->deferred)) {
			*last = r;
			r = NULL;
		} else if (r && st) {
			st->changes = strtoll(PQcmdTuples(r), NULL, 10);
		}
		if (st)
			st->deferred = st->early = false;
		PQclear(r);
	}
	c->nsent = 0;
	if (!broken) {
		PGresult *r = PQgetResult(c->pg);
		broken = PQresultStatus(r) != PGRES_PIPELINE_SYNC;
		PQclear(r);
	}
	if (broken || !PQexitPipelineMode(c->pg)) {
		/* Only a broken connection leaves answers unread: it is replaced before the
		 * next statement (conn_ready), which also ends pipeline mode. */
		if (rc == 0)
			rc = conn_error(c, e);
		c->must_reset = true;
	}
	if (rc < 0 && last) {
		PQclear(*last);
		*last = NULL;
	}
	return rc;
}

/* Runs statements without parameters through the simple-query protocol. */
static int simple(pg_conn *c, const char *sql, err *e)
{
	if (pipe_end(c, NULL, e) < 0)
		return -1;
	PGresult *r = PQexec(c->pg, sql);
	/* A simple query destroys the server's unnamed prepared statement. */
	c->unnamed = NULL;
	ExecStatusType t = PQresultStatus(r);
	int rc = 0;
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY)
		rc = pg_fail(c, r, e);
	PQclear(r);
	return rc;
}

/* Rewrites `?` placeholders as $1..$n. Quoted text, quoted identifiers and comments are
 * copied as they are, so `SELECT '?'` keeps its question mark. A doubled quote inside a
 * literal ('it''s') reads as a literal ending and another starting, which comes out the
 * same. */
static char *translate(const char *sql, int *nparams)
{
	strbuf sb = STRBUF_INIT;
	int n = 0;
	const char *p = sql;
	while (*p) {
		size_t len = 1;
		if (*p == '\'' || *p == '"') {
			const char *end = strchr(p + 1, *p);
			len = end ? (size_t)(end - p) + 1 : strlen(p);
		} else if (p[0] == '-' && p[1] == '-') {
			len = strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			len = end ? (size_t)(end - p) + 2 : strlen(p);
		} else if (*p == '?') {
			strbuf_addf(&sb, "$%d", ++n);
			p++;
			continue;
		}
		strbuf_add(&sb, p, len);
		p += len;
	}
	*nparams = n;
	return strbuf_detach(&sb, NULL);
}

/* ---- connections ---- */

static void drop_notice(void *arg, const char *message)
{
	(void)arg, (void)message;
}

/* Settings every session needs, run after each connect and reconnect (one round trip):
 * times are epoch milliseconds computed by us, but any server-side date function must not
 * depend on the server's zone; NOTICEs (IF NOT EXISTS, ROLLBACK outside a transaction) are
 * noise. join_collapse_limit: our queries name their driving table first and join lookups
 * after it (a list page joins nine tables); searching every order of nine took the planner
 * 9-13 ms per page, planned afresh at each execution because the page's parameters
 * (status, unit, offset) keep PostgreSQL on custom plans, against under 1 ms with the
 * order searched in groups of four, and the plans came out as good or better. */
static int session_setup(pg_conn *c, err *e)
{
	if (c->pooler)
		return simple(c, "SET TIME ZONE 'UTC'; SET client_encoding TO 'UTF8'", e);
	return simple(c,
		      "SET TIME ZONE 'UTC'; SET client_encoding TO 'UTF8';"
		      " SET client_min_messages TO warning; SET join_collapse_limit TO 4",
		      e);
}

static PGconn *connect_db(const char *url)
{
	/* Keywords before dbname are defaults that the URL may override. The keepalives and
	 * tcp_user_timeout: a primary whose machine vanished (no RST, no FIN) is noticed in
	 * about ten seconds instead of the kernel's minutes, so that a request waiting on it
	 * answers 503 rather than hangs (see "failover" above). */
	const char *const keys[] = {"fallback_application_name",
				    "connect_timeout",
				    "keepalives",
				    "keepalives_idle",
				    "keepalives_interval",
				    "keepalives_count",
				    "tcp_user_timeout",
				    "dbname",
				    NULL};
	const char *const vals[] = {"yiwang", "5", "1", "5", "2", "3", "10000", url, NULL};
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	if (pg)
		PQsetNoticeProcessor(pg, drop_notice, NULL);
	return pg;
}

static void stmt_free(pg_conn *c, pg_stmt *st)
{
	if (c->unnamed == st)
		c->unnamed = NULL;
	for (int i = 0; i < st->nparams; i++)
		free(st->params[i]);
	free(st->params);
	PQclear(st->res);
	PQclear(st->desc);
	free(st->early_err);
	free(st->sql);
	free(st->text);
	free(st);
}

/* Forgets the statement cache, because after a reconnect the server has forgotten every
 * prepared statement. Statements a caller still holds are detached rather than freed:
 * store_done frees them, and a step on one that had not run yet reports the reset. */
static void cache_drop(pg_conn *c)
{
	for (int b = 0; b < BUCKETS; b++) {
		pg_stmt *st = c->buckets[b];
		while (st) {
			pg_stmt *n = st->next;
			st->next = NULL;
			if (st->in_use)
				st->cached = false;
			else
				stmt_free(c, st);
			st = n;
		}
		c->buckets[b] = NULL;
	}
	c->ncached = 0;
	c->unnamed = NULL;
	c->gen++;
	/* What was sent down the pipeline went with the old session. */
	for (int i = 0; i < c->nsent; i++)
		if (c->sent[i])
			c->sent[i]->deferred = c->sent[i]->early = false;
	c->nsent = 0;
}

/* A server that restarted, or an administrator that ended our session, has already sent
 * its farewell and closed the socket, but libpq only notices when it next reads: after we
 * have sent a statement, which then fails. Reading what is waiting first turns that into a
 * reconnect before the statement instead of a failed request. On a healthy idle
 * connection nothing is readable and this is one poll() that does not wait. */
static void notice_hangup(pg_conn *c)
{
	for (int i = 0; i < 8 && PQstatus(c->pg) == CONNECTION_OK; i++) {
		struct pollfd p = {.fd = PQsocket(c->pg), .events = POLLIN};
		if (p.fd < 0 || poll(&p, 1, 0) <= 0)
			return;
		if (!PQconsumeInput(c->pg))
			return;
	}
}

/* Makes the connection usable before a statement: a connection that broke is reset, so
 * that a database restart costs at most one failed call instead of leaving the thread's
 * connection dead for good. Never inside a transaction: the reconnected session would run
 * the rest of the transaction's statements outside it. */
static int conn_ready(pg_conn *c, err *e)
{
	if (!c->in_tx)
		notice_hangup(c);
	if (PQstatus(c->pg) == CONNECTION_OK && !(c->must_reset && !c->in_tx))
		return 0;
	if (c->in_tx)
		return err_set(e, ERR_UNAVAILABLE, "database_unavailable", NULL,
			       "数据库连接在事务中中断，请重试");
	cache_drop(c);
	int rc = reconnect(c, e);
	if (rc == -2)
		return conn_error(c, e);
	if (rc < 0)
		return -1;
	return session_setup(c, e);
}

static void run_batch(void *arg, writeq_job *batch);
static void pg_conn_close(store_conn *base);

static int pg_open(store *s, const char *url, bool create, err *e)
{
	(void)create; /* a PostgreSQL database is created by its administrator */
	if (!PQisthreadsafe())
		return err_set(e, ERR_INTERNAL, "libpq_not_threadsafe", NULL,
			       "libpq 未以线程安全方式编译");
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &msg);
	if (!opts) {
		char line[200];
		one_line(line, sizeof line, msg ? msg : "内存不足");
		PQfreemem(msg);
		return err_set(e, ERR_INVALID, "bad_database_url", "db", "数据库地址无效：%s",
			       line);
	}
	PQconninfoFree(opts);
	const char *pooler = getenv("YIWANG_PG_POOLER");
	bool pooled = pooler && strcmp(pooler, "transaction") == 0;
	if (pooler && *pooler && !pooled && strcmp(pooler, "none") != 0)
		return err_set(e, ERR_INVALID, "bad_pg_pooler", "pg_pooler",
			       "YIWANG_PG_POOLER 只能是 none 或 transaction");
	pg_store *p = xcalloc(1, sizeof *p);
	p->url = xstrdup(url);
	p->pooler = pooled;
	s->pooled = pooled;
	p->s = s;
	writeq_init(&p->q, &(writeq_cfg){.max_batch = MAX_BATCH, .run_batch = run_batch, .arg = p});
	s->impl = p;
	return 0;
}

/* Stops the writer once the jobs already queued have run, then closes its connection. */
static void pg_close(store *s)
{
	pg_store *p = s->impl;
	if (!p)
		return;
	writeq_close(&p->q);
	if (p->wconn)
		pg_conn_close(&p->wconn->base);
	free(p->url);
	free(p);
	s->impl = NULL;
}

static store_conn *pg_conn_open(store *s, err *e)
{
	pg_store *p = s->impl;
	int64_t t0 = clock_mono_ns();
	pg_conn *c = xcalloc(1, sizeof *c);
	c->base.s = s;
	c->pooler = p->pooler;
	c->pg = connect_db(p->url);
	store_account(s, clock_mono_ns() - t0);
	if (!c->pg) {
		free(c);
		err_set(e, ERR_UNAVAILABLE, "database_unavailable", NULL,
			"无法连接数据库：内存不足");
		return NULL;
	}
	if (PQstatus(c->pg) != CONNECTION_OK || session_setup(c, e) < 0) {
		if (PQstatus(c->pg) != CONNECTION_OK)
			conn_error(c, e);
		PQfinish(c->pg);
		free(c);
		return NULL;
	}
	return &c->base;
}

static void pg_conn_close(store_conn *base)
{
	pg_conn *c = (pg_conn *)base;
	for (int b = 0; b < BUCKETS; b++) {
		pg_stmt *st = c->buckets[b];
		while (st) {
			pg_stmt *n = st->next;
			stmt_free(c, st);
			st = n;
		}
	}
	PQfinish(c->pg);
	free(c->sent);
	free(c);
}

/* ---- statements ---- */

/* Parses st->text on the server under st->name. */
static int server_prepare(pg_conn *c, pg_stmt *st, err *e)
{
	if (pipe_end(c, NULL, e) < 0)
		return -1;
	int64_t t0 = clock_mono_ns();
	PGresult *r = PQprepare(c->pg, st->name, st->text, 0, NULL);
	store_account(c->base.s, clock_mono_ns() - t0);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : pg_fail(c, r, e);
	PQclear(r);
	if (rc == 0 && !st->name[0])
		c->unnamed = st;
	return rc;
}

/* A cached statement is a named prepared statement that lives as long as the session.
 * Past MAX_CACHED distinct texts (dynamic SQL), statements use the server's unnamed
 * statement instead, which costs nothing to drop; it is prepared again if something else
 * took the unnamed slot between prepare and step. */
static store_stmt *prepare(store_conn *base, const char *sql, bool planned, err *e)
{
	pg_conn *c = (pg_conn *)base;
	if (conn_ready(c, e) < 0)
		return NULL;
	uint32_t h = hash_sql(sql);
	pg_stmt **slot = &c->buckets[h % BUCKETS];
	for (pg_stmt *st = planned ? NULL : *slot; st; st = st->next)
		if (!st->in_use && st->hash == h && strcmp(st->sql, sql) == 0) {
			st->in_use = true;
			return &st->base;
		}
	pg_stmt *st = xcalloc(1, sizeof *st);
	st->base.conn = base;
	st->sql = xstrdup(sql);
	st->text = translate(sql, &st->nparams);
	st->params = st->nparams ? xcalloc((size_t)st->nparams, sizeof *st->params) : NULL;
	st->hash = h;
	st->gen = c->gen;
	st->writes_only = sql_writes_only(sql);
	st->planned = planned;
	st->cached = !c->pooler && !planned && c->ncached < MAX_CACHED;
	if (st->cached)
		snprintf(st->name, sizeof st->name, "s%u", ++c->next_name);
	/* Pooler mode and planned statements: parsed with each execution (pg_step), so a
	 * mistake in the SQL is reported by the step rather than here. */
	if (!c->pooler && !planned && server_prepare(c, st, e) < 0) {
		stmt_free(c, st);
		return NULL;
	}
	st->in_use = true;
	if (st->cached) {
		st->next = *slot;
		*slot = st;
		c->ncached++;
	}
	return &st->base;
}

static store_stmt *pg_prepare(store_conn *base, const char *sql, err *e)
{
	return prepare(base, sql, false, e);
}

static store_stmt *pg_prepare_planned(store_conn *base, const char *sql, err *e)
{
	return prepare(base, sql, true, e);
}

static void set_param(store_stmt *b, int idx, char *v)
{
	pg_stmt *st = (pg_stmt *)b;
	if (idx < 1 || idx > st->nparams) {
		free(v); /* like sqlite3_bind_*: out of range is SQLITE_RANGE, ignored */
		return;
	}
	free(st->params[idx - 1]);
	st->params[idx - 1] = v;
}

static void pg_bind_int(store_stmt *b, int idx, int64_t v)
{
	set_param(b, idx, xasprintf("%" PRId64, v));
}

static void pg_bind_double(store_stmt *b, int idx, double v)
{
	/* %.17g round-trips every finite double; PostgreSQL spells the others in words. */
	if (isnan(v))
		set_param(b, idx, xstrdup("NaN"));
	else if (isinf(v))
		set_param(b, idx, xstrdup(v > 0 ? "Infinity" : "-Infinity"));
	else
		set_param(b, idx, xasprintf("%.17g", v));
}

static void pg_bind_text(store_stmt *b, int idx, const char *v)
{
	set_param(b, idx, xstrdup(v));
}

static void pg_bind_null(store_stmt *b, int idx)
{
	set_param(b, idx, NULL);
}

/* The first step runs the statement and fetches its whole result; later steps walk the
 * rows. Fetching everything (rather than row by row) frees the connection at once, so a
 * caller may run other statements, even the same SQL, while it reads the rows. */
static int pg_step(store_stmt *b, err *e)
{
	pg_stmt *st = (pg_stmt *)b;
	pg_conn *c = (pg_conn *)b->conn;
	/* Sent by store_send and no statement stepped since: its answer now. */
	if (st->early && st->gen == c->gen && pipe_end(c, NULL, e) < 0)
		return -1;
	if (st->early_err) {
		if (e)
			*e = *st->early_err;
		free(st->early_err);
		st->early_err = NULL;
		return -1;
	}
	if (st->res) {
		if (st->row + 1 < st->nrows) {
			st->row++;
			return 1;
		}
		st->row = st->nrows;
		return 0;
	}
	if (st->deferred)
		return 0;
	if (st->gen != c->gen)
		return err_set(e, ERR_UNAVAILABLE, "database_unavailable", NULL,
			       "数据库连接已重置，请重试");
	PGresult *r = NULL;
	/* The writer's pipeline (above): a write goes down it unanswered; a read joins it
	 * and brings every answer back. Outside the writer, what is in the pipeline was sent
	 * by store_send, and this read goes with it. No answer: the server skipped it after
	 * an earlier read failed, and it runs on its own below. */
	if (piped(c) && st->name[0] && (pipe_send(c, st, e) < 0 || pipe_end(c, &r, e) < 0))
		return -1;
	if (r) {
		/* answered in the pipeline */
	} else if (c->pooler || st->planned) {
		if (pipe_end(c, NULL, e) < 0)
			return -1;
		int64_t t0 = clock_mono_ns();
		r = PQexecParams(c->pg, st->text, st->nparams, NULL,
				 (const char *const *)st->params, NULL, NULL, 0);
		store_account(c->base.s, clock_mono_ns() - t0);
		c->unnamed = NULL; /* PQexecParams used the unnamed statement */
	} else {
		if (!st->name[0] && c->unnamed != st && server_prepare(c, st, e) < 0)
			return -1;
		if (pipe_end(c, NULL, e) < 0)
			return -1;
		r = PQexecPrepared(c->pg, st->name, st->nparams, (const char *const *)st->params,
				   NULL, NULL, 0);
	}
	ExecStatusType t = PQresultStatus(r);
	if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
		int rc = pg_fail(c, r, e);
		PQclear(r);
		return rc;
	}
	st->res = r;
	st->row = 0;
	st->nrows = PQntuples(r);
	st->changes = strtoll(PQcmdTuples(r), NULL, 10);
	return st->nrows > 0 ? 1 : 0;
}

/* Column names and counts before the first step come from describing the statement, one
 * round trip kept for the life of a cached statement. */
static const PGresult *shape(pg_stmt *st)
{
	if (st->res)
		return st->res;
	if (pipe_end((pg_conn *)st->base.conn, NULL, NULL) < 0)
		return NULL;
	if (!st->desc && ((pg_conn *)st->base.conn)->pooler) {
		/* Describing the unnamed statement takes a round trip of its own after the
		 * prepare: outside a transaction the pooler could give it another server
		 * session, so the two run in one. */
		pg_conn *c = (pg_conn *)st->base.conn;
		if (st->gen != c->gen)
			return NULL;
		bool wrap = !c->in_tx;
		if (wrap && simple(c, "BEGIN", NULL) < 0)
			return NULL;
		PGresult *r = NULL;
		if (server_prepare(c, st, NULL) == 0)
			r = PQdescribePrepared(c->pg, "");
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			st->desc = r;
		else
			PQclear(r);
		c->unnamed = NULL;
		if (wrap)
			simple(c,
			       PQtransactionStatus(c->pg) == PQTRANS_INTRANS ? "COMMIT"
									     : "ROLLBACK",
			       NULL);
	}
	if (!st->desc) {
		pg_conn *c = (pg_conn *)st->base.conn;
		if (c->pooler || st->gen != c->gen ||
		    (!st->name[0] && c->unnamed != st && server_prepare(c, st, NULL) < 0))
			return NULL;
		PGresult *r = PQdescribePrepared(c->pg, st->name);
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			st->desc = r;
		else
			PQclear(r);
	}
	return st->desc;
}

static int pg_column_count(store_stmt *b)
{
	const PGresult *r = shape((pg_stmt *)b);
	return r ? PQnfields(r) : 0;
}

static const char *pg_column_name(store_stmt *b, int col)
{
	const PGresult *r = shape((pg_stmt *)b);
	return r && col >= 0 && col < PQnfields(r) ? PQfname(r, col) : NULL;
}

/* The current row's value, NULL for SQL NULL and for no row or column (as SQLite does). */
static const char *value(pg_stmt *st, int col)
{
	if (!st->res || st->row < 0 || st->row >= st->nrows || col < 0 ||
	    col >= PQnfields(st->res) || PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static bool pg_col_null(store_stmt *b, int col)
{
	return value((pg_stmt *)b, col) == NULL;
}

static int64_t pg_col_int(store_stmt *b, int col)
{
	const char *v = value((pg_stmt *)b, col);
	if (!v)
		return 0;
	if (strcmp(v, "t") == 0 || strcmp(v, "f") == 0)
		return v[0] == 't';
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (*end == '\0' || errno == ERANGE)
		return n;
	/* NUMERIC (what SUM and AVG return) and floating point: truncate toward zero, as
	 * sqlite3_column_int64 does with a REAL. */
	double d = strtod(v, NULL);
	if (isnan(d))
		return 0;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

static double pg_col_double(store_stmt *b, int col)
{
	const char *v = value((pg_stmt *)b, col);
	if (!v)
		return 0;
	if (strcmp(v, "t") == 0 || strcmp(v, "f") == 0)
		return v[0] == 't';
	return strtod(v, NULL);
}

static const char *pg_col_text(store_stmt *b, int col)
{
	return value((pg_stmt *)b, col);
}

/* store_run: a write whose count no one reads goes down the writer's pipeline. */
static int pg_step_nowait(store_stmt *b, err *e)
{
	pg_stmt *st = (pg_stmt *)b;
	pg_conn *c = (pg_conn *)b->conn;
	if (!c->may_pipe || c->pooler || !st->name[0] || !st->writes_only || st->res ||
	    st->deferred || st->gen != c->gen) {
		int rc;
		while ((rc = pg_step(b, e)) == 1)
			;
		return rc;
	}
	if (pipe_send(c, st, e) < 0)
		return -1;
	st->deferred = true;
	return 0;
}

/* store_send: a cached statement goes down the pipeline, its answer read with the next
 * statement stepped (pipe_end keeps its rows); any other runs at its first step. */
static int pg_send(store_stmt *b, err *e)
{
	pg_stmt *st = (pg_stmt *)b;
	pg_conn *c = (pg_conn *)b->conn;
	if (c->pooler || !st->name[0] || st->res || st->deferred || st->early || st->gen != c->gen)
		return 0;
	if (pipe_send(c, st, e) < 0)
		return -1;
	st->early = true;
	return 0;
}

static int64_t pg_changes(store_stmt *b)
{
	pg_stmt *st = (pg_stmt *)b;
	/* Still in the pipeline: its answer holds the count. A failure surfaces at the
	 * job's next statement or its end. */
	if (st->deferred)
		pipe_end((pg_conn *)b->conn, NULL, NULL);
	return st->changes;
}

static void pg_done(store_stmt *b)
{
	pg_stmt *st = (pg_stmt *)b;
	if (st->deferred || st->early) {
		pg_conn *c = (pg_conn *)b->conn;
		for (int i = 0; i < c->nsent; i++)
			if (c->sent[i] == st)
				c->sent[i] = NULL;
		/* A read sent early and never stepped: its answer is read (and dropped) now,
		 * which ends the implicit transaction the pipeline holds open on the server.
		 * The writer's pipeline ends with its job. */
		if (st->early && !c->may_pipe)
			pipe_end(c, NULL, NULL);
		st->deferred = st->early = false;
	}
	PQclear(st->res);
	st->res = NULL;
	free(st->early_err);
	st->early_err = NULL;
	for (int i = 0; i < st->nparams; i++) {
		free(st->params[i]);
		st->params[i] = NULL;
	}
	st->row = st->nrows = 0;
	st->changes = 0;
	st->in_use = false;
	if (!st->cached)
		stmt_free((pg_conn *)b->conn, st);
}

/* ---- transactions ---- */

static int pg_begin(store_conn *b, err *e)
{
	pg_conn *c = (pg_conn *)b;
	if (conn_ready(c, e) < 0 || simple(c, "BEGIN", e) < 0)
		return -1;
	/* Pooler mode: the migrations' lock (pg_migrate_lock) lasts one transaction. */
	if (c->migrating) {
		char sql[80];
		snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%" PRId64 ")",
			 MIGRATE_LOCK_KEY);
		if (simple(c, sql, e) < 0) {
			simple(c, "ROLLBACK", NULL);
			return -1;
		}
	}
	c->in_tx = true;
	c->tx_retry = false;
	return 0;
}

/* The transaction ended: the case ids it did not use are not kept (pg_next_case_id). */
static void forget_case_ids(pg_conn *c)
{
	c->case_ids_pos = c->case_ids_n = 0;
}

static void pg_rollback(store_conn *b)
{
	pg_conn *c = (pg_conn *)b;
	forget_case_ids(c);
	PGTransactionStatusType t = PQtransactionStatus(c->pg);
	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		simple(c, "ROLLBACK", NULL);
	c->in_tx = false;
}

static int pg_commit(store_conn *b, err *e)
{
	pg_conn *c = (pg_conn *)b;
	/* After a failed statement PostgreSQL has aborted the transaction and would answer
	 * COMMIT with a silent ROLLBACK; say so instead of reporting success. (On SQLite a
	 * failed statement undoes only itself; here it takes the transaction with it.) */
	if (PQtransactionStatus(c->pg) == PQTRANS_INERROR) {
		pg_rollback(b);
		return err_set(e, ERR_INTERNAL, "statement_failed", NULL,
			       "事务中有语句失败，整个事务已回滚");
	}
	int rc = simple(c, "COMMIT", e);
	c->in_tx = false;
	forget_case_ids(c);
	/* The connection broke while COMMIT was on its way: it may or may not have committed,
	 * and only the client's idempotency key can tell (see "failover" above). */
	if (rc < 0 && PQstatus(c->pg) != CONNECTION_OK)
		err_set(e, ERR_UNAVAILABLE, "commit_unknown", NULL,
			"数据库连接在提交时中断，结果未知：请用同一幂等键重试");
	return rc;
}

static int pg_exec_script(store_conn *b, const char *sql, err *e)
{
	pg_conn *c = (pg_conn *)b;
	if (conn_ready(c, e) < 0)
		return -1;
	/* Pooler mode, migrating outside a migration's transaction (the schema_migrations
	 * table's creation, which two nodes starting together would race for): in one
	 * transaction under the migrations' lock. */
	if (c->migrating && !c->in_tx) {
		char *wrapped = xasprintf("BEGIN; SELECT pg_advisory_xact_lock(%" PRId64 ");"
					  " %s; COMMIT",
					  MIGRATE_LOCK_KEY, sql);
		int rc = simple(c, wrapped, e);
		free(wrapped);
		return rc;
	}
	return simple(c, sql, e);
}

/* Session-level advisory lock: a second server starting at the same moment waits here
 * until the first has migrated, then finds nothing left to do. */
static int pg_migrate_lock(store_conn *b, bool lock, err *e)
{
	pg_conn *c = (pg_conn *)b;
	if (lock && conn_ready(c, e) < 0)
		return -1;
	/* Pooler mode: a session lock would stay on whichever server session took it, and
	 * the unlock could go to another. Each migration's transaction takes a transaction
	 * lock instead (pg_begin) and checks again what is applied once it holds it. */
	if (c->pooler) {
		c->migrating = lock;
		return 0;
	}
	char sql[80];
	snprintf(sql, sizeof sql, "SELECT %s(%" PRId64 ")",
		 lock ? "pg_advisory_lock" : "pg_advisory_unlock", MIGRATE_LOCK_KEY);
	return simple(c, sql, e);
}

/* ---- the writer ---- */

/* Whether the batch's transaction is still open and usable after a job: a lost
 * connection, or a job that ended the transaction itself, loses the whole batch. */
static bool tx_alive(pg_conn *c)
{
	if (PQstatus(c->pg) != CONNECTION_OK)
		return false;
	PGTransactionStatusType t = PQtransactionStatus(c->pg);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

/* Runs one job inside the savepoint "job" that the caller opened: a job that fails is
 * rolled back to it (a failed statement has aborted the savepoint, not the batch), and one
 * that hit a serialization failure or a deadlock runs again from it. Returns false when
 * the batch's transaction is lost. */
static bool run_job(pg_conn *c, writeq_job *j, err *cause, bool *next_open)
{
	*next_open = false;
	store_chain chain = c->chain;
	store_memo memo = c->memo;
	for (int attempt = 1;; attempt++) {
		c->tx_retry = false;
		c->chain = chain;
		c->memo = memo;
		err_clear(&j->e);
		c->may_pipe = true;
		j->rc = j->fn(&c->base, j->ctx, &j->e);
		c->may_pipe = false;
		/* The job's last writes are answered here, one of them failing fails it; a job
		 * that succeeded releases its savepoint and opens the next job's in the same
		 * round trip (after a failure the server skips both: the savepoint stays for
		 * the ROLLBACK TO below). */
		err late = {0};
		int64_t t0 = clock_mono_ns();
		bool moved = j->rc == 0 && j->next && piped(c) &&
			     pipe_send_sql(c, "RELEASE SAVEPOINT job", &late) == 0 &&
			     pipe_send_sql(c, "SAVEPOINT job", &late) == 0;
		int late_rc = pipe_end(c, NULL, &late);
		store_account(c->base.s, clock_mono_ns() - t0);
		if (late_rc < 0 && j->rc == 0) {
			j->rc = -1;
			j->e = late;
		}
		if (late_rc < 0)
			moved = false;
		if (!tx_alive(c))
			return false;
		/* A statement failed and the job carried on: PostgreSQL has aborted the
		 * savepoint, and would answer COMMIT with a silent ROLLBACK. */
		if (j->rc == 0 && PQtransactionStatus(c->pg) == PQTRANS_INERROR) {
			j->rc = -1;
			err_set(&j->e, ERR_INTERNAL, "statement_failed", NULL,
				"事务中有语句失败，整个事务已回滚");
		}
		if (j->rc == 0) {
			*next_open = moved;
			return true;
		}
		c->chain = chain; /* the head as before the job, as its rows */
		c->memo = memo;
		if (simple(c, "ROLLBACK TO SAVEPOINT job", cause) < 0)
			return false;
		if (!c->tx_retry || attempt >= MAX_ATTEMPTS) {
			if (c->tx_retry)
				j->e = c->retry_err;
			return true;
		}
	}
}

/* Runs the batch's jobs with a savepoint each: "SAVEPOINT job" is open when it is called,
 * "RELEASE job; SAVEPOINT job" between two (one round trip, or none when run_job sends
 * them with the job's last writes). false: the transaction is lost, cause filled. */
static bool run_with_savepoints(pg_conn *c, writeq_job *batch, err *cause)
{
	store *s = c->base.s;
	bool open = false; /* the next job's savepoint opened by run_job */
	for (writeq_job *j = batch; j; j = j->next) {
		if (j != batch && !open) {
			int64_t t0 = clock_mono_ns();
			int rc = simple(c, "RELEASE SAVEPOINT job; SAVEPOINT job", cause);
			store_account(s, clock_mono_ns() - t0);
			if (rc < 0)
				return false;
		}
		if (!run_job(c, j, cause, &open))
			return false;
	}
	return true;
}

/* Runs the batch's jobs without savepoints, one after the other in the open transaction,
 * the pipeline left open from one job to the next: a job's last writes travel with the
 * next job's first read. 0: every job succeeded and the transaction is clean; 1: a job
 * or a statement failed (the caller rolls back and runs the batch again with
 * savepoints, which says which job failed and retries a deadlock); -1: the connection
 * is lost, cause filled. */
static int run_plain(pg_conn *c, writeq_job *batch, err *cause)
{
	bool failed = false;
	for (writeq_job *j = batch; j && !failed; j = j->next) {
		c->tx_retry = false;
		err_clear(&j->e);
		c->may_pipe = true;
		j->rc = j->fn(&c->base, j->ctx, &j->e);
		c->may_pipe = false;
		failed = j->rc < 0 || c->tx_retry;
		if (PQstatus(c->pg) != CONNECTION_OK)
			break;
	}
	err late = {0};
	int64_t t0 = clock_mono_ns();
	if (pipe_end(c, NULL, &late) < 0)
		failed = true;
	store_account(c->base.s, clock_mono_ns() - t0);
	if (!tx_alive(c)) {
		if (!cause->message[0])
			*cause = late;
		return -1;
	}
	return failed || PQtransactionStatus(c->pg) != PQTRANS_INTRANS ? 1 : 0;
}

/* Runs one batch in one transaction and commits it: one WAL flush for all of them.
 *
 * A job's failure must not undo the others, so a job may run in its own savepoint; but a
 * savepoint is a subtransaction on PostgreSQL, which costs the server CPU for every job
 * (and round trips to open and release). When every job of the batch may run twice
 * (store_write_async: intakes, session use) and none of the last SAVEPOINT_BATCHES
 * batches had a failure, the jobs run without savepoints (run_plain); should one fail
 * after all, the whole batch is rolled back and run again with savepoints, so the outcome
 * is the same as if it had had them from the start. Nothing is answered before the
 * commit, so no one sees the first run.
 *
 * When the transaction is lost (the connection broke, a savepoint could not be opened or
 * rolled back to), a failed job's writes must not commit with the others: every job of
 * the batch fails. */
static void run_batch(void *arg, writeq_job *batch)
{
	pg_store *p = arg;
	store *s = p->s;
	err e = {0};
	bool savepoints = p->savepoint_batches > 0;
	for (writeq_job *j = batch; j && !savepoints; j = j->next)
		if (!j->rerunnable)
			savepoints = true;
	bool lost = false;
	err cause = {0};
	pg_conn *c;
	for (;;) {
		int64_t t0 = clock_mono_ns();
		if (!p->wconn)
			p->wconn = (pg_conn *)pg_conn_open(s, &e);
		c = p->wconn;
		if (!c || conn_ready(c, &e) < 0 ||
		    simple(c, savepoints ? "BEGIN; SAVEPOINT job" : "BEGIN", &e) < 0) {
			if (c)
				pg_rollback(&c->base);
			store_account(s, clock_mono_ns() - t0);
			writeq_fail_all(batch, &e);
			return;
		}
		c->in_tx = true;
		c->batching = true;
		c->chain = (store_chain){0};
		c->memo = (store_memo){0};
		c->case_ids_want = 0;
		for (writeq_job *j = batch; j; j = j->next)
			c->case_ids_want++;
		store_account(s, clock_mono_ns() - t0);
		if (savepoints) {
			lost = !run_with_savepoints(c, batch, &cause);
			break;
		}
		int r = run_plain(c, batch, &cause);
		if (r < 0)
			lost = true;
		if (r <= 0)
			break;
		/* A job failed without a savepoint: start again with them. */
		c->batching = false;
		pg_rollback(&c->base);
		for (writeq_job *j = batch; j; j = j->next) {
			j->rc = 0;
			j->e = (err){0};
		}
		cause = (err){0};
		savepoints = true;
	}
	c->batching = false;
	if (p->savepoint_batches > 0)
		p->savepoint_batches--;
	for (writeq_job *j = batch; j; j = j->next)
		if (j->rc < 0)
			p->savepoint_batches = SAVEPOINT_BATCHES;
	if (!lost && PQtransactionStatus(c->pg) != PQTRANS_INTRANS)
		lost = true;
	/* The batch's counter and the audit chain's head, kept across the batch, written
	 * once. */
	if (!lost && c->memo.dirty && c->memo_save(&c->base, &c->memo, &cause) < 0)
		lost = true;
	if (!lost && c->chain.dirty && c->chain_save(&c->base, &c->chain, &cause) < 0)
		lost = true;
	c->chain = (store_chain){0};
	c->memo = (store_memo){0};
	if (lost) {
		pg_rollback(&c->base);
		if (!cause.message[0] && PQstatus(c->pg) != CONNECTION_OK)
			conn_error(c, &cause);
		err_set(&e, ERR_UNAVAILABLE, "database_unavailable", NULL,
			"数据库事务中断，请重试%s%s", cause.message[0] ? "：" : "", cause.message);
		writeq_fail_succeeded(batch, &e);
		p->savepoint_batches = SAVEPOINT_BATCHES;
		return;
	}
	int64_t t0 = clock_mono_ns();
	int rc = simple(c, "COMMIT", &e);
	c->in_tx = false;
	forget_case_ids(c);
	store_account(s, clock_mono_ns() - t0);
	if (rc < 0) {
		pg_rollback(&c->base);
		writeq_fail_succeeded(batch, &e);
	}
}

static store_chain *pg_batch_chain(store_conn *base, store_chain_save_fn save)
{
	pg_conn *c = (pg_conn *)base;
	if (!c->batching)
		return NULL;
	c->chain_save = save;
	return &c->chain;
}

static store_memo *pg_batch_memo(store_conn *base, store_memo_save_fn save)
{
	pg_conn *c = (pg_conn *)base;
	if (!c->batching)
		return NULL;
	c->memo_save = save;
	return &c->memo;
}

/* Hands fn to the writer and waits until its batch has committed (or failed). fn may run
 * more than once: after a deadlock or a serialization failure it runs again from its
 * savepoint. */
static int pg_write(store *s, store_tx_fn fn, void *ctx, err *e)
{
	return writeq_write(&((pg_store *)s->impl)->q, fn, ctx, e);
}

static void pg_write_async(store *s, store_tx_fn fn, void *ctx, store_done_fn done, void *arg)
{
	writeq_write_async(&((pg_store *)s->impl)->q, fn, ctx, done, arg);
}

/* The ids of the cases a transaction creates, from the table's sequence: in the writer's
 * batch as many at once as the batch has jobs (at most CASE_ID_BLOCK), one trip instead
 * of a RETURNING round trip per case. nextval is not transactional, so the ids are this
 * connection's alone whatever becomes of the transaction; those it did not use are
 * dropped when it ends (forget_case_ids), so that ids keep following the order in
 * which the cases were written across the servers of a cluster, as closely as
 * concurrent transactions allow. */
static int pg_next_case_id(store_conn *base, int64_t *id, err *e)
{
	pg_conn *c = (pg_conn *)base;
	if (c->case_ids_pos >= c->case_ids_n) {
		int want = c->batching && c->case_ids_want > 1 ? c->case_ids_want : 1;
		if (want > CASE_ID_BLOCK)
			want = CASE_ID_BLOCK;
		c->case_ids_pos = c->case_ids_n = 0;
		store_stmt *st =
			store_prepare(base,
				      "SELECT nextval(pg_get_serial_sequence('cases', 'id'))"
				      " FROM generate_series(1, CAST(? AS INTEGER)) ORDER BY 1",
				      e);
		if (!st)
			return -1;
		store_bindf(st, "i", (int64_t)want);
		int rc;
		while ((rc = store_step(st, e)) == 1)
			if (c->case_ids_n < CASE_ID_BLOCK)
				c->case_ids[c->case_ids_n++] = store_col_int(st, 0);
		store_done(st);
		if (rc < 0) {
			c->case_ids_n = 0;
			return -1;
		}
		if (c->case_ids_n == 0)
			return err_set(e, ERR_INTERNAL, "database_error", NULL, "未取得案件编号");
		/* The rest of the batch takes from here; a later refill takes what is left. */
		c->case_ids_want -= c->case_ids_n;
	}
	*id = c->case_ids[c->case_ids_pos++];
	return 0;
}

const struct store_ops store_pg_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.conn_open = pg_conn_open,
	.conn_close = pg_conn_close,
	.write = pg_write,
	.write_async = pg_write_async,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.migrate_lock = pg_migrate_lock,
	.prepare = pg_prepare,
	.prepare_planned = pg_prepare_planned,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.step_nowait = pg_step_nowait,
	.send = pg_send,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.col_null = pg_col_null,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.changes = pg_changes,
	.done = pg_done,
	.batch_chain = pg_batch_chain,
	.batch_memo = pg_batch_memo,
	.next_case_id = pg_next_case_id,
	.backup = NULL,
	.type_id = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.type_blob = "BYTEA",
	.type_pathtext = "TEXT COLLATE \"C\"",
};
