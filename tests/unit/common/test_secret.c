// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * secret: a token is 43 base64url characters whose stored SHA-256 is what a presented token
 * hashes to, and nothing of another shape hashes; references carry their letter and Crockford
 * characters only; sha256_hex agrees with a known vector.
 */
#include "common/secret.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void
test_sha256_hex(void **state)
{
	(void)state;
	char hex[SHA256_HEX_SIZE];
	sha256_hex("abc", 3, hex); /* FIPS 180-2, appendix B.1 */
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_tokens(void **state)
{
	(void)state;
	char token[SECRET_TOKEN_SIZE], other[SECRET_TOKEN_SIZE];
	char sha[SHA256_HEX_SIZE], again[SHA256_HEX_SIZE], expect[SHA256_HEX_SIZE];
	secret_token_new(token, sha);
	secret_token_new(other, again);
	assert_int_equal(strlen(token), 43);
	assert_int_equal(
		strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		43);
	assert_string_not_equal(token, other);
	sha256_hex(token, strlen(token), expect);
	assert_string_equal(sha, expect); /* what is stored is the token's SHA-256 */
	assert_true(secret_token_hash(token, again));
	assert_string_equal(sha, again);
	/* anything else hashes to nothing */
	const char *bad[] = {"", "short", "../../etc/passwd", NULL};
	for (const char **p = bad; *p; p++) {
		assert_false(secret_token_hash(*p, again));
		assert_string_equal(again, "");
	}
	assert_false(secret_token_hash(NULL, again));
	char longer[SECRET_TOKEN_SIZE + 1];
	memcpy(longer, token, SECRET_TOKEN_SIZE - 1);
	longer[SECRET_TOKEN_SIZE - 1] = 'A';
	longer[SECRET_TOKEN_SIZE] = '\0';
	assert_false(secret_token_hash(longer, again));
	token[5] = '+'; /* base64, not base64url */
	assert_false(secret_token_hash(token, again));
}

static void
test_refs(void **state)
{
	(void)state;
	char ref[PUBLIC_REF_SIZE], other[PUBLIC_REF_SIZE];
	public_ref_new('R', ref);
	public_ref_new('R', other);
	assert_int_equal(strlen(ref), 11);
	assert_true(ref[0] == 'R' && ref[1] == '-' && ref[6] == '-');
	assert_null(strpbrk(ref + 2, "ILOUabcdefghijklmnopqrstuvwxyz"));
	assert_string_not_equal(ref, other);
	assert_true(public_ref_is_valid('R', ref));
	assert_false(public_ref_is_valid('D', ref));
	assert_true(public_ref_is_valid('D', "D-7K3M-Q9ZD"));
	assert_false(public_ref_is_valid('D', "D-7K3M-Q9ZI")); /* I is not Crockford's */
	assert_false(public_ref_is_valid('D', "D-7K3M-Q9Z"));
	assert_false(public_ref_is_valid('D', "D-7K3MQ-9ZD"));
	assert_false(public_ref_is_valid('D', NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
