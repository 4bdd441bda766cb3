// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The appointments' SQL. Overbooking is refused by the database: a booking takes its place
 * with one upsert on the slot's row (the row lock orders concurrent requests; the CHECK
 * booked <= capacity holds whatever the C code does), and one contact's bookings are counted
 * under an advisory lock on the contact's keyed hash.
 */
#include "db_appointments.h"

#include "internal.h"

#include "common/check.h"
#include "common/db.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ "'" APPT_TZID "'"
/* a local day $n as the timestamptz of its midnight */
#define DAY_START(n) "(" n "::date::timestamp AT TIME ZONE " TZ ")"
#define LOCAL_DAY(t) "to_char(" t " AT TIME ZONE " TZ ", 'YYYY-MM-DD')"
#define LOCAL_TIME(t) "to_char(" t " AT TIME ZONE " TZ ", 'HH24:MI')"

/* The first row of res as an object, NULL when none (*st NOT_FOUND) or failed; clears res. */
static json_t *
one(PGresult *res, enum status *st)
{
	*st = res ? STATUS_NOT_FOUND : STATUS_UNAVAILABLE;
	json_t *o = res && PQntuples(res) ? db_row_object(res, 0) : NULL;
	if (o)
		*st = STATUS_OK;
	PQclear(res);
	return o;
}

/* The number in res's first row and column, or -1 (failed, no row); clears res. */
static long long
first_number(PGresult *res)
{
	long long n = res && PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return n;
}

/* The number of rows res changed, or -1; clears res. */
static int
changed(PGresult *res)
{
	if (!res)
		return -1;
	int n = atoi(PQcmdTuples(res));
	PQclear(res);
	return n;
}

json_t *
db_appt_settings(void)
{
	enum status st;
	return one(db_exec("SELECT horizon_days, notice_minutes, per_contact, retention_days,"
			   " to_jsonb(rest_days) AS rest_days FROM appt_settings",
			   0, NULL),
		   &st);
}

int
db_appt_settings_save(int horizon_days, int notice_minutes, int per_contact, const char *rest_days)
{
	char h[16], n[16], p[16];
	return db_command("UPDATE appt_settings SET horizon_days = $1, notice_minutes = $2,"
			  " per_contact = $3, rest_days = $4::int[]",
			  DB_PARAMS(LL(h, horizon_days), LL(n, notice_minutes), LL(p, per_contact),
				    rest_days));
}

#define HOURS_OF(c)                                                                                \
	"(SELECT coalesce(jsonb_object_agg(h.weekday, jsonb_build_array(h.opens, h.closes)),"      \
	" '{}') FROM appt_hours h WHERE h.counter_id = " c ")"

json_t *
db_appt_offers(const char *service)
{
	return db_row_objects(db_exec(
		"SELECT c.id AS counter_id, c.name AS counter, c.place, o.service, o.title,"
		" o.slot_minutes, o.capacity, " HOURS_OF(
			"c.id") " AS hours"
				" FROM appt_offers o JOIN appt_counters c ON c.id = o.counter_id"
				" WHERE c.active AND ($1::text IS NULL OR o.service = $1) ORDER BY "
				"c.id, o.service",
		DB_PARAMS(service)));
}

int
db_appt_offered(const char *service)
{
	PGresult *res = db_exec("SELECT EXISTS (SELECT 1 FROM appt_offers o JOIN appt_counters c"
				" ON c.id = o.counter_id WHERE c.active AND o.service = $1)",
				DB_PARAMS(service));
	if (!res)
		return -1;
	int r = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return r;
}

json_t *
db_appt_closed(const char *from, const char *to)
{
	return db_row_objects(
		db_exec("SELECT id, to_char(day, 'YYYY-MM-DD') AS day, counter_id, reason"
			" FROM appt_closed WHERE day BETWEEN $1::date AND $2::date"
			" ORDER BY day, counter_id NULLS FIRST",
			DB_PARAMS(from, to)));
}

json_t *
db_appt_taken(const char *service, const char *from, const char *to)
{
	PGresult *res = db_exec(
		"SELECT counter_id || ' ' || " LOCAL_DAY("starts_at") " || ' ' || " LOCAL_TIME(
			"starts_at") ", booked FROM appt_slots"
				     " WHERE service = $1 AND starts_at >= " DAY_START(
					     "$2") " AND starts_at < " DAY_START("$3") " + "
										       "interval "
										       "'1 day'",
		DB_PARAMS(service, from, to));
	if (!res)
		return NULL;
	json_t *o = json_object();
	for (int i = 0; i < PQntuples(res); i++)
		json_object_set_new(o, PQgetvalue(res, i, 0),
				    json_integer(atoi(PQgetvalue(res, i, 1))));
	PQclear(res);
	return o;
}

/* The place of b's slot: the slot's id, or "" when it is full; NULL when failed. The upsert
 * makes the row on first use; its row lock makes concurrent takers wait and re-check. */
static char *
take_place(const struct appt_new *b, char id[24])
{
	char cid[24], cap[16];
	PGresult *res = db_exec(
		"INSERT INTO appt_slots (counter_id, service, starts_at, capacity, booked)"
		" VALUES ($1, $2, $3::timestamptz, $4, 1)"
		" ON CONFLICT (counter_id, service, starts_at) DO UPDATE"
		" SET booked = appt_slots.booked + 1, capacity = EXCLUDED.capacity"
		" WHERE appt_slots.booked < EXCLUDED.capacity RETURNING id",
		DB_PARAMS(LL(cid, b->counter_id), b->service, b->starts, LL(cap, b->capacity)));
	if (!res)
		return NULL;
	snprintf(id, 24, "%s", PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return id;
}

/*
 * The keyed hash of a contact (the key never leaves the database), hex; false when failed.
 * The contact is hashed as one person writes it in any form: an e-mail address in lower case,
 * a phone number as its digits with the country code 213 (or 00213) written 0.
 */
static bool
contact_hash(const char *contact, char out[SHA256_HEX_SIZE])
{
	PGresult *res =
		db_exec("SELECT encode(sha256(convert_to(secret || ':' || CASE WHEN $1 LIKE '%@%'"
			" THEN lower($1) ELSE regexp_replace(regexp_replace($1, '[^0-9]', '', 'g'),"
			" '^(00)?213', '0') END, 'UTF8')), 'hex') FROM appt_settings",
			DB_PARAMS(contact));
	if (!res || PQntuples(res) != 1) {
		PQclear(res);
		return false;
	}
	snprintf(out, SHA256_HEX_SIZE, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

/* In the transaction: why b cannot be written before its place is taken (NULL: it can),
 * "" when the database failed. The advisory lock serializes one contact's bookings. */
static const char *
book_refusal(const struct appt_new *b, const char *hash)
{
	char lim[16], cid[24];
	PGresult *res = db_exec(
		"SELECT pg_advisory_xact_lock(hashtextextended($1, 7)) IS NULL,"
		" EXISTS (SELECT 1 FROM appt_bookings WHERE nonce = $2),"
		" (SELECT count(*) >= $3 FROM appt_bookings WHERE contact_hash = $1"
		"  AND status = 'booked' AND starts_at > now()),"
		" EXISTS (SELECT 1 FROM appt_bookings WHERE contact_hash = $1 AND status = 'booked'"
		"  AND counter_id = $4 AND service = $5 AND starts_at = $6::timestamptz)",
		DB_PARAMS(hash, b->nonce, LL(lim, b->per_contact), LL(cid, b->counter_id),
			  b->service, b->starts));
	if (!res)
		return "";
	const char *why = PQgetvalue(res, 0, 1)[0] == 't'   ? "booking_replayed"
			  : PQgetvalue(res, 0, 3)[0] == 't' ? "booking_already"
			  : PQgetvalue(res, 0, 2)[0] == 't' ? "booking_contact_limit"
							    : NULL;
	PQclear(res);
	return why;
}

/* A step of db_appt_book or db_appt_reschedule, run by in_transaction. */
typedef enum status (*tx_step)(long long id, const struct appt_new *b, long long *out,
			       const char **code);

/* Run step in a transaction of its own: committed when it returns STATUS_OK, else rolled back
 * (and STATUS_UNAVAILABLE when the commit fails). */
static enum status
in_transaction(tx_step step, long long id, const struct appt_new *b, long long *out,
	       const char **code)
{
	*code = NULL;
	if (db_begin() < 0)
		return STATUS_UNAVAILABLE;
	enum status st = step(id, b, out, code);
	if (st == STATUS_OK && db_commit() < 0)
		st = STATUS_UNAVAILABLE;
	if (st != STATUS_OK)
		db_rollback();
	return st;
}

/* Write booking b in the open transaction: STATUS_OK with *id, or the refusal. */
static enum status
book_in_tx(long long unused, const struct appt_new *b, long long *id, const char **code)
{
	(void)unused;
	char hash[SHA256_HEX_SIZE], slot[24];
	if (!contact_hash(b->contact, hash))
		return STATUS_UNAVAILABLE;
	const char *why = book_refusal(b, hash);
	if (why && !*why)
		return STATUS_UNAVAILABLE;
	if (why) {
		*code = why;
		return strcmp(why, "booking_contact_limit") ? STATUS_CONFLICT : STATUS_TOO_MANY;
	}
	if (!take_place(b, slot))
		return STATUS_UNAVAILABLE;
	if (!*slot) {
		*code = "booking_slot_full";
		return STATUS_CONFLICT;
	}
	char cid[24];
	PGresult *res = db_exec(
		"INSERT INTO appt_bookings (code, token_hash, nonce, slot_id, counter_id, service,"
		" starts_at, lang, name, contact, contact_hash)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8, $9, $10, $11) RETURNING id",
		DB_PARAMS(b->code, b->token_hash, b->nonce, slot, LL(cid, b->counter_id),
			  b->service, b->starts, b->lang, b->name, b->contact, hash));
	if (!res) {
		/* a concurrent twin of the same form or person got there first */
		if (db_is_unique_violation()) {
			*code = "booking_replayed";
			return STATUS_CONFLICT;
		}
		return STATUS_UNAVAILABLE;
	}
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return b->notify && b->notify(b, b->notify_ctx) < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

enum status
db_appt_book(const struct appt_new *b, long long *id, const char **code)
{
	return in_transaction(book_in_tx, 0, b, id, code);
}

#define BOOKING_COLUMNS                                                                            \
	"b.id, b.code, b.service, b.counter_id, c.name AS counter, c.place, o.title,"              \
	" coalesce(o.slot_minutes, 15) AS slot_minutes, coalesce(o.capacity, 1) AS capacity,"      \
	" " LOCAL_DAY("b.starts_at") " AS day, " LOCAL_TIME(                                       \
		"b.starts_at") " AS time,"                                                         \
			       " b.status, b.starts_at > now() AS future, b.lang"

json_t *
db_appt_by_token(const char *token_hash, enum status *st)
{
	return one(db_exec("SELECT " BOOKING_COLUMNS " FROM appt_bookings b"
			   " JOIN appt_counters c ON c.id = b.counter_id"
			   " LEFT JOIN appt_offers o ON o.counter_id = b.counter_id"
			   "  AND o.service = b.service WHERE b.token_hash = $1",
			   DB_PARAMS(token_hash)),
		   st);
}

json_t *
db_appt_by_id(long long id, enum status *st)
{
	char i[24];
	return one(db_exec("SELECT " BOOKING_COLUMNS " FROM appt_bookings b"
			   " JOIN appt_counters c ON c.id = b.counter_id"
			   " LEFT JOIN appt_offers o ON o.counter_id = b.counter_id"
			   "  AND o.service = b.service WHERE b.id = $1",
			   DB_PARAMS(LL(i, id))),
		   st);
}

json_t *
db_appt_moves(long long id)
{
	// clang-format off
	static const char q[] =
		"SELECT " LOCAL_DAY("from_starts") " AS from_day,"
		" " LOCAL_TIME("from_starts") " AS from_time,"
		" " LOCAL_DAY("to_starts") " AS to_day,"
		" " LOCAL_TIME("to_starts") " AS to_time, moved_by AS by"
		" FROM appt_booking_moves WHERE booking_id = $1 ORDER BY id";
	// clang-format on
	char i[24];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(i, id))));
}

int
db_appt_cancel(long long id, const char *reminder_key)
{
	char i[24];
	if (db_begin() < 0)
		return -1;
	int n = changed(db_exec(
		"WITH b AS (UPDATE appt_bookings SET status = 'cancelled', updated_at = now()"
		"  WHERE id = $1 AND status = 'booked' AND starts_at > now() RETURNING slot_id)"
		" UPDATE appt_slots s SET booked = s.booked - 1 FROM b WHERE s.id = b.slot_id",
		DB_PARAMS(LL(i, id))));
	/* the reminder goes with the booking, in the same transaction */
	if (n > 0 && notify_cancel(reminder_key) < 0)
		n = -1;
	if (n <= 0 || db_commit() < 0) {
		db_rollback();
		return n == 0 ? 0 : -1;
	}
	return n;
}

/* Move booking id in the open transaction (see db_appt_reschedule). */
static enum status
reschedule_in_tx(long long id, const struct appt_new *to, long long *unused, const char **code)
{
	(void)unused;
	char i[24], slot[24], cid[24], acc[24];
	PGresult *res =
		db_exec("SELECT slot_id, contact, starts_at FROM appt_bookings WHERE id = $1"
			" AND status = 'booked' AND starts_at > now() FOR UPDATE",
			DB_PARAMS(LL(i, id)));
	if (!res)
		return STATUS_UNAVAILABLE;
	if (PQntuples(res) != 1) {
		PQclear(res);
		*code = "booking_inactive";
		return STATUS_CONFLICT;
	}
	char old[24], contact[APPT_CONTACT_MAX + 1], from[64];
	snprintf(old, sizeof(old), "%s", PQgetvalue(res, 0, 0));
	snprintf(contact, sizeof(contact), "%s", PQgetvalue(res, 0, 1));
	snprintf(from, sizeof(from), "%s", PQgetvalue(res, 0, 2));
	PQclear(res);
	struct appt_new moved = *to; /* with the contact the messages go to */
	moved.contact = contact;
	if (!take_place(to, slot))
		return STATUS_UNAVAILABLE;
	if (!*slot) {
		*code = "booking_slot_full";
		return STATUS_CONFLICT;
	}
	if (db_command("UPDATE appt_slots SET booked = booked - 1 WHERE id = $1", DB_PARAMS(old)) <
		    0 ||
	    db_command("UPDATE appt_bookings SET slot_id = $2, counter_id = $3, service = $4,"
		       " starts_at = $5::timestamptz, updated_at = now() WHERE id = $1",
		       DB_PARAMS(i, slot, LL(cid, to->counter_id), to->service, to->starts)) < 0)
		return db_is_unique_violation() ? (*code = "booking_already", STATUS_CONFLICT)
						: STATUS_UNAVAILABLE;
	if ((to->token_hash && db_command("UPDATE appt_bookings SET token_hash = $2 WHERE id = $1",
					  DB_PARAMS(i, to->token_hash)) < 0) ||
	    db_command("INSERT INTO appt_booking_moves (booking_id, from_starts, to_starts,"
		       " moved_by, account_id) VALUES ($1, $2::timestamptz, $3::timestamptz,"
		       " CASE WHEN $4::bigint > 0 THEN 'staff' ELSE 'resident' END,"
		       " nullif($4::bigint, 0))",
		       DB_PARAMS(i, from, to->starts, LL(acc, to->moved_by_account))) < 0)
		return STATUS_UNAVAILABLE;
	return moved.notify && moved.notify(&moved, moved.notify_ctx) < 0 ? STATUS_UNAVAILABLE
									  : STATUS_OK;
}

enum status
db_appt_reschedule(long long id, const struct appt_new *to, const char **code)
{
	long long unused;
	return in_transaction(reschedule_in_tx, id, to, &unused, code);
}

json_t *
db_appt_counters(void)
{
	return db_row_objects(db_exec("SELECT c.id, c.name, c.place, c.active, " HOURS_OF(
					      "c.id") " AS hours"
						      " FROM appt_counters c ORDER BY c.id",
				      0, NULL));
}

#define DAY_ROW                                                                                    \
	"b.id, b.code, " LOCAL_TIME("b.starts_at") " AS time, b.service, o.title, b.status,"       \
						   " b.name, b.contact, b.lang"

json_t *
db_appt_day(long long counter_id, const char *day)
{
	char cid[24];
	return db_row_objects(db_exec(
		"SELECT " DAY_ROW " FROM appt_bookings b LEFT JOIN appt_offers o"
		" ON o.counter_id = b.counter_id AND o.service = b.service"
		" WHERE b.counter_id = $1 AND b.starts_at >= " DAY_START(
			"$2") " AND b.starts_at < " DAY_START("$2") " + interval '1 day'"
								    " AND b.status <> 'cancelled' "
								    "ORDER BY b.starts_at, b.id",
		DB_PARAMS(LL(cid, counter_id), day)));
}

int
db_appt_mark(long long id, const char *status)
{
	char i[24];
	return changed(db_exec("UPDATE appt_bookings SET status = $2, updated_at = now()"
			       " WHERE id = $1 AND status IN ('booked', 'arrived', 'no_show')"
			       " AND erased_at IS NULL",
			       DB_PARAMS(LL(i, id), status)));
}

json_t *
db_appt_close_day(long long counter_id, const char *day, const char *reason,
		  int (*each)(json_t *row, void *ctx), void *ctx)
{
	char cid[24];
	if (db_begin() < 0)
		return NULL;
	json_t *out = NULL;
	if (db_command("INSERT INTO appt_closed (day, counter_id, reason)"
		       " VALUES ($2::date, $1, $3::jsonb) ON CONFLICT DO NOTHING",
		       DB_PARAMS(LL(cid, counter_id), day, reason)) == 0 &&
	    db_command("UPDATE appt_slots SET booked = 0 WHERE counter_id = $1"
		       " AND starts_at >= " DAY_START("$2") " AND starts_at < " DAY_START(
			       "$2") " + interval '1 day'",
		       DB_PARAMS(cid, day)) == 0)
		out = db_row_objects(
			db_exec("WITH b AS (UPDATE appt_bookings SET status = 'closed', "
				"updated_at = now()"
				"  WHERE counter_id = $1 AND status = 'booked' AND starts_at "
				">= " DAY_START("$2") " AND starts_at < " DAY_START(
					"$2") " + interval '1 day'"
					      " RETURNING *)"
					      " SELECT " DAY_ROW " FROM b LEFT JOIN appt_offers o"
					      " ON o.counter_id = b.counter_id AND o.service = "
					      "b.service"
					      " ORDER BY b.starts_at, b.id",
				DB_PARAMS(cid, day)));
	size_t i;
	json_t *row;
	json_array_foreach(out, i, row) if (each && each(row, ctx) < 0)
	{
		json_decref(out);
		out = NULL;
		break;
	}
	if (!out || db_commit() < 0) {
		db_rollback();
		json_decref(out);
		return NULL;
	}
	return out;
}

long long
db_appt_counter_save(long long id, const char *name, const char *place, bool active)
{
	char i[24];
	if (id > 0) {
		PGresult *res =
			db_exec("UPDATE appt_counters SET name = $2::jsonb, place = $3::jsonb,"
				" active = $4 WHERE id = $1 RETURNING id",
				DB_PARAMS(LL(i, id), name, place, active ? "t" : "f"));
		return res && !PQntuples(res) ? (PQclear(res), 0) : first_number(res);
	}
	/* a new counter opens Sunday to Thursday, 08:00-16:30, until staff say otherwise */
	return first_number(
		db_exec("WITH c AS (INSERT INTO appt_counters (name, place, active)"
			"  VALUES ($1::jsonb, $2::jsonb, $3) RETURNING id),"
			" h AS (INSERT INTO appt_hours (counter_id, weekday, opens, closes)"
			"  SELECT c.id, wd, 480, 990 FROM c, generate_series(0, 4) wd)"
			" SELECT id FROM c",
			DB_PARAMS(name, place, active ? "t" : "f")));
}

/* -2 when the last command failed on a foreign key (no such counter), else r. */
static int
unknown_counter(int r)
{
	return r < 0 && !strcmp(db_last_sqlstate(), "23503") ? -2 : r;
}

int
db_appt_hours_set(long long counter_id, int weekday, int opens, int closes)
{
	char cid[24], wd[16], o[16], c[16];
	if (opens < 0)
		return db_command("DELETE FROM appt_hours WHERE counter_id = $1 AND weekday = $2",
				  DB_PARAMS(LL(cid, counter_id), LL(wd, weekday)));
	return unknown_counter(db_command(
		"INSERT INTO appt_hours (counter_id, weekday, opens, closes)"
		" VALUES ($1, $2, $3, $4) ON CONFLICT (counter_id, weekday)"
		" DO UPDATE SET opens = EXCLUDED.opens, closes = EXCLUDED.closes",
		DB_PARAMS(LL(cid, counter_id), LL(wd, weekday), LL(o, opens), LL(c, closes))));
}

int
db_appt_offer_save(long long counter_id, const char *service, const char *title, int slot_minutes,
		   int capacity)
{
	char cid[24], len[16], cap[16];
	return unknown_counter(db_command(
		"INSERT INTO appt_offers (counter_id, service, title, slot_minutes, capacity)"
		" VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT (counter_id, service) DO UPDATE"
		" SET title = EXCLUDED.title, slot_minutes = EXCLUDED.slot_minutes,"
		" capacity = EXCLUDED.capacity",
		DB_PARAMS(LL(cid, counter_id), service, title, LL(len, slot_minutes),
			  LL(cap, capacity))));
}

int
db_appt_offer_delete(long long counter_id, const char *service)
{
	char cid[24];
	return db_command("DELETE FROM appt_offers WHERE counter_id = $1 AND service = $2",
			  DB_PARAMS(LL(cid, counter_id), service));
}

int
db_appt_holiday_add(const char *day, const char *reason)
{
	return db_command("INSERT INTO appt_closed (day, counter_id, reason)"
			  " VALUES ($1::date, NULL, $2::jsonb) ON CONFLICT DO NOTHING",
			  DB_PARAMS(day, reason));
}

int
db_appt_closed_delete(long long id)
{
	char i[24];
	return db_command("DELETE FROM appt_closed WHERE id = $1", DB_PARAMS(LL(i, id)));
}

long long
db_appt_counter_count(void)
{
	return first_number(db_exec("SELECT count(*) FROM appt_counters", 0, NULL));
}

long
db_appt_erase_old(void)
{
	return changed(
		db_exec("UPDATE appt_bookings SET name = NULL, contact = NULL, contact_hash = NULL,"
			" erased_at = now() WHERE erased_at IS NULL AND starts_at < now() -"
			" make_interval(days => (SELECT retention_days FROM appt_settings))",
			0, NULL));
}

json_t *
db_appt_counts(const char *service)
{
	enum status st;
	return one(db_exec("SELECT count(*) FILTER (WHERE status NOT IN ('cancelled', 'closed')) "
			   "AS bookings,"
			   " count(*) FILTER (WHERE status IN ('arrived', 'no_show')) AS marked,"
			   " count(*) FILTER (WHERE status = 'no_show') AS no_shows"
			   " FROM appt_bookings WHERE service = $1",
			   DB_PARAMS(service)),
		   &st);
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
appt_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("'booking'", "created_at")
		" FROM appt_bookings";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
