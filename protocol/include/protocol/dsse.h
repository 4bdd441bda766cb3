// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_DSSE_H
#define PROTOCOL_DSSE_H

#include "common/status.h"
#include "common/strbuf.h"
#include "protocol/keys.h"

#include <stddef.h>

/*
 * DSSE v1 envelopes (github.com/secure-systems-lab/dsse) carrying signed events:
 *   {"payloadType":"…","payload":"<base64>","signatures":[{"keyid":"…","sig":"<base64>"}]}
 * The Ed25519 signature covers PAE(payloadType, payload), never the JSON around it. The keyid
 * is the signer's RFC 7638 thumbprint (see keys.h).
 *
 * Failures carry a stable snake_case reason meant to become the API error code; the returned
 * enum status maps it to HTTP (400 INVALID, 401 UNAUTHORIZED, 413 TOO_LARGE):
 *   payload_too_large   envelope over DSSE_ENVELOPE_MAX_LEN or payload over DSSE_PAYLOAD_MAX_LEN
 *   malformed_json      not JSON, bad UTF-8, or an integer out of range
 *   duplicate_key       an object has the same member twice
 *   malformed_envelope  not the exact member set, a wrong type, no or too many signatures,
 *                       a keyid or payloadType of bad length, a signature not 64 bytes
 *   bad_base64          payload or sig is not canonical standard base64
 *   wrong_payload_type  payloadType is not the one the caller expects           (400)
 *   unknown_key         no signature has a keyid the caller's resolver knows    (401)
 *   bad_signature       a known key's signature does not verify                 (401)
 * These functions do not log; the caller logs once, with the peer's name.
 */

#define DSSE_PAYLOAD_TYPE_EVENT "application/vnd.baladiya.event+json"
#define DSSE_ENVELOPE_MAX_LEN (96 * 1024)
#define DSSE_PAYLOAD_MAX_LEN (64 * 1024)
/* Enough for a key rotation (old and new key both signing) with room to spare. */
#define DSSE_MAX_SIGNATURES 8
#define DSSE_KEYID_MAX_LEN 128
#define DSSE_PAYLOAD_TYPE_MAX_LEN 128

struct dsse_signature {
	char *keyid;
	unsigned char sig[ED25519_SIGNATURE_LEN];
};

/* A parsed envelope; all members owned by it and freed by dsse_envelope_free. */
struct dsse_envelope {
	char *payload_type;
	/* The decoded payload, with a NUL after the last byte for convenience. */
	unsigned char *payload;
	size_t payload_len;
	struct dsse_signature *sigs;
	size_t nr_sigs;
};

/*
 * Append PAE(payload_type, payload) to out: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
 * LEN being the byte length in ASCII decimal without leading zeros.
 */
void dsse_pae(struct strbuf *out, const char *payload_type, const void *payload,
	      size_t payload_len);

/*
 * Sign payload[0..payload_len) with key over PAE and append the envelope, as compact JSON with
 * one signature, to out. Returns 0, or -1 (logged) if the payload is over DSSE_PAYLOAD_MAX_LEN,
 * payload_type is empty or too long, or signing fails; out is then left as it was.
 */
int dsse_sign(struct strbuf *out, const struct signing_key *key, const char *payload_type,
	      const void *payload, size_t payload_len);

/*
 * Parse the raw envelope bytes[0..len) strictly (see the reasons above). Signatures are not
 * checked here: call dsse_envelope_verify before trusting the payload. On success stores a new
 * envelope in *out (the caller frees it with dsse_envelope_free) and returns STATUS_OK; on
 * failure returns STATUS_INVALID or STATUS_TOO_LARGE, leaves *out NULL and sets *reason.
 */
enum status dsse_envelope_parse(const void *bytes, size_t len, struct dsse_envelope **out,
				const char **reason);

/* Free an envelope; NULL is allowed. */
void dsse_envelope_free(struct dsse_envelope *env);

/*
 * The key a keyid names, or NULL when unknown. The key is borrowed: it must stay valid until
 * dsse_envelope_verify returns. arg is passed through from the caller.
 */
typedef const struct verify_key *dsse_resolve_fn(const char *keyid, void *arg);

/*
 * Check that env's payloadType is payload_type and that at least one of its signatures is a
 * valid Ed25519 signature over PAE by the key resolve(keyid, arg) returns. Keys no longer
 * current (rotated out) verify too, as long as the resolver still returns them. A resolved key
 * whose own key id differs from the keyid is treated as unknown. Returns STATUS_OK and sets
 * *keyid_out (may be NULL; borrowed from env) to the keyid that verified, or STATUS_INVALID
 * (wrong_payload_type) or STATUS_UNAUTHORIZED (unknown_key, bad_signature) with *reason set.
 */
enum status dsse_envelope_verify(const struct dsse_envelope *env, const char *payload_type,
				 dsse_resolve_fn *resolve, void *arg, const char **keyid_out,
				 const char **reason);

#endif
