// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The pure parts of the notify module: an e-mail's MIME (RFC 2047 subject, base64 body,
 * headers, one-click unsubscribe), the checks of what is queued (CR/LF refused, addresses,
 * E.164), a typed contact's parsing, and the templates ({{name}} and the gateway's {to}/{text}).
 */
#include "../../../../modules/notify/src/internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Decode the base64 of s[0..n) (no line breaks) into out (NUL-terminated); its length. */
static size_t
unbase64(const char *s, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < n && s[i] != '='; i++) {
		const char *p = strchr(a, s[i]);
		if (!p)
			continue;
		v = (v << 6) | (unsigned)(p - a);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((v >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return o;
}

static void
test_base64(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	mime_base64(&sb, (const unsigned char *)"Man", 3, 0);
	assert_string_equal(sb.buf, "TWFu");
	strbuf_setlen(&sb, 0);
	mime_base64(&sb, (const unsigned char *)"Ma", 2, 0);
	assert_string_equal(sb.buf, "TWE=");
	strbuf_setlen(&sb, 0);
	mime_base64(&sb, (const unsigned char *)"M", 1, 0);
	assert_string_equal(sb.buf, "TQ==");
	strbuf_setlen(&sb, 0);
	char long_text[200];
	memset(long_text, 'a', sizeof(long_text));
	mime_base64(&sb, (const unsigned char *)long_text, sizeof(long_text), 76);
	/* lines of 76 characters, CRLF between */
	assert_int_equal(strchr(sb.buf, '\r') - sb.buf, 76);
	strbuf_release(&sb);
}

static void
test_header_ascii_and_rfc2047(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	mime_encode_header(&sb, "Subject", "Hello there");
	assert_string_equal(sb.buf, "Subject: Hello there\r\n");
	strbuf_setlen(&sb, 0);
	/* Arabic, long enough to need several words; each line stays within 78 characters and
	 * every word decodes to whole characters */
	const char *s = "موعدكم في البلدية يوم الأحد على الساعة التاسعة صباحا — Rendez-vous été";
	mime_encode_header(&sb, "Subject", s);
	char decoded[512] = "";
	size_t dn = 0;
	for (const char *line = sb.buf; *line;) {
		const char *end = strstr(line, "\r\n");
		assert_non_null(end);
		assert_true(end - line <= 78);
		const char *w = strstr(line, "=?UTF-8?B?");
		assert_non_null(w);
		w += 10;
		const char *we = strstr(w, "?=");
		char part[128];
		size_t pn = unbase64(w, (size_t)(we - w), part);
		/* a word never starts inside a character */
		assert_true(((unsigned char)part[0] & 0xc0) != 0x80);
		memcpy(decoded + dn, part, pn);
		dn += pn;
		line = end + 2;
		if (*line == ' ')
			line++;
	}
	decoded[dn] = '\0';
	assert_string_equal(decoded, s);
	strbuf_setlen(&sb, 0);
	/* a CR or LF cannot end the header: it is encoded */
	mime_encode_header(&sb, "Subject", "Hi\r\nBcc: x@example.org");
	assert_null(strstr(sb.buf, "Bcc:"));
	assert_int_equal(strstr(sb.buf, "\r\n") - sb.buf, (long)strlen(sb.buf) - 2);
	strbuf_release(&sb);
}

static void
test_build(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct notify_mail m = {.from = "mairie@commune.dz",
				.to = "a@example.org",
				.subject = "Votre dossier",
				.body = "Ligne 1\nLigne été",
				.message_id = "0b0e-42",
				.date = "Mon, 07 Dec 2026 02:00:00 +0000",
				.unsubscribe_url = "https://commune.dz/unsubscribe/tok"};
	mime_build(&sb, &m);
	assert_non_null(strstr(sb.buf, "From: <mairie@commune.dz>\r\n"));
	assert_non_null(strstr(sb.buf, "To: <a@example.org>\r\n"));
	assert_non_null(strstr(sb.buf, "Message-ID: <0b0e-42@commune.dz>\r\n"));
	assert_non_null(
		strstr(sb.buf, "List-Unsubscribe: <https://commune.dz/unsubscribe/tok>\r\n"));
	assert_non_null(strstr(sb.buf, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(sb.buf, "Content-Type: text/plain; charset=utf-8\r\n"));
	assert_non_null(strstr(sb.buf, "Content-Transfer-Encoding: base64\r\n\r\n"));
	const char *body = strstr(sb.buf, "\r\n\r\n") + 4;
	char out[64];
	unbase64(body, strlen(body), out);
	assert_string_equal(out, "Ligne 1\nLigne été");
	strbuf_setlen(&sb, 0);
	m.unsubscribe_url = NULL;
	mime_build(&sb, &m);
	assert_null(strstr(sb.buf, "List-Unsubscribe"));
	strbuf_release(&sb);
	char date[40];
	mime_date(1796608800, date); /* 2026-12-07T02:00:00Z */
	assert_string_equal(date, "Mon, 07 Dec 2026 02:00:00 +0000");
}

static void
test_checks(void **state)
{
	(void)state;
	assert_true(notify_is_header_safe("plain"));
	assert_false(notify_is_header_safe("a\rb"));
	assert_false(notify_is_header_safe("a\nb"));
	assert_true(notify_is_valid_email("a.b+c@example.org"));
	assert_false(notify_is_valid_email("a@b@example.org"));
	assert_false(notify_is_valid_email("a <a@example.org>"));
	assert_false(notify_is_valid_email("a@example"));
	assert_false(notify_is_valid_email("@example.org"));
	assert_true(notify_is_valid_phone("+213555123456"));
	assert_false(notify_is_valid_phone("0555123456"));
	assert_false(notify_is_valid_phone("+0555123456"));
	assert_false(notify_is_valid_phone("+213 555"));
	struct notify_message m = {.channel = "email",
				   .to = "a@example.org",
				   .lang = "fr",
				   .subject = "Bonjour",
				   .body = "Texte",
				   .kind = "test.kind"};
	assert_null(notify_message_problem(&m));
	m.subject = "Bonjour\r\nBcc: b@example.org";
	assert_non_null(notify_message_problem(&m));
	m.subject = NULL;
	assert_non_null(notify_message_problem(&m)); /* an e-mail needs a subject */
	m.subject = "ok";
	m.kind = "Personal Data";
	assert_non_null(notify_message_problem(&m));
	m.kind = "test.kind";
	m.lang = "fr\r\nX"; /* any well-formed tag (the platform's own list is checked where it is
			       known) */
	assert_non_null(notify_message_problem(&m));
	m.lang = "kab";
	assert_null(notify_message_problem(&m));
	m.lang = "ar";
	m.dedupe_key = "k\n";
	assert_non_null(notify_message_problem(&m));
	struct notify_message sms = {.channel = "sms",
				     .to = "+213555123456",
				     .lang = "ar",
				     .body = "رمز",
				     .kind = "participation.code"};
	assert_null(notify_message_problem(&sms));
	sms.subject = "no";
	assert_non_null(notify_message_problem(&sms));
}

static void
test_contact_parse(void **state)
{
	(void)state;
	const char *ch;
	char to[NOTIFY_CONTACT_SIZE];
	assert_true(notify_contact_parse("0555 12 34 56", &ch, to));
	assert_string_equal(ch, "sms");
	assert_string_equal(to, "+213555123456");
	assert_true(notify_contact_parse("+213 555-12.34.56", &ch, to));
	assert_string_equal(to, "+213555123456");
	assert_true(notify_contact_parse("00213 661 00 00 00", &ch, to));
	assert_string_equal(to, "+213661000000");
	assert_true(notify_contact_parse("+33 6 12 34 56 78", &ch, to));
	assert_string_equal(to, "+33612345678");
	assert_true(notify_contact_parse("lina@example.dz", &ch, to));
	assert_string_equal(ch, "email");
	assert_false(notify_contact_parse("0555", &ch, to));
	assert_false(notify_contact_parse("call me", &ch, to));
	assert_false(notify_contact_parse("a@b\r\n@c.org", &ch, to));
}

static void
test_templates(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	json_t *vars = json_pack("{s:s, s:i}", "title", "Le marché", "n", 3);
	notify_render(&sb, "« {{title}} » : {{n}} changements{{missing}}.", vars);
	assert_string_equal(sb.buf, "« Le marché » : 3 changements.");
	strbuf_setlen(&sb, 0);
	notify_render(&sb, "unclosed {{title", vars);
	assert_string_equal(sb.buf, "unclosed {{title");
	json_decref(vars);
	strbuf_setlen(&sb, 0);
	render_gateway(&sb, "https://gw/send?to={to}&msg={text}", "+213555123456", "رمز 12 & co",
		       RENDER_URL);
	assert_string_equal(sb.buf,
			    "https://gw/send?to=%2B213555123456&msg=%D8%B1%D9%85%D8%B2%2012%"
			    "20%26%20co");
	strbuf_setlen(&sb, 0);
	render_gateway(&sb, "{\"to\":\"{to}\",\"text\":\"{text}\"}", "+213555123456",
		       "say \"hi\"\n", RENDER_JSON);
	assert_string_equal(sb.buf, "{\"to\":\"+213555123456\",\"text\":\"say \\\"hi\\\"\\n\"}");
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_header_ascii_and_rfc2047),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_contact_parse),
		cmocka_unit_test(test_templates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
