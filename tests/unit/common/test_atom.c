// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Atom writer and the feeds' XML text (common/src/atom.c): the five markup characters as
 * entities, the characters XML 1.0 forbids and malformed UTF-8 (truncated, stray continuation
 * bytes, overlong forms, surrogates, past U+10FFFF) dropped, direction controls as character
 * references, everything else kept byte for byte; elements; RFC 822 dates for RSS; RFC 3339 times
 * for Atom (dates, fractions, offsets kept; impossible ones refused); short plain summaries (white
 * space, Markdown removed, cut at a word with "…"); a whole feed with hostile texts.
 */
#include "common/atom.h"

#include "common/strbuf.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* s through xml_escape, compared with want. */
static void
assert_escaped(const char *s, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	xml_escape(&out, s);
	assert_string_equal(out.buf, want);
	strbuf_release(&out);
}

static void
test_markup(void **state)
{
	(void)state;
	assert_escaped("a&b<c>\"d'e", "a&amp;b&lt;c&gt;&quot;d&#39;e");
	assert_escaped("</title><script>alert(1)</script>",
		       "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_escaped("&amp;", "&amp;amp;");
	assert_escaped("]]>", "]]&gt;");
	assert_escaped("", "");
	assert_escaped(NULL, "");
}

static void
test_text_kept(void **state)
{
	(void)state;
	assert_escaped("Route de l'aéroport", "Route de l&#39;aéroport");
	assert_escaped("بلدية الجزائر الوسطى", "بلدية الجزائر الوسطى");
	assert_escaped("line 1\nline 2\r\n\tend", "line 1\nline 2\r\n\tend");
	assert_escaped("\xF0\x9F\x9A\xB0 U+1F6B0", "\xF0\x9F\x9A\xB0 U+1F6B0");
	/* the last characters XML allows before the forbidden pair, and past the BMP's end */
	assert_escaped("\xEF\xBF\xBD|\xF4\x8F\xBF\xBF", "\xEF\xBF\xBD|\xF4\x8F\xBF\xBF");
}

static void
test_forbidden_dropped(void **state)
{
	(void)state;
	assert_escaped("a\x01"
		       "b\x08"
		       "c\x0B"
		       "d\x0C"
		       "e\x1F"
		       "f\x1B[31mg",
		       "abcdef[31mg");
	assert_escaped("x\xEF\xBF\xBEy\xEF\xBF\xBFz", "xyz"); /* U+FFFE, U+FFFF */
	assert_escaped("\x7F", "\x7F");                       /* DEL is allowed in XML 1.0 */
}

static void
test_malformed_dropped(void **state)
{
	(void)state;
	assert_escaped("a\xFF"
		       "b\xFE"
		       "c",
		       "abc"); /* never in UTF-8 */
	assert_escaped("a\x80\xBF"
		       "b",
		       "ab");         /* stray continuation bytes */
	assert_escaped("a\xC3", "a"); /* truncated at the end */
	assert_escaped("a\xE2\x82"
		       "b",
		       "ab"); /* truncated before an ASCII byte */
	assert_escaped("a\xC0\xAF"
		       "b",
		       "ab"); /* overlong "/" */
	assert_escaped("a\xC0\xBC"
		       "b",
		       "ab"); /* overlong "<" is not markup either */
	assert_escaped("a\xE0\x80\xAF"
		       "b",
		       "ab"); /* overlong, three bytes */
	assert_escaped("a\xF0\x80\x80\xAF"
		       "b",
		       "ab"); /* overlong, four bytes */
	assert_escaped("a\xED\xA0\x80"
		       "b",
		       "ab"); /* a surrogate, U+D800 */
	assert_escaped("a\xF4\x90\x80\x80"
		       "b",
		       "ab"); /* U+110000 */
	assert_escaped("a\xF5\x80\x80\x80"
		       "b",
		       "ab"); /* lead byte past F4 */
}

static void
test_bidi_as_references(void **state)
{
	(void)state;
	assert_escaped("\xE2\x80\xAE"
		       "txt.exe",
		       "&#x202E;txt.exe");                              /* RLO */
	assert_escaped("\xE2\x80\x8E\xE2\x80\x8F", "&#x200E;&#x200F;"); /* LRM, RLM */
	assert_escaped("\xD8\x9C", "&#x61C;");                          /* ALM */
	assert_escaped("\xE2\x80\xAA\xE2\x80\xAC", "&#x202A;&#x202C;"); /* LRE, PDF */
	assert_escaped("\xE2\x81\xA6\xE2\x81\xA9", "&#x2066;&#x2069;"); /* LRI, PDI */
	/* the neighbours are ordinary characters */
	assert_escaped("\xE2\x80\x8D\xE2\x80\xAF", "\xE2\x80\x8D\xE2\x80\xAF");
}

static void
test_element(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	xml_element(&out, "title", "Fuite <rue> & \x01trottoir");
	assert_string_equal(out.buf, "<title>Fuite &lt;rue&gt; &amp; trottoir</title>\n");
	strbuf_release(&out);
}

/* t through xml_rfc822, compared with want. */
static void
assert_rfc822(const char *t, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	xml_rfc822(&out, t);
	assert_string_equal(out.buf, want);
	strbuf_release(&out);
}

static void
test_rfc822(void **state)
{
	(void)state;
	assert_rfc822("2026-11-26T10:00:00.123456Z", "Thu, 26 Nov 2026 10:00:00 +0000");
	assert_rfc822("2024-02-29T23:59:59Z", "Thu, 29 Feb 2024 23:59:59 +0000");
	assert_rfc822("2000-03-01T00:00:00Z", "Wed, 01 Mar 2000 00:00:00 +0000");
	assert_rfc822("2027-01-03T07:05:09Z", "Sun, 03 Jan 2027 07:05:09 +0000");
	assert_rfc822("1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_rfc822("2026-13-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_rfc822("yesterday", "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_rfc822(NULL, "Thu, 01 Jan 1970 00:00:00 +0000");
}

/* t through atom_time, compared with want. */
static void
assert_time(const char *t, const char *want)
{
	char buf[ATOM_TIME_SIZE];
	assert_string_equal(atom_time(buf, t), want);
}

static void
test_atom_time(void **state)
{
	(void)state;
	assert_time("2026-11-26T10:00:00.123456Z", "2026-11-26T10:00:00.123456Z");
	assert_time("2026-11-26T10:00:00Z", "2026-11-26T10:00:00Z");
	assert_time("2026-11-26T10:00:00+01:00", "2026-11-26T10:00:00+01:00");
	assert_time("2026-03-20", "2026-03-20T00:00:00Z");
	assert_time("2024-02-29", "2024-02-29T00:00:00Z");
	const char *epoch = "1970-01-01T00:00:00Z";
	assert_time("2026-02-29", epoch); /* not a leap year */
	assert_time("2100-02-29", epoch);
	assert_time("2026-04-31", epoch);
	assert_time("2026-13-01", epoch);
	assert_time("2026-11-26T24:00:00Z", epoch);
	assert_time("2026-11-26T10:00:00", epoch);  /* no zone: not RFC 3339 */
	assert_time("2026-11-26 10:00:00Z", epoch); /* a space is not a T here */
	assert_time("2026-11-26T10:00:00.Z", epoch);
	assert_time("2026-11-26T10:00:00Z<x>", epoch);
	assert_time("26/11/2026", epoch);
	assert_time("", epoch);
	assert_time(NULL, epoch);
}

/* text through atom_summary(max, markdown), compared with want. */
static void
assert_summary(const char *text, size_t max, bool markdown, const char *want)
{
	struct strbuf out = STRBUF_INIT;
	atom_summary(&out, text, max, markdown);
	assert_string_equal(out.buf, want);
	strbuf_release(&out);
}

static void
test_atom_summary(void **state)
{
	(void)state;
	assert_summary("  La rue\n\nsera\tfermée.  ", 100, false, "La rue sera fermée.");
	assert_summary("La **rue** sera _fermée_.\n\n- du 3\n- au 5", 100, true,
		       "La rue sera fermée. du 3 au 5");
	assert_summary("Voir [le plan](https://x.example/p) & <script>x</script>", 100, true,
		       "Voir le plan & x"); /* raw HTML dropped, its text kept */
	assert_summary("a < b", 100, true, "a < b");
	/* cut at the end of the last whole word */
	assert_summary("une deux trois quatre", 12, false, "une deux…");
	assert_summary("une deux trois", 14, false, "une deux trois");
	/* one long word: cut inside it rather than dropping it all */
	assert_summary("anticonstitutionnellement", 10, false, "anticonsti…");
	/* characters, not bytes: Arabic letters are two bytes each */
	assert_summary("بلدية الجزائر", 5, false, "بلدية…");
	assert_summary(NULL, 10, true, "");
	assert_summary("", 10, false, "");
}

static void
test_atom_feed(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	atom_open(&out, &(struct atom_head){.id = "tag:x.example,2026:/news.atom?lang=fr",
					    .title = "Tiziri — Actualités <&>",
					    .updated = "2026-11-26",
					    .lang = "fr",
					    .author = "Tiziri",
					    .author_uri = "https://x.example",
					    .self = "https://x.example/news.atom?a=1&lang=fr",
					    .html = "https://x.example/news?a=1&lang=fr"});
	atom_add_entry(&out, &(struct atom_entry){.id = "tag:x.example,2026:news/official/3",
						  .title = "]]> \x07<b>\xE2\x80\xAE",
						  .link = "https://x.example/news/3",
						  .updated = "2026-11-26T10:00:00.5Z",
						  .category = "voirie",
						  .category_label = "Voirie \"& co\"",
						  .summary = "x"});
	atom_add_entry(&out, &(struct atom_entry){.id = "tag:x.example,2026:news/official/4",
						  .title = "Sans résumé",
						  .link = "https://x.example/news/4",
						  .updated = "not a time"});
	atom_close(&out);
	assert_string_equal(
		out.buf,
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n"
		"<id>tag:x.example,2026:/news.atom?lang=fr</id>\n"
		"<title type=\"text\">Tiziri — Actualités &lt;&amp;&gt;</title>\n"
		"<updated>2026-11-26T00:00:00Z</updated>\n"
		"<author><name>Tiziri</name><uri>https://x.example</uri></author>\n"
		"<link rel=\"self\" type=\"application/atom+xml\" "
		"href=\"https://x.example/news.atom?a=1&amp;lang=fr\"/>\n"
		"<link rel=\"alternate\" type=\"text/html\" "
		"href=\"https://x.example/news?a=1&amp;lang=fr\"/>\n"
		"<generator>Baladiya</generator>\n"
		"<entry>\n"
		"<id>tag:x.example,2026:news/official/3</id>\n"
		"<title type=\"text\">]]&gt; &lt;b&gt;&#x202E;</title>\n"
		"<link rel=\"alternate\" type=\"text/html\" href=\"https://x.example/news/3\"/>\n"
		"<updated>2026-11-26T10:00:00.5Z</updated>\n"
		"<category term=\"voirie\" label=\"Voirie &quot;&amp; co&quot;\"/>\n"
		"<summary type=\"text\">x</summary>\n"
		"</entry>\n"
		"<entry>\n"
		"<id>tag:x.example,2026:news/official/4</id>\n"
		"<title type=\"text\">Sans résumé</title>\n"
		"<link rel=\"alternate\" type=\"text/html\" href=\"https://x.example/news/4\"/>\n"
		"<updated>1970-01-01T00:00:00Z</updated>\n"
		"</entry>\n"
		"</feed>\n");
	strbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_text_kept),
		cmocka_unit_test(test_forbidden_dropped),
		cmocka_unit_test(test_malformed_dropped),
		cmocka_unit_test(test_bidi_as_references),
		cmocka_unit_test(test_element),
		cmocka_unit_test(test_rfc822),
		cmocka_unit_test(test_atom_time),
		cmocka_unit_test(test_atom_summary),
		cmocka_unit_test(test_atom_feed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
