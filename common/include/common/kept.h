// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_KEPT_H
#define COMMON_KEPT_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/*
 * Figures kept between requests: a JSON value that is costly to compute (counts and aggregates
 * over a whole table) and valid until the next write public pages show (the page cache's
 * generation, which the peer's events and the other processes' writes move too) or for ttl_s
 * seconds at most, since figures like an age also move with the clock. When out of date, one
 * request computes them again while the others are given the previous value meanwhile, instead
 * of every worker computing at once; before the first value, the others wait for it.
 *
 *	static struct kept counts = KEPT_INIT(60);
 *	json_t *c = kept_get(&counts, compute_counts, arg);   // a copy of its own, or NULL
 */
struct kept {
	pthread_mutex_t lock;
	pthread_cond_t computed; /* signalled when a computation ends */
	int ttl_s;
	json_t *value;
	unsigned long generation;
	time_t at;
	bool computing;
};

#define KEPT_INIT(ttl)                                                                             \
	{                                                                                          \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, (ttl), NULL, 0, 0, false      \
	}

/* The kept value (a deep copy the caller owns and may change), computed by compute(arg) when
 * there is none or it is out of date and no other request is computing it; NULL when compute
 * failed (it returns NULL when the database is unreachable). */
json_t *kept_get(struct kept *k, json_t *(*compute)(void *arg), void *arg);

#endif
