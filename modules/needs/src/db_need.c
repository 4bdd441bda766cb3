// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The needs' SQL: the citizen platform's needs and the official platform's mirror, "me too"
 * tallies (the supports themselves are participation's, one per verified contact), the
 * commune's answers and the aggregates by quarter and theme.
 */
#include "db_need.h"
#include "internal.h"

#include "common/check.h"
#include "common/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEED_COLUMNS                                                                               \
	" id, origin, origin_id, quarter, theme, text, display_name, lang, supporters,"            \
	" supporters_base, answer,"                                                                \
	" answer_lang, to_char(answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"  \
	" AS answered_at, to_char(created_at AT TIME ZONE 'UTC', "                                 \
	"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"                                                        \
	" AS created_at "

json_t *
db_need_create(const char *quarter, const char *theme, const char *text, const char *name,
	       const char *lang, int supporters, int base)
{
	enum status st;
	char s[16], b[16];
	return db_first_row(
		db_exec("INSERT INTO needs (id, origin, origin_id, quarter, theme, text,"
			" display_name, lang, supporters, supporters_base, created_at) SELECT n,"
			" 'citizen', n, $1, $2, $3, $4, $5, $6, $7, now() FROM "
			"nextval('needs_id_seq') n"
			" RETURNING" NEED_COLUMNS,
			DB_PARAMS(quarter, theme, text, name, lang, LL(s, supporters),
				  LL(b, base))),
		&st);
}

int
db_need_set_created_at(long long id, const char *at)
{
	char i[24];
	return db_command(
		"UPDATE needs SET created_at = $2::timestamptz WHERE id = $1 AND $2 <> ''",
		DB_PARAMS(LL(i, id), at));
}

json_t *
db_need_get(const char *origin, long long origin_id, enum status *st)
{
	char i[24];
	return db_first_row(db_exec("SELECT" NEED_COLUMNS
				    "FROM needs WHERE origin = $1 AND origin_id = $2"
				    " AND hidden_reason IS NULL",
				    DB_PARAMS(origin, LL(i, origin_id))),
			    st);
}

json_t *
db_need_list(const char *quarter, const char *theme, int limit)
{
	char l[16];
	return db_row_objects(db_exec("SELECT" NEED_COLUMNS "FROM needs WHERE hidden_reason IS NULL"
				      " AND ($1::text IS NULL OR quarter = $1)"
				      " AND ($2::text IS NULL OR theme = $2)"
				      " ORDER BY created_at DESC, id DESC LIMIT $3",
				      DB_PARAMS(quarter, theme, LL(l, limit))));
}

json_t *
db_need_aggregates(void)
{
	PGresult *res = db_exec(
		"WITH v AS (SELECT * FROM needs WHERE hidden_reason IS NULL) SELECT "
		"jsonb_build_object("
		"'by_quarter', (SELECT coalesce(jsonb_agg(q ORDER BY q.needs DESC, q.quarter), "
		"'[]')"
		" FROM (SELECT quarter, count(*) AS needs, sum(supporters) AS supporters,"
		" count(answered_at) AS answered FROM v GROUP BY quarter) q),"
		"'by_theme', (SELECT coalesce(jsonb_agg(t ORDER BY t.needs DESC, t.theme), '[]')"
		" FROM (SELECT theme, count(*) AS needs, sum(supporters) AS supporters,"
		" count(answered_at) AS answered FROM v GROUP BY theme) t),"
		"'cells', (SELECT coalesce(jsonb_agg(c ORDER BY c.quarter, c.theme), '[]')"
		" FROM (SELECT quarter, theme, count(*) AS needs, sum(supporters) AS supporters"
		" FROM v GROUP BY quarter, theme) c))",
		0, NULL);
	if (!res)
		return NULL;
	json_error_t err;
	json_t *o = json_loads(PQgetvalue(res, 0, 0), 0, &err);
	PQclear(res);
	return o;
}

json_t *
db_need_by_quarter(const char *theme)
{
	return db_row_objects(db_exec(
		"SELECT quarter, count(*)::int AS needs, sum(supporters)::int AS supporters,"
		" count(answered_at)::int AS answered FROM needs WHERE hidden_reason IS NULL"
		" AND ($1::text IS NULL OR theme = $1) GROUP BY quarter ORDER BY 2 DESC, quarter",
		DB_PARAMS(theme)));
}

int
db_need_supporters_set(long long id, long long supports)
{
	char i[24], n[24];
	PGresult *res =
		db_exec("UPDATE needs SET supporters = supporters_base + $2::int WHERE id = $1"
			" AND origin = 'citizen' AND supporters <> supporters_base + $2::int"
			" RETURNING supporters",
			DB_PARAMS(LL(i, id), LL(n, supports)));
	int r = !res ? -1 : PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	return r;
}

int
db_need_mirror(long long origin_id, const char *quarter, const char *theme, const char *text,
	       const char *name, const char *lang, const char *created_at, bool own)
{
	static const char q_peer[] =
		"INSERT INTO needs (origin, origin_id, quarter, theme, text, display_name,"
		" lang, created_at) VALUES ('citizen', $1, $2, $3, $4, $5, $6, $7)"
		" ON CONFLICT (origin, origin_id) DO NOTHING";
	/* own needs (restored) keep id = origin_id, their addresses; the ids then move past them */
	static const char q_own[] =
		"INSERT INTO needs (id, origin, origin_id, quarter, theme, text, display_name,"
		" lang, created_at) VALUES ($1, 'citizen', $1, $2, $3, $4, $5, $6, $7)"
		" ON CONFLICT DO NOTHING";
	char i[24];
	int rc = db_command(own ? q_own : q_peer, DB_PARAMS(LL(i, origin_id), quarter, theme, text,
							    name, lang, created_at));
	return rc == 0 && own ? db_ids_past("needs") : rc;
}

int
db_need_mirror_supporters(long long origin_id, long long supporters)
{
	char i[24], s[24];
	return db_changed_rows(db_exec("UPDATE needs SET supporters = $2 WHERE origin = 'citizen'"
				       " AND origin_id = $1",
				       DB_PARAMS(LL(i, origin_id), LL(s, supporters))));
}

int
db_need_restore_supporters(long long id, long long supporters, long long supports)
{
	char i[24], n[24], v[24];
	return db_changed_rows(
		db_exec("UPDATE needs SET supporters = $2::int, supporters_sent = $2::int,"
			" supporters_base = greatest($2::int - $3::int, 0)"
			" WHERE origin = 'citizen' AND id = $1",
			DB_PARAMS(LL(i, id), LL(n, supporters), LL(v, supports))));
}

int
db_need_answer(long long origin_id, const char *answer, const char *lang, const char *at)
{
	char i[24];
	return db_changed_rows(db_exec("UPDATE needs SET answer = $2, answer_lang = $3,"
				       " answered_at = coalesce(nullif($4, '')::timestamptz, now())"
				       " WHERE origin = 'citizen' AND origin_id = $1",
				       DB_PARAMS(LL(i, origin_id), answer, lang, at)));
}

json_t *
db_need_unsent(int limit)
{
	char l[16];
	return db_row_objects(db_exec("SELECT id, origin_id, supporters FROM needs"
				      " WHERE supporters <> supporters_sent AND origin = 'citizen'"
				      " AND hidden_reason IS NULL ORDER BY id LIMIT $1"
				      " FOR UPDATE SKIP LOCKED",
				      DB_PARAMS(LL(l, limit))));
}

int
db_need_sent(long long id, int supporters)
{
	char i[24], s[16];
	return db_command("UPDATE needs SET supporters_sent = $2 WHERE id = $1",
			  DB_PARAMS(LL(i, id), LL(s, supporters)));
}

json_t *
db_need_hide(const char *origin, long long origin_id, const char *reason, const char *text_sha256,
	     enum status *st)
{
	char i[24];
	return db_first_row(
		db_exec("WITH old AS (SELECT id, coalesce($4, encode(sha256(convert_to(text, "
			"'UTF8')),"
			" 'hex')) AS sha FROM needs WHERE origin = $1 AND origin_id = $2"
			" AND hidden_reason IS NULL FOR UPDATE)"
			" UPDATE needs n SET hidden_reason = $3, text = '', display_name = ''"
			" FROM old WHERE n.id = old.id RETURNING old.sha AS text_sha256",
			DB_PARAMS(origin, LL(i, origin_id), reason, text_sha256)),
		st);
}

int
db_need_exists(const char *quarter, const char *text)
{
	PGresult *res = db_exec("SELECT 1 FROM needs WHERE quarter = $1 AND text = $2",
				DB_PARAMS(quarter, text));
	if (!res)
		return -1;
	int n = PQntuples(res) > 0;
	PQclear(res);
	return n;
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
need_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("'need'", "created_at")
		" FROM needs WHERE hidden_reason IS NULL"
		" UNION ALL SELECT " DB_FACT("'need.answered'", "answered_at")
		" FROM needs WHERE hidden_reason IS NULL"
		" UNION ALL SELECT " DB_FACT("'need.quarter.' || quarter", "created_at")
		" FROM needs WHERE hidden_reason IS NULL AND quarter <> '' GROUP BY quarter"
		" UNION ALL SELECT " DB_FACT("'need.lang.' || lang", "created_at")
		" FROM needs WHERE hidden_reason IS NULL GROUP BY lang";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
