// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef OPEN311_INTERNAL_H
#define OPEN311_INTERNAL_H

#include "common/router.h"

#include <jansson.h>
#include <stddef.h>

/*
 * The Open311 GeoReport v2 API in JSON over the citizen platform's reports, between the
 * module's own files: page_services.c (discovery, services, service definitions),
 * page_requests.c (requests, one request, its history, tokens), page_request_create.c (filing a
 * request with an API key), open311_cli.c (the keys), answer.c (what every answer needs),
 * parse.c (text parsing). It shows only public reports and never a reporter's contact.
 * docs/api.md, "Open311".
 */
struct app;
struct request;

#define OPEN311_MAX_BODY (64u * 1024) /* a filed request: texts only (no photos) */
#define OPEN311_PAGE_MAX 100          /* requests in one GET requests.json answer */

void open311_discovery(struct request *req);
void open311_services(struct request *req);
void open311_service(struct request *req);
void open311_requests(struct request *req);
void open311_request_create(struct request *req);
void open311_request(struct request *req);
void open311_request_history(struct request *req);
void open311_token(struct request *req);
/* Unknown addresses under /open311/v2/: 400 open311_format for .xml, else 404. */
void open311_unknown(struct request *req);

/* `citizen-srv open311 key add NAME | key list | key revoke NAME`: the API keys. */
int open311_cli(struct app *app, int argc, char **argv);

/* Errors in the GeoReport shape: [{"code", "description"}] (error_code is ours). */
void open311_error(struct request *req, unsigned http_status, const char *code,
		   const char *message);

/* ---- answer.c ---- */

/*
 * The language of the answer: the spec's ?locale= ("fr", "fr_DZ", "ar-DZ") when this site
 * offers it, otherwise the request's (?lang=, cookie, Accept-Language).
 */
const char *open311_lang(struct request *req);
/* The catalog's message key in lang. */
const char *open311_msg(struct request *req, const char *lang, const char *key);
/* texts[lang], else French, else Arabic, else "" (category names and bodies are {ar, fr, en?}). */
const char *open311_text_in(json_t *texts, const char *lang);
/* tmpl with its first name ("{days}") replaced by value (arena string, or tmpl). */
const char *open311_fill(struct request *req, const char *tmpl, const char *name,
			 const char *value);
/* A JSON string, or JSON null when s is NULL or empty. */
json_t *open311_string_or_null(const char *s);
/* At most max_chars characters of the valid UTF-8 s (an arena copy when cut). */
const char *open311_prefix(struct request *req, const char *s, size_t max_chars);
/*
 * Send body (consumed) as an Open311 answer. Coordinates are reals: nine significant digits
 * print microdegrees exactly (36.7525 rather than 36.752499999999998).
 */
void open311_reply(struct request *req, unsigned code, json_t *body);
/* Replies 503 database_unavailable. */
void open311_db_unavailable(struct request *req);
/* Replies 404 open311_service_not_found. */
void open311_no_service(struct request *req);
/*
 * The name in a "{file}" segment such as "VOI.json" (arena string). NULL after replying: 400
 * for another format (XML is not offered), 404 not_found_code for anything else.
 */
const char *open311_json_file(struct request *req, const char *file, const char *not_found_code);

#endif
