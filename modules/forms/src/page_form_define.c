// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The form editor (grant "forms.define"): the list of forms, and per service a page where the
 * definition is edited as JSON, checked strictly (each error names its field and reason) and
 * saved as a new version; publishing makes a version the current one. Files keep the version
 * they were made with.
 */
#include "forms/forms.h"

#include "internal.h"

#include "common/arena.h"
#include "common/auth.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char skeleton[] =
	"{\n  \"title\": {\"ar\": \"\", \"fr\": \"\"},\n  \"fields\": [\n    {\"name\": "
	"\"applicant_name\", \"type\": \"text\", \"required\": true,\n     \"label\": {\"ar\": "
	"\"\", \"fr\": \"\"}}\n  ]\n}\n";

void
page_staff_forms(struct request *req)
{
	if (!page_require(req, "forms.define"))
		return;
	const char *open = http_query_value(req, "service");
	if (open) { /* the "open the editor" form, which works without script */
		if (form_service_is_valid(open))
			http_redirect(req, arena_printf(req->arena, "/staff/forms/%s", open));
		else
			http_error(req, STATUS_INVALID, "invalid_filter",
				   "this is not a service key");
		return;
	}
	json_t *forms = db_form_list();
	if (!forms) {
		page_db_unavailable(req);
		return;
	}
	size_t i;
	json_t *f;
	json_array_foreach(forms, i, f)
	{
		json_object_set_new(f, "url",
				    json_sprintf("/staff/forms/%s",
						 json_string_value(json_object_get(f, "service"))));
		json_object_set_new(f, "public_url",
				    json_sprintf("/services/%s/form",
						 json_string_value(json_object_get(f, "service"))));
	}
	http_render(
		req, 200, "form_staff_forms",
		json_pack("{s:o, s:b}", "forms", forms, "has_forms", json_array_size(forms) > 0));
}

/* The editor of {service} with text in the textarea and, after a refused save, the error. */
static void
render_editor(struct request *req, unsigned code, const char *service, const char *text,
	      const char *error)
{
	json_t *versions = db_form_versions(service);
	if (!versions) {
		page_db_unavailable(req);
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(versions, i, v)
	{
		json_object_set_new(v, "when", form_when(json_object_get(v, "created_at")));
	}
	json_t *view = json_pack(
		"{s:s, s:s, s:o, s:b, s:s, s:s}", "service", service, "definition", text,
		"versions", versions, "has_versions", json_array_size(versions) > 0, "action",
		arena_printf(req->arena, "/staff/forms/%s", service), "publish_action",
		arena_printf(req->arena, "/staff/forms/%s/publish", service));
	if (error)
		json_object_set_new(view, "error", json_string(error));
	const char *saved = http_query(req, "saved");
	if (saved && page_parse_id(saved) > 0)
		json_object_set_new(view, "saved", json_string(saved));
	http_csrf(req);
	http_render(req, code, "form_staff_edit", view);
}

/* {service} checked; NULL when it replied. */
static const char *
service_param(struct request *req)
{
	if (!page_require(req, "forms.define"))
		return NULL;
	const char *service = http_param(req, "service");
	if (!form_service_is_valid(service)) {
		http_error(req, STATUS_NOT_FOUND, "form_not_found", "this is not a service key");
		return NULL;
	}
	return service;
}

void
page_staff_form_edit(struct request *req)
{
	const char *service = service_param(req);
	if (!service)
		return;
	enum status st;
	json_t *latest = db_form_latest(service, &st);
	if (!latest && st != STATUS_NOT_FOUND) {
		page_db_unavailable(req);
		return;
	}
	char *text = latest ? json_dumps(json_object_get(latest, "definition"),
					 JSON_INDENT(2) | JSON_PRESERVE_ORDER)
			    : NULL;
	render_editor(req, 200, service, text ? text : skeleton, NULL);
	free(text);
	json_decref(latest);
}

void
page_staff_form_save(struct request *req)
{
	const char *service = service_param(req);
	if (!service)
		return;
	const char *text = http_form(req, "definition");
	if (!text || strlen(text) > FORM_DEF_MAX_BYTES) {
		http_error(req, STATUS_INVALID, "invalid_definition",
			   "the definition is missing or too long");
		return;
	}
	json_error_t jerr;
	json_t *def = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	struct form_def_error err = {0};
	const char *msg = NULL;
	if (!def)
		msg = arena_printf(req->arena, "%s %d:%d — %s", form_t(req, "forms_def_json"),
				   jerr.line, jerr.column, jerr.text);
	else if (!form_def_check(def, &err))
		msg = arena_printf(
			req->arena, "%s%s%s", *err.field ? err.field : "", *err.field ? " — " : "",
			form_t(req, arena_printf(req->arena, "forms_def_%s", err.reason)));
	if (msg) {
		json_decref(def);
		if (req->want_json)
			http_error(req, STATUS_INVALID, "invalid_definition", msg);
		else
			render_editor(req, 400, service, text, msg);
		return;
	}
	char *compact = json_dumps(def, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int version = db_form_save(service, compact, req->user->id);
	free(compact);
	json_decref(def);
	if (version <= 0) {
		page_db_unavailable(req);
		return;
	}
	log_info("form %s version %d saved by account %lld", service, version, req->user->id);
	if (req->want_json)
		http_json(req, 201,
			  json_pack("{s:s, s:i}", "service", service, "version", version));
	else
		http_redirect(req, arena_printf(req->arena, "/staff/forms/%s?saved=%d", service,
						version));
}

void
page_staff_form_publish(struct request *req)
{
	const char *service = service_param(req);
	if (!service)
		return;
	long long version = page_parse_id(http_form(req, "version"));
	enum status st = version > 0 && version < 1000000 ? db_form_publish(service, (int)version)
							  : STATUS_NOT_FOUND;
	if (st != STATUS_OK) {
		page_read_failed(req, st, "version_not_found", "there is no such version");
		return;
	}
	log_info("form %s version %lld published by account %lld", service, version, req->user->id);
	if (req->want_json)
		http_json(req, 200,
			  json_pack("{s:s, s:I}", "service", service, "version",
				    (json_int_t)version));
	else
		http_redirect(req, arena_printf(req->arena, "/staff/forms/%s", service));
}

/*
 * GET /staff/forms/{service}/figures?legal_delay_days=&min_sample=: forms_figures() as the
 * catalogue computes them, for staff (and the tests that check them against the rows).
 */
void
page_staff_form_figures(struct request *req)
{
	const char *service = service_param(req);
	if (!service)
		return;
	const char *d = http_query(req, "legal_delay_days"), *m = http_query(req, "min_sample");
	long long delay = d ? page_parse_id(d) : 0, min = m ? page_parse_id(m) : 1;
	if (delay < 0 || min < 1 || delay > 3650 || min > 100000) {
		http_error(req, STATUS_INVALID, "invalid_filter",
			   "the figures' parameters are not valid");
		return;
	}
	json_t *out = NULL;
	if (forms_figures(service, (int)delay, (int)min, &out) != STATUS_OK) {
		page_db_unavailable(req);
		return;
	}
	http_json(req, 200, out);
}
