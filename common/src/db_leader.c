// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * SQL of the elected roles (leader.c: the advisory locks on their own connections and the
 * leader_roles table that shows who holds what) and of the periodic jobs' shared bookkeeping
 * (jobs.c: job_runs). Migration 0070.
 */
#include "db_leader.h"

#include "common/db.h"
#include "common/log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

PGconn *
db_leader_connect(const char *app_name, bool quiet)
{
	/*
	 * The lock must not outlive a holder cut off from the database, nor the holder keep acting
	 * once the server dropped it: the server probes an idle client every few seconds (its
	 * keepalives, set for this session) and drops it after about 11 s of silence, while the
	 * holder's own check (every second) fails after 5 s (tcp_user_timeout, statement_timeout)
	 * — the old holder stops before the lock is free for another. Over a Unix socket the
	 * kernel tells both ends at once.
	 */
	static const char *const keys[] = {"connect_timeout",
					   "application_name",
					   "keepalives",
					   "keepalives_idle",
					   "keepalives_interval",
					   "keepalives_count",
					   "tcp_user_timeout",
					   "options",
					   NULL};
	const char *const vals[] = {"3",
				    app_name,
				    "1",
				    "2",
				    "1",
				    "3",
				    "5000",
				    "-c statement_timeout=5000 -c tcp_keepalives_idle=5 "
				    "-c tcp_keepalives_interval=2 -c tcp_keepalives_count=3",
				    NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c));
		for (char *p = msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		if (quiet)
			log_debug("could not connect to the database for %s: %s", app_name, msg);
		else
			log_warn("could not connect to the database for %s: %s", app_name, msg);
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Run sql on c; the result when it succeeded (caller PQclear()s), NULL (logged) otherwise. */
static PGresult *
run(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c));
	msg[strcspn(msg, "\n")] = '\0';
	log_warn("elected role: query failed: %s", msg);
	PQclear(res);
	return NULL;
}

int
db_leader_try(PGconn *c, int64_t key)
{
	char k[24];
	snprintf(k, sizeof(k), "%" PRId64, key);
	PGresult *res = run(c, "SELECT pg_try_advisory_lock($1::bigint)", DB_PARAMS(k));
	if (!res)
		return -1;
	int got = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return got;
}

int
db_leader_note(PGconn *c, const char *role, int64_t key, const char *holder)
{
	char k[24];
	snprintf(k, sizeof(k), "%" PRId64, key);
	PGresult *res = run(c,
			    "INSERT INTO leader_roles (role, lock_key, holder, pid, since) "
			    "VALUES ($1, $2::bigint, $3, pg_backend_pid(), now()) "
			    "ON CONFLICT (role) DO UPDATE SET lock_key = EXCLUDED.lock_key, "
			    "holder = EXCLUDED.holder, pid = EXCLUDED.pid, since = EXCLUDED.since",
			    DB_PARAMS(role, k, holder));
	PQclear(res);
	return res ? 0 : -1;
}

int
db_leader_ping(PGconn *c, char err[256])
{
	PGresult *res = PQexec(c, "SELECT 1");
	bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok) {
		snprintf(err, 256, "%s", PQerrorMessage(c));
		for (char *p = err; *p; p++)
			if (*p == '\n')
				*p = ' ';
	}
	PQclear(res);
	return ok ? 0 : -1;
}

json_t *
db_leader_roles(void)
{
	/* an advisory lock on a bigint shows in pg_locks as classid (high half), objid (low
	 * half), objsubid 1, in the current database */
	static const char sql[] =
		"SELECT r.role, r.holder, to_char(r.since AT TIME ZONE 'UTC', "
		"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS since, EXISTS (SELECT 1 FROM pg_locks k "
		"WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 1 AND k.pid = r.pid "
		"AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
		"AND ((k.classid::bigint << 32) | k.objid::bigint) = r.lock_key) AS held "
		"FROM leader_roles r ORDER BY r.role";
	return db_row_objects(db_exec(sql, 0, NULL));
}

int
db_job_claim(const char *job, long interval_s, const char *holder, double *wait_s)
{
	/* the claim and, when the period is not over, how long until it is: one statement (the
	 * second SELECT sees the row as it was before the claim, so it answers only when the
	 * claim did not happen) */
	static const char sql[] =
		"WITH claim AS (INSERT INTO job_runs AS r (job, started_at, holder) "
		"VALUES ($1, now(), $3) ON CONFLICT (job) DO UPDATE SET started_at = now(), "
		"finished_at = NULL, runs = r.runs + 1, holder = $3, failed = false "
		"WHERE r.started_at <= now() - make_interval(secs => $2::bigint) RETURNING 1) "
		"SELECT true, 0::float8 FROM claim UNION ALL "
		"SELECT false, extract(epoch FROM started_at + make_interval(secs => $2::bigint) - "
		"now())::float8 FROM job_runs WHERE job = $1 AND NOT EXISTS (SELECT 1 FROM claim)";
	char s[24];
	snprintf(s, sizeof(s), "%ld", interval_s);
	PGresult *res = db_exec(sql, DB_PARAMS(job, s, holder));
	if (!res)
		return -1;
	int rc = 0;
	*wait_s = 0;
	if (PQntuples(res) == 1) {
		rc = PQgetvalue(res, 0, 0)[0] == 't';
		*wait_s = strtod(PQgetvalue(res, 0, 1), NULL);
	}
	PQclear(res);
	return rc;
}

int
db_job_done(const char *job, bool failed)
{
	return db_command("UPDATE job_runs SET finished_at = now(), failed = $2::boolean "
			  "WHERE job = $1",
			  DB_PARAMS(job, failed ? "true" : "false"));
}
