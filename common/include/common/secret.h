// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_SECRET_H
#define COMMON_SECRET_H

/*
 * What a resident holds instead of an account, one mechanism for every module that gives one
 * (a private link to follow or change what they filed or booked, an API key shown once):
 * - a secret token: 32 random bytes as 43 base64url characters, put in a private link or
 *   shown once; only its SHA-256 is stored, so a copy of the database opens nothing;
 * - a public reference to read aloud at a counter or over the phone: a letter the module
 *   chooses for what it names, then 8 random characters of Crockford's base32 (no I, L, O or
 *   U to misread), "X-7K3M-Q9ZD".
 * Pages reached through a token send secret_private_headers().
 */
#include <stdbool.h>
#include <stddef.h>

struct request;

#define SHA256_HEX_SIZE 65   /* 64 lowercase hex digits and the NUL */
#define SECRET_TOKEN_SIZE 44 /* 43 base64url characters and the NUL */
#define PUBLIC_REF_SIZE 12   /* "R-XXXX-XXXX" and the NUL */

/* The lowercase hex SHA-256 of len bytes. */
void sha256_hex(const void *bytes, size_t len, char out[SHA256_HEX_SIZE]);

/* A fresh token and the hex SHA-256 that is stored instead of it. */
void secret_token_new(char token[SECRET_TOKEN_SIZE], char sha256[SHA256_HEX_SIZE]);
/* The hex SHA-256 of a presented token; false (and "") when it does not have a token's shape. */
bool secret_token_hash(const char *token, char sha256[SHA256_HEX_SIZE]);

/* A fresh public reference with this letter. */
void public_ref_new(char letter, char out[PUBLIC_REF_SIZE]);
/* True when s is a reference with this letter. */
bool public_ref_is_valid(char letter, const char *s);

/* Headers of a page whose address holds a token: not kept by any cache, not indexed, and the
 * address never sent on as a Referer. */
void secret_private_headers(struct request *req);

#endif
