// SPDX-License-Identifier: AGPL-3.0-or-later
/* The auditor's checks (protocol/audit.h) over logs built here: keys followed from the genesis
 * key through a rotation and a revocation, seq and chain, copies compared, kinds summed up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/strbuf.h"
#include "protocol/audit.h"
#include "protocol/b64.h"
#include "protocol/dsse.h"
#include "protocol/event.h"
#include "protocol/keys.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct signing_key *key_a, *key_b;

static int
setup(void **state)
{
	(void)state;
	unsigned char seed[ED25519_SEED_LEN];
	memset(seed, 1, sizeof(seed));
	key_a = signing_key_from_seed(seed);
	memset(seed, 2, sizeof(seed));
	key_b = signing_key_from_seed(seed);
	return key_a && key_b ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	signing_key_free(key_a);
	signing_key_free(key_b);
	return 0;
}

static char *
x_of(const struct signing_key *k)
{
	unsigned char raw[ED25519_PUBLIC_KEY_LEN];
	struct strbuf sb = STRBUF_INIT;
	verify_key_raw(signing_key_public(k), raw);
	b64url_encode(&sb, raw, sizeof(raw));
	return strbuf_detach(&sb, NULL);
}

/* A log being built: its lines and the chain's state. */
struct log {
	struct strbuf lines;
	long long seq;
	char prev[EVENT_HASH_HEX_LEN + 1];
};

static void
log_init(struct log *l)
{
	strbuf_init(&l->lines, 0);
	l->seq = 0;
	strcpy(l->prev, EVENT_GENESIS_PREV);
}

/* Append the next event (type, data: stolen) signed by key. */
static void
log_add(struct log *l, const struct signing_key *key, const char *type, json_t *data)
{
	struct strbuf payload = STRBUF_INIT;
	const char *reason = NULL;
	struct event ev = {.origin = "official",
			   .seq = ++l->seq,
			   .prev = l->prev,
			   .type = type,
			   .occurred_at = "2026-12-07T06:00:00.000Z",
			   .data = data};
	assert_int_equal(event_build(&payload, &ev, &reason), 0);
	event_hash(payload.buf, payload.len, l->prev);
	assert_int_equal(
		dsse_sign(&l->lines, key, DSSE_PAYLOAD_TYPE_EVENT, payload.buf, payload.len), 0);
	strbuf_addch(&l->lines, '\n');
	strbuf_release(&payload);
	json_decref(data);
}

static char *
write_tmp(const char *bytes, size_t len)
{
	char *path = strdup("/tmp/test_audit-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	return path;
}

/* The key document of the origin "official" listing keys (NULL-terminated), in that order. */
static json_t *
doc_of(const struct signing_key *const *keys)
{
	json_t *list = json_array();
	for (size_t i = 0; keys[i]; i++)
		json_array_append_new(list, verify_key_jwk(signing_key_public(keys[i])));
	return json_pack("{s:s, s:o}", "origin", "official", "keys", list);
}

/* Audit the two copies (lines of official's log held by official and by citizen). */
static json_t *
audit_two(json_t *doc, const char *genesis, const struct strbuf *own, const struct strbuf *mirror)
{
	struct audit *a = audit_new();
	const char *reason = NULL;
	assert_int_equal(audit_add_keys(a, doc, genesis, &reason), 0);
	char *p1 = write_tmp(own->buf ? own->buf : "", own->len);
	char *p2 = write_tmp(mirror->buf ? mirror->buf : "", mirror->len);
	assert_int_equal(audit_add_copy(a, "official", "official", p1), 0);
	assert_int_equal(audit_add_copy(a, "official", "citizen", p2), 0);
	json_t *report = audit_run(a, &reason);
	assert_non_null(report);
	audit_free(a);
	unlink(p1);
	unlink(p2);
	free(p1);
	free(p2);
	json_decref(doc);
	return report;
}

static json_t *
problem_at(json_t *report, size_t i)
{
	return json_array_get(json_object_get(report, "problems"), i);
}

static void
assert_problem(json_t *report, size_t i, const char *code, long long seq)
{
	json_t *p = problem_at(report, i);
	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(p, "code")), code);
	assert_int_equal(json_integer_value(json_object_get(p, "seq")), seq);
}

/* The log: 1 news by A, 2 A announces B, 3 news by B, 4 B revokes A after 3. */
static void
rotated_log(struct log *l)
{
	char *xb = x_of(key_b);
	log_init(l);
	log_add(l, key_a, "news.published", json_pack("{s:s}", "id", "n1"));
	log_add(l, key_a, "keys.rotated",
		json_pack("{s:s, s:s, s:s}", "kid", signing_key_id(key_b), "x", xb, "previous",
			  signing_key_id(key_a)));
	log_add(l, key_b, "news.published", json_pack("{s:s}", "id", "n2"));
	log_add(l, key_b, "keys.revoked",
		json_pack("{s:s, s:i, s:s}", "kid", signing_key_id(key_a), "last_seq", 3, "reason",
			  "test"));
	free(xb);
}

static void
test_good_log_through_rotation_and_revocation(void **state)
{
	(void)state;
	struct log l;
	rotated_log(&l);
	json_t *r = audit_two(doc_of((const struct signing_key *[]){key_a, key_b, NULL}), NULL,
			      &l.lines, &l.lines);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_t *o = json_array_get(json_object_get(r, "origins"), 0);
	assert_string_equal(json_string_value(json_object_get(o, "genesis_key")),
			    signing_key_id(key_a));
	assert_true(json_is_true(json_object_get(o, "agree")));
	assert_int_equal(json_integer_value(json_object_get(o, "compared")), 4);
	json_t *c = json_array_get(json_object_get(o, "copies"), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "verified")), 4);
	assert_string_equal(json_string_value(json_object_get(c, "last_hash")), l.prev);
	json_t *news = json_object_get(json_object_get(c, "kinds"), "news.published");
	assert_int_equal(json_integer_value(json_object_get(news, "count")), 2);
	/* the keys followed: A revoked after 3, B announced */
	json_t *keys = json_object_get(c, "keys");
	assert_int_equal(json_array_size(keys), 2);
	assert_int_equal(
		json_integer_value(json_object_get(json_array_get(keys, 0), "revoked_after_seq")),
		3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(keys, 1), "kid")),
			    signing_key_id(key_b));
	json_decref(r);
	strbuf_release(&l.lines);
}

static void
test_kind_digest(void **state)
{
	(void)state;
	struct log l;
	log_init(&l);
	log_add(&l, key_a, "news.published", NULL);
	char h1[EVENT_HASH_HEX_LEN + 2];
	snprintf(h1, sizeof(h1), "%s\n", l.prev);
	json_t *r = audit_two(doc_of((const struct signing_key *[]){key_a, NULL}), NULL, &l.lines,
			      &l.lines);
	/* one event: the digest is SHA-256 of its hex hash and a newline */
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)h1, strlen(h1), md);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	json_t *c = json_array_get(
		json_object_get(json_array_get(json_object_get(r, "origins"), 0), "copies"), 1);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(c, "kinds"), "news.published"), "digest")),
		hex);
	json_decref(r);
	strbuf_release(&l.lines);
}

static void
test_revoked_key_past_its_seq(void **state)
{
	(void)state;
	struct log l;
	rotated_log(&l);
	log_add(&l, key_a, "news.published", json_pack("{s:s}", "id", "forged"));
	json_t *r = audit_two(doc_of((const struct signing_key *[]){key_a, key_b, NULL}), NULL,
			      &l.lines, &l.lines);
	assert_false(json_is_true(json_object_get(r, "ok")));
	/* one per copy */
	assert_int_equal(json_array_size(json_object_get(r, "problems")), 2);
	assert_problem(r, 0, "revoked_key", 5);
	json_decref(r);
	strbuf_release(&l.lines);
}

static void
test_only_the_genesis_key_at_first(void **state)
{
	(void)state;
	struct log l;
	log_init(&l);
	log_add(&l, key_a, "news.published", NULL);
	/* B is in the document but no keys.rotated announced it */
	log_add(&l, key_b, "news.published", NULL);
	json_t *r = audit_two(doc_of((const struct signing_key *[]){key_a, key_b, NULL}), NULL,
			      &l.lines, &l.lines);
	assert_problem(r, 0, "unknown_key", 2);
	json_decref(r);
	/* pinning B as the genesis key: A's first event is not trusted */
	r = audit_two(doc_of((const struct signing_key *[]){key_a, key_b, NULL}),
		      signing_key_id(key_b), &l.lines, &l.lines);
	assert_problem(r, 0, "unknown_key", 1);
	json_decref(r);
	strbuf_release(&l.lines);
}

static void
test_chain_and_copies(void **state)
{
	(void)state;
	struct log l, other;
	log_init(&l);
	for (int i = 0; i < 3; i++)
		log_add(&l, key_a, "news.published", json_pack("{s:i}", "n", i));
	/* another history from seq 3 on, signed by the same key: equivocation */
	log_init(&other);
	for (int i = 0; i < 3; i++)
		log_add(&other, key_a, "news.published", json_pack("{s:i}", "n", i == 2 ? 9 : i));
	json_t *r = audit_two(doc_of((const struct signing_key *[]){key_a, NULL}), NULL, &l.lines,
			      &other.lines);
	assert_int_equal(json_array_size(json_object_get(r, "problems")), 1);
	assert_problem(r, 0, "copies_differ", 3);
	json_t *ev = json_object_get(problem_at(r, 0), "evidence");
	assert_true(json_is_string(json_object_get(ev, "official")));
	assert_true(json_is_string(json_object_get(ev, "citizen")));
	json_decref(r);

	/* a broken chain: an event whose prev is not the hash of the one before */
	struct log broken;
	log_init(&broken);
	log_add(&broken, key_a, "news.published", NULL);
	strcpy(broken.prev, EVENT_GENESIS_PREV);
	broken.prev[0] = '1';
	log_add(&broken, key_a, "news.published", NULL);
	r = audit_two(doc_of((const struct signing_key *[]){key_a, NULL}), NULL, &broken.lines,
		      &broken.lines);
	assert_problem(r, 0, "broken_chain", 2);
	json_decref(r);

	/* a mirror behind is a lag, not a problem */
	struct strbuf shorter = STRBUF_INIT;
	strbuf_add(&shorter, l.lines.buf, (size_t)(strchr(l.lines.buf, '\n') - l.lines.buf) + 1);
	r = audit_two(doc_of((const struct signing_key *[]){key_a, NULL}), NULL, &l.lines,
		      &shorter);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_t *c = json_array_get(
		json_object_get(json_array_get(json_object_get(r, "origins"), 0), "copies"), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "lag")), 2);
	json_decref(r);
	strbuf_release(&shorter);
	strbuf_release(&l.lines);
	strbuf_release(&other.lines);
	strbuf_release(&broken.lines);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_log_through_rotation_and_revocation),
		cmocka_unit_test(test_kind_digest),
		cmocka_unit_test(test_revoked_key_past_its_seq),
		cmocka_unit_test(test_only_the_genesis_key_at_first),
		cmocka_unit_test(test_chain_and_copies),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
