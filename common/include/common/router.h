// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_ROUTER_H
#define COMMON_ROUTER_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * The route table: each daemon has exactly one, an array of struct route: the base's rows
 * and its modules' (app.c).
 * Patterns are literal segments, "{name}" (one non-empty segment) and a final "*" (the rest of
 * the path, possibly with slashes, never empty).
 */
struct request;
typedef void (*route_handler)(struct request *req);

enum route_flags {
	ROUTE_JSON_TWIN = 1 << 0, /* also answers "<path>.json" and Accept: application/json */
	ROUTE_CACHE = 1 << 1,     /* anonymous responses may be cached until the next write */
	ROUTE_STAFF = 1 << 2,     /* needs a signed-in account (role checked by the handler) */
	ROUTE_RAW_BODY = 1 << 3,  /* body kept as raw bytes: no form parsing, no CSRF check */
	ROUTE_API = 1 << 4,       /* machine endpoint: every answer, errors included, is JSON */
	ROUTE_SECRET = 1 << 6,    /* its {params} are secrets (tracking tokens): logs show the
				     route's pattern, never the path */
	ROUTE_HEAVY = 1 << 7,     /* CPU-heavy handler (image decoding, password hashing): runs on
				     the bounded work queue (common/workq.h); 503 server_busy when
				     it is full */
	ROUTE_ATOM_TWIN = 1 << 8, /* also answers "<path>.atom": the list's Atom feed, with
				     req->want_atom set (common/atom.h) */
};

struct route {
	const char *method; /* "GET" (also answers HEAD), "POST" */
	const char *pattern;
	route_handler handler;
	unsigned flags;
	size_t max_body;  /* bytes; 0: the configured default */
	const char *name; /* stable name for logs and links */
	/* the shape of this route's errors when a standard prescribes one (Open311); NULL: ours,
	 * {"error": {"code", "message"}} or the error page. message is already localized. */
	void (*error)(struct request *req, unsigned http_status, const char *code,
		      const char *message);
};

#define ROUTER_MAX_PARAMS 4

struct route_match {
	const struct route *route;
	size_t nparams;
	const char *names[ROUTER_MAX_PARAMS]; /* point into the pattern (not NUL-terminated) */
	size_t name_lens[ROUTER_MAX_PARAMS];
	const char *values[ROUTER_MAX_PARAMS]; /* point into path */
	size_t value_lens[ROUTER_MAX_PARAMS];
};

enum router_result { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_WRONG_METHOD };

/*
 * Find the route for method and path. On ROUTER_WRONG_METHOD, m->route is the first route of
 * that path (for its flags) and the methods that the path does accept are appended to allow as
 * "GET, HEAD, POST" (when allow is not NULL). On ROUTER_NOT_FOUND, m->route is NULL.
 */
enum router_result router_match(const struct route *routes, size_t n, const char *method,
				const char *path, struct route_match *m, struct strbuf *allow);

#endif
