// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PAGE_CACHE_H
#define COMMON_PAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The anonymous page cache: responses of ROUTE_CACHE routes to GET requests without a session,
 * keyed by path, language, format and the query parameters the route's handler reads (other
 * parameters are left out), valid until the next http_cache_bump() (every write that public
 * pages show bumps it). When full, the entries served least recently go first (CLOCK).
 * Used by http.c only.
 */
struct request;
struct route;

/* The channel of the bumps: replicas on one database invalidate each other's pages. */
#define PAGE_CACHE_CHANNEL "page_cache"

/* Size the cache (0: off) and start the thread that LISTENs for every process's bumps. */
void page_cache_init(size_t max_entries);
/* Stop that thread and drop every entry (before db_shutdown). */
void page_cache_free(void);
/* The write generation: it changes with every write that public pages show (http_cache_bump),
 * here, in another process (a replica, a CLI command) or from the peer, and whenever the
 * listener lost the database. Other derived data may key its own caches on it. */
unsigned long page_cache_generation(void);
/*
 * Before the handler of req: when a read database is configured (BALADIYA_READ_DATABASE_URL)
 * and req is an anonymous GET of a ROUTE_CACHE page, and that database has replayed every
 * write the current generation stands for, send this thread's statements there
 * (db_read_begin) and return true; the caller then calls page_cache_read_end(). Otherwise
 * false: the primary answers.
 */
bool page_cache_read_begin(struct request *req);
void page_cache_read_end(void);
/* The read database's connection string (NULL or "": none), before serving. */
void page_cache_read_configure(const char *conninfo);
/* When req may be answered from the cache and is, reply (http_send) and return true. A request
 * with "Cache-Control: no-cache" (or "Pragma: no-cache") is rendered, and its page stored. */
bool page_cache_lookup(struct request *req);
/* Record that route's handler reads query parameter name (http_query calls it): from then
 * on, its value is part of the route's keys. */
void page_cache_note_query(const struct route *route, const char *name);
/* Offer a 200 response about to be sent (copied when req is cacheable). */
void page_cache_put(struct request *req, const char *content_type, const char *body, size_t len);

#endif
