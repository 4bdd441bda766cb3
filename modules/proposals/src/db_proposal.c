// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The proposals' SQL (tables proposals and proposal_stages, migration 0040); the arguments' is
 * in db_proposal_arguments.c. Times leave the database as the events write them (UTC, ms).
 */
#include "db_proposal.h"
#include "internal.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
#define ISO(c) "to_char(p." c " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS " c
#define PROPOSAL_HEAD \
	"p.id, p.origin, p.origin_id, p.ref, p.type, p.title, p.quarter, p.lat_e6, p.lon_e6," \
	" p.photo, p.author_name, p.lang, p.visibility, p.hidden_reason, p.text_sha256, p.stage," \
	" p.supporters, p.threshold, " ISO("created_at") ", " ISO("support_until") ", " \
	ISO("forwarded_at") ", " ISO("due_at") ", p.session_date::text AS session_date, " \
	ISO("answered_at") ", " ISO("overdue_at") ", " ISO("expired_at") "," \
	" extract(epoch FROM p.due_at - now())::bigint AS due_in_s," \
	" extract(epoch FROM p.support_until - now())::bigint AS support_in_s"
// clang-format on
/* a page shows the whole text and the answer; a list the start of the text */
#define PROPOSAL_COLUMNS PROPOSAL_HEAD ", p.body, p.answer, p.deliberation_url"
#define LIST_COLUMNS PROPOSAL_HEAD ", left(p.body, 240) AS body"

json_t *
db_proposal_create(const char *origin, const struct proposal_new *in, enum status *st)
{
	static const char q[] =
		"WITH n AS (SELECT nextval('proposals_id_seq') AS id)"
		" INSERT INTO proposals AS p (id, origin, origin_id, ref, type, title, body, "
		"quarter,"
		" lat_e6, lon_e6, photo, author_name, lang, visibility, threshold)"
		" SELECT n.id, $1, n.id, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13"
		" FROM n WHERE NOT EXISTS (SELECT 1 FROM proposals d WHERE d.title = $4"
		"  AND d.body = $5 AND d.visibility <> 'hidden')"
		" RETURNING " PROPOSAL_COLUMNS;
	char lat[24], lon[24], th[24];
	PGresult *res = db_exec(
		q, DB_PARAMS(origin, in->ref, in->type, in->title, in->body, in->quarter,
			     in->lat_e6 ? LL(lat, *in->lat_e6) : NULL,
			     in->lon_e6 ? LL(lon, *in->lon_e6) : NULL, in->photo, in->author_name,
			     in->lang, in->pending ? "pending" : "public", LL(th, in->threshold)));
	return db_first_row(res, st);
}

json_t *
db_proposal_publish(long long id, const char *at, long support_days, enum status *st)
{
	static const char q[] =
		"UPDATE proposals p SET visibility = 'public', created_at = $2::timestamptz,"
		" support_until = $2::timestamptz + make_interval(days => $3::int),"
		" updated_at = $2::timestamptz"
		" WHERE id = $1 AND created_at IS NULL AND visibility <> 'hidden'"
		" RETURNING " PROPOSAL_COLUMNS;
	char ids[24], days[24];
	json_t *r =
		db_first_row(db_exec(q, DB_PARAMS(LL(ids, id), at, LL(days, support_days))), st);
	if (r && db_proposal_timeline_add(id, "submitted", at) < 0) {
		json_decref(r);
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	return r;
}

json_t *
db_proposal_by_ref(const char *ref, enum status *st)
{
	static const char q[] = "SELECT " PROPOSAL_COLUMNS " FROM proposals p WHERE p.ref = $1";
	return db_first_row(db_exec(q, DB_PARAMS(ref)), st);
}

json_t *
db_proposal_by_title(const char *title, enum status *st)
{
	static const char q[] = "SELECT " PROPOSAL_COLUMNS " FROM proposals p WHERE p.title = $1"
				" ORDER BY p.id LIMIT 1";
	return db_first_row(db_exec(q, DB_PARAMS(title)), st);
}

json_t *
db_proposal_lock_origin(const char *origin, long long origin_id, enum status *st)
{
	static const char q[] = "SELECT " PROPOSAL_COLUMNS " FROM proposals p"
				" WHERE p.origin = $1 AND p.origin_id = $2 FOR UPDATE";
	char oid[24];
	return db_first_row(db_exec(q, DB_PARAMS(origin, LL(oid, origin_id))), st);
}

json_t *
db_proposal_list(const char *type, const char *quarter, const char *stage, long long before,
		 int limit)
{
	static const char q[] =
		"SELECT " LIST_COLUMNS " FROM proposals p WHERE p.visibility = 'public'"
		" AND ($1::text IS NULL OR p.type = $1) AND ($2::text IS NULL OR p.quarter = $2)"
		" AND ($3::text IS NULL OR p.stage = $3) AND ($4::bigint IS NULL OR p.id < $4)"
		" ORDER BY p.id DESC LIMIT $5";
	char bid[24], lim[16];
	json_t *rows = db_row_objects(
		db_exec(q, DB_PARAMS(type, quarter, stage, before > 0 ? LL(bid, before) : NULL,
				     LL(lim, limit + 1))));
	if (!rows)
		return NULL;
	json_t *next = json_null();
	if ((int)json_array_size(rows) > limit) {
		json_array_remove(rows, (size_t)limit);
		next = json_incref(json_object_get(json_array_get(rows, (size_t)limit - 1), "id"));
	}
	return json_pack("{s:o, s:o}", "items", rows, "next", next);
}

json_t *
db_proposal_pins(const char *type, const char *quarter, const char *stage, int limit)
{
	/* the partial index proposals_public_pin: a map reads only the proposals with a place */
	static const char q[] =
		"SELECT p.ref, p.title, p.stage, p.lat_e6, p.lon_e6 FROM proposals p"
		" WHERE p.visibility = 'public' AND p.lat_e6 IS NOT NULL"
		" AND ($1::text IS NULL OR p.type = $1) AND ($2::text IS NULL OR p.quarter = $2)"
		" AND ($3::text IS NULL OR p.stage = $3) ORDER BY p.id DESC LIMIT $4";
	char lim[16];
	return db_row_objects(db_exec(q, DB_PARAMS(type, quarter, stage, LL(lim, limit))));
}

char *
db_proposal_geojson(const char *type, const char *quarter, const char *stage, int limit,
		    const char *labels)
{
	/* written by PostgreSQL: 500 features cost a tenth of what building them in C does */
	static const char q[] =
		"SELECT json_build_object('type', 'FeatureCollection', 'features',"
		" coalesce(json_agg(json_build_object('type', 'Feature', 'geometry',"
		"  json_build_object('type', 'Point', 'coordinates', json_build_array("
		"  round(p.lon_e6 / 1000000.0, 6), round(p.lat_e6 / 1000000.0, 6))),"
		"  'properties', json_build_object('title', p.title, 'url', '/proposals/' || p.ref,"
		"  'status', p.stage, 'label', coalesce($5::jsonb ->> p.stage, p.stage)))"
		"  ORDER BY p.id DESC), '[]'))::text"
		" FROM (SELECT id, ref, title, stage, lat_e6, lon_e6 FROM proposals p"
		"  WHERE p.visibility = 'public' AND p.lat_e6 IS NOT NULL"
		"  AND ($1::text IS NULL OR p.type = $1) AND ($2::text IS NULL OR p.quarter = $2)"
		"  AND ($3::text IS NULL OR p.stage = $3) ORDER BY p.id DESC LIMIT $4) p";
	char lim[16];
	PGresult *res = db_exec(q, DB_PARAMS(type, quarter, stage, LL(lim, limit), labels));
	char *out = res && PQntuples(res) ? xstrdup(PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	return out;
}

json_t *
db_proposal_timeline(long long id)
{
	static const char q[] = "SELECT s.stage, to_char(s.at AT TIME ZONE 'UTC',"
				" 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at FROM proposal_stages s"
				" WHERE s.proposal_id = $1 ORDER BY s.at, s.id";
	char ids[24];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(ids, id))));
}

int
db_proposal_timeline_add(long long id, const char *stage, const char *at)
{
	static const char q[] = "INSERT INTO proposal_stages (proposal_id, stage, at)"
				" VALUES ($1, $2, $3::timestamptz) ON CONFLICT DO NOTHING";
	char ids[24];
	return db_command(q, DB_PARAMS(LL(ids, id), stage, at));
}

json_t *
db_proposal_count(long long id, int delta, enum status *st)
{
	static const char q[] =
		"UPDATE proposals p SET supporters = supporters + $2::int, updated_at = now()"
		" WHERE id = $1 AND visibility = 'public' RETURNING " PROPOSAL_COLUMNS;
	char ids[24], d[24];
	return db_first_row(db_exec(q, DB_PARAMS(LL(ids, id), LL(d, delta))), st);
}

int
db_proposal_forward(long long id, const char *at, long answer_days, long supporters)
{
	static const char q[] =
		"UPDATE proposals SET stage = 'supported', forwarded_at = $2::timestamptz,"
		" due_at = $2::timestamptz + make_interval(days => $3::int),"
		" supporters = greatest(supporters, $4::int),"
		" updated_at = $2::timestamptz WHERE id = $1 AND stage = 'submitted'";
	char ids[24], n[24], days[24];
	int c = db_changed_rows(
		db_exec(q, DB_PARAMS(LL(ids, id), at, LL(days, answer_days), LL(n, supporters))));
	if (c > 0 && db_proposal_timeline_add(id, "supported", at) < 0)
		return -1;
	return c;
}

int
db_proposal_set_supporters(const char *origin, long long origin_id, long supporters, bool own)
{
	static const char q[] = "UPDATE proposals SET supporters = $3::int,"
				" supporters_sent = CASE WHEN $4 THEN $3::int ELSE supporters_sent"
				" END WHERE origin = $1 AND origin_id = $2";
	char oid[24], n[24];
	return db_changed_rows(db_exec(
		q, DB_PARAMS(origin, LL(oid, origin_id), LL(n, supporters), own ? "t" : "f")));
}

int
db_proposal_expire(long long id, const char *at)
{
	static const char q[] = "UPDATE proposals SET stage = 'expired', expired_at ="
				" $2::timestamptz, updated_at = $2::timestamptz"
				" WHERE id = $1 AND stage = 'submitted'";
	char ids[24];
	int c = db_changed_rows(db_exec(q, DB_PARAMS(LL(ids, id), at)));
	if (c > 0 && db_proposal_timeline_add(id, "expired", at) < 0)
		return -1;
	return c;
}

int
db_proposal_overdue(long long id, const char *at)
{
	static const char q[] =
		"UPDATE proposals SET overdue_at = $2::timestamptz, updated_at = $2::timestamptz"
		" WHERE id = $1 AND overdue_at IS NULL AND answered_at IS NULL"
		" AND due_at IS NOT NULL";
	char ids[24];
	int c = db_changed_rows(db_exec(q, DB_PARAMS(LL(ids, id), at)));
	if (c > 0 && db_proposal_timeline_add(id, "overdue", at) < 0)
		return -1;
	return c;
}

int
db_proposal_stage_write(long long id, const char *stage, const char *at, const char *session_date,
			const char *answer, const char *url)
{
	static const char q[] =
		"UPDATE proposals SET stage = $2, updated_at = $3::timestamptz,"
		" session_date = coalesce($4::date, session_date),"
		" answer = coalesce($5::jsonb, answer),"
		" deliberation_url = coalesce($6, deliberation_url),"
		" answered_at = CASE WHEN $2 IN ('adopted', 'refused') THEN $3::timestamptz"
		"  ELSE answered_at END WHERE id = $1";
	char ids[24];
	if (db_command(q, DB_PARAMS(LL(ids, id), stage, at, session_date, answer, url)) < 0)
		return -1;
	return db_proposal_timeline_add(id, stage, at);
}

json_t *
db_proposal_to_expire(int limit)
{
	static const char q[] =
		"SELECT p.id, p.origin_id, p.ref, p.title, p.supporters FROM proposals p"
		" WHERE p.stage = 'submitted' AND p.support_until < now()"
		" AND p.origin = 'citizen' AND p.visibility <> 'pending'"
		" ORDER BY p.support_until LIMIT $1";
	char lim[16];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(lim, limit))));
}

json_t *
db_proposal_to_overdue(int limit)
{
	static const char q[] = "SELECT p.id, p.origin_id, p.ref, p.title, " ISO(
		"due_at") " FROM proposals p"
			  " WHERE p.due_at < now() AND p.answered_at IS NULL AND p.overdue_at IS "
			  "NULL"
			  " AND p.origin = 'citizen' ORDER BY p.due_at LIMIT $1";
	char lim[16];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(lim, limit))));
}

json_t *
db_proposal_tally_take(int limit)
{
	static const char q[] =
		"UPDATE proposals p SET supporters_sent = p.supporters FROM ("
		" SELECT id FROM proposals WHERE supporters <> supporters_sent"
		" AND visibility = 'public' AND origin = 'citizen' ORDER BY id LIMIT $1"
		" FOR UPDATE SKIP LOCKED) c WHERE p.id = c.id"
		" RETURNING p.id, p.origin_id, p.supporters";
	char lim[16];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(lim, limit))));
}

#define PROPOSAL_MIRROR_VALUES                                                                     \
	" $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, 'public', $13,"                        \
	" $14::timestamptz, $14::timestamptz,"                                                     \
	" $14::timestamptz + make_interval(days => $15::int), $14::timestamptz)"

long long
db_proposal_mirror(const char *origin, long long origin_id, const struct proposal_new *in,
		   const char *at, long support_days, bool own)
{
	static const char q_peer[] =
		"INSERT INTO proposals (origin, origin_id, ref, type, title, body, quarter, lat_e6,"
		" lon_e6, photo, author_name, lang, visibility, threshold, submitted_at, "
		"created_at,"
		" support_until, updated_at) VALUES ($1, $2," PROPOSAL_MIRROR_VALUES
		" ON CONFLICT (origin, origin_id) DO NOTHING RETURNING id";
	/* own proposals (restored) keep id = origin_id, their addresses; one the backup holds
	 * pending was approved since: public now. A photo whose bytes the restore lost is not
	 * shown (no event carries them). */
	static const char q_own[] =
		"INSERT INTO proposals AS p (id, origin, origin_id, ref, type, title, body, "
		"quarter,"
		" lat_e6, lon_e6, photo, author_name, lang, visibility, threshold, submitted_at,"
		" created_at, support_until, updated_at)"
		" VALUES ($2, $1, $2," PROPOSAL_MIRROR_VALUES
		" ON CONFLICT (origin, origin_id) DO UPDATE SET visibility = 'public',"
		" created_at = EXCLUDED.created_at, support_until = EXCLUDED.support_until,"
		" updated_at = EXCLUDED.updated_at"
		" WHERE p.visibility = 'pending' AND p.created_at IS NULL RETURNING id";
	static const char q_photo[] =
		"UPDATE proposals p SET photo = NULL WHERE id = $1 AND photo IS NOT NULL"
		" AND NOT EXISTS (SELECT 1 FROM photos ph WHERE ph.sha256 = p.photo->>'sha256')";
	char oid[24], lat[24], lon[24], th[24], days[24];
	PGresult *res = db_exec(
		own ? q_own : q_peer,
		DB_PARAMS(origin, LL(oid, origin_id), in->ref, in->type, in->title, in->body,
			  in->quarter, in->lat_e6 ? LL(lat, *in->lat_e6) : NULL,
			  in->lon_e6 ? LL(lon, *in->lon_e6) : NULL, in->photo, in->author_name,
			  in->lang, LL(th, in->threshold), at, LL(days, support_days)));
	if (!res)
		return -1;
	long long id = PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	char ids[24];
	if (id > 0 && db_proposal_timeline_add(id, "submitted", at) < 0)
		return -1;
	if (id > 0 && own &&
	    (db_command(q_photo, DB_PARAMS(LL(ids, id))) < 0 || db_ids_past("proposals") < 0))
		return -1;
	return id;
}

json_t *
db_proposal_hide(long long id, const char *reason, const char *sha, enum status *st)
{
	/* the photo's bytes go too (served at /photos/<sha256> until now), unless another
	 * proposal shows the same image */
	static const char q[] =
		"WITH old AS (SELECT id AS old_id, photo->>'sha256' AS old_sha FROM proposals"
		"  WHERE id = $1 AND visibility <> 'hidden' FOR UPDATE),"
		" gone AS (DELETE FROM photos ph USING old WHERE ph.sha256 = old.old_sha"
		"  AND NOT EXISTS (SELECT 1 FROM proposals o WHERE o.id <> old.old_id"
		"   AND o.photo->>'sha256' = ph.sha256) RETURNING 1)"
		" UPDATE proposals p SET visibility = 'hidden', hidden_reason = $2,"
		" text_sha256 = coalesce($3, encode(sha256(convert_to(p.title || E'\\n' ||"
		"  p.body || E'\\n' || p.author_name, 'UTF8')), 'hex')),"
		" title = '', body = '', author_name = '', photo = NULL, lat_e6 = NULL,"
		" lon_e6 = NULL, updated_at = now() FROM old WHERE p.id = old.old_id"
		" RETURNING " PROPOSAL_COLUMNS;
	char ids[24];
	json_t *r = db_first_row(db_exec(q, DB_PARAMS(LL(ids, id), reason, sha)), st);
	if (!r && *st == STATUS_NOT_FOUND)
		*st = STATUS_CONFLICT;
	return r;
}

int
db_proposal_mirror_hide(const char *origin, long long origin_id, const char *reason,
			const char *sha)
{
	static const char q[] =
		"UPDATE proposals SET visibility = 'hidden', hidden_reason = $3, text_sha256 = $4,"
		" title = '', body = '', author_name = '', photo = NULL, lat_e6 = NULL,"
		" lon_e6 = NULL, updated_at = now()"
		" WHERE origin = $1 AND origin_id = $2 AND visibility <> 'hidden'";
	char oid[24];
	return db_changed_rows(db_exec(q, DB_PARAMS(origin, LL(oid, origin_id), reason, sha)));
}

json_t *
db_proposal_staff_list(int limit)
{
	static const char qp[] = "SELECT " LIST_COLUMNS " FROM proposals p"
				 " WHERE p.visibility = 'pending' ORDER BY p.id DESC LIMIT $1";
	static const char qo[] = "SELECT " LIST_COLUMNS " FROM proposals p"
				 " WHERE p.visibility <> 'pending' ORDER BY p.id DESC LIMIT $1";
	char lim[16];
	json_t *pending = db_row_objects(db_exec(qp, DB_PARAMS(LL(lim, limit))));
	json_t *others = pending ? db_row_objects(db_exec(qo, DB_PARAMS(lim))) : NULL;
	if (!others) {
		json_decref(pending);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "pending", pending, "others", others);
}

json_t *
db_proposal_due_list(int limit)
{
	static const char q[] = "SELECT " LIST_COLUMNS " FROM proposals p"
				" WHERE p.due_at IS NOT NULL AND p.visibility <> 'pending'"
				" ORDER BY p.answered_at IS NOT NULL, p.due_at, p.id LIMIT $1";
	char lim[16];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(lim, limit))));
}

json_t *
db_proposal_figures(void)
{
	/* answered by the due date among those whose due date passed or that were answered */
	static const char q[] =
		"SELECT count(*) FILTER (WHERE forwarded_at IS NOT NULL) AS forwarded,"
		" count(*) FILTER (WHERE due_at < now() OR answered_at IS NOT NULL) AS counted,"
		" count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered,"
		" count(*) FILTER (WHERE answered_at <= due_at) AS answered_in_time,"
		" round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM"
		"  answered_at - forwarded_at) / 86400.0)::numeric, 1)::text AS median_days"
		" FROM proposals WHERE forwarded_at IS NOT NULL";
	enum status st;
	return db_first_row(db_exec(q, 0, NULL), &st);
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
proposal_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("'proposal'", "created_at")
		" FROM proposals WHERE visibility = 'public'"
		" UNION ALL SELECT 'proposal.supports', coalesce(sum(supporters) FILTER (WHERE "
		DB_FACT_IN("created_at") "), 0), NULL FROM proposals WHERE visibility = 'public'"
		" UNION ALL SELECT " DB_FACT("'proposal.quarter.' || quarter", "created_at")
		" FROM proposals WHERE visibility = 'public' AND quarter <> '' GROUP BY quarter"
		" UNION ALL SELECT " DB_FACT("'proposal.lang.' || lang", "created_at")
		" FROM proposals WHERE visibility = 'public' GROUP BY lang";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
