// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The bounded work queues (common/workq.h): each a fixed pool of threads taking jobs from a ring
 * that holds at most one job per place (workers + waiting slots), so the work given to a queue
 * runs on at most that many threads and waits in at most that many places.
 */
#include "common/workq.h"

#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
	workq_fn fn;
	void *arg;
};

struct workq {
	char name[32];
	pthread_mutex_t lock;
	pthread_cond_t work;  /* a job was queued, or stopping */
	pthread_cond_t space; /* a place was freed */
	pthread_cond_t done;  /* a workq_call job finished */
	bool stopping;
	pthread_t *threads;
	size_t nthreads;
	struct job *ring; /* capacity places */
	size_t capacity, head, queued;
	size_t used; /* places taken: reserved, queued or running */
};

struct workq *workq_heavy;

/* The queue whose worker this thread is, if any. */
static _Thread_local const struct workq *my_queue;

bool
workq_is_worker(const struct workq *q)
{
	return q && my_queue == q;
}

static void *
worker_main(void *arg)
{
	struct workq *q = arg;
	my_queue = q;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->queued && !q->stopping)
			pthread_cond_wait(&q->work, &q->lock);
		if (!q->queued)
			break; /* stopping, and nothing left to run */
		struct job j = q->ring[q->head];
		q->head = (q->head + 1) % q->capacity;
		q->queued--;
		pthread_mutex_unlock(&q->lock);
		j.fn(j.arg);
		pthread_mutex_lock(&q->lock);
		q->used--;
		pthread_cond_signal(&q->space);
	}
	pthread_mutex_unlock(&q->lock);
	db_shutdown_thread();
	return NULL;
}

struct workq *
workq_start(const char *name, size_t nthreads, size_t nslots)
{
	if (nthreads == 0)
		return NULL;
	struct workq *q = xcalloc(1, sizeof(*q));
	snprintf(q->name, sizeof(q->name), "%s", name);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->space, NULL);
	pthread_cond_init(&q->done, NULL);
	q->capacity = nthreads + nslots;
	q->ring = xcalloc(q->capacity, sizeof(*q->ring));
	q->threads = xcalloc(nthreads, sizeof(*q->threads));
	for (q->nthreads = 0; q->nthreads < nthreads; q->nthreads++)
		if (pthread_create(&q->threads[q->nthreads], NULL, worker_main, q) != 0) {
			log_error("could not start the %s queue's thread %zu of %zu", name,
				  q->nthreads + 1, nthreads);
			workq_stop(q);
			return NULL;
		}
	return q;
}

void
workq_stop(struct workq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_broadcast(&q->work);
	pthread_cond_broadcast(&q->space); /* workq_call waiters run their job themselves */
	pthread_mutex_unlock(&q->lock);
	for (size_t i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->space);
	pthread_cond_destroy(&q->done);
	free(q->threads);
	free(q->ring);
	free(q);
}

bool
workq_reserve(struct workq *q)
{
	if (!q)
		return false;
	bool ok = false;
	pthread_mutex_lock(&q->lock);
	if (!q->stopping && q->used < q->capacity) {
		q->used++;
		ok = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

bool
workq_is_full(struct workq *q)
{
	if (!q)
		return false;
	pthread_mutex_lock(&q->lock);
	bool full = q->used >= q->capacity;
	pthread_mutex_unlock(&q->lock);
	return full;
}

void
workq_release(struct workq *q)
{
	pthread_mutex_lock(&q->lock);
	q->used--;
	pthread_cond_signal(&q->space);
	pthread_mutex_unlock(&q->lock);
}

/* Queue a job on a place already taken; the lock is held. */
static void
push_locked(struct workq *q, workq_fn fn, void *arg)
{
	q->ring[(q->head + q->queued) % q->capacity] = (struct job){fn, arg};
	q->queued++;
	pthread_cond_signal(&q->work);
}

void
workq_push(struct workq *q, workq_fn fn, void *arg)
{
	pthread_mutex_lock(&q->lock);
	push_locked(q, fn, arg);
	pthread_mutex_unlock(&q->lock);
}

bool
workq_submit(struct workq *q, workq_fn fn, void *arg)
{
	if (!workq_reserve(q))
		return false;
	workq_push(q, fn, arg);
	return true;
}

struct call {
	struct workq *q;
	workq_fn fn;
	void *arg;
	bool finished;
};

static void
call_main(void *arg)
{
	struct call *c = arg;
	c->fn(c->arg);
	pthread_mutex_lock(&c->q->lock);
	c->finished = true;
	pthread_cond_broadcast(&c->q->done);
	pthread_mutex_unlock(&c->q->lock);
}

void
workq_call(struct workq *q, workq_fn fn, void *arg)
{
	if (!q || workq_is_worker(q)) {
		fn(arg);
		return;
	}
	struct call c = {q, fn, arg, false};
	pthread_mutex_lock(&q->lock);
	while (!q->stopping && q->used >= q->capacity)
		pthread_cond_wait(&q->space, &q->lock);
	if (q->stopping) {
		pthread_mutex_unlock(&q->lock);
		fn(arg);
		return;
	}
	q->used++;
	push_locked(q, call_main, &c);
	while (!c.finished)
		pthread_cond_wait(&q->done, &q->lock);
	pthread_mutex_unlock(&q->lock);
}
