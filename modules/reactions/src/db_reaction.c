// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The reactions' SQL: residents' reactions on the citizen platform and their mirror.
 */

#include "db_reaction.h"
#include "internal.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a reaction, and the local id and title of the item it is about (NULL when not mirrored) */
#define REACTION_COLUMNS                                                                           \
	"r.id, r.origin, r.origin_id, r.target_origin, r.target_kind, r.target_id, r.stance,"      \
	" r.comment, r.display_name, r.hidden_reason, r.comment_sha256,"                           \
	" to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"          \
	" p.id, (p.data -> 'title')::text"
#define REACTION_FROM                                                                              \
	" FROM reactions r LEFT JOIN publications p ON p.origin = r.target_origin"                 \
	" AND p.kind = r.target_kind AND p.origin_id = r.target_id"

static json_t *
reaction_row(PGresult *res, int row)
{
	json_t *title = PQgetisnull(res, row, 13)
				? json_null()
				: json_loads(PQgetvalue(res, row, 13), JSON_DECODE_ANY, NULL);
	return json_pack(
		"{s:I, s:s, s:I, s:{s:s, s:s, s:I}, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o}", "id",
		(json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10), "origin",
		PQgetvalue(res, row, 1), "origin_id",
		(json_int_t)strtoll(PQgetvalue(res, row, 2), NULL, 10), "target", "origin",
		PQgetvalue(res, row, 3), "kind", PQgetvalue(res, row, 4), "id",
		(json_int_t)strtoll(PQgetvalue(res, row, 5), NULL, 10), "stance",
		PQgetvalue(res, row, 6), "comment", PQgetvalue(res, row, 7), "display_name",
		PQgetvalue(res, row, 8), "hidden_reason", db_text_or_null(res, row, 9),
		"comment_sha256", db_text_or_null(res, row, 10), "created_at",
		PQgetvalue(res, row, 11), "item_id",
		PQgetisnull(res, row, 12)
			? json_null()
			: json_integer(strtoll(PQgetvalue(res, row, 12), NULL, 10)),
		"item_title", title ? title : json_null());
}

static json_t *
reaction_one(PGresult *res, enum status *st, enum status none)
{
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *r = PQntuples(res) ? reaction_row(res, 0) : NULL;
	*st = r ? STATUS_OK : none;
	PQclear(res);
	return r;
}

json_t *
db_reaction_create(const char *origin, const char *target_origin, const char *kind,
		   long long target_id, const char *stance, const char *comment,
		   const char *display_name, enum status *st)
{
	/* only a published item takes reactions; checked in the statement that inserts */
	static const char q[] =
		"WITH t AS (SELECT 1 FROM publications WHERE origin = $2 AND kind = $3"
		"  AND origin_id = $4 AND status = 'published'),"
		" n AS (SELECT nextval('reactions_id_seq') AS id FROM t),"
		" r AS (INSERT INTO reactions (id, origin, origin_id, target_origin, target_kind,"
		"  target_id, stance, comment, display_name) SELECT n.id, $1, n.id, $2, $3, $4, $5,"
		"  $6, $7 FROM n RETURNING *)"
		" SELECT " REACTION_COLUMNS " FROM r LEFT JOIN publications p ON p.origin ="
		" r.target_origin AND p.kind = r.target_kind AND p.origin_id = r.target_id";
	char tid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, target_origin, kind, LL(tid, target_id),
					     stance, comment, display_name));
	return reaction_one(res, st, STATUS_NOT_FOUND);
}

json_t *
db_reaction_get(const char *origin, long long origin_id, enum status *st)
{
	static const char q[] = "SELECT " REACTION_COLUMNS REACTION_FROM
				" WHERE r.origin = $1 AND r.origin_id = $2";
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, LL(oid, origin_id)));
	return reaction_one(res, st, STATUS_NOT_FOUND);
}

enum status
db_reaction_mirror(const char *origin, long long origin_id, const char *target_origin,
		   const char *kind, long long target_id, const char *stance, const char *comment,
		   const char *display_name, const char *created_at, bool own)
{
	/* only about an item held here; a copy that exists already stays as it is (it may have
	 * been hidden since); an own reaction (restored) keeps id = origin_id, its ids moving
	 * past it */
#define REACTION_MIRROR(id_col, id_val)                                                            \
	"WITH t AS (SELECT 1 FROM publications WHERE origin = $3 AND kind = $4"                    \
	"  AND origin_id = $5 AND status <> 'draft'),"                                             \
	" i AS (INSERT INTO reactions (" id_col "origin, origin_id, target_origin, target_kind,"   \
	"  target_id, stance, comment, display_name, created_at) SELECT " id_val "$1, $2, $3,"     \
	"  $4, $5, $6, $7, $8, $9::timestamptz FROM t ON CONFLICT DO NOTHING RETURNING 1)"         \
	" SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM i)"
	static const char q_peer[] = REACTION_MIRROR("", "");
	static const char q_own[] = REACTION_MIRROR("id, ", "$2, ");
#undef REACTION_MIRROR
	char oid[24], tid[24];
	PGresult *res =
		db_exec(own ? q_own : q_peer,
			DB_PARAMS(origin, LL(oid, origin_id), target_origin, kind,
				  LL(tid, target_id), stance, comment, display_name, created_at));
	if (!res)
		return STATUS_UNAVAILABLE;
	bool found = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	bool added = strcmp(PQgetvalue(res, 0, 1), "0") != 0;
	PQclear(res);
	if (own && added && db_ids_past("reactions") < 0)
		return STATUS_UNAVAILABLE;
	return found ? STATUS_OK : STATUS_NOT_FOUND;
}

json_t *
db_reaction_hide(const char *origin, long long origin_id, const char *reason,
		 const char *comment_sha256, char computed_sha256[65], enum status *st)
{
	/* the hash is of the comment as stored (UTF-8 bytes), taken before it is blanked */
	static const char q[] =
		"WITH old AS (SELECT id, encode(sha256(convert_to(comment, 'UTF8')), 'hex') AS h"
		"  FROM reactions WHERE origin = $1 AND origin_id = $2 AND hidden_reason IS NULL"
		"  FOR UPDATE),"
		" r AS (UPDATE reactions SET comment_sha256 = coalesce($4, old.h), comment = '',"
		"  display_name = '', hidden_reason = $3 FROM old WHERE reactions.id = old.id"
		"  RETURNING reactions.*, old.h)"
		" SELECT " REACTION_COLUMNS ", r.h FROM r LEFT JOIN publications p ON p.origin ="
		" r.target_origin AND p.kind = r.target_kind AND p.origin_id = r.target_id";
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, LL(oid, origin_id), reason, comment_sha256));
	if (res && PQntuples(res) == 1 && computed_sha256)
		snprintf(computed_sha256, 65, "%s", PQgetvalue(res, 0, 14));
	json_t *r = reaction_one(res, st, STATUS_CONFLICT);
	if (*st == STATUS_CONFLICT) {
		/* nothing changed: hidden already, or no such reaction */
		json_t *have = db_reaction_get(origin, origin_id, st);
		if (have)
			*st = STATUS_CONFLICT;
		json_decref(have);
	}
	return r;
}

json_t *
db_reaction_summary(const char *target_origin, const char *kind, long long target_id, int limit)
{
	/* the stances count every reaction; the list holds those with a comment, or hidden */
	static const char q_counts[] =
		"SELECT count(*) FILTER (WHERE stance = 'support'),"
		" count(*) FILTER (WHERE stance = 'concern'),"
		" count(*) FILTER (WHERE comment <> '' OR hidden_reason IS NOT NULL)"
		" FROM reactions WHERE target_origin = $1 AND target_kind = $2 AND target_id = $3";
	static const char q_list[] =
		"SELECT " REACTION_COLUMNS REACTION_FROM
		" WHERE r.target_origin = $1 AND r.target_kind = $2 AND r.target_id = $3"
		" AND (r.comment <> '' OR r.hidden_reason IS NOT NULL)"
		" ORDER BY r.created_at DESC, r.origin_id DESC LIMIT $4";
	char tid[24], lim[16];
	PGresult *res = db_exec(q_counts, DB_PARAMS(target_origin, kind, LL(tid, target_id)));
	if (!res)
		return NULL;
	json_t *out = json_pack(
		"{s:I, s:I, s:I}", "support", (json_int_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10),
		"concern", (json_int_t)strtoll(PQgetvalue(res, 0, 1), NULL, 10), "comments_total",
		(json_int_t)strtoll(PQgetvalue(res, 0, 2), NULL, 10));
	PQclear(res);
	res = db_exec(q_list, DB_PARAMS(target_origin, kind, tid, LL(lim, limit)));
	if (!res) {
		json_decref(out);
		return NULL;
	}
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(items, reaction_row(res, i));
	PQclear(res);
	json_object_set_new(out, "items", items);
	return out;
}

json_t *
db_reaction_queue(const char *origin, long long before_id, int limit)
{
	static const char q[] = "SELECT " REACTION_COLUMNS REACTION_FROM
				" WHERE r.origin = $1 AND ($2::bigint IS NULL OR r.id < $2)"
				" ORDER BY r.id DESC LIMIT $3";
	char bid[24], lim[16];
	PGresult *res = db_exec(q, DB_PARAMS(origin, before_id > 0 ? LL(bid, before_id) : NULL,
					     LL(lim, limit + 1)));
	if (!res)
		return NULL;
	json_t *items = json_array();
	int n = PQntuples(res);
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(items, reaction_row(res, i));
	json_t *next = n > limit ? json_integer(strtoll(PQgetvalue(res, limit - 1, 0), NULL, 10))
				 : json_null();
	PQclear(res);
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

long long
db_reaction_find(const char *target_origin, const char *kind, long long target_id,
		 const char *stance, const char *comment, const char *display_name)
{
	static const char q[] =
		"SELECT id FROM reactions WHERE target_origin = $1 AND target_kind = $2"
		" AND target_id = $3 AND stance = $4 AND comment = $5 AND display_name = $6"
		" LIMIT 1";
	char tid[24];
	PGresult *res = db_exec(q, DB_PARAMS(target_origin, kind, LL(tid, target_id), stance,
					     comment, display_name));
	if (!res)
		return -1;
	long long id = PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return id;
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
reaction_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("'reaction'", "created_at")
		" FROM reactions WHERE hidden_reason IS NULL";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
