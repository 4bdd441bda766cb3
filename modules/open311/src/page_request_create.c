// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Open311 POST requests.json: a machine client files a report with its API key (checked by
 * its hash, its use noted), through report_submit() like the residents' form. The answer is the
 * new request's public reference, or a token for a pre-moderated one. Photos are never fetched
 * from a media_url. Limited per client address like the residents' form.
 */
#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/log.h"
#include "common/secret.h"
#include "common/map.h"
#include "common/page_util.h"
#include "db_open311.h"
#include "parse.h"
#include "reports/report.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN311_KEY_MAX 128
#define OPEN311_RATE_PER_MINUTE 10 /* per client (client.h), unless set otherwise */

/* Check the api_key field: true for a live key; otherwise replies 403 (or 503). */
static bool
api_key_ok(struct request *req)
{
	const char *key = http_form_value(req, "api_key");
	if (!key) {
		http_error(req, STATUS_FORBIDDEN, "open311_api_key_required",
			   "api_key is required to file a request");
		return false;
	}
	if (strlen(key) > OPEN311_KEY_MAX) {
		http_error(req, STATUS_FORBIDDEN, "open311_api_key_invalid",
			   "api_key is not valid");
		return false;
	}
	char hex[SHA256_HEX_SIZE];
	sha256_hex(key, strlen(key), hex);
	char *name = NULL;
	enum status st = db_open311_key_check(hex, &name);
	if (st == STATUS_OK) {
		log_info("open311 request from client \"%s\"", name);
		free(name);
		return true;
	}
	if (st == STATUS_UNAVAILABLE)
		open311_db_unavailable(req);
	else
		http_error(req, STATUS_FORBIDDEN, "open311_api_key_invalid",
			   "api_key is not valid");
	return false;
}

/*
 * The request's fields as report_submit() takes them (in->lang already set); false after
 * replying 400 or 404.
 */
static bool
read_input(struct request *req, struct report_input *in)
{
	if (http_form_value(req, "media_url")) {
		http_error(req, STATUS_INVALID, "open311_media_url",
			   "media_url is not accepted: photos are added through the web form, "
			   "never fetched from an address");
		return false;
	}
	in->category = http_form_value(req, "service_code");
	if (!in->category) {
		http_error(req, STATUS_INVALID, "open311_service_code_required",
			   "service_code is required");
		return false;
	}
	if (!report_category(req->app, in->category)) {
		open311_no_service(req);
		return false;
	}
	in->description = http_form_value(req, "description");
	in->place = http_form_value(req, "address_string");
	in->quarter =
		http_form_value(req, "quarter"); /* extension: a quarter code, as on the form */
	const char *lat = http_form_value(req, "lat"), *lon = http_form_value(req, "long");
	if (lat || lon) {
		if (!lat || !lon || !map_parse_degrees(lat, 90, &in->lat_e6) ||
		    !map_parse_degrees(lon, 180, &in->lon_e6)) {
			http_error(req, STATUS_INVALID, "open311_invalid_lat_long",
				   "lat and long must both be decimal degrees (WGS84)");
			return false;
		}
		in->has_point = true;
	}
	in->title = http_form_value(req, "title");
	if (!in->title) {
		/* the spec has no title: the first line of the description */
		size_t n;
		const char *t =
			open311_title(in->description ? in->description : "", REPORT_TITLE_MAX, &n);
		in->title = arena_strndup(req->arena, t, n);
	}
	/* one private contact: the e-mail address when both are given */
	in->contact = http_form_value(req, "email");
	if (!in->contact)
		in->contact = http_form_value(req, "phone");
	return true;
}

/* report_submit()'s codes, and what they mean in the spec's words. */
static const char *
submit_message(const char *code)
{
	static const struct {
		const char *code, *message;
	} messages[] = {
		{"empty_text", "description is required"},
		{"text_too_long", "title or description is too long"},
		{"outside_commune", "the location is outside the commune"},
		{"place_required", "lat and long, or address_string, are required"},
		{"invalid_point", "lat and long are not a valid location"},
		{"contact_invalid", "email or phone is not valid"},
		{"invalid_text", "the texts may not hold control characters"},
		{"invalid_quarter", "quarter is not one of the commune's quarters"},
	};
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (strcmp(messages[i].code, code) == 0)
			return messages[i].message;
	return "the request is not valid";
}

/* Replies to report_submit()'s refusal: st and its error code err (may be NULL). */
static void
refuse(struct request *req, enum status st, const char *err)
{
	if (st == STATUS_INVALID && err && strcmp(err, "unknown_category") == 0)
		open311_no_service(req);
	else if (st == STATUS_TOO_MANY)
		page_busy(req);
	else if (st == STATUS_INVALID || st == STATUS_TOO_LARGE)
		http_error(req, STATUS_INVALID, err ? err : "invalid_request",
			   submit_message(err ? err : ""));
	else
		open311_db_unavailable(req);
}

/* The answer for the report view filed in category code: its reference, or its token while
 * it waits for the moderators (no public reference yet: the client asks tokens/{token}.json
 * later). */
static json_t *
filed_answer(struct request *req, const char *lang, json_t *view, const char *token,
	     const char *code)
{
	const char *ref = json_str(view, "ref");
	bool pending = report_category_premoderated(req->app, code) ||
		       strcmp(json_str(view, "visibility"), "pending") == 0;
	log_info("open311 report %s filed (%s)", pending ? "pending moderation" : ref, code);
	if (pending)
		return json_pack("[{s:s, s:s}]", "token", token, "service_notice",
				 open311_msg(req, lang, "open311_notice_pending"));
	const char *url = arena_printf(req->arena, "%s/reports/%s", page_public_base(req), ref);
	return json_pack(
		"[{s:s, s:s}]", "service_request_id", ref, "service_notice",
		open311_fill(req, open311_msg(req, lang, "open311_notice_public"), "{url}", url));
}

void
open311_request_create(struct request *req)
{
	if (req->body.len && http_parse_form(req) != STATUS_OK)
		return; /* it replied */
	if (!api_key_ok(req) ||
	    !page_rate_allow(req, "open311", OPEN311_RATE_PER_MINUTE, "open311_too_many_requests",
			     "too many requests from this connection; wait a minute"))
		return;
	const char *lang = open311_lang(req);
	struct report_input in = {.lang = lang};
	if (!read_input(req, &in))
		return;
	char token[SECRET_TOKEN_SIZE] = "";
	enum status st = STATUS_INTERNAL;
	const char *err = NULL, *field = NULL;
	json_t *view = report_submit(req->app, &in, token, &st, &err, &field);
	if (!view) {
		OPENSSL_cleanse(token, sizeof(token));
		refuse(req, st, err);
		return;
	}
	http_cache_bump();
	json_t *answer = filed_answer(req, lang, view, token, in.category);
	OPENSSL_cleanse(token, sizeof(token));
	json_decref(view);
	open311_reply(req, 200, answer);
}
