// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_AUTH_H
#define COMMON_AUTH_H

#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Accounts, passwords and sessions. Passwords are hashed with Argon2id (OWASP parameters:
 * m=19456 KiB, t=2, p=1) into PHC strings; session tokens are 32 random bytes, sent in a
 * cookie and stored only as their SHA-256; forms carry a CSRF token (double-submit cookie).
 */
struct user {
	long long id;
	char *username;
	char *role;
};

#define PASSWORD_MIN_LEN 10
#define PASSWORD_MAX_LEN 256

/* A new PHC string for password (malloc'd), or NULL on failure (logged). */
char *password_hash(const char *password);
/* Same with a given salt (tests compare with Debian's argon2 tool). */
char *password_hash_with_salt(const char *password, const unsigned char *salt, size_t salt_len);
bool password_verify(const char *phc, const char *password);

/* Fill buf with n random bytes from OpenSSL's CSPRNG, as lowercase hex (2n+1 bytes). */
void random_hex(char *buf, size_t n);

/* Constant-time string comparison. */
bool secure_equals(const char *a, const char *b);

/*
 * Create an account. STATUS_INVALID for a bad username/role/password, STATUS_CONFLICT when the
 * username exists.
 */
enum status auth_user_add(const char *username, const char *role, const char *password);

/*
 * Check credentials and open a session: on STATUS_OK, *token_out receives the malloc'd token
 * for the cookie. STATUS_UNAUTHORIZED for wrong credentials, after the same work whether the
 * account exists or not; STATUS_UNAVAILABLE when the database failed. Throttling is the
 * caller's (site.c, login_guard.h): no account is ever locked.
 */
enum status auth_login(const char *username, const char *password, char **token_out);
/* The account of a session token (malloc'd struct, user_free it), or NULL; *st is
 * STATUS_UNAVAILABLE when the database could not say (not the same as "no session"). */
struct user *auth_session_user(const char *token, enum status *st);
void auth_logout(const char *token);
void user_free(struct user *u);

#endif
