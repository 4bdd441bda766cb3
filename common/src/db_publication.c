// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Publication storage: the SQL for items of every kind, their versions (history), budget lines
 * and the accountability figures.
 */
#include "common/db_publication.h"

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

#define LL(buf, v) (snprintf((buf), sizeof(buf), "%lld", (long long)(v)), (buf))

static json_t *
text_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

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
			 "unpublish_reason", text_or_null(res, row, 7), "published_at",
			 text_or_null(res, row, 8), "updated_at", text_or_null(res, row, 9));
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
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *item = PQntuples(res) ? pub_row(res, 0) : NULL;
	*st = item ? STATUS_OK : STATUS_NOT_FOUND;
	PQclear(res);
	return item;
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
	if (!res)
		return NULL;
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(items, pub_row(res, i));
	PQclear(res);
	return items;
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
		json_array_append_new(
			a, json_pack("{s:i, s:s, s:o, s:o, s:s}", "version",
				     atoi(PQgetvalue(res, i, 0)), "status", PQgetvalue(res, i, 1),
				     "data", data ? data : json_object(), "unpublish_reason",
				     text_or_null(res, i, 3), "changed_at", PQgetvalue(res, i, 4)));
	}
	PQclear(res);
	return a;
}

enum status
db_pub_mirror(const char *origin, const char *kind, long long origin_id, int version,
	      const char *status, json_t *data, const char *reason, const char *published_at)
{
	static const char q[] =
		"INSERT INTO publications (origin, origin_id, kind, version, status, data,"
		" unpublish_reason, published_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7,"
		" $8::timestamptz) ON CONFLICT (origin, kind, origin_id) DO UPDATE SET"
		" version = EXCLUDED.version, status = EXCLUDED.status, data = EXCLUDED.data,"
		" unpublish_reason = EXCLUDED.unpublish_reason,"
		" published_at = EXCLUDED.published_at,"
		" updated_at = now() RETURNING id";
	char *d = json_dumps(data, JSON_COMPACT);
	char oid[24], ver[16];
	PGresult *res = db_exec(q, DB_PARAMS(origin, LL(oid, origin_id), kind, LL(ver, version),
					     status, d, reason, published_at));
	free(d);
	if (!res)
		return STATUS_UNAVAILABLE;
	long long id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	char idb[24];
	return db_command(q_version, DB_PARAMS(LL(idb, id))) == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
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
db_budget_lines(long long pub_id)
{
	char idb[24];
	PGresult *res = db_exec("SELECT section, chapter, article, label, planned, executed"
				" FROM budget_lines WHERE publication_id = $1 ORDER BY line_no",
				DB_PARAMS(LL(idb, pub_id)));
	if (!res)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(
			a,
			json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "section",
				  PQgetvalue(res, i, 0), "chapter", PQgetvalue(res, i, 1),
				  "article", PQgetvalue(res, i, 2), "label", PQgetvalue(res, i, 3),
				  "planned", (json_int_t)strtoll(PQgetvalue(res, i, 4), NULL, 10),
				  "executed",
				  (json_int_t)strtoll(PQgetvalue(res, i, 5), NULL, 10)));
	PQclear(res);
	return a;
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

/* ---- deliberation files (page_council.c) ---- */

static json_t *
file_row(PGresult *res, int row)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:b, s:s}", "id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10), "publication_id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 1), NULL, 10), "name",
			 PQgetvalue(res, row, 2), "content_type", PQgetvalue(res, row, 3), "size",
			 (json_int_t)strtoll(PQgetvalue(res, row, 4), NULL, 10), "sha256",
			 PQgetvalue(res, row, 5), "is_local",
			 strcmp(PQgetvalue(res, row, 6), "t") == 0, "created_at",
			 PQgetvalue(res, row, 7));
}

#define FILE_COLUMNS                                                                               \
	"f.id, f.publication_id, f.name, f.content_type, f.size, f.sha256, f.data IS NOT NULL,"    \
	" to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

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

long long
db_pub_file_add(long long pub_id, const char *name, const char *content_type, const void *data,
		size_t len, const char *sha256)
{
	static const char q[] =
		"INSERT INTO publication_files (publication_id, name, content_type, size, sha256,"
		" data) VALUES ($1, $2, $3, $4, $5, decode($6, 'hex')) RETURNING id";
	static const char hex[] = "0123456789abcdef";
	char *h = xmalloc(2 * len + 1);
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h[2 * i] = hex[p[i] >> 4];
		h[2 * i + 1] = hex[p[i] & 15];
	}
	h[2 * len] = '\0';
	char idb[24], sz[24];
	PGresult *res =
		db_exec(q, DB_PARAMS(LL(idb, pub_id), name, content_type, LL(sz, len), sha256, h));
	free(h);
	long long id = res ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return id;
}

enum status
db_pub_file_mirror(long long file_id, long long pub_id, const char *name, const char *content_type,
		   long long size, const char *sha256)
{
	static const char q[] =
		"INSERT INTO publication_files (id, publication_id, name, content_type,"
		" size, sha256) VALUES ($1, $2, $3, $4, $5, $6)"
		" ON CONFLICT (id) DO NOTHING RETURNING id";
	static const char same[] =
		"SELECT 1 FROM publication_files WHERE id = $1 AND publication_id = $2"
		" AND name = $3 AND content_type = $4 AND size = $5 AND sha256 = $6"
		" AND data IS NULL";
	char fid[24], pid[24], sz[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(fid, file_id), LL(pid, pub_id), name, content_type,
					     LL(sz, size), sha256));
	if (!res)
		return STATUS_UNAVAILABLE;
	bool inserted = PQntuples(res) == 1;
	PQclear(res);
	if (inserted)
		return STATUS_OK;
	/* the id is taken: the same file again is fine, anything else is not ours to overwrite */
	res = db_exec(same, DB_PARAMS(fid, pid, name, content_type, sz, sha256));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = PQntuples(res) == 1 ? STATUS_OK : STATUS_CONFLICT;
	PQclear(res);
	if (st != STATUS_OK)
		log_warn("mirrored file %lld clashes with a different file of that id", file_id);
	return st;
}

json_t *
db_pub_files(long long pub_id)
{
	static const char q[] = "SELECT " FILE_COLUMNS " FROM publication_files f"
				" WHERE f.publication_id = $1 ORDER BY f.id";
	char idb[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(idb, pub_id)));
	if (!res)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(a, file_row(res, i));
	PQclear(res);
	return a;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

json_t *
db_pub_file_get(long long pub_id, long long file_id, char **data, size_t *len, enum status *st)
{
	static const char q[] = "SELECT " FILE_COLUMNS ", CASE WHEN $3 THEN encode(f.data, 'hex')"
				" END FROM publication_files f WHERE f.id = $1"
				" AND f.publication_id = $2";
	char fid[24], pid[24];
	if (data)
		*data = NULL;
	if (len)
		*len = 0;
	PGresult *res = db_exec(q, DB_PARAMS(LL(fid, file_id), LL(pid, pub_id), data ? "t" : "f"));
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		*st = STATUS_NOT_FOUND;
		return NULL;
	}
	json_t *f = file_row(res, 0);
	if (data && !PQgetisnull(res, 0, 8)) {
		const char *h = PQgetvalue(res, 0, 8);
		size_t n = (size_t)PQgetlength(res, 0, 8) / 2;
		char *out = xmalloc(n + 1);
		for (size_t i = 0; i < n; i++)
			out[i] = (char)(hex_value(h[2 * i]) << 4 | hex_value(h[2 * i + 1]));
		out[n] = '\0';
		*data = out;
		*len = n;
	}
	PQclear(res);
	*st = STATUS_OK;
	return f;
}

/* ---- residents' reactions and the public moderation log (page_reaction.c) ---- */

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
		PQgetvalue(res, row, 8), "hidden_reason", text_or_null(res, row, 9),
		"comment_sha256", text_or_null(res, row, 10), "created_at",
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
		   const char *display_name, const char *created_at)
{
	/* only about an item held here; a copy that exists already stays as it is (it may have
	 * been hidden since) */
	static const char q[] =
		"WITH t AS (SELECT 1 FROM publications WHERE origin = $3 AND kind = $4"
		"  AND origin_id = $5 AND status <> 'draft'),"
		" i AS (INSERT INTO reactions (origin, origin_id, target_origin, target_kind,"
		"  target_id, stance, comment, display_name, created_at) SELECT $1, $2, $3, $4, $5,"
		"  $6, $7, $8, $9::timestamptz FROM t ON CONFLICT (origin, origin_id) DO NOTHING"
		"  RETURNING 1)"
		" SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM i)";
	char oid[24], tid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, LL(oid, origin_id), target_origin, kind,
					     LL(tid, target_id), stance, comment, display_name,
					     created_at));
	if (!res)
		return STATUS_UNAVAILABLE;
	bool found = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	PQclear(res);
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

#define MODERATION_COLUMNS                                                                         \
	"m.id, m.origin, m.origin_id, m.action, m.target, m.reason, m.comment_sha256,"             \
	" to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

static json_t *
moderation_row(PGresult *res, int row)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:s}", "id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10), "origin",
			 PQgetvalue(res, row, 1), "origin_id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 2), NULL, 10), "action",
			 PQgetvalue(res, row, 3), "target", PQgetvalue(res, row, 4), "reason",
			 PQgetvalue(res, row, 5), "comment_sha256", text_or_null(res, row, 6),
			 "created_at", PQgetvalue(res, row, 7));
}

json_t *
db_moderation_add(const char *origin, long long origin_id, const char *action, const char *target,
		  const char *reason, const char *comment_sha256, const char *created_at,
		  enum status *st)
{
	/* an own action takes its id as origin_id; a mirrored one keeps the origin's id and date */
	static const char q[] =
		"WITH n AS (SELECT nextval('moderation_log_id_seq') AS id)"
		" INSERT INTO moderation_log AS m (id, origin, origin_id, action, target, reason,"
		" comment_sha256, created_at)"
		" SELECT n.id, $1, coalesce($2::bigint, n.id), $3, $4, $5, $6,"
		"  coalesce($7::timestamptz, now()) FROM n"
		" ON CONFLICT (origin, origin_id) DO NOTHING RETURNING " MODERATION_COLUMNS;
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, origin_id > 0 ? LL(oid, origin_id) : NULL,
					     action, target, reason, comment_sha256, created_at));
	json_t *row = res && PQntuples(res) ? moderation_row(res, 0) : NULL;
	*st = !res ? STATUS_UNAVAILABLE : row ? STATUS_OK : STATUS_CONFLICT;
	PQclear(res);
	return row;
}

json_t *
db_moderation_list(long long before_id, int limit)
{
	/* each entry with the reaction it is about and that reaction's item, when known here */
	static const char q[] =
		"SELECT " MODERATION_COLUMNS ", r.target_kind, r.target_id, p.id,"
		" (p.data -> 'title')::text FROM moderation_log m"
		" LEFT JOIN reactions r"
		"  ON r.origin = m.origin AND m.target = 'reaction/' || r.origin_id"
		" LEFT JOIN publications p ON p.origin = r.target_origin AND p.kind = r.target_kind"
		" AND p.origin_id = r.target_id"
		" WHERE ($1::bigint IS NULL OR m.id < $1) ORDER BY m.id DESC LIMIT $2";
	char bid[24], lim[16];
	PGresult *res = db_exec(
		q, DB_PARAMS(before_id > 0 ? LL(bid, before_id) : NULL, LL(lim, limit + 1)));
	if (!res)
		return NULL;
	json_t *items = json_array();
	int n = PQntuples(res);
	for (int i = 0; i < n && i < limit; i++) {
		json_t *m = moderation_row(res, i);
		if (!PQgetisnull(res, i, 8)) {
			json_t *title = PQgetisnull(res, i, 11) ? NULL
								: json_loads(PQgetvalue(res, i, 11),
									     JSON_DECODE_ANY, NULL);
			json_object_set_new(
				m, "item",
				json_pack("{s:s, s:I, s:o, s:o}", "kind", PQgetvalue(res, i, 8),
					  "origin_id",
					  (json_int_t)strtoll(PQgetvalue(res, i, 9), NULL, 10),
					  "id",
					  PQgetisnull(res, i, 10)
						  ? json_null()
						  : json_integer(strtoll(PQgetvalue(res, i, 10),
									 NULL, 10)),
					  "title", title ? title : json_null()));
		}
		json_array_append_new(items, m);
	}
	json_t *next = n > limit ? json_integer(strtoll(PQgetvalue(res, limit - 1, 0), NULL, 10))
				 : json_null();
	PQclear(res);
	return json_pack("{s:o, s:o}", "items", items, "next", next);
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

json_t *
db_pub_get_for_update(const char *kind, long long id, enum status *st)
{
	static const char q[] = "SELECT " PUB_COLUMNS " FROM publications WHERE kind = $1"
				" AND id = $2 FOR UPDATE";
	char idb[24];
	PGresult *res = db_exec(q, DB_PARAMS(kind, LL(idb, id)));
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *item = PQntuples(res) ? pub_row(res, 0) : NULL;
	*st = item ? STATUS_OK : STATUS_NOT_FOUND;
	PQclear(res);
	return item;
}

int
db_budget_lines_append(long long pub_id, long long first_line_no, json_t *lines)
{
	static const char q[] =
		"INSERT INTO budget_lines (publication_id, line_no, section, chapter, article,"
		"  label, planned, executed)"
		" SELECT $1, $2::integer + e.ord - 1, e.v ->> 'section',"
		"  e.v ->> 'chapter', e.v ->> 'article', e.v ->> 'label',"
		"  (e.v ->> 'planned')::bigint,"
		" (e.v ->> 'executed')::bigint FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY"
		" AS e(v, ord)";
	char idb[24], first[24];
	char *l = json_dumps(lines, JSON_COMPACT);
	int rc = db_command(q, DB_PARAMS(LL(idb, pub_id), LL(first, first_line_no), l));
	free(l);
	return rc;
}

int
db_budget_lines_set(long long pub_id, json_t *lines)
{
	/* two statements: a DELETE in a WITH runs after the INSERT that would reuse its keys */
	char idb[24];
	if (db_command("DELETE FROM budget_lines WHERE publication_id = $1",
		       DB_PARAMS(LL(idb, pub_id))) < 0)
		return -1;
	return json_array_size(lines) ? db_budget_lines_append(pub_id, 1, lines) : 0;
}

long long
db_budget_lines_count(long long pub_id)
{
	char idb[24];
	PGresult *res = db_exec("SELECT count(*) FROM budget_lines WHERE publication_id = $1",
				DB_PARAMS(LL(idb, pub_id)));
	long long n = res ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return n;
}

json_t *
db_budget_year_totals(const char *origin, const char *type, int max_year, int limit)
{
	static const char q[] =
		"SELECT p.id, (p.data ->> 'year')::int, coalesce(sum(l.planned), 0),"
		" coalesce(sum(l.executed), 0), count(l.line_no) FROM publications p"
		" LEFT JOIN budget_lines l ON l.publication_id = p.id"
		" WHERE p.kind = 'budget' AND p.status = 'published' AND p.origin = $1"
		" AND p.data ->> 'type' = $2 AND (p.data ->> 'year')::int <= $3"
		" GROUP BY p.id ORDER BY 2 DESC, 1 DESC LIMIT $4";
	char year[16], lim[16];
	PGresult *res = db_exec(q, DB_PARAMS(origin, type, LL(year, max_year), LL(lim, limit)));
	if (!res)
		return NULL;
	json_t *a = json_array();
	for (int i = PQntuples(res) - 1; i >= 0; i--)
		json_array_append_new(
			a,
			json_pack("{s:I, s:i, s:I, s:I, s:I}", "id",
				  (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10), "year",
				  atoi(PQgetvalue(res, i, 1)), "planned",
				  (json_int_t)strtoll(PQgetvalue(res, i, 2), NULL, 10), "executed",
				  (json_int_t)strtoll(PQgetvalue(res, i, 3), NULL, 10), "lines",
				  (json_int_t)strtoll(PQgetvalue(res, i, 4), NULL, 10)));
	PQclear(res);
	return a;
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
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(items, pub_row(res, i));
	PQclear(res);
	*st = STATUS_OK;
	return items;
}
