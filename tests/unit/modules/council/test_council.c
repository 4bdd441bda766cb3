// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * council_file: a deliberation file is a PDF by its bytes (header and end marker where readers
 * look for them), its name is reduced to a sane last component that cannot disguise its
 * extension, the mirror accepts exactly the names that reduction makes, and the download's
 * Content-Disposition carries an ASCII fallback and the exact UTF-8 name.
 */
#include "../../../../modules/council/src/internal.h"

#include "common/strbuf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* "%PDF-1.4", filler up to len bytes, then tail (e.g. "%%EOF\n") at the very end. */
static char *
make_pdf(const char *head, size_t len, const char *tail)
{
	char *d = malloc(len);
	memset(d, 'x', len);
	memcpy(d, head, strlen(head));
	memcpy(d + len - strlen(tail), tail, strlen(tail));
	return d;
}

static void
test_is_pdf(void **state)
{
	(void)state;
	char *d = make_pdf("%PDF-1.4\n", 4096, "%%EOF\n");
	assert_true(council_is_pdf(d, 4096));
	free(d);
	d = make_pdf("%PDF-2.0\n", 16, "%%EOF");
	assert_true(council_is_pdf(d, 16)); /* the smallest */
	free(d);
	d = make_pdf("%PDF-1.7\n", 15, "%%EOF");
	assert_false(council_is_pdf(d, 15));
	free(d);

	/* the end marker in the last 1024 bytes, where readers look for it */
	d = make_pdf("%PDF-1.4\n", 10000, "%%EOF");
	assert_true(council_is_pdf(d, 10000));
	memcpy(d + 10000 - 1024, "%%EOF", 5); /* at the window's first byte */
	memcpy(d + 10000 - 5, "xxxxx", 5);
	assert_true(council_is_pdf(d, 10000));
	memcpy(d + 10000 - 1024, "xxxxx", 5);
	memcpy(d + 10000 - 1025, "%%EOF", 5); /* one byte before it: cut off */
	assert_false(council_is_pdf(d, 10000));
	free(d);

	/* a PDF whose end was cut off; a text that only starts like one */
	d = make_pdf("%PDF-1.4\n", 4096, "%%EOF\n");
	assert_false(council_is_pdf(d, 4096 - 2048));
	free(d);

	static const char *const heads[] = {"%PDF-x.4\n", "%PDF-0.9\n",  "%PDF-14\n",
					    "%pdf-1.4\n", " %PDF-1.4\n", "\x89PNG\r\n\x1a\n"};
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		d = make_pdf(heads[i], 2048, "%%EOF\n");
		if (council_is_pdf(d, 2048))
			fail_msg("\"%s\" taken for a PDF", heads[i]);
		free(d);
	}
	assert_false(council_is_pdf("", 0));
}

/* The name made from raw is want, and the mirror's check accepts it. */
static void
assert_name(const char *raw, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	council_file_name(&sb, raw);
	if (strcmp(sb.buf, want) != 0)
		fail_msg("\"%s\" became \"%s\", expected \"%s\"", raw ? raw : "(null)", sb.buf,
			 want);
	assert_true(council_file_name_is_sane(sb.buf));
	strbuf_release(&sb);
}

static void
test_file_name(void **state)
{
	(void)state;
	/* the cases of tests/integration/council.test.mjs */
	assert_name("../../etc/passwd.pdf", "passwd.pdf");
	assert_name("C:\\Users\\agent\\Documents\\PV session.PDF", "PV session.pdf");
	assert_name("rapport\xE2\x80\xAE"
		    "fdp.exe",
		    "rapportfdp.exe.pdf"); /* U+202E RIGHT-TO-LEFT OVERRIDE */
	assert_name("a\x07"
		    "b\tc\x1b[31m.pdf",
		    "abc[31m.pdf");
	assert_name("  ..cache.pdf ", "cache.pdf");
	assert_name("...", "deliberation.pdf");
	assert_name("Extrait délibération 2025-014 «BP».pdf",
		    "Extrait délibération 2025-014 «BP».pdf");

	/* nothing usable */
	assert_name(NULL, "deliberation.pdf");
	assert_name("", "deliberation.pdf");
	assert_name("dossier/", "deliberation.pdf");
	assert_name(".pdf", "pdf.pdf"); /* the leading dot goes, what follows is a stem */
	assert_name("caf\xE9.pdf", "deliberation.pdf"); /* not UTF-8: dropped whole */

	/* other invisible marks and controls */
	assert_name("\xEF\xBB\xBFpv.pdf", "pv.pdf"); /* U+FEFF */
	assert_name("pv\xE2\x81\xA6"
		    "x.pdf",
		    "pvx.pdf");                      /* U+2066 */
	assert_name("pv\xE2\x80\x8F.pdf", "pv.pdf"); /* U+200F */
	assert_name("pv\xC2\x85.pdf", "pv.pdf");     /* C1 */
	assert_name("pv\x7f.pdf", "pv.pdf");
	assert_name("pv .pdf", "pv.pdf"); /* a space before the extension goes */
	assert_name("p v.pdf", "p v.pdf");
	assert_name("pv", "pv.pdf");

	/* at most 120 characters: the stem is cut at a character boundary, ".pdf" kept */
	struct strbuf raw = STRBUF_INIT, want = STRBUF_INIT;
	for (int i = 0; i < 200; i++)
		strbuf_addstr(&raw, "\xD9\x85"); /* م */
	strbuf_addstr(&raw, ".pdf");
	for (int i = 0; i < 116; i++)
		strbuf_addstr(&want, "\xD9\x85");
	strbuf_addstr(&want, ".pdf");
	assert_name(raw.buf, want.buf);
	strbuf_reset(&raw);
	strbuf_reset(&want);
	for (int i = 0; i < 300; i++)
		strbuf_addch(&raw, 'x');
	for (int i = 0; i < 116; i++)
		strbuf_addch(&want, 'x');
	strbuf_addstr(&want, ".pdf");
	assert_name(raw.buf, want.buf);
	/* a cut that leaves a space at the end: trimmed */
	strbuf_reset(&raw);
	strbuf_reset(&want);
	for (int i = 0; i < 115; i++)
		strbuf_addch(&raw, 'y');
	strbuf_addstr(&raw, " zzz.pdf");
	for (int i = 0; i < 115; i++)
		strbuf_addch(&want, 'y');
	strbuf_addstr(&want, ".pdf");
	assert_name(raw.buf, want.buf);
	strbuf_release(&raw);
	strbuf_release(&want);

	/* appended to what out holds */
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "name: ");
	council_file_name(&sb, " pv.pdf");
	assert_string_equal(sb.buf, "name: pv.pdf");
	strbuf_release(&sb);
}

static void
test_file_name_is_sane(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"pv",
		"pv.txt",
		".pv.pdf",
		" pv.pdf",
		"pv.pdf ",
		"a/pv.pdf",
		"a\\pv.pdf",
		"a\tb.pdf",
		"a\x7f.pdf",
		"a\xC2\x85.pdf",
		"rapport\xE2\x80\xAE"
		"fdp.pdf",
		"\xEF\xBB\xBFpv.pdf",
		"caf\xE9.pdf",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (council_file_name_is_sane(bad[i]))
			fail_msg("\"%s\" taken for a sane name", bad[i]);
	assert_true(council_file_name_is_sane("PV session.PDF"));
	assert_true(council_file_name_is_sane("محضر الجلسة.pdf"));

	/* 120 characters at most */
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 116; i++)
		strbuf_addstr(&sb, "\xD9\x85");
	strbuf_addstr(&sb, ".pdf");
	assert_true(council_file_name_is_sane(sb.buf));
	strbuf_reset(&sb);
	for (int i = 0; i < 117; i++)
		strbuf_addstr(&sb, "\xD9\x85");
	strbuf_addstr(&sb, ".pdf");
	assert_false(council_file_name_is_sane(sb.buf));
	strbuf_release(&sb);
}

static void
assert_disposition(const char *name, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	council_content_disposition(&sb, name);
	assert_string_equal(sb.buf, want);
	assert_null(strpbrk(sb.buf, "\r\n"));
	strbuf_release(&sb);
}

static void
test_content_disposition(void **state)
{
	(void)state;
	assert_disposition("Extrait délibération 2025-014 «BP».pdf",
			   "attachment; filename=\"Extrait d_lib_ration 2025-014 _BP_.pdf\"; "
			   "filename*=UTF-8''Extrait%20d%C3%A9lib%C3%A9ration%202025-014%20%C2%ABBP"
			   "%C2%BB.pdf");
	assert_disposition("pv.pdf", "attachment; filename=\"pv.pdf\"; filename*=UTF-8''pv.pdf");
	assert_disposition("a\"b\\c.pdf",
			   "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf");
	assert_disposition(
		"a;b=c'd.pdf",
		"attachment; filename=\"a;b=c'd.pdf\"; filename*=UTF-8''a%3Bb%3Dc%27d.pdf");
	assert_disposition("\xD9\x85.pdf",
			   "attachment; filename=\"_.pdf\"; filename*=UTF-8''%D9%85.pdf");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_pdf),
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_file_name_is_sane),
		cmocka_unit_test(test_content_disposition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
