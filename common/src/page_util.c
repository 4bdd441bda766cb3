// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Helpers shared by the page handlers: ids from paths, permission checks, text lengths, the
 * error answers of failed writes, residents' text checks and the per-client rate limit.
 */
#include "common/page_util.h"

#include "common/app.h"
#include "common/client.h"
#include "common/http.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/strbuf.h"

#include <stdlib.h>
#include <string.h>

long long
page_parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s) || s[0] == '0')
		return -1;
	return strtoll(s, NULL, 10);
}

bool
page_require(struct request *req, const char *action)
{
	if (app_can(req->app, req->user, action))
		return true;
	http_error(req, STATUS_FORBIDDEN, "forbidden", "your role does not allow this");
	return false;
}

const char *
page_public_base(struct request *req)
{
	const struct app_config *cfg = &req->app->cfg;
	char *base = cfg->public_url
			     ? arena_strdup(req->arena, cfg->public_url)
			     : arena_printf(req->arena, "http://%s:%ld", cfg->bind, cfg->port);
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	return base;
}

const char *
json_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

size_t
utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

bool
is_blank(const char *s)
{
	return !s || strspn(s, " \t\r\n") == strlen(s);
}

json_t *
text_lines(const char *s)
{
	json_t *lines = json_array();
	for (const char *p = s ? s : ""; *p;) {
		size_t n = strcspn(p, "\n");
		json_t *line = json_stringn(p, n);
		if (line && !is_blank(json_string_value(line)))
			json_array_append(lines, line);
		json_decref(line);
		p += n + (p[n] == '\n');
	}
	return lines;
}

/* 503 recovery_pending when emitting is held (outbox_hold): true when it answered. */
static bool
answer_held(struct request *req)
{
	const char *held = outbox_held();
	if (held)
		http_error(req, STATUS_UNAVAILABLE, "recovery_pending", held);
	return held != NULL;
}

void
page_db_unavailable(struct request *req)
{
	if (answer_held(req))
		return;
	http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
		   "the site cannot reach its database");
}

void
page_read_failed(struct request *req, int st, const char *not_found_code,
		 const char *not_found_message)
{
	if (st == STATUS_NOT_FOUND)
		http_error(req, STATUS_NOT_FOUND, not_found_code, not_found_message);
	else
		page_db_unavailable(req);
}

const char *
page_hide_reason(struct request *req)
{
	const char *reason = text_clean(req, http_form(req, "reason"));
	if (!*reason || utf8_length(reason) > HIDE_REASON_MAX || text_has_control(reason, false)) {
		http_error(req, STATUS_INVALID, "reason_required",
			   "hiding needs a public reason (at most 500 characters)");
		return NULL;
	}
	return reason;
}

void
page_write_failed(struct request *req, int st, const char *not_found_code,
		  const char *conflict_code)
{
	if (st == STATUS_NOT_FOUND)
		http_error(req, STATUS_NOT_FOUND, not_found_code, "there is no such item");
	else if (st == STATUS_TOO_MANY)
		page_busy(req);
	else if (st == STATUS_CONFLICT)
		http_error(req, STATUS_CONFLICT, conflict_code,
			   "the item is not in a state that allows this");
	else if (!answer_held(req))
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the change could not be saved; try again in a minute");
}

/* ---- texts ---- */

/* Bytes of the white space character at p (ASCII, no-break and zero-width spaces...), or 0. */
size_t
text_space_at(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		return 1;
	if (p[0] == 0xC2 && p[1] == 0xA0)
		return 2; /* U+00A0 */
	if (p[0] == 0xE2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8F) || p[2] == 0xAF))
		return 3; /* U+2000..U+200F, U+202F */
	if ((p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) ||
	    (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) ||
	    (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF))
		return 3; /* U+205F, U+3000, U+FEFF */
	return 0;
}

/* s (may be NULL) without leading and trailing white space, line ends as LF (arena copy). */
char *
text_clean(struct request *req, const char *s)
{
	size_t n;
	if (!s)
		s = "";
	while (*s && (n = text_space_at(s)))
		s += n;
	size_t end = 0;
	for (size_t i = 0; s[i];) {
		n = text_space_at(s + i);
		if (!n)
			end = ++i;
		else
			i += n;
	}
	char *out = arena_alloc(req->arena, end + 1);
	size_t o = 0;
	for (size_t i = 0; i < end; i++)
		if (!(s[i] == '\r' && s[i + 1] == '\n'))
			out[o++] = s[i] == '\r' ? '\n' : s[i];
	out[o] = '\0';
	return out;
}

/* True when s holds control characters (a comment may hold line feeds and tabs). */
bool
text_has_control(const char *s, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 || *p == 0x7F) && !(multiline && (*p == '\n' || *p == '\t')))
			return true;
	return false;
}

bool
text_has_bidi_control(const char *s)
{
	/* U+202A..U+202E are E2 80 AA..AE; U+2066..U+2069 are E2 81 A6..A9 */
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
				     (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)))
			return true;
	return false;
}

const char *
json_text_member(json_t *obj, const char *key, size_t max, bool multiline)
{
	json_t *v = json_object_get(obj, key);
	const char *s = json_string_value(v);
	if (!s || strlen(s) != json_string_length(v) || utf8_length(s) > max ||
	    text_has_control(s, multiline))
		return NULL;
	return s;
}

/*
 * True when a display name looks like contact data (an e-mail address, a phone number): the
 * platform stores no personal data, and a name is public.
 */
bool
text_looks_personal(const char *s)
{
	size_t digits = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '@')
			return true;
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9)
			digits++; /* Arabic-Indic digits */
	}
	return digits >= 8;
}

bool
page_rate_allow(struct request *req, const char *scope, int per_minute, const char *code,
		const char *message)
{
	unsigned char key[CLIENT_KEY_SIZE];
	client_key(req, scope, key);
	int retry_after_s = 60;
	if (rate_allow(key, rate_limit_for(scope, per_minute), 60, &retry_after_s))
		return true;
	log_info("%s limit reached by client %s", scope, client_tag(req));
	http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", retry_after_s));
	http_error(req, STATUS_TOO_MANY, code, message);
	return false;
}

void
page_busy(struct request *req)
{
	http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", outbox_retry_after_s()));
	http_error(req, STATUS_TOO_MANY, "busy_try_later",
		   "the site receives too many of these right now; try again in a minute");
}

long long
page_before_param(struct request *req)
{
	const char *b = http_query(req, "before");
	if (!b)
		return 0;
	long long id = page_parse_id(b);
	if (id < 0)
		http_error(req, STATUS_INVALID, "invalid_cursor", "the page cursor is not valid");
	return id;
}

json_t *
page_options(struct request *req, const char *const *values,
	     const char *(*label)(struct request *req, const char *value), const char *selected)
{
	json_t *out = json_array();
	for (const char *const *v = values; *v; v++)
		json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", *v, "label",
						     label(req, *v), "selected",
						     selected && strcmp(selected, *v) == 0));
	return out;
}

#define CSRF_COOKIE_MAX_AGE_S (60L * 60 * 24 * 7)

void
page_form_csrf(struct request *req)
{
	const char *name = http_cookie_name(req, "csrf");
	const char *had = http_cookie(req, name);
	const char *tok = http_csrf(req);
	if (had && strcmp(had, tok) == 0)
		http_set_cookie(req, name, tok, CSRF_COOKIE_MAX_AGE_S);
}
