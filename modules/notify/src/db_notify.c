// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The notify module's writes for other modules: queueing, cancelling, following and the
 * hourly digest. Each runs on the caller's connection, so inside its transaction when one is
 * open; the NOTIFY that wakes the sender is delivered only when that transaction commits.
 */
#include "db_notify.h"

#include "internal.h"

#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int
wake_sender(void)
{
	return db_command("SELECT pg_notify('" NOTIFY_CHANNEL "', '')", 0, NULL);
}

int
db_notify_enqueue(const struct notify_message *m)
{
	/* a key already live (queued, sending or sent) makes the insert a no-op */
	static const char sql[] =
		"INSERT INTO notify_messages (channel, recipient, lang, subject, body, kind, "
		"dedupe_key, not_before, next_attempt) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::timestamptz, now()), "
		"coalesce($8::timestamptz, now())) "
		"ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued', "
		"'sending', 'sent') DO NOTHING";
	if (db_command(sql, DB_PARAMS(m->channel, m->to, m->lang, m->subject, m->body, m->kind,
				      m->dedupe_key, m->not_before)) < 0)
		return -1;
	return wake_sender();
}

int
db_notify_cancel(const char *dedupe_key)
{
	static const char sql[] =
		"UPDATE notify_messages SET state = 'cancelled', recipient = NULL, subject = NULL, "
		"body = NULL, digest = NULL, erased_at = now() "
		"WHERE dedupe_key = $1 AND state = 'queued'";
	return db_command(sql, DB_PARAMS(dedupe_key));
}

int
db_notify_follow(const char *item_kind, const char *item_id, const char *channel, const char *to,
		 const char *lang, const char *private_path, char token[SECRET_TOKEN_SIZE])
{
	static const char sql[] =
		"WITH f AS (INSERT INTO notify_follows (item_kind, item_id, channel, recipient, "
		"lang, private_path) VALUES ($1, $2, $3, $4, $5, $7) ON CONFLICT DO NOTHING "
		"RETURNING id) INSERT INTO notify_unsubscribe (token_hash, follow_id) "
		"SELECT $6, id FROM f";
	char hash[SHA256_HEX_SIZE];
	secret_token_new(token, hash);
	PGresult *res =
		db_exec(sql, DB_PARAMS(item_kind, item_id, channel, to, lang, hash, private_path));
	if (!res) {
		token[0] = '\0';
		return -1;
	}
	if (atoi(PQcmdTuples(res)) == 0)
		token[0] = '\0'; /* already following: the first token was shown then */
	PQclear(res);
	return 0;
}

/* Add change to the digest still queued for follow id; 1 when added, 0 when none is queued. */
static int
append_to_queued(const char *follow_id, const char *change)
{
	static const char sql[] =
		"UPDATE notify_messages SET digest = jsonb_set(digest, '{changes}', "
		"(digest->'changes') || jsonb_build_array($2::jsonb)) "
		"WHERE follow_id = $1 AND state = 'queued' AND digest IS NOT NULL";
	PGresult *res = db_exec(sql, DB_PARAMS(follow_id, change));
	if (!res)
		return -1;
	int n = atoi(PQcmdTuples(res));
	PQclear(res);
	return n > 0;
}

/* Queue a new digest for follow id, an hour after the last one at the earliest, with a fresh
 * unsubscribe token (only its hash is kept once the body is erased). */
static int
queue_digest(const char *follow_id, const char *kind, json_t *digest)
{
	static const char sql[] =
		"WITH f AS (UPDATE notify_follows SET last_digest_at = greatest(now(), "
		"last_digest_at + interval '1 hour') WHERE id = $1 RETURNING *), "
		"u AS (INSERT INTO notify_unsubscribe (token_hash, follow_id) "
		"SELECT $2, id FROM f) "
		"INSERT INTO notify_messages (channel, recipient, lang, digest, follow_id, kind, "
		"not_before, next_attempt) SELECT channel, recipient, lang, $3::jsonb, id, $4, "
		"last_digest_at, last_digest_at FROM f";
	char token[SECRET_TOKEN_SIZE], hash[SHA256_HEX_SIZE];
	secret_token_new(token, hash);
	json_object_set_new(digest, "token", json_string(token));
	char *text = json_dumps(digest, JSON_COMPACT);
	int rc = db_command(sql, DB_PARAMS(follow_id, hash, text, kind));
	free(text);
	return rc;
}

int
db_notify_item_changed(const char *item_kind, const char *item_id, const char *title,
		       const char *path, const char *what_key, json_t *vars)
{
	/* the follows locked: two changes at once queue one digest, not two */
	static const char sql[] = "SELECT id::text FROM notify_follows WHERE item_kind = $1 AND "
				  "item_id = $2 ORDER BY id FOR UPDATE";
	PGresult *res = db_exec(sql, DB_PARAMS(item_kind, item_id));
	if (!res)
		return -1;
	json_t *change = json_pack("{s:s, s:o, s:s}", "key", what_key, "vars",
				   vars ? json_incref(vars) : json_object(), "path", path);
	char *change_text = json_dumps(change, JSON_COMPACT);
	char *kind = NULL;
	int rc = 0;
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		const char *id = PQgetvalue(res, i, 0);
		int added = append_to_queued(id, change_text);
		if (added < 0) {
			rc = -1;
		} else if (!added) {
			json_t *digest = json_pack("{s:s, s:s, s:[O]}", "title", title, "path",
						   path, "changes", change);
			if (!kind)
				kind = xasprintf("follow.%s", item_kind);
			rc = queue_digest(id, kind, digest);
			json_decref(digest);
		}
	}
	if (rc == 0 && PQntuples(res))
		rc = wake_sender();
	free(kind);
	free(change_text);
	json_decref(change);
	PQclear(res);
	return rc;
}

int
db_notify_forget_contact(const char *channel, const char *to)
{
	static const char erase_queued[] =
		"UPDATE notify_messages SET state = 'cancelled', recipient = NULL, subject = NULL, "
		"body = NULL, digest = NULL, erased_at = now() "
		"WHERE channel = $1 AND recipient = $2 AND state IN ('queued', 'failed')";
	static const char erase_follows[] =
		"DELETE FROM notify_follows WHERE channel = $1 AND recipient = $2";
	/* the sent ones' copies too, before their retention period ends */
	static const char erase_sent[] =
		"UPDATE notify_messages SET recipient = NULL, subject = NULL, body = NULL, "
		"digest = NULL, erased_at = now() WHERE channel = $1 AND recipient = $2 "
		"AND state IN ('sent', 'cancelled')";
	if (db_command(erase_queued, DB_PARAMS(channel, to)) < 0 ||
	    db_command(erase_sent, DB_PARAMS(channel, to)) < 0)
		return -1;
	return db_command(erase_follows, DB_PARAMS(channel, to));
}

/* The unsent digests of the follows that match, cancelled and erased. */
#define CANCEL_DIGESTS(where)                                                                      \
	"UPDATE notify_messages SET state = 'cancelled', recipient = NULL, subject = NULL, "       \
	"body = NULL, digest = NULL, erased_at = now() WHERE state = 'queued' AND follow_id IN "   \
	"(SELECT id FROM notify_follows WHERE " where ")"

int
db_notify_unfollow_item(const char *item_kind, const char *item_id)
{
	static const char cancel[] = CANCEL_DIGESTS("item_kind = $1 AND item_id = $2");
	static const char erase[] =
		"DELETE FROM notify_follows WHERE item_kind = $1 AND item_id = $2";
	if (db_command(cancel, DB_PARAMS(item_kind, item_id)) < 0)
		return -1;
	return db_command(erase, DB_PARAMS(item_kind, item_id));
}

int
db_notify_item_ended(const char *item_kind, const char *item_id)
{
	return db_command("UPDATE notify_follows SET ended_at = now() WHERE item_kind = $1 "
			  "AND item_id = $2 AND ended_at IS NULL",
			  DB_PARAMS(item_kind, item_id));
}

int
db_notify_erase_ended(void)
{
	return db_command("DELETE FROM notify_follows f WHERE ended_at IS NOT NULL AND NOT EXISTS "
			  "(SELECT 1 FROM notify_messages m WHERE m.follow_id = f.id "
			  "AND m.state IN ('queued', 'sending'))",
			  0, NULL);
}

enum status
db_notify_follow_by_token(const char *token_hash, json_t **out)
{
	static const char sql[] =
		"SELECT f.id, f.item_kind, f.lang FROM notify_unsubscribe u "
		"JOIN notify_follows f ON f.id = u.follow_id WHERE u.token_hash = $1";
	PGresult *res = db_exec(sql, DB_PARAMS(token_hash));
	*out = NULL;
	if (!res)
		return STATUS_UNAVAILABLE;
	if (PQntuples(res))
		*out = db_row_object(res, 0);
	PQclear(res);
	return *out ? STATUS_OK : STATUS_NOT_FOUND;
}

enum status
db_notify_unfollow(const char *token_hash)
{
	static const char cancel[] = CANCEL_DIGESTS(
		"id = (SELECT follow_id FROM notify_unsubscribe WHERE token_hash = $1)");
	static const char erase[] =
		"DELETE FROM notify_follows WHERE id = "
		"(SELECT follow_id FROM notify_unsubscribe WHERE token_hash = $1)";
	if (db_command(cancel, DB_PARAMS(token_hash)) < 0)
		return STATUS_UNAVAILABLE;
	PGresult *res = db_exec(erase, DB_PARAMS(token_hash));
	if (!res)
		return STATUS_UNAVAILABLE;
	int n = atoi(PQcmdTuples(res));
	PQclear(res);
	return n ? STATUS_OK : STATUS_NOT_FOUND;
}
