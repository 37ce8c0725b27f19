/* The writer's queue and thread (writeq.h). */
#include "store/writeq.h"

#include <stdlib.h>

#include "core/mem.h"

/* Set on a writer's thread: a transaction function that calls store_write would wait for
 * itself. */
static _Thread_local bool on_writer;

void writeq_init(writeq *q, const writeq_cfg *cfg)
{
	*q = (writeq){.cfg = *cfg};
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work_cv, NULL);
}

void writeq_close(writeq *q)
{
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_broadcast(&q->work_cv);
	pthread_mutex_unlock(&q->mu);
	if (q->started)
		pthread_join(q->writer, NULL);
	q->started = false;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->work_cv);
}

void writeq_fail_all(writeq_job *batch, const err *e)
{
	for (writeq_job *j = batch; j; j = j->next) {
		j->rc = -1;
		j->e = *e;
	}
}

void writeq_fail_succeeded(writeq_job *batch, const err *e)
{
	for (writeq_job *j = batch; j; j = j->next)
		if (j->rc == 0) {
			j->rc = -1;
			j->e = *e;
		}
}

/* Takes up to max_batch jobs off the queue (the rest wait for the next commit). Called
 * with q->mu held and the queue not empty. */
static writeq_job *take_batch(writeq *q)
{
	writeq_job *batch = q->head, *last = q->head;
	int n = 1;
	while (last->next && n < q->cfg.max_batch) {
		last = last->next;
		n++;
	}
	q->head = last->next;
	if (!q->head)
		q->tail = NULL;
	last->next = NULL;
	return batch;
}

/* Wakes each waiter of the batch and calls each queued job's callback. */
static void finish_batch(writeq_job *batch)
{
	for (writeq_job *j = batch, *next; j; j = next) {
		next = j->next; /* a waiter's job is gone once posted */
		if (j->on_done) {
			j->on_done(j->arg, j->rc, &j->e);
			free(j);
		} else {
			sem_post(&j->done);
		}
	}
}

static void *writer_main(void *arg)
{
	writeq *q = arg;
	on_writer = true;
	/* Named for profiles (perf, top -H) and per-thread CPU in /proc. */
	pthread_setname_np(pthread_self(), "yw-writer");
	if (q->cfg.thread_start)
		q->cfg.thread_start(q->cfg.arg);
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->head && !q->stop)
			pthread_cond_wait(&q->work_cv, &q->mu);
		if (!q->head && q->stop)
			break;
		writeq_job *batch = take_batch(q);
		pthread_mutex_unlock(&q->mu);
		q->cfg.run_batch(q->cfg.arg, batch);
		finish_batch(batch);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Queues j, starting the writer on first use. On failure j is not queued. */
static int enqueue(writeq *q, writeq_job *j, err *e)
{
	int rc = 0;
	pthread_mutex_lock(&q->mu);
	if (q->stop) {
		rc = err_set(e, ERR_UNAVAILABLE, "shutting_down", NULL, "服务正在关闭");
	} else if (!q->started) {
		if (q->cfg.before_start && q->cfg.before_start(q->cfg.arg, e) < 0) {
			rc = -1;
		} else if (pthread_create(&q->writer, NULL, writer_main, q) != 0) {
			q->stop = true;
			rc = err_set(e, ERR_INTERNAL, "thread", NULL, "无法启动写线程");
		} else {
			q->started = true;
		}
	}
	if (rc == 0) {
		if (q->tail)
			q->tail->next = j;
		else
			q->head = j;
		q->tail = j;
		pthread_cond_signal(&q->work_cv);
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int writeq_write(writeq *q, store_tx_fn fn, void *ctx, err *e)
{
	if (on_writer)
		return err_set(e, ERR_INTERNAL, "nested_write", NULL,
			       "事务函数中不能再调用 store_write");
	writeq_job j = {.fn = fn, .ctx = ctx};
	sem_init(&j.done, 0, 0);
	int rc = enqueue(q, &j, e);
	if (rc == 0) {
		while (sem_wait(&j.done) != 0)
			;
		rc = j.rc;
		if (rc < 0 && e)
			*e = j.e;
	}
	sem_destroy(&j.done);
	return rc;
}

void writeq_write_async(writeq *q, store_tx_fn fn, void *ctx, store_done_fn done, void *arg)
{
	writeq_job *j = xcalloc(1, sizeof *j);
	*j = (writeq_job){.fn = fn, .ctx = ctx, .on_done = done, .arg = arg, .rerunnable = true};
	err e = {0};
	if (enqueue(q, j, &e) < 0) {
		done(arg, -1, &e);
		free(j);
	}
}
