// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Residents book without an account and without JavaScript: /services/{key}/book lists the
 * open days (links), the free slots of the chosen day (radio buttons) and asks a name and a
 * phone or e-mail; the answer is the confirmation code, the private link and the .ics link,
 * shown once (only the link's hash is stored).
 */
#include "appointments/appointments.h"
#include "db_appointments.h"
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/static_files.h"
#include "common/xalloc.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
appt_text(struct request *req, json_t *texts)
{
	const char *s = i18n_pick(texts, req->lang, NULL);
	return s ? s : "";
}

void
appt_render(struct request *req, unsigned code, const char *template, json_t *view)
{
	json_object_set_new(view, "css",
			    json_string(static_files_url(req->app->statics, "appointments.css")));
	http_render(req, code, template, view);
}

/* "Sunday 2026-12-13" in the reader's language. */
const char *
appt_day_label(struct request *req, const char *day)
{
	char key[16];
	snprintf(key, sizeof(key), "appt_wd_%d", appt_weekday(day));
	return arena_printf(req->arena, "%s %s", appt_t(req, key), day);
}

/* A one-time value for a form (replays of the same form are refused). */
static const char *
new_nonce(struct request *req)
{
	unsigned char r[16];
	if (RAND_bytes(r, sizeof(r)) != 1)
		die("could not read random bytes from OpenSSL");
	char *s = arena_alloc(req->arena, 2 * sizeof(r) + 1);
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(s + 2 * i, 3, "%02x", r[i]);
	return s;
}

json_t *
appt_picker(struct request *req, const struct appt_plan *p, const char *day, const char *base)
{
	json_t *days = json_array(), *slots = json_array();
	int horizon = (int)json_integer_value(json_object_get(p->settings, "horizon_days"));
	const char *chosen = day;
	for (int d = 0; d <= horizon && json_array_size(days) < APPT_DAYS_SHOWN; d++) {
		char dd[APPT_DAY_SIZE];
		appt_day_add(p->today, d, dd);
		json_t *s = appt_plan_day(p, dd);
		size_t i, free = 0;
		json_t *v;
		json_array_foreach(s, i, v) free +=
			json_integer_value(json_object_get(v, "free")) > 0;
		json_decref(s);
		if (!free)
			continue;
		if (!chosen)
			chosen = arena_strdup(req->arena, dd);
		json_array_append_new(days,
				      json_pack("{s:s, s:s, s:s, s:b}", "day", dd, "label",
						appt_day_label(req, dd), "url",
						arena_printf(req->arena, "%s?day=%s", base, dd),
						"current", !strcmp(dd, chosen)));
	}
	json_t *s = chosen ? appt_plan_day(p, chosen) : json_array();
	size_t i;
	json_t *v;
	json_array_foreach(s, i, v)
	{
		if (json_integer_value(json_object_get(v, "free")) <= 0)
			continue;
		long long cid = json_integer_value(json_object_get(v, "counter_id"));
		json_t *o = appt_plan_offer(p, cid);
		const char *time = json_string_value(json_object_get(v, "time"));
		json_array_append_new(
			slots, json_pack("{s:s, s:s, s:s, s:s, s:O, s:s}", "value",
					 arena_printf(req->arena, "%lld@%s", cid, time), "id",
					 arena_printf(req->arena, "slot-%lld-%.2s%.2s", cid, time,
						      time + 3),
					 "time", time, "counter",
					 appt_text(req, json_object_get(o, "counter")), "free",
					 json_object_get(v, "free"), "place",
					 appt_text(req, json_object_get(o, "place"))));
	}
	json_decref(s);
	return json_pack("{s:o, s:o, s:b, s:s?, s:s?}", "days", days, "slots", slots, "has_slots",
			 json_array_size(slots) > 0, "day", chosen, "day_label",
			 chosen ? appt_day_label(req, chosen) : NULL);
}

/* appt_plan_load of service from now into *p; false when it replied (database unavailable). */
static bool
plan_or_reply(struct request *req, struct appt_plan *p, const char *service)
{
	if (appt_plan_load(p, service, time(NULL)) == 0)
		return true;
	appt_plan_free(p);
	page_db_unavailable(req);
	return false;
}

/* The service of {key} when some counter takes it; NULL when it replied. */
static const char *
bookable_service(struct request *req)
{
	const char *key = http_param(req, "key");
	int offered = appt_service_key_ok(key) ? db_appt_offered(key) : 0;
	if (offered < 0) {
		page_db_unavailable(req);
		return NULL;
	}
	if (!offered) {
		http_error(req, STATUS_NOT_FOUND, "booking_service_unknown",
			   "this service cannot be booked");
		return NULL;
	}
	return key;
}

void
page_appt_book_form(struct request *req)
{
	const char *service = bookable_service(req);
	if (!service)
		return;
	const char *day = http_query_value(req, "day");
	if (day && !is_iso_date(day)) {
		http_error(req, STATUS_INVALID, "booking_day_invalid",
			   "the day is not a YYYY-MM-DD date");
		return;
	}
	struct appt_plan p;
	if (!plan_or_reply(req, &p, service))
		return;
	const char *base = arena_printf(req->arena, "/services/%s/book", service);
	json_t *view = appt_picker(req, &p, day, base);
	json_t *first = json_array_get(p.offers, 0);
	json_object_set_new(view, "service", json_string(service));
	json_object_set_new(view, "title",
			    json_string(appt_text(req, json_object_get(first, "title"))));
	json_object_set_new(view, "action", json_string(base));
	json_object_set_new(view, "nonce", json_string(new_nonce(req)));
	json_object_set_new(view, "retention_days",
			    json_copy(json_object_get(p.settings, "retention_days")));
	json_t *figures = NULL;
	if (req->want_json &&
	    appointments_figures(service, APPT_FIGURES_MIN_SAMPLE, &figures) == STATUS_OK)
		json_object_set_new(view, "figures", figures);
	http_csrf(req);
	appt_plan_free(&p);
	http_add_header(req, "Cache-Control", "no-store");
	appt_render(req, 200, "appt_book", view);
}

bool
appt_check_slot(struct request *req, const struct appt_plan *p, const char *day, const char *slot,
		struct appt_new *out)
{
	long long cid = 0;
	int minute = -1, used = 0;
	if (!day || !is_iso_date(day)) {
		http_error(req, STATUS_INVALID, "booking_day_invalid",
			   "the day is not a YYYY-MM-DD date");
		return false;
	}
	if (slot && sscanf(slot, "%lld@%n", &cid, &used) == 1 && used > 0)
		minute = appt_parse_hhmm(slot + used);
	json_t *o = minute >= 0 ? appt_plan_offer(p, cid) : NULL;
	if (!o) {
		http_error(req, STATUS_INVALID, "booking_slot_unknown", "there is no such slot");
		return false;
	}
	static const char *const when_codes[][2] = {
		{NULL, NULL},
		{"booking_date_past", "this day or time has passed"},
		{"booking_too_soon", "this slot is inside the minimum notice"},
		{"booking_beyond_horizon", "this day is beyond the booking horizon"},
	};
	enum appt_when w = appt_check_when(
		day, minute, p->today, p->now_minute,
		(int)json_integer_value(json_object_get(p->settings, "horizon_days")),
		(int)json_integer_value(json_object_get(p->settings, "notice_minutes")));
	if (w != APPT_WHEN_OK) {
		http_error(req, STATUS_INVALID, when_codes[w][0], when_codes[w][1]);
		return false;
	}
	if (appt_day_closed(day, cid, json_object_get(p->settings, "rest_days"), p->closed)) {
		http_error(req, STATUS_CONFLICT, "booking_day_closed",
			   "the counter is closed that day");
		return false;
	}
	json_t *slots = appt_plan_day(p, day);
	bool exists = false;
	size_t i;
	json_t *v;
	json_array_foreach(slots, i, v) exists |=
		json_integer_value(json_object_get(v, "counter_id")) == cid &&
		json_integer_value(json_object_get(v, "minute")) == minute;
	json_decref(slots);
	if (!exists) {
		http_error(req, STATUS_INVALID, "booking_slot_unknown", "there is no such slot");
		return false;
	}
	char *iso = arena_alloc(req->arena, 26);
	appt_local_iso(day, minute, iso);
	out->counter_id = cid;
	out->starts = iso;
	out->capacity = (int)json_integer_value(json_object_get(o, "capacity"));
	return true;
}

/* The resident's name and contact, checked; false when it replied. */
static bool
person(struct request *req, const char **name, const char **contact)
{
	*name = text_clean(req, http_form(req, "name"));
	*contact = text_clean(req, http_form(req, "contact"));
	if (is_blank(*name)) {
		http_error(req, STATUS_INVALID, "booking_name_required", "leave a name");
		return false;
	}
	if (utf8_length(*name) > APPT_NAME_MAX || text_has_control(*name, false)) {
		http_error(req, STATUS_INVALID, "booking_name_invalid",
			   "the name is longer than 100 characters or holds control characters");
		return false;
	}
	if (!appt_contact_ok(*contact)) {
		http_error(req, STATUS_INVALID, "booking_contact_invalid",
			   "leave a phone number or an e-mail address");
		return false;
	}
	return true;
}

static void
booked_reply(struct request *req, const char *service, const struct appt_new *b, const char *token,
	     json_t *offer)
{
	const char *link = arena_printf(req->arena, "/appointments/b/%s", token);
	const char *base = req->app->cfg.public_url ? req->app->cfg.public_url : "";
	char day[APPT_DAY_SIZE];
	snprintf(day, sizeof(day), "%.10s", b->starts);
	secret_private_headers(req);
	json_t *v = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", b->code, "service",
		service, "title", appt_text(req, json_object_get(offer, "title")), "counter",
		appt_text(req, json_object_get(offer, "counter")), "place",
		appt_text(req, json_object_get(offer, "place")), "when",
		arena_printf(req->arena, "%s %.5s", appt_day_label(req, day), b->starts + 11),
		"link", link, "full_link", arena_printf(req->arena, "%s%s", base, link), "ics",
		arena_printf(req->arena, "%s/ics", link));
	appt_render(req, 201, "appt_booked", v);
}

void
page_appt_book(struct request *req)
{
	const char *service = bookable_service(req);
	if (!service || !page_rate_allow(req, "appointment", 10, "booking_rate_limit",
					 "too many bookings from this connection; try later"))
		return;
	const char *nonce = http_form(req, "nonce"), *name, *contact;
	if (!appt_nonce_ok(nonce)) {
		http_error(req, STATUS_INVALID, "booking_form_invalid", "reload the booking form");
		return;
	}
	if (!person(req, &name, &contact))
		return;
	struct appt_plan p;
	if (!plan_or_reply(req, &p, service))
		return;
	char token[SECRET_TOKEN_SIZE], sha[SHA256_HEX_SIZE], code[APPT_CODE_SIZE];
	struct appt_new b = {.service = service,
			     .nonce = nonce,
			     .lang = req->lang,
			     .name = name,
			     .contact = contact,
			     .code = code,
			     .token_hash = sha};
	b.per_contact = (int)json_integer_value(json_object_get(p.settings, "per_contact"));
	if (!appt_check_slot(req, &p, http_form(req, "day"), http_form(req, "slot"), &b))
		goto out;
	secret_token_new(token, sha);
	appt_new_code(code);
	struct appt_note note = {
		.app = req->app,
		.lang = req->lang,
		.offer = appt_plan_offer(&p, b.counter_id),
		.link = arena_printf(req->arena, "%s/appointments/b/%s", page_public_base(req),
				     token),
	};
	b.notify = appt_notify_booked;
	b.notify_ctx = &note;
	long long id;
	const char *why;
	enum status st = db_appt_book(&b, &id, &why);
	if (st == STATUS_OK) {
		log_info("appointment %s booked for %s", code, service);
		booked_reply(req, service, &b, token, appt_plan_offer(&p, b.counter_id));
	} else if (st == STATUS_UNAVAILABLE) {
		page_db_unavailable(req);
	} else {
		http_error(req, st, why, "this slot cannot be booked: see the code");
	}
	OPENSSL_cleanse(token, sizeof(token));
out:
	appt_plan_free(&p);
}
