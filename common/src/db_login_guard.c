// SPDX-License-Identifier: AGPL-3.0-or-later
/* The SQL of the per-account sign-in count (db_login_guard.h): constant text, values as
 * parameters, bytes as "\\x" hex. */
#include "db_login_guard.h"

#include "common/check.h"
#include "common/db.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW "interval '15 minutes'"

static void
key_hex(const unsigned char key[32], char out[2 * 32 + 3])
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "\\x");
	strbuf_addhex(&sb, key, 32);
	memcpy(out, sb.buf, sb.len + 1);
	strbuf_release(&sb);
}

int
db_login_salt(long day, const unsigned char fresh[32], unsigned char salt[32])
{
	/* a replica that loses the race inserts nothing; its select (a later statement) sees the
	 * winner's row */
	static const char ins[] =
		"WITH old AS (DELETE FROM login_guard_salts WHERE day < date '1970-01-01' + "
		"$1::integer"
		" - 1) INSERT INTO login_guard_salts (day, salt) VALUES (date '1970-01-01' + "
		"$1::integer, $2::bytea) ON CONFLICT (day) DO NOTHING";
	static const char sel[] = "SELECT encode(salt, 'hex') FROM login_guard_salts"
				  " WHERE day = date '1970-01-01' + $1::integer";
	char d[24], f[2 * 32 + 3];
	snprintf(d, sizeof(d), "%ld", day);
	key_hex(fresh, f);
	if (db_command(ins, DB_PARAMS(d, f)) < 0)
		return -1;
	PGresult *res = db_exec(sel, DB_PARAMS(d));
	if (!res || PQntuples(res) != 1) {
		PQclear(res);
		return -1;
	}
	size_t len = 0;
	char *b = db_hex_bytes(PQgetvalue(res, 0, 0), &len);
	PQclear(res);
	int rc = len == 32 ? 0 : -1;
	if (rc == 0)
		memcpy(salt, b, 32);
	free(b);
	return rc;
}

int
db_login_account_take(const unsigned char key[32], bool guarded, long max, int *retry_after_s)
{
	/*
	 * One statement: a window over starts again at 1; within it the count grows unless the
	 * account is guarded here and full. Rows of windows over for an hour go.
	 */
	static const char q[] =
		"WITH cur AS (SELECT window_start FROM login_account_failures WHERE account_key = "
		"$1::bytea),"
		" up AS (INSERT INTO login_account_failures AS f (account_key, window_start, "
		"failures)"
		" VALUES ($1::bytea, now(), 1) ON CONFLICT (account_key) DO UPDATE SET"
		" failures = CASE WHEN f.window_start <= now() - " WINDOW " THEN 1"
		" ELSE f.failures + 1 END,"
		" window_start = CASE WHEN f.window_start <= now() - " WINDOW " THEN now()"
		" ELSE f.window_start END"
		" WHERE NOT $2::boolean OR f.window_start <= now() - " WINDOW
		" OR f.failures < $3::integer RETURNING failures),"
		" old AS (DELETE FROM login_account_failures"
		" WHERE window_start < now() - interval '75 minutes')"
		" SELECT (SELECT count(*) FROM up),"
		" coalesce((SELECT ceil(extract(epoch FROM window_start + " WINDOW
		" - now()))::integer FROM cur), 1)";
	char k[2 * 32 + 3], m[24];
	key_hex(key, k);
	PGresult *res = db_exec(q, DB_PARAMS(k, guarded ? "t" : "f", LL(m, max)));
	if (!res)
		return -1;
	int taken = atoi(PQgetvalue(res, 0, 0)) > 0;
	int left = atoi(PQgetvalue(res, 0, 1));
	*retry_after_s = left > 0 ? left : 1;
	PQclear(res);
	return taken;
}

void
db_login_account_give_back(const unsigned char key[32])
{
	char k[2 * 32 + 3];
	key_hex(key, k);
	db_command("UPDATE login_account_failures SET failures = failures - 1"
		   " WHERE account_key = $1::bytea AND failures > 0",
		   DB_PARAMS(k));
}
