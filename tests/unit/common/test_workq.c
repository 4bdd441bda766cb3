// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * workq: at most threads + slots jobs at once (reserve refuses the next), jobs run on the pool's
 * threads, workq_call waits for room instead of refusing and runs inline on a worker of the same
 * queue or when there is none, a worker of another queue waits like anyone, and stopping runs
 * what is still queued.
 */
#include "common/workq.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static atomic_int ran, ran_on_worker;
static struct workq *q; /* the queue under test */

/* A job that waits until the gate opens (so that it holds its place meanwhile). */
static void
gated_job(void *arg)
{
	(void)arg;
	if (workq_is_worker(q))
		atomic_fetch_add(&ran_on_worker, 1);
	pthread_mutex_lock(&gate_lock);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	atomic_fetch_add(&ran, 1);
}

static void
open_gate(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = true;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static void
count_job(void *arg)
{
	bool *on_worker = arg;
	*on_worker = workq_is_worker(q);
	atomic_fetch_add(&ran, 1);
}

static void
test_inline_without_pool(void **state)
{
	(void)state;
	bool on_worker = true;
	atomic_store(&ran, 0);
	assert_false(workq_reserve(NULL));
	assert_false(workq_is_full(NULL));
	q = NULL;
	workq_call(NULL, count_job, &on_worker);
	assert_int_equal(atomic_load(&ran), 1);
	assert_false(on_worker);
}

static void
test_bounded(void **state)
{
	(void)state;
	gate_open = false;
	atomic_store(&ran, 0);
	atomic_store(&ran_on_worker, 0);
	q = workq_start("test", 1, 2);
	assert_non_null(q);
	/* one running, two waiting: the fourth is refused */
	assert_true(workq_submit(q, gated_job, NULL));
	assert_true(workq_submit(q, gated_job, NULL));
	assert_true(workq_reserve(q));
	assert_true(workq_is_full(q));
	assert_false(workq_submit(q, gated_job, NULL));
	assert_false(workq_reserve(q));
	workq_release(q);
	assert_false(workq_is_full(q));
	assert_true(workq_submit(q, gated_job, NULL));
	assert_false(workq_submit(q, gated_job, NULL));
	open_gate();
	/* workq_call waits for room, then runs on the worker */
	bool on_worker = false;
	workq_call(q, count_job, &on_worker);
	assert_true(on_worker);
	assert_int_equal(atomic_load(&ran_on_worker), 3);
	workq_stop(q);
	q = NULL;
	assert_int_equal(atomic_load(&ran), 4);
}

static void
test_stop_runs_queued(void **state)
{
	(void)state;
	gate_open = false;
	atomic_store(&ran, 0);
	q = workq_start("test", 1, 3);
	assert_non_null(q);
	for (int i = 0; i < 4; i++)
		assert_true(workq_submit(q, gated_job, NULL));
	open_gate();
	workq_stop(q);
	q = NULL;
	assert_int_equal(atomic_load(&ran), 4);
}

static struct workq *inner; /* the second queue of test_two_queues */

/* On a worker of q: a call to the other queue runs there, not inline. */
static void
call_other_job(void *arg)
{
	bool *on_inner = arg;
	workq_call(inner, count_job, on_inner);
}

static void
inner_job(void *arg)
{
	bool *on_inner = arg;
	*on_inner = workq_is_worker(inner) && !workq_is_worker(q);
}

static void
test_two_queues(void **state)
{
	(void)state;
	q = workq_start("outer", 1, 0);
	inner = workq_start("inner", 1, 0);
	assert_non_null(q);
	assert_non_null(inner);
	bool on_inner = false;
	workq_call(q, call_other_job, &on_inner);
	/* count_job saw itself a worker of q? it ran on inner's thread: no */
	assert_false(on_inner);
	workq_call(inner, inner_job, &on_inner);
	assert_true(on_inner);
	workq_stop(inner);
	workq_stop(q);
	inner = q = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_without_pool),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_stop_runs_queued),
		cmocka_unit_test(test_two_queues),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
