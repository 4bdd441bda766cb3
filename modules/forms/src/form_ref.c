// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A file's public reference ("D-XXXX-XXXX", common/secret.h) and a form's one-time key (a
 * replayed form is refused).
 */
#include "internal.h"

#include "common/xalloc.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

static void
random_bytes(unsigned char *r, size_t n)
{
	if (RAND_bytes(r, (int)n) != 1)
		die("could not read random bytes from OpenSSL");
}

void
form_new_ref(char ref[FORM_REF_SIZE])
{
	public_ref_new('D', ref);
}

bool
form_ref_is_valid(const char *s)
{
	return public_ref_is_valid('D', s);
}

void
form_new_key(char key[FORM_KEY_SIZE])
{
	unsigned char r[16];
	random_bytes(r, sizeof(r));
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(key + 2 * i, 3, "%02x", r[i]);
}

bool
form_key_is_valid(const char *s)
{
	return s && strlen(s) == FORM_KEY_SIZE - 1 &&
	       strspn(s, "0123456789abcdef") == FORM_KEY_SIZE - 1;
}

const char *const form_statuses[] = {"received", "incomplete", "in_progress", "ready",
				     "refused",  "closed",     NULL};

bool
form_status_is_valid(const char *s)
{
	for (const char *const *p = form_statuses; s && *p; p++)
		if (!strcmp(*p, s))
			return true;
	return false;
}
