// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef APPOINTMENTS_DB_APPOINTMENTS_H
#define APPOINTMENTS_DB_APPOINTMENTS_H

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * The appointments' SQL. Functions returning json_t * give a new reference, NULL when the
 * database failed (logged); int functions 0 (or a count) or -1. Local days and times are
 * Africa/Algiers ("YYYY-MM-DD", "HH:MM").
 */

/* {horizon_days, notice_minutes, per_contact, retention_days, rest_days: [weekday...]} */
json_t *db_appt_settings(void);
/* rest_days: the weekly rest days as a PostgreSQL array text, "{5,6}". */
int db_appt_settings_save(int horizon_days, int notice_minutes, int per_contact,
			  const char *rest_days);
/* The active counters taking service: [{counter_id, counter, place, title, slot_minutes,
 * capacity, hours: {"weekday": [opens, closes]}}]; service NULL: every offer of every counter. */
json_t *db_appt_offers(const char *service);
/* 1 when some active counter takes service, 0 when none, -1 (failed). */
int db_appt_offered(const char *service);
/* Closed days between from and to (local days): [{id, day, counter_id, reason}]. */
json_t *db_appt_closed(const char *from, const char *to);
/* The places taken of service's slots between from and to: {"counter_id day HH:MM": n}. */
json_t *db_appt_taken(const char *service, const char *from, const char *to);

/* A booking to write (db_appt_book). */
struct appt_new {
	long long counter_id;
	const char *service;
	const char *starts; /* "YYYY-MM-DDTHH:MM:00+01:00" */
	int capacity;
	const char *code, *token_hash, *nonce, *lang, *name, *contact;
	int per_contact;
	/* a move: by an agent (account_id > 0) or the resident (0); with token_hash set, the
	 * private link changes too (an agent's move sends the resident a fresh one) */
	long long moved_by_account;
	/* called in the transaction that writes the booking (the messages to the resident,
	 * appt_notify.c); its -1 rolls the booking back. NULL: none */
	int (*notify)(const struct appt_new *b, void *ctx);
	void *notify_ctx;
};
/*
 * Take a place and write the booking in one transaction; the slot's row (its lock and its
 * CHECK) refuses overbooking. STATUS_OK with *id; STATUS_CONFLICT with *code "booking_slot_full",
 * "booking_replayed" or "booking_already"; STATUS_TOO_MANY ("booking_contact_limit": per_contact
 * future bookings of this contact); STATUS_UNAVAILABLE.
 */
enum status db_appt_book(const struct appt_new *b, long long *id, const char **code);
/* The booking of a private link's token hash: {id, code, service, counter_id, counter, place,
 * title, slot_minutes, capacity, day, time, starts_at, status, future, lang}, never the
 * person's data; NULL with *st NOT_FOUND or UNAVAILABLE. */
json_t *db_appt_by_token(const char *token_hash, enum status *st);
/* The same for the agents: booking id, NULL with *st NOT_FOUND or UNAVAILABLE. */
json_t *db_appt_by_id(long long id, enum status *st);
/* Booking id's moves, oldest first: [{from_day, from_time, to_day, to_time, by, at}]; NULL. */
json_t *db_appt_moves(long long id);
/* Cancel booking id (still booked, in the future), give its place back and drop its queued
 * reminder (reminder_key, appt_reminder_key), in one transaction: 1, 0 (not cancellable), -1. */
int db_appt_cancel(long long id, const char *reminder_key);
/* Move booking id to another slot (struct appt_new's counter_id, service, starts, capacity;
 * token_hash when the private link changes; moved_by_account) in one transaction, the old
 * place given back and the move kept in appt_booking_moves: STATUS_OK, STATUS_CONFLICT with
 * *code "booking_slot_full" or "booking_inactive", STATUS_UNAVAILABLE. */
enum status db_appt_reschedule(long long id, const struct appt_new *to, const char **code);

/* Every counter for staff: [{id, name, place, active, hours: {weekday: [o, c]}}] */
json_t *db_appt_counters(void);
/* The bookings of counter_id on day for the agents: [{id, code, time, service, title, status,
 * name, contact}]. */
json_t *db_appt_day(long long counter_id, const char *day);
/* Set booking id's status (arrived, no_show, booked): 1, 0 (no such active booking), -1. */
int db_appt_mark(long long id, const char *status);
/* Close counter_id on day (reason {"ar","fr"} JSON text) and flag its bookings "closed",
 * giving their places back; the affected bookings with their contacts for calling (same shape
 * as db_appt_day). */
json_t *db_appt_close_day(long long counter_id, const char *day, const char *reason,
			  int (*each)(json_t *row, void *ctx), void *ctx);

/* Staff configuration. names/places/titles are {"ar","fr"} JSON text. A new counter (id 0)
 * opens Sunday to Thursday, 08:00-16:30: its id; an existing one is updated: id, 0 when there
 * is no such counter; -1 when failed. The hours and the offers return -2 when there is no
 * such counter. opens < 0 closes the weekday. */
long long db_appt_counter_save(long long id, const char *name, const char *place, bool active);
int db_appt_hours_set(long long counter_id, int weekday, int opens, int closes);
int db_appt_offer_save(long long counter_id, const char *service, const char *title,
		       int slot_minutes, int capacity);
int db_appt_offer_delete(long long counter_id, const char *service);
int db_appt_holiday_add(const char *day, const char *reason);
int db_appt_closed_delete(long long id);
/* The number of counters (the demo loads only into an empty configuration). */
long long db_appt_counter_count(void);

/* Erase name and contact of bookings whose slot is more than the retention period old:
 * the number erased, or -1. */
long db_appt_erase_old(void);
/* {bookings, marked, no_shows} of service (cancelled ones not counted). */
json_t *db_appt_counts(const char *service);

#endif
