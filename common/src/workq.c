// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The bounded work queue (common/workq.h): a fixed pool of threads taking jobs from a ring that
 * holds at most one job per place (workers + waiting slots), so the CPU-heavy work of the whole
 * process runs on at most that many threads and waits in at most that many places.
 */
#include "common/workq.h"

#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>

struct job {
	workq_fn fn;
	void *arg;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work;  /* a job was queued, or stopping */
	pthread_cond_t space; /* a place was freed */
	pthread_cond_t done;  /* a workq_call job finished */
	bool running, stopping;
	pthread_t *threads;
	size_t nthreads;
	struct job *ring; /* capacity places */
	size_t capacity, head, queued;
	size_t used; /* places taken: reserved, queued or running */
} q = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.space = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

static _Thread_local bool is_worker;

bool
workq_is_worker(void)
{
	return is_worker;
}

static void *
worker_main(void *arg)
{
	(void)arg;
	is_worker = true;
	pthread_mutex_lock(&q.lock);
	for (;;) {
		while (!q.queued && !q.stopping)
			pthread_cond_wait(&q.work, &q.lock);
		if (!q.queued)
			break; /* stopping, and nothing left to run */
		struct job j = q.ring[q.head];
		q.head = (q.head + 1) % q.capacity;
		q.queued--;
		pthread_mutex_unlock(&q.lock);
		j.fn(j.arg);
		pthread_mutex_lock(&q.lock);
		q.used--;
		pthread_cond_signal(&q.space);
	}
	pthread_mutex_unlock(&q.lock);
	db_shutdown_thread();
	return NULL;
}

int
workq_start(size_t nthreads, size_t nslots)
{
	if (q.running || nthreads == 0)
		return q.running ? 0 : -1;
	q.capacity = nthreads + nslots;
	q.ring = xcalloc(q.capacity, sizeof(*q.ring));
	q.threads = xcalloc(nthreads, sizeof(*q.threads));
	q.head = q.queued = q.used = 0;
	q.stopping = false;
	q.running = true;
	for (q.nthreads = 0; q.nthreads < nthreads; q.nthreads++)
		if (pthread_create(&q.threads[q.nthreads], NULL, worker_main, NULL) != 0) {
			log_error("could not start the work queue's thread %zu of %zu",
				  q.nthreads + 1, nthreads);
			workq_stop();
			return -1;
		}
	return 0;
}

void
workq_stop(void)
{
	pthread_mutex_lock(&q.lock);
	if (!q.running) {
		pthread_mutex_unlock(&q.lock);
		return;
	}
	q.stopping = true;
	pthread_cond_broadcast(&q.work);
	pthread_mutex_unlock(&q.lock);
	for (size_t i = 0; i < q.nthreads; i++)
		pthread_join(q.threads[i], NULL);
	pthread_mutex_lock(&q.lock);
	q.running = false;
	free(q.threads);
	free(q.ring);
	q.threads = NULL;
	q.ring = NULL;
	q.nthreads = q.capacity = 0;
	pthread_cond_broadcast(&q.space); /* workq_call waiters run their job themselves */
	pthread_mutex_unlock(&q.lock);
}

bool
workq_reserve(void)
{
	bool ok = false;
	pthread_mutex_lock(&q.lock);
	if (q.running && !q.stopping && q.used < q.capacity) {
		q.used++;
		ok = true;
	}
	pthread_mutex_unlock(&q.lock);
	return ok;
}

bool
workq_is_full(void)
{
	pthread_mutex_lock(&q.lock);
	bool full = q.running && q.used >= q.capacity;
	pthread_mutex_unlock(&q.lock);
	return full;
}

void
workq_release(void)
{
	pthread_mutex_lock(&q.lock);
	q.used--;
	pthread_cond_signal(&q.space);
	pthread_mutex_unlock(&q.lock);
}

/* Queue a job on a place already taken; the lock is held. */
static void
push_locked(workq_fn fn, void *arg)
{
	q.ring[(q.head + q.queued) % q.capacity] = (struct job){fn, arg};
	q.queued++;
	pthread_cond_signal(&q.work);
}

void
workq_push(workq_fn fn, void *arg)
{
	pthread_mutex_lock(&q.lock);
	push_locked(fn, arg);
	pthread_mutex_unlock(&q.lock);
}

bool
workq_submit(workq_fn fn, void *arg)
{
	if (!workq_reserve())
		return false;
	workq_push(fn, arg);
	return true;
}

struct call {
	workq_fn fn;
	void *arg;
	bool finished;
};

static void
call_main(void *arg)
{
	struct call *c = arg;
	c->fn(c->arg);
	pthread_mutex_lock(&q.lock);
	c->finished = true;
	pthread_cond_broadcast(&q.done);
	pthread_mutex_unlock(&q.lock);
}

void
workq_call(workq_fn fn, void *arg)
{
	struct call c = {fn, arg, false};
	if (is_worker) {
		fn(arg);
		return;
	}
	pthread_mutex_lock(&q.lock);
	while (q.running && !q.stopping && q.used >= q.capacity)
		pthread_cond_wait(&q.space, &q.lock);
	if (!q.running || q.stopping) {
		pthread_mutex_unlock(&q.lock);
		fn(arg);
		return;
	}
	q.used++;
	push_locked(call_main, &c);
	while (!c.finished)
		pthread_cond_wait(&q.done, &q.lock);
	pthread_mutex_unlock(&q.lock);
}
