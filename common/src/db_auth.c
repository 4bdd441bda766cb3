// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The SQL of accounts and sessions: constant text, values as parameters.
 */
#include "db_auth.h"

#include "common/check.h"
#include "common/db.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_TTL "12 hours" /* a staff session, from its sign-in */

enum status
db_account_add(const char *username, const char *password_hash, const char *role)
{
	int rc = db_command(
		"INSERT INTO accounts (username, password_hash, role) VALUES ($1, $2, $3)",
		DB_PARAMS(username, password_hash, role));
	if (rc < 0)
		return db_is_unique_violation() ? STATUS_CONFLICT : STATUS_UNAVAILABLE;
	return STATUS_OK;
}

int
db_account_for_login(const char *username, long long *id, char **password_hash)
{
	static const char q[] = "SELECT id, password_hash FROM accounts WHERE username = $1";
	PGresult *res = db_exec(q, DB_PARAMS(username));
	if (!res)
		return -1;
	int found = PQntuples(res) == 1;
	if (found) {
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*password_hash = xstrdup(PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return found;
}

int
db_session_open(long long account_id, const char *token_hash)
{
	static const char q[] = "INSERT INTO sessions (token_hash, account_id, expires_at)"
				" VALUES ($1::bytea, $2, now() + interval '" SESSION_TTL "')";
	char ids[24];
	return db_command(q, DB_PARAMS(token_hash, LL(ids, account_id))) < 0 ? -1 : 0;
}

struct user *
db_session_user(const char *token_hash, enum status *st)
{
	static const char q[] = "SELECT a.id, a.username, a.role FROM sessions s"
				" JOIN accounts a ON a.id = s.account_id"
				" WHERE s.token_hash = $1::bytea AND s.expires_at > now()";
	PGresult *res = db_exec(q, DB_PARAMS(token_hash));
	struct user *u = NULL;
	*st = res ? STATUS_OK : STATUS_UNAVAILABLE;
	if (res && PQntuples(res) == 1) {
		u = xcalloc(1, sizeof(*u));
		u->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		u->username = xstrdup(PQgetvalue(res, 0, 1));
		u->role = xstrdup(PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return u;
}

void
db_session_close(const char *token_hash)
{
	db_command("DELETE FROM sessions WHERE token_hash = $1::bytea OR expires_at < now()",
		   DB_PARAMS(token_hash));
}
