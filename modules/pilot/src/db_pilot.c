// SPDX-License-Identifier: AGPL-3.0-or-later
/* All the pilot module's SQL. */
#include "db_pilot.h"

#include "common/db.h"

#include <stdio.h>
#include <stdlib.h>

int
db_pilot_response_add(const char *lang, const json_t *answers)
{
	long long id = db_first_number(db_exec(
		"INSERT INTO pilot_responses (lang) VALUES ($1) RETURNING id", DB_PARAMS(lang)));
	if (id < 0)
		return -1;
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", id);
	char *text = json_dumps(answers, JSON_COMPACT);
	int rc = db_command("INSERT INTO pilot_answers (response_id, question, value)"
			    " SELECT $1, key, value::int FROM jsonb_each_text($2::jsonb)",
			    DB_PARAMS(ids, text));
	free(text);
	return rc;
}

json_t *
db_pilot_survey(void)
{
	long long n = db_first_number(db_exec("SELECT count(*) FROM pilot_responses", 0, NULL));
	json_t *rows =
		n < 0 ? NULL
		      : db_row_objects(db_exec("SELECT question, value, count(*)::int AS n"
					       " FROM pilot_answers GROUP BY question, value",
					       0, NULL));
	return rows ? json_pack("{s:I, s:o}", "responses", (json_int_t)n, "rows", rows) : NULL;
}

int
db_pilot_signature_add(const char *origin, const char *from, const char *to, const char *digest,
		       const json_t *figures, const json_t *conclusion, const json_t *declared,
		       const char *signed_at)
{
	char *f = json_dumps(figures, JSON_COMPACT), *c = json_dumps(conclusion, JSON_COMPACT);
	char *d = json_dumps(declared, JSON_COMPACT);
	int rc = db_command("INSERT INTO pilot_signatures (origin, period_from, period_to, digest,"
			    " figures, conclusion, declared, signed_at)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			    DB_PARAMS(origin, from, to, digest, f, c, d, signed_at));
	free(f);
	free(c);
	free(d);
	return rc;
}

json_t *
db_pilot_signatures(const char *from)
{
	json_t *rows = db_row_objects(
		db_exec("SELECT DISTINCT ON (origin) origin, digest, figures, conclusion, declared,"
			" to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
			"AS signed_at"
			" FROM pilot_signatures WHERE period_from = $1 ORDER BY origin, signed_at "
			"DESC, id DESC",
			DB_PARAMS(from)));
	if (!rows)
		return NULL;
	json_t *out = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		json_object_set(out, json_string_value(json_object_get(r, "origin")), r);
	json_decref(rows);
	return out;
}
