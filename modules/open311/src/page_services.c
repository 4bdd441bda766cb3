// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Open311 discovery and services: the endpoint's description, and the report categories as
 * GeoReport v2 services (names in the answer's language, keywords in every language, the target
 * delay, "batch" for pre-moderated categories).
 */
#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "reports/report.h"

#include <stdio.h>

#define OPEN311_SPEC "http://wiki.open311.org/GeoReport_v2"
#define OPEN311_CHANGESET "2026-11-26T00:00:00Z" /* the date of this API's last change */

void
open311_discovery(struct request *req)
{
	const char *base = page_public_base(req);
	const char *lang = open311_lang(req);
	json_t *site = json_object_get(req->app->site_by_lang, lang);
	const char *name = json_string_value(json_object_get(site, "name"));
	json_t *endpoint =
		json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "specification", OPEN311_SPEC, "url",
			  arena_printf(req->arena, "%s/open311/v2", base), "changeset",
			  OPEN311_CHANGESET, "type", "production", "formats", "application/json");
	open311_reply(req, 200,
		      json_pack("{s:s, s:s, s:s, s:[o]}", "changeset", OPEN311_CHANGESET, "contact",
				arena_printf(req->arena, "%s — %s", name ? name : "", base),
				"key_service", open311_msg(req, lang, "open311_key_service"),
				"endpoints", endpoint));
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
	const char *description = open311_fill(
		req, open311_msg(req, lang, "open311_service_description"), "{days}", days);
	if (premoderated)
		description = arena_printf(req->arena, "%s %s", description,
					   open311_msg(req, lang, "open311_service_premoderated"));
	json_t *body = json_object_get(c, "body");
	/* a pre-moderated category has no reference at once: the spec calls that "batch" */
	json_t *s = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", code,
			      "service_name", open311_text_in(names, lang), "description",
			      description, "metadata", 0, "type",
			      premoderated ? "batch" : "realtime", "keywords", kw.buf, "group",
			      body ? open311_text_in(body, lang)
				   : open311_msg(req, lang, "open311_group_commune"));
	strbuf_release(&kw);
	return s;
}

void
open311_services(struct request *req)
{
	const char *lang = open311_lang(req);
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(report_categories(req->app), i, c)
	{
		json_array_append_new(out, service_json(req, c, lang));
	}
	open311_reply(req, 200, out);
}

void
open311_service(struct request *req)
{
	const char *code =
		open311_json_file(req, http_param(req, "file"), "open311_service_not_found");
	if (!code)
		return;
	if (!report_category(req->app, code)) {
		open311_no_service(req);
		return;
	}
	/* metadata is false for every service: no attributes beyond the standard fields */
	open311_reply(req, 200, json_pack("{s:s, s:[]}", "service_code", code, "attributes"));
}
