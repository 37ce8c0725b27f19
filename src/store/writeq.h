/* The writer's queue, shared by both backends: every write goes to one writer thread,
 * which takes every job waiting (up to a backend's batch size), hands the batch to the
 * backend to run in one transaction, then wakes each waiter or calls each queued job's
 * callback. Only how a batch runs differs between SQLite and PostgreSQL. */
#ifndef YW_STORE_WRITEQ_H
#define YW_STORE_WRITEQ_H
#include <pthread.h>
#include <semaphore.h>

#include "store/store.h"

/* A write waiting for the writer. A waiting caller's job lives on its stack and is posted
 * when done (each waiter wakes alone, and the writer holds no lock while it wakes them);
 * a queued one (store_write_async) lives on the heap and has a callback. The batch
 * function fills rc and e of each. */
typedef struct writeq_job {
	store_tx_fn fn;
	void *ctx;
	err e;
	int rc;
	sem_t done;
	store_done_fn on_done;
	void *arg;
	bool rerunnable; /* may run twice (store_write_async) */
	struct writeq_job *next;
} writeq_job;

typedef struct writeq_cfg {
	int max_batch;
	/* Runs one batch (a list linked by next) and fills each job's rc and e. */
	void (*run_batch)(void *arg, writeq_job *batch);
	/* Optional: on the writer's thread, before its first batch. */
	void (*thread_start)(void *arg);
	/* Optional: once, with the queue's lock held, before the writer thread is started;
	 * -1 with e filled refuses the write that would have started it. */
	int (*before_start)(void *arg, err *e);
	void *arg;
} writeq_cfg;

typedef struct writeq {
	writeq_cfg cfg;
	pthread_t writer;
	bool started, stop;
	pthread_mutex_t mu;
	pthread_cond_t work_cv;
	writeq_job *head, *tail;
} writeq;

/* Sets up an empty queue; the thread starts with the first write. */
void writeq_init(writeq *q, const writeq_cfg *cfg);
/* Refuses new writes, lets the jobs already queued run, joins the writer and frees the
 * queue's own resources. */
void writeq_close(writeq *q);
/* Runs fn in the next batch and returns its result once the batch committed or failed. */
int writeq_write(writeq *q, store_tx_fn fn, void *ctx, err *e);
/* Queues fn (rerunnable) and returns at once; done is called on the writer after the
 * batch, or here at once when the job cannot be queued. */
void writeq_write_async(writeq *q, store_tx_fn fn, void *ctx, store_done_fn done, void *arg);
/* Every job of the batch fails with e. */
void writeq_fail_all(writeq_job *batch, const err *e);
/* The batch did not commit: the jobs that had succeeded (or had not run) fail with e; the
 * failed ones keep their own error. */
void writeq_fail_succeeded(writeq_job *batch, const err *e);

#endif
