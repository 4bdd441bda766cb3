// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * News storage: the SQL for listing (keyset pagination), reading and writing news items.
 */
#include "news/db_news.h"
#include "internal.h"

#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NEWS_COLUMNS                                                                               \
	"id, origin, origin_id, title::text, body::text, status, unpublish_reason,"                \
	" to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"          \
	" to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"                                 \
	" to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"            \
	" (extract(epoch from published_at) * 1000000)::bigint"

static json_t *
news_row(PGresult *res, int row)
{
	json_t *title = json_loads(PQgetvalue(res, row, 3), 0, NULL);
	json_t *body = json_loads(PQgetvalue(res, row, 4), 0, NULL);
	return json_pack("{s:I, s:s, s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10), "origin",
			 PQgetvalue(res, row, 1), "origin_id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 2), NULL, 10), "title",
			 title ? title : json_object(), "body", body ? body : json_object(),
			 "status", PQgetvalue(res, row, 5), "unpublish_reason",
			 db_text_or_null(res, row, 6), "published_at", db_text_or_null(res, row, 7),
			 "published_date", db_text_or_null(res, row, 8), "updated_at",
			 db_text_or_null(res, row, 9));
}

json_t *
db_news_list_published(const char *origin, const char *cursor, int limit, enum status *st)
{
	static const char q[] =
		"SELECT " NEWS_COLUMNS " FROM news WHERE status = 'published'"
		" AND ($1::text IS NULL OR origin = $1)"
		" AND ($2::bigint IS NULL OR (published_at, id) <"
		"  ('epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3::bigint))"
		" ORDER BY published_at DESC, id DESC LIMIT $4";
	char us[32] = "", idb[32] = "", lim[16];
	*st = STATUS_OK;
	if (cursor) {
		/* cursor = "<published_at in µs since 1970>-<id>", digits only, before year 10000
		 */
		char *end;
		long long t = -1, id = -1;
		if (cursor[0] >= '1' && cursor[0] <= '9') {
			errno = 0;
			t = strtoll(cursor, &end, 10);
			if (*end == '-' && end[1] >= '1' && end[1] <= '9')
				id = strtoll(end + 1, &end, 10);
			else
				id = -1;
		}
		if (errno == ERANGE || id <= 0 || *end || t <= 0 || t > 253402300799000000LL) {
			*st = STATUS_INVALID;
			return NULL;
		}
		snprintf(us, sizeof(us), "%lld", t);
		snprintf(idb, sizeof(idb), "%lld", id);
	}
	snprintf(lim, sizeof(lim), "%d", limit + 1);
	PGresult *res = db_exec(q, DB_PARAMS(origin, cursor ? us : NULL, cursor ? idb : NULL, lim));
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *items = json_array();
	int n = PQntuples(res);
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(items, news_row(res, i));
	json_t *next = json_null();
	if (n > limit)
		next = json_sprintf("%s-%s", PQgetvalue(res, limit - 1, 10),
				    PQgetvalue(res, limit - 1, 0));
	PQclear(res);
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

json_t *
db_news_get(long long id, bool include_unpublished, enum status *st)
{
	static const char q[] = "SELECT " NEWS_COLUMNS " FROM news WHERE id = $1"
				" AND ($2 OR status <> 'draft')";
	char idb[32];
	snprintf(idb, sizeof(idb), "%lld", id);
	PGresult *res = db_exec(q, DB_PARAMS(idb, include_unpublished ? "t" : "f"));
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *item = PQntuples(res) ? news_row(res, 0) : NULL;
	*st = item ? STATUS_OK : STATUS_NOT_FOUND;
	PQclear(res);
	return item;
}

json_t *
db_news_list_own(const char *origin, int limit)
{
	static const char q[] = "SELECT " NEWS_COLUMNS " FROM news WHERE origin = $1"
				" ORDER BY updated_at DESC, id DESC LIMIT $2";
	char lim[16];
	snprintf(lim, sizeof(lim), "%d", limit);
	PGresult *res = db_exec(q, DB_PARAMS(origin, lim));
	if (!res)
		return NULL;
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(items, news_row(res, i));
	PQclear(res);
	return items;
}

long long
db_news_find_own(const char *origin, const json_t *title)
{
	static const char q[] = "SELECT id FROM news WHERE origin = $1 AND title = $2::jsonb"
				" ORDER BY id LIMIT 1";
	char *t = json_dumps(title, JSON_COMPACT | JSON_ENCODE_ANY);
	PGresult *res = db_exec(q, DB_PARAMS(origin, t));
	free(t);
	if (!res)
		return -1;
	long long id = PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return id;
}

long long
db_news_create(const char *origin, long long author_id, const json_t *title, const json_t *body,
	       bool publish)
{
	static const char q[] =
		"WITH n AS (SELECT nextval('news_id_seq') AS id)"
		" INSERT INTO news (id, origin, origin_id, title, body, status, published_at,"
		"  author_id)"
		" SELECT n.id, $1, n.id, $2::jsonb, $3::jsonb, CASE WHEN $4 THEN 'published'"
		"  ELSE 'draft' END, CASE WHEN $4 THEN now() END, $5 FROM n RETURNING id";
	char *t = json_dumps(title, JSON_COMPACT), *b = json_dumps(body, JSON_COMPACT);
	char author[32];
	snprintf(author, sizeof(author), "%lld", author_id);
	PGresult *res = db_exec(
		q, DB_PARAMS(origin, t, b, publish ? "t" : "f", author_id > 0 ? author : NULL));
	free(t);
	free(b);
	long long id = res ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return id;
}

enum status
db_news_update(const char *origin, long long id, const json_t *title, const json_t *body)
{
	static const char q[] = "UPDATE news SET title = $3::jsonb, body = $4::jsonb,"
				" updated_at = now() WHERE origin = $1 AND id = $2";
	char *t = json_dumps(title, JSON_COMPACT), *b = json_dumps(body, JSON_COMPACT);
	char idb[32];
	snprintf(idb, sizeof(idb), "%lld", id);
	PGresult *res = db_exec(q, DB_PARAMS(origin, idb, t, b));
	free(t);
	free(b);
	enum status st = !res ? STATUS_UNAVAILABLE
			      : (strcmp(PQcmdTuples(res), "1") == 0 ? STATUS_OK : STATUS_NOT_FOUND);
	PQclear(res);
	return st;
}

enum status
db_news_set_status(const char *origin, long long id, bool publish, const char *reason)
{
	static const char q[] =
		"UPDATE news SET status = CASE WHEN $3 THEN 'published' ELSE 'unpublished' END,"
		" unpublish_reason = CASE WHEN $3 THEN NULL ELSE $4 END,"
		" published_at = CASE WHEN $3 THEN coalesce(published_at, now())"
		"  ELSE published_at END,"
		" updated_at = now() WHERE origin = $1 AND id = $2"
		" AND (status = 'published') = NOT $3::boolean";
	char idb[32];
	snprintf(idb, sizeof(idb), "%lld", id);
	PGresult *res = db_exec(q, DB_PARAMS(origin, idb, publish ? "t" : "f", reason));
	enum status st = !res ? STATUS_UNAVAILABLE
			      : (strcmp(PQcmdTuples(res), "1") == 0 ? STATUS_OK : STATUS_CONFLICT);
	PQclear(res);
	return st;
}

#define NEWS_UPSERT_TAIL                                                                           \
	" ON CONFLICT (origin, origin_id) DO UPDATE SET title = EXCLUDED.title,"                   \
	" body = EXCLUDED.body, status = EXCLUDED.status, published_at ="                          \
	" EXCLUDED.published_at, unpublish_reason = EXCLUDED.unpublish_reason,"                    \
	" updated_at = now()"

enum status
db_news_mirror_upsert(const char *origin, long long origin_id, const json_t *title,
		      const json_t *body, const char *status, const char *published_at,
		      const char *reason, bool own)
{
	/* own items (restored) keep id = origin_id, their addresses; the ids then move past them */
	static const char q_peer[] =
		"INSERT INTO news (origin, origin_id, title, body, status, published_at,"
		" unpublish_reason) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6::timestamptz, "
		"$7)" NEWS_UPSERT_TAIL;
	static const char q_own[] =
		"INSERT INTO news (id, origin, origin_id, title, body, status, published_at,"
		" unpublish_reason) VALUES ($2, $1, $2, $3::jsonb, $4::jsonb, $5,"
		" $6::timestamptz, $7)" NEWS_UPSERT_TAIL;
	char *t = json_dumps(title, JSON_COMPACT), *b = json_dumps(body, JSON_COMPACT);
	char idb[32];
	snprintf(idb, sizeof(idb), "%lld", origin_id);
	int rc = db_command(own ? q_own : q_peer,
			    DB_PARAMS(origin, idb, t, b, status, published_at, reason));
	free(t);
	free(b);
	if (rc == 0 && own)
		rc = db_ids_past("news");
	return rc == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
news_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("'news.' || origin", "published_at")
		" FROM news WHERE status = 'published' GROUP BY origin";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
