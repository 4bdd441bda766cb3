// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The agents' desk (grant appointments.desk): a counter's day view (printable, no JavaScript),
 * arrivals and no-shows, and closing a counter for a day, which lists the bookings affected
 * with their contacts for calling and flags them so that the residents' links say so.
 */
#include "db_appointments.h"
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
#include "common/log.h"
#include "common/page_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESK "appointments.desk"

/* The counters as a select's options, the chosen one (the first when none) in *chosen. */
static json_t *
counter_options(struct request *req, json_t *counters, long long *chosen)
{
	json_t *opts = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(counters, i, c)
	{
		long long id = json_integer_value(json_object_get(c, "id"));
		if (*chosen <= 0)
			*chosen = id;
		json_array_append_new(opts,
				      json_pack("{s:I, s:s, s:b}", "value", (json_int_t)id, "label",
						appt_text(req, json_object_get(c, "name")),
						"selected", id == *chosen));
	}
	return opts;
}

/* Labels of the bookings' statuses and services for the reader. */
static void
label_rows(struct request *req, json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		char key[32];
		snprintf(key, sizeof(key), "appt_status_%s", json_str(r, "status"));
		json_object_set_new(r, "status_label", json_string(appt_t(req, key)));
		json_object_set_new(r, "title_label",
				    json_string(appt_text(req, json_object_get(r, "title"))));
		json_object_set_new(r, "is_booked",
				    json_boolean(!strcmp(json_str(r, "status"), "booked")));
	}
}

void
page_appt_desk(struct request *req)
{
	if (!page_require(req, DESK))
		return;
	const char *day = http_query_value(req, "day"), *c = http_query_value(req, "counter");
	char today[APPT_DAY_SIZE];
	int minute;
	appt_local_now(time(NULL), today, &minute);
	long long counter = c ? page_parse_id(c) : 0;
	if ((day && !is_iso_date(day)) || counter < 0) {
		http_error(req, STATUS_INVALID, "booking_day_invalid",
			   "the day is not a YYYY-MM-DD date");
		return;
	}
	if (!day)
		day = arena_strdup(req->arena, today);
	json_t *counters = db_appt_counters();
	if (!counters) {
		page_db_unavailable(req);
		return;
	}
	json_t *opts = counter_options(req, counters, &counter);
	json_t *rows = counter > 0 ? db_appt_day(counter, day) : json_array();
	json_decref(counters);
	if (!rows) {
		json_decref(opts);
		page_db_unavailable(req);
		return;
	}
	label_rows(req, rows);
	json_t *v = json_pack("{s:o, s:o, s:b, s:s, s:s, s:I, s:b}", "counters", opts, "rows", rows,
			      "has_rows", json_array_size(rows) > 0, "day", day, "day_label",
			      appt_day_label(req, day), "counter", (json_int_t)counter,
			      "has_counter", counter > 0);
	http_csrf(req);
	appt_render(req, 200, "appt_desk", v);
}

void
page_appt_mark(struct request *req)
{
	if (!page_require(req, DESK))
		return;
	long long id = page_parse_id(http_param(req, "id"));
	const char *status = http_form(req, "status");
	if (!status ||
	    (strcmp(status, "arrived") && strcmp(status, "no_show") && strcmp(status, "booked"))) {
		http_error(req, STATUS_INVALID, "booking_status_invalid",
			   "mark a booking arrived, no_show or booked");
		return;
	}
	int n = id > 0 ? db_appt_mark(id, status) : 0;
	if (n < 0) {
		page_db_unavailable(req);
		return;
	}
	if (n == 0) {
		http_error(req, STATUS_NOT_FOUND, "booking_unknown", "no such active booking");
		return;
	}
	const char *back = http_form(req, "back");
	if (req->want_json)
		http_json(req, 200, json_pack("{s:s}", "status", status));
	else
		http_redirect(req, back && !strncmp(back, "/staff/appointments", 19) &&
						   !strstr(back, "//")
					   ? back
					   : "/staff/appointments");
}

void
page_appt_close_day(struct request *req)
{
	if (!page_require(req, DESK))
		return;
	const char *day = http_form(req, "day"), *c = http_form(req, "counter");
	const char *reason = text_clean(req, http_form(req, "reason"));
	long long counter = c ? page_parse_id(c) : -1;
	if (!day || !is_iso_date(day) || counter <= 0) {
		http_error(req, STATUS_INVALID, "booking_day_invalid",
			   "choose a counter and a day");
		return;
	}
	if (utf8_length(reason) > 200 || text_has_control(reason, false)) {
		http_error(req, STATUS_INVALID, "appt_reason_invalid", "the reason is too long");
		return;
	}
	json_t *r = json_pack("{s:s, s:s}", "ar", reason, "fr", reason);
	char *rtext = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	struct appt_close_note note = {
		.app = req->app, .day = day, .reason = reason, .book_base = page_public_base(req)};
	json_t *rows = db_appt_close_day(counter, day, rtext, appt_notify_closed, &note);
	free(rtext);
	if (!rows) {
		page_db_unavailable(req);
		return;
	}
	log_info("counter %lld closed on %s: %zu booking(s) to call", counter, day,
		 json_array_size(rows));
	label_rows(req, rows);
	http_cache_bump();
	json_t *v = json_pack("{s:o, s:b, s:s, s:I}", "rows", rows, "has_rows",
			      json_array_size(rows) > 0, "day_label", appt_day_label(req, day),
			      "counter", (json_int_t)counter);
	appt_render(req, 200, "appt_closed", v);
}
