// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Base64 (protocol/src/b64.c): decoding any text, standard and url, must accept exactly the
 * canonical texts, i.e. decode(text) succeeds only when encode(decode(text)) == text, and leave
 * the output untouched on failure; encoding any bytes must decode back to them; the fixed-size
 * decoders agree with the general ones.
 */
#include "fuzz.h"

#include "protocol/b64.h"

static bool
in_alphabet(const char *s, size_t n, bool url)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == (url ? '-' : '+') ||
			  c == (url ? '_' : '/') || (!url && c == '=');
		if (!ok)
			return false;
	}
	return true;
}

/* decode(text) is canonical: it succeeds iff encoding the result gives text back. */
static void
check_decode(const char *text, size_t n, bool url)
{
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	strbuf_addstr(&out, "prefix");
	int rc = url ? b64url_decode(&out, text, n) : b64_decode(&out, text, n);
	if (rc == 0) {
		FUZZ_CHECK(out.len >= 6 && memcmp(out.buf, "prefix", 6) == 0);
		FUZZ_CHECK(out.buf[out.len] == '\0');
		if (url)
			b64url_encode(&again, out.buf + 6, out.len - 6);
		else
			b64_encode(&again, out.buf + 6, out.len - 6);
		FUZZ_CHECK(again.len == n && memcmp(again.buf, text, n) == 0);
		/* the exact decoders take it at its own length and refuse any other */
		unsigned char buf[96];
		size_t len = out.len - 6;
		if (len <= sizeof(buf)) {
			int e = url ? b64url_decode_exact(text, n, buf, len)
				    : b64_decode_exact(text, n, buf, len);
			FUZZ_CHECK(e == 0 && memcmp(buf, out.buf + 6, len) == 0);
		}
		if (len + 1 <= sizeof(buf))
			FUZZ_CHECK((url ? b64url_decode_exact(text, n, buf, len + 1)
					: b64_decode_exact(text, n, buf, len + 1)) < 0);
	} else {
		FUZZ_CHECK(out.len == 6 && strcmp(out.buf, "prefix") == 0);
		unsigned char buf[64];
		FUZZ_CHECK((url ? b64url_decode_exact(text, n, buf, sizeof(buf))
				: b64_decode_exact(text, n, buf, sizeof(buf))) < 0);
	}
	strbuf_release(&out);
	strbuf_release(&again);
}

/* encode(bytes) is in the alphabet, of the announced length, and decodes back to bytes. */
static void
check_encode(const uint8_t *data, size_t size, bool url)
{
	struct strbuf text = STRBUF_INIT, back = STRBUF_INIT;
	if (url)
		b64url_encode(&text, data, size);
	else
		b64_encode(&text, data, size);
	FUZZ_CHECK(in_alphabet(text.buf, text.len, url));
	if (!url)
		FUZZ_CHECK(text.len == b64_encoded_len(size));
	else
		FUZZ_CHECK(text.len == (size * 4 + 2) / 3);
	int rc = url ? b64url_decode(&back, text.buf, text.len)
		     : b64_decode(&back, text.buf, text.len);
	FUZZ_CHECK(rc == 0 && back.len == size && (size == 0 || !memcmp(back.buf, data, size)));
	strbuf_release(&text);
	strbuf_release(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_decode((const char *)data, size, false);
	check_decode((const char *)data, size, true);
	check_encode(data, size, false);
	check_encode(data, size, true);
	return 0;
}
