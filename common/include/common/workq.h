// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_WORKQ_H
#define COMMON_WORKQ_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The bounded work queue for CPU-heavy work (image decoding, password hashing): a small pool of
 * its own threads and a few waiting slots, so that a flood of such work queues up here, or is
 * refused, instead of holding every HTTP thread. One per process; http_start() starts it.
 *
 * A job is a function and its argument. While the pool is not running (commands such as
 * "user add", unit tests) workq_call() runs the job at once on the caller's thread.
 */
typedef void (*workq_fn)(void *arg);

/* Start nthreads workers (>= 1) and room for nslots jobs waiting beside the running ones.
 * 0, or -1 (logged) when a thread could not be started. */
int workq_start(size_t nthreads, size_t nslots);
/* Run every job still queued, then stop and join the workers (each closes its database
 * connection). Nothing when the pool is not running. */
void workq_stop(void);

/*
 * Take a place for one job without blocking: false when every worker is busy and every slot
 * taken (or the pool is not running). A place taken must be used by workq_push() or given back
 * by workq_release(). Callers that must do something between (suspend a connection) use it.
 */
bool workq_reserve(void);
void workq_release(void);
/* Queue fn(arg) on the place taken by workq_reserve(); never fails. */
void workq_push(workq_fn fn, void *arg);

/* workq_reserve() and workq_push() together: false (nothing queued) when full. */
bool workq_submit(workq_fn fn, void *arg);

/*
 * Run fn(arg) in the pool and wait for it: inline when the caller is itself a worker or the pool
 * is not running; otherwise it waits for a place (never refused), so that this CPU-heavy work
 * never runs on more threads than the pool has.
 */
void workq_call(workq_fn fn, void *arg);

/* True when a job would be refused now (every place taken); false when the pool is not
 * running. A hint: the answer may change at once. */
bool workq_is_full(void);

/* True on one of the pool's threads. */
bool workq_is_worker(void);

#endif
