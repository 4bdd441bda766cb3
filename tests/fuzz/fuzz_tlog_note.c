// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Signed notes and checkpoints (protocol/src/tlog_note.c): a note that splits has a body ending
 * in '\n', the blank line, and 1 to TLOG_NOTE_MAX_SIGS signature lines each ending in '\n',
 * within TLOG_NOTE_MAX bytes and without controls; a checkpoint body that parses is written back
 * byte for byte (one spelling); no fuzzed note verifies under our key unless we signed it; our
 * signature and cosignature over a fuzzed body verify beside the input's signature lines.
 */
#include "fuzz.h"

#include "common/log.h"
#include "protocol/keys.h"
#include "protocol/tlog.h"

static struct signing_key *key;
static const char name[] = "fuzz.example/baladiya/official";
static const char wname[] = "fuzz.example/baladiya/citizen";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_ERROR);
	static const unsigned char seed[ED25519_SEED_LEN] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
	key = signing_key_from_seed(seed);
	FUZZ_CHECK(key != NULL);
	return 0;
}

static void
check_checkpoint(const char *body, size_t len)
{
	struct tlog_checkpoint cp;
	if (tlog_checkpoint_parse(body, len, &cp) < 0)
		return;
	struct strbuf again = STRBUF_INIT;
	FUZZ_CHECK(cp.size >= 0 && cp.origin[0] != '\0');
	tlog_checkpoint_body(&cp, &again);
	FUZZ_CHECK(again.len == len && memcmp(again.buf, body, len) == 0);
	strbuf_release(&again);
}

/* Our signature over body, then the input's signature lines, and our cosignature. */
static void
check_resign(const char *body, size_t body_len, const char *sigs, size_t sigs_len)
{
	struct strbuf note = STRBUF_INIT;
	uint64_t t = 0;
	if (tlog_note_sign(body, body_len, name, key, &note) < 0)
		return;
	strbuf_add(&note, sigs, sigs_len);
	if (note.len <= TLOG_NOTE_MAX - 200) {
		FUZZ_CHECK(tlog_note_verify(note.buf, note.len, name, signing_key_public(key)));
		FUZZ_CHECK(tlog_cosign(body, body_len, wname, key, 42, &note) == 0);
		/* the first line by a name and key hash decides: ours comes first unless the
		 * input holds a line with the same key hash (it cannot forge one) */
		bool ok = tlog_cosignature_verify(note.buf, note.len, wname,
						  signing_key_public(key), &t);
		FUZZ_CHECK(!ok || t == 42);
	}
	strbuf_release(&note);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *note = (const char *)data;
	size_t body_len, sigs_len;
	const char *sigs;
	uint64_t t;

	check_checkpoint(note, size);
	if (tlog_note_split(note, size, &body_len, &sigs, &sigs_len) < 0) {
		FUZZ_CHECK(!tlog_note_verify(note, size, name, signing_key_public(key)));
		FUZZ_CHECK(
			!tlog_cosignature_verify(note, size, wname, signing_key_public(key), &t));
		return 0;
	}
	FUZZ_CHECK(size <= TLOG_NOTE_MAX && body_len >= 1 && body_len < size);
	FUZZ_CHECK(note[body_len - 1] == '\n' && note[body_len] == '\n');
	FUZZ_CHECK(sigs == note + body_len + 1 && sigs_len >= 1 && sigs + sigs_len == note + size);
	FUZZ_CHECK(sigs[sigs_len - 1] == '\n');
	size_t lines = 0;
	for (size_t i = 0; i < size; i++) {
		FUZZ_CHECK((unsigned char)note[i] >= 0x20 || note[i] == '\n');
		if (note + i >= sigs && note[i] == '\n')
			lines++;
	}
	FUZZ_CHECK(lines >= 1 && lines <= TLOG_NOTE_MAX_SIGS);
	FUZZ_CHECK(memcmp(sigs, "\xe2\x80\x94 ", 4) == 0);
	check_checkpoint(note, body_len);
	check_resign(note, body_len, sigs, sigs_len);
	return 0;
}
