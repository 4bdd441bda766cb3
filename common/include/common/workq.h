// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_WORKQ_H
#define COMMON_WORKQ_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A bounded work queue: a fixed pool of its own threads taking jobs in the order they came, and
 * a bounded number of places (running + waiting), so that a flood of work waits here, or is
 * refused, instead of multiplying threads. http_start() starts two: the pages' queue, on which
 * every request's handler runs (any free worker takes the oldest request, so one slow request
 * never holds the others of its connection's thread), and the queue for CPU-heavy work (image
 * decoding, password hashing), which runs that work on few threads of its own.
 *
 * A job is a function and its argument. Each worker holds its own database connection, closed
 * when the queue stops.
 */
typedef void (*workq_fn)(void *arg);
struct workq;

/* Start nthreads workers (>= 1) and room for nslots jobs waiting beside the running ones; NULL
 * (logged) when a thread could not be started. */
struct workq *workq_start(const char *name, size_t nthreads, size_t nslots);
/* Run every job still queued, then stop and join the workers and free q. Nothing for NULL. */
void workq_stop(struct workq *q);

/*
 * Take a place for one job without blocking: false when every worker is busy and every slot
 * taken (or q is NULL). A place taken must be used by workq_push() or given back by
 * workq_release(). Callers that must do something between (suspend a connection) use it.
 */
bool workq_reserve(struct workq *q);
void workq_release(struct workq *q);
/* Queue fn(arg) on the place taken by workq_reserve(); never fails. */
void workq_push(struct workq *q, workq_fn fn, void *arg);

/* workq_reserve() and workq_push() together: false (nothing queued) when full. */
bool workq_submit(struct workq *q, workq_fn fn, void *arg);

/*
 * Run fn(arg) on q and wait for it: inline when the caller is one of q's workers or q is NULL
 * or stopping; otherwise it waits for a place (never refused), so that this work never runs on
 * more threads than q has.
 */
void workq_call(struct workq *q, workq_fn fn, void *arg);

/* True when a job would be refused now (every place taken); false for NULL. A hint: the answer
 * may change at once. */
bool workq_is_full(struct workq *q);

/* True on one of q's threads. */
bool workq_is_worker(const struct workq *q);

/*
 * The process's queue for CPU-heavy work (photo.c, auth.c use it): set by http_start() while
 * serving, NULL otherwise (commands such as "user add", unit tests: such work runs at once on
 * the caller's thread).
 */
extern struct workq *workq_heavy;

#endif
