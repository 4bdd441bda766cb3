// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Verifying one record of an origin's log under a given set of its keys, and reading the key
 * events (keys.rotated, keys.revoked): pure, no database. The receiver (federation.c) calls it
 * with the keys pinned in its database; the auditor (audit.c) with the keys it follows through
 * the log from the origin's genesis key.
 */
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/b64.h"
#include "protocol/content.h"
#include "protocol/dsse.h"

#include <stdlib.h>
#include <string.h>

/* Resolves a keyid to one of the peer's pinned keys, revoked or not. */
struct resolver {
	const struct peer_key *keys;
	size_t n;
};

static const struct peer_key *
find_key(const struct peer_key *keys, size_t n, const char *keyid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(verify_key_id(keys[i].key), keyid) == 0)
			return &keys[i];
	return NULL;
}

static const struct verify_key *
resolve_key(const char *keyid, void *arg)
{
	struct resolver *r = arg;
	const struct peer_key *k = find_key(r->keys, r->n, keyid);
	return k ? k->key : NULL;
}

/* Whether k is trusted on its origin's event seq: not revoked, or revoked after seq (12.1). */
static bool
trusted_at(const struct peer_key *k, long long seq)
{
	return k->revoked_after_seq < 0 || seq <= k->revoked_after_seq;
}

/*
 * Record in out the key ids of env's signatures that verify (one at a time, so an envelope with
 * several signatures names every signer). The caller has checked that one does.
 */
static void
note_signers(const struct dsse_envelope *env, struct resolver *r, struct verified *out)
{
	out->nkids = 0;
	for (size_t i = 0; i < env->nr_sigs && out->nkids < DSSE_MAX_SIGNATURES; i++) {
		struct dsse_envelope one = *env;
		const char *why = NULL;
		one.sigs = &env->sigs[i];
		one.nr_sigs = 1;
		/* one signature that verified the whole envelope needs no second check */
		if ((env->nr_sigs == 1 ||
		     dsse_envelope_verify(&one, DSSE_PAYLOAD_TYPE_EVENT, resolve_key, r, NULL,
					  &why) == STATUS_OK) &&
		    strlen(env->sigs[i].keyid) == KEY_ID_LEN)
			memcpy(out->kids[out->nkids++], env->sigs[i].keyid, KEY_ID_LEN + 1);
	}
}

/* Whether one of the signers in v is, by the cached keys, trusted on v's seq. */
static bool
signed_by_trusted(const struct verified *v, const struct peer_key *keys, size_t n)
{
	for (size_t i = 0; i < v->nkids; i++) {
		const struct peer_key *k = find_key(keys, n, v->kids[i]);
		if (k && trusted_at(k, v->ev->seq))
			return true;
	}
	return false;
}

enum status
fed_verify_record_keys(const char *bytes, size_t len, const char *expected_origin,
		       const struct peer_key *keys, size_t nkeys, struct verified *out,
		       const char **code)
{
	struct dsse_envelope *env = NULL;
	struct record rec;
	enum status st;
	memset(out, 0, sizeof(*out));
	st = record_parse(bytes, len, &rec, code);
	if (st != STATUS_OK)
		return st;
	out->envelope_owned = rec.owned;
	rec.owned = NULL;
	st = dsse_envelope_parse(rec.envelope, rec.envelope_len, &env, code);
	if (st != STATUS_OK)
		goto out;
	const char *reason = NULL;
	struct resolver r = {keys, nkeys};
	st = dsse_envelope_verify(env, DSSE_PAYLOAD_TYPE_EVENT, resolve_key, &r, NULL, &reason);
	if (st == STATUS_OK)
		note_signers(env, &r, out);
	if (st != STATUS_OK) {
		*code = strcmp(reason, "bad_signature") == 0 ? "bad_event_signature" : reason;
		goto out;
	}
	st = event_parse(env->payload, env->payload_len, &out->ev, code);
	if (st != STATUS_OK)
		goto out;
	if (strcmp(out->ev->origin, expected_origin) != 0) {
		st = STATUS_FORBIDDEN;
		*code = "wrong_origin";
		goto out;
	}
	/* a revoked key vouches only for its origin's events up to the seq its revocation names
	 * (checked again against the database when the event is stored: store_and_apply) */
	if (!signed_by_trusted(out, keys, nkeys)) {
		st = STATUS_UNAUTHORIZED;
		*code = "revoked_key";
		goto out;
	}
	/* the content beside a version 2 payload must match its commitments */
	if (out->ev->commit) {
		st = content_verify(out->ev->commit, rec.content, rec.withheld, &out->values, code);
		if (st != STATUS_OK)
			goto out;
		out->content = json_incref(rec.content);
		out->withheld = json_incref(rec.withheld);
	} else if (rec.content || rec.withheld) {
		st = STATUS_INVALID;
		*code = "bad_content";
		goto out;
	}
	out->payload = xmalloc(env->payload_len + 1);
	memcpy(out->payload, env->payload, env->payload_len);
	out->payload[env->payload_len] = '\0';
	out->payload_len = env->payload_len;
	out->record = bytes;
	out->record_len = len;
	out->envelope = rec.envelope;
	out->envelope_len = rec.envelope_len;
out:
	record_release(&rec);
	if (st != STATUS_OK)
		fed_verified_release(out);
	dsse_envelope_free(env);
	return st;
}

void
fed_verified_release(struct verified *v)
{
	event_free(v->ev);
	free(v->payload);
	free(v->envelope_owned);
	json_decref(v->content);
	json_decref(v->withheld);
	json_decref(v->values);
	memset(v, 0, sizeof(*v));
}

int
fed_rotation_parse(json_t *data, unsigned char raw[ED25519_PUBLIC_KEY_LEN], const char **kid)
{
	const char *k = json_string_value(json_object_get(data, "kid"));
	const char *x = json_string_value(json_object_get(data, "x"));
	char thumb[KEY_ID_LEN + 1];
	if (!k || !x || b64url_decode_exact(x, strlen(x), raw, ED25519_PUBLIC_KEY_LEN) < 0)
		return -1;
	key_thumbprint(raw, thumb);
	if (strcmp(thumb, k) != 0)
		return -1;
	*kid = k;
	return 0;
}

int
fed_revocation_parse(long long seq, json_t *data, const char **kid, long long *last_seq)
{
	const char *k = json_string_value(json_object_get(data, "kid"));
	json_t *last = json_object_get(data, "last_seq");
	json_t *reason = json_object_get(data, "reason");
	if (!k || !json_is_integer(last) || json_integer_value(last) < 0 ||
	    json_integer_value(last) >= seq || (reason && !json_is_string(reason)))
		return -1;
	*kid = k;
	*last_seq = (long long)json_integer_value(last);
	return 0;
}
