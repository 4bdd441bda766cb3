// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The commune's statuses of residents' reports (docs/decisions/0007-reports.md): what an agent
 * (or the peer's event) may set, and the one function the official platform writes a status
 * with: the signed report.status first, then the row and its timeline at the event's time.
 */
#include "internal.h"

#include "common/db.h"
#include "common/page_util.h"
#include "db_report_federation.h"

#include <string.h>

const char *
report_status_check(const char *status, const char *message, const char *body,
		    const char *duplicate_of, const char *ref)
{
	if (!report_status_is_settable(status))
		return "unknown_status";
	if (utf8_length(message) > REPORT_MESSAGE_MAX)
		return "message_too_long";
	if (text_has_control(message, true))
		return "invalid_message";
	if (strcmp(status, "out_of_scope") == 0 && is_blank(body))
		return "body_required";
	if (utf8_length(body) > REPORT_PLACE_MAX || text_has_control(body, false))
		return "body_name_too_long";
	if (strcmp(status, "duplicate") == 0 && (!duplicate_of || !*duplicate_of))
		return "duplicate_required";
	if (duplicate_of && *duplicate_of &&
	    (!report_ref_is_valid(duplicate_of) || strcmp(duplicate_of, ref) == 0))
		return "duplicate_unknown";
	return NULL;
}

/* Emit report.status for report row r (its data built here, stolen by outbox_emit). */
static int
emit_status(json_t *r, const char *status, const char *message, const char *body,
	    const char *duplicate_of, bool reopened, char when[OUTBOX_TIME_SIZE])
{
	json_t *data =
		json_pack("{s:O, s:O, s:s, s:s}", "report", json_object_get(r, "origin_id"), "ref",
			  json_object_get(r, "ref"), "status", status, "message", message);
	if (body && *body)
		json_object_set_new(data, "body", json_string(body));
	if (duplicate_of && *duplicate_of)
		json_object_set_new(data, "duplicate_of", json_string(duplicate_of));
	if (reopened)
		json_object_set_new(data, "reopened", json_true());
	return report_emit("report.status", r, data, when);
}

enum status
report_status_emit(json_t *r, const char *status, const char *message, const char *body,
		   const char *duplicate_of, bool reopened)
{
	char when[OUTBOX_TIME_SIZE];
	if (emit_status(r, status, message, body, duplicate_of, reopened, when) < 0)
		return STATUS_UNAVAILABLE;
	/* without an emitter (no federation) there is no signed time: the database's clock */
	const char *at = *when ? when : "now";
	return db_report_status_write(json_integer_value(json_object_get(r, "id")), status, message,
				      body, duplicate_of, reopened, at) < 0
		       ? STATUS_UNAVAILABLE
		       : STATUS_OK;
}

/* True when the locked row r has this status, message, body and duplicate already. */
static bool
is_unchanged(json_t *r, const char *status, const char *message, const char *body,
	     const char *duplicate_of)
{
	const char *had_dup = json_string_value(json_object_get(r, "duplicate_of"));
	return strcmp(json_string_value(json_object_get(r, "status")), status) == 0 &&
	       strcmp(json_string_value(json_object_get(r, "status_message")), message) == 0 &&
	       strcmp(json_string_value(json_object_get(r, "status_body")), body) == 0 &&
	       !strcmp(had_dup ? had_dup : "", duplicate_of ? duplicate_of : "");
}

enum status
report_set_status(const char *ref, const char *status, const char *message, const char *body,
		  const char *duplicate_of, const char **code)
{
	enum status st = STATUS_UNAVAILABLE;
	json_t *r = NULL;
	*code = "database_unavailable";
	if (strcmp(status, "out_of_scope") != 0)
		body = ""; /* only a re-routed report names the body it went to */
	if (strcmp(status, "duplicate") != 0)
		duplicate_of = NULL;
	const char *bad = report_status_check(status, message, body, duplicate_of, ref);
	if (bad) {
		*code = bad;
		return STATUS_INVALID;
	}
	if (db_begin() < 0)
		return STATUS_UNAVAILABLE;
	r = db_report_lock(0, ref, &st);
	if (!r) {
		if (st == STATUS_NOT_FOUND)
			*code = "report_not_found";
		goto out;
	}
	if (duplicate_of) {
		int found = db_report_ref_exists(duplicate_of);
		if (found <= 0) {
			st = found < 0 ? STATUS_UNAVAILABLE : STATUS_INVALID;
			if (found == 0)
				*code = "duplicate_unknown";
			goto out;
		}
	}
	if (is_unchanged(r, status, message, body, duplicate_of)) {
		/* a form sent twice: nothing new to sign */
		st = STATUS_CONFLICT;
		*code = "status_unchanged";
		goto out;
	}
	st = report_status_emit(r, status, message, body, duplicate_of, false);
	if (st == STATUS_OK && db_commit() < 0)
		st = STATUS_UNAVAILABLE;
	if (st == STATUS_OK)
		*code = NULL;
out:
	if (st != STATUS_OK)
		db_rollback();
	json_decref(r);
	return st;
}
