// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Verified participation (modules/participation/src/contact.c, code.c): contacts normalised
 * (Algerian local forms to E.164, e-mail addresses lowercased, "+tag" out of the counted form)
 * or refused; the keyed hash (the same contact written two ways is one key, another secret
 * another key); the six-digit codes (uniform shape, bound to their challenge, compared
 * whole); the local paths a verification comes back to; the secret file (created 0600, read
 * back the same, a file of the wrong size refused).
 */
#include "../../../../modules/participation/src/internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static void
assert_contact(const char *in, const char *channel, const char *address, const char *canonical)
{
	struct contact c;
	if (!channel) {
		assert_int_equal(contact_normalize(in, &c), -1);
		return;
	}
	assert_int_equal(contact_normalize(in, &c), 0);
	assert_string_equal(c.channel, channel);
	assert_string_equal(c.address, address);
	assert_string_equal(c.canonical, canonical ? canonical : address);
}

static void
test_phones(void **state)
{
	(void)state;
	const char *e164 = "+213555123456";
	assert_contact("0555 12 34 56", "sms", e164, NULL);
	assert_contact("0555123456", "sms", e164, NULL);
	assert_contact("+213 555 12 34 56", "sms", e164, NULL);
	assert_contact("+213 (0)5 55 12 34 56", "sms", e164, NULL);
	assert_contact("00213555123456", "sms", e164, NULL);
	assert_contact("213555123456", "sms", e164, NULL);
	assert_contact("05.55.12.34.56", "sms", e164, NULL);
	assert_contact("  0555-12-34-56 ", "sms", e164, NULL);
	/* Arabic-Indic and Eastern Arabic-Indic digits */
	assert_contact("\xd9\xa0\xd9\xa5\xd9\xa5\xd9\xa5\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5"
		       "\xd9\xa6",
		       "sms", e164, NULL);
	assert_contact("0661 23 45 67", "sms", "+213661234567", NULL);
	assert_contact("0770 00 00 01", "sms", "+213770000001", NULL);
	/* another country in E.164 */
	assert_contact("+33 6 12 34 56 78", "sms", "+33612345678", NULL);
	assert_contact("0033612345678", "sms", "+33612345678", NULL);
	/* landlines, short, long, letters, a second plus */
	assert_contact("021 23 45 67", NULL, NULL, NULL);
	assert_contact("0455123456", NULL, NULL, NULL);
	assert_contact("055512345", NULL, NULL, NULL);
	assert_contact("05551234567", NULL, NULL, NULL);
	assert_contact("+213 555 12 34 5x", NULL, NULL, NULL);
	assert_contact("++213555123456", NULL, NULL, NULL);
	assert_contact("+0123456789", NULL, NULL, NULL);
	assert_contact("+1234567", NULL, NULL, NULL);
	assert_contact("", NULL, NULL, NULL);
	assert_contact(NULL, NULL, NULL, NULL);
}

static void
test_emails(void **state)
{
	(void)state;
	assert_contact("Amina.Test@Example.ORG", "email", "amina.test@example.org", NULL);
	assert_contact(" a@b.dz ", "email", "a@b.dz", NULL);
	assert_contact("amina+needs@example.org", "email", "amina+needs@example.org",
		       "amina@example.org");
	assert_contact("+x@example.org", "email", "+x@example.org", NULL);
	assert_contact("a@sub-domain.example.dz", "email", "a@sub-domain.example.dz", NULL);
	assert_contact("a@b", NULL, NULL, NULL);
	assert_contact("a@b.c", NULL, NULL, NULL);
	assert_contact("a@@b.dz", NULL, NULL, NULL);
	assert_contact("a@b@c.dz", NULL, NULL, NULL);
	assert_contact(".a@b.dz", NULL, NULL, NULL);
	assert_contact("a..b@c.dz", NULL, NULL, NULL);
	assert_contact("a b@c.dz", NULL, NULL, NULL);
	assert_contact("a@-b.dz", NULL, NULL, NULL);
	assert_contact("a@b-.dz", NULL, NULL, NULL);
	assert_contact("a@b.d1", NULL, NULL, NULL);
	assert_contact("x@example.org\r\nBcc: y@example.org", NULL, NULL, NULL);
	assert_contact("<a@b.dz>", NULL, NULL, NULL);
	char big[400];
	memset(big, 'a', 300);
	strcpy(big + 300, "@example.org");
	assert_contact(big, NULL, NULL, NULL);
	memset(big, 'a', 65);
	strcpy(big + 65, "@example.org");
	assert_contact(big, NULL, NULL, NULL);
}

static void
test_keys(void **state)
{
	(void)state;
	unsigned char k1[PART_SECRET_SIZE], k2[PART_SECRET_SIZE];
	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	struct contact a, b, c;
	char ka[SHA256_HEX_SIZE], kb[SHA256_HEX_SIZE], kc[SHA256_HEX_SIZE];
	assert_int_equal(contact_normalize("0555 12 34 56", &a), 0);
	assert_int_equal(contact_normalize("+213555123456", &b), 0);
	part_contact_key(k1, &a, ka);
	part_contact_key(k1, &b, kb);
	assert_string_equal(ka, kb);
	assert_int_equal(strlen(ka), 64);
	part_contact_key(k2, &a, kc);
	assert_string_not_equal(ka, kc);
	assert_int_equal(contact_normalize("Amina+x@example.org", &a), 0);
	assert_int_equal(contact_normalize("amina@EXAMPLE.org", &c), 0);
	part_contact_key(k1, &a, ka);
	part_contact_key(k1, &c, kc);
	assert_string_equal(ka, kc);
	/* the key is not the plain SHA-256 of the contact */
	char plain[SHA256_HEX_SIZE];
	sha256_hex("amina@example.org", 17, plain);
	assert_string_not_equal(ka, plain);
}

static void
test_codes(void **state)
{
	(void)state;
	unsigned char key[PART_SECRET_SIZE];
	memset(key, 7, sizeof(key));
	char code[PART_CODE_SIZE], mac[SHA256_HEX_SIZE];
	const char *ch = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
	const char *other = "f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
	int seen_leading_zero = 0;
	for (int i = 0; i < 2000; i++) {
		part_code_new(code);
		assert_true(part_code_shape_ok(code));
		seen_leading_zero |= code[0] == '0';
	}
	assert_true(seen_leading_zero); /* "012345" is a code like any other */
	part_code_hmac(key, ch, code, mac);
	assert_true(part_code_matches(key, ch, code, mac));
	assert_false(part_code_matches(key, other, code, mac)); /* bound to its challenge */
	char wrong[16];
	snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 1) % 1000000);
	assert_false(part_code_matches(key, ch, wrong, mac));
	assert_false(part_code_matches(key, ch, "12345", mac));
	assert_false(part_code_matches(key, ch, "1234567", mac));
	assert_false(part_code_matches(key, ch, "12345a", mac));
	assert_false(part_code_matches(key, ch, code, "short"));
	assert_false(part_code_matches(key, ch, NULL, mac));
	assert_false(part_code_shape_ok(" 12345"));
}

static void
test_back(void **state)
{
	(void)state;
	assert_true(part_back_ok("/needs/12"));
	assert_true(part_back_ok("/reports/R-AB12-CD34?supported=1"));
	assert_false(part_back_ok("//evil.example/"));
	assert_false(part_back_ok("/\\evil.example"));
	assert_false(part_back_ok("https://evil.example/"));
	assert_false(part_back_ok("needs"));
	assert_false(part_back_ok("/a b"));
	assert_false(part_back_ok("/a\"><script>"));
	assert_false(part_back_ok("/a\r\nLocation: x"));
	assert_false(part_back_ok(NULL));
	char *url = participation_verify_url("/needs/3?x=1&y=2");
	assert_string_equal(url, "/participation?back=%2Fneeds%2F3%3Fx%3D1%26y%3D2");
	free(url);
	url = participation_verify_url("//evil.example");
	assert_string_equal(url, "/participation");
	free(url);
}

static void
test_secret_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/baladiya-part-secret-XXXXXX";
	assert_non_null(mkdtemp(dir));
	unsigned char a[PART_SECRET_SIZE], b[PART_SECRET_SIZE];
	assert_int_equal(part_secret_load(dir, a), 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, PART_SECRET_FILE);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, PART_SECRET_SIZE);
	assert_int_equal(part_secret_load(dir, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	FILE *f = fopen(path, "ab");
	fputc('x', f);
	fclose(f);
	assert_int_equal(part_secret_load(dir, b), -1);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phones), cmocka_unit_test(test_emails),
		cmocka_unit_test(test_keys),   cmocka_unit_test(test_codes),
		cmocka_unit_test(test_back),   cmocka_unit_test(test_secret_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
