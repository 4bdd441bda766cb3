// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Unit tests for protocol/dsse: PAE bytes from the DSSE spec, envelope bytes, verification with
 * a keyid resolver (rotation, unknown keys, tampering) and the strict parser's refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocol/b64.h"
#include "protocol/dsse.h"

#include <stdlib.h>
#include <string.h>

static struct signing_key *old_key, *new_key, *stranger;

static int
setup(void **state)
{
	(void)state;
	old_key = signing_key_generate();
	new_key = signing_key_generate();
	stranger = signing_key_generate();
	return old_key && new_key && stranger ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	signing_key_free(old_key);
	signing_key_free(new_key);
	signing_key_free(stranger);
	return 0;
}

/* The pinned keys of a peer that rotated from old_key to new_key. */
static const struct verify_key *
resolve_peer(const char *keyid, void *arg)
{
	(void)arg;
	if (!strcmp(keyid, signing_key_id(old_key)))
		return signing_key_public(old_key);
	if (!strcmp(keyid, signing_key_id(new_key)))
		return signing_key_public(new_key);
	return NULL;
}

/* A broken resolver that answers any keyid with new_key. */
static const struct verify_key *
resolve_anything(const char *keyid, void *arg)
{
	(void)keyid;
	(void)arg;
	return signing_key_public(new_key);
}

static void
test_pae(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	dsse_pae(&sb, "http://example.com/HelloWorld", "hello world", 11);
	assert_string_equal(sb.buf, "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
	strbuf_reset(&sb);
	dsse_pae(&sb, "", NULL, 0);
	assert_string_equal(sb.buf, "DSSEv1 0  0 ");
	strbuf_reset(&sb);
	/* LEN counts bytes, and the body may hold anything, NULs included. */
	dsse_pae(&sb, "t", "a\0\xc3\xa9", 4);
	assert_int_equal(sb.len, strlen("DSSEv1 1 t 4 ") + 4);
	assert_memory_equal(sb.buf, "DSSEv1 1 t 4 a\0\xc3\xa9", sb.len);
	strbuf_release(&sb);
}

static void
test_envelope_bytes(void **state)
{
	static const char payload[] = "{\"v\":1}";
	struct strbuf env = STRBUF_INIT, pae = STRBUF_INIT, want = STRBUF_INIT;
	unsigned char sig[64];

	(void)state;
	assert_int_equal(dsse_sign(&env, new_key, DSSE_PAYLOAD_TYPE_EVENT, payload, 7), 0);
	/* Ed25519 is deterministic, so the exact bytes are known. */
	dsse_pae(&pae, DSSE_PAYLOAD_TYPE_EVENT, payload, 7);
	assert_int_equal(signing_key_sign(new_key, pae.buf, pae.len, sig), 0);
	strbuf_addstr(&want, "{\"payloadType\":\"application/vnd.baladiya.event+json\","
			     "\"payload\":\"eyJ2IjoxfQ==\",\"signatures\":[{\"keyid\":\"");
	strbuf_addstr(&want, signing_key_id(new_key));
	strbuf_addstr(&want, "\",\"sig\":\"");
	b64_encode(&want, sig, 64);
	strbuf_addstr(&want, "\"}]}");
	assert_string_equal(env.buf, want.buf);
	strbuf_release(&env);
	strbuf_release(&pae);
	strbuf_release(&want);
}

static void
test_sign_parse_verify(void **state)
{
	static const char payload[] = "{\"v\":1,\"data\":{\"t\":\"Bienvenue à la mairie\"}}";
	struct strbuf env = STRBUF_INIT;
	struct dsse_envelope *e = NULL;
	const char *reason = NULL, *keyid = NULL;

	(void)state;
	assert_int_equal(
		dsse_sign(&env, new_key, DSSE_PAYLOAD_TYPE_EVENT, payload, strlen(payload)), 0);
	assert_int_equal(dsse_envelope_parse(env.buf, env.len, &e, &reason), STATUS_OK);
	assert_string_equal(e->payload_type, DSSE_PAYLOAD_TYPE_EVENT);
	assert_int_equal(e->payload_len, strlen(payload));
	assert_memory_equal(e->payload, payload, strlen(payload));
	assert_int_equal(e->nr_sigs, 1);
	assert_string_equal(e->sigs[0].keyid, signing_key_id(new_key));
	assert_int_equal(dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_peer, NULL,
					      &keyid, &reason),
			 STATUS_OK);
	assert_string_equal(keyid, signing_key_id(new_key));

	assert_int_equal(
		dsse_envelope_verify(e, "application/json", resolve_peer, NULL, NULL, &reason),
		STATUS_INVALID);
	assert_string_equal(reason, "wrong_payload_type");

	/* The broken resolver's key has another thumbprint than an unknown keyid: refused. */
	free(e->sigs[0].keyid);
	e->sigs[0].keyid = strdup("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
	assert_int_equal(dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_anything, NULL,
					      NULL, &reason),
			 STATUS_UNAUTHORIZED);
	assert_string_equal(reason, "unknown_key");
	dsse_envelope_free(e);
	strbuf_release(&env);
}

static void
test_rotation_and_unknown(void **state)
{
	static const char payload[] = "{}";
	struct strbuf env = STRBUF_INIT;
	struct dsse_envelope *e = NULL;
	const char *reason = NULL, *keyid = NULL;

	(void)state;
	/* An event signed years ago with a rotated-out key still verifies. */
	assert_int_equal(dsse_sign(&env, old_key, DSSE_PAYLOAD_TYPE_EVENT, payload, 2), 0);
	assert_int_equal(dsse_envelope_parse(env.buf, env.len, &e, &reason), STATUS_OK);
	assert_int_equal(dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_peer, NULL,
					      &keyid, &reason),
			 STATUS_OK);
	assert_string_equal(keyid, signing_key_id(old_key));
	dsse_envelope_free(e);
	strbuf_reset(&env);

	assert_int_equal(dsse_sign(&env, stranger, DSSE_PAYLOAD_TYPE_EVENT, payload, 2), 0);
	assert_int_equal(dsse_envelope_parse(env.buf, env.len, &e, &reason), STATUS_OK);
	assert_int_equal(
		dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_peer, NULL, NULL, &reason),
		STATUS_UNAUTHORIZED);
	assert_string_equal(reason, "unknown_key");

	/* A stranger's signature carrying our peer's keyid: a known key that does not verify. */
	free(e->sigs[0].keyid);
	e->sigs[0].keyid = strdup(signing_key_id(new_key));
	assert_int_equal(
		dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_peer, NULL, NULL, &reason),
		STATUS_UNAUTHORIZED);
	assert_string_equal(reason, "bad_signature");
	dsse_envelope_free(e);
	strbuf_release(&env);
}

/* Build an envelope from parts, for hand-made inputs. */
static char *
envelope_text(const char *payload, const struct signing_key *key, const char *keyid)
{
	struct strbuf pae = STRBUF_INIT, sb = STRBUF_INIT;
	unsigned char sig[64];

	dsse_pae(&pae, DSSE_PAYLOAD_TYPE_EVENT, payload, strlen(payload));
	assert_int_equal(signing_key_sign(key, pae.buf, pae.len, sig), 0);
	strbuf_addstr(&sb, "{\"payloadType\":\"" DSSE_PAYLOAD_TYPE_EVENT "\",\"payload\":\"");
	b64_encode(&sb, payload, strlen(payload));
	strbuf_addf(&sb, "\",\"signatures\":[{\"keyid\":\"stranger\",\"sig\":\"");
	b64_encode(&sb, sig, 64);
	strbuf_addf(&sb, "\"},{\"keyid\":\"%s\",\"sig\":\"", keyid);
	b64_encode(&sb, sig, 64);
	strbuf_addstr(&sb, "\"}]}");
	strbuf_release(&pae);
	return strbuf_detach(&sb, NULL);
}

static void
test_multiple_signatures_and_tampering(void **state)
{
	char *text = envelope_text("{\"n\":1}", new_key, signing_key_id(new_key));
	struct dsse_envelope *e = NULL;
	const char *reason = NULL, *keyid = NULL;
	char *p;

	(void)state;
	assert_int_equal(dsse_envelope_parse(text, strlen(text), &e, &reason), STATUS_OK);
	assert_int_equal(e->nr_sigs, 2);
	assert_int_equal(dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_peer, NULL,
					      &keyid, &reason),
			 STATUS_OK);
	assert_string_equal(keyid, signing_key_id(new_key));
	/* Tamper with the decoded payload: {"n":2}. */
	e->payload[5] = '2';
	assert_int_equal(
		dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_peer, NULL, NULL, &reason),
		STATUS_UNAUTHORIZED);
	assert_string_equal(reason, "bad_signature");
	dsse_envelope_free(e);

	/* Tamper with the base64 text of the payload: still parses, no longer verifies. */
	p = strstr(text, "\"payload\":\"") + strlen("\"payload\":\"");
	p[1] = p[1] == 'A' ? 'B' : 'A';
	assert_int_equal(dsse_envelope_parse(text, strlen(text), &e, &reason), STATUS_OK);
	assert_int_equal(
		dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_peer, NULL, NULL, &reason),
		STATUS_UNAUTHORIZED);
	assert_string_equal(reason, "bad_signature");
	dsse_envelope_free(e);
	free(text);
}

#define SIG88                                                                                      \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
#define ONE_SIG "[{\"keyid\":\"k\",\"sig\":\"" SIG88 "\"}]"
#define TYPE "\"payloadType\":\"t\""

static void
test_malformed(void **state)
{
	static const struct {
		const char *text;
		const char *reason;
	} cases[] = {
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":" ONE_SIG "}", NULL},
		{"", "malformed_json"},
		{"not json", "malformed_json"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":" ONE_SIG "} x", "malformed_json"},
		{"{" TYPE ",\"payload\":\"\xff\",\"signatures\":" ONE_SIG "}", "malformed_json"},
		{"[]", "malformed_envelope"},
		{"{" TYPE "," TYPE ",\"payload\":\"e30=\",\"signatures\":" ONE_SIG "}",
		 "duplicate_key"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"k\",\"keyid\":\"k\","
		 "\"sig\":\"" SIG88 "\"}]}",
		 "duplicate_key"},
		{"{" TYPE ",\"payload\":\"e30=\"}", "malformed_envelope"},
		{"{\"payload\":\"e30=\",\"signatures\":" ONE_SIG "}", "malformed_envelope"},
		{"{" TYPE ",\"signatures\":" ONE_SIG "}", "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":" ONE_SIG ",\"x\":1}",
		 "malformed_envelope"},
		{"{\"payloadType\":1,\"payload\":\"e30=\",\"signatures\":" ONE_SIG "}",
		 "malformed_envelope"},
		{"{\"payloadType\":\"\",\"payload\":\"e30=\",\"signatures\":" ONE_SIG "}",
		 "malformed_envelope"},
		{"{" TYPE ",\"payload\":null,\"signatures\":" ONE_SIG "}", "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":{}}", "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[]}", "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[1]}", "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[{\"sig\":\"" SIG88 "\"}]}",
		 "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"k\"}]}",
		 "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"" SIG88
		 "\"}]}",
		 "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":7,\"sig\":\"" SIG88
		 "\"}]}",
		 "malformed_envelope"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"" SIG88
		 "\",\"x\":0}]}",
		 "malformed_envelope"},
		{"{" TYPE
		 ",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AAAA\"}]}",
		 "malformed_envelope"},
		{"{" TYPE
		 ",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"A!AA\"}]}",
		 "bad_base64"},
		{"{" TYPE ",\"payload\":\"e30\",\"signatures\":" ONE_SIG "}", "bad_base64"},
		{"{" TYPE ",\"payload\":\"e3 0=\",\"signatures\":" ONE_SIG "}", "bad_base64"},
		{"{" TYPE ",\"payload\":\"e31=\",\"signatures\":" ONE_SIG "}", "bad_base64"},
		{"{" TYPE ",\"payload\":\"e30=\",\"signatures\":[" ONE_SIG "]}",
		 "malformed_envelope"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dsse_envelope *e = (void *)1;
		const char *reason = NULL;
		enum status st =
			dsse_envelope_parse(cases[i].text, strlen(cases[i].text), &e, &reason);

		if (!cases[i].reason) {
			assert_int_equal(st, STATUS_OK);
			dsse_envelope_free(e);
			continue;
		}
		if (st != STATUS_INVALID || !reason || strcmp(reason, cases[i].reason))
			fail_msg("case %zu: got %d %s, want %s", i, st, reason ? reason : "(null)",
				 cases[i].reason);
		assert_null(e);
	}
}

static void
test_too_many_signatures(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct dsse_envelope *e;
	const char *reason = NULL;

	(void)state;
	strbuf_addstr(&sb, "{" TYPE ",\"payload\":\"e30=\",\"signatures\":[");
	for (int i = 0; i < DSSE_MAX_SIGNATURES; i++)
		strbuf_addf(&sb, "%s{\"keyid\":\"k%d\",\"sig\":\"" SIG88 "\"}", i ? "," : "", i);
	strbuf_addstr(&sb, "]}");
	assert_int_equal(dsse_envelope_parse(sb.buf, sb.len, &e, &reason), STATUS_OK);
	assert_int_equal(e->nr_sigs, DSSE_MAX_SIGNATURES);
	dsse_envelope_free(e);
	strbuf_setlen(&sb, sb.len - 2);
	strbuf_addstr(&sb, ",{\"keyid\":\"k\",\"sig\":\"" SIG88 "\"}]}");
	assert_int_equal(dsse_envelope_parse(sb.buf, sb.len, &e, &reason), STATUS_INVALID);
	assert_string_equal(reason, "malformed_envelope");
	strbuf_release(&sb);
}

static void
test_size_limits(void **state)
{
	struct strbuf payload = STRBUF_INIT, env = STRBUF_INIT;
	struct dsse_envelope *e = NULL;
	const char *reason = NULL;

	(void)state;
	/* Exactly 64 KiB of payload is fine, signing and parsing. */
	for (int i = 0; i < DSSE_PAYLOAD_MAX_LEN; i++)
		strbuf_addch(&payload, 'a' + i % 26);
	assert_int_equal(
		dsse_sign(&env, new_key, DSSE_PAYLOAD_TYPE_EVENT, payload.buf, payload.len), 0);
	assert_true(env.len <= DSSE_ENVELOPE_MAX_LEN);
	assert_int_equal(dsse_envelope_parse(env.buf, env.len, &e, &reason), STATUS_OK);
	assert_int_equal(
		dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_peer, NULL, NULL, &reason),
		STATUS_OK);
	dsse_envelope_free(e);

	/* One byte more: the signer refuses, and so does the parser (same base64 length!). */
	strbuf_addch(&payload, 'z');
	strbuf_reset(&env);
	assert_int_equal(
		dsse_sign(&env, new_key, DSSE_PAYLOAD_TYPE_EVENT, payload.buf, payload.len), -1);
	assert_int_equal(env.len, 0);
	strbuf_addstr(&env, "{" TYPE ",\"payload\":\"");
	b64_encode(&env, payload.buf, payload.len);
	strbuf_addstr(&env, "\",\"signatures\":" ONE_SIG "}");
	assert_true(env.len <= DSSE_ENVELOPE_MAX_LEN);
	assert_int_equal(dsse_envelope_parse(env.buf, env.len, &e, &reason), STATUS_TOO_LARGE);
	assert_string_equal(reason, "payload_too_large");

	/* Several bytes more: rejected on the base64 length alone. */
	strbuf_addstr(&payload, "zzzzzz");
	strbuf_reset(&env);
	strbuf_addstr(&env, "{" TYPE ",\"payload\":\"");
	b64_encode(&env, payload.buf, payload.len);
	strbuf_addstr(&env, "\",\"signatures\":" ONE_SIG "}");
	assert_int_equal(dsse_envelope_parse(env.buf, env.len, &e, &reason), STATUS_TOO_LARGE);
	assert_string_equal(reason, "payload_too_large");

	/* An envelope over 96 KiB is refused before parsing, even if it is not JSON. */
	strbuf_reset(&env);
	for (int i = 0; i <= DSSE_ENVELOPE_MAX_LEN; i++)
		strbuf_addch(&env, ' ');
	assert_int_equal(dsse_envelope_parse(env.buf, env.len, &e, &reason), STATUS_TOO_LARGE);
	assert_string_equal(reason, "payload_too_large");
	assert_null(e);
	strbuf_release(&payload);
	strbuf_release(&env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pae),
		cmocka_unit_test(test_envelope_bytes),
		cmocka_unit_test(test_sign_parse_verify),
		cmocka_unit_test(test_rotation_and_unknown),
		cmocka_unit_test(test_multiple_signatures_and_tampering),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_signatures),
		cmocka_unit_test(test_size_limits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
