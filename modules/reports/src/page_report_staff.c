// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The collective's moderation of residents' reports on the citizen platform (grant
 * "reports.moderate"): the queue, pending reports first; approving a pre-moderated report
 * (it becomes public and is sent to the commune); hiding a report's texts, with the public
 * reason in the moderation log.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "moderation/moderation.h"
#include "reports/db_report.h"

#include <stdio.h>
#include <string.h>

#define STAFF_PENDING_MAX 20 /* pending reports on the queue's first page */
#define STAFF_PAGE 20        /* other reports a page of the queue shows */

/*
 * The queue: the pending reports first (at most STAFF_PENDING_MAX, newest first, with how many
 * wait in all), then the others, newest first, STAFF_PAGE a page (?before= the last one shown).
 * Both lists are rows the template reads with their actions (report_rows).
 */
void
page_staff_reports(struct request *req)
{
	if (!page_require(req, "reports.moderate"))
		return;
	long long before = page_before_param(req);
	if (before < 0)
		return;
	PGresult *pending, *others;
	if (db_report_staff_list(before, STAFF_PENDING_MAX, STAFF_PAGE, &pending, &others) < 0) {
		page_db_unavailable(req);
		return;
	}
	json_t *table = report_view_table(req);
	struct template_rows prows = {"pending"}, orows;
	if (pending)
		report_rows(req, table, pending, STAFF_PENDING_MAX, "pending", true, &prows);
	report_rows(req, table, others, STAFF_PAGE, "others", true, &orows);
	prows.next = &orows;
	long long waiting =
		pending && PQntuples(pending)
			? strtoll(PQgetvalue(pending, 0, PQfnumber(pending, "waiting")), NULL, 10)
			: 0;
	json_t *view =
		json_pack("{s:b, s:b, s:I, s:b, s:b}", "has_pending", prows.n > 0, "has_others",
			  orows.n > 0, "waiting", (json_int_t)waiting, "more_waiting",
			  waiting > (long long)prows.n, "is_first", before == 0);
	if (PQntuples(others) > STAFF_PAGE)
		json_object_set_new(
			view, "next_url",
			json_sprintf("/staff/reports?before=%s",
				     PQgetvalue(others, STAFF_PAGE - 1, PQfnumber(others, "id"))));
	http_csrf(req);
	http_render_rows(req, 200, "report_staff", view, &prows);
	PQclear(pending);
	PQclear(others);
	json_decref(table);
}

/* The report of {ref} for a moderator's action, locked by nothing: the UPDATEs check state. */
static json_t *
staff_report(struct request *req)
{
	if (!page_require(req, "reports.moderate"))
		return NULL;
	const char *ref = http_param(req, "ref");
	enum status st = STATUS_NOT_FOUND;
	json_t *row = report_ref_is_valid(ref) ? db_report_by_ref(ref, &st) : NULL;
	if (!row)
		page_read_failed(req, st, "report_not_found", "there is no such report");
	return row;
}

/* The answer to a moderator's change of report row: public pages changed, back to the queue. */
static void
staff_report_done(struct request *req, json_t *row)
{
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, report_view(req, row));
	else
		http_redirect(req, "/staff/reports");
}

void
page_staff_report_approve(struct request *req)
{
	json_t *row = staff_report(req), *done = NULL;
	if (!row)
		return;
	enum status st = STATUS_UNAVAILABLE;
	if (strcmp(json_string_value(json_object_get(row, "visibility")), "pending") != 0) {
		http_error(req, STATUS_CONFLICT, "not_pending", "this report is not waiting");
		goto out;
	}
	if (db_begin() == 0) {
		done = report_publish(row, true, &st);
		if (done && db_commit() < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		if (st == STATUS_NOT_FOUND)
			http_error(req, STATUS_CONFLICT, "not_pending",
				   "this report is not waiting");
		else if (st == STATUS_TOO_MANY)
			page_busy(req);
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the change could not be saved; try again in a minute");
		goto out;
	}
	log_info("report %s approved by account %lld",
		 json_string_value(json_object_get(row, "ref")), req->user->id);
	staff_report_done(req, done);
out:
	json_decref(done);
	json_decref(row);
}

/*
 * Hide report row's texts with reason, in the caller's transaction: the row, the moderation
 * log's entry (*m) and, for a report that was public, report.hidden and its timeline entry (a
 * pending report was never public: the peer never heard of it). Returns the hidden row, or
 * NULL; *st tells why (CONFLICT: hidden already).
 */
static json_t *
hide_in_tx(struct request *req, json_t *row, const char *reason, json_t **m, enum status *st)
{
	long long id = json_integer_value(json_object_get(row, "id"));
	bool was_public =
		strcmp(json_string_value(json_object_get(row, "visibility")), "public") == 0;
	json_t *hidden = db_report_hide(id, reason, st);
	if (!hidden)
		return NULL;
	if (report_erase(json_integer_value(json_object_get(row, "origin_id")), reason) < 0) {
		*st = STATUS_UNAVAILABLE;
		return hidden;
	}
	*m = db_moderation_add(
		req->app->side, 0, "hide_report",
		arena_printf(req->arena, "report/%lld",
			     (long long)json_integer_value(json_object_get(row, "origin_id"))),
		reason, json_string_value(json_object_get(hidden, "text_sha256")), NULL, st);
	if (*m && was_public) {
		json_t *data = json_pack("{s:O, s:s, s:O, s:O}", "id",
					 json_object_get(row, "origin_id"), "reason", reason,
					 "text_sha256", json_object_get(hidden, "text_sha256"),
					 "moderation_id", json_object_get(*m, "origin_id"));
		char at[OUTBOX_TIME_SIZE];
		if (report_emit("report.hidden", row, data, at) < 0 ||
		    db_report_timeline_append(id, REPORT_OWNER, "hidden", "", reason, "", at) < 0)
			*st = STATUS_UNAVAILABLE;
	}
	return hidden;
}

void
page_staff_report_hide(struct request *req)
{
	json_t *row = staff_report(req), *hidden = NULL, *m = NULL;
	if (!row)
		return;
	const char *reason = page_hide_reason(req);
	if (!reason)
		goto out;
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		hidden = hide_in_tx(req, row, reason, &m, &st);
		if (st == STATUS_OK && db_commit() < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		if (st == STATUS_CONFLICT && !hidden)
			http_error(req, st, "already_hidden", "this report is hidden already");
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the change could not be saved; try again in a minute");
		goto out;
	}
	log_info("report %s hidden by account %lld (moderation %lld)",
		 json_string_value(json_object_get(row, "ref")), req->user->id,
		 (long long)json_integer_value(json_object_get(m, "origin_id")));
	staff_report_done(req, hidden);
out:
	json_decref(m);
	json_decref(hidden);
	json_decref(row);
}
