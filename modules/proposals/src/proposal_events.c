// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The events of proposals (docs/protocol.md, "Proposals"): every citizen event names the
 * proposal by its citizen id; the commune's proposal.stage names it the same way. The dates
 * that oblige (the end of the support time, the due date of the answer) are computed on both
 * sides from the signed time and the number of days the event carries.
 */
#include "internal.h"

#include "common/log.h"
#include "common/page_util.h"
#include "db_proposal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a resident wrote or showed is committed: hiding erases it from both sides and logs. */
static const char *const proposal_committed[] = {"title",  "body",  "author_name", "lat_e6",
						 "lon_e6", "photo", NULL};
static const char *const argument_committed[] = {"body", "author_name", NULL};

static json_t *
refs_of(const char *type, long long oid)
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", oid);
	return json_pack("[{s:s, s:s, s:s}]", "origin", PROPOSAL_OWNER, "type", type, "id", ids);
}

int
proposal_emit(const char *type, json_t *r, json_t *data, char when[OUTBOX_TIME_SIZE])
{
	long long oid = json_integer_value(json_object_get(r, "origin_id"));
	return outbox_emit_committed(type, refs_of("proposal", oid), data, proposal_committed,
				     when);
}

int
proposal_argument_emit(const char *type, json_t *a, long long poid, json_t *data)
{
	long long oid = json_integer_value(json_object_get(a, "origin_id"));
	json_object_set_new(data, "proposal", json_integer(poid));
	return outbox_emit_committed(type, refs_of("proposal_argument", oid), data,
				     argument_committed, NULL);
}

int
proposal_erase(const char *type, long long origin_id, const char *reason)
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", origin_id);
	return outbox_erase(PROPOSAL_OWNER, type, ids, reason) < 0 ? -1 : 0;
}

json_t *
proposal_publish(json_t *row, enum status *st)
{
	json_t *data = json_pack(
		"{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:I}", "id",
		json_object_get(row, "origin_id"), "ref", json_object_get(row, "ref"), "type",
		json_object_get(row, "type"), "title", json_object_get(row, "title"), "body",
		json_object_get(row, "body"), "quarter", json_object_get(row, "quarter"),
		"author_name", json_object_get(row, "author_name"), "lang",
		json_object_get(row, "lang"), "threshold", json_object_get(row, "threshold"),
		"support_days", (json_int_t)proposal_settings.support_days);
	if (json_is_integer(json_object_get(row, "lat_e6"))) {
		json_object_set(data, "lat_e6", json_object_get(row, "lat_e6"));
		json_object_set(data, "lon_e6", json_object_get(row, "lon_e6"));
	}
	if (json_is_object(json_object_get(row, "photo")))
		json_object_set(data, "photo", json_object_get(row, "photo"));
	char at[OUTBOX_TIME_SIZE];
	int rc = proposal_emit("proposal.created", row, data, at);
	if (rc < 0) {
		*st = rc == OUTBOX_BUSY ? STATUS_TOO_MANY : STATUS_UNAVAILABLE;
		return NULL;
	}
	return db_proposal_publish(json_integer_value(json_object_get(row, "id")), at,
				   proposal_settings.support_days, st);
}

int
proposal_maybe_forward(json_t *r)
{
	json_int_t n = json_integer_value(json_object_get(r, "supporters"));
	json_t *left = json_object_get(r, "support_in_s");
	if (strcmp(json_str(r, "stage"), "submitted") != 0 ||
	    n < json_integer_value(json_object_get(r, "threshold")) || !json_is_integer(left) ||
	    json_integer_value(left) < 0)
		return 0;
	json_t *data = json_pack("{s:O, s:O, s:I, s:I}", "id", json_object_get(r, "origin_id"),
				 "ref", json_object_get(r, "ref"), "supporters", n, "answer_days",
				 (json_int_t)proposal_settings.answer_days);
	char at[OUTBOX_TIME_SIZE];
	int rc = proposal_emit("proposal.forwarded", r, data, at);
	if (rc < 0)
		return rc;
	long long id = json_integer_value(json_object_get(r, "id"));
	if (db_proposal_forward(id, at, proposal_settings.answer_days, (long)n) <= 0)
		return -1;
	json_object_set_new(r, "stage", json_string("supported")); /* what the answer shows */
	log_info("proposal %s forwarded to the commune (%lld supports)", json_str(r, "ref"),
		 (long long)n);
	return proposal_notify_stage(r, "supported");
}

enum status
proposal_stage_emit(json_t *r, const char *stage, const char *session_date, json_t *answer,
		    const char *url)
{
	json_t *data = json_pack("{s:O, s:O, s:s}", "proposal", json_object_get(r, "origin_id"),
				 "ref", json_object_get(r, "ref"), "stage", stage);
	if (session_date)
		json_object_set_new(data, "session_date", json_string(session_date));
	if (answer)
		json_object_set(data, "answer", answer);
	if (url)
		json_object_set_new(data, "deliberation_url", json_string(url));
	char at[OUTBOX_TIME_SIZE];
	/* the commune's own words: carried, signed, not erasable by the collective */
	int rc = outbox_emit(
		"proposal.stage",
		refs_of("proposal", json_integer_value(json_object_get(r, "origin_id"))), data, at);
	if (rc < 0)
		return rc == OUTBOX_BUSY ? STATUS_TOO_MANY : STATUS_UNAVAILABLE;
	char *answer_text = answer ? json_dumps(answer, JSON_COMPACT) : NULL;
	int w = db_proposal_stage_write(json_integer_value(json_object_get(r, "id")), stage, at,
					session_date, answer_text, url);
	free(answer_text);
	return w < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}
