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
#include "common/kept.h"

/* The figures read every question (about 140 ms at 100,000): kept (common/kept.h) until the
 * next write or for a minute at most, as the oldest one's age moves with the clock. */
static json_t *
compute_stats(void *arg)
{
	(void)arg;
	return db_dialogue_stats(ANSWERED_WITHIN_DAYS);
}

int
dialogue_stats_fill(struct request *req, json_t *view)
{
	(void)req;
	static struct kept figures = KEPT_INIT(60);
	json_t *s = kept_get(&figures, compute_stats, NULL);
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
