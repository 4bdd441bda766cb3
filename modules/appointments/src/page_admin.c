// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The configuration as data (grant appointments.manage): the commune's rules (horizon,
 * notice, bookings per contact), the counters with their weekly hours, the services each
 * takes (slot length, capacity) and the commune's closed days (public and religious
 * holidays). One page of small forms, each posting to /staff/appointments/setup/{what}.
 */
#include "db_appointments.h"
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
#include "common/page_util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANAGE "appointments.manage"

/* The counters with their hours as seven rows of "HH:MM" texts ("" when closed). */
static void
hours_rows(struct request *req, json_t *counters)
{
	size_t i;
	json_t *c;
	json_array_foreach(counters, i, c)
	{
		json_t *week = json_array(), *h = json_object_get(c, "hours");
		for (int wd = 0; wd < 7; wd++) {
			char key[4], o[6] = "", cl[6] = "", lab[16];
			snprintf(key, sizeof(key), "%d", wd);
			snprintf(lab, sizeof(lab), "appt_wd_%d", wd);
			json_t *d = json_object_get(h, key);
			if (d) {
				appt_hhmm((int)json_integer_value(json_array_get(d, 0)), o);
				appt_hhmm((int)json_integer_value(json_array_get(d, 1)), cl);
			}
			json_array_append_new(
				week,
				json_pack(
					"{s:i, s:s, s:s, s:s, s:I}", "weekday", wd, "label",
					appt_t(req, lab), "opens", o, "closes", cl, "counter",
					(json_int_t)json_integer_value(json_object_get(c, "id"))));
		}
		json_object_set_new(c, "week", week);
		json_object_set_new(c, "label",
				    json_string(appt_text(req, json_object_get(c, "name"))));
	}
}

void
page_appt_admin(struct request *req)
{
	if (!page_require(req, MANAGE))
		return;
	char today[APPT_DAY_SIZE], last[APPT_DAY_SIZE];
	int minute;
	appt_local_now(time(NULL), today, &minute);
	appt_day_add(today, 400, last);
	json_t *settings = db_appt_settings(), *counters = db_appt_counters();
	json_t *offers = db_appt_offers(NULL), *closed = db_appt_closed(today, last);
	if (!settings || !counters || !offers || !closed) {
		json_decref(settings), json_decref(counters), json_decref(offers);
		json_decref(closed);
		page_db_unavailable(req);
		return;
	}
	hours_rows(req, counters);
	json_t *week = json_array(), *rest = json_object_get(settings, "rest_days");
	for (int wd = 0; wd < 7; wd++) {
		char lab[16];
		snprintf(lab, sizeof(lab), "appt_wd_%d", wd);
		bool on = false;
		size_t k;
		json_t *d;
		json_array_foreach(rest, k, d) on |= json_integer_value(d) == wd;
		json_array_append_new(week, json_pack("{s:i, s:s, s:b}", "weekday", wd, "label",
						      appt_t(req, lab), "rest", on));
	}
	json_object_set_new(settings, "week", week);
	size_t i;
	json_t *o;
	json_array_foreach(offers, i, o) json_object_set_new(
		o, "label", json_string(appt_text(req, json_object_get(o, "title"))));
	json_array_foreach(closed, i, o) json_object_set_new(
		o, "label", json_string(appt_text(req, json_object_get(o, "reason"))));
	const char *saved = http_query(req, "saved");
	json_t *v = json_pack("{s:o, s:o, s:o, s:o, s:b}", "settings", settings, "counters",
			      counters, "offers", offers, "closed", closed, "saved",
			      saved && !strcmp(saved, "1"));
	http_csrf(req);
	appt_render(req, 200, "appt_setup", v);
}

/* A whole number field between min and max, or INT_MIN. */
static int
form_int(struct request *req, const char *name, int min, int max)
{
	const char *s = http_form_value(req, name);
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || *end || v < min || v > max)
		return INT_MIN;
	return (int)v;
}

/* {"ar": name_ar, "fr": name_fr} as JSON text (arena), both required, one line each of at
 * most 200 characters; NULL otherwise. */
static const char *
texts(struct request *req, const char *base)
{
	const char *ar = text_clean(req, http_form(req, arena_printf(req->arena, "%s_ar", base)));
	const char *fr = text_clean(req, http_form(req, arena_printf(req->arena, "%s_fr", base)));
	if (is_blank(ar) || is_blank(fr) || utf8_length(ar) > 200 || utf8_length(fr) > 200 ||
	    text_has_control(ar, false) || text_has_control(fr, false))
		return NULL;
	json_t *o = json_pack("{s:s, s:s}", "ar", ar, "fr", fr);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	const char *r = arena_strdup(req->arena, s);
	free(s);
	return r;
}

/* A setup write's result as save() returns it: -2 is a counter that does not exist. */
static const char *
stored(int r)
{
	return r == -2 ? "appt_counter_invalid" : r < 0 ? "" : NULL;
}

/* One setup form; returns the reply's error code, NULL when saved, "" when the DB failed. */
static const char *
save(struct request *req, const char *what, long long *id)
{
	long long counter = page_parse_id(http_form(req, "counter"));
	if (!strcmp(what, "settings")) {
		int h = form_int(req, "horizon_days", 1, 365);
		int n = form_int(req, "notice_minutes", 0, 20160);
		int p = form_int(req, "per_contact", 1, 50);
		if (h == INT_MIN || n == INT_MIN || p == INT_MIN)
			return "appt_setting_invalid";
		/* the weekly rest days: the checked boxes rest_0 (Sunday) .. rest_6 */
		char rest[32] = "{", *r = rest + 1;
		for (int wd = 0; wd < 7; wd++) {
			char name[8];
			snprintf(name, sizeof(name), "rest_%d", wd);
			if (http_form_value(req, name))
				r += snprintf(r, 3, "%s%d", r > rest + 1 ? "," : "", wd);
		}
		strcpy(r, "}");
		return db_appt_settings_save(h, n, p, rest) < 0 ? "" : NULL;
	}
	if (!strcmp(what, "counter")) {
		const char *name = texts(req, "name"), *place = texts(req, "place");
		const char *given = http_form_value(req, "id");
		long long cid = given ? page_parse_id(given) : 0;
		if (!name || !place || cid < 0)
			return "appt_counter_invalid";
		*id = db_appt_counter_save(cid, name, place, !http_form_value(req, "inactive"));
		return *id < 0 ? "" : *id == 0 ? "appt_counter_invalid" : NULL;
	}
	if (!strcmp(what, "hours")) {
		int wd = form_int(req, "weekday", 0, 6);
		const char *os = http_form_value(req, "opens"),
			   *cs = http_form_value(req, "closes");
		int o = os ? appt_parse_hhmm(os) : -1, c = cs ? appt_parse_hhmm(cs) : -1;
		if (counter <= 0 || wd == INT_MIN || (os || cs) != (o >= 0 && c > o))
			return "appt_hours_invalid";
		return stored(db_appt_hours_set(counter, wd, o, c));
	}
	if (!strcmp(what, "offer") || !strcmp(what, "offer-delete")) {
		const char *key = http_form(req, "service");
		if (counter <= 0 || !appt_service_key_ok(key))
			return "appt_service_key_invalid";
		if (what[5])
			return db_appt_offer_delete(counter, key) < 0 ? "" : NULL;
		const char *title = texts(req, "title");
		int len = form_int(req, "slot_minutes", 5, 480);
		int cap = form_int(req, "capacity", 1, 100);
		if (!title || len == INT_MIN || cap == INT_MIN)
			return "appt_offer_invalid";
		return stored(db_appt_offer_save(counter, key, title, len, cap));
	}
	if (!strcmp(what, "holiday")) {
		const char *day = http_form(req, "day"), *reason = texts(req, "reason");
		if (!day || !is_iso_date(day) || !reason)
			return "booking_day_invalid";
		return db_appt_holiday_add(day, reason) < 0 ? "" : NULL;
	}
	if (!strcmp(what, "closed-delete")) {
		long long cid = page_parse_id(http_form(req, "id"));
		if (cid <= 0)
			return "booking_day_invalid";
		return db_appt_closed_delete(cid) < 0 ? "" : NULL;
	}
	return "appt_setup_unknown";
}

void
page_appt_admin_post(struct request *req)
{
	if (!page_require(req, MANAGE))
		return;
	long long id = 0;
	const char *code = save(req, http_param(req, "what"), &id);
	if (code && !*code) {
		page_db_unavailable(req);
	} else if (code && !strcmp(code, "appt_setup_unknown")) {
		http_error(req, STATUS_NOT_FOUND, "appt_setup_unknown", "no such setup form");
	} else if (code) {
		http_error(req, STATUS_INVALID, code, "check the values of the form");
	} else {
		http_cache_bump();
		if (req->want_json)
			http_json(req, 200, json_pack("{s:b, s:I}", "ok", 1, "id", (json_int_t)id));
		else
			http_redirect(req, "/staff/appointments/setup?saved=1");
	}
}
