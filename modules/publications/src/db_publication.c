// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Publication storage: the SQL for items of every kind, their versions (history) and the
 * accountability figures.
 */
#include "publications/db_publication.h"
#include "internal.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUB_COLUMNS                                                                                \
	"id, origin, origin_id, kind, status, version, data::text, unpublish_reason,"              \
	" to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"          \
	" to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

static json_t *
pub_row(PGresult *res, int row)
{
	json_t *data = json_loads(PQgetvalue(res, row, 6), 0, NULL);
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10), "origin",
			 PQgetvalue(res, row, 1), "origin_id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 2), NULL, 10), "kind",
			 PQgetvalue(res, row, 3), "status", PQgetvalue(res, row, 4), "version",
			 atoi(PQgetvalue(res, row, 5)), "data", data ? data : json_object(),
			 "unpublish_reason", db_text_or_null(res, row, 7), "published_at",
			 db_text_or_null(res, row, 8), "updated_at", db_text_or_null(res, row, 9));
}

/* The item of a one-row query's result (cleared), or NULL (*st: not found or unavailable). */
static json_t *
one_item(PGresult *res, enum status *st)
{
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *item = PQntuples(res) ? pub_row(res, 0) : NULL;
	*st = item ? STATUS_OK : STATUS_NOT_FOUND;
	PQclear(res);
	return item;
}

/* The items of every row of a result (cleared). */
static json_t *
all_items(PGresult *res)
{
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(items, pub_row(res, i));
	PQclear(res);
	return items;
}

static const char q_version[] =
	"INSERT INTO publication_versions (publication_id, version, status, data, unpublish_reason)"
	" SELECT id, version, status, data, unpublish_reason FROM publications WHERE id = $1"
	" ON CONFLICT DO NOTHING";

long long
db_pub_create(const char *origin, const char *kind, json_t *data, bool publish)
{
	static const char q[] =
		"WITH n AS (SELECT nextval('publications_id_seq') AS id)"
		" INSERT INTO publications (id, origin, origin_id, kind, data, status,"
		"  published_at)"
		" SELECT n.id, $1, n.id, $2, $3::jsonb, CASE WHEN $4 THEN 'published' ELSE 'draft'"
		" END, CASE WHEN $4 THEN now() END FROM n RETURNING id";
	char *d = json_dumps(data, JSON_COMPACT);
	PGresult *res = db_exec(q, DB_PARAMS(origin, kind, d, publish ? "t" : "f"));
	free(d);
	long long id = res ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	char idb[24];
	if (id > 0 && publish && db_command(q_version, DB_PARAMS(LL(idb, id))) < 0)
		id = -1;
	return id;
}

static enum status
changed(PGresult *res, long long id, enum status none)
{
	if (!res)
		return STATUS_UNAVAILABLE;
	bool one = PQntuples(res) == 1;
	PQclear(res);
	if (!one)
		return none;
	char idb[24];
	return db_command(q_version, DB_PARAMS(LL(idb, id))) == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
}

enum status
db_pub_update(const char *origin, const char *kind, long long id, json_t *data)
{
	static const char q[] =
		"UPDATE publications SET data = $4::jsonb, updated_at = now(),"
		" version = CASE WHEN status = 'draft' THEN version ELSE version + 1 END"
		" WHERE origin = $1 AND kind = $2 AND id = $3 RETURNING status";
	char *d = json_dumps(data, JSON_COMPACT);
	char idb[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, kind, LL(idb, id), d));
	free(d);
	bool draft = res && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "draft") == 0;
	if (draft) {
		PQclear(res);
		return STATUS_OK;
	}
	return changed(res, id, STATUS_NOT_FOUND);
}

enum status
db_pub_set_status(const char *origin, const char *kind, long long id, bool publish,
		  const char *reason)
{
	static const char q[] =
		"UPDATE publications SET"
		" status = CASE WHEN $4 THEN 'published' ELSE 'unpublished' END,"
		" unpublish_reason = CASE WHEN $4 THEN NULL ELSE $5 END,"
		" published_at = CASE WHEN $4 THEN coalesce(published_at, now())"
		"  ELSE published_at END,"
		" version = CASE WHEN status = 'draft' THEN version ELSE version + 1 END,"
		" updated_at = now()"
		" WHERE origin = $1 AND kind = $2 AND id = $3"
		"  AND (status = 'published') = NOT $4::boolean"
		" RETURNING id";
	char idb[24];
	PGresult *res =
		db_exec(q, DB_PARAMS(origin, kind, LL(idb, id), publish ? "t" : "f", reason));
	return changed(res, id, STATUS_CONFLICT);
}

json_t *
db_pub_get(const char *kind, long long id, bool include_drafts, enum status *st)
{
	static const char q[] = "SELECT " PUB_COLUMNS " FROM publications WHERE kind = $1"
				" AND id = $2 AND ($3 OR status <> 'draft')";
	char idb[24];
	PGresult *res = db_exec(q, DB_PARAMS(kind, LL(idb, id), include_drafts ? "t" : "f"));
	return one_item(res, st);
}

json_t *
db_pub_list(const char *kind, const char *sort_field, json_t *filter, const char *q,
	    const char *cursor, int limit, bool with_withdrawn, enum status *st)
{
	/* the sort key: a date field of data, or the publication day; cursor "<key>|<id>" */
	/* the page's ids are chosen on the sort key alone; only those rows are then read whole
	 * (data::text of every candidate row made a list cost its whole table) */
	static const char sql[] =
		"SELECT " PUB_COLUMNS
		", s.k FROM (SELECT id, k FROM (SELECT id, coalesce(data ->> $2,"
		"  to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')) AS k FROM publications"
		"  WHERE kind = $1 AND (status = 'published' OR ($8 AND status = 'unpublished'))"
		"  AND ($3::jsonb IS NULL OR data @> $3::jsonb)"
		"  AND ($4::text IS NULL OR search @@ (websearch_to_tsquery('arabic', $4) ||"
		"   websearch_to_tsquery('french', $4)))) c"
		"  WHERE ($5::text IS NULL OR (k, id) < ($5, $6::bigint))"
		"  ORDER BY k DESC, id DESC LIMIT $7) s JOIN publications USING (id)"
		" ORDER BY s.k DESC, id DESC";
	char key[32] = "", idb[24] = "", lim[16];
	*st = STATUS_OK;
	if (cursor) {
		const char *bar = strchr(cursor, '|');
		char *end;
		errno = 0;
		long long id = bar ? strtoll(bar + 1, &end, 10) : -1;
		size_t klen = bar ? (size_t)(bar - cursor) : 0;
		if (!bar || errno || *end || id <= 0 || klen != 10 ||
		    strspn(cursor, "0123456789-") < 10) {
			*st = STATUS_INVALID;
			return NULL;
		}
		memcpy(key, cursor, klen);
		key[klen] = '\0';
		LL(idb, id);
	}
	char *f = filter && json_object_size(filter) ? json_dumps(filter, JSON_COMPACT) : NULL;
	const char *params[] = {kind,
				sort_field ? sort_field : "",
				f,
				q && *q ? q : NULL,
				cursor ? key : NULL,
				cursor ? idb : NULL,
				LL(lim, limit + 1),
				with_withdrawn ? "t" : "f"};
	PGresult *res = db_exec(sql, 8, params);
	free(f);
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *items = json_array();
	int n = PQntuples(res);
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(items, pub_row(res, i));
	json_t *next = json_null();
	if (n > limit && !PQgetisnull(res, limit - 1, 10))
		next = json_sprintf("%s|%s", PQgetvalue(res, limit - 1, 10),
				    PQgetvalue(res, limit - 1, 0));
	PQclear(res);
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

json_t *
db_pub_list_own(const char *origin, const char *kind, int limit)
{
	static const char q[] = "SELECT " PUB_COLUMNS " FROM publications WHERE origin = $1"
				" AND kind = $2 ORDER BY updated_at DESC, id DESC LIMIT $3";
	char lim[16];
	PGresult *res = db_exec(q, DB_PARAMS(origin, kind, LL(lim, limit)));
	return res ? all_items(res) : NULL;
}

PGresult *
db_pub_page_own(const char *origin, const char *kind, const char *title_field, long long before_id,
		int limit)
{
	/* keyset on (updated_at, id) through publications_own (migration 0013); the cursor only
	 * when there is one and the limit written out, so that one generic plan serves every
	 * request (a "$n IS NULL OR" and a LIMIT parameter had it planned again each time: 0.07 ms
	 * a bind) */
	struct db_query q;
	char bid[24];
	db_query_init(&q, "");
	db_query_param(&q,
		       "SELECT " PUB_COLUMNS ", (data -> $1)::text AS title_i18n"
		       " FROM publications WHERE origin = $2 AND kind = $3",
		       title_field);
	db_query_param(&q, "", origin);
	db_query_param(&q, "", kind);
	if (before_id > 0)
		db_query_param(&q,
			       " AND (updated_at, id) <"
			       "  (SELECT updated_at, id FROM publications WHERE id = $?::bigint)",
			       LL(bid, before_id));
	db_query_add(&q, " ORDER BY updated_at DESC, id DESC");
	db_query_limit(&q, limit + 1);
	return db_query_exec(&q);
}

json_t *
db_pub_versions(long long id)
{
	static const char q[] =
		"SELECT version, status, data::text, unpublish_reason,"
		" to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
		" FROM publication_versions WHERE publication_id = $1 ORDER BY version DESC";
	char idb[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(idb, id)));
	if (!res)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *data = json_loads(PQgetvalue(res, i, 2), 0, NULL);
		json_array_append_new(a, json_pack("{s:i, s:s, s:o, s:o, s:s}", "version",
						   atoi(PQgetvalue(res, i, 0)), "status",
						   PQgetvalue(res, i, 1), "data",
						   data ? data : json_object(), "unpublish_reason",
						   db_text_or_null(res, i, 3), "changed_at",
						   PQgetvalue(res, i, 4)));
	}
	PQclear(res);
	return a;
}

#define PUB_UPSERT_TAIL                                                                            \
	" ON CONFLICT (origin, kind, origin_id) DO UPDATE SET"                                     \
	" version = EXCLUDED.version, status = EXCLUDED.status, data = EXCLUDED.data,"             \
	" unpublish_reason = EXCLUDED.unpublish_reason,"                                           \
	" published_at = EXCLUDED.published_at,"                                                   \
	" updated_at = now() RETURNING id"

enum status
db_pub_mirror(const char *origin, const char *kind, long long origin_id, int version,
	      const char *status, json_t *data, const char *reason, const char *published_at,
	      bool own)
{
	/* own items (restored) keep id = origin_id, their addresses; the ids then move past them */
	static const char q_peer[] =
		"INSERT INTO publications (origin, origin_id, kind, version, status, data,"
		" unpublish_reason, published_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7,"
		" $8::timestamptz)" PUB_UPSERT_TAIL;
	static const char q_own[] =
		"INSERT INTO publications (id, origin, origin_id, kind, version, status, data,"
		" unpublish_reason, published_at) VALUES ($2, $1, $2, $3, $4, $5, $6::jsonb, $7,"
		" $8::timestamptz)" PUB_UPSERT_TAIL;
	char *d = json_dumps(data, JSON_COMPACT);
	char oid[24], ver[16];
	PGresult *res = db_exec(own ? q_own : q_peer,
				DB_PARAMS(origin, LL(oid, origin_id), kind, LL(ver, version),
					  status, d, reason, published_at));
	free(d);
	if (!res)
		return STATUS_UNAVAILABLE;
	long long id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	char idb[24];
	if (db_command(q_version, DB_PARAMS(LL(idb, id))) < 0 ||
	    (own && db_ids_past("publications") < 0))
		return STATUS_UNAVAILABLE;
	return STATUS_OK;
}

long long
db_pub_local_id(const char *origin, const char *kind, long long origin_id)
{
	char oid[24];
	PGresult *res = db_exec("SELECT id FROM publications WHERE origin = $1 AND kind = $2"
				" AND origin_id = $3",
				DB_PARAMS(origin, kind, LL(oid, origin_id)));
	long long id = res && PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return id;
}

json_t *
db_pub_accountability(void)
{
	static const char q[] =
		"SELECT json_build_object("
		" 'projects_by_status', coalesce((SELECT json_object_agg(s, n) FROM (SELECT"
		"  data ->> 'status' AS s, count(*) AS n FROM publications WHERE kind = 'project'"
		"  AND status = 'published' GROUP BY 1) x), '{}'::json),"
		" 'budget_execution', coalesce((SELECT json_agg(b ORDER BY b.year DESC, b.type)"
		"  FROM (SELECT (p.data ->> 'year')::int AS year, p.data ->> 'type' AS type,"
		"  sum(l.planned) AS planned, sum(l.executed) AS executed,"
		"  CASE WHEN sum(l.planned) > 0"
		"   THEN round(100.0 * sum(l.executed) / sum(l.planned))::int END AS rate_pct"
		"  FROM publications p JOIN budget_lines l ON l.publication_id = p.id"
		"  WHERE p.kind = 'budget' AND p.status = 'published' GROUP BY 1, 2) b),"
		"  '[]'::json),"
		" 'deliberations', (SELECT json_build_object('published', count(*),"
		"  'within_8_days', count(*) FILTER (WHERE published_at <="
		"   (data ->> 'session_date')::date + 9),"
		"  'share_pct', CASE WHEN count(*) > 0 THEN round(100.0 * count(*) FILTER (WHERE"
		"   published_at <= (data ->> 'session_date')::date + 9) / count(*))::int END)"
		"  FROM publications WHERE kind = 'deliberation' AND status = 'published'))";
	PGresult *res = db_exec(q, 0, NULL);
	json_t *v = res ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return v;
}

/* ---- an own item locked for a change of its extras (files, lines) ---- */

enum status
db_pub_lock_own(const char *origin, const char *kind, long long id, bool *is_published)
{
	static const char q[] = "SELECT status FROM publications WHERE origin = $1 AND kind = $2"
				" AND id = $3 FOR UPDATE";
	char idb[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, kind, LL(idb, id)));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = PQntuples(res) == 1 ? STATUS_OK : STATUS_NOT_FOUND;
	*is_published = st == STATUS_OK && strcmp(PQgetvalue(res, 0, 0), "published") == 0;
	PQclear(res);
	return st;
}

enum status
db_pub_find_local(const char *origin, const char *kind, long long origin_id, long long *id)
{
	char oid[24];
	PGresult *res = db_exec("SELECT id FROM publications WHERE origin = $1 AND kind = $2"
				" AND origin_id = $3",
				DB_PARAMS(origin, kind, LL(oid, origin_id)));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = PQntuples(res) == 1 ? STATUS_OK : STATUS_NOT_FOUND;
	*id = st == STATUS_OK ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return st;
}

enum status
db_pub_value_taken(const char *origin, const char *kind, const char *field, const char *value,
		   long long except_id, bool *taken)
{
	char idb[24];
	PGresult *res = db_exec("SELECT 1 FROM publications WHERE origin = $1 AND kind = $2"
				" AND data ->> $3 = $4 AND id <> $5 LIMIT 1",
				DB_PARAMS(origin, kind, field, value, LL(idb, except_id)));
	if (!res)
		return STATUS_UNAVAILABLE;
	*taken = PQntuples(res) > 0;
	PQclear(res);
	return STATUS_OK;
}

json_t *
db_pub_get_by_value(const char *kind, const char *field, const char *value, enum status *st)
{
	static const char q[] = "SELECT " PUB_COLUMNS " FROM publications WHERE kind = $1"
				" AND data ->> $2 = $3 AND status <> 'draft' ORDER BY id LIMIT 1";
	PGresult *res = db_exec(q, DB_PARAMS(kind, field, value));
	return one_item(res, st);
}

json_t *
db_pub_get_for_update(const char *kind, long long id, enum status *st)
{
	static const char q[] = "SELECT " PUB_COLUMNS " FROM publications WHERE kind = $1"
				" AND id = $2 FOR UPDATE";
	char idb[24];
	PGresult *res = db_exec(q, DB_PARAMS(kind, LL(idb, id)));
	return one_item(res, st);
}

json_t *
db_pub_located(const char *kind, json_t *filter, const char *q, const long long *bbox_e6, int limit,
	       enum status *st)
{
	/* jsonb_typeof: only items whose both coordinates are numbers are placed on a map */
	static const char sql[] =
		"SELECT " PUB_COLUMNS " FROM publications"
		" WHERE kind = $1 AND status = 'published'"
		" AND jsonb_typeof(data -> 'lat_micro') = 'number'"
		" AND jsonb_typeof(data -> 'lon_micro') = 'number'"
		" AND ($2::jsonb IS NULL OR data @> $2::jsonb)"
		" AND ($3::text IS NULL OR search @@ (websearch_to_tsquery('arabic', $3) ||"
		"  websearch_to_tsquery('french', $3)))"
		" AND ($4::bigint IS NULL OR ((data ->> 'lon_micro')::bigint BETWEEN $4 AND $6"
		"  AND (data ->> 'lat_micro')::bigint BETWEEN $5 AND $7))"
		" ORDER BY published_at DESC, id DESC LIMIT $8";
	char b[4][24], lim[16];
	char *f = filter && json_object_size(filter) ? json_dumps(filter, JSON_COMPACT) : NULL;
	const char *params[] = {kind,
				f,
				q && *q ? q : NULL,
				bbox_e6 ? LL(b[0], bbox_e6[0]) : NULL,
				bbox_e6 ? LL(b[1], bbox_e6[1]) : NULL,
				bbox_e6 ? LL(b[2], bbox_e6[2]) : NULL,
				bbox_e6 ? LL(b[3], bbox_e6[3]) : NULL,
				LL(lim, limit)};
	PGresult *res = db_exec(sql, 8, params);
	free(f);
	*st = res ? STATUS_OK : STATUS_UNAVAILABLE;
	return res ? all_items(res) : NULL;
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
pub_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("kind", "published_at")
		" FROM publications WHERE status = 'published' GROUP BY kind"
		" UNION ALL SELECT " DB_FACT("kind || '.' || (data ->> 'status')", "published_at")
		" FROM publications WHERE status = 'published' AND data ? 'status' GROUP BY kind, data ->> 'status'";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
