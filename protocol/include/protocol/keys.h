// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_KEYS_H
#define PROTOCOL_KEYS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Ed25519 keys of the federation protocol (OpenSSL 3 EVP underneath).
 *
 * A signing_key is one origin's private key plus its public half; a verify_key is a public key
 * alone, typically a pinned peer key. Every key has a key id: the RFC 7638 JWK thumbprint,
 * base64url(SHA-256('{"crv":"Ed25519","kty":"OKP","x":"<base64url public key>"}')), 43
 * characters. The key id is also the fingerprint that admins compare out of band when pairing
 * servers. Both structures are opaque and immutable once made, so one key may be shared by
 * several threads.
 */

#define ED25519_SEED_LEN 32
#define ED25519_PUBLIC_KEY_LEN 32
#define ED25519_SIGNATURE_LEN 64
/* Length of a key id (base64url of a SHA-256 digest), without the NUL. */
#define KEY_ID_LEN 43

struct signing_key;
struct verify_key;

/* A fresh random key. Returns NULL (logged) only if OpenSSL fails. Free with signing_key_free. */
struct signing_key *signing_key_generate(void);

/*
 * The key whose RFC 8032 secret (seed) is seed[0..32); for test vectors and tools. The caller
 * keeps ownership of seed and should wipe it. Returns NULL (logged) if OpenSSL refuses.
 */
struct signing_key *signing_key_from_seed(const unsigned char seed[ED25519_SEED_LEN]);

/*
 * Write the private key to a new file at path as unencrypted PKCS#8 PEM, with mode 0600.
 * Refuses to replace an existing file (O_CREAT|O_EXCL), since losing a signing key would cut
 * the origin's log; a partial file is removed on failure. Returns 0, or -1 (logged).
 */
int signing_key_save(const struct signing_key *key, const char *path);

/*
 * Read a key written by signing_key_save. Refuses (logged, NULL) a file that is not a regular
 * file, that group or others may access in any way (mode & 077), that is larger than 16 KiB,
 * that is encrypted, or that does not hold an Ed25519 private key. Free with signing_key_free.
 */
struct signing_key *signing_key_load(const char *path);

/* Wipe and free the key; NULL is allowed. */
void signing_key_free(struct signing_key *key);

/*
 * Sign msg[0..len) (pure Ed25519, deterministic: the same key and message always give the same
 * signature). msg may be NULL when len is 0. Returns 0, or -1 (logged) if OpenSSL fails.
 */
int signing_key_sign(const struct signing_key *key, const void *msg, size_t len,
		     unsigned char sig[ED25519_SIGNATURE_LEN]);

/*
 * The public half of key, borrowed: valid as long as key is, never freed by the caller. Handy
 * for verifying our own signatures and for answering a key resolver with our current key.
 */
const struct verify_key *signing_key_public(const struct signing_key *key);

/* The key id of key's public half; borrowed, KEY_ID_LEN characters. */
const char *signing_key_id(const struct signing_key *key);

/*
 * A public key from its 32 raw bytes (RFC 8032 encoding). Returns NULL (logged) if OpenSSL
 * rejects the bytes. Free with verify_key_free.
 */
struct verify_key *verify_key_from_raw(const unsigned char pub[ED25519_PUBLIC_KEY_LEN]);

/*
 * A public key from a JWK object, for reading a peer's /.well-known/baladiya-keys. Requires
 * "kty":"OKP", "crv":"Ed25519" and "x" (unpadded base64url of 32 bytes); "kid", "alg" and "use"
 * are optional but when present must be the RFC 7638 thumbprint, "EdDSA" and "sig"; other
 * members are ignored. A "d" (private) member is refused: a public key set must not carry it.
 * On failure returns NULL and sets *reason (may be NULL) to "bad_jwk" or "kid_mismatch";
 * only an OpenSSL failure is logged. Free with verify_key_free.
 */
struct verify_key *verify_key_from_jwk(const json_t *jwk, const char **reason);

/* Free a key made by verify_key_from_raw or verify_key_from_jwk; NULL is allowed. */
void verify_key_free(struct verify_key *key);

/* Copy the 32 raw public key bytes into out. */
void verify_key_raw(const struct verify_key *key, unsigned char out[ED25519_PUBLIC_KEY_LEN]);

/* The key id (RFC 7638 thumbprint), borrowed from key, KEY_ID_LEN characters. */
const char *verify_key_id(const struct verify_key *key);

/*
 * Whether sig is a valid Ed25519 signature of msg[0..len) by key. msg may be NULL when len is
 * 0. Does not log: a bad signature is the caller's input error to report.
 */
bool verify_key_verify(const struct verify_key *key, const void *msg, size_t len,
		       const unsigned char sig[ED25519_SIGNATURE_LEN]);

/*
 * The public JWK {"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"alg":"EdDSA","use":"sig"} in that
 * member order, as a new reference the caller must json_decref.
 */
json_t *verify_key_jwk(const struct verify_key *key);

/*
 * Write the RFC 7638 thumbprint of the raw public key pub into out (KEY_ID_LEN characters and a
 * NUL). This is the key id and the human fingerprint.
 */
void key_thumbprint(const unsigned char pub[ED25519_PUBLIC_KEY_LEN], char out[KEY_ID_LEN + 1]);

#endif
