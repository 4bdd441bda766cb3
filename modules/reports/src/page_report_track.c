// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The reporter's private page on the citizen platform, reached by the tracking link only (the
 * token is never stored, logged or sent): the report with its timeline, the questionnaire once
 * the commune's resolution is old enough, and the one assessment each resolution gets.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "reports/db_report.h"

#include <string.h>

/* The report of the {token} parameter; NULL when it replied (404 tracking_unknown). */
static json_t *
tracked_report(struct request *req)
{
	char sha[SHA256_HEX_SIZE];
	enum status st = STATUS_NOT_FOUND;
	json_t *row = NULL;
	secret_private_headers(req);
	if (secret_token_hash(http_param(req, "token"), sha))
		row = db_report_by_tracking(sha, &st);
	if (!row)
		page_read_failed(req, st, "tracking_unknown", "this tracking link is not valid");
	return row;
}

void
page_report_track(struct request *req)
{
	json_t *row = tracked_report(req);
	if (!row)
		return;
	long long id = json_integer_value(json_object_get(row, "id"));
	int can = db_report_can_assess(id);
	json_t *view = report_item_view(req, row);
	bool ask = can > 0 && db_report_ask_due(id, (int)report_settings.ask_weeks) > 0;
	json_object_set_new(view, "can_assess", json_boolean(can > 0));
	json_object_set_new(view, "ask_first", json_boolean(ask));
	if (ask)
		db_report_set_asked(id); /* the questionnaire: the first time it was put */
	json_object_set_new(view, "assess_action",
			    json_sprintf("/reports/track/%s/assess", http_param(req, "token")));
	const char *assessed = http_query(req, "assessed");
	json_object_set_new(view, "assessed", json_boolean(assessed && !strcmp(assessed, "1")));
	json_object_set_new(
		view, "is_public",
		json_boolean(strcmp(json_string_value(json_object_get(row, "visibility")),
				    "public") == 0));
	json_object_set_new(view, "comment_max", json_integer(REPORT_MESSAGE_MAX));
	http_csrf(req);
	json_decref(row);
	http_render(req, 200, "report_track", view);
}

/*
 * Store the assessment of report row and emit report.assessed, in a transaction of its own:
 * the row (NULL with *st CONFLICT when this resolution cannot be assessed, UNAVAILABLE).
 */
static json_t *
assess(json_t *row, const char *assessment, const char *comment, enum status *st)
{
	long long id = json_integer_value(json_object_get(row, "id"));
	json_t *done = NULL;
	*st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return NULL;
	json_t *data = json_pack("{s:O, s:s, s:s}", "id", json_object_get(row, "origin_id"),
				 "assessment", assessment, "comment", comment);
	/* checked and written first (a row lock), then the event that carries the time */
	done = db_report_assess(id, assessment, comment, NULL, st);
	char at[OUTBOX_TIME_SIZE];
	if (done && (report_emit("report.assessed", row, data, at) < 0 ||
		     db_report_timeline_append(id, REPORT_OWNER, "assessed", assessment, comment,
					       "", at) < 0 ||
		     db_commit() < 0))
		*st = STATUS_UNAVAILABLE;
	else if (!done)
		json_decref(data);
	if (*st != STATUS_OK) {
		db_rollback();
		json_decref(done);
		done = NULL;
	}
	return done;
}

void
page_report_assess(struct request *req)
{
	json_t *row = tracked_report(req), *done = NULL;
	if (!row)
		return;
	const char *assessment = http_form(req, "assessment");
	const char *comment = text_clean(req, http_form(req, "comment"));
	if (!assessment || (strcmp(assessment, "confirmed") && strcmp(assessment, "disputed"))) {
		http_error(req, STATUS_INVALID, "invalid_assessment",
			   "choose whether the problem is fixed or not");
		goto out;
	}
	if (utf8_length(comment) > REPORT_MESSAGE_MAX) {
		http_error(req, STATUS_INVALID, "text_too_long",
			   "the comment is longer than 2000 characters");
		goto out;
	}
	if (text_has_control(comment, true)) {
		http_error(req, STATUS_INVALID, "invalid_text",
			   "the comment holds control characters");
		goto out;
	}
	enum status st;
	done = assess(row, assessment, comment, &st);
	if (st == STATUS_CONFLICT) {
		http_error(req, STATUS_CONFLICT, "assessment_closed",
			   "the commune has not marked this report resolved, or this resolution "
			   "was assessed already");
		goto out;
	}
	if (st != STATUS_OK) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the assessment could not be saved; try again in a minute");
		goto out;
	}
	log_info("report %s assessed: %s", json_string_value(json_object_get(row, "ref")),
		 assessment);
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, report_view(req, done));
	else
		http_redirect(req, arena_printf(req->arena, "/reports/track/%s?assessed=1",
						http_param(req, "token")));
out:
	json_decref(done);
	json_decref(row);
}
