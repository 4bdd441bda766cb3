// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_CHECK_H
#define COMMON_CHECK_H

/*
 * Checks of values that arrive in forms and in the peer's events, written once: dates and
 * times as the protocol writes them, hashes, per-language texts, UTF-8 sequences.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A real calendar day written YYYY-MM-DD, years 1900 to 2200. */
bool is_iso_date(const char *s);
/* RFC 3339 UTC as an origin writes it: 2026-11-26T07:00:00Z with 0 or 1 to 6 fraction digits,
 * a real day and time. NULL is false. */
bool is_utc_time(const char *s);
/* 64 lowercase hex digits. NULL is false. */
bool is_sha256_hex(const char *s);
/* The value 0-15 of a hex digit of either case; -1 when c is not one. */
int hex_digit_value(int c);
/* An object of language code (at most 8 bytes) -> string, e.g. {"ar": "..", "fr": ".."}. */
bool is_lang_texts(json_t *v);

/* The code point of the UTF-8 sequence at p and its length in *n (at least 1); -1 when the
 * sequence is malformed (then *n is the number of bytes to skip). p must be NUL-terminated. */
long utf8_decode(const unsigned char *p, size_t *n);

/* Decimal text of v in buf (for SQL parameters): LL(buf, v) evaluates to buf. */
#define LL(buf, v) (snprintf((buf), sizeof(buf), "%lld", (long long)(v)), (buf))

#endif
