// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Value checks shared by forms, pages and event appliers (check.h).
 */
#include "common/check.h"

#include <stdlib.h>
#include <string.h>

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* s matches shape, where 'd' stands for a digit and any other character for itself. */
static bool
has_shape(const char *s, const char *shape)
{
	for (; *shape; s++, shape++)
		if (*shape == 'd' ? !is_digit(*s) : *s != *shape)
			return false;
	return true;
}

bool
is_iso_date(const char *s)
{
	if (!s || strlen(s) != 10 || !has_shape(s, "dddd-dd-dd"))
		return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

bool
is_utc_time(const char *s)
{
	size_t i = 19; /* the shape's length */
	if (!s || strnlen(s, i) < i || !has_shape(s, "dddd-dd-ddTdd:dd:dd"))
		return false;
	if (s[i] == '.') {
		size_t digits = 0;
		while (is_digit(s[++i]))
			digits++;
		if (digits < 1 || digits > 6)
			return false;
	}
	if (s[i] != 'Z' || s[i + 1] != '\0')
		return false;
	/* a real day and time, not only the shape (2025-02-30 would fail in the database) */
	char day[11];
	memcpy(day, s, 10);
	day[10] = '\0';
	int hh = (s[11] - '0') * 10 + (s[12] - '0'), mm = (s[14] - '0') * 10 + (s[15] - '0');
	int ss = (s[17] - '0') * 10 + (s[18] - '0');
	return is_iso_date(day) && hh < 24 && mm < 60 && ss < 60;
}

bool
is_sha256_hex(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

int
hex_digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
is_lang_texts(json_t *v)
{
	if (!json_is_object(v))
		return false;
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (!json_is_string(x) || strlen(k) > 8)
			return false;
	}
	return true;
}

long
utf8_decode(const unsigned char *p, size_t *n)
{
	if (p[0] < 0x80) {
		*n = 1;
		return p[0];
	}
	int len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
	if (len == 0 || p[0] > 0xF4) {
		*n = 1;
		return -1;
	}
	long cp = p[0] & (0x3F >> (len - 1));
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*n = (size_t)i;
			return -1;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*n = (size_t)len;
	/* the shortest form only, no surrogates, nothing past U+10FFFF */
	static const long least[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < least[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return -1;
	return cp;
}
