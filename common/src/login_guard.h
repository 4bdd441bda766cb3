// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_LOGIN_GUARD_H
#define COMMON_LOGIN_GUARD_H

/*
 * Sign-in throttling that slows an attacker without letting anyone lock the staff out (for
 * site.c and limits.c only). Three counts of failed sign-ins, keyed: the first two in this
 * process's memory (client.h; the proxy sends each client to one replica), the third in the
 * database, shared by every replica (migration 0075, under a daily salt kept there too):
 *  - per (account, client): the first LOGIN_FREE_FAILURES are free, then each further try
 *    waits 1, 2, 4, 8 then 15 minutes after the last failure; forgotten a day after it, and
 *    by a successful sign-in from that client;
 *  - per client, every account together: at most client_failures in 15 minutes;
 *  - per account, every client together: at most account_failures in 15 minutes, after which
 *    only clients that have not failed on that account may still try (so the account's owner
 *    signs in from her own device while the attack goes on).
 * The username is counted as typed, whether an account has it or not: the answers are the
 * same for both.
 */
#include "common/status.h"

#include <stdbool.h>

struct request;

#define LOGIN_FREE_FAILURES 5

enum login_refusal {
	LOGIN_ALLOWED,
	LOGIN_WAIT_ACCOUNT_CLIENT, /* this client failed too often on this account */
	LOGIN_WAIT_CLIENT,         /* this client failed too often on every account together */
	LOGIN_WAIT_ACCOUNT,        /* this account failed too often, and this client failed on it */
};

void login_guard_configure(long client_failures, long account_failures);

/*
 * Before checking a password for username from req's client: LOGIN_ALLOWED, the attempt then
 * counted as a failure until login_guard_end says otherwise (so parallel tries count too); or
 * why it must wait, *retry_after_s seconds.
 */
enum login_refusal login_guard_begin(struct request *req, const char *username, int *retry_after_s);
/*
 * After an allowed attempt, with auth_login's answer: STATUS_UNAUTHORIZED keeps the failure;
 * STATUS_OK undoes it and forgets this client's failures on username; anything else (the
 * database was down) undoes it.
 */
void login_guard_end(struct request *req, const char *username, enum status st);

/* Eight hex digits naming username in log lines that day (arena string), never the name; the
 * same on every replica of the daemon while the database answers. */
const char *login_guard_account_tag(struct request *req, const char *username);

#endif
