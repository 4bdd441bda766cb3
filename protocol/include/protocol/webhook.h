// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_WEBHOOK_H
#define PROTOCOL_WEBHOOK_H

#include "common/status.h"
#include "common/strbuf.h"
#include "protocol/keys.h"

#include <stddef.h>
#include <stdint.h>

/*
 * Transport signatures of Standard Webhooks 1.0 (www.standardwebhooks.com), asymmetric flavour:
 * each inbox POST carries the headers
 *   webhook-id:        the delivery id, the same on every retry of one event
 *   webhook-timestamp: integer Unix seconds of this attempt
 *   webhook-signature: space-separated "<version>,<base64>" entries; ours are "v1a,<base64
 *                      Ed25519 signature>" over "<webhook-id>.<webhook-timestamp>.<body>"
 * Verify these over the raw body before parsing it.
 *
 * Syntax accepted (strict, yet everything a conforming sender produces):
 *   id          1..128 printable ASCII characters (0x21-0x7e) other than '.'
 *   timestamp   1..19 decimal digits, no sign, no leading zero, fits in int64
 *   signature   at most 4096 bytes and 16 entries; entries split on spaces (repeated spaces
 *               tolerated); an entry without ',' or with an empty or non-[a-z0-9] version is
 *               malformed; versions other than v1a (v1 HMAC, future ones) are ignored; a v1a
 *               value must be canonical base64 of exactly 64 bytes.
 */

#define WEBHOOK_TOLERANCE_S 300
#define WEBHOOK_ID_MAX_LEN 128
#define WEBHOOK_SIGNATURE_MAX_LEN 4096
#define WEBHOOK_MAX_SIGNATURES 16

enum webhook_result {
	WEBHOOK_OK = 0,
	WEBHOOK_MALFORMED,       /* a header missing or not in the syntax above: 400 */
	WEBHOOK_STALE_TIMESTAMP, /* more than WEBHOOK_TOLERANCE_S from now either way: 401 */
	WEBHOOK_BAD_SIGNATURE,   /* no v1a entry verifies under any of the keys: 401 */
	WEBHOOK_REVOKED_KEY,     /* only a revoked key's entry verifies: 401. Never returned by
				  * webhook_verify, which knows no revocation; its callers do */
};

/*
 * The stable error code of r: "ok", "malformed_webhook_headers", "stale_timestamp",
 * "bad_signature", "revoked_key".
 */
const char *webhook_result_code(enum webhook_result r);

/* The status for r: STATUS_OK, STATUS_INVALID, or STATUS_UNAUTHORIZED. */
enum status webhook_result_status(enum webhook_result r);

/* Whether id is acceptable as a webhook-id (see above). */
bool webhook_id_is_valid(const char *id);

/*
 * Sign one delivery: append "v1a,<base64 signature>" over id.timestamp.body to header, the
 * value to send as webhook-signature, with webhook-timestamp set to timestamp in plain decimal.
 * Returns 0, or -1 (logged) if id is not valid, timestamp is negative, or signing fails;
 * header is then left as it was.
 */
int webhook_sign(struct strbuf *header, const struct signing_key *key, const char *id,
		 int64_t timestamp, const void *body, size_t body_len);

/*
 * Verify one received delivery. id, timestamp and signature are the raw header values (NULL
 * when the header is missing), body[0..body_len) the raw request body, now the receiver's Unix
 * time. Checks, in this order: syntax (MALFORMED), |now - timestamp| <= WEBHOOK_TOLERANCE_S
 * (STALE_TIMESTAMP; exactly 300 s passes, 301 s fails), then that some v1a entry verifies under
 * some key in keys[0..nr_keys) (BAD_SIGNATURE otherwise), so that the peer's old and new keys
 * both verify during a rotation. Does not log.
 */
enum webhook_result webhook_verify(const struct verify_key *const *keys, size_t nr_keys,
				   const char *id, const char *timestamp, const char *signature,
				   const void *body, size_t body_len, int64_t now);

#endif
