// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_B64_H
#define PROTOCOL_B64_H

#include "common/strbuf.h"

#include <stddef.h>

/*
 * Base64 as the federation protocol uses it (RFC 4648): the standard alphabet with '=' padding
 * for DSSE payloads, signatures and webhook signatures, and base64url without padding for JWK
 * members and key ids.
 *
 * Decoding is strict, because the inputs come from peers and every accepted text must have
 * exactly one meaning: no whitespace, no characters outside the alphabet, padding exactly as
 * the encoder would write it (standard) or absent (url), and the unused bits of the last
 * character must be zero. None of these functions log.
 */

/* The length of the standard, padded base64 text for len bytes (without a NUL). */
size_t b64_encoded_len(size_t len);

/* Append the standard, padded base64 of data[0..len) to sb. data may be NULL when len is 0. */
void b64_encode(struct strbuf *sb, const void *data, size_t len);

/* Append the base64url of data[0..len) to sb, without padding. */
void b64url_encode(struct strbuf *sb, const void *data, size_t len);

/*
 * Decode the standard, padded base64 text[0..text_len) and append the bytes to out (which stays
 * NUL-terminated). Returns 0, or -1 when the text is not canonical base64; out is then left as
 * it was. The empty text decodes to no bytes.
 */
int b64_decode(struct strbuf *out, const char *text, size_t text_len);

/* Like b64_decode for unpadded base64url: '=' is rejected, as is a length of 4n+1. */
int b64url_decode(struct strbuf *out, const char *text, size_t text_len);

/*
 * Decode standard base64 into a fixed buffer: returns 0 only when the text is canonical and
 * decodes to exactly out_len bytes, else -1 (out may then hold garbage the caller ignores).
 */
int b64_decode_exact(const char *text, size_t text_len, unsigned char *out, size_t out_len);

/* Like b64_decode_exact for unpadded base64url. */
int b64url_decode_exact(const char *text, size_t text_len, unsigned char *out, size_t out_len);

#endif
