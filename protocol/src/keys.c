// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Ed25519 signing and verifying keys on OpenSSL 3 EVP, their RFC 7638 key ids and JWKs, and
 * the private key file (PKCS#8 PEM, mode 0600, never overwritten, refused when readable by
 * others).
 */
#include "protocol/keys.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "protocol/b64.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A PKCS#8 PEM Ed25519 key is about 120 bytes; anything far larger is not ours. */
#define KEY_FILE_MAX_LEN (16 * 1024)

struct verify_key {
	EVP_PKEY *pkey;
	unsigned char raw[ED25519_PUBLIC_KEY_LEN];
	char kid[KEY_ID_LEN + 1];
};

struct signing_key {
	EVP_PKEY *pkey;
	struct verify_key pub;
};

/* The first queued OpenSSL error as text, and the queue emptied; for log messages. */
static const char *
openssl_reason(char *buf, size_t size)
{
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, buf, size);
	else
		snprintf(buf, size, "unknown OpenSSL error");
	ERR_clear_error();
	return buf;
}

void
key_thumbprint(const unsigned char pub[ED25519_PUBLIC_KEY_LEN], char out[KEY_ID_LEN + 1])
{
	struct strbuf canon = STRBUF_INIT;
	struct strbuf kid = STRBUF_INIT;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	/* RFC 7638 §3.2: the required members only, sorted, no whitespace. */
	strbuf_addstr(&canon, "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"");
	b64url_encode(&canon, pub, ED25519_PUBLIC_KEY_LEN);
	strbuf_addstr(&canon, "\"}");
	if (EVP_Digest(canon.buf, canon.len, digest, &digest_len, EVP_sha256(), NULL) != 1 ||
	    digest_len != 32)
		die("could not compute SHA-256 with OpenSSL");
	b64url_encode(&kid, digest, digest_len);
	if (kid.len != KEY_ID_LEN)
		die("key thumbprint has length %zu", kid.len);
	memcpy(out, kid.buf, KEY_ID_LEN + 1);
	strbuf_release(&kid);
	strbuf_release(&canon);
}

/* Copy pkey's raw public key into raw. Returns 0 or -1 (logged). */
static int
read_raw_public(EVP_PKEY *pkey, unsigned char raw[ED25519_PUBLIC_KEY_LEN])
{
	size_t len = ED25519_PUBLIC_KEY_LEN;
	char err[256];

	if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 || len != ED25519_PUBLIC_KEY_LEN) {
		log_error("could not read Ed25519 public key: %s",
			  openssl_reason(err, sizeof(err)));
		return -1;
	}
	return 0;
}

/*
 * A new EVP_PKEY from a raw Ed25519 private seed (ED25519_SEED_LEN bytes) or public key
 * (ED25519_PUBLIC_KEY_LEN bytes), or NULL (logged).
 */
static EVP_PKEY *
raw_pkey(bool private, const unsigned char *raw)
{
	EVP_PKEY *pkey;
	char err[256];

	if (private)
		pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw, ED25519_SEED_LEN);
	else
		pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw,
						   ED25519_PUBLIC_KEY_LEN);
	if (!pkey)
		log_error("could not make Ed25519 %s: %s", private ? "key from seed" : "public key",
			  openssl_reason(err, sizeof(err)));
	return pkey;
}

/* Fill pub from pkey (which it takes over, even on failure). Returns 0 or -1 (logged). */
static int
verify_key_init(struct verify_key *pub, EVP_PKEY *pkey)
{
	pub->pkey = pkey;
	if (read_raw_public(pkey, pub->raw) < 0)
		return -1;
	key_thumbprint(pub->raw, pub->kid);
	return 0;
}

/* Wrap a private EVP_PKEY (taken over) into a signing_key, or NULL (logged). */
static struct signing_key *
signing_key_wrap(EVP_PKEY *pkey)
{
	struct signing_key *key = xcalloc(1, sizeof(*key));
	unsigned char raw[ED25519_PUBLIC_KEY_LEN];
	EVP_PKEY *pub;

	key->pkey = pkey;
	if (read_raw_public(pkey, raw) < 0)
		goto fail;
	/* The public half gets its own public-only EVP_PKEY, like any peer key. */
	pub = raw_pkey(false, raw);
	if (!pub || verify_key_init(&key->pub, pub) < 0)
		goto fail;
	return key;

fail:
	signing_key_free(key);
	return NULL;
}

struct signing_key *
signing_key_generate(void)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	char err[256];

	if (!pkey) {
		log_error("could not generate Ed25519 key: %s", openssl_reason(err, sizeof(err)));
		return NULL;
	}
	return signing_key_wrap(pkey);
}

struct signing_key *
signing_key_from_seed(const unsigned char seed[ED25519_SEED_LEN])
{
	EVP_PKEY *pkey = raw_pkey(true, seed);

	return pkey ? signing_key_wrap(pkey) : NULL;
}

void
signing_key_free(struct signing_key *key)
{
	if (!key)
		return;
	/* EVP_PKEY_free wipes the private key material it holds. */
	EVP_PKEY_free(key->pkey);
	EVP_PKEY_free(key->pub.pkey);
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A PEM passphrase callback that refuses, so OpenSSL never prompts on a terminal. */
static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return -1;
}

int
signing_key_save(const struct signing_key *key, const char *path)
{
	BIO *mem = NULL;
	char *pem = NULL;
	long pem_len;
	char err[256];
	int fd = -1;
	int ret = -1;

	mem = BIO_new(BIO_s_secmem());
	if (!mem || !PEM_write_bio_PrivateKey(mem, key->pkey, NULL, NULL, 0, NULL, NULL)) {
		log_error("could not encode signing key for \"%s\": %s", path,
			  openssl_reason(err, sizeof(err)));
		goto out;
	}
	pem_len = BIO_get_mem_data(mem, &pem);
	if (pem_len <= 0) {
		log_error("could not encode signing key for \"%s\": empty PEM", path);
		goto out;
	}

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("could not create signing key file \"%s\": %s", path, strerror(errno));
		goto out;
	}
	/* The umask may only have narrowed 0600, but make the mode exact anyway. */
	if (fchmod(fd, 0600) < 0 || write_all(fd, pem, (size_t)pem_len) < 0 || fsync(fd) < 0) {
		log_error("could not write signing key file \"%s\": %s", path, strerror(errno));
		goto out_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		log_error("could not write signing key file \"%s\": %s", path, strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	ret = 0;
	goto out;

out_unlink:
	unlink(path);
out:
	if (fd >= 0)
		close(fd);
	/* BIO_s_secmem buffers are wiped when freed. */
	BIO_free(mem);
	return ret;
}

/*
 * Open the key file at path, refusing anything but a regular file of at most KEY_FILE_MAX_LEN
 * bytes that only its owner may access. Returns the descriptor, or -1 (logged).
 */
static int
open_key_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		log_error("could not open signing key file \"%s\": %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0)
		log_error("could not stat signing key file \"%s\": %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		log_error("could not load signing key file \"%s\": not a regular file", path);
	else if (st.st_mode & 077)
		log_error("could not load signing key file \"%s\": mode %04o lets group or others "
			  "access it (chmod 600)",
			  path, (unsigned)(st.st_mode & 07777));
	else if (st.st_size > KEY_FILE_MAX_LEN)
		log_error("could not load signing key file \"%s\": larger than %d bytes", path,
			  KEY_FILE_MAX_LEN);
	else
		return fd;
	close(fd);
	return -1;
}

/*
 * Read the rest of fd into buf (KEY_FILE_MAX_LEN + 1 bytes: one more tells a file that grew
 * since fstat). Returns the length, or -1 (logged).
 */
static ssize_t
read_key_file(int fd, const char *path, char *buf)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, KEY_FILE_MAX_LEN + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("could not read signing key file \"%s\": %s", path,
				  strerror(errno));
			return -1;
		}
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
		if (len > KEY_FILE_MAX_LEN) {
			log_error("could not load signing key file \"%s\": larger than %d bytes",
				  path, KEY_FILE_MAX_LEN);
			return -1;
		}
	}
}

/* The Ed25519 private key in the PEM text buf[0..len) read from path, or NULL (logged). */
static EVP_PKEY *
parse_key_pem(const char *buf, size_t len, const char *path)
{
	BIO *mem = BIO_new_mem_buf(buf, (int)len);
	EVP_PKEY *pkey;
	char err[256];

	if (!mem)
		die("could not allocate an OpenSSL memory BIO");
	pkey = PEM_read_bio_PrivateKey(mem, NULL, no_passphrase, NULL);
	if (!pkey) {
		log_error("could not parse signing key file \"%s\": %s", path,
			  openssl_reason(err, sizeof(err)));
	} else if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) {
		log_error("could not load signing key file \"%s\": not an Ed25519 key", path);
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	BIO_free(mem);
	return pkey;
}

struct signing_key *
signing_key_load(const char *path)
{
	char *buf = xmalloc(KEY_FILE_MAX_LEN + 1);
	EVP_PKEY *pkey = NULL;
	ssize_t len = -1;
	int fd = open_key_file(path);

	if (fd >= 0) {
		len = read_key_file(fd, path, buf);
		close(fd);
	}
	if (len >= 0)
		pkey = parse_key_pem(buf, (size_t)len, path);
	OPENSSL_cleanse(buf, KEY_FILE_MAX_LEN + 1);
	free(buf);
	return pkey ? signing_key_wrap(pkey) : NULL;
}

int
signing_key_sign(const struct signing_key *key, const void *msg, size_t len,
		 unsigned char sig[ED25519_SIGNATURE_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sig_len = ED25519_SIGNATURE_LEN;
	char err[256];
	int ret = -1;

	if (!ctx)
		die("could not allocate an OpenSSL digest context");
	/* Ed25519 is "pure": no separate digest, so the md argument is NULL. */
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &sig_len, msg ? msg : (const void *)"", len) != 1 ||
	    sig_len != ED25519_SIGNATURE_LEN) {
		log_error("could not sign with key %s: %s", key->pub.kid,
			  openssl_reason(err, sizeof(err)));
		goto out;
	}
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

const struct verify_key *
signing_key_public(const struct signing_key *key)
{
	return &key->pub;
}

const char *
signing_key_id(const struct signing_key *key)
{
	return key->pub.kid;
}

struct verify_key *
verify_key_from_raw(const unsigned char pub[ED25519_PUBLIC_KEY_LEN])
{
	EVP_PKEY *pkey = raw_pkey(false, pub);
	struct verify_key *key;

	if (!pkey)
		return NULL;
	key = xcalloc(1, sizeof(*key));
	if (verify_key_init(key, pkey) < 0) {
		verify_key_free(key);
		return NULL;
	}
	return key;
}

/* Whether member name of jwk is a string equal to want (or absent, when that is allowed). */
static bool
member_is(const json_t *jwk, const char *name, const char *want, bool optional)
{
	const json_t *v = json_object_get(jwk, name);

	if (!v)
		return optional;
	return json_is_string(v) && !strcmp(json_string_value(v), want);
}

struct verify_key *
verify_key_from_jwk(const json_t *jwk, const char **reason)
{
	unsigned char raw[ED25519_PUBLIC_KEY_LEN];
	struct verify_key *key = NULL;
	const json_t *x, *kid;
	const char *why = "bad_jwk";

	if (!json_is_object(jwk) || !member_is(jwk, "kty", "OKP", false) ||
	    !member_is(jwk, "crv", "Ed25519", false) || !member_is(jwk, "alg", "EdDSA", true) ||
	    !member_is(jwk, "use", "sig", true) || json_object_get(jwk, "d"))
		goto out;
	x = json_object_get(jwk, "x");
	if (!json_is_string(x) ||
	    b64url_decode_exact(json_string_value(x), json_string_length(x), raw, sizeof(raw)) < 0)
		goto out;
	kid = json_object_get(jwk, "kid");
	if (kid && !json_is_string(kid))
		goto out;
	key = verify_key_from_raw(raw);
	if (!key)
		goto out;
	if (kid && strcmp(json_string_value(kid), key->kid)) {
		why = "kid_mismatch";
		verify_key_free(key);
		key = NULL;
	}
out:
	if (!key && reason)
		*reason = why;
	return key;
}

void
verify_key_free(struct verify_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

void
verify_key_raw(const struct verify_key *key, unsigned char out[ED25519_PUBLIC_KEY_LEN])
{
	memcpy(out, key->raw, ED25519_PUBLIC_KEY_LEN);
}

const char *
verify_key_id(const struct verify_key *key)
{
	return key->kid;
}

bool
verify_key_verify(const struct verify_key *key, const void *msg, size_t len,
		  const unsigned char sig[ED25519_SIGNATURE_LEN])
{
	EVP_MD_CTX *ctx;
	bool ok;

	if (!key || !sig)
		return false;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		die("could not allocate an OpenSSL digest context");
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key->pkey) == 1 &&
	     EVP_DigestVerify(ctx, sig, ED25519_SIGNATURE_LEN, msg ? msg : (const void *)"", len) ==
		     1;
	EVP_MD_CTX_free(ctx);
	/* A failed verification queues an OpenSSL error; do not leave it for someone else. */
	ERR_clear_error();
	return ok;
}

json_t *
verify_key_jwk(const struct verify_key *key)
{
	struct strbuf x = STRBUF_INIT;
	json_t *jwk;

	b64url_encode(&x, key->raw, ED25519_PUBLIC_KEY_LEN);
	jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x",
			x.buf, "kid", key->kid, "alg", "EdDSA", "use", "sig");
	if (!jwk)
		die("could not build a JWK");
	strbuf_release(&x);
	return jwk;
}
