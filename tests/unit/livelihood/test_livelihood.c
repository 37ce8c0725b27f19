/* 民生实事票决: the tally and outcome rules as pure functions, then the ballot, the close,
 * the runoff and the evaluation on SQLite and (with YIWANG_TEST_PG) on PostgreSQL. Each
 * store test builds a city with a congress department, a transport bureau, five deputies
 * (one disabled) and congress staff, and three candidates. */
#include "testutil.h"

#include <pthread.h>

#include "org/actor.h"
#include "core/clock.h"
#include "livelihood/livelihood.h"
#include "org/unit.h"
#include "org/user.h"

/* ---- pure rules ---- */

static lv_tally_item item(int64_t id, int64_t votes, int pos)
{
	return (lv_tally_item){.candidate_id = id, .votes = votes, .position = pos};
}

static const lv_tally_item *find(const lv_tally_item *it, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (it[i].candidate_id == id)
			return &it[i];
	fail_msg("candidate %lld missing", (long long)id);
	return NULL;
}

static void test_tally_elects_more_than_half_of_roll_within_seats(void **state)
{
	(void)state;
	/* Roll 40: 21 votes is a majority, 20 is not. Three seats. */
	lv_tally_item it[] = {item(1, 30, 1), item(2, 21, 2), item(3, 20, 3), item(4, 35, 4),
			      item(5, 25, 5)};
	int runoff;
	int n = lv_tally_decide(it, 5, 3, "roll_majority", 40, 38, &runoff);
	assert_int_equal(n, 3);
	assert_int_equal(runoff, 0);
	assert_true(find(it, 5, 4)->elected);
	assert_true(find(it, 5, 1)->elected);
	assert_true(find(it, 5, 5)->elected);
	assert_false(find(it, 5, 2)->elected); /* a majority, but outside the seats */
	assert_false(find(it, 5, 3)->elected);
	/* Sorted by votes: the listing order of the result. */
	assert_int_equal(it[0].candidate_id, 4);
	assert_int_equal(it[4].candidate_id, 3);
}

static void test_tally_exactly_half_is_not_a_majority(void **state)
{
	(void)state;
	lv_tally_item it[] = {item(1, 20, 1), item(2, 21, 2)};
	int runoff;
	assert_int_equal(lv_tally_decide(it, 2, 2, "roll_majority", 40, 40, &runoff), 1);
	assert_false(find(it, 2, 1)->elected);
	assert_true(find(it, 2, 2)->elected);
	/* An odd roll: 41 needs 21. */
	lv_tally_item odd[] = {item(1, 20, 1), item(2, 21, 2)};
	assert_int_equal(lv_tally_decide(odd, 2, 2, "roll_majority", 41, 41, &runoff), 1);
	assert_true(find(odd, 2, 2)->elected);
}

static void test_tally_tie_across_last_seat_elects_none_of_the_tied(void **state)
{
	(void)state;
	/* Two seats; 1 leads, 2 and 3 tie for the second seat: only 1 is elected and a
	 * runoff among 2 and 3 for one seat is needed. */
	lv_tally_item it[] = {item(1, 30, 1), item(2, 25, 2), item(3, 25, 3), item(4, 10, 4)};
	int runoff;
	assert_int_equal(lv_tally_decide(it, 4, 2, "roll_majority", 40, 40, &runoff), 1);
	assert_int_equal(runoff, 1);
	assert_true(find(it, 4, 1)->elected);
	assert_false(find(it, 4, 2)->elected);
	assert_false(find(it, 4, 3)->elected);
	assert_true(find(it, 4, 2)->runoff);
	assert_true(find(it, 4, 3)->runoff);
	assert_false(find(it, 4, 4)->runoff);
	/* A tie at the top reaching over the only seat: nobody, runoff for one seat. */
	lv_tally_item top[] = {item(1, 30, 1), item(2, 30, 2)};
	assert_int_equal(lv_tally_decide(top, 2, 1, "roll_majority", 40, 40, &runoff), 0);
	assert_int_equal(runoff, 1);
	assert_true(top[0].runoff && top[1].runoff);
}

static void test_tally_tie_within_seats_elects_all_tied(void **state)
{
	(void)state;
	lv_tally_item it[] = {item(1, 25, 1), item(2, 25, 2), item(3, 5, 3)};
	int runoff;
	assert_int_equal(lv_tally_decide(it, 3, 2, "roll_majority", 40, 40, &runoff), 2);
	assert_int_equal(runoff, 0);
	assert_true(find(it, 3, 1)->elected && find(it, 3, 2)->elected);
}

static void test_tally_tie_below_majority_needs_no_runoff(void **state)
{
	(void)state;
	lv_tally_item it[] = {item(1, 30, 1), item(2, 15, 2), item(3, 15, 3)};
	int runoff;
	assert_int_equal(lv_tally_decide(it, 3, 2, "roll_majority", 40, 40, &runoff), 1);
	assert_int_equal(runoff, 0);
	assert_false(find(it, 3, 2)->runoff);
}

static void test_tally_ballots_majority_counts_against_ballots_cast(void **state)
{
	(void)state;
	/* 40 on the roll, 30 voted: 16 votes is more than half of the ballots, not of the
	 * roll. */
	lv_tally_item a[] = {item(1, 16, 1)}, b[] = {item(1, 16, 1)};
	int runoff;
	assert_int_equal(lv_tally_decide(a, 1, 1, "ballots_majority", 40, 30, &runoff), 1);
	assert_int_equal(lv_tally_decide(b, 1, 1, "roll_majority", 40, 30, &runoff), 0);
	lv_tally_item c[] = {item(1, 15, 1)};
	assert_int_equal(lv_tally_decide(c, 1, 1, "ballots_majority", 40, 30, &runoff), 0);
}

static void test_evaluation_outcome_rules(void **state)
{
	(void)state;
	/* Roll 40: more than 20 ratings are needed at all. */
	assert_string_equal(lv_evaluation_outcome(40, 10, 5, 5), "no_quorum");
	assert_string_equal(lv_evaluation_outcome(40, 21, 0, 0), "satisfied");
	assert_string_equal(lv_evaluation_outcome(40, 20, 1, 0), "basically_satisfied");
	assert_string_equal(lv_evaluation_outcome(40, 20, 0, 1), "dissatisfied");
	assert_string_equal(lv_evaluation_outcome(40, 10, 11, 15), "basically_satisfied");
	assert_string_equal(lv_evaluation_outcome(40, 10, 10, 16), "dissatisfied");
	/* Satisfied must exceed half of the roll, not of the ratings. */
	assert_string_equal(lv_evaluation_outcome(40, 15, 5, 1), "dissatisfied");
	assert_string_equal(lv_evaluation_outcome(40, 20, 0, 0), "no_quorum");
	assert_string_equal(lv_evaluation_outcome(0, 0, 0, 0), "no_quorum");
}

static void test_milestone_states(void **state)
{
	(void)state;
	int64_t now;
	assert_int_equal(clock_parse_iso("2026-06-01T10:00", &now), 0);
	assert_string_equal(lv_milestone_state("2026-05-31", 90, now), "late");
	assert_string_equal(lv_milestone_state("2026-06-01", 90, now), "at_risk");
	assert_string_equal(lv_milestone_state("2026-06-11", 90, now), "at_risk");
	assert_string_equal(lv_milestone_state("2026-06-12", 90, now), "on_track");
	assert_string_equal(lv_milestone_state("2026-05-01", 100, now), "done");
	const char *s1[] = {"done", "on_track", "at_risk"};
	assert_string_equal(lv_project_state(s1, 3), "at_risk");
	const char *s2[] = {"at_risk", "late"};
	assert_string_equal(lv_project_state(s2, 2), "late");
	const char *s3[] = {"done"};
	assert_string_equal(lv_project_state(s3, 1), "on_track");
	assert_string_equal(lv_project_state(NULL, 0), "on_track");
}

static void test_photo_type_by_magic_bytes(void **state)
{
	(void)state;
	const char *mime, *ext;
	const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10};
	const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0};
	const unsigned char webp[] = "RIFF\x10\0\0\0WEBPVP8 ";
	const unsigned char gif[] = "GIF89a......";
	const unsigned char html[] = "<html><script>";
	assert_true(lv_photo_type(jpg, sizeof jpg, &mime, &ext));
	assert_string_equal(mime, "image/jpeg");
	assert_true(lv_photo_type(png, sizeof png, &mime, &ext));
	assert_string_equal(ext, "png");
	assert_true(lv_photo_type(webp, sizeof webp - 1, &mime, &ext));
	assert_string_equal(mime, "image/webp");
	assert_false(lv_photo_type(gif, sizeof gif - 1, &mime, &ext));
	assert_false(lv_photo_type(html, sizeof html - 1, &mime, &ext));
	assert_false(lv_photo_type(jpg, 2, &mime, &ext));
}

static void test_choices_round_trip_sorted(void **state)
{
	(void)state;
	int64_t ids[] = {9, 3, 5};
	char text[64];
	lv_choices_format(ids, 3, text, sizeof text);
	assert_string_equal(text, "3,5,9");
	int64_t back[8];
	size_t n;
	assert_int_equal(lv_choices_parse(text, back, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(back[2], 9);
	assert_int_equal(lv_choices_parse("", back, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(lv_choices_parse("3,,5", back, 8, &n), -1);
	assert_int_equal(lv_choices_parse("1,2,3", back, 2, &n), -1);
}

/* ---- on the databases ---- */

enum { NDEP = 5 };

typedef struct fx {
	tu_db d;
	store *s;
	actor sys, staff, dep[NDEP], disabled, outsider;
	int64_t city, congress, transport, county;
	int64_t cand[3];
} fx;

static int mk_user(store_conn *c, fx *f, const char *name, int64_t unit, unsigned roles, actor *out,
		   err *e)
{
	user_input in = {.username = name,
			 .display_name = name,
			 .password_hash = "x",
			 .unit_id = unit,
			 .roles = roles};
	memset(out, 0, sizeof *out);
	if (user_create(c, &f->sys, &in, &out->user_id, e) < 0)
		return -1;
	snprintf(out->username, sizeof out->username, "%s", name);
	out->unit_id = unit;
	out->roles = roles;
	snprintf(out->ip, sizeof out->ip, "127.0.0.1");
	return unit_path(c, unit, out->unit_path, sizeof out->unit_path, e);
}

static int tx_build(store_conn *c, void *ctx, err *e)
{
	fx *f = ctx;
	unit_input city = {.name = "阜新市", .kind = "city"};
	if (unit_create(c, &f->sys, &city, &f->city, e) < 0)
		return -1;
	unit_input cg = {.name = "人大常委会", .kind = "department", .parent_id = f->city};
	unit_input tr = {.name = "交通运输局", .kind = "department", .parent_id = f->city};
	unit_input co = {.name = "海州区", .kind = "county", .parent_id = f->city};
	if (unit_create(c, &f->sys, &cg, &f->congress, e) < 0 ||
	    unit_create(c, &f->sys, &tr, &f->transport, e) < 0 ||
	    unit_create(c, &f->sys, &co, &f->county, e) < 0)
		return -1;
	/* Congress staff see the city (their department's region). */
	if (mk_user(c, f, "congress", f->congress, ROLE_CONGRESS_STAFF, &f->staff, e) < 0)
		return -1;
	snprintf(f->staff.unit_path, sizeof f->staff.unit_path, "/%lld/", (long long)f->city);
	for (int i = 0; i < NDEP; i++) {
		char name[32];
		snprintf(name, sizeof name, "deputy%02d", i + 1);
		if (mk_user(c, f, name, f->city, ROLE_DEPUTY, &f->dep[i], e) < 0)
			return -1;
	}
	if (mk_user(c, f, "retired", f->city, ROLE_DEPUTY, &f->disabled, e) < 0 ||
	    store_exec(c, e, "UPDATE users SET disabled = 1 WHERE id = ?", "i",
		       f->disabled.user_id) < 0 ||
	    mk_user(c, f, "agentx", f->city, ROLE_AGENT, &f->outsider, e) < 0)
		return -1;
	const char *titles[] = {"老旧小区改造", "农村公路", "供水管网"};
	for (int i = 0; i < 3; i++) {
		lv_candidate_input in = {.year = 2031,
					 .title = titles[i],
					 .description = "说明",
					 .budget_yuan = 1000000,
					 .lead_unit_id = f->transport};
		if (lv_candidate_create(c, &f->staff, &in, &f->cand[i], e) < 0)
			return -1;
	}
	return 0;
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

static int64_t count(fx *f, const char *sql, int64_t arg)
{
	int64_t n;
	err e = {0};
	if (store_query_int(tu_conn(f->s), &n, 0, &e, sql, "i", arg) < 0)
		fail_msg("%s: %s", sql, e.message);
	return n;
}

typedef struct op {
	fx *f;
	const actor *who;
	int64_t id, out;
	const int64_t *ids;
	size_t n;
	const char *text;
	char receipt[LV_RECEIPT_LEN + 1];
	int kind;
} op;

enum { OP_CREATE, OP_OPEN, OP_CLOSE, OP_CAST, OP_RUNOFF, OP_EVAL_OPEN, OP_RATE, OP_EVAL_CLOSE };

static int tx_op(store_conn *c, void *p, err *e)
{
	op *o = p;
	switch (o->kind) {
	case OP_CREATE: {
		lv_session_input in = {.title = "2031年民生实事票决",
				       .year = 2031,
				       .seats = (int64_t)o->out,
				       .rule = o->text,
				       .candidate_ids = o->ids,
				       .ncandidates = o->n};
		return lv_session_create(c, o->who, &in, &o->id, e);
	}
	case OP_OPEN: return lv_session_open(c, o->who, o->id, e);
	case OP_CLOSE: return lv_session_close(c, o->who, o->id, e);
	case OP_CAST: return lv_ballot_cast(c, o->who, o->id, o->ids, o->n, o->receipt, e);
	case OP_RUNOFF: return lv_session_runoff(c, o->who, o->id, &o->out, e);
	case OP_EVAL_OPEN: return lv_evaluation_open(c, o->who, o->id, e);
	case OP_RATE: return lv_rating_add(c, o->who, o->id, o->text, e);
	case OP_EVAL_CLOSE: return lv_evaluation_close(c, o->who, o->id, e);
	}
	return -1;
}

static int run_op(op *o, err *e)
{
	return store_write(o->f->s, tx_op, o, e);
}

static void ok(op *o)
{
	err e = {0};
	if (run_op(o, &e) < 0)
		fail_msg("operation %d: %s (%s)", o->kind, e.message, e.code);
}

/* A session over all three candidates with seats, opened. */
static int64_t open_session(fx *f, int seats, const char *rule)
{
	op o = {.f = f,
		.who = &f->staff,
		.kind = OP_CREATE,
		.ids = f->cand,
		.n = 3,
		.out = seats,
		.text = rule};
	ok(&o);
	o.kind = OP_OPEN;
	ok(&o);
	return o.id;
}

static void cast(fx *f, int64_t session, int deputy, const int64_t *ids, size_t n, char *receipt)
{
	op o = {.f = f, .who = &f->dep[deputy], .kind = OP_CAST, .id = session, .ids = ids, .n = n};
	ok(&o);
	if (receipt)
		memcpy(receipt, o.receipt, sizeof o.receipt);
}

static void cast_fails(fx *f, int64_t session, const actor *who, const int64_t *ids, size_t n,
		       enum err_kind kind, const char *code)
{
	int64_t before = count(f, "SELECT COUNT(*) FROM lv_ballots WHERE session_id = ?", session);
	int64_t cast_before =
		count(f, "SELECT ballots_cast FROM lv_sessions WHERE id = ?", session);
	op o = {.f = f, .who = who, .kind = OP_CAST, .id = session, .ids = ids, .n = n};
	err e = {0};
	assert_int_equal(run_op(&o, &e), -1);
	assert_int_equal(e.kind, kind);
	assert_string_equal(e.code, code);
	/* Nothing recorded. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM lv_ballots WHERE session_id = ?", session),
			 before);
	assert_int_equal(count(f, "SELECT ballots_cast FROM lv_sessions WHERE id = ?", session),
			 cast_before);
}

static void test_roll_is_every_active_deputy(void **state)
{
	fx *f = *state;
	int64_t s = open_session(f, 2, NULL);
	assert_int_equal(count(f, "SELECT roll_size FROM lv_sessions WHERE id = ?", s), NDEP);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM lv_roll WHERE session_id = ?", s), NDEP);
	assert_int_equal(
		count(f, "SELECT COUNT(*) FROM lv_roll WHERE user_id = ?", f->disabled.user_id), 0);
}

static void test_ballot_is_stored_apart_from_the_voter(void **state)
{
	fx *f = *state;
	int64_t s = open_session(f, 2, NULL);
	int64_t choice[] = {f->cand[2], f->cand[0]};
	char receipt[LV_RECEIPT_LEN + 1];
	cast(f, s, 0, choice, 2, receipt);
	assert_int_equal(strlen(receipt), LV_RECEIPT_LEN);
	/* The roll knows who voted, the ballot what was chosen, under the receipt only. */
	assert_int_equal(count(f,
			       "SELECT voted FROM lv_roll WHERE session_id = ? AND user_id = "
			       "(SELECT id FROM users WHERE username = 'deputy01')",
			       s),
			 1);
	store_stmt *st;
	err e = {0};
	assert_int_equal(store_query_row(tu_conn(f->s), &st, &e,
					 "SELECT * FROM lv_ballots WHERE session_id = ?", "i", s),
			 1);
	assert_int_equal(store_column_count(st), 3);
	assert_string_equal(store_column_name(st, 0), "receipt");
	assert_string_equal(store_column_name(st, 1), "session_id");
	assert_string_equal(store_column_name(st, 2), "choices");
	assert_string_equal(store_col_text(st, 0), receipt);
	char want[64];
	int64_t sorted[] = {f->cand[0], f->cand[2]};
	lv_choices_format(sorted, 2, want, sizeof want);
	assert_string_equal(store_col_text(st, 2), want);
	store_done(st);
	/* The audit entry names the deputy and the session, not the receipt or choice. */
	assert_int_equal(store_query_row(tu_conn(f->s), &st, &e,
					 "SELECT detail FROM audit_log WHERE action ="
					 " 'livelihood.ballot_cast' AND entity_id = ?",
					 "i", s),
			 1);
	assert_string_equal(store_col_text(st, 0), "{}");
	store_done(st);
}

static void test_second_ballot_and_bad_ballots_record_nothing(void **state)
{
	fx *f = *state;
	int64_t s = open_session(f, 2, NULL);
	int64_t one[] = {f->cand[0]};
	cast(f, s, 0, one, 1, NULL);
	cast_fails(f, s, &f->dep[0], one, 1, ERR_CONFLICT, "already_voted");
	int64_t three[] = {f->cand[0], f->cand[1], f->cand[2]};
	cast_fails(f, s, &f->dep[1], three, 3, ERR_INVALID, "too_many_choices");
	int64_t twice[] = {f->cand[1], f->cand[1]};
	cast_fails(f, s, &f->dep[1], twice, 2, ERR_INVALID, "duplicate_choice");
	int64_t unknown[] = {f->cand[0], 999999};
	cast_fails(f, s, &f->dep[1], unknown, 2, ERR_INVALID, "unknown_candidate");
	cast_fails(f, s, &f->disabled, one, 1, ERR_FORBIDDEN, "not_on_roll");
	cast_fails(f, s, &f->outsider, one, 1, ERR_FORBIDDEN, "forbidden");
	/* The deputy whose bad ballots were refused can still vote. */
	cast(f, s, 1, one, 1, NULL);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM lv_ballots WHERE session_id = ?", s), 2);
	op o = {.f = f, .who = &f->staff, .kind = OP_CLOSE, .id = s};
	ok(&o);
	cast_fails(f, s, &f->dep[2], one, 1, ERR_CONFLICT, "session_not_open");
}

static void test_draft_session_takes_no_ballots_and_hides_tally(void **state)
{
	fx *f = *state;
	op o = {.f = f, .who = &f->staff, .kind = OP_CREATE, .ids = f->cand, .n = 3, .out = 1};
	ok(&o);
	int64_t one[] = {f->cand[0]};
	cast_fails(f, o.id, &f->dep[0], one, 1, ERR_CONFLICT, "session_not_open");
	o.kind = OP_OPEN;
	ok(&o);
	cast(f, o.id, 0, one, 1, NULL);
	json_t *res;
	err e = {0};
	/* Not even the staff (nor the system) sees a tally before the close. */
	assert_int_equal(lv_session_result(tu_conn(f->s), &f->staff, o.id, &res, &e), -1);
	assert_string_equal(e.code, "session_not_closed");
	assert_int_equal(lv_session_result(tu_conn(f->s), &f->sys, o.id, &res, &e), -1);
	assert_int_equal(lv_session_receipts(tu_conn(f->s), &f->sys, o.id, &res, &e), -1);
	json_t *sess;
	assert_int_equal(lv_session_get(tu_conn(f->s), &f->staff, o.id, &sess, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(sess, "ballots_cast")), 1);
	json_t *c0 = json_array_get(json_object_get(sess, "candidates"), 0);
	assert_null(json_object_get(c0, "votes"));
	json_decref(sess);
}

static void test_close_counts_elects_and_makes_projects(void **state)
{
	fx *f = *state;
	int64_t s = open_session(f, 2, NULL);
	/* Roll 5 needs 3 votes. cand0: 3, cand1: 3 (tied within the seats), cand2: 2. */
	int64_t a[] = {f->cand[0], f->cand[1]}, b[] = {f->cand[0], f->cand[1]},
		c[] = {f->cand[1], f->cand[2]}, d[] = {f->cand[0], f->cand[2]};
	char r[4][LV_RECEIPT_LEN + 1];
	cast(f, s, 0, a, 2, r[0]);
	cast(f, s, 1, b, 2, r[1]);
	cast(f, s, 2, c, 2, r[2]);
	cast(f, s, 3, d, 2, r[3]);
	op o = {.f = f, .who = &f->staff, .kind = OP_CLOSE, .id = s};
	ok(&o);
	json_t *res;
	err e = {0};
	assert_int_equal(lv_session_result(tu_conn(f->s), &f->dep[4], s, &res, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "roll_size")), NDEP);
	assert_int_equal(json_integer_value(json_object_get(res, "ballots_cast")), 4);
	json_t *items = json_object_get(res, "items");
	assert_int_equal(json_array_size(items), 3);
	json_t *first = json_array_get(items, 0), *second = json_array_get(items, 1),
	       *third = json_array_get(items, 2);
	assert_int_equal(json_integer_value(json_object_get(first, "candidate_id")), f->cand[0]);
	assert_int_equal(json_integer_value(json_object_get(first, "votes")), 3);
	assert_true(json_is_true(json_object_get(first, "elected")));
	assert_int_equal(json_integer_value(json_object_get(second, "votes")), 3);
	assert_true(json_is_true(json_object_get(second, "elected")));
	assert_int_equal(json_integer_value(json_object_get(third, "votes")), 2);
	assert_true(json_is_false(json_object_get(third, "elected")));
	assert_true(json_is_null(json_object_get(res, "runoff")));
	json_decref(res);
	/* The receipts are published and recount to the same votes. */
	json_t *rec;
	assert_int_equal(lv_session_receipts(tu_conn(f->s), &f->dep[4], s, &rec, &e), 0);
	json_t *list = json_object_get(rec, "items");
	assert_int_equal(json_array_size(list), 4);
	int64_t votes[3] = {0};
	int found = 0;
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it)
	{
		for (int k = 0; k < 4; k++)
			found += !strcmp(json_string_value(json_object_get(it, "receipt")), r[k]);
		size_t j;
		json_t *id;
		json_array_foreach(json_object_get(it, "candidate_ids"), j, id)
		{
			for (int k = 0; k < 3; k++)
				votes[k] += json_integer_value(id) == f->cand[k];
		}
	}
	assert_int_equal(found, 4);
	assert_int_equal(votes[0], 3);
	assert_int_equal(votes[1], 3);
	assert_int_equal(votes[2], 2);
	json_decref(rec);
	/* The two winners are the year's projects under their lead unit. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM lv_projects WHERE session_id = ?", s), 2);
	assert_int_equal(
		count(f, "SELECT COUNT(*) FROM lv_projects WHERE candidate_id = ?", f->cand[2]), 0);
}

static void test_tie_across_last_seat_leads_to_runoff_session(void **state)
{
	fx *f = *state;
	int64_t s = open_session(f, 2, NULL);
	/* cand0: 4, cand1: 3, cand2: 3 (roll 5 needs 3): cand0 elected, a runoff among 1 and 2 for
	 * the one seat left. */
	int64_t x[] = {f->cand[0], f->cand[1]}, y[] = {f->cand[0], f->cand[2]},
		z[] = {f->cand[1], f->cand[2]};
	cast(f, s, 0, x, 2, NULL);
	cast(f, s, 1, x, 2, NULL);
	cast(f, s, 2, y, 2, NULL);
	cast(f, s, 3, y, 2, NULL);
	cast(f, s, 4, z, 2, NULL);
	op o = {.f = f, .who = &f->staff, .kind = OP_CLOSE, .id = s};
	ok(&o);
	json_t *res;
	err e = {0};
	assert_int_equal(lv_session_result(tu_conn(f->s), &f->staff, s, &res, &e), 0);
	json_t *runoff = json_object_get(res, "runoff");
	assert_true(json_is_object(runoff));
	assert_int_equal(json_integer_value(json_object_get(runoff, "seats")), 1);
	assert_int_equal(json_array_size(json_object_get(runoff, "candidate_ids")), 2);
	json_decref(res);
	o.kind = OP_RUNOFF;
	ok(&o);
	int64_t r = o.out;
	assert_int_equal(count(f, "SELECT seats FROM lv_sessions WHERE id = ?", r), 1);
	assert_int_equal(count(f, "SELECT runoff_of FROM lv_sessions WHERE id = ?", r), s);
	assert_int_equal(count(f, "SELECT roll_size FROM lv_sessions WHERE id = ?", r), NDEP);
	assert_int_equal(
		count(f, "SELECT COUNT(*) FROM lv_session_candidates WHERE session_id = ?", r), 2);
	/* Only one runoff per result. */
	o.kind = OP_RUNOFF;
	assert_int_equal(run_op(&o, &e), -1);
	assert_string_equal(e.code, "runoff_exists");
	/* The runoff elects one of the tied. */
	o.kind = OP_OPEN;
	o.id = r;
	ok(&o);
	int64_t pick[] = {f->cand[2]};
	for (int i = 0; i < 3; i++)
		cast(f, r, i, pick, 1, NULL);
	o.kind = OP_CLOSE;
	ok(&o);
	assert_int_equal(
		count(f, "SELECT COUNT(*) FROM lv_projects WHERE candidate_id = ?", f->cand[2]), 1);
	assert_int_equal(
		count(f, "SELECT COUNT(*) FROM lv_projects WHERE candidate_id = ?", f->cand[1]), 0);
}

static void test_ballots_majority_rule_on_close(void **state)
{
	fx *f = *state;
	int64_t s = open_session(f, 1, "ballots_majority");
	/* Two of five vote, both for cand1: a majority of ballots, not of the roll. */
	int64_t one[] = {f->cand[1]};
	cast(f, s, 0, one, 1, NULL);
	cast(f, s, 1, one, 1, NULL);
	op o = {.f = f, .who = &f->staff, .kind = OP_CLOSE, .id = s};
	ok(&o);
	assert_int_equal(count(f, "SELECT candidate_id FROM lv_projects WHERE session_id = ?", s),
			 f->cand[1]);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM lv_projects WHERE session_id = ?", s), 1);
}

typedef struct racer {
	fx *f;
	int64_t session;
	int rc;
	err e;
} racer;

static void *race(void *p)
{
	racer *r = p;
	int64_t one[] = {r->f->cand[0]};
	op o = {.f = r->f,
		.who = &r->f->dep[0],
		.kind = OP_CAST,
		.id = r->session,
		.ids = one,
		.n = 1};
	r->rc = run_op(&o, &r->e);
	return NULL;
}

static void test_concurrent_ballots_of_one_deputy_count_once(void **state)
{
	fx *f = *state;
	int64_t s = open_session(f, 1, NULL);
	enum { N = 8 };
	pthread_t t[N];
	racer r[N];
	for (int i = 0; i < N; i++) {
		r[i] = (racer){.f = f, .session = s};
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	int okc = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		if (r[i].rc == 0)
			okc++;
		else
			assert_string_equal(r[i].e.code, "already_voted");
	}
	assert_int_equal(okc, 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM lv_ballots WHERE session_id = ?", s), 1);
	assert_int_equal(count(f, "SELECT ballots_cast FROM lv_sessions WHERE id = ?", s), 1);
}

static void test_evaluation_outcomes_on_close(void **state)
{
	fx *f = *state;
	int64_t s = open_session(f, 2, NULL);
	int64_t two[] = {f->cand[0], f->cand[1]};
	for (int i = 0; i < NDEP; i++)
		cast(f, s, i, two, 2, NULL);
	op o = {.f = f, .who = &f->staff, .kind = OP_CLOSE, .id = s};
	ok(&o);
	int64_t p0 = count(f, "SELECT id FROM lv_projects WHERE candidate_id = ?", f->cand[0]);
	int64_t p1 = count(f, "SELECT id FROM lv_projects WHERE candidate_id = ?", f->cand[1]);
	o = (op){.f = f, .who = &f->staff, .kind = OP_EVAL_OPEN, .id = 2031};
	ok(&o);
	err e = {0};
	assert_int_equal(run_op(&o, &e), -1);
	assert_string_equal(e.code, "duplicate");
	/* p0: 3 satisfied of 5 → satisfied; p1: 2 ratings of 5 → no quorum. */
	const char *r0[] = {"satisfied", "satisfied", "satisfied", "dissatisfied"};
	for (int i = 0; i < 4; i++) {
		op r = {.f = f, .who = &f->dep[i], .kind = OP_RATE, .id = p0, .text = r0[i]};
		ok(&r);
	}
	op again = {.f = f, .who = &f->dep[0], .kind = OP_RATE, .id = p0, .text = "dissatisfied"};
	assert_int_equal(run_op(&again, &e), -1);
	assert_string_equal(e.code, "already_rated");
	op off = {.f = f, .who = &f->disabled, .kind = OP_RATE, .id = p0, .text = "satisfied"};
	assert_int_equal(run_op(&off, &e), -1);
	assert_string_equal(e.code, "not_on_roll");
	for (int i = 0; i < 2; i++) {
		op r = {.f = f, .who = &f->dep[i], .kind = OP_RATE, .id = p1, .text = "satisfied"};
		ok(&r);
	}
	json_t *p;
	assert_int_equal(lv_project_get(tu_conn(f->s), &f->staff, p0, &p, &e), 0);
	assert_true(json_is_null(json_object_get(json_object_get(p, "evaluation"), "outcome")));
	assert_true(json_is_null(json_object_get(json_object_get(p, "evaluation"), "satisfied")));
	json_decref(p);
	o.kind = OP_EVAL_CLOSE;
	ok(&o);
	assert_int_equal(lv_project_get(tu_conn(f->s), &f->staff, p0, &p, &e), 0);
	json_t *ev = json_object_get(p, "evaluation");
	assert_string_equal(json_string_value(json_object_get(ev, "outcome")), "satisfied");
	assert_int_equal(json_integer_value(json_object_get(ev, "satisfied")), 3);
	assert_int_equal(json_integer_value(json_object_get(ev, "dissatisfied")), 1);
	json_decref(p);
	assert_int_equal(lv_project_get(tu_conn(f->s), &f->staff, p1, &p, &e), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(p, "evaluation"), "outcome")),
		"no_quorum");
	json_decref(p);
	op late = {.f = f, .who = &f->dep[4], .kind = OP_RATE, .id = p1, .text = "satisfied"};
	assert_int_equal(run_op(&late, &e), -1);
	assert_string_equal(e.code, "evaluation_not_open");
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_tally_elects_more_than_half_of_roll_within_seats),
		cmocka_unit_test(test_tally_exactly_half_is_not_a_majority),
		cmocka_unit_test(test_tally_tie_across_last_seat_elects_none_of_the_tied),
		cmocka_unit_test(test_tally_tie_within_seats_elects_all_tied),
		cmocka_unit_test(test_tally_tie_below_majority_needs_no_runoff),
		cmocka_unit_test(test_tally_ballots_majority_counts_against_ballots_cast),
		cmocka_unit_test(test_evaluation_outcome_rules),
		cmocka_unit_test(test_milestone_states),
		cmocka_unit_test(test_photo_type_by_magic_bytes),
		cmocka_unit_test(test_choices_round_trip_sorted),
	};
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_roll_is_every_active_deputy),
		T(test_ballot_is_stored_apart_from_the_voter),
		T(test_second_ballot_and_bad_ballots_record_nothing),
		T(test_draft_session_takes_no_ballots_and_hides_tally),
		T(test_close_counts_elects_and_makes_projects),
		T(test_tie_across_last_seat_leads_to_runoff_session),
		T(test_ballots_majority_rule_on_close),
		T(test_concurrent_ballots_of_one_deputy_count_once),
		T(test_evaluation_outcomes_on_close),
	};
#undef T
	int failed = cmocka_run_group_tests_name("livelihood", pure, NULL, NULL);
	failed += tu_run_both("livelihood", tests, sizeof tests / sizeof tests[0]);
	return failed;
}
