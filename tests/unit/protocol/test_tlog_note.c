// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Unit tests for protocol/src/tlog_note.c: the signed-note vector of Go's sumdb/note (an
 * implementation this project did not write), checkpoint bodies and their strict parser, note
 * syntax refusals (line endings, controls, UTF-8, names, signature count and size caps), and
 * cosignatures (round trip, time, tampering, the type byte in the key hash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protocol/b64.h"
#include "protocol/keys.h"
#include "protocol/tlog.h"

#include <string.h>

/* golang.org/x/mod/sumdb/note's own test key and note (note_test.go, TestSign). */
static const char go_seed_b64[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_text[] = "If you think cryptography is the answer to your problem,\n"
			      "then you don't know what your problem is.\n";
static const char go_sig_line[] = "\xe2\x80\x94 PeterNeumann "
				  "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXg"
				  "KvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static struct signing_key *
go_key(void)
{
	unsigned char raw[33];
	assert_int_equal(b64_decode_exact(go_seed_b64, strlen(go_seed_b64), raw, 33), 0);
	assert_int_equal(raw[0], 0x01);
	struct signing_key *k = signing_key_from_seed(raw + 1);
	assert_non_null(k);
	return k;
}

static struct signing_key *
seed_key(unsigned char b)
{
	unsigned char seed[ED25519_SEED_LEN];
	memset(seed, b, sizeof(seed));
	struct signing_key *k = signing_key_from_seed(seed);
	assert_non_null(k);
	return k;
}

static void
test_go_vector(void **state)
{
	(void)state;
	struct signing_key *k = go_key();
	struct strbuf note = STRBUF_INIT, want = STRBUF_INIT;

	assert_int_equal(tlog_note_sign(go_text, strlen(go_text), "PeterNeumann", k, &note), 0);
	strbuf_addstr(&want, go_text);
	strbuf_addch(&want, '\n');
	strbuf_addstr(&want, go_sig_line);
	assert_string_equal(note.buf, want.buf);
	assert_true(tlog_note_verify(note.buf, note.len, "PeterNeumann", signing_key_public(k)));
	/* another name, another key: not verified */
	assert_false(tlog_note_verify(note.buf, note.len, "PeterNeumann2", signing_key_public(k)));
	struct signing_key *other = seed_key(7);
	assert_false(
		tlog_note_verify(note.buf, note.len, "PeterNeumann", signing_key_public(other)));
	/* one bit of the body changed */
	note.buf[3] ^= 1;
	assert_false(tlog_note_verify(note.buf, note.len, "PeterNeumann", signing_key_public(k)));
	signing_key_free(other);
	signing_key_free(k);
	strbuf_release(&note);
	strbuf_release(&want);
}

static void
sample_checkpoint(struct tlog_checkpoint *cp)
{
	memset(cp, 0, sizeof(*cp));
	strcpy(cp->origin, "official.example.dz/baladiya/official");
	cp->size = 12345;
	for (int i = 0; i < TLOG_HASH_LEN; i++)
		cp->root[i] = (unsigned char)(i * 7 + 1);
}

static void
test_checkpoint_body_round_trip(void **state)
{
	(void)state;
	struct tlog_checkpoint cp, back;
	struct strbuf body = STRBUF_INIT;

	sample_checkpoint(&cp);
	tlog_checkpoint_body(&cp, &body);
	assert_string_equal(body.buf, "official.example.dz/baladiya/official\n12345\n"
				      "AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09o=\n");
	assert_int_equal(tlog_checkpoint_parse(body.buf, body.len, &back), 0);
	assert_string_equal(back.origin, cp.origin);
	assert_int_equal(back.size, cp.size);
	assert_memory_equal(back.root, cp.root, TLOG_HASH_LEN);
	cp.size = 0;
	strbuf_reset(&body);
	tlog_checkpoint_body(&cp, &body);
	assert_int_equal(tlog_checkpoint_parse(body.buf, body.len, &back), 0);
	assert_int_equal(back.size, 0);
	strbuf_release(&body);
}

/* tmpl with each '@' replaced by root. */
static void
expand(char *buf, size_t size, const char *tmpl, const char *root)
{
	size_t n = 0;
	for (const char *p = tmpl; *p && n + 64 < size; p++) {
		if (*p == '@') {
			strcpy(buf + n, root);
			n += strlen(root);
		} else {
			buf[n++] = *p;
		}
	}
	buf[n] = '\0';
}

static void
test_checkpoint_rejects(void **state)
{
	(void)state;
	static const char root[] = "AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09o=";
	static const char *const bad[] = {
		"",
		"o\n1\n",
		"o\n1\n@",                                              /* last line without '\n' */
		"o\n1\n@\next\n",                                       /* extension line */
		"o\n01\n@\n",                                           /* leading zero */
		"o\n-1\n@\n",                                           /* sign */
		"o\n+1\n@\n",                                           /* sign */
		"o\n9223372036854775808\n@\n",                          /* past LLONG_MAX */
		"o\n\n@\n",                                             /* empty size */
		"\n1\n@\n",                                             /* empty origin */
		"o o\n1\n@\n",                                          /* space in origin */
		"o+x\n1\n@\n",                                          /* plus in origin */
		"o\r\n1\n@\n",                                          /* CRLF */
		"o\n1\r\n@\n",                                          /* CRLF */
		"o\n1\n@\r\n",                                          /* CRLF */
		"o\n1\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM\n",     /* 30 bytes */
		"o\n1\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09p=\n", /* trailing bits */
		"o\xc3\n1\n@\n",                                        /* bad UTF-8 */
		"o\xe2\x80\x83x\n1\n@\n", /* U+2003 EM SPACE in origin */
		"o\t\n1\n@\n",            /* control */
	};
	char buf[512];
	struct tlog_checkpoint cp;

	snprintf(buf, sizeof(buf), "o\n9223372036854775807\n%s\n", root);
	assert_int_equal(tlog_checkpoint_parse(buf, strlen(buf), &cp), 0);
	assert_int_equal(cp.size, 9223372036854775807LL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expand(buf, sizeof(buf), bad[i], root);
		if (tlog_checkpoint_parse(buf, strlen(buf), &cp) == 0)
			fail_msg("accepted bad checkpoint %zu: %s", i, buf);
	}
	/* an origin of TLOG_NAME_MAX bytes is fine, one more is not */
	char origin[TLOG_NAME_MAX + 2];
	memset(origin, 'a', sizeof(origin) - 1);
	origin[TLOG_NAME_MAX] = '\0';
	snprintf(buf, sizeof(buf), "%s\n1\n%s\n", origin, root);
	assert_int_equal(tlog_checkpoint_parse(buf, strlen(buf), &cp), 0);
	origin[TLOG_NAME_MAX] = 'a';
	origin[TLOG_NAME_MAX + 1] = '\0';
	snprintf(buf, sizeof(buf), "%s\n1\n%s\n", origin, root);
	assert_int_equal(tlog_checkpoint_parse(buf, strlen(buf), &cp), -1);
}

/* A signed checkpoint note of the sample checkpoint. */
static void
signed_sample(const struct signing_key *k, struct strbuf *body, struct strbuf *note)
{
	struct tlog_checkpoint cp;
	sample_checkpoint(&cp);
	tlog_checkpoint_body(&cp, body);
	assert_int_equal(tlog_note_sign(body->buf, body->len, cp.origin, k, note), 0);
}

static void
test_split(void **state)
{
	(void)state;
	struct signing_key *k = seed_key(1);
	struct strbuf body = STRBUF_INIT, note = STRBUF_INIT;
	size_t body_len, sigs_len;
	const char *sigs;

	signed_sample(k, &body, &note);
	assert_int_equal(tlog_note_split(note.buf, note.len, &body_len, &sigs, &sigs_len), 0);
	assert_int_equal(body_len, body.len);
	assert_memory_equal(note.buf, body.buf, body.len);
	assert_ptr_equal(sigs, note.buf + body.len + 1);
	assert_int_equal(sigs_len, note.len - body.len - 1);
	assert_memory_equal(sigs, "\xe2\x80\x94 official.example.dz/baladiya/official ", 41);
	signing_key_free(k);
	strbuf_release(&body);
	strbuf_release(&note);
}

/* Replace the first occurrence of from by to in a copy of note; expect the split to refuse. */
static void
refuse_edit(const struct strbuf *note, const char *from, const char *to)
{
	struct strbuf e = STRBUF_INIT;
	const char *at = strstr(note->buf, from);
	assert_non_null(at);
	strbuf_add(&e, note->buf, (size_t)(at - note->buf));
	strbuf_addstr(&e, to);
	strbuf_addstr(&e, at + strlen(from));
	size_t bl, sl;
	const char *s;
	if (tlog_note_split(e.buf, e.len, &bl, &s, &sl) == 0)
		fail_msg("split accepted %s -> %s", from, to);
	strbuf_release(&e);
}

static void
test_split_rejects(void **state)
{
	(void)state;
	struct signing_key *k = seed_key(2);
	struct strbuf body = STRBUF_INIT, note = STRBUF_INIT;
	size_t bl, sl;
	const char *s;

	signed_sample(k, &body, &note);
	refuse_edit(&note, "\xe2\x80\x94 ", "-- ");                 /* not an em dash */
	refuse_edit(&note, "\xe2\x80\x94 ", "\xe2\x80\x94");        /* no space after it */
	refuse_edit(&note, "official\n12345", "official\r\n12345"); /* CR in the body */
	refuse_edit(&note, "official ", "official\xc0\xaf ");       /* overlong UTF-8 */
	refuse_edit(&note, "official ", "off+icial ");              /* '+' in a name */
	refuse_edit(&note, "official ", "official\xc2\xa0x ");      /* NBSP in a name */
	refuse_edit(&note, "\xe2\x80\x94 official.example.dz/baladiya/official ",
		    "\xe2\x80\x94  ");        /* empty name */
	refuse_edit(&note, "o=\n\n", "o=\n"); /* no blank line */
	/* the signature without its final '\n' */
	assert_int_equal(tlog_note_split(note.buf, note.len - 1, &bl, &s, &sl), -1);
	/* a blank line but no signature */
	assert_int_equal(tlog_note_split(body.buf, body.len, &bl, &s, &sl), -1);
	struct strbuf e = STRBUF_INIT;
	strbuf_addbuf(&e, &body);
	strbuf_addch(&e, '\n');
	assert_int_equal(tlog_note_split(e.buf, e.len, &bl, &s, &sl), -1);
	/* a signature too short to hold a key hash and one byte */
	strbuf_addstr(&e, "\xe2\x80\x94 name AAAAAA==\n");
	assert_int_equal(tlog_note_split(e.buf, e.len, &bl, &s, &sl), -1);
	/* a NUL byte anywhere */
	strbuf_reset(&e);
	strbuf_addbuf(&e, &note);
	e.buf[5] = '\0';
	assert_int_equal(tlog_note_split(e.buf, e.len, &bl, &s, &sl), -1);
	strbuf_release(&e);
	signing_key_free(k);
	strbuf_release(&body);
	strbuf_release(&note);
}

static void
test_signature_cap(void **state)
{
	(void)state;
	struct signing_key *k = seed_key(3);
	struct strbuf body = STRBUF_INIT, note = STRBUF_INIT;
	size_t bl, sl;
	const char *s;

	signed_sample(k, &body, &note);
	/* TLOG_NOTE_MAX_SIGS lines in all: accepted, and the real one still verifies */
	for (int i = 1; i < TLOG_NOTE_MAX_SIGS; i++)
		strbuf_addf(&note, "\xe2\x80\x94 w%d AAAAAAAA\n", i);
	assert_int_equal(tlog_note_split(note.buf, note.len, &bl, &s, &sl), 0);
	assert_true(tlog_note_verify(note.buf, note.len, "official.example.dz/baladiya/official",
				     signing_key_public(k)));
	strbuf_addstr(&note, "\xe2\x80\x94 one-too-many AAAAAAAA\n");
	assert_int_equal(tlog_note_split(note.buf, note.len, &bl, &s, &sl), -1);
	assert_false(tlog_note_verify(note.buf, note.len, "official.example.dz/baladiya/official",
				      signing_key_public(k)));
	signing_key_free(k);
	strbuf_release(&body);
	strbuf_release(&note);
}

static void
test_size_cap(void **state)
{
	(void)state;
	struct signing_key *k = seed_key(4);
	struct strbuf body = STRBUF_INIT, note = STRBUF_INIT;
	size_t bl, sl;
	const char *s;

	/* a body of TLOG_NOTE_MAX bytes cannot be signed into a note within the cap */
	while (body.len < TLOG_NOTE_MAX - 40)
		strbuf_addstr(&body, "line of text\n");
	assert_int_equal(tlog_note_sign(body.buf, body.len, "n", k, &note), 0);
	assert_true(note.len > TLOG_NOTE_MAX);
	assert_int_equal(tlog_note_split(note.buf, note.len, &bl, &s, &sl), -1);
	assert_false(tlog_note_verify(note.buf, note.len, "n", signing_key_public(k)));
	/* the signer refuses bodies it must not sign */
	strbuf_reset(&note);
	assert_int_equal(tlog_note_sign("a\n\nb\n", 5, "n", k, &note), -1);
	assert_int_equal(tlog_note_sign("a", 1, "n", k, &note), -1);
	assert_int_equal(tlog_note_sign("a\r\n", 3, "n", k, &note), -1);
	assert_int_equal(tlog_note_sign("a\n", 2, "bad name", k, &note), -1);
	assert_int_equal(note.len, 0);
	signing_key_free(k);
	strbuf_release(&body);
	strbuf_release(&note);
}

static void
test_cosignature(void **state)
{
	(void)state;
	struct signing_key *origin = seed_key(5), *witness = seed_key(6);
	struct strbuf body = STRBUF_INIT, note = STRBUF_INIT, line = STRBUF_INIT;
	const char *wname = "citizen.example.dz/baladiya/citizen";
	uint64_t t = 0;

	signed_sample(origin, &body, &note);
	assert_int_equal(tlog_cosign(body.buf, body.len, wname, witness, 1796000000ULL, &line), 0);
	/* "— <name> " then base64 of 4 + 8 + 64 = 76 bytes (104 characters) and '\n' */
	assert_int_equal(line.len, 4 + strlen(wname) + 1 + 104 + 1);
	assert_false(tlog_cosignature_verify(note.buf, note.len, wname, signing_key_public(witness),
					     &t));
	strbuf_addbuf(&note, &line);
	assert_true(tlog_cosignature_verify(note.buf, note.len, wname, signing_key_public(witness),
					    &t));
	assert_int_equal(t, 1796000000ULL);
	/* the origin's signature still verifies with the cosignature appended */
	assert_true(tlog_note_verify(note.buf, note.len, "official.example.dz/baladiya/official",
				     signing_key_public(origin)));
	/* a cosignature is not a note signature, nor the reverse (type byte in the key hash) */
	assert_false(tlog_note_verify(note.buf, note.len, wname, signing_key_public(witness)));
	assert_false(tlog_cosignature_verify(note.buf, note.len,
					     "official.example.dz/baladiya/official",
					     signing_key_public(origin), &t));
	/* another witness key under the same name */
	assert_false(
		tlog_cosignature_verify(note.buf, note.len, wname, signing_key_public(origin), &t));
	/* the time is signed: change one bit of it (byte 4 of the blob is in the 6th char) */
	struct strbuf e = STRBUF_INIT;
	strbuf_addbuf(&e, &note);
	char *b = e.buf + note.len - line.len + 4 + strlen(wname) + 1 + 8;
	*b = *b == 'A' ? 'B' : 'A';
	assert_false(tlog_cosignature_verify(e.buf, e.len, wname, signing_key_public(witness), &t));
	/* the body is signed: a cosignature moved onto another checkpoint fails */
	struct tlog_checkpoint cp;
	sample_checkpoint(&cp);
	cp.size++;
	strbuf_reset(&e);
	struct strbuf body2 = STRBUF_INIT;
	tlog_checkpoint_body(&cp, &body2);
	assert_int_equal(tlog_note_sign(body2.buf, body2.len, cp.origin, origin, &e), 0);
	strbuf_addbuf(&e, &line);
	assert_false(tlog_cosignature_verify(e.buf, e.len, wname, signing_key_public(witness), &t));
	strbuf_release(&body2);
	strbuf_release(&e);
	signing_key_free(origin);
	signing_key_free(witness);
	strbuf_release(&body);
	strbuf_release(&note);
	strbuf_release(&line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_vector),
		cmocka_unit_test(test_checkpoint_body_round_trip),
		cmocka_unit_test(test_checkpoint_rejects),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_rejects),
		cmocka_unit_test(test_signature_cap),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_cosignature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
