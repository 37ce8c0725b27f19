/* Appeal statistics, on SQLite and (with YIWANG_TEST_PG) on PostgreSQL: every figure and
 * rate of a unit from its assignments, rates null when nothing can be divided, the period
 * on dispatch time (from inclusive, a `to` date through the end of that day, months in
 * China time), the caller's area and the unit_id subtree, the monthly trend and the Excel
 * workbook. Each test builds this tree in a fresh database and writes assignment rows
 * directly:
 *
 *   city C 阜新市
 *   ├─ county A 海州区
 *   │  ├─ township TA 西山街道 ── community CA 和平社区
 *   │  └─ department DA 海州区住建局
 *   ├─ county B 细河区 ── department DB 细河区城管局
 *   └─ department DC 市热力公司
 */
#include "testutil.h"

#include "platforms.h"

#include <math.h>

#include "org/actor.h"
#include "appeals/appeal_stats.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "org/unit.h"

typedef struct tree {
	int64_t c, a, ta, ca, da, b, db, dc;
} tree;

typedef struct fx {
	tu_db d;
	store *s;
	tree t;
	actor sys;
	int64_t case_id;
} fx;

/* ---- fixture ---- */

static int mk(store_conn *c, const actor *who, const char *name, const char *kind, int64_t parent,
	      int64_t *id, err *e)
{
	unit_input in = {.name = name, .kind = kind, .parent_id = parent};
	return unit_create(c, who, &in, id, e);
}

static int tx_build(store_conn *c, void *ctx, err *e)
{
	fx *f = ctx;
	tree *t = &f->t;
	const actor *w = &f->sys;
	if (mk(c, w, "阜新市", "city", 0, &t->c, e) < 0 ||
	    mk(c, w, "海州区", "county", t->c, &t->a, e) < 0 ||
	    mk(c, w, "西山街道", "township", t->a, &t->ta, e) < 0 ||
	    mk(c, w, "和平社区", "community", t->ta, &t->ca, e) < 0 ||
	    mk(c, w, "海州区住建局", "department", t->a, &t->da, e) < 0 ||
	    mk(c, w, "细河区", "county", t->c, &t->b, e) < 0 ||
	    mk(c, w, "细河区城管局", "department", t->b, &t->db, e) < 0 ||
	    mk(c, w, "市热力公司", "department", t->c, &t->dc, e) < 0)
		return -1;
	/* Assignments belong to a case; one case carries them all here. */
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO cases (kind, number, status, region_id, region_path, intake_unit_id,"
		" title, content, created_at, updated_at) VALUES ('appeal', 'FX-TEST', 'closed', ?,"
		" '/', ?, 't', 'c', 0, 0) RETURNING id",
		"ii", t->c, t->c);
	if (rc <= 0)
		return -1;
	f->case_id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	return rc;
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

static int64_t ms(const char *iso)
{
	int64_t v;
	if (clock_parse_iso(iso, &v) < 0)
		fail_msg("bad time in test: %s", iso);
	return v;
}

/* An actor of the given roles rooted at unit. */
static actor who_at(fx *f, int64_t unit, unsigned roles)
{
	actor a = {0};
	a.user_id = 100 + unit;
	snprintf(a.username, sizeof a.username, "u%lld", (long long)unit);
	a.unit_id = unit;
	err e = {0};
	if (unit_path(tu_conn(f->s), unit, a.unit_path, sizeof a.unit_path, &e) < 0)
		fail_msg("unit_path: %s", e.message);
	a.roles = roles;
	return a;
}

/* One assignment as the case engine leaves it. -1 means NULL for the 0/1 columns. */
typedef struct asg {
	int64_t unit;
	const char *at; /* dispatched_at, ISO */
	int signed_on_time;
	bool returned, replied;
	int replied_on_time;
	bool closed;
	int resolved;
	const char *satisfaction;
	int reopened, overdue;
} asg;

static void lit_int(strbuf *sb, int v)
{
	if (v < 0)
		strbuf_adds(sb, ", NULL");
	else
		strbuf_addf(sb, ", %d", v);
}

static int tx_exec_sql(store_conn *c, void *ctx, err *e)
{
	return store_exec(c, e, ctx, NULL) < 0 ? -1 : 0;
}

/* Inserts rows (one statement per row, one transaction). */
static void add(fx *f, const asg *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const asg *r = &rows[i];
		int64_t at = ms(r->at);
		strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb,
			    "INSERT INTO case_assignments (case_id, unit_id, dispatched_at,"
			    " signed_on_time, returned_at, replied_at, replied_on_time, closed_at,"
			    " resolved, satisfaction, reopened, overdue) VALUES (%lld, %lld, %lld",
			    (long long)f->case_id, (long long)r->unit, (long long)at);
		lit_int(&sb, r->signed_on_time);
		strbuf_addf(&sb, r->returned ? ", %lld" : ", NULL", (long long)at + 1000);
		strbuf_addf(&sb, r->replied ? ", %lld" : ", NULL", (long long)at + 2000);
		lit_int(&sb, r->replied_on_time);
		strbuf_addf(&sb, r->closed ? ", %lld" : ", NULL", (long long)at + 3000);
		lit_int(&sb, r->resolved);
		if (r->satisfaction)
			strbuf_addf(&sb, ", '%s'", r->satisfaction);
		else
			strbuf_adds(&sb, ", NULL");
		strbuf_addf(&sb, ", %d, %d)", r->reopened, r->overdue);
		err e = {0};
		if (store_write(f->s, tx_exec_sql, (void *)strbuf_str(&sb), &e) < 0)
			fail_msg("insert: %s", e.message);
		strbuf_release(&sb);
	}
}

static json_t *by_unit(fx *f, const actor *who, const char *from, const char *to, int64_t unit_id)
{
	err e = {0};
	int64_t a, b;
	if (appeal_stats_period(from, to, ms("2026-01-20T10:00"), 1, &a, &b, &e) < 0)
		fail_msg("period: %s", e.message);
	json_t *items = NULL;
	if (appeal_stats_by_unit(tu_conn(f->s), who, a, b, unit_id, &items, &e) < 0)
		fail_msg("stats: %s (%s)", e.message, e.code);
	return items;
}

static json_t *item_of(json_t *items, int64_t unit)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) if (json_integer_value(json_object_get(it, "unit_id")) ==
					     unit) return it;
	return NULL;
}

static int64_t num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("%s is not an integer", key);
	return json_integer_value(v);
}

/* The rate is num/den, or null when den is 0. */
static void assert_rate(json_t *o, const char *key, int64_t n, int64_t d)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		fail_msg("%s missing", key);
	if (d == 0) {
		if (!json_is_null(v))
			fail_msg("%s should be null, is %g", key, json_number_value(v));
		return;
	}
	if (!json_is_real(v) || fabs(json_real_value(v) - (double)n / (double)d) > 1e-12)
		fail_msg("%s should be %lld/%lld", key, (long long)n, (long long)d);
}

/* Seven dispatches to DA in January, each a different fate, and two untouched ones to TA. */
static void add_january(fx *f)
{
	const tree *t = &f->t;
	const asg rows[] = {
		/* signed on time, replied on time, closed resolved, satisfied */
		{t->da, "2026-01-05T09:00", 1, false, true, 1, true, 1, "satisfied", 0, 0},
		/* replied late, closed unresolved, dissatisfied, reopened */
		{t->da, "2026-01-06T09:00", 1, false, true, 0, true, 0, "dissatisfied", 1, 0},
		/* signed late, closed resolved, basically satisfied, overdue once */
		{t->da, "2026-01-07T09:00", 0, false, true, 1, true, 1, "basically_satisfied", 0,
		 1},
		/* returned unsigned */
		{t->da, "2026-01-08T09:00", -1, true, false, -1, false, -1, NULL, 0, 0},
		/* signed, still handling, overdue */
		{t->da, "2026-01-09T09:00", 1, false, false, -1, false, -1, NULL, 0, 1},
		/* closed resolved without a revisit */
		{t->da, "2026-01-10T09:00", 1, false, true, 1, true, 1, NULL, 0, 0},
		/* replied late and marked resolved, not closed: not counted as resolved */
		{t->da, "2026-01-11T09:00", 0, false, true, 0, false, 1, NULL, 0, 0},
		{t->ta, "2026-01-12T09:00", -1, false, false, -1, false, -1, NULL, 0, 0},
		{t->ta, "2026-01-13T09:00", -1, false, false, -1, false, -1, NULL, 0, 0},
	};
	add(f, rows, sizeof rows / sizeof rows[0]);
}

/* ---- tests ---- */

static void test_stats_counts_every_figure_and_rate(void **state)
{
	fx *f = *state;
	add_january(f);
	actor city = who_at(f, f->t.c, ROLE_LEADER);
	json_t *items = by_unit(f, &city, "2026-01-01", "2026-01-31", 0);
	assert_int_equal(json_array_size(items), 2);
	json_t *da = item_of(items, f->t.da);
	assert_non_null(da);
	assert_string_equal(json_string_value(json_object_get(da, "unit_name")), "海州区住建局");
	assert_int_equal(num(da, "dispatched"), 7);
	assert_int_equal(num(da, "signed_on_time"), 4);
	assert_rate(da, "response_rate", 4, 7);
	assert_int_equal(num(da, "closed"), 4);
	assert_int_equal(num(da, "resolved"), 3);
	assert_rate(da, "resolution_rate", 3, 4);
	assert_int_equal(num(da, "revisited"), 3);
	assert_int_equal(num(da, "satisfied"), 2);
	assert_rate(da, "satisfaction_rate", 2, 3);
	assert_int_equal(num(da, "replied"), 5);
	assert_int_equal(num(da, "replied_on_time"), 3);
	assert_rate(da, "on_time_rate", 3, 5);
	assert_int_equal(num(da, "returned"), 1);
	assert_rate(da, "return_rate", 1, 7);
	assert_int_equal(num(da, "reopened"), 1);
	assert_rate(da, "reopen_rate", 1, 4);
	assert_int_equal(num(da, "overdue"), 2);
	json_decref(items);
}

static void test_reopen_rate_counts_reopened_among_ever_closed(void **state)
{
	fx *f = *state;
	const tree *t = &f->t;
	const asg rows[] = {
		/* closed, reopened, closed again */
		{t->ta, "2026-02-02T09:00", 1, false, true, 1, true, 1, "satisfied", 1, 0},
		/* closed, reopened, being handled again (twice reopened) */
		{t->ta, "2026-02-03T09:00", 1, false, false, -1, false, -1, NULL, 2, 0},
		{t->ta, "2026-02-04T09:00", 1, false, false, -1, false, -1, NULL, 1, 0},
		/* closed once, never reopened */
		{t->ta, "2026-02-05T09:00", 1, false, true, 1, true, 1, "satisfied", 0, 0},
	};
	add(f, rows, sizeof rows / sizeof rows[0]);
	actor city = who_at(f, f->t.c, ROLE_LEADER);
	json_t *items = by_unit(f, &city, "2026-02-01", "2026-02-28", 0);
	json_t *ta = item_of(items, f->t.ta);
	assert_non_null(ta);
	assert_int_equal(num(ta, "closed"), 2);
	assert_int_equal(num(ta, "reopened"), 3);
	assert_int_equal(num(ta, "reopened_open"), 2);
	/* Three of the four ever closed were reopened: 3/4, where reopened / closed was 3/2. */
	assert_rate(ta, "reopen_rate", 3, 4);
	json_decref(items);
}

static void test_stats_rates_null_when_denominator_zero(void **state)
{
	fx *f = *state;
	add_january(f);
	actor city = who_at(f, f->t.c, ROLE_LEADER);
	json_t *items = by_unit(f, &city, "2026-01-01", "2026-01-31", 0);
	json_t *ta = item_of(items, f->t.ta);
	assert_non_null(ta);
	assert_int_equal(num(ta, "dispatched"), 2);
	assert_int_equal(num(ta, "signed_on_time"), 0);
	assert_rate(ta, "response_rate", 0, 2); /* 0.0, not null: two were dispatched */
	assert_int_equal(num(ta, "closed"), 0);
	assert_rate(ta, "resolution_rate", 0, 0);
	assert_rate(ta, "reopen_rate", 0, 0);
	assert_int_equal(num(ta, "revisited"), 0);
	assert_rate(ta, "satisfaction_rate", 0, 0);
	assert_int_equal(num(ta, "replied"), 0);
	assert_rate(ta, "on_time_rate", 0, 0);
	assert_rate(ta, "return_rate", 0, 2);
	json_decref(items);
}

static void test_stats_sorted_by_dispatched_desc(void **state)
{
	fx *f = *state;
	add_january(f);
	const asg more[] = {
		{f->t.dc, "2026-01-14T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{f->t.dc, "2026-01-14T10:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{f->t.dc, "2026-01-14T11:00", 1, false, false, -1, false, -1, NULL, 0, 0},
	};
	add(f, more, 3);
	actor city = who_at(f, f->t.c, ROLE_ADMIN);
	json_t *items = by_unit(f, &city, "2026-01-01", "2026-01-31", 0);
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(num(json_array_get(items, 0), "unit_id"), f->t.da);
	assert_int_equal(num(json_array_get(items, 1), "unit_id"), f->t.dc);
	assert_int_equal(num(json_array_get(items, 2), "unit_id"), f->t.ta);
	json_decref(items);
}

/* Period edges in China time: 2026-01-01T00:00+08:00 is 2025-12-31T16:00Z. */
static void test_stats_period_from_inclusive_to_date_through_end_of_day(void **state)
{
	fx *f = *state;
	const asg rows[] = {
		{f->t.da, "2025-12-31T23:59:59.999+08:00", 1, false, false, -1, false, -1, NULL, 0,
		 0},
		{f->t.da, "2026-01-01T00:00:00+08:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{f->t.da, "2025-12-31T16:00:00Z", 1, false, false, -1, false, -1, NULL, 0, 0},
		{f->t.da, "2026-01-31T23:59:59.999", 1, false, false, -1, false, -1, NULL, 0, 0},
		{f->t.da, "2026-02-01T00:00", 1, false, false, -1, false, -1, NULL, 0, 0},
	};
	add(f, rows, 5);
	actor city = who_at(f, f->t.c, ROLE_LEADER);
	json_t *items = by_unit(f, &city, "2026-01-01", "2026-01-31", 0);
	assert_int_equal(num(item_of(items, f->t.da), "dispatched"), 3);
	json_decref(items);
	/* A time as `to` is exclusive as given. */
	items = by_unit(f, &city, "2026-01-01", "2026-01-31T23:59:59.999", 0);
	assert_int_equal(num(item_of(items, f->t.da), "dispatched"), 2);
	json_decref(items);
	/* A time as `from` is inclusive. */
	items = by_unit(f, &city, "2026-01-01T00:00:00.001", "2026-02-01", 0);
	assert_int_equal(num(item_of(items, f->t.da), "dispatched"), 2);
	json_decref(items);
	/* Nothing in the period: no units at all. */
	items = by_unit(f, &city, "2026-03-01", "2026-03-31", 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

static void test_stats_period_defaults_and_errors(void **state)
{
	(void)state;
	err e = {0};
	int64_t a, b;
	int64_t now = ms("2026-03-15T10:00");
	/* Default: the current month in China time. */
	assert_int_equal(appeal_stats_period(NULL, NULL, now, 1, &a, &b, &e), 0);
	assert_true(a == ms("2026-03-01") && b == ms("2026-04-01"));
	/* Just after midnight on the 1st, China time (still the previous day in UTC). */
	assert_int_equal(appeal_stats_period(NULL, NULL, ms("2026-03-01T00:30"), 1, &a, &b, &e), 0);
	assert_true(a == ms("2026-03-01") && b == ms("2026-04-01"));
	/* The trend's default: twelve months ending with the current one. */
	assert_int_equal(appeal_stats_period(NULL, NULL, now, 12, &a, &b, &e), 0);
	assert_true(a == ms("2025-04-01") && b == ms("2026-04-01"));
	/* Only `to`: the month it ends in. */
	assert_int_equal(appeal_stats_period(NULL, "2025-12-31", now, 1, &a, &b, &e), 0);
	assert_true(a == ms("2025-12-01") && b == ms("2026-01-01"));
	/* Only `from`: to the end of the current month. */
	assert_int_equal(appeal_stats_period("2026-01-10", NULL, now, 1, &a, &b, &e), 0);
	assert_true(a == ms("2026-01-10") && b == ms("2026-04-01"));
	assert_int_equal(appeal_stats_period("2026-13-01", NULL, now, 1, &a, &b, &e), -1);
	assert_int_equal(e.kind, ERR_BAD_REQUEST);
	assert_string_equal(e.field, "from");
	assert_int_equal(appeal_stats_period(NULL, "yesterday", now, 1, &a, &b, &e), -1);
	assert_string_equal(e.field, "to");
	assert_int_equal(appeal_stats_period("2026-02-01", "2026-01-31", now, 1, &a, &b, &e), -1);
	assert_int_equal(e.kind, ERR_BAD_REQUEST);
	/* The same day as from and to is that whole day. */
	assert_int_equal(appeal_stats_period("2026-02-01", "2026-02-01", now, 1, &a, &b, &e), 0);
	assert_int_equal(b - a, 86400000);
}

static void test_stats_only_units_within_area(void **state)
{
	fx *f = *state;
	const tree *t = &f->t;
	const asg rows[] = {
		{t->da, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{t->ca, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{t->db, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{t->dc, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{t->a, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
	};
	add(f, rows, 5);
	/* An agent of county A: A itself, DA and CA; not B's department nor the city's. */
	actor in_a = who_at(f, t->a, ROLE_AGENT);
	json_t *items = by_unit(f, &in_a, "2026-01-01", "2026-01-31", 0);
	assert_int_equal(json_array_size(items), 3);
	assert_non_null(item_of(items, t->a));
	assert_non_null(item_of(items, t->da));
	assert_non_null(item_of(items, t->ca));
	assert_null(item_of(items, t->db));
	assert_null(item_of(items, t->dc));
	json_decref(items);
	/* Staff of DA: their own unit only. */
	actor staff = who_at(f, t->da, ROLE_UNIT_STAFF);
	items = by_unit(f, &staff, "2026-01-01", "2026-01-31", 0);
	assert_int_equal(json_array_size(items), 1);
	assert_non_null(item_of(items, t->da));
	json_decref(items);
	/* The city: all five. */
	actor city = who_at(f, t->c, ROLE_LEADER);
	items = by_unit(f, &city, "2026-01-01", "2026-01-31", 0);
	assert_int_equal(json_array_size(items), 5);
	json_decref(items);
}

static void test_stats_unit_id_narrows_to_subtree(void **state)
{
	fx *f = *state;
	const tree *t = &f->t;
	const asg rows[] = {
		{t->da, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{t->ca, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{t->ta, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{t->db, "2026-01-05T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
	};
	add(f, rows, 4);
	actor city = who_at(f, t->c, ROLE_LEADER);
	json_t *items = by_unit(f, &city, "2026-01-01", "2026-01-31", t->ta);
	assert_int_equal(json_array_size(items), 2);
	assert_non_null(item_of(items, t->ta));
	assert_non_null(item_of(items, t->ca));
	json_decref(items);
	/* A unit outside the caller's area answers 404, as if it did not exist. */
	actor in_a = who_at(f, t->a, ROLE_LEADER);
	err e = {0};
	json_t *none = NULL;
	assert_int_equal(appeal_stats_by_unit(tu_conn(f->s), &in_a, ms("2026-01-01"),
					      ms("2026-02-01"), t->db, &none, &e),
			 -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(appeal_stats_trend(tu_conn(f->s), &in_a, ms("2026-01-01"),
					    ms("2026-02-01"), t->b, &none, &e),
			 -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(appeal_stats_by_unit(tu_conn(f->s), &in_a, ms("2026-01-01"),
					      ms("2026-02-01"), 999999, &none, &e),
			 -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_null(none);
}

static json_t *trend(fx *f, const actor *who, const char *from, const char *to, int64_t unit_id,
		     err *e)
{
	int64_t a, b;
	if (appeal_stats_period(from, to, ms("2026-06-15T10:00"), 12, &a, &b, e) < 0)
		fail_msg("period: %s", e->message);
	json_t *items = NULL;
	if (appeal_stats_trend(tu_conn(f->s), who, a, b, unit_id, &items, e) < 0)
		return NULL;
	return items;
}

static void test_trend_one_item_per_china_month(void **state)
{
	fx *f = *state;
	add_january(f); /* DA 7, TA 2 in January */
	const tree *t = &f->t;
	const asg rows[] = {
		/* January 31st late evening in China is still January. */
		{t->da, "2026-01-31T23:30+08:00", 1, false, true, 1, true, 1, "satisfied", 0, 0},
		/* February 1st 00:00 China time is 2026-01-31T16:00Z: February. */
		{t->da, "2026-01-31T16:00Z", 0, false, false, -1, false, -1, NULL, 0, 0},
		{t->db, "2026-03-02T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
		{t->db, "2026-04-01T09:00", 1, false, false, -1, false, -1, NULL, 0, 0},
	};
	add(f, rows, 4);
	actor city = who_at(f, t->c, ROLE_LEADER);
	err e = {0};
	json_t *items = trend(f, &city, "2026-01-01", "2026-03-31", 0, &e);
	assert_non_null(items);
	assert_int_equal(json_array_size(items), 3);
	json_t *jan = json_array_get(items, 0), *feb = json_array_get(items, 1),
	       *mar = json_array_get(items, 2);
	assert_string_equal(json_string_value(json_object_get(jan, "month")), "2026-01");
	assert_string_equal(json_string_value(json_object_get(feb, "month")), "2026-02");
	assert_string_equal(json_string_value(json_object_get(mar, "month")), "2026-03");
	/* January: DA's seven and the late one, TA's two. */
	assert_int_equal(num(jan, "dispatched"), 10);
	assert_rate(jan, "response_rate", 5, 10);
	assert_rate(jan, "resolution_rate", 4, 5);
	assert_rate(jan, "satisfaction_rate", 3, 4);
	assert_rate(jan, "on_time_rate", 4, 6);
	assert_int_equal(num(feb, "dispatched"), 1);
	assert_rate(feb, "response_rate", 0, 1);
	assert_rate(feb, "resolution_rate", 0, 0);
	assert_int_equal(num(mar, "dispatched"), 1);
	json_decref(items);
	/* The area holds in the trend too: county A saw nothing in March. */
	actor in_a = who_at(f, t->a, ROLE_LEADER);
	items = trend(f, &in_a, "2026-01-01", "2026-03-31", 0, &e);
	assert_int_equal(num(json_array_get(items, 0), "dispatched"), 10);
	assert_int_equal(num(json_array_get(items, 2), "dispatched"), 0);
	assert_rate(json_array_get(items, 2), "response_rate", 0, 0);
	json_decref(items);
	/* A period starting mid-month counts only from its start. */
	items = trend(f, &city, "2026-01-10", "2026-02-28", 0, &e);
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(num(json_array_get(items, 0), "dispatched"), 5);
	json_decref(items);
}

static void test_trend_refuses_more_than_24_months(void **state)
{
	fx *f = *state;
	actor city = who_at(f, f->t.c, ROLE_LEADER);
	err e = {0};
	json_t *items = trend(f, &city, "2024-01-01", "2025-12-31", 0, &e);
	assert_non_null(items);
	assert_int_equal(json_array_size(items), 24);
	json_decref(items);
	assert_null(trend(f, &city, "2024-01-01", "2026-01-01", 0, &e));
	assert_int_equal(e.kind, ERR_BAD_REQUEST);
	assert_string_equal(e.code, "range_too_long");
	/* The default trend is the last twelve months. */
	items = trend(f, &city, NULL, NULL, 0, &e);
	assert_int_equal(json_array_size(items), 12);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "month")),
			    "2025-07");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 11), "month")),
			    "2026-06");
	json_decref(items);
}

/* Runs a shell command and returns what it printed (heap), NULL when it failed. */
static char *capture(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		strbuf_add(&sb, buf, n);
	int rc = pclose(p);
	char *out = strbuf_detach(&sb, NULL);
	if (rc != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static void test_xlsx_has_chinese_headers_title_and_percentages(void **state)
{
	fx *f = *state;
	add_january(f);
	actor city = who_at(f, f->t.c, ROLE_LEADER);
	json_t *items = by_unit(f, &city, "2026-01-01", "2026-01-31", 0);
	char *data = NULL;
	size_t len = 0;
	err e = {0};
	assert_int_equal(
		appeal_stats_xlsx(items, ms("2026-01-01"), ms("2026-02-01"), &data, &len, &e), 0);
	json_decref(items);
	assert_true(len > 1000);
	assert_memory_equal(data, "PK\x03\x04", 4); /* a zip, as .xlsx is */
	if (system("command -v unzip >/dev/null 2>&1") != 0) {
		free(data);
		return; /* no unzip to look inside */
	}
	char path[] = "/tmp/yiwang-xlsx-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(data);
	char *cmd = xasprintf("unzip -p '%s' xl/sharedStrings.xml", path);
	char *strings = capture(cmd);
	free(cmd);
	cmd = xasprintf("unzip -p '%s' xl/styles.xml", path);
	char *styles = capture(cmd);
	free(cmd);
	cmd = xasprintf("unzip -p '%s' xl/worksheets/sheet1.xml", path);
	char *sheet = capture(cmd);
	free(cmd);
	unlink(path);
	assert_non_null(strings);
	assert_non_null(styles);
	assert_non_null(sheet);
	const char *headers[] = {"单位",     "派单数", "按时签收",
				 "响应率",   "办结数", "解决率",
				 "回访数",   "满意率", "按时办结率",
				 "退单数",   "退单率", "重办数",
				 "重办率",   "超期数", "海州区住建局",
				 "西山街道", "合计",   "诉求办理统计（2026-01-01 至 2026-01-31）"};
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
		if (!strstr(strings, headers[i]))
			fail_msg("sharedStrings lacks %s", headers[i]);
	assert_non_null(strstr(styles, "0.0%"));
	/* DA's response rate 4/7 is stored as a fraction; Excel shows it as 57.1%. */
	assert_non_null(strstr(sheet, "<v>0.5714285714"));
	free(strings);
	free(styles);
	free(sheet);
}

/* ---- the roll-up against a recount ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

/* A random value for a 0/1 column: NULL, 0 or 1. */
static const char *rnd_flag(void)
{
	static const char *v[] = {"NULL", "0", "1"};
	return v[rnd(3)];
}

/* One random change of case_assignments, as SQL: an insert, an update of one counted
 * column (every one of them, unit and dispatch time included) or a delete. Times fall in
 * December 2025 .. February 2026, many near China midnight. */
static char *random_change(fx *f, int64_t base, int64_t nrows)
{
	const int64_t units[] = {f->t.c,  f->t.a, f->t.ta, f->t.ca,
				 f->t.da, f->t.b, f->t.db, f->t.dc};
	int64_t unit = units[rnd(8)];
	/* Midnight China time of a random day, +- up to an hour, or anywhere in the day. */
	int64_t at = base + (int64_t)rnd(90) * 86400000 +
		     (rnd(2) ? (int64_t)rnd(7200000) - 3600000 : (int64_t)rnd(86400000));
	int64_t id = 1 + (int64_t)rnd((uint64_t)(nrows > 0 ? nrows : 1));
	static const char *sat[] = {"NULL", "'satisfied'", "'basically_satisfied'",
				    "'dissatisfied'"};
	switch (nrows < 20 ? 0 : rnd(16)) {
	case 0:
	case 1:
	case 2:
	case 14:
	case 15:
		return xasprintf("INSERT INTO case_assignments (case_id, unit_id, dispatched_at, "
				 "signed_on_time,"
				 " returned_at, replied_at, replied_on_time, closed_at, resolved, "
				 "satisfaction,"
				 " reopened, overdue) VALUES (%lld, %lld, %lld, %s, %s, %s, %s, "
				 "%s, %s, %s, %d,"
				 " %d)",
				 (long long)f->case_id, (long long)unit, (long long)at, rnd_flag(),
				 rnd(4) ? "NULL" : "1", rnd(2) ? "NULL" : "2", rnd_flag(),
				 rnd(2) ? "NULL" : "3", rnd_flag(), sat[rnd(4)], (int)rnd(3),
				 (int)rnd(2));
	case 3:
		return xasprintf("UPDATE case_assignments SET signed_on_time = %s WHERE id = %lld",
				 rnd_flag(), (long long)id);
	case 4:
		return xasprintf("UPDATE case_assignments SET returned_at = %s WHERE id = %lld",
				 rnd(2) ? "NULL" : "5", (long long)id);
	case 5:
		return xasprintf("UPDATE case_assignments SET replied_at = %s, replied_on_time = %s"
				 " WHERE id = %lld",
				 rnd(2) ? "NULL" : "6", rnd_flag(), (long long)id);
	case 6:
		return xasprintf("UPDATE case_assignments SET closed_at = %s, resolved = %s"
				 " WHERE id = %lld",
				 rnd(2) ? "NULL" : "7", rnd_flag(), (long long)id);
	case 7:
		return xasprintf("UPDATE case_assignments SET satisfaction = %s WHERE id = %lld",
				 sat[rnd(4)], (long long)id);
	case 8:
		return xasprintf(
			"UPDATE case_assignments SET reopened = reopened + 1, closed_at = NULL"
			" WHERE id = %lld",
			(long long)id);
	case 9:
		return xasprintf("UPDATE case_assignments SET overdue = %d WHERE id = %lld",
				 (int)rnd(2), (long long)id);
	case 10:
		return xasprintf("UPDATE case_assignments SET unit_id = %lld WHERE id = %lld",
				 (long long)unit, (long long)id);
	case 11:
		return xasprintf("UPDATE case_assignments SET dispatched_at = %lld WHERE id = %lld",
				 (long long)at, (long long)id);
	case 12:
		/* Several rows at once, as a statement may. */
		return xasprintf(
			"UPDATE case_assignments SET overdue = 1 - overdue WHERE id %% 5 = %d",
			(int)rnd(5));
	default: return xasprintf("DELETE FROM case_assignments WHERE id = %lld", (long long)id);
	}
}

typedef struct batch {
	char *sql[64];
	int n;
} batch;

static int tx_batch(store_conn *c, void *ctx, err *e)
{
	batch *b = ctx;
	for (int i = 0; i < b->n; i++)
		if (store_exec(c, e, b->sql[i], NULL) < 0)
			return -1;
	return 0;
}

/* Every period and area the roll-up may be asked about answers as the recount does. */
static void assert_rollup_equals_recount(fx *f)
{
	static const char *periods[][2] = {
		{"2026-01-01", "2026-01-31"},
		{"2025-12-01", "2026-02-28"},
		{"2026-01-15", "2026-01-15"},
		{"2026-01-10T07:30:00+08:00", "2026-01-20T23:59:59+08:00"},
		{"2026-01-10T00:00:00+08:00", "2026-01-10T13:00:00+08:00"},
		{"2026-01-09T23:00:00+08:00", "2026-01-10T01:00:00+08:00"},
		{"2025-12-31T16:00:00Z", "2026-02-01T15:59:59.999Z"},
		{"2025-12-31T15:00:00Z", "2026-01-31T17:30:00Z"},
	};
	actor roots[] = {who_at(f, f->t.c, ROLE_LEADER), who_at(f, f->t.a, ROLE_LEADER)};
	err e = {0};
	store_conn *c = tu_conn(f->s);
	int64_t wrong = -1;
	assert_int_equal(appeal_stats_rollup_verify(c, &wrong, &e), 0);
	assert_int_equal(wrong, 0);
	for (size_t r = 0; r < sizeof roots / sizeof roots[0]; r++)
		for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++) {
			int64_t a, b;
			assert_int_equal(appeal_stats_period(periods[i][0], periods[i][1],
							     ms("2026-01-20T10:00"), 1, &a, &b, &e),
					 0);
			json_t *x = NULL, *y = NULL;
			assert_int_equal(appeal_stats_by_unit(c, &roots[r], a, b, 0, &x, &e), 0);
			assert_int_equal(
				appeal_stats_by_unit_recount(c, &roots[r], a, b, 0, &y, &e), 0);
			if (!json_equal(x, y)) {
				char *sx = json_dumps(x, JSON_COMPACT),
				     *sy = json_dumps(y, JSON_COMPACT);
				fail_msg("period %s..%s: roll-up %s\nrecount %s", periods[i][0],
					 periods[i][1], sx, sy);
			}
			json_decref(x);
			json_decref(y);
			assert_int_equal(appeal_stats_trend(c, &roots[r], a, b, 0, &x, &e), 0);
			assert_int_equal(appeal_stats_trend_recount(c, &roots[r], a, b, 0, &y, &e),
					 0);
			assert_true(json_equal(x, y));
			json_decref(x);
			json_decref(y);
		}
}

static int tx_rebuild(store_conn *c, void *ctx, err *e)
{
	(void)ctx;
	return appeal_stats_rollup_rebuild(c, e);
}

/* Thousands of random inserts, updates of every counted column (unit and dispatch time
 * too) and deletes, in transactions of up to 64 changes: after each batch the roll-up
 * answers every period as a recount of the assignments does, and yiwang check's
 * comparison finds no difference; a rebuild gives the same rows. */
static void test_rollup_exact_under_random_changes(void **state)
{
	fx *f = *state;
	rng_state = 0x9E3779B97F4A7C15ull;
	int64_t base = ms("2025-12-01T00:00:00+08:00");
	int64_t nrows = 0;
	for (int round = 0; round < 80; round++) {
		batch b = {.n = 1 + (int)rnd(64)};
		for (int i = 0; i < b.n; i++) {
			b.sql[i] = random_change(f, base, nrows);
			if (!strncmp(b.sql[i], "INSERT", 6))
				nrows++;
		}
		err e = {0};
		if (store_write(f->s, tx_batch, &b, &e) < 0)
			fail_msg("batch: %s", e.message);
		for (int i = 0; i < b.n; i++)
			free(b.sql[i]);
		if (round % 4 == 3)
			assert_rollup_equals_recount(f);
	}
	int64_t rows = 0;
	err e = {0};
	store_query_int(tu_conn(f->s), &rows, 0, &e, "SELECT COUNT(*) FROM case_assignments", NULL);
	assert_true(rows > 500);
	/* A rebuild from scratch lands on the same figures. */
	char *wipe = xasprintf("UPDATE stats_appeal_days SET n3 = n3 + 1");
	assert_int_equal(store_write(f->s, tx_exec_sql, wipe, &e), 0);
	free(wipe);
	int64_t wrong = 0;
	assert_int_equal(appeal_stats_rollup_verify(tu_conn(f->s), &wrong, &e), 0);
	assert_true(wrong > 0); /* the check sees a roll-up that drifted */
	assert_int_equal(store_write(f->s, tx_rebuild, NULL, &e), 0);
	assert_rollup_equals_recount(f);
}

int main(void)
{
	platforms_register();
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_stats_period_defaults_and_errors),
	};
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_stats_counts_every_figure_and_rate),
		T(test_stats_rates_null_when_denominator_zero),
		T(test_reopen_rate_counts_reopened_among_ever_closed),
		T(test_stats_sorted_by_dispatched_desc),
		T(test_stats_period_from_inclusive_to_date_through_end_of_day),
		T(test_stats_only_units_within_area),
		T(test_stats_unit_id_narrows_to_subtree),
		T(test_trend_one_item_per_china_month),
		T(test_trend_refuses_more_than_24_months),
		T(test_xlsx_has_chinese_headers_title_and_percentages),
		T(test_rollup_exact_under_random_changes),
	};
#undef T
	int failed = cmocka_run_group_tests_name("appeal_stats", pure, NULL, NULL);
	failed += tu_run_both("appeal_stats", tests, sizeof tests / sizeof tests[0]);
	return failed;
}
