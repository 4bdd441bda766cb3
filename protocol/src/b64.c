// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded) on OpenSSL's EVP_EncodeBlock and
 * EVP_DecodeBlock, with the strictness OpenSSL leaves out: every byte string has exactly one
 * accepted text, so signatures and key ids cannot be smuggled in alternative spellings.
 */
#include "protocol/b64.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <string.h>

/* OpenSSL takes int lengths: work in chunks of whole groups (3 bytes, 4 characters). */
#define CHUNK_BYTES (3 * 1024)
#define CHUNK_CHARS (4 * 1024)

size_t
b64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

/* Append the standard, padded base64 of in[0..len) to sb. */
static void
encode_std(struct strbuf *sb, const unsigned char *in, size_t len)
{
	strbuf_grow(sb, b64_encoded_len(len));
	for (size_t done = 0; done < len;) {
		int n = len - done < CHUNK_BYTES ? (int)(len - done) : CHUNK_BYTES;
		/* 4 characters per 3 bytes and a NUL: within the room grown above. */
		int w = EVP_EncodeBlock((unsigned char *)sb->buf + sb->len, in + done, n);

		strbuf_setlen(sb, sb->len + (size_t)w);
		done += (size_t)n;
	}
}

void
b64_encode(struct strbuf *sb, const void *data, size_t len)
{
	encode_std(sb, data, len);
}

void
b64url_encode(struct strbuf *sb, const void *data, size_t len)
{
	size_t start = sb->len;

	encode_std(sb, data, len);
	for (size_t i = start; i < sb->len; i++) {
		if (sb->buf[i] == '+')
			sb->buf[i] = '-';
		else if (sb->buf[i] == '/')
			sb->buf[i] = '_';
	}
	while (sb->len > start && sb->buf[sb->len - 1] == '=')
		strbuf_setlen(sb, sb->len - 1);
}

/*
 * c as a character of the standard alphabet, or 0 when c is not one of the 64 characters of
 * the chosen alphabet. EVP_DecodeBlock alone would skip whitespace at either end and read '='
 * anywhere as zero bits, so every character is checked here first.
 */
static char
std_char(char c, bool url)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return c;
	if (c == (url ? '-' : '+'))
		return '+';
	if (c == (url ? '_' : '/'))
		return '/';
	return 0;
}

/*
 * How many '=' the standard text[0..n) has, or will get for the url text: -1 when its length
 * cannot be right (standard: a multiple of 4; url: 4n+1 characters cannot come from any byte
 * string).
 */
static int
padding(const char *text, size_t n, bool url)
{
	if (url)
		return n % 4 == 1 ? -1 : (int)((4 - n % 4) % 4);
	if (n % 4)
		return -1;
	if (!n || text[n - 1] != '=')
		return 0;
	return text[n - 2] == '=' ? 2 : 1;
}

static int
decode(struct strbuf *out, const char *text, size_t n, bool url)
{
	size_t orig_len = out->len, total, bytes;
	char chunk[CHUNK_CHARS];
	int pad = padding(text, n, url);

	if (pad < 0)
		return -1;
	/* The characters before the padding; then total, with it, is a multiple of 4. */
	total = url ? n + (size_t)pad : n;
	n = total - (size_t)pad;
	bytes = total / 4 * 3;
	strbuf_grow(out, bytes);
	for (size_t at = 0; at < total; at += CHUNK_CHARS) {
		size_t k = total - at < CHUNK_CHARS ? total - at : CHUNK_CHARS;

		for (size_t i = 0; i < k; i++) {
			chunk[i] = at + i < n ? std_char(text[at + i], url) : '=';
			if (!chunk[i])
				goto fail;
		}
		if (EVP_DecodeBlock((unsigned char *)out->buf + out->len + at / 4 * 3,
				    (const unsigned char *)chunk, (int)k) != (int)(k / 4 * 3))
			goto fail;
	}
	/*
	 * OpenSSL decodes each '=' as a zero byte, and the unused bits of the last character land
	 * in those bytes: they must be zero, and are not data.
	 */
	for (int i = 1; i <= pad; i++)
		if (out->buf[out->len + bytes - (size_t)i])
			goto fail;
	strbuf_setlen(out, orig_len + bytes - (size_t)pad);
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
