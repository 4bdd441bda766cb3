// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What every Open311 answer needs: the answer's language (the spec's ?locale=), messages and
 * per-language texts, the "{file}.json" segments, and sending JSON with coordinates as reals.
 */
#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "parse.h"

#include <stdlib.h>
#include <string.h>

const char *
open311_lang(struct request *req)
{
	const char *locale = http_query(req, "locale");
	if (locale && *locale) {
		size_t n = strcspn(locale, "_-");
		char *code = arena_strndup(req->arena, locale, n);
		for (char *p = code; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (i18n_is_enabled(req->app->i18n, code))
			return code;
	}
	return req->lang;
}

const char *
open311_msg(struct request *req, const char *lang, const char *key)
{
	return i18n_get(req->app->i18n, lang, key);
}

const char *
open311_text_in(json_t *texts, const char *lang)
{
	const char *s = json_string_value(json_object_get(texts, lang));
	if (!s || !*s)
		s = json_string_value(json_object_get(texts, "fr"));
	if (!s || !*s)
		s = json_string_value(json_object_get(texts, "ar"));
	return s ? s : "";
}

const char *
open311_fill(struct request *req, const char *tmpl, const char *name, const char *value)
{
	const char *at = strstr(tmpl, name);
	if (!at)
		return tmpl;
	return arena_printf(req->arena, "%.*s%s%s", (int)(at - tmpl), tmpl, value,
			    at + strlen(name));
}

json_t *
open311_string_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

const char *
open311_prefix(struct request *req, const char *s, size_t max_chars)
{
	size_t n = open311_prefix_len(s, max_chars);
	return s[n] ? arena_strndup(req->arena, s, n) : s;
}

void
open311_reply(struct request *req, unsigned code, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(9));
	json_decref(body);
	if (!s) {
		http_error(req, STATUS_INTERNAL, "open311_encoding", "could not encode the answer");
		return;
	}
	http_send_owned(req, code, "application/json; charset=utf-8", s, strlen(s));
}

void
open311_db_unavailable(struct request *req)
{
	http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
		   "the site cannot reach its database; try again in a minute");
}

void
open311_no_service(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "open311_service_not_found",
		   "there is no service with this service_code");
}

/* True when path ends with ".xml": a format this API does not offer. */
static bool
is_xml(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && strcmp(path + n - 4, ".xml") == 0;
}

const char *
open311_json_file(struct request *req, const char *file, const char *not_found_code)
{
	size_t n = strlen(file);
	if (n > 5 && strcmp(file + n - 5, ".json") == 0)
		return arena_strndup(req->arena, file, n - 5);
	if (is_xml(file))
		http_error(req, STATUS_INVALID, "open311_format",
			   "only JSON is offered: use the .json address");
	else
		http_error(req, STATUS_NOT_FOUND, not_found_code,
			   "there is nothing at this address");
	return NULL;
}

void
open311_unknown(struct request *req)
{
	if (is_xml(req->path))
		http_error(req, STATUS_INVALID, "open311_format",
			   "only JSON is offered: use the .json address");
	else
		http_error(req, STATUS_NOT_FOUND, "open311_not_found",
			   "there is no Open311 resource at this address");
}
