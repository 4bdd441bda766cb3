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

int
dialogue_stats_fill(struct request *req, json_t *view)
{
	(void)req;
	json_t *s = db_dialogue_stats(ANSWERED_WITHIN_DAYS);
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
