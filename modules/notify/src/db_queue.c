// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The sender's SQL. A message is claimed (state sending) in a short transaction of its own,
 * sent, then marked sent: a process killed in between leaves it "sending", and the next start
 * puts it back in the queue, so nothing is lost; the price is that a message whose server said
 * 250 just before the kill goes out again, with the same Message-ID (docs/modules.md).
 */
#include "db_notify.h"

#include "internal.h"

#include "common/db.h"
#include "common/xalloc.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
queued_release(struct queued *q)
{
	free(q->message_id);
	free(q->channel);
	free(q->recipient);
	free(q->lang);
	free(q->subject);
	free(q->body);
	free(q->kind);
	json_decref(q->digest);
	if (q->private_path)
		OPENSSL_cleanse(q->private_path, strlen(q->private_path));
	free(q->private_path);
	memset(q, 0, sizeof(*q));
}

int
db_queue_recover(int older_than_s)
{
	char s[16];
	snprintf(s, sizeof(s), "%d", older_than_s);
	return db_command("UPDATE notify_messages SET state = 'queued', next_attempt = now() "
			  "WHERE state = 'sending' AND claimed_at <= now() - make_interval(secs => "
			  "$1::int)",
			  DB_PARAMS(s));
}

static char *
value_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

int
db_queue_claim(int max, struct queued **out)
{
	static const char sql[] =
		"UPDATE notify_messages m SET state = 'sending', attempts = m.attempts + 1, "
		"claimed_at = now() FROM (SELECT id FROM notify_messages WHERE state = 'queued' "
		"AND next_attempt <= now() ORDER BY next_attempt, id LIMIT $1 "
		"FOR UPDATE SKIP LOCKED) d WHERE m.id = d.id "
		"RETURNING m.id, m.message_id, m.channel, m.recipient, m.lang, m.subject, m.body, "
		"m.kind, m.digest, m.attempts, (SELECT f.private_path FROM notify_follows f "
		"WHERE f.id = m.follow_id) AS private_path";
	char n[16];
	snprintf(n, sizeof(n), "%d", max);
	*out = NULL;
	PGresult *res = db_exec(sql, DB_PARAMS(n));
	if (!res)
		return -1;
	int rows = PQntuples(res);
	struct queued *q = rows ? xcalloc((size_t)rows, sizeof(*q)) : NULL;
	for (int i = 0; i < rows; i++) {
		q[i].id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		q[i].message_id = value_or_null(res, i, 1);
		q[i].channel = value_or_null(res, i, 2);
		q[i].recipient = value_or_null(res, i, 3);
		q[i].lang = value_or_null(res, i, 4);
		q[i].subject = value_or_null(res, i, 5);
		q[i].body = value_or_null(res, i, 6);
		q[i].kind = value_or_null(res, i, 7);
		q[i].digest =
			PQgetisnull(res, i, 8) ? NULL : json_loads(PQgetvalue(res, i, 8), 0, NULL);
		q[i].attempts = atoi(PQgetvalue(res, i, 9));
		q[i].private_path = value_or_null(res, i, 10);
	}
	PQclear(res);
	*out = q;
	return rows;
}

int
db_queue_sent(long long id)
{
	char s[24];
	snprintf(s, sizeof(s), "%lld", id);
	return db_command("UPDATE notify_messages SET state = 'sent', sent_at = now(), "
			  "last_error = NULL WHERE id = $1",
			  DB_PARAMS(s));
}

int
db_queue_retry(long long id, int attempts, long max_attempts, long backoff_s, const char *error)
{
	static const char sql[] =
		"UPDATE notify_messages SET state = CASE WHEN $2::int >= $3::int THEN 'failed' "
		"ELSE 'queued' END, attempts = $2::int, next_attempt = now() + make_interval(secs "
		"=> $4::int), "
		"last_error = $5 WHERE id = $1";
	char s[24], a[16], m[16], b[24];
	snprintf(s, sizeof(s), "%lld", id);
	snprintf(a, sizeof(a), "%d", attempts);
	snprintf(m, sizeof(m), "%ld", max_attempts);
	snprintf(b, sizeof(b), "%ld", backoff_s);
	return db_command(sql, DB_PARAMS(s, a, m, b, error));
}

long
db_queue_next_due_ms(long cap_ms)
{
	static const char sql[] =
		"SELECT greatest(0, least($1::bigint, ceil(extract(epoch FROM min(next_attempt) - "
		"now()) * 1000)::bigint)) FROM notify_messages WHERE state = 'queued'";
	char c[24];
	snprintf(c, sizeof(c), "%ld", cap_ms);
	PGresult *res = db_exec(sql, DB_PARAMS(c));
	if (!res)
		return -1;
	long ms = PQgetisnull(res, 0, 0) ? cap_ms : strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return ms;
}

int
db_queue_erase_old(long days)
{
	static const char sql[] =
		"UPDATE notify_messages SET recipient = NULL, subject = NULL, body = NULL, "
		"digest = NULL, erased_at = now() WHERE erased_at IS NULL AND state IN ('sent', "
		"'failed', 'cancelled') AND coalesce(sent_at, next_attempt) < now() - "
		"make_interval(days => $1::int)";
	char d[16];
	snprintf(d, sizeof(d), "%ld", days);
	return db_command(sql, DB_PARAMS(d));
}

json_t *
db_queue_failed(void)
{
	return db_row_objects(db_exec("SELECT id, kind, channel, attempts, last_error, "
				      "created_at FROM notify_messages WHERE state = 'failed' "
				      "ORDER BY id",
				      0, NULL));
}

long long
db_queue_requeue(long long id)
{
	static const char sql[] =
		"UPDATE notify_messages SET state = 'queued', attempts = 0, next_attempt = now() "
		"WHERE state = 'failed' AND erased_at IS NULL AND ($1::bigint = 0 OR id = $1)";
	char s[24];
	snprintf(s, sizeof(s), "%lld", id);
	PGresult *res = db_exec(sql, DB_PARAMS(s));
	if (!res)
		return -1;
	long long n = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	db_command("SELECT pg_notify('" NOTIFY_CHANNEL "', '')", 0, NULL);
	return n;
}

json_t *
db_queue_counts(void)
{
	PGresult *res =
		db_exec("SELECT state, count(*)::int FROM notify_messages GROUP BY state", 0, NULL);
	if (!res)
		return NULL;
	json_t *o = json_pack("{s:i, s:i, s:i, s:i, s:i}", "queued", 0, "sending", 0, "sent", 0,
			      "failed", 0, "cancelled", 0);
	for (int i = 0; i < PQntuples(res); i++)
		json_object_set_new(o, PQgetvalue(res, i, 0),
				    json_integer(atoi(PQgetvalue(res, i, 1))));
	PQclear(res);
	return o;
}
