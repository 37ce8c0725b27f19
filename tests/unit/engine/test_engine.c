/* The case engine with a machine declared here, of its own kind "test" with its own table
 * test_cases, on SQLite and (with YIWANG_TEST_PG) on PostgreSQL: case_act refuses in the
 * documented order (404 unseen, 422 unknown action, 403 no taker, 409 wrong state, 400/422
 * body), a success writes exactly one timeline and one audit entry and its notice, a
 * handler's failure leaves nothing behind, allowed_actions follows the takers, and the
 * scheduler urges only the open states the registry names.
 *
 *   city 1 ── county 2 ┬─ bureau 3 (the holding unit)
 *                      ├─ street 4 (the owning region)
 *                      └─ bureau 5 (another unit of the county)
 *   city 1 ── county 6 (another county)
 */
#include "testutil.h"

#include "core/clock.h"
#include "engine/case.h"
#include "engine/jobs.h"
#include "http/validate.h"
#include "org/actor.h"

#define MIN 60000LL

enum { CITY = 1, COUNTY = 2, BUREAU = 3, STREET = 4, OTHER_BUREAU = 5, OTHER_COUNTY = 6 };

/* ---- the machine under test ---- */

static int test_touch(store_conn *c, int64_t id, err *e)
{
	return store_exec(c, e, "UPDATE test_cases SET touched = touched + 1 WHERE case_id = ?",
			  "i", id) < 0
		       ? -1
		       : 0;
}

static int on_take(case_act_ctx *x, err *e)
{
	return test_touch(x->c, x->row->id, e);
}

/* Writes, then refuses: whatever it wrote must not stay. */
static int on_fail(case_act_ctx *x, err *e)
{
	if (test_touch(x->c, x->row->id, e) < 0 ||
	    case_notify(x->c, BUREAU, 0, x->row->id, "failing", "失败前的通知", "x", e) < 0)
		return -1;
	return err_set(e, ERR_CONFLICT, "handler_refused", NULL, "办理函数拒绝");
}

static int on_finish(case_act_ctx *x, err *e)
{
	json_object_set_new(x->data, "by_handler", json_true());
	return test_touch(x->c, x->row->id, e);
}

static int count_urge(store_conn *c, int64_t id, err *e)
{
	return store_exec(c, e, "UPDATE test_cases SET urges = urges + 1 WHERE case_id = ?", "i",
			  id) < 0
		       ? -1
		       : 0;
}

/* Anyone but the one who registered the case. */
static bool not_reporter(const case_act_ctx *x)
{
	return x->who->user_id != x->row->created_by;
}

static const char *const test_states[] = {"open", "working", "done", "void", NULL};
static const char *const test_terminal[] = {"done", "void", NULL};
static const char *const results[] = {"ok", "bad", NULL};

static const struct jv_field take_body[] = {{"note", JV_TEXT, 0, 0, 200, NULL, NULL}, {0}};
static const struct jv_field finish_body[] = {{"score", JV_INT, JV_REQUIRED, 1, 5, NULL, "请打分"},
					      {"result", JV_ENUM, JV_REQUIRED, 0, 0, results, NULL},
					      {"summary", JV_TEXT, 0, 0, 10, NULL, NULL},
					      {0}};

static const struct case_notice taken = {"taken", "已接手", CASE_TO_INTAKE, "note", NULL};
static const struct case_notice poked = {"poke", "催一下", CASE_TO_HOLDER | CASE_TO_HOLDER_PARENT,
					 NULL, "下级被催"};

static const struct case_action test_actions[] = {
	{.name = "take",
	 .label = "接手",
	 .from = {"open"},
	 .to = "working",
	 .takers = {{ROLE_UNIT_STAFF, CASE_REL_HOLDER, NULL}},
	 .body = take_body,
	 .handler = on_take,
	 .notice = &taken},
	{.name = "finish",
	 .label = "完成",
	 .from = {"working"},
	 .to = "done",
	 .takers = {{ROLE_AGENT, CASE_REL_AREA, not_reporter}},
	 .body = finish_body,
	 .handler = on_finish},
	{.name = "fail",
	 .label = "失败",
	 .from = {"open", "working"},
	 .to = "void",
	 .takers = {{ROLE_AGENT, CASE_REL_AREA, NULL}},
	 .handler = on_fail},
	{.name = "poke",
	 .label = "催办",
	 .from = {"*"},
	 .takers = {{ROLE_LEADER, CASE_REL_AREA, NULL}, {ROLE_AGENT, CASE_REL_REGION, NULL}},
	 .notice = &poked},
	{.name = "rate",
	 .label = "评价",
	 .from = {"working"},
	 .to = "done",
	 .takers = {{0, CASE_REL_CITIZEN, NULL}}},
};

static const struct case_machine test_machine = {
	.kind = "test",
	.prefix = "TS",
	.noun = "测试件",
	.states = test_states,
	.terminal = test_terminal,
	.actions = test_actions,
	.nactions = sizeof test_actions / sizeof test_actions[0],
	.urged = count_urge,
};

/* ---- fixture ---- */

typedef struct fx {
	tu_db d;
	store *s;
	actor holder, other_staff, agent, reporter, leader, far_agent, citizen;
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

static void make_actor(actor *a, int64_t user, const char *name, int64_t unit, const char *path,
		       unsigned roles)
{
	memset(a, 0, sizeof *a);
	a->user_id = user;
	snprintf(a->username, sizeof a->username, "%s", name);
	a->unit_id = unit;
	snprintf(a->unit_path, sizeof a->unit_path, "%s", path);
	a->roles = roles;
	snprintf(a->ip, sizeof a->ip, "127.0.0.1");
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->s = tu_store_open(&f->d);
	exec_sql(
		f->s,
		"INSERT INTO units (id, parent_id, kind, name, path, depth, created_at, updated_at)"
		" VALUES (1, NULL, 'city', '阜新市', '/1/', 0, 0, 0),"
		" (2, 1, 'county', '海州区', '/1/2/', 1, 0, 0),"
		" (3, 2, 'department', '海州区住建局', '/1/2/3/', 2, 0, 0),"
		" (4, 2, 'township', '和平街道', '/1/2/4/', 2, 0, 0),"
		" (5, 2, 'department', '海州区城管局', '/1/2/5/', 2, 0, 0),"
		" (6, 1, 'county', '细河区', '/1/6/', 1, 0, 0);"
		"CREATE TABLE test_cases (case_id BIGINT PRIMARY KEY REFERENCES cases (id),"
		" touched INTEGER NOT NULL DEFAULT 0, urges INTEGER NOT NULL DEFAULT 0)");
	make_actor(&f->holder, 11, "holder", BUREAU, "/1/2/3/", ROLE_UNIT_STAFF);
	make_actor(&f->other_staff, 12, "other", OTHER_BUREAU, "/1/2/5/", ROLE_UNIT_STAFF);
	make_actor(&f->agent, 13, "agent", COUNTY, "/1/2/", ROLE_AGENT);
	make_actor(&f->reporter, 14, "reporter", COUNTY, "/1/2/", ROLE_AGENT);
	make_actor(&f->leader, 15, "leader", COUNTY, "/1/2/", ROLE_LEADER);
	make_actor(&f->far_agent, 16, "far", OTHER_COUNTY, "/1/6/", ROLE_AGENT | ROLE_LEADER);
	make_actor(&f->citizen, 0, "citizen", 0, "/", 0);
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

/* ---- helpers ---- */

typedef struct new_ctx {
	const fx *f;
	const char *kind;
	int64_t id;
} new_ctx;

/* A case in state open, registered by `reporter`, held by the bureau, in the street. */
static int tx_new(store_conn *c, void *p, err *e)
{
	new_ctx *n = p;
	struct case_machine m = test_machine;
	m.kind = n->kind;
	case_new in = {.machine = &m,
		       .status = "open",
		       .region_id = STREET,
		       .intake_unit_id = COUNTY,
		       .title = "测试",
		       .content = "测试内容",
		       .created_by = n->f->reporter.user_id};
	char number[32];
	if (case_create(c, &n->f->reporter, &in, &n->id, number, e) < 0 ||
	    case_set_holder(c, n->id, BUREAU, clock_now_ms(), e) < 0)
		return -1;
	return store_exec(c, e, "INSERT INTO test_cases (case_id) VALUES (?)", "i", n->id) < 0 ? -1
											       : 0;
}

static int64_t new_case_of(fx *f, const char *kind)
{
	new_ctx n = {f, kind, 0};
	err e = {0};
	if (store_write(f->s, tx_new, &n, &e) < 0)
		fail_msg("new case: %s", e.message);
	return n.id;
}

static int64_t new_case(fx *f)
{
	return new_case_of(f, "test");
}

typedef struct act_ctx {
	const actor *who;
	int64_t id;
	const char *action;
	json_t *body;
	unsigned extra;
} act_ctx;

static int tx_act(store_conn *c, void *p, err *e)
{
	act_ctx *a = p;
	return case_act(c, a->who, &test_machine, a->id, a->action, a->body, a->extra, NULL, e);
}

/* Takes an action through store_write; body is JSON text or NULL. Returns the error's
 * HTTP status, 200 on success; e holds the error. */
static int act_x(fx *f, const actor *who, int64_t id, const char *action, const char *body,
		 unsigned extra, err *e)
{
	json_t *b = body ? json_loads(body, 0, NULL) : NULL;
	if (body && !b)
		fail_msg("bad JSON in the test: %s", body);
	act_ctx a = {who, id, action, b, extra};
	memset(e, 0, sizeof *e);
	int rc = store_write(f->s, tx_act, &a, e);
	json_decref(b);
	return rc == 0 ? 200 : err_http_status(e->kind);
}

static int act(fx *f, const actor *who, int64_t id, const char *action, const char *body, err *e)
{
	return act_x(f, who, id, action, body, 0, e);
}

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

static void status_is(fx *f, int64_t id, const char *want)
{
	err e = {0};
	case_row r;
	if (case_load(store_conn_get(f->s, &e), id, &r, &e) < 0)
		fail_msg("case_load: %s", e.message);
	assert_string_equal(r.status, want);
}

static int64_t timeline_count(fx *f, int64_t id)
{
	return qi(f, "SELECT COUNT(*) FROM case_timeline WHERE case_id = ?", id);
}

static int64_t audit_count(fx *f)
{
	return qi(f, "SELECT COUNT(*) FROM audit_log", 0);
}

/* ---- refusals ---- */

/* A case's timeline as GET /api/v1/appeals/{id} writes it: its statement sent, then
 * written (case_timeline_send, case_timeline_write_sent). */
static int timeline_written(store_conn *c, int64_t case_id, strbuf *out)
{
	err e = {0};
	store_stmt *st = case_timeline_send(c, case_id, &e);
	if (!st || case_timeline_write_sent(st, out, &e) < 0)
		fail_msg("timeline of %lld: %s", (long long)case_id, e.message);
	return 0;
}

static void test_unknown_action_is_422_invalid_action(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	err e;
	assert_int_equal(act(f, &f->holder, id, "fly", NULL, &e), 422);
	assert_string_equal(e.code, "invalid_action");
	assert_string_equal(e.field, "action");
	status_is(f, id, "open");
}

static void test_wrong_role_is_403_whatever_the_state(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	err e;
	/* The leader sees the case but "take" is the holding unit's staff's. */
	assert_int_equal(act(f, &f->leader, id, "take", NULL, &e), 403);
	assert_string_equal(e.code, "forbidden");
	assert_int_equal(act(f, &f->holder, id, "take", NULL, &e), 200);
	/* Role first: in a state take does not leave from, still 403, not 409. */
	assert_int_equal(act(f, &f->leader, id, "take", NULL, &e), 403);
	assert_string_equal(e.code, "forbidden");
}

static void test_right_role_wrong_relation_is_403(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	err e;
	/* Unit staff, but of another unit; the case lies outside its area, so it does not
	 * even see it. A staff member of the county sees it but does not hold it. */
	assert_int_equal(act(f, &f->other_staff, id, "take", NULL, &e), 404);
	actor county_staff;
	make_actor(&county_staff, 17, "county_staff", COUNTY, "/1/2/", ROLE_UNIT_STAFF);
	assert_int_equal(act(f, &county_staff, id, "take", NULL, &e), 403);
	assert_string_equal(e.code, "forbidden");
	status_is(f, id, "open");
}

static void test_predicate_refusal_is_403(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	err e;
	assert_int_equal(act(f, &f->holder, id, "take", NULL, &e), 200);
	const char *body = "{\"score\": 4, \"result\": \"ok\"}";
	/* An agent of the area, but the one who registered it. */
	assert_int_equal(act(f, &f->reporter, id, "finish", body, &e), 403);
	assert_string_equal(e.code, "forbidden");
	assert_int_equal(act(f, &f->agent, id, "finish", body, &e), 200);
	status_is(f, id, "done");
}

static void test_wrong_state_is_409_invalid_state(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	err e;
	assert_int_equal(act(f, &f->agent, id, "finish", "{\"score\": 4, \"result\": \"ok\"}", &e),
			 409);
	assert_string_equal(e.code, "invalid_state");
	assert_int_equal(act(f, &f->holder, id, "take", NULL, &e), 200);
	assert_int_equal(act(f, &f->holder, id, "take", NULL, &e), 409);
	assert_string_equal(e.code, "invalid_state");
	/* "*" is any open state: a closed case cannot be poked. */
	assert_int_equal(act(f, &f->leader, id, "poke", NULL, &e), 200);
	assert_int_equal(act(f, &f->agent, id, "finish", "{\"score\": 4, \"result\": \"ok\"}", &e),
			 200);
	assert_int_equal(act(f, &f->leader, id, "poke", NULL, &e), 409);
	assert_string_equal(e.code, "invalid_state");
}

static void test_bad_body_is_400_or_422_by_the_declared_fields(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	err e;
	assert_int_equal(act(f, &f->holder, id, "take", "{\"note\": 5}", &e), 400);
	assert_string_equal(e.code, "invalid_type");
	assert_int_equal(act(f, &f->holder, id, "take", NULL, &e), 200);
	static const struct {
		const char *body;
		int status;
		const char *code, *field;
	} bad[] = {
		{"{\"result\": \"ok\"}", 422, "missing_field", "score"},
		{"{\"score\": \"4\", \"result\": \"ok\"}", 400, "invalid_type", "score"},
		{"{\"score\": 9, \"result\": \"ok\"}", 422, "out_of_range", "score"},
		{"{\"score\": 0, \"result\": \"ok\"}", 422, "out_of_range", "score"},
		{"{\"score\": 3}", 422, "missing_field", "result"},
		{"{\"score\": 3, \"result\": \"maybe\"}", 422, "invalid_value", "result"},
		{"{\"score\": 3, \"result\": \"ok\", \"summary\": \"一二三四五六七八九十一\"}", 422,
		 "too_long", "summary"},
		{"{\"score\": 3, \"result\": \"ok\", \"summary\": \"a\\u0001\"}", 422,
		 "invalid_text", "summary"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(act(f, &f->agent, id, "finish", bad[i].body, &e), bad[i].status);
		assert_string_equal(e.code, bad[i].code);
		assert_string_equal(e.field, bad[i].field);
	}
	/* The label is the message of a missing field. */
	act(f, &f->agent, id, "finish", "{}", &e);
	assert_string_equal(e.message, "请打分");
	status_is(f, id, "working");
	/* Keys not declared are ignored. */
	assert_int_equal(act(f, &f->agent, id, "finish",
			     "{\"score\": 3, \"result\": \"bad\", \"other\": [1]}", &e),
			 200);
}

static void test_invisible_case_is_404(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	int64_t ghost = new_case_of(f, "ghost");
	err e;
	assert_int_equal(act(f, &f->far_agent, id, "poke", NULL, &e), 404);
	assert_string_equal(e.code, "not_found");
	assert_string_equal(e.message, "测试件不存在");
	/* A case of another kind is not one of this machine's. */
	assert_int_equal(act(f, &f->leader, ghost, "poke", NULL, &e), 404);
	assert_int_equal(act(f, &f->leader, 999999, "poke", NULL, &e), 404);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM case_timeline WHERE action = 'poke'", 0), 0);
}

static void test_citizen_actions_are_the_citizens_alone(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	err e;
	assert_int_equal(act(f, &f->holder, id, "take", NULL, &e), 200);
	/* Staff do not have the citizen's action at all, and a citizen has no other. */
	assert_int_equal(act(f, &f->agent, id, "rate", NULL, &e), 422);
	assert_string_equal(e.code, "invalid_action");
	assert_int_equal(act_x(f, &f->citizen, id, "poke", NULL, CASE_REL_CITIZEN, &e), 422);
	assert_string_equal(e.code, "invalid_action");
	/* Without the proof (extra_rels) the citizen is no one. */
	assert_int_equal(act(f, &f->citizen, id, "rate", NULL, &e), 422);
	assert_int_equal(act_x(f, &f->citizen, id, "rate", NULL, CASE_REL_CITIZEN, &e), 200);
	status_is(f, id, "done");
}

/* ---- success and failure ---- */

static void test_success_writes_one_timeline_entry_one_audit_entry_and_its_notice(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	int64_t tl = timeline_count(f, id), au = audit_count(f);
	err e;
	assert_int_equal(act(f, &f->holder, id, "take", "{\"note\": \"我来办\"}", &e), 200);
	status_is(f, id, "working");
	assert_int_equal(timeline_count(f, id), tl + 1);
	assert_int_equal(audit_count(f), au + 1);
	assert_int_equal(qi(f, "SELECT touched FROM test_cases WHERE case_id = ?", id), 1);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM case_timeline WHERE case_id = ? AND action ="
			    " 'take' AND from_status = 'open' AND to_status = 'working'"
			    " AND note = '我来办' AND actor = 'holder'",
			    id),
			 1);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM audit_log WHERE action = 'test_take'"
			    " AND entity = 'test' AND entity_id = ?",
			    id),
			 1);
	/* The notice went to the intake unit, its body the note. */
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM notifications WHERE unit_id = ? AND kind ="
			    " 'taken' AND body = '我来办'",
			    COUNTY),
			 1);
	/* A poke stays in its state, still one entry each, and tells the holder and its
	 * parent (its own title); an agent of the owning region may poke too. */
	assert_int_equal(act(f, &f->agent, id, "poke", NULL, &e), 200);
	status_is(f, id, "working");
	assert_int_equal(timeline_count(f, id), tl + 2);
	assert_int_equal(audit_count(f), au + 2);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM notifications WHERE unit_id = ? AND kind ="
			    " 'poke' AND title = '催一下'",
			    BUREAU),
			 1);
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM notifications WHERE unit_id = ? AND kind ="
			    " 'poke' AND title = '下级被催'",
			    COUNTY),
			 1);
	/* The declared non-text fields and the handler's own go to timeline and audit. */
	assert_int_equal(act(f, &f->agent, id, "finish",
			     "{\"score\": 5, \"result\": \"ok\", \"summary\": \"好\"}", &e),
			 200);
	json_t *tline;
	assert_int_equal(case_timeline_json(store_conn_get(f->s, &e), id, &tline, &e), 0);
	json_t *last = json_array_get(tline, json_array_size(tline) - 1);
	json_t *data = json_object_get(last, "data");
	assert_int_equal(json_integer_value(json_object_get(data, "score")), 5);
	assert_string_equal(json_string_value(json_object_get(data, "result")), "ok");
	assert_true(json_is_true(json_object_get(data, "by_handler")));
	/* Texts are not data; the note is the body's note, reason or content only. */
	assert_null(json_object_get(data, "summary"));
	assert_true(json_is_null(json_object_get(last, "note")));
	/* The timeline written straight into a response (the read of one appeal) is the
	 * same array: every entry, key and value, in order. */
	strbuf sb = STRBUF_INIT;
	assert_int_equal(timeline_written(store_conn_get(f->s, &e), id, &sb), 0);
	json_t *written = json_loads(strbuf_str(&sb), 0, NULL);
	assert_non_null(written);
	assert_int_equal(json_array_size(written), json_array_size(tline));
	assert_true(json_equal(written, tline));
	char *a = json_dumps(written, JSON_COMPACT), *b = json_dumps(tline, JSON_COMPACT);
	assert_string_equal(a, b);
	free(a);
	free(b);
	json_decref(written);
	strbuf_release(&sb);
	json_decref(tline);
}

typedef struct tl_ctx {
	fx *f;
	int64_t a, b;
} tl_ctx;

/* Entries of two cases written turn about, as a city's cases are acted on. */
static int tx_interleaved(store_conn *c, void *p, err *e)
{
	tl_ctx *x = p;
	static const char *const actions[] = {"one", "two", "three", "four"};
	for (int i = 0; i < 4; i++) {
		json_t *d = json_pack("{s:i}", "i", i);
		int rc = case_timeline_add(c, &x->f->agent, x->a, actions[i], "open", "open",
					   i == 2 ? "说明" : NULL, i == 1 ? d : NULL, e);
		if (rc == 0)
			rc = case_timeline_add(c, &x->f->agent, x->b, "other", NULL, NULL, NULL, d,
					       e);
		json_decref(d);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void test_timeline_reads_a_case_in_order_from_one_index(void **state)
{
	fx *f = *state;
	err e = {0};
	tl_ctx x = {f, new_case(f), new_case(f)};
	assert_int_equal(store_write(f->s, tx_interleaved, &x, &e), 0);
	strbuf sb = STRBUF_INIT;
	store_conn *c = store_conn_get(f->s, &e);
	assert_int_equal(timeline_written(c, x.a, &sb), 0);
	json_t *tl = json_loads(strbuf_str(&sb), 0, NULL);
	assert_non_null(tl);
	/* "create", then the four in the order written, with the other case's left out. */
	assert_int_equal(json_array_size(tl), 5);
	static const char *const want[] = {"create", "one", "two", "three", "four"};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(
			json_string_value(json_object_get(json_array_get(tl, i), "action")),
			want[i]);
	json_t *two = json_array_get(tl, 2), *three = json_array_get(tl, 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(two, "data"), "i")), 1);
	assert_null(json_object_get(three, "data"));
	assert_string_equal(json_string_value(json_object_get(three, "note")), "说明");
	assert_string_equal(json_string_value(json_object_get(three, "from")), "open");
	assert_string_equal(json_string_value(json_object_get(three, "actor")), f->agent.username);
	json_decref(tl);
	strbuf_release(&sb);
	/* On SQLite the entries come from the covering index of migration 022 alone: no
	 * table row is read. */
	if (store_kind(f->s) == STORE_SQLITE) {
		store_stmt *st =
			store_prepare(c,
				      "EXPLAIN QUERY PLAN SELECT t.at, t.actor, t.unit_id, (SELECT "
				      "u.name FROM units u"
				      " WHERE u.id = t.unit_id), t.action, t.from_status, "
				      "t.to_status, t.note, t.data"
				      " FROM case_timeline t WHERE t.case_id = ? ORDER BY t.id",
				      &e);
		assert_non_null(st);
		store_bind_int(st, 1, x.a);
		bool covering = false;
		while (store_step(st, &e) == 1)
			covering |= strstr(store_col_text(st, 3),
					   "COVERING INDEX case_timeline_read") != NULL;
		store_done(st);
		assert_true(covering);
	}
}

static void test_handler_failure_rolls_back_everything(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	int64_t tl = timeline_count(f, id), au = audit_count(f);
	err e;
	assert_int_equal(act(f, &f->agent, id, "fail", NULL, &e), 409);
	assert_string_equal(e.code, "handler_refused");
	status_is(f, id, "open");
	assert_int_equal(timeline_count(f, id), tl);
	assert_int_equal(audit_count(f), au);
	assert_int_equal(qi(f, "SELECT touched FROM test_cases WHERE case_id = ?", id), 0);
	assert_int_equal(qi(f, "SELECT COUNT(*) FROM notifications", 0), 0);
}

/* ---- what a caller may do ---- */

static void allowed_is(fx *f, const actor *who, int64_t id, const char *want)
{
	err e = {0};
	case_row r;
	if (case_load(store_conn_get(f->s, &e), id, &r, &e) < 0)
		fail_msg("case_load: %s", e.message);
	json_t *a = case_allowed_actions(who, &test_machine, &r);
	char *got = json_dumps(a, JSON_COMPACT);
	assert_string_equal(got, want);
	free(got);
	json_decref(a);
}

static void test_allowed_actions_follow_takers_and_state(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	allowed_is(f, &f->holder, id, "[\"take\"]");
	allowed_is(f, &f->agent, id, "[\"fail\",\"poke\"]");
	allowed_is(f, &f->leader, id, "[\"poke\"]");
	allowed_is(f, &f->other_staff, id, "[]");
	err e;
	assert_int_equal(act(f, &f->holder, id, "take", NULL, &e), 200);
	allowed_is(f, &f->holder, id, "[]");
	allowed_is(f, &f->agent, id, "[\"finish\",\"fail\",\"poke\"]");
	/* The predicate: the reporter may not finish. */
	allowed_is(f, &f->reporter, id, "[\"fail\",\"poke\"]");
}

static void test_relations_of_a_caller(void **state)
{
	fx *f = *state;
	int64_t id = new_case(f);
	err e = {0};
	case_row r;
	assert_int_equal(case_load(store_conn_get(f->s, &e), id, &r, &e), 0);
	assert_int_equal(case_rels_of(&f->holder, &r), CASE_REL_AREA | CASE_REL_HOLDER);
	assert_int_equal(case_rels_of(&f->reporter, &r),
			 CASE_REL_AREA | CASE_REL_REGION | CASE_REL_REPORTER);
	assert_int_equal(case_rels_of(&f->agent, &r), CASE_REL_AREA | CASE_REL_REGION);
	assert_int_equal(case_rels_of(&f->far_agent, &r), 0);
}

/* ---- the registry, the scheduler and deadlines ---- */

typedef struct assign_ctx {
	int64_t id, t0;
	const char *status;
} assign_ctx;

static int tx_assign(store_conn *c, void *p, err *e)
{
	assign_ctx *a = p;
	return case_assign(c, a->id, BUREAU, a->t0, a->t0 + 100 * MIN, a->t0 + 1000 * MIN, e) < 0 ||
			       case_set_status(c, a->id, a->status, a->t0, e) < 0
		       ? -1
		       : 0;
}

static void assign(fx *f, int64_t id, int64_t t0, const char *status)
{
	assign_ctx a = {id, t0, status};
	err e = {0};
	if (store_write(f->s, tx_assign, &a, &e) < 0)
		fail_msg("assign: %s", e.message);
}

static void test_scheduler_urges_only_open_states_of_registered_kinds(void **state)
{
	fx *f = *state;
	int64_t t0;
	assert_int_equal(clock_parse_iso("2026-11-27T09:00:00+08:00", &t0), 0);
	int64_t open = new_case(f), closed = new_case(f), voided = new_case(f);
	int64_t ghost = new_case_of(f, "ghost");
	assign(f, open, t0, "working");
	assign(f, closed, t0, "done");
	assign(f, voided, t0, "void");
	assign(f, ghost, t0, "working");
	err e = {0};
	int n = jobs_run_pass(f->s, NULL, t0 + 200 * MIN, &e);
	assert_int_equal(n, 1);
	assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", open), 2);
	assert_int_equal(qi(f, "SELECT urges FROM test_cases WHERE case_id = ?", open), 1);
	for (int64_t *id = (int64_t[]){closed, voided, ghost, 0}; *id; id++) {
		assert_int_equal(qi(f, "SELECT sign_alert FROM cases WHERE id = ?", *id), 0);
		assert_int_equal(qi(f, "SELECT urges FROM test_cases WHERE case_id = ?", *id), 0);
	}
	assert_int_equal(qi(f,
			    "SELECT COUNT(*) FROM audit_log WHERE action = 'case_auto_urge'"
			    " AND entity = 'test' AND entity_id = ?",
			    open),
			 1);
}

static void test_registry(void **state)
{
	(void)state;
	assert_ptr_equal(case_machine_get("test"), &test_machine);
	assert_null(case_machine_get("ghost"));
	assert_true(case_state_open(&test_machine, "working"));
	assert_false(case_state_open(&test_machine, "void"));
	const struct case_action *poke = case_action_find(&test_machine, "poke");
	assert_non_null(poke);
	assert_true(case_action_from(&test_machine, poke, "open"));
	assert_false(case_action_from(&test_machine, poke, "done"));
	assert_null(case_action_find(&test_machine, "fly"));
}

typedef struct due_ctx {
	const char *kind, *policy;
	bool urgent;
	int64_t start, sign, finish;
} due_ctx;

static int tx_due(store_conn *c, void *p, err *e)
{
	due_ctx *d = p;
	return case_deadlines(c, d->kind, d->policy, d->urgent, 0, d->start, &d->sign, &d->finish,
			      e);
}

static void test_deadlines_per_kind(void **state)
{
	fx *f = *state;
	exec_sql(f->s, "INSERT INTO deadline_policies (kind, type, urgent, sign_minutes,"
		       " sign_working, finish_minutes, finish_working) VALUES"
		       " ('test', '*', 0, 30, 0, 600, 0), ('test', 'big', 0, 60, 0, 6000, 0)");
	int64_t t0;
	assert_int_equal(clock_parse_iso("2026-11-27T09:00:00+08:00", &t0), 0);
	err e = {0};
	due_ctx d = {"test", "small", false, t0, 0, 0};
	assert_int_equal(store_write(f->s, tx_due, &d, &e), 0);
	assert_int_equal(d.sign - t0, 30 * MIN);
	assert_int_equal(d.finish - t0, 600 * MIN);
	d = (due_ctx){"test", "big", false, t0, 0, 0};
	assert_int_equal(store_write(f->s, tx_due, &d, &e), 0);
	assert_int_equal(d.finish - t0, 6000 * MIN);
	/* The appeal's urgent policy (natural hours) is not the test kind's. */
	d = (due_ctx){"appeal", "complaint", true, t0, 0, 0};
	assert_int_equal(store_write(f->s, tx_due, &d, &e), 0);
	assert_int_equal(d.sign - t0, 60 * MIN);
	assert_int_equal(d.finish - t0, 24 * 60 * MIN);
}

/* ---- jv_check, alone ---- */

static void test_jv_check_types_times_and_nullable(void **state)
{
	(void)state;
	static const struct jv_field fields[] = {
		{"at", JV_TIME, JV_REQUIRED, 0, 0, NULL, NULL},
		{"share", JV_NUMBER, 0, 0, 1, NULL, NULL},
		{"id", JV_ID, 0, 0, 0, NULL, NULL},
		{"flag", JV_BOOL, 0, 0, 0, NULL, NULL},
		{"gone", JV_STRING, JV_NULLABLE, 0, 10, NULL, NULL},
		{0}};
	struct {
		const char *body;
		int rc;
		const char *code;
	} cases[] = {
		{"{\"at\": \"2026-11-27T09:00:00+08:00\", \"gone\": null}", 0, ""},
		{"{\"at\": \"yesterday\"}", -1, "invalid_time"},
		{"{}", -1, "missing_field"},
		{"{\"at\": \"2026-11-27\", \"share\": 0.5, \"id\": 3, \"flag\": false}", 0, ""},
		{"{\"at\": \"2026-11-27\", \"share\": 1.5}", -1, "out_of_range"},
		{"{\"at\": \"2026-11-27\", \"share\": \"x\"}", -1, "invalid_type"},
		{"{\"at\": \"2026-11-27\", \"id\": -2}", -1, "out_of_range"},
		{"{\"at\": \"2026-11-27\", \"flag\": 1}", -1, "invalid_type"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *o = json_loads(cases[i].body, 0, NULL);
		err e = {0};
		assert_int_equal(jv_check(o, fields, &e), cases[i].rc);
		assert_string_equal(e.code, cases[i].code);
		json_decref(o);
	}
	json_t *o = json_loads("{\"at\": \"2026-11-27T09:00:00+08:00\"}", 0, NULL);
	int64_t want;
	assert_int_equal(clock_parse_iso("2026-11-27T09:00:00+08:00", &want), 0);
	assert_int_equal(jv_time_ms(o, "at"), want);
	assert_int_equal(jv_time_ms(o, "none"), 0);
	json_decref(o);
}

static void test_search_text_leaves_out_a_title_the_content_begins_with(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT;
	/* The intake's title: the content's first words. */
	case_search_text(&sb, "FX1", "暖气不热，室温", "暖气不热，室温只有15度", "中华路1号");
	assert_string_equal(strbuf_str(&sb), "FX1 暖气不热，室温只有15度 中华路1号");
	strbuf_reset(&sb);
	/* A title of its own is indexed with the content. */
	case_search_text(&sb, "FX2", "供暖投诉", "暖气不热", NULL);
	assert_string_equal(strbuf_str(&sb), "FX2 供暖投诉 暖气不热 ");
	strbuf_reset(&sb);
	/* A content that is a prefix of the title does not hide the title's rest. */
	case_search_text(&sb, "FX3", "暖气不热，室温", "暖气", NULL);
	assert_string_equal(strbuf_str(&sb), "FX3 暖气不热，室温 暖气 ");
	strbuf_release(&sb);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	case_machine_register(&test_machine);
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_jv_check_types_times_and_nullable),
		cmocka_unit_test(test_search_text_leaves_out_a_title_the_content_begins_with),
	};
	const struct CMUnitTest tests[] = {
		T(test_unknown_action_is_422_invalid_action),
		T(test_wrong_role_is_403_whatever_the_state),
		T(test_right_role_wrong_relation_is_403),
		T(test_predicate_refusal_is_403),
		T(test_wrong_state_is_409_invalid_state),
		T(test_bad_body_is_400_or_422_by_the_declared_fields),
		T(test_invisible_case_is_404),
		T(test_citizen_actions_are_the_citizens_alone),
		T(test_success_writes_one_timeline_entry_one_audit_entry_and_its_notice),
		T(test_timeline_reads_a_case_in_order_from_one_index),
		T(test_handler_failure_rolls_back_everything),
		T(test_allowed_actions_follow_takers_and_state),
		T(test_relations_of_a_caller),
		T(test_scheduler_urges_only_open_states_of_registered_kinds),
		T(test_deadlines_per_kind),
	};
	int failed = cmocka_run_group_tests_name("engine", pure, NULL, NULL);
	return failed + tu_run_both("engine", tests, sizeof tests / sizeof tests[0]);
}
