/* The store's contract, on SQLite and (with YIWANG_TEST_PG) on PostgreSQL: what the
 * modules above it rely on, whichever database runs. Each test gets a fresh migrated
 * database with two scratch tables, dropped afterwards even when the test fails. */
#include <float.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>

#include "testutil.h"
#include "org/audit.h"
#include "engine/case.h"

typedef struct fx {
	tu_db d;
	store *s;
} fx;

static bool on_pg(void)
{
	return strcmp(tu_backend, "postgres") == 0;
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	if (!c || store_exec_script(c,
				    "CREATE TABLE items (id BIGINT PRIMARY KEY,"
				    " name TEXT NOT NULL UNIQUE, n BIGINT NOT NULL DEFAULT 0);"
				    "CREATE TABLE vals (k BIGINT PRIMARY KEY, i BIGINT,"
				    " d DOUBLE PRECISION, t TEXT, flag INTEGER)",
				    &e) < 0)
		fail_msg("scratch tables: %s", e.message);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	store_close(f->s);
	tu_db_drop(&f->d);
	free(f);
	return 0;
}

static int64_t count_rows(store *s, const char *table)
{
	err e = {0};
	store_conn *c = store_conn_get(s, &e);
	assert_non_null(c);
	char *sql = xasprintf("SELECT COUNT(*) FROM %s", table);
	int64_t n = -1;
	int rc = store_query_int(c, &n, -1, &e, sql, NULL);
	free(sql);
	if (rc < 0)
		fail_msg("count %s: %s", table, e.message);
	return n;
}

typedef struct item {
	int64_t id;
	const char *name;
} item;

static int tx_insert_item(store_conn *c, void *ctx, err *e)
{
	const item *it = ctx;
	return store_exec(c, e, "INSERT INTO items (id, name) VALUES (?, ?)", "is", it->id,
			  it->name) < 0
		       ? -1
		       : 0;
}

static int insert_item(store *s, int64_t id, const char *name, err *e)
{
	item it = {id, name};
	return store_write(s, tx_insert_item, &it, e);
}

/* ctx is one SQL statement without parameters. */
static int tx_exec_sql(store_conn *c, void *ctx, err *e)
{
	return store_exec(c, e, ctx, NULL) < 0 ? -1 : 0;
}

/* ---- migrations ---- */

static void test_migrations_applied_once_and_recorded(void **state)
{
	fx *f = *state;
	int version = store_schema_version(f->s);
	assert_true(version >= 1);
	int64_t recorded = count_rows(f->s, "schema_migrations");
	assert_true(recorded >= 1);
	store_close(f->s);
	f->s = NULL;

	err e = {0};
	assert_int_equal(store_open(f->d.url, false, &f->s, &e), 0);
	assert_int_equal(store_schema_version(f->s), version);
	assert_int_equal(count_rows(f->s, "schema_migrations"), recorded);
	/* Run again, 001's INSERT would have added a second health row. */
	assert_int_equal(count_rows(f->s, "store_health"), 1);
}

typedef struct opener {
	const char *url;
	pthread_barrier_t *go;
	int rc, version;
	err e;
} opener;

static void *open_store_thread(void *arg)
{
	opener *o = arg;
	store *s = NULL;
	pthread_barrier_wait(o->go);
	o->rc = store_open(o->url, true, &s, &o->e);
	if (o->rc == 0) {
		o->version = store_schema_version(s);
		store_close(s);
	}
	return NULL;
}

/* Two servers started together on an empty database: one migrates, the other waits for
 * the advisory lock and finds nothing to do. SQLite has no such lock (see the report). */
static void test_concurrent_opens_migrate_once(void **state)
{
	fx *f = *state;
	if (!on_pg())
		skip();
	enum { N = 4 };
	tu_db fresh = tu_db_new();
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	opener o[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		o[i] = (opener){.url = fresh.url, .go = &go};
		pthread_create(&th[i], NULL, open_store_thread, &o[i]);
	}
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < N; i++) {
		if (o[i].rc != 0)
			fail_msg("open %d: %s", i, o[i].e.message);
		assert_int_equal(o[i].version, store_schema_version(f->s));
	}
	tu_db_drop(&fresh);
}

/* ---- writes ---- */

static void test_write_commits_and_reader_sees_it(void **state)
{
	fx *f = *state;
	/* The reader has read before, so a stale snapshot or cached result would show. */
	assert_int_equal(count_rows(f->s, "items"), 0);
	err e = {0};
	assert_int_equal(insert_item(f->s, 1, "第一条", &e), 0);
	assert_int_equal(count_rows(f->s, "items"), 1);

	store_conn *c = store_conn_get(f->s, &e);
	store_stmt *st;
	assert_int_equal(
		store_query_row(c, &st, &e, "SELECT name FROM items WHERE id = ?", "i", (int64_t)1),
		1);
	assert_string_equal(store_col_text(st, 0), "第一条");
	store_done(st);
}

static int tx_insert_two_then_fail(store_conn *c, void *ctx, err *e)
{
	(void)ctx;
	if (store_exec(c, e, "INSERT INTO items (id, name) VALUES (1, 'a')", NULL) < 0 ||
	    store_exec(c, e, "INSERT INTO items (id, name) VALUES (2, 'b')", NULL) < 0)
		return -1;
	return err_set(e, ERR_INVALID, "rule_broken", "x", "规则不允许");
}

static void test_failed_transaction_leaves_nothing_behind(void **state)
{
	fx *f = *state;
	err e = {0};
	assert_int_equal(store_write(f->s, tx_insert_two_then_fail, NULL, &e), -1);
	/* The caller gets the transaction's own error, not a database one. */
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "rule_broken");
	assert_string_equal(e.field, "x");
	assert_int_equal(count_rows(f->s, "items"), 0);
	/* And the store carries on. */
	assert_int_equal(insert_item(f->s, 3, "c", &e), 0);
	assert_int_equal(count_rows(f->s, "items"), 1);
}

enum { WRITERS = 8, JOBS = 200 };

/* Job i of a writer: 7, 57, 107, 157 fail on a unique name (a database error in the middle
 * of a batch); 12, 37, ..., 187 insert and then refuse (a rule error). The others land. */
static bool job_dup(int i)
{
	return i % 50 == 7;
}

static bool job_refuses(int i)
{
	return i % 25 == 12;
}

static int tx_concurrent_job(store_conn *c, void *ctx, err *e)
{
	int64_t id = *(const int64_t *)ctx;
	int i = (int)(id % 1000);
	char name[32];
	snprintf(name, sizeof name, "item-%lld", (long long)id);
	if (store_exec(c, e, "INSERT INTO items (id, name) VALUES (?, ?)", "is", id, name) < 0)
		return -1;
	if (job_dup(i)) {
		snprintf(name, sizeof name, "item-%lld", (long long)(id - i));
		return store_exec(c, e, "INSERT INTO items (id, name) VALUES (?, ?)", "is",
				  id + 500, name) < 0
			       ? -1
			       : 0;
	}
	if (job_refuses(i))
		return err_set(e, ERR_INVALID, "refused", NULL, "不允许");
	return 0;
}

typedef struct writer {
	store *s;
	int t;
	pthread_barrier_t *go;
	atomic_int *wrong;
} writer;

static void *writer_thread(void *arg)
{
	writer *w = arg;
	pthread_barrier_wait(w->go);
	for (int i = 0; i < JOBS; i++) {
		int64_t id = (int64_t)w->t * 1000 + i;
		err e = {0};
		int rc = store_write(w->s, tx_concurrent_job, &id, &e);
		bool fail = job_dup(i) || job_refuses(i);
		if ((rc < 0) != fail)
			atomic_fetch_add(w->wrong, 1);
		else if (job_dup(i) && (e.kind != ERR_CONFLICT || strcmp(e.code, "duplicate") != 0))
			atomic_fetch_add(w->wrong, 1);
		else if (job_refuses(i) && strcmp(e.code, "refused") != 0)
			atomic_fetch_add(w->wrong, 1);
	}
	return NULL;
}

static void test_concurrent_writers_all_land_and_failures_stay_isolated(void **state)
{
	fx *f = *state;
	atomic_int wrong = 0;
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, WRITERS);
	writer w[WRITERS];
	pthread_t th[WRITERS];
	for (int t = 0; t < WRITERS; t++) {
		w[t] = (writer){.s = f->s, .t = t, .go = &go, .wrong = &wrong};
		pthread_create(&th[t], NULL, writer_thread, &w[t]);
	}
	for (int t = 0; t < WRITERS; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&go);
	assert_int_equal(atomic_load(&wrong), 0);
	int fails = 0;
	for (int i = 0; i < JOBS; i++)
		fails += job_dup(i) || job_refuses(i);
	assert_int_equal(count_rows(f->s, "items"), WRITERS * (JOBS - fails));
	/* A failing job's own first insert is gone too. */
	err e = {0};
	int64_t n;
	assert_int_equal(
		store_query_int(store_conn_get(f->s, &e), &n, -1, &e,
				"SELECT COUNT(*) FROM items WHERE id % 1000 IN (7, 12, 57)", NULL),
		0);
	assert_int_equal(n, 0);
}

/* ---- one batch of the writer (SQLite and PostgreSQL) ---- */

/* The batch tests' fixture: run_in_one_batch queues a test's jobs so that they run in the
 * same batch, one transaction, and waits for all of them. Each test's job struct begins
 * with a batch_result, where the job's outcome lands. */
typedef struct batch_result {
	int rc;
	err e;
	sem_t *done;
} batch_result;

/* The writer holds a gate job while the test queues the jobs under test: they then wait
 * for the same next batch. */
typedef struct gate {
	sem_t running, open, done;
} gate;

static int tx_wait_at_gate(store_conn *c, void *ctx, err *e)
{
	(void)c, (void)e;
	gate *g = ctx;
	sem_post(&g->running);
	while (sem_wait(&g->open) != 0)
		;
	return 0;
}

static void gate_passed(void *arg, int rc, const err *e)
{
	(void)rc, (void)e;
	sem_post(&((gate *)arg)->done);
}

static void batch_job_done(void *arg, int rc, const err *e)
{
	batch_result *r = arg;
	r->rc = rc;
	if (rc < 0 && e)
		r->e = *e;
	sem_post(r->done);
}

/* Runs fn over the n jobs at jobs (each size bytes, each beginning with a batch_result) in
 * one batch of the writer. */
static void run_in_one_batch(store *s, store_tx_fn fn, void *jobs, size_t size, size_t n)
{
	assert_true(store_can_defer(s)); /* both backends have the writer thread */
	gate g;
	sem_init(&g.running, 0, 0);
	sem_init(&g.open, 0, 0);
	sem_init(&g.done, 0, 0);
	store_write_async(s, tx_wait_at_gate, &g, gate_passed, &g);
	while (sem_wait(&g.running) != 0)
		;
	for (size_t i = 0; i < n; i++) {
		batch_result *r = (batch_result *)((char *)jobs + i * size);
		r->done = &g.done;
		store_write_async(s, fn, r, batch_job_done, r);
	}
	sem_post(&g.open);
	for (size_t i = 0; i <= n; i++)
		while (sem_wait(&g.done) != 0)
			;
	sem_destroy(&g.running);
	sem_destroy(&g.open);
	sem_destroy(&g.done);
}

#define RUN_IN_ONE_BATCH(s, fn, jobs)                                                              \
	run_in_one_batch((s), (fn), (jobs), sizeof(jobs)[0], sizeof(jobs) / sizeof(jobs)[0])

enum batch_end {
	END_OK,
	END_REFUSE,
	END_RELEASE_THEN_REFUSE,
	END_DUPLICATE,
	END_RUN_DUPLICATE, /* store_run: on PostgreSQL's writer answered at the job's end */
	END_RUN_DUPLICATE_THEN_READ /* ...or at its next read */
};

typedef struct batch_job {
	batch_result r;
	int64_t id; /* the item it inserts */
	enum batch_end end;
} batch_job;

static int tx_batch_job(store_conn *c, void *ctx, err *e)
{
	const batch_job *b = ctx;
	char name[32];
	snprintf(name, sizeof name, "batch-%lld", (long long)b->id);
	if (store_exec(c, e, "INSERT INTO items (id, name) VALUES (?, ?)", "is", b->id, name) < 0)
		return -1;
	if (b->end == END_OK)
		return 0;
	/* A statement that fails: on PostgreSQL it aborts the job's savepoint. */
	if (b->end == END_DUPLICATE)
		return store_exec(c, e, "INSERT INTO items (id, name) VALUES (?, 'again')", "i",
				  b->id) < 0
			       ? -1
			       : 0;
	if (b->end == END_RUN_DUPLICATE || b->end == END_RUN_DUPLICATE_THEN_READ) {
		if (store_run(c, e, "INSERT INTO items (id, name) VALUES (?, 'again')", "i",
			      b->id) < 0)
			return -1;
		int64_t n = 0;
		if (b->end == END_RUN_DUPLICATE_THEN_READ &&
		    store_query_int(c, &n, 0, e, "SELECT COUNT(*) FROM items", NULL) < 0)
			return -1;
		return 0;
	}
	/* Releasing the writer's savepoint from inside the job makes the writer's ROLLBACK
	 * TO fail: the insert above now belongs to the batch's transaction itself. */
	if (b->end == END_RELEASE_THEN_REFUSE && store_exec(c, e, "RELEASE job", NULL) < 0)
		return -1;
	return err_set(e, ERR_INVALID, "refused", NULL, "不允许");
}

static int64_t count_items_with_id(store *s, int64_t id)
{
	err e = {0};
	int64_t n = -1;
	if (store_query_int(store_conn_get(s, &e), &n, -1, &e,
			    "SELECT COUNT(*) FROM items WHERE id = ?", "i", id) < 0)
		fail_msg("count item %lld: %s", (long long)id, e.message);
	return n;
}

static void test_failed_job_rolls_back_alone_in_its_batch(void **state)
{
	fx *f = *state;
	batch_job jobs[] = {
		{.id = 1, .end = END_OK}, {.id = 2, .end = END_REFUSE}, {.id = 3, .end = END_OK}};
	RUN_IN_ONE_BATCH(f->s, tx_batch_job, jobs);
	assert_int_equal(jobs[0].r.rc, 0);
	assert_int_equal(jobs[1].r.rc, -1);
	assert_string_equal(jobs[1].r.e.code, "refused");
	assert_int_equal(jobs[2].r.rc, 0);
	assert_int_equal(count_items_with_id(f->s, 1), 1);
	assert_int_equal(count_items_with_id(f->s, 2), 0);
	assert_int_equal(count_items_with_id(f->s, 3), 1);
}

/* A job whose statement fails (a duplicate key) rolls back to its savepoint: on PostgreSQL
 * the failed statement aborted the savepoint, not the batch's transaction, and the jobs
 * after it still run and commit. */
static void test_failed_statement_rolls_back_alone_in_its_batch(void **state)
{
	fx *f = *state;
	batch_job jobs[] = {{.id = 1, .end = END_OK},
			    {.id = 2, .end = END_DUPLICATE},
			    {.id = 3, .end = END_OK},
			    {.id = 4, .end = END_DUPLICATE},
			    {.id = 5, .end = END_OK}};
	RUN_IN_ONE_BATCH(f->s, tx_batch_job, jobs);
	for (int i = 0; i < 5; i++) {
		if (jobs[i].end == END_OK) {
			if (jobs[i].r.rc != 0)
				fail_msg("job %d: %s", i, jobs[i].r.e.message);
			assert_int_equal(count_items_with_id(f->s, jobs[i].id), 1);
		} else {
			assert_int_equal(jobs[i].r.rc, -1);
			assert_string_equal(jobs[i].r.e.code, "duplicate");
			assert_int_equal(count_items_with_id(f->s, jobs[i].id), 0);
		}
	}
	assert_int_equal(count_rows(f->s, "items"), 3);
}

/* A write whose answer the job does not wait for (store_run: PostgreSQL's writer sends it
 * down the pipeline) fails its job all the same, with the statement's own error, whether
 * the failure comes back with the job's next read or at its end; the jobs around it
 * commit, also the writes they sent unanswered. */
static int tx_run_writes(store_conn *c, void *ctx, err *e)
{
	const batch_job *b = ctx;
	for (int k = 0; k < 3; k++) {
		char name[32];
		snprintf(name, sizeof name, "run-%lld-%d", (long long)b->id, k);
		if (store_run(c, e, "INSERT INTO items (id, name) VALUES (?, ?)", "is",
			      b->id * 10 + k, name) < 0)
			return -1;
	}
	return tx_batch_job(c, ctx, e);
}

static void test_unanswered_write_fails_its_job_alone(void **state)
{
	fx *f = *state;
	batch_job jobs[] = {{.id = 1, .end = END_OK},
			    {.id = 2, .end = END_RUN_DUPLICATE},
			    {.id = 3, .end = END_OK},
			    {.id = 4, .end = END_RUN_DUPLICATE_THEN_READ},
			    {.id = 5, .end = END_OK}};
	RUN_IN_ONE_BATCH(f->s, tx_run_writes, jobs);
	for (int i = 0; i < 5; i++) {
		if (jobs[i].end == END_OK) {
			if (jobs[i].r.rc != 0)
				fail_msg("job %d: %s", i, jobs[i].r.e.message);
			assert_int_equal(count_items_with_id(f->s, jobs[i].id), 1);
			assert_int_equal(count_items_with_id(f->s, jobs[i].id * 10 + 2), 1);
		} else {
			assert_int_equal(jobs[i].r.rc, -1);
			assert_string_equal(jobs[i].r.e.code, "duplicate");
			assert_int_equal(count_items_with_id(f->s, jobs[i].id), 0);
			assert_int_equal(count_items_with_id(f->s, jobs[i].id * 10), 0);
		}
	}
	assert_int_equal(count_rows(f->s, "items"), 3 * 4);
}

/* A failed job whose savepoint cannot be rolled back would otherwise commit its writes
 * with the batch: the whole batch fails instead, and every waiter is told. */
static void test_failed_rollback_to_fails_whole_batch(void **state)
{
	fx *f = *state;
	batch_job jobs[] = {{.id = 1, .end = END_OK},
			    {.id = 2, .end = END_RELEASE_THEN_REFUSE},
			    {.id = 3, .end = END_OK}};
	RUN_IN_ONE_BATCH(f->s, tx_batch_job, jobs);
	assert_int_equal(count_items_with_id(f->s, 2), 0);
	assert_int_equal(count_rows(f->s, "items"), 0);
	assert_int_equal(jobs[1].r.rc, -1);
	assert_string_equal(jobs[1].r.e.code, "refused");
	for (int i = 0; i < 3; i += 2) {
		assert_int_equal(jobs[i].r.rc, -1);
		assert_int_equal(jobs[i].r.e.kind, ERR_UNAVAILABLE);
	}
	/* And the writer carries on. */
	err e = {0};
	assert_int_equal(insert_item(f->s, 4, "d", &e), 0);
	assert_int_equal(count_rows(f->s, "items"), 1);
}

/* Jobs queued with store_write_async may run twice: after clean batches the writer runs
 * them without savepoints, and when one fails after all, it rolls the whole batch back
 * and runs it again with a savepoint each. The outcome is that of savepoints alone, also
 * for the audit chain, whose head the writer keeps in memory across the batch. */
typedef struct audit_job {
	batch_result r;
	int64_t id;
	bool refuse;
	int runs;
} audit_job;

static int tx_audit_job(store_conn *c, void *ctx, err *e)
{
	audit_job *b = ctx;
	b->runs++;
	actor who = {.user_id = 1};
	snprintf(who.username, sizeof who.username, "admin");
	snprintf(who.ip, sizeof who.ip, "127.0.0.1");
	char name[32];
	snprintf(name, sizeof name, "audited-%lld", (long long)b->id);
	if (store_exec(c, e, "INSERT INTO items (id, name) VALUES (?, ?)", "is", b->id, name) < 0 ||
	    audit_append(c, &who, "item_create", "item", b->id, NULL, e) < 0)
		return -1;
	return b->refuse ? err_set(e, ERR_INVALID, "refused", NULL, "不允许") : 0;
}

static int64_t audit_entries(store *s)
{
	err e = {0};
	int64_t n = -1;
	if (store_query_int(store_conn_get(s, &e), &n, -1, &e,
			    "SELECT COUNT(*) FROM audit_log WHERE entity = 'item'", NULL) < 0)
		fail_msg("count audit: %s", e.message);
	return n;
}

static void test_batch_with_failed_job_keeps_audit_chain(void **state)
{
	fx *f = *state;
	err e = {0};
	/* Clean batches first (the next batch then runs without savepoints). */
	audit_job first[] = {{.id = 1}, {.id = 2}};
	RUN_IN_ONE_BATCH(f->s, tx_audit_job, first);
	assert_int_equal(first[0].r.rc, 0);
	assert_int_equal(first[1].r.rc, 0);
	audit_job jobs[] = {{.id = 3}, {.id = 4}, {.id = 5, .refuse = true}, {.id = 6}};
	RUN_IN_ONE_BATCH(f->s, tx_audit_job, jobs);
	/* The refusal came after three jobs had run without savepoints: all ran again, on
	 * both backends, and the job after it ran once. */
	int again = 2;
	assert_int_equal(jobs[0].runs, again);
	assert_int_equal(jobs[2].runs, again);
	assert_int_equal(jobs[3].runs, 1);
	assert_int_equal(jobs[0].r.rc, 0);
	assert_int_equal(jobs[1].r.rc, 0);
	assert_int_equal(jobs[2].r.rc, -1);
	assert_string_equal(jobs[2].r.e.code, "refused");
	assert_int_equal(jobs[3].r.rc, 0);
	assert_int_equal(count_items_with_id(f->s, 5), 0);
	assert_int_equal(count_rows(f->s, "items"), 5);
	assert_int_equal(audit_entries(f->s), 5);
	audit_report rep;
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
	/* And the chain goes on from the batch's head. */
	audit_job last[] = {{.id = 7}, {.id = 8, .refuse = true}, {.id = 9}};
	RUN_IN_ONE_BATCH(f->s, tx_audit_job, last);
	assert_int_equal(last[0].r.rc, 0);
	assert_int_equal(last[1].r.rc, -1);
	assert_int_equal(last[2].r.rc, 0);
	assert_int_equal(audit_entries(f->s), 7);
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
}

/* The day's case numbers: on the writer the counter lives in memory across the batch
 * (store_batch_memo) and is written once before the commit. Numbers stay gapless
 * and unique across batches, a job under another prefix, and a refused job whose batch
 * runs again with savepoints; the table holds the last number given. */
typedef struct number_job {
	batch_result r; /* first: run_in_one_batch's header */
	int64_t id;
	const char *prefix;
	bool refuse;
	char number[32];
} number_job;

static const int64_t NUMBER_DAY = 1764720000000; /* 2025-12-03T00:00Z */

static int tx_number_job(store_conn *c, void *ctx, err *e)
{
	number_job *b = ctx;
	if (case_number_next(c, b->prefix, NUMBER_DAY, b->number, sizeof b->number, e) < 0 ||
	    store_exec(c, e, "INSERT INTO items (id, name) VALUES (?, ?)", "is", b->id, b->number) <
		    0)
		return -1;
	return b->refuse ? err_set(e, ERR_INVALID, "refused", NULL, "不允许") : 0;
}

static int64_t number_seq(store *s, const char *prefix)
{
	err e = {0};
	int64_t n = -1;
	if (store_query_int(store_conn_get(s, &e), &n, 0, &e,
			    "SELECT seq FROM case_numbers WHERE prefix = ? AND day = '20251203'",
			    "s", prefix) < 0)
		fail_msg("case_numbers: %s", e.message);
	return n;
}

static void test_batch_case_numbers_gapless(void **state)
{
	fx *f = *state;
	number_job first[] = {{.id = 1, .prefix = "TS"}, {.id = 2, .prefix = "TS"}};
	RUN_IN_ONE_BATCH(f->s, tx_number_job, first);
	assert_string_equal(first[0].number, "TS20251203000001");
	assert_string_equal(first[1].number, "TS20251203000002");
	assert_int_equal(number_seq(f->s, "TS"), 2);
	number_job jobs[] = {{.id = 3, .prefix = "TS"},
			     {.id = 4, .prefix = "TT"},
			     {.id = 5, .prefix = "TS", .refuse = true},
			     {.id = 6, .prefix = "TS"},
			     {.id = 7, .prefix = "TT"}};
	RUN_IN_ONE_BATCH(f->s, tx_number_job, jobs);
	for (int i = 0; i < 5; i++)
		if (i != 2 && jobs[i].r.rc != 0)
			fail_msg("job %d: %s", i, jobs[i].r.e.message);
	assert_int_equal(jobs[2].r.rc, -1);
	assert_string_equal(jobs[2].r.e.code, "refused");
	/* The refused job's number was never committed: the next job has it. */
	assert_string_equal(jobs[0].number, "TS20251203000003");
	assert_string_equal(jobs[1].number, "TT20251203000001");
	assert_string_equal(jobs[3].number, "TS20251203000004");
	assert_string_equal(jobs[4].number, "TT20251203000002");
	assert_int_equal(number_seq(f->s, "TS"), 4);
	assert_int_equal(number_seq(f->s, "TT"), 2);
	assert_int_equal(count_rows(f->s, "items"), 6);
	/* A waiting store_write (a job that may not run twice) goes on from the table. */
	number_job last[] = {{.id = 8, .prefix = "TS"}};
	last[0].r.rc = store_write(f->s, tx_number_job, &last[0], &last[0].r.e);
	assert_int_equal(last[0].r.rc, 0);
	assert_string_equal(last[0].number, "TS20251203000005");
	assert_int_equal(number_seq(f->s, "TS"), 5);
}

/* Case ids known before the INSERT (store_next_case_id): PostgreSQL takes them from the
 * cases' sequence per batch, SQLite leaves them to the INSERT (0). Ids handed out are
 * unique and increase in the order the jobs ran, across batches, after a batch that runs
 * again with savepoints, and never come back after a rollback. */
typedef struct case_id_job {
	batch_result r; /* first: run_in_one_batch's header */
	bool refuse;
	int64_t id;
} case_id_job;

static int tx_case_id_job(store_conn *c, void *ctx, err *e)
{
	case_id_job *b = ctx;
	if (store_next_case_id(c, &b->id, e) < 0)
		return -1;
	return b->refuse ? err_set(e, ERR_INVALID, "refused", NULL, "不允许") : 0;
}

static void test_case_ids_known_before_insert_are_unique_and_rising(void **state)
{
	fx *f = *state;
	case_id_job first[5], second[4];
	memset(first, 0, sizeof first);
	memset(second, 0, sizeof second);
	second[1].refuse = true; /* the batch runs again with savepoints */
	RUN_IN_ONE_BATCH(f->s, tx_case_id_job, first);
	RUN_IN_ONE_BATCH(f->s, tx_case_id_job, second);
	case_id_job alone;
	memset(&alone, 0, sizeof alone);
	err e = {0};
	assert_int_equal(store_write(f->s, tx_case_id_job, &alone, &e), 0);
	int64_t ids[10], n = 0;
	for (int i = 0; i < 5; i++)
		ids[n++] = first[i].id;
	for (int i = 0; i < 4; i++) {
		if (i == 1) {
			assert_int_equal(second[i].r.rc, -1);
			continue;
		}
		assert_int_equal(second[i].r.rc, 0);
		ids[n++] = second[i].id;
	}
	ids[n++] = alone.id;
	if (!on_pg()) {
		for (int i = 0; i < n; i++)
			assert_int_equal(ids[i], 0);
		return;
	}
	for (int i = 0; i < n; i++) {
		assert_true(ids[i] > 0);
		if (i > 0 && ids[i] <= ids[i - 1])
			fail_msg("id %d: %lld after %lld", i, (long long)ids[i],
				 (long long)ids[i - 1]);
	}
	/* The ids a batch took and did not use are not handed out later. */
	assert_true(alone.id > second[3].id);
	/* An INSERT that lets the table choose gets an id past all of them. */
	store_conn *c = store_conn_get(f->s, &e);
	int64_t next = 0;
	if (store_query_int(c, &next, 0, &e,
			    "SELECT nextval(pg_get_serial_sequence('cases', 'id'))", NULL) < 0)
		fail_msg("nextval: %s", e.message);
	assert_true(next > alone.id);
}

/* A transaction function that calls store_write would wait for itself on the writer: it
 * is refused instead, on both backends (writeq.c). */
static int tx_write_inside(store_conn *c, void *ctx, err *e)
{
	(void)c;
	err inner = {0};
	int rc = store_write(ctx, tx_exec_sql, "INSERT INTO items (id, name) VALUES (9, 'i')",
			     &inner);
	if (rc == 0)
		return err_set(e, ERR_INTERNAL, "nested_ran", NULL, "nested write ran");
	*e = inner;
	return -1;
}

static void test_write_inside_a_write_is_refused(void **state)
{
	fx *f = *state;
	err e = {0};
	assert_int_equal(store_write(f->s, tx_write_inside, f->s, &e), -1);
	assert_string_equal(e.code, "nested_write");
	assert_int_equal(count_rows(f->s, "items"), 0);
}

static void test_unique_violation_is_duplicate_conflict(void **state)
{
	fx *f = *state;
	err e = {0};
	assert_int_equal(insert_item(f->s, 1, "同名", &e), 0);
	/* The same name under another id: a UNIQUE column. */
	assert_int_equal(insert_item(f->s, 2, "同名", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_string_equal(e.code, "duplicate");
	/* The same id: the primary key. */
	err_clear(&e);
	assert_int_equal(insert_item(f->s, 1, "另一个", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_string_equal(e.code, "duplicate");
	assert_int_equal(count_rows(f->s, "items"), 1);
}

static void test_audit_log_refuses_update_and_delete(void **state)
{
	fx *f = *state;
	err e = {0};
	assert_int_equal(store_write(f->s, tx_exec_sql,
				     "INSERT INTO audit_log (seq, at, actor, action, entity, ip,"
				     " detail, prev_hash, hash) VALUES (1, 1000, 'admin', 'create',"
				     " 'unit', '127.0.0.1', '原始记录', '0', 'h1')",
				     &e),
			 0);
	assert_int_equal(store_write(f->s, tx_exec_sql,
				     "UPDATE audit_log SET detail = '篡改' WHERE seq = 1", &e),
			 -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_string_equal(e.code, "not_allowed");
	err_clear(&e);
	assert_int_equal(store_write(f->s, tx_exec_sql, "DELETE FROM audit_log", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_string_equal(e.code, "not_allowed");

	store_conn *c = store_conn_get(f->s, &e);
	store_stmt *st;
	assert_int_equal(
		store_query_row(c, &st, &e, "SELECT detail FROM audit_log WHERE seq = 1", NULL), 1);
	assert_string_equal(store_col_text(st, 0), "原始记录");
	store_done(st);
}

/* ---- statements ---- */

static const char *const CHINESE = "基层治理：网格员 ✓ 𠀀 \"引号\" 'quote' ?";

static int tx_insert_vals(store_conn *c, void *ctx, err *e)
{
	(void)ctx;
	const char *sql = "INSERT INTO vals (k, i, d, t, flag) VALUES (?, ?, ?, ?, ?)";
	if (store_exec(c, e, sql, "iidsb", (int64_t)1, INT64_MIN, 0.1, CHINESE, true) < 0 ||
	    store_exec(c, e, sql, "iidsb", (int64_t)2, INT64_MAX, -DBL_MAX, "", false) < 0 ||
	    store_exec(c, e, sql, "iidsb", (int64_t)3, (int64_t)0, DBL_MIN / 4, "x", false) < 0 ||
	    store_exec(c, e, sql, "indsb", (int64_t)4, (int64_t)0, 1e300, (const char *)NULL,
		       false) < 0)
		return -1;
	/* The plain binders, with NULL for the double. */
	store_stmt *st = store_prepare(c, sql, e);
	if (!st)
		return -1;
	store_bind_int(st, 1, 5);
	store_bind_int(st, 2, -1);
	store_bind_null(st, 3);
	store_bind_text(st, 4, "五");
	store_bind_int(st, 5, 1);
	int rc = store_step(st, e);
	int64_t changed = store_changes(st);
	store_done(st);
	if (rc < 0)
		return -1;
	return changed == 1 ? 0
			    : err_set(e, ERR_INTERNAL, "changes", NULL, "changes %lld",
				      (long long)changed);
}

static void test_bind_and_column_round_trip(void **state)
{
	fx *f = *state;
	err e = {0};
	if (store_write(f->s, tx_insert_vals, NULL, &e) < 0)
		fail_msg("insert: %s", e.message);
	store_conn *c = store_conn_get(f->s, &e);
	store_stmt *st = store_prepare(
		c, "SELECT k, i, d, t, flag, k = 1 AS first FROM vals ORDER BY k", &e);
	assert_non_null(st);
	struct {
		int64_t i;
		double d;
		const char *t;
		int64_t flag;
		bool i_null, d_null, t_null;
	} want[] = {
		{INT64_MIN, 0.1, CHINESE, 1, false, false, false},
		{INT64_MAX, -DBL_MAX, "", 0, false, false, false},
		{0, DBL_MIN / 4, "x", 0, false, false, false},
		{0, 1e300, "", 0, true, false, true},
		{-1, 0, "五", 1, false, true, false},
	};
	for (int k = 0; k < 5; k++) {
		assert_int_equal(store_step(st, &e), 1);
		if (k == 0) {
			assert_int_equal(store_column_count(st), 6);
			assert_string_equal(store_column_name(st, 1), "i");
			assert_string_equal(store_column_name(st, 5), "first");
		}
		assert_int_equal(store_col_int(st, 0), k + 1);
		assert_true(store_col_int(st, 1) == want[k].i);
		assert_true(store_col_double(st, 2) == want[k].d);
		assert_string_equal(store_col_text(st, 3), want[k].t);
		assert_int_equal(store_col_int(st, 4), want[k].flag);
		assert_int_equal(store_col_null(st, 1), want[k].i_null);
		assert_int_equal(store_col_null(st, 2), want[k].d_null);
		assert_int_equal(store_col_null(st, 3), want[k].t_null);
		/* A comparison is a boolean on PostgreSQL ('t'/'f') and 1/0 on SQLite. */
		assert_int_equal(store_col_int(st, 5), k == 0);
	}
	assert_int_equal(store_step(st, &e), 0);
	store_done(st);

	/* Parameters selected straight back, without a column type to guide them. */
	assert_int_equal(store_query_row(c, &st, &e, "SELECT ?, ?, ?, ?", "iisd", INT64_MIN,
					 INT64_MAX, CHINESE, 0.1),
			 1);
	assert_true(store_col_int(st, 0) == INT64_MIN);
	assert_true(store_col_int(st, 1) == INT64_MAX);
	assert_string_equal(store_col_text(st, 2), CHINESE);
	assert_true(store_col_double(st, 3) == 0.1);
	store_done(st);
}

static void test_question_mark_in_literal_is_not_placeholder(void **state)
{
	fx *f = *state;
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	store_stmt *st;
	assert_int_equal(store_query_row(c, &st, &e, "SELECT '?' , ?", "s", "x"), 1);
	assert_string_equal(store_col_text(st, 0), "?");
	assert_string_equal(store_col_text(st, 1), "x");
	store_done(st);

	/* A doubled quote, a quoted identifier and comments, each holding a question mark. */
	assert_int_equal(store_query_row(c, &st, &e,
					 "SELECT 'it''s ?' AS \"q?\", ? /* why? */ AS a -- who?\n",
					 "s", "y"),
			 1);
	assert_int_equal(store_column_count(st), 2);
	assert_string_equal(store_column_name(st, 0), "q?");
	assert_string_equal(store_col_text(st, 0), "it's ?");
	assert_string_equal(store_col_text(st, 1), "y");
	store_done(st);
}

static int tx_insert_many(store_conn *c, void *ctx, err *e)
{
	int n = *(const int *)ctx;
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%d", i);
		if (store_exec(c, e, "INSERT INTO items (id, name, n) VALUES (?, ?, ?)", "isi",
			       (int64_t)i, name, (int64_t)i) != 1)
			return -1;
	}
	return 0;
}

static void test_prepared_statement_reused_1000_times(void **state)
{
	fx *f = *state;
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	for (int64_t i = 0; i < 1000; i++) {
		int64_t v = -1;
		assert_int_equal(
			store_query_int(c, &v, -1, &e, "SELECT CAST(? AS BIGINT) * 2", "i", i), 0);
		assert_true(v == 2 * i);
	}
	int n = 1000;
	if (store_write(f->s, tx_insert_many, &n, &e) < 0)
		fail_msg("insert: %s", e.message);
	int64_t sum = 0;
	assert_int_equal(store_query_int(c, &sum, -1, &e, "SELECT SUM(n) FROM items", NULL), 0);
	assert_int_equal(sum, 999 * 1000 / 2);
}

static void test_nested_use_of_same_sql_while_stepping(void **state)
{
	fx *f = *state;
	err e = {0};
	int n = 5;
	assert_int_equal(store_write(f->s, tx_insert_many, &n, &e), 0);
	store_conn *c = store_conn_get(f->s, &e);
	const char *sql = "SELECT id FROM items WHERE id <= ? ORDER BY id";
	store_stmt *outer = store_prepare(c, sql, &e);
	assert_non_null(outer);
	store_bindf(outer, "i", (int64_t)3);
	int rows = 0;
	while (store_step(outer, &e) == 1) {
		int64_t id = store_col_int(outer, 0);
		assert_int_equal(id, rows);
		store_stmt *inner = store_prepare(c, sql, &e);
		assert_non_null(inner);
		assert_ptr_not_equal(inner, outer);
		store_bindf(inner, "i", id);
		int inner_rows = 0;
		while (store_step(inner, &e) == 1)
			inner_rows++;
		store_done(inner);
		assert_int_equal(inner_rows, id + 1);
		/* The outer row is unchanged by the inner run. */
		assert_int_equal(store_col_int(outer, 0), id);
		rows++;
	}
	store_done(outer);
	assert_int_equal(rows, 4);
}

/* The ids of the items with id <= max that st (bound to max) reads, as "0,1,2". */
static void sent_ids(store_stmt *st, char *out, size_t n)
{
	err e = {0};
	out[0] = '\0';
	int rc;
	while ((rc = store_step(st, &e)) == 1)
		snprintf(out + strlen(out), n - strlen(out), "%s%lld", out[0] ? "," : "",
			 (long long)store_col_int(st, 0));
	if (rc < 0)
		fail_msg("sent read: %s", e.message);
	store_done(st);
}

static store_stmt *send_ids(store_conn *c, int64_t max)
{
	err e = {0};
	store_stmt *st = store_prepare(c, "SELECT id FROM items WHERE id <= ? ORDER BY id", &e);
	assert_non_null(st);
	store_bindf(st, "i", max);
	if (store_send(st, &e) < 0)
		fail_msg("send: %s", e.message);
	return st;
}

/* A statement that fails when it runs (not when it is prepared). */
static const char *failing_sql(void)
{
	return on_pg() ? "SELECT 1 / (CAST(? AS BIGINT) - 1)" : "SELECT json(?)";
}

/* store_send: a read sent ahead answers with its rows, first row included, whatever runs
 * between; one sent and dropped leaves the connection as it was; one that fails fails
 * alone, at its own step; and inside a write the pipeline of writes keeps its order. */
static int tx_send_inside_write(store_conn *c, void *ctx, err *e)
{
	char *ids = ctx;
	store_stmt *st = store_prepare(c, "SELECT id FROM items WHERE id <= ? ORDER BY id", e);
	if (!st)
		return -1;
	store_bindf(st, "i", (int64_t)100);
	/* A write it does not read (store_send: the read may see the database as it was
	 * when sent, or as it is at its first step). */
	if (store_send(st, e) < 0 ||
	    store_run(c, e, "INSERT INTO items (id, name, n) VALUES (?, ?, ?)", "isi", (int64_t)200,
		      "n200", (int64_t)200) < 0) {
		store_done(st);
		return -1;
	}
	int64_t n = 0;
	if (store_query_int(c, &n, -1, e, "SELECT COUNT(*) FROM items", NULL) < 0 || n != 6) {
		store_done(st);
		return n == 6 ? -1
			      : err_set(e, ERR_INTERNAL, "count", NULL, "count %lld", (long long)n);
	}
	sent_ids(st, ids, 64);
	return 0;
}

static void test_sent_read_answers_with_the_next_statement(void **state)
{
	fx *f = *state;
	err e = {0};
	int n = 5;
	assert_int_equal(store_write(f->s, tx_insert_many, &n, &e), 0);
	store_conn *c = store_conn_get(f->s, &e);
	char ids[64];
	int64_t count = 0;

	/* Sent, another statement runs, then its rows. */
	store_stmt *a = send_ids(c, 2);
	assert_int_equal(store_query_int(c, &count, -1, &e, "SELECT COUNT(*) FROM items", NULL), 0);
	assert_int_equal(count, 5);
	sent_ids(a, ids, sizeof ids);
	assert_string_equal(ids, "0,1,2");

	/* Two sent, a third stepped: all three answer. One that matches nothing: no row. */
	a = send_ids(c, 1);
	store_stmt *b = send_ids(c, -1);
	assert_int_equal(store_query_int(c, &count, -1, &e, "SELECT MAX(id) FROM items", NULL), 0);
	assert_int_equal(count, 4);
	sent_ids(b, ids, sizeof ids);
	assert_string_equal(ids, "");
	sent_ids(a, ids, sizeof ids);
	assert_string_equal(ids, "0,1");

	/* Sent and stepped with nothing in between. */
	sent_ids(send_ids(c, 0), ids, sizeof ids);
	assert_string_equal(ids, "0");

	/* Sent and dropped unread: the next statements answer as usual. */
	store_done(send_ids(c, 3));
	assert_int_equal(store_query_int(c, &count, -1, &e, "SELECT COUNT(*) FROM items", NULL), 0);
	assert_int_equal(count, 5);

	/* A sent read that fails: the statement after it still answers, the failure comes
	 * at the failing read's own step, and the connection goes on. */
	store_stmt *bad = store_prepare(c, failing_sql(), &e);
	assert_non_null(bad);
	store_bindf(bad, "s", on_pg() ? "1" : "{");
	assert_int_equal(store_send(bad, &e), 0);
	count = 0;
	assert_int_equal(store_query_int(c, &count, -1, &e, "SELECT COUNT(*) FROM items", NULL), 0);
	assert_int_equal(count, 5);
	err bad_e = {0};
	assert_int_equal(store_step(bad, &bad_e), -1);
	assert_true(bad_e.message[0] != '\0');
	store_done(bad);
	sent_ids(send_ids(c, 1), ids, sizeof ids);
	assert_string_equal(ids, "0,1");

	/* Inside a write, between writes that wait in the writer's pipeline. */
	memset(ids, 0, sizeof ids);
	if (store_write(f->s, tx_send_inside_write, ids, &e) < 0)
		fail_msg("write: %s", e.message);
	assert_string_equal(ids, "0,1,2,3,4");
	assert_int_equal(count_rows(f->s, "items"), 6);
}

/* More distinct statements than a connection caches (dynamic SQL): the extras still run,
 * and two of them held at once do not step on each other. */
static void test_statements_beyond_cache_still_work(void **state)
{
	fx *f = *state;
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	for (int i = 0; i < 1100; i++) {
		char *sql = xasprintf("SELECT CAST(? AS BIGINT) + %d", i);
		int64_t v = -1;
		assert_int_equal(store_query_int(c, &v, -1, &e, sql, "i", (int64_t)1), 0);
		assert_int_equal(v, i + 1);
		free(sql);
	}
	store_stmt *a = store_prepare(c, "SELECT CAST(? AS BIGINT) + 100000", &e);
	store_stmt *b = store_prepare(c, "SELECT CAST(? AS BIGINT) + 200000", &e);
	assert_non_null(a);
	assert_non_null(b);
	store_bindf(a, "i", (int64_t)1);
	store_bindf(b, "i", (int64_t)2);
	assert_int_equal(store_step(a, &e), 1);
	assert_int_equal(store_step(b, &e), 1);
	assert_int_equal(store_col_int(a, 0), 100001);
	assert_int_equal(store_col_int(b, 0), 200002);
	store_done(a);
	store_done(b);
}

/* store_prepare_planned (a list's filter, planned with its values on PostgreSQL): the same
 * answers as a cached statement of the same text, run many times with other values, held
 * open beside it; an error in it is reported, and the connection goes on. */
static int64_t count_range(store_conn *c, bool planned, int64_t lo, int64_t hi)
{
	err e = {0};
	const char *sql = "SELECT COUNT(*) FROM items WHERE id >= ? AND id < ?";
	store_stmt *st = planned ? store_prepare_planned(c, sql, &e) : store_prepare(c, sql, &e);
	if (!st)
		fail_msg("prepare: %s", e.message);
	store_bindf(st, "ii", lo, hi);
	if (store_step(st, &e) != 1)
		fail_msg("step: %s", e.message);
	int64_t n = store_col_int(st, 0);
	store_done(st);
	return n;
}

static void test_planned_statement_answers_as_cached_one(void **state)
{
	fx *f = *state;
	err e = {0};
	int n = 1000;
	assert_int_equal(store_write(f->s, tx_insert_many, &n, &e), 0);
	store_conn *c = store_conn_get(f->s, &e);
	for (int64_t i = 0; i < 12; i++) {
		int64_t lo = i * 37 % 900, hi = lo + (i % 3 == 0 ? 500 : 3);
		int64_t want = (hi > 1000 ? 1000 : hi) - lo;
		assert_int_equal(count_range(c, true, lo, hi), want);
		assert_int_equal(count_range(c, false, lo, hi), want);
	}
	/* Held open while a cached statement of the same text and another planned one run. */
	const char *sql = "SELECT id FROM items WHERE id < ? ORDER BY id";
	store_stmt *outer = store_prepare_planned(c, sql, &e);
	assert_non_null(outer);
	store_bindf(outer, "i", (int64_t)3);
	int rows = 0;
	while (store_step(outer, &e) == 1) {
		assert_int_equal(store_col_int(outer, 0), rows);
		assert_int_equal(count_range(c, false, 0, 10), 10);
		assert_int_equal(count_range(c, true, 0, 20), 20);
		rows++;
	}
	store_done(outer);
	assert_int_equal(rows, 3);
	/* An error: at the prepare (SQLite) or at the step (PostgreSQL sends it with its
	 * values), never a crash. */
	store_stmt *bad = store_prepare_planned(c, "SELECT * FROM no_such_table WHERE id = ?", &e);
	if (bad) {
		store_bindf(bad, "i", (int64_t)1);
		assert_int_equal(store_step(bad, &e), -1);
		store_done(bad);
	}
	assert_string_equal(e.code, "database_error");
	assert_int_equal(count_range(c, true, 0, 1000), 1000);
}

/* A planned statement in a writer's job sees the job's own writes, also those still in
 * PostgreSQL's pipeline, in a batch with and without savepoints. */
typedef struct planned_job {
	batch_result r;
	int64_t id;
	int64_t seen;
} planned_job;

static int tx_planned_job(store_conn *c, void *ctx, err *e)
{
	planned_job *b = ctx;
	char name[32];
	snprintf(name, sizeof name, "planned-%lld", (long long)b->id);
	if (store_run(c, e, "INSERT INTO items (id, name) VALUES (?, ?)", "is", b->id, name) < 0)
		return -1;
	store_stmt *st = store_prepare_planned(c, "SELECT COUNT(*) FROM items WHERE id <= ?", e);
	if (!st)
		return -1;
	store_bindf(st, "i", b->id);
	int rc = store_step(st, e);
	if (rc == 1)
		b->seen = store_col_int(st, 0);
	store_done(st);
	return rc == 1 ? 0 : -1;
}

static void test_planned_statement_in_writer_batch(void **state)
{
	fx *f = *state;
	planned_job jobs[] = {{.id = 1}, {.id = 2}, {.id = 3}};
	RUN_IN_ONE_BATCH(f->s, tx_planned_job, jobs);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(jobs[i].r.rc, 0);
		assert_int_equal(jobs[i].seen, i + 1);
	}
	assert_int_equal(count_rows(f->s, "items"), 3);
}

static void test_sql_error_reported_at_prepare(void **state)
{
	fx *f = *state;
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	store_stmt *st = store_prepare(c, "SELECT * FROM no_such_table", &e);
	/* Behind a pooler (store_pooled) a statement is parsed when it runs: the same error
	 * comes from the step. */
	if (store_pooled(f->s)) {
		assert_non_null(st);
		assert_int_equal(store_step(st, &e), -1);
		store_done(st);
	} else {
		assert_null(st);
	}
	assert_int_equal(e.kind, ERR_INTERNAL);
	assert_string_equal(e.code, "database_error");
	/* The connection is still good. */
	int64_t v = 0;
	assert_int_equal(store_query_int(c, &v, -1, &e, "SELECT 7", NULL), 0);
	assert_int_equal(v, 7);
}

/* ---- health and backup ---- */

static void test_ping_answers(void **state)
{
	fx *f = *state;
	err e = {0};
	if (store_ping(f->s, &e) < 0)
		fail_msg("ping: %s", e.message);
	assert_true(store_db_calls(f->s) > 0);
}

/* A full disk shows in /healthz before a write fails there, and however small the probe's
 * own write is: below the minimum free space both probes say storage_full. */
static void test_ping_says_storage_full_below_min_free(void **state)
{
	fx *f = *state;
	if (on_pg())
		skip();
	err e = {0};
	store_set_min_free(f->s, UINT64_MAX);
	assert_int_equal(store_ping_read(f->s, &e), -1);
	assert_string_equal(e.code, "storage_full");
	assert_int_equal(e.kind, ERR_UNAVAILABLE);
	err_clear(&e);
	assert_int_equal(store_ping(f->s, &e), -1);
	assert_string_equal(e.code, "storage_full");
	store_set_min_free(f->s, 0);
	if (store_ping_read(f->s, &e) < 0 || store_ping(f->s, &e) < 0)
		fail_msg("ping with room: %s", e.message);
}

static void test_backup_copies_sqlite_and_refuses_postgres(void **state)
{
	fx *f = *state;
	err e = {0};
	int n = 20;
	assert_int_equal(store_write(f->s, tx_insert_many, &n, &e), 0);
	if (on_pg()) {
		assert_int_equal(store_backup(f->s, "/tmp/yiwang-never-written.db", &e), -1);
		assert_int_equal(e.kind, ERR_INVALID);
		assert_string_equal(e.code, "unsupported");
		assert_int_equal(access("/tmp/yiwang-never-written.db", F_OK), -1);
		return;
	}
	char *path = xasprintf("%s/backup.db", f->d.dir);
	if (store_backup(f->s, path, &e) < 0)
		fail_msg("backup: %s", e.message);
	store *copy = NULL;
	assert_int_equal(store_open(path, false, &copy, &e), 0);
	assert_int_equal(store_schema_version(copy), store_schema_version(f->s));
	assert_int_equal(count_rows(copy, "items"), 20);
	store_close(copy);
	free(path);
}

/* ---- the checkpointer ---- */

static int tx_insert_wide(store_conn *c, void *ctx, err *e)
{
	int base = *(const int *)ctx;
	char text[4001];
	memset(text, 'w', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	for (int i = 0; i < 100; i++)
		if (store_exec(c, e, "INSERT INTO vals (k, t) VALUES (?, ?)", "is",
			       (int64_t)(base + i), text) != 1)
			return -1;
	return 0;
}

static long file_size(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fclose(fp);
	return n;
}

/* Past 4,000 WAL pages the checkpointer copies the WAL into the database file, so that
 * the WAL restarts instead of growing until the disk is full. */
static void test_sqlite_checkpointer_moves_wal_into_database(void **state)
{
	fx *f = *state;
	if (on_pg())
		skip();
	err e = {0};
	long before = file_size(f->d.url);
	/* 60 commits of 100 rows of 4 KB: about 6,000 pages through the WAL. */
	for (int b = 0; b < 60; b++) {
		int base = b * 100;
		if (store_write(f->s, tx_insert_wide, &base, &e) < 0)
			fail_msg("insert: %s", e.message);
	}
	long after = before;
	for (int i = 0; i < 100 && after < before + (1 << 20); i++) {
		usleep(50 * 1000);
		after = file_size(f->d.url);
	}
	if (after < before + (1 << 20))
		fail_msg("the database file stayed at %ld bytes (was %ld): no checkpoint ran",
			 after, before);
}

/* ---- a full disk ---- */

/* ctx: the page limit to set on the writer's connection (SQLite answers SQLITE_FULL past
 * it, as for a full disk), then one wide row to insert. */
static int tx_limit_pages_then_insert(store_conn *c, void *ctx, err *e)
{
	char *pragma = xasprintf("PRAGMA max_page_count = %d", *(const int *)ctx);
	int64_t rc = store_exec(c, e, pragma, NULL);
	free(pragma);
	if (rc < 0)
		return -1;
	static int next = 1000000;
	char text[8001];
	memset(text, 'f', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	return store_exec(c, e, "INSERT INTO vals (k, t) VALUES (?, ?)", "is", (int64_t)next++,
			  text) == 1
		       ? 0
		       : -1;
}

/* A full disk is the environment, not a bug: writes are refused with 503 storage_full
 * (not a 500), and they work again once there is room, without a restart. */
static void test_sqlite_full_disk_is_unavailable_and_recovers(void **state)
{
	fx *f = *state;
	if (on_pg())
		skip();
	err e = {0};
	int full = 1, roomy = 1073741823;
	for (int i = 0; i < 2; i++) {
		err_clear(&e);
		assert_int_equal(store_write(f->s, tx_limit_pages_then_insert, &full, &e), -1);
		assert_string_equal(e.code, "storage_full");
		assert_int_equal(e.kind, ERR_UNAVAILABLE);
		assert_int_equal(err_http_status(e.kind), 503);
	}
	err_clear(&e);
	if (store_write(f->s, tx_limit_pages_then_insert, &roomy, &e) < 0)
		fail_msg("write once there is room: %s", e.message);
	assert_int_equal(count_rows(f->s, "vals"), 1);
}

/* ---- PostgreSQL only: sessions that break, transactions that collide ---- */

static int64_t backend_pid(store *s)
{
	err e = {0};
	int64_t pid = 0;
	if (store_query_int(store_conn_get(s, &e), &pid, 0, &e, "SELECT pg_backend_pid()", NULL) <
	    0)
		fail_msg("pg_backend_pid: %s", e.message);
	return pid;
}

static int tx_backend_pid(store_conn *c, void *ctx, err *e)
{
	return store_query_int(c, ctx, 0, e, "SELECT pg_backend_pid()", NULL);
}

/* The session the writes run on. */
static int64_t writer_pid(store *s)
{
	err e = {0};
	int64_t pid = 0;
	if (store_write(s, tx_backend_pid, &pid, &e) < 0)
		fail_msg("writer's pg_backend_pid: %s", e.message);
	return pid;
}

static int tx_kill_own_backend(store_conn *c, void *ctx, err *e)
{
	(void)ctx;
	if (store_exec(c, e, "INSERT INTO items (id, name) VALUES (1, 'lost')", NULL) < 0)
		return -1;
	int64_t ok;
	if (store_query_int(c, &ok, 0, e, "SELECT pg_terminate_backend(pg_backend_pid())", NULL) <
	    0)
		return -1;
	return 0;
}

static void test_pg_connection_reset_after_session_killed(void **state)
{
	fx *f = *state;
	if (!on_pg())
		skip();
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	int64_t pid = backend_pid(f->s);
	/* The session dies under a statement: that call fails, the next one reconnects. */
	int64_t ok;
	assert_int_equal(store_query_int(c, &ok, 0, &e,
					 "SELECT pg_terminate_backend(pg_backend_pid())", NULL),
			 -1);
	assert_int_equal(e.kind, ERR_UNAVAILABLE);
	assert_string_equal(e.code, "database_unavailable");
	assert_true(backend_pid(f->s) != pid);

	/* Inside a write (on the writer's own connection): nothing of it stays, and the
	 * next write, on a new session, works. */
	err_clear(&e);
	int64_t wpid = writer_pid(f->s);
	assert_int_equal(store_write(f->s, tx_kill_own_backend, NULL, &e), -1);
	assert_int_equal(e.kind, ERR_UNAVAILABLE);
	assert_int_equal(insert_item(f->s, 2, "after", &e), 0);
	assert_true(writer_pid(f->s) != wpid);
	assert_int_equal(count_rows(f->s, "items"), 1);

	/* Killed from outside while idle: the next call does not even fail. */
	pid = backend_pid(f->s);
	char *sql = xasprintf("SELECT pg_terminate_backend(%lld)", (long long)pid);
	tu_psql(getenv("YIWANG_TEST_PG"), sql);
	free(sql);
	usleep(100 * 1000);
	if (store_ping(f->s, &e) < 0)
		fail_msg("ping after kill: %s", e.message);
	assert_true(backend_pid(f->s) != pid);

	/* The writer's session killed while idle: the next write does not fail either. */
	wpid = writer_pid(f->s);
	sql = xasprintf("SELECT pg_terminate_backend(%lld)", (long long)wpid);
	tu_psql(getenv("YIWANG_TEST_PG"), sql);
	free(sql);
	usleep(100 * 1000);
	if (insert_item(f->s, 3, "after idle kill", &e) < 0)
		fail_msg("write after the writer's session was killed: %s", e.message);
	assert_true(writer_pid(f->s) != wpid);
}

static void test_pg_store_survives_server_restart(void **state)
{
	fx *f = *state;
	const char *dir = getenv("YIWANG_TEST_PG_DIR");
	if (!on_pg() || !dir || !*dir || access("scripts/pg-temp.sh", X_OK) != 0) {
		if (on_pg() && tu_pg_required())
			fail_msg("restart test needs YIWANG_TEST_PG_DIR and to run from the "
				 "repository root");
		if (on_pg())
			fprintf(stderr, "restart test needs YIWANG_TEST_PG_DIR and to run from the "
					"repository root\n");
		skip();
	}
	err e = {0};
	assert_int_equal(insert_item(f->s, 1, "before", &e), 0);
	int64_t pid = backend_pid(f->s);
	char *cmd = xasprintf("scripts/pg-temp.sh restart '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* The first call after the restart already works: no request pays for it. */
	if (insert_item(f->s, 2, "after", &e) < 0)
		fail_msg("write after restart: %s", e.message);
	assert_int_equal(count_rows(f->s, "items"), 2);
	assert_true(backend_pid(f->s) != pid);
	assert_int_equal(store_ping(f->s, &e), 0);
}

typedef struct locker {
	store *s;
	pthread_barrier_t *met;
	bool waited;
	atomic_int *runs;
	int rc;
	err e;
} locker;

/* Locks row 1 then row 2, meeting the other session in between, so that the first
 * attempt deadlocks with it. A rerun locks without waiting. */
static int tx_lock_two_rows(store_conn *c, void *ctx, err *e)
{
	locker *l = ctx;
	atomic_fetch_add(l->runs, 1);
	const char *sql = "UPDATE items SET n = n + 1 WHERE id = ?";
	if (store_exec(c, e, sql, "i", (int64_t)1) != 1)
		return -1;
	if (!l->waited) {
		l->waited = true;
		pthread_barrier_wait(l->met);
	}
	return store_exec(c, e, sql, "i", (int64_t)2) == 1 ? 0 : -1;
}

static void *locker_thread(void *arg)
{
	locker *l = arg;
	l->rc = store_write(l->s, tx_lock_two_rows, l, &l->e);
	return NULL;
}

/* Another session (a second server on the same database) locks the rows in the opposite
 * order. It waits 5 s before checking for a deadlock, the writer's session 1 s, so that
 * PostgreSQL aborts the writer's statement: the job rolls back to its savepoint, which
 * lets the other session finish, and runs again. */
static void *other_session_thread(void *arg)
{
	locker *l = arg;
	store_conn *c = store_conn_get(l->s, &l->e);
	l->rc = -1;
	if (!c || store_exec_script(c,
				    "SET deadlock_timeout = '5s'; BEGIN;"
				    " UPDATE items SET n = n + 1 WHERE id = 2",
				    &l->e) < 0) {
		pthread_barrier_wait(l->met);
		return NULL;
	}
	pthread_barrier_wait(l->met);
	if (store_exec_script(c, "UPDATE items SET n = n + 1 WHERE id = 1", &l->e) < 0 ||
	    store_exec_script(c, "COMMIT", &l->e) < 0) {
		store_exec_script(c, "ROLLBACK", NULL);
		return NULL;
	}
	l->rc = 0;
	return NULL;
}

static void test_pg_deadlocked_write_is_retried(void **state)
{
	fx *f = *state;
	if (!on_pg())
		skip();
	err e = {0};
	assert_int_equal(insert_item(f->s, 1, "a", &e), 0);
	assert_int_equal(insert_item(f->s, 2, "b", &e), 0);
	atomic_int runs = 0;
	pthread_barrier_t met;
	pthread_barrier_init(&met, NULL, 2);
	locker l[2] = {{.s = f->s, .met = &met, .runs = &runs}, {.s = f->s, .met = &met}};
	pthread_t th[2];
	pthread_create(&th[0], NULL, locker_thread, &l[0]);
	pthread_create(&th[1], NULL, other_session_thread, &l[1]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&met);
	for (int i = 0; i < 2; i++)
		if (l[i].rc != 0)
			fail_msg("session %d: %s", i, l[i].e.message);
	/* The writer's job ran again after the deadlock (at times more than once: its rerun
	 * can take row 1 back before the other session, woken by the rollback, does, and
	 * deadlock again), and both updates of both sessions landed. */
	int n = atomic_load(&runs);
	assert_true(n >= 2 && n <= 4);
	int64_t total = 0;
	assert_int_equal(store_query_int(store_conn_get(f->s, &e), &total, -1, &e,
					 "SELECT SUM(n) FROM items", NULL),
			 0);
	assert_int_equal(total, 4);
}

static int tx_swallow_duplicate(store_conn *c, void *ctx, err *e)
{
	(void)ctx;
	if (store_exec(c, e, "INSERT INTO items (id, name) VALUES (10, 'x')", NULL) < 0)
		return -1;
	err ignored;
	store_exec(c, &ignored, "INSERT INTO items (id, name) VALUES (11, 'x')", NULL);
	return 0;
}

/* On PostgreSQL a failed statement aborts its transaction; a transaction function that
 * ignores the error must not be told its other changes were committed. */
static void test_pg_failed_statement_aborts_whole_transaction(void **state)
{
	fx *f = *state;
	if (!on_pg())
		skip();
	err e = {0};
	assert_int_equal(store_write(f->s, tx_swallow_duplicate, NULL, &e), -1);
	assert_string_equal(e.code, "statement_failed");
	assert_int_equal(count_rows(f->s, "items"), 0);
}

/* ---- full-text search ---- */

typedef struct fts_entry {
	int64_t id;
	const char *text;
} fts_entry;

static int tx_fts_put(store_conn *c, void *ctx, err *e)
{
	const fts_entry *en = ctx;
	return store_fts_put(c, "case", en->id, en->text, e);
}

/* The ids the typed query finds, ascending, as "1 3"; "-" when it has no searchable word. */
static void expect_found(store *s, const char *typed, const char *want)
{
	char *q = store_fts_query(s, typed);
	if (!q) {
		if (strcmp(want, "-") != 0)
			fail_msg("'%s': no query, want \"%s\"", typed, want);
		return;
	}
	err e = {0};
	store_conn *c = store_conn_get(s, &e);
	assert_non_null(c);
	char *sql = xasprintf("SELECT * FROM (%s) x ORDER BY 1", store_fts_ids_sql(s, "case"));
	store_stmt *st = store_prepare(c, sql, &e);
	free(sql);
	if (!st)
		fail_msg("prepare: %s", e.message);
	store_bindf(st, "s", q);
	char got[128] = "";
	size_t len = 0;
	int rc;
	while ((rc = store_step(st, &e)) == 1)
		len += (size_t)snprintf(got + len, sizeof got - len, "%s%lld", len ? " " : "",
					(long long)store_col_int(st, 0));
	store_done(st);
	if (rc < 0)
		fail_msg("'%s' (%s): %s", typed, q, e.message);
	free(q);
	if (strcmp(got, want) != 0)
		fail_msg("'%s': found \"%s\", want \"%s\"", typed, got, want);
}

static void test_fts_finds_entries_by_their_words(void **state)
{
	fx *f = *state;
	err e = {0};
	const fts_entry entries[] = {
		{1, "FX20261205000001 小区暖气不热，室温只有15度"},
		{2, "ROOM 1203 楼道灯坏了"},
		{3, "Ārvalsts Café 门口排队"},
		{4, "供暖公司不来处理"},
		{4, "地下室水管破裂"}, /* the entry of 4 again: replaces the first */
		{5, "it's a back\\slash and a 'quote'"},
	};
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
		if (store_write(f->s, tx_fts_put, (void *)&entries[i], &e) < 0)
			fail_msg("put %lld: %s", (long long)entries[i].id, e.message);
	expect_found(f->s, "暖气", "1");
	expect_found(f->s, "fx20261205000001", "1");
	expect_found(f->s, "室温 15", "1");
	expect_found(f->s, "室温 16", "");
	expect_found(f->s, "room", "2");
	expect_found(f->s, "Room 1203", "2");
	expect_found(f->s, "CAFÉ", "3"); /* Latin-1 folds to lower case on both sides */
	expect_found(f->s, "Ārvalsts", "3");
	expect_found(f->s, "门口", "3");
	expect_found(f->s, "水管", "4");
	expect_found(f->s, "供暖", "");
	expect_found(f->s, "quote", "5");
	expect_found(f->s, "slash", "5");
	expect_found(f->s, "！", "-");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_migrations_applied_once_and_recorded),
		T(test_concurrent_opens_migrate_once),
		T(test_write_commits_and_reader_sees_it),
		T(test_failed_transaction_leaves_nothing_behind),
		T(test_concurrent_writers_all_land_and_failures_stay_isolated),
		T(test_failed_job_rolls_back_alone_in_its_batch),
		T(test_failed_statement_rolls_back_alone_in_its_batch),
		T(test_failed_rollback_to_fails_whole_batch),
		T(test_unanswered_write_fails_its_job_alone),
		T(test_batch_with_failed_job_keeps_audit_chain),
		T(test_batch_case_numbers_gapless),
		T(test_case_ids_known_before_insert_are_unique_and_rising),
		T(test_write_inside_a_write_is_refused),
		T(test_unique_violation_is_duplicate_conflict),
		T(test_audit_log_refuses_update_and_delete),
		T(test_bind_and_column_round_trip),
		T(test_question_mark_in_literal_is_not_placeholder),
		T(test_prepared_statement_reused_1000_times),
		T(test_nested_use_of_same_sql_while_stepping),
		T(test_sent_read_answers_with_the_next_statement),
		T(test_statements_beyond_cache_still_work),
		T(test_sql_error_reported_at_prepare),
		T(test_planned_statement_answers_as_cached_one),
		T(test_planned_statement_in_writer_batch),
		T(test_ping_answers),
		T(test_ping_says_storage_full_below_min_free),
		T(test_backup_copies_sqlite_and_refuses_postgres),
		T(test_sqlite_checkpointer_moves_wal_into_database),
		T(test_sqlite_full_disk_is_unavailable_and_recovers),
		T(test_fts_finds_entries_by_their_words),
		T(test_pg_connection_reset_after_session_killed),
		T(test_pg_store_survives_server_restart),
		T(test_pg_deadlocked_write_is_retried),
		T(test_pg_failed_statement_aborts_whole_transaction),
	};
	return tu_run_both("store", tests, sizeof tests / sizeof tests[0]);
}
