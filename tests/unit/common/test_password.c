// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Argon2id password hashing, checked against Debian's argon2 command-line tool as an outside
 * oracle: the same password, salt and OWASP parameters must give the same PHC string.
 */
#include "common/auth.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void
test_matches_argon2_cli(void **state)
{
	(void)state;
	const char *salt = "baladiyasalt0123";
	FILE *p = popen("printf '%s' 'correct horse battery staple' | argon2 baladiyasalt0123 -id "
			"-t 2 -k 19456 -p 1 -l 32 -e",
			"r");
	assert_non_null(p);
	char line[512] = "";
	char *got = fgets(line, sizeof(line), p);
	int rc = pclose(p);
	if (!got || rc != 0)
		fail_msg("the argon2 command-line tool (Debian package argon2) is required");
	line[strcspn(line, "\n")] = '\0';
	char *ours = password_hash_with_salt("correct horse battery staple",
					     (const unsigned char *)salt, strlen(salt));
	assert_non_null(ours);
	assert_string_equal(ours, line);
	assert_true(password_verify(line, "correct horse battery staple"));
	assert_false(password_verify(line, "correct horse battery stapl"));
	free(ours);
}

static void
test_hash_verify(void **state)
{
	(void)state;
	char *a = password_hash("un mot de passe solide");
	char *b = password_hash("un mot de passe solide");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_not_equal(a, b); /* random salts */
	assert_true(strncmp(a, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
	assert_true(password_verify(a, "un mot de passe solide"));
	assert_false(password_verify(a, ""));
	assert_false(password_verify("$argon2i$v=19$m=19456,t=2,p=1$xx$yy", "x"));
	assert_false(password_verify("garbage", "x"));
	assert_false(password_verify(NULL, "x"));
	free(a);
	free(b);
}

static void
test_random_and_compare(void **state)
{
	(void)state;
	char a[65], b[65];
	random_hex(a, 32);
	random_hex(b, 32);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
	assert_true(secure_equals(a, a));
	assert_false(secure_equals(a, b));
	assert_false(secure_equals("abc", "abcd"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_argon2_cli),
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_random_and_compare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
