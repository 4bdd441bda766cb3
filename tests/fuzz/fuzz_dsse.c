// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * DSSE envelopes (protocol/src/dsse.c): the strict parse of any bytes a peer sends, then the
 * verification against a known key, which no fuzzed envelope may pass unless it carries that
 * key's real signature; and the round trip: an envelope we sign over the fuzzed payload parses
 * back to the same payload and verifies.
 */
#include "fuzz.h"

#include "common/log.h"
#include "protocol/dsse.h"

static struct signing_key *key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_ERROR);
	static const unsigned char seed[ED25519_SEED_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	key = signing_key_from_seed(seed);
	FUZZ_CHECK(key != NULL);
	return 0;
}

static const struct verify_key *
resolve(const char *keyid, void *arg)
{
	(void)arg;
	const struct verify_key *k = signing_key_public(key);
	return strcmp(keyid, verify_key_id(k)) == 0 ? k : NULL;
}

/* Whether env holds, for our key, the signature we would make (Ed25519 is deterministic). */
static bool
has_our_signature(const struct dsse_envelope *env)
{
	struct strbuf pae = STRBUF_INIT;
	unsigned char sig[ED25519_SIGNATURE_LEN];
	bool found = false;
	dsse_pae(&pae, env->payload_type, env->payload, env->payload_len);
	FUZZ_CHECK(signing_key_sign(key, pae.buf, pae.len, sig) == 0);
	for (size_t i = 0; i < env->nr_sigs; i++)
		found |= strcmp(env->sigs[i].keyid, signing_key_id(key)) == 0 &&
			 memcmp(env->sigs[i].sig, sig, sizeof(sig)) == 0;
	strbuf_release(&pae);
	return found;
}

static void
check_parse(const uint8_t *data, size_t size)
{
	struct dsse_envelope *env = NULL;
	const char *reason = NULL;
	enum status st = dsse_envelope_parse(data, size, &env, &reason);
	if (st != STATUS_OK) {
		FUZZ_CHECK(env == NULL && reason != NULL);
		return;
	}
	FUZZ_CHECK(env->nr_sigs >= 1 && env->nr_sigs <= DSSE_MAX_SIGNATURES);
	FUZZ_CHECK(env->payload_len <= DSSE_PAYLOAD_MAX_LEN);
	FUZZ_CHECK(env->payload[env->payload_len] == '\0');
	size_t tlen = strlen(env->payload_type);
	FUZZ_CHECK(tlen >= 1 && tlen <= DSSE_PAYLOAD_TYPE_MAX_LEN);
	for (size_t i = 0; i < env->nr_sigs; i++) {
		size_t klen = strlen(env->sigs[i].keyid);
		FUZZ_CHECK(klen >= 1 && klen <= DSSE_KEYID_MAX_LEN);
	}
	const char *keyid = NULL;
	reason = NULL;
	st = dsse_envelope_verify(env, env->payload_type, resolve, NULL, &keyid, &reason);
	FUZZ_CHECK((st == STATUS_OK) == has_our_signature(env));
	FUZZ_CHECK(st == STATUS_OK ? keyid != NULL : reason != NULL);
	dsse_envelope_free(env);
}

static void
check_round_trip(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT;
	if (dsse_sign(&out, key, DSSE_PAYLOAD_TYPE_EVENT, data, size) < 0) {
		FUZZ_CHECK(size > DSSE_PAYLOAD_MAX_LEN);
		strbuf_release(&out);
		return;
	}
	struct dsse_envelope *env = NULL;
	const char *reason = NULL;
	FUZZ_CHECK(dsse_envelope_parse(out.buf, out.len, &env, &reason) == STATUS_OK);
	FUZZ_CHECK(env->payload_len == size && (size == 0 || !memcmp(env->payload, data, size)));
	FUZZ_CHECK(dsse_envelope_verify(env, DSSE_PAYLOAD_TYPE_EVENT, resolve, NULL, NULL,
					&reason) == STATUS_OK);
	dsse_envelope_free(env);
	strbuf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_parse(data, size);
	check_round_trip(data, size);
	return 0;
}
