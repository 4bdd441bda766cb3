// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A small response cache for anonymous public pages. Invalidation is a generation counter:
 * a write bumps it and every older entry is stale at once, so no write path needs to know
 * which pages it affects.
 */
#include "common/page_cache.h"

#include "common/app.h"
#include "common/http.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct cache_entry {
	char *key;
	char *content_type;
	char *body;
	size_t len;
	unsigned long generation;
	struct cache_entry *next;
};

#define CACHE_BUCKETS 1024

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct cache_entry *cache_buckets[CACHE_BUCKETS];
static size_t cache_count, cache_max;
static atomic_ulong cache_generation = 1;

unsigned long
page_cache_generation(void)
{
	return atomic_load(&cache_generation);
}

void
http_cache_bump(void)
{
	atomic_fetch_add(&cache_generation, 1);
}

void
page_cache_init(size_t max_entries)
{
	cache_max = max_entries;
}

static void
entry_free(struct cache_entry *e)
{
	free(e->key);
	free(e->content_type);
	free(e->body);
	free(e);
}

static void
cache_clear_locked(void)
{
	for (size_t i = 0; i < CACHE_BUCKETS; i++) {
		struct cache_entry *e = cache_buckets[i];
		while (e) {
			struct cache_entry *next = e->next;
			entry_free(e);
			e = next;
		}
		cache_buckets[i] = NULL;
	}
	cache_count = 0;
}

void
page_cache_free(void)
{
	pthread_rwlock_wrlock(&cache_lock);
	cache_clear_locked();
	pthread_rwlock_unlock(&cache_lock);
}

static bool
is_cacheable(struct request *req)
{
	if (!cache_max || !req->match.route || !(req->match.route->flags & ROUTE_CACHE))
		return false;
	if (strcmp(req->method, "GET") != 0 && !req->is_head)
		return false;
	/* a session cookie means a personal page, even when the session is invalid */
	return !req->set_cookie && !req->user &&
	       !http_cookie(req, http_cookie_name(req, "session"));
}

static uint64_t
hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static char *
cache_key(struct request *req)
{
	return xasprintf("%s|%d|%s", req->lang, req->want_json, req->raw_uri);
}

bool
page_cache_lookup(struct request *req)
{
	if (!is_cacheable(req))
		return false;
	char *key = cache_key(req);
	size_t b = hash_key(key) % CACHE_BUCKETS;
	unsigned long gen = atomic_load(&cache_generation);
	bool hit = false;
	pthread_rwlock_rdlock(&cache_lock);
	for (struct cache_entry *e = cache_buckets[b]; e; e = e->next)
		if (e->generation == gen && strcmp(e->key, key) == 0) {
			http_add_header(req, "X-Cache", "hit");
			req->set_cookie = true; /* do not store it again */
			http_send(req, 200, e->content_type, e->body, e->len);
			hit = true;
			break;
		}
	pthread_rwlock_unlock(&cache_lock);
	free(key);
	/* a write during rendering must make what we render stale at once */
	req->cache_generation = gen;
	return hit;
}

void
page_cache_put(struct request *req, const char *content_type, const char *body, size_t len)
{
	unsigned long gen = req->cache_generation;
	if (!gen || !is_cacheable(req))
		return;
	char *key = cache_key(req);
	size_t b = hash_key(key) % CACHE_BUCKETS;
	pthread_rwlock_wrlock(&cache_lock);
	struct cache_entry **pp = &cache_buckets[b];
	while (*pp) {
		struct cache_entry *e = *pp;
		if (strcmp(e->key, key) == 0 || e->generation != gen) {
			*pp = e->next;
			entry_free(e);
			cache_count--;
		} else {
			pp = &e->next;
		}
	}
	if (cache_count >= cache_max)
		cache_clear_locked();
	struct cache_entry *e = xcalloc(1, sizeof(*e));
	e->key = key;
	e->content_type = xstrdup(content_type ? content_type : "application/octet-stream");
	e->body = xmalloc(len + 1);
	memcpy(e->body, body, len);
	e->body[len] = '\0';
	e->len = len;
	e->generation = gen;
	e->next = cache_buckets[b];
	cache_buckets[b] = e;
	cache_count++;
	pthread_rwlock_unlock(&cache_lock);
}
