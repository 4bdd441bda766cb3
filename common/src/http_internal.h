// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_HTTP_INTERNAL_H
#define COMMON_HTTP_INTERNAL_H

/*
 * Steps of a request's first call in http.c, visible for the fuzz targets (tests/fuzz) and
 * nobody else.
 */
#include "common/http.h"

/* Whether the raw URI (as received, query included) has no %00 in its path. */
bool raw_path_is_safe(const char *raw);

/*
 * The route of req->path and req->method in req->app's table, the twins first ("<path>.json"
 * of a ROUTE_JSON_TWIN route, "<path>.atom" of a ROUTE_ATOM_TWIN one: then req->path loses the
 * suffix and req->want_json or req->want_atom is set); fills req->match. On ROUTER_WRONG_METHOD,
 * allow holds the methods the path takes.
 */
enum router_result match_route(struct request *req, struct strbuf *allow);

/* The feeds the page advertises, [{title, href}], for the layout's <head> (atom_page.c). */
json_t *feed_links_view(struct request *req);

#endif
