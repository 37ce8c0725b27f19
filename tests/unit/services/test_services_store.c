/* 便民服务 on the store, on SQLite and (with YIWANG_TEST_PG) PostgreSQL: a proxy request
 * from a village station through the hall and back, the citizen's 差评 reopening it as a
 * complaint that the scheduler urges once its 15 working days pass, and the review
 * metrics of a county (svc_unit_metrics): requests, done, on-time rate, average rating.
 *
 *   city 1 ── county 2 ┬─ hall 3 (department, the county's 政务服务中心)
 *                      └─ township 4 ── village 5 (the station)
 */
#include "testutil.h"

#include "core/clock.h"
#include "engine/jobs.h"
#include "platforms.h"
#include "services/service.h"

typedef struct fx {
	tu_db d;
	store *s;
	int64_t t0, item;
	actor clerk, hall;
} fx;

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

static int64_t qi(fx *f, const char *sql, int64_t id)
{
	err e = {0};
	store_conn *c = store_conn_get(f->s, &e);
	assert_non_null(c);
	int64_t v = -1;
	if (store_query_int(c, &v, -1, &e, sql, "i", id) < 0)
		fail_msg("%s: %s", sql, e.message);
	return v;
}

static void mk_actor(actor *a, int64_t user, int64_t unit, const char *path, unsigned roles)
{
	memset(a, 0, sizeof *a);
	a->user_id = user;
	a->unit_id = unit;
	snprintf(a->unit_path, sizeof a->unit_path, "%s", path);
	snprintf(a->admin_path, sizeof a->admin_path, "%s", path);
	snprintf(a->username, sizeof a->username, "u%lld", (long long)user);
	a->roles = roles;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	assert_int_equal(clock_parse_iso("2026-11-02T09:00:00+08:00", &f->t0), 0);
	exec_sql(
		f->s,
		"INSERT INTO units (id, parent_id, kind, name, path, depth, created_at, updated_at)"
		" VALUES (1, NULL, 'city', '阜新市', '/1/', 0, 0, 0),"
		" (2, 1, 'county', '海州区', '/1/2/', 1, 0, 0),"
		" (3, 2, 'department', '海州区政务服务中心', '/1/2/3/', 2, 0, 0),"
		" (4, 2, 'township', '韩家店镇', '/1/2/4/', 2, 0, 0),"
		" (5, 4, 'village', '东瓦房村', '/1/2/4/5/', 3, 0, 0);"
		"INSERT INTO users (id, username, display_name, phone, unit_id, password_hash,"
		" disabled, created_at, updated_at) VALUES"
		" (1, 'clerk', '白振江', '15841831952', 5, 'x', 0, 0, 0),"
		" (2, 'hall', '孟庆华', '13470189326', 3, 'x', 0, 0, 0);"
		"INSERT INTO user_roles (user_id, role) VALUES (1, 'station_staff'),"
		" (2, 'unit_staff');"
		"INSERT INTO svc_halls (unit_id, region_id) VALUES (3, 2);"
		"INSERT INTO svc_items (id, name, level, category, materials, promised_days,"
		" legal_days, kind, modes, created_at, updated_at) VALUES (1, '高龄津贴申领',"
		" 'village', '社会救助', '[\"居民身份证\",\"户口簿\"]', 10, 20, 'promised',"
		" '[\"immediate\",\"proxy\"]', 0, 0)");
	mk_actor(&f->clerk, 1, 5, "/1/2/4/5/", ROLE_STATION_STAFF);
	mk_actor(&f->hall, 2, 3, "/1/2/3/", ROLE_UNIT_STAFF);
	f->item = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	clock_override(0);
	store_close(f->s);
	tu_db_drop(&f->d);
	free(f);
	return 0;
}

typedef struct step {
	fx *f;
	const actor *who;
	const char *action, *mode, *phone;
	json_t *body;
	int64_t id, rating;
} step;

static int tx_create(store_conn *c, void *p, err *e)
{
	step *s = p;
	json_t *mat = json_pack("[s, s]", "居民身份证", "户口簿");
	svc_input in = {.item_id = s->f->item,
			.mode = s->mode,
			.applicant_name = "王桂兰",
			.applicant_phone = s->phone,
			.materials = mat};
	int rc = svc_request_create(c, s->who, &in, &s->id, e);
	json_decref(mat);
	return rc;
}

static int tx_act(store_conn *c, void *p, err *e)
{
	step *s = p;
	return svc_request_act(c, s->who, s->id, s->action, s->body, e);
}

static int tx_rate(store_conn *c, void *p, err *e)
{
	step *s = p;
	char number[32];
	store_stmt *st;
	int rc = store_query_row(c, &st, e, "SELECT number FROM cases WHERE id = ?", "i", s->id);
	if (rc <= 0)
		return -1;
	snprintf(number, sizeof number, "%s", store_col_text(st, 0));
	store_done(st);
	return svc_public_rate(c, number, s->phone, s->rating, "127.0.0.1", e);
}

static void at(int64_t t)
{
	clock_override(t);
}

static int64_t create(fx *f, const char *mode, const char *phone)
{
	err e = {0};
	step s = {.f = f, .who = &f->clerk, .mode = mode, .phone = phone};
	if (store_write(f->s, tx_create, &s, &e) < 0)
		fail_msg("create: %s", e.message);
	return s.id;
}

static void act(fx *f, const actor *who, int64_t id, const char *action, json_t *body)
{
	err e = {0};
	step s = {.f = f,
		  .who = who,
		  .id = id,
		  .action = action,
		  .body = body ? body : json_object()};
	int rc = store_write(f->s, tx_act, &s, &e);
	json_decref(s.body);
	if (rc < 0)
		fail_msg("%s: %s", action, e.message);
}

static void rate(fx *f, int64_t id, const char *phone, int64_t rating)
{
	err e = {0};
	step s = {.f = f, .id = id, .phone = phone, .rating = rating};
	if (store_write(f->s, tx_rate, &s, &e) < 0)
		fail_msg("rate: %s", e.message);
}

static void test_proxy_complaint_urged_and_metrics(void **state)
{
	fx *f = *state;
	const int64_t H = 3600000, D = 24 * H;
	/* On time: Monday 11-02 09:00, due 10 working days later (11-16 09:00). */
	at(f->t0);
	int64_t a = create(f, "proxy", "13904181111");
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM svc_requests WHERE case_id = ? AND due_at = "
			    "entrusted_at + 14 * 86400000",
			    a),
			 1);
	at(f->t0 + H);
	act(f, &f->clerk, a, "send", NULL);
	assert_int_equal(qi(f, "SELECT handler_id FROM cases WHERE id = ?", a), 3);
	at(f->t0 + 3 * D);
	act(f, &f->hall, a, "complete", json_pack("{s:s}", "result", "审核通过"));
	assert_int_equal(qi(f, "SELECT handler_id FROM cases WHERE id = ?", a), 5);
	at(f->t0 + 4 * D);
	act(f, &f->clerk, a, "hand_over", NULL);
	assert_int_equal(qi(f, "SELECT on_time FROM svc_requests WHERE case_id = ?", a), 1);
	at(f->t0 + 4 * D + H);
	rate(f, a, "139 0418 1111", 1);
	assert_int_equal(
		qi(f, "SELECT COUNT(*) FROM cases WHERE id = ? AND status = 'complaint'", a), 1);

	/* Late: done at the station (the item's promise of 10 working days still holds),
	 * handed over after 14 working days. */
	at(f->t0 + 7 * D);
	int64_t b = create(f, "immediate", "13904182222");
	at(f->t0 + 25 * D);
	act(f, &f->clerk, b, "complete", json_pack("{s:s}", "result", "已办结"));
	act(f, &f->clerk, b, "hand_over", NULL);
	assert_int_equal(qi(f, "SELECT on_time FROM svc_requests WHERE case_id = ?", b), 0);
	rate(f, b, "13904182222", 4);

	/* The complaint is due 15 working days after the rating (11-06 10:00 → 11-27 10:00);
	 * a pass before it does nothing, one after urges it once. */
	clock_override(0);
	err e = {0};
	if (jobs_run_pass(f->s, NULL, f->t0 + 20 * D, &e) < 0)
		fail_msg("pass: %s", e.message);
	assert_int_equal(qi(f, "SELECT complaint_urges FROM svc_requests WHERE case_id = ?", a), 0);
	if (jobs_run_pass(f->s, NULL, f->t0 + 26 * D, &e) < 0)
		fail_msg("pass: %s", e.message);
	assert_int_equal(qi(f, "SELECT complaint_urges FROM svc_requests WHERE case_id = ?", a), 1);
	assert_int_equal(
		qi(f, "SELECT COUNT(*) FROM case_timeline WHERE case_id = ? AND action = 'urge'",
		   a),
		1);
	if (jobs_run_pass(f->s, NULL, f->t0 + 27 * D, &e) < 0)
		fail_msg("pass: %s", e.message);
	assert_int_equal(qi(f, "SELECT complaint_urges FROM svc_requests WHERE case_id = ?", a), 1);

	/* Answered and put right: closed again. */
	at(f->t0 + 28 * D);
	act(f, &f->clerk, a, "answer_complaint", json_pack("{s:s}", "answer", "已致歉并补发凭证"));
	act(f, &f->clerk, a, "rectify", NULL);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM cases WHERE id = ? AND status = 'done'"
			    " AND closed_at IS NOT NULL AND finish_due_at IS NULL",
			    a),
			 1);
	clock_override(0);

	/* The county's review metrics for November; the township's the same; none for
	 * the hall's own subtree. */
	store_conn *c = store_conn_get(f->s, &e);
	svc_metrics m;
	int64_t nov1, dec1;
	clock_parse_iso("2026-11-01", &nov1);
	clock_parse_iso("2026-12-01", &dec1);
	assert_int_equal(svc_unit_metrics(c, 2, nov1, dec1, &m, &e), 0);
	assert_int_equal(m.requests, 2);
	assert_int_equal(m.done, 2);
	assert_int_equal(m.rated, 2);
	assert_true(m.on_time_rate == 0.5);
	assert_true(m.avg_rating == 2.5);
	assert_int_equal(svc_unit_metrics(c, 4, nov1, dec1, &m, &e), 0);
	assert_int_equal(m.requests, 2);
	assert_int_equal(svc_unit_metrics(c, 3, nov1, dec1, &m, &e), 0);
	assert_int_equal(m.requests, 0);
	assert_true(m.on_time_rate < 0 && m.avg_rating < 0);
	assert_int_equal(svc_unit_metrics(c, 2, dec1, dec1 + 30 * D, &m, &e), 0);
	assert_int_equal(m.requests, 0);
	assert_int_equal(svc_unit_metrics(c, 99, nov1, dec1, &m, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
}

int main(void)
{
	platforms_register();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_proxy_complaint_urged_and_metrics, setup,
						teardown),
	};
	return tu_run_both("services_store", tests, sizeof tests / sizeof tests[0]);
}
