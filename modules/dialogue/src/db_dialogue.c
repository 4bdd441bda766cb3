// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The dialogue's SQL: questions and answers, own and mirrored (db_dialogue.h).
 */
#include "db_dialogue.h"

#include "internal.h"

#include "common/check.h"
#include "common/db.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UTC(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

#define Q_COLUMNS                                                                                  \
	"q.id, q.origin, q.origin_id, q.ref, q.title, q.body AS text, q.quarter, q.theme,"         \
	" q.display_name, q.lang, q.visibility, q.hidden_reason, q.text_sha256, q.state,"          \
	" q.merged_into, " UTC("q.asked_at") " AS asked_at, " UTC(                                 \
		"q.answered_at") " AS"                                                             \
				 " answered_at, floor(extract(epoch FROM now() - q.asked_at) / "   \
				 "86400)::int AS age_days,"                                        \
				 " floor(extract(epoch FROM q.answered_at - q.asked_at) / "        \
				 "86400)::int AS answer_days"

#define A_OBJECT                                                                                   \
	"CASE WHEN a.id IS NULL THEN NULL ELSE jsonb_build_object('id', a.id, 'origin',"           \
	" a.origin, 'origin_id', a.origin_id, 'question_ref', a.question_ref, 'kind', a.kind,"     \
	" 'body', a.body, 'points_to', a.points_to, 'cites', a.cites, 'answered_at', " UTC(        \
		"a.answered_at") ") END AS answer"

#define Q_FROM " FROM questions q LEFT JOIN question_answers a ON a.question_ref = q.ref"

/* One row of res (consumed) or NULL with *st: none for no row. */
static json_t *
one_row(PGresult *res, enum status *st, enum status none)
{
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *r = PQntuples(res) ? db_row_object(res, 0) : NULL;
	*st = r ? STATUS_OK : none;
	PQclear(res);
	return r;
}

/* The first column of res's first row (consumed) as a new string, "" without rows; NULL when
 * res is NULL (the query failed). */
static char *
first_text(PGresult *res)
{
	if (!res)
		return NULL;
	char *v = xstrdup(PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return v;
}

/* Whether the statement of res (consumed) changed a row: STATUS_OK, STATUS_CONFLICT (none),
 * STATUS_UNAVAILABLE (it failed). */
static enum status
changed(PGresult *res)
{
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = PQntuples(res) ? STATUS_OK : STATUS_CONFLICT;
	PQclear(res);
	return st;
}

/* {items, next} of a keyset page: limit rows of res (which holds up to limit + 1), consumed. */
static json_t *
page_of(PGresult *res, int limit)
{
	if (!res)
		return NULL;
	json_t *items = json_array();
	int n = PQntuples(res);
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(items, db_row_object(res, i));
	json_t *next = n > limit ? json_integer(strtoll(PQgetvalue(res, limit - 1, 0), NULL, 10))
				 : json_null();
	PQclear(res);
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

json_t *
db_question_create(const char *ref, const struct question_input *in, enum status *st)
{
	static const char q[] =
		"WITH n AS (SELECT nextval('questions_id_seq') AS id)"
		" INSERT INTO questions AS q (id, origin, origin_id, ref, title, body, quarter, "
		"theme,"
		"  display_name, lang, visibility)"
		" SELECT n.id, '" QUESTION_OWNER "', n.id, $1, $2, $3, $4, $5, $6, $7, 'pending'"
		" FROM n RETURNING " Q_COLUMNS;
	PGresult *res = db_exec(
		q, DB_PARAMS(ref, in->title, in->text, in->quarter, in->theme, in->name, in->lang));
	return one_row(res, st, STATUS_UNAVAILABLE);
}

json_t *
db_question_publish(long long id, const char *at, enum status *st)
{
	static const char q[] = "UPDATE questions q SET visibility = 'public', asked_at = $2"
				" WHERE id = $1 AND visibility = 'pending' RETURNING " Q_COLUMNS;
	char idb[24];
	return one_row(db_exec(q, DB_PARAMS(LL(idb, id), at)), st, STATUS_CONFLICT);
}

json_t *
db_question_by_ref(const char *ref, bool for_update, enum status *st)
{
	static const char q[] = "SELECT " Q_COLUMNS ", " A_OBJECT Q_FROM " WHERE q.ref = $1";
	static const char q_lock[] =
		"SELECT " Q_COLUMNS ", " A_OBJECT Q_FROM " WHERE q.ref = $1 FOR UPDATE OF q";
	return one_row(db_exec(for_update ? q_lock : q, DB_PARAMS(ref)), st, STATUS_NOT_FOUND);
}

enum status
db_question_mirror(const char *origin, long long origin_id, const char *ref,
		   const struct question_input *in, const char *asked_at, bool own)
{
	static const char q_peer[] =
		"INSERT INTO questions (origin, origin_id, ref, title, body, quarter, theme,"
		" display_name, lang, visibility, asked_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'public', $10)"
		" ON CONFLICT (origin, origin_id) DO NOTHING RETURNING id";
	/* own questions (restored) keep id = origin_id; one the backup holds pending was
	 * approved since */
	static const char q_own[] =
		"INSERT INTO questions AS q (id, origin, origin_id, ref, title, body, quarter, "
		"theme,"
		" display_name, lang, visibility, asked_at)"
		" VALUES ($2, $1, $2, $3, $4, $5, $6, $7, $8, $9, 'public', $10)"
		" ON CONFLICT (origin, origin_id) DO UPDATE SET visibility = 'public',"
		" asked_at = EXCLUDED.asked_at WHERE q.visibility = 'pending' RETURNING id";
	char oid[24];
	enum status st =
		changed(db_exec(own ? q_own : q_peer,
				DB_PARAMS(origin, LL(oid, origin_id), ref, in->title, in->text,
					  in->quarter, in->theme, in->name, in->lang, asked_at)));
	if (st == STATUS_OK && own && db_ids_past("questions") < 0)
		st = STATUS_UNAVAILABLE;
	return st;
}

json_t *
db_question_hide(const char *ref, const char *reason, const char *sha256, char computed[65],
		 enum status *st)
{
	/* the hash is of "title LF body" as stored (UTF-8 bytes), taken before they are blanked */
	static const char q[] =
		"WITH old AS (SELECT id, encode(sha256(convert_to(title || E'\\n' || body, "
		"'UTF8')),"
		"  'hex') AS h FROM questions WHERE ref = $1 AND visibility <> 'hidden' FOR "
		"UPDATE),"
		" q AS (UPDATE questions SET visibility = 'hidden', hidden_reason = $2,"
		"  text_sha256 = coalesce($3, old.h), title = '', body = '', display_name = ''"
		"  FROM old WHERE questions.id = old.id RETURNING questions.*, old.h)"
		" SELECT " Q_COLUMNS ", q.h AS computed_sha256 FROM q";
	PGresult *res = db_exec(q, DB_PARAMS(ref, reason, sha256));
	if (res && PQntuples(res) == 1 && computed)
		snprintf(computed, 65, "%s", PQgetvalue(res, 0, PQfnumber(res, "computed_sha256")));
	json_t *r = one_row(res, st, STATUS_CONFLICT);
	if (*st == STATUS_CONFLICT) {
		json_t *have = db_question_by_ref(ref, false, st);
		if (have)
			*st = STATUS_CONFLICT;
		json_decref(have);
	}
	return r;
}

json_t *
db_question_list(const struct question_filter *f, long long before_id, int limit)
{
	static const char q[] =
		"SELECT " Q_COLUMNS ", " A_OBJECT Q_FROM
		" WHERE q.visibility <> 'pending' AND ($1::bigint IS NULL OR q.id < $1)"
		" AND ($2::text IS NULL OR (q.visibility = 'public' AND"
		"  q.state = CASE $2 WHEN 'open' THEN 'open' ELSE 'answered' END))"
		" AND ($3::text IS NULL OR q.quarter = $3) AND ($4::text IS NULL OR q.theme = $4)"
		" ORDER BY q.id DESC LIMIT $5";
	char bid[24], lim[16];
	PGresult *res = db_exec(q, DB_PARAMS(before_id > 0 ? LL(bid, before_id) : NULL, f->state,
					     f->quarter, f->theme, LL(lim, limit + 1)));
	return page_of(res, limit);
}

json_t *
db_question_queue(long long after_id, int limit)
{
	/* oldest first through the queue's partial index, keyset after the row after_id (0: from
	 * the start) */
	static const char q[] = "SELECT " Q_COLUMNS " FROM questions q"
				" WHERE q.state = 'open' AND q.visibility = 'public'"
				" AND ($1::bigint IS NULL OR (q.asked_at, q.id) >"
				"  (SELECT a.asked_at, a.id FROM questions a WHERE a.id = $1))"
				" ORDER BY q.asked_at, q.id LIMIT $2";
	char aid[24], lim[16];
	return db_row_objects(
		db_exec(q, DB_PARAMS(after_id > 0 ? LL(aid, after_id) : NULL, LL(lim, limit))));
}

json_t *
db_question_queue_count(void)
{
	/* from the same partial index, apart: a window count would read every row */
	static const char q[] = "SELECT count(*) FROM questions"
				" WHERE state = 'open' AND visibility = 'public'";
	PGresult *res = db_exec(q, 0, NULL);
	if (!res)
		return NULL;
	json_t *n = json_integer(strtoll(PQgetvalue(res, 0, 0), NULL, 10));
	PQclear(res);
	return n;
}

json_t *
db_question_staff_list(long long before_id, int limit)
{
	/* pending ones first (all of them: they wait for a moderator), then the newest */
	static const char q[] =
		"(SELECT " Q_COLUMNS ", " A_OBJECT Q_FROM " WHERE q.visibility = 'pending'"
		" AND $1::bigint IS NULL ORDER BY q.id)"
		" UNION ALL (SELECT " Q_COLUMNS ", " A_OBJECT Q_FROM
		" WHERE q.visibility <> 'pending' AND q.origin = '" QUESTION_OWNER "'"
		" AND ($1::bigint IS NULL OR q.id < $1) ORDER BY q.id DESC LIMIT $2)";
	char bid[24], lim[16];
	PGresult *res = db_exec(
		q, DB_PARAMS(before_id > 0 ? LL(bid, before_id) : NULL, LL(lim, limit + 1)));
	if (!res)
		return NULL;
	json_t *items = json_array();
	int n = PQntuples(res), shown = 0;
	long long last = 0;
	json_t *next = json_null();
	for (int i = 0; i < n; i++) {
		json_t *r = db_row_object(res, i);
		bool pending =
			strcmp(json_string_value(json_object_get(r, "visibility")), "pending") == 0;
		if (!pending && shown == limit) {
			json_decref(next);
			next = json_integer(last);
			json_decref(r);
			break;
		}
		if (!pending) {
			shown++;
			last = json_integer_value(json_object_get(r, "id"));
		}
		json_array_append_new(items, r);
	}
	PQclear(res);
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

json_t *
db_answer_create(const char *origin, long long origin_id, const char *qref, const char *kind,
		 json_t *body, const char *points_to, json_t *cites, const char *at,
		 enum status *st)
{
	static const char q[] =
		"WITH t AS (UPDATE questions SET state = 'answered', answered_at = $8"
		"  WHERE ref = $3 AND state = 'open' AND visibility = 'public' RETURNING ref)"
		" INSERT INTO question_answers AS a (origin, origin_id, question_ref, kind, body,"
		"  points_to, cites, answered_at)"
		" SELECT $1, $2::bigint, $3, $4, $5::jsonb, $6, $7::jsonb, $8"
		" FROM t RETURNING a.id, a.origin, a.origin_id, a.question_ref, a.kind, a.body,"
		" a.points_to, a.cites, " UTC("a.answered_at") " AS answered_at";
	char oid[24];
	char *b = json_dumps(body, JSON_COMPACT), *c = json_dumps(cites, JSON_COMPACT);
	PGresult *res =
		db_exec(q, DB_PARAMS(origin, LL(oid, origin_id), qref, kind, b, points_to, c, at));
	free(b);
	free(c);
	json_t *r = one_row(res, st, STATUS_CONFLICT);
	if (*st == STATUS_CONFLICT) {
		json_t *have = db_question_by_ref(qref, false, st);
		if (have)
			*st = STATUS_CONFLICT;
		json_decref(have);
	}
	return r;
}

long long
db_answer_next_id(void)
{
	PGresult *res = db_exec("SELECT nextval('question_answers_id_seq')", 0, NULL);
	long long id = res ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return id;
}

int
db_answer_ids_restored(void)
{
	static const char q[] =
		"SELECT setval('question_answers_id_seq', (SELECT max(greatest(id, origin_id))"
		" FROM question_answers WHERE origin = '" ANSWER_OWNER "'))";
	return db_command(q, 0, NULL);
}

int
db_answer_exists(const char *origin, long long origin_id)
{
	static const char q[] = "SELECT 1 FROM question_answers WHERE origin = $1"
				" AND origin_id = $2";
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, LL(oid, origin_id)));
	int n = res ? PQntuples(res) > 0 : -1;
	PQclear(res);
	return n;
}

json_t *
db_answer_by_ref(const char *qref, enum status *st)
{
	static const char q[] =
		"SELECT a.id, a.origin, a.origin_id, a.question_ref, a.kind, a.body, a.points_to,"
		" a.cites, " UTC("a.answered_at") " AS answered_at FROM question_answers a"
						  " WHERE a.question_ref = $1";
	return one_row(db_exec(q, DB_PARAMS(qref)), st, STATUS_NOT_FOUND);
}

enum status
db_question_merge(const char *ref, const char *into, const char *at)
{
	static const char q[] = "UPDATE questions SET state = 'merged', merged_into = $2,"
				" answered_at = $3 WHERE ref = $1 AND state = 'open'"
				" AND visibility = 'public' RETURNING id";
	return changed(db_exec(q, DB_PARAMS(ref, into, at)));
}

json_t *
db_question_merged_into(const char *ref)
{
	static const char q[] = "SELECT ref FROM questions WHERE merged_into = $1 ORDER BY id";
	PGresult *res = db_exec(q, DB_PARAMS(ref));
	if (!res)
		return NULL;
	json_t *refs = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(refs, json_string(PQgetvalue(res, i, 0)));
	PQclear(res);
	return refs;
}

json_t *
db_dialogue_stats(int within_days)
{
	/* public questions the commune has received; a merged one counts through its target */
	static const char q[] =
		"SELECT count(*) FILTER (WHERE state <> 'merged')::int AS asked,"
		" count(*) FILTER (WHERE state = 'answered')::int AS answered,"
		" count(*) FILTER (WHERE state = 'answered'"
		"  AND answered_at - asked_at <= make_interval(days => $1))::int AS "
		"answered_within,"
		" round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM"
		"  answered_at - asked_at)) FILTER (WHERE state = 'answered') / 86400)::numeric, 1)"
		"  ::text AS median_days,"
		" count(*) FILTER (WHERE state = 'open')::int AS unanswered,"
		" floor(extract(epoch FROM now() - min(asked_at) FILTER (WHERE state = 'open'))"
		"  / 86400)::int AS oldest_days"
		" FROM questions WHERE visibility = 'public'";
	char d[16];
	enum status st;
	return one_row(db_exec(q, DB_PARAMS(LL(d, within_days))), &st, STATUS_UNAVAILABLE);
}

char *
db_question_ref_by_title(const char *title)
{
	static const char q[] = "SELECT ref FROM questions WHERE title = $1 ORDER BY id LIMIT 1";
	return first_text(db_exec(q, DB_PARAMS(title)));
}

char *
db_dialogue_demo_cite(const char *kind, const char *title)
{
	/* the demo names what it cites by title: a report's reference, a publication's id */
	static const char q[] =
		"SELECT ref FROM reports WHERE $1 = 'report' AND title = $2"
		" UNION ALL SELECT origin_id::text FROM publications WHERE kind = $1"
		" AND origin = '" ANSWER_OWNER "' AND status = 'published'"
		" AND (data -> 'title' ->> 'fr' = $2 OR data ->> 'number' = $2) LIMIT 1";
	return first_text(db_exec(q, DB_PARAMS(kind, title)));
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
dialogue_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("'question'", "asked_at")
		" FROM questions WHERE visibility = 'public'"
		" UNION ALL SELECT " DB_FACT("'question.answered'", "answered_at")
		" FROM questions WHERE visibility = 'public'"
		" UNION ALL SELECT " DB_FACT("'question.quarter.' || quarter", "asked_at")
		" FROM questions WHERE visibility = 'public' AND quarter <> '' GROUP BY quarter"
		" UNION ALL SELECT " DB_FACT("'question.lang.' || lang", "asked_at")
		" FROM questions WHERE visibility = 'public' GROUP BY lang";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
