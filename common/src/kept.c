// SPDX-License-Identifier: AGPL-3.0-or-later
/* Figures kept until the next write or for a while (common/kept.h). */
#include "common/kept.h"

#include "common/page_cache.h"

json_t *
kept_get(struct kept *k, json_t *(*compute)(void *arg), void *arg)
{
	unsigned long gen = page_cache_generation();
	time_t now = time(NULL);
	pthread_mutex_lock(&k->lock);
	/* no value yet: one request computes it, the others wait for it (at start, every worker
	 * computing at once held them all: 4 x 0.4 s for the inbox's counts at 100,000 reports) */
	while (!k->value && k->computing)
		pthread_cond_wait(&k->computed, &k->lock);
	bool fresh = k->value && k->generation == gen && now - k->at < k->ttl_s;
	json_t *v = k->value && (fresh || k->computing) ? json_deep_copy(k->value) : NULL;
	if (!v)
		k->computing = true;
	pthread_mutex_unlock(&k->lock);
	if (v)
		return v;
	v = compute(arg);
	pthread_mutex_lock(&k->lock);
	if (v) {
		json_decref(k->value);
		k->value = json_deep_copy(v);
		k->generation = gen;
		k->at = now;
	}
	k->computing = false;
	pthread_cond_broadcast(&k->computed);
	pthread_mutex_unlock(&k->lock);
	return v;
}
