// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The citizen platform's proposal jobs. The tally: supports are counted in the transaction of
 * each support (exact, and the threshold is crossed there), but they travel to the commune as
 * one proposal.supported per changed proposal and run, so that a burst of thousands of supports
 * costs a few signed events, not thousands. The deadlines: proposals whose support time ended
 * below the threshold expire (their supports stay, as history), forwarded proposals past their
 * due date without the commune's answer become overdue; each is a signed event.
 */
#include "internal.h"

#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_proposal.h"

#include <string.h>

#define JOB_BATCH 200

int
proposal_tally_run(struct app *app)
{
	(void)app;
	if (db_begin() < 0)
		return -1;
	json_t *rows = db_proposal_tally_take(JOB_BATCH);
	int rc = rows ? 0 : -1;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *data = json_pack("{s:O, s:O}", "id", json_object_get(r, "origin_id"),
					 "supporters", json_object_get(r, "supporters"));
		if (proposal_emit("proposal.supported", r, data, NULL) < 0) {
			rc = -1;
			break;
		}
	}
	json_decref(rows);
	if (rc == 0 && db_commit() == 0)
		return 0;
	db_rollback();
	log_warn("proposals: the tally could not be sent; next run");
	return -1;
}

/* One deadline (expired or overdue) of row r, in a transaction of its own. */
static int
deadline_one(json_t *r, bool expire)
{
	long long id = json_integer_value(json_object_get(r, "id"));
	if (db_begin() < 0)
		return -1;
	json_t *data = expire ? json_pack("{s:O, s:O}", "id", json_object_get(r, "origin_id"),
					  "supporters", json_object_get(r, "supporters"))
			      : json_pack("{s:O, s:O}", "id", json_object_get(r, "origin_id"),
					  "due_at", json_object_get(r, "due_at"));
	char at[OUTBOX_TIME_SIZE];
	int c = -1;
	if (proposal_emit(expire ? "proposal.expired" : "proposal.overdue", r, data, at) == 0)
		c = expire ? db_proposal_expire(id, at) : db_proposal_overdue(id, at);
	if (c > 0 && proposal_notify_stage(r, expire ? "expired" : "overdue") < 0)
		c = -1;
	if (c <= 0 || db_commit() < 0) {
		db_rollback();
		return c == 0 ? 0 : -1;
	}
	log_info("proposal %s %s", json_str(r, "ref"), expire ? "expired" : "overdue");
	return 1;
}

int
proposal_deadlines_run(struct app *app)
{
	(void)app;
	int rc = 0, changed = 0;
	for (int expire = 1; expire >= 0; expire--) {
		json_t *rows = expire ? db_proposal_to_expire(JOB_BATCH)
				      : db_proposal_to_overdue(JOB_BATCH);
		if (!rows)
			return -1;
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
		{
			int c = deadline_one(r, expire);
			if (c < 0)
				rc = -1;
			changed += c > 0;
		}
		json_decref(rows);
	}
	if (changed)
		http_cache_bump();
	return rc;
}
