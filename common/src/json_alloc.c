// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * json_alloc: a per-thread cache of the small blocks jansson allocates. A list page builds and
 * frees a few thousand jansson values (a row's object, its keys, its strings); glibc's own
 * per-thread cache keeps 7 blocks of a size, so most of them went through malloc's and free's
 * slow paths and their consolidation (a third of a list page's instructions, callgrind). Here
 * a freed block is kept on its thread's list for its size, and the next allocation of that
 * size takes it back.
 *
 * Every block is a plain glibc block, classed by malloc_usable_size(): what jansson hands out
 * (json_dumps' text) may still be released with free(), and a block may be freed by another
 * thread than the one that allocated it (it joins that thread's list). A thread keeps at most
 * CACHE_BYTES; its lists go back to glibc when it exits. Sanitizer builds keep glibc's
 * allocator, so that AddressSanitizer still sees every use after free.
 */
#include "common/xalloc.h"

#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define JSON_ALLOC_PLAIN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define JSON_ALLOC_PLAIN 1
#endif
#endif

#ifndef JSON_ALLOC_PLAIN

#define GRAIN 16                       /* glibc's chunk sizes are multiples of 16 */
#define CLASSES 33                     /* usable sizes up to 32 × 16 + 8 bytes */
#define CACHE_BYTES (4u * 1024 * 1024) /* kept per thread at most */

struct block {
	struct block *next;
};

struct cache {
	struct block *head[CLASSES];
	size_t bytes;
	bool registered;
};

static _Thread_local struct cache cache;
static pthread_key_t exit_key;

/* The class of a block of usable size n (glibc: chunk size - 8), or CLASSES when too big. */
static inline unsigned
class_of_usable(size_t n)
{
	return n / GRAIN < CLASSES ? (unsigned)(n / GRAIN) : CLASSES;
}

/* The class of the blocks malloc(n) returns: the chunk of n + 8 bytes, at least 32. */
static inline unsigned
class_of_request(size_t n)
{
	size_t chunk = (n + 8 + GRAIN - 1) & ~(size_t)(GRAIN - 1);
	return class_of_usable((chunk < 32 ? 32 : chunk) - 8);
}

static void
cache_release(void *arg)
{
	struct cache *c = arg;
	for (unsigned k = 0; k < CLASSES; k++)
		while (c->head[k]) {
			struct block *b = c->head[k];
			c->head[k] = b->next;
			free(b);
		}
	c->bytes = 0;
}

static void *
json_alloc(size_t n)
{
	unsigned k = class_of_request(n);
	struct block *b;
	if (k < CLASSES && (b = cache.head[k])) {
		cache.head[k] = b->next;
		cache.bytes -= (size_t)k * GRAIN + 8;
		return b;
	}
	return malloc(n);
}

static void
json_release(void *p)
{
	if (!p)
		return;
	size_t n = malloc_usable_size(p);
	unsigned k = class_of_usable(n);
	/* a block of class k holds k × 16 + 8 usable bytes; an mmapped one is never that small */
	if (k >= CLASSES || n != (size_t)k * GRAIN + 8 || cache.bytes + n > CACHE_BYTES) {
		free(p);
		return;
	}
	if (!cache.registered) {
		/* the thread's lists go back to glibc when it exits */
		pthread_setspecific(exit_key, &cache);
		cache.registered = true;
	}
	struct block *b = p;
	b->next = cache.head[k];
	cache.head[k] = b;
	cache.bytes += n;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
install(void)
{
	if (pthread_key_create(&exit_key, cache_release) != 0)
		return;
	json_set_alloc_funcs(json_alloc, json_release);
}

void
json_alloc_init(void)
{
	pthread_once(&once, install);
}

#else

void
json_alloc_init(void)
{
}

#endif
