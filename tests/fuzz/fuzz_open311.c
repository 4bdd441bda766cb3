// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Open311 query parsing (modules/open311/src/parse.c): start_date/end_date date-times,
 * comma-separated lists (service_request_id, service_code, status), text prefixes and titles,
 * API key names. Checks: an accepted date-time written back as UTC reads as the same instant;
 * list callbacks see only non-empty items without commas; prefixes and titles end on a
 * character boundary inside the text; a key name has only its allowed characters.
 */
#include "fuzz.h"

#include "../../modules/open311/src/parse.h"

static bool
item_ok(void *ctx, const char *item)
{
	size_t *seen = ctx;
	FUZZ_CHECK(*item && !strchr(item, ','));
	++*seen;
	return item[0] != '!'; /* a refused item stops the walk */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	size_t len = strlen(s);

	long long epoch;
	if (open311_parse_datetime(s, &epoch)) {
		char utc[OPEN311_UTC_SIZE];
		open311_format_utc(epoch, utc);
		long long again;
		if (utc[0]) {
			FUZZ_CHECK(strlen(utc) == OPEN311_UTC_SIZE - 1);
			FUZZ_CHECK(open311_parse_datetime(utc, &again) && again == epoch);
		}
	}

	size_t seen = 0;
	long n = open311_each_item(s, 5, item_ok, &seen);
	FUZZ_CHECK(n >= -1 && n <= 5);
	if (n >= 0)
		FUZZ_CHECK((size_t)n == seen);
	seen = 0;
	if (open311_list_ok(s, 5, item_ok, &seen))
		FUZZ_CHECK(len && s[0] != ',' && s[len - 1] != ',' && !strstr(s, ",,"));

	bool open, closed;
	if (open311_parse_status(s, &open, &closed))
		FUZZ_CHECK(open || closed);

	for (size_t max = 0; max < 4; max++) {
		size_t k = open311_prefix_len(s, max);
		FUZZ_CHECK(k <= len);
		FUZZ_CHECK(k == len || ((unsigned char)s[k] & 0xC0) != 0x80);
	}
	size_t tlen;
	const char *title = open311_title(s, 10, &tlen);
	FUZZ_CHECK(title >= s && title + tlen <= s + len);
	FUZZ_CHECK(!memchr(title, '\n', tlen) && !memchr(title, '\r', tlen));

	if (open311_is_key_name(s)) {
		FUZZ_CHECK(len >= 1 && len <= 64);
		FUZZ_CHECK(strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678"
				     "9._-") == len);
	}
	free(s);
	return 0;
}
