// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_HTTP_H
#define COMMON_HTTP_H

#include "common/arena.h"
#include "common/router.h"
#include "common/status.h"
#include "common/strbuf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct template_rows; /* common/template.h */

/*
 * HTTP on libmicrohttpd: a thread pool, the server's one route table, request bodies capped per
 * route (413 past the cap), forms (urlencoded and multipart), cookies, content negotiation
 * (".json" suffix or Accept: application/json gives a page's JSON twin), security headers on
 * every response, and graceful shutdown. A handler answers with exactly one of the http_reply
 * functions below; everything it allocates lives in req->arena.
 */
struct app;
struct user;

struct upload {
	const char *field;
	const char *filename;     /* as sent by the client: never trust it for paths */
	const char *content_type; /* as sent by the client: check the bytes instead */
	struct strbuf data;
	struct upload *next;
};

struct request {
	struct app *app;
	struct arena *arena;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;     /* decoded, valid UTF-8, without the ".json" or ".atom" suffix */
	const char *log_path; /* what log lines show: path, or a ROUTE_SECRET route's pattern */
	bool want_json;
	bool want_atom; /* "<path>.atom" of a ROUTE_ATOM_TWIN route: the list's feed (atom.h) */
	bool is_head;
	const char *lang; /* chosen language, e.g. "ar" */
	bool rtl;
	json_t *t; /* the message catalog for lang (borrowed) */
	struct route_match match;
	struct strbuf body; /* raw request body (ROUTE_RAW_BODY routes only) */
	size_t body_limit;
	bool body_too_large;
	json_t *form;           /* field -> string (first value wins), for form bodies */
	struct upload *uploads; /* files from multipart bodies */
	struct user *user;      /* signed-in account, or NULL */
	bool session_unknown;   /* a session cookie the database could not check */
	const char *csrf;       /* the CSRF token to put in forms */
	char id[17];            /* request id, also in every log line of this request */

	/* receiving (http.c) */
	size_t body_received;
	size_t body_reserved;          /* of the daemon's body memory (BALADIYA_BODY_MEMORY_MIB) */
	struct form_state *form_state; /* a form body being parsed as it arrives */
	bool linger;                   /* answered before its body: drain it after the answer */
	size_t linger_bytes;           /* what the client may still send */
	bool deferred;                 /* ROUTE_HEAVY: the work queue answers */

	double started_ms;
	const char *raw_uri; /* as received, with the query string */
	/* the response */
	struct http_header_list *headers; /* pending response headers */
	struct MHD_Response *response;
	unsigned status;
	size_t response_len;
	bool set_cookie;                /* responses that set cookies are never cached */
	unsigned long cache_generation; /* the page cache generation seen before rendering */
	struct feed_link *feed_links;   /* the feeds the page advertises (atom.h) */
};

/* The value of route parameter name (arena copy), or NULL. */
const char *http_param(struct request *req, const char *name);
/* The query-string argument, or NULL. */
const char *http_query(struct request *req, const char *name);
/* A form field (trimmed of nothing; may be ""), or NULL when absent. */
const char *http_form(struct request *req, const char *name);
/* The same, NULL also when the value is empty (a form's "all" choice, a field left blank). */
const char *http_query_value(struct request *req, const char *name);
const char *http_form_value(struct request *req, const char *name);
const char *http_header(struct request *req, const char *name);
const char *http_cookie(struct request *req, const char *name);
/* The first uploaded file of field, or NULL. */
const struct upload *http_upload(struct request *req, const char *field);

/* Response headers and cookies, before the reply call. */
void http_add_header(struct request *req, const char *name, const char *value);
/* Set-Cookie with HttpOnly, SameSite=Lax, Path=/ and (when configured) Secure;
 * max_age_s < 0 deletes it. name should carry the "__Host-" prefix itself when Secure. */
void http_set_cookie(struct request *req, const char *name, const char *value, long max_age_s);
/* The cookie name with "__Host-" prepended when secure cookies are on (arena string). */
const char *http_cookie_name(struct request *req, const char *base);

/*
 * Replies. view is stolen. For HTML, template is rendered with view merged into the layout
 * context (site, t, lang, dir, user, csrf...); for the JSON twin, view itself is sent.
 */
void http_render(struct request *req, unsigned code, const char *template, json_t *view);
/* http_render with rows (template.h) beside view: the template reads them as it renders; the
 * JSON twin is view with each list of rows as an array under its name, first
 * (template_rows_json). */
void http_render_rows(struct request *req, unsigned code, const char *template, json_t *view,
		      const struct template_rows *rows);
void http_json(struct request *req, unsigned code, json_t *body);
/* An error page or {"error":{"code","message"}}; message is looked up as t["error_<code>"],
 * falling back to the given English text. Logged once as a warning (4xx) or error (5xx). */
void http_error(struct request *req, enum status st, const char *code, const char *message);
/* 303 See Other to a local path. */
void http_redirect(struct request *req, const char *location);
/* Raw bytes (copied). */
void http_send(struct request *req, unsigned code, const char *content_type, const void *body,
	       size_t len);
/* Take ownership of a malloc'd buffer. */
void http_send_owned(struct request *req, unsigned code, const char *content_type, char *body,
		     size_t len);

/* The CSRF token for a form on this page (sets its cookie when the browser has none). */
const char *http_csrf(struct request *req);

/* Parse req->body as urlencoded or multipart into req->form and req->uploads. On failure it
 * replies (400 invalid_form / invalid_utf8, 415) and returns that status. (http.c calls it.) */
enum status http_parse_form(struct request *req);

/* Invalidate every cached page, in this process and (by a NOTIFY, at commit when inside a
 * transaction) in every process on the database: call after any write that public pages show. */
void http_cache_bump(void);

/*
 * The Content-Security-Policy for cfg (malloc'd; the caller frees it): script and style from
 * 'self' only; img-src 'self' data: plus the origins of BALADIYA_MAP_TILES (a "{s}." subdomain
 * placeholder becomes "*.") and BALADIYA_PEER_URL. NULL (logged) when either is not an
 * http(s) URL (the tiles may also be a local "/..." path). http_start() builds it once.
 */
struct app_config;
char *http_csp_build(const struct app_config *cfg);

/*
 * A socket listening on cfg's address (bind, port), or -1 (logged). app_main takes it before
 * anything else happens, so that a daemon that cannot have its port fails before it signs,
 * sends or runs a job.
 */
int http_listen(const struct app_config *cfg);
/* Start serving app on listen_fd (from http_listen, owned from here on); NULL on failure
 * (logged). */
struct http_server *http_start(struct app *app, int listen_fd);
/* Stop accepting, let in-flight requests finish (up to timeout_ms), stop and free. */
void http_stop(struct http_server *srv, long timeout_ms);

#endif
