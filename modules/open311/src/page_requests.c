// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Open311 requests, read: the search of public requests with the spec's filters, one request,
 * its status history (an extension), and what a token of a filed request became.
 * service_request_id is the report's public reference; hidden and pending reports do not exist
 * here; no answer ever carries a contact.
 */
#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "db_open311.h"
#include "parse.h"
#include "reports/db_report.h"
#include "reports/report.h"

#include <openssl/crypto.h>
#include <string.h>

#define OPEN311_DESCRIPTION_MAX 4000 /* the spec's schema caps description there */
#define OPEN311_RANGE_MAX_DAYS 90    /* the spec's largest start_date..end_date span */

/* ---- requests as the spec shows them ---- */

/* The category's name in lang, or the code when the category left the configuration. */
static const char *
service_name(struct request *req, const char *code, const char *lang)
{
	json_t *c = report_category(req->app, code);
	return c ? open311_text_in(json_object_get(c, "name"), lang) : code;
}

/* Microdegrees (a JSON integer) as degrees, or null. */
static json_t *
degrees(json_t *e6)
{
	return json_is_integer(e6) ? json_real((double)json_integer_value(e6) / 1e6) : json_null();
}

/* The commune's expected resolution: its receipt plus the category's target delay. */
static json_t *
expected_datetime(struct request *req, json_t *row, bool open)
{
	long long received;
	char utc[OPEN311_UTC_SIZE];
	int days = report_category_target_days(req->app, json_str(row, "category"));
	if (!open || days <= 0 || !open311_parse_datetime(json_str(row, "received_at"), &received))
		return json_null();
	open311_format_utc(received + (long long)days * 86400, utc);
	return json_string(utc);
}

/* The body an out-of-scope request was sent to: the commune's word, else the category's. */
static json_t *
agency(struct request *req, json_t *row, const char *lang)
{
	if (strcmp(json_str(row, "status"), "out_of_scope") != 0)
		return json_null();
	const char *body = json_str(row, "status_body");
	json_t *c = report_category(req->app, json_str(row, "category"));
	if (!*body && c && json_object_get(c, "body"))
		body = open311_text_in(json_object_get(c, "body"), lang);
	return open311_string_or_null(body);
}

/* One report row (db_open311.h's shape) as a GeoReport v2 service request. */
static json_t *
request_json(struct request *req, json_t *row, const char *lang, const char *base)
{
	bool open = report_status_is_open(json_str(row, "status"));
	const char *notes = json_str(row, "notes");
	if (!*notes)
		notes = json_str(row, "status_message");
	json_t *photo = json_array_get(json_object_get(row, "photos"), 0);
	const char *sha = json_string_value(json_object_get(photo, "sha256"));
	json_t *media = sha ? json_string(arena_printf(req->arena, "%s/photos/%s.jpg", base, sha))
			    : json_null();
	const char *updated = json_str(row, "updated_at");
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "service_request_id", json_str(row, "ref"), "status",
			 open ? "open" : "closed", "status_notes", open311_string_or_null(notes),
			 "service_name", service_name(req, json_str(row, "category"), lang),
			 "service_code", json_str(row, "category"), "description",
			 open311_prefix(req, json_str(row, "description"), OPEN311_DESCRIPTION_MAX),
			 "agency_responsible", agency(req, row, lang), "requested_datetime",
			 json_str(row, "created_at"), "updated_datetime",
			 open311_string_or_null(updated), "expected_datetime",
			 expected_datetime(req, row, open), "address",
			 open311_string_or_null(json_str(row, "place")), "lat",
			 degrees(json_object_get(row, "lat_e6")), "long",
			 degrees(json_object_get(row, "lon_e6")), "media_url", media);
}

/* Replies with the rows as GeoReport v2 service requests (rows is consumed). */
static void
reply_requests(struct request *req, json_t *rows)
{
	const char *lang = open311_lang(req);
	const char *base = page_public_base(req);
	json_t *out = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_array_append_new(out, request_json(req, row, lang, base));
	}
	json_decref(rows);
	open311_reply(req, 200, out);
}

static void
request_not_found(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "open311_request_not_found",
		   "there is no public request with this service_request_id");
}

/* One public report by reference (new reference), or NULL after replying 404 or 503. */
static json_t *
find_request(struct request *req, const char *ref)
{
	if (!report_ref_is_valid(ref)) {
		request_not_found(req);
		return NULL;
	}
	struct open311_query q = {.refs = ref, .limit = 1};
	json_t *rows = db_open311_requests(&q);
	if (!rows) {
		open311_db_unavailable(req);
		return NULL;
	}
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!row)
		request_not_found(req);
	return row;
}

/* ---- GET requests.json: the search ---- */

static bool
is_ref(void *ctx, const char *s)
{
	(void)ctx;
	return report_ref_is_valid(s);
}

static bool
is_service(void *ctx, const char *s)
{
	return report_category(ctx, s) != NULL;
}

/* The statuses that count as closed, comma-separated, from report_status_is_open(). */
static const char *
closed_statuses(struct request *req)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *const *s = report_statuses; *s; s++)
		if (!report_status_is_open(*s))
			strbuf_addf(&sb, "%s%s", sb.len ? "," : "", *s);
	const char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return out;
}

/* start_date and end_date into q (as UTC); false after replying 400. */
static bool
read_dates(struct request *req, struct open311_query *q)
{
	const char *start = http_query_value(req, "start_date"),
		   *end = http_query_value(req, "end_date");
	long long t0 = 0, t1 = 0;
	char utc[OPEN311_UTC_SIZE];
	if (start) {
		if (!open311_parse_datetime(start, &t0)) {
			http_error(req, STATUS_INVALID, "open311_invalid_start_date",
				   "start_date must be a W3C date and time with a timezone, like "
				   "2026-11-01T00:00:00Z");
			return false;
		}
		open311_format_utc(t0, utc);
		q->start = arena_strdup(req->arena, utc);
	}
	if (end) {
		if (!open311_parse_datetime(end, &t1)) {
			http_error(req, STATUS_INVALID, "open311_invalid_end_date",
				   "end_date must be a W3C date and time with a timezone, like "
				   "2026-11-30T23:59:59Z");
			return false;
		}
		open311_format_utc(t1, utc);
		q->end = arena_strdup(req->arena, utc);
	}
	if (q->start && q->end && (t1 < t0 || t1 - t0 > OPEN311_RANGE_MAX_DAYS * 86400LL)) {
		http_error(req, STATUS_INVALID, "open311_invalid_date_range",
			   "end_date must follow start_date, at most 90 days later");
		return false;
	}
	return true;
}

/* The search's filters into q; false after replying 400. */
static bool
read_query(struct request *req, struct open311_query *q)
{
	const char *ids = http_query_value(req, "service_request_id");
	const char *codes = http_query_value(req, "service_code");
	const char *status = http_query_value(req, "status");
	if (ids) {
		/* the spec: with service_request_id, the other parameters are ignored */
		q->refs = open311_list_ok(ids, OPEN311_PAGE_MAX, is_ref, NULL) ? ids : NULL;
		if (!q->refs)
			http_error(req, STATUS_INVALID, "open311_invalid_request_id",
				   "service_request_id must be references like R-7K3M-Q2XP, "
				   "comma-separated");
		return q->refs != NULL;
	}
	if (codes) {
		q->categories = open311_list_ok(codes, 64, is_service, req->app) ? codes : NULL;
		if (!q->categories) {
			http_error(req, STATUS_INVALID, "open311_invalid_service_code",
				   "service_code must list known service codes, comma-separated");
			return false;
		}
	}
	if (!read_dates(req, q))
		return false;
	bool open = false, closed = false;
	if (status && !open311_parse_status(status, &open, &closed)) {
		http_error(req, STATUS_INVALID, "open311_invalid_status",
			   "status must be open, closed or both, comma-separated");
		return false;
	}
	if (status && open != closed) {
		q->want = open ? "open" : "closed";
		q->closed = closed_statuses(req);
	}
	return true;
}

void
open311_requests(struct request *req)
{
	struct open311_query q = {.limit = OPEN311_PAGE_MAX};
	if (!read_query(req, &q))
		return;
	json_t *rows = db_open311_requests(&q);
	if (!rows) {
		open311_db_unavailable(req);
		return;
	}
	reply_requests(req, rows);
}

/* ---- one request ---- */

void
open311_request(struct request *req)
{
	const char *ref =
		open311_json_file(req, http_param(req, "file"), "open311_request_not_found");
	if (!ref)
		return;
	json_t *row = find_request(req, ref);
	if (!row)
		return;
	reply_requests(req, json_pack("[o]", row));
}

/* One entry of a request's timeline as the history shows it. */
static json_t *
history_entry(json_t *e)
{
	const char *side = json_str(e, "side");
	const char *status = json_str(e, "status");
	bool commune = strcmp(side, REPORT_ANSWERER) == 0;
	json_t *open311_status = json_null();
	if (commune && report_status_is_valid(status))
		open311_status = json_string(report_status_is_open(status) ? "open" : "closed");
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "datetime", json_str(e, "at"),
			 "side", side, "kind", json_str(e, "kind"), "status", open311_status,
			 "detailed_status", open311_string_or_null(status), "notes",
			 open311_string_or_null(json_str(e, "message")), "agency_responsible",
			 open311_string_or_null(json_str(e, "body")));
}

/*
 * Extension: every public change of a request in order, the commune's statuses and messages
 * and the reporter's assessments, each at the time its signed event carries.
 */
void
open311_request_history(struct request *req)
{
	json_t *row = find_request(req, http_param(req, "ref"));
	if (!row)
		return;
	json_t *timeline = db_report_timeline(json_integer_value(json_object_get(row, "id")));
	if (!timeline) {
		json_decref(row);
		open311_db_unavailable(req);
		return;
	}
	json_t *history = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(timeline, i, e)
	{
		json_array_append_new(history, history_entry(e));
	}
	json_decref(timeline);
	json_t *out = json_pack("[{s:s, s:s, s:o}]", "service_request_id", json_str(row, "ref"),
				"service_code", json_str(row, "category"), "history", history);
	json_decref(row);
	open311_reply(req, 200, out);
}

/* ---- tokens ---- */

void
open311_token(struct request *req)
{
	const char *token =
		open311_json_file(req, http_param(req, "file"), "open311_token_not_found");
	if (!token)
		return;
	char sha[SHA256_HEX_SIZE];
	enum status st = STATUS_NOT_FOUND;
	json_t *row = secret_token_hash(token, sha) ? db_report_by_tracking(sha, &st) : NULL;
	OPENSSL_cleanse(sha, sizeof(sha));
	const char *visibility = json_str(row, "visibility");
	if (!row || strcmp(visibility, "hidden") == 0) {
		json_decref(row);
		if (st == STATUS_UNAVAILABLE)
			open311_db_unavailable(req);
		else
			http_error(req, STATUS_NOT_FOUND, "open311_token_not_found",
				   "there is no request with this token");
		return;
	}
	/* a pre-moderated report has no public reference until the moderators approve it */
	json_t *id =
		strcmp(visibility, "public") == 0 ? json_string(json_str(row, "ref")) : json_null();
	json_decref(row);
	open311_reply(req, 200,
		      json_pack("[{s:o, s:s}]", "service_request_id", id, "token", token));
}
