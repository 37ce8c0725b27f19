/* The scheduler: one thread that, every few seconds, raises deadline warnings (at 80% of
 * a deadline), marks overdue cases and urges their unit and its superior, and drains the
 * notification outbox through the SMS adapter. On PostgreSQL an advisory lock makes
 * exactly one node run each pass. */
#ifndef YW_JOBS_H
#define YW_JOBS_H
#include <stdint.h>

#include "core/err.h"
#include "engine/outbox.h"
#include "store/store.h"

typedef struct jobs jobs;

enum {
	JOBS_BATCH = 500,	    /* cases per transaction */
	JOBS_OUTBOX_MAX = 1000,	    /* outbox rows sent per pass */
	JOBS_PG_LOCK_KEY = 7977001, /* pg_try_advisory_lock key of a pass ("yw" + 1) */
	JOBS_LEASE_MS = 60000	    /* behind a pooler: the pass's lease (jobs.c) */
};

/* A platform's periodic task (the party's term warnings, 项目库's missing reports), run
 * by every pass after the deadlines; it returns how many things it did, or -1 (the pass logs it and
 * goes on). */
typedef int (*jobs_task_fn)(store *s, int64_t now, err *e);
/* Adds a task to every pass (once per function); call at start-up, before the thread. */
void jobs_task_register(jobs_task_fn fn);

/* Starts the scheduler thread; interval_ms between passes (default 30000). SMS go
 * through the log adapter. */
int jobs_start(store *s, int64_t interval_ms, jobs **out, err *e);
/* The same with an SMS adapter of the caller's (which must outlive the scheduler). */
int jobs_start_with(store *s, const sms_adapter *sms, int64_t interval_ms, jobs **out, err *e);
/* Stops the thread after its current pass and frees it. Safe on NULL. */
void jobs_stop(jobs *j);
/* Runs one pass now on the calling thread (tests, the CLI); returns the number of cases
 * whose alerts changed, or -1. SMS go through the log adapter. */
int jobs_run_once(store *s, int64_t now, err *e);
/* One pass with an SMS adapter; sms NULL leaves the outbox alone. On PostgreSQL, returns
 * 0 at once while another node runs a pass. */
int jobs_run_pass(store *s, const sms_adapter *sms, int64_t now, err *e);

#endif
