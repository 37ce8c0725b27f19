/* 代表定: ballot sessions, the secret ballot and the tally.
 *
 * Secrecy: who has voted lives in lv_roll (session, user, voted); what was chosen lives in
 * lv_ballots (a random receipt, the session, the choices) and nothing joins the two: no
 * voter, no time, no sequence. Each cast rewrites the session's ballots in a random order
 * inside the same transaction, so that neither the order rows are stored in nor (on
 * PostgreSQL) the transaction that wrote them singles out the newest ballot. The audit
 * entry of a cast names the deputy and the session only.
 *
 * Exactly one ballot per deputy: the cast first takes the session row (UPDATE ...
 * ballots_cast + 1 WHERE status = 'open'), which serialises casts of one session on
 * PostgreSQL and re-checks the state atomically, then flips the deputy's roll row from
 * voted = 0 to 1; a concurrent second cast finds voted = 1 and fails with nothing written. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org/audit.h"
#include "core/clock.h"
#include "core/mem.h"
#include "livelihood/livelihood.h"

static int require_staff(const actor *who, err *e)
{
	if (!actor_has(who, LV_STAFF))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有人大工作人员可以管理票决");
	return 0;
}

typedef struct session_row {
	int64_t id, year, seats, roll_size, ballots_cast, runoff_of, unit_id;
	char status[16], rule[24], title[512];
} session_row;

/* The session within who's area (or with who on its roll); 404 otherwise. */
static int session_load(store_conn *c, const actor *who, int64_t id, session_row *s, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"SELECT s.id, s.year, s.seats, s.roll_size, s.ballots_cast, s.runoff_of, s.status,"
		" s.rule, s.title, s.unit_id FROM lv_sessions s JOIN units n ON n.id = s.unit_id"
		" WHERE s.id = ? AND ((n.path >= ? AND n.path < ?) OR EXISTS (SELECT 1 FROM"
		" lv_roll r WHERE r.session_id = s.id AND r.user_id = ?))",
		"issi", id, who->unit_path, hi, who->user_id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "not_found", NULL, "票决会议不存在");
	memset(s, 0, sizeof *s);
	s->id = store_col_int(st, 0);
	s->year = store_col_int(st, 1);
	s->seats = store_col_int(st, 2);
	s->roll_size = store_col_int(st, 3);
	s->ballots_cast = store_col_int(st, 4);
	s->runoff_of = store_col_null(st, 5) ? 0 : store_col_int(st, 5);
	snprintf(s->status, sizeof s->status, "%s", store_col_text(st, 6));
	snprintf(s->rule, sizeof s->rule, "%s", store_col_text(st, 7));
	snprintf(s->title, sizeof s->title, "%s", store_col_text(st, 8));
	s->unit_id = store_col_int(st, 9);
	store_done(st);
	return 0;
}

/* Every active deputy within the area rooted at path, onto the roll of session. */
static int roll_default(store_conn *c, int64_t session, const char *path, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(path, hi, sizeof hi);
	return store_exec(c, e,
			  "INSERT INTO lv_roll (session_id, user_id, voted)"
			  " SELECT ?, u.id, 0 FROM users u JOIN units n ON n.id = u.unit_id"
			  " WHERE u.disabled = 0 AND n.path >= ? AND n.path < ? AND EXISTS"
			  " (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role ="
			  " 'deputy')",
			  "iss", session, path, hi) < 0
		       ? -1
		       : 0;
}

int lv_session_create(store_conn *c, const actor *who, const lv_session_input *in, int64_t *id,
		      err *e)
{
	if (require_staff(who, e) < 0)
		return -1;
	const char *rule = in->rule ? in->rule : "roll_majority";
	if (!lv_rule_valid(rule))
		return err_set(e, ERR_INVALID, "invalid_rule", "rule",
			       "rule 须为 roll_majority 或 ballots_majority");
	if (in->ncandidates == 0)
		return err_set(e, ERR_INVALID, "missing_field", "candidate_ids",
			       "至少需要一个候选项目");
	if (in->seats < 1 || (size_t)in->seats > in->ncandidates)
		return err_set(e, ERR_INVALID, "invalid_seats", "seats",
			       "应选项目数须在 1 到候选项目数（%zu）之间", in->ncandidates);
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	for (size_t i = 0; i < in->ncandidates; i++) {
		for (size_t j = 0; j < i; j++)
			if (in->candidate_ids[j] == in->candidate_ids[i])
				return err_set(e, ERR_INVALID, "duplicate_candidate",
					       "candidate_ids", "候选项目 %lld 重复",
					       (long long)in->candidate_ids[i]);
		int64_t found = 0;
		if (store_query_int(c, &found, 0, e,
				    "SELECT cd.id FROM lv_candidates cd JOIN units n ON n.id ="
				    " cd.unit_id WHERE cd.id = ? AND n.path >= ? AND n.path < ?",
				    "iss", in->candidate_ids[i], who->unit_path, hi) < 0)
			return -1;
		if (!found)
			return err_set(e, ERR_INVALID, "unknown_candidate", "candidate_ids",
				       "候选项目 %lld 不存在", (long long)in->candidate_ids[i]);
	}
	int64_t now = clock_now_ms();
	store_stmt *st;
	int rc = store_query_row(
		c, &st, e,
		"INSERT INTO lv_sessions (unit_id, year, title, seats, rule, status, runoff_of,"
		" roll_size, ballots_cast, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, 'draft', ?, 0, 0, ?, ?, ?) RETURNING id",
		"iisisnnii", lv_area_unit(who), in->year, in->title, in->seats, rule, in->runoff_of,
		who->user_id, now, now);
	if (rc <= 0)
		return -1;
	*id = store_col_int(st, 0);
	while ((rc = store_step(st, e)) == 1)
		;
	store_done(st);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < in->ncandidates; i++)
		if (store_exec(
			    c, e,
			    "INSERT INTO lv_session_candidates (session_id, candidate_id, position,"
			    " elected) VALUES (?, ?, ?, 0)",
			    "iii", *id, in->candidate_ids[i], (int64_t)i + 1) < 0)
			return -1;
	if (in->roll_ids) {
		for (size_t i = 0; i < in->nroll; i++) {
			int64_t ok = 0;
			if (store_query_int(
				    c, &ok, 0, e,
				    "SELECT u.id FROM users u JOIN units n ON n.id = u.unit_id"
				    " WHERE u.id = ? AND u.disabled = 0 AND n.path >= ? AND n.path "
				    "< ?"
				    " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id"
				    " AND r.role = 'deputy')",
				    "iss", in->roll_ids[i], who->unit_path, hi) < 0)
				return -1;
			if (!ok)
				return err_set(e, ERR_INVALID, "invalid_roll", "roll_user_ids",
					       "用户 %lld 不是本辖区的在任代表",
					       (long long)in->roll_ids[i]);
			int64_t n = store_exec(c, e,
					       "INSERT INTO lv_roll (session_id, user_id, voted)"
					       " VALUES (?, ?, 0) ON CONFLICT DO NOTHING",
					       "ii", *id, in->roll_ids[i]);
			if (n < 0)
				return -1;
			if (n == 0)
				return err_set(e, ERR_INVALID, "invalid_roll", "roll_user_ids",
					       "名单中用户 %lld 重复", (long long)in->roll_ids[i]);
		}
	} else if (in->runoff_of) {
		if (store_exec(c, e,
			       "INSERT INTO lv_roll (session_id, user_id, voted)"
			       " SELECT ?, user_id, 0 FROM lv_roll WHERE session_id = ?",
			       "ii", *id, in->runoff_of) < 0)
			return -1;
	} else if (roll_default(c, *id, who->unit_path, e) < 0) {
		return -1;
	}
	int64_t roll = 0;
	if (store_query_int(c, &roll, 0, e, "SELECT COUNT(*) FROM lv_roll WHERE session_id = ?",
			    "i", *id) < 0 ||
	    store_exec(c, e, "UPDATE lv_sessions SET roll_size = ? WHERE id = ?", "ii", roll, *id) <
		    0)
		return -1;
	json_t *cids = json_array();
	for (size_t i = 0; i < in->ncandidates; i++)
		json_array_append_new(cids, json_integer(in->candidate_ids[i]));
	json_t *d = json_pack("{s:s, s:I, s:I, s:s, s:o, s:I}", "title", in->title, "year",
			      (json_int_t)in->year, "seats", (json_int_t)in->seats, "rule", rule,
			      "candidate_ids", cids, "roll_size", (json_int_t)roll);
	if (in->runoff_of)
		json_object_set_new(d, "runoff_of", json_integer(in->runoff_of));
	rc = audit_append(c, who, "livelihood.session_create", "lv_session", *id, d, e);
	json_decref(d);
	return rc;
}

int lv_session_open(store_conn *c, const actor *who, int64_t id, err *e)
{
	session_row s;
	if (require_staff(who, e) < 0 || session_load(c, who, id, &s, e) < 0)
		return -1;
	if (strcmp(s.status, "draft") != 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL,
			       "只有草稿状态的票决可以开始");
	if (s.roll_size == 0)
		return err_set(e, ERR_CONFLICT, "empty_roll", NULL, "代表名单为空，不能开始投票");
	int64_t now = clock_now_ms();
	int64_t n =
		store_exec(c, e,
			   "UPDATE lv_sessions SET status = 'open', opened_at = ?, updated_at = ?"
			   " WHERE id = ? AND status = 'draft'",
			   "iii", now, now, id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "票决状态已经改变");
	return audit_append(c, who, "livelihood.session_open", "lv_session", id, NULL, e);
}

/* The session's candidates with their votes counted from the ballots. */
static int count_ballots(store_conn *c, int64_t id, lv_tally_item **items, size_t *n,
			 int64_t *ballots, err *e)
{
	*items = NULL;
	*n = 0;
	*ballots = 0;
	store_stmt *st = store_prepare(c,
				       "SELECT candidate_id, position FROM lv_session_candidates"
				       " WHERE session_id = ? ORDER BY position",
				       e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	size_t alloc = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			*items = xrealloc(*items, alloc * sizeof **items);
		}
		lv_tally_item *it = &(*items)[(*n)++];
		memset(it, 0, sizeof *it);
		it->candidate_id = store_col_int(st, 0);
		it->position = (int)store_col_int(st, 1);
	}
	store_done(st);
	if (rc < 0)
		goto fail;
	st = store_prepare(c, "SELECT choices FROM lv_ballots WHERE session_id = ?", e);
	if (!st)
		goto fail;
	store_bind_int(st, 1, id);
	while ((rc = store_step(st, e)) == 1) {
		int64_t ids[LV_CANDIDATES_MAX];
		size_t k;
		(*ballots)++;
		if (lv_choices_parse(store_col_text(st, 0), ids, LV_CANDIDATES_MAX, &k) < 0)
			continue;
		for (size_t j = 0; j < k; j++)
			for (size_t i = 0; i < *n; i++)
				if ((*items)[i].candidate_id == ids[j])
					(*items)[i].votes++;
	}
	store_done(st);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	free(*items);
	*items = NULL;
	return -1;
}

int lv_session_close(store_conn *c, const actor *who, int64_t id, err *e)
{
	session_row s;
	if (require_staff(who, e) < 0 || session_load(c, who, id, &s, e) < 0)
		return -1;
	if (strcmp(s.status, "open") != 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "只有投票中的票决可以结束");
	int64_t now = clock_now_ms();
	/* Taking the row first waits for casts in flight (PostgreSQL row lock). */
	int64_t changed = store_exec(c, e,
				     "UPDATE lv_sessions SET status = 'closed', closed_at = ?,"
				     " updated_at = ? WHERE id = ? AND status = 'open'",
				     "iii", now, now, id);
	if (changed < 0)
		return -1;
	if (changed == 0)
		return err_set(e, ERR_CONFLICT, "invalid_state", NULL, "票决状态已经改变");
	lv_tally_item *items;
	size_t n;
	int64_t ballots;
	if (count_ballots(c, id, &items, &n, &ballots, e) < 0)
		return -1;
	int runoff_seats;
	int elected = lv_tally_decide(items, n, (int)s.seats, s.rule, s.roll_size, ballots,
				      &runoff_seats);
	int rc = 0;
	json_t *won = json_array();
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (store_exec(c, e,
			       "UPDATE lv_session_candidates SET votes = ?, elected = ?"
			       " WHERE session_id = ? AND candidate_id = ?",
			       "iiii", items[i].votes, (int64_t)items[i].elected, id,
			       items[i].candidate_id) < 0) {
			rc = -1;
			break;
		}
		if (!items[i].elected)
			continue;
		json_array_append_new(won, json_integer(items[i].candidate_id));
		/* The winner becomes one of the year's projects under its lead unit. */
		if (store_exec(c, e,
			       "INSERT INTO lv_projects (year, unit_id, candidate_id, session_id, "
			       "title,"
			       " description, budget_yuan, lead_unit_id, target, created_at,"
			       " updated_at)"
			       " SELECT ?, ?, cd.id, ?, cd.title, cd.description, cd.budget_yuan,"
			       " cd.lead_unit_id, cd.target, ?, ? FROM lv_candidates cd WHERE "
			       "cd.id = ?"
			       " ON CONFLICT (candidate_id) DO NOTHING",
			       "iiiiii", s.year, s.unit_id, id, now, now,
			       items[i].candidate_id) < 0)
			rc = -1;
	}
	free(items);
	if (rc == 0 && store_exec(c, e, "UPDATE lv_sessions SET ballots_cast = ? WHERE id = ?",
				  "ii", ballots, id) < 0)
		rc = -1;
	if (rc < 0) {
		json_decref(won);
		return -1;
	}
	json_t *d = json_pack("{s:I, s:I, s:I, s:o, s:i}", "roll_size", (json_int_t)s.roll_size,
			      "ballots_cast", (json_int_t)ballots, "elected_count",
			      (json_int_t)elected, "elected", won, "runoff_seats", runoff_seats);
	rc = audit_append(c, who, "livelihood.session_close", "lv_session", id, d, e);
	json_decref(d);
	return rc;
}

/* The stored tally of a closed session, decided again (for the runoff and the result). */
static int stored_tally(store_conn *c, const session_row *s, lv_tally_item **items, size_t *n,
			int *runoff_seats, err *e)
{
	*items = NULL;
	*n = 0;
	store_stmt *st = store_prepare(c,
				       "SELECT candidate_id, position, COALESCE(votes, 0)"
				       " FROM lv_session_candidates WHERE session_id = ?"
				       " ORDER BY position",
				       e);
	if (!st)
		return -1;
	store_bind_int(st, 1, s->id);
	size_t alloc = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			*items = xrealloc(*items, alloc * sizeof **items);
		}
		lv_tally_item *it = &(*items)[(*n)++];
		memset(it, 0, sizeof *it);
		it->candidate_id = store_col_int(st, 0);
		it->position = (int)store_col_int(st, 1);
		it->votes = store_col_int(st, 2);
	}
	store_done(st);
	if (rc < 0) {
		free(*items);
		*items = NULL;
		return -1;
	}
	lv_tally_decide(*items, *n, (int)s->seats, s->rule, s->roll_size, s->ballots_cast,
			runoff_seats);
	return 0;
}

int lv_session_runoff(store_conn *c, const actor *who, int64_t id, int64_t *new_id, err *e)
{
	session_row s;
	if (require_staff(who, e) < 0 || session_load(c, who, id, &s, e) < 0)
		return -1;
	if (strcmp(s.status, "closed") != 0)
		return err_set(e, ERR_CONFLICT, "session_not_closed", NULL, "票决尚未结束");
	int64_t existing = 0;
	if (store_query_int(c, &existing, 0, e, "SELECT id FROM lv_sessions WHERE runoff_of = ?",
			    "i", id) < 0)
		return -1;
	if (existing)
		return err_set(e, ERR_CONFLICT, "runoff_exists", NULL,
			       "已经为本次票决创建了再次投票（%lld）", (long long)existing);
	lv_tally_item *items;
	size_t n;
	int seats;
	if (stored_tally(c, &s, &items, &n, &seats, e) < 0)
		return -1;
	int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (items[i].runoff)
			ids[k++] = items[i].candidate_id;
	free(items);
	if (k == 0 || seats == 0) {
		free(ids);
		return err_set(e, ERR_CONFLICT, "no_runoff_needed", NULL, "本次票决不需要再次投票");
	}
	char title[600];
	snprintf(title, sizeof title, "%s（再次投票）", s.title);
	lv_session_input in = {.title = title,
			       .year = s.year,
			       .seats = seats,
			       .rule = s.rule,
			       .candidate_ids = ids,
			       .ncandidates = k,
			       .runoff_of = id};
	int rc = lv_session_create(c, who, &in, new_id, e);
	free(ids);
	return rc;
}

typedef struct ballot_row {
	char receipt[LV_RECEIPT_LEN + 1];
	char *choices;
} ballot_row;

int lv_ballot_cast(store_conn *c, const actor *who, int64_t session_id, const int64_t *choices,
		   size_t n, char *receipt, err *e)
{
	if (!actor_has(who, ROLE_DEPUTY))
		return err_set(e, ERR_FORBIDDEN, "forbidden", NULL, "只有人大代表可以投票");
	session_row s;
	if (session_load(c, who, session_id, &s, e) < 0)
		return -1;
	int64_t changed = store_exec(c, e,
				     "UPDATE lv_sessions SET ballots_cast = ballots_cast + 1"
				     " WHERE id = ? AND status = 'open'",
				     "i", session_id);
	if (changed < 0)
		return -1;
	if (changed == 0)
		return err_set(e, ERR_CONFLICT, "session_not_open", NULL, "票决不在投票中");
	changed = store_exec(c, e,
			     "UPDATE lv_roll SET voted = 1 WHERE session_id = ? AND user_id = ?"
			     " AND voted = 0",
			     "ii", session_id, who->user_id);
	if (changed < 0)
		return -1;
	if (changed == 0) {
		int64_t on = 0;
		if (store_query_int(
			    c, &on, 0, e,
			    "SELECT COUNT(*) FROM lv_roll WHERE session_id = ? AND user_id = ?",
			    "ii", session_id, who->user_id) < 0)
			return -1;
		if (on)
			return err_set(e, ERR_CONFLICT, "already_voted", NULL, "您已经投过票了");
		return err_set(e, ERR_FORBIDDEN, "not_on_roll", NULL, "您不在本次票决的代表名单中");
	}
	if (n > (size_t)s.seats)
		return err_set(e, ERR_INVALID, "too_many_choices", "candidate_ids",
			       "最多选择 %lld 项", (long long)s.seats);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (choices[j] == choices[i])
				return err_set(e, ERR_INVALID, "duplicate_choice", "candidate_ids",
					       "候选项目 %lld 重复", (long long)choices[i]);
		int64_t found = 0;
		if (store_query_int(
			    c, &found, 0, e,
			    "SELECT COUNT(*) FROM lv_session_candidates WHERE session_id = ?"
			    " AND candidate_id = ?",
			    "ii", session_id, choices[i]) < 0)
			return -1;
		if (!found)
			return err_set(e, ERR_INVALID, "unknown_candidate", "candidate_ids",
				       "候选项目 %lld 不在本次票决中", (long long)choices[i]);
	}
	/* Read the session's ballots, add the new one, and write them all back in a random
	 * order. */
	ballot_row *rows = NULL;
	size_t nrows = 0, alloc = 0;
	store_stmt *st =
		store_prepare(c, "SELECT receipt, choices FROM lv_ballots WHERE session_id = ?", e);
	if (!st)
		return -1;
	store_bind_int(st, 1, session_id);
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (nrows + 1 >= alloc) {
			alloc = alloc ? alloc * 2 : 64;
			rows = xrealloc(rows, alloc * sizeof *rows);
		}
		snprintf(rows[nrows].receipt, sizeof rows[nrows].receipt, "%s",
			 store_col_text(st, 0));
		rows[nrows++].choices = xstrdup(store_col_text(st, 1));
	}
	store_done(st);
	if (nrows + 1 >= alloc)
		rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
	unsigned char raw[LV_RECEIPT_LEN / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(rows[nrows].receipt, sizeof rows[nrows].receipt, raw, sizeof raw);
	char text[LV_CANDIDATES_MAX * 21 + 1];
	lv_choices_format(choices, n, text, sizeof text);
	rows[nrows++].choices = xstrdup(text);
	snprintf(receipt, LV_RECEIPT_LEN + 1, "%s", rows[nrows - 1].receipt);
	for (size_t i = nrows - 1; i > 0; i--) {
		size_t j = randombytes_uniform((uint32_t)(i + 1));
		ballot_row t = rows[i];
		rows[i] = rows[j];
		rows[j] = t;
	}
	if (rc >= 0 &&
	    store_exec(c, e, "DELETE FROM lv_ballots WHERE session_id = ?", "i", session_id) < 0)
		rc = -1;
	for (size_t i = 0; i < nrows && rc >= 0; i++)
		if (store_exec(c, e,
			       "INSERT INTO lv_ballots (receipt, session_id, choices) VALUES (?, "
			       "?, ?)",
			       "sis", rows[i].receipt, session_id, rows[i].choices) < 0)
			rc = -1;
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].choices);
	free(rows);
	sodium_memzero(text, sizeof text);
	if (rc < 0)
		return -1;
	/* The audit entry says that this deputy voted in this session: no receipt, no
	 * choice. */
	return audit_append(c, who, "livelihood.ballot_cast", "lv_session", session_id, NULL, e);
}

static int add_candidates(store_conn *c, json_t *o, int64_t id, bool closed, err *e)
{
	store_stmt *st = store_prepare(
		c,
		"SELECT cd.id, cd.title, cd.description, cd.budget_yuan, cd.lead_unit_id, lu.name,"
		" cd.target, cd.feasibility, sc.position, sc.votes, sc.elected,"
		" (SELECT COUNT(*) FROM lv_proposals p WHERE p.candidate_id = cd.id)"
		" FROM lv_session_candidates sc JOIN lv_candidates cd ON cd.id = sc.candidate_id"
		" JOIN units lu ON lu.id = cd.lead_unit_id WHERE sc.session_id = ?"
		" ORDER BY sc.position",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *list = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		json_t *it = json_pack(
			"{s:I, s:s, s:s, s:o, s:{s:I, s:s}, s:o, s:o, s:I, s:I}", "id",
			(json_int_t)store_col_int(st, 0), "title", store_col_text(st, 1),
			"description", store_col_text(st, 2), "budget_wan",
			lv_budget_wan(store_col_int(st, 3)), "lead_unit", "id",
			(json_int_t)store_col_int(st, 4), "name", store_col_text(st, 5), "target",
			store_col_null(st, 6) ? json_null() : json_string(store_col_text(st, 6)),
			"feasibility",
			store_col_null(st, 7) ? json_null() : json_string(store_col_text(st, 7)),
			"position", (json_int_t)store_col_int(st, 8), "proposals",
			(json_int_t)store_col_int(st, 11));
		if (closed) {
			json_object_set_new(it, "votes", json_integer(store_col_int(st, 9)));
			json_object_set_new(it, "elected", json_boolean(store_col_int(st, 10)));
		}
		json_array_append_new(list, it);
	}
	store_done(st);
	json_object_set_new(o, "candidates", list);
	return rc < 0 ? -1 : 0;
}

static json_t *session_json(store_conn *c, const session_row *s, err *e)
{
	store_stmt *st;
	json_t *times = NULL;
	if (store_query_row(c, &st, e,
			    "SELECT created_at, opened_at, closed_at FROM lv_sessions WHERE id = ?",
			    "i", s->id) == 1) {
		times = json_pack("{s:o, s:o, s:o}", "created_at",
				  lv_time_or_null(store_col_int(st, 0), true), "opened_at",
				  lv_time_or_null(store_col_int(st, 1), !store_col_null(st, 1)),
				  "closed_at",
				  lv_time_or_null(store_col_int(st, 2), !store_col_null(st, 2)));
		store_done(st);
	}
	json_t *o =
		json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:o, s:I, s:I}", "id", (json_int_t)s->id,
			  "year", (json_int_t)s->year, "title", s->title, "seats",
			  (json_int_t)s->seats, "rule", s->rule, "status", s->status, "runoff_of",
			  s->runoff_of ? json_integer(s->runoff_of) : json_null(), "roll_size",
			  (json_int_t)s->roll_size, "ballots_cast", (json_int_t)s->ballots_cast);
	if (times) {
		json_object_update(o, times);
		json_decref(times);
	}
	return o;
}

int lv_session_get(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	session_row s;
	if (session_load(c, who, id, &s, e) < 0)
		return -1;
	json_t *o = session_json(c, &s, e);
	if (add_candidates(c, o, id, !strcmp(s.status, "closed"), e) < 0) {
		json_decref(o);
		return -1;
	}
	store_stmt *st;
	int rc = store_query_row(c, &st, e,
				 "SELECT voted FROM lv_roll WHERE session_id = ? AND user_id = ?",
				 "ii", id, who->user_id);
	if (rc < 0) {
		json_decref(o);
		return -1;
	}
	bool on = rc == 1, voted = false;
	if (on) {
		voted = store_col_int(st, 0) != 0;
		store_done(st);
	}
	json_object_set_new(o, "me", json_pack("{s:b, s:b}", "on_roll", on, "voted", voted));
	int64_t runoff = 0;
	if (store_query_int(c, &runoff, 0, e, "SELECT id FROM lv_sessions WHERE runoff_of = ?", "i",
			    id) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "runoff_session_id", runoff ? json_integer(runoff) : json_null());
	*out = o;
	return 0;
}

int lv_session_list(store_conn *c, const actor *who, int64_t year, const char *status, int64_t page,
		    int64_t per_page, json_t **items, int64_t *total, err *e)
{
	char hi[SCOPE_PATH_MAX];
	scope_upper(who->unit_path, hi, sizeof hi);
	const char *where =
		" FROM lv_sessions s JOIN units n ON n.id = s.unit_id"
		" WHERE ((n.path >= ? AND n.path < ?) OR EXISTS (SELECT 1 FROM lv_roll"
		" r WHERE r.session_id = s.id AND r.user_id = ?))"
		" AND (? = 0 OR s.year = ?) AND (CAST(? AS TEXT) IS NULL OR s.status = ?)";
	char *sql = xasprintf("SELECT COUNT(*)%s", where);
	int rc = store_query_int(c, total, 0, e, sql, "ssiiiss", who->unit_path, hi, who->user_id,
				 year, year, status, status);
	free(sql);
	if (rc < 0)
		return -1;
	sql = xasprintf("SELECT s.id, s.year, s.seats, s.roll_size, s.ballots_cast, s.runoff_of,"
			" s.status, s.rule, s.title, s.unit_id, (SELECT COUNT(*) FROM"
			" lv_session_candidates sc WHERE sc.session_id = s.id),"
			" (SELECT voted FROM lv_roll r WHERE r.session_id = s.id AND r.user_id = ?)"
			"%s ORDER BY s.id DESC LIMIT ? OFFSET ?",
			where);
	store_stmt *st = store_prepare(c, sql, e);
	free(sql);
	if (!st)
		return -1;
	store_bindf(st, "issiiissii", who->user_id, who->unit_path, hi, who->user_id, year, year,
		    status, status, per_page, (page - 1) * per_page);
	*items = json_array();
	while ((rc = store_step(st, e)) == 1) {
		session_row s = {.id = store_col_int(st, 0),
				 .year = store_col_int(st, 1),
				 .seats = store_col_int(st, 2),
				 .roll_size = store_col_int(st, 3),
				 .ballots_cast = store_col_int(st, 4),
				 .runoff_of = store_col_null(st, 5) ? 0 : store_col_int(st, 5)};
		snprintf(s.status, sizeof s.status, "%s", store_col_text(st, 6));
		snprintf(s.rule, sizeof s.rule, "%s", store_col_text(st, 7));
		snprintf(s.title, sizeof s.title, "%s", store_col_text(st, 8));
		json_t *o = json_pack(
			"{s:I, s:I, s:s, s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:{s:b, s:b}}", "id",
			(json_int_t)s.id, "year", (json_int_t)s.year, "title", s.title, "seats",
			(json_int_t)s.seats, "rule", s.rule, "status", s.status, "runoff_of",
			s.runoff_of ? json_integer(s.runoff_of) : json_null(), "roll_size",
			(json_int_t)s.roll_size, "ballots_cast", (json_int_t)s.ballots_cast,
			"candidates_count", (json_int_t)store_col_int(st, 10), "me", "on_roll",
			!store_col_null(st, 11), "voted",
			!store_col_null(st, 11) && store_col_int(st, 11) != 0);
		json_array_append_new(*items, o);
	}
	store_done(st);
	if (rc < 0) {
		json_decref(*items);
		return -1;
	}
	return 0;
}

static int require_closed(const session_row *s, err *e)
{
	if (strcmp(s->status, "closed") != 0)
		return err_set(e, ERR_CONFLICT, "session_not_closed", NULL,
			       "投票结束前不公布任何计票结果");
	return 0;
}

int lv_session_result(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	session_row s;
	if (session_load(c, who, id, &s, e) < 0 || require_closed(&s, e) < 0)
		return -1;
	lv_tally_item *items;
	size_t n;
	int seats;
	if (stored_tally(c, &s, &items, &n, &seats, e) < 0)
		return -1;
	json_t *list = json_array(), *runoff_ids = json_array(), *runoff_items = json_array();
	int elected = 0;
	for (size_t i = 0; i < n; i++) {
		char title[512] = "";
		store_stmt *st;
		if (store_query_row(c, &st, e, "SELECT title FROM lv_candidates WHERE id = ?", "i",
				    items[i].candidate_id) == 1) {
			snprintf(title, sizeof title, "%s", store_col_text(st, 0));
			store_done(st);
		}
		elected += items[i].elected;
		json_array_append_new(
			list, json_pack("{s:I, s:s, s:I, s:b, s:b, s:i}", "candidate_id",
					(json_int_t)items[i].candidate_id, "title", title, "votes",
					(json_int_t)items[i].votes, "elected", items[i].elected,
					"runoff", items[i].runoff, "rank", (int)i + 1));
		if (items[i].runoff) {
			json_array_append_new(runoff_ids, json_integer(items[i].candidate_id));
			json_array_append_new(runoff_items,
					      json_pack("{s:I, s:s, s:I}", "candidate_id",
							(json_int_t)items[i].candidate_id, "title",
							title, "votes",
							(json_int_t)items[i].votes));
		}
	}
	free(items);
	int64_t runoff_session = 0;
	if (store_query_int(c, &runoff_session, 0, e,
			    "SELECT id FROM lv_sessions WHERE runoff_of = ?", "i", id) < 0) {
		json_decref(list);
		json_decref(runoff_ids);
		json_decref(runoff_items);
		return -1;
	}
	json_t *runoff;
	if (seats > 0 && json_array_size(runoff_ids) > 0) {
		runoff = json_pack("{s:o, s:i, s:o, s:o}", "candidate_ids", runoff_ids, "seats",
				   seats, "candidates", runoff_items, "session_id",
				   runoff_session ? json_integer(runoff_session) : json_null());
	} else {
		json_decref(runoff_ids);
		json_decref(runoff_items);
		runoff = json_null();
	}
	int64_t majority =
		(!strcmp(s.rule, "ballots_majority") ? s.ballots_cast : s.roll_size) / 2 + 1;
	*out = json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:i, s:o, s:o}",
			 "session_id", (json_int_t)s.id, "title", s.title, "year",
			 (json_int_t)s.year, "seats", (json_int_t)s.seats, "rule", s.rule, "status",
			 s.status, "roll_size", (json_int_t)s.roll_size, "ballots_cast",
			 (json_int_t)s.ballots_cast, "votes_needed", (json_int_t)majority,
			 "elected_count", elected, "items", list, "runoff", runoff);
	return 0;
}

int lv_session_receipts(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	session_row s;
	if (session_load(c, who, id, &s, e) < 0 || require_closed(&s, e) < 0)
		return -1;
	store_stmt *st = store_prepare(
		c, "SELECT receipt, choices FROM lv_ballots WHERE session_id = ? ORDER BY receipt",
		e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *list = json_array();
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		int64_t ids[LV_CANDIDATES_MAX];
		size_t k = 0;
		json_t *arr = json_array();
		if (lv_choices_parse(store_col_text(st, 1), ids, LV_CANDIDATES_MAX, &k) == 0)
			for (size_t i = 0; i < k; i++)
				json_array_append_new(arr, json_integer(ids[i]));
		json_array_append_new(list, json_pack("{s:s, s:o}", "receipt",
						      store_col_text(st, 0), "candidate_ids", arr));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(list);
		return -1;
	}
	*out = json_pack("{s:I, s:o, s:I}", "session_id", (json_int_t)id, "items", list, "total",
			 (json_int_t)json_array_size(list));
	return 0;
}

int lv_session_roll(store_conn *c, const actor *who, int64_t id, json_t **out, err *e)
{
	session_row s;
	if (require_staff(who, e) < 0 || session_load(c, who, id, &s, e) < 0)
		return -1;
	store_stmt *st =
		store_prepare(c,
			      "SELECT u.id, u.username, u.display_name, r.voted FROM lv_roll r"
			      " JOIN users u ON u.id = r.user_id WHERE r.session_id = ?"
			      " ORDER BY u.username",
			      e);
	if (!st)
		return -1;
	store_bind_int(st, 1, id);
	json_t *list = json_array();
	int64_t voted = 0;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		voted += store_col_int(st, 3) != 0;
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:b}", "user_id",
						      (json_int_t)store_col_int(st, 0), "username",
						      store_col_text(st, 1), "display_name",
						      store_col_text(st, 2), "voted",
						      store_col_int(st, 3) != 0));
	}
	store_done(st);
	if (rc < 0) {
		json_decref(list);
		return -1;
	}
	*out = json_pack("{s:o, s:I, s:I}", "items", list, "roll_size",
			 (json_int_t)json_array_size(list), "voted", (json_int_t)voted);
	return 0;
}
