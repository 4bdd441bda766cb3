// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Accounts, Argon2id passwords and sessions (the sign-in throttling is login_guard.c's). Tokens
 * leave this module only towards the cookie; the database sees their SHA-256.
 */
#include "common/auth.h"

#include "db_auth.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/workq.h"
#include "common/xalloc.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

/* OWASP password storage cheat sheet: Argon2id, 19 MiB, 2 iterations, 1 lane */
#define ARGON2_M_KIB 19456
#define ARGON2_T 2
#define ARGON2_P 1
#define ARGON2_SALT_LEN 16
#define ARGON2_HASH_LEN 32

void
random_hex(char *buf, size_t n)
{
	unsigned char *raw = xmalloc(n);
	if (RAND_bytes(raw, (int)n) != 1)
		die("could not read random bytes from OpenSSL");
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = hex[raw[i] >> 4];
		buf[2 * i + 1] = hex[raw[i] & 15];
	}
	buf[2 * n] = '\0';
	OPENSSL_cleanse(raw, n);
	free(raw);
}

bool
secure_equals(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return CRYPTO_memcmp(a, b, la) == 0;
}

char *
password_hash_with_salt(const char *password, const unsigned char *salt, size_t salt_len)
{
	size_t pwlen = strlen(password);
	size_t enclen = argon2_encodedlen(ARGON2_T, ARGON2_M_KIB, ARGON2_P, (uint32_t)salt_len,
					  ARGON2_HASH_LEN, Argon2_id);
	char *out = xmalloc(enclen);
	int rc = argon2id_hash_encoded(ARGON2_T, ARGON2_M_KIB, ARGON2_P, password, pwlen, salt,
				       salt_len, ARGON2_HASH_LEN, out, enclen);
	if (rc != ARGON2_OK) {
		log_error("could not hash a password: %s", argon2_error_message(rc));
		free(out);
		return NULL;
	}
	return out;
}

char *
password_hash(const char *password)
{
	unsigned char salt[ARGON2_SALT_LEN];
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		die("could not read random bytes from OpenSSL");
	return password_hash_with_salt(password, salt, sizeof(salt));
}

struct verify_job {
	const char *phc, *password;
	bool ok;
};

static void
verify_main(void *arg)
{
	struct verify_job *j = arg;
	j->ok = argon2id_verify(j->phc, j->password, strlen(j->password)) == ARGON2_OK;
}

bool
password_verify(const char *phc, const char *password)
{
	if (!phc || strncmp(phc, "$argon2id$", 10) != 0)
		return false;
	/* CPU- and memory-heavy: on the bounded work queue (at once when already on it) */
	struct verify_job job = {phc, password, false};
	workq_call(workq_heavy, verify_main, &job);
	return job.ok;
}

static void
token_hash(const char *token, char out[2 * SHA256_DIGEST_LENGTH + 3])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)token, strlen(token), md);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "\\x");
	strbuf_addhex(&sb, md, sizeof(md));
	memcpy(out, sb.buf, sb.len + 1);
	strbuf_release(&sb);
}

static bool
username_is_valid(const char *u)
{
	size_t len = strlen(u);
	if (len < 2 || len > 32)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = u[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  (i > 0 && (c == '.' || c == '_' || c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

enum status
auth_user_add(const char *username, const char *role, const char *password)
{
	size_t plen = strlen(password);
	if (!username_is_valid(username)) {
		log_warn("could not add account: username must be 2-32 of a-z 0-9 . _ -");
		return STATUS_INVALID;
	}
	if (plen < PASSWORD_MIN_LEN || plen > PASSWORD_MAX_LEN) {
		log_warn("could not add account \"%s\": the password must have %d to %d characters",
			 username, PASSWORD_MIN_LEN, PASSWORD_MAX_LEN);
		return STATUS_INVALID;
	}
	char *phc = password_hash(password);
	if (!phc)
		return STATUS_INTERNAL;
	enum status st = db_account_add(username, phc, role);
	free(phc);
	if (st == STATUS_OK)
		log_info("account \"%s\" added with role %s", username, role);
	return st;
}

enum status
auth_login(const char *username, const char *password, char **token_out)
{
	*token_out = NULL;
	if (strlen(password) > PASSWORD_MAX_LEN || strlen(username) > 64)
		return STATUS_UNAUTHORIZED;
	long long id = 0;
	char *phc = NULL;
	int found = db_account_for_login(username, &id, &phc);
	if (found < 0)
		return STATUS_UNAVAILABLE;
	enum status st = STATUS_UNAUTHORIZED;
	if (!found) {
		/* same work as a real check, so timing does not reveal which usernames exist */
		password_verify("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
				"6Z2qZ8tvnDq3ZfGAp5Yh8xHqNnX0Uo3M9Mbn1dQ8m0c",
				password);
	} else if (password_verify(phc, password)) {
		char token[65], hash[2 * SHA256_DIGEST_LENGTH + 3];
		random_hex(token, 32);
		token_hash(token, hash);
		st = db_session_open(id, hash) < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
		if (st == STATUS_OK)
			*token_out = xstrdup(token);
		OPENSSL_cleanse(token, sizeof(token));
	}
	free(phc);
	return st;
}

struct user *
auth_session_user(const char *token, enum status *st)
{
	char hash[2 * SHA256_DIGEST_LENGTH + 3];
	token_hash(token, hash);
	return db_session_user(hash, st);
}

void
auth_logout(const char *token)
{
	char hash[2 * SHA256_DIGEST_LENGTH + 3];
	token_hash(token, hash);
	db_session_close(hash);
}

void
user_free(struct user *u)
{
	if (!u)
		return;
	free(u->username);
	free(u->role);
	free(u);
}
