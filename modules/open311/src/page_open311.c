// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Open311 GeoReport v2 API of the citizen platform, in JSON: service discovery, the report
 * categories as services, filing a report with an API key (through report_submit(), like the
 * form), public requests with the spec's filters, tokens for pre-moderated reports, and the
 * status history of a request as an extension. service_request_id is the report's public
 * reference; hidden and pending reports do not exist here; no answer ever carries a contact.
 * Errors use the spec's shape through ROUTE_OPEN311 (see http_error). docs/api.md, "Open311".
 */
#include "internal.h"

#include "common/map.h"

#include "common/app.h"
#include "common/db.h"
#include "db_open311.h"
#include "reports/db_report.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/page_util.h"
#include "reports/report.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPEN311_SPEC "http://wiki.open311.org/GeoReport_v2"
#define OPEN311_CHANGESET "2026-11-26T00:00:00Z" /* the date of this API's last change */
#define OPEN311_DESCRIPTION_MAX 4000             /* the spec's schema caps description there */
#define OPEN311_KEY_MAX 128
#define OPEN311_RANGE_MAX_DAYS 90 /* the spec's largest start_date..end_date span */

/* ---- small helpers ---- */

/*
 * The language of the answer: the spec's ?locale= ("fr", "fr_DZ", "ar-DZ") when this site
 * offers it, otherwise the request's (?lang=, cookie, Accept-Language).
 */
static const char *
api_lang(struct request *req)
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

static const char *
msg(struct request *req, const char *lang, const char *key)
{
	return i18n_get(req->app->i18n, lang, key);
}

/* texts[lang], else French, else Arabic (category names and bodies are {ar, fr, en?}). */
static const char *
text_in(json_t *texts, const char *lang)
{
	const char *s = json_string_value(json_object_get(texts, lang));
	if (!s || !*s)
		s = json_string_value(json_object_get(texts, "fr"));
	if (!s || !*s)
		s = json_string_value(json_object_get(texts, "ar"));
	return s ? s : "";
}

/* tmpl with its first "{name}" replaced by value (arena string). */
static const char *
fill(struct request *req, const char *tmpl, const char *name, const char *value)
{
	const char *at = strstr(tmpl, name);
	if (!at)
		return tmpl;
	return arena_printf(req->arena, "%.*s%s%s", (int)(at - tmpl), tmpl, value,
			    at + strlen(name));
}

/* A string member or JSON null when absent or empty. */
static json_t *
string_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/*
 * Send an Open311 answer. Coordinates are reals: nine significant digits print microdegrees
 * exactly (36.7525 rather than 36.752499999999998).
 */
static void
reply(struct request *req, unsigned code, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(9));
	json_decref(body);
	if (!s) {
		http_error(req, STATUS_INTERNAL, "open311_encoding", "could not encode the answer");
		return;
	}
	http_send_owned(req, code, "application/json; charset=utf-8", s, strlen(s));
}

/*
 * The name in a "{file}" segment such as "VOI.json". NULL after replying: 400 for another
 * format (XML is not offered), 404 for anything else.
 */
static const char *
json_file(struct request *req, const char *file, const char *not_found_code)
{
	size_t n = strlen(file);
	if (n > 5 && strcmp(file + n - 5, ".json") == 0)
		return arena_strndup(req->arena, file, n - 5);
	if (n > 4 && strcmp(file + n - 4, ".xml") == 0)
		http_error(req, STATUS_INVALID, "open311_format",
			   "only JSON is offered: use the .json address");
	else
		http_error(req, STATUS_NOT_FOUND, not_found_code,
			   "there is nothing at this address");
	return NULL;
}

/* ---- dates: W3C date-times with a timezone, as the spec wants them ---- */

static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/*
 * Parse "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)" into seconds since the epoch. A
 * space stands for "+" (an unencoded "+" in a query string arrives as a space).
 */
static bool
parse_datetime(const char *s, long long *epoch)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		int nd = 0;
		while (p[1] >= '0' && p[1] <= '9') {
			p++;
			nd++;
		}
		p++;
		if (nd == 0 || nd > 9)
			return false;
	}
	int sign = 0;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		sign = 0;
	} else if ((*p == '+' || *p == ' ' || *p == '-') && strlen(p) == 6 &&
		   digits(p + 1, 2, &oh) && p[3] == ':' && digits(p + 4, 2, &om)) {
		sign = *p == '-' ? -1 : 1;
	} else {
		return false;
	}
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59 || oh > 14 || om > 59)
		return false;
	*epoch = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
		 sign * (oh * 3600 + om * 60);
	return true;
}

/* epoch as "YYYY-MM-DDThh:mm:ssZ" (arena string). */
static const char *
format_utc(struct request *req, long long epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(req->arena, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- requests as the spec shows them ---- */

/* At most max code points of valid UTF-8 s (arena copy when cut). */
static const char *
utf8_prefix(struct request *req, const char *s, size_t max)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (chars == max)
				return arena_strndup(req->arena, s, i);
			chars++;
		}
	}
	return s;
}

/* The category's name in lang, or the code when the category left the configuration. */
static const char *
service_name(struct request *req, const char *code, const char *lang)
{
	json_t *c = report_category(req->app, code);
	return c ? text_in(json_object_get(c, "name"), lang) : code;
}

/* Microdegrees (a JSON integer) as degrees, or null. */
static json_t *
degrees(json_t *e6)
{
	return json_is_integer(e6) ? json_real((double)json_integer_value(e6) / 1e6) : json_null();
}

/* The commune's expected resolution: its receipt plus the category's target delay. */
static json_t *
expected_datetime(struct request *req, json_t *row, bool open)
{
	long long received;
	int days = report_category_target_days(req->app, json_str(row, "category"));
	if (!open || days <= 0 || !parse_datetime(json_str(row, "received_at"), &received))
		return json_null();
	return json_string(format_utc(req, received + (long long)days * 86400));
}

/* One report row (db_open311.h's shape) as a GeoReport v2 service request. */
static json_t *
request_json(struct request *req, json_t *row, const char *lang, const char *base)
{
	const char *status = json_str(row, "status");
	bool open = report_status_is_open(status);
	const char *notes = json_str(row, "notes");
	if (!*notes)
		notes = json_str(row, "status_message");
	json_t *agency = json_null();
	if (strcmp(status, "out_of_scope") == 0) {
		const char *body = json_str(row, "status_body");
		json_t *c = report_category(req->app, json_str(row, "category"));
		if (!*body && c && json_object_get(c, "body"))
			body = text_in(json_object_get(c, "body"), lang);
		agency = string_or_null(body);
	}
	json_t *photo = json_array_get(json_object_get(row, "photos"), 0);
	const char *sha = json_string_value(json_object_get(photo, "sha256"));
	json_t *media = sha ? json_string(arena_printf(req->arena, "%s/photos/%s.jpg", base, sha))
			    : json_null();
	const char *updated = json_str(row, "updated_at");
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "service_request_id", json_str(row, "ref"), "status",
			 open ? "open" : "closed", "status_notes", string_or_null(notes),
			 "service_name", service_name(req, json_str(row, "category"), lang),
			 "service_code", json_str(row, "category"), "description",
			 utf8_prefix(req, json_str(row, "description"), OPEN311_DESCRIPTION_MAX),
			 "agency_responsible", agency, "requested_datetime",
			 json_str(row, "created_at"), "updated_datetime", string_or_null(updated),
			 "expected_datetime", expected_datetime(req, row, open), "address",
			 string_or_null(json_str(row, "place")), "lat",
			 degrees(json_object_get(row, "lat_e6")), "long",
			 degrees(json_object_get(row, "lon_e6")), "media_url", media);
}

/* The statuses that count as closed, comma-separated, from report_status_is_open(). */
static const char *
closed_statuses(struct request *req)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *const *s = report_statuses; *s; s++)
		if (!report_status_is_open(*s))
			strbuf_addf(&sb, "%s%s", sb.len ? "," : "", *s);
	const char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return out;
}

/* One public report by reference (new reference), or NULL after replying 404 or 503. */
static json_t *
find_request(struct request *req, const char *ref)
{
	if (!report_ref_is_valid(ref)) {
		http_error(req, STATUS_NOT_FOUND, "open311_request_not_found",
			   "there is no public request with this service_request_id");
		return NULL;
	}
	struct open311_query q = {.refs = ref, .limit = 1};
	json_t *rows = db_open311_requests(&q);
	if (!rows) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database; try again in a minute");
		return NULL;
	}
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!row)
		http_error(req, STATUS_NOT_FOUND, "open311_request_not_found",
			   "there is no public request with this service_request_id");
	return row;
}

/* ---- discovery and services ---- */

void
open311_discovery(struct request *req)
{
	const char *base = page_public_base(req);
	const char *lang = api_lang(req);
	json_t *site = json_object_get(req->app->site_by_lang, lang);
	const char *name = json_string_value(json_object_get(site, "name"));
	json_t *endpoint =
		json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "specification", OPEN311_SPEC, "url",
			  arena_printf(req->arena, "%s/open311/v2", base), "changeset",
			  OPEN311_CHANGESET, "type", "production", "formats", "application/json");
	reply(req, 200,
	      json_pack("{s:s, s:s, s:s, s:[o]}", "changeset", OPEN311_CHANGESET, "contact",
			arena_printf(req->arena, "%s — %s", name ? name : "", base), "key_service",
			msg(req, lang, "open311_key_service"), "endpoints", endpoint));
}

static json_t *
service_json(struct request *req, json_t *c, const char *lang)
{
	const char *code = json_string_value(json_object_get(c, "code"));
	json_t *names = json_object_get(c, "name");
	bool premoderated = json_is_true(json_object_get(c, "premoderate"));
	/* keywords: the name in every language, so a client finds it whatever its language */
	struct strbuf kw = STRBUF_INIT;
	const char *k;
	json_t *v;
	json_object_foreach(names, k, v)
	{
		if (json_string_value(v) && *json_string_value(v))
			strbuf_addf(&kw, "%s%s", kw.len ? ", " : "", json_string_value(v));
	}
	char days[16];
	snprintf(days, sizeof(days), "%d", report_category_target_days(req->app, code));
	const char *description =
		fill(req, msg(req, lang, "open311_service_description"), "{days}", days);
	if (premoderated)
		description = arena_printf(req->arena, "%s %s", description,
					   msg(req, lang, "open311_service_premoderated"));
	json_t *body = json_object_get(c, "body");
	/* a pre-moderated category has no reference at once: the spec calls that "batch" */
	json_t *s = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", code,
			      "service_name", text_in(names, lang), "description", description,
			      "metadata", 0, "type", premoderated ? "batch" : "realtime",
			      "keywords", kw.buf, "group",
			      body ? text_in(body, lang) : msg(req, lang, "open311_group_commune"));
	strbuf_release(&kw);
	return s;
}

void
open311_services(struct request *req)
{
	const char *lang = api_lang(req);
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(report_categories(req->app), i, c)
	{
		json_array_append_new(out, service_json(req, c, lang));
	}
	reply(req, 200, out);
}

void
open311_service(struct request *req)
{
	const char *code = json_file(req, http_param(req, "file"), "open311_service_not_found");
	if (!code)
		return;
	if (!report_category(req->app, code)) {
		http_error(req, STATUS_NOT_FOUND, "open311_service_not_found",
			   "there is no service with this service_code");
		return;
	}
	/* metadata is false for every service: no attributes beyond the standard fields */
	reply(req, 200, json_pack("{s:s, s:[]}", "service_code", code, "attributes"));
}

/* ---- GET requests ---- */

/*
 * A comma-separated list whose items all pass ok (at most max items, none empty); NULL
 * when the list is wrong.
 */
static const char *
checked_list(struct request *req, const char *s, size_t max,
	     bool (*ok)(struct request *, const char *))
{
	size_t n = 0;
	char *copy = arena_strdup(req->arena, s);
	for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (++n > max || !ok(req, item))
			return NULL;
	}
	size_t len = strlen(s);
	if (n == 0 || s[0] == ',' || s[len - 1] == ',' || strstr(s, ",,"))
		return NULL;
	return s;
}

static bool
is_ref(struct request *req, const char *s)
{
	(void)req;
	return report_ref_is_valid(s);
}

static bool
is_service(struct request *req, const char *s)
{
	return report_category(req->app, s) != NULL;
}

void
open311_requests(struct request *req)
{
	const char *lang = api_lang(req);
	struct open311_query q = {.limit = OPEN311_PAGE_MAX};
	const char *ids = http_query(req, "service_request_id");
	const char *codes = http_query(req, "service_code");
	const char *start = http_query(req, "start_date");
	const char *end = http_query(req, "end_date");
	const char *status = http_query(req, "status");
	long long t0 = 0, t1 = 0;

	if (ids && *ids) {
		/* the spec: with service_request_id, the other parameters are ignored */
		q.refs = checked_list(req, ids, OPEN311_PAGE_MAX, is_ref);
		if (!q.refs) {
			http_error(req, STATUS_INVALID, "open311_invalid_request_id",
				   "service_request_id must be references like R-7K3M-Q2XP, "
				   "comma-separated");
			return;
		}
		goto search;
	}
	if (codes && *codes) {
		q.categories = checked_list(req, codes, 64, is_service);
		if (!q.categories) {
			http_error(req, STATUS_INVALID, "open311_invalid_service_code",
				   "service_code must list known service codes, comma-separated");
			return;
		}
	}
	if (start && *start) {
		if (!parse_datetime(start, &t0)) {
			http_error(req, STATUS_INVALID, "open311_invalid_start_date",
				   "start_date must be a W3C date and time with a timezone, like "
				   "2026-11-01T00:00:00Z");
			return;
		}
		q.start = format_utc(req, t0);
	}
	if (end && *end) {
		if (!parse_datetime(end, &t1)) {
			http_error(req, STATUS_INVALID, "open311_invalid_end_date",
				   "end_date must be a W3C date and time with a timezone, like "
				   "2026-11-30T23:59:59Z");
			return;
		}
		q.end = format_utc(req, t1);
	}
	if (q.start && q.end && (t1 < t0 || t1 - t0 > OPEN311_RANGE_MAX_DAYS * 86400LL)) {
		http_error(req, STATUS_INVALID, "open311_invalid_date_range",
			   "end_date must follow start_date, at most 90 days later");
		return;
	}
	if (status && *status) {
		bool has_open = false, has_closed = false, bad = false;
		char *copy = arena_strdup(req->arena, status);
		for (char *save = NULL, *s = strtok_r(copy, ",", &save); s;
		     s = strtok_r(NULL, ",", &save)) {
			if (strcmp(s, "open") == 0)
				has_open = true;
			else if (strcmp(s, "closed") == 0)
				has_closed = true;
			else
				bad = true;
		}
		if (bad || (!has_open && !has_closed)) {
			http_error(req, STATUS_INVALID, "open311_invalid_status",
				   "status must be open, closed or both, comma-separated");
			return;
		}
		if (has_open != has_closed) {
			q.want = has_open ? "open" : "closed";
			q.closed = closed_statuses(req);
		}
	}
search:;
	json_t *rows = db_open311_requests(&q);
	if (!rows) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database; try again in a minute");
		return;
	}
	const char *base = page_public_base(req);
	json_t *out = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_array_append_new(out, request_json(req, row, lang, base));
	}
	json_decref(rows);
	reply(req, 200, out);
}

void
open311_request(struct request *req)
{
	const char *ref = json_file(req, http_param(req, "file"), "open311_request_not_found");
	if (!ref)
		return;
	json_t *row = find_request(req, ref);
	if (!row)
		return;
	json_t *out =
		json_pack("[o]", request_json(req, row, api_lang(req), page_public_base(req)));
	json_decref(row);
	reply(req, 200, out);
}

/*
 * Extension: every public change of a request in order, the commune's statuses and messages
 * and the reporter's assessments, each at the time its signed event carries.
 */
void
open311_request_history(struct request *req)
{
	json_t *row = find_request(req, http_param(req, "ref"));
	if (!row)
		return;
	json_t *timeline = db_report_timeline(json_integer_value(json_object_get(row, "id")));
	if (!timeline) {
		json_decref(row);
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database; try again in a minute");
		return;
	}
	json_t *history = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(timeline, i, e)
	{
		const char *side = json_str(e, "side");
		const char *status = json_str(e, "status");
		bool commune = strcmp(side, REPORT_ANSWERER) == 0;
		json_t *open311_status = json_null();
		if (commune && report_status_is_valid(status))
			open311_status =
				json_string(report_status_is_open(status) ? "open" : "closed");
		json_array_append_new(history,
				      json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "datetime",
						json_str(e, "at"), "side", side, "kind",
						json_str(e, "kind"), "status", open311_status,
						"detailed_status", string_or_null(status), "notes",
						string_or_null(json_str(e, "message")),
						"agency_responsible",
						string_or_null(json_str(e, "body"))));
	}
	json_decref(timeline);
	json_t *out = json_pack("[{s:s, s:s, s:o}]", "service_request_id", json_str(row, "ref"),
				"service_code", json_str(row, "category"), "history", history);
	json_decref(row);
	reply(req, 200, out);
}

/* ---- tokens ---- */

void
open311_token(struct request *req)
{
	const char *token = json_file(req, http_param(req, "file"), "open311_token_not_found");
	if (!token)
		return;
	char sha[REPORT_SHA256_HEX];
	enum status st = STATUS_NOT_FOUND;
	json_t *row = report_token_hash(token, sha) ? db_report_by_tracking(sha, &st) : NULL;
	OPENSSL_cleanse(sha, sizeof(sha));
	const char *visibility = json_str(row, "visibility");
	if (!row || strcmp(visibility, "hidden") == 0) {
		json_decref(row);
		if (st == STATUS_UNAVAILABLE)
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the site cannot reach its database; try again in a minute");
		else
			http_error(req, STATUS_NOT_FOUND, "open311_token_not_found",
				   "there is no request with this token");
		return;
	}
	/* a pre-moderated report has no public reference until the moderators approve it */
	json_t *id =
		strcmp(visibility, "public") == 0 ? json_string(json_str(row, "ref")) : json_null();
	json_decref(row);
	reply(req, 200, json_pack("[{s:o, s:s}]", "service_request_id", id, "token", token));
}

void
open311_unknown(struct request *req)
{
	const char *path = req->path;
	size_t n = strlen(path);
	if (n > 4 && strcmp(path + n - 4, ".xml") == 0)
		http_error(req, STATUS_INVALID, "open311_format",
			   "only JSON is offered: use the .json address");
	else
		http_error(req, STATUS_NOT_FOUND, "open311_not_found",
			   "there is no Open311 resource at this address");
}

/* ---- POST requests ---- */

/* The spec has no title: the first line of the description, at most REPORT_TITLE_MAX chars. */
static const char *
title_from(struct request *req, const char *description)
{
	while (*description == ' ' || *description == '\t' || *description == '\r' ||
	       *description == '\n')
		description++;
	size_t line = strcspn(description, "\r\n");
	const char *first = arena_strndup(req->arena, description, line);
	return utf8_prefix(req, first, REPORT_TITLE_MAX);
}

static const char *
form(struct request *req, const char *name)
{
	const char *v = http_form(req, name);
	return v && *v ? v : NULL;
}

/* Check the api_key field: true for a live key; otherwise replies 403 (or 503). */
static bool
api_key_ok(struct request *req)
{
	const char *key = form(req, "api_key");
	if (!key) {
		http_error(req, STATUS_FORBIDDEN, "open311_api_key_required",
			   "api_key is required to file a request");
		return false;
	}
	if (strlen(key) > OPEN311_KEY_MAX) {
		http_error(req, STATUS_FORBIDDEN, "open311_api_key_invalid",
			   "api_key is not valid");
		return false;
	}
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)key, strlen(key), md);
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	char *name = NULL;
	enum status st = db_open311_key_check(hex, &name);
	if (st == STATUS_OK) {
		log_info("open311 request from client \"%s\"", name);
		free(name);
		return true;
	}
	if (st == STATUS_UNAVAILABLE)
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database; try again in a minute");
	else
		http_error(req, STATUS_FORBIDDEN, "open311_api_key_invalid",
			   "api_key is not valid");
	return false;
}

/* report_submit()'s codes, and what they mean in the spec's words. */
static const char *
submit_message(const char *code)
{
	static const struct {
		const char *code, *message;
	} messages[] = {
		{"empty_text", "description is required"},
		{"text_too_long", "title or description is too long"},
		{"outside_commune", "the location is outside the commune"},
		{"place_required", "lat and long, or address_string, are required"},
		{"invalid_point", "lat and long are not a valid location"},
		{"contact_invalid", "email or phone is not valid"},
		{"invalid_text", "the texts may not hold control characters"},
		{"invalid_quarter", "quarter is not one of the commune's quarters"},
	};
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (strcmp(messages[i].code, code) == 0)
			return messages[i].message;
	return "the request is not valid";
}

void
open311_request_create(struct request *req)
{
	struct app *app = req->app;
	if (req->body.len && http_parse_form(req) != STATUS_OK)
		return; /* it replied */
	if (!api_key_ok(req))
		return;
	const char *lang = api_lang(req);
	if (form(req, "media_url")) {
		http_error(req, STATUS_INVALID, "open311_media_url",
			   "media_url is not accepted: photos are added through the web form, "
			   "never fetched from an address");
		return;
	}
	const char *code = form(req, "service_code");
	if (!code) {
		http_error(req, STATUS_INVALID, "open311_service_code_required",
			   "service_code is required");
		return;
	}
	if (!report_category(app, code)) {
		http_error(req, STATUS_NOT_FOUND, "open311_service_not_found",
			   "there is no service with this service_code");
		return;
	}
	struct report_input in = {
		.category = code,
		.description = form(req, "description"),
		.place = form(req, "address_string"),
		.quarter = form(req, "quarter"), /* extension: a quarter code, as on the form */
		.lang = lang,
	};
	const char *lat = form(req, "lat"), *lon = form(req, "long");
	if (lat || lon) {
		if (!lat || !lon || !map_parse_degrees(lat, 90, &in.lat_e6) ||
		    !map_parse_degrees(lon, 180, &in.lon_e6)) {
			http_error(req, STATUS_INVALID, "open311_invalid_lat_long",
				   "lat and long must both be decimal degrees (WGS84)");
			return;
		}
		in.has_point = true;
	}
	in.title = form(req, "title");
	if (!in.title)
		in.title = title_from(req, in.description ? in.description : "");
	/* one private contact: the e-mail address when both are given */
	in.contact = form(req, "email");
	if (!in.contact)
		in.contact = form(req, "phone");

	char token[REPORT_TOKEN_SIZE] = "";
	enum status st = STATUS_INTERNAL;
	const char *err = NULL, *field = NULL;
	json_t *view = report_submit(app, &in, token, &st, &err, &field);
	if (!view) {
		OPENSSL_cleanse(token, sizeof(token));
		if (st == STATUS_INVALID && err && strcmp(err, "unknown_category") == 0)
			http_error(req, STATUS_NOT_FOUND, "open311_service_not_found",
				   "there is no service with this service_code");
		else if (st == STATUS_INVALID || st == STATUS_TOO_LARGE)
			http_error(req, STATUS_INVALID, err ? err : "invalid_request",
				   submit_message(err ? err : ""));
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the site cannot reach its database; try again in a minute");
		return;
	}
	http_cache_bump();
	const char *ref = json_str(view, "ref");
	bool pending = report_category_premoderated(app, code) ||
		       strcmp(json_str(view, "visibility"), "pending") == 0;
	json_t *answer;
	if (pending) {
		/* no public reference yet: the client asks tokens/{token}.json later */
		answer = json_pack("[{s:s, s:s}]", "token", token, "service_notice",
				   msg(req, lang, "open311_notice_pending"));
	} else {
		const char *url =
			arena_printf(req->arena, "%s/reports/%s", page_public_base(req), ref);
		answer =
			json_pack("[{s:s, s:s}]", "service_request_id", ref, "service_notice",
				  fill(req, msg(req, lang, "open311_notice_public"), "{url}", url));
	}
	log_info("open311 report %s filed (%s)", pending ? "pending moderation" : ref, code);
	OPENSSL_cleanse(token, sizeof(token));
	json_decref(view);
	reply(req, 200, answer);
}

/* ---- CLI: the keys ---- */

static bool
is_key_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

static int
key_add(const char *name)
{
	if (!is_key_name(name)) {
		fprintf(stderr, "a key name is 1 to 64 letters, digits, '.', '_' or '-', starting "
				"with a letter or digit\n");
		return 2;
	}
	/* 256 random bits, the same shape as a tracking token; only the hash is stored */
	char key[REPORT_TOKEN_SIZE], sha[REPORT_SHA256_HEX];
	report_new_token(key, sha);
	enum status st = db_open311_key_add(name, sha);
	int rc = 0;
	if (st == STATUS_OK) {
		fprintf(stderr, "new Open311 key \"%s\"; it is shown once, here:\n", name);
		printf("%s\n", key);
	} else if (st == STATUS_CONFLICT) {
		fprintf(stderr, "there is already a key named \"%s\"\n", name);
		rc = 3;
	} else {
		fprintf(stderr, "could not store the key: the database failed\n");
		rc = 1;
	}
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

static int
key_list(void)
{
	json_t *keys = db_open311_key_list();
	if (!keys)
		return 1;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k)
	{
		const char *revoked = json_string_value(json_object_get(k, "revoked_at"));
		const char *used = json_string_value(json_object_get(k, "last_used_at"));
		printf("%s\tcreated %s\t%s%s\tlast used %s\n", json_str(k, "name"),
		       json_str(k, "created_at"), revoked ? "revoked " : "live",
		       revoked ? revoked : "", used ? used : "never");
	}
	json_decref(keys);
	return 0;
}

static int
key_revoke(const char *name)
{
	enum status st = db_open311_key_revoke(name);
	if (st == STATUS_OK) {
		fprintf(stderr, "key \"%s\" revoked\n", name);
		return 0;
	}
	fprintf(stderr,
		st == STATUS_NOT_FOUND ? "no live key named \"%s\"\n"
				       : "could not revoke \"%s\": the database failed\n",
		name);
	return 1;
}

int
open311_cli(struct app *app, int argc, char **argv)
{
	int rc = 2;
	bool add = argc == 3 && strcmp(argv[0], "key") == 0 && strcmp(argv[1], "add") == 0;
	bool list = argc == 2 && strcmp(argv[0], "key") == 0 && strcmp(argv[1], "list") == 0;
	bool revoke = argc == 3 && strcmp(argv[0], "key") == 0 && strcmp(argv[1], "revoke") == 0;
	if (!add && !list && !revoke) {
		fprintf(stderr, "usage: %s-srv open311 key add NAME | key list | key revoke NAME\n",
			app->side);
		return 2;
	}
	if (app_migrate(app) < 0) {
		rc = 1;
		goto out;
	}
	rc = add ? key_add(argv[2]) : list ? key_list() : key_revoke(argv[2]);
out:
	db_shutdown();
	return rc;
}
