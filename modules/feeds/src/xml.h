// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef FEEDS_XML_H
#define FEEDS_XML_H

/*
 * XML text for the feeds (xml.c), between the feeds module's own files and its unit tests:
 * one escaper that every text of a feed goes through, so that hostile report texts can neither
 * break a feed nor script it.
 */
struct strbuf;

/*
 * Append s (NULL: nothing) as XML character data or an attribute value in double quotes: the
 * five markup characters as entities (&amp; &lt; &gt; &quot; &#39;); the characters XML 1.0
 * forbids (C0 controls but tab and line ends, surrogates, U+FFFE, U+FFFF) and malformed UTF-8
 * dropped; direction controls (LRM, RLM, ALM, embeddings, overrides, isolates) written as
 * character references (&#x202E;), so they survive parsing yet cannot reorder the raw text.
 */
void xml_escape(struct strbuf *out, const char *s);

/* Append "<name>text</name>\n", text escaped by xml_escape. */
void xml_element(struct strbuf *out, const char *name, const char *text);

/*
 * Append an RFC 3339 UTC time ("2026-11-26T10:00:00.123456Z") as RFC 822 for RSS ("Thu, 26 Nov
 * 2026 10:00:00 +0000"); the epoch's date when t is NULL or not such a time.
 */
void xml_rfc822(struct strbuf *out, const char *t);

#endif
