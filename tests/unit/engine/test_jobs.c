/* The scheduler, the outbox and the inbox on SQLite and (with YIWANG_TEST_PG) on
 * PostgreSQL. Cases are built directly in the tables (a county, its housing bureau as the
 * handling unit, a street as the region) and passes run at chosen times: a warning at 80%
 * of a deadline, once; past it the assignment is overdue and the system urges the unit and
 * its superior; signed, replied, returned and closed cases are left alone. The outbox
 * retries with backoff and gives up after five attempts; the thread stops at once. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "testutil.h"

#include "org/actor.h"
#include "org/audit.h"
#include "core/clock.h"
#include "engine/jobs.h"
#include "engine/outbox.h"
#include "platforms.h"

#define MIN 60000LL

enum { CITY = 1, COUNTY = 2, BUREAU = 3, STREET = 4 };
/* Users of the bureau: who gets an SMS and who doesn't. */
enum { STAFF = 1, STAFF_DISABLED = 2, STAFF_NO_PHONE = 3, LEADER = 4, COUNTY_STAFF = 5 };
#define STAFF_PHONE "13812341234"

typedef struct fx {
	tu_db d;
	store *s;
	int64_t t0; /* dispatch time of the cases */
} fx;

static bool on_pg(void)
{
	return strcmp(tu_backend, "postgres") == 0;
}

/* ---- transaction bodies (they run on the writer thread: no assertions there) ---- */

static int tx_script(store_conn *c, void *ctx, err *e)
{
	return store_exec_script(c, ctx, e);
}

static void exec_sql(store *s, const char *sql)
{
	err e = {0};
	if (store_write(s, tx_script, (void *)sql, &e) < 0)
		fail_msg("%s: %s", sql, e.message);
}

typedef struct case_spec {
	int64_t id;
	const char *status;
	int64_t dispatched, sign_due, finish_due;
	int64_t signed_at, replied_at, closed_at, returned_at; /* 0: NULL */
} case_spec;

static int insert_case(store_conn *c, const case_spec *k, err *e)
{
	char number[32];
	snprintf(number, sizeof number, "FX20261127%06lld", (long long)k->id);
	char title[64];
	snprintf(title, sizeof title, "小区供暖不热 %lld", (long long)k->id);
	if (store_exec(c, e,
		       "INSERT INTO cases (id, kind, number, status, region_id, region_path,"
		       " intake_unit_id, handler_id, handler_path, title, content, created_at,"
		       " updated_at, dispatched_at, sign_due_at, finish_due_at, signed_at,"
		       " replied_at, closed_at) VALUES (?, 'appeal', ?, ?, ?, '/1/2/4/', ?, ?,"
		       " '/1/2/3/', ?, '暖气片温度不够', ?, ?, ?, ?, ?, ?, ?, ?)",
		       "issiiisiiiiinnnn", k->id, number, k->status, (int64_t)STREET,
		       (int64_t)COUNTY, (int64_t)BUREAU, title, k->dispatched, k->dispatched,
		       k->dispatched, k->sign_due, k->finish_due, k->signed_at, k->replied_at,
		       k->closed_at) < 0)
		return -1;
	/* The appeal's own row, where the scheduler counts its urges. */
	if (store_exec(
		    c, e,
		    "INSERT INTO appeals (case_id, channel, type) VALUES (?, '8890', 'complaint')",
		    "i", k->id) < 0)
		return -1;
	if (store_exec(c, e,
		       "INSERT INTO case_assignments (id, case_id, unit_id, dispatched_at,"
		       " sign_due_at, finish_due_at, signed_at, returned_at)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       "iiiiiinn", k->id, k->id, (int64_t)BUREAU, k->dispatched, k->sign_due,
		       k->finish_due, k->signed_at, k->returned_at) < 0)
		return -1;
	return store_exec(c, e, "UPDATE cases SET assignment_id = ? WHERE id = ?", "ii", k->id,
			  k->id) < 0
		       ? -1
		       : 0;
}

static int tx_case(store_conn *c, void *ctx, err *e)
{
	return insert_case(c, ctx, e);
}

/* A case dispatched at t0 with its sign deadline 100 minutes later (warning at 80) and its
 * finish deadline 1000 minutes later (warning at 800). */
static case_spec spec(const fx *f, int64_t id, const char *status)
{
	return (case_spec){.id = id,
			   .status = status,
			   .dispatched = f->t0,
			   .sign_due = f->t0 + 100 * MIN,
			   .finish_due = f->t0 + 1000 * MIN};
}

static void add_case(fx *f, const case_spec *k)
{
	err e = {0};
	if (store_write(f->s, tx_case, (void *)k, &e) < 0)
		fail_msg("case %lld: %s", (long long)k->id, e.message);
}

typedef struct many {
	const fx *f;
	int n;
} many;

static int tx_many_cases(store_conn *c, void *ctx, err *e)
{
	const many *m = ctx;
	for (int i = 0; i < m->n; i++) {
		case_spec k = spec(m->f, 1000 + i, "dispatched");
		k.sign_due += (i % 97) * 1000; /* deadlines spread over the batches */
		if (insert_case(c, &k, e) < 0)
			return -1;
	}
	return 0;
}

typedef struct enq {
	const char *phone;
	int64_t now;
} enq;

static int tx_enqueue(store_conn *c, void *ctx, err *e)
{
	const enq *q = ctx;
	return outbox_enqueue(c, "sms", q->phone, "【一网】测试短信", 0, q->now, e);
}

static void enqueue(fx *f, const char *phone, int64_t now)
{
	err e = {0};
	enq q = {phone, now};
	if (store_write(f->s, tx_enqueue, &q, &e) < 0)
		fail_msg("enqueue: %s", e.message);
}

/* ---- reading back ---- */

static int64_t qi(fx *f, const char *sql, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	assert_non_null(c);
	int64_t v = -1;
	if (store_query_int(c, &v, -1, &e, sql, strchr(sql, '?') ? "i" : NULL, id) < 0)
		fail_msg("%s: %s", sql, e.message);
	return v;
}

static int64_t count_notes(fx *f, int64_t unit, const char *kind)
{
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	int64_t v = -1;
	if (store_query_int(c, &v, -1, &e,
			    "SELECT COUNT(*) FROM notifications WHERE unit_id = ? AND kind = ?",
			    "is", unit, kind) < 0)
		fail_msg("count notifications: %s", e.message);
	return v;
}

static int pass(fx *f, int64_t now)
{
	err e = {0};
	int n = jobs_run_pass(f->s, NULL, now, &e);
	if (n < 0)
		fail_msg("pass: %s", e.message);
	return n;
}

/* ---- fixture ---- */

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	assert_int_equal(clock_parse_iso("2026-11-27T09:00:00+08:00", &f->t0), 0);
	exec_sql(
		f->s,
		"INSERT INTO units (id, parent_id, kind, name, path, depth, created_at, updated_at)"
		" VALUES (1, NULL, 'city', '阜新市', '/1/', 0, 0, 0),"
		" (2, 1, 'county', '海州区', '/1/2/', 1, 0, 0),"
		" (3, 2, 'department', '海州区住建局', '/1/2/3/', 2, 0, 0),"
		" (4, 2, 'township', '和平街道', '/1/2/4/', 2, 0, 0);"
		"INSERT INTO users (id, username, display_name, phone, unit_id, password_hash,"
		" disabled, created_at, updated_at) VALUES"
		" (1, 'staff', '王五', '13812341234', 3, 'x', 0, 0, 0),"
		" (2, 'gone', '赵六', '13900000002', 3, 'x', 1, 0, 0),"
		" (3, 'nophone', '钱七', NULL, 3, 'x', 0, 0, 0),"
		" (4, 'boss', '孙八', '13900000004', 3, 'x', 0, 0, 0),"
		" (5, 'county', '周九', '13900000005', 2, 'x', 0, 0, 0);"
		"INSERT INTO user_roles (user_id, role) VALUES (1, 'unit_staff'), (2, "
		"'unit_staff'),"
		" (3, 'unit_staff'), (4, 'leader'), (5, 'unit_staff')");
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

/* ---- sign deadline ---- */

static void test_no_alert_before_80_percent_of_sign_deadline(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "dispatched");
	add_case(f, &k);
	assert_int_equal(pass(f, f->t0 + 80 * MIN - 1), 0);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 0);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM notifications", 0), 0);
}

static void test_sign_warning_at_80_percent_only_once(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "dispatched");
	add_case(f, &k);
	assert_int_equal(pass(f, f->t0 + 80 * MIN), 1);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 1);
	assert_int_equal(count_notes(f, BUREAU, "warning"), 1);
	assert_int_equal(pass(f, f->t0 + 99 * MIN), 0);
	assert_int_equal(count_notes(f, BUREAU, "warning"), 1);
	/* A warning is no urge: nothing counted, audited or texted. */
	assert_int_equal(qi(f, "SELECT urge_count FROM appeals WHERE case_id = ?", 1), 0);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM case_timeline", 0), 0);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM audit_log", 0), 0);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM outbox", 0), 0);
}

static void test_sign_overdue_urges_handler_and_superior(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "dispatched");
	add_case(f, &k);
	assert_int_equal(pass(f, f->t0 + 80 * MIN), 1);
	/* The deadline itself counts as past it. */
	assert_int_equal(pass(f, f->t0 + 100 * MIN), 1);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 2);
	assert_int_equal(qi(f, "SELECT finish_alert FROM cases WHERE id = ?", 1), 0);
	assert_int_equal(qi(f, "SELECT overdue FROM case_assignments WHERE id = ?", 1), 1);
	assert_int_equal(qi(f, "SELECT urge_count FROM appeals WHERE case_id = ?", 1), 1);
	assert_int_equal(count_notes(f, BUREAU, "overdue"), 1);
	assert_int_equal(count_notes(f, BUREAU, "urge"), 1);
	assert_int_equal(count_notes(f, COUNTY, "urge"), 1);
	assert_int_equal(count_notes(f, CITY, "urge"), 0);

	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	store_stmt *st;
	assert_int_equal(
		store_query_row(c, &st, &e,
				"SELECT actor, actor_id, action, from_status, to_status, note"
				" FROM case_timeline WHERE case_id = ?",
				"i", (int64_t)1),
		1);
	assert_string_equal(store_col_text(st, 0), "scheduler");
	assert_true(store_col_null(st, 1));
	assert_string_equal(store_col_text(st, 2), "urge");
	assert_string_equal(store_col_text(st, 3), "dispatched");
	assert_string_equal(store_col_text(st, 4), "dispatched");
	assert_string_equal(store_col_text(st, 5), "超过签收时限，系统自动督办");
	store_done(st);
	assert_int_equal(store_query_row(c, &st, &e,
					 "SELECT actor, entity, entity_id FROM audit_log"
					 " WHERE action = 'case_auto_urge'",
					 NULL),
			 1);
	assert_string_equal(store_col_text(st, 0), "scheduler");
	assert_string_equal(store_col_text(st, 1), "appeal");
	assert_int_equal(store_col_int(st, 2), 1);
	store_done(st);
	audit_report rep;
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);

	/* Once is enough: later passes leave it be. */
	assert_int_equal(pass(f, f->t0 + 200 * MIN), 0);
	assert_int_equal(qi(f, "SELECT urge_count FROM appeals WHERE case_id = ?", 1), 1);
	assert_int_equal(count_notes(f, BUREAU, "urge"), 1);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM case_timeline", 0), 1);
}

static void test_sign_overdue_without_warning_when_found_late(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "dispatched");
	add_case(f, &k);
	assert_int_equal(pass(f, f->t0 + 150 * MIN), 1);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 2);
	assert_int_equal(count_notes(f, BUREAU, "warning"), 0);
	assert_int_equal(count_notes(f, BUREAU, "overdue"), 1);
}

static void test_signed_case_gets_no_sign_alerts(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "handling");
	k.signed_at = f->t0 + 10 * MIN;
	add_case(f, &k);
	assert_int_equal(pass(f, f->t0 + 500 * MIN), 0);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 0);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM notifications", 0), 0);
}

static void test_closed_merged_and_returned_cases_get_nothing(void **state)
{
	fx *f = *state;
	case_spec closed = spec(f, 1, "closed");
	closed.closed_at = f->t0 + MIN;
	add_case(f, &closed);
	case_spec merged = spec(f, 2, "merged");
	merged.closed_at = f->t0 + MIN;
	add_case(f, &merged);
	/* The status alone decides, whatever closed_at says. */
	case_spec closed_no_time = spec(f, 3, "closed");
	add_case(f, &closed_no_time);
	case_spec returned = spec(f, 4, "dispatched");
	returned.returned_at = f->t0 + MIN;
	add_case(f, &returned);
	assert_int_equal(pass(f, f->t0 + 5000 * MIN), 0);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM notifications", 0), 0);
	assert_int_equal(qi(f, "SELECT SUM(sign_alert + finish_alert) FROM cases", 0), 0);
}

/* ---- finish deadline ---- */

static void test_finish_warning_then_overdue_urge(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "handling");
	k.signed_at = f->t0 + 10 * MIN;
	add_case(f, &k);
	assert_int_equal(pass(f, f->t0 + 800 * MIN - 1), 0);
	assert_int_equal(pass(f, f->t0 + 800 * MIN), 1);
	assert_int_equal(qi(f, "SELECT finish_alert FROM cases WHERE id = ?", 1), 1);
	assert_int_equal(count_notes(f, BUREAU, "warning"), 1);
	assert_int_equal(pass(f, f->t0 + 900 * MIN), 0);
	assert_int_equal(pass(f, f->t0 + 1000 * MIN), 1);
	assert_int_equal(qi(f, "SELECT finish_alert FROM cases WHERE id = ?", 1), 2);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 0);
	assert_int_equal(qi(f, "SELECT overdue FROM case_assignments WHERE id = ?", 1), 1);
	assert_int_equal(qi(f, "SELECT urge_count FROM appeals WHERE case_id = ?", 1), 1);
	assert_int_equal(count_notes(f, BUREAU, "urge"), 1);
	assert_int_equal(count_notes(f, COUNTY, "urge"), 1);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM case_timeline WHERE action = 'urge'"
			    " AND note = '超过办结时限，系统自动督办' AND case_id = ?",
			    1),
			 1);
	assert_int_equal(pass(f, f->t0 + 2000 * MIN), 0);
}

static void test_reopened_case_warned_at_80_percent_of_its_new_window(void **state)
{
	fx *f = *state;
	/* Reopened at t0 + 2000 with a new finish deadline 1000 minutes later: its warning
	 * falls at t0 + 2800, not at once (80% of the span from the first dispatch). */
	case_spec k = spec(f, 1, "handling");
	k.signed_at = f->t0 + 10 * MIN;
	k.finish_due = f->t0 + 3000 * MIN;
	add_case(f, &k);
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE cases SET finish_from = %lld WHERE id = 1",
		 (long long)(f->t0 + 2000 * MIN));
	exec_sql(f->s, sql);
	assert_int_equal(pass(f, f->t0 + 2400 * MIN), 0);
	assert_int_equal(pass(f, f->t0 + 2800 * MIN - 1), 0);
	assert_int_equal(qi(f, "SELECT finish_alert FROM cases WHERE id = ?", 1), 0);
	assert_int_equal(pass(f, f->t0 + 2800 * MIN), 1);
	assert_int_equal(qi(f, "SELECT finish_alert FROM cases WHERE id = ?", 1), 1);
}

static void test_unsigned_case_gets_both_deadlines(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "dispatched");
	add_case(f, &k);
	/* Found late for both: one case changed, two urges, one per deadline. */
	assert_int_equal(pass(f, f->t0 + 1000 * MIN), 1);
	assert_int_equal(qi(f, "SELECT sign_alert + finish_alert FROM cases WHERE id = ?", 1), 4);
	assert_int_equal(qi(f, "SELECT urge_count FROM appeals WHERE case_id = ?", 1), 2);
	assert_int_equal(count_notes(f, COUNTY, "urge"), 2);
}

static void test_replied_case_gets_no_finish_alerts(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "replied");
	k.signed_at = f->t0 + 10 * MIN;
	k.replied_at = f->t0 + 500 * MIN;
	add_case(f, &k);
	assert_int_equal(pass(f, f->t0 + 5000 * MIN), 0);
	assert_int_equal(qi(f, "SELECT finish_alert FROM cases WHERE id = ?", 1), 0);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM notifications", 0), 0);
}

static void test_backlog_is_worked_through_in_batches(void **state)
{
	fx *f = *state;
	many m = {f, 2 * JOBS_BATCH + 7};
	err e = {0};
	if (store_write(f->s, tx_many_cases, &m, &e) < 0)
		fail_msg("cases: %s", e.message);
	assert_int_equal(pass(f, f->t0 + 200 * MIN), m.n);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM cases c JOIN appeals a ON a.case_id = c.id"
			    " WHERE c.sign_alert = 2 AND a.urge_count = 1",
			    0),
			 m.n);
	assert_int_equal(count_notes(f, BUREAU, "urge"), m.n);
	assert_int_equal(count_notes(f, COUNTY, "urge"), m.n);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'case_auto_urge'", 0),
			 m.n);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM outbox", 0), m.n);
	audit_report rep;
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
	assert_int_equal(pass(f, f->t0 + 201 * MIN), 0);
}

/* ---- SMS ---- */

static void test_overdue_texts_active_unit_staff_with_a_phone(void **state)
{
	fx *f = *state;
	case_spec k = spec(f, 1, "dispatched");
	add_case(f, &k);
	int64_t now = f->t0 + 100 * MIN;
	assert_int_equal(pass(f, f->t0 + 80 * MIN), 1);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM outbox", 0), 0);
	assert_int_equal(pass(f, now), 1);
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	store_stmt *st;
	assert_int_equal(store_query_row(c, &st, &e,
					 "SELECT channel, recipient, body, case_id, attempts,"
					 " next_attempt_at, sent_at FROM outbox",
					 NULL),
			 1);
	assert_string_equal(store_col_text(st, 0), "sms");
	assert_string_equal(store_col_text(st, 1), STAFF_PHONE);
	assert_non_null(strstr(store_col_text(st, 2), "FX20261127000001"));
	assert_non_null(strstr(store_col_text(st, 2), "超过签收时限"));
	assert_int_equal(store_col_int(st, 3), 1);
	assert_int_equal(store_col_int(st, 4), 0);
	assert_int_equal(store_col_int(st, 5), now);
	assert_true(store_col_null(st, 6));
	assert_int_equal(store_step(st, &e), 0); /* one row only */
	store_done(st);
}

typedef struct flaky {
	int fail_first; /* fail this many calls, then succeed; -1: always fail */
	atomic_int calls;
	char last_phone[32];
	atomic_int sigterm_blocked; /* in the sending thread, at the last call */
} flaky;

static int flaky_send(void *ctx, const char *phone, const char *body, err *e)
{
	flaky *fl = ctx;
	int n = atomic_fetch_add(&fl->calls, 1);
	snprintf(fl->last_phone, sizeof fl->last_phone, "%s", phone);
	sigset_t cur;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	atomic_store(&fl->sigterm_blocked, sigismember(&cur, SIGTERM));
	(void)body;
	if (fl->fail_first < 0 || n < fl->fail_first)
		return err_set(e, ERR_UNAVAILABLE, "gateway", NULL, "gateway down");
	return 0;
}

static int drain(fx *f, const sms_adapter *a, int64_t now)
{
	err e = {0};
	int n = outbox_drain(f->s, a, now, 100, &e);
	if (n < 0)
		fail_msg("drain: %s", e.message);
	return n;
}

static void test_outbox_backoff_schedule(void **state)
{
	(void)state;
	assert_int_equal(outbox_backoff_ms(1), 1 * MIN);
	assert_int_equal(outbox_backoff_ms(2), 5 * MIN);
	assert_int_equal(outbox_backoff_ms(3), 30 * MIN);
	assert_int_equal(outbox_backoff_ms(4), 120 * MIN);
	assert_int_equal(outbox_backoff_ms(9), 120 * MIN);
}

static void test_outbox_retries_with_backoff_until_sent(void **state)
{
	fx *f = *state;
	flaky fl = {.fail_first = 2};
	sms_adapter a = {"flaky", flaky_send, &fl};
	int64_t t = f->t0;
	enqueue(f, STAFF_PHONE, t);
	assert_int_equal(drain(f, &a, t - 1), 0); /* not due yet */
	assert_int_equal(atomic_load(&fl.calls), 0);

	assert_int_equal(drain(f, &a, t), 0);
	assert_int_equal(atomic_load(&fl.calls), 1);
	assert_string_equal(fl.last_phone, STAFF_PHONE);
	assert_int_equal(qi(f, "SELECT attempts FROM outbox", 0), 1);
	assert_int_equal(qi(f, "SELECT next_attempt_at FROM outbox", 0), t + MIN);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM outbox WHERE last_error LIKE '%gateway down%'"
			    " AND sent_at IS NULL AND failed_at IS NULL",
			    0),
			 1);

	assert_int_equal(drain(f, &a, t + MIN - 1), 0); /* waits out the backoff */
	assert_int_equal(atomic_load(&fl.calls), 1);
	assert_int_equal(drain(f, &a, t + MIN), 0);
	assert_int_equal(qi(f, "SELECT attempts FROM outbox", 0), 2);
	assert_int_equal(qi(f, "SELECT next_attempt_at FROM outbox", 0), t + MIN + 5 * MIN);

	assert_int_equal(drain(f, &a, t + 6 * MIN), 1);
	assert_int_equal(atomic_load(&fl.calls), 3);
	assert_int_equal(qi(f, "SELECT attempts FROM outbox", 0), 3);
	assert_int_equal(qi(f, "SELECT sent_at FROM outbox", 0), t + 6 * MIN);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM outbox WHERE last_error IS NULL"
			    " AND failed_at IS NULL",
			    0),
			 1);
	assert_int_equal(drain(f, &a, t + 1000 * MIN), 0);
	assert_int_equal(atomic_load(&fl.calls), 3);
}

static void test_outbox_gives_up_after_five_attempts(void **state)
{
	fx *f = *state;
	flaky fl = {.fail_first = -1};
	sms_adapter a = {"dead", flaky_send, &fl};
	enqueue(f, STAFF_PHONE, f->t0);
	int64_t now = f->t0;
	for (int i = 1; i <= OUTBOX_MAX_ATTEMPTS; i++) {
		assert_int_equal(qi(f, "SELECT COUNT(*) FROM outbox WHERE failed_at IS NULL", 0),
				 1);
		assert_int_equal(drain(f, &a, now), 0);
		assert_int_equal(atomic_load(&fl.calls), i);
		assert_int_equal(qi(f, "SELECT attempts FROM outbox", 0), i);
		now = qi(f, "SELECT next_attempt_at FROM outbox", 0);
	}
	assert_int_equal(qi(f, "SELECT failed_at FROM outbox", 0),
			 f->t0 + 1 * MIN + 5 * MIN + 30 * MIN + 120 * MIN);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"
			    " AND last_error LIKE 'dead: gateway down'",
			    0),
			 1);
	assert_int_equal(drain(f, &a, now + 100000 * MIN), 0);
	assert_int_equal(atomic_load(&fl.calls), OUTBOX_MAX_ATTEMPTS);
}

static void test_log_adapter_masks_the_phone_and_says_not_delivered(void **state)
{
	fx *f = *state;
	enqueue(f, STAFF_PHONE, f->t0);
	char path[] = "/tmp/yiwang-jobs-stderr-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	err e = {0};
	int rc = jobs_run_once(f->s, f->t0, &e);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char buf[4096] = {0};
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_true(n > 0);
	assert_non_null(strstr(buf, "138****1234"));
	assert_null(strstr(buf, STAFF_PHONE));
	assert_non_null(strstr(buf, "not delivered"));
	assert_int_equal(qi(f, "SELECT sent_at FROM outbox", 0), f->t0);
}

/* ---- PostgreSQL: one node per pass ---- */

static void test_pg_advisory_lock_lets_one_node_run_a_pass(void **state)
{
	fx *f = *state;
	if (!on_pg())
		skip();
	case_spec k = spec(f, 1, "dispatched");
	add_case(f, &k);
	/* Another node: its own store, its own connection, holding the lock. */
	store *other = NULL;
	err e = {0};
	assert_int_equal(store_open(f->d.url, false, &other, &e), 0);
	if (store_pooled(f->s)) {
		/* Behind a pooler: the other node holds the lease row instead (jobs.c). */
		exec_sql(other, "UPDATE job_leases SET holder = 'other',"
				" until_ms = CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000"
				" AS BIGINT) + 60000 WHERE name = 'scheduler'");
		assert_int_equal(pass(f, f->t0 + 100 * MIN), 0);
		assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 0);
		/* Its lease runs out: the next pass here takes it over. */
		exec_sql(other, "UPDATE job_leases SET until_ms = until_ms - 120000"
				" WHERE name = 'scheduler'");
		store_close(other);
		assert_int_equal(pass(f, f->t0 + 100 * MIN), 1);
		/* ...and let it go at the end. */
		assert_int_equal(qi(f,
				    "SELECT COUNT(*) FROM job_leases WHERE holder = ''"
				    " AND until_ms = 0 AND name = 'scheduler' AND 0 < ?",
				    1),
				 1);
		assert_int_equal(pass(f, f->t0 + 1000 * MIN), 1);
		return;
	}
	store_conn *oc = store_conn_get(other, &e);
	int64_t got = 0;
	assert_int_equal(store_query_int(oc, &got, 0, &e,
					 "SELECT CASE WHEN pg_try_advisory_lock(CAST(? AS BIGINT))"
					 " THEN 1 ELSE 0 END",
					 "i", (int64_t)JOBS_PG_LOCK_KEY),
			 0);
	assert_int_equal(got, 1);
	assert_int_equal(pass(f, f->t0 + 100 * MIN), 0);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 0);
	/* The other node's pass ends. (Closing its connection would release the lock too,
	 * but only once its backend has gone, a moment later.) */
	assert_int_equal(store_query_int(oc, &got, 0, &e,
					 "SELECT CASE WHEN pg_advisory_unlock(CAST(? AS BIGINT))"
					 " THEN 1 ELSE 0 END",
					 "i", (int64_t)JOBS_PG_LOCK_KEY),
			 0);
	assert_int_equal(got, 1);
	store_close(other);
	assert_int_equal(pass(f, f->t0 + 100 * MIN), 1);
	/* The pass let its own lock go: the next one runs too. */
	assert_int_equal(pass(f, f->t0 + 1000 * MIN), 1);
}

/* ---- the thread ---- */

static void test_scheduler_runs_at_start_and_stops_at_once(void **state)
{
	fx *f = *state;
	int64_t now = clock_now_ms();
	case_spec k = {.id = 1,
		       .status = "dispatched",
		       .dispatched = now - 120 * MIN,
		       .sign_due = now - 60 * MIN,
		       .finish_due = now + 1000 * MIN};
	add_case(f, &k);
	flaky fl = {.fail_first = 0};
	sms_adapter a = {"counting", flaky_send, &fl};
	jobs *j = NULL;
	err e = {0};
	sigset_t none;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	assert_int_equal(jobs_start_with(f->s, &a, 3600 * 1000, &j, &e), 0);
	/* The first pass runs at once: the overdue case is urged and its SMS sent. */
	for (int i = 0; i < 200 && atomic_load(&fl.calls) == 0; i++)
		nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
	assert_int_equal(atomic_load(&fl.calls), 1);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", 1), 2);
	/* SIGTERM stays for the server's main thread (sigwait there). */
	assert_int_equal(atomic_load(&fl.sigterm_blocked), 1);
	/* Stopping does not wait out the hour. */
	int64_t t = clock_mono_ns();
	jobs_stop(j);
	assert_true(clock_mono_ns() - t < 2000LL * 1000000LL);
	jobs_stop(NULL);
}

/* ---- the inbox ---- */

typedef struct note {
	int64_t unit, user, kase;
	const char *kind;
} note;

static int tx_notes(store_conn *c, void *ctx, err *e)
{
	for (const note *n = ctx; n->kind; n++)
		if (store_exec(c, e,
			       "INSERT INTO notifications (unit_id, user_id, case_id, kind, title,"
			       " body, created_at) VALUES (?, ?, ?, ?, '标题', '内容', ?)",
			       "nnnsi", n->unit, n->user, n->kase, n->kind, (int64_t)1000) < 0)
			return -1;
	return 0;
}

typedef struct mark {
	actor *who;
	int64_t id; /* 0: all */
} mark;

static int tx_mark(store_conn *c, void *ctx, err *e)
{
	mark *m = ctx;
	return m->id ? inbox_mark_read(c, m->who, m->id, 2000, e)
		     : inbox_mark_all_read(c, m->who, 2000, e);
}

static int mark_read(fx *f, actor *who, int64_t id, err *e)
{
	mark m = {who, id};
	return store_write(f->s, tx_mark, &m, e);
}

static void seed_inbox(fx *f, actor *who)
{
	case_spec k = spec(f, 1, "dispatched");
	add_case(f, &k);
	/* ids 1..5: the bureau's, someone else's unit, the user's own, another user's, the
	 * bureau's again. */
	note notes[] = {{BUREAU, 0, 1, "new_case"}, {COUNTY, 0, 1, "urge"},
			{0, STAFF, 0, "urge"},	    {0, LEADER, 0, "urge"},
			{BUREAU, 0, 0, "warning"},  {0}};
	err e = {0};
	if (store_write(f->s, tx_notes, notes, &e) < 0)
		fail_msg("notes: %s", e.message);
	memset(who, 0, sizeof *who);
	who->user_id = STAFF;
	who->unit_id = BUREAU;
}

static void test_inbox_lists_unit_and_own_newest_first(void **state)
{
	fx *f = *state;
	actor who;
	seed_inbox(f, &who);
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	json_t *items;
	int64_t total, unread;
	assert_int_equal(inbox_list(c, &who, false, 1, 20, &items, &total, &unread, &e), 0);
	assert_int_equal(total, 3);
	assert_int_equal(unread, 3);
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")), 3);
	json_t *first = json_array_get(items, 2);
	assert_int_equal(json_integer_value(json_object_get(first, "id")), 1);
	assert_string_equal(json_string_value(json_object_get(first, "kind")), "new_case");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(first, "case"), "number")),
		"FX20261127000001");
	assert_true(json_is_null(json_object_get(json_array_get(items, 1), "case")));
	assert_true(json_is_false(json_object_get(first, "read")));
	assert_non_null(strstr(json_string_value(json_object_get(first, "created_at")), "+08:00"));
	json_decref(items);

	assert_int_equal(mark_read(f, &who, 3, &e), 0);
	assert_int_equal(inbox_list(c, &who, true, 1, 20, &items, &total, &unread, &e), 0);
	assert_int_equal(total, 2);
	assert_int_equal(unread, 2);
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);
	assert_int_equal(inbox_list(c, &who, false, 2, 2, &items, &total, &unread, &e), 0);
	assert_int_equal(total, 3);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
}

static void test_inbox_read_only_in_own_inbox(void **state)
{
	fx *f = *state;
	actor who;
	seed_inbox(f, &who);
	err e = {0};
	assert_int_equal(mark_read(f, &who, 2, &e), -1); /* the county's */
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(mark_read(f, &who, 4, &e), -1); /* another user's */
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(mark_read(f, &who, 99, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(mark_read(f, &who, 1, &e), 0);
	assert_int_equal(mark_read(f, &who, 1, &e), 0); /* again: still fine */
	assert_int_equal(mark_read(f, &who, 0, &e), 0); /* all */
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM notifications WHERE read_at IS NULL", 0), 2);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM notifications WHERE read_at IS NULL"
			    " AND id IN (2, 4)",
			    0),
			 2);
}

/* ---- two nodes on one database: every SMS sent once ---- */

enum { NODE_MSGS = 120 };

typedef struct tally {
	atomic_int sent[NODE_MSGS];
} tally;

static int tally_send(void *ctx, const char *phone, const char *body, err *e)
{
	(void)body, (void)e;
	tally *t = ctx;
	int i = atoi(phone + 7); /* 1380000NNNN */
	if (i >= 0 && i < NODE_MSGS)
		atomic_fetch_add(&t->sent[i], 1);
	/* A gateway takes a moment: the other node's drain runs meanwhile. */
	nanosleep(&(struct timespec){0, 200 * 1000L}, NULL);
	return 0;
}

static int tx_enqueue_many(store_conn *c, void *ctx, err *e)
{
	int64_t now = *(const int64_t *)ctx;
	for (int i = 0; i < NODE_MSGS; i++) {
		char phone[24];
		snprintf(phone, sizeof phone, "1380000%04d", i);
		if (outbox_enqueue(c, "sms", phone, "催办", 0, now, e) < 0)
			return -1;
	}
	return 0;
}

typedef struct node {
	store *s;
	const sms_adapter *a;
	int64_t now;
	bool whole_pass; /* jobs_run_pass (with its lock) rather than outbox_drain alone */
	int rc;
	err e;
} node;

static void *node_main(void *arg)
{
	node *n = arg;
	for (int round = 0; round < 4; round++) {
		n->rc = n->whole_pass ? jobs_run_pass(n->s, n->a, n->now, &n->e)
				      : outbox_drain(n->s, n->a, n->now, NODE_MSGS, &n->e);
		if (n->rc < 0)
			break;
	}
	return NULL;
}

/* Two servers on one database (on PostgreSQL: two nodes of a cluster) drain the outbox
 * at the same moment, each with two threads: once through the scheduler's pass (one node
 * at a time under the advisory lock), once through outbox_drain alone, where only the
 * guarded claim stands between them. Either way each message goes out exactly once. */
static void test_two_nodes_send_every_sms_once(void **state)
{
	fx *f = *state;
	err e = {0};
	int64_t now = f->t0;
	if (store_write(f->s, tx_enqueue_many, &now, &e) < 0)
		fail_msg("enqueue: %s", e.message);
	store *other = NULL;
	assert_int_equal(store_open(f->d.url, false, &other, &e), 0);
	tally t = {0};
	sms_adapter a = {"tally", tally_send, &t};
	for (int whole = 0; whole < 2; whole++) {
		node nodes[4] = {{f->s, &a, now, whole, 0, {0}},
				 {other, &a, now, whole, 0, {0}},
				 {f->s, &a, now, whole, 0, {0}},
				 {other, &a, now, whole, 0, {0}}};
		pthread_t th[4];
		for (int i = 0; i < 4; i++)
			pthread_create(&th[i], NULL, node_main, &nodes[i]);
		for (int i = 0; i < 4; i++)
			pthread_join(th[i], NULL);
		for (int i = 0; i < 4; i++)
			if (nodes[i].rc < 0)
				fail_msg("node %d: %s", i, nodes[i].e.message);
		for (int i = 0; i < NODE_MSGS; i++) {
			if (atomic_load(&t.sent[i]) != 1)
				fail_msg("%s: message %d sent %d times",
					 whole ? "jobs_run_pass" : "outbox_drain", i,
					 atomic_load(&t.sent[i]));
			atomic_store(&t.sent[i], 0);
		}
		assert_int_equal(qi(f, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", 0), 0);
		if (!whole) { /* queue them all again for the second way */
			exec_sql(f->s, "DELETE FROM outbox");
			if (store_write(f->s, tx_enqueue_many, &now, &e) < 0)
				fail_msg("enqueue: %s", e.message);
		}
	}
	store_close(other);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	platforms_register();
	const struct CMUnitTest tests[] = {
		T(test_no_alert_before_80_percent_of_sign_deadline),
		T(test_sign_warning_at_80_percent_only_once),
		T(test_sign_overdue_urges_handler_and_superior),
		T(test_sign_overdue_without_warning_when_found_late),
		T(test_signed_case_gets_no_sign_alerts),
		T(test_closed_merged_and_returned_cases_get_nothing),
		T(test_finish_warning_then_overdue_urge),
		T(test_reopened_case_warned_at_80_percent_of_its_new_window),
		T(test_unsigned_case_gets_both_deadlines),
		T(test_replied_case_gets_no_finish_alerts),
		T(test_backlog_is_worked_through_in_batches),
		T(test_overdue_texts_active_unit_staff_with_a_phone),
		cmocka_unit_test(test_outbox_backoff_schedule),
		T(test_outbox_retries_with_backoff_until_sent),
		T(test_outbox_gives_up_after_five_attempts),
		T(test_log_adapter_masks_the_phone_and_says_not_delivered),
		T(test_pg_advisory_lock_lets_one_node_run_a_pass),
		T(test_two_nodes_send_every_sms_once),
		T(test_scheduler_runs_at_start_and_stops_at_once),
		T(test_inbox_lists_unit_and_own_newest_first),
		T(test_inbox_read_only_in_own_inbox),
	};
	return tu_run_both("jobs", tests, sizeof tests / sizeof tests[0]);
}
