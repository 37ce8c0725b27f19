/* Identity on SQLite and (with YIWANG_TEST_PG) on PostgreSQL: a password logs a user in and
 * the session token resolves to the user's roles and area; wrong passwords count towards a
 * lock, never beyond it; the transaction, not the password check before it, decides
 * whether a session opens; the caller's budget of failures is asked before a password is
 * checked; argon2id runs in a bounded number of slots; logout, a password change and
 * disabling end sessions; only hashes of tokens and API keys are stored; and the
 * hash-chained audit trail records all of it and notices edits and deletions. argon2id is
 * slow on purpose, so the two password hashes are made once. */
#include <ctype.h>
#include <pthread.h>

#include "testutil.h"

#include "org/actor.h"
#include "org/audit.h"
#include "org/auth.h"
#include "core/clock.h"
#include "org/unit.h"
#include "org/user.h"

#define PASSWORD "correct horse 一网"
#define NEW_PASSWORD "battery staple 2026"
#define USERNAME "zhang.san"
#define TTL_MS (8 * 3600 * 1000)

static char hash_old[256], hash_new[256];

typedef struct fx {
	tu_db d;
	store *s;
	actor sys;
	int64_t city, a, b, user, other; /* other: a user in county B */
	char a_path[SCOPE_PATH_MAX];
} fx;

/* Entries the fixture itself writes: three units and two users. */
enum { SETUP_ENTRIES = 5 };

static bool on_pg(void)
{
	return strcmp(tu_backend, "postgres") == 0;
}

/* ---- transaction bodies (they run on the writer thread: no assertions there) ---- */

static int tx_setup(store_conn *c, void *ctx, err *e)
{
	fx *f = ctx;
	unit_input city = {.name = "阜新市", .kind = "city"};
	if (unit_create(c, &f->sys, &city, &f->city, e) < 0)
		return -1;
	unit_input a = {.name = "海州区", .kind = "county", .parent_id = f->city};
	if (unit_create(c, &f->sys, &a, &f->a, e) < 0)
		return -1;
	unit_input b = {.name = "细河区", .kind = "county", .parent_id = f->city};
	if (unit_create(c, &f->sys, &b, &f->b, e) < 0)
		return -1;
	user_input u = {.username = USERNAME,
			.display_name = "张三",
			.password_hash = hash_old,
			.unit_id = f->a,
			.roles = ROLE_AGENT | ROLE_MEDIATOR,
			.phone = "13812341234"};
	if (user_create(c, &f->sys, &u, &f->user, e) < 0)
		return -1;
	user_input o = {.username = "li.si",
			.display_name = "李四",
			.password_hash = hash_old,
			.unit_id = f->b,
			.roles = ROLE_GRID_MEMBER};
	return user_create(c, &f->sys, &o, &f->other, e);
}

typedef struct user_ctx {
	const actor *who;
	int64_t id;
	user_patch patch;
	const char *hash, *keep_token;
} user_ctx;

static int tx_user_update(store_conn *c, void *ctx, err *e)
{
	user_ctx *x = ctx;
	return user_update(c, x->who, x->id, &x->patch, e);
}

static int tx_set_password(store_conn *c, void *ctx, err *e)
{
	user_ctx *x = ctx;
	return user_set_password(c, x->who, x->id, x->hash, x->keep_token, e);
}

static int tx_unlock(store_conn *c, void *ctx, err *e)
{
	user_ctx *x = ctx;
	return user_unlock(c, x->who, x->id, e);
}

/* ctx is one SQL statement without parameters. */
static int tx_exec_sql(store_conn *c, void *ctx, err *e)
{
	return store_exec(c, e, ctx, NULL) < 0 ? -1 : 0;
}

/* ---- fixture ---- */

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	actor_system(&f->sys, "test");
	err e = {0};
	if (store_write(f->s, tx_setup, f, &e) < 0)
		fail_msg("fixture: %s (%s)", e.message, e.code);
	if (unit_path(tu_conn(f->s), f->a, f->a_path, sizeof f->a_path, &e) < 0)
		fail_msg("unit_path: %s", e.message);
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

static int login(fx *f, const char *password, char token[64], err *e)
{
	int64_t uid = 0, exp = 0;
	token[0] = '\0';
	return auth_login(f->s, USERNAME, password, "10.0.0.7", TTL_MS, token, 64, &uid, &exp, e);
}

static void login_ok(fx *f, const char *password, char token[64])
{
	err e = {0};
	if (login(f, password, token, &e) < 0)
		fail_msg("login: %s (%s)", e.message, e.code);
}

static int64_t user_int(fx *f, const char *column)
{
	char *sql = xasprintf("SELECT %s FROM users WHERE id = ?", column);
	int64_t v = -1;
	err e = {0};
	int rc = store_query_int(tu_conn(f->s), &v, -1, &e, sql, "i", f->user);
	free(sql);
	if (rc < 0)
		fail_msg("%s: %s", column, e.message);
	return v;
}

static int64_t count(fx *f, const char *sql)
{
	int64_t v = -1;
	err e = {0};
	if (store_query_int(tu_conn(f->s), &v, -1, &e, sql, NULL) < 0)
		fail_msg("%s: %s", sql, e.message);
	return v;
}

static void write_ok(fx *f, store_tx_fn fn, void *ctx)
{
	err e = {0};
	if (store_write(f->s, fn, ctx, &e) < 0)
		fail_msg("write: %s (%s)", e.message, e.code);
}

static void assert_resolves(fx *f, const char *token)
{
	actor a;
	err e = {0};
	if (auth_resolve(f->s, token, &a, &e) < 0)
		fail_msg("token no longer resolves: %s", e.message);
	assert_int_equal(a.user_id, f->user);
}

static void assert_rejected(fx *f, const char *token)
{
	actor a;
	err e = {0};
	assert_int_equal(auth_resolve(f->s, token, &a, &e), -1);
	assert_int_equal(e.kind, ERR_UNAUTHORIZED);
}

/* ---- login and sessions ---- */

static void test_login_resolves_to_actor_with_roles_and_area(void **state)
{
	fx *f = *state;
	char token[64];
	int64_t uid = 0, exp = 0;
	err e = {0};
	int64_t t0 = clock_now_ms();
	assert_int_equal(auth_login(f->s, USERNAME, PASSWORD, "10.0.0.7", TTL_MS, token,
				    sizeof token, &uid, &exp, &e),
			 0);
	assert_int_equal(uid, f->user);
	assert_true(exp >= t0 + TTL_MS && exp <= clock_now_ms() + TTL_MS);
	actor a;
	assert_int_equal(auth_resolve(f->s, token, &a, &e), 0);
	assert_int_equal(a.user_id, f->user);
	assert_string_equal(a.username, USERNAME);
	assert_int_equal(a.unit_id, f->a);
	assert_string_equal(a.unit_path, f->a_path);
	assert_int_equal(a.roles, ROLE_AGENT | ROLE_MEDIATOR);
	assert_true(actor_has(&a, ROLE_MEDIATOR));
	assert_false(actor_has(&a, ROLE_ADMIN));
	assert_true(user_int(f, "last_login_at") >= t0);
}

static void test_token_is_43_char_base64url_stored_only_as_hash(void **state)
{
	fx *f = *state;
	char t1[64], t2[64];
	login_ok(f, PASSWORD, t1);
	login_ok(f, PASSWORD, t2);
	assert_int_equal(strlen(t1), 43);
	for (const char *p = t1; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
			fail_msg("token holds '%c': %s", *p, t1);
	assert_string_not_equal(t1, t2);

	store_stmt *st = store_prepare(tu_conn(f->s),
				       "SELECT token_hash, COALESCE(ip, '') FROM sessions", NULL);
	assert_non_null(st);
	int rows = 0, rc;
	char h1[65], h2[65];
	auth_hash_hex(t1, h1);
	auth_hash_hex(t2, h2);
	err e = {0};
	bool saw1 = false, saw2 = false;
	while ((rc = store_step(st, &e)) == 1) {
		rows++;
		const char *h = store_col_text(st, 0);
		assert_int_equal(strlen(h), 64);
		assert_null(strstr(h, t1));
		assert_null(strstr(h, t2));
		assert_null(strstr(store_col_text(st, 1), t1));
		saw1 |= strcmp(h, h1) == 0;
		saw2 |= strcmp(h, h2) == 0;
	}
	store_done(st);
	assert_int_equal(rc, 0);
	assert_int_equal(rows, 2);
	assert_true(saw1 && saw2);
	/* Nothing else in the database holds the token either. */
	char *sql = xasprintf("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%%%s%%'", t1);
	assert_int_equal(count(f, sql), 0);
	free(sql);
}

static void test_resolve_rejects_unknown_malformed_and_expired(void **state)
{
	fx *f = *state;
	assert_rejected(f, NULL);
	assert_rejected(f, "");
	assert_rejected(f, "short");
	assert_rejected(f, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); /* 43, never issued */
	char token[64];
	login_ok(f, PASSWORD, token);
	char longer[80];
	snprintf(longer, sizeof longer, "%sx", token);
	assert_rejected(f, longer);
	/* Its hash is not a token. */
	char h[65];
	auth_hash_hex(token, h);
	assert_rejected(f, h);
	/* A session past its expiry is over. */
	int64_t uid, exp;
	err e = {0};
	assert_int_equal(
		auth_login(f->s, USERNAME, PASSWORD, "10.0.0.7", -1000, token, 64, &uid, &exp, &e),
		0);
	assert_rejected(f, token);
}

typedef struct dept_ctx {
	fx *f;
	/* under the city, county A, the bureau, the section and the team */
	int64_t hotline, bureau, section, team, desk;
	int64_t agent, mediator, leader, staff, agent_team, agent_desk;
} dept_ctx;

static int tx_departments(store_conn *c, void *ctx, err *e)
{
	dept_ctx *x = ctx;
	fx *f = x->f;
	unit_input hotline = {.name = "12345热线中心", .kind = "department", .parent_id = f->city};
	unit_input bureau = {.name = "民政局", .kind = "department", .parent_id = f->a};
	if (unit_create(c, &f->sys, &hotline, &x->hotline, e) < 0 ||
	    unit_create(c, &f->sys, &bureau, &x->bureau, e) < 0)
		return -1;
	unit_input section = {.name = "救助科", .kind = "department", .parent_id = x->bureau};
	if (unit_create(c, &f->sys, &section, &x->section, e) < 0)
		return -1;
	unit_input team = {.name = "低保组", .kind = "department", .parent_id = x->section};
	if (unit_create(c, &f->sys, &team, &x->team, e) < 0)
		return -1;
	unit_input desk = {.name = "受理台", .kind = "department", .parent_id = x->team};
	if (unit_create(c, &f->sys, &desk, &x->desk, e) < 0)
		return -1;
	const struct {
		const char *name;
		int64_t unit;
		unsigned roles;
		int64_t *id;
	} users[] = {
		{"agent.sec", x->section, ROLE_AGENT | ROLE_GRID_MEMBER, &x->agent},
		{"mediator.sec", x->section, ROLE_MEDIATOR, &x->mediator},
		{"leader.city", x->hotline, ROLE_LEADER, &x->leader},
		{"staff.bureau", x->bureau, ROLE_CONGRESS_STAFF, &x->staff},
		{"agent.team", x->team, ROLE_AGENT, &x->agent_team},
		{"agent.desk", x->desk, ROLE_AGENT, &x->agent_desk},
	};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
		user_input u = {.username = users[i].name,
				.display_name = users[i].name,
				.password_hash = hash_old,
				.unit_id = users[i].unit,
				.roles = users[i].roles};
		if (user_create(c, &f->sys, &u, users[i].id, e) < 0)
			return -1;
	}
	return 0;
}

static void resolve_user(fx *f, const char *username, actor *a)
{
	char token[64];
	int64_t uid, exp;
	err e = {0};
	if (auth_login(f->s, username, PASSWORD, "10.0.0.8", TTL_MS, token, sizeof token, &uid,
		       &exp, &e) < 0 ||
	    auth_resolve(f->s, token, a, &e) < 0)
		fail_msg("%s: %s", username, e.message);
}

/* Agents, leaders and congress staff placed in a department work for the region the
 * department serves; everyone else in a department keeps the department's own area. */
static void test_department_agent_gets_area_of_region_served(void **state)
{
	fx *f = *state;
	dept_ctx x = {.f = f};
	write_ok(f, tx_departments, &x);
	char city[SCOPE_PATH_MAX], section[SCOPE_PATH_MAX];
	err e = {0};
	assert_int_equal(unit_path(tu_conn(f->s), f->city, city, sizeof city, &e), 0);
	assert_int_equal(unit_path(tu_conn(f->s), x.section, section, sizeof section, &e), 0);
	actor a;
	/* Two departments deep under county A: the county. */
	resolve_user(f, "agent.sec", &a);
	assert_int_equal(a.unit_id, x.section);
	assert_string_equal(a.unit_path, f->a_path);
	resolve_user(f, "staff.bureau", &a);
	assert_string_equal(a.unit_path, f->a_path);
	/* Three and four departments deep (the second beyond what the login's statement
	 * looks at): still the county. */
	resolve_user(f, "agent.team", &a);
	assert_int_equal(a.unit_id, x.team);
	assert_string_equal(a.unit_path, f->a_path);
	resolve_user(f, "agent.desk", &a);
	assert_int_equal(a.unit_id, x.desk);
	assert_string_equal(a.unit_path, f->a_path);
	/* Under the city: the whole city. */
	resolve_user(f, "leader.city", &a);
	assert_string_equal(a.unit_path, city);
	/* A mediator in the same section keeps the section. */
	resolve_user(f, "mediator.sec", &a);
	assert_int_equal(a.unit_id, x.section);
	assert_string_equal(a.unit_path, section);
}

static void test_wrong_password_is_unauthorized(void **state)
{
	fx *f = *state;
	char token[64];
	err e = {0};
	assert_int_equal(login(f, "correct horse", token, &e), -1);
	assert_int_equal(e.kind, ERR_UNAUTHORIZED);
	assert_string_equal(e.code, "invalid_credentials");
	assert_string_equal(token, "");
	assert_int_equal(user_int(f, "failed_logins"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);
	/* An unknown user gets the same answer. */
	int64_t uid, exp;
	err e2 = {0};
	assert_int_equal(auth_login(f->s, "nobody", PASSWORD, "10.0.0.7", TTL_MS, token, 64, &uid,
				    &exp, &e2),
			 -1);
	assert_int_equal(e2.kind, ERR_UNAUTHORIZED);
	assert_string_equal(e2.code, e.code);
	assert_string_equal(e2.message, e.message);
}

static void test_five_failures_lock_even_right_password(void **state)
{
	fx *f = *state;
	char token[64];
	err e = {0};
	for (int i = 1; i < AUTH_MAX_FAILURES; i++) {
		assert_int_equal(login(f, "wrong", token, &e), -1);
		assert_int_equal(e.kind, ERR_UNAUTHORIZED);
	}
	assert_int_equal(login(f, "wrong", token, &e), -1);
	assert_int_equal(e.kind, ERR_LOCKED);
	assert_string_equal(e.code, "account_locked");
	assert_int_equal(user_int(f, "failed_logins"), AUTH_MAX_FAILURES);
	int64_t until = user_int(f, "locked_until");
	assert_true(until > clock_now_ms() + AUTH_LOCK_MS - 60000);
	/* The right password does not open a locked account. */
	assert_int_equal(login(f, PASSWORD, token, &e), -1);
	assert_int_equal(e.kind, ERR_LOCKED);
	assert_string_equal(token, "");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);
	/* The lock is in the audit trail. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_locked'"),
			 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'"),
			 AUTH_MAX_FAILURES - 1);
}

static void test_unlock_clears_lock(void **state)
{
	fx *f = *state;
	char token[64];
	err e = {0};
	for (int i = 0; i < AUTH_MAX_FAILURES; i++)
		assert_int_equal(login(f, "wrong", token, &e), -1);
	assert_int_equal(e.kind, ERR_LOCKED);
	user_ctx x = {.who = &f->sys, .id = f->user};
	write_ok(f, tx_unlock, &x);
	assert_int_equal(user_int(f, "failed_logins"), 0);
	assert_int_equal(user_int(f, "locked_until"), 0);
	login_ok(f, PASSWORD, token);
	assert_resolves(f, token);
}

static void test_lock_ends_when_its_time_is_up(void **state)
{
	fx *f = *state;
	char token[64];
	err e = {0};
	for (int i = 0; i < AUTH_MAX_FAILURES; i++)
		assert_int_equal(login(f, "wrong", token, &e), -1);
	assert_int_equal(login(f, PASSWORD, token, &e), -1);
	assert_int_equal(e.kind, ERR_LOCKED);
	/* Fifteen minutes later (the lock's end moved into the past). */
	char *sql = xasprintf("UPDATE users SET locked_until = %lld WHERE id = %lld",
			      (long long)(clock_now_ms() - 1), (long long)f->user);
	write_ok(f, tx_exec_sql, sql);
	free(sql);
	login_ok(f, PASSWORD, token);
	assert_int_equal(user_int(f, "failed_logins"), 0);
}

static void test_successful_login_resets_failure_count(void **state)
{
	fx *f = *state;
	char token[64];
	err e = {0};
	for (int i = 0; i < AUTH_MAX_FAILURES - 1; i++)
		assert_int_equal(login(f, "wrong", token, &e), -1);
	login_ok(f, PASSWORD, token);
	assert_int_equal(user_int(f, "failed_logins"), 0);
	/* Four more failures are again short of the lock. */
	for (int i = 0; i < AUTH_MAX_FAILURES - 1; i++) {
		assert_int_equal(login(f, "wrong", token, &e), -1);
		assert_int_equal(e.kind, ERR_UNAUTHORIZED);
	}
	assert_int_equal(user_int(f, "locked_until"), 0);
}

/* ---- the transaction decides: a login's two halves with a change between them ---- */

static void check_ok(fx *f, const char *password, auth_attempt *a)
{
	err e = {0};
	if (auth_login_check(f->s, USERNAME, password, "10.0.0.7", NULL, a, &e) < 0)
		fail_msg("check: %s (%s)", e.message, e.code);
	assert_true(a->checked);
}

static int commit(fx *f, const auth_attempt *a, char token[64], err *e)
{
	int64_t uid = 0, exp = 0;
	token[0] = '\0';
	return auth_login_commit(f->s, a, TTL_MS, token, 64, &uid, &exp, e);
}

static int64_t audit_count(fx *f, const char *action)
{
	char *sql = xasprintf("SELECT COUNT(*) FROM audit_log WHERE action = '%s'", action);
	int64_t n = count(f, sql);
	free(sql);
	return n;
}

static void test_login_refused_when_password_reset_after_check(void **state)
{
	fx *f = *state;
	auth_attempt a;
	check_ok(f, PASSWORD, &a);
	assert_true(a.match);
	/* The password is reset between the check and the transaction. */
	user_ctx x = {.who = &f->sys, .id = f->user, .hash = hash_new};
	write_ok(f, tx_set_password, &x);
	char token[64];
	err e = {0};
	assert_int_equal(commit(f, &a, token, &e), -1);
	assert_int_equal(e.kind, ERR_UNAUTHORIZED);
	assert_string_equal(e.code, "invalid_credentials");
	assert_string_equal(token, "");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);
	assert_int_equal(audit_count(f, "login_stale"), 1);
	/* Not the user's fault: no failure counted. */
	assert_int_equal(user_int(f, "failed_logins"), 0);
	login_ok(f, NEW_PASSWORD, token);
}

static void test_login_refused_when_disabled_after_check(void **state)
{
	fx *f = *state;
	auth_attempt a;
	check_ok(f, PASSWORD, &a);
	user_ctx x = {.who = &f->sys, .id = f->user, .patch = {.disabled = 1}};
	write_ok(f, tx_user_update, &x);
	char token[64];
	err e = {0};
	assert_int_equal(commit(f, &a, token, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	assert_string_equal(e.code, "account_disabled");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);
}

static void test_login_refused_when_locked_after_check(void **state)
{
	fx *f = *state;
	auth_attempt a;
	check_ok(f, PASSWORD, &a);
	char *sql = xasprintf("UPDATE users SET locked_until = %lld WHERE id = %lld",
			      (long long)(clock_now_ms() + AUTH_LOCK_MS), (long long)f->user);
	write_ok(f, tx_exec_sql, sql);
	free(sql);
	char token[64];
	err e = {0};
	assert_int_equal(commit(f, &a, token, &e), -1);
	assert_int_equal(e.kind, ERR_LOCKED);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);
}

/* Attempts checked at the same time, each while the account was still open, are counted
 * one after the other in their transactions: none beyond the limit. */
static void test_overlapping_failures_never_count_beyond_the_limit(void **state)
{
	fx *f = *state;
	char token[64];
	err e = {0};
	for (int i = 1; i < AUTH_MAX_FAILURES; i++)
		assert_int_equal(login(f, "wrong", token, &e), -1);
	auth_attempt a[3];
	for (int i = 0; i < 3; i++) {
		check_ok(f, "wrong", &a[i]);
		assert_false(a[i].match);
	}
	assert_int_equal(commit(f, &a[0], token, &e), -1);
	assert_int_equal(e.kind, ERR_LOCKED);
	for (int i = 1; i < 3; i++) {
		assert_int_equal(commit(f, &a[i], token, &e), -1);
		assert_int_equal(e.kind, ERR_LOCKED);
	}
	assert_int_equal(user_int(f, "failed_logins"), AUTH_MAX_FAILURES);
	assert_int_equal(audit_count(f, "login_failed"), AUTH_MAX_FAILURES - 1);
	assert_int_equal(audit_count(f, "login_locked"), 1);
	assert_int_equal(audit_count(f, "login_while_locked"), 2);
}

/* ---- the caller's budget of failed attempts ---- */

typedef struct budget_ctx {
	bool allow;
	int asked;
} budget_ctx;

static bool budget_take(void *p)
{
	budget_ctx *b = p;
	b->asked++;
	return b->allow;
}

static void test_budget_refusal_checks_no_password_and_counts_nothing(void **state)
{
	fx *f = *state;
	budget_ctx b = {.allow = false};
	auth_budget budget = {budget_take, &b};
	auth_attempt a;
	err e = {0};
	assert_int_equal(auth_login_check(f->s, USERNAME, "wrong", "10.0.0.7", &budget, &a, &e),
			 -1);
	assert_int_equal(e.kind, ERR_RATE_LIMITED);
	assert_string_equal(e.code, "rate_limited");
	assert_int_equal(b.asked, 1);
	assert_int_equal(user_int(f, "failed_logins"), 0);
	/* Unknown usernames are guesses too. */
	assert_int_equal(auth_login_check(f->s, "nobody", "wrong", "10.0.0.7", &budget, &a, &e),
			 -1);
	assert_int_equal(b.asked, 2);
	/* A locked account is refused without a check, so the budget is not asked. */
	char *sql = xasprintf("UPDATE users SET locked_until = %lld WHERE id = %lld",
			      (long long)(clock_now_ms() + AUTH_LOCK_MS), (long long)f->user);
	write_ok(f, tx_exec_sql, sql);
	free(sql);
	assert_int_equal(auth_login_check(f->s, USERNAME, PASSWORD, "10.0.0.7", &budget, &a, &e),
			 0);
	assert_false(a.checked);
	assert_int_equal(b.asked, 2);
}

/* ---- the argon2id gate ---- */

typedef struct holder {
	fx *f;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool holding, release;
	int rc;
} holder;

/* A budget that holds the gate's slot (it is asked with the slot held) until released. */
static bool hold_slot(void *p)
{
	holder *h = p;
	pthread_mutex_lock(&h->mu);
	h->holding = true;
	pthread_cond_broadcast(&h->cv);
	while (!h->release)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
	return true;
}

static void *hold_thread(void *p)
{
	holder *h = p;
	auth_budget budget = {hold_slot, h};
	auth_attempt a;
	err e = {0};
	h->rc = auth_login_check(h->f->s, USERNAME, PASSWORD, "10.0.0.9", &budget, &a, &e);
	return NULL;
}

static void test_hash_gate_bounds_concurrent_hashes_then_busy(void **state)
{
	fx *f = *state;
	auth_hash_limit(1, 50);
	holder h = {.f = f};
	pthread_mutex_init(&h.mu, NULL);
	pthread_cond_init(&h.cv, NULL);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, hold_thread, &h), 0);
	pthread_mutex_lock(&h.mu);
	while (!h.holding)
		pthread_cond_wait(&h.cv, &h.mu);
	pthread_mutex_unlock(&h.mu);
	/* The one slot is taken: a hash waits 50 ms, then is told the server is busy. */
	char hash[256];
	err e = {0};
	int64_t t0 = clock_now_ms();
	assert_int_equal(auth_hash_password("some password", hash, sizeof hash, &e), -1);
	assert_true(clock_now_ms() - t0 >= 45);
	assert_int_equal(e.kind, ERR_UNAVAILABLE);
	assert_string_equal(e.code, "busy");
	bool match;
	assert_int_equal(auth_verify_password(hash_old, PASSWORD, &match, &e), -1);
	assert_int_equal(e.kind, ERR_UNAVAILABLE);
	/* Released, the slot serves again. */
	pthread_mutex_lock(&h.mu);
	h.release = true;
	pthread_cond_broadcast(&h.cv);
	pthread_mutex_unlock(&h.mu);
	pthread_join(t, NULL);
	assert_int_equal(h.rc, 0);
	assert_int_equal(auth_verify_password(hash_old, PASSWORD, &match, &e), 0);
	assert_true(match);
	auth_hash_limit(2, AUTH_HASH_WAIT_MS);
	pthread_cond_destroy(&h.cv);
	pthread_mutex_destroy(&h.mu);
}

static void test_logout_ends_only_that_session(void **state)
{
	fx *f = *state;
	char t1[64], t2[64];
	login_ok(f, PASSWORD, t1);
	login_ok(f, PASSWORD, t2);
	actor a;
	err e = {0};
	assert_int_equal(auth_resolve(f->s, t1, &a, &e), 0);
	assert_int_equal(auth_logout(f->s, &a, t1, &e), 0);
	assert_rejected(f, t1);
	assert_resolves(f, t2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL"), 1);
	/* Logging out twice is harmless. */
	assert_int_equal(auth_logout(f->s, &a, t1, &e), 0);
	assert_rejected(f, t1);
}

static void test_disabled_user_cannot_resolve_or_log_in(void **state)
{
	fx *f = *state;
	char t1[64], t2[64];
	login_ok(f, PASSWORD, t1);
	user_ctx x = {.who = &f->sys, .id = f->user, .patch = {.disabled = 1}};
	write_ok(f, tx_user_update, &x);
	assert_int_equal(user_int(f, "disabled"), 1);
	assert_rejected(f, t1);
	err e = {0};
	assert_int_equal(login(f, PASSWORD, t2, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	assert_string_equal(e.code, "account_disabled");
	/* Enabled again, the old session stays over; a new login works. */
	x.patch.disabled = 0;
	write_ok(f, tx_user_update, &x);
	assert_rejected(f, t1);
	login_ok(f, PASSWORD, t2);
	assert_resolves(f, t2);
}

static void test_resolve_checks_disabled_flag_itself(void **state)
{
	fx *f = *state;
	char token[64];
	login_ok(f, PASSWORD, token);
	/* Disabled behind the sessions' back: the flag alone must stop the token. */
	char *sql = xasprintf("UPDATE users SET disabled = 1 WHERE id = %lld", (long long)f->user);
	write_ok(f, tx_exec_sql, sql);
	free(sql);
	assert_rejected(f, token);
}

static void test_set_password_ends_other_sessions_keeps_own(void **state)
{
	fx *f = *state;
	char t1[64], t2[64], t3[64];
	login_ok(f, PASSWORD, t1);
	login_ok(f, PASSWORD, t2);
	actor me;
	err e = {0};
	assert_int_equal(auth_resolve(f->s, t1, &me, &e), 0);
	user_ctx x = {.who = &f->sys, .id = f->user, .hash = hash_new, .keep_token = t1};
	write_ok(f, tx_set_password, &x);
	assert_resolves(f, t1);
	assert_rejected(f, t2);
	/* The old password is gone, the new one works. */
	assert_int_equal(login(f, PASSWORD, t3, &e), -1);
	assert_int_equal(e.kind, ERR_UNAUTHORIZED);
	login_ok(f, NEW_PASSWORD, t3);
	/* Without a token to keep, every session ends. */
	x.hash = hash_old;
	x.keep_token = NULL;
	write_ok(f, tx_set_password, &x);
	assert_rejected(f, t1);
	assert_rejected(f, t3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL"), 0);
}

static void test_set_password_clears_lock(void **state)
{
	fx *f = *state;
	char token[64];
	err e = {0};
	for (int i = 0; i < AUTH_MAX_FAILURES; i++)
		assert_int_equal(login(f, "wrong", token, &e), -1);
	user_ctx x = {.who = &f->sys, .id = f->user, .hash = hash_new};
	write_ok(f, tx_set_password, &x);
	login_ok(f, NEW_PASSWORD, token);
}

static void test_admin_acts_only_on_users_in_area(void **state)
{
	fx *f = *state;
	actor admin_a = {.user_id = 999, .unit_id = f->a, .roles = ROLE_ADMIN};
	snprintf(admin_a.username, sizeof admin_a.username, "admin.a");
	snprintf(admin_a.unit_path, sizeof admin_a.unit_path, "%s", f->a_path);
	snprintf(admin_a.admin_path, sizeof admin_a.admin_path, "%s", f->a_path);
	err e = {0};
	user_ctx x = {.who = &admin_a, .id = f->other, .hash = hash_new};
	assert_int_equal(store_write(f->s, tx_unlock, &x, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(store_write(f->s, tx_set_password, &x, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	x.patch = (user_patch){.disabled = 1};
	assert_int_equal(store_write(f->s, tx_user_update, &x, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	/* Within the area it works. */
	x.id = f->user;
	write_ok(f, tx_unlock, &x);
}

/* ---- API keys ---- */

static void test_apikey_create_check_revoke(void **state)
{
	fx *f = *state;
	char key[64], name[64];
	int64_t id = 0, got = 0;
	err e = {0};
	assert_int_equal(
		auth_apikey_create(f->s, &f->sys, "12345 热线平台", key, sizeof key, &id, &e), 0);
	assert_true(id > 0);
	assert_int_equal(strlen(key), 43);
	assert_int_equal(auth_apikey_check(f->s, key, &got, name, sizeof name, &e), 0);
	assert_int_equal(got, id);
	assert_string_equal(name, "12345 热线平台");

	/* The list shows the prefix, never the secret; the database holds only a hash. */
	json_t *items = NULL;
	assert_int_equal(auth_apikey_list(f->s, &items, &e), 0);
	assert_int_equal(json_array_size(items), 1);
	json_t *k = json_array_get(items, 0);
	char prefix[9];
	snprintf(prefix, sizeof prefix, "%.8s", key);
	assert_string_equal(json_string_value(json_object_get(k, "prefix")), prefix);
	assert_true(json_is_null(json_object_get(k, "revoked_at")));
	char *dump = json_dumps(items, 0);
	assert_null(strstr(dump, key));
	free(dump);
	json_decref(items);
	char *sql = xasprintf("SELECT COUNT(*) FROM api_keys WHERE key_hash LIKE '%%%s%%'"
			      " OR name LIKE '%%%s%%'",
			      key, key);
	assert_int_equal(count(f, sql), 0);
	free(sql);

	/* Wrong keys. */
	char wrong[64];
	snprintf(wrong, sizeof wrong, "%s", key);
	wrong[20] = wrong[20] == 'A' ? 'B' : 'A';
	assert_int_equal(auth_apikey_check(f->s, wrong, &got, name, sizeof name, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	assert_int_equal(auth_apikey_check(f->s, "", &got, name, sizeof name, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	assert_int_equal(auth_apikey_check(f->s, NULL, &got, name, sizeof name, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);

	/* Revoked, the key stops working; revoking again finds nothing to revoke. */
	assert_int_equal(auth_apikey_revoke(f->s, &f->sys, id, &e), 0);
	assert_int_equal(auth_apikey_check(f->s, key, &got, name, sizeof name, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	assert_int_equal(auth_apikey_revoke(f->s, &f->sys, id, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(auth_apikey_revoke(f->s, &f->sys, id + 100, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	assert_int_equal(auth_apikey_list(f->s, &items, &e), 0);
	assert_false(json_is_null(json_object_get(json_array_get(items, 0), "revoked_at")));
	json_decref(items);

	/* A second key is independent of the first. */
	char key2[64];
	int64_t id2;
	assert_int_equal(auth_apikey_create(f->s, &f->sys, "乙", key2, sizeof key2, &id2, &e), 0);
	assert_string_not_equal(key, key2);
	assert_int_equal(auth_apikey_check(f->s, key2, &got, name, sizeof name, &e), 0);
	assert_int_equal(got, id2);
	/* A name is required. */
	assert_int_equal(auth_apikey_create(f->s, &f->sys, "", key2, sizeof key2, &id2, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
}

/* ---- audit ---- */

/* A fixed history on top of the fixture's: seven more entries. */
static void make_history(fx *f)
{
	char t1[64], t2[64], key[64];
	err e = {0};
	login_ok(f, PASSWORD, t1);			 /* login */
	assert_int_equal(login(f, "wrong", t2, &e), -1); /* login_failed */
	actor me;
	assert_int_equal(auth_resolve(f->s, t1, &me, &e), 0);
	assert_int_equal(auth_logout(f->s, &me, t1, &e), 0); /* logout */
	int64_t kid;
	assert_int_equal(auth_apikey_create(f->s, &f->sys, "甲", key, sizeof key, &kid, &e),
			 0);						 /* apikey_create */
	assert_int_equal(auth_apikey_revoke(f->s, &f->sys, kid, &e), 0); /* apikey_revoke */
	user_ctx x = {
		.who = &f->sys, .id = f->user, .patch = {.display_name = "张三丰", .disabled = -1}};
	write_ok(f, tx_user_update, &x); /* user_update */
	write_ok(f, tx_unlock, &x);	 /* user_unlock */
}

enum { HISTORY_ENTRIES = 7 };

static void test_audit_records_every_action_and_verifies(void **state)
{
	fx *f = *state;
	audit_report rep;
	err e = {0};
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
	assert_int_equal(rep.entries, SETUP_ENTRIES);
	make_history(f);
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
	assert_int_equal(rep.entries, SETUP_ENTRIES + HISTORY_ENTRIES);
	assert_int_equal(rep.bad_seq, 0);
	assert_int_equal(count(f, "SELECT seq FROM audit_head"), SETUP_ENTRIES + HISTORY_ENTRIES);

	const char *want[] = {"unit_create",   "unit_create",	"unit_create",	"user_create",
			      "user_create",   "login",		"login_failed", "logout",
			      "apikey_create", "apikey_revoke", "user_update",	"user_unlock"};
	store_stmt *st = store_prepare(tu_conn(f->s),
				       "SELECT seq, action, actor_id, ip FROM audit_log"
				       " ORDER BY seq",
				       &e);
	assert_non_null(st);
	int i = 0, rc;
	while ((rc = store_step(st, &e)) == 1) {
		assert_true(i < (int)(sizeof want / sizeof want[0]));
		assert_int_equal(store_col_int(st, 0), i + 1);
		if (strcmp(store_col_text(st, 1), want[i]) != 0)
			fail_msg("entry %d is %s, not %s", i + 1, store_col_text(st, 1), want[i]);
		if (strcmp(want[i], "login") == 0) {
			assert_int_equal(store_col_int(st, 2), f->user);
			assert_string_equal(store_col_text(st, 3), "10.0.0.7");
		}
		i++;
	}
	store_done(st);
	assert_int_equal(rc, 0);
	assert_int_equal(i, SETUP_ENTRIES + HISTORY_ENTRIES);
}

static void test_audit_log_refuses_update_and_delete(void **state)
{
	fx *f = *state;
	err e = {0};
	store_conn *c = tu_conn(f->s);
	assert_int_equal(
		store_exec_script(c, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", &e),
		-1);
	assert_int_equal(store_exec_script(c, "DELETE FROM audit_log WHERE seq = 5", &e), -1);
	if (on_pg())
		assert_int_equal(store_exec_script(c, "TRUNCATE audit_log", &e), -1);
	audit_report rep;
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
	assert_int_equal(rep.entries, SETUP_ENTRIES);
}

/* Switches off the append-only triggers, as someone with the database's owner rights could. */
static void disable_audit_guard(fx *f)
{
	err e = {0};
	const char *sql =
		on_pg() ? "ALTER TABLE audit_log DISABLE TRIGGER USER"
			: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete";
	if (store_exec_script(tu_conn(f->s), sql, &e) < 0)
		fail_msg("%s: %s", sql, e.message);
}

static void tamper(fx *f, const char *sql)
{
	err e = {0};
	if (store_exec_script(tu_conn(f->s), sql, &e) < 0)
		fail_msg("%s: %s", sql, e.message);
}

static void test_audit_detects_edited_row(void **state)
{
	fx *f = *state;
	make_history(f);
	disable_audit_guard(f);
	tamper(f, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 7");
	audit_report rep;
	err e = {0};
	assert_int_equal(audit_verify(f->s, &rep, &e), 1);
	assert_int_equal(rep.bad_seq, 7);
	assert_string_not_equal(rep.problem, "");
}

static void test_audit_detects_edited_detail_and_time(void **state)
{
	fx *f = *state;
	make_history(f);
	disable_audit_guard(f);
	tamper(f, "UPDATE audit_log SET detail = '{\"failures\":0}' WHERE seq = 7");
	audit_report rep;
	err e = {0};
	assert_int_equal(audit_verify(f->s, &rep, &e), 1);
	assert_int_equal(rep.bad_seq, 7);
	/* Undone, the chain is whole again; then the time of an earlier entry moves. */
	tamper(f, "UPDATE audit_log SET detail = '{\"failures\":1}' WHERE seq = 7");
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
	tamper(f, "UPDATE audit_log SET at = at - 3600000 WHERE seq = 3");
	assert_int_equal(audit_verify(f->s, &rep, &e), 1);
	assert_int_equal(rep.bad_seq, 3);
}

static void test_audit_detects_rewritten_hash_links(void **state)
{
	fx *f = *state;
	make_history(f);
	disable_audit_guard(f);
	/* A row's stored hash must be the hash of its content; making the next row's link
	 * agree with a forged hash does not help. */
	tamper(f, "UPDATE audit_log SET hash = 'ffff' WHERE seq = 8");
	audit_report rep;
	err e = {0};
	assert_int_equal(audit_verify(f->s, &rep, &e), 1);
	assert_int_equal(rep.bad_seq, 8);
	tamper(f, "UPDATE audit_log SET prev_hash = 'ffff' WHERE seq = 9");
	assert_int_equal(audit_verify(f->s, &rep, &e), 1);
	assert_int_equal(rep.bad_seq, 8);
}

static void test_audit_detects_deleted_middle_row(void **state)
{
	fx *f = *state;
	make_history(f);
	disable_audit_guard(f);
	tamper(f, "DELETE FROM audit_log WHERE seq = 6");
	audit_report rep;
	err e = {0};
	assert_int_equal(audit_verify(f->s, &rep, &e), 1);
	assert_int_equal(rep.bad_seq, 7);
}

static void test_audit_detects_deleted_last_row(void **state)
{
	fx *f = *state;
	make_history(f);
	int64_t last = SETUP_ENTRIES + HISTORY_ENTRIES;
	disable_audit_guard(f);
	char *sql = xasprintf("DELETE FROM audit_log WHERE seq = %lld", (long long)last);
	tamper(f, sql);
	free(sql);
	/* Every remaining row is intact; only audit_head knows there was one more. */
	audit_report rep;
	err e = {0};
	assert_int_equal(audit_verify(f->s, &rep, &e), 1);
	assert_int_equal(rep.entries, last - 1);
	assert_int_equal(rep.bad_seq, last);
	assert_string_not_equal(rep.problem, "");
}

static void test_audit_continues_chain_after_verify(void **state)
{
	fx *f = *state;
	audit_report rep;
	err e = {0};
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
	make_history(f);
	make_history(f);
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
	assert_int_equal(rep.entries, SETUP_ENTRIES + 2 * HISTORY_ENTRIES);
	/* audit_list sees the same entries, newest first. */
	json_t *items = NULL;
	int64_t total = 0;
	assert_int_equal(audit_list(tu_conn(f->s), "user", f->user, 0, 1, 100, &items, &total, &e),
			 0);
	assert_true(total >= 2 * 5);
	assert_int_equal(json_array_size(items), (size_t)total);
	int64_t first = json_integer_value(json_object_get(json_array_get(items, 0), "seq"));
	int64_t second = json_integer_value(json_object_get(json_array_get(items, 1), "seq"));
	assert_true(first > second);
	json_decref(items);
}

int main(void)
{
	err e = {0};
	if (auth_init(&e) < 0 || auth_hash_password(PASSWORD, hash_old, sizeof hash_old, &e) < 0 ||
	    auth_hash_password(NEW_PASSWORD, hash_new, sizeof hash_new, &e) < 0) {
		fprintf(stderr, "password hashing: %s\n", e.message);
		return 1;
	}
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_login_resolves_to_actor_with_roles_and_area),
		T(test_token_is_43_char_base64url_stored_only_as_hash),
		T(test_resolve_rejects_unknown_malformed_and_expired),
		T(test_department_agent_gets_area_of_region_served),
		T(test_wrong_password_is_unauthorized),
		T(test_five_failures_lock_even_right_password),
		T(test_unlock_clears_lock),
		T(test_lock_ends_when_its_time_is_up),
		T(test_successful_login_resets_failure_count),
		T(test_login_refused_when_password_reset_after_check),
		T(test_login_refused_when_disabled_after_check),
		T(test_login_refused_when_locked_after_check),
		T(test_overlapping_failures_never_count_beyond_the_limit),
		T(test_budget_refusal_checks_no_password_and_counts_nothing),
		T(test_hash_gate_bounds_concurrent_hashes_then_busy),
		T(test_logout_ends_only_that_session),
		T(test_disabled_user_cannot_resolve_or_log_in),
		T(test_resolve_checks_disabled_flag_itself),
		T(test_set_password_ends_other_sessions_keeps_own),
		T(test_set_password_clears_lock),
		T(test_admin_acts_only_on_users_in_area),
		T(test_apikey_create_check_revoke),
		T(test_audit_records_every_action_and_verifies),
		T(test_audit_log_refuses_update_and_delete),
		T(test_audit_detects_edited_row),
		T(test_audit_detects_edited_detail_and_time),
		T(test_audit_detects_rewritten_hash_links),
		T(test_audit_detects_deleted_middle_row),
		T(test_audit_detects_deleted_last_row),
		T(test_audit_continues_chain_after_verify),
	};
#undef T
	return tu_run_both("auth", tests, sizeof tests / sizeof tests[0]);
}
