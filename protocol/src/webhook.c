// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Standard Webhooks transport signatures with Ed25519 ("v1a"): signing a delivery for the
 * sender, and for the inbox the strict check of the three webhook-* headers, the replay window
 * and the signature over id.timestamp.body.
 */
#include "protocol/webhook.h"

#include "common/log.h"
#include "protocol/b64.h"

#include <inttypes.h>
#include <string.h>

const char *
webhook_result_code(enum webhook_result r)
{
	switch (r) {
	case WEBHOOK_OK:
		return "ok";
	case WEBHOOK_MALFORMED:
		return "malformed_webhook_headers";
	case WEBHOOK_STALE_TIMESTAMP:
		return "stale_timestamp";
	case WEBHOOK_BAD_SIGNATURE:
		return "bad_signature";
	case WEBHOOK_REVOKED_KEY:
		return "revoked_key";
	}
	return "bad_signature";
}

enum status
webhook_result_status(enum webhook_result r)
{
	switch (r) {
	case WEBHOOK_OK:
		return STATUS_OK;
	case WEBHOOK_MALFORMED:
		return STATUS_INVALID;
	case WEBHOOK_STALE_TIMESTAMP:
	case WEBHOOK_BAD_SIGNATURE:
	case WEBHOOK_REVOKED_KEY:
		return STATUS_UNAUTHORIZED;
	}
	return STATUS_UNAUTHORIZED;
}

bool
webhook_id_is_valid(const char *id)
{
	size_t i;

	if (!id || !id[0])
		return false;
	/* A '.' would make id.timestamp.body ambiguous. */
	for (i = 0; id[i]; i++)
		if (i >= WEBHOOK_ID_MAX_LEN || id[i] < 0x21 || id[i] > 0x7e || id[i] == '.')
			return false;
	return true;
}

/* Parse a timestamp header strictly into *out; -1 when malformed. */
static int
parse_timestamp(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (!s || !s[0] || (s[0] == '0' && s[1]))
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 19)
			return -1;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static void
signed_content(struct strbuf *sb, const char *id, const char *timestamp, const void *body,
	       size_t body_len)
{
	strbuf_addstr(sb, id);
	strbuf_addch(sb, '.');
	strbuf_addstr(sb, timestamp);
	strbuf_addch(sb, '.');
	strbuf_add(sb, body, body_len);
}

int
webhook_sign(struct strbuf *header, const struct signing_key *key, const char *id,
	     int64_t timestamp, const void *body, size_t body_len)
{
	struct strbuf msg = STRBUF_INIT;
	unsigned char sig[ED25519_SIGNATURE_LEN];
	char ts[24];
	int ret = -1;

	if (!webhook_id_is_valid(id) || timestamp < 0) {
		log_error("could not sign webhook: bad id \"%s\" or timestamp %" PRId64,
			  id ? id : "(null)", timestamp);
		goto out;
	}
	snprintf(ts, sizeof(ts), "%" PRId64, timestamp);
	signed_content(&msg, id, ts, body, body_len);
	if (signing_key_sign(key, msg.buf, msg.len, sig) < 0)
		goto out;
	strbuf_addstr(header, "v1a,");
	b64_encode(header, sig, sizeof(sig));
	ret = 0;
out:
	strbuf_release(&msg);
	return ret;
}

/* Whether version (len bytes) is a non-empty [a-z0-9]+. */
static bool
version_is_valid(const char *version, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((version[i] >= 'a' && version[i] <= 'z') ||
		      (version[i] >= '0' && version[i] <= '9')))
			return false;
	return true;
}

enum webhook_result
webhook_verify(const struct verify_key *const *keys, size_t nr_keys, const char *id,
	       const char *timestamp, const char *signature, const void *body, size_t body_len,
	       int64_t now)
{
	unsigned char sigs[WEBHOOK_MAX_SIGNATURES][ED25519_SIGNATURE_LEN];
	size_t nr_sigs = 0, nr_entries = 0;
	struct strbuf msg = STRBUF_INIT;
	enum webhook_result res = WEBHOOK_MALFORMED;
	const char *p, *end;
	int64_t ts;
	uint64_t skew;

	if (!webhook_id_is_valid(id) || parse_timestamp(timestamp, &ts) < 0 || !signature ||
	    !signature[0] || strlen(signature) > WEBHOOK_SIGNATURE_MAX_LEN)
		goto out;

	for (p = signature; *p; p = end) {
		const char *comma, *value;

		if (*p == ' ') {
			end = p + 1;
			continue;
		}
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		if (++nr_entries > WEBHOOK_MAX_SIGNATURES)
			goto out;
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma || !version_is_valid(p, (size_t)(comma - p)))
			goto out;
		if ((size_t)(comma - p) != 3 || memcmp(p, "v1a", 3))
			continue;
		value = comma + 1;
		if (b64_decode_exact(value, (size_t)(end - value), sigs[nr_sigs],
				     ED25519_SIGNATURE_LEN) < 0)
			goto out;
		nr_sigs++;
	}
	if (!nr_entries)
		goto out;

	/* In uint64_t, because the distance between two int64_t values always fits there. */
	skew = ts >= now ? (uint64_t)ts - (uint64_t)now : (uint64_t)now - (uint64_t)ts;
	if (skew > WEBHOOK_TOLERANCE_S) {
		res = WEBHOOK_STALE_TIMESTAMP;
		goto out;
	}

	res = WEBHOOK_BAD_SIGNATURE;
	signed_content(&msg, id, timestamp, body, body_len);
	for (size_t i = 0; i < nr_sigs; i++)
		for (size_t k = 0; k < nr_keys; k++)
			if (keys[k] && verify_key_verify(keys[k], msg.buf, msg.len, sigs[i])) {
				res = WEBHOOK_OK;
				goto out;
			}
out:
	strbuf_release(&msg);
	return res;
}
