// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The dialogue's part of /accountability, on both platforms: questions answered within
 * ANSWERED_WITHIN_DAYS days, the median time to an answer, the questions still unanswered and
 * the oldest one's age. Computed from the rows both platforms hold alike (the times of the
 * signed question.asked and question.answered events), so both show the same figures.
 */
#include "db_dialogue.h"
#include "internal.h"

#include "common/http.h"
#include "common/page_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/*
 * The figures read every question (about 140 ms at 100,000): they are kept until the next write
 * (the page cache's generation, which the peer's events move too) or STATS_TTL_S at most, as the
 * oldest one's age moves with the clock; when out of date, one request computes them again
 * while the others show the previous figures meanwhile, as the inbox's counters do.
 */
#define STATS_TTL_S 60
static json_t *
stats(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static json_t *cached;
	static unsigned long cached_gen;
	static time_t cached_at;
	static bool computing;
	unsigned long gen = page_cache_generation();
	time_t now = time(NULL);
	pthread_mutex_lock(&lock);
	bool fresh = cached && cached_gen == gen && now - cached_at < STATS_TTL_S;
	json_t *s = cached && (fresh || computing) ? json_deep_copy(cached) : NULL;
	if (!s)
		computing = true;
	pthread_mutex_unlock(&lock);
	if (s)
		return s;
	s = db_dialogue_stats(ANSWERED_WITHIN_DAYS);
	pthread_mutex_lock(&lock);
	if (s) {
		json_decref(cached);
		cached = json_deep_copy(s);
		cached_gen = gen;
		cached_at = now;
	}
	computing = false;
	pthread_mutex_unlock(&lock);
	return s;
}

int
dialogue_stats_fill(struct request *req, json_t *view)
{
	(void)req;
	json_t *s = stats();
	if (!s)
		return -1;
	json_int_t answered = json_integer_value(json_object_get(s, "answered"));
	json_int_t within = json_integer_value(json_object_get(s, "answered_within"));
	json_object_set_new(s, "within_days", json_integer(ANSWERED_WITHIN_DAYS));
	/* a share of nothing is no figure: null, shown as a dash */
	json_object_set_new(s, "within_pct",
			    answered ? json_integer((within * 100 + answered / 2) / answered)
				     : json_null());
	json_object_set_new(s, "has_unanswered",
			    json_boolean(json_integer_value(json_object_get(s, "unanswered")) > 0));
	json_object_set_new(view, "questions", s);
	return 0;
}
