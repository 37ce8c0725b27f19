/* Idempotency keys below HTTP: the key's form, and the store hook that records a key in
 * the same transaction as the write it guards (http/idem.c, store.h store_tx_hook), on
 * SQLite (inside the writer's batch, sync and queued) and PostgreSQL. */
#include <pthread.h>
#include <semaphore.h>

#include "testutil.h"

#include "http/idem.h"

typedef struct fx {
	tu_db d;
	store *s;
} fx;

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
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

static int64_t count(fx *f, const char *sql)
{
	err e = {0};
	int64_t n = -1;
	store_conn *c = store_conn_get(f->s, &e);
	if (!c || store_query_int(c, &n, -1, &e, sql, NULL) < 0)
		fail_msg("%s: %s", sql, e.message);
	return n;
}

static void test_key_form(void **state)
{
	(void)state;
	assert_true(idem_key_valid("a"));
	assert_true(idem_key_valid("2f9c0e1a-7b3d-4f6e-9a8b-1c2d3e4f5a6b"));
	char k[IDEM_KEY_MAX + 2];
	memset(k, 'k', sizeof k);
	k[IDEM_KEY_MAX] = '\0';
	assert_true(idem_key_valid(k));
	k[IDEM_KEY_MAX] = 'k';
	k[IDEM_KEY_MAX + 1] = '\0';
	assert_false(idem_key_valid(k));
	assert_false(idem_key_valid(""));
	assert_false(idem_key_valid("two words"));
	assert_false(idem_key_valid("tab\t"));
	assert_false(idem_key_valid("键"));
	assert_false(idem_key_valid("del\x7f"));
}

/* A hook that inserts a row (as idem.c inserts the key) and remembers the tag it saw. */
typedef struct probe {
	const char *key;
	int before_runs, after_runs;
	void *tag_inside;
} probe;

static int probe_before(store_conn *c, void *arg, err *e)
{
	probe *p = arg;
	p->before_runs++;
	return store_exec(c, e,
			  "INSERT INTO idempotency_keys (scope, idem_key, method, path, body_hash,"
			  " created_at) VALUES ('u:t', ?, 'POST', '/x', 'h', 1)",
			  "s", p->key) < 0
		       ? -1
		       : 0;
}

static int probe_after(store_conn *c, void *arg, err *e)
{
	(void)c, (void)e;
	((probe *)arg)->after_runs++;
	return 0;
}

typedef struct body {
	bool fail;
	probe *p;
} body;

static int tx_body(store_conn *c, void *ctx, err *e)
{
	body *b = ctx;
	b->p->tag_inside = store_tx_tag();
	if (store_exec(c, e, "INSERT INTO settings (key, value) VALUES (?, 'v')", "s", b->p->key) <
	    0)
		return -1;
	return b->fail ? err_set(e, ERR_INVALID, "refused", NULL, "refused") : 0;
}

static void arm(probe *p)
{
	store_tx_hook_arm(&(store_tx_hook){.before = probe_before, .after = probe_after, .arg = p});
}

static void test_hook_commits_with_the_write(void **state)
{
	fx *f = *state;
	probe p = {.key = "k1"};
	body b = {.p = &p};
	err e = {0};
	arm(&p);
	assert_int_equal(store_write(f->s, tx_body, &b, &e), 0);
	assert_int_equal(p.before_runs, 1);
	assert_int_equal(p.after_runs, 1);
	assert_ptr_equal(p.tag_inside, &p);
	assert_null(store_tx_tag());
	assert_int_equal(count(f, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'k1'"),
			 1);
	/* Taken by that write: the next write runs without it. */
	probe q = {.key = "k2"};
	body b2 = {.p = &q};
	assert_int_equal(store_write(f->s, tx_body, &b2, &e), 0);
	assert_null(q.tag_inside);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM idempotency_keys"), 1);
}

static void test_hook_rolls_back_with_a_failed_write(void **state)
{
	fx *f = *state;
	probe p = {.key = "k3"};
	body b = {.fail = true, .p = &p};
	err e = {0};
	arm(&p);
	assert_int_equal(store_write(f->s, tx_body, &b, &e), -1);
	assert_string_equal(e.code, "refused");
	assert_int_equal(p.after_runs, 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM idempotency_keys"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM settings WHERE key = 'k3'"), 0);
}

static void test_second_write_with_the_same_key_fails_whole(void **state)
{
	fx *f = *state;
	probe p = {.key = "k4"};
	body b = {.p = &p};
	err e = {0};
	arm(&p);
	assert_int_equal(store_write(f->s, tx_body, &b, &e), 0);
	/* The same key again (a retry on another node): the key's insert fails, and the
	 * write's own change goes with it. */
	probe again = {.key = "k4"};
	body b2 = {.p = &again};
	arm(&again);
	assert_int_equal(store_write(f->s, tx_body, &b2, &e), -1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM settings WHERE key = 'k4'"), 1);
}

typedef struct waiter {
	sem_t done;
	int rc;
} waiter;

static void on_done(void *arg, int rc, const err *e)
{
	(void)e;
	waiter *w = arg;
	w->rc = rc;
	sem_post(&w->done);
}

static void test_queued_write_carries_the_hook(void **state)
{
	fx *f = *state;
	if (!store_can_defer(f->s))
		skip();
	probe p = {.key = "k5"};
	body b = {.p = &p};
	waiter w = {.rc = 99};
	sem_init(&w.done, 0, 0);
	arm(&p);
	store_write_async(f->s, tx_body, &b, on_done, &w);
	store_tx_hook_arm(NULL);
	while (sem_wait(&w.done) != 0)
		;
	sem_destroy(&w.done);
	assert_int_equal(w.rc, 0);
	assert_ptr_equal(p.tag_inside, &p);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'k5'"),
			 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_form),
		T(test_hook_commits_with_the_write),
		T(test_hook_rolls_back_with_a_failed_write),
		T(test_second_write_with_the_same_key_fails_whole),
		T(test_queued_write_carries_the_hook),
	};
	return tu_run_both("idem", tests, sizeof tests / sizeof tests[0]);
}
