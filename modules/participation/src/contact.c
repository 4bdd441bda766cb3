// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A resident's contact as typed, made one canonical string per person: an e-mail address
 * lowercased (and, for counting, without its "+tag", which would otherwise give one person as
 * many "contacts" as they like), a phone number in E.164 (Algerian local forms "0555 12 34 56",
 * "00213...", "+213 (0)5..." and Arabic-Indic digits included). Pure: no request, no database.
 */
#include "internal.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* The local part's characters RFC 5322 allows unquoted. */
static bool
is_local_char(int c)
{
	return isalnum(c) || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

/* True when d (length n) is a host name with at least two labels and an alphabetic TLD. */
static bool
is_domain(const char *d, size_t n)
{
	size_t label = 0, labels = 0, tld_alpha = 0;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		int c = i < n ? (unsigned char)d[i] : '.';
		if (c == '.') {
			if (label == 0 || label > 63 || d[i - 1] == '-')
				return false;
			labels++;
			if (i == n)
				break;
			label = 0;
			tld_alpha = 0;
			continue;
		}
		if (!isalnum(c) && c != '-')
			return false;
		if (label == 0 && c == '-')
			return false;
		label++;
		if (isalpha(c))
			tld_alpha++;
	}
	return labels >= 2 && tld_alpha == label && label >= 2;
}

static int
email_normalize(const char *s, size_t n, struct contact *out)
{
	const char *at = memchr(s, '@', n);
	if (!at || memchr(at + 1, '@', n - (size_t)(at - s) - 1) || n >= sizeof(out->address))
		return -1;
	size_t local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || s[local - 1] == '.')
		return -1;
	for (size_t i = 0; i < local; i++)
		if (!is_local_char((unsigned char)s[i]) || (s[i] == '.' && s[i + 1] == '.'))
			return -1;
	if (!is_domain(at + 1, n - local - 1))
		return -1;
	for (size_t i = 0; i < n; i++)
		out->address[i] = (char)tolower((unsigned char)s[i]);
	out->address[n] = '\0';
	/* the "+tag" leaves the counted form, not the address written to */
	const char *plus = memchr(out->address, '+', local);
	size_t keep = plus ? (size_t)(plus - out->address) : local;
	if (keep == 0)
		keep = local;
	memcpy(out->canonical, out->address, keep);
	strcpy(out->canonical + keep, out->address + local);
	strcpy(out->channel, "email");
	return 0;
}

/*
 * The digits of a phone number as typed, in digits (at most size - 1), with a leading "+"
 * kept as '+': spaces, dots, dashes and parentheses are dropped, Arabic-Indic digits
 * (U+0660..0669, U+06F0..06F9) read as 0-9. -1 for anything else.
 */
static int
phone_digits(const char *s, size_t n, char *digits, size_t size)
{
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		int d = -1;
		if (*p >= '0' && *p <= '9')
			d = *p++ - '0';
		else if (p + 1 < end && p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9)
			d = p[1] - 0xA0, p += 2;
		else if (p + 1 < end && p[0] == 0xDB && p[1] >= 0xB0 && p[1] <= 0xB9)
			d = p[1] - 0xB0, p += 2;
		else if (*p == '+' && k == 0) {
			digits[k++] = '+';
			p++;
			continue;
		} else if (*p == ' ' || *p == '.' || *p == '-' || *p == '(' || *p == ')') {
			p++;
			continue;
		} else
			return -1;
		if (k + 1 >= size)
			return -1;
		digits[k++] = (char)('0' + d);
	}
	digits[k] = '\0';
	return 0;
}

static int
phone_normalize(const char *s, size_t n, struct contact *out)
{
	char d[40];
	if (phone_digits(s, n, d, sizeof(d)) < 0)
		return -1;
	const char *national = NULL;
	if (!strncmp(d, "+213", 4))
		national = d + 4;
	else if (!strncmp(d, "00213", 5))
		national = d + 5;
	else if (d[0] == '0' && d[1] != '0')
		national = d + 1;
	else if (!strncmp(d, "213", 3) && strlen(d) == 12)
		national = d + 3;
	if (national) {
		if (national[0] == '0') /* "+213 (0)555..." */
			national++;
		/* a mobile: 5, 6 or 7 then 8 digits (SMS reach only mobiles) */
		if (strlen(national) != 9 || !strchr("567", national[0]) ||
		    strspn(national, "0123456789") != 9)
			return -1;
		snprintf(out->address, sizeof(out->address), "+213%s", national);
	} else {
		/* another country in E.164: "+" or "00", then 8 to 15 digits, no leading 0 */
		const char *in = d[0] == '+' ? d + 1 : !strncmp(d, "00", 2) ? d + 2 : NULL;
		size_t len = in ? strlen(in) : 0;
		if (!in || len < 8 || len > 15 || in[0] == '0' || strspn(in, "0123456789") != len)
			return -1;
		snprintf(out->address, sizeof(out->address), "+%s", in);
	}
	strcpy(out->canonical, out->address);
	strcpy(out->channel, "sms");
	return 0;
}

int
contact_normalize(const char *s, struct contact *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n > CONTACT_INPUT_MAX)
		return -1;
	return memchr(s, '@', n) ? email_normalize(s, n, out) : phone_normalize(s, n, out);
}
