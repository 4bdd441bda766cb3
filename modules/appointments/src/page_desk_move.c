// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The commune moves one booking (grant appointments.desk, from the agents' day view): the
 * free slots of the booking's service (the same rules and capacity as booking), then the move
 * in one transaction with the notice to the resident ("moved", in the booking's language, the
 * new day and time in the commune's time zone, the private link and its .ics), the reminder
 * of the old slot dropped and the new one queued, and the move kept in the booking's history.
 * Only the link's hash is stored, so the notice carries a fresh private link: the old one stops
 * working (the resident's own moves keep theirs).
 */
#include "db_appointments.h"
#include "internal.h"

#include "common/arena.h"
#include "common/auth.h"
#include "common/check.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/secret.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#define DESK "appointments.desk"

/* For an agent with the desk's grant, the booking of {id}, still booked and to come; NULL when
 * it replied. */
static json_t *
movable(struct request *req, long long *id)
{
	if (!page_require(req, DESK))
		return NULL;
	enum status st = STATUS_NOT_FOUND;
	*id = page_parse_id(http_param(req, "id"));
	json_t *row = *id > 0 ? db_appt_by_id(*id, &st) : NULL;
	if (!row) {
		page_read_failed(req, st, "booking_unknown", "no such booking");
		return NULL;
	}
	if (strcmp(json_str(row, "status"), "booked") ||
	    !json_is_true(json_object_get(row, "future"))) {
		http_error(req, STATUS_CONFLICT, "booking_inactive",
			   "this booking is cancelled, closed, marked or past");
		json_decref(row);
		return NULL;
	}
	return row;
}

/* The day view of the booking's counter and day (where the agent came from). */
static const char *
desk_of(struct request *req, long long counter, const char *day)
{
	return arena_printf(req->arena, "/staff/appointments?counter=%lld&day=%s", counter, day);
}

void
page_appt_move_form(struct request *req)
{
	long long id;
	json_t *row = movable(req, &id);
	if (!row)
		return;
	const char *day = http_query_value(req, "day");
	if (day && !is_iso_date(day)) {
		json_decref(row);
		http_error(req, STATUS_INVALID, "booking_day_invalid",
			   "the day is not a YYYY-MM-DD date");
		return;
	}
	struct appt_plan p;
	if (appt_plan_load(&p, json_str(row, "service"), time(NULL)) < 0) {
		json_decref(row);
		page_db_unavailable(req);
		return;
	}
	const char *self = arena_printf(req->arena, "/staff/appointments/%lld/move", id);
	json_t *moves = db_appt_moves(id), *m;
	size_t i;
	json_array_foreach(moves, i, m) json_object_set_new(
		m, "by_staff", json_boolean(!strcmp(json_str(m, "by"), "staff")));
	json_t *v = json_pack(
		"{s:O, s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "code", json_object_get(row, "code"),
		"title", appt_text(req, json_object_get(row, "title")), "counter",
		appt_text(req, json_object_get(row, "counter")), "when",
		arena_printf(req->arena, "%s %s", appt_day_label(req, json_str(row, "day")),
			     json_str(row, "time")),
		"picker", appt_picker(req, &p, day, self), "action", self, "back",
		desk_of(req, json_integer_value(json_object_get(row, "counter_id")),
			json_str(row, "day")),
		"moves", moves ? moves : json_array());
	json_object_set_new(v, "has_moves", json_boolean(json_array_size(moves) > 0));
	appt_plan_free(&p);
	json_decref(row);
	http_csrf(req);
	appt_render(req, 200, "appt_move", v);
}

void
page_appt_move(struct request *req)
{
	long long id;
	json_t *row = movable(req, &id);
	if (!row)
		return;
	const char *service = json_str(row, "service");
	struct appt_plan p = {0};
	struct appt_new to = {.service = service, .moved_by_account = req->user->id};
	if (appt_plan_load(&p, service, time(NULL)) < 0) {
		page_db_unavailable(req);
	} else if (appt_check_slot(req, &p, http_form(req, "day"), http_form(req, "slot"), &to)) {
		char token[SECRET_TOKEN_SIZE], sha[SHA256_HEX_SIZE];
		secret_token_new(token, sha);
		struct appt_note note = {
			.app = req->app,
			.lang = json_str(row, "lang"),
			.offer = appt_plan_offer(&p, to.counter_id),
			.link = arena_printf(req->arena, "%s/appointments/b/%s",
					     page_public_base(req), token),
			.moved = true,
		};
		appt_reminder_key(json_str(row, "code"), json_str(row, "day"),
				  json_str(row, "time"), note.old_key);
		to.code = json_str(row, "code");
		to.token_hash = sha;
		to.notify = appt_notify_booked;
		to.notify_ctx = &note;
		const char *why = "booking_inactive";
		enum status st = db_appt_reschedule(id, &to, &why);
		OPENSSL_cleanse(token, sizeof(token));
		if (st == STATUS_UNAVAILABLE) {
			page_db_unavailable(req);
		} else if (st != STATUS_OK) {
			http_error(req, st, why, "this slot cannot be taken: see the code");
		} else {
			log_info("appointment %s moved by account %lld", to.code, req->user->id);
			http_cache_bump();
			if (req->want_json)
				http_json(req, 200,
					  json_pack("{s:s, s:s}", "status", "moved", "starts_at",
						    to.starts));
			else
				http_redirect(
					req, desk_of(req, to.counter_id,
						     arena_printf(req->arena, "%.10s", to.starts)));
		}
	}
	appt_plan_free(&p);
	json_decref(row);
}
