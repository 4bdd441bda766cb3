// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef TESTS_UNIT_NODB_H
#define TESTS_UNIT_NODB_H

/*
 * For unit tests of code that checks its input before any SQL (appliers of peer events, form
 * checks): no database, so whatever gets past the checks fails to connect at once; and long
 * test strings.
 */
#include "common/log.h"

#include <stdlib.h>
#include <string.h>

/* No database: PGHOST names a folder that does not exist. */
static inline void
test_no_database(void)
{
	unsetenv("PGHOSTADDR");
	unsetenv("PGSERVICE");
	setenv("PGHOST", "/nonexistent/baladiya-unit-tests", 1);
	log_set_level(LOG_LEVEL_ERROR); /* each refusal and failed connection is a warning */
}

/* A string of n copies of the UTF-8 character c (malloc'd). */
static inline char *
repeat(const char *c, size_t n)
{
	size_t len = strlen(c);
	char *s = malloc(n * len + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, c, len);
	s[n * len] = '\0';
	return s;
}

#endif
