// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Federation storage: the event log, the own-sequence counter, the peer's state, pending
 * out-of-order events, alarms, replay ids, keys and profiles. SQL only; the protocol logic lives
 * in protocol/src/federation.c.
 */
#include "protocol/db_federation.h"
#include "protocol/content.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
run(const char *sql, int n, const char *const *params)
{
	return db_command(sql, n, params);
}

int
db_fed_counter_init(const char *origin)
{
	return run("INSERT INTO fed_counter (origin) VALUES ($1) ON CONFLICT DO NOTHING",
		   DB_PARAMS(origin));
}

int
db_fed_counter_next(const char *origin, long long *seq, char prev_hash[65])
{
	PGresult *res = db_exec("UPDATE fed_counter SET last_seq = last_seq + 1 WHERE origin = $1"
				" RETURNING last_seq, last_hash",
				DB_PARAMS(origin));
	if (!res || PQntuples(res) != 1) {
		if (res)
			log_error("no federation counter for origin \"%s\"", origin);
		PQclear(res);
		return -1;
	}
	*seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(prev_hash, 65, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int
db_fed_counter_set_hash(const char *origin, const char *hash)
{
	return run("UPDATE fed_counter SET last_hash = $2 WHERE origin = $1",
		   DB_PARAMS(origin, hash));
}

int
db_fed_counter_get(const char *origin, long long *seq, char hash[65])
{
	PGresult *res = db_exec("SELECT last_seq, last_hash FROM fed_counter WHERE origin = $1"
				" FOR UPDATE",
				DB_PARAMS(origin));
	int rc = -1;
	if (res && PQntuples(res) == 1) {
		*seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(hash, 65, "%s", PQgetvalue(res, 0, 1));
		rc = 0;
	} else if (res) {
		log_error("no federation counter for origin \"%s\"", origin);
	}
	PQclear(res);
	return rc;
}

int
db_fed_counter_set(const char *origin, long long seq, const char *hash)
{
	char seqs[24];
	return run("UPDATE fed_counter SET last_seq = $2, last_hash = $3 WHERE origin = $1",
		   DB_PARAMS(origin, LL(seqs, seq), hash));
}

long long
db_fed_counter_last(const char *origin)
{
	PGresult *res =
		db_exec("SELECT last_seq FROM fed_counter WHERE origin = $1", DB_PARAMS(origin));
	long long v = res && PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return v;
}

int
db_fed_counter_head(const char *origin, long long *seq, char hash[65])
{
	PGresult *res = db_exec("SELECT last_seq, last_hash FROM fed_counter WHERE origin = $1",
				DB_PARAMS(origin));
	int rc = res ? PQntuples(res) > 0 : -1;
	if (rc > 0) {
		*seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(hash, 65, "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return rc;
}

int
db_fed_event_insert(const char *origin, long long seq, const char *type, const char *payload,
		    size_t payload_len, const char *envelope, size_t envelope_len, const char *hash,
		    const char *flag)
{
	char s[24];
	const char *params[] = {origin, LL(s, seq), type, payload, envelope, hash, flag};
	(void)payload_len;
	(void)envelope_len; /* text columns: both are NUL-free UTF-8 */
	return run("INSERT INTO fed_events (origin, seq, type, payload, envelope, hash, flag)"
		   " VALUES ($1, $2, $3, $4, $5, $6, $7)",
		   7, params);
}

int
db_fed_event_hash(const char *origin, long long seq, char hash[65])
{
	char s[24];
	PGresult *res = db_exec("SELECT hash FROM fed_events WHERE origin = $1 AND seq = $2",
				DB_PARAMS(origin, LL(s, seq)));
	if (!res)
		return -1;
	int found = PQntuples(res) > 0;
	if (found)
		snprintf(hash, 65, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return found;
}

long long
db_fed_events_not_of_type(const char *origin, long long after, long long upto, const char *type)
{
	char a[24], u[24];
	PGresult *res = db_exec("SELECT count(*) FROM fed_events WHERE origin = $1 AND seq > $2"
				" AND seq <= $3 AND type <> $4",
				DB_PARAMS(origin, LL(a, after), LL(u, upto), type));
	if (!res)
		return -1;
	long long n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

int
db_fed_events_after(const char *origin, long long after, int limit, struct fed_row **rows,
		    size_t *nr, size_t *alloc)
{
	char a[24], l[24];
	/* a version 2 payload travels in a record with what is left of its content (looked up
	 * for those rows only) */
	PGresult *res = db_exec(
		"SELECT seq, envelope, v2,"
		" CASE WHEN v2 THEN (SELECT json_object_agg(c.field,"
		"  json_build_object('salt', c.salt, 'json', c.json) ORDER BY c.field)"
		"  FROM fed_content c WHERE c.origin = $1 AND c.seq = e.seq) END,"
		" CASE WHEN v2 THEN (SELECT json_object_agg(w.field, w.reason ORDER BY w.field)"
		"  FROM fed_withheld w WHERE w.origin = $1 AND w.seq = e.seq) END"
		" FROM (SELECT seq, envelope, left(payload, 7) = '{\"v\":2,' AS v2 FROM fed_events"
		"  WHERE origin = $1 AND seq > $2 ORDER BY seq LIMIT $3) e ORDER BY seq",
		DB_PARAMS(origin, LL(a, after), LL(l, limit)));
	if (!res)
		return -1;
	int n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		ALLOC_GROW(*rows, *nr + 1, *alloc);
		struct fed_row *r = &(*rows)[(*nr)++];
		r->seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		strbuf_init(&r->envelope, 0);
		const char *env = PQgetvalue(res, i, 1);
		size_t len = (size_t)PQgetlength(res, i, 1);
		if (strcmp(PQgetvalue(res, i, 2), "t") != 0) {
			strbuf_add(&r->envelope, env, len);
			continue;
		}
		json_t *content =
			PQgetisnull(res, i, 3) ? NULL : json_loads(PQgetvalue(res, i, 3), 0, NULL);
		json_t *withheld =
			PQgetisnull(res, i, 4) ? NULL : json_loads(PQgetvalue(res, i, 4), 0, NULL);
		record_build(&r->envelope, env, len, content, withheld);
		json_decref(content);
		json_decref(withheld);
	}
	PQclear(res);
	return n;
}

void
db_fed_rows_free(struct fed_row *rows, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		strbuf_release(&rows[i].envelope);
	free(rows);
}

int
db_fed_content_put(const char *origin, long long seq, json_t *refs, json_t *content,
		   json_t *withheld)
{
	if (!json_object_size(content) && !json_object_size(withheld))
		return 0;
	char sq[24];
	char *r = refs ? json_dumps(refs, JSON_COMPACT) : xstrdup("[]");
	char *c = content ? json_dumps(content, JSON_COMPACT) : xstrdup("{}");
	char *w = withheld ? json_dumps(withheld, JSON_COMPACT) : xstrdup("{}");
	int rc = run("WITH c AS (INSERT INTO fed_content (origin, seq, field, salt, json, refs)"
		     " SELECT $1, $2, key, value->>'salt', value->>'json', $3::jsonb"
		     " FROM json_each($4::json))"
		     " INSERT INTO fed_withheld (origin, seq, field, reason)"
		     " SELECT $1, $2, key, value FROM json_each_text($5::json)"
		     " ON CONFLICT DO NOTHING",
		     DB_PARAMS(origin, LL(sq, seq), r, c, w));
	free(r);
	free(c);
	free(w);
	return rc;
}

int
db_fed_content_erase(const char *origin, const char *type, const char *id, const char *reason)
{
	json_t *ref = json_pack("[{s:s, s:s, s:s}]", "origin", origin, "type", type, "id", id);
	char *r = json_dumps(ref, JSON_COMPACT);
	json_decref(ref);
	PGresult *res = db_exec("WITH gone AS (DELETE FROM fed_content WHERE refs @> $1::jsonb"
				" RETURNING origin, seq, field),"
				" w AS (INSERT INTO fed_withheld (origin, seq, field, reason)"
				" SELECT origin, seq, field, $2 FROM gone ON CONFLICT DO NOTHING)"
				" SELECT count(*) FROM gone",
				DB_PARAMS(r, reason));
	free(r);
	if (!res)
		return -1;
	int n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

int
db_fed_notify(void)
{
	return run("NOTIFY fed_outbox", 0, NULL);
}

int
db_fed_pull_notify(void)
{
	return run("NOTIFY fed_pull", 0, NULL);
}

int
db_fed_peer_get(struct fed_peer *peer, bool lock)
{
	PGresult *res = db_exec(lock ? "SELECT name, url, acked_seq, applied_seq, applied_hash,"
				       " blocked FROM fed_peers ORDER BY name LIMIT 1 FOR UPDATE"
				     : "SELECT name, url, acked_seq, applied_seq, applied_hash,"
				       " blocked FROM fed_peers ORDER BY name LIMIT 1",
				0, NULL);
	if (!res)
		return -1;
	int found = PQntuples(res) > 0;
	if (found) {
		snprintf(peer->name, sizeof(peer->name), "%s", PQgetvalue(res, 0, 0));
		snprintf(peer->url, sizeof(peer->url), "%s", PQgetvalue(res, 0, 1));
		peer->acked_seq = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		peer->applied_seq = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
		snprintf(peer->applied_hash, sizeof(peer->applied_hash), "%s",
			 PQgetvalue(res, 0, 4));
		peer->blocked = strcmp(PQgetvalue(res, 0, 5), "t") == 0;
		peer->pending = 0;
		peer->dirty = false;
		peer->trust_kid[0] = '\0';
	}
	PQclear(res);
	if (found && lock) {
		/* a statement of its own, after the lock: its snapshot sees what the transaction
		 * that held the lock committed (a subquery of the locking statement would not) */
		res = db_exec("SELECT count(*) FROM fed_pending WHERE origin = $1",
			      DB_PARAMS(peer->name));
		if (!res)
			return -1;
		peer->pending = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	return found;
}

int
db_fed_peer_upsert(const char *name, const char *url)
{
	return run("INSERT INTO fed_peers (name, url) VALUES ($1, $2)"
		   " ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, blocked = false",
		   DB_PARAMS(name, url));
}

int
db_fed_peer_set_applied(const char *name, long long seq, const char *hash)
{
	char s[24];
	return run("UPDATE fed_peers SET applied_seq = $2, applied_hash = $3 WHERE name = $1",
		   DB_PARAMS(name, LL(s, seq), hash));
}

int
db_fed_peer_set_acked(const char *name, long long seq)
{
	char s[24];
	return run("UPDATE fed_peers SET acked_seq = greatest(acked_seq, $2::bigint),"
		   " last_success_at = now(), blocked = false WHERE name = $1",
		   DB_PARAMS(name, LL(s, seq)));
}

int
db_fed_peer_unblock(void)
{
	return run("UPDATE fed_peers SET blocked = false", 0, NULL);
}

int
db_fed_peer_set_error(const char *name, const char *error, bool blocked)
{
	return run("UPDATE fed_peers SET last_error = $2, last_error_at = now(), blocked = $3"
		   " WHERE name = $1",
		   DB_PARAMS(name, error, blocked ? "t" : "f"));
}

int
db_fed_pending_put(const char *origin, long long seq, const char *envelope, const char *hash)
{
	char sq[24];
	PGresult *res = db_exec("WITH ins AS (INSERT INTO fed_pending (origin, seq, envelope, hash)"
				" VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1)"
				" SELECT (SELECT count(*) FROM ins),"
				" (SELECT hash FROM fed_pending WHERE origin = $1 AND seq = $2)",
				DB_PARAMS(origin, LL(sq, seq), envelope, hash));
	if (!res)
		return -1;
	int rc = strcmp(PQgetvalue(res, 0, 0), "1") == 0                                ? 1
		 : (PQgetisnull(res, 0, 1) || strcmp(PQgetvalue(res, 0, 1), hash) == 0) ? 0
											: 2;
	PQclear(res);
	return rc;
}

int
db_fed_pending_take(const char *origin, long long seq, struct strbuf *out)
{
	char s[24];
	PGresult *res = db_exec("DELETE FROM fed_pending WHERE origin = $1 AND seq = $2"
				" RETURNING envelope",
				DB_PARAMS(origin, LL(s, seq)));
	if (!res)
		return -1;
	int found = PQntuples(res) > 0;
	if (found)
		strbuf_add(out, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
	PQclear(res);
	return found;
}

int
db_fed_alarm_add(const char *origin, long long seq, const char *kind, const char *detail,
		 const char *evidence)
{
	char s[24];
	return run("INSERT INTO fed_alarms (origin, seq, kind, detail, evidence)"
		   " VALUES ($1, $2, $3, $4, $5)"
		   " ON CONFLICT (origin, seq, kind, md5(coalesce(evidence, ''))) DO NOTHING",
		   DB_PARAMS(origin, LL(s, seq), kind, detail, evidence));
}

int
db_fed_restore_pending_put(const char *origin, long long seq, const char *type, json_t *refs,
			   const char *missing)
{
	char s[24];
	char *r = refs ? json_dumps(refs, JSON_COMPACT) : xstrdup("[]");
	int rc = run("INSERT INTO fed_restore_pending (origin, seq, type, refs, missing)"
		     " VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (origin, seq) DO NOTHING",
		     DB_PARAMS(origin, LL(s, seq), type, r, missing));
	free(r);
	return rc;
}

int
db_fed_restore_pending_list(const char *origin, long long **seqs, size_t *n)
{
	PGresult *res =
		db_exec("SELECT seq FROM fed_restore_pending WHERE origin = $1 ORDER BY seq",
			DB_PARAMS(origin));
	*seqs = NULL;
	*n = 0;
	if (!res)
		return -1;
	*n = (size_t)PQntuples(res);
	*seqs = xcalloc(*n ? *n : 1, sizeof(**seqs));
	for (size_t i = 0; i < *n; i++)
		(*seqs)[i] = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
	PQclear(res);
	return 0;
}

char *
db_fed_restore_pending_missing(const char *origin, long long seq)
{
	char s[24];
	PGresult *res = db_exec("SELECT missing FROM fed_restore_pending WHERE origin = $1"
				" AND seq = $2",
				DB_PARAMS(origin, LL(s, seq)));
	char *m = res && PQntuples(res) ? xstrdup(PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	return m;
}

int
db_fed_restore_pending_drop(const char *origin, long long seq)
{
	char s[24];
	return run("DELETE FROM fed_restore_pending WHERE origin = $1 AND seq = $2",
		   DB_PARAMS(origin, LL(s, seq)));
}

int
db_fed_restore_names(const char *origin, const char *type, const char *id)
{
	json_t *ref = json_pack("[{s:s, s:s, s:s}]", "origin", origin, "type", type, "id", id);
	char *r = json_dumps(ref, JSON_COMPACT);
	json_decref(ref);
	PGresult *res = db_exec("SELECT 1 FROM fed_restore_pending WHERE refs @> $1::jsonb LIMIT 1",
				DB_PARAMS(r));
	free(r);
	int found = !res ? -1 : PQntuples(res) > 0;
	PQclear(res);
	return found;
}

int
db_fed_webhook_id_seen(const char *id)
{
	PGresult *res = db_exec("INSERT INTO fed_webhook_ids (id) VALUES ($1)"
				" ON CONFLICT DO NOTHING RETURNING id",
				DB_PARAMS(id));
	if (!res)
		return -1;
	int seen = PQntuples(res) == 0;
	PQclear(res);
	return seen;
}

int
db_fed_webhook_ids_prune(void)
{
	return run("DELETE FROM fed_webhook_ids WHERE seen_at < now() - interval '15 minutes'", 0,
		   NULL);
}

int
db_fed_key_add(const char *owner, const char *kid, const char *x, const char *pinned_by)
{
	return run(
		"INSERT INTO fed_keys (kid, owner, public_key, pinned_by) VALUES ($1, $2, $3, $4)"
		" ON CONFLICT (kid) DO NOTHING",
		DB_PARAMS(kid, owner, x, pinned_by));
}

int
db_fed_key_retire(const char *kid)
{
	return run("UPDATE fed_keys SET retired_at = coalesce(retired_at, now()) WHERE kid = $1",
		   DB_PARAMS(kid));
}

json_t *
db_fed_keys(const char *owner)
{
	PGresult *res = db_exec(
		"SELECT kid, public_key, to_char(created_at AT TIME ZONE 'UTC',"
		" 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), to_char(retired_at AT TIME ZONE 'UTC',"
		" 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), pinned_by, revoked_after_seq FROM fed_keys"
		" WHERE owner = $1 ORDER BY created_at, kid",
		DB_PARAMS(owner));
	if (!res)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:s, s:o, s:s, s:o}", "kid", PQgetvalue(res, i, 0),
				     "x", PQgetvalue(res, i, 1), "created_at",
				     PQgetvalue(res, i, 2), "retired_at",
				     PQgetisnull(res, i, 3) ? json_null()
							    : json_string(PQgetvalue(res, i, 3)),
				     "pinned_by", PQgetvalue(res, i, 4), "revoked_after_seq",
				     PQgetisnull(res, i, 5)
					     ? json_null()
					     : json_integer(
						       strtoll(PQgetvalue(res, i, 5), NULL, 10))));
	PQclear(res);
	return a;
}

int
db_fed_key_revoke(const char *owner, const char *kid, long long last_seq)
{
	char s[24];
	/* a revocation only ever narrows: a second one keeps the lower seq */
	PGresult *res = db_exec("UPDATE fed_keys SET revoked_after_seq = least(revoked_after_seq,"
				" $3::bigint), revoked_at = coalesce(revoked_at, now())"
				" WHERE owner = $1 AND kid = $2 RETURNING kid",
				DB_PARAMS(owner, kid, LL(s, last_seq)));
	int rc = res ? PQntuples(res) > 0 : -1;
	PQclear(res);
	return rc;
}

int
db_fed_key_trusted_upto(const char *owner, const char *kid, long long *upto)
{
	PGresult *res = db_exec("SELECT coalesce(revoked_after_seq, -1) FROM fed_keys"
				" WHERE owner = $1 AND kid = $2",
				DB_PARAMS(owner, kid));
	int rc = res ? PQntuples(res) > 0 : -1;
	if (rc > 0) {
		long long after = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*upto = after < 0 ? LLONG_MAX : after;
	}
	PQclear(res);
	return rc;
}

int
db_fed_key_is_revoked(const char *kid)
{
	PGresult *res = db_exec("SELECT 1 FROM fed_keys WHERE kid = $1 AND revoked_after_seq IS"
				" NOT NULL",
				DB_PARAMS(kid));
	int rc = res ? PQntuples(res) > 0 : -1;
	PQclear(res);
	return rc;
}

int
db_fed_counter_lock(const char *origin, long long *last_seq)
{
	PGresult *res = db_exec("SELECT last_seq FROM fed_counter WHERE origin = $1 FOR UPDATE",
				DB_PARAMS(origin));
	int rc = -1;
	if (res && PQntuples(res) == 1) {
		*last_seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		rc = 0;
	} else if (res) {
		log_error("no federation counter for origin \"%s\"", origin);
	}
	PQclear(res);
	return rc;
}

json_t *
db_fed_profile_get(const char *origin)
{
	PGresult *res =
		db_exec("SELECT data::text FROM fed_profiles WHERE origin = $1", DB_PARAMS(origin));
	json_t *v = res && PQntuples(res) ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return v;
}

int
db_fed_profile_lock(void)
{
	/* a key of its own, apart from the migrations' 7310901 and the elected roles' */
	return run("SELECT pg_advisory_xact_lock(7310902)", 0, NULL);
}

int
db_fed_profile_put(const char *origin, const json_t *data)
{
	char *s = json_dumps(data, JSON_COMPACT);
	int rc = run("INSERT INTO fed_profiles (origin, data) VALUES ($1, $2::jsonb)"
		     " ON CONFLICT (origin) DO UPDATE SET data = EXCLUDED.data, updated_at = now()",
		     DB_PARAMS(origin, s));
	free(s);
	return rc;
}

json_t *
db_fed_status(const char *self)
{
	static const char q_peer[] =
		"SELECT name, url, acked_seq, applied_seq, coalesce(last_error, ''),"
		" coalesce(to_char(last_error_at AT TIME ZONE 'UTC',"
		"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),"
		" coalesce(to_char(last_success_at AT TIME ZONE 'UTC',"
		"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),"
		" blocked, (SELECT count(*) FROM fed_pending p WHERE p.origin = fed_peers.name),"
		" (SELECT count(*) FROM fed_events e WHERE e.origin = fed_peers.name"
		"  AND e.flag IS NOT NULL),"
		" coalesce(extract(epoch FROM now() - last_success_at)::bigint, -1),"
		" coalesce(last_success_at, paired_at) < now() - interval '15 minutes'"
		" FROM fed_peers ORDER BY name LIMIT 1";
	static const char q_alarms[] =
		"SELECT id, origin, seq, kind, detail, to_char(created_at AT TIME ZONE 'UTC',"
		" 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM fed_alarms ORDER BY id DESC LIMIT 50";
	long long last = db_fed_counter_last(self);
	PGresult *pr = db_exec(q_peer, 0, NULL);
	PGresult *ar = pr ? db_exec(q_alarms, 0, NULL) : NULL;
	json_t *st = NULL;
	if (!pr || !ar)
		goto out;
	st = json_pack("{s:s, s:I}", "origin", self, "own_last_seq", (json_int_t)last);
	if (PQntuples(pr)) {
		long long acked = strtoll(PQgetvalue(pr, 0, 2), NULL, 10);
		json_object_set_new(
			st, "peer",
			json_pack("{s:s, s:s, s:I, s:I, s:I, s:s?, s:s?, s:s?, s:b, s:I, s:I, s:I}",
				  "name", PQgetvalue(pr, 0, 0), "url", PQgetvalue(pr, 0, 1),
				  "acked_seq", (json_int_t)acked, "applied_seq",
				  (json_int_t)strtoll(PQgetvalue(pr, 0, 3), NULL, 10), "lag",
				  (json_int_t)(last - acked), "last_error",
				  *PQgetvalue(pr, 0, 4) ? PQgetvalue(pr, 0, 4) : NULL,
				  "last_error_at",
				  *PQgetvalue(pr, 0, 5) ? PQgetvalue(pr, 0, 5) : NULL,
				  "last_success_at",
				  *PQgetvalue(pr, 0, 6) ? PQgetvalue(pr, 0, 6) : NULL, "blocked",
				  strcmp(PQgetvalue(pr, 0, 7), "t") == 0, "pending",
				  (json_int_t)strtoll(PQgetvalue(pr, 0, 8), NULL, 10), "flagged",
				  (json_int_t)strtoll(PQgetvalue(pr, 0, 9), NULL, 10),
				  "seconds_since_success",
				  (json_int_t)strtoll(PQgetvalue(pr, 0, 10), NULL, 10)));
		/* lagging: events wait and nothing was delivered for 15 minutes; the log stays the
		 * truth and the sender keeps trying */
		json_object_set_new(
			json_object_get(st, "peer"), "lagging",
			json_boolean(last - acked > 0 && strcmp(PQgetvalue(pr, 0, 11), "t") == 0));
	} else {
		json_object_set_new(st, "peer", json_null());
	}
	json_t *alarms = json_array();
	for (int i = 0; i < PQntuples(ar); i++)
		json_array_append_new(alarms,
				      json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "id",
						(json_int_t)strtoll(PQgetvalue(ar, i, 0), NULL, 10),
						"origin", PQgetvalue(ar, i, 1), "seq",
						(json_int_t)strtoll(PQgetvalue(ar, i, 2), NULL, 10),
						"kind", PQgetvalue(ar, i, 3), "detail",
						PQgetvalue(ar, i, 4), "created_at",
						PQgetvalue(ar, i, 5)));
	json_object_set_new(st, "alarms", alarms);
out:
	PQclear(pr);
	PQclear(ar);
	return st;
}

json_t *
db_fed_checkpoint_alarms(void)
{
	PGresult *res =
		db_exec("SELECT origin, seq, kind, detail, evidence,"
			" to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
			" FROM fed_alarms WHERE kind IN ('fork', 'rollback')"
			" ORDER BY id DESC LIMIT 20",
			0, NULL);
	if (!res)
		return NULL;
	json_t *out = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *ev = json_loads(PQgetvalue(res, i, 4), 0, NULL);
		json_array_append_new(
			out, json_pack("{s:s, s:I, s:s, s:s, s:O?, s:O?, s:s}", "origin",
				       PQgetvalue(res, i, 0), "size",
				       (json_int_t)strtoll(PQgetvalue(res, i, 1), NULL, 10), "kind",
				       PQgetvalue(res, i, 2), "detail", PQgetvalue(res, i, 3),
				       "earlier", json_object_get(ev, "earlier"), "later",
				       json_object_get(ev, "later"), "created_at",
				       PQgetvalue(res, i, 5)));
		json_decref(ev);
	}
	PQclear(res);
	return out;
}

/* Run sql, an upsert whose parameters are key (when not NULL) and value as JSON text. */
static int
put_json(const char *sql, const char *key, json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT);
	if (!text)
		return -1;
	int rc = key ? db_command(sql, DB_PARAMS(key, text)) : db_command(sql, DB_PARAMS(text));
	free(text);
	return rc;
}

int
db_fed_audit_summary_put(json_t *summary)
{
	return put_json("INSERT INTO fed_audit_summary (summary) VALUES ($1::jsonb)"
			" ON CONFLICT (one) DO UPDATE SET summary = EXCLUDED.summary,"
			" written_at = now()",
			NULL, summary);
}

int
db_fed_audit_summary_get(json_t **out)
{
	*out = NULL;
	PGresult *res = db_exec("SELECT summary FROM fed_audit_summary", 0, NULL);
	if (!res)
		return -1;
	if (PQntuples(res) == 1)
		*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return 0;
}

int
db_fed_audit_verified_get(json_t **out)
{
	*out = NULL;
	PGresult *res = db_exec("SELECT origin, state FROM fed_audit_verified", 0, NULL);
	if (!res)
		return -1;
	*out = json_object();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *st = json_loads(PQgetvalue(res, i, 1), 0, NULL);
		if (st)
			json_object_set_new(*out, PQgetvalue(res, i, 0), st);
	}
	PQclear(res);
	return 0;
}

int
db_fed_audit_verified_put(const char *origin, json_t *state)
{
	if (!state)
		return db_command("DELETE FROM fed_audit_verified WHERE origin = $1",
				  DB_PARAMS(origin));
	return put_json("INSERT INTO fed_audit_verified (origin, state) VALUES ($1, $2::jsonb)"
			" ON CONFLICT (origin) DO UPDATE SET state = EXCLUDED.state,"
			" written_at = now()",
			origin, state);
}
