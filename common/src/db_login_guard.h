// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DB_LOGIN_GUARD_H
#define COMMON_DB_LOGIN_GUARD_H

/*
 * The SQL of the sign-in throttling's per-account count, shared by the replicas of a daemon
 * (migration 0075), for login_guard.c only. Keys are 32-byte HMACs (never a username).
 */
#include <stdbool.h>

/* The salt of day (days since 1970, UTC) into salt: the one a replica stored first, else
 * fresh (random bytes the caller drew), stored now. 0, or -1 (logged). */
int db_login_salt(long day, const unsigned char fresh[32], unsigned char salt[32]);

/*
 * Count one more failure of the account key in its 15-minute window, unless `guarded` and the
 * window already holds max: 1 counted, 0 refused (*retry_after_s: the seconds left in the
 * window), -1 failure (the database is down).
 */
int db_login_account_take(const unsigned char key[32], bool guarded, long max, int *retry_after_s);

/* Undo one failure of key (an attempt that did not fail after all). */
void db_login_account_give_back(const unsigned char key[32]);

#endif
