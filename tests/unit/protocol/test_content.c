// SPDX-License-Identifier: AGPL-3.0-or-later
/* Committed content (protocol/content.h): commitments, their checks, records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocol/content.h"

#include <string.h>

/* A known answer: salt 00..0f, JSON "ab": SHA-256 of those 16 bytes then `"ab"`. */
static void
test_hash_known_answer(void **state)
{
	(void)state;
	unsigned char salt[CONTENT_SALT_LEN];
	for (int i = 0; i < CONTENT_SALT_LEN; i++)
		salt[i] = (unsigned char)i;
	char h[65];
	content_hash(salt, "\"ab\"", 4, h);
	/* printf '\x00\x01...\x0f"ab"' | sha256sum */
	assert_string_equal(h, "bf214609b472f4ee912e626c8c2c3258d5cea58b3b8f0ce70a45720df3296e67");
}

static void
test_commit_and_verify(void **state)
{
	(void)state;
	static const char *const fields[] = {"title", "photos", "absent", NULL};
	json_t *data = json_pack("{s:i, s:s, s:[{s:s}]}", "id", 3, "title", "Nid de poule ث",
				 "photos", "sha256", "ab");
	json_t *commit, *content, *values;
	const char *reason = NULL;
	assert_int_equal(content_commit(data, fields, &commit, &content), 0);
	assert_int_equal(json_object_size(data), 1); /* only id is left */
	assert_int_equal(json_object_size(commit), 2);
	assert_int_equal(json_object_size(content), 2);
	assert_int_equal(content_verify(commit, content, NULL, &values, &reason), STATUS_OK);
	assert_string_equal(json_string_value(json_object_get(values, "title")), "Nid de poule ث");
	json_decref(values);

	/* each salt is fresh: committing the same text twice gives other commitments */
	json_t *again = json_pack("{s:s}", "title", "Nid de poule ث"), *c2, *t2;
	assert_int_equal(content_commit(again, fields, &c2, &t2), 0);
	assert_string_not_equal(json_string_value(json_object_get(c2, "title")),
				json_string_value(json_object_get(commit, "title")));

	/* a changed text, a missing field, a field both present and withheld, an extra one */
	json_t *bad = json_deep_copy(content);
	json_object_set_new(json_object_get(bad, "title"), "json", json_string("\"autre\""));
	assert_int_equal(content_verify(commit, bad, NULL, &values, &reason), STATUS_INVALID);
	assert_string_equal(reason, "bad_content");
	json_object_del(bad, "title");
	assert_int_equal(content_verify(commit, bad, NULL, &values, &reason), STATUS_INVALID);
	assert_string_equal(reason, "missing_content");
	json_t *withheld = json_pack("{s:s}", "title", "Donnée personnelle");
	assert_int_equal(content_verify(commit, bad, withheld, &values, &reason), STATUS_OK);
	assert_null(json_object_get(values, "title"));
	json_decref(values);
	assert_int_equal(content_verify(commit, content, withheld, &values, &reason),
			 STATUS_INVALID);
	assert_string_equal(reason, "bad_content");
	json_t *empty_reason = json_pack("{s:s}", "title", "");
	assert_int_equal(content_verify(commit, bad, empty_reason, &values, &reason),
			 STATUS_INVALID);
	assert_string_equal(reason, "bad_withheld");
	json_object_set_new(bad, "other", json_pack("{s:s, s:s}", "salt", "", "json", "1"));
	assert_int_equal(content_verify(commit, bad, withheld, &values, &reason), STATUS_INVALID);
	assert_string_equal(reason, "bad_content");

	json_decref(empty_reason);
	json_decref(withheld);
	json_decref(bad);
	json_decref(again);
	json_decref(c2);
	json_decref(t2);
	json_decref(commit);
	json_decref(content);
	json_decref(data);
}

static void
test_records(void **state)
{
	(void)state;
	static const char env[] = "{\"payloadType\":\"x\",\"payload\":\"e30=\",\"signatures\":[]}";
	struct record r;
	const char *reason = NULL;
	/* a bare envelope is returned as it is */
	assert_int_equal(record_parse(env, strlen(env), &r, &reason), STATUS_OK);
	assert_false(r.bundled);
	assert_ptr_equal(r.envelope, env);
	record_release(&r);

	json_t *content = json_pack("{s:{s:s, s:s}}", "title", "salt",
				    "AAAAAAAAAAAAAAAAAAAAAA==", "json", "\"t\"");
	json_t *withheld = json_pack("{s:s}", "photos", "raison");
	struct strbuf sb = STRBUF_INIT;
	record_build(&sb, env, strlen(env), content, withheld);
	assert_int_equal(record_parse(sb.buf, sb.len, &r, &reason), STATUS_OK);
	assert_true(r.bundled);
	assert_int_equal(r.envelope_len, strlen(env));
	assert_memory_equal(r.envelope, env, strlen(env));
	assert_true(json_equal(r.content, content));
	assert_true(json_equal(r.withheld, withheld));
	record_release(&r);

	static const char *const bad[] = {"{\"envelope\":1}", "{\"envelope\":{},\"other\":{}}",
					  "{\"envelope\":{},\"content\":[]}",
					  "{\"envelope\":{},\"withheld\":\"x\"}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(record_parse(bad[i], strlen(bad[i]), &r, &reason), STATUS_INVALID);
		assert_string_equal(reason, "malformed_record");
	}
	static const char dup[] = "{\"envelope\":{},\"envelope\":{}}";
	assert_int_equal(record_parse(dup, strlen(dup), &r, &reason), STATUS_INVALID);
	assert_string_equal(reason, "duplicate_key");
	strbuf_release(&sb);
	json_decref(content);
	json_decref(withheld);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_known_answer),
		cmocka_unit_test(test_commit_and_verify),
		cmocka_unit_test(test_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
