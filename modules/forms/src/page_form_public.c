// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The resident's side of a form, without an account: GET /services/{key}/form renders the
 * current version (conditional fields are all shown with their condition stated, and a small
 * script hides them when JavaScript runs); POST stores the file with its attachments and
 * answers with its reference and the private tracking link, shown once.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/site.h"
#include "db_forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The current form of {key}; NULL when it replied (404 form_not_found). */
static json_t *
current_form(struct request *req)
{
	const char *key = http_param(req, "key");
	enum status st = STATUS_NOT_FOUND;
	json_t *form = form_service_is_valid(key) ? db_form_current(key, &st) : NULL;
	if (!form)
		page_read_failed(req, st, "form_not_found", "this service has no online form");
	return form;
}

static const char *
quarter_label(struct request *req, const char *code)
{
	return form_t(req, arena_printf(req->arena, "project_quarter_%s", code));
}

/* The options of a choice, yes/no or quarter field in the reader's language. */
static json_t *
field_options(struct request *req, json_t *f, const char *type)
{
	if (!strcmp(type, "quarter"))
		return page_options(req, site_quarters, quarter_label, NULL);
	json_t *out = json_array();
	if (!strcmp(type, "yes_no")) {
		json_array_append_new(out, json_pack("{s:s, s:s}", "value", "yes", "label",
						     form_t(req, "forms_yes")));
		json_array_append_new(out, json_pack("{s:s, s:s}", "value", "no", "label",
						     form_t(req, "forms_no")));
		return out;
	}
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(f, "options"), i, o)
	{
		json_array_append_new(
			out, json_pack("{s:O, s:s}", "value", json_object_get(o, "value"), "label",
				       form_text(json_object_get(o, "label"), req->lang)));
	}
	return out;
}

/* "Only if <label> is <value>": the condition of f in words, for pages without script. */
static json_t *
condition_view(struct request *req, json_t *def, json_t *f)
{
	json_t *c = json_object_get(f, "show_if");
	if (!c)
		return json_null();
	const char *name = json_string_value(json_object_get(c, "field"));
	const char *eq = json_string_value(json_object_get(c, "equals"));
	json_t *g = form_def_field(def, name);
	const char *type = json_string_value(json_object_get(g, "type"));
	const char *value = eq;
	json_t *opts = field_options(req, g, type);
	size_t i;
	json_t *o;
	json_array_foreach(opts, i,
			   o) if (!strcmp(json_string_value(json_object_get(o, "value")), eq))
		value = arena_strdup(req->arena, json_string_value(json_object_get(o, "label")));
	json_decref(opts);
	return json_pack("{s:s, s:s, s:s, s:s}", "field", name, "id",
			 arena_printf(req->arena, "f-%s", name), "value", eq, "text",
			 arena_printf(req->arena, "%s « %s » = « %s »",
				      form_t(req, "forms_shown_if"),
				      form_text(json_object_get(g, "label"), req->lang), value));
}

static json_t *
field_view(struct request *req, json_t *def, json_t *f)
{
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *name = json_string_value(json_object_get(f, "name"));
	const char *help = form_text(json_object_get(f, "help"), req->lang);
	json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "name", name, "id",
			      arena_printf(req->arena, "f-%s", name), "label",
			      form_text(json_object_get(f, "label"), req->lang), "help", help,
			      "required", json_is_true(json_object_get(f, "required")), "condition",
			      condition_view(req, def, f));
	json_object_set_new(v, arena_printf(req->arena, "is_%s", type), json_true());
	static const char *const copied[] = {"min_length", "max_length", "min", "max", "max_files"};
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		if (json_object_get(f, copied[i]))
			json_object_set(v, copied[i], json_object_get(f, copied[i]));
	if (!strcmp(type, "choice") || !strcmp(type, "yes_no") || !strcmp(type, "quarter"))
		json_object_set_new(v, "options", field_options(req, f, type));
	if (!strcmp(type, "attachment"))
		json_object_set_new(
			v, "multiple",
			json_boolean(json_integer_value(json_object_get(f, "max_files")) > 1));
	return v;
}

void
page_form(struct request *req)
{
	json_t *form = current_form(req);
	if (!form)
		return;
	json_t *def = json_object_get(form, "definition"), *fields = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f)
	{
		json_array_append_new(fields, field_view(req, def, f));
	}
	char key[FORM_KEY_SIZE];
	form_new_key(key);
	const char *service = http_param(req, "key");
	json_t *view = json_pack("{s:s, s:O, s:s, s:s, s:o, s:s, s:s, s:i}", "service", service,
				 "version", json_object_get(form, "version"), "title",
				 form_text(json_object_get(def, "title"), req->lang), "intro",
				 form_text(json_object_get(def, "intro"), req->lang), "fields",
				 fields, "form_key", key, "action",
				 arena_printf(req->arena, "/services/%s/form", service),
				 "file_max_mib", (int)(FORM_FILE_MAX_BYTES >> 20));
	json_decref(form);
	http_add_header(req, "Cache-Control", "no-store");
	http_csrf(req);
	http_render(req, 200, "form", view);
}

/* The answers of the form's fields in order (conditions see the earlier answers); NULL when
 * one is refused (*code, *field). */
static json_t *
read_answers(struct request *req, json_t *def, const char **code, const char **field)
{
	char today[11];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	json_t *answers = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f)
	{
		const char *name = json_string_value(json_object_get(f, "name"));
		if (!strcmp(json_string_value(json_object_get(f, "type")), "attachment") ||
		    !form_field_shown(def, f, answers))
			continue;
		json_t *v = NULL;
		*code = form_value_check(f, text_clean(req, http_form(req, name)), today, &v);
		if (*code) {
			*field = name;
			json_decref(answers);
			return NULL;
		}
		if (v)
			json_object_set_new(answers, name, v);
	}
	return answers;
}

/* The optional contact and consent into *nf; false when it replied. */
static bool
read_contact(struct request *req, struct db_new_file *nf)
{
	const char *contact = text_clean(req, http_form(req, "contact"));
	const char *notify = http_form(req, "notify");
	nf->contact = NULL;
	nf->contact_kind = NULL;
	if (contact && *contact) {
		nf->contact_kind = form_is_email(contact)   ? "email"
				   : form_is_phone(contact) ? "phone"
							    : NULL;
		if (!nf->contact_kind) {
			http_error(req, STATUS_INVALID, "invalid_contact",
				   "the contact is neither a phone number nor an e-mail address");
			return false;
		}
		nf->contact = contact;
	}
	nf->notify_consent = notify && !strcmp(notify, "yes");
	if (nf->notify_consent && !nf->contact) {
		http_error(req, STATUS_INVALID, "consent_needs_contact",
			   "to be notified, give a phone number or an e-mail address");
		return false;
	}
	return true;
}

/* Write the file in one transaction: its id, 0 for a replayed form, -1. */
static long long
store_file(struct db_new_file *nf, const struct form_upload *ups, size_t nups)
{
	if (db_begin() < 0)
		return -1;
	long long id = db_file_create(nf);
	if (id > 0 && (form_store_uploads(id, 0, ups, nups) < 0 ||
		       db_status_add(id, "received", "{}", "resident", 0) < 0 || db_commit() < 0))
		id = -1;
	if (id <= 0)
		db_rollback();
	return id;
}

static void
submitted(struct request *req, const char *ref, const char *token, json_t *def)
{
	const char *url =
		arena_printf(req->arena, "%s/forms/track/%s", page_public_base(req), token);
	form_private_headers(req);
	if (req->want_json) {
		http_json(req, 201, json_pack("{s:s, s:s}", "ref", ref, "tracking_url", url));
		return;
	}
	http_render(req, 201, "form_created",
		    json_pack("{s:s, s:s, s:s}", "ref", ref, "tracking_url", url, "title",
			      form_text(json_object_get(def, "title"), req->lang)));
}

void
page_form_submit(struct request *req)
{
	if (!page_rate_allow(req, "form_submit", FORM_SUBMIT_PER_MINUTE, "too_many_files",
			     "too many files from this connection; try again in a minute"))
		return;
	json_t *form = current_form(req), *answers = NULL;
	if (!form)
		return;
	json_t *def = json_object_get(form, "definition");
	struct db_new_file nf = {.service = http_param(req, "key"),
				 .submit_key = http_form(req, "form_key")};
	const char *code = NULL, *field = NULL;
	enum status st = STATUS_INVALID;
	struct form_upload ups[FORM_FILES_MAX];
	size_t nups = 0;
	if (!form_key_is_valid(nf.submit_key)) {
		http_error(req, st, "invalid_form_key", "reload the form and send it again");
		goto out;
	}
	answers = read_answers(req, def, &code, &field);
	if (!answers || !read_contact(req, &nf))
		goto refused;
	code = form_take_uploads(req, def, answers, ups, &nups, &st);
	if (code)
		goto refused;
	char ref[FORM_REF_SIZE], token[FORM_TOKEN_SIZE], sha[FORM_SHA256_HEX];
	form_new_ref(ref);
	form_new_token(token, sha);
	nf.ref = ref;
	nf.tracking_sha256 = sha;
	nf.version_id = json_integer_value(json_object_get(form, "id"));
	char *text = json_dumps(answers, JSON_COMPACT);
	nf.answers = arena_strdup(req->arena, text);
	free(text);
	long long id = store_file(&nf, ups, nups);
	if (id == 0)
		http_error(req, STATUS_CONFLICT, "form_replayed", "this form was sent already");
	else if (id < 0)
		page_db_unavailable(req);
	else {
		log_info("form file %s received for %s", ref, nf.service);
		submitted(req, ref, token, def);
	}
	goto out;
refused:
	if (code) /* the field's name is the form's, never what the resident wrote */
		http_error(req, st, code,
			   field ? arena_printf(req->arena, "the field %s was refused", field)
				 : "an attached document was refused");
out:
	json_decref(answers);
	json_decref(form);
}
