// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Unit tests for protocol/webhook: Standard Webhooks v1a signing and verification, the ±300 s
 * window at its edges, signature lists and rotation, and header syntax.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocol/webhook.h"

#include <string.h>

#define TS 1795676400
#define TS_STR "1795676400"
#define ID "msg_official_42"

static const char body[] = "{\"payloadType\":\"x\"}";
static struct signing_key *key, *old_key, *stranger;
static const struct verify_key *keys[2];

static int
setup(void **state)
{
	(void)state;
	key = signing_key_generate();
	old_key = signing_key_generate();
	stranger = signing_key_generate();
	if (!key || !old_key || !stranger)
		return -1;
	keys[0] = signing_key_public(old_key);
	keys[1] = signing_key_public(key);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	signing_key_free(key);
	signing_key_free(old_key);
	signing_key_free(stranger);
	return 0;
}

static enum webhook_result
verify(const char *id, const char *ts, const char *sig, int64_t now)
{
	return webhook_verify(keys, 2, id, ts, sig, body, strlen(body), now);
}

static void
test_sign_and_verify(void **state)
{
	struct strbuf sig = STRBUF_INIT;

	(void)state;
	assert_int_equal(webhook_sign(&sig, key, ID, TS, body, strlen(body)), 0);
	assert_int_equal(sig.len, 4 + 88);
	assert_memory_equal(sig.buf, "v1a,", 4);
	assert_int_equal(verify(ID, TS_STR, sig.buf, TS), WEBHOOK_OK);
	/* Only the peer's pinned keys count. */
	assert_int_equal(webhook_verify(keys, 1, ID, TS_STR, sig.buf, body, strlen(body), TS),
			 WEBHOOK_BAD_SIGNATURE);
	assert_int_equal(webhook_verify(NULL, 0, ID, TS_STR, sig.buf, body, strlen(body), TS),
			 WEBHOOK_BAD_SIGNATURE);
	/* Tampering with the body, the id or the timestamp. */
	assert_int_equal(webhook_verify(keys, 2, ID, TS_STR, sig.buf, body, strlen(body) - 1, TS),
			 WEBHOOK_BAD_SIGNATURE);
	assert_int_equal(verify("msg_official_43", TS_STR, sig.buf, TS), WEBHOOK_BAD_SIGNATURE);
	assert_int_equal(verify(ID, "1795676401", sig.buf, TS), WEBHOOK_BAD_SIGNATURE);
	strbuf_release(&sig);
}

static void
test_timestamp_window(void **state)
{
	struct strbuf sig = STRBUF_INIT;

	(void)state;
	assert_int_equal(webhook_sign(&sig, key, ID, TS, body, strlen(body)), 0);
	assert_int_equal(verify(ID, TS_STR, sig.buf, TS + 300), WEBHOOK_OK);
	assert_int_equal(verify(ID, TS_STR, sig.buf, TS - 300), WEBHOOK_OK);
	assert_int_equal(verify(ID, TS_STR, sig.buf, TS + 301), WEBHOOK_STALE_TIMESTAMP);
	assert_int_equal(verify(ID, TS_STR, sig.buf, TS - 301), WEBHOOK_STALE_TIMESTAMP);
	assert_int_equal(verify(ID, TS_STR, sig.buf, 0), WEBHOOK_STALE_TIMESTAMP);
	assert_int_equal(verify(ID, TS_STR, sig.buf, INT64_MIN), WEBHOOK_STALE_TIMESTAMP);
	assert_int_equal(verify(ID, "9223372036854775807", sig.buf, INT64_MIN),
			 WEBHOOK_STALE_TIMESTAMP);
	/* The window is checked before the signature. */
	assert_int_equal(verify(ID, "1", sig.buf, TS), WEBHOOK_STALE_TIMESTAMP);
	strbuf_release(&sig);

	/* Timestamp 0 is well-formed (just old). */
	assert_int_equal(webhook_sign(&sig, key, ID, 0, body, strlen(body)), 0);
	assert_int_equal(verify(ID, "0", sig.buf, 300), WEBHOOK_OK);
	strbuf_release(&sig);
}

static void
test_signature_lists(void **state)
{
	struct strbuf good = STRBUF_INIT, other = STRBUF_INIT, old = STRBUF_INIT;
	struct strbuf h = STRBUF_INIT;

	(void)state;
	assert_int_equal(webhook_sign(&good, key, ID, TS, body, strlen(body)), 0);
	assert_int_equal(webhook_sign(&other, stranger, ID, TS, body, strlen(body)), 0);
	assert_int_equal(webhook_sign(&old, old_key, ID, TS, body, strlen(body)), 0);

	/* An HMAC v1 entry (Standard Webhooks' own example) is ignored, ours passes. */
	strbuf_addf(&h, "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= %s", good.buf);
	assert_int_equal(verify(ID, TS_STR, h.buf, TS), WEBHOOK_OK);
	strbuf_reset(&h);
	strbuf_addf(&h, "%s %s", other.buf, good.buf);
	assert_int_equal(verify(ID, TS_STR, h.buf, TS), WEBHOOK_OK);
	strbuf_reset(&h);
	strbuf_addf(&h, "%s  %s", good.buf, other.buf);
	assert_int_equal(verify(ID, TS_STR, h.buf, TS), WEBHOOK_OK);
	strbuf_reset(&h);
	strbuf_addf(&h, "v2,whatever-future-format %s", good.buf);
	assert_int_equal(verify(ID, TS_STR, h.buf, TS), WEBHOOK_OK);
	/* The sender's old key, still pinned during a rotation. */
	assert_int_equal(verify(ID, TS_STR, old.buf, TS), WEBHOOK_OK);

	assert_int_equal(verify(ID, TS_STR, other.buf, TS), WEBHOOK_BAD_SIGNATURE);
	assert_int_equal(verify(ID, TS_STR, "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=", TS),
			 WEBHOOK_BAD_SIGNATURE);
	/* The spec's example header is well-formed for us (just not signed by our peer). */
	assert_int_equal(verify(ID, TS_STR,
				"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= "
				"v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/"
				"enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3"
				"mNl8EM+m7TBAg==",
				TS),
			 WEBHOOK_BAD_SIGNATURE);

	/* A flipped bit in the signature. */
	strbuf_reset(&h);
	strbuf_addbuf(&h, &good);
	h.buf[10] = h.buf[10] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(ID, TS_STR, h.buf, TS), WEBHOOK_BAD_SIGNATURE);

	/* 16 entries are fine, 17 are not. */
	strbuf_reset(&h);
	for (int i = 0; i < WEBHOOK_MAX_SIGNATURES - 1; i++)
		strbuf_addstr(&h, "v1,x ");
	strbuf_addbuf(&h, &good);
	assert_int_equal(verify(ID, TS_STR, h.buf, TS), WEBHOOK_OK);
	strbuf_addstr(&h, " v1,x");
	assert_int_equal(verify(ID, TS_STR, h.buf, TS), WEBHOOK_MALFORMED);

	strbuf_release(&good);
	strbuf_release(&other);
	strbuf_release(&old);
	strbuf_release(&h);
}

static void
test_malformed(void **state)
{
	struct strbuf good = STRBUF_INIT, sb = STRBUF_INIT;
	char id[WEBHOOK_ID_MAX_LEN + 2];

	(void)state;
	assert_int_equal(webhook_sign(&good, key, ID, TS, body, strlen(body)), 0);

	static const char *const bad_ids[] = {"", "msg.42", "msg 42", "msg\t42", "msg\xc3\xa9"};
	assert_int_equal(verify(NULL, TS_STR, good.buf, TS), WEBHOOK_MALFORMED);
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++)
		assert_int_equal(verify(bad_ids[i], TS_STR, good.buf, TS), WEBHOOK_MALFORMED);
	memset(id, 'a', sizeof(id));
	id[WEBHOOK_ID_MAX_LEN] = '\0';
	assert_true(webhook_id_is_valid(id));
	assert_int_equal(verify(id, TS_STR, good.buf, TS), WEBHOOK_BAD_SIGNATURE);
	id[WEBHOOK_ID_MAX_LEN] = 'a';
	id[WEBHOOK_ID_MAX_LEN + 1] = '\0';
	assert_false(webhook_id_is_valid(id));
	assert_int_equal(verify(id, TS_STR, good.buf, TS), WEBHOOK_MALFORMED);

	static const char *const bad_ts[] = {"",
					     "-1",
					     "+1795676400",
					     "01795676400",
					     "1e9",
					     "17956764 00",
					     " 1795676400",
					     "1795676400 ",
					     "0x10",
					     "9223372036854775808",
					     "17956764000000000000"};
	assert_int_equal(verify(ID, NULL, good.buf, TS), WEBHOOK_MALFORMED);
	for (size_t i = 0; i < sizeof(bad_ts) / sizeof(bad_ts[0]); i++)
		assert_int_equal(verify(ID, bad_ts[i], good.buf, TS), WEBHOOK_MALFORMED);

	static const char *const bad_sigs[] = {
		"",
		" ",
		"v1a",
		",abc",
		"V1A,abc",
		"v1a,",
		"v1a,not base64",
		"v1a,!!!!",
		/* base64 of 63 bytes */
		"v1a,"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AA",
		/* base64 of 64 bytes without padding */
		"v1a,"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAA",
	};
	assert_int_equal(verify(ID, TS_STR, NULL, TS), WEBHOOK_MALFORMED);
	for (size_t i = 0; i < sizeof(bad_sigs) / sizeof(bad_sigs[0]); i++)
		if (verify(ID, TS_STR, bad_sigs[i], TS) != WEBHOOK_MALFORMED)
			fail_msg("signature header %zu \"%s\" accepted", i, bad_sigs[i]);
	/* A malformed entry spoils the header even next to a good one. */
	strbuf_addf(&sb, "%s v1a", good.buf);
	assert_int_equal(verify(ID, TS_STR, sb.buf, TS), WEBHOOK_MALFORMED);
	/* Oversized header. */
	strbuf_reset(&sb);
	strbuf_addbuf(&sb, &good);
	while (sb.len <= WEBHOOK_SIGNATURE_MAX_LEN)
		strbuf_addch(&sb, ' ');
	assert_int_equal(verify(ID, TS_STR, sb.buf, TS), WEBHOOK_MALFORMED);

	/* The signer refuses what the verifier would refuse. */
	strbuf_reset(&sb);
	assert_int_equal(webhook_sign(&sb, key, "a.b", TS, body, strlen(body)), -1);
	assert_int_equal(webhook_sign(&sb, key, ID, -1, body, strlen(body)), -1);
	assert_int_equal(sb.len, 0);
	strbuf_release(&good);
	strbuf_release(&sb);
}

static void
test_result_codes(void **state)
{
	(void)state;
	assert_string_equal(webhook_result_code(WEBHOOK_OK), "ok");
	assert_string_equal(webhook_result_code(WEBHOOK_MALFORMED), "malformed_webhook_headers");
	assert_string_equal(webhook_result_code(WEBHOOK_STALE_TIMESTAMP), "stale_timestamp");
	assert_string_equal(webhook_result_code(WEBHOOK_BAD_SIGNATURE), "bad_signature");
	assert_int_equal(webhook_result_status(WEBHOOK_OK), STATUS_OK);
	assert_int_equal(webhook_result_status(WEBHOOK_MALFORMED), STATUS_INVALID);
	assert_int_equal(webhook_result_status(WEBHOOK_STALE_TIMESTAMP), STATUS_UNAUTHORIZED);
	assert_int_equal(webhook_result_status(WEBHOOK_BAD_SIGNATURE), STATUS_UNAUTHORIZED);
	assert_string_equal(webhook_result_code(WEBHOOK_REVOKED_KEY), "revoked_key");
	assert_int_equal(webhook_result_status(WEBHOOK_REVOKED_KEY), STATUS_UNAUTHORIZED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_and_verify), cmocka_unit_test(test_timestamp_window),
		cmocka_unit_test(test_signature_lists), cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_result_codes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
