// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Writes signed checkpoint notes made by protocol/src/tlog_note.c into a folder, for the Go
 * checker beside it (run.sh): note (signed by the origin, cosigned by the witness), and three
 * that must fail: bad-body (one byte of the body changed after signing), bad-cosig (the
 * cosignature's time changed) and other-key (signed by another key under the origin's name).
 * Prints the origin's and the witness's "<name>+<base64 public key>", one a line.
 */
#include "protocol/b64.h"
#include "protocol/keys.h"
#include "protocol/tlog.h"

#include <stdio.h>
#include <string.h>

static const char origin_name[] = "official.example.dz/baladiya/official";
static const char witness_name[] = "citizen.example.dz/baladiya/citizen";

static struct signing_key *
key_of(unsigned char b)
{
	unsigned char seed[ED25519_SEED_LEN];
	memset(seed, b, sizeof(seed));
	return signing_key_from_seed(seed);
}

static int
put(const char *dir, const char *file, const struct strbuf *sb)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(sb->buf, 1, sb->len, f) != sb->len) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

static void
print_key(const char *name, const struct signing_key *k)
{
	unsigned char pub[ED25519_PUBLIC_KEY_LEN];
	struct strbuf sb = STRBUF_INIT;
	verify_key_raw(signing_key_public(k), pub);
	b64_encode(&sb, pub, sizeof(pub));
	printf("%s+%s\n", name, sb.buf);
	strbuf_release(&sb);
}

int
main(int argc, char **argv)
{
	struct signing_key *origin = key_of(11), *witness = key_of(12), *other = key_of(13);
	struct strbuf body = STRBUF_INIT, note = STRBUF_INIT, bad = STRBUF_INIT;
	struct tlog_checkpoint cp = {.size = 1000003};
	int rc = 1;

	if (argc != 2 || !origin || !witness || !other)
		goto out;
	strcpy(cp.origin, origin_name);
	for (int i = 0; i < TLOG_HASH_LEN; i++)
		cp.root[i] = (unsigned char)(255 - i);
	tlog_checkpoint_body(&cp, &body);
	if (tlog_note_sign(body.buf, body.len, origin_name, origin, &note) < 0 ||
	    tlog_cosign(body.buf, body.len, witness_name, witness, 1796601600ULL, &note) < 0 ||
	    put(argv[1], "note", &note) < 0)
		goto out;
	strbuf_addbuf(&bad, &note);
	bad.buf[body.len - 3] ^= 1; /* in the root's base64 */
	if (put(argv[1], "bad-body", &bad) < 0)
		goto out;
	strbuf_reset(&bad);
	strbuf_addbuf(&bad, &note);
	/* the last line's blob (104 characters and LF) starts after "— <witness> "; its 9th
	 * character is in the time only */
	char *b = bad.buf + bad.len - 105 + 8;
	*b = *b == 'A' ? 'B' : 'A';
	if (put(argv[1], "bad-cosig", &bad) < 0)
		goto out;
	strbuf_reset(&bad);
	if (tlog_note_sign(body.buf, body.len, origin_name, other, &bad) < 0 ||
	    put(argv[1], "other-key", &bad) < 0)
		goto out;
	print_key(origin_name, origin);
	print_key(witness_name, witness);
	rc = 0;
out:
	signing_key_free(origin);
	signing_key_free(witness);
	signing_key_free(other);
	strbuf_release(&body);
	strbuf_release(&note);
	strbuf_release(&bad);
	return rc;
}
