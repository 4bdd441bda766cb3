// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

/*
 * What every fuzz target shares: libFuzzer's entry points, a check that stops the run when a
 * property of the parser does not hold (libFuzzer then saves the input as a crash), and the
 * splitting of one input into the several texts a target needs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property that must hold for every input: abort (a crash to libFuzzer) when it does not. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", #cond, __FILE__,     \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define FUZZ_MAX_PARTS 8

/* An input cut at a separator byte into NUL-terminated copies (a part may hold NUL bytes:
 * len is its length). */
struct fuzz_parts {
	size_t n;
	char *part[FUZZ_MAX_PARTS];
	size_t len[FUZZ_MAX_PARTS];
};

/* Cut data at the first n - 1 sep bytes: exactly n parts (the missing ones are ""); the last
 * part is the rest, separators included. */
static inline void
fuzz_split(const uint8_t *data, size_t size, char sep, size_t n, struct fuzz_parts *p)
{
	size_t at = 0;
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		size_t end = size;
		if (i + 1 < n) {
			const void *q = at < size ? memchr(data + at, sep, size - at) : NULL;
			end = q ? (size_t)((const uint8_t *)q - data) : size;
		}
		size_t len = at < size ? end - at : 0;
		p->part[i] = malloc(len + 1);
		if (len)
			memcpy(p->part[i], data + at, len);
		p->part[i][len] = '\0';
		p->len[i] = len;
		at = end < size ? end + 1 : size;
	}
}

static inline void
fuzz_parts_free(struct fuzz_parts *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->part[i]);
}

/* data as a NUL-terminated string (malloc'd; stops at a NUL byte in data, like C code would). */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
