// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DB_AUTH_H
#define COMMON_DB_AUTH_H

/* The SQL of accounts and sessions (tables of migration 0001), for auth.c only. */
#include "common/auth.h"
#include "common/status.h"

#include <stdbool.h>

/* Insert an account: STATUS_OK, STATUS_CONFLICT (the username exists) or STATUS_UNAVAILABLE. */
enum status db_account_add(const char *username, const char *password_hash, const char *role);

/* The account called username for a sign-in: 1 found (*id, *password_hash malloc'd), 0 no
 * such account, -1 failure. */
int db_account_for_login(const char *username, long long *id, char **password_hash);
/* Store a session (token_hash: "\\x" and hex): 0 or -1. */
int db_session_open(long long account_id, const char *token_hash);
/* The account of a live session (*st STATUS_OK, NULL when none), NULL with STATUS_UNAVAILABLE. */
struct user *db_session_user(const char *token_hash, enum status *st);
/* Delete a session and every expired one. */
void db_session_close(const char *token_hash);

#endif
