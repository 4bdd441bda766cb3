// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PAGE_UTIL_H
#define COMMON_PAGE_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Small helpers every page handler needs. */
struct request;

/* A positive decimal id from a route parameter, or -1. */
long long page_parse_id(const char *s);
/* True when the signed-in user may do action; otherwise replies 403 forbidden and returns false. */
bool page_require(struct request *req, const char *action);
/* The address residents use (public_url, else http://bind:port), without a trailing slash
 * (arena string): the base of the absolute links of feeds and APIs. */
const char *page_public_base(struct request *req);
/* The string member key of object o, or "" when it is missing or not a string. */
const char *json_str(const json_t *o, const char *key);
/* Characters (code points) of a valid UTF-8 string. */
size_t utf8_length(const char *s);
/* True when s is empty or only white space. */
bool is_blank(const char *s);
/* The non-blank lines of a text (may be NULL) as a JSON array of strings: each a paragraph,
 * without HTML. */
json_t *text_lines(const char *s);
/* Replies with the error for a failed write: news_not_found-like code for STATUS_NOT_FOUND,
 * conflict_code for STATUS_CONFLICT, page_busy for STATUS_TOO_MANY, database_unavailable
 * otherwise. */
void page_write_failed(struct request *req, int st, const char *not_found_code,
		       const char *conflict_code);
/*
 * Before rendering a cacheable page that holds a form: the CSRF token of this browser (set as a
 * cookie when it has none) for the form, and the cookie sent again when it had one, so that the
 * page stays out of the shared cache, where another browser would get a token not theirs.
 */
void page_form_csrf(struct request *req);
/* Replies 503 database_unavailable "the site cannot reach its database" (a failed read). */
void page_db_unavailable(struct request *req);
/* A select's choices, [{value, label, selected}]: each of values (NULL-terminated) with its
 * label(req, value), selected when it equals selected (may be NULL). */
json_t *page_options(struct request *req, const char *const *values,
		     const char *(*label)(struct request *req, const char *value),
		     const char *selected);
/* ?before=ID of a keyset page: 0 when absent, -1 (replied 400 invalid_cursor) when not an id. */
long long page_before_param(struct request *req);
/* Replies to a failed read of one thing: 404 not_found_code with not_found_message for
 * STATUS_NOT_FOUND, page_db_unavailable otherwise. */
void page_read_failed(struct request *req, int st, const char *not_found_code,
		      const char *not_found_message);

/*
 * Residents' texts (reactions, reports): shared checks so that every form treats white space,
 * control characters and contact-looking names alike.
 */
/* Bytes of the white space character at s (ASCII, no-break and zero-width spaces...), or 0. */
size_t text_space_at(const char *s);
/* s (may be NULL) without leading and trailing white space, line ends as LF (arena copy). */
char *text_clean(struct request *req, const char *s);
/* True when s holds control characters (multiline: line feeds and tabs are allowed). */
bool text_has_control(const char *s, bool multiline);
/* True when s holds a bidirectional embedding, override or isolate (U+202A..U+202E,
 * U+2066..U+2069): in a resident's text they reorder what others read. */
bool text_has_bidi_control(const char *s);
/* The string member key of obj (an event's data) when it has no NUL byte, at most max
 * characters and no control character (multiline: line feeds and tabs allowed); else NULL. */
const char *json_text_member(json_t *obj, const char *key, size_t max, bool multiline);
/* True when s looks like contact data (an e-mail address, a phone number). */
bool text_looks_personal(const char *s);
/* The most characters of the public reason a moderator gives for hiding a resident's text. */
#define HIDE_REASON_MAX 500
/*
 * The public reason of a moderator's "hide" form (reactions, reports), cleaned as text_clean
 * does: returned when it is 1..HIDE_REASON_MAX characters on one line; otherwise replies 400
 * reason_required and returns NULL.
 */
const char *page_hide_reason(struct request *req);
/*
 * Anti-abuse without personal data: true when req's client (client.h: its address, keyed; not
 * a value it chooses) may do one more scope action ("reaction", "report"...) this minute, at
 * most per_minute unless BALADIYA_RATE_LIMITS sets another number for scope; it is then
 * counted. Otherwise replies 429 code with message and Retry-After, and returns false.
 */
bool page_rate_allow(struct request *req, const char *scope, int per_minute, const char *code,
		     const char *message);
/*
 * Replies 429 busy_try_later with Retry-After: the ceiling of an event type was reached this
 * minute (outbox_emit returned OUTBOX_BUSY; the change was rolled back).
 */
void page_busy(struct request *req);

#endif
