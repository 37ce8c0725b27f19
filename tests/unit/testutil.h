/* Helpers shared by the cmocka suites: a fresh database for each test, on SQLite (a file
 * in a temporary directory) and, when YIWANG_TEST_PG names a PostgreSQL server, on a new
 * PostgreSQL database too. Suites run their store-touching tests once per backend. With
 * YIWANG_TEST_REQUIRE_PG=1 (scripts/test.sh sets it) the PostgreSQL run is promised: a
 * missing YIWANG_TEST_PG fails the suite instead of skipping that run. */
#ifndef YW_TESTUTIL_H
#define YW_TESTUTIL_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/mem.h"
#include "store/store.h"

/* Which backend a test group runs on; set by the suite's group setup. */
static const char *tu_backend = "sqlite";

typedef struct tu_db {
	char *url;
	char *dir;     /* SQLite: the temp directory */
	char *pg_name; /* PostgreSQL: the database name */
} tu_db;

static void tu_psql(const char *admin, const char *sql)
{
	char *cmd = xasprintf("psql '%s' -q -v ON_ERROR_STOP=1 -c '%s' >/dev/null", admin, sql);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0)
		fail_msg("psql failed: %s", sql);
}

/* A new, empty database location for the current backend. */
static inline tu_db tu_db_new(void)
{
	static int counter;
	tu_db d = {0};
	if (strcmp(tu_backend, "postgres") == 0) {
		const char *admin = getenv("YIWANG_TEST_PG");
		d.pg_name = xasprintf("yw_u%d_%d", (int)getpid(), counter++);
		char *sql = xasprintf("CREATE DATABASE %s", d.pg_name);
		tu_psql(admin, sql);
		free(sql);
		/* admin is postgresql://user@host:port/dbname: swap the database name. With
		 * YIWANG_TEST_PG_POOLED (the same server through PgBouncer in transaction
		 * mode, a `* =` database entry) the store goes through the pooler in pooler
		 * mode (store_pg.c); databases are still made and dropped directly. */
		const char *pooled = getenv("YIWANG_TEST_PG_POOLED");
		const char *base = pooled && *pooled ? pooled : admin;
		if (pooled && *pooled)
			setenv("YIWANG_PG_POOLER", "transaction", 1);
		const char *slash = strrchr(base, '/');
		d.url = xasprintf("%.*s/%s", (int)(slash - base), base, d.pg_name);
	} else {
		char tmpl[] = "/tmp/yiwang-unit-XXXXXX";
		d.dir = xstrdup(mkdtemp(tmpl));
		d.url = xasprintf("%s/test.db", d.dir);
	}
	return d;
}

static inline void tu_db_drop(tu_db *d)
{
	if (d->pg_name) {
		char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", d->pg_name);
		tu_psql(getenv("YIWANG_TEST_PG"), sql);
		free(sql);
	} else if (d->dir) {
		char *cmd = xasprintf("rm -rf '%s'", d->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", d->dir);
		free(cmd);
	}
	free(d->url);
	free(d->dir);
	free(d->pg_name);
	memset(d, 0, sizeof *d);
}

/* Opens a fresh migrated store; fails the test on error. */
static inline store *tu_store_open(tu_db *d)
{
	*d = tu_db_new();
	store *s = NULL;
	err e = {0};
	if (store_open(d->url, true, &s, &e) < 0)
		fail_msg("store_open(%s): %s", d->url, e.message);
	return s;
}

/* A connection of s for the calling thread; fails the test when there is none. */
static inline store_conn *tu_conn(store *s)
{
	err e = {0};
	store_conn *c = store_conn_get(s, &e);
	if (!c)
		fail_msg("store_conn_get: %s", e.message);
	return c;
}

/* Runs fn (a test fixture's rows) in one write of s; fails the test when it fails. */
static inline void tu_build(store *s, store_tx_fn fn, void *ctx)
{
	err e = {0};
	if (store_write(s, fn, ctx, &e) < 0)
		fail_msg("building the fixture: %s (%s)", e.message, e.code);
}

/* Whether the PostgreSQL run is required (YIWANG_TEST_REQUIRE_PG=1). */
static inline bool tu_pg_required(void)
{
	const char *v = getenv("YIWANG_TEST_REQUIRE_PG");
	return v && strcmp(v, "1") == 0;
}

static inline void tu_pg_missing(void **state)
{
	(void)state;
	fail_msg("YIWANG_TEST_REQUIRE_PG=1 but YIWANG_TEST_PG is not set: the PostgreSQL run "
		 "cannot happen (did scripts/pg-temp.sh start fail?)");
}

/* Runs a suite's tests on SQLite and, when YIWANG_TEST_PG is set, on PostgreSQL. */
static inline int tu_run_both(const char *name, const struct CMUnitTest *tests, size_t n)
{
	int failed = 0;
	tu_backend = "sqlite";
	char *label = xasprintf("%s [sqlite]", name);
	failed += _cmocka_run_group_tests(label, tests, n, NULL, NULL);
	free(label);
	if (getenv("YIWANG_TEST_PG") && *getenv("YIWANG_TEST_PG")) {
		tu_backend = "postgres";
		label = xasprintf("%s [postgres]", name);
		failed += _cmocka_run_group_tests(label, tests, n, NULL, NULL);
		free(label);
	} else if (tu_pg_required()) {
		const struct CMUnitTest missing[] = {cmocka_unit_test(tu_pg_missing)};
		label = xasprintf("%s [postgres]", name);
		failed += _cmocka_run_group_tests(label, missing, 1, NULL, NULL);
		free(label);
	} else {
		fprintf(stderr, "%s: YIWANG_TEST_PG not set, PostgreSQL run skipped\n", name);
	}
	return failed;
}

#endif
