// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_ARENA_H
#define COMMON_ARENA_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A per-request region: allocations are freed all at once by arena_free(), and cleanups
 * registered with arena_defer() (PQclear, json_decref, ...) run then, newest first.
 */
struct arena;

struct arena *arena_new(void);
/* Run the deferred cleanups in reverse order and free every block. NULL is allowed. */
void arena_free(struct arena *a);

/* Zeroed memory aligned for any type, valid until arena_free(). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Call fn(ptr) when the arena is freed. Returns ptr for chaining. */
void *arena_defer(struct arena *a, void (*fn)(void *), void *ptr);

#endif
