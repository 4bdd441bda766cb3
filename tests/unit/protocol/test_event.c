// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Unit tests for protocol/event: exact payload bytes, build/parse round trips, the strict
 * parser's refusals (floats, duplicates, order, ranges, size) and the prev hash chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocol/event.h"

#include <stdlib.h>
#include <string.h>

#define GENESIS EVENT_GENESIS_PREV
#define HASH_A "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static const char first_bytes[] =
	"{\"v\":1,\"origin\":\"official\",\"seq\":1,\"prev\":\"" GENESIS "\","
	"\"type\":\"news.published\",\"occurred_at\":\"2026-11-26T07:00:00.123Z\","
	"\"refs\":[],\"data\":{\"title\":\"Marché de Noël\",\"n\":3,\"ok\":true,\"x\":null}}";

static void
test_build_exact_bytes(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char *reason = NULL;
	json_t *data =
		json_pack("{s:s, s:i, s:b, s:n}", "title", "Marché de Noël", "n", 3, "ok", 1, "x");
	struct event ev = {
		.origin = "official",
		.seq = 1,
		.prev = GENESIS,
		.type = "news.published",
		.occurred_at = "2026-11-26T07:00:00.123Z",
		.data = data,
	};

	(void)state;
	assert_int_equal(event_build(&sb, &ev, &reason), 0);
	/* Compact, members in protocol order, UTF-8 left as is (no \u escapes). */
	assert_string_equal(sb.buf, first_bytes);
	json_decref(data);

	/* No data means {}. */
	strbuf_reset(&sb);
	ev.data = NULL;
	assert_int_equal(event_build(&sb, &ev, &reason), 0);
	assert_non_null(strstr(sb.buf, "\"refs\":[],\"data\":{}}"));
	strbuf_release(&sb);
}

static void
test_round_trip(void **state)
{
	static const struct event_ref refs[] = {
		{"official", "news", "17"},
		{"citizen", "report.created", "c-9f2e"},
	};
	json_t *data =
		json_pack("{s:s, s:[i, i, {s:I}], s:{}}", "body", "Rue de l'Église\n\"fermée\"",
			  "ids", 1, -2, "big", (json_int_t)INT64_MAX, "empty");
	struct event ev = {
		.origin = "citizen",
		.seq = 42,
		.prev = HASH_A,
		.type = "report.status_changed",
		.occurred_at = "2028-02-29T23:59:59Z",
		.refs = refs,
		.nr_refs = 2,
		.data = data,
	};
	struct strbuf sb = STRBUF_INIT, again = STRBUF_INIT;
	struct event *back = (void *)1;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(event_build(&sb, &ev, &reason), 0);
	assert_int_equal(event_parse(sb.buf, sb.len, &back, &reason), STATUS_OK);
	assert_string_equal(back->origin, "citizen");
	assert_int_equal(back->seq, 42);
	assert_string_equal(back->prev, HASH_A);
	assert_string_equal(back->type, "report.status_changed");
	assert_string_equal(back->occurred_at, "2028-02-29T23:59:59Z");
	assert_int_equal(back->nr_refs, 2);
	assert_string_equal(back->refs[1].origin, "citizen");
	assert_string_equal(back->refs[1].type, "report.created");
	assert_string_equal(back->refs[1].id, "c-9f2e");
	assert_true(json_equal(back->data, data));
	/* Building from the parsed event gives the same bytes. */
	assert_int_equal(event_build(&again, back, &reason), 0);
	assert_int_equal(again.len, sb.len);
	assert_memory_equal(again.buf, sb.buf, sb.len);
	event_free(back);
	event_free(NULL);
	json_decref(data);
	strbuf_release(&sb);
	strbuf_release(&again);
}

static void
test_floats_rejected(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char *reason = NULL;
	json_t *data = json_pack("{s:[i, {s:f}]}", "deep", 1, "price", 1.5);
	struct event ev = {
		.origin = "official",
		.seq = 1,
		.prev = GENESIS,
		.type = "news.published",
		.occurred_at = "2026-11-26T07:00:00Z",
		.data = data,
	};
	struct event *out;

	(void)state;
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "float_not_allowed");
	assert_int_equal(sb.len, 0);
	json_decref(data);

	static const char *const floats[] = {"1.0", "1e3", "-0.5", "1E+2", "0.0"};
	for (size_t i = 0; i < sizeof(floats) / sizeof(floats[0]); i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb,
			    "{\"v\":1,\"origin\":\"official\",\"seq\":1,\"prev\":\"" GENESIS "\","
			    "\"type\":\"a.b\",\"occurred_at\":\"2026-11-26T07:00:00Z\",\"refs\":[],"
			    "\"data\":{\"a\":[{\"b\":%s}]}}",
			    floats[i]);
		assert_int_equal(event_parse(sb.buf, sb.len, &out, &reason), STATUS_INVALID);
		assert_string_equal(reason, "float_not_allowed");
	}
	/* Even where an integer is expected. */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "{\"v\":1,\"origin\":\"official\",\"seq\":1.0,\"prev\":\"" GENESIS "\","
			   "\"type\":\"a.b\",\"occurred_at\":\"2026-11-26T07:00:00Z\",\"refs\":[],"
			   "\"data\":{}}");
	assert_int_equal(event_parse(sb.buf, sb.len, &out, &reason), STATUS_INVALID);
	assert_string_equal(reason, "float_not_allowed");
	strbuf_release(&sb);
}

/*
 * A NUL in data: jansson would write it as \u0000, which event_parse (and the peer) refuses, so
 * event_build must refuse it too rather than sign an event nobody can accept. Found by
 * tests/fuzz/fuzz_event.
 */
static void
test_nul_rejected(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *datas[] = {
		json_pack("{s:s%}", "title", "a\0b", (size_t)3),
		json_pack("{s:[{s:s%}]}", "deep", "x", "\0", (size_t)1),
		json_object(),
	};
	json_object_setn_new(datas[2], "k\0ey", 4, json_integer(1));
	struct event *out = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(datas) / sizeof(datas[0]); i++) {
		const char *reason = NULL;
		struct event ev = {
			.origin = "official",
			.seq = 1,
			.prev = GENESIS,
			.type = "news.published",
			.occurred_at = "2026-11-26T07:00:00Z",
			.data = datas[i],
		};
		assert_non_null(datas[i]);
		assert_int_equal(event_build(&sb, &ev, &reason), -1);
		assert_string_equal(reason, "bad_data");
		assert_int_equal(sb.len, 0);
		json_decref(datas[i]);
	}
	const char *reason = NULL;
	strbuf_addstr(&sb, "{\"v\":1,\"origin\":\"official\",\"seq\":1,\"prev\":\"" GENESIS "\","
			   "\"type\":\"a.b\",\"occurred_at\":\"2026-11-26T07:00:00Z\",\"refs\":[],"
			   "\"data\":{\"t\":\"a\\u0000b\"}}");
	assert_int_equal(event_parse(sb.buf, sb.len, &out, &reason), STATUS_INVALID);
	assert_string_equal(reason, "malformed_json");
	strbuf_release(&sb);
}

/* A valid payload with one member's JSON value replaced. */
static char *
with_member(const char *name, const char *value)
{
	static const char *const names[] = {"v",    "origin",      "seq",  "prev",
					    "type", "occurred_at", "refs", "data"};
	static const char *const values[] = {
		"1",
		"\"official\"",
		"2",
		"\"" HASH_A "\"",
		"\"news.published\"",
		"\"2026-11-26T07:00:00.123Z\"",
		"[{\"origin\":\"citizen\",\"type\":\"report\",\"id\":\"5\"}]",
		"{\"k\":\"v\"}"};
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '{');
	for (size_t i = 0; i < 8; i++)
		strbuf_addf(&sb, "%s\"%s\":%s", i ? "," : "", names[i],
			    strcmp(names[i], name) ? values[i] : value);
	strbuf_addch(&sb, '}');
	return strbuf_detach(&sb, NULL);
}

static void
expect_parse(const char *text, enum status want_st, const char *want_reason)
{
	struct event *ev = (void *)1;
	const char *reason = NULL;
	enum status st = event_parse(text, strlen(text), &ev, &reason);

	if (st != want_st || (want_reason && (!reason || strcmp(reason, want_reason))))
		fail_msg("%s: got %d %s, want %d %s", text, st, reason ? reason : "(null)", want_st,
			 want_reason ? want_reason : "(null)");
	if (st == STATUS_OK)
		event_free(ev);
	else
		assert_null(ev);
}

static void
test_field_checks(void **state)
{
	static const struct {
		const char *member;
		const char *value;
		const char *reason; /* NULL: accepted */
	} cases[] = {
		{"v", "1", NULL},
		{"v", "2", "missing_field"}, /* version 2 without its commit member */
		{"v", "3", "bad_version"},
		{"v", "\"1\"", "bad_version"},
		{"v", "0", "bad_version"},
		{"origin", "\"x\"", NULL},
		{"origin", "\"a234567890123456789012345678901b\"", NULL},
		{"origin", "\"a234567890123456789012345678901bc\"", "bad_origin"},
		{"origin", "\"Official\"", "bad_origin"},
		{"origin", "\"1official\"", "bad_origin"},
		{"origin", "\"offi_cial\"", "bad_origin"},
		{"origin", "\"\"", "bad_origin"},
		{"origin", "7", "bad_origin"},
		{"seq", "0", "bad_seq"},
		{"seq", "-3", "bad_seq"},
		{"seq", "\"2\"", "bad_seq"},
		{"seq", "9223372036854775807", NULL},
		{"seq", "9223372036854775808", "malformed_json"},
		{"seq", "1", "bad_prev"}, /* seq 1 needs the genesis prev */
		{"prev", "\"" GENESIS "\"", "bad_prev"},
		{"prev", "\"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\"",
		 "bad_prev"},
		{"prev", "\"ba7816bf\"", "bad_prev"},
		{"prev", "\"" HASH_A "0\"", "bad_prev"},
		{"prev", "null", "bad_prev"},
		{"type", "\"news\"", "bad_type"},
		{"type", "\"News.published\"", "bad_type"},
		{"type", "\"news..published\"", "bad_type"},
		{"type", "\"news.published.\"", "bad_type"},
		{"type", "\".news\"", "bad_type"},
		{"type", "\"news.1st\"", "bad_type"},
		{"type", "\"news.pub-lished\"", "bad_type"},
		{"type", "\"a.b.c_d9\"", NULL},
		{"type", "\"a.bcdefghijklmnopqrstuvwxyzbcdefghijklmnopqrstuvwxyzbcdefghijklm\"",
		 NULL},
		{"type", "\"a.bcdefghijklmnopqrstuvwxyzbcdefghijklmnopqrstuvwxyzbcdefghijklmn\"",
		 "bad_type"},
		{"occurred_at", "\"2026-11-26T07:00:00Z\"", NULL},
		{"occurred_at", "\"2026-11-26T07:00:00.1Z\"", NULL},
		{"occurred_at", "\"2026-11-26T07:00:00.123456789Z\"", NULL},
		{"occurred_at", "\"2026-11-26T07:00:00.1234567890Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26T07:00:00.Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26T07:00:00\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26T07:00:00+00:00\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26t07:00:00z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26 07:00:00Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-02-29T07:00:00Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2028-02-29T07:00:00Z\"", NULL},
		{"occurred_at", "\"2100-02-29T07:00:00Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2000-02-29T07:00:00Z\"", NULL},
		{"occurred_at", "\"2026-04-31T07:00:00Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-13-01T07:00:00Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26T24:00:00Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26T23:60:00Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26T23:59:60Z\"", "bad_occurred_at"},
		{"occurred_at", "\"26-11-26T07:00:00Z\"", "bad_occurred_at"},
		{"occurred_at", "\"2026-11-26T07:00:00ZZ\"", "bad_occurred_at"},
		{"occurred_at", "1795676400", "bad_occurred_at"},
		{"refs", "[]", NULL},
		{"refs", "{}", "bad_refs"},
		{"refs", "[1]", "bad_refs"},
		{"refs", "[{\"origin\":\"citizen\",\"type\":\"report\"}]", "bad_refs"},
		{"refs", "[{\"origin\":\"citizen\",\"type\":\"report\",\"id\":\"5\",\"x\":\"y\"}]",
		 "bad_refs"},
		{"refs", "[{\"origin\":\"citizen\",\"type\":\"report\",\"id\":5}]", "bad_refs"},
		{"refs", "[{\"origin\":\"citizen\",\"type\":\"report\",\"id\":\"a b\"}]",
		 "bad_refs"},
		{"refs", "[{\"origin\":\"citizen\",\"type\":\"report\",\"id\":\"\"}]", "bad_refs"},
		{"refs", "[{\"origin\":\"Citizen\",\"type\":\"report\",\"id\":\"5\"}]", "bad_refs"},
		{"refs", "[{\"origin\":\"citizen\",\"type\":\"Report\",\"id\":\"5\"}]", "bad_refs"},
		{"refs", "[{\"origin\":\"citizen\",\"type\":\"report\",\"id\":\"5\",\"id\":\"6\"}]",
		 "duplicate_key"},
		{"refs", "[{\"type\":\"report\",\"origin\":\"citizen\",\"id\":\"5\"}]",
		 "non_canonical_json"},
		{"data", "{}", NULL},
		{"data", "[]", "bad_data"},
		{"data", "null", "bad_data"},
		{"data", "\"x\"", "bad_data"},
		{"data", "{\"a\":1,\"a\":2}", "duplicate_key"},
		{"data", "{\"a\":\"\\u00e9\"}", "non_canonical_json"},
		{"data", "{\"a\":\"\\/\"}", "non_canonical_json"},
		{"data", "{\"a\":-0}", "non_canonical_json"},
		{"data", "{\"a\":\"\\u0000\"}", "malformed_json"},
		{"data", "{\"a\":\"\xc3\x28\"}", "malformed_json"},
		{"data", "{\"a\": 1}", "non_canonical_json"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = with_member(cases[i].member, cases[i].value);
		expect_parse(text, cases[i].reason ? STATUS_INVALID : STATUS_OK, cases[i].reason);
		free(text);
	}
}

static void
test_structure_checks(void **state)
{
	char *ok = with_member("v", "1");
	struct strbuf sb = STRBUF_INIT;
	char *p;

	(void)state;
	expect_parse(ok, STATUS_OK, NULL);
	expect_parse("", STATUS_INVALID, "malformed_json");
	expect_parse("[]", STATUS_INVALID, "malformed_json");
	expect_parse("{}", STATUS_INVALID, "missing_field");

	/* Duplicate top-level member. */
	strbuf_addstr(&sb, ok);
	strbuf_setlen(&sb, sb.len - 1);
	strbuf_addstr(&sb, ",\"v\":1}");
	expect_parse(sb.buf, STATUS_INVALID, "duplicate_key");
	/* Extra member. */
	strbuf_setlen(&sb, strlen(ok) - 1);
	strbuf_addstr(&sb, ",\"extra\":1}");
	expect_parse(sb.buf, STATUS_INVALID, "unknown_field");
	/* Missing member. */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, ok);
	p = strstr(sb.buf, ",\"refs\"");
	memmove(p, strstr(p, ",\"data\""), strlen(strstr(p, ",\"data\"")) + 1);
	strbuf_setlen(&sb, strlen(sb.buf));
	expect_parse(sb.buf, STATUS_INVALID, "missing_field");
	/* Members out of order. */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "{\"origin\":\"official\",\"v\":1");
	strbuf_addstr(&sb, strstr(ok, ",\"seq\""));
	expect_parse(sb.buf, STATUS_INVALID, "non_canonical_json");
	/* Whitespace. */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s\n", ok);
	expect_parse(sb.buf, STATUS_INVALID, "non_canonical_json");
	strbuf_reset(&sb);
	strbuf_addf(&sb, " %s", ok);
	expect_parse(sb.buf, STATUS_INVALID, "non_canonical_json");
	/* Trailing garbage. */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s{}", ok);
	expect_parse(sb.buf, STATUS_INVALID, "malformed_json");
	free(ok);
	strbuf_release(&sb);
}

static void
test_size_limit(void **state)
{
	struct strbuf sb = STRBUF_INIT, big = STRBUF_INIT;
	struct event ev = {
		.origin = "official",
		.seq = 1,
		.prev = GENESIS,
		.type = "news.published",
		.occurred_at = "2026-11-26T07:00:00Z",
	};
	const char *reason = NULL;
	struct event *out;
	size_t overhead;

	(void)state;
	/* Find the fixed overhead with an empty string, then fill to exactly 64 KiB. */
	ev.data = json_pack("{s:s}", "s", "");
	assert_int_equal(event_build(&sb, &ev, &reason), 0);
	overhead = sb.len;
	json_decref(ev.data);
	for (size_t i = 0; i < EVENT_MAX_LEN - overhead; i++)
		strbuf_addch(&big, 'x');
	ev.data = json_pack("{s:s}", "s", big.buf);
	strbuf_reset(&sb);
	assert_int_equal(event_build(&sb, &ev, &reason), 0);
	assert_int_equal(sb.len, EVENT_MAX_LEN);
	assert_int_equal(event_parse(sb.buf, sb.len, &out, &reason), STATUS_OK);
	event_free(out);
	json_decref(ev.data);

	strbuf_addch(&big, 'x');
	ev.data = json_pack("{s:s}", "s", big.buf);
	strbuf_reset(&sb);
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "payload_too_large");
	assert_int_equal(sb.len, 0);
	json_decref(ev.data);

	/* The parser refuses by length before parsing. */
	while (big.len <= EVENT_MAX_LEN)
		strbuf_addch(&big, 'x');
	assert_int_equal(event_parse(big.buf, big.len, &out, &reason), STATUS_TOO_LARGE);
	assert_string_equal(reason, "payload_too_large");
	strbuf_release(&sb);
	strbuf_release(&big);
}

static void
test_build_checks(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char *reason = NULL;
	struct event_ref bad_ref = {"citizen", "report", "has space"};
	json_t *arr = json_array();
	struct event ev = {
		.origin = "official",
		.seq = 2,
		.prev = GENESIS,
		.type = "news.published",
		.occurred_at = "2026-11-26T07:00:00Z",
	};

	(void)state;
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "bad_prev");
	ev.prev = HASH_A;
	ev.refs = &bad_ref;
	ev.nr_refs = 1;
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "bad_refs");
	ev.nr_refs = 0;
	ev.data = arr;
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "bad_data");
	ev.data = NULL;
	ev.origin = NULL;
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "bad_origin");
	ev.origin = "official";
	ev.type = "news";
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "bad_type");
	ev.type = "news.published";
	ev.seq = 0;
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "bad_seq");
	ev.seq = 2;
	ev.occurred_at = "yesterday";
	assert_int_equal(event_build(&sb, &ev, &reason), -1);
	assert_string_equal(reason, "bad_occurred_at");
	assert_int_equal(sb.len, 0);
	json_decref(arr);
	strbuf_release(&sb);
}

static void
test_hash_chain(void **state)
{
	struct strbuf p[3] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
	char prev[EVENT_HASH_HEX_LEN + 1];
	struct event *parsed[3];
	const char *reason = NULL;

	(void)state;
	event_hash("abc", 3, prev);
	assert_string_equal(prev, HASH_A);

	memcpy(prev, GENESIS, sizeof(prev));
	for (int i = 0; i < 3; i++) {
		json_t *data = json_pack("{s:i}", "n", i);
		struct event ev = {
			.origin = "citizen",
			.seq = i + 1,
			.prev = prev,
			.type = "report.created",
			.occurred_at = "2026-11-26T07:00:00.000Z",
			.data = data,
		};
		assert_int_equal(event_build(&p[i], &ev, &reason), 0);
		json_decref(data);
		event_hash(p[i].buf, p[i].len, prev);
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(event_parse(p[i].buf, p[i].len, &parsed[i], &reason), STATUS_OK);

	assert_string_equal(parsed[0]->prev, GENESIS);
	assert_true(event_prev_matches(NULL, 0, parsed[0]->prev));
	assert_true(event_prev_matches(p[0].buf, p[0].len, parsed[1]->prev));
	assert_true(event_prev_matches(p[1].buf, p[1].len, parsed[2]->prev));
	/* Out of order, skipped or altered predecessors do not match. */
	assert_false(event_prev_matches(NULL, 0, parsed[1]->prev));
	assert_false(event_prev_matches(p[0].buf, p[0].len, parsed[2]->prev));
	assert_false(event_prev_matches(p[1].buf, p[1].len, parsed[1]->prev));
	assert_false(event_prev_matches(p[0].buf, p[0].len - 1, parsed[1]->prev));
	p[0].buf[p[0].len - 3] ^= 1;
	assert_false(event_prev_matches(p[0].buf, p[0].len, parsed[1]->prev));
	assert_false(event_prev_matches(p[0].buf, p[0].len, NULL));

	for (int i = 0; i < 3; i++) {
		event_free(parsed[i]);
		strbuf_release(&p[i]);
	}
}

static void
test_names_and_time(void **state)
{
	char buf[EVENT_TIME_SIZE];
	struct timespec ts = {1795676400, 123999999};

	(void)state;
	assert_true(event_origin_is_valid("official"));
	assert_true(event_origin_is_valid("citizen"));
	assert_true(event_origin_is_valid("commune-2"));
	assert_false(event_origin_is_valid("-x"));
	assert_false(event_origin_is_valid(NULL));
	assert_true(event_type_is_valid("news.published"));
	assert_false(event_type_is_valid("news"));
	assert_false(event_type_is_valid(NULL));

	assert_int_equal(event_format_time(buf, &ts), 0);
	assert_string_equal(buf, "2026-11-26T07:00:00.123Z");
	assert_true(event_time_is_valid(buf));
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	assert_int_equal(event_format_time(buf, &ts), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	ts.tv_sec = 253402300800; /* 10000-01-01 */
	assert_int_equal(event_format_time(buf, &ts), -1);
}

/* Version 2: commit after data, built and parsed back byte for byte; its own checks. */
static void
test_version_2(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	const char *reason = NULL;
	json_t *data = json_pack("{s:i}", "id", 3);
	json_t *commit = json_pack("{s:s}", "title", HASH_A);
	struct event ev = {.origin = "citizen",
			   .seq = 1,
			   .prev = GENESIS,
			   .type = "report.created",
			   .occurred_at = "2026-11-26T07:00:00.123Z",
			   .data = data,
			   .commit = commit};
	assert_int_equal(event_build(&sb, &ev, &reason), 0);
	assert_string_equal(sb.buf,
			    "{\"v\":2,\"origin\":\"citizen\",\"seq\":1,\"prev\":\"" GENESIS
			    "\",\"type\":\"report.created\",\"occurred_at\":\"2026-11-26T07:"
			    "00:00.123Z\",\"refs\":[],\"data\":{\"id\":3},\"commit\":{\"title\":"
			    "\"" HASH_A "\"}}");
	struct event *out = NULL;
	assert_int_equal(event_parse(sb.buf, sb.len, &out, &reason), STATUS_OK);
	assert_string_equal(json_string_value(json_object_get(out->commit, "title")), HASH_A);
	event_free(out);

	/* commit must not name a member of data, nor be empty, nor hold anything but hashes */
	static const char *const bad[] = {"{\"id\":\"" HASH_A "\"}", "{}",
					  "{\"title\":\"abc\"}",     "{\"Title\":\"" HASH_A "\"}",
					  "{\"title\":1}",           "[]"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb,
			    "{\"v\":2,\"origin\":\"citizen\",\"seq\":1,\"prev\":\"" GENESIS "\","
			    "\"type\":\"a.b\",\"occurred_at\":\"2026-11-26T07:00:00Z\",\"refs\":[],"
			    "\"data\":{\"id\":3},\"commit\":%s}",
			    bad[i]);
		expect_parse(sb.buf, STATUS_INVALID, "bad_commit");
	}
	/* a commit member in a version 1 payload; commit before data */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "{\"v\":1,\"origin\":\"citizen\",\"seq\":1,\"prev\":\"" GENESIS "\","
			   "\"type\":\"a.b\",\"occurred_at\":\"2026-11-26T07:00:00Z\",\"refs\":[],"
			   "\"data\":{},\"commit\":{\"t\":\"" HASH_A "\"}}");
	expect_parse(sb.buf, STATUS_INVALID, "bad_version");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "{\"v\":2,\"origin\":\"citizen\",\"seq\":1,\"prev\":\"" GENESIS "\","
			   "\"type\":\"a.b\",\"occurred_at\":\"2026-11-26T07:00:00Z\",\"refs\":[],"
			   "\"commit\":{\"t\":\"" HASH_A "\"},\"data\":{}}");
	expect_parse(sb.buf, STATUS_INVALID, "non_canonical_json");
	strbuf_release(&sb);
	json_decref(data);
	json_decref(commit);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_exact_bytes), cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_floats_rejected),   cmocka_unit_test(test_field_checks),
		cmocka_unit_test(test_structure_checks),  cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_build_checks),      cmocka_unit_test(test_hash_chain),
		cmocka_unit_test(test_names_and_time),    cmocka_unit_test(test_version_2),
		cmocka_unit_test(test_nul_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
