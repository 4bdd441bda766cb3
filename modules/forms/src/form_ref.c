// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A file's public reference (D-XXXX-XXXX: 40 random bits in Crockford's base32, which has no
 * I, L, O or U to misread over the phone), its private tracking token (260 random bits, of
 * which only the SHA-256 is stored) and a form's one-time key (a replayed form is refused).
 */
#include "internal.h"

#include "common/xalloc.h"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char base32_lower[] = "abcdefghijklmnopqrstuvwxyz234567";

static void
random_bytes(unsigned char *r, size_t n)
{
	if (RAND_bytes(r, (int)n) != 1)
		die("could not read random bytes from OpenSSL");
}

/* n characters of alphabet (32 letters), 5 bits each from random bytes. */
static void
random_base32(char *out, size_t n, const char *alphabet)
{
	unsigned char r[40] = {0};
	random_bytes(r, (n * 5 + 7) / 8);
	for (size_t i = 0; i < n; i++) {
		size_t bit = i * 5, byte = bit / 8, off = bit % 8;
		unsigned v = (unsigned)r[byte] << 8 | (byte + 1 < sizeof(r) ? r[byte + 1] : 0);
		out[i] = alphabet[(v >> (11 - off)) & 31];
	}
}

void
form_new_ref(char ref[FORM_REF_SIZE])
{
	char c[8];
	random_base32(c, 8, crockford);
	snprintf(ref, FORM_REF_SIZE, "D-%.4s-%.4s", c, c + 4);
}

bool
form_ref_is_valid(const char *s)
{
	if (!s || strlen(s) != FORM_REF_SIZE - 1 || s[0] != 'D' || s[1] != '-' || s[6] != '-')
		return false;
	for (int i = 2; i < FORM_REF_SIZE - 1; i++)
		if (i != 6 && !strchr(crockford, s[i]))
			return false;
	return true;
}

void
form_sha256_hex(const void *bytes, size_t n, char out[FORM_SHA256_HEX])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(bytes, n, md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void
form_new_token(char token[FORM_TOKEN_SIZE], char sha256_hex[FORM_SHA256_HEX])
{
	random_base32(token, FORM_TOKEN_SIZE - 1, base32_lower);
	token[FORM_TOKEN_SIZE - 1] = '\0';
	form_sha256_hex(token, FORM_TOKEN_SIZE - 1, sha256_hex);
}

bool
form_token_hash(const char *token, char sha256_hex[FORM_SHA256_HEX])
{
	sha256_hex[0] = '\0';
	if (!token || strlen(token) != FORM_TOKEN_SIZE - 1 ||
	    strspn(token, base32_lower) != FORM_TOKEN_SIZE - 1)
		return false;
	form_sha256_hex(token, FORM_TOKEN_SIZE - 1, sha256_hex);
	return true;
}

void
form_new_key(char key[FORM_KEY_SIZE])
{
	unsigned char r[16];
	random_bytes(r, sizeof(r));
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(key + 2 * i, 3, "%02x", r[i]);
}

bool
form_key_is_valid(const char *s)
{
	return s && strlen(s) == FORM_KEY_SIZE - 1 &&
	       strspn(s, "0123456789abcdef") == FORM_KEY_SIZE - 1;
}

const char *const form_statuses[] = {"received", "incomplete", "in_progress", "ready",
				     "refused",  "closed",     NULL};

bool
form_status_is_valid(const char *s)
{
	for (const char *const *p = form_statuses; s && *p; p++)
		if (!strcmp(*p, s))
			return true;
	return false;
}
