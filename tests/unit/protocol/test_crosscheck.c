// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Material for outside verifiers. With --emit, prints one JSON object holding a fresh key's
 * public key and JWK, two chained events, the DSSE envelope of the second and a signed webhook
 * delivery of it, for tests/integration/protocol_crypto.test.mjs to check with Node's crypto.
 * Without arguments, a cmocka test that the emitted material is complete and self-consistent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocol/b64.h"
#include "protocol/dsse.h"
#include "protocol/event.h"
#include "protocol/keys.h"
#include "protocol/webhook.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WEBHOOK_ID "msg_official_2"

static json_t *
b64_json(const void *data, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *s;

	b64_encode(&sb, data, len);
	s = json_stringn(sb.buf, sb.len);
	strbuf_release(&sb);
	return s;
}

/* Build the material; returns a new JSON object, or NULL on failure. */
static json_t *
emit(void)
{
	struct signing_key *key = signing_key_generate();
	struct strbuf ev1 = STRBUF_INIT, ev2 = STRBUF_INIT, env = STRBUF_INIT, sig = STRBUF_INIT;
	unsigned char pub[ED25519_PUBLIC_KEY_LEN];
	char prev[EVENT_HASH_HEX_LEN + 1], ts_str[24];
	const char *reason = NULL;
	json_t *out = NULL, *data1 = NULL, *data2 = NULL;
	int64_t now = (int64_t)time(NULL);
	static const struct event_ref refs[] = {{"official", "news", "1"}};

	if (!key)
		goto out;
	data1 = json_pack("{s:s, s:s}", "title", "Marché de Noël", "body",
			  "Place de la Mairie, « entrée libre » — ١٢٣");
	data2 = json_pack("{s:s, s:i, s:b}", "title", "Horaires d'hiver", "year", 2026, "pinned",
			  1);
	struct event e1 = {
		.origin = "official",
		.seq = 1,
		.prev = EVENT_GENESIS_PREV,
		.type = "news.published",
		.occurred_at = "2026-11-26T07:00:00.123Z",
		.data = data1,
	};
	if (event_build(&ev1, &e1, &reason) < 0)
		goto out;
	event_hash(ev1.buf, ev1.len, prev);
	struct event e2 = {
		.origin = "official",
		.seq = 2,
		.prev = prev,
		.type = "news.updated",
		.occurred_at = "2026-11-26T08:30:00.000Z",
		.refs = refs,
		.nr_refs = 1,
		.data = data2,
	};
	if (event_build(&ev2, &e2, &reason) < 0)
		goto out;
	if (dsse_sign(&env, key, DSSE_PAYLOAD_TYPE_EVENT, ev2.buf, ev2.len) < 0)
		goto out;
	if (webhook_sign(&sig, key, WEBHOOK_ID, now, env.buf, env.len) < 0)
		goto out;
	snprintf(ts_str, sizeof(ts_str), "%" PRId64, now);

	verify_key_raw(signing_key_public(key), pub);
	out = json_pack("{s:o, s:s, s:o, s:s, s:[o, o], s:o, s:{s:s, s:s, s:s, s:o}}", "public_key",
			b64_json(pub, sizeof(pub)), "keyid", signing_key_id(key), "jwk",
			verify_key_jwk(signing_key_public(key)), "payload_type",
			DSSE_PAYLOAD_TYPE_EVENT, "events", b64_json(ev1.buf, ev1.len),
			b64_json(ev2.buf, ev2.len), "envelope", b64_json(env.buf, env.len),
			"webhook", "id", WEBHOOK_ID, "timestamp", ts_str, "signature", sig.buf,
			"body", b64_json(env.buf, env.len));
out:
	json_decref(data1);
	json_decref(data2);
	strbuf_release(&ev1);
	strbuf_release(&ev2);
	strbuf_release(&env);
	strbuf_release(&sig);
	signing_key_free(key);
	return out;
}

/* Decode a base64 member of obj into sb. */
static void
member_bytes(const json_t *obj, const char *name, struct strbuf *sb)
{
	const json_t *v = json_object_get(obj, name);

	assert_true(json_is_string(v));
	assert_int_equal(b64_decode(sb, json_string_value(v), json_string_length(v)), 0);
}

static const struct verify_key *
resolve_one(const char *keyid, void *arg)
{
	const struct verify_key *key = arg;

	return strcmp(keyid, verify_key_id(key)) ? NULL : key;
}

static void
test_emitted_material_verifies(void **state)
{
	json_t *m = emit();
	const json_t *wh, *events;
	struct strbuf pub = STRBUF_INIT, ev1 = STRBUF_INIT, ev2 = STRBUF_INIT, env = STRBUF_INIT;
	struct strbuf body = STRBUF_INIT;
	struct dsse_envelope *e = NULL;
	struct event *parsed = NULL;
	struct verify_key *vk;
	const char *reason = NULL;
	const struct verify_key *keys[1];
	int64_t ts;

	(void)state;
	assert_non_null(m);
	member_bytes(m, "public_key", &pub);
	assert_int_equal(pub.len, ED25519_PUBLIC_KEY_LEN);
	vk = verify_key_from_raw((const unsigned char *)pub.buf);
	assert_non_null(vk);
	assert_string_equal(verify_key_id(vk), json_string_value(json_object_get(m, "keyid")));

	events = json_object_get(m, "events");
	assert_int_equal(json_array_size(events), 2);
	assert_int_equal(b64_decode(&ev1, json_string_value(json_array_get(events, 0)),
				    json_string_length(json_array_get(events, 0))),
			 0);
	assert_int_equal(b64_decode(&ev2, json_string_value(json_array_get(events, 1)),
				    json_string_length(json_array_get(events, 1))),
			 0);
	member_bytes(m, "envelope", &env);
	assert_int_equal(dsse_envelope_parse(env.buf, env.len, &e, &reason), STATUS_OK);
	assert_int_equal(
		dsse_envelope_verify(e, DSSE_PAYLOAD_TYPE_EVENT, resolve_one, vk, NULL, &reason),
		STATUS_OK);
	assert_int_equal(e->payload_len, ev2.len);
	assert_memory_equal(e->payload, ev2.buf, ev2.len);
	assert_int_equal(event_parse(e->payload, e->payload_len, &parsed, &reason), STATUS_OK);
	assert_true(event_prev_matches(ev1.buf, ev1.len, parsed->prev));

	wh = json_object_get(m, "webhook");
	member_bytes(wh, "body", &body);
	ts = strtoll(json_string_value(json_object_get(wh, "timestamp")), NULL, 10);
	keys[0] = vk;
	assert_int_equal(webhook_verify(keys, 1, json_string_value(json_object_get(wh, "id")),
					json_string_value(json_object_get(wh, "timestamp")),
					json_string_value(json_object_get(wh, "signature")),
					body.buf, body.len, ts),
			 WEBHOOK_OK);

	event_free(parsed);
	dsse_envelope_free(e);
	verify_key_free(vk);
	strbuf_release(&pub);
	strbuf_release(&ev1);
	strbuf_release(&ev2);
	strbuf_release(&env);
	strbuf_release(&body);
	json_decref(m);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emitted_material_verifies),
	};

	if (argc > 1 && !strcmp(argv[1], "--emit")) {
		json_t *m = emit();
		int ret = 1;

		if (m && json_dumpf(m, stdout, JSON_COMPACT) == 0 && putchar('\n') != EOF &&
		    fflush(stdout) == 0)
			ret = 0;
		json_decref(m);
		return ret;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
