// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The budget lines' SQL: lines of a budget document, totals by year.
 */

#include "db_budget.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
