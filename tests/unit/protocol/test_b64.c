// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Unit tests for protocol/b64: RFC 4648 §10 vectors, base64url, and the strict decoder's
 * refusals (alphabet, padding, trailing bits, lengths).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocol/b64.h"

#include <string.h>

static const struct {
	const char *plain;
	const char *std;
	const char *url;
} rfc4648[] = {
	{"", "", ""},
	{"f", "Zg==", "Zg"},
	{"fo", "Zm8=", "Zm8"},
	{"foo", "Zm9v", "Zm9v"},
	{"foob", "Zm9vYg==", "Zm9vYg"},
	{"fooba", "Zm9vYmE=", "Zm9vYmE"},
	{"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

static void
test_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		size_t n = strlen(rfc4648[i].plain);

		b64_encode(&sb, rfc4648[i].plain, n);
		assert_string_equal(sb.buf, rfc4648[i].std);
		assert_int_equal(sb.len, b64_encoded_len(n));
		strbuf_reset(&sb);
		b64url_encode(&sb, rfc4648[i].plain, n);
		assert_string_equal(sb.buf, rfc4648[i].url);

		strbuf_reset(&sb);
		assert_int_equal(b64_decode(&sb, rfc4648[i].std, strlen(rfc4648[i].std)), 0);
		assert_int_equal(sb.len, n);
		assert_memory_equal(sb.buf, rfc4648[i].plain, n);
		strbuf_reset(&sb);
		assert_int_equal(b64url_decode(&sb, rfc4648[i].url, strlen(rfc4648[i].url)), 0);
		assert_int_equal(sb.len, n);
		assert_memory_equal(sb.buf, rfc4648[i].plain, n);
		strbuf_release(&sb);
	}
}

static void
test_alphabets_differ(void **state)
{
	static const unsigned char bytes[] = {0xfb, 0xff, 0xbf};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	b64_encode(&sb, bytes, 3);
	assert_string_equal(sb.buf, "+/+/");
	strbuf_reset(&sb);
	b64url_encode(&sb, bytes, 3);
	assert_string_equal(sb.buf, "-_-_");
	strbuf_reset(&sb);
	b64_encode(&sb, bytes, 2);
	assert_string_equal(sb.buf, "+/8=");
	strbuf_reset(&sb);
	b64url_encode(&sb, bytes, 2);
	assert_string_equal(sb.buf, "-_8");
	strbuf_reset(&sb);
	/* Each decoder refuses the other's alphabet. */
	assert_int_equal(b64_decode(&sb, "-_8=", 4), -1);
	assert_int_equal(b64url_decode(&sb, "+/8", 3), -1);
	assert_int_equal(b64url_decode(&sb, "-_8", 3), 0);
	assert_int_equal(sb.len, 2);
	assert_memory_equal(sb.buf, bytes, 2);
	strbuf_release(&sb);
}

static void
test_round_trip_all_lengths(void **state)
{
	unsigned char data[300];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(data); n++) {
		struct strbuf text = STRBUF_INIT, back = STRBUF_INIT;

		b64_encode(&text, data, n);
		assert_int_equal(b64_decode(&back, text.buf, text.len), 0);
		assert_int_equal(back.len, n);
		if (n)
			assert_memory_equal(back.buf, data, n);
		strbuf_reset(&text);
		strbuf_reset(&back);
		b64url_encode(&text, data, n);
		assert_null(memchr(text.buf, '=', text.len));
		assert_int_equal(b64url_decode(&back, text.buf, text.len), 0);
		assert_int_equal(back.len, n);
		if (n)
			assert_memory_equal(back.buf, data, n);
		strbuf_release(&text);
		strbuf_release(&back);
	}
}

static void
test_std_rejects(void **state)
{
	static const char *const bad[] = {
		"Zg=",      /* length not a multiple of 4 */
		"Zg",       /* padding missing */
		"Z",        /* 4n+1 */
		"Zh==",     /* non-zero trailing bits */
		"Zm9=",     /* non-zero trailing bits */
		"Zm 9v",    /* space */
		"Zm9v\n",   /* newline */
		"Zm9v ",    /* trailing space */
		"Z===",     /* three padding characters */
		"====",     /* padding only */
		"Zg==Zg==", /* padding in the middle */
		"Zm=v",     /* '=' inside a group */
		"Zm9\x80",  /* non-ASCII byte */
		"Zm9v*A==", /* outside the alphabet */
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, "keep");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(b64_decode(&sb, bad[i], strlen(bad[i])), -1);
		/* A failed decode leaves the buffer as it was. */
		assert_string_equal(sb.buf, "keep");
	}
	/* An embedded NUL counts as a bad character, not as the end. */
	assert_int_equal(b64_decode(&sb, "Zm9v\0AAA", 8), -1);
	strbuf_release(&sb);
}

static void
test_url_rejects(void **state)
{
	static const char *const bad[] = {"Zg==", "Zm8=", "Zm9vY", "Zh",
					  "Zm9",  "Zm+v", "Zm/v",  "Zm9 v"};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(b64url_decode(&sb, bad[i], strlen(bad[i])), -1);
		assert_int_equal(sb.len, 0);
	}
	strbuf_release(&sb);
}

static void
test_decode_exact(void **state)
{
	unsigned char sig[64], out[64];
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(sig); i++)
		sig[i] = (unsigned char)(255 - i);
	b64_encode(&sb, sig, sizeof(sig));
	assert_int_equal(sb.len, 88);
	assert_int_equal(b64_decode_exact(sb.buf, sb.len, out, sizeof(out)), 0);
	assert_memory_equal(out, sig, sizeof(sig));
	/* One byte short or long is refused. */
	assert_int_equal(b64_decode_exact(sb.buf, sb.len, out, 63), -1);
	strbuf_reset(&sb);
	b64_encode(&sb, sig, 63);
	assert_int_equal(b64_decode_exact(sb.buf, sb.len, out, 64), -1);
	strbuf_reset(&sb);
	b64url_encode(&sb, sig, 32);
	assert_int_equal(sb.len, 43);
	assert_int_equal(b64url_decode_exact(sb.buf, sb.len, out, 32), 0);
	assert_memory_equal(out, sig, 32);
	assert_int_equal(b64url_decode_exact(sb.buf, sb.len - 1, out, 32), -1);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors),
		cmocka_unit_test(test_alphabets_differ),
		cmocka_unit_test(test_round_trip_all_lengths),
		cmocka_unit_test(test_std_rejects),
		cmocka_unit_test(test_url_rejects),
		cmocka_unit_test(test_decode_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
