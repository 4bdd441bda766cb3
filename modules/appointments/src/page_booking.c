// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The resident's private link /appointments/b/{token} (ROUTE_SECRET: logs show the pattern;
 * the pages send no Referer): the booking, its cancellation and rescheduling, and its .ics.
 * A link that matches nothing is 404 booking_unknown; acting on a booking that is cancelled,
 * closed by the commune or past is 409 booking_inactive.
 */
#include "db_appointments.h"
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
#include "common/log.h"
#include "common/page_util.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The booking of the {token} parameter; NULL when it replied. */
static json_t *
tracked(struct request *req)
{
	char sha[SHA256_HEX_SIZE];
	enum status st = STATUS_NOT_FOUND;
	json_t *row = NULL;
	secret_private_headers(req);
	if (secret_token_hash(http_param(req, "token"), sha))
		row = db_appt_by_token(sha, &st);
	if (!row)
		page_read_failed(req, st, "booking_unknown", "this booking link is not valid");
	return row;
}

static bool
active(json_t *row)
{
	return !strcmp(json_str(row, "status"), "booked") &&
	       json_is_true(json_object_get(row, "future"));
}

void
page_appt_booking(struct request *req)
{
	json_t *row = tracked(req);
	if (!row)
		return;
	const char *link = arena_printf(req->arena, "/appointments/b/%s", http_param(req, "token"));
	const char *status = json_str(row, "status");
	char key[32];
	snprintf(key, sizeof(key), "appt_status_%s", status);
	json_t *v = json_pack("{s:O, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s}",
			      "code", json_object_get(row, "code"), "title",
			      appt_text(req, json_object_get(row, "title")), "counter",
			      appt_text(req, json_object_get(row, "counter")), "place",
			      appt_text(req, json_object_get(row, "place")), "when",
			      arena_printf(req->arena, "%s %s",
					   appt_day_label(req, json_str(row, "day")),
					   json_str(row, "time")),
			      "status_label", appt_t(req, key), "can_change", active(row), "closed",
			      !strcmp(status, "closed"), "cancelled", !strcmp(status, "cancelled"),
			      "link", link, "ics", arena_printf(req->arena, "%s/ics", link),
			      "cancel_action", arena_printf(req->arena, "%s/cancel", link));
	const char *done = http_query(req, "done");
	if (done && (!strcmp(done, "cancelled") || !strcmp(done, "moved")))
		json_object_set_new(v, done, json_true());
	if (active(row)) {
		const char *day = http_query_value(req, "day");
		struct appt_plan p;
		if (appt_plan_load(&p, json_str(row, "service"), time(NULL)) == 0 &&
		    (!day || is_iso_date(day)))
			json_object_set_new(v, "picker", appt_picker(req, &p, day, link));
		appt_plan_free(&p);
		json_object_set_new(v, "reschedule_action",
				    json_string(arena_printf(req->arena, "%s/reschedule", link)));
	}
	http_csrf(req);
	json_decref(row);
	appt_render(req, 200, "appt_booking", v);
}

/* Cancel the booking of row and drop its reminder: 1, 0 (not cancellable), -1. */
static int
cancel(json_t *row)
{
	char key[APPT_KEY_SIZE];
	appt_reminder_key(json_str(row, "code"), json_str(row, "day"), json_str(row, "time"), key);
	return db_appt_cancel(json_integer_value(json_object_get(row, "id")), key);
}

void
page_appt_cancel(struct request *req)
{
	json_t *row = tracked(req);
	if (!row)
		return;
	int n = active(row) ? cancel(row) : 0;
	if (n < 0)
		page_db_unavailable(req);
	else if (n == 0)
		http_error(req, STATUS_CONFLICT, "booking_inactive",
			   "this booking is cancelled, closed by the commune or past");
	else {
		log_info("appointment %s cancelled by the resident", json_str(row, "code"));
		if (req->want_json)
			http_json(req, 200, json_pack("{s:s}", "status", "cancelled"));
		else
			http_redirect(req,
				      arena_printf(req->arena, "/appointments/b/%s?done=cancelled",
						   http_param(req, "token")));
	}
	json_decref(row);
}

void
page_appt_reschedule(struct request *req)
{
	json_t *row = tracked(req);
	if (!row)
		return;
	const char *service = json_str(row, "service");
	struct appt_plan p = {0};
	struct appt_new to = {.service = service};
	const char *why;
	if (!active(row)) {
		http_error(req, STATUS_CONFLICT, "booking_inactive",
			   "this booking is cancelled, closed by the commune or past");
	} else if (appt_plan_load(&p, service, time(NULL)) < 0) {
		page_db_unavailable(req);
	} else if (appt_check_slot(req, &p, http_form(req, "day"), http_form(req, "slot"), &to)) {
		struct appt_note note = {
			.app = req->app,
			.lang = json_str(row, "lang"),
			.offer = appt_plan_offer(&p, to.counter_id),
			.link = arena_printf(req->arena, "%s/appointments/b/%s",
					     page_public_base(req), http_param(req, "token")),
			.moved = true,
		};
		appt_reminder_key(json_str(row, "code"), json_str(row, "day"),
				  json_str(row, "time"), note.old_key);
		to.code = json_str(row, "code");
		to.notify = appt_notify_booked;
		to.notify_ctx = &note;
		enum status st = db_appt_reschedule(json_integer_value(json_object_get(row, "id")),
						    &to, &why);
		if (st == STATUS_UNAVAILABLE)
			page_db_unavailable(req);
		else if (st != STATUS_OK)
			http_error(req, st, why, "this slot cannot be taken: see the code");
		else if (req->want_json)
			http_json(
				req, 200,
				json_pack("{s:s, s:s}", "status", "moved", "starts_at", to.starts));
		else
			http_redirect(req, arena_printf(req->arena, "/appointments/b/%s?done=moved",
							http_param(req, "token")));
	}
	appt_plan_free(&p);
	json_decref(row);
}

/* Texts of row's member key in lang (the .ics speaks the language the booking was made in,
 * whoever downloads it). */
static const char *
in_lang(json_t *row, const char *key, const char *lang)
{
	const char *s = i18n_pick(json_object_get(row, key), lang, NULL);
	return s ? s : "";
}

void
page_appt_ics(struct request *req)
{
	json_t *row = tracked(req);
	if (!row)
		return;
	time_t now = time(NULL);
	struct tm tm;
	char stamp[20];
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	const char *host = req->app->cfg.public_url ? req->app->cfg.public_url : "baladiya";
	const char *h = strstr(host, "://"), *lang = json_str(row, "lang");
	struct appt_ics in = {
		.code = json_str(row, "code"),
		.host = h ? h + 3 : host,
		.day = json_str(row, "day"),
		.minute = appt_parse_hhmm(json_str(row, "time")),
		.length = (int)json_integer_value(json_object_get(row, "slot_minutes")),
		.summary = in_lang(row, "title", lang),
		.location = arena_printf(req->arena, "%s, %s", in_lang(row, "counter", lang),
					 in_lang(row, "place", lang)),
		.stamp_utc = stamp,
		.cancelled = strcmp(json_str(row, "status"), "booked") &&
			     strcmp(json_str(row, "status"), "arrived"),
	};
	char *text = appt_ics_text(&in);
	http_add_header(req, "Content-Disposition",
			arena_printf(req->arena, "attachment; filename=\"%s.ics\"", in.code));
	json_decref(row);
	if (!text) {
		http_error(req, STATUS_INTERNAL, "internal_error", "out of memory");
		return;
	}
	http_send_owned(req, 200, "text/calendar; charset=utf-8", text, strlen(text));
}
