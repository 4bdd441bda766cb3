// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A small response cache for anonymous public pages. Invalidation is a generation counter:
 * a write bumps it and every older entry is stale at once, so no write path needs to know
 * which pages it affects. The key holds only the query parameters the route's handler reads
 * (learnt from http_query), and when full the cache evicts by CLOCK (an approximation of LRU):
 * a client cannot empty it with query strings of its own invention.
 *
 * Replicas of a daemon on one database share the generation through PostgreSQL: a bump also
 * sends NOTIFY PAGE_CACHE_CHANNEL (at commit when inside a transaction), and a listener thread
 * on its own connection bumps this process's generation on every such notification, its own
 * included; it never notifies, so nothing loops (docs/decisions/0004-page-cache-generation.md).
 */
#include "common/page_cache.h"

#include "common/app.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cache_entry {
	char *key;
	uint64_t hash;
	char *content_type;
	char *body;
	size_t len;
	unsigned long generation;
	atomic_bool referenced; /* served since the clock hand last passed */
	size_t slot;            /* in cache_ring */
	struct cache_entry *next;
};

#define CACHE_BUCKETS 1024

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct cache_entry *cache_buckets[CACHE_BUCKETS];
static struct cache_entry **cache_ring; /* cache_max slots, NULL when free */
static size_t cache_count, cache_max, cache_hand;
static atomic_ulong cache_generation = 1;

/*
 * The query parameters each cached route's handler has read, learnt as it runs: names are only
 * appended, so every key built from a snapshot lists them in the same order. A route whose
 * list is full (or that finds no free row) is keyed by its whole raw URI, as before.
 */
#define PARAM_ROUTES 256
#define PARAM_NAMES 16

struct route_params {
	_Atomic(const struct route *) route;
	atomic_size_t n;
	atomic_bool overflow;
	_Atomic(char *) names[PARAM_NAMES];
};

static struct route_params param_rows[PARAM_ROUTES];
static atomic_bool param_rows_full;
static pthread_mutex_t param_lock = PTHREAD_MUTEX_INITIALIZER;

unsigned long
page_cache_generation(void)
{
	return atomic_load(&cache_generation);
}

void
http_cache_bump(void)
{
	atomic_fetch_add(&cache_generation, 1);
	db_notify(PAGE_CACHE_CHANNEL);
}

/* ---- the listener: other processes' bumps ---- */

/* Without news from the database (unreachable), entries live at most this long. */
#define LISTEN_WAIT_MS 1000

static struct {
	pthread_t thread;
	int wake[2];
	atomic_bool stop;
	bool running;
} listener = {.wake = {-1, -1}};

/*
 * Reads from a standby (db_read_begin): a page is rendered there only once the standby has
 * replayed the primary's WAL up to where it was when the current generation was first asked
 * for, so that a page rendered from it is never older than the last bump (and, cached, stale
 * for good). `marked` is the generation whose primary position is `lsn`; `caught_up` the
 * generation a standby was seen to have reached.
 */
static struct {
	pthread_mutex_t lock;
	unsigned long marked;
	char *lsn;
	atomic_ulong caught_up;
} standby = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The primary's position for generation gen (malloc'd), noting it the first time. */
static char *
standby_mark(unsigned long gen)
{
	char *lsn = NULL;
	pthread_mutex_lock(&standby.lock);
	if (standby.marked == gen && standby.lsn)
		lsn = xstrdup(standby.lsn);
	pthread_mutex_unlock(&standby.lock);
	if (lsn || !(lsn = db_primary_lsn()))
		return lsn;
	pthread_mutex_lock(&standby.lock);
	if (standby.marked != gen) { /* a later mark for the same generation changes nothing */
		free(standby.lsn);
		standby.lsn = xstrdup(lsn);
		standby.marked = gen;
	}
	pthread_mutex_unlock(&standby.lock);
	return lsn;
}

bool
page_cache_read_begin(struct request *req)
{
	if (!db_read_configured() || !req->match.route ||
	    !(req->match.route->flags & ROUTE_CACHE) || req->user ||
	    (strcmp(req->method, "GET") != 0 && !req->is_head) ||
	    http_cookie(req, http_cookie_name(req, "session")))
		return false;
	unsigned long gen = atomic_load(&cache_generation);
	if (atomic_load(&standby.caught_up) == gen)
		return db_read_begin();
	char *lsn = standby_mark(gen);
	if (!lsn)
		return false;
	bool ok = db_read_begin() && db_read_replayed(lsn) == 1 && db_reading();
	free(lsn);
	if (ok)
		atomic_store(&standby.caught_up, gen);
	else
		db_read_end();
	return ok;
}

void
page_cache_read_end(void)
{
	db_read_end();
}

void
page_cache_read_configure(const char *conninfo)
{
	db_set_read_database(conninfo);
}

static void *
listener_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&listener.stop)) {
		/* 1: notified, or just (re)started listening after a gap; -1: no database, so
		 * nothing can be vouched for */
		if (db_wait_notify(PAGE_CACHE_CHANNEL, LISTEN_WAIT_MS, listener.wake[0]) != 0)
			atomic_fetch_add(&cache_generation, 1);
	}
	db_shutdown_thread();
	return NULL;
}

static void
listener_start(void)
{
	if (listener.running)
		return;
	if (pipe(listener.wake) < 0) {
		log_warn("page cache: no pipe for the listener; other replicas' writes will not "
			 "invalidate this one's pages");
		return;
	}
	atomic_store(&listener.stop, false);
	if (pthread_create(&listener.thread, NULL, listener_main, NULL) != 0) {
		close(listener.wake[0]);
		close(listener.wake[1]);
		listener.wake[0] = listener.wake[1] = -1;
		log_warn("page cache: could not start the listener thread");
		return;
	}
	listener.running = true;
}

static void
listener_stop(void)
{
	if (!listener.running)
		return;
	atomic_store(&listener.stop, true);
	ssize_t w = write(listener.wake[1], "x", 1);
	(void)w;
	pthread_join(listener.thread, NULL);
	close(listener.wake[0]);
	close(listener.wake[1]);
	listener.wake[0] = listener.wake[1] = -1;
	listener.running = false;
}

void
page_cache_init(size_t max_entries)
{
	pthread_rwlock_wrlock(&cache_lock);
	free(cache_ring);
	cache_max = max_entries;
	cache_ring = max_entries ? xcalloc(max_entries, sizeof(*cache_ring)) : NULL;
	cache_hand = 0;
	pthread_rwlock_unlock(&cache_lock);
	listener_start();
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
	if (cache_ring)
		memset(cache_ring, 0, cache_max * sizeof(*cache_ring));
	cache_count = 0;
}

void
page_cache_free(void)
{
	listener_stop();
	pthread_mutex_lock(&standby.lock);
	free(standby.lsn);
	standby.lsn = NULL;
	standby.marked = 0;
	pthread_mutex_unlock(&standby.lock);
	pthread_rwlock_wrlock(&cache_lock);
	cache_clear_locked();
	free(cache_ring);
	cache_ring = NULL;
	cache_max = 0;
	pthread_rwlock_unlock(&cache_lock);
	pthread_mutex_lock(&param_lock);
	for (size_t i = 0; i < PARAM_ROUTES; i++) {
		struct route_params *p = &param_rows[i];
		for (size_t j = 0; j < PARAM_NAMES; j++)
			free(atomic_exchange(&p->names[j], NULL));
		atomic_store(&p->n, 0);
		atomic_store(&p->overflow, false);
		atomic_store(&p->route, NULL);
	}
	atomic_store(&param_rows_full, false);
	pthread_mutex_unlock(&param_lock);
}

/* ---- the query parameters a route reads ---- */

static size_t
route_row_start(const struct route *route)
{
	return (size_t)(((uintptr_t)route >> 4) % PARAM_ROUTES);
}

/* The row of route, or NULL when it has none yet. */
static struct route_params *
route_params_find(const struct route *route)
{
	size_t start = route_row_start(route);
	for (size_t i = 0; i < PARAM_ROUTES; i++) {
		struct route_params *p = &param_rows[(start + i) % PARAM_ROUTES];
		const struct route *r = atomic_load(&p->route);
		if (r == route)
			return p;
		if (!r)
			return NULL;
	}
	return NULL;
}

static bool
route_params_has(struct route_params *p, const char *name)
{
	size_t n = atomic_load(&p->n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(atomic_load(&p->names[i]), name) == 0)
			return true;
	return false;
}

void
page_cache_note_query(const struct route *route, const char *name)
{
	if (!route || !(route->flags & ROUTE_CACHE) || !cache_max)
		return;
	struct route_params *p = route_params_find(route);
	if (p && (route_params_has(p, name) || atomic_load(&p->overflow)))
		return;
	pthread_mutex_lock(&param_lock);
	if (!p) {
		size_t start = route_row_start(route);
		for (size_t i = 0; i < PARAM_ROUTES && !p; i++) {
			struct route_params *row = &param_rows[(start + i) % PARAM_ROUTES];
			const struct route *r = atomic_load(&row->route);
			if (r == route || !r) {
				p = row;
				atomic_store(&row->route, route);
			}
		}
		if (!p)
			atomic_store(&param_rows_full, true);
	}
	if (p && !route_params_has(p, name)) {
		size_t n = atomic_load(&p->n);
		if (n == PARAM_NAMES) {
			atomic_store(&p->overflow, true);
		} else {
			atomic_store(&p->names[n], xstrdup(name));
			atomic_store(&p->n, n + 1); /* published after its name */
		}
	}
	pthread_mutex_unlock(&param_lock);
}

/* ---- entries ---- */

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

/*
 * language | JSON twin (1) or Atom twin (2) | decoded path, then each parameter the route reads
 * that the request has, as "&name=length:value" (so that no value can pass for another parameter).
 */
static char *
cache_key(struct request *req)
{
	const struct route *route = req->match.route;
	struct route_params *p = atomic_load(&param_rows_full) ? NULL : route_params_find(route);
	struct strbuf sb = STRBUF_INIT;
	if (atomic_load(&param_rows_full) || (p && atomic_load(&p->overflow))) {
		strbuf_addf(&sb, "%s|%d|%s", req->lang, req->want_json | req->want_atom << 1,
			    req->raw_uri);
		return strbuf_detach(&sb, NULL);
	}
	strbuf_addf(&sb, "%s|%d|%s?", req->lang, req->want_json | req->want_atom << 1, req->path);
	size_t n = p ? atomic_load(&p->n) : 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = atomic_load(&p->names[i]);
		const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
		if (v)
			strbuf_addf(&sb, "&%s=%zu:%s", name, strlen(v), v);
	}
	return strbuf_detach(&sb, NULL);
}

/* The client asks for a fresh page ("Cache-Control: no-cache", a browser's hard reload, or
 * "Pragma: no-cache"): it is rendered, and stored for the others. */
static bool
wants_fresh(struct request *req)
{
	const char *cc = http_header(req, "Cache-Control");
	const char *pragma = http_header(req, "Pragma");
	return (cc && strstr(cc, "no-cache")) || (pragma && strstr(pragma, "no-cache"));
}

bool
page_cache_lookup(struct request *req)
{
	if (!is_cacheable(req))
		return false;
	if (wants_fresh(req)) {
		req->cache_generation = atomic_load(&cache_generation);
		return false;
	}
	char *key = cache_key(req);
	uint64_t h = hash_key(key);
	unsigned long gen = atomic_load(&cache_generation);
	bool hit = false;
	pthread_rwlock_rdlock(&cache_lock);
	for (struct cache_entry *e = cache_buckets[h % CACHE_BUCKETS]; e; e = e->next)
		if (e->generation == gen && e->hash == h && strcmp(e->key, key) == 0) {
			atomic_store_explicit(&e->referenced, true, memory_order_relaxed);
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

/* Take e out of its bucket and its slot, and free it (write lock held). */
static void
entry_remove_locked(struct cache_entry *e)
{
	struct cache_entry **pp = &cache_buckets[e->hash % CACHE_BUCKETS];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	cache_ring[e->slot] = NULL;
	cache_count--;
	entry_free(e);
}

/*
 * A free slot for a new entry (write lock held): the hand goes round, taking the first free
 * slot or evicting the first entry that is stale or was not served since the hand last
 * passed (and clearing the mark of those that were). At most two turns.
 */
static size_t
clock_victim_locked(unsigned long gen)
{
	for (;;) {
		size_t slot = cache_hand;
		cache_hand = (cache_hand + 1) % cache_max;
		struct cache_entry *e = cache_ring[slot];
		if (!e)
			return slot;
		if (e->generation == gen &&
		    atomic_exchange_explicit(&e->referenced, false, memory_order_relaxed))
			continue;
		entry_remove_locked(e);
		return slot;
	}
}

void
page_cache_put(struct request *req, const char *content_type, const char *body, size_t len)
{
	unsigned long gen = req->cache_generation;
	/* rendered before a write: stale already */
	if (!gen || gen != atomic_load(&cache_generation) || !is_cacheable(req))
		return;
	char *key = cache_key(req);
	uint64_t h = hash_key(key);
	pthread_rwlock_wrlock(&cache_lock);
	if (!cache_ring) {
		pthread_rwlock_unlock(&cache_lock);
		free(key);
		return;
	}
	/* the same key, and the bucket's stale entries, go first */
	struct cache_entry *e = cache_buckets[h % CACHE_BUCKETS];
	while (e) {
		struct cache_entry *next = e->next;
		if ((e->hash == h && strcmp(e->key, key) == 0) || e->generation != gen)
			entry_remove_locked(e);
		e = next;
	}
	size_t slot = clock_victim_locked(gen);
	e = xcalloc(1, sizeof(*e));
	e->key = key;
	e->hash = h;
	e->content_type = xstrdup(content_type ? content_type : "application/octet-stream");
	e->body = xmalloc(len + 1);
	memcpy(e->body, body, len);
	e->body[len] = '\0';
	e->len = len;
	e->generation = gen;
	atomic_init(&e->referenced, false);
	e->slot = slot;
	e->next = cache_buckets[h % CACHE_BUCKETS];
	cache_buckets[h % CACHE_BUCKETS] = e;
	cache_ring[slot] = e;
	cache_count++;
	pthread_rwlock_unlock(&cache_lock);
}
