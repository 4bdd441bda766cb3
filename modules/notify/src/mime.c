// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * An e-mail as the server receives it (RFC 5322, MIME): UTF-8 texts, the subject in RFC 2047
 * encoded-words, the body in base64 (safe for any script and any line length), a stable
 * Message-ID and, for follow messages, one-click unsubscribe (RFC 8058). Pure: unit-tested.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
mime_base64(struct strbuf *out, const unsigned char *data, size_t len, size_t line_len)
{
	size_t col = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)data[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
			     i + 1 < len ? b64[(v >> 6) & 63] : '=',
			     i + 2 < len ? b64[v & 63] : '='};
		strbuf_add(out, q, 4);
		col += 4;
		if (line_len && col >= line_len && i + 3 < len) {
			strbuf_addstr(out, "\r\n");
			col = 0;
		}
	}
}

static bool
is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 127 || (unsigned char)*s < ' ')
			return false;
	return true;
}

/* The length of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n = *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : *s >= 0xc0 ? 2 : 1;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/*
 * Encoded-words hold at most 39 bytes of text each (52 base64 characters, 64 with the
 * "=?UTF-8?B?...?=" around them, 73 after "Subject: "), cut between characters, one per
 * folded line (RFC 2047 section 2: 75 characters a word, 78 a line).
 */
void
mime_encode_header(struct strbuf *out, const char *name, const char *value)
{
	strbuf_addf(out, "%s: ", name);
	if (is_plain_ascii(value) && strlen(value) + strlen(name) < 76) {
		strbuf_addstr(out, value);
		strbuf_addstr(out, "\r\n");
		return;
	}
	const unsigned char *s = (const unsigned char *)value;
	bool first = true;
	while (*s) {
		size_t n = 0;
		while (s[n]) {
			size_t c = utf8_len(s + n);
			if (n + c > 39)
				break;
			n += c;
		}
		if (!first)
			strbuf_addstr(out, "\r\n ");
		strbuf_addstr(out, "=?UTF-8?B?");
		/* a stray CR or LF is encoded too: it can never end the header */
		mime_base64(out, s, n, 0);
		strbuf_addstr(out, "?=");
		s += n;
		first = false;
	}
	strbuf_addstr(out, "\r\n");
}

void
mime_date(long long t, char out[40])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The domain of an address (after the @), or "localhost". */
static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at && at[1] ? at + 1 : "localhost";
}

void
mime_build(struct strbuf *out, const struct notify_mail *m)
{
	strbuf_addf(out, "From: <%s>\r\n", m->from);
	strbuf_addf(out, "To: <%s>\r\n", m->to);
	mime_encode_header(out, "Subject", m->subject);
	strbuf_addf(out, "Date: %s\r\n", m->date);
	strbuf_addf(out, "Message-ID: <%s@%s>\r\n", m->message_id, domain_of(m->from));
	if (m->unsubscribe_url) {
		strbuf_addf(out, "List-Unsubscribe: <%s>\r\n", m->unsubscribe_url);
		strbuf_addstr(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	strbuf_addstr(out, "Auto-Submitted: auto-generated\r\n");
	strbuf_addstr(out, "MIME-Version: 1.0\r\n");
	strbuf_addstr(out, "Content-Type: text/plain; charset=utf-8\r\n");
	strbuf_addstr(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	mime_base64(out, (const unsigned char *)m->body, strlen(m->body), 76);
	strbuf_addstr(out, "\r\n");
}
