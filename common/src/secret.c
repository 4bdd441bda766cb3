// SPDX-License-Identifier: AGPL-3.0-or-later
/* Secret tokens and public references (common/secret.h). */
#include "common/secret.h"

#include "common/http.h"
#include "common/xalloc.h"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
random_bytes(unsigned char *r, int n)
{
	if (RAND_bytes(r, n) != 1)
		die("could not read random bytes from OpenSSL");
}

void
sha256_hex(const void *bytes, size_t len, char out[SHA256_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(bytes, len, md);
	for (size_t i = 0; i < sizeof(md); i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[SHA256_HEX_SIZE - 1] = '\0';
}

void
secret_token_new(char token[SECRET_TOKEN_SIZE], char sha256[SHA256_HEX_SIZE])
{
	unsigned char r[32];
	random_bytes(r, sizeof(r));
	/* 43 characters of 6 bits each from 256 bits (the last holds 4 bits) */
	for (int i = 0; i < SECRET_TOKEN_SIZE - 1; i++) {
		int bit = i * 6, byte = bit / 8, off = bit % 8;
		unsigned v = (unsigned)r[byte] << 8 | (byte + 1 < 32 ? r[byte + 1] : 0);
		token[i] = b64url[(v >> (10 - off)) & 63];
	}
	token[SECRET_TOKEN_SIZE - 1] = '\0';
	sha256_hex(token, SECRET_TOKEN_SIZE - 1, sha256);
}

bool
secret_token_hash(const char *token, char sha256[SHA256_HEX_SIZE])
{
	sha256[0] = '\0';
	if (!token || strlen(token) != SECRET_TOKEN_SIZE - 1 ||
	    strspn(token, b64url) != SECRET_TOKEN_SIZE - 1)
		return false;
	sha256_hex(token, SECRET_TOKEN_SIZE - 1, sha256);
	return true;
}

void
public_ref_new(char letter, char out[PUBLIC_REF_SIZE])
{
	unsigned char r[8];
	random_bytes(r, sizeof(r));
	out[0] = letter;
	out[1] = '-';
	for (int i = 0, o = 2; i < 8; i++) {
		if (i == 4)
			out[o++] = '-';
		out[o++] = crockford[r[i] & 31];
	}
	out[PUBLIC_REF_SIZE - 1] = '\0';
}

bool
public_ref_is_valid(char letter, const char *s)
{
	if (!s || strlen(s) != PUBLIC_REF_SIZE - 1 || s[0] != letter || s[1] != '-' || s[6] != '-')
		return false;
	for (int i = 2; i < PUBLIC_REF_SIZE - 1; i++)
		if (i != 6 && (!s[i] || !strchr(crockford, s[i])))
			return false;
	return true;
}

void
secret_private_headers(struct request *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	http_add_header(req, "X-Robots-Tag", "noindex, nofollow");
	http_add_header(req, "Referrer-Policy", "no-referrer");
}
