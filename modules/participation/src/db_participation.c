// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The participation module's SQL: codes, verified participants, participation sessions and
 * supports. One support per (kind, item, key) is the table's primary key, so two concurrent
 * supports of one contact cannot both count; codes of one contact are counted under an
 * advisory lock on its key so that a burst cannot slip past the hourly limit.
 */
#include "db_participation.h"

#include "common/check.h"
#include "common/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
db_part_codes_recent(const char *key)
{
	if (db_command("SELECT pg_advisory_xact_lock(hashtextextended($1, 13))", DB_PARAMS(key)) <
	    0)
		return -1;
	return (int)db_first_number(
		db_exec("SELECT count(*) FROM participation_codes WHERE key = $1"
			" AND created_at > now() - interval '1 hour'",
			DB_PARAMS(key)));
}

int
db_part_code_create(const char *challenge_sha256, const char *key, const char *channel,
		    const char *lang, bool notify_ok, const char *contact, const char *code_hmac,
		    long minutes)
{
	char m[24];
	return db_command("INSERT INTO participation_codes (challenge_sha256, key, channel, lang,"
			  " notify_ok, contact, code_hmac, expires_at) VALUES ($1, $2, $3, $4, $5,"
			  " $6, $7, now() + make_interval(mins => $8::int))",
			  DB_PARAMS(challenge_sha256, key, channel, lang, notify_ok ? "t" : "f",
				    notify_ok ? contact : NULL, code_hmac, LL(m, minutes)));
}

json_t *
db_part_code_lock(const char *challenge_sha256, enum status *st)
{
	return db_first_row(
		db_exec("SELECT id, key, channel, lang, notify_ok, contact, code_hmac, attempts,"
			" expires_at <= now() AS expired, used_at IS NOT NULL AS used"
			" FROM participation_codes WHERE challenge_sha256 = $1 FOR UPDATE",
			DB_PARAMS(challenge_sha256)),
		st);
}

int
db_part_code_failed(long long id, long max)
{
	char i[24], m[24];
	return (int)db_first_number(
		db_exec("UPDATE participation_codes SET attempts = attempts + 1,"
			" contact = CASE WHEN attempts + 1 >= $2::int THEN NULL ELSE contact END"
			" WHERE id = $1 RETURNING attempts",
			DB_PARAMS(LL(i, id), LL(m, max))));
}

int
db_part_code_used(long long id)
{
	char i[24];
	return db_command("UPDATE participation_codes SET used_at = now(), contact = NULL"
			  " WHERE id = $1",
			  DB_PARAMS(LL(i, id)));
}

int
db_part_participant_save(const char *key, const char *channel, const char *lang, bool notify_ok,
			 const char *contact)
{
	return db_command(
		"INSERT INTO participants (key, channel, lang, notify_ok, contact)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO UPDATE SET lang = EXCLUDED.lang,"
		" verified_at = now(), notify_ok = participants.notify_ok OR EXCLUDED.notify_ok,"
		" contact = coalesce(EXCLUDED.contact, participants.contact)",
		DB_PARAMS(key, channel, lang, notify_ok ? "t" : "f", notify_ok ? contact : NULL));
}

int
db_part_session_create(const char *token_sha256, const char *key, long days)
{
	char d[24];
	return db_command("INSERT INTO participation_sessions (token_sha256, key, expires_at)"
			  " VALUES ($1, $2, now() + make_interval(days => $3::int))",
			  DB_PARAMS(token_sha256, key, LL(d, days)));
}

json_t *
db_part_session(const char *token_sha256, enum status *st)
{
	return db_first_row(
		db_exec("SELECT p.key, p.lang, p.notify_ok FROM participation_sessions s"
			" JOIN participants p ON p.key = s.key WHERE s.token_sha256 = $1"
			" AND s.revoked_at IS NULL AND s.expires_at > now()",
			DB_PARAMS(token_sha256)),
		st);
}

int
db_part_session_revoke(const char *token_sha256)
{
	return db_command("UPDATE participation_sessions SET revoked_at = now()"
			  " WHERE token_sha256 = $1 AND revoked_at IS NULL",
			  DB_PARAMS(token_sha256));
}

int
db_part_erase(const char *key, json_t **old)
{
	enum status st;
	*old = db_first_row(
		db_exec("SELECT channel, contact FROM participants WHERE key = $1 FOR UPDATE",
			DB_PARAMS(key)),
		&st);
	if (st == STATUS_UNAVAILABLE)
		return -1;
	if (db_command("UPDATE participation_sessions SET revoked_at = now() WHERE key = $1"
		       " AND revoked_at IS NULL",
		       DB_PARAMS(key)) < 0)
		return -1;
	return db_command(
		"UPDATE participants SET contact = NULL, notify_ok = false WHERE key = $1",
		DB_PARAMS(key));
}

json_t *
db_part_contact(const char *key, enum status *st)
{
	return db_first_row(
		db_exec("SELECT channel, contact FROM participants WHERE key = $1 AND notify_ok"
			" AND contact IS NOT NULL",
			DB_PARAMS(key)),
		st);
}

int
db_part_support_add(const char *kind, long long id, const char *key)
{
	char i[24];
	return db_changed_rows(
		db_exec("INSERT INTO participation_supports (item_kind, item_id, key)"
			" VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			DB_PARAMS(kind, LL(i, id), key)));
}

int
db_part_support_remove(const char *kind, long long id, const char *key)
{
	char i[24];
	return db_changed_rows(db_exec("DELETE FROM participation_supports WHERE item_kind = $1"
				       " AND item_id = $2 AND key = $3",
				       DB_PARAMS(kind, LL(i, id), key)));
}

int
db_part_support_exists(const char *kind, long long id, const char *key)
{
	char i[24];
	PGresult *res = db_exec("SELECT 1 FROM participation_supports WHERE item_kind = $1"
				" AND item_id = $2 AND key = $3",
				DB_PARAMS(kind, LL(i, id), key));
	if (!res)
		return -1;
	int n = PQntuples(res) > 0;
	PQclear(res);
	return n;
}

long long
db_part_support_count(const char *kind, long long id)
{
	char i[24];
	return db_first_number(db_exec("SELECT count(*) FROM participation_supports"
				       " WHERE item_kind = $1 AND item_id = $2",
				       DB_PARAMS(kind, LL(i, id))));
}

json_t *
db_part_support_recent(const char *kind, int seconds)
{
	char sec[16];
	return db_row_objects(
		db_exec("SELECT item_id, count(*)::int AS supports FROM participation_supports"
			" WHERE item_kind = $1 AND item_id IN (SELECT DISTINCT item_id FROM"
			" participation_supports WHERE item_kind = $1"
			" AND at > now() - make_interval(secs => $2::int)) GROUP BY item_id ORDER "
			"BY item_id",
			DB_PARAMS(kind, LL(sec, seconds))));
}

long
db_part_purge(void)
{
	int a = db_changed_rows(db_exec("DELETE FROM participation_codes"
					" WHERE created_at < now() - interval '1 day'",
					0, NULL));
	int b = db_changed_rows(
		db_exec("DELETE FROM participation_sessions WHERE expires_at < now()"
			" OR revoked_at < now() - interval '1 day'",
			0, NULL));
	return a < 0 || b < 0 ? -1 : a + b;
}

json_t *
db_part_expire_contacts(long days)
{
	char d[24];
	return db_row_objects(
		db_exec("WITH old AS (SELECT key, channel, contact FROM participants WHERE contact "
			"IS NOT NULL"
			" AND verified_at < now() - make_interval(days => $1::int) FOR UPDATE)"
			" UPDATE participants p SET contact = NULL, notify_ok = false FROM old"
			" WHERE p.key = old.key RETURNING old.channel, old.contact",
			DB_PARAMS(LL(d, days))));
}
