// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DB_LEADER_H
#define COMMON_DB_LEADER_H

/* The SQL of elected roles and the jobs' bookkeeping (migration 0070), for leader.c and jobs.c
 * only. The db_leader_* functions run on the role's own connection c. */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/* A connection of its own for an elected role (application_name app_name), with short
 * keepalives and timeouts so a lost peer is noticed on both ends; NULL on failure (logged as a
 * warning, or at debug level when quiet: the same failure again a second later). */
PGconn *db_leader_connect(const char *app_name, bool quiet);

/* pg_try_advisory_lock(key) on c: 1 taken, 0 held by another session, -1 failure. */
int db_leader_try(PGconn *c, int64_t key);

/* Record on c that holder took role (its key, c's backend pid, now): 0 or -1. */
int db_leader_note(PGconn *c, const char *role, int64_t key, const char *holder);

/* A round trip on c: 0 when it answered, -1 (the reason in err, 256 bytes) when not. */
int db_leader_ping(PGconn *c, char err[256]);

/* leader_roles(): on the thread's connection. */
json_t *db_leader_roles(void);

/*
 * Claim job's period for holder: 1 when it had not started within the last interval_s seconds
 * (or never) and is recorded as started now (runs + 1), 0 when it is not due, with *wait_s the
 * seconds until it is, -1 failure. Atomic: two claims of one period cannot both succeed.
 */
int db_job_claim(const char *job, long interval_s, const char *holder, double *wait_s);

/* Record that job's claimed run finished (failed or not). */
int db_job_done(const char *job, bool failed);

#endif
