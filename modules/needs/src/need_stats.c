// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * "Needs by quarter" on /accountability (both platforms): needs, "me too" and answers by
 * quarter, from each platform's rows, which the same need.* events built.
 */
#include "internal.h"

#include "db_need.h"

#include "common/http.h"
#include "common/page_util.h"

int
need_accountability_fill(struct request *req, json_t *view)
{
	json_t *agg = db_need_aggregates();
	if (!agg)
		return -1;
	json_t *rows = json_object_get(agg, "by_quarter");
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) json_object_set_new(
		r, "label", json_string(need_quarter_label(req, json_str(r, "quarter"))));
	json_object_set(view, "needs_by_quarter", rows);
	json_object_set_new(view, "has_needs_by_quarter", json_boolean(json_array_size(rows) > 0));
	json_decref(agg);
	return 0;
}
