// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The proposals' part of /accountability, the same on both platforms because both hold the
 * same signed times: the share of forwarded proposals answered by their due date (among those
 * answered or past their due date) and the median days from forwarding to a reasoned answer.
 */
#include "internal.h"

#include "accountability/accountability.h"
#include "common/page_util.h"
#include "db_proposal.h"

#include <stdlib.h>

static int
proposals_accountability_fill(struct request *req, json_t *view)
{
	(void)req;
	json_t *f = db_proposal_figures();
	if (!f)
		return -1;
	json_int_t counted = json_integer_value(json_object_get(f, "counted"));
	json_int_t in_time = json_integer_value(json_object_get(f, "answered_in_time"));
	json_t *median = json_object_get(f, "median_days");
	json_t *p =
		json_pack("{s:O, s:O, s:I, s:I, s:b}", "forwarded", json_object_get(f, "forwarded"),
			  "answered", json_object_get(f, "answered"), "counted", counted,
			  "answered_in_time", in_time, "has_counted", counted > 0);
	if (counted > 0)
		json_object_set_new(p, "in_time_percent",
				    json_integer((json_int_t)(in_time * 100 / counted)));
	if (json_is_string(median))
		json_object_set(p, "median_days", median);
	json_decref(f);
	json_object_set_new(view, "proposals_figures", p);
	return 0;
}

const struct accountability_section proposal_section = {
	.partial = "proposals_accountability",
	.fill = proposals_accountability_fill,
};
