// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Unit tests for protocol/keys: RFC 8032 §7.1 Ed25519 vectors, determinism and tamper
 * detection, RFC 7638/8037 key ids and JWKs, and the private key file's permissions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/strbuf.h"
#include "protocol/b64.h"
#include "protocol/keys.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* RFC 8032 §7.1, verbatim: TEST 1, 2, 3, 1024 (a 1023-byte message) and SHA(abc). */
static const struct {
	const char *name;
	const char *secret;
	const char *public;
	const char *message;
	const char *signature;
} rfc8032[] = {
	{"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
	 "1cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	 "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
	 "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	{"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	 "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
	 "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760"
	 "984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	{"TEST 1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
	 "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
	 "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f5"
	 "4e9f77b1e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37"
	 "c93a1b270b20329d658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efc"
	 "b8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b"
	 "3b310da903401aa62100ab5d1a36553e06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573c"
	 "b116dbefefd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204"
	 "ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed185ce81bd84359d44254d95629e9855a94a7c1958"
	 "d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
	 "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27088d78b7e883c8759d2c4f5c6"
	 "5adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2"
	 "cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128bab27af87a"
	 "71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b"
	 "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9"
	 "b47acdb751fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb"
	 "038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f672451"
	 "7b65e614ad6808d6f6ee34dff7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
	 "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e"
	 "2ab47b57f7f7276cd419c17a3ca8e1b939ae49e488acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d"
	 "5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e6aed3fb0"
	 "f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5fb93246f6b1116398a346f1a641f3b041"
	 "e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa9"
	 "33a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380db2eaaa707b4c4185"
	 "c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8cac60c905c"
	 "15fc910840b94c00a0b9d0",
	 "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23"
	 "c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
	{"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
	 "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
	 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23"
	 "a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	 "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c6"
	 "6431e0303dca179c138ac17ad9bef1177331a704"},
};

/* Decode hex into a malloc'd buffer; *len gets the byte count. */
static unsigned char *
unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	unsigned char *out = malloc(n + 1);

	assert_non_null(out);
	for (size_t i = 0; i < n; i++) {
		unsigned int byte;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
		out[i] = (unsigned char)byte;
	}
	*len = n;
	return out;
}

static void
test_rfc8032_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		size_t seed_len, pub_len, msg_len, sig_len;
		unsigned char *seed = unhex(rfc8032[i].secret, &seed_len);
		unsigned char *pub = unhex(rfc8032[i].public, &pub_len);
		unsigned char *msg = unhex(rfc8032[i].message, &msg_len);
		unsigned char *want = unhex(rfc8032[i].signature, &sig_len);
		unsigned char raw[ED25519_PUBLIC_KEY_LEN], sig[ED25519_SIGNATURE_LEN];
		struct signing_key *key;
		struct verify_key *vk;

		assert_int_equal(seed_len, 32);
		assert_int_equal(sig_len, 64);
		if (!strcmp(rfc8032[i].name, "TEST 1024"))
			assert_int_equal(msg_len, 1023);
		key = signing_key_from_seed(seed);
		assert_non_null(key);
		verify_key_raw(signing_key_public(key), raw);
		assert_memory_equal(raw, pub, 32);
		assert_int_equal(signing_key_sign(key, msg, msg_len, sig), 0);
		assert_memory_equal(sig, want, 64);

		vk = verify_key_from_raw(pub);
		assert_non_null(vk);
		assert_true(verify_key_verify(vk, msg, msg_len, want));
		assert_string_equal(verify_key_id(vk), signing_key_id(key));
		verify_key_free(vk);
		signing_key_free(key);
		free(seed);
		free(pub);
		free(msg);
		free(want);
	}
}

static void
test_determinism_and_tampering(void **state)
{
	static const char msg[] = "a message from the commune";
	unsigned char sig1[64], sig2[64], bad[64];
	char tampered[sizeof(msg)];
	struct signing_key *key = signing_key_generate();
	struct signing_key *other = signing_key_generate();
	const struct verify_key *vk;

	(void)state;
	assert_non_null(key);
	assert_non_null(other);
	vk = signing_key_public(key);
	assert_int_equal(signing_key_sign(key, msg, strlen(msg), sig1), 0);
	assert_int_equal(signing_key_sign(key, msg, strlen(msg), sig2), 0);
	assert_memory_equal(sig1, sig2, 64);
	assert_true(verify_key_verify(vk, msg, strlen(msg), sig1));

	for (size_t i = 0; i < strlen(msg); i++) {
		memcpy(tampered, msg, sizeof(msg));
		tampered[i] ^= 0x01;
		assert_false(verify_key_verify(vk, tampered, strlen(msg), sig1));
	}
	for (size_t i = 0; i < 64; i += 7) {
		memcpy(bad, sig1, 64);
		bad[i] ^= 0x80;
		assert_false(verify_key_verify(vk, msg, strlen(msg), bad));
	}
	/* Truncated message, wrong key, NULL signature. */
	assert_false(verify_key_verify(vk, msg, strlen(msg) - 1, sig1));
	assert_false(verify_key_verify(signing_key_public(other), msg, strlen(msg), sig1));
	assert_false(verify_key_verify(vk, msg, strlen(msg), NULL));
	/* Empty message with a NULL pointer is fine. */
	assert_int_equal(signing_key_sign(key, NULL, 0, sig2), 0);
	assert_true(verify_key_verify(vk, NULL, 0, sig2));
	assert_false(verify_key_verify(vk, NULL, 0, sig1));

	assert_string_not_equal(signing_key_id(key), signing_key_id(other));
	signing_key_free(key);
	signing_key_free(other);
	signing_key_free(NULL);
	verify_key_free(NULL);
}

/* RFC 8037 Appendix A: the TEST 1 public key as a JWK, and its RFC 7638 thumbprint. */
#define RFC8037_X "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
#define RFC8037_KID "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

static void
test_thumbprint(void **state)
{
	size_t len;
	unsigned char *pub = unhex(rfc8032[0].public, &len);
	char kid[KEY_ID_LEN + 1];
	struct signing_key *key = signing_key_generate();
	const char *k;

	(void)state;
	key_thumbprint(pub, kid);
	assert_string_equal(kid, RFC8037_KID);
	free(pub);

	/* Any key id: 43 characters of base64url, no padding. */
	k = signing_key_id(key);
	assert_int_equal(strlen(k), KEY_ID_LEN);
	assert_int_equal(
		strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		KEY_ID_LEN);
	signing_key_free(key);
}

static void
test_jwk(void **state)
{
	size_t len;
	unsigned char *pub = unhex(rfc8032[0].public, &len);
	struct verify_key *vk = verify_key_from_raw(pub);
	struct verify_key *back;
	const char *reason = NULL;
	json_t *jwk, *bad;
	char *text;

	(void)state;
	jwk = verify_key_jwk(vk);
	text = json_dumps(jwk, JSON_COMPACT);
	assert_string_equal(text,
			    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" RFC8037_X
			    "\",\"kid\":\"" RFC8037_KID "\",\"alg\":\"EdDSA\",\"use\":\"sig\"}");
	free(text);

	back = verify_key_from_jwk(jwk, &reason);
	assert_non_null(back);
	assert_string_equal(verify_key_id(back), RFC8037_KID);
	verify_key_free(back);

	/* The minimal JWK of RFC 8037 is enough. */
	bad = json_pack("{s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x", RFC8037_X);
	back = verify_key_from_jwk(bad, &reason);
	assert_non_null(back);
	verify_key_free(back);
	json_decref(bad);

	bad = json_deep_copy(jwk);
	json_object_set_new(bad, "kid", json_string("someone-else"));
	assert_null(verify_key_from_jwk(bad, &reason));
	assert_string_equal(reason, "kid_mismatch");
	json_decref(bad);

	static const char *const broken[][2] = {
		{"kty", "EC"},        {"crv", "X25519"},
		{"alg", "ES256"},     {"use", "enc"},
		{"x", RFC8037_X "A"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR="},
		{"d", "secret"},
	};
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		bad = json_deep_copy(jwk);
		json_object_set_new(bad, broken[i][0], json_string(broken[i][1]));
		reason = NULL;
		assert_null(verify_key_from_jwk(bad, &reason));
		assert_string_equal(reason, "bad_jwk");
		json_decref(bad);
	}
	bad = json_deep_copy(jwk);
	json_object_del(bad, "kty");
	assert_null(verify_key_from_jwk(bad, &reason));
	json_object_set_new(bad, "kty", json_integer(1));
	assert_null(verify_key_from_jwk(bad, &reason));
	json_decref(bad);
	assert_null(verify_key_from_jwk(NULL, &reason));

	json_decref(jwk);
	verify_key_free(vk);
	free(pub);
}

static char tmpdir[64];

static int
make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/baladiya-keys-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_key_file(void **state)
{
	static const char msg[] = "persisted";
	unsigned char sig1[64], sig2[64];
	struct signing_key *key = signing_key_generate();
	struct signing_key *loaded;
	char path[128];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/official.key", tmpdir);
	umask(022);
	assert_int_equal(signing_key_save(key, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	loaded = signing_key_load(path);
	assert_non_null(loaded);
	assert_string_equal(signing_key_id(loaded), signing_key_id(key));
	assert_int_equal(signing_key_sign(key, msg, strlen(msg), sig1), 0);
	assert_int_equal(signing_key_sign(loaded, msg, strlen(msg), sig2), 0);
	assert_memory_equal(sig1, sig2, 64);
	signing_key_free(loaded);

	/* Never overwrite a key. */
	assert_int_equal(signing_key_save(key, path), -1);
	loaded = signing_key_load(path);
	assert_non_null(loaded);
	assert_string_equal(signing_key_id(loaded), signing_key_id(key));
	signing_key_free(loaded);

	/* Refuse a key that others could read, whatever the bits. */
	static const mode_t open_modes[] = {0644, 0640, 0604, 0610, 0601, 0660};
	for (size_t i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]); i++) {
		assert_int_equal(chmod(path, open_modes[i]), 0);
		assert_null(signing_key_load(path));
	}
	assert_int_equal(chmod(path, 0400), 0);
	loaded = signing_key_load(path);
	assert_non_null(loaded);
	signing_key_free(loaded);

	/* A restrictive umask cannot make the file unreadable to us. */
	snprintf(path, sizeof(path), "%s/umask.key", tmpdir);
	umask(0277);
	assert_int_equal(signing_key_save(key, path), 0);
	umask(022);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	snprintf(path, sizeof(path), "%s/missing.key", tmpdir);
	assert_null(signing_key_load(path));
	assert_null(signing_key_load(tmpdir));
	snprintf(path, sizeof(path), "%s/no-such-dir/x.key", tmpdir);
	assert_int_equal(signing_key_save(key, path), -1);
	signing_key_free(key);
}

static void
write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void
test_key_file_content(void **state)
{
	char path[128];
	EVP_PKEY *ec;
	BIO *mem;
	char *pem;
	long pem_len;
	char *big;

	(void)state;
	snprintf(path, sizeof(path), "%s/garbage.key", tmpdir);
	write_file(path, "not a key\n", 10);
	assert_null(signing_key_load(path));

	/* A valid PEM private key of another algorithm. */
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(ec);
	mem = BIO_new(BIO_s_mem());
	assert_true(PEM_write_bio_PrivateKey(mem, ec, NULL, NULL, 0, NULL, NULL));
	pem_len = BIO_get_mem_data(mem, &pem);
	snprintf(path, sizeof(path), "%s/ec.key", tmpdir);
	write_file(path, pem, (size_t)pem_len);
	assert_null(signing_key_load(path));
	BIO_free(mem);
	EVP_PKEY_free(ec);

	/* Too large to be a key file. */
	big = calloc(1, 20000);
	assert_non_null(big);
	memset(big, 'A', 19999);
	snprintf(path, sizeof(path), "%s/big.key", tmpdir);
	write_file(path, big, 19999);
	assert_null(signing_key_load(path));
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_vectors),
		cmocka_unit_test(test_determinism_and_tampering),
		cmocka_unit_test(test_thumbprint),
		cmocka_unit_test(test_jwk),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_key_file_content),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
