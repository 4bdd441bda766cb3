// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded) with a strict decoder: every byte
 * string has exactly one accepted text, so signatures and key ids cannot be smuggled in
 * alternative spellings.
 */
#include "protocol/b64.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char std_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
b64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

static void
encode(struct strbuf *sb, const unsigned char *in, size_t len, const char *alphabet, bool pad)
{
	size_t i;

	strbuf_grow(sb, b64_encoded_len(len));
	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		strbuf_addch(sb, alphabet[v >> 18 & 63]);
		strbuf_addch(sb, alphabet[v >> 12 & 63]);
		strbuf_addch(sb, alphabet[v >> 6 & 63]);
		strbuf_addch(sb, alphabet[v & 63]);
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		strbuf_addch(sb, alphabet[v >> 18 & 63]);
		strbuf_addch(sb, alphabet[v >> 12 & 63]);
		if (pad)
			strbuf_addstr(sb, "==");
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		strbuf_addch(sb, alphabet[v >> 18 & 63]);
		strbuf_addch(sb, alphabet[v >> 12 & 63]);
		strbuf_addch(sb, alphabet[v >> 6 & 63]);
		if (pad)
			strbuf_addch(sb, '=');
	}
}

void
b64_encode(struct strbuf *sb, const void *data, size_t len)
{
	encode(sb, data, len, std_alphabet, true);
}

void
b64url_encode(struct strbuf *sb, const void *data, size_t len)
{
	encode(sb, data, len, url_alphabet, false);
}

/* The 6-bit value of c in the chosen alphabet, or -1. */
static int
sextet(unsigned char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

static int
decode(struct strbuf *out, const char *text, size_t n, bool url)
{
	size_t orig_len = out->len;
	size_t i;
	int v[4];

	if (!url) {
		if (n % 4)
			return -1;
		if (n && text[n - 1] == '=') {
			n--;
			if (text[n - 1] == '=')
				n--;
		}
	}
	/* 4n+1 characters cannot come from any byte string. */
	if (n % 4 == 1)
		return -1;

	strbuf_grow(out, n / 4 * 3 + 2);
	for (i = 0; i + 4 <= n; i += 4) {
		for (int k = 0; k < 4; k++)
			if ((v[k] = sextet((unsigned char)text[i + k], url)) < 0)
				goto fail;
		strbuf_addch(out, v[0] << 2 | v[1] >> 4);
		strbuf_addch(out, (v[1] & 15) << 4 | v[2] >> 2);
		strbuf_addch(out, (v[2] & 3) << 6 | v[3]);
	}
	if (n - i >= 2) {
		for (size_t k = 0; k < n - i; k++)
			if ((v[k] = sextet((unsigned char)text[i + k], url)) < 0)
				goto fail;
		strbuf_addch(out, v[0] << 2 | v[1] >> 4);
		if (n - i == 2) {
			/* The low 4 bits of the last character are not data: they must be zero. */
			if (v[1] & 15)
				goto fail;
		} else {
			strbuf_addch(out, (v[1] & 15) << 4 | v[2] >> 2);
			if (v[2] & 3)
				goto fail;
		}
	}
	return 0;

fail:
	strbuf_setlen(out, orig_len);
	return -1;
}

int
b64_decode(struct strbuf *out, const char *text, size_t text_len)
{
	return decode(out, text, text_len, false);
}

int
b64url_decode(struct strbuf *out, const char *text, size_t text_len)
{
	return decode(out, text, text_len, true);
}

static int
decode_exact(const char *text, size_t text_len, unsigned char *out, size_t out_len, bool url)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	/* Reject by length first so an attacker cannot make us decode a huge text. */
	if (text_len > b64_encoded_len(out_len))
		goto out;
	if (decode(&sb, text, text_len, url) < 0 || sb.len != out_len)
		goto out;
	memcpy(out, sb.buf, out_len);
	ret = 0;
out:
	strbuf_release(&sb);
	return ret;
}

int
b64_decode_exact(const char *text, size_t text_len, unsigned char *out, size_t out_len)
{
	return decode_exact(text, text_len, out, out_len, false);
}

int
b64url_decode_exact(const char *text, size_t text_len, unsigned char *out, size_t out_len)
{
	return decode_exact(text, text_len, out, out_len, true);
}
