// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * DSSE v1: the pre-authentication encoding, signing an event payload into an envelope, and the
 * strict parse and key-resolving verification of envelopes received from peers.
 */
#include "protocol/dsse.h"

#include "common/log.h"
#include "common/xalloc.h"
#include "protocol/b64.h"
#include "strict_json.h"

#include <jansson.h>
#include <string.h>

void
dsse_pae(struct strbuf *out, const char *payload_type, const void *payload, size_t payload_len)
{
	size_t type_len = strlen(payload_type);

	strbuf_addf(out, "DSSEv1 %zu ", type_len);
	strbuf_add(out, payload_type, type_len);
	strbuf_addf(out, " %zu ", payload_len);
	strbuf_add(out, payload, payload_len);
}

int
dsse_sign(struct strbuf *out, const struct signing_key *key, const char *payload_type,
	  const void *payload, size_t payload_len)
{
	struct strbuf pae = STRBUF_INIT;
	struct strbuf b64 = STRBUF_INIT;
	unsigned char sig[ED25519_SIGNATURE_LEN];
	json_t *env = NULL;
	char *text = NULL;
	int ret = -1;

	if (payload_len > DSSE_PAYLOAD_MAX_LEN) {
		log_error("could not sign envelope: payload of %zu bytes is over %d", payload_len,
			  DSSE_PAYLOAD_MAX_LEN);
		goto out;
	}
	if (!*payload_type || strlen(payload_type) > DSSE_PAYLOAD_TYPE_MAX_LEN) {
		log_error("could not sign envelope: bad payload type \"%s\"", payload_type);
		goto out;
	}
	dsse_pae(&pae, payload_type, payload, payload_len);
	if (signing_key_sign(key, pae.buf, pae.len, sig) < 0)
		goto out;

	b64_encode(&b64, payload, payload_len);
	env = json_object();
	json_object_set_new(env, "payloadType", json_string(payload_type));
	json_object_set_new(env, "payload", json_stringn(b64.buf, b64.len));
	strbuf_reset(&b64);
	b64_encode(&b64, sig, sizeof(sig));
	json_object_set_new(
		env, "signatures",
		json_pack("[{s:s, s:s}]", "keyid", signing_key_id(key), "sig", b64.buf));
	text = json_dumps(env, JSON_COMPACT);
	if (!text) {
		log_error("could not encode envelope as JSON");
		goto out;
	}
	strbuf_addstr(out, text);
	ret = 0;
out:
	free(text);
	json_decref(env);
	strbuf_release(&b64);
	strbuf_release(&pae);
	return ret;
}

static const char *const envelope_members[] = {"payloadType", "payload", "signatures"};
static const char *const signature_members[] = {"keyid", "sig"};

/* Whether root has the envelope's members, of the right types and sizes. */
static bool
envelope_shape_is_valid(const json_t *root)
{
	const json_t *type = json_object_get(root, "payloadType");
	const json_t *sigs = json_object_get(root, "signatures");

	return strict_json_has_members(root, envelope_members, ARRAY_SIZE(envelope_members)) &&
	       json_is_string(type) && json_is_string(json_object_get(root, "payload")) &&
	       json_is_array(sigs) && json_string_length(type) &&
	       json_string_length(type) <= DSSE_PAYLOAD_TYPE_MAX_LEN && json_array_size(sigs) &&
	       json_array_size(sigs) <= DSSE_MAX_SIGNATURES;
}

/* Decode the payload's base64 text b64 into out; returns the status and sets *why on failure. */
static enum status
decode_payload(const json_t *b64, struct strbuf *out, const char **why)
{
	/* Base64 grows by 4/3: check the encoded size before spending time decoding. */
	if (json_string_length(b64) > b64_encoded_len(DSSE_PAYLOAD_MAX_LEN)) {
		*why = "payload_too_large";
		return STATUS_TOO_LARGE;
	}
	if (b64_decode(out, json_string_value(b64), json_string_length(b64)) < 0) {
		*why = "bad_base64";
		return STATUS_INVALID;
	}
	/* 4 characters per 3 bytes still lets one or two bytes over the limit through. */
	if (out->len > DSSE_PAYLOAD_MAX_LEN) {
		*why = "payload_too_large";
		return STATUS_TOO_LARGE;
	}
	return STATUS_OK;
}

/* Read the signatures array sigs into env; returns NULL or the reason. */
static const char *
read_signatures(struct dsse_envelope *env, const json_t *sigs)
{
	env->sigs = xcalloc(json_array_size(sigs), sizeof(*env->sigs));
	for (size_t i = 0; i < json_array_size(sigs); i++) {
		const json_t *s = json_array_get(sigs, i);
		const json_t *keyid = json_object_get(s, "keyid");
		const json_t *sig = json_object_get(s, "sig");

		if (!strict_json_has_strings(s, signature_members, ARRAY_SIZE(signature_members)) ||
		    !json_string_length(keyid) || json_string_length(keyid) > DSSE_KEYID_MAX_LEN)
			return "malformed_envelope";
		if (b64_decode_exact(json_string_value(sig), json_string_length(sig),
				     env->sigs[i].sig, ED25519_SIGNATURE_LEN) < 0) {
			struct strbuf probe = STRBUF_INIT;
			/* Tell bad base64 apart from good base64 of the wrong length. */
			int bad =
				b64_decode(&probe, json_string_value(sig), json_string_length(sig));

			strbuf_release(&probe);
			return bad < 0 ? "bad_base64" : "malformed_envelope";
		}
		env->sigs[i].keyid = xstrdup(json_string_value(keyid));
		env->nr_sigs++;
	}
	return NULL;
}

enum status
dsse_envelope_parse(const void *bytes, size_t len, struct dsse_envelope **out, const char **reason)
{
	struct dsse_envelope *env = NULL;
	struct strbuf payload = STRBUF_INIT;
	const char *why = NULL;
	json_t *root;
	enum status st;

	*out = NULL;
	st = strict_json_load(bytes, len, DSSE_ENVELOPE_MAX_LEN, &root, &why);
	if (st != STATUS_OK)
		goto out;
	st = STATUS_INVALID;
	why = "malformed_envelope";
	if (!envelope_shape_is_valid(root))
		goto out;
	st = decode_payload(json_object_get(root, "payload"), &payload, &why);
	if (st != STATUS_OK)
		goto out;
	env = xcalloc(1, sizeof(*env));
	why = read_signatures(env, json_object_get(root, "signatures"));
	if (why) {
		st = STATUS_INVALID;
		goto out;
	}
	env->payload_type = xstrdup(json_string_value(json_object_get(root, "payloadType")));
	env->payload = (unsigned char *)strbuf_detach(&payload, &env->payload_len);
	*out = env;
	env = NULL;
out:
	if (why && reason)
		*reason = why;
	dsse_envelope_free(env);
	strbuf_release(&payload);
	json_decref(root);
	return st;
}

void
dsse_envelope_free(struct dsse_envelope *env)
{
	if (!env)
		return;
	for (size_t i = 0; i < env->nr_sigs; i++)
		free(env->sigs[i].keyid);
	free(env->sigs);
	free(env->payload_type);
	free(env->payload);
	free(env);
}

enum status
dsse_envelope_verify(const struct dsse_envelope *env, const char *payload_type,
		     dsse_resolve_fn *resolve, void *arg, const char **keyid_out,
		     const char **reason)
{
	struct strbuf pae = STRBUF_INIT;
	enum status st = STATUS_UNAUTHORIZED;
	const char *why = "unknown_key";

	if (strcmp(env->payload_type, payload_type)) {
		st = STATUS_INVALID;
		why = "wrong_payload_type";
		goto out;
	}
	dsse_pae(&pae, env->payload_type, env->payload, env->payload_len);
	for (size_t i = 0; i < env->nr_sigs; i++) {
		const struct verify_key *key = resolve(env->sigs[i].keyid, arg);

		if (!key || strcmp(verify_key_id(key), env->sigs[i].keyid))
			continue;
		why = "bad_signature";
		if (verify_key_verify(key, pae.buf, pae.len, env->sigs[i].sig)) {
			if (keyid_out)
				*keyid_out = env->sigs[i].keyid;
			st = STATUS_OK;
			why = NULL;
			break;
		}
	}
out:
	if (why && reason)
		*reason = why;
	strbuf_release(&pae);
	return st;
}
