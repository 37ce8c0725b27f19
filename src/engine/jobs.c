#include "engine/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "org/actor.h"
#include "org/audit.h"
#include "engine/case.h"
#include "http/idem.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/strbuf.h"

/* ---- deadlines ----
 *
 * Four stages, each a query over open cases that a batch of transactions works through:
 * sign overdue, sign warning, finish overdue, finish warning. Overdue comes first so that a
 * case found past its deadline (the scheduler was down) is marked overdue without a
 * warning first. Each selected case leaves its stage's predicate when its alert is
 * raised, so the next batch's query finds the next cases; a backlog becomes many small
 * transactions instead of one long one that holds the writer.
 *
 * The overdue queries range over the partial indexes cases_sign_due and cases_finish_due
 * (due <= now). The warning point, dispatched + 0.8 × (due − dispatched) <= now, is
 * written in integers as dispatched + 4 × due <= 5 × now; its range due > now is the part
 * of the same index still ahead of its deadline, the open workload. Batches follow the
 * index order: each starts at the deadline where the last one stopped (due >= from), so a
 * pass reads the range once instead of once per batch, and no sort is needed. */

#define CASE_SELECT                                                                                \
	"SELECT c.id, c.kind, c.number, c.title, c.status, c.handler_id, c.assignment_id,"         \
	" h.name, h.parent_id, "
/* An assignment the unit returned raises nothing (a return clears the deadlines too). The
 * %s is the open-case predicate over c.kind and c.status (open_states). */
#define CASE_FROM                                                                                  \
	" FROM cases c JOIN units h ON h.id = c.handler_id"                                        \
	" LEFT JOIN case_assignments a ON a.id = c.assignment_id WHERE "
#define CASE_OPEN " AND %s AND a.returned_at IS NULL"

/* The statements are formats: each %s is the open-case predicate (the select's over c.,
 * the update's over the bare columns). */
typedef struct stage {
	bool finish;  /* the finish deadline, else the sign deadline */
	bool overdue; /* raise to 2 (overdue and urge), else to 1 (warning) */
	const char *select_sql;
	const char *update_sql; /* ? id, ? due: raises the alert while the case still qualifies */
} stage;

static const stage stages[] = {
	{false, true,
	 CASE_SELECT "c.sign_due_at" CASE_FROM
		     "c.signed_at IS NULL AND c.sign_due_at IS NOT NULL AND c.sign_due_at >= ?"
		     " AND c.sign_due_at <= ?"
		     " AND c.sign_alert < 2" CASE_OPEN " ORDER BY c.sign_due_at LIMIT ?",
	 "UPDATE cases SET sign_alert = 2 WHERE id = ?"
	 " AND sign_due_at = ? AND signed_at IS NULL AND sign_alert < 2 AND %s"},
	{false, false,
	 CASE_SELECT "c.sign_due_at" CASE_FROM
		     "c.signed_at IS NULL AND c.sign_due_at IS NOT NULL AND c.sign_due_at >= ?"
		     " AND c.sign_due_at > ?"
		     " AND c.sign_alert = 0 AND c.dispatched_at IS NOT NULL"
		     " AND c.dispatched_at + 4 * c.sign_due_at <= ?" CASE_OPEN
		     " ORDER BY c.sign_due_at LIMIT ?",
	 "UPDATE cases SET sign_alert = 1 WHERE id = ? AND sign_due_at = ? AND signed_at IS NULL"
	 " AND sign_alert = 0 AND %s"},
	{true, true,
	 CASE_SELECT "c.finish_due_at" CASE_FROM
		     "c.closed_at IS NULL AND c.finish_due_at IS NOT NULL AND c.finish_due_at >= ?"
		     " AND c.finish_due_at <= ?"
		     " AND c.replied_at IS NULL AND c.finish_alert < 2" CASE_OPEN
		     " ORDER BY c.finish_due_at LIMIT ?",
	 "UPDATE cases SET finish_alert = 2 WHERE id = ?"
	 " AND finish_due_at = ? AND closed_at IS NULL AND replied_at IS NULL AND finish_alert < 2"
	 " AND %s"},
	{true, false,
	 CASE_SELECT
	 "c.finish_due_at" CASE_FROM
	 "c.closed_at IS NULL AND c.finish_due_at IS NOT NULL AND c.finish_due_at >= ?"
	 " AND c.finish_due_at > ?"
	 " AND c.replied_at IS NULL AND c.finish_alert = 0 AND c.dispatched_at IS NOT NULL"
	 " AND COALESCE(c.finish_from, c.dispatched_at) + 4 * c.finish_due_at <= ?" CASE_OPEN
	 " ORDER BY c.finish_due_at LIMIT ?",
	 "UPDATE cases SET finish_alert = 1 WHERE id = ? AND finish_due_at = ?"
	 " AND closed_at IS NULL AND replied_at IS NULL AND finish_alert = 0 AND %s"},
};

/* Whether a word from a machine can stand in SQL between quotes as it is. Kinds and
 * states are compiled-in words; this keeps a stray quote from ever reaching SQL. */
static bool sql_word(const char *s)
{
	for (; *s; s++)
		if (*s == '\'' || *s == '\\')
			return false;
	return true;
}

/* The open-case predicate from the registry: a case is open when its kind is registered
 * and its status is none of that kind's terminal states. A kind no machine declares is
 * left alone (the scheduler does not know when it ends). col is "c." or "".
 * The kind is compared as (kind || '') so that SQLite's planner keeps walking the deadline
 * index: a plain kind = '...' let it pick cases_kind_id and scan every case of the kind
 * (27 ms against under 1 ms per pass on the demo). */
static char *open_states(const char *col)
{
	size_t n;
	const struct case_machine *const *ms = case_machines(&n);
	strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "(");
	int terms = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sql_word(ms[i]->kind))
			continue;
		strbuf_addf(&sb, "%s((%skind || '') = '%s'", terms++ ? " OR " : "", col,
			    ms[i]->kind);
		int k = 0;
		for (const char *const *t = ms[i]->terminal; t && *t; t++) {
			if (!sql_word(*t))
				continue;
			if (k++)
				strbuf_addf(&sb, ", '%s'", *t);
			else
				strbuf_addf(&sb, " AND %sstatus NOT IN ('%s'", col, *t);
		}
		strbuf_adds(&sb, k ? "))" : ")");
	}
	strbuf_adds(&sb, terms ? ")" : "1 = 0)");
	return strbuf_detach(&sb, NULL);
}

typedef struct due_case {
	int64_t id, handler_id, assignment_id, parent_id, due_at;
	char kind[16], number[32], status[24];
	char *title, *handler_name;
} due_case;

typedef struct stage_run {
	const stage *st;
	const char *select_sql, *update_sql; /* the stage's, with the open-case predicate */
	int64_t now;
	int64_t from;	      /* the deadline the batch starts at: the last batch's last */
	int selected;	      /* cases the query returned */
	int changed;	      /* cases whose alert was raised */
	int64_t *changed_ids; /* JOBS_BATCH of them */
	int64_t last_due;     /* the deadline of the last case selected */
} stage_run;

/* "2026-11-28 13:48", China Standard Time. */
static void local_minute(int64_t ms, char out[24])
{
	char iso[40];
	clock_format_iso(ms, iso, sizeof iso);
	snprintf(out, 24, "%.10s %.5s", iso, iso + 11);
}

static int load_batch(store_conn *c, stage_run *run, due_case *rows, err *e)
{
	store_stmt *st = store_prepare(c, run->select_sql, e);
	if (!st)
		return -1;
	if (run->st->overdue)
		store_bindf(st, "iii", run->from, run->now, (int64_t)JOBS_BATCH);
	else
		store_bindf(st, "iiii", run->from, run->now, 5 * run->now, (int64_t)JOBS_BATCH);
	int rc = 0;
	while (run->selected < JOBS_BATCH && (rc = store_step(st, e)) == 1) {
		due_case *r = &rows[run->selected++];
		r->id = store_col_int(st, 0);
		snprintf(r->kind, sizeof r->kind, "%s", store_col_text(st, 1));
		snprintf(r->number, sizeof r->number, "%s", store_col_text(st, 2));
		r->title = xstrdup(store_col_text(st, 3));
		snprintf(r->status, sizeof r->status, "%s", store_col_text(st, 4));
		r->handler_id = store_col_int(st, 5);
		r->assignment_id = store_col_null(st, 6) ? 0 : store_col_int(st, 6);
		r->handler_name = xstrdup(store_col_text(st, 7));
		r->parent_id = store_col_null(st, 8) ? 0 : store_col_int(st, 8);
		r->due_at = store_col_int(st, 9);
		run->last_due = r->due_at;
	}
	store_done(st);
	return rc < 0 ? -1 : 0;
}

/* One SMS per automatic urge to each active staff member of the unit with a phone. */
static int sms_unit_staff(store_conn *c, int64_t unit_id, int64_t case_id, const char *text,
			  int64_t now, err *e)
{
	store_stmt *st =
		store_prepare(c,
			      "SELECT u.phone FROM users u JOIN user_roles r ON r.user_id = u.id"
			      " WHERE u.unit_id = ? AND r.role = 'unit_staff' AND u.disabled = 0"
			      " AND u.phone IS NOT NULL AND u.phone <> '' ORDER BY u.id",
			      e);
	if (!st)
		return -1;
	store_bind_int(st, 1, unit_id);
	size_t n = 0, cap = 0;
	char **phones = NULL;
	int rc;
	while ((rc = store_step(st, e)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			phones = xrealloc(phones, cap * sizeof *phones);
		}
		phones[n++] = xstrdup(store_col_text(st, 0));
	}
	store_done(st);
	for (size_t i = 0; i < n; i++) {
		if (rc >= 0 && outbox_enqueue(c, "sms", phones[i], text, case_id, now, e) < 0)
			rc = -1;
		free(phones[i]);
	}
	free(phones);
	return rc < 0 ? -1 : 0;
}

/* The deadline's name: the machine's (a grid event's running step) or the engine's. */
static int deadline_word(store_conn *c, const stage *sg, const due_case *r, const char **name,
			 err *e)
{
	*name = NULL;
	const struct case_machine *m = case_machine_get(r->kind);
	if (m && m->deadline_name && m->deadline_name(c, r->id, sg->finish, name, e) < 0)
		return -1;
	if (!*name || !**name)
		*name = sg->finish ? "办结" : "签收";
	return 0;
}

static int raise_warning(store_conn *c, const stage *sg, const due_case *r, err *e)
{
	const char *word;
	if (deadline_word(c, sg, r, &word, e) < 0)
		return -1;
	bool sign = strcmp(word, "签收") == 0;
	char due[24];
	local_minute(r->due_at, due);
	char *body = xasprintf("%s「%s」将于 %s 到达%s时限，请%s。", r->number, r->title, due, word,
			       sign ? "及时签收" : "抓紧办理");
	char *title = xasprintf("%s即将超时", word);
	int rc = case_notify(c, r->handler_id, 0, r->id, "warning", title, body, e);
	free(title);
	free(body);
	return rc;
}

/* Overdue: the assignment counts as overdue, the unit is told, and the system urges it
 * as an agent would: a timeline entry, the unit and its superior notified, an audit
 * entry, and an SMS to the unit's staff. */
static int raise_overdue(store_conn *c, const stage *sg, const due_case *r, int64_t now, err *e)
{
	actor sys;
	actor_system(&sys, "scheduler");
	const char *word;
	if (deadline_word(c, sg, r, &word, e) < 0)
		return -1;
	char *note = xasprintf("超过%s时限，系统自动督办", word);
	char *title = xasprintf("%s超时", word);
	const char *deadline = sg->finish ? "finish" : "sign";
	char due[24], due_iso[40];
	local_minute(r->due_at, due);
	clock_format_iso(r->due_at, due_iso, sizeof due_iso);

	if (r->assignment_id &&
	    store_exec(c, e, "UPDATE case_assignments SET overdue = 1 WHERE id = ?", "i",
		       r->assignment_id) < 0)
		goto fail;
	const struct case_machine *m = case_machine_get(r->kind);
	if (m && m->urged && m->urged(c, r->id, e) < 0)
		goto fail;
	char *overdue_body =
		xasprintf("%s「%s」已超过%s时限（%s）。", r->number, r->title, word, due);
	char *urge_body = xasprintf("%s「%s」%s。", r->number, r->title, note);
	char *parent_body = xasprintf("下级单位「%s」承办的 %s「%s」%s。", r->handler_name,
				      r->number, r->title, note);
	char *sms = xasprintf("【一网】工单%s%s，请登录系统及时处理。", r->number, note);
	json_t *data = json_pack("{s:s, s:s}", "deadline", deadline, "due_at", due_iso);
	json_t *detail = json_pack("{s:s, s:s, s:s, s:I}", "deadline", deadline, "due_at", due_iso,
				   "number", r->number, "unit_id", (json_int_t)r->handler_id);
	int rc = case_notify(c, r->handler_id, 0, r->id, "overdue", title, overdue_body, e);
	if (rc == 0)
		rc = case_timeline_add(c, &sys, r->id, "urge", r->status, r->status, note, data, e);
	if (rc == 0)
		rc = case_notify(c, r->handler_id, 0, r->id, "urge", "系统督办", urge_body, e);
	if (rc == 0 && r->parent_id)
		rc = case_notify(c, r->parent_id, 0, r->id, "urge", "下级单位工单被督办",
				 parent_body, e);
	if (rc == 0)
		rc = audit_append(c, &sys, "case_auto_urge", r->kind, r->id, detail, e);
	if (rc == 0)
		rc = sms_unit_staff(c, r->handler_id, r->id, sms, now, e);
	json_decref(data);
	json_decref(detail);
	free(overdue_body);
	free(urge_body);
	free(parent_body);
	free(sms);
	free(note);
	free(title);
	return rc;
fail:
	free(note);
	free(title);
	return -1;
}

/* One batch of one stage. May run more than once on PostgreSQL: it starts from zero. */
static int tx_stage(store_conn *c, void *ctx, err *e)
{
	stage_run *run = ctx;
	run->selected = run->changed = 0;
	due_case *rows = xcalloc(JOBS_BATCH, sizeof *rows);
	int rc = load_batch(c, run, rows, e);
	for (int i = 0; rc == 0 && i < run->selected; i++) {
		const due_case *r = &rows[i];
		/* The guarded UPDATE re-checks the case: one signed, replied or given a new
		 * deadline since the query ran is left alone. */
		int64_t n = store_exec(c, e, run->update_sql, "ii", r->id, r->due_at);
		if (n < 0) {
			rc = -1;
			break;
		}
		if (n == 0)
			continue;
		run->changed_ids[run->changed++] = r->id;
		rc = run->st->overdue ? raise_overdue(c, run->st, r, run->now, e)
				      : raise_warning(c, run->st, r, e);
	}
	for (int i = 0; i < run->selected; i++) {
		free(rows[i].title);
		free(rows[i].handler_name);
	}
	free(rows);
	return rc;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Returns the number of distinct cases whose alerts changed (a case may pass both its
 * deadlines in one pass). */
static int run_deadlines(store *s, int64_t now, err *e)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	int64_t batch[JOBS_BATCH];
	char *open_c = open_states("c."), *open_bare = open_states("");
	for (size_t k = 0; rc == 0 && k < sizeof stages / sizeof stages[0]; k++) {
		int64_t from = 0;
		char *select_sql = xasprintf(stages[k].select_sql, open_c);
		char *update_sql = xasprintf(stages[k].update_sql, open_bare);
		for (;;) {
			stage_run run = {.st = &stages[k],
					 .select_sql = select_sql,
					 .update_sql = update_sql,
					 .now = now,
					 .from = from,
					 .changed_ids = batch};
			if (store_write(s, tx_stage, &run, e) < 0) {
				rc = -1;
				break;
			}
			if (run.changed && n + (size_t)run.changed > cap) {
				cap = (n + (size_t)run.changed) * 2;
				ids = xrealloc(ids, cap * sizeof *ids);
			}
			if (run.changed)
				memcpy(ids + n, batch, (size_t)run.changed * sizeof *ids);
			n += (size_t)run.changed;
			/* A short batch was the last; a full one where nothing changed could
			 * only repeat itself. */
			if (run.selected < JOBS_BATCH || run.changed == 0)
				break;
			from = run.last_due;
		}
		free(select_sql);
		free(update_sql);
	}
	free(open_c);
	free(open_bare);
	int distinct = 0;
	if (n) {
		qsort(ids, n, sizeof *ids, cmp_id);
		for (size_t i = 0; i < n; i++)
			distinct += i == 0 || ids[i] != ids[i - 1];
	}
	free(ids);
	return rc < 0 ? -1 : distinct;
}

/* Only one node of a PostgreSQL cluster runs a pass: a session-level advisory lock on
 * the calling thread's connection (the connection store_write uses there too). SQLite
 * needs none, since one process owns the file. This is the one place above store/ that
 * asks which database runs, because an advisory lock has no portable spelling. */
static int pass_lock(store *s, bool lock, err *e)
{
	store_conn *c = store_conn_get(s, e);
	if (!c)
		return -1;
	int64_t got = 0;
	if (store_query_int(c, &got, 0, e,
			    lock ? "SELECT CASE WHEN pg_try_advisory_lock(CAST(? AS BIGINT))"
				   " THEN 1 ELSE 0 END"
				 : "SELECT CASE WHEN pg_advisory_unlock(CAST(? AS BIGINT))"
				   " THEN 1 ELSE 0 END",
			    "i", (int64_t)JOBS_PG_LOCK_KEY) < 0)
		return -1;
	return (int)got;
}

/* Behind a pooler in transaction mode (store_pooled) a session lock would stay on
 * whichever server session took it: the pass holds the scheduler's lease row instead
 * (migration 020), claimed by one UPDATE once its time (the database's clock, so that
 * the nodes' clocks need not agree) has run out, renewed before each step of the pass,
 * and released at its end. A lease lost mid-pass (a step that took longer than
 * JOBS_LEASE_MS) stops the pass before its next step. Each pass claims under a token of
 * its own, so two threads of one node exclude each other as two nodes do. */
#define DB_NOW_MS "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"

typedef struct {
	const char *token;
	int op; /* 0 claim, 1 renew, 2 release */
	int64_t changed;
} lease_op;

static int lease_tx(store_conn *c, void *ctx, err *e)
{
	lease_op *o = ctx;
	if (o->op == 0)
		o->changed =
			store_exec(c, e,
				   "UPDATE job_leases SET holder = ?, until_ms = " DB_NOW_MS " + ?"
				   " WHERE name = 'scheduler' AND until_ms < " DB_NOW_MS,
				   "si", o->token, (int64_t)JOBS_LEASE_MS);
	else if (o->op == 1)
		o->changed = store_exec(c, e,
					"UPDATE job_leases SET until_ms = " DB_NOW_MS " + ?"
					" WHERE name = 'scheduler' AND holder = ?",
					"is", (int64_t)JOBS_LEASE_MS, o->token);
	else
		o->changed = store_exec(c, e,
					"UPDATE job_leases SET holder = '', until_ms = 0"
					" WHERE name = 'scheduler' AND holder = ?",
					"s", o->token);
	return o->changed < 0 ? -1 : 0;
}

/* 1: held (claimed, renewed), 0: not, -1: error. */
static int lease(store *s, const char *token, int op, err *e)
{
	lease_op o = {token, op, 0};
	if (store_write(s, lease_tx, &o, e) < 0)
		return -1;
	return o.changed == 1;
}

static int pass_begin(store *s, char *token, size_t n, err *e)
{
	if (!store_pooled(s))
		return pass_lock(s, true, e);
	static atomic_uint seq;
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	snprintf(token, n, "%s/%ld/%u", host, (long)getpid(), atomic_fetch_add(&seq, 1) + 1);
	return lease(s, token, 0, e);
}

/* Before each step after the first: whether the pass still holds its lease. */
static bool pass_still_held(store *s, const char *token)
{
	if (!store_pooled(s))
		return true;
	err le = {0};
	int got = lease(s, token, 1, &le);
	if (got < 0)
		fprintf(stderr, "yiwang: scheduler: renewing the pass lease: %s\n", le.message);
	else if (got == 0)
		fprintf(stderr, "yiwang: scheduler: the pass lease ran out; the pass stops\n");
	return got == 1;
}

static void pass_end(store *s, const char *token)
{
	err ue = {0};
	if ((store_pooled(s) ? lease(s, token, 2, &ue) : pass_lock(s, false, &ue)) < 0)
		fprintf(stderr, "yiwang: scheduler: releasing the pass lock: %s\n", ue.message);
}

enum { JOBS_TASKS_MAX = 8 };
static jobs_task_fn tasks[JOBS_TASKS_MAX];
static size_t ntasks;

void jobs_task_register(jobs_task_fn fn)
{
	for (size_t i = 0; i < ntasks; i++)
		if (tasks[i] == fn)
			return;
	if (ntasks < JOBS_TASKS_MAX)
		tasks[ntasks++] = fn;
}

static void run_tasks(store *s, int64_t now)
{
	for (size_t i = 0; i < ntasks; i++) {
		err te = {0};
		if (tasks[i](s, now, &te) < 0)
			fprintf(stderr, "yiwang: scheduler: a platform task failed: %s\n",
				te.message);
	}
}

static int purge_tx(store_conn *c, void *ctx, err *e)
{
	return idem_purge(c, *(const int64_t *)ctx, e) < 0 ? -1 : 0;
}

/* Idempotency keys live 24 hours (http/idem.c). */
static void purge_idempotency_keys(store *s, int64_t now)
{
	err pe = {0};
	if (store_write(s, purge_tx, &now, &pe) < 0)
		fprintf(stderr, "yiwang: scheduler: purging idempotency keys: %s\n", pe.message);
}

int jobs_run_pass(store *s, const sms_adapter *sms, int64_t now, err *e)
{
	bool pg = store_kind(s) == STORE_POSTGRES;
	char token[128] = "";
	if (pg) {
		int got = pass_begin(s, token, sizeof token, e);
		if (got <= 0)
			return got;
	}
	int changed = run_deadlines(s, now, e);
	if (changed >= 0 && (!pg || pass_still_held(s, token))) {
		run_tasks(s, now);
		if (!pg || pass_still_held(s, token))
			purge_idempotency_keys(s, now);
		if (sms && (!pg || pass_still_held(s, token)) &&
		    outbox_drain(s, sms, now, JOBS_OUTBOX_MAX, e) < 0)
			changed = -1;
	}
	if (pg)
		pass_end(s, token);
	return changed;
}

int jobs_run_once(store *s, int64_t now, err *e)
{
	return jobs_run_pass(s, outbox_log_adapter(), now, e);
}

/* ---- the thread ---- */

struct jobs {
	store *s;
	const sms_adapter *sms;
	int64_t interval_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* on CLOCK_MONOTONIC, so a clock change does not stall it */
	bool stop;
};

static void *jobs_main(void *arg)
{
	jobs *j = arg;
	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		pthread_mutex_unlock(&j->mu);
		err e = {0};
		int n = jobs_run_pass(j->s, j->sms, clock_now_ms(), &e);
		if (n < 0)
			fprintf(stderr, "yiwang: scheduler pass failed: %s\n", e.message);
		else if (n > 0)
			fprintf(stderr, "yiwang: scheduler: %d case deadline alert(s) raised\n", n);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += j->interval_ms / 1000;
		until.tv_nsec += (long)(j->interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&j->mu);
		while (!j->stop && pthread_cond_timedwait(&j->cv, &j->mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

int jobs_start_with(store *s, const sms_adapter *sms, int64_t interval_ms, jobs **out, err *e)
{
	jobs *j = xcalloc(1, sizeof *j);
	j->s = s;
	j->sms = sms;
	j->interval_ms = interval_ms > 0 ? interval_ms : 30000;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&j->mu, NULL);
	/* The thread starts with every signal blocked: the server takes SIGTERM and SIGINT
	 * with sigwait on its main thread, and a signal delivered here instead would end the
	 * process without its graceful shutdown. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&j->thread, NULL, jobs_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&j->cv);
		pthread_mutex_destroy(&j->mu);
		free(j);
		return err_set(e, ERR_INTERNAL, "scheduler_start", NULL, "无法启动定时任务线程：%s",
			       strerror(rc));
	}
	*out = j;
	return 0;
}

int jobs_start(store *s, int64_t interval_ms, jobs **out, err *e)
{
	return jobs_start_with(s, outbox_log_adapter(), interval_ms, out, e);
}

void jobs_stop(jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->thread, NULL);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j);
}
