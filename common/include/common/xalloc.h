// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_XALLOC_H
#define COMMON_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Allocation that never fails: out of memory logs and aborts, so callers never check.
 * Everything returned is freed with free().
 */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new malloc'd string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The formatted text in memory from alloc(ctx, size) (which never fails): what xasprintf and
 * arena_printf share. */
char *xvformat(void *(*alloc)(void *ctx, size_t size), void *ctx, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Makes jansson keep the small blocks it frees on a per-thread list for its next values
 * (json_alloc.c): once, before the first request; jansson's memory is still released with
 * free() (json_dumps' text).
 */
void json_alloc_init(void);

/* Grow *ptr (of *alloc elements of elem_size) to hold at least nr elements. */
#define ALLOC_GROW(ptr, nr, alloc)                                                                 \
	do {                                                                                       \
		if ((nr) > (alloc)) {                                                              \
			(alloc) = (nr) > (alloc)*2 ? (nr) : (alloc)*2;                             \
			(ptr) = xrealloc((ptr), (alloc) * sizeof(*(ptr)));                         \
		}                                                                                  \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Print "fatal: ..." to stderr and abort(); for broken invariants only. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
