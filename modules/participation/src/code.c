// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The participation secret and what it keys: 32 random bytes created once in
 * BALADIYA_DATA_DIR (0600; losing it resets "one support per contact"), the keyed hash of a
 * contact, the one-time codes (6 digits drawn without bias, kept only as an HMAC bound to
 * their challenge, compared in constant time) and the local paths a verification returns to.
 */
#include "internal.h"

#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
to_hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Read exactly PART_SECRET_SIZE bytes from path into key: 0, or -1 (logged). */
static int
read_secret(const char *path, unsigned char key[PART_SECRET_SIZE])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_error("could not open the participation secret %s: %s", path, strerror(errno));
		return -1;
	}
	unsigned char extra;
	ssize_t n = read(fd, key, PART_SECRET_SIZE);
	ssize_t more = n == PART_SECRET_SIZE ? read(fd, &extra, 1) : 0;
	close(fd);
	if (n != PART_SECRET_SIZE || more != 0) {
		log_error("the participation secret %s is not %d bytes", path, PART_SECRET_SIZE);
		OPENSSL_cleanse(key, PART_SECRET_SIZE);
		return -1;
	}
	return 0;
}

/*
 * Write a fresh secret to a temporary file, then link it to path: link() fails when another
 * process (a replica) created it first, and then theirs is the one read. 0 or -1 (logged).
 */
static int
create_secret(const char *path)
{
	unsigned char key[PART_SECRET_SIZE];
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (RAND_bytes(key, sizeof(key)) != 1) {
		log_error("could not draw the participation secret: no randomness");
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc = -1;
	if (fd < 0) {
		log_error("could not create %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) || fsync(fd) < 0) {
		log_error("could not write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (link(tmp, path) < 0 && errno != EEXIST)
		log_error("could not create the participation secret %s: %s", path,
			  strerror(errno));
	else {
		rc = 0;
		log_info("created the participation secret in %s (back it up)", path);
	}
	unlink(tmp);
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
part_secret_load(const char *dir, unsigned char key[PART_SECRET_SIZE])
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : ".", PART_SECRET_FILE);
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			log_error("could not read %s: %s", path, strerror(errno));
			return -1;
		}
		if (create_secret(path) < 0)
			return -1;
	} else if (st.st_mode & 077) {
		log_warn("the participation secret %s can be read by others: chmod 600 it", path);
	}
	return read_secret(path, key);
}

void
part_hmac_hex(const unsigned char key[PART_SECRET_SIZE], const char *a, const char *b,
	      char out[SHA256_HEX_SIZE])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	size_t na = strlen(a), nb = strlen(b);
	unsigned char *msg = malloc(na + nb + 2);
	if (!msg)
		abort();
	memcpy(msg, a, na);
	msg[na] = '\n'; /* a and b never hold a line feed: the pair is unambiguous */
	memcpy(msg + na + 1, b, nb + 1);
	if (!HMAC(EVP_sha256(), key, PART_SECRET_SIZE, msg, na + 1 + nb, mac, &len))
		abort();
	free(msg);
	to_hex(mac, len, out);
}

void
part_contact_key(const unsigned char key[PART_SECRET_SIZE], const struct contact *c,
		 char out[SHA256_HEX_SIZE])
{
	part_hmac_hex(key, c->channel, c->canonical, out);
}

void
part_code_new(char code[PART_CODE_SIZE])
{
	uint32_t r;
	/* rejection sampling: every code equally likely */
	do {
		if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
			abort();
	} while (r >= 4294000000u);
	snprintf(code, PART_CODE_SIZE, "%06u", (unsigned)(r % 1000000u));
}

void
part_code_hmac(const unsigned char key[PART_SECRET_SIZE], const char *challenge_sha256,
	       const char *code, char out[SHA256_HEX_SIZE])
{
	char what[SHA256_HEX_SIZE + 8];
	snprintf(what, sizeof(what), "code:%s", challenge_sha256);
	part_hmac_hex(key, what, code, out);
}

bool
part_code_shape_ok(const char *code)
{
	return code && strlen(code) == 6 && strspn(code, "0123456789") == 6;
}

bool
part_code_matches(const unsigned char key[PART_SECRET_SIZE], const char *challenge_sha256,
		  const char *code, const char *stored_hmac)
{
	char mac[SHA256_HEX_SIZE];
	if (!part_code_shape_ok(code) || !stored_hmac || strlen(stored_hmac) != 64)
		return false;
	part_code_hmac(key, challenge_sha256, code, mac);
	return CRYPTO_memcmp(mac, stored_hmac, 64) == 0;
}

bool
part_back_ok(const char *back)
{
	if (!back || back[0] != '/' || back[1] == '/' || back[1] == '\\' ||
	    strlen(back) > PART_BACK_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)back; *p; p++)
		if (*p < 0x21 || *p == 0x7F || *p == '\\' || *p == '"' || *p == '<' || *p == '>')
			return false;
	return true;
}
