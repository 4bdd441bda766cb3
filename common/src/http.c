// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * HTTP on libmicrohttpd: request lifecycle (arena per request; route, session, staff rights and
 * CSRF cookie checked on the headers, before any body is read; body capped per route and parsed
 * as it arrives; dispatch through the server's one route table, CPU-heavy routes on the bounded
 * work queue), replies with security headers, content negotiation between a page and its JSON
 * twin, connection limits, and graceful shutdown.
 */
#include "common/http.h"

#include "form.h"
#include "linger.h"
#include "tarpit.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/html.h"
#include "common/i18n.h"
#include "common/json_text.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_cache.h"
#include "common/static_files.h"
#include "common/template.h"
#include "common/workq.h"
#include "common/xalloc.h"
#include "http_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <openssl/rand.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The queue page handlers run on (workq.h), while serving. */
static struct workq *pages_queue;

struct http_server {
	struct MHD_Daemon *daemon;
	struct app *app;
	atomic_long inflight;
};

/* Seconds a client is asked to wait (Retry-After) when the work queue or body memory is full. */
#define HTTP_RETRY_AFTER_S "5"

/* A small request refused because the work queue is full waits this long for its 503, so that
 * a client asking again at once cannot send thousands a second (tarpit.h). */
#define HTTP_BUSY_DELAY_MS 1000

/* A CPU-heavy request announcing more than this is refused on its headers when the work queue
 * is full (a smaller one is read first, so that its connection stays open). */
#define HTTP_EARLY_BUSY_MIN ((unsigned long long)64 << 10)

/* Past the route's limit, a body without Content-Length is discarded up to this, then the
 * connection is closed. */
#define HTTP_DISCARD_MAX ((size_t)32 << 20)

/* Bytes of request bodies the daemon has agreed to hold at once (BALADIYA_BODY_MEMORY_MIB). */
static atomic_size_t body_bytes_held;
static size_t body_bytes_max;

/*
 * The Content-Security-Policy, built once by http_start() from the configuration (images may
 * also come from the map's tile server and from the peer, where a mirror redirects photos);
 * the fallback is for responses made before that, and has no outside origin at all.
 */
static const char csp_fallback[] =
	"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
static char *security_csp;

/*
 * Append the origin of url ("scheme://host[:port]") to sb, preceded by a space. A relative url
 * ("/...") adds nothing ('self' covers it). A Leaflet subdomain placeholder "{s}." becomes a
 * "*." wildcard. Returns -1 for anything else: another scheme, or characters that do not
 * belong in a host (they could end the directive).
 */
static int
csp_add_origin(struct strbuf *sb, const char *url)
{
	if (!url || !*url || url[0] == '/')
		return url && url[0] == '/' && url[1] == '/' ? -1 : 0;
	size_t scheme_len;
	if (strncmp(url, "https://", 8) == 0)
		scheme_len = 8;
	else if (strncmp(url, "http://", 7) == 0)
		scheme_len = 7;
	else
		return -1;
	const char *host = url + scheme_len;
	size_t host_len = strcspn(host, "/?#");
	if (host_len == 0)
		return -1;
	struct strbuf h = STRBUF_INIT;
	strbuf_add(&h, host, host_len);
	int rc = 0;
	if (strncmp(h.buf, "{s}.", 4) == 0) {
		h.buf[0] = '*';
		memmove(h.buf + 1, h.buf + 3, h.len - 2); /* "*." and the rest with its NUL */
		h.len -= 2;
	}
	for (size_t i = 0; i < h.len; i++) {
		char c = h.buf[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
			  (c == '*' && i == 0);
		if (!ok)
			rc = -1;
	}
	if (rc == 0)
		strbuf_addf(sb, " %.*s%s", (int)scheme_len, url, h.buf);
	strbuf_release(&h);
	return rc;
}

char *
http_csp_build(const struct app_config *cfg)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "default-src 'self'; img-src 'self' data:");
	if (csp_add_origin(&sb, cfg->map_tiles) < 0) {
		log_error("BALADIYA_MAP_TILES \"%s\" is not an http(s) URL or a local path",
			  cfg->map_tiles);
		goto fail;
	}
	if (csp_add_origin(&sb, cfg->peer_url) < 0) {
		log_error("BALADIYA_PEER_URL \"%s\" is not an http(s) URL", cfg->peer_url);
		goto fail;
	}
	strbuf_addstr(&sb, "; style-src 'self'; script-src 'self'; object-src 'none'; "
			   "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	return strbuf_detach(&sb, NULL);
fail:
	strbuf_release(&sb);
	return NULL;
}

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- request accessors ---- */

const char *
http_param(struct request *req, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < req->match.nparams; i++)
		if (req->match.name_lens[i] == len && memcmp(req->match.names[i], name, len) == 0)
			return arena_strndup(req->arena, req->match.values[i],
					     req->match.value_lens[i]);
	return NULL;
}

const char *
http_query(struct request *req, const char *name)
{
	/* what the handler reads is what its cached pages depend on */
	if (req->match.route && (req->match.route->flags & ROUTE_CACHE))
		page_cache_note_query(req->match.route, name);
	const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
	return v && utf8_is_valid(v, strlen(v)) ? v : NULL;
}

const char *
http_form(struct request *req, const char *name)
{
	return req->form ? json_string_value(json_object_get(req->form, name)) : NULL;
}

const char *
http_query_value(struct request *req, const char *name)
{
	const char *v = http_query(req, name);
	return v && *v ? v : NULL;
}

const char *
http_form_value(struct request *req, const char *name)
{
	const char *v = http_form(req, name);
	return v && *v ? v : NULL;
}

const char *
http_header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_cookie(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const struct upload *
http_upload(struct request *req, const char *field)
{
	for (struct upload *u = req->uploads; u; u = u->next)
		if (strcmp(u->field, field) == 0)
			return u;
	return NULL;
}

/* ---- response headers ---- */

struct http_header_list {
	const char *name, *value;
	struct http_header_list *next;
};

void
http_add_header(struct request *req, const char *name, const char *value)
{
	struct http_header_list *h = arena_alloc(req->arena, sizeof(*h));
	h->name = arena_strdup(req->arena, name);
	h->value = arena_strdup(req->arena, value);
	h->next = req->headers;
	req->headers = h;
}

const char *
http_cookie_name(struct request *req, const char *base)
{
	return req->app->cfg.secure_cookies ? arena_printf(req->arena, "__Host-%s", base) : base;
}

void
http_set_cookie(struct request *req, const char *name, const char *value, long max_age_s)
{
	char *v = arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=%ld",
			       name, max_age_s < 0 ? "" : value,
			       req->app->cfg.secure_cookies ? "; Secure" : "",
			       max_age_s < 0 ? 0 : max_age_s);
	http_add_header(req, "Set-Cookie", v);
	req->set_cookie = true;
}

/* name: value, unless the handler set name itself (a private page's Referrer-Policy). */
static void
add_default(struct MHD_Response *r, const char *name, const char *value)
{
	if (!MHD_get_response_header(r, name))
		MHD_add_response_header(r, name, value);
}

/* After the handler's own headers, which take precedence. */
static void
add_security_headers(struct MHD_Response *r)
{
	add_default(r, "Content-Security-Policy", security_csp ? security_csp : csp_fallback);
	add_default(r, "X-Content-Type-Options", "nosniff");
	add_default(r, "Referrer-Policy", "same-origin");
	add_default(r, "X-Frame-Options", "DENY");
	add_default(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)");
	add_default(r, "Cross-Origin-Opener-Policy", "same-origin");
}

/* ---- replies ---- */

void
http_send_owned(struct request *req, unsigned code, const char *content_type, char *body,
		size_t len)
{
	if (req->response) {
		log_error("handler replied twice to %s %s", req->method, req->log_path);
		free(body);
		return;
	}
	if (code == 200 && !req->set_cookie && !req->user)
		page_cache_put(req, content_type, body, len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	if (req->match.route && (req->match.route->flags & ROUTE_JSON_TWIN))
		MHD_add_response_header(r, "Vary", "Accept, Accept-Language, Cookie");
	for (struct http_header_list *h = req->headers; h; h = h->next)
		MHD_add_response_header(r, h->name, h->value);
	add_security_headers(r);
	if (!MHD_get_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
					req->user ? "private, no-store" : "no-cache");
	req->response = r;
	req->status = code;
	req->response_len = len;
}

void
http_send(struct request *req, unsigned code, const char *content_type, const void *body,
	  size_t len)
{
	char *copy = xmalloc(len + 1);
	memcpy(copy, body, len);
	copy[len] = '\0';
	http_send_owned(req, code, content_type, copy, len);
}

void
http_json(struct request *req, unsigned code, json_t *body)
{
	struct strbuf out = STRBUF_INIT;
	json_text_add(&out, body);
	json_decref(body);
	size_t len;
	char *s = strbuf_detach(&out, &len);
	http_send_owned(req, code, "application/json; charset=utf-8", s, len);
}

/*
 * req->path for a link on the page: every run of '/' and '\\' becomes one '/' and each segment
 * is percent-encoded, so that no requested path ("//evil.example/x", "/\\evil.example") turns
 * into a link to another site. Arena string.
 */
static const char *
link_path(struct request *req)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf seg = STRBUF_INIT;
	const char *p = req->path ? req->path : "/";
	strbuf_addch(&sb, '/');
	while (*p) {
		size_t n = strcspn(p, "/\\");
		if (n) {
			strbuf_reset(&seg);
			strbuf_add(&seg, p, n);
			strbuf_addurlenc(&sb, seg.buf);
			p += n;
		}
		if (*p) {
			while (*p == '/' || *p == '\\')
				p++;
			if (sb.buf[sb.len - 1] != '/')
				strbuf_addch(&sb, '/');
		}
	}
	const char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&seg);
	strbuf_release(&sb);
	return out;
}

static json_t *
layout_context(struct request *req, json_t *view)
{
	struct app *app = req->app;
	json_t *ctx = json_object();
	json_object_update(ctx, view);
	json_object_set_new(ctx, "lang", json_string(req->lang));
	json_object_set_new(ctx, "dir", json_string(req->rtl ? "rtl" : "ltr"));
	json_object_set_new(ctx, "side", json_string(app->side));
	json_object_set_new(ctx, "is_official", json_boolean(strcmp(app->side, "official") == 0));
	json_object_set(ctx, "t", req->t);
	json_object_set(ctx, "site", json_object_get(app->site_by_lang, req->lang));
	const char *here = link_path(req);
	json_object_set_new(ctx, "request_path", json_string(here));
	if (req->match.route && (req->match.route->flags & ROUTE_JSON_TWIN))
		json_object_set_new(ctx, "json_url",
				    json_string(arena_printf(req->arena, "%s.json", here)));
	if (req->feed_links)
		json_object_set_new(ctx, "feeds", feed_links_view(req));
	json_t *langs = json_array();
	json_t *enabled = i18n_languages(app->i18n);
	size_t i;
	json_t *l;
	json_array_foreach(enabled, i, l)
	{
		json_t *e = json_deep_copy(l);
		const char *code = json_string_value(json_object_get(l, "code"));
		json_object_set_new(e, "current", json_boolean(strcmp(code, req->lang) == 0));
		json_object_set_new(
			e, "href", json_string(arena_printf(req->arena, "%s?lang=%s", here, code)));
		json_array_append_new(langs, e);
	}
	json_object_set_new(ctx, "languages", langs);
	if (req->user) {
		json_object_set_new(ctx, "user",
				    json_pack("{s:s, s:s, s:b}", "username", req->user->username,
					      "role", req->user->role, "is_admin",
					      strcmp(req->user->role, app->roles[0]) == 0));
	}
	if (req->csrf)
		json_object_set_new(ctx, "csrf", json_string(req->csrf));
	return ctx;
}

void
http_render(struct request *req, unsigned code, const char *template, json_t *view)
{
	http_render_rows(req, code, template, view, NULL);
}

void
http_render_rows(struct request *req, unsigned code, const char *template, json_t *view,
		 const struct template_rows *rows)
{
	if (req->want_json) {
		if (rows) { /* first, where a list's view has its items */
			json_t *o = json_object();
			for (const struct template_rows *l = rows; l; l = l->next)
				json_object_set_new(o, l->name, template_rows_json(l));
			json_object_update(o, view);
			json_decref(view);
			view = o;
		}
		http_json(req, code, view);
		return;
	}
	if (req->want_atom) { /* a list that does not answer its feed (atom.h): no page there */
		json_decref(view);
		http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
		return;
	}
	if (req->user && !req->csrf)
		http_csrf(req); /* the header's sign-out form needs it */
	json_t *ctx = layout_context(req, view);
	json_decref(view);
	struct strbuf out = STRBUF_INIT;
	int rc = template_render_rows(req->app->templates, template, ctx, rows, &out);
	json_decref(ctx);
	if (rc < 0) {
		strbuf_release(&out);
		http_error(req, STATUS_INTERNAL, "template_error", "could not render the page");
		return;
	}
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, code, "text/html; charset=utf-8", body, len);
}

/* http_error without its log line. */
static void
error_reply(struct request *req, enum status st, const char *code, const char *message)
{
	unsigned http = status_http(st);
	const char *key = arena_printf(req->arena, "error_%s", code);
	const char *localized = req->t ? json_string_value(json_object_get(req->t, key)) : NULL;
	if (localized)
		message = localized;
	if (req->match.route && req->match.route->error) {
		req->match.route->error(req, http, code, message);
		return;
	}
	json_t *err = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
	if (req->want_json || !req->t) {
		http_json(req, http, err);
		return;
	}
	json_object_set_new(err, "status", json_integer(http));
	req->want_atom = false; /* a list's feed that fails answers the error page */
	http_render(req, http, "error", err);
}

void
http_error(struct request *req, enum status st, const char *code, const char *message)
{
	unsigned http = status_http(st);
	if (http >= 500)
		log_error("%s %s failed: %s (%s)", req->method, req->log_path, code, message);
	else
		log_warn("%s %s rejected: %s (%s)", req->method, req->log_path, code, message);
	error_reply(req, st, code, message);
}

void
http_redirect(struct request *req, const char *location)
{
	http_add_header(req, "Location", location);
	http_send(req, 303, "text/plain; charset=utf-8", "", 0);
}

const char *
http_csrf(struct request *req)
{
	if (req->csrf)
		return req->csrf;
	const char *name = http_cookie_name(req, "csrf");
	const char *have = http_cookie(req, name);
	if (have && strlen(have) == 64 && strspn(have, "0123456789abcdef") == 64) {
		req->csrf = arena_strdup(req->arena, have);
	} else {
		char *tok = arena_alloc(req->arena, 65);
		random_hex(tok, 32);
		req->csrf = tok;
		http_set_cookie(req, name, tok, 60L * 60 * 24 * 7);
	}
	return req->csrf;
}

/* ---- lifecycle ---- */

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	atomic_fetch_add(&srv->inflight, 1);
	struct arena *a = arena_new();
	struct request *req = arena_alloc(a, sizeof(*req));
	req->arena = a;
	req->app = srv->app;
	req->conn = conn;
	req->started_ms = now_ms();
	req->body = (struct strbuf)STRBUF_INIT;
	unsigned char rnd[8];
	RAND_bytes(rnd, sizeof(rnd));
	for (int i = 0; i < 8; i++)
		snprintf(req->id + 2 * i, 3, "%02x", rnd[i]);
	/* the raw URI: NUL bytes smuggled as %00 are refused later */
	req->raw_uri = arena_strdup(a, uri);
	req->path = req->raw_uri;
	req->log_path = req->path;
	return req;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct request *req = *req_cls;
	if (!req)
		return;
	log_set_request_id(req->id);
	log_access(req->method ? req->method : "-", req->log_path, req->status, req->response_len,
		   now_ms() - req->started_ms);
	log_set_request_id(NULL);
	if (req->linger && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		/* answered before its body: libmicrohttpd closes now, with the body unread */
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci)
			linger_add(ci->connect_fd, req->linger_bytes);
	}
	/* an answer made but never queued: the connection closed (or the daemon stopped) between
	 * the handler's worker resuming it and the HTTP thread taking it back */
	if (req->response)
		MHD_destroy_response(req->response);
	form_abort(req);
	if (req->body_reserved)
		atomic_fetch_sub(&body_bytes_held, req->body_reserved);
	strbuf_release(&req->body);
	for (struct upload *u = req->uploads; u; u = u->next)
		strbuf_release(&u->data);
	json_decref(req->form);
	if (req->user)
		user_free(req->user);
	arena_free(req->arena);
	*req_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

static bool
want_json_from_accept(const char *accept)
{
	if (!accept)
		return false;
	/* the first listed type decides: browsers list text/html first */
	size_t n = strcspn(accept, ",;");
	return n == 16 && strncasecmp(accept, "application/json", 16) == 0;
}

bool
raw_path_is_safe(const char *raw)
{
	for (const char *p = raw; *p && *p != '?'; p++)
		if (p[0] == '%' && p[1] == '0' && p[2] == '0')
			return false;
	return true;
}

static void
choose_language(struct request *req)
{
	struct app *app = req->app;
	const char *q = http_query(req, "lang");
	const char *cookie = http_cookie(req, "lang");
	req->lang = i18n_choose(app->i18n, q, cookie, http_header(req, "Accept-Language"));
	/* a feed's address carries its language and readers keep no cookie: none is set, so
	 * that the page cache keeps the feed (a response setting a cookie is never cached) */
	size_t n = strlen(req->path);
	bool feed = (n > 5 && strcmp(req->path + n - 5, ".atom") == 0) ||
		    (n > 4 && strcmp(req->path + n - 4, ".rss") == 0);
	if (q && !feed && i18n_is_enabled(app->i18n, q) && (!cookie || strcmp(cookie, q) != 0)) {
		char *v = arena_printf(
			req->arena, "lang=%s; Path=/; SameSite=Lax; Max-Age=31536000", req->lang);
		http_add_header(req, "Set-Cookie", v);
		req->set_cookie = true;
	}
	req->rtl = i18n_is_rtl(req->lang);
	req->t = i18n_catalog(app->i18n, req->lang);
}

static void
load_session(struct request *req)
{
	const char *tok = http_cookie(req, http_cookie_name(req, "session"));
	if (!tok)
		return;
	if (strlen(tok) != 64 || strspn(tok, "0123456789abcdef") != 64) {
		log_warn("ignoring a malformed session cookie");
		return;
	}
	enum status st;
	req->user = auth_session_user(tok, &st);
	req->session_unknown = st != STATUS_OK;
}

/* A staff route without a signed-in account: 503 when the database could not check the cookie,
 * else 401 (JSON, POST) or 303 to the sign-in page. */
static void
refuse_anonymous(struct request *req)
{
	if (req->session_unknown) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database; try again in a minute");
	} else if (req->want_json || strcmp(req->method, "GET") != 0) {
		http_error(req, STATUS_UNAUTHORIZED, "login_required", "sign in to use this page");
	} else {
		struct strbuf loc = STRBUF_INIT;
		strbuf_addstr(&loc, "/login?next=");
		strbuf_addurlenc(&loc, req->path);
		http_redirect(req, arena_strdup(req->arena, loc.buf));
		strbuf_release(&loc);
	}
}

static bool
csrf_ok(struct request *req)
{
	const char *cookie = http_cookie(req, http_cookie_name(req, "csrf"));
	const char *field = http_form(req, "csrf");
	return cookie && field && strlen(cookie) == 64 && secure_equals(cookie, field);
}

/* The CSRF cookie a form's POST needs: present and well formed (its field comes later). */
static bool
csrf_cookie_ok(struct request *req)
{
	const char *cookie = http_cookie(req, http_cookie_name(req, "csrf"));
	return cookie && strlen(cookie) == 64 && strspn(cookie, "0123456789abcdef") == 64;
}

/* The length the request announces: *len, and true, when it has a body. */
static bool
request_body_length(struct request *req, unsigned long long *len)
{
	const char *cl = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = http_header(req, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	*len = cl ? strtoull(cl, NULL, 10) : 0;
	return *len > 0 || te;
}

static bool
request_has_body(struct request *req)
{
	unsigned long long len;
	return request_body_length(req, &len);
}

/*
 * 503 server_busy with Retry-After; why is for the log (readers get the catalog's text). A flood
 * of refusals must not become a flood of log lines: one warning a second at most, with the
 * number of refusals since the last one.
 */
static void
answer_busy(struct request *req, const char *why)
{
	static atomic_llong last_s;
	static atomic_long refused;
	long long now_s = (long long)(now_ms() / 1000);
	long n = atomic_fetch_add(&refused, 1) + 1;
	if (atomic_exchange(&last_s, now_s) != now_s) {
		atomic_fetch_sub(&refused, n);
		log_warn("%s %s refused: server_busy (%s; %ld refused since the last such line)",
			 req->method, req->log_path, why, n);
	}
	http_add_header(req, "Retry-After", HTTP_RETRY_AFTER_S);
	error_reply(req, STATUS_UNAVAILABLE, "server_busy", why);
}

static void
answer_too_large(struct request *req)
{
	http_error(req, STATUS_TOO_LARGE, "payload_too_large",
		   "the request body is larger than this address accepts");
}

static enum MHD_Result
queue(struct request *req)
{
	if (!req->response)
		http_error(req, STATUS_INTERNAL, "no_response", "the handler gave no answer");
	enum MHD_Result rc = MHD_queue_response(req->conn, req->status, req->response);
	MHD_destroy_response(req->response);
	req->response = NULL;
	return rc;
}

/* The last checks that need the body (CSRF field), then the route's handler. */
static void
run_handler(struct request *req)
{
	const struct route *route = req->match.route;
	if (strcmp(req->method, "POST") == 0 && !(route->flags & ROUTE_RAW_BODY) && !csrf_ok(req)) {
		http_error(req, STATUS_FORBIDDEN, "csrf_failed",
			   "the form has expired or did not come from this site; reload it");
		return;
	}
	bool standby = page_cache_read_begin(req);
	route->handler(req);
	if (standby)
		page_cache_read_end();
}

/* A request on a worker of its queue: answer, then give the connection back. */
static void
run_deferred(void *arg)
{
	struct request *req = arg;
	log_set_request_id(req->id);
	run_handler(req);
	if (!req->response)
		http_error(req, STATUS_INTERNAL, "no_response", "the handler gave no answer");
	log_set_request_id(NULL);
	/* the HTTP thread queues the answer and may free req at once: touch nothing after */
	MHD_resume_connection(req->conn);
}

static void
dispatch(struct request *req)
{
	const struct route *route = req->match.route;

	if (req->body_too_large) {
		answer_too_large(req);
		return;
	}
	if (req->form_state && form_end(req) != STATUS_OK)
		return; /* form_end replied */
	/* the handler runs on a worker of the pages' queue (any free one takes the oldest
	 * request), or of the CPU-heavy queue; the connection is suspended meanwhile, so this
	 * HTTP thread goes on reading and writing its other connections */
	bool heavy = route->flags & ROUTE_HEAVY;
	struct workq *q = heavy ? workq_heavy : pages_queue;
	if (!q) {
		run_handler(req); /* not serving (a test of the handlers alone) */
		return;
	}
	if (!workq_reserve(q)) {
		answer_busy(req, heavy ? "the work queue of CPU-heavy requests is full"
				       : "every page worker is busy and the pages' queue is full");
		/* the answer is made: what the body became is not needed while it waits */
		for (struct upload *u = req->uploads; u; u = u->next)
			strbuf_release(&u->data);
		json_decref(req->form);
		req->form = NULL;
		req->deferred = tarpit_hold(req->conn, HTTP_BUSY_DELAY_MS);
		return;
	}
	req->deferred = true;
	MHD_suspend_connection(req->conn);
	workq_push(q, run_deferred, req);
}

/*
 * The route of req->path, its twins first: "<path>.json" is the JSON twin of a ROUTE_JSON_TWIN
 * route, "<path>.atom" the Atom feed of a ROUTE_ATOM_TWIN list, tried first because a
 * parameter like {id} would otherwise swallow "3.json". On
 * ROUTER_WRONG_METHOD, allow holds the methods the path takes.
 */
enum router_result
match_route(struct request *req, struct strbuf *allow)
{
	struct app *app = req->app;
	size_t plen = strlen(req->path);

	static const struct {
		const char *suffix;
		enum route_flags flag;
	} twins[] = {{".json", ROUTE_JSON_TWIN}, {".atom", ROUTE_ATOM_TWIN}};
	for (size_t i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
		if (plen <= 5 || strcmp(req->path + plen - 5, twins[i].suffix) != 0)
			continue;
		char *base = arena_strndup(req->arena, req->path, plen - 5);
		struct route_match m;
		enum router_result rr =
			router_match(app->routes, app->nroutes, req->method, base, &m, allow);
		if (rr != ROUTER_NOT_FOUND && (m.route->flags & twins[i].flag)) {
			req->match = m;
			req->path = base;
			/* the address chooses, whatever Accept says */
			req->want_json = twins[i].flag == ROUTE_JSON_TWIN;
			req->want_atom = twins[i].flag == ROUTE_ATOM_TWIN;
			return rr;
		}
		strbuf_reset(allow);
	}
	return router_match(app->routes, app->nroutes, req->method, req->path, &req->match, allow);
}

/* Route req: true when a route takes it, false when answered (405 or 404). */
static bool
route_request(struct request *req)
{
	struct strbuf allow = STRBUF_INIT;
	enum router_result rr = match_route(req, &allow);
	const struct route *route = req->match.route;

	req->log_path = route && (route->flags & ROUTE_SECRET) ? route->pattern : req->path;
	if (route && (route->flags & ROUTE_API))
		req->want_json = true;
	if (rr == ROUTER_WRONG_METHOD) {
		http_add_header(req, "Allow", allow.buf);
		/* the route of that path still chooses the error's shape (a route's own error
		 * shape) */
		http_error(req, STATUS_METHOD, "method_not_allowed",
			   "this address does not accept that method");
		req->match.route = NULL;
	} else if (rr == ROUTER_NOT_FOUND) {
		req->match.route = NULL;
		http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
	}
	strbuf_release(&allow);
	return rr == ROUTER_FOUND;
}

/*
 * The first call, headers in and body not: the language, the route and the body's limit.
 * True when req is answered already (a bad path, no route, a body over the limit, a page from
 * the cache).
 */
static bool
start_request(struct request *req, const char *url, const char *method)
{
	req->method = arena_strdup(req->arena, method);
	req->is_head = strcmp(method, "HEAD") == 0;
	req->path = arena_strdup(req->arena, url);
	choose_language(req);
	req->want_json = want_json_from_accept(http_header(req, "Accept"));
	if (!raw_path_is_safe(req->raw_uri) || !utf8_is_valid(req->path, strlen(req->path)) ||
	    req->path[0] != '/') {
		http_error(req, STATUS_INVALID, "invalid_path",
			   "the address is not valid UTF-8 text");
		return true;
	}
	if (!route_request(req))
		return true;
	const struct route *route = req->match.route;
	if (req->want_json && !(route->flags & ROUTE_JSON_TWIN) && !(route->flags & ROUTE_RAW_BODY))
		req->want_json = strcmp(method, "GET") != 0 && req->want_json;
	req->body_limit =
		route->max_body ? route->max_body : (size_t)req->app->cfg.max_body_kib * 1024;
	unsigned long long announced;
	bool has_body = request_body_length(req, &announced);
	req->linger_bytes = announced ? announced : req->body_limit;
	if (announced > req->body_limit) {
		req->body_too_large = true;
		answer_too_large(req);
		return true;
	}
	/* who is asking, before anything of the body is read */
	load_session(req);
	if ((route->flags & ROUTE_STAFF) && !req->user) {
		refuse_anonymous(req);
		return true;
	}
	/* staff writes emit events: none while emitting is held (docs/decisions/0010) */
	const char *hold = outbox_held();
	if ((route->flags & ROUTE_STAFF) && strcmp(method, "POST") == 0 && hold) {
		http_add_header(req, "Retry-After", "30");
		http_error(req, STATUS_UNAVAILABLE, "recovery_pending", hold);
		return true;
	}
	bool is_form = !(route->flags & ROUTE_RAW_BODY);
	if (has_body && is_form && form_begin(req) != STATUS_OK)
		return true; /* 415: form_begin replied */
	if (is_form && strcmp(method, "POST") == 0 && !csrf_cookie_ok(req)) {
		http_error(req, STATUS_FORBIDDEN, "csrf_failed",
			   "the form has expired or did not come from this site; reload it");
		return true;
	}
	/* a large body refused now is not received for nothing; a small one is read (the
	 * connection stays open) and the queue is asked again when it is in */
	if ((route->flags & ROUTE_HEAVY) && (!announced || announced > HTTP_EARLY_BUSY_MIN) &&
	    workq_is_full(workq_heavy)) {
		answer_busy(req, "the work queue of CPU-heavy requests is full");
		return true;
	}
	if (has_body) {
		/* bodies held at once are bounded: the announced length, or the route's cap */
		size_t want = announced ? (size_t)announced : req->body_limit;
		size_t held = atomic_fetch_add(&body_bytes_held, want);
		req->body_reserved = want;
		if (held + want > body_bytes_max) {
			answer_busy(req, "the request bodies held at once would pass "
					 "BALADIYA_BODY_MEMORY_MIB");
			return true;
		}
	}
	return page_cache_lookup(req);
}

/*
 * A piece of the body, up to the route's limit: parsed at once for a form, kept as raw bytes
 * otherwise (ROUTE_RAW_BODY); dropped after an early answer or past the limit.
 */
static bool
receive_body(struct request *req, const char *data, size_t *size)
{
	size_t n = *size;
	*size = 0;
	if (req->response)
		return true;
	if (req->body_too_large || req->body_received + n > req->body_limit) {
		if (!req->body_too_large) {
			req->body_too_large = true;
			form_abort(req);
			strbuf_release(&req->body);
		}
		/* chunked, so not refused on its length: discard up to a bound, then close */
		req->body_received += n;
		return req->body_received - req->body_limit <= HTTP_DISCARD_MAX;
	}
	req->body_received += n;
	if (req->form_state)
		form_feed(req, data, n);
	else
		strbuf_add(&req->body, data, n);
	return true;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct request *req = *req_cls;
	enum MHD_Result rc = MHD_YES;
	(void)cls;
	(void)version;
	(void)conn;
	if (!req)
		return MHD_NO; /* cannot happen: on_uri always runs first */
	log_set_request_id(req->id);
	if (!req->method) {
		/*
		 * Answered on the first call (cache hit, 404, 405...)? Queueing now would make
		 * libmicrohttpd close the connection (it cannot know the body is empty), so unless
		 * a body is on its way — then closing is right: we refuse it, and the socket
		 * lingers so that the client, still sending, reads the answer — answer on the
		 * next call.
		 */
		if (start_request(req, url, method) && request_has_body(req)) {
			req->linger = true;
			rc = queue(req);
		}
	} else if (*upload_data_size) {
		if (!receive_body(req, upload_data, upload_data_size)) {
			log_warn("%s %s: closed after %zu bytes of a body over the limit",
				 req->method, req->log_path, req->body_received);
			rc = MHD_NO;
		}
	} else if (req->deferred) {
		rc = queue(req); /* resumed: the work queue answered */
	} else {
		if (!req->response)
			dispatch(req);
		if (!req->deferred)
			rc = queue(req);
	}
	log_set_request_id(NULL);
	return rc;
}

/* The pages' queue first: its handlers may still wait on the heavy one (password_verify). */
static void
stop_queues(void)
{
	workq_stop(pages_queue);
	pages_queue = NULL;
	struct workq *heavy = workq_heavy;
	workq_heavy = NULL;
	workq_stop(heavy);
}

int
http_listen(const struct app_config *cfg)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	if (inet_pton(AF_INET, cfg->bind, &addr.sin_addr) != 1) {
		log_error("could not listen: \"%s\" is not an IPv4 address", cfg->bind);
		return -1;
	}
	/* SO_REUSEADDR (a restart binds at once over the last run's TIME_WAIT), never
	 * SO_REUSEPORT: a second daemon given the same port fails instead of sharing it */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int on = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, SOMAXCONN) < 0) {
		log_error("could not listen on %s:%ld: %s", cfg->bind, cfg->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

struct http_server *
http_start(struct app *app, int listen_fd)
{
	char *csp = http_csp_build(&app->cfg);
	if (!csp) {
		close(listen_fd);
		return NULL;
	}
	free(security_csp);
	security_csp = csp;
	page_cache_read_configure(app->cfg.read_database_url);
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	srv->app = app;
	body_bytes_max = (size_t)app->cfg.body_memory_mib << 20;
	/* a connection has one request at a time: the pages' queue has a place for each */
	pages_queue =
		workq_start("pages", (size_t)app->cfg.threads, (size_t)app->cfg.max_connections);
	workq_heavy =
		workq_start("heavy", (size_t)app->cfg.heavy_threads, (size_t)app->cfg.heavy_queue);
	if (!pages_queue || !workq_heavy || linger_start() < 0 || tarpit_start() < 0) {
		linger_stop();
		stop_queues();
		free(srv);
		close(listen_fd);
		return NULL;
	}
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			MHD_ALLOW_SUSPEND_RESUME,
		0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.http_threads,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
		srv, MHD_OPTION_CONNECTION_TIMEOUT, 30U, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)64 * 1024, MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections_per_ip,
		MHD_OPTION_END);
	if (!srv->daemon) {
		log_error("could not serve on %s:%ld", app->cfg.bind, app->cfg.port);
		close(listen_fd);
		tarpit_stop();
		linger_stop();
		stop_queues();
		free(srv);
		return NULL;
	}
	log_info("%s platform listening on http://%s:%ld", app->side, app->cfg.bind, app->cfg.port);
	return srv;
}

void
http_stop(struct http_server *srv, long timeout_ms)
{
	if (!srv)
		return;
	/* no new connection from here on: the listening socket is ours to close, so that a client
	 * (a reverse proxy) is refused at once and tries another replica instead of waiting in the
	 * backlog of a socket nobody accepts from any more */
	MHD_socket lfd = MHD_quiesce_daemon(srv->daemon);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	double deadline = now_ms() + (double)timeout_ms;
	while (atomic_load(&srv->inflight) > 0 && now_ms() < deadline)
		usleep(10 * 1000);
	if (atomic_load(&srv->inflight) > 0)
		log_warn("stopping with %ld requests still in flight", atomic_load(&srv->inflight));
	/* the queue's last jobs and the tarpit resume their connections: before the daemon stops */
	tarpit_stop();
	stop_queues();
	MHD_stop_daemon(srv->daemon);
	linger_stop();
	free(srv);
	free(security_csp);
	security_csp = NULL;
}
