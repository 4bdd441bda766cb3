// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The arguments' SQL (table proposal_arguments, migration 0040): for and against a proposal,
 * with their helpful counts; hidden ones keep only the reason and the hash of what was shown.
 */
#include "db_proposal.h"

#include "common/check.h"
#include "common/db.h"

#include <stdlib.h>

#define ARGUMENT_COLUMNS                                                                           \
	"a.id, a.origin, a.origin_id, a.proposal_id, a.side, a.body, a.author_name, a.lang,"       \
	" a.helpful, a.visibility, a.hidden_reason, a.text_sha256,"                                \
	" to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"           \
	" AS created_at"

json_t *
db_argument_create(const char *origin, long long proposal_id, const char *side, const char *body,
		   const char *name, const char *lang, enum status *st)
{
	static const char q[] =
		"WITH n AS (SELECT nextval('proposal_arguments_id_seq') AS id)"
		" INSERT INTO proposal_arguments AS a (id, origin, origin_id, proposal_id, side,"
		" body, author_name, lang, created_at)"
		" SELECT n.id, $1, n.id, $2, $3, $4, $5, $6, now() FROM n"
		" WHERE NOT EXISTS (SELECT 1 FROM proposal_arguments d WHERE d.proposal_id = $2"
		"  AND d.body = $4 AND d.visibility = 'public')"
		" RETURNING " ARGUMENT_COLUMNS;
	char pid[24];
	return db_first_row(
		db_exec(q, DB_PARAMS(origin, LL(pid, proposal_id), side, body, name, lang)), st);
}

int
db_argument_mirror(const char *origin, long long origin_id, long long proposal_id, const char *side,
		   const char *body, const char *name, const char *lang, const char *at, bool own)
{
	static const char q_peer[] =
		"INSERT INTO proposal_arguments (origin, origin_id, proposal_id, side, body,"
		" author_name, lang, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
		" $8::timestamptz) ON CONFLICT (origin, origin_id) DO NOTHING";
	/* own arguments (restored) keep id = origin_id; the ids then move past them */
	static const char q_own[] =
		"INSERT INTO proposal_arguments (id, origin, origin_id, proposal_id, side, body,"
		" author_name, lang, created_at) VALUES ($2, $1, $2, $3, $4, $5, $6, $7,"
		" $8::timestamptz) ON CONFLICT DO NOTHING";
	char oid[24], pid[24];
	int c = db_changed_rows(db_exec(own ? q_own : q_peer,
					DB_PARAMS(origin, LL(oid, origin_id), LL(pid, proposal_id),
						  side, body, name, lang, at)));
	if (c >= 0 && own && db_ids_past("proposal_arguments") < 0)
		return -1;
	return c;
}

json_t *
db_argument_list(long long proposal_id)
{
	static const char q[] = "SELECT " ARGUMENT_COLUMNS " FROM proposal_arguments a"
				" WHERE a.proposal_id = $1"
				" ORDER BY a.visibility = 'hidden', a.helpful DESC, a.id LIMIT 200";
	char pid[24];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(pid, proposal_id))));
}

json_t *
db_argument_get(long long id, enum status *st)
{
	static const char q[] =
		"SELECT " ARGUMENT_COLUMNS ", p.ref, p.visibility AS proposal_visibility"
		" FROM proposal_arguments a JOIN proposals p ON p.id = a.proposal_id"
		" WHERE a.id = $1";
	char ids[24];
	return db_first_row(db_exec(q, DB_PARAMS(LL(ids, id))), st);
}

long long
db_argument_helpful(long long id)
{
	static const char q[] = "UPDATE proposal_arguments SET helpful = helpful + 1"
				" WHERE id = $1 AND visibility = 'public' RETURNING helpful";
	char ids[24];
	return db_first_number(db_exec(q, DB_PARAMS(LL(ids, id))));
}

json_t *
db_argument_hide(long long id, const char *reason, enum status *st)
{
	static const char q[] =
		"UPDATE proposal_arguments a SET visibility = 'hidden', hidden_reason = $2,"
		" text_sha256 = encode(sha256(convert_to(a.body || E'\\n' || a.author_name,"
		"  'UTF8')), 'hex'), body = '', author_name = ''"
		" WHERE id = $1 AND visibility <> 'hidden' RETURNING " ARGUMENT_COLUMNS;
	char ids[24];
	json_t *r = db_first_row(db_exec(q, DB_PARAMS(LL(ids, id), reason)), st);
	if (!r && *st == STATUS_NOT_FOUND)
		*st = STATUS_CONFLICT;
	return r;
}

int
db_argument_mirror_hide(const char *origin, long long origin_id, const char *reason,
			const char *sha)
{
	static const char q[] =
		"UPDATE proposal_arguments SET visibility = 'hidden', hidden_reason = $3,"
		" text_sha256 = $4, body = '', author_name = ''"
		" WHERE origin = $1 AND origin_id = $2 AND visibility <> 'hidden'";
	char oid[24];
	return db_changed_rows(db_exec(q, DB_PARAMS(origin, LL(oid, origin_id), reason, sha)));
}
