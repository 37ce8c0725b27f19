/* The appeal list's area tables (migration 021: appeal_area and appeal_area_counts), on
 * SQLite and (with YIWANG_TEST_PG) on PostgreSQL: after thousands of random intakes,
 * state changes, dispatches, region changes, deletes and unit moves, the tables equal a
 * recount from the cases' paths (appeal_area_verify, yiwang check), and every list a user
 * of any unit may ask for (no filter, states, a handling unit inside or outside the area)
 * gives the ids and the total a plain query over the cases gives. A drifted counter is
 * seen by the check and mended by the rebuild. The finders of an appeal's duplicates are
 * index walks. The tree:
 *
 *   city C ─┬─ county A ─┬─ township TA ── community CA
 *           │            └─ department DA
 *           ├─ county B ─┬─ township TB
 *           │            └─ department DB
 *           └─ department DC
 */
#include "testutil.h"

#include "platforms.h"

#include "appeals/appeal.h"
#include "core/strbuf.h"
#include "org/actor.h"
#include "org/unit.h"

enum { NUNITS = 9 };

typedef struct fx {
	tu_db d;
	store *s;
	int64_t u[NUNITS]; /* C, A, TA, CA, DA, B, TB, DB, DC */
	actor sys;
	int64_t next_number;
} fx;

enum { C, A, TA, CA, DA, B, TB, DB, DC };

static int mk(store_conn *c, const actor *who, const char *name, const char *kind, int64_t parent,
	      int64_t *id, err *e)
{
	unit_input in = {.name = name, .kind = kind, .parent_id = parent};
	return unit_create(c, who, &in, id, e);
}

static int tx_build(store_conn *c, void *ctx, err *e)
{
	fx *f = ctx;
	int64_t *u = f->u;
	const actor *w = &f->sys;
	return mk(c, w, "阜新市", "city", 0, &u[C], e) < 0 ||
			       mk(c, w, "海州区", "county", u[C], &u[A], e) < 0 ||
			       mk(c, w, "西山街道", "township", u[A], &u[TA], e) < 0 ||
			       mk(c, w, "和平社区", "community", u[TA], &u[CA], e) < 0 ||
			       mk(c, w, "海州区住建局", "department", u[A], &u[DA], e) < 0 ||
			       mk(c, w, "细河区", "county", u[C], &u[B], e) < 0 ||
			       mk(c, w, "四合镇", "township", u[B], &u[TB], e) < 0 ||
			       mk(c, w, "细河区城管局", "department", u[B], &u[DB], e) < 0 ||
			       mk(c, w, "市热力公司", "department", u[C], &u[DC], e) < 0
		       ? -1
		       : 0;
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	actor_system(&f->sys, "test");
	tu_build(f->s, tx_build, f);
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

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static const char *const states[] = {"intake",	"dispatched", "handling", "replied",
				     "revisit", "closed",     "merged"};

/* A step of the random walk: SQL statements (up to 2) or a unit move. */
typedef struct change {
	char *sql[2];
	int64_t move_unit, move_to;
} change;

static int64_t max_case(fx *f)
{
	int64_t n = 0;
	err e = {0};
	store_query_int(tu_conn(f->s), &n, 0, &e, "SELECT COALESCE(MAX(id), 0) FROM cases", NULL);
	return n;
}

static change random_change(fx *f, int64_t ncases)
{
	static const int regions[] = {C, A, TA, CA, B, TB};
	change ch = {0};
	int64_t id = 1 + (int64_t)rnd((uint64_t)(ncases > 0 ? ncases : 1));
	int64_t unit = f->u[rnd(NUNITS)];
	const char *st = states[rnd(7)];
	switch (ncases < 10 ? 0 : rnd(12)) {
	case 0:
	case 1:
	case 2:
	case 3: {
		/* An intake: mostly appeals, some other kinds the tables must leave out. */
		int64_t region = f->u[regions[rnd(6)]];
		bool appeal = rnd(5) != 0;
		long long n = (long long)++f->next_number;
		if (rnd(2))
			ch.sql[0] = xasprintf(
				"INSERT INTO cases (id, kind, number, status, region_id, "
				"region_path,"
				" intake_unit_id, handler_id, handler_path, title, content,"
				" created_at, updated_at) VALUES (%lld, '%s', 'N%lld', '%s', %lld,"
				" (SELECT path FROM units WHERE id = %lld), %lld, %lld,"
				" (SELECT path FROM units WHERE id = %lld), 't', 'c', %lld, %lld)",
				n, appeal ? "appeal" : "dispute", n, st, (long long)region,
				(long long)region, (long long)f->u[C], (long long)unit,
				(long long)unit, n, n);
		else
			ch.sql[0] = xasprintf(
				"INSERT INTO cases (id, kind, number, status, region_id, "
				"region_path,"
				" intake_unit_id, title, content, created_at, updated_at) VALUES"
				" (%lld, '%s', 'N%lld', '%s', %lld,"
				" (SELECT path FROM units WHERE id = %lld), %lld, 't', 'c', %lld, "
				"%lld)",
				n, appeal ? "appeal" : "dispute", n, st, (long long)region,
				(long long)region, (long long)f->u[C], n, n);
		if (appeal)
			ch.sql[1] = xasprintf("INSERT INTO appeals (case_id, channel, type)"
					      " VALUES (%lld, 'phone', 'complaint')",
					      n);
		return ch;
	}
	case 4:
	case 5:
		ch.sql[0] = xasprintf("UPDATE cases SET status = '%s' WHERE id = %lld", st,
				      (long long)id);
		return ch;
	case 6:
		/* A dispatch, a return (no handler) or a redispatch, with the state. */
		if (rnd(4))
			ch.sql[0] = xasprintf("UPDATE cases SET status = '%s', handler_id = %lld,"
					      " handler_path = (SELECT path FROM units WHERE id ="
					      " %lld) WHERE id = %lld",
					      st, (long long)unit, (long long)unit, (long long)id);
		else
			ch.sql[0] = xasprintf("UPDATE cases SET handler_id = NULL, handler_path ="
					      " NULL WHERE id = %lld",
					      (long long)id);
		return ch;
	case 7: {
		int64_t region = f->u[regions[rnd(6)]];
		ch.sql[0] = xasprintf("UPDATE cases SET region_id = %lld, region_path = (SELECT"
				      " path FROM units WHERE id = %lld) WHERE id = %lld",
				      (long long)region, (long long)region, (long long)id);
		return ch;
	}
	case 8:
		/* Several rows in one statement, as a bulk update may. */
		ch.sql[0] = xasprintf("UPDATE cases SET status = '%s' WHERE id %% 7 = %d", st,
				      (int)rnd(7));
		return ch;
	case 9:
		ch.sql[0] = xasprintf("DELETE FROM appeals WHERE case_id = %lld", (long long)id);
		ch.sql[1] = xasprintf("DELETE FROM cases WHERE id = %lld", (long long)id);
		return ch;
	case 10:
		/* A township or a department moves to the other county, its cases' paths
		 * following (migration 008's rule, unit_update). */
		ch.move_unit = f->u[rnd(2) ? TA : DA];
		ch.move_to = f->u[rnd(2) ? A : B];
		return ch;
	default:
		ch.sql[0] =
			xasprintf("UPDATE cases SET title = 'x' WHERE id = %lld", (long long)id);
		return ch;
	}
}

typedef struct batch {
	fx *f;
	change ch[48];
	int n;
} batch;

static int tx_batch(store_conn *c, void *ctx, err *e)
{
	batch *b = ctx;
	for (int i = 0; i < b->n; i++) {
		change *ch = &b->ch[i];
		if (ch->move_unit) {
			unit_patch p = {.parent_id = ch->move_to, .disabled = -1};
			if (unit_update(c, &b->f->sys, ch->move_unit, &p, e) < 0)
				return -1;
			continue;
		}
		for (int j = 0; j < 2; j++)
			if (ch->sql[j] && store_exec(c, e, ch->sql[j], NULL) < 0)
				return -1;
	}
	return 0;
}

static actor who_at(fx *f, int64_t unit)
{
	actor a = {0};
	a.user_id = 100 + unit;
	snprintf(a.username, sizeof a.username, "u%lld", (long long)unit);
	a.unit_id = unit;
	a.roles = ROLE_AGENT;
	err e = {0};
	if (unit_path(tu_conn(f->s), unit, a.unit_path, sizeof a.unit_path, &e) < 0)
		fail_msg("unit_path: %s", e.message);
	return a;
}

/* The list as a plain query over the cases says it: total and the ids of the page. */
static void expect_list(fx *f, const actor *who, const appeal_filter *flt, int64_t page,
			int64_t per_page, int64_t *total, strbuf *ids)
{
	char hi[SCOPE_PATH_MAX], upath[SCOPE_PATH_MAX] = "", uhi[SCOPE_PATH_MAX] = "";
	scope_upper(who->unit_path, hi, sizeof hi);
	err e = {0};
	if (flt->unit_id) {
		assert_int_equal(unit_path(tu_conn(f->s), flt->unit_id, upath, sizeof upath, &e),
				 0);
		scope_upper(upath, uhi, sizeof uhi);
	}
	strbuf where = STRBUF_INIT;
	strbuf_addf(&where,
		    " FROM cases c JOIN appeals a ON a.case_id = c.id WHERE c.kind = 'appeal'"
		    " AND ((c.region_path >= '%s' AND c.region_path < '%s') OR"
		    " (c.handler_path >= '%s' AND c.handler_path < '%s'))",
		    who->unit_path, hi, who->unit_path, hi);
	if (flt->statuses)
		strbuf_addf(&where, " AND ',%s,' LIKE '%%,' || c.status || ',%%'", flt->statuses);
	if (flt->unit_id)
		strbuf_addf(&where, " AND c.handler_path >= '%s' AND c.handler_path < '%s'", upath,
			    uhi);
	char *sql = xasprintf("SELECT COUNT(*)%s", strbuf_str(&where));
	assert_int_equal(store_query_int(tu_conn(f->s), total, 0, &e, sql, NULL), 0);
	free(sql);
	sql = xasprintf("SELECT c.id%s ORDER BY c.id DESC LIMIT %lld OFFSET %lld",
			strbuf_str(&where), (long long)per_page,
			(long long)((page - 1) * per_page));
	store_stmt *st = store_prepare(tu_conn(f->s), sql, &e);
	assert_non_null(st);
	while (store_step(st, &e) == 1)
		strbuf_addf(ids, "%lld,", (long long)store_col_int(st, 0));
	store_done(st);
	free(sql);
	strbuf_release(&where);
}

/* Every unit's lists under every filter equal the plain query's. */
static void assert_lists_equal_recount(fx *f)
{
	static const char *const filters[] = {NULL, "closed", "dispatched,handling,replied,revisit",
					      "intake,merged"};
	err e = {0};
	int64_t wrong = -1;
	assert_int_equal(appeal_area_verify(f->s, tu_conn(f->s), &wrong, &e), 0);
	assert_int_equal(wrong, 0);
	for (int a = 0; a < NUNITS; a++) {
		actor who = who_at(f, f->u[a]);
		for (int u = -1; u < NUNITS; u++)
			for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
				for (int64_t page = 1; page <= 2; page++) {
					appeal_filter flt = {.statuses = filters[i],
							     .unit_id = u < 0 ? 0 : f->u[u]};
					int64_t total = 0;
					strbuf want = STRBUF_INIT, got = STRBUF_INIT;
					expect_list(f, &who, &flt, page, 7, &total, &want);
					strbuf out = STRBUF_INIT;
					assert_int_equal(appeal_list(tu_conn(f->s), f->s, &who,
								     &flt, page, 7, &out, &e),
							 0);
					json_t *j = json_loads(strbuf_str(&out), 0, NULL);
					assert_non_null(j);
					size_t k;
					json_t *it;
					json_array_foreach(json_object_get(j, "items"), k, it)
						strbuf_addf(&got, "%lld,",
							    (long long)json_integer_value(
								    json_object_get(it, "id")));
					if (strcmp(strbuf_str(&want), strbuf_str(&got)) ||
					    json_integer_value(json_object_get(j, "total")) !=
						    total)
						fail_msg(
							"unit %d, handler %d, states %s, page %lld:"
							" want %lld [%s], got %s",
							a, u, filters[i] ? filters[i] : "-",
							(long long)page, (long long)total,
							strbuf_str(&want), strbuf_str(&out));
					assert_false(
						json_is_true(json_object_get(j, "total_capped")));
					json_decref(j);
					strbuf_release(&out);
					strbuf_release(&want);
					strbuf_release(&got);
				}
	}
}

static int tx_exec_sql(store_conn *c, void *ctx, err *e)
{
	return store_exec(c, e, ctx, NULL) < 0 ? -1 : 0;
}

static int tx_rebuild(store_conn *c, void *ctx, err *e)
{
	return appeal_area_rebuild(ctx, c, e);
}

/* Random intakes, state changes, dispatches and returns, region changes, bulk updates,
 * deletes and unit moves in transactions of up to 48: after every few batches the area
 * tables equal a recount and every list equals the plain query; a drifted table is seen
 * by the check and a rebuild mends it. */
static void test_area_tables_exact_under_random_changes(void **state)
{
	fx *f = *state;
	rng_state = 0x2545F4914F6CDD1Dull;
	for (int round = 0; round < 40; round++) {
		batch b = {.f = f, .n = 1 + (int)rnd(48)};
		int64_t ncases = max_case(f);
		for (int i = 0; i < b.n; i++)
			b.ch[i] = random_change(f, ncases + i);
		err e = {0};
		if (store_write(f->s, tx_batch, &b, &e) < 0)
			fail_msg("batch: %s", e.message);
		for (int i = 0; i < b.n; i++)
			for (int j = 0; j < 2; j++)
				free(b.ch[i].sql[j]);
		if (round % 20 == 19)
			assert_lists_equal_recount(f);
	}
	int64_t rows = 0;
	err e = {0};
	store_query_int(tu_conn(f->s), &rows, 0, &e, "SELECT COUNT(*) FROM appeal_area", NULL);
	assert_true(rows > 300);
	/* A drifted counter and a lost row: the check sees both, the rebuild mends them. */
	assert_int_equal(store_write(f->s, tx_exec_sql,
				     "UPDATE appeal_area_counts SET area = area + 1 WHERE status ="
				     " 'closed'",
				     &e),
			 0);
	char *del = xasprintf("DELETE FROM appeal_area WHERE unit_id = %lld", (long long)f->u[A]);
	assert_int_equal(store_write(f->s, tx_exec_sql, del, &e), 0);
	free(del);
	int64_t wrong = 0;
	assert_int_equal(appeal_area_verify(f->s, tu_conn(f->s), &wrong, &e), 0);
	assert_true(wrong > 0);
	assert_int_equal(store_write(f->s, tx_rebuild, f->s, &e), 0);
	assert_lists_equal_recount(f);
}

/* The finders of an appeal's possible duplicates (appeal.c, duplicates_json), run on every
 * read of an appeal awaiting dispatch, are each one walk of an index on SQLite: without
 * cases_title or appeals_phone a finder walks every appeal until ten match. */
static void test_duplicate_finders_walk_an_index(void **state)
{
	fx *f = *state;
	if (store_kind(f->s) != STORE_SQLITE)
		skip();
	/* appeal_duplicate_finders: the phone's, then the title's. */
	static const char *const walks[2] = {"INDEX appeals_phone (contact_phone=?)",
					     "INDEX cases_title (title=?)"};
	for (size_t i = 0; i < 2; i++) {
		err e = {0};
		char *sql = xasprintf("EXPLAIN QUERY PLAN %s", appeal_duplicate_finders[i]);
		store_stmt *st = store_prepare(tu_conn(f->s), sql, &e);
		free(sql);
		assert_non_null(st);
		store_bindf(st, "si", "x", (int64_t)1);
		bool walk = false;
		int rc;
		while ((rc = store_step(st, &e)) == 1)
			walk |= strstr(store_col_text(st, 3), walks[i]) != NULL;
		store_done(st);
		assert_int_equal(rc, 0);
		if (!walk)
			fail_msg("%s: not a walk of %s", appeal_duplicate_finders[i], walks[i]);
	}
}

int main(void)
{
	platforms_register();
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_area_tables_exact_under_random_changes),
		T(test_duplicate_finders_walk_an_index),
	};
#undef T
	return tu_run_both("appeal_list_area", tests, sizeof tests / sizeof tests[0]);
}
