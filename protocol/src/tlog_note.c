// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The signed-note half of protocol/tlog.h: checkpoint bodies (C2SP tlog-checkpoint), signed
 * notes (C2SP signed-note, Ed25519, signature type 0x01) and cosignatures (C2SP
 * tlog-cosignature, type 0x04). A note is hostile input: everything read here is checked
 * strictly before a byte of it is believed (docs/protocol.md, "Checkpoints and cosignatures").
 */
#include "protocol/tlog.h"

#include "common/check.h"
#include "common/html.h"
#include "protocol/b64.h"
#include "protocol/keys.h"

#include <openssl/evp.h>
#include <limits.h>
#include <string.h>

#define SIG_TYPE_ED25519 0x01
#define SIG_TYPE_COSIGNATURE 0x04
#define KEY_HASH_LEN 4
#define COSIG_LEN (KEY_HASH_LEN + 8 + ED25519_SIGNATURE_LEN)
#define COSIG_HEADER "cosignature/v1\ntime "

/* "— " : U+2014 EM DASH and a space, the start of every signature line. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN (sizeof(sig_prefix) - 1)

/* Unicode White_Space (what Go's unicode.IsSpace calls a space), forbidden in key names. */
static bool
is_unicode_space(long c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* A key name: 1 to TLOG_NAME_MAX bytes of UTF-8 without Unicode spaces, '+' or controls. */
static bool
name_valid(const char *s, size_t len)
{
	char buf[TLOG_NAME_MAX + 1];

	if (len == 0 || len > TLOG_NAME_MAX || !utf8_is_valid(s, len))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len;) {
		size_t n;
		long c = utf8_decode((const unsigned char *)buf + i, &n);
		if (c < 0x20 || c == 0x7f || c == '+' || is_unicode_space(c))
			return false;
		i += n;
	}
	return true;
}

/* The whole note's text: valid UTF-8, and no control character but '\n'. */
static bool
text_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
			return false;
	return utf8_is_valid(s, len);
}

/* First 4 bytes of SHA-256(name || '\n' || type || public key). */
static void
key_hash(const char *name, unsigned char type, const struct verify_key *key,
	 unsigned char out[KEY_HASH_LEN])
{
	unsigned char buf[TLOG_NAME_MAX + 2 + ED25519_PUBLIC_KEY_LEN], digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	size_t n = strlen(name); /* name_valid: at most TLOG_NAME_MAX */

	memcpy(buf, name, n);
	buf[n] = '\n';
	buf[n + 1] = type;
	verify_key_raw(key, buf + n + 2);
	if (EVP_Digest(buf, n + 2 + ED25519_PUBLIC_KEY_LEN, digest, &digest_len, EVP_sha256(),
		       NULL) != 1)
		memset(digest, 0, sizeof(digest)); /* matches no real key hash */
	memcpy(out, digest, KEY_HASH_LEN);
}

/* Append "— <name> <base64(blob)>\n". */
static void
add_sig_line(struct strbuf *out, const char *name, const unsigned char *blob, size_t len)
{
	strbuf_addstr(out, sig_prefix);
	strbuf_addstr(out, name);
	strbuf_addch(out, ' ');
	b64_encode(out, blob, len);
	strbuf_addch(out, '\n');
}

/* A body one may sign: non-empty, ending in '\n', no blank line, valid text. */
static bool
body_signable(const char *body, size_t len)
{
	if (len == 0 || len > TLOG_NOTE_MAX || body[len - 1] != '\n' || !text_valid(body, len))
		return false;
	if (len == 1)
		return false;
	for (size_t i = 1; i < len; i++)
		if (body[i] == '\n' && body[i - 1] == '\n')
			return false;
	return true;
}

void
tlog_checkpoint_body(const struct tlog_checkpoint *cp, struct strbuf *out)
{
	strbuf_addf(out, "%s\n%lld\n", cp->origin, cp->size);
	b64_encode(out, cp->root, TLOG_HASH_LEN);
	strbuf_addch(out, '\n');
}

/* The line starting at *p (before end), without its '\n'; NULL when no '\n' ends it. */
static const char *
next_line(const char **p, const char *end, size_t *len)
{
	const char *start = *p, *nl = memchr(start, '\n', (size_t)(end - start));
	if (!nl)
		return NULL;
	*len = (size_t)(nl - start);
	*p = nl + 1;
	return start;
}

/* Decimal without sign or leading zeros ("0" itself is fine), at most LLONG_MAX. */
static int
parse_size(const char *s, size_t len, long long *out)
{
	long long v = 0;

	if (len == 0 || len > 19 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		int d = s[i] - '0';
		if (v > (LLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
tlog_checkpoint_parse(const char *body, size_t len, struct tlog_checkpoint *cp)
{
	const char *p = body, *end = body + len, *line;
	size_t n;

	if (!body || len > TLOG_NOTE_MAX || !text_valid(body, len))
		return -1;
	if (!(line = next_line(&p, end, &n)) || !name_valid(line, n))
		return -1;
	memcpy(cp->origin, line, n);
	cp->origin[n] = '\0';
	if (!(line = next_line(&p, end, &n)) || parse_size(line, n, &cp->size) < 0)
		return -1;
	if (!(line = next_line(&p, end, &n)) ||
	    b64_decode_exact(line, n, cp->root, TLOG_HASH_LEN) < 0)
		return -1;
	return p == end ? 0 : -1;
}

/* One signature line (without its '\n'): its name and decoded blob. 0, or -1 malformed. */
static int
parse_sig_line(const char *line, size_t len, const char **name, size_t *name_len,
	       struct strbuf *blob)
{
	if (len < SIG_PREFIX_LEN || memcmp(line, sig_prefix, SIG_PREFIX_LEN) != 0)
		return -1;
	line += SIG_PREFIX_LEN;
	len -= SIG_PREFIX_LEN;
	const char *sp = memchr(line, ' ', len);
	if (!sp)
		return -1;
	*name = line;
	*name_len = (size_t)(sp - line);
	const char *b = sp + 1;
	size_t blen = len - *name_len - 1;
	strbuf_reset(blob);
	if (!name_valid(*name, *name_len) || blen == 0 || b64_decode(blob, b, blen) < 0 ||
	    blob->len < KEY_HASH_LEN + 1)
		return -1;
	return 0;
}

int
tlog_note_split(const char *note, size_t len, size_t *body_len, const char **sigs, size_t *sigs_len)
{
	if (!note || len < 3 || len > TLOG_NOTE_MAX || !text_valid(note, len) ||
	    note[len - 1] != '\n')
		return -1;
	/* the last blank line separates the body (with its final '\n') from the signatures */
	size_t split = len - 1;
	while (split > 0 && !(note[split - 1] == '\n' && note[split] == '\n'))
		split--;
	if (split == 0)
		return -1;
	const char *s = note + split + 1, *end = note + len, *p = s;
	if (s == end)
		return -1;
	struct strbuf blob = STRBUF_INIT;
	int count = 0, rc = 0;
	while (p < end) {
		size_t n, name_len;
		const char *line = next_line(&p, end, &n), *name;
		if (!line || ++count > TLOG_NOTE_MAX_SIGS ||
		    parse_sig_line(line, n, &name, &name_len, &blob) < 0) {
			rc = -1;
			break;
		}
	}
	strbuf_release(&blob);
	if (rc < 0)
		return -1;
	*body_len = split;
	*sigs = s;
	*sigs_len = (size_t)(end - s);
	return 0;
}

/*
 * The blob of the first signature line of note by (name, key hash), checked to be a note
 * first: 1 found (blob filled, *body_len set), 0 not there, -1 not a note.
 */
static int
find_sig(const char *note, size_t len, const char *name, const unsigned char hash[KEY_HASH_LEN],
	 size_t *body_len, struct strbuf *blob)
{
	const char *sigs;
	size_t sigs_len;

	if (tlog_note_split(note, len, body_len, &sigs, &sigs_len) < 0)
		return -1;
	const char *p = sigs, *end = sigs + sigs_len;
	size_t want = strlen(name);
	while (p < end) {
		size_t n, name_len;
		const char *line = next_line(&p, end, &n), *nm;
		if (!line || parse_sig_line(line, n, &nm, &name_len, blob) < 0)
			return -1;
		if (name_len == want && memcmp(nm, name, want) == 0 &&
		    memcmp(blob->buf, hash, KEY_HASH_LEN) == 0)
			return 1;
	}
	return 0;
}

int
tlog_note_sign(const char *body, size_t len, const char *name, const struct signing_key *key,
	       struct strbuf *out)
{
	unsigned char blob[KEY_HASH_LEN + ED25519_SIGNATURE_LEN];

	if (!name || !name_valid(name, strlen(name)) || !body_signable(body, len))
		return -1;
	key_hash(name, SIG_TYPE_ED25519, signing_key_public(key), blob);
	if (signing_key_sign(key, body, len, blob + KEY_HASH_LEN) < 0)
		return -1;
	strbuf_add(out, body, len);
	strbuf_addch(out, '\n');
	add_sig_line(out, name, blob, sizeof(blob));
	return 0;
}

bool
tlog_note_verify(const char *note, size_t len, const char *name, const struct verify_key *key)
{
	unsigned char hash[KEY_HASH_LEN];
	struct strbuf blob = STRBUF_INIT;
	size_t body_len;
	bool ok = false;

	if (!name || !name_valid(name, strlen(name)))
		return false;
	key_hash(name, SIG_TYPE_ED25519, key, hash);
	if (find_sig(note, len, name, hash, &body_len, &blob) == 1 &&
	    blob.len == KEY_HASH_LEN + ED25519_SIGNATURE_LEN)
		ok = verify_key_verify(key, note, body_len,
				       (const unsigned char *)blob.buf + KEY_HASH_LEN);
	strbuf_release(&blob);
	return ok;
}

/* The message a witness signs: "cosignature/v1\ntime <t>\n" and the checkpoint body. */
static void
cosigned_message(const char *body, size_t len, uint64_t t, struct strbuf *msg)
{
	strbuf_addf(msg, COSIG_HEADER "%llu\n", (unsigned long long)t);
	strbuf_add(msg, body, len);
}

int
tlog_cosign(const char *body, size_t len, const char *name, const struct signing_key *key,
	    uint64_t t, struct strbuf *out)
{
	unsigned char blob[COSIG_LEN];
	struct strbuf msg = STRBUF_INIT;
	int rc = -1;

	if (!name || !name_valid(name, strlen(name)) || !body_signable(body, len))
		return -1;
	key_hash(name, SIG_TYPE_COSIGNATURE, signing_key_public(key), blob);
	for (int i = 0; i < 8; i++)
		blob[KEY_HASH_LEN + i] = (unsigned char)(t >> (56 - 8 * i));
	cosigned_message(body, len, t, &msg);
	if (signing_key_sign(key, msg.buf, msg.len, blob + KEY_HASH_LEN + 8) == 0) {
		add_sig_line(out, name, blob, sizeof(blob));
		rc = 0;
	}
	strbuf_release(&msg);
	return rc;
}

bool
tlog_cosignature_verify(const char *note, size_t len, const char *name,
			const struct verify_key *key, uint64_t *t)
{
	unsigned char hash[KEY_HASH_LEN];
	struct strbuf blob = STRBUF_INIT, msg = STRBUF_INIT;
	size_t body_len;
	bool ok = false;

	if (!name || !name_valid(name, strlen(name)))
		return false;
	key_hash(name, SIG_TYPE_COSIGNATURE, key, hash);
	if (find_sig(note, len, name, hash, &body_len, &blob) == 1 && blob.len == COSIG_LEN) {
		const unsigned char *b = (const unsigned char *)blob.buf + KEY_HASH_LEN;
		uint64_t when = 0;
		for (int i = 0; i < 8; i++)
			when = when << 8 | b[i];
		cosigned_message(note, body_len, when, &msg);
		ok = verify_key_verify(key, msg.buf, msg.len, b + 8);
		if (ok && t)
			*t = when;
	}
	strbuf_release(&blob);
	strbuf_release(&msg);
	return ok;
}
