/* Accounts as GB/T 22239 level 3 asks (docs/security.md "Accounts"): the password rule, the
 * masking of phone and ID numbers in logs, which role changes take a second admin (pure
 * rules); and, on SQLite and (with YIWANG_TEST_PG) PostgreSQL, idle sessions ending, a
 * session's use written at most once a minute, expired passwords, grants that wait for a
 * second admin, and an audit trail without citizens' phone numbers. */
#include "testutil.h"

#include "org/actor.h"
#include "org/audit.h"
#include "org/auth.h"
#include "org/grant.h"
#include "org/privacy.h"
#include "core/clock.h"
#include "org/unit.h"
#include "org/user.h"

#define PASSWORD "Correct-horse-7"
#define TTL_MS (8 * 3600 * 1000)

static char hash_pw[256];

/* ---- the password rule ---- */

static void assert_weak(const char *password, const char *username)
{
	err e = {0};
	if (auth_password_policy(password, username, &e) == 0)
		fail_msg("\"%s\" (user %s) passed the rule", password, username ? username : "-");
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.code, "weak_password");
	assert_string_equal(e.field, "password");
	assert_true(strlen(e.message) > 0);
}

static void assert_strong(const char *password, const char *username)
{
	err e = {0};
	if (auth_password_policy(password, username, &e) < 0)
		fail_msg("\"%s\" refused: %s", password, e.message);
}

static void test_password_needs_three_of_four_classes(void **state)
{
	(void)state;
	assert_weak("abcdefghij", NULL);     /* lower */
	assert_weak("ABCDEFGHIJ", NULL);     /* upper */
	assert_weak("1234567890", NULL);     /* digits */
	assert_weak("yiwang-demo", NULL);    /* lower, symbol */
	assert_weak("Abcdefghij", NULL);     /* upper, lower */
	assert_strong("wxyz-12345", "wang"); /* lower, symbol, digit: three */
	assert_strong("Abcdefgh1", NULL);
	assert_strong("WXYZ-12345", NULL);
	assert_strong("Ab1-5678", NULL); /* exactly 8 */
}

static void test_password_counts_chinese_characters_as_symbols(void **state)
{
	(void)state;
	assert_weak("密码密码密码密码", NULL); /* one class, however many bytes */
	assert_weak("一网统管一网通办", NULL);
	assert_strong("阜新Fx2026", NULL);     /* 汉字, upper, lower, digit */
	assert_strong("密码ab1234", NULL);     /* 汉字 (symbol), lower, digit */
	assert_weak("密码码Ab1", NULL);	       /* seven characters: too short */
	assert_strong("ｐａｓｓ１２Ab", NULL); /* full-width forms count as symbols */
}

static void test_password_must_not_contain_the_username(void **state)
{
	(void)state;
	assert_weak("Zhang.san-2026", "zhang.san");
	assert_weak("xxZHANG.SANxx1", "zhang.san");
	assert_strong("Zhang-san-2026", "zhang.san"); /* not the same string */
	assert_weak("Wangwei#2026", "wangwei");
}

static void test_password_refuses_common_ones_and_common_words_dressed_up(void **state)
{
	(void)state;
	const char *common[] = {"P@ssw0rd",   "Passw0rd!",  "1qaz@WSX",	   "Aa123456",
				"Password1!", "Admin@123",  "@Admin2026",  "Qwer1234!",
				"Abc@123456", "Fuxin@0418", "Yiwang2026!", "Woaini@1314"};
	for (size_t i = 0; i < sizeof common / sizeof *common; i++)
		assert_weak(common[i], NULL);
	/* A common word inside other letters is not the word. */
	assert_strong("Adminstration-9", NULL);
	assert_strong("Pass-word-1", NULL);
}

static void test_password_length_floor_holds_for_everyone(void **state)
{
	(void)state;
	err e = {0};
	assert_int_equal(auth_password_ok("yiwang-demo", &e), 0); /* the demo's: length only */
	assert_int_equal(auth_password_ok("short", &e), -1);
	char big[140];
	memset(big, 'a', 129);
	big[129] = '\0';
	big[0] = 'A';
	big[1] = '1';
	assert_weak(big, NULL); /* 129 characters */
	big[128] = '\0';
	assert_strong(big, NULL);
}

/* ---- masking ---- */

static void assert_masked(const char *in, const char *want)
{
	char *s = xstrdup(in);
	privacy_mask_ids(s);
	assert_string_equal(s, want);
	assert_int_equal(strlen(s), strlen(in));
	free(s);
}

static void test_mask_ids_hides_phones_and_id_numbers_keeps_case_numbers_and_dates(void **state)
{
	(void)state;
	assert_masked("/api/v1/appeals/13812345678", "/api/v1/appeals/138****5678");
	assert_masked("tel 138-1234-5678.", "tel 138-****-5678.");
	assert_masked("8613812345678", "861******5678");
	assert_masked("041812345678", "041*****5678"); /* a landline with its area code */
	assert_masked("21090219900101123X", "210***********123X");
	assert_masked("210902199001011234", "210***********1234");
	assert_masked("210902900101123", "210********1123"); /* the old 15-digit card */
	assert_masked("6222021234567890123", "622************0123");
	/* Case numbers (a date and a serial: 14 digits), dates, ids and years stay. */
	assert_masked("/api/v1/public/appeals/FX20261128000123",
		      "/api/v1/public/appeals/FX20261128000123");
	assert_masked("2026-11-28 and 3-5 days", "2026-11-28 and 3-5 days");
	assert_masked("/api/v1/users/1234567/unlock", "/api/v1/users/1234567/unlock");
	assert_masked("", "");
}

/* ---- which changes take a second admin ---- */

static void test_grant_needs_approval_for_sensitive_roles_and_their_moves(void **state)
{
	(void)state;
	/* A new user: only sensitive roles wait. */
	assert_false(grant_needs_approval(0, 0, 5, ROLE_UNIT_STAFF | ROLE_GRID_MEMBER));
	assert_true(grant_needs_approval(0, 0, 5, ROLE_ADMIN));
	assert_true(grant_needs_approval(0, 0, 5, ROLE_UNIT_STAFF | ROLE_AGENT));
	assert_true(grant_needs_approval(0, 0, 5, ROLE_LEADER));
	assert_true(grant_needs_approval(0, 0, 5, ROLE_CONGRESS_STAFF));
	/* Adding one waits; keeping or dropping one does not. */
	assert_true(grant_needs_approval(5, ROLE_UNIT_STAFF, 5, ROLE_UNIT_STAFF | ROLE_ADMIN));
	assert_false(grant_needs_approval(5, ROLE_ADMIN, 5, ROLE_ADMIN | ROLE_MEDIATOR));
	assert_false(grant_needs_approval(5, ROLE_ADMIN | ROLE_LEADER, 5, ROLE_LEADER));
	assert_false(grant_needs_approval(5, ROLE_ADMIN, 5, ROLE_UNIT_STAFF));
	/* Moving a user who holds one (or will) waits; moving anyone else does not. */
	assert_true(grant_needs_approval(5, ROLE_AGENT, 6, ROLE_AGENT));
	assert_false(grant_needs_approval(5, ROLE_AGENT, 6, ROLE_UNIT_STAFF));
	assert_false(grant_needs_approval(5, ROLE_GRID_MEMBER, 6, ROLE_GRID_MEMBER));
}

/* ---- with a database ---- */

typedef struct fx {
	tu_db d;
	store *s;
	actor sys;
	int64_t city, a, b;
	int64_t admin1, admin2, county_admin, staff; /* two city admins, one of county A */
	auth_policy saved;
} fx;

static int tx_setup(store_conn *c, void *ctx, err *e)
{
	fx *f = ctx;
	unit_input city = {.name = "阜新市", .kind = "city"};
	if (unit_create(c, &f->sys, &city, &f->city, e) < 0)
		return -1;
	unit_input a = {.name = "海州区", .kind = "county", .parent_id = f->city};
	unit_input b = {.name = "细河区", .kind = "county", .parent_id = f->city};
	if (unit_create(c, &f->sys, &a, &f->a, e) < 0 || unit_create(c, &f->sys, &b, &f->b, e) < 0)
		return -1;
	const struct {
		const char *name;
		int64_t unit;
		unsigned roles;
		int64_t *id;
	} users[] = {
		{"admin.one", f->city, ROLE_ADMIN, &f->admin1},
		{"admin.two", f->city, ROLE_ADMIN, &f->admin2},
		{"admin.hz", f->a, ROLE_ADMIN, &f->county_admin},
		{"staff.hz", f->a, ROLE_UNIT_STAFF, &f->staff},
	};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
		user_input u = {.username = users[i].name,
				.display_name = users[i].name,
				.password_hash = hash_pw,
				.unit_id = users[i].unit,
				.roles = users[i].roles,
				.phone = "13812341234"};
		if (user_create(c, &f->sys, &u, users[i].id, e) < 0)
			return -1;
	}
	return 0;
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->saved = auth_get_policy();
	f->s = tu_store_open(&f->d);
	actor_system(&f->sys, "test");
	err e = {0};
	if (store_write(f->s, tx_setup, f, &e) < 0)
		fail_msg("fixture: %s (%s)", e.message, e.code);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	auth_set_policy(&f->saved);
	store_close(f->s);
	tu_db_drop(&f->d);
	free(f);
	return 0;
}

/* ctx is one SQL statement without parameters. */
static int tx_sql(store_conn *c, void *ctx, err *e)
{
	return store_exec(c, e, ctx, NULL) < 0 ? -1 : 0;
}

static void sql(fx *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *q = NULL;
	if (vasprintf(&q, fmt, ap) < 0)
		abort();
	va_end(ap);
	err e = {0};
	if (store_write(f->s, tx_sql, q, &e) < 0)
		fail_msg("%s: %s", q, e.message);
	free(q);
}

static int64_t query_int(fx *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *q = NULL;
	if (vasprintf(&q, fmt, ap) < 0)
		abort();
	va_end(ap);
	int64_t v = -1;
	err e = {0};
	if (store_query_int(tu_conn(f->s), &v, -1, &e, q, NULL) < 0)
		fail_msg("%s: %s", q, e.message);
	free(q);
	return v;
}

static void login(fx *f, const char *username, char token[64])
{
	int64_t uid, exp;
	err e = {0};
	if (auth_login(f->s, username, PASSWORD, "10.0.0.9", TTL_MS, token, 64, &uid, &exp, &e) < 0)
		fail_msg("login %s: %s", username, e.message);
}

static void resolve_ok(fx *f, const char *token, actor *a)
{
	err e = {0};
	if (auth_resolve(f->s, token, a, &e) < 0)
		fail_msg("resolve: %s (%s)", e.message, e.code);
}

/* Waits until writes queued before now are committed: a write after them commits after
 * them. */
static void flush(fx *f)
{
	sql(f, "UPDATE store_health SET checked_at = checked_at");
}

static void test_idle_session_ends_with_session_idle(void **state)
{
	fx *f = *state;
	char token[64];
	login(f, "staff.hz", token);
	actor a;
	resolve_ok(f, token, &a);
	int64_t idle = auth_get_policy().idle_ms;
	assert_true(idle == 30LL * 60 * 1000);
	assert_true(a.idle_ends > clock_now_ms() + idle - 5000);
	assert_true(a.idle_ends <= a.session_expires);
	/* Unused for the idle time: over, though its lifetime is not. */
	sql(f, "UPDATE sessions SET last_seen_at = last_seen_at - %lld", (long long)idle);
	err e = {0};
	assert_int_equal(auth_resolve(f->s, token, &a, &e), -1);
	assert_int_equal(e.kind, ERR_UNAUTHORIZED);
	assert_string_equal(e.code, "session_idle");
	/* Without an idle limit only the lifetime counts. */
	auth_policy p = auth_get_policy();
	p.idle_ms = 0;
	auth_set_policy(&p);
	resolve_ok(f, token, &a);
	assert_int_equal(a.idle_ends, 0);
}

static void test_use_is_written_at_most_once_a_minute(void **state)
{
	fx *f = *state;
	char token[64];
	login(f, "staff.hz", token);
	int64_t seen = query_int(f, "SELECT last_seen_at FROM sessions");
	actor a;
	for (int i = 0; i < 5; i++)
		resolve_ok(f, token, &a);
	flush(f);
	assert_int_equal(query_int(f, "SELECT last_seen_at FROM sessions"), seen);
	/* A use more than a minute after the last one written is written. */
	sql(f, "UPDATE sessions SET last_seen_at = last_seen_at - 61000");
	int64_t before = clock_now_ms();
	resolve_ok(f, token, &a);
	flush(f);
	assert_true(query_int(f, "SELECT last_seen_at FROM sessions") >= before);
	assert_true(a.idle_ends >= before + auth_get_policy().idle_ms);
	/* With a short idle time, every half of it. */
	auth_policy p = auth_get_policy();
	p.idle_ms = 60000;
	auth_set_policy(&p);
	sql(f, "UPDATE sessions SET last_seen_at = last_seen_at - 31000");
	before = clock_now_ms();
	resolve_ok(f, token, &a);
	flush(f);
	assert_true(query_int(f, "SELECT last_seen_at FROM sessions") >= before);
}

static void test_expired_password_marks_the_session_until_changed(void **state)
{
	fx *f = *state;
	char token[64];
	login(f, "staff.hz", token);
	actor a;
	resolve_ok(f, token, &a);
	assert_false(a.password_expired);
	int64_t age = auth_get_policy().password_max_age_ms;
	assert_true(age == 90LL * 24 * 3600 * 1000);
	assert_true(a.password_expires > clock_now_ms() + age - 60000);
	sql(f, "UPDATE users SET password_changed_at = password_changed_at - %lld", (long long)age);
	/* It still logs in, and the session says so. */
	char again[64];
	login(f, "staff.hz", again);
	resolve_ok(f, again, &a);
	assert_true(a.password_expired);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'login'"
				      " AND detail LIKE '%%password_expired%%'"),
			 1);
	/* A new password lifts it. */
	sql(f, "UPDATE users SET password_changed_at = %lld WHERE id = %lld",
	    (long long)clock_now_ms(), (long long)f->staff);
	resolve_ok(f, again, &a);
	assert_false(a.password_expired);
	/* With no maximum age passwords never expire. */
	sql(f, "UPDATE users SET password_changed_at = 1");
	auth_policy p = auth_get_policy();
	p.password_max_age_ms = 0;
	auth_set_policy(&p);
	resolve_ok(f, again, &a);
	assert_false(a.password_expired);
	assert_int_equal(a.password_expires, 0);
}

typedef struct set_pw_ctx {
	actor *who;
	int64_t id;
} set_pw_ctx;

static int tx_set_password(store_conn *c, void *ctx, err *e)
{
	set_pw_ctx *x = ctx;
	return user_set_password(c, x->who, x->id, hash_pw, NULL, e);
}

static void test_setting_a_password_restarts_its_age(void **state)
{
	fx *f = *state;
	sql(f, "UPDATE users SET password_changed_at = 1");
	int64_t before = clock_now_ms();
	set_pw_ctx x = {&f->sys, f->staff};
	err e = {0};
	assert_int_equal(store_write(f->s, tx_set_password, &x, &e), 0);
	assert_true(query_int(f, "SELECT password_changed_at FROM users WHERE id = %lld",
			      (long long)f->staff) >= before);
}

/* An admin as the API sees them: logged in and resolved. */
static void admin_actor(fx *f, const char *username, actor *a)
{
	char token[64];
	login(f, username, token);
	resolve_ok(f, token, a);
}

typedef struct change_ctx {
	const actor *who;
	int64_t id, unit, grant_id;
	unsigned roles;
	bool approve;
} change_ctx;

static int tx_grant_roles(store_conn *c, void *ctx, err *e)
{
	change_ctx *x = ctx;
	user_patch p = {.set_roles = true,
			.roles = x->roles,
			.unit_id = x->unit,
			.disabled = -1,
			.grant_id = &x->grant_id};
	return user_update(c, x->who, x->id, &p, e);
}

static int tx_decide(store_conn *c, void *ctx, err *e)
{
	change_ctx *x = ctx;
	return grant_decide(c, x->who, x->grant_id, x->approve, NULL, e);
}

static unsigned roles_of(fx *f, int64_t id)
{
	int64_t unit;
	unsigned roles;
	err e = {0};
	if (user_placement(tu_conn(f->s), id, &unit, &roles, &e) < 0)
		fail_msg("placement: %s", e.message);
	return roles;
}

static int decide(fx *f, const actor *who, int64_t grant, bool approve, err *e)
{
	change_ctx x = {.who = who, .grant_id = grant, .approve = approve};
	return store_write(f->s, tx_decide, &x, e);
}

static void test_sensitive_grant_waits_for_another_admin(void **state)
{
	fx *f = *state;
	actor one, two;
	admin_actor(f, "admin.one", &one);
	admin_actor(f, "admin.two", &two);
	change_ctx x = {.who = &one, .id = f->staff, .roles = ROLE_UNIT_STAFF | ROLE_AGENT};
	err e = {0};
	assert_int_equal(store_write(f->s, tx_grant_roles, &x, &e), 0);
	assert_true(x.grant_id > 0);
	assert_int_equal(roles_of(f, f->staff), ROLE_UNIT_STAFF); /* nothing given yet */
	/* Not by the one who asked; by another admin. */
	assert_int_equal(decide(f, &one, x.grant_id, true, &e), -1);
	assert_string_equal(e.code, "own_grant");
	assert_int_equal(roles_of(f, f->staff), ROLE_UNIT_STAFF);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM role_grants WHERE status = 'pending'"),
			 1);
	assert_int_equal(decide(f, &two, x.grant_id, true, &e), 0);
	assert_int_equal(roles_of(f, f->staff), ROLE_UNIT_STAFF | ROLE_AGENT);
	assert_int_equal(decide(f, &two, x.grant_id, false, &e), -1);
	assert_string_equal(e.code, "invalid_state");
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM audit_log WHERE action IN"
				      " ('role_grant_request', 'role_grant_approve')"),
			 2);
}

static void test_grant_is_refused_when_the_user_changed_since(void **state)
{
	fx *f = *state;
	actor one, two;
	admin_actor(f, "admin.one", &one);
	admin_actor(f, "admin.two", &two);
	change_ctx x = {.who = &one, .id = f->staff, .roles = ROLE_UNIT_STAFF | ROLE_ADMIN};
	err e = {0};
	assert_int_equal(store_write(f->s, tx_grant_roles, &x, &e), 0);
	/* A second grant for the same user waits for the first. */
	change_ctx y = {.who = &two, .id = f->staff, .roles = ROLE_LEADER};
	assert_int_equal(store_write(f->s, tx_grant_roles, &y, &e), -1);
	assert_string_equal(e.code, "grant_pending");
	/* A change that needs no approval goes through, and the grant no longer fits. */
	change_ctx z = {.who = &two, .id = f->staff, .roles = ROLE_GRID_MEMBER};
	assert_int_equal(store_write(f->s, tx_grant_roles, &z, &e), 0);
	assert_int_equal(z.grant_id, 0);
	assert_int_equal(decide(f, &two, x.grant_id, true, &e), -1);
	assert_string_equal(e.code, "grant_stale");
	assert_int_equal(roles_of(f, f->staff), ROLE_GRID_MEMBER);
	/* The one who asked may withdraw it. */
	assert_int_equal(decide(f, &one, x.grant_id, false, &e), 0);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM role_grants WHERE status = 'rejected'"),
			 1);
}

static void test_command_line_applies_sensitive_roles_at_once(void **state)
{
	fx *f = *state;
	change_ctx x = {.who = &f->sys, .id = f->staff, .roles = ROLE_ADMIN};
	err e = {0};
	assert_int_equal(store_write(f->s, tx_grant_roles, &x, &e), 0);
	assert_int_equal(x.grant_id, 0);
	assert_int_equal(roles_of(f, f->staff), ROLE_ADMIN);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM role_grants"), 0);
}

static void test_grant_outside_the_admins_area_is_not_found(void **state)
{
	fx *f = *state;
	actor one, hz;
	admin_actor(f, "admin.one", &one);
	admin_actor(f, "admin.hz", &hz);
	/* A grant for admin.two (at the city) is no county admin's business. */
	change_ctx x = {.who = &one, .id = f->admin2, .roles = ROLE_ADMIN | ROLE_LEADER};
	err e = {0};
	assert_int_equal(store_write(f->s, tx_grant_roles, &x, &e), 0);
	assert_int_equal(decide(f, &hz, x.grant_id, true, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	json_t *items;
	int64_t total;
	assert_int_equal(grant_list(tu_conn(f->s), &hz, "pending", 1, 20, &items, &total, &e), 0);
	assert_int_equal(total, 0);
	json_decref(items);
	/* The user it is for may not approve it either. */
	actor two;
	admin_actor(f, "admin.two", &two);
	assert_int_equal(decide(f, &two, x.grant_id, true, &e), -1);
	assert_string_equal(e.code, "own_account");
	assert_int_equal(grant_list(tu_conn(f->s), &one, NULL, 1, 20, &items, &total, &e), 0);
	assert_int_equal(total, 1);
	assert_false(json_is_true(json_object_get(json_array_get(items, 0), "can_decide")));
	json_decref(items);
}

typedef struct audit_ctx {
	const actor *who;
	json_t *detail;
} audit_ctx;

static int tx_audit(store_conn *c, void *ctx, err *e)
{
	audit_ctx *x = ctx;
	return audit_append(c, x->who, "test_masking", "appeal", 1, x->detail, e);
}

static void test_audit_keeps_no_phone_or_id_number(void **state)
{
	fx *f = *state;
	json_t *d = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}], s:s}", "contact_phone",
			      "13912345678", "note", "请拨 13912345678 或 0418-1234-5678", "number",
			      "FX20261128000123", "parties", "name", "张三", "phone", "13912345678",
			      "id_card", "21090219900101123X");
	audit_ctx x = {&f->sys, d};
	err e = {0};
	assert_int_equal(store_write(f->s, tx_audit, &x, &e), 0);
	json_decref(d);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE "
				      "'%%13912345678%%' OR detail LIKE '%%19900101%%'"),
			 0);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE "
				      "'%%139****5678%%' AND detail LIKE '%%FX20261128000123%%'"),
			 1);
	audit_report rep;
	assert_int_equal(audit_verify(f->s, &rep, &e), 0);
}

int main(void)
{
	err e = {0};
	if (auth_init(&e) < 0 || auth_hash_password(PASSWORD, hash_pw, sizeof hash_pw, &e) < 0) {
		fprintf(stderr, "password hashing: %s\n", e.message);
		return 1;
	}
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(test_password_needs_three_of_four_classes),
		cmocka_unit_test(test_password_counts_chinese_characters_as_symbols),
		cmocka_unit_test(test_password_must_not_contain_the_username),
		cmocka_unit_test(test_password_refuses_common_ones_and_common_words_dressed_up),
		cmocka_unit_test(test_password_length_floor_holds_for_everyone),
		cmocka_unit_test(
			test_mask_ids_hides_phones_and_id_numbers_keeps_case_numbers_and_dates),
		cmocka_unit_test(test_grant_needs_approval_for_sensitive_roles_and_their_moves),
	};
	int failed = cmocka_run_group_tests_name("accounts rules", rules, NULL, NULL);
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_idle_session_ends_with_session_idle),
		T(test_use_is_written_at_most_once_a_minute),
		T(test_expired_password_marks_the_session_until_changed),
		T(test_setting_a_password_restarts_its_age),
		T(test_sensitive_grant_waits_for_another_admin),
		T(test_grant_is_refused_when_the_user_changed_since),
		T(test_command_line_applies_sensitive_roles_at_once),
		T(test_grant_outside_the_admins_area_is_not_found),
		T(test_audit_keeps_no_phone_or_id_number),
	};
	failed += tu_run_both("accounts", tests, sizeof tests / sizeof tests[0]);
	return failed ? 1 : 0;
}
